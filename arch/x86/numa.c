/* SPDX-License-Identifier: MIT */
/*
 * arch/x86/numa.c - NUMA discovery for x86_64 machines (Linux 6.12's
 * arch/x86/mm/numa.c, mm/numa_memblks.c, mm/numa_emulation.c and the SRAT
 * parser's output).
 *
 * What: turns the machine's SRAT memory affinities (or, without any, one
 * fake node covering everything) into nodes: numa_meminfo blocks, cleaned
 * and merged per node, written into memblock with memblock_set_node(), a
 * NODE_DATA (pg_data_t) allocated on each node with memory, node states and
 * the distance table, and the CPU-to-node map.
 *
 * Data structures: m->numa_meminfo (blocks {start, end, nid}), a reserved
 * meminfo for the parts outside memblock.memory, m->numa_distance[][]
 * (u8, LOCAL_DISTANCE on the diagonal) with numa_distance_cnt rows, node
 * masks per enum node_states, m->cpu_to_node[].
 *
 * Algorithms, as Linux: numa_cleanup_meminfo() clips blocks to DRAM, drops
 * blocks without memory, and merges two blocks of one node when no other
 * node's block lies between them (printing "NUMA: Node N [mem ...] + [mem
 * ...] -> [mem ...]"); overlapping blocks of different nodes are an error
 * that rejects the SRAT (fall back to the fake node).  numa=fake=N
 * interleaves N emulated nodes over the physical ones (split_nodes_
 * interleave).  find_next_best_node and zonelists live in page_alloc.c.
 *
 * NODE_DATA: the allocation is the size of the modelled build's pg_data_t
 * (machine description), node-local, cache-line aligned (page rounded for
 * kernels before 6.0); kmm's own pg_data_t and its zonelists live inside it.
 *
 * Failure: allocation failures panic as Linux does; bad SRAT data prints
 * Linux's messages and falls back to the fake node.
 *
 * Differences from Linux: the SRAT and SLIT come from the machine
 * description instead of ACPI tables; SLIT is indexed by node id.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/numa.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/memblock.h>

#define FAKE_NODE_MIN_SIZE	((u64)32 << 20)
#define FAKE_NODE_MIN_HASH_MASK	(~(FAKE_NODE_MIN_SIZE - 1ULL))

unsigned long absent_pages_in_range(unsigned long start_pfn,
				    unsigned long end_pfn);
size_t kmm_pgdat_alloc_size(void);
void kmm_pgdat_init(pg_data_t *pgdat, int nid);

static struct numa_meminfo numa_reserved_meminfo_unused;

bool node_state(int node, enum node_states state)
{
	if (node < 0 || node >= KMM_MAX_NODES)
		return false;
	return node_isset(node, &kmm_current()->node_states[state]);
}

void node_set_state(int node, enum node_states state)
{
	node_set(node, &kmm_current()->node_states[state]);
}

void node_clear_state(int node, enum node_states state)
{
	node_clear(node, &kmm_current()->node_states[state]);
}

int num_node_state(enum node_states state)
{
	return nodes_weight(&kmm_current()->node_states[state]);
}

int node_distance(int from, int to)
{
	struct kmm_machine *m = kmm_current();

	if (from >= m->numa_distance_cnt || to >= m->numa_distance_cnt)
		return from == to ? LOCAL_DISTANCE : REMOTE_DISTANCE;
	return m->numa_distance[from][to];
}

static void numa_reset_distance(void)
{
	kmm_current()->numa_distance_cnt = 0;
}

static int last_parsed_node(struct kmm_machine *m)
{
	int last = -1;

	for (int n = 0; n < KMM_MAX_NODES; n++)
		if (node_isset(n, &m->numa_nodes_parsed))
			last = n;
	for (int i = 0; i < m->numa_meminfo.nr_blks; i++)
		if (m->numa_meminfo.blk[i].nid > last)
			last = m->numa_meminfo.blk[i].nid;
	return last;
}

static void numa_alloc_distance(struct kmm_machine *m)
{
	int cnt = last_parsed_node(m) + 1;

	for (int i = 0; i < cnt; i++)
		for (int j = 0; j < cnt; j++)
			m->numa_distance[i][j] = i == j ? LOCAL_DISTANCE :
							  REMOTE_DISTANCE;
	m->numa_distance_cnt = cnt;
	printk(KERN_DEBUG "NUMA: Initialized distance table, cnt=%d\n", cnt);
}

void numa_set_distance(int from, int to, int distance)
{
	struct kmm_machine *m = kmm_current();
	static const char once_msg[] = "";

	(void)once_msg;
	if (!m->numa_distance_cnt)
		numa_alloc_distance(m);
	if (from >= m->numa_distance_cnt || to >= m->numa_distance_cnt ||
	    from < 0 || to < 0) {
		pr_warn("Warning: node ids are out of bound, from=%d to=%d distance=%d\n",
			from, to, distance);
		return;
	}
	if ((u8)distance != distance ||
	    (from == to && distance != LOCAL_DISTANCE)) {
		pr_warn("Warning: invalid distance parameter, from=%d to=%d distance=%d\n",
			from, to, distance);
		return;
	}
	m->numa_distance[from][to] = (u8)distance;
}

static int numa_add_memblk_to(int nid, u64 start, u64 end,
			      struct numa_meminfo *mi)
{
	if (start == end)
		return 0;
	if (start > end || nid < 0 || nid >= KMM_MAX_NODES) {
		pr_warn("Warning: invalid memblk node %d [mem %#010llx-%#010llx]\n",
			nid, (unsigned long long)start,
			(unsigned long long)end - 1);
		return 0;
	}
	if (mi->nr_blks >= NR_NODE_MEMBLKS) {
		pr_err("too many memblk ranges\n");
		return -EINVAL;
	}
	mi->blk[mi->nr_blks].start = start;
	mi->blk[mi->nr_blks].end = end;
	mi->blk[mi->nr_blks].nid = nid;
	mi->nr_blks++;
	return 0;
}

int numa_add_memblk(int nid, u64 start, u64 end)
{
	return numa_add_memblk_to(nid, start, end,
				  &kmm_current()->numa_meminfo);
}

static void numa_remove_memblk_from(int idx, struct numa_meminfo *mi)
{
	mi->nr_blks--;
	memmove(&mi->blk[idx], &mi->blk[idx + 1],
		(size_t)(mi->nr_blks - idx) * sizeof(mi->blk[0]));
}

int numa_cleanup_meminfo(struct numa_meminfo *mi)
{
	struct kmm_machine *m = kmm_current();
	/* Before 6.12 (x86's own copy): [0, max_pfn); after: DRAM bounds. */
	const u64 low = m->kver < KMM_KVER(6, 12) ? 0 : memblock_start_of_DRAM();
	const u64 high = m->kver < KMM_KVER(6, 12) ? PFN_PHYS(max_pfn) :
			 memblock_end_of_DRAM();
	struct numa_meminfo *reserved = &numa_reserved_meminfo_unused;
	int i, j, k;

	for (i = 0; i < mi->nr_blks; i++) {
		struct numa_memblk *bi = &mi->blk[i];

		/* Blocks outside memory only describe reserved ranges. */
		if (!memblock_overlaps_region(&memblock.memory, bi->start,
					      bi->end - bi->start)) {
			numa_remove_memblk_from(i--, mi);
			continue;
		}
		bi->start = max(bi->start, low);
		if (bi->end > high) {
			numa_add_memblk_to(bi->nid, high, bi->end, reserved);
			bi->end = high;
		}
		if (bi->start >= bi->end)
			numa_remove_memblk_from(i--, mi);
	}

	for (i = 0; i < mi->nr_blks; i++) {
		struct numa_memblk *bi = &mi->blk[i];

		for (j = i + 1; j < mi->nr_blks; j++) {
			struct numa_memblk *bj = &mi->blk[j];
			u64 start, end;

			if (bi->end > bj->start && bi->start < bj->end) {
				if (bi->nid != bj->nid) {
					pr_err("node %d [mem %#010llx-%#010llx] overlaps with node %d [mem %#010llx-%#010llx]\n",
					       bi->nid, (unsigned long long)bi->start,
					       (unsigned long long)bi->end - 1,
					       bj->nid, (unsigned long long)bj->start,
					       (unsigned long long)bj->end - 1);
					return -EINVAL;
				}
				pr_warn("Warning: node %d [mem %#010llx-%#010llx] overlaps with itself [mem %#010llx-%#010llx]\n",
					bi->nid, (unsigned long long)bi->start,
					(unsigned long long)bi->end - 1,
					(unsigned long long)bj->start,
					(unsigned long long)bj->end - 1);
			}
			if (bi->nid != bj->nid)
				continue;
			start = min(bi->start, bj->start);
			end = max(bi->end, bj->end);
			/* Merge only if no other node sits in between. */
			for (k = 0; k < mi->nr_blks; k++) {
				struct numa_memblk *bk = &mi->blk[k];

				if (bi->nid == bk->nid)
					continue;
				if (start < bk->end && end > bk->start)
					break;
			}
			if (k < mi->nr_blks)
				continue;
			pr_info("NUMA: Node %d [mem %#010llx-%#010llx] + [mem %#010llx-%#010llx] -> [mem %#010llx-%#010llx]\n",
				bi->nid, (unsigned long long)bi->start,
				(unsigned long long)bi->end - 1,
				(unsigned long long)bj->start,
				(unsigned long long)bj->end - 1,
				(unsigned long long)start,
				(unsigned long long)end - 1);
			bi->start = start;
			bi->end = end;
			numa_remove_memblk_from(j--, mi);
		}
	}
	for (i = mi->nr_blks; i < (int)ARRAY_SIZE(mi->blk); i++) {
		mi->blk[i].start = mi->blk[i].end = 0;
		mi->blk[i].nid = NUMA_NO_NODE;
	}
	return 0;
}

