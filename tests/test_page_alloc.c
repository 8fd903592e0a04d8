/* SPDX-License-Identifier: MIT */
/*
 * test_page_alloc.c - the buddy allocator: API and GFP flags, zones and
 * nodes, compound pages, the fallback/claim rules worked by hand,
 * watermarks, failure and its warning, misuse, shrinkers, and a
 * multithreaded stress test that must leave every counter where boot left
 * it.  kmm_mm_verify() runs after each scenario.
 */
#include <pthread.h>
#include "ktest.h"
#include "kmm_test_util.h"
#include <kmm/gfp.h>

static struct zone *Z(struct kmm_machine *m, int nid, int zid)
{
	return &m->node_data[nid]->node_zones[zid];
}

static void verify(struct kmm_machine *m)
{
	char err[512];

	/* kmm_verify=1 machines warn on the first broken invariant. */
	if (m->verify_ops)
		KT_EQ(atomic_load(&m->warn_count), 0);
	if (kmm_mm_verify(m, err, sizeof(err)))
		KT_FAIL("invariants: %s", err);
}

static unsigned long free_pages_of(struct zone *z)
{
	return (unsigned long)atomic_load(&z->vm_stat[NR_FREE_PAGES]);
}

/* Free blocks of @order and @mt on a zone's list. */
static unsigned long nr_on_list(struct zone *z, int order, int mt)
{
	unsigned long n = 0;
	struct list_head *pos;

	list_for_each(pos, &z->free_area[order].free_list[mt])
		n++;
	return n;
}

static struct kmm_machine *boot_small(const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m = NULL;

	kmm_desc_init(d);
	if (!kmm_desc_compact(d, 64ULL << 20, 1, 2, err, sizeof(err))) {
		d->kernel_start = 0x200000;
		d->kernel_size = 0x200000;
		/*
		 * Small machines: check the zone after every operation, and
		 * no slab layer or initrd, whose boot allocations and frees
		 * would move the pages the cases below work out by hand.
		 */
		kmm_desc_set_initrd(d, 0, 0, err, sizeof(err));
		kmm_desc_add_cmdline(d, "kmm_verify=1 slab=off");
		kmm_desc_add_cmdline(d, cmdline);
		m = boot_desc(d);
	}
	free(d);
	if (m)
		kmm_machine_enter(m);
	return m;
}

KT_TEST(alloc_free_every_order)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 2, NULL);
	unsigned long before;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	drain_all_pages(NULL);
	before = global_zone_page_state(NR_FREE_PAGES);
	for (unsigned int o = 0; o <= MAX_PAGE_ORDER; o++) {
		struct page *p = alloc_pages(GFP_KERNEL, o);
		unsigned long pfn;
		u8 *va;

		KT_TRUE(p != NULL);
		if (!p)
			continue;
		pfn = page_to_pfn(p);
		KT_TRUE(IS_ALIGNED(pfn, 1UL << o));
		KT_EQ(page_ref_count(p), 1);
		va = page_address(p);
		KT_EQ(virt_to_page(va), p);
		memset(va, 0x5a, PAGE_SIZE << o);	/* it is real memory */
		KT_EQ(va[(PAGE_SIZE << o) - 1], 0x5a);
		KT_TRUE(page_zonenum(p) == ZONE_NORMAL || page_zonenum(p) == ZONE_DMA32);
		__free_pages(p, o);
	}
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(gfp_zones_and_nodes)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 4, NULL);
	struct page *p;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_EQ(gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	KT_EQ(gfp_zone(GFP_DMA), ZONE_DMA);
	KT_EQ(gfp_zone(GFP_DMA32), ZONE_DMA32);
	KT_EQ(gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_MOVABLE);
	KT_EQ(gfp_migratetype(GFP_KERNEL), MIGRATE_UNMOVABLE);
	KT_EQ(gfp_migratetype(GFP_HIGHUSER_MOVABLE), MIGRATE_MOVABLE);
	KT_EQ(gfp_migratetype(GFP_KERNEL | __GFP_RECLAIMABLE), MIGRATE_RECLAIMABLE);
	KT_EQ(GFP_KERNEL, 0xcc0);
	KT_EQ(GFP_ATOMIC, 0x820);
	KT_EQ(GFP_NOWAIT, 0x2800);

	p = alloc_pages(GFP_DMA, 0);
	KT_TRUE(p && page_zonenum(p) == ZONE_DMA);
	__free_pages(p, 0);
	p = alloc_pages(GFP_DMA32, 2);
	KT_TRUE(p && page_zonenum(p) <= ZONE_DMA32);
	__free_pages(p, 2);
	p = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE, 3);
	KT_TRUE(p && page_to_nid(p) == 1);
	__free_pages(p, 3);
	p = alloc_pages_node(0, GFP_KERNEL, 0);
	KT_TRUE(p && page_to_nid(p) == 0);
	__free_pages(p, 0);
	{
		nodemask_t only1;

		memset(&only1, 0, sizeof(only1));
		node_set(1, &only1);
		p = __alloc_pages(GFP_KERNEL, 1, 0, &only1);
		KT_TRUE(p && page_to_nid(p) == 1);
		__free_pages(p, 1);
	}
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * Both mobility bits: invalid.  Linux warns (DEBUG_VM) and indexes the
 * next order's per-CPU list; kmm warns once and allocates unmovable, on
 * the fast path's machine as on the general path's.
 */
KT_TEST(both_mobility_bits_warn_and_allocate_unmovable)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 2, NULL);
	const gfp_t bad = GFP_KERNEL | __GFP_MOVABLE | __GFP_RECLAIMABLE;
	struct page *warm[4], *p[4];
	unsigned long before;
	long warns;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	drain_all_pages(NULL);
	before = global_zone_page_state(NR_FREE_PAGES);
	/* Fill every order's unmovable per-CPU list with a page or more. */
	for (unsigned int o = 0; o < 4; o++)
		warm[o] = alloc_pages(GFP_KERNEL, o);
	for (unsigned int o = 0; o < 4; o++) {
		KT_TRUE(warm[o] != NULL);
		if (warm[o])
			__free_pages(warm[o], o);
	}
	warns = atomic_load(&m->warn_count);
	for (unsigned int o = 0; o < 4; o++) {
		p[o] = alloc_pages(bad, o);
		KT_TRUE(p[o] != NULL);
		if (!p[o])
			continue;
		KT_EQ(page_ref_count(p[o]), 1);
		KT_EQ(get_pageblock_migratetype(p[o]), MIGRATE_UNMOVABLE);
		verify(m);
	}
	KT_EQ(atomic_load(&m->warn_count), warns + 1);
	KT_EQ(gfp_migratetype(bad), MIGRATE_UNMOVABLE);
	for (unsigned int o = 0; o < 4; o++)
		if (p[o])
			__free_pages(p[o], o);
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * hugetlb pools: hugepages= fills the default 2 MiB pool from the buddy
 * allocator at hugetlb_init, interleaved over the nodes (or on the nodes
 * named), hugepagesz=1G takes gigantic pages from memblock; vm.nr_hugepages
 * moves the default pool by exactly its pages; bad parameters warn as
 * Linux's do and change nothing; a pool that cannot be filled keeps what
 * it got.
 */
