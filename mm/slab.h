/* SPDX-License-Identifier: MIT */
/*
 * mm/slab.h - what the slab layer's files share: struct slab (the view of
 * a slab's head struct page), the common part of struct kmem_cache, the
 * backend operations, and the per-machine slab state.
 *
 * slab_common.c owns the API entry points, the cache list, merging, the
 * kmalloc caches and their size tables, large kmalloc, /proc/slabinfo, the
 * shrinker and the deferred (RCU) slab frees.  A backend - slub.c (Linux
 * 6.12) or slab.c (Linux 6.6) - owns how objects are laid out, kept and
 * handed out, and its own debugging.  The backend is picked at boot by
 * `slab=`; every call goes through m->slab->be, a table of functions, so
 * both backends live in one library (Linux picked one at build time).
 *
 * struct kmem_cache is one allocation: the common part below, the
 * backend's private part (be->cache_priv_size bytes, word aligned) at
 * kmem_cache_priv(), then nothing else.  Both live in an object of the
 * "kmem_cache" cache, as in Linux.
 */
#ifndef KMM_MM_SLAB_H
#define KMM_MM_SLAB_H

#include <kmm/slab.h>
#include <kmm/mm.h>
#include <kmm/machine.h>
#include <kmm/spinlock.h>
#include <kmm/list.h>

/*
 * The head page of a slab seen as a slab, overlaying struct page exactly
 * as Linux 6.12 does (so the page allocator's fields line up):
 *
 *	0  flags		page flags (node, zone, PG_head for order > 0)
 *	8  slab_cache		overlays compound_head/lru.next: bit 0 clear
 *	16 slab_list		or the per-CPU partial chain (next, slabs)
 *	32 freelist		\ one 16-byte aligned double word: SLUB
 *	40 counters		/ swaps them together with cmpxchg16b
 *	48 page_type		PGTY_slab << 24 while a slab
 *	52 refcount		the page's reference count (1)
 *	56 obj_exts		memcg_data's place; SLAB keeps `active` here
 *
 * SLAB (6.6) reads 32 as its freelist (the index array) and 40 as s_mem
 * (the first object); its count of objects in use sits at 56.
 */
struct slab {
	unsigned long __page_flags;
	struct kmem_cache *slab_cache;
	union {
		struct list_head slab_list;
		struct {
			struct slab *next;	/* SLUB per-CPU partial chain */
			int slabs;		/* slabs in the chain from here */
		};
	};
	union {
		struct {
			void *freelist;
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
				void *s_mem;	/* SLAB: first object */
			};
		};
		unsigned __int128 freelist_counter;
	};
	unsigned int __page_type;
	atomic_int __page_refcount;
	unsigned long active;			/* SLAB: objects in use */
};
_Static_assert(sizeof(struct slab) == sizeof(struct page), "struct slab");
_Static_assert(__builtin_offsetof(struct slab, freelist) % 16 == 0,
	       "freelist/counters must be 16-byte aligned");

#define PGTY_SLAB	0xf5000000u	/* PGTY_slab << 24, 6.12 page-flags.h */
#define PAGE_TYPE_NONE_	0xffffffffu

static inline struct slab *page_slab(const struct page *page)
{
	return (struct slab *)page;
}

static inline struct page *slab_page(const struct slab *slab)
{
	return (struct page *)slab;
}

static inline bool slab_test(const struct slab *slab)
{
	return __atomic_load_n(&slab->__page_type, __ATOMIC_RELAXED) ==
	       PGTY_SLAB;
}

/* Set a page's type; others may read it unlocked (see PageBuddy). */
static inline void slab_set_page_type(struct slab *slab, unsigned int type)
{
	__atomic_store_n(&slab->__page_type, type, __ATOMIC_RELAXED);
}

static inline unsigned int slab_order(const struct slab *slab)
{
	return compound_order(slab_page(slab));
}

static inline void *slab_address(const struct slab *slab)
{
	return page_address(slab_page(slab));
}

static inline int slab_nid(const struct slab *slab)
{
	return page_to_nid(slab_page(slab));
}

/* slab_address() without a lookup of the current machine. */
static inline void *slab_address_m(const struct kmm_machine *m,
				   const struct slab *slab)
{
	return m->phys_base +
	       ((u64)(slab_page(slab) - m->vmemmap_base) << PAGE_SHIFT);
}

