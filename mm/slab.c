/* SPDX-License-Identifier: MIT */
/*
 * mm/slab.c - the SLAB allocator of Linux 6.6 (removed in 6.8), as the
 * "SLAB" backend behind mm/slab.h.  Booted with `slab=slab`.
 *
 * What.  Bonwick's slab allocator with Linux's per-CPU "head arrays": each
 * cache keeps objects in slabs (1 << gfporder pages) sorted per NUMA node
 * into three lists - full, partial, free - and hands them out LIFO from a
 * small per-CPU array, refilled and flushed in batches.
 *
 * Data structures.
 *   struct slab_cache (the private tail of struct kmem_cache): the tunables
 *	limit / batchcount / shared, num objects per slab, gfporder, colour
 *	and colour_off, the freelist placement (cflags), obj_offset (debug
 *	layout), the per-CPU arrays and node[nr_node_ids] behind it.
 *   struct array_cache: avail, limit, batchcount, touched, entry[limit].
 *	One per CPU (host memory, 64-byte strided, each with its own lock),
 *	one "shared" array per node (shared * batchcount entries) and, on
 *	NUMA, per node an alien array for every other node (12 entries).
 *   struct kmem_cache_node: slabs_partial/full/free, total_slabs,
 *	free_slabs, free_objects, free_limit, colour_next, shared, alien,
 *	next_reap, free_touched, list_lock.
 *   struct slab (the head struct page): freelist = the array of object
 *	indexes (freelist_idx_t, one byte: at most 255 objects per slab, so
 *	objects are at least 16 bytes), s_mem = first object, active =
 *	objects handed out.  Indexes freelist[active..num) are the free ones.
 *
 * Invariants.  Every slab of a node is on exactly one list: full (active ==
 * num), partial (0 < active < num) or free (active == 0); free_objects is
 * the sum of num - active over the node's slabs; total_slabs and
 * free_slabs count them.  Objects in an array (per-CPU, shared, alien) are
 * "active" for their slab.  A CPU's array only holds objects of that CPU's
 * memory node (remote frees go to alien arrays or straight home).
 *
 * Freelist placement (set_objfreelist_slab_cache, set_off_slab_cache,
 * set_on_slab_cache, in that order): OBJFREELIST keeps the index array in a
 * free object (not with a ctor, TYPESAFE_BY_RCU or init_on_free, and only
 * if num bytes fit in an object); OFF_SLAB kmallocs it (only if that
 * kmalloc cache is not itself OFF_SLAB and its objects are at most half
 * the object size asked for, and if the leftover could not hold it);
 * otherwise it sits at the end of the slab.  calculate_slab_order tries
 * orders from 0 and keeps the last that fits: it stops at the first one
 * for SLAB_RECLAIM_ACCOUNT caches, at slab_max_order (1 above 32 MiB of
 * RAM) whatever is left, or at the first whose leftover is at most 1/8;
 * it goes past slab_max_order while no object fits.
 *
 * Colouring: colour_off = 64 (or the alignment), colour = leftover /
 * colour_off; each new slab of a node starts its objects colour_next *
 * colour_off bytes in, colour_next cycling 1, 2, .., colour - 1, 0.
 *
 * Algorithms (as Linux 6.6): ____cache_alloc pops the CPU array; on a miss
 * cache_alloc_refill moves up to batchcount (16 if the array was idle)
 * objects from the node's shared array, else from partial then free slabs,
 * else grows a slab (cache_grow_begin/end).  A specific node goes to
 * ____cache_alloc_node, falling back along the zonelist (fallback_alloc).
 * Freeing pushes on the CPU array; a full array gives batchcount objects to
 * the shared array or back to their slabs (cache_flusharray, free_block),
 * which releases free slabs beyond free_limit = (1 + CPUs of the node) *
 * batchcount + num.  A free on a CPU of another node goes to that node's
 * alien array (drained when full and by the reaper).
 *
 * Reaping.  be->tick is one pass of cache_reap for one cache, standing for
 * REAPTIMEOUT_AC (2 s) of time: kmm keeps a clock per cache in jiffies
 * (HZ = 250) advanced by 2 s a tick.  For every CPU: drain one alien array
 * (round robin over nodes), drain (limit + 4) / 5 of its array unless it
 * was touched; per node at most every REAPTIMEOUT_NODE (4 s, so every 2nd
 * tick; the first at 4 s + (cache address % 4 s)): drain the shared array
 * the same way and, unless free_touched, free (free_limit + 5 num - 1) /
 * (5 num) free slabs.
 *
 * Bootstrap (kmem_cache_init): the kmem_cache cache lives in host memory
 * (Linux's static kmem_cache_boot) with static node lists; then the kmalloc
 * cache for struct kmem_cache_node (state PARTIAL_NODE), the size table,
 * init_list() moves both caches' node lists into kmalloc'ed memory, and
 * create_kmalloc_caches() makes the rest (UP) with one-entry arrays.
 * kmem_cache_init_late: enable_cpucache on every cache (FULL).
 *
 * Locking.  Linux disables interrupts around the per-CPU array.  kmm's
 * array has a kmm_pcpu_lock (kernel/smp.c): the thread that owns the CPU
 * enters without a locked instruction, as Linux does with interrupts off;
 * a thread sharing the CPU takes the spinlock; cache_reap, drains, tuning,
 * reports and validation revoke the CPU first (Linux runs them on that
 * CPU).  Order: CPU array -> alien lock -> node list_lock.  Nothing is
 * held while calling the page allocator or kmalloc/kfree (cache_grow_begin
 * leaves the section as Linux re-enables interrupts, and re-reads the
 * array after); slabs to free are collected on a list and freed after.
 * Re-tuning a cache's arrays (enable_cpucache of a live cache) needs the
 * cache quiescent, as Linux's kick_all_cpus_sync provides; kmm only tunes
 * at creation and in kmem_cache_init_late.
 *
 * Debugging.  Linux has SLAB's red zones, poisoning and last-user word only
 * in CONFIG_DEBUG_SLAB builds; kmm lays a cache out that way when it is
 * created with SLAB_RED_ZONE, SLAB_POISON or SLAB_STORE_USER (DEBUG per
 * cache, no FORCED_DEBUG, arrays capped at 32).  Layout: [red zone word]
 * [object] [red zone word] [caller], red zones RED_INACTIVE while free,
 * RED_ACTIVE while allocated; free objects hold 0x6b ending in 0xa5.  The
 * checks and messages are Linux's (cache_alloc_debugcheck_after,
 * cache_free_debugcheck, check_poison_obj, slab_put_obj); each report is
 * counted with slab_count_error().  Where Linux would BUG() (a double free
 * found in the freelist, a pointer that is not an object start) kmm prints
 * the report and refuses the free, so the lists stay sound; a free whose
 * red zones are both RED_INACTIVE ("double free detected") is refused too.
 * Without debugging, a free into a slab with no object in use, and a
 * pointer that is not an object start, are refused with the same reports
 * (Linux would corrupt the slab silently).
 *
 * Observability: get_info for /proc/slabinfo (tunables and slabdata as
 * get_slabinfo), show_details, validate (lists, counts, freelist indexes,
 * arrays, red zones and poison of free objects).
 *
 * Differences from Linux.  No pfmemalloc slabs, mempolicies, cpusets,
 * kmemleak, KASAN, KFENCE, memcg or CPU/memory hotplug.  No STATS counters
 * besides grown/reaped/errors.  dump_stack() after slab_error() prints
 * its header and an empty call trace (kmm has no unwinder).  The
 * debug_pagealloc off-slab layout of DEBUG_SLAB is not modelled.  Freelist
 * randomisation (slab_freelist_random=1) uses a splitmix64 generator
 * seeded from the cache name.  The off-slab/objfreelist flags live in the
 * private part, not in s->flags.  kmalloc caches get SLAB_HWCACHE_ALIGN
 * (ARCH_KMALLOC_FLAGS) from the backend's kmalloc_flags.  Node structures
 * before FULL are zeroed (free_limit 0, as Debian's init_on_alloc gives).
 * A non-DEBUG 6.6 SLAB drops SLAB_RED_ZONE, SLAB_POISON and
 * SLAB_STORE_USER (CACHE_CREATE_MASK) and a DEBUG one forces them on
 * every cache (and caps limit at 32); kmm keeps them per cache as asked,
 * a mix no Linux build has, so that SLAB's checks can be used at all.
 * The "kmem_cache" cache holds kmm's struct kmem_cache with SLAB's part,
 * larger than 6.6's 128 + 8 x nodes, so its slabinfo row shows kmm's size.
 * A CPU on a node without memory works on the nearest node with memory
 * (cpu_mem, what numa_mem_id() gives where HAVE_MEMORYLESS_NODES is set);
 * x86 has no such option, so its SLAB uses the memoryless node's own
 * kmem_cache_node, whose slabs come from elsewhere.
 */
#include <kmm/machine.h>
#include <kmm/printk.h>
#include <kmm/show_mem.h>
#include <kmm/string.h>
#include <kmm/numa.h>
#include <kmm/gfp.h>
#include <kmm/platform.h>
#include <kmm/page_debug.h>
#include "slab.h"

/* --- Constants ------------------------------------------------------------- */

typedef unsigned char freelist_idx_t;

#define BYTES_PER_WORD		sizeof(void *)
#define REDZONE_ALIGN		8
#define SLAB_OBJ_MIN_SIZE	16
#define SLAB_OBJ_MAX_NUM	255	/* one-byte freelist indexes */
#define SLAB_KMALLOC_SHIFT_LOW	5	/* no kmalloc-8 / -16 */
#define ARCH_KMALLOC_FLAGS	SLAB_HWCACHE_ALIGN
#define CACHE_LINE_SIZE		64

#define CFLGS_OBJFREELIST_SLAB	0x40000000U
#define CFLGS_OFF_SLAB		0x80000000U

#define BOOT_CPUCACHE_ENTRIES	1
#define BATCHREFILL_LIMIT	16

#define REAPTIMEOUT_AC		(2 * HZ)	/* HZ: Debian's 250 */
#define REAPTIMEOUT_NODE	(4 * HZ)

#define SLAB_MAX_ORDER_HI	1
#define SLAB_MAX_ORDER_LO	0

#define SLAB_RED_INACTIVE	0x09F911029D74E35BULL
#define SLAB_RED_ACTIVE		0xD84156C5635688C0ULL
#define SLAB_POISON_INUSE	0x5a
#define SLAB_POISON_FREE	0x6b
#define SLAB_POISON_END		0xa5

#define SLAB_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)

#define GFP_CONSTRAINT_MASK	(__GFP_HARDWALL | __GFP_THISNODE)
#define GFP_RECLAIM_MASK	(__GFP_RECLAIM | __GFP_IO | __GFP_FS |	\
				 __GFP_NOWARN | __GFP_RETRY_MAYFAIL |	\
				 __GFP_NOFAIL | __GFP_NORETRY |		\
				 __GFP_MEMALLOC | __GFP_NOMEMALLOC)

#define KERNEL_PAGE_OFFSET	0xffff888000000000UL

/* --- Structures ------------------------------------------------------------ */

struct array_cache {
	unsigned int avail;
	unsigned int limit;
	unsigned int batchcount;
	unsigned int touched;
	void *entry[];
};

/* A CPU's head array: the lock stands for Linux's interrupts-off. */
struct cpu_array {
	struct kmm_pcpu_lock lock;	/* Linux: interrupts off (kernel/smp.c) */
	struct array_cache ac;
};

struct alien_cache {
	spinlock_t lock;
	struct array_cache ac;
};

struct kmem_cache_node {
	spinlock_t list_lock;
	struct list_head slabs_partial;
	struct list_head slabs_full;
	struct list_head slabs_free;
	unsigned long total_slabs;
	unsigned long free_slabs;
	unsigned long free_objects;
	unsigned int free_limit;
	unsigned int colour_next;
	struct array_cache *shared;
	struct alien_cache **alien;
	unsigned long next_reap;
	int free_touched;
};

struct reciprocal_value {
	u32 m;
	u8 sh1, sh2;
};

