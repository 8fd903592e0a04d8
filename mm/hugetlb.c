// SPDX-License-Identifier: MIT
/*
 * mm/hugetlb.c - the hugetlb page pools, as Linux 6.12 sets them up at
 * boot and resizes them through vm.nr_hugepages.
 *
 * What.  An hstate is a huge page size with its pool: x86_64 has 2 MiB
 * (HUGETLB_PAGE_ORDER, the default) and, when the CPU maps 1 GiB pages,
 * 1 GiB ("gigantic": above MAX_PAGE_ORDER).  hugepagesz=, hugepages= (a
 * count or "node:count,...") and default_hugepagesz= fill pools at boot:
 * gigantic pages straight from memblock while the command line is parsed,
 * 2 MiB pages from the buddy allocator at hugetlb_init (subsys_initcall),
 * spread over the nodes with memory.  The pools' pages are allocated
 * memory: MemFree drops, meminfo's HugePages lines and Hugetlb count them.
 *
 * Data structures.  m->hugetlb: hstates[] in the order they were added
 * (command-line sizes first, then gigantic_pages_init's 1 GiB at
 * arch_initcall, then hugetlb_init's 2 MiB), the default index, per-node
 * counts and free lists (each pool page's head struct page on its node's
 * list by lru), and the parsing state of Linux's hugepages_setup family.
 * Gigantic pages wait for hugetlb_init on huge_boot_pages, linked through
 * a struct huge_bootmem_page written at the start of each page, as Linux
 * does.
 *
 * Invariants.  nr_huge_pages = Σ nr_huge_pages_node = free_huge_pages
 * (kmm has no hugetlbfs users, so every pool page is free); each node's
 * free list holds free_huge_pages_node pages; a 2 MiB pool page is a
 * compound page of order 9 with one reference.
 *
 * Algorithms.  The parameter rules of hugepages_setup, hugepagesz_setup
 * and default_hugepagesz_setup (their warnings included); hugetlb_init's
 * default hstate; alloc_pool_huge_folio's node interleave with
 * __GFP_THISNODE, and __GFP_RETRY_MAYFAIL except on a node that failed
 * once (from 6.9 the boot pool in padata's chunks, each from the first
 * node); the "Only allocated" warnings; report_hugepages; for
 * vm.nr_hugepages, set_max_huge_pages (grow by interleaved allocation,
 * shrink by freeing from the node next_nid_to_free names).
 *
 * Locking.  hugetlb_lock (m->hugetlb_lock, a spinlock) around the counts
 * and lists; allocation and freeing happen outside it.  vm.nr_hugepages
 * writers are serialised by m->hugetlb_resize_lock (Linux's resize_lock),
 * not the sysctl lock, since a resize allocates or frees many pages.
 *
 * Failure.  A pool that cannot be filled keeps what it got, with Linux's
 * warning; a bad parameter is warned about and ignored, as in Linux.
 *
 * Observability.  "HugeTLB: registered SIZE page size, pre-allocated N
 * pages" and "HugeTLB: K KiB vmemmap can be freed for a SIZE page" per
 * hstate (before 6.0: "HugeTLB registered ...", no vmemmap line); meminfo's HugePages_Total/Free/Rsvd/Surp, Hugepagesize and
 * Hugetlb; show_mem's "Node N hugepages_total=..." lines.
 *
 * Differences from Linux.  No hugetlbfs, reservations or surplus pages.
 * A gigantic pool page keeps its early reservation, and kmm does not use
 * its struct pages (Linux makes them a folio); gigantic pools do not
 * change size after boot (vm.nr_hugepages on a gigantic default hstate is
 * -EINVAL; Linux can shrink one, and grow it with alloc_contig_range).
 * The vmemmap line reports what HVO could free, which kmm does not do.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/gfp.h>
#include <kmm/printk.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/numa.h>
#include <kmm/string.h>
#include <kmm/cmdline.h>
#include <kmm/hugetlb.h>

_Static_assert(KMM_HUGE_NODES == KMM_MAX_NODES, "kmm/hugetlb.h's node count");

struct huge_bootmem_page {
	struct list_head list;
	struct hstate *hstate;
};

/* The early allocators' raw allocation for a gigantic page. */
static void *alloc_gigantic_raw(struct kmm_machine *m, unsigned long size,
				int nid)
{
	if (kmm_bootmem_active()) {
		/* 4.19: memblock_virt_alloc_try_nid_raw is bootmem's. */
		if (nid != NUMA_NO_NODE && m->node_data[nid])
			return __alloc_bootmem_node_nopanic(m->node_data[nid],
							    size, size, 0);
		return __alloc_bootmem_nopanic(size, size, 0);
	}
	return memblock_alloc_try_nid_raw(size, size, 0,
					  MEMBLOCK_ALLOC_ACCESSIBLE, nid);
}

