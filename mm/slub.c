// SPDX-License-Identifier: MIT
/*
 * mm/slub.c - SLUB, the default slab allocator, as Linux 6.12 runs it.
 *
 * What.  Objects of one size are cut from slabs (runs of 2^order pages).
 * Each CPU allocates from its own slab through a lockless freelist; a slab
 * that runs dry is swapped for one from the CPU's partial list, the node's
 * partial list, or a new one from the page allocator.  Frees to the CPU's
 * own slab go on the CPU freelist; other frees go on the slab's freelist
 * with one double-word compare-and-swap.
 *
 * Data structures (kmem_cache_priv()):
 *	cpu_slab[cpu]	freelist + tid (one 16-byte word), the CPU slab, the
 *			chain of per-CPU partial slabs, a lock
 *	node[nid]	kmem_cache_node: list_lock, the partial list
 *			(nr_partial), nr_slabs/total_objects, and the full
 *			list kept only with SLAB_STORE_USER
 *	oo, min		order and objects per slab (and the fallback)
 *	offset		where the free pointer sits in a free object
 *	inuse, red_left_pad, random (freelist hardening), random_seq
 * A slab (struct slab over its head page) holds freelist and counters
 * (inuse:16, objects:15, frozen:1) in one aligned double word.
 *
 * Invariants.  A slab is in exactly one of: a CPU slab (frozen), a per-CPU
 * partial chain, a node partial list (flag PG_workingset, as 6.12's
 * slab_test_node_partial), the full list (STORE_USER only) or nowhere (full
 * or being freed).  inuse counts objects not on slab->freelist; objects on
 * a CPU freelist count as in use.  tid advances by TID_STEP on every
 * change of a CPU freelist, so a compare-and-swap that raced fails.
 *
 * Algorithms.  slab_alloc_node/__slab_alloc/___slab_alloc, do_slab_free/
 * __slab_free, get_partial_node, put_cpu_partial, deactivate_slab,
 * calculate_order/calc_slab_order (6.7+ form), calculate_sizes (free
 * pointer in the middle of the object, or after it for RCU, poison, ctor
 * and small red-zoned objects), set_min_partial, set_cpu_partial, the
 * freelist pointer hardening (ptr ^ random ^ swab(address)) and freelist
 * randomisation, all as in 6.12.  Caches with debug flags never use a CPU
 * slab: each object goes through the node list under list_lock
 * (alloc_single_from_partial / free_to_partial_list), as in 6.12.
 * kmem_cache_free_bulk builds 6.12's detached freelists (one do_slab_free
 * per run of one slab's objects), linking only objects it has checked.
 *
 * Fast paths.  slab_common calls the cache's cache_alloc/cache_free for
 * kmem_cache_alloc, kmem_cache_free and kmalloc on the local node: one
 * function each (slub_cache_alloc_* and slub_cache_free_*, a copy for
 * each setting of the freelist hardening, chosen by slub_set_fast_paths,
 * which leaves machines with init_on_alloc or init_on_free the general
 * paths), which takes the CPU's section at the first try and works on its
 * freelist, or hands the request over untouched to the general path.
 * kmem_cache_cpu also keeps where its slab's objects lie (slab_base,
 * slab_objects, set with slab by set_cpu_slab), so a free recognises an
 * object of the CPU slab - Linux's slab == c->slab - and checks that it
 * starts an object from the address alone, with one multiplication, one
 * rotation and one compare (slub_object_at: exact division by the object
 * size through its inverse modulo 2^64); any other free looks the page up
 * first.  Invariants of the fast paths, checked by flush_slab: a CPU
 * freelist is never without its slab, and the range matches the slab.
 * kfree: the caches of the kmalloc table (never destroyed) allocate
 * through slub_kmalloc_alloc_*, which also name the cache in the CPU's
 * line of m->cpu_bias (kfree_hint, a relaxed hint); slub_kfree_* first frees
 * the object into that cache's CPU slab when the range says it is one of
 * its objects (under the CPU's lock, as the cache free fast path), and
 * otherwise looks the page up once (slub_kfree_other): another slab of
 * that cache goes straight to the slow free, anything else to kfree_page,
 * Linux's way from the page.  The outcome is the same; the common kfree -
 * of a recent kmalloc of the same size - skips the dependent loads of the
 * lookup.  kmalloc itself, once the kmalloc caches exist, is
 * slub_kmalloc_* (m->kmalloc_fn): size class, cache and CPU freelist in
 * one function, as 6.12's __kmalloc_noprof, for a plain request from a
 * thread that owns its CPU; everything else as before.
 *
 * init_on_free clears an object only once its pointer has been checked
 * (slub_free_slow: it starts an object and is not at the head of this
 * CPU's or the slab's freelist; debug caches: after free_debug_processing,
 * recording the free track again).  Linux clears first.
 *
 * Locking.  Everything a CPU's kmem_cache_cpu holds changes inside that
 * CPU's local_lock (Linux's PREEMPT_RT form of SLUB: plain updates in a
 * section).  The section is kernel/smp.c's: the thread that owns the CPU
 * enters with no locked instruction, as a non-RT Linux task is alone on
 * its CPU; a thread sharing the CPU takes the spinlock; flush_all revokes
 * every CPU and flushes from the calling thread where Linux queues work on
 * each CPU.  Linux without RT swaps (freelist, tid) with an unlocked
 * this_cpu_cmpxchg16b; an owner's plain stores do the same job for less.
 * The node lists take n->list_lock.  Slab freelists change by a locked 16-byte
 * compare-and-swap on (freelist, counters), as in Linux, since frees from
 * any CPU race there.
 *
 * Failure.  A slab that cannot be allocated makes the request fail
 * (slab_out_of_memory prints Linux 6.12.118's "SLUB: Unable to allocate
 * memory on CPU c (of node n) on node N, gfp=..." lines unless
 * __GFP_NOWARN, 10 in 5 seconds as slub_oom_rs allows; the free count of
 * a partial list over 10,000 slabs is sampled at both ends).  Misuse with debug flags set is found
 * and printed as Linux does (BUG <cache> (...): <what>, the object dump,
 * the tracks, FIX lines) and the object is not freed; an interior or
 * foreign pointer and a free of the CPU freelist's head are refused even
 * without debug flags (Linux would corrupt the freelist or BUG).
 *
 * Observability.  "SLUB: HWalign=..." at boot; /proc/slabinfo through
 * slab_common; show_details prints the sysfs attributes slabinfo -v reads;
 * validate walks every slab like /sys/kernel/slab/<cache>/validate.
 *
 * Differences from Linux.  No sysfs, no SLUB_STATS counters, no memcg
 * charging, no KASAN/KFENCE hooks, no stack depot (tracks keep the caller's
 * address only).  The per-CPU structures live in host memory.  The
 * randomness (hardening key, freelist shuffles) comes from a per-machine
 * generator with a fixed seed, so runs repeat.  A track's pid is the CPU
 * id + 1 (kmm has no tasks); its time is the machine's jiffies
 * (kmm/ratelimit.h).
 */
#include <kmm/string.h>
#include <kmm/printk.h>
#include <kmm/show_mem.h>
#include <kmm/page_debug.h>
#include <kmm/page_flags.h>
#include <kmm/numa.h>
#include <kmm/platform.h>
#include "slab.h"

#define M()	kmm_current()

#define MIN_PARTIAL		5
#define MAX_PARTIAL		10
#define MAX_OBJS_PER_PAGE	32767
#define SHRINK_PROMOTE_MAX	32
#define TID_STEP		256		/* roundup_pow_of_two(NR_CPUS) */

#define SLUB_RED_INACTIVE	0xbb
#define SLUB_RED_ACTIVE		0xcc
#define POISON_INUSE		0x5a
#define POISON_FREE		0x6b
#define POISON_END		0xa5

#define GFP_RECLAIM_MASK	(__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | \
				 __GFP_FS | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC | \
				 __GFP_NOMEMALLOC)
#define GFP_CONSTRAINT_MASK	(__GFP_HARDWALL | __GFP_THISNODE)

#define __OBJECT_POISON		SLAB_OBJECT_POISON
#define __CMPXCHG_DOUBLE	SLAB_CMPXCHG_DOUBLE
#define DEBUG_DEFAULT_FLAGS	(SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | \
				 SLAB_POISON | SLAB_STORE_USER)
#define DEBUG_METADATA_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER)
#define SLAB_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER | \
				 SLAB_TRACE | SLAB_CONSISTENCY_CHECKS)

enum track_item { TRACK_ALLOC, TRACK_FREE };

struct track {
	u32 handle;			/* stack depot handle: none in kmm */
	unsigned long addr;
	int cpu;
	int pid;
	unsigned long when;
};

struct kmem_cache_cpu {
	void **freelist;
	unsigned long tid;
	struct slab *slab;
	struct slab *partial;
	struct kmm_pcpu_lock lock;	/* local_lock (kernel/smp.c) */
	/*
	 * kmm: where the objects of slab lie (slab_objects of them, size
	 * bytes apart from the first), so that the free fast path tests
	 * "this CPU's slab" and "the start of an object" from the address
	 * alone (slub_object_at).  Set with slab (set_cpu_slab); 0 objects
	 * without one.
	 */
	u8 *slab_base;
	unsigned long slab_objects;
	/*
	 * kmm: frees of this CPU that took slub_free_slow, the page lookup's
	 * way (not the address-only fast path): another slab's object, a
	 * bad pointer, init_on_free.  A relaxed load and store, no locked
	 * instruction: two threads sharing the CPU may lose a count.
	 * slub_lookup_frees() sums the CPUs.
	 */
	atomic_ulong lookup_frees;
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct kmem_cache_cpu) == 64, "one cache line per CPU");

struct kmem_cache_node {
	spinlock_t list_lock;
	unsigned long nr_partial;
	struct list_head partial;
	atomic_long nr_slabs;
	atomic_long total_objects;
	struct list_head full;
};

struct kmem_cache_order_objects {
	unsigned int x;
};

struct slub_cache {
	struct kmem_cache_cpu *cpu_slab;
	unsigned long min_partial;
	unsigned int offset;
	unsigned int cpu_partial;
	unsigned int cpu_partial_slabs;
	struct kmem_cache_order_objects oo;
	struct kmem_cache_order_objects min;
	unsigned int inuse;
	unsigned int red_left_pad;
	unsigned int reciprocal_size;	/* 2^32 / size, rounded up */
	/*
	 * kmm: size = odd << size_shift, and size_inv * odd == 1 mod 2^64,
	 * the exact division by size of slub_object_at.
	 */
	unsigned int size_shift;
	unsigned long size_inv;
	bool hardened;			/* SLAB_FREELIST_HARDENED */
	unsigned long random;
	unsigned int *random_seq;
	/* nr_node_ids entries (node_array_tail): kmem_cache's size, as Linux. */
	struct kmem_cache_node *node[];
};

/* The backend's per-machine state. */
struct slub_globals {
	slab_flags_t slub_debug;
	char *slub_debug_string;	/* per-cache blocks, or NULL */
	char debug_buf[256];
	bool disable_higher_order_debug;
	unsigned int min_order, max_order, min_objects;
	nodemask_t slab_nodes;
	u64 rng;
	spinlock_t rng_lock;
	spinlock_t object_map_lock;
	unsigned long object_map[(MAX_OBJS_PER_PAGE + 63) / 64];
	struct kmem_cache *boot_cache, *boot_cache_node;
	struct ratelimit_state oom_rs;	/* slab_out_of_memory's (slub_oom_rs) */
};

static inline struct slub_globals *G(void)
{
	return slab_st()->be_state;
}

static inline struct slub_cache *SC(struct kmem_cache *s)
{
	return kmem_cache_priv(s);
}

static inline struct kmem_cache_node *get_node(struct kmem_cache *s, int node)
{
	return SC(s)->node[node];
}

#define for_each_kmem_cache_node(s, nid, n)				\
	for ((nid) = 0; (nid) < M()->nr_node_ids; (nid)++)		\
		if (((n) = get_node(s, nid)) != NULL)

static u64 slub_random(void)
{
	struct slub_globals *g = G();
	u64 z;

	spin_lock(&g->rng_lock);
	z = (g->rng += 0x9e3779b97f4a7c15ULL);
	spin_unlock(&g->rng_lock);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}


/* --- Order and objects ----------------------------------------------------- */

static inline unsigned int order_objects(unsigned int order, unsigned int size)
{
	return (unsigned int)((PAGE_SIZE << order) / size);
}

static inline struct kmem_cache_order_objects oo_make(unsigned int order,
						      unsigned int size)
{
	struct kmem_cache_order_objects x = {
		(order << 16) + order_objects(order, size)
	};

	return x;
}

static inline unsigned int oo_order(struct kmem_cache_order_objects x)
{
	return x.x >> 16;
}

static inline unsigned int oo_objects(struct kmem_cache_order_objects x)
{
	return x.x & 0xffff;
}

static inline bool kmem_cache_debug(struct kmem_cache *s)
{
	return s->flags & SLAB_DEBUG_FLAGS;
}

static inline bool kmem_cache_has_cpu_partial(struct kmem_cache *s)
{
	return !kmem_cache_debug(s);
}

static inline bool slub_debug_orig_size(struct kmem_cache *s)
{
	return (s->flags & SLAB_STORE_USER) && (s->flags & SLAB_KMALLOC);
}

static inline void *fixup_red_left(struct kmem_cache *s, void *p)
{
	if (s->flags & SLAB_RED_ZONE)
		p = (u8 *)p + SC(s)->red_left_pad;
	return p;
}

/* --- Free pointers ---------------------------------------------------------- */

static inline unsigned long swab_ul(unsigned long x)
{
	return __builtin_bswap64(x);
}

static inline void *freelist_ptr_decode(struct kmem_cache *s,
					unsigned long v, unsigned long addr)
{
	if (SC(s)->hardened)
		v ^= SC(s)->random ^ swab_ul(addr);
	return (void *)v;
}

static inline unsigned long freelist_ptr_encode(struct kmem_cache *s,
						void *ptr, unsigned long addr)
{
	unsigned long v = (unsigned long)ptr;

	if (SC(s)->hardened)
		v ^= SC(s)->random ^ swab_ul(addr);
	return v;
}

static inline void *get_freepointer(struct kmem_cache *s, void *object)
{
	unsigned long addr = (unsigned long)object + SC(s)->offset;

	return freelist_ptr_decode(s, *(unsigned long *)addr, addr);
}

static inline void set_freepointer(struct kmem_cache *s, void *object,
				   void *fp)
{
	unsigned long addr = (unsigned long)object + SC(s)->offset;

	*(unsigned long *)addr = freelist_ptr_encode(s, fp, addr);
}

/*
 * The fast paths' free pointers: @hardened is SC(s)->hardened, a constant
 * in the copies of the fast paths made for each setting.
 */
static inline __attribute__((always_inline)) void *
get_freepointer_fast(struct kmem_cache *s, void *object, bool hardened)
{
	unsigned long addr = (unsigned long)object + SC(s)->offset;
	unsigned long v = *(unsigned long *)addr;

	if (hardened)
		v ^= SC(s)->random ^ swab_ul(addr);
	return (void *)v;
}

static inline __attribute__((always_inline)) void
set_freepointer_fast(struct kmem_cache *s, void *object, void *fp,
		     bool hardened)
{
	unsigned long addr = (unsigned long)object + SC(s)->offset;
	unsigned long v = (unsigned long)fp;

	if (hardened)
		v ^= SC(s)->random ^ swab_ul(addr);
	*(unsigned long *)addr = v;
}

static inline bool freeptr_outside_object(struct kmem_cache *s)
{
	return SC(s)->offset >= SC(s)->inuse;
}

static inline unsigned int get_info_end(struct kmem_cache *s)
{
	if (freeptr_outside_object(s))
		return SC(s)->inuse + sizeof(void *);
	return SC(s)->inuse;
}

#define for_each_object(p, s, addr, objects)				\
	for (p = fixup_red_left(s, addr);				\
	     (u8 *)p < (u8 *)(addr) + (objects) * (s)->size;		\
	     p = (u8 *)p + (s)->size)

/* The index of the object at byte @off of its slab (or below it). */
static inline unsigned int offset_to_index(struct kmem_cache *s,
					  unsigned long off)
{
	return (unsigned int)(((u64)(u32)off * SC(s)->reciprocal_size) >> 32);
}

static inline unsigned int obj_to_index(struct kmem_cache *s, void *addr,
					void *obj)
{
	return offset_to_index(s, (unsigned long)((u8 *)obj - (u8 *)addr));
}

/*
 * size_inv and size_shift for objects of @size bytes: size is odd << shift,
 * and the inverse of odd modulo 2^64 comes from Newton's iteration (each
 * step doubles the correct low bits; odd * odd == 1 mod 8 to start with).
 */
