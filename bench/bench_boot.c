/* SPDX-License-Identifier: MIT */
/*
 * bench_boot.c - boot time and resident memory of large machines, and the
 * cost of initialising struct pages against a plain memset of the same
 * bytes, measured side by side in one run.
 *
 * Each boot runs in a child process so its peak resident memory is its
 * own (getrusage ru_maxrss).  Modes: lazy (deferred_init=lazy: only the
 * first section of each node's top zone is initialised at boot), parallel
 * (Linux's default: the rest by one thread per node before boot returns),
 * full (deferred_init=off: everything during boot, one thread).
 *
 * Output: a table, one line per case, and the memmap comparison.
 * Usage: kmm-bench-boot [--quick]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <kmm/kmm.h>

struct result {
	double boot_ms;
	double peak_mib;
	int ok;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct result run_boot(unsigned long long mem, int nodes,
			      const char *mode)
{
	struct result r = { 0, 0, 0 };
	int fd[2];
	pid_t pid;

	if (pipe(fd))
		return r;
	pid = fork();
	if (pid == 0) {
		struct kmm_machine_desc *d = calloc(1, sizeof(*d));
		char err[256], cmd[64];
		struct kmm_machine *m;
		struct rusage ru;

		close(fd[0]);
		kmm_desc_init(d);
		if (kmm_desc_compact(d, mem, nodes, nodes * 2, err, sizeof(err)))
			_exit(1);
		snprintf(cmd, sizeof(cmd), "deferred_init=%s", mode);
		kmm_desc_add_cmdline(d, cmd);
		m = kmm_machine_create(d, err, sizeof(err));
		if (!m || kmm_machine_boot(m, err, sizeof(err))) {
			fprintf(stderr, "boot failed: %s\n", err);
			_exit(1);
		}
		getrusage(RUSAGE_SELF, &ru);
		r.boot_ms = m->boot_ns / 1e6;
		r.peak_mib = ru.ru_maxrss / 1024.0;
		r.ok = 1;
		if (write(fd[1], &r, sizeof(r)) != sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &r, sizeof(r)) != sizeof(r))
		r.ok = 0;
	close(fd[0]);
	waitpid(pid, NULL, 0);
	return r;
}

/*
 * struct page initialisation against memset: a 1-node machine booted
 * lazily leaves its top zone to deferred init; time that (init + hand-over
 * to the buddy lists) per page, and a memset of pages * 64 bytes into fresh
 * memfd-backed memory (first touch, as the memmap is) and again warm.
 */
static void memmap_vs_memset(unsigned long long mem)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;
	long pages;
	double t0, t_init, t_cold, t_warm;
	size_t bytes;
	void *buf;
	int fd;

	kmm_desc_init(d);
	kmm_desc_compact(d, mem, 1, 1, err, sizeof(err));
	kmm_desc_add_cmdline(d, "deferred_init=lazy");
	m = kmm_machine_create(d, err, sizeof(err));
	if (!m || kmm_machine_boot(m, err, sizeof(err))) {
		fprintf(stderr, "boot failed: %s\n", err);
		return;
	}
	pages = atomic_load(&m->deferred_pages_left);
	t0 = now_ms();
	kmm_deferred_init_all(m);
	t_init = now_ms() - t0;
	kmm_machine_destroy(m);

	bytes = (size_t)pages * 64;
	fd = memfd_create("bench", 0);
	if (fd < 0 || ftruncate(fd, (off_t)bytes))
		return;
	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	t0 = now_ms();
	memset(buf, 0x5a, bytes);
	t_cold = now_ms() - t0;
	t0 = now_ms();
	memset(buf, 0xa5, bytes);
	t_warm = now_ms() - t0;
	munmap(buf, bytes);
	close(fd);
	printf("\nstruct page init, %ld pages (%.0f MiB of memmap), one thread:\n",
	       pages, bytes / 1048576.0);
	printf("  kmm deferred init + free   %7.1f ms  %6.1f ns/page\n", t_init,
	       t_init * 1e6 / pages);
	printf("  memset, first touch        %7.1f ms  %6.1f ns/page  (kmm = %.2fx)\n",
	       t_cold, t_cold * 1e6 / pages, t_init / t_cold);
	printf("  memset, warm               %7.1f ms  %6.1f ns/page  (kmm = %.2fx)\n",
	       t_warm, t_warm * 1e6 / pages, t_init / t_warm);
	free(d);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	struct {
		const char *name;
		unsigned long long mem;
		int nodes;
		const char *modes[3];
	} cases[] = {
		{ "64 GiB, 2 nodes", 64ULL << 30, 2, { "lazy", "parallel", "off" } },
		{ "1 TiB, 4 nodes", 1ULL << 40, 4, { "lazy", "parallel", "off" } },
		{ "16 TiB, 16 nodes", 16ULL << 40, 16, { "lazy", NULL, NULL } },
	};

	printf("%-18s %-9s %10s %12s\n", "machine", "init", "boot ms",
	       "peak MiB");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int k = 0; k < 3 && cases[i].modes[k]; k++) {
			struct result r;

			if (quick && cases[i].mem > (64ULL << 30) &&
			    strcmp(cases[i].modes[k], "lazy"))
				continue;
			r = run_boot(cases[i].mem, cases[i].nodes,
				     cases[i].modes[k]);
			if (r.ok)
				printf("%-18s %-9s %10.1f %12.1f\n", cases[i].name,
				       cases[i].modes[k], r.boot_ms, r.peak_mib);
			else
				printf("%-18s %-9s %10s %12s\n", cases[i].name,
				       cases[i].modes[k], "failed", "-");
			fflush(stdout);
		}
	}
	printf("(16 TiB with every struct page initialised would need its 256 GiB memmap resident: not on a 24 GiB host.)\n");
	memmap_vs_memset(quick ? 8ULL << 30 : 32ULL << 30);
	return 0;
}
