/* SPDX-License-Identifier: MIT */
/*
 * mm/mm_init.c - nodes, zones and the memmap at boot (Linux 6.12's
 * mm/mm_init.c, with the differences of older kernels the machine's
 * version selects).
 *
 * What: free_area_init() turns memblock's node-annotated memory into zones:
 *
 *   zone bounds	arch_zone_{lowest,highest}_possible_pfn from the arch's
 *			max_zone_pfn[] (DMA < 16 MiB, DMA32 < 4 GiB, Normal)
 *   ZONE_MOVABLE	find_zone_movable_pfns_for_nodes(): kernelcore=,
 *			movablecore= (sizes or percentages), kernelcore=mirror,
 *			movable_node; spread evenly over nodes, rounded up to
 *			MAX_ORDER_NR_PAGES
 *   per node		spanned / present (spanned - holes) per zone,
 *			zone_start_pfn, the initial managed estimate
 *   memmap_init	every struct page of memory initialised (node, zone,
 *			refcount 1, mapcount -1) and every pageblock MOVABLE;
 *			the struct pages of holes inside present sections
 *			initialised PG_reserved ("pages in unavailable ranges")
 *
 * Deferred struct page init: as DEFERRED_STRUCT_PAGE_INIT, only the first
 * section's worth of pages of each node's highest zone is initialised at
 * boot (lower zones always fully); the rest waits in pgdat->
 * first_deferred_pfn.  deferred_init_memmap() finishes a node: the machine
 * does all nodes in parallel threads after boot (deferred_init=parallel,
 * the default, as Linux's pgdatinit threads), or leaves them for whoever
 * needs them (deferred_init=lazy: kmm_deferred_init_all() or the page
 * allocator growing a zone), or none is deferred (deferred_init=off).
 * Host memory follows: a struct page costs host memory once written.
 *
 * Version differences (m->kver): before 6.11 the initial managed count is
 * present - memmap pages - dma_reserve (free_area_init_core's estimate),
 * and "Total pages" is its sum; before 5.12 the per-zone "pages used for
 * memmap", "pages reserved", "LIFO batch" and "On node N totalpages" lines
 * are KERN_DEBUG (visible) and holes are reported once as "Zeroed struct
 * page in unavailable ranges: N pages" before the nodes; from 5.12 they are
 * reported per zone; 6.1 and 6.6 print "Initializing node N as memoryless"
 * for offline possible nodes.
 *
 * Invariants after boot: Σ zone present = node present; every pfn of a
 * present section has an initialised struct page unless deferred; zone
 * spans nest inside their node's span.
 *
 * Locking: boot runs single-threaded on its machine; deferred init threads
 * each own one node.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/numa.h>
#include <kmm/platform.h>
#include <kmm/page_debug.h>

const char *const zone_names[MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "Movable", "Device",
};

const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

void free_area_init(unsigned long *max_zone_pfn);
unsigned long absent_pages_in_range(unsigned long start_pfn,
				    unsigned long end_pfn);
size_t kmm_pgdat_alloc_size(void);
void kmm_pgdat_init(pg_data_t *pgdat, int nid);
void __init_single_page(struct page *page, unsigned long pfn,
			unsigned long zone, int nid);
void deferred_init_memmap(pg_data_t *pgdat);
void deferred_free_range(unsigned long pfn, unsigned long nr_pages);
int zone_batchsize(struct zone *zone);

#define MM ((struct kmm_machine *)kmm_current())

void get_pfn_range_for_nid(unsigned int nid, unsigned long *start_pfn,
			   unsigned long *end_pfn)
{
	unsigned long s, e;
	int i;

	*start_pfn = -1UL;
	*end_pfn = 0;
	for_each_mem_pfn_range(i, (int)nid, &s, &e, NULL) {
		*start_pfn = min(*start_pfn, s);
		*end_pfn = max(*end_pfn, e);
	}
	if (*start_pfn == -1UL)
		*start_pfn = 0;
}

static unsigned long __absent_pages_in_range(int nid, unsigned long range_start,
					     unsigned long range_end)
{
	unsigned long nr_absent = range_end - range_start;
	unsigned long s, e;
	int i;

	for_each_mem_pfn_range(i, nid, &s, &e, NULL) {
		s = clamp(s, range_start, range_end);
		e = clamp(e, range_start, range_end);
		nr_absent -= e - s;
	}
	return nr_absent;
}

unsigned long absent_pages_in_range(unsigned long start_pfn,
				    unsigned long end_pfn)
{
	return __absent_pages_in_range(MAX_NUMNODES, start_pfn, end_pfn);
}

/* --- ZONE_MOVABLE ------------------------------------------------------- */

static unsigned long early_calculate_totalpages(struct kmm_machine *m)
{
	unsigned long total = 0, s, e;
	int i, nid;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid) {
		total += e - s;
		if (e > s)
			node_set_state(nid, N_MEMORY);
	}
	return total;
}

static void find_usable_zone_for_movable(struct kmm_machine *m)
{
	int z;

	for (z = MAX_NR_ZONES - 1; z >= 0; z--) {
		if (z == ZONE_MOVABLE)
			continue;
		if (m->arch_zone_highest_possible_pfn[z] >
		    m->arch_zone_lowest_possible_pfn[z])
			break;
	}
	m->movable_zone = z < 0 ? 0 : z;
}

