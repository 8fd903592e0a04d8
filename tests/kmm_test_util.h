/* SPDX-License-Identifier: MIT */
/*
 * kmm_test_util.h - helpers shared by the boot-level tests: boot a machine
 * from a description and capture its log as a string.
 */
#ifndef KMM_TEST_UTIL_H
#define KMM_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kmm/kmm.h>

struct strbuf {
	char *s;
	size_t n, cap;
};

static inline void sb_write(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;

	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* The machine's log (dmesg view), malloc'ed. */
static inline char *machine_log(struct kmm_machine *m)
{
	struct strbuf b = { calloc(1, 1), 0, 1 };
	struct kmm_sink sink = { sb_write, &b };

	kmm_log_dump(m, KMM_LOG_DMESG, false, &sink);
	return b.s;
}

/* Where the log ends now, for log_since(). */
static inline size_t log_mark(struct kmm_machine *m)
{
	char *s = machine_log(m);
	size_t n = strlen(s);

	free(s);
	return n;
}

/* The log written since @mark (malloc'ed). */
static inline char *log_since(struct kmm_machine *m, size_t mark)
{
	char *s = machine_log(m);
	char *r = strdup(s + (strlen(s) >= mark ? mark : strlen(s)));

	free(s);
	return r;
}

/*
 * The free page count once everything that can give pages back has: the
 * shrinkers (slab), the RCU-deferred slab frees and the per-CPU lists.
 */
/* A rate limit's window as if it had opened interval + 1 jiffies ago. */
static inline void ratelimit_expire(struct ratelimit_state *rs)
{
	rs->begin -= (unsigned long)rs->interval + 1;
}

static inline unsigned long free_pages_settled(void)
{
	shrink_slab(GFP_KERNEL, 0, 0);
	rcu_barrier();
	drain_all_pages(NULL);
	return global_zone_page_state(NR_FREE_PAGES);
}

static inline char *machine_report(struct kmm_machine *m, const char *name)
{
	struct strbuf b = { calloc(1, 1), 0, 1 };
	struct kmm_sink sink = { sb_write, &b };

	if (kmm_report(m, name, &sink)) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* The number after @field in /proc/meminfo, or ~0UL if absent. */
static inline unsigned long meminfo_value(struct kmm_machine *m,
					  const char *field)
{
	char *r = machine_report(m, "meminfo"), *p;
	unsigned long v = ~0UL;

	p = r ? strstr(r, field) : NULL;
	if (p)
		v = strtoul(p + strlen(field), NULL, 10);
	free(r);
	return v;
}

static inline char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	struct strbuf b = { calloc(1, 1), 0, 1 };
	char buf[65536];
	size_t n;

	if (!f) {
		free(b.s);
		return NULL;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_write(&b, buf, n);
	fclose(f);
	return b.s;
}

/* Create and boot; on failure print why and return NULL. */
static inline struct kmm_machine *boot_desc(struct kmm_machine_desc *d)
{
	char err[512];
	struct kmm_machine *m = kmm_machine_create(d, err, sizeof(err));

	if (!m) {
		fprintf(stderr, "  create: %s\n", err);
		return NULL;
	}
	if (kmm_machine_boot(m, err, sizeof(err))) {
		fprintf(stderr, "  boot: %s\n", err);
		kmm_machine_destroy(m);
		return NULL;
	}
	return m;
}

static inline struct kmm_machine *boot_compact_initrd(unsigned long long mem,
						      int nodes, int cpus,
						      const char *cmdline,
						      bool initrd)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[512];
	struct kmm_machine *m;

	kmm_desc_init(d);
	if (kmm_desc_compact(d, mem, nodes, cpus, err, sizeof(err))) {
		fprintf(stderr, "  compact: %s\n", err);
		free(d);
		return NULL;
	}
	if (!initrd)
		kmm_desc_set_initrd(d, 0, 0, err, sizeof(err));
	if (cmdline)
		kmm_desc_add_cmdline(d, cmdline);
	m = boot_desc(d);
	free(d);
	return m;
}

/* A compact machine with kmm_desc_init's initrd (freed during boot). */
static inline struct kmm_machine *boot_compact(unsigned long long mem,
					       int nodes, int cpus,
					       const char *cmdline)
{
	return boot_compact_initrd(mem, nodes, cpus, cmdline, true);
}

/*
 * Without an initrd: for figures worked out by hand from the memory map,
 * which the initrd's pages, freed after the watermarks were set and onto
 * the boot CPU's per-CPU list, would shift.
 */
static inline struct kmm_machine *boot_compact_noinitrd(unsigned long long mem,
							int nodes, int cpus,
							const char *cmdline)
{
	return boot_compact_initrd(mem, nodes, cpus, cmdline, false);
}

/* Count of lines of @log that start with @prefix. */
static inline int count_lines(const char *log, const char *prefix)
{
	int n = 0;
	size_t pl = strlen(prefix);

	for (const char *p = log; p && *p;) {
		if (!strncmp(p, prefix, pl))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

#endif