/* The SLAB part of struct kmem_cache. */
struct slab_cache {
	void *cpu_raw;			/* host allocation of the arrays */
	struct cpu_array *cpu_cache;	/* [nr_cpus], cpu_stride apart */
	unsigned int cpu_stride;
	unsigned int batchcount;
	unsigned int limit;
	unsigned int shared;
	unsigned int num;		/* objects per slab */
	unsigned int gfporder;
	unsigned int cflags;		/* CFLGS_OFF_SLAB / OBJFREELIST */
	unsigned int colour;
	unsigned int colour_off;
	unsigned int freelist_size;
	unsigned int obj_offset;	/* debug: start of the object */
	struct reciprocal_value reciprocal_buffer_size;
	unsigned int *random_seq;
	u64 rnd_seed;
	atomic_ulong rnd_ctr;
	spinlock_t reap_lock;
	unsigned long reap_jiffies;	/* this cache's reap clock */
	unsigned long reap_round;
	atomic_ulong grown, reaped, errors;
	struct list_head be_list;	/* every SLAB cache (host memory) */
	struct kmem_cache_node *node[];	/* [nr_node_ids] */
};

/* Globals of the backend (Linux's statics), host memory. */
struct slab_globals {
	struct kmem_cache *boot;	/* kmem_cache_boot */
	int slab_max_order;
	bool use_alien_caches;
	bool freelist_random;
	bool freelist_hardened;
	int nr_online;
	int online[KMM_MAX_NODES];	/* online node ids, ascending */
	int cpu_mem[KMM_MAX_CPUS];	/* cpu_to_mem() */
	spinlock_t list_lock;		/* be_list */
	struct list_head be_list;
	struct ratelimit_state oom_rs;	/* slab_out_of_memory's slab_oom_rs */
	/* init_kmem_cache_node[]: CACHE_CACHE + nid, SIZE_NODE + nid. */
	struct kmem_cache_node init_nodes[2 * KMM_MAX_NODES];
};

#define CACHE_CACHE	0
#define SIZE_NODE	KMM_MAX_NODES

_Static_assert(sizeof(struct kmm_rcu_cb) <= sizeof(struct list_head),
	       "the RCU callback overlays slab_list");

/* --- Small helpers --------------------------------------------------------- */

static inline struct slab_globals *G(void)
{
	return slab_st()->be_state;
}

static inline struct slab_cache *SC(struct kmem_cache *s)
{
	return kmem_cache_priv(s);
}

static inline struct kmem_cache_node *get_node(struct kmem_cache *s, int node)
{
	return SC(s)->node[node];
}

static inline struct cpu_array *cpu_array_of(struct slab_cache *sc, int cpu)
{
	return (struct cpu_array *)((char *)sc->cpu_cache +
				    (size_t)cpu * sc->cpu_stride);
}

/* @cpu's array from outside its owner's sections (kernel/smp.c). */
static void ca_lock_remote(struct kmem_cache *s, int cpu, struct cpu_array *ca)
{
	kmm_cpu_revoke(s->machine, cpu);
	kmm_pcpu_lock_remote(&ca->lock);
}

static void ca_unlock_remote(struct kmem_cache *s, int cpu,
			     struct cpu_array *ca)
{
	kmm_pcpu_unlock_remote(&ca->lock);
	kmm_cpu_unrevoke(s->machine, cpu);
}

static inline int cpu_to_mem(int cpu)
{
	return G()->cpu_mem[cpu];
}

static inline bool OFF_SLAB(struct kmem_cache *s)
{
	return SC(s)->cflags & CFLGS_OFF_SLAB;
}

static inline bool OBJFREELIST_SLAB(struct kmem_cache *s)
{
	return SC(s)->cflags & CFLGS_OBJFREELIST_SLAB;
}

