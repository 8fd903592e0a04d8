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
 * The allocator proper (6.12's rmqueue, per-CPU lists, watermarks, the
 * slow path): free_area[order].free_list[migratetype] with nr_free,
 * expand/__free_one_page, the fallback table and pageblock stealing, the
 * highatomic reserve; per zone and CPU a per_cpu_pages with lists by type
 * for orders 0..3 and THP, batch/high with 6.12's automatic high tuning.
 * The vmstat tick (kmm_vmstat_tick, Linux's vmstat worker, once a second
 * there) decays high and, on NUMA, drains a CPU's pageset of a remote
 * node's zone a batch at a time once the CPU has not changed that zone's
 * counters for 3 ticks (pcp->expire, from the per-CPU diffs vmstat.c
 * keeps, threshold folds included).
 * The order-0..3 fast paths (rmqueue_pcp_fast, free_page_fast) make
 * every lookup once and call nothing on the way, so they need no stack
 * frame; a refill, a drain over high, another zone, __GFP_THISNODE, a
 * machine without mobility grouping, page debugging or anything unusual
 * goes to the general functions, which do what Linux's
 * get_page_from_freelist and free_unref_page do.  Their lookups use two
 * machine tables set with the zonelists: each CPU's node (cpu_pgdat) and
 * every zone by the node and zone bits of page->flags (zone_tab).  Each
 * comes in two copies: one for a thread that owns its CPU (tested once,
 * with the machine, through the thread-local owner_uid) and one for the
 * rest, which takes the pageset's spinlock.
 *
 * Locking: the zone lock guards free lists and counters.  A per-CPU
 * pageset is the CPU's (kernel/smp.c): the thread that owns the CPU works
 * on it without a locked instruction, as a Linux task does with
 * preemption off; a thread sharing the CPU takes pcp->lock (6.12's
 * pcp_spin_trylock: if it is taken, the page goes to or comes from the
 * zone); drains, vmstat ticks and high/batch changes for other CPUs
 * revoke those CPUs first (Linux sends IPIs or queues work there).
 *
 * Differences from Linux.  Free-side page checks (free_page_is_bad) run
 * always, so that misuse is caught without page debugging; allocation
 * checks run as Linux's check_pages_enabled decides (init_on_alloc or a
 * debugging option), except on the general path, which always checks.
 * __free_pages refuses a page that is not from this machine's memmap.
 * A gfp mask with both __GFP_MOVABLE and __GFP_RECLAIMABLE (invalid) warns
 * once and allocates unmovable; Linux warns only under DEBUG_VM and then
 * indexes past the order's per-CPU lists.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/memblock.h>
#include <kmm/numa.h>
#include <kmm/gfp.h>
#include <kmm/hugetlb.h>
#include <kmm/platform.h>
#include <kmm/page_debug.h>
#include <kmm/show_mem.h>

#define PENALTY_FOR_NODE_WITH_CPUS	1
#define PAGE_TYPE_BUDDY			0xf0000000u
#define PAGE_TYPE_GUARD			0xf3000000u
#define PAGE_TYPE_NONE			0xffffffffu

void __free_pages_core(struct page *page, unsigned int order);
void deferred_free_range(unsigned long pfn, unsigned long nr_pages);
void reserve_bootmem_region(phys_addr_t start, phys_addr_t end, int nid);
void __init_single_page(struct page *page, unsigned long pfn,
			unsigned long zone, int nid);
int kmm_mobility_threshold(void);
int zone_batchsize(struct zone *zone);

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
	unsigned long v = atomic_load_explicit((_Atomic unsigned long *)w,
					       memory_order_relaxed);

	return (int)((v >> bit) & ((1UL << PB_migratetype_bits) - 1));
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
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p || !node_state(nid, N_POSSIBLE))
			continue;
		for (int l = 0; l < MAX_ZONELISTS; l++)
			for (int hz = 0; hz < MAX_NR_ZONES; hz++) {
				struct zoneref *z = p->node_zonelists[l]._zonerefs;

				while (z->zone && z->zone_idx > hz)
					z++;
				p->zref_first[l][hz] = z;
				p->zone_first[l][hz] = z->zone;
			}
		for (int l = 0; l < MAX_ZONELISTS; l++)
			p->zone_first[l][MAX_NR_ZONES] = NULL;
		for (int zid = 0; zid < MAX_NR_ZONES; zid++)
			m->zone_tab[nid << ZONES_SHIFT | zid] = &p->node_zones[zid];
	}
	for (int cpu = 0; cpu < KMM_MAX_CPUS; cpu++) {
		int nid = m->cpu_to_node[cpu] < 0 ? 0 : m->cpu_to_node[cpu];

		m->cpu_pgdat[cpu] = m->node_data[nid];
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

/* --- free lists ------------------------------------------------------------- */

#define PAGE_TYPE_NONE_		PAGE_TYPE_NONE
#define FPI_NONE		0
#define FPI_TO_TAIL		1
#define PCP_BATCH_SCALE_MAX	5
#define HPAGE_PMD_ORDER		9
#define TAIL_MAPPING		((void *)0xdead000000000400UL)
#define MAX_RECLAIM_RETRIES	16

/* ALLOC_ flags (mm/internal.h). */
#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_HIGH	WMARK_HIGH
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_WMARK_MASK	(ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM		0x08
#define ALLOC_NON_BLOCK		0x10
#define ALLOC_MIN_RESERVE	0x20
#define ALLOC_CPUSET		0x40
#define ALLOC_CMA		0x80
#define ALLOC_NOFRAGMENT	0x100
#define ALLOC_HIGHATOMIC	0x200
#define ALLOC_KSWAPD		0x800
#define ALLOC_RESERVES	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE]   = { MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE },
	[MIGRATE_MOVABLE]     = { MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE },
	[MIGRATE_RECLAIMABLE] = { MIGRATE_UNMOVABLE, MIGRATE_MOVABLE },
};

/*
 * The type of a neighbouring page is read under the zone lock while its
 * owner (slab, for one) may be setting its own type: relaxed atomics, as
 * Linux's data_race() reads of page_type.
 */
static inline bool PageBuddy(const struct page *p)
{
	return __atomic_load_n(&p->page_type, __ATOMIC_RELAXED) ==
	       PAGE_TYPE_BUDDY;
}

static inline unsigned int buddy_order(const struct page *p)
{
	return (unsigned int)p->private;
}

static inline void set_buddy_order(struct page *p, unsigned int order)
{
	p->private = order;
	p->page_type = PAGE_TYPE_BUDDY;
}

static inline void clear_buddy(struct page *p)
{
	p->page_type = PAGE_TYPE_NONE;
	p->private = 0;
}

static inline struct kmm_machine *M(void)
{
	return kmm_current();
}

/* The hot paths pass the machine along instead of looking it up again. */
/* The migratetype of a valid pfn's pageblock. */
static inline int pb_mt_ms(const struct mem_section *ms, unsigned long pfn)
{
	unsigned long bit = ((pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order) *
			    NR_PAGEBLOCK_BITS;

	unsigned long v = atomic_load_explicit(
		(_Atomic unsigned long *)&ms->pageblock_flags[bit / BITS_PER_LONG],
		memory_order_relaxed);

	return (int)((v >> (bit % BITS_PER_LONG)) &
		     ((1UL << PB_migratetype_bits) - 1));
}

static inline int pb_mt(struct kmm_machine *m, unsigned long pfn)
{
	return pb_mt_ms(&m->mem_section[pfn_to_section_nr(pfn)], pfn);
}

static inline unsigned long pfn_of(struct kmm_machine *m, const struct page *p)
{
	return (unsigned long)(p - m->vmemmap_base);
}

static inline struct zone *zone_of_page(struct kmm_machine *m,
					const struct page *p)
{
	unsigned long f = __atomic_load_n(&p->flags, __ATOMIC_RELAXED);

	/* page_zone(): page_to_nid() and page_zonenum() of one load. */
	return &m->node_data[(f >> NODES_PGSHIFT) & NODES_MASK]
			->node_zones[(f >> ZONES_PGSHIFT) & ZONES_MASK];
}

/*
 * zone_of_page() through m->zone_tab: the node and zone bits of the flags
 * are adjacent, so one shift and mask index it.  Set with the zonelists.
 */
static inline struct zone *zone_of_flags(struct kmm_machine *m,
					 unsigned long f)
{
	_Static_assert(NODES_PGSHIFT == ZONES_PGSHIFT + ZONES_SHIFT,
		       "zone_tab wants the node bits above the zone bits");
	return m->zone_tab[(f >> ZONES_PGSHIFT) &
			   ((KMM_MAX_NODES << ZONES_SHIFT) - 1)];
}

/*
 * Guard pages (debug_guardpage_minorder= with debug_pagealloc): the upper
 * half of a split below the minimum order is neither on a free list nor
 * counted free; it stays unmapped, with its order in private, and merges
 * back like a free buddy when the lower half is freed.
 */
static inline bool page_is_guard(const struct kmm_machine *m,
				 const struct page *p)
{
	return m->debug_guardpage_enabled &&
	       __atomic_load_n(&p->page_type, __ATOMIC_RELAXED) ==
	       PAGE_TYPE_GUARD;
}

static bool set_page_guard(struct kmm_machine *m, struct page *page,
			   unsigned int order)
{
	if (!m->debug_guardpage_enabled ||
	    order >= m->debug_guardpage_minorder)
		return false;
	page->page_type = PAGE_TYPE_GUARD;
	INIT_LIST_HEAD(&page->lru);
	page->private = order;
	return true;
}

static void clear_page_guard(struct page *page)
{
	page->page_type = PAGE_TYPE_NONE;
	page->private = 0;
}

static bool page_is_buddy(struct page *page, struct page *buddy,
			  unsigned int order)
{
	if ((!PageBuddy(buddy) && !page_is_guard(M(), buddy)) ||
	    buddy_order(buddy) != order)
		return false;
	return page_zonenum(page) == page_zonenum(buddy) &&
	       page_to_nid(page) == page_to_nid(buddy);
}

static bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/*
 * NR_FREE_PAGES (and NR_FREE_CMA_PAGES) follow the lists but ISOLATE,
 * under zone->lock like the lists themselves.
 */
static void account_freepages(struct zone *zone, long nr, int mt)
{
	if (mt == MIGRATE_ISOLATE)
		return;
	kmm_mod_zone_page_state_locked(zone, NR_FREE_PAGES, nr);
	if (mt == MIGRATE_CMA)
		kmm_mod_zone_page_state_locked(zone, NR_FREE_CMA_PAGES, nr);
}

/*
 * The lockless watermark check asks which lists are non-empty; it reads
 * this mask (one bit per migratetype), which the list updates keep in step
 * under the zone lock, instead of the list heads themselves.
 */
static inline void update_nonempty(struct free_area *area, int mt)
{
	unsigned int m = atomic_load_explicit(&area->nonempty,
					      memory_order_relaxed);

	if (list_empty(&area->free_list[mt]))
		m &= ~(1U << mt);
	else
		m |= 1U << mt;
	atomic_store_explicit(&area->nonempty, m, memory_order_relaxed);
}

static void __add_to_free_list(struct page *page, struct zone *zone,
			       unsigned int order, int mt, bool tail)
{
	struct free_area *area = &zone->free_area[order];

	set_buddy_order(page, order);
	if (tail)
		list_add_tail(&page->lru, &area->free_list[mt]);
	else
		list_add(&page->lru, &area->free_list[mt]);
	area->nr_free++;
	update_nonempty(area, mt);
}

static void __del_page_from_free_list(struct page *page, struct zone *zone,
				      unsigned int order, int mt)
{
	list_del(&page->lru);
	clear_buddy(page);
	zone->free_area[order].nr_free--;
	update_nonempty(&zone->free_area[order], mt);
}

static void move_to_free_list(struct page *page, struct zone *zone,
			      unsigned int order, int old_mt, int new_mt)
{
	struct free_area *area = &zone->free_area[order];

	list_del(&page->lru);
	list_add_tail(&page->lru, &area->free_list[new_mt]);
	update_nonempty(area, old_mt);
	update_nonempty(area, new_mt);
	account_freepages(zone, -(1L << order), old_mt);
	account_freepages(zone, 1L << order, new_mt);
}

static struct page *get_page_from_free_area(struct free_area *area, int mt)
{
	struct list_head *l = &area->free_list[mt];

	return list_empty(l) ? NULL : list_first_entry(l, struct page, lru);
}

static bool free_area_empty(struct free_area *area, int mt)
{
	return list_empty(&area->free_list[mt]);
}

/*
 * Merge a freed block with its buddies as long as they are free, of the
 * same order, in the same zone, and the pageblock types allow it.
 */
static void __free_one_page(struct page *page, unsigned long pfn,
			    struct zone *zone, unsigned int order,
			    int migratetype, int fpi)
{
	struct kmm_machine *m = M();
	unsigned long buddy_pfn = 0, combined_pfn;
	struct page *buddy;
	bool to_tail;

	account_freepages(zone, 1L << order, migratetype);
	while (order < MAX_PAGE_ORDER) {
		int buddy_mt = migratetype;

		buddy_pfn = pfn ^ (1UL << order);
		if (!pfn_valid(buddy_pfn))
			goto done_merging;
		buddy = m->vmemmap_base + buddy_pfn;
		if (!page_is_buddy(page, buddy, order))
			goto done_merging;
		if (order >= pageblock_order) {
			buddy_mt = get_pageblock_migratetype(buddy);
			if (migratetype != buddy_mt &&
			    (!migratetype_is_mergeable(migratetype) ||
			     !migratetype_is_mergeable(buddy_mt)))
				goto done_merging;
		}
		if (page_is_guard(m, buddy)) {
			clear_page_guard(buddy);
			account_freepages(zone, 1L << order, migratetype);
		} else {
			__del_page_from_free_list(buddy, zone, order, buddy_mt);
		}
		if (buddy_mt != migratetype)
			set_pageblock_migratetype(buddy, migratetype);
		combined_pfn = buddy_pfn & pfn;
		page = page + (combined_pfn - pfn);
		pfn = combined_pfn;
		order++;
	}
done_merging:
	if (fpi & FPI_TO_TAIL) {
		to_tail = true;
	} else if (order >= MAX_PAGE_ORDER - 1) {
		to_tail = false;
	} else {
		/*
		 * buddy_merge_likely: if the block this one would merge into
		 * has its own buddy free, this block is likely to merge
		 * soon: keep it at the tail so it is not handed out first.
		 */
		unsigned long higher = (pfn & ~((2UL << order) - 1)) ^
				       (2UL << order);

		to_tail = pfn_valid(higher) &&
			  page_is_buddy(page, m->vmemmap_base + higher,
					order + 1);
	}
	__add_to_free_list(page, zone, order, migratetype, to_tail);
}

/* expand: split a 2^high block down to 2^low, handing the upper halves back. */
static unsigned int expand(struct zone *zone, struct page *page, int low,
			   int high, int mt)
{
	unsigned int size = 1U << high, nr_added = 0;

	while (high > low) {
		high--;
		size >>= 1;
		if (set_page_guard(M(), &page[size], (unsigned int)high))
			continue;
		__add_to_free_list(&page[size], zone, (unsigned int)high, mt,
				   false);
		nr_added += size;
	}
	return nr_added;
}

static void page_del_and_expand(struct zone *zone, struct page *page, int low,
				int high, int mt)
{
	unsigned int nr_added;

	__del_page_from_free_list(page, zone, (unsigned int)high, mt);
	nr_added = expand(zone, page, low, high, mt);
	account_freepages(zone, -(1L << high) + (long)nr_added, mt);
}

static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order,
				       int mt)
{
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		struct page *page = get_page_from_free_area(&zone->free_area[o],
							    mt);

		if (!page)
			continue;
		page_del_and_expand(zone, page, (int)order, (int)o, mt);
		return page;
	}
	return NULL;
}

