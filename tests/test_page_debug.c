/* SPDX-License-Identifier: MIT */
/*
 * test_page_debug.c - dump_page, the Bad page state reports, page
 * poisoning, debug_pagealloc, init_on_alloc/free and their parameters.
 *
 * How: boot a small machine and work on real struct pages of its memmap,
 * so pfns and addresses are the ones Linux would print.  A page whose
 * state a test sets by hand is one of the kernel image's reserved pages
 * (pfn 0x1000 up, 16 MiB): its 64 bytes are saved first and put back
 * afterwards.  Free pages are found on the zones' free lists and their
 * struct pages are only read; their contents (which nothing owns) are
 * written by the poisoning tests.
 *
 * Expected report lines are written out from Linux 6.12's formats
 * (mm/debug.c, mm/page_alloc.c, mm/page_poison.c, lib/hexdump.c) and the
 * x86_64 page->flags layout: node in bits 54-63, zone in 51-53, with
 * NR_CPUS = 8192 a 21-bit last cpupid in bits 30-50; kernel addresses as
 * with nokaslr no_hash_pointers (direct map at 0xffff888000000000,
 * vmemmap at 0xffffea0000000000).
 */
#include <setjmp.h>
#include <signal.h>
#include "ktest.h"
#include "kmm_test_util.h"
#include <kmm/gfp.h>
#include <kmm/page_debug.h>

void kmm_parse_early_params(void);

#define VMEMMAP_K	0xffffea0000000000ULL
#define DIRECT_K	0xffff888000000000ULL
#define TEST_PFN	0x1000UL	/* kernel image: reserved, zone DMA32 */

static struct kmm_machine *M1;

/* One 1 GiB machine shared by the tests (booted on first use). */
static struct kmm_machine *machine(void)
{
	if (!M1)
		M1 = boot_compact(1ULL << 30, 1, 1, NULL);
	if (M1)
		kmm_machine_enter(M1);
	return M1;
}

struct saved {
	struct page *p;
	int n;
	struct page copy[8];
};

static void save_pages(struct saved *s, struct page *p, int n)
{
	s->p = p;
	s->n = n;
	memcpy(s->copy, p, (size_t)n * sizeof(*p));
}

static void restore_pages(struct saved *s)
{
	memcpy(s->p, s->copy, (size_t)s->n * sizeof(*s->p));
}

/* A page in the state __init_single_page leaves it, plus what is given. */
static void set_page(struct page *p, int zone, unsigned long pgflags,
		     int mapcount, int refcount)
{
	memset(p, 0, sizeof(*p));
	set_page_links(p, zone, 0);
	page_cpupid_reset_last(p);
	p->flags |= pgflags;
	INIT_LIST_HEAD(&p->lru);
	atomic_store(&p->_mapcount, mapcount);
	atomic_store(&p->_refcount, refcount);
}

/* The vmemmap address of pfn's struct page, plus @off. */
static unsigned long long vmk(unsigned long pfn, unsigned off)
{
	return VMEMMAP_K + pfn * 64 + off;
}

/* flags of a DMA32 page on node 0 with last cpupid "none" (0x1fffff). */
#define DMA32_FLAGS	0x000fffffc0000000ULL

/* The first free block of @order on node 0's @zid free lists, or NULL. */
static struct page *free_block(struct kmm_machine *m, int zid,
			       unsigned int order)
{
	struct zone *z = &m->node_data[0]->node_zones[zid];

	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		struct list_head *l = &z->free_area[order].free_list[mt];

		if (l->next && !list_empty(l))
			return list_first_entry(l, struct page, lru);
	}
	return NULL;
}

/* A free block of at least @order pages' order, or NULL. */
static struct page *free_block_min(struct kmm_machine *m, int zid,
				   unsigned int order)
{
	for (unsigned int o = order; o <= MAX_PAGE_ORDER; o++) {
		struct page *p = free_block(m, zid, o);

		if (p)
			return p;
	}
	return NULL;
}

/* --- parameters ----------------------------------------------------------- */

static struct kmm_machine *created(const char *cmdline)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char err[256];
	struct kmm_machine *m;

	kmm_desc_init(d);
	kmm_desc_compact(d, 256ULL << 20, 1, 1, err, sizeof(err));
	if (cmdline)
		kmm_desc_add_cmdline(d, cmdline);
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	if (m)
		kmm_machine_enter(m);
	return m;
}

static void drop(struct kmm_machine *m)
{
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	if (M1)
		kmm_machine_enter(M1);
}

KT_TEST(params_kstrtobool)
{
	struct kmm_machine *m;
	char *log;

	m = created("debug_pagealloc=on page_poison=1 init_on_alloc=y init_on_free=Off");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_FALSE(m->debug_pagealloc || m->page_poisoning);
	/* Debian 6.12 builds INIT_ON_ALLOC_DEFAULT_ON: on before parsing. */
	KT_TRUE(m->init_on_alloc);
	m->init_on_alloc = false;
	kmm_parse_early_params();
	KT_TRUE(m->debug_pagealloc);
	KT_TRUE(m->page_poisoning);
	KT_TRUE(m->init_on_alloc);
	KT_FALSE(m->init_on_free);
	drop(m);

	/* Later settings win; bad values are malformed early options. */
	m = created("init_on_free=1 init_on_free=n debug_pagealloc=maybe page_poison");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_parse_early_params();
	KT_FALSE(m->init_on_free);
	KT_FALSE(m->debug_pagealloc);
	KT_FALSE(m->page_poisoning);
	log = machine_log(m);
	KT_STREQ(log, "Malformed early option 'debug_pagealloc'\n"
		      "Malformed early option 'page_poison'\n");
	free(log);
	drop(m);
}