/* --- SRAT ------------------------------------------------------------- */

static int srat_numa_init(struct kmm_machine *m)
{
	const struct kmm_machine_desc *d = &m->desc;
	int next_nid = 0;

	if (!d->nr_srat)
		return -ENOENT;
	for (int i = 0; i < KMM_MAX_NODES * 4; i++)
		m->pxm_to_node[i] = NUMA_NO_NODE;
	for (int i = 0; i < d->nr_srat; i++) {
		const struct kmm_srat_mem *s = &d->srat[i];
		int nid = s->nid;

		if (s->pxm < 0 || s->pxm >= KMM_MAX_NODES * 4)
			return -EINVAL;
		if (nid < 0)
			nid = m->pxm_to_node[s->pxm];
		if (nid < 0) {
			while (next_nid < KMM_MAX_NODES &&
			       node_isset(next_nid, &m->numa_nodes_parsed))
				next_nid++;
			nid = next_nid;
		}
		if (nid >= KMM_MAX_NODES) {
			pr_err("SRAT: Too many proximity domains.\n");
			return -EINVAL;
		}
		m->pxm_to_node[s->pxm] = nid;
		printk(KERN_INFO "%sSRAT: Node %u PXM %u [mem %#010llx-%#010llx]%s\n",
		       d->srat_old_style ? "" : "ACPI: ", nid, s->pxm,
		       (unsigned long long)s->start,
		       (unsigned long long)s->end - 1,
		       s->hotplug ? " hotplug" : "");
		if (numa_add_memblk(nid, s->start, s->end) < 0)
			return -EINVAL;
		node_set(nid, &m->numa_nodes_parsed);
		if (s->hotplug)
			memblock_mark_hotplug(s->start, s->end - s->start);
	}
	/*
	 * The processor affinities: each CPU's node (__apicid_to_node);
	 * CPU-only proximity domains make memoryless nodes.
	 */
	for (int c = 0; c < d->nr_cpus; c++)
		if (d->cpu_node[c] >= 0 && d->cpu_node[c] < KMM_MAX_NODES) {
			node_set(d->cpu_node[c], &m->numa_nodes_parsed);
			m->cpu_fw_node[c] = d->cpu_node[c];
		}
	if (d->nr_slit) {
		for (int i = 0; i < d->nr_slit; i++)
			for (int j = 0; j < d->nr_slit; j++)
				numa_set_distance(i, j, d->slit[i][j]);
	}
	return 0;
}

