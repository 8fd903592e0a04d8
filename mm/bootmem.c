/* SPDX-License-Identifier: MIT */
/*
 * mm/bootmem.c - the bitmap boot allocator of Linux 4.19 and earlier.
 *
 * What: before the buddy allocator exists, Linux up to 4.19 (on the
 * architectures without CONFIG_NO_BOOTMEM) handed out early memory from
 * "bootmem": one bitmap per node, one bit per page frame, first fit.  Its
 * last job, free_all_bootmem(), gives every page still clear in the bitmaps
 * to the page allocator.  kmm offers it as an alternative to memblock for
 * the second half of early boot, chosen with the boot parameter `bootmem`.
 *
 * Data structures: m->bootmem_node_data[nid] (bootmem_data_t) describes the
 * node's low memory [node_min_pfn, node_low_pfn) and points at its bitmap,
 * which lives in the node's own memory (reached through the direct map).
 * Bit i covers pfn node_min_pfn + i; a set bit means reserved.  The bitmap
 * is ALIGN(DIV_ROUND_UP(pages, 8), sizeof(long)) bytes, taking
 * bootmem_bootmap_pages() whole pages; the padding bits past node_low_pfn
 * are set at init and never cleared.  m->bdata_list links the initialised
 * nodes in ascending node_min_pfn order; the node-less calls (free_bootmem,
 * reserve_bootmem, the allocators without a pgdat) walk it.  Two fields
 * make small allocations cheap: last_end_off, the byte offset (from the
 * node start) where the previous allocation ended, and hint_idx, the first
 * page after it, where the next search begins.
 *
 * Invariants: every bit is set at init_bootmem_core (all reserved) and the
 * setup code frees the RAM explicitly; a bit is only cleared when it was set
 * (clearing a clear bit is a BUG: double free) and, in an exclusive
 * reservation, only set when it was clear.  The bitmap's own pages are
 * reserved in the bitmap while it is in use (kmm_bootmem_setup sees to it).
 * A free lowers hint_idx to the start of the freed range when the hint lay
 * above it, so the next search begins no later than the freed pages.
 *
 * Algorithms.  Freeing a byte range frees only the pages wholly inside it
 * (PFN_UP(start) .. PFN_DOWN(end)); reserving reserves every page it
 * touches (PFN_DOWN .. PFN_UP).  An exclusive reservation that meets a
 * reserved page frees what it had set and fails with -EBUSY.  Allocation
 * (alloc_bootmem_bdata) scans bottom-up for the first run of PFN_UP(size)
 * clear bits whose first page is aligned to max(align / PAGE_SIZE, 1) pages
 * (alignment counted in absolute pfns), starting at the goal when the goal
 * is inside the window, else at the node start; if hint_idx lies further on,
 * the scan starts there and, failing, once more from the original start.  If
 * the previous allocation ended inside the page just before the block found,
 * the new object starts in that page at the next @align boundary, so small
 * objects share pages.  The region is reserved exclusively and zeroed.  The
 * node walk (alloc_bootmem_core) skips nodes wholly below the goal and stops
 * at the first node wholly above the limit; with a goal that cannot be met
 * the whole search is repeated with no goal.  free_all_bootmem resets every
 * zone's managed count, then per node in list order walks the bitmap a word
 * at a time: a 64-aligned pfn whose whole 64-page word is clear is freed as
 * one order-6 block, anything else page by page up to the next 64-aligned
 * pfn; then the bitmap's own pages are freed and the map pointer cleared.
 *
 * Locking: none.  Like Linux, bootmem is used by the boot thread only.
 *
 * Failure: the panicking allocators print "bootmem alloc of %lu bytes
 * failed!" at KERN_ALERT and panic("Out of memory"); the _nopanic ones
 * return NULL.  Freeing an unreserved page, touching pages outside every
 * node, a size of 0 or an alignment that is not a power of two BUG() as in
 * Linux.  In kmm BUG and panic unwind to the nearest kmm_plat_try (the boot,
 * or a test), so the process survives them.
 *
 * Observability: the boot parameter `bootmem_debug` turns on Linux's trace
 * lines ("bootmem::<function> nid=... start=... end=..."); kmm_bootmem_setup
 * prints one KERN_INFO line per node with the bitmap's place and size.
 *
 * Differences from Linux:
 *  - Selection is kmm's boot parameter `bootmem`, not CONFIG_NO_BOOTMEM,
 *    and the kmm boot keeps the 6.x firmware path: memblock is filled from
 *    e820 and runs NUMA init first.  kmm_bootmem_setup then plays the part
 *    of an old setup_arch: it places each node's bitmap at the first free
 *    pages of the node as memblock sees them (bottom-up, that node only),
 *    reserves it in memblock too, frees the node's memblock.memory, and
 *    reserves in the bitmap everything memblock.reserved holds (the kernel,
 *    the bitmap itself, earlier allocations) and any NOMAP memory.  From
 *    then on bootmem is the authority: early allocations go through
 *    kmm_bootmem_alloc_node and must not come from memblock any more.
 *  - The node covers [start, min(end, max_low_pfn)) of
 *    get_pfn_range_for_nid(); pages above max_low_pfn are never freed by
 *    free_all_bootmem (as in Linux; x86_64 raises max_low_pfn to max_pfn).
 *  - pg_data_t has no bdata pointer: a node's bootmem_data is
 *    NODE_BDATA(pgdat->node_id) (kmm_bootmem_setup sets node_id early).
 *  - No kmemleak.  After slab is up the allocators WARN as Linux does, but
 *    on every call (a process-wide "once" would make one machine's log
 *    depend on another's history) and, having no kzalloc to fall back on,
 *    keep using the bitmaps (which free_all_bootmem has normally released,
 *    so they then fail).
 *  - An @align of 0 is taken as 1; Linux would compute a wild sub-page
 *    offset from it.
 *  - init_bootmem_core unlinks a bdata that is already on the list before
 *    linking it again (Linux would corrupt the list).
 *  - Pages reach the page allocator through __free_pages_core(page, order)
 *    (4.19: __free_pages_bootmem(page, pfn, order)).
 *  - A node's span is get_pfn_range_for_nid(), so with interleaved NUMA
 *    ranges two bitmaps can cover the same pfns; each holds only its own
 *    node's memory free, but the node-less calls (free_bootmem,
 *    reserve_bootmem) act on the first node on the list containing the pfn.
 * Kept on purpose, because they are Linux's observable behaviour:
 *  - ___alloc_bootmem_node passes no limit to the nopanic search, so
 *    __alloc_bootmem_low_node's 4 GiB limit has no effect;
 *  - when node_min_pfn is not 64-aligned, free_all_bootmem_core reads only
 *    the current bitmap word for a tail of fewer than 64 pages that starts
 *    at a 64-aligned pfn, so pages of that tail whose bits sit in the next
 *    word stay reserved and are not counted;
 *  - __alloc_bootmem_node_high's "128 MiB" margin is 0 pages;
 *  - sub-page merging trusts last_end_off: an object can start on the
 *    previous allocation's last page even if that page was freed since.
 */
