// SPDX-License-Identifier: MIT
/*
 * mm/slab_common.c - what SLUB and SLAB share: the kmem_cache API, cache
 * merging, the kmalloc caches, large kmalloc, /proc/slabinfo, the slab
 * shrinker.  Linux 6.12's mm/slab_common.c.
 *
 * What.  Every kmem_cache_* and kmalloc-family call enters here, is checked
 * and routed to the backend chosen at boot (`slab=slub`, the default, or
 * `slab=slab`) through m->slab->be (mm/slab.h).  kmem_cache_alloc,
 * kmem_cache_free and kmalloc on the local node go straight to the cache's
 * cache_alloc/cache_free, which the backend may make one fast function
 * each (SLUB does) and which fall back to kmem_cache_alloc_general/
 * kmem_cache_free_general here.  kfree hands a pointer to the backend's
 * kfree (m->kfree_fn: SLUB first tries the kmalloc cache this CPU last
 * allocated from) or to kfree_lookup, which finds the cache from the page
 * as Linux does; kmalloc likewise to m->kmalloc_fn, SLUB's one-function
 * kmalloc or kmalloc_general.  Requests above KMALLOC_MAX_CACHE_SIZE
 * (8 KiB) go straight to the page allocator as compound pages, as in
 * Linux.  init_on_free's clearing is the backend's, after it has checked
 * the pointer.
 *
 * Data structures.  struct kmm_slab_state (one per machine, host memory):
 * the backend, slab_state (DOWN..FULL), the cache list (newest first, as
 * list_add builds slab_caches), kmalloc_caches[type][index] and the
 * size_index table for sizes up to 192.  struct kmem_cache objects are
 * objects of the "kmem_cache" cache, with the backend's part behind them.
 *
 * Invariants.  A cache is on the list from creation to destruction; its
 * refcount counts the kmem_cache_create calls merged into it (-1 for boot
 * caches while bootstrapping).  kmalloc_caches[t][i] is non-NULL for every
 * type t and index i in {1, 2, 3..13} once slab_state >= UP.
 *
 * Algorithms.  calculate_alignment, find_mergeable (oldest compatible cache
 * wins: the list is walked from its tail), create_boot_cache and
 * create_kmalloc_caches (for each type: 96, 192, then 8..8k) follow 6.12
 * for SLUB; with SLAB (its backend's kver is 6.6) they follow 6.6: kmalloc
 * caches by powers of two with 96 after 64 and 192 after 128, merging also
 * refusing an alignment that does not divide the cache's, a busy cache
 * kept on the list by kmem_cache_destroy, and creation failures reported
 * by kmem_cache_create_usercopy.
 * kmalloc_slab: size_index[(size - 1) / 8] up to 192, fls(size - 1) above.
 * kmalloc_type: __GFP_DMA > __GFP_RECLAIMABLE > __GFP_ACCOUNT.
 *
 * Locking.  slab_mutex (a spinlock here) guards the cache list and
 * creation/destruction; the allocation paths take no common lock.
 *
 * Failure.  Invalid kmem_cache_create arguments print Linux's
 * "kmem_cache_create(%s) integrity check failed" or
 * "__kmem_cache_create_args(%s) failed with error %d" and return NULL
 * (SLAB_PANIC panics, as in Linux).  kfree of memory that is not from a
 * slab or a large kmalloc is reported and ignored; kmem_cache_free of
 * another cache's object is reported ("Wrong slab cache") and the object is
 * freed to its real cache, as Linux does with SLAB_FREELIST_HARDENED.
 *
 * Observability.  /proc/slabinfo (version 2.1) through kmm_report(m,
 * "slabinfo"), a slabinfo -v style block per cache ("slabinfo-v"), meminfo's
 * Slab lines through NR_SLAB_{RECLAIMABLE,UNRECLAIMABLE}_B.
 *
 * Differences from Linux.  The backend is a boot choice.  kmalloc-cg-*
 * caches exist (memcg kmem accounting is on in Debian's kernel) but nothing
 * is charged.  kmem_cache_create also refuses size 0 and an alignment that
 * is not a power of two (Linux divides by zero or misaligns).  The slab
 * shrinker (Linux has none: slabs are shrunk by their users' shrinkers and
 * on memory hotplug) calls kmem_cache_shrink on every cache so that memory
 * pressure in the page allocator gets empty slabs back.  The "kmem_cache"
 * cache's objects hold kmm's struct kmem_cache (with the backend's private
 * part; the name is a separate copy).  With SLUB they have Linux's size,
 * offsetof(struct kmem_cache, node) + 8 x nodes = 216 + 8n; SLAB's private
 * part does not fit 6.6's 128 + 8n, so SLAB's row shows kmm's size.
 * The duplicate-name warning and the integrity check are DEBUG_VM's,
 * which Debian's kernel lacks; kmm keeps them as its bad-input errors.
 */
#include <kmm/string.h>
#include <kmm/printk.h>
#include <kmm/vmstat.h>
#include <kmm/platform.h>
#include <kmm/page_debug.h>
#include <kmm/show_mem.h>
#include "slab.h"

#define M()	kmm_current()

void kmem_cache_init(void);
void kmem_cache_init_late(void);
void kmm_slab_destroy(struct kmm_machine *m);
int kmm_slab_report(struct kmm_machine *m, const char *name,
		    const struct kmm_sink *out);
void rcu_init(void);
void rcu_destroy(struct kmm_machine *m);

/* Flags a cache may be created with (CACHE_CREATE_MASK). */
#define SLAB_FLAGS_PERMITTED						\
	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |	\
	 SLAB_KMALLOC | SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA |		\
	 SLAB_CACHE_DMA32 | SLAB_STORE_USER | SLAB_PANIC |		\
	 SLAB_TYPESAFE_BY_RCU | SLAB_TRACE | SLAB_NOLEAKTRACE |		\
	 SLAB_NO_MERGE | SLAB_ACCOUNT | SLAB_NO_USER_FLAGS |		\
	 SLAB_SKIP_KFENCE | SLAB_RECLAIM_ACCOUNT | SLAB_NO_OBJ_EXT)
/* Never merge caches with these (SLAB_NEVER_MERGE). */
#define SLAB_NEVER_MERGE						\
	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | SLAB_TRACE |	\
	 SLAB_TYPESAFE_BY_RCU | SLAB_NOLEAKTRACE | SLAB_FAILSLAB |	\
	 SLAB_NO_MERGE)
