/* SPDX-License-Identifier: MIT */
/*
 * test_bootmem.c - the bitmap boot allocator (mm/bootmem.c, Linux 4.19).
 *
 * Most tests drive bootmem directly on a machine that was created but not
 * booted: the direct map already covers the firmware's RAM, so a node can
 * be made by hand (a calloc'ed pg_data_t in m->node_data[]) and given a
 * bitmap anywhere in RAM.  A shadow copy of the reserved bits is kept next
 * to the real bitmap and compared after every operation (check_all), so
 * each test states its expectation once, in the shadow, and the checker
 * catches any stray bit.  BUG and panic unwind through kmm_plat_try().
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/bootmem.h>
#include <kmm/memblock.h>
#include <kmm/numa.h>
#include <kmm/platform.h>
#include "ktest.h"

/* --- Machines, nodes, the log ----------------------------------------- */

static struct kmm_machine *new_machine_mem(u64 mem, const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[256];

	kmm_desc_init(d);
	if (kmm_desc_compact(d, mem, 1, 1, err, sizeof(err))) {
		fprintf(stderr, "kmm_desc_compact: %s\n", err);
		abort();
	}
	if (cmdline)
		kmm_desc_add_cmdline(d, cmdline);
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	if (!m) {
		fprintf(stderr, "kmm_machine_create: %s\n", err);
		abort();
	}
	kmm_machine_enter(m);
	return m;
}

/* 1 GiB: RAM from 1 MiB up, no memory above 4 GiB. */
static struct kmm_machine *new_machine(const char *cmdline)
{
	return new_machine_mem(1ULL << 30, cmdline);
}

static pg_data_t *new_node(struct kmm_machine *m, int nid)
{
	pg_data_t *pgdat = calloc(1, sizeof(*pgdat));

	pgdat->node_id = nid;
	m->node_data[nid] = pgdat;
	return pgdat;
}

