/* SPDX-License-Identifier: MIT */
/*
 * mm/page_alloc.c - zonelists, pageblock bits, and the hand-over of free
 * memory from the early allocators to the buddy free lists.
 *
 * What (this part of Linux 6.12's page_alloc.c and mm_init.c):
 *
 * Zonelists.  build_all_zonelists() gives each node a FALLBACK list: the
 * populated zones of every node with memory, nodes ordered by
 * find_next_best_node() (distance, +1 for lower node ids, +1 for nodes with
 * CPUs, times MAX_NUMNODES, plus node_load, which rises each time the
 * distance changes so equidistant nodes are taken round robin), zones within
 * a node from the highest down; and a NOFALLBACK list of its own zones for
 * __GFP_THISNODE.  It prints "Fallback order for Node N: ...", then "Built N
 * zonelists, mobility grouping on|off.  Total pages: N" (the managed pages
 * of the boot CPU node's zonelist; grouping is off below pageblock_nr_pages *
 * MIGRATE_TYPES) and "Policy zone: X" (highest populated zone below
 * Movable).  Before 5.8 a distance above RECLAIM_DISTANCE turned
 * zone_reclaim_mode on.
 *
 * Pageblock bits.  NR_PAGEBLOCK_BITS per 2 MiB pageblock in the section's
 * usage record (mm/sparse.c); the low three are the migratetype.
 *
 * Hand-over.  memblock_free_all() (and free_all_bootmem() on the bootmem
 * path) resets every zone's managed count, marks reserved memory's struct
 * pages PG_reserved, and frees every free range in the largest naturally
 * aligned blocks through __free_pages_core(), which clears PG_reserved, adds
 * the pages to the zone's managed count and inserts the block into the free
 * lists with __free_one_page(): merge with the buddy (pfn ^ (1 << order))
 * while it is free, of the same order, in the same zone, and the pageblocks'
 * types allow it; insert at the tail (FPI_TO_TAIL) as boot frees do.
 * Deferred pages are skipped here and freed by their node's deferred init.
 *
 * Locking: the zone lock guards free lists and counters.
 *
 * The allocation side (rmqueue, per-CPU lists, watermarks) is the page
 * allocator proper and builds on these lists.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/memblock.h>
#include <kmm/numa.h>

#define PENALTY_FOR_NODE_WITH_CPUS	1
#define PAGE_TYPE_BUDDY			0xf0000000u
#define PAGE_TYPE_NONE			0xffffffffu
#define NR_FREE_PAGES			0

void __free_pages_core(struct page *page, unsigned int order);
void deferred_free_range(unsigned long pfn, unsigned long nr_pages);
void reserve_bootmem_region(phys_addr_t start, phys_addr_t end, int nid);
void __init_single_page(struct page *page, unsigned long pfn,
			unsigned long zone, int nid);
int kmm_mobility_threshold(void);

/* --- pageblock bits -------------------------------------------------------- */