/* Merged caches must agree on these (SLAB_MERGE_SAME). */
#define SLAB_MERGE_SAME							\
	(SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA | SLAB_CACHE_DMA32 |	\
	 SLAB_ACCOUNT)
#define CACHE_LINE_SIZE	64

/* --- State --------------------------------------------------------------- */

static void slab_lock(void)
{
	spin_lock(&slab_st()->mutex);
}

static void slab_unlock(void)
{
	spin_unlock(&slab_st()->mutex);
}

void slab_set_state(enum slab_state state)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s;
	int n = 0;

	list_for_each_entry(s, &st->caches, list)
		n++;
	st->state = state;
	if (st->nr_history < (int)ARRAY_SIZE(st->history)) {
		st->history[st->nr_history].state = state;
		st->history[st->nr_history].nr_caches = n;
		st->nr_history++;
	}
	pr_debug("slab: %s state %d with %d caches\n", st->be->name, state, n);
}

int kmm_slab_bootstrap_history(struct kmm_machine *m, int *states,
			       int *nr_caches, int max)
{
	int i;

	if (!m || !m->slab)
		return 0;
	for (i = 0; i < m->slab->nr_history && i < max; i++) {
		states[i] = m->slab->history[i].state;
		nr_caches[i] = m->slab->history[i].nr_caches;
	}
	return i;
}

void slab_count_error(void)
{
	struct kmm_slab_state *st = slab_st();

	if (st)
		atomic_fetch_add(&st->errors, 1);
}

void slab_taint_bad_page(void)
{
	struct kmm_slab_state *st = slab_st();

	if (st) {
		atomic_store(&st->tainted_bad, true);
		kmm_debug_locks_off(M());
	}
}

bool kmm_slab_tainted(struct kmm_machine *m)
{
	return m && m->slab && atomic_load(&m->slab->tainted_bad);
}

long kmm_slab_errors(struct kmm_machine *m)
{
	return m && m->slab ? atomic_load(&m->slab->errors) : 0;
}

void *slab_percpu_alloc(size_t size)
{
	void *p = kmm_plat_alloc_aligned(size, 64);

	if (p)
		memset(p, 0, size);
	return p;
}

void slab_percpu_free(void *p)
{
	kmm_plat_free(p);
}

size_t kmem_cache_struct_size(void)
{
	const struct slab_backend *be = slab_st()->be;

	return sizeof(struct kmem_cache) + be->cache_priv_size +
	       (be->node_array_tail ?
		(size_t)M()->nr_node_ids * sizeof(void *) : 0);
}

/* --- Slab pages ------------------------------------------------------------ */

static enum node_stat_item cache_vmstat_idx(const struct kmem_cache *s)
{
	return (s->flags & SLAB_RECLAIM_ACCOUNT) ? NR_SLAB_RECLAIMABLE_B :
						   NR_SLAB_UNRECLAIMABLE_B;
}

struct slab *slab_alloc_pages(struct kmem_cache *s, gfp_t gfp, int node,
			      unsigned int order)
{
	struct page *page;
	struct slab *slab;

	gfp |= s->allocflags | __GFP_COMP;
	if (!order)
		gfp &= ~__GFP_COMP;
	if (node == NUMA_NO_NODE)
		page = alloc_pages(gfp, order);
	else
		page = __alloc_pages(gfp, order, node, NULL);
	if (!page)
		return NULL;
	slab = page_slab(page);
	slab->slab_cache = s;
	INIT_LIST_HEAD(&slab->slab_list);
	slab->freelist = NULL;
	slab->counters = 0;
	slab->active = 0;
	slab_set_page_type(slab, PGTY_SLAB);
	__mod_node_page_state(page_pgdat(page), cache_vmstat_idx(s),
			      (long)(PAGE_SIZE << order));
	atomic_fetch_add(&s->nr_slabs, 1);
	return slab;
}

void slab_free_pages(struct kmem_cache *s, struct slab *slab)
{
	struct page *page = slab_page(slab);
	unsigned int order = slab_order(slab);

	__mod_node_page_state(page_pgdat(page), cache_vmstat_idx(s),
			      -(long)(PAGE_SIZE << order));
	atomic_fetch_sub(&s->nr_slabs, 1);
	/* Give the page allocator back the fields struct slab borrowed. */
	slab->slab_cache = NULL;
	slab->slab_list.next = slab->slab_list.prev = NULL;
	slab->freelist = NULL;
	slab->counters = 0;
	slab->active = 0;
	slab_set_page_type(slab, PAGE_TYPE_NONE_);
	if (order)
		page->lru.next = NULL;
	__free_pages(page, order);
}

struct slab *kmm_virt_to_slab(const void *x)
{
	struct kmm_machine *m = M();

	return m ? kmm_virt_to_slab_m(m, x) : NULL;
}

/* --- Creating caches --------------------------------------------------------- */

unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
				 unsigned int size)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = CACHE_LINE_SIZE;

		while (size <= ralign / 2)
			ralign /= 2;
		align = max(align, ralign);
	}
	align = max(align, (unsigned int)ARCH_KMALLOC_MINALIGN);
	return ALIGN(align, (unsigned int)sizeof(void *));
}

static bool slab_unmergeable(struct kmem_cache *s)
{
	struct kmm_machine *m = M();

	if (m->params.slab.nomerge || (s->flags & SLAB_NEVER_MERGE))
		return true;
	if (s->ctor || s->usersize)
		return true;
	return s->refcount < 0;
}

static struct kmem_cache *find_mergeable(unsigned int size, unsigned int align,
					 slab_flags_t flags, const char *name,
					 void (*ctor)(void *),
					 unsigned int usersize)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s;

	if (M()->params.slab.nomerge || ctor || usersize)
		return NULL;
	if (st->be->cache_flags)
		flags = st->be->cache_flags(name, flags);
	if (flags & SLAB_NEVER_MERGE)
		return NULL;
	size = ALIGN(size, (unsigned int)sizeof(void *));
	align = calculate_alignment(flags, align, size);
	size = ALIGN(size, align);
	list_for_each_entry_reverse(s, &st->caches, list) {
		if (slab_unmergeable(s))
			continue;
		if (size > s->size)
			continue;
		if ((flags & SLAB_MERGE_SAME) != (s->flags & SLAB_MERGE_SAME))
			continue;
		if ((s->size & ~(align - 1)) != s->size)
			continue;
		if (s->size - size >= sizeof(void *))
			continue;
		/* 6.6 with SLAB: the alignment must be the cache's or divide it. */
		if (st->be->kver < KMM_KVER(6, 7) && align &&
		    (align > s->align || s->align % align))
			continue;
		return s;
	}
	return NULL;
}

