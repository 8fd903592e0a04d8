/* SPDX-License-Identifier: MIT */
/*
 * arch/x86/setup.c - setup_arch(): the x86_64 boot steps that matter to
 * physical memory, in Linux 6.12's order.
 *
 * What: everything from the firmware's e820 table to the zones:
 *
 *   early_reserve_memory	kernel image, the low 64 KiB, the initrd,
 *				BIOS/EBDA to 1 MiB
 *   e820__memory_setup		sanitize, "BIOS-provided physical RAM map:"
 *   parse_early_param		mem=, memmap=, kernelcore=, numa=, memblock= ...
 *   e820__reserve_setup_data	boot loader data (log: "usable ==> usable")
 *   e820__finish_early_params	"user-defined physical RAM map:" if changed
 *   trim_bios_range		page 0 reserved, 640K-1M removed
 *   max_pfn, MTRR trim		"last_pfn = ..." (again after a trim)
 *   max_low_pfn
 *   e820__memblock_setup	RAM into memblock, partial pages trimmed
 *   reserve_real_mode		trampoline below 1 MiB, then all of it reserved
 *   init_mem_mapping		page tables taken top-down (calibrated count)
 *   reserve_initrd		"RAMDISK:", the initrd moved into the direct
 *				map if the loader left it outside
 *   initmem_init		NUMA: SRAT or a fake node, NODE_DATA
 *   [bootmem]			kmm's bootmem path takes over from memblock
 *   paging_init		sparse_init (memmap), zone_sizes_init
 *   init_cpu_to_node		CPUs to their SRAT nodes, memoryless ones online
 *
 * Version differences reproduced (kver = the machine's Linux version):
 * before 5.13 only page 0 is reserved early and the low 64 KiB after the
 * memblock setup, and the first 1 MiB is not reserved wholesale; before
 * 6.1 setup_data updates were applied to the kexec table too (the line is
 * printed twice); up to 6.10 memblock_find_dma_reserve() computes
 * dma_reserve; 6.18 prints the low-RAM last_pfn once before the BIOS trim.
 *
 * Failure: anything fatal panics as Linux does; the machine's boot wrapper
 * turns that into an error for the caller.
 *
 * Differences from Linux: no ACPI, EFI, MTRR or CPU probing: what those
 * would discover comes from the machine description (kmm/machine.h).
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/e820.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/numa.h>

#define ISA_END_ADDRESS		0x100000ULL
#define BIOS_BEGIN		0x000a0000ULL
#define BIOS_END		0x00100000ULL
#define BIOS_START_MIN		0x20000U
#define BIOS_START_MAX		0x9f000U
#define MAX_DMA_PFN		((16UL << 20) >> PAGE_SHIFT)
#define MAX_DMA32_PFN		(1UL << (32 - PAGE_SHIFT))

void setup_arch(void);
void kmm_parse_early_params(void);
int kmm_remap_direct_map(struct kmm_machine *m);
void sparse_init(void);
void free_area_init(unsigned long *max_zone_pfn);
int kmm_bootmem_setup(void);

/* Where the EBDA starts: the first firmware-owned range in [128K, 640K). */
static unsigned int bios_ebda_start(struct kmm_machine *m)
{
	const e820_table_t *t = m->e820_tbl_firmware;

	for (u32 i = 0; i < t->nr_entries; i++) {
		const struct e820_entry *e = &t->entries[i];

		if (e->type == E820_TYPE_RAM)
			continue;
		if (e->addr >= BIOS_START_MIN && e->addr < BIOS_BEGIN)
			return (unsigned int)e->addr;
	}
	return 0;
}

static void reserve_bios_regions(struct kmm_machine *m)
{
	unsigned int bios_start = BIOS_START_MAX;
	unsigned int ebda = bios_ebda_start(m);

	if (ebda >= BIOS_START_MIN && ebda < bios_start)
		bios_start = ebda;
	memblock_reserve(bios_start, ISA_END_ADDRESS - bios_start);
}

/* The initrd's pages, its end rounded up to a page as the loader leaves it. */
static u64 ramdisk_end(struct kmm_machine *m)
{
	return PAGE_ALIGN(m->desc.initrd_start + m->desc.initrd_size);
}

