/* SPDX-License-Identifier: MIT */
/*
 * mm/page_debug.c - struct page checks and dumps, debug_pagealloc, page
 * poisoning and memory auto-init, as in Linux 6.12.
 *
 * What: the page allocator's debugging side.  dump_page() prints a struct
 * page the way mm/debug.c does; bad_page() is the "BUG: Bad page state"
 * report; free_page_is_bad() and check_new_page() are the free- and
 * allocation-time sanity checks that feed it.  debug_pagealloc takes freed
 * pages out of the direct map so a use after free faults; page_poison fills
 * freed pages with 0xaa and checks the pattern when they are handed out
 * again; init_on_alloc/init_on_free zero pages.  The boot parameters set
 * m->debug_pagealloc, m->debug_guardpage_minorder, m->page_poisoning,
 * m->init_on_alloc, m->init_on_free (kernel/params.c);
 * mem_debugging_and_hardening_init() settles them against each other
 * (guard pages need debug_pagealloc) and report_meminit() prints the
 * result.  The guard pages themselves are the buddy allocator's (expand()
 * and __free_one_page() in mm/page_alloc.c).
 *
 * Data structures: none of its own beyond m->page_debug, the per-machine
 * state Linux keeps in function-local statics (bad_page()'s burst counters,
 * check_poison_mem()'s ratelimit_state, the "debug_locks" bit add_taint
 * clears).
 *
 * Formats (what the dump lines are made of):
 *   page: refcount:R mapcount:M mapping:P index:0xI pfn:0xF
 *   head: order:O mapcount:.. entire_mapcount:.. nr_pages_mapped:.. pincount:..
 *   flags: %pGp	the value in hex, then the PG_ names in mmflags.h
 *		order joined by '|', then node=, zone= and lastcpupid= (the
 *		fields an x86_64 SPARSEMEM_VMEMMAP build has in page->flags)
 *   page_type: T(name)	for typed pages (buddy is f0)
 *   raw: 4 words	twice: the 64 bytes of struct page, as print_hex_dump
 *		prints them with 32-byte rows of 8-byte groups
 *   head: 4 words	four times for a compound page: the head and first tail
 *
 * Compound pages use Linux's folio layout in the first tail page:
 * _large_mapcount, _entire_mapcount, _nr_pages_mapped and _pincount are
 * the four ints at byte 16 of page[1]; the order comes from
 * compound_order() (mm/page_alloc.c).
 *
 * Addresses.  Linux prints kernel virtual addresses; kmm's are host
 * addresses.  Every pointer printed (%p fields, hex-dump addresses, raw
 * words) that points into the machine's direct map or memmap is printed as
 * the address it stands for on an x86_64 kernel booted with nokaslr and
 * no_hash_pointers: 0xffff888000000000 + physical address, and
 * 0xffffea0000000000 + pfn * 64.  Other values print unchanged.
 *
 * Differences from Linux:
 *  - %p values are not hashed (as no_hash_pointers); NULL prints as
 *    sixteen zeros either way.
 *  - dump_stack() after bad_page() and a poison report prints its header
 *    and an empty call trace (kmm has no unwinder).
 *  - No dump_mapping() for file pages (kmm has no address_space), no
 *    page_owner, no page_pool check.
 *  - The process name is kmm_task_name()'s (mm/show_mem.c).
 *  - "jiffies" is the host's monotonic clock.
 *  - The multi-gen LRU bits of page->flags are not part of the check masks.
 */
#include <kmm/page_debug.h>
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/gfp.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/platform.h>
#include <kmm/show_mem.h>

/*
 * x86_64, 4-level paging, no KASLR; 4.20 moved the direct map up by
 * 0x8000000000 to make room for the LDT remap.
 */
#define KERNEL_PAGE_OFFSET	0xffff888000000000UL
#define KERNEL_PAGE_OFFSET_4_19	0xffff880000000000UL
#define KERNEL_VMEMMAP_START	0xffffea0000000000UL