static void end_machine(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		free(m->node_data[nid]);
		m->node_data[nid] = NULL;
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

struct strbuf {
	char *p;
	size_t n;
};

static void sb_write(void *ctx, const char *s, size_t len)
{
	struct strbuf *b = ctx;

	b->p = realloc(b->p, b->n + len + 1);
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

/* The dmesg view of @m's log; the caller frees it. */
static char *dmesg(struct kmm_machine *m)
{
	struct strbuf b = { calloc(1, 1), 0 };
	struct kmm_sink sink = { sb_write, &b };

	kmm_log_dump(m, KMM_LOG_DMESG, false, &sink);
	return b.p;
}

static bool log_has(struct kmm_machine *m, const char *s)
{
	char *text = dmesg(m);
	bool r = strstr(text, s) != NULL;

	free(text);
	return r;
}

/* --- The shadow model --------------------------------------------------- */

#define SH_MAX	(1UL << 16)	/* pfns covered by the shadow */

static unsigned char shadow[SH_MAX];	/* 1: reserved */

static bool bit(const bootmem_data_t *b, unsigned long pfn)
{
	const unsigned long *map = b->node_bootmem_map;
	unsigned long idx = pfn - b->node_min_pfn;

	return (map[idx / 64] >> (idx % 64)) & 1;
}

static void sh_set(unsigned long start, unsigned long end, int v)
{
	for (unsigned long p = start; p < end; p++)
		shadow[p] = (unsigned char)v;
}

/*
 * Every node on the list: each bit equals the shadow, the padding bits past
 * node_low_pfn in the last word are set, and the list is sorted.
 */
static int check_all_at(int line)
{
	struct kmm_machine *m = kmm_current();
	bootmem_data_t *b;
	unsigned long prev_min = 0;
	int bad = 0;

	list_for_each_entry(b, &m->bdata_list, list) {
		const unsigned long *map = b->node_bootmem_map;
		unsigned long pages = b->node_low_pfn - b->node_min_pfn;
		unsigned long words = DIV_ROUND_UP(pages, 64);

		if (b->node_min_pfn < prev_min) {
			fprintf(stderr, "  line %d: bdata_list out of order\n",
				line);
			bad++;
		}
		prev_min = b->node_min_pfn;
		if (!map)
			continue;
		for (unsigned long p = b->node_min_pfn; p < b->node_low_pfn; p++) {
			if (bit(b, p) != shadow[p] && bad++ < 8)
				fprintf(stderr, "  line %d: pfn %#lx bit %d shadow %d\n",
					line, p, bit(b, p), shadow[p]);
		}
		for (unsigned long i = pages; i < words * 64; i++) {
			if (!((map[i / 64] >> (i % 64)) & 1) && bad++ < 8)
				fprintf(stderr, "  line %d: padding bit %lu clear\n",
					line, i);
		}
	}
	return bad;
}
#define check_all() KT_EQ(check_all_at(__LINE__), 0)

/* Operations that keep the shadow in step. */
static void sh_free(unsigned long pa, unsigned long size)
{
	free_bootmem(pa, size);
	if (PFN_UP(pa) < PFN_DOWN(pa + size))
		sh_set(PFN_UP(pa), PFN_DOWN(pa + size), 0);
}

static int sh_reserve(unsigned long pa, unsigned long size, int flags)
{
	int ret = reserve_bootmem(pa, size, flags);
	bool busy = false;

	for (unsigned long p = PFN_DOWN(pa); p < PFN_UP(pa + size); p++)
		busy |= shadow[p];
	if (flags & BOOTMEM_EXCLUSIVE && busy) {
		KT_EQ(ret, -EBUSY);
	} else {
		KT_EQ(ret, 0);
		sh_set(PFN_DOWN(pa), PFN_UP(pa + size), 1);
	}
	return ret;
}

/*
 * Account an allocation in the shadow: all its pages become reserved,
 * except a first page it shares with the previous allocation (an object
 * that does not start on a page boundary), which was already reserved.
 * Checks the pages were free and the memory reads as zero.
 */
static void sh_alloced(void *ptr, unsigned long size)
{
	unsigned long pa = __pa(ptr);
	unsigned long first = PFN_DOWN(pa);

	KT_TRUE(ptr != NULL);
	if (!ptr)
		return;
	if (pa & (PAGE_SIZE - 1)) {
		KT_EQ(shadow[first], 1);
		first++;
	}
	for (unsigned long p = first; p < PFN_UP(pa + size); p++) {
		KT_EQ(shadow[p], 0);
		shadow[p] = 1;
	}
	for (unsigned long i = 0; i < size; i++)
		if (((unsigned char *)ptr)[i]) {
			KT_FAIL("allocation not zeroed at +%lu", i);
			break;
		}
}

/* Dirty free memory so that zeroing is observable. */
static void scribble(unsigned long start_pfn, unsigned long end_pfn)
{
	memset(__va(PFN_PHYS(start_pfn)), 0xa5,
	       PFN_PHYS(end_pfn - start_pfn));
}

/*
 * The standard single node: pfns [0x100, 0x8000) (1 MiB to 128 MiB) with
 * its bitmap at pfn 0x200, everything freed and the bitmap page reserved
 * again, as a setup_arch would leave it.
 */
#define N0_START	0x100UL
#define N0_END		0x8000UL
#define N0_MAP		0x200UL

static struct kmm_machine *std_machine(pg_data_t **pgdatp)
{
	struct kmm_machine *m = new_machine(NULL);
	pg_data_t *pgdat = new_node(m, 0);

	memset(shadow, 0, sizeof(shadow));
	init_bootmem_node(pgdat, N0_MAP, N0_START, N0_END);
	sh_set(N0_START, N0_END, 1);
	sh_free(PFN_PHYS(N0_START), PFN_PHYS(N0_END - N0_START));
	sh_reserve(PFN_PHYS(N0_MAP), PAGE_SIZE, BOOTMEM_DEFAULT);
	if (pgdatp)
		*pgdatp = pgdat;
	return m;
}

/* --- Recovery: BUG and panic inside kmm_plat_try ------------------------ */

struct call {
	int kind;
	unsigned long a, b, c;
	pg_data_t *pgdat;
	void *ret;
};

enum { C_FREE, C_ALLOC, C_ALLOC_NODE, C_ALLOC_LOW, C_RESERVE_NODE };

static int do_call(void *arg)
{
	struct call *c = arg;

	switch (c->kind) {
	case C_FREE:
		free_bootmem(c->a, c->b);
		break;
	case C_ALLOC:
		c->ret = __alloc_bootmem(c->a, c->b, c->c);
		break;
	case C_ALLOC_NODE:
		c->ret = __alloc_bootmem_node(c->pgdat, c->a, c->b, c->c);
		break;
	case C_ALLOC_LOW:
		c->ret = __alloc_bootmem_low(c->a, c->b, c->c);
		break;
	case C_RESERVE_NODE:
		reserve_bootmem_node(c->pgdat, c->a, c->b, BOOTMEM_DEFAULT);
		break;
	}
	return 0;
}

static int panics_seen;
static char last_panic[256];

static void on_panic(void *ctx, const char *msg)
{
	panics_seen++;
	snprintf(last_panic, sizeof(last_panic), "%s", msg);
}

static int try_call(struct kmm_machine *m, struct call *c)
{
	struct kmm_hooks h = { .panic = on_panic };

	kmm_set_hooks(m, &h);
	panics_seen = 0;
	last_panic[0] = '\0';
	return kmm_plat_try(do_call, c);
}

/* --- The bitmap and its setup ------------------------------------------ */

KT_TEST(bootmap_size_formula)
{
	/* bytes = ALIGN(DIV_ROUND_UP(pages, 8), sizeof(long)), in pages. */
	KT_EQ(bootmem_bootmap_pages(0), 0);
	KT_EQ(bootmem_bootmap_pages(1), 1);
	KT_EQ(bootmem_bootmap_pages(32768), 1);
	KT_EQ(bootmem_bootmap_pages(32769), 2);
	KT_EQ(bootmem_bootmap_pages(65536), 2);
	KT_EQ(bootmem_bootmap_pages(65537), 3);
	/* 1 TiB of 4 KiB pages: 32 MiB of bitmap. */
	KT_EQ(bootmem_bootmap_pages(1UL << 28), 8192);
}

KT_TEST(init_sets_every_bit_and_links_sorted)
{
	struct kmm_machine *m = new_machine(NULL);
	pg_data_t *p0 = new_node(m, 0), *p1 = new_node(m, 1);
	bootmem_data_t *b0 = NODE_BDATA(0), *b1 = NODE_BDATA(1);
	unsigned long bytes;

	memset(shadow, 0, sizeof(shadow));
	/* Node 0 registered first but lies above node 1. */
	scribble(0x5000, 0x5001);
	bytes = init_bootmem_node(p0, 0x5000, 0x4000, 0x8000);
	KT_EQ(bytes, 0x800);			/* 0x4000 bits */
	bytes = init_bootmem_node(p1, 0x200, 0x100, 0x4000);
	KT_EQ(bytes, 0x7e0);			/* 0x3f00 bits */
	KT_EQ(b0->node_min_pfn, 0x4000);
	KT_EQ(b0->node_low_pfn, 0x8000);
	KT_EQ(__pa(b0->node_bootmem_map), 0x5000000);
	KT_EQ(__pa(b1->node_bootmem_map), 0x200000);
	KT_TRUE(list_first_entry(&m->bdata_list, bootmem_data_t, list) == b1);
	KT_TRUE(b1->list.next == &b0->list);
	KT_TRUE(b0->list.next == &m->bdata_list);
	KT_TRUE(kmm_bootmem_active());

	sh_set(0x100, 0x8000, 1);
	check_all();
	/* The bitmap is exactly mapsize bytes: the byte after it is untouched. */
	KT_EQ(((unsigned char *)b0->node_bootmem_map)[0x800], 0xa5);

	/* Registering node 1 again leaves one list entry for it. */
	init_bootmem_node(p1, 0x200, 0x100, 0x4000);
	KT_TRUE(list_first_entry(&m->bdata_list, bootmem_data_t, list) == b1);
	KT_TRUE(b1->list.next == &b0->list);
	check_all();
	end_machine(m);
}

KT_TEST(init_bootmem_sets_low_pfns)
{
	struct kmm_machine *m = new_machine(NULL);

	new_node(m, 0);
	memset(shadow, 0, sizeof(shadow));
	KT_EQ(init_bootmem(0x300, 0x2000), 0x400);
	KT_EQ(max_low_pfn, 0x2000);
	KT_EQ(min_low_pfn, 0x300);
	KT_EQ(NODE_BDATA(0)->node_min_pfn, 0);
	KT_EQ(NODE_BDATA(0)->node_low_pfn, 0x2000);
	KT_EQ(__pa(NODE_BDATA(0)->node_bootmem_map), 0x300000);
	sh_set(0, 0x2000, 1);
	check_all();
	end_machine(m);
}

/* --- Freeing and reserving ---------------------------------------------- */

KT_TEST(partial_pages)
{
	struct kmm_machine *m = new_machine(NULL);
	pg_data_t *pgdat = new_node(m, 0);

	memset(shadow, 0, sizeof(shadow));
	init_bootmem_node(pgdat, N0_MAP, N0_START, N0_END);
	sh_set(N0_START, N0_END, 1);
	check_all();

	/* Free: only whole pages inside [0x100800, 0x102800): pfn 0x101. */
	sh_free(0x100800, 0x2000);
	KT_FALSE(bit(NODE_BDATA(0), 0x101));
	KT_TRUE(bit(NODE_BDATA(0), 0x100));
	KT_TRUE(bit(NODE_BDATA(0), 0x102));
	check_all();
	/* A free inside one page frees nothing. */
	sh_free(0x103100, 0x100);
	check_all();
	/* Node form, same rule. */
	free_bootmem_node(pgdat, 0x104001, 0x3000);	/* pfns 0x105, 0x106 */
	sh_set(0x105, 0x107, 0);
	check_all();

	/* Reserve: every page touched. */
	sh_free(PFN_PHYS(0x200), PFN_PHYS(0x10));
	check_all();
	sh_reserve(0x200ff0, 0x20, BOOTMEM_DEFAULT);	/* pfns 0x200, 0x201 */
	KT_TRUE(bit(NODE_BDATA(0), 0x200));
	KT_TRUE(bit(NODE_BDATA(0), 0x201));
	KT_FALSE(bit(NODE_BDATA(0), 0x202));
	check_all();
	KT_EQ(reserve_bootmem_node(pgdat, 0x205123, 1, BOOTMEM_DEFAULT), 0);
	sh_set(0x205, 0x206, 1);
	check_all();
	/* Reserving a reserved page again is silent and succeeds. */
	sh_reserve(0x200000, PAGE_SIZE, BOOTMEM_DEFAULT);
	check_all();
	end_machine(m);
}

KT_TEST(exclusive_reserve_rolls_back)
{
	struct kmm_machine *m = std_machine(NULL);
	bootmem_data_t *b = NODE_BDATA(0);
	void *p;

	/* An allocation high in the node moves the hint up. */
	p = __alloc_bootmem(PAGE_SIZE, PAGE_SIZE, PFN_PHYS(0x7000));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(b->hint_idx, 0x7001 - N0_START);
	sh_reserve(PFN_PHYS(0x305), PAGE_SIZE, BOOTMEM_DEFAULT);
	check_all();
	/* [0x300, 0x310) meets the reserved 0x305: nothing changes. */
	KT_EQ(sh_reserve(PFN_PHYS(0x300), PFN_PHYS(0x10), BOOTMEM_EXCLUSIVE),
	      -EBUSY);
	for (unsigned long pfn = 0x300; pfn < 0x305; pfn++)
		KT_FALSE(bit(b, pfn));
	KT_TRUE(bit(b, 0x305));
	KT_FALSE(bit(b, 0x306));
	check_all();
	/* The rollback freed from 0x300: the hint came down to it. */
	KT_EQ(b->hint_idx, 0x300 - N0_START);
	/* Exclusive on free pages succeeds. */
	KT_EQ(sh_reserve(PFN_PHYS(0x306), PFN_PHYS(4), BOOTMEM_EXCLUSIVE), 0);
	check_all();
	end_machine(m);
}

KT_TEST(free_lowers_hint)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	bootmem_data_t *b = NODE_BDATA(0);
	void *p;

	p = __alloc_bootmem_nopanic(PFN_PHYS(4), PAGE_SIZE, 0);
	sh_alloced(p, PFN_PHYS(4));
	KT_EQ(__pa(p), PFN_PHYS(N0_START));
	KT_EQ(b->hint_idx, 4);
	p = __alloc_bootmem_nopanic(PFN_PHYS(2), PAGE_SIZE, 0);
	sh_alloced(p, PFN_PHYS(2));
	KT_EQ(__pa(p), PFN_PHYS(N0_START + 4));
	KT_EQ(b->hint_idx, 6);
	/* Freeing above the hint keeps it; below lowers it. */
	sh_reserve(PFN_PHYS(0x7000), PAGE_SIZE, BOOTMEM_DEFAULT);
	sh_free(PFN_PHYS(0x7000), PAGE_SIZE);
	KT_EQ(b->hint_idx, 6);
	sh_free(PFN_PHYS(N0_START + 1), PAGE_SIZE);
	KT_EQ(b->hint_idx, 1);
	check_all();
	/* ... so the next allocation reuses the freed page. */
	p = __alloc_bootmem_nopanic(PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(N0_START + 1));
	check_all();
	end_machine(m);
}

KT_TEST(freeing_unreserved_page_bugs)
{
	struct kmm_machine *m = std_machine(NULL);
	struct call c = { .kind = C_FREE };
	int ret;

	sh_reserve(PFN_PHYS(0x400), PFN_PHYS(1), BOOTMEM_DEFAULT);
	sh_reserve(PFN_PHYS(0x402), PFN_PHYS(1), BOOTMEM_DEFAULT);
	check_all();
	/* [0x400, 0x403): 0x400 is cleared, then 0x401 is found free. */
	c.a = PFN_PHYS(0x400);
	c.b = PFN_PHYS(3);
	ret = kmm_plat_try(do_call, &c);
	KT_NE(ret, 0);
	KT_EQ(m->bug_count, 1);
	KT_TRUE(log_has(m, "kernel BUG at "));
	KT_TRUE(log_has(m, "Kernel panic - not syncing: Fatal exception in __free"));
	sh_set(0x400, 0x401, 0);
	check_all();

	/* A range outside every node BUGs in mark_bootmem. */
	c.a = PFN_PHYS(0x9000);
	c.b = PFN_PHYS(2);
	ret = kmm_plat_try(do_call, &c);
	KT_NE(ret, 0);
	KT_EQ(m->bug_count, 2);
	KT_TRUE(log_has(m, "Fatal exception in mark_bootmem"));
	check_all();

	/* A node-form reservation beyond the node BUGs too. */
	c.kind = C_RESERVE_NODE;
	c.pgdat = NODE_DATA(0);
	c.a = PFN_PHYS(N0_END - 1);
	c.b = PFN_PHYS(2);
	ret = kmm_plat_try(do_call, &c);
	KT_NE(ret, 0);
	KT_EQ(m->bug_count, 3);
	check_all();
	end_machine(m);
}

/* --- Two nodes: ranges that cross, the node walk ----------------------- */

#define N1_START	0x4000UL

static struct kmm_machine *two_nodes(pg_data_t **p0, pg_data_t **p1)
{
	struct kmm_machine *m = new_machine(NULL);

	*p0 = new_node(m, 0);
	*p1 = new_node(m, 1);
	memset(shadow, 0, sizeof(shadow));
	init_bootmem_node(*p0, N0_MAP, N0_START, N1_START);
	init_bootmem_node(*p1, N1_START, N1_START, N0_END);
	sh_set(N0_START, N0_END, 1);
	/* One free_bootmem across both nodes. */
	sh_free(PFN_PHYS(N0_START), PFN_PHYS(N0_END - N0_START));
	sh_reserve(PFN_PHYS(N0_MAP), PAGE_SIZE, BOOTMEM_DEFAULT);
	sh_reserve(PFN_PHYS(N1_START), PAGE_SIZE, BOOTMEM_DEFAULT);
	return m;
}

KT_TEST(ranges_across_nodes)
{
	pg_data_t *p0, *p1;
	struct kmm_machine *m = two_nodes(&p0, &p1);

	check_all();
	/* A reservation across the boundary lands in both bitmaps. */
	sh_reserve(PFN_PHYS(N1_START - 2), PFN_PHYS(4), BOOTMEM_DEFAULT);
	KT_TRUE(bit(NODE_BDATA(0), N1_START - 1));
	KT_TRUE(bit(NODE_BDATA(1), N1_START + 1));
	check_all();
	sh_free(PFN_PHYS(N1_START - 2), PFN_PHYS(2));
	sh_free(PFN_PHYS(N1_START + 1), PFN_PHYS(1));
	check_all();

	/*
	 * An exclusive reservation that fails in node 1 also gives back
	 * what it took in node 0.
	 */
	sh_reserve(PFN_PHYS(N1_START + 3), PAGE_SIZE, BOOTMEM_DEFAULT);
	KT_EQ(sh_reserve(PFN_PHYS(N1_START - 8), PFN_PHYS(16),
			 BOOTMEM_EXCLUSIVE), -EBUSY);
	KT_FALSE(bit(NODE_BDATA(0), N1_START - 8));
	KT_FALSE(bit(NODE_BDATA(0), N1_START - 1));
	KT_FALSE(bit(NODE_BDATA(1), N1_START + 1));
	check_all();
	end_machine(m);
}

KT_TEST(node_walk_goal_and_fallback)
{
	pg_data_t *p0, *p1;
	struct kmm_machine *m = two_nodes(&p0, &p1);
	void *p;

	/* A goal in node 1 skips node 0. */
	p = __alloc_bootmem(PAGE_SIZE, PAGE_SIZE, PFN_PHYS(0x5000));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x5000));
	check_all();
	/* A goal above all memory is dropped: first free page of node 0. */
	p = __alloc_bootmem(PAGE_SIZE, PAGE_SIZE, PFN_PHYS(0x10000));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(N0_START));
	check_all();
	/* The node form starts on its node, here at its hint ... */
	p = __alloc_bootmem_node(p1, PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x5001));
	check_all();
	/* ... and falls back to the others when its node is full. */
	sh_reserve(PFN_PHYS(N1_START), PFN_PHYS(N0_END - N1_START),
		   BOOTMEM_DEFAULT);
	p = __alloc_bootmem_node(p1, PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(N0_START + 1));
	check_all();
	/* _low: below 4 GiB, which is all of this machine. */
	p = __alloc_bootmem_low(PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(N0_START + 2));
	check_all();
	/* The default goal, 16 MiB, keeps allocations out of ZONE_DMA. */
	p = alloc_bootmem_pages(PAGE_SIZE);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), MAX_DMA_ADDRESS_PA);
	check_all();
	end_machine(m);
}