static int dummy_numa_init(struct kmm_machine *m)
{
	printk(KERN_INFO "%s\n", m->params.numa_off ? "NUMA turned off" :
	       "No NUMA configuration found");
	printk(KERN_INFO "Faking a node at [mem %#018llx-%#018llx]\n", 0ULL,
	       (unsigned long long)PFN_PHYS(max_pfn) - 1);
	node_set(0, &m->numa_nodes_parsed);
	numa_add_memblk(0, 0, PFN_PHYS(max_pfn));
	return 0;
}

/* --- numa=fake=N --------------------------------------------------------- */

static int emu_nid_to_phys[KMM_MAX_NODES];

static u64 mem_hole_size(u64 start, u64 end)
{
	unsigned long s = (unsigned long)PFN_UP(start);
	unsigned long e = (unsigned long)PFN_DOWN(end);

	return s < e ? PFN_PHYS(absent_pages_in_range(s, e)) : 0;
}

static int emu_setup_memblk(struct numa_meminfo *ei, struct numa_meminfo *pi,
			    int nid, int phys_blk, u64 size)
{
	struct numa_memblk *eb = &ei->blk[ei->nr_blks];
	struct numa_memblk *pb = &pi->blk[phys_blk];

	if (ei->nr_blks >= NR_NODE_MEMBLKS) {
		pr_err("NUMA: Too many emulated memblks, failing emulation\n");
		return -EINVAL;
	}
	ei->nr_blks++;
	eb->start = pb->start;
	eb->end = pb->start + size;
	eb->nid = nid;
	if (emu_nid_to_phys[nid] == NUMA_NO_NODE)
		emu_nid_to_phys[nid] = pb->nid;
	pb->start += size;
	if (pb->start >= pb->end)
		numa_remove_memblk_from(phys_blk, pi);
	printk(KERN_INFO "Faking node %d at [mem %#018llx-%#018llx] (%lluMB)\n",
	       nid, (unsigned long long)eb->start,
	       (unsigned long long)eb->end - 1,
	       (unsigned long long)((eb->end - eb->start) >> 20));
	return 0;
}

