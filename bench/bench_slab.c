/* SPDX-License-Identifier: MIT */
/*
 * bench_slab.c - kmm's slab allocators (SLUB and SLAB, one machine each,
 * booted in this process) beside user-space allocators and an ideal floor,
 * in one run:
 *
 *   cache pair    kmem_cache_alloc + kmem_cache_free of one 256-byte
 *                 object, hot ("fastpath reuse" of Jesper Brouer's
 *                 slab_bulk_test01)
 *   bulk N        N = 1..128 objects of 256 bytes allocated, then freed:
 *                 kmem_cache_alloc_bulk / kmem_cache_free_bulk for kmm,
 *                 loops of single calls for the others
 *   kmalloc       kmalloc + kfree, 8 B .. 16 KiB, in four orders: a pair
 *                 (alloc 1, free 1), a held batch of 64 freed LIFO, the
 *                 batch freed FIFO, and freed in a fixed-seed random order
 *   cross-thread  one thread allocates 256-byte objects and passes them
 *                 through a lock-free single-producer/single-consumer ring
 *                 to a second thread that frees them
 *
 * Allocators: kmm SLUB, kmm SLAB, glibc malloc (this process's malloc),
 * mimalloc, jemalloc, tcmalloc and GLib's g_slice, each called through its
 * own API: the peers are loaded with dlopen(RTLD_LOCAL | RTLD_DEEPBIND)
 * so none of them replaces malloc, and a missing one is reported as "not
 * loaded" with the reason.  The floor is an ideal thread-local LIFO free
 * list of fixed-size blocks behind a non-inlined call (a pop and a push).
 *
 * ns/op is wall time, best of 5 runs, the allocators interleaved within
 * each run.  Objects are not written to (as in slab_bulk_test01 and
 * slab_test).  --callgrind N OP [ALLOC] only does N pairs (OP cachepair256
 * or kmalloc<size>), N kmallocs and kfrees in held batches of 64 freed
 * LIFO (lifo<size>) or N rounds of bulk<N>, so that two callgrind runs
 * give instructions per operation by difference (bench/callgrind_slab.sh).
 */
#include <dlfcn.h>
#include <gnu/libc-version.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kmm/kmm.h>
#include <kmm/gfp.h>
#include <kmm/slab.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BENCH_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif
#ifndef BENCH_SANITIZED
#define BENCH_SANITIZED 0
#endif

#define STATIC_TLS	"glibc.rtld.optional_static_tls=16384"
#define BATCH		64	/* objects held by the batch orders */
#define NR_PERMS	16	/* random orders, cycled */
#define MAX_BULK	128
#define RUNS		5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Keep the compiler from dropping an allocation it could prove unused. */
#define USE(p) __asm__ volatile("" : : "r"(p) : "memory")

/* --- The allocators --------------------------------------------------- */

enum {
	A_FLOOR, A_SLUB, A_SLAB, A_GLIBC, A_MI, A_JE, A_TC, A_GSLICE, NR_ALLOC
};

static const char *const alloc_name[NR_ALLOC] = {
	"floor", "SLUB", "SLAB", "glibc", "mimalloc", "jemalloc", "tcmalloc",
	"g_slice",
};

static bool avail[NR_ALLOC];
static char version[NR_ALLOC][192];
static char missing[NR_ALLOC][160];

/* Peers' entry points, from dlsym. */
static void *(*mi_malloc_p)(size_t);
static void (*mi_free_p)(void *);
static void *(*je_malloc_p)(size_t);
static void (*je_free_p)(void *);
static void *(*tc_malloc_p)(size_t);
static void (*tc_free_p)(void *);
static void *(*g_slice_alloc_p)(unsigned long);
static void (*g_slice_free1_p)(unsigned long, void *);

/* The machines and the 256-byte cache of each. */
static struct kmm_machine *mach[NR_ALLOC];
static struct kmem_cache *cache256[NR_ALLOC];

/*
 * The floor: a thread-local intrusive LIFO of fixed-size blocks, carved
 * from an arena at the block size of the test (so a batch of blocks has
 * the same cache footprint as an allocator's), behind a non-inlined call.
 */
#define FLOOR_BLOCKS	256
#define FLOOR_MAX	16384
static _Thread_local void *floor_head;

static __attribute__((noinline)) void *floor_alloc(void)
{
	void *p = floor_head;

	if (p)
		floor_head = *(void **)p;
	return p;
}

static __attribute__((noinline)) void floor_free(void *p)
{
	*(void **)p = floor_head;
	floor_head = p;
}

static char *floor_arena;

static void floor_reset(size_t size)
{
	size = (size + 7) & ~(size_t)7;
	floor_head = NULL;
	for (int i = FLOOR_BLOCKS - 1; i >= 0; i--)
		floor_free(floor_arena + (size_t)i * size);
}