static void find_zone_movable_pfns_for_nodes(struct kmm_machine *m)
{
	nodemask_t saved = m->node_states[N_MEMORY];
	unsigned long totalpages = early_calculate_totalpages(m);
	int usable_nodes = nodes_weight(&m->node_states[N_MEMORY]);
	unsigned long required_kernelcore = m->params.required_kernelcore;
	unsigned long required_movablecore = m->params.required_movablecore;
	unsigned long usable_startpfn, kernelcore_node, kernelcore_remaining;
	unsigned long *zmp = m->zone_movable_pfn;
	struct memblock_region *r;
	int nid;

	find_usable_zone_for_movable(m);

	if (m->params.movable_node) {
		for_each_mem_region(r) {
			if (!memblock_is_hotpluggable(r))
				continue;
			nid = memblock_get_region_node(r);
			usable_startpfn = memblock_region_memory_base_pfn(r);
			zmp[nid] = zmp[nid] ? min(usable_startpfn, zmp[nid]) :
					      usable_startpfn;
		}
		goto out2;
	}

	if (m->params.mirrored_kernelcore) {
		bool below_4g_unmirrored = false;

		if (!m->system_has_some_mirror) {
			if (m->kver >= KMM_KVER(6, 6))
				pr_warn("The system has no mirror memory, ignore kernelcore=mirror.\n");
			goto out;
		}
		for_each_mem_region(r) {
			if (memblock_is_mirror(r))
				continue;
			nid = memblock_get_region_node(r);
			usable_startpfn = memblock_region_memory_base_pfn(r);
			if (usable_startpfn < PHYS_PFN(SZ_4G)) {
				below_4g_unmirrored = true;
				continue;
			}
			zmp[nid] = zmp[nid] ? min(usable_startpfn, zmp[nid]) :
					      usable_startpfn;
		}
		if (below_4g_unmirrored)
			pr_warn("This configuration results in unmirrored kernel memory.\n");
		goto out2;
	}

	if (m->params.required_kernelcore_percent)
		required_kernelcore = (totalpages * 100 *
				       m->params.required_kernelcore_percent) /
				      10000UL;
	if (m->params.required_movablecore_percent)
		required_movablecore = (totalpages * 100 *
					m->params.required_movablecore_percent) /
				       10000UL;
	if (required_movablecore) {
		unsigned long corepages;

		required_movablecore = ALIGN(required_movablecore,
					     MAX_ORDER_NR_PAGES);
		required_movablecore = min(totalpages, required_movablecore);
		corepages = totalpages - required_movablecore;
		required_kernelcore = max(required_kernelcore, corepages);
	}
	if (!required_kernelcore || required_kernelcore >= totalpages)
		goto out;

	usable_startpfn = m->arch_zone_lowest_possible_pfn[m->movable_zone];
restart:
	kernelcore_node = required_kernelcore / (unsigned long)usable_nodes;
	for (nid = 0; nid < KMM_MAX_NODES; nid++) {
		unsigned long start_pfn, end_pfn;
		int i;

		if (!node_state(nid, N_MEMORY))
			continue;
		if (required_kernelcore < kernelcore_node)
			kernelcore_node = required_kernelcore /
					  (unsigned long)usable_nodes;
		kernelcore_remaining = kernelcore_node;
		for_each_mem_pfn_range(i, nid, &start_pfn, &end_pfn, NULL) {
			unsigned long size_pages;

			start_pfn = max(start_pfn, zmp[nid]);
			if (start_pfn >= end_pfn)
				continue;
			if (start_pfn < usable_startpfn) {
				unsigned long kernel_pages =
					min(end_pfn, usable_startpfn) - start_pfn;

				kernelcore_remaining -= min(kernel_pages,
							    kernelcore_remaining);
				required_kernelcore -= min(kernel_pages,
							   required_kernelcore);
				if (end_pfn <= usable_startpfn) {
					zmp[nid] = end_pfn;
					continue;
				}
				start_pfn = usable_startpfn;
			}
			size_pages = end_pfn - start_pfn;
			if (size_pages > kernelcore_remaining)
				size_pages = kernelcore_remaining;
			zmp[nid] = start_pfn + size_pages;
			required_kernelcore -= min(required_kernelcore,
						   size_pages);
			kernelcore_remaining -= size_pages;
			if (!kernelcore_remaining)
				break;
		}
	}
	usable_nodes--;
	if (usable_nodes && required_kernelcore > (unsigned long)usable_nodes)
		goto restart;

out2:
	for (nid = 0; nid < KMM_MAX_NODES; nid++) {
		unsigned long start_pfn, end_pfn;

		zmp[nid] = ALIGN(zmp[nid], MAX_ORDER_NR_PAGES);
		get_pfn_range_for_nid((unsigned int)nid, &start_pfn, &end_pfn);
		if (zmp[nid] >= end_pfn)
			zmp[nid] = 0;
	}
out:
	m->node_states[N_MEMORY] = saved;
}

/* --- per-node zone sizes ------------------------------------------------- */