/* Change the type of every pageblock a free block of @order covers. */
static void change_pageblock_range(struct page *page, int order, int mt)
{
	int nr = order >= pageblock_order ? 1 << (order - pageblock_order) : 1;

	while (nr--) {
		set_pageblock_migratetype(page, mt);
		page += pageblock_nr_pages;
	}
}

/*
 * Count a pageblock's free pages (and in-use movable ones: kmm has no LRU,
 * so none count as movable) if the whole block lies inside the zone.
 */
static bool prep_move_freepages_block(struct zone *zone, struct page *page,
				      unsigned long *start_pfn,
				      int *num_free, int *num_movable)
{
	struct kmm_machine *m = M();
	unsigned long pfn = pfn_of(m, page), start, end;

	start = ALIGN_DOWN(pfn, pageblock_nr_pages);
	end = start + pageblock_nr_pages - 1;
	*start_pfn = start;
	if (!zone_spans_pfn(zone, start) || !zone_spans_pfn(zone, end))
		return false;
	if (num_free) {
		*num_free = 0;
		*num_movable = 0;
		for (pfn = start; pfn <= end;) {
			struct page *p = m->vmemmap_base + pfn;

			if (PageBuddy(p)) {
				int nr = 1 << buddy_order(p);

				*num_free += nr;
				pfn += (unsigned long)nr;
				continue;
			}
			pfn++;
		}
	}
	return true;
}

static int __move_freepages_block(struct zone *zone, unsigned long start_pfn,
				  int old_mt, int new_mt)
{
	struct kmm_machine *m = M();
	unsigned long pfn = start_pfn, end = start_pfn + pageblock_nr_pages;
	int moved = 0;

	while (pfn < end) {
		struct page *p = m->vmemmap_base + pfn;
		unsigned int order;

		if (!PageBuddy(p)) {
			pfn++;
			continue;
		}
		order = buddy_order(p);
		move_to_free_list(p, zone, order, old_mt, new_mt);
		pfn += 1UL << order;
		moved += 1 << order;
	}
	set_pageblock_migratetype(m->vmemmap_base + start_pfn, new_mt);
	return moved;
}

static int move_freepages_block(struct zone *zone, struct page *page,
				int old_mt, int new_mt)
{
	unsigned long start_pfn;

	if (!prep_move_freepages_block(zone, page, &start_pfn, NULL, NULL))
		return -1;
	return __move_freepages_block(zone, start_pfn, old_mt, new_mt);
}

static bool can_steal_fallback(unsigned int order, int start_mt)
{
	if (order >= pageblock_order)
		return true;
	return order >= pageblock_order / 2 ||
	       start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE ||
	       M()->page_group_by_mobility_disabled;
}

static bool boost_watermark(struct zone *zone)
{
	struct kmm_machine *m = M();
	unsigned long max_boost;

	if (!m->watermark_boost_factor)
		return false;
	if (pageblock_nr_pages * 4 > zone_managed_pages(zone))
		return false;
	max_boost = zone->_watermark[WMARK_HIGH] *
		    (unsigned long)m->watermark_boost_factor / 10000;
	if (!max_boost)
		return false;
	max_boost = max(pageblock_nr_pages, max_boost);
	zone->watermark_boost = min(zone->watermark_boost + pageblock_nr_pages,
				    max_boost);
	return true;
}

static struct page *try_to_steal_block(struct zone *zone, struct page *page,
				       int current_order, int order,
				       int start_type, unsigned int alloc_flags)
{
	int free_pages, movable_pages, alike_pages;
	unsigned long start_pfn;
	int block_type = get_pageblock_migratetype(page);

	if (block_type == MIGRATE_HIGHATOMIC)
		return NULL;
	if (current_order >= pageblock_order) {
		unsigned int nr_added;

		__del_page_from_free_list(page, zone, (unsigned int)current_order,
					  block_type);
		account_freepages(zone, -(1L << current_order), block_type);
		change_pageblock_range(page, current_order, start_type);
		nr_added = expand(zone, page, order, current_order, start_type);
		account_freepages(zone, nr_added, start_type);
		return page;
	}
	if (boost_watermark(zone) && (alloc_flags & ALLOC_KSWAPD))
		zone_set_flag(zone, ZONE_BOOSTED_WATERMARK);
	if (!prep_move_freepages_block(zone, page, &start_pfn, &free_pages,
				       &movable_pages))
		return NULL;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike_pages = (int)pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages >= (1 << (pageblock_order - 1)) ||
	    M()->page_group_by_mobility_disabled) {
		__move_freepages_block(zone, start_pfn, block_type, start_type);
		return __rmqueue_smallest(zone, (unsigned int)order, start_type);
	}
	return NULL;
}

static int find_suitable_fallback(struct free_area *area, unsigned int order,
				  int mt, bool *can_steal)
{
	if (!area->nr_free)
		return -1;
	*can_steal = false;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fmt = fallbacks[mt][i];

		if (free_area_empty(area, fmt))
			continue;
		if (can_steal_fallback(order, mt))
			*can_steal = true;
		return fmt;
	}
	return -1;
}

/* Claim: from the largest block down, whole pageblocks when allowed. */
static struct page *__rmqueue_claim(struct zone *zone, int order, int mt,
				    unsigned int alloc_flags)
{
	int min_order = order;

	if (order < pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = pageblock_order;
	for (int co = MAX_PAGE_ORDER; co >= min_order; co--) {
		struct free_area *area = &zone->free_area[co];
		bool can_steal;
		int fmt = find_suitable_fallback(area, (unsigned int)co, mt,
						 &can_steal);
		struct page *page;

		if (fmt == -1)
			continue;
		if (!can_steal)
			break;
		page = get_page_from_free_area(area, fmt);
		page = try_to_steal_block(zone, page, co, order, mt,
					  alloc_flags);
		if (page)
			return page;
	}
	return NULL;
}

/* Steal: the smallest fallback block, without claiming its pageblock. */
static struct page *__rmqueue_steal(struct zone *zone, int order, int mt)
{
	for (int co = order; co < NR_PAGE_ORDERS; co++) {
		struct free_area *area = &zone->free_area[co];
		bool can_steal;
		int fmt = find_suitable_fallback(area, (unsigned int)co, mt,
						 &can_steal);
		struct page *page;

		if (fmt == -1)
			continue;
		page = get_page_from_free_area(area, fmt);
		page_del_and_expand(zone, page, order, co, fmt);
		return page;
	}
	return NULL;
}

enum rmqueue_mode { RMQUEUE_NORMAL, RMQUEUE_CLAIM, RMQUEUE_STEAL };

static struct page *__rmqueue(struct zone *zone, unsigned int order, int mt,
			      unsigned int alloc_flags, enum rmqueue_mode *mode)
{
	struct page *page;

	switch (*mode) {
	case RMQUEUE_NORMAL:
		page = __rmqueue_smallest(zone, order, mt);
		if (page)
			return page;
		fallthrough;
	case RMQUEUE_CLAIM:
		page = __rmqueue_claim(zone, (int)order, mt, alloc_flags);
		if (page) {
			*mode = RMQUEUE_NORMAL;
			return page;
		}
		fallthrough;
	case RMQUEUE_STEAL:
		if (!(alloc_flags & ALLOC_NOFRAGMENT)) {
			page = __rmqueue_steal(zone, (int)order, mt);
			if (page) {
				*mode = RMQUEUE_STEAL;
				return page;
			}
		}
	}
	return NULL;
}

/* --- per-CPU page lists ------------------------------------------------------ */

static inline unsigned int order_to_pindex(int mt, unsigned int order)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return NR_LOWORDER_PCP_LISTS + (mt == MIGRATE_MOVABLE);
	return MIGRATE_PCPTYPES * order + (unsigned int)mt;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	if (pindex >= NR_LOWORDER_PCP_LISTS)
		return HPAGE_PMD_ORDER;
	return pindex / MIGRATE_PCPTYPES;
}

static inline bool pcp_allowed_order(unsigned int order)
{
	return order <= PAGE_ALLOC_COSTLY_ORDER || order == HPAGE_PMD_ORDER;
}

static struct per_cpu_pages *this_pcp(struct kmm_machine *m, struct zone *z)
{
	if (!z->per_cpu_pageset)
		return NULL;
	return &z->per_cpu_pageset[kmm_cpu_of(m)];
}

/*
 * The calling thread's CPU's pageset lock (kernel/smp.c): 1 entered as
 * the CPU's owner, 0 with the spinlock, -1 taken (Linux's pcp_spin_trylock
 * failing: the caller goes to the zone).  Unlock with pcp_unlock().
 */
static inline int pcp_trylock(struct kmm_machine *m, int cpu,
			      struct per_cpu_pages *pcp)
{
	return kmm_pcpu_trylock(&m->cpu_bias[cpu], &pcp->lock);
}

/*
 * The fast paths' pcp_trylock: @owned (a constant in each copy of the
 * path) is kmm_owns_cpu_of(m), read once for "runs here" and "owns its
 * CPU"; a thread that does not own its CPU goes straight to the spinlock.
 */
static inline __attribute__((always_inline)) int
pcp_trylock_as(struct kmm_machine *m, int cpu, struct per_cpu_pages *pcp,
	       bool owned)
{
	return kmm_pcpu_trylock_as(owned, &m->cpu_bias[cpu], &pcp->lock);
}

static inline void pcp_unlock(struct per_cpu_pages *pcp, int how)
{
	kmm_pcpu_unlock(&pcp->lock, how);
}

static int rmqueue_bulk(struct zone *zone, unsigned int order,
			unsigned long count, struct list_head *list, int mt,
			unsigned int alloc_flags)
{
	enum rmqueue_mode mode = RMQUEUE_NORMAL;
	unsigned long i;

	spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct page *page = __rmqueue(zone, order, mt, alloc_flags,
					      &mode);

		if (!page)
			break;
		list_add_tail(&page->lru, list);
	}
	spin_unlock(&zone->lock);
	return (int)i;
}

static void free_pcppages_bulk(struct zone *zone, int count,
			       struct per_cpu_pages *pcp, int pindex)
{
	struct kmm_machine *m = M();

	count = min(pcp->count, count);
	pindex = pindex - 1;
	spin_lock(&zone->lock);
	while (count > 0) {
		struct list_head *list;
		unsigned int order;

		do {
			if (++pindex > NR_PCP_LISTS - 1)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));
		order = pindex_to_order((unsigned int)pindex);
		do {
			struct page *page = list_entry(list->prev, struct page,
						       lru);
			unsigned long pfn = pfn_of(m, page);
			int mt = get_pageblock_migratetype(page);

			list_del(&page->lru);
			count -= 1 << order;
			pcp->count -= 1 << order;
			__free_one_page(page, pfn, zone, order, mt, FPI_NONE);
		} while (count > 0 && !list_empty(list));
	}
	spin_unlock(&zone->lock);
}