static void slub_set_size_inv(struct slub_cache *sc, unsigned int size)
{
	unsigned int shift = (unsigned int)__builtin_ctz(size);
	unsigned long odd = size >> shift, inv = odd;

	for (int i = 0; i < 5; i++)
		inv *= 2 - odd * inv;
	sc->size_shift = shift;
	sc->size_inv = inv;
}

/*
 * @x starts one of the objects of the CPU slab of @c: its offset from the
 * first is i * size with i < slab_objects.  For off = x - slab_base (any
 * 64-bit value, so a pointer below the slab too), rotating off * size_inv
 * right by size_shift gives i exactly when size divides off, and a value
 * above (2^64 - 1) / size - so above any object count - when it does not
 * (the exact-division test of Granlund and Montgomery): one compare
 * checks the range and the object boundary together.
 */
static inline __attribute__((always_inline)) bool
slub_object_at(struct kmem_cache *s, struct kmem_cache_cpu *c, void *x)
{
	unsigned long q = ((uintptr_t)x - (uintptr_t)c->slab_base) *
			  SC(s)->size_inv;
	unsigned int k = SC(s)->size_shift;

	q = (q >> k) | (q << ((64 - k) & 63));
	return q < c->slab_objects;
}

/* --- Double-word updates ------------------------------------------------------ */

static inline bool cmpxchg16(unsigned __int128 *p, unsigned __int128 old,
			     unsigned __int128 new)
{
	return __sync_bool_compare_and_swap(p, old, new);
}

static inline unsigned __int128 pair(void *lo, unsigned long hi)
{
	return (unsigned __int128)(unsigned long)lo |
	       ((unsigned __int128)hi << 64);
}

static inline void *read_slab_freelist(struct slab *slab)
{
	return __atomic_load_n(&slab->freelist, __ATOMIC_RELAXED);
}

static inline unsigned long read_slab_counters(struct slab *slab)
{
	return __atomic_load_n(&slab->counters, __ATOMIC_RELAXED);
}

/*
 * The counters word taken apart and put together in registers: inuse in
 * bits 0-15, objects in 16-30, frozen in bit 31 (GCC's and clang's
 * bit-field order on x86-64; slub_init checks it).  Linux writes the
 * bit-fields of a struct slab copy and reads its counters back; compiled
 * here that put the copy on the stack, and reading the word over a
 * 16-bit store defeats store forwarding - the wait was a third of a
 * remote free's time.
 */
#define SLAB_COUNTERS_INUSE	0xffffUL
#define SLAB_COUNTERS_FROZEN	(1UL << 31)

static inline unsigned int counters_inuse(unsigned long counters)
{
	return (unsigned int)(counters & SLAB_COUNTERS_INUSE);
}

static inline bool counters_frozen(unsigned long counters)
{
	return counters & SLAB_COUNTERS_FROZEN;
}

static inline unsigned long counters_with(unsigned long counters,
					  unsigned int inuse, bool frozen)
{
	counters &= ~(SLAB_COUNTERS_INUSE | SLAB_COUNTERS_FROZEN);
	return counters | (inuse & SLAB_COUNTERS_INUSE) |
	       (frozen ? SLAB_COUNTERS_FROZEN : 0);
}

/* The layout counters_* assume; false if the compiler laid it out otherwise. */
static bool slab_counters_layout_ok(void)
{
	struct slab t;

	t.counters = 0;
	t.inuse = 0x1234;
	t.objects = 0x5678 & 0x7fff;
	t.frozen = 1;
	return t.counters == (0x1234UL | (0x5678UL & 0x7fff) << 16 |
			      SLAB_COUNTERS_FROZEN);
}

static inline bool slab_update_freelist(struct kmem_cache *s,
					struct slab *slab,
					void *freelist_old,
					unsigned long counters_old,
					void *freelist_new,
					unsigned long counters_new)
{
	return cmpxchg16(&slab->freelist_counter,
			 pair(freelist_old, counters_old),
			 pair(freelist_new, counters_new));
}

static inline unsigned long next_tid(unsigned long tid)
{
	return tid + TID_STEP;
}

/* c->slab = @slab (NULL or a slab of @s), with the range of its objects. */
static inline void set_cpu_slab(struct kmem_cache *s, struct kmem_cache_cpu *c,
				struct slab *slab)
{
	c->slab = slab;
	c->slab_base = slab ? slab_address_m(s->machine, slab) : NULL;
	c->slab_objects = slab ? slab->objects : 0;
}

static inline struct kmem_cache_cpu *this_cpu_slab(struct kmem_cache *s)
{
	return &SC(s)->cpu_slab[kmm_cpu_of(s->machine)];
}

/*
 * local_lock on the calling thread's own kmem_cache_cpu @c (kernel/smp.c):
 * 1 entered as the CPU's owner, 0 with the spinlock; the trylock form
 * returns -1 if the spinlock was taken.  Another CPU's structure is
 * taken with kmm_pcpu_lock_remote() between kmm_cpu_revoke*() calls.
 */
static inline int slub_cpu_lock(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	return kmm_pcpu_lock(&s->machine->cpu_bias[c - SC(s)->cpu_slab],
			     &c->lock);
}

static inline void slub_cpu_unlock(struct kmem_cache_cpu *c, int how)
{
	kmm_pcpu_unlock(&c->lock, how);
}

/*
 * For the fast paths: the calling thread's kmem_cache_cpu, entered (*@how
 * as slub_cpu_lock's), or NULL if the thread has no CPU in this machine
 * yet or the spinlock is taken.  this_cpu_slab() and a trylock, without
 * kmm_assign_cpu()'s call.
 */
static inline __attribute__((always_inline)) struct kmem_cache_cpu *
slub_cpu_enter_fast(struct kmem_cache *s, int *how)
{
	struct kmm_machine *m = s->machine;
	struct kmem_cache_cpu *c;
	int cpu;

	if (unlikely(!kmm_runs_on(m)))
		return NULL;
	cpu = kmm_cpu_id;
	c = &SC(s)->cpu_slab[cpu];
	*how = kmm_pcpu_trylock(&m->cpu_bias[cpu], &c->lock);
	return likely(*how >= 0) ? c : NULL;
}

/* --- Debug ----------------------------------------------------------------------- */

static struct track *get_track(struct kmem_cache *s, void *object,
			       enum track_item alloc)
{
	struct track *p = (struct track *)((u8 *)object + get_info_end(s));

	return p + alloc;
}

static void set_track(struct kmem_cache *s, void *object,
		      enum track_item alloc, unsigned long addr)
{
	struct track *p = get_track(s, object, alloc);
	int cpu = slab_cpu();

	p->handle = 0;
	p->addr = addr;
	p->cpu = cpu;
	p->pid = cpu + 1;
	p->when = kmm_jiffies();
}

static void init_tracking(struct kmem_cache *s, void *object)
{
	if (!(s->flags & SLAB_STORE_USER))
		return;
	memset(get_track(s, object, TRACK_ALLOC), 0, 2 * sizeof(struct track));
}

static void print_track(const char *what, struct track *t,
			unsigned long pr_time)
{
	if (!t->addr)
		return;
	pr_err("%s in %pS age=%lu cpu=%u pid=%d\n", what, (void *)t->addr,
	       pr_time - t->when, t->cpu, t->pid);
	pr_err("object allocation/free stack trace missing\n");
}

static void print_tracking(struct kmem_cache *s, void *object)
{
	unsigned long pr_time = kmm_jiffies();

	if (!(s->flags & SLAB_STORE_USER))
		return;
	print_track("Allocated", get_track(s, object, TRACK_ALLOC), pr_time);
	print_track("Freed", get_track(s, object, TRACK_FREE), pr_time);
}

static void print_section(const char *level, const char *text, u8 *addr,
			  unsigned int length)
{
	print_hex_dump(level, text, DUMP_PREFIX_ADDRESS, 16, 1, addr, length,
		       true);
}

static void print_slab_info(const struct slab *slab)
{
	char flags[160];

	kmm_format_page_flags(slab->__page_flags, flags, sizeof(flags));
	pr_err("Slab 0x%px objects=%u used=%u fp=0x%px flags=%s\n",
	       KA(slab), slab->objects, slab->inuse, KA(slab->freelist),
	       flags);
}

static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
	__printf(2, 3);
static void slab_bug(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[256], taint[48];
	va_list args;

	va_start(args, fmt);
	vsnprintf_k(buf, sizeof(buf), fmt, args);
	va_end(args);
	pr_err("=============================================================================\n");
	pr_err("BUG %s (%s): %s\n", s ? s->name : "<unknown>",
	       print_tainted(taint, sizeof(taint)), buf);
	pr_err("-----------------------------------------------------------------------------\n\n");
	slab_count_error();
}

static void slab_fix(struct kmem_cache *s, const char *fmt, ...)
	__printf(2, 3);
static void slab_fix(struct kmem_cache *s, const char *fmt, ...)
{
	char buf[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf_k(buf, sizeof(buf), fmt, args);
	va_end(args);
	pr_err("FIX %s: %s\n", s->name, buf);
}

static inline unsigned int size_from_object(struct kmem_cache *s)
{
	if (s->flags & SLAB_RED_ZONE)
		return s->size - SC(s)->red_left_pad;
	return s->size;
}

static inline void *restore_red_left(struct kmem_cache *s, void *p)
{
	if (s->flags & SLAB_RED_ZONE)
		p = (u8 *)p - SC(s)->red_left_pad;
	return p;
}

static inline int check_valid_pointer(struct kmem_cache *s, struct slab *slab,
				      void *object)
{
	u8 *base, *o;

	if (!object)
		return 1;
	base = slab_address(slab);
	o = restore_red_left(s, object);
	if (o < base || o >= base + slab->objects * s->size ||
	    (unsigned long)(o - base) % s->size)
		return 0;
	return 1;
}

static void print_trailer(struct kmem_cache *s, struct slab *slab, u8 *p)
{
	u8 *addr = slab_address(slab);
	unsigned int off;

	print_tracking(s, p);
	print_slab_info(slab);
	pr_err("Object 0x%px @offset=%lu fp=0x%px\n\n", KA(p),
	       (unsigned long)(p - addr), KA(get_freepointer(s, p)));
	if (s->flags & SLAB_RED_ZONE)
		print_section(KERN_ERR, "Redzone  ", p - SC(s)->red_left_pad,
			      SC(s)->red_left_pad);
	else if (p > addr + 16)
		print_section(KERN_ERR, "Bytes b4 ", p - 16, 16);
	print_section(KERN_ERR, "Object   ", p,
		      min_t(unsigned int, s->object_size, PAGE_SIZE));
	if (s->flags & SLAB_RED_ZONE)
		print_section(KERN_ERR, "Redzone  ", p + s->object_size,
			      SC(s)->inuse - s->object_size);
	off = get_info_end(s);
	if (s->flags & SLAB_STORE_USER)
		off += 2 * sizeof(struct track);
	if (slub_debug_orig_size(s))
		off += sizeof(unsigned long);
	if (off != size_from_object(s))
		print_section(KERN_ERR, "Padding  ", p + off,
			      size_from_object(s) - off);
}

static void object_err(struct kmem_cache *s, struct slab *slab, u8 *object,
		       const char *reason)
{
	slab_bug(s, "%s", reason);
	if (!object || !check_valid_pointer(s, slab, object)) {
		print_slab_info(slab);
		pr_err("Invalid pointer 0x%px\n", KA(object));
	} else {
		print_trailer(s, slab, object);
	}
	slab_taint_bad_page();
	WARN_ON(1);
}

static void slab_err(struct kmem_cache *s, struct slab *slab,
		     const char *fmt, ...) __printf(3, 4);
static __attribute__((noinline)) void slab_err(struct kmem_cache *s, struct slab *slab,
		     const char *fmt, ...)
{
	char buf[256];
	va_list args;

	va_start(args, fmt);
	vsnprintf_k(buf, sizeof(buf), fmt, args);
	va_end(args);
	slab_bug(s, "%s", buf);
	print_slab_info(slab);		/* __slab_err() */
	slab_taint_bad_page();
	WARN_ON(1);
}

static bool freelist_corrupted(struct kmem_cache *s, struct slab *slab,
			       void **freelist, void *nextfree)
{
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) &&
	    !check_valid_pointer(s, slab, nextfree) && freelist) {
		object_err(s, slab, *freelist, "Freechain corrupt");
		*freelist = NULL;
		slab_fix(s, "Isolate corrupted freechain");
		return true;
	}
	return false;
}

static inline unsigned long get_orig_size(struct kmem_cache *s, void *object)
{
	if (!slub_debug_orig_size(s))
		return s->object_size;
	return *(unsigned long *)((u8 *)object + get_info_end(s) +
				  2 * sizeof(struct track));
}

static inline void set_orig_size(struct kmem_cache *s, void *object,
				 unsigned long orig_size)
{
	if (!slub_debug_orig_size(s))
		return;
	*(unsigned long *)((u8 *)object + get_info_end(s) +
			   2 * sizeof(struct track)) = orig_size;
}

static void init_object(struct kmem_cache *s, void *object, u8 val)
{
	u8 *p = object;
	unsigned int poison_size = s->object_size;

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - SC(s)->red_left_pad, val, SC(s)->red_left_pad);
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE)
			poison_size = (unsigned int)get_orig_size(s, object);
	}
	if (s->flags & __OBJECT_POISON) {
		memset(p, POISON_FREE, poison_size - 1);
		p[poison_size - 1] = POISON_END;
	}
	if (s->flags & SLAB_RED_ZONE)
		memset(p + poison_size, val, SC(s)->inuse - poison_size);
}

static u8 *memchr_inv(u8 *start, u8 c, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		if (start[i] != c)
			return start + i;
	return NULL;
}

static int check_bytes_and_report(struct kmem_cache *s, struct slab *slab,
				  u8 *object, const char *what, u8 *start,
				  unsigned int value, unsigned int bytes,
				  bool slab_obj_print)
{
	u8 *addr = slab_address(slab);
	u8 *fault = memchr_inv(start, (u8)value, bytes);
	u8 *end;

	if (!fault)
		return 1;
	end = start + bytes;
	while (end > fault && end[-1] == value)
		end--;
	pr_err("[%s overwritten] 0x%px-0x%px @offset=%lu. First byte 0x%x instead of 0x%x\n",
	       what, KA(fault), KA(end - 1),
	       (unsigned long)(fault - addr), fault[0], value);
	if (slab_obj_print)
		object_err(s, slab, object, "Object corrupt");
	slab_fix(s, "Restoring %s 0x%px-0x%px=0x%x", what, KA(fault),
		 KA(end - 1), value);
	memset(fault, (int)value, (size_t)(end - fault));
	return 0;
}

static int check_pad_bytes(struct kmem_cache *s, struct slab *slab, u8 *p)
{
	unsigned int off = get_info_end(s);

	if (s->flags & SLAB_STORE_USER) {
		off += 2 * sizeof(struct track);
		if (s->flags & SLAB_KMALLOC)
			off += sizeof(unsigned long);
	}
	if (size_from_object(s) == off)
		return 1;
	return check_bytes_and_report(s, slab, p, "Object padding", p + off,
				      POISON_INUSE, size_from_object(s) - off,
				      true);
}

static void slab_pad_check(struct kmem_cache *s, struct slab *slab)
{
	u8 *start, *fault, *end, *pad;
	unsigned long length, remainder;

	if (!(s->flags & SLAB_POISON))
		return;
	start = slab_address(slab);
	length = PAGE_SIZE << slab_order(slab);
	end = start + length;
	remainder = length % s->size;
	if (!remainder)
		return;
	pad = end - remainder;
	fault = memchr_inv(pad, POISON_INUSE, (unsigned int)remainder);
	if (!fault)
		return;
	while (end > fault && end[-1] == POISON_INUSE)
		end--;
	slab_bug(s, "Padding overwritten. 0x%px-0x%px @offset=%lu",
		 KA(fault), KA(end - 1), (unsigned long)(fault - start));
	print_section(KERN_ERR, "Padding ", pad, (unsigned int)remainder);
	print_slab_info(slab);		/* __slab_err() */
	slab_taint_bad_page();
	WARN_ON(1);
	slab_fix(s, "Restoring %s 0x%px-0x%px=0x%x", "slab padding",
		 KA(fault), KA(end - 1), POISON_INUSE);
	memset(fault, POISON_INUSE, (size_t)(end - fault));
}

