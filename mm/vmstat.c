/* SPDX-License-Identifier: MIT */
/*
 * mm/vmstat.c - the /proc reports, in Linux 6.12's exact formats.
 *
 * What: kmm_report(m, "zoneinfo", sink) prints what /proc/zoneinfo prints
 * for the machine (zoneinfo_show_print): for every zone of every online
 * node, populated or not, "Node N, zone NAME" with the per-node stats on
 * the node's first populated zone, the free/boost/min/low/high/promo/
 * spanned/present/managed/cma block, the protection array (lowmem_reserve),
 * then for populated zones the zone and NUMA counters, the per-CPU pagesets,
 * node_unreclaimable and start_pfn.
 *
 * The item lists are those of a Debian-like x86_64 6.12 build (IOMMU,
 * SWAP, NUMA_BALANCING, ZSMALLOC, UNACCEPTED_MEMORY); counters that kmm
 * has no source for (anon/file LRU, writeback, ...) print 0, as they would
 * on a machine that has run nothing.  With no buddy allocator set up yet,
 * watermarks are 0 and pagesets show the boot pageset (count 0, high 0,
 * batch 1), which is what Linux shows before setup_per_cpu_pageset().
 * Before 6.11, the promo line does not exist.
 *
 * Locking: reads counters without locks, as /proc does.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/numa.h>

int kmm_vmstat_report(struct kmm_machine *m, const char *name,
		      const struct kmm_sink *out);

static const char *const node_stat_names[] = {
	"nr_inactive_anon", "nr_active_anon", "nr_inactive_file",
	"nr_active_file", "nr_unevictable", "nr_slab_reclaimable",
	"nr_slab_unreclaimable", "nr_isolated_anon", "nr_isolated_file",
	"workingset_nodes", "workingset_refault_anon",
	"workingset_refault_file", "workingset_activate_anon",
	"workingset_activate_file", "workingset_restore_anon",
	"workingset_restore_file", "workingset_nodereclaim", "nr_anon_pages",
	"nr_mapped", "nr_file_pages", "nr_dirty", "nr_writeback",
	"nr_writeback_temp", "nr_shmem", "nr_shmem_hugepages",
	"nr_shmem_pmdmapped", "nr_file_hugepages", "nr_file_pmdmapped",
	"nr_anon_transparent_hugepages", "nr_vmscan_write",
	"nr_vmscan_immediate_reclaim", "nr_dirtied", "nr_written",
	"nr_throttled_written", "nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired", "nr_foll_pin_released", "nr_kernel_stack",
	"nr_page_table_pages", "nr_sec_page_table_pages", "nr_iommu_pages",
	"nr_swapcached", "pgpromote_success", "pgpromote_candidate",
	"pgdemote_kswapd", "pgdemote_direct", "pgdemote_khugepaged",
};

static const char *const zone_stat_names[] = {
	"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
	"nr_zone_inactive_file", "nr_zone_active_file", "nr_zone_unevictable",
	"nr_zone_write_pending", "nr_mlock", "nr_bounce", "nr_zspages",
	"nr_free_cma", "nr_unaccepted",
};

static const char *const numa_stat_names[] = {
	"numa_hit", "numa_miss", "numa_foreign", "numa_interleave",
	"numa_local", "numa_other",
};

static bool is_zone_first_populated(pg_data_t *pgdat, struct zone *zone)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (populated_zone(z))
			return z == zone;
	}
	return false;
}

static int nr_zones_shown(struct kmm_machine *m)
{
	return m->desc.zone_device ? MAX_NR_ZONES : MAX_NR_ZONES - 1;
}

static void zoneinfo_zone(struct kmm_machine *m, const struct kmm_sink *out,
			  pg_data_t *pgdat, struct zone *zone, int idx)
{
	int nz = nr_zones_shown(m);

	kmm_sink_printf(out, "Node %d, zone %8s", pgdat->node_id,
			zone_names[idx]);
	if (is_zone_first_populated(pgdat, zone)) {
		kmm_sink_printf(out, "\n  per-node stats");
		for (size_t i = 0; i < ARRAY_SIZE(node_stat_names); i++)
			kmm_sink_printf(out, "\n      %-12s %lu",
					node_stat_names[i], 0UL);
	}
	kmm_sink_printf(out, "\n  pages free     %lu"
			"\n        boost    %lu"
			"\n        min      %lu"
			"\n        low      %lu"
			"\n        high     %lu",
			(unsigned long)atomic_load(&zone->vm_stat[0]),
			zone->watermark_boost, zone->_watermark[WMARK_MIN],
			zone->_watermark[WMARK_LOW] + zone->watermark_boost,
			zone->_watermark[WMARK_HIGH] + zone->watermark_boost);
	if (m->kver >= KMM_KVER(6, 11))
		kmm_sink_printf(out, "\n        promo    %lu",
				zone->_watermark[WMARK_PROMO] +
				zone->watermark_boost);
	kmm_sink_printf(out, "\n        spanned  %lu"
			"\n        present  %lu"
			"\n        managed  %lu"
			"\n        cma      %lu",
			zone->spanned_pages, zone->present_pages,
			zone_managed_pages(zone), zone->cma_pages);
	kmm_sink_printf(out, "\n        protection: (%ld", zone->lowmem_reserve[0]);
	for (int i = 1; i < nz; i++)
		kmm_sink_printf(out, ", %ld", zone->lowmem_reserve[i]);
	kmm_sink_printf(out, ")");
	if (!populated_zone(zone)) {
		kmm_sink_printf(out, "\n");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(zone_stat_names); i++)
		kmm_sink_printf(out, "\n      %-12s %lu", zone_stat_names[i],
				i == 0 ? (unsigned long)atomic_load(&zone->vm_stat[0]) :
					 0UL);
	for (size_t i = 0; i < ARRAY_SIZE(numa_stat_names); i++)
		kmm_sink_printf(out, "\n      %-12s %lu", numa_stat_names[i], 0UL);
	kmm_sink_printf(out, "\n  pagesets");
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		kmm_sink_printf(out, "\n    cpu: %i"
				"\n              count: %i"
				"\n              high:  %i"
				"\n              batch: %i",
				cpu, 0, 0, 1);
		kmm_sink_printf(out, "\n  vm stats threshold: %d", 0);
	}
	kmm_sink_printf(out, "\n  node_unreclaimable:  %u"
			"\n  start_pfn:           %lu\n", 0U,
			zone->zone_start_pfn);
}

static void zoneinfo_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = m->node_data[nid];

		if (!pgdat || !node_online(nid))
			continue;
		for (int z = 0; z < nr_zones_shown(m); z++)
			zoneinfo_zone(m, out, pgdat, &pgdat->node_zones[z], z);
	}
}

int kmm_vmstat_report(struct kmm_machine *m, const char *name,
		      const struct kmm_sink *out)
{
	if (!m->booted)
		return -EINVAL;
	if (!kmm_strcmp(name, "zoneinfo")) {
		zoneinfo_show(m, out);
		return 0;
	}
	return -ENOENT;
}
