// SPDX-License-Identifier: MIT
/*
 * mm/percpu.c - the per-CPU allocator's first chunk, as x86_64's
 * setup_per_cpu_areas builds it (Linux 6.12's mm/percpu.c, with the arch
 * part of arch/x86/kernel/setup_percpu.c).
 *
 * What.  Before the page allocator exists, start_kernel gives every
 * possible CPU a unit of the first percpu chunk: the kernel's static
 * per-CPU data, the reserve for modules' static per-CPU data, and a
 * dynamic reserve for early alloc_percpu.  x86_64 embeds the chunk in the
 * direct map (pcpu_embed_first_chunk): the units of CPUs that are close
 * (LOCAL_DISTANCE both ways: one NUMA node) form a group, each group is
 * one early allocation on its node aligned to a 2 MiB atom, and the part
 * of each unit past what it uses goes back to the early allocator.  What
 * stays reserved is, per unit, the static + reserved + dynamic sizes
 * rounded up to pages; it is missing from the "Memory:" line's available
 * figure, and meminfo reports it as Percpu.
 *
 * Data structures.  The sizes come from the description (the kernel
 * build's static per-CPU size and module reserve, learned from a boot
 * log's "percpu: Embedded" line); m->pcpu_unit_pages and m->pcpu_nr_units
 * keep what meminfo needs (pcpu_nr_populated * pcpu_nr_units).
 *
 * Algorithms, as Linux: pcpu_build_alloc_info (size_sum = PFN_ALIGN(static
 * + reserved + max(dyn, PERCPU_DYNAMIC_EARLY_SIZE)); the largest units per
 * 2 MiB allocation that divides it into page-aligned units; CPUs grouped by
 * node distance; the units-per-allocation that wastes at most a third of
 * the possible CPUs' units without more allocations), then
 * pcpu_embed_first_chunk (one node-local allocation per group above
 * MAX_DMA_ADDRESS, the unused tail of each unit freed).  If that fails,
 * Linux falls back to the page first chunk (each unit's pages allocated
 * one by one) with a warning, and so does kmm; if that fails too it
 * panics.  On kmm's bootmem path (Linux 4.19) the same allocations go
 * through bootmem, as 4.19's pcpu_alloc_bootmem did.
 *
 * Locking.  Boot only, one thread.
 *
 * Failure.  As above: a warning and the page first chunk, then a panic
 * ("cannot initialize percpu area").
 *
 * Observability.  "percpu: Embedded N pages/cpu sS rR dD uU" (or "percpu:
 * N 4K pages/cpu sS rR dD" for the page first chunk); meminfo's Percpu.
 *
 * Differences from Linux.  Nothing is copied into the units (kmm has no
 * static per-CPU data), and the early allocation is not zeroed, so the
 * units are not touched.  The chunk's own bookkeeping (pcpu_setup_first_
 * chunk's maps: a few hundred bytes to a few KiB of early memory) and the
 * temporary allocation info are not modelled; nor are later chunks (kmm
 * has no alloc_percpu users), so Percpu stays at the first chunk.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/numa.h>

#define PCPU_MIN_UNIT_SIZE		(32UL << 10)
#define PERCPU_DYNAMIC_EARLY_SIZE	(20UL << 10)
#define PERCPU_DYNAMIC_RESERVE		(28UL << 10)
#define PCPU_ATOM_SIZE			(2UL << 20)	/* PMD_SIZE */
#define PCPU_GOAL			0x1000000UL	/* __pa(MAX_DMA_ADDRESS) */
#define PCPU_NO_CPU			(-1)

void setup_per_cpu_areas(void);

struct pcpu_layout {
	unsigned long static_size, reserved_size, dyn_size, size_sum;
	unsigned long unit_size;
	int nr_groups, nr_units;
	int group_of[KMM_MAX_CPUS];
	int group_cnt[KMM_MAX_CPUS];
};

