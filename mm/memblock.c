/* SPDX-License-Identifier: MIT */
/*
 * mm/memblock.c - the early boot memory allocator, as in Linux 6.12.
 *
 * Theory of operation
 * -------------------
 * What.  Before the page allocator exists, the kernel knows memory only as
 * lists of physical ranges.  memblock keeps two of them per machine:
 * "memory", the RAM the kernel may use (filled by the arch from e820 with
 * memblock_add, given node ids by NUMA init with memblock_set_node), and
 * "reserved", every range already in use (the kernel image, firmware areas,
 * and each memblock allocation).  Free memory is memory minus reserved.
 * Allocations search the free ranges, take a piece and reserve it.  At the
 * end of boot the page allocator walks the free ranges and takes them over
 * (memblock_free_all, mm/page_alloc side, not in this file).
 *
 * Data structures.  A struct memblock_type is an array of struct
 * memblock_region {base, size, flags, nid} with cnt used slots out of max,
 * plus total_size, the sum of the sizes.  Both arrays start in the
 * machine's static init arrays (128 slots each, struct kmm_machine).  When
 * an addition or a split needs more slots than remain, the array is doubled
 * (memblock_double_array): a page-aligned block for twice the entries is
 * found in free memory with the ordinary search, the entries are copied,
 * the new block is reserved and the old one freed unless it is the static
 * array.  The arrays therefore live in simulated physical memory, reached
 * through the direct map (__va), as they do in Linux.
 *
 * Invariants (checked by tests/test_memblock.c after every operation):
 *  - regions are sorted by base and do not overlap;
 *  - no two neighbours touch with equal nid and flags (they would have been
 *    merged);
 *  - no region has size 0, except the dummy entry below;
 *  - cnt <= max;
 *  - total_size is the sum of the sizes, except after memblock_trim_memory
 *    shrank a region: Linux leaves total_size alone then, and so do we.
 * Empty arrays: Linux 6.11+ keeps cnt = 0.  Earlier kernels keep one dummy
 * entry {0, 0, 0} with cnt = 1; the machines modelling them (kver < 6.11)
 * do the same, including re-creating the dummy (nid MAX_NUMNODES) when the
 * last region goes.  Either way slot 0 has size 0 exactly when the array is
 * empty, which is how memblock_add_range recognises that case.
 *
 * Algorithms.  Adding [base, end) (memblock_add_range) walks the sorted
 * array and inserts only the parts not already covered, so overlapping an
 * existing region never changes that region; a first dry pass counts the
 * insertions so that the array can be doubled beforehand, unless twice the
 * current count plus one already fits.  Touched neighbours are then merged.
 * Removing, flag changes and node assignment first isolate the range
 * (memblock_isolate_range: split the regions crossing its two boundaries,
 * at most two new slots) and then act on the whole regions inside it.
 * Free ranges are enumerated by __next_mem_range, which walks the memory
 * array and the gaps between reserved regions in lockstep, encoding both
 * indices in one u64 cursor (low 32 bits: memory, high 32 bits: gap);
 * __next_mem_range_rev does the same downwards.  Regions are skipped by
 * node, and by flags as Linux's should_skip_region does: hotpluggable ones
 * under movable_node, non-mirrored ones when mirror is asked for, NOMAP and
 * driver-managed ones unless asked for.  The search for @size bytes is
 * top-down by default (highest free range first, candidate rounded down)
 * or bottom-up (memblock_set_bottom_up), never below PAGE_SIZE.  The
 * allocators add Linux's fallbacks in Linux's order: requested node, then
 * any node unless exact_nid; mirrored memory, then any memory with a
 * warning; the memblock_alloc* family then retries without min_addr.
 *
 * Locking: none.  As in Linux, memblock is used by the single boot thread
 * of its machine; each machine has its own state (kmm_current()), so
 * several machines may boot on several threads at once.
 *
 * Failure.  Additions and splits return -ENOMEM when the array cannot be
 * grown; the search functions return 0 and the virtual allocators NULL;
 * nothing here panics on a failed allocation (the callers do).  Growing an
 * array before memblock_allow_resize() is refused (-1, Linux < 6.7) or
 * panics ("memblock: cannot resize %s array", 6.7+).  Broken internal
 * invariants are BUG_ON, as in Linux.
 *
 * Observability.  With memblock=debug every add/remove/reserve/free and
 * every allocation request is logged as Linux logs it (memblock_dbg), and
 * memblock_dump_all() prints the "MEMBLOCK configuration:" table.
 *
 * Differences from Linux.
 *  - The %pS caller symbol that ends Linux's memblock=debug lines is
 *    omitted: kmm cannot name its callers.  %pa values are printed with
 *    %#018llx, which is what %pa prints on x86_64.
 *  - Doubling an array always takes memory from memblock, never from the
 *    slab, so the *_in_slab flags stay false.
 *  - After slab_is_available Linux's memblock_alloc_range_nid warns once
 *    and returns kzalloc_node() memory; kmm has no slab yet, so it warns
 *    (on every call: a per-process "once" would make one machine's log
 *    depend on another's history) and fails.
 *  - A zero alignment makes Linux call dump_stack(); kmm prints a WARN
 *    report instead (there is no stack to dump), then uses SMP_CACHE_BYTES.
 *  - memblock_end_of_DRAM() with no memory returns 0 where Linux 6.11+
 *    would read before the array.
 *  - No kmemleak, KMSAN or accept_memory hooks; no physmem type.
 */
#include <kmm/memblock.h>
#include <kmm/platform.h>
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>

#define PHYS_ADDR_MAX	(~(phys_addr_t)0)

/* Values for %llx and friends: phys_addr_t is unsigned long on x86_64. */
#define LL(x)		((unsigned long long)(x))

