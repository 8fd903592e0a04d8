/* SPDX-License-Identifier: MIT */
/*
 * test_boot.c - whole boots: zones, ZONE_MOVABLE, zonelists, NUMA, memmap,
 * deferred init, huge machines, several machines at once, bad input.
 *
 * Expected values are worked out by hand from the rules in Linux 6.12
 * (the arithmetic is in the comments), never taken from kmm's output.
 */
#include <pthread.h>
#include "ktest.h"
#include "kmm_test_util.h"

static struct zone *Z(struct kmm_machine *m, int nid, int zid)
{
	return &m->node_data[nid]->node_zones[zid];
}

/*
 * The default 8 GiB machine with one node: usable [0x0, 0x9fc00),
 * [1M, 3G), [4G, 4G + 5G - ...).  kmm_desc_compact gives usable RAM
 * below 4 GiB up to 0xbfffffff and the rest above 4 GiB.
 */
KT_TEST(zones_of_a_pc)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 1, 2, NULL);
	char err[256];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* DMA: [0x1, 0x1000): pfns 1..0x9e plus 0x100..0xfff present. */
	KT_EQ(Z(m, 0, ZONE_DMA)->zone_start_pfn, 1);
	KT_EQ(Z(m, 0, ZONE_DMA)->spanned_pages, 0x1000 - 1);
	KT_EQ(Z(m, 0, ZONE_DMA)->present_pages, (0x9f - 1) + (0x1000 - 0x100));
	/* DMA32: [0x1000, 0x100000), memory to 0xc0000. */
	KT_EQ(Z(m, 0, ZONE_DMA32)->zone_start_pfn, 0x1000);
	KT_EQ(Z(m, 0, ZONE_DMA32)->spanned_pages, 0x100000 - 0x1000);
	KT_EQ(Z(m, 0, ZONE_DMA32)->present_pages, 0xc0000 - 0x1000);
	/* Normal: from 4 GiB to max_pfn. */
	KT_EQ(Z(m, 0, ZONE_NORMAL)->zone_start_pfn, 0x100000);
	KT_EQ(Z(m, 0, ZONE_NORMAL)->spanned_pages, m->pfn_max - 0x100000);
	KT_EQ(Z(m, 0, ZONE_NORMAL)->present_pages, m->pfn_max - 0x100000);
	KT_EQ(Z(m, 0, ZONE_MOVABLE)->spanned_pages, 0);
	/* 6.12: managed starts as present; after hand-over, what was freed. */
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	if (kt_failed_now)
		fprintf(stderr, "  %s\n", err);
	kmm_machine_destroy(m);
}

/*
 * movablecore=2G on one node: 524288 pages, already a multiple of 1024;
 * kernelcore = total - 524288; ZONE_MOVABLE is the top 2 GiB of the node,
 * starting at max_pfn - 524288 rounded up to 1024 pages.
 */
KT_TEST(movablecore_takes_the_top)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 1, 2,
					     "movablecore=2G");
	char line[128], *log;
	unsigned long want;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	want = ALIGN(m->pfn_max - 524288, 1024);
	KT_EQ(m->zone_movable_pfn[0], want);
	KT_EQ(Z(m, 0, ZONE_MOVABLE)->zone_start_pfn, want);
	KT_EQ(Z(m, 0, ZONE_MOVABLE)->spanned_pages, m->pfn_max - want);
	KT_EQ(Z(m, 0, ZONE_NORMAL)->spanned_pages, want - 0x100000);
	log = machine_log(m);
	snprintf(line, sizeof(line), "Movable zone start for each node\n  Node 0: %#018llx\n",
		 (unsigned long long)want << 12);
	KT_CONTAINS(log, line);
	free(log);
	kmm_machine_destroy(m);
}

/*
 * kernelcore=50% on 2 nodes: required = total * 100 * 50 / 10000, split
 * evenly: each node keeps required/2 pages for the kernel, counting its
 * memory below 4 GiB (node 0) as kernelcore that cannot be movable.
 */
KT_TEST(kernelcore_percent_spreads_over_nodes)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 2,
					     "kernelcore=50%");
	unsigned long total = 0, s, e, req, per, n0_low = 0, want0, want1;
	int i, nid;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid) {
		total += e - s;
		if (nid == 0 && s < 0x100000)
			n0_low += min(e, 0x100000UL) - s;
	}
	req = total * 100 * 50 / 10000;
	per = req / 2;
	/*
	 * Pass 1: node 0's low memory (3 GiB) alone exceeds its share, so
	 * node 0 stops at 4 GiB with r1 = req - n0_low still needed; the
	 * share drops to r1 / 2 and node 1 takes that.  Pass 2 (one node
	 * fewer): node 0 takes the rest, r1 - r1 / 2, above 4 GiB.
	 */
	KT_TRUE(n0_low > per);
	unsigned long r1 = req - n0_low;

	want0 = ALIGN(0x100000 + (r1 - r1 / 2), 1024);
	want1 = ALIGN(m->node_data[1]->node_start_pfn + r1 / 2, 1024);
	KT_EQ(m->zone_movable_pfn[0], want0);
	KT_EQ(m->zone_movable_pfn[1], want1);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

static char *boot_with_distances(int n, const int *dist, struct kmm_machine **out)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;
	char *log = NULL;

	kmm_desc_init(d);
	if (kmm_desc_compact(d, (unsigned long long)n << 30, n, n, err, sizeof(err)) ||
	    kmm_desc_set_distance(d, n, dist, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		free(d);
		return NULL;
	}
	m = boot_desc(d);
	if (m)
		log = machine_log(m);
	free(d);
	if (out)
		*out = m;
	else
		kmm_machine_destroy(m);
	return log;
}

/*
 * A 4-node ring, every node with a CPU:
 *	10 20 30 20 / 20 10 20 30 / 30 20 10 20 / 20 30 20 10
 * find_next_best_node: val = (dist + (n < local) + 1) * 1024 + load[n].
 * Node 0: 1 (21504) beats 3 (21504, later); load[1]=1; then 3; then 2
 *   (distance changes: load[2]=1)                    -> 0 1 3 2
 * Node 1: 2 = 21*1024+1 beats 0 = 22*1024; load[2]=2; 0; 3 (load[3]=1)
 *                                                    -> 1 2 0 3
 * Node 2: 3 = 21*1024+1, 1 = 22*1024+1, 0 = 32*1024; load[3]=2; then 1;
 *   then 0 (load[0]=1)                               -> 2 3 1 0
 * Node 3: 0 = 22*1024+1 beats 2 = 22*1024+2; load[0]=2; 2; 1
 *                                                    -> 3 0 2 1
 */
KT_TEST(zonelists_four_node_ring)
{
	const int ring[16] = { 10, 20, 30, 20, 20, 10, 20, 30,
			       30, 20, 10, 20, 20, 30, 20, 10 };
	char *log = boot_with_distances(4, ring, NULL);

	KT_TRUE(log != NULL);
	if (!log)
		return;
	KT_CONTAINS(log, "Fallback order for Node 0: 0 1 3 2 \n");
	KT_CONTAINS(log, "Fallback order for Node 1: 1 2 0 3 \n");
	KT_CONTAINS(log, "Fallback order for Node 2: 2 3 1 0 \n");
	KT_CONTAINS(log, "Fallback order for Node 3: 3 0 2 1 \n");
	KT_CONTAINS(log, "Built 4 zonelists, mobility grouping on.");
	free(log);
}