static int nr_pcp_free(struct per_cpu_pages *pcp, int batch, int high,
		       bool free_high)
{
	if (free_high)
		return min(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (high < batch)
		return 1;
	return clamp((int)pcp->free_count, batch, high - batch);
}

static int nr_pcp_high(struct per_cpu_pages *pcp, struct zone *zone, int batch,
		       bool free_high)
{
	int high, high_min = pcp->high_min, high_max = pcp->high_max;

	high = pcp->high = clamp(pcp->high, high_min, high_max);
	if (!high)
		return 0;
	if (free_high) {
		pcp->high = max(high - (batch << PCP_BATCH_SCALE_MAX), high_min);
		return 0;
	}
	if (zone_flag(zone, ZONE_RECLAIM_ACTIVE)) {
		int fc = max((int)pcp->free_count, batch);

		pcp->high = max(high - fc, high_min);
		return min(batch << 2, pcp->high);
	}
	if (high_min == high_max)
		return high;
	if (zone_flag(zone, ZONE_BELOW_HIGH)) {
		int fc = max((int)pcp->free_count, batch);

		pcp->high = max(high - fc, high_min);
		high = max(pcp->count, high_min);
	} else if (pcp->count >= high) {
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = clamp(need_high, high_min, high_max);
	}
	return high;
}

static int nr_pcp_alloc(struct per_cpu_pages *pcp, struct zone *zone,
			unsigned int order)
{
	int base_batch = pcp->batch, batch, max_nr_alloc;
	int high_min = pcp->high_min, high_max = pcp->high_max;
	int high = pcp->high = clamp(pcp->high, high_min, high_max);

	if (high < base_batch)
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	if (high_min != high_max && !zone_flag(zone, ZONE_BELOW_HIGH))
		high = pcp->high = min(high + batch, high_max);
	if (!order) {
		max_nr_alloc = max(high - pcp->count - base_batch, base_batch);
		if (batch <= max_nr_alloc &&
		    pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = min(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = max(batch >> order, 2);
	return batch;
}
/* --- freeing -------------------------------------------------------------- */


#define PAGE_FLAGS_SECOND_ORDER	0xffUL

/* The folio's _deferred_list, in its second tail page. */
static struct list_head *folio_deferred_list(struct page *head)
{
	return (struct list_head *)((u8 *)&head[2] + FOLIO_DEFERRED_LIST);
}

/*
 * free_tail_page_prepare: the folio fields a tail page holds must be as
 * prep_compound_head left them, other tails must still carry TAIL_MAPPING
 * (the third holds hugetlb's fields: not checked, HUGETLB_PAGE=y), and
 * every tail must point at its head.  Reported as Linux reports them; the
 * mapping and compound_head are cleared either way.  1: bad.
 */
static int free_tail_page_prepare(struct page *head, struct page *page)
{
	int ret = 1;

	switch (page - head) {
	case 1:
		if (folio_tail_int(page, FOLIO_ENTIRE_MAPCOUNT) + 1) {
			bad_page(page, "nonzero entire_mapcount");
			goto out;
		}
		if (folio_tail_int(page, FOLIO_LARGE_MAPCOUNT) + 1) {
			bad_page(page, "nonzero large_mapcount");
			goto out;
		}
		if (folio_tail_int(page, FOLIO_NR_PAGES_MAPPED)) {
			bad_page(page, "nonzero nr_pages_mapped");
			goto out;
		}
		if (folio_tail_int(page, FOLIO_PINCOUNT)) {
			bad_page(page, "nonzero pincount");
			goto out;
		}
		break;
	case 2:
		if (!list_empty(folio_deferred_list(head))) {
			bad_page(page, "on deferred list");
			goto out;
		}
		break;
	case 3:
		break;
	default:
		if (page->mapping != TAIL_MAPPING) {
			bad_page(page, "corrupted mapping in tail page");
			goto out;
		}
		break;
	}
	if (!(page->compound_head & 1)) {
		bad_page(page, "PageTail not set");
		goto out;
	}
	if (page->compound_head != ((unsigned long)head | 1)) {
		bad_page(page, "compound_head not consistent");
		goto out;
	}
	ret = 0;
out:
	page->mapping = NULL;
	page->compound_head = 0;
	return ret;
}

/*
 * free_pages_prepare: check the block is in the state a free page must be
 * in (reporting "Bad page state" otherwise and keeping the page out of the
 * free lists), undo compound and allocation state, then the debug hooks.
 */
static bool free_pages_prepare(struct kmm_machine *m, struct page *page,
			       unsigned int order)
{
	int bad = 0;

	/* Tail pages first, before the head's compound state is cleared. */
	if (PageHead(page) && order) {
		page[1].flags &= ~PAGE_FLAGS_SECOND_ORDER;
		for (unsigned int i = 1; i < (1U << order); i++) {
			bad += free_tail_page_prepare(page, page + i);
			bad += free_page_is_bad(page + i);
		}
	} else if (order) {
		for (unsigned int i = 1; i < (1U << order); i++)
			bad += free_page_is_bad(page + i);
	}
	bad += free_page_is_bad(page);
	if (bad)
		return false;
	page->private = 0;
	page->flags &= ~PAGEFLAGS_MASK;
	if (unlikely(m->init_on_free))
		kernel_init_pages(page, 1 << order);
	if (unlikely(m->page_poisoning))
		kernel_poison_pages(page, 1 << order);
	if (unlikely(m->debug_pagealloc))
		kmm_debug_pagealloc_map(page, 1 << order, false);
	return true;
}

static void free_one_page(struct zone *zone, struct page *page,
			  unsigned long pfn, unsigned int order, int fpi)
{
	spin_lock(&zone->lock);
	if (order > pageblock_order) {
		/* split_large_buddy: pageblocks may differ in type. */
		unsigned long end = pfn + (1UL << order);

		while (pfn < end) {
			__free_one_page(page, pfn, zone, pageblock_order,
					get_pageblock_migratetype(page), fpi);
			pfn += pageblock_nr_pages;
			page += pageblock_nr_pages;
		}
	} else {
		__free_one_page(page, pfn, zone, order,
				get_pageblock_migratetype(page), fpi);
	}
	spin_unlock(&zone->lock);
}

static void __free_pages_ok(struct page *page, unsigned int order, int fpi)
{
	struct kmm_machine *m = M();

	if (!free_pages_prepare(m, page, order))
		return;
	free_one_page(zone_of_page(m, page), page, pfn_of(m, page), order,
		      fpi);
	count_vm_events(PGFREE, 1L << order);
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);

/*
 * The end of free_unref_page_commit once the quick test of pcp_commit_add()
 * could not rule a drain out: nr_pcp_high() retunes high, and a list at or
 * over it is drained as Linux does.  @d is pcp_commit_add()'s
 * 1 << 8 | free_high << 7 | pindex.
 */
static __attribute__((noinline)) void
pcp_commit_high(struct zone *zone, struct per_cpu_pages *pcp, unsigned int d)
{
	bool free_high = (d >> 7) & 1;
	int batch = pcp->batch;
	int high = nr_pcp_high(pcp, zone, batch, free_high);

	if (pcp->count < high)
		return;
	free_pcppages_bulk(zone, nr_pcp_free(pcp, batch, high, free_high),
			   pcp, (int)(d & 0x7f));
	if (zone_flag(zone, ZONE_BELOW_HIGH) &&
	    zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0))
		zone_clear_flag(zone, ZONE_BELOW_HIGH);
}

/*
 * free_unref_page_commit up to nr_pcp_high(): the page on its list.
 * Returns 0 when nr_pcp_high() would change nothing and return pcp->high
 * and the list is below it: high within [high_min, high_max], the zone
 * neither below its high watermark nor under reclaim, and this no
 * high-order free burst.  Else what pcp_commit_high() needs to finish
 * (1 << 8 | free_high << 7 | pindex).
 */
static inline __attribute__((always_inline)) unsigned int
pcp_commit_add(struct zone *zone, struct per_cpu_pages *pcp,
	       struct page *page, int mt, unsigned int order)
{
	int high, batch, pindex;
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	pcp_stat_add(&pcp->pgfree, 1L << order);
	pindex = (int)order_to_pindex(mt, order);
	list_add(&page->lru, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	batch = pcp->batch;
	if (order && order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch &&
			    (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) ||
			     pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else if (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = pcp->high;
	if (likely(!free_high && pcp->count < high && high >= pcp->high_min &&
		   high <= pcp->high_max &&
		   !zone_flags_any(zone, (1UL << ZONE_BELOW_HIGH) |
					 (1UL << ZONE_RECLAIM_ACTIVE))))
		return 0;
	return 1U << 8 | (unsigned int)free_high << 7 | (unsigned int)pindex;
}

static inline __attribute__((always_inline)) void
free_unref_page_commit(struct zone *zone, struct per_cpu_pages *pcp,
		       struct page *page, int mt, unsigned int order)
{
	unsigned int d = pcp_commit_add(zone, pcp, page, mt, order);

	if (unlikely(d))
		pcp_commit_high(zone, pcp, d);
}

_Static_assert(NR_PCP_LISTS <= 0x80, "pcp_commit_add packs pindex in 7 bits");

/* The end of a fast free's commit, then the end of its section. */
static __attribute__((noinline)) void
pcp_commit_high_unlock(struct zone *zone, struct per_cpu_pages *pcp,
		       unsigned int d, int how)
{
	pcp_commit_high(zone, pcp, d);
	pcp_unlock(pcp, how);
}

/* Free an order-0..3 or THP block through this CPU's lists if possible. */
static void free_unref_page(struct page *page, unsigned int order)
{
	struct kmm_machine *m = M();
	struct per_cpu_pages *pcp;
	struct zone *zone;
	unsigned long pfn = pfn_of(m, page);
	int mt, how;

	if (!pcp_allowed_order(order) || m->pcp_not_ready) {
		__free_pages_ok(page, order, FPI_NONE);
		return;
	}
	if (!free_pages_prepare(m, page, order))
		return;
	mt = pb_mt(m, pfn);
	zone = zone_of_page(m, page);
	if (mt >= MIGRATE_PCPTYPES) {
		if (mt == MIGRATE_ISOLATE) {
			free_one_page(zone, page, pfn, order, FPI_NONE);
			count_vm_events(PGFREE, 1L << order);
			return;
		}
		mt = MIGRATE_MOVABLE;
	}
	pcp = this_pcp(m, zone);
	if (pcp && (how = pcp_trylock(m, kmm_cpu_of(m), pcp)) >= 0) {
		free_unref_page_commit(zone, pcp, page, mt, order);
		pcp_unlock(pcp, how);
	} else {
		free_one_page(zone, page, pfn, order, FPI_NONE);
		count_vm_events(PGFREE, 1L << order);
	}
}

/* Boot hand-over: the pages join the zone's managed count and the lists. */
void __free_pages_core(struct page *page, unsigned int order)
{
	struct kmm_machine *m = M();
	unsigned long nr = 1UL << order;
	struct zone *zone = zone_of_page(m, page);

	for (unsigned long i = 0; i < nr; i++) {
		__ClearPageReserved(&page[i]);
		set_page_count(&page[i], 0);
	}
	atomic_fetch_add(&zone->managed_pages, (long)nr);
	if (m->page_poisoning || m->debug_pagealloc || m->init_on_free) {
		__free_pages_ok(page, order, FPI_TO_TAIL);
		return;
	}
	page->flags &= ~PAGEFLAGS_MASK;
	free_one_page(zone, page, pfn_of(m, page), order, FPI_TO_TAIL);
	count_vm_events(PGFREE, (long)nr);
}

/* --- allocating ----------------------------------------------------------- */

struct alloc_context {
	struct zonelist *zonelist;
	const nodemask_t *nodemask;
	struct zoneref *preferred_zoneref;
	int migratetype;
	int highest_zoneidx;
	int preferred_nid;
};

/*
 * __GFP_MOVABLE with __GFP_RECLAIMABLE: Linux's VM_WARN_ON in
 * gfp_migratetype, then (unlike Linux, which indexes past the order's
 * per-CPU lists) the conservative type.  Once per machine.
 */
static int gfp_migratetype_checked(struct kmm_machine *m, gfp_t flags)
{
	if (unlikely((flags & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)) {
		WARN_ONCE(1, "kmm: gfp mode %#x has both __GFP_MOVABLE and "
			  "__GFP_RECLAIMABLE; allocating as unmovable\n",
			  (unsigned int)flags);
		return MIGRATE_UNMOVABLE;
	}
	if (m && m->page_group_by_mobility_disabled)
		return MIGRATE_UNMOVABLE;
	return gfp_migratetype_raw(flags);
}

int gfp_migratetype(gfp_t flags)
{
	return gfp_migratetype_checked(M(), flags);
}


static bool zref_in_nodes(struct zoneref *z, const nodemask_t *nodes)
{
	return !nodes || node_isset(z->zone->node, nodes);
}

/* First zoneref at or below @highest in @nodes (the end marker if none). */
static struct zoneref *next_zones_zonelist(struct zoneref *z, int highest,
					   const nodemask_t *nodes)
{
	while (z->zone && (z->zone_idx > highest || !zref_in_nodes(z, nodes)))
		z++;
	return z;
}

static void zone_statistics(struct zone *preferred, struct zone *z, long nr)
{
	int local = numa_node_id();

	if (z->node == preferred->node) {
		zone_numa_event_add(z, NUMA_HIT, nr);
	} else {
		zone_numa_event_add(z, NUMA_MISS, nr);
		zone_numa_event_add(preferred, NUMA_FOREIGN, nr);
	}
	zone_numa_event_add(z, z->node == local ? NUMA_LOCAL : NUMA_OTHER, nr);
}

/* This CPU's node for the NUMA statistics (node 0 if it has none). */
static inline int pcp_local_node(struct kmm_machine *m, int cpu)
{
	int local = m->cpu_to_node[cpu];

	return local < 0 ? 0 : local;
}

/*
 * zone_statistics for one allocation, under the pcp lock; @local is
 * pcp_local_node() of the calling thread's CPU.
 */
static inline void pcp_zone_statistics(struct per_cpu_pages *pcp,
				       struct zone *preferred, struct zone *z,
				       int local)
{
	if (z->node == preferred->node) {
		pcp_stat_add(&pcp->vm_numa_event[NUMA_HIT], 1);
	} else {
		pcp_stat_add(&pcp->vm_numa_event[NUMA_MISS], 1);
		zone_numa_event_add(preferred, NUMA_FOREIGN, 1);
	}
	pcp_stat_add(&pcp->vm_numa_event[z->node == local ? NUMA_LOCAL :
					 NUMA_OTHER], 1);
}

/* A zone counter as it is: kmm's are exact, never below zero. */
static inline long zstate_raw(const struct zone *z, enum zone_stat_item item)
{
	return atomic_load_explicit(&((struct zone *)z)->vm_stat[item],
				    memory_order_relaxed);
}

static inline unsigned long zstate(const struct zone *z,
				   enum zone_stat_item item)
{
	long v = atomic_load_explicit(&((struct zone *)z)->vm_stat[item],
				      memory_order_relaxed);

	return v < 0 ? 0 : (unsigned long)v;
}

static long zone_watermark_unusable_free(struct zone *z, unsigned int order,
					 unsigned int alloc_flags)
{
	long unusable = (1L << order) - 1;

	if (!(alloc_flags & ALLOC_RESERVES))
		unusable += (long)z->nr_reserved_highatomic;
	if (!(alloc_flags & ALLOC_CMA))
		unusable += (long)zstate(z, NR_FREE_CMA_PAGES);
	return unusable;
}

static bool __zone_watermark_ok(struct zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags, long free_pages)
{
	long min = (long)mark;

	free_pages -= zone_watermark_unusable_free(z, order, alloc_flags);
	if (alloc_flags & ALLOC_RESERVES) {
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* Lockless: which lists are non-empty, from each order's mask. */
	for (unsigned int o = order; o < NR_PAGE_ORDERS; o++) {
		unsigned int ne = atomic_load_explicit(&z->free_area[o].nonempty,
						       memory_order_relaxed);

		if (!ne)
			continue;
		if (ne & ((1U << MIGRATE_PCPTYPES) - 1))
			return true;
		if ((alloc_flags & ALLOC_CMA) && (ne & (1U << MIGRATE_CMA)))
			return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    (ne & (1U << MIGRATE_HIGHATOMIC)))
			return true;
	}
	return false;
}

bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags);
bool zone_watermark_ok(struct zone *z, unsigned int order, unsigned long mark,
		       int highest_zoneidx, unsigned int alloc_flags)
{
	return __zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				   (long)zone_page_state(z, NR_FREE_PAGES));
}

static inline __attribute__((always_inline)) bool zone_watermark_fast(struct zone *z, unsigned int order,
				unsigned long mark, int highest_zoneidx,
				unsigned int alloc_flags)
{
	long free_pages = (long)zstate(z, NR_FREE_PAGES);

	if (!order) {
		long fast_free = free_pages -
			zone_watermark_unusable_free(z, 0, alloc_flags);

		if (fast_free > (long)mark + z->lowmem_reserve[highest_zoneidx])
			return true;
	}
	if (__zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags,
				free_pages))
		return true;
	/* Boosted watermarks must not fail high-priority atomic requests. */
	if (!order && (alloc_flags & ALLOC_MIN_RESERVE) && z->watermark_boost &&
	    (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN)
		return __zone_watermark_ok(z, order, z->_watermark[WMARK_MIN],
					   highest_zoneidx, alloc_flags,
					   free_pages);
	return false;
}

static struct page *rmqueue_pcplist(struct kmm_machine *m,
				    struct zone *preferred, struct zone *zone,
				    unsigned int order, int mt,
				    unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = this_pcp(m, zone);
	struct list_head *list;
	struct page *page;
	int how;

	if (!pcp || (how = pcp_trylock(m, kmm_cpu_of(m), pcp)) < 0)
		return NULL;
	pcp->free_count >>= 1;
	list = &pcp->lists[order_to_pindex(mt, order)];
	for (;;) {
		if (list_empty(list)) {
			int batch = nr_pcp_alloc(pcp, zone, order);
			int got = rmqueue_bulk(zone, order, (unsigned long)batch,
					       list, mt, alloc_flags);

			pcp->count += got << order;
			if (list_empty(list)) {
				pcp_unlock(pcp, how);
				return NULL;
			}
		}
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		pcp->count -= 1 << order;
		if (!check_new_pages(page, order))
			break;
	}
	pcp_stat_add(&pcp->pgalloc, 1L << order);
	pcp_zone_statistics(pcp, preferred, zone,
			    pcp_local_node(m, kmm_cpu_of(m)));
	pcp_unlock(pcp, how);
	return page;
}

static struct page *rmqueue_buddy(struct zone *preferred, struct zone *zone,
				  unsigned int order, unsigned int alloc_flags,
				  int mt)
{
	struct page *page;

	do {
		enum rmqueue_mode mode = RMQUEUE_NORMAL;

		page = NULL;
		spin_lock(&zone->lock);
		if (alloc_flags & ALLOC_HIGHATOMIC)
			page = __rmqueue_smallest(zone, order,
						  MIGRATE_HIGHATOMIC);
		if (!page) {
			page = __rmqueue(zone, order, mt, alloc_flags, &mode);
			/* Atomic requests may dip into the highatomic reserve. */
			if (!page && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
				page = __rmqueue_smallest(zone, order,
							  MIGRATE_HIGHATOMIC);
		}
		spin_unlock(&zone->lock);
		if (!page)
			return NULL;
	} while (check_new_pages(page, order));
	count_vm_events(PGALLOC_DMA + page_zonenum(page), 1L << order);
	zone_statistics(preferred, zone, 1);
	return page;
}

/*
 * kswapd, synchronously: kmm has no background threads, so where Linux
 * wakes kswapd for a boosted zone, kmm runs one balance pass at once in the
 * caller: ask the shrinkers of the node for memory, then remove the
 * watermark boost of the zones up to this one, as balance_pgdat does when
 * its boosted reclaim is over.
 */
static void kswapd_run(struct zone *zone)
{
	pg_data_t *pgdat = zone->zone_pgdat;

	count_vm_events(PAGEOUTRUN, 1);
	shrink_slab(GFP_KERNEL, pgdat->node_id, 0);
	for (int i = 0; i <= zone_idx(zone); i++) {
		struct zone *z = &pgdat->node_zones[i];

		spin_lock(&z->lock);
		z->watermark_boost = 0;
		spin_unlock(&z->lock);
	}
}

static struct page *rmqueue(struct kmm_machine *m, struct zone *preferred,
			    struct zone *zone, unsigned int order, gfp_t gfp,
			    unsigned int alloc_flags, int mt)
{
	struct page *page = NULL;

	if (pcp_allowed_order(order) && !m->pcp_not_ready)
		page = rmqueue_pcplist(m, preferred, zone, order, mt,
				       alloc_flags);
	if (!page)
		page = rmqueue_buddy(preferred, zone, order, alloc_flags, mt);
	/* A boosted zone wakes kswapd (run here, see kswapd_run()). */
	if ((alloc_flags & ALLOC_KSWAPD) &&
	    zone_flag(zone, ZONE_BOOSTED_WATERMARK)) {
		zone_clear_flag(zone, ZONE_BOOSTED_WATERMARK);
		kswapd_run(zone);
	}
	return page;
}

/* prep_compound_head: folio_set_order and the mapcounts, as 6.12. */
static void prep_compound_head(struct page *page, unsigned int order)
{
	/* The folio order lives in the low byte of the second page's flags. */
	page[1].flags = (page[1].flags & ~PAGE_FLAGS_SECOND_ORDER) | order;
	folio_set_tail_int(&page[1], FOLIO_NR_PAGES, 1 << order);
	folio_set_tail_int(&page[1], FOLIO_LARGE_MAPCOUNT, -1);
	folio_set_tail_int(&page[1], FOLIO_ENTIRE_MAPCOUNT, -1);
	folio_set_tail_int(&page[1], FOLIO_NR_PAGES_MAPPED, 0);
	folio_set_tail_int(&page[1], FOLIO_PINCOUNT, 0);
	if (order > 1)
		INIT_LIST_HEAD(folio_deferred_list(page));
}

static void prep_compound_page(struct page *page, unsigned int order)
{
	__SetPageHead(page);
	for (unsigned int i = 1; i < (1U << order); i++) {
		struct page *p = page + i;

		/* prep_compound_tail */
		p->mapping = TAIL_MAPPING;
		p->compound_head = (unsigned long)page | 1;
		p->private = 0;
	}
	prep_compound_head(page, order);
}

static inline void prep_new_page(struct kmm_machine *m, struct page *page,
			  unsigned int order, gfp_t gfp,
			  unsigned int alloc_flags)
{
	int nr = 1 << order;

	/* Only heads of free blocks are typed, and __rmqueue untyped it. */
	page->private = 0;
	set_page_count(page, 1);
	if (unlikely(m->debug_pagealloc))
		kmm_debug_pagealloc_map(page, nr, true);
	if (unlikely(m->page_poisoning))
		kernel_unpoison_pages(page, nr);
	/* want_init_on_alloc() && !want_init_on_free(), inline. */
	if ((m->init_on_alloc || (gfp & __GFP_ZERO)) && !m->init_on_free)
		kernel_init_pages(page, nr);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
	(void)alloc_flags;
}

static void reserve_highatomic_pageblock(struct page *page, int order,
					 struct zone *zone)
{
	unsigned long max_managed;
	int mt;

	if (zone_managed_pages(zone) / 100 < pageblock_nr_pages)
		return;
	max_managed = ALIGN(zone_managed_pages(zone) / 100, pageblock_nr_pages);
	if (zone->nr_reserved_highatomic >= max_managed)
		return;
	spin_lock(&zone->lock);
	if (zone->nr_reserved_highatomic >= max_managed)
		goto out;
	mt = get_pageblock_migratetype(page);
	if (!migratetype_is_mergeable(mt))
		goto out;
	if (order < pageblock_order) {
		if (move_freepages_block(zone, page, mt, MIGRATE_HIGHATOMIC) == -1)
			goto out;
		zone->nr_reserved_highatomic += pageblock_nr_pages;
	} else {
		change_pageblock_range(page, order, MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += 1UL << order;
	}
out:
	spin_unlock(&zone->lock);
}

static bool unreserve_highatomic_pageblock(const struct alloc_context *ac,
					   bool force)
{
	struct zoneref *z;

	for (z = next_zones_zonelist(ac->zonelist->_zonerefs,
				     ac->highest_zoneidx, ac->nodemask);
	     z->zone; z = next_zones_zonelist(z + 1, ac->highest_zoneidx,
					      ac->nodemask)) {
		struct zone *zone = z->zone;

		if (!force && zone->nr_reserved_highatomic <= pageblock_nr_pages)
			continue;
		spin_lock(&zone->lock);
		for (unsigned int order = 0; order < NR_PAGE_ORDERS; order++) {
			struct page *page = get_page_from_free_area(
				&zone->free_area[order], MIGRATE_HIGHATOMIC);
			int mt, ret;

			if (!page)
				continue;
			mt = get_pageblock_migratetype(page);
			if (mt == MIGRATE_HIGHATOMIC) {
				unsigned long size = max(pageblock_nr_pages,
							 1UL << order);

				size = min(size, zone->nr_reserved_highatomic);
				zone->nr_reserved_highatomic -= size;
			}
			if (order < pageblock_order) {
				ret = move_freepages_block(zone, page, mt,
							   ac->migratetype);
			} else {
				move_to_free_list(page, zone, order, mt,
						  ac->migratetype);
				change_pageblock_range(page, (int)order,
						       ac->migratetype);
				ret = 1;
			}
			if (ret > 0) {
				spin_unlock(&zone->lock);
				return true;
			}
		}
		spin_unlock(&zone->lock);
	}
	return false;
}

bool deferred_grow_zone(struct zone *zone, unsigned int order);

/* The zone still has pages whose struct page is not initialised. */
static inline bool zone_has_deferred(const struct zone *zone)
{
	unsigned long first = zone->zone_pgdat->first_deferred_pfn;

	return first != ULONG_MAX && zone_end_pfn(zone) > first;
}

static inline unsigned int alloc_flags_nofragment(struct zone *zone, gfp_t gfp)
{
	unsigned int alloc_flags = gfp & __GFP_KSWAPD_RECLAIM;

	if (!zone || zone_idx(zone) != ZONE_NORMAL)
		return alloc_flags;
	if (zone->zone_pgdat != NULL && kmm_current()->nr_online_nodes > 1 &&
	    !populated_zone(zone - 1))
		return alloc_flags;
	return alloc_flags | ALLOC_NOFRAGMENT;
}

static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order,
					   unsigned int alloc_flags,
					   const struct alloc_context *ac)
{
	struct kmm_machine *m = M();
	struct zoneref *z;
	bool no_fallback;

retry:
	no_fallback = alloc_flags & ALLOC_NOFRAGMENT;
	for (z = next_zones_zonelist(ac->preferred_zoneref, ac->highest_zoneidx,
				     ac->nodemask);
	     z->zone; z = next_zones_zonelist(z + 1, ac->highest_zoneidx,
					      ac->nodemask)) {
		struct zone *zone = z->zone;
		unsigned long mark;
		struct page *page;

		if (no_fallback && m->nr_online_nodes > 1 &&
		    zone != ac->preferred_zoneref->zone &&
		    zone->node != ac->preferred_zoneref->zone->node) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		/*
		 * Below the high watermark the frees start trimming the
		 * per-CPU lists (nr_pcp_high): detected here, where it is
		 * cheaper than on the free path, as Linux 6.12 does.
		 */
		if (!zone_flag(zone, ZONE_BELOW_HIGH)) {
			if (zone_watermark_fast(zone, order,
						high_wmark_pages(zone),
						ac->highest_zoneidx,
						alloc_flags))
				goto try_this_zone;
			zone_set_flag(zone, ZONE_BELOW_HIGH);
		}
		mark = wmark_pages(zone, alloc_flags & ALLOC_WMARK_MASK);
		if (!zone_watermark_fast(zone, order, mark, ac->highest_zoneidx,
					 alloc_flags)) {
			/*
			 * Memory not yet initialised (deferred or lazy) joins
			 * when the zone fails its watermark.
			 */
			if (zone_has_deferred(zone) &&
			    deferred_grow_zone(zone, order))
				goto try_this_zone;
			if (!(alloc_flags & ALLOC_NO_WATERMARKS))
				continue;
		}
try_this_zone:
		page = rmqueue(m, ac->preferred_zoneref->zone, zone, order, gfp,
			       alloc_flags, ac->migratetype);
		if (page) {
			prep_new_page(m, page, order, gfp, alloc_flags);
			if ((alloc_flags & ALLOC_HIGHATOMIC) && order)
				reserve_highatomic_pageblock(page, (int)order,
							     zone);
			return page;
		}
		/* Or when the zone had nothing for this request. */
		if (zone_has_deferred(zone) && deferred_grow_zone(zone, order))
			goto try_this_zone;
	}
	if (no_fallback) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

static unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	alloc_flags |= gfp & (__GFP_HIGH | __GFP_KSWAPD_RECLAIM);
	if (!(gfp & __GFP_DIRECT_RECLAIM)) {
		if (!(gfp & __GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;
			/* 6.12 stable: only __GFP_HIGH requests (GFP_ATOMIC). */
			if (order > 0 && (alloc_flags & ALLOC_MIN_RESERVE))
				alloc_flags |= ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~ALLOC_CPUSET;
	}
	return alloc_flags;
}


/*
 * The slow path: minimum watermark, then (for callers that may block)
 * rounds of "reclaim" — draining the per-CPU lists and asking the
 * registered shrinkers for memory — retried by Linux's rules; the
 * highatomic reserve is given back before giving up.  kmm has no kswapd,
 * no compaction and no OOM killer: there are no processes to kill.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp, unsigned int order,
					   struct alloc_context *ac)
{
	struct kmm_machine *m = M();
	bool can_direct_reclaim = gfp & __GFP_DIRECT_RECLAIM;
	bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
	unsigned int alloc_flags = gfp_to_alloc_flags(gfp, order);
	int no_progress_loops = 0;
	bool drained = false;
	struct page *page;

	if (unlikely(gfp & __GFP_NOFAIL)) {
		/* Beyond order 1, or unable to reclaim: unsupported, says 6.12. */
		WARN_ON_ONCE(order > 1);
		WARN_ON_ONCE(!can_direct_reclaim);
	}
	ac->preferred_zoneref = next_zones_zonelist(ac->zonelist->_zonerefs,
						    ac->highest_zoneidx,
						    ac->nodemask);
	if (!ac->preferred_zoneref->zone)
		goto nopage;
retry:
	page = get_page_from_freelist(gfp, order, alloc_flags, ac);
	if (page)
		return page;
	/*
	 * __gfp_pfmemalloc_flags: __GFP_MEMALLOC (without __GFP_NOMEMALLOC)
	 * ignores the watermarks and the nodemask, blocking or not.  kmm has
	 * no PF_MEMALLOC tasks and no OOM victims, the other ways in.
	 */
	if ((gfp & (__GFP_MEMALLOC | __GFP_NOMEMALLOC)) == __GFP_MEMALLOC) {
		alloc_flags = ALLOC_NO_WATERMARKS | (alloc_flags & ALLOC_KSWAPD);
		ac->nodemask = NULL;
		ac->preferred_zoneref =
			next_zones_zonelist(ac->zonelist->_zonerefs,
					    ac->highest_zoneidx, NULL);
		page = get_page_from_freelist(gfp, order, alloc_flags, ac);
		if (page)
			return page;
	}
	if (!can_direct_reclaim)
		goto nopage;
	count_vm_events(ALLOCSTALL_DMA + ac->highest_zoneidx, 1);
	/* Direct "reclaim": what the caches can give back. */
	{
		unsigned long freed = shrink_slab(gfp, ac->preferred_nid, 0);

		page = get_page_from_freelist(gfp, order, alloc_flags, ac);
		if (!page && !drained) {
			unreserve_highatomic_pageblock(ac, false);
			drain_all_pages(NULL);
			drained = true;
			page = get_page_from_freelist(gfp, order, alloc_flags,
						      ac);
		}
		if (page)
			return page;
		if (freed)
			no_progress_loops = 0;
		else
			no_progress_loops++;
	}
	if (gfp & __GFP_NORETRY)
		goto nopage;
	if (costly && !(gfp & __GFP_RETRY_MAYFAIL))
		goto nopage;
	if (no_progress_loops <= MAX_RECLAIM_RETRIES) {
		kmm_plat_cpu_relax();
		goto retry;
	}
	/* Before failing, the highatomic reserve goes back to everyone. */
	if (unreserve_highatomic_pageblock(ac, true)) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	if (gfp & __GFP_NOFAIL) {
		/*
		 * A __GFP_NOFAIL request that cannot reclaim is not honoured
		 * (6.12: it fails, with the report).  Otherwise Linux never
		 * fails it: it tries once more with some of the reserves
		 * (__alloc_pages_cpuset_fallback with ALLOC_MIN_RESERVE, not
		 * ALLOC_NO_WATERMARKS) and retries; kmm yields between rounds,
		 * and a shrinker or another thread freeing memory ends it.
		 */
		if (!can_direct_reclaim)
			goto fail;
		page = get_page_from_freelist(gfp, order, ALLOC_MIN_RESERVE,
					      ac);
		if (page)
			return page;
		kmm_plat_cpu_relax();
		no_progress_loops = 0;
		goto retry;
	}
fail:
	if (!(gfp & __GFP_NOWARN))
		warn_alloc(gfp, ac->nodemask, "page allocation failure: order:%u",
			   order);
	(void)m;
	return NULL;
}

int kmm_zone_verify(struct kmm_machine *m, struct zone *zone, char *err,
		    size_t len);

/*
 * prepare_alloc_pages: the zonelist of the preferred node (the local one
 * for an invalid id; its own zones only for __GFP_THISNODE), the highest
 * zone the mask allows, the migrate type, and the first usable zone.
 * False if no zone in the list is usable.
 */
static bool prepare_alloc_pages(struct kmm_machine *m, gfp_t gfp,
				int preferred_nid, const nodemask_t *nodemask,
				struct alloc_context *ac)
{
	if (preferred_nid < 0 || preferred_nid >= KMM_MAX_NODES ||
	    !m->node_data[preferred_nid]) {
		preferred_nid = m->cpu_to_node[kmm_cpu_of(m)];
		if (preferred_nid < 0)
			preferred_nid = 0;
	}
	ac->preferred_nid = preferred_nid;
	ac->highest_zoneidx = gfp_zone(gfp);
	ac->zonelist = &m->node_data[preferred_nid]->node_zonelists[
		(gfp & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK];
	ac->nodemask = nodemask;
	ac->migratetype = gfp_migratetype_checked(m, gfp);
	ac->preferred_zoneref = next_zones_zonelist(ac->zonelist->_zonerefs,
						    ac->highest_zoneidx,
						    nodemask);
	return ac->preferred_zoneref->zone != NULL;
}

/* kmm_verify=1: the zone's invariants after each operation. */
static void verify_op(struct kmm_machine *m, struct page *page)
{
	char err[256];

	if (page && kmm_zone_verify(m, zone_of_page(m, page), err, sizeof(err)))
		WARN(1, "kmm_verify: %s\n", err);
}

/*
 * rmqueue_pcplist's part under the pageset lock, for the fast path: the
 * first page of @list (NULL if it is empty), counted; @zone is the
 * preferred one.
 */
static inline __attribute__((always_inline)) struct page *
pcp_take_fast(struct zone *zone, struct per_cpu_pages *pcp,
	      struct list_head *list, unsigned int order, int local)
{
	struct page *page;

	if (unlikely(list_empty(list)))
		return NULL;
	pcp->free_count >>= 1;
	page = list_first_entry(list, struct page, lru);
	list_del(&page->lru);
	pcp->count -= 1 << order;
	pcp_stat_add(&pcp->pgalloc, 1L << order);
	pcp_zone_statistics(pcp, zone, zone, local);
	return page;
}

/*
 * The per-CPU fast path: an order-0..3 request without a nodemask whose
 * preferred zone is above its low watermark and whose list on this CPU is
 * not empty.  It does what get_page_from_freelist and rmqueue_pcplist do
 * in that case, in the same order, with every lookup made once: the CPU,
 * its node, the first zone of the node's zonelist for the gfp zone.  It
 * calls nothing for order 0, so that it needs no stack frame; the caller
 * finishes the page (post_alloc_hook).  NULL: the general path decides
 * (a refill, another zone, deferred pages, the slow path).
 */
static inline __attribute__((always_inline)) struct page *
rmqueue_pcp_fast(struct kmm_machine *m, gfp_t gfp, unsigned int order,
		 int nid, bool owned)
{
	/*
	 * gfp_zone() as a byte table: one load instead of a shift.  Indexed
	 * by the zone bits and __GFP_RECLAIMABLE, so that a mask with both
	 * mobility bits (invalid) reads MAX_NR_ZONES, whose zone_first entry
	 * is NULL: the general path warns about it.
	 */
#define GZ(b)	((GFP_ZONE_TABLE >> ((b) * GFP_ZONES_SHIFT)) & \
		 ((1UL << GFP_ZONES_SHIFT) - 1))
#define GR(b)	(((b) & ___GFP_MOVABLE) ? MAX_NR_ZONES : GZ(b))
	static const u8 gfp_zone_tab[(GFP_ZONEMASK | ___GFP_RECLAIMABLE) + 1] = {
		GZ(0), GZ(1), GZ(2), GZ(3), GZ(4), GZ(5), GZ(6), GZ(7),
		GZ(8), GZ(9), GZ(10), GZ(11), GZ(12), GZ(13), GZ(14), GZ(15),
		GR(0), GR(1), GR(2), GR(3), GR(4), GR(5), GR(6), GR(7),
		GR(8), GR(9), GR(10), GR(11), GR(12), GR(13), GR(14), GR(15),
	};
#undef GR
#undef GZ
	int cpu = kmm_cpu_id, local, hz, how;
	struct per_cpu_pages *pcp;
	struct list_head *list;
	unsigned long mark;
	pg_data_t *pgdat;
	struct zone *zone;
	struct page *page;

	/*
	 * kmm_cpu_of() without its call: a new thread goes the long way, as
	 * does __GFP_THISNODE (the other zonelist).  @owned (a constant in
	 * each copy): the caller found kmm_owns_cpu_of(m), which implies
	 * kmm_runs_on(m) and lets the section skip the owner word.
	 */
	if (unlikely((!owned && !kmm_runs_on(m)) || (gfp & __GFP_THISNODE)))
		return NULL;
	pgdat = m->cpu_pgdat[cpu];
	local = pgdat->node_id;
	if (nid >= 0 && nid != local) {
		if (unlikely(nid >= KMM_MAX_NODES || !m->node_data[nid]))
			nid = local;
		else
			pgdat = m->node_data[nid];
	}
	_Static_assert(GFP_ZONEMASK + 1 == ___GFP_RECLAIMABLE, "the table");
	hz = gfp_zone_tab[gfp & (GFP_ZONEMASK | ___GFP_RECLAIMABLE)];
	zone = pgdat->zone_first[ZONELIST_FALLBACK][hz];
	/*
	 * Deferred pages need no test here: as in Linux, a zone grows only
	 * when its watermark check fails, and that is the general path's.
	 */
	if (unlikely(!zone))
		return NULL;
	/*
	 * zone_watermark_fast(zone, order, mark, hz, ALLOC_WMARK_LOW) against
	 * the high watermark, or the low one once the zone is below high;
	 * a miss leaves the rest (setting ZONE_BELOW_HIGH) to the general
	 * path.  The counters are exact (never below zero), so they are read
	 * without zone_page_state()'s clamp.
	 */
	mark = (zone_flag(zone, ZONE_BELOW_HIGH) ? zone->_watermark[WMARK_LOW] :
		zone->_watermark[WMARK_HIGH]) + zone->watermark_boost;
	if (order) {
		if (!__zone_watermark_ok(zone, order, mark, hz, ALLOC_WMARK_LOW,
					 (long)zstate(zone, NR_FREE_PAGES)))
			return NULL;
	} else if (zstate_raw(zone, NR_FREE_PAGES) -
		   (long)zone->nr_reserved_highatomic -
		   zstate_raw(zone, NR_FREE_CMA_PAGES) <=
		   (long)mark + zone->lowmem_reserve[hz]) {
		return NULL;
	}
	/*
	 * Grouping by mobility is on: a machine without it is not here.  The
	 * list's offset straight from the gfp bits: with two-pointer list
	 * heads, the migrate type times 16 is the mask shifted left once.
	 */
	pcp = &zone->per_cpu_pageset[cpu];
	_Static_assert(sizeof(struct list_head) == 2UL << GFP_MOVABLE_SHIFT,
		       "the shift below");
	list = (struct list_head *)((char *)&pcp->lists[MIGRATE_PCPTYPES * order] +
				    ((gfp & GFP_MOVABLE_MASK) << 1));
	/* The section twice, so that each knows how it unlocks. */
	how = pcp_trylock_as(m, cpu, pcp, owned);
	if (likely(how > 0)) {
		page = pcp_take_fast(zone, pcp, list, order, local);
		pcp_unlock(pcp, 1);
		return page;
	}
	if (unlikely(how < 0))
		return NULL;
	page = pcp_take_fast(zone, pcp, list, order, local);
	pcp_unlock(pcp, 0);
	return page;
}

/* Everything the fast path leaves: the zonelist walk, then the slow path. */
static __attribute__((noinline)) struct page *
alloc_pages_general(struct kmm_machine *m, gfp_t gfp, unsigned int order,
		    int preferred_nid, const nodemask_t *nodemask)
{
	struct alloc_context ac;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	struct page *page;

	if (!m || !m->buddy_up)
		return NULL;
	if (order > MAX_PAGE_ORDER) {
		WARN_ON_ONCE(!(gfp & __GFP_NOWARN));
		return NULL;
	}
	if (!prepare_alloc_pages(m, gfp, preferred_nid, nodemask, &ac))
		goto slow;
	alloc_flags |= alloc_flags_nofragment(ac.preferred_zoneref->zone, gfp);
	page = get_page_from_freelist(gfp, order, alloc_flags, &ac);
	if (page)
		goto out;
slow:
	page = __alloc_pages_slowpath(gfp, order, &ac);
out:
	if (unlikely(m->verify_ops))
		verify_op(m, page);
	return page;
}

/*
 * The fast path is taken when the buddy and the per-CPU pagesets are up,
 * no page debugging is on (poisoning, debug_pagealloc and init_on_free
 * want the general path) and kmm_verify is off.
 */
static inline bool pa_fast_ok(const struct kmm_machine *m)
{
	return !m->page_slow_opts;
}

/*
 * post_alloc_hook for a page of the fast path that needs more than its
 * count: check_new_pages (of the check_pages options only init_on_alloc
 * can be on here), zeroing, the compound page.
 */
static __attribute__((noinline)) struct page *
alloc_fast_finish(struct kmm_machine *m, struct page *page, gfp_t gfp,
		  unsigned int order, int nid)
{
	if (m->init_on_alloc && check_new_pages(page, order)) {
		/* Reported and dropped, as Linux does; go the long way. */
		return alloc_pages_general(m, gfp, order, nid, NULL);
	}
	page->private = 0;
	set_page_count(page, 1);
	if ((gfp & __GFP_ZERO) || m->init_on_alloc)
		kernel_init_pages(page, 1 << order);
	if (order && (gfp & __GFP_COMP))
		prep_compound_page(page, order);
	return page;
}

/*
 * The fast path for orders 1..3 (it calls __zone_watermark_ok), and for
 * order 0 when the thread does not own its CPU.
 */
static __attribute__((noinline)) struct page *
alloc_pages_fast_order(struct kmm_machine *m, gfp_t gfp, unsigned int order,
		       int nid)
{
	struct page *page = kmm_owns_cpu_of(m) ?
			    rmqueue_pcp_fast(m, gfp, order, nid, true) :
			    rmqueue_pcp_fast(m, gfp, order, nid, false);

	if (!page)
		return alloc_pages_general(m, gfp, order, nid, NULL);
	if (m->init_on_alloc || (gfp & (__GFP_ZERO | __GFP_COMP)))
		return alloc_fast_finish(m, page, gfp, order, nid);
	page->private = 0;
	set_page_count(page, 1);
	return page;
}

/* __alloc_pages past its order-0 fast path. */
static __attribute__((noinline)) struct page *
alloc_pages_other(gfp_t gfp, unsigned int order, int preferred_nid,
		  const nodemask_t *nodemask)
{
	struct kmm_machine *m = M();

	gfp &= __GFP_BITS_MASK;
	if (m && order <= PAGE_ALLOC_COSTLY_ORDER && !nodemask &&
	    pa_fast_ok(m))
		return alloc_pages_fast_order(m, gfp, order, preferred_nid);
	return alloc_pages_general(m, gfp, order, preferred_nid, nodemask);
}

/*
 * __alloc_pages, inlined into each entry point so that alloc_pages()'s
 * constant node and nodemask fold away.
 */
static inline __attribute__((always_inline)) struct page *
alloc_pages_entry(gfp_t gfp, unsigned int order, int preferred_nid,
		  const nodemask_t *nodemask)
{
	struct kmm_machine *m = M();
	struct page *page;

	if (likely(m && !nodemask && !(order | m->page_slow_opts) &&
		   kmm_owns_cpu_of(m))) {
		page = rmqueue_pcp_fast(m, gfp, 0, preferred_nid, true);
		if (likely(page)) {
			if (likely(!m->init_on_alloc && !(gfp & __GFP_ZERO))) {
				page->private = 0;
				set_page_count(page, 1);
				return page;
			}
			return alloc_fast_finish(m, page, gfp & __GFP_BITS_MASK,
						 0, preferred_nid);
		}
	}
	return alloc_pages_other(gfp, order, preferred_nid, nodemask);
}

struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
			   const nodemask_t *nodemask)
{
	return alloc_pages_entry(gfp, order, preferred_nid, nodemask);
}

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	return __alloc_pages(gfp, order, nid, NULL);
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	/* An invalid node id means the local one (__alloc_pages). */
	return alloc_pages_entry(gfp, order, NUMA_NO_NODE, NULL);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp & ~__GFP_HIGHMEM, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/*
 * Freed more often than allocated.  A DEBUG_VM kernel stops here with this
 * VM_BUG_ON_PAGE; kmm reports it the same way, undoes the decrement and
 * goes on.
 */
static __attribute__((noinline)) void put_page_underflow(struct page *page)
{
	atomic_fetch_add(&page->_refcount, 1);
	bad_page(page, "VM_BUG_ON_PAGE(page_ref_count(page) == 0)");
}

static inline bool put_page_testzero(struct page *page)
{
	int old = atomic_fetch_sub(&page->_refcount, 1);

	if (old <= 0) {
		put_page_underflow(page);
		return false;
	}
	return old == 1;
}

/*
 * The per-CPU free fast path: the last reference to an order-0 page in the
 * state a free page must be in, freed with no page debugging on into a
 * pageblock of a per-CPU type: prepared and committed to this CPU's list as
 * free_unref_page would.  Anything else goes to free_unref_page().  Every
 * call is a tail call, so that __free_pages needs no stack frame.
 */
/*
 * The free fast path's section, entered @how (a constant in each caller):
 * free_pages_prepare's last resets (@flags is page->flags as loaded), the
 * commit, and the unlock, or pcp_commit_high_unlock() if high needs work.
 */
static inline __attribute__((always_inline)) void
free_commit_fast(struct zone *zone, struct per_cpu_pages *pcp,
		 struct page *page, unsigned long flags, int mt, int how)
{
	unsigned int d;

	page->private = 0;
	page->flags = flags & ~PAGEFLAGS_MASK;
	d = pcp_commit_add(zone, pcp, page, mt, 0);
	if (unlikely(d)) {
		pcp_commit_high_unlock(zone, pcp, d, how);
		return;
	}
	pcp_unlock(pcp, how);
}

static inline __attribute__((always_inline)) void
free_page_fast(struct kmm_machine *m, struct page *page,
	       const struct mem_section *ms, unsigned long pfn, bool owned)
{
	struct per_cpu_pages *pcp;
	unsigned long flags;
	struct zone *zone;
	int mt, cpu, how, old;

	old = atomic_fetch_sub(&page->_refcount, 1);
	if (unlikely(old != 1)) {
		if (old <= 0)
			put_page_underflow(page);
		return;
	}
	/*
	 * page_expected_state() (the count again: a racing get_page is
	 * reported, as Linux's free_page_is_bad would), and no compound head.
	 */
	flags = __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
	if (unlikely(page_mapcount_raw(page) != -1 ||
		     ((unsigned long)(uintptr_t)page->mapping |
		      (unsigned long)page_ref_count(page) | page->memcg_data |
		      (flags & (PAGE_FLAGS_CHECK_AT_FREE | 1UL << PG_head)))))
		goto general;
	/* get_pfnblock_migratetype, with the section already in hand. */
	mt = pb_mt_ms(ms, pfn);
	if (unlikely(mt >= MIGRATE_PCPTYPES || (!owned && !kmm_runs_on(m))))
		goto general;
	cpu = kmm_cpu_id;
	zone = zone_of_flags(m, flags);
	pcp = &zone->per_cpu_pageset[cpu];
	/* The section twice, so that each knows how it unlocks. */
	how = pcp_trylock_as(m, cpu, pcp, owned);
	if (likely(how > 0)) {
		free_commit_fast(zone, pcp, page, flags, mt, 1);
		return;
	}
	if (unlikely(how < 0))
		goto general;
	free_commit_fast(zone, pcp, page, flags, mt, 0);
	return;
general:
	free_unref_page(page, 0);
}

static __attribute__((noinline)) void
free_pages_general(struct kmm_machine *m, struct page *page, unsigned int order)
{
	int head = PageHead(page);

	if (put_page_testzero(page)) {
		free_unref_page(page, order);
	} else if (!head) {
		while (order-- > 0)
			free_unref_page(page + (1U << order), order);
	}
	if (unlikely(m->verify_ops))
		verify_op(m, page);
}

static __attribute__((noinline)) void free_pages_foreign(struct kmm_machine *m,
							 struct page *page)
{
	pr_err("BUG: Bad page state in process %s  page:%p not from this machine\n",
	       kmm_task_name(), (void *)page);
	if (m)
		atomic_fetch_add(&m->bad_pages, 1);
}

void __free_pages(struct page *page, unsigned int order)
{
	struct kmm_machine *m = kmm_cur_tls;
	const struct mem_section *ms;
	unsigned long off, pfn;

	/* M(), testing the machine once. */
	if (unlikely(!m)) {
		m = kmm_current();
		if (!m)
			goto foreign;
	}
	/*
	 * page_of_machine(), keeping the section for the pageblock bits.  A
	 * NULL page is below the window.  The offset rotated right by the
	 * size of a struct page is the pfn, and a pointer into the middle of
	 * one has low bits that rotate to the top: one compare refuses both.
	 * The physical span is a whole number of sections
	 * (kernel/machine.c), so a struct page inside the window has a
	 * section; pfn_valid() is its has_memmap (which implies present,
	 * mm/sparse.c).
	 */
	_Static_assert(sizeof(struct page) == 1 << 6, "the rotate below");
	off = (unsigned long)((uintptr_t)page - (uintptr_t)m->vmemmap_base);
	pfn = off >> 6 | off << (BITS_PER_LONG - 6);
	if (unlikely(pfn >= m->vmemmap_pages))
		goto foreign;
	ms = &m->mem_section[pfn_to_section_nr(pfn)];
	if (unlikely(!ms->has_memmap))
		goto foreign;
	if (likely(!(order | m->page_slow_opts))) {
		if (likely(kmm_owns_cpu_of(m)))
			free_page_fast(m, page, ms, pfn, true);
		else
			free_page_fast(m, page, ms, pfn, false);
		return;
	}
	free_pages_general(m, page, order);
	return;
foreign:
	free_pages_foreign(m, page);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

struct page *compound_head(const struct page *page)
{
	unsigned long h = page->compound_head;

	return (struct page *)(h & 1 ? h - 1 : (unsigned long)page);
}

unsigned int compound_order(const struct page *page)
{
	if (!PageHead(page))
		return 0;
	return (unsigned int)(page[1].flags & PAGE_FLAGS_SECOND_ORDER);
}

void get_page(struct page *page)
{
	struct page *head = compound_head(page);

	WARN_ON_ONCE(page_ref_count(head) <= 0);
	atomic_fetch_add(&head->_refcount, 1);
}

void put_page(struct page *page)
{
	struct page *head = compound_head(page);

	if (put_page_testzero(head))
		free_unref_page(head, compound_order(head));
}

void split_page(struct page *page, unsigned int order)
{
	WARN_ON_ONCE(PageHead(page));
	WARN_ON_ONCE(!page_ref_count(page));
	for (unsigned int i = 1; i < (1U << order); i++)
		set_page_count(page + i, 1);
}

static void *make_alloc_exact(unsigned long addr, unsigned int order,
			      size_t size)
{
	if (addr) {
		unsigned long nr = DIV_ROUND_UP(size, PAGE_SIZE);
		struct page *page = virt_to_page((void *)addr);
		struct page *last = page + nr;

		split_page(page, order);
		while (last < page + (1UL << order))
			__free_pages(last++, 0);
	}
	return (void *)addr;
}

void *alloc_pages_exact(size_t size, gfp_t gfp)
{
	unsigned int order = (unsigned int)ilog2(roundup_pow_of_two(
		DIV_ROUND_UP(size, PAGE_SIZE)));

	if (!size || order > MAX_PAGE_ORDER)
		return NULL;
	if (WARN_ON_ONCE(gfp & (__GFP_COMP | __GFP_HIGHMEM)))
		gfp &= ~(__GFP_COMP | __GFP_HIGHMEM);
	return make_alloc_exact(__get_free_pages(gfp, order), order, size);
}

void *alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp)
{
	unsigned int order = (unsigned int)ilog2(roundup_pow_of_two(
		DIV_ROUND_UP(size, PAGE_SIZE)));
	struct page *p;

	if (!size || order > MAX_PAGE_ORDER)
		return NULL;
	gfp &= ~(__GFP_COMP | __GFP_HIGHMEM);
	p = alloc_pages_node(nid, gfp, order);
	if (!p)
		return NULL;
	return make_alloc_exact((unsigned long)page_address(p), order, size);
}

void free_pages_exact(void *virt, size_t size)
{
	unsigned long addr = (unsigned long)virt;
	unsigned long end = addr + PAGE_ALIGN(size);

	while (addr < end) {
		free_page(addr);
		addr += PAGE_SIZE;
	}
}

/*
 * Fill the NULL slots of @page_array (or add to @page_list) with order-0
 * pages, taking them from one zone's per-CPU list under one lock round;
 * falls back to the normal allocator for the rest.  Returns the number of
 * pages now in the array (or added to the list).
 */
unsigned long __alloc_pages_bulk(gfp_t gfp, int preferred_nid,
				 const nodemask_t *nodemask, int nr_pages,
				 struct list_head *page_list,
				 struct page **page_array)
{
	struct kmm_machine *m = M();
	int nr_populated = 0, nr_account = 0;
	struct alloc_context ac;
	struct zoneref *z;
	struct zone *zone = NULL;
	struct per_cpu_pages *pcp;
	unsigned int alloc_flags = ALLOC_WMARK_LOW;
	int how;

	while (page_array && nr_populated < nr_pages && page_array[nr_populated])
		nr_populated++;
	if (nr_pages <= 0 || nr_populated == nr_pages)
		return (unsigned long)nr_populated;
	if (nr_pages - nr_populated == 1 || m->pcp_not_ready)
		goto failed;
	if (!prepare_alloc_pages(m, gfp, preferred_nid, nodemask, &ac))
		goto failed;
	alloc_flags |= alloc_flags_nofragment(ac.preferred_zoneref->zone, gfp);
	/*
	 * An allowed zone of the preferred node over its watermark by the
	 * request (the reserve of the preferred zone's index); another
	 * node's zone means one page at a time instead.
	 */
	for (z = ac.preferred_zoneref; z->zone;
	     z = next_zones_zonelist(z + 1, ac.highest_zoneidx, nodemask)) {
		struct zone *cand = z->zone;
		unsigned long mark;

		if (m->nr_online_nodes > 1 &&
		    cand != ac.preferred_zoneref->zone &&
		    cand->node != ac.preferred_zoneref->zone->node)
			goto failed;
retry_this_zone:
		mark = wmark_pages(cand, alloc_flags & ALLOC_WMARK_MASK) +
		       (unsigned long)nr_pages;
		if (zone_watermark_fast(cand, 0, mark,
					zone_idx(ac.preferred_zoneref->zone),
					alloc_flags)) {
			zone = cand;
			break;
		}
		if (zone_has_deferred(cand) && deferred_grow_zone(cand, 0))
			goto retry_this_zone;
	}
	if (!zone)
		goto failed;
	pcp = this_pcp(m, zone);
	if (!pcp || (how = pcp_trylock(m, kmm_cpu_of(m), pcp)) < 0)
		goto failed;
	while (nr_populated < nr_pages) {
		struct list_head *list = &pcp->lists[order_to_pindex(ac.migratetype, 0)];
		struct page *page;

		if (page_array && page_array[nr_populated]) {
			nr_populated++;
			continue;
		}
		if (list_empty(list)) {
			int batch = nr_pcp_alloc(pcp, zone, 0);

			pcp->count += rmqueue_bulk(zone, 0, (unsigned long)batch,
						   list, ac.migratetype,
						   alloc_flags);
			if (list_empty(list))
				break;
		}
		page = list_first_entry(list, struct page, lru);
		list_del(&page->lru);
		pcp->count--;
		if (check_new_page(page))
			continue;
		nr_account++;
		prep_new_page(m, page, 0, gfp, 0);
		if (page_list)
			list_add(&page->lru, page_list);
		else
			page_array[nr_populated] = page;
		nr_populated++;
	}
	pcp_unlock(pcp, how);
	count_vm_events(PGALLOC_DMA + zone_idx(zone), nr_account);
	zone_statistics(ac.preferred_zoneref->zone, zone, nr_account);
	if (nr_populated == nr_pages || nr_account)
		return (unsigned long)nr_populated;
failed:
	{
		struct page *page = __alloc_pages(gfp, 0, preferred_nid, nodemask);

		if (page) {
			if (page_list)
				list_add(&page->lru, page_list);
			else
				page_array[nr_populated] = page;
			nr_populated++;
		}
	}
	return (unsigned long)nr_populated;
}

unsigned long alloc_pages_bulk(gfp_t gfp, unsigned long nr_pages,
			       struct page **page_array)
{
	return __alloc_pages_bulk(gfp, numa_node_id(), NULL, (int)nr_pages,
				  NULL, page_array);
}

/*
 * decay_pcp_high: what Linux's vmstat worker does each second for every
 * pageset: let high fall back by an eighth towards high_min (at most down
 * to count - batch << PCP_BATCH_SCALE_MAX) and return what is above it.
 */
static bool decay_pcp_high(struct zone *zone, struct per_cpu_pages *pcp)
{
	bool more = false;
	int to_drain;

	kmm_pcpu_lock_remote(&pcp->lock);
	if (pcp->high > pcp->high_min) {
		pcp->high = max(max(pcp->count -
				    (pcp->batch << PCP_BATCH_SCALE_MAX),
				    pcp->high - (pcp->high >> 3)),
				pcp->high_min);
		if (pcp->high > pcp->high_min)
			more = true;
	}
	/* In batches, to bound the time each takes (as Linux). */
	for (to_drain = pcp->count - pcp->high; to_drain > 0;
	     to_drain -= min(to_drain, pcp->batch)) {
		free_pcppages_bulk(zone, min(to_drain, pcp->batch), pcp, 0);
		more = true;
	}
	kmm_pcpu_unlock_remote(&pcp->lock);
	return more;
}

/*
 * refresh_cpu_vm_stats(true) for one zone of one CPU: fold the CPU's
 * diffs (any change restarts the 3-tick countdown), decay high, then
 * count a remote zone's pageset down and drain a batch of it once it
 * reaches 0; a local zone's countdown is cleared.  The CPUs are revoked;
 * the changes count against @cpu, which would run this in Linux.
 */
static bool refresh_cpu_zone(struct kmm_machine *m, struct zone *zone,
			     int cpu)
{
	struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
	int local = m->cpu_to_node[cpu] < 0 ? 0 : m->cpu_to_node[cpu];
	bool changed, fold;

	kmm_self.stat_cpu = cpu + 1;
	fold = kmm_fold_zone_diffs(zone, cpu);
	if (fold) {
		/* fold_diff() found something to fold: there was work. */
		kmm_pcpu_lock_remote(&pcp->lock);
		pcp->expire = 3;		/* 3 seconds idle till flush */
		kmm_pcpu_unlock_remote(&pcp->lock);
	}
	changed = decay_pcp_high(zone, pcp) || fold;
	kmm_pcpu_lock_remote(&pcp->lock);
	if (!pcp->expire || !pcp->count)
		goto out;
	if (zone->node == local) {
		pcp->expire = 0;		/* local zones are never drained */
		goto out;
	}
	changed = true;
	if (--pcp->expire)
		goto out;
	/* drain_zone_pages: one batch at most. */
	free_pcppages_bulk(zone, min(pcp->count, pcp->batch), pcp, 0);
out:
	kmm_pcpu_unlock_remote(&pcp->lock);
	kmm_self.stat_cpu = 0;
	return changed;
}

/* One vmstat tick for the machine (kmm has no timers: the caller drives). */
bool kmm_vmstat_tick(struct kmm_machine *m)
{
	struct kmm_machine *prev = kmm_machine_switch(m);
	bool more = false;

	/* Linux's vmstat_update runs on each CPU; kmm revokes them instead. */
	kmm_cpu_revoke_all(m);
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &p->node_zones[z];

			if (!zone->per_cpu_pageset || !populated_zone(zone))
				continue;
			for (int cpu = 0; cpu < m->nr_cpus; cpu++)
				more |= refresh_cpu_zone(m, zone, cpu);
		}
	}
	kmm_cpu_unrevoke_all(m);
	kmm_machine_switch(prev);
	return more;
}

/* --- draining ------------------------------------------------------------- */

static void drain_zone_pages_all_cpus(struct kmm_machine *m, struct zone *zone)
{
	if (!zone->per_cpu_pageset)
		return;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		/* Linux drains on the CPU itself: its counters change. */
		kmm_self.stat_cpu = cpu + 1;
		kmm_pcpu_lock_remote(&pcp->lock);
		if (pcp->count)
			free_pcppages_bulk(zone, pcp->count, pcp, 0);
		kmm_pcpu_unlock_remote(&pcp->lock);
	}
	kmm_self.stat_cpu = 0;
}

void drain_all_pages(struct zone *zone)
{
	struct kmm_machine *m = M();

	/* Linux drains each CPU from a work item there; kmm revokes them. */
	kmm_cpu_revoke_all(m);
	if (zone) {
		drain_zone_pages_all_cpus(m, zone);
		kmm_cpu_unrevoke_all(m);
		return;
	}
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (populated_zone(&p->node_zones[z]))
				drain_zone_pages_all_cpus(m, &p->node_zones[z]);
	}
	kmm_cpu_unrevoke_all(m);
}

void drain_local_pages(struct zone *zone)
{
	struct kmm_machine *m = M();

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zn = &p->node_zones[z];
			struct per_cpu_pages *pcp;
			int how;

			if ((zone && zn != zone) || !populated_zone(zn))
				continue;
			pcp = this_pcp(m, zn);
			if (!pcp)
				continue;
			how = kmm_pcpu_lock(&m->cpu_bias[kmm_cpu_of(m)],
					    &pcp->lock);
			if (pcp->count)
				free_pcppages_bulk(zn, pcp->count, pcp, 0);
			pcp_unlock(pcp, how);
		}
	}
}