static void *dl(const char *lib, int a, const char *const *syms, void **out,
		int n)
{
	void *h;

	if (BENCH_SANITIZED) {
		snprintf(missing[a], sizeof(missing[a]),
			 "not loaded (sanitizer build: no RTLD_DEEPBIND)");
		return NULL;
	}
	h = dlopen(lib, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
	if (!h) {
		snprintf(missing[a], sizeof(missing[a]), "not loaded: %s",
			 dlerror());
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		out[i] = dlsym(h, syms[i]);
		if (!out[i]) {
			snprintf(missing[a], sizeof(missing[a]),
				 "not usable (%s has no %s)", lib, syms[i]);
			return NULL;
		}
	}
	avail[a] = true;
	return h;
}

static void load_peers(void)
{
	void *h, *fn[2];

	avail[A_FLOOR] = true;
	avail[A_GLIBC] = true;
	snprintf(version[A_GLIBC], sizeof(version[A_GLIBC]), "glibc %s",
		 gnu_get_libc_version());

	h = dl("libmimalloc.so.2", A_MI,
	       (const char *const[]){ "mi_malloc", "mi_free" }, fn, 2);
	if (h) {
		int (*ver)(void) = (int (*)(void))dlsym(h, "mi_version");
		int v = ver ? ver() : 0;

		mi_malloc_p = (void *(*)(size_t))fn[0];
		mi_free_p = (void (*)(void *))fn[1];
		snprintf(version[A_MI], sizeof(version[A_MI]),
			 "mimalloc %d.%d.%d (mi_malloc/mi_free)", v / 100,
			 v / 10 % 10, v % 10);
	}
	/*
	 * Debian's jemalloc is built without a prefix: no je_* entry points.
	 * Its own malloc/free, found with dlsym on its handle, are its fast
	 * paths (mallocx/dallocx measured about twice as slow here).
	 */
	h = dl("libjemalloc.so.2", A_JE,
	       (const char *const[]){ "malloc", "free" }, fn, 2);
	if (h && (fn[0] == (void *)malloc || fn[1] == (void *)free)) {
		snprintf(missing[A_JE], sizeof(missing[A_JE]),
			 "not usable (dlsym gave glibc's malloc)");
		avail[A_JE] = false;
		h = NULL;
	}
	if (h) {
		int (*ctl)(const char *, void *, size_t *, void *, size_t) =
			(int (*)(const char *, void *, size_t *, void *,
				 size_t))dlsym(h, "mallctl");
		const char *v = "?";
		size_t len = sizeof(v);

		je_malloc_p = (void *(*)(size_t))fn[0];
		je_free_p = (void (*)(void *))fn[1];
		if (ctl)
			ctl("version", &v, &len, NULL, 0);
		snprintf(version[A_JE], sizeof(version[A_JE]),
			 "jemalloc %.40s (its malloc/free)%s", v,
			 getenv("KMM_BENCH_SLAB_REEXEC") ?
				 ", loaded with " STATIC_TLS : "");
	}
	h = dl("libtcmalloc_minimal.so.4", A_TC,
	       (const char *const[]){ "tc_malloc", "tc_free" }, fn, 2);
	if (h) {
		const char *(*ver)(int *, int *, const char **) =
			(const char *(*)(int *, int *, const char **))
				dlsym(h, "tc_version");
		int ma = 0, mi = 0;
		const char *pat = "";

		tc_malloc_p = (void *(*)(size_t))fn[0];
		tc_free_p = (void (*)(void *))fn[1];
		if (ver)
			ver(&ma, &mi, &pat);
		snprintf(version[A_TC], sizeof(version[A_TC]),
			 "gperftools tcmalloc_minimal %d.%d%s (tc_malloc/tc_free)",
			 ma, mi, pat ? pat : "");
	}
	h = dl("libglib-2.0.so.0", A_GSLICE,
	       (const char *const[]){ "g_slice_alloc", "g_slice_free1" }, fn,
	       2);
	if (h) {
		const unsigned int *ma = dlsym(h, "glib_major_version");
		const unsigned int *mi = dlsym(h, "glib_minor_version");
		const unsigned int *mc = dlsym(h, "glib_micro_version");
		unsigned int a = ma ? *ma : 0, b = mi ? *mi : 0;

		g_slice_alloc_p = (void *(*)(unsigned long))fn[0];
		g_slice_free1_p = (void (*)(unsigned long, void *))fn[1];
		/* GLib 2.76 turned GSlice into a thin wrapper over malloc. */
		snprintf(version[A_GSLICE], sizeof(version[A_GSLICE]),
			 "GLib %u.%u.%u g_slice: %s%s", a, b, mc ? *mc : 0,
			 a > 2 || (a == 2 && b >= 76) ?
				 "a thin wrapper over malloc (GLib >= 2.76)" :
				 "GSlice's magazine slab allocator (GLib < 2.76)",
			 getenv("G_SLICE") ? " [G_SLICE set]" : "");
	}
}

/* --- The timed loops, one copy per allocator ------------------------- */

/*
 * ALLOC(size) and FREE(p, size) are direct calls for kmm, glibc and the
 * floor, and calls through the dlsym'd pointer for the peers (what a call
 * through the PLT is too).
 */
#define FLOOR_ALLOC(n)		floor_alloc()
#define FLOOR_FREE(p, n)	floor_free(p)
#define KMM_ALLOC(n)		kmalloc(n, GFP_KERNEL)
#define KMM_FREE(p, n)		kfree(p)
#define KC_ALLOC(n)		kmem_cache_alloc(kc, GFP_KERNEL)
#define KC_FREE(p, n)		kmem_cache_free(kc, p)
#define GLIBC_ALLOC(n)		malloc(n)
#define GLIBC_FREE(p, n)	free(p)
#define MI_ALLOC(n)		mi_malloc_p(n)
#define MI_FREE(p, n)		mi_free_p(p)
#define JE_ALLOC(n)		je_malloc_p(n)
#define JE_FREE(p, n)		je_free_p(p)
#define TC_ALLOC(n)		tc_malloc_p(n)
#define TC_FREE(p, n)		tc_free_p(p)
#define GS_ALLOC(n)		g_slice_alloc_p(n)
#define GS_FREE(p, n)		g_slice_free1_p(n, p)

enum order { O_PAIR, O_LIFO, O_FIFO, O_RANDOM, NR_ORDERS };
static const char *const order_name[NR_ORDERS] = {
	"pair (alloc 1, free 1)",
	"held batch of 64, freed LIFO",
	"batch of 64, freed FIFO (allocation order)",
	"batch of 64, freed in random order (fixed seed)",
};

static unsigned char perm[NR_PERMS][BATCH];

static void make_perms(void)
{
	unsigned long long x = 0x9e3779b97f4a7c15ULL;	/* fixed seed */

	for (int k = 0; k < NR_PERMS; k++) {
		for (int i = 0; i < BATCH; i++)
			perm[k][i] = (unsigned char)i;
		for (int i = BATCH - 1; i > 0; i--) {
			int j;
			unsigned char t;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			j = (int)(x % (unsigned long long)(i + 1));
			t = perm[k][i];
			perm[k][i] = perm[k][j];
			perm[k][j] = t;
		}
	}
}

/*
 * One run of @ops objects (allocations and frees) in @order; returns ns
 * per alloc+free pair.  kc is the kmem_cache for the KC_ variants.
 *
 * A few objects of the size stay allocated during the run, as they would
 * in a program (and in a kernel): otherwise an allocator that gives back
 * a page when its last object is freed (mimalloc retires it) would do that
 * on every pair.
 */
#define RESIDENT 4
#define DEFINE_RUN(NAME, ALLOC, FREE)					\
static __attribute__((unused)) double					\
run_##NAME(struct kmem_cache *kc, size_t n, int order, long ops)	\
{									\
	void *held[BATCH], *res[RESIDENT];				\
	long rounds;							\
	double t0, t;							\
									\
	(void)kc;							\
	for (int i = 0; i < RESIDENT; i++)				\
		res[i] = ALLOC(n);					\
	if (order == O_PAIR) {						\
		t0 = now_ns();						\
		for (long i = 0; i < ops; i++) {			\
			void *p = ALLOC(n);				\
									\
			USE(p);						\
			FREE(p, n);					\
		}							\
		t = (now_ns() - t0) / ops;				\
		goto out;						\
	}								\
	rounds = ops / BATCH;						\
	t0 = now_ns();							\
	for (long r = 0; r < rounds; r++) {				\
		for (int i = 0; i < BATCH; i++) {			\
			held[i] = ALLOC(n);				\
			USE(held[i]);					\
		}							\
		if (order == O_LIFO) {					\
			for (int i = BATCH - 1; i >= 0; i--)		\
				FREE(held[i], n);			\
		} else if (order == O_FIFO) {				\
			for (int i = 0; i < BATCH; i++)			\
				FREE(held[i], n);			\
		} else {						\
			const unsigned char *o = perm[r % NR_PERMS];	\
									\
			for (int i = 0; i < BATCH; i++)			\
				FREE(held[o[i]], n);			\
		}							\
	}								\
	t = (now_ns() - t0) / ((double)rounds * BATCH);			\
out:									\
	for (int i = 0; i < RESIDENT; i++)				\
		FREE(res[i], n);					\
	return t;							\
}									\
									\
/* N objects, then their frees in allocation order: ns per object. */	\
static __attribute__((unused)) double					\
bulk_##NAME(struct kmem_cache *kc, size_t n, int nr, long ops)		\
{									\
	void *p[MAX_BULK], *res[RESIDENT];				\
	long rounds = ops / nr;						\
	double t0, t;							\
									\
	(void)kc;							\
	for (int i = 0; i < RESIDENT; i++)				\
		res[i] = ALLOC(n);					\
	t0 = now_ns();							\
	for (long r = 0; r < rounds; r++) {				\
		for (int i = 0; i < nr; i++) {				\
			p[i] = ALLOC(n);				\
			USE(p[i]);					\
		}							\
		for (int i = 0; i < nr; i++)				\
			FREE(p[i], n);					\
	}								\
	t = (now_ns() - t0) / ((double)rounds * nr);			\
	for (int i = 0; i < RESIDENT; i++)				\
		FREE(res[i], n);					\
	return t;							\
}

DEFINE_RUN(floor, FLOOR_ALLOC, FLOOR_FREE)
DEFINE_RUN(kmalloc, KMM_ALLOC, KMM_FREE)
DEFINE_RUN(kcache, KC_ALLOC, KC_FREE)
DEFINE_RUN(glibc, GLIBC_ALLOC, GLIBC_FREE)
DEFINE_RUN(mi, MI_ALLOC, MI_FREE)
DEFINE_RUN(je, JE_ALLOC, JE_FREE)
DEFINE_RUN(tc, TC_ALLOC, TC_FREE)
DEFINE_RUN(gs, GS_ALLOC, GS_FREE)

/* kmm's bulk API: the same shape as bulk_*, one call each way. */
static double bulk_kmm_api(struct kmem_cache *kc, size_t n, int nr, long ops)
{
	void *p[MAX_BULK], *res[RESIDENT];
	long rounds = ops / nr;
	double t0, t;

	for (int i = 0; i < RESIDENT; i++)
		res[i] = kmem_cache_alloc(kc, GFP_KERNEL);
	t0 = now_ns();
	for (long r = 0; r < rounds; r++) {
		if (kmem_cache_alloc_bulk(kc, GFP_KERNEL, (size_t)nr, p) != nr) {
			t0 = 0;
			break;
		}
		USE(p[0]);
		kmem_cache_free_bulk(kc, (size_t)nr, p);
	}
	t = t0 ? (now_ns() - t0) / ((double)rounds * nr) : -2;
	for (int i = 0; i < RESIDENT; i++)
		kmem_cache_free(kc, res[i]);
	return t;
}

typedef double (*run_fn)(struct kmem_cache *, size_t, int, long);

static run_fn run_of(int a, bool cache_api)
{
	switch (a) {
	case A_FLOOR: return run_floor;
	case A_SLUB:
	case A_SLAB: return cache_api ? run_kcache : run_kmalloc;
	case A_GLIBC: return run_glibc;
	case A_MI: return run_mi;
	case A_JE: return run_je;
	case A_TC: return run_tc;
	case A_GSLICE: return run_gs;
	}
	return NULL;
}

static run_fn bulk_of(int a, bool singles)
{
	switch (a) {
	case A_FLOOR: return bulk_floor;
	case A_SLUB:
	case A_SLAB: return singles ? bulk_kcache : bulk_kmm_api;
	case A_GLIBC: return bulk_glibc;
	case A_MI: return bulk_mi;
	case A_JE: return bulk_je;
	case A_TC: return bulk_tc;
	case A_GSLICE: return bulk_gs;
	}
	return NULL;
}

/* Run on @a's machine (kmm) or on none (the others). */
static void enter(int a)
{
	kmm_machine_enter(a == A_SLUB || a == A_SLAB ? mach[a] : NULL);
}

/*
 * Best of RUNS for every available allocator, interleaved: each run times
 * every allocator once, so a slow spell of the machine hits them all.
 */
#define WARMUP_OPS	(BATCH * MAX_BULK)	/* a multiple of every N */
#define RUN_BUDGET_NS	15e6

enum kind { K_KMALLOC, K_CACHE, K_BULK, K_BULK_SINGLES };

static void measure(enum kind kind, size_t n, int order_or_nr, long ops,
		    double best[NR_ALLOC])
{
	long n_ops[NR_ALLOC];

	for (int a = 0; a < NR_ALLOC; a++)
		best[a] = avail[a] ? 1e30 : -1;
	/*
	 * Run -1 warms up and estimates; a timed run is @ops operations or
	 * RUN_BUDGET_NS, whichever is fewer (glibc trims and grows its heap
	 * with system calls on some patterns: microseconds per operation).
	 */
	for (int r = -1; r < RUNS; r++) {
		for (int a = 0; a < NR_ALLOC; a++) {
			run_fn f = kind >= K_BULK ?
				bulk_of(a, kind == K_BULK_SINGLES) :
				run_of(a, kind == K_CACHE);
			double t;

			if (!avail[a] || (kind == K_BULK_SINGLES &&
					  a != A_SLUB && a != A_SLAB))
				continue;
			enter(a);
			if (a == A_FLOOR)
				floor_reset(n);
			t = f(cache256[a], n, order_or_nr,
			      r < 0 ? WARMUP_OPS : n_ops[a]);
			if (r < 0) {
				double fit = RUN_BUDGET_NS / (t > 0.1 ? t : 0.1);

				n_ops[a] = fit < ops ? (long)fit : ops;
				if (n_ops[a] < WARMUP_OPS)
					n_ops[a] = WARMUP_OPS;
			} else if (t >= 0 && t < best[a] && best[a] != -2) {
				best[a] = t;
			}
			if (t < 0)
				best[a] = -2;	/* the bulk call failed */
		}
	}
	enter(A_FLOOR);
}

/* --- Cross-thread frees through an SPSC ring -------------------------- */

#define RING 1024	/* a power of two */

struct ring {
	_Alignas(64) atomic_ulong head;	/* written by the producer */
	_Alignas(64) atomic_ulong tail;	/* written by the consumer */
	_Alignas(64) void *slot[RING];
};

struct xthread {
	struct ring *ring;
	int a;
	long n;
	atomic_int *go;
	int cpu;
	bool failed;
};

/*
 * Wait politely: on a loaded 2-CPU machine the other thread may not be
 * running, and spinning through its time slice would only measure that.
 */
static void cpu_relax_n(unsigned int *spins)
{
	if (++*spins < 256) {
		__builtin_ia32_pause();
	} else {
		*spins = 0;
		sched_yield();
	}
}

static void cpu_relax(void)
{
	__builtin_ia32_pause();
}

static void *xalloc(int a, struct kmem_cache *kc, long i)
{
	switch (a) {
	case A_FLOOR: return &floor_arena[(i % FLOOR_BLOCKS) * 256];
	case A_SLUB:
	case A_SLAB: return kmem_cache_alloc(kc, GFP_KERNEL);
	case A_GLIBC: return malloc(256);
	case A_MI: return mi_malloc_p(256);
	case A_JE: return je_malloc_p(256);
	case A_TC: return tc_malloc_p(256);
	case A_GSLICE: return g_slice_alloc_p(256);
	}
	return NULL;
}

static void xfree(int a, struct kmem_cache *kc, void *p)
{
	switch (a) {
	case A_FLOOR: USE(p); break;
	case A_SLUB:
	case A_SLAB: kmem_cache_free(kc, p); break;
	case A_GLIBC: free(p); break;
	case A_MI: mi_free_p(p); break;
	case A_JE: je_free_p(p); break;
	case A_TC: tc_free_p(p); break;
	case A_GSLICE: g_slice_free1_p(256, p); break;
	}
}

static void xstart(struct xthread *x)
{
	enter(x->a);
	if (x->a == A_SLUB || x->a == A_SLAB)
		x->cpu = smp_processor_id();
	atomic_fetch_add(x->go, 1);
	while (atomic_load(x->go) < 3) {
		unsigned int spins = 0;

		cpu_relax_n(&spins);
	}
}

/*
 * The switch on the allocator is in the loop, but it is the same branch
 * every time and costs the floor (the ring alone) as much as the others.
 */
static void *producer(void *arg)
{
	struct xthread *x = arg;
	struct ring *rg = x->ring;
	struct kmem_cache *kc = cache256[x->a];
	unsigned long head = 0, tail = 0;
	unsigned int spins = 0;

	xstart(x);
	for (long i = 0; i < x->n; i++) {
		void *p = xalloc(x->a, kc, i);

		if (!p) {
			x->failed = true;
			p = &floor_arena[0];	/* keep the consumer going */
		}
		while (head - tail == RING) {
			tail = atomic_load_explicit(&rg->tail,
						    memory_order_acquire);
			if (head - tail == RING)
				cpu_relax_n(&spins);
		}
		rg->slot[head % RING] = p;
		atomic_store_explicit(&rg->head, ++head, memory_order_release);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct xthread *x = arg;
	struct ring *rg = x->ring;
	struct kmem_cache *kc = cache256[x->a];
	unsigned long head = 0, tail = 0;
	unsigned int spins = 0;

	xstart(x);
	while ((long)tail < x->n) {
		void *p;

		if (tail == head) {
			head = atomic_load_explicit(&rg->head,
						    memory_order_acquire);
			if (tail == head) {
				cpu_relax_n(&spins);
				continue;
			}
		}
		p = rg->slot[tail % RING];
		if (p != &floor_arena[0] || x->a == A_FLOOR)
			xfree(x->a, kc, p);
		atomic_store_explicit(&rg->tail, ++tail, memory_order_release);
	}
	return NULL;
}

/* ns per object passed: wall time from both threads ready to both done. */
static double xthread_run(int a, long n, int cpus[2])
{
	static struct ring rg;
	atomic_int go = 0;
	struct xthread p = { &rg, a, n, &go, -1, false }, c = p;
	pthread_t tp, tc;
	double t0;

	atomic_store(&rg.head, 0);
	atomic_store(&rg.tail, 0);
	pthread_create(&tp, NULL, producer, &p);
	pthread_create(&tc, NULL, consumer, &c);
	while (atomic_load(&go) < 2)
		cpu_relax();
	t0 = now_ns();
	atomic_store(&go, 3);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	cpus[0] = p.cpu;
	cpus[1] = c.cpu;
	return p.failed ? -2 : (now_ns() - t0) / n;
}

/* --- Output ------------------------------------------------------------ */

static void print_head(const char *first)
{
	printf("  %-10s", first);
	for (int a = 0; a < NR_ALLOC; a++)
		printf(" %13s", alloc_name[a]);
	printf("\n");
}

/* ns/op and the ratio to the floor, per allocator. */
static void print_row(const char *label, const double v[NR_ALLOC])
{
	printf("  %-10s", label);
	for (int a = 0; a < NR_ALLOC; a++) {
		if (v[a] == -1)
			printf(" %13s", "-");
		else if (v[a] < 0)
			printf(" %13s", "failed");
		else if (a == A_FLOOR)
			printf(" %10.1f   ", v[a]);
		else
			printf(" %7.1f %4.1fx", v[a], v[a] / v[A_FLOOR]);
	}
	printf("\n");
}

static const size_t kmalloc_sizes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192, 16384,
};
#define NR_SIZES (int)(sizeof(kmalloc_sizes) / sizeof(kmalloc_sizes[0]))

static const char *size_label(size_t s, char *buf, size_t len)
{
	if (s >= 1024)
		snprintf(buf, len, "%zuk", s / 1024);
	else
		snprintf(buf, len, "%zu", s);
	return buf;
}

/* --- Machines ------------------------------------------------------------ */

static struct kmm_machine *boot(const char *cmdline, u64 mem)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;

	kmm_desc_init(d);
	kmm_desc_compact(d, mem, 1, 2, err, sizeof(err));
	kmm_desc_add_cmdline(d, cmdline);
	/* KMM_BENCH_CMDLINE: more parameters, for experiments. */
	if (getenv("KMM_BENCH_CMDLINE"))
		kmm_desc_add_cmdline(d, getenv("KMM_BENCH_CMDLINE"));
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	if (!m || kmm_machine_boot(m, err, sizeof(err))) {
		fprintf(stderr, "boot failed (%s): %s\n", cmdline, err);
		exit(1);
	}
	return m;
}