/* The cache's own copy of its name (host memory); 0 or -ENOMEM. */
static int set_name(struct kmem_cache *s, const char *name)
{
	size_t len = kmm_strlen(name) + 1;
	char *copy = kmm_plat_alloc(len);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	s->name = copy;
	return 0;
}

void slab_free_name(struct kmem_cache *s)
{
	kmm_plat_free((void *)s->name);
	s->name = NULL;
}

/* do_kmem_cache_create: the common fields, then the backend's create. */
static int do_kmem_cache_create(struct kmem_cache *s, const char *name,
				unsigned int size, unsigned int align,
				slab_flags_t flags, unsigned int useroffset,
				unsigned int usersize, void (*ctor)(void *))
{
	struct kmm_slab_state *st = slab_st();
	int err = set_name(s, name);

	if (err)
		return err;
	s->object_size = s->size = size;
	s->align = align;
	s->flags = flags;
	s->useroffset = useroffset;
	s->usersize = usersize;
	s->ctor = ctor;
	s->kmalloc_cache = !!(flags & SLAB_KMALLOC);
	s->zero_orig_size = false;	/* the backend may set it */
	s->machine = M();
	s->be_alloc = st->be->alloc;
	s->be_free = st->be->free;
	s->cache_alloc = kmem_cache_alloc_general;
	s->cache_free = kmem_cache_free_general;
	INIT_LIST_HEAD(&s->list);
	atomic_store(&s->nr_slabs, 0);
	atomic_store(&s->total_objects, 0);
	err = st->be->create(s);
	if (err)
		slab_free_name(s);
	else if (st->be->set_fast_paths)
		st->be->set_fast_paths(s, false);
	return err;
}

int slab_bootstrap_cache(struct kmem_cache *s, const char *name,
			 unsigned int size, slab_flags_t flags,
			 unsigned int useroffset, unsigned int usersize)
{
	unsigned int align = ARCH_KMALLOC_MINALIGN;
	int err;

	if (flags & SLAB_KMALLOC)
		align = max(align, 1U << __ffs(size));
	align = calculate_alignment(flags, align, size);
	err = do_kmem_cache_create(s, name, size, align, flags, useroffset,
				   usersize, NULL);
	if (err) {
		pr_err("Creation of kmalloc slab %s size=%u failed. Reason %d\n",
		       name, size, err);
		return err;
	}
	s->refcount = -1;	/* exempt from merging for now */
	return 0;
}

struct kmem_cache *create_kmalloc_cache(const char *name, unsigned int size,
					slab_flags_t flags)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s = kmem_cache_zalloc(st->kmem_cache, GFP_NOWAIT);

	if (!s) {
		pr_err("Out of memory when creating slab %s\n", name);
		return NULL;
	}
	if (slab_bootstrap_cache(s, name, size, flags | SLAB_KMALLOC, 0,
				 size)) {
		kmem_cache_free(st->kmem_cache, s);
		return NULL;
	}
	list_add(&s->list, &st->caches);
	s->refcount = 1;
	/*
	 * Only the kmalloc table's caches, which live as long as the
	 * machine, may become a CPU's kfree_hint (a user cache created with
	 * SLAB_KMALLOC may be destroyed).
	 */
	if (st->be->set_fast_paths)
		st->be->set_fast_paths(s, true);
	return s;
}

static bool duplicate_name(const char *name)
{
	struct kmem_cache *s;

	list_for_each_entry(s, &slab_st()->caches, list)
		if (!kmm_strcmp(s->name, name))
			return true;
	return false;
}

static struct kmem_cache *create_cache(const char *name, unsigned int size,
				       unsigned int align, slab_flags_t flags,
				       unsigned int useroffset,
				       unsigned int usersize,
				       void (*ctor)(void *), int *errp)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s;
	int err;

	s = kmem_cache_zalloc(st->kmem_cache, GFP_KERNEL);
	if (!s) {
		*errp = -ENOMEM;
		return NULL;
	}
	err = do_kmem_cache_create(s, name, size, align, flags, useroffset,
				   usersize, ctor);
	if (err) {
		kmem_cache_free(st->kmem_cache, s);
		*errp = err;
		return NULL;
	}
	s->refcount = 1;
	list_add(&s->list, &st->caches);
	return s;
}