static unsigned long pfn_align(unsigned long x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static int cpu_node(struct kmm_machine *m, int cpu)
{
	int nid = m->cpu_to_node[cpu];

	return nid < 0 ? 0 : nid;
}

/* pcpu_build_alloc_info with x86's pcpu_cpu_distance. */
static void build_alloc_info(struct kmm_machine *m, struct pcpu_layout *l)
{
	unsigned long min_unit, alloc_size = PCPU_ATOM_SIZE;
	int ncpu = m->nr_cpus, upa, max_upa, best_upa = 0;
	int last_allocs = INT_MAX;

	l->static_size = m->desc.pcpu_static_size;
	l->reserved_size = m->desc.pcpu_reserved_size;
	/* x86: PERCPU_MODULE_RESERVE + DYNAMIC_RESERVE - FIRST_CHUNK_RESERVE */
	l->size_sum = pfn_align(l->static_size + l->reserved_size +
				max(PERCPU_DYNAMIC_RESERVE,
				    PERCPU_DYNAMIC_EARLY_SIZE));
	l->dyn_size = l->size_sum - l->static_size - l->reserved_size;
	min_unit = max(l->size_sum, PCPU_MIN_UNIT_SIZE);
	alloc_size = (min_unit + PCPU_ATOM_SIZE - 1) / PCPU_ATOM_SIZE *
		     PCPU_ATOM_SIZE;
	upa = (int)(alloc_size / min_unit);
	while (alloc_size % (unsigned long)upa ||
	       (alloc_size / (unsigned long)upa) % PAGE_SIZE)
		upa--;
	max_upa = upa;

	/* Group the possible CPUs: each with the first one at local distance. */
	for (int c = 0; c < ncpu; c++)
		l->group_of[c] = -1;
	l->nr_groups = 0;
	for (int c = 0; c < ncpu; c++) {
		int g;

		if (l->group_of[c] >= 0)
			continue;
		g = l->nr_groups++;
		l->group_of[c] = g;
		l->group_cnt[g] = 1;
		for (int t = c + 1; t < ncpu; t++) {
			int a = cpu_node(m, c), b = cpu_node(m, t);

			if (l->group_of[t] < 0 &&
			    node_distance(a, b) == LOCAL_DISTANCE &&
			    node_distance(b, a) == LOCAL_DISTANCE) {
				l->group_of[t] = g;
				l->group_cnt[g]++;
			}
		}
	}
	for (upa = max_upa; upa; upa--) {
		int allocs = 0, wasted = 0;

		if (alloc_size % (unsigned long)upa ||
		    (alloc_size / (unsigned long)upa) % PAGE_SIZE)
			continue;
		for (int g = 0; g < l->nr_groups; g++) {
			int this_allocs = (l->group_cnt[g] + upa - 1) / upa;

			allocs += this_allocs;
			wasted += this_allocs * upa - l->group_cnt[g];
		}
		if (wasted > ncpu / 3)
			continue;
		if (allocs > last_allocs)
			break;
		last_allocs = allocs;
		best_upa = upa;
	}
	upa = best_upa ? best_upa : 1;
	l->unit_size = alloc_size / (unsigned long)upa;
	l->nr_units = 0;
	for (int g = 0; g < l->nr_groups; g++) {
		l->group_cnt[g] = (l->group_cnt[g] + upa - 1) / upa * upa;
		l->nr_units += l->group_cnt[g];
	}
}

/* pcpu_fc_alloc (4.19: pcpu_alloc_bootmem): node-local, above 16 MiB. */
static void *fc_alloc(struct kmm_machine *m, int cpu, unsigned long size,
		      unsigned long align)
{
	int nid = m->cpu_to_node[cpu];
	bool local = nid >= 0 && nid < KMM_MAX_NODES && node_online(nid) &&
		     m->node_data[nid];
	void *ptr;

	if (kmm_bootmem_active())
		ptr = local ? __alloc_bootmem_node_nopanic(m->node_data[nid],
							   size, align,
							   PCPU_GOAL) :
			      __alloc_bootmem_nopanic(size, align, PCPU_GOAL);
	else
		ptr = memblock_alloc_try_nid_raw(size, align, PCPU_GOAL,
						 MEMBLOCK_ALLOC_ACCESSIBLE,
						 local ? nid : NUMA_NO_NODE);
	if (!local)
		pr_info("percpu: cpu %d has no node %d or node-local memory\n",
			cpu, nid);
	return ptr;
}

static void fc_free(void *ptr, unsigned long size)
{
	if (kmm_bootmem_active())
		free_bootmem((unsigned long)__pa(ptr), size);
	else
		memblock_free(ptr, size);
}

/* The first CPU of group @g. */
static int group_cpu(struct kmm_machine *m, const struct pcpu_layout *l,
		     int g)
{
	for (int c = 0; c < m->nr_cpus; c++)
		if (l->group_of[c] == g)
			return c;
	return 0;
}

static int embed_first_chunk(struct kmm_machine *m, struct pcpu_layout *l)
{
	void *areas[KMM_MAX_CPUS];
	int g;

	for (g = 0; g < l->nr_groups; g++) {
		areas[g] = fc_alloc(m, group_cpu(m, l, g),
				    (unsigned long)l->group_cnt[g] * l->unit_size,
				    PCPU_ATOM_SIZE);
		if (!areas[g])
			goto fail;
	}
	/* Free each unit's unused tail, and the padding units whole. */
	for (g = 0; g < l->nr_groups; g++) {
		u8 *ptr = areas[g];
		int used = 0;

		for (int c = 0; c < m->nr_cpus; c++)
			used += l->group_of[c] == g;
		for (int i = 0; i < l->group_cnt[g]; i++, ptr += l->unit_size) {
			if (i >= used)
				fc_free(ptr, l->unit_size);
			else
				fc_free(ptr + l->size_sum,
					l->unit_size - l->size_sum);
		}
	}
	pr_info("percpu: Embedded %lu pages/cpu s%lu r%lu d%lu u%lu\n",
		l->size_sum >> PAGE_SHIFT, l->static_size, l->reserved_size,
		l->dyn_size, l->unit_size);
	return 0;
fail:
	while (g--)
		fc_free(areas[g], (unsigned long)l->group_cnt[g] * l->unit_size);
	return -ENOMEM;
}

/*
 * pcpu_page_first_chunk: its own layout (no dynamic reserve beyond the
 * early size, 4 KiB atoms, one group), then each unit's pages one by one,
 * nothing freed.
 */
static int page_first_chunk(struct kmm_machine *m, struct pcpu_layout *l)
{
	unsigned long unit_pages;

	l->size_sum = pfn_align(l->static_size + l->reserved_size +
				PERCPU_DYNAMIC_EARLY_SIZE);
	l->dyn_size = l->size_sum - l->static_size - l->reserved_size;
	l->unit_size = max(l->size_sum, PCPU_MIN_UNIT_SIZE);
	unit_pages = l->unit_size >> PAGE_SHIFT;

	for (int c = 0; c < m->nr_cpus; c++)
		for (unsigned long i = 0; i < unit_pages; i++)
			if (!fc_alloc(m, c, PAGE_SIZE, PAGE_SIZE))
				return -ENOMEM;
	pr_info("percpu: %lu 4K pages/cpu s%lu r%lu d%lu\n", unit_pages,
		l->static_size, l->reserved_size, l->dyn_size);
	l->nr_units = m->nr_cpus;
	return 0;
}

void setup_per_cpu_areas(void)
{
	struct kmm_machine *m = kmm_current();
	struct pcpu_layout l;
	int rc;

	pr_info("setup_percpu: NR_CPUS:%d nr_cpumask_bits:%d nr_cpu_ids:%d nr_node_ids:%d\n",
		m->desc.nr_cpus_config, m->nr_cpus, m->nr_cpus,
		m->nr_node_ids);
	build_alloc_info(m, &l);
	rc = embed_first_chunk(m, &l);
	if (rc < 0) {
		pr_warn("setup_percpu: auto allocator failed (%d), falling back to page size\n",
			rc);
		rc = page_first_chunk(m, &l);
	}
	if (rc < 0)
		panic("cannot initialize percpu area (err=%d)", rc);
	/* pcpu_nr_populated (the unit's pages) times pcpu_nr_units. */
	m->pcpu_nr_pages = (l.size_sum >> PAGE_SHIFT) *
			   (unsigned long)l.nr_units;
}
