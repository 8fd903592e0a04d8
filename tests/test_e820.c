/* SPDX-License-Identifier: MIT */
/*
 * test_e820.c - the e820 map (arch/x86/e820.c) and machine descriptions
 * (fw/firmware.c).
 *
 * Each e820 test builds a small machine, loads a table into e820_table,
 * calls the function under test and checks the table and the exact lines
 * it printed.  Sanitizing is also checked against a slow reference model
 * on random tables.  The description tests check the compact layout, every
 * parser error message, and the three boot logs in fixtures/dmesg.
 */
#include <kmm/kmm.h>
#include <kmm/platform.h>
#include "ktest.h"

#ifndef KMM_SOURCE_DIR
#define KMM_SOURCE_DIR "."
#endif

#define RAM	E820_TYPE_RAM
#define RES	E820_TYPE_RESERVED
#define ACPI	E820_TYPE_ACPI
#define NVS	E820_TYPE_NVS
#define UNUS	E820_TYPE_UNUSABLE
#define PMEM	E820_TYPE_PMEM
#define PRAM	E820_TYPE_PRAM
#define SOFT	E820_TYPE_SOFT_RESERVED
#define RKERN	E820_TYPE_RESERVED_KERN

/* ---- Helpers ---- */

struct text {
	char *s;
	size_t len, cap;
};

static void text_write(void *ctx, const char *s, size_t len)
{
	struct text *t = ctx;

	if (t->len + len + 1 > t->cap) {
		t->cap = (t->len + len + 1) * 2;
		t->s = realloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, len);
	t->len += len;
	t->s[t->len] = '\0';
}

/* The machine's whole dmesg view (with KERN_DEBUG lines), malloc'd. */
static char *log_all(struct kmm_machine *m)
{
	struct text t = { calloc(1, 1), 0, 1 };
	struct kmm_sink sink = { text_write, &t };

	kmm_log_dump(m, KMM_LOG_DMESG, false, &sink);
	return t.s;
}

/* Lines printed since the last call (the first call: since creation). */
static size_t log_mark;
static char log_buf[1 << 16];

static const char *log_new(struct kmm_machine *m)
{
	char *all = log_all(m);
	size_t n = strlen(all);

	snprintf(log_buf, sizeof(log_buf), "%s",
		 n >= log_mark ? all + log_mark : "");
	log_mark = n;
	free(all);
	return log_buf;
}

static struct kmm_machine_desc *new_desc(void)
{
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));

	kmm_desc_init(d);
	return d;
}

/* A machine with a 1 GiB compact map, entered; e820_table then replaced. */
static struct kmm_machine *machine_with(const struct e820_entry *e, int n,
					int kver)
{
	struct kmm_machine_desc *d = new_desc();
	struct kmm_machine *m;
	char err[256];

	KT_EQ(kmm_desc_compact(d, SZ_1G, 1, 1, err, sizeof(err)), 0);
	d->kver = kver;
	m = kmm_machine_create(d, err, sizeof(err));
	free(d);
	if (!m) {
		KT_FAIL("kmm_machine_create: %s", err);
		exit(1);
	}
	kmm_machine_enter(m);
	e820_table->nr_entries = (u32)n;
	for (int i = 0; i < n; i++)
		e820_table->entries[i] = e[i];
	log_mark = 0;
	log_new(m);
	return m;
}

static void machine_done(struct kmm_machine *m)
{
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/* Does e820_table hold exactly these entries? */
static bool table_is(const struct e820_entry *want, int n)
{
	if (e820_table->nr_entries != (u32)n)
		goto bad;
	for (int i = 0; i < n; i++) {
		const struct e820_entry *e = &e820_table->entries[i];

		if (e->addr != want[i].addr || e->size != want[i].size ||
		    e->type != want[i].type)
			goto bad;
	}
	return true;
bad:
	fprintf(stderr, "  table has %u entries:\n", e820_table->nr_entries);
	for (u32 i = 0; i < e820_table->nr_entries; i++)
		fprintf(stderr, "    [%#llx +%#llx) type %u\n",
			(unsigned long long)e820_table->entries[i].addr,
			(unsigned long long)e820_table->entries[i].size,
			(unsigned)e820_table->entries[i].type);
	return false;
}

#define E(a, s, t)	{ (a), (s), (t) }
#define CHECK_TABLE(...) do {						\
	const struct e820_entry __w[] = { __VA_ARGS__ };		\
	KT_TRUE(table_is(__w, (int)ARRAY_SIZE(__w)));			\
} while (0)

/* ---- Type names and printing ---- */

/* Expect every type to print as e820_print_type prints it in Linux. */
KT_TEST(type_names)
{
	char b[32];

	KT_STREQ(e820_type_name(RAM, b, sizeof(b)), "usable");
	KT_STREQ(e820_type_name(RKERN, b, sizeof(b)), "usable");
	KT_STREQ(e820_type_name(RES, b, sizeof(b)), "reserved");
	KT_STREQ(e820_type_name(SOFT, b, sizeof(b)), "soft reserved");
	KT_STREQ(e820_type_name(ACPI, b, sizeof(b)), "ACPI data");
	KT_STREQ(e820_type_name(NVS, b, sizeof(b)), "ACPI NVS");
	KT_STREQ(e820_type_name(UNUS, b, sizeof(b)), "unusable");
	KT_STREQ(e820_type_name(PMEM, b, sizeof(b)), "persistent (type 7)");
	KT_STREQ(e820_type_name(PRAM, b, sizeof(b)), "persistent (type 12)");
	KT_STREQ(e820_type_name((enum e820_type)9, b, sizeof(b)), "type 9");
}

/* Expect "%s: [mem %#018Lx-%#018Lx] type" per entry, unsanitized. */
KT_TEST(print_table)
{
	const struct e820_entry t[] = {
		E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES),
		E(0x100000, 0x1000, ACPI), E(0x101000, 0x1000, NVS),
		E(0xd7fae000, 0x2000, (enum e820_type)9),
		E(0x100000000ULL, 0x40000000, PMEM),
		E(0x200000000ULL, 0x1000, SOFT),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	e820__print_table("BIOS-e820");
	KT_STREQ(log_new(m),
		 "BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		 "BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		 "BIOS-e820: [mem 0x0000000000100000-0x0000000000100fff] ACPI data\n"
		 "BIOS-e820: [mem 0x0000000000101000-0x0000000000101fff] ACPI NVS\n"
		 "BIOS-e820: [mem 0x00000000d7fae000-0x00000000d7faffff] type 9\n"
		 "BIOS-e820: [mem 0x0000000100000000-0x000000013fffffff] persistent (type 7)\n"
		 "BIOS-e820: [mem 0x0000000200000000-0x0000000200000fff] soft reserved\n");
	machine_done(m);
}

/* ---- Sanitizing ---- */

/*
 * Overlap: the larger type wins.
 *   RAM  [0 ......... 0x10000)
 *   RES         [0x8000 ......... 0x18000)
 * Expect RAM [0, 0x8000), RES [0x8000, 0x18000).
 */
KT_TEST(sanitize_overlap_priority)
{
	const struct e820_entry t[] = { E(0, 0x10000, RAM), E(0x8000, 0x10000, RES) };
	struct kmm_machine *m = machine_with(t, 2, 612);

	KT_EQ(e820__update_table(e820_table), 0);
	CHECK_TABLE(E(0, 0x8000, RAM), E(0x8000, 0x10000, RES));
	machine_done(m);
}

/*
 * Containment: an ACPI entry inside RAM splits it in three; a RAM entry
 * inside NVS disappears.
 */
