/* SPDX-License-Identifier: MIT */
/*
 * kmm/mmzone.h - nodes (pg_data_t), zones, zonelists, free areas, sections.
 *
 * One pg_data_t per NUMA node holds that node's zones in enum zone_type
 * order (DMA, DMA32, Normal, Movable, Device on x86_64).  A zone covers
 * [zone_start_pfn, zone_start_pfn + spanned_pages) of its node; holes in
 * that span are counted by spanned - present.  managed_pages is what the
 * page allocator owns.  Each node has two zonelists: FALLBACK (every node's
 * zones in distance order) and NOFALLBACK (its own, for __GFP_THISNODE).
 *
 * Physical memory is described SPARSEMEM-style: sections of 128 MiB, each
 * present or not; a present section has its slice of the memmap (struct
 * pages at vmemmap + pfn) and its pageblock migratetype bits.
 */
#ifndef KMM_MMZONE_H
#define KMM_MMZONE_H

#include <stdatomic.h>
#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/spinlock.h>
#include <kmm/pcpu_lock.h>
#include <kmm/page_flags.h>
#include <kmm/vmstat.h>

#define MAX_PAGE_ORDER		10
#define NR_PAGE_ORDERS		(MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES	(1UL << MAX_PAGE_ORDER)
#define pageblock_order		9
#define pageblock_nr_pages	(1UL << pageblock_order)
#define PAGE_ALLOC_COSTLY_ORDER	3

/* SPARSEMEM, x86_64: 128 MiB sections, 46-bit physical addresses (4-level). */
#define SECTION_SIZE_BITS	27
#define PFN_SECTION_SHIFT	(SECTION_SIZE_BITS - PAGE_SHIFT)
#define PAGES_PER_SECTION	(1UL << PFN_SECTION_SHIFT)
#define SUBSECTION_SHIFT	21
#define PFN_SUBSECTION_SHIFT	(SUBSECTION_SHIFT - PAGE_SHIFT)
#define PAGES_PER_SUBSECTION	(1UL << PFN_SUBSECTION_SHIFT)
_Static_assert(PAGES_PER_SECTION / PAGES_PER_SUBSECTION <= 64,
	       "a section's subsection map is one u64");
#define PAGE_SECTION_MASK	(~(PAGES_PER_SECTION - 1))
#define MAX_PHYSMEM_BITS	46
#define MAX_PHYSMEM_BITS_L5	52
#define pfn_to_section_nr(pfn)	((pfn) >> PFN_SECTION_SHIFT)
#define section_nr_to_pfn(sec)	((unsigned long)(sec) << PFN_SECTION_SHIFT)

/* kmm's own bound on nodes in one machine (Linux: 1 << NODES_SHIFT). */
#define KMM_MAX_NODES		64
#define LOCAL_DISTANCE		10
#define REMOTE_DISTANCE		20
#define RECLAIM_DISTANCE	30

enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES
};
#define PB_migratetype_bits	3
#define NR_PAGEBLOCK_BITS	4

enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_MOVABLE,
	ZONE_DEVICE,
	MAX_NR_ZONES
};

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK
};

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
	atomic_uint nonempty;	/* bit mt: free_list[mt] not empty */
};

/*
 * Per-CPU page lists: one list per migrate type for each order up to
 * PAGE_ALLOC_COSTLY_ORDER, plus THP-order lists for movable and
 * unmovable/reclaimable (NR_PCP_THP = 2), as 6.12 with THP.
 */
#define NR_PCP_THP		2
#define NR_LOWORDER_PCP_LISTS	(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))
#define NR_PCP_LISTS		(NR_LOWORDER_PCP_LISTS + NR_PCP_THP)
#define PCPF_PREV_FREE_HIGH_ORDER	0x01
#define PCPF_FREE_HIGH_BATCH		0x02

struct per_cpu_pages {
	struct kmm_pcpu_lock lock;	/* lists and counters (kernel/smp.c) */
	int count;		/* pages on the lists */
	int high;		/* drain above this */
	int high_min;		/* auto-tuned between high_min ... */
	int high_max;		/* ... and high_max */
	int batch;		/* chunk moved to/from the buddy */
	u8 flags;
	u8 alloc_factor;	/* batch scaling while allocating */
	u8 expire;
	short free_count;	/* consecutive frees */
	struct list_head lists[NR_PCP_LISTS];
	/* This CPU's share of the zone's NUMA events (summed on read). */
	atomic_long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
	/* PGALLOC_<zone> and PGFREE counted under the pcp lock (summed). */
	atomic_long pgalloc, pgfree;
} __attribute__((aligned(64)));

/*
 * Add to a counter that only the pageset's section holder writes and
 * others only read (relaxed, summing): one add to memory, as Linux's
 * __this_cpu_add.  TSan builds, which check every access, use an atomic
 * load and store.
 */
static inline void pcp_stat_add(atomic_long *c, long d)
{
#if KMM_CPU_BIAS_POSSIBLE
	*(long *)c += d;
#else
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + d,
			      memory_order_relaxed);
#endif
}

struct pglist_data;

struct zone {
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	unsigned long nr_reserved_highatomic;
	long lowmem_reserve[MAX_NR_ZONES];
	int node;
	struct pglist_data *zone_pgdat;
	unsigned long zone_start_pfn;
	atomic_long managed_pages;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long present_early_pages;
	unsigned long cma_pages;
	const char *name;
	int initialized;
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];
	unsigned long flags;		/* ZONE_BOOSTED_WATERMARK, ... */
	unsigned long nr_isolate_pageblock;
	/* One per_cpu_pages per CPU of the machine (kmm host memory). */
	struct per_cpu_pages *per_cpu_pageset;
	int pageset_high_min;
	int pageset_high_max;
	int pageset_batch;
	int stat_threshold;
	/*
	 * Per CPU, what Linux's per_cpu_zonestat holds: the zone counter
	 * changes not yet folded (within +-stat_threshold).  kmm's counters
	 * are exact; the diffs only decide, as in Linux, which CPUs' remote
	 * pagesets the vmstat tick drains (pcp->expire).
	 */
	struct per_cpu_zonestat {
		s8 vm_stat_diff[NR_VM_ZONE_STAT_ITEMS];
	} *per_cpu_zonestats;
	atomic_long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	atomic_long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
};