/* early_reserve_initrd: hold the initrd where the loader put it. */
static void early_reserve_initrd(struct kmm_machine *m)
{
	if (!m->desc.initrd_size)
		return;
	memblock_reserve(m->desc.initrd_start,
			 ramdisk_end(m) - m->desc.initrd_start);
}

static void early_reserve_memory(struct kmm_machine *m)
{
	memblock_reserve(m->desc.kernel_start, m->desc.kernel_size);
	if (m->kver >= KMM_KVER(5, 13))
		memblock_reserve(0, SZ_64K);
	else
		memblock_reserve(0, PAGE_SIZE);
	early_reserve_initrd(m);
	reserve_bios_regions(m);
}

/* pfn_range_is_mapped: the direct map covers exactly memblock's RAM. */
static bool range_is_mapped(struct kmm_machine *m, u64 start, u64 end)
{
	return end <= PFN_PHYS(max_pfn) &&
	       memblock_is_region_memory(start, end - start);
}

/*
 * relocate_initrd: an initrd outside the direct map (in a hole, or above
 * a mem= limit) is copied to a page-aligned block memblock finds below
 * max_pfn.
 */
static void relocate_initrd(struct kmm_machine *m)
{
	u64 image = m->desc.initrd_start, size = m->desc.initrd_size;
	u64 area = PAGE_ALIGN(size);
	phys_addr_t moved = memblock_phys_alloc_range(area, PAGE_SIZE, 0,
						      PFN_PHYS(max_pfn));

	if (!moved)
		panic("Cannot find place for new RAMDISK of size %lld\n",
		      (long long)size);
	m->initrd_pa_start = moved;
	m->initrd_pa_end = moved + size;
	pr_info("Allocated new RAMDISK: [mem %#010llx-%#010llx]\n",
		(unsigned long long)moved,
		(unsigned long long)(moved + size - 1));
	/*
	 * copy_from_early_mem: the old place may be no RAM at all, and kmm's
	 * initrd has no contents; the new pages are left as they are.
	 */
	pr_info("Move RAMDISK from [mem %#010llx-%#010llx] to [mem %#010llx-%#010llx]\n",
		(unsigned long long)image,
		(unsigned long long)(image + size - 1),
		(unsigned long long)moved,
		(unsigned long long)(moved + size - 1));
}

/*
 * reserve_initrd: the "RAMDISK:" line, and the initrd's place in the
 * direct map.  Before 5.10 an initrd of half the mapped RAM or more
 * panicked first.
 */
static void reserve_initrd(struct kmm_machine *m)
{
	u64 image = m->desc.initrd_start, size = m->desc.initrd_size;
	u64 end = ramdisk_end(m);

	if (!size)
		return;
	if (m->kver < KMM_KVER(5, 10)) {
		u64 mapped = memblock_mem_size(max_pfn);

		if (size >= mapped >> 1)
			panic("initrd too large to handle, disabling initrd (%lld needed, %lld available)\n",
			      (long long)size, (long long)(mapped >> 1));
	}
	pr_info("RAMDISK: [mem %#010llx-%#010llx]\n",
		(unsigned long long)image, (unsigned long long)end - 1);
	if (range_is_mapped(m, image, end)) {
		m->initrd_pa_start = image;
		m->initrd_pa_end = image + size;
		return;
	}
	relocate_initrd(m);
	memblock_phys_free(image, end - image);
}

static void e820__memory_setup(struct kmm_machine *m)
{
	e820__update_table(m->e820_tbl);
	*m->e820_tbl_firmware = *m->e820_tbl;
	pr_info("BIOS-provided physical RAM map:\n");
	e820__print_table("BIOS-e820");
}

