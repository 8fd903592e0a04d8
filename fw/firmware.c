/* SPDX-License-Identifier: MIT */
/*
 * fw/firmware.c - machine descriptions: defaults, the compact form, boot logs
 *
 * 1. Overview
 *    A struct kmm_machine_desc (kmm/machine.h) is what firmware and the
 *    kernel build tell a booting kernel: the e820 map, the SRAT memory
 *    affinity ranges and SLIT distances, the CPUs, the command line, the
 *    Linux version to imitate, the boot loader's initrd and a few facts
 *    of the build.  The initrd's place, unless given, is the loader
 *    model's (kmm_desc_place_initrd: the top of the highest RAM range
 *    below 4 GiB, as Firecracker does), decided when a machine is
 *    made from the description; a log's "RAMDISK: [mem ...]" line gives
 *    it exactly.  This file
 *    fills one in three ways: kmm_desc_compact() makes a realistic PC from
 *    a size, a node count and a CPU count; kmm_desc_parse_e820() reads e820
 *    lines; kmm_desc_parse_dmesg() reads a whole captured boot log.  All
 *    input is text in memory; reading files is the caller's business.
 *
 * 2. Data structures
 *    Only the description itself.  Parsing walks the text line by line
 *    through a small reader (struct line_reader) that copies each line into
 *    a buffer, with its number for messages.
 *
 * 3. Invariants (of a description this file returns with 0)
 *    nr_e820 >= 1, some entry is usable RAM, every entry is non-empty and
 *    below 2^52; SRAT ranges are non-empty with node ids < KMM_MAX_NODES;
 *    events are in log order; kver is within 4.0 .. 6.99.
 *
 * 4. Algorithms
 *    The compact map:
 *
 *      [0, 0x9fc00) usable    [0x9fc00, 0xa0000) reserved
 *      [0xf0000, 1M) reserved (BIOS)
 *      [1M, min(mem, 3G)) usable
 *      [0xfeffc000, 0xff000000) reserved, [0xfffc0000, 4G) reserved
 *      [4G, 4G + mem - 3G) usable          (when mem > 3G)
 *
 *    so that usable RAM is mem less the 384 KiB legacy hole (mem is first
 *    rounded down to a MiB).  With several nodes, RAM is counted from
 *    address 0 skipping the PCI hole and cut into equal runs of whole
 *    128 MiB units (the first nodes get one unit more when they do not
 *    divide evenly; the last also gets the sub-128 MiB rest); each run
 *    becomes SRAT entries, split where RAM is split (640 KiB, 3 GiB), as
 *    firmware reports them; SLIT is 10 local, 20 remote; CPUs go to nodes
 *    in contiguous blocks (cpu c on node c * nodes / cpus).
 *
 *    Boot logs are read in three passes.  Pass one finds the landmarks:
 *    the first "Linux version" line (a second one starts another boot, and
 *    everything from it on is ignored), the first-page trim line "e820:
 *    update [mem 0x00000000-0x00000fff] usable ==> reserved" (T) printed by
 *    trim_bios_range(), the first "Zone ranges:" line (Z) and the first
 *    "smpboot: Allowing" or "setup_percpu:" line after Z (S: setup_arch
 *    counts the CPUs right after acpi_boot_init, start_kernel then sets
 *    up the per-CPU areas).  Pass two
 *    finds the "last_pfn =" lines after T (or anywhere, without T) and
 *    before Z: the first (F) is max_pfn, the last (L) is the last
 *    e820__end_of_*ram_pfn() before memblock takes over.  Pass three reads
 *    everything and classifies every other "e820: update" line:
 *
 *      before T (without T: before F)  KMM_EV_SETUP_DATA  setup_data etc.
 *      after T and before L            KMM_EV_MTRR_TRIM   (max_pfn recomputed)
 *      after L and before Z            KMM_EV_LATE        (e820 only)
 *      after Z and before S            KMM_EV_POST_ZONES  (e820 only)
 *      T itself, and after S           not recorded
 *
 *    T is not recorded because kmm's setup_arch prints it itself.  An
 *    update followed by "update e820_table_kexec for
 *    e820__memblock_alloc_reserved()" changed only the kexec table and is
 *    dropped.  Updates between Z and S are reservations made at ACPI boot
 *    time (e.g. the EFI BGRT image via efi_mem_reserve); those after S
 *    come from drivers late in boot and change nothing kmm models.
 *    Duplicate lines (5.x printed each setup_data update twice, for
 *    e820_table and e820_table_kexec) are kept as printed.  "usable ==>
 *    usable" means RAM to E820_TYPE_RESERVED_KERN.
 *
 *    Facts of the build learned from the log (each only if its line is
 *    present; otherwise the default stays):
 *      kver                 "Linux version X.Y..."
 *      cmdline              "Command line: ..." (setup_arch), else
 *                           "Kernel command line: ..." (start_kernel)
 *      nr_cpus              nr_cpu_ids of "setup_percpu: NR_CPUS:..",
 *                           else N of "smpboot: Allowing N CPUs"
 *      nr_cpus_config       NR_CPUS of the setup_percpu line
 *      pcpu_static_size,    s and r of "percpu: Embedded N pages/cpu sS rR
 *      pcpu_reserved_size   dD uU" (the first percpu chunk, mm/percpu.c)
 *      zone_device          a "  Device   " line in the "Zone ranges:" block
 *                           (false when the block is there without it)
 *      pgdat_size           B - A + 1 of the first "NODE_DATA(N) allocated
 *                           [mem A-B]" line
 *      pgdat_size_page_rounded  that size is a page multiple and the
 *                           version is below 6.12 (x86 rounded NODE_DATA
 *                           to PAGE_SIZE until alloc_node_data moved to
 *                           mm/numa.c in 6.12 and rounded to
 *                           SMP_CACHE_BYTES instead; without a NODE_DATA
 *                           line: version below 6.12)
 *      slit                 "NUMA: Initialized distance table, cnt=N"
 *                           says firmware had a SLIT for N nodes; Linux
 *                           never prints its values, so 10 local / 20
 *                           remote is assumed (what Linux uses without
 *                           one); kmm_desc_set_distance can correct it
 *      early_pgtable_pages  pages between the end of NODE_DATA of the node
 *                           holding the highest RAM and the top of that
 *                           node's RAM (its last "  node N: [mem ...]" line
 *                           of "Early memory node ranges", else the end of
 *                           the usable e820 entry holding NODE_DATA): what
 *                           the kernel took top-down before NUMA init.
 *
 * 5. Locking
 *    None; a description belongs to its caller.
 *
 * 6. Failure
 *    Every function that can fail writes one precise message into err
 *    ("FILE:LINE: what is wrong" for the parsers) and returns -EINVAL; the
 *    description's map (e820, SRAT, SLIT, events) is then left empty.
 *    Lines of a boot log that are not understood are ignored, but a line
 *    that is recognised (BIOS-e820, SRAT, e820 update, NODE_DATA) and
 *    malformed is an error.
 *
 * 7. Observability
 *    Nothing printed; the description is plain data the caller can show.
 *
 * 8. Differences from Linux
 *    Not Linux code.  SLIT values are not in boot logs: a parsed log gets
 *    assumed 10/20 distances when it shows a distance table, none
 *    otherwise (kmm_desc_set_distance can set the real ones).  The
 *    2.6-era SRAT form "SRAT: Node N PXM P START-END" printed the node's
 *    growing extent with an exclusive end; it is read as such.
 */
#include <kmm/machine.h>
#include <kmm/e820.h>
#include <kmm/printk.h>
#include <kmm/string.h>