/* Booted: known parameters, none reported unknown. */
KT_TEST(params_at_boot)
{
	struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1,
					     "init_on_alloc=1 init_on_free=0 foo=1");
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_TRUE(m->init_on_alloc);
	KT_FALSE(m->init_on_free);
	log = machine_log(m);
	KT_CONTAINS(log, "Unknown kernel command line parameters \"foo=1\", will be passed to user space.\n");
	free(log);
	drop(m);
}

/* --- report_meminit and the option rules ---------------------------------- */

KT_TEST(meminit_reports)
{
	struct kmm_machine *m = created(NULL);
	size_t mark;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* A build without INIT_ON_ALLOC_DEFAULT_ON (Debian's has it). */
	m->init_on_alloc = false;
	mark = log_mark(m);
	mem_debugging_and_hardening_init();
	report_meminit();
	log = log_since(m, mark);
	KT_STREQ(log, "mem auto-init: stack:all(zero), heap alloc:off, heap free:off\n");
	free(log);
	KT_FALSE(is_check_pages_enabled());
	KT_FALSE(want_init_on_alloc(GFP_KERNEL));
	KT_TRUE(want_init_on_alloc(GFP_KERNEL | __GFP_ZERO));
	KT_FALSE(want_init_on_free());

	m->init_on_alloc = true;
	m->init_on_free = true;
	mark = log_mark(m);
	mem_debugging_and_hardening_init();
	report_meminit();
	log = log_since(m, mark);
	KT_STREQ(log, "mem auto-init: stack:all(zero), heap alloc:on, heap free:on\n"
		      "mem auto-init: clearing system memory may take some time...\n");
	free(log);
	KT_TRUE(want_init_on_alloc(GFP_ATOMIC));
	KT_TRUE(want_init_on_free());
	KT_TRUE(is_check_pages_enabled());

	/* Poisoning takes precedence over both. */
	m->page_poisoning = true;
	mark = log_mark(m);
	mem_debugging_and_hardening_init();
	report_meminit();
	log = log_since(m, mark);
	KT_STREQ(log, "mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free\n"
		      "mem auto-init: stack:all(zero), heap alloc:off, heap free:off\n");
	free(log);
	KT_FALSE(m->init_on_alloc);
	KT_FALSE(m->init_on_free);
	KT_TRUE(is_check_pages_enabled());

	/* debug_pagealloc alone does not poison on x86 but does check. */
	m->page_poisoning = false;
	m->debug_pagealloc = true;
	mem_debugging_and_hardening_init();
	KT_FALSE(page_poisoning_enabled());
	KT_TRUE(debug_pagealloc_enabled());
	KT_TRUE(is_check_pages_enabled());
	drop(m);
}

/* --- %pGp -------------------------------------------------------------------- */

KT_TEST(page_flags_format)
{
	struct kmm_machine *m = machine();
	char buf[256];
	unsigned long f;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* node 3, zone 2: 3 << 54 | 2 << 51; no last cpupid. */
	f = (3UL << 54) | (2UL << 51);
	kmm_format_page_flags(f, buf, sizeof(buf));
	KT_STREQ(buf, "0xd0000000000000(node=3|zone=2|lastcpupid=0x0)");
	/* Every flag, in mmflags.h order (idle before young). */
	f = (1UL << 23) - 1;
	kmm_format_page_flags(f, buf, sizeof(buf));
	KT_STREQ(buf, "0x7fffff(locked|waiters|referenced|uptodate|dirty|lru|"
		      "active|workingset|owner_priv_1|owner_2|arch_1|reserved|"
		      "private|private_2|writeback|head|reclaim|swapbacked|"
		      "unevictable|mlocked|hwpoison|idle|young|node=0|zone=0|"
		      "lastcpupid=0x0)");
	/* The real thing: a free Normal page, 0x17ffffc0000000. */
	f = (2UL << 51) | (0x1fffffUL << 30);
	kmm_format_page_flags(f, buf, sizeof(buf));
	KT_STREQ(buf, "0x17ffffc0000000(node=0|zone=2|lastcpupid=0x1fffff)");
	/* snprintf-like: cut to the buffer, the whole length returned. */
	KT_EQ(kmm_format_page_flags(f, buf, 8), 51);
	KT_STREQ(buf, "0x17fff");
}

/* NR_CPUS = 64: 8 + 6 bits of last cpupid, in bits 37-50. */
KT_TEST(page_flags_cpupid_width)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char buf[256], err[256];
	struct kmm_machine *m;
	struct page p;

	kmm_desc_init(d);
	kmm_desc_compact(d, 256ULL << 20, 1, 1, err, sizeof(err));
	d->nr_cpus_config = 64;
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	memset(&p, 0, sizeof(p));
	set_page_links(&p, ZONE_NORMAL, 1);
	page_cpupid_reset_last(&p);
	KT_EQ(p.flags, (1UL << 54) | (2UL << 51) | (0x3fffUL << 37));
	kmm_format_page_flags(p.flags | (1UL << PG_lru), buf, sizeof(buf));
	KT_STREQ(buf, "0x57ffe000000020(lru|node=1|zone=2|lastcpupid=0x3fff)");
	drop(m);
}

/* --- dump_page --------------------------------------------------------------- */