KT_TEST(hugetlb_pools_at_boot_and_by_sysctl)
{
	struct kmm_machine *m;
	struct hstate *h2, *h1;
	unsigned long before;
	char *log;

	m = boot_compact_noinitrd(4ULL << 30, 2, 2, "hugepages=10");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	log = machine_log(m);
	KT_CONTAINS(log, "HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages\n"
			 "HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page\n"
			 "HugeTLB: registered 2.00 MiB page size, pre-allocated 10 pages\n"
			 "HugeTLB: 28 KiB vmemmap can be freed for a 2.00 MiB page\n");
	free(log);
	h1 = &m->hugetlb.hstates[0];
	h2 = &m->hugetlb.hstates[1];
	KT_EQ(h1->order, 18);
	KT_EQ(h2->order, 9);
	KT_EQ(h2->nr_huge_pages_node[0], 5);
	KT_EQ(h2->nr_huge_pages_node[1], 5);
	KT_EQ(meminfo_value(m, "HugePages_Total:"), 10);
	KT_EQ(meminfo_value(m, "HugePages_Free:"), 10);
	KT_EQ(meminfo_value(m, "Hugepagesize:"), 2048);
	KT_EQ(meminfo_value(m, "Hugetlb:"), 20480);
	drain_all_pages(NULL);
	before = global_zone_page_state(NR_FREE_PAGES);
	KT_EQ(kmm_sysctl(m, "vm.nr_hugepages", 0), 0);
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before + 10 * 512);
	KT_EQ(meminfo_value(m, "HugePages_Total:"), 0);
	KT_EQ(kmm_sysctl(m, "vm.nr_hugepages", 7), 0);
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before + 3 * 512);
	KT_EQ(h2->nr_huge_pages_node[0] + h2->nr_huge_pages_node[1], 7);
	KT_EQ(kmm_sysctl(m, "vm.nr_hugepages", -1), -EINVAL);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);

	/* Node-specific counts, gigantic pages, the 1 GiB default. */
	m = boot_compact_noinitrd(4ULL << 30, 2, 2,
			 "hugepagesz=2M hugepages=1:3 hugepagesz=1G hugepages=1 default_hugepagesz=1G");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	log = machine_log(m);
	/* Command-line sizes come first. */
	KT_CONTAINS(log, "HugeTLB: registered 2.00 MiB page size, pre-allocated 3 pages\n");
	KT_CONTAINS(log, "HugeTLB: registered 1.00 GiB page size, pre-allocated 1 pages\n");
	KT_TRUE(strstr(log, "registered 2.00 MiB") < strstr(log, "registered 1.00 GiB"));
	free(log);
	h2 = &m->hugetlb.hstates[0];
	KT_EQ(h2->nr_huge_pages_node[0], 0);
	KT_EQ(h2->nr_huge_pages_node[1], 3);
	KT_EQ(meminfo_value(m, "HugePages_Total:"), 1);
	KT_EQ(meminfo_value(m, "Hugepagesize:"), 1048576);
	KT_EQ(meminfo_value(m, "Hugetlb:"), 1048576 + 3 * 2048);
	/* Gigantic pools do not move at run time (no CONTIG_ALLOC). */
	KT_EQ(kmm_sysctl(m, "vm.nr_hugepages", 2), -EINVAL);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);

	/*
	 * Gigantic pages on the bootmem path (bootmem's own allocation, so
	 * free_all_bootmem does not hand them over too), and under lazy
	 * deferred init (their struct pages may not be set up at
	 * hugetlb_init): counted once, on their own nodes, the checkers pass
	 * after the deferred pages grow in.  A node-specific count falls back
	 * to the other node, as memblock_alloc_try_nid_raw does.
	 */
	{
		static const char *const cmd[] = {
			"bootmem hugepagesz=1G hugepages=2",
			"deferred_init=lazy hugepagesz=1G hugepages=2",
			"hugepagesz=1G hugepages=1:5",
		};

		for (int c = 0; c < 3; c++) {
			struct kmm_machine *g = boot_compact_noinitrd(8ULL << 30, 2, 2, cmd[c]);
			struct kmm_machine *p0 = boot_compact_noinitrd(8ULL << 30, 2, 2,
							      c == 0 ? "bootmem" : NULL);
			unsigned long want = c == 2 ? 5 : 2;
			struct page *pages[64];
			int n = 0;

			KT_TRUE(g && p0);
			if (!g || !p0)
				continue;
			log = machine_log(g);
			KT_TRUE(strstr(log, "Only allocated") == NULL);
			free(log);
			h1 = &g->hugetlb.hstates[0];
			KT_EQ(h1->order, 18);
			KT_EQ(h1->nr_huge_pages, want);
			KT_EQ(h1->nr_huge_pages_node[0] + h1->nr_huge_pages_node[1],
			      want);
			if (c == 2)
				KT_EQ(h1->nr_huge_pages_node[1], 3);
			else
				KT_EQ(h1->nr_huge_pages_node[1], 1);
			KT_EQ(meminfo_value(g, "MemTotal:"),
			      meminfo_value(p0, "MemTotal:"));
			KT_TRUE(meminfo_value(p0, "MemFree:") -
				meminfo_value(g, "MemFree:") >= want << 20);
			/* Grow lazy zones: take and give back up to 64 4-MiB blocks. */
			kmm_machine_enter(g);
			while (n < 64 && (pages[n] = alloc_pages(GFP_KERNEL |
								 __GFP_NOWARN,
								 MAX_PAGE_ORDER)))
				n++;
			while (n--)
				__free_pages(pages[n], MAX_PAGE_ORDER);
			verify(g);
			KT_EQ(h1->nr_huge_pages, want);
			kmm_machine_enter(NULL);
			kmm_machine_destroy(g);
			kmm_machine_destroy(p0);
		}
	}

	/* Bad parameters: warned about, ignored. */
	m = boot_compact(1ULL << 30, 1, 1,
			 "hugepagesz=3M hugepages=5 hugepages=abc hugepagesz=2M hugepages=9:4 nogbpages");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "HugeTLB: unsupported hugepagesz=3M\n");
	KT_CONTAINS(log, "HugeTLB: hugepages=5 does not follow a valid hugepagesz, ignoring\n");
	KT_CONTAINS(log, "HugeTLB: Invalid hugepages parameter abc\n");
	KT_CONTAINS(log, "HugeTLB: Invalid hugepages parameter 9:4\n");
	KT_TRUE(strstr(log, "1.00 GiB") == NULL);	/* nogbpages: no 1G hstate */
	KT_CONTAINS(log, "HugeTLB: registered 2.00 MiB page size, pre-allocated 0 pages\n");
	free(log);
	kmm_machine_destroy(m);

	/* More than the machine holds: what fits, and Linux's warning. */
	m = boot_compact(1ULL << 30, 1, 1, "hugepages=100000");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	log = machine_log(m);
	KT_CONTAINS(log, "HugeTLB: allocating 100000 of page size 2.00 MiB failed.  Only allocated ");
	free(log);
	KT_TRUE(meminfo_value(m, "HugePages_Total:") > 300);
	KT_TRUE(meminfo_value(m, "HugePages_Total:") < 512);
	KT_EQ(kmm_sysctl(m, "vm.nr_hugepages", 0), 0);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(zeroing_compound_split_exact_bulk)
{
	struct kmm_machine *m = boot_compact(2ULL << 30, 1, 1, NULL);
	struct page *p, *arr[40];
	unsigned long a, before;
	u8 *va;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	drain_all_pages(NULL);
	before = global_zone_page_state(NR_FREE_PAGES);
	/* Dirty a page, free it, get it back zeroed. */
	p = alloc_pages(GFP_KERNEL, 0);
	memset(page_address(p), 0xff, PAGE_SIZE);
	__free_pages(p, 0);
	a = get_zeroed_page(GFP_KERNEL);
	KT_TRUE(a != 0);
	va = (u8 *)a;
	for (int i = 0; i < (int)PAGE_SIZE; i++)
		if (va[i]) {
			KT_FAIL("byte %d of a zeroed page is %#x", i, va[i]);
			break;
		}
	free_page(a);

	/* Compound: head, tails, order; put_page frees all 8 pages. */
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	KT_TRUE(PageHead(p));
	KT_EQ(compound_order(p), 3);
	for (int i = 1; i < 8; i++)
		KT_EQ(compound_head(&p[i]), p);
	get_page(&p[5]);
	KT_EQ(page_ref_count(p), 2);
	put_page(&p[2]);
	put_page(p);

	/* split_page: eight independent pages. */
	p = alloc_pages(GFP_KERNEL, 3);
	split_page(p, 3);
	for (int i = 0; i < 8; i++) {
		KT_EQ(page_ref_count(&p[i]), 1);
		__free_pages(&p[i], 0);
	}

	/* alloc_pages_exact: 5 pages out of an order-3 block; 3 come back. */
	va = alloc_pages_exact(5 * PAGE_SIZE, GFP_KERNEL);
	KT_TRUE(va != NULL);
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before - 5);
	free_pages_exact(va, 5 * PAGE_SIZE);

	/* Bulk: fills the NULL slots only. */
	memset(arr, 0, sizeof(arr));
	arr[3] = alloc_pages(GFP_KERNEL, 0);
	KT_EQ(alloc_pages_bulk(GFP_KERNEL, 40, arr), 40);
	for (int i = 0; i < 40; i++) {
		KT_TRUE(arr[i] != NULL);
		for (int j = 0; j < i; j++)
			KT_TRUE(arr[i] != arr[j]);
	}
	for (int i = 0; i < 40; i++)
		__free_pages(arr[i], 0);
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * Pageblock 0 stays UNMOVABLE after boot, as on every PC: memmap_init
 * marks a pageblock MOVABLE at its first pfn, and pfn 0 is not memory (the
 * BIOS page), so its bits keep their initial value, 0 = UNMOVABLE.  On the
 * small machine below (kernel at 2-4 MiB) that block's only free memory is
 * 1-2 MiB: one order-8 UNMOVABLE block at pfn 0x100, which an UNMOVABLE
 * request takes first.
 */