/* Does @m's boot log contain @what? */
struct logbuf {
	char *s;
	size_t len;
};

static void log_write(void *ctx, const char *s, size_t len)
{
	struct logbuf *b = ctx;
	char *n = realloc(b->s, b->len + len + 1);

	if (!n)
		return;
	memcpy(n + b->len, s, len);
	b->len += len;
	n[b->len] = 0;
	b->s = n;
}

static bool log_has(struct kmm_machine *m, const char *what)
{
	struct logbuf b = { NULL, 0 };
	struct kmm_sink sink = { log_write, &b };
	bool found;

	kmm_log_dump(m, KMM_LOG_ALL, false, &sink);
	found = b.s && strstr(b.s, what);
	free(b.s);
	return found;
}

/*
 * Boot a machine with backend @slab and make its 256-byte cache; leaves
 * avail[a] false with the reason if kmm's slab does not work (yet).
 */
static void setup_kmm(int a, const char *slab, u64 mem)
{
	char cmdline[128];

	snprintf(cmdline, sizeof(cmdline),
		 "deferred_init=off init_on_alloc=0 slab=%s", slab);
	mach[a] = boot(cmdline, mem);
	kmm_machine_enter(mach[a]);
	if (!strcmp(slab, "slab") && log_has(mach[a], "using SLUB")) {
		/* "slab=slab: SLAB is not built in; using SLUB" */
		snprintf(missing[a], sizeof(missing[a]),
			 "kmm: slab not available (SLAB is not built in: slab=slab booted SLUB)");
		kmm_machine_enter(NULL);
		return;
	}
	cache256[a] = kmem_cache_create("bench_256", 256, 0, 0, NULL);
	if (cache256[a]) {
		void *p = kmalloc(256, GFP_KERNEL);

		if (p) {
			kfree(p);
			avail[a] = true;
		} else {
			snprintf(missing[a], sizeof(missing[a]),
				 "kmm: slab not available (kmalloc failed)");
		}
	} else {
		snprintf(missing[a], sizeof(missing[a]),
			 "kmm: slab not available (kmem_cache_create returned NULL)");
	}
	snprintf(version[a], sizeof(version[a]),
		 "kmm %s (slab=%s), 1 node, 2 CPUs, init_on_alloc=0", slab,
		 slab);
	kmm_machine_enter(NULL);
}