#define FW_LINE_MAX		(KMM_CMDLINE_MAX + 512)
#define FW_PHYS_LIMIT		(1ULL << 52)	/* 5-level address space */
#define FW_PHYS_LIMIT_L4	(1ULL << 46)	/* 4-level MAX_PHYSMEM */
#define FW_COMPACT_MIN		SZ_16M
#define FW_NODE_MIN		SZ_128M
#define FW_LOW_RAM_END		(3 * SZ_1G)
#define FW_LOCAL_DISTANCE	10
#define FW_REMOTE_DISTANCE	20

#define TRIM_LINE "e820: update [mem 0x00000000-0x00000fff] usable ==> reserved"
#define KEXEC_LINE "update e820_table_kexec for e820__memblock_alloc_reserved()"

static void __printf(3, 4) fw_err(char *err, size_t errlen,
				  const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf_k(err, errlen, fmt, ap);
	va_end(ap);
}

/* Forget the map, keep the build facts, CPUs, command line and version. */
static void desc_clear_map(struct kmm_machine_desc *d)
{
	d->nr_e820 = 0;
	d->nr_srat = 0;
	d->srat_old_style = false;
	d->nr_slit = 0;
	d->nr_events = 0;
	d->fake_nodes = 0;
	d->initrd_start = 0;		/* the loader places it on the new map */
	for (int c = 0; c < KMM_MAX_CPUS; c++)
		d->cpu_node[c] = NUMA_NO_NODE;
}

/* ---- Defaults, version, command line ---- */

/**
 * kmm_desc_init - a description with Linux 6.12 and Debian-like defaults
 * @d: the description
 *
 * No memory map; one CPU; NODES_SHIFT 10; NR_CPUS 8192; ZONE_DEVICE;
 * 6 migrate types (CMA and MEMORY_ISOLATION); sizeof(pg_data_t) 0x2a240;
 * a 44 MiB kernel image at 16 MiB; a 24 KiB real-mode trampoline; an
 * 8320 KiB initrd at the top of RAM below 4 GiB.
 */
void kmm_desc_init(struct kmm_machine_desc *d)
{
	memset(d, 0, sizeof(*d));
	kmm_strlcpy(d->name, "default", sizeof(d->name));
	d->kver = KMM_KVER_DEFAULT;
	d->nr_cpus = 1;
	d->cpu_gbpages = true;
	for (int i = 0; i < KMM_MAX_CPUS; i++)
		d->cpu_node[i] = NUMA_NO_NODE;
	d->nodes_shift = 10;
	d->nr_cpus_config = 8192;
	/*
	 * Debian 6.12.111 amd64: the .data..percpu section of its vmlinux
	 * (0x39000 bytes, page-rounded), and modules.
	 */
	d->pcpu_static_size = 0x39000;
	d->pcpu_reserved_size = 8192;
	d->zone_device = true;
	/* Debian 6.12 amd64: MEMORY_ISOLATION without CMA. */
	d->migrate_types = 5;
	d->init_on_alloc_default = true;
	d->deferred_struct_pages = true;
	d->pgdat_size = 0x2a240;
	d->pgdat_size_page_rounded = false;
	d->early_pgtable_pages = 0;
	d->kernel_start = 0x1000000;
	d->kernel_size = 0x2c00000;
	d->realmode_size = 0x6000;
	/* A Debian-like 6.x image (the 6.18 VM's figures). */
	d->kernel_code_kb = 18457;
	d->kernel_rwdata_kb = 2543;
	d->kernel_rodata_kb = 10276;
	d->kernel_init_kb = 3728;
	d->kernel_bss_kb = 2868;
	/*
	 * The initrd of this 6.18 VM (its log: "RAMDISK: [mem
	 * 0xbf7e0000-0xbfffffff]", "Freeing initrd memory: 8320K"), placed
	 * by the loader model; its kernel has no BLK_DEV_RAM ("Unpacking
	 * initramfs...").
	 */
	d->initrd_size = KMM_INITRD_DEFAULT_SIZE;
	d->initrd_default = true;
	d->blk_dev_ram = false;
}

/**
 * kmm_desc_set_initrd - the initrd the boot loader hands over
 * @d: the description
 * @start: its physical address, page aligned; 0: the loader model's
 * @size: its length in bytes (the kernel frees it to the end of its last
 *        page); 0: no initrd
 * @err: what is wrong, on failure
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL (nothing changed).
 */
int kmm_desc_set_initrd(struct kmm_machine_desc *d, u64 start, u64 size,
			char *err, size_t errlen)
{
	if (start & (PAGE_SIZE - 1)) {
		fw_err(err, errlen,
		       "initrd start %#llx is not page aligned",
		       (unsigned long long)start);
		return -EINVAL;
	}
	if (size && start && (start + size < start ||
			      start + size > FW_PHYS_LIMIT)) {
		fw_err(err, errlen,
		       "initrd [%#llx+%#llx] reaches beyond the 52-bit physical space",
		       (unsigned long long)start, (unsigned long long)size);
		return -EINVAL;
	}
	if (size > FW_PHYS_LIMIT) {
		fw_err(err, errlen, "initrd size %#llx is larger than physical memory can be",
		       (unsigned long long)size);
		return -EINVAL;
	}
	d->initrd_start = size ? start : 0;
	d->initrd_size = size;
	d->initrd_default = false;
	return 0;
}

/* Does [s, e) meet a firmware range that is not RAM, or the kernel? */
static bool initrd_blocked(const struct kmm_machine_desc *d, u64 s, u64 e)
{
	if (s < d->kernel_start + d->kernel_size && d->kernel_start < e)
		return true;
	for (u32 i = 0; i < d->nr_e820; i++) {
		const struct e820_entry *x = &d->e820[i];

		if (x->type != E820_TYPE_RAM && s < x->addr + x->size &&
		    x->addr < e)
			return true;
	}
	return false;
}

/**
 * kmm_desc_place_initrd - where the boot loader puts the initrd
 * @d: the description
 * @start: the initrd's address, or 0 for none
 * @err: what is wrong, on failure
 * @errlen: size of @err
 *
 * The loader model is Firecracker's: the initrd ends at the top of the
 * highest RAM range below 4 GiB, its start page aligned (this VM's
 * "RAMDISK: [mem 0xbf7e0000-0xbfffffff]"; QEMU's ends 160 KiB lower,
 * below its ACPI data, GRUB's below 0x37ff0000); if the kernel image
 * is in the way, it goes just below the image; never below 1 MiB.  A
 * given start is taken as it is: a loader may put the initrd anywhere,
 * even outside RAM, where reserve_initrd moves it (only the kernel image
 * itself is refused).
 *
 * Return: 0, or -EINVAL if an initrd that was asked for does not fit (the
 * default one is left out instead) or overlaps the kernel image.
 */
int kmm_desc_place_initrd(const struct kmm_machine_desc *d, u64 *start,
			  char *err, size_t errlen)
{
	u64 size = PAGE_ALIGN(d->initrd_size), best = 0;

	*start = 0;
	if (!d->initrd_size)
		return 0;
	if (d->initrd_start) {
		u64 s = d->initrd_start, e = s + size;

		if (s < d->kernel_start + d->kernel_size &&
		    d->kernel_start < e) {
			fw_err(err, errlen,
			       "%s: initrd [mem %#010llx-%#010llx] overlaps the kernel image [mem %#010llx-%#010llx]",
			       d->name, (unsigned long long)s,
			       (unsigned long long)e - 1,
			       (unsigned long long)d->kernel_start,
			       (unsigned long long)(d->kernel_start +
						    d->kernel_size - 1));
			return -EINVAL;
		}
		*start = s;
		return 0;
	}
	for (u32 i = 0; i < d->nr_e820; i++) {
		const struct e820_entry *x = &d->e820[i];
		u64 lo = max(x->addr, (u64)SZ_1M);
		u64 hi = min(x->addr + x->size, SZ_4G);
		u64 s;

		if (x->type != E820_TYPE_RAM || hi <= lo || hi - lo < size)
			continue;
		s = (hi - size) & ~(u64)(PAGE_SIZE - 1);
		if (initrd_blocked(d, s, s + size) &&
		    d->kernel_start >= lo + size &&
		    d->kernel_start <= hi)
			s = (d->kernel_start - size) & ~(u64)(PAGE_SIZE - 1);
		if (s < lo || initrd_blocked(d, s, s + size))
			continue;
		best = max(best, s);
	}
	if (!best && !d->initrd_default) {
		fw_err(err, errlen,
		       "%s: no room for a %llu KiB initrd in RAM between 1 MiB and 4 GiB",
		       d->name, (unsigned long long)(size >> 10));
		return -EINVAL;
	}
	*start = best;
	return 0;
}

