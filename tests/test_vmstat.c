/* SPDX-License-Identifier: MIT */
/*
 * test_vmstat.c - the counters, the /proc reports (zoneinfo, buddyinfo,
 * pagetypeinfo, meminfo, vmstat), show_mem, warn_alloc and %pGg.
 *
 * Reports are checked against what the test reads from the machine itself
 * (free lists walked, pageblocks counted, counters summed), line by line as
 * fixed strings.  The page allocator may run between two reads, so the
 * checks compare values taken from one snapshot or assert relations that
 * allocations preserve.  Expected direct-map figures are worked by hand in
 * the comments from Linux 6.12's init_mem_mapping().
 */
#include "ktest.h"
#include "kmm_test_util.h"
#include <kmm/vmstat.h>
#include <kmm/gfp.h>
#include <kmm/show_mem.h>
#include <kmm/ratelimit.h>
#include <unistd.h>

#define PAGES_KB(p)	((unsigned long)(p) * 4)

static struct zone *Z(struct kmm_machine *m, int nid, int zid)
{
	return &m->node_data[nid]->node_zones[zid];
}

/* The n-th line (from 0) of @text, without its newline, in @buf. */
static const char *nth_line(const char *text, int n, char *buf, size_t len)
{
	const char *p = text, *e;

	for (; n > 0 && p; n--) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p)
		return NULL;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	snprintf(buf, len, "%.*s", (int)(e - p), p);
	return buf;
}