static struct kmm_hugetlb *H(struct kmm_machine *m)
{
	return &m->hugetlb;
}

static unsigned long huge_page_size(const struct hstate *h)
{
	return PAGE_SIZE << h->order;
}

static bool hstate_is_gigantic(const struct hstate *h)
{
	return h->order > MAX_PAGE_ORDER;
}

/* x86's arch_hugetlb_valid_size: 2 MiB, and 1 GiB with GBPAGES. */
static bool valid_size(struct kmm_machine *m, unsigned long long size)
{
	if (size == PAGE_SIZE << HUGETLB_PAGE_ORDER)
		return true;
	return size == PAGE_SIZE << HUGETLB_GIGANTIC_ORDER &&
	       m->desc.cpu_gbpages && !m->params.nogbpages;
}

static struct hstate *size_to_hstate(struct kmm_machine *m,
				     unsigned long long size)
{
	for (int i = 0; i < H(m)->nr_hstates; i++)
		if (huge_page_size(&H(m)->hstates[i]) == size)
			return &H(m)->hstates[i];
	return NULL;
}

static void hugetlb_ensure_init(struct kmm_machine *m)
{
	struct kmm_hugetlb *hg = H(m);

	if (hg->huge_boot_pages.next)
		return;
	hg->default_idx = -1;
	hg->parsed_valid_hugepagesz = true;
	INIT_LIST_HEAD(&hg->huge_boot_pages);
}

/* hugetlb_add_hstate: a no-op for a size that has one. */
static struct hstate *add_hstate(struct kmm_machine *m, unsigned int order)
{
	struct kmm_hugetlb *hg = H(m);
	struct hstate *h;

	hugetlb_ensure_init(m);
	h = size_to_hstate(m, PAGE_SIZE << order);
	if (h || hg->nr_hstates >= HUGE_MAX_HSTATE)
		return h;
	h = &hg->hstates[hg->nr_hstates++];
	memset(h, 0, sizeof(*h));
	h->order = order;
	for (int nid = 0; nid < KMM_HUGE_NODES; nid++)
		INIT_LIST_HEAD(&h->freelist[nid]);
	/* string_get_size(size, 1, STRING_UNITS_2): "2.00 MiB". */
	if (order >= 18)
		snprintf_k(h->name, sizeof(h->name), "%lu.00 GiB",
			 huge_page_size(h) >> 30);
	else
		snprintf_k(h->name, sizeof(h->name), "%lu.00 MiB",
			 huge_page_size(h) >> 20);
	hg->parsed_hstate = h;
	return h;
}

static struct hstate *default_hstate(struct kmm_machine *m)
{
	struct kmm_hugetlb *hg = H(m);

	if (!hg->huge_boot_pages.next || hg->default_idx < 0 ||
	    hg->default_idx >= hg->nr_hstates)
		return NULL;
	return &hg->hstates[hg->default_idx];
}

/* The next node with memory after @nid, wrapping (next_node_allowed). */
static int next_mem_node(struct kmm_machine *m, int nid)
{
	for (int i = 1; i <= KMM_MAX_NODES; i++) {
		int n = (nid + i) % KMM_MAX_NODES;

		if (node_state(n, N_MEMORY) && m->node_data[n])
			return n;
	}
	return 0;
}