/* Read decimal digits; false if there are none or too many. */
static bool get_dec(const char **s, unsigned long long *out)
{
	const char *p = *s;
	unsigned long long v = 0;

	if (!kmm_isdigit(*p))
		return false;
	while (kmm_isdigit(*p)) {
		if (v > (ULLONG_MAX - 9) / 10)
			return false;
		v = v * 10 + (unsigned long long)(*p++ - '0');
	}
	*s = p;
	*out = v;
	return true;
}

/*
 * "X.Y" at *s (more may follow): the version as KMM_KVER, 0 if there is no
 * X.Y, -1 if X.Y is outside 4.0-4.20, 5.0-5.19, 6.0-6.99.
 */
static int get_kver(const char **s)
{
	unsigned long long maj, min;
	const char *p = *s;

	if (!get_dec(&p, &maj) || *p != '.')
		return 0;
	p++;
	if (!get_dec(&p, &min))
		return 0;
	*s = p;
	if ((maj == 4 && min <= 20) || (maj == 5 && min <= 19) ||
	    (maj == 6 && min <= 99))
		return KMM_KVER((int)maj, (int)min);
	return -1;
}

/**
 * kmm_desc_set_kver - the Linux version to imitate
 * @d: the description
 * @ver: "X.Y" or "X.Y.Z", from 4.0 to 6.x
 *
 * Also sets pgdat_size_page_rounded for that version (below 6.12 x86
 * rounded NODE_DATA up to a page).
 *
 * Return: 0, or -EINVAL (nothing changed) for anything else.
 */
int kmm_desc_set_kver(struct kmm_machine_desc *d, const char *ver)
{
	const char *p = ver;
	unsigned long long patch;
	int kver;

	if (!p)
		return -EINVAL;
	kver = get_kver(&p);
	if (kver <= 0)
		return -EINVAL;
	if (*p == '.') {
		p++;
		if (!get_dec(&p, &patch))
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	d->kver = kver;
	d->pgdat_size_page_rounded = kver < KMM_KVER(6, 12);
	return 0;
}

/**
 * kmm_desc_add_cmdline - append parameters to the command line
 * @d: the description
 * @extra: parameters; a space separates them from what is there
 *
 * Return: 0, or -E2BIG (nothing changed) if the line would not fit.
 */
int kmm_desc_add_cmdline(struct kmm_machine_desc *d, const char *extra)
{
	size_t cur = kmm_strlen(d->cmdline);
	size_t add = extra ? kmm_strlen(extra) : 0;

	if (!add)
		return 0;
	if (cur + (cur ? 1 : 0) + add >= sizeof(d->cmdline))
		return -E2BIG;
	if (cur)
		d->cmdline[cur++] = ' ';
	memcpy(d->cmdline + cur, extra, add + 1);
	return 0;
}

/* ---- The compact form ---- */

static void add_e820(struct kmm_machine_desc *d, u64 start, u64 end,
		     enum e820_type type)
{
	struct e820_entry *e = &d->e820[d->nr_e820++];

	e->addr = start;
	e->size = end - start;
	e->type = type;
}

static void add_srat(struct kmm_machine_desc *d, int nid, u64 start, u64 end)
{
	struct kmm_srat_mem *s = &d->srat[d->nr_srat++];

	s->pxm = nid;
	s->nid = nid;
	s->start = start;
	s->end = end;
	s->hotplug = false;
}

/*
 * SRAT, SLIT and CPU placement of a compact machine of @nodes > 1 nodes.
 * Node i owns RAM offsets [off, off + its share); offsets count bytes from
 * 0 with the PCI hole left out.
 */
static void compact_numa(struct kmm_machine_desc *d, u64 mem, u64 low_end,
			 int nodes, int cpus)
{
	/* The pieces of RAM as firmware lists them, by offset and address. */
	const struct {
		u64 off_start, off_end, phys;
	} piece[3] = {
		{ 0, 0xa0000, 0 },
		{ SZ_1M, low_end, SZ_1M },
		{ low_end, mem, SZ_4G },
	};
	u64 units = mem / FW_NODE_MIN;
	u64 unit_base = units / (u64)nodes;
	u64 unit_extra = units % (u64)nodes;
	u64 off = 0;

	for (int i = 0; i < nodes; i++) {
		u64 share = (unit_base + ((u64)i < unit_extra)) * FW_NODE_MIN;
		u64 off_end = i == nodes - 1 ? mem : off + share;

		for (int k = 0; k < 3; k++) {
			u64 s = max(off, piece[k].off_start);
			u64 e = min(off_end, piece[k].off_end);

			if (s >= e)
				continue;
			add_srat(d, i, piece[k].phys + (s - piece[k].off_start),
				 piece[k].phys + (e - piece[k].off_start));
		}
		off = off_end;
	}

	d->nr_slit = nodes;
	for (int i = 0; i < nodes; i++)
		for (int j = 0; j < nodes; j++)
			d->slit[i][j] = i == j ? FW_LOCAL_DISTANCE :
						 FW_REMOTE_DISTANCE;
	for (int c = 0; c < cpus; c++)
		d->cpu_node[c] = (int)((long)c * nodes / cpus);
}

/**
 * kmm_desc_compact - a realistic PC of @mem bytes, @nodes nodes, @cpus CPUs
 * @d: the description (build facts, version and command line are kept)
 * @mem: usable RAM in bytes, 16 MiB and up; rounded down to a MiB; the top
 *	 of RAM (mem + 1 GiB above 3 GiB) must not pass 64 TiB
 * @nodes: 1..KMM_MAX_NODES, at least 128 MiB each; more than one gets SRAT
 *	   and SLIT
 * @cpus: 1..KMM_MAX_CPUS
 * @err: receives the reason on failure
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL with the map left empty.
 */
int kmm_desc_compact(struct kmm_machine_desc *d, u64 mem, int nodes, int cpus,
		     char *err, size_t errlen)
{
	u64 low_end, high, top;

	desc_clear_map(d);
	if (mem < FW_COMPACT_MIN) {
		fw_err(err, errlen,
		       "memory size %llu bytes is below the 16 MiB minimum",
		       (unsigned long long)mem);
		return -EINVAL;
	}
	if (nodes < 1 || nodes > KMM_MAX_NODES) {
		fw_err(err, errlen, "node count %d: must be 1..%d", nodes,
		       KMM_MAX_NODES);
		return -EINVAL;
	}
	if (cpus < 1 || cpus > KMM_MAX_CPUS) {
		fw_err(err, errlen, "CPU count %d: must be 1..%d", cpus,
		       KMM_MAX_CPUS);
		return -EINVAL;
	}
	if (mem > FW_PHYS_LIMIT_L4) {
		fw_err(err, errlen,
		       "memory size %#llx is beyond the 64 TiB (46-bit) limit of 4-level paging",
		       (unsigned long long)mem);
		return -EINVAL;
	}
	mem = ALIGN_DOWN(mem, (u64)SZ_1M);
	if (nodes > 1 && mem / (u64)nodes < FW_NODE_MIN) {
		fw_err(err, errlen,
		       "%d nodes need at least %llu MiB of memory (128 MiB per node), got %llu MiB",
		       nodes, (unsigned long long)nodes * 128,
		       (unsigned long long)(mem >> 20));
		return -EINVAL;
	}
	low_end = min(mem, (u64)FW_LOW_RAM_END);
	high = mem - low_end;
	top = high ? SZ_4G + high : low_end;
	if (top > FW_PHYS_LIMIT_L4) {
		fw_err(err, errlen,
		       "memory size %#llx puts the top of RAM at %#llx, beyond the 64 TiB (46-bit) limit of 4-level paging",
		       (unsigned long long)mem, (unsigned long long)top);
		return -EINVAL;
	}

	add_e820(d, 0, 0x9fc00, E820_TYPE_RAM);
	add_e820(d, 0x9fc00, 0xa0000, E820_TYPE_RESERVED);
	add_e820(d, 0xf0000, SZ_1M, E820_TYPE_RESERVED);
	add_e820(d, SZ_1M, low_end, E820_TYPE_RAM);
	add_e820(d, 0xfeffc000, 0xff000000, E820_TYPE_RESERVED);
	add_e820(d, 0xfffc0000, SZ_4G, E820_TYPE_RESERVED);
	if (high)
		add_e820(d, SZ_4G, top, E820_TYPE_RAM);

	d->nr_cpus = cpus;
	snprintf_k(d->name, sizeof(d->name), "compact %llu MiB, %d node%s, %d CPU%s",
		   (unsigned long long)(mem >> 20), nodes, nodes > 1 ? "s" : "",
		   cpus, cpus > 1 ? "s" : "");
	if (nodes > 1)
		compact_numa(d, mem, low_end, nodes, cpus);
	return 0;
}

/* ---- Distances ---- */

/* How many nodes the description has: SRAT node ids, fake nodes, or 1. */
static int desc_node_count(const struct kmm_machine_desc *d)
{
	bool seen[KMM_MAX_NODES + KMM_MAX_NODES * 4] = { false };
	int n = 0;

	if (!d->nr_srat)
		return d->fake_nodes > 0 ? d->fake_nodes : 1;
	for (int i = 0; i < d->nr_srat; i++) {
		const struct kmm_srat_mem *s = &d->srat[i];
		int key = s->nid >= 0 ? s->nid : KMM_MAX_NODES + s->pxm;

		if (key < 0 || key >= (int)ARRAY_SIZE(seen) || seen[key])
			continue;
		seen[key] = true;
		n++;
	}
	return n;
}

/**
 * kmm_desc_set_distance - replace the SLIT with an @n x @n matrix
 * @d: the description
 * @n: the number of nodes; must match the description's
 * @dist: row-major distances: 10 on the diagonal, 11..255 elsewhere
 * @err: receives the reason on failure
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL (SLIT unchanged).
 */
int kmm_desc_set_distance(struct kmm_machine_desc *d, int n, const int *dist,
			  char *err, size_t errlen)
{
	int nodes = desc_node_count(d);

	if (n < 1 || n > KMM_MAX_NODES) {
		fw_err(err, errlen, "distance matrix size %d: must be 1..%d",
		       n, KMM_MAX_NODES);
		return -EINVAL;
	}
	if (n != nodes) {
		fw_err(err, errlen,
		       "distance matrix is %dx%d but the machine has %d node%s",
		       n, n, nodes, nodes == 1 ? "" : "s");
		return -EINVAL;
	}
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < n; j++) {
			int v = dist[i * n + j];

			if (i == j && v != FW_LOCAL_DISTANCE) {
				fw_err(err, errlen,
				       "distance from node %d to itself is %d; it must be 10",
				       i, v);
				return -EINVAL;
			}
			if (i != j && v <= FW_LOCAL_DISTANCE) {
				fw_err(err, errlen,
				       "distance from node %d to node %d is %d; it must be more than 10",
				       i, j, v);
				return -EINVAL;
			}
			if (v > 255) {
				fw_err(err, errlen,
				       "distance from node %d to node %d is %d; it must be at most 255",
				       i, j, v);
				return -EINVAL;
			}
		}
	}
	d->nr_slit = n;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < n; j++)
			d->slit[i][j] = (u8)dist[i * n + j];
	return 0;
}