KT_TEST(sanitize_containment)
{
	const struct e820_entry t[] = {
		E(0, 0x100000, RAM), E(0x40000, 0x10000, ACPI),
		E(0x200000, 0x100000, NVS), E(0x240000, 0x10000, RAM),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	KT_EQ(e820__update_table(e820_table), 0);
	CHECK_TABLE(E(0, 0x40000, RAM), E(0x40000, 0x10000, ACPI),
		    E(0x50000, 0xb0000, RAM), E(0x200000, 0x100000, NVS));
	machine_done(m);
}

/*
 * Merging: touching or overlapping entries of one type become one; PRAM
 * and soft reserved neighbours stay apart; empty entries vanish.
 */
KT_TEST(sanitize_merge_and_nomerge)
{
	const struct e820_entry t[] = {
		E(0, 0x1000, RAM), E(0x1000, 0x2000, RAM), E(0x2000, 0x2000, RAM),
		E(0x10000, 0, RES),
		E(0x100000, 0x1000, PRAM), E(0x101000, 0x1000, PRAM),
		E(0x200000, 0x1000, SOFT), E(0x201000, 0x1000, SOFT),
		E(0x300000, 0x1000, RES), E(0x301000, 0x1000, RES),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	KT_EQ(e820__update_table(e820_table), 0);
	CHECK_TABLE(E(0, 0x4000, RAM),
		    E(0x100000, 0x1000, PRAM), E(0x101000, 0x1000, PRAM),
		    E(0x200000, 0x1000, SOFT), E(0x201000, 0x1000, SOFT),
		    E(0x300000, 0x2000, RES));
	machine_done(m);
}

/* Unsorted input comes out sorted. */
KT_TEST(sanitize_unsorted)
{
	const struct e820_entry t[] = {
		E(0x100000000ULL, 0x40000000, RAM), E(0xfffc0000, 0x40000, RES),
		E(0x100000, 0x3ff00000, RAM), E(0x9fc00, 0x400, RES),
		E(0, 0x9fc00, RAM), E(0xf0000, 0x10000, RES),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	KT_EQ(e820__update_table(e820_table), 0);
	CHECK_TABLE(E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES),
		    E(0xf0000, 0x10000, RES), E(0x100000, 0x3ff00000, RAM),
		    E(0xfffc0000, 0x40000, RES),
		    E(0x100000000ULL, 0x40000000, RAM));
	machine_done(m);
}

/* Fewer than two entries, or an entry wrapping past 2^64: -1, untouched. */
KT_TEST(sanitize_invalid)
{
	const struct e820_entry one[] = { E(0x1000, 0x1000, RAM) };
	const struct e820_entry wrap[] = {
		E(0, 0x1000, RAM), E(0xfffffffffffff000ULL, 0x2000, RES),
	};
	struct kmm_machine *m = machine_with(one, 1, 612);

	KT_EQ(e820__update_table(e820_table), -1);
	CHECK_TABLE(E(0x1000, 0x1000, RAM));
	machine_done(m);
	m = machine_with(wrap, 2, 612);
	KT_EQ(e820__update_table(e820_table), -1);
	CHECK_TABLE(E(0, 0x1000, RAM), E(0xfffffffffffff000ULL, 0x2000, RES));
	machine_done(m);
}

/*
 * The reference: split the line at every entry boundary, give each piece
 * the largest covering type, and join neighbours of one mergeable type.
 */
static int reference_sanitize(const struct e820_entry *in, int n,
			      struct e820_entry *out)
{
	u64 pts[64];
	int np = 0, no = 0;

	for (int i = 0; i < n; i++) {
		if (!in[i].size)
			continue;
		pts[np++] = in[i].addr;
		pts[np++] = in[i].addr + in[i].size;
	}
	for (int i = 0; i < np; i++)
		for (int j = i + 1; j < np; j++)
			if (pts[j] < pts[i]) {
				u64 t = pts[i]; pts[i] = pts[j]; pts[j] = t;
			}
	for (int k = 0; k + 1 < np; k++) {
		u64 a = pts[k], b = pts[k + 1];
		enum e820_type type = 0;

		if (a == b)
			continue;
		for (int i = 0; i < n; i++)
			if (in[i].size && in[i].addr <= a &&
			    in[i].addr + in[i].size >= b && in[i].type > type)
				type = in[i].type;
		if (!type)
			continue;
		if (no && out[no - 1].type == type &&
		    out[no - 1].addr + out[no - 1].size == a &&
		    type != PRAM && type != SOFT) {
			out[no - 1].size += b - a;
			continue;
		}
		out[no].addr = a;
		out[no].size = b - a;
		out[no++].type = type;
	}
	return no;
}

/* Random tables agree with the reference model. */
KT_TEST(sanitize_random_vs_reference)
{
	static const enum e820_type types[] = {
		RAM, RES, ACPI, NVS, UNUS, PMEM, PRAM, SOFT, RKERN,
	};
	const struct e820_entry init[] = { E(0, 0x1000, RAM), E(0x2000, 0x1000, RAM) };
	struct kmm_machine *m = machine_with(init, 2, 612);
	unsigned int seed = 12345;

	for (int iter = 0; iter < 3000; iter++) {
		struct e820_entry in[24], want[64];
		int n = 2 + (int)(rand_r(&seed) % 20), nw;

		for (int i = 0; i < n; i++) {
			in[i].addr = (u64)(rand_r(&seed) % 48) * 0x1000;
			in[i].size = (u64)(rand_r(&seed) % 12) * 0x1000;
			in[i].type = types[rand_r(&seed) % ARRAY_SIZE(types)];
		}
		nw = reference_sanitize(in, n, want);
		e820_table->nr_entries = (u32)n;
		memcpy(e820_table->entries, in, sizeof(in[0]) * (size_t)n);
		KT_EQ(e820__update_table(e820_table), 0);
		if (!table_is(want, nw)) {
			KT_FAIL("iteration %d differs from the reference", iter);
			break;
		}
	}
	machine_done(m);
}

/* "modified physical RAM map:" only when sanitizing worked. */
KT_TEST(update_table_print)
{
	const struct e820_entry t[] = { E(0x1000, 0x1000, RAM), E(0, 0x1000, RES) };
	struct kmm_machine *m = machine_with(t, 2, 612);

	e820__update_table_print();
	KT_STREQ(log_new(m),
		 "modified physical RAM map:\n"
		 "modified: [mem 0x0000000000000000-0x0000000000000fff] reserved\n"
		 "modified: [mem 0x0000000000001000-0x0000000000001fff] usable\n");
	e820_table->nr_entries = 1;
	e820__update_table_print();
	KT_STREQ(log_new(m), "");
	machine_done(m);
}

/* ---- Range edits ---- */

/*
 * Update in the middle of an entry splits it in three, in Linux's order:
 *   RAM [0 ................................ 1M)
 *           RES [64K .. 128K)
 * Expect entries: RAM [0, 64K), RES [64K, 128K), RAM [128K, 1M), unsorted
 * as Linux leaves them, and the update line even when nothing matches.
 */
KT_TEST(range_update_split)
{
	const struct e820_entry t[] = { E(0, 0x100000, RAM), E(0x100000, 0x1000, ACPI) };
	struct kmm_machine *m = machine_with(t, 2, 612);

	KT_EQ(e820__range_update(0x10000, 0x10000, RAM, RES), 0x10000);
	KT_STREQ(log_new(m),
		 "e820: update [mem 0x00010000-0x0001ffff] usable ==> reserved\n");
	CHECK_TABLE(E(0, 0x10000, RAM), E(0x100000, 0x1000, ACPI),
		    E(0x10000, 0x10000, RES), E(0x20000, 0xe0000, RAM));

	/* Head of an entry: the entry moves up, the piece is appended. */
	KT_EQ(e820__range_update(0, 0x1000, RAM, RES), 0x1000);
	CHECK_TABLE(E(0x1000, 0xf000, RAM), E(0x100000, 0x1000, ACPI),
		    E(0x10000, 0x10000, RES), E(0x20000, 0xe0000, RAM),
		    E(0, 0x1000, RES));

	/* Tail crossing into a non-RAM entry: only the RAM part changes. */
	KT_EQ(e820__range_update(0xff000, 0x2000, RAM, UNUS), 0x1000);
	KT_STREQ(log_new(m),
		 "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved\n"
		 "e820: update [mem 0x000ff000-0x00100fff] usable ==> unusable\n");
	KT_EQ(e820_table->entries[3].size, 0xdf000);
	KT_EQ(e820_table->entries[5].type, UNUS);

	/* Nothing of the old type: no change, but the line is printed. */
	KT_EQ(e820__range_update(0x200000, 0x1000, NVS, RES), 0);
	KT_STREQ(log_new(m),
		 "e820: update [mem 0x00200000-0x00200fff] ACPI NVS ==> reserved\n");

	/* A size reaching past 2^64 is clamped. */
	e820__range_update(0x100000000ULL, ~0ULL, RAM, RES);
	KT_STREQ(log_new(m),
		 "e820: update [mem 0x100000000-0xfffffffffffffffe] usable ==> reserved\n");

	/* setup_data: RAM to RESERVED_KERN prints as usable ==> usable. */
	e820__range_update(0x71a63018, 0x10040, RAM, RKERN);
	KT_STREQ(log_new(m),
		 "e820: update [mem 0x71a63018-0x71a73057] usable ==> usable\n");
	machine_done(m);
}

/*
 * Remove: covered entries are zeroed in place, a straddled one is split,
 * partial ones shrink; without check_type every type goes.
 */
KT_TEST(range_remove)
{
	const struct e820_entry t[] = {
		E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES),
		E(0xa0000, 0x20000, RAM), E(0x100000, 0x100000, RAM),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	KT_EQ(e820__range_remove(0xa0000, 0x60000, RAM, true), 0x20000);
	KT_STREQ(log_new(m), "e820: remove [mem 0x000a0000-0x000fffff] usable\n");
	CHECK_TABLE(E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES), E(0, 0, 0),
		    E(0x100000, 0x100000, RAM));

	/* Straddled: split, the upper part appended. */
	KT_EQ(e820__range_remove(0x140000, 0x10000, RAM, true), 0x10000);
	CHECK_TABLE(E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES), E(0, 0, 0),
		    E(0x100000, 0x40000, RAM), E(0x150000, 0xb0000, RAM));

	/* Any type, no type in the line (note the trailing space). */
	KT_EQ(e820__range_remove(0x9f000, 0x2000, 0, false), 0x1000);
	KT_STREQ(log_new(m),
		 "e820: remove [mem 0x00140000-0x0014ffff] usable\n"
		 "e820: remove [mem 0x0009f000-0x000a0fff] \n");
	KT_EQ(e820_table->entries[0].size, 0x9f000);
	KT_EQ(e820_table->entries[1].size, 0);	/* the reserved entry */

	KT_EQ(e820__update_table(e820_table), 0);
	CHECK_TABLE(E(0, 0x9f000, RAM), E(0x100000, 0x40000, RAM),
		    E(0x150000, 0xb0000, RAM));
	machine_done(m);
}

