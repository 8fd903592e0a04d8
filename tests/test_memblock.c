/* SPDX-License-Identifier: MIT */
/*
 * test_memblock.c - mm/memblock.c against Linux 6.12's behaviour.
 *
 * Every test builds a fresh, un-booted machine (8 GiB compact map: RAM
 * [0, 0x9fc00), [1 MiB, 3 GiB), [4 GiB, 9 GiB)), so memblock starts empty,
 * and drives the kernel-named API directly.  After every mutating call
 * check_invariants() verifies both region arrays: sorted, disjoint, no
 * mergeable neighbours, no empty regions (but the <= 6.10 dummy), cnt <=
 * max, and total_size equal to the sum of sizes (except after
 * memblock_trim_memory shrank a region, Linux's quirk).  Log lines are
 * compared with exact strings.
 */
#include "ktest.h"

#include <kmm/kmm.h>
#include <kmm/platform.h>

#define MiB		(1ULL << 20)
#define GiB		(1ULL << 30)
#define PHYS_MAX	(~0ULL)

/* ------------------------------------------------------------------ */
/* Machines and logs                                                    */
/* ------------------------------------------------------------------ */

static struct kmm_machine *new_machine_kver(int kver, bool debug)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[512];

	kmm_desc_init(d);
	if (kmm_desc_compact(d, 8 * GiB, 1, 1, err, sizeof(err))) {
		fprintf(stderr, "kmm_desc_compact: %s\n", err);
		abort();
	}
	if (kver)
		d->kver = kver;
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	if (!m) {
		fprintf(stderr, "kmm_machine_create: %s\n", err);
		abort();
	}
	kmm_machine_enter(m);
	m->params.memblock_debug = debug;
	return m;
}

static struct kmm_machine *new_machine(void)
{
	return new_machine_kver(0, false);
}

static void end_machine(struct kmm_machine *m)
{
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

struct sbuf {
	char *p;
	size_t n, cap;
};

static void sbuf_write(void *ctx, const char *s, size_t len)
{
	struct sbuf *b = ctx;

	if (b->n + len + 1 > b->cap) {
		b->cap = (b->n + len + 1) * 2;
		b->p = realloc(b->p, b->cap);
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

/* The whole dmesg view (caller frees). */
static char *log_all(struct kmm_machine *m)
{
	struct sbuf b = { NULL, 0, 0 };
	struct kmm_sink s = { sbuf_write, &b };

	sbuf_write(&b, "", 0);
	kmm_log_dump(m, KMM_LOG_DMESG, false, &s);
	return b.p;
}

static size_t log_mark(struct kmm_machine *m)
{
	char *all = log_all(m);
	size_t n = strlen(all);

	free(all);
	return n;
}

/* What was logged since @mark (caller frees). */
static char *log_since(struct kmm_machine *m, size_t mark)
{
	char *all = log_all(m);
	char *r = strdup(all + mark);

	free(all);
	return r;
}

#define KT_LOG_SINCE(m, mark, want) do {				\
	char *__l = log_since(m, mark);					\
	KT_STREQ(__l, want);						\
	free(__l);							\
} while (0)

/* ------------------------------------------------------------------ */
/* Invariants                                                           */
/* ------------------------------------------------------------------ */

static bool trim_quirk;		/* total_size may exceed the sum */

static void check_type(struct kmm_machine *m, struct memblock_type *t,
		       int line)
{
	bool dummy_ok = m->kver < KMM_KVER(6, 11);
	unsigned long long sum = 0;

	if (t->cnt > t->max) {
		KT_FAIL("line %d: %s cnt %lu > max %lu", line, t->name,
			t->cnt, t->max);
		return;
	}
	if (dummy_ok && t->cnt == 0)
		KT_FAIL("line %d: %s: <= 6.10 arrays never have cnt 0", line,
			t->name);
	for (unsigned long i = 0; i < t->cnt; i++) {
		struct memblock_region *r = &t->regions[i];

		if (!r->size && !(dummy_ok && t->cnt == 1 && i == 0 &&
				  !r->base && !r->flags))
			KT_FAIL("line %d: %s[%lu] is empty", line, t->name, i);
		if (r->base + r->size < r->base && r->base + r->size != 0)
			KT_FAIL("line %d: %s[%lu] wraps", line, t->name, i);
		sum += r->size;
		if (i) {
			struct memblock_region *p = r - 1;
			unsigned long long pend = p->base + p->size;

			if (pend > r->base)
				KT_FAIL("line %d: %s[%lu] overlaps or is unsorted",
					line, t->name, i);
			if (pend == r->base && p->nid == r->nid &&
			    p->flags == r->flags)
				KT_FAIL("line %d: %s[%lu] should have merged",
					line, t->name, i);
		}
	}
	if (!trim_quirk && sum != t->total_size)
		KT_FAIL("line %d: %s total_size 0x%llx != sum 0x%llx", line,
			t->name, (unsigned long long)t->total_size, sum);
	if (trim_quirk && sum > t->total_size)
		KT_FAIL("line %d: %s total_size 0x%llx < sum 0x%llx", line,
			t->name, (unsigned long long)t->total_size, sum);
}

static void check_invariants(int line)
{
	struct kmm_machine *m = kmm_current();

	check_type(m, &memblock.memory, line);
	check_type(m, &memblock.reserved, line);
}

/* Run a mutating call, then check both arrays. */
#define OP(expr) ({ __typeof__(expr) __r = (expr); check_invariants(__LINE__); __r; })
#define OPV(expr) do { expr; check_invariants(__LINE__); } while (0)

struct rgn {
	unsigned long long base, size;
	int flags, nid;
};

/* @t must be exactly @n regions @want (nid -2: don't care). */
static void expect_regions(struct memblock_type *t, const struct rgn *want,
			   unsigned long n, int line)
{
	if (t->cnt != n) {
		KT_FAIL("line %d: %s.cnt %lu, want %lu", line, t->name, t->cnt,
			n);
		for (unsigned long i = 0; i < t->cnt; i++)
			fprintf(stderr, "    [%#llx-%#llx) f=%#x nid=%d\n",
				(unsigned long long)t->regions[i].base,
				(unsigned long long)(t->regions[i].base +
						     t->regions[i].size),
				t->regions[i].flags, t->regions[i].nid);
		return;
	}
	for (unsigned long i = 0; i < n; i++) {
		struct memblock_region *r = &t->regions[i];

		if (r->base != want[i].base || r->size != want[i].size ||
		    (int)r->flags != want[i].flags ||
		    (want[i].nid != -2 && r->nid != want[i].nid))
			KT_FAIL("line %d: %s[%lu] = {%#llx, %#llx, f=%#x, nid=%d}, want {%#llx, %#llx, f=%#x, nid=%d}",
				line, t->name, i,
				(unsigned long long)r->base,
				(unsigned long long)r->size, r->flags, r->nid,
				want[i].base, want[i].size, want[i].flags,
				want[i].nid);
	}
}

#define EXPECT(t, ...) do {						\
	const struct rgn __w[] = { __VA_ARGS__ };			\
	expect_regions(t, __w, sizeof(__w) / sizeof(__w[0]), __LINE__);	\
} while (0)
#define EXPECT_EMPTY(t) expect_regions(t, NULL, kmm_current()->kver < KMM_KVER(6, 11) ? 1 : 0, __LINE__)

#define MAXNID(m)	(1 << (m)->desc.nodes_shift)

struct rng {
	unsigned long long s, e;
	int nid;
};

#define MAX_RNG 64

static int collect_fwd(struct memblock_type *a, struct memblock_type *b,
		       int nid, enum memblock_flags flags, struct rng *out)
{
	phys_addr_t s, e;
	int n = 0, rnid;
	u64 i;

	__for_each_mem_range(i, a, b, nid, flags, &s, &e, &rnid) {
		if (n < MAX_RNG)
			out[n] = (struct rng){ s, e, rnid };
		n++;
	}
	return n;
}

static int collect_rev(struct memblock_type *a, struct memblock_type *b,
		       int nid, enum memblock_flags flags, struct rng *out)
{
	phys_addr_t s, e;
	int n = 0, rnid;
	u64 i;

	__for_each_mem_range_rev(i, a, b, nid, flags, &s, &e, &rnid) {
		if (n < MAX_RNG)
			out[n] = (struct rng){ s, e, rnid };
		n++;
	}
	return n;
}

static void expect_rngs(const struct rng *got, int n, const struct rng *want,
			int wn, bool check_nid, int line)
{
	if (n != wn) {
		KT_FAIL("line %d: %d ranges, want %d", line, n, wn);
		for (int i = 0; i < n && i < MAX_RNG; i++)
			fprintf(stderr, "    [%#llx-%#llx) nid %d\n", got[i].s,
				got[i].e, got[i].nid);
		return;
	}
	for (int i = 0; i < n; i++)
		if (got[i].s != want[i].s || got[i].e != want[i].e ||
		    (check_nid && got[i].nid != want[i].nid))
			KT_FAIL("line %d: range %d = [%#llx-%#llx) nid %d, want [%#llx-%#llx) nid %d",
				line, i, got[i].s, got[i].e, got[i].nid,
				want[i].s, want[i].e, want[i].nid);
}

#define EXPECT_RNGS(got, n, check_nid, ...) do {			\
	const struct rng __w[] = { __VA_ARGS__ };			\
	expect_rngs(got, n, __w, sizeof(__w) / sizeof(__w[0]),		\
		    check_nid, __LINE__);				\
} while (0)

