/* SPDX-License-Identifier: MIT */
/*
 * mm/vmstat.c - memory statistics and the /proc reports, in Linux 6.12's
 * exact formats (mm/vmstat.c, fs/proc/meminfo.c, arch/x86/mm/init*.c).
 *
 * Counters.  Zone counters (enum zone_stat_item) and NUMA events live in
 * struct zone, node counters (enum node_stat_item) in pg_data_t, VM events
 * in the machine, all as exact atomics: Linux keeps per-CPU diffs and folds
 * them, and what it prints after a fold is what kmm prints at any time.
 * The per-CPU diffs are kept beside them (zone->per_cpu_zonestats, folded
 * past stat_threshold as Linux does, counted against the thread's CPU or
 * the CPU whose work it does remotely) only to tell the vmstat tick which
 * remote pagesets have gone quiet.
 * Readers clamp a transiently negative counter at 0, as Linux's SMP
 * readers do; the global sums add the raw values of every zone (node) of
 * the current machine, then clamp.  NR_SLAB_RECLAIMABLE_B and
 * NR_SLAB_UNRECLAIMABLE_B are changed in bytes (whole pages) and kept in
 * pages, as in Linux; node_page_state() therefore returns pages for them,
 * which is what every report prints.
 *
 * Reports, kmm_vmstat_report(m, name, sink):
 *
 *  zoneinfo	every zone of every online node, populated or not: per-node
 *		stats on the node's first populated zone (THP items in huge
 *		pages), free pages, boost, min/low/high (and promo from 6.11)
 *		with the boost included, spanned/present/managed/cma, the
 *		protection array (lowmem_reserve); populated zones go on with
 *		zone and NUMA counters, a pageset per CPU (count/high/batch
 *		of per_cpu_pageset[cpu] once the pagesets are up, else the boot pageset
 *		0/0/1) each followed by the zone's vm stats threshold, then
 *		node_unreclaimable (kswapd_failures >= 16) and start_pfn.
 *  buddyinfo	per populated zone "Node N, zone %8s " and nr_free per order.
 *  pagetypeinfo per node with memory: the pageblock header, free blocks
 *		per zone, migrate type and order counted on the free lists
 *		(capped at 100000 with a '>' as Linux), and the pageblocks of
 *		each type over the zone's span (pfn_to_online_page(): a valid
 *		section and, from 5.12, a 2 MiB subsection with RAM in it;
 *		the struct page belongs to the zone).  The "Number of mixed blocks" table needs
 *		PAGE_OWNER, which the modelled build lacks: not printed.
 *  meminfo	every line of an x86_64 Debian-like build, in order (below).
 *  vmstat	zone, NUMA, node, the four vm_stat_item values, and event
 *		counters with vmstat_text's names ("pgskip_dma", "numa_pages_
 *		migrated", ...), then "nr_unstable 0".  *_device events appear
 *		with ZONE_DEVICE, cma_alloc_* with CMA.
 *
 * The modelled build has CMA exactly when the machine has 6 migrate types
 * (CMA selects MEMORY_ISOLATION; 5 means isolation only): that decides the
 * CMA column of pagetypeinfo, CmaTotal/CmaFree and the cma events.
 *
 * meminfo values: MemTotal totalram; MemFree the free-page counter;
 * MemAvailable si_mem_available(); LRU, dirty, mapped, shmem, slab,
 * kernel stack, page table and THP lines from the node counters (no page
 * cache, swap, zswap or percpu allocator exist yet: 0); CommitLimit
 * totalram * 50% (overcommit_ratio, no swap, no huge pages); VmallocTotal
 * VMALLOC_END - VMALLOC_START of 4-level paging (32 TiB - 1 byte);
 * VmallocUsed the pages vmalloc handed out; VmallocChunk 0 (as 6.12);
 * HugePages 0 with Hugepagesize 2048 kB.
 *
 * DirectMap4k/2M/1G: what the kernel counted while init_mem_mapping()
 * built the direct map, replayed from the machine's memory map: the ISA
 * range [0, 1 MiB) with 4 KiB pages, then memblock's RAM top-down from the
 * top free 2 MiB (bottom-up with movable_node) in growing steps (2 MiB,
 * 512 MiB, 128 GiB, ...), each RAM piece split by split_mem_range() into
 * 4K/2M/1G ranges whose page size is raised when the whole surrounding
 * 2 MiB / 1 GiB is RAM, then walked like phys_pud_init()/phys_pmd_init():
 * a new or re-used large entry adds one, a 4K entry one per page.  Linux
 * counts an existing large entry again when a later step reaches it (the
 * top gigabyte is typically counted two or three times); kmm reproduces
 * that.  1 GiB pages are used when the machine's CPU has them (desc
 * cpu_gbpages, X86_FEATURE_GBPAGES) and nogbpages is not given
 * (direct_gbpages; DirectMap1G is printed only then); with
 * debug_pagealloc only 4 KiB pages are used.
 * Not modelled: later splits by set_memory_*() (kernel image, drivers),
 * which move a few 2M/1G entries to smaller sizes on a running system.
 *
 * Locking: counters are read without locks, as /proc does; free lists are
 * read under the zone lock.
 */
#include <kmm/machine.h>
#include <kmm/hugetlb.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/numa.h>
#include <kmm/vmstat.h>
#include <kmm/show_mem.h>
#include <kmm/vmalloc.h>

int kmm_vmstat_report(struct kmm_machine *m, const char *name,
		      const struct kmm_sink *out);

#define K(pages)		((pages) << (PAGE_SHIFT - 10))
#define HPAGE_PMD_NR		512UL
#define MAX_RECLAIM_RETRIES	16
#define PAGETYPE_COUNT_CAP	100000UL
#define VM_DIRTY_RATIO		20
#define DIRTY_BACKGROUND_RATIO	10
#define OVERCOMMIT_RATIO	50

/* --- counters ---------------------------------------------------------------- */

static long read_counter(const atomic_long *c)
{
	return atomic_load_explicit((atomic_long *)c, memory_order_relaxed);
}

static unsigned long clamp_counter(long x)
{
	return x < 0 ? 0 : (unsigned long)x;
}

static bool vmstat_item_in_bytes(enum node_stat_item item)
{
	return item == NR_SLAB_RECLAIMABLE_B || item == NR_SLAB_UNRECLAIMABLE_B;
}

static bool vmstat_item_print_in_thp(enum node_stat_item item)
{
	return item == NR_ANON_THPS || item == NR_FILE_THPS ||
	       item == NR_SHMEM_THPS || item == NR_SHMEM_PMDMAPPED ||
	       item == NR_FILE_PMDMAPPED;
}

/*
 * The CPU a zone counter change is made on: the one whose work the thread
 * does remotely (kmm_self.stat_cpu), else its own in the current machine.
 */
static int stat_cpu(struct kmm_machine *m)
{
	if (kmm_self.stat_cpu)
		return kmm_self.stat_cpu - 1;
	return m && kmm_runs_on(m) ? kmm_cpu_id : -1;
}

/*
 * Linux's per-CPU diff: a change joins it, and a diff past the threshold
 * is folded (to 0).  The counter itself was changed exactly.  Racing
 * threads that share a CPU may lose a diff update: it only steers the
 * tick's remote drain.
 */