static int first_mem_node(struct kmm_machine *m)
{
	return next_mem_node(m, KMM_MAX_NODES - 1);
}

static int nr_mem_nodes(struct kmm_machine *m)
{
	int n = 0;

	for (int nid = 0; nid < KMM_MAX_NODES; nid++)
		n += node_state(nid, N_MEMORY) && m->node_data[nid];
	return n;
}

/*
 * __alloc_bootmem_huge_page: one gigantic page from the early allocator,
 * on @nid (falling back to any node, as memblock_alloc_try_nid_raw does)
 * or, for NUMA_NO_NODE, on the next node in turn.
 */
static bool alloc_bootmem_huge_page(struct kmm_machine *m, struct hstate *h,
				    int nid)
{
	struct huge_bootmem_page *hb = NULL;

	if (nid != NUMA_NO_NODE) {
		hb = alloc_gigantic_raw(m, huge_page_size(h), nid);
	} else {
		int n = h->next_nid_to_alloc;

		if (!node_state(n, N_MEMORY) || !m->node_data[n])
			n = first_mem_node(m);
		for (int tries = nr_mem_nodes(m); tries > 0 && !hb; tries--) {
			hb = alloc_gigantic_raw(m, huge_page_size(h), n);
			n = next_mem_node(m, n);
		}
		h->next_nid_to_alloc = n;
	}
	if (!hb)
		return false;
	/* The page's first bytes hold its list entry, as in Linux. */
	INIT_LIST_HEAD(&hb->list);
	hb->hstate = h;
	list_add(&hb->list, &H(m)->huge_boot_pages);
	return true;
}

/* alloc_buddy_hugetlb_folio with Linux's retry rules. */
static struct page *alloc_fresh_huge_page(struct hstate *h, int nid,
					  u64 *noretry)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE | __GFP_COMP |
		    __GFP_NOWARN;
	struct page *page;

	/* A node that failed once is not tried hard again. */
	if (!(*noretry & (1ULL << nid)))
		gfp |= __GFP_RETRY_MAYFAIL;
	page = alloc_pages_node(nid, gfp, h->order);
	if (page)
		*noretry &= ~(1ULL << nid);
	else
		*noretry |= 1ULL << nid;
	return page;
}

static void enqueue_huge_page(struct kmm_machine *m, struct hstate *h,
			      struct page *page, int nid)
{
	spin_lock(&m->hugetlb_lock);
	list_add(&page->lru, &h->freelist[nid]);
	h->nr_huge_pages++;
	h->nr_huge_pages_node[nid]++;
	h->free_huge_pages++;
	h->free_huge_pages_node[nid]++;
	spin_unlock(&m->hugetlb_lock);
}

/*
 * alloc_pool_huge_folio: the next node with memory first, each node once.
 * True if a page joined the pool.
 */
static bool alloc_pool_huge_page(struct kmm_machine *m, struct hstate *h,
				 u64 *noretry, int *next)
{
	int n = *next;

	if (!node_state(n, N_MEMORY) || !m->node_data[n])
		n = first_mem_node(m);
	for (int tries = nr_mem_nodes(m); tries > 0; tries--) {
		int nid = n;
		struct page *page = alloc_fresh_huge_page(h, nid, noretry);

		n = next_mem_node(m, n);
		*next = n;
		if (page) {
			enqueue_huge_page(m, h, page, page_to_nid(page));
			return true;
		}
	}
	return false;
}

/*
 * hugetlb_pages_alloc_boot (6.9+): padata splits the pages into chunks
 * (nodes * 2 threads, at least max / nodes / 2 pages a chunk, four chunks
 * a thread for balance) and each chunk interleaves from the first node
 * on, with its own no-retry mask.  The threads' order does not change
 * which node each page comes from, so kmm runs the chunks in turn.
 */