/* --- Allocation in one node ---------------------------------------------- */

KT_TEST(alloc_first_fit_goal_align)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	void *p;

	scribble(N0_START, N0_MAP);
	/* First fit from the node start. */
	p = __alloc_bootmem(PFN_PHYS(3), PAGE_SIZE, 0);
	sh_alloced(p, PFN_PHYS(3));
	KT_EQ(__pa(p), PFN_PHYS(0x100));
	check_all();
	/* 64 KiB alignment: the next 16-page-aligned free pfn. */
	p = __alloc_bootmem(PAGE_SIZE, 0x10000, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x110));
	check_all();
	/* A run that does not fit before a reserved page moves past it. */
	sh_reserve(PFN_PHYS(0x1004), PAGE_SIZE, BOOTMEM_DEFAULT);
	p = __alloc_bootmem(PFN_PHYS(8), PAGE_SIZE, PFN_PHYS(0x1000));
	sh_alloced(p, PFN_PHYS(8));
	KT_EQ(__pa(p), PFN_PHYS(0x1005));
	check_all();
	/* Aligned search past a busy page resumes at the next aligned pfn. */
	sh_reserve(PFN_PHYS(0x2000), PAGE_SIZE, BOOTMEM_DEFAULT);
	p = __alloc_bootmem(PFN_PHYS(2), PFN_PHYS(8), PFN_PHYS(0x2000));
	sh_alloced(p, PFN_PHYS(2));
	KT_EQ(__pa(p), PFN_PHYS(0x2008));
	check_all();
	/* The goal rounds up to the alignment. */
	p = __alloc_bootmem(PAGE_SIZE, PFN_PHYS(4), PFN_PHYS(0x3001));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x3004));
	check_all();
	end_machine(m);
}