static void note_stat_diff(struct zone *zone, enum zone_stat_item item,
			   long delta)
{
	struct kmm_machine *m = kmm_current();
	int cpu = stat_cpu(m);
	s8 *p;
	long x, t;

	if (cpu < 0 || cpu >= m->nr_cpus)
		return;
	p = &zone->per_cpu_zonestats[cpu].vm_stat_diff[item];
	x = delta + __atomic_load_n(p, __ATOMIC_RELAXED);
	t = __atomic_load_n(&zone->stat_threshold, __ATOMIC_RELAXED);
	if (x > t || x < -t)
		x = 0;
	__atomic_store_n(p, (s8)x, __ATOMIC_RELAXED);
}

void __mod_zone_page_state(struct zone *zone, enum zone_stat_item item,
			   long delta)
{
	atomic_fetch_add_explicit(&zone->vm_stat[item], delta,
				  memory_order_relaxed);
	if (zone->per_cpu_zonestats && delta)
		note_stat_diff(zone, item, delta);
}

/*
 * __mod_zone_page_state for an item whose every change is made under
 * zone->lock (the free counts, which follow the free lists): a load and a
 * store keep it exact without a locked instruction, which was a tenth of
 * an order-4 pair.  Readers load it without the lock.
 */
void kmm_mod_zone_page_state_locked(struct zone *zone,
				    enum zone_stat_item item, long delta)
{
	atomic_long *c = &zone->vm_stat[item];

	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) +
			      delta, memory_order_relaxed);
	if (zone->per_cpu_zonestats && delta)
		note_stat_diff(zone, item, delta);
}

bool kmm_fold_zone_diffs(struct zone *zone, int cpu)
{
	bool any = false;

	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		any |= __atomic_exchange_n(
			&zone->per_cpu_zonestats[cpu].vm_stat_diff[i], 0,
			__ATOMIC_RELAXED) != 0;
	return any;
}

unsigned long zone_page_state(const struct zone *zone,
			      enum zone_stat_item item)
{
	return clamp_counter(read_counter(&zone->vm_stat[item]));
}

unsigned long global_zone_page_state(enum zone_stat_item item)
{
	struct kmm_machine *m = kmm_current();
	long sum = 0;

	for (int nid = 0; m && nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = m->node_data[nid];

		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += read_counter(&pgdat->node_zones[z].vm_stat[item]);
	}
	return clamp_counter(sum);
}

void __mod_node_page_state(struct pglist_data *pgdat,
			   enum node_stat_item item, long delta)
{
	/* Byte items change by whole pages and are kept in pages. */
	if (vmstat_item_in_bytes(item))
		delta /= (long)PAGE_SIZE;
	atomic_fetch_add_explicit(&pgdat->vm_stat[item], delta,
				  memory_order_relaxed);
}

unsigned long node_page_state(const struct pglist_data *pgdat,
			      enum node_stat_item item)
{
	return clamp_counter(read_counter(&pgdat->vm_stat[item]));
}

unsigned long global_node_page_state(enum node_stat_item item)
{
	struct kmm_machine *m = kmm_current();
	long sum = 0;

	for (int nid = 0; m && nid < KMM_MAX_NODES; nid++)
		if (m->node_data[nid])
			sum += read_counter(&m->node_data[nid]->vm_stat[item]);
	return clamp_counter(sum);
}

/*
 * Events are counted per CPU (like Linux's vm_event_states), so CPUs do
 * not contend on one cache line; a read sums the CPUs' slots.
 */
void count_vm_events(enum vm_event_item item, long delta)
{
	struct kmm_machine *m = kmm_current();

	if (!m)
		return;
	if (m->vm_events_pcpu)
		atomic_fetch_add_explicit(&m->vm_events_pcpu[(size_t)smp_processor_id() *
							     NR_VM_EVENT_ITEMS + item],
					  delta, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&m->vm_events[item], delta,
					  memory_order_relaxed);
}

unsigned long vm_event_count(enum vm_event_item item)
{
	struct kmm_machine *m = kmm_current();
	long sum;

	if (!m)
		return 0;
	sum = read_counter(&m->vm_events[item]);
	if (m->vm_events_pcpu)
		for (int cpu = 0; cpu < m->nr_cpus; cpu++)
			sum += read_counter(&m->vm_events_pcpu[(size_t)cpu *
							      NR_VM_EVENT_ITEMS + item]);
	/* The per-CPU lists count their own allocations and frees. */
	if (item == PGFREE || (item >= PGALLOC_DMA && item <= PGALLOC_DEVICE)) {
		for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
			pg_data_t *p = m->node_data[nid];

			if (!p)
				continue;
			for (int z = 0; z < MAX_NR_ZONES; z++) {
				struct zone *zone = &p->node_zones[z];

				if (!zone->per_cpu_pageset ||
				    (item != PGFREE && (int)(item - PGALLOC_DMA) != z))
					continue;
				for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
					struct per_cpu_pages *pcp =
						&zone->per_cpu_pageset[cpu];

					sum += read_counter(item == PGFREE ?
							    &pcp->pgfree :
							    &pcp->pgalloc);
				}
			}
		}
	}
	return (unsigned long)sum;
}

/* NUMA events go to this CPU's pageset once pagesets exist. */
void zone_numa_event_add(struct zone *zone, enum numa_stat_item item,
			 long delta)
{
	atomic_long *c = zone->per_cpu_pageset ?
		&zone->per_cpu_pageset[smp_processor_id()].vm_numa_event[item] :
		&zone->vm_numa_event[item];

	atomic_fetch_add_explicit(c, delta, memory_order_relaxed);
}

static unsigned long zone_numa_event_state(const struct zone *zone,
					   enum numa_stat_item item)
{
	struct kmm_machine *m = kmm_current();
	long sum = read_counter(&zone->vm_numa_event[item]);

	if (zone->per_cpu_pageset)
		for (int cpu = 0; cpu < m->nr_cpus; cpu++)
			sum += read_counter(&zone->per_cpu_pageset[cpu].vm_numa_event[item]);
	return (unsigned long)sum;
}

static unsigned long global_numa_event_state(struct kmm_machine *m,
					     enum numa_stat_item item)
{
	unsigned long sum = 0;

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = m->node_data[nid];

		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += zone_numa_event_state(&pgdat->node_zones[z], item);
	}
	return sum;
}

/* --- names --------------------------------------------------------------------- */

static const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS] = {
	[NR_FREE_PAGES]			= "nr_free_pages",
	[NR_ZONE_INACTIVE_ANON]		= "nr_zone_inactive_anon",
	[NR_ZONE_ACTIVE_ANON]		= "nr_zone_active_anon",
	[NR_ZONE_INACTIVE_FILE]		= "nr_zone_inactive_file",
	[NR_ZONE_ACTIVE_FILE]		= "nr_zone_active_file",
	[NR_ZONE_UNEVICTABLE]		= "nr_zone_unevictable",
	[NR_ZONE_WRITE_PENDING]		= "nr_zone_write_pending",
	[NR_MLOCK]			= "nr_mlock",
	[NR_BOUNCE]			= "nr_bounce",
	[NR_ZSPAGES]			= "nr_zspages",
	[NR_FREE_CMA_PAGES]		= "nr_free_cma",
	[NR_UNACCEPTED]			= "nr_unaccepted",
};