#define memblock_dbg(fmt, ...)						\
	do {								\
		if (kmm_current()->params.memblock_debug)		\
			pr_info(fmt, ##__VA_ARGS__);			\
	} while (0)

/* CONFIG_NODES_SHIFT of the modelled build decides MAX_NUMNODES. */
static inline int max_numnodes(const struct kmm_machine *m)
{
	return 1 << m->desc.nodes_shift;
}

static inline bool numa_valid_node_m(const struct kmm_machine *m, int nid)
{
	return nid >= 0 && nid < max_numnodes(m);
}

/* Linux <= 6.10 keeps a dummy entry (cnt = 1) in empty arrays. */
static inline bool memblock_has_dummy(const struct kmm_machine *m)
{
	return m->kver < KMM_KVER(6, 11);
}

static enum memblock_flags choose_memblock_flags(const struct kmm_machine *m)
{
	return m->system_has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
}

/* Shrink @size so that @base + @size cannot wrap; return the new size. */
static inline phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t *size)
{
	if (*size > PHYS_ADDR_MAX - base)
		*size = PHYS_ADDR_MAX - base;
	return *size;
}

static inline bool memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1,
					  phys_addr_t base2, phys_addr_t size2)
{
	return base1 < base2 + size2 && base2 < base1 + size1;
}

/* ---------------------------------------------------------------------- */
/* Set-up                                                                  */
/* ---------------------------------------------------------------------- */

static void memblock_type_init(struct memblock_type *type,
			       struct memblock_region *array,
			       unsigned long nr, char *name, bool empty_dummy)
{
	memset(array, 0, nr * sizeof(*array));
	type->regions = array;
	type->max = nr;
	type->name = name;
	type->total_size = 0;
	/* The <= 6.10 dummy is the zeroed slot 0 of a static array. */
	type->cnt = empty_dummy ? 1 : 0;
}

void kmm_memblock_init(memblock_t *mb, bool empty_dummy)
{
	struct kmm_machine *m = container_of(mb, struct kmm_machine, mblk);
	static char memory_name[] = "memory";
	static char reserved_name[] = "reserved";

	memblock_type_init(&mb->memory, m->memblock_memory_init,
			   INIT_MEMBLOCK_MEMORY_REGIONS, memory_name,
			   empty_dummy);
	memblock_type_init(&mb->reserved, m->memblock_reserved_init,
			   INIT_MEMBLOCK_RESERVED_REGIONS, reserved_name,
			   empty_dummy);
	mb->bottom_up = false;
	mb->current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	m->memblock_can_resize = false;
	m->memblock_memory_in_slab = false;
	m->memblock_reserved_in_slab = false;
	m->system_has_some_mirror = false;
}

void memblock_allow_resize(void)
{
	kmm_current()->memblock_can_resize = true;
}

void memblock_set_bottom_up(bool enable)
{
	memblock.bottom_up = enable;
}

