/* SPDX-License-Identifier: MIT */
/*
 * mm/debug.c - kmm_mm_verify(): the invariant checker for a booted machine.
 *
 * What it checks (each failure is described in err, the first one wins):
 *
 *   memblock	both arrays sorted, non-overlapping, cnt <= max, no empty
 *		region except the <= 6.10 dummy
 *   nodes	zones nest inside their node's span, in zone order, without
 *		overlapping; Σ zone present == node present; present <=
 *		spanned; present == pages of memblock.memory inside the span
 *   memmap	every initialised struct page of memory names its node and the
 *		zone that spans it (pages of a pending deferred range are
 *		skipped); checks every pfn up to a budget, then samples evenly
 *   free lists	every block on free_area[o].free_list[t] is PageBuddy with
 *		order o, naturally aligned, inside its zone, not reserved,
 *		refcount 0, on exactly one list (no overlap with another
 *		block); nr_free matches each list; Σ free pages equals the
 *		zone's NR_FREE_PAGES counter; no two free buddies of the same
 *		order remain unmerged (within a pageblock-type-compatible pair)
 *
 *   pcp lists	every page on a CPU's lists is in the zone, aligned to its
 *		list's order, not PageBuddy, unreferenced; count matches
 *
 * It reads the machine without locks: call it while nothing runs on it.
 * Cost is linear in the free blocks plus the budgeted memmap walk.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/memblock.h>
#include <kmm/gfp.h>
#include <kmm/numa.h>

#define PAGE_TYPE_BUDDY		0xf0000000u
#define MEMMAP_BUDGET		(1UL << 22)


static int fail(char *err, size_t len, const char *fmt, ...) __printf(3, 4);
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf_k(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int check_type(struct memblock_type *t, bool dummy_ok, char *err,
		      size_t len)
{
	if (t->cnt > t->max)
		return fail(err, len, "memblock.%s: cnt %lu > max %lu", t->name,
			    t->cnt, t->max);
	for (unsigned long i = 0; i < t->cnt; i++) {
		struct memblock_region *r = &t->regions[i];

		if (!r->size && !(dummy_ok && t->cnt == 1))
			return fail(err, len, "memblock.%s[%lu] is empty",
				    t->name, i);
		if (i && r->base < t->regions[i - 1].base +
				   t->regions[i - 1].size)
			return fail(err, len, "memblock.%s[%lu] at %#llx overlaps or is out of order",
				    t->name, i, (unsigned long long)r->base);
	}
	return 0;
}

static unsigned long memory_pages_in(unsigned long s, unsigned long e, int nid)
{
	unsigned long n = 0, rs, re;
	int i;

	for_each_mem_pfn_range(i, nid, &rs, &re, NULL) {
		rs = clamp(rs, s, e);
		re = clamp(re, s, e);
		n += re - rs;
	}
	return n;
}

static int check_node(struct kmm_machine *m, pg_data_t *p, char *err,
		      size_t len)
{
	unsigned long present = 0, prev_end = p->node_start_pfn;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &p->node_zones[z];

		if (!zone->spanned_pages)
			continue;
		if (zone->present_pages > zone->spanned_pages)
			return fail(err, len, "node %d zone %s: present %lu > spanned %lu",
				    p->node_id, zone_names[z],
				    zone->present_pages, zone->spanned_pages);
		if (zone->zone_start_pfn < p->node_start_pfn ||
		    zone_end_pfn(zone) > pgdat_end_pfn(p))
			return fail(err, len, "node %d zone %s [%#lx-%#lx) outside the node",
				    p->node_id, zone_names[z],
				    zone->zone_start_pfn, zone_end_pfn(zone));
		if (!m->params.mirrored_kernelcore &&
		    zone->zone_start_pfn < prev_end && z != 0)
			return fail(err, len, "node %d zone %s overlaps the zone below",
				    p->node_id, zone_names[z]);
		prev_end = zone_end_pfn(zone);
		if (!m->params.mirrored_kernelcore &&
		    memory_pages_in(zone->zone_start_pfn, zone_end_pfn(zone),
				    p->node_id) != zone->present_pages)
			return fail(err, len, "node %d zone %s: present %lu but memblock has %lu",
				    p->node_id, zone_names[z],
				    zone->present_pages,
				    memory_pages_in(zone->zone_start_pfn,
						    zone_end_pfn(zone),
						    p->node_id));
		present += zone->present_pages;
	}
	if (present != p->node_present_pages)
		return fail(err, len, "node %d: zones present %lu != node present %lu",
			    p->node_id, present, p->node_present_pages);
	return 0;
}

static struct zone *zone_of(pg_data_t *p, unsigned long pfn)
{
	for (int z = MAX_NR_ZONES - 1; z >= 0; z--)
		if (zone_spans_pfn(&p->node_zones[z], pfn))
			return &p->node_zones[z];
	return NULL;
}

static int check_memmap(struct kmm_machine *m, char *err, size_t len)
{
	unsigned long total = 0, step, s, e;
	int i, nid;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid)
		total += e - s;
	step = total > MEMMAP_BUDGET ? total / MEMMAP_BUDGET + 1 : 1;
	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid) {
		pg_data_t *p = m->node_data[nid];

		for (unsigned long pfn = s; pfn < e; pfn += step) {
			struct page *page = pfn_to_page(pfn);
			struct zone *zone;

			if (pfn >= p->first_deferred_pfn)
				break;
			zone = zone_of(p, pfn);
			if (!zone)
				return fail(err, len, "pfn %#lx of node %d is in no zone",
					    pfn, nid);
			if (page_to_nid(page) != nid ||
			    page_zonenum(page) != zone_idx(zone))
				return fail(err, len, "pfn %#lx: struct page says node %d zone %d, expected node %d zone %s",
					    pfn, page_to_nid(page),
					    page_zonenum(page), nid,
					    zone->name);
		}
	}
	return 0;
}

static int check_free_lists(struct zone *zone, char *err, size_t len)
{
	unsigned long free = 0;

	for (int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long n = 0;

		for (int t = 0; t < MIGRATE_TYPES; t++) {
			struct list_head *head = &zone->free_area[o].free_list[t];
			struct list_head *pos;

			if (!head->next)
				continue;
			list_for_each(pos, head) {
				struct page *page = list_entry(pos, struct page, lru);
				unsigned long pfn = page_to_pfn(page);

				if (page->page_type != PAGE_TYPE_BUDDY ||
				    page->private != (unsigned long)o)
					return fail(err, len, "%s: pfn %#lx on order-%d list is not a free block of that order",
						    zone->name, pfn, o);
				if (!IS_ALIGNED(pfn, 1UL << o) ||
				    pfn < zone->zone_start_pfn ||
				    pfn + (1UL << o) > zone_end_pfn(zone))
					return fail(err, len, "%s: order-%d block at pfn %#lx misaligned or outside the zone",
						    zone->name, o, pfn);
				for (unsigned long k = 0; k < (1UL << o); k++) {
					if (PageReserved(&page[k]) ||
					    page_ref_count(&page[k]))
						return fail(err, len, "%s: free pfn %#lx is reserved or referenced",
							    zone->name, pfn + k);
					if (k && page[k].page_type == PAGE_TYPE_BUDDY)
						return fail(err, len, "%s: pfn %#lx is inside another free block",
							    zone->name, pfn + k);
				}
				if (o < MAX_PAGE_ORDER) {
					unsigned long b = pfn ^ (1UL << o);
					struct page *bp;

					if (b >= zone->zone_start_pfn &&
					    b < zone_end_pfn(zone) && pfn_valid(b)) {
						bp = pfn_to_page(b);
						if (bp->page_type == PAGE_TYPE_BUDDY &&
						    bp->private == (unsigned long)o &&
						    o < pageblock_order)
							return fail(err, len, "%s: free buddies %#lx and %#lx of order %d not merged",
								    zone->name, pfn, b, o);
					}
				}
				n++;
			}
		}
		{
			unsigned int ne = 0;

			for (int t = 0; t < MIGRATE_TYPES; t++)
				if (zone->free_area[o].free_list[t].next &&
				    !list_empty(&zone->free_area[o].free_list[t]))
					ne |= 1U << t;
			if (ne != atomic_load(&zone->free_area[o].nonempty))
				return fail(err, len, "%s: order %d non-empty mask %#x, lists say %#x",
					    zone->name, o,
					    atomic_load(&zone->free_area[o].nonempty), ne);
		}
		if (n != zone->free_area[o].nr_free)
			return fail(err, len, "%s: order %d has %lu blocks listed, nr_free says %lu",
				    zone->name, o, n, zone->free_area[o].nr_free);
		free += n << o;
	}
	if (free != (unsigned long)atomic_load(&zone->vm_stat[0]))
		return fail(err, len, "%s: %lu free pages on the lists, NR_FREE_PAGES says %ld",
			    zone->name, free, (long)atomic_load(&zone->vm_stat[0]));
	return 0;
}

/* Per-CPU lists: each page in the zone, not free-listed, counts match. */
static int check_pcp(struct kmm_machine *m, struct zone *zone, char *err,
		     size_t len)
{
	if (!zone->per_cpu_pageset)
		return 0;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		long pages = 0;

		for (int i = 0; i < NR_PCP_LISTS; i++) {
			int order = i >= NR_LOWORDER_PCP_LISTS ? pageblock_order :
				    i / MIGRATE_PCPTYPES;
			struct list_head *pos;

			list_for_each(pos, &pcp->lists[i]) {
				struct page *p = list_entry(pos, struct page, lru);
				unsigned long pfn = page_to_pfn(p);

				if (p->page_type == PAGE_TYPE_BUDDY ||
				    page_ref_count(p) || PageReserved(p) ||
				    !zone_spans_pfn(zone, pfn) ||
				    !IS_ALIGNED(pfn, 1UL << order))
					return fail(err, len, "%s: cpu %d list %d holds pfn %#lx that is not a free page of order %d here",
						    zone->name, cpu, i, pfn, order);
				pages += 1L << order;
			}
		}
		if (pages != pcp->count)
			return fail(err, len, "%s: cpu %d pcp count %d, lists hold %ld",
				    zone->name, cpu, pcp->count, pages);
	}
	return 0;
}