static inline bool cache_debug(const struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

static inline int nr_node_ids_(void)
{
	return kmm_current()->nr_node_ids;
}

#define for_each_kmem_cache_node(s, node, n)				\
	for (node = 0; node < nr_node_ids_(); node++)			\
		if (((n) = get_node(s, node)) != NULL)

static void sl_list_splice(struct list_head *list, struct list_head *head)
{
	struct list_head *first = list->next, *last = list->prev;
	struct list_head *at = head->next;

	if (list_empty(list))
		return;
	first->prev = head;
	head->next = first;
	last->next = at;
	at->prev = last;
}

static inline void sl_list_move(struct list_head *e, struct list_head *head)
{
	list_del(e);
	list_add(e, head);
}

static struct reciprocal_value reciprocal_value(u32 d)
{
	struct reciprocal_value r;
	int l = fls(d - 1);
	u64 m = ((1ULL << 32) * ((1ULL << l) - d)) / d + 1;

	r.m = (u32)m;
	r.sh1 = (u8)min(l, 1);
	r.sh2 = (u8)max(l - 1, 0);
	return r;
}

static inline u32 reciprocal_divide(u32 a, struct reciprocal_value r)
{
	u32 t = (u32)(((u64)a * r.m) >> 32);

	return (t + ((a - t) >> r.sh1)) >> r.sh2;
}

static inline void *index_to_obj(struct kmem_cache *s, const struct slab *slab,
				 unsigned int idx)
{
	return (char *)slab->s_mem + (size_t)s->size * idx;
}

static inline unsigned int obj_to_index(struct kmem_cache *s,
					const struct slab *slab, void *obj)
{
	u32 offset = (u32)((char *)obj - (char *)slab->s_mem);

	return reciprocal_divide(offset, SC(s)->reciprocal_buffer_size);
}

static inline freelist_idx_t get_free_obj(struct slab *slab, unsigned int idx)
{
	return ((freelist_idx_t *)slab->freelist)[idx];
}

static inline void set_free_obj(struct slab *slab, unsigned int idx,
				freelist_idx_t val)
{
	((freelist_idx_t *)slab->freelist)[idx] = val;
}

/* An address as an x86_64 kernel would print it (the direct map). */
static unsigned long kaddr(const void *p)
{
	struct kmm_machine *m = kmm_current();
	uintptr_t v = (uintptr_t)p, base = (uintptr_t)m->phys_base;

	if (base && v >= base && v - base < m->phys_span)
		return KERNEL_PAGE_OFFSET + (v - base);
	return v;
}

/* splitmix64 over a per-cache counter: deterministic, lock free. */
static u64 splitmix64(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 cache_random(struct slab_cache *sc)
{
	unsigned long c = atomic_fetch_add(&sc->rnd_ctr, 1) + 1;

	return (u32)(splitmix64(sc->rnd_seed + 0x9e3779b97f4a7c15ULL * c) >> 32);
}

/* --- Debug layout and checks ----------------------------------------------- */

static unsigned long long *dbg_redzone1(struct kmem_cache *s, void *objp)
{
	return (unsigned long long *)((char *)objp + SC(s)->obj_offset -
				      sizeof(unsigned long long));
}

static unsigned long long *dbg_redzone2(struct kmem_cache *s, void *objp)
{
	if (s->flags & SLAB_STORE_USER)
		return (unsigned long long *)((char *)objp + s->size -
					      sizeof(unsigned long long) -
					      REDZONE_ALIGN);
	return (unsigned long long *)((char *)objp + s->size -
				      sizeof(unsigned long long));
}

static void **dbg_userword(struct kmem_cache *s, void *objp)
{
	return (void **)((char *)objp + s->size - BYTES_PER_WORD);
}

static void __slab_error(const char *function, struct kmem_cache *s,
			 const char *msg)
{
	pr_err("slab error in %s(): cache `%s': %s\n", function, s->name, msg);
	dump_stack();
	atomic_fetch_add(&SC(s)->errors, 1);
	slab_count_error();
	slab_taint_bad_page();
}
#define slab_error(s, msg)	__slab_error(__func__, s, msg)

static void poison_obj(struct kmem_cache *s, void *addr, unsigned char val)
{
	int size = (int)s->object_size;
	unsigned char *p = (unsigned char *)addr + SC(s)->obj_offset;

	memset(p, val, (size_t)size);
	p[size - 1] = SLAB_POISON_END;
}

static void dump_line(char *data, int offset, int limit)
{
	unsigned char error = 0;
	int bad_count = 0;

	pr_err("%03x: ", offset);
	for (int i = 0; i < limit; i++) {
		if ((unsigned char)data[offset + i] != SLAB_POISON_FREE) {
			error = (unsigned char)data[offset + i];
			bad_count++;
		}
	}
	print_hex_dump(KERN_CONT, "", DUMP_PREFIX_NONE, 16, 1, &data[offset],
		       (size_t)limit, true);
	if (bad_count == 1) {
		error ^= SLAB_POISON_FREE;
		if (!(error & (error - 1))) {
			pr_err("Single bit error detected. Probably bad RAM.\n");
			pr_err("Run memtest86+ or a similar memory test tool.\n");
		}
	}
}

static void print_objinfo(struct kmem_cache *s, void *objp, int lines)
{
	int size = (int)s->object_size;
	char *realobj;

	if (s->flags & SLAB_RED_ZONE)
		pr_err("Redzone: 0x%llx/0x%llx\n", *dbg_redzone1(s, objp),
		       *dbg_redzone2(s, objp));
	if (s->flags & SLAB_STORE_USER)
		pr_err("Last user: (%pSR)\n", *dbg_userword(s, objp));
	realobj = (char *)objp + SC(s)->obj_offset;
	for (int i = 0; i < size && lines; i += 16, lines--) {
		int limit = 16;

		if (i + limit > size)
			limit = size - i;
		dump_line(realobj, i, limit);
	}
}

/* Returns true when the poison was intact. */
static bool check_poison_obj(struct kmem_cache *s, void *objp,
			     struct slab *slab)
{
	int size = (int)s->object_size;
	char *realobj = (char *)objp + SC(s)->obj_offset;
	char taint[48];
	int lines = 0;

	for (int i = 0; i < size; i++) {
		unsigned char exp = i == size - 1 ? SLAB_POISON_END :
				    SLAB_POISON_FREE;
		int limit;

		if ((unsigned char)realobj[i] == exp)
			continue;
		if (lines == 0) {
			pr_err("Slab corruption (%s): %s start=%px, len=%d\n",
			       print_tainted(taint, sizeof(taint)), s->name,
			       (void *)kaddr(realobj), size);
			print_objinfo(s, objp, 0);
		}
		i = (i / 16) * 16;
		limit = 16;
		if (i + limit > size)
			limit = size - i;
		dump_line(realobj, i, limit);
		i += 16;
		lines++;
		if (lines > 5)
			break;
	}
	if (lines) {
		unsigned int objnr = obj_to_index(s, slab, objp);
		void *o;

		if (objnr) {
			o = index_to_obj(s, slab, objnr - 1);
			pr_err("Prev obj: start=%px, len=%d\n",
			       (void *)kaddr((char *)o + SC(s)->obj_offset),
			       size);
			print_objinfo(s, o, 2);
		}
		if (objnr + 1 < SC(s)->num) {
			o = index_to_obj(s, slab, objnr + 1);
			pr_err("Next obj: start=%px, len=%d\n",
			       (void *)kaddr((char *)o + SC(s)->obj_offset),
			       size);
			print_objinfo(s, o, 2);
		}
		atomic_fetch_add(&SC(s)->errors, 1);
		slab_count_error();
	}
	return lines == 0;
}

/* false: both red zones say the object is already free. */
static bool verify_redzone_free(struct kmem_cache *s, void *obj)
{
	unsigned long long redzone1 = *dbg_redzone1(s, obj);
	unsigned long long redzone2 = *dbg_redzone2(s, obj);
	bool double_free;

	if (redzone1 == SLAB_RED_ACTIVE && redzone2 == SLAB_RED_ACTIVE)
		return true;
	double_free = redzone1 == SLAB_RED_INACTIVE &&
		      redzone2 == SLAB_RED_INACTIVE;
	if (double_free)
		slab_error(s, "double free detected");
	else
		slab_error(s, "memory outside object was overwritten");
	pr_err("%px: redzone 1:0x%llx, redzone 2:0x%llx\n",
	       (void *)kaddr(obj), redzone1, redzone2);
	return !double_free;
}

/*
 * The free-side checks; returns the buffer start, or NULL if the free must
 * be refused.  @objp is the caller's pointer.
 */
static void *cache_free_debugcheck(struct kmem_cache *s, struct slab *slab,
				   void *objp, unsigned long caller)
{
	unsigned int objnr;

	objp = (char *)objp - SC(s)->obj_offset;
	/* Linux BUG()s on these after the red zone check; kmm refuses first. */
	objnr = obj_to_index(s, slab, objp);
	if (unlikely((char *)objp < (char *)slab->s_mem ||
		     objnr >= SC(s)->num ||
		     objp != index_to_obj(s, slab, objnr))) {
		slab_error(s, "free of a pointer that is not an object start");
		pr_err("%px: not an object of this slab\n",
		       (void *)kaddr((char *)objp + SC(s)->obj_offset));
		return NULL;
	}
	if (s->flags & SLAB_RED_ZONE) {
		if (!verify_redzone_free(s, objp))
			return NULL;
		*dbg_redzone1(s, objp) = SLAB_RED_INACTIVE;
		*dbg_redzone2(s, objp) = SLAB_RED_INACTIVE;
	}
	if (s->flags & SLAB_STORE_USER)
		*dbg_userword(s, objp) = (void *)caller;
	if (s->flags & SLAB_POISON)
		poison_obj(s, objp, SLAB_POISON_FREE);
	return objp;
}

static void *cache_alloc_debugcheck_after(struct kmem_cache *s, gfp_t flags,
					  void *objp, unsigned long caller)
{
	WARN_ON_ONCE(s->ctor && (flags & __GFP_ZERO));
	if (!objp)
		return objp;
	if (s->flags & SLAB_POISON) {
		check_poison_obj(s, objp, kmm_virt_to_slab(objp));
		poison_obj(s, objp, SLAB_POISON_INUSE);
	}
	if (s->flags & SLAB_STORE_USER)
		*dbg_userword(s, objp) = (void *)caller;
	if (s->flags & SLAB_RED_ZONE) {
		if (*dbg_redzone1(s, objp) != SLAB_RED_INACTIVE ||
		    *dbg_redzone2(s, objp) != SLAB_RED_INACTIVE) {
			slab_error(s, "double free, or memory outside object was overwritten");
			pr_err("%px: redzone 1:0x%llx, redzone 2:0x%llx\n",
			       (void *)kaddr(objp), *dbg_redzone1(s, objp),
			       *dbg_redzone2(s, objp));
		}
		*dbg_redzone1(s, objp) = SLAB_RED_ACTIVE;
		*dbg_redzone2(s, objp) = SLAB_RED_ACTIVE;
	}
	objp = (char *)objp + SC(s)->obj_offset;
	if (s->ctor && (s->flags & SLAB_POISON))
		s->ctor(objp);
	return objp;
}

/* Poison the OBJFREELIST holders chained by fixup_slab_list (unlocked). */
static void fixup_objfreelist_debug(struct kmem_cache *s, void **list)
{
	void *next = *list;

	while (next) {
		void *objp = (char *)next - SC(s)->obj_offset;

		next = *(void **)next;
		poison_obj(s, objp, SLAB_POISON_FREE);
	}
}

static void slab_destroy_debugcheck(struct kmem_cache *s, struct slab *slab)
{
	if (!cache_debug(s))
		return;
	if (OBJFREELIST_SLAB(s) && (s->flags & SLAB_POISON) && slab->freelist)
		poison_obj(s, (char *)slab->freelist - SC(s)->obj_offset,
			   SLAB_POISON_FREE);
	for (unsigned int i = 0; i < SC(s)->num; i++) {
		void *objp = index_to_obj(s, slab, i);

		if (s->flags & SLAB_POISON)
			check_poison_obj(s, objp, slab);
		if (s->flags & SLAB_RED_ZONE) {
			if (*dbg_redzone1(s, objp) != SLAB_RED_INACTIVE)
				slab_error(s, "start of a freed object was overwritten");
			if (*dbg_redzone2(s, objp) != SLAB_RED_INACTIVE)
				slab_error(s, "end of a freed object was overwritten");
		}
	}
}

/* --- Arrays ---------------------------------------------------------------- */

static void init_arraycache(struct array_cache *ac, unsigned int limit,
			    unsigned int batch)
{
	if (ac) {
		ac->avail = 0;
		ac->limit = limit;
		ac->batchcount = batch;
		ac->touched = 0;
	}
}

static struct array_cache *alloc_arraycache(int node, unsigned int entries,
					    unsigned int batchcount, gfp_t gfp)
{
	size_t memsize = sizeof(void *) * entries + sizeof(struct array_cache);
	struct array_cache *ac = kmalloc_node(memsize, gfp, node);

	init_arraycache(ac, entries, batchcount);
	return ac;
}

/* Move up to @max objects from @from's top to @to; locks are the caller's. */
static unsigned int transfer_objects(struct array_cache *to,
				     struct array_cache *from,
				     unsigned int max)
{
	unsigned int nr = min(min(from->avail, max), to->limit - to->avail);

	if (!nr)
		return 0;
	memcpy(to->entry + to->avail, from->entry + from->avail - nr,
	       sizeof(void *) * nr);
	from->avail -= nr;
	to->avail += nr;
	return nr;
}

/* Push; false if SLAB_FREELIST_HARDENED's trivial double free check hits. */
static inline bool __free_one(struct array_cache *ac, void *objp)
{
	if (G()->freelist_hardened &&
	    WARN_ON_ONCE(ac->avail > 0 && ac->entry[ac->avail - 1] == objp)) {
		slab_count_error();
		return false;
	}
	ac->entry[ac->avail++] = objp;
	return true;
}

/* alloc_kmem_cache_cpus: one array per CPU, 64-byte strided, host memory. */
static int alloc_kmem_cache_cpus(struct kmem_cache *s, unsigned int entries,
				 unsigned int batchcount, void **raw,
				 struct cpu_array **base, unsigned int *stride)
{
	int nr = kmm_current()->nr_cpus;
	unsigned int st = (unsigned int)ALIGN(sizeof(struct cpu_array) +
					      sizeof(void *) * entries,
					      (size_t)CACHE_LINE_SIZE);
	char *p = slab_percpu_alloc((size_t)st * (size_t)(nr > 0 ? nr : 1));

	if (!p)
		return -ENOMEM;
	for (int cpu = 0; cpu < nr; cpu++) {
		struct cpu_array *ca = (struct cpu_array *)(p + (size_t)cpu * st);

		kmm_pcpu_lock_init(&ca->lock);
		init_arraycache(&ca->ac, entries, batchcount);
	}
	*raw = p;
	*base = (struct cpu_array *)p;
	*stride = st;
	return 0;
}

/* --- Slab pages ---------------------------------------------------------- */

static struct slab *kmem_getpages(struct kmem_cache *s, gfp_t flags, int nodeid)
{
	struct slab *slab;

	flags |= s->allocflags;
	slab = slab_alloc_pages(s, flags, nodeid, SC(s)->gfporder);
	/* slab_out_of_memory (a DEBUG_SLAB function: here for debug caches). */
	if (!slab && cache_debug(s) && !(flags & __GFP_NOWARN) &&
	    ___ratelimit(&G()->oom_rs, "slab_out_of_memory")) {
		struct kmem_cache_node *n;
		char names[256];
		int node;

		kmm_format_gfp(flags, names, sizeof(names));
		pr_warn("SLAB: Unable to allocate memory on node %d, gfp=%#x(%s)\n",
			nodeid, flags, names);
		pr_warn("  cache: %s, object size: %d, order: %d\n", s->name,
			(int)s->size, (int)SC(s)->gfporder);
		for_each_kmem_cache_node(s, node, n) {
			unsigned long total, free, objs;

			spin_lock(&n->list_lock);
			total = n->total_slabs;
			free = n->free_slabs;
			objs = n->free_objects;
			spin_unlock(&n->list_lock);
			pr_warn("  node %d: slabs: %ld/%ld, objs: %ld/%ld\n",
				node, (long)(total - free), (long)total,
				(long)(total * SC(s)->num - objs),
				(long)(total * SC(s)->num));
		}
	}
	return slab;
}

static void kmem_freepages(struct kmem_cache *s, struct slab *slab)
{
	slab_free_pages(s, slab);
}

static void kmem_rcu_free(struct kmm_rcu_cb *cb)
{
	struct slab *slab = container_of((struct list_head *)cb, struct slab,
					 slab_list);

	kmem_freepages(slab->slab_cache, slab);
}

/* Release a slab that is off every list (no lock held). */
static void slab_destroy(struct kmem_cache *s, struct slab *slab)
{
	void *freelist = slab->freelist;

	slab_destroy_debugcheck(s, slab);
	if (unlikely(s->flags & SLAB_TYPESAFE_BY_RCU)) {
		struct kmm_rcu_cb *cb = (struct kmm_rcu_cb *)&slab->slab_list;

		call_rcu(cb, kmem_rcu_free);
	} else {
		kmem_freepages(s, slab);
	}
	if (OFF_SLAB(s))
		kfree(freelist);
}

static void slabs_destroy(struct kmem_cache *s, struct list_head *list)
{
	while (!list_empty(list)) {
		struct slab *slab = list_first_entry(list, struct slab,
						     slab_list);

		list_del(&slab->slab_list);
		slab_destroy(s, slab);
	}
}

/* --- Layout ---------------------------------------------------------------- */

/* Objects and leftover bytes of a slab of @gfporder pages. */
static unsigned int cache_estimate(unsigned int gfporder, size_t buffer_size,
				   unsigned int cflags, size_t *left_over)
{
	size_t slab_size = PAGE_SIZE << gfporder;
	unsigned int num;

	if (cflags & (CFLGS_OBJFREELIST_SLAB | CFLGS_OFF_SLAB)) {
		num = (unsigned int)(slab_size / buffer_size);
		*left_over = slab_size % buffer_size;
	} else {
		num = (unsigned int)(slab_size /
				     (buffer_size + sizeof(freelist_idx_t)));
		*left_over = slab_size %
			     (buffer_size + sizeof(freelist_idx_t));
	}
	return num;
}

static size_t calculate_slab_order(struct kmem_cache *s, size_t size,
				   slab_flags_t flags, unsigned int cflags)
{
	struct slab_cache *sc = SC(s);
	size_t left_over = 0;

	for (unsigned int gfporder = 0; gfporder <= KMALLOC_MAX_ORDER;
	     gfporder++) {
		unsigned int num;
		size_t remainder;

		num = cache_estimate(gfporder, size, cflags, &remainder);
		if (!num)
			continue;
		if (num > SLAB_OBJ_MAX_NUM)
			break;
		if (cflags & CFLGS_OFF_SLAB) {
			size_t freelist_size = num * sizeof(freelist_idx_t);
			struct kmem_cache *fc;

			fc = kmalloc_slab(freelist_size, 0);
			if (!fc)
				continue;
			/* No off-slab freelist of an off-slab freelist. */
			if (OFF_SLAB(fc))
				continue;
			/*
			 * Worth it only for objects twice the freelist's
			 * cache: the object as asked for, not the padded
			 * stride (Linux's cachep->size is still that here).
			 */
			if (fc->size > s->object_size / 2)
				continue;
		}
		sc->num = num;
		sc->gfporder = gfporder;
		left_over = remainder;
		if (flags & SLAB_RECLAIM_ACCOUNT)
			break;
		if ((int)gfporder >= G()->slab_max_order)
			break;
		if (left_over * 8 <= (PAGE_SIZE << gfporder))
			break;
	}
	return left_over;
}

static bool set_objfreelist_slab_cache(struct kmem_cache *s, size_t size,
				       slab_flags_t flags)
{
	struct slab_cache *sc = SC(s);
	size_t left;

	sc->num = 0;
	/*
	 * init_on_free would wipe a freelist kept in a free object.  Linux
	 * asks slab_want_init_on_free() before the cache's flags are set, so
	 * only a ctor exempts a cache here (SLAB_POISON does not).
	 */
	if (kmm_current()->init_on_free && !s->ctor)
		return false;
	if (s->ctor || (flags & SLAB_TYPESAFE_BY_RCU))
		return false;
	left = calculate_slab_order(s, size, flags, CFLGS_OBJFREELIST_SLAB);
	if (!sc->num)
		return false;
	if (sc->num * sizeof(freelist_idx_t) > s->object_size)
		return false;
	sc->colour = (unsigned int)(left / sc->colour_off);
	return true;
}

static bool set_off_slab_cache(struct kmem_cache *s, size_t size,
			       slab_flags_t flags)
{
	struct slab_cache *sc = SC(s);
	size_t left;

	sc->num = 0;
	if (flags & SLAB_NOLEAKTRACE)
		return false;
	left = calculate_slab_order(s, size, flags, CFLGS_OFF_SLAB);
	if (!sc->num)
		return false;
	/* If the freelist fits in the leftover, keep it on the slab. */
	if (left >= sc->num * sizeof(freelist_idx_t))
		return false;
	sc->colour = (unsigned int)(left / sc->colour_off);
	return true;
}

static bool set_on_slab_cache(struct kmem_cache *s, size_t size,
			      slab_flags_t flags)
{
	struct slab_cache *sc = SC(s);
	size_t left;

	sc->num = 0;
	left = calculate_slab_order(s, size, flags, 0);
	if (!sc->num)
		return false;
	sc->colour = (unsigned int)(left / sc->colour_off);
	return true;
}

/* --- Nodes ------------------------------------------------------------------- */

static void kmem_cache_node_init(struct kmem_cache_node *n)
{
	INIT_LIST_HEAD(&n->slabs_full);
	INIT_LIST_HEAD(&n->slabs_partial);
	INIT_LIST_HEAD(&n->slabs_free);
	n->total_slabs = 0;
	n->free_slabs = 0;
	n->shared = NULL;
	n->alien = NULL;
	n->colour_next = 0;
	spin_lock_init(&n->list_lock);
	n->free_objects = 0;
	n->free_touched = 0;
}

static unsigned long next_reap_time(struct kmem_cache *s)
{
	return SC(s)->reap_jiffies + REAPTIMEOUT_NODE +
	       (unsigned long)(uintptr_t)s % REAPTIMEOUT_NODE;
}

static unsigned int nr_cpus_node(int node)
{
	struct kmm_machine *m = kmm_current();
	unsigned int nr = 0;

	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		if ((m->cpu_to_node[cpu] < 0 ? 0 : m->cpu_to_node[cpu]) == node)
			nr++;
	return nr;
}

static void free_block(struct kmem_cache *s, void **objpp, int nr_objects,
		       int node, struct list_head *list);

static int init_cache_node(struct kmem_cache *s, int node, gfp_t gfp)
{
	struct slab_cache *sc = SC(s);
	struct kmem_cache_node *n = get_node(s, node);

	if (n) {
		spin_lock(&n->list_lock);
		n->free_limit = (1 + nr_cpus_node(node)) * sc->batchcount +
				sc->num;
		spin_unlock(&n->list_lock);
		return 0;
	}
	n = kmalloc_node(sizeof(*n), gfp, node);
	if (!n)
		return -ENOMEM;
	memset(n, 0, sizeof(*n));
	kmem_cache_node_init(n);
	n->next_reap = next_reap_time(s);
	n->free_limit = (1 + nr_cpus_node(node)) * sc->batchcount + sc->num;
	sc->node[node] = n;
	return 0;
}

static struct alien_cache *__alloc_alien_cache(int node, unsigned int entries,
					       unsigned int batch, gfp_t gfp)
{
	size_t memsize = sizeof(void *) * entries + sizeof(struct alien_cache);
	struct alien_cache *alc = kmalloc_node(memsize, gfp, node);

	if (alc) {
		init_arraycache(&alc->ac, entries, batch);
		spin_lock_init(&alc->lock);
	}
	return alc;
}

static struct alien_cache **alloc_alien_cache(int node, unsigned int limit,
					      gfp_t gfp)
{
	int nr = nr_node_ids_();
	struct alien_cache **alc_ptr;

	if (limit > 1)
		limit = 12;
	alc_ptr = kzalloc_node(sizeof(void *) * (size_t)nr, gfp, node);
	if (!alc_ptr)
		return NULL;
	for (int i = 0; i < nr; i++) {
		if (i == node || !node_online(i))
			continue;
		alc_ptr[i] = __alloc_alien_cache(node, limit, 0xbaadf00d, gfp);
		if (!alc_ptr[i]) {
			for (i--; i >= 0; i--)
				kfree(alc_ptr[i]);
			kfree(alc_ptr);
			return NULL;
		}
	}
	return alc_ptr;
}

static void free_alien_cache(struct alien_cache **alc_ptr)
{
	if (!alc_ptr)
		return;
	for (int i = 0; i < nr_node_ids_(); i++)
		kfree(alc_ptr[i]);
	kfree(alc_ptr);
}

static int setup_kmem_cache_node(struct kmem_cache *s, int node, gfp_t gfp,
				 bool force_change)
{
	struct slab_cache *sc = SC(s);
	struct array_cache *old_shared = NULL, *new_shared = NULL;
	struct alien_cache **new_alien = NULL;
	struct kmem_cache_node *n;
	LIST_HEAD(list);
	int ret = -ENOMEM;

	if (G()->use_alien_caches) {
		new_alien = alloc_alien_cache(node, sc->limit, gfp);
		if (!new_alien)
			goto fail;
	}
	if (sc->shared) {
		new_shared = alloc_arraycache(node, sc->shared * sc->batchcount,
					      0xbaadf00d, gfp);
		if (!new_shared)
			goto fail;
	}
	ret = init_cache_node(s, node, gfp);
	if (ret)
		goto fail;

	n = get_node(s, node);
	spin_lock(&n->list_lock);
	if (n->shared && force_change) {
		free_block(s, n->shared->entry, (int)n->shared->avail, node,
			   &list);
		n->shared->avail = 0;
	}
	if (!n->shared || force_change) {
		old_shared = n->shared;
		n->shared = new_shared;
		new_shared = NULL;
	}
	if (!n->alien) {
		n->alien = new_alien;
		new_alien = NULL;
	}
	spin_unlock(&n->list_lock);
	slabs_destroy(s, &list);
fail:
	kfree(old_shared);
	kfree(new_shared);
	free_alien_cache(new_alien);
	return ret;
}

static int setup_kmem_cache_nodes(struct kmem_cache *s, gfp_t gfp)
{
	struct slab_globals *g = G();

	for (int i = 0; i < g->nr_online; i++) {
		int ret = setup_kmem_cache_node(s, g->online[i], gfp, true);

		if (ret)
			return ret;
	}
	return 0;
}

/* --- Freelist randomisation -------------------------------------------------- */

static int cache_random_seq_create(struct kmem_cache *s, unsigned int count,
				   gfp_t gfp)
{
	struct slab_cache *sc = SC(s);
	u64 state;

	if (!G()->freelist_random || count < 2 || sc->random_seq)
		return 0;
	sc->random_seq = kcalloc(count, sizeof(unsigned int), gfp);
	if (!sc->random_seq)
		return -ENOMEM;
	for (unsigned int i = 0; i < count; i++)
		sc->random_seq[i] = i;
	state = cache_random(sc);
	for (unsigned int i = count - 1; i > 0; i--) {
		unsigned int r = (unsigned int)(splitmix64(++state) >> 32) %
				 (i + 1);

		swap(sc->random_seq[i], sc->random_seq[r]);
	}
	return 0;
}

/* shuffle_freelist: true if the freelist was set up shuffled. */
static bool shuffle_freelist(struct kmem_cache *s, struct slab *slab)
{
	struct slab_cache *sc = SC(s);
	unsigned int objfreelist = 0, count = sc->num;
	unsigned int rand, pos = 0;
	bool precomputed;
	u64 state = 0;

	if (!G()->freelist_random || count < 2)
		return false;
	rand = cache_random(sc);
	precomputed = sc->random_seq != NULL;
	if (precomputed)
		pos = rand % count;
	else
		state = rand;

	if (OBJFREELIST_SLAB(s)) {
		if (!precomputed) {
			objfreelist = count - 1;
		} else {
			if (pos >= count)
				pos = 0;
			objfreelist = sc->random_seq[pos++];
		}
		slab->freelist = (char *)index_to_obj(s, slab, objfreelist) +
				 sc->obj_offset;
		count--;
	}
	if (!precomputed) {
		for (unsigned int i = 0; i < count; i++)
			set_free_obj(slab, i, (freelist_idx_t)i);
		for (unsigned int i = count - 1; i > 0; i--) {
			unsigned int r = (unsigned int)(splitmix64(++state) >>
							32) % (i + 1);
			freelist_idx_t a = get_free_obj(slab, i);

			set_free_obj(slab, i, get_free_obj(slab, r));
			set_free_obj(slab, r, a);
		}
	} else {
		for (unsigned int i = 0; i < count; i++) {
			if (pos >= sc->num)
				pos = 0;
			set_free_obj(slab, i,
				     (freelist_idx_t)sc->random_seq[pos++]);
		}
	}
	if (OBJFREELIST_SLAB(s))
		set_free_obj(slab, sc->num - 1, (freelist_idx_t)objfreelist);
	return true;
}

/* --- Growing -------------------------------------------------------------- */

static void *alloc_slabmgmt(struct kmem_cache *s, struct slab *slab,
			    size_t colour_off, gfp_t local_flags, int nodeid)
{
	void *addr = slab_address(slab);

	slab->s_mem = (char *)addr + colour_off;
	slab->active = 0;
	if (OBJFREELIST_SLAB(s))
		return NULL;
	if (OFF_SLAB(s))
		return kmalloc_node(SC(s)->freelist_size, local_flags, nodeid);
	return (char *)addr + (PAGE_SIZE << SC(s)->gfporder) -
	       SC(s)->freelist_size;
}

static void cache_init_objs_debug(struct kmem_cache *s, struct slab *slab)
{
	for (unsigned int i = 0; i < SC(s)->num; i++) {
		void *objp = index_to_obj(s, slab, i);

		if (s->flags & SLAB_STORE_USER)
			*dbg_userword(s, objp) = NULL;
		if (s->flags & SLAB_RED_ZONE) {
			*dbg_redzone1(s, objp) = SLAB_RED_INACTIVE;
			*dbg_redzone2(s, objp) = SLAB_RED_INACTIVE;
		}
		if (s->ctor && !(s->flags & SLAB_POISON))
			s->ctor((char *)objp + SC(s)->obj_offset);
		if (s->flags & SLAB_RED_ZONE) {
			if (*dbg_redzone2(s, objp) != SLAB_RED_INACTIVE)
				slab_error(s, "constructor overwrote the end of an object");
			if (*dbg_redzone1(s, objp) != SLAB_RED_INACTIVE)
				slab_error(s, "constructor overwrote the start of an object");
		}
		if (s->flags & SLAB_POISON)
			poison_obj(s, objp, SLAB_POISON_FREE);
	}
}

static void cache_init_objs(struct kmem_cache *s, struct slab *slab)
{
	struct slab_cache *sc = SC(s);
	bool shuffled;

	if (cache_debug(s))
		cache_init_objs_debug(s, slab);
	shuffled = shuffle_freelist(s, slab);
	if (!shuffled && OBJFREELIST_SLAB(s))
		slab->freelist = (char *)index_to_obj(s, slab, sc->num - 1) +
				 sc->obj_offset;
	for (unsigned int i = 0; i < sc->num; i++) {
		if (!cache_debug(s) && s->ctor)
			s->ctor(index_to_obj(s, slab, i));
		if (!shuffled)
			set_free_obj(slab, i, (freelist_idx_t)i);
	}
}

static void *slab_get_obj(struct kmem_cache *s, struct slab *slab)
{
	void *objp = index_to_obj(s, slab, get_free_obj(slab,
							(unsigned int)slab->active));

	slab->active++;
	return objp;
}

/*
 * Give @objp back to its slab (list_lock held).  false: the free is refused
 * (reported): not an object start, or already free.
 */
static bool slab_put_obj(struct kmem_cache *s, struct slab *slab, void *objp)
{
	struct slab_cache *sc = SC(s);
	unsigned int objnr = obj_to_index(s, slab, objp);

	if (unlikely(objnr >= sc->num || objp != index_to_obj(s, slab, objnr))) {
		pr_err("slab: %px is not an object of cache '%s'\n",
		       (void *)kaddr(objp), s->name);
		slab_count_error();
		return false;
	}
	if (cache_debug(s)) {
		for (unsigned int i = (unsigned int)slab->active; i < sc->num;
		     i++) {
			if (get_free_obj(slab, i) == objnr)
				goto double_free;
		}
	} else if (unlikely(!slab->active)) {
		goto double_free;
	}
	slab->active--;
	if (!slab->freelist)
		slab->freelist = (char *)objp + sc->obj_offset;
	set_free_obj(slab, (unsigned int)slab->active, (freelist_idx_t)objnr);
	return true;

double_free:
	pr_err("slab: double free detected in cache '%s', objp %px\n",
	       s->name, (void *)kaddr(objp));
	atomic_fetch_add(&sc->errors, 1);
	slab_count_error();
	return false;
}

/* Put @slab on the list its fill says (list_lock held). */
static void fixup_slab_list(struct kmem_cache *s, struct kmem_cache_node *n,
			    struct slab *slab, void **list)
{
	list_del(&slab->slab_list);
	if (slab->active == SC(s)->num) {
		list_add(&slab->slab_list, &n->slabs_full);
		if (OBJFREELIST_SLAB(s)) {
			if (s->flags & SLAB_POISON) {
				void **objp = slab->freelist;

				*objp = *list;
				*list = objp;
			}
			slab->freelist = NULL;
		}
	} else {
		list_add(&slab->slab_list, &n->slabs_partial);
	}
}

static struct slab *get_first_slab(struct kmem_cache_node *n)
{
	struct slab *slab = NULL;

	if (!list_empty(&n->slabs_partial)) {
		slab = list_first_entry(&n->slabs_partial, struct slab,
					slab_list);
	} else {
		n->free_touched = 1;
		if (!list_empty(&n->slabs_free)) {
			slab = list_first_entry(&n->slabs_free, struct slab,
						slab_list);
			n->free_slabs--;
		}
	}
	return slab;
}

/* A new slab, not yet on any list; NULL if no memory.  No lock held. */
static struct slab *cache_grow_begin(struct kmem_cache *s, gfp_t flags,
				     int nodeid)
{
	struct slab_cache *sc = SC(s);
	struct kmem_cache_node *n;
	gfp_t local_flags;
	void *freelist;
	struct slab *slab;
	size_t offset;
	int slab_node;

	/* Checked only here, off kmem_cache_alloc's hot path, as 6.6. */
	if (unlikely(flags & GFP_SLAB_BUG_MASK))
		flags = kmalloc_fix_flags(flags);
	WARN_ON_ONCE(s->ctor && (flags & __GFP_ZERO));
	local_flags = flags & (GFP_CONSTRAINT_MASK | GFP_RECLAIM_MASK);

	slab = kmem_getpages(s, local_flags, nodeid);
	if (!slab)
		return NULL;
	slab_node = slab_nid(slab);
	n = get_node(s, slab_node);

	spin_lock(&n->list_lock);
	n->colour_next++;
	if (n->colour_next >= sc->colour)
		n->colour_next = 0;
	offset = n->colour_next;
	spin_unlock(&n->list_lock);
	if (offset >= sc->colour)
		offset = 0;
	offset *= sc->colour_off;

	freelist = alloc_slabmgmt(s, slab, offset,
				  local_flags & ~GFP_CONSTRAINT_MASK, slab_node);
	if (OFF_SLAB(s) && !freelist) {
		kmem_freepages(s, slab);
		return NULL;
	}
	slab->slab_cache = s;
	slab->freelist = freelist;
	cache_init_objs(s, slab);
	atomic_fetch_add(&sc->grown, 1);
	return slab;
}

static void cache_grow_end(struct kmem_cache *s, struct slab *slab)
{
	struct kmem_cache_node *n;
	void *list = NULL;

	if (!slab)
		return;
	INIT_LIST_HEAD(&slab->slab_list);
	n = get_node(s, slab_nid(slab));
	spin_lock(&n->list_lock);
	n->total_slabs++;
	if (!slab->active) {
		list_add_tail(&slab->slab_list, &n->slabs_free);
		n->free_slabs++;
	} else {
		fixup_slab_list(s, n, slab, &list);
	}
	n->free_objects += SC(s)->num - slab->active;
	spin_unlock(&n->list_lock);
	fixup_objfreelist_debug(s, &list);
}

/* --- Allocation ------------------------------------------------------------- */

/* __GFP_THISNODE, no reclaim, no warning: a try on one node. */
static inline gfp_t gfp_exact_node(gfp_t flags)
{
	return (flags | __GFP_THISNODE | __GFP_NOWARN) &
	       ~(__GFP_RECLAIM | __GFP_NOFAIL);
}

static int alloc_block(struct kmem_cache *s, struct array_cache *ac,
		       struct slab *slab, int batchcount)
{
	while (slab->active < SC(s)->num && batchcount--)
		ac->entry[ac->avail++] = slab_get_obj(s, slab);
	return batchcount;
}

/*
 * Refill @ca's array and pop one; the calling thread's CPU's array,
 * entered (*@how from kmm_pcpu_lock) on entry and on return.
 */
static void *cache_alloc_refill(struct kmem_cache *s, gfp_t flags,
				struct cpu_array *ca, int node,
				struct kmm_cpu_bias *b, int *how)
{
	struct array_cache *ac = &ca->ac, *shared;
	struct kmem_cache_node *n = get_node(s, node);
	int batchcount = (int)ac->batchcount;
	void *list = NULL;
	struct slab *slab;

	if (!ac->touched && batchcount > BATCHREFILL_LIMIT)
		batchcount = BATCHREFILL_LIMIT;

	spin_lock(&n->list_lock);
	shared = n->shared;
	/* Linux peeks at these unlocked; kmm reads them under the lock. */
	if (!n->free_objects && (!shared || !shared->avail)) {
		spin_unlock(&n->list_lock);
		goto direct_grow;
	}
	if (shared && transfer_objects(ac, shared, (unsigned int)batchcount)) {
		shared->touched = 1;
		goto alloc_done;
	}
	while (batchcount > 0) {
		slab = get_first_slab(n);
		if (!slab)
			break;
		batchcount = alloc_block(s, ac, slab, batchcount);
		fixup_slab_list(s, n, slab, &list);
	}
	n->free_objects -= ac->avail;
alloc_done:
	spin_unlock(&n->list_lock);
	fixup_objfreelist_debug(s, &list);

direct_grow:
	if (unlikely(!ac->avail)) {
		/* Linux may enable interrupts here; kmm leaves the section. */
		kmm_pcpu_unlock(&ca->lock, *how);
		slab = cache_grow_begin(s, gfp_exact_node(flags), node);
		*how = kmm_pcpu_lock(b, &ca->lock);
		if (!ac->avail && slab)
			alloc_block(s, ac, slab, batchcount);
		cache_grow_end(s, slab);
		if (!ac->avail)
			return NULL;
	}
	ac->touched = 1;
	return ac->entry[--ac->avail];
}

static void *____cache_alloc(struct kmem_cache *s, gfp_t flags, int cpu)
{
	struct cpu_array *ca = cpu_array_of(SC(s), cpu);
	struct kmm_cpu_bias *b = &s->machine->cpu_bias[cpu];
	void *objp;
	int how;

	how = kmm_pcpu_lock(b, &ca->lock);
	if (likely(ca->ac.avail)) {
		ca->ac.touched = 1;
		objp = ca->ac.entry[--ca->ac.avail];
	} else {
		objp = cache_alloc_refill(s, flags, ca, cpu_to_mem(cpu), b,
					  &how);
	}
	kmm_pcpu_unlock(&ca->lock, how);
	return objp;
}

static void *____cache_alloc_node(struct kmem_cache *s, gfp_t flags,
				  int nodeid);

/*
 * fallback_alloc: any node of the local zonelist with free objects, else a
 * new slab wherever the page allocator finds one.
 */
static void *fallback_alloc(struct kmem_cache *s, gfp_t flags)
{
	int local = cpu_to_mem(slab_cpu());
	enum zone_type highest = gfp_zone(flags);
	struct zoneref *z;
	struct slab *slab;
	void *obj = NULL;
	int nid;

	if (flags & __GFP_THISNODE)
		return NULL;
retry:
	for (z = NODE_DATA(local)->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	     z->zone; z++) {
		struct kmem_cache_node *n;
		unsigned long free;

		if (z->zone_idx > (int)highest)
			continue;
		nid = z->zone->zone_pgdat->node_id;
		n = get_node(s, nid);
		if (!n)
			continue;
		spin_lock(&n->list_lock);
		free = n->free_objects;
		spin_unlock(&n->list_lock);
		if (free) {
			obj = ____cache_alloc_node(s, gfp_exact_node(flags),
						   nid);
			if (obj)
				break;
		}
	}
	if (!obj) {
		slab = cache_grow_begin(s, flags, local);
		cache_grow_end(s, slab);
		if (slab) {
			nid = slab_nid(slab);
			obj = ____cache_alloc_node(s, gfp_exact_node(flags),
						   nid);
			if (!obj)
				goto retry;
		}
	}
	return obj;
}

static void *____cache_alloc_node(struct kmem_cache *s, gfp_t flags,
				  int nodeid)
{
	struct kmem_cache_node *n = get_node(s, nodeid);
	void *list = NULL;
	struct slab *slab;
	void *obj = NULL;

	if (!n)
		return fallback_alloc(s, flags);
	spin_lock(&n->list_lock);
	slab = get_first_slab(n);
	if (!slab) {
		spin_unlock(&n->list_lock);
		slab = cache_grow_begin(s, gfp_exact_node(flags), nodeid);
		if (slab)
			obj = slab_get_obj(s, slab);
		cache_grow_end(s, slab);
		return obj ? obj : fallback_alloc(s, flags);
	}
	obj = slab_get_obj(s, slab);
	n->free_objects--;
	fixup_slab_list(s, n, slab, &list);
	spin_unlock(&n->list_lock);
	fixup_objfreelist_debug(s, &list);
	return obj;
}

static void *__do_cache_alloc(struct kmem_cache *s, gfp_t flags, int nodeid)
{
	int cpu = slab_cpu();
	int slab_node = cpu_to_mem(cpu);
	void *objp = NULL;

	if (nodeid == NUMA_NO_NODE) {
		objp = ____cache_alloc(s, flags, cpu);
		nodeid = slab_node;
	} else if (nodeid == slab_node) {
		objp = ____cache_alloc(s, flags, cpu);
	} else if (nodeid < 0 || nodeid >= nr_node_ids_() ||
		   !get_node(s, nodeid)) {
		return fallback_alloc(s, flags);
	}
	if (!objp)
		objp = ____cache_alloc_node(s, flags, nodeid);
	return objp;
}

static void *slab_alloc(struct kmem_cache *s, gfp_t gfp, int node,
			unsigned long caller, size_t orig_size)
{
	void *objp = __do_cache_alloc(s, gfp, node);

	if (cache_debug(s))
		objp = cache_alloc_debugcheck_after(s, gfp, objp, caller);
	return objp;
}

static int slab_alloc_bulk(struct kmem_cache *s, gfp_t gfp, size_t nr,
			   void **p)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);
	size_t i;

	for (i = 0; i < nr; i++) {
		p[i] = __do_cache_alloc(s, gfp, NUMA_NO_NODE);
		if (!p[i])
			break;
	}
	if (cache_debug(s))
		for (size_t j = 0; j < i; j++)
			p[j] = cache_alloc_debugcheck_after(s, gfp, p[j],
							    caller);
	if (i == nr)
		return (int)nr;
	kmem_cache_free_bulk(s, i, p);
	return 0;
}