/* --- shrinkers ---------------------------------------------------------------- */

struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
{
	struct shrinker *s = kmm_plat_alloc(sizeof(*s));
	va_list ap;

	if (!s)
		return NULL;
	memset(s, 0, sizeof(*s));
	va_start(ap, fmt);
	vsnprintf_k(s->name_buf, sizeof(s->name_buf), fmt, ap);
	va_end(ap);
	s->name = s->name_buf;
	s->seeks = DEFAULT_SEEKS;
	INIT_LIST_HEAD(&s->list);
	(void)flags;
	return s;
}

void shrinker_register(struct shrinker *shrinker)
{
	struct kmm_machine *m = M();

	spin_lock(&m->shrinker_lock);
	list_add_tail(&shrinker->list, &m->shrinker_list);
	spin_unlock(&m->shrinker_lock);
}

void shrinker_free(struct shrinker *shrinker)
{
	struct kmm_machine *m = M();

	if (!shrinker)
		return;
	spin_lock(&m->shrinker_lock);
	/* Wait for the callbacks running now (shrink_slab drops the lock). */
	while (shrinker->nr_users) {
		spin_unlock(&m->shrinker_lock);
		kmm_plat_cpu_relax();
		spin_lock(&m->shrinker_lock);
	}
	if (shrinker->list.next && !list_empty(&shrinker->list))
		list_del(&shrinker->list);
	spin_unlock(&m->shrinker_lock);
	kmm_plat_free(shrinker);
}