/* ---- Reading text ---- */

struct line_reader {
	const char *next;	/* start of the next line, NULL at the end */
	int lineno;		/* 1-based number of the line in buf */
	bool truncated;		/* the line did not fit in buf */
	char buf[FW_LINE_MAX];	/* the line, without trailing blanks */
};

static void reader_init(struct line_reader *lr, const char *text)
{
	lr->next = text ? text : "";
	lr->lineno = 0;
}

static bool reader_next(struct line_reader *lr)
{
	const char *p = lr->next, *eol;
	size_t len;

	if (!p || !*p)
		return false;
	eol = kmm_strchr(p, '\n');
	len = eol ? (size_t)(eol - p) : kmm_strlen(p);
	lr->next = eol ? eol + 1 : NULL;
	lr->lineno++;
	lr->truncated = len >= sizeof(lr->buf);
	if (lr->truncated)
		len = sizeof(lr->buf) - 1;
	memcpy(lr->buf, p, len);
	while (len && kmm_isspace(lr->buf[len - 1]))
		len--;
	lr->buf[len] = '\0';
	return true;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static bool starts_with(const char *s, const char *prefix)
{
	return !kmm_strncmp(s, prefix, kmm_strlen(prefix));
}

/*
 * Hex digits at *s, with or without "0x" as @want_0x says.  Returns NULL
 * or what is wrong.
 */
static const char *get_hex(const char **s, bool want_0x, u64 *out)
{
	const char *p = *s;
	u64 v = 0;

	if (want_0x) {
		if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
			return "expected a 0x-prefixed hex number";
		p += 2;
	}
	if (!kmm_isxdigit(*p))
		return "expected a hex number";
	while (kmm_isxdigit(*p)) {
		int c = kmm_tolower(*p++);

		if (v >> 60)
			return "number does not fit in 64 bits";
		v = v * 16 + (u64)(kmm_isdigit(c) ? c - '0' : c - 'a' + 10);
	}
	*s = p;
	*out = v;
	return NULL;
}

/*
 * "[mem 0xSTART-0xEND]" at *s: the range with an exclusive end.  Returns
 * NULL or what is wrong.
 */
static const char *get_mem_range(const char **s, u64 *start, u64 *end)
{
	const char *p = *s, *why;
	u64 a, b;

	if (!starts_with(p, "[mem "))
		return "expected \"[mem 0xSTART-0xEND]\"";
	p += 5;
	why = get_hex(&p, true, &a);
	if (why)
		return why;
	if (*p++ != '-')
		return "expected '-' after the start address";
	why = get_hex(&p, true, &b);
	if (why)
		return why;
	if (*p++ != ']')
		return "expected ']' after the end address";
	if (b == ULLONG_MAX)
		return "range reaches the end of the 64-bit space";
	*s = p;
	*start = a;
	*end = b + 1;
	return NULL;
}

/*
 * A type name as e820_print_type() prints it, at *s.  Returns 0 with *s
 * past it, or -EINVAL with the reason in why.
 */
static int get_type(const char **s, enum e820_type *type, char *why,
		    size_t whylen)
{
	static const struct {
		const char *name;
		enum e820_type type;
	} names[] = {
		{ "usable", E820_TYPE_RAM },
		{ "reserved", E820_TYPE_RESERVED },
		{ "soft reserved", E820_TYPE_SOFT_RESERVED },
		{ "ACPI data", E820_TYPE_ACPI },
		{ "ACPI NVS", E820_TYPE_NVS },
		{ "unusable", E820_TYPE_UNUSABLE },
	};
	const char *p = *s;
	unsigned long long n;
	bool persistent = false;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t len = kmm_strlen(names[i].name);

		if (!kmm_strncmp(p, names[i].name, len) &&
		    (p[len] == '\0' || p[len] == ' ')) {
			*s = p + len;
			*type = names[i].type;
			return 0;
		}
	}
	if (starts_with(p, "persistent (type ")) {
		persistent = true;
		p += 17;
	} else if (starts_with(p, "type ")) {
		p += 5;
	} else {
		goto unknown;
	}
	if (!get_dec(&p, &n) || (persistent && *p++ != ')') ||
	    (*p != '\0' && *p != ' '))
		goto unknown;
	if (n == 0 || n > 0xffffffffULL) {
		snprintf_k(why, whylen, "e820 type %llu is out of range (1..4294967295)", n);
		return -EINVAL;
	}
	if (persistent && n != E820_TYPE_PMEM && n != E820_TYPE_PRAM) {
		snprintf_k(why, whylen,
			   "\"persistent (type %llu)\": Linux prints that only for types 7 and 12", n);
		return -EINVAL;
	}
	*s = p;
	*type = (enum e820_type)n;
	return 0;
unknown:
	snprintf_k(why, whylen,
		   "unknown e820 type \"%.40s\" (expected usable, reserved, soft reserved, ACPI data, ACPI NVS, unusable, persistent (type N) or type N)",
		   *s);
	return -EINVAL;
}

