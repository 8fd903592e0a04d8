/* SPDX-License-Identifier: MIT */
/*
 * mm/sparse.c - SPARSEMEM_VMEMMAP: sections, the memmap and pageblock bits.
 *
 * What: physical memory is cut into 128 MiB sections.  A section that
 * holds any RAM is "present": it gets a slice of the memmap (32768 struct
 * pages, 2 MiB) and a usage record holding its pageblock migratetype bits.
 * pfn_to_page(pfn) is vmemmap + pfn: the memmap of every present section is
 * mapped at its place in one virtual window, and absent sections cost
 * nothing, so holes are free.
 *
 * Data structures: m->mem_section[nr] (host memory: kmm's own index, where
 * Linux keeps a two-level table); the usage records and the memmap itself
 * live in the simulated machine's memory, allocated from the early
 * allocator as Linux's sparse_init does, so what they cost appears in the
 * machine's reserved memory exactly as in Linux:
 *
 *   per node: usage records for all its present sections, one allocation
 *     placed in the same section as the node's pg_data_t if possible
 *     (sparse_early_usemaps_alloc_pgdat_section);
 *   per node: one buffer of 2 MiB per present section, 2 MiB aligned,
 *     above 16 MiB, exactly on the node (sparse_buffer_init), carved in
 *     section order; a section that cannot get memory from the buffer is
 *     allocated on its own; one that cannot get memory at all is dropped
 *     with Linux's "memory map backing failed" message;
 *   the vmemmap's page tables: one page per PMD table (1 GiB of vmemmap,
 *     i.e. 64 GiB of RAM) and per PUD table (512 GiB of vmemmap), zeroed,
 *     taken as vmemmap_populate takes them.
 *
 * The memmap is mapped into the vmemmap window straight from the machine's
 * backing (kmm_plat_map), so one frame is visible at __va(memmap phys) and
 * at vmemmap + pfn, as on x86_64.  Nothing is written here: struct pages are
 * initialised by memmap_init (mm/mm_init.c), lazily for deferred ranges, so
 * a 16 TiB machine's 256 GiB memmap costs host memory only where used.
 *
 * Invariants: after sparse_init a section is present iff it has a memmap
 * (a node whose maps cannot be allocated loses both), with the nid of its
 * first memory; pfn_valid(pfn) iff the pfn's section is present.
 *
 * Locking: boot only (single thread per machine).
 * The subsection map (one bit per 2 MiB with RAM, as
 * sparse_init_subsection_map sets it) is one u64 per section; only
 * pagetypeinfo's pfn_to_online_page() reads it.
 *
 * Differences from Linux: no memory hot-add (the subsection map never
 * changes after boot); mem_section is a flat host array.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/platform.h>

#define SECTION_MAP_SIZE	(PAGES_PER_SECTION * sizeof(struct page))
#define USAGE_HDR		24	/* rcu_head + subsection map */
#define USAGE_FLAGS_BYTES	(PAGES_PER_SECTION / pageblock_nr_pages * \
				 NR_PAGEBLOCK_BITS / 8)
#define USAGE_SIZE		(USAGE_HDR + USAGE_FLAGS_BYTES)
#define MAX_DMA_ADDRESS_PHYS	(16ULL << 20)
#define PMD_COVER		(1ULL << 30)	/* vmemmap bytes per PMD table */
#define PUD_COVER		(1ULL << 39)

void sparse_init(void);
void *kmm_early_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t min,
		      phys_addr_t max, int nid, bool exact, bool raw);

struct mem_section *__pfn_to_section(unsigned long pfn)
{
	struct kmm_machine *m = kmm_current();
	unsigned long nr = pfn_to_section_nr(pfn);

	if (!m->mem_section || nr >= m->nr_mem_sections)
		return NULL;
	return &m->mem_section[nr];
}

bool early_pfn_valid(unsigned long pfn)
{
	return pfn_valid(pfn);
}

/*
 * The early allocator of the moment: bootmem once the kmm bootmem path has
 * taken over, memblock otherwise.  @exact keeps the allocation on @nid.
 */