/*
 * 8 nodes as two sockets of four (10 inside a node, 16 inside a socket,
 * 32 across).  For node 0: 1,2,3 at (16+1)*1024 in id order, the first
 * (1) gets load 1; then 4..7 at (32+1)*1024, the first (4) gets load 1.
 * Node 1: 2 and 3 at 17*1024 + 0 beat 0 at (16+1+1)*1024; 2 first (load
 * 1), 3, then 0; far side: 5,6,7 at 33*1024 beat 4 at 33*1024 + 1, and 5
 * gets load 1: 1 2 3 0 5 6 7 4.
 */
KT_TEST(zonelists_eight_nodes_two_sockets)
{
	int d[64];
	struct kmm_machine *m = NULL;
	char *log;

	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			d[i * 8 + j] = i == j ? 10 : (i / 4 == j / 4 ? 16 : 32);
	log = boot_with_distances(8, d, &m);
	KT_TRUE(log != NULL);
	if (!log)
		return;
	KT_CONTAINS(log, "Fallback order for Node 0: 0 1 2 3 4 5 6 7 \n");
	KT_CONTAINS(log, "Fallback order for Node 1: 1 2 3 0 5 6 7 4 \n");
	/* Every list holds every node exactly once; own node first. */
	for (int n = 0; n < 8; n++) {
		struct zoneref *z = m->node_data[n]->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
		int seen[8] = { 0 }, first = -1;

		for (; z->zone; z++) {
			int nid = z->zone->node;

			if (first < 0)
				first = nid;
			seen[nid]++;
		}
		KT_EQ(first, n);
		for (int k = 0; k < 8; k++)
			KT_TRUE(seen[k] >= 1);
		/* NOFALLBACK: only the node's own zones. */
		z = m->node_data[n]->node_zonelists[ZONELIST_NOFALLBACK]._zonerefs;
		for (; z->zone; z++)
			KT_EQ(z->zone->node, n);
	}
	free(log);
	kmm_machine_destroy(m);
}

/* numa=off: one fake node even with an SRAT; numa=fake=4 splits it. */
KT_TEST(numa_off_and_fake)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 2, "numa=off");
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "NUMA turned off\nFaking a node at [mem 0x0000000000000000-");
	KT_EQ(m->nr_online_nodes, 1);
	free(log);
	kmm_machine_destroy(m);

	m = boot_compact(8ULL << 30, 1, 4, "numa=fake=4");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_EQ(count_lines(log, "Faking node "), 4);
	KT_EQ(m->nr_online_nodes, 4);
	KT_EQ(count_lines(log, "Fallback order for Node "), 4);
	free(log);
	kmm_machine_destroy(m);
}

/*
 * A node with CPUs but no memory: possible, memoryless, no NODE_DATA line.
 * init_cpu_to_node puts CPU 1 on it and brings it online after the zones
 * (Linux 6.12), so it counts in the zonelists and smp lines, /proc/zoneinfo
 * shows its empty zones, and CPU 1's pages and objects come from node 0
 * (counted numa_other), for both slab backends.
 */
KT_TEST(memoryless_node)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;
	char *log;

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 4ULL << 30, 1, 2, err, sizeof(err)), 0);
	/* An SRAT with all memory on node 0; CPU 1 sits on node 1. */
	d->nr_srat = 1;
	d->srat[0].pxm = 0;
	d->srat[0].nid = 0;
	d->srat[0].start = 0;
	d->srat[0].end = 0x140000000ULL;
	d->cpu_node[0] = 0;
	d->cpu_node[1] = 1;
	d->nr_slit = 2;
	d->slit[0][0] = d->slit[1][1] = 10;
	d->slit[0][1] = d->slit[1][0] = 20;
	for (int b = 0; b < 2; b++) {
		char *zi;
		struct page *pg;
		void *obj;

		snprintf(d->cmdline, sizeof(d->cmdline), "%s",
			 b ? "slab=slab" : "slab=slub");
		m = boot_desc(d);
		KT_TRUE(m != NULL);
		if (!m)
			continue;
		log = machine_log(m);
		KT_CONTAINS(log, "Initmem setup node 1 as memoryless\n");
		KT_EQ(count_lines(log, "NODE_DATA(1)"), 0);
		KT_EQ(m->node_data[1]->node_present_pages, 0);
		/* 6.12: a memoryless node's list starts with the nearest node. */
		KT_CONTAINS(log, "Fallback order for Node 1: 0 \n");
		KT_CONTAINS(log, "Built 2 zonelists, mobility grouping on.");
		KT_CONTAINS(log, "smp: Brought up 2 nodes, 2 CPUs\n");
		KT_EQ(m->cpu_to_node[0], 0);
		KT_EQ(m->cpu_to_node[1], 1);
		KT_TRUE(node_isset(1, &m->node_states[N_ONLINE]));
		KT_TRUE(node_isset(1, &m->node_states[N_CPU]));
		KT_FALSE(node_isset(1, &m->node_states[N_MEMORY]));
		zi = machine_report(m, "zoneinfo");
		KT_TRUE(zi != NULL);
		if (zi)
			KT_CONTAINS(zi, "Node 1, zone   Normal\n  pages free     0\n");
		free(zi);
		free(log);
		/* CPU 1 allocates from the nearest node with memory. */
		kmm_machine_enter(m);
		KT_EQ(kmm_cpu_bind(m, 1), 0);
		pg = alloc_pages(GFP_KERNEL, 0);
		KT_TRUE(pg != NULL);
		if (pg) {
			KT_EQ(page_to_nid(pg), 0);
			__free_pages(pg, 0);
		}
		for (int i = 0; i < 1000; i++) {
			obj = kmalloc(64 + (size_t)(i % 7) * 100, GFP_KERNEL);
			KT_TRUE(obj != NULL);
			if (obj)
				KT_EQ(page_to_nid(virt_to_page(obj)), 0);
			kfree(obj);
		}
		obj = kmalloc_node(128, GFP_KERNEL, 1);
		KT_TRUE(obj != NULL);
		kfree(obj);
		KT_EQ(kmm_slab_errors(m), 0);
		KT_EQ(kmm_slab_validate(m), 0);
		kmm_machine_enter(NULL);
		kmm_machine_destroy(m);
	}
	free(d);
}

/*
 * The CPU-to-node map as Linux 6.12 builds it: numa_init_array puts every
 * CPU round robin over the online nodes, then init_cpu_to_node gives each
 * CPU with a processor affinity its node; numa=fake moves an affinity to
 * the first emulated node of that physical node, or to node 0 if none was
 * made from it (numa_emu_update_cpu_to_node).
 */
static struct kmm_machine *boot_cpu_nodes(int nodes_with_mem, const int *cpu_node,
					  int ncpus, const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;

	kmm_desc_init(d);
	if (kmm_desc_compact(d, 8ULL << 30, 1, ncpus, err, sizeof(err))) {
		free(d);
		return NULL;
	}
	/* Memory on node 0, and on node 2 when two nodes have memory. */
	d->nr_srat = nodes_with_mem;
	d->srat[0].pxm = 0;
	d->srat[0].nid = 0;
	d->srat[0].start = 0;
	d->srat[0].end = nodes_with_mem > 1 ? 0x140000000ULL : 1ULL << 40;
	if (nodes_with_mem > 1) {
		d->srat[1].pxm = 2;
		d->srat[1].nid = 2;
		d->srat[1].start = 0x140000000ULL;
		d->srat[1].end = 1ULL << 40;
	}
	for (int c = 0; c < ncpus; c++)
		d->cpu_node[c] = cpu_node[c];
	d->nr_slit = 4;
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < 4; j++)
			d->slit[i][j] = i == j ? 10 : 20;
	if (cmdline)
		snprintf(d->cmdline, sizeof(d->cmdline), "%s", cmdline);
	m = boot_desc(d);
	free(d);
	return m;
}

