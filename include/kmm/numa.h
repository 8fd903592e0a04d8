/* SPDX-License-Identifier: MIT */
/*
 * kmm/numa.h - NUMA discovery: numa_meminfo, distances, node masks.
 *
 * x86 NUMA init (arch/x86/numa.c, modelled on arch/x86/mm/numa.c and
 * mm/numa_memblks.c): SRAT memory affinity blocks become numa_meminfo
 * entries, are cleaned up and merged per node (printing the "NUMA: Node N
 * [mem ...] + [mem ...] -> [mem ...]" lines), pushed into memblock with
 * memblock_set_node(), and every node with memory gets its NODE_DATA.
 */
#ifndef KMM_NUMA_H
#define KMM_NUMA_H

#include <kmm/types.h>
#include <kmm/mmzone.h>

#define NR_NODE_MEMBLKS		(KMM_MAX_NODES * 2)

struct numa_memblk {
	u64 start;
	u64 end;
	int nid;
};

struct numa_meminfo {
	int nr_blks;
	struct numa_memblk blk[NR_NODE_MEMBLKS];
};

typedef struct {
	unsigned long bits[(KMM_MAX_NODES + 63) / 64];
} nodemask_t;

static inline void node_set(int n, nodemask_t *m)
{
	m->bits[n / 64] |= 1UL << (n % 64);
}
static inline void node_clear(int n, nodemask_t *m)
{
	m->bits[n / 64] &= ~(1UL << (n % 64));
}
static inline bool node_isset(int n, const nodemask_t *m)
{
	return (m->bits[n / 64] >> (n % 64)) & 1;
}
static inline int nodes_weight(const nodemask_t *m)
{
	int w = 0;
	for (size_t i = 0; i < ARRAY_SIZE(m->bits); i++)
		w += __builtin_popcountl(m->bits[i]);
	return w;
}

enum node_states {
	N_POSSIBLE,
	N_ONLINE,
	N_NORMAL_MEMORY,
	N_HIGH_MEMORY,
	N_MEMORY,
	N_CPU,
	N_GENERIC_INITIATOR,
	NR_NODE_STATES
};

int node_distance(int from, int to);
bool node_state(int node, enum node_states state);
void node_set_state(int node, enum node_states state);
void node_clear_state(int node, enum node_states state);
int num_node_state(enum node_states state);
#define node_online(n)		node_state(n, N_ONLINE)
#define for_each_node_state(n, s) \
	for (n = 0; n < KMM_MAX_NODES; n++) if (node_state(n, s))
#define for_each_online_node(n)	for_each_node_state(n, N_ONLINE)
#define for_each_node_with_memory(n) for_each_node_state(n, N_MEMORY)

int numa_add_memblk(int nid, u64 start, u64 end);
int numa_cleanup_meminfo(struct numa_meminfo *mi);
void numa_set_distance(int from, int to, int distance);
void x86_numa_init(void);
/*
 * After the zones: each CPU to its SRAT node, a memoryless node coming
 * online for its CPUs (Linux's init_cpu_to_node).
 */
void init_cpu_to_node(void);
void alloc_node_data(int nid);
void get_pfn_range_for_nid(unsigned int nid, unsigned long *start_pfn,
			   unsigned long *end_pfn);
int early_pfn_to_nid(unsigned long pfn);
int cpu_to_node(int cpu);

#endif /* KMM_NUMA_H */
