/* SPDX-License-Identifier: MIT */
/*
 * init/main.c - start_kernel(), the memory-management part of it.
 *
 * What: the order in which Linux 6.12's start_kernel brings memory up:
 * the banner, setup_arch (firmware map to zones), the per-CPU areas
 * (mm/percpu.c: the first chunk, from the early allocator),
 * "Kernel command line:" and the unknown-parameter note, the early dentry
 * and inode hash tables, then mm_core_init: build_all_zonelists (up to 6.3
 * start_kernel called it right after the per-CPU areas, before the
 * command line), and mem_init's hand-over of all free memory from the
 * early allocator (memblock, or bootmem on kmm's bootmem path) to the buddy
 * free lists (with the "Memory:" line up to 6.11); then the per-CPU
 * pagesets, smp_init's lines, page_alloc_init_late's deferred struct pages
 * (deferred_init=parallel; lazy leaves them to zones that run short) and,
 * from 6.12, the "Memory:" line; the postcore initcall that sets
 * watermarks, lowmem reserves and pageset sizes (init_per_zone_wmark_min),
 * the rootfs initcall that frees the initrd (init/initramfs.c),
 * and the device initcall that brings cacheinfo up (setup_pcp_cacheinfo:
 * the last-level cache's slice per CPU against each pageset's batch).
 *
 * Failure: any panic inside unwinds to kmm_machine_boot, which reports it.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/hugetlb.h>
#include <kmm/numa.h>

int start_kernel(void);
void setup_arch(void);
void kmm_parse_args(void);
void mem_init_print_info(void);
void setup_per_cpu_pageset(void);
void setup_per_cpu_areas(void);
void kmem_cache_init(void);
void kmem_cache_init_late(void);
void vmalloc_init(void);
void init_per_zone_wmark_min(void);
void setup_pcp_cacheinfo(int cpu);
void report_meminit(void);
void populate_rootfs(void);
void mem_debugging_and_hardening_init(void);
unsigned long kmm_deferred_free_pages(pg_data_t *pgdat);


/*
 * vfs_caches_init_early: the dentry and inode hash tables, from memblock,
 * when they are not spread over the nodes (hashdist: one node with memory,
 * or hashdist=0).  kmm has no VFS; the tables are allocated because they
 * take their memory here, before mem_init.  With hashdist, Linux vmallocs
 * them after mm_core_init: kmm does not model that.
 */
static void vfs_caches_init_early(struct kmm_machine *m)
{
	int with_memory = 0, hashdist;

	for (int nid = 0; nid < KMM_MAX_NODES; nid++)
		with_memory += node_state(nid, N_MEMORY);
	/*
	 * HASHDIST_DEFAULT on 64-bit NUMA; from 5.3 fixed up to 0 for one
	 * memory node (before, the tables always came later).
	 */
	hashdist = m->kver < KMM_KVER(5, 3) || with_memory > 1;
	if (m->params.hashdist >= 0)
		hashdist = m->params.hashdist;
	if (hashdist)
		return;
	/* sizeof(struct hlist_bl_head) and sizeof(struct hlist_head): 8. */
	alloc_large_system_hash_early("Dentry cache", 8,
				      m->params.dhash_entries, 13, 2);
	alloc_large_system_hash_early("Inode-cache", 8,
				      m->params.ihash_entries, 14, 0);
}

static void mem_init(struct kmm_machine *m)
{
	if (kmm_bootmem_active())
		free_all_bootmem();
	else
		memblock_free_all();
}

static bool late_mem_info(struct kmm_machine *m)
{
	return m->kver >= KMM_KVER(6, 12);
}

/* The lazy mode's note (6.18's log has it) and mem_init_print_info. */
static void mem_init_info(struct kmm_machine *m, unsigned long pending)
{
	if (pending && m->params.deferred == KMM_DEFERRED_LAZY)
		pr_info("deferred_init=lazy: %lu pages left to deferred_grow_zone()\n",
			pending);
	mem_init_print_info();
}

int start_kernel(void)
{
	struct kmm_machine *m = kmm_current();
	unsigned long pending = 0;

	pr_notice("Linux version %d.%d.0-kmm (kmm) #1 SMP\n", m->kver / 100,
		  m->kver % 100);
	setup_arch();
	setup_per_cpu_areas();
	/*
	 * Up to 6.3 start_kernel builds the zonelists right after the
	 * percpu areas, before the command line line; 6.4 moved the call
	 * into mm_core_init, after the early hash tables.
	 */
	if (m->kver < KMM_KVER(6, 4))
		build_all_zonelists(NULL);
	pr_notice("Kernel command line: %s\n", m->desc.cmdline);
	kmm_parse_args();
	vfs_caches_init_early(m);
	if (m->kver >= KMM_KVER(6, 4))
		build_all_zonelists(NULL);
	mem_debugging_and_hardening_init();
	report_meminit();
	mem_init(m);
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (p && p->first_deferred_pfn != ULONG_MAX) {
			p->deferred_pending = kmm_deferred_free_pages(p);
			pending += p->deferred_pending;
		}
	}
	atomic_store(&m->deferred_pages_left, (long)pending);
	/*
	 * Up to 6.11 mm_core_init prints the Memory: line right after
	 * mem_init; 6.12 (6.12.118, the reference) prints it at the end of
	 * page_alloc_init_late, once deferred struct pages are in.
	 */
	if (!late_mem_info(m))
		mem_init_info(m, pending);
	m->buddy_up = true;
	/* mm_core_init: the slab allocator. */
	kmem_cache_init();
	/* mm_core_init: vmalloc_init (the "vmap_area" cache, the range). */
	vmalloc_init();
	/* start_kernel: the real per-CPU pagesets. */
	setup_per_cpu_pageset();
	/* kernel_init_freeable: smp_init brings the other CPUs up. */
	pr_info("smp: Bringing up secondary CPUs ...\n");
	/*
	 * num_online_nodes(): the nodes with memory, and those init_cpu_to_node
	 * brought online for their CPUs.
	 */
	pr_info("smp: Brought up %d node%s, %d CPU%s\n", m->nr_online_nodes,
		m->nr_online_nodes == 1 ? "" : "s", m->nr_online_cpus,
		m->nr_online_cpus == 1 ? "" : "s");
	/* page_alloc_init_late: the deferred struct pages, one thread a node. */
	if (pending && m->params.deferred == KMM_DEFERRED_PARALLEL)
		kmm_deferred_init_all(m);
	if (late_mem_info(m))
		mem_init_info(m, (unsigned long)atomic_load(&m->deferred_pages_left));
	/* postcore_initcall: watermarks, reserves, pageset highs. */
	init_per_zone_wmark_min();
	/* arch_initcall gigantic_pages_init, subsys_initcall hugetlb_init. */
	gigantic_pages_init();
	hugetlb_init();
	/* start_kernel's kmem_cache_init_late (SLAB: enable_cpucache). */
	kmem_cache_init_late();
	/* rootfs_initcall: the initrd is unpacked and its pages freed. */
	populate_rootfs();
	/* device_initcall: cacheinfo comes up for each CPU. */
	for (int cpu = 0; cpu < m->nr_online_cpus; cpu++)
		setup_pcp_cacheinfo(cpu);
	return 0;
}
