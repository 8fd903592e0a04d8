/* SPDX-License-Identifier: MIT */
/*
 * arch/x86/e820.c - the x86 firmware memory map (Linux: arch/x86/kernel/e820.c)
 *
 * 1. Overview
 *    The firmware describes physical memory as a list of typed ranges, the
 *    e820 map.  Early boot reads it (e820__memory_setup), lets the command
 *    line edit it (mem=, memmap=, then e820__finish_early_params), patches
 *    it (setup_data, the first page, the legacy BIOS hole, MTRR trimming),
 *    derives max_pfn from it (e820__end_of_ram_pfn) and finally hands its
 *    RAM to memblock (e820__memblock_setup).  After that the e820 map is
 *    only a record: changing it no longer changes memory management.
 *
 * 2. Data structures
 *    Each machine owns two tables (e820_table_t, kmm/e820.h):
 *    m->e820_tbl, the working map every function here edits (the
 *    `e820_table` macro), and m->e820_tbl_firmware, the sanitized map as the
 *    firmware gave it (copied by setup_arch's e820__memory_setup, never
 *    edited after).  Both start as the machine description's map.
 *    An entry is {addr, size, type}; it covers [addr, addr + size).
 *
 * 3. Invariants
 *    After e820__update_table() succeeds the table is sorted by address,
 *    entries do not overlap, none is empty, and two neighbours that touch
 *    have different types unless the type is one that is never merged
 *    (PRAM, soft reserved).  Between edits (range_add/update/remove) the
 *    table may be unsorted, overlapping, and may hold zeroed entries left
 *    by e820__range_remove: Linux prints such a table as it is, so do we.
 *
 * 4. Algorithms
 *    Sanitizing is Linux's change-point sweep: every non-empty entry gives
 *    a start and an end point; the points are sorted by address, starts
 *    before ends at equal addresses; walking them keeps the set of entries
 *    covering the current address, whose largest type number wins; a new
 *    output entry begins wherever the winning type changes (or at every
 *    point for never-merged types).  The output does not depend on how
 *    ties among equal points are ordered, so any correct sort gives Linux's
 *    result; we use the same heapsort (lib/sort.c) anyway.
 *    Range update/remove cut entries exactly as Linux does: a covered entry
 *    is retyped (or zeroed), an entry straddling the whole range is split
 *    in three by appending two entries, a partly covered one is shortened
 *    (update appends the covered piece with the new type).
 *
 * 5. Locking
 *    None: all of this runs on the boot CPU before SMP, as in Linux.
 *
 * 6. Failure
 *    e820__update_table() returns -1 for a table of fewer than two entries
 *    or with an entry whose end wraps past 2^64, leaving it untouched.  A
 *    user-edited map that cannot be sanitized panics ("Invalid user supplied
 *    memory map").  Adding to a full table prints "too many entries;
 *    ignoring [mem ...]" and drops the range.  range_update with equal old
 *    and new types is a BUG, as in Linux.
 *
 * 7. Observability
 *    The log: "BIOS-e820: [mem ...] type" lines, "e820: update/remove" at
 *    KERN_DEBUG, "user-defined physical RAM map:", "modified physical RAM
 *    map:", "last_pfn = ... max_arch_pfn = ...".
 *
 * 8. Differences from Linux
 *    - The sanitizer's scratch arrays are allocated per call (sized to the
 *      table) instead of being static __initdata, since several machines
 *      may boot at once.  Allocation failure of that host memory panics.
 *    - Lines are printed with one printk each instead of printk + pr_cont;
 *      the text is identical.
 *    - No e820_table_kexec, no iomem resources, no PCI gap search.
 *    - MAX_ARCH_PFN is that of 4-level paging (46 physical address bits).
 *    - e820__end_of_ram_pfn() also counts ACPI data entries from 6.11 on,
 *      as Linux does since then; earlier versions count RAM only.
 *    - parse_memmap_opt() returns 0 even when an element is malformed, as
 *      Linux's handler does (so no "Malformed early option" line);
 *      parse_memmap_one() reports the error of one element.
 */