bool memblock_bottom_up(void)
{
	return memblock.bottom_up;
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

phys_addr_t memblock_get_current_limit(void)
{
	return memblock.current_limit;
}

bool memblock_overlaps_region(struct memblock_type *type,
			      phys_addr_t base, phys_addr_t size)
{
	unsigned long i;

	memblock_cap_size(base, &size);
	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];

		if (memblock_addrs_overlap(base, size, r->base, r->size))
			return true;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* Finding free space                                                      */
/* ---------------------------------------------------------------------- */

static phys_addr_t find_range_bottom_up(phys_addr_t start, phys_addr_t end,
					phys_addr_t size, phys_addr_t align,
					int nid, enum memblock_flags flags)
{
	phys_addr_t lo, hi, cand;
	u64 i;

	for_each_free_mem_range(i, nid, flags, &lo, &hi, NULL) {
		lo = clamp(lo, start, end);
		hi = clamp(hi, start, end);
		cand = round_up(lo, align);
		if (cand < hi && hi - cand >= size)
			return cand;
	}
	return 0;
}

static phys_addr_t find_range_top_down(phys_addr_t start, phys_addr_t end,
				       phys_addr_t size, phys_addr_t align,
				       int nid, enum memblock_flags flags)
{
	phys_addr_t lo, hi, cand;
	u64 i;

	for_each_free_mem_range_reverse(i, nid, flags, &lo, &hi, NULL) {
		lo = clamp(lo, start, end);
		hi = clamp(hi, start, end);
		if (hi < size)
			continue;
		cand = round_down(hi - size, align);
		if (cand >= lo)
			return cand;
	}
	return 0;
}

/*
 * Find @size bytes aligned to @align inside [@start, @end) on node @nid
 * (NUMA_NO_NODE: any) among regions matching @flags.  @end may be
 * MEMBLOCK_ALLOC_ACCESSIBLE or _NOLEAKTRACE (both: the current limit).
 * Page 0 is never handed out.  Return: the address, or 0.
 */
static phys_addr_t memblock_find_in_range_node(phys_addr_t size,
					       phys_addr_t align,
					       phys_addr_t start,
					       phys_addr_t end, int nid,
					       enum memblock_flags flags)
{
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE ||
	    end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = memblock.current_limit;

	start = max_t(phys_addr_t, start, PAGE_SIZE);
	end = max(start, end);

	if (memblock_bottom_up())
		return find_range_bottom_up(start, end, size, align, nid,
					    flags);
	return find_range_top_down(start, end, size, align, nid, flags);
}

/* Any node; mirrored memory first when the system has some. */
static phys_addr_t memblock_find_in_range(phys_addr_t start, phys_addr_t end,
					  phys_addr_t size, phys_addr_t align)
{
	enum memblock_flags flags = choose_memblock_flags(kmm_current());
	phys_addr_t found;

	for (;;) {
		found = memblock_find_in_range_node(size, align, start, end,
						    NUMA_NO_NODE, flags);
		if (found || !(flags & MEMBLOCK_MIRROR))
			return found;
		if (___ratelimit(&kmm_current()->mirror_rs[0],
				 "memblock_find_in_range"))
			pr_warn("Could not allocate %#018llx bytes of mirrored memory\n",
				LL(size));
		flags &= ~MEMBLOCK_MIRROR;
	}
}

/* ---------------------------------------------------------------------- */
/* Region array primitives                                                 */
/* ---------------------------------------------------------------------- */

/* Drop slot @r of @type. */
static void memblock_remove_region(struct memblock_type *type, unsigned long r)
{
	struct kmm_machine *m = kmm_current();

	type->total_size -= type->regions[r].size;
	memmove(&type->regions[r], &type->regions[r + 1],
		(type->cnt - (r + 1)) * sizeof(type->regions[r]));
	type->cnt--;

	if (type->cnt == 0) {
		/* Slot 0 of an empty array reads as "size 0". */
		WARN_ON(type->total_size != 0);
		type->regions[0].base = 0;
		type->regions[0].size = 0;
		type->regions[0].flags = 0;
		memblock_set_region_node(&type->regions[0], max_numnodes(m));
		if (memblock_has_dummy(m))
			type->cnt = 1;
	}
}

/*
 * Give @type twice as many slots.  New space must not overlap
 * [@new_area_start, +@new_area_size), a range the caller is about to
 * reserve (only meaningful for the reserved array).  Return: 0, or -1.
 */
static int memblock_double_array(struct memblock_type *type,
				 phys_addr_t new_area_start,
				 phys_addr_t new_area_size)
{
	struct kmm_machine *m = kmm_current();
	struct memblock_region *new_array, *old_array;
	phys_addr_t old_size, new_size, old_alloc_size, new_alloc_size;
	phys_addr_t addr, new_end;

	/*
	 * Until the arch has reserved everything that must not be handed
	 * out, an array in the wrong place could land on it.
	 */
	if (!m->memblock_can_resize) {
		if (m->kver < KMM_KVER(6, 7))
			return -1;
		panic("memblock: cannot resize %s array\n", type->name);
	}

	old_size = type->max * sizeof(struct memblock_region);
	new_size = old_size << 1;
	/* Whole pages, so that the block can be given back whole later. */
	old_alloc_size = PAGE_ALIGN(old_size);
	new_alloc_size = PAGE_ALIGN(new_size);

	if (type != &memblock.reserved)
		new_area_start = new_area_size = 0;

	addr = memblock_find_in_range(new_area_start + new_area_size,
				      memblock.current_limit,
				      new_alloc_size, PAGE_SIZE);
	if (!addr && new_area_size)
		addr = memblock_find_in_range(0,
				min(new_area_start, memblock.current_limit),
				new_alloc_size, PAGE_SIZE);
	if (!addr) {
		pr_err("memblock: Failed to double %s array from %ld to %ld entries !\n",
		       type->name, type->max, type->max * 2);
		return -1;
	}
	new_array = __va(addr);

	new_end = addr + new_size - 1;
	memblock_dbg("memblock: %s is doubled to %ld at [%#018llx-%#018llx]",
		     type->name, type->max * 2, LL(addr), LL(new_end));

	/*
	 * Switch arrays before reserving: the array that is full may be the
	 * reserved array itself.
	 */
	memcpy(new_array, type->regions, old_size);
	memset(new_array + type->max, 0, old_size);
	old_array = type->regions;
	type->regions = new_array;
	type->max <<= 1;

	if (old_array != m->memblock_memory_init &&
	    old_array != m->memblock_reserved_init)
		memblock_free(old_array, old_alloc_size);

	BUG_ON(memblock_reserve(addr, new_alloc_size));
	return 0;
}

/*
 * Merge touching neighbours with equal nid and flags among slots
 * [@start_rgn - 1, @end_rgn].
 */
static void memblock_merge_regions(struct memblock_type *type,
				   unsigned long start_rgn,
				   unsigned long end_rgn)
{
	unsigned long i = start_rgn ? start_rgn - 1 : 0;

	end_rgn = min(end_rgn, type->cnt - 1);
	while (i < end_rgn) {
		struct memblock_region *a = &type->regions[i];
		struct memblock_region *b = a + 1;

		if (a->base + a->size != b->base ||
		    memblock_get_region_node(a) != memblock_get_region_node(b) ||
		    a->flags != b->flags) {
			BUG_ON(a->base + a->size > b->base);
			i++;
			continue;
		}
		a->size += b->size;
		memmove(b, b + 1, (type->cnt - (i + 2)) * sizeof(*b));
		type->cnt--;
		end_rgn--;
	}
}

/* Put a new region at slot @idx; the array must have a free slot. */
static void memblock_insert_region(struct memblock_type *type,
				   unsigned long idx, phys_addr_t base,
				   phys_addr_t size, int nid,
				   enum memblock_flags flags)
{
	struct memblock_region *slot = &type->regions[idx];

	BUG_ON(type->cnt >= type->max);
	memmove(slot + 1, slot, (type->cnt - idx) * sizeof(*slot));
	slot->base = base;
	slot->size = size;
	slot->flags = flags;
	memblock_set_region_node(slot, nid);
	type->cnt++;
	type->total_size += size;
}

/*
 * Add [@base, @base + @size) to @type.  Parts already covered keep their
 * region (and its nid and flags); only the uncovered parts are inserted,
 * then merged with compatible neighbours.
 * Return: 0 on success, -ENOMEM if the array could not grow.
 */
static int memblock_add_range(struct memblock_type *type,
			      phys_addr_t base, phys_addr_t size,
			      int nid, enum memblock_flags flags)
{
	struct kmm_machine *m = kmm_current();
	phys_addr_t end, cur;
	unsigned long idx, first = 0, last = 0;
	bool insert = false, any = false;
	int nr_new;

	end = base + memblock_cap_size(base, &size);
	if (!size)
		return 0;

	if (type->regions[0].size == 0) {
		/* Empty: the new region is slot 0. */
		WARN_ON(type->cnt != (memblock_has_dummy(m) ? 1UL : 0UL) ||
			type->total_size);
		type->regions[0].base = base;
		type->regions[0].size = size;
		type->regions[0].flags = flags;
		memblock_set_region_node(&type->regions[0], nid);
		type->total_size = size;
		type->cnt = 1;
		return 0;
	}

	/*
	 * At worst the new range straddles every region and needs cnt + 1
	 * slots; if they are there, skip the counting pass.
	 */
	if (type->cnt * 2 + 1 <= type->max)
		insert = true;

again:
	cur = base;
	nr_new = 0;
	for (idx = 0; idx < type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= cur)
			continue;
		if (rbase > cur) {
			/* The gap [cur, rbase) below this region is new. */
			WARN_ON(nid != memblock_get_region_node(rgn));
			WARN_ON(flags != rgn->flags);
			nr_new++;
			if (insert) {
				if (!any)
					first = idx;
				any = true;
				last = idx + 1;
				memblock_insert_region(type, idx++, cur,
						       rbase - cur, nid, flags);
			}
		}
		cur = min(rend, end);
	}
	if (cur < end) {
		nr_new++;
		if (insert) {
			if (!any)
				first = idx;
			any = true;
			last = idx + 1;
			memblock_insert_region(type, idx, cur, end - cur, nid,
					       flags);
		}
	}

	if (!nr_new)
		return 0;

	if (!insert) {
		while (type->cnt + nr_new > type->max)
			if (memblock_double_array(type, base, size) < 0)
				return -ENOMEM;
		insert = true;
		goto again;
	}
	memblock_merge_regions(type, first, last);
	return 0;
}