/* --- Freeing ---------------------------------------------------------------- */

/*
 * Return objects to their slabs (the node's list_lock held).  Free slabs
 * beyond free_limit move to @list for the caller to destroy unlocked.
 */
static void free_block(struct kmem_cache *s, void **objpp, int nr_objects,
		       int node, struct list_head *list)
{
	struct kmem_cache_node *n = get_node(s, node);
	struct slab *slab;

	n->free_objects += (unsigned long)nr_objects;
	for (int i = 0; i < nr_objects; i++) {
		void *objp = objpp[i];

		slab = kmm_virt_to_slab(objp);
		if (!slab_put_obj(s, slab, objp)) {
			n->free_objects--;
			continue;
		}
		list_del(&slab->slab_list);
		if (slab->active == 0) {
			list_add(&slab->slab_list, &n->slabs_free);
			n->free_slabs++;
		} else {
			/* To the tail: time for its other objects to come. */
			list_add_tail(&slab->slab_list, &n->slabs_partial);
		}
	}
	while (n->free_objects > n->free_limit && !list_empty(&n->slabs_free)) {
		n->free_objects -= SC(s)->num;
		slab = list_entry(n->slabs_free.prev, struct slab, slab_list);
		sl_list_move(&slab->slab_list, list);
		n->free_slabs--;
		n->total_slabs--;
	}
}