static unsigned long alloc_boot_chunks(struct kmm_machine *m, struct hstate *h)
{
	unsigned long size = h->max_huge_pages;
	unsigned long nodes = (unsigned long)nr_mem_nodes(m);
	unsigned long min_chunk = size / nodes / 2, max_threads = nodes * 2;
	unsigned long nworks, chunk;

	nworks = size / (min_chunk ? min_chunk : 1);
	nworks = nworks ? nworks : 1;
	nworks = min(nworks, max_threads);
	chunk = size / (nworks * 4);
	chunk = max(chunk, min_chunk);
	chunk = max(chunk, 1UL);
	for (unsigned long start = 0; start < size; start += chunk) {
		unsigned long num = min(chunk, size - start);
		int next = first_mem_node(m);
		u64 noretry = 0;

		for (unsigned long i = 0; i < num; i++)
			if (!alloc_pool_huge_page(m, h, &noretry, &next))
				break;
	}
	return h->nr_huge_pages;
}

/* hugetlb_hstate_alloc_pages (boot). */
static void hstate_alloc_pages(struct kmm_machine *m, struct hstate *h)
{
	unsigned long allocated = 0;
	bool specific = false;

	if (!h->max_huge_pages)
		return;
	for (int nid = 0; nid < KMM_MAX_NODES; nid++) {
		unsigned long want = h->max_huge_pages_node[nid], i;
		u64 noretry = 0;

		if (!want)
			continue;
		specific = true;
		for (i = 0; i < want; i++) {
			struct page *page;

			if (hstate_is_gigantic(h)) {
				if (!alloc_bootmem_huge_page(m, h, nid))
					break;
				continue;
			}
			page = alloc_fresh_huge_page(h, nid, &noretry);
			if (!page)
				break;
			enqueue_huge_page(m, h, page, nid);
		}
		if (i == want)
			continue;
		pr_warn("HugeTLB: allocating %lu of page size %s failed node%d.  Only allocated %lu hugepages.\n",
			want, h->name, nid, i);
		h->max_huge_pages -= want - i;
		h->max_huge_pages_node[nid] = i;
	}
	if (specific)
		return;
	if (hstate_is_gigantic(h)) {
		while (allocated < h->max_huge_pages &&
		       alloc_bootmem_huge_page(m, h, NUMA_NO_NODE))
			allocated++;
	} else if (m->kver >= KMM_KVER(6, 9)) {
		allocated = alloc_boot_chunks(m, h);
	} else {
		u64 noretry = 0;

		while (allocated < h->max_huge_pages &&
		       alloc_pool_huge_page(m, h, &noretry,
					    &h->next_nid_to_alloc))
			allocated++;
	}
	if (allocated < h->max_huge_pages) {
		pr_warn("HugeTLB: allocating %lu of page size %s failed.  Only allocated %lu hugepages.\n",
			h->max_huge_pages, h->name, allocated);
		h->max_huge_pages = allocated;
	}
}

/* --- the command line ------------------------------------------------------ */

static void clear_pages_in_node(struct kmm_hugetlb *hg)
{
	if (!hg->nr_hstates) {
		hg->default_hstate_max_huge_pages = 0;
		memset(hg->default_hugepages_in_node, 0,
		       sizeof(hg->default_hugepages_in_node));
	} else {
		hg->parsed_hstate->max_huge_pages = 0;
		memset(hg->parsed_hstate->max_huge_pages_node, 0,
		       sizeof(hg->parsed_hstate->max_huge_pages_node));
	}
}

static bool get_ulong(const char **pp, unsigned long *v)
{
	const char *p = *pp;
	unsigned long x = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		if (x > (~0UL - 9) / 10)
			return false;
		x = x * 10 + (unsigned long)(*p++ - '0');
	}
	*v = x;
	*pp = p;
	return true;
}