/*
 * Ask each shrinker for what it can free: count_objects, then scan in
 * batches (128 by default, as Linux's SHRINK_BATCH) until the target is
 * scanned or it answers SHRINK_STOP.  The list lock is dropped around the
 * callbacks, which may allocate or free pages.
 */
unsigned long shrink_slab(gfp_t gfp, int nid, int priority)
{
	struct kmm_machine *m = M();
	unsigned long freed = 0;
	struct list_head *pos;

	spin_lock(&m->shrinker_lock);
	for (pos = m->shrinker_list.next; pos != &m->shrinker_list;
	     pos = pos->next) {
		struct shrinker *s = list_entry(pos, struct shrinker, list);
		struct shrink_control sc = { gfp, nid, 0, 0 };
		unsigned long count, batch;

		/* s stays on the list while we use it (shrinker_free waits). */
		s->nr_users++;
		spin_unlock(&m->shrinker_lock);
		count = s->count_objects ? s->count_objects(s, &sc) : 0;
		batch = s->batch > 0 ? (unsigned long)s->batch : 128;
		if (count && count != SHRINK_EMPTY) {
			unsigned long left = priority > 0 ? count >> priority :
							    count;

			if (!left)
				left = count;
			while (left) {
				unsigned long r;

				sc.nr_to_scan = min(batch, left);
				sc.nr_scanned = sc.nr_to_scan;
				r = s->scan_objects(s, &sc);
				if (r == SHRINK_STOP)
					break;
				freed += r;
				count_vm_events(SLABS_SCANNED,
						(long)sc.nr_scanned);
				left -= min(left, sc.nr_scanned);
			}
		}
		spin_lock(&m->shrinker_lock);
		s->nr_users--;
	}
	spin_unlock(&m->shrinker_lock);
	return freed;
}