/* One zone: its free lists and per-CPU lists (for kmm_verify=1). */
int kmm_zone_verify(struct kmm_machine *m, struct zone *zone, char *err,
		    size_t len);
int kmm_zone_verify(struct kmm_machine *m, struct zone *zone, char *err,
		    size_t len)
{
	int ret;

	spin_lock(&zone->lock);
	ret = check_free_lists(zone, err, len);
	spin_unlock(&zone->lock);
	if (!ret)
		ret = check_pcp(m, zone, err, len);
	return ret;
}

/*
 * hugetlb: each node's pool list holds as many pages as its counts say;
 * a 2 MiB pool page is a compound page of its order on that node with one
 * reference; a gigantic one lies on its node; the totals add up.
 */
static int check_hugetlb(struct kmm_machine *m, char *err, size_t len)
{
	struct kmm_hugetlb *hg = &m->hugetlb;

	if (!hg->huge_boot_pages.next)
		return 0;
	for (int i = 0; i < hg->nr_hstates; i++) {
		struct hstate *h = &hg->hstates[i];
		unsigned long total = 0, nr_free = 0;

		for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
			unsigned long n = 0;
			struct list_head *e;

			for (e = h->freelist[nid].next; e != &h->freelist[nid];
			     e = e->next) {
				unsigned long pfn;

				if (++n > h->free_huge_pages_node[nid])
					break;
				if (h->order > MAX_PAGE_ORDER) {
					pfn = PFN_DOWN(__pa(e));
				} else {
					struct page *page = container_of(e,
							struct page, lru);

					pfn = page_to_pfn(page);
					if (!PageHead(page) ||
					    compound_order(page) != h->order ||
					    page_ref_count(page) != 1)
						return fail(err, len,
							    "hugetlb: pool page pfn %#lx is not a free order-%u page",
							    pfn, h->order);
				}
				if (early_pfn_to_nid(pfn) != nid ||
				    pfn & ((1UL << h->order) - 1))
					return fail(err, len,
						    "hugetlb: pool page pfn %#lx misplaced on node %d's list",
						    pfn, nid);
			}
			if (n != h->free_huge_pages_node[nid] ||
			    h->nr_huge_pages_node[nid] != n)
				return fail(err, len,
					    "hugetlb: node %d's %s list holds %lu pages, counts say %lu/%lu",
					    nid, h->name, n,
					    h->free_huge_pages_node[nid],
					    h->nr_huge_pages_node[nid]);
			total += h->nr_huge_pages_node[nid];
			nr_free += h->free_huge_pages_node[nid];
		}
		if (total != h->nr_huge_pages || nr_free != h->free_huge_pages)
			return fail(err, len, "hugetlb: %s totals %lu/%lu, nodes add up to %lu/%lu",
				    h->name, h->nr_huge_pages,
				    h->free_huge_pages, total, nr_free);
	}
	return 0;
}

int kmm_mm_verify(struct kmm_machine *m, char *err, size_t len)
{
	struct kmm_machine *prev = kmm_machine_switch(m);
	int ret;

	ret = check_type(&m->mblk.memory, m->kver < KMM_KVER(6, 11), err, len);
	if (!ret)
		ret = check_type(&m->mblk.reserved, m->kver < KMM_KVER(6, 11),
				 err, len);
	for (int nid = 0; !ret && nid < KMM_MAX_NODES; nid++) {
		pg_data_t *p = m->node_data[nid];

		if (!p || !node_online(nid))
			continue;
		ret = check_node(m, p, err, len);
		for (int z = 0; !ret && z < MAX_NR_ZONES; z++)
			if (p->node_zones[z].initialized) {
				ret = check_free_lists(&p->node_zones[z], err,
						       len);
				if (!ret)
					ret = check_pcp(m, &p->node_zones[z],
							err, len);
			}
	}
	if (!ret && m->booted)
		ret = check_memmap(m, err, len);
	if (!ret) {
		spin_lock(&m->hugetlb_lock);
		ret = check_hugetlb(m, err, len);
		spin_unlock(&m->hugetlb_lock);
	}
	kmm_machine_switch(prev);
	return ret;
}