/* The CPU array is full: batchcount objects to the shared array or home. */
static void cache_flusharray(struct kmem_cache *s, struct array_cache *ac,
			     int node, struct list_head *list)
{
	struct kmem_cache_node *n = get_node(s, node);
	unsigned int batchcount = ac->batchcount;

	spin_lock(&n->list_lock);
	if (n->shared) {
		struct array_cache *shared_array = n->shared;
		unsigned int max = shared_array->limit - shared_array->avail;

		if (max) {
			if (batchcount > max)
				batchcount = max;
			memcpy(&shared_array->entry[shared_array->avail],
			       ac->entry, sizeof(void *) * batchcount);
			shared_array->avail += batchcount;
			goto free_done;
		}
	}
	free_block(s, ac->entry, (int)batchcount, node, list);
free_done:
	spin_unlock(&n->list_lock);
	ac->avail -= batchcount;
	memmove(ac->entry, &ac->entry[batchcount], sizeof(void *) * ac->avail);
}

/* Drain an alien array into @node (alien lock held). */
static void __drain_alien_cache(struct kmem_cache *s, struct array_cache *ac,
				int node, struct list_head *list)
{
	struct kmem_cache_node *n = get_node(s, node);

	if (ac->avail) {
		spin_lock(&n->list_lock);
		/* The remote shared array first: no list work at all. */
		if (n->shared)
			transfer_objects(n->shared, ac, ac->limit);
		free_block(s, ac->entry, (int)ac->avail, node, list);
		ac->avail = 0;
		spin_unlock(&n->list_lock);
	}
}

