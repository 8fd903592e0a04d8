/* SPDX-License-Identifier: MIT */
/*
 * kmm/page_debug.h - struct page sanity checks, dump_page() and the page
 * allocator's debugging options (Linux 6.12: mm/debug.c, the free/alloc
 * checks of mm/page_alloc.c, mm/page_poison.c, mm/debug_page_alloc.c and
 * the init_on_alloc/init_on_free part of mm/mm_init.c).
 *
 * The page allocator calls, in Linux's order:
 *
 *   freeing:	free_page_is_bad() (when is_check_pages_enabled()),
 *		kernel_poison_pages(), kernel_init_pages() if
 *		want_init_on_free(), debug_pagealloc_unmap_pages()
 *   allocating:	check_new_page() (when is_check_pages_enabled()),
 *		debug_pagealloc_map_pages(), kernel_unpoison_pages(),
 *		kernel_init_pages() if !want_init_on_free() &&
 *		want_init_on_alloc(gfp)
 *   at boot:	mem_debugging_and_hardening_init() then report_meminit()
 *
 * Reports go to the current machine's log with Linux's text and levels;
 * see mm/page_debug.c for what differs.
 */
#ifndef KMM_PAGE_DEBUG_H
#define KMM_PAGE_DEBUG_H

#include <kmm/types.h>
#include <kmm/page_flags.h>

/* include/linux/poison.h */
#define PAGE_POISON		0xaa

#define __PG_HWPOISON		(1UL << PG_hwpoison)
#define __PG_MLOCKED		(1UL << PG_mlocked)

/*
 * Flags a page must not carry when freed, and when handed out (every PG_
 * bit but hwpoison).  Linux adds the multi-gen LRU fields of page->flags;
 * kmm never sets those bits, so they are left out.
 */
#define PAGE_FLAGS_CHECK_AT_FREE					\
	(1UL << PG_lru | 1UL << PG_locked | 1UL << PG_private |		\
	 1UL << PG_private_2 | 1UL << PG_writeback | 1UL << PG_reserved | \
	 1UL << PG_active | 1UL << PG_unevictable | __PG_MLOCKED)
#define PAGE_FLAGS_CHECK_AT_PREP	(PAGEFLAGS_MASK & ~__PG_HWPOISON)

/* --- reports ---------------------------------------------------------- */

/* __dump_page() output at KERN_WARNING, then "page dumped because: ". */
void dump_page(const struct page *page, const char *reason);
/*
 * "BUG: Bad page state in process ..." with the dump, rate limited as
 * Linux (60 a minute); counts m->bad_pages, taints the machine and clears
 * PageBuddy (the only field Linux resets).
 */
void bad_page(struct page *page, const char *reason);
struct kmm_machine;
/* add_taint's LOCKDEP_NOW_UNRELIABLE: the first time, say so. */
void kmm_debug_locks_off(struct kmm_machine *m);
/*
 * page_expected_state(): every field a page must have when it is freed
 * (or handed out), in one test: unmapped, no mapping, no references, no
 * memcg, none of @check_flags.  Shared by the checks below and the page
 * allocator's free fast path.
 */
static inline bool page_expected_state(const struct page *page,
				       unsigned long check_flags)
{
	if (page_mapcount_raw(page) != -1)
		return false;
	return !((unsigned long)(uintptr_t)page->mapping |
		 (unsigned long)page_ref_count(page) | page->memcg_data |
		 (page->flags & check_flags));
}

/* Free-side check (page_expected_state); reports and returns true if bad. */
bool free_page_is_bad(struct page *page);
/* Allocation-side check; true: do not hand this page out. */
bool check_new_page(struct page *page);
bool check_new_pages(struct page *page, unsigned int order);
/* Linux's check_pages_enabled key: any page debugging option is on. */
bool is_check_pages_enabled(void);

/*
 * page->flags as %pGp prints it: "0x...(name|...|node=N|zone=Z|...)".
 * Writes at most @len bytes including the NUL; returns the whole length.
 */
int kmm_format_page_flags(unsigned long flags, char *buf, size_t len);
/* Set the last-cpupid field of page->flags to "none" (all ones). */
void page_cpupid_reset_last(struct page *page);

enum {
	DUMP_PREFIX_NONE,
	DUMP_PREFIX_ADDRESS,
	DUMP_PREFIX_OFFSET
};
/*
 * The address @p stands for on an x86_64 kernel (nokaslr): direct-map and
 * memmap pointers of the current machine are translated, others returned.
 */
unsigned long kmm_kernel_addr(const void *p);
#define KA(p)	((void *)kmm_kernel_addr(p))

/* lib/hexdump.c's print_hex_dump(); @level is a KERN_* string. */
void print_hex_dump(const char *level, const char *prefix_str,
		    int prefix_type, int rowsize, int groupsize,
		    const void *buf, size_t len, bool ascii);

/* --- debug_pagealloc ----------------------------------------------------- */

bool debug_pagealloc_enabled(void);
/*
 * With debug_pagealloc on, make the direct map of @nr pages from @page
 * inaccessible (@enable false, on free) or accessible again (on alloc).
 */
void kmm_debug_pagealloc_map(struct page *page, int nr, bool enable);

static inline void debug_pagealloc_map_pages(struct page *page, int nr)
{
	kmm_debug_pagealloc_map(page, nr, true);
}

static inline void debug_pagealloc_unmap_pages(struct page *page, int nr)
{
	kmm_debug_pagealloc_map(page, nr, false);
}

/* --- page poisoning and memory auto-init --------------------------------- */

bool page_poisoning_enabled(void);
/* Fill freed pages with PAGE_POISON (when page_poison is on). */
void kernel_poison_pages(struct page *page, int nr);
/* Check the poison on allocation and report any corruption. */
void kernel_unpoison_pages(struct page *page, int nr);
bool want_init_on_alloc(gfp_t flags);
bool want_init_on_free(void);
/* Zero @nr pages through the direct map. */
void kernel_init_pages(struct page *page, int nr);
/* Resolve the options against each other (page poisoning wins). */
void mem_debugging_and_hardening_init(void);
/* The "mem auto-init: ..." boot line(s). */
void report_meminit(void);

#endif /* KMM_PAGE_DEBUG_H */