static const char *const numa_stat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	[NUMA_HIT]		= "numa_hit",
	[NUMA_MISS]		= "numa_miss",
	[NUMA_FOREIGN]		= "numa_foreign",
	[NUMA_INTERLEAVE_HIT]	= "numa_interleave",
	[NUMA_LOCAL]		= "numa_local",
	[NUMA_OTHER]		= "numa_other",
};

static const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS] = {
	[NR_INACTIVE_ANON]		= "nr_inactive_anon",
	[NR_ACTIVE_ANON]		= "nr_active_anon",
	[NR_INACTIVE_FILE]		= "nr_inactive_file",
	[NR_ACTIVE_FILE]		= "nr_active_file",
	[NR_UNEVICTABLE]		= "nr_unevictable",
	[NR_SLAB_RECLAIMABLE_B]		= "nr_slab_reclaimable",
	[NR_SLAB_UNRECLAIMABLE_B]	= "nr_slab_unreclaimable",
	[NR_ISOLATED_ANON]		= "nr_isolated_anon",
	[NR_ISOLATED_FILE]		= "nr_isolated_file",
	[WORKINGSET_NODES]		= "workingset_nodes",
	[WORKINGSET_REFAULT_ANON]	= "workingset_refault_anon",
	[WORKINGSET_REFAULT_FILE]	= "workingset_refault_file",
	[WORKINGSET_ACTIVATE_ANON]	= "workingset_activate_anon",
	[WORKINGSET_ACTIVATE_FILE]	= "workingset_activate_file",
	[WORKINGSET_RESTORE_ANON]	= "workingset_restore_anon",
	[WORKINGSET_RESTORE_FILE]	= "workingset_restore_file",
	[WORKINGSET_NODERECLAIM]	= "workingset_nodereclaim",
	[NR_ANON_MAPPED]		= "nr_anon_pages",
	[NR_FILE_MAPPED]		= "nr_mapped",
	[NR_FILE_PAGES]			= "nr_file_pages",
	[NR_FILE_DIRTY]			= "nr_dirty",
	[NR_WRITEBACK]			= "nr_writeback",
	[NR_WRITEBACK_TEMP]		= "nr_writeback_temp",
	[NR_SHMEM]			= "nr_shmem",
	[NR_SHMEM_THPS]			= "nr_shmem_hugepages",
	[NR_SHMEM_PMDMAPPED]		= "nr_shmem_pmdmapped",
	[NR_FILE_THPS]			= "nr_file_hugepages",
	[NR_FILE_PMDMAPPED]		= "nr_file_pmdmapped",
	[NR_ANON_THPS]			= "nr_anon_transparent_hugepages",
	[NR_VMSCAN_WRITE]		= "nr_vmscan_write",
	[NR_VMSCAN_IMMEDIATE]		= "nr_vmscan_immediate_reclaim",
	[NR_DIRTIED]			= "nr_dirtied",
	[NR_WRITTEN]			= "nr_written",
	[NR_THROTTLED_WRITTEN]		= "nr_throttled_written",
	[NR_KERNEL_MISC_RECLAIMABLE]	= "nr_kernel_misc_reclaimable",
	[NR_FOLL_PIN_ACQUIRED]		= "nr_foll_pin_acquired",
	[NR_FOLL_PIN_RELEASED]		= "nr_foll_pin_released",
	[NR_KERNEL_STACK_KB]		= "nr_kernel_stack",
	[NR_PAGETABLE]			= "nr_page_table_pages",
	[NR_SECONDARY_PAGETABLE]	= "nr_sec_page_table_pages",
	[NR_IOMMU_PAGES]		= "nr_iommu_pages",
	[NR_SWAPCACHE]			= "nr_swapcached",
	[PGPROMOTE_SUCCESS]		= "pgpromote_success",
	[PGPROMOTE_CANDIDATE]		= "pgpromote_candidate",
	[PGDEMOTE_KSWAPD]		= "pgdemote_kswapd",
	[PGDEMOTE_DIRECT]		= "pgdemote_direct",
	[PGDEMOTE_KHUGEPAGED]		= "pgdemote_khugepaged",
};