#include <kmm/bootmem.h>
#include <kmm/machine.h>
#include <kmm/memblock.h>
#include <kmm/mm.h>
#include <kmm/numa.h>
#include <kmm/printk.h>
#include <kmm/string.h>

#define BITS_PER_BYTE		8
/* x86_64: the end of ZONE_DMA32. */
#define MAX_DMA32_PFN		(1UL << (32 - PAGE_SHIFT))
/* SPARSEMEM's reach (mminit_validate_memmodel_limits). */
#define MAX_SPARSEMEM_PFN	(1UL << (MAX_PHYSMEM_BITS_L5 - PAGE_SHIFT))

#define bdata_nid(m, bdata)	((bdata) - (m)->bootmem_node_data)
#define pgdat_bdata(pgdat)	NODE_BDATA((pgdat)->node_id)

/* --- Debug trace (bootmem_debug) ------------------------------------ */

static bool bootmem_debug_on(void)
{
	const char *cmd = kmm_current()->desc.cmdline;
	const char *p;

	for (p = kmm_strstr(cmd, "bootmem_debug"); p;
	     p = kmm_strstr(p + 1, "bootmem_debug")) {
		char after = p[13];

		if ((p == cmd || kmm_isspace(p[-1])) &&
		    (!after || kmm_isspace(after) || after == '='))
			return true;
	}
	return false;
}