KT_TEST(cpu_to_node_map)
{
	static const struct {
		int mem_nodes, ncpus, in[6], out[6];
		const char *cmdline;
	} cases[] = {
		/* CPUs without an affinity keep their round-robin node. */
		{ 2, 4, { 0, -1, 2, -1 }, { 0, 2, 2, 2 }, NULL },
		/* Memoryless nodes 1 and 3 come online for their CPUs. */
		{ 2, 6, { 0, 1, 1, 2, 3, 3 }, { 0, 1, 1, 2, 3, 3 }, NULL },
		/* Emulated: physical 1 and 3 made no emulated node: node 0. */
		{ 2, 6, { 0, 1, 1, 2, 3, 3 }, { 0, 0, 0, 1, 0, 0 }, "numa=fake=4" },
		/* No affinities with numa=off: round robin over the fake nodes. */
		{ 2, 4, { 0, 0, 2, 2 }, { 0, 1, 2, 3 }, "numa=off numa=fake=4" },
		{ 1, 4, { 0, 1, 2, 3 }, { 0, 0, 0, 0 }, "numa=off" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmm_machine *m = boot_cpu_nodes(cases[i].mem_nodes,
						       cases[i].in, cases[i].ncpus,
						       cases[i].cmdline);

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		for (int c = 0; c < cases[i].ncpus; c++) {
			if (m->cpu_to_node[c] != cases[i].out[c])
				fprintf(stderr, "  case %zu: CPU %d on node %d, want %d\n",
					i, c, m->cpu_to_node[c], cases[i].out[c]);
			KT_EQ(m->cpu_to_node[c], cases[i].out[c]);
			KT_TRUE(node_isset(m->cpu_to_node[c], &m->node_states[N_ONLINE]));
		}
		kmm_machine_destroy(m);
	}
}

/*
 * nr_cpus= limits the possible CPUs (maxcpus=0 and nosmp to one): the
 * percpu, SLUB and smp lines, the pagesets in zoneinfo and the CPUs
 * threads run as all follow; maxcpus=N brings up N of them (the smp line,
 * zoneinfo, the pageset sizes and the threads' CPUs follow); as Linux, a leading number counts and
 * anything else is ignored without a word.
 */
static void *cpu_of_thread(void *arg)
{
	struct kmm_machine *m = arg;
	int cpu;

	kmm_machine_enter(m);
	cpu = kmm_cpu_of(m);
	kmm_cpu_release(m);
	return (void *)(long)cpu;
}

/* high_min of CPU 0's DMA32 pageset (zone_highsize over the online CPUs). */
static long pcp0_high_min(struct kmm_machine *m)
{
	return m->node_data[0]->node_zones[ZONE_DMA32].per_cpu_pageset[0].high_min;
}

KT_TEST(nr_cpus_and_maxcpus)
{
	static const struct {
		const char *cmdline;
		int cpus, online;
	} cases[] = {
		{ "nr_cpus=2", 2, 2 }, { "maxcpus=0", 1, 1 }, { "nosmp", 1, 1 },
		{ "nr_cpus=9", 4, 4 }, { "maxcpus=2", 4, 2 },
		{ "nr_cpus=two", 4, 4 }, { "nr_cpus=3x", 3, 3 },
		{ "maxcpus=abc", 4, 4 }, { "maxcpus", 4, 4 },
		{ "maxcpus=3 nr_cpus=2", 2, 2 }, { "maxcpus=9", 4, 4 },
	};
	long high2 = -1, high4 = -1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmm_machine *m = boot_compact(2ULL << 30, 1, 4,
						     cases[i].cmdline);
		int n = cases[i].cpus, on = cases[i].online;
		char want[128], *log, *zi;
		pthread_t t;
		void *ret;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		KT_EQ(m->nr_cpus, n);
		KT_EQ(m->nr_online_cpus, on);
		log = machine_log(m);
		/* Possible CPUs: the percpu and SLUB lines. */
		snprintf(want, sizeof(want), "nr_cpu_ids:%d nr_node_ids:1\n", n);
		KT_CONTAINS(log, want);
		snprintf(want, sizeof(want), "MinObjects=0, CPUs=%d, Nodes=1\n", n);
		KT_CONTAINS(log, want);
		/* Online CPUs: the smp line. */
		snprintf(want, sizeof(want), "smp: Brought up 1 node, %d CPU%s\n",
			 on, on == 1 ? "" : "s");
		KT_CONTAINS(log, want);
		/* Linux reads a leading number and never complains. */
		KT_TRUE(strstr(log, "Malformed early option") == NULL);
		free(log);
		/* zoneinfo shows the online CPUs' pagesets. */
		zi = machine_report(m, "zoneinfo");
		KT_TRUE(zi != NULL);
		if (zi) {
			snprintf(want, sizeof(want), "\n    cpu: %d\n", on - 1);
			KT_CONTAINS(zi, want);
			snprintf(want, sizeof(want), "\n    cpu: %d\n", on);
			KT_TRUE(strstr(zi, want) == NULL);
			/*
			 * Pagesets are sized by the online CPUs: two
			 * brought up of four as two possible, not as four.
			 */
			long hm = pcp0_high_min(m);

			if (!strcmp(cases[i].cmdline, "nr_cpus=2"))
				high2 = hm;
			if (!strcmp(cases[i].cmdline, "nr_cpus=9"))
				high4 = hm;
			if (!strcmp(cases[i].cmdline, "maxcpus=2")) {
				KT_EQ(hm, high2);
				KT_TRUE(hm != high4 && hm > 0);
			}
		}
		free(zi);
		/* A second thread runs as a CPU the machine brought up. */
		pthread_create(&t, NULL, cpu_of_thread, m);
		pthread_join(t, &ret);
		KT_TRUE((long)ret >= 0 && (long)ret < on);
		KT_EQ(kmm_cpu_bind(m, on), -EINVAL);
		kmm_machine_enter(NULL);
		kmm_machine_destroy(m);
	}
}

/* mem= cuts RAM; memmap= reserves; the user map is printed. */
KT_TEST(mem_and_memmap)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 1, 1, "mem=2G");
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_EQ(m->pfn_max, 0x80000);
	log = machine_log(m);
	KT_CONTAINS(log, "user-defined physical RAM map:\n");
	KT_CONTAINS(log, "user: [mem 0x0000000000100000-0x000000007fffffff] usable\n");
	free(log);
	kmm_machine_destroy(m);

	m = boot_compact(8ULL << 30, 1, 1, "memmap=64M$0x10000000");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "user: [mem 0x0000000010000000-0x0000000013ffffff] reserved\n");
	KT_CONTAINS(log, "  node   0: [mem 0x0000000000100000-0x000000000fffffff]\n");
	KT_CONTAINS(log, "  node   0: [mem 0x0000000014000000-0x00000000bfffffff]\n");
	free(log);
	kmm_machine_destroy(m);
}

/* The direct map shows RAM and faults on holes; __va/__pa round trip. */
KT_TEST(direct_map_and_memmap_addresses)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 1, NULL);
	struct page *p;
	u8 *va;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	va = __va(0x200000);
	KT_EQ(__pa(va), 0x200000);
	p = virt_to_page(va);
	KT_EQ(page_to_pfn(p), 0x200);
	KT_EQ(page_to_nid(p), 0);
	KT_EQ(page_zonenum(p), ZONE_DMA);
	KT_TRUE(pfn_valid(0x200));
	/* 3..4 GiB is the PCI hole: no section present there. */
	KT_FALSE(pfn_valid(0xe0000));
	KT_EQ(page_zonenum(pfn_to_page(0x100100)), ZONE_NORMAL);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