KT_TEST(alloc_limit)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	void *p;

	/* Only [0x7000, 0x7010) stays free. */
	sh_reserve(PFN_PHYS(N0_START), PFN_PHYS(0x7000 - N0_START),
		   BOOTMEM_DEFAULT);
	sh_reserve(PFN_PHYS(0x7010), PFN_PHYS(N0_END - 0x7010),
		   BOOTMEM_DEFAULT);
	check_all();
	p = ___alloc_bootmem_node_nopanic(pgdat, PAGE_SIZE, PAGE_SIZE, 0,
					  PFN_PHYS(0x7000));
	KT_TRUE(p == NULL);
	p = ___alloc_bootmem_node_nopanic(pgdat, PFN_PHYS(8), PAGE_SIZE, 0,
					  PFN_PHYS(0x7004));
	KT_TRUE(p == NULL);
	check_all();
	p = ___alloc_bootmem_node_nopanic(pgdat, PFN_PHYS(4), PAGE_SIZE, 0,
					  PFN_PHYS(0x7004));
	sh_alloced(p, PFN_PHYS(4));
	KT_EQ(__pa(p), PFN_PHYS(0x7000));
	check_all();
	/* A goal beyond the limit makes the node form drop the limit. */
	p = ___alloc_bootmem_node_nopanic(pgdat, PAGE_SIZE, PAGE_SIZE,
					  PFN_PHYS(0x7008), PFN_PHYS(0x7006));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x7008));
	check_all();
	end_machine(m);
}

KT_TEST(alloc_hint_and_fallback)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	bootmem_data_t *b = NODE_BDATA(0);
	void *p;

	/* Allocate high, so the hint lies far into the node. */
	p = __alloc_bootmem(PFN_PHYS(2), PAGE_SIZE, PFN_PHYS(0x7ff0));
	sh_alloced(p, PFN_PHYS(2));
	KT_EQ(__pa(p), PFN_PHYS(0x7ff0));
	KT_EQ(b->hint_idx, 0x7ff2 - N0_START);
	/* Without a goal the search starts at the hint, not the node start. */
	p = __alloc_bootmem(PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x7ff2));
	check_all();
	/* Nothing big enough past the hint: back to the start. */
	p = __alloc_bootmem(PFN_PHYS(0x20), PAGE_SIZE, 0);
	sh_alloced(p, PFN_PHYS(0x20));
	KT_EQ(__pa(p), PFN_PHYS(N0_START));
	KT_EQ(b->hint_idx, 0x20);
	check_all();
	end_machine(m);
}