/*
 * One e820 entry "[mem 0xA-0xB] TYPE" at @p (the rest of the line) into
 * the map.  Returns 0, or -EINVAL with "FILE:LINE: ..." in err.
 */
static int parse_e820_entry(struct kmm_machine_desc *d, const char *p,
			    const char *fname, int lineno, char *err,
			    size_t errlen)
{
	char why[192];
	const char *bad;
	enum e820_type type;
	u64 start, end;

	p = skip_blanks(p);
	bad = get_mem_range(&p, &start, &end);
	if (bad) {
		fw_err(err, errlen, "%s:%d: malformed e820 line: %s", fname,
		       lineno, bad);
		return -EINVAL;
	}
	if (end <= start) {
		fw_err(err, errlen,
		       "%s:%d: e820 range [mem %#llx-%#llx] ends before it starts",
		       fname, lineno, (unsigned long long)start,
		       (unsigned long long)(end - 1));
		return -EINVAL;
	}
	if (end > FW_PHYS_LIMIT) {
		fw_err(err, errlen,
		       "%s:%d: e820 range [mem %#llx-%#llx] goes beyond the 52-bit physical address space",
		       fname, lineno, (unsigned long long)start,
		       (unsigned long long)(end - 1));
		return -EINVAL;
	}
	if (*p != ' ') {
		fw_err(err, errlen, "%s:%d: malformed e820 line: expected a type after ']'",
		       fname, lineno);
		return -EINVAL;
	}
	p = skip_blanks(p);
	if (get_type(&p, &type, why, sizeof(why))) {
		fw_err(err, errlen, "%s:%d: %s", fname, lineno, why);
		return -EINVAL;
	}
	if (*p) {
		fw_err(err, errlen, "%s:%d: unexpected text \"%.40s\" after the type",
		       fname, lineno, p);
		return -EINVAL;
	}
	if (d->nr_e820 >= ARRAY_SIZE(d->e820)) {
		fw_err(err, errlen,
		       "%s:%d: too many e820 entries (kmm holds at most %zu)",
		       fname, lineno, ARRAY_SIZE(d->e820));
		return -EINVAL;
	}
	add_e820(d, start, end, type);
	return 0;
}

/* The map must have entries and some usable RAM. */
static int check_map(struct kmm_machine_desc *d, const char *fname,
		     const char *none, char *err, size_t errlen)
{
	if (!d->nr_e820) {
		fw_err(err, errlen, "%s: %s", fname, none);
		return -EINVAL;
	}
	for (u32 i = 0; i < d->nr_e820; i++) {
		if (d->e820[i].type == E820_TYPE_RAM)
			return 0;
	}
	fw_err(err, errlen, "%s: the e820 map has no usable RAM", fname);
	return -EINVAL;
}

/**
 * kmm_desc_parse_e820 - read a memory map written as e820 lines
 * @d: the description (its map is replaced; the rest is kept)
 * @text: lines "[...]BIOS-e820: [mem 0xSTART-0xEND] TYPE" or
 *	  "[...]e820: [mem 0xSTART-0xEND] TYPE" (anything may come before,
 *	  such as a dmesg timestamp; END is inclusive); blank lines, lines
 *	  starting with '#' and "... physical RAM map:" headers are skipped
 * @fname: the name used in messages
 * @err: receives "FILE:LINE: what is wrong" on failure
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL with the map left empty.
 */
int kmm_desc_parse_e820(struct kmm_machine_desc *d, const char *text,
			const char *fname, char *err, size_t errlen)
{
	struct line_reader lr;

	if (!fname)
		fname = "<input>";
	desc_clear_map(d);
	kmm_strlcpy(d->name, fname, sizeof(d->name));
	reader_init(&lr, text);
	while (reader_next(&lr)) {
		const char *p = skip_blanks(lr.buf), *tag;

		if (!*p || *p == '#' || kmm_strstr(p, "physical RAM map:"))
			continue;
		tag = kmm_strstr(p, "e820:");
		if (!tag) {
			fw_err(err, errlen,
			       "%s:%d: not an e820 line (expected \"BIOS-e820: [mem 0xSTART-0xEND] TYPE\")",
			       fname, lr.lineno);
			goto fail;
		}
		if (parse_e820_entry(d, tag + 5, fname, lr.lineno, err, errlen))
			goto fail;
	}
	if (check_map(d, fname, "no e820 entries found", err, errlen))
		goto fail;
	return 0;
fail:
	desc_clear_map(d);
	return -EINVAL;
}

/* ---- Boot logs ---- */

/* Landmarks of one boot log (line numbers, 0: absent). */
struct dmesg_marks {
	int stop;		/* a second "Linux version": ignore from here */
	int trim;		/* T: trim_bios_range's first-page update */
	int zone;		/* Z: "Zone ranges:" */
	int cpus;		/* S: first CPU-count line after Z */
	int first_lastpfn;	/* F: first "last_pfn =" after T, before Z */
	int last_lastpfn;	/* L: last such line */
};

/* What pass three learns besides the map. */
struct dmesg_facts {
	int cpus_allowed;		/* smpboot: Allowing N CPUs */
	int cpu_ids, cpus_config;	/* setup_percpu line */
	bool pcpu_seen;			/* "percpu: Embedded" / "4K pages" */
	u32 pcpu_static, pcpu_reserved;
	int cpu_line;			/* where nr_cpu_ids/N came from */
	bool in_zone_ranges, device_seen;
	u64 nd_size;			/* first NODE_DATA size, 0: none */
	u64 nd_end[KMM_MAX_NODES];	/* NODE_DATA(nid) end, exclusive */
	u64 node_top[KMM_MAX_NODES];	/* end of "node N: [mem]" ranges */
	int last_event_line;
};

static void find_marks(const char *text, struct dmesg_marks *mk,
		       struct line_reader *lr)
{
	int version_line = 0;