int hugepages_setup(struct kmm_machine *m, const char *s)
{
	struct kmm_hugetlb *hg = H(m);
	unsigned long *mhp, tmp;
	const char *p = s ? s : "";

	hugetlb_ensure_init(m);
	if (!hg->parsed_valid_hugepagesz) {
		pr_warn("HugeTLB: hugepages=%s does not follow a valid hugepagesz, ignoring\n",
			p);
		hg->parsed_valid_hugepagesz = true;
		return 0;
	}
	mhp = !hg->nr_hstates ? &hg->default_hstate_max_huge_pages :
				&hg->parsed_hstate->max_huge_pages;
	if (mhp == hg->last_mhp) {
		pr_warn("HugeTLB: hugepages= specified twice without interleaving hugepagesz=, ignoring hugepages=%s\n",
			p);
		return 0;
	}
	while (*p) {
		const char *start = p;

		if (!get_ulong(&p, &tmp))
			goto invalid;
		if (*p == ':') {
			unsigned long node = tmp;

			if (node >= KMM_MAX_NODES || !node_online((int)node)) {
				p = start;
				goto invalid;
			}
			p++;
			if (!get_ulong(&p, &tmp))
				goto invalid;
			if (!hg->nr_hstates)
				hg->default_hugepages_in_node[node] = tmp;
			else
				hg->parsed_hstate->max_huge_pages_node[node] = tmp;
			*mhp += tmp;
			if (*p == ',')
				p++;
			else
				break;
		} else {
			if (start != s) {
				p = start;
				goto invalid;
			}
			*mhp = tmp;
			break;
		}
	}
	if (hg->nr_hstates && hstate_is_gigantic(hg->parsed_hstate))
		hstate_alloc_pages(m, hg->parsed_hstate);
	hg->last_mhp = mhp;
	return 0;
invalid:
	pr_warn("HugeTLB: Invalid hugepages parameter %s\n", p);
	clear_pages_in_node(hg);
	return 0;
}

/* @param's size, or 0 (reported) if the machine has no such huge page. */
static unsigned long long parse_huge_size(struct kmm_machine *m,
					  const char *param, const char *s)
{
	unsigned long long size = memparse(s ? s : "", NULL);

	if (valid_size(m, size))
		return size;
	pr_err("HugeTLB: unsupported %s=%s\n", param, s ? s : "");
	return 0;
}

int hugepagesz_setup(struct kmm_machine *m, const char *s)
{
	struct kmm_hugetlb *hg = H(m);
	unsigned long long size;
	struct hstate *h;

	hugetlb_ensure_init(m);
	hg->parsed_valid_hugepagesz = false;
	size = parse_huge_size(m, "hugepagesz", s);
	if (!size)
		return 0;
	h = size_to_hstate(m, size);
	if (h) {
		if (!hg->parsed_default_hugepagesz || h != default_hstate(m) ||
		    h->max_huge_pages) {
			pr_warn("HugeTLB: hugepagesz=%s specified twice, ignoring\n",
				s);
			return 0;
		}
		hg->parsed_hstate = h;
		hg->parsed_valid_hugepagesz = true;
		return 0;
	}
	add_hstate(m, (unsigned int)(ilog2(size) - PAGE_SHIFT));
	hg->parsed_valid_hugepagesz = true;
	return 0;
}

int default_hugepagesz_setup(struct kmm_machine *m, const char *s)
{
	struct kmm_hugetlb *hg = H(m);
	unsigned long long size;
	struct hstate *h;

	hugetlb_ensure_init(m);
	hg->parsed_valid_hugepagesz = false;
	if (hg->parsed_default_hugepagesz) {
		pr_err("HugeTLB: default_hugepagesz previously specified, ignoring %s\n",
		       s ? s : "");
		return 0;
	}
	size = parse_huge_size(m, "default_hugepagesz", s);
	if (!size)
		return 0;
	h = add_hstate(m, (unsigned int)(ilog2(size) - PAGE_SHIFT));
	hg->parsed_valid_hugepagesz = true;
	hg->parsed_default_hugepagesz = true;
	hg->default_idx = (int)(h - hg->hstates);
	if (hg->default_hstate_max_huge_pages) {
		h->max_huge_pages = hg->default_hstate_max_huge_pages;
		memcpy(h->max_huge_pages_node, hg->default_hugepages_in_node,
		       sizeof(h->max_huge_pages_node));
		if (hstate_is_gigantic(h))
			hstate_alloc_pages(m, h);
		hg->default_hstate_max_huge_pages = 0;
	}
	return 0;
}