static void adjust_zone_range_for_zone_movable(struct kmm_machine *m, int nid,
					       int zone_type,
					       unsigned long node_end_pfn,
					       unsigned long *zs,
					       unsigned long *ze)
{
	unsigned long zmp = m->zone_movable_pfn[nid];

	if (!zmp)
		return;
	if (zone_type == ZONE_MOVABLE) {
		*zs = zmp;
		*ze = min(node_end_pfn,
			  m->arch_zone_highest_possible_pfn[m->movable_zone]);
	} else if (!m->params.mirrored_kernelcore && *zs < zmp && *ze > zmp) {
		*ze = zmp;
	} else if (*zs >= zmp) {
		*zs = *ze;
	}
}

static unsigned long zone_spanned_pages_in_node(struct kmm_machine *m, int nid,
						int zone_type,
						unsigned long node_start_pfn,
						unsigned long node_end_pfn,
						unsigned long *zs,
						unsigned long *ze)
{
	unsigned long lo = m->arch_zone_lowest_possible_pfn[zone_type];
	unsigned long hi = m->arch_zone_highest_possible_pfn[zone_type];

	*zs = clamp(node_start_pfn, lo, hi);
	*ze = clamp(node_end_pfn, lo, hi);
	adjust_zone_range_for_zone_movable(m, nid, zone_type, node_end_pfn,
					   zs, ze);
	if (*ze < node_start_pfn || *zs > node_end_pfn)
		return 0;
	*ze = min(*ze, node_end_pfn);
	*zs = max(*zs, node_start_pfn);
	return *ze - *zs;
}

static unsigned long zone_absent_pages_in_node(struct kmm_machine *m, int nid,
					       int zone_type,
					       unsigned long zs,
					       unsigned long ze)
{
	unsigned long nr_absent;
	struct memblock_region *r;

	if (zs == ze)
		return 0;
	nr_absent = __absent_pages_in_range(nid, zs, ze);
	if (m->params.mirrored_kernelcore && m->zone_movable_pfn[nid]) {
		for_each_mem_region(r) {
			unsigned long s = clamp(memblock_region_memory_base_pfn(r),
						zs, ze);
			unsigned long e = clamp(memblock_region_memory_end_pfn(r),
						zs, ze);

			if (zone_type == ZONE_MOVABLE && memblock_is_mirror(r))
				nr_absent += e - s;
			if (zone_type == ZONE_NORMAL && !memblock_is_mirror(r))
				nr_absent += e - s;
		}
	}
	return nr_absent;
}

static int debug_level(struct kmm_machine *m)
{
	/* KERN_DEBUG before 5.12, dynamic debug (not logged) after. */
	return m->kver < KMM_KVER(5, 12) ? 7 : LOGLEVEL_DYNDBG;
}

static void calculate_node_totalpages(struct kmm_machine *m, pg_data_t *pgdat,
				      unsigned long node_start_pfn,
				      unsigned long node_end_pfn)
{
	unsigned long total = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *zone = &pgdat->node_zones[i];
		unsigned long zs = 0, ze = 0, spanned, absent;

		spanned = zone_spanned_pages_in_node(m, pgdat->node_id, i,
						     node_start_pfn,
						     node_end_pfn, &zs, &ze);
		absent = zone_absent_pages_in_node(m, pgdat->node_id, i, zs,
						   ze);
		zone->zone_start_pfn = spanned ? zs : 0;
		zone->spanned_pages = spanned;
		zone->present_pages = spanned - absent;
		zone->present_early_pages = spanned - absent;
		total += spanned - absent;
	}
	pgdat->node_spanned_pages = node_end_pfn - node_start_pfn;
	pgdat->node_present_pages = total;
	printk(KERN_SOH "%d" "On node %d totalpages: %lu\n", debug_level(m),
	       pgdat->node_id, total);
}

/* --- pg_data_t ------------------------------------------------------------ */

static int zonerefs_per_list(struct kmm_machine *m)
{
	int nodes = 0;

	for (int n = 0; n < KMM_MAX_NODES; n++)
		if (node_isset(n, &m->node_states[N_POSSIBLE]) ||
		    node_isset(n, &m->numa_nodes_parsed))
			nodes = n + 1;
	if (!nodes)
		nodes = 1;
	return nodes * MAX_NR_ZONES + 1;
}

size_t kmm_pgdat_alloc_size(void)
{
	return ALIGN(sizeof(pg_data_t), 64) +
	       MAX_ZONELISTS * (size_t)zonerefs_per_list(MM) *
	       sizeof(struct zoneref);
}

void kmm_pgdat_init(pg_data_t *pgdat, int nid)
{
	struct zoneref *zr = (struct zoneref *)((u8 *)pgdat +
						ALIGN(sizeof(pg_data_t), 64));
	int per = zonerefs_per_list(MM);

	pgdat->node_id = nid;
	for (int i = 0; i < MAX_ZONELISTS; i++) {
		pgdat->node_zonelists[i]._zonerefs = zr + i * per;
		pgdat->node_zonelists[i]._zonerefs[0].zone = NULL;
	}
	spin_lock_init(&pgdat->node_lock);
	pgdat->first_deferred_pfn = ULONG_MAX;
}

/* Pages the memmap of a zone costs, as calc_memmap_size (<= 6.10). */
static unsigned long calc_memmap_size(unsigned long spanned,
				      unsigned long present)
{
	unsigned long pages = spanned;

	if (spanned > present + (present >> 4))
		pages = present;
	return PAGE_ALIGN(pages * sizeof(struct page)) >> PAGE_SHIFT;
}