/* --- setup: per-CPU pagesets, watermarks, reserves ---------------------- */

#define BOOT_PAGESET_HIGH			0
#define BOOT_PAGESET_BATCH			1
#define MIN_PERCPU_PAGELIST_HIGH_FRACTION	8
#define SWAP_CLUSTER_MAX			32UL

#define for_each_zone_m(m, zone)					\
	for (int __n = 0; __n < KMM_MAX_NODES; __n++)			\
		for (int __z = 0; __z < MAX_NR_ZONES; __z++)		\
			if (!(m)->node_data[__n] ||				\
			    !((zone) = &(m)->node_data[__n]->node_zones[__z])) \
				;					\
			else

static int cpus_on_node(struct kmm_machine *m, int nid)
{
	int n = 0;

	for (int c = 0; c < m->nr_online_cpus; c++)
		n += m->cpu_to_node[c] == nid;
	return n;
}

static int zone_highsize(struct kmm_machine *m, struct zone *zone, int batch,
			 int cpu_online, int high_fraction)
{
	unsigned long total;
	int nr_split, high;

	if (!high_fraction)
		total = low_wmark_pages(zone);
	else
		total = zone_managed_pages(zone) / (unsigned long)high_fraction;
	nr_split = cpus_on_node(m, zone->node) + cpu_online;
	if (!nr_split)
		nr_split = m->nr_online_cpus;
	high = (int)(total / (unsigned long)nr_split);
	return max(high, batch << 2);
}