	memset(mk, 0, sizeof(*mk));
	reader_init(lr, text);
	while (reader_next(lr)) {
		if (kmm_strstr(lr->buf, "Linux version ")) {
			if (version_line) {
				mk->stop = lr->lineno;
				break;
			}
			version_line = lr->lineno;
		}
		if (!mk->trim && kmm_strstr(lr->buf, TRIM_LINE))
			mk->trim = lr->lineno;
		if (!mk->zone && kmm_strstr(lr->buf, "Zone ranges:"))
			mk->zone = lr->lineno;
		if (mk->zone && !mk->cpus &&
		    (kmm_strstr(lr->buf, "smpboot: Allowing ") ||
		     kmm_strstr(lr->buf, "setup_percpu: ")))
			mk->cpus = lr->lineno;
	}
	reader_init(lr, text);
	while (reader_next(lr)) {
		if ((mk->stop && lr->lineno >= mk->stop) ||
		    (mk->zone && lr->lineno >= mk->zone))
			break;
		if (lr->lineno < mk->trim || !kmm_strstr(lr->buf, "last_pfn = "))
			continue;
		if (!mk->first_lastpfn)
			mk->first_lastpfn = lr->lineno;
		mk->last_lastpfn = lr->lineno;
	}
}

/* Which phase of boot printed the update at @line (-1: none kept). */
static int classify_event(const struct dmesg_marks *mk, int line)
{
	if (line == mk->trim || (mk->cpus && line > mk->cpus))
		return -1;
	if (mk->zone && line > mk->zone)
		return KMM_EV_POST_ZONES;
	if (mk->trim ? line < mk->trim :
		       (!mk->first_lastpfn || line < mk->first_lastpfn))
		return KMM_EV_SETUP_DATA;
	if (mk->last_lastpfn && line < mk->last_lastpfn)
		return KMM_EV_MTRR_TRIM;
	return KMM_EV_LATE;
}

/* "[mem A-B] OLD ==> NEW" of an "e820: update" line. */
static int parse_event(struct kmm_machine_desc *d, const char *p, int when,
		       const char *fname, int lineno, char *err, size_t errlen)
{
	struct kmm_e820_event *ev;
	char why[192];
	const char *bad;
	enum e820_type from, to;
	u64 start, end;

	bad = get_mem_range(&p, &start, &end);
	if (bad) {
		fw_err(err, errlen, "%s:%d: malformed e820 update line: %s",
		       fname, lineno, bad);
		return -EINVAL;
	}
	if (end <= start) {
		fw_err(err, errlen,
		       "%s:%d: e820 update range [mem %#llx-%#llx] ends before it starts",
		       fname, lineno, (unsigned long long)start,
		       (unsigned long long)(end - 1));
		return -EINVAL;
	}
	if (*p != ' ')
		goto malformed;
	p++;
	if (get_type(&p, &from, why, sizeof(why)) || !starts_with(p, " ==> "))
		goto malformed;
	p += 5;
	if (get_type(&p, &to, why, sizeof(why)) || *p)
		goto malformed;
	if (d->nr_events >= KMM_MAX_EVENTS) {
		fw_err(err, errlen,
		       "%s:%d: too many e820 update lines (kmm holds at most %d)",
		       fname, lineno, KMM_MAX_EVENTS);
		return -EINVAL;
	}
	/* Linux never retypes to the same type: "usable" twice is RAM to
	 * kernel-reserved RAM (setup_data). */
	if (from == E820_TYPE_RAM && to == E820_TYPE_RAM)
		to = E820_TYPE_RESERVED_KERN;
	ev = &d->events[d->nr_events++];
	ev->when = (enum kmm_e820_when)when;
	ev->start = start;
	ev->end = end;
	ev->old_type = from;
	ev->new_type = to;
	return 0;
malformed:
	fw_err(err, errlen,
	       "%s:%d: malformed e820 update line: expected \"[mem 0xSTART-0xEND] TYPE ==> TYPE\"",
	       fname, lineno);
	return -EINVAL;
}

/*
 * "Node N PXM P [mem 0xA-0xB]" (inclusive) or "Node N PXM P A-B" (2.6:
 * bare hex, exclusive end), then " hotplug", " (hotplug)" or
 * " non-volatile", at @p (just past "SRAT: ").
 */
static int parse_srat(struct kmm_machine_desc *d, const char *p, bool old,
		      const char *fname, int lineno, char *err, size_t errlen)
{
	struct kmm_srat_mem *s;
	unsigned long long nid, pxm;
	const char *bad = NULL;
	bool hotplug = false;
	u64 start, end;

	p += 5;				/* "Node " */
	if (!get_dec(&p, &nid) || !starts_with(p, " PXM ") ||
	    (p += 5, !get_dec(&p, &pxm)) || *p++ != ' ') {
		fw_err(err, errlen,
		       "%s:%d: malformed SRAT line: expected \"SRAT: Node N PXM P [mem 0xSTART-0xEND]\"",
		       fname, lineno);
		return -EINVAL;
	}
	if (*p == '[') {
		bad = get_mem_range(&p, &start, &end);
	} else {
		bad = get_hex(&p, false, &start);
		if (!bad && *p++ != '-')
			bad = "expected '-' after the start address";
		if (!bad)
			bad = get_hex(&p, false, &end);
		old = true;
	}
	if (bad) {
		fw_err(err, errlen, "%s:%d: malformed SRAT line: %s", fname,
		       lineno, bad);
		return -EINVAL;
	}
	while (*p) {
		if (starts_with(p, " hotplug")) {
			hotplug = true;
			p += 8;
		} else if (starts_with(p, " (hotplug)")) {
			hotplug = true;
			p += 10;
		} else if (starts_with(p, " non-volatile")) {
			p += 13;
		} else {
			fw_err(err, errlen,
			       "%s:%d: malformed SRAT line: unexpected text \"%.40s\" after the range",
			       fname, lineno, p);
			return -EINVAL;
		}
	}
	if (end <= start || end > FW_PHYS_LIMIT) {
		fw_err(err, errlen,
		       "%s:%d: SRAT range %#llx-%#llx is empty or beyond the 52-bit physical address space",
		       fname, lineno, (unsigned long long)start,
		       (unsigned long long)end);
		return -EINVAL;
	}
	if (nid >= KMM_MAX_NODES) {
		fw_err(err, errlen, "%s:%d: SRAT node %llu: kmm supports nodes 0..%d",
		       fname, lineno, nid, KMM_MAX_NODES - 1);
		return -EINVAL;
	}
	if (pxm >= KMM_MAX_NODES * 4) {
		fw_err(err, errlen, "%s:%d: SRAT PXM %llu: kmm supports PXMs 0..%d",
		       fname, lineno, pxm, KMM_MAX_NODES * 4 - 1);
		return -EINVAL;
	}
	if (d->nr_srat >= KMM_MAX_SRAT) {
		fw_err(err, errlen,
		       "%s:%d: too many SRAT memory lines (kmm holds at most %d)",
		       fname, lineno, KMM_MAX_SRAT);
		return -EINVAL;
	}
	s = &d->srat[d->nr_srat++];
	s->nid = (int)nid;
	s->pxm = (int)pxm;
	s->start = start;
	s->end = end;
	s->hotplug = hotplug;
	if (old)
		d->srat_old_style = true;
	return 0;
}

/*
 * "RAMDISK: [mem 0xbf8d0000-0xbfffffff]" (reserve_initrd): where the boot
 * loader put the initrd, its end rounded up to a page.
 */
static int parse_ramdisk(struct kmm_machine_desc *d, const char *p,
			 const char *fname, int n, char *err, size_t errlen)
{
	const char *why = get_mem_range(&p, &d->initrd_start, &d->initrd_size);
	char e[160];

	if (why) {
		fw_err(err, errlen, "%s:%d: RAMDISK: %s", fname, n, why);
		return -EINVAL;
	}
	d->initrd_size -= d->initrd_start;
	if (kmm_desc_set_initrd(d, d->initrd_start, d->initrd_size, e,
				sizeof(e))) {
		fw_err(err, errlen, "%s:%d: RAMDISK: %s", fname, n, e);
		return -EINVAL;
	}
	return 0;
}

/*
 * "Memory: 3212636K/25165432K available (18457K kernel code, 2543K rwdata,
 * 10276K rodata, 3728K init, 2868K bss, ...)": the kernel's section sizes,
 * a fact of the build, learned for mem_init's line.  Anything unexpected
 * leaves the defaults.
 */