static int emu_find_memblk_by_nid(int nid, const struct numa_meminfo *mi)
{
	for (int i = 0; i < mi->nr_blks; i++)
		if (mi->blk[i].nid == nid)
			return i;
	return -ENOENT;
}

static int split_nodes_interleave(struct kmm_machine *m,
				  struct numa_meminfo *ei,
				  struct numa_meminfo *pi, u64 addr,
				  u64 max_addr, int nr_nodes)
{
	nodemask_t physnode_mask = m->numa_nodes_parsed;
	const u64 dma32_end = SZ_4G;
	u64 size;
	u64 big;
	int nid = 0;

	size = max_addr - addr - mem_hole_size(addr, max_addr);
	size = PFN_PHYS((size >> PAGE_SHIFT) / (u64)nr_nodes);
	big = ((size & ~FAKE_NODE_MIN_HASH_MASK) * (u64)nr_nodes) /
	      FAKE_NODE_MIN_SIZE;
	size &= FAKE_NODE_MIN_HASH_MASK;
	if (!size) {
		pr_err("Not enough memory for each node.  NUMA emulation disabled.\n");
		return -1;
	}
	while (nodes_weight(&physnode_mask)) {
		for (int i = 0; i < KMM_MAX_NODES; i++) {
			u64 start, limit, end;
			int phys_blk;

			if (!node_isset(i, &physnode_mask))
				continue;
			phys_blk = emu_find_memblk_by_nid(i, pi);
			if (phys_blk < 0) {
				node_clear(i, &physnode_mask);
				continue;
			}
			start = pi->blk[phys_blk].start;
			limit = pi->blk[phys_blk].end;
			end = start + size;
			if ((u64)nid < big)
				end += FAKE_NODE_MIN_SIZE;
			while (end - start - mem_hole_size(start, end) < size) {
				end += FAKE_NODE_MIN_SIZE;
				if (end > limit) {
					end = limit;
					break;
				}
			}
			if (end < dma32_end && dma32_end - end -
			    mem_hole_size(end, dma32_end) < FAKE_NODE_MIN_SIZE)
				end = dma32_end;
			if (limit - end - mem_hole_size(end, limit) < size)
				end = limit;
			if (emu_setup_memblk(ei, pi, nid++ % nr_nodes, phys_blk,
					     min(end, limit) - start) < 0)
				return -1;
		}
	}
	return 0;
}