#include <kmm/e820.h>
#include <kmm/machine.h>
#include <kmm/memblock.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/cmdline.h>
#include <kmm/sort.h>
#include <kmm/platform.h>

/* 4-level paging: MAXMEM = 1 << MAX_PHYSMEM_BITS (46). */
#define E820_MAX_ARCH_PFN	(1UL << (46 - PAGE_SHIFT))

e820_table_t *kmm_e820_table(void)
{
	return kmm_current()->e820_tbl;
}

/* ---- Type names ---- */

/**
 * e820_type_name - the name Linux prints for an e820 type
 * @type: the type
 * @buf: room for the numbered forms ("persistent (type 7)", "type 9")
 * @len: size of @buf
 *
 * Return: a constant string or @buf.
 */
const char *e820_type_name(enum e820_type type, char *buf, size_t len)
{
	switch (type) {
	case E820_TYPE_RAM:
	case E820_TYPE_RESERVED_KERN:
		return "usable";
	case E820_TYPE_RESERVED:
		return "reserved";
	case E820_TYPE_SOFT_RESERVED:
		return "soft reserved";
	case E820_TYPE_ACPI:
		return "ACPI data";
	case E820_TYPE_NVS:
		return "ACPI NVS";
	case E820_TYPE_UNUSABLE:
		return "unusable";
	case E820_TYPE_PMEM:
	case E820_TYPE_PRAM:
		snprintf_k(buf, len, "persistent (type %u)", (unsigned int)type);
		return buf;
	default:
		snprintf_k(buf, len, "type %u", (unsigned int)type);
		return buf;
	}
}

/* Print the type name as a continuation of the current line. */
void e820_print_type(enum e820_type type)
{
	char buf[32];

	pr_cont("%s", e820_type_name(type, buf, sizeof(buf)));
}

/* ---- Queries ---- */

static bool __e820__mapped_any(const e820_table_t *table, u64 start,
			       u64 end, enum e820_type type)
{
	for (u32 i = 0; i < table->nr_entries; i++) {
		const struct e820_entry *entry = &table->entries[i];

		if (type && entry->type != type)
			continue;
		if (entry->addr >= end || entry->addr + entry->size <= start)
			continue;
		return true;
	}
	return false;
}

/**
 * e820__mapped_any - does any part of [start, end) have type @type?
 * @start: first byte
 * @end: one past the last byte
 * @type: the type, or 0 for any type
 */
bool e820__mapped_any(u64 start, u64 end, enum e820_type type)
{
	return __e820__mapped_any(e820_table, start, end, type);
}

/*
 * The entry that completes the coverage of [start, end) with @type (0: any
 * type), or NULL.  Walks entries in table order, moving @start past every
 * entry that begins at or before it; right only for a sanitized table.
 */
static struct e820_entry *__e820__mapped_all(u64 start, u64 end,
					     enum e820_type type)
{
	e820_table_t *table = e820_table;

	for (u32 i = 0; i < table->nr_entries; i++) {
		struct e820_entry *entry = &table->entries[i];

		if (type && entry->type != type)
			continue;
		if (entry->addr >= end || entry->addr + entry->size <= start)
			continue;
		if (entry->addr <= start)
			start = entry->addr + entry->size;
		if (start >= end)
			return entry;
	}
	return NULL;
}

/**
 * e820__mapped_all - is all of [start, end) of type @type?
 * @start: first byte
 * @end: one past the last byte
 * @type: the type, or 0 for any type
 *
 * Context: needs a sanitized table, as in Linux.
 */
bool e820__mapped_all(u64 start, u64 end, enum e820_type type)
{
	return __e820__mapped_all(start, end, type) != NULL;
}