/* A 16 TiB, 16-node machine boots lazily with little host memory. */
KT_TEST(sixteen_tib_sixteen_nodes)
{
	u64 rss0 = kmm_plat_rss();
#ifdef UNDER_TSAN
	/* TSan's memory layout has no room for a 16 TiB window. */
	printf("  skipped under ThreadSanitizer\n");
	return;
#endif
	struct kmm_machine *m = boot_compact(16ULL << 40, 16, 32,
					     "deferred_init=lazy");
	char *log, err[256];
	u64 grew;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	grew = kmm_plat_rss() - rss0;
	log = machine_log(m);
	KT_EQ(m->nr_online_nodes, 16);
	KT_EQ(count_lines(log, "NODE_DATA("), 16);
	KT_CONTAINS(log, "Built 16 zonelists, mobility grouping on.");
	KT_TRUE(grew < (512ULL << 20));
	printf("  16 TiB boot: %.1f ms, resident grew %.1f MiB\n",
	       m->boot_ns / 1e6, grew / 1048576.0);
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	free(log);
	kmm_machine_destroy(m);
}

/* Deferred init: lazy leaves pages, kmm_deferred_init_all finishes them. */
KT_TEST(deferred_init_modes_agree)
{
	struct kmm_machine *lazy = boot_compact(16ULL << 30, 2, 4,
						"deferred_init=lazy");
	struct kmm_machine *off = boot_compact(16ULL << 30, 2, 4,
					       "deferred_init=off");
	char err[256];

	KT_TRUE(lazy && off);
	if (!lazy || !off)
		return;
	KT_TRUE(atomic_load(&lazy->deferred_pages_left) > 0);
	KT_EQ(atomic_load(&off->deferred_pages_left), 0);
	kmm_deferred_init_all(lazy);
	KT_EQ(atomic_load(&lazy->deferred_pages_left), 0);
	/*
	 * The initrd's pages went through CPU 0's per-CPU lists, whose high
	 * differs between the modes (it follows the managed pages at boot):
	 * empty them before comparing free counts.
	 */
	kmm_machine_enter(lazy);
	drain_all_pages(NULL);
	kmm_machine_enter(off);
	drain_all_pages(NULL);
	kmm_machine_enter(NULL);
	for (int n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *a = Z(lazy, n, z), *b = Z(off, n, z);

			KT_EQ(zone_managed_pages(a), zone_managed_pages(b));
			KT_EQ(atomic_load(&a->vm_stat[0]),
			      atomic_load(&b->vm_stat[0]));
		}
	KT_EQ(kmm_mm_verify(lazy, err, sizeof(err)), 0);
	KT_EQ(kmm_mm_verify(off, err, sizeof(err)), 0);
	kmm_machine_destroy(lazy);
	kmm_machine_destroy(off);
}

/* bootmem and memblock end in the same zones and the same free memory. */
KT_TEST(bootmem_and_memblock_agree)
{
	struct kmm_machine *a = boot_compact(8ULL << 30, 2, 2,
					     "deferred_init=off");
	struct kmm_machine *b = boot_compact(8ULL << 30, 2, 2,
					     "deferred_init=off bootmem");
	char err[256];
	long fa = 0, fb = 0;

	KT_TRUE(a && b);
	if (!a || !b)
		return;
	for (int n = 0; n < 2; n++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			KT_EQ(Z(a, n, z)->zone_start_pfn, Z(b, n, z)->zone_start_pfn);
			KT_EQ(Z(a, n, z)->spanned_pages, Z(b, n, z)->spanned_pages);
			KT_EQ(Z(a, n, z)->present_pages, Z(b, n, z)->present_pages);
			fa += atomic_load(&Z(a, n, z)->vm_stat[0]);
			fb += atomic_load(&Z(b, n, z)->vm_stat[0]);
		}
	printf("  free pages: memblock %ld, bootmem %ld\n", fa, fb);
	/*
	 * One difference is inherent: memblock is byte-granular and top-down,
	 * so each node's small usemap shares the partly used page below its
	 * NODE_DATA; bootmem reserves whole pages (NODE_DATA's first page is
	 * reserved whole) and its usemap takes a page of its own: one page
	 * per node.
	 */
	KT_EQ(fa - fb, 2);
	KT_EQ(kmm_mm_verify(a, err, sizeof(err)), 0);
	KT_EQ(kmm_mm_verify(b, err, sizeof(err)), 0);
	kmm_machine_destroy(a);
	kmm_machine_destroy(b);
}

/* Several machines booting at once in threads: same logs as alone. */
struct par {
	unsigned long long mem;
	int nodes;
	char *log;
	int ok;
};

static void *boot_thread(void *arg)
{
	struct par *p = arg;

	for (int i = 0; i < 3; i++) {
		struct kmm_machine *m = boot_compact(p->mem, p->nodes, 2, NULL);
		char err[256];

		if (!m)
			return NULL;
		char *log = machine_log(m);

		if (kmm_mm_verify(m, err, sizeof(err))) {
			fprintf(stderr, "  verify: %s\n", err);
			free(log);
			kmm_machine_destroy(m);
			return NULL;
		}
		char *cut = strstr(log, "\nnode ");

		if (cut)
			*cut = '\0';
		if (!p->log)
			p->log = log;
		else if (strcmp(p->log, log))
			return free(log), kmm_machine_destroy(m), (void *)NULL;
		else
			free(log);
		kmm_machine_destroy(m);
	}
	p->ok = 1;
	return NULL;
}

KT_TEST(machines_boot_concurrently)
{
	struct par ps[4] = {
		{ 4ULL << 30, 1, NULL, 0 }, { 8ULL << 30, 2, NULL, 0 },
		{ 6ULL << 30, 3, NULL, 0 }, { 8ULL << 30, 4, NULL, 0 },
	};
	pthread_t t[4];

	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, boot_thread, &ps[i]);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 4; i++) {
		struct kmm_machine *m;
		char *alone;

		KT_TRUE(ps[i].ok);
		m = boot_compact(ps[i].mem, ps[i].nodes, 2, NULL);
		alone = machine_log(m);
		if (ps[i].log) {
			/* Deferred-init lines come in any order: cut them. */
			char *a = strstr(alone, "\nnode "), *b = strstr(ps[i].log, "\nnode ");

			if (a)
				*a = '\0';
			if (b)
				*b = '\0';
			KT_STREQ(ps[i].log, alone);
		}
		free(alone);
		free(ps[i].log);
		kmm_machine_destroy(m);
	}
}

/* A boot that panics leaves the process alive and reports why. */
/* Boot a compact machine with the given first-chunk sizes; NULL: failed. */
static struct kmm_machine *boot_pcpu(int nodes, int cpus, u32 st, u32 rs,
				     char *err, size_t errlen)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m = NULL;

	kmm_desc_init(d);
	if (!kmm_desc_compact(d, 1ULL << 30, nodes, cpus, err, errlen)) {
		d->pcpu_static_size = st;
		d->pcpu_reserved_size = rs;
		m = kmm_machine_create(d, err, errlen);
		if (m && kmm_machine_boot(m, err, errlen)) {
			kmm_machine_destroy(m);
			m = NULL;
		}
	}
	free(d);
	return m;
}

/*
 * The first percpu chunk worked by hand (pcpu_build_alloc_info with 2 MiB
 * atoms): size_sum = PFN_ALIGN(s + r + 28K); the most units per 2 MiB that
 * are page-aligned; CPUs grouped by node; units per allocation wasting at
 * most a third of the CPUs without more allocations.  Percpu in meminfo is
 * the unit's pages times every unit, padding included; the units' used
 * part stays reserved, the rest goes back.
 */