static void __cache_free_alien(struct kmem_cache *s, void *objp, int node,
			       int slab_node)
{
	struct kmem_cache_node *n = get_node(s, node);
	LIST_HEAD(list);

	if (n->alien && n->alien[slab_node]) {
		struct alien_cache *alien = n->alien[slab_node];
		struct array_cache *ac = &alien->ac;

		spin_lock(&alien->lock);
		if (unlikely(ac->avail == ac->limit))
			__drain_alien_cache(s, ac, slab_node, &list);
		__free_one(ac, objp);
		spin_unlock(&alien->lock);
	} else {
		n = get_node(s, slab_node);
		spin_lock(&n->list_lock);
		free_block(s, &objp, 1, slab_node, &list);
		spin_unlock(&n->list_lock);
	}
	slabs_destroy(s, &list);
}

static void slab_free(struct kmem_cache *s, struct slab *slab, void *x,
		      unsigned long caller)
{
	int how;
	struct slab_cache *sc = SC(s);
	struct cpu_array *ca;
	void *objp = x;
	LIST_HEAD(list);
	int cpu, node;

	if (cache_debug(s)) {
		objp = cache_free_debugcheck(s, slab, x, caller);
		if (!objp)
			return;
	} else {
		unsigned int objnr = obj_to_index(s, slab, objp);

		if (unlikely((char *)objp < (char *)slab->s_mem ||
			     objnr >= sc->num ||
			     objp != index_to_obj(s, slab, objnr))) {
			pr_err("slab: %px is not an object of cache '%s'\n",
			       (void *)kaddr(objp), s->name);
			slab_count_error();
			return;
		}
	}
	/* slab_free_hook's init_on_free, once the pointer is known good. */
	if (unlikely(slab_want_init_on_free(s)))
		memset(x, 0, s->object_size);
	cpu = slab_cpu();
	node = cpu_to_mem(cpu);
	if (kmm_current()->nr_online_nodes > 1 && slab_nid(slab) != node) {
		__cache_free_alien(s, objp, node, slab_nid(slab));
		return;
	}
	ca = cpu_array_of(sc, cpu);
	how = kmm_pcpu_lock(&s->machine->cpu_bias[cpu], &ca->lock);
	if (ca->ac.avail >= ca->ac.limit)
		cache_flusharray(s, &ca->ac, node, &list);
	__free_one(&ca->ac, objp);
	kmm_pcpu_unlock(&ca->lock, how);
	slabs_destroy(s, &list);
}

/* --- Draining, shrinking, reaping ------------------------------------------- */

/* Free (limit + 4) / 5 (or all) objects of @ac; list_lock held. */
static void drain_array_locked(struct kmem_cache *s, struct array_cache *ac,
			       int node, bool free_all, struct list_head *list)
{
	unsigned int tofree;

	if (!ac || !ac->avail)
		return;
	tofree = free_all ? ac->avail : (ac->limit + 4) / 5;
	if (tofree > ac->avail)
		tofree = (ac->avail + 1) / 2;
	free_block(s, ac->entry, (int)tofree, node, list);
	ac->avail -= tofree;
	memmove(ac->entry, &ac->entry[tofree], sizeof(void *) * ac->avail);
}

static void drain_alien_cache(struct kmem_cache *s, struct alien_cache **alien)
{
	struct slab_globals *g = G();

	for (int i = 0; i < g->nr_online; i++) {
		struct alien_cache *alc = alien[g->online[i]];
		LIST_HEAD(list);

		if (!alc)
			continue;
		spin_lock(&alc->lock);
		__drain_alien_cache(s, &alc->ac, g->online[i], &list);
		spin_unlock(&alc->lock);
		slabs_destroy(s, &list);
	}
}

static void drain_cpu_caches(struct kmem_cache *s)
{
	struct slab_cache *sc = SC(s);
	struct kmem_cache_node *n;
	int node;

	/* do_drain on each CPU: Linux runs it there, kmm revokes them. */
	kmm_cpu_revoke_all(s->machine);
	for (int cpu = 0; cpu < kmm_current()->nr_cpus; cpu++) {
		struct cpu_array *ca = cpu_array_of(sc, cpu);
		LIST_HEAD(list);

		node = cpu_to_mem(cpu);
		n = get_node(s, node);
		kmm_pcpu_lock_remote(&ca->lock);
		spin_lock(&n->list_lock);
		free_block(s, ca->ac.entry, (int)ca->ac.avail, node, &list);
		spin_unlock(&n->list_lock);
		ca->ac.avail = 0;
		kmm_pcpu_unlock_remote(&ca->lock);
		slabs_destroy(s, &list);
	}
	kmm_cpu_unrevoke_all(s->machine);
	for_each_kmem_cache_node(s, node, n)
		if (n->alien)
			drain_alien_cache(s, n->alien);
	for_each_kmem_cache_node(s, node, n) {
		LIST_HEAD(list);

		spin_lock(&n->list_lock);
		drain_array_locked(s, n->shared, node, true, &list);
		spin_unlock(&n->list_lock);
		slabs_destroy(s, &list);
	}
}

/* Free up to @tofree free slabs; returns how many were freed. */
static int drain_freelist(struct kmem_cache *s, struct kmem_cache_node *n,
			  int tofree)
{
	int nr_freed = 0;

	while (nr_freed < tofree) {
		struct slab *slab;

		spin_lock(&n->list_lock);
		if (list_empty(&n->slabs_free)) {
			spin_unlock(&n->list_lock);
			break;
		}
		slab = list_entry(n->slabs_free.prev, struct slab, slab_list);
		list_del(&slab->slab_list);
		n->free_slabs--;
		n->total_slabs--;
		n->free_objects -= SC(s)->num;
		spin_unlock(&n->list_lock);
		slab_destroy(s, slab);
		nr_freed++;
	}
	return nr_freed;
}

static int __kmem_cache_shrink(struct kmem_cache *s)
{
	struct kmem_cache_node *n;
	int node, ret = 0;

	drain_cpu_caches(s);
	for_each_kmem_cache_node(s, node, n) {
		drain_freelist(s, n, INT_MAX);
		spin_lock(&n->list_lock);
		ret += !list_empty(&n->slabs_full) ||
		       !list_empty(&n->slabs_partial);
		spin_unlock(&n->list_lock);
	}
	return ret ? 1 : 0;
}

static int slab_shrink(struct kmem_cache *s)
{
	return __kmem_cache_shrink(s);	/* 1: slabs remain, as 6.6 */
}

static int slab_shutdown(struct kmem_cache *s)
{
	return __kmem_cache_shrink(s) ? -EBUSY : 0;
}

/* The alien node a CPU drains in this reap round (next_reap_node). */
static int reap_node_of(int cpu, unsigned long round)
{
	struct slab_globals *g = G();
	unsigned long nr = (unsigned long)g->nr_online, pos = 0;
	int mem = cpu_to_mem(cpu);

	for (int i = 0; i < g->nr_online; i++)
		if (g->online[i] == mem)
			pos = (unsigned long)i;
	return g->online[(pos + 1 + round % nr) % nr];
}

/* cache_reap for one cache: every CPU's pass of one REAPTIMEOUT_AC. */
static void slab_tick(struct kmem_cache *s)
{
	struct slab_cache *sc = SC(s);
	struct kmm_machine *m = kmm_current();
	unsigned long now, round;

	if (slab_st()->state < FULL)
		return;
	spin_lock(&sc->reap_lock);
	sc->reap_jiffies += REAPTIMEOUT_AC;
	now = sc->reap_jiffies;
	round = sc->reap_round++;
	spin_unlock(&sc->reap_lock);

	/* Linux reaps on each CPU from its own work; kmm revokes them. */
	kmm_cpu_revoke_all(m);
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		int node = cpu_to_mem(cpu);
		struct kmem_cache_node *n = get_node(s, node);
		struct cpu_array *ca = cpu_array_of(sc, cpu);
		bool node_due;
		LIST_HEAD(list);

		/* reap_alien */
		if (n->alien) {
			int rn = reap_node_of(cpu, round);
			struct alien_cache *alc = n->alien[rn];

			if (alc && spin_trylock(&alc->lock)) {
				__drain_alien_cache(s, &alc->ac, rn, &list);
				spin_unlock(&alc->lock);
				slabs_destroy(s, &list);
			}
		}
		/* drain_array of this CPU's array (revoked by slab_tick) */
		kmm_pcpu_lock_remote(&ca->lock);
		spin_lock(&n->list_lock);
		if (ca->ac.avail) {
			if (ca->ac.touched)
				ca->ac.touched = 0;
			else
				drain_array_locked(s, &ca->ac, node, false,
						   &list);
		}
		spin_unlock(&n->list_lock);
		kmm_pcpu_unlock_remote(&ca->lock);
		slabs_destroy(s, &list);

		/* the node, every REAPTIMEOUT_NODE: drain_array(shared) */
		spin_lock(&n->list_lock);
		node_due = (long)(n->next_reap - now) <= 0;
		if (node_due) {
			struct array_cache *shared = n->shared;

			n->next_reap = now + REAPTIMEOUT_NODE;
			if (shared && shared->avail) {
				if (shared->touched)
					shared->touched = 0;
				else
					drain_array_locked(s, shared, node,
							   false, &list);
			}
			if (n->free_touched) {
				n->free_touched = 0;
				node_due = false;
			}
		}
		spin_unlock(&n->list_lock);
		slabs_destroy(s, &list);
		if (node_due) {
			int freed = drain_freelist(s, n,
				(int)((n->free_limit + 5 * sc->num - 1) /
				      (5 * sc->num)));

			atomic_fetch_add(&sc->reaped, (unsigned long)freed);
		}
	}
	kmm_cpu_unrevoke_all(m);
}

/* --- Tuning ---------------------------------------------------------------- */

static int do_tune_cpucache(struct kmem_cache *s, unsigned int limit,
			    unsigned int batchcount, unsigned int shared,
			    gfp_t gfp)
{
	struct slab_cache *sc = SC(s);
	void *raw, *prev_raw = sc->cpu_raw;
	struct cpu_array *base, *prev = sc->cpu_cache;
	unsigned int stride, prev_stride = sc->cpu_stride;

	if (alloc_kmem_cache_cpus(s, limit, batchcount, &raw, &base, &stride))
		return -ENOMEM;
	sc->cpu_raw = raw;
	sc->cpu_cache = base;
	sc->cpu_stride = stride;
	sc->batchcount = batchcount;
	sc->limit = limit;
	sc->shared = shared;

	if (prev) {
		for (int cpu = 0; cpu < kmm_current()->nr_cpus; cpu++) {
			struct cpu_array *ca = (struct cpu_array *)
				((char *)prev + (size_t)cpu * prev_stride);
			int node = cpu_to_mem(cpu);
			struct kmem_cache_node *n = get_node(s, node);
			LIST_HEAD(list);

			ca_lock_remote(s, cpu, ca);
			spin_lock(&n->list_lock);
			free_block(s, ca->ac.entry, (int)ca->ac.avail, node,
				   &list);
			ca->ac.avail = 0;
			spin_unlock(&n->list_lock);
			ca_unlock_remote(s, cpu, ca);
			slabs_destroy(s, &list);
		}
		slab_percpu_free(prev_raw);
	}
	return setup_kmem_cache_nodes(s, gfp);
}

static int enable_cpucache(struct kmem_cache *s, gfp_t gfp)
{
	unsigned int limit, shared = 0, batchcount;
	int err;

	err = cache_random_seq_create(s, SC(s)->num, gfp);
	if (err)
		goto end;
	if (s->size > 131072)
		limit = 1;
	else if (s->size > PAGE_SIZE)
		limit = 8;
	else if (s->size > 1024)
		limit = 24;
	else if (s->size > 256)
		limit = 54;
	else
		limit = 120;
	if (s->size <= PAGE_SIZE && kmm_current()->nr_cpus > 1)
		shared = 8;
	/* DEBUG_SLAB: short arrays keep interrupts-off periods short. */
	if (cache_debug(s) && limit > 32)
		limit = 32;
	batchcount = (limit + 1) / 2;
	err = do_tune_cpucache(s, limit, batchcount, shared, gfp);
end:
	if (err)
		pr_err("enable_cpucache failed for %s, error %d\n", s->name,
		       -err);
	return err;
}

static void set_up_node(struct kmem_cache *s, int index)
{
	struct slab_globals *g = G();

	for (int i = 0; i < g->nr_online; i++) {
		int node = g->online[i];

		SC(s)->node[node] = &g->init_nodes[index + node];
		SC(s)->node[node]->next_reap = next_reap_time(s);
	}
}