static int nr_lines(const char *text)
{
	int n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* Value after "label" at the start of a line of @text, or -1. */
static long long value_of(const char *text, const char *label)
{
	size_t l = strlen(label);

	for (const char *p = text; p && *p;) {
		if (!strncmp(p, label, l))
			return strtoll(p + l, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

/* The modelled build has CMA (and so a CMA migrate type) with 6 types. */
static bool has_cma(struct kmm_machine *m)
{
	return m->desc.migrate_types >= 6;
}

static bool type_configured(struct kmm_machine *m, int t)
{
	if (t == MIGRATE_CMA)
		return has_cma(m);
	if (t == MIGRATE_ISOLATE)
		return m->desc.migrate_types >= 5;
	return true;
}

/* MAX_NR_ZONES of the modelled build: 5 with ZONE_DEVICE. */
static int nr_zones(struct kmm_machine *m)
{
	return m->desc.zone_device ? MAX_NR_ZONES : MAX_NR_ZONES - 1;
}

/* "a, b, c, d[, e]" or "a b c d[ e]" of lowmem_reserve[]. */
static const char *reserves(struct kmm_machine *m, struct zone *z,
			    const char *sep, char *buf, size_t len)
{
	int n = 0;

	for (int i = 0; i < nr_zones(m); i++)
		n += snprintf(buf + n, len - n, "%s%ld", i ? sep : "",
			      z->lowmem_reserve[i]);
	return buf;
}

static unsigned long list_len(struct list_head *head)
{
	unsigned long n = 0;

	for (struct list_head *p = head->next; p != head; p = p->next)
		n++;
	return n;
}

/* --- counters ---------------------------------------------------------------- */

KT_TEST(counters_clamp_and_sum)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 2, 2, "slab=off");
	/* (No slab layer: the slab counters below start at 0.) */
	struct zone *a, *b;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	a = Z(m, 0, ZONE_DMA32);
	b = Z(m, 1, ZONE_NORMAL);

	/* A negative zone counter reads as 0; the global sum nets first. */
	__mod_zone_page_state(a, NR_MLOCK, -5);
	KT_EQ(zone_page_state(a, NR_MLOCK), 0);
	KT_EQ(global_zone_page_state(NR_MLOCK), 0);
	__mod_zone_page_state(b, NR_MLOCK, 7);
	KT_EQ(zone_page_state(b, NR_MLOCK), 7);
	KT_EQ(global_zone_page_state(NR_MLOCK), 2);
	__mod_zone_page_state(a, NR_MLOCK, 5);
	__mod_zone_page_state(b, NR_MLOCK, -7);
	KT_EQ(global_zone_page_state(NR_MLOCK), 0);

	/* Free pages: the global counter is the sum of the zones'. */
	{
		unsigned long sum = 0;

		for (int nid = 0; nid < 2; nid++)
			for (int z = 0; z < MAX_NR_ZONES; z++)
				sum += zone_page_state(Z(m, nid, z), NR_FREE_PAGES);
		KT_EQ(global_zone_page_state(NR_FREE_PAGES), sum);
	}

	/* Slab counters change in bytes and are kept (and read) in pages. */
	__mod_node_page_state(m->node_data[1], NR_SLAB_UNRECLAIMABLE_B,
			      3 * 4096);
	KT_EQ(node_page_state(m->node_data[1], NR_SLAB_UNRECLAIMABLE_B), 3);
	KT_EQ(global_node_page_state(NR_SLAB_UNRECLAIMABLE_B), 3);
	__mod_node_page_state(m->node_data[0], NR_SHMEM, 11);
	__mod_node_page_state(m->node_data[1], NR_SHMEM, -4);
	KT_EQ(node_page_state(m->node_data[1], NR_SHMEM), 0);
	KT_EQ(global_node_page_state(NR_SHMEM), 7);

	/* Events and NUMA events. */
	count_vm_events(OOM_KILL, 2);
	count_vm_event(OOM_KILL);
	KT_EQ(vm_event_count(OOM_KILL), 3);
	zone_numa_event_add(a, NUMA_FOREIGN, 9);
	{
		char *r = machine_report(m, "vmstat");

		KT_CONTAINS(r, "\nnuma_foreign 9\n");
		KT_CONTAINS(r, "\noom_kill 3\n");
		KT_CONTAINS(r, "\nnr_shmem 7\n");
		KT_CONTAINS(r, "\nnr_slab_unreclaimable 3\n");
		free(r);
		r = machine_report(m, "meminfo");
		KT_CONTAINS(r, "\nShmem:                28 kB\n");
		KT_CONTAINS(r, "\nSlab:                 12 kB\n");
		KT_CONTAINS(r, "\nSUnreclaim:           12 kB\n");
		free(r);
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* --- buddyinfo ------------------------------------------------------------------ */

/* What buddyinfo must say, built from the free lists themselves. */
static char *expected_buddyinfo(struct kmm_machine *m)
{
	struct strbuf b = { calloc(1, 1), 0, 1 };
	char line[256];

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		if (!m->node_data[nid] || !node_online(nid))
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = Z(m, nid, z);
			int n;

			if (!zone->present_pages)
				continue;
			n = snprintf(line, sizeof(line), "Node %d, zone %8s ",
				     nid, zone_names[z]);
			for (int o = 0; o < NR_PAGE_ORDERS; o++) {
				unsigned long cnt = 0;

				for (int t = 0; t < MIGRATE_TYPES; t++)
					cnt += list_len(&zone->free_area[o].free_list[t]);
				KT_EQ(cnt, zone->free_area[o].nr_free);
				n += snprintf(line + n, sizeof(line) - n, "%6lu ", cnt);
			}
			snprintf(line + n, sizeof(line) - n, "\n");
			sb_write(&b, line, strlen(line));
		}
	}
	return b.s;
}

KT_TEST(buddyinfo_matches_the_free_lists)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 2, NULL);
	char *r, *want, line[256];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	r = machine_report(m, "buddyinfo");
	want = expected_buddyinfo(m);
	KT_STREQ(r, want);
	/* Node 0: DMA, DMA32, Normal; node 1: Normal. */
	KT_EQ(nr_lines(r), 4);
	KT_TRUE(!strncmp(nth_line(r, 0, line, sizeof(line)),
			 "Node 0, zone      DMA ", 22));
	KT_TRUE(!strncmp(nth_line(r, 1, line, sizeof(line)),
			 "Node 0, zone    DMA32 ", 22));
	KT_TRUE(!strncmp(nth_line(r, 3, line, sizeof(line)),
			 "Node 1, zone   Normal ", 22));
	/* 22 + 11 * 7 characters. */
	KT_EQ(strlen(nth_line(r, 0, line, sizeof(line))), 22 + 11 * 7);
	free(r);
	free(want);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* --- pagetypeinfo --------------------------------------------------------------- */

/*
 * A pageblock wholly inside an e820 hole is not counted.  From 5.12 its
 * 2 MiB subsection has no RAM (pfn_to_online_page() is NULL), which is
 * what excludes it once hole pages carry their zone's links (also 5.12);
 * before, they were zone 0's, so the zone test excluded them.  DMA32
 * here spans 1016 pageblocks, 4 of them the reserved 8 MiB at 1 GiB.
 */
KT_TEST(pagetypeinfo_skips_blocks_in_holes)
{
	static const char map[] =
		"BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"BIOS-e820: [mem 0x0000000000100000-0x000000003fffffff] usable\n"
		"BIOS-e820: [mem 0x0000000040000000-0x00000000407fffff] reserved\n"
		"BIOS-e820: [mem 0x0000000040800000-0x000000007fffffff] usable\n";
	static const struct { const char *ver; unsigned long blocks; } c[] = {
		{ "6.12", 1012 }, { "5.15", 1012 }, { "5.2", 1012 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct kmm_machine_desc *d = calloc(1, sizeof(*d));
		unsigned long sum = 0, v[6];
		struct kmm_machine *m;
		char err[256], *r, *line;

		kmm_desc_init(d);
		KT_EQ(kmm_desc_parse_e820(d, map, "hole.e820", err, sizeof(err)), 0);
		KT_EQ(kmm_desc_set_kver(d, c[i].ver), 0);
		m = boot_desc(d);
		free(d);
		KT_TRUE(m != NULL);
		if (!m)
			continue;
		r = machine_report(m, "pagetypeinfo");
		line = r ? strstr(r, "\nNode 0, zone    DMA32 ") : NULL;
		KT_TRUE(line != NULL);
		if (line) {
			int n = sscanf(line + 24, "%lu %lu %lu %lu %lu %lu", &v[0],
				       &v[1], &v[2], &v[3], &v[4], &v[5]);

			for (int k = 0; k < n; k++)
				sum += v[k];
		}
		KT_EQ(sum, c[i].blocks);
		free(r);
		kmm_machine_destroy(m);
	}
}

KT_TEST(pagetypeinfo_format_and_totals)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 2, NULL);
	static const char *const types[] = {
		"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA",
		"Isolate",
	};
	struct strbuf b = { calloc(1, 1), 0, 1 };
	unsigned long blocks_total = 0, blocks_want = 0;
	char *r, line[512];
	int n;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	r = machine_report(m, "pagetypeinfo");
	KT_TRUE(r != NULL);
	if (!r)
		goto out;

	/* Build the whole expected text from the machine's own state. */
	for (int nid = 0; nid < 2; nid++) {
		const char *hdr = "Page block order: 9\nPages per block:  512\n\n";

		sb_write(&b, hdr, strlen(hdr));
		n = snprintf(line, sizeof(line), "%-43s ",
			     "Free pages count per migrate type at order");
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			n += snprintf(line + n, sizeof(line) - n, "%6d ", o);
		snprintf(line + n, sizeof(line) - n, "\n");
		sb_write(&b, line, strlen(line));
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = Z(m, nid, z);

			if (!zone->present_pages)
				continue;
			for (int t = 0; t < MIGRATE_TYPES; t++) {
				if (!type_configured(m, t))
					continue;
				n = snprintf(line, sizeof(line),
					     "Node %4d, zone %8s, type %12s ",
					     nid, zone_names[z], types[t]);
				for (int o = 0; o < NR_PAGE_ORDERS; o++)
					n += snprintf(line + n, sizeof(line) - n,
						      "%6lu ",
						      list_len(&zone->free_area[o].free_list[t]));
				snprintf(line + n, sizeof(line) - n, "\n");
				sb_write(&b, line, strlen(line));
			}
		}
		n = snprintf(line, sizeof(line), "\n%-23s", "Number of blocks type ");
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (type_configured(m, t))
				n += snprintf(line + n, sizeof(line) - n, "%12s ",
					      types[t]);
		snprintf(line + n, sizeof(line) - n, "\n");
		sb_write(&b, line, strlen(line));
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = Z(m, nid, z);
			unsigned long cnt[MIGRATE_TYPES] = { 0 }, valid = 0;

			if (!zone->present_pages)
				continue;
			for (unsigned long pfn = zone->zone_start_pfn;
			     pfn < zone->zone_start_pfn + zone->spanned_pages;
			     pfn += 512) {
				if (!pfn_valid(pfn))
					continue;
				valid++;
				cnt[get_pageblock_migratetype(pfn_to_page(pfn))]++;
			}
			blocks_want += valid;
			n = snprintf(line, sizeof(line), "Node %d, zone %8s ",
				     nid, zone_names[z]);
			for (int t = 0; t < MIGRATE_TYPES; t++) {
				if (!type_configured(m, t))
					continue;
				n += snprintf(line + n, sizeof(line) - n, "%12lu ",
					      cnt[t]);
				blocks_total += cnt[t];
			}
			snprintf(line + n, sizeof(line) - n, "\n");
			sb_write(&b, line, strlen(line));
		}
	}
	KT_STREQ(r, b.s);
	/* Every valid pageblock of every zone span is counted once. */
	KT_EQ(blocks_total, blocks_want);
	/* 8 GiB over 2 nodes: pfns [1, 0xc0000) and [0x100000, 0x240000). */
	KT_EQ(blocks_want, DIV_ROUND_UP(0xc0000 - 1, 512) + (0x140000 / 512));
	/* No "mixed blocks" table without PAGE_OWNER. */
	KT_TRUE(strstr(r, "mixed") == NULL);
	/* Per zone, the free counts of all types add up to nr_free. */
	{
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = Z(m, 0, z);
			unsigned long sum = 0;

			if (!zone->present_pages)
				continue;
			for (int o = 0; o < NR_PAGE_ORDERS; o++)
				for (int t = 0; t < MIGRATE_TYPES; t++)
					sum += list_len(&zone->free_area[o].free_list[t]);
			{
				unsigned long bsum = 0;

				for (int o = 0; o < NR_PAGE_ORDERS; o++)
					bsum += zone->free_area[o].nr_free;
				KT_EQ(sum, bsum);
			}
		}
	}
	free(r);