/* ---- Adding and printing ---- */

static void __e820__range_add(e820_table_t *table, u64 start, u64 size,
			      enum e820_type type)
{
	u32 x = table->nr_entries;

	if (x >= ARRAY_SIZE(table->entries)) {
		pr_err("too many entries; ignoring [mem %#010llx-%#010llx]\n",
		       (unsigned long long)start,
		       (unsigned long long)(start + size - 1));
		return;
	}
	table->entries[x].addr = start;
	table->entries[x].size = size;
	table->entries[x].type = type;
	table->nr_entries++;
}

/**
 * e820__range_add - append [start, start + size) of @type to the map
 *
 * The table is not sanitized; callers run e820__update_table() later.
 */
void e820__range_add(u64 start, u64 size, enum e820_type type)
{
	__e820__range_add(e820_table, start, size, type);
}

/**
 * e820__print_table - print every entry as "WHO: [mem START-END] TYPE"
 * @who: the prefix ("BIOS-e820", "user", "modified", ...)
 */
void e820__print_table(const char *who)
{
	e820_table_t *table = e820_table;
	char buf[32];

	for (u32 i = 0; i < table->nr_entries; i++) {
		const struct e820_entry *e = &table->entries[i];

		pr_info("%s: [mem %#018llx-%#018llx] %s\n", who,
			(unsigned long long)e->addr,
			(unsigned long long)(e->addr + e->size - 1),
			e820_type_name(e->type, buf, sizeof(buf)));
	}
}

/* ---- Sanitizing ---- */

/* One end of an entry, for the sweep. */
struct change_member {
	struct e820_entry *entry;	/* the entry this point belongs to */
	unsigned long long addr;	/* its start or its end */
};

/*
 * Order change points by address; at one address a start comes before an
 * end, so that two touching entries of one type are seen as one.
 */
static int cpcompare(const void *a, const void *b)
{
	const struct change_member *ap = *(struct change_member * const *)a;
	const struct change_member *bp = *(struct change_member * const *)b;

	if (ap->addr != bp->addr)
		return ap->addr > bp->addr ? 1 : -1;
	return (ap->addr != ap->entry->addr) - (bp->addr != bp->entry->addr);
}

/* Types whose touching neighbours stay separate entries. */
static bool e820_nomerge(enum e820_type type)
{
	return type == E820_TYPE_PRAM || type == E820_TYPE_SOFT_RESERVED;
}

/**
 * e820__update_table - sanitize a map: sort, resolve overlaps, merge
 * @table: the map, edited in place
 *
 * Where entries overlap the numerically largest type wins; touching entries
 * of one type merge (except PRAM and soft reserved); empty entries vanish.
 *
 * Return: 0, or -1 if the table has fewer than two entries or an entry
 * wraps past the end of the address space (the table is then unchanged).
 */
