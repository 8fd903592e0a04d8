/* SPDX-License-Identifier: MIT */
/*
 * kmm/bootmem.h - the bitmap boot allocator of Linux 4.19 and earlier.
 *
 * Chosen with the boot parameter `bootmem` (kmm's; Linux chose at build
 * time).  One bootmem_data per node: a bitmap with a bit per page of the
 * node's low memory, set = reserved, kept at the start of the node.
 */
#ifndef KMM_BOOTMEM_H
#define KMM_BOOTMEM_H

#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/mmzone.h>

typedef struct bootmem_data {
	unsigned long node_min_pfn;
	unsigned long node_low_pfn;
	void *node_bootmem_map;
	unsigned long last_end_off;
	unsigned long hint_idx;
	struct list_head list;
} bootmem_data_t;

#define BOOTMEM_DEFAULT		0
#define BOOTMEM_EXCLUSIVE	(1 << 0)

/* x86: allocations default to above the ISA DMA zone. */
#define MAX_DMA_ADDRESS_PA	0x1000000UL
#define BOOTMEM_LOW_LIMIT	MAX_DMA_ADDRESS_PA

/* Per machine: bootmem_node_data[nid], bdata_list (kernel/machine.c). */
bootmem_data_t *kmm_bootmem_data(int nid);
#define NODE_BDATA(nid)		(kmm_bootmem_data(nid))

unsigned long bootmem_bootmap_pages(unsigned long pages);
unsigned long init_bootmem_node(pg_data_t *pgdat, unsigned long freepfn,
				unsigned long startpfn, unsigned long endpfn);
unsigned long init_bootmem(unsigned long addr, unsigned long memend);
void free_bootmem_node(pg_data_t *pgdat, unsigned long physaddr,
		       unsigned long size);
void free_bootmem(unsigned long physaddr, unsigned long size);
void free_bootmem_late(unsigned long physaddr, unsigned long size);
int reserve_bootmem_node(pg_data_t *pgdat, unsigned long physaddr,
			 unsigned long size, int flags);
int reserve_bootmem(unsigned long addr, unsigned long size, int flags);

void *__alloc_bootmem(unsigned long size, unsigned long align,
		      unsigned long goal);
void *__alloc_bootmem_nopanic(unsigned long size, unsigned long align,
			      unsigned long goal);
void *__alloc_bootmem_node(pg_data_t *pgdat, unsigned long size,
			   unsigned long align, unsigned long goal);
void *__alloc_bootmem_node_high(pg_data_t *pgdat, unsigned long size,
				unsigned long align, unsigned long goal);
void *__alloc_bootmem_node_nopanic(pg_data_t *pgdat, unsigned long size,
				   unsigned long align, unsigned long goal);
void *___alloc_bootmem_node_nopanic(pg_data_t *pgdat, unsigned long size,
				    unsigned long align, unsigned long goal,
				    unsigned long limit);
void *__alloc_bootmem_low(unsigned long size, unsigned long align,
			  unsigned long goal);
void *__alloc_bootmem_low_nopanic(unsigned long size, unsigned long align,
				  unsigned long goal);
void *__alloc_bootmem_low_node(pg_data_t *pgdat, unsigned long size,
			       unsigned long align, unsigned long goal);

#define alloc_bootmem(x) \
	__alloc_bootmem(x, SMP_CACHE_BYTES, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_align(x, align) \
	__alloc_bootmem(x, align, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_nopanic(x) \
	__alloc_bootmem_nopanic(x, SMP_CACHE_BYTES, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_pages(x) \
	__alloc_bootmem(x, PAGE_SIZE, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_pages_nopanic(x) \
	__alloc_bootmem_nopanic(x, PAGE_SIZE, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_node(pgdat, x) \
	__alloc_bootmem_node(pgdat, x, SMP_CACHE_BYTES, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_node_nopanic(pgdat, x) \
	__alloc_bootmem_node_nopanic(pgdat, x, SMP_CACHE_BYTES, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_pages_node(pgdat, x) \
	__alloc_bootmem_node(pgdat, x, PAGE_SIZE, BOOTMEM_LOW_LIMIT)
#define alloc_bootmem_low(x)		__alloc_bootmem_low(x, SMP_CACHE_BYTES, 0)
#define alloc_bootmem_low_pages(x)	__alloc_bootmem_low(x, PAGE_SIZE, 0)
#define alloc_bootmem_low_pages_node(pgdat, x) \
	__alloc_bootmem_low_node(pgdat, x, PAGE_SIZE, 0)

/*
 * Free the pfn ranges of memblock.memory for @nid (NUMA_NO_NODE: every
 * node), clipped to @max_low_pfn.
 */
void free_bootmem_with_active_regions(int nid, unsigned long max_low_pfn);
/* Release everything unreserved to the page allocator; returns pages freed. */
unsigned long free_all_bootmem(void);

struct page;
/*
 * The page allocator's intake (mm/page_alloc.c): clear PG_reserved, set the
 * refcount to 0, add 1 << @order to the zone's managed pages and free the
 * block into the buddy lists.
 */
void __free_pages_core(struct page *page, unsigned int order);
/*
 * free_all_bootmem with the page intake given by the caller instead of
 * __free_pages_core (free_all_bootmem is this with __free_pages_core); for
 * tests that watch the hand-over on a machine without a page allocator.
 */
unsigned long kmm_free_all_bootmem_to(void (*release)(struct page *page,
						       unsigned int order));

/*
 * kmm's integration (boot parameter `bootmem`): after NUMA init, give every
 * online node with memory a bitmap at its first free pages (placed through
 * memblock), free its memblock.memory, and reserve what memblock.reserved
 * holds.  0, or -ENOMEM when a node has no room for its bitmap (nothing
 * was changed for that node; earlier nodes stay set up), or -EBUSY when
 * bootmem is already active.
 */
int kmm_bootmem_setup(void);
/*
 * An early allocation for the rest of boot while bootmem is active: zeroed,
 * on @nid if possible (NUMA_NO_NODE: any), in [@goal's preference, @limit)
 * with @limit 0 or ~0 meaning none, @align 0 meaning SMP_CACHE_BYTES.
 * Never panics; NULL on failure.
 */
void *kmm_bootmem_alloc_node(int nid, unsigned long size, unsigned long align,
			     unsigned long goal, unsigned long limit);
/* True while some node's bitmap exists (from setup until free_all_bootmem). */
bool kmm_bootmem_active(void);

#endif /* KMM_BOOTMEM_H */