/* A full table drops additions with Linux's message. */
KT_TEST(range_add_full)
{
	const struct e820_entry t[] = { E(0, 0x1000, RAM), E(0x1000, 0x1000, RES) };
	struct kmm_machine *m = machine_with(t, 2, 612);

	e820_table->nr_entries = E820_MAX_ENTRIES;
	e820__range_add(0x5000, 0x1000, RAM);
	KT_EQ(e820_table->nr_entries, E820_MAX_ENTRIES);
	KT_STREQ(log_new(m),
		 "too many entries; ignoring [mem 0x00005000-0x00005fff]\n");
	machine_done(m);
}

/* mapped_any / mapped_all on a sanitized table. */
KT_TEST(mapped_queries)
{
	const struct e820_entry t[] = {
		E(0, 0x9f000, RAM), E(0x100000, 0x100000, RAM),
		E(0x200000, 0x100000, RAM), E(0x300000, 0x1000, RES),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	KT_TRUE(e820__mapped_any(0x9e000, 0xa0000, RAM));
	KT_FALSE(e820__mapped_any(0x9f000, 0x100000, RAM));
	KT_TRUE(e820__mapped_any(0x300000, 0x300001, 0));
	KT_TRUE(e820__mapped_all(0x100000, 0x300000, RAM));
	KT_FALSE(e820__mapped_all(0x90000, 0x110000, RAM));
	KT_FALSE(e820__mapped_all(0x100000, 0x301000, RAM));
	KT_TRUE(e820__mapped_all(0x100000, 0x301000, 0));
	machine_done(m);
}

/* ---- max_pfn ---- */

/*
 * RAM ends at 0x7fff0000 with ACPI data above it: 6.11+ counts ACPI (last
 * pfn 0x80000), 6.6 does not (0x7fff0).  A partial last page is dropped.
 */
KT_TEST(end_of_ram_pfn_versions)
{
	const struct e820_entry t[] = {
		E(0, 0x9fc00, RAM), E(0x100000, 0x7fef0000, RAM),
		E(0x7fff0000, 0x10000, ACPI), E(0xfffc0000, 0x40000, RES),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	KT_EQ(e820__end_of_ram_pfn(), 0x80000);
	KT_STREQ(log_new(m), "last_pfn = 0x80000 max_arch_pfn = 0x400000000\n");
	machine_done(m);

	m = machine_with(t, ARRAY_SIZE(t), 611);
	KT_EQ(e820__end_of_ram_pfn(), 0x80000);
	machine_done(m);

	m = machine_with(t, ARRAY_SIZE(t), 606);
	KT_EQ(e820__end_of_ram_pfn(), 0x7fff0);
	KT_STREQ(log_new(m), "last_pfn = 0x7fff0 max_arch_pfn = 0x400000000\n");
	machine_done(m);

	m = machine_with(t, 1, 606);
	KT_EQ(e820__end_of_ram_pfn(), 0x9f);
	machine_done(m);
}

/* RAM crossing 4 GiB: the low limit is returned; above it max_pfn. */
KT_TEST(end_of_low_ram_pfn)
{
	const struct e820_entry t[] = {
		E(0, 0x9fc00, RAM), E(0x100000, 0x13ff00000ULL, RAM),
	};
	const struct e820_entry hi[] = {
		E(0, 0x9fc00, RAM), E(0x100000, 0xbff00000ULL, RAM),
		E(0x100000000ULL, 0x540000000ULL, RAM),
	};
	struct kmm_machine *m = machine_with(t, 2, 612);

	KT_EQ(e820__end_of_low_ram_pfn(), 0x100000);
	KT_EQ(e820__end_of_ram_pfn(), 0x140000);
	KT_STREQ(log_new(m),
		 "last_pfn = 0x100000 max_arch_pfn = 0x400000000\n"
		 "last_pfn = 0x140000 max_arch_pfn = 0x400000000\n");
	machine_done(m);
	m = machine_with(hi, 3, 612);
	KT_EQ(e820__end_of_low_ram_pfn(), 0xc0000);
	KT_EQ(e820__end_of_ram_pfn(), 0x640000);
	machine_done(m);
}

/* ---- mem= ---- */

static const struct e820_entry pc8g[] = {
	E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES), E(0xf0000, 0x10000, RES),
	E(0x100000, 0xbff00000ULL, RAM), E(0xfeffc000, 0x4000, RES),
	E(0x100000000ULL, 0x140000000ULL, RAM),
};

/* mem=4G removes RAM above 4 GiB; the map is then "user-defined". */
KT_TEST(mem_option)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);

	KT_EQ(parse_memopt("2G"), 0);
	KT_TRUE(m->params.userdef);
	KT_EQ(m->params.mem_limit, 2ULL << 30);
	KT_STREQ(log_new(m),
		 "e820: remove [mem 0x80000000-0xfffffffffffffffe] usable\n");
	e820__finish_early_params();
	KT_STREQ(log_new(m),
		 "user-defined physical RAM map:\n"
		 "user: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		 "user: [mem 0x000000000009fc00-0x000000000009ffff] reserved\n"
		 "user: [mem 0x00000000000f0000-0x00000000000fffff] reserved\n"
		 "user: [mem 0x0000000000100000-0x000000007fffffff] usable\n"
		 "user: [mem 0x00000000feffc000-0x00000000feffffff] reserved\n");
	machine_done(m);
}

/* mem= errors: -EINVAL; nopentium warns; 0 and garbage still set userdef. */
KT_TEST(mem_option_errors)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);

	KT_EQ(parse_memopt(NULL), -EINVAL);
	KT_FALSE(m->params.userdef);
	KT_EQ(parse_memopt("nopentium"), -EINVAL);
	KT_STREQ(log_new(m), "mem=nopentium ignored! (only supported on x86_32)\n");
	KT_FALSE(m->params.userdef);
	KT_EQ(parse_memopt("0"), -EINVAL);
	KT_TRUE(m->params.userdef);
	KT_EQ(parse_memopt("junk"), -EINVAL);
	KT_EQ(m->params.mem_limit, 0);
	KT_EQ(e820_table->nr_entries, ARRAY_SIZE(pc8g));
	KT_STREQ(log_new(m), "");
	machine_done(m);
}

/* ---- memmap= ---- */

/* exactmap, then RAM, ACPI, reserved and PRAM additions. */
KT_TEST(memmap_exactmap_and_adds)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);

	KT_EQ(parse_memmap_opt("exactmap"), 0);
	KT_EQ(e820_table->nr_entries, 0);
	KT_TRUE(m->params.userdef);
	KT_EQ(parse_memmap_opt("640K@0,1023M@1M"), 0);
	KT_EQ(parse_memmap_opt("64K#0x40000000"), 0);
	KT_EQ(parse_memmap_opt("1M$0x40100000,2G!4G"), 0);
	CHECK_TABLE(E(0, 0xa0000, RAM), E(0x100000, 0x3ff00000, RAM),
		    E(0x40000000, 0x10000, ACPI), E(0x40100000, 0x100000, RES),
		    E(0x100000000ULL, 0x80000000, PRAM));
	e820__finish_early_params();
	KT_STREQ(log_new(m),
		 "user-defined physical RAM map:\n"
		 "user: [mem 0x0000000000000000-0x000000000009ffff] usable\n"
		 "user: [mem 0x0000000000100000-0x000000003fffffff] usable\n"
		 "user: [mem 0x0000000040000000-0x000000004000ffff] ACPI data\n"
		 "user: [mem 0x0000000040100000-0x00000000401fffff] reserved\n"
		 "user: [mem 0x0000000100000000-0x000000017fffffff] persistent (type 12)\n");
	machine_done(m);
}