KT_TEST(dump_reserved_page)
{
	struct kmm_machine *m = machine();
	struct saved s;
	struct page *p;
	size_t mark;
	char *log, want[1024];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = pfn_to_page(TEST_PFN);
	KT_TRUE(PageReserved(p));
	save_pages(&s, p, 1);
	/* As Linux leaves a reserved page: PG_reserved, refcount 1. */
	set_page(p, ZONE_DMA32, 1UL << PG_reserved, -1, 1);
	mark = log_mark(m);
	dump_page(p, "test");
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1000\n"
		 "flags: 0xfffffc0002000(reserved|node=0|zone=1|lastcpupid=0x1fffff)\n"
		 "raw: 000fffffc0002000 %016llx %016llx 0000000000000000\n"
		 "raw: 0000000000000000 0000000000000000 00000001ffffffff 0000000000000000\n"
		 "page dumped because: test\n",
		 vmk(TEST_PFN, 8), vmk(TEST_PFN, 8));
	KT_STREQ(log, want);
	free(log);
	restore_pages(&s);
}

/* An anonymous, mapped page with memcg data, index and no reason. */
KT_TEST(dump_anon_page)
{
	struct kmm_machine *m = machine();
	struct saved s;
	struct page *p;
	size_t mark;
	char *log, want[1024];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = pfn_to_page(TEST_PFN + 1);
	save_pages(&s, p, 1);
	set_page(p, ZONE_DMA32, 1UL << PG_lru | 1UL << PG_swapbacked |
		 1UL << PG_uptodate, 2, 3);
	p->mapping = (void *)0xffff888012345601UL;	/* anon_vma | 1 */
	p->index = 0x7f1234;
	p->memcg_data = 0xffff888001234000UL;
	mark = log_mark(m);
	dump_page(p, NULL);
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "page: refcount:3 mapcount:3 mapping:0000000000000000 index:0x7f1234 pfn:0x1001\n"
		 "memcg:ffff888001234000\n"
		 "anon flags: 0xfffffc0020028(uptodate|lru|swapbacked|node=0|zone=1|lastcpupid=0x1fffff)\n"
		 "raw: 000fffffc0020028 %016llx %016llx ffff888012345601\n"
		 "raw: 00000000007f1234 0000000000000000 0000000300000002 ffff888001234000\n",
		 vmk(TEST_PFN + 1, 8), vmk(TEST_PFN + 1, 8));
	KT_STREQ(log, want);
	free(log);
	restore_pages(&s);
}

/* A free buddy block as the boot left it, read only. */
KT_TEST(dump_buddy_page)
{
	struct kmm_machine *m = machine();
	struct page *p;
	unsigned long pfn;
	size_t mark;
	char *log, want[2048], fl[256];
	unsigned long long w[8];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = free_block(m, ZONE_DMA32, MAX_PAGE_ORDER);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	pfn = page_to_pfn(p);
	KT_EQ(p->page_type, 0xf0000000u);
	KT_EQ(p->private, MAX_PAGE_ORDER);
	memcpy(w, p, sizeof(w));
	/* The list pointers are struct pages or the zone's list heads. */
	for (int i = 1; i <= 2; i++) {
		unsigned long long v = w[i];
		unsigned long long vb = (unsigned long long)(uintptr_t)m->vmemmap_base;
		unsigned long long pb = (unsigned long long)(uintptr_t)m->phys_base;

		if (v >= vb && v < vb + m->vmemmap_span)
			w[i] = VMEMMAP_K + (v - vb);
		else if (v >= pb && v < pb + m->phys_span)
			w[i] = DIRECT_K + (v - pb);
		else
			KT_FAIL("list pointer %llx outside the machine", v);
	}
	kmm_format_page_flags(p->flags, fl, sizeof(fl));
	mark = log_mark(m);
	dump_page(p, "look");
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x%llx pfn:%#lx\n"
		 "flags: %s\n"
		 "page_type: f0(buddy)\n"
		 "raw: %016llx %016llx %016llx 0000000000000000\n"
		 "raw: %016llx 000000000000000a 00000000f0000000 0000000000000000\n"
		 "page dumped because: look\n",
		 w[4], pfn, fl, w[0], w[1], w[2], w[4]);
	KT_STREQ(log, want);
	KT_TRUE(strncmp(fl, "0x", 2) == 0 && strstr(fl, "|zone=1|"));
	free(log);
}

/*
 * An order-2 compound page built by hand at pfn 0x1000, Linux's folio
 * layout: order in page[1]'s flags, the four counters at bytes 16..31 of
 * page[1] (-1, -1, 0, 0), the page count at 32; tails point at the head.
 */
