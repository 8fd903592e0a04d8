/* SPDX-License-Identifier: MIT */
/*
 * mm/show_mem.c - the memory report in the kernel log, the allocation
 * failure warning, %pGg and si_mem_available(), as Linux 6.12 prints them
 * (mm/show_mem.c, warn_alloc() in mm/page_alloc.c, lib/vsprintf.c's flag
 * printing, lib/dump_stack.c).
 *
 * What show_mem() prints, all at the default log level:
 *
 *	Mem-Info:
 *	active_anon:.. inactive_anon:.. isolated_anon:..	(global, pages)
 *	 active_file:.. ... free:.. free_pcp:.. free_cma:..	(7 more lines)
 *	Node N active_anon:..kB ... all_unreclaimable? no	(per node)
 *	Node N ZONE free:..kB boost:.. ... free_cma:..kB	(per zone)
 *	lowmem_reserve[]: a b c d e
 *	Node N ZONE: n*4kB (UM) n*8kB ... = ..kB		(per zone)
 *	Node N hugepages_total=0 ... hugepages_size=..kB	(per node, hstate)
 *	N total pagecache pages
 *	0 pages in swap cache / Free swap  = 0kB / Total swap = 0kB
 *	N pages RAM / 0 pages HighMem/MovableOnly / N pages reserved
 *	N pages cma reserved (CMA builds) / 0 pages hwpoisoned
 *
 * Zones are the populated zones of online nodes up to max_zone_idx (all
 * for show_mem, gfp_zone() of the failed request for warn_alloc); the
 * free-area line lists nr_free per order and, for non-empty orders, the
 * letters of the migrate types with a non-empty list (U M E H C I).  With
 * SHOW_MEM_FILTER_NODES, nodes outside the nodemask (or, with none, outside
 * the task's cpuset: every node with memory here) are left out.  The
 * hstates are the x86_64 ones of a CPU with 1 GiB pages: 1 GiB (registered
 * by the arch first), then the default 2 MiB; kmm has no huge pages, so
 * their counts are 0.  Each printed line is built whole and logged with
 * one printk(), so concurrent printers cannot split it (Linux prints the
 * "Node N " prefix and the rest with KERN_CONT; the log text is the same).
 *
 * warn_alloc() prints
 *	"<comm>: <message>, mode:<%#x>(<%pGg>), nodemask=<list or (null)>,
 *	 cpuset=/,mems_allowed=<nodes with memory>"
 * then dump_stack()'s header "CPU: c UID: 0 PID: p Comm: <comm> Not
 * tainted 6.12.0-kmm #1 " (Tainted: with B for bad pages and W for
 * warnings seen on the machine), an empty "Call Trace:" <TASK> block (kmm
 * has no unwinder) and the report, filtered to the request's nodemask
 * unless the request cannot reclaim directly.  As in Linux, one report
 * in 10 seconds gets through (the machine's nopage_rs, lib/ratelimit.c);
 * the first after a quiet window is preceded by "warn_alloc: N callbacks
 * suppressed".
 *
 * Task names: per thread; "swapper/0" (PID 0) while the current machine
 * boots, "kmm" (PID 1) after, or what kmm_set_task_name() set (PID 1).
 * The release is "<major>.<minor>.0" of the machine's Linux version.
 *
 * Differences from Linux: no stack frames; cpuset "/" always.
 *
 * Locking: counters are read without locks; each zone's lock is taken
 * while its free areas are read, so callers must not hold a zone lock.
 */
#include <kmm/machine.h>
#include <kmm/hugetlb.h>
#include <kmm/mm.h>
#include <kmm/gfp.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/numa.h>
#include <kmm/vmstat.h>
#include <kmm/show_mem.h>
#include <kmm/slab.h>

#define K(pages)		((pages) << (PAGE_SHIFT - 10))
#define TASK_COMM_LEN		16
#define MAX_RECLAIM_RETRIES	16
#define SHOW_LINE_MAX		1024

/* --- the task name --------------------------------------------------------- */

static _Thread_local char task_comm[TASK_COMM_LEN];
static _Thread_local bool task_comm_set;