static struct page *take_pageblock0(struct kmm_machine *m)
{
	struct page *u0;

	KT_EQ(get_pageblock_migratetype(pfn_to_page(0x100)), MIGRATE_UNMOVABLE);
	KT_EQ(nr_on_list(Z(m, 0, ZONE_DMA), 8, MIGRATE_UNMOVABLE), 1);
	u0 = alloc_pages(GFP_KERNEL, 8);
	KT_TRUE(u0 != NULL);
	if (u0)
		KT_EQ(page_to_pfn(u0), 0x100);
	return u0;
}

/*
 * Claiming a pageblock, worked by hand on a 64 MiB machine cut to 16 MiB:
 * only ZONE_DMA, every other pageblock MOVABLE after boot.  An order-4 UNMOVABLE
 * request finds no UNMOVABLE or RECLAIMABLE block, so __rmqueue_claim walks
 * from order 10 down: the head of the MOVABLE order-10 list (the lowest
 * free 4 MiB block, pfn 0x400, since boot frees to the tail in address
 * order) is stolen whole: both its pageblocks become UNMOVABLE and it is
 * split into UNMOVABLE blocks of orders 9..4, the request getting pfn
 * 0x400.  Freeing it merges everything back to one order-10 block, now on
 * the UNMOVABLE list (the pageblocks keep their new type).
 */