#define bdebug(fmt, ...) do {						\
	if (unlikely(bootmem_debug_on()))				\
		pr_info("bootmem::%s " fmt, __func__, ##__VA_ARGS__);	\
} while (0)

/* --- The bitmap ------------------------------------------------------ */

static inline unsigned long *bmap(const bootmem_data_t *bdata)
{
	return bdata->node_bootmem_map;
}

static inline bool bm_test(const unsigned long *map, unsigned long idx)
{
	return (map[idx / BITS_PER_LONG] >> (idx % BITS_PER_LONG)) & 1;
}

static inline bool bm_test_and_set(unsigned long *map, unsigned long idx)
{
	unsigned long bit = 1UL << (idx % BITS_PER_LONG);
	unsigned long *w = &map[idx / BITS_PER_LONG];
	bool was = *w & bit;

	*w |= bit;
	return was;
}

static inline bool bm_test_and_clear(unsigned long *map, unsigned long idx)
{
	unsigned long bit = 1UL << (idx % BITS_PER_LONG);
	unsigned long *w = &map[idx / BITS_PER_LONG];
	bool was = *w & bit;

	*w &= ~bit;
	return was;
}

/* The first clear bit in [@from, @size), or @size if there is none. */
static unsigned long bm_next_zero(const unsigned long *map, unsigned long size,
				  unsigned long from)
{
	unsigned long w, word;

	if (from >= size)
		return size;
	w = from / BITS_PER_LONG;
	word = ~map[w] & (~0UL << (from % BITS_PER_LONG));
	while (!word) {
		if (++w * BITS_PER_LONG >= size)
			return size;
		word = ~map[w];
	}
	return min(w * BITS_PER_LONG + __ffs(word), size);
}

static unsigned long bootmap_bytes(unsigned long pages)
{
	unsigned long bytes = DIV_ROUND_UP(pages, BITS_PER_BYTE);

	return ALIGN(bytes, sizeof(long));
}

unsigned long bootmem_bootmap_pages(unsigned long pages)
{
	return PAGE_ALIGN(bootmap_bytes(pages)) >> PAGE_SHIFT;
}

/* --- Setting up a node ------------------------------------------------ */

/* Keep m->bdata_list sorted by node_min_pfn; equal starts go in call order. */
static void link_bootmem(bootmem_data_t *bdata)
{
	struct list_head *head = &kmm_current()->bdata_list;
	bootmem_data_t *ent;

	list_for_each_entry(ent, head, list) {
		if (bdata->node_min_pfn < ent->node_min_pfn) {
			list_add_tail(&bdata->list, &ent->list);
			return;
		}
	}
	list_add_tail(&bdata->list, head);
}

static unsigned long init_bootmem_core(bootmem_data_t *bdata,
				       unsigned long mapstart,
				       unsigned long start, unsigned long end)
{
	struct kmm_machine *m = kmm_current();
	unsigned long mapsize;

	/* mminit_validate_memmodel_limits: stay within SPARSEMEM's reach. */
	if (start > MAX_SPARSEMEM_PFN)
		start = MAX_SPARSEMEM_PFN;
	if (end > MAX_SPARSEMEM_PFN)
		end = MAX_SPARSEMEM_PFN;

	if (bdata->list.next)
		list_del(&bdata->list);
	bdata->node_bootmem_map = __va(PFN_PHYS(mapstart));
	bdata->node_min_pfn = start;
	bdata->node_low_pfn = end;
	link_bootmem(bdata);

	/* All reserved: the caller frees the RAM it knows about. */
	mapsize = bootmap_bytes(end - start);
	memset(bdata->node_bootmem_map, 0xff, mapsize);

	bdebug("nid=%td start=%lx map=%lx end=%lx mapsize=%lx\n",
	       bdata_nid(m, bdata), start, mapstart, end, mapsize);
	return mapsize;
}

unsigned long init_bootmem_node(pg_data_t *pgdat, unsigned long freepfn,
				unsigned long startpfn, unsigned long endpfn)
{
	return init_bootmem_core(pgdat_bdata(pgdat), freepfn, startpfn,
				 endpfn);
}

unsigned long init_bootmem(unsigned long addr, unsigned long memend)
{
	max_low_pfn = memend;
	min_low_pfn = addr;
	return init_bootmem_core(NODE_BDATA(0), addr, 0, memend);
}

