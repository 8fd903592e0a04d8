/* SPDX-License-Identifier: MIT */
/*
 * bench_page_alloc.c - the buddy allocator against the ideal floor, in one
 * run: a thread-local LIFO free list of page pointers (what a per-CPU list
 * costs at the very least: a pop and a push).
 *
 *   order-0 pair	alloc_pages(GFP_KERNEL, 0) + __free_pages, hot
 *   batch sweep	hold N pages (1..1024), then free them: the refill/
 *			drain knee of the per-CPU lists shows as N passes
 *			the pageset's batch and high
 *   orders 1..10	alloc+free through the buddy lists
 *   bulk		alloc_pages_bulk of 64 pages + their frees, per page
 *   threads		order-0 pairs on 1 and 2 threads, each its own CPU
 *   owner off		the order-0 pair with kmm_cpu_owner=off (locks always)
 *
 * ns/op is wall time over many iterations (best of 3 runs).  With
 * --callgrind N the program only does N order-0 pairs after boot, so that
 * `valgrind --tool=callgrind` run twice with two N gives instructions per
 * pair by difference (bench/callgrind.sh).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kmm/kmm.h>
#include <kmm/gfp.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The floor: a thread-local LIFO of pointers. */
static void *floor_stack[1 << 16];
static int floor_top;

static __attribute__((noinline)) void *floor_pop(void)
{
	return floor_top ? floor_stack[--floor_top] : NULL;
}

static __attribute__((noinline)) void floor_push(void *p)
{
	floor_stack[floor_top++] = p;
}

static double bench_floor(long iters)
{
	double best = 1e30;

	for (int i = 0; i < 1024; i++)
		floor_push(&floor_stack[i]);
	for (int r = 0; r < 3; r++) {
		double t0 = now_ns();

		for (long i = 0; i < iters; i++) {
			void *p = floor_pop();

			__asm__ volatile("" : : "r"(p) : "memory");
			floor_push(p);
		}
		best = min(best, (now_ns() - t0) / iters);
	}
	return best;
}

static double bench_pairs(unsigned int order, long iters)
{
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		double t0 = now_ns();

		for (long i = 0; i < iters; i++) {
			struct page *p = alloc_pages(GFP_KERNEL, order);

			__asm__ volatile("" : : "r"(p) : "memory");
			__free_pages(p, order);
		}
		best = min(best, (now_ns() - t0) / iters);
	}
	return best;
}

static double bench_hold(int n, long rounds)
{
	static struct page *held[1024];
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		double t0 = now_ns();

		for (long k = 0; k < rounds; k++) {
			for (int i = 0; i < n; i++)
				held[i] = alloc_pages(GFP_KERNEL, 0);
			for (int i = 0; i < n; i++)
				__free_pages(held[i], 0);
		}
		best = min(best, (now_ns() - t0) / ((double)rounds * n));
	}
	return best;
}

static double bench_bulk(long rounds)
{
	struct page *arr[64];
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		double t0 = now_ns();

		for (long k = 0; k < rounds; k++) {
			memset(arr, 0, sizeof(arr));
			alloc_pages_bulk(GFP_KERNEL, 64, arr);
			for (int i = 0; i < 64; i++)
				__free_pages(arr[i], 0);
		}
		best = min(best, (now_ns() - t0) / (rounds * 64.0));
	}
	return best;
}

struct thr {
	struct kmm_machine *m;	/* NULL: the floor (a LIFO of its own) */
	long iters;
	pthread_barrier_t *start;
	double t0, t1;
};

static __attribute__((noinline)) void *lifo_pop(void **stack, int *top)
{
	return *top ? stack[--*top] : NULL;
}

static __attribute__((noinline)) void lifo_push(void **stack, int *top, void *p)
{
	stack[(*top)++] = p;
}

/*
 * One thread's pairs: a warm-up (its CPU assigned, its lists filled),
 * the start barrier, then the timed loop.
 */
static void *pair_thread(void *arg)
{
	struct thr *t = arg;
	void *stack[64];
	int top = 0;

	if (t->m) {
		kmm_machine_enter(t->m);
		for (int i = 0; i < 1000; i++)
			__free_pages(alloc_pages(GFP_KERNEL, 0), 0);
	} else {
		for (int i = 0; i < 64; i++)
			lifo_push(stack, &top, &stack[i]);
	}
	pthread_barrier_wait(t->start);
	t->t0 = now_ns();
	for (long i = 0; i < t->iters; i++) {
		if (t->m) {
			struct page *p = alloc_pages(GFP_KERNEL, 0);

			__asm__ volatile("" : : "r"(p) : "memory");
			__free_pages(p, 0);
		} else {
			void *p = lifo_pop(stack, &top);

			__asm__ volatile("" : : "r"(p) : "memory");
			lifo_push(stack, &top, p);
		}
	}
	t->t1 = now_ns();
	return NULL;
}

/*
 * Pairs per second of @n threads together: all start at a barrier, and
 * the time runs from the first start to the last finish.  @m NULL runs
 * the floor instead, to show what the host gives two threads at all.
 */