KT_TEST(claim_whole_pageblocks_by_hand)
{
	struct kmm_machine *m = boot_small("mem=16M");
	struct zone *dma;
	unsigned long movable10;
	struct page *p, *u0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	dma = Z(m, 0, ZONE_DMA);
	drain_all_pages(NULL);
	u0 = take_pageblock0(m);
	movable10 = nr_on_list(dma, 10, MIGRATE_MOVABLE);
	KT_TRUE(movable10 >= 1);
	for (int o = 0; o <= 10; o++)
		KT_EQ(nr_on_list(dma, o, MIGRATE_UNMOVABLE), 0);
	p = alloc_pages(GFP_KERNEL, 4);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	KT_EQ(page_to_pfn(p), 0x400);
	KT_EQ(get_pageblock_migratetype(p), MIGRATE_UNMOVABLE);
	KT_EQ(get_pageblock_migratetype(pfn_to_page(0x600)), MIGRATE_UNMOVABLE);
	KT_EQ(get_pageblock_migratetype(pfn_to_page(0x800)), MIGRATE_MOVABLE);
	for (int o = 4; o <= 9; o++)
		KT_EQ(nr_on_list(dma, o, MIGRATE_UNMOVABLE), 1);
	KT_EQ(nr_on_list(dma, 10, MIGRATE_MOVABLE), movable10 - 1);
	verify(m);
	__free_pages(p, 4);
	KT_EQ(nr_on_list(dma, 10, MIGRATE_UNMOVABLE), 1);
	for (int o = 4; o <= 9; o++)
		KT_EQ(nr_on_list(dma, o, MIGRATE_UNMOVABLE), 0);
	if (u0)
		__free_pages(u0, 8);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * Stealing without claiming, by hand.  After the claim above, UNMOVABLE
 * requests of order 9 and 8 take 0x600 and 0x500 from the UNMOVABLE lists,
 * leaving pageblock 0x400 with 16 + 32 + 64 + 128 = 240 free UNMOVABLE
 * pages.  MOVABLE order-0 requests then use up the MOVABLE memory; the
 * first that must fall back tries to claim pageblock 0x400 but finds only
 * 240 < 256 pages free (and no movable ones in use), so it steals the
 * smallest UNMOVABLE block, order 4 at 0x410, splits it and takes 0x410;
 * the pageblock stays UNMOVABLE.  (Free pages, 240 + the rest, are still
 * above the low watermark of 136 pages here, so the fallback is reached.)
 */
KT_TEST(movable_steals_without_claiming)
{
	struct kmm_machine *m = boot_small("mem=16M");
	struct page *u4, *u9, *pu8, **held = calloc(8192, sizeof(*held));
	struct page *fell = NULL, *u0;
	int n = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	drain_all_pages(NULL);
	u0 = take_pageblock0(m);
	u4 = alloc_pages(GFP_KERNEL, 4);
	u9 = alloc_pages(GFP_KERNEL, 9);
	pu8 = alloc_pages(GFP_KERNEL, 8);
	KT_TRUE(u4 && u9 && pu8);
	if (!u4 || !u9 || !pu8)
		return;
	KT_EQ(page_to_pfn(u4), 0x400);
	KT_EQ(page_to_pfn(u9), 0x600);
	KT_EQ(page_to_pfn(pu8), 0x500);
	KT_TRUE(Z(m, 0, ZONE_DMA)->_watermark[WMARK_LOW] < 240);
	while (n < 8192) {
		struct page *p = alloc_pages(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN |
					     __GFP_NORETRY, 0);

		if (!p)
			break;
		held[n++] = p;
		if (page_to_pfn(p) >= 0x400 && page_to_pfn(p) < 0x800) {
			fell = p;
			break;
		}
	}
	KT_TRUE(fell != NULL);
	if (fell) {
		KT_EQ(page_to_pfn(fell), 0x410);
		KT_EQ(get_pageblock_migratetype(fell), MIGRATE_UNMOVABLE);
	}
	verify(m);
	for (int i = 0; i < n; i++)
		__free_pages(held[i], 0);
	__free_pages(u4, 4);
	__free_pages(u9, 9);
	__free_pages(pu8, 8);
	if (u0)
		__free_pages(u0, 8);
	drain_all_pages(NULL);
	verify(m);
	free(held);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * Watermarks of a 1-node 4 GiB machine, from the formulas of
 * __setup_per_zone_wmarks and calculate_min_free_kbytes.  They were set
 * at postcore_initcall, before populate_rootfs freed the initrd: the
 * formulas take each zone's managed pages without the initrd's, as
 * Linux's do.
 */
KT_TEST(watermarks_and_reserves_follow_the_formulas)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 2,
					     "deferred_init=off");
	unsigned long managed[MAX_NR_ZONES], lowmem = 0, kb, pages_min;
	unsigned long rd_first, rd_end, rd_pages = 0;
	int min_free;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_TRUE(m->desc.initrd_size > 0);
	rd_first = m->desc.initrd_start >> PAGE_SHIFT;
	rd_end = (m->desc.initrd_start + m->desc.initrd_size + PAGE_SIZE - 1) >>
		 PAGE_SHIFT;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = Z(m, 0, z);
		unsigned long in = 0;

		for (unsigned long pfn = rd_first; pfn < rd_end; pfn++)
			in += zone_spans_pfn(zone, pfn);
		rd_pages += in;
		managed[z] = zone_managed_pages(zone) - in;
		if (z != ZONE_MOVABLE)
			lowmem += managed[z];
	}
	KT_EQ(rd_pages, 8320 / 4);
	/* nr_free_buffer_pages: managed - high (0 at the first pass). */
	kb = lowmem * 4;
	{
		unsigned long r = 0;

		while ((r + 1) * (r + 1) <= kb * 16)
			r++;
		min_free = (int)r;
	}
	if (min_free < 128)
		min_free = 128;
	KT_EQ(m->min_free_kbytes, min_free);
	pages_min = (unsigned long)min_free >> 2;
	for (int z = 0; z < ZONE_MOVABLE; z++) {
		struct zone *zone = Z(m, 0, z);
		unsigned long tmp = pages_min * managed[z] / lowmem;
		unsigned long delta = max(tmp >> 2, managed[z] * 10 / 10000);

		KT_EQ(zone->_watermark[WMARK_MIN], tmp);
		KT_EQ(zone->_watermark[WMARK_LOW], tmp + delta);
		KT_EQ(zone->_watermark[WMARK_HIGH], tmp + 2 * delta);
		KT_EQ(zone->_watermark[WMARK_PROMO], tmp + 3 * delta);
	}
	/* lowmem_reserve: DMA protects (DMA32 + Normal) / 256 for Normal. */
	KT_EQ(Z(m, 0, ZONE_DMA)->lowmem_reserve[ZONE_NORMAL],
	      (managed[ZONE_DMA32] + managed[ZONE_NORMAL]) / 256);
	KT_EQ(Z(m, 0, ZONE_DMA32)->lowmem_reserve[ZONE_NORMAL],
	      managed[ZONE_NORMAL] / 256);
	KT_EQ(Z(m, 0, ZONE_NORMAL)->lowmem_reserve[ZONE_MOVABLE], 0);
	/* pageset batch: zone_batchsize; high_min from the low watermark. */
	{
		struct zone *n = Z(m, 0, ZONE_NORMAL);
		unsigned long b = min(managed[ZONE_NORMAL] >> 10, 256UL) / 4;
		int batch;

		b = rounddown_pow_of_two(b + b / 2) - 1;
		batch = (int)b;
		KT_EQ(n->per_cpu_pageset[0].batch, batch);
		KT_EQ(n->per_cpu_pageset[0].high_min,
		      max((int)(n->_watermark[WMARK_LOW] / 2), batch * 4));
		KT_EQ(n->per_cpu_pageset[0].high_max,
		      max((int)(managed[ZONE_NORMAL] / 8 / 2), batch * 4));
	}
	/*
	 * A sysctl moves them: min_free_kbytes doubled, spread over the
	 * zones as they are now, the initrd's pages among them.
	 */
	KT_EQ(kmm_sysctl(m, "vm.min_free_kbytes", 2L * min_free), 0);
	KT_EQ(Z(m, 0, ZONE_NORMAL)->_watermark[WMARK_MIN],
	      ((unsigned long)(2 * min_free) >> 2) *
	      zone_managed_pages(Z(m, 0, ZONE_NORMAL)) / (lowmem + rd_pages));
	KT_EQ(kmm_sysctl(m, "vm.watermark_scale_factor", 0), -EINVAL);
	KT_EQ(kmm_sysctl(m, "vm.percpu_pagelist_high_fraction", 4), -EINVAL);
	KT_EQ(kmm_sysctl(m, "vm.nosuch", 1), -ENOENT);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(failure_warns_and_returns_null)
{
	struct kmm_machine *m = boot_small("mem=16M");
	struct page *pages[4096];
	int n = 0;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	while (n < 4096) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0);

		if (!p)
			break;
		pages[n++] = p;
	}
	KT_TRUE(n > 1000 && n < 4096);
	/* Without NOWARN: Linux's warning and show_mem. */
	KT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
	log = machine_log(m);
	KT_CONTAINS(log, "page allocation failure: order:0, mode:0xcc0(GFP_KERNEL), nodemask=(null)");
	KT_CONTAINS(log, "\nMem-Info:\n");
	free(log);
	/* Orders above MAX_PAGE_ORDER fail at once. */
	KT_TRUE(alloc_pages(GFP_KERNEL | __GFP_NOWARN, 11) == NULL);
	for (int i = 0; i < n; i++)
		__free_pages(pages[i], 0);
	drain_all_pages(NULL);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* Double free, wrong machine: reported, counted, lists intact. */