void kmm_set_task_name(const char *name)
{
	if (!name) {
		task_comm_set = false;
		return;
	}
	kmm_strlcpy(task_comm, name, sizeof(task_comm));
	task_comm_set = true;
}

static bool task_is_swapper(void)
{
	struct kmm_machine *m = kmm_current();

	return !task_comm_set && m && !m->booted;
}

const char *kmm_task_name(void)
{
	if (task_comm_set)
		return task_comm;
	return task_is_swapper() ? "swapper/0" : "kmm";
}

/* --- %pGg --------------------------------------------------------------------- */

struct gfp_name {
	gfp_t mask;
	const char *name;
};

/* mmflags.h's order: composites with the most bits first, then single bits. */
static const struct gfp_name gfp_names[] = {
	{ GFP_TRANSHUGE,	"GFP_TRANSHUGE" },
	{ GFP_TRANSHUGE_LIGHT,	"GFP_TRANSHUGE_LIGHT" },
	{ GFP_HIGHUSER_MOVABLE,	"GFP_HIGHUSER_MOVABLE" },
	{ GFP_HIGHUSER,		"GFP_HIGHUSER" },
	{ GFP_USER,		"GFP_USER" },
	{ GFP_KERNEL_ACCOUNT,	"GFP_KERNEL_ACCOUNT" },
	{ GFP_KERNEL,		"GFP_KERNEL" },
	{ GFP_NOFS,		"GFP_NOFS" },
	{ GFP_ATOMIC,		"GFP_ATOMIC" },
	{ GFP_NOIO,		"GFP_NOIO" },
	{ GFP_NOWAIT,		"GFP_NOWAIT" },
	{ GFP_DMA,		"GFP_DMA" },
	{ __GFP_HIGHMEM,	"__GFP_HIGHMEM" },
	{ GFP_DMA32,		"GFP_DMA32" },
	{ __GFP_HIGH,		"__GFP_HIGH" },
	{ __GFP_IO,		"__GFP_IO" },
	{ __GFP_FS,		"__GFP_FS" },
	{ __GFP_NOWARN,		"__GFP_NOWARN" },
	{ __GFP_RETRY_MAYFAIL,	"__GFP_RETRY_MAYFAIL" },
	{ __GFP_NOFAIL,		"__GFP_NOFAIL" },
	{ __GFP_NORETRY,	"__GFP_NORETRY" },
	{ __GFP_COMP,		"__GFP_COMP" },
	{ __GFP_ZERO,		"__GFP_ZERO" },
	{ __GFP_NOMEMALLOC,	"__GFP_NOMEMALLOC" },
	{ __GFP_MEMALLOC,	"__GFP_MEMALLOC" },
	{ __GFP_HARDWALL,	"__GFP_HARDWALL" },
	{ __GFP_THISNODE,	"__GFP_THISNODE" },
	{ __GFP_RECLAIMABLE,	"__GFP_RECLAIMABLE" },
	{ __GFP_MOVABLE,	"__GFP_MOVABLE" },
	{ __GFP_ACCOUNT,	"__GFP_ACCOUNT" },
	{ __GFP_WRITE,		"__GFP_WRITE" },
	{ __GFP_RECLAIM,	"__GFP_RECLAIM" },
	{ __GFP_DIRECT_RECLAIM,	"__GFP_DIRECT_RECLAIM" },
	{ __GFP_KSWAPD_RECLAIM,	"__GFP_KSWAPD_RECLAIM" },
	{ __GFP_ZEROTAGS,	"__GFP_ZEROTAGS" },
};

/* Append @s at offset @at of @buf (size @len), keeping it NUL-terminated. */
static size_t put_str(char *buf, size_t len, size_t at, const char *s)
{
	size_t n = kmm_strlen(s);

	for (size_t i = 0; i < n; i++)
		if (at + i + 1 < len)
			buf[at + i] = s[i];
	if (len)
		buf[min(at + n, len - 1)] = '\0';
	return n;
}