static void teardown_kmm(int a)
{
	if (!mach[a])
		return;
	kmm_machine_enter(mach[a]);
	if (cache256[a])
		kmem_cache_destroy(cache256[a]);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(mach[a]);
}

/* --- --callgrind N OP [ALLOC] ---------------------------------------- */

static int callgrind(long n, const char *op, const char *who)
{
	int a = A_SLUB;
	size_t size = 256;
	bool cache = false;
	int bulk = 0;
	enum order order = O_PAIR;

	if (!strcmp(who, "slab") || !strcmp(who, "--slab"))
		a = A_SLAB;
	else if (!strcmp(who, "glibc"))
		a = A_GLIBC;
	else if (!strcmp(who, "floor"))
		a = A_FLOOR;
	else if (!strcmp(who, "mimalloc"))
		a = A_MI;
	else if (strcmp(who, "slub")) {
		fprintf(stderr, "ALLOC is slub, slab, glibc, floor or mimalloc\n");
		return 2;
	}
	if (!strcmp(op, "cachepair256"))
		cache = true;
	else if (!strncmp(op, "kmalloc", 7) && atol(op + 7) > 0)
		size = (size_t)atol(op + 7);
	else if (!strncmp(op, "lifo", 4) && atol(op + 4) > 0) {
		size = (size_t)atol(op + 4);
		order = O_LIFO;
	}
	else if (!strncmp(op, "bulk", 4) && atoi(op + 4) > 0 &&
		 atoi(op + 4) <= MAX_BULK)
		bulk = atoi(op + 4);
	else {
		fprintf(stderr, "OP is cachepair256, kmalloc<size>, lifo<size> or bulk<N> (N <= %d)\n",
			MAX_BULK);
		return 2;
	}
	if (a == A_SLUB || a == A_SLAB) {
		/* A small machine: the boot, run twice, cancels out. */
		setup_kmm(a, a == A_SLAB ? "slab" : "slub", 256ULL << 20);
		if (!avail[a]) {
			fprintf(stderr, "%s\n", missing[a]);
			return 1;
		}
		enter(a);
	} else if (a == A_MI) {
		load_peers();
		if (!avail[A_MI]) {
			fprintf(stderr, "%s\n", missing[A_MI]);
			return 1;
		}
	} else if (a == A_FLOOR) {
		floor_arena = malloc((size_t)FLOOR_BLOCKS * FLOOR_MAX);
		floor_reset(size);
	}
	if (bulk)	/* N rounds of bulk alloc+free of @bulk objects */
		bulk_of(a, false)(cache256[a], size, bulk, n * bulk);
	else
		run_of(a, cache)(cache256[a], size, order, n);
	return 0;
}