KT_TEST(dump_tail_of_compound_page)
{
	struct kmm_machine *m = machine();
	struct saved s;
	struct page *p;
	size_t mark;
	char *log, want[2048];
	unsigned long long h = vmk(TEST_PFN, 0);
	int ctr[5] = { -1, -1, 0, 0, 4 };

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = pfn_to_page(TEST_PFN);
	save_pages(&s, p, 4);
	set_page(&p[0], ZONE_DMA32, 1UL << PG_head, -1, 1);
	p[0].index = 0x40;
	for (int i = 1; i < 4; i++) {
		set_page(&p[i], ZONE_DMA32, 0, -1, 0);
		p[i].compound_head = (unsigned long)&p[0] | 1;
	}
	p[1].flags |= 2;			/* order */
	memcpy(&p[1]._cw[0], ctr, sizeof(ctr));
	KT_EQ(compound_order(&p[0]), 2);
	mark = log_mark(m);
	dump_page(&p[2], "tail");
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x42 pfn:0x1002\n"
		 "head: order:2 mapcount:0 entire_mapcount:0 nr_pages_mapped:0 pincount:0\n"
		 "flags: 0xfffffc0000040(head|node=0|zone=1|lastcpupid=0x1fffff)\n"
		 "raw: 000fffffc0000000 %016llx %016llx 0000000000000000\n"
		 "raw: 0000000000000000 0000000000000000 00000000ffffffff 0000000000000000\n"
		 "head: 000fffffc0000040 %016llx %016llx 0000000000000000\n"
		 "head: 0000000000000040 0000000000000000 00000001ffffffff 0000000000000000\n"
		 "head: 000fffffc0000002 %016llx ffffffffffffffff 0000000000000000\n"
		 "head: 0000000000000004 0000000000000000 00000000ffffffff 0000000000000000\n"
		 "page dumped because: tail\n",
		 h + 1, vmk(TEST_PFN + 2, 8), h + 8, h + 8, h + 1);
	KT_STREQ(log, want);
	free(log);
	restore_pages(&s);
}

/*
 * A real __GFP_COMP allocation: prep_compound_head's folio fields (mapcounts
 * -1, the page count, the deferred list), dumped as Linux dumps them; then
 * free_tail_page_prepare's checks, each in its tail, reported and the
 * block kept out of the free lists.
 */
KT_TEST(compound_folio_fields_and_tail_checks)
{
	struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1, NULL);
	static const struct { int tail, off; const char *reason; } bad[] = {
		{ 1, 28, "nonzero pincount" },
		{ 1, 20, "nonzero entire_mapcount" },
		{ 2, 16, "on deferred list" },
		{ 5, 24, "corrupted mapping in tail page" },
		{ 6, 8, "compound_head not consistent" },
	};
	struct page *p;
	size_t mark;
	char *log;
	long bad0;
	int v;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	memcpy(&v, (u8 *)&p[1] + 16, sizeof(v));
	KT_EQ(v, -1);					/* _large_mapcount */
	memcpy(&v, (u8 *)&p[1] + 32, sizeof(v));
	KT_EQ(v, 8);					/* _folio_nr_pages */
	mark = log_mark(m);
	dump_page(&p[1], "look");
	log = log_since(m, mark);
	KT_CONTAINS(log, "head: order:3 mapcount:0 entire_mapcount:0 nr_pages_mapped:0 pincount:0\n");
	/* The tail's compound_head as the kernel holds it: vmemmap | 1. */
	{
		char want[128];

		snprintf(want, sizeof(want),
			 "raw: 000fffffc0000003 %016llx ffffffffffffffff 0000000000000000\n",
			 vmk(page_to_pfn(p), 1));
		KT_CONTAINS(log, want);
	}
	KT_CONTAINS(log, " ffffffffffffffff 0000000000000000\nhead: 0000000000000008 ");
	free(log);
	__free_pages(p, 3);				/* good: back to the lists */

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
		KT_TRUE(p != NULL);
		if (!p)
			return;
		v = 7;
		memcpy((u8 *)&p[bad[i].tail] + bad[i].off, &v, sizeof(v));
		bad0 = atomic_load(&m->bad_pages);
		mark = log_mark(m);
		__free_pages(p, 3);
		log = log_since(m, mark);
		{
			char want[160];

			snprintf(want, sizeof(want),
				 "BUG: Bad page state in process kmm  pfn:%05lx\n",
				 page_to_pfn(p) + bad[i].tail);
			KT_CONTAINS(log, want);
			snprintf(want, sizeof(want), "page dumped because: %s\n",
				 bad[i].reason);
			KT_CONTAINS(log, want);
		}
		free(log);
		KT_EQ(atomic_load(&m->bad_pages), bad0 + 1);
	}
	/* A tail failing its tail check is still checked as a page. */
	p = alloc_pages(GFP_KERNEL | __GFP_COMP, 3);
	KT_TRUE(p != NULL);
	if (p) {
		p[5].mapping = NULL;
		atomic_store(&p[5]._refcount, 1);
		bad0 = atomic_load(&m->bad_pages);
		__free_pages(p, 3);
		KT_EQ(atomic_load(&m->bad_pages), bad0 + 2);
	}
	KT_EQ(kmm_mm_verify(m, NULL, 0), 0);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	if (M1)
		kmm_machine_enter(M1);
}

KT_TEST(dump_poisoned_struct_page)
{
	struct kmm_machine *m = machine();
	struct saved s;
	struct page *p;
	size_t mark;
	char *log, want[512];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = pfn_to_page(TEST_PFN);
	save_pages(&s, p, 1);
	memset(p, 0xff, sizeof(*p));
	mark = log_mark(m);
	dump_page(p, "uninit");
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "page:%016llx is uninitialized and poisoned\n"
		 "page dumped because: uninit\n", vmk(TEST_PFN, 0));
	KT_STREQ(log, want);
	free(log);
	restore_pages(&s);
}

/* --- Bad page state --------------------------------------------------------- */

static const char *check_free(struct page *p, bool *bad)
{
	static char reason[128];
	struct kmm_machine *m = kmm_current();
	size_t mark = log_mark(m);
	char *log, *r;

	*bad = free_page_is_bad(p);
	log = log_since(m, mark);
	r = strstr(log, "page dumped because: ");
	reason[0] = '\0';
	if (r) {
		r += strlen("page dumped because: ");
		snprintf(reason, sizeof(reason), "%.*s",
			 (int)strcspn(r, "\n"), r);
	}
	free(log);
	return reason;
}