/* --- initcalls ------------------------------------------------------------- */

void gigantic_pages_init(void)
{
	struct kmm_machine *m = kmm_current();

	if (m->desc.cpu_gbpages && !m->params.nogbpages)
		add_hstate(m, HUGETLB_GIGANTIC_ORDER);
}

/*
 * gather_bootmem_prealloc: the gigantic pages join their pools.  Their
 * struct pages are not used (with deferred init they may not be set up
 * yet): the node comes from memblock, the zone from the node's spans, and
 * the pool links the huge_bootmem_page inside each page.
 */
static void gather_bootmem_prealloc(struct kmm_machine *m)
{
	struct kmm_hugetlb *hg = H(m);

	while (!list_empty(&hg->huge_boot_pages)) {
		struct huge_bootmem_page *hb =
			list_first_entry(&hg->huge_boot_pages,
					 struct huge_bootmem_page, list);
		struct hstate *h = hb->hstate;
		unsigned long pfn = PFN_DOWN(__pa(hb));
		int nid = early_pfn_to_nid(pfn);
		struct zone *zone = NULL;

		if (nid < 0 || nid >= KMM_MAX_NODES || !m->node_data[nid])
			nid = first_mem_node(m);
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (zone_spans_pfn(&m->node_data[nid]->node_zones[z], pfn))
				zone = &m->node_data[nid]->node_zones[z];
		spin_lock(&m->hugetlb_lock);
		list_move(&hb->list, &h->freelist[nid]);
		h->nr_huge_pages++;
		h->nr_huge_pages_node[nid]++;
		h->free_huge_pages++;
		h->free_huge_pages_node[nid]++;
		spin_unlock(&m->hugetlb_lock);
		/* adjust_managed_page_count: the pages count as RAM again. */
		if (zone)
			atomic_fetch_add(&zone->managed_pages, 1L << h->order);
		atomic_fetch_add(&m->totalram, 1L << h->order);
	}
}

/*
 * hugetlb_vmemmap_optimizable_size: all but one page of its memmap, with
 * x86_64 Linux's 64-byte struct page (a power of two, so HVO applies).
 */
#define LINUX_STRUCT_PAGE_SIZE	64UL
static unsigned long vmemmap_optimizable_kb(const struct hstate *h)
{
	return ((LINUX_STRUCT_PAGE_SIZE << h->order) - PAGE_SIZE) >> 10;
}

void hugetlb_init(void)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_hugetlb *hg = H(m);
	struct hstate *h;

	h = add_hstate(m, HUGETLB_PAGE_ORDER);
	if (!hg->parsed_default_hugepagesz) {
		hg->default_idx = (int)(h - hg->hstates);
		if (hg->default_hstate_max_huge_pages) {
			if (h->max_huge_pages) {
				pr_warn("HugeTLB: Ignoring hugepages=%lu associated with %s page size\n",
					h->max_huge_pages, h->name);
				pr_warn("HugeTLB: Using hugepages=%lu for number of default huge pages\n",
					hg->default_hstate_max_huge_pages);
			}
			h->max_huge_pages = hg->default_hstate_max_huge_pages;
			memcpy(h->max_huge_pages_node,
			       hg->default_hugepages_in_node,
			       sizeof(h->max_huge_pages_node));
		}
	}
	for (int i = 0; i < hg->nr_hstates; i++)
		if (!hstate_is_gigantic(&hg->hstates[i]))
			hstate_alloc_pages(m, &hg->hstates[i]);
	gather_bootmem_prealloc(m);
	/* report_hugepages; 5.x's form had no colon and no vmemmap line. */
	for (int i = 0; i < hg->nr_hstates; i++) {
		h = &hg->hstates[i];
		if (m->kver < KMM_KVER(6, 0)) {
			pr_info("HugeTLB registered %s page size, pre-allocated %lu pages\n",
				h->name, h->free_huge_pages);
			continue;
		}
		pr_info("HugeTLB: registered %s page size, pre-allocated %lu pages\n",
			h->name, h->free_huge_pages);
		pr_info("HugeTLB: %lu KiB vmemmap can be freed for a %s page\n",
			vmemmap_optimizable_kb(h), h->name);
	}
}