static int check_object(struct kmem_cache *s, struct slab *slab, void *object,
			u8 val)
{
	u8 *p = object;
	u8 *endobject = p + s->object_size;
	int ret = 1;

	if (s->flags & SLAB_RED_ZONE) {
		if (!check_bytes_and_report(s, slab, object, "Left Redzone",
					    p - SC(s)->red_left_pad, val,
					    SC(s)->red_left_pad, ret))
			ret = 0;
		if (!check_bytes_and_report(s, slab, object, "Right Redzone",
					    endobject, val,
					    SC(s)->inuse - s->object_size, ret))
			ret = 0;
		if (slub_debug_orig_size(s) && val == SLUB_RED_ACTIVE) {
			unsigned long orig = get_orig_size(s, object);

			if (s->object_size > orig &&
			    !check_bytes_and_report(s, slab, object,
						    "kmalloc Redzone", p + orig,
						    val,
						    (unsigned int)(s->object_size - orig),
						    ret))
				ret = 0;
		}
	} else if ((s->flags & SLAB_POISON) && s->object_size < SC(s)->inuse) {
		if (!check_bytes_and_report(s, slab, p, "Alignment padding",
					    endobject, POISON_INUSE,
					    SC(s)->inuse - s->object_size, ret))
			ret = 0;
	}
	if (s->flags & SLAB_POISON) {
		if (val != SLUB_RED_ACTIVE && (s->flags & __OBJECT_POISON)) {
			if (s->object_size > 1 &&
			    !check_bytes_and_report(s, slab, p, "Poison", p,
						    POISON_FREE,
						    s->object_size - 1, ret))
				ret = 0;
			if (!check_bytes_and_report(s, slab, p, "End Poison",
						    p + s->object_size - 1,
						    POISON_END, 1, ret))
				ret = 0;
		}
		if (!check_pad_bytes(s, slab, p))
			ret = 0;
	}
	if ((freeptr_outside_object(s) || val != SLUB_RED_ACTIVE) &&
	    !check_valid_pointer(s, slab, get_freepointer(s, p))) {
		object_err(s, slab, p, "Freepointer corrupt");
		set_freepointer(s, p, NULL);
		ret = 0;
	}
	return ret;
}

static int check_slab(struct kmem_cache *s, struct slab *slab)
{
	unsigned int maxobj;

	if (!slab_test(slab)) {
		slab_err(s, slab, "Not a valid slab page");
		return 0;
	}
	maxobj = order_objects(slab_order(slab), s->size);
	if (slab->objects > maxobj) {
		slab_err(s, slab, "objects %u > max %u", slab->objects, maxobj);
		return 0;
	}
	if (slab->inuse > slab->objects) {
		slab_err(s, slab, "inuse %u > max %u", slab->inuse,
			 slab->objects);
		return 0;
	}
	if (slab->frozen) {
		slab_err(s, slab, "Slab disabled since SLUB metadata consistency check failed");
		return 0;
	}
	slab_pad_check(s, slab);
	return 1;
}

/* Is @search on the slab's freelist?  Repairs counts as Linux does. */
static int on_freelist(struct kmem_cache *s, struct slab *slab, void *search)
{
	unsigned int nr = 0, max_objects;
	void *fp = slab->freelist, *object = NULL;

	while (fp && nr <= slab->objects) {
		if (fp == search)
			return 1;
		if (!check_valid_pointer(s, slab, fp)) {
			if (object) {
				object_err(s, slab, object, "Freechain corrupt");
				set_freepointer(s, object, NULL);
			} else {
				slab_err(s, slab, "Freepointer corrupt");
				slab->freelist = NULL;
				slab->inuse = slab->objects;
				slab_fix(s, "Freelist cleared");
				return 0;
			}
			break;
		}
		object = fp;
		fp = get_freepointer(s, object);
		nr++;
	}
	max_objects = order_objects(slab_order(slab), s->size);
	if (max_objects > MAX_OBJS_PER_PAGE)
		max_objects = MAX_OBJS_PER_PAGE;
	if (slab->objects != max_objects) {
		slab_err(s, slab, "Wrong number of objects. Found %d but should be %d",
			 slab->objects, max_objects);
		slab->objects = max_objects;
		slab_fix(s, "Number of objects adjusted");
	}
	if (slab->inuse != slab->objects - nr) {
		slab_err(s, slab, "Wrong object count. Counter is %d but counted were %d",
			 slab->inuse, slab->objects - nr);
		slab->inuse = slab->objects - nr;
		slab_fix(s, "Object count adjusted");
	}
	return search == NULL;
}

static void trace(struct kmem_cache *s, struct slab *slab, void *object,
		  int alloc)
{
	if (!(s->flags & SLAB_TRACE))
		return;
	pr_info("TRACE %s %s 0x%px inuse=%d fp=0x%px\n", s->name,
		alloc ? "alloc" : "free", KA(object), slab->inuse,
		KA(slab->freelist));
	if (!alloc)
		print_section(KERN_INFO, "Object ", object, s->object_size);
}

static void add_full(struct kmem_cache *s, struct kmem_cache_node *n,
		     struct slab *slab)
{
	if (s->flags & SLAB_STORE_USER)
		list_add(&slab->slab_list, &n->full);
}

static void remove_full(struct kmem_cache *s, struct kmem_cache_node *n,
			struct slab *slab)
{
	if (s->flags & SLAB_STORE_USER)
		list_del(&slab->slab_list);
}

static void setup_object_debug(struct kmem_cache *s, void *object)
{
	if (!(s->flags & (SLAB_STORE_USER | SLAB_RED_ZONE | __OBJECT_POISON)))
		return;
	init_object(s, object, SLUB_RED_INACTIVE);
	init_tracking(s, object);
}

static void setup_slab_debug(struct kmem_cache *s, struct slab *slab,
			     void *addr)
{
	if (!(s->flags & SLAB_POISON))
		return;
	memset(addr, POISON_INUSE, PAGE_SIZE << slab_order(slab));
}

static bool alloc_debug_processing(struct kmem_cache *s, struct slab *slab,
				   void *object, unsigned long orig_size)
{
	if (s->flags & SLAB_CONSISTENCY_CHECKS) {
		if (!check_slab(s, slab))
			goto bad;
		if (!check_valid_pointer(s, slab, object)) {
			object_err(s, slab, object, "Freelist Pointer check fails");
			goto bad;
		}
		if (!check_object(s, slab, object, SLUB_RED_INACTIVE))
			goto bad;
	}
	trace(s, slab, object, 1);
	set_orig_size(s, object, orig_size);
	init_object(s, object, SLUB_RED_ACTIVE);
	return true;
bad:
	/* Linux marks every object used so the damaged slab is never used. */
	slab_fix(s, "Marking all objects used");
	slab->inuse = slab->objects;
	slab->freelist = NULL;
	slab->frozen = 1;	/* check_slab refuses it from now on */
	return false;
}

static int free_consistency_checks(struct kmem_cache *s, struct slab *slab,
				   void *object)
{
	if (!check_valid_pointer(s, slab, object)) {
		slab_err(s, slab, "Invalid object pointer 0x%px", KA(object));
		return 0;
	}
	if (on_freelist(s, slab, object)) {
		object_err(s, slab, object, "Object already free");
		return 0;
	}
	if (!check_object(s, slab, object, SLUB_RED_ACTIVE))
		return 0;
	if (s != slab->slab_cache) {
		object_err(s, slab, object, "page slab pointer corrupt.");
		return 0;
	}
	return 1;
}

static bool free_debug_processing(struct kmem_cache *s, struct slab *slab,
				  void *head, void *tail, int *bulk_cnt,
				  unsigned long addr)
{
	bool checks_ok = false;
	void *object = head;
	int cnt = 0;

	if ((s->flags & SLAB_CONSISTENCY_CHECKS) && !check_slab(s, slab))
		goto out;
	if (slab->inuse < (unsigned int)*bulk_cnt) {
		slab_err(s, slab, "Slab has %d allocated objects but %d are to be freed\n",
			 slab->inuse, *bulk_cnt);
		goto out;
	}
next_object:
	if (++cnt > *bulk_cnt)
		goto out_cnt;
	if ((s->flags & SLAB_CONSISTENCY_CHECKS) &&
	    !free_consistency_checks(s, slab, object))
		goto out;
	if (s->flags & SLAB_STORE_USER)
		set_track(s, object, TRACK_FREE, addr);
	trace(s, slab, object, 0);
	init_object(s, object, SLUB_RED_INACTIVE);
	if (object != tail) {
		object = get_freepointer(s, object);
		goto next_object;
	}
	checks_ok = true;
out_cnt:
	if (cnt != *bulk_cnt) {
		slab_err(s, slab, "Bulk free expected %d objects but found %d\n",
			 *bulk_cnt, cnt);
		*bulk_cnt = cnt;
	}
out:
	if (!checks_ok)
		slab_fix(s, "Object at 0x%px not freed", KA(object));
	return checks_ok;
}

/* --- slub_debug= ---------------------------------------------------------------- */

static char *parse_slub_debug_flags(char *str, slab_flags_t *flags,
				    char **slabs, bool init)
{
	bool higher_order_disable = false;

	while (*str && *str == ';')
		str++;
	if (*str == ',') {
		*flags = DEBUG_DEFAULT_FLAGS;
		goto check_slabs;
	}
	*flags = 0;
	for (; *str && *str != ',' && *str != ';'; str++) {
		switch (*str | 0x20) {
		case '-':
			*flags = 0;
			break;
		case 'f':
			*flags |= SLAB_CONSISTENCY_CHECKS;
			break;
		case 'z':
			*flags |= SLAB_RED_ZONE;
			break;
		case 'p':
			*flags |= SLAB_POISON;
			break;
		case 'u':
			*flags |= SLAB_STORE_USER;
			break;
		case 't':
			*flags |= SLAB_TRACE;
			break;
		case 'a':
			*flags |= SLAB_FAILSLAB;
			break;
		case 'o':
			higher_order_disable = true;
			break;
		default:
			if (init)
				pr_err("slab_debug option '%c' unknown. skipped\n",
				       *str);
		}
	}
check_slabs:
	if (*str == ',')
		*slabs = ++str;
	else
		*slabs = NULL;
	while (*str && *str != ';')
		str++;
	while (*str && *str == ';')
		str++;
	if (init && higher_order_disable)
		G()->disable_higher_order_debug = true;
	return *str ? str : NULL;
}

static void setup_slub_debug(void)
{
	struct kmm_machine *m = M();
	struct slub_globals *g = G();
	slab_flags_t flags, global_flags = DEBUG_DEFAULT_FLAGS;
	bool changed = false, listed = false;
	char *str, *list;

	if (!m->params.slab.debug_set)
		return;
	kmm_strlcpy(g->debug_buf, m->params.slab.debug, sizeof(g->debug_buf));
	str = g->debug_buf;
	if (*str) {
		char *saved = str;

		while (str) {
			str = parse_slub_debug_flags(str, &flags, &list, true);
			if (!list) {
				global_flags = flags;
				changed = true;
			} else {
				listed = true;
			}
		}
		if (listed) {
			if (!changed)
				global_flags = 0;
			g->slub_debug_string = saved;
		}
	}
	g->slub_debug = global_flags;
	if ((m->init_on_alloc || m->init_on_free) &&
	    (g->slub_debug & SLAB_POISON))
		pr_info("mem auto-init: SLAB_POISON will take precedence over init_on_alloc/init_on_free\n");
}

static const char *kmm_strchrnul(const char *s, int c)
{
	while (*s && *s != c)
		s++;
	return s;
}

static slab_flags_t kmem_cache_flags(const char *name, slab_flags_t flags)
{
	struct slub_globals *g = G();
	slab_flags_t local = g->slub_debug, block_flags;
	size_t len;
	char *iter, *next_block;

	if (flags & SLAB_NO_USER_FLAGS)
		return flags;
	if (flags & SLAB_NOLEAKTRACE)
		local &= ~SLAB_STORE_USER;
	len = kmm_strlen(name);
	next_block = g->slub_debug_string;
	while (next_block) {
		next_block = parse_slub_debug_flags(next_block, &block_flags,
						    &iter, false);
		if (!iter)
			continue;
		while (*iter) {
			const char *end = kmm_strchrnul(iter, ',');
			const char *glob = NULL;
			size_t cmplen;

			if (next_block && next_block < end)
				end = next_block - 1;
			for (const char *q = iter; q < end; q++)
				if (*q == '*') {
					glob = q;
					break;
				}
			if (glob)
				cmplen = (size_t)(glob - iter);
			else
				cmplen = max_t(size_t, len, (size_t)(end - iter));
			if (!kmm_strncmp(name, iter, cmplen))
				return flags | block_flags;
			if (!*end || *end == ';')
				break;
			iter = (char *)end + 1;
		}
	}
	return flags | local;
}

static slab_flags_t slub_cache_flags(const char *name, slab_flags_t flags)
{
	return kmem_cache_flags(name, flags);
}

/* --- Slabs --------------------------------------------------------------------- */

/* PG_workingset marks a slab on a node partial list (set_bit, as 6.12). */
static inline bool slab_test_node_partial(const struct slab *slab)
{
	return __atomic_load_n(&slab_page(slab)->flags, __ATOMIC_RELAXED) &
	       (1UL << PG_workingset);
}

static inline void slab_set_node_partial(struct slab *slab)
{
	__atomic_fetch_or(&slab_page(slab)->flags, 1UL << PG_workingset,
			  __ATOMIC_RELAXED);
}

static inline void slab_clear_node_partial(struct slab *slab)
{
	__atomic_fetch_and(&slab_page(slab)->flags, ~(1UL << PG_workingset),
			   __ATOMIC_RELAXED);
}

static void *setup_object(struct kmem_cache *s, void *object)
{
	setup_object_debug(s, object);
	if (s->ctor)
		s->ctor(object);
	return object;
}

static int init_cache_random_seq(struct kmem_cache *s)
{
	unsigned int count = oo_objects(SC(s)->oo);
	unsigned int *seq;

	if (SC(s)->random_seq || !M()->params.slab.freelist_random || count < 2)
		return 0;
	seq = kcalloc(count, sizeof(*seq), GFP_KERNEL);
	if (!seq) {
		pr_err("SLUB: Unable to initialize free list for %s\n",
		       s->name);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < count; i++)
		seq[i] = i;
	for (unsigned int i = count - 1; i > 0; i--) {
		unsigned int j = (unsigned int)(slub_random() % (i + 1));
		unsigned int t = seq[i];

		seq[i] = seq[j];
		seq[j] = t;
	}
	for (unsigned int i = 0; i < count; i++)
		seq[i] *= s->size;
	SC(s)->random_seq = seq;
	return 0;
}

static void *next_freelist_entry(struct kmem_cache *s, unsigned long *pos,
				 void *start, unsigned long page_limit,
				 unsigned long freelist_count)
{
	unsigned int idx;

	do {
		idx = SC(s)->random_seq[*pos];
		*pos += 1;
		if (*pos >= freelist_count)
			*pos = 0;
	} while (unlikely(idx >= page_limit));
	return (u8 *)start + idx;
}

static bool shuffle_freelist(struct kmem_cache *s, struct slab *slab)
{
	unsigned long idx, pos, page_limit, freelist_count;
	void *start, *cur, *next;

	if (slab->objects < 2 || !SC(s)->random_seq)
		return false;
	freelist_count = oo_objects(SC(s)->oo);
	pos = (unsigned long)(slub_random() % freelist_count);
	page_limit = (unsigned long)slab->objects * s->size;
	start = fixup_red_left(s, slab_address(slab));
	cur = next_freelist_entry(s, &pos, start, page_limit, freelist_count);
	cur = setup_object(s, cur);
	slab->freelist = cur;
	for (idx = 1; idx < slab->objects; idx++) {
		next = next_freelist_entry(s, &pos, start, page_limit,
					   freelist_count);
		next = setup_object(s, next);
		set_freepointer(s, cur, next);
		cur = next;
	}
	set_freepointer(s, cur, NULL);
	return true;
}

static inline void inc_slabs_node(struct kmem_cache *s, int node, int objects)
{
	struct kmem_cache_node *n = get_node(s, node);

	atomic_fetch_add(&n->nr_slabs, 1);
	atomic_fetch_add(&n->total_objects, objects);
}

static inline void dec_slabs_node(struct kmem_cache *s, int node, int objects)
{
	struct kmem_cache_node *n = get_node(s, node);

	atomic_fetch_sub(&n->nr_slabs, 1);
	atomic_fetch_sub(&n->total_objects, objects);
}

static struct slab *allocate_slab(struct kmem_cache *s, gfp_t flags, int node)
{
	struct slub_cache *sc = SC(s);
	struct kmem_cache_order_objects oo = sc->oo;
	gfp_t alloc_gfp;
	struct slab *slab;
	void *start, *p, *next;
	bool shuffle;