KT_TEST(free_checks_in_linux_order)
{
	struct kmm_machine *m = machine();
	struct saved s;
	struct page *p;
	bool bad;
	long before;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = pfn_to_page(TEST_PFN);
	save_pages(&s, p, 1);
	before = atomic_load(&m->bad_pages);

	/* A page fit to free: no report. */
	set_page(p, ZONE_DMA32, 1UL << PG_referenced | 1UL << PG_dirty, -1, 0);
	KT_STREQ(check_free(p, &bad), "");
	KT_FALSE(bad);
	KT_EQ(atomic_load(&m->bad_pages), before);

	set_page(p, ZONE_DMA32, 0, 0, 0);
	KT_STREQ(check_free(p, &bad), "nonzero mapcount");
	KT_TRUE(bad);
	set_page(p, ZONE_DMA32, 0, -1, 0);
	p->mapping = (void *)0x1000;
	KT_STREQ(check_free(p, &bad), "non-NULL mapping");
	set_page(p, ZONE_DMA32, 0, -1, 1);
	KT_STREQ(check_free(p, &bad), "nonzero _refcount");
	/* Each flag of PAGE_FLAGS_CHECK_AT_FREE. */
	{
		static const int fl[] = { PG_lru, PG_locked, PG_private,
					  PG_private_2, PG_writeback,
					  PG_reserved, PG_active,
					  PG_unevictable, PG_mlocked };

		for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++) {
			set_page(p, ZONE_DMA32, 1UL << fl[i], -1, 0);
			KT_STREQ(check_free(p, &bad),
				 "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
			KT_TRUE(bad);
		}
	}
	set_page(p, ZONE_DMA32, 0, -1, 0);
	p->memcg_data = 0x10;
	KT_STREQ(check_free(p, &bad), "page still charged to cgroup");
	/* Several at once: the last check that fails names it. */
	set_page(p, ZONE_DMA32, 1UL << PG_lru, 5, 2);
	p->mapping = (void *)0x1000;
	KT_STREQ(check_free(p, &bad), "PAGE_FLAGS_CHECK_AT_FREE flag(s) set");
	set_page(p, ZONE_DMA32, 0, 5, 2);
	KT_STREQ(check_free(p, &bad), "nonzero _refcount");
	KT_EQ(atomic_load(&m->bad_pages), before + 15);
	restore_pages(&s);
}

KT_TEST(alloc_checks)
{
	struct kmm_machine *m = machine();
	struct saved s;
	struct page *p;
	size_t mark;
	long before;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = pfn_to_page(TEST_PFN);
	save_pages(&s, p, 1);
	before = atomic_load(&m->bad_pages);

	set_page(p, ZONE_DMA32, 0, -1, 0);
	KT_FALSE(check_new_page(p));
	/* Any PG_ bit but hwpoison is wrong in a page being handed out. */
	set_page(p, ZONE_DMA32, 1UL << PG_referenced, -1, 0);
	mark = log_mark(m);
	KT_TRUE(check_new_page(p));
	log = log_since(m, mark);
	KT_CONTAINS(log, "page dumped because: PAGE_FLAGS_CHECK_AT_PREP flag(s) set\n");
	free(log);
	set_page(p, ZONE_DMA32, 0, 0, 0);
	mark = log_mark(m);
	KT_TRUE(check_new_page(p));
	log = log_since(m, mark);
	KT_CONTAINS(log, "page dumped because: nonzero mapcount\n");
	free(log);
	KT_EQ(atomic_load(&m->bad_pages), before + 2);

	/* hwpoison: refused quietly, PageBuddy dropped. */
	set_page(p, ZONE_DMA32, 1UL << PG_hwpoison, -1, 0);
	p->page_type = 0xf0000000u;
	mark = log_mark(m);
	KT_TRUE(check_new_page(p));
	log = log_since(m, mark);
	KT_STREQ(log, "");
	free(log);
	KT_EQ(p->page_type, 0xffffffffu);
	KT_EQ(atomic_load(&m->bad_pages), before + 2);
	restore_pages(&s);
}