KT_TEST(percpu_first_chunk_by_hand)
{
	static const struct {
		int nodes, cpus;
		u32 st, rs;
		const char *line;
		unsigned long percpu_kb;
	} cases[] = {
		/* 60 pages; 8 units of 256K would waste 4 of 4: 4 of 512K. */
		{ 1, 4, 208896, 8192,
		  "percpu: Embedded 60 pages/cpu s208896 r8192 d28672 u524288\n",
		  60 * 4 * 4 },
		/* 3 CPUs: still 4 units of 512K, one of them padding. */
		{ 1, 3, 208896, 8192,
		  "percpu: Embedded 60 pages/cpu s208896 r8192 d28672 u524288\n",
		  60 * 4 * 4 },
		/* Two nodes of two: 4 per allocation wastes 4, so 2 of 1M. */
		{ 2, 4, 208896, 8192,
		  "percpu: Embedded 60 pages/cpu s208896 r8192 d28672 u1048576\n",
		  60 * 4 * 4 },
		/* No modules (r0): d grows to the page, 53 pages; 2 CPUs. */
		{ 1, 2, 185496, 0,
		  "percpu: Embedded 53 pages/cpu s185496 r0 d31592 u1048576\n",
		  53 * 2 * 4 },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct kmm_machine *m = boot_pcpu(cases[i].nodes, cases[i].cpus,
						  cases[i].st, cases[i].rs,
						  err, sizeof(err));
		char *log;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		log = machine_log(m);
		KT_CONTAINS(log, cases[i].line);
		free(log);
		KT_EQ(meminfo_value(m, "Percpu:"), cases[i].percpu_kb);
		kmm_machine_destroy(m);
	}
	/* Ten more static pages per CPU: 40 pages fewer in MemTotal. */
	{
		struct kmm_machine *a = boot_pcpu(1, 4, 208896, 8192, err,
						  sizeof(err));
		struct kmm_machine *b = boot_pcpu(1, 4, 208896 + 10 * 4096,
						  8192, err, sizeof(err));

		KT_TRUE(a && b);
		if (a && b)
			KT_EQ(meminfo_value(a, "MemTotal:") -
			      meminfo_value(b, "MemTotal:"), 40 * 4);
		if (a)
			kmm_machine_destroy(a);
		if (b)
			kmm_machine_destroy(b);
	}
	/*
	 * A static size no memory can hold: the embed allocator fails, the
	 * page allocator fallback runs out, and the boot panics, as Linux's.
	 */
	KT_TRUE(boot_pcpu(1, 2, 0x80000000u, 8192, err, sizeof(err)) == NULL);
	KT_CONTAINS(err, "cannot initialize percpu area");
}

/*
 * memtest=N: N passes over memblock's free ranges at the end of
 * init_mem_mapping, patterns from N-1 down to the zero pattern, each range
 * printed as Linux does; meminfo shows EarlyMemtestBad once a test ran.
 * memtest alone runs all 17 patterns, starting with "LINUXrlz".
 */
KT_TEST(memtest_passes_and_report)
{
	struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1, "memtest=2");
	char *log, *mi, *a, *b;
	int ranges;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "early_memtest: # of tests: 2\n");
	ranges = count_lines(log, "  0x");
	KT_TRUE(ranges >= 2 && ranges % 2 == 0);
	a = strstr(log, "pattern ffffffffffffffff\n");
	b = strstr(log, "pattern 0000000000000000\n");
	KT_TRUE(a && b && a < b);
	KT_CONTAINS(log, "  0x0000000000100000 - ");
	/* Before "Kernel command line:", inside setup_arch. */
	KT_TRUE(b && b < strstr(log, "Kernel command line:"));
	free(log);
	mi = machine_report(m, "meminfo");
	KT_CONTAINS(mi, "Percpu:");
	KT_CONTAINS(mi, "EarlyMemtestBad:       0 kB\n");
	KT_TRUE(strstr(mi, "EarlyMemtestBad:") > strstr(mi, "Percpu:"));
	free(mi);
	kmm_machine_destroy(m);

	m = boot_compact(256ULL << 20, 1, 1, "memtest");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "early_memtest: # of tests: 17\n");
	a = strstr(log, "pattern 4c494e5558726c7a\n");	/* patterns[16] first */
	b = strstr(log, "pattern 5555555555555555\n");
	KT_TRUE(a && b && a < b);
	free(log);
	kmm_machine_destroy(m);

	/*
	 * The host never holds the tested memory at once: 3 GiB tested, the
	 * process's peak resident memory grows by well under 256 MiB (kmm
	 * checks a chunk at a time and gives its pages back), where the
	 * process's earlier peak does not hide it.
	 */
	{
		u64 rss = kmm_plat_rss(), peak0 = kmm_plat_peak_rss();

		m = boot_compact(3ULL << 30, 1, 1, "memtest=1");
		KT_TRUE(m != NULL);
		if (!m)
			return;
		if (peak0 && peak0 < rss + (256ULL << 20))
			KT_TRUE(kmm_plat_peak_rss() - peak0 < (256ULL << 20));
		kmm_machine_destroy(m);
	}

	/* No test, no line; a malformed count is refused. */
	m = boot_compact(256ULL << 20, 1, 1, "memtest=many");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "Malformed early option 'memtest'\n");
	KT_TRUE(strstr(log, "early_memtest") == NULL);
	free(log);
	mi = machine_report(m, "meminfo");
	KT_TRUE(strstr(mi, "EarlyMemtestBad") == NULL);
	free(mi);
	kmm_machine_destroy(m);
}

/*
 * vfs_caches_init_early on one memory node: alloc_large_system_hash sizes
 * the dentry table at one bucket per 8 KiB of the kernel's pages and the
 * inode table at one per 16 KiB, rounded up to powers of two, from
 * memblock (4 GiB: about 2^20 pages, so 2^19 and 2^18 buckets of 8
 * bytes).  dhash_entries=/ihash_entries= set the counts; with two nodes
 * the tables are spread (hashdist) and kmm does not allocate them early,
 * unless hashdist=0.
 */