/* ------------------------------------------------------------------ */
/* Initial state, 6.12 and <= 6.10                                      */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_init_612)
{
	struct kmm_machine *m = new_machine();

	KT_EQ(m->kver, KMM_KVER(6, 12));
	KT_EQ(memblock.memory.cnt, 0);
	KT_EQ(memblock.reserved.cnt, 0);
	KT_EQ(memblock.memory.max, INIT_MEMBLOCK_MEMORY_REGIONS);
	KT_EQ(memblock.reserved.max, INIT_MEMBLOCK_RESERVED_REGIONS);
	KT_EQ(memblock.memory.total_size, 0);
	KT_TRUE(memblock.memory.regions == m->memblock_memory_init);
	KT_TRUE(memblock.reserved.regions == m->memblock_reserved_init);
	KT_STREQ(memblock.memory.name, "memory");
	KT_STREQ(memblock.reserved.name, "reserved");
	KT_FALSE(memblock_bottom_up());
	KT_EQ(memblock_get_current_limit(), MEMBLOCK_ALLOC_ANYWHERE);
	KT_EQ(memblock_start_of_DRAM(), 0);
	KT_EQ(memblock_end_of_DRAM(), 0);
	KT_FALSE(memblock_is_memory(0));
	KT_FALSE(memblock_is_reserved(0));
	check_invariants(__LINE__);
	end_machine(m);
}

KT_TEST(memblock_init_66_dummy)
{
	struct kmm_machine *m = new_machine_kver(KMM_KVER(6, 6), false);

	KT_EQ(memblock.memory.cnt, 1);
	KT_EQ(memblock.reserved.cnt, 1);
	KT_EQ(memblock.memory.regions[0].base, 0);
	KT_EQ(memblock.memory.regions[0].size, 0);
	KT_EQ(memblock.memory.regions[0].flags, 0);
	/* A zeroed static entry, as in Linux: nid 0 until re-created. */
	KT_EQ(memblock.memory.regions[0].nid, 0);
	KT_EQ(memblock.memory.total_size, 0);
	KT_EQ(memblock_start_of_DRAM(), 0);
	KT_EQ(memblock_end_of_DRAM(), 0);
	KT_FALSE(memblock_is_memory(0));
	check_invariants(__LINE__);

	/* The first add fills slot 0 in place. */
	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	EXPECT(&memblock.memory, { 1 * MiB, 1 * MiB, 0, MAXNID(m) });
	/* Removing the last region re-creates the dummy, nid MAX_NUMNODES. */
	KT_EQ(OP(memblock_remove(0, 4 * MiB)), 0);
	KT_EQ(memblock.memory.cnt, 1);
	KT_EQ(memblock.memory.regions[0].size, 0);
	KT_EQ(memblock.memory.regions[0].nid, MAXNID(m));
	KT_EQ(memblock.memory.total_size, 0);
	/* ... and it is reused. */
	KT_EQ(OP(memblock_add(2 * MiB, 1 * MiB)), 0);
	EXPECT(&memblock.memory, { 2 * MiB, 1 * MiB, 0, MAXNID(m) });
	end_machine(m);
}

KT_TEST(memblock_remove_last_612)
{
	struct kmm_machine *m = new_machine();

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(1 * MiB, 4096)), 0);
	KT_EQ(OP(memblock_remove(0, 4 * MiB)), 0);
	KT_EQ(memblock.memory.cnt, 0);
	KT_EQ(memblock.memory.total_size, 0);
	KT_EQ(OP(memblock_phys_free(1 * MiB, 4096)), 0);
	KT_EQ(memblock.reserved.cnt, 0);
	KT_EQ(memblock_end_of_DRAM(), 0);
	KT_EQ(OP(memblock_add(2 * MiB, 1 * MiB)), 0);
	EXPECT(&memblock.memory, { 2 * MiB, 1 * MiB, 0, MAXNID(m) });
	end_machine(m);
}

/* Iterating an empty array: <= 6.10 yields the dummy once, 6.12 nothing. */
KT_TEST(memblock_empty_iteration_versions)
{
	struct rng r[MAX_RNG];
	struct kmm_machine *m;
	int n;

	m = new_machine_kver(KMM_KVER(6, 6), false);
	n = collect_fwd(&memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_NONE, r);
	EXPECT_RNGS(r, n, false, { 0, 0, 0 });
	n = collect_fwd(&memblock.memory, &memblock.reserved, NUMA_NO_NODE,
			MEMBLOCK_NONE, r);
	KT_EQ(n, 0);
	n = collect_rev(&memblock.memory, &memblock.reserved, NUMA_NO_NODE,
			MEMBLOCK_NONE, r);
	KT_EQ(n, 0);
	KT_EQ(memblock_phys_alloc(4096, 4096), 0);
	end_machine(m);

	m = new_machine();
	n = collect_fwd(&memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_NONE, r);
	KT_EQ(n, 0);
	n = collect_rev(&memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_NONE, r);
	KT_EQ(n, 0);
	KT_EQ(memblock_phys_alloc(4096, 4096), 0);
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Adding                                                               */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_add_merge)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(0x200000, 0x100000)), 0);
	KT_EQ(memblock_phys_mem_size(), 0x100000);
	/* Disjoint, below: sorted in front. */
	KT_EQ(OP(memblock_add(0x100000, 0x80000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x80000, 0, mx },
	       { 0x200000, 0x100000, 0, mx });
	/* Adjacent on the right of the first: merges. */
	KT_EQ(OP(memblock_add(0x180000, 0x40000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0xc0000, 0, mx },
	       { 0x200000, 0x100000, 0, mx });
	/* Filling the hole exactly: all three merge. */
	KT_EQ(OP(memblock_add(0x1c0000, 0x40000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x200000, 0, mx });
	KT_EQ(memblock.memory.total_size, 0x200000);
	/* Contained: nothing changes. */
	KT_EQ(OP(memblock_add(0x180000, 0x1000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x200000, 0, mx });
	/* Overlapping the top end: extended. */
	KT_EQ(OP(memblock_add(0x2ff000, 0x11000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x210000, 0, mx });
	/* Overlapping the bottom end. */
	KT_EQ(OP(memblock_add(0xf0000, 0x20000)), 0);
	EXPECT(&memblock.memory, { 0xf0000, 0x220000, 0, mx });
	/* Zero size: no-op. */
	KT_EQ(OP(memblock_add(0x800000, 0)), 0);
	KT_EQ(memblock.memory.cnt, 1);
	KT_EQ(memblock_start_of_DRAM(), 0xf0000);
	KT_EQ(memblock_end_of_DRAM(), 0x310000);
	end_machine(m);
}

KT_TEST(memblock_add_spanning_several)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(0x110000, 0x10000)), 0);
	KT_EQ(OP(memblock_add(0x130000, 0x10000)), 0);
	KT_EQ(OP(memblock_add(0x150000, 0x10000)), 0);
	KT_EQ(OP(memblock_add(0x170000, 0x10000)), 0);
	KT_EQ(memblock.memory.cnt, 4);
	/* Covers the gaps between the middle two and merges them all. */
	KT_EQ(OP(memblock_add(0x128000, 0x40000)), 0);
	EXPECT(&memblock.memory, { 0x110000, 0x10000, 0, mx },
	       { 0x128000, 0x40000, 0, mx }, { 0x170000, 0x10000, 0, mx });
	/* Everything, and beyond on both sides. */
	KT_EQ(OP(memblock_add(0x100000, 0x100000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x100000, 0, mx });
	end_machine(m);
}

KT_TEST(memblock_add_overflow_capped)
{
	struct kmm_machine *m = new_machine();

	KT_EQ(OP(memblock_add(PHYS_MAX - 0xfff, 0x10000)), 0);
	EXPECT(&memblock.memory, { PHYS_MAX - 0xfff, 0xfff, 0, MAXNID(m) });
	KT_EQ(memblock.memory.total_size, 0xfff);
	end_machine(m);
}

KT_TEST(memblock_add_flags_and_nid_block_merge)
{
	struct kmm_machine *m = new_machine();
	long warns;

	KT_EQ(OP(memblock_add_node(0x100000, 0x100000, 0, MEMBLOCK_NONE)), 0);
	/* Adjacent, other node: stays apart. */
	KT_EQ(OP(memblock_add_node(0x200000, 0x100000, 1, MEMBLOCK_NONE)), 0);
	/* Adjacent, same node, other flags: stays apart. */
	KT_EQ(OP(memblock_add_node(0x300000, 0x100000, 1, MEMBLOCK_HOTPLUG)), 0);
	/* Adjacent, same node and flags: merges. */
	KT_EQ(OP(memblock_add_node(0x400000, 0x100000, 1, MEMBLOCK_HOTPLUG)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x100000, 0, 0 },
	       { 0x200000, 0x100000, 0, 1 },
	       { 0x300000, 0x200000, MEMBLOCK_HOTPLUG, 1 });

	/*
	 * Overlapping an existing region of another node: the existing part
	 * keeps its node, only the new gap gets the new one; Linux WARNs.
	 */
	warns = atomic_load(&m->warn_count);
	KT_EQ(OP(memblock_add_node(0x80000, 0x100000, 0, MEMBLOCK_NONE)), 0);
	KT_EQ(atomic_load(&m->warn_count), warns);	/* same nid and flags */
	EXPECT(&memblock.memory, { 0x80000, 0x180000, 0, 0 },
	       { 0x200000, 0x100000, 0, 1 },
	       { 0x300000, 0x200000, MEMBLOCK_HOTPLUG, 1 });
	KT_EQ(OP(memblock_remove(0x280000, 0x100000)), 0);
	warns = atomic_load(&m->warn_count);
	/* Inserting [0x280000,0x300000) below a HOTPLUG node-1 region. */
	KT_EQ(OP(memblock_add_node(0x280000, 0x180000, 1, MEMBLOCK_NONE)), 0);
	KT_EQ(atomic_load(&m->warn_count), warns + 1);	/* flags differ */
	EXPECT(&memblock.memory, { 0x80000, 0x180000, 0, 0 },
	       { 0x200000, 0x180000, 0, 1 },
	       { 0x380000, 0x180000, MEMBLOCK_HOTPLUG, 1 });
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Removing, reserving, freeing                                         */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_remove_splits)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(0x100000, 0x400000)), 0);
	/* Middle: split in two. */
	KT_EQ(OP(memblock_remove(0x200000, 0x100000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x100000, 0, mx },
	       { 0x300000, 0x200000, 0, mx });
	KT_EQ(memblock_phys_mem_size(), 0x300000);
	/* Head. */
	KT_EQ(OP(memblock_remove(0, 0x110000)), 0);
	EXPECT(&memblock.memory, { 0x110000, 0xf0000, 0, mx },
	       { 0x300000, 0x200000, 0, mx });
	/* Tail, past the end. */
	KT_EQ(OP(memblock_remove(0x480000, 0x1000000)), 0);
	EXPECT(&memblock.memory, { 0x110000, 0xf0000, 0, mx },
	       { 0x300000, 0x180000, 0, mx });
	/* Across both regions' inner edges. */
	KT_EQ(OP(memblock_remove(0x1f0000, 0x120000)), 0);
	EXPECT(&memblock.memory, { 0x110000, 0xe0000, 0, mx },
	       { 0x310000, 0x170000, 0, mx });
	/* In a hole: nothing. */
	KT_EQ(OP(memblock_remove(0x200000, 0x100000)), 0);
	KT_EQ(memblock.memory.cnt, 2);
	/* Zero size: nothing. */
	KT_EQ(OP(memblock_remove(0x120000, 0)), 0);
	KT_EQ(memblock.memory.cnt, 2);
	/* Up to the top of the address space. */
	KT_EQ(OP(memblock_remove(0x300000, PHYS_MAX)), 0);
	EXPECT(&memblock.memory, { 0x110000, 0xe0000, 0, mx });
	KT_EQ(memblock_phys_mem_size(), 0xe0000);
	end_machine(m);
}

