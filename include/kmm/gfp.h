/* SPDX-License-Identifier: MIT */
/*
 * kmm/gfp.h - GFP flags and the page allocator's API (Linux 6.12's
 * include/linux/gfp_types.h and gfp.h).
 *
 * Bit values are those of an x86_64 6.12 build without KASAN_HW_TAGS and
 * LOCKDEP and with SLAB_OBJ_EXT, so "mode:0x%x" prints the same numbers as
 * Linux (GFP_KERNEL = 0xcc0).
 */
#ifndef KMM_GFP_H
#define KMM_GFP_H

#include <kmm/types.h>
#include <kmm/mmzone.h>
#include <kmm/mm_types.h>

#define ___GFP_DMA		0x01u
#define ___GFP_HIGHMEM		0x02u
#define ___GFP_DMA32		0x04u
#define ___GFP_MOVABLE		0x08u
#define ___GFP_RECLAIMABLE	0x10u
#define ___GFP_HIGH		0x20u
#define ___GFP_IO		0x40u
#define ___GFP_FS		0x80u
#define ___GFP_ZERO		0x100u
/* 0x200u unused */
#define ___GFP_DIRECT_RECLAIM	0x400u
#define ___GFP_KSWAPD_RECLAIM	0x800u
#define ___GFP_WRITE		0x1000u
#define ___GFP_NOWARN		0x2000u
#define ___GFP_RETRY_MAYFAIL	0x4000u
#define ___GFP_NOFAIL		0x8000u
#define ___GFP_NORETRY		0x10000u
#define ___GFP_MEMALLOC		0x20000u
#define ___GFP_COMP		0x40000u
#define ___GFP_NOMEMALLOC	0x80000u
#define ___GFP_HARDWALL		0x100000u
#define ___GFP_THISNODE		0x200000u
#define ___GFP_ACCOUNT		0x400000u
#define ___GFP_ZEROTAGS		0x800000u
#define ___GFP_NO_OBJ_EXT	0x1000000u
#define __GFP_BITS_SHIFT	25

#define __GFP_DMA		((gfp_t)___GFP_DMA)
#define __GFP_HIGHMEM		((gfp_t)___GFP_HIGHMEM)
#define __GFP_DMA32		((gfp_t)___GFP_DMA32)
#define __GFP_MOVABLE		((gfp_t)___GFP_MOVABLE)
#define GFP_ZONEMASK		(__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define __GFP_RECLAIMABLE	((gfp_t)___GFP_RECLAIMABLE)
#define __GFP_WRITE		((gfp_t)___GFP_WRITE)
#define __GFP_HARDWALL		((gfp_t)___GFP_HARDWALL)
#define __GFP_THISNODE		((gfp_t)___GFP_THISNODE)
#define __GFP_ACCOUNT		((gfp_t)___GFP_ACCOUNT)
#define __GFP_NO_OBJ_EXT	((gfp_t)___GFP_NO_OBJ_EXT)
#define __GFP_HIGH		((gfp_t)___GFP_HIGH)
#define __GFP_MEMALLOC		((gfp_t)___GFP_MEMALLOC)
#define __GFP_NOMEMALLOC	((gfp_t)___GFP_NOMEMALLOC)
#define __GFP_IO		((gfp_t)___GFP_IO)
#define __GFP_FS		((gfp_t)___GFP_FS)
#define __GFP_DIRECT_RECLAIM	((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_KSWAPD_RECLAIM	((gfp_t)___GFP_KSWAPD_RECLAIM)
#define __GFP_RECLAIM		((gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define __GFP_RETRY_MAYFAIL	((gfp_t)___GFP_RETRY_MAYFAIL)
#define __GFP_NOFAIL		((gfp_t)___GFP_NOFAIL)
#define __GFP_NORETRY		((gfp_t)___GFP_NORETRY)
#define __GFP_NOWARN		((gfp_t)___GFP_NOWARN)
#define __GFP_COMP		((gfp_t)___GFP_COMP)
#define __GFP_ZERO		((gfp_t)___GFP_ZERO)
#define __GFP_ZEROTAGS		((gfp_t)___GFP_ZEROTAGS)
#define __GFP_SKIP_ZERO		((gfp_t)0)
#define __GFP_SKIP_KASAN	((gfp_t)0)
#define __GFP_BITS_MASK		((gfp_t)((1u << __GFP_BITS_SHIFT) - 1))

#define GFP_ATOMIC		(__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		(__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT	(GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT		(__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO		(__GFP_RECLAIM)
#define GFP_NOFS		(__GFP_RECLAIM | __GFP_IO)
#define GFP_USER		(__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA			__GFP_DMA
#define GFP_DMA32		__GFP_DMA32
#define GFP_HIGHUSER		(GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE	(GFP_HIGHUSER | __GFP_MOVABLE | __GFP_SKIP_KASAN)
#define GFP_TRANSHUGE_LIGHT	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | \
				  __GFP_NOMEMALLOC | __GFP_NOWARN) & ~__GFP_RECLAIM)