/* --- Marking ranges free or reserved ---------------------------------- */

static void __free(bootmem_data_t *bdata, unsigned long sidx,
		   unsigned long eidx)
{
	struct kmm_machine *m = kmm_current();
	unsigned long idx;

	bdebug("nid=%td start=%lx end=%lx\n", bdata_nid(m, bdata),
	       sidx + bdata->node_min_pfn, eidx + bdata->node_min_pfn);

	if (WARN_ON(!bdata->node_bootmem_map))
		return;
	if (bdata->hint_idx > sidx)
		bdata->hint_idx = sidx;
	for (idx = sidx; idx < eidx; idx++)
		if (!bm_test_and_clear(bmap(bdata), idx))
			BUG();
}

static int __reserve(bootmem_data_t *bdata, unsigned long sidx,
		     unsigned long eidx, int flags)
{
	struct kmm_machine *m = kmm_current();
	bool exclusive = flags & BOOTMEM_EXCLUSIVE;
	unsigned long idx;

	bdebug("nid=%td start=%lx end=%lx flags=%x\n", bdata_nid(m, bdata),
	       sidx + bdata->node_min_pfn, eidx + bdata->node_min_pfn, flags);

	if (WARN_ON(!bdata->node_bootmem_map))
		return 0;
	for (idx = sidx; idx < eidx; idx++) {
		if (!bm_test_and_set(bmap(bdata), idx))
			continue;
		if (exclusive) {
			/* Give back what this call took, then refuse. */
			__free(bdata, sidx, idx);
			return -EBUSY;
		}
		bdebug("silent double reserve of PFN %lx\n",
		       idx + bdata->node_min_pfn);
	}
	return 0;
}

static int mark_bootmem_node(bootmem_data_t *bdata, unsigned long start,
			     unsigned long end, int reserve, int flags)
{
	struct kmm_machine *m = kmm_current();

	bdebug("nid=%td start=%lx end=%lx reserve=%d flags=%x\n",
	       bdata_nid(m, bdata), start, end, reserve, flags);

	BUG_ON(start < bdata->node_min_pfn);
	BUG_ON(end > bdata->node_low_pfn);

	if (reserve)
		return __reserve(bdata, start - bdata->node_min_pfn,
				 end - bdata->node_min_pfn, flags);
	__free(bdata, start - bdata->node_min_pfn, end - bdata->node_min_pfn);
	return 0;
}

/*
 * A pfn range that may cross nodes: the nodes on the list must cover it
 * without gaps, from the first one containing @start on.
 */
static int mark_bootmem(unsigned long start, unsigned long end, int reserve,
			int flags)
{
	bootmem_data_t *bdata;
	unsigned long pos = start;

	list_for_each_entry(bdata, &kmm_current()->bdata_list, list) {
		unsigned long stop;
		int err;

		if (pos < bdata->node_min_pfn || pos >= bdata->node_low_pfn) {
			/* Only allowed before the range has begun. */
			BUG_ON(pos != start);
			continue;
		}
		stop = min(bdata->node_low_pfn, end);
		err = mark_bootmem_node(bdata, pos, stop, reserve, flags);
		if (reserve && err) {
			/* Undo the nodes already done. */
			mark_bootmem(start, pos, 0, 0);
			return err;
		}
		if (stop == end)
			return 0;
		pos = bdata->node_low_pfn;
	}
	BUG();
}

void free_bootmem_node(pg_data_t *pgdat, unsigned long physaddr,
		       unsigned long size)
{
	mark_bootmem_node(pgdat_bdata(pgdat), PFN_UP(physaddr),
			  PFN_DOWN(physaddr + size), 0, 0);
}

void free_bootmem(unsigned long physaddr, unsigned long size)
{
	mark_bootmem(PFN_UP(physaddr), PFN_DOWN(physaddr + size), 0, 0);
}

int reserve_bootmem_node(pg_data_t *pgdat, unsigned long physaddr,
			 unsigned long size, int flags)
{
	return mark_bootmem_node(pgdat_bdata(pgdat), PFN_DOWN(physaddr),
				 PFN_UP(physaddr + size), 1, flags);
}