KT_TEST(memblock_reserve_free)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);
	void *p;

	KT_EQ(OP(memblock_add(1 * MiB, 64 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(0x200000, 0x1000)), 0);
	KT_EQ(OP(memblock_reserve(0x201000, 0x1000)), 0);
	KT_EQ(OP(memblock_reserve(0x300000, 0x2000)), 0);
	EXPECT(&memblock.reserved, { 0x200000, 0x2000, 0, mx },
	       { 0x300000, 0x2000, 0, mx });
	KT_EQ(memblock_reserved_size(), 0x4000);
	KT_EQ(memblock_estimated_nr_free_pages(),
	      (64 * MiB - 0x4000) >> PAGE_SHIFT);
	KT_TRUE(memblock_is_reserved(0x201fff));
	KT_FALSE(memblock_is_reserved(0x202000));
	KT_TRUE(memblock_is_region_reserved(0x2ff000, 0x1001));
	KT_FALSE(memblock_is_region_reserved(0x2ff000, 0x1000));
	KT_TRUE(memblock_overlaps_region(&memblock.reserved, 0x1000, PHYS_MAX));
	/* Free a piece from the middle. */
	KT_EQ(OP(memblock_phys_free(0x200800, 0x1000)), 0);
	EXPECT(&memblock.reserved, { 0x200000, 0x800, 0, mx },
	       { 0x201800, 0x800, 0, mx }, { 0x300000, 0x2000, 0, mx });
	/* memblock_free() takes the direct-map address. */
	p = __va(0x300000);
	OPV(memblock_free(p, 0x2000));
	OPV(memblock_free(NULL, 0x2000));
	EXPECT(&memblock.reserved, { 0x200000, 0x800, 0, mx },
	       { 0x201800, 0x800, 0, mx });
	/* Reserving outside memory is fine for memblock. */
	KT_EQ(OP(memblock_reserve(0xfed00000, 0x1000)), 0);
	KT_EQ(memblock.reserved.cnt, 3);
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Nodes and flags                                                      */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_set_node_splits_and_merges)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(0x100000, 0x300000)), 0);
	KT_EQ(OP(memblock_add(0x500000, 0x100000)), 0);
	/* Node 1 from the middle of region 0 into region 1. */
	KT_EQ(OP(memblock_set_node(0x300000, 0x280000, &memblock.memory, 1)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x200000, 0, mx },
	       { 0x300000, 0x100000, 0, 1 }, { 0x500000, 0x80000, 0, 1 },
	       { 0x580000, 0x80000, 0, mx });
	/* The rest of the low part: node 0. */
	KT_EQ(OP(memblock_set_node(0, 0x300000, &memblock.memory, 0)), 0);
	/* The high tail to node 1: merges with its lower neighbour. */
	KT_EQ(OP(memblock_set_node(0x580000, 0x80000, &memblock.memory, 1)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x200000, 0, 0 },
	       { 0x300000, 0x100000, 0, 1 }, { 0x500000, 0x100000, 0, 1 });
	/* Everything to node 1: the first two merge. */
	KT_EQ(OP(memblock_set_node(0, PHYS_MAX, &memblock.memory, 1)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x300000, 0, 1 },
	       { 0x500000, 0x100000, 0, 1 });
	/* Nothing there: nothing happens. */
	KT_EQ(OP(memblock_set_node(0x1000000, 0x1000, &memblock.memory, 3)), 0);
	KT_EQ(memblock.memory.cnt, 2);
	/* The reserved array too. */
	KT_EQ(OP(memblock_reserve(0x100000, 0x10000)), 0);
	KT_EQ(OP(memblock_set_node(0x108000, 0x100000, &memblock.reserved, 1)), 0);
	EXPECT(&memblock.reserved, { 0x100000, 0x8000, 0, mx },
	       { 0x108000, 0x8000, 0, 1 });
	KT_EQ(memblock.reserved.total_size, 0x10000);
	end_machine(m);
}