static const char *const vm_event_names[NR_VM_EVENT_ITEMS] = {
	[PGPGIN] = "pgpgin", [PGPGOUT] = "pgpgout",
	[PSWPIN] = "pswpin", [PSWPOUT] = "pswpout",
	[PGALLOC_DMA] = "pgalloc_dma", [PGALLOC_DMA32] = "pgalloc_dma32",
	[PGALLOC_NORMAL] = "pgalloc_normal",
	[PGALLOC_MOVABLE] = "pgalloc_movable",
	[PGALLOC_DEVICE] = "pgalloc_device",
	[ALLOCSTALL_DMA] = "allocstall_dma",
	[ALLOCSTALL_DMA32] = "allocstall_dma32",
	[ALLOCSTALL_NORMAL] = "allocstall_normal",
	[ALLOCSTALL_MOVABLE] = "allocstall_movable",
	[ALLOCSTALL_DEVICE] = "allocstall_device",
	[PGSCAN_SKIP_DMA] = "pgskip_dma", [PGSCAN_SKIP_DMA32] = "pgskip_dma32",
	[PGSCAN_SKIP_NORMAL] = "pgskip_normal",
	[PGSCAN_SKIP_MOVABLE] = "pgskip_movable",
	[PGSCAN_SKIP_DEVICE] = "pgskip_device",
	[PGFREE] = "pgfree", [PGACTIVATE] = "pgactivate",
	[PGDEACTIVATE] = "pgdeactivate", [PGLAZYFREE] = "pglazyfree",
	[PGFAULT] = "pgfault", [PGMAJFAULT] = "pgmajfault",
	[PGLAZYFREED] = "pglazyfreed", [PGREFILL] = "pgrefill",
	[PGREUSE] = "pgreuse",
	[PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[PGSTEAL_DIRECT] = "pgsteal_direct",
	[PGSTEAL_KHUGEPAGED] = "pgsteal_khugepaged",
	[PGSCAN_KSWAPD] = "pgscan_kswapd", [PGSCAN_DIRECT] = "pgscan_direct",
	[PGSCAN_KHUGEPAGED] = "pgscan_khugepaged",
	[PGSCAN_DIRECT_THROTTLE] = "pgscan_direct_throttle",
	[PGSCAN_ANON] = "pgscan_anon", [PGSCAN_FILE] = "pgscan_file",
	[PGSTEAL_ANON] = "pgsteal_anon", [PGSTEAL_FILE] = "pgsteal_file",
	[PGSCAN_ZONE_RECLAIM_SUCCESS] = "zone_reclaim_success",
	[PGSCAN_ZONE_RECLAIM_FAILED] = "zone_reclaim_failed",
	[PGINODESTEAL] = "pginodesteal", [SLABS_SCANNED] = "slabs_scanned",
	[KSWAPD_INODESTEAL] = "kswapd_inodesteal",
	[KSWAPD_LOW_WMARK_HIT_QUICKLY] = "kswapd_low_wmark_hit_quickly",
	[KSWAPD_HIGH_WMARK_HIT_QUICKLY] = "kswapd_high_wmark_hit_quickly",
	[PAGEOUTRUN] = "pageoutrun", [PGROTATED] = "pgrotated",
	[DROP_PAGECACHE] = "drop_pagecache", [DROP_SLAB] = "drop_slab",
	[OOM_KILL] = "oom_kill",
	[NUMA_PTE_UPDATES] = "numa_pte_updates",
	[NUMA_HUGE_PTE_UPDATES] = "numa_huge_pte_updates",
	[NUMA_HINT_FAULTS] = "numa_hint_faults",
	[NUMA_HINT_FAULTS_LOCAL] = "numa_hint_faults_local",
	[NUMA_PAGE_MIGRATE] = "numa_pages_migrated",
	[PGMIGRATE_SUCCESS] = "pgmigrate_success",
	[PGMIGRATE_FAIL] = "pgmigrate_fail",
	[THP_MIGRATION_SUCCESS] = "thp_migration_success",
	[THP_MIGRATION_FAIL] = "thp_migration_fail",
	[THP_MIGRATION_SPLIT] = "thp_migration_split",
	[COMPACTMIGRATE_SCANNED] = "compact_migrate_scanned",
	[COMPACTFREE_SCANNED] = "compact_free_scanned",
	[COMPACTISOLATED] = "compact_isolated",
	[COMPACTSTALL] = "compact_stall", [COMPACTFAIL] = "compact_fail",
	[COMPACTSUCCESS] = "compact_success",
	[KCOMPACTD_WAKE] = "compact_daemon_wake",
	[KCOMPACTD_MIGRATE_SCANNED] = "compact_daemon_migrate_scanned",
	[KCOMPACTD_FREE_SCANNED] = "compact_daemon_free_scanned",
	[HTLB_BUDDY_PGALLOC] = "htlb_buddy_alloc_success",
	[HTLB_BUDDY_PGALLOC_FAIL] = "htlb_buddy_alloc_fail",
	[CMA_ALLOC_SUCCESS] = "cma_alloc_success",
	[CMA_ALLOC_FAIL] = "cma_alloc_fail",
	[UNEVICTABLE_PGCULLED] = "unevictable_pgs_culled",
	[UNEVICTABLE_PGSCANNED] = "unevictable_pgs_scanned",
	[UNEVICTABLE_PGRESCUED] = "unevictable_pgs_rescued",
	[UNEVICTABLE_PGMLOCKED] = "unevictable_pgs_mlocked",
	[UNEVICTABLE_PGMUNLOCKED] = "unevictable_pgs_munlocked",
	[UNEVICTABLE_PGCLEARED] = "unevictable_pgs_cleared",
	[UNEVICTABLE_PGSTRANDED] = "unevictable_pgs_stranded",
	[THP_FAULT_ALLOC] = "thp_fault_alloc",
	[THP_FAULT_FALLBACK] = "thp_fault_fallback",
	[THP_FAULT_FALLBACK_CHARGE] = "thp_fault_fallback_charge",
	[THP_COLLAPSE_ALLOC] = "thp_collapse_alloc",
	[THP_COLLAPSE_ALLOC_FAILED] = "thp_collapse_alloc_failed",
	[THP_FILE_ALLOC] = "thp_file_alloc",
	[THP_FILE_FALLBACK] = "thp_file_fallback",
	[THP_FILE_FALLBACK_CHARGE] = "thp_file_fallback_charge",
	[THP_FILE_MAPPED] = "thp_file_mapped",
	[THP_SPLIT_PAGE] = "thp_split_page",
	[THP_SPLIT_PAGE_FAILED] = "thp_split_page_failed",
	[THP_DEFERRED_SPLIT_PAGE] = "thp_deferred_split_page",
	[THP_UNDERUSED_SPLIT_PAGE] = "thp_underused_split_page",
	[THP_SPLIT_PMD] = "thp_split_pmd",
	[THP_SCAN_EXCEED_NONE_PTE] = "thp_scan_exceed_none_pte",
	[THP_SCAN_EXCEED_SWAP_PTE] = "thp_scan_exceed_swap_pte",
	[THP_SCAN_EXCEED_SHARED_PTE] = "thp_scan_exceed_share_pte",
	[THP_SPLIT_PUD] = "thp_split_pud",
	[THP_ZERO_PAGE_ALLOC] = "thp_zero_page_alloc",
	[THP_ZERO_PAGE_ALLOC_FAILED] = "thp_zero_page_alloc_failed",
	[THP_SWPOUT] = "thp_swpout",
	[THP_SWPOUT_FALLBACK] = "thp_swpout_fallback",
	[BALLOON_INFLATE] = "balloon_inflate",
	[BALLOON_DEFLATE] = "balloon_deflate",
	[BALLOON_MIGRATE] = "balloon_migrate",
	[SWAP_RA] = "swap_ra", [SWAP_RA_HIT] = "swap_ra_hit",
	[SWPIN_ZERO] = "swpin_zero", [SWPOUT_ZERO] = "swpout_zero",
	[KSM_SWPIN_COPY] = "ksm_swpin_copy", [COW_KSM] = "cow_ksm",
	[ZSWPIN] = "zswpin", [ZSWPOUT] = "zswpout", [ZSWPWB] = "zswpwb",
	[DIRECT_MAP_LEVEL2_SPLIT] = "direct_map_level2_splits",
	[DIRECT_MAP_LEVEL3_SPLIT] = "direct_map_level3_splits",
};

/* --- configuration of the modelled build ------------------------------------- */

static int nr_zones_shown(struct kmm_machine *m)
{
	return m->desc.zone_device ? MAX_NR_ZONES : MAX_NR_ZONES - 1;
}

static bool has_cma(struct kmm_machine *m)
{
	return m->desc.migrate_types >= 6;
}

/* Is migrate type @mt one that this build's enum has? */
static bool migratetype_configured(struct kmm_machine *m, int mt)
{
	if (mt == MIGRATE_CMA)
		return has_cma(m);
	if (mt == MIGRATE_ISOLATE)
		return m->desc.migrate_types >= 5;
	return true;
}

static bool vm_event_configured(struct kmm_machine *m, int item)
{
	switch (item) {
	case PGALLOC_DEVICE:
	case ALLOCSTALL_DEVICE:
	case PGSCAN_SKIP_DEVICE:
		return m->desc.zone_device;
	case CMA_ALLOC_SUCCESS:
	case CMA_ALLOC_FAIL:
		return has_cma(m);
	default:
		return true;
	}
}

static pg_data_t *online_pgdat(struct kmm_machine *m, int nid)
{
	pg_data_t *pgdat = m->node_data[nid];

	return pgdat && node_online(nid) ? pgdat : NULL;
}

/* --- zoneinfo ------------------------------------------------------------------ */

static bool is_zone_first_populated(pg_data_t *pgdat, struct zone *zone)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (populated_zone(z))
			return z == zone;
	}
	return false;
}

static void zoneinfo_pageset(struct kmm_machine *m, const struct kmm_sink *out,
			     struct zone *zone, int cpu)
{
	int count = 0, high = 0, batch = 1;	/* the boot pageset */

	if (!m->pcp_not_ready && zone->per_cpu_pageset) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		count = __atomic_load_n(&pcp->count, __ATOMIC_RELAXED);
		high = __atomic_load_n(&pcp->high, __ATOMIC_RELAXED);
		batch = __atomic_load_n(&pcp->batch, __ATOMIC_RELAXED);
	}
	kmm_sink_printf(out, "\n    cpu: %i"
			"\n              count: %i"
			"\n              high:  %i"
			"\n              batch: %i",
			cpu, count, high, batch);
	kmm_sink_printf(out, "\n  vm stats threshold: %d",
			__atomic_load_n(&zone->stat_threshold, __ATOMIC_RELAXED));
}