static double bench_threads(struct kmm_machine *m, int n, long iters)
{
	pthread_barrier_t start;
	pthread_t t[8];
	struct thr a[8];
	double t0 = 1e300, t1 = 0;

	pthread_barrier_init(&start, NULL, (unsigned int)n);
	for (int i = 0; i < n; i++) {
		a[i] = (struct thr){ m, iters, &start, 0, 0 };
		pthread_create(&t[i], NULL, pair_thread, &a[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		t0 = min(t0, a[i].t0);
		t1 = max(t1, a[i].t1);
	}
	pthread_barrier_destroy(&start);
	return n * iters / ((t1 - t0) / 1e9);	/* pairs per second */
}

static struct kmm_machine *boot(const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;

	kmm_desc_init(d);
	kmm_desc_compact(d, 8ULL << 30, 1, 2, err, sizeof(err));
	kmm_desc_add_cmdline(d, cmdline);
	/* KMM_BENCH_CMDLINE: more parameters, for experiments. */
	if (getenv("KMM_BENCH_CMDLINE"))
		kmm_desc_add_cmdline(d, getenv("KMM_BENCH_CMDLINE"));
	m = kmm_machine_create(d, err, sizeof(err));
	if (!m || kmm_machine_boot(m, err, sizeof(err))) {
		fprintf(stderr, "boot failed: %s\n", err);
		exit(1);
	}
	free(d);
	return m;
}

int main(int argc, char **argv)
{
	/*
	 * The allocator alone: init_on_alloc=0.  Debian's kernels zero every
	 * page on allocation (INIT_ON_ALLOC_DEFAULT_ON); that cost is the
	 * memset, shown separately below.
	 */
	struct kmm_machine *m = boot("deferred_init=off init_on_alloc=0");
	long iters = 2000000;

	kmm_machine_enter(m);
	/* --callgrind N [pair0|pair3|pair9|pair10|bulk64]: N operations only. */
	if (argc > 2 && !strcmp(argv[1], "--callgrind")) {
		long n = atol(argv[2]);
		const char *op = argc > 3 ? argv[3] : "pair0";

		if (!strncmp(op, "pair", 4)) {
			unsigned int o = (unsigned int)atoi(op + 4);

			for (long i = 0; i < n; i++)
				__free_pages(alloc_pages(GFP_KERNEL, o), o);
		} else if (!strcmp(op, "bulk64")) {
			struct page *arr[64];

			for (long i = 0; i < n; i++) {
				memset(arr, 0, sizeof(arr));
				alloc_pages_bulk(GFP_KERNEL, 64, arr);
				for (int k = 0; k < 64; k++)
					__free_pages(arr[k], 0);
			}
		}
		return 0;
	}
	{
		double fl = bench_floor(iters * 5);
		double p0 = bench_pairs(0, iters);

		printf("order-0 alloc+free pair:   %6.1f ns  (ideal LIFO %.1f ns, ratio %.1fx)\n",
		       p0, fl, p0 / fl);
	}
	printf("\nbatch sweep (hold N order-0 pages, then free them), ns per page:\n");
	for (int n = 1; n <= 1024; n *= 2)
		printf("  N=%-5d %6.1f ns\n", n, bench_hold(n, 2000000 / n + 10));
	printf("\norders through the buddy lists (alloc+free pair):\n");
	for (unsigned int o = 1; o <= MAX_PAGE_ORDER; o++)
		printf("  order %-2u %6.1f ns\n", o, bench_pairs(o, iters / 4));
	printf("\nalloc_pages_bulk(64) + frees: %6.1f ns per page\n",
	       bench_bulk(iters / 64));
	{
		double one = 0, two = 0;

		/*
		 * Best of 5 each: the VM's scheduling is noisy.  This thread
		 * only waits: its CPU goes to a worker, so that each worker
		 * owns its CPU (kernel/smp.c).
		 */
		double fone = 0, ftwo = 0;

		kmm_cpu_release(m);
		for (int r = 0; r < 5; r++) {
			one = max(one, bench_threads(m, 1, iters));
			two = max(two, bench_threads(m, 2, iters));
			fone = max(fone, bench_threads(NULL, 1, iters * 5));
			ftwo = max(ftwo, bench_threads(NULL, 2, iters * 5));
		}

		printf("\nthroughput, order-0 pairs: 1 thread %.1f M/s, 2 threads %.1f M/s (%.2fx)\n",
		       one / 1e6, two / 1e6, two / one);
		printf("  the floor (a LIFO per thread) on the same host: 1 thread %.0f M/s, 2 threads %.0f M/s (%.2fx)\n",
		       fone / 1e6, ftwo / 1e6, ftwo / fone);
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	m = boot("deferred_init=off");
	kmm_machine_enter(m);
	printf("\nwith init_on_alloc=1 (Debian's default: every page zeroed): order-0 pair %.1f ns\n",
	       bench_pairs(0, iters / 4));
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	/* What CPU ownership saves: every pageset section takes its lock. */
	m = boot("deferred_init=off init_on_alloc=0 kmm_cpu_owner=off");
	kmm_machine_enter(m);
	{
		double fl = bench_floor(iters * 5);
		double p0 = bench_pairs(0, iters);

		printf("with kmm_cpu_owner=off (pageset spinlock on every pair): order-0 pair %.1f ns (floor %.1f ns, %.1fx)\n",
		       p0, fl, p0 / fl);
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	return 0;
}