/* zone_pcp_update: batch and the [high_min, high_max] range of every CPU. */
static void zone_set_pageset_high_and_batch(struct kmm_machine *m,
					    struct zone *zone, int cpu_online)
{
	int batch = max(1, zone_batchsize(zone));
	int high_min, high_max;

	if (m->percpu_pagelist_high_fraction) {
		high_min = zone_highsize(m, zone, batch, cpu_online,
					 m->percpu_pagelist_high_fraction);
		high_max = high_min;
	} else {
		high_min = zone_highsize(m, zone, batch, cpu_online, 0);
		high_max = zone_highsize(m, zone, batch, cpu_online,
					 MIN_PERCPU_PAGELIST_HIGH_FRACTION);
	}
	if (zone->pageset_high_min == high_min &&
	    zone->pageset_high_max == high_max && zone->pageset_batch == batch)
		return;
	zone->pageset_high_min = high_min;
	zone->pageset_high_max = high_max;
	zone->pageset_batch = batch;
	if (!zone->per_cpu_pageset)
		return;
	kmm_cpu_revoke_all(m);
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		kmm_pcpu_lock_remote(&pcp->lock);
		pcp->high_min = high_min;
		pcp->high_max = high_max;
		pcp->batch = batch;
		kmm_pcpu_unlock_remote(&pcp->lock);
	}
	kmm_cpu_unrevoke_all(m);
}