out:
	free(b.s);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

static struct kmm_machine *boot_build(int migrate_types, bool zone_device)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	struct kmm_machine *m;
	char err[256];

	kmm_desc_init(d);
	KT_EQ(kmm_desc_compact(d, 2ULL << 30, 1, 1, err, sizeof(err)), 0);
	d->migrate_types = migrate_types;
	d->zone_device = zone_device;
	m = boot_desc(d);
	free(d);
	return m;
}

KT_TEST(build_with_cma)
{
	struct kmm_machine *m = boot_build(6, true);
	char *r;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	r = machine_report(m, "pagetypeinfo");
	KT_CONTAINS(r, ", type          CMA ");
	KT_CONTAINS(r, "\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic          CMA      Isolate \n");
	free(r);
	r = machine_report(m, "meminfo");
	KT_CONTAINS(r, "\nFilePmdMapped:         0 kB\nCmaTotal:              0 kB\n"
		    "CmaFree:               0 kB\nUnaccepted:            0 kB\n");
	free(r);
	r = machine_report(m, "vmstat");
	KT_CONTAINS(r, "\ncma_alloc_success 0\ncma_alloc_fail 0\n");
	KT_CONTAINS(r, "\npgalloc_device 0\n");
	free(r);
	r = machine_report(m, "zoneinfo");
	KT_CONTAINS(r, "zone   Device");
	KT_CONTAINS(r, "        protection: (0, ");
	free(r);
	kmm_machine_destroy(m);
}

KT_TEST(build_without_cma)
{
	/* MEMORY_ISOLATION only (Debian's amd64 config), no ZONE_DEVICE. */
	struct kmm_machine *m = boot_build(5, false);
	char *r;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	r = machine_report(m, "pagetypeinfo");
	KT_TRUE(strstr(r, ", type          CMA ") == NULL);
	KT_CONTAINS(r, ", type      Isolate ");
	KT_CONTAINS(r, "\nNumber of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n");
	free(r);
	r = machine_report(m, "meminfo");
	KT_TRUE(strstr(r, "CmaTotal") == NULL);
	free(r);
	r = machine_report(m, "vmstat");
	KT_TRUE(strstr(r, "cma_alloc_success") == NULL);
	KT_TRUE(strstr(r, "pgalloc_device") == NULL);
	KT_CONTAINS(r, "\nnr_free_cma 0\n");
	free(r);
	r = machine_report(m, "zoneinfo");
	KT_CONTAINS(r, "        protection: (");
	KT_TRUE(strstr(r, "zone   Device") == NULL);
	free(r);
	kmm_machine_destroy(m);
}

/* --- meminfo ------------------------------------------------------------------------ */