KT_TEST(alloc_subpage_merging)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	bootmem_data_t *b = NODE_BDATA(0);
	void *a, *c, *d, *e;

	scribble(N0_START, N0_START + 8);
	a = __alloc_bootmem(100, SMP_CACHE_BYTES, 0);
	sh_alloced(a, 100);
	c = __alloc_bootmem(100, SMP_CACHE_BYTES, 0);
	sh_alloced(c, 100);
	/* Both share the first page, the second at the next 64 bytes. */
	KT_EQ(__pa(a), PFN_PHYS(N0_START));
	KT_EQ(__pa(c), PFN_PHYS(N0_START) + 128);
	KT_EQ(b->last_end_off, 228);
	KT_EQ(b->hint_idx, 1);
	check_all();
	/* An object that spills over takes the next page too. */
	d = __alloc_bootmem(5000, 8, 0);
	sh_alloced(d, 5000);
	KT_EQ(__pa(d), PFN_PHYS(N0_START) + 232);
	KT_EQ(b->last_end_off, 5232);
	KT_TRUE(bit(b, N0_START + 1));
	KT_FALSE(bit(b, N0_START + 2));
	check_all();
	/* Page alignment ends the sharing. */
	e = __alloc_bootmem(PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(e, PAGE_SIZE);
	KT_EQ(__pa(e), PFN_PHYS(N0_START + 2));
	KT_EQ(b->last_end_off, PFN_PHYS(3));
	check_all();
	/* A page-aligned end leaves nothing to share. */
	a = __alloc_bootmem(16, 16, 0);
	sh_alloced(a, 16);
	KT_EQ(__pa(a), PFN_PHYS(N0_START + 3));
	check_all();
	/* Merging only applies to the page right before the block found. */
	sh_reserve(PFN_PHYS(N0_START + 4), PAGE_SIZE, BOOTMEM_DEFAULT);
	c = __alloc_bootmem(16, 16, 0);
	sh_alloced(c, 16);
	KT_EQ(__pa(c), PFN_PHYS(N0_START + 5));
	check_all();
	/* Zeroing covers exactly the object: the neighbour bytes are left. */
	KT_EQ(((unsigned char *)__va(PFN_PHYS(N0_START + 5)))[16], 0xa5);
	end_machine(m);
}

KT_TEST(nopanic_failure_returns_null)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	bootmem_data_t *b = NODE_BDATA(0);
	unsigned long hint = b->hint_idx, last = b->last_end_off;

	KT_TRUE(__alloc_bootmem_nopanic(1UL << 30, PAGE_SIZE, 0) == NULL);
	KT_TRUE(__alloc_bootmem_node_nopanic(pgdat, 1UL << 30, PAGE_SIZE, 0) == NULL);
	KT_TRUE(__alloc_bootmem_low_nopanic(1UL << 30, PAGE_SIZE, 0) == NULL);
	KT_TRUE(kmm_bootmem_alloc_node(0, 1UL << 30, 0, 0, 0) == NULL);
	KT_TRUE(kmm_bootmem_alloc_node(0, PAGE_SIZE, 0, 0, PFN_PHYS(N0_START)) == NULL);
	KT_TRUE(kmm_bootmem_alloc_node(0, 0, 0, 0, 0) == NULL);
	KT_EQ(b->hint_idx, hint);
	KT_EQ(b->last_end_off, last);
	KT_FALSE(log_has(m, "bootmem alloc of"));
	KT_EQ(m->warn_count, 0);
	check_all();
	end_machine(m);
}

KT_TEST(panicking_variants_panic)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	struct call c = { .kind = C_ALLOC, .a = 1UL << 30, .b = PAGE_SIZE };
	int ret;

	ret = try_call(m, &c);
	KT_NE(ret, 0);
	KT_EQ(panics_seen, 1);
	KT_STREQ(last_panic, "Out of memory");
	KT_TRUE(log_has(m, "bootmem alloc of 1073741824 bytes failed!\n"
			   "Kernel panic - not syncing: Out of memory\n"));

	c = (struct call){ .kind = C_ALLOC_NODE, .pgdat = pgdat,
			   .a = 3UL << 28, .b = PAGE_SIZE };
	ret = try_call(m, &c);
	KT_NE(ret, 0);
	KT_EQ(panics_seen, 1);
	KT_TRUE(log_has(m, "bootmem alloc of 805306368 bytes failed!"));

	c = (struct call){ .kind = C_ALLOC_LOW, .a = 5UL << 27, .b = 64 };
	ret = try_call(m, &c);
	KT_NE(ret, 0);
	KT_EQ(panics_seen, 1);
	KT_TRUE(log_has(m, "bootmem alloc of 671088640 bytes failed!"));
	check_all();

	/* A successful call through the same path returns normally. */
	c = (struct call){ .kind = C_ALLOC, .a = 64, .b = 64 };
	KT_EQ(try_call(m, &c), 0);
	KT_EQ(panics_seen, 0);
	sh_alloced(c.ret, 64);
	check_all();
	end_machine(m);
}

/*
 * A 5 GiB machine has RAM at [4 GiB, 6 GiB).  One node over [1 MiB, 4.5 GiB)
 * (bitmap: 0x11ff00 bits, 36 pages at pfn 0x200); the shadow does not reach
 * that far, so these tests look at results only.
 */
#define HI_START	0x100000UL	/* 4 GiB */
#define HI_END		0x120000UL

static struct kmm_machine *high_machine(pg_data_t **pgdatp)
{
	struct kmm_machine *m = new_machine_mem(5ULL << 30, NULL);
	pg_data_t *pgdat = new_node(m, 0);

	pgdat->node_start_pfn = N0_START;
	pgdat->node_spanned_pages = HI_END - N0_START;
	KT_EQ(init_bootmem_node(pgdat, N0_MAP, N0_START, HI_END),
	      (HI_END - N0_START) / 8);
	free_bootmem(PFN_PHYS(N0_START), PFN_PHYS(0x8000 - N0_START));
	free_bootmem(PFN_PHYS(HI_START), PFN_PHYS(HI_END - HI_START));
	reserve_bootmem(PFN_PHYS(N0_MAP),
			PFN_PHYS(bootmem_bootmap_pages(HI_END - N0_START)),
			BOOTMEM_DEFAULT);
	*pgdatp = pgdat;
	return m;
}