int reserve_bootmem(unsigned long addr, unsigned long size, int flags)
{
	return mark_bootmem(PFN_DOWN(addr), PFN_UP(addr + size), 1, flags);
}

/*
 * Straight to the page allocator, bypassing the bitmaps (used after
 * free_all_bootmem, for memory bootmem handed out and the caller no longer
 * needs).
 */
void free_bootmem_late(unsigned long physaddr, unsigned long size)
{
	struct kmm_machine *m = kmm_current();
	unsigned long pfn;

	for (pfn = PFN_UP(physaddr); pfn < PFN_DOWN(physaddr + size); pfn++) {
		__free_pages_core(pfn_to_page(pfn), 0);
		atomic_fetch_add_explicit(&m->totalram, 1,
					  memory_order_relaxed);
	}
}

/* --- Allocation -------------------------------------------------------- */

/* Align a bitmap index so that the pfn it stands for is @step-aligned. */
static unsigned long align_idx(const bootmem_data_t *bdata, unsigned long idx,
			       unsigned long step)
{
	unsigned long base = bdata->node_min_pfn;

	return ALIGN(base + idx, step) - base;
}

/* The same for a byte offset from the node start and a byte alignment. */
static unsigned long align_off(const bootmem_data_t *bdata, unsigned long off,
			       unsigned long align)
{
	unsigned long base = (unsigned long)PFN_PHYS(bdata->node_min_pfn);

	return ALIGN(base + off, align) - base;
}

static void *alloc_bootmem_bdata(bootmem_data_t *bdata, unsigned long size,
				 unsigned long align, unsigned long goal,
				 unsigned long limit)
{
	struct kmm_machine *m = kmm_current();
	unsigned long min, max, start, sidx, midx, step, fallback = 0;

	bdebug("nid=%td size=%lx [%lu pages] align=%lx goal=%lx limit=%lx\n",
	       bdata_nid(m, bdata), size, PAGE_ALIGN(size) >> PAGE_SHIFT,
	       align, goal, limit);

	BUG_ON(!size);
	BUG_ON(align & (align - 1));
	BUG_ON(limit && goal + size > limit);
	if (!align)
		align = 1;

	if (!bdata->node_bootmem_map)
		return NULL;

	min = bdata->node_min_pfn;
	max = bdata->node_low_pfn;
	goal >>= PAGE_SHIFT;
	limit >>= PAGE_SHIFT;
	if (limit && max > limit)
		max = limit;
	if (max <= min)
		return NULL;

	step = max(align >> PAGE_SHIFT, 1UL);
	if (goal && min < goal && goal < max)
		start = ALIGN(goal, step);
	else
		start = ALIGN(min, step);
	sidx = start - min;
	midx = max - min;

	if (bdata->hint_idx > sidx) {
		/* Remember the real start (+1 so that index 0 counts). */
		fallback = sidx + 1;
		sidx = align_idx(bdata, bdata->hint_idx, step);
	}

	for (;;) {
		unsigned long eidx, i, start_off, end_off;
		bool merge, busy = false;
		void *region;

		sidx = bm_next_zero(bmap(bdata), midx, sidx);
		sidx = align_idx(bdata, sidx, step);
		eidx = sidx + PFN_UP(size);
		if (sidx >= midx || eidx > midx) {
			if (!fallback)
				return NULL;
			sidx = align_idx(bdata, fallback - 1, step);
			fallback = 0;
			continue;
		}

		for (i = sidx; i < eidx; i++) {
			if (bm_test(bmap(bdata), i)) {
				/* Resume at the next aligned index past i. */
				sidx = align_idx(bdata, i, step);
				if (sidx == i)
					sidx += step;
				busy = true;
				break;
			}
		}
		if (busy)
			continue;

		/* Share the previous allocation's last page if it adjoins. */
		if ((bdata->last_end_off & (PAGE_SIZE - 1)) &&
		    PFN_DOWN(bdata->last_end_off) + 1 == sidx)
			start_off = align_off(bdata, bdata->last_end_off, align);
		else
			start_off = (unsigned long)PFN_PHYS(sidx);

		merge = PFN_DOWN(start_off) < sidx;
		end_off = start_off + size;
		bdata->last_end_off = end_off;
		bdata->hint_idx = PFN_UP(end_off);

		if (__reserve(bdata, PFN_DOWN(start_off) + merge,
			      PFN_UP(end_off), BOOTMEM_EXCLUSIVE))
			BUG();

		region = __va(PFN_PHYS(bdata->node_min_pfn) + start_off);
		kmm_zero_early(region, size);
		return region;
	}
}