/* --- vm.nr_hugepages ------------------------------------------------------- */

/* A free pool page of the node after next_nid_to_free, off its list. */
static struct page *remove_pool_huge_page(struct kmm_machine *m,
					  struct hstate *h)
{
	int n = h->next_nid_to_free;

	if (!node_state(n, N_MEMORY) || !m->node_data[n])
		n = first_mem_node(m);
	/* hstate_next_node_to_free: this node first, the next one after. */
	for (int tries = nr_mem_nodes(m); tries > 0;
	     tries--, n = next_mem_node(m, n)) {
		h->next_nid_to_free = next_mem_node(m, n);
		if (!list_empty(&h->freelist[n])) {
			struct page *page = list_first_entry(&h->freelist[n],
							     struct page, lru);

			list_del(&page->lru);
			h->nr_huge_pages--;
			h->nr_huge_pages_node[n]--;
			h->free_huge_pages--;
			h->free_huge_pages_node[n]--;
			return page;
		}
	}
	return NULL;
}

int hugetlb_set_nr_hugepages(struct kmm_machine *m, unsigned long count)
{
	struct hstate *h = default_hstate(m);
	u64 noretry = 0;

	if (!h)
		return -EINVAL;
	/* Linux without CONFIG_CONTIG_ALLOC: gigantic pools do not move. */
	if (hstate_is_gigantic(h))
		return -EINVAL;
	while (h->nr_huge_pages < count)
		if (!alloc_pool_huge_page(m, h, &noretry,
					  &h->next_nid_to_alloc))
			break;
	while (h->nr_huge_pages > count) {
		struct page *page;

		spin_lock(&m->hugetlb_lock);
		page = remove_pool_huge_page(m, h);
		spin_unlock(&m->hugetlb_lock);
		if (!page)
			break;
		INIT_LIST_HEAD(&page->lru);
		__free_pages(page, h->order);
	}
	h->max_huge_pages = h->nr_huge_pages;
	return 0;
}

/* --- reports --------------------------------------------------------------- */

void hugetlb_report_meminfo(struct kmm_machine *m, const struct kmm_sink *out)
{
	struct kmm_hugetlb *hg = H(m);
	struct hstate *h = default_hstate(m);
	unsigned long total_kb = 0, nr = 0, nr_free = 0;

	spin_lock(&m->hugetlb_lock);
	for (int i = 0; i < hg->nr_hstates; i++)
		total_kb += hg->hstates[i].nr_huge_pages *
			    (huge_page_size(&hg->hstates[i]) >> 10);
	if (h) {
		nr = h->nr_huge_pages;
		nr_free = h->free_huge_pages;
	}
	spin_unlock(&m->hugetlb_lock);
	kmm_sink_printf(out, "HugePages_Total:   %5lu\n"
			"HugePages_Free:    %5lu\n"
			"HugePages_Rsvd:    %5lu\n"
			"HugePages_Surp:    %5lu\n"
			"Hugepagesize:   %8lu kB\n",
			nr, nr_free, 0UL, 0UL,
			h ? huge_page_size(h) >> 10 : 2048UL);
	kmm_sink_printf(out, "Hugetlb:        %8lu kB\n", total_kb);
}

void hugetlb_show_meminfo_node(struct kmm_machine *m, int nid)
{
	struct kmm_hugetlb *hg = H(m);

	for (int i = 0; i < hg->nr_hstates; i++) {
		struct hstate *h = &hg->hstates[i];
		unsigned int total, nr_free;

		spin_lock(&m->hugetlb_lock);
		total = (unsigned int)h->nr_huge_pages_node[nid];
		nr_free = (unsigned int)h->free_huge_pages_node[nid];
		spin_unlock(&m->hugetlb_lock);
		printk("Node %d hugepages_total=%u hugepages_free=%u hugepages_surp=%u hugepages_size=%lukB\n",
		       nid, total, nr_free, 0u, huge_page_size(h) >> 10);
	}
}