/* The whole report, the taint note once, PageBuddy cleared. */
KT_TEST(bad_page_report)
{
	struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1, NULL);
	struct saved s;
	struct page *p;
	size_t mark;
	char *log, want[2048];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	p = pfn_to_page(TEST_PFN);
	save_pages(&s, p, 1);
	set_page(p, ZONE_DMA32, 0, -1, 1);
	mark = log_mark(m);
	KT_TRUE(free_page_is_bad(p));
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "BUG: Bad page state in process kmm  pfn:01000\n"
		 "page: refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 pfn:0x1000\n"
		 "flags: 0xfffffc0000000(node=0|zone=1|lastcpupid=0x1fffff)\n"
		 "raw: 000fffffc0000000 %016llx %016llx 0000000000000000\n"
		 "raw: 0000000000000000 0000000000000000 00000001ffffffff 0000000000000000\n"
		 "page dumped because: nonzero _refcount\n"
		 "Modules linked in:\n"
		 "CPU: 0 UID: 0 PID: 1 Comm: kmm Not tainted 6.12.0-kmm #1 \n"
		 "Call Trace:\n"
		 " <TASK>\n"
		 " </TASK>\n"
		 "Disabling lock debugging due to kernel taint\n",
		 vmk(TEST_PFN, 8), vmk(TEST_PFN, 8));
	KT_STREQ(log, want);
	free(log);
	KT_EQ(atomic_load(&m->bad_pages), 1);
	KT_TRUE(m->page_debug.debug_locks_off);

	/* Second report: no taint note; a buddy page loses its type only. */
	set_page(p, ZONE_DMA32, 0, -1, 0);
	p->page_type = 0xf0000000u;
	p->private = 3;
	mark = log_mark(m);
	bad_page(p, "test");
	log = log_since(m, mark);
	KT_CONTAINS(log, "page_type: f0(buddy)\n");
	KT_CONTAINS(log, "raw: 0000000000000000 0000000000000003 00000000f0000000 0000000000000000\n");
	KT_TRUE(strstr(log, "Disabling lock debugging") == NULL);
	KT_TRUE(strstr(log, "Modules linked in:\npage") == NULL);
	free(log);
	KT_EQ(p->page_type, 0xffffffffu);
	KT_EQ(p->private, 3);
	KT_EQ(atomic_load(&m->bad_pages), 2);
	restore_pages(&s);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	if (M1)
		kmm_machine_enter(M1);
}

/* 60 reports a minute; the rest are counted and owned up to later. */
KT_TEST(bad_page_rate_limit)
{
	struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1, NULL);
	struct saved s;
	struct page *p;
	size_t mark;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	p = pfn_to_page(TEST_PFN);
	save_pages(&s, p, 1);
	set_page(p, ZONE_DMA32, 0, 0, 0);
	mark = log_mark(m);
	for (int i = 0; i < 75; i++)
		bad_page(p, "burst");
	log = log_since(m, mark);
	KT_EQ(count_lines(log, "BUG: Bad page state in process kmm  pfn:01000"), 60);
	KT_EQ(count_lines(log, "Disabling lock debugging"), 1);
	free(log);
	KT_EQ(atomic_load(&m->bad_pages), 75);
	KT_EQ(m->page_debug.bad_page_unshown, 15);

	/* The minute is over. */
	m->page_debug.bad_page_resume = 0;
	mark = log_mark(m);
	bad_page(p, "again");
	log = log_since(m, mark);
	KT_TRUE(strncmp(log, "BUG: Bad page state: 15 messages suppressed\n"
			     "BUG: Bad page state in process kmm  pfn:01000\n",
			strlen("BUG: Bad page state: 15 messages suppressed\n"
			       "BUG: Bad page state in process kmm  pfn:01000\n")) == 0);
	free(log);
	KT_EQ(m->page_debug.bad_page_shown, 1);
	KT_EQ(m->page_debug.bad_page_unshown, 0);
	restore_pages(&s);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	if (M1)
		kmm_machine_enter(M1);
}

/* --- page poisoning --------------------------------------------------------- */

KT_TEST(poison_single_bit_error)
{
	struct kmm_machine *m = machine();
	struct page *p;
	unsigned long pfn;
	u8 *va;
	size_t mark;
	char *log, want[2048];
	long errs;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = free_block_min(m, ZONE_DMA32, 0);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	pfn = page_to_pfn(p);
	va = page_address(p);
	m->page_poisoning = true;
	kernel_poison_pages(p, 1);
	for (int i = 0; i < 4096; i++)
		if (va[i] != 0xaa) {
			KT_FAIL("byte %d not poisoned", i);
			break;
		}
	errs = atomic_load(&m->page_debug.poison_errors);
	mark = log_mark(m);
	kernel_unpoison_pages(p, 1);
	log = log_since(m, mark);
	KT_STREQ(log, "");
	free(log);

	va[0x123] ^= 0x10;
	mark = log_mark(m);
	kernel_unpoison_pages(p, 1);
	log = log_since(m, mark);
	/* One byte: hex, spaces to column 49, the character. */
	snprintf(want, sizeof(want),
		 "pagealloc: single bit error\n"
		 "%016llx: ba%47s.\n"
		 "CPU: 0 UID: 0 PID: 1 Comm: kmm ",
		 DIRECT_K + ((unsigned long long)pfn << 12) + 0x123, "");
	KT_TRUE(strncmp(log, want, strlen(want)) == 0);
	if (strncmp(log, want, strlen(want)))
		fprintf(stderr, "  got:\n%s\n  want:\n%s\n", log, want);
	/* dump_stack() between the hex dump and the page. */
	KT_CONTAINS(log, " 6.12.0-kmm #1 \n");
	KT_CONTAINS(log, "Call Trace:\n <TASK>\n </TASK>\npage: refcount:0 mapcount:0 mapping:0000000000000000");
	KT_CONTAINS(log, "page_type: f0(buddy)\n");
	KT_CONTAINS(log, "page dumped because: pagealloc: corrupted page details\n");
	free(log);
	KT_EQ(atomic_load(&m->page_debug.poison_errors), errs + 1);
	m->page_poisoning = false;
}