static const char *const meminfo_labels[] = {
	"MemTotal:       ", "MemFree:        ", "MemAvailable:   ",
	"Buffers:        ", "Cached:         ", "SwapCached:     ",
	"Active:         ", "Inactive:       ", "Active(anon):   ",
	"Inactive(anon): ", "Active(file):   ", "Inactive(file): ",
	"Unevictable:    ", "Mlocked:        ", "SwapTotal:      ",
	"SwapFree:       ", "Zswap:          ", "Zswapped:       ",
	"Dirty:          ", "Writeback:      ", "AnonPages:      ",
	"Mapped:         ", "Shmem:          ", "KReclaimable:   ",
	"Slab:           ", "SReclaimable:   ", "SUnreclaim:     ",
	"KernelStack:    ", "PageTables:     ", "SecPageTables:  ",
	"NFS_Unstable:   ", "Bounce:         ", "WritebackTmp:   ",
	"CommitLimit:    ", "Committed_AS:   ", "VmallocTotal:   ",
	"VmallocUsed:    ", "VmallocChunk:   ", "Percpu:         ",
	"HardwareCorrupted: ", "AnonHugePages:  ", "ShmemHugePages: ",
	"ShmemPmdMapped: ", "FileHugePages:  ", "FilePmdMapped:  ",
	"CmaTotal:       ", "CmaFree:        ", "Unaccepted:     ",
	"HugePages_Total:   ", "HugePages_Free:    ", "HugePages_Rsvd:    ",
	"HugePages_Surp:    ", "Hugepagesize:   ", "Hugetlb:        ",
	"DirectMap4k:    ", "DirectMap2M:    ", "DirectMap1G:    ",
};

KT_TEST(meminfo_lines_and_values)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 1, 2, NULL);
	char *r, line[256];
	unsigned long totalram;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	r = machine_report(m, "meminfo");
	KT_TRUE(r != NULL);
	if (!r)
		goto out;
	KT_EQ(nr_lines(r), ARRAY_SIZE(meminfo_labels) - (has_cma(m) ? 0 : 2));
	for (size_t i = 0, at = 0; i < ARRAY_SIZE(meminfo_labels); i++) {
		const char *l;
		size_t ll = strlen(meminfo_labels[i]);

		if (!has_cma(m) && !strncmp(meminfo_labels[i], "Cma", 3))
			continue;
		l = nth_line(r, (int)at++, line, sizeof(line));

		KT_TRUE(l != NULL);
		if (!l)
			break;
		if (strncmp(l, meminfo_labels[i], ll))
			KT_FAIL("line %zu: \"%s\", want label \"%s\"", i, l,
				meminfo_labels[i]);
		/* "%8lu kB" (HugePages_*: "%5lu") right after the label. */
		if (!strncmp(l, "HugePages_", 10))
			KT_EQ(strlen(l), ll + 5);
		else if (!strncmp(l, "HardwareCorrupted", 17))
			KT_STREQ(l + ll, "    0 kB");
		else if (strlen(l) - ll < 11)
			KT_EQ(strlen(l), ll + 8 + 3);
		KT_TRUE(l[strlen(l) - 1] != ' ');
	}
	totalram = (unsigned long)atomic_load(&m->totalram);
	KT_EQ(value_of(r, "MemTotal:"), PAGES_KB(totalram));
	KT_TRUE(value_of(r, "MemFree:") <= (long long)PAGES_KB(totalram));
	KT_TRUE(value_of(r, "MemAvailable:") <= value_of(r, "MemFree:"));
	/* overcommit_ratio 50, no swap. */
	KT_EQ(value_of(r, "CommitLimit:"), PAGES_KB(totalram * 50 / 100));
	KT_CONTAINS(r, "\nVmallocTotal:   34359738367 kB\n");
	KT_CONTAINS(r, "\nHugepagesize:       2048 kB\nHugetlb:               0 kB\n");
	KT_CONTAINS(r, "\nHugePages_Total:       0\n");
	/*
	 * The direct map of this PC (RAM [4K, 0x9fc00), [1M, 3G),
	 * [4G, 9G)), as init_mem_mapping() counts it:
	 *  - ISA [0, 1M): 256 4K pages.
	 *  - top-down from 9G: [9G-2M, 9G) is in a gigabyte that is all RAM,
	 *    so its 2M range becomes 1G: the 1G page at 8G (1).
	 *  - step 512M: [8.5G, 9G-2M) reaches the same 1G page again (2).
	 *  - step 128G: [1M, 3G): [1M, 2M) 4K (256 more: [0, 2M) is not all
	 *    RAM), [2M, 1G) 2M (511), [1G, 3G) 1G (2); [4G, 8.5G): 1G pages
	 *    at 4G..7G (4) and the one at 8G a third time (1).
	 * 4K: 512 pages = 2048 kB; 2M: 511 = 1046528 kB; 1G: 9 = 9437184 kB.
	 */
	KT_CONTAINS(r, "\nDirectMap4k:        2048 kB\n"
		    "DirectMap2M:     1046528 kB\n"
		    "DirectMap1G:     9437184 kB\n");
	free(r);
out:
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(meminfo_direct_map_with_debug_pagealloc)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 1, 1,
					     "debug_pagealloc=on");
	char *r;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	r = machine_report(m, "meminfo");
	/*
	 * 4K pages only: the ISA MiB (1024 kB) plus the RAM from 1 MiB:
	 * (3G - 1M) + 5G = 8388608 - 1024 kB; no DirectMap1G line.
	 */
	KT_CONTAINS(r, "\nDirectMap4k:     8388608 kB\nDirectMap2M:           0 kB\n");
	KT_TRUE(strstr(r, "DirectMap1G") == NULL);
	free(r);
	kmm_machine_destroy(m);
}

/*
 * nogbpages: no "Using GB pages" line, no 1 GiB mappings and no
 * DirectMap1G line; RAM from 2 MiB up is mapped with 2 MiB pages:
 * 8G - 2M = 4095 of them.  gbpages later on the line turns it back on.
 */