	/*
	 * Try the preferred order without reclaim or warnings first; fall
	 * back to the minimum order with the caller's flags (alloc_slab_page).
	 */
	alloc_gfp = (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL;
	if ((alloc_gfp & __GFP_DIRECT_RECLAIM) && oo_order(oo) > oo_order(sc->min))
		alloc_gfp = (alloc_gfp | __GFP_NOMEMALLOC) & ~__GFP_RECLAIM;
	slab = slab_alloc_pages(s, alloc_gfp, node, oo_order(oo));
	if (unlikely(!slab)) {
		oo = sc->min;
		alloc_gfp = flags;
		slab = slab_alloc_pages(s, alloc_gfp, node, oo_order(oo));
		if (unlikely(!slab))
			return NULL;
	}
	slab->objects = oo_objects(oo);
	slab->inuse = 0;
	slab->frozen = 0;
	start = slab_address(slab);
	setup_slab_debug(s, slab, start);
	shuffle = shuffle_freelist(s, slab);
	if (!shuffle) {
		start = fixup_red_left(s, start);
		start = setup_object(s, start);
		slab->freelist = start;
		for (unsigned int idx = 0, last = slab->objects - 1;
		     idx < last; idx++) {
			next = (u8 *)start + s->size;
			next = setup_object(s, next);
			set_freepointer(s, start, next);
			start = next;
		}
		set_freepointer(s, start, NULL);
	}
	(void)p;
	return slab;
}

static struct slab *new_slab(struct kmem_cache *s, gfp_t flags, int node)
{
	if (unlikely(flags & GFP_SLAB_BUG_MASK))
		flags = kmalloc_fix_flags(flags);
	return allocate_slab(s, flags & (GFP_RECLAIM_MASK | GFP_CONSTRAINT_MASK),
			     node);
}

static void __free_slab(struct kmem_cache *s, struct slab *slab)
{
	slab_clear_node_partial(slab);
	slab_free_pages(s, slab);
}

static void rcu_free_slab(struct kmm_rcu_cb *cb)
{
	struct slab *slab = container_of((void *)cb, struct slab, slab_list);

	__free_slab(slab->slab_cache, slab);
}

static void free_slab(struct kmem_cache *s, struct slab *slab)
{
	if ((s->flags & SLAB_CONSISTENCY_CHECKS)) {
		void *p;

		slab_pad_check(s, slab);
		for_each_object(p, s, slab_address(slab), slab->objects)
			check_object(s, slab, p, SLUB_RED_INACTIVE);
	}
	if (unlikely(s->flags & SLAB_TYPESAFE_BY_RCU)) {
		/* The rcu callback lives where slab_list was. */
		call_rcu((struct kmm_rcu_cb *)&slab->slab_list, rcu_free_slab);
		return;
	}
	__free_slab(s, slab);
}

static void discard_slab(struct kmem_cache *s, struct slab *slab)
{
	dec_slabs_node(s, slab_nid(slab), slab->objects);
	free_slab(s, slab);
}

/* --- Partial lists ---------------------------------------------------------------- */

enum { DEACTIVATE_TO_HEAD, DEACTIVATE_TO_TAIL };

/* nr_partial is read without the lock (get_partial_node's peek). */
static inline unsigned long nr_partial(struct kmem_cache_node *n)
{
	return __atomic_load_n(&n->nr_partial, __ATOMIC_RELAXED);
}

static inline void nr_partial_add(struct kmem_cache_node *n, long d)
{
	__atomic_store_n(&n->nr_partial, n->nr_partial + (unsigned long)d,
			 __ATOMIC_RELAXED);
}

static inline void add_partial(struct kmem_cache_node *n, struct slab *slab,
			       int tail)
{
	nr_partial_add(n, 1);
	if (tail == DEACTIVATE_TO_TAIL)
		list_add_tail(&slab->slab_list, &n->partial);
	else
		list_add(&slab->slab_list, &n->partial);
	slab_set_node_partial(slab);
}

static inline void remove_partial(struct kmem_cache_node *n, struct slab *slab)
{
	list_del(&slab->slab_list);
	slab_clear_node_partial(slab);
	nr_partial_add(n, -1);
}

static void *alloc_single_from_partial(struct kmem_cache *s,
				       struct kmem_cache_node *n,
				       struct slab *slab,
				       unsigned long orig_size)
{
	void *object = slab->freelist;

	slab->freelist = get_freepointer(s, object);
	slab->inuse++;
	if (!alloc_debug_processing(s, slab, object, orig_size)) {
		remove_partial(n, slab);
		return NULL;
	}
	if (slab->inuse == slab->objects) {
		remove_partial(n, slab);
		add_full(s, n, slab);
	}
	return object;
}

static void *alloc_single_from_new_slab(struct kmem_cache *s,
					struct slab *slab,
					unsigned long orig_size)
{
	int nid = slab_nid(slab);
	struct kmem_cache_node *n = get_node(s, nid);
	void *object = slab->freelist;

	slab->freelist = get_freepointer(s, object);
	slab->inuse = 1;
	if (!alloc_debug_processing(s, slab, object, orig_size))
		return NULL;
	spin_lock(&n->list_lock);
	if (slab->inuse == slab->objects)
		add_full(s, n, slab);
	else
		add_partial(n, slab, DEACTIVATE_TO_HEAD);
	inc_slabs_node(s, nid, slab->objects);
	spin_unlock(&n->list_lock);
	return object;
}

static void put_cpu_partial(struct kmem_cache *s, struct slab *slab, int drain);

struct partial_context {
	gfp_t flags;
	unsigned long orig_size;
	void *object;
};

static struct slab *get_partial_node(struct kmem_cache *s,
				     struct kmem_cache_node *n,
				     struct partial_context *pc)
{
	struct slab *slab, *slab2, *partial = NULL;
	unsigned int partial_slabs = 0;

	if (!n || !nr_partial(n))
		return NULL;
	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, slab2, &n->partial, slab_list) {
		if (kmem_cache_debug(s)) {
			void *object = alloc_single_from_partial(s, n, slab,
								 pc->orig_size);

			if (object) {
				partial = slab;
				pc->object = object;
				break;
			}
			continue;
		}
		remove_partial(n, slab);
		if (!partial) {
			partial = slab;
			if (!SC(s)->cpu_partial_slabs)
				break;
		} else {
			put_cpu_partial(s, slab, 0);
			if (++partial_slabs > SC(s)->cpu_partial_slabs / 2)
				break;
		}
	}
	spin_unlock(&n->list_lock);
	return partial;
}

/* Other nodes' partial slabs, nearest first (get_any_partial). */
static struct slab *get_any_partial(struct kmem_cache *s,
				    struct partial_context *pc)
{
	struct kmm_machine *m = M();
	pg_data_t *pgdat = m->node_data[numa_node_id()];
	struct zoneref *z;

	if (!pgdat || m->nr_online_nodes < 2)
		return NULL;
	for (z = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs; z->zone;
	     z++) {
		int nid = z->zone->node;
		struct kmem_cache_node *n = get_node(s, nid);

		if (n && nr_partial(n) > SC(s)->min_partial) {
			struct slab *slab = get_partial_node(s, n, pc);

			if (slab)
				return slab;
		}
	}
	return NULL;
}

static struct slab *get_partial(struct kmem_cache *s, int node,
				struct partial_context *pc)
{
	int searchnode = node;
	struct slab *slab;

	if (node == NUMA_NO_NODE)
		searchnode = numa_node_id();
	slab = get_partial_node(s, get_node(s, searchnode), pc);
	if (slab || (node != NUMA_NO_NODE && (pc->flags & __GFP_THISNODE)))
		return slab;
	return get_any_partial(s, pc);
}

static void deactivate_slab(struct kmem_cache *s, struct slab *slab,
			    void *freelist)
{
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	int free_delta = 0, tail = DEACTIVATE_TO_HEAD;
	void *nextfree, *freelist_iter, *freelist_tail;
	unsigned long counters, new_counters;
	void *prior, *new_freelist;

	if (read_slab_freelist(slab))
		tail = DEACTIVATE_TO_TAIL;
	freelist_tail = NULL;
	freelist_iter = freelist;
	while (freelist_iter) {
		nextfree = get_freepointer(s, freelist_iter);
		if (freelist_corrupted(s, slab, &freelist_iter, nextfree))
			break;
		freelist_tail = freelist_iter;
		free_delta++;
		freelist_iter = nextfree;
	}
	do {
		prior = read_slab_freelist(slab);
		counters = read_slab_counters(slab);
		if (freelist_tail) {
			new_counters = counters_with(counters,
					counters_inuse(counters) - free_delta,
					false);
			set_freepointer(s, freelist_tail, prior);
			new_freelist = freelist;
		} else {
			new_counters = counters_with(counters,
						     counters_inuse(counters),
						     false);
			new_freelist = prior;
		}
	} while (!slab_update_freelist(s, slab, prior, counters,
				       new_freelist, new_counters));
	if (!counters_inuse(new_counters) &&
	    nr_partial(n) >= SC(s)->min_partial) {
		discard_slab(s, slab);
	} else if (new_freelist) {
		spin_lock(&n->list_lock);
		add_partial(n, slab, tail);
		spin_unlock(&n->list_lock);
	}
}

static void __put_partials(struct kmem_cache *s, struct slab *partial_slab)
{
	struct kmem_cache_node *n = NULL, *n2;
	struct slab *slab, *slab_to_discard = NULL;

	while (partial_slab) {
		slab = partial_slab;
		partial_slab = slab->next;
		n2 = get_node(s, slab_nid(slab));
		if (n != n2) {
			if (n)
				spin_unlock(&n->list_lock);
			n = n2;
			spin_lock(&n->list_lock);
		}
		if (unlikely(!counters_inuse(read_slab_counters(slab)) &&
			     n->nr_partial >= SC(s)->min_partial)) {
			slab->next = slab_to_discard;
			slab_to_discard = slab;
		} else {
			add_partial(n, slab, DEACTIVATE_TO_TAIL);
		}
	}
	if (n)
		spin_unlock(&n->list_lock);
	while (slab_to_discard) {
		slab = slab_to_discard;
		slab_to_discard = slab_to_discard->next;
		discard_slab(s, slab);
	}
}

static void put_partials_cpu(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct slab *partial_slab;

	kmm_pcpu_lock_remote(&c->lock);
	partial_slab = c->partial;
	c->partial = NULL;
	kmm_pcpu_unlock_remote(&c->lock);
	if (partial_slab)
		__put_partials(s, partial_slab);
}

static void put_cpu_partial(struct kmem_cache *s, struct slab *slab, int drain)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct slab *oldslab, *slab_to_put = NULL;
	int slabs = 0, how;

	how = slub_cpu_lock(s, c);
	oldslab = c->partial;
	if (oldslab) {
		if (drain && (unsigned int)oldslab->slabs >= SC(s)->cpu_partial_slabs) {
			slab_to_put = oldslab;
			oldslab = NULL;
		} else {
			slabs = oldslab->slabs;
		}
	}
	slabs++;
	slab->slabs = slabs;
	slab->next = oldslab;
	c->partial = slab;
	slub_cpu_unlock(c, how);
	if (slab_to_put)
		__put_partials(s, slab_to_put);
}

static void flush_slab(struct kmem_cache *s, struct kmem_cache_cpu *c)
{
	struct slab *slab;
	void *freelist;

	kmm_pcpu_lock_remote(&c->lock);
	slab = c->slab;
	freelist = c->freelist;
	/* kmm's invariants of the fast paths (set_cpu_slab, slub_take_fast). */
	if (unlikely((freelist && !slab) ||
		     c->slab_base != (slab ? slab_address_m(s->machine, slab) : NULL) ||
		     c->slab_objects != (slab ? slab->objects : 0u))) {
		pr_err("SLUB %s: CPU slab and its range out of step\n", s->name);
		slab_count_error();
	}
	set_cpu_slab(s, c, NULL);
	c->freelist = NULL;
	c->tid = next_tid(c->tid);
	kmm_pcpu_unlock_remote(&c->lock);
	if (slab)
		deactivate_slab(s, slab, freelist);
}

/*
 * Flush every CPU's slab and partials (flush_all): Linux runs the flush on
 * each CPU from a work item; kmm revokes the CPUs and does it from here.
 */
static void flush_all(struct kmem_cache *s)
{
	struct kmm_machine *m = s->machine;

	kmm_cpu_revoke_all(m);
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &SC(s)->cpu_slab[cpu];

		flush_slab(s, c);
		put_partials_cpu(s, c);
	}
	kmm_cpu_unrevoke_all(m);
}

/* --- Allocation ----------------------------------------------------------------- */

static inline int node_match(struct slab *slab, int node)
{
	return node == NUMA_NO_NODE || slab_nid(slab) == node;
}

/*
 * Take a slab's whole freelist, marking every object in use: get_freelist
 * (the CPU slab: stays frozen only if it had objects) and freeze_slab (a
 * slab from the partial list becoming the CPU slab) of 6.12.
 */
static void *take_freelist(struct kmem_cache *s, struct slab *slab,
			   bool freeze)
{
	unsigned long counters;
	void *freelist;

	do {
		freelist = read_slab_freelist(slab);
		counters = read_slab_counters(slab);
	} while (!slab_update_freelist(s, slab, freelist, counters, NULL,
				       counters_with(counters, slab->objects,
						     freeze || freelist)));
	return freelist;
}

static inline void *get_freelist(struct kmem_cache *s, struct slab *slab)
{
	return take_freelist(s, slab, false);
}

static inline void *freeze_slab(struct kmem_cache *s, struct slab *slab)
{
	return take_freelist(s, slab, true);
}

/* Partial lists longer than this are sampled at both ends. */
#define MAX_PARTIAL_TO_SCAN	10000

/* count_partial_free_approx: free objects on the node's partial list. */
static unsigned long count_partial_free(struct kmem_cache_node *n)
{
	unsigned long x = 0, scanned = 0;
	struct slab *slab;

	spin_lock(&n->list_lock);
	if (n->nr_partial <= MAX_PARTIAL_TO_SCAN) {
		list_for_each_entry(slab, &n->partial, slab_list)
			x += slab->objects - slab->inuse;
	} else {
		list_for_each_entry(slab, &n->partial, slab_list) {
			x += slab->objects - slab->inuse;
			if (++scanned == MAX_PARTIAL_TO_SCAN / 2)
				break;
		}
		for (slab = list_last_entry(&n->partial, struct slab, slab_list);
		     &slab->slab_list != &n->partial;
		     slab = list_entry(slab->slab_list.prev, struct slab,
				   slab_list)) {
			x += slab->objects - slab->inuse;
			if (++scanned == MAX_PARTIAL_TO_SCAN)
				break;
		}
		/* mult_frac(x, nr_partial, scanned), capped at the objects. */
		x = x / scanned * n->nr_partial +
		    x % scanned * n->nr_partial / scanned;
		if (x > (unsigned long)atomic_load(&n->total_objects))
			x = (unsigned long)atomic_load(&n->total_objects);
	}
	spin_unlock(&n->list_lock);
	return x;
}

static void slab_out_of_memory(struct kmem_cache *s, gfp_t gfpflags, int nid)
{
	struct kmm_machine *m = s->machine;
	struct kmem_cache_node *n;
	char names[256];
	int node, cpu;

	if ((gfpflags & __GFP_NOWARN) || !___ratelimit(&G()->oom_rs,
						       "slab_out_of_memory"))
		return;
	cpu = kmm_cpu_of(m);
	kmm_format_gfp(gfpflags, names, sizeof(names));
	pr_warn("SLUB: Unable to allocate memory on CPU %u (of node %d) on node %d, gfp=%#x(%s)\n",
		(unsigned int)cpu, m->cpu_to_node[cpu], nid, gfpflags, names);
	pr_warn("  cache: %s, object size: %u, buffer size: %u, default order: %u, min order: %u\n",
		s->name, s->object_size, s->size, oo_order(SC(s)->oo),
		oo_order(SC(s)->min));
	if (oo_order(SC(s)->min) > get_order(s->object_size))
		pr_warn("  %s debugging increased min order, use slab_debug=O to disable.\n",
			s->name);
	for_each_kmem_cache_node(s, node, n) {
		unsigned long nr_slabs = (unsigned long)atomic_load(&n->nr_slabs);
		unsigned long nr_objs = (unsigned long)atomic_load(&n->total_objects);
		unsigned long nr_free = count_partial_free(n);

		pr_warn("  node %d: slabs: %ld, objs: %ld, free: %ld\n", node,
			nr_slabs, nr_objs, nr_free);
	}
}