/*
 * Split regions of @type crossing @base or @base + @size so that the range
 * is made of whole regions: slots [*@start_rgn, *@end_rgn) (both 0 when
 * none).  Return: 0, or -ENOMEM if the array could not grow.
 */
static int memblock_isolate_range(struct memblock_type *type,
				  phys_addr_t base, phys_addr_t size,
				  int *start_rgn, int *end_rgn)
{
	phys_addr_t end = base + memblock_cap_size(base, &size);
	long idx;

	*start_rgn = *end_rgn = 0;
	if (!size)
		return 0;

	/* Two splits at most. */
	while (type->cnt + 2 > type->max)
		if (memblock_double_array(type, base, size) < 0)
			return -ENOMEM;

	for (idx = 0; idx < (long)type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;
		int rnid = memblock_get_region_node(rgn);
		enum memblock_flags rflags = rgn->flags;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;

		if (rbase < base) {
			/*
			 * Starts below the range: keep [base, rend) here, put
			 * [rbase, base) before it, then look at the upper part
			 * again on the next round.
			 */
			rgn->base = base;
			rgn->size -= base - rbase;
			type->total_size -= base - rbase;
			memblock_insert_region(type, idx, rbase, base - rbase,
					       rnid, rflags);
		} else if (rend > end) {
			/*
			 * Ends above the range: keep [end, rend) here, put
			 * [rbase, end) before it and revisit that lower part.
			 */
			rgn->base = end;
			rgn->size -= end - rbase;
			type->total_size -= end - rbase;
			memblock_insert_region(type, idx--, rbase, end - rbase,
					       rnid, rflags);
		} else {
			if (!*end_rgn)
				*start_rgn = (int)idx;
			*end_rgn = (int)idx + 1;
		}
	}
	return 0;
}

static int memblock_remove_range(struct memblock_type *type,
				 phys_addr_t base, phys_addr_t size)
{
	int start_rgn, end_rgn, i, ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = end_rgn - 1; i >= start_rgn; i--)
		memblock_remove_region(type, (unsigned long)i);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Adding, removing, reserving                                             */
/* ---------------------------------------------------------------------- */

/* The "%s: [%pa-%pa] %pS" lines, without the %pS. */
static void memblock_dbg_range(const char *func, phys_addr_t base,
			       phys_addr_t size)
{
	phys_addr_t last = base + size - 1;

	memblock_dbg("%s: [%#018llx-%#018llx]\n", func, LL(base), LL(last));
}

/*
 * memblock_add_node - add [@base, @base + @size) to memory on node @nid.
 * Return: 0 on success, -errno on failure.
 */
int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid,
		      enum memblock_flags flags)
{
	phys_addr_t last = base + size - 1;

	memblock_dbg("%s: [%#018llx-%#018llx] nid=%d flags=%x\n", __func__,
		     LL(base), LL(last), nid, (unsigned int)flags);
	return memblock_add_range(&memblock.memory, base, size, nid, flags);
}

/*
 * memblock_add - add [@base, @base + @size) to memory, node not yet known
 * (MAX_NUMNODES).  Return: 0 on success, -errno on failure.
 */
int memblock_add(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size);
	return memblock_add_range(&memblock.memory, base, size,
				  max_numnodes(kmm_current()), 0);
}

/*
 * memblock_validate_numa_coverage - is the memory without a valid node id
 * at most @threshold_bytes?  Return: true if so; else log it and false.
 */
bool memblock_validate_numa_coverage(unsigned long threshold_bytes)
{
	struct kmm_machine *m = kmm_current();
	unsigned long nr_pages = 0, start_pfn, end_pfn, mem_size_mb;
	int nid, i;

	for_each_mem_pfn_range(i, max_numnodes(m), &start_pfn, &end_pfn,
			       &nid) {
		if (!numa_valid_node_m(m, nid))
			nr_pages += end_pfn - start_pfn;
	}

	if ((nr_pages << PAGE_SHIFT) > threshold_bytes) {
		mem_size_mb = memblock_phys_mem_size() >> 20;
		pr_err("NUMA: no nodes coverage for %luMB of %luMB RAM\n",
		       (nr_pages << PAGE_SHIFT) >> 20, mem_size_mb);
		return false;
	}
	return true;
}