/* Linux warns once per boot; kmm on every call (see the file comment). */
static bool slab_up_warn(void)
{
	return WARN_ON(kmm_current()->slab_is_available);
}

static void *alloc_bootmem_core(unsigned long size, unsigned long align,
				unsigned long goal, unsigned long limit)
{
	bootmem_data_t *bdata;
	void *region;

	slab_up_warn();
	list_for_each_entry(bdata, &kmm_current()->bdata_list, list) {
		if (goal && bdata->node_low_pfn <= PFN_DOWN(goal))
			continue;
		if (limit && bdata->node_min_pfn >= PFN_DOWN(limit))
			break;
		region = alloc_bootmem_bdata(bdata, size, align, goal, limit);
		if (region)
			return region;
	}
	return NULL;
}

static void *___alloc_bootmem_nopanic(unsigned long size, unsigned long align,
				      unsigned long goal, unsigned long limit)
{
	void *ptr;

	for (;;) {
		ptr = alloc_bootmem_core(size, align, goal, limit);
		if (ptr || !goal)
			return ptr;
		goal = 0;
	}
}

void *__alloc_bootmem_nopanic(unsigned long size, unsigned long align,
			      unsigned long goal)
{
	return ___alloc_bootmem_nopanic(size, align, goal, 0);
}

static void *___alloc_bootmem(unsigned long size, unsigned long align,
			      unsigned long goal, unsigned long limit)
{
	void *mem = ___alloc_bootmem_nopanic(size, align, goal, limit);

	if (mem)
		return mem;
	pr_alert("bootmem alloc of %lu bytes failed!\n", size);
	panic("Out of memory");
}

void *__alloc_bootmem(unsigned long size, unsigned long align,
		      unsigned long goal)
{
	return ___alloc_bootmem(size, align, goal, 0);
}

void *___alloc_bootmem_node_nopanic(pg_data_t *pgdat, unsigned long size,
				    unsigned long align, unsigned long goal,
				    unsigned long limit)
{
	void *ptr;

	slab_up_warn();
	for (;;) {
		/* A goal beyond the limit drops the limit, not the goal. */
		if (limit && goal + size > limit)
			limit = 0;
		ptr = alloc_bootmem_bdata(pgdat_bdata(pgdat), size, align,
					  goal, limit);
		if (ptr)
			return ptr;
		ptr = alloc_bootmem_core(size, align, goal, limit);
		if (ptr || !goal)
			return ptr;
		goal = 0;
	}
}

void *__alloc_bootmem_node_nopanic(pg_data_t *pgdat, unsigned long size,
				   unsigned long align, unsigned long goal)
{
	return ___alloc_bootmem_node_nopanic(pgdat, size, align, goal, 0);
}

/* As 4.19: @limit is accepted but the search runs without one. */
static void *___alloc_bootmem_node(pg_data_t *pgdat, unsigned long size,
				   unsigned long align, unsigned long goal,
				   unsigned long limit)
{
	void *ptr = ___alloc_bootmem_node_nopanic(pgdat, size, align, goal, 0);

	if (ptr)
		return ptr;
	pr_alert("bootmem alloc of %lu bytes failed!\n", size);
	panic("Out of memory");
}

void *__alloc_bootmem_node(pg_data_t *pgdat, unsigned long size,
			   unsigned long align, unsigned long goal)
{
	slab_up_warn();
	return ___alloc_bootmem_node(pgdat, size, align, goal, 0);
}

/* Prefer memory above 4 GiB when the node has some and the goal is low. */
void *__alloc_bootmem_node_high(pg_data_t *pgdat, unsigned long size,
				unsigned long align, unsigned long goal)
{
	/* Linux's 128 MiB margin, 128 >> (20 - PAGE_SHIFT), is 0 pages. */
	const unsigned long margin = 128UL >> (20 - PAGE_SHIFT);

	slab_up_warn();
	if (pgdat_end_pfn(pgdat) > MAX_DMA32_PFN + margin &&
	    (goal >> PAGE_SHIFT) < MAX_DMA32_PFN) {
		void *ptr = alloc_bootmem_bdata(pgdat_bdata(pgdat), size, align,
						MAX_DMA32_PFN << PAGE_SHIFT, 0);

		if (ptr)
			return ptr;
	}
	return __alloc_bootmem_node(pgdat, size, align, goal);
}

