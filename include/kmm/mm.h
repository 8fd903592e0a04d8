/* SPDX-License-Identifier: MIT */
/*
 * kmm/mm.h - address translation and page lookups for the current machine.
 *
 * The direct map: __va(pa) = phys_base + pa.  The memmap: SPARSEMEM_VMEMMAP,
 * pfn_to_page(pfn) = vmemmap + pfn, one addition.
 */
#ifndef KMM_MM_H
#define KMM_MM_H

#include <kmm/machine.h>
#include <kmm/page_flags.h>

#define __va(pa)	((void *)(kmm_current()->phys_base + (phys_addr_t)(pa)))
#define __pa(va)	((phys_addr_t)((const u8 *)(va) - kmm_current()->phys_base))
#define phys_to_virt(pa) __va(pa)
#define virt_to_phys(va) __pa(va)

#define vmemmap			(kmm_current()->vmemmap_base)
#define pfn_to_page(pfn)	(vmemmap + (pfn))
#define page_to_pfn(page)	((unsigned long)((page) - vmemmap))
#define virt_to_page(va)	pfn_to_page(__pa(va) >> PAGE_SHIFT)
#define page_to_virt(page)	__va(PFN_PHYS(page_to_pfn(page)))
#define page_address(page)	page_to_virt(page)

#define NODE_DATA(nid)		(kmm_current()->node_data[nid])
#define max_pfn			(kmm_current()->pfn_max)
#define max_low_pfn		(kmm_current()->pfn_max_low)
#define min_low_pfn		(kmm_current()->pfn_min_low)

static inline struct zone *page_zone(const struct page *page)
{
	return &NODE_DATA(page_to_nid(page))->node_zones[page_zonenum(page)];
}

static inline pg_data_t *page_pgdat(const struct page *page)
{
	return NODE_DATA(page_to_nid(page));
}

/* SPARSEMEM: a pfn is valid when its section is present (mm/sparse.c). */
bool early_pfn_valid(unsigned long pfn);
struct mem_section *__pfn_to_section(unsigned long pfn);
/* The order of the smallest block of pages holding @size bytes (size > 0). */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/* pfn_valid() for a given machine (no lookup of the current one). */
static inline bool pfn_valid_m(const struct kmm_machine *m, unsigned long pfn)
{
	unsigned long nr = pfn_to_section_nr(pfn);

	/* nr_mem_sections stays 0 until mem_section exists (sparse_init). */
	return nr < m->nr_mem_sections &&
	       m->mem_section[nr].present && m->mem_section[nr].has_memmap;
}

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn_valid_m(kmm_current(), pfn);
}

/* Pageblock migratetype bits (mm/page_alloc.c). */
int get_pageblock_migratetype(const struct page *page);
void set_pageblock_migratetype(struct page *page, int migratetype);

/* mm/memtest.c: the early memory test (memtest=), and its pattern count. */
void early_memtest(phys_addr_t start, phys_addr_t end);
unsigned int kmm_memtest_patterns(void);

/* mm/mm_init.c: alloc_large_system_hash, HASH_EARLY | HASH_ZERO. */
unsigned int alloc_large_system_hash_early(const char *name,
					   unsigned long bucketsize,
					   unsigned long numentries, int scale,
					   unsigned long low_limit);

#endif /* KMM_MM_H */