struct kmem_cache *kmem_cache_create_usercopy(const char *name,
					      unsigned int size,
					      unsigned int align,
					      slab_flags_t flags,
					      unsigned int useroffset,
					      unsigned int usersize,
					      void (*ctor)(void *))
{
	struct kmm_machine *m = M();
	struct kmm_slab_state *st = m ? m->slab : NULL;
	struct kmem_cache *s = NULL;
	int err = 0;

	if (!st || st->state < UP) {
		pr_err("kmem_cache_create(%s): slab allocator not up\n",
		       name ? name : "(null)");
		return NULL;
	}
	slab_lock();
	/* kmem_cache_sanity_check (DEBUG_VM), plus kmm's size/align checks. */
	if (!name || !size || size > KMALLOC_MAX_SIZE ||
	    (align & (align - 1)) || align > PAGE_SIZE) {
		pr_err("kmem_cache_create(%s) integrity check failed\n",
		       name ? name : "(null)");
		err = -EINVAL;
		goto out_unlock;
	}
	if (duplicate_name(name))
		pr_warn("kmem_cache of name '%s' already exists\n", name);
	if (flags & ~SLAB_FLAGS_PERMITTED) {
		err = -EINVAL;
		goto out_unlock;
	}
	if (WARN_ON(!usersize && useroffset) ||
	    WARN_ON(size < usersize || size - usersize < useroffset))
		usersize = useroffset = 0;

	s = find_mergeable(size, align, flags, name, ctor, usersize);
	if (s) {
		s->refcount++;
		s->object_size = max(s->object_size, size);
		goto out_unlock;
	}
	align = calculate_alignment(flags, align, size);
	s = create_cache(name, size, align, flags, useroffset, usersize, ctor,
			 &err);
out_unlock:
	slab_unlock();
	if (err) {
		/* The function that reports it: 6.12's, or 6.6's. */
		const char *fn = st->be->kver < KMM_KVER(6, 7) ?
				 "kmem_cache_create_usercopy" :
				 "__kmem_cache_create_args";

		if (flags & SLAB_PANIC)
			panic("%s: Failed to create slab '%s'. Error %d\n",
			      fn, name, err);
		pr_warn("%s(%s) failed with error %d\n", fn,
			name ? name : "(null)", err);
		dump_stack();
		return NULL;
	}
	return s;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	return kmem_cache_create_usercopy(name, size, align, flags, 0, 0,
					  ctor);
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	struct kmm_slab_state *st = slab_st();
	int err;

	if (!s || !st)
		return;
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();
	slab_lock();
	if (--s->refcount) {
		slab_unlock();
		return;
	}
	err = st->be->shutdown(s);
	WARN(err, "%s %s: Slab cache still has objects when called from %pS",
	     "kmem_cache_destroy", s->name, __builtin_return_address(0));
	if (err && st->be->kver < KMM_KVER(6, 7)) {
		/* 6.6's shutdown_cache: a busy cache stays on the list. */
		slab_unlock();
		return;
	}
	list_del(&s->list);
	if (err) {
		/*
		 * As Linux: the cache leaves the list but stays in memory, so
		 * the objects still out can be freed into it.  kmm keeps it on
		 * an orphan list so the machine's teardown can find it.
		 */
		list_add(&s->list, &st->orphans);
		slab_unlock();
		return;
	}
	slab_unlock();
	if (s->flags & SLAB_TYPESAFE_BY_RCU)
		rcu_barrier();
	st->be->release(s);
	slab_free_name(s);
	kmem_cache_free(st->kmem_cache, s);
}

int kmem_cache_shrink(struct kmem_cache *s)
{
	return s ? slab_st()->be->shrink(s) : -EINVAL;
}

unsigned int kmem_cache_size(struct kmem_cache *s)
{
	return s->object_size;
}

const char *kmem_cache_name(struct kmem_cache *s)
{
	return s->name;
}

/* --- kmalloc caches ---------------------------------------------------------- */

static const char *const kmalloc_short[] = {
	"0", "96", "192", "8", "16", "32", "64", "128", "256", "512",
	"1k", "2k", "4k", "8k",
};

static const char *const kmalloc_prefix[NR_KMALLOC_TYPES] = {
	[KMALLOC_NORMAL] = "kmalloc-",
	[KMALLOC_RECLAIM] = "kmalloc-rcl-",
	[KMALLOC_DMA] = "dma-kmalloc-",
	[KMALLOC_CGROUP] = "kmalloc-cg-",
};

static const u8 size_index_init[24] = {
	3, 4, 5, 5, 6, 6, 6, 6, 1, 1, 1, 1,
	7, 7, 7, 7, 2, 2, 2, 2, 2, 2, 2, 2,
};

/* Name storage for the kmalloc caches: [type][index]. */
static char *kmalloc_names(void)
{
	return (char *)slab_st() + sizeof(struct kmm_slab_state);
}
#define KMALLOC_NAME_LEN	24

const char *kmalloc_cache_name(enum kmalloc_cache_type type, unsigned int idx)
{
	char *n = kmalloc_names() +
		  ((size_t)type * (KMALLOC_SHIFT_HIGH + 1) + idx) *
		  KMALLOC_NAME_LEN;

	if (!n[0])
		snprintf_k(n, KMALLOC_NAME_LEN, "%s%s", kmalloc_prefix[type],
			   kmalloc_short[idx]);
	return n;
}

unsigned int kmalloc_index_size(unsigned int idx)
{
	return idx == 1 ? 96 : idx == 2 ? 192 : 1U << idx;
}

unsigned int kmalloc_index(size_t size)
{
	if (!size)
		return 0;
	if (size <= KMALLOC_MIN_SIZE)
		return KMALLOC_SHIFT_LOW;
	if (size > 64 && size <= 96)
		return 1;
	if (size > 128 && size <= 192)
		return 2;
	return (unsigned int)fls((unsigned int)(size - 1));
}

void setup_kmalloc_cache_index_table(void)
{
	/* KMALLOC_MIN_SIZE is 8 on x86_64: nothing to patch. */
	memcpy(slab_st()->size_index, size_index_init,
	       sizeof(size_index_init));
}

static inline enum kmalloc_cache_type kmalloc_type(gfp_t flags)
{
	if (likely(!(flags & (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT))))
		return KMALLOC_NORMAL;
	if (flags & __GFP_DMA)
		return KMALLOC_DMA;
	if (flags & __GFP_RECLAIMABLE)
		return KMALLOC_RECLAIM;
	return KMALLOC_CGROUP;
}

struct kmem_cache *kmalloc_slab(size_t size, gfp_t gfp)
{
	struct kmm_slab_state *st = slab_st();
	unsigned int index;

	if (size <= 192)
		index = st->size_index[(size - 1) / 8];
	else
		index = (unsigned int)fls((unsigned int)(size - 1));
	return st->kmalloc_caches[kmalloc_type(gfp)][index];
}

static int new_kmalloc_cache(unsigned int idx, enum kmalloc_cache_type type)
{
	struct kmm_slab_state *st = slab_st();
	slab_flags_t flags = st->be->kmalloc_flags;

	if (type == KMALLOC_RECLAIM)
		flags |= SLAB_RECLAIM_ACCOUNT;
	else if (type == KMALLOC_CGROUP)
		flags |= SLAB_ACCOUNT;
	else if (type == KMALLOC_DMA)
		flags |= SLAB_CACHE_DMA;
	/* With MEMCG the normal caches are never merged. */
	if (type == KMALLOC_NORMAL)
		flags |= SLAB_NO_MERGE;
	if (st->kmalloc_caches[type][idx])
		return 0;
	st->kmalloc_caches[type][idx] =
		create_kmalloc_cache(kmalloc_cache_name(type, idx),
				     kmalloc_index_size(idx), flags);
	return st->kmalloc_caches[type][idx] ? 0 : -ENOMEM;
}