static unsigned long *pb_word(unsigned long pfn, unsigned int *bitidx)
{
	struct mem_section *ms = __pfn_to_section(pfn);
	unsigned long idx = (pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order;
	unsigned long bit = idx * NR_PAGEBLOCK_BITS;

	*bitidx = (unsigned int)(bit % BITS_PER_LONG);
	return &ms->pageblock_flags[bit / BITS_PER_LONG];
}

int get_pageblock_migratetype(const struct page *page)
{
	unsigned int bit;
	unsigned long *w = pb_word(page_to_pfn(page), &bit);

	return (int)((*w >> bit) & ((1UL << PB_migratetype_bits) - 1));
}

void set_pageblock_migratetype(struct page *page, int migratetype)
{
	unsigned int bit;
	unsigned long *w = pb_word(page_to_pfn(page), &bit);
	unsigned long mask = ((1UL << PB_migratetype_bits) - 1) << bit;
	_Atomic unsigned long *aw = (_Atomic unsigned long *)w;
	unsigned long old = atomic_load_explicit(aw, memory_order_relaxed);

	while (!atomic_compare_exchange_weak(aw, &old,
		(old & ~mask) | ((unsigned long)migratetype << bit)))
		;
}

/* --- zonelists ------------------------------------------------------------- */

static bool node_has_cpus(struct kmm_machine *m, int n)
{
	for (int c = 0; c < m->nr_cpus; c++)
		if (m->cpu_to_node[c] == n)
			return true;
	return false;
}

int find_next_best_node(int node, unsigned long *used)
{
	struct kmm_machine *m = kmm_current();
	int maxnn = 1 << m->desc.nodes_shift;
	int best = NUMA_NO_NODE, min_val = INT_MAX;
	nodemask_t *mask = (nodemask_t *)used;

	if (!node_isset(node, mask) &&
	    (m->kver < KMM_KVER(6, 12) || node_state(node, N_MEMORY))) {
		node_set(node, mask);
		return node;
	}
	for (int n = 0; n < KMM_MAX_NODES; n++) {
		int val;

		if (!node_state(n, N_MEMORY) || node_isset(n, mask))
			continue;
		val = node_distance(node, n);
		val += (n < node);
		if (node_has_cpus(m, n))
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val *= maxnn;
		val += m->node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		node_set(best, mask);
	return best;
}

static int build_zonerefs_node(struct kmm_machine *m, pg_data_t *pgdat,
			       struct zoneref *zr)
{
	int nr = 0;

	for (int zt = MAX_NR_ZONES - 1; zt >= 0; zt--) {
		struct zone *zone = &pgdat->node_zones[zt];

		if (!populated_zone(zone))
			continue;
		zr[nr].zone = zone;
		zr[nr].zone_idx = zt;
		nr++;
		if (zt > m->policy_zone && zt != ZONE_MOVABLE)
			m->policy_zone = zt;
	}
	return nr;
}

static void build_zonelists(struct kmm_machine *m, pg_data_t *pgdat)
{
	int node_order[KMM_MAX_NODES];
	nodemask_t used;
	int local = pgdat->node_id, prev = local, node, nr_nodes = 0;
	int load = m->nr_online_nodes;
	struct zoneref *zr;

	memset(&used, 0, sizeof(used));
	while ((node = find_next_best_node(local, used.bits)) >= 0) {
		/*
		 * 5.16 made node_load accumulate; before, the first node of a
		 * new distance group got the remaining count of nodes.
		 */
		if (node_distance(local, node) != node_distance(local, prev)) {
			if (m->kver >= KMM_KVER(5, 16))
				m->node_load[node] += 1;
			else
				m->node_load[node] = load;
		}
		load--;
		if (m->kver < KMM_KVER(5, 8) &&
		    node_distance(local, node) > RECLAIM_DISTANCE)
			m->zone_reclaim_mode = 1;
		node_order[nr_nodes++] = node;
		prev = node;
	}
	zr = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	for (int i = 0; i < nr_nodes; i++)
		zr += build_zonerefs_node(m, NODE_DATA(node_order[i]), zr);
	zr->zone = NULL;
	zr->zone_idx = 0;
	zr = pgdat->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
	zr += build_zonerefs_node(m, pgdat, zr);
	zr->zone = NULL;
	zr->zone_idx = 0;

	if (m->kver < KMM_KVER(5, 16))	/* the line came with 5.16 */
		return;
	pr_info("Fallback order for Node %d: ", local);
	for (int i = 0; i < nr_nodes; i++)
		pr_cont("%d ", node_order[i]);
	pr_cont("\n");
}

/* Free pages above the high watermark in the boot CPU node's zonelist. */
unsigned long nr_free_zone_pages(int offset)
{
	struct kmm_machine *m = kmm_current();
	int nid = m->cpu_to_node[0] >= 0 ? m->cpu_to_node[0] : 0;
	pg_data_t *pgdat = m->node_data[nid];
	unsigned long sum = 0;

	if (!pgdat)
		return 0;
	for (struct zoneref *z = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	     z->zone; z++) {
		unsigned long size, high;

		if (z->zone_idx > offset)
			continue;
		size = zone_managed_pages(z->zone);
		high = z->zone->_watermark[WMARK_HIGH] + z->zone->watermark_boost;
		if (size > high)
			sum += size - high;
	}
	return sum;
}

int kmm_mobility_threshold(void)
{
	return (int)(pageblock_nr_pages *
		     (unsigned long)kmm_current()->desc.migrate_types);
}

void build_all_zonelists(pg_data_t *pgdat)
{
	struct kmm_machine *m = kmm_current();
	unsigned long total;

	(void)pgdat;
	memset(m->node_load, 0, sizeof(m->node_load));
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		if (!node_state(nid, N_POSSIBLE) || !m->node_data[nid])
			continue;
		build_zonelists(m, m->node_data[nid]);
	}
	total = nr_free_zone_pages(ZONE_MOVABLE);
	m->page_group_by_mobility_disabled =
		total < (unsigned long)kmm_mobility_threshold();
	m->total_pages_built = total;
	pr_info("Built %u zonelists, mobility grouping %s.  Total pages: %ld\n",
		(unsigned int)m->nr_online_nodes,
		m->page_group_by_mobility_disabled ? "off" : "on",
		(long)total);
	pr_info("Policy zone: %s\n", zone_names[m->policy_zone]);
}

/* --- freeing into the buddy lists ------------------------------------------ */

static bool PageBuddy(const struct page *p)
{
	return p->page_type == PAGE_TYPE_BUDDY;
}

static unsigned int buddy_order(const struct page *p)
{
	return (unsigned int)p->private;
}

static bool page_is_buddy(struct page *page, struct page *buddy,
			  unsigned int order)
{
	if (!PageBuddy(buddy) || buddy_order(buddy) != order)
		return false;
	return page_zonenum(page) == page_zonenum(buddy) &&
	       page_to_nid(page) == page_to_nid(buddy);
}

static bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

static void __free_one_page(struct page *page, unsigned long pfn,
			    struct zone *zone, unsigned int order,
			    int migratetype, bool to_tail)
{
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (!pfn_valid(buddy_pfn) || !zone_spans_pfn(zone, buddy_pfn))
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		if (order >= pageblock_order) {
			int bt = get_pageblock_migratetype(buddy);

			if (migratetype != bt &&
			    (!migratetype_is_mergeable(migratetype) ||
			     !migratetype_is_mergeable(bt)))
				break;
		}
		list_del(&buddy->lru);
		buddy->page_type = PAGE_TYPE_NONE;
		buddy->private = 0;
		zone->free_area[order].nr_free--;
		pfn &= buddy_pfn;
		page = pfn_to_page(pfn);
		order++;
	}
	page->page_type = PAGE_TYPE_BUDDY;
	page->private = order;
	if (to_tail)
		list_add_tail(&page->lru,
			      &zone->free_area[order].free_list[migratetype]);
	else
		list_add(&page->lru,
			 &zone->free_area[order].free_list[migratetype]);
	zone->free_area[order].nr_free++;
}