static void parse_memory_line(struct kmm_machine_desc *d, const char *p)
{
	static const char *const names[] = {
		"K kernel code", "K rwdata", "K rodata", "K init", "K bss",
	};
	unsigned long long v[5], avail, total, reserved;
	const char *q = p;

	/*
	 * "AK/TK available": with DEFERRED_STRUCT_PAGE_INIT most of a big
	 * machine is still deferred here, so available + reserved falls far
	 * short of the total; without it they add up (to within the pages
	 * the kernel took early).  That tells the build option apart.
	 */
	q = skip_blanks(q);
	if (get_dec(&q, &avail) && *q++ == 'K' && *q++ == '/' &&
	    get_dec(&q, &total) && *q == 'K') {
		const char *r = kmm_strstr(q, "K bss, ");

		if (r) {
			r += 7;
			if (get_dec(&r, &reserved) && starts_with(r, "K reserved"))
				d->deferred_struct_pages =
					(avail + reserved) * 100 < total * 99;
		}
	}
	q = kmm_strchr(p, '(');
	if (!q)
		return;
	q++;
	for (int i = 0; i < 5; i++) {
		q = skip_blanks(q);
		if (!get_dec(&q, &v[i]) || !starts_with(q, names[i]))
			return;
		q += kmm_strlen(names[i]);
		if (*q == ',')
			q++;
	}
	d->kernel_code_kb = (unsigned long)v[0];
	d->kernel_rwdata_kb = (unsigned long)v[1];
	d->kernel_rodata_kb = (unsigned long)v[2];
	d->kernel_init_kb = (unsigned long)v[3];
	d->kernel_bss_kb = (unsigned long)v[4];
}

/* "NODE_DATA(N) allocated [mem 0xA-0xB]" at @p (just past "NODE_DATA("). */
static int parse_node_data(struct dmesg_facts *f, const char *p,
			   const char *fname, int lineno, char *err,
			   size_t errlen)
{
	unsigned long long nid;
	const char *bad = "expected \"NODE_DATA(N) allocated [mem 0xSTART-0xEND]\"";
	u64 start, end;

	if (get_dec(&p, &nid) && starts_with(p, ") allocated ")) {
		p += 12;
		bad = get_mem_range(&p, &start, &end);
	}
	if (!bad && (end <= start || nid >= KMM_MAX_NODES))
		bad = "empty range or node beyond kmm's limit";
	if (bad) {
		fw_err(err, errlen, "%s:%d: malformed NODE_DATA line: %s",
		       fname, lineno, bad);
		return -EINVAL;
	}
	if (!f->nd_size)
		f->nd_size = end - start;
	f->nd_end[nid] = end;
	return 0;
}

/* "node   N: [mem 0xA-0xB]" of "Early memory node ranges"; quietly. */
static void parse_node_range(struct dmesg_facts *f, const char *line)
{
	const char *p = kmm_strstr(line, "node ");
	unsigned long long nid;
	u64 start, end;

	if (!p)
		return;
	p = skip_blanks(p + 5);
	if (!get_dec(&p, &nid) || !starts_with(p, ": ") ||
	    nid >= KMM_MAX_NODES)
		return;
	p += 2;
	if (get_mem_range(&p, &start, &end) || *p)
		return;
	if (end > f->node_top[nid])
		f->node_top[nid] = end;
}

/* "N" of "smpboot: Allowing N CPUs" or the setup_percpu numbers. */
/*
 * "percpu: Embedded N pages/cpu sS rR dD uU" (or "percpu: N 4K pages/cpu
 * sS rR dD"): the build's static per-CPU size and module reserve.  Other
 * "percpu:" lines are not this one and are left alone.
 */
static void parse_pcpu_sizes(struct dmesg_facts *f, const char *p)
{
	unsigned long long n, st, r;

	if (starts_with(p, "Embedded "))
		p += 9;
	if (!get_dec(&p, &n))
		return;
	if (starts_with(p, " 4K"))
		p += 3;
	if (!starts_with(p, " pages/cpu s"))
		return;
	p += 12;
	if (!get_dec(&p, &st) || !starts_with(p, " r"))
		return;
	p += 2;
	if (!get_dec(&p, &r) || !starts_with(p, " d") || st > 0xffffffffULL ||
	    r > 0xffffffffULL)
		return;
	f->pcpu_seen = true;
	f->pcpu_static = (u32)st;
	f->pcpu_reserved = (u32)r;
}

static void parse_cpus(struct dmesg_facts *f, const char *line, int lineno)
{
	const char *p;
	unsigned long long a, b, c, e;

	p = kmm_strstr(line, "smpboot: Allowing ");
	if (p) {
		p += 18;
		if (get_dec(&p, &a) && a <= INT_MAX && !f->cpu_ids) {
			f->cpus_allowed = (int)a;
			f->cpu_line = lineno;
		}
		return;
	}
	p = kmm_strstr(line, "percpu: ");
	if (p && !kmm_strstr(line, "setup_percpu: ")) {
		parse_pcpu_sizes(f, p + 8);
		return;
	}
	p = kmm_strstr(line, "setup_percpu: NR_CPUS:");
	if (!p)
		return;
	p += 22;
	if (!get_dec(&p, &a) || !starts_with(p, " nr_cpumask_bits:"))
		return;
	p += 17;
	if (!get_dec(&p, &b) || !starts_with(p, " nr_cpu_ids:"))
		return;
	p += 12;
	if (!get_dec(&p, &c) || !starts_with(p, " nr_node_ids:"))
		return;
	p += 13;
	if (!get_dec(&p, &e) || a > INT_MAX || c > INT_MAX)
		return;
	f->cpus_config = (int)a;
	f->cpu_ids = (int)c;
	f->cpu_line = lineno;
}

/* "NUMA: Initialized distance table, cnt=N": a SLIT of N nodes. */
static int parse_distance_table(struct kmm_machine_desc *d, const char *p,
				const char *fname, int lineno, char *err,
				size_t errlen)
{
	unsigned long long cnt;

	if (!get_dec(&p, &cnt) || *p || cnt < 1 || cnt > KMM_MAX_NODES) {
		fw_err(err, errlen,
		       "%s:%d: distance table size must be 1..%d",
		       fname, lineno, KMM_MAX_NODES);
		return -EINVAL;
	}
	d->nr_slit = (int)cnt;
	for (int i = 0; i < d->nr_slit; i++)
		for (int j = 0; j < d->nr_slit; j++)
			d->slit[i][j] = i == j ? FW_LOCAL_DISTANCE :
						 FW_REMOTE_DISTANCE;
	return 0;
}

/* The node whose RAM reaches highest (see the header comment). */
static int top_node(const struct kmm_machine_desc *d,
		    const struct dmesg_facts *f)
{
	u64 top = 0;
	int nid = 0;

	for (int n = 0; n < KMM_MAX_NODES; n++) {
		if (f->node_top[n] > top) {
			top = f->node_top[n];
			nid = n;
		}
	}
	if (top)
		return nid;
	for (u32 i = 0; i < d->nr_e820; i++) {
		const struct e820_entry *e = &d->e820[i];

		if (e->type == E820_TYPE_RAM && e->addr + e->size > top)
			top = e->addr + e->size;
	}
	for (int i = 0; i < d->nr_srat; i++) {
		const struct kmm_srat_mem *s = &d->srat[i];

		if (s->nid >= 0 && s->start < top && top <= s->end)
			return s->nid;
	}
	return 0;
}