static void zoneinfo_zone(struct kmm_machine *m, const struct kmm_sink *out,
			  pg_data_t *pgdat, struct zone *zone, int idx)
{
	kmm_sink_printf(out, "Node %d, zone %8s", pgdat->node_id,
			zone_names[idx]);
	if (is_zone_first_populated(pgdat, zone)) {
		kmm_sink_printf(out, "\n  per-node stats");
		for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
			unsigned long pages = node_page_state(pgdat, i);

			if (vmstat_item_print_in_thp(i))
				pages /= HPAGE_PMD_NR;
			kmm_sink_printf(out, "\n      %-12s %lu",
					node_stat_names[i], pages);
		}
	}
	kmm_sink_printf(out, "\n  pages free     %lu"
			"\n        boost    %lu"
			"\n        min      %lu"
			"\n        low      %lu"
			"\n        high     %lu",
			zone_page_state(zone, NR_FREE_PAGES),
			zone->watermark_boost, min_wmark_pages(zone),
			low_wmark_pages(zone), high_wmark_pages(zone));
	if (m->kver >= KMM_KVER(6, 11))
		kmm_sink_printf(out, "\n        promo    %lu",
				promo_wmark_pages(zone));
	kmm_sink_printf(out, "\n        spanned  %lu"
			"\n        present  %lu"
			"\n        managed  %lu"
			"\n        cma      %lu",
			zone->spanned_pages, zone->present_pages,
			zone_managed_pages(zone), zone->cma_pages);
	kmm_sink_printf(out, "\n        protection: (%ld", zone->lowmem_reserve[0]);
	for (int i = 1; i < nr_zones_shown(m); i++)
		kmm_sink_printf(out, ", %ld", zone->lowmem_reserve[i]);
	kmm_sink_printf(out, ")");
	if (!populated_zone(zone)) {
		kmm_sink_printf(out, "\n");
		return;
	}
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		kmm_sink_printf(out, "\n      %-12s %lu", zone_stat_names[i],
				zone_page_state(zone, i));
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		kmm_sink_printf(out, "\n      %-12s %lu", numa_stat_names[i],
				zone_numa_event_state(zone, i));
	kmm_sink_printf(out, "\n  pagesets");
	for (int cpu = 0; cpu < m->nr_online_cpus; cpu++)
		zoneinfo_pageset(m, out, zone, cpu);
	kmm_sink_printf(out, "\n  node_unreclaimable:  %u"
			"\n  start_pfn:           %lu\n",
			pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ? 1U : 0U,
			zone->zone_start_pfn);
}

static void zoneinfo_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (!pgdat)
			continue;
		for (int z = 0; z < nr_zones_shown(m); z++)
			zoneinfo_zone(m, out, pgdat, &pgdat->node_zones[z], z);
	}
}

/* --- buddyinfo, pagetypeinfo ------------------------------------------------- */

static void buddyinfo_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		for (int z = 0; pgdat && z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];
			unsigned long nr[NR_PAGE_ORDERS];

			if (!populated_zone(zone))
				continue;
			spin_lock(&zone->lock);
			for (int order = 0; order < NR_PAGE_ORDERS; order++)
				nr[order] = zone->free_area[order].nr_free;
			spin_unlock(&zone->lock);
			kmm_sink_printf(out, "Node %d, zone %8s ", nid, zone_names[z]);
			for (int order = 0; order < NR_PAGE_ORDERS; order++)
				kmm_sink_printf(out, "%6lu ", nr[order]);
			kmm_sink_printf(out, "\n");
		}
	}
}

static void pagetypeinfo_showfree(struct kmm_machine *m,
				  const struct kmm_sink *out, pg_data_t *pgdat)
{
	kmm_sink_printf(out, "%-43s ", "Free pages count per migrate type at order");
	for (int order = 0; order < NR_PAGE_ORDERS; order++)
		kmm_sink_printf(out, "%6d ", order);
	kmm_sink_printf(out, "\n");

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		if (!populated_zone(zone))
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			if (!migratetype_configured(m, mt))
				continue;
			kmm_sink_printf(out, "Node %4d, zone %8s, type %12s ",
					pgdat->node_id, zone_names[z],
					migratetype_names[mt]);
			for (int order = 0; order < NR_PAGE_ORDERS; order++) {
				struct list_head *head, *pos;
				unsigned long count = 0;
				bool overflow = false;

				spin_lock(&zone->lock);
				head = &zone->free_area[order].free_list[mt];
				list_for_each(pos, head) {
					if (++count >= PAGETYPE_COUNT_CAP) {
						overflow = true;
						break;
					}
				}
				spin_unlock(&zone->lock);
				kmm_sink_printf(out, "%s%6lu ", overflow ? ">" : "",
						count);
			}
			kmm_sink_printf(out, "\n");
		}
	}
}

/* Does the struct page of valid @pfn say it belongs to @zone? */
/*
 * pfn_to_online_page() != NULL: a valid section and, from 5.12 on (when it
 * began to consult the 5.3 subsection map), a 2 MiB subsection with RAM in
 * it (a pageblock wholly in a hole is skipped).
 */
static bool pfn_online_valid(struct kmm_machine *m, unsigned long pfn)
{
	const struct mem_section *ms;

	if (!pfn_valid_m(m, pfn))
		return false;
	if (m->kver < KMM_KVER(5, 12))
		return true;
	ms = &m->mem_section[pfn_to_section_nr(pfn)];
	return (ms->subsection_map >> ((pfn & (PAGES_PER_SECTION - 1)) >>
				       PFN_SUBSECTION_SHIFT)) & 1;
}

static bool pfn_in_zone(struct zone *zone, unsigned long pfn)
{
	pg_data_t *pgdat = zone->zone_pgdat;

	/* Deferred struct pages are not initialised yet; they are the node's. */
	if (pfn >= __atomic_load_n(&pgdat->first_deferred_pfn, __ATOMIC_RELAXED))
		return zone_spans_pfn(zone, pfn);
	return page_zone(pfn_to_page(pfn)) == zone;
}

static void pagetypeinfo_showblockcount(struct kmm_machine *m,
					const struct kmm_sink *out,
					pg_data_t *pgdat)
{
	kmm_sink_printf(out, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (migratetype_configured(m, mt))
			kmm_sink_printf(out, "%12s ", migratetype_names[mt]);
	kmm_sink_printf(out, "\n");

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];
		unsigned long count[MIGRATE_TYPES] = { 0 };

		if (!populated_zone(zone))
			continue;
		for (unsigned long pfn = zone->zone_start_pfn;
		     pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages) {
			int mt;

			if (!pfn_online_valid(m, pfn) || !pfn_in_zone(zone, pfn))
				continue;
			mt = get_pageblock_migratetype(pfn_to_page(pfn));
			if (mt >= 0 && mt < MIGRATE_TYPES)
				count[mt]++;
		}
		kmm_sink_printf(out, "Node %d, zone %8s ", pgdat->node_id,
				zone_names[z]);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (migratetype_configured(m, mt))
				kmm_sink_printf(out, "%12lu ", count[mt]);
		kmm_sink_printf(out, "\n");
	}
}