int zone_batchsize(struct zone *zone)
{
	long batch = (long)min(zone_managed_pages(zone) >> 10,
			       (unsigned long)(SZ_1M / PAGE_SIZE));

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = (long)rounddown_pow_of_two((unsigned long)(batch + batch / 2)) - 1;
	return (int)batch;
}

static void zone_init_internals(struct zone *zone, int idx, int nid,
				unsigned long remaining)
{
	atomic_store(&zone->managed_pages, (long)remaining);
	zone->node = nid;
	zone->name = zone_names[idx];
	zone->zone_pgdat = NODE_DATA(nid);
	spin_lock_init(&zone->lock);
}

static void init_currently_empty_zone(struct zone *zone, unsigned long start,
				      unsigned long size)
{
	pg_data_t *pgdat = zone->zone_pgdat;
	int zid = zone_idx(zone) + 1;

	if (zid > pgdat->nr_zones)
		pgdat->nr_zones = zid;
	zone->zone_start_pfn = start;
	for (int o = 0; o < NR_PAGE_ORDERS; o++) {
		for (int t = 0; t < MIGRATE_TYPES; t++)
			INIT_LIST_HEAD(&zone->free_area[o].free_list[t]);
		zone->free_area[o].nr_free = 0;
	}
	zone->initialized = 1;
	(void)size;
}

static void free_area_init_core(struct kmm_machine *m, pg_data_t *pgdat)
{
	int nid = pgdat->node_id;
	int lvl = debug_level(m);

	for (int j = 0; j < MAX_NR_ZONES; j++) {
		struct zone *zone = &pgdat->node_zones[j];
		unsigned long size = zone->spanned_pages;
		unsigned long freesize = zone->present_pages;

		if (m->kver < KMM_KVER(6, 11)) {
			unsigned long memmap_pages =
				calc_memmap_size(size, freesize);

			if (freesize >= memmap_pages) {
				freesize -= memmap_pages;
				if (memmap_pages)
					printk(KERN_SOH "%d" "  %s zone: %lu pages used for memmap\n",
					       lvl, zone_names[j], memmap_pages);
			} else {
				pr_warn("  %s zone: %lu memmap pages exceeds freesize %lu\n",
					zone_names[j], memmap_pages, freesize);
			}
			if (j == 0 && freesize > m->dma_reserve) {
				freesize -= m->dma_reserve;
				if (m->dma_reserve)
					printk(KERN_SOH "%d" "  %s zone: %lu pages reserved\n",
					       lvl, zone_names[0], m->dma_reserve);
			}
			m->nr_kernel_pages += freesize;
			m->nr_all_pages += freesize;
		}
		zone_init_internals(zone, j, nid, freesize);
		if (zone->present_pages)
			printk(KERN_SOH "%d" "  %s zone: %lu pages, LIFO batch:%u\n",
			       lvl, zone_names[j], zone->present_pages,
			       zone_batchsize(zone));
		if (!size)
			continue;
		init_currently_empty_zone(zone, zone->zone_start_pfn, size);
	}
}

static void free_area_init_node(struct kmm_machine *m, int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	unsigned long start_pfn = 0, end_pfn = 0;

	get_pfn_range_for_nid((unsigned int)nid, &start_pfn, &end_pfn);
	pgdat->node_id = nid;
	pgdat->node_start_pfn = start_pfn;
	if (start_pfn != end_pfn) {
		pr_info("Initmem setup node %d [mem %#018llx-%#018llx]\n", nid,
			(unsigned long long)start_pfn << PAGE_SHIFT,
			end_pfn ? ((unsigned long long)end_pfn << PAGE_SHIFT) - 1 : 0);
		calculate_node_totalpages(m, pgdat, start_pfn, end_pfn);
	} else {
		pr_info("Initmem setup node %d as memoryless\n", nid);
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			pgdat->node_zones[z].zone_start_pfn = 0;
			pgdat->node_zones[z].spanned_pages = 0;
			pgdat->node_zones[z].present_pages = 0;
		}
		pgdat->node_spanned_pages = 0;
		pgdat->node_present_pages = 0;
	}
	pgdat->first_deferred_pfn = ULONG_MAX;
	free_area_init_core(m, pgdat);
}

static void check_for_memory(pg_data_t *pgdat)
{
	for (int z = 0; z <= ZONE_MOVABLE - 1; z++) {
		if (populated_zone(&pgdat->node_zones[z])) {
			if (z <= ZONE_NORMAL)
				node_set_state(pgdat->node_id, N_NORMAL_MEMORY);
			break;
		}
	}
}

/* An offline but possible node still gets a pg_data_t (6.12). */
static void alloc_offline_node_data(struct kmm_machine *m, int nid)
{
	size_t sz = kmm_pgdat_alloc_size();
	void *p = memblock_alloc(sz, SMP_CACHE_BYTES);

	if (!p)
		panic("Cannot allocate %zuB for node %d.\n", sz, nid);
	m->node_data[nid] = p;
	kmm_pgdat_init(p, nid);
}

/* --- memmap ---------------------------------------------------------------- */