KT_TEST(early_hash_tables)
{
	struct kmm_machine *a = boot_compact(4ULL << 30, 1, 1, NULL);
	struct kmm_machine *b = boot_compact(4ULL << 30, 1, 1,
					     "dhash_entries=1000 ihash_entries=1");
	struct kmm_machine *c = boot_compact(4ULL << 30, 2, 2, NULL);
	struct kmm_machine *d = boot_compact(4ULL << 30, 2, 2, "hashdist=0");
	char *log;
	long diff;

	KT_TRUE(a && b && c && d);
	if (!a || !b || !c || !d)
		return;
	log = machine_log(a);
	KT_CONTAINS(log, "Dentry cache hash table entries: 524288 (order: 10, 4194304 bytes, linear)\n"
			 "Inode-cache hash table entries: 262144 (order: 9, 2097152 bytes, linear)\n");
	KT_TRUE(strstr(log, "Inode-cache") < strstr(log, "Built 1 zonelists"));
	free(log);
	/*
	 * Up to 6.3 start_kernel builds the zonelists right after the percpu
	 * areas, before the command line and the hash tables (5.15, 6.1).
	 */
	for (int v = 0; v < 2; v++) {
		struct kmm_machine_desc *dv = calloc(1, sizeof(*dv));
		char err[256];
		struct kmm_machine *old;
		char *ol, *pe, *bz, *cl, *de;

		kmm_desc_init(dv);
		KT_EQ(kmm_desc_compact(dv, 4ULL << 30, 1, 1, err, sizeof(err)), 0);
		KT_EQ(kmm_desc_set_kver(dv, v ? "6.1" : "5.15"), 0);
		old = boot_desc(dv);
		free(dv);
		KT_TRUE(old != NULL);
		if (!old)
			continue;
		ol = machine_log(old);
		pe = strstr(ol, "percpu: Embedded");
		bz = strstr(ol, "Built 1 zonelists");
		cl = strstr(ol, "Kernel command line:");
		de = strstr(ol, "Dentry cache hash table");
		KT_TRUE(pe && bz && cl && de);
		KT_TRUE(pe < bz && bz < cl && cl < de);
		free(ol);
		kmm_machine_destroy(old);
	}
	log = machine_log(b);
	KT_CONTAINS(log, "Dentry cache hash table entries: 1024 (order: 1, 8192 bytes, linear)\n"
			 "Inode-cache hash table entries: 1 (order: 0, 8 bytes, linear)\n");
	free(log);
	/* The tables' 6 MiB, less b's two pages or so, are missing from a. */
	diff = (long)meminfo_value(b, "MemTotal:") -
	       (long)meminfo_value(a, "MemTotal:");
	KT_TRUE(diff >= 6144 - 16 && diff <= 6144);
	log = machine_log(c);
	KT_TRUE(strstr(log, "hash table entries") == NULL);
	free(log);
	log = machine_log(d);
	KT_CONTAINS(log, "Dentry cache hash table entries: ");
	free(log);
	kmm_machine_destroy(a);
	kmm_machine_destroy(b);
	kmm_machine_destroy(c);
	kmm_machine_destroy(d);
}

KT_TEST(panic_during_boot_is_an_error)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 4ULL << 30, 1, 1, err, sizeof(err)), 0);
	/*
	 * mem=4K: the initrd, near 3 GiB, is outside the direct map, and
	 * reserve_initrd finds no RAM to move it to.
	 */
	kmm_desc_add_cmdline(d, "mem=4K");
	m = kmm_machine_create(d, err, sizeof(err));
	KT_TRUE(m != NULL);
	KT_NE(kmm_machine_boot(m, err, sizeof(err)), 0);
	KT_CONTAINS(err, "Cannot find place for new RAMDISK of size 8519680");
	kmm_machine_destroy(m);
	KT_EQ(kmm_desc_set_initrd(d, 0, 0, err, sizeof(err)), 0);
	/*
	 * Without it, mem=4K leaves only page 0, which the BIOS trim reserves; the kernel
	 * image is added back as RAM (".text .data .bss are not marked as
	 * E820_TYPE_RAM!") but is all reserved, so NODE_DATA cannot be
	 * allocated and the boot panics, as Linux's would.
	 */
	m = kmm_machine_create(d, err, sizeof(err));
	KT_TRUE(m != NULL);
	KT_NE(kmm_machine_boot(m, err, sizeof(err)), 0);
	KT_CONTAINS(err, "Cannot allocate 172608 bytes for node 0 data");
	{
		char *log = machine_log(m);

		KT_CONTAINS(log, ".text .data .bss are not marked as E820_TYPE_RAM!\n");
		KT_CONTAINS(log, "Kernel panic - not syncing: Cannot allocate");
		free(log);
	}
	/* A failed machine cannot be booted again. */
	KT_EQ(kmm_machine_boot(m, err, sizeof(err)), -EBUSY);
	kmm_machine_destroy(m);
	free(d);
}

/*
 * Mobility grouping is off below pageblock_nr_pages * MIGRATE_TYPES =
 * 512 * 5 = 2560 pages (Debian 6.12: MEMORY_ISOLATION, no CMA).  mem=10M
 * leaves pfns 1..0x9e and 0x100..0x9ff: 158 + 2304 = 2462 pages, so "off";
 * mem=12M leaves 158 + 2816 = 2974, "on".
 */
static struct kmm_machine *boot_tiny(const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m = NULL;

	kmm_desc_init(d);
	if (!kmm_desc_compact(d, 64ULL << 20, 1, 1, err, sizeof(err))) {
		/* A small kernel loaded at 2 MiB, inside the little RAM. */
		d->kernel_start = 0x200000;
		d->kernel_size = 0x200000;
		/* No initrd: mem= would leave no room to move it to. */
		kmm_desc_set_initrd(d, 0, 0, err, sizeof(err));
		kmm_desc_add_cmdline(d, cmdline);
		m = boot_desc(d);
	}
	free(d);
	return m;
}

KT_TEST(mobility_grouping_off_on_tiny_machines)
{
	struct kmm_machine *m = boot_tiny("mem=10M");
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "Built 1 zonelists, mobility grouping off.  Total pages: 2462\n");
	KT_CONTAINS(log, "Policy zone: DMA\n");
	KT_TRUE(m->page_group_by_mobility_disabled);
	free(log);
	kmm_machine_destroy(m);

	m = boot_tiny("mem=12M");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "Built 1 zonelists, mobility grouping on.  Total pages: 2974\n");
	free(log);
	kmm_machine_destroy(m);
}

KT_TEST(zoneinfo_report_format)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 2, NULL);
	char *r, want[256];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	r = machine_report(m, "zoneinfo");
	KT_TRUE(r != NULL);
	KT_TRUE(!strncmp(r, "Node 0, zone      DMA\n  per-node stats\n      nr_inactive_anon 0\n", 64));
	snprintf(want, sizeof(want), "        spanned  %lu\n        present  %lu\n",
		 Z(m, 0, ZONE_DMA32)->spanned_pages, Z(m, 0, ZONE_DMA32)->present_pages);
	KT_CONTAINS(r, want);
	KT_CONTAINS(r, "Node 0, zone  Movable\n  pages free     0\n");
	KT_CONTAINS(r, "        protection: (0, 0, 0, 0, 0)\n");
	{
		struct per_cpu_pages *pcp = &Z(m, 0, ZONE_DMA32)->per_cpu_pageset[1];

		snprintf(want, sizeof(want),
			 "\n    cpu: 1\n              count: %d\n              high:  %d\n              batch: %d\n  vm stats threshold: %d\n",
			 pcp->count, pcp->high, pcp->batch,
			 Z(m, 0, ZONE_DMA32)->stat_threshold);
		KT_CONTAINS(r, want);
		KT_TRUE(pcp->batch >= 1);
	}
	KT_TRUE(machine_report(m, "nosuch") == NULL);
	free(r);
	kmm_machine_destroy(m);
}

/* --- the initrd ------------------------------------------------------- */

/* A compact machine with the initrd given (size 0: none; start 0: placed). */
static struct kmm_machine *boot_initrd(unsigned long long mem, int nodes,
				       unsigned long long start,
				       unsigned long long size,
				       const char *kver, const char *cmdline,
				       char *err, size_t errlen)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m = NULL;

	kmm_desc_init(d);
	if (kmm_desc_compact(d, mem, nodes, 2, err, errlen) ||
	    kmm_desc_set_initrd(d, start, size, err, errlen))
		goto out;
	if (kver)
		kmm_desc_set_kver(d, kver);
	if (cmdline)
		kmm_desc_add_cmdline(d, cmdline);
	m = kmm_machine_create(d, err, errlen);
	if (m && kmm_machine_boot(m, err, errlen)) {
		kmm_machine_destroy(m);
		m = NULL;
	}
out:
	free(d);
	return m;
}