static int setup_cpu_cache(struct kmem_cache *s, gfp_t gfp)
{
	struct kmm_slab_state *st = slab_st();
	struct slab_cache *sc = SC(s);
	struct slab_globals *g = G();

	if (st->state >= FULL)
		return enable_cpucache(s, gfp);
	if (alloc_kmem_cache_cpus(s, BOOT_CPUCACHE_ENTRIES, 1, &sc->cpu_raw,
				  &sc->cpu_cache, &sc->cpu_stride))
		return -ENOMEM;
	if (st->state == DOWN) {
		/* The first cache: kmem_cache itself. */
		set_up_node(st->kmem_cache, CACHE_CACHE);
	} else if (st->state == PARTIAL) {
		/* The kmalloc cache for struct kmem_cache_node. */
		set_up_node(s, SIZE_NODE);
	} else {
		for (int i = 0; i < g->nr_online; i++) {
			int node = g->online[i];
			struct kmem_cache_node *n;

			n = kmalloc_node(sizeof(*n), gfp, node);
			if (!n)
				return -ENOMEM;
			memset(n, 0, sizeof(*n));
			kmem_cache_node_init(n);
			sc->node[node] = n;
		}
	}
	get_node(s, cpu_to_mem(slab_cpu()))->next_reap = next_reap_time(s);
	sc->batchcount = 1;
	sc->limit = BOOT_CPUCACHE_ENTRIES;
	return 0;
}

/* --- Creating and destroying ---------------------------------------------- */

static u64 name_seed(const char *name)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (*name)
		h = (h ^ (unsigned char)*name++) * 0x100000001b3ULL;
	return h;
}

static void slab_release(struct kmem_cache *s);

/* __kmem_cache_create */
static int slab_create(struct kmem_cache *s)
{
	struct kmm_slab_state *st = slab_st();
	struct slab_globals *g = G();
	struct slab_cache *sc = SC(s);
	slab_flags_t flags = s->flags;
	size_t ralign = BYTES_PER_WORD;
	unsigned int size;
	gfp_t gfp;
	int err;

	memset(sc, 0, sizeof(*sc) +
	       sizeof(struct kmem_cache_node *) * (size_t)nr_node_ids_());
	spin_lock_init(&sc->reap_lock);
	sc->rnd_seed = name_seed(s->name);
	if (st->state == DOWN)
		sc->shared = 1;		/* kmem_cache_boot's .shared */
	size = ALIGN(s->size, (unsigned int)BYTES_PER_WORD);
	if (flags & SLAB_RED_ZONE) {
		ralign = REDZONE_ALIGN;
		size = ALIGN(size, REDZONE_ALIGN);
	}
	if (ralign < s->align)
		ralign = s->align;
	/* Red zones need no more than 8-byte alignment. */
	if (ralign > __alignof__(unsigned long long))
		flags &= ~(SLAB_RED_ZONE | SLAB_STORE_USER);
	s->align = (unsigned int)ralign;
	sc->colour_off = CACHE_LINE_SIZE;
	if (sc->colour_off < s->align)
		sc->colour_off = s->align;
	gfp = st->state >= UP ? GFP_KERNEL : GFP_NOWAIT;

	if (flags & SLAB_RED_ZONE) {
		sc->obj_offset += sizeof(unsigned long long);
		size += 2 * sizeof(unsigned long long);
	}
	if (flags & SLAB_STORE_USER)
		size += (flags & SLAB_RED_ZONE) ? REDZONE_ALIGN : BYTES_PER_WORD;
	size = ALIGN(size, s->align);
	if (size < SLAB_OBJ_MIN_SIZE)
		size = ALIGN(SLAB_OBJ_MIN_SIZE, s->align);
	s->size = size;
	s->flags = flags;

	if (set_objfreelist_slab_cache(s, size, flags))
		sc->cflags = CFLGS_OBJFREELIST_SLAB;
	else if (set_off_slab_cache(s, size, flags))
		sc->cflags = CFLGS_OFF_SLAB;
	else if (!set_on_slab_cache(s, size, flags))
		return -E2BIG;

	sc->freelist_size = sc->num * (unsigned int)sizeof(freelist_idx_t);
	s->allocflags = __GFP_COMP;
	if (flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->order = sc->gfporder;
	s->objects = sc->num;
	sc->reciprocal_buffer_size = reciprocal_value(size);

	err = setup_cpu_cache(s, gfp);
	if (err) {
		slab_release(s);
		return err;
	}
	spin_lock(&g->list_lock);
	list_add(&sc->be_list, &g->be_list);
	spin_unlock(&g->list_lock);
	return 0;
}

/* __kmem_cache_release: the arrays and node structures. */
static void slab_release(struct kmem_cache *s)
{
	struct slab_cache *sc = SC(s);
	struct slab_globals *g = G();
	struct kmem_cache_node *n;
	int node;

	kfree(sc->random_seq);
	sc->random_seq = NULL;
	if (sc->cpu_raw)
		slab_percpu_free(sc->cpu_raw);
	sc->cpu_raw = NULL;
	sc->cpu_cache = NULL;
	for_each_kmem_cache_node(s, node, n) {
		bool boot = n >= g->init_nodes &&
			    n < g->init_nodes + ARRAY_SIZE(g->init_nodes);

		kfree(n->shared);
		free_alien_cache(n->alien);
		if (!boot)
			kfree(n);
		sc->node[node] = NULL;
	}
	if (sc->be_list.next) {
		spin_lock(&g->list_lock);
		list_del(&sc->be_list);
		spin_unlock(&g->list_lock);
		sc->be_list.next = NULL;
	}
}

static size_t slab_object_usable(struct kmem_cache *s, const void *x)
{
	return s->object_size;
}

static slab_flags_t slab_cache_flags(const char *name, slab_flags_t flags)
{
	return flags;
}

/* Objects held by users: in slabs and not sitting in an array. */
static unsigned long slab_objects_in_use(struct kmem_cache *s)
{
	struct slab_cache *sc = SC(s);
	struct kmem_cache_node *n;
	unsigned long used = 0, cached = 0;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		spin_lock(&n->list_lock);
		used += n->total_slabs * sc->num - n->free_objects;
		if (n->shared)
			cached += n->shared->avail;
		spin_unlock(&n->list_lock);
		if (n->alien) {
			for (int i = 0; i < nr_node_ids_(); i++) {
				struct alien_cache *alc = n->alien[i];

				if (!alc)
					continue;
				spin_lock(&alc->lock);
				cached += alc->ac.avail;
				spin_unlock(&alc->lock);
			}
		}
	}
	if (sc->cpu_cache) {
		for (int cpu = 0; cpu < kmm_current()->nr_cpus; cpu++) {
			struct cpu_array *ca = cpu_array_of(sc, cpu);

			ca_lock_remote(s, cpu, ca);
			cached += ca->ac.avail;
			ca_unlock_remote(s, cpu, ca);
		}
	}
	return used > cached ? used - cached : 0;
}

static void slab_report_leaks(struct kmem_cache *s)
{
	/* Linux 6.6's SLAB prints nothing beyond slab_common's warning. */
}

/* --- Reports ---------------------------------------------------------------- */

/* get_slabinfo */
static void slab_get_info(struct kmem_cache *s, struct slabinfo *info)
{
	struct slab_cache *sc = SC(s);
	unsigned long total_slabs = 0, free_objs = 0, shared_avail = 0;
	unsigned long free_slabs = 0, num_objs;
	struct kmem_cache_node *n;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		spin_lock(&n->list_lock);
		total_slabs += n->total_slabs;
		free_slabs += n->free_slabs;
		free_objs += n->free_objects;
		if (n->shared)
			shared_avail += n->shared->avail;
		spin_unlock(&n->list_lock);
	}
	num_objs = total_slabs * sc->num;
	info->active_objs = num_objs - free_objs;
	info->num_objs = num_objs;
	info->active_slabs = total_slabs - free_slabs;
	info->num_slabs = total_slabs;
	info->shared_avail = shared_avail;
	info->limit = sc->limit;
	info->batchcount = sc->batchcount;
	info->shared = sc->shared;
	info->objects_per_slab = sc->num;
	info->cache_order = sc->gfporder;
}

static const char *mgmt_name(struct kmem_cache *s)
{
	if (OBJFREELIST_SLAB(s))
		return "objfreelist";
	if (OFF_SLAB(s))
		return "off-slab";
	return "on-slab";
}

static void slab_show_details(struct kmem_cache *s, const struct kmm_sink *out)
{
	struct slab_cache *sc = SC(s);
	unsigned long partial = 0, full = 0, free = 0, total = 0, fobj = 0;
	unsigned long cpu_avail = 0, shared_avail = 0, alien_avail = 0;
	struct kmem_cache_node *n;
	struct list_head *p;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		spin_lock(&n->list_lock);
		list_for_each(p, &n->slabs_partial)
			partial++;
		list_for_each(p, &n->slabs_full)
			full++;
		list_for_each(p, &n->slabs_free)
			free++;
		total += n->total_slabs;
		fobj += n->free_objects;
		if (n->shared)
			shared_avail += n->shared->avail;
		spin_unlock(&n->list_lock);
		for (int i = 0; n->alien && i < nr_node_ids_(); i++) {
			struct alien_cache *alc = n->alien[i];

			if (!alc)
				continue;
			spin_lock(&alc->lock);
			alien_avail += alc->ac.avail;
			spin_unlock(&alc->lock);
		}
	}
	for (int cpu = 0; sc->cpu_cache && cpu < kmm_current()->nr_cpus;
	     cpu++) {
		struct cpu_array *ca = cpu_array_of(sc, cpu);

		ca_lock_remote(s, cpu, ca);
		cpu_avail += ca->ac.avail;
		ca_unlock_remote(s, cpu, ca);
	}
	kmm_sink_printf(out, "  objects %lu/%lu, slabs %lu (partial %lu, full %lu, free %lu)\n",
			total * sc->num - fobj, total * sc->num, total,
			partial, full, free);
	kmm_sink_printf(out, "  order %u, objects per slab %u, management %s, freelist %u bytes\n",
			sc->gfporder, sc->num, mgmt_name(s), sc->freelist_size);
	kmm_sink_printf(out, "  colour %u x %u bytes, obj_offset %u\n",
			sc->colour, sc->colour_off, sc->obj_offset);
	kmm_sink_printf(out, "  tunables limit %u batchcount %u shared %u; cached: cpu %lu shared %lu alien %lu\n",
			sc->limit, sc->batchcount, sc->shared, cpu_avail,
			shared_avail, alien_avail);
	kmm_sink_printf(out, "  grown %lu reaped %lu errors %lu\n",
			atomic_load(&sc->grown), atomic_load(&sc->reaped),
			atomic_load(&sc->errors));
	kmm_sink_printf(out, "  debug:%s%s%s%s\n",
			(s->flags & SLAB_RED_ZONE) ? " red_zone" : "",
			(s->flags & SLAB_POISON) ? " poison" : "",
			(s->flags & SLAB_STORE_USER) ? " store_user" : "",
			cache_debug(s) ? "" : " none");
}

/* --- Validation ---------------------------------------------------------- */

static long validate_problem(struct kmem_cache *s, const char *what,
			     const void *where)
{
	pr_err("SLAB validate %s: %s (%px)\n", s->name, what,
	       (void *)kaddr(where));
	return 1;
}

/* Whether object @idx of @slab is in the free part of its freelist. */
static bool obj_is_free(struct kmem_cache *s, struct slab *slab,
			unsigned int idx)
{
	if (!slab->freelist)
		return false;
	for (unsigned int i = (unsigned int)slab->active; i < SC(s)->num; i++)
		if (get_free_obj(slab, i) == idx)
			return true;
	return false;
}