void __free_pages_core(struct page *page, unsigned int order)
{
	struct kmm_machine *m = kmm_current();
	unsigned long nr = 1UL << order;
	unsigned long pfn = (unsigned long)(page - m->vmemmap_base);
	struct zone *zone = &m->node_data[page_to_nid(page)]->node_zones[page_zonenum(page)];

	for (unsigned long i = 0; i < nr; i++) {
		__ClearPageReserved(&page[i]);
		set_page_count(&page[i], 0);
	}
	atomic_fetch_add(&zone->managed_pages, (long)nr);
	spin_lock(&zone->lock);
	__free_one_page(page, pfn, zone, order, get_pageblock_migratetype(page),
			true);
	atomic_fetch_add(&zone->vm_stat[NR_FREE_PAGES], (long)nr);
	spin_unlock(&zone->lock);
}

void reset_all_zones_managed_pages(void)
{
	struct kmm_machine *m = kmm_current();

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = m->node_data[nid];

		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			atomic_store(&pgdat->node_zones[z].managed_pages, 0);
	}
}

static bool early_page_initialised(unsigned long pfn, int nid)
{
	struct kmm_machine *m = kmm_current();

	return !(node_online(nid) && m->node_data[nid] &&
		 pfn >= m->node_data[nid]->first_deferred_pfn);
}

static void init_reserved_page(unsigned long pfn, int nid)
{
	pg_data_t *pgdat;

	if (early_page_initialised(pfn, nid))
		return;
	pgdat = NODE_DATA(nid);
	for (int zid = 0; zid < MAX_NR_ZONES; zid++) {
		struct zone *zone = &pgdat->node_zones[zid];

		if (zone_spans_pfn(zone, pfn)) {
			__init_single_page(pfn_to_page(pfn), pfn,
					   (unsigned long)zid, nid);
			return;
		}
	}
}