static u64 apply_events(struct kmm_machine *m, enum kmm_e820_when when)
{
	u64 changed = 0;
	const struct kmm_e820_event *prev = NULL;
	bool any = false;

	for (int i = 0; i < m->desc.nr_events; i++) {
		const struct kmm_e820_event *ev = &m->desc.events[i];
		enum e820_type nt = ev->new_type;

		if (ev->when != when)
			continue;
		if (when == KMM_EV_SETUP_DATA) {
			/*
			 * The log shows RESERVED_KERN as "usable".  Before 6.1
			 * each entry was applied to the kexec table as well,
			 * printing the line twice; the parser keeps both.
			 */
			if (nt == E820_TYPE_RAM)
				nt = E820_TYPE_RESERVED_KERN;
			if (m->kver < KMM_KVER(6, 1) && prev &&
			    prev->start == ev->start && prev->end == ev->end) {
				char a[32], b[32];

				printk(KERN_DEBUG "e820: update [mem %#010llx-%#010llx] %s ==> %s\n",
				       (unsigned long long)ev->start,
				       (unsigned long long)ev->end - 1,
				       e820_type_name(ev->old_type, a, sizeof(a)),
				       e820_type_name(nt, b, sizeof(b)));
				prev = NULL;
				continue;
			}
		}
		changed += e820__range_update(ev->start, ev->end - ev->start,
					      ev->old_type, nt);
		prev = ev;
		any = true;
	}
	if (!any)
		return 0;
	if (when == KMM_EV_MTRR_TRIM) {
		/* mtrr_trim_uncached_memory: only a real loss counts. */
		if (!changed)
			return 0;
		pr_warn("WARNING: BIOS bug: CPU MTRRs don't cover all of memory, losing %lluMB of RAM.\n",
			(unsigned long long)(changed >> 20));
		pr_info("update e820 for mtrr\n");
		e820__update_table_print();
		return changed;
	}
	e820__update_table(m->e820_tbl);
	if (when == KMM_EV_SETUP_DATA) {
		pr_info("extended physical RAM map:\n");
		e820__print_table("reserve setup_data");
	}
	return changed;
}

static void trim_bios_range(void)
{
	e820__range_update(0, PAGE_SIZE, E820_TYPE_RAM, E820_TYPE_RESERVED);
	e820__range_remove(BIOS_BEGIN, BIOS_END - BIOS_BEGIN, E820_TYPE_RAM,
			   true);
	e820__update_table(e820_table);
}

static void e820_add_kernel_range(struct kmm_machine *m)
{
	u64 start = m->desc.kernel_start, size = m->desc.kernel_size;

	if (e820__mapped_all(start, start + size, E820_TYPE_RAM))
		return;
	pr_warn(".text .data .bss are not marked as E820_TYPE_RAM!\n");
	e820__range_remove(start, size, E820_TYPE_RAM, false);
	e820__range_add(start, size, E820_TYPE_RAM);
}

static void reserve_real_mode(struct kmm_machine *m)
{
	phys_addr_t mem;

	if (m->desc.realmode_size) {
		mem = memblock_phys_alloc_range(m->desc.realmode_size,
						PAGE_SIZE, 0, ISA_END_ADDRESS);
		if (!mem)
			pr_info("No sub-1M memory is available for the trampoline\n");
	}
	if (m->kver >= KMM_KVER(5, 13))
		memblock_reserve(0, SZ_1M);
}

/* The page tables of the direct map, as many as the build took. */
/*
 * probe_page_size_mask(): 2 MiB pages unless debug_pagealloc (which also
 * gives up 1 GiB ones), 1 GiB pages if the CPU has them and gbpages is on
 * (CONFIG_X86_DIRECT_GBPAGES=y; nogbpages turns it off).
 */
static void probe_page_size_mask(struct kmm_machine *m)
{
	m->direct_gbpages = !m->params.nogbpages && !m->debug_pagealloc;
	if (m->direct_gbpages && m->desc.cpu_gbpages)
		pr_info("Using GB pages for direct mapping\n");
	else
		m->direct_gbpages = false;
}

static void init_mem_mapping(struct kmm_machine *m)
{
	u64 n = m->desc.early_pgtable_pages;

	probe_page_size_mask(m);
	if (n && !memblock_phys_alloc_range(n << PAGE_SHIFT, PAGE_SIZE, 0,
					    PFN_PHYS(max_pfn)))
		panic("alloc_low_pages: can not alloc memory");
	memblock_set_current_limit(PFN_PHYS(max_pfn));
	/* The direct map covers all RAM: max_pfn_mapped = max_pfn. */
	early_memtest(0, PFN_PHYS(max_pfn));
}