void __init_single_page(struct page *page, unsigned long pfn,
			unsigned long zone, int nid)
{
	memset(page, 0, sizeof(*page));
	set_page_links(page, (int)zone, nid);
	page_cpupid_reset_last(page);
	init_page_count(page);
	page_mapcount_reset(page);
	INIT_LIST_HEAD(&page->lru);
	(void)pfn;
}

struct defer_state {
	unsigned long prev_end_pfn, nr_initialised;
};

static bool defer_init(struct kmm_machine *m, struct defer_state *ds, int nid,
		       unsigned long pfn, unsigned long end_pfn)
{
	pg_data_t *pgdat = m->node_data[nid];

	/*
	 * Off, and never with bootmem: 4.19's DEFERRED_STRUCT_PAGE_INIT
	 * depends on NO_BOOTMEM (free_all_bootmem hands over every page).
	 */
	if (m->params.deferred == KMM_DEFERRED_OFF || m->params.use_bootmem)
		return false;
	/* Low zones always fully: address-limited allocations need them. */
	if (end_pfn < pgdat_end_pfn(pgdat))
		return false;
	if (pgdat->first_deferred_pfn != ULONG_MAX)
		return true;
	if (ds->prev_end_pfn != end_pfn) {
		ds->prev_end_pfn = end_pfn;
		ds->nr_initialised = 0;
	}
	ds->nr_initialised++;
	if (ds->nr_initialised > PAGES_PER_SECTION &&
	    (pfn & (PAGES_PER_SECTION - 1)) == 0) {
		pgdat->first_deferred_pfn = pfn;
		return true;
	}
	return false;
}

static void memmap_init_range(struct kmm_machine *m, struct defer_state *ds,
			      unsigned long size, int nid, int zone,
			      unsigned long start_pfn,
			      unsigned long zone_end_pfn)
{
	unsigned long pfn, end_pfn = start_pfn + size;

	for (pfn = start_pfn; pfn < end_pfn;) {
		struct page *page;

		if (defer_init(m, ds, nid, pfn, zone_end_pfn))
			break;
		/* Populate this section's slice of the memmap in one go. */
		if (pfn == start_pfn || !(pfn & (PAGES_PER_SECTION - 1))) {
			unsigned long e = min(end_pfn,
					      ALIGN(pfn + 1, PAGES_PER_SECTION));

			kmm_plat_prefault(m->vmemmap_base + pfn,
					  (e - pfn) * sizeof(struct page));
		}
		page = m->vmemmap_base + pfn;
		__init_single_page(page, pfn, (unsigned long)zone, nid);
		if (IS_ALIGNED(pfn, pageblock_nr_pages))
			set_pageblock_migratetype(page, MIGRATE_MOVABLE);
		pfn++;
	}
}

/* Holes inside present sections: reserved struct pages. */
static u64 init_unavailable_range(struct kmm_machine *m, unsigned long spfn,
				  unsigned long epfn, int zone, int node,
				  bool report)
{
	u64 pgcnt = 0;

	for (unsigned long pfn = spfn; pfn < epfn; pfn++) {
		if (!pfn_valid(ALIGN_DOWN(pfn, pageblock_nr_pages))) {
			pfn = ALIGN_DOWN(pfn, pageblock_nr_pages) +
			      pageblock_nr_pages - 1;
			continue;
		}
		__init_single_page(m->vmemmap_base + pfn, pfn,
				   (unsigned long)zone, node);
		__SetPageReserved(m->vmemmap_base + pfn);
		pgcnt++;
	}
	if (report && pgcnt) {
		if (m->kver >= KMM_KVER(6, 12))
			pr_info("On node %d, zone %s: %llu pages in unavailable ranges\n",
				node, zone_names[zone],
				(unsigned long long)pgcnt);
		else
			pr_info("On node %d, zone %s: %llu pages in unavailable ranges",
				node, zone_names[zone],
				(unsigned long long)pgcnt);
	}
	return pgcnt;
}

/* 4.17 - 5.11: one pass over the holes, one line before the nodes. */
static void init_unavailable_mem(struct kmm_machine *m)
{
	phys_addr_t start, end, next = 0;
	u64 i, pgcnt = 0;

	for_each_mem_range(i, &start, &end) {
		if (next < start)
			pgcnt += init_unavailable_range(m, PFN_DOWN(next),
							PFN_UP(start), 0, 0,
							false);
		next = end;
	}
	pgcnt += init_unavailable_range(m, PFN_DOWN(next),
					ALIGN(max_pfn, PAGES_PER_SECTION), 0, 0,
					false);
	if (pgcnt)
		pr_info("Zeroed struct page in unavailable ranges: %llu pages\n",
			(unsigned long long)pgcnt);
}