int kmm_format_gfp(gfp_t gfp, char *buf, size_t len)
{
	unsigned long flags = gfp;
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; flags && i < ARRAY_SIZE(gfp_names); i++) {
		unsigned long mask = gfp_names[i].mask;

		if ((flags & mask) != mask)
			continue;
		n += put_str(buf, len, n, gfp_names[i].name);
		flags &= ~mask;
		if (flags)
			n += put_str(buf, len, n, "|");
	}
	if (flags) {
		char num[24];

		snprintf_k(num, sizeof(num), "%#lx", flags);
		n += put_str(buf, len, n, num);
	}
	return (int)n;
}

/* --- helpers -------------------------------------------------------------- */

static pg_data_t *online_pgdat(struct kmm_machine *m, int nid)
{
	pg_data_t *pgdat = m->node_data[nid];

	return pgdat && node_online(nid) ? pgdat : NULL;
}

static bool has_cma(struct kmm_machine *m)
{
	return m->desc.migrate_types >= 6;
}

static int nr_zones_configured(struct kmm_machine *m)
{
	return m->desc.zone_device ? MAX_NR_ZONES : MAX_NR_ZONES - 1;
}

static unsigned long pcp_count(struct kmm_machine *m, struct zone *zone,
			       int cpu)
{
	if (m->pcp_not_ready || !zone->per_cpu_pageset || cpu < 0 ||
	    cpu >= m->nr_cpus)
		return 0;
	return (unsigned long)__atomic_load_n(&zone->per_cpu_pageset[cpu].count,
					      __ATOMIC_RELAXED);
}

long si_mem_available(void)
{
	struct kmm_machine *m = kmm_current();
	unsigned long wmark_low = 0, pagecache, reclaimable;
	long available;

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			wmark_low += low_wmark_pages(&pgdat->node_zones[z]);
	}
	available = (long)global_zone_page_state(NR_FREE_PAGES) -
		    (long)m->totalreserve_pages;
	/* Half the page cache, or the low watermarks' worth, must stay. */
	pagecache = global_node_page_state(NR_ACTIVE_FILE) +
		    global_node_page_state(NR_INACTIVE_FILE);
	pagecache -= min(pagecache / 2, wmark_low);
	available += (long)pagecache;
	/* The same for reclaimable slab and other reclaimable kernel memory. */
	reclaimable = global_node_page_state(NR_SLAB_RECLAIMABLE_B) +
		      global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE);
	reclaimable -= min(reclaimable / 2, wmark_low);
	available += (long)reclaimable;
	return available < 0 ? 0 : available;
}

/* One log line, built piecewise and printed with a single printk(). */
struct show_line {
	char buf[SHOW_LINE_MAX];
	size_t len;
};

static void line_add(struct show_line *l, const char *fmt, ...) __printf(2, 3);
static void line_add(struct show_line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf_k(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = min(l->len + (size_t)n, sizeof(l->buf) - 1);
}

static void line_print(struct show_line *l)
{
	printk("%s\n", l->buf);
	l->len = 0;
	l->buf[0] = '\0';
}

/* "%*pbl" of a node mask: ranges "a-b" and single ids, comma-separated. */
static void nodelist(char *buf, size_t len, const nodemask_t *mask)
{
	size_t n = 0;
	int nid = 0;

	buf[0] = '\0';
	while (nid < KMM_MAX_NODES) {
		int end;

		if (!node_isset(nid, mask)) {
			nid++;
			continue;
		}
		for (end = nid; end + 1 < KMM_MAX_NODES &&
		     node_isset(end + 1, mask); end++)
			;
		if (n && n < len)
			n += (size_t)scnprintf(buf + n, len - n, ",");
		if (end == nid)
			n += (size_t)scnprintf(buf + n, len - n, "%d", nid);
		else
			n += (size_t)scnprintf(buf + n, len - n, "%d-%d", nid, end);
		nid = end + 1;
	}
}

static void memory_nodes(nodemask_t *mask)
{
	memset(mask, 0, sizeof(*mask));
	for (int nid = 0; nid < KMM_MAX_NODES; nid++)
		if (node_state(nid, N_MEMORY))
			node_set(nid, mask);
}

/* --- show_mem -------------------------------------------------------------- */

static bool show_mem_node_skip(unsigned int filter, int nid,
			       const nodemask_t *nodemask)
{
	if (!(filter & SHOW_MEM_FILTER_NODES))
		return false;
	/* No mask: the task's cpuset, which allows every node with memory. */
	if (!nodemask)
		return !node_state(nid, N_MEMORY);
	return !node_isset(nid, nodemask);
}

static bool node_has_managed_zones(pg_data_t *pgdat, int max_zone_idx)
{
	for (int z = 0; z <= max_zone_idx && z < MAX_NR_ZONES; z++)
		if (zone_managed_pages(&pgdat->node_zones[z]))
			return true;
	return false;
}

/* The populated zones show_free_areas() walks, in node and zone order. */
static struct zone *next_shown_zone(struct kmm_machine *m, struct zone *prev,
				    unsigned int filter,
				    const nodemask_t *nodemask, int max_zone_idx)
{
	int nid = prev ? prev->zone_pgdat->node_id : 0;
	int z = prev ? zone_idx(prev) + 1 : 0;

	for (; nid < KMM_MAX_NODES; nid++, z = 0) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (!pgdat)
			continue;
		for (; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone) || z > max_zone_idx ||
			    show_mem_node_skip(filter, nid, nodemask))
				continue;
			return zone;
		}
	}
	return NULL;
}