static void numa_emulation(struct kmm_machine *m)
{
	static struct numa_meminfo ei, pi;
	u8 phys[KMM_MAX_NODES][KMM_MAX_NODES];
	int phys_cnt = m->numa_distance_cnt;
	int n = m->params.numa_fake, max_emu = -1;

	if (!n)
		return;
	memset(&ei, 0, sizeof(ei));
	pi = m->numa_meminfo;
	for (int i = 0; i < KMM_MAX_NODES; i++)
		emu_nid_to_phys[i] = NUMA_NO_NODE;
	if (split_nodes_interleave(m, &ei, &pi, 0, PFN_PHYS(max_pfn), n) < 0)
		return;
	if (numa_cleanup_meminfo(&ei) < 0) {
		pr_warn("NUMA: Warning: constructed meminfo invalid, disabling emulation\n");
		return;
	}
	for (int i = 0; i < phys_cnt; i++)
		for (int j = 0; j < phys_cnt; j++)
			phys[i][j] = (u8)node_distance(i, j);
	memset(&m->numa_nodes_parsed, 0, sizeof(m->numa_nodes_parsed));
	for (int i = 0; i < ei.nr_blks; i++) {
		node_set(ei.blk[i].nid, &m->numa_nodes_parsed);
		if (ei.blk[i].nid > max_emu)
			max_emu = ei.blk[i].nid;
	}
	m->numa_meminfo = ei;
	/*
	 * numa_emu_update_cpu_to_node: a CPU with a node follows it to its
	 * first emulated node, or to node 0 if none was made from it.
	 */
	for (int c = 0; c < KMM_MAX_CPUS; c++) {
		int phys_nid = m->cpu_fw_node[c], e;

		if (phys_nid == NUMA_NO_NODE)
			continue;
		for (e = 0; e <= max_emu; e++)
			if (emu_nid_to_phys[e] == phys_nid)
				break;
		m->cpu_fw_node[c] = e <= max_emu ? e : 0;
	}
	numa_reset_distance();
	for (int i = 0; i <= max_emu; i++)
		for (int j = 0; j <= max_emu; j++) {
			int pi_ = emu_nid_to_phys[i], pj = emu_nid_to_phys[j];
			int dist;

			if (pi_ < 0)
				pi_ = 0;
			if (pj < 0)
				pj = 0;
			if (pi_ >= phys_cnt || pj >= phys_cnt)
				dist = pi_ == pj ? LOCAL_DISTANCE :
						   REMOTE_DISTANCE;
			else
				dist = phys[pi_][pj];
			numa_set_distance(i, j, dist);
		}
}