KT_TEST(node_high_prefers_above_4g)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = high_machine(&pgdat);
	void *p;

	KT_EQ(bootmem_bootmap_pages(HI_END - N0_START), 36);
	p = __alloc_bootmem_node_high(pgdat, PAGE_SIZE, PAGE_SIZE, 0);
	KT_EQ(__pa(p), PFN_PHYS(HI_START));
	/*
	 * The hint now lies above 4 GiB and, being beyond the goal, wins:
	 * a 16 MiB goal still gets the next page up there (as in 4.19).
	 */
	p = __alloc_bootmem_node(pgdat, PAGE_SIZE, PAGE_SIZE,
				 MAX_DMA_ADDRESS_PA);
	KT_EQ(__pa(p), PFN_PHYS(HI_START + 1));
	/* A goal already above 4 GiB is simply used. */
	p = __alloc_bootmem_node_high(pgdat, PAGE_SIZE, PAGE_SIZE,
				      PFN_PHYS(HI_START + 0x100));
	KT_EQ(__pa(p), PFN_PHYS(HI_START + 0x100));
	end_machine(m);
}

KT_TEST(low_allocators)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = high_machine(&pgdat);
	void *p;

	/* Fill the memory below 4 GiB, except nothing. */
	reserve_bootmem(PFN_PHYS(N0_START), PFN_PHYS(0x8000 - N0_START),
			BOOTMEM_DEFAULT);
	/* _low honours its 4 GiB limit: nothing left below it. */
	KT_TRUE(__alloc_bootmem_low_nopanic(PAGE_SIZE, PAGE_SIZE, 0) == NULL);
	/* Without a limit the same request is served above 4 GiB. */
	p = __alloc_bootmem_nopanic(PAGE_SIZE, PAGE_SIZE, 0);
	KT_EQ(__pa(p), PFN_PHYS(HI_START));
	/*
	 * 4.19's ___alloc_bootmem_node passes no limit on, so the node's
	 * "low" allocator returns memory above 4 GiB.
	 */
	p = __alloc_bootmem_low_node(pgdat, PAGE_SIZE, PAGE_SIZE, 0);
	KT_EQ(__pa(p), PFN_PHYS(HI_START + 1));
	end_machine(m);
}

KT_TEST(kmm_alloc_node_wrapper)
{
	pg_data_t *p0, *p1;
	struct kmm_machine *m = two_nodes(&p0, &p1);
	void *p;

	/* Align 0 means SMP_CACHE_BYTES; on the node asked for. */
	p = kmm_bootmem_alloc_node(1, 100, 0, 0, 0);
	sh_alloced(p, 100);
	KT_EQ(__pa(p), PFN_PHYS(N1_START + 1));
	p = kmm_bootmem_alloc_node(1, 10, 0, 0, 0);
	sh_alloced(p, 10);
	KT_EQ(__pa(p), PFN_PHYS(N1_START + 1) + 128);
	check_all();
	/* A limit below the node: served from node 0 below the limit. */
	p = kmm_bootmem_alloc_node(1, PAGE_SIZE, PAGE_SIZE, 0,
				   PFN_PHYS(N1_START));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(N0_START));
	check_all();
	/* ~0 is no limit, NUMA_NO_NODE any node; goal preferred. */
	p = kmm_bootmem_alloc_node(NUMA_NO_NODE, PAGE_SIZE, PAGE_SIZE,
				   PFN_PHYS(0x6000), ~0UL);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(0x6000));
	check_all();
	/* A goal past the limit is dropped, the limit kept. */
	p = kmm_bootmem_alloc_node(0, PAGE_SIZE, PAGE_SIZE, PFN_PHYS(0x6000),
				   PFN_PHYS(0x2000));
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), PFN_PHYS(N0_START + 1));
	check_all();
	/* Not a power of two, or bigger than the limit: NULL, no BUG. */
	KT_TRUE(kmm_bootmem_alloc_node(0, 64, 48, 0, 0) == NULL);
	KT_TRUE(kmm_bootmem_alloc_node(0, PFN_PHYS(4), 0, 0, PFN_PHYS(2)) == NULL);
	KT_EQ(m->bug_count, 0);
	check_all();
	end_machine(m);
}

KT_TEST(slab_up_warns)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	void *p;

	m->slab_is_available = true;
	p = __alloc_bootmem_node_nopanic(pgdat, PAGE_SIZE, PAGE_SIZE, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_TRUE(m->warn_count >= 1);
	KT_TRUE(log_has(m, "WARNING: CPU: "));
	m->slab_is_available = false;
	check_all();
	end_machine(m);
}

/* --- A random workload against the shadow ------------------------------ */

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long rnd(unsigned long n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned long)(rng_state % n);
}

struct live {
	unsigned long pa, size;
};

KT_TEST(random_ops_keep_bitmap_consistent)
{
	pg_data_t *p0, *p1;
	struct kmm_machine *m = two_nodes(&p0, &p1);
	static struct live live[4096];
	int nlive = 0;

	for (int op = 0; op < 3000; op++) {
		unsigned long r = rnd(10);

		if (r < 6 && nlive < (int)ARRAY_SIZE(live)) {
			static const unsigned long aligns[] = {
				8, 16, 64, PAGE_SIZE, 4 * PAGE_SIZE
			};
			unsigned long size = 1 + rnd(rnd(4) ? 600 : 20000);
			unsigned long align = aligns[rnd(ARRAY_SIZE(aligns))];
			unsigned long goal = rnd(3) ? 0 :
				PFN_PHYS(N0_START + rnd(N0_END - N0_START));
			void *p;

			if (rnd(2))
				p = __alloc_bootmem_nopanic(size, align, goal);
			else
				p = __alloc_bootmem_node_nopanic(rnd(2) ? p0 : p1,
								 size, align, goal);
			if (!p)
				continue;
			KT_EQ(__pa(p) & (align - 1), 0);
			sh_alloced(p, size);
			/* No overlap with anything still live. */
			for (int i = 0; i < nlive; i++)
				if (__pa(p) < live[i].pa + live[i].size &&
				    live[i].pa < __pa(p) + size) {
					KT_FAIL("overlap at op %d", op);
					break;
				}
			/* Scribble so later zeroing checks mean something. */
			memset(p, 0x5a, size);
			live[nlive].pa = __pa(p);
			live[nlive++].size = size;
		} else if (r < 8 && nlive) {
			/* Free a whole-page live object (partial pages stay). */
			int i = (int)rnd((unsigned long)nlive);
			unsigned long s = live[i].pa, e = s + live[i].size;

			if ((s & (PAGE_SIZE - 1)) || (e & (PAGE_SIZE - 1)))
				continue;
			sh_free(s, e - s);
			live[i] = live[--nlive];
		} else {
			unsigned long s = N0_START + rnd(N0_END - N0_START - 64);
			unsigned long n = 1 + rnd(16);

			sh_reserve(PFN_PHYS(s), PFN_PHYS(n),
				   rnd(2) ? BOOTMEM_EXCLUSIVE : BOOTMEM_DEFAULT);
			/* Overlaps with live objects are fine: reserved anyway. */
		}
		if (check_all_at(__LINE__)) {
			KT_FAIL("bitmap diverged at op %d", op);
			break;
		}
	}
	end_machine(m);
}