KT_TEST(misuse_is_reported_and_survived)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 1, NULL);
	struct page *p, fake;
	long bad0;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	bad0 = atomic_load(&m->bad_pages);
	p = alloc_pages(GFP_KERNEL, 0);
	__free_pages(p, 0);
	__free_pages(p, 0);		/* double free */
	KT_EQ(atomic_load(&m->bad_pages), bad0 + 1);
	memset(&fake, 0, sizeof(fake));
	__free_pages(&fake, 0);		/* not this machine's page */
	KT_EQ(atomic_load(&m->bad_pages), bad0 + 2);
	/* Inside the memmap window but not a struct page, or past its end. */
	p = alloc_pages(GFP_KERNEL, 0);
	__free_pages((struct page *)((char *)p + 8), 0);
	KT_EQ(atomic_load(&m->bad_pages), bad0 + 3);
	__free_pages(m->vmemmap_base + m->vmemmap_pages, 0);
	KT_EQ(atomic_load(&m->bad_pages), bad0 + 4);
	KT_EQ(page_ref_count(p), 1);
	__free_pages(p, 0);
	KT_EQ(atomic_load(&m->bad_pages), bad0 + 4);
	log = machine_log(m);
	KT_CONTAINS(log, "BUG: Bad page state in process");
	free(log);
	drain_all_pages(NULL);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* A mapped page (mapcount 0) or one with PG_reserved is not freed. */
KT_TEST(freeing_mapped_or_reserved_pages_is_refused)
{
	struct kmm_machine *m = boot_small("mem=16M");
	unsigned long free0;
	struct page *p, *q;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	drain_all_pages(NULL);
	free0 = global_zone_page_state(NR_FREE_PAGES);
	p = alloc_pages(GFP_KERNEL, 0);
	q = alloc_pages(GFP_KERNEL, 2);
	atomic_store(&p->_mapcount, 0);		/* still mapped */
	__SetPageReserved(q);			/* still reserved */
	__free_pages(p, 0);
	__free_pages(q, 2);
	KT_EQ(atomic_load(&m->bad_pages), 2);
	log = machine_log(m);
	KT_CONTAINS(log, "page dumped because: nonzero mapcount");
	KT_CONTAINS(log, "page dumped because: PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	free(log);
	drain_all_pages(NULL);
	/* Neither went back: 1 + 4 pages are gone, nothing is corrupted. */
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), free0 - 5);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * The vmstat tick lets a pageset's high decay by an eighth per tick down
 * to high_min and drains what is above it (decay_pcp_high).
 */
KT_TEST(pcp_high_decays_on_ticks)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 1,
					     "deferred_init=off init_on_alloc=0");
	struct page **held = calloc(4096, sizeof(*held));
	struct per_cpu_pages *pcp;
	int ticks = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	for (int i = 0; i < 4096; i++)
		held[i] = alloc_pages(GFP_KERNEL, 0);
	for (int i = 0; i < 4096; i++)
		__free_pages(held[i], 0);
	pcp = &m->node_data[0]->node_zones[ZONE_NORMAL].per_cpu_pageset[0];
	KT_TRUE(pcp->high > pcp->high_min);	/* frees pushed it up */
	while (kmm_vmstat_tick(m) && ticks < 1000)
		ticks++;
	KT_TRUE(ticks > 1 && ticks < 1000);
	KT_EQ(pcp->high, pcp->high_min);
	KT_TRUE(pcp->count <= pcp->high);
	verify(m);
	free(held);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