void *kmm_early_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t min,
		      phys_addr_t max, int nid, bool exact, bool raw)
{
	void *p;

	if (kmm_bootmem_active()) {
		p = kmm_bootmem_alloc_node(nid, (unsigned long)size,
					   (unsigned long)align,
					   (unsigned long)min,
					   max == MEMBLOCK_ALLOC_ACCESSIBLE ?
					   0 : (unsigned long)max);
		if (!p && !exact)
			p = kmm_bootmem_alloc_node(NUMA_NO_NODE,
						   (unsigned long)size,
						   (unsigned long)align, 0, 0);
		return p;
	}
	if (exact)
		return memblock_alloc_exact_nid_raw(size, align, min, max, nid);
	if (raw)
		return memblock_alloc_try_nid_raw(size, align, min, max, nid);
	return memblock_alloc_try_nid(size, align, min, max, nid);
}

static void memory_present(struct kmm_machine *m)
{
	unsigned long start, end;
	int i, nid;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start, &end, &nid) {
		for (unsigned long s = pfn_to_section_nr(start);
		     s <= pfn_to_section_nr(end - 1); s++) {
			struct mem_section *ms = &m->mem_section[s];
			unsigned long lo = max(start, section_nr_to_pfn(s));
			unsigned long hi = min(end, section_nr_to_pfn(s + 1));

			if (!ms->present) {
				ms->present = 1;
				ms->early = 1;
				ms->nid = nid;
			}
			/* sparse_init_subsection_map: the 2 MiB pieces touched. */
			for (unsigned long p = lo; p < hi;
			     p = ALIGN(p + 1, PAGES_PER_SUBSECTION))
				ms->subsection_map |= 1ULL <<
					((p & (PAGES_PER_SECTION - 1)) >>
					 PFN_SUBSECTION_SHIFT);
		}
	}
}

/* The usage records of a node, next to its pg_data_t when possible. */
static void *alloc_usemaps(struct kmm_machine *m, int nid, unsigned long size)
{
	phys_addr_t goal, limit;
	void *p;

	goal = __pa(m->node_data[nid]) & ~((phys_addr_t)SZ_128M - 1);
	limit = goal + SZ_128M;
	p = kmm_early_alloc(size, SMP_CACHE_BYTES, goal, limit,
			    early_pfn_to_nid(PHYS_PFN(goal)), false, false);
	if (!p)
		p = kmm_early_alloc(size, SMP_CACHE_BYTES, goal,
				    MEMBLOCK_ALLOC_ACCESSIBLE,
				    early_pfn_to_nid(PHYS_PFN(goal)), false,
				    false);
	return p;
}

/* vmemmap_populate's page tables for the memmap of section @s. */
static void populate_tables(struct kmm_machine *m, unsigned long s, int nid,
			    u64 *pmd_seen, u64 *pud_seen)
{
	u64 off = (u64)s * SECTION_MAP_SIZE;
	u64 pmd = off / PMD_COVER + 1, pud = off / PUD_COVER + 1;

	if (*pud_seen != pud) {
		*pud_seen = pud;
		kmm_early_alloc(PAGE_SIZE, PAGE_SIZE, MAX_DMA_ADDRESS_PHYS,
				MEMBLOCK_ALLOC_ACCESSIBLE, nid, false, false);
	}
	if (*pmd_seen != pmd) {
		*pmd_seen = pmd;
		kmm_early_alloc(PAGE_SIZE, PAGE_SIZE, MAX_DMA_ADDRESS_PHYS,
				MEMBLOCK_ALLOC_ACCESSIBLE, nid, false, false);
	}
}

static int map_memmap(struct kmm_machine *m, unsigned long s, phys_addr_t pa,
		      unsigned long nr)
{
	u8 *va = (u8 *)m->vmemmap_base + (u64)s * SECTION_MAP_SIZE;

	return kmm_plat_map(m->backing, pa, (u64)nr * SECTION_MAP_SIZE, va,
			    KMM_PROT_RW);
}