KT_TEST(meminfo_direct_map_nogbpages)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 1, 1, "nogbpages");
	char *r, *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_TRUE(strstr(log, "Using GB pages") == NULL);
	KT_TRUE(strstr(log, "Unknown kernel command line") == NULL);
	free(log);
	r = machine_report(m, "meminfo");
	KT_CONTAINS(r, "\nDirectMap4k:        2048 kB\nDirectMap2M:     8386560 kB\n");
	KT_TRUE(strstr(r, "DirectMap1G") == NULL);
	free(r);
	kmm_machine_destroy(m);

	m = boot_compact(8ULL << 30, 1, 1, "nogbpages gbpages");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nlast_pfn = 0xc0000 max_arch_pfn = 0x400000000\nUsing GB pages for direct mapping\n");
	free(log);
	r = machine_report(m, "meminfo");
	KT_CONTAINS(r, "\nDirectMap1G:     9437184 kB\n");
	free(r);
	kmm_machine_destroy(m);
}

KT_TEST(meminfo_direct_map_two_nodes_same_as_one)
{
	/* NUMA splits memblock at node boundaries later; the map is built before. */
	struct kmm_machine *m1 = boot_compact(64ULL << 30, 1, 2, NULL);
	struct kmm_machine *m2 = boot_compact(64ULL << 30, 4, 2, NULL);
	char *r1, *r2;

	KT_TRUE(m1 && m2);
	if (!m1 || !m2)
		return;
	r1 = machine_report(m1, "meminfo");
	r2 = machine_report(m2, "meminfo");
	KT_STREQ(strstr(r2, "DirectMap4k"), strstr(r1, "DirectMap4k"));
	/* [1G, 3G) and [4G, 64G): 62 1G pages; the one at 64G three times. */
	KT_CONTAINS(r1, "DirectMap1G:    68157440 kB\n");
	free(r1);
	free(r2);
	kmm_machine_destroy(m1);
	kmm_machine_destroy(m2);
}

/* --- vmstat ------------------------------------------------------------------------- */

KT_TEST(vmstat_names_and_order)
{
	struct kmm_machine *m = boot_compact(2ULL << 30, 1, 1, NULL);
	char *r, line[128];
	int events;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* With ZONE_DEVICE all events print; cma_alloc_* need CMA. */
	events = NR_VM_EVENT_ITEMS - (has_cma(m) ? 0 : 2);
	r = machine_report(m, "vmstat");
	KT_TRUE(r != NULL);
	if (!r)
		goto out;
	KT_EQ(nr_lines(r), NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS +
	      NR_VM_NODE_STAT_ITEMS + 4 + events + 1);
	KT_TRUE(!strncmp(r, "nr_free_pages ", 14));
	KT_TRUE(!strncmp(nth_line(r, NR_VM_ZONE_STAT_ITEMS, line, sizeof(line)),
			 "numa_hit ", 9));
	KT_STREQ(nth_line(r, NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS,
			  line, sizeof(line)), "nr_inactive_anon 0");
	KT_TRUE(!strncmp(nth_line(r, NR_VM_ZONE_STAT_ITEMS +
				  NR_VM_NUMA_EVENT_ITEMS + NR_VM_NODE_STAT_ITEMS,
				  line, sizeof(line)), "nr_dirty_threshold ", 19));
	KT_STREQ(nth_line(r, NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS +
			  NR_VM_NODE_STAT_ITEMS + 4, line, sizeof(line)),
		 "pgpgin 0");
	/* vmstat_text spellings that differ from the enum names. */
	KT_CONTAINS(r, "\npgalloc_dma32 ");
	KT_CONTAINS(r, "\npgalloc_device 0\nallocstall_dma 0\n");
	KT_CONTAINS(r, "\npgskip_dma 0\npgskip_dma32 0\npgskip_normal 0\npgskip_movable 0\npgskip_device 0\npgfree ");
	KT_CONTAINS(r, "\nzone_reclaim_success 0\nzone_reclaim_failed 0\n");
	KT_CONTAINS(r, "\nnuma_pages_migrated 0\n");
	KT_CONTAINS(r, "\ncompact_daemon_wake 0\n");
	KT_CONTAINS(r, "\nhtlb_buddy_alloc_success 0\n");
	KT_CONTAINS(r, "\nunevictable_pgs_culled 0\n");
	KT_CONTAINS(r, "\nthp_scan_exceed_share_pte 0\nthp_split_pud 0\n");
	if (has_cma(m))
		KT_CONTAINS(r, "\nhtlb_buddy_alloc_fail 0\ncma_alloc_success 0\ncma_alloc_fail 0\nunevictable_pgs_culled 0\n");
	else
		KT_CONTAINS(r, "\nhtlb_buddy_alloc_fail 0\nunevictable_pgs_culled 0\n");
	KT_CONTAINS(r, "\nballoon_migrate 0\nswap_ra 0\n");
	KT_CONTAINS(r, "\ndirect_map_level2_splits 0\ndirect_map_level3_splits 0\nnr_unstable 0\n");
	/* 2 GiB: RAM [4K, 0x9fc00) + [1M, 2G) lies in 16 sections. */
	KT_CONTAINS(r, "\nnr_memmap_pages 0\nnr_memmap_boot_pages 8192\n");
	/* nr_free_pages equals the zones' counters summed. */
	{
		unsigned long sum = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += (unsigned long)atomic_load(&Z(m, 0, z)->vm_stat[NR_FREE_PAGES]);
		KT_EQ(value_of(r, "nr_free_pages "), sum);
	}
	KT_EQ(kmm_report(m, "nosuch", NULL), -ENOENT);
	free(r);
out:
	kmm_machine_destroy(m);
}

/* --- zoneinfo ------------------------------------------------------------------------- */