#define for_each_shown_zone(m, zone, filter, mask, max)			\
	for (zone = next_shown_zone(m, NULL, filter, mask, max); zone;	\
	     zone = next_shown_zone(m, zone, filter, mask, max))

static void show_node_stats(struct kmm_machine *m, pg_data_t *pgdat)
{
	struct show_line l = { .len = 0 };

#define NODE_KB(item)	K(node_page_state(pgdat, item))
	line_add(&l, "Node %d active_anon:%lukB inactive_anon:%lukB"
		 " active_file:%lukB inactive_file:%lukB unevictable:%lukB",
		 pgdat->node_id, NODE_KB(NR_ACTIVE_ANON),
		 NODE_KB(NR_INACTIVE_ANON), NODE_KB(NR_ACTIVE_FILE),
		 NODE_KB(NR_INACTIVE_FILE), NODE_KB(NR_UNEVICTABLE));
	line_add(&l, " isolated(anon):%lukB isolated(file):%lukB mapped:%lukB"
		 " dirty:%lukB writeback:%lukB shmem:%lukB",
		 NODE_KB(NR_ISOLATED_ANON), NODE_KB(NR_ISOLATED_FILE),
		 NODE_KB(NR_FILE_MAPPED), NODE_KB(NR_FILE_DIRTY),
		 NODE_KB(NR_WRITEBACK), NODE_KB(NR_SHMEM));
	line_add(&l, " shmem_thp:%lukB shmem_pmdmapped:%lukB anon_thp:%lukB",
		 NODE_KB(NR_SHMEM_THPS), NODE_KB(NR_SHMEM_PMDMAPPED),
		 NODE_KB(NR_ANON_THPS));
	line_add(&l, " writeback_tmp:%lukB kernel_stack:%lukB pagetables:%lukB"
		 " sec_pagetables:%lukB all_unreclaimable? %s",
		 NODE_KB(NR_WRITEBACK_TEMP),
		 node_page_state(pgdat, NR_KERNEL_STACK_KB),
		 NODE_KB(NR_PAGETABLE), NODE_KB(NR_SECONDARY_PAGETABLE),
		 pgdat->kswapd_failures >= MAX_RECLAIM_RETRIES ? "yes" : "no");
#undef NODE_KB
	line_print(&l);
}