static void sparse_init_nid(struct kmm_machine *m, int nid,
			    unsigned long first, unsigned long last,
			    unsigned long count, u64 *pmd_seen, u64 *pud_seen)
{
	u8 *usage;
	phys_addr_t buf = 0, buf_end = 0;
	void *bufp;
	unsigned long s, run_start = 0, run_n = 0;
	phys_addr_t run_pa = 0;

	usage = alloc_usemaps(m, nid, count * USAGE_SIZE);
	if (!usage) {
		pr_err("%s: node[%d] usemap allocation failed", __func__, nid);
		goto failed;
	}
	bufp = kmm_early_alloc((phys_addr_t)count * SECTION_MAP_SIZE,
			       SECTION_MAP_SIZE, MAX_DMA_ADDRESS_PHYS,
			       MEMBLOCK_ALLOC_ACCESSIBLE, nid, true, true);
	if (bufp) {
		buf = __pa(bufp);
		buf_end = buf + (phys_addr_t)count * SECTION_MAP_SIZE;
	}
	for (s = first; s <= last; s++) {
		struct mem_section *ms = &m->mem_section[s];
		phys_addr_t pa;

		if (!ms->present || ms->nid != nid)
			continue;
		populate_tables(m, s, nid, pmd_seen, pud_seen);
		if (buf && buf < buf_end) {
			pa = buf;
			buf += SECTION_MAP_SIZE;
		} else {
			void *p = kmm_early_alloc(SECTION_MAP_SIZE,
						  SECTION_MAP_SIZE,
						  MAX_DMA_ADDRESS_PHYS,
						  MEMBLOCK_ALLOC_ACCESSIBLE,
						  nid, false, true);
			if (!p) {
				pr_err("%s: node[%d] memory map backing failed. Some memory will not be available.",
				       __func__, nid);
				ms->present = 0;
				continue;
			}
			pa = __pa(p);
		}
		ms->memmap_phys = pa;
		ms->pageblock_flags = (unsigned long *)(usage + USAGE_HDR);
		usage += USAGE_SIZE;
		ms->has_memmap = 1;
		/* Extend the current mapping run or start a new one. */
		if (run_n && s == run_start + run_n &&
		    pa == run_pa + (phys_addr_t)run_n * SECTION_MAP_SIZE) {
			run_n++;
		} else {
			if (run_n && map_memmap(m, run_start, run_pa, run_n))
				panic("vmemmap: cannot map the memmap");
			run_start = s;
			run_pa = pa;
			run_n = 1;
		}
	}
	if (run_n && map_memmap(m, run_start, run_pa, run_n))
		panic("vmemmap: cannot map the memmap");
	/* sparse_buffer_fini: give back what the node did not use. */
	if (buf && buf < buf_end && !kmm_bootmem_active())
		memblock_phys_free(buf, buf_end - buf);
	return;
failed:
	for (s = first; s <= last; s++)
		if (m->mem_section[s].present && m->mem_section[s].nid == nid) {
			m->mem_section[s].present = 0;
			m->mem_section[s].has_memmap = 0;
		}
}

void sparse_init(void)
{
	struct kmm_machine *m = kmm_current();
	unsigned long nr = (unsigned long)(m->phys_span >> SECTION_SIZE_BITS);
	unsigned long s, first = 0, count = 0;
	u64 pmd_seen = 0, pud_seen = 0;
	int nid = -1;

	/* kmm_machine_create made it (all sections absent) already. */
	if (!m->mem_section)
		m->mem_section = kmm_plat_alloc(nr * sizeof(struct mem_section));
	if (!m->mem_section)
		panic("sparse_init: out of host memory for %lu sections", nr);
	m->nr_mem_sections = nr;
	memory_present(m);
	/* Walk sections in order; each run of one node's sections is a batch. */
	for (s = 0; s <= nr; s++) {
		struct mem_section *ms = s < nr ? &m->mem_section[s] : NULL;

		if (s < nr && !ms->present)
			continue;
		if (s == nr || ms->nid != nid) {
			if (count)
				sparse_init_nid(m, nid, first, s - 1, count,
						&pmd_seen, &pud_seen);
			if (s == nr)
				break;
			nid = ms->nid;
			first = s;
			count = 0;
		}
		count++;
	}
}