/*
 * cacheinfo's update_per_cpu_data_slice_size_cpu and setup_pcp_cacheinfo
 * for @cpu: the CPU's slice of the last-level cache decides, against each
 * pageset's batch at that time, whether high-order frees keep a batch.
 */
void setup_pcp_cacheinfo(int cpu);
void setup_pcp_cacheinfo(int cpu)
{
	struct kmm_machine *m = M();
	/* shared_cpu_map holds online CPUs only: no more sharers than those. */
	int sharers = m->desc.llc_cpus > 0 && m->desc.llc_cpus < m->nr_cpus ?
		      m->desc.llc_cpus : m->nr_cpus;
	u64 slice = m->desc.llc_size / (u64)sharers;
	struct zone *zone;

	kmm_cpu_revoke(m, cpu);
	for_each_zone_m(m, zone) {
		struct per_cpu_pages *pcp;

		if (!populated_zone(zone) || !zone->per_cpu_pageset)
			continue;
		pcp = &zone->per_cpu_pageset[cpu];
		kmm_pcpu_lock_remote(&pcp->lock);
		if ((slice >> PAGE_SHIFT) > 3 * (u64)pcp->batch)
			pcp->flags |= PCPF_FREE_HIGH_BATCH;
		else
			pcp->flags &= ~PCPF_FREE_HIGH_BATCH;
		kmm_pcpu_unlock_remote(&pcp->lock);
	}
	kmm_cpu_unrevoke(m, cpu);
}

/* setup_per_cpu_pageset: real pagesets replace the boot ones. */
void setup_per_cpu_pageset(void);
void setup_per_cpu_pageset(void)
{
	struct kmm_machine *m = M();
	struct zone *zone;

	for_each_zone_m(m, zone) {
		if (!zone->per_cpu_pageset) {
			/* Cache-line aligned: no false sharing between CPUs. */
			zone->per_cpu_pageset = kmm_plat_alloc_aligned(
				sizeof(struct per_cpu_pages) * (size_t)m->nr_cpus,
				64);
			if (!zone->per_cpu_pageset)
				panic("Failed to allocate per-cpu pagesets");
		}
		if (!zone->per_cpu_zonestats) {
			zone->per_cpu_zonestats = kmm_plat_alloc(
				sizeof(struct per_cpu_zonestat) *
				(size_t)m->nr_cpus);
			if (!zone->per_cpu_zonestats)
				panic("Failed to allocate per-cpu zonestats");
		}
		for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
			struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

			kmm_pcpu_lock_init(&pcp->lock);
			for (int i = 0; i < NR_PCP_LISTS; i++)
				INIT_LIST_HEAD(&pcp->lists[i]);
			pcp->high = BOOT_PAGESET_HIGH;
			pcp->batch = BOOT_PAGESET_BATCH;
			pcp->free_count = 0;
		}
		zone->pageset_high_min = zone->pageset_high_max = -1;
		zone->pageset_batch = -1;
		if (populated_zone(zone))
			zone_set_pageset_high_and_batch(m, zone, 0);
	}
	m->pcp_not_ready = false;
}

static unsigned long nr_free_buffer_pages(void)
{
	return nr_free_zone_pages(ZONE_NORMAL);
}

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, b = 1UL << 62;

	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= r + b) {
			x -= r + b;
			r = (r >> 1) + b;
		} else {
			r >>= 1;
		}
		b >>= 2;
	}
	return r;
}

static void calculate_min_free_kbytes(struct kmm_machine *m)
{
	unsigned long lowmem_kbytes = nr_free_buffer_pages() * (PAGE_SIZE >> 10);
	int new_min = (int)int_sqrt(lowmem_kbytes * 16);

	if (new_min > m->user_min_free_kbytes)
		m->min_free_kbytes = clamp(new_min, 128, 262144);
	else
		pr_warn("min_free_kbytes is not updated to %d because user defined value %d is preferred\n",
			new_min, m->user_min_free_kbytes);
}

static void calculate_totalreserve_pages(struct kmm_machine *m)
{
	unsigned long reserve = 0;

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p || !node_online(nid))
			continue;
		p->totalreserve_pages = 0;
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			struct zone *zone = &p->node_zones[i];
			long mx = 0;

			for (int j = i; j < MAX_NR_ZONES; j++)
				if (zone->lowmem_reserve[j] > mx)
					mx = zone->lowmem_reserve[j];
			mx += (long)high_wmark_pages(zone);
			if (mx > (long)zone_managed_pages(zone))
				mx = (long)zone_managed_pages(zone);
			p->totalreserve_pages += (unsigned long)mx;
			reserve += (unsigned long)mx;
		}
	}
	m->totalreserve_pages = reserve;
}

static void setup_per_zone_lowmem_reserve(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p || !node_online(nid))
			continue;
		for (int i = 0; i < MAX_NR_ZONES - 1; i++) {
			struct zone *zone = &p->node_zones[i];
			int ratio = m->lowmem_reserve_ratio[i];
			bool clear = !ratio || !zone_managed_pages(zone);
			unsigned long managed = 0;

			for (int j = i + 1; j < MAX_NR_ZONES; j++) {
				managed += zone_managed_pages(&p->node_zones[j]);
				zone->lowmem_reserve[j] = clear ? 0 :
					(long)(managed / (unsigned long)ratio);
			}
		}
	}
	calculate_totalreserve_pages(m);
}

static void __setup_per_zone_wmarks(struct kmm_machine *m)
{
	unsigned long pages_min = (unsigned long)m->min_free_kbytes >>
				  (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = 0;
	struct zone *zone;

	for_each_zone_m(m, zone)
		if (zone_idx(zone) != ZONE_MOVABLE)
			lowmem_pages += zone_managed_pages(zone);
	for_each_zone_m(m, zone) {
		u64 tmp = lowmem_pages ? (u64)pages_min *
			  zone_managed_pages(zone) / lowmem_pages : 0;
		u64 scale;

		spin_lock(&zone->lock);
		if (zone_idx(zone) == ZONE_MOVABLE) {
			unsigned long mp = zone_managed_pages(zone) / 1024;

			zone->_watermark[WMARK_MIN] = clamp(mp, SWAP_CLUSTER_MAX,
							    128UL);
		} else {
			zone->_watermark[WMARK_MIN] = (unsigned long)tmp;
		}
		scale = (u64)zone_managed_pages(zone) *
			(u64)m->watermark_scale_factor / 10000;
		tmp = max(tmp >> 2, scale);
		zone->watermark_boost = 0;
		zone->_watermark[WMARK_LOW] = min_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_HIGH] = low_wmark_pages(zone) + tmp;
		zone->_watermark[WMARK_PROMO] = high_wmark_pages(zone) + tmp;
		spin_unlock(&zone->lock);
	}
	calculate_totalreserve_pages(m);
}

static void setup_per_zone_wmarks(struct kmm_machine *m)
{
	struct zone *zone;

	__setup_per_zone_wmarks(m);
	for_each_zone_m(m, zone)
		if (populated_zone(zone))
			zone_set_pageset_high_and_batch(m, zone, 0);
}

/* calculate_normal_threshold (mm/vmstat.c): the per-CPU counter slack. */
static void refresh_zone_stat_thresholds(struct kmm_machine *m)
{
	struct zone *zone;

	for_each_zone_m(m, zone) {
		int mem = (int)(zone_managed_pages(zone) >> (27 - PAGE_SHIFT));
		int t = 2 * fls((unsigned int)m->nr_online_cpus) *
			(1 + fls((unsigned int)mem));

		zone->stat_threshold = populated_zone(zone) ? min(t, 125) : 0;
	}
}

/* init_per_zone_wmark_min: the postcore initcall. */
void init_per_zone_wmark_min(void);
void init_per_zone_wmark_min(void)
{
	struct kmm_machine *m = M();

	calculate_min_free_kbytes(m);
	setup_per_zone_wmarks(m);
	refresh_zone_stat_thresholds(m);
	setup_per_zone_lowmem_reserve(m);
}

/*
 * The vm sysctls kmm models.  Values are checked as Linux's handlers
 * check them; 0 or -EINVAL (with nothing changed) / -ENOENT.
 */
int kmm_sysctl(struct kmm_machine *m, const char *name, long value)
{
	struct kmm_machine *prev = kmm_machine_switch(m);
	int ret = 0;

	/*
	 * Linux serialises these writes (pcp_batch_high_lock for the pageset
	 * fraction, the handlers' recalculations); kmm takes one lock for all
	 * but vm.nr_hugepages, whose resize allocates or frees many pages
	 * (hugetlb's resize_lock).
	 */
	if (!kmm_strcmp(name, "vm.nr_hugepages")) {
		if (value < 0) {
			ret = -EINVAL;
		} else {
			spin_lock(&m->hugetlb_resize_lock);
			ret = hugetlb_set_nr_hugepages(m, (unsigned long)value);
			spin_unlock(&m->hugetlb_resize_lock);
		}
		kmm_machine_switch(prev);
		return ret;
	}
	spin_lock(&m->sysctl_lock);
	if (!kmm_strcmp(name, "vm.min_free_kbytes")) {
		if (value < 0 || value > INT_MAX) {
			ret = -EINVAL;
		} else {
			m->min_free_kbytes = (int)value;
			m->user_min_free_kbytes = (int)value;
			setup_per_zone_wmarks(m);
		}
	} else if (!kmm_strcmp(name, "vm.watermark_scale_factor")) {
		if (value < 1 || value > 3000) {
			ret = -EINVAL;
		} else {
			m->watermark_scale_factor = (int)value;
			setup_per_zone_wmarks(m);
		}
	} else if (!kmm_strcmp(name, "vm.watermark_boost_factor")) {
		if (value < 0 || value > INT_MAX)
			ret = -EINVAL;
		else
			m->watermark_boost_factor = (int)value;
	} else if (!kmm_strcmp(name, "vm.percpu_pagelist_high_fraction")) {
		if (value != 0 && (value < MIN_PERCPU_PAGELIST_HIGH_FRACTION ||
				   value > INT_MAX)) {
			ret = -EINVAL;
		} else {
			struct zone *zone;

			m->percpu_pagelist_high_fraction = (int)value;
			for_each_zone_m(m, zone)
				if (populated_zone(zone))
					zone_set_pageset_high_and_batch(m, zone, 0);
		}
	} else if (!kmm_strncmp(name, "vm.lowmem_reserve_ratio.", 24)) {
		int idx = name[24] - '0';

		if (name[24] < '0' || name[24] > '9' || name[25] ||
		    idx >= MAX_NR_ZONES || value < 0 || value > INT_MAX) {
			ret = -EINVAL;
		} else {
			m->lowmem_reserve_ratio[idx] = (int)value;
			setup_per_zone_lowmem_reserve(m);
		}
	} else {
		ret = -ENOENT;
	}
	spin_unlock(&m->sysctl_lock);
	kmm_machine_switch(prev);
	return ret;
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

/*
 * free_reserved_page: a page the early allocator kept (PG_reserved) goes
 * to the page allocator like any freed page, and counts as managed from
 * then on (adjust_managed_page_count).
 */
static void free_reserved_page(struct kmm_machine *m, struct page *page)
{
	struct zone *zone = zone_of_page(m, page);

	__ClearPageReserved(page);
	init_page_count(page);
	__free_pages(page, 0);
	atomic_fetch_add(&zone->managed_pages, 1L);
	atomic_fetch_add(&m->totalram, 1L);
}

/*
 * free_reserved_area: the whole pages of [@start, @end) (direct-map
 * addresses), filled with @poison when it is a byte value, go back to the
 * page allocator; "Freeing @s memory: NK" names them.  Boot only (the
 * initrd, by populate_rootfs).  A page that deferred_init=lazy has not
 * initialised yet is left to that node's deferred init, which frees it
 * when it gets there: the range leaves memblock.reserved instead.
 */
unsigned long free_reserved_area(void *start, void *end, int poison,
				 const char *s);
unsigned long free_reserved_area(void *start, void *end, int poison,
				 const char *s)
{
	struct kmm_machine *m = M();
	phys_addr_t pa = PAGE_ALIGN(__pa(start));
	phys_addr_t pe = __pa(end) & ~(phys_addr_t)(PAGE_SIZE - 1);
	phys_addr_t later = 0, later_end = 0;
	unsigned long pages = 0;

	for (; pa < pe; pa += PAGE_SIZE, pages++) {
		unsigned long pfn = PFN_DOWN(pa);

		if ((unsigned int)poison <= 0xff)
			memset(__va(pa), poison, PAGE_SIZE);
		if (!early_page_initialised(pfn, early_pfn_to_nid(pfn))) {
			if (later_end != pa) {
				if (later_end)
					memblock_phys_free(later,
							   later_end - later);
				later = pa;
			}
			later_end = pa + PAGE_SIZE;
			/*
			 * adjust_managed_page_count's totalram now (as
			 * memblock_free_all counted deferred pages); the
			 * zone's managed count when deferred init frees it.
			 */
			atomic_fetch_add(&m->totalram, 1L);
			atomic_fetch_add(&m->deferred_pages_left, 1L);
			NODE_DATA(early_pfn_to_nid(pfn))->deferred_pending++;
			continue;
		}
		free_reserved_page(m, pfn_to_page(pfn));
	}
	if (later_end)
		memblock_phys_free(later, later_end - later);
	/* Up to 4.9 the line also gave the range's (kernel) addresses. */
	if (pages && s && m->kver < KMM_KVER(4, 10))
		pr_info("Freeing %s memory: %luK (%016lx - %016lx)\n", s,
			pages << (PAGE_SHIFT - 10),
			kmm_kernel_addr(__va(PAGE_ALIGN(__pa(start)))),
			kmm_kernel_addr(__va(pe)));
	else if (pages && s)
		pr_info("Freeing %s memory: %luK\n", s,
			pages << (PAGE_SHIFT - 10));
	return pages;
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