/* nn%ss-old+new retypes, +new adds, -old removes old, bare removes all. */
KT_TEST(memmap_percent_forms)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);

	KT_EQ(parse_memmap_one("1M%0x10000000-1+2"), 0);
	KT_EQ(parse_memmap_one("4K%0x20000000+4"), 0);
	KT_EQ(parse_memmap_one("1M%0x30000000-1"), 0);
	KT_EQ(parse_memmap_one("16K%0xfeffc000"), 0);
	KT_STREQ(log_new(m),
		 "e820: update [mem 0x10000000-0x100fffff] usable ==> reserved\n"
		 "e820: remove [mem 0x30000000-0x300fffff] usable\n"
		 "e820: remove [mem 0xfeffc000-0xfeffffff] \n");
	KT_EQ(e820__update_table(e820_table), 0);
	CHECK_TABLE(E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES),
		    E(0xf0000, 0x10000, RES), E(0x100000, 0xff00000, RAM),
		    E(0x10000000, 0x100000, RES),
		    E(0x10100000, 0xff00000, RAM),
		    E(0x20000000, 0x1000, NVS), E(0x20001000, 0xffff000, RAM),
		    E(0x30100000, 0x8ff00000, RAM),
		    E(0x100000000ULL, 0x140000000ULL, RAM));
	machine_done(m);
}

/* A bare size acts as mem= but leaves the memory limit alone. */
KT_TEST(memmap_bare_size)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);

	KT_EQ(parse_memmap_one("3G"), 0);
	KT_EQ(m->params.mem_limit, 0);
	KT_STREQ(log_new(m),
		 "e820: remove [mem 0xc0000000-0xfffffffffffffffe] usable\n");
	KT_EQ(e820__end_of_ram_pfn(), 0xc0000);
	machine_done(m);
}

/*
 * Malformed elements: -EINVAL from parse_memmap_one, whatever was done
 * before the bad character stays done; parse_memmap_opt returns 0 and goes
 * on with the next element, printing nothing of its own (as Linux).
 */
KT_TEST(memmap_errors)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);
	u32 n = e820_table->nr_entries;

	KT_EQ(parse_memmap_one(NULL), -EINVAL);
	KT_EQ(parse_memmap_one(""), -EINVAL);
	KT_EQ(parse_memmap_one("junk"), -EINVAL);
	KT_FALSE(m->params.userdef);
	KT_EQ(e820_table->nr_entries, n);

	/* The addition happens, then the trailing 'x' is an error. */
	KT_EQ(parse_memmap_one("1M$0x50000000x"), -EINVAL);
	KT_EQ(e820_table->nr_entries, n + 1);
	KT_TRUE(m->params.userdef);

	/* '%' checks the tail before doing anything. */
	KT_EQ(parse_memmap_one("1M%0x10000000-1+2x"), -EINVAL);
	KT_EQ(parse_memmap_one("1M%0x10000000*"), -EINVAL);
	KT_EQ(e820_table->nr_entries, n + 1);
	KT_STREQ(log_new(m), "");

	/* "1G@" reads an empty start as 0 and succeeds, as in Linux. */
	KT_EQ(parse_memmap_one("1G@"), 0);
	KT_EQ(e820_table->entries[n + 1].addr, 0);

	KT_EQ(parse_memmap_opt("bad,4K$0x60000000,also bad"), 0);
	KT_EQ(e820_table->nr_entries, n + 3);
	KT_EQ(e820_table->entries[n + 2].addr, 0x60000000);
	KT_EQ(parse_memmap_opt(NULL), 0);
	KT_STREQ(log_new(m), "");
	machine_done(m);
}

static int finish_fn(void *arg)
{
	(void)arg;
	e820__finish_early_params();
	return 0;
}

/* exactmap plus one range cannot be sanitized: Linux panics. */
KT_TEST(memmap_single_entry_panics)
{
	struct kmm_machine *m = machine_with(pc8g, ARRAY_SIZE(pc8g), 612);

	parse_memmap_opt("exactmap,1G@0");
	KT_NE(kmm_plat_try(finish_fn, NULL), 0);
	KT_CONTAINS(log_new(m), "Invalid user supplied memory map");
	machine_done(m);
}

/* ---- memblock ---- */

/*
 * RAM and kernel-reserved RAM go to memblock.memory with partial pages
 * trimmed; soft reserved is reserved; the rest is skipped.
 */
KT_TEST(memblock_setup)
{
	const struct e820_entry t[] = {
		E(0, 0x9fc00, RAM), E(0x9fc00, 0x400, RES),
		E(0x100000, 0x71a63018 - 0x100000, RAM),
		E(0x71a63018, 0x10040, RKERN),
		E(0x71a73058, 0x7bfff000 - 0x71a73058, RAM),
		E(0x7bfff000, 0x1000, ACPI),
		E(0x100000000ULL, 0x10000000, SOFT),
		E(0x110000000ULL, 0x10000000, RAM),
	};
	struct kmm_machine *m = machine_with(t, ARRAY_SIZE(t), 612);

	e820__memblock_setup();
	KT_EQ(memblock.memory.cnt, 3);
	KT_EQ(memblock.memory.regions[0].base, 0);
	KT_EQ(memblock.memory.regions[0].size, 0x9f000);
	KT_EQ(memblock.memory.regions[1].base, 0x100000);
	KT_EQ(memblock.memory.regions[1].size, 0x7bfff000 - 0x100000);
	KT_EQ(memblock.memory.regions[2].base, 0x110000000ULL);
	KT_TRUE(memblock_overlaps_region(&memblock.reserved, 0x100000000ULL,
					 0x10000000));
	machine_done(m);
}

/* ---- Descriptions: defaults, version, command line ---- */

KT_TEST(desc_defaults)
{
	struct kmm_machine_desc *d = new_desc();

	KT_STREQ(d->name, "default");
	KT_EQ(d->kver, KMM_KVER(6, 12));
	KT_EQ(d->nr_cpus, 1);
	KT_EQ(d->cpu_node[0], -1);
	KT_EQ(d->cpu_node[KMM_MAX_CPUS - 1], -1);
	KT_EQ(d->nodes_shift, 10);
	KT_EQ(d->nr_cpus_config, 8192);
	KT_TRUE(d->zone_device);
	KT_EQ(d->migrate_types, 5);
	KT_TRUE(d->init_on_alloc_default);
	KT_EQ(d->pgdat_size, 0x2a240);
	KT_FALSE(d->pgdat_size_page_rounded);
	KT_EQ(d->early_pgtable_pages, 0);
	KT_EQ(d->kernel_start, 0x1000000);
	KT_EQ(d->kernel_size, 0x2c00000);
	KT_EQ(d->realmode_size, 0x6000);
	KT_EQ(d->nr_e820, 0);
	KT_EQ(d->nr_srat, 0);
	free(d);
}

KT_TEST(desc_set_kver)
{
	struct kmm_machine_desc *d = new_desc();
	static const char *const bad[] = {
		"", "6", "6.", ".12", "3.10", "7.0", "4.21", "5.20", "6.100",
		"6.12-rc1", "6.12.x", "v6.12", "6.12 ", "2.6.32", NULL,
	};

	KT_EQ(kmm_desc_set_kver(d, "5.15"), 0);
	KT_EQ(d->kver, 515);
	KT_TRUE(d->pgdat_size_page_rounded);
	KT_EQ(kmm_desc_set_kver(d, "4.19"), 0);
	KT_EQ(d->kver, 419);
	KT_EQ(kmm_desc_set_kver(d, "6.12.95"), 0);
	KT_EQ(d->kver, 612);
	KT_FALSE(d->pgdat_size_page_rounded);
	KT_EQ(kmm_desc_set_kver(d, "6.11"), 0);
	KT_TRUE(d->pgdat_size_page_rounded);
	for (int i = 0; bad[i]; i++) {
		KT_EQ(kmm_desc_set_kver(d, bad[i]), -EINVAL);
		KT_EQ(d->kver, 611);
	}
	KT_EQ(kmm_desc_set_kver(d, NULL), -EINVAL);
	free(d);
}