static unsigned long managed_total(struct kmm_machine *m)
{
	unsigned long n = 0;

	for (int nid = 0; nid < 2; nid++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (m->node_data[nid])
				n += zone_managed_pages(Z(m, nid, z));
	return n;
}

/* The "K reserved" figure of the Memory: line. */
static unsigned long memory_line_reserved(const char *log)
{
	const char *p = strstr(log, "K bss, ");

	return p ? strtoul(p + 7, NULL, 10) : 0;
}

/*
 * The default machine's initrd: where the loader model puts it, the lines
 * Linux prints, reserved in the Memory: line, then freed page by page
 * (poisoned with 0xcc) and counted as managed again.
 */
KT_TEST(initrd_reserved_at_boot_and_freed_at_rootfs)
{
	char err[256], *la, *lb;
	struct kmm_machine *a = boot_compact(8ULL << 30, 2, 2,
					     "deferred_init=off init_on_free=0");
	struct kmm_machine *b = boot_compact_noinitrd(8ULL << 30, 2, 2,
					     "deferred_init=off init_on_free=0");
	unsigned long first, end;
	char *va, *vb;

	KT_TRUE(a && b);
	if (!a || !b)
		return;
	la = machine_log(a);
	lb = machine_log(b);
	KT_EQ(a->desc.initrd_start, 0xbf7e0000ULL);
	KT_EQ(a->desc.initrd_size, 8320ULL << 10);
	KT_CONTAINS(la, "\nRAMDISK: [mem 0xbf7e0000-0xbfffffff]\n");
	KT_CONTAINS(la, "\nUnpacking initramfs...\nFreeing initrd memory: 8320K\n");
	KT_TRUE(strstr(lb, "RAMDISK") == NULL);
	KT_TRUE(strstr(lb, "initrd") == NULL);
	/* The RAMDISK line sits between the page-size line and NUMA init. */
	KT_TRUE(strstr(la, "Using GB pages") < strstr(la, "RAMDISK:") &&
		strstr(la, "RAMDISK:") < strstr(la, "NODE_DATA(0)"));
	/* Reserved when mem_init ran, and the Memory: line says so. */
	KT_EQ(memory_line_reserved(la) - memory_line_reserved(lb), 8320);
	/* ... freed after the watermarks were set, so managed agrees again. */
	KT_EQ(managed_total(a), managed_total(b));
	KT_EQ(a->initrd_pa_start, 0);
	first = 0xbf7e0000UL >> 12;
	end = 0xc0000000UL >> 12;
	for (unsigned long pfn = first; pfn < end; pfn++) {
		struct page *pg = a->vmemmap_base + pfn;

		KT_EQ(pg->flags & (1UL << PG_reserved), 0);
		KT_EQ(page_ref_count(pg), 0);
	}
	/*
	 * Nothing has allocated them since: every page still holds
	 * free_init_pages' POISON_FREE_INITMEM, first byte to last.
	 */
	for (unsigned long pfn = first; pfn < end; pfn += 64) {
		const unsigned char *v = a->phys_base + (pfn << 12);

		KT_EQ(v[0], 0xcc);
		KT_EQ(v[2048], 0xcc);
		KT_EQ(v[4095], 0xcc);
	}
	/* Every page freed once: vmstat's pgfree agrees with the other's. */
	va = machine_report(a, "vmstat");
	vb = machine_report(b, "vmstat");
	KT_TRUE(va && vb && strstr(va, "\npgfree "));
	if (va && vb)
		KT_EQ(strtoul(strstr(va, "\npgfree ") + 8, NULL, 10),
		      strtoul(strstr(vb, "\npgfree ") + 8, NULL, 10));
	free(va);
	free(vb);
	KT_EQ(kmm_mm_verify(a, err, sizeof(err)), 0);
	free(la);
	free(lb);
	kmm_machine_destroy(a);
	kmm_machine_destroy(b);
}

/*
 * In every deferred mode, on memblock and on bootmem, the initrd's pages
 * end up managed exactly once: the same count as a machine without one.
 * With deferred_init=lazy on a 2 GiB machine the initrd lies in the
 * deferred range, which frees its pages when it gets there.
 */
KT_TEST(initrd_pages_managed_once_in_every_mode)
{
	static const char *const modes[] = {
		"deferred_init=off", "deferred_init=parallel",
		"deferred_init=lazy", "deferred_init=off bootmem",
	};
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		struct kmm_machine *a = boot_compact(2ULL << 30, 1, 2, modes[i]);
		struct kmm_machine *b = boot_compact_noinitrd(2ULL << 30, 1, 2,
							      modes[i]);
		char *la;

		KT_TRUE(a && b);
		if (!a || !b)
			return;
		la = machine_log(a);
		KT_CONTAINS(la, "Freeing initrd memory: 8320K\n");
		if (i == 2) {
			KT_TRUE(Z(a, 0, ZONE_DMA32)->zone_pgdat->first_deferred_pfn <=
				(a->desc.initrd_start >> 12));
			/* The initrd's pages joined the deferred count. */
			KT_EQ(atomic_load(&a->deferred_pages_left),
			      atomic_load(&b->deferred_pages_left));
			kmm_deferred_init_all(a);
			kmm_deferred_init_all(b);
			KT_EQ(atomic_load(&a->deferred_pages_left), 0);
		}
		KT_EQ(managed_total(a), managed_total(b));
		KT_EQ(atomic_load(&a->totalram), atomic_load(&b->totalram));
		KT_EQ(kmm_mm_verify(a, err, sizeof(err)), 0);
		free(la);
		kmm_machine_destroy(a);
		kmm_machine_destroy(b);
	}
}

/*
 * An initrd outside the direct map is moved (relocate_initrd): in the
 * hole below 4 GiB, or above a mem= limit.  Then freed from its new place.
 */
KT_TEST(initrd_outside_the_direct_map_is_moved)
{
	char err[256], *log;
	struct kmm_machine *m = boot_initrd(4ULL << 30, 1, 0xd0000000ULL,
					    0x1000000, NULL, NULL, err,
					    sizeof(err));

	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nRAMDISK: [mem 0xd0000000-0xd0ffffff]\n");
	/* memblock's top-down allocation: the top of RAM, below NODE_DATA. */
	KT_CONTAINS(log, "\nAllocated new RAMDISK: [mem 0x13f000000-0x13fffffff]\n");
	KT_CONTAINS(log, "\nMove RAMDISK from [mem 0xd0000000-0xd0ffffff] to [mem 0x13f000000-0x13fffffff]\n");
	KT_CONTAINS(log, "\nFreeing initrd memory: 16384K\n");
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	free(log);
	kmm_machine_destroy(m);

	/* mem=2G: the default initrd near 3 GiB is above the limit. */
	m = boot_initrd(4ULL << 30, 1, 0, 8320ULL << 10, NULL, "mem=2G", err,
			sizeof(err));
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nRAMDISK: [mem 0xbf7e0000-0xbfffffff]\n");
	KT_CONTAINS(log, "\nAllocated new RAMDISK: [mem 0x7f7e0000-0x7fffffff]\n");
	KT_CONTAINS(log, "\nFreeing initrd memory: 8320K\n");
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	free(log);
	kmm_machine_destroy(m);
}

/*
 * retain_initrd keeps the pages; debug_pagealloc unmaps them instead of
 * freeing (free_init_pages); CONFIG_BLK_DEV_RAM prints the older line.
 */