/* The head page of the page holding @x in @m's RAM, or NULL. */
static inline struct page *kmm_obj_page(const struct kmm_machine *m,
					const void *x)
{
	u64 xoff = (u64)((uintptr_t)x - (uintptr_t)m->phys_base);
	unsigned long pfn;
	struct page *page;

	/*
	 * Below phys_base wraps around to beyond phys_span.  The span is a
	 * whole number of sections (kernel/machine.c), so the section
	 * exists, and pfn_valid() is its has_memmap (mm/sparse.c).
	 */
	if (unlikely(xoff >= m->phys_span))
		return NULL;
	pfn = (unsigned long)(xoff >> PAGE_SHIFT);
	if (unlikely(!m->mem_section[pfn_to_section_nr(pfn)].has_memmap))
		return NULL;
	page = m->vmemmap_base + pfn;
	if (page->compound_head & 1)
		page = (struct page *)(page->compound_head - 1);
	return page;
}

/*
 * The slab containing @x, or NULL if @x is not in this machine's memory or
 * its page is not part of a slab.
 */
static inline struct slab *kmm_virt_to_slab_m(const struct kmm_machine *m,
					      const void *x)
{
	struct page *page = kmm_obj_page(m, x);

	return page && slab_test(page_slab(page)) ? page_slab(page) : NULL;
}
struct slab *kmm_virt_to_slab(const void *x);
/* kmem_cache_alloc and kmem_cache_free the long way (slab_common.c). */
void *kmem_cache_alloc_general(struct kmem_cache *s, gfp_t gfp,
			       unsigned long caller, size_t orig_size);
void kmem_cache_free_general(struct kmem_cache *s, void *x,
			     unsigned long caller);

/* --- Caches ------------------------------------------------------------ */

#define KMM_SLAB_NAME_MAX	48

struct kmem_cache {
	/*
	 * Set by slab_common before be->create; the backend may adjust.
	 * name: slab_common's copy in host memory (kstrdup_const), so that
	 * the struct is no bigger than Linux's and the "kmem_cache" cache
	 * can have Linux's object size; freed with the cache.
	 */
	const char *name;
	unsigned int object_size;	/* what the caller asked for */
	unsigned int size;		/* object + metadata, the stride */
	unsigned int align;
	slab_flags_t flags;
	unsigned int useroffset, usersize;
	void (*ctor)(void *);
	int refcount;			/* merges; -1 while bootstrapping */
	struct list_head list;		/* m->slab->caches */
	/* Set by the backend's create. */
	unsigned int order;		/* pages per slab: 1 << order */
	unsigned int objects;		/* objects per slab (max) */
	gfp_t allocflags;
	/* Counters kept by slab_common's page helpers. */
	atomic_long nr_slabs;
	atomic_long total_objects;
	bool kmalloc_cache;
	/*
	 * Zeroing at allocation stops at the requested size (set by SLUB
	 * when it keeps that size for the kmalloc red zone).
	 */
	bool zero_orig_size;
	struct kmm_machine *machine;	/* the machine the cache lives in */
	/* machine->slab->be->alloc and ->free, one load from the cache. */
	void *(*be_alloc)(struct kmem_cache *s, gfp_t gfp, int node,
			  unsigned long caller, size_t orig_size);
	void (*be_free)(struct kmem_cache *s, struct slab *slab, void *x,
			unsigned long caller);
	/*
	 * kmem_cache_alloc() and kmem_cache_free() whole (@s is not NULL), as
	 * the backend makes them fastest, or slab_common's general ones.  With
	 * these the struct is as large as Linux's SLUB kmem_cache (216 bytes
	 * before the node pointers).
	 */
	void *(*cache_alloc)(struct kmem_cache *s, gfp_t gfp,
			     unsigned long caller, size_t orig_size);
	void (*cache_free)(struct kmem_cache *s, void *x, unsigned long caller);
	/*
	 * The backend's part follows.  (Not declared 64-byte aligned: list
	 * walks form a struct kmem_cache pointer to the list head itself,
	 * which would then be misaligned for the type.)
	 */
	unsigned long priv[];
};