static __attribute__((noinline)) void *___slab_alloc(struct kmem_cache *s, gfp_t gfpflags, int node,
			   unsigned long addr, struct kmem_cache_cpu *c,
			   unsigned long orig_size)
{
	int how;
	struct partial_context pc;
	bool try_thisnode = true;
	struct slab *slab;
	void *freelist;

reread_slab:
	how = slub_cpu_lock(s, c);
	slab = c->slab;
	if (!slab) {
		slub_cpu_unlock(c, how);
		if (unlikely(node != NUMA_NO_NODE &&
			     !node_isset(node, &G()->slab_nodes)))
			node = NUMA_NO_NODE;
		goto new_slab;
	}
	if (unlikely(!node_match(slab, node))) {
		if (!node_isset(node, &G()->slab_nodes)) {
			node = NUMA_NO_NODE;
		} else {
			/* deactivate_slab: give the CPU slab back. */
			freelist = c->freelist;
			set_cpu_slab(s, c, NULL);
			c->freelist = NULL;
			c->tid = next_tid(c->tid);
			slub_cpu_unlock(c, how);
			deactivate_slab(s, slab, freelist);
			goto new_slab;
		}
	}
	freelist = c->freelist;
	if (freelist)
		goto load_freelist;
	freelist = get_freelist(s, slab);
	if (!freelist) {
		set_cpu_slab(s, c, NULL);
		c->tid = next_tid(c->tid);
		slub_cpu_unlock(c, how);
		goto new_slab;
	}
load_freelist:
	/* Under c->lock: the first object is ours, the rest the CPU's. */
	c->freelist = get_freepointer(s, freelist);
	c->tid = next_tid(c->tid);
	slub_cpu_unlock(c, how);
	return freelist;

new_slab:
	for (;;) {
		how = slub_cpu_lock(s, c);
		if (unlikely(c->slab)) {
			slub_cpu_unlock(c, how);
			goto reread_slab;
		}
		slab = c->partial;
		if (!slab) {
			slub_cpu_unlock(c, how);
			break;
		}
		c->partial = slab->next;
		if (likely(node_match(slab, node))) {
			set_cpu_slab(s, c, slab);
			freelist = get_freelist(s, slab);
			if (likely(freelist))
				goto load_freelist;
			set_cpu_slab(s, c, NULL);
			slub_cpu_unlock(c, how);
			continue;
		}
		slub_cpu_unlock(c, how);
		slab->next = NULL;
		__put_partials(s, slab);
	}
new_objects:
	pc.flags = gfpflags;
	if (unlikely(node != NUMA_NO_NODE && !(gfpflags & __GFP_THISNODE) &&
		     try_thisnode))
		pc.flags = GFP_NOWAIT | __GFP_THISNODE;
	pc.orig_size = orig_size;
	pc.object = NULL;
	slab = get_partial(s, node, &pc);
	if (slab) {
		if (kmem_cache_debug(s)) {
			freelist = pc.object;
			if (s->flags & SLAB_STORE_USER)
				set_track(s, freelist, TRACK_ALLOC, addr);
			return freelist;
		}
		freelist = freeze_slab(s, slab);
		goto retry_load_slab;
	}
	slab = new_slab(s, pc.flags, node);
	if (unlikely(!slab)) {
		if (node != NUMA_NO_NODE && !(gfpflags & __GFP_THISNODE) &&
		    try_thisnode) {
			try_thisnode = false;
			goto new_objects;
		}
		slab_out_of_memory(s, gfpflags, node);
		return NULL;
	}
	if (kmem_cache_debug(s)) {
		freelist = alloc_single_from_new_slab(s, slab, orig_size);
		if (unlikely(!freelist))
			goto new_objects;
		if (s->flags & SLAB_STORE_USER)
			set_track(s, freelist, TRACK_ALLOC, addr);
		return freelist;
	}
	freelist = slab->freelist;
	slab->freelist = NULL;
	slab->inuse = slab->objects;
	slab->frozen = 1;
	inc_slabs_node(s, slab_nid(slab), slab->objects);
retry_load_slab:
	how = slub_cpu_lock(s, c);
	if (unlikely(c->slab)) {
		void *flush_freelist = c->freelist;
		struct slab *flush = c->slab;

		set_cpu_slab(s, c, NULL);
		c->freelist = NULL;
		c->tid = next_tid(c->tid);
		slub_cpu_unlock(c, how);
		deactivate_slab(s, flush, flush_freelist);
		goto retry_load_slab;
	}
	set_cpu_slab(s, c, slab);
	goto load_freelist;
}

/*
 * The general fast path.  Linux (without PREEMPT_RT) swaps the CPU's
 * (freelist, tid) with an unlocked this_cpu_cmpxchg16b, safe because only
 * that CPU ever touches its kmem_cache_cpu.  kmm runs the PREEMPT_RT form
 * (plain updates inside the CPU's local_lock), whose section costs no
 * locked instruction when the thread owns its CPU (kernel/smp.c).  The
 * tid still advances.
 */
static inline void *slab_alloc_node(struct kmem_cache *s, gfp_t gfpflags,
				    int node, unsigned long addr,
				    size_t orig_size)
{
	int how;
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	struct slab *slab;
	void *object;

	how = slub_cpu_lock(s, c);
	object = c->freelist;
	slab = c->slab;
	if (unlikely(!object || !slab || !node_match(slab, node))) {
		slub_cpu_unlock(c, how);
		return ___slab_alloc(s, gfpflags, node, addr, c, orig_size);
	}
	c->freelist = get_freepointer(s, object);
	c->tid = next_tid(c->tid);
	slub_cpu_unlock(c, how);
	return object;
}

/*
 * maybe_wipe_obj_freeptr: with init_on_free the object was zeroed at free
 * but for the free pointer written after; clear that too.
 */
static inline void *maybe_wipe_obj_freeptr(struct kmem_cache *s, void *object)
{
	if (unlikely(s->machine->init_on_free) && object &&
	    !(s->ctor || (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_POISON))) &&
	    !freeptr_outside_object(s))
		memset((u8 *)object + SC(s)->offset, 0, sizeof(void *));
	return object;
}

static __attribute__((noinline)) void *slub_alloc_slow(struct kmem_cache *s,
						       gfp_t gfp, int node,
						       unsigned long caller,
						       size_t orig_size)
{
	return maybe_wipe_obj_freeptr(s, slab_alloc_node(s, gfp, node, caller,
							 orig_size));
}

/*
 * The whole fast path in one leaf function: the CPU's lock taken at the
 * first try, an object on its freelist from a slab of the right node.
 * Anything else is handed, untouched, to the general path.
 */
static void *slub_alloc(struct kmem_cache *s, gfp_t gfp, int node,
			unsigned long caller, size_t orig_size)
{
	struct kmem_cache_cpu *c;
	struct slab *slab;
	void *object;
	int how;

	c = slub_cpu_enter_fast(s, &how);
	if (unlikely(!c))
		goto slow;
	object = c->freelist;
	slab = c->slab;
	if (unlikely(!object || !slab || !node_match(slab, node) ||
		     s->machine->init_on_free)) {
		slub_cpu_unlock(c, how);
		goto slow;
	}
	c->freelist = get_freepointer(s, object);
	c->tid = next_tid(c->tid);
	slub_cpu_unlock(c, how);
	return object;
slow:
	return slub_alloc_slow(s, gfp, node, caller, orig_size);
}

/* --- Free ---------------------------------------------------------------------- */

/*
 * slab_free_hook's init_on_free for SLUB: the requested bytes and the
 * metadata after the object info (tracks, orig_size, padding) cleared, the
 * left red zone of the next object kept, orig_size put back so that the
 * kmalloc red zone check still knows where the request ended.
 */
static void slub_init_on_free(struct kmem_cache *s, void *x)
{
	unsigned int inuse = get_info_end(s);
	unsigned long orig_size = get_orig_size(s, x);
	unsigned int rsize = (s->flags & SLAB_RED_ZONE) ? SC(s)->red_left_pad : 0;

	memset(x, 0, orig_size);
	memset((u8 *)x + inuse, 0, s->size - inuse - rsize);
	set_orig_size(s, x, orig_size);
}

/*
 * init_on_free for an object slub_free_slow has found to start an object
 * of @slab: cleared unless it is at the head of this CPU's freelist or
 * of the slab's (an object already free, which do_slab_free reports):
 * clearing it would cut its free pointer and lose the rest of the list.
 * An object already free elsewhere - deeper in a freelist, or at the head
 * of another CPU's (whose lock this does not take) - is not found here,
 * as in Linux without debugging.
 */
static void slub_free_clear(struct kmem_cache *s, struct slab *slab, void *x)
{
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	void *cpu_head;
	int how;

	how = slub_cpu_lock(s, c);
	cpu_head = c->slab == slab ? c->freelist : NULL;
	slub_cpu_unlock(c, how);
	if (x == cpu_head || x == read_slab_freelist(slab))
		return;
	slub_init_on_free(s, x);
}

static void free_to_partial_list(struct kmem_cache *s, struct slab *slab,
				 void *head, void *tail, int bulk_cnt,
				 unsigned long addr)
{
	struct kmem_cache_node *n = get_node(s, slab_nid(slab));
	struct slab *slab_free = NULL;
	int cnt = bulk_cnt;

	spin_lock(&n->list_lock);
	if (unlikely(slab->freelist == tail) &&
	    !(s->flags & SLAB_CONSISTENCY_CHECKS)) {
		/*
		 * The hardened set_freepointer's BUG_ON(object == fp), before
		 * the object's tracks and red zones are touched.  With
		 * consistency checks, free_debug_processing finds it first
		 * and reports it as Linux does ("Object already free").
		 */
		slab_err(s, slab, "Object at 0x%px is already free (freelist head)",
			 KA(tail));
		slab_fix(s, "Object at 0x%px not freed", KA(tail));
	} else if (!free_debug_processing(s, slab, head, tail, &cnt, addr)) {
		/* Reported there, and not freed. */
	} else {
		void *prior = slab->freelist;

		/*
		 * Debug caches free one object at a time.  init_on_free
		 * clears the tracks with the rest (Linux too, before it
		 * records the free): the free track is recorded again.
		 */
		if (cnt == 1 && slab_want_init_on_free(s)) {
			slub_init_on_free(s, head);
			if (s->flags & SLAB_STORE_USER)
				set_track(s, head, TRACK_FREE, addr);
		}
		slab->inuse -= cnt;
		set_freepointer(s, tail, prior);
		slab->freelist = head;
		if (slab->inuse == 0 && n->nr_partial >= SC(s)->min_partial)
			slab_free = slab;
		if (!prior) {
			remove_full(s, n, slab);
			if (!slab_free)
				add_partial(n, slab, DEACTIVATE_TO_TAIL);
		} else if (slab_free) {
			remove_partial(n, slab);
		}
	}
	if (slab_free)
		dec_slabs_node(s, slab_nid(slab_free), slab_free->objects);
	spin_unlock(&n->list_lock);
	if (slab_free)
		free_slab(s, slab_free);
}

static __attribute__((noinline)) void __slab_free(struct kmem_cache *s, struct slab *slab, void *head,
			void *tail, int cnt, unsigned long addr)
{
	struct kmem_cache_node *n = NULL;
	bool on_node_partial = false;
	unsigned long counters, new_counters;
	unsigned int inuse;
	int was_frozen;
	void *prior;

	if (kmem_cache_debug(s)) {
		free_to_partial_list(s, slab, head, tail, cnt, addr);
		return;
	}
	do {
		if (unlikely(n)) {
			spin_unlock(&n->list_lock);
			n = NULL;
		}
		prior = read_slab_freelist(slab);
		counters = read_slab_counters(slab);
		if (unlikely(prior == head)) {
			/* The hardened set_freepointer's BUG_ON(object == fp). */
			slab_err(s, slab, "Object at 0x%px is already free (freelist head)",
				 KA(head));
			return;
		}
		set_freepointer(s, tail, prior);
		was_frozen = counters_frozen(counters);
		inuse = (counters_inuse(counters) - cnt) & SLAB_COUNTERS_INUSE;
		new_counters = counters_with(counters, inuse, was_frozen);
		if ((!inuse || !prior) && !was_frozen) {
			if (!kmem_cache_has_cpu_partial(s) || prior) {
				n = get_node(s, slab_nid(slab));
				spin_lock(&n->list_lock);
				on_node_partial = slab_test_node_partial(slab);
			}
		}
	} while (!slab_update_freelist(s, slab, prior, counters, head,
				       new_counters));
	if (likely(!n)) {
		if (likely(was_frozen)) {
			/* The CPU slab's owner will see the objects. */
		} else if (kmem_cache_has_cpu_partial(s) && !prior) {
			put_cpu_partial(s, slab, 1);
		}
		return;
	}
	if (prior && !on_node_partial) {
		spin_unlock(&n->list_lock);
		return;
	}
	if (unlikely(!inuse && n->nr_partial >= SC(s)->min_partial))
		goto slab_empty;
	if (!kmem_cache_has_cpu_partial(s) && unlikely(!prior))
		add_partial(n, slab, DEACTIVATE_TO_TAIL);
	spin_unlock(&n->list_lock);
	return;
slab_empty:
	if (prior)
		remove_partial(n, slab);
	spin_unlock(&n->list_lock);
	discard_slab(s, slab);
}

static inline void do_slab_free(struct kmem_cache *s, struct slab *slab,
				void *head, void *tail, int cnt,
				unsigned long addr)
{
	int how;
	struct kmem_cache_cpu *c = this_cpu_slab(s);
	void *freelist;

	how = slub_cpu_lock(s, c);
	if (unlikely(slab != c->slab)) {
		slub_cpu_unlock(c, how);
		__slab_free(s, slab, head, tail, cnt, addr);
		return;
	}
	freelist = c->freelist;
	if (unlikely(freelist == head)) {
		slub_cpu_unlock(c, how);
		slab_err(s, slab, "Object at 0x%px is already free (CPU freelist head)",
			 KA(head));
		return;
	}
	set_freepointer(s, tail, freelist);
	c->freelist = head;
	c->tid = next_tid(c->tid);
	slub_cpu_unlock(c, how);
}

static __attribute__((noinline)) void bad_free_pointer(struct kmem_cache *s,
							struct slab *slab,
							void *x)
{
	slab_err(s, slab, "Invalid object pointer 0x%px", KA(x));
	slab_fix(s, "Object at 0x%px not freed", KA(x));
}

/*
 * slub_free the long way: the object must start an object of this slab -
 * an interior or out-of-slab pointer would corrupt the freelist, so it is
 * refused whatever the flags (Linux checks only with debugging) - then
 * do_slab_free.
 */
static __attribute__((noinline)) void slub_free_slow(struct kmem_cache *s,
						     struct slab *slab, void *x,
						     unsigned long caller)
{
	u8 *base = slab_address_m(s->machine, slab);
	u8 *o = restore_red_left(s, x);
	atomic_ulong *count = &this_cpu_slab(s)->lookup_frees;

	atomic_store_explicit(count, atomic_load_explicit(count,
							  memory_order_relaxed) + 1,
			      memory_order_relaxed);
	if (unlikely(o < base ||
		     o >= base + (unsigned long)slab->objects * s->size ||
		     obj_to_index(s, base, o) * s->size !=
		     (unsigned long)(o - base))) {
		bad_free_pointer(s, slab, x);
		return;
	}
	if (unlikely(s->machine->init_on_free) && !kmem_cache_debug(s) &&
	    slab_want_init_on_free(s))
		slub_free_clear(s, slab, x);
	do_slab_free(s, slab, x, x, 1, caller);
}

/*
 * Under the CPU's lock: @x onto the freelist if it is the start of an
 * object of the CPU's slab (Linux's slab == c->slab, and slub_free's
 * object check, from the address and the slab's range) and not already
 * the freelist's head (the hardened double-free check).
 */
static inline __attribute__((always_inline)) bool
slub_put_fast(struct kmem_cache *s, struct kmem_cache_cpu *c, void *x,
	      bool hardened)
{
	void *freelist = c->freelist;

	if (unlikely(!slub_object_at(s, c, x) || freelist == x))
		return false;
	set_freepointer_fast(s, x, freelist, hardened);
	c->freelist = x;
	c->tid = next_tid(c->tid);
	return true;
}

/*
 * The free fast path: @x goes onto this CPU's freelist if slub_put_fast
 * takes it with the CPU's lock had at the first try.  False (nothing
 * done) otherwise.  The locked section is written twice, so that each
 * copy knows how it unlocks.  Debug caches never have a CPU slab, so
 * their objects never come this way.
 */
static inline __attribute__((always_inline)) bool
slub_free_fast_on(struct kmem_cache *s, struct kmem_cache_cpu *c,
		  struct kmm_cpu_bias *b, void *x, bool owned, bool hardened)
{
	int how = kmm_pcpu_trylock_as(owned, b, &c->lock);
	bool done;

	if (likely(how > 0)) {
		done = slub_put_fast(s, c, x, hardened);
		slub_cpu_unlock(c, 1);
	} else if (how == 0) {
		done = slub_put_fast(s, c, x, hardened);
		slub_cpu_unlock(c, 0);
	} else {
		done = false;
	}
	return done;
}

static inline __attribute__((always_inline)) bool
slub_free_fast(struct kmm_machine *m, struct kmem_cache *s, void *x,
	       bool hardened)
{
	bool owned = kmm_owns_cpu_of(m);
	int cpu;

	if (unlikely(!owned && !kmm_runs_on(m)))
		return false;
	cpu = kmm_cpu_id;
	return slub_free_fast_on(s, &SC(s)->cpu_slab[cpu], &m->cpu_bias[cpu],
				 x, owned, hardened);
}

/* The fast free for a caller that has not settled the hardening. */
static bool slub_free_fast_any(struct kmm_machine *m, struct kmem_cache *s,
			       void *x)
{
	if (SC(s)->hardened)
		return slub_free_fast(m, s, x, true);
	return slub_free_fast(m, s, x, false);
}

/*
 * kmem_cache_free/kfree after slab_common found the slab: the fast path,
 * or the long way (which checks the pointer and reports a bad one).
 */