/*
 * dma_reserve (<= 6.10): memory below 16 MiB that memblock already holds as
 * reserved, which the DMA zone's early managed estimate subtracts.
 */
static void memblock_find_dma_reserve(struct kmm_machine *m)
{
	u64 i;
	int k;
	phys_addr_t start, end;
	unsigned long nr_pages = 0, nr_free_pages = 0;
	unsigned long start_pfn, end_pfn;

	for_each_mem_pfn_range(k, MAX_NUMNODES, &start_pfn, &end_pfn, NULL) {
		start_pfn = min(start_pfn, MAX_DMA_PFN);
		end_pfn = min(end_pfn, MAX_DMA_PFN);
		nr_pages += end_pfn - start_pfn;
	}
	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end,
				NULL) {
		start_pfn = min((unsigned long)PFN_UP(start), MAX_DMA_PFN);
		end_pfn = min((unsigned long)PFN_DOWN(end), MAX_DMA_PFN);
		if (start_pfn < end_pfn)
			nr_free_pages += end_pfn - start_pfn;
	}
	m->dma_reserve = nr_pages - nr_free_pages;
}

static void zone_sizes_init(void)
{
	unsigned long max_zone_pfns[MAX_NR_ZONES];

	memset(max_zone_pfns, 0, sizeof(max_zone_pfns));
	max_zone_pfns[ZONE_DMA] = min(MAX_DMA_PFN, max_low_pfn);
	max_zone_pfns[ZONE_DMA32] = min(MAX_DMA32_PFN, max_low_pfn);
	max_zone_pfns[ZONE_NORMAL] = max_low_pfn;
	free_area_init(max_zone_pfns);
}

void setup_arch(void)
{
	struct kmm_machine *m = kmm_current();
	int ret;

	pr_info("Command line: %s\n", m->desc.cmdline);
	early_reserve_memory(m);
	e820__memory_setup(m);
	kmm_parse_early_params();
	/* smp_init will bring up min(maxcpus=, possible) CPUs. */
	m->nr_online_cpus = m->max_cpus > 0 && m->max_cpus < m->nr_cpus ?
			    m->max_cpus : m->nr_cpus;
	if (m->params.loglevel >= 0)
		m->console_loglevel = m->params.loglevel;
	apply_events(m, KMM_EV_SETUP_DATA);
	e820__finish_early_params();

	if (m->kver >= KMM_KVER(6, 18))
		e820__end_of_low_ram_pfn();
	e820_add_kernel_range(m);
	trim_bios_range();
	max_pfn = e820__end_of_ram_pfn();
	if (apply_events(m, KMM_EV_MTRR_TRIM))
		max_pfn = e820__end_of_ram_pfn();
	m->max_possible_pfn = max_pfn;
	if (max_pfn > MAX_DMA32_PFN)
		max_low_pfn = e820__end_of_low_ram_pfn();
	else
		max_low_pfn = max_pfn;
	if (!max_pfn)
		panic("no usable RAM in the memory map");

	memblock_set_current_limit(ISA_END_ADDRESS);
	e820__memblock_setup();
	if (!memblock.memory.total_size ||
	    (memblock.memory.cnt == 1 && !memblock.memory.regions[0].size))
		panic("no usable RAM left after sanitizing the memory map");
	ret = kmm_remap_direct_map(m);
	if (ret)
		panic("cannot map the direct map (error %d)", ret);
	if (m->kver < KMM_KVER(5, 13))
		memblock_reserve(0, SZ_64K);	/* trim_low_memory_range */

	reserve_real_mode(m);
	init_mem_mapping(m);
	/* On x86_64 the direct map covers all RAM: max_low_pfn = max_pfn. */
	max_low_pfn = max_pfn;
	reserve_initrd(m);
	apply_events(m, KMM_EV_LATE);

	x86_numa_init();
	if (m->kver <= KMM_KVER(6, 10))
		memblock_find_dma_reserve(m);
	if (m->params.use_bootmem && kmm_bootmem_setup())
		panic("bootmem: setup failed");

	sparse_init();
	zone_sizes_init();
	init_cpu_to_node();
	/* Firmware-map changes the log shows after the zones were set up. */
	apply_events(m, KMM_EV_POST_ZONES);
}