int create_kmalloc_caches(void)
{
	struct kmm_slab_state *st = slab_st();
	unsigned int low = st->be->kmalloc_shift_low ? st->be->kmalloc_shift_low :
			   KMALLOC_SHIFT_LOW;

	for (int type = KMALLOC_NORMAL; type < NR_KMALLOC_TYPES; type++) {
		if (st->be->kver < KMM_KVER(6, 7)) {
			/*
			 * 6.6: powers of two, kmalloc-96 right after 64 and
			 * kmalloc-192 right after 128 (which may exist already).
			 */
			for (unsigned int i = low; i <= KMALLOC_SHIFT_HIGH; i++) {
				if (new_kmalloc_cache(i, type))
					return -ENOMEM;
				if (KMALLOC_MIN_SIZE <= 32 && i == 6 &&
				    new_kmalloc_cache(1, type))
					return -ENOMEM;
				if (KMALLOC_MIN_SIZE <= 64 && i == 7 &&
				    new_kmalloc_cache(2, type))
					return -ENOMEM;
			}
		} else {
			if (KMALLOC_MIN_SIZE <= 32 && new_kmalloc_cache(1, type))
				return -ENOMEM;
			if (KMALLOC_MIN_SIZE <= 64 && new_kmalloc_cache(2, type))
				return -ENOMEM;
			for (unsigned int i = low; i <= KMALLOC_SHIFT_HIGH; i++)
				if (new_kmalloc_cache(i, type))
					return -ENOMEM;
		}
		/* Below the backend's smallest cache: its smallest one. */
		for (unsigned int i = KMALLOC_SHIFT_LOW; i < low; i++)
			st->kmalloc_caches[type][i] =
				st->kmalloc_caches[type][low];
	}
	slab_set_state(UP);
	return 0;
}

/* --- Allocation and free ---------------------------------------------------- */

/*
 * Bits no slab allocation may carry (GFP_SLAB_BUG_MASK): dropped with
 * Linux's warning.  As in Linux, only where pages are taken - a new slab
 * (SLUB's new_slab, SLAB's cache_grow_begin) or a large kmalloc - so an
 * allocation served from a freelist passes them by unnoticed.
 */
__attribute__((noinline)) gfp_t kmalloc_fix_flags(gfp_t flags)
{
	gfp_t invalid = flags & GFP_SLAB_BUG_MASK;

	flags &= ~GFP_SLAB_BUG_MASK;
	pr_warn("Unexpected gfp: %#x. Fixing up to gfp: %#x. Fix your code!\n",
		invalid, flags);
	WARN_ON(1);
	return flags;
}

static __attribute__((noinline)) void *
slab_alloc_init(struct kmem_cache *s, gfp_t gfp, int node, unsigned long caller,
		size_t orig_size)
{
	void *p;

	p = s->machine->slab->be->alloc(s, gfp, node, caller, orig_size);
	if (p && slab_want_init_on_alloc(s, gfp))
		memset(p, 0, slab_zero_size(s, orig_size));
	return p;
}

/*
 * slab_alloc_node's hooks: allocate (bad flags are the new slab's to fix,
 * as in Linux), zero when init_on_alloc or __GFP_ZERO asks.  The common
 * case, nothing to zero, goes straight to the backend as a tail call.
 */
static inline void *slab_alloc(struct kmem_cache *s, gfp_t gfp, int node,
			       unsigned long caller, size_t orig_size)
{
	if (likely(!(gfp & __GFP_ZERO) && !s->machine->init_on_alloc))
		return s->be_alloc(s, gfp, node, caller, orig_size);
	return slab_alloc_init(s, gfp, node, caller, orig_size);
}

/*
 * kmem_cache_alloc, or kmalloc of @orig_size bytes from @s, on the local
 * node (slub_debug tracks the requested size of kmalloc objects).
 */
void *kmem_cache_alloc_general(struct kmem_cache *s, gfp_t gfp,
			       unsigned long caller, size_t orig_size)
{
	return slab_alloc(s, gfp, NUMA_NO_NODE, caller, orig_size);
}

/* Straight to the cache's own function: the backend's fast path. */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags)
{
	return s->cache_alloc(s, flags,
			      (unsigned long)__builtin_return_address(0),
			      s->object_size);
}

void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node)
{
	return slab_alloc(s, flags, node,
			  (unsigned long)__builtin_return_address(0),
			  s->object_size);
}

void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags)
{
	return slab_alloc(s, flags | __GFP_ZERO, NUMA_NO_NODE,
			  (unsigned long)__builtin_return_address(0),
			  s->object_size);
}

/*
 * cache_from_obj's reports (virt_to_cache's and its own): not a slab
 * object, or another cache's, then that cache's tracks of the object.
 */
static __attribute__((noinline)) struct slab *
cache_mismatch(struct kmem_cache *s, struct slab *slab, const void *x)
{
	const struct slab_backend *be = slab_st()->be;

	if (!slab) {
		WARN_ONCE(1, "%s: Object is not a Slab page!\n",
			  "virt_to_cache");
		slab_count_error();
		return NULL;
	}
	if (s && slab->slab_cache != s) {
		WARN(1, "%s: Wrong slab cache. %s but object is from %s\n",
		     "cache_from_obj", s->name, slab->slab_cache->name);
		if (be->print_tracking)
			be->print_tracking(slab->slab_cache, (void *)x);
		slab_count_error();
	}
	return slab;
}

/*
 * A tail call, so that kfree and kmem_cache_free need no stack frame on
 * their way to the backend.  init_on_free's clearing (Linux's
 * slab_free_hook) is the backend's, after it has checked the pointer: an
 * interior pointer or an object already free is refused before a byte is
 * written (Linux clears first).
 */
static inline void slab_free(struct kmem_cache *s, struct slab *slab,
			     void *x, unsigned long caller)
{
	s->be_free(s, slab, x, caller);
}

/*
 * cache_from_obj with SLAB_FREELIST_HARDENED: kmem_cache_free of an object
 * not of @s is reported, then freed to its own cache.
 */
static __attribute__((noinline)) void
kmem_cache_free_mismatch(struct kmem_cache *s, struct slab *slab, void *x,
			 unsigned long caller)
{
	slab = cache_mismatch(s, slab, x);
	if (slab)
		slab_free(slab->slab_cache, slab, x, caller);
}