/*
 * slab_post_alloc_hook's clearing (slab_want_init_on_alloc): on an
 * init_on_alloc machine every object but a constructed one, those of
 * TYPESAFE_BY_RCU and POISON caches only on __GFP_ZERO; otherwise only on
 * __GFP_ZERO.  slab_init_on_alloc_wants is the init_on_alloc half, for
 * fast paths made for such machines.
 */
static inline bool slab_init_on_alloc_wants(const struct kmem_cache *s,
					    gfp_t gfp)
{
	if (s->ctor)
		return false;
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))
		return gfp & __GFP_ZERO;
	return true;
}

static inline bool slab_want_init_on_alloc(const struct kmem_cache *s,
					   gfp_t gfp)
{
	if (s->machine->init_on_alloc)
		return slab_init_on_alloc_wants(s, gfp);
	return gfp & __GFP_ZERO;
}

/*
 * The bytes cleared: the object's, or only the request's in a kmalloc
 * cache with red zones or store-user (zero_orig_size).
 */
static inline size_t slab_zero_size(const struct kmem_cache *s,
				    size_t orig_size)
{
	return s->zero_orig_size ? min_t(size_t, s->object_size, orig_size) :
				   s->object_size;
}

static inline void *kmem_cache_priv(struct kmem_cache *s)
{
	return s->priv;
}

/* What /proc/slabinfo prints for one cache. */
struct slabinfo {
	unsigned long active_objs, num_objs;
	unsigned long active_slabs, num_slabs;
	unsigned long shared_avail;
	unsigned int limit, batchcount, shared;
	unsigned int objects_per_slab;
	unsigned int cache_order;
};

struct kmm_sink;

/*
 * A backend.  All functions run on the current machine.  @caller is the
 * API caller's return address (for SLAB_STORE_USER tracks).
 */
struct slab_backend {
	const char *name;		/* "SLUB", "SLAB" */
	/*
	 * The Linux whose slab_common goes with it (KMM_KVER): SLUB 6.12,
	 * SLAB 6.6.  slab_common follows it where the two differ (kmalloc
	 * cache order, merging, destroying a busy cache, messages).
	 */
	unsigned int kver;
	size_t cache_priv_size;		/* bytes at kmem_cache_priv() */
	/* The private part ends in nr_node_ids node pointers (SLUB). */
	bool node_array_tail;
	/* Flags every kmalloc cache gets (SLAB: ARCH_KMALLOC_FLAGS). */
	slab_flags_t kmalloc_flags;
	/* Smallest kmalloc cache index (0: KMALLOC_SHIFT_LOW; SLAB: 5). */
	unsigned int kmalloc_shift_low;
	/*
	 * kmem_cache_init: bootstrap the "kmem_cache" (and the node) caches,
	 * calling slab_bootstrap_cache() for each, then create the kmalloc
	 * caches with create_kmalloc_caches() at the point Linux does, moving
	 * m->slab->state through its values.  0 or -ENOMEM.
	 */
	int (*init)(void);
	void (*init_late)(void);	/* kmem_cache_init_late: to FULL */
	/*
	 * __kmem_cache_create: lay objects out, pick the order, set up per-CPU
	 * and per-node structures.  0, or -errno (slab_common then frees the
	 * kmem_cache).
	 */
	int (*create)(struct kmem_cache *s);
	/* Free every empty slab; 0 if none is left in use, else -EBUSY. */
	int (*shutdown)(struct kmem_cache *s);
	/* Free the per-CPU and per-node structures (after shutdown). */
	void (*release)(struct kmem_cache *s);
	void *(*alloc)(struct kmem_cache *s, gfp_t gfp, int node,
		       unsigned long caller, size_t orig_size);
	/* @x belongs to @slab, a slab of @s (slab_common checked both). */
	void (*free)(struct kmem_cache *s, struct slab *slab, void *x,
		     unsigned long caller);
	/*
	 * Choose @s's cache_alloc and cache_free (kmem_cache_alloc and
	 * kmem_cache_free in one function each; anything but the fast path
	 * goes to kmem_cache_alloc_general/kmem_cache_free_general, which
	 * slab_common sets before).  Called after create, and again with
	 * @kmalloc for the caches create_kmalloc_cache makes (never
	 * destroyed).  May be NULL: the general paths stay.
	 */
	void (*set_fast_paths)(struct kmem_cache *s, bool kmalloc);
	/*
	 * kfree of a pointer past ZERO_OR_NULL_PTR; may be NULL (kfree_lookup,
	 * which a backend's kfree calls for what it does not recognise).
	 */
	void (*kfree)(struct kmm_machine *m, const void *x,
		      unsigned long caller);
	/* Fill p[0..nr): nr, or 0 having freed what it took.  May be NULL. */
	int (*alloc_bulk)(struct kmem_cache *s, gfp_t gfp, size_t nr, void **p);
	/*
	 * Free p[0..nr) of @s (not NULL), which it may reorder.  May be NULL:
	 * slab_common frees them one by one.
	 */
	void (*free_bulk)(struct kmem_cache *s, size_t nr, void **p,
			  unsigned long caller);
	/* Give back empty slabs and drain per-CPU caches; 1 if slabs remain. */
	int (*shrink)(struct kmem_cache *s);
	void (*get_info)(struct kmem_cache *s, struct slabinfo *info);
	/* slabinfo -v: the cache's details, then its debug state. */
	void (*show_details)(struct kmem_cache *s, const struct kmm_sink *out);
	/* SLUB_DEBUG's print_tracking (the object's tracks); may be NULL. */
	void (*print_tracking)(struct kmem_cache *s, void *object);
	/* Check every slab and object; returns problems found. */
	long (*validate)(struct kmem_cache *s);
	/* Periodic work (SLAB's cache_reap); may be NULL. */
	void (*tick)(struct kmem_cache *s);
	/* Bytes usable at @x (ksize); @x is an object start of @s. */
	size_t (*object_usable)(struct kmem_cache *s, const void *x);
	/*
	 * Cache merging: the size and flags a new cache would have, so that
	 * find_mergeable can compare (SLUB's kmem_cache_flags with slub_debug).
	 */
	slab_flags_t (*cache_flags)(const char *name, slab_flags_t flags);
	/* Objects in the cache that are allocated, for kmem_cache_destroy. */
	unsigned long (*objects_in_use)(struct kmem_cache *s);
	/* Print the leaked objects (destroy with live objects). */
	void (*report_leaks)(struct kmem_cache *s);
	/*
	 * Machine going away: free everything that is host memory, for the
	 * caches on both st->caches and st->orphans.
	 */
	void (*destroy_machine)(void);
};