int e820__update_table(e820_table_t *table)
{
	struct e820_entry *entries = table->entries;
	u32 max_nr_entries = ARRAY_SIZE(table->entries);
	u32 n = table->nr_entries;
	struct change_member *cp_list;	/* 2n change points */
	struct change_member **cp;	/* sorted pointers to them */
	struct e820_entry **overlap;	/* entries covering the sweep */
	struct e820_entry *new_entries;	/* the result, at most 2n - 1 */
	enum e820_type current_type, last_type;
	unsigned long long last_addr;
	u32 new_nr, overlap_nr, i, chg_idx, chg_nr;
	size_t bytes;
	void *scratch;

	if (n < 2)
		return -1;
	BUG_ON(n > max_nr_entries);

	for (i = 0; i < n; i++) {
		if (entries[i].addr + entries[i].size < entries[i].addr)
			return -1;
	}

	bytes = 2 * n * sizeof(*cp_list) + 2 * n * sizeof(*cp) +
		n * sizeof(*overlap) + 2 * n * sizeof(*new_entries);
	scratch = kmm_plat_alloc(bytes);
	if (!scratch)
		panic("e820: out of host memory sanitizing %u entries", n);
	cp_list = scratch;
	cp = (struct change_member **)(cp_list + 2 * n);
	overlap = (struct e820_entry **)(cp + 2 * n);
	new_entries = (struct e820_entry *)(overlap + n);

	for (i = 0; i < 2 * n; i++)
		cp[i] = &cp_list[i];

	chg_idx = 0;
	for (i = 0; i < n; i++) {
		if (!entries[i].size)
			continue;
		cp[chg_idx]->addr = entries[i].addr;
		cp[chg_idx++]->entry = &entries[i];
		cp[chg_idx]->addr = entries[i].addr + entries[i].size;
		cp[chg_idx++]->entry = &entries[i];
	}
	chg_nr = chg_idx;

	sort(cp, chg_nr, sizeof(*cp), cpcompare, NULL);

	overlap_nr = 0;
	new_nr = 0;
	last_type = 0;
	last_addr = 0;
	for (chg_idx = 0; chg_idx < chg_nr; chg_idx++) {
		struct change_member *c = cp[chg_idx];

		if (c->addr == c->entry->addr) {
			overlap[overlap_nr++] = c->entry;
		} else {
			for (i = 0; i < overlap_nr; i++) {
				if (overlap[i] == c->entry) {
					overlap[i] = overlap[overlap_nr - 1];
					break;
				}
			}
			overlap_nr--;
		}

		current_type = 0;
		for (i = 0; i < overlap_nr; i++) {
			if (overlap[i]->type > current_type)
				current_type = overlap[i]->type;
		}

		if (current_type == last_type && !e820_nomerge(current_type))
			continue;
		if (last_type) {
			new_entries[new_nr].size = c->addr - last_addr;
			/* An empty piece is overwritten by the next one. */
			if (new_entries[new_nr].size &&
			    ++new_nr >= max_nr_entries)
				break;
		}
		if (current_type) {
			new_entries[new_nr].addr = c->addr;
			new_entries[new_nr].type = current_type;
			last_addr = c->addr;
		}
		last_type = current_type;
	}

	memcpy(entries, new_entries, new_nr * sizeof(*entries));
	table->nr_entries = new_nr;
	kmm_plat_free(scratch);
	return 0;
}

/**
 * e820__update_table_print - sanitize the map and, if that worked, print it
 * as the "modified physical RAM map"
 */
void e820__update_table_print(void)
{
	if (e820__update_table(e820_table))
		return;
	pr_info("modified physical RAM map:\n");
	e820__print_table("modified");
}

/* ---- Editing ranges ---- */

static u64 __e820__range_update(e820_table_t *table, u64 start, u64 size,
				enum e820_type old_type,
				enum e820_type new_type)
{
	char b1[32], b2[32];
	u64 end, updated = 0;

	BUG_ON(old_type == new_type);

	if (size > ULLONG_MAX - start)
		size = ULLONG_MAX - start;
	end = start + size;
	printk(KERN_DEBUG "e820: update [mem %#010llx-%#010llx] %s ==> %s\n",
	       (unsigned long long)start, (unsigned long long)(end - 1),
	       e820_type_name(old_type, b1, sizeof(b1)),
	       e820_type_name(new_type, b2, sizeof(b2)));