/* --- registering nodes ---------------------------------------------------- */

static int numa_register_meminfo(struct kmm_machine *m)
{
	struct numa_meminfo *mi = &m->numa_meminfo;

	for (int i = 0; i < mi->nr_blks; i++) {
		struct numa_memblk *mb = &mi->blk[i];

		memblock_set_node(mb->start, mb->end - mb->start,
				  &memblock.memory, mb->nid);
		memblock_set_node(mb->start, mb->end - mb->start,
				  &memblock.reserved, mb->nid);
		node_set(mb->nid, &m->node_states[N_POSSIBLE]);
	}
	for (int n = 0; n < KMM_MAX_NODES; n++)
		if (node_isset(n, &m->numa_nodes_parsed))
			node_set(n, &m->node_states[N_POSSIBLE]);
	return 0;
}

void alloc_node_data(int nid)
{
	struct kmm_machine *m = kmm_current();
	u64 nd_size = m->desc.pgdat_size;
	u64 need = kmm_pgdat_alloc_size();
	phys_addr_t nd_pa;
	int tnid;

	if (nd_size < need)
		nd_size = need;
	if (m->desc.pgdat_size_page_rounded)
		nd_size = ALIGN(nd_size, (u64)PAGE_SIZE);
	else
		nd_size = ALIGN(nd_size, (u64)SMP_CACHE_BYTES);
	nd_pa = memblock_phys_alloc_try_nid(nd_size, SMP_CACHE_BYTES, nid);
	if (!nd_pa)
		panic("Cannot allocate %llu bytes for node %d data\n",
		      (unsigned long long)nd_size, nid);
	pr_info("NODE_DATA(%d) allocated [mem %#010llx-%#010llx]\n", nid,
		(unsigned long long)nd_pa,
		(unsigned long long)(nd_pa + nd_size - 1));
	tnid = early_pfn_to_nid((unsigned long)(nd_pa >> PAGE_SHIFT));
	if (tnid != nid)
		pr_info("    NODE_DATA(%d) on node %d\n", nid, tnid);
	m->node_data[nid] = __va(nd_pa);
	memset(m->node_data[nid], 0, (size_t)need);
	kmm_pgdat_init(m->node_data[nid], nid);
}

/* N_CPU and the online count, after the CPUs' nodes changed. */
static void set_cpu_nodes(struct kmm_machine *m)
{
	memset(&m->node_states[N_CPU], 0, sizeof(nodemask_t));
	for (int c = 0; c < m->nr_cpus; c++)
		if (m->cpu_to_node[c] >= 0)
			node_set_state(m->cpu_to_node[c], N_CPU);
	m->nr_online_nodes = num_node_state(N_ONLINE);
}

static int numa_register_nodes(struct kmm_machine *m)
{
	if (!memblock_validate_numa_coverage(SZ_1M))
		return -EINVAL;
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		unsigned long start_pfn, end_pfn;

		if (!node_isset(nid, &m->node_states[N_POSSIBLE]))
			continue;
		get_pfn_range_for_nid((unsigned int)nid, &start_pfn, &end_pfn);
		if (start_pfn >= end_pfn)
			continue;
		alloc_node_data(nid);
		node_set_state(nid, N_ONLINE);
	}
	memblock_dump_all();
	return 0;
}

static void numa_init_array(struct kmm_machine *m)
{
	int rr = -1;

	for (int n = 0; n < KMM_MAX_NODES; n++)
		if (node_online(n)) {
			rr = n;
			break;
		}
	for (int c = 0; c < m->nr_cpus; c++) {
		if (m->cpu_to_node[c] != NUMA_NO_NODE)
			continue;
		m->cpu_to_node[c] = rr;
		do {
			rr = (rr + 1) % KMM_MAX_NODES;
		} while (!node_online(rr));
	}
}