KT_TEST(desc_add_cmdline)
{
	struct kmm_machine_desc *d = new_desc();
	char big[KMM_CMDLINE_MAX];

	KT_EQ(kmm_desc_add_cmdline(d, "mem=4G"), 0);
	KT_EQ(kmm_desc_add_cmdline(d, ""), 0);
	KT_EQ(kmm_desc_add_cmdline(d, "memmap=1G$4G quiet"), 0);
	KT_STREQ(d->cmdline, "mem=4G memmap=1G$4G quiet");
	memset(big, 'x', sizeof(big) - 16);
	big[sizeof(big) - 16] = '\0';
	KT_EQ(kmm_desc_add_cmdline(d, big), -E2BIG);
	KT_STREQ(d->cmdline, "mem=4G memmap=1G$4G quiet");
	free(d);
}

/* ---- The compact form ---- */

static u64 usable_bytes(const struct kmm_machine_desc *d)
{
	u64 n = 0;

	for (u32 i = 0; i < d->nr_e820; i++)
		if (d->e820[i].type == RAM)
			n += d->e820[i].size;
	return n;
}

/* 8 GiB, one node: the PC layout, RAM split at 3 GiB, no SRAT/SLIT. */
KT_TEST(compact_8g)
{
	struct kmm_machine_desc *d = new_desc();
	char err[256] = "";

	KT_EQ(kmm_desc_compact(d, 8ULL << 30, 1, 4, err, sizeof(err)), 0);
	KT_EQ(d->nr_e820, 7);
	KT_EQ(d->e820[0].addr, 0);
	KT_EQ(d->e820[0].size, 0x9fc00);
	KT_EQ(d->e820[1].type, RES);
	KT_EQ(d->e820[2].addr, 0xf0000);
	KT_EQ(d->e820[3].addr, 0x100000);
	KT_EQ(d->e820[3].addr + d->e820[3].size, 0xc0000000);
	KT_EQ(d->e820[4].addr, 0xfeffc000);
	KT_EQ(d->e820[5].addr + d->e820[5].size, 1ULL << 32);
	KT_EQ(d->e820[6].addr, 1ULL << 32);
	KT_EQ(d->e820[6].addr + d->e820[6].size, 0x240000000ULL);
	KT_EQ(usable_bytes(d), (8ULL << 30) - 0x60400);
	KT_EQ(d->nr_srat, 0);
	KT_EQ(d->nr_slit, 0);
	KT_EQ(d->nr_cpus, 4);
	KT_EQ(d->cpu_node[3], -1);
	KT_STREQ(d->name, "compact 8192 MiB, 1 node, 4 CPUs");
	free(d);
}

/* Under 3 GiB all RAM is low. */
KT_TEST(compact_small)
{
	struct kmm_machine_desc *d = new_desc();
	char err[256] = "";

	KT_EQ(kmm_desc_compact(d, SZ_16M + 12345, 1, 1, err, sizeof(err)), 0);
	KT_EQ(d->nr_e820, 6);
	KT_EQ(d->e820[3].addr + d->e820[3].size, SZ_16M);
	free(d);
}

/*
 * 16 GiB on 4 nodes: 4 GiB each, counted without the PCI hole:
 *   node 0: [0, 640K) [1M, 3G) [4G, 5G)   node 1: [5G, 9G)
 *   node 2: [9G, 13G)                     node 3: [13G, 17G)
 * SLIT 10/20; 8 CPUs two per node.
 */
KT_TEST(compact_numa)
{
	struct kmm_machine_desc *d = new_desc();
	char err[256] = "";
	const u64 G = 1ULL << 30;

	KT_EQ(kmm_desc_compact(d, 16 * G, 4, 8, err, sizeof(err)), 0);
	KT_EQ(d->nr_srat, 6);
	KT_EQ(d->srat[0].start, 0);
	KT_EQ(d->srat[0].end, 0xa0000);
	KT_EQ(d->srat[1].start, 0x100000);
	KT_EQ(d->srat[1].end, 3 * G);
	KT_EQ(d->srat[2].start, 4 * G);
	KT_EQ(d->srat[2].end, 5 * G);
	KT_EQ(d->srat[3].nid, 1);
	KT_EQ(d->srat[3].pxm, 1);
	KT_EQ(d->srat[3].start, 5 * G);
	KT_EQ(d->srat[3].end, 9 * G);
	KT_EQ(d->srat[5].nid, 3);
	KT_EQ(d->srat[5].end, 17 * G);
	KT_FALSE(d->srat[5].hotplug);
	KT_EQ(d->nr_slit, 4);
	KT_EQ(d->slit[0][0], 10);
	KT_EQ(d->slit[2][2], 10);
	KT_EQ(d->slit[0][3], 20);
	KT_EQ(d->slit[3][1], 20);
	for (int c = 0; c < 8; c++)
		KT_EQ(d->cpu_node[c], c / 2);
	KT_EQ(d->cpu_node[8], -1);

	/* Uneven: 1000 MiB on 3 nodes = 7 units of 128 MiB: 3, 2, 2+rest. */
	KT_EQ(kmm_desc_compact(d, 1000ULL << 20, 3, 2, err, sizeof(err)), 0);
	KT_EQ(d->nr_srat, 4);
	KT_EQ(d->srat[1].end, 384ULL << 20);
	KT_EQ(d->srat[2].start, 384ULL << 20);
	KT_EQ(d->srat[2].end, 640ULL << 20);
	KT_EQ(d->srat[3].end, 1000ULL << 20);
	KT_EQ(d->cpu_node[0], 0);
	KT_EQ(d->cpu_node[1], 1);
	free(d);
}

/* 16 TiB works; the top of RAM may not pass 64 TiB. */
KT_TEST(compact_huge)
{
	struct kmm_machine_desc *d = new_desc();
	char err[256] = "";

	KT_EQ(kmm_desc_compact(d, 16ULL << 40, 64, 256, err, sizeof(err)), 0);
	KT_EQ(d->e820[6].addr + d->e820[6].size, (16ULL << 40) + (1ULL << 30));
	KT_EQ(d->srat[d->nr_srat - 1].nid, 63);
	KT_EQ(d->cpu_node[255], 63);
	KT_EQ(kmm_desc_compact(d, (64ULL << 40) - (1ULL << 30), 1, 1, err,
			       sizeof(err)), 0);
	free(d);
}

/* Every refusal, with its message. */
KT_TEST(compact_errors)
{
	static const struct {
		u64 mem;
		int nodes, cpus;
		const char *msg;
	} cases[] = {
		{ SZ_16M - 1, 1, 1, "memory size 16777215 bytes is below the 16 MiB minimum" },
		{ 0, 1, 1, "memory size 0 bytes is below the 16 MiB minimum" },
		{ SZ_1G, 0, 1, "node count 0: must be 1..64" },
		{ SZ_1G, 65, 1, "node count 65: must be 1..64" },
		{ SZ_1G, 1, 0, "CPU count 0: must be 1..256" },
		{ SZ_1G, 1, 257, "CPU count 257: must be 1..256" },
		{ 255ULL << 20, 2, 1, "2 nodes need at least 256 MiB of memory (128 MiB per node), got 255 MiB" },
		{ (1ULL << 46) + 1, 1, 1, "memory size 0x400000000001 is beyond the 64 TiB (46-bit) limit of 4-level paging" },
		{ 1ULL << 46, 1, 1, "memory size 0x400000000000 puts the top of RAM at 0x400040000000, beyond the 64 TiB (46-bit) limit of 4-level paging" },
	};
	struct kmm_machine_desc *d = new_desc();
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		KT_EQ(kmm_desc_compact(d, cases[i].mem, cases[i].nodes,
				       cases[i].cpus, err, sizeof(err)), -EINVAL);
		KT_STREQ(err, cases[i].msg);
		KT_EQ(d->nr_e820, 0);
	}
	free(d);
}

/* ---- Distances ---- */