KT_TEST(zoneinfo_reads_the_zone)
{
	struct kmm_machine *m = boot_compact(4ULL << 30, 1, 2, NULL);
	struct zone *z;
	char *r, want[512], prot[128];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	z = Z(m, 0, ZONE_DMA32);
	r = machine_report(m, "zoneinfo");
	KT_TRUE(r != NULL);
	if (!r)
		goto out;
	snprintf(want, sizeof(want),
		 "\n        min      %lu\n        low      %lu\n        high     %lu\n"
		 "        promo    %lu\n        spanned  %lu\n        present  %lu\n"
		 "        managed  %lu\n        cma      %lu\n"
		 "        protection: (%s)\n",
		 z->_watermark[WMARK_MIN] + z->watermark_boost,
		 z->_watermark[WMARK_LOW] + z->watermark_boost,
		 z->_watermark[WMARK_HIGH] + z->watermark_boost,
		 z->_watermark[WMARK_PROMO] + z->watermark_boost,
		 z->spanned_pages, z->present_pages,
		 (unsigned long)atomic_load(&z->managed_pages), z->cma_pages,
		 reserves(m, z, ", ", prot, sizeof(prot)));
	KT_CONTAINS(r, want);
	/* Per CPU: the real pageset once set up, else the boot one. */
	for (int cpu = 0; cpu < 2; cpu++) {
		int count = 0, high = 0, batch = 1;

		if (!m->pcp_not_ready && z->per_cpu_pageset) {
			count = z->per_cpu_pageset[cpu].count;
			high = z->per_cpu_pageset[cpu].high;
			batch = z->per_cpu_pageset[cpu].batch;
		}
		snprintf(want, sizeof(want),
			 "\n    cpu: %d\n              count: %d\n              high:  %d\n"
			 "              batch: %d\n  vm stats threshold: %d\n",
			 cpu, count, high, batch, z->stat_threshold);
		KT_CONTAINS(r, want);
	}
	snprintf(want, sizeof(want), "\n  node_unreclaimable:  0\n  start_pfn:           %lu\n",
		 z->zone_start_pfn);
	KT_CONTAINS(r, want);
	KT_CONTAINS(r, "\n      nr_free_cma  0\n      nr_unaccepted 0\n      numa_hit     ");
	KT_CONTAINS(r, "\n      nr_anon_transparent_hugepages 0\n");
	/* Every zone of the node is printed, populated or not. */
	KT_EQ(count_lines(r, "Node 0, zone "), nr_zones(m));
	free(r);
out:
	kmm_machine_destroy(m);
}

KT_TEST(zoneinfo_thp_items_in_huge_pages)
{
	struct kmm_machine *m = boot_compact(2ULL << 30, 1, 1, NULL);
	char *r;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	__mod_node_page_state(m->node_data[0], NR_ANON_THPS, 3 * 512);
	__mod_node_page_state(m->node_data[0], NR_KERNEL_STACK_KB, 48);
	r = machine_report(m, "zoneinfo");
	KT_CONTAINS(r, "\n      nr_anon_transparent_hugepages 3\n");
	KT_CONTAINS(r, "\n      nr_kernel_stack 48\n");
	free(r);
	r = machine_report(m, "vmstat");
	KT_CONTAINS(r, "\nnr_anon_transparent_hugepages 3\n");
	free(r);
	r = machine_report(m, "meminfo");
	KT_CONTAINS(r, "\nAnonHugePages:      6144 kB\n");
	KT_CONTAINS(r, "\nKernelStack:          48 kB\n");
	free(r);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* --- %pGg ------------------------------------------------------------------------------ */

KT_TEST(gfp_flag_names)
{
	static const struct {
		gfp_t gfp;
		const char *text;
	} cases[] = {
		{ 0, "" },
		{ 0xcc0, "GFP_KERNEL" },
		{ 0x2cc0, "GFP_KERNEL|__GFP_NOWARN" },
		{ 0x820, "GFP_ATOMIC" },	/* 6.3+: no __GFP_ATOMIC */
		{ 0xa20, "GFP_ATOMIC|0x200" },	/* 6.1's GFP_ATOMIC */
		{ 0x2800, "GFP_NOWAIT" },
		{ 0x400cc0, "GFP_KERNEL_ACCOUNT" },
		{ 0xdc0, "GFP_KERNEL|__GFP_ZERO" },
		{ 0x100cc0, "GFP_USER" },
		{ 0x100cca, "GFP_HIGHUSER_MOVABLE" },
		{ 0x100dca, "GFP_HIGHUSER_MOVABLE|__GFP_ZERO" },
		{ 0x1400, "__GFP_WRITE|__GFP_DIRECT_RECLAIM" },
		{ 0x140dca, "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO" },
		{ 0x1c20ca, "GFP_TRANSHUGE_LIGHT" },
		{ 0x1c24ca, "GFP_TRANSHUGE" },
		{ 0x3c20ca, "GFP_TRANSHUGE_LIGHT|__GFP_THISNODE" },
		{ 0x3c24ca, "GFP_TRANSHUGE|__GFP_THISNODE" },
		{ 0xc00, "GFP_NOIO" },
		{ 0x8c00, "GFP_NOIO|__GFP_NOFAIL" },
		{ 0x800, "__GFP_KSWAPD_RECLAIM" },
		{ 0xc40, "GFP_NOFS" },
		{ 0x1, "GFP_DMA" },
		{ 0xcc1, "GFP_KERNEL|GFP_DMA" },
		{ 0xcc4, "GFP_KERNEL|GFP_DMA32" },
		{ 0x10, "__GFP_RECLAIMABLE" },
		{ 0x52dc0, "GFP_KERNEL|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_ZERO" },
		{ 0x1000cc0, "GFP_KERNEL|0x1000000" },
		{ 0x3000000, "0x3000000" },
		{ 0x8c40, "GFP_NOFS|__GFP_NOFAIL" },
		{ 0x800000, "__GFP_ZEROTAGS" },
	};
	char buf[256], small[8];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int n = kmm_format_gfp(cases[i].gfp, buf, sizeof(buf));

		KT_STREQ(buf, cases[i].text);
		KT_EQ(n, strlen(cases[i].text));
	}
	/* Truncation keeps a terminated prefix and reports the full length. */
	KT_EQ(kmm_format_gfp(0x2cc0, small, sizeof(small)), 23);
	KT_STREQ(small, "GFP_KER");
}