extern const struct slab_backend kmm_slub_backend;
/* SLUB: frees of @s that took the page lookup (mm/slub.c). */
unsigned long slub_lookup_frees(struct kmem_cache *s);
extern const struct slab_backend kmm_slab_backend;

/*
 * slab_free_hook's init_on_free for @s (not for caches whose free objects
 * must keep their contents: a ctor, TYPESAFE_BY_RCU, or poisoning).  The
 * backends clear a freed object after checking its pointer.
 */
static inline bool slab_want_init_on_free(struct kmem_cache *s)
{
	return s->machine->init_on_free &&
	       !(s->ctor || (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON)));
}

/* --- Per-machine state --------------------------------------------------- */

enum slab_state {
	DOWN,			/* No slab functionality yet */
	PARTIAL,		/* SLUB: kmem_cache_node available */
	PARTIAL_NODE,		/* SLAB: kmalloc size for node struct available */
	UP,			/* Slab caches usable but not all extras yet */
	FULL			/* Everything is working */
};

enum kmalloc_cache_type {
	KMALLOC_NORMAL = 0,
	KMALLOC_RECLAIM,
	KMALLOC_DMA,
	KMALLOC_CGROUP,
	NR_KMALLOC_TYPES
};

struct kmm_rcu_cb {
	struct kmm_rcu_cb *next;
	void (*func)(struct kmm_rcu_cb *cb);
};

struct kmm_slab_state {
	const struct slab_backend *be;
	enum slab_state state;
	spinlock_t mutex;			/* slab_mutex */
	struct list_head caches;		/* slab_caches, newest first */
	/* Destroyed with objects still out: off the list, kept alive. */
	struct list_head orphans;
	struct kmem_cache *kmem_cache;		/* the cache of caches */
	struct kmem_cache *kmem_cache_node;	/* SLUB's node cache */
	struct kmem_cache *kmalloc_caches[NR_KMALLOC_TYPES][KMALLOC_SHIFT_HIGH + 1];
	u8 size_index[24];
	atomic_long errors;			/* BUG reports printed */
	atomic_bool tainted_bad;		/* add_taint(TAINT_BAD_PAGE) */
	atomic_long large_kmalloc_pages;
	struct shrinker *shrinker;
	void *be_rcu;				/* kernel/rcu.c's state */
	/* Bootstrap record: each slab_state reached, with the caches then. */
	int nr_history;
	struct { enum slab_state state; int nr_caches; } history[8];
	void *be_state;				/* the backend's globals */
};