static void memmap_init(struct kmm_machine *m)
{
	struct defer_state ds = { 0, 0 };
	unsigned long start_pfn, end_pfn = 0, hole_pfn = 0;
	int i, nid = 0, zone_id = 0;
	bool per_zone = m->kver >= KMM_KVER(5, 12);

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid) {
		pg_data_t *node = NODE_DATA(nid);

		for (int j = 0; j < MAX_NR_ZONES; j++) {
			struct zone *zone = &node->node_zones[j];
			unsigned long zs = zone->zone_start_pfn;
			unsigned long ze = zs + zone->spanned_pages;
			unsigned long s, e;

			if (!populated_zone(zone))
				continue;
			s = clamp(start_pfn, zs, ze);
			e = clamp(end_pfn, zs, ze);
			if (s < e) {
				memmap_init_range(m, &ds, e - s, nid, j, s, ze);
				if (per_zone && hole_pfn < s)
					init_unavailable_range(m, hole_pfn, s,
							       j, nid, true);
				hole_pfn = e;
			}
			zone_id = j;
		}
	}
	end_pfn = ALIGN(end_pfn, PAGES_PER_SECTION);
	if (per_zone && hole_pfn < end_pfn)
		init_unavailable_range(m, hole_pfn, end_pfn, zone_id, nid,
				       true);
}

static void calc_nr_kernel_pages(struct kmm_machine *m)
{
	phys_addr_t s, e;
	u64 u;

	for_each_free_mem_range(u, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL) {
		unsigned long sp = PFN_UP(s), ep = PFN_DOWN(e);

		if (sp < ep) {
			m->nr_all_pages += ep - sp;
			m->nr_kernel_pages += ep - sp;
		}
	}
}

void free_area_init(unsigned long *max_zone_pfn)
{
	struct kmm_machine *m = kmm_current();
	unsigned long start_pfn, end_pfn;
	int i, nid;

	memset(m->arch_zone_lowest_possible_pfn, 0,
	       sizeof(m->arch_zone_lowest_possible_pfn));
	memset(m->arch_zone_highest_possible_pfn, 0,
	       sizeof(m->arch_zone_highest_possible_pfn));
	start_pfn = PHYS_PFN(memblock_start_of_DRAM());
	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (i == ZONE_MOVABLE)
			continue;
		end_pfn = max(max_zone_pfn[i], start_pfn);
		m->arch_zone_lowest_possible_pfn[i] = start_pfn;
		m->arch_zone_highest_possible_pfn[i] = end_pfn;
		start_pfn = end_pfn;
	}
	memset(m->zone_movable_pfn, 0, sizeof(m->zone_movable_pfn));
	find_zone_movable_pfns_for_nodes(m);

	pr_info("Zone ranges:\n");
	for (i = 0; i < MAX_NR_ZONES; i++) {
		if (i == ZONE_MOVABLE)
			continue;
		if (i == ZONE_DEVICE && !m->desc.zone_device)
			continue;
		pr_info("  %-8s ", zone_names[i]);
		if (m->arch_zone_lowest_possible_pfn[i] ==
		    m->arch_zone_highest_possible_pfn[i])
			pr_cont("empty\n");
		else
			pr_cont("[mem %#018llx-%#018llx]\n",
				(unsigned long long)m->arch_zone_lowest_possible_pfn[i]
					<< PAGE_SHIFT,
				((unsigned long long)m->arch_zone_highest_possible_pfn[i]
					<< PAGE_SHIFT) - 1);
	}
	pr_info("Movable zone start for each node\n");
	for (i = 0; i < KMM_MAX_NODES; i++)
		if (m->zone_movable_pfn[i])
			pr_info("  Node %d: %#018llx\n", i,
				(unsigned long long)m->zone_movable_pfn[i]
					<< PAGE_SHIFT);
	pr_info("Early memory node ranges\n");
	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid)
		pr_info("  node %3d: [mem %#018llx-%#018llx]\n", nid,
			(unsigned long long)start_pfn << PAGE_SHIFT,
			((unsigned long long)end_pfn << PAGE_SHIFT) - 1);

	m->nr_node_ids = 0;
	for (nid = 0; nid < KMM_MAX_NODES; nid++)
		if (node_state(nid, N_POSSIBLE))
			m->nr_node_ids = nid + 1;

	if (m->kver >= KMM_KVER(4, 17) && m->kver < KMM_KVER(5, 12))
		init_unavailable_mem(m);

	for (nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat;

		if (!node_state(nid, N_POSSIBLE))
			continue;
		if (!node_online(nid)) {
			if (m->kver < KMM_KVER(6, 12))
				pr_info("Initializing node %d as memoryless\n",
					nid);
			alloc_offline_node_data(m, nid);
		}
		pgdat = NODE_DATA(nid);
		free_area_init_node(m, nid);
		if (pgdat->node_present_pages) {
			node_set_state(nid, N_MEMORY);
			check_for_memory(pgdat);
		}
	}
	if (m->kver >= KMM_KVER(6, 11))
		calc_nr_kernel_pages(m);
	memmap_init(m);
}

/* --- deferred struct page init ----------------------------------------- */

/*
 * Initialise and release the deferred part of one node: every free range
 * at or above first_deferred_pfn (reserved pages were initialised when
 * memblock handed over).
 */
/*
 * Initialise the struct pages of [start, end) of a node's deferred range
 * and release its free pages: every struct page of memory first, then the
 * reserved ranges (and NOMAP memory) marked PG_reserved, then the free
 * ranges handed to the buddy lists.  The caller owns the range.
 */