static void show_zone_stats(struct kmm_machine *m, struct zone *zone)
{
	struct show_line l = { .len = 0 };
	unsigned long free_pcp = 0;
	int cpu = smp_processor_id();

	for (int c = 0; c < m->nr_cpus; c++)
		free_pcp += pcp_count(m, zone, c);

#define ZONE_KB(item)	K(zone_page_state(zone, item))
	line_add(&l, "Node %d %s free:%lukB boost:%lukB min:%lukB low:%lukB"
		 " high:%lukB reserved_highatomic:%luKB",
		 zone->zone_pgdat->node_id, zone_names[zone_idx(zone)],
		 ZONE_KB(NR_FREE_PAGES), K(zone->watermark_boost),
		 K(min_wmark_pages(zone)), K(low_wmark_pages(zone)),
		 K(high_wmark_pages(zone)), K(zone->nr_reserved_highatomic));
	line_add(&l, " active_anon:%lukB inactive_anon:%lukB active_file:%lukB"
		 " inactive_file:%lukB unevictable:%lukB writepending:%lukB",
		 ZONE_KB(NR_ZONE_ACTIVE_ANON), ZONE_KB(NR_ZONE_INACTIVE_ANON),
		 ZONE_KB(NR_ZONE_ACTIVE_FILE), ZONE_KB(NR_ZONE_INACTIVE_FILE),
		 ZONE_KB(NR_ZONE_UNEVICTABLE), ZONE_KB(NR_ZONE_WRITE_PENDING));
	line_add(&l, " present:%lukB managed:%lukB mlocked:%lukB bounce:%lukB"
		 " free_pcp:%lukB local_pcp:%ukB free_cma:%lukB",
		 K(zone->present_pages), K(zone_managed_pages(zone)),
		 ZONE_KB(NR_MLOCK), ZONE_KB(NR_BOUNCE), K(free_pcp),
		 (unsigned int)K(pcp_count(m, zone, cpu)),
		 ZONE_KB(NR_FREE_CMA_PAGES));
#undef ZONE_KB
	line_print(&l);

	line_add(&l, "lowmem_reserve[]:");
	for (int i = 0; i < nr_zones_configured(m); i++)
		line_add(&l, " %ld", zone->lowmem_reserve[i]);
	line_print(&l);
}

static void show_free_area(struct kmm_machine *m, struct zone *zone)
{
	static const char type_letter[MIGRATE_TYPES] = {
		[MIGRATE_UNMOVABLE] = 'U', [MIGRATE_MOVABLE] = 'M',
		[MIGRATE_RECLAIMABLE] = 'E', [MIGRATE_HIGHATOMIC] = 'H',
		[MIGRATE_CMA] = 'C', [MIGRATE_ISOLATE] = 'I',
	};
	unsigned long nr[NR_PAGE_ORDERS], total = 0;
	unsigned char types[NR_PAGE_ORDERS];
	struct show_line l = { .len = 0 };

	spin_lock(&zone->lock);
	for (int order = 0; order < NR_PAGE_ORDERS; order++) {
		struct free_area *area = &zone->free_area[order];

		nr[order] = area->nr_free;
		total += nr[order] << order;
		types[order] = 0;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (!list_empty(&area->free_list[t]))
				types[order] |= (unsigned char)(1u << t);
	}
	spin_unlock(&zone->lock);

	line_add(&l, "Node %d %s: ", zone->zone_pgdat->node_id,
		 zone_names[zone_idx(zone)]);
	for (int order = 0; order < NR_PAGE_ORDERS; order++) {
		char letters[MIGRATE_TYPES + 1];
		int n = 0;

		line_add(&l, "%lu*%lukB ", nr[order], K(1UL) << order);
		if (!nr[order])
			continue;
		for (int t = 0; t < MIGRATE_TYPES; t++)
			if (types[order] & (1u << t))
				letters[n++] = type_letter[t];
		letters[n] = '\0';
		line_add(&l, "(%s) ", letters);
	}
	line_add(&l, "= %lukB", K(total));
	line_print(&l);
}