static long validate_slab(struct kmem_cache *s, struct slab *slab, int node,
			  unsigned int want)
{
	struct slab_cache *sc = SC(s);
	unsigned char seen[SLAB_OBJ_MAX_NUM + 1];
	unsigned int holder = SLAB_OBJ_MAX_NUM + 1;
	long bad = 0;

	if (!slab_test(slab) || slab->slab_cache != s)
		return validate_problem(s, "page is not a slab of this cache",
					slab_address(slab));
	if (slab_nid(slab) != node)
		bad += validate_problem(s, "slab on another node's lists",
					slab_address(slab));
	if (slab->active > sc->num)
		return bad + validate_problem(s, "active > objects per slab",
					      slab_address(slab));
	if ((want == 0 && slab->active != 0) ||
	    (want == 1 && (slab->active == 0 || slab->active == sc->num)) ||
	    (want == 2 && slab->active != sc->num))
		bad += validate_problem(s, "slab on the wrong list",
					slab_address(slab));
	if (slab->active == sc->num)
		return bad;
	if (!slab->freelist)
		return bad + validate_problem(s, "no freelist", slab_address(slab));
	memset(seen, 0, sizeof(seen));
	for (unsigned int i = (unsigned int)slab->active; i < sc->num; i++) {
		unsigned int idx = get_free_obj(slab, i);

		if (idx >= sc->num || seen[idx]) {
			bad += validate_problem(s, "bad freelist index",
						slab_address(slab));
			break;
		}
		seen[idx] = 1;
	}
	if (OBJFREELIST_SLAB(s))
		holder = get_free_obj(slab, sc->num - 1);
	if (!cache_debug(s))
		return bad;
	for (unsigned int i = (unsigned int)slab->active; i < sc->num; i++) {
		unsigned int idx = get_free_obj(slab, i);
		void *objp;

		if (idx >= sc->num || idx == holder)
			continue;
		objp = index_to_obj(s, slab, idx);
		if ((s->flags & SLAB_RED_ZONE) &&
		    (*dbg_redzone1(s, objp) != SLAB_RED_INACTIVE ||
		     *dbg_redzone2(s, objp) != SLAB_RED_INACTIVE))
			bad += validate_problem(s, "free object's red zone",
						objp);
		if ((s->flags & SLAB_POISON) && !check_poison_obj(s, objp, slab))
			bad++;
	}
	return bad;
}

static long validate_array(struct kmem_cache *s, struct array_cache *ac,
			   int node)
{
	long bad = 0;

	if (!ac)
		return 0;
	if (ac->avail > ac->limit)
		return validate_problem(s, "array holds more than its limit",
					ac);
	for (unsigned int i = 0; i < ac->avail; i++) {
		void *objp = ac->entry[i];
		struct slab *slab = kmm_virt_to_slab(objp);
		unsigned int idx;

		if (!slab || slab->slab_cache != s) {
			bad += validate_problem(s, "array entry not in this cache",
						objp);
			continue;
		}
		if (node >= 0 && slab_nid(slab) != node)
			bad += validate_problem(s, "array entry of another node",
						objp);
		idx = obj_to_index(s, slab, objp);
		if (idx >= SC(s)->num || objp != index_to_obj(s, slab, idx)) {
			bad += validate_problem(s, "array entry not an object",
						objp);
			continue;
		}
		if (obj_is_free(s, slab, idx))
			bad += validate_problem(s, "array entry free in its slab",
						objp);
		if ((s->flags & SLAB_POISON) && !check_poison_obj(s, objp, slab))
			bad++;
	}
	return bad;
}

static long slab_validate(struct kmem_cache *s)
{
	struct slab_cache *sc = SC(s);
	struct kmem_cache_node *n;
	long bad = 0;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		unsigned long total = 0, free = 0, fobj = 0;
		struct list_head *heads[3] = {
			&n->slabs_free, &n->slabs_partial, &n->slabs_full
		};
		struct slab *slab;

		spin_lock(&n->list_lock);
		for (unsigned int w = 0; w < 3; w++) {
			struct list_head *pos;

			/* Not list_for_each_entry: no pointer from the head. */
			list_for_each(pos, heads[w]) {
				slab = list_entry(pos, struct slab, slab_list);
				bad += validate_slab(s, slab, node, w);
				total++;
				if (w == 0)
					free++;
				if (slab->active <= sc->num)
					fobj += sc->num - slab->active;
			}
		}
		if (total != n->total_slabs)
			bad += validate_problem(s, "total_slabs count", n);
		if (free != n->free_slabs)
			bad += validate_problem(s, "free_slabs count", n);
		if (fobj != n->free_objects)
			bad += validate_problem(s, "free_objects count", n);
		bad += validate_array(s, n->shared, node);
		spin_unlock(&n->list_lock);
		if (n->alien) {
			for (int i = 0; i < nr_node_ids_(); i++) {
				struct alien_cache *alc = n->alien[i];

				if (!alc)
					continue;
				spin_lock(&alc->lock);
				spin_lock(&get_node(s, i)->list_lock);
				bad += validate_array(s, &alc->ac, i);
				spin_unlock(&get_node(s, i)->list_lock);
				spin_unlock(&alc->lock);
			}
		}
	}
	for (int cpu = 0; sc->cpu_cache && cpu < kmm_current()->nr_cpus;
	     cpu++) {
		struct cpu_array *ca = cpu_array_of(sc, cpu);
		int mem = cpu_to_mem(cpu);

		ca_lock_remote(s, cpu, ca);
		n = get_node(s, mem);
		spin_lock(&n->list_lock);
		bad += validate_array(s, &ca->ac,
				      kmm_current()->nr_online_nodes > 1 ?
				      mem : -1);
		spin_unlock(&n->list_lock);
		ca_unlock_remote(s, cpu, ca);
	}
	return bad;
}

/* --- Boot ---------------------------------------------------------------- */

/* Swap a cache's static node list for a kmalloc'ed copy. */
static int init_list(struct kmem_cache *s, struct kmem_cache_node *list,
		     int nodeid)
{
	struct kmem_cache_node *ptr;

	ptr = kmalloc_node(sizeof(*ptr), GFP_NOWAIT, nodeid);
	if (!ptr)
		return -ENOMEM;
	memcpy(ptr, list, sizeof(*ptr));
	spin_lock_init(&ptr->list_lock);
	INIT_LIST_HEAD(&ptr->slabs_full);
	sl_list_splice(&get_node(s, nodeid)->slabs_full, &ptr->slabs_full);
	INIT_LIST_HEAD(&ptr->slabs_partial);
	sl_list_splice(&get_node(s, nodeid)->slabs_partial,
		       &ptr->slabs_partial);
	INIT_LIST_HEAD(&ptr->slabs_free);
	sl_list_splice(&get_node(s, nodeid)->slabs_free, &ptr->slabs_free);
	SC(s)->node[nodeid] = ptr;
	return 0;
}

/* The memory node of each CPU: its own, or the nearest with memory. */
static void init_cpu_mem(struct kmm_machine *m, struct slab_globals *g)
{
	for (int cpu = 0; cpu < m->nr_cpus && cpu < KMM_MAX_CPUS; cpu++) {
		int nid = m->cpu_to_node[cpu] < 0 ? 0 : m->cpu_to_node[cpu];
		int best = g->online[0], best_d = INT_MAX;

		if (node_online(nid) && node_state(nid, N_MEMORY)) {
			g->cpu_mem[cpu] = nid;
			continue;
		}
		for (int i = 0; i < g->nr_online; i++) {
			int d = node_distance(nid, g->online[i]);

			if (node_state(g->online[i], N_MEMORY) && d < best_d) {
				best = g->online[i];
				best_d = d;
			}
		}
		g->cpu_mem[cpu] = best;
	}
}

/* kmem_cache_init */
static int slab_init(void)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_slab_state *st = slab_st();
	size_t csize = kmem_cache_struct_size();
	unsigned int idx;
	struct kmem_cache *node_cache;
	struct slab_globals *g;

	g = kmm_plat_alloc_aligned(sizeof(*g), 64);
	if (!g)
		return -ENOMEM;
	memset(g, 0, sizeof(*g));
	st->be_state = g;
	g->boot = kmm_plat_alloc_aligned(csize, 64);
	if (!g->boot)
		return -ENOMEM;
	memset(g->boot, 0, csize);
	spin_lock_init(&g->list_lock);
	ratelimit_state_init(&g->oom_rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	INIT_LIST_HEAD(&g->be_list);
	g->freelist_random = m->params.slab.freelist_random;
	g->freelist_hardened = m->params.slab.freelist_hardened;
	for (int nid = 0; nid < KMM_MAX_NODES; nid++)
		if (node_online(nid))
			g->online[g->nr_online++] = nid;
	if (!g->nr_online)
		g->online[g->nr_online++] = 0;
	init_cpu_mem(m, g);

	st->kmem_cache = g->boot;
	g->use_alien_caches = !m->params.slab.noaliencache &&
			      num_node_state(N_POSSIBLE) > 1;
	for (size_t i = 0; i < ARRAY_SIZE(g->init_nodes); i++)
		kmem_cache_node_init(&g->init_nodes[i]);

	/* Bigger slabs only above 32 MiB, unless slab_max_order= says. */
	if (m->params.slab.slab_max_order >= 0) {
		g->slab_max_order = min(m->params.slab.slab_max_order,
					MAX_PAGE_ORDER);
	} else {
		g->slab_max_order = SLAB_MAX_ORDER_LO;
		if ((unsigned long)atomic_load(&m->totalram) >
		    (32UL << 20) >> PAGE_SHIFT)
			g->slab_max_order = SLAB_MAX_ORDER_HI;
	}

	/* 1) the kmem_cache cache, in host memory like kmem_cache_boot */
	if (slab_bootstrap_cache(g->boot, "kmem_cache", (unsigned int)csize,
				 SLAB_HWCACHE_ALIGN, 0, 0))
		return -ENOMEM;
	list_add(&g->boot->list, &st->caches);
	slab_set_state(PARTIAL);

	/* 2) the kmalloc cache struct kmem_cache_node comes from */
	idx = kmalloc_index(sizeof(struct kmem_cache_node));
	node_cache = create_kmalloc_cache(kmalloc_cache_name(KMALLOC_NORMAL,
							     idx),
					  kmalloc_index_size(idx),
					  ARCH_KMALLOC_FLAGS);
	if (!node_cache)
		return -ENOMEM;
	st->kmalloc_caches[KMALLOC_NORMAL][idx] = node_cache;
	slab_set_state(PARTIAL_NODE);
	setup_kmalloc_cache_index_table();

	/* 5) kmalloc'ed node lists for both */
	for (int i = 0; i < g->nr_online; i++) {
		int nid = g->online[i];

		if (init_list(g->boot, &g->init_nodes[CACHE_CACHE + nid], nid) ||
		    init_list(node_cache, &g->init_nodes[SIZE_NODE + nid], nid))
			return -ENOMEM;
	}
	return create_kmalloc_caches();
}

/* kmem_cache_init_late: the final array sizes. */
static void slab_init_late(void)
{
	struct kmm_slab_state *st = slab_st();
	struct list_head *pos;

	/* list_for_each: a cache pointer made from the head is misaligned. */
	spin_lock(&st->mutex);
	list_for_each(pos, &st->caches)
		if (enable_cpucache(list_entry(pos, struct kmem_cache, list),
				    GFP_NOWAIT))
			BUG();
	spin_unlock(&st->mutex);
	slab_set_state(FULL);
}

static void slab_destroy_machine(void)
{
	struct kmm_slab_state *st = slab_st();
	struct slab_globals *g = st->be_state;

	if (!g)
		return;
	/* Arrays are host memory; everything else goes with the RAM. */
	while (!list_empty(&g->be_list)) {
		struct slab_cache *sc = list_first_entry(&g->be_list,
							 struct slab_cache,
							 be_list);

		list_del(&sc->be_list);
		sc->be_list.next = NULL;
		if (sc->cpu_raw)
			slab_percpu_free(sc->cpu_raw);
		sc->cpu_raw = NULL;
		sc->cpu_cache = NULL;
	}
	kmm_plat_free(g->boot);
	kmm_plat_free(g);
	st->be_state = NULL;
}

const struct slab_backend kmm_slab_backend = {
	.name			= "SLAB",
	.kver			= KMM_KVER(6, 6),
	.cache_priv_size	= sizeof(struct slab_cache),
	.node_array_tail	= true,
	.kmalloc_shift_low	= SLAB_KMALLOC_SHIFT_LOW,
	/* create_kmalloc_caches(ARCH_KMALLOC_FLAGS) in 6.6's kmem_cache_init. */
	.kmalloc_flags		= ARCH_KMALLOC_FLAGS,
	.init			= slab_init,
	.init_late		= slab_init_late,
	.create			= slab_create,
	.shutdown		= slab_shutdown,
	.release		= slab_release,
	.alloc			= slab_alloc,
	.free			= slab_free,
	.alloc_bulk		= slab_alloc_bulk,
	.shrink			= slab_shrink,
	.get_info		= slab_get_info,
	.show_details		= slab_show_details,
	.validate		= slab_validate,
	.tick			= slab_tick,
	.object_usable		= slab_object_usable,
	.cache_flags		= slab_cache_flags,
	.objects_in_use		= slab_objects_in_use,
	.report_leaks		= slab_report_leaks,
	.destroy_machine	= slab_destroy_machine,
};