void kmem_cache_free_general(struct kmem_cache *s, void *x,
			     unsigned long caller)
{
	struct slab *slab;

	if (!x)
		return;
	slab = kmm_virt_to_slab_m(s ? s->machine : M(), x);
	if (unlikely(!slab || slab->slab_cache != s)) {
		kmem_cache_free_mismatch(s, slab, x, caller);
		return;
	}
	slab_free(s, slab, x, caller);
}

void kmem_cache_free(struct kmem_cache *s, void *x)
{
	unsigned long caller = (unsigned long)__builtin_return_address(0);

	if (unlikely(!s)) {
		kmem_cache_free_general(s, x, caller);
		return;
	}
	s->cache_free(s, x, caller);
}

int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t nr,
			  void **p)
{
	struct kmm_slab_state *st;
	size_t i;

	if (!nr)
		return 0;
	/* One object: kmem_cache_alloc's way, the same outcome for less. */
	if (nr == 1) {
		p[0] = s->cache_alloc(s, flags,
				      (unsigned long)__builtin_return_address(0),
				      s->object_size);
		return p[0] ? 1 : 0;
	}
	st = s->machine->slab;
	if (st->be->alloc_bulk) {
		if (!st->be->alloc_bulk(s, flags, nr, p))
			return 0;
		if (slab_want_init_on_alloc(s, flags))
			for (i = 0; i < nr; i++)
				memset(p[i], 0, slab_zero_size(s, s->object_size));
		return (int)nr;
	}
	for (i = 0; i < nr; i++) {
		p[i] = slab_alloc(s, flags, NUMA_NO_NODE,
				  (unsigned long)__builtin_return_address(0),
				  s->object_size);
		if (!p[i]) {
			kmem_cache_free_bulk(s, i, p);
			return 0;
		}
	}
	return (int)nr;
}

void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p)
{
	const struct slab_backend *be = s ? s->machine->slab->be : NULL;

	/* One object: kmem_cache_free's way (the backends do the same). */
	if (nr == 1 && s) {
		s->cache_free(s, p[0], (unsigned long)__builtin_return_address(0));
		return;
	}
	if (be && be->free_bulk) {
		be->free_bulk(s, nr, p,
			      (unsigned long)__builtin_return_address(0));
		return;
	}
	for (size_t i = 0; i < nr; i++) {
		if (s)
			kmem_cache_free(s, p[i]);
		else
			kfree(p[i]);
	}
}

/* Large kmalloc: compound pages, counted as unreclaimable slab. */
static void *kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (unlikely(size > KMALLOC_MAX_SIZE)) {
		WARN_ON_ONCE(!(flags & __GFP_NOWARN));
		return NULL;
	}
	if (unlikely(!slab_st()))
		return NULL;
	if (unlikely(flags & GFP_SLAB_BUG_MASK))
		flags = kmalloc_fix_flags(flags);
	flags |= __GFP_COMP;
	page = node == NUMA_NO_NODE ? alloc_pages(flags, order) :
	       __alloc_pages(flags, order, node, NULL);
	if (!page)
		return NULL;
	__mod_node_page_state(page_pgdat(page), NR_SLAB_UNRECLAIMABLE_B,
			      (long)(PAGE_SIZE << order));
	atomic_fetch_add(&slab_st()->large_kmalloc_pages, 1L << order);
	return page_address(page);
}

static inline void *do_kmalloc_node(struct kmm_machine *m, size_t size,
				    gfp_t flags, int node, unsigned long caller)
{
	struct kmm_slab_state *st;
	struct kmem_cache *s;
	unsigned int index;

	/* Zero and above KMALLOC_MAX_CACHE_SIZE in one test. */
	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE)) {
		if (!size)
			return ZERO_SIZE_PTR;
		return kmalloc_large_node(size, flags, node);
	}
	/*
	 * No slab state test: as in Linux, a kmalloc cache is usable once it
	 * is in the table (SLAB's bootstrap kmallocs its node structures
	 * only from PARTIAL_NODE on, and nothing else runs before it ends).
	 */
	st = m->slab;
	if (unlikely(!st))
		return NULL;
	index = size <= 192 ? st->size_index[(size - 1) / 8] :
			      (unsigned int)fls((unsigned int)(size - 1));
	/* kmalloc_type(), its common case first. */
	s = likely(!(flags & (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT))) ?
		st->kmalloc_caches[KMALLOC_NORMAL][index] :
		st->kmalloc_caches[kmalloc_type(flags)][index];
	if (unlikely(!s))
		return NULL;
	if (node == NUMA_NO_NODE)
		return s->cache_alloc(s, flags, caller, size);
	return slab_alloc(s, flags, node, caller, size);
}

void *kmalloc_general(struct kmm_machine *m, size_t size, gfp_t flags,
		      unsigned long caller)
{
	return do_kmalloc_node(m, size, flags, NUMA_NO_NODE, caller);
}

/* kmalloc on the local node, the way kmalloc goes. */
static inline void *kmalloc_local(size_t size, gfp_t flags,
				  unsigned long caller)
{
	struct kmm_machine *m = M();

	return m->kmalloc_fn(m, size, flags, caller);
}

/*
 * kmalloc: the backend's kmalloc (m->kmalloc_fn) once slab is up, which for
 * SLUB takes the common request - a small size, plain flags, a thread
 * that owns its CPU, an object on the CPU's freelist - in one function;
 * anything else goes to kmalloc_general.  The outcome is the same.
 */
void *kmalloc(size_t size, gfp_t flags)
{
	return kmalloc_local(size, flags,
			     (unsigned long)__builtin_return_address(0));
}

void *kmalloc_node(size_t size, gfp_t flags, int node)
{
	return do_kmalloc_node(M(), size, flags, node,
			       (unsigned long)__builtin_return_address(0));
}

void *kzalloc(size_t size, gfp_t flags)
{
	return kmalloc_local(size, flags | __GFP_ZERO,
			     (unsigned long)__builtin_return_address(0));
}

void *kzalloc_node(size_t size, gfp_t flags, int node)
{
	return do_kmalloc_node(M(), size, flags | __GFP_ZERO, node,
			       (unsigned long)__builtin_return_address(0));
}

void *kmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc_local(bytes, flags,
			     (unsigned long)__builtin_return_address(0));
}

void *kcalloc(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc_local(bytes, flags | __GFP_ZERO,
			     (unsigned long)__builtin_return_address(0));
}