/* --- show_mem and warn_alloc ------------------------------------------------------ */

/* The log from the first line starting with @start, malloc'ed. */
static char *log_from(struct kmm_machine *m, const char *start)
{
	char *log = machine_log(m), *p = log, *r = NULL;
	size_t l = strlen(start);

	while (p && *p) {
		if (!strncmp(p, start, l)) {
			r = strdup(p);
			break;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	free(log);
	return r;
}

KT_TEST(show_mem_report)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 2, NULL);
	unsigned long present = 0, managed = 0;
	char *r, want[256], line[1024];

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	show_mem();
	r = log_from(m, "Mem-Info:");
	KT_TRUE(r != NULL);
	if (!r)
		goto out;
	{
		const char *head = "Mem-Info:\nactive_anon:0 inactive_anon:0 isolated_anon:0\n"
				   " active_file:0 inactive_file:0 isolated_file:0\n"
				   " unevictable:0 dirty:0 writeback:0\n"
				   " slab_reclaimable:";

		KT_TRUE(!strncmp(r, head, strlen(head)));
		KT_CONTAINS(r, " slab_unreclaimable:");
		KT_CONTAINS(r, "\n mapped:0 shmem:0 pagetables:0\n sec_pagetables:0 bounce:0\n"
			    " kernel_misc_reclaimable:0\n free:");
	}
	KT_CONTAINS(r, "\nNode 0 active_anon:0kB inactive_anon:0kB active_file:0kB"
		    " inactive_file:0kB unevictable:0kB isolated(anon):0kB"
		    " isolated(file):0kB mapped:0kB dirty:0kB writeback:0kB"
		    " shmem:0kB shmem_thp:0kB shmem_pmdmapped:0kB anon_thp:0kB"
		    " writeback_tmp:0kB kernel_stack:0kB pagetables:0kB"
		    " sec_pagetables:0kB all_unreclaimable? no\n");
	KT_CONTAINS(r, "\nNode 1 active_anon:0kB ");
	for (int nid = 0; nid < 2; nid++) {
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = Z(m, nid, zi);
			unsigned long total = 0;
			int n;

			if (!z->present_pages)
				continue;
			present += z->present_pages;
			managed += (unsigned long)atomic_load(&z->managed_pages);
			snprintf(want, sizeof(want), "\nNode %d %s free:", nid,
				 zone_names[zi]);
			KT_CONTAINS(r, want);
			snprintf(want, sizeof(want),
				 " present:%lukB managed:%lukB mlocked:0kB bounce:0kB free_pcp:",
				 PAGES_KB(z->present_pages),
				 PAGES_KB(atomic_load(&z->managed_pages)));
			KT_CONTAINS(r, want);
			{
				char res[128];

				snprintf(want, sizeof(want), "\nlowmem_reserve[]: %s\n",
					 reserves(m, z, " ", res, sizeof(res)));
			}
			KT_CONTAINS(r, want);
			/* The free-area line, rebuilt from the free lists. */
			n = snprintf(line, sizeof(line), "\nNode %d %s: ", nid,
				     zone_names[zi]);
			for (int o = 0; o < NR_PAGE_ORDERS; o++) {
				unsigned long nr = z->free_area[o].nr_free;

				n += snprintf(line + n, sizeof(line) - n,
					      "%lu*%lukB ", nr, 4UL << o);
				total += nr << o;
				if (!nr)
					continue;
				line[n++] = '(';
				for (int t = 0; t < MIGRATE_TYPES; t++)
					if (z->free_area[o].free_list[t].next !=
					    &z->free_area[o].free_list[t])
						line[n++] = "UMEHCI"[t];
				n += snprintf(line + n, sizeof(line) - n, ") ");
			}
			snprintf(line + n, sizeof(line) - n, "= %lukB\n",
				 PAGES_KB(total));
			KT_CONTAINS(r, line);
		}
	}
	KT_CONTAINS(r, "\nNode 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=1048576kB\n"
		    "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB\n"
		    "Node 1 hugepages_total=0");
	KT_CONTAINS(r, "\n0 total pagecache pages\n0 pages in swap cache\n"
		    "Free swap  = 0kB\nTotal swap = 0kB\n");
	if (has_cma(m))
		snprintf(want, sizeof(want),
			 "\n%lu pages RAM\n0 pages HighMem/MovableOnly\n%lu pages reserved\n"
			 "%lu pages cma reserved\n0 pages hwpoisoned\n",
			 present, present - managed, m->totalcma_pages);
	else
		snprintf(want, sizeof(want),
			 "\n%lu pages RAM\n0 pages HighMem/MovableOnly\n%lu pages reserved\n"
			 "0 pages hwpoisoned\n", present, present - managed);
	KT_CONTAINS(r, want);
	/* 8 GiB less the first page and the 0x9f000-0x100000 hole. */
	KT_EQ(present, (8UL << 18) - 1 - 97);
	free(r);