static int numa_init(struct kmm_machine *m, int (*init_func)(struct kmm_machine *))
{
	int ret;

	/*
	 * No CPU has a node yet (Linux learns the CPUs' APIC ids later in
	 * setup_arch), and the processor affinities start empty: the SRAT
	 * fills them, the fake node leaves them so.
	 */
	for (int c = 0; c < KMM_MAX_CPUS; c++) {
		m->cpu_to_node[c] = NUMA_NO_NODE;
		m->cpu_fw_node[c] = NUMA_NO_NODE;
	}
	memset(&m->numa_nodes_parsed, 0, sizeof(m->numa_nodes_parsed));
	memset(&m->node_states[N_POSSIBLE], 0, sizeof(nodemask_t));
	memset(&m->node_states[N_ONLINE], 0, sizeof(nodemask_t));
	memset(&m->numa_meminfo, 0, sizeof(m->numa_meminfo));
	memblock_set_node(0, MEMBLOCK_ALLOC_ANYWHERE, &memblock.memory,
			  NUMA_NO_NODE);
	memblock_set_node(0, MEMBLOCK_ALLOC_ANYWHERE, &memblock.reserved,
			  NUMA_NO_NODE);
	memblock_clear_hotplug(0, MEMBLOCK_ALLOC_ANYWHERE);
	numa_reset_distance();

	ret = init_func(m);
	if (ret < 0)
		return ret;
	memblock_set_bottom_up(false);
	ret = numa_cleanup_meminfo(&m->numa_meminfo);
	if (ret < 0)
		return ret;
	numa_emulation(m);
	ret = numa_register_meminfo(m);
	if (ret < 0)
		return ret;
	ret = numa_register_nodes(m);
	if (ret < 0)
		return ret;
	/*
	 * Every CPU round robin over the online nodes (numa_init_array)
	 * until init_cpu_to_node() gives those with an affinity their node.
	 * No CPU has a node yet, so Linux's clearing of CPUs on offline
	 * nodes just before has nothing to do here.
	 */
	numa_init_array(m);
	return 0;
}

void x86_numa_init(void)
{
	struct kmm_machine *m = kmm_current();

	if (!m->params.numa_off) {
		if (!numa_init(m, srat_numa_init))
			goto done;
	}
	if (numa_init(m, dummy_numa_init))
		panic("NUMA: cannot set up even the fake node");
done:
	set_cpu_nodes(m);
	m->nr_node_ids = 0;
	for (int n = 0; n < KMM_MAX_NODES; n++)
		if (node_isset(n, &m->node_states[N_POSSIBLE]))
			m->nr_node_ids = n + 1;
}

/*
 * Linux's init_cpu_to_node(), which setup_arch calls after paging_init:
 * each CPU goes to the node the SRAT gives it.  A node with CPUs but no
 * memory is set online here (its NODE_DATA was made by free_area_init),
 * so it counts in "Built N zonelists" and "smp: Brought up N nodes", and
 * its CPUs allocate through its zonelist, whose first zones are the
 * nearest node's.  Without an SRAT (the fake node, numa=off) the round
 * robin of numa_init stays.
 */
void init_cpu_to_node(void)
{
	struct kmm_machine *m = kmm_current();

	for (int c = 0; c < m->nr_cpus; c++) {
		int nid = m->cpu_fw_node[c];

		if (nid == NUMA_NO_NODE || !m->node_data[nid])
			continue;
		if (!node_online(nid))
			node_set_state(nid, N_ONLINE);
		m->cpu_to_node[c] = nid;
	}
	set_cpu_nodes(m);
}

int early_pfn_to_nid(unsigned long pfn)
{
	unsigned long s, e;
	int nid = memblock_search_pfn_nid(pfn, &s, &e);

	return nid < 0 ? 0 : nid;
}

int cpu_to_node(int cpu)
{
	struct kmm_machine *m = kmm_current();

	if (cpu < 0 || cpu >= m->nr_cpus)
		return NUMA_NO_NODE;
	return m->cpu_to_node[cpu];
}