static void pagetypeinfo_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (!pgdat || !node_state(nid, N_MEMORY))
			continue;
		kmm_sink_printf(out, "Page block order: %d\n", pageblock_order);
		kmm_sink_printf(out, "Pages per block:  %lu\n", pageblock_nr_pages);
		kmm_sink_printf(out, "\n");
		pagetypeinfo_showfree(m, out, pgdat);
		pagetypeinfo_showblockcount(m, out, pgdat);
		/* "Number of mixed blocks" needs CONFIG_PAGE_OWNER: absent. */
	}
}

/* --- the direct map (DirectMap4k/2M/1G) ----------------------------------- */

#define DM_MAP_2M	0x1UL
#define DM_MAP_1G	0x2UL
#define DM_ISA_END	SZ_1M

enum { DM_NONE, DM_LEAF, DM_TABLE };

/*
 * One gigabyte of the direct map being replayed: its PUD entry and, when
 * that points to a table, its 512 PMD entries.  Mapping calls never overlap
 * in address, so a 4 KiB entry is created once and needs no state.
 */
struct dmap {
	struct kmm_machine *m;
	u64 rs, re;			/* the gigabyte simulated */
	u8 pud;
	u8 pmd[512];
	unsigned long page_size_mask;
	unsigned long pages[3];		/* 4K, 2M, 1G entries counted */
};

struct dmap_mr {
	u64 start, end;
	unsigned long mask;
};

/* memblock.memory with touching regions merged (one region per range then). */
static bool dmap_next_ram(struct kmm_machine *m, unsigned long *idx,
			  u64 *start, u64 *end)
{
	struct memblock_type *mem = &m->mblk.memory;
	unsigned long i = *idx;

	while (i < mem->cnt && !mem->regions[i].size)
		i++;
	if (i >= mem->cnt)
		return false;
	*start = mem->regions[i].base;
	*end = *start + mem->regions[i].size;
	for (i++; i < mem->cnt && mem->regions[i].base == *end; i++)
		*end += mem->regions[i].size;
	*idx = i;
	/* As for_each_mem_pfn_range(): whole pages. */
	*start = PFN_PHYS(PFN_UP(*start));
	*end = PFN_PHYS(PFN_DOWN(*end));
	return true;
}

static bool dmap_is_ram(struct kmm_machine *m, u64 base, u64 size)
{
	unsigned long idx = 0;
	u64 s, e;

	while (dmap_next_ram(m, &idx, &s, &e))
		if (base >= s && base < e)
			return base + size <= e;
	return false;
}

/* Apply one range of kernel_physical_mapping_init() to the gigabyte. */
static void dmap_apply(struct dmap *d, u64 start, u64 end, unsigned long mask)
{
	u64 ps = max(start, d->rs), pe = min(end, d->re);

	if (ps >= pe)
		return;
	if (d->pud != DM_TABLE) {
		if (mask & DM_MAP_1G) {
			/* A new 1G entry, or an existing one counted again. */
			d->pud = DM_LEAF;
			d->pages[2]++;
			return;
		}
		/* A fresh PMD table (replacing a 1G entry, uncounted). */
		d->pud = DM_TABLE;
		memset(d->pmd, DM_NONE, sizeof(d->pmd));
	}
	for (unsigned long j = (ps - d->rs) >> 21; j <= (pe - 1 - d->rs) >> 21; j++) {
		u64 qs = max(ps, d->rs + ((u64)j << 21));
		u64 qe = min(pe, d->rs + ((u64)(j + 1) << 21));

		if (d->pmd[j] != DM_TABLE && (mask & DM_MAP_2M)) {
			d->pmd[j] = DM_LEAF;
			d->pages[1]++;
			continue;
		}
		d->pmd[j] = DM_TABLE;
		d->pages[0] += (qe - qs) >> PAGE_SHIFT;
	}
}

/* init_memory_mapping(): split_mem_range(), then map each range. */
static void dmap_map(struct dmap *d, u64 start, u64 end)
{
	const unsigned long pmd_pfns = SZ_2M >> PAGE_SHIFT;
	const unsigned long pud_pfns = SZ_1G >> PAGE_SHIFT;
	unsigned long limit = PFN_DOWN(end), pfn = PFN_DOWN(start);
	unsigned long s, e, mask = d->page_size_mask;
	struct dmap_mr mr[5];
	int n = 0;

#define SAVE_MR(a, b, msk) do {						\
		if ((a) < (b)) {					\
			mr[n].start = PFN_PHYS(a);			\
			mr[n].end = PFN_PHYS(b);			\
			mr[n].mask = (msk);				\
			n++;						\
		}							\
	} while (0)
	/* Head up to 2M alignment with 4K pages. */
	s = pfn;
	e = min(round_up(pfn, pmd_pfns), limit);
	if (s < e) {
		SAVE_MR(s, e, 0UL);
		pfn = e;
	}
	/* 2M pages up to 1G alignment. */
	s = round_up(pfn, pmd_pfns);
	e = min(round_up(pfn, pud_pfns), round_down(limit, pmd_pfns));
	if (s < e) {
		SAVE_MR(s, e, mask & DM_MAP_2M);
		pfn = e;
	}
	/* 1G pages. */
	s = round_up(pfn, pud_pfns);
	e = round_down(limit, pud_pfns);
	if (s < e) {
		SAVE_MR(s, e, mask & (DM_MAP_2M | DM_MAP_1G));
		pfn = e;
	}
	/* 2M tail. */
	s = round_up(pfn, pmd_pfns);
	e = round_down(limit, pmd_pfns);
	if (s < e) {
		SAVE_MR(s, e, mask & DM_MAP_2M);
		pfn = e;
	}
	/* 4K tail. */
	SAVE_MR(pfn, limit, 0UL);
#undef SAVE_MR

	/* adjust_range_page_size_mask(): larger pages where all is RAM. */
	for (int i = 0; i < n; i++) {
		if ((mask & DM_MAP_2M) && !(mr[i].mask & DM_MAP_2M)) {
			u64 a = round_down(mr[i].start, (u64)SZ_2M);
			u64 b = round_up(mr[i].end, (u64)SZ_2M);

			if (dmap_is_ram(d->m, a, b - a))
				mr[i].mask |= DM_MAP_2M;
		}
		if ((mask & DM_MAP_1G) && !(mr[i].mask & DM_MAP_1G)) {
			u64 a = round_down(mr[i].start, (u64)SZ_1G);
			u64 b = round_up(mr[i].end, (u64)SZ_1G);

			if (dmap_is_ram(d->m, a, b - a))
				mr[i].mask |= DM_MAP_1G;
		}
	}
	/* Merge touching ranges of the same page sizes. */
	for (int i = 0; n > 1 && i < n - 1; i++) {
		if (mr[i].end != mr[i + 1].start || mr[i].mask != mr[i + 1].mask)
			continue;
		mr[i + 1].start = mr[i].start;
		for (int k = i; k < n - 1; k++)
			mr[k] = mr[k + 1];
		n--;
		i--;
	}
	for (int i = 0; i < n; i++)
		dmap_apply(d, mr[i].start, mr[i].end, mr[i].mask);
}

/* init_range_memory_mapping(): the RAM inside [r_start, r_end). */
static u64 dmap_map_ram(struct dmap *d, u64 r_start, u64 r_end)
{
	unsigned long idx = 0;
	u64 s, e, mapped = 0;

	while (dmap_next_ram(d->m, &idx, &s, &e)) {
		u64 start = clamp(s, r_start, r_end);
		u64 end = clamp(e, r_start, r_end);

		if (start >= end)
			continue;
		/* Only calls reaching the simulated gigabyte matter. */
		if (start < d->re && end > d->rs)
			dmap_map(d, start, end);
		mapped += end - start;
	}
	return mapped;
}

