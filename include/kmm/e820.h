/* SPDX-License-Identifier: MIT */
/*
 * kmm/e820.h - the x86 firmware memory map (arch/x86/kernel/e820.c).
 */
#ifndef KMM_E820_H
#define KMM_E820_H

#include <kmm/types.h>

enum e820_type {
	E820_TYPE_RAM		= 1,
	E820_TYPE_RESERVED	= 2,
	E820_TYPE_ACPI		= 3,
	E820_TYPE_NVS		= 4,
	E820_TYPE_UNUSABLE	= 5,
	E820_TYPE_PMEM		= 7,
	E820_TYPE_PRAM		= 12,
	E820_TYPE_SOFT_RESERVED	= 0xefffffff,
	E820_TYPE_RESERVED_KERN	= 128,
};

/* Linux: E820_MAX_ENTRIES = 128 + 3 * MAX_NUMNODES; kmm uses a fixed 3200. */
#define E820_MAX_ENTRIES	3200

struct e820_entry {
	u64 addr;
	u64 size;
	enum e820_type type;
};

struct e820_table {
	u32 nr_entries;
	struct e820_entry entries[E820_MAX_ENTRIES];
};

/*
 * `e820_table` names the current machine's working table (a macro, defined
 * at the end of this header), so e820_table->entries[i] reads as in the
 * kernel.  Because of that macro the type must be spelled e820_table_t
 * outside this header (as memblock_t for memblock).
 */
typedef struct e820_table e820_table_t;
e820_table_t *kmm_e820_table(void);

void e820__range_add(u64 start, u64 size, enum e820_type type);
u64 e820__range_update(u64 start, u64 size, enum e820_type old_type,
		       enum e820_type new_type);
u64 e820__range_remove(u64 start, u64 size, enum e820_type old_type,
		       bool check_type);
int e820__update_table(struct e820_table *table);
void e820__update_table_print(void);
void e820__print_table(const char *who);
void e820_print_type(enum e820_type type);
bool e820__mapped_any(u64 start, u64 end, enum e820_type type);
bool e820__mapped_all(u64 start, u64 end, enum e820_type type);
unsigned long e820__end_of_ram_pfn(void);
unsigned long e820__end_of_low_ram_pfn(void);
void e820__memblock_setup(void);
void e820__finish_early_params(void);
/*
 * Early parameter handlers, with Linux's return values: parse_memopt
 * returns -EINVAL for a missing value, "nopentium" (after printing a
 * warning) or a zero size, and the caller then prints "Malformed early
 * option 'mem'"; parse_memmap_opt returns 0 even for malformed elements
 * (Linux prints nothing for them); parse_memmap_one reports one element's
 * error (0 or -EINVAL) for callers and tests that want to know.
 */
int parse_memopt(const char *p);
int parse_memmap_opt(const char *str);
int parse_memmap_one(const char *p);

/* Name Linux prints for a type ("usable", "ACPI data", ...) into buf. */
const char *e820_type_name(enum e820_type type, char *buf, size_t len);

/* Last: from here on `e820_table` is the current machine's table. */
#define e820_table (kmm_e820_table())

#endif /* KMM_E820_H */