#define GFP_TRANSHUGE		(GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

#define GFP_MOVABLE_MASK	(__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT	3

/*
 * The zone a gfp mask may allocate from at most (x86_64: no HighMem, so
 * __GFP_HIGHMEM alone means Normal): Linux's GFP_ZONE_TABLE, two bits per
 * combination of the four zone modifiers.  Combinations Linux calls bad
 * (GFP_ZONE_BAD: two of DMA, DMA32, HIGHMEM) read 0, ZONE_DMA, as there.
 */
#define GFP_ZONES_SHIFT	2
#define GFP_ZONE_TABLE ( \
	((unsigned long)ZONE_NORMAL << 0 * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_DMA << ___GFP_DMA * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_NORMAL << ___GFP_HIGHMEM * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_DMA32 << ___GFP_DMA32 * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_NORMAL << ___GFP_MOVABLE * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_DMA << (___GFP_MOVABLE | ___GFP_DMA) * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_MOVABLE << (___GFP_MOVABLE | ___GFP_HIGHMEM) * GFP_ZONES_SHIFT) | \
	((unsigned long)ZONE_DMA32 << (___GFP_MOVABLE | ___GFP_DMA32) * GFP_ZONES_SHIFT))

static inline enum zone_type gfp_zone(gfp_t flags)
{
	unsigned int bit = (unsigned int)(flags & GFP_ZONEMASK);

	return (enum zone_type)((GFP_ZONE_TABLE >> (bit * GFP_ZONES_SHIFT)) &
				((1UL << GFP_ZONES_SHIFT) - 1));
}

/*
 * Migrate type from __GFP_MOVABLE / __GFP_RECLAIMABLE (grouping aside).
 * Both bits together are invalid: Linux warns under DEBUG_VM and goes on
 * with 3, an index past the per-CPU lists of the order; kmm's
 * gfp_migratetype() warns once and answers MIGRATE_UNMOVABLE.
 */
static inline int gfp_migratetype_raw(gfp_t flags)
{
	return (int)((flags & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}
int gfp_migratetype(gfp_t flags);

static inline bool gfpflags_allow_blocking(gfp_t flags)
{
	return !!(flags & __GFP_DIRECT_RECLAIM);
}

/* --- the page allocator (mm/page_alloc.c) -------------------------------- */

struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
			   const nodemask_t *nodemask);
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp)		alloc_pages(gfp, 0)
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp)	__get_free_pages(gfp, 0)
unsigned long get_zeroed_page(gfp_t gfp);
#define __get_dma_pages(gfp, order) __get_free_pages((gfp) | GFP_DMA, order)
#define get_dma_pages(gfp, order) __get_dma_pages(gfp, order)
void *alloc_pages_exact(size_t size, gfp_t gfp);
void *alloc_pages_exact_nid(int nid, size_t size, gfp_t gfp);
void free_pages_exact(void *virt, size_t size);
unsigned long alloc_pages_bulk(gfp_t gfp, unsigned long nr_pages,
			       struct page **page_array);
unsigned long __alloc_pages_bulk(gfp_t gfp, int preferred_nid,
				 const nodemask_t *nodemask, int nr_pages,
				 struct list_head *page_list,
				 struct page **page_array);
void __free_pages(struct page *page, unsigned int order);
void free_pages(unsigned long addr, unsigned int order);
#define __free_page(page)	__free_pages(page, 0)
#define free_page(addr)		free_pages(addr, 0)
void split_page(struct page *page, unsigned int order);
void get_page(struct page *page);
void put_page(struct page *page);
unsigned int compound_order(const struct page *page);
struct page *compound_head(const struct page *page);
void drain_all_pages(struct zone *zone);
void drain_local_pages(struct zone *zone);

/* Shrinkers: caches that give memory back under pressure. */
struct shrink_control {
	gfp_t gfp_mask;
	int nid;
	unsigned long nr_to_scan;
	unsigned long nr_scanned;
};

#define SHRINK_STOP	(~0UL)
#define SHRINK_EMPTY	(~0UL - 1)

struct shrinker {
	unsigned long (*count_objects)(struct shrinker *, struct shrink_control *);
	unsigned long (*scan_objects)(struct shrinker *, struct shrink_control *);
	long batch;
	int seeks;
	const char *name;
	void *private_data;
	struct list_head list;
	int nr_users;		/* shrink_slab() calls under way */
	char name_buf[32];	/* kmm: the name shrinker_alloc formatted */
};
#define DEFAULT_SEEKS	2

struct shrinker *shrinker_alloc(unsigned int flags, const char *fmt, ...)
	__printf(2, 3);
void shrinker_register(struct shrinker *shrinker);
void shrinker_free(struct shrinker *shrinker);
/* Ask every registered shrinker for memory; returns objects freed. */
unsigned long shrink_slab(gfp_t gfp, int nid, int priority);

#endif /* KMM_GFP_H */