static u64 dmap_next_step(u64 step)
{
	return step << (21 - PAGE_SHIFT - 1);
}

/* Where memblock_phys_alloc_range(2M, 2M, 1M, end) found room at that time. */
static u64 dmap_top_free_2m(struct kmm_machine *m, u64 map_end)
{
	u64 ks = m->desc.kernel_start, ke = ks + m->desc.kernel_size;
	unsigned long idx = 0;
	u64 s, e, best = 0;

	while (dmap_next_ram(m, &idx, &s, &e)) {
		u64 piece[2][2] = { { s, e }, { s, e } };

		if (ke > ks) {
			piece[0][1] = min(e, ks);
			piece[1][0] = max(s, ke);
		}
		for (int p = 0; p < (ke > ks ? 2 : 1); p++) {
			u64 a = max(piece[p][0], (u64)DM_ISA_END);
			u64 b = min(piece[p][1], map_end);
			u64 cand;

			if (b < a + SZ_2M)
				continue;
			cand = round_down(b - SZ_2M, (u64)SZ_2M);
			if (cand >= a && cand + SZ_2M > best)
				best = cand + SZ_2M;
		}
	}
	return best;
}

static void dmap_top_down(struct dmap *d, u64 map_start, u64 map_end)
{
	u64 real_end = dmap_top_free_2m(d->m, map_end);
	u64 step = SZ_2M, last_start, mapped = 0;

	if (!real_end)
		real_end = max(map_start, round_down(map_end, (u64)SZ_2M));
	last_start = real_end;
	while (last_start > map_start) {
		u64 start;

		if (last_start > step) {
			start = round_down(last_start - 1, step);
			if (start < map_start)
				start = map_start;
		} else {
			start = map_start;
		}
		mapped += dmap_map_ram(d, start, last_start);
		last_start = start;
		if (mapped >= step)
			step = dmap_next_step(step);
	}
	if (real_end < map_end)
		dmap_map_ram(d, real_end, map_end);
}

static void dmap_bottom_up(struct dmap *d, u64 map_start, u64 map_end)
{
	u64 step = SZ_2M, start = map_start, mapped = 0;

	while (start < map_end) {
		u64 next;

		if (step && map_end - start > step) {
			next = round_up(start + 1, step);
			if (next > map_end)
				next = map_end;
		} else {
			next = map_end;
		}
		mapped += dmap_map_ram(d, start, next);
		start = next;
		if (mapped >= step)
			step = dmap_next_step(step);
	}
}

/* init_mem_mapping() for one gigabyte of the direct map. */
static void dmap_replay(struct dmap *d)
{
	struct kmm_machine *m = d->m;
	u64 end = PFN_PHYS(m->pfn_max);

	d->pud = DM_NONE;
	memset(d->pmd, DM_NONE, sizeof(d->pmd));
	/* The ISA range is mapped whatever the memory map says. */
	dmap_map(d, 0, DM_ISA_END);
	if (m->params.movable_node) {
		u64 kernel_end = m->desc.kernel_start + m->desc.kernel_size;

		dmap_bottom_up(d, kernel_end, end);
		dmap_bottom_up(d, DM_ISA_END, kernel_end);
	} else {
		dmap_top_down(d, DM_ISA_END, end);
	}
}

static void direct_map_counts(struct kmm_machine *m, unsigned long pages[3])
{
	u64 end = max((u64)PFN_PHYS(m->pfn_max), (u64)DM_ISA_END);
	struct dmap d = { .m = m };

	/* probe_page_size_mask(): debug_pagealloc wants 4K pages only. */
	if (!m->debug_pagealloc)
		d.page_size_mask = DM_MAP_2M;
	if (m->direct_gbpages)
		d.page_size_mask |= DM_MAP_1G;
	for (u64 gb = 0; gb < DIV_ROUND_UP(end, (u64)SZ_1G); gb++) {
		unsigned long idx = 0;
		bool ram = gb == 0;
		u64 s, e;

		d.rs = gb * SZ_1G;
		d.re = d.rs + SZ_1G;
		while (!ram && dmap_next_ram(m, &idx, &s, &e))
			ram = s < d.re && e > d.rs;
		if (ram)
			dmap_replay(&d);
	}
	for (int i = 0; i < 3; i++)
		pages[i] = d.pages[i];
}

/* --- meminfo ---------------------------------------------------------------------- */

static void show_val_kb(const struct kmm_sink *out, const char *label,
			unsigned long pages)
{
	kmm_sink_printf(out, "%-16s%8lu kB\n", label, K(pages));
}