int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size);
	return memblock_remove_range(&memblock.memory, base, size);
}

/* Give back a memblock_alloc*() block (to memblock, not to the buddy). */
void memblock_free(void *ptr, size_t size)
{
	if (ptr)
		memblock_phys_free(__pa(ptr), size);
}

/* Give back a memblock_phys_alloc*() block.  Return: 0 or -errno. */
int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size);
	return memblock_remove_range(&memblock.reserved, base, size);
}

int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	memblock_dbg_range(__func__, base, size);
	return memblock_add_range(&memblock.reserved, base, size,
				  max_numnodes(kmm_current()), 0);
}

/* ---------------------------------------------------------------------- */
/* Flags and nodes                                                         */
/* ---------------------------------------------------------------------- */

static int memblock_setclr_flag(struct memblock_type *type, phys_addr_t base,
				phys_addr_t size, bool set, int flag)
{
	int i, ret, start_rgn, end_rgn;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;

	for (i = start_rgn; i < end_rgn; i++) {
		struct memblock_region *r = &type->regions[i];

		if (set)
			r->flags |= flag;
		else
			r->flags &= ~flag;
	}
	memblock_merge_regions(type, (unsigned long)start_rgn,
			       (unsigned long)end_rgn);
	return 0;
}

int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, true,
				    MEMBLOCK_HOTPLUG);
}

int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, false,
				    MEMBLOCK_HOTPLUG);
}

/* Only with kernelcore=mirror does mirrored memory matter at all. */
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size)
{
	struct kmm_machine *m = kmm_current();

	if (!m->params.mirrored_kernelcore)
		return 0;
	m->system_has_some_mirror = true;
	return memblock_setclr_flag(&memblock.memory, base, size, true,
				    MEMBLOCK_MIRROR);
}

int memblock_mark_nomap(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, true,
				    MEMBLOCK_NOMAP);
}

int memblock_clear_nomap(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.memory, base, size, false,
				    MEMBLOCK_NOMAP);
}

int memblock_reserved_mark_noinit(phys_addr_t base, phys_addr_t size)
{
	return memblock_setclr_flag(&memblock.reserved, base, size, true,
				    MEMBLOCK_RSRV_NOINIT);
}

/*
 * memblock_set_node - give the regions of @type inside [@base, +@size) node
 * @nid, splitting those that cross the edges.  Return: 0 or -errno.
 */
int memblock_set_node(phys_addr_t base, phys_addr_t size,
		      struct memblock_type *type, int nid)
{
	int start_rgn, end_rgn, i, ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++)
		memblock_set_region_node(&type->regions[i], nid);
	memblock_merge_regions(type, (unsigned long)start_rgn,
			       (unsigned long)end_rgn);
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Iterators                                                               */
/* ---------------------------------------------------------------------- */

/*
 * Whether an iterator over @type passes over region @r.  Only the memory
 * array is filtered: by node, and by the flags the caller asked for.
 */
static bool should_skip_region(const struct kmm_machine *m,
			       const struct memblock_type *type,
			       const struct memblock_region *r,
			       int nid, int flags)
{
	int r_nid = memblock_get_region_node(r);

	if (type != &m->mblk.memory)
		return false;
	if (numa_valid_node_m(m, nid) && nid != r_nid)
		return true;
	if (m->params.movable_node && memblock_is_hotpluggable(r) &&
	    !(flags & MEMBLOCK_HOTPLUG))
		return true;
	if ((flags & MEMBLOCK_MIRROR) && !memblock_is_mirror(r))
		return true;
	if (!(flags & MEMBLOCK_NOMAP) && memblock_is_nomap(r))
		return true;
	if (!(flags & MEMBLOCK_DRIVER_MANAGED) && memblock_is_driver_managed(r))
		return true;
	return false;
}

static inline u64 mem_range_cursor(int idx_a, int idx_b)
{
	return (u64)(u32)idx_a | ((u64)(s64)idx_b << 32);
}

/* Gap number @i of @type: before region i, or after the last one. */
static inline void type_gap(const struct memblock_type *type, long i,
			    phys_addr_t *start, phys_addr_t *end)
{
	const struct memblock_region *r = type->regions;

	*start = i ? r[i - 1].base + r[i - 1].size : 0;
	*end = i < (long)type->cnt ? r[i].base : PHYS_ADDR_MAX;
}

/*
 * __next_mem_range - step for_each_mem_range() and friends.
 *
 * With @type_b NULL, yield each region of @type_a that passes the filters.
 * Otherwise yield the parts of those regions that lie in the gaps of
 * @type_b (for memory and reserved: the free ranges), in ascending order.
 * *@idx holds the @type_a index in its low half and the @type_b gap index
 * in its high half; ULLONG_MAX ends the walk.
 */
/* Hand a found range to the iterator's optional outputs. */
static void store_range(phys_addr_t *out_start, phys_addr_t *out_end,
			int *out_nid, phys_addr_t start, phys_addr_t end,
			int nid)
{
	if (out_start)
		*out_start = start;
	if (out_end)
		*out_end = end;
	if (out_nid)
		*out_nid = nid;
}