KT_TEST(set_distance)
{
	struct kmm_machine_desc *d = new_desc();
	char err[256] = "";
	const int ok[9] = { 10, 21, 31, 21, 10, 21, 31, 21, 10 };
	int bad[9];

	KT_EQ(kmm_desc_compact(d, 3ULL << 30, 3, 3, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_set_distance(d, 3, ok, err, sizeof(err)), 0);
	KT_EQ(d->nr_slit, 3);
	KT_EQ(d->slit[0][2], 31);
	KT_EQ(d->slit[2][1], 21);

	KT_EQ(kmm_desc_set_distance(d, 2, ok, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance matrix is 2x2 but the machine has 3 nodes");
	KT_EQ(kmm_desc_set_distance(d, 0, ok, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance matrix size 0: must be 1..64");
	memcpy(bad, ok, sizeof(bad));
	bad[4] = 11;
	KT_EQ(kmm_desc_set_distance(d, 3, bad, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance from node 1 to itself is 11; it must be 10");
	memcpy(bad, ok, sizeof(bad));
	bad[5] = 10;
	KT_EQ(kmm_desc_set_distance(d, 3, bad, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance from node 1 to node 2 is 10; it must be more than 10");
	memcpy(bad, ok, sizeof(bad));
	bad[6] = 256;
	KT_EQ(kmm_desc_set_distance(d, 3, bad, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance from node 2 to node 0 is 256; it must be at most 255");
	KT_EQ(d->slit[0][2], 31);

	KT_EQ(kmm_desc_compact(d, SZ_1G, 1, 1, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_set_distance(d, 1, ok, err, sizeof(err)), 0);
	KT_EQ(kmm_desc_set_distance(d, 3, ok, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance matrix is 3x3 but the machine has 1 node");
	free(d);
}

/* ---- e820 text ---- */

KT_TEST(parse_e820_good)
{
	struct kmm_machine_desc *d = new_desc();
	char err[256] = "";
	const char *text =
		"# a comment\n"
		"\n"
		"BIOS-provided physical RAM map:\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\r\n"
		"  BIOS-e820: [mem 0x000000000009fc00-0x000000000009ffff] reserved   \n"
		"e820: [mem 0x0000000000100000-0x00000000bfffffff] usable\n"
		"BIOS-e820: [mem 0x00000000c0000000-0x00000000c0000fff] ACPI data\n"
		"BIOS-e820: [mem 0x00000000c0001000-0x00000000c0001fff] ACPI NVS\n"
		"BIOS-e820: [mem 0x00000000c0002000-0x00000000c0002fff] unusable\n"
		"BIOS-e820: [mem 0x00000000c0003000-0x00000000c0003fff] soft reserved\n"
		"BIOS-e820: [mem 0x00000000c0004000-0x00000000c0004fff] persistent (type 7)\n"
		"BIOS-e820: [mem 0x00000000c0005000-0x00000000c0005fff] persistent (type 12)\n"
		"BIOS-e820: [mem 0x00000000c0006000-0x00000000c0006000] type 9\n"
		"BIOS-e820: [mem 0x0000000100000000-0x000fffffffffffff] usable";

	KT_EQ(kmm_desc_parse_e820(d, text, "m.e820", err, sizeof(err)), 0);
	KT_STREQ(err, "");
	KT_STREQ(d->name, "m.e820");
	KT_EQ(d->nr_e820, 11);
	KT_EQ(d->e820[0].size, 0x9fc00);
	KT_EQ(d->e820[1].type, RES);
	KT_EQ(d->e820[3].type, ACPI);
	KT_EQ(d->e820[4].type, NVS);
	KT_EQ(d->e820[5].type, UNUS);
	KT_EQ(d->e820[6].type, SOFT);
	KT_EQ(d->e820[7].type, PMEM);
	KT_EQ(d->e820[8].type, PRAM);
	KT_EQ(d->e820[9].type, 9);
	KT_EQ(d->e820[9].size, 1);
	KT_EQ(d->e820[10].addr + d->e820[10].size, 1ULL << 52);
	free(d);
}

/* Every malformed input, with its exact message. */
KT_TEST(parse_e820_errors)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "", "t.e820: no e820 entries found" },
		{ "# nothing\n\n", "t.e820: no e820 entries found" },
		{ "hello world\n",
		  "t.e820:1: not an e820 line (expected \"BIOS-e820: [mem 0xSTART-0xEND] TYPE\")" },
		{ "\nBIOS-e820: 0000000000000000 - 000000000009fc00 (usable)\n",
		  "t.e820:2: malformed e820 line: expected \"[mem 0xSTART-0xEND]\"" },
		{ "BIOS-e820: [mem 0-0x9fbff] usable",
		  "t.e820:1: malformed e820 line: expected a 0x-prefixed hex number" },
		{ "BIOS-e820: [mem 0x0 0x9fbff] usable",
		  "t.e820:1: malformed e820 line: expected '-' after the start address" },
		{ "BIOS-e820: [mem 0x0-0xzz] usable",
		  "t.e820:1: malformed e820 line: expected a hex number" },
		{ "BIOS-e820: [mem 0x0-0x9fbff usable",
		  "t.e820:1: malformed e820 line: expected ']' after the end address" },
		{ "BIOS-e820: [mem 0x0-0x10000000000000000] usable",
		  "t.e820:1: malformed e820 line: number does not fit in 64 bits" },
		{ "BIOS-e820: [mem 0x0-0xffffffffffffffff] usable",
		  "t.e820:1: malformed e820 line: range reaches the end of the 64-bit space" },
		{ "BIOS-e820: [mem 0x0-0x9fbff]",
		  "t.e820:1: malformed e820 line: expected a type after ']'" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] free",
		  "t.e820:1: unknown e820 type \"free\" (expected usable, reserved, soft reserved, ACPI data, ACPI NVS, unusable, persistent (type N) or type N)" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable!",
		  "t.e820:1: unknown e820 type \"usable!\" (expected usable, reserved, soft reserved, ACPI data, ACPI NVS, unusable, persistent (type N) or type N)" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable RAM",
		  "t.e820:1: unexpected text \" RAM\" after the type" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] type 0",
		  "t.e820:1: e820 type 0 is out of range (1..4294967295)" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] type 4294967296",
		  "t.e820:1: e820 type 4294967296 is out of range (1..4294967295)" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] persistent (type 9)",
		  "t.e820:1: \"persistent (type 9)\": Linux prints that only for types 7 and 12" },
		{ "BIOS-e820: [mem 0x1000-0xfff] usable",
		  "t.e820:1: e820 range [mem 0x1000-0xfff] ends before it starts" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0xfff0000000000-0x10000000000000] reserved",
		  "t.e820:2: e820 range [mem 0xfff0000000000-0x10000000000000] goes beyond the 52-bit physical address space" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] reserved\n",
		  "t.e820: the e820 map has no usable RAM" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] ACPI data\ne820: [mem 0x100000-0x1fffff] usable\ne820: update [mem 0x0-0xfff] usable ==> reserved\n",
		  "t.e820:3: malformed e820 line: expected \"[mem 0xSTART-0xEND]\"" },
	};
	struct kmm_machine_desc *d = new_desc();
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		KT_EQ(kmm_desc_parse_e820(d, cases[i].text, "t.e820", err,
					  sizeof(err)), -EINVAL);
		KT_STREQ(err, cases[i].msg);
		KT_EQ(d->nr_e820, 0);
	}
	free(d);
}

/* More entries than a description holds. */
KT_TEST(parse_e820_too_many)
{
	struct kmm_machine_desc *d = new_desc();
	size_t max = ARRAY_SIZE(d->e820), cap = (max + 1) * 64;
	char *text = malloc(cap), err[256], want[128];
	size_t n = 0;

	for (size_t i = 0; i <= max; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "BIOS-e820: [mem 0x%llx-0x%llx] usable\n",
				      (unsigned long long)i * 0x2000,
				      (unsigned long long)i * 0x2000 + 0xfff);
	KT_EQ(kmm_desc_parse_e820(d, text, "big", err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want),
		 "big:%zu: too many e820 entries (kmm holds at most %zu)",
		 max + 1, max);
	KT_STREQ(err, want);
	free(text);
	free(d);
}

/* ---- Boot logs ---- */

static char *read_fixture(const char *name)
{
	char path[512];
	FILE *f;
	long len;
	char *s;

	snprintf(path, sizeof(path), "%s/fixtures/dmesg/%s", KMM_SOURCE_DIR,
		 name);
	f = fopen(path, "r");
	if (!f) {
		KT_FAIL("cannot open %s", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)len + 1);
	if (fread(s, 1, (size_t)len, f) != (size_t)len)
		KT_FAIL("short read of %s", path);
	fclose(f);
	return s;
}

static struct kmm_machine_desc *parse_fixture(const char *name)
{
	struct kmm_machine_desc *d = new_desc();
	char *text = read_fixture(name);
	char err[512] = "";

	if (!text)
		return d;
	if (kmm_desc_parse_dmesg(d, text, name, err, sizeof(err)))
		KT_FAIL("%s: %s", name, err);
	free(text);
	return d;
}

#define CHECK_EVENT(ev, w, s, e, o, n) do {				\
	KT_EQ((ev).when, (w));						\
	KT_EQ((ev).start, (s));						\
	KT_EQ((ev).end, (e));						\
	KT_EQ((ev).old_type, (o));					\
	KT_EQ((ev).new_type, (n));					\
} while (0)

/*
 * Asus A4110, 5.15, one node: setup_data updates (each twice), an MTRR
 * trim, one late update, one after "Zone ranges:" (ACPI boot time).
 */
KT_TEST(dmesg_asus)
{
	struct kmm_machine_desc *d = parse_fixture("asus-a4110-5.15-1node-8g.txt");

	KT_EQ(d->kver, KMM_KVER(5, 15));
	KT_STREQ(d->cmdline,
		 "BOOT_IMAGE=/boot/vmlinuz-5.15.0-60-generic root=UUID=XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX ro quiet splash vt.handoff=7");
	KT_EQ(d->nr_e820, 25);
	KT_EQ(d->e820[1].addr, 0x3f000);
	KT_EQ(d->e820[1].size, 0x1000);
	KT_EQ(d->e820[1].type, NVS);
	KT_EQ(d->e820[24].addr, 0x100000000ULL);
	KT_EQ(d->e820[24].size, 0x180000000ULL);
	KT_EQ(d->nr_srat, 0);
	KT_EQ(d->nr_slit, 0);
	KT_EQ(d->nr_events, 7);
	for (int i = 0; i < 2; i++) {
		CHECK_EVENT(d->events[i], KMM_EV_SETUP_DATA, 0x71a63018,
			    0x71a73058, RAM, RKERN);
		CHECK_EVENT(d->events[2 + i], KMM_EV_SETUP_DATA, 0x71a55018,
			    0x71a62858, RAM, RKERN);
	}
	CHECK_EVENT(d->events[4], KMM_EV_MTRR_TRIM, 0x7c000000, 0x100000000ULL,
		    RAM, RES);
	CHECK_EVENT(d->events[5], KMM_EV_LATE, 0x78c85000, 0x78c86000, RAM, RES);
	CHECK_EVENT(d->events[6], KMM_EV_POST_ZONES, 0x7871d000, 0x787d8000,
		    RAM, RES);
	KT_EQ(d->nr_cpus, 4);
	KT_EQ(d->nr_cpus_config, 8192);
	KT_TRUE(d->zone_device);
	KT_EQ(d->pgdat_size, 0x2a000);
	KT_TRUE(d->pgdat_size_page_rounded);
	KT_EQ(d->early_pgtable_pages, 5);
	KT_STREQ(d->name, "asus-a4110-5.15-1node-8g.txt");
	free(d);
}

/* Sun Fire X4600 M2, 5.11, eight nodes from SRAT, a TOM2 MTRR trim. */
KT_TEST(dmesg_sunfire)
{
	struct kmm_machine_desc *d =
		parse_fixture("sunfire-x4600m2-5.11-8node-128g.txt");

	KT_EQ(d->kver, KMM_KVER(5, 11));
	KT_STREQ(d->cmdline,
		 "BOOT_IMAGE=/boot/vmlinuz-5.11.0-rc4-00015-g45dfb8a5659a root=/dev/sda1 ro quiet");
	KT_EQ(d->nr_e820, 13);
	KT_EQ(d->e820[4].type, 9);
	KT_EQ(d->nr_srat, 10);
	KT_FALSE(d->srat_old_style);
	KT_EQ(d->srat[0].nid, 0);
	KT_EQ(d->srat[0].pxm, 0);
	KT_EQ(d->srat[0].start, 0);
	KT_EQ(d->srat[0].end, 0xa0000);
	KT_EQ(d->srat[2].start, 0x100000000ULL);
	KT_EQ(d->srat[2].end, 0x428000000ULL);
	KT_EQ(d->srat[9].nid, 7);
	KT_EQ(d->srat[9].pxm, 7);
	KT_EQ(d->srat[9].start, 0x1c28000000ULL);
	KT_EQ(d->srat[9].end, 0x2028000000ULL);
	KT_FALSE(d->srat[9].hotplug);
	/* "NUMA: Initialized distance table, cnt=8": assumed 10/20. */
	KT_EQ(d->nr_slit, 8);
	KT_EQ(d->slit[3][3], 10);
	KT_EQ(d->slit[3][4], 20);
	KT_EQ(d->nr_events, 1);
	CHECK_EVENT(d->events[0], KMM_EV_MTRR_TRIM, 0xd8000000, 0x100000000ULL,
		    RAM, RES);
	KT_EQ(d->nr_cpus, 32);
	KT_EQ(d->nr_cpus_config, 32);
	KT_FALSE(d->zone_device);
	KT_EQ(d->pgdat_size, 0x3000);
	KT_TRUE(d->pgdat_size_page_rounded);
	KT_EQ(d->early_pgtable_pages, 1);
	free(d);
}

/*
 * A 6.18 VM: no events (its early last_pfn line precedes the trim).  The
 * excerpt has no "Linux version" line, so the version stays the default.
 */
KT_TEST(dmesg_vm)
{
	struct kmm_machine_desc *d = parse_fixture("vm-6.18-1node-24g.txt");

	KT_EQ(d->kver, KMM_KVER_DEFAULT);
	KT_STREQ(d->cmdline, "");
	KT_EQ(d->nr_e820, 5);
	KT_EQ(d->e820[4].addr + d->e820[4].size, 0x640000000ULL);
	KT_EQ(d->nr_srat, 0);
	KT_EQ(d->nr_events, 0);
	KT_EQ(d->nr_cpus, 2);
	KT_EQ(d->nr_cpus_config, 256);
	KT_FALSE(d->zone_device);
	KT_EQ(d->pgdat_size, 0x2a240);
	KT_FALSE(d->pgdat_size_page_rounded);
	KT_EQ(d->early_pgtable_pages, 0);
	free(d);
}

/* A parsed map prints back exactly as the log printed it. */
KT_TEST(dmesg_roundtrip_print)
{
	struct kmm_machine_desc *d = parse_fixture("asus-a4110-5.15-1node-8g.txt");
	char *text = read_fixture("asus-a4110-5.15-1node-8g.txt");
	struct kmm_machine *m;
	char err[256], *want = calloc(1, 1 << 16), *p, *q;
	size_t n = 0;

	for (p = text; (q = strstr(p, "BIOS-e820: ")); p = q + 1) {
		size_t len = strcspn(q, "\n") + 1;

		memcpy(want + n, q, len);
		n += len;
	}
	m = kmm_machine_create(d, err, sizeof(err));
	KT_TRUE(m != NULL);
	if (m) {
		kmm_machine_enter(m);
		log_mark = 0;
		log_new(m);
		KT_EQ(e820__update_table(e820_table), 0);
		e820__print_table("BIOS-e820");
		KT_STREQ(log_new(m), want);
		machine_done(m);
	}
	free(want);
	free(text);
	free(d);
}

/*
 * Timestamps, syslog prefixes, old-style SRAT lines, hotplug, a kexec-only
 * update, an update after the zones and one after the CPU count (dropped),
 * a second boot (ignored), smpboot without setup_percpu.
 */
KT_TEST(dmesg_variants)
{
	struct kmm_machine_desc *d = new_desc();
	char err[512] = "";
	const char *text =
		"Jan  4 19:36:43 host kernel: [    0.000000] Linux version 4.19.0-6-amd64 (debian-kernel@lists.debian.org)\n"
		"<6>[    0.000000] Command line: mem=4G  console=ttyS0 \n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000100000-0x00000000bfffffff] usable\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000100000000-0x000000023fffffff] usable\n"
		"[    0.000000] e820: update [mem 0xbffd0000-0xbffdffff] usable ==> reserved\n"
		"[    0.000000] e820: update [mem 0x00000000-0x00000fff] usable ==> reserved\n"
		"[    0.000000] last_pfn = 0x240000 max_arch_pfn = 0x400000000\n"
		"[    0.000000] e820: update [mem 0xb0000000-0xb0000fff] usable ==> reserved\n"
		"[    0.000000] update e820_table_kexec for e820__memblock_alloc_reserved()\n"
		"[    0.000000] SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]\n"
		"[    0.000000] SRAT: Node 0 PXM 0 [mem 0x00100000-0xbfffffff]\n"
		"[    0.000000] SRAT: Node 1 PXM 3 [mem 0x100000000-0x23fffffff] hotplug\n"
		"[    0.000000] SRAT: Node 1 PXM 3 [mem 0x240000000-0x43fffffff] (hotplug)\n"
		"[    0.000000] NODE_DATA(0) allocated [mem 0xbffd5000-0xbfffffff]\n"
		"[    0.000000] NODE_DATA(1) allocated [mem 0x23ffd3000-0x23fffdfff]\n"
		"[    0.000000] Zone ranges:\n"
		"[    0.000000]   DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
		"[    0.000000]   Device   empty\n"
		"[    0.000000] Movable zone start for each node\n"
		"[    0.000000] e820: update [mem 0xa0000000-0xa0000fff] usable ==> reserved\n"
		"[    0.000000] smpboot: Allowing 6 CPUs, 2 hotplug CPUs\n"
		"[    0.500000] e820: update [mem 0xa1000000-0xa1000fff] usable ==> reserved\n"
		"[    0.000000] Linux version 6.12.0 (second boot)\n"
		"[    0.000000] BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable\n";

	KT_EQ(kmm_desc_parse_dmesg(d, text, "v.log", err, sizeof(err)), 0);
	KT_STREQ(err, "");
	KT_EQ(d->kver, KMM_KVER(4, 19));
	KT_STREQ(d->cmdline, "mem=4G  console=ttyS0");
	KT_EQ(d->nr_e820, 3);
	KT_EQ(d->nr_events, 2);
	CHECK_EVENT(d->events[0], KMM_EV_SETUP_DATA, 0xbffd0000, 0xbffe0000,
		    RAM, RES);
	CHECK_EVENT(d->events[1], KMM_EV_POST_ZONES, 0xa0000000, 0xa0001000,
		    RAM, RES);
	KT_EQ(d->nr_srat, 4);
	KT_TRUE(d->srat_old_style);
	KT_EQ(d->srat[2].nid, 1);
	KT_EQ(d->srat[2].pxm, 3);
	KT_TRUE(d->srat[2].hotplug);
	KT_TRUE(d->srat[3].hotplug);
	KT_FALSE(d->srat[1].hotplug);
	KT_EQ(d->nr_cpus, 6);
	KT_EQ(d->nr_cpus_config, 8192);
	KT_TRUE(d->zone_device);
	KT_EQ(d->pgdat_size, 0x2b000);
	KT_TRUE(d->pgdat_size_page_rounded);
	/* Node 1 holds the top of RAM (0x240000000); NODE_DATA ends 2 pages below. */
	KT_EQ(d->early_pgtable_pages, 2);

	/* The 2.6 form: bare hex, exclusive end, the node's growing extent. */
	text = "BIOS-e820: [mem 0x0000000000000000-0x000000003fffffff] usable\n"
	       "SRAT: Node 0 PXM 0 0-a0000\n"
	       "SRAT: Node 0 PXM 0 0-40000000\n";
	KT_EQ(kmm_desc_parse_dmesg(d, text, "old.log", err, sizeof(err)), 0);
	KT_EQ(d->nr_srat, 2);
	KT_TRUE(d->srat_old_style);
	KT_EQ(d->srat[0].end, 0xa0000);
	KT_EQ(d->srat[1].end, 0x40000000);
	KT_EQ(d->kver, KMM_KVER(4, 19));	/* no version line: kept */

	/* Without "Command line:", start_kernel's line serves. */
	text = "BIOS-e820: [mem 0x0000000000000000-0x000000003fffffff] usable\n"
	       "Kernel command line: BOOT_IMAGE=/vmlinuz numa=off\n";
	KT_EQ(kmm_desc_parse_dmesg(d, text, "k.log", err, sizeof(err)), 0);
	KT_STREQ(d->cmdline, "BOOT_IMAGE=/vmlinuz numa=off");

	/* A command line too long for a description. */
	{
		size_t cap = KMM_CMDLINE_MAX + 200;
		char *big = malloc(cap);

		strcpy(big, "BIOS-e820: [mem 0x0-0x3fffffff] usable\nCommand line: ");
		memset(big + strlen(big), 'y', KMM_CMDLINE_MAX);
		big[cap - 100] = '\0';
		KT_EQ(kmm_desc_parse_dmesg(d, big, "l.log", err, sizeof(err)), -EINVAL);
		KT_STREQ(err, "l.log:2: command line longer than 4095 bytes");
		free(big);
	}
	free(d);
}

/* Distances can be given to a parsed NUMA machine. */
KT_TEST(dmesg_then_distance)
{
	struct kmm_machine_desc *d =
		parse_fixture("sunfire-x4600m2-5.11-8node-128g.txt");
	int dist[64];
	char err[256] = "";

	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			dist[i * 8 + j] = i == j ? 10 : 16 + 6 * ((i ^ j) != 1);
	KT_EQ(kmm_desc_set_distance(d, 8, dist, err, sizeof(err)), 0);
	KT_EQ(d->nr_slit, 8);
	KT_EQ(d->slit[0][1], 16);
	KT_EQ(d->slit[0][2], 22);
	KT_EQ(kmm_desc_set_distance(d, 7, dist, err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "distance matrix is 7x7 but the machine has 8 nodes");
	free(d);
}

/* Boot-log errors, each with its exact message. */
KT_TEST(dmesg_errors)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{ "Linux version 6.12.0\nCommand line: quiet\n",
		  "b.log: no BIOS-e820 lines found" },
		{ "", "b.log: no BIOS-e820 lines found" },
		{ "Linux version 3.10.0-1160.el7.x86_64\n",
		  "b.log:1: Linux version \"3.10.0-1160.el7.x86_64\" is not supported (kmm models 4.0 to 6.x)" },
		{ "x\nBIOS-e820: [mem 0x0-0x9fbff] usable\nBIOS-e820: [mem 0x100000-0xfffff] usable\n",
		  "b.log:3: e820 range [mem 0x100000-0xfffff] ends before it starts" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff] weird\n",
		  "b.log:2: malformed SRAT line: unexpected text \" weird\" after the range" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nACPI: SRAT: Node x PXM 0 [mem 0x0-0x9ffff]\n",
		  "b.log:2: malformed SRAT line: expected \"SRAT: Node N PXM P [mem 0xSTART-0xEND]\"" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nACPI: SRAT: Node 64 PXM 0 [mem 0x0-0x9ffff]\n",
		  "b.log:2: SRAT node 64: kmm supports nodes 0..63" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nACPI: SRAT: Node 1 PXM 300 [mem 0x0-0x9ffff]\n",
		  "b.log:2: SRAT PXM 300: kmm supports PXMs 0..255" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nSRAT: Node 0 PXM 0 a0000-0\n",
		  "b.log:2: SRAT range 0xa0000-0x0 is empty or beyond the 52-bit physical address space" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\ne820: update [mem 0x1000-0x1fff] usable => reserved\n",
		  "b.log:2: malformed e820 update line: expected \"[mem 0xSTART-0xEND] TYPE ==> TYPE\"" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\ne820: update [mem 0x1000-0x1fff] usable ==> free\n",
		  "b.log:2: malformed e820 update line: expected \"[mem 0xSTART-0xEND] TYPE ==> TYPE\"" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\ne820: update mem 0x1000\n",
		  "b.log:2: malformed e820 update line: expected \"[mem 0xSTART-0xEND]\"" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nNODE_DATA(0) allocated [mem 0x1000]\n",
		  "b.log:2: malformed NODE_DATA line: expected '-' after the start address" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nsmpboot: Allowing 512 CPUs, 0 hotplug CPUs\n",
		  "b.log:2: 512 CPUs: kmm supports 1..256" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] ACPI NVS\n",
		  "b.log: the e820 map has no usable RAM" },
		{ "BIOS-e820: [mem 0x0-0x9fbff] usable\nNUMA: Initialized distance table, cnt=65\n",
		  "b.log:2: distance table size must be 1..64" },
	};
	struct kmm_machine_desc *d = new_desc();
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		KT_EQ(kmm_desc_parse_dmesg(d, cases[i].text, "b.log", err,
					   sizeof(err)), -EINVAL);
		KT_STREQ(err, cases[i].msg);
		KT_EQ(d->nr_e820, 0);
		KT_EQ(d->nr_events, 0);
		KT_EQ(d->nr_srat, 0);
		KT_EQ(d->nr_slit, 0);
	}
	free(d);
}

/* Too many update lines. */
KT_TEST(dmesg_too_many_events)
{
	struct kmm_machine_desc *d = new_desc();
	char *text = malloc(1 << 16), err[256];
	size_t n = 0;

	n += (size_t)sprintf(text + n, "BIOS-e820: [mem 0x0-0x3fffffff] usable\n");
	for (int i = 0; i <= KMM_MAX_EVENTS; i++)
		n += (size_t)sprintf(text + n,
				     "e820: update [mem %#x-%#x] usable ==> usable\n",
				     0x100000 + i * 0x1000, 0x100fff + i * 0x1000);
	KT_EQ(kmm_desc_parse_dmesg(d, text, "e.log", err, sizeof(err)), -EINVAL);
	KT_STREQ(err, "e.log:66: too many e820 update lines (kmm holds at most 64)");
	free(text);
	free(d);
}

KT_MAIN()