static unsigned long deferred_init_range(struct kmm_machine *m,
					 pg_data_t *pgdat, unsigned long first,
					 unsigned long last)
{
	struct memblock_region *r;
	unsigned long s_pfn, e_pfn, nr = 0;
	phys_addr_t s, e;
	int i, zid = 0;
	u64 u;

	for_each_mem_pfn_range(i, pgdat->node_id, &s_pfn, &e_pfn, NULL) {
		s_pfn = max(s_pfn, first);
		e_pfn = min(e_pfn, last);
		if (s_pfn >= e_pfn)
			continue;
		kmm_plat_prefault(m->vmemmap_base + s_pfn,
				  (e_pfn - s_pfn) * sizeof(struct page));
		for (unsigned long pfn = s_pfn; pfn < e_pfn; pfn++) {
			struct page *page = m->vmemmap_base + pfn;

			/* Zones are few and contiguous: re-find on leaving one. */
			if (!zone_spans_pfn(&pgdat->node_zones[zid], pfn)) {
				zid = 0;
				for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
					if (zone_spans_pfn(&pgdat->node_zones[z],
							   pfn)) {
						zid = z;
						break;
					}
			}
			__init_single_page(page, pfn, (unsigned long)zid,
					   pgdat->node_id);
			if (IS_ALIGNED(pfn, pageblock_nr_pages))
				set_pageblock_migratetype(page, MIGRATE_MOVABLE);
		}
	}
	for_each_reserved_mem_region(r) {
		unsigned long rs = max(PFN_DOWN(r->base), first);
		unsigned long re = min(PFN_UP(r->base + r->size), last);

		for (unsigned long pfn = max(rs, pgdat->node_start_pfn);
		     pfn < re; pfn++)
			if (pfn_valid(pfn))
				__SetPageReserved(m->vmemmap_base + pfn);
	}
	for_each_mem_region(r) {
		if (!memblock_is_nomap(r) || r->nid != pgdat->node_id)
			continue;
		for (unsigned long pfn = max(PFN_DOWN(r->base), first);
		     pfn < min(PFN_UP(r->base + r->size), last); pfn++)
			if (pfn_valid(pfn))
				__SetPageReserved(m->vmemmap_base + pfn);
	}
	for_each_free_mem_range(u, pgdat->node_id, MEMBLOCK_NONE, &s, &e, NULL) {
		unsigned long spfn = max((unsigned long)PFN_UP(s), first);
		unsigned long epfn = min((unsigned long)PFN_DOWN(e), last);

		if (spfn >= epfn)
			continue;
		deferred_free_range(spfn, epfn - spfn);
		nr += epfn - spfn;
	}
	atomic_fetch_sub(&m->deferred_pages_left, (long)nr);
	return nr;
}

void deferred_init_memmap(pg_data_t *pgdat)
{
	struct kmm_machine *m = kmm_current();
	u64 t0 = kmm_plat_now_ns();
	unsigned long first;

	spin_lock(&pgdat->node_lock);
	first = pgdat->first_deferred_pfn;
	if (first == ULONG_MAX) {
		spin_unlock(&pgdat->node_lock);
		return;
	}
	deferred_init_range(m, pgdat, first, pgdat_end_pfn(pgdat));
	pgdat->first_deferred_pfn = ULONG_MAX;
	pgdat->deferred_pending = 0;
	spin_unlock(&pgdat->node_lock);
	pr_info("node %d deferred pages initialised in %llums\n",
		pgdat->node_id,
		(unsigned long long)((kmm_plat_now_ns() - t0) / 1000000));
}

/*
 * deferred_grow_zone: a zone ran short while its node still has deferred
 * pages; initialise at least a section's worth (and at least 2^order pages
 * freed), in whole sections, from where the deferred range starts.
 */
bool deferred_grow_zone(struct zone *zone, unsigned int order);
bool deferred_grow_zone(struct zone *zone, unsigned int order)
{
	struct kmm_machine *m = kmm_current();
	pg_data_t *pgdat = zone->zone_pgdat;
	unsigned long need = max(1UL << order, PAGES_PER_SECTION), got = 0;
	unsigned long first, end = pgdat_end_pfn(pgdat);

	spin_lock(&pgdat->node_lock);
	first = pgdat->first_deferred_pfn;
	while (first != ULONG_MAX && got < need && first < end) {
		unsigned long last = min(ALIGN(first + 1, PAGES_PER_SECTION), end);

		got += deferred_init_range(m, pgdat, first, last);
		first = last;
	}
	if (first != ULONG_MAX)
		pgdat->first_deferred_pfn = first >= end ? ULONG_MAX : first;
	spin_unlock(&pgdat->node_lock);
	return got != 0;
}

/*
 * mem_init_print_info: "Memory: %luK/%luK available (...)" right after the
 * hand-over: free pages now (deferred ones not yet among them), all
 * present pages, the kernel's sections (from the machine description),
 * and reserved = present - totalram - cma.
 */
void mem_init_print_info(void);
void mem_init_print_info(void)
{
	struct kmm_machine *m = kmm_current();
	const struct kmm_machine_desc *d = &m->desc;
	unsigned long physpages = 0, totalram;

	for (int nid = 0; nid < KMM_MAX_NODES; nid++)
		if (m->node_data[nid] && node_online(nid))
			physpages += m->node_data[nid]->node_present_pages;
	totalram = (unsigned long)atomic_load(&m->totalram);
	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK init, %luK bss, %luK reserved, %luK cma-reserved)\n",
		global_zone_page_state(NR_FREE_PAGES) << (PAGE_SHIFT - 10),
		physpages << (PAGE_SHIFT - 10), d->kernel_code_kb,
		d->kernel_rwdata_kb, d->kernel_rodata_kb, d->kernel_init_kb,
		d->kernel_bss_kb,
		(physpages - totalram - m->totalcma_pages) << (PAGE_SHIFT - 10),
		m->totalcma_pages << (PAGE_SHIFT - 10));
}