/* --- Handing over: free_all_bootmem ------------------------------------- */

static struct released {
	unsigned long pfn;
	unsigned int order;
} rel[SH_MAX];
static unsigned long nrel;

static void record(struct page *page, unsigned int order)
{
	rel[nrel].pfn = page_to_pfn(page);
	rel[nrel++].order = order;
}

/*
 * Check the hand-over of node @b: every page released once; the set is
 * exactly the clear bits plus the bitmap's pages; an order-6 block exactly
 * where a 64-aligned pfn starts 64 clear pages.
 */
static void check_release(unsigned long min, unsigned long low,
			  unsigned long map_pfn, unsigned long count)
{
	static unsigned char seen[SH_MAX];
	unsigned long map_pages = bootmem_bootmap_pages(low - min);
	unsigned long total = 0;

	memset(seen, 0, sizeof(seen));
	for (unsigned long i = 0; i < nrel; i++) {
		unsigned long n = 1UL << rel[i].order;

		KT_TRUE(rel[i].order == 0 || rel[i].order == 6);
		for (unsigned long p = rel[i].pfn; p < rel[i].pfn + n; p++) {
			if (seen[p]++)
				KT_FAIL("pfn %#lx released twice", p);
		}
		total += n;
		if (rel[i].order == 6)
			KT_EQ(rel[i].pfn & 63, 0);
	}
	KT_EQ(total, count);
	for (unsigned long p = min; p < low; p++) {
		bool is_map = p >= map_pfn && p < map_pfn + map_pages;
		bool want = !shadow[p] || is_map;

		if (seen[p] != want) {
			KT_FAIL("pfn %#lx released %d, expected %d", p, seen[p],
				want);
			break;
		}
	}
	/* Whole free aligned words go as one block. */
	for (unsigned long i = 0; i < nrel; i++) {
		unsigned long p = rel[i].pfn;
		bool whole = !(p & 63) && p + 64 <= low;

		for (unsigned long q = p; whole && q < p + 64; q++)
			whole = !shadow[q];
		if (rel[i].order == 0 && whole && !(p >= map_pfn &&
						    p < map_pfn + map_pages))
			KT_FAIL("pfn %#lx: free aligned word released page by page", p);
	}
}

KT_TEST(free_all_bootmem_chunks)
{
	pg_data_t *pgdat;
	struct kmm_machine *m = std_machine(&pgdat);
	unsigned long count, want = 0;

	/* Scattered reservations: some words whole, some partial. */
	sh_reserve(PFN_PHYS(0x141), PAGE_SIZE, BOOTMEM_DEFAULT);
	sh_reserve(PFN_PHYS(0x1000), PFN_PHYS(0x100), BOOTMEM_DEFAULT);
	sh_reserve(PFN_PHYS(0x7fff), PAGE_SIZE, BOOTMEM_DEFAULT);
	sh_reserve(0x3000123, 10, BOOTMEM_DEFAULT);
	check_all();
	for (unsigned long p = N0_START; p < N0_END; p++)
		want += !shadow[p];
	want += 1;	/* the bitmap page */

	nrel = 0;
	atomic_store(&m->totalram, 100);
	count = kmm_free_all_bootmem_to(record);
	KT_EQ(count, want);
	KT_EQ(atomic_load(&m->totalram), 100 + want);
	check_release(N0_START, N0_END, N0_MAP, count);
	/* The last release is the bitmap page. */
	KT_EQ(rel[nrel - 1].pfn, N0_MAP);
	KT_EQ(NODE_BDATA(0)->node_bootmem_map, NULL);
	KT_FALSE(kmm_bootmem_active());
	/* A second call finds nothing. */
	nrel = 0;
	KT_EQ(kmm_free_all_bootmem_to(record), 0);
	KT_EQ(nrel, 0);
	end_machine(m);
}

KT_TEST(free_all_bootmem_two_nodes_in_list_order)
{
	pg_data_t *p0, *p1;
	struct kmm_machine *m = two_nodes(&p0, &p1);
	unsigned long count;

	nrel = 0;
	count = kmm_free_all_bootmem_to(record);
	/* Everything but the two bitmap pages, plus those two pages. */
	KT_EQ(count, N0_END - N0_START);
	KT_EQ(atomic_load(&m->totalram), count);
	/* Node 0 (lower) first: its bitmap page precedes node 1's pages. */
	KT_EQ(rel[0].pfn, N0_START);
	for (unsigned long i = 0; i < nrel; i++) {
		if (rel[i].pfn == N0_MAP) {
			KT_EQ(rel[i + 1].pfn, N1_START + 1);
			break;
		}
	}
	KT_EQ(rel[nrel - 1].pfn, N1_START);
	end_machine(m);
}

KT_TEST(free_all_bootmem_unaligned_node_keeps_4_19_tail)
{
	/*
	 * Node [0x110, 0x174), bitmap elsewhere, all free.  The first word
	 * goes page by page up to pfn 0x140; at 0x140 (64-aligned) only the
	 * rest of word 0 (16 bits) is read because fewer than 64 pages
	 * remain, so pfns 0x150..0x173 (in word 1) stay behind, as in Linux.
	 */
	struct kmm_machine *m = new_machine(NULL);
	pg_data_t *pgdat = new_node(m, 0);
	unsigned long count;

	memset(shadow, 0, sizeof(shadow));
	init_bootmem_node(pgdat, 0x300, 0x110, 0x174);
	free_bootmem(PFN_PHYS(0x110), PFN_PHYS(0x64));
	nrel = 0;
	count = kmm_free_all_bootmem_to(record);
	KT_EQ(count, 48 + 16 + 1);
	KT_EQ(rel[0].pfn, 0x110);
	KT_EQ(rel[47].pfn, 0x13f);
	KT_EQ(rel[48].pfn, 0x140);
	KT_EQ(rel[63].pfn, 0x14f);
	KT_EQ(rel[64].pfn, 0x300);
	for (unsigned long i = 0; i < nrel; i++)
		KT_EQ(rel[i].order, 0);
	end_machine(m);
}