/* zone->flags bits */
#define ZONE_BOOSTED_WATERMARK	0
#define ZONE_RECLAIM_ACTIVE	1
#define ZONE_BELOW_HIGH		2

/*
 * zone->flags is read without a lock on the fast paths and changed from
 * several (set_bit/clear_bit in Linux): relaxed atomics, and a change only
 * when the bit is not already as wanted.
 */
static inline bool zone_flag(const struct zone *z, int bit)
{
	return (__atomic_load_n(&z->flags, __ATOMIC_RELAXED) >> bit) & 1;
}

/* Any of the bits in @mask, with one load. */
static inline bool zone_flags_any(const struct zone *z, unsigned long mask)
{
	return __atomic_load_n(&z->flags, __ATOMIC_RELAXED) & mask;
}

static inline void zone_set_flag(struct zone *z, int bit)
{
	if (!zone_flag(z, bit))
		__atomic_fetch_or(&z->flags, 1UL << bit, __ATOMIC_RELAXED);
}

static inline void zone_clear_flag(struct zone *z, int bit)
{
	if (zone_flag(z, bit))
		__atomic_fetch_and(&z->flags, ~(1UL << bit), __ATOMIC_RELAXED);
}

static inline unsigned long wmark_pages(const struct zone *z, int w)
{
	return z->_watermark[w] + z->watermark_boost;
}
#define min_wmark_pages(z)	wmark_pages(z, WMARK_MIN)
#define low_wmark_pages(z)	wmark_pages(z, WMARK_LOW)
#define high_wmark_pages(z)	wmark_pages(z, WMARK_HIGH)
#define promo_wmark_pages(z)	wmark_pages(z, WMARK_PROMO)

struct zoneref {
	struct zone *zone;
	int zone_idx;
};

enum {
	ZONELIST_FALLBACK,
	ZONELIST_NOFALLBACK,
	MAX_ZONELISTS
};

/*
 * A zonelist's zoneref array has nr_node_ids * MAX_NR_ZONES + 1 entries and
 * lives right after the pg_data_t inside the node's NODE_DATA allocation;
 * the list ends with a zoneref whose zone is NULL.
 */
struct zonelist {
	struct zoneref *_zonerefs;
};

typedef struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	/* First usable zoneref of each list for each highest zone index. */
	struct zoneref *zref_first[MAX_ZONELISTS][MAX_NR_ZONES];
	/*
	 * zref_first[l][hz]->zone: the allocation fast path's zone.  The
	 * extra last entry is always NULL: the fast path's index for a gfp
	 * mask it must not take (both mobility bits set).
	 */
	struct zone *zone_first[MAX_ZONELISTS][MAX_NR_ZONES + 1];
	int nr_zones;
	unsigned long node_start_pfn;
	unsigned long node_present_pages;
	unsigned long node_spanned_pages;
	int node_id;
	unsigned long first_deferred_pfn;	/* ULONG_MAX: none deferred */
	unsigned long deferred_pending;		/* pages not yet initialised */
	unsigned long totalreserve_pages;
	int kswapd_failures;
	spinlock_t node_lock;
	atomic_long vm_stat[NR_VM_NODE_STAT_ITEMS];
} pg_data_t;

/* SPARSEMEM section descriptor (kmm keeps it in host memory, see sparse.c). */
struct mem_section {
	unsigned int present:1;
	unsigned int has_memmap:1;
	unsigned int early:1;
	int nid;
	/*
	 * One bit per 2 MiB subsection with RAM in it (5.3+'s usage->
	 * subsection_map, set by sparse_init_subsection_map).
	 */
	u64 subsection_map;
	unsigned long *pageblock_flags;	/* NR_PAGEBLOCK_BITS per pageblock */
	phys_addr_t memmap_phys;		/* backing of this memmap slice */
};

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0;
}

static inline bool managed_zone(const struct zone *z)
{
	return atomic_load_explicit(&((struct zone *)z)->managed_pages,
				    memory_order_relaxed) != 0;
}

static inline unsigned long zone_managed_pages(const struct zone *z)
{
	return (unsigned long)atomic_load_explicit(
		&((struct zone *)z)->managed_pages, memory_order_relaxed);
}

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool zone_spans_pfn(const struct zone *z, unsigned long pfn)
{
	return pfn >= z->zone_start_pfn && pfn < zone_end_pfn(z);
}

static inline bool zone_is_empty(const struct zone *z)
{
	return z->spanned_pages == 0;
}

static inline int zone_idx(const struct zone *z)
{
	return (int)(z - z->zone_pgdat->node_zones);
}

static inline unsigned long pgdat_end_pfn(const pg_data_t *p)
{
	return p->node_start_pfn + p->node_spanned_pages;
}

static inline int zonelist_zone_idx(const struct zoneref *z)
{
	return z->zone_idx;
}

extern const char *const zone_names[MAX_NR_ZONES];
extern const char *const migratetype_names[MIGRATE_TYPES];

/* Zonelist construction and the "Built N zonelists" summary (page_alloc.c). */
void build_all_zonelists(pg_data_t *pgdat);
unsigned long nr_free_zone_pages(int offset);
int find_next_best_node(int node, unsigned long *used_mask);

#endif /* KMM_MMZONE_H */