/* enum pagetype (include/linux/page-flags.h) */
#define PGTY_buddy		0xf0u
#define PGTY_slab		0xf5u
#define PGTY_mapcount_underflow	0xffu
#define PAGE_TYPE_NONE		0xffffffffu

/* mapping's low bits (PAGE_MAPPING_ANON, _MOVABLE, _KSM). */
#define PAGE_MAPPING_ANON	0x1UL
#define PAGE_MAPPING_FLAGS	0x3UL
#define PAGE_MAPPING_KSM	0x3UL

#define FOLIO_PAGES_MAPPED	(0x800000 - 1)	/* ENTIRELY_MAPPED - 1 */
#define MAX_FOLIO_NR_PAGES	(1UL << 18)	/* PUD_ORDER */
#define LRU_GEN_WIDTH		3		/* order_base_2(MAX_NR_GENS + 1) */
#define LAST__PID_SHIFT		8

/* ---------------------------------------------------------------------- */
/* addresses as the kernel would print them                                */
/* ---------------------------------------------------------------------- */

static unsigned long kernel_addr(const struct kmm_machine *m, unsigned long v)
{
	uintptr_t base;

	if (!m)
		return v;
	base = (uintptr_t)m->phys_base;
	if (base && v >= base && v - base < m->phys_span)
		return (m->kver < KMM_KVER(4, 20) ? KERNEL_PAGE_OFFSET_4_19 :
						    KERNEL_PAGE_OFFSET) +
		       (v - base);
	base = (uintptr_t)m->vmemmap_base;
	if (base && v >= base && v - base < m->vmemmap_span)
		return KERNEL_VMEMMAP_START + (v - base);
	return v;
}

unsigned long kmm_kernel_addr(const void *p)
{
	return kernel_addr(kmm_current(), (unsigned long)p);
}

/* page_to_pfn() by address arithmetic, so any struct page pointer works. */
static unsigned long pfn_of(const struct kmm_machine *m,
			    const struct page *page)
{
	return ((uintptr_t)page - (uintptr_t)m->vmemmap_base) / sizeof(*page);
}

static bool page_in_memmap(const struct kmm_machine *m, const struct page *page)
{
	uintptr_t base = (uintptr_t)m->vmemmap_base, p = (uintptr_t)page;

	return base && p >= base && p - base < m->vmemmap_span;
}

/* ---------------------------------------------------------------------- */
/* print_hex_dump                                                           */
/* ---------------------------------------------------------------------- */

static const char hex_digits[] = "0123456789abcdef";

/*
 * One row of hex_dump_to_buffer(): groups of @groupsize bytes (native
 * order) separated by spaces, then, with @ascii, the bytes as characters
 * from column rowsize * 2 + rowsize / groupsize + 1.
 */
static void hex_dump_row(const struct kmm_machine *m, const u8 *p, size_t len,
			 int rowsize, int groupsize, char *out, size_t size,
			 bool ascii)
{
	size_t n = 0, col;

	if (!is_power_of_2((unsigned long)groupsize) || groupsize > 8 ||
	    len % (size_t)groupsize)
		groupsize = 1;
	col = (size_t)(rowsize * 2 + rowsize / groupsize + 1);

	if (groupsize == 1) {
		for (size_t j = 0; j < len && n + 3 < size; j++) {
			if (j)
				out[n++] = ' ';
			out[n++] = hex_digits[p[j] >> 4];
			out[n++] = hex_digits[p[j] & 15];
		}
	} else {
		for (size_t j = 0; j < len; j += (size_t)groupsize) {
			unsigned long long v = 0;

			memcpy(&v, p + j, (size_t)groupsize);
			if (groupsize == 8)
				v = kernel_addr(m, (unsigned long)v);
			n += (size_t)scnprintf(out + n, size - n, "%s%0*llx",
					       j ? " " : "", groupsize * 2, v);
		}
	}
	if (ascii) {
		while (n < col && n + 2 < size)
			out[n++] = ' ';
		for (size_t j = 0; j < len && n + 2 < size; j++)
			out[n++] = (p[j] >= 0x20 && p[j] < 0x7f) ? (char)p[j] : '.';
	}
	out[n] = '\0';
}