static void slub_free(struct kmem_cache *s, struct slab *slab, void *x,
		      unsigned long caller)
{
	if (likely(!s->machine->init_on_free &&
		   slub_free_fast_any(s->machine, s, x)))
		return;
	slub_free_slow(s, slab, x, caller);
}

/* --- kmem_cache_alloc and kmem_cache_free in one function each ----------------- */

/*
 * Under the CPU's lock: the first object of its freelist (of the CPU's
 * slab: a freelist is never left without its slab), any node, or NULL.
 */
static inline __attribute__((always_inline)) void *
slub_take_fast(struct kmem_cache *s, struct kmem_cache_cpu *c, bool hardened)
{
	void *object = c->freelist;

	if (unlikely(!object))
		return NULL;
	c->freelist = get_freepointer_fast(s, object, hardened);
	c->tid = next_tid(c->tid);
	return object;
}

/*
 * A kmalloc cache's allocation the general way (init_on_alloc, which is
 * on by default, __GFP_ZERO, an empty CPU freelist, a thread not yet a
 * CPU): the cache still becomes the CPU's kfree_hint, so that kfree's
 * first guess works whatever the allocation took.
 */
static __attribute__((noinline)) void *
slub_kmalloc_alloc_general(struct kmem_cache *s, gfp_t gfp,
			   unsigned long caller, size_t orig_size)
{
	struct kmm_machine *m = s->machine;
	void *object = kmem_cache_alloc_general(s, gfp, caller, orig_size);

	if (object && kmm_runs_on(m))
		atomic_store_explicit(&m->cpu_bias[kmm_cpu_id].kfree_hint, s,
				      memory_order_relaxed);
	return object;
}

enum { KMZ_NEVER, KMZ_ASKED, KMZ_INIT };

/*
 * slab_post_alloc_hook's clearing of an object a fast path took, @zero a
 * constant of the copy: KMZ_NEVER (the copy takes no __GFP_ZERO request),
 * KMZ_ASKED (__GFP_ZERO clears), KMZ_INIT (an init_on_alloc machine:
 * slab_init_on_alloc_wants).  The bytes are slab_zero_size's.
 */
static inline __attribute__((always_inline)) void
slub_zero_fast(struct kmem_cache *s, void *object, gfp_t gfp,
	       size_t orig_size, int zero)
{
	if (zero == KMZ_NEVER)
		return;
	if (zero == KMZ_ASKED ? (gfp & __GFP_ZERO) :
				slab_init_on_alloc_wants(s, gfp))
		memset(object, 0, slab_zero_size(s, orig_size));
}

/*
 * The cache's cache_alloc: what kmem_cache_alloc, slab_alloc and
 * slub_alloc do when slab_common would hand the request straight over (no
 * __GFP_ZERO but under init_on_alloc; bad gfp bits are new_slab's to fix,
 * as in Linux) and the CPU's
 * freelist has an object, cleared as slab_post_alloc_hook would on an
 * init_on_alloc machine (@zero, slub_zero_fast).  Anything else goes to
 * kmem_cache_alloc_general as it came.  Machines with init_on_free never
 * come here (slub_set_fast_paths chooses the general path for their
 * caches).  The locked section is
 * written twice, so that each copy knows how it unlocks; the entry is
 * spelled out rather than slub_cpu_enter_fast()'s, whose NULL-or-how
 * return costs this path 2 instructions (so too in slub_free_fast).
 * Written once, for slub_cache_alloc_{plain,hard} and, with @hint, for
 * the kmalloc caches' slub_kmalloc_alloc_{plain,hard}, which also name @s
 * as this CPU's kfree_hint (one store on a line the trylock has just
 * read), and again for init_on_alloc (the *_init_* copies).  @hardened is
 * the machine's SLAB_FREELIST_HARDENED, a constant in each copy as it is
 * in a kernel build.
 */
static inline __attribute__((always_inline)) void *
slub_cache_alloc_fast(struct kmem_cache *s, gfp_t gfp, unsigned long caller,
		      size_t orig_size, bool hint, bool hardened, int zero)
{
	struct kmm_machine *m = s->machine;
	bool owned = kmm_owns_cpu_of(m);
	struct kmem_cache_cpu *c;
	struct kmm_cpu_bias *b;
	void *object;
	int cpu, how;

	if (unlikely((zero == KMZ_NEVER && (gfp & __GFP_ZERO)) ||
		     (!owned && !kmm_runs_on(m))))
		goto general;
	cpu = kmm_cpu_id;
	c = &SC(s)->cpu_slab[cpu];
	b = &m->cpu_bias[cpu];
	how = kmm_pcpu_trylock_as(owned, b, &c->lock);
	if (likely(how > 0)) {
		object = slub_take_fast(s, c, hardened);
		slub_cpu_unlock(c, 1);
	} else if (how == 0) {
		object = slub_take_fast(s, c, hardened);
		slub_cpu_unlock(c, 0);
	} else {
		goto general;
	}
	if (likely(object)) {
		if (hint)
			atomic_store_explicit(&b->kfree_hint, s,
					      memory_order_relaxed);
		slub_zero_fast(s, object, gfp, orig_size, zero);
		return object;
	}
general:
	if (hint)
		return slub_kmalloc_alloc_general(s, gfp, caller, orig_size);
	return kmem_cache_alloc_general(s, gfp, caller, orig_size);
}

/*
 * The cache_alloc copies: plain or hardened freelist, a kmalloc cache
 * (the hint) or not, init_on_alloc or not.
 */
#define SLUB_CACHE_ALLOC(name, hint, hardened, zero)			\
static void *name(struct kmem_cache *s, gfp_t gfp, unsigned long caller, \
		  size_t orig_size)					\
{									\
	return slub_cache_alloc_fast(s, gfp, caller, orig_size, hint,	\
				     hardened, zero);			\
}
SLUB_CACHE_ALLOC(slub_cache_alloc_plain, false, false, KMZ_NEVER)
SLUB_CACHE_ALLOC(slub_cache_alloc_hard, false, true, KMZ_NEVER)
SLUB_CACHE_ALLOC(slub_kmalloc_alloc_plain, true, false, KMZ_NEVER)
SLUB_CACHE_ALLOC(slub_kmalloc_alloc_hard, true, true, KMZ_NEVER)
SLUB_CACHE_ALLOC(slub_cache_alloc_init_plain, false, false, KMZ_INIT)
SLUB_CACHE_ALLOC(slub_cache_alloc_init_hard, false, true, KMZ_INIT)
SLUB_CACHE_ALLOC(slub_kmalloc_alloc_init_plain, true, false, KMZ_INIT)
SLUB_CACHE_ALLOC(slub_kmalloc_alloc_init_hard, true, true, KMZ_INIT)

/*
 * The machine's kmalloc (m->kmalloc_fn, slab_common's kmalloc), as 6.12's
 * __kmalloc_noprof, which inlines kmalloc_slab and slab_alloc_node: a
 * size up to KMALLOC_MAX_CACHE_SIZE whose flags pick a KMALLOC_NORMAL
 * cache, from a thread that owns its CPU, takes the
 * first object of the CPU's freelist of the size's cache here; anything
 * else goes the way it would have gone without this function
 * (kmalloc_general, the cache's cache_alloc, or the cache's general path
 * when the freelist is empty), so only the cost differs.
 *
 * @zero (slub_zero_fast) is a constant in each copy: the KMZ_NEVER copy
 * hands __GFP_ZERO requests to the KMZ_ASKED one, so that plain kmalloc
 * pays nothing for kzalloc; init_on_alloc machines get the KMZ_INIT copy.
 * slub_init chooses the copy for the machine's hardening and
 * init_on_alloc, none under init_on_free.
 */
static __attribute__((noinline)) void *
slub_kmalloc_zeroed(struct kmm_machine *m, size_t size, gfp_t flags,
		    unsigned long caller, bool hardened);

static inline __attribute__((always_inline)) void *
slub_kmalloc_fast(struct kmm_machine *m, size_t size, gfp_t flags,
		  unsigned long caller, bool hardened, int zero)
{
	struct kmm_slab_state *st = m->slab;
	struct kmem_cache_cpu *c;
	struct kmm_cpu_bias *b;
	struct kmem_cache *s;
	unsigned int index;
	void *object;
	int cpu;

	if (unlikely(size - 1 >= KMALLOC_MAX_CACHE_SIZE ||
		     (flags & (__GFP_DMA | __GFP_RECLAIMABLE | __GFP_ACCOUNT |
			       (zero == KMZ_NEVER ? __GFP_ZERO : 0))) ||
		     !kmm_owns_cpu_of(m))) {
		if (zero == KMZ_NEVER && (flags & __GFP_ZERO))
			return slub_kmalloc_zeroed(m, size, flags, caller,
						   hardened);
		return kmalloc_general(m, size, flags, caller);
	}
	index = size <= 192 ? st->size_index[(size - 1) / 8] :
			      (unsigned int)fls((unsigned int)(size - 1));
	s = st->kmalloc_caches[KMALLOC_NORMAL][index];
	cpu = kmm_cpu_id;
	c = &SC(s)->cpu_slab[cpu];
	b = &m->cpu_bias[cpu];
	if (unlikely(!kmm_pcpu_enter_owned(b, &c->lock)))
		return s->cache_alloc(s, flags, caller, size);
	object = slub_take_fast(s, c, hardened);
	slub_cpu_unlock(c, 1);
	if (unlikely(!object))
		return slub_kmalloc_alloc_general(s, flags, caller, size);
	atomic_store_explicit(&b->kfree_hint, s, memory_order_relaxed);
	slub_zero_fast(s, object, flags, size, zero);
	return object;
}

static __attribute__((noinline)) void *
slub_kmalloc_zeroed(struct kmm_machine *m, size_t size, gfp_t flags,
		    unsigned long caller, bool hardened)
{
	if (hardened)
		return slub_kmalloc_fast(m, size, flags, caller, true, KMZ_ASKED);
	return slub_kmalloc_fast(m, size, flags, caller, false, KMZ_ASKED);
}

/* The machine's kmalloc_fn copies: plain or hardened, init_on_alloc or not. */
#define SLUB_KMALLOC(name, hardened, zero)				\
static void *name(struct kmm_machine *m, size_t size, gfp_t flags,	\
		  unsigned long caller)					\
{									\
	return slub_kmalloc_fast(m, size, flags, caller, hardened, zero); \
}
SLUB_KMALLOC(slub_kmalloc_plain, false, KMZ_NEVER)
SLUB_KMALLOC(slub_kmalloc_hard, true, KMZ_NEVER)
SLUB_KMALLOC(slub_kmalloc_init_plain, false, KMZ_INIT)
SLUB_KMALLOC(slub_kmalloc_init_hard, true, KMZ_INIT)

/*
 * The cache's cache_free: what kmem_cache_free, slab_free and slub_free do
 * for an object of @s freed into this CPU's slab, which the fast path
 * recognises from the address alone (slub_object_at), so no lookup of
 * the page is needed.  An object of another slab of @s goes to
 * slub_free_slow; anything else - NULL, another cache's object, not a
 * slab object - to kmem_cache_free_general, which looks it up, checks it
 * and reports as before.  Under init_on_free every free goes the general
 * way (slub_set_fast_paths), which clears the object once it is checked.
 */
static __attribute__((noinline)) void
slub_cache_free_other(struct kmem_cache *s, void *x, unsigned long caller)
{
	struct kmm_machine *m = s->machine;
	struct slab *slab = kmm_virt_to_slab_m(m, x);

	/* Another slab of this cache: no second try at the fast path. */
	if (likely(slab && slab->slab_cache == s && !m->init_on_free))
		slub_free_slow(s, slab, x, caller);
	else
		kmem_cache_free_general(s, x, caller);
}

static void slub_cache_free_plain(struct kmem_cache *s, void *x,
				  unsigned long caller)
{
	if (likely(slub_free_fast(s->machine, s, x, false)))
		return;
	slub_cache_free_other(s, x, caller);
}

static void slub_cache_free_hard(struct kmem_cache *s, void *x,
				 unsigned long caller)
{
	if (likely(slub_free_fast(s->machine, s, x, true)))
		return;
	slub_cache_free_other(s, x, caller);
}

/*
 * The cache's cache_alloc and cache_free, chosen once the cache is made
 * (slab_common calls it after create, and again with @kmalloc for the
 * caches of the kmalloc table, which are never destroyed and so may be a
 * CPU's kfree_hint): the copies for the machine's hardening and
 * init_on_alloc, or the general paths under init_on_free (boot options,
 * settled by mem_debugging_and_hardening_init before the first cache).
 */
static void slub_set_fast_paths(struct kmem_cache *s, bool kmalloc)
{
	struct kmm_machine *m = s->machine;
	bool hard = SC(s)->hardened;

	if (m->init_on_free)
		s->cache_alloc = kmalloc ? slub_kmalloc_alloc_general :
					   kmem_cache_alloc_general;
	else if (m->init_on_alloc && kmalloc)
		s->cache_alloc = hard ? slub_kmalloc_alloc_init_hard :
					slub_kmalloc_alloc_init_plain;
	else if (m->init_on_alloc)
		s->cache_alloc = hard ? slub_cache_alloc_init_hard :
					slub_cache_alloc_init_plain;
	else if (kmalloc)
		s->cache_alloc = hard ? slub_kmalloc_alloc_hard :
					slub_kmalloc_alloc_plain;
	else
		s->cache_alloc = hard ? slub_cache_alloc_hard :
					slub_cache_alloc_plain;
	if (m->init_on_free)
		s->cache_free = kmem_cache_free_general;
	else
		s->cache_free = hard ? slub_cache_free_hard :
				       slub_cache_free_plain;
}

/*
 * kfree of an object the fast path did not take from the hint's cache
 * @tried: an object of another slab of @tried goes straight to
 * slub_free_slow (the fast path has had its try; slub_cache_free_other
 * does the same), anything else where its page says (kfree_page, with the
 * page already looked up).
 */
static __attribute__((noinline)) void
slub_kfree_other(struct kmm_machine *m, struct kmem_cache *tried,
		 const void *x, unsigned long caller)
{
	struct page *page = kmm_obj_page(m, x);
	struct slab *slab = page_slab(page);

	if (likely(page && slab_test(slab) && slab->slab_cache == tried))
		slub_free_slow(tried, slab, (void *)x, caller);
	else
		kfree_page(m, page, x, caller);
}

/*
 * kfree past its NULL test (slab_common's kfree): first the kmalloc cache
 * this CPU last allocated from (its kfree_hint), freeing @x into that
 * cache's CPU slab when it starts an object there - then its page need
 * not be looked up.  Anything else goes to kfree_lookup.  slub_init
 * makes slub_kfree_hard or slub_kfree_plain the machine's kfree, after
 * its freelist hardening, or kfree_lookup under init_on_free.
 */
static inline __attribute__((always_inline)) void
slub_kfree_fast(struct kmm_machine *m, const void *x, unsigned long caller,
		bool hardened)
{
	bool owned = kmm_owns_cpu_of(m);
	struct kmm_cpu_bias *b;
	struct kmem_cache *s;
	int cpu;

	if (unlikely(!owned && !kmm_runs_on(m)))
		goto lookup;
	cpu = kmm_cpu_id;
	b = &m->cpu_bias[cpu];
	s = atomic_load_explicit(&b->kfree_hint, memory_order_relaxed);
	if (unlikely(!s))
		goto lookup;
	if (likely(slub_free_fast_on(s, &SC(s)->cpu_slab[cpu], b, (void *)x,
				     owned, hardened)))
		return;
	slub_kfree_other(m, s, x, caller);
	return;
lookup:
	kfree_lookup(m, x, caller);
}

static void slub_kfree_plain(struct kmm_machine *m, const void *x,
			     unsigned long caller)
{
	slub_kfree_fast(m, x, caller, false);
}

static void slub_kfree_hard(struct kmm_machine *m, const void *x,
			    unsigned long caller)
{
	slub_kfree_fast(m, x, caller, true);
}

unsigned long slub_lookup_frees(struct kmem_cache *s)
{
	unsigned long sum = 0;

	for (int cpu = 0; cpu < s->machine->nr_cpus; cpu++)
		sum += atomic_load_explicit(&SC(s)->cpu_slab[cpu].lookup_frees,
					    memory_order_relaxed);
	return sum;
}

/* --- Bulk ---------------------------------------------------------------------- */