KT_TEST(memblock_flags_mark_clear)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(0x100000, 0x400000)), 0);
	KT_EQ(OP(memblock_mark_hotplug(0x200000, 0x100000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x100000, 0, mx },
	       { 0x200000, 0x100000, MEMBLOCK_HOTPLUG, mx },
	       { 0x300000, 0x200000, 0, mx });
	KT_EQ(OP(memblock_mark_nomap(0x280000, 0x100000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x100000, 0, mx },
	       { 0x200000, 0x80000, MEMBLOCK_HOTPLUG, mx },
	       { 0x280000, 0x80000, MEMBLOCK_HOTPLUG | MEMBLOCK_NOMAP, mx },
	       { 0x300000, 0x80000, MEMBLOCK_NOMAP, mx },
	       { 0x380000, 0x180000, 0, mx });
	KT_FALSE(memblock_is_map_memory(0x2c0000));
	KT_TRUE(memblock_is_memory(0x2c0000));
	KT_TRUE(memblock_is_map_memory(0x1c0000));
	KT_FALSE(memblock_is_map_memory(0x600000));
	/* Clear hotplug everywhere: the NOMAP pieces merge. */
	KT_EQ(OP(memblock_clear_hotplug(0, PHYS_MAX)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x180000, 0, mx },
	       { 0x280000, 0x100000, MEMBLOCK_NOMAP, mx },
	       { 0x380000, 0x180000, 0, mx });
	KT_EQ(OP(memblock_clear_nomap(0x280000, 0x100000)), 0);
	EXPECT(&memblock.memory, { 0x100000, 0x400000, 0, mx });

	/* Mirror is ignored without kernelcore=mirror. */
	KT_EQ(OP(memblock_mark_mirror(0x100000, 0x1000)), 0);
	KT_EQ(memblock.memory.cnt, 1);
	KT_FALSE(m->system_has_some_mirror);
	m->params.mirrored_kernelcore = true;
	KT_EQ(OP(memblock_mark_mirror(0x100000, 0x1000)), 0);
	KT_TRUE(m->system_has_some_mirror);
	EXPECT(&memblock.memory, { 0x100000, 0x1000, MEMBLOCK_MIRROR, mx },
	       { 0x101000, 0x3ff000, 0, mx });

	/* RSRV_NOINIT acts on reserved. */
	KT_EQ(OP(memblock_reserve(0x400000, 0x4000)), 0);
	KT_EQ(OP(memblock_reserved_mark_noinit(0x401000, 0x1000)), 0);
	EXPECT(&memblock.reserved, { 0x400000, 0x1000, 0, mx },
	       { 0x401000, 0x1000, MEMBLOCK_RSRV_NOINIT, mx },
	       { 0x402000, 0x2000, 0, mx });
	KT_TRUE(memblock_is_reserved_noinit(&memblock.reserved.regions[1]));
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Array doubling                                                       */
/* ------------------------------------------------------------------ */

/* 127 one-page regions, 8 KiB apart, from 1 MiB up, and [2G, 2G+1M). */
static void fill_memory_128(void)
{
	for (int i = 0; i < 127; i++)
		KT_EQ(OP(memblock_add(1 * MiB + (u64)i * 0x2000, 0x1000)), 0);
	KT_EQ(OP(memblock_add(2 * GiB, 1 * MiB)), 0);
	KT_EQ(memblock.memory.cnt, 128);
}

static int add_129th(void *arg)
{
	(void)arg;
	memblock_add(4 * GiB, 1 * MiB);
	return 0;
}

KT_TEST(memblock_double_before_allow_resize_612_panics)
{
	struct kmm_machine *m = new_machine();
	size_t mark;
	int ret;

	fill_memory_128();
	mark = log_mark(m);
	ret = kmm_plat_try(add_129th, NULL);
	KT_NE(ret, 0);
	KT_LOG_SINCE(m, mark,
		     "Kernel panic - not syncing: memblock: cannot resize memory array\n");
	end_machine(m);
}

KT_TEST(memblock_double_before_allow_resize_66_fails)
{
	struct kmm_machine *m = new_machine_kver(KMM_KVER(6, 6), false);
	size_t mark;

	fill_memory_128();
	mark = log_mark(m);
	KT_EQ(OP(memblock_add(4 * GiB, 1 * MiB)), -ENOMEM);
	KT_EQ(memblock.memory.cnt, 128);
	KT_EQ(memblock.memory.max, 128);
	/* Splitting needs two spare slots: refused too. */
	KT_EQ(OP(memblock_remove(1 * MiB + 0x400, 0x400)), -ENOMEM);
	KT_EQ(OP(memblock_set_node(1 * MiB + 0x400, 0x400, &memblock.memory, 0)),
	      -ENOMEM);
	/* Even filling a hole counts one new slot before merging. */
	KT_EQ(OP(memblock_add(1 * MiB + 0x1000, 0x1000)), -ENOMEM);
	/* Inside an existing region nothing is inserted: fine. */
	KT_EQ(OP(memblock_add(1 * MiB, 0x1000)), 0);
	KT_EQ(memblock.memory.cnt, 128);
	KT_LOG_SINCE(m, mark, "");
	end_machine(m);
}

KT_TEST(memblock_double_memory_after_allow_resize)
{
	struct kmm_machine *m = new_machine_kver(0, true);
	/* The new region is not in memory yet: the top of [2G, 2G+1M). */
	u64 arr1 = 2 * GiB + 1 * MiB - 0x2000, arr2;
	size_t mark;
	char want[512];
	int mx = MAXNID(m);

	fill_memory_128();
	memblock_allow_resize();
	mark = log_mark(m);
	KT_EQ(OP(memblock_add(4 * GiB, 1 * MiB)), 0);
	/* 256 * 24 bytes = 6 KiB, two pages, top-down. */
	KT_EQ(memblock.memory.max, 256);
	KT_EQ(memblock.memory.cnt, 129);
	KT_TRUE(memblock.memory.regions == __va(arr1));
	EXPECT(&memblock.reserved, { arr1, 0x2000, 0, mx });
	snprintf(want, sizeof(want),
		 "memblock_add: [0x0000000100000000-0x00000001000fffff]\n"
		 "memblock: memory is doubled to 256 at [0x%016llx-0x%016llx]\n"
		 "memblock_reserve: [0x%016llx-0x%016llx]\n",
		 (unsigned long long)arr1,
		 (unsigned long long)(arr1 + 256 * 24 - 1),
		 (unsigned long long)arr1,
		 (unsigned long long)(arr1 + 0x2000 - 1));
	KT_LOG_SINCE(m, mark, want);
	/* The copy is faithful and the upper half is zero. */
	for (int i = 0; i < 127; i++)
		KT_EQ(memblock.memory.regions[i].base, 1 * MiB + (u64)i * 0x2000);
	KT_EQ(memblock.memory.regions[127].base, 2 * GiB);
	KT_EQ(memblock.memory.regions[128].base, 4 * GiB);
	KT_EQ(memblock.memory.regions[200].size, 0);

	/* Fill up to 256 and double again: the old array is freed now. */
	for (int i = 0; i < 127; i++)
		KT_EQ(OP(memblock_add(6 * GiB + (u64)i * 0x2000, 0x1000)), 0);
	KT_EQ(memblock.memory.cnt, 256);
	KT_EQ(OP(memblock_add(7 * GiB, 1 * MiB)), 0);
	KT_EQ(memblock.memory.max, 512);
	/* 512 * 24 = 12 KiB; the highest region that fits: [4G, 4G+1M). */
	arr2 = 4 * GiB + 1 * MiB - 0x3000;
	KT_TRUE(memblock.memory.regions == __va(arr2));
	EXPECT(&memblock.reserved, { arr2, 0x3000, 0, mx });
	KT_EQ(memblock.memory.cnt, 257);
	end_machine(m);
}

KT_TEST(memblock_double_reserved_avoids_new_area)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(1 * MiB, 2 * GiB - 1 * MiB)), 0);
	for (int i = 0; i < 128; i++)
		KT_EQ(OP(memblock_reserve(1 * MiB + (u64)i * 0x2000, 0x1000)), 0);
	memblock_allow_resize();
	/*
	 * The 129th reservation is the top 8 KiB of memory: the new array
	 * must go elsewhere, so below it.
	 */
	KT_EQ(OP(memblock_reserve(2 * GiB - 0x2000, 0x2000)), 0);
	KT_EQ(memblock.reserved.max, 256);
	KT_EQ(memblock.reserved.cnt, 129);
	KT_TRUE(memblock.reserved.regions == __va(2 * GiB - 0x4000));
	KT_EQ(memblock.reserved.regions[128].base, 2 * GiB - 0x4000);
	KT_EQ(memblock.reserved.regions[128].size, 0x4000);
	KT_EQ(memblock.reserved.regions[128].nid, mx);
	end_machine(m);
}