static struct kmm_machine *boot_llc(unsigned long long llc, int sharers)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m = NULL;
	char err[256];

	kmm_desc_init(d);
	if (!kmm_desc_compact(d, 2ULL << 30, 1, 4, err, sizeof(err))) {
		kmm_desc_add_cmdline(d, "deferred_init=off init_on_alloc=0");
		d->llc_size = llc;
		d->llc_cpus = sharers;
		m = boot_desc(d);
	}
	free(d);
	return m;
}

/* A machine that has not booted refuses pages instead of crashing. */
KT_TEST(free_on_unbooted_machine_is_refused)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[256];

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 1ULL << 30, 1, 1, err, sizeof(err)), 0);
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	__free_pages(m->vmemmap_base + 4096, 0);
	KT_EQ(atomic_load(&m->bad_pages), 1);
	KT_TRUE(alloc_pages(GFP_KERNEL, 0) == NULL);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * PCPF_FREE_HIGH_BATCH (cacheinfo): a CPU whose share of the last-level
 * cache is over 3 batches of pages keeps a batch through a run of
 * high-order frees; without it (or with a small share) the second order-1
 * free of a run drains the list (free_high).
 */
KT_TEST(llc_slice_keeps_a_batch_of_high_order_frees)
{
	static const struct {
		unsigned long long llc;
		int sharers;
		bool flag;
	} c[] = {
		{ 0, 0, false },		/* no cache information */
		{ 32ULL << 20, 16, true },	/* 2 MiB each: 512 > 3 x 63 */
		{ 2ULL << 20, 0, false },	/* 4 CPUs: 128 pages < 189 */
		{ 4ULL << 20, 4, true },	/* 256 pages > 189 */
		/* 8 sharers, but only 4 CPUs online share it: 256 pages. */
		{ 4ULL << 20, 8, true },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct kmm_machine *m = boot_llc(c[i].llc, c[i].sharers);
		struct page *a, *b, *held[100];
		struct per_cpu_pages *pcp;
		struct zone *zone;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		kmm_machine_enter(m);
		KT_EQ(kmm_cpu_bind(m, 0), 0);
		a = alloc_pages(GFP_KERNEL, 1);
		b = alloc_pages(GFP_KERNEL, 1);
		KT_TRUE(a && b && page_zone(a) == page_zone(b));
		zone = page_zone(a);
		KT_EQ(zone->per_cpu_pageset[0].batch, 63);
		for (int cpu = 0; cpu < 4; cpu++)
			KT_EQ(!!(zone->per_cpu_pageset[cpu].flags &
				 PCPF_FREE_HIGH_BATCH), c[i].flag);
		/* Order-0 frees raise free_count past a batch ... */
		for (int k = 0; k < 100; k++)
			held[k] = alloc_pages(GFP_KERNEL, 0);
		for (int k = 0; k < 100; k++)
			__free_pages(held[k], 0);
		/* ... and a drain empties the lists, leaving it there. */
		drain_all_pages(NULL);
		pcp = &zone->per_cpu_pageset[0];
		KT_EQ(pcp->count, 0);
		KT_TRUE(pcp->free_count >= pcp->batch);
		__free_pages(a, 1);
		KT_EQ(pcp->count, 2);
		__free_pages(b, 1);
		KT_EQ(pcp->count, c[i].flag ? 4 : 0);
		verify(m);
		kmm_machine_enter(NULL);
		kmm_machine_destroy(m);
	}
}

/*
 * NUMA: a CPU's pageset of a remote node's zone is drained by the vmstat
 * tick once the CPU's counter diffs for that zone have stayed clean for 3
 * ticks (pcp->expire), a batch at a time; a local zone's never is.
 */
KT_TEST(remote_pagesets_expire_on_ticks)
{
	struct kmm_machine *m = boot_compact(2ULL << 30, 2, 2,
					     "deferred_init=off init_on_alloc=0");
	struct page **held = calloc(200, sizeof(*held));
	struct per_cpu_pages *rp, *lp;
	int before, lbefore, want;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_EQ(kmm_cpu_bind(m, 0), 0);
	KT_EQ(m->cpu_to_node[0], 0);
	for (int i = 0; i < 200; i++) {
		held[i] = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE, 0);
		KT_TRUE(held[i] != NULL);
	}
	KT_EQ(page_to_nid(held[0]), 1);
	rp = &page_zone(held[0])->per_cpu_pageset[0];
	for (int i = 0; i < 200; i++)
		__free_pages(held[i], 0);
	for (int i = 0; i < 8; i++)
		held[i] = alloc_pages_node(0, GFP_KERNEL | __GFP_THISNODE, 0);
	lp = &page_zone(held[0])->per_cpu_pageset[0];
	for (int i = 0; i < 8; i++)
		__free_pages(held[i], 0);
	/* Over three batches, all below high_min: decay drains none. */
	KT_TRUE(rp->count > 3 * rp->batch && rp->count < rp->high_min);
	KT_TRUE(lp->count > 0);
	before = rp->count;
	lbefore = lp->count;

	/* Tick 1: the refills' diffs fold, 3 ticks begin (2 left after it). */
	KT_TRUE(kmm_vmstat_tick(m));
	KT_EQ(rp->expire, 2);
	KT_EQ(lp->expire, 0);
	/* Every third tick one batch goes; its own diff restarts the count. */
	for (int t = 2; t <= 12; t++) {
		KT_TRUE(kmm_vmstat_tick(m));
		want = before - rp->batch * (t / 3);
		KT_EQ(rp->count, want > 0 ? want : 0);
		if (want > 0)
			KT_EQ(rp->expire, 2 - (t - 1) % 3);
		KT_EQ(lp->count, lbefore);
	}
	for (int t = 0; t < 1000 && kmm_vmstat_tick(m); t++)
		;
	KT_EQ(rp->count, 0);
	KT_EQ(lp->count, lbefore);
	verify(m);
	free(held);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * Linux 6.12: an allocation that finds its zone below the high watermark
 * sets ZONE_BELOW_HIGH; from then on each free trims the pageset (high
 * decays to high_min, the list is kept at or under it), and a drain that
 * leaves the zone above high again clears the flag.
 */