void *__alloc_bootmem_low(unsigned long size, unsigned long align,
			  unsigned long goal)
{
	return ___alloc_bootmem(size, align, goal, ARCH_LOW_ADDRESS_LIMIT);
}

void *__alloc_bootmem_low_nopanic(unsigned long size, unsigned long align,
				  unsigned long goal)
{
	return ___alloc_bootmem_nopanic(size, align, goal,
					ARCH_LOW_ADDRESS_LIMIT);
}

void *__alloc_bootmem_low_node(pg_data_t *pgdat, unsigned long size,
			       unsigned long align, unsigned long goal)
{
	slab_up_warn();
	return ___alloc_bootmem_node(pgdat, size, align, goal,
				     ARCH_LOW_ADDRESS_LIMIT);
}

/* --- Handing over to the page allocator -------------------------------- */

void free_bootmem_with_active_regions(int nid, unsigned long max_low)
{
	unsigned long start_pfn, end_pfn;
	int i, this_nid;

	if (nid < 0 || nid >= KMM_MAX_NODES)
		nid = NUMA_NO_NODE;
	for_each_mem_pfn_range(i, nid, &start_pfn, &end_pfn, &this_nid) {
		start_pfn = min(start_pfn, max_low);
		end_pfn = min(end_pfn, max_low);
		if (start_pfn >= end_pfn)
			continue;
		/* A range on no node (or a node without pgdat) has no bitmap. */
		if (WARN_ON(this_nid < 0 || this_nid >= KMM_MAX_NODES ||
			    !NODE_DATA(this_nid)))
			continue;
		free_bootmem_node(NODE_DATA(this_nid), PFN_PHYS(start_pfn),
				  (end_pfn - start_pfn) << PAGE_SHIFT);
	}
}

static unsigned long free_all_bootmem_core(bootmem_data_t *bdata,
					   void (*release)(struct page *,
							   unsigned int))
{
	struct kmm_machine *m = kmm_current();
	unsigned long *map = bmap(bdata);
	unsigned long start, end, pages, count = 0;
	struct page *page;

	if (!map)
		return 0;
	start = bdata->node_min_pfn;
	end = bdata->node_low_pfn;
	bdebug("nid=%td start=%lx end=%lx\n", bdata_nid(m, bdata), start, end);

	while (start < end) {
		unsigned long idx = start - bdata->node_min_pfn;
		unsigned int shift = idx & (BITS_PER_LONG - 1);
		unsigned long vec, cur;

		/* Free pages as set bits, bit 0 standing for @start. */
		vec = ~map[idx / BITS_PER_LONG];
		if (shift) {
			vec >>= shift;
			if (end - start >= BITS_PER_LONG)
				vec |= ~map[idx / BITS_PER_LONG + 1] <<
				       (BITS_PER_LONG - shift);
		}

		if (IS_ALIGNED(start, BITS_PER_LONG) && vec == ~0UL) {
			release(pfn_to_page(start), ilog2(BITS_PER_LONG));
			count += BITS_PER_LONG;
			start += BITS_PER_LONG;
			continue;
		}
		cur = start;
		start = ALIGN(start + 1, BITS_PER_LONG);
		for (; vec && cur != start; vec >>= 1, cur++) {
			if (vec & 1) {
				release(pfn_to_page(cur), 0);
				count++;
			}
		}
	}

	/* Finally the bitmap's own pages. */
	page = virt_to_page(map);
	pages = bootmem_bootmap_pages(bdata->node_low_pfn -
				      bdata->node_min_pfn);
	count += pages;
	while (pages--)
		release(page++, 0);
	bdata->node_bootmem_map = NULL;

	bdebug("nid=%td released=%lx\n", bdata_nid(m, bdata), count);
	return count;
}