KT_TEST(poison_memory_corruption)
{
	struct kmm_machine *m = machine();
	struct page *p;
	unsigned long long base;
	u8 *va;
	size_t mark;
	char *log, want[2048];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = free_block_min(m, ZONE_DMA32, 2);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	m->page_poisoning = true;
	kernel_poison_pages(p, 4);
	va = (u8 *)page_address(p) + 3 * 4096;
	base = DIRECT_K + ((unsigned long long)page_to_pfn(p) << 12) + 3 * 4096;
	/* Page 3 of the block, bytes 0x18..0x3a; two flipped bits at 0x800. */
	memcpy(va + 0x18, "use after free, in kmm!", 23);
	va[0x3a] = 0x00;
	mark = log_mark(m);
	kernel_unpoison_pages(p, 4);
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "pagealloc: memory corruption\n"
		 "%016llx: 75 73 65 20 61 66 74 65 72 20 66 72 65 65 2c 20  use after free, \n"
		 "%016llx: 69 6e 20 6b 6d 6d 21 aa aa aa aa aa aa aa aa aa  in kmm!.........\n"
		 "%016llx: aa aa 00%41s...\n"
		 "CPU: 0 UID: 0 PID: 1 Comm: kmm ",
		 base + 0x18, base + 0x28, base + 0x38, "");
	KT_TRUE(strncmp(log, want, strlen(want)) == 0);
	if (strncmp(log, want, strlen(want)))
		fprintf(stderr, "  got:\n%s\n  want:\n%s\n", log, want);
	KT_EQ(count_lines(log, "pagealloc:"), 1);
	snprintf(want, sizeof(want),
		 "Call Trace:\n <TASK>\n </TASK>\n"
		 "page: refcount:0 mapcount:0 mapping:0000000000000000 index:0x0 pfn:%#lx\n",
		 page_to_pfn(p) + 3);
	KT_CONTAINS(log, want);
	free(log);

	/* Two single-bit flips far apart are a corruption, not one error. */
	kernel_poison_pages(p, 4);
	va[0x800] ^= 1;
	va[0x801] ^= 1;
	mark = log_mark(m);
	kernel_unpoison_pages(p, 4);
	log = log_since(m, mark);
	snprintf(want, sizeof(want),
		 "pagealloc: memory corruption\n"
		 "%016llx: ab ab%44s..\n", base + 0x800, "");
	KT_TRUE(strncmp(log, want, strlen(want)) == 0);
	if (strncmp(log, want, strlen(want)))
		fprintf(stderr, "  got:\n%s\n  want:\n%s\n", log, want);
	free(log);
	m->page_poisoning = false;
	/* Put the 10-per-5-seconds budget back for the other tests. */
	m->page_debug.poison_rs.printed = 0;
}

/* More than 10 reports in 5 seconds: the rest wait and are counted. */
KT_TEST(poison_ratelimit)
{
	struct kmm_machine *m = machine();
	struct page *p;
	u8 *va;
	size_t mark;
	char *log;
	long errs;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = free_block_min(m, ZONE_DMA32, 0);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	va = page_address(p);
	m->page_poisoning = true;
	m->page_debug.poison_rs.begin = 0;
	m->page_debug.poison_rs.printed = 0;
	m->page_debug.poison_rs.missed = 0;
	errs = atomic_load(&m->page_debug.poison_errors);
	mark = log_mark(m);
	for (int i = 0; i < 14; i++) {
		kernel_poison_pages(p, 1);
		va[i] = 0;
		kernel_unpoison_pages(p, 1);
	}
	log = log_since(m, mark);
	KT_EQ(count_lines(log, "pagealloc: memory corruption"), 10);
	free(log);
	KT_EQ(atomic_load(&m->page_debug.poison_errors), errs + 14);
	/* Five seconds (and a jiffy) later. */
	m->page_debug.poison_rs.begin -= 5 * HZ + 1;
	mark = log_mark(m);
	kernel_poison_pages(p, 1);
	va[7] = 0;
	kernel_unpoison_pages(p, 1);
	log = log_since(m, mark);
	KT_TRUE(strncmp(log, "check_poison_mem: 4 callbacks suppressed\n"
			     "pagealloc: memory corruption\n",
			strlen("check_poison_mem: 4 callbacks suppressed\n"
			       "pagealloc: memory corruption\n")) == 0);
	free(log);
	m->page_poisoning = false;
	m->page_debug.poison_rs.printed = 0;
}

/* --- debug_pagealloc and init ---------------------------------------------- */

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

/* Does reading @p fault? */
static bool read_faults(volatile u8 *p)
{
	struct sigaction sa, old_segv, old_bus;
	bool faulted;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		(void)*p;
		faulted = false;
	} else {
		faulted = true;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return faulted;
}

KT_TEST(debug_pagealloc_unmaps_freed_pages)
{
	struct kmm_machine *m = machine();
	struct page *p;
	u8 *va;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = free_block_min(m, ZONE_DMA32, 1);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	va = page_address(p);
	KT_FALSE(read_faults(va));
	/* Off: nothing happens. */
	kmm_debug_pagealloc_map(p, 2, false);
	KT_FALSE(read_faults(va + 4096));

	m->debug_pagealloc = true;
	debug_pagealloc_unmap_pages(p, 2);
	KT_TRUE(read_faults(va));
	KT_TRUE(read_faults(va + 8191));
	/* The struct page, in the memmap, stays readable. */
	KT_EQ(p->page_type, 0xf0000000u);
	debug_pagealloc_map_pages(p, 1);
	KT_FALSE(read_faults(va));
	KT_TRUE(read_faults(va + 4096));
	debug_pagealloc_map_pages(p + 1, 1);
	KT_FALSE(read_faults(va + 4096));
	va[5] = 5;
	KT_EQ(va[5], 5);
	m->debug_pagealloc = false;
}