KT_TEST(zone_below_high_trims_pagesets)
{
	struct kmm_machine *m = boot_compact_noinitrd(1ULL << 30, 1, 1,
					     "deferred_init=off init_on_alloc=0");
	struct page **held = calloc(1UL << 18, sizeof(*held));
	struct per_cpu_pages *pcp;
	struct zone *zone;
	long n = 0, trims = 0;
	int start;

	KT_TRUE(m != NULL && held != NULL);
	if (!m || !held)
		return;
	kmm_machine_enter(m);
	held[n++] = alloc_pages(GFP_KERNEL, 0);
	zone = page_zone(held[0]);
	pcp = &zone->per_cpu_pageset[0];
	KT_FALSE(zone->flags & (1UL << ZONE_BELOW_HIGH));
	/*
	 * Allocate until an allocation finds the zone under high (its
	 * refill may take the zone under low: that page can come from the
	 * next zone).
	 */
	while (!(zone->flags & (1UL << ZONE_BELOW_HIGH)) && n < (1L << 18)) {
		held[n] = alloc_pages(GFP_KERNEL, 0);
		KT_TRUE(held[n] != NULL);
		KT_TRUE(page_zone(held[n]) == zone ||
			(zone->flags & (1UL << ZONE_BELOW_HIGH)));
		n++;
	}
	KT_TRUE(zone->flags & (1UL << ZONE_BELOW_HIGH));
	KT_TRUE(zone_page_state(zone, NR_FREE_PAGES) <=
		high_wmark_pages(zone) + (unsigned long)zone->lowmem_reserve[ZONE_NORMAL]);
	if (page_zone(held[n - 1]) != zone)
		__free_pages(held[--n], 0);	/* the next zone's */
	start = pcp->high;
	KT_TRUE(start > pcp->high_min);
	/*
	 * Each free while the flag is up trims pcp->high by
	 * max(free_count, batch), not below high_min, and drains the list
	 * down from high_min (nr_pcp_high); the drain that takes the zone
	 * back over high clears the flag.
	 */
	while ((zone->flags & (1UL << ZONE_BELOW_HIGH)) && n) {
		int old = pcp->high, want;

		__free_pages(held[--n], 0);
		want = old - max(pcp->free_count, pcp->batch);
		KT_EQ(pcp->high, max(want, pcp->high_min));
		trims++;
	}
	KT_TRUE(trims > 1);
	KT_TRUE(pcp->high < start);
	KT_TRUE(zone_page_state(zone, NR_FREE_PAGES) >
		high_wmark_pages(zone) + (unsigned long)zone->lowmem_reserve[ZONE_MOVABLE]);
	/* And with the flag down, frees let high grow again. */
	for (int k = 0; k < 4 * pcp->batch && n; k++)
		__free_pages(held[--n], 0);
	KT_FALSE(zone->flags & (1UL << ZONE_BELOW_HIGH));
	/* Everything back: a drain above the high watermark clears it. */
	while (n)
		__free_pages(held[--n], 0);
	KT_FALSE(zone->flags & (1UL << ZONE_BELOW_HIGH));
	verify(m);
	free(held);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * The reserves below the watermarks, worked by hand on a small machine
 * run down to its min watermark: GFP_NOWAIT stops at min and never claims
 * a highatomic block (6.12 stable: ALLOC_HIGHATOMIC needs __GFP_HIGH);
 * GFP_ATOMIC goes below min and reserves the block it took from;
 * __GFP_MEMALLOC ignores the watermarks unless __GFP_NOMEMALLOC says no.
 */
KT_TEST(atomic_and_memalloc_reserves)
{
	/* A zone big enough for a highatomic block (1% of it >= 512 pages). */
	struct kmm_machine *m = boot_compact(384ULL << 20, 1, 1,
					     "deferred_init=off init_on_alloc=0 slab=off");
	static struct page *held[131072];
	struct page *blocks[8], *p;
	struct zone *zone;
	unsigned long free0;
	int n = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	free0 = free_pages_settled();
	for (int i = 0; i < 8; i++)
		blocks[i] = alloc_pages(GFP_KERNEL, 2);
	zone = page_zone(blocks[0]);
	/* Down to the min watermark: GFP_KERNEL gives up there. */
	while (n < 131072 &&
	       (held[n] = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)) != NULL)
		n++;
	KT_TRUE(n > 0 && n < 131072);
	drain_all_pages(NULL);
	KT_EQ(zone->nr_reserved_highatomic, 0);
	/* The order-2 blocks back: between min and low. */
	for (int i = 0; i < 4; i++)
		__free_pages(blocks[i], 2);
	drain_all_pages(NULL);
	KT_TRUE(zone_page_state(zone, NR_FREE_PAGES) > min_wmark_pages(zone));
	KT_TRUE(zone_page_state(zone, NR_FREE_PAGES) < low_wmark_pages(zone));
	p = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 1);
	KT_TRUE(p != NULL);
	KT_EQ(zone->nr_reserved_highatomic, 0);
	__free_pages(p, 1);
	p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 1);
	KT_TRUE(p != NULL);
	KT_EQ(zone->nr_reserved_highatomic, pageblock_nr_pages);
	__free_pages(p, 1);
	for (int i = 4; i < 8; i++)
		__free_pages(blocks[i], 2);
	/* Use up to min again: then only __GFP_MEMALLOC gets a page. */
	while (n < 131072 &&
	       (held[n] = alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0)) != NULL)
		n++;
	KT_TRUE(alloc_pages(GFP_NOWAIT | __GFP_NOWARN, 0) == NULL);
	KT_TRUE(alloc_pages(GFP_NOWAIT | __GFP_NOWARN | __GFP_MEMALLOC |
			    __GFP_NOMEMALLOC, 0) == NULL);
	p = alloc_pages(GFP_NOWAIT | __GFP_NOWARN | __GFP_MEMALLOC, 0);
	KT_TRUE(p != NULL);
	if (p)
		__free_pages(p, 0);
	/*
	 * __GFP_NOFAIL without direct reclaim is not honoured (6.12): a WARN
	 * on the way in, the failure report, and NULL rather than a hang.
	 */
	{
		long warns = atomic_load(&m->warn_count);
		size_t mark = log_mark(m);
		char *log;

		ratelimit_expire(&m->nopage_rs);
		KT_TRUE(alloc_pages(__GFP_KSWAPD_RECLAIM | __GFP_NOFAIL, 0) ==
			NULL);
		KT_EQ(atomic_load(&m->warn_count), warns + 1);
		log = log_since(m, mark);
		KT_CONTAINS(log, "page allocation failure: order:0, mode:0x8800(__GFP_NOFAIL|__GFP_KSWAPD_RECLAIM)");
		free(log);
	}
	while (n)
		__free_pages(held[--n], 0);
	KT_EQ(free_pages_settled(), free0);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* A shrinker that gives back pages it holds when memory runs short. */
