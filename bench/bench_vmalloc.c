/* SPDX-License-Identifier: MIT */
/*
 * bench_vmalloc.c - vmalloc against the host's own mmap, in one run.
 *
 * Cases after Linux's lib/test_vmalloc.c:
 *   fix N		vmalloc(N pages) + write one word per page + vfree,
 *			N = 1 .. 256 (fix_size_alloc_test)
 *   random		1..100 pages, fixed seed (random_size_alloc_test)
 *   align		1 page at alignments 4 KiB .. 4 MiB in turn
 *			(align_shift_alloc_test)
 *   long busy list	fix 1 with 15000 one-page areas held
 *			(long_busy_list_alloc_test)
 *   huge		vmalloc_huge(4 MiB) + write + vfree (2 MiB mappings)
 * each beside the host doing mmap(MAP_PRIVATE|MAP_ANONYMOUS) + the same
 * writes + munmap of the same sizes: the same work (address space, page
 * tables, pages, zeroing, faults) done by the host kernel.
 *
 * ns/op is wall time over many iterations, best of 3.  With
 * `--callgrind N OP` (OP: fix1, fix16, fix256, random, align) the program
 * does only N pairs after boot; two callgrind runs with two N give the
 * instructions per pair by difference (bench/callgrind.sh's method).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <kmm/kmm.h>
#include <kmm/vmalloc.h>

#define PG 4096UL

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static inline void touch(volatile unsigned long *p, unsigned long size)
{
	for (unsigned long o = 0; o < size; o += PG)
		p[o / sizeof(long)] = o;
}

enum kind { K_FIX, K_RANDOM, K_ALIGN, K_HUGE };

static unsigned long size_of(enum kind k, unsigned long n, unsigned int *seed)
{
	switch (k) {
	case K_RANDOM:
		return (1 + rand_r(seed) % 100) * PG;
	case K_HUGE:
		return 4UL << 20;
	default:
		return n * PG;
	}
}

static __attribute__((noinline)) void kmm_pair(enum kind k, unsigned long n,
					       unsigned int *seed, long i)
{
	unsigned long size = size_of(k, n, seed);
	void *p;

	if (k == K_ALIGN)
		p = __vmalloc_node(size, PG << (i % 11), GFP_KERNEL,
				   NUMA_NO_NODE, NULL);
	else if (k == K_HUGE)
		p = vmalloc_huge(size, GFP_KERNEL);
	else
		p = vmalloc(size);
	if (!p) {
		fprintf(stderr, "vmalloc failed\n");
		exit(1);
	}
	touch(p, size);
	vfree(p);
}

static __attribute__((noinline)) void host_pair(enum kind k, unsigned long n,
						unsigned int *seed, long i)
{
	unsigned long size = size_of(k, n, seed), align = 0;
	void *p;
	char *q;

	if (k == K_ALIGN)
		align = PG << (i % 11);
	if (align > PG) {
		/* Over-reserve and trim, as an aligned mapping must. */
		q = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		p = (void *)(((unsigned long)q + align - 1) & ~(align - 1));
		touch(p, size);
		munmap(q, size + align);
		return;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	touch(p, size);
	munmap(p, size);
}

static double run(void (*fn)(enum kind, unsigned long, unsigned int *, long),
		  enum kind k, unsigned long n, long iters)
{
	double best = 1e30;

	for (int r = 0; r < 3; r++) {
		unsigned int seed = 42;
		double t0 = now_ns(), t;

		for (long i = 0; i < iters; i++)
			fn(k, n, &seed, i);
		t = (now_ns() - t0) / iters;
		if (t < best)
			best = t;
	}
	return best;
}

static void row(const char *name, enum kind k, unsigned long n, long iters)
{
	double v = run(kmm_pair, k, n, iters);
	double h = run(host_pair, k, n, iters);

	printf("  %-22s %9.0f ns %9.0f ns   %5.2fx\n", name, v, h, v / h);
}

static struct kmm_machine *boot(const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;

	kmm_desc_init(d);
	kmm_desc_compact(d, 8ULL << 30, 1, 2, err, sizeof(err));
	kmm_desc_add_cmdline(d, cmdline);
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
	struct kmm_machine *m = boot("deferred_init=off");
	char name[64];

	kmm_machine_enter(m);
	if (argc > 2 && !strcmp(argv[1], "--callgrind")) {
		long n = atol(argv[2]);
		const char *op = argc > 3 ? argv[3] : "fix1";
		unsigned int seed = 42;

		for (long i = 0; i < n; i++) {
			if (!strncmp(op, "fix", 3))
				kmm_pair(K_FIX, strtoul(op + 3, NULL, 10), &seed, i);
			else if (!strcmp(op, "random"))
				kmm_pair(K_RANDOM, 0, &seed, i);
			else if (!strcmp(op, "align"))
				kmm_pair(K_ALIGN, 1, &seed, i);
		}
		return 0;
	}
	printf("vmalloc + write one word per page + vfree, against host mmap + write + munmap\n");
	printf("(init_on_alloc=1, Debian's default; best of 3)\n\n");
	printf("  %-22s %12s %12s %8s\n", "case", "kmm", "host", "ratio");
	for (unsigned long n = 1; n <= 256; n *= 2) {
		snprintf(name, sizeof(name), "fix %lu page%s", n, n > 1 ? "s" : "");
		row(name, K_FIX, n, 8000 / (long)n + 200);
	}
	row("random 1..100 pages", K_RANDOM, 0, 500);
	row("align 4K..4M, 1 page", K_ALIGN, 1, 4000);
	row("huge 4 MiB", K_HUGE, 0, 40);
	{
		enum { BUSY = 15000 };
		void **held = malloc(BUSY * sizeof(void *));

		for (int i = 0; i < BUSY; i++)
			held[i] = vmalloc(PG);
		row("fix 1, 15000 busy", K_FIX, 1, 4000);
		for (int i = 0; i < BUSY; i++)
			vfree(held[i]);
		free(held);
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	return 0;
}