KT_TEST(memblock_double_fails_without_space)
{
	struct kmm_machine *m = new_machine();
	size_t mark;

	fill_memory_128();
	/* All memory taken: nowhere to put a bigger array. */
	KT_EQ(OP(memblock_reserve(0, 2 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(2 * GiB, 1 * MiB)), 0);
	memblock_allow_resize();
	mark = log_mark(m);
	KT_EQ(OP(memblock_add(4 * GiB, 0x1000)), -ENOMEM);
	KT_EQ(memblock.memory.cnt, 128);
	KT_EQ(memblock.memory.max, 128);
	KT_LOG_SINCE(m, mark,
		     "memblock: Failed to double memory array from 128 to 256 entries !\n");
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Allocation                                                           */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_alloc_top_down)
{
	struct kmm_machine *m = new_machine();
	phys_addr_t a, b, c;
	void *p;

	KT_EQ(OP(memblock_add(1 * MiB, 2 * GiB - 1 * MiB)), 0);
	a = OP(memblock_phys_alloc(0x1000, 0x1000));
	KT_EQ(a, 0x7ffff000);
	/* 100 bytes, 64-aligned, just below. */
	b = OP(memblock_phys_alloc(100, 64));
	KT_EQ(b, 0x7fffef80);
	/* 2 MiB aligned: rounded down, leaving a hole. */
	c = OP(memblock_phys_alloc(0x1000, 2 * MiB));
	KT_EQ(c, 0x7fe00000);
	/* Reserved as asked: 100 bytes, so no merge with the page above. */
	EXPECT(&memblock.reserved, { 0x7fe00000, 0x1000, 0, MAXNID(m) },
	       { 0x7fffef80, 100, 0, MAXNID(m) },
	       { 0x7ffff000, 0x1000, 0, MAXNID(m) });
	/* Virtual variants return __va(phys). */
	p = OP(memblock_alloc(0x1000, 0x1000));
	KT_TRUE(p == __va(0x7fffd000));
	end_machine(m);
}

KT_TEST(memblock_alloc_bottom_up)
{
	struct kmm_machine *m = new_machine();
	phys_addr_t a;

	/* Memory from 0: page 0 is never handed out. */
	KT_EQ(OP(memblock_add(0, 0x9f000)), 0);
	KT_EQ(OP(memblock_add(1 * MiB, 1 * GiB)), 0);
	memblock_set_bottom_up(true);
	KT_TRUE(memblock_bottom_up());
	a = OP(memblock_phys_alloc(0x1000, 0x1000));
	KT_EQ(a, 0x1000);
	a = OP(memblock_phys_alloc(0x10, 0x10));
	KT_EQ(a, 0x2000);
	a = OP(memblock_phys_alloc(0x1000, 0x10000));
	KT_EQ(a, 0x10000);
	/* Too big for low memory: the next region. */
	a = OP(memblock_phys_alloc(1 * MiB, 0x1000));
	KT_EQ(a, 1 * MiB);
	/* Range-limited. */
	a = OP(memblock_phys_alloc_range(0x1000, 0x1000, 0x50000, 0x60000));
	KT_EQ(a, 0x50000);
	EXPECT(&memblock.reserved, { 0x1000, 0x1010, 0, MAXNID(m) },
	       { 0x10000, 0x1000, 0, MAXNID(m) },
	       { 0x50000, 0x1000, 0, MAXNID(m) },
	       { 1 * MiB, 1 * MiB, 0, MAXNID(m) });
	end_machine(m);
}

KT_TEST(memblock_alloc_failures)
{
	struct kmm_machine *m = new_machine();

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(memblock_phys_alloc(2 * MiB, 0x1000), 0);
	KT_TRUE(memblock_alloc(2 * MiB, 0x1000) == NULL);
	KT_TRUE(memblock_alloc_raw(2 * MiB, 0x1000) == NULL);
	KT_EQ(memblock_phys_alloc_range(0x1000, 0x1000, 3 * MiB, 4 * MiB), 0);
	/* Exactly fits. */
	KT_EQ(OP(memblock_phys_alloc(1 * MiB, 0x1000)), 1 * MiB);
	KT_EQ(memblock_phys_alloc(0x1000, 0x1000), 0);
	KT_EQ(memblock.reserved.cnt, 1);
	end_machine(m);
}

KT_TEST(memblock_alloc_limits)
{
	struct kmm_machine *m = new_machine();
	void *p;

	KT_EQ(OP(memblock_add(1 * MiB, 3 * GiB - 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(4 * GiB, 4 * GiB)), 0);
	/* Default: top-down from the top of memory. */
	KT_EQ(OP(memblock_phys_alloc(0x1000, 0x1000)), 8 * GiB - 0x1000);
	/* memblock_alloc_low: below 4 GiB. */
	p = OP(memblock_alloc_low(0x1000, 0x1000));
	KT_TRUE(p == __va(3 * GiB - 0x1000));
	/* The current limit caps ACCESSIBLE and explicit max_addr. */
	memblock_set_current_limit(16 * MiB);
	KT_EQ(memblock_get_current_limit(), 16 * MiB);
	KT_EQ(OP(memblock_phys_alloc(0x1000, 0x1000)), 16 * MiB - 0x1000);
	p = OP(memblock_alloc_try_nid(0x1000, 0x1000, 0, 6 * GiB, NUMA_NO_NODE));
	KT_TRUE(p == __va(16 * MiB - 0x2000));
	/* The phys range API is not capped by the limit. */
	KT_EQ(OP(memblock_phys_alloc_range(0x1000, 0x1000, 0, 6 * GiB)),
	      6 * GiB - 0x1000);
	memblock_set_current_limit(MEMBLOCK_ALLOC_ANYWHERE);
	/* min_addr above all memory: retried from 0. */
	p = OP(memblock_alloc_from(0x1000, 0x1000, 9 * GiB));
	KT_TRUE(p == __va(8 * GiB - 0x2000));
	/* min_addr satisfiable: honoured (top-down it makes no difference). */
	p = OP(memblock_alloc_try_nid(0x1000, 0x1000, 1 * GiB, 2 * GiB,
				      NUMA_NO_NODE));
	KT_TRUE(p == __va(2 * GiB - 0x1000));
	/* Bottom-up, min_addr matters. */
	memblock_set_bottom_up(true);
	p = OP(memblock_alloc_from(0x1000, 0x1000, 1 * GiB));
	KT_TRUE(p == __va(1 * GiB));
	end_machine(m);
}

KT_TEST(memblock_alloc_nid_fallbacks)
{
	struct kmm_machine *m = new_machine();
	phys_addr_t a;
	void *p;

	KT_EQ(OP(memblock_add(1 * MiB, 1 * GiB - 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(1 * GiB, 1 * GiB)), 0);
	KT_EQ(OP(memblock_set_node(0, 1 * GiB, &memblock.memory, 0)), 0);
	KT_EQ(OP(memblock_set_node(1 * GiB, 1 * GiB, &memblock.memory, 1)), 0);

	/* Node 0 wanted: the top of node 0, not of memory. */
	a = OP(memblock_phys_alloc_try_nid(0x1000, 0x1000, 0));
	KT_EQ(a, 1 * GiB - 0x1000);
	p = OP(memblock_alloc_node(0x1000, 0x1000, 1));
	KT_TRUE(p == __va(2 * GiB - 0x1000));
	/* Too big for node 0 (1023 MiB - 4 KiB free): node 1. */
	a = OP(memblock_phys_alloc_try_nid(1023 * MiB, 0x1000, 0));
	KT_EQ(a, 2 * GiB - 0x1000 - 1023 * MiB);
	/* Virtual variant, and nothing fits anywhere: NULL. */
	p = memblock_alloc_try_nid(1 * GiB, 0x1000, 0, 0, 0);
	KT_TRUE(p == NULL);
	check_invariants(__LINE__);
	end_machine(m);
}

KT_TEST(memblock_alloc_exact_nid)
{
	struct kmm_machine *m = new_machine();
	void *p;

	KT_EQ(OP(memblock_add_node(1 * MiB, 1 * MiB, 0, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add_node(2 * MiB, 1 * MiB, 1, MEMBLOCK_NONE)), 0);
	/* Node 0 is full after this. */
	KT_EQ(OP(memblock_reserve(1 * MiB, 1 * MiB)), 0);
	p = memblock_alloc_exact_nid_raw(0x1000, 0x1000, 0, 0, 0);
	check_invariants(__LINE__);
	KT_TRUE(p == NULL);
	p = OP(memblock_alloc_try_nid_raw(0x1000, 0x1000, 0, 0, 0));
	KT_TRUE(p == __va(3 * MiB - 0x1000));
	p = OP(memblock_alloc_exact_nid_raw(0x1000, 0x1000, 0, 0, 1));
	KT_TRUE(p == __va(3 * MiB - 0x2000));
	/* NUMA_NO_NODE: any. */
	p = OP(memblock_alloc_exact_nid_raw(0x1000, 0x1000, 0, 0, NUMA_NO_NODE));
	KT_TRUE(p == __va(3 * MiB - 0x3000));
	end_machine(m);
}

KT_TEST(memblock_alloc_zeroing)
{
	struct kmm_machine *m = new_machine();
	unsigned char *p, *q;

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	p = __va(2 * MiB - 0x1000);
	memset(p, 0xa5, 0x1000);
	q = OP(memblock_alloc_raw(0x1000, 0x1000));
	KT_TRUE(q == p);
	KT_EQ(q[0], 0xa5);
	KT_EQ(q[0xfff], 0xa5);
	OPV(memblock_free(q, 0x1000));
	q = OP(memblock_alloc(0x1000, 0x1000));
	KT_TRUE(q == p);
	KT_EQ(q[0], 0);
	KT_EQ(q[0xfff], 0);
	end_machine(m);
}

KT_TEST(memblock_alloc_align_zero)
{
	struct kmm_machine *m = new_machine();
	long warns = atomic_load(&m->warn_count);
	phys_addr_t a;

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	a = OP(memblock_phys_alloc(100, 0));
	KT_EQ(a, 2 * MiB - 128);	/* SMP_CACHE_BYTES alignment */
	KT_EQ(atomic_load(&m->warn_count), warns + 1);
	end_machine(m);
}

KT_TEST(memblock_alloc_mirror_fallback)
{
	struct kmm_machine *m = new_machine();
	size_t mark;
	phys_addr_t a;

	m->params.mirrored_kernelcore = true;
	KT_EQ(OP(memblock_add(1 * MiB, 1 * GiB)), 0);
	KT_EQ(OP(memblock_mark_mirror(1 * MiB, 1 * MiB)), 0);
	/* Mirrored memory first, although it is lowest. */
	a = OP(memblock_phys_alloc(0x1000, 0x1000));
	KT_EQ(a, 2 * MiB - 0x1000);
	/* Too big for the mirror: warn and take any memory. */
	mark = log_mark(m);
	a = OP(memblock_phys_alloc(2 * MiB, 0x1000));
	KT_EQ(a, 1 * GiB + 1 * MiB - 2 * MiB);
	KT_LOG_SINCE(m, mark,
		     "Could not allocate 0x0000000000200000 bytes of mirrored memory\n");
	end_machine(m);
}

KT_TEST(memblock_alloc_skips_hotplug_under_movable_node)
{
	struct kmm_machine *m = new_machine();
	phys_addr_t a;

	KT_EQ(OP(memblock_add(1 * MiB, 1 * GiB)), 0);
	KT_EQ(OP(memblock_mark_hotplug(512 * MiB, 1 * GiB)), 0);
	/* Without movable_node hotplug memory is ordinary. */
	a = OP(memblock_phys_alloc(0x1000, 0x1000));
	KT_EQ(a, 1 * GiB + 1 * MiB - 0x1000);
	m->params.movable_node = true;
	a = OP(memblock_phys_alloc(0x1000, 0x1000));
	KT_EQ(a, 512 * MiB - 0x1000);
	/* NOMAP memory is never allocated. */
	KT_EQ(OP(memblock_mark_nomap(256 * MiB, 256 * MiB)), 0);
	a = OP(memblock_phys_alloc(0x1000, 0x1000));
	KT_EQ(a, 256 * MiB - 0x1000);
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Iterators                                                            */
/* ------------------------------------------------------------------ */

static void setup_iter_layout(void)
{
	/* memory: [1M,3M) node 0, [4M,8M) node 1, [8M,9M) node 1 NOMAP */
	KT_EQ(OP(memblock_add_node(1 * MiB, 2 * MiB, 0, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add_node(4 * MiB, 4 * MiB, 1, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add_node(8 * MiB, 1 * MiB, 1, MEMBLOCK_NOMAP)), 0);
	/* reserved: the head of the first, across the gap, a hole in the
	 * middle of the second, past the end */
	KT_EQ(OP(memblock_reserve(0, 0x110000)), 0);
	KT_EQ(OP(memblock_reserve(0x2f0000, 0x120000)), 0);
	KT_EQ(OP(memblock_reserve(0x500000, 0x10000)), 0);
	KT_EQ(OP(memblock_reserve(0x520000, 0x10000)), 0);
	KT_EQ(OP(memblock_reserve(0x7f0000, 0x200000)), 0);
}

KT_TEST(memblock_iter_mem_range)
{
	struct kmm_machine *m = new_machine();
	struct rng r[MAX_RNG];
	phys_addr_t s, e;
	u64 i;
	int n;

	setup_iter_layout();
	n = 0;
	for_each_mem_range(i, &s, &e)
		r[n++] = (struct rng){ s, e, 0 };
	EXPECT_RNGS(r, n, false, { 1 * MiB, 3 * MiB, 0 },
		    { 4 * MiB, 8 * MiB, 0 });
	n = 0;
	for_each_mem_range_rev(i, &s, &e)
		r[n++] = (struct rng){ s, e, 0 };
	EXPECT_RNGS(r, n, false, { 4 * MiB, 8 * MiB, 0 },
		    { 1 * MiB, 3 * MiB, 0 });
	/* Asking for NOMAP includes it. */
	n = collect_fwd(&memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_NOMAP, r);
	EXPECT_RNGS(r, n, true, { 1 * MiB, 3 * MiB, 0 },
		    { 4 * MiB, 8 * MiB, 1 }, { 8 * MiB, 9 * MiB, 1 });
	/* Node filter. */
	n = collect_fwd(&memblock.memory, NULL, 1, MEMBLOCK_NOMAP, r);
	EXPECT_RNGS(r, n, true, { 4 * MiB, 8 * MiB, 1 },
		    { 8 * MiB, 9 * MiB, 1 });
	n = collect_rev(&memblock.memory, NULL, 0, MEMBLOCK_NONE, r);
	EXPECT_RNGS(r, n, true, { 1 * MiB, 3 * MiB, 0 });
	/* MAX_NUMNODES is not a valid node: no filtering. */
	n = collect_fwd(&memblock.memory, NULL, MAXNID(m), MEMBLOCK_NONE, r);
	KT_EQ(n, 2);
	/* Reserved ranges are never filtered. */
	n = 0;
	for_each_reserved_mem_range(i, &s, &e)
		r[n++] = (struct rng){ s, e, 0 };
	EXPECT_RNGS(r, n, false, { 0, 0x110000, 0 },
		    { 0x2f0000, 0x410000, 0 }, { 0x500000, 0x510000, 0 },
		    { 0x520000, 0x530000, 0 }, { 0x7f0000, 0x9f0000, 0 });
	n = collect_fwd(&memblock.reserved, NULL, 5, MEMBLOCK_MIRROR, r);
	KT_EQ(n, 5);
	end_machine(m);
}

KT_TEST(memblock_iter_free_ranges)
{
	struct kmm_machine *m = new_machine();
	struct rng r[MAX_RNG], rv[MAX_RNG];
	phys_addr_t s, e;
	int n, nv, nid;
	u64 i;

	setup_iter_layout();
	n = 0;
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, &nid)
		r[n++] = (struct rng){ s, e, nid };
	EXPECT_RNGS(r, n, true, { 0x110000, 0x2f0000, 0 },
		    { 0x410000, 0x500000, 1 }, { 0x510000, 0x520000, 1 },
		    { 0x530000, 0x7f0000, 1 });
	nv = 0;
	for_each_free_mem_range_reverse(i, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e,
					&nid)
		rv[nv++] = (struct rng){ s, e, nid };
	KT_EQ(nv, n);
	for (int k = 0; k < n && k < nv; k++) {
		KT_EQ(rv[k].s, r[n - 1 - k].s);
		KT_EQ(rv[k].e, r[n - 1 - k].e);
		KT_EQ(rv[k].nid, r[n - 1 - k].nid);
	}
	/* Node 0 only. */
	n = collect_fwd(&memblock.memory, &memblock.reserved, 0, MEMBLOCK_NONE, r);
	EXPECT_RNGS(r, n, true, { 0x110000, 0x2f0000, 0 });
	n = collect_rev(&memblock.memory, &memblock.reserved, 1, MEMBLOCK_NONE, r);
	EXPECT_RNGS(r, n, true, { 0x530000, 0x7f0000, 1 },
		    { 0x510000, 0x520000, 1 }, { 0x410000, 0x500000, 1 });
	/* Free parts of NOMAP memory when asked: [9M,9M) none, reserved to
	 * 0x9f0000 covers [8M, 0x9f0000) -> nothing left... */
	n = collect_fwd(&memblock.memory, &memblock.reserved, 1, MEMBLOCK_NOMAP, r);
	EXPECT_RNGS(r, n, true, { 0x410000, 0x500000, 1 },
		    { 0x510000, 0x520000, 1 }, { 0x530000, 0x7f0000, 1 });
	/* Release the top reservation: NOMAP's free part shows. */
	KT_EQ(OP(memblock_phys_free(0x800000, 0x1f0000)), 0);
	n = collect_fwd(&memblock.memory, &memblock.reserved, 1, MEMBLOCK_NOMAP, r);
	EXPECT_RNGS(r, n, true, { 0x410000, 0x500000, 1 },
		    { 0x510000, 0x520000, 1 }, { 0x530000, 0x7f0000, 1 },
		    { 0x800000, 0x900000, 1 });
	/* Mirror wanted, none present: nothing. */
	n = collect_fwd(&memblock.memory, &memblock.reserved, NUMA_NO_NODE,
			MEMBLOCK_MIRROR, r);
	KT_EQ(n, 0);
	end_machine(m);
}

KT_TEST(memblock_iter_hotplug_and_driver_managed)
{
	struct kmm_machine *m = new_machine();
	struct rng r[MAX_RNG];
	phys_addr_t s, e;
	int n;
	u64 i;

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_add_node(2 * MiB, 1 * MiB, MAXNID(m),
				   MEMBLOCK_HOTPLUG)), 0);
	KT_EQ(OP(memblock_add_node(3 * MiB, 1 * MiB, MAXNID(m),
				   MEMBLOCK_DRIVER_MANAGED)), 0);
	/* Not movable_node: hotplug is ordinary; driver-managed is not. */
	n = collect_fwd(&memblock.memory, &memblock.reserved, NUMA_NO_NODE,
			MEMBLOCK_NONE, r);
	EXPECT_RNGS(r, n, false, { 1 * MiB, 2 * MiB, 0 },
		    { 2 * MiB, 3 * MiB, 0 });
	/* for_each_mem_range asks for both. */
	n = 0;
	for_each_mem_range(i, &s, &e)
		r[n++] = (struct rng){ s, e, 0 };
	KT_EQ(n, 3);
	m->params.movable_node = true;
	n = collect_fwd(&memblock.memory, &memblock.reserved, NUMA_NO_NODE,
			MEMBLOCK_NONE, r);
	EXPECT_RNGS(r, n, false, { 1 * MiB, 2 * MiB, 0 });
	n = collect_fwd(&memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_HOTPLUG, r);
	EXPECT_RNGS(r, n, false, { 1 * MiB, 2 * MiB, 0 },
		    { 2 * MiB, 3 * MiB, 0 });
	end_machine(m);
}

KT_TEST(memblock_iter_pfn_ranges)
{
	struct kmm_machine *m = new_machine();
	unsigned long s, e;
	int i, nid, n = 0;
	unsigned long got[8][3];

	/* [0x1800, 0x2800) has no whole page; [0x3800, 0x6800) has two. */
	KT_EQ(OP(memblock_add_node(0x1800, 0x1000, 0, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add_node(0x3800, 0x3000, 0, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add_node(0x10000, 0x10000, 1, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add(0x100000, 0x1000)), 0);
	for_each_mem_pfn_range(i, MAXNID(m), &s, &e, &nid) {
		got[n][0] = s;
		got[n][1] = e;
		got[n][2] = (unsigned long)nid;
		n++;
	}
	KT_EQ(n, 3);
	KT_EQ(got[0][0], 4);
	KT_EQ(got[0][1], 6);
	KT_EQ(got[0][2], 0);
	KT_EQ(got[1][0], 0x10);
	KT_EQ(got[1][1], 0x20);
	KT_EQ(got[1][2], 1);
	KT_EQ(got[2][0], 0x100);
	KT_EQ(got[2][1], 0x101);
	KT_EQ(got[2][2], MAXNID(m));
	n = 0;
	for_each_mem_pfn_range(i, NUMA_NO_NODE, &s, &e, NULL)
		n++;
	KT_EQ(n, 3);
	n = 0;
	for_each_mem_pfn_range(i, 1, &s, &e, &nid) {
		KT_EQ(nid, 1);
		n++;
	}
	KT_EQ(n, 1);
	/* Node lookups. */
	KT_EQ(memblock_search_pfn_nid(0x18, &s, &e), 1);
	KT_EQ(s, 0x10);
	KT_EQ(e, 0x20);
	s = e = 77;
	KT_EQ(memblock_search_pfn_nid(0x30, &s, &e), NUMA_NO_NODE);
	KT_EQ(s, 77);
	/* The start pfn of a partial region is rounded down here. */
	KT_EQ(memblock_search_pfn_nid(0x4, &s, &e), 0);
	KT_EQ(s, 3);
	KT_EQ(e, 6);
	end_machine(m);
}

KT_TEST(memblock_for_each_mem_region)
{
	struct kmm_machine *m = new_machine();
	struct memblock_region *r;
	int n = 0;

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(4 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(1 * MiB, 0x1000)), 0);
	for_each_mem_region(r)
		n++;
	KT_EQ(n, 2);
	n = 0;
	for_each_reserved_mem_region(r)
		n++;
	KT_EQ(n, 1);
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* Queries                                                              */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_region_queries)
{
	struct kmm_machine *m = new_machine();

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(4 * MiB, 1 * MiB)), 0);
	KT_TRUE(memblock_is_memory(1 * MiB));
	KT_TRUE(memblock_is_memory(2 * MiB - 1));
	KT_FALSE(memblock_is_memory(2 * MiB));
	KT_FALSE(memblock_is_memory(0));
	KT_TRUE(memblock_is_memory(5 * MiB - 1));
	KT_FALSE(memblock_is_memory(PHYS_MAX));
	KT_TRUE(memblock_is_region_memory(1 * MiB, 1 * MiB));
	KT_FALSE(memblock_is_region_memory(1 * MiB, 1 * MiB + 1));
	KT_FALSE(memblock_is_region_memory(3 * MiB, 0x1000));
	KT_TRUE(memblock_is_region_memory(4 * MiB + 0x1000, 0x1000));
	KT_TRUE(memblock_overlaps_region(&memblock.memory, 2 * MiB - 1, 2));
	KT_FALSE(memblock_overlaps_region(&memblock.memory, 2 * MiB, 2 * MiB));
	KT_TRUE(memblock_overlaps_region(&memblock.memory, 2 * MiB, PHYS_MAX));
	KT_EQ(memblock_start_of_DRAM(), 1 * MiB);
	KT_EQ(memblock_end_of_DRAM(), 5 * MiB);
	KT_EQ(memblock_phys_mem_size(), 2 * MiB);
	end_machine(m);
}

KT_TEST(memblock_trim_memory_quirk)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(0x100800, 0x1800)), 0);	/* -> [0x101000,0x102000) */
	KT_EQ(OP(memblock_add(0x200000, 0x1000)), 0);	/* untouched */
	KT_EQ(OP(memblock_add(0x300400, 0x800)), 0);	/* -> removed */
	KT_EQ(OP(memblock_add(0x400000, 0x1800)), 0);	/* -> [0x400000,0x401000) */
	KT_EQ(memblock.memory.total_size, 0x1800 + 0x1000 + 0x800 + 0x1800);
	trim_quirk = true;
	OPV(memblock_trim_memory(PAGE_SIZE));
	EXPECT(&memblock.memory, { 0x101000, 0x1000, 0, mx },
	       { 0x200000, 0x1000, 0, mx }, { 0x400000, 0x1000, 0, mx });
	/* Only the removed region was subtracted. */
	KT_EQ(memblock.memory.total_size, 0x1800 + 0x1000 + 0x1800);
	KT_EQ(memblock_phys_mem_size(), 0x4000);
	/* Removing everything leaves the difference behind (Linux WARNs). */
	OPV(memblock_trim_memory(1 * MiB));
	KT_EQ(memblock.memory.cnt, 0);
	KT_EQ(memblock.memory.total_size, 0x1000);
	trim_quirk = false;
	end_machine(m);
}

KT_TEST(memblock_trim_memory_all_removed_66)
{
	struct kmm_machine *m = new_machine_kver(KMM_KVER(6, 6), false);

	KT_EQ(OP(memblock_add(0x100400, 0x800)), 0);
	KT_EQ(OP(memblock_add(0x200400, 0x800)), 0);
	OPV(memblock_trim_memory(PAGE_SIZE));
	KT_EQ(memblock.memory.cnt, 1);
	KT_EQ(memblock.memory.regions[0].size, 0);
	KT_EQ(memblock.memory.total_size, 0);
	end_machine(m);
}

KT_TEST(memblock_validate_numa_coverage)
{
	struct kmm_machine *m = new_machine();
	size_t mark;

	KT_EQ(OP(memblock_add(1 * MiB, 1023 * MiB)), 0);
	KT_EQ(OP(memblock_add(2 * GiB, 1 * GiB)), 0);
	KT_EQ(OP(memblock_set_node(0, 1 * GiB, &memblock.memory, 0)), 0);
	/* 1 GiB without a node: at the threshold passes, below it fails. */
	KT_TRUE(memblock_validate_numa_coverage(1 * GiB));
	mark = log_mark(m);
	KT_FALSE(memblock_validate_numa_coverage(1 * GiB - 1));
	KT_LOG_SINCE(m, mark, "NUMA: no nodes coverage for 1024MB of 2047MB RAM\n");
	KT_EQ(OP(memblock_set_node(2 * GiB, 1 * GiB, &memblock.memory, 1)), 0);
	KT_TRUE(memblock_validate_numa_coverage(0));
	/* NUMA_NO_NODE counts as uncovered too. */
	KT_EQ(OP(memblock_set_node(2 * GiB, 4 * MiB, &memblock.memory,
				   NUMA_NO_NODE)), 0);
	KT_FALSE(memblock_validate_numa_coverage(0));
	end_machine(m);
}

KT_TEST(memblock_enforce_memory_limit)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(4 * MiB, 4 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(4 * MiB, 2 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(7 * MiB, 1 * MiB)), 0);
	/* No limit, or more than there is: nothing happens. */
	OPV(memblock_enforce_memory_limit(0));
	OPV(memblock_enforce_memory_limit(5 * MiB));
	OPV(memblock_enforce_memory_limit(64 * MiB));
	KT_EQ(memblock.memory.cnt, 2);
	/* 2 MiB: all of the first region, 1 MiB of the second. */
	OPV(memblock_enforce_memory_limit(2 * MiB));
	EXPECT(&memblock.memory, { 1 * MiB, 1 * MiB, 0, mx },
	       { 4 * MiB, 1 * MiB, 0, mx });
	EXPECT(&memblock.reserved, { 4 * MiB, 1 * MiB, 0, mx });
	end_machine(m);
}