	/* Entries appended below are visited too, as in Linux. */
	for (u32 i = 0; i < table->nr_entries; i++) {
		struct e820_entry *entry = &table->entries[i];
		u64 entry_end, final_start, final_end;

		if (entry->type != old_type)
			continue;
		entry_end = entry->addr + entry->size;

		/* The entry lies inside the range: retype it. */
		if (entry->addr >= start && entry_end <= end) {
			entry->type = new_type;
			updated += entry->size;
			continue;
		}

		/* The range lies strictly inside the entry: split in three. */
		if (entry->addr < start && entry_end > end) {
			__e820__range_add(table, start, size, new_type);
			__e820__range_add(table, end, entry_end - end,
					  entry->type);
			entry->size = start - entry->addr;
			updated += size;
			continue;
		}

		/* Overlap at one side: cut that piece off and retype it. */
		final_start = max(start, entry->addr);
		final_end = min(end, entry_end);
		if (final_start >= final_end)
			continue;
		__e820__range_add(table, final_start, final_end - final_start,
				  new_type);
		updated += final_end - final_start;
		entry->size -= final_end - final_start;
		if (entry->addr < final_start)
			continue;
		entry->addr = final_end;
	}
	return updated;
}

/**
 * e820__range_update - retype the @old_type parts of [start, start + size)
 * @start: first byte
 * @size: bytes (clamped so the range does not wrap)
 * @old_type: only entries of this type change
 * @new_type: their new type; must differ from @old_type
 *
 * Prints "e820: update [mem START-END] OLD ==> NEW" at KERN_DEBUG whether
 * or not anything changes.  The table is left unsanitized.
 *
 * Return: the number of bytes retyped.
 */
u64 e820__range_update(u64 start, u64 size, enum e820_type old_type,
		       enum e820_type new_type)
{
	return __e820__range_update(e820_table, start, size, old_type,
				    new_type);
}

/**
 * e820__range_remove - delete [start, start + size) from the map
 * @start: first byte
 * @size: bytes (clamped so the range does not wrap)
 * @old_type: with @check_type, only entries of this type are cut
 * @check_type: see @old_type; without it every type is cut
 *
 * Prints "e820: remove [mem START-END] TYPE" (no type without
 * @check_type) at KERN_DEBUG.  A fully covered entry is zeroed in place
 * and disappears at the next sanitize.
 *
 * Return: the number of bytes removed.
 */
u64 e820__range_remove(u64 start, u64 size, enum e820_type old_type,
		       bool check_type)
{
	e820_table_t *table = e820_table;
	char buf[32];
	u64 end, removed = 0;

	if (size > ULLONG_MAX - start)
		size = ULLONG_MAX - start;
	end = start + size;
	printk(KERN_DEBUG "e820: remove [mem %#010llx-%#010llx] %s\n",
	       (unsigned long long)start, (unsigned long long)(end - 1),
	       check_type ? e820_type_name(old_type, buf, sizeof(buf)) : "");

	for (u32 i = 0; i < table->nr_entries; i++) {
		struct e820_entry *entry = &table->entries[i];
		u64 entry_end, final_start, final_end;

		if (check_type && entry->type != old_type)
			continue;
		entry_end = entry->addr + entry->size;

		if (entry->addr >= start && entry_end <= end) {
			removed += entry->size;
			memset(entry, 0, sizeof(*entry));
			continue;
		}

		if (entry->addr < start && entry_end > end) {
			e820__range_add(end, entry_end - end, entry->type);
			entry->size = start - entry->addr;
			removed += size;
			continue;
		}

		final_start = max(start, entry->addr);
		final_end = min(end, entry_end);
		if (final_start >= final_end)
			continue;
		removed += final_end - final_start;
		entry->size -= final_end - final_start;
		if (entry->addr < final_start)
			continue;
		entry->addr = final_end;
	}
	return removed;
}

/* ---- Setup ---- */

/*
 * The highest page frame below @limit_pfn that RAM (and, from 6.11, ACPI
 * data) reaches, rounded down; an entry crossing the limit gives the limit.
 */