static __attribute__((noinline)) void free_large_kmalloc(struct page *page,
							 const void *object)
{
	unsigned int order = compound_order(page);

	if (WARN_ON_ONCE(order == 0) || object != page_address(page)) {
		pr_warn("object pointer: 0x%px\n", KA(object));
		slab_count_error();
		return;
	}
	__mod_node_page_state(page_pgdat(page), NR_SLAB_UNRECLAIMABLE_B,
			      -(long)(PAGE_SIZE << order));
	atomic_fetch_sub(&slab_st()->large_kmalloc_pages, 1L << order);
	__free_pages(page, order);
}

/* The page of a pointer into this machine's RAM, or NULL. */
static struct page *obj_page(const void *x)
{
	return kmm_obj_page(M(), x);
}

static __attribute__((noinline)) void kfree_foreign(const void *x)
{
	pr_err("kfree: 0x%px is not in this machine's memory\n", x);
	slab_count_error();
}

/* kfree from the object's page (NULL: not this machine's memory). */
static inline __attribute__((always_inline)) void
kfree_from_page(struct kmm_machine *m, struct page *page, const void *x,
		unsigned long caller)
{
	struct slab *slab;

	if (unlikely(!page)) {
		kfree_foreign(x);
		return;
	}
	/* Slab pages, and so large kmallocs, exist only once slab is up. */
	slab = page_slab(page);
	if (unlikely(!slab_test(slab))) {
		if (m->slab)
			free_large_kmalloc(page, x);
		else
			kfree_foreign(x);
		return;
	}
	slab_free(slab->slab_cache, slab, (void *)x, caller);
}

void kfree_lookup(struct kmm_machine *m, const void *x, unsigned long caller)
{
	kfree_from_page(m, kmm_obj_page(m, x), x, caller);
}

void kfree_page(struct kmm_machine *m, struct page *page, const void *x,
		unsigned long caller)
{
	kfree_from_page(m, page, x, caller);
}

/*
 * kfree: Linux finds the object's cache from its page.  kmm lets the
 * backend try first (SLUB: the kmalloc cache this CPU last allocated
 * from, whose CPU slab recognises its objects from the address alone),
 * which spares the common free - the object of a recent kmalloc of the
 * same size - the dependent loads of the page lookup.  Anything else goes
 * to kfree_lookup; the outcome is the same either way.
 */
void kfree(const void *x)
{
	struct kmm_machine *m;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return;
	m = M();
	m->kfree_fn(m, x, (unsigned long)__builtin_return_address(0));
}

size_t ksize(const void *x)
{
	struct page *page;
	struct slab *slab;

	if (unlikely(ZERO_OR_NULL_PTR(x)))
		return 0;
	page = obj_page(x);
	if (!page)
		return 0;
	slab = page_slab(page);
	if (!slab_test(slab)) {
		if (WARN_ON(!PageHead(page) ||
			    (PAGE_SIZE << compound_order(page)) <=
			    KMALLOC_MAX_CACHE_SIZE))
			return 0;
		if (WARN_ON(x != page_address(page)))
			return 0;
		return PAGE_SIZE << compound_order(page);
	}
	return slab_st()->be->object_usable(slab->slab_cache, x);
}

void kfree_sensitive(const void *p)
{
	size_t ks = ksize(p);

	if (ks) {
		memset((void *)p, 0, ks);
		__asm__ __volatile__("" : : "r"(p) : "memory");
	}
	kfree(p);
}