static void meminfo_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	unsigned long totalram = clamp_counter(read_counter(&m->totalram));
	unsigned long freeram = global_zone_page_state(NR_FREE_PAGES);
	unsigned long active_anon = global_node_page_state(NR_ACTIVE_ANON);
	unsigned long inactive_anon = global_node_page_state(NR_INACTIVE_ANON);
	unsigned long active_file = global_node_page_state(NR_ACTIVE_FILE);
	unsigned long inactive_file = global_node_page_state(NR_INACTIVE_FILE);
	unsigned long swapcache = global_node_page_state(NR_SWAPCACHE);
	unsigned long sreclaimable = global_node_page_state(NR_SLAB_RECLAIMABLE_B);
	unsigned long sunreclaim = global_node_page_state(NR_SLAB_UNRECLAIMABLE_B);
	unsigned long buffers = 0, direct[3];
	long cached;

	cached = (long)global_node_page_state(NR_FILE_PAGES) - (long)swapcache -
		 (long)buffers;
	if (cached < 0)
		cached = 0;

	show_val_kb(out, "MemTotal:", totalram);
	show_val_kb(out, "MemFree:", freeram);
	show_val_kb(out, "MemAvailable:", (unsigned long)si_mem_available());
	show_val_kb(out, "Buffers:", buffers);
	show_val_kb(out, "Cached:", (unsigned long)cached);
	show_val_kb(out, "SwapCached:", swapcache);
	show_val_kb(out, "Active:", active_anon + active_file);
	show_val_kb(out, "Inactive:", inactive_anon + inactive_file);
	show_val_kb(out, "Active(anon):", active_anon);
	show_val_kb(out, "Inactive(anon):", inactive_anon);
	show_val_kb(out, "Active(file):", active_file);
	show_val_kb(out, "Inactive(file):", inactive_file);
	show_val_kb(out, "Unevictable:", global_node_page_state(NR_UNEVICTABLE));
	show_val_kb(out, "Mlocked:", global_zone_page_state(NR_MLOCK));
	show_val_kb(out, "SwapTotal:", 0);
	show_val_kb(out, "SwapFree:", 0);
	show_val_kb(out, "Zswap:", 0);
	kmm_sink_printf(out, "Zswapped:       %8lu kB\n", 0UL);
	show_val_kb(out, "Dirty:", global_node_page_state(NR_FILE_DIRTY));
	show_val_kb(out, "Writeback:", global_node_page_state(NR_WRITEBACK));
	show_val_kb(out, "AnonPages:", global_node_page_state(NR_ANON_MAPPED));
	show_val_kb(out, "Mapped:", global_node_page_state(NR_FILE_MAPPED));
	show_val_kb(out, "Shmem:", global_node_page_state(NR_SHMEM));
	show_val_kb(out, "KReclaimable:", sreclaimable +
		    global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE));
	show_val_kb(out, "Slab:", sreclaimable + sunreclaim);
	show_val_kb(out, "SReclaimable:", sreclaimable);
	show_val_kb(out, "SUnreclaim:", sunreclaim);
	kmm_sink_printf(out, "KernelStack:    %8lu kB\n",
			global_node_page_state(NR_KERNEL_STACK_KB));
	show_val_kb(out, "PageTables:", global_node_page_state(NR_PAGETABLE));
	show_val_kb(out, "SecPageTables:",
		    global_node_page_state(NR_SECONDARY_PAGETABLE));
	show_val_kb(out, "NFS_Unstable:", 0);
	show_val_kb(out, "Bounce:", global_zone_page_state(NR_BOUNCE));
	show_val_kb(out, "WritebackTmp:", global_node_page_state(NR_WRITEBACK_TEMP));
	/* vm_commit_limit(): overcommit_ratio of RAM, plus swap (none). */
	show_val_kb(out, "CommitLimit:", totalram * OVERCOMMIT_RATIO / 100);
	show_val_kb(out, "Committed_AS:", 0);
	kmm_sink_printf(out, "VmallocTotal:   %8lu kB\n", VMALLOC_TOTAL >> 10);
	show_val_kb(out, "VmallocUsed:", vmalloc_nr_pages());
	show_val_kb(out, "VmallocChunk:", 0);
	show_val_kb(out, "Percpu:", m->pcpu_nr_pages);
	/* memtest_report_meminfo() (6.4+): only once a test ran. */
	if (m->memtest_done && m->kver >= KMM_KVER(6, 4)) {
		unsigned long bad_kb = (unsigned long)(m->memtest_bad_bytes >> 10);

		if (m->memtest_bad_bytes && !bad_kb)
			bad_kb = 1;
		kmm_sink_printf(out, "EarlyMemtestBad:   %5lu kB\n", bad_kb);
	}
	kmm_sink_printf(out, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_val_kb(out, "AnonHugePages:", global_node_page_state(NR_ANON_THPS));
	show_val_kb(out, "ShmemHugePages:", global_node_page_state(NR_SHMEM_THPS));
	show_val_kb(out, "ShmemPmdMapped:",
		    global_node_page_state(NR_SHMEM_PMDMAPPED));
	show_val_kb(out, "FileHugePages:", global_node_page_state(NR_FILE_THPS));
	show_val_kb(out, "FilePmdMapped:",
		    global_node_page_state(NR_FILE_PMDMAPPED));
	if (has_cma(m)) {
		show_val_kb(out, "CmaTotal:", m->totalcma_pages);
		show_val_kb(out, "CmaFree:",
			    global_zone_page_state(NR_FREE_CMA_PAGES));
	}
	show_val_kb(out, "Unaccepted:", global_zone_page_state(NR_UNACCEPTED));
	hugetlb_report_meminfo(m, out);
	/* arch_report_meminfo(). */
	direct_map_counts(m, direct);
	kmm_sink_printf(out, "DirectMap4k:    %8lu kB\n", direct[0] << 2);
	kmm_sink_printf(out, "DirectMap2M:    %8lu kB\n", direct[1] << 11);
	if (m->direct_gbpages)
		kmm_sink_printf(out, "DirectMap1G:    %8lu kB\n", direct[2] << 20);
}

/* --- /proc/vmstat ----------------------------------------------------------------- */

/* global_dirty_limits(): 10% / 20% of the dirtyable memory. */
static void dirty_limits(struct kmm_machine *m, unsigned long *background,
			 unsigned long *dirty)
{
	unsigned long avail = global_zone_page_state(NR_FREE_PAGES);
	unsigned long ratio = VM_DIRTY_RATIO * PAGE_SIZE / 100;
	unsigned long bg_ratio = DIRTY_BACKGROUND_RATIO * PAGE_SIZE / 100;
	unsigned long thresh, bg_thresh;

	avail -= min(avail, m->totalreserve_pages);
	avail += global_node_page_state(NR_INACTIVE_FILE);
	avail += global_node_page_state(NR_ACTIVE_FILE);
	avail += 1;
	thresh = ratio * avail / PAGE_SIZE;
	bg_thresh = bg_ratio * avail / PAGE_SIZE;
	if (thresh > UINT_MAX)
		thresh = UINT_MAX;
	if (bg_thresh >= thresh)
		bg_thresh = thresh / 2;
	*background = bg_thresh;
	*dirty = thresh;
}

/* sparse_init_nid(): each early section's memmap, 512 pages. */
static unsigned long memmap_boot_pages(struct kmm_machine *m)
{
	unsigned long sections = 0;

	for (unsigned long i = 0; m->mem_section && i < m->nr_mem_sections; i++)
		if (m->mem_section[i].present && m->mem_section[i].has_memmap)
			sections++;
	return sections * DIV_ROUND_UP(PAGES_PER_SECTION * sizeof(struct page),
				       PAGE_SIZE);
}

static void vmstat_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	unsigned long bg, dirty;

	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		kmm_sink_printf(out, "%s %lu\n", zone_stat_names[i],
				global_zone_page_state(i));
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		kmm_sink_printf(out, "%s %lu\n", numa_stat_names[i],
				global_numa_event_state(m, i));
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++) {
		unsigned long v = global_node_page_state(i);

		if (vmstat_item_print_in_thp(i))
			v /= HPAGE_PMD_NR;
		kmm_sink_printf(out, "%s %lu\n", node_stat_names[i], v);
	}
	dirty_limits(m, &bg, &dirty);
	kmm_sink_printf(out, "nr_dirty_threshold %lu\n", dirty);
	kmm_sink_printf(out, "nr_dirty_background_threshold %lu\n", bg);
	kmm_sink_printf(out, "nr_memmap_pages %lu\n", 0UL);
	kmm_sink_printf(out, "nr_memmap_boot_pages %lu\n", memmap_boot_pages(m));
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		unsigned long v = vm_event_count(i);

		if (!vm_event_configured(m, i))
			continue;
		if (i == PGPGIN || i == PGPGOUT)
			v /= 2;		/* sectors -> kbytes */
		kmm_sink_printf(out, "%s %lu\n", vm_event_names[i], v);
	}
	kmm_sink_printf(out, "nr_unstable 0\n");
}

/* --- dispatch ---------------------------------------------------------------------- */

int kmm_vmstat_report(struct kmm_machine *m, const char *name,
		      const struct kmm_sink *out)
{
	static const struct {
		const char *name;
		void (*show)(struct kmm_machine *, const struct kmm_sink *);
	} reports[] = {
		{ "zoneinfo",		zoneinfo_show },
		{ "buddyinfo",		buddyinfo_show },
		{ "pagetypeinfo",	pagetypeinfo_show },
		{ "meminfo",		meminfo_show },
		{ "vmstat",		vmstat_show },
	};

	for (size_t i = 0; i < ARRAY_SIZE(reports); i++) {
		if (kmm_strcmp(name, reports[i].name))
			continue;
		if (!m->booted)
			return -EINVAL;
		reports[i].show(m, out);
		return 0;
	}
	return -ENOENT;
}