static unsigned long e820_end_ram_pfn(unsigned long limit_pfn)
{
	struct kmm_machine *m = kmm_current();
	e820_table_t *table = m->e820_tbl;
	bool acpi_counts = m->kver >= KMM_KVER(6, 11);
	unsigned long last_pfn = 0;
	unsigned long max_arch_pfn = E820_MAX_ARCH_PFN;

	for (u32 i = 0; i < table->nr_entries; i++) {
		const struct e820_entry *entry = &table->entries[i];
		unsigned long start_pfn, end_pfn;

		if (entry->type != E820_TYPE_RAM &&
		    !(acpi_counts && entry->type == E820_TYPE_ACPI))
			continue;
		start_pfn = entry->addr >> PAGE_SHIFT;
		end_pfn = (entry->addr + entry->size) >> PAGE_SHIFT;
		if (start_pfn >= limit_pfn)
			continue;
		if (end_pfn > limit_pfn) {
			last_pfn = limit_pfn;
			break;
		}
		if (end_pfn > last_pfn)
			last_pfn = end_pfn;
	}

	if (last_pfn > max_arch_pfn)
		last_pfn = max_arch_pfn;

	pr_info("last_pfn = %#lx max_arch_pfn = %#lx\n", last_pfn,
		max_arch_pfn);
	return last_pfn;
}

/** e820__end_of_ram_pfn - max_pfn: the end of RAM, printed as last_pfn */
unsigned long e820__end_of_ram_pfn(void)
{
	return e820_end_ram_pfn(E820_MAX_ARCH_PFN);
}

/** e820__end_of_low_ram_pfn - the end of RAM below 4 GiB */
unsigned long e820__end_of_low_ram_pfn(void)
{
	return e820_end_ram_pfn(1UL << (32 - PAGE_SHIFT));
}

/* ---- Early parameters ---- */

/**
 * parse_memopt - the "mem=" early parameter
 * @p: the value
 *
 * Removes all RAM above the given size and records it as the memory limit.
 * "mem=nopentium" means something only to 32-bit kernels.
 *
 * Return: 0, or -EINVAL for no value, "nopentium" (with a warning) or a
 * size of 0 (the map is left alone, though it still counts as user
 * defined, as in Linux).
 */
int parse_memopt(const char *p)
{
	struct kmm_machine *m = kmm_current();
	char *end;
	u64 mem_size;

	if (!p)
		return -EINVAL;

	if (!kmm_strcmp(p, "nopentium")) {
		pr_warn("mem=nopentium ignored! (only supported on x86_32)\n");
		return -EINVAL;
	}

	m->params.userdef = true;
	mem_size = memparse(p, &end);
	if (mem_size == 0)
		return -EINVAL;

	e820__range_remove(mem_size, ULLONG_MAX - mem_size, E820_TYPE_RAM,
			   true);
	m->params.mem_limit = mem_size;
	return 0;
}

/**
 * parse_memmap_one - one element of "memmap="
 * @p: the element (no commas)
 *
 * "exactmap" empties the map; "nn@ss" adds RAM, "nn#ss" ACPI data,
 * "nn$ss" reserved, "nn!ss" PRAM; "nn%ss-old+new" retypes old to new,
 * "nn%ss+new" adds, "nn%ss-old" removes old, "nn%ss" removes anything
 * (types as numbers); a bare "nn" acts as mem=nn without setting the limit.
 *
 * Return: 0, or -EINVAL if the element does not start with a size or has
 * characters left over (what could be done before that point is done).
 */