static struct page *cache[4096];
static int cached;

static unsigned long cache_count(struct shrinker *s, struct shrink_control *sc)
{
	return (unsigned long)cached;
}

static unsigned long cache_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = 0;

	while (cached && freed < sc->nr_to_scan) {
		__free_pages(cache[--cached], 0);
		freed++;
	}
	return freed;
}

KT_TEST(shrinkers_give_memory_back)
{
	struct kmm_machine *m = boot_small("mem=16M");
	struct page *hold[4096];
	struct shrinker *s;
	int n = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* The cache takes half of memory, then everything else is used. */
	cached = 0;
	while (cached < 1200)
		cache[cached++] = alloc_pages(GFP_KERNEL, 0);
	s = shrinker_alloc(0, "test-cache");
	s->count_objects = cache_count;
	s->scan_objects = cache_scan;
	shrinker_register(s);
	while (n < 4096) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN |
					     __GFP_NORETRY, 0);

		if (!p)
			break;
		hold[n++] = p;
	}
	/* NORETRY still runs one reclaim round: the cache was emptied. */
	KT_EQ(cached, 0);
	KT_TRUE(n > 1200);
	for (int i = 0; i < n; i++)
		__free_pages(hold[i], 0);
	shrinker_free(s);
	drain_all_pages(NULL);
	verify(m);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* --- stress --------------------------------------------------------------- */

struct stress {
	struct kmm_machine *m;
	int id;
	struct page *_Atomic *shared;	/* handed to the next thread */
	int nshared;
	long ops;
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *stress_thread(void *arg)
{
	struct stress *st = arg;
	struct { struct page *p; unsigned int order; } held[256];
	unsigned int seed = (unsigned int)st->id * 7919u + 1;
	int nh = 0;
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
		GFP_ATOMIC, GFP_NOWAIT, GFP_DMA32, GFP_KERNEL | __GFP_ZERO,
		GFP_KERNEL | __GFP_COMP,
	};

	kmm_machine_enter(st->m);
	for (long i = 0; i < st->ops; i++) {
		unsigned int r = rnd(&seed);

		if (nh < 256 && (r & 1)) {
			unsigned int order = (r >> 1) % 8 ? 0 : (r >> 4) % 6;
			gfp_t g = gfps[(r >> 8) % 8] | __GFP_NOWARN;
			int nid = (int)((r >> 12) % 3) - 1;
			struct page *p = alloc_pages_node(nid, g, order);

			if (p) {
				held[nh].p = p;
				held[nh++].order = order;
			}
		} else if (nh) {
			int k = (int)((r >> 3) % (unsigned int)nh);
			struct page *p = held[k].p;
			unsigned int o = held[k].order;

			held[k] = held[--nh];
			/* Every 4th order-0 page is freed by another thread. */
			if (!o && !PageHead(p) && (r & 0x30) == 0) {
				int slot = (int)((r >> 16) % (unsigned int)st->nshared);
				struct page *old = atomic_exchange(&st->shared[slot], p);

				if (old)
					__free_pages(old, 0);
			} else if (PageHead(p)) {
				put_page(p);
			} else {
				__free_pages(p, o);
			}
		}
	}
	while (nh) {
		nh--;
		if (PageHead(held[nh].p))
			put_page(held[nh].p);
		else
			__free_pages(held[nh].p, held[nh].order);
	}
	kmm_machine_enter(NULL);
	return NULL;
}

KT_TEST(stress_threads_leave_boot_state)
{
	struct kmm_machine *m = boot_compact(2ULL << 30, 2, 4,
					     "deferred_init=off");
	unsigned long free0[2][MAX_NR_ZONES];
	unsigned long nr_free0[2][MAX_NR_ZONES][NR_PAGE_ORDERS];
	struct page *_Atomic shared[64];
	struct stress st[4];
	pthread_t t[4];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	drain_all_pages(NULL);
	for (int n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			free0[n][z] = free_pages_of(Z(m, n, z));
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				nr_free0[n][z][o] = Z(m, n, z)->free_area[o].nr_free;
		}
	for (int i = 0; i < 64; i++)
		atomic_init(&shared[i], NULL);
	for (int i = 0; i < 4; i++) {
		st[i] = (struct stress){ m, i, shared, 64, 200000 };
		pthread_create(&t[i], NULL, stress_thread, &st[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 64; i++) {
		struct page *p = atomic_load(&shared[i]);

		if (p)
			__free_pages(p, 0);
	}
	drain_all_pages(NULL);
	verify(m);
	KT_EQ(atomic_load(&m->bad_pages), 0);
	for (int n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			KT_EQ(free_pages_of(Z(m, n, z)), free0[n][z]);
			/* Merging is complete: the same blocks as after boot. */
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				KT_EQ(Z(m, n, z)->free_area[o].nr_free,
				      nr_free0[n][z][o]);
		}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* Lazy deferred init: a zone that runs short initialises more memory. */
KT_TEST(lazy_zones_grow_on_demand)
{
	struct kmm_machine *m = boot_compact(16ULL << 30, 1, 2,
					     "deferred_init=lazy");
	long left0;
	struct page **held = calloc(1 << 16, sizeof(*held));
	int n = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	left0 = atomic_load(&m->deferred_pages_left);
	KT_TRUE(left0 > 0);
	/* Take ~2 GiB of Normal memory in 4 MiB blocks. */
	while (n < 512) {
		struct page *p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 10);

		if (!p)
			break;
		held[n++] = p;
	}
	KT_EQ(n, 512);
	KT_TRUE(atomic_load(&m->deferred_pages_left) < left0);
	for (int i = 0; i < n; i++)
		__free_pages(held[i], 10);
	verify(m);
	free(held);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_MAIN()