KT_TEST(memblock_cap_memory_range_and_remove_map)
{
	struct kmm_machine *m = new_machine();
	int mx = MAXNID(m);
	size_t mark;

	mark = log_mark(m);
	OPV(memblock_cap_memory_range(0, 1 * MiB));
	KT_LOG_SINCE(m, mark,
		     "memblock_cap_memory_range: No memory registered yet\n");

	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(4 * MiB, 4 * MiB)), 0);
	KT_EQ(OP(memblock_add(16 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_mark_nomap(1 * MiB, 0x1000)), 0);
	KT_EQ(OP(memblock_mark_nomap(16 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_reserve(1 * MiB, 0x2000)), 0);
	KT_EQ(OP(memblock_reserve(5 * MiB, 0x2000)), 0);
	KT_EQ(OP(memblock_reserve(6 * MiB - 0x1000, 0x2000)), 0);
	OPV(memblock_cap_memory_range(5 * MiB, 1 * MiB));
	/* NOMAP regions outside the range stay. */
	EXPECT(&memblock.memory, { 1 * MiB, 0x1000, MEMBLOCK_NOMAP, mx },
	       { 5 * MiB, 1 * MiB, 0, mx },
	       { 16 * MiB, 1 * MiB, MEMBLOCK_NOMAP, mx });
	EXPECT(&memblock.reserved, { 5 * MiB, 0x2000, 0, mx },
	       { 6 * MiB - 0x1000, 0x1000, 0, mx });
	end_machine(m);

	m = new_machine();
	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	KT_EQ(OP(memblock_add(4 * MiB, 4 * MiB)), 0);
	KT_EQ(OP(memblock_mark_nomap(7 * MiB, 1 * MiB)), 0);
	OPV(memblock_mem_limit_remove_map(0));
	OPV(memblock_mem_limit_remove_map(1 * GiB));
	KT_EQ(memblock.memory.cnt, 3);
	/* 2 MiB of memory: up to 5 MiB; the NOMAP tail stays. */
	OPV(memblock_mem_limit_remove_map(2 * MiB));
	EXPECT(&memblock.memory, { 1 * MiB, 1 * MiB, 0, mx },
	       { 4 * MiB, 1 * MiB, 0, mx },
	       { 7 * MiB, 1 * MiB, MEMBLOCK_NOMAP, mx });
	end_machine(m);
}

/* ------------------------------------------------------------------ */
/* memblock=debug                                                       */
/* ------------------------------------------------------------------ */

KT_TEST(memblock_debug_lines)
{
	struct kmm_machine *m = new_machine_kver(0, true);
	size_t mark = log_mark(m);

	KT_EQ(OP(memblock_add(0x100000, 0x7ff00000)), 0);
	KT_EQ(OP(memblock_add_node(0x100000000ULL, 0x40000000, 1,
				   MEMBLOCK_HOTPLUG)), 0);
	KT_EQ(OP(memblock_reserve(0, 0x10000)), 0);
	KT_EQ(OP(memblock_phys_free(0x1000, 0x1000)), 0);
	KT_EQ(OP(memblock_remove(0x13f000000ULL, 0x1000000)), 0);
	KT_TRUE(OP(memblock_alloc(0x1000, 0x1000)) != NULL);
	KT_EQ(OP(memblock_phys_alloc_range(0x40, 0x40, 0x100000, 0x200000)),
	      0x1fffc0);
	KT_TRUE(OP(memblock_alloc_try_nid_raw(0x1000, 0x1000, 0x200000,
					      0x300000, 0)) != NULL);
	KT_TRUE(OP(memblock_alloc_exact_nid_raw(0x1000, 0x1000, 0, 0, 1)) != NULL);
	KT_LOG_SINCE(m, mark,
		"memblock_add: [0x0000000000100000-0x000000007fffffff]\n"
		"memblock_add_node: [0x0000000100000000-0x000000013fffffff] nid=1 flags=1\n"
		"memblock_reserve: [0x0000000000000000-0x000000000000ffff]\n"
		"memblock_phys_free: [0x0000000000001000-0x0000000000001fff]\n"
		"memblock_remove: [0x000000013f000000-0x000000013fffffff]\n"
		"memblock_alloc_try_nid: 4096 bytes align=0x1000 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000\n"
		"memblock_reserve: [0x000000013efff000-0x000000013effffff]\n"
		"memblock_phys_alloc_range: 64 bytes align=0x40 from=0x0000000000100000 max_addr=0x0000000000200000\n"
		"memblock_reserve: [0x00000000001fffc0-0x00000000001fffff]\n"
		"memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=0 from=0x0000000000200000 max_addr=0x0000000000300000\n"
		"memblock_reserve: [0x00000000002ff000-0x00000000002fffff]\n"
		"memblock_alloc_exact_nid_raw: 4096 bytes align=0x1000 nid=1 from=0x0000000000000000 max_addr=0x0000000000000000\n"
		"memblock_reserve: [0x000000013effe000-0x000000013effefff]\n");
	end_machine(m);
}

KT_TEST(memblock_dump_all_format)
{
	struct kmm_machine *m = new_machine();
	size_t mark;

	KT_EQ(OP(memblock_add(0x1000, 0x9e000)), 0);
	KT_EQ(OP(memblock_add_node(0x100000, 0xbfee0000, 0, MEMBLOCK_NONE)), 0);
	KT_EQ(OP(memblock_add_node(0x100000000ULL, 0x140000000ULL, 1,
				   MEMBLOCK_HOTPLUG)), 0);
	KT_EQ(OP(memblock_reserve(0, 0x100000)), 0);
	KT_EQ(OP(memblock_reserve(0x1000000, 0x2a00000)), 0);

	/* Without memblock=debug: silent. */
	mark = log_mark(m);
	memblock_dump_all();
	KT_LOG_SINCE(m, mark, "");

	m->params.memblock_debug = true;
	mark = log_mark(m);
	memblock_dump_all();
	KT_LOG_SINCE(m, mark,
		"MEMBLOCK configuration:\n"
		" memory size = 0x00000001fff7e000 reserved size = 0x0000000002b00000\n"
		" memory.cnt  = 0x3\n"
		" memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0\n"
		" memory[0x1]\t[0x0000000000100000-0x00000000bffdffff], 0x00000000bfee0000 bytes on node 0 flags: 0x0\n"
		" memory[0x2]\t[0x0000000100000000-0x000000023fffffff], 0x0000000140000000 bytes on node 1 flags: 0x1\n"
		" reserved.cnt  = 0x2\n"
		" reserved[0x0]\t[0x0000000000000000-0x00000000000fffff], 0x0000000000100000 bytes flags: 0x0\n"
		" reserved[0x1]\t[0x0000000001000000-0x00000000039fffff], 0x0000000002a00000 bytes flags: 0x0\n");
	end_machine(m);
}

KT_TEST(memblock_dump_all_empty_versions)
{
	struct kmm_machine *m = new_machine_kver(0, true);
	size_t mark = log_mark(m);

	memblock_dump_all();
	KT_LOG_SINCE(m, mark,
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
		" memory.cnt  = 0x0\n"
		" reserved.cnt  = 0x0\n");
	end_machine(m);

	/* <= 6.10: the dummy shows; a zeroed one says node 0. */
	m = new_machine_kver(KMM_KVER(6, 6), true);
	KT_EQ(OP(memblock_reserve(0x1000, 0x1000)), 0);
	KT_EQ(OP(memblock_phys_free(0x1000, 0x1000)), 0);
	KT_EQ(OP(memblock_add_node(0x1000, 0x1000, NUMA_NO_NODE, 0)), 0);
	mark = log_mark(m);
	memblock_dump_all();
	KT_LOG_SINCE(m, mark,
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000000001000 reserved size = 0x0000000000000000\n"
		" memory.cnt  = 0x1\n"
		" memory[0x0]\t[0x0000000000001000-0x0000000000001fff], 0x0000000000001000 bytes on node -1 flags: 0x0\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes flags: 0x0\n");
	end_machine(m);

	m = new_machine_kver(KMM_KVER(6, 6), true);
	mark = log_mark(m);
	memblock_dump_all();
	KT_LOG_SINCE(m, mark,
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
		" memory.cnt  = 0x1\n"
		" memory[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes on node 0 flags: 0x0\n"
		" reserved.cnt  = 0x1\n"
		" reserved[0x0]\t[0x0000000000000000-0xffffffffffffffff], 0x0000000000000000 bytes on node 0 flags: 0x0\n");
	end_machine(m);

	/* 6.12 does not print NUMA_NO_NODE. */
	m = new_machine_kver(0, true);
	KT_EQ(OP(memblock_add_node(0x1000, 0x1000, NUMA_NO_NODE, 0)), 0);
	mark = log_mark(m);
	memblock_dump_all();
	KT_LOG_SINCE(m, mark,
		"MEMBLOCK configuration:\n"
		" memory size = 0x0000000000001000 reserved size = 0x0000000000000000\n"
		" memory.cnt  = 0x1\n"
		" memory[0x0]\t[0x0000000000001000-0x0000000000001fff], 0x0000000000001000 bytes flags: 0x0\n"
		" reserved.cnt  = 0x0\n");
	end_machine(m);
}

/* Two machines keep separate state. */
KT_TEST(memblock_per_machine_state)
{
	struct kmm_machine *a = new_machine();
	struct kmm_machine *b = new_machine();

	kmm_machine_enter(a);
	KT_EQ(OP(memblock_add(1 * MiB, 1 * MiB)), 0);
	kmm_machine_enter(b);
	KT_EQ(memblock.memory.cnt, 0);
	KT_EQ(OP(memblock_add(4 * MiB, 2 * MiB)), 0);
	kmm_machine_enter(a);
	EXPECT(&memblock.memory, { 1 * MiB, 1 * MiB, 0, MAXNID(a) });
	end_machine(b);
	end_machine(a);
}

KT_MAIN()