static void show_free_areas(struct kmm_machine *m, unsigned int filter,
			    const nodemask_t *nodemask, int max_zone_idx)
{
	unsigned long free_pcp = 0;
	struct zone *zone;

	for_each_shown_zone(m, zone, filter, nodemask, max_zone_idx)
		for (int cpu = 0; cpu < m->nr_cpus; cpu++)
			free_pcp += pcp_count(m, zone, cpu);

	printk("active_anon:%lu inactive_anon:%lu isolated_anon:%lu\n"
	       " active_file:%lu inactive_file:%lu isolated_file:%lu\n"
	       " unevictable:%lu dirty:%lu writeback:%lu\n"
	       " slab_reclaimable:%lu slab_unreclaimable:%lu\n"
	       " mapped:%lu shmem:%lu pagetables:%lu\n"
	       " sec_pagetables:%lu bounce:%lu\n"
	       " kernel_misc_reclaimable:%lu\n"
	       " free:%lu free_pcp:%lu free_cma:%lu\n",
	       global_node_page_state(NR_ACTIVE_ANON),
	       global_node_page_state(NR_INACTIVE_ANON),
	       global_node_page_state(NR_ISOLATED_ANON),
	       global_node_page_state(NR_ACTIVE_FILE),
	       global_node_page_state(NR_INACTIVE_FILE),
	       global_node_page_state(NR_ISOLATED_FILE),
	       global_node_page_state(NR_UNEVICTABLE),
	       global_node_page_state(NR_FILE_DIRTY),
	       global_node_page_state(NR_WRITEBACK),
	       global_node_page_state(NR_SLAB_RECLAIMABLE_B),
	       global_node_page_state(NR_SLAB_UNRECLAIMABLE_B),
	       global_node_page_state(NR_FILE_MAPPED),
	       global_node_page_state(NR_SHMEM),
	       global_node_page_state(NR_PAGETABLE),
	       global_node_page_state(NR_SECONDARY_PAGETABLE),
	       global_zone_page_state(NR_BOUNCE),
	       global_node_page_state(NR_KERNEL_MISC_RECLAIMABLE),
	       global_zone_page_state(NR_FREE_PAGES),
	       free_pcp,
	       global_zone_page_state(NR_FREE_CMA_PAGES));

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (!pgdat || show_mem_node_skip(filter, nid, nodemask) ||
		    !node_has_managed_zones(pgdat, max_zone_idx))
			continue;
		show_node_stats(m, pgdat);
	}

	for_each_shown_zone(m, zone, filter, nodemask, max_zone_idx)
		show_zone_stats(m, zone);

	for_each_shown_zone(m, zone, filter, nodemask, max_zone_idx)
		show_free_area(m, zone);

	/* hugetlb_show_meminfo_node(): each hstate, in the order added. */
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		if (!online_pgdat(m, nid) ||
		    show_mem_node_skip(filter, nid, nodemask))
			continue;
		hugetlb_show_meminfo_node(m, nid);
	}

	printk("%ld total pagecache pages\n",
	       (long)global_node_page_state(NR_FILE_PAGES));

	/* show_swap_cache_info(), with no swap device. */
	printk("%lu pages in swap cache\n",
	       global_node_page_state(NR_SWAPCACHE));
	printk("Free swap  = %ldkB\n", 0L);
	printk("Total swap = %lukB\n", 0UL);
}

void __show_mem(unsigned int filter, const nodemask_t *nodemask,
		int max_zone_idx)
{
	struct kmm_machine *m = kmm_current();
	unsigned long total = 0, reserved = 0, highmem = 0;

	if (!m || !m->vmemmap_base)
		return;
	printk("Mem-Info:\n");
	show_free_areas(m, filter, nodemask, max_zone_idx);

	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (!pgdat)
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone))
				continue;
			total += zone->present_pages;
			reserved += zone->present_pages - zone_managed_pages(zone);
			/* x86_64 has no HighMem; Movable is not highmem there. */
		}
	}
	printk("%lu pages RAM\n", total);
	printk("%lu pages HighMem/MovableOnly\n", highmem);
	printk("%lu pages reserved\n", reserved);
	if (has_cma(m))
		printk("%lu pages cma reserved\n", m->totalcma_pages);
	printk("%lu pages hwpoisoned\n", 0UL);
}

void show_mem(void)
{
	__show_mem(0, NULL, MAX_NR_ZONES - 1);
}

/* --- warn_alloc ---------------------------------------------------------------- */

/* Linux's taint flags in order; kmm sets BAD_PAGE (5) and WARN (9). */
static const char taint_true[] = "PFSRMBUDAWCIOELKXTN";
static const char taint_false[] = "G                  ";