void __next_mem_range(u64 *idx, int nid, enum memblock_flags flags,
		      struct memblock_type *type_a, struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	const struct kmm_machine *m = kmm_current();
	int idx_a = (int)(u32)*idx;
	int idx_b = (int)(*idx >> 32);

	for (; idx_a < (long)type_a->cnt; idx_a++) {
		struct memblock_region *r = &type_a->regions[idx_a];
		phys_addr_t r_start = r->base;
		phys_addr_t r_end = r->base + r->size;
		int r_nid = memblock_get_region_node(r);

		if (should_skip_region(m, type_a, r, nid, flags))
			continue;

		if (!type_b) {
			store_range(out_start, out_end, out_nid, r_start, r_end,
				    r_nid);
			*idx = mem_range_cursor(idx_a + 1, idx_b);
			return;
		}

		for (; idx_b < (long)type_b->cnt + 1; idx_b++) {
			phys_addr_t g_start, g_end;

			type_gap(type_b, idx_b, &g_start, &g_end);
			/* Gaps from here on lie above this region. */
			if (g_start >= r_end)
				break;
			if (r_start < g_end) {
				store_range(out_start, out_end, out_nid,
					    max(r_start, g_start), min(r_end, g_end),
					    r_nid);
				/* Advance whichever ends first. */
				if (r_end <= g_end)
					idx_a++;
				else
					idx_b++;
				*idx = mem_range_cursor(idx_a, idx_b);
				return;
			}
		}
	}
	*idx = ULLONG_MAX;
}

/* __next_mem_range_rev - the same walk, from the top down. */
void __next_mem_range_rev(u64 *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a,
			  struct memblock_type *type_b, phys_addr_t *out_start,
			  phys_addr_t *out_end, int *out_nid)
{
	const struct kmm_machine *m = kmm_current();
	int idx_a = (int)(u32)*idx;
	int idx_b = (int)(*idx >> 32);

	if (*idx == (u64)ULLONG_MAX) {
		idx_a = (int)type_a->cnt - 1;
		idx_b = type_b ? (int)type_b->cnt : 0;
	}

	for (; idx_a >= 0; idx_a--) {
		struct memblock_region *r = &type_a->regions[idx_a];
		phys_addr_t r_start = r->base;
		phys_addr_t r_end = r->base + r->size;
		int r_nid = memblock_get_region_node(r);

		if (should_skip_region(m, type_a, r, nid, flags))
			continue;

		if (!type_b) {
			store_range(out_start, out_end, out_nid, r_start, r_end,
				    r_nid);
			*idx = mem_range_cursor(idx_a - 1, idx_b);
			return;
		}

		for (; idx_b >= 0; idx_b--) {
			phys_addr_t g_start, g_end;

			type_gap(type_b, idx_b, &g_start, &g_end);
			/* Gaps from here on lie below this region. */
			if (g_end <= r_start)
				break;
			if (r_end > g_start) {
				store_range(out_start, out_end, out_nid,
					    max(r_start, g_start), min(r_end, g_end),
					    r_nid);
				/* Step back whichever starts last. */
				if (r_start >= g_start)
					idx_a--;
				else
					idx_b--;
				*idx = mem_range_cursor(idx_a, idx_b);
				return;
			}
		}
	}
	*idx = ULLONG_MAX;
}

/*
 * __next_mem_pfn_range - step for_each_mem_pfn_range(): the next memory
 * region on @nid (any node if @nid is not a valid node id) that holds at
 * least one whole page, as a pfn range.  *@idx becomes -1 at the end.
 */
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid)
{
	const struct kmm_machine *m = kmm_current();
	struct memblock_type *type = &memblock.memory;
	struct memblock_region *r = NULL;

	while (++*idx < (long)type->cnt) {
		r = &type->regions[*idx];
		if (PFN_UP(r->base) >= PFN_DOWN(r->base + r->size))
			continue;
		if (!numa_valid_node_m(m, nid) ||
		    nid == memblock_get_region_node(r))
			break;
	}
	if (*idx >= (long)type->cnt) {
		*idx = -1;
		return;
	}
	if (out_start_pfn)
		*out_start_pfn = PFN_UP(r->base);
	if (out_end_pfn)
		*out_end_pfn = PFN_DOWN(r->base + r->size);
	if (out_nid)
		*out_nid = memblock_get_region_node(r);
}

/* ---------------------------------------------------------------------- */
/* Allocation                                                              */
/* ---------------------------------------------------------------------- */

/*
 * memblock_alloc_range_nid - find and reserve @size bytes aligned to @align
 * in [@start, @end) (@end: MEMBLOCK_ALLOC_ACCESSIBLE for the current limit).
 * Tries node @nid, then any node unless @exact_nid; with mirrored memory
 * in the system, tries mirrored memory first and the rest after a warning.
 * Return: the physical address, or 0.
 */
phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align,
				     phys_addr_t start, phys_addr_t end,
				     int nid, bool exact_nid)
{
	struct kmm_machine *m = kmm_current();
	enum memblock_flags flags = choose_memblock_flags(m);
	phys_addr_t found;

	/* memblock may already be handed over: see the file comment. */
	if (WARN_ON(m->slab_is_available))
		return 0;

	if (!align) {
		/* Linux: dump_stack(). */
		__kmm_warn(__FILE__, __LINE__, __func__, NULL);
		align = SMP_CACHE_BYTES;
	}

	for (;;) {
		found = memblock_find_in_range_node(size, align, start, end,
						    nid, flags);
		if (found && !memblock_reserve(found, size))
			return found;

		if (numa_valid_node_m(m, nid) && !exact_nid) {
			found = memblock_find_in_range_node(size, align, start,
							    end, NUMA_NO_NODE,
							    flags);
			if (found && !memblock_reserve(found, size))
				return found;
		}

		if (!(flags & MEMBLOCK_MIRROR))
			return 0;
		flags &= ~MEMBLOCK_MIRROR;
		if (___ratelimit(&kmm_current()->mirror_rs[1],
				 "memblock_alloc_range_nid"))
			pr_warn("Could not allocate %#018llx bytes of mirrored memory\n",
				LL(size));
	}
}

phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end)
{
	memblock_dbg("%s: %llu bytes align=0x%llx from=%#018llx max_addr=%#018llx\n",
		     __func__, LL(size), LL(align), LL(start), LL(end));
	return memblock_alloc_range_nid(size, align, start, end, NUMA_NO_NODE,
					false);
}

phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align,
					int nid)
{
	return memblock_alloc_range_nid(size, align, 0,
					MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);
}

/*
 * The memblock_alloc*() core: @max_addr capped at the current limit, and
 * when nothing fits above @min_addr, a second try from 0.
 * Return: the virtual address, or NULL.
 */
static void *memblock_alloc_internal(phys_addr_t size, phys_addr_t align,
				     phys_addr_t min_addr, phys_addr_t max_addr,
				     int nid, bool exact_nid)
{
	phys_addr_t alloc;

	if (max_addr > memblock.current_limit)
		max_addr = memblock.current_limit;

	alloc = memblock_alloc_range_nid(size, align, min_addr, max_addr, nid,
					 exact_nid);
	if (!alloc && min_addr)
		alloc = memblock_alloc_range_nid(size, align, 0, max_addr, nid,
						 exact_nid);
	if (!alloc)
		return NULL;
	return phys_to_virt(alloc);
}

static void memblock_dbg_alloc(const char *func, phys_addr_t size,
			       phys_addr_t align, int nid,
			       phys_addr_t min_addr, phys_addr_t max_addr)
{
	memblock_dbg("%s: %llu bytes align=0x%llx nid=%d from=%#018llx max_addr=%#018llx\n",
		     func, LL(size), LL(align), nid, LL(min_addr),
		     LL(max_addr));
}

/* Node @nid only; the memory is not zeroed.  Return: pointer or NULL. */
void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align,
				   phys_addr_t min_addr, phys_addr_t max_addr,
				   int nid)
{
	memblock_dbg_alloc(__func__, size, align, nid, min_addr, max_addr);
	return memblock_alloc_internal(size, align, min_addr, max_addr, nid,
				       true);
}

/* Node @nid preferred; the memory is not zeroed.  Return: pointer or NULL. */
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align,
				 phys_addr_t min_addr, phys_addr_t max_addr,
				 int nid)
{
	memblock_dbg_alloc(__func__, size, align, nid, min_addr, max_addr);
	return memblock_alloc_internal(size, align, min_addr, max_addr, nid,
				       false);
}

/*
 * Zero early memory at @va: a large range's whole pages are handed back to
 * the host instead (they read as zero), so that a big early allocation -
 * a hash table, a gigantic page - does not make the host back it all; the
 * edges, and anything small or that the host refuses, are written.
 */
void kmm_zero_early(void *va, u64 size)
{
	struct kmm_machine *m = kmm_current();
	u64 pa = (u64)__pa(va), end = pa + size;
	u64 a = PFN_PHYS(PFN_UP(pa)), b = PFN_PHYS(PFN_DOWN(end));

	if (size >= 16 * PAGE_SIZE && a < b &&
	    !kmm_plat_discard(m->backing, a, b - a)) {
		memset(va, 0, (size_t)(a - pa));
		memset(m->phys_base + b, 0, (size_t)(end - b));
		return;
	}
	memset(va, 0, (size_t)size);
}

/* Node @nid preferred; zeroed memory.  Return: pointer or NULL. */
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align,
			     phys_addr_t min_addr, phys_addr_t max_addr,
			     int nid)
{
	void *ptr;

	memblock_dbg_alloc(__func__, size, align, nid, min_addr, max_addr);
	ptr = memblock_alloc_internal(size, align, min_addr, max_addr, nid,
				      false);
	if (ptr)
		kmm_zero_early(ptr, size);
	return ptr;
}

/* ---------------------------------------------------------------------- */
/* Queries and limits                                                      */
/* ---------------------------------------------------------------------- */

phys_addr_t memblock_phys_mem_size(void)
{
	return memblock.memory.total_size;
}

/* RAM below @limit_pfn, in whole pages (x86's reserve_initrd before 5.10). */
phys_addr_t memblock_mem_size(unsigned long limit_pfn)
{
	struct memblock_region *r;
	unsigned long pages = 0;

	for_each_mem_region(r) {
		unsigned long s = min((unsigned long)PFN_UP(r->base), limit_pfn);
		unsigned long e = min((unsigned long)PFN_DOWN(r->base + r->size),
				      limit_pfn);

		if (s < e)
			pages += e - s;
	}
	return PFN_PHYS(pages);
}

phys_addr_t memblock_reserved_size(void)
{
	return memblock.reserved.total_size;
}

/* A rough count of free pages before the buddy allocator knows better. */
unsigned long memblock_estimated_nr_free_pages(void)
{
	return PHYS_PFN(memblock_phys_mem_size() - memblock_reserved_size());
}

phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.regions[0].base;
}

phys_addr_t memblock_end_of_DRAM(void)
{
	struct memblock_type *type = &memblock.memory;
	struct memblock_region *last;

	if (!type->cnt)
		return 0;
	last = &type->regions[type->cnt - 1];
	return last->base + last->size;
}

/*
 * The address below which memory holds @limit bytes, or PHYS_ADDR_MAX if
 * there is not that much memory.
 */
static phys_addr_t __find_max_addr(phys_addr_t limit)
{
	struct memblock_region *r;

	for_each_mem_region(r) {
		if (limit <= r->size)
			return r->base + limit;
		limit -= r->size;
	}
	return PHYS_ADDR_MAX;
}

/* mem=: keep the first @limit bytes of memory, drop everything above. */
void memblock_enforce_memory_limit(phys_addr_t limit)
{
	phys_addr_t max_addr;

	if (!limit)
		return;
	max_addr = __find_max_addr(limit);
	if (max_addr == PHYS_ADDR_MAX)
		return;
	memblock_remove_range(&memblock.memory, max_addr, PHYS_ADDR_MAX);
	memblock_remove_range(&memblock.reserved, max_addr, PHYS_ADDR_MAX);
}

