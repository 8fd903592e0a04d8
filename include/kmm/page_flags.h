/* SPDX-License-Identifier: MIT */
/*
 * kmm/page_flags.h - PG_* bits and the node/zone fields of page->flags.
 *
 * Bit numbers are Linux 6.12's enum pageflags for an x86_64 build with
 * MEMORY_FAILURE and PAGE_IDLE_FLAG, so dumps print the same flag values.
 * The node id lives in the top NODES_SHIFT bits and the zone id in the
 * ZONES_SHIFT bits below it, as in the SPARSEMEM_VMEMMAP layout.
 */
#ifndef KMM_PAGE_FLAGS_H
#define KMM_PAGE_FLAGS_H

#include <kmm/mm_types.h>

enum pageflags {
	PG_locked,
	PG_writeback,
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,
	PG_head,
	PG_waiters,
	PG_active,
	PG_workingset,
	PG_owner_priv_1,
	PG_owner_2,
	PG_arch_1,
	PG_reserved,
	PG_private,
	PG_private_2,
	PG_reclaim,
	PG_swapbacked,
	PG_unevictable,
	PG_mlocked,
	PG_hwpoison,
	PG_young,
	PG_idle,
	PG_arch_2,		/* X86_PAT selects ARCH_USES_PG_ARCH_2 */
	__NR_PAGEFLAGS,
};

#define NODES_SHIFT		10
#define ZONES_SHIFT		3
#define NODES_PGSHIFT		(BITS_PER_LONG - NODES_SHIFT)
#define ZONES_PGSHIFT		(NODES_PGSHIFT - ZONES_SHIFT)
#define NODES_MASK		((1UL << NODES_SHIFT) - 1)
#define ZONES_MASK		((1UL << ZONES_SHIFT) - 1)
#define PAGEFLAGS_MASK		((1UL << __NR_PAGEFLAGS) - 1)

/*
 * The node and zone bits never change after init, but the word they live
 * in does (atomic PG_ bit updates by a page's owner): read it relaxed.
 */
static inline int page_to_nid(const struct page *page)
{
	return (int)((__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >>
		      NODES_PGSHIFT) & NODES_MASK);
}

static inline int page_zonenum(const struct page *page)
{
	return (int)((__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >>
		      ZONES_PGSHIFT) & ZONES_MASK);
}

static inline void set_page_links(struct page *page, int zone, int nid)
{
	page->flags &= ~((NODES_MASK << NODES_PGSHIFT) |
			 (ZONES_MASK << ZONES_PGSHIFT));
	page->flags |= ((unsigned long)nid & NODES_MASK) << NODES_PGSHIFT;
	page->flags |= ((unsigned long)zone & ZONES_MASK) << ZONES_PGSHIFT;
}

#define PAGEFLAG_FNS(uname, lname)					\
static inline bool Page##uname(const struct page *p)			\
{ return (p->flags >> PG_##lname) & 1; }				\
static inline void SetPage##uname(struct page *p)			\
{ p->flags |= 1UL << PG_##lname; }					\
static inline void ClearPage##uname(struct page *p)			\
{ p->flags &= ~(1UL << PG_##lname); }					\
static inline void __SetPage##uname(struct page *p)			\
{ p->flags |= 1UL << PG_##lname; }					\
static inline void __ClearPage##uname(struct page *p)			\
{ p->flags &= ~(1UL << PG_##lname); }

PAGEFLAG_FNS(Locked, locked)
PAGEFLAG_FNS(Reserved, reserved)
PAGEFLAG_FNS(Head, head)
PAGEFLAG_FNS(LRU, lru)
PAGEFLAG_FNS(Private, private)
PAGEFLAG_FNS(Active, active)
PAGEFLAG_FNS(HWPoison, hwpoison)

static inline int page_ref_count(const struct page *p)
{
	return atomic_load_explicit(&((struct page *)p)->_refcount,
				    memory_order_relaxed);
}

static inline void set_page_count(struct page *p, int v)
{
	atomic_store_explicit(&p->_refcount, v, memory_order_relaxed);
}

static inline void init_page_count(struct page *p)
{
	set_page_count(p, 1);
}

static inline int page_mapcount_raw(const struct page *p)
{
	return atomic_load_explicit(&((struct page *)p)->_mapcount,
				    memory_order_relaxed);
}

static inline void page_mapcount_reset(struct page *p)
{
	atomic_store_explicit(&p->_mapcount, -1, memory_order_relaxed);
}

/*
 * struct folio's fields in its first tail pages (6.12, 64-bit), by byte
 * offset into the struct page they overlay: page[1] holds
 * _large_mapcount, _entire_mapcount, _nr_pages_mapped, _pincount and
 * _folio_nr_pages in place of lru.prev, mapping and index; page[2] the
 * _deferred_list in place of lru.prev and mapping.  Set and checked by
 * mm/page_alloc.c, printed by dump_page (mm/page_debug.c).
 */
#define FOLIO_LARGE_MAPCOUNT	16
#define FOLIO_ENTIRE_MAPCOUNT	20
#define FOLIO_NR_PAGES_MAPPED	24
#define FOLIO_PINCOUNT		28
#define FOLIO_NR_PAGES		32
#define FOLIO_DEFERRED_LIST	16

static inline int folio_tail_int(const struct page *tail, unsigned long off)
{
	int v;

	__builtin_memcpy(&v, (const unsigned char *)tail + off, sizeof(v));
	return v;
}

static inline void folio_set_tail_int(struct page *tail, unsigned long off,
				      int v)
{
	__builtin_memcpy((unsigned char *)tail + off, &v, sizeof(v));
}

#endif /* KMM_PAGE_FLAGS_H */