/* Free pages still waiting in a node's deferred range. */
unsigned long kmm_deferred_free_pages(pg_data_t *pgdat);
unsigned long kmm_deferred_free_pages(pg_data_t *pgdat)
{
	unsigned long first = pgdat->first_deferred_pfn, nr = 0;
	phys_addr_t s, e;
	u64 u;

	if (first == ULONG_MAX)
		return 0;
	for_each_free_mem_range(u, pgdat->node_id, MEMBLOCK_NONE, &s, &e, NULL) {
		unsigned long spfn = max((unsigned long)PFN_UP(s), first);
		unsigned long epfn = min((unsigned long)PFN_DOWN(e),
					 pgdat_end_pfn(pgdat));

		if (spfn < epfn)
			nr += epfn - spfn;
	}
	return nr;
}

struct deferred_arg {
	struct kmm_machine *m;
	int nids[KMM_MAX_NODES];
};

static void deferred_thread(void *arg, int idx)
{
	struct deferred_arg *a = arg;

	kmm_machine_enter(a->m);
	deferred_init_memmap(a->m->node_data[a->nids[idx]]);
	kmm_machine_enter(NULL);
}

void kmm_deferred_init_all(struct kmm_machine *m)
{
	struct deferred_arg *a = kmm_plat_alloc(sizeof(*a));
	int n = 0;

	if (!a)
		return;
	a->m = m;
	for (int nid = 0; nid < KMM_MAX_NODES; nid++)
		if (m->node_data[nid] &&
		    m->node_data[nid]->first_deferred_pfn != ULONG_MAX)
			a->nids[n++] = nid;
	if (n)
		kmm_plat_run_parallel(n, deferred_thread, a);
	kmm_plat_free(a);
}

/* --- alloc_large_system_hash (the early, linear case) ------------------- */

/*
 * From 64 GiB of memory on, a quarter as many buckets per byte for every
 * fourfold more memory (64-bit, no high_limit given).
 */
#define ADAPT_SCALE_BASE	(64UL << 30)
#define ADAPT_SCALE_SHIFT	2
#define ADAPT_SCALE_NPAGES	(ADAPT_SCALE_BASE >> PAGE_SHIFT)

/*
 * alloc_large_system_hash with HASH_EARLY | HASH_ZERO, as Linux sizes and
 * prints it: @numentries, or one bucket per 2^@scale bytes of the kernel's
 * pages (nr_kernel_pages, rounded up to a MiB, @scale adapted above 64
 * GiB), a power of two, at most 1/16 of all memory, at least @low_limit;
 * taken from memblock, halving until it fits.  kmm's tables hold nothing:
 * the memory is reserved and reads as zero (the early allocators zero large
 * ranges by handing their pages back to the host).  Return: log2 of the
 * entries.
 */
unsigned int alloc_large_system_hash_early(const char *name,
					   unsigned long bucketsize,
					   unsigned long numentries, int scale,
					   unsigned long low_limit)
{
	struct kmm_machine *m = kmm_current();
	unsigned long long max;
	unsigned long log2qty, size;
	void *table;

	if (!numentries) {
		numentries = m->nr_kernel_pages;
		numentries = ALIGN(numentries, (1UL << 20) >> PAGE_SHIFT);
		for (unsigned long adapt = ADAPT_SCALE_NPAGES; adapt < numentries;
		     adapt <<= ADAPT_SCALE_SHIFT)
			scale++;
		if (scale > PAGE_SHIFT)
			numentries >>= (scale - PAGE_SHIFT);
		else
			numentries <<= (PAGE_SHIFT - scale);
		if (numentries * bucketsize < PAGE_SIZE)
			numentries = PAGE_SIZE / bucketsize;
	}
	numentries = roundup_pow_of_two(numentries);
	max = ((unsigned long long)m->nr_all_pages << PAGE_SHIFT) >> 4;
	max /= bucketsize;
	if (max > 0x80000000ULL)
		max = 0x80000000ULL;
	if (numentries < low_limit)
		numentries = low_limit;
	if (numentries > max)
		numentries = (unsigned long)max;
	log2qty = (unsigned long)ilog2(numentries);
	do {
		size = bucketsize << log2qty;
		/* 4.19 with bootmem: memblock_virt_alloc_nopanic is bootmem's. */
		if (kmm_bootmem_active())
			table = __alloc_bootmem_nopanic(size, SMP_CACHE_BYTES,
							BOOTMEM_LOW_LIMIT);
		else
			table = memblock_alloc(size, SMP_CACHE_BYTES);
	} while (!table && size > PAGE_SIZE && --log2qty);
	if (!table)
		panic("Failed to allocate %s hash table\n", name);
	pr_info("%s hash table entries: %lu (order: %u, %lu bytes, linear)\n",
		name, 1UL << log2qty, get_order(size), size);
	return (unsigned int)log2qty;
}