int parse_memmap_one(const char *p)
{
	struct kmm_machine *m = kmm_current();
	const char *oldp;
	char *end;
	u64 start_at, mem_size;

	if (!p)
		return -EINVAL;

	if (!kmm_strncmp(p, "exactmap", 8)) {
		e820_table->nr_entries = 0;
		m->params.userdef = true;
		return 0;
	}

	oldp = p;
	mem_size = memparse(p, &end);
	p = end;
	if (p == oldp)
		return -EINVAL;

	m->params.userdef = true;
	if (*p == '@') {
		start_at = memparse(p + 1, &end);
		p = end;
		e820__range_add(start_at, mem_size, E820_TYPE_RAM);
	} else if (*p == '#') {
		start_at = memparse(p + 1, &end);
		p = end;
		e820__range_add(start_at, mem_size, E820_TYPE_ACPI);
	} else if (*p == '$') {
		start_at = memparse(p + 1, &end);
		p = end;
		e820__range_add(start_at, mem_size, E820_TYPE_RESERVED);
	} else if (*p == '!') {
		start_at = memparse(p + 1, &end);
		p = end;
		e820__range_add(start_at, mem_size, E820_TYPE_PRAM);
	} else if (*p == '%') {
		enum e820_type from = 0, to = 0;

		start_at = memparse(p + 1, &end);
		p = end;
		if (*p == '-') {
			from = (enum e820_type)kmm_strtoull(p + 1, &end, 0);
			p = end;
		}
		if (*p == '+') {
			to = (enum e820_type)kmm_strtoull(p + 1, &end, 0);
			p = end;
		}
		if (*p != '\0')
			return -EINVAL;
		if (from && to)
			e820__range_update(start_at, mem_size, from, to);
		else if (to)
			e820__range_add(start_at, mem_size, to);
		else if (from)
			e820__range_remove(start_at, mem_size, from, true);
		else
			e820__range_remove(start_at, mem_size, 0, false);
	} else {
		e820__range_remove(mem_size, ULLONG_MAX - mem_size,
				   E820_TYPE_RAM, true);
	}

	return *p == '\0' ? 0 : -EINVAL;
}

/**
 * parse_memmap_opt - the "memmap=" early parameter: a comma list of
 * elements, each handled by parse_memmap_one()
 * @str: the value (may be NULL)
 *
 * Return: 0 always, as Linux's handler: a malformed element is skipped
 * silently (whatever it did before the bad character stays done).
 */
int parse_memmap_opt(const char *str)
{
	char elem[KMM_CMDLINE_MAX];

	while (str) {
		const char *k = kmm_strchr(str, ',');
		size_t len = k ? (size_t)(k - str) : kmm_strlen(str);

		if (len >= sizeof(elem))
			len = sizeof(elem) - 1;
		memcpy(elem, str, len);
		elem[len] = '\0';
		parse_memmap_one(elem);
		str = k ? k + 1 : NULL;
	}
	return 0;
}

/**
 * e820__finish_early_params - after mem=/memmap=: sanitize and print the
 * user-defined map
 *
 * Panics "Invalid user supplied memory map" if the edited map cannot be
 * sanitized (which includes a map of fewer than two entries, as in Linux).
 */
void e820__finish_early_params(void)
{
	struct kmm_machine *m = kmm_current();

	if (!m->params.userdef)
		return;
	if (e820__update_table(e820_table) < 0)
		panic("Invalid user supplied memory map");
	pr_info("user-defined physical RAM map:\n");
	e820__print_table("user");
}

/**
 * e820__memblock_setup - give the map's RAM to memblock
 *
 * RAM and kernel-reserved RAM become memblock.memory (unrounded), soft
 * reserved ranges are reserved; then partial pages are trimmed off and,
 * with memblock=debug, memblock is dumped.
 */
void e820__memblock_setup(void)
{
	e820_table_t *table = e820_table;

	memblock_allow_resize();

	for (u32 i = 0; i < table->nr_entries; i++) {
		const struct e820_entry *entry = &table->entries[i];
		u64 end = entry->addr + entry->size;

		/* resource_size_t is 64 bits here: nothing is skipped. */
		if (end != (resource_size_t)end)
			continue;
		if (entry->type == E820_TYPE_SOFT_RESERVED)
			memblock_reserve(entry->addr, entry->size);
		if (entry->type != E820_TYPE_RAM &&
		    entry->type != E820_TYPE_RESERVED_KERN)
			continue;
		memblock_add(entry->addr, entry->size);
	}

	memblock_trim_memory(PAGE_SIZE);
	memblock_dump_all();
}