unsigned long kmm_free_all_bootmem_to(void (*release)(struct page *page,
						       unsigned int order))
{
	struct kmm_machine *m = kmm_current();
	unsigned long total = 0;
	bootmem_data_t *bdata;

	reset_all_zones_managed_pages();
	list_for_each_entry(bdata, &m->bdata_list, list)
		total += free_all_bootmem_core(bdata, release);
	atomic_fetch_add_explicit(&m->totalram, (long)total,
				  memory_order_relaxed);
	return total;
}

unsigned long free_all_bootmem(void)
{
	return kmm_free_all_bootmem_to(__free_pages_core);
}

/* --- kmm integration ---------------------------------------------------- */

bool kmm_bootmem_active(void)
{
	bootmem_data_t *bdata;

	list_for_each_entry(bdata, &kmm_current()->bdata_list, list)
		if (bdata->node_bootmem_map)
			return true;
	return false;
}

/* Reserve in the node's bitmap the part of [@base, @end) inside the node. */
static void reserve_clipped(pg_data_t *pgdat, const bootmem_data_t *bdata,
			    phys_addr_t base, phys_addr_t end)
{
	phys_addr_t lo = PFN_PHYS(bdata->node_min_pfn);
	phys_addr_t hi = PFN_PHYS(bdata->node_low_pfn);

	base = max(base, lo);
	end = min(end, hi);
	if (base < end)
		reserve_bootmem_node(pgdat, base, end - base, BOOTMEM_DEFAULT);
}

static int setup_node(int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	bootmem_data_t *bdata = NODE_BDATA(nid);
	struct memblock_region *r;
	unsigned long start, end, pages;
	phys_addr_t map;
	bool bottom_up;

	get_pfn_range_for_nid(nid, &start, &end);
	end = min(end, max_low_pfn);
	if (start >= end)
		return 0;	/* all of it is above max_low_pfn */

	/* The first free pages of the node that hold the bitmap. */
	pages = bootmem_bootmap_pages(end - start);
	bottom_up = memblock_bottom_up();
	memblock_set_bottom_up(true);
	map = memblock_alloc_range_nid(PFN_PHYS(pages), PAGE_SIZE,
				       PFN_PHYS(start), PFN_PHYS(end), nid,
				       true);
	memblock_set_bottom_up(bottom_up);
	if (!map) {
		pr_err("bootmem: node %d: no room for a %lu-page bitmap in [mem %#010llx-%#010llx]\n",
		       nid, pages, (unsigned long long)PFN_PHYS(start),
		       (unsigned long long)PFN_PHYS(end) - 1);
		return -ENOMEM;
	}

	pgdat->node_id = nid;
	init_bootmem_node(pgdat, PHYS_PFN(map), start, end);
	free_bootmem_with_active_regions(nid, end);
	for_each_reserved_mem_region(r)
		reserve_clipped(pgdat, bdata, r->base, r->base + r->size);
	for_each_mem_region(r)
		if (memblock_is_nomap(r))
			reserve_clipped(pgdat, bdata, r->base,
					r->base + r->size);

	pr_info("bootmem: node %d bitmap at [mem %#010llx-%#010llx] (%lu pages)\n",
		nid, (unsigned long long)map,
		(unsigned long long)(map + PFN_PHYS(pages) - 1), pages);
	return 0;
}

int kmm_bootmem_setup(void)
{
	int nid, ret;

	if (kmm_bootmem_active())
		return -EBUSY;
	for (nid = 0; nid < KMM_MAX_NODES; nid++) {
		if (!NODE_DATA(nid) || !node_online(nid))
			continue;
		ret = setup_node(nid);
		if (ret)
			return ret;
	}
	return 0;
}

void *kmm_bootmem_alloc_node(int nid, unsigned long size, unsigned long align,
			     unsigned long goal, unsigned long limit)
{
	if (!size)
		return NULL;
	if (!align)
		align = SMP_CACHE_BYTES;
	if (limit == ~0UL)
		limit = 0;
	/* bootmem BUGs on these; a memblock-style caller just fails. */
	if (align & (align - 1) || (limit && size > limit))
		return NULL;
	if (limit && goal + size > limit)
		goal = 0;
	if (nid < 0 || nid >= KMM_MAX_NODES || !NODE_DATA(nid))
		return ___alloc_bootmem_nopanic(size, align, goal, limit);
	return ___alloc_bootmem_node_nopanic(NODE_DATA(nid), size, align, goal,
					     limit);
}