static int slub_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t size,
			   void **p)
{
	int how;
	struct kmem_cache_cpu *c;
	size_t i;

	if (kmem_cache_debug(s) || M()->debug_pagealloc) {
		for (i = 0; i < size; i++) {
			p[i] = slab_alloc_node(s, flags, NUMA_NO_NODE,
					       (unsigned long)__builtin_return_address(0),
					       s->object_size);
			if (!p[i])
				goto error;
		}
		return (int)size;
	}
	c = this_cpu_slab(s);
	how = slub_cpu_lock(s, c);
	for (i = 0; i < size; i++) {
		void *object = c->freelist;

		if (unlikely(!object)) {
			c->tid = next_tid(c->tid);
			slub_cpu_unlock(c, how);
			p[i] = ___slab_alloc(s, flags, NUMA_NO_NODE,
					     (unsigned long)__builtin_return_address(0),
					     c, s->object_size);
			if (unlikely(!p[i]))
				goto error;
			c = this_cpu_slab(s);
			how = slub_cpu_lock(s, c);
			continue;
		}
		c->freelist = get_freepointer(s, object);
		p[i] = object;
	}
	c->tid = next_tid(c->tid);
	slub_cpu_unlock(c, how);
	return (int)size;
error:
	for (size_t j = 0; j < i; j++)
		kmem_cache_free(s, p[j]);
	return 0;
}

/*
 * build_detached_freelist: from the end of p[0..size), the last object and
 * those of its slab found with a look-ahead of 3 misses, gathered at the
 * end of the array (p[returned value ..]); returns how many objects are
 * left in front.  kmm gathers only objects it has checked (in a slab of
 * @s, the start of an object); any other is freed alone by
 * kmem_cache_free, which reports it, and df->slab is NULL.  An object
 * repeated right after itself is reported and its entry set to NULL.
 * Unlike Linux, nothing is linked yet: slub_free_bulk links the objects
 * once it has checked that none is already at a freelist's head, whose
 * next pointer linking would overwrite.
 */
struct detached_freelist {
	struct slab *slab;
	int cnt;		/* entries gathered, NULL ones included */
};

/*
 * @x is the start of one of the @objects objects from @base: in that slab,
 * with no lookup (slub_object_at's exact division).
 */
static inline bool bulk_object_ok(struct kmem_cache *s, u8 *base,
				  unsigned long objects, void *x)
{
	unsigned long q = ((uintptr_t)x - (uintptr_t)base) * SC(s)->size_inv;
	unsigned int k = SC(s)->size_shift;

	q = (q >> k) | (q << ((64 - k) & 63));
	return q < objects;
}

static size_t build_detached_freelist(struct kmem_cache *s, size_t size,
				      void **p, struct detached_freelist *df)
{
	int lookahead = 3;
	unsigned long objects = 0;
	struct slab *slab;
	u8 *base = NULL;
	void *object, *last;
	size_t same;

	object = p[--size];
	slab = kmm_virt_to_slab_m(s->machine, object);
	if (slab) {
		base = slab_address_m(s->machine, slab);
		objects = slab->objects;
	}
	if (unlikely(!slab || slab->slab_cache != s ||
		     !bulk_object_ok(s, base, objects, object))) {
		kmem_cache_free(s, object);
		df->slab = NULL;
		return size;
	}
	df->slab = slab;
	df->cnt = 1;
	last = object;
	same = size;
	while (size) {
		object = p[--size];
		if (bulk_object_ok(s, base, objects, object)) {
			/*
			 * The hardened set_freepointer's BUG_ON(object == fp):
			 * reported, and the repeat dropped.
			 */
			if (unlikely(object == last)) {
				slab_err(s, slab, "Object at 0x%px is already free (freelist head)",
					 KA(object));
				p[size] = NULL;
			}
			last = object;
			df->cnt++;
			same--;
			if (size != same) {
				void *t = p[size];

				p[size] = p[same];
				p[same] = t;
			}
			continue;
		}
		if (!--lookahead)
			break;
	}
	return same;
}

/*
 * Link a detached group's objects (NULL entries skipped) into one list,
 * *@head to *@tail; the number linked, or -1 as soon as an object is
 * @cpu_head or @slab_head, already free at the head of a freelist (whose
 * next pointer must not be written; the objects linked so far are not
 * free yet, so their pointers may be).  @hardened is SC(s)->hardened.
 */
static inline __attribute__((always_inline)) int
link_group(struct kmem_cache *s, void **g, int n, void *cpu_head,
	   void *slab_head, void **head, void **tail, bool hardened)
{
	void *h = NULL, *t = NULL;
	int cnt = 0;

	for (int i = 0; i < n; i++) {
		if (!g[i])
			continue;
		if (unlikely(g[i] == cpu_head || g[i] == slab_head))
			return -1;
		set_freepointer_fast(s, g[i], h, hardened);
		if (!t)
			t = g[i];
		h = g[i];
		cnt++;
	}
	*head = h;
	*tail = t;
	return cnt;
}

/*
 * kmem_cache_free_bulk (6.12): each detached freelist goes to its slab in
 * one do_slab_free.  Caches with debugging, and init_on_free (whose
 * slab_free_freelist_hook clears each object), free one by one, with
 * every check, and so does a group with an object at the head of the
 * CPU's or the slab's freelist (an object already free), so that
 * kmem_cache_free reports it without the rest of that freelist being
 * lost.  A single object never comes here: slab_common hands it to
 * kmem_cache_free.
 */
static void slub_free_bulk(struct kmem_cache *s, size_t size, void **p,
			   unsigned long caller)
{
	struct kmm_machine *m = s->machine;

	if (kmem_cache_debug(s) || m->init_on_free || m->debug_pagealloc) {
		for (size_t i = 0; i < size; i++)
			kmem_cache_free(s, p[i]);
		return;
	}
	while (size) {
		struct detached_freelist df;
		void **g, *head = NULL, *tail = NULL, *cpu_head, *slab_head;
		struct kmem_cache_cpu *c;
		int cnt, how;

		size = build_detached_freelist(s, size, p, &df);
		if (!df.slab)
			continue;
		g = &p[size];
		c = this_cpu_slab(s);
		how = slub_cpu_lock(s, c);
		cpu_head = c->freelist;
		slub_cpu_unlock(c, how);
		slab_head = read_slab_freelist(df.slab);
		if (SC(s)->hardened)
			cnt = link_group(s, g, df.cnt, cpu_head, slab_head,
					 &head, &tail, true);
		else
			cnt = link_group(s, g, df.cnt, cpu_head, slab_head,
					 &head, &tail, false);
		if (unlikely(cnt < 0)) {
			/* The one already free first: reported, not freed. */
			for (int i = 0; i < df.cnt; i++)
				if (g[i] && (g[i] == cpu_head || g[i] == slab_head)) {
					kmem_cache_free(s, g[i]);
					g[i] = NULL;
				}
			for (int i = 0; i < df.cnt; i++)
				if (g[i])
					kmem_cache_free(s, g[i]);
			continue;
		}
		/* A list of one: as kmem_cache_free would, fast if it can. */
		if (cnt == 1 && slub_free_fast_any(m, s, head))
			continue;
		do_slab_free(s, df.slab, head, tail, cnt, caller);
	}
}

/* --- Cache creation ------------------------------------------------------------- */

static unsigned int calc_slab_order(unsigned int size, unsigned int min_order,
				    unsigned int max_order,
				    unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= max_order; order++) {
		unsigned int slab_size = (unsigned int)PAGE_SIZE << order;
		unsigned int rem = slab_size % size;

		if (rem <= slab_size / fract_leftover)
			break;
	}
	return order;
}

static int calculate_order(unsigned int size)
{
	struct slub_globals *g = G();
	unsigned int order, min_objects, max_objects, min_order;

	min_objects = g->min_objects;
	if (!min_objects) {
		unsigned int nr_cpus = (unsigned int)M()->nr_cpus;

		min_objects = 4 * ((unsigned int)fls(nr_cpus) + 1);
	}
	max_objects = max(order_objects(g->max_order, size), 1U);
	min_objects = min(min_objects, max_objects);
	min_order = max_t(unsigned int, g->min_order,
			  get_order((unsigned long)min_objects * size));
	if (order_objects(min_order, size) > MAX_OBJS_PER_PAGE)
		return (int)get_order((unsigned long)size * MAX_OBJS_PER_PAGE) - 1;
	for (unsigned int fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(size, min_order, g->max_order, fraction);
		if (order <= g->max_order)
			return (int)order;
	}
	order = get_order(size);
	if (order <= MAX_PAGE_ORDER)
		return (int)order;
	return -ENOSYS;
}

static bool calculate_sizes(struct kmem_cache *s)
{
	struct slub_cache *sc = SC(s);
	slab_flags_t flags = s->flags;
	unsigned int size = s->object_size;
	int order;

	size = ALIGN(size, (unsigned int)sizeof(void *));
	if ((flags & SLAB_POISON) && !(flags & SLAB_TYPESAFE_BY_RCU) && !s->ctor)
		s->flags |= __OBJECT_POISON;
	else
		s->flags &= ~__OBJECT_POISON;
	if ((flags & SLAB_RED_ZONE) && size == s->object_size)
		size += sizeof(void *);
	sc->inuse = size;
	if ((flags & SLAB_TYPESAFE_BY_RCU) || (flags & SLAB_POISON) || s->ctor ||
	    ((flags & SLAB_RED_ZONE) &&
	     (s->object_size < sizeof(void *) || slub_debug_orig_size(s)))) {
		sc->offset = size;
		size += sizeof(void *);
	} else {
		sc->offset = ALIGN_DOWN(s->object_size / 2,
					(unsigned int)sizeof(void *));
	}
	if (flags & SLAB_STORE_USER) {
		size += 2 * sizeof(struct track);
		if (flags & SLAB_KMALLOC)
			size += sizeof(unsigned long);
	}
	if (flags & SLAB_RED_ZONE) {
		size += sizeof(void *);
		sc->red_left_pad = ALIGN((unsigned int)sizeof(void *), s->align);
		size += sc->red_left_pad;
	} else {
		sc->red_left_pad = 0;
	}
	size = ALIGN(size, s->align);
	s->size = size;
	sc->reciprocal_size = (unsigned int)(((1ULL << 32) + size - 1) / size);
	slub_set_size_inv(sc, size);
	order = calculate_order(size);
	if (order < 0)
		return false;
	s->allocflags = __GFP_COMP;
	if (s->flags & SLAB_CACHE_DMA)
		s->allocflags |= GFP_DMA;
	if (s->flags & SLAB_CACHE_DMA32)
		s->allocflags |= GFP_DMA32;
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	sc->oo = oo_make((unsigned int)order, size);
	sc->min = oo_make(get_order(size), size);
	s->order = (unsigned int)order;
	s->objects = oo_objects(sc->oo);
	return oo_objects(sc->oo) != 0;
}

static void set_cpu_partial(struct kmem_cache *s)
{
	struct slub_cache *sc = SC(s);
	unsigned int nr_objects;

	if (!kmem_cache_has_cpu_partial(s))
		nr_objects = 0;
	else if (s->size >= PAGE_SIZE)
		nr_objects = 6;
	else if (s->size >= 1024)
		nr_objects = 24;
	else if (s->size >= 256)
		nr_objects = 52;
	else
		nr_objects = 120;
	sc->cpu_partial = nr_objects;
	sc->cpu_partial_slabs = DIV_ROUND_UP(nr_objects * 2, oo_objects(sc->oo));
}

static void init_kmem_cache_node(struct kmem_cache_node *n)
{
	n->nr_partial = 0;
	spin_lock_init(&n->list_lock);
	INIT_LIST_HEAD(&n->partial);
	atomic_store(&n->nr_slabs, 0);
	atomic_store(&n->total_objects, 0);
	INIT_LIST_HEAD(&n->full);
}

/* The node structure of the kmem_cache_node cache itself (boot only). */
static int early_kmem_cache_node_alloc(int node)
{
	struct kmem_cache *kcn = slab_st()->kmem_cache_node;
	struct kmem_cache_node *n;
	struct slab *slab;

	slab = new_slab(kcn, GFP_NOWAIT, node);
	if (!slab)
		return -ENOMEM;
	if (slab_nid(slab) != node) {
		pr_err("SLUB: Unable to allocate memory from node %d\n", node);
		pr_err("SLUB: Allocating a useless per node structure in order to be able to continue\n");
	}
	n = slab->freelist;
	slab->freelist = get_freepointer(kcn, n);
	slab->inuse = 1;
	if (kcn->flags & SLAB_RED_ZONE)
		init_object(kcn, n, SLUB_RED_ACTIVE);
	SC(kcn)->node[node] = n;
	init_kmem_cache_node(n);
	inc_slabs_node(kcn, node, slab->objects);
	add_partial(n, slab, DEACTIVATE_TO_HEAD);
	return 0;
}

static void free_kmem_cache_nodes(struct kmem_cache *s)
{
	struct kmem_cache_node *n;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		SC(s)->node[node] = NULL;
		kmem_cache_free(slab_st()->kmem_cache_node, n);
	}
}

static int init_kmem_cache_nodes(struct kmem_cache *s)
{
	struct kmm_slab_state *st = slab_st();

	for (int node = 0; node < KMM_MAX_NODES; node++) {
		struct kmem_cache_node *n;

		if (!node_isset(node, &G()->slab_nodes))
			continue;
		if (st->state == DOWN) {
			if (early_kmem_cache_node_alloc(node))
				return -ENOMEM;
			continue;
		}
		n = kmem_cache_alloc_node(st->kmem_cache_node, GFP_KERNEL, node);
		if (!n)
			return -ENOMEM;
		init_kmem_cache_node(n);
		SC(s)->node[node] = n;
	}
	return 0;
}

static void slub_release(struct kmem_cache *s)
{
	struct slub_cache *sc = SC(s);

	if (sc->random_seq) {
		kfree(sc->random_seq);
		sc->random_seq = NULL;
	}
	slab_percpu_free(sc->cpu_slab);
	sc->cpu_slab = NULL;
	free_kmem_cache_nodes(s);
}

static int slub_create(struct kmem_cache *s)
{
	struct kmm_machine *m = M();
	struct slub_cache *sc = SC(s);
	int err = -EINVAL;

	memset(sc, 0, sizeof(*sc) +
	       (size_t)m->nr_node_ids * sizeof(struct kmem_cache_node *));
	s->flags = kmem_cache_flags(s->name, s->flags);
	/*
	 * slab_post_alloc_hook (6.12): a kmalloc cache with store-user or red
	 * zones clears only the bytes asked for, not the extra ones (red
	 * zoned when the request is tracked).
	 */
	s->zero_orig_size = (s->flags & (SLAB_STORE_USER | SLAB_RED_ZONE)) &&
			    (s->flags & SLAB_KMALLOC);
	if (m->params.slab.freelist_hardened) {
		sc->hardened = true;
		sc->random = (unsigned long)slub_random();
	}
	if (!calculate_sizes(s))
		goto out;
	if (G()->disable_higher_order_debug &&
	    get_order(s->size) > get_order(s->object_size)) {
		s->flags &= ~DEBUG_METADATA_FLAGS;
		sc->offset = 0;
		if (!calculate_sizes(s))
			goto out;
	}
	s->flags |= __CMPXCHG_DOUBLE;
	sc->min_partial = min_t(unsigned long, MAX_PARTIAL,
				(unsigned long)ilog2(s->size) / 2);
	sc->min_partial = max_t(unsigned long, MIN_PARTIAL, sc->min_partial);
	set_cpu_partial(s);
	err = -ENOMEM;
	if (slab_st()->state >= UP && init_cache_random_seq(s))
		goto out;
	sc->cpu_slab = slab_percpu_alloc(sizeof(struct kmem_cache_cpu) *
					 (size_t)m->nr_cpus);
	if (!sc->cpu_slab)
		goto out;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		sc->cpu_slab[cpu].tid = (unsigned long)cpu;
		kmm_pcpu_lock_init(&sc->cpu_slab[cpu].lock);
	}
	if (init_kmem_cache_nodes(s))
		goto out;
	return 0;
out:
	slub_release(s);
	return err;
}

static void list_slab_objects(struct kmem_cache *s, struct slab *slab)
{
	struct slub_globals *g = G();
	u8 *addr = slab_address(slab);
	void *p;

	slab_bug(s, "Objects remaining on __kmem_cache_shutdown()");
	spin_lock(&g->object_map_lock);
	memset(g->object_map, 0, sizeof(g->object_map));
	for (p = slab->freelist; p; p = get_freepointer(s, p))
		g->object_map[obj_to_index(s, addr, p) / 64] |=
			1UL << (obj_to_index(s, addr, p) % 64);
	for_each_object(p, s, addr, slab->objects) {
		unsigned int i = obj_to_index(s, addr, p);

		if (!(g->object_map[i / 64] & (1UL << (i % 64)))) {
			pr_err("Object 0x%px @offset=%lu\n", KA(p),
			       (unsigned long)((u8 *)p - addr));
			print_tracking(s, p);
		}
	}
	spin_unlock(&g->object_map_lock);
	print_slab_info(slab);		/* __slab_err() */
	slab_taint_bad_page();
	WARN_ON(1);
}

static void free_partial(struct kmem_cache *s, struct kmem_cache_node *n)
{
	LIST_HEAD(discard);
	struct slab *slab, *h;

	spin_lock(&n->list_lock);
	list_for_each_entry_safe(slab, h, &n->partial, slab_list) {
		if (!slab->inuse) {
			remove_partial(n, slab);
			list_add(&slab->slab_list, &discard);
		} else {
			list_slab_objects(s, slab);
		}
	}
	spin_unlock(&n->list_lock);
	list_for_each_entry_safe(slab, h, &discard, slab_list)
		discard_slab(s, slab);
}