/*
 * debug_guardpage_minorder=3 with debug_pagealloc: an order-0 allocation
 * splits an order-3 block and keeps the buddies of orders 2, 1 and 0 as
 * unmapped guard pages, neither free nor on a list; freeing the page
 * merges them back.  A bad value is refused with Linux's message.
 */
KT_TEST(debug_guardpage_minorder_guards)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 1,
		"debug_pagealloc=on debug_guardpage_minorder=3 deferred_init=off");
	unsigned long free0, pfn;
	struct page *p, *vm;
	char err[256], *log;
	u8 *va;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	log = machine_log(m);
	KT_CONTAINS(log, "\nSetting debug_guardpage_minorder to 3\n");
	free(log);
	KT_TRUE(m->debug_guardpage_enabled);
	drain_all_pages(NULL);
	free0 = global_zone_page_state(NR_FREE_PAGES);
	p = alloc_pages(GFP_KERNEL, 0);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	drain_all_pages(NULL);		/* the refill's other pages go back */
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), free0 - 8);
	vm = pfn_to_page(0);
	pfn = page_to_pfn(p);
	KT_EQ(pfn & 7, 0);
	for (unsigned int o = 0; o < 3; o++) {
		struct page *g = vm + (pfn ^ (1UL << o));

		KT_EQ(g->page_type, 0xf3000000u);	/* PGTY_guard */
		KT_EQ(g->private, o);
		KT_TRUE(read_faults(page_address(g)));
	}
	va = page_address(p);
	KT_FALSE(read_faults(va));
	va[0] = 1;
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	__free_pages(p, 0);
	drain_all_pages(NULL);
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), free0);
	for (unsigned int o = 0; o < 3; o++)
		KT_TRUE(vm[pfn ^ (1UL << o)].page_type != 0xf3000000u);
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);

	/* Above MAX_PAGE_ORDER / 2: refused, and no guards. */
	m = boot_compact(256ULL << 20, 1, 1,
			 "debug_pagealloc=on debug_guardpage_minorder=6");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nBad debug_guardpage_minorder value\n");
	free(log);
	KT_FALSE(m->debug_guardpage_enabled);
	kmm_machine_destroy(m);
}

KT_TEST(init_pages_zero)
{
	struct kmm_machine *m = machine();
	struct page *p;
	u8 *va;
	bool nonzero = false;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = free_block_min(m, ZONE_DMA32, 0);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	va = page_address(p);
	memset(va, 0x55, 4096);
	kernel_init_pages(p, 1);
	for (int i = 0; i < 4096; i++)
		nonzero |= va[i] != 0;
	KT_FALSE(nonzero);

	/* A whole MAX_PAGE_ORDER block: through the backing. */
	p = free_block(m, ZONE_DMA32, MAX_PAGE_ORDER);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	va = page_address(p);
	memset(va, 0x66, 4096);
	memset(va + (4UL << 20) - 4096, 0x77, 4096);
	kernel_init_pages(p, 1 << MAX_PAGE_ORDER);
	for (unsigned long i = 0; i < (4UL << 20); i += 511)
		nonzero |= va[i] != 0;
	KT_FALSE(nonzero);
	KT_EQ(va[(4UL << 20) - 1], 0);
	/* The struct pages live elsewhere and are untouched. */
	KT_EQ(p->page_type, 0xf0000000u);
}

/*
 * Through the page allocator: a write after free is found when the page is
 * handed out again (order-0 frees go to the head of the per-CPU list and
 * the next allocation takes them from there); with debug_pagealloc the
 * write itself faults.
 */
KT_TEST(use_after_free_end_to_end)
{
	struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1, "page_poison=on");
	struct page *a, *b;
	size_t mark;
	char *log, want[256];
	u8 *va;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	a = alloc_page(GFP_KERNEL);
	KT_TRUE(a != NULL);
	if (!a)
		goto out;
	va = page_address(a);
	KT_EQ(va[0x10], 0xaa);		/* poisoned since the boot freed it */
	__free_page(a);
	va[0x10] ^= 0x01;
	mark = log_mark(m);
	b = alloc_page(GFP_KERNEL);
	log = log_since(m, mark);
	KT_TRUE(b == a);
	snprintf(want, sizeof(want),
		 "pagealloc: single bit error\n%016llx: ab%47s.\n",
		 DIRECT_K + ((unsigned long long)page_to_pfn(a) << 12) + 0x10, "");
	KT_TRUE(strncmp(log, want, strlen(want)) == 0);
	if (strncmp(log, want, strlen(want)))
		fprintf(stderr, "  got:\n%s\n  want:\n%s\n", log, want);
	free(log);
	KT_EQ(atomic_load(&m->page_debug.poison_errors), 1);
	if (b)
		__free_page(b);
out:
	drop(m);

	m = boot_compact(256ULL << 20, 1, 1, "debug_pagealloc=on");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_TRUE(read_faults(page_address(free_block(m, ZONE_DMA32,
						    MAX_PAGE_ORDER))));
	a = alloc_page(GFP_KERNEL);
	KT_TRUE(a != NULL);
	if (a) {
		KT_FALSE(read_faults(page_address(a)));
		__free_page(a);
		KT_TRUE(read_faults(page_address(a)));
	}
	drop(m);
}

/* The boot itself still checks out (pages restored, nothing leaked). */
KT_TEST(zz_machine_still_consistent)
{
	struct kmm_machine *m = machine();
	char err[256];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	if (kt_failed_now)
		fprintf(stderr, "  %s\n", err);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	M1 = NULL;
}

KT_MAIN()