static inline struct kmm_slab_state *slab_st(void)
{
	return kmm_current()->slab;
}

/* --- slab_common.c services for the backends ---------------------------- */

/* GFP_SLAB_BUG_MASK: what kmalloc_fix_flags drops, with a warning. */
#define GFP_SLAB_BUG_MASK	(__GFP_DMA32 | __GFP_HIGHMEM | ~__GFP_BITS_MASK)
gfp_t kmalloc_fix_flags(gfp_t flags);
/* kfree_lookup once the page is known (kmm_obj_page(m, x), NULL if none). */
void kfree_page(struct kmm_machine *m, struct page *page, const void *x,
		unsigned long caller);
/*
 * kfree_lookup (kfree past its first guess: the object's page says what
 * it is) and kmalloc_general (any size and flags; @m is the current
 * machine) are declared in kmm/machine.h, as m->kfree_fn and
 * m->kmalloc_fn's defaults.
 */

/* Move slab_state on (and record it for kmm_slab_bootstrap_history). */
void slab_set_state(enum slab_state state);

/* Allocate a slab of @s: (1 << s->order) pages, PGTY_slab set, accounted. */
struct slab *slab_alloc_pages(struct kmem_cache *s, gfp_t gfp, int node,
			      unsigned int order);
/* Return a slab's pages to the page allocator (page state restored). */
void slab_free_pages(struct kmem_cache *s, struct slab *slab);
/*
 * Bootstrap: @s is static-like storage for a cache (the backend's boot
 * copy); set it up as kmem_cache_create would without allocating it.
 */
int slab_bootstrap_cache(struct kmem_cache *s, const char *name,
			 unsigned int size, slab_flags_t flags,
			 unsigned int useroffset, unsigned int usersize);
/* The bytes a struct kmem_cache takes with this backend's private part. */
size_t kmem_cache_struct_size(void);
/*
 * create_kmalloc_cache(): a cache whose struct comes from the kmem_cache
 * cache (usable from state PARTIAL on), set up like a boot cache, with
 * refcount 1, SLAB_KMALLOC added, on the cache list.  NULL on failure.
 */
struct kmem_cache *create_kmalloc_cache(const char *name, unsigned int size,
					slab_flags_t flags);
/* The kmalloc cache names of type @type and index @idx ("kmalloc-96"). */
const char *kmalloc_cache_name(enum kmalloc_cache_type type, unsigned int idx);
/* The size of kmalloc index @idx (1 -> 96, 2 -> 192, else 1 << idx). */
unsigned int kmalloc_index_size(unsigned int idx);
/* create_kmalloc_caches(): every type and size, 96 and 192 in order. */
int create_kmalloc_caches(void);
void setup_kmalloc_cache_index_table(void);
/* kmalloc_slab: the cache for @size bytes and @gfp (size <= 8k). */
struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp);
unsigned int kmalloc_index(size_t size);
/* calculate_alignment() of slab_common.c. */
unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
				 unsigned int size);
/* Count a report (kmm_slab_errors). */
void slab_count_error(void);
/* add_taint(TAINT_BAD_PAGE) where Linux taints (the report is counted). */
void slab_taint_bad_page(void);
/* Free the cache's name (slab_common's copy). */
void slab_free_name(struct kmem_cache *s);
/* Defer @cb until a grace period has passed (call_rcu). */
void call_rcu(struct kmm_rcu_cb *cb, void (*func)(struct kmm_rcu_cb *));
/* Run the callbacks whose grace period is over (all, if @wait). */
void kmm_rcu_process(bool wait);
/* The CPU id of the calling thread and its node. */
static inline int slab_cpu(void)
{
	return smp_processor_id();
}

/* Host-memory per-CPU areas (Linux's alloc_percpu), zeroed. */
void *slab_percpu_alloc(size_t size);
void slab_percpu_free(void *p);

#endif /* KMM_MM_SLAB_H */