KT_TEST(free_all_bootmem_aligned_words_order6)
{
	struct kmm_machine *m = new_machine(NULL);
	pg_data_t *pgdat = new_node(m, 0);
	unsigned long count;

	/* [0x1000, 0x1100): four whole words, bitmap outside. */
	memset(shadow, 0, sizeof(shadow));
	init_bootmem_node(pgdat, 0x300, 0x1000, 0x1100);
	free_bootmem(PFN_PHYS(0x1000), PFN_PHYS(0x100));
	reserve_bootmem(PFN_PHYS(0x1080), PAGE_SIZE, BOOTMEM_DEFAULT);
	nrel = 0;
	count = kmm_free_all_bootmem_to(record);
	KT_EQ(count, 0x100 - 1 + 1);
	KT_EQ(rel[0].pfn, 0x1000);
	KT_EQ(rel[0].order, 6);
	KT_EQ(rel[1].pfn, 0x1040);
	KT_EQ(rel[1].order, 6);
	KT_EQ(rel[2].pfn, 0x1081);	/* word 2 page by page */
	KT_EQ(rel[2].order, 0);
	KT_EQ(rel[64].pfn, 0x10bf);
	KT_EQ(rel[64].order, 0);
	KT_EQ(rel[65].pfn, 0x10c0);
	KT_EQ(rel[65].order, 6);
	KT_EQ(rel[66].pfn, 0x300);
	KT_EQ(nrel, 67);
	end_machine(m);
}

/* --- Debug trace ----------------------------------------------------------- */

KT_TEST(bootmem_debug_traces)
{
	struct kmm_machine *m = new_machine("bootmem_debug");
	pg_data_t *pgdat = new_node(m, 0);

	init_bootmem_node(pgdat, 0x200, 0x100, 0x8000);
	free_bootmem(PFN_PHYS(0x300), PFN_PHYS(2));
	KT_TRUE(__alloc_bootmem(64, 64, 0) != NULL);
	KT_TRUE(log_has(m, "bootmem::init_bootmem_core nid=0 start=100 map=200 end=8000 mapsize=fe0\n"));
	KT_TRUE(log_has(m, "bootmem::mark_bootmem_node nid=0 start=300 end=302 reserve=0 flags=0\n"));
	KT_TRUE(log_has(m, "bootmem::__free nid=0 start=300 end=302\n"));
	KT_TRUE(log_has(m, "bootmem::alloc_bootmem_bdata nid=0 size=40 [1 pages] align=40 goal=0 limit=0\n"));
	KT_TRUE(log_has(m, "bootmem::__reserve nid=0 start=300 end=301 flags=1\n"));
	end_machine(m);

	/* Off by default. */
	m = new_machine("bootmem_debugx");
	pgdat = new_node(m, 0);
	init_bootmem_node(pgdat, 0x200, 0x100, 0x8000);
	KT_FALSE(log_has(m, "bootmem::"));
	end_machine(m);
}

/* --- The kmm integration on memblock -------------------------------------- */

KT_TEST(active_regions_free_node_memory)
{
	struct kmm_machine *m = new_machine(NULL);
	pg_data_t *pgdat = new_node(m, 0);

	memset(shadow, 0, sizeof(shadow));
	/* Two memory ranges with a hole, one of them ending mid-page. */
	memblock_add_node(0x100000, 0x3f00000, 0, MEMBLOCK_NONE);
	memblock_add_node(0x5000000, 0x1000800, 0, MEMBLOCK_NONE);
	init_bootmem_node(pgdat, N0_MAP, N0_START, N0_END);
	sh_set(N0_START, N0_END, 1);
	free_bootmem_with_active_regions(0, 0x6000);
	sh_set(0x100, 0x4000, 0);
	sh_set(0x5000, 0x6000, 0);	/* clipped at max_low_pfn */
	check_all();
	/* Another node's id frees nothing here. */
	free_bootmem_with_active_regions(1, 0x8000);
	check_all();
	end_machine(m);
}

KT_TEST(setup_places_bitmap_and_reserves)
{
	struct kmm_machine *m = new_machine(NULL);
	bootmem_data_t *b = NODE_BDATA(0);
	void *p;

	new_node(m, 0);
	memset(shadow, 0, sizeof(shadow));
	memblock_add_node(0x1000, 0x9e000, 0, MEMBLOCK_NONE);
	memblock_add_node(0x100000, 0x7f00000, 0, MEMBLOCK_NONE);
	memblock_reserve(0, 0x2000);		/* page 0 and 1 */
	memblock_reserve(0x100000, 0x200000);	/* a "kernel" */
	memblock_reserve(0x6000800, 0x100);	/* something small */
	node_set_state(0, N_ONLINE);
	max_low_pfn = 0x8000;
	KT_FALSE(memblock_bottom_up());

	KT_EQ(kmm_bootmem_setup(), 0);
	KT_FALSE(memblock_bottom_up());
	/* The first free page of the node holds the bitmap (1 page). */
	KT_EQ(__pa(b->node_bootmem_map), 0x2000);
	KT_TRUE(memblock_is_region_reserved(0x2000, PAGE_SIZE));
	KT_EQ(b->node_min_pfn, 1);
	KT_EQ(b->node_low_pfn, 0x8000);
	KT_TRUE(log_has(m, "bootmem: node 0 bitmap at [mem 0x00002000-0x00002fff] (1 pages)\n"));

	/* Memory free where memblock had it free, reserved elsewhere. */
	sh_set(1, 3, 1);		/* page 1 (memblock), 2 (bitmap) */
	sh_set(0x9f, 0x100, 1);		/* hole below 1 MiB */
	sh_set(0x100, 0x300, 1);	/* kernel */
	sh_set(0x6000, 0x6001, 1);	/* partial page reserved */
	check_all();
	KT_TRUE(kmm_bootmem_active());
	KT_EQ(kmm_bootmem_setup(), -EBUSY);

	/* Allocations through the kmm wrapper come from the bitmap. */
	p = kmm_bootmem_alloc_node(0, PAGE_SIZE, PAGE_SIZE, 0, 0);
	sh_alloced(p, PAGE_SIZE);
	KT_EQ(__pa(p), 0x3000);
	check_all();
	end_machine(m);
}

KT_TEST(boot_with_bootmem_parameter)
{
	/* The whole path: setup after NUMA init, hand-over in mm_init. */
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[256];

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 2ULL << 30, 2, 2, err, sizeof(err)), 0);
	kmm_desc_add_cmdline(d, "bootmem");
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	KT_TRUE(m != NULL);
	if (!m)
		return;
	if (kmm_machine_boot(m, err, sizeof(err))) {
		KT_FAIL("boot: %s", err);
	} else {
		kmm_machine_enter(m);
		KT_TRUE(log_has(m, "bootmem: node 0 bitmap at [mem "));
		KT_TRUE(log_has(m, "bootmem: node 1 bitmap at [mem "));
		KT_FALSE(log_has(m, "bootmem alloc of"));
		KT_TRUE(m->params.use_bootmem);
		kmm_machine_enter(NULL);
	}
	kmm_machine_destroy(m);
}

KT_MAIN()