static void learn_build_facts(struct kmm_machine_desc *d,
			      const struct dmesg_facts *f, bool saw_zones)
{
	int nid;
	u64 nd_end, top = 0;

	if (saw_zones)
		d->zone_device = f->device_seen;
	if (f->nd_size)
		d->pgdat_size = f->nd_size;
	d->pgdat_size_page_rounded = d->kver < KMM_KVER(6, 12) &&
		IS_ALIGNED(d->pgdat_size, (u64)PAGE_SIZE);

	d->early_pgtable_pages = 0;
	nid = top_node(d, f);
	nd_end = f->nd_end[nid];
	if (!nd_end)
		return;
	top = f->node_top[nid];
	if (!top) {
		for (u32 i = 0; i < d->nr_e820; i++) {
			const struct e820_entry *e = &d->e820[i];

			if (e->type == E820_TYPE_RAM && e->addr < nd_end &&
			    nd_end <= e->addr + e->size)
				top = e->addr + e->size;
		}
	}
	top = ALIGN_DOWN(top, (u64)PAGE_SIZE);
	nd_end = ALIGN(nd_end, (u64)PAGE_SIZE);
	if (top > nd_end)
		d->early_pgtable_pages = (top - nd_end) >> PAGE_SHIFT;
}

/**
 * kmm_desc_parse_dmesg - describe the machine a captured boot log came from
 * @d: the description (map, version, command line, CPUs and the build facts
 *     the log shows are replaced; the rest is kept)
 * @text: the log, with or without timestamps or syslog prefixes
 * @fname: the name used in messages
 * @err: receives "FILE:LINE: what is wrong" or "FILE: what is wrong"
 * @errlen: size of @err
 *
 * See the header comment for what is read and how e820 updates are
 * classified.
 *
 * Return: 0, or -EINVAL with the map left empty.
 */
int kmm_desc_parse_dmesg(struct kmm_machine_desc *d, const char *text,
			 const char *fname, char *err, size_t errlen)
{
	struct dmesg_marks mk;
	struct dmesg_facts f;
	struct line_reader lr;
	bool saw_version = false, saw_cmdline = false;

	if (!fname)
		fname = "<input>";
	desc_clear_map(d);
	kmm_strlcpy(d->name, fname, sizeof(d->name));
	memset(&f, 0, sizeof(f));
	find_marks(text, &mk, &lr);

	reader_init(&lr, text);
	while (reader_next(&lr)) {
		const char *line = lr.buf, *p;
		int n = lr.lineno;

		if (mk.stop && n >= mk.stop)
			break;
		if (!saw_version && (p = kmm_strstr(line, "Linux version "))) {
			const char *v = p + 14;
			int kver = get_kver(&v);

			if (kver <= 0) {
				int len = 0;

				while (len < 40 && p[14 + len] &&
				       !kmm_isspace(p[14 + len]))
					len++;
				fw_err(err, errlen,
				       "%s:%d: Linux version \"%.*s\" is not supported (kmm models 4.0 to 6.x)",
				       fname, n, len, p + 14);
				goto fail;
			}
			d->kver = kver;
			saw_version = true;
			continue;
		}
		if (!saw_cmdline &&
		    ((p = kmm_strstr(line, "Command line: ")) ||
		     (p = kmm_strstr(line, "Kernel command line: ")))) {
			p = kmm_strstr(p, "ommand line: ") + 13;
			if (lr.truncated ||
			    kmm_strlen(p) >= sizeof(d->cmdline)) {
				fw_err(err, errlen,
				       "%s:%d: command line longer than %zu bytes",
				       fname, n, sizeof(d->cmdline) - 1);
				goto fail;
			}
			kmm_strlcpy(d->cmdline, p, sizeof(d->cmdline));
			saw_cmdline = true;
			continue;
		}
		if ((p = kmm_strstr(line, "BIOS-e820:"))) {
			if (parse_e820_entry(d, p + 10, fname, n, err, errlen))
				goto fail;
			continue;
		}
		if ((p = kmm_strstr(line, "e820: update "))) {
			int when = classify_event(&mk, n);

			if (when >= 0) {
				if (parse_event(d, p + 13, when, fname, n, err,
						errlen))
					goto fail;
				f.last_event_line = n;
			}
			continue;
		}
		if (kmm_strstr(line, KEXEC_LINE)) {
			if (f.last_event_line == n - 1 && d->nr_events)
				d->nr_events--;
			continue;
		}
		if ((p = kmm_strstr(line, "SRAT: Node "))) {
			bool old = p - line < 6 || kmm_strncmp(p - 6, "ACPI: ", 6);

			if (parse_srat(d, p + 6, old, fname, n, err, errlen))
				goto fail;
			continue;
		}
		if ((p = kmm_strstr(line, "NUMA: Initialized distance table, cnt="))) {
			if (parse_distance_table(d, p + 38, fname, n, err,
						 errlen))
				goto fail;
			continue;
		}
		if ((p = kmm_strstr(line, "NODE_DATA("))) {
			if (parse_node_data(&f, p + 10, fname, n, err, errlen))
				goto fail;
			continue;
		}
		/*
		 * The loader's place; "Allocated new RAMDISK: [mem ...]" is
		 * where reserve_initrd moved it, which kmm works out again.
		 */
		if ((p = kmm_strstr(line, "RAMDISK: [mem ")) &&
		    (p - line < 14 || kmm_strncmp(p - 14, "Allocated new ", 14))) {
			if (parse_ramdisk(d, p + 9, fname, n, err, errlen))
				goto fail;
			continue;
		}
		/* do_populate_rootfs: which line tells CONFIG_BLK_DEV_RAM. */
		if (kmm_strstr(line, "Trying to unpack rootfs image as initramfs...")) {
			d->blk_dev_ram = true;
			continue;
		}
		if (kmm_strstr(line, "Unpacking initramfs...")) {
			d->blk_dev_ram = false;
			continue;
		}
		if ((p = kmm_strstr(line, "mem auto-init: stack:"))) {
			/* The build's INIT_ON_ALLOC_DEFAULT_ON, unless the
			 * command line chose (init_on_alloc= overrides). */
			if (kmm_strstr(p, "heap alloc:on"))
				d->init_on_alloc_default = true;
			else if (kmm_strstr(p, "heap alloc:off"))
				d->init_on_alloc_default = false;
			continue;
		}
		if ((p = kmm_strstr(line, "Memory: ")) &&
		    kmm_strstr(line, "K kernel code")) {
			parse_memory_line(d, p + 8);
			continue;
		}
		if (n == mk.zone) {
			f.in_zone_ranges = true;
			continue;
		}
		if (f.in_zone_ranges) {
			if (kmm_strstr(line, "  Device   "))
				f.device_seen = true;
			else if (!kmm_strstr(line, "  DMA") &&
				 !kmm_strstr(line, "  Normal") &&
				 !kmm_strstr(line, "  HighMem"))
				f.in_zone_ranges = false;
		}
		if (kmm_strstr(line, ": [mem ")) {
			parse_node_range(&f, line);
			continue;
		}
		parse_cpus(&f, line, n);
	}

	if (check_map(d, fname, "no BIOS-e820 lines found", err, errlen))
		goto fail;
	if (f.cpu_ids || f.cpus_allowed) {
		int cpus = f.cpu_ids ? f.cpu_ids : f.cpus_allowed;

		if (cpus < 1 || cpus > KMM_MAX_CPUS) {
			fw_err(err, errlen, "%s:%d: %d CPUs: kmm supports 1..%d",
			       fname, f.cpu_line, cpus, KMM_MAX_CPUS);
			goto fail;
		}
		d->nr_cpus = cpus;
	}
	if (f.cpus_config)
		d->nr_cpus_config = f.cpus_config;
	if (f.pcpu_seen) {
		d->pcpu_static_size = f.pcpu_static;
		d->pcpu_reserved_size = f.pcpu_reserved;
	}
	learn_build_facts(d, &f, mk.zone != 0);
	return 0;
fail:
	desc_clear_map(d);
	return -EINVAL;
}