void print_hex_dump(const char *level, const char *prefix_str,
		    int prefix_type, int rowsize, int groupsize,
		    const void *buf, size_t len, bool ascii)
{
	struct kmm_machine *m = kmm_current();
	const u8 *p = buf;
	char line[32 * 3 + 2 + 32 + 1];

	if (rowsize != 16 && rowsize != 32)
		rowsize = 16;
	for (size_t i = 0; i < len; i += (size_t)rowsize) {
		size_t n = min(len - i, (size_t)rowsize);

		hex_dump_row(m, p + i, n, rowsize, groupsize, line,
			     sizeof(line), ascii);
		switch (prefix_type) {
		case DUMP_PREFIX_ADDRESS:
			printk("%s%s%016lx: %s\n", level, prefix_str,
			       kernel_addr(m, (unsigned long)(uintptr_t)(p + i)),
			       line);
			break;
		case DUMP_PREFIX_OFFSET:
			printk("%s%s%.8zx: %s\n", level, prefix_str, i, line);
			break;
		default:
			printk("%s%s%s\n", level, prefix_str, line);
			break;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* %pGp                                                                    */
/* ---------------------------------------------------------------------- */

/* __def_pageflag_names: the order %pGp prints them in. */
static const struct {
	unsigned char bit;
	const char *name;
} pageflag_names[] = {
	{ PG_locked, "locked" },
	{ PG_waiters, "waiters" },
	{ PG_referenced, "referenced" },
	{ PG_uptodate, "uptodate" },
	{ PG_dirty, "dirty" },
	{ PG_lru, "lru" },
	{ PG_active, "active" },
	{ PG_workingset, "workingset" },
	{ PG_owner_priv_1, "owner_priv_1" },
	{ PG_owner_2, "owner_2" },
	{ PG_arch_1, "arch_1" },
	{ PG_reserved, "reserved" },
	{ PG_private, "private" },
	{ PG_private_2, "private_2" },
	{ PG_writeback, "writeback" },
	{ PG_head, "head" },
	{ PG_reclaim, "reclaim" },
	{ PG_swapbacked, "swapbacked" },
	{ PG_unevictable, "unevictable" },
	{ PG_mlocked, "mlocked" },
	{ PG_hwpoison, "hwpoison" },
	{ PG_idle, "idle" },
	{ PG_young, "young" },
	{ PG_arch_2, "arch_2" },
};

_Static_assert(ARRAY_SIZE(pageflag_names) == __NR_PAGEFLAGS,
	       "every page flag needs a name");

static unsigned int order_base_2_ul(unsigned long n)
{
	return n <= 1 ? 0 : (unsigned int)fls64(n - 1);
}

/*
 * LAST_CPUPID_WIDTH: with NUMA balancing the last cpupid (8 pid bits plus
 * NR_CPUS_BITS) sits below the zone field if it fits next to the flags,
 * the node and zone fields and (from 6.1) the multi-gen LRU generation.
 */
static unsigned int last_cpupid_width(const struct kmm_machine *m)
{
	unsigned long cpus = m && m->desc.nr_cpus_config > 0 ?
			     (unsigned long)m->desc.nr_cpus_config : 1;
	unsigned int w = LAST__PID_SHIFT + order_base_2_ul(cpus);
	unsigned int used = ZONES_SHIFT + NODES_SHIFT +
			    (m && m->kver >= KMM_KVER(6, 1) ? LRU_GEN_WIDTH : 0);

	return used + w <= BITS_PER_LONG - __NR_PAGEFLAGS ? w : 0;
}

static unsigned long last_cpupid_mask(unsigned int width)
{
	return width ? (1UL << width) - 1 : 0;
}

void page_cpupid_reset_last(struct page *page)
{
	struct kmm_machine *m = kmm_current();

	if (unlikely(!m->cpupid_bits_ready)) {
		unsigned int w = last_cpupid_width(m);

		m->cpupid_reset_bits = last_cpupid_mask(w) << (ZONES_PGSHIFT - w);
		m->cpupid_bits_ready = true;
	}
	page->flags |= m->cpupid_reset_bits;
}

static int format_page_flags(const struct kmm_machine *m, char *buf,
			     size_t size, unsigned long flags)
{
	unsigned long main_flags = flags & PAGEFLAGS_MASK;
	unsigned int w = last_cpupid_width(m);
	int n;

	n = scnprintf(buf, size, "%#lx(", flags);
	for (size_t i = 0; i < ARRAY_SIZE(pageflag_names); i++) {
		unsigned long bit = 1UL << pageflag_names[i].bit;

		if (!(main_flags & bit))
			continue;
		main_flags &= ~bit;
		n += scnprintf(buf + n, size - (size_t)n, "%s%s",
			       pageflag_names[i].name, main_flags ? "|" : "");
	}
	if (main_flags)
		n += scnprintf(buf + n, size - (size_t)n, "%#lx", main_flags);
	n += scnprintf(buf + n, size - (size_t)n, "%snode=%lu|zone=%lu",
		       flags & PAGEFLAGS_MASK ? "|" : "",
		       (flags >> NODES_PGSHIFT) & NODES_MASK,
		       (flags >> ZONES_PGSHIFT) & ZONES_MASK);
	if (w)
		n += scnprintf(buf + n, size - (size_t)n, "|lastcpupid=%#lx",
			       (flags >> (ZONES_PGSHIFT - w)) &
			       last_cpupid_mask(w));
	n += scnprintf(buf + n, size - (size_t)n, ")");
	return n;
}

int kmm_format_page_flags(unsigned long flags, char *buf, size_t len)
{
	char text[512];
	int n = format_page_flags(kmm_current(), text, sizeof(text), flags);

	if (len)
		kmm_strlcpy(buf, text, len);
	return n;
}

/* ---------------------------------------------------------------------- */
/* dump_page                                                               */
/* ---------------------------------------------------------------------- */

/* The names mm/debug.c knows, by page type - 0xf0 (zsmalloc has none). */
static const char *const page_type_names[] = {
	"buddy", "offline", "table", "guard", "hugetlb", "slab", NULL,
	"unaccepted",
};

static const char *page_type_name(unsigned int page_type)
{
	unsigned int i = (page_type >> 24) - 0xf0u;

	if (i >= ARRAY_SIZE(page_type_names))
		return "unknown";
	return page_type_names[i];
}

/* page_type_has_type(): below the mapcount-underflow range, signed. */
static bool page_type_has_type(int page_type)
{
	return page_type < (int)(PGTY_mapcount_underflow << 24);
}

static bool page_mapcount_is_type(unsigned int mapcount)
{
	return page_type_has_type((int)(mapcount - 1));
}

static bool page_has_type(const struct page *page)
{
	return page_mapcount_is_type(page->page_type);
}

static bool page_is_buddy_type(const struct page *page)
{
	return (page->page_type >> 24) == PGTY_buddy;
}

/* folio_mapping(), for the mappings kmm can have. */
static unsigned long folio_mapping_addr(const struct page *folio)
{
	unsigned long mapping = (unsigned long)(uintptr_t)folio->mapping;

	if ((folio->page_type >> 24) == PGTY_slab)
		return 0;
	if (mapping & PAGE_MAPPING_FLAGS)
		return 0;
	return mapping;
}

static bool pfn_is_cma(const struct kmm_machine *m, const struct page *page,
		       unsigned long pfn)
{
	if (!page_in_memmap(m, page) || !pfn_valid(pfn))
		return false;
	return get_pageblock_migratetype(pfn_to_page(pfn)) == MIGRATE_CMA;
}

/*
 * __dump_folio(): @folio is a copy of the folio's first two struct pages,
 * @precise a copy of the page asked about, @head the folio in the memmap.
 */
/*
 * The words of @nr struct pages as the kernel would hold them: pointers
 * into the machine's memory or memmap (list links, compound_head with its
 * tail bit) become the kernel's direct-map and vmemmap addresses.
 */
static void raw_words(const struct kmm_machine *m, unsigned long *out,
		      const struct page *pages, int nr)
{
	size_t n = (size_t)nr * sizeof(struct page) / sizeof(unsigned long);

	memcpy(out, pages, (size_t)nr * sizeof(struct page));
	for (size_t i = 0; i < n; i++)
		out[i] = kernel_addr(m, out[i] & ~1UL) | (out[i] & 1UL);
}

static void dump_folio(const struct kmm_machine *m, const struct page *folio,
		       const struct page *precise, const struct page *head,
		       const struct page *page, unsigned long pfn,
		       unsigned long idx)
{
	unsigned long mapping = folio_mapping_addr(folio);
	unsigned long raw_mapping = (unsigned long)(uintptr_t)folio->mapping;
	int mapcount = page_mapcount_raw(precise);
	bool large = PageHead(folio);
	unsigned long raw[2 * sizeof(struct page) / sizeof(unsigned long)];
	const char *type = "";
	char flags[256];

	if (page_mapcount_is_type((unsigned int)mapcount))
		mapcount = 0;
	else
		mapcount++;
	pr_warn("page: refcount:%d mapcount:%d mapping:%016lx index:%#lx pfn:%#lx\n",
		page_ref_count(folio), mapcount, kernel_addr(m, mapping),
		folio->index + idx, pfn);
	if (large)
		pr_warn("head: order:%u mapcount:%d entire_mapcount:%d nr_pages_mapped:%d pincount:%d\n",
			compound_order(head),
			folio_tail_int(&folio[1], FOLIO_LARGE_MAPCOUNT) + 1,
			folio_tail_int(&folio[1], FOLIO_ENTIRE_MAPCOUNT) + 1,
			folio_tail_int(&folio[1], FOLIO_NR_PAGES_MAPPED) &
			FOLIO_PAGES_MAPPED,
			folio_tail_int(&folio[1], FOLIO_PINCOUNT));
	if (folio->memcg_data)
		pr_warn("memcg:%lx\n", folio->memcg_data);
	if ((raw_mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_KSM)
		type = "ksm ";
	else if (raw_mapping & PAGE_MAPPING_ANON)
		type = "anon ";
	format_page_flags(m, flags, sizeof(flags), folio->flags);
	pr_warn("%sflags: %s%s\n", type, flags,
		pfn_is_cma(m, page, pfn) ? " CMA" : "");
	if (page_has_type(folio))
		pr_warn("page_type: %x(%s)\n", folio->page_type >> 24,
			page_type_name(folio->page_type));
	raw_words(m, raw, precise, 1);
	print_hex_dump(KERN_WARNING, "raw: ", DUMP_PREFIX_NONE, 32,
		       sizeof(unsigned long), raw, sizeof(struct page), false);
	if (large) {
		raw_words(m, raw, folio, 2);
		print_hex_dump(KERN_WARNING, "head: ", DUMP_PREFIX_NONE, 32,
			       sizeof(unsigned long), raw,
			       2 * sizeof(struct page), false);
	}
}

/*
 * __dump_page(): take a snapshot of the page; a tail page (compound_head
 * bit 0) is dumped with its folio, whose first two struct pages are
 * snapshotted too.  A tail whose index is beyond its folio's size is
 * re-read a few times (it may be changing under us), then dumped alone.
 */
static void __dump_page(struct kmm_machine *m, const struct page *page)
{
	struct page precise, folio[2];
	const struct page *head;
	unsigned long pfn = pfn_of(m, page);
	unsigned long idx, nr_pages;
	int loops = 5;

again:
	memcpy(&precise, page, sizeof(precise));
	nr_pages = 1;
	if (!(precise.compound_head & 1)) {
		idx = 0;
		head = page;
		if (!PageHead(&precise)) {
			folio[0] = precise;
			memset(&folio[1], 0, sizeof(folio[1]));
			goto dump;
		}
	} else {
		head = (const struct page *)(uintptr_t)(precise.compound_head - 1);
		idx = ((uintptr_t)page - (uintptr_t)head) / sizeof(*page);
	}
	if (idx < MAX_FOLIO_NR_PAGES) {
		memcpy(folio, head, sizeof(folio));
		if (PageHead(&folio[0]))
			nr_pages = 1UL << compound_order(head);
	}
	if (idx > nr_pages) {
		if (loops-- > 0)
			goto again;
		pr_warn("page does not match folio\n");
		precise.compound_head &= ~1UL;
		folio[0] = precise;
		memset(&folio[1], 0, sizeof(folio[1]));
		head = page;
		idx = 0;
	}
dump:
	dump_folio(m, folio, &precise, head, page, pfn, idx);
}

void dump_page(const struct page *page, const char *reason)
{
	struct kmm_machine *m = kmm_current();

	if (page->flags == ~0UL)	/* PagePoisoned: never initialised */
		pr_warn("page:%016lx is uninitialized and poisoned",
			kernel_addr(m, (unsigned long)(uintptr_t)page));
	else
		__dump_page(m, page);
	if (reason)
		pr_warn("page dumped because: %s\n", reason);
}

/* ---------------------------------------------------------------------- */
/* bad_page and the page state checks                                      */
/* ---------------------------------------------------------------------- */

/*
 * add_taint(TAINT_BAD_PAGE, LOCKDEP_NOW_UNRELIABLE): m->bad_pages (or, for
 * a slab report, the slab layer's taint) is what marks the machine tainted
 * 'B' (mm/show_mem.c), so it counts after the report, as Linux taints
 * after it.  The first taint of either kind turns lock debugging off and
 * says so (kmm_debug_locks_off).
 */
void kmm_debug_locks_off(struct kmm_machine *m)
{
	struct kmm_page_debug *d = &m->page_debug;
	bool say;

	spin_lock(&d->lock);
	say = !d->debug_locks_off;
	d->debug_locks_off = true;
	spin_unlock(&d->lock);
	if (say)
		pr_warn("Disabling lock debugging due to kernel taint\n");
}

static void add_taint_bad_page(struct kmm_machine *m)
{
	atomic_fetch_add(&m->bad_pages, 1);
	kmm_debug_locks_off(m);
}

void bad_page(struct page *page, const char *reason)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_page_debug *d = &m->page_debug;
	u64 now = kmm_plat_now_ns();
	unsigned long suppressed = 0;
	bool show = true;

	/* A burst of 60 reports, then quiet until that minute is over. */
	spin_lock(&d->lock);
	if (d->bad_page_shown == 60) {
		if (now < d->bad_page_resume) {
			d->bad_page_unshown++;
			show = false;
		} else {
			suppressed = d->bad_page_unshown;
			d->bad_page_unshown = 0;
			d->bad_page_shown = 0;
		}
	}
	if (show && d->bad_page_shown++ == 0)
		d->bad_page_resume = now + 60 * NSEC_PER_SEC;
	spin_unlock(&d->lock);

	if (show) {
		if (suppressed)
			pr_alert("BUG: Bad page state: %lu messages suppressed\n",
				 suppressed);
		pr_alert("BUG: Bad page state in process %s  pfn:%05lx\n",
			 kmm_task_name(), pfn_of(m, page));
		dump_page(page, reason);
		printk(KERN_DEFAULT "Modules linked in:\n");
		dump_stack();
	}
	/* Other fields stay for debugging; a buddy type would confuse. */
	if (page_is_buddy_type(page))
		page->page_type = PAGE_TYPE_NONE;
	add_taint_bad_page(m);
}

/* page_bad_reason(): the last failing check names the report. */
static const char *page_bad_reason(const struct page *page,
				   unsigned long flags)
{
	const char *reason = NULL;

	if (page_mapcount_raw(page) != -1)
		reason = "nonzero mapcount";
	if (page->mapping)
		reason = "non-NULL mapping";
	if (page_ref_count(page))
		reason = "nonzero _refcount";
	if (page->flags & flags) {
		if (flags == PAGE_FLAGS_CHECK_AT_PREP)
			reason = "PAGE_FLAGS_CHECK_AT_PREP flag(s) set";
		else
			reason = "PAGE_FLAGS_CHECK_AT_FREE flag(s) set";
	}
	if (page->memcg_data)
		reason = "page still charged to cgroup";
	return reason;
}

bool free_page_is_bad(struct page *page)
{
	if (likely(page_expected_state(page, PAGE_FLAGS_CHECK_AT_FREE)))
		return false;
	bad_page(page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_FREE));
	return true;
}

bool check_new_page(struct page *page)
{
	if (likely(page_expected_state(page,
				       PAGE_FLAGS_CHECK_AT_PREP | __PG_HWPOISON)))
		return false;
	if (page->flags & __PG_HWPOISON) {
		/* Poisoned by memory failure: skip it without a report. */
		if (page_is_buddy_type(page))
			page->page_type = PAGE_TYPE_NONE;
		return true;
	}
	bad_page(page, page_bad_reason(page, PAGE_FLAGS_CHECK_AT_PREP));
	return true;
}

/*
 * check_new_pages: with the page checks on (is_check_pages_enabled), every
 * page of the new block, as Linux; with them off Linux checks nothing and
 * kmm still checks the first page (cheap, and catches most corruption).
 */
bool check_new_pages(struct page *page, unsigned int order)
{
	unsigned long n = order && is_check_pages_enabled() ? 1UL << order : 1;

	for (unsigned long i = 0; i < n; i++)
		if (check_new_page(page + i))
			return true;
	return false;
}

bool is_check_pages_enabled(void)
{
	struct kmm_machine *m = kmm_current();

	return m->debug_pagealloc || m->page_poisoning || m->init_on_alloc ||
	       m->init_on_free;
}

/* ---------------------------------------------------------------------- */
/* debug_pagealloc                                                         */
/* ---------------------------------------------------------------------- */

bool debug_pagealloc_enabled(void)
{
	return kmm_current()->debug_pagealloc;
}

/*
 * x86's __kernel_map_pages(): present or not-present in the direct map.
 * The host splits and merges its mappings as pages come and go.
 */
void kmm_debug_pagealloc_map(struct page *page, int nr, bool enable)
{
	struct kmm_machine *m = kmm_current();
	unsigned long pfn;
	int ret;

	if (!m->debug_pagealloc || nr <= 0)
		return;
	pfn = pfn_of(m, page);
	ret = kmm_plat_protect(m->phys_base + PFN_PHYS(pfn),
			       (u64)nr << PAGE_SHIFT,
			       enable ? KMM_PROT_RW : KMM_PROT_NONE);
	WARN_ONCE(ret, "debug_pagealloc: cannot %s pfn %#lx+%d (%d)\n",
		  enable ? "map" : "unmap", pfn, nr, ret);
}

/* ---------------------------------------------------------------------- */
/* page poisoning                                                          */
/* ---------------------------------------------------------------------- */

#define POISON_WORD	0xaaaaaaaaaaaaaaaaUL

bool page_poisoning_enabled(void)
{
	return kmm_current()->page_poisoning;
}

static u8 *page_va(struct kmm_machine *m, const struct page *page)
{
	return m->phys_base + PFN_PHYS(pfn_of(m, page));
}

void kernel_poison_pages(struct page *page, int nr)
{
	struct kmm_machine *m = kmm_current();

	if (!m->page_poisoning || nr <= 0)
		return;
	memset(page_va(m, page), PAGE_POISON, (size_t)nr << PAGE_SHIFT);
}

/* memchr_inv(p, PAGE_POISON, len) for a page-aligned @p. */
static const u8 *first_unpoisoned(const u8 *p, size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		unsigned long w;

		memcpy(&w, p + i, sizeof(w));
		if (w != POISON_WORD)
			break;
	}
	for (; i < len; i++)
		if (p[i] != PAGE_POISON)
			return p + i;
	return NULL;
}

static bool single_bit_flip(u8 a, u8 b)
{
	u8 error = a ^ b;

	return error && !(error & (error - 1));
}

static void check_poison_mem(struct kmm_machine *m, struct page *page,
			     const u8 *mem, size_t bytes)
{
	const u8 *start, *end;

	start = first_unpoisoned(mem, bytes);
	if (!start)
		return;
	for (end = mem + bytes - 1; end > start; end--)
		if (*end != PAGE_POISON)
			break;
	atomic_fetch_add(&m->page_debug.poison_errors, 1);
	if (!__ratelimit(&m->page_debug.poison_rs))
		return;
	if (start == end && single_bit_flip(*start, PAGE_POISON))
		pr_err("pagealloc: single bit error\n");
	else
		pr_err("pagealloc: memory corruption\n");
	print_hex_dump(KERN_ERR, "", DUMP_PREFIX_ADDRESS, 16, 1, start,
		       (size_t)(end - start + 1), true);
	dump_stack();
	dump_page(page, "pagealloc: corrupted page details");
}

void kernel_unpoison_pages(struct page *page, int nr)
{
	struct kmm_machine *m = kmm_current();

	if (!m->page_poisoning)
		return;
	for (int i = 0; i < nr; i++)
		check_poison_mem(m, page + i, page_va(m, page + i), PAGE_SIZE);
}

/* ---------------------------------------------------------------------- */
/* init_on_alloc / init_on_free                                            */
/* ---------------------------------------------------------------------- */

bool want_init_on_alloc(gfp_t flags)
{
	if (kmm_current()->init_on_alloc)
		return true;
	return flags & __GFP_ZERO;
}

bool want_init_on_free(void)
{
	return kmm_current()->init_on_free;
}

/*
 * clear_highpage() for each page.  From a pageblock up, the backing is
 * punched out instead: it reads back as zeros and the host gets the memory
 * back, which is what freeing should cost a simulated machine.
 */
void kernel_init_pages(struct page *page, int nr)
{
	struct kmm_machine *m = kmm_current();
	unsigned long pfn = pfn_of(m, page);
	u64 len = (u64)nr << PAGE_SHIFT;

	if (nr <= 0)
		return;
	if ((unsigned long)nr >= pageblock_nr_pages &&
	    !kmm_plat_discard(m->backing, PFN_PHYS(pfn), len))
		return;
	memset(m->phys_base + PFN_PHYS(pfn), 0, (size_t)len);
}

/*
 * Page poisoning (page_poison=on) overrides init_on_alloc and init_on_free:
 * zeroing would destroy the pattern it checks.  x86 has a real
 * debug_pagealloc, so that option does not turn poisoning on.
 */
void mem_debugging_and_hardening_init(void)
{
	struct kmm_machine *m = kmm_current();

	if ((m->init_on_alloc || m->init_on_free) && m->page_poisoning) {
		pr_info("mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free\n");
		m->init_on_alloc = false;
		m->init_on_free = false;
	}
	m->init_on_alloc_or_free = m->init_on_alloc || m->init_on_free;
	/* Guard pages need debug_pagealloc (the static key follows it). */
	m->debug_guardpage_enabled = m->debug_pagealloc &&
				     m->debug_guardpage_minorder;
}

/*
 * The stack part is a build option (CONFIG_INIT_STACK_*); kmm reports the
 * Kconfig default for a compiler that has -ftrivial-auto-var-init=zero.
 */
void report_meminit(void)
{
	pr_info("mem auto-init: stack:%s, heap alloc:%s, heap free:%s\n",
		"all(zero)", want_init_on_alloc(GFP_KERNEL) ? "on" : "off",
		want_init_on_free() ? "on" : "off");
	if (want_init_on_free())
		pr_info("mem auto-init: clearing system memory may take some time...\n");
}