/*
 * jemalloc's and tcmalloc's thread-local data is initial-exec TLS, which
 * dlopen can only place in the static TLS surplus glibc reserves at start
 * (512 bytes by default; jemalloc needs 2.6 KB).  Start again with a
 * larger surplus; a tunable of the dynamic loader, malloc is unaffected.
 */
static void reexec_with_static_tls(char **argv)
{
	const char *old = getenv("GLIBC_TUNABLES");
	char *env;

	if (BENCH_SANITIZED || getenv("KMM_BENCH_SLAB_REEXEC"))
		return;
	if (asprintf(&env, "%s%s%s", old ? old : "", old ? ":" : "",
		     STATIC_TLS) < 0)
		return;
	setenv("KMM_BENCH_SLAB_REEXEC", "1", 1);
	setenv("GLIBC_TUNABLES", env, 1);
	execv("/proc/self/exe", argv);
	free(env);	/* no exec: go on, jemalloc may fail to load */
}

/* --- main ---------------------------------------------------------------- */

int main(int argc, char **argv)
{
	double v[NR_ALLOC], floor_pair;
	double pair[NR_SIZES][NR_ORDERS][NR_ALLOC];
	double singles[8][NR_ALLOC];
	const long ops = 1L << 18;
	double t_start = now_ns();
	char buf[24];

	if (argc > 3 && !strcmp(argv[1], "--callgrind"))
		return callgrind(atol(argv[2]), argv[3],
				 argc > 4 ? argv[4] : "slub");
	if (argc > 1) {
		fprintf(stderr,
			"usage: %s [--callgrind N cachepair256|kmalloc<size>|lifo<size>|bulk<N> [slub|slab|glibc|floor|mimalloc]]\n",
			argv[0]);
		return 2;
	}

	reexec_with_static_tls(argv);
	floor_arena = malloc((size_t)FLOOR_BLOCKS * FLOOR_MAX);
	memset(floor_arena, 0, (size_t)FLOOR_BLOCKS * FLOOR_MAX);
	make_perms();
	load_peers();
	setup_kmm(A_SLUB, "slub", 4ULL << 30);
	setup_kmm(A_SLAB, "slab", 4ULL << 30);

	printf("slab allocators beside user-space allocators, ns per alloc+free (best of %d),\n"
	       "each with its ratio to the floor (an ideal thread-local LIFO free list of\n"
	       "fixed-size blocks behind a non-inlined call).\n\n", RUNS);
	for (int a = 0; a < NR_ALLOC; a++) {
		if (a == A_FLOOR)
			continue;
		printf("  %-9s %s\n", alloc_name[a],
		       avail[a] ? version[a] : missing[a]);
	}

	/* 1. kmem_cache pair, 256 bytes. */
	printf("\n1. one 256-byte object allocated and freed, hot (kmem_cache_alloc+free for kmm,\n"
	       "   malloc(256)+free for the others):\n");
	print_head("");
	measure(K_CACHE, 256, O_PAIR, ops * 4, v);
	print_row("pair", v);
	floor_pair = v[A_FLOOR];
	double cache_slub = v[A_SLUB], cache_slab = v[A_SLAB];

	/* 2. bulk. */
	printf("\n2. N objects of 256 bytes allocated, then freed (kmem_cache_alloc_bulk +\n"
	       "   kmem_cache_free_bulk for kmm, loops of single calls for the others), ns per object:\n");
	print_head("N");
	for (int nr = 1, i = 0; nr <= MAX_BULK; nr *= 2, i++) {
		char lab[16];

		measure(K_BULK, 256, nr, ops, v);
		snprintf(lab, sizeof(lab), "%d", nr);
		print_row(lab, v);
		measure(K_BULK_SINGLES, 256, nr, ops, singles[i]);
	}
	if (avail[A_SLUB] || avail[A_SLAB]) {
		printf("  kmm without the bulk API (loops of kmem_cache_alloc, then of kmem_cache_free):\n");
		printf("  %-10s %13s %13s\n", "N", "SLUB singles", "SLAB singles");
		for (int nr = 1, i = 0; nr <= MAX_BULK; nr *= 2, i++) {
			printf("  %-10d", nr);
			for (int a = A_SLUB; a <= A_SLAB; a++)
				if (singles[i][a] < 0)
					printf(" %13s", "-");
				else
					printf(" %13.1f", singles[i][a]);
			printf("\n");
		}
	}

	/* 3. kmalloc in four orders. */
	printf("\n3. kmalloc+kfree (malloc+free, g_slice_alloc+g_slice_free1) by size, ns per pair;\n"
	       "   the floor is a LIFO of blocks of that size.  kmm's 16k goes to the page\n"
	       "   allocator (above KMALLOC_MAX_CACHE_SIZE = 8k), as in Linux.\n");
	for (int o = 0; o < NR_ORDERS; o++) {
		printf("\n 3%c. %s\n", 'a' + o, order_name[o]);
		print_head("size");
		for (int s = 0; s < NR_SIZES; s++) {
			measure(K_KMALLOC, kmalloc_sizes[s], o, ops,
				pair[s][o]);
			print_row(size_label(kmalloc_sizes[s], buf, sizeof(buf)),
				  pair[s][o]);
		}
	}

	/* kmm's kmalloc against glibc and mimalloc, per size and order. */
	for (int k = A_SLUB; k <= A_SLAB; k++) {
		if (!avail[k])
			continue;
		printf("\n %s kmalloc pair time / glibc's and / mimalloc's (below 1: %s faster):\n",
		       alloc_name[k], alloc_name[k]);
		printf("  %-6s %9s %9s %9s %9s %9s %9s %9s %9s\n", "size",
		       "pair/gl", "pair/mi", "LIFO/gl", "LIFO/mi", "FIFO/gl",
		       "FIFO/mi", "rand/gl", "rand/mi");
		for (int s = 0; s < NR_SIZES; s++) {
			printf("  %-6s", size_label(kmalloc_sizes[s], buf,
						    sizeof(buf)));
			for (int o = 0; o < NR_ORDERS; o++) {
				const double *r = pair[s][o];

				printf(" %9.2f", r[k] / r[A_GLIBC]);
				if (avail[A_MI])
					printf(" %9.2f", r[k] / r[A_MI]);
				else
					printf(" %9s", "-");
			}
			printf("\n");
		}
	}

	/* 4. cross-thread frees. */
	printf("\n4. producer/consumer: thread 1 allocates 256-byte objects (kmem_cache_alloc for kmm),\n"
	       "   passes them through a lock-free SPSC ring of %d to thread 2, which frees them;\n"
	       "   ns per object, wall time.  The floor here is the ring alone (no allocator).\n",
	       RING);
	print_head("");
	{
		int cpus[NR_ALLOC][2];
		long n[NR_ALLOC];

		for (int a = 0; a < NR_ALLOC; a++)
			v[a] = avail[a] ? 1e30 : -1;
		/*
		 * This thread only waits: its CPU goes to the producer or the
		 * consumer, so that each owns its CPU (kernel/smp.c).
		 */
		for (int a = A_SLUB; a <= A_SLAB; a++)
			if (avail[a])
				kmm_cpu_release(mach[a]);
		/* Run -1 warms up and sizes the runs: at most 2^19 objects, 30 ms. */
		for (int r = -1; r < RUNS; r++)
			for (int a = 0; a < NR_ALLOC; a++) {
				double t;

				if (!avail[a])
					continue;
				t = xthread_run(a, r < 0 ? 1L << 14 : n[a],
						cpus[a]);
				if (r < 0) {
					double fit = 30e6 / (t > 1 ? t : 1);

					n[a] = fit < (1L << 19) ? (long)fit :
								  1L << 19;
					if (n[a] < (1L << 14))
						n[a] = 1L << 14;
					continue;
				}
				if (t < 0)
					v[a] = -2;
				else if (v[a] >= 0 && t < v[a])
					v[a] = t;
			}
		print_row("xthread", v);
		for (int a = A_SLUB; a <= A_SLAB; a++)
			if (avail[a])
				printf("  (%s: producer on the machine's CPU %d, consumer on CPU %d)\n",
				       alloc_name[a], cpus[a][0], cpus[a][1]);
	}

	/*
	 * 5. What Debian's default init_on_alloc=1 adds: every kmalloc
	 * object zeroed (Linux's Debian kernels are built with
	 * INIT_ON_ALLOC_DEFAULT_ON).  SLUB only, on a third machine.
	 */
	if (avail[A_SLUB]) {
		struct kmm_machine *m = boot("deferred_init=off init_on_alloc=1 slab=slub",
					     4ULL << 30);
		static const size_t sz[] = { 64, 256, 1024, 4096 };

		printf("\n5. SLUB kmalloc pair with init_on_alloc=1 (Debian's default: each object zeroed):\n");
		for (int i = 0; i < 4; i++) {
			double on = 1e30, off = 1e30;

			for (int r = 0; r < RUNS; r++) {
				kmm_machine_enter(m);
				on = min(on, run_kmalloc(NULL, sz[i], O_PAIR, ops));
				enter(A_SLUB);
				off = min(off, run_kmalloc(NULL, sz[i], O_PAIR, ops));
			}
			printf("  %-6s %6.1f ns (init_on_alloc=0: %.1f ns, %.2fx)\n",
			       size_label(sz[i], buf, sizeof(buf)), on, off,
			       on / off);
		}
		kmm_machine_enter(NULL);
		kmm_machine_destroy(m);
	}

	/* Targets (informational). */
	printf("\ntargets:\n");
	if (!avail[A_SLUB]) {
		printf("  SKIP  %s\n", missing[A_SLUB]);
	} else {
		int bad_gl = 0, bad_mi = 0;
		char miss_gl[256] = "", miss_mi[256] = "";

		printf("  %s  SLUB kmem_cache pair within 3x the floor: %.1f ns = %.2fx\n",
		       cache_slub <= 3 * floor_pair ? "PASS" : "MISS",
		       cache_slub, cache_slub / floor_pair);
		for (int s = 0; s < NR_SIZES && kmalloc_sizes[s] <= 4096; s++) {
			const double *r = pair[s][O_PAIR];
			size_t l;

			if (r[A_SLUB] >= r[A_GLIBC]) {
				bad_gl++;
				l = strlen(miss_gl);
				snprintf(miss_gl + l, sizeof(miss_gl) - l,
					 " %s(%.2fx)",
					 size_label(kmalloc_sizes[s], buf,
						    sizeof(buf)),
					 r[A_SLUB] / r[A_GLIBC]);
			}
			if (avail[A_MI] && r[A_SLUB] > 1.2 * r[A_MI]) {
				bad_mi++;
				l = strlen(miss_mi);
				snprintf(miss_mi + l, sizeof(miss_mi) - l,
					 " %s(%.2fx)",
					 size_label(kmalloc_sizes[s], buf,
						    sizeof(buf)),
					 r[A_SLUB] / r[A_MI]);
			}
		}
		printf("  %s  SLUB kmalloc pair faster than glibc, 8 B to 4 KiB%s%s\n",
		       bad_gl ? "MISS" : "PASS", bad_gl ? ": slower at" : "",
		       miss_gl);
		if (avail[A_MI])
			printf("  %s  SLUB kmalloc pair within 1.2x of mimalloc, 8 B to 4 KiB%s%s\n",
			       bad_mi ? "MISS" : "PASS",
			       bad_mi ? ": above at" : "", miss_mi);
		else
			printf("  SKIP  SLUB kmalloc pair within 1.2x of mimalloc: %s\n",
			       missing[A_MI]);
	}
	if (avail[A_SLAB]) {
		double lo_gl = 1e30, hi_gl = 0, lo_mi = 1e30, hi_mi = 0;

		printf("  info  SLAB kmem_cache pair %.1f ns = %.2fx the floor, %.2fx SLUB\n",
		       cache_slab, cache_slab / floor_pair,
		       avail[A_SLUB] ? cache_slab / cache_slub : 0.0);
		for (int s = 0; s < NR_SIZES && kmalloc_sizes[s] <= 4096; s++) {
			const double *r = pair[s][O_PAIR];

			lo_gl = min(lo_gl, r[A_SLAB] / r[A_GLIBC]);
			hi_gl = max(hi_gl, r[A_SLAB] / r[A_GLIBC]);
			if (avail[A_MI]) {
				lo_mi = min(lo_mi, r[A_SLAB] / r[A_MI]);
				hi_mi = max(hi_mi, r[A_SLAB] / r[A_MI]);
			}
		}
		printf("  info  SLAB kmalloc pair, 8 B to 4 KiB: %.2f-%.2fx glibc's time",
		       lo_gl, hi_gl);
		if (avail[A_MI])
			printf(", %.2f-%.2fx mimalloc's", lo_mi, hi_mi);
		printf("\n");
	}
	printf("\n(total %.1f s)\n", (now_ns() - t_start) / 1e9);

	teardown_kmm(A_SLUB);
	teardown_kmm(A_SLAB);
	free(floor_arena);
	return 0;
}