/*
 * Keep only [@base, @base + @size) of memory (NOMAP regions outside it
 * stay) and of reserved.
 */
void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size)
{
	struct memblock_type *mem = &memblock.memory;
	int start_rgn, end_rgn, i;

	if (!size)
		return;
	if (!mem->total_size) {
		pr_warn("%s: No memory registered yet\n", __func__);
		return;
	}
	if (memblock_isolate_range(mem, base, size, &start_rgn, &end_rgn))
		return;

	for (i = (int)mem->cnt - 1; i >= end_rgn; i--)
		if (!memblock_is_nomap(&mem->regions[i]))
			memblock_remove_region(mem, (unsigned long)i);
	for (i = start_rgn - 1; i >= 0; i--)
		if (!memblock_is_nomap(&mem->regions[i]))
			memblock_remove_region(mem, (unsigned long)i);

	memblock_remove_range(&memblock.reserved, 0, base);
	memblock_remove_range(&memblock.reserved, base + size, PHYS_ADDR_MAX);
}

/* mem= for architectures that keep NOMAP regions (arm64). */
void memblock_mem_limit_remove_map(phys_addr_t limit)
{
	phys_addr_t max_addr;

	if (!limit)
		return;
	max_addr = __find_max_addr(limit);
	if (max_addr == PHYS_ADDR_MAX)
		return;
	memblock_cap_memory_range(0, max_addr);
}

/* Binary search: the slot of @type holding @addr, or -1. */
static int memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned int lo = 0, hi = (unsigned int)type->cnt;

	do {
		unsigned int mid = (lo + hi) / 2;
		const struct memblock_region *r = &type->regions[mid];

		if (addr < r->base)
			hi = mid;
		else if (addr >= r->base + r->size)
			lo = mid + 1;
		else
			return (int)mid;
	} while (lo < hi);
	return -1;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) != -1;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) != -1;
}

bool memblock_is_map_memory(phys_addr_t addr)
{
	struct memblock_type *mem = &memblock.memory;
	int i = memblock_search(mem, addr);

	return i != -1 && !memblock_is_nomap(&mem->regions[i]);
}

/*
 * The node of the memory region holding @pfn, its pfn range in
 * *@start_pfn and *@end_pfn; NUMA_NO_NODE (outputs untouched) if none.
 */
int memblock_search_pfn_nid(unsigned long pfn, unsigned long *start_pfn,
			    unsigned long *end_pfn)
{
	struct memblock_type *mem = &memblock.memory;
	int i = memblock_search(mem, PFN_PHYS(pfn));

	if (i == -1)
		return NUMA_NO_NODE;
	*start_pfn = PFN_DOWN(mem->regions[i].base);
	*end_pfn = PFN_DOWN(mem->regions[i].base + mem->regions[i].size);
	return memblock_get_region_node(&mem->regions[i]);
}

/* Is [@base, @base + @size) inside one memory region? */
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size)
{
	struct memblock_type *mem = &memblock.memory;
	int i = memblock_search(mem, base);
	phys_addr_t end = base + memblock_cap_size(base, &size);

	if (i == -1)
		return false;
	return mem->regions[i].base + mem->regions[i].size >= end;
}

/* Does [@base, @base + @size) touch reserved memory? */
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	return memblock_overlaps_region(&memblock.reserved, base, size);
}

/*
 * Shrink every memory region to whole @align units, dropping those left
 * empty.  As in Linux, total_size only drops for dropped regions.
 */
void memblock_trim_memory(phys_addr_t align)
{
	struct memblock_type *mem = &memblock.memory;
	unsigned long i = 0;

	while (i < mem->cnt) {
		struct memblock_region *r = &mem->regions[i];
		phys_addr_t orig_start = r->base;
		phys_addr_t orig_end = r->base + r->size;
		phys_addr_t start = round_up(orig_start, align);
		phys_addr_t end = round_down(orig_end, align);

		if (start == orig_start && end == orig_end) {
			i++;
		} else if (start < end) {
			r->base = start;
			r->size = end - start;
			i++;
		} else {
			/* The next region moves into slot i: look at it next. */
			memblock_remove_region(mem, i);
		}
	}
}

/* ---------------------------------------------------------------------- */
/* memblock=debug dump                                                     */
/* ---------------------------------------------------------------------- */

static void memblock_dump(const struct kmm_machine *m,
			  const struct memblock_type *type)
{
	unsigned long idx;

	pr_info(" %s.cnt  = 0x%lx\n", type->name, type->cnt);

	for (idx = 0; idx < type->cnt; idx++) {
		const struct memblock_region *rgn = &type->regions[idx];
		int nid = memblock_get_region_node(rgn);
		phys_addr_t base = rgn->base, size = rgn->size;
		phys_addr_t end = base + size - 1;
		char nid_buf[32] = "";
		bool show;

		/* Linux 6.11+: a valid node; before: anything but MAX. */
		if (m->kver >= KMM_KVER(6, 11))
			show = numa_valid_node_m(m, nid);
		else
			show = nid != max_numnodes(m);
		if (show)
			snprintf_k(nid_buf, sizeof(nid_buf), " on node %d", nid);
		pr_info(" %s[%#x]\t[%#018llx-%#018llx], %#018llx bytes%s flags: %#x\n",
			type->name, (unsigned int)idx, LL(base), LL(end),
			LL(size), nid_buf, (unsigned int)rgn->flags);
	}
}

void memblock_dump_all(void)
{
	const struct kmm_machine *m = kmm_current();

	if (!m->params.memblock_debug)
		return;
	pr_info("MEMBLOCK configuration:\n");
	pr_info(" memory size = %#018llx reserved size = %#018llx\n",
		LL(memblock.memory.total_size),
		LL(memblock.reserved.total_size));
	memblock_dump(m, &memblock.memory);
	memblock_dump(m, &memblock.reserved);
}