out:
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* lib/ratelimit.c: bursts, windows, the suppressed count, jiffies. */
KT_TEST(ratelimit_windows)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 1, NULL);
	struct ratelimit_state rs = RATELIMIT_STATE_INIT(5 * HZ, 3);
	unsigned long j0, j1;
	size_t mark;
	char *log;
	int ok = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	j0 = kmm_jiffies();
	KT_TRUE(j0 >= INITIAL_JIFFIES);
	usleep(20000);
	j1 = kmm_jiffies();
	/* 20 ms is 5 ticks at HZ = 250. */
	KT_TRUE(j1 - j0 >= 5 && j1 - j0 < 5 * HZ);

	mark = log_mark(m);
	for (int i = 0; i < 5; i++)
		ok += ___ratelimit(&rs, "rl_test");
	KT_EQ(ok, 3);
	KT_EQ(rs.missed, 2);
	KT_EQ(rs.printed, 3);
	log = log_since(m, mark);
	KT_STREQ(log, "");
	free(log);
	/* The window ends: the count is said, and the budget is back. */
	ratelimit_expire(&rs);
	mark = log_mark(m);
	KT_EQ(___ratelimit(&rs, "rl_test"), 1);
	log = log_since(m, mark);
	KT_STREQ(log, "rl_test: 2 callbacks suppressed\n");
	free(log);
	KT_EQ(rs.missed, 0);
	KT_EQ(rs.printed, 1);
	/* RATELIMIT_MSG_ON_RELEASE: the count is kept, nothing printed. */
	rs.flags = RATELIMIT_MSG_ON_RELEASE;
	ok = 0;
	for (int i = 0; i < 4; i++)
		ok += ___ratelimit(&rs, "rl_test");
	KT_EQ(ok, 2);
	ratelimit_expire(&rs);
	mark = log_mark(m);
	KT_EQ(___ratelimit(&rs, "rl_test"), 1);
	log = log_since(m, mark);
	KT_STREQ(log, "");
	free(log);
	KT_EQ(rs.missed, 2);
	/* No interval: no limit; no burst: nothing gets through. */
	ratelimit_state_init(&rs, 0, 0);
	for (int i = 0; i < 100; i++)
		KT_EQ(___ratelimit(&rs, "rl_test"), 1);
	ratelimit_state_init(&rs, HZ, 0);
	KT_EQ(___ratelimit(&rs, "rl_test"), 0);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(warn_alloc_report)
{
	struct kmm_machine *m = boot_compact(8ULL << 30, 2, 2, NULL);
	nodemask_t mask;
	char *r, *log;
	size_t mark;
	int before;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_STREQ(kmm_task_name(), "kmm");

	/* __GFP_NOWARN: nothing at all. */
	log = machine_log(m);
	before = nr_lines(log);
	free(log);
	warn_alloc(GFP_KERNEL | __GFP_NOWARN, NULL, "page allocation failure: order:%u", 3);
	log = machine_log(m);
	KT_EQ(nr_lines(log), before);
	free(log);

	warn_alloc(GFP_KERNEL, NULL, "page allocation failure: order:%u", 3);
	r = log_from(m, "kmm: page allocation failure");
	KT_TRUE(r != NULL);
	{
		const char *head = "kmm: page allocation failure: order:3, mode:0xcc0(GFP_KERNEL),"
				   " nodemask=(null),cpuset=/,mems_allowed=0-1\nCPU: ";

		KT_TRUE(r && !strncmp(r, head, strlen(head)));
	}
	KT_CONTAINS(r, " UID: 0 PID: 1 Comm: kmm Not tainted 6.12.0-kmm #1 \nCall Trace:\n <TASK>\n </TASK>\nMem-Info:\n");
	KT_CONTAINS(r, "\nNode 1 Normal: ");
	free(r);

	/*
	 * Linux's nopage_rs lets one report through in 10 seconds: the next
	 * is counted, and said when the window has passed.
	 */
	mark = log_mark(m);
	warn_alloc(GFP_KERNEL, NULL, "page allocation failure: order:%u", 1);
	r = log_since(m, mark);
	KT_STREQ(r, "");
	free(r);
	ratelimit_expire(&m->nopage_rs);
	mark = log_mark(m);
	warn_alloc(GFP_KERNEL, NULL, "page allocation failure: order:%u", 2);
	r = log_since(m, mark);
	KT_TRUE(!strncmp(r, "warn_alloc: 1 callbacks suppressed\n"
			    "kmm: page allocation failure: order:2,",
			 strlen("warn_alloc: 1 callbacks suppressed\n"
				"kmm: page allocation failure: order:2,")));
	free(r);

	/* A named task, a nodemask, and a zone limit: DMA32 and below. */
	ratelimit_expire(&m->nopage_rs);
	kmm_set_task_name("stress-ng-vm-worker");
	memset(&mask, 0, sizeof(mask));
	node_set(1, &mask);
	warn_alloc(GFP_KERNEL | __GFP_DMA32, &mask, "vmalloc error: size %lu", 4096UL);
	r = log_from(m, "stress-ng-vm-wo: vmalloc error");
	KT_TRUE(r != NULL);
	{
		const char *head = "stress-ng-vm-wo: vmalloc error: size 4096,"
				   " mode:0xcc4(GFP_KERNEL|GFP_DMA32), nodemask=1,cpuset=/,";

		KT_TRUE(r && !strncmp(r, head, strlen(head)));
	}
	KT_CONTAINS(r, " Comm: stress-ng-vm-wo ");
	/* Filtered to node 1, which has no zone at or below DMA32. */
	KT_TRUE(r && !strstr(r, "\nNode 0 DMA32 free:"));
	KT_TRUE(r && !strstr(r, "\nNode 1 Normal free:"));
	KT_TRUE(r && !strstr(r, "\nNode 0 active_anon:"));
	KT_CONTAINS(r, "\nNode 1 hugepages_total=0");
	KT_TRUE(r && !strstr(r, "\nNode 0 hugepages_total=0"));
	free(r);

	/* GFP_ATOMIC cannot reclaim directly: no node filter. */
	kmm_set_task_name(NULL);
	ratelimit_expire(&m->nopage_rs);
	warn_alloc(GFP_ATOMIC | __GFP_DMA32, &mask, "page allocation failure: order:%u", 0);
	r = log_from(m, "kmm: page allocation failure: order:0, mode:0x824(GFP_ATOMIC|GFP_DMA32), nodemask=1,");
	KT_TRUE(r != NULL);
	KT_CONTAINS(r, "\nNode 0 DMA free:");
	KT_CONTAINS(r, "\nNode 0 DMA32 free:");
	KT_TRUE(r && !strstr(r, "\nNode 0 Normal free:"));
	free(r);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_MAIN()