KT_TEST(initrd_retained_unmapped_or_blk_dev_ram)
{
	char err[256], *log;
	struct kmm_machine *b = boot_compact_noinitrd(4ULL << 30, 1, 2, NULL);
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 2, "retain_initrd");
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));

	KT_TRUE(m && b);
	if (!m || !b)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nUnpacking initramfs...\n");
	KT_TRUE(strstr(log, "Freeing initrd") == NULL);
	KT_EQ(managed_total(b) - managed_total(m), 8320 / 4);
	KT_TRUE(m->vmemmap_base[0xbf7e0000UL >> 12].flags & (1UL << PG_reserved));
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	free(log);
	kmm_machine_destroy(m);

	m = boot_compact(4ULL << 30, 1, 2, "debug_pagealloc=on");
	KT_TRUE(m != NULL);
	if (m) {
		log = machine_log(m);
		KT_CONTAINS(log, "\ndebug: unmapping init [mem 0xffff8880bf7e0000-0xffff8880bfffffff]\n");
		KT_TRUE(strstr(log, "Freeing initrd") == NULL);
		KT_TRUE(m->vmemmap_base[0xbfffffffUL >> 12].flags &
			(1UL << PG_reserved));
		KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
		free(log);
		kmm_machine_destroy(m);
	}
	kmm_machine_destroy(b);

	/* retain_initrd=1: the handler declines it, so it goes to user space. */
	m = boot_compact(4ULL << 30, 1, 2, "retain_initrd=1");
	KT_TRUE(m != NULL);
	if (m) {
		log = machine_log(m);
		KT_CONTAINS(log, "Unknown kernel command line parameters \"retain_initrd=1\"");
		KT_CONTAINS(log, "\nFreeing initrd memory: 8320K\n");
		free(log);
		kmm_machine_destroy(m);
	}
	/* Up to 4.9 the line named the range, at 4.x's direct-map base. */
	m = boot_initrd(4ULL << 30, 1, 0, 8320ULL << 10, "4.9", NULL, err,
			sizeof(err));
	KT_TRUE(m != NULL);
	if (m) {
		log = machine_log(m);
		KT_CONTAINS(log, "\nFreeing initrd memory: 8320K (ffff8800bf7e0000 - ffff8800c0000000)\n");
		free(log);
		kmm_machine_destroy(m);
	}

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 4ULL << 30, 1, 2, err, sizeof(err)), 0);
	d->blk_dev_ram = true;
	m = boot_desc(d);
	KT_TRUE(m != NULL);
	if (m) {
		log = machine_log(m);
		KT_CONTAINS(log, "\nTrying to unpack rootfs image as initramfs...\nFreeing initrd memory: 8320K\n");
		free(log);
		kmm_machine_destroy(m);
	}
	free(d);
}

/*
 * Before 5.10 reserve_initrd refused an initrd of half the mapped RAM or
 * more with a panic; 5.10 dropped the check.
 */
KT_TEST(initrd_too_large_before_5_10)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[256];

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 64ULL << 20, 1, 1, err, sizeof(err)), 0);
	d->kernel_start = 0x200000;
	d->kernel_size = 0x200000;
	KT_EQ(kmm_desc_set_initrd(d, 0, 40ULL << 20, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_set_kver(d, "5.4"), 0);
	m = kmm_machine_create(d, err, sizeof(err));
	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_NE(kmm_machine_boot(m, err, sizeof(err)), 0);
	/* 64 MiB less page 0 and the 97 pages below 1 MiB: 16286 mapped. */
	KT_CONTAINS(err, "initrd too large to handle, disabling initrd (41943040 needed, 33353728 available)");
	kmm_machine_destroy(m);
	KT_EQ(kmm_desc_set_kver(d, "5.10"), 0);
	m = boot_desc(d);
	KT_TRUE(m != NULL);
	if (m) {
		char *log = machine_log(m);

		KT_CONTAINS(log, "\nRAMDISK: [mem 0x01800000-0x03ffffff]\n");
		KT_CONTAINS(log, "\nFreeing initrd memory: 40960K\n");
		free(log);
		kmm_machine_destroy(m);
	}
	free(d);
}

/* Bad initrd descriptions are refused, each naming what is wrong. */
KT_TEST(initrd_bad_descriptions)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	u64 at;

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 1ULL << 30, 1, 1, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_set_initrd(d, 0x1000800, 4096, err, sizeof(err)), -EINVAL);
	KT_CONTAINS(err, "initrd start 0x1000800 is not page aligned");
	KT_EQ(kmm_desc_set_initrd(d, 0xfffffffffffff000ULL, 0x2000, err,
				  sizeof(err)), -EINVAL);
	KT_CONTAINS(err, "beyond the 52-bit physical space");
	/* Nothing changed by the refusals: still the default, placed. */
	KT_TRUE(d->initrd_default);
	KT_EQ(kmm_desc_place_initrd(d, &at, err, sizeof(err)), 0);
	KT_EQ(at, 0x3f7e0000ULL);
	/* Over the kernel image: refused when the machine is made. */
	KT_EQ(kmm_desc_set_initrd(d, 0x2000000, 4096, err, sizeof(err)), 0);
	KT_TRUE(kmm_machine_create(d, err, sizeof(err)) == NULL);
	KT_CONTAINS(err, "initrd [mem 0x02000000-0x02000fff] overlaps the kernel image [mem 0x01000000-0x03bfffff]");
	/* Too big for any RAM below 4 GiB: refused; the default is dropped. */
	KT_EQ(kmm_desc_set_initrd(d, 0, 1ULL << 30, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_place_initrd(d, &at, err, sizeof(err)), -EINVAL);
	KT_CONTAINS(err, "no room for a 1048576 KiB initrd in RAM between 1 MiB and 4 GiB");
	d->initrd_default = true;
	KT_EQ(kmm_desc_place_initrd(d, &at, err, sizeof(err)), 0);
	KT_EQ(at, 0);
	/* Size 0: none. */
	KT_EQ(kmm_desc_set_initrd(d, 0, 0, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_place_initrd(d, &at, err, sizeof(err)), 0);
	KT_EQ(at, 0);
	free(d);
}

/* A captured log's RAMDISK line and initramfs line describe the initrd. */
KT_TEST(initrd_from_a_boot_log)
{
	static const char log[] =
		"[    0.000000] Linux version 6.12.9 (x@y) #1 SMP\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x000000007fffffff] usable\n"
		"[    0.001000] RAMDISK: [mem 0x35a00000-0x37ceefff]\n"
		"[    0.001001] Allocated new RAMDISK: [mem 0x7dd11000-0x7fffffff]\n"
		"[    0.001002] Move RAMDISK from [mem 0x35a00000-0x37ceefff] to [mem 0x7dd11000-0x7fffffff]\n"
		"[    0.500000] Trying to unpack rootfs image as initramfs...\n";
	static const char bad[] =
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"RAMDISK: [mem 0x35a00000-]\n";
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[256];

	kmm_desc_init(d);
	KT_EQ(kmm_desc_parse_dmesg(d, log, "t.log", err, sizeof(err)), 0);
	KT_EQ(d->initrd_start, 0x35a00000ULL);
	KT_EQ(d->initrd_size, 0x22ef000ULL);
	KT_TRUE(d->blk_dev_ram);
	KT_TRUE(!d->initrd_default);
	m = boot_desc(d);
	KT_TRUE(m != NULL);
	if (m) {
		char *l = machine_log(m);

		KT_CONTAINS(l, "\nRAMDISK: [mem 0x35a00000-0x37ceefff]\n");
		KT_CONTAINS(l, "\nTrying to unpack rootfs image as initramfs...\nFreeing initrd memory: 35772K\n");
		free(l);
		kmm_machine_destroy(m);
	}
	kmm_desc_init(d);
	KT_EQ(kmm_desc_parse_dmesg(d, bad, "bad.log", err, sizeof(err)), -EINVAL);
	KT_CONTAINS(err, "bad.log:2: RAMDISK: ");
	free(d);
}

KT_MAIN()