/*
 * Reserved memory's struct pages are PG_reserved.  With deferred_init=lazy,
 * the reserved pages inside a node's deferred range are left for that
 * node's deferred init (which marks them the same way), so that a huge
 * machine does not write the struct pages of, say, its own 256 GiB memmap
 * before anything needs them; Linux initialises them here.
 */
void reserve_bootmem_region(phys_addr_t start, phys_addr_t end, int nid)
{
	struct kmm_machine *m = kmm_current();
	bool lazy = m->params.deferred == KMM_DEFERRED_LAZY;

	for (unsigned long pfn = PFN_DOWN(start); pfn < PFN_UP(end); pfn++) {
		if (!pfn_valid(pfn))
			continue;
		if (lazy && !early_page_initialised(pfn, nid)) {
			pg_data_t *p = NODE_DATA(nid);

			/* Skip to the end of this node's span at once. */
			if (pgdat_end_pfn(p) > pfn + 1 &&
			    pgdat_end_pfn(p) < PFN_UP(end))
				pfn = pgdat_end_pfn(p) - 1;
			else if (pgdat_end_pfn(p) >= PFN_UP(end))
				break;
			continue;
		}
		init_reserved_page(pfn, nid);
		__SetPageReserved(pfn_to_page(pfn));
	}
}

static void memmap_init_reserved_pages(void)
{
	struct memblock_region *r;

	for_each_reserved_mem_region(r) {
		int nid = memblock_get_region_node(r);

		if (nid == NUMA_NO_NODE || nid >= MAX_NUMNODES)
			nid = early_pfn_to_nid(PFN_DOWN(r->base));
		reserve_bootmem_region(r->base, r->base + r->size, nid);
	}
	for_each_mem_region(r) {
		if (memblock_is_nomap(r))
			reserve_bootmem_region(r->base, r->base + r->size,
					       memblock_get_region_node(r));
	}
}

static void memblock_free_pages(struct page *page, unsigned long pfn,
				unsigned int order)
{
	if (!early_page_initialised(pfn, early_pfn_to_nid(pfn)))
		return;
	__free_pages_core(page, order);
}

static unsigned long __free_memory_core(phys_addr_t start, phys_addr_t end)
{
	unsigned long start_pfn = PFN_UP(start);
	unsigned long end_pfn = min((unsigned long)PFN_DOWN(end), max_low_pfn);
	unsigned long pfn;

	if (start_pfn >= end_pfn)
		return 0;
	for (pfn = start_pfn; pfn < end_pfn;) {
		unsigned int order = pfn ? min((unsigned int)MAX_PAGE_ORDER,
					       (unsigned int)__ffs(pfn)) :
					   MAX_PAGE_ORDER;

		while (pfn + (1UL << order) > end_pfn)
			order--;
		memblock_free_pages(pfn_to_page(pfn), pfn, order);
		pfn += 1UL << order;
	}
	return end_pfn - start_pfn;
}

void memblock_free_all(void)
{
	struct kmm_machine *m = kmm_current();
	phys_addr_t start, end;
	unsigned long count = 0;
	u64 i;

	reset_all_zones_managed_pages();
	memblock_clear_hotplug(0, MEMBLOCK_ALLOC_ANYWHERE);
	memmap_init_reserved_pages();
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end,
				NULL)
		count += __free_memory_core(start, end);
	atomic_fetch_add(&m->totalram, (long)count);
}

/* Deferred init: MAX_ORDER-aligned whole blocks at once, else page by page. */
void deferred_free_range(unsigned long pfn, unsigned long nr_pages)
{
	unsigned long end = pfn + nr_pages;

	while (pfn < end) {
		if (IS_ALIGNED(pfn, MAX_ORDER_NR_PAGES) &&
		    pfn + MAX_ORDER_NR_PAGES <= end) {
			__free_pages_core(pfn_to_page(pfn), MAX_PAGE_ORDER);
			pfn += MAX_ORDER_NR_PAGES;
		} else {
			__free_pages_core(pfn_to_page(pfn), 0);
			pfn++;
		}
	}
}