/*
 * print_tainted(): "Not tainted", or "Tainted: " and the flag letters -
 * B (TAINT_BAD_PAGE) once a bad page or a slab report that taints in Linux
 * (SLUB's object and slab errors, SLAB's slab_error) was printed, W once a
 * WARN fired; the others never apply here.
 */
static bool taint_bad_page(struct kmm_machine *m)
{
	return atomic_load(&m->bad_pages) > 0 || kmm_slab_tainted(m);
}

static bool taint_warn(struct kmm_machine *m)
{
	return atomic_load(&m->warn_count) > 0;
}

const char *print_tainted(char *buf, size_t len)
{
	struct kmm_machine *m = kmm_current();
	bool bad = taint_bad_page(m), warned = taint_warn(m);
	size_t n;

	if (!bad && !warned)
		return "Not tainted";
	n = (size_t)scnprintf(buf, len, "Tainted: ");
	for (size_t i = 0; i + 1 < sizeof(taint_true) && n + 1 < len; i++) {
		bool set = (i == 5 && bad) || (i == 9 && warned);

		buf[n++] = set ? taint_true[i] : taint_false[i];
	}
	buf[n] = '\0';
	return buf;
}

static void dump_stack_print(struct kmm_machine *m)
{
	bool bad = taint_bad_page(m), warned = taint_warn(m);
	char buf[48];
	const char *taint = print_tainted(buf, sizeof(buf));

	/*
	 * dump_stack_print_info(): "... Comm: %.20s %s%s %s %.*s %s": the
	 * taint, the release of the banner (6.12.0-kmm), the version's first
	 * word, and LINUX_PACKAGE_ID, empty for a build without a
	 * distributor (so the line ends in a space).
	 */
	printk("CPU: %d UID: %u PID: %d Comm: %.20s %s %d.%d.0-kmm #1 \n",
	       smp_processor_id(), 0u, task_is_swapper() ? 0 : 1,
	       kmm_task_name(), taint, m->kver / 100, m->kver % 100);
	if (bad || warned)
		printk("Tainted: %s%s%s\n", bad ? "[B]=BAD_PAGE" : "",
		       bad && warned ? ", " : "", warned ? "[W]=WARN" : "");
	printk("Call Trace:\n");
	printk(" <TASK>\n");
	printk(" </TASK>\n");
}

void dump_stack(void)
{
	struct kmm_machine *m = kmm_current();

	if (m)
		dump_stack_print(m);
}

static bool has_managed_dma(struct kmm_machine *m)
{
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		pg_data_t *pgdat = online_pgdat(m, nid);

		if (pgdat && managed_zone(&pgdat->node_zones[ZONE_DMA]))
			return true;
	}
	return false;
}

void warn_alloc(gfp_t gfp_mask, const nodemask_t *nodemask,
		const char *fmt, ...)
{
	struct kmm_machine *m = kmm_current();
	char msg[512], flags[512], nodes[256], mems[256];
	unsigned int filter = SHOW_MEM_FILTER_NODES;
	nodemask_t allowed;
	va_list ap;

	if (!m || (gfp_mask & __GFP_NOWARN) || !__ratelimit(&m->nopage_rs) ||
	    ((gfp_mask & __GFP_DMA) && !has_managed_dma(m)))
		return;
	va_start(ap, fmt);
	vsnprintf_k(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kmm_format_gfp(gfp_mask, flags, sizeof(flags));
	if (nodemask)
		nodelist(nodes, sizeof(nodes), nodemask);
	else
		kmm_strlcpy(nodes, "(null)", sizeof(nodes));
	memory_nodes(&allowed);
	nodelist(mems, sizeof(mems), &allowed);
	pr_warn("%s: %s, mode:%#x(%s), nodemask=%s,cpuset=/,mems_allowed=%s\n",
		kmm_task_name(), msg, gfp_mask, flags, nodes, mems);
	dump_stack_print(m);

	/* warn_alloc_show_mem(): no node filter unless it may reclaim. */
	if (!(gfp_mask & __GFP_DIRECT_RECLAIM))
		filter &= ~SHOW_MEM_FILTER_NODES;
	__show_mem(filter, nodemask, (int)gfp_zone(gfp_mask));
}