size_t kmalloc_size_roundup(size_t size)
{
	if (!slab_st())
		return size;
	if (size && size <= KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_slab(size, GFP_KERNEL)->object_size;
	if (size && size <= KMALLOC_MAX_SIZE)
		return PAGE_SIZE << get_order(size);
	return size;
}

void *krealloc(const void *p, size_t new_size, gfp_t flags)
{
	size_t ks = 0;
	void *ret;

	if (unlikely(!new_size)) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (likely(!ZERO_OR_NULL_PTR(p))) {
		ks = ksize(p);
		if (ks >= new_size) {
			/* Shrinking or growing in place (6.12 zeroes the rest). */
			if (new_size < ks && (flags & __GFP_ZERO))
				memset((u8 *)p + new_size, 0, ks - new_size);
			return (void *)p;
		}
	}
	ret = kmalloc_local(new_size, flags,
			    (unsigned long)__builtin_return_address(0));
	if (ret && ks) {
		memcpy(ret, p, ks);
		kfree(p);
	}
	return ret;
}

void *kmemdup(const void *src, size_t len, gfp_t gfp)
{
	void *p = kmalloc_local(len, gfp,
				(unsigned long)__builtin_return_address(0));

	if (p && !ZERO_OR_NULL_PTR(p))
		memcpy(p, src, len);
	return p;
}

char *kstrdup(const char *s, gfp_t gfp)
{
	size_t len;
	char *p;

	if (!s)
		return NULL;
	len = kmm_strlen(s) + 1;
	p = kmalloc_local(len, gfp,
			  (unsigned long)__builtin_return_address(0));
	if (p)
		memcpy(p, s, len);
	return p;
}

char *kstrndup(const char *s, size_t max, gfp_t gfp)
{
	size_t len = 0;
	char *p;

	if (!s)
		return NULL;
	while (len < max && s[len])
		len++;
	p = kmalloc_local(len + 1, gfp,
			  (unsigned long)__builtin_return_address(0));
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/* --- Shrinker ---------------------------------------------------------------- */

static unsigned long slab_pages_in_caches(void)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s;
	unsigned long n = 0;

	slab_lock();
	list_for_each_entry(s, &st->caches, list)
		n += (unsigned long)atomic_load(&s->nr_slabs) << s->order;
	slab_unlock();
	return n;
}

static unsigned long slab_shrink_count(struct shrinker *sh,
				       struct shrink_control *sc)
{
	struct kmm_slab_state *st = slab_st();

	if (!spin_trylock(&st->mutex))
		return 0;
	spin_unlock(&st->mutex);
	return slab_pages_in_caches();
}

static unsigned long slab_shrink_scan(struct shrinker *sh,
				      struct shrink_control *sc)
{
	struct kmm_slab_state *st = slab_st();
	unsigned long before, after;
	struct kmem_cache *s;

	/*
	 * Reclaim can be entered from an allocation made under slab_mutex
	 * (creating a cache): then there is nothing to do here.
	 */
	if (!spin_trylock(&st->mutex))
		return SHRINK_STOP;
	spin_unlock(&st->mutex);
	before = slab_pages_in_caches();
	kmm_rcu_process(false);
	/*
	 * kmem_cache_shrink of each cache.  The list lock is dropped around
	 * each call: shrinking frees pages, which may not nest inside it.
	 * Caches are not destroyed while the shrinker runs (the shrinker is
	 * unregistered first at machine teardown).
	 */
	slab_lock();
	list_for_each_entry(s, &st->caches, list) {
		slab_unlock();
		st->be->shrink(s);
		slab_lock();
	}
	slab_unlock();
	after = slab_pages_in_caches();
	return before > after ? before - after : 0;
}

/* --- Boot ------------------------------------------------------------------- */

void kmem_cache_init(void)
{
	struct kmm_machine *m = M();
	size_t names = (size_t)NR_KMALLOC_TYPES * (KMALLOC_SHIFT_HIGH + 1) *
		       KMALLOC_NAME_LEN;
	struct kmm_slab_state *st;

	if (m->params.slab.off)
		return;
	st = kmm_plat_alloc(sizeof(*st) + names);
	if (!st)
		panic("kmem_cache_init: out of host memory\n");
	memset(st, 0, sizeof(*st) + names);
	spin_lock_init(&st->mutex);
	INIT_LIST_HEAD(&st->caches);
	INIT_LIST_HEAD(&st->orphans);
	st->be = &kmm_slub_backend;
	if (m->params.slab.use_slab)
		st->be = &kmm_slab_backend;
	if (st->be->kfree)
		m->kfree_fn = st->be->kfree;
	m->slab = st;
	slab_set_state(DOWN);
	rcu_init();
	if (st->be->init())
		panic("kmem_cache_init: %s bootstrap failed\n", st->be->name);
	m->slab_is_available = true;
}

void kmem_cache_init_late(void)
{
	struct kmm_slab_state *st = slab_st();

	if (!st)
		return;
	if (st->be->init_late)
		st->be->init_late();
	if (st->state < FULL)
		slab_set_state(FULL);
	st->shrinker = shrinker_alloc(0, "slab");
	if (st->shrinker) {
		st->shrinker->count_objects = slab_shrink_count;
		st->shrinker->scan_objects = slab_shrink_scan;
		shrinker_register(st->shrinker);
	}
}

void kmm_slab_destroy(struct kmm_machine *m)
{
	struct kmm_slab_state *st = m->slab;
	struct kmem_cache *s;

	if (!st)
		return;
	/* Nothing reaches the backend's fast paths once its state goes. */
	m->kmalloc_fn = kmalloc_general;
	m->kfree_fn = kfree_lookup;
	if (st->shrinker)
		shrinker_free(st->shrinker);
	/* The names are host memory; the rest goes with the machine's RAM. */
	list_for_each_entry(s, &st->caches, list)
		slab_free_name(s);
	list_for_each_entry(s, &st->orphans, list)
		slab_free_name(s);
	if (st->be->destroy_machine)
		st->be->destroy_machine();
	rcu_destroy(m);
	m->slab = NULL;
	kmm_plat_free(st);
}

void kmm_slab_tick(struct kmm_machine *m)
{
	struct kmm_machine *prev;
	struct kmm_slab_state *st;
	struct kmem_cache *s;

	if (!m || !m->slab)
		return;
	prev = kmm_machine_switch(m);
	st = m->slab;
	kmm_rcu_process(false);
	if (st->be->tick) {
		slab_lock();
		list_for_each_entry(s, &st->caches, list) {
			slab_unlock();
			st->be->tick(s);
			slab_lock();
		}
		slab_unlock();
	}
	kmm_machine_switch(prev);
}

long kmm_slab_validate(struct kmm_machine *m)
{
	struct kmm_machine *prev;
	struct kmm_slab_state *st;
	struct kmem_cache *s;
	long problems = 0;

	if (!m || !m->slab)
		return 0;
	prev = kmm_machine_switch(m);
	st = m->slab;
	slab_lock();
	list_for_each_entry(s, &st->caches, list)
		problems += st->be->validate(s);
	slab_unlock();
	kmm_machine_switch(prev);
	return problems;
}

/* --- /proc/slabinfo ----------------------------------------------------------- */

static void slabinfo_show(const struct kmm_sink *out)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s;

	kmm_sink_printf(out, "slabinfo - version: 2.1\n");
	kmm_sink_printf(out, "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>");
	kmm_sink_printf(out, " : tunables <limit> <batchcount> <sharedfactor>");
	kmm_sink_printf(out, " : slabdata <active_slabs> <num_slabs> <sharedavail>");
	kmm_sink_printf(out, "\n");
	slab_lock();
	list_for_each_entry(s, &st->caches, list) {
		struct slabinfo si;

		memset(&si, 0, sizeof(si));
		st->be->get_info(s, &si);
		kmm_sink_printf(out, "%-17s %6lu %6lu %6u %4u %4d",
				s->name, si.active_objs, si.num_objs, s->size,
				si.objects_per_slab, 1 << si.cache_order);
		kmm_sink_printf(out, " : tunables %4u %4u %4u", si.limit,
				si.batchcount, si.shared);
		kmm_sink_printf(out, " : slabdata %6lu %6lu %6lu",
				si.active_slabs, si.num_slabs, si.shared_avail);
		kmm_sink_printf(out, "\n");
	}
	slab_unlock();
}

static void slabinfo_details(const struct kmm_sink *out)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s;

	kmm_sink_printf(out, "%s: %s, slab_state %d\n", "kmm slab",
			st->be->name, st->state);
	slab_lock();
	list_for_each_entry(s, &st->caches, list) {
		kmm_sink_printf(out, "\n%s: object_size %u size %u align %u flags %#x refcount %d\n",
				s->name, s->object_size, s->size, s->align,
				s->flags, s->refcount);
		st->be->show_details(s, out);
	}
	slab_unlock();
}

int kmm_slab_report(struct kmm_machine *m, const char *name,
		    const struct kmm_sink *out)
{
	if (!kmm_strcmp(name, "slabinfo")) {
		if (!m->slab)
			return -EINVAL;
		slabinfo_show(out);
		return 0;
	}
	if (!kmm_strcmp(name, "slabinfo-v")) {
		if (!m->slab)
			return -EINVAL;
		slabinfo_details(out);
		return 0;
	}
	return -ENOENT;
}