static int slub_shutdown(struct kmem_cache *s)
{
	struct kmem_cache_node *n;
	int node;

	flush_all(s);
	for_each_kmem_cache_node(s, node, n) {
		free_partial(s, n);
		if (nr_partial(n) || atomic_load(&n->nr_slabs))
			return -EBUSY;
	}
	return 0;
}

static int slub_shrink(struct kmem_cache *s)
{
	struct list_head discard, promote[SHRINK_PROMOTE_MAX];
	struct kmem_cache_node *n;
	struct slab *slab, *t;
	int node, ret = 0;

	flush_all(s);
	for_each_kmem_cache_node(s, node, n) {
		INIT_LIST_HEAD(&discard);
		for (int i = 0; i < SHRINK_PROMOTE_MAX; i++)
			INIT_LIST_HEAD(promote + i);
		spin_lock(&n->list_lock);
		list_for_each_entry_safe(slab, t, &n->partial, slab_list) {
			int free = (int)slab->objects - (int)slab->inuse;

			if (free == (int)slab->objects) {
				list_move(&slab->slab_list, &discard);
				slab_clear_node_partial(slab);
				nr_partial_add(n, -1);
				dec_slabs_node(s, node, slab->objects);
			} else if (free <= SHRINK_PROMOTE_MAX) {
				list_move(&slab->slab_list, promote + free - 1);
			}
		}
		for (int i = SHRINK_PROMOTE_MAX - 1; i >= 0; i--)
			list_splice(promote + i, &n->partial);
		spin_unlock(&n->list_lock);
		list_for_each_entry_safe(slab, t, &discard, slab_list)
			free_slab(s, slab);
		if (atomic_load(&n->nr_slabs))
			ret = 1;
	}
	return ret;	/* 1: slabs remain (Linux), not an error code */
}

/* --- Reports -------------------------------------------------------------------- */

static void slub_get_info(struct kmem_cache *s, struct slabinfo *sinfo)
{
	unsigned long nr_slabs = 0, nr_objs = 0, nr_free = 0;
	struct kmem_cache_node *n;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		nr_slabs += (unsigned long)atomic_load(&n->nr_slabs);
		nr_objs += (unsigned long)atomic_load(&n->total_objects);
		nr_free += count_partial_free(n);
	}
	sinfo->active_objs = nr_objs - nr_free;
	sinfo->num_objs = nr_objs;
	sinfo->active_slabs = nr_slabs;
	sinfo->num_slabs = nr_slabs;
	sinfo->objects_per_slab = oo_objects(SC(s)->oo);
	sinfo->cache_order = oo_order(SC(s)->oo);
}

static unsigned long slub_objects_in_use(struct kmem_cache *s)
{
	struct slabinfo si;

	memset(&si, 0, sizeof(si));
	flush_all(s);
	slub_get_info(s, &si);
	return si.active_objs;
}

static void slub_show_details(struct kmem_cache *s, const struct kmm_sink *out)
{
	struct slub_cache *sc = SC(s);
	unsigned long partial = 0, cpu_slabs = 0, cpu_partial = 0, objs = 0;
	struct kmem_cache_node *n;
	int node;

	for_each_kmem_cache_node(s, node, n) {
		partial += n->nr_partial;
		objs += (unsigned long)atomic_load(&n->total_objects);
	}
	for (int cpu = 0; cpu < M()->nr_cpus; cpu++) {
		struct kmem_cache_cpu *c = &sc->cpu_slab[cpu];

		if (c->slab)
			cpu_slabs++;
		if (c->partial)
			cpu_partial += (unsigned long)c->partial->slabs;
	}
	kmm_sink_printf(out, "  slab_size %u object_size %u objs_per_slab %u order %u min_order %u\n",
			s->size, s->object_size, oo_objects(sc->oo),
			oo_order(sc->oo), oo_order(sc->min));
	kmm_sink_printf(out, "  objects %lu partial %lu cpu_slabs %lu slabs_cpu_partial %lu min_partial %lu cpu_partial %u\n",
			objs, partial, cpu_slabs, cpu_partial, sc->min_partial,
			sc->cpu_partial);
	kmm_sink_printf(out, "  offset %u inuse %u red_left_pad %u align %u ctor %s\n",
			sc->offset, sc->inuse, sc->red_left_pad, s->align,
			s->ctor ? "yes" : "no");
	kmm_sink_printf(out, "  sanity_checks %d red_zone %d poison %d store_user %d trace %d reclaim_account %d hwcache_align %d cache_dma %d destroy_by_rcu %d\n",
			!!(s->flags & SLAB_CONSISTENCY_CHECKS),
			!!(s->flags & SLAB_RED_ZONE),
			!!(s->flags & SLAB_POISON),
			!!(s->flags & SLAB_STORE_USER),
			!!(s->flags & SLAB_TRACE),
			!!(s->flags & SLAB_RECLAIM_ACCOUNT),
			!!(s->flags & SLAB_HWCACHE_ALIGN),
			!!(s->flags & SLAB_CACHE_DMA),
			!!(s->flags & SLAB_TYPESAFE_BY_RCU));
}

static void validate_slab(struct kmem_cache *s, struct slab *slab,
			  long *problems)
{
	struct slub_globals *g = G();
	u8 *addr = slab_address(slab);
	long before = atomic_load(&slab_st()->errors);
	void *p;

	if (!check_slab(s, slab) || !on_freelist(s, slab, NULL)) {
		(*problems)++;
		return;
	}
	spin_lock(&g->object_map_lock);
	memset(g->object_map, 0, sizeof(g->object_map));
	for (p = slab->freelist; p; p = get_freepointer(s, p)) {
		unsigned int i = obj_to_index(s, addr, p);

		g->object_map[i / 64] |= 1UL << (i % 64);
	}
	for_each_object(p, s, addr, slab->objects) {
		unsigned int i = obj_to_index(s, addr, p);
		u8 val = (g->object_map[i / 64] & (1UL << (i % 64))) ?
			 SLUB_RED_INACTIVE : SLUB_RED_ACTIVE;

		if (val == SLUB_RED_INACTIVE || (s->flags & SLAB_RED_ZONE))
			if (kmem_cache_debug(s))
				check_object(s, slab, p, val);
	}
	spin_unlock(&g->object_map_lock);
	if (atomic_load(&slab_st()->errors) != before)
		(*problems)++;
}

static long slub_validate(struct kmem_cache *s)
{
	struct kmem_cache_node *n;
	struct slab *slab;
	long problems = 0;
	int node;

	flush_all(s);
	for_each_kmem_cache_node(s, node, n) {
		unsigned long count = 0;

		spin_lock(&n->list_lock);
		list_for_each_entry(slab, &n->partial, slab_list) {
			validate_slab(s, slab, &problems);
			count++;
		}
		if (count != n->nr_partial) {
			pr_err("SLUB %s: %lu partial slabs counted but counter=%lu\n",
			       s->name, count, n->nr_partial);
			slab_count_error();
			problems++;
		}
		if (s->flags & SLAB_STORE_USER) {
			count = 0;
			list_for_each_entry(slab, &n->full, slab_list) {
				validate_slab(s, slab, &problems);
				count++;
			}
			/*
			 * Every slab is on a list after flush_all (a CPU that
			 * takes a new slab meanwhile is reported, as Linux).
			 */
			if (count + n->nr_partial !=
			    (unsigned long)atomic_load(&n->nr_slabs)) {
				pr_err("SLUB: %s %lu slabs counted but counter=%ld\n",
				       s->name, count + n->nr_partial,
				       atomic_load(&n->nr_slabs));
				slab_count_error();
				problems++;
			}
		}
		spin_unlock(&n->list_lock);
	}
	return problems;
}

/*
 * ksize(): the caller may now use every byte returned, so the kmalloc red
 * zone check moves to the object's end (skip_orig_size_check).
 */
static size_t slub_object_usable(struct kmem_cache *s, const void *x)
{
	set_orig_size(s, (void *)x, s->object_size);
	if (s->flags & (SLAB_RED_ZONE | SLAB_POISON))
		return s->object_size;
	if (s->flags & (SLAB_TYPESAFE_BY_RCU | SLAB_STORE_USER))
		return SC(s)->inuse;
	return s->size;
}

static void slub_report_leaks(struct kmem_cache *s)
{
}

/* --- Boot ------------------------------------------------------------------------- */

/*
 * The "kmem_cache" cache's object size as 6.12 has it on a Debian build:
 * offsetof(struct kmem_cache, node) = 216 (SLUB_CPU_PARTIAL, SYSFS's
 * kobject, FREELIST_HARDENED and _RANDOM, NUMA, HARDENED_USERCOPY), plus
 * a node pointer per possible node.  kmm's struct (with SLUB's part) is
 * smaller, and lives in these objects.
 */
#define SLUB_KMEM_CACHE_NODE_OFFSET	216

static unsigned int kmem_cache_objsize(void)
{
	size_t linux_size = SLUB_KMEM_CACHE_NODE_OFFSET +
			    (size_t)M()->nr_node_ids * sizeof(void *);

	return (unsigned int)max(linux_size, kmem_cache_struct_size());
}

/* Move a boot cache into an object of kmem_cache (bootstrap()). */
static struct kmem_cache *bootstrap(struct kmem_cache *static_cache)
{
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *s = kmem_cache_zalloc(st->kmem_cache, GFP_NOWAIT);
	struct kmem_cache_node *n;
	struct slab *p;
	int node;

	/* The name moves with the rest. */
	memcpy(s, static_cache, kmem_cache_struct_size());
	INIT_LIST_HEAD(&s->list);
	kmm_cpu_revoke(s->machine, slab_cpu());
	flush_slab(s, &SC(s)->cpu_slab[slab_cpu()]);
	kmm_cpu_unrevoke(s->machine, slab_cpu());
	for_each_kmem_cache_node(s, node, n) {
		list_for_each_entry(p, &n->partial, slab_list)
			p->slab_cache = s;
		list_for_each_entry(p, &n->full, slab_list)
			p->slab_cache = s;
	}
	list_add(&s->list, &st->caches);
	return s;
}

static int slub_init(void)
{
	struct kmm_machine *m = M();
	struct kmm_slab_state *st = slab_st();
	struct kmem_cache *boot_cache, *boot_node;
	struct slub_globals *g;
	size_t csize = sizeof(struct kmem_cache) + sizeof(struct slub_cache) +
		       (size_t)m->nr_node_ids * sizeof(struct kmem_cache_node *);

	if (!slab_counters_layout_ok()) {
		pr_err("SLUB: struct slab's counters are laid out as kmm does not expect\n");
		return -EINVAL;
	}
	g = kmm_plat_alloc_aligned(sizeof(*g), 64);
	boot_cache = kmm_plat_alloc_aligned(csize, 64);
	boot_node = kmm_plat_alloc_aligned(csize, 64);
	if (!g || !boot_cache || !boot_node)
		return -ENOMEM;
	memset(g, 0, sizeof(*g));
	memset(boot_cache, 0, csize);
	memset(boot_node, 0, csize);
	g->boot_cache = boot_cache;
	g->boot_cache_node = boot_node;
	st->be_state = g;
	spin_lock_init(&g->rng_lock);
	spin_lock_init(&g->object_map_lock);
	g->rng = 0x5eed5eed12345678ULL;
	ratelimit_state_init(&g->oom_rs, DEFAULT_RATELIMIT_INTERVAL,
			     DEFAULT_RATELIMIT_BURST);
	g->max_order = PAGE_ALLOC_COSTLY_ORDER;
	if (m->params.slab.min_order >= 0)
		g->min_order = min_t(unsigned int,
				     (unsigned int)m->params.slab.min_order,
				     MAX_PAGE_ORDER);
	if (m->params.slab.max_order >= 0)
		g->max_order = min_t(unsigned int,
				     (unsigned int)m->params.slab.max_order,
				     MAX_PAGE_ORDER);
	if (g->min_order > g->max_order)
		g->max_order = g->min_order;
	if (m->params.slab.min_objects >= 0)
		g->min_objects = (unsigned int)m->params.slab.min_objects;
	/* Even without debug_pagealloc, as Linux. */
	if (m->debug_guardpage_minorder)
		g->max_order = 0;
	setup_slub_debug();
	for (int node = 0; node < KMM_MAX_NODES; node++)
		if (node_state(node, N_NORMAL_MEMORY))
			node_set(node, &g->slab_nodes);

	/* init_on_free: no fast free, whose objects would not be cleared. */
	if (m->init_on_free)
		m->kfree_fn = kfree_lookup;
	else if (m->params.slab.freelist_hardened)
		m->kfree_fn = slub_kfree_hard;
	else
		m->kfree_fn = slub_kfree_plain;
	st->kmem_cache_node = boot_node;
	st->kmem_cache = boot_cache;
	if (slab_bootstrap_cache(boot_node, "kmem_cache_node",
				 sizeof(struct kmem_cache_node),
				 SLAB_HWCACHE_ALIGN | SLAB_NO_OBJ_EXT, 0, 0))
		return -ENOMEM;
	slab_set_state(PARTIAL);
	if (slab_bootstrap_cache(boot_cache, "kmem_cache", kmem_cache_objsize(),
				 SLAB_HWCACHE_ALIGN | SLAB_NO_OBJ_EXT, 0, 0))
		return -ENOMEM;
	st->kmem_cache = bootstrap(boot_cache);
	st->kmem_cache_node = bootstrap(boot_node);
	setup_kmalloc_cache_index_table();
	if (create_kmalloc_caches())
		return -ENOMEM;
	/* The table is complete: kmalloc may take its caches directly. */
	if (!m->init_on_alloc_or_free)
		m->kmalloc_fn = m->params.slab.freelist_hardened ?
			      slub_kmalloc_hard : slub_kmalloc_plain;
	else if (!m->init_on_free)
		m->kmalloc_fn = m->params.slab.freelist_hardened ?
			      slub_kmalloc_init_hard : slub_kmalloc_init_plain;
	{
		struct kmem_cache *s;

		list_for_each_entry(s, &st->caches, list)
			init_cache_random_seq(s);
	}
	pr_info("SLUB: HWalign=%d, Order=%u-%u, MinObjects=%u, CPUs=%u, Nodes=%u\n",
		64, g->min_order, g->max_order, g->min_objects,
		(unsigned int)m->nr_cpus, (unsigned int)m->nr_node_ids);
	return 0;
}

static void slub_destroy_machine(void)
{
	struct kmm_slab_state *st = slab_st();
	struct slub_globals *g = st->be_state;
	struct kmem_cache *s;

	if (!g)
		return;
	/* Per-CPU areas are host memory; slabs go with the machine's RAM. */
	list_for_each_entry(s, &st->caches, list) {
		slab_percpu_free(SC(s)->cpu_slab);
		SC(s)->cpu_slab = NULL;
	}
	list_for_each_entry(s, &st->orphans, list) {
		slab_percpu_free(SC(s)->cpu_slab);
		SC(s)->cpu_slab = NULL;
	}
	/*
	 * A boot that failed before bootstrap() moved a boot cache into its
	 * object leaves the name (and per-CPU area) with the static copy.
	 */
	if (g->boot_cache && st->kmem_cache == g->boot_cache) {
		slab_free_name(g->boot_cache);
		slab_percpu_free(SC(g->boot_cache)->cpu_slab);
	}
	if (g->boot_cache_node && st->kmem_cache_node == g->boot_cache_node) {
		slab_free_name(g->boot_cache_node);
		slab_percpu_free(SC(g->boot_cache_node)->cpu_slab);
	}
	kmm_plat_free(g->boot_cache);
	kmm_plat_free(g->boot_cache_node);
	kmm_plat_free(g);
	st->be_state = NULL;
}

const struct slab_backend kmm_slub_backend = {
	.name			= "SLUB",
	.kver			= KMM_KVER(6, 12),
	.cache_priv_size	= sizeof(struct slub_cache),
	.node_array_tail	= true,
	.init			= slub_init,
	.create			= slub_create,
	.shutdown		= slub_shutdown,
	.release		= slub_release,
	.alloc			= slub_alloc,
	.free			= slub_free,
	.set_fast_paths		= slub_set_fast_paths,
	.kfree			= slub_kfree_hard,	/* slub_init chooses */
	.alloc_bulk		= slub_alloc_bulk,
	.free_bulk		= slub_free_bulk,
	.shrink			= slub_shrink,
	.get_info		= slub_get_info,
	.show_details		= slub_show_details,
	.validate		= slub_validate,
	.print_tracking		= print_tracking,
	.object_usable		= slub_object_usable,
	.cache_flags		= slub_cache_flags,
	.objects_in_use		= slub_objects_in_use,
	.report_leaks		= slub_report_leaks,
	.destroy_machine	= slub_destroy_machine,
};
