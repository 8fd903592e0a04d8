/* SPDX-License-Identifier: MIT */
/*
 * kmm/machine.h - one simulated machine: its description and all its state.
 *
 * A kmm_machine_desc says what the machine is: the firmware's memory map
 * (e820), the SRAT and SLIT (NUMA), the CPUs, the kernel command line, the
 * Linux version whose behaviour and formats to reproduce, and the few facts
 * of the kernel build that show in the boot log (sizeof(pg_data_t), whether
 * ZONE_DEVICE exists, NODES_SHIFT, ...).  Descriptions come from the compact
 * form (kmm_desc_compact), from a captured boot log (kmm_desc_parse_dmesg),
 * from e820 lines (kmm_desc_parse_e820) or from the host (tools/).
 *
 * A kmm_machine is everything one booted kernel would hold in globals:
 * e820 tables, memblock, NUMA maps, nodes and zones, the memmap, the log.
 * The kernel-named API (memblock_add, NODE_DATA, ...) acts on the calling
 * thread's current machine (kmm_machine_enter), else on the process-wide
 * default (the most recently created machine still alive).  One process may
 * hold several machines.
 */
#ifndef KMM_MACHINE_H
#define KMM_MACHINE_H

#include <kmm/hugetlb.h>
#include <kmm/types.h>
#include <kmm/list.h>
#include <kmm/spinlock.h>
#include <kmm/ratelimit.h>
#include <kmm/pcpu_lock.h>
#include <kmm/e820.h>
#include <kmm/memblock.h>
#include <kmm/bootmem.h>
#include <kmm/mmzone.h>
#include <kmm/numa.h>
#include <kmm/mm_types.h>

#define KMM_MAX_CPUS		256
#define KMM_MAX_SRAT		256
#define KMM_MAX_EVENTS		64
#define KMM_CMDLINE_MAX		4096

/* WARN_ONCE sites remembered per machine (more fire again). */
#define KMM_ONCE_SITES		256

/* Linux versions as one number: KMM_KVER(6, 12) == 612. */
#define KMM_KVER(maj, min)	((maj) * 100 + (min))
#define KMM_KVER_DEFAULT	KMM_KVER(6, 12)

struct kmm_srat_mem {
	int pxm;
	int nid;		/* node id as the log printed it (-1: assign) */
	u64 start, end;		/* end exclusive */
	bool hotplug;
};

/* e820 changes the firmware or early boot made that the log records. */
enum kmm_e820_when {
	KMM_EV_SETUP_DATA,	/* e820__reserve_setup_data, before trims */
	KMM_EV_MTRR_TRIM,	/* mtrr_trim_uncached_memory, before memblock */
	KMM_EV_LATE,		/* after memblock setup: e820 only */
	KMM_EV_POST_ZONES,	/* after the zones were printed: e820 only */
};

struct kmm_e820_event {
	enum kmm_e820_when when;
	u64 start, end;		/* end exclusive */
	enum e820_type old_type, new_type;
};

enum kmm_deferred_mode {
	KMM_DEFERRED_PARALLEL,	/* one thread per node after boot (Linux) */
	KMM_DEFERRED_LAZY,	/* on demand only */
	KMM_DEFERRED_OFF,	/* initialise every struct page at boot */
};

struct kmm_machine_desc {
	char name[128];			/* where it came from, for messages */
	u32 nr_e820;
	struct e820_entry e820[E820_MAX_ENTRIES / 4];
	int nr_srat;
	struct kmm_srat_mem srat[KMM_MAX_SRAT];
	bool srat_old_style;		/* "SRAT: Node" (pre-4.x) lines */
	int nr_slit;			/* dimension of slit[][] (0: none) */
	u8 slit[KMM_MAX_NODES][KMM_MAX_NODES];
	int nr_cpus;
	int cpu_node[KMM_MAX_CPUS];	/* -1: let NUMA init decide */
	/*
	 * The last-level cache as cacheinfo reports it: its size in bytes
	 * (0: no cache information, as when detection fails) and how many
	 * CPUs share it (0: all).  Linux gives each CPU size / sharers as its
	 * data slice; a slice over 3 batches of pages lets a pageset keep a
	 * batch through a run of high-order frees (PCPF_FREE_HIGH_BATCH).
	 */
	u64 llc_size;
	int llc_cpus;
	/* The CPU maps 1 GiB pages (X86_FEATURE_GBPAGES); default true. */
	bool cpu_gbpages;
	int fake_nodes;			/* --nodes N without SRAT: equal split */
	char cmdline[KMM_CMDLINE_MAX];
	int kver;			/* KMM_KVER(maj, min) */
	int nr_events;
	struct kmm_e820_event events[KMM_MAX_EVENTS];
	/* Facts of the kernel build that show in the log. */
	u64 pgdat_size;			/* sizeof(pg_data_t) of that build */
	bool pgdat_size_page_rounded;	/* <= 6.x rounded NODE_DATA to pages */
	u64 early_pgtable_pages;	/* taken top-down before NUMA init */
	bool zone_device;		/* CONFIG_ZONE_DEVICE: "Device empty" */
	int nodes_shift;		/* CONFIG_NODES_SHIFT */
	int nr_cpus_config;		/* CONFIG_NR_CPUS */
	/*
	 * The first percpu chunk's static size (__per_cpu_end -
	 * __per_cpu_start) and module reserve (PERCPU_MODULE_RESERVE: 8 KiB
	 * with CONFIG_MODULES, else 0): "percpu: Embedded ... sS rR".
	 */
	u32 pcpu_static_size, pcpu_reserved_size;
	int migrate_types;		/* 4, 5 or 6 (CMA, MEMORY_ISOLATION) */
	bool init_on_alloc_default;	/* CONFIG_INIT_ON_ALLOC_DEFAULT_ON */
	bool deferred_struct_pages;	/* CONFIG_DEFERRED_STRUCT_PAGE_INIT */
	u64 kernel_start, kernel_size;	/* the loaded image */
	u64 realmode_size;		/* the real-mode trampoline (bytes) */
	/*
	 * The initrd the boot loader hands over (boot_params' ramdisk_image
	 * and ramdisk_size): none if the size is 0; placed by the loader
	 * model (kmm_desc_place_initrd) if the start is 0.  initrd_default:
	 * the size is kmm_desc_init's, so a machine too small to hold it
	 * boots without one instead of failing.
	 */
	u64 initrd_start, initrd_size;
	bool initrd_default;
	bool blk_dev_ram;		/* CONFIG_BLK_DEV_RAM: initramfs line */
	/* Section sizes the "Memory:" line reports (KiB). */
	unsigned long kernel_code_kb, kernel_rwdata_kb, kernel_rodata_kb;
	unsigned long kernel_init_kb, kernel_bss_kb;
};

struct kmm_sink {
	void (*write)(void *ctx, const char *s, size_t len);
	void *ctx;
};

struct kmm_hooks {
	/* Return to let the default action happen (unwind / print). */
	void (*panic)(void *ctx, const char *msg);
	void (*warn)(void *ctx, const char *file, int line, const char *msg);
	void (*bug)(void *ctx, const char *file, int line);
	void *ctx;
};

struct kmm_log;

struct kmm_machine {
	struct kmm_machine_desc desc;
	/*
	 * Unique for the life of the process, unlike the address: a thread's
	 * CPU belongs to the machine whose uid it recorded (kernel/smp.c).
	 */
	u64 uid;
	int kver;
	bool booted;
	bool failed;
	char errmsg[512];

	/* Platform: physical memory and the memmap window. */
	struct kmm_backing *backing;
	u8 *phys_base;			/* __va(pa) == phys_base + pa */
	u64 phys_span;			/* bytes of direct map reserved */
	struct page *vmemmap_base;	/* pfn_to_page(pfn) == vmemmap + pfn */
	u64 vmemmap_span;
	u64 vmemmap_pages;		/* page frames of the window */

	/* Log, hooks, diagnostics. */
	struct kmm_log *log;
	int console_loglevel;
	struct kmm_hooks hooks;
	atomic_long warn_count;
	atomic_long bug_count;
	/*
	 * The WARN_ONCE sites that fired in this machine (kernel/printk.c):
	 * Linux's once-flags are per kernel, kmm's per machine.
	 */
	struct {
		spinlock_t lock;
		unsigned int nr;
		const void *site[KMM_ONCE_SITES];
	} once;
	int nr_cpus;
	/*
	 * CPUs online: the first nr_online_cpus of them (maxcpus= brings up
	 * fewer than nr_cpus; kmm has no CPU hotplug).  max_cpus: maxcpus=,
	 * or -1.
	 */
	int nr_online_cpus, max_cpus;
	/* memtest= ran; the bytes it reserved as bad (mm/memtest.c). */
	bool memtest_done;
	u64 memtest_bad_bytes;
	/* The first percpu chunk's pages, all units (mm/percpu.c). */
	unsigned long pcpu_nr_pages;
	/*
	 * The initrd as reserve_initrd left it (Linux's initrd_start and
	 * initrd_end, here physical; both 0 when there is none, and again
	 * once populate_rootfs has freed it).
	 */
	u64 initrd_pa_start, initrd_pa_end;
	/* hugetlb's hstates and pools (mm/hugetlb.c), and hugetlb_lock. */
	struct kmm_hugetlb hugetlb;
	spinlock_t hugetlb_lock, hugetlb_resize_lock;

	/* Command-line state (kernel/params.c). */
	struct kmm_params {
		u64 mem_limit;			/* mem= (0: none) */
		bool userdef;			/* memmap= / mem= touched e820 */
		bool memblock_debug;
		unsigned int memtest_pattern;	/* memtest[=N] passes */
		/* hashdist= (-1: not given), dhash_entries=, ihash_entries= */
		int hashdist;
		unsigned long dhash_entries, ihash_entries;
		bool numa_off;
		int numa_fake;
		bool movable_node;
		bool use_bootmem;
		bool mirrored_kernelcore;
		unsigned long required_kernelcore;
		unsigned long required_kernelcore_percent;
		unsigned long required_movablecore;
		unsigned long required_movablecore_percent;
		enum kmm_deferred_mode deferred;
		bool quiet, debug;
		bool nogbpages;			/* nogbpages (gbpages: back on) */
		bool retain_initrd;		/* retain_initrd */
		int loglevel;			/* -1: unset */
		char unknown[KMM_CMDLINE_MAX];
		/* Slab (mm/slab_common.c reads them in kmem_cache_init). */
		struct kmm_slab_params {
			bool use_slab;		/* slab=slab: SLAB, else SLUB */
			bool off;		/* slab=off: no slab layer */
			bool nomerge;		/* slab_nomerge */
			bool freelist_random;	/* SLAB_FREELIST_RANDOM */
			bool freelist_hardened;	/* SLAB_FREELIST_HARDENED */
			bool noaliencache;	/* SLAB: noaliencache */
			int min_order;		/* slub_min_order= (-1) */
			int max_order;		/* slub_max_order= (-1) */
			int min_objects;	/* slub_min_objects= (-1) */
			int slab_max_order;	/* SLAB: slab_max_order= (-1) */
			bool debug_set;		/* slub_debug given */
			char debug[256];	/* its value ("" if bare) */
		} slab;
	} params;

	/*
	 * NOTE: fields that carry a kernel global's state are named so they
	 * do not collide with the kernel-named macros (memblock, e820_table,
	 * max_pfn, vmemmap ...), which expand to these fields of kmm_current().
	 */

	/* e820 (arch/x86/e820.c). */
	e820_table_t *e820_tbl;
	e820_table_t *e820_tbl_firmware;

	/* memblock (mm/memblock.c). */
	memblock_t mblk;
	struct memblock_region memblock_memory_init[INIT_MEMBLOCK_MEMORY_REGIONS];
	struct memblock_region memblock_reserved_init[INIT_MEMBLOCK_RESERVED_REGIONS];
	bool memblock_can_resize;
	bool memblock_memory_in_slab, memblock_reserved_in_slab;
	bool system_has_some_mirror;
	bool slab_is_available;

	/* Page frame bounds. */
	unsigned long pfn_max, pfn_max_low, pfn_min_low;	/* max_pfn ... */
	unsigned long long max_possible_pfn;

	/* NUMA (arch/x86/numa.c). */
	struct numa_meminfo numa_meminfo;
	int numa_distance_cnt;
	u8 numa_distance[KMM_MAX_NODES][KMM_MAX_NODES];
	nodemask_t node_states[NR_NODE_STATES];
	nodemask_t numa_nodes_parsed;
	int nr_node_ids, nr_online_nodes;
	pg_data_t *node_data[KMM_MAX_NODES];
	int cpu_to_node[KMM_MAX_CPUS];
	/*
	 * Linux's __apicid_to_node by CPU: the SRAT's node of each CPU (after
	 * numa=fake's remapping), NUMA_NO_NODE without an SRAT; what
	 * init_cpu_to_node() applies once the zones are set up.
	 */
	int cpu_fw_node[KMM_MAX_CPUS];
	int pxm_to_node[KMM_MAX_NODES * 4];

	/* Zones (mm/mm_init.c). */
	unsigned long arch_zone_lowest_possible_pfn[MAX_NR_ZONES];
	unsigned long arch_zone_highest_possible_pfn[MAX_NR_ZONES];
	unsigned long zone_movable_pfn[KMM_MAX_NODES];
	int movable_zone;
	unsigned long nr_kernel_pages, nr_all_pages;
	unsigned long dma_reserve;

	/* SPARSEMEM (mm/sparse.c). */
	struct mem_section *mem_section;
	unsigned long nr_mem_sections;

	/* Zonelists (mm/page_alloc.c). */
	int node_load[KMM_MAX_NODES];
	int policy_zone;
	int zone_reclaim_mode;
	/*
	 * For the per-CPU fast paths (page_alloc.c), set with the zonelists:
	 * each CPU's node (node 0 for a CPU without one), and every zone by
	 * the node and zone bits of page->flags (page_zone() in two steps).
	 */
	pg_data_t *cpu_pgdat[KMM_MAX_CPUS];
	struct zone *zone_tab[KMM_MAX_NODES << ZONES_SHIFT];
	unsigned long total_pages_built;

	/* bootmem (mm/bootmem.c). */
	bootmem_data_t bootmem_node_data[KMM_MAX_NODES];
	struct list_head bdata_list;

	/* Deferred struct page init. */
	atomic_long deferred_pages_left;
	u64 boot_ns;
	u64 start_ns;		/* when the boot began: jiffies count from here */

	/* printk rate limits (lib/ratelimit.c): Linux's static states. */
	struct ratelimit_state nopage_rs;	/* warn_alloc: 10 s, 1 */
	struct ratelimit_state printk_rs;	/* printk_ratelimit(): 5 s, 10 */
	struct ratelimit_state mirror_rs[2];	/* memblock's mirror warnings */

	/* Page allocator (mm/page_alloc.c). */
	atomic_long totalram;			/* totalram_pages() */
	unsigned long totalreserve_pages;
	unsigned long totalcma_pages;
	int min_free_kbytes;
	int user_min_free_kbytes;		/* -1: computed */
	int watermark_scale_factor;		/* 10 */
	int watermark_boost_factor;		/* 15000 */
	int lowmem_reserve_ratio[MAX_NR_ZONES];
	int percpu_pagelist_high_fraction;	/* 0: auto */
	spinlock_t sysctl_lock;			/* one kmm_sysctl() at a time */
	bool buddy_up;				/* mem_init done: alloc_pages works */
	atomic_long vm_events[NR_VM_EVENT_ITEMS];
	atomic_long *vm_events_pcpu;		/* [nr_cpus][NR_VM_EVENT_ITEMS] */
	/* Who owns each CPU (kernel/smp.c); cpu_bias_on: ownership in use. */
	struct kmm_cpu_bias *cpu_bias;		/* [nr_cpus] */
	bool cpu_bias_on;
	unsigned long cpupid_reset_bits;	/* page_cpupid_reset_last() */
	bool cpupid_bits_ready;
	spinlock_t shrinker_lock;
	struct list_head shrinker_list;
	/*
	 * Page debugging (debug_pagealloc=, page_poison=, init_on_*=) and
	 * kmm_verify=1 (check each op).  The options that take the page
	 * allocator off its per-CPU fast paths share one word, so that those
	 * paths test them with one load (page_alloc.c: pa_fast_ok()).
	 */
	union {
		struct {
			bool debug_pagealloc;
			bool page_poisoning;
			bool init_on_free;
			bool verify_ops;
			bool pcp_not_ready;	/* per-CPU pagesets not up yet */
			/*
			 * Set with the zonelists (Linux's global of the same
			 * name): a machine too small for grouping takes the
			 * general paths, which know.
			 */
			bool page_group_by_mobility_disabled;
		};
		u64 page_slow_opts;
	};
	bool init_on_alloc;
	/* init_on_alloc || init_on_free, settled with them (slab fast paths). */
	bool init_on_alloc_or_free;
	/* direct_gbpages after probe_page_size_mask (arch/x86/setup.c). */
	bool direct_gbpages;
	/*
	 * debug_guardpage_minorder= (0 .. MAX_PAGE_ORDER / 2), and whether
	 * guard pages are on: debug_pagealloc with a minimum order (mm/page_debug.c).
	 */
	unsigned int debug_guardpage_minorder;
	bool debug_guardpage_enabled;
	atomic_long bad_pages;			/* "Bad page state" reports */
	/* Report state of mm/page_debug.c: rate limits, taint, counts. */
	struct kmm_page_debug {
		spinlock_t lock;
		u64 bad_page_resume;		/* end of a burst's minute (ns) */
		unsigned long bad_page_shown, bad_page_unshown;
		bool debug_locks_off;		/* add_taint() said so once */
		struct ratelimit_state poison_rs; /* check_poison_mem's */
		atomic_long poison_errors;	/* corruptions found at alloc */
	} page_debug;
	void *alloc_priv;
	/*
	 * kmalloc and kfree past their machine lookup (mm/slab_common.c):
	 * kmalloc_general and kfree_lookup until the slab backend puts its
	 * own in (SLUB: the fast paths of slub_kmalloc_* and slub_kfree_*).
	 */
	void *(*kmalloc_fn)(struct kmm_machine *m, size_t size, gfp_t flags,
			    unsigned long caller);
	void (*kfree_fn)(struct kmm_machine *m, const void *x,
			 unsigned long caller);
	/* Slab allocators (mm/slab_common.c); NULL before kmem_cache_init. */
	struct kmm_slab_state *slab;
	/* vmalloc (mm/vmalloc.c); NULL before vmalloc_init. */
	struct kmm_vmalloc_state *vmalloc;
};

/* --- Describing a machine ------------------------------------------- */

/* kmm_desc_init's initrd: this 6.18 VM's ("Freeing initrd memory: 8320K"). */
#define KMM_INITRD_DEFAULT_SIZE	(8320ULL << 10)

/* Defaults: Linux 6.12, Debian-like build, 1 CPU, no map. */
void kmm_desc_init(struct kmm_machine_desc *d);
/*
 * A realistic PC map of @mem bytes: usable [0, 0x9fc00), reserved to 1 MiB,
 * RAM to min(mem, 3 GiB) below the PCI hole, the rest above 4 GiB; @nodes
 * equal NUMA nodes (SRAT synthesised), @cpus CPUs.
 */
int kmm_desc_compact(struct kmm_machine_desc *d, u64 mem, int nodes, int cpus,
		     char *err, size_t errlen);
/* Parse a captured boot log / e820 lines; on error fill err, return -EINVAL. */
int kmm_desc_parse_dmesg(struct kmm_machine_desc *d, const char *text,
			 const char *fname, char *err, size_t errlen);
int kmm_desc_parse_e820(struct kmm_machine_desc *d, const char *text,
			const char *fname, char *err, size_t errlen);
/* Set distances (row-major n*n) replacing SLIT; validates. */
int kmm_desc_set_distance(struct kmm_machine_desc *d, int n, const int *dist,
			  char *err, size_t errlen);
/* Append to the command line (later parameters override earlier). */
int kmm_desc_add_cmdline(struct kmm_machine_desc *d, const char *extra);
/* Set the Linux version from "X.Y"; -EINVAL if not understood. */
int kmm_desc_set_kver(struct kmm_machine_desc *d, const char *ver);
/*
 * The boot loader's initrd: @size bytes at @start (page aligned; 0: where
 * the loader model puts it), or none if @size is 0.  -EINVAL with @err
 * filled (nothing changed) for a bad start or size.
 */
int kmm_desc_set_initrd(struct kmm_machine_desc *d, u64 start, u64 size,
			char *err, size_t errlen);
/*
 * Where the loader puts the initrd of @d (kmm_machine_create calls it):
 * *start is its address, 0 if there is none.  -EINVAL with @err filled if
 * an initrd the caller asked for cannot be placed or overlaps the kernel.
 */
int kmm_desc_place_initrd(const struct kmm_machine_desc *d, u64 *start,
			  char *err, size_t errlen);

/* --- Running one ----------------------------------------------------- */

struct kmm_machine *kmm_machine_create(const struct kmm_machine_desc *d,
				       char *err, size_t errlen);
/*
 * mm/slab_common.c: kmalloc and kfree the general way, kmalloc_fn's and
 * kfree_fn's defaults (internal; @m must be the calling thread's current
 * machine).
 */
void *kmalloc_general(struct kmm_machine *m, size_t size, gfp_t flags,
		      unsigned long caller);
void kfree_lookup(struct kmm_machine *m, const void *x, unsigned long caller);
/* Boot: firmware map to zonelists.  0, or -errno with the reason in err. */
int kmm_machine_boot(struct kmm_machine *m, char *err, size_t errlen);
void kmm_machine_destroy(struct kmm_machine *m);
/* Make @m the calling thread's current machine (NULL: back to default). */
void kmm_machine_enter(struct kmm_machine *m);
/*
 * Initial-exec TLS: one %fs-relative load instead of a __tls_get_addr call
 * (libkmm is position independent).  A program may link libkmm or load it
 * at start-up; dlopen() of libkmm.so into a process whose static TLS is
 * full would fail.
 */
#define KMM_TLS _Thread_local __attribute__((tls_model("initial-exec")))
#define kmm_cur_tls	(kmm_self.cur)
extern struct kmm_machine *_Atomic kmm_cur_default;
static inline struct kmm_machine *kmm_current(void)
{
	struct kmm_machine *m = kmm_cur_tls;

	return m ? m : atomic_load_explicit(&kmm_cur_default,
					    memory_order_acquire);
}
/* Set the calling thread's machine, returning the one it had set (or NULL). */
struct kmm_machine *kmm_machine_switch(struct kmm_machine *m);
/* Check every invariant of a machine's memory state (mm/debug.c). */
int kmm_mm_verify(struct kmm_machine *m, char *err, size_t errlen);
void kmm_set_hooks(struct kmm_machine *m, const struct kmm_hooks *h);
/*
 * vm sysctls: "vm.min_free_kbytes", "vm.watermark_scale_factor",
 * "vm.watermark_boost_factor", "vm.percpu_pagelist_high_fraction",
 * "vm.lowmem_reserve_ratio.N" (zone N).  0, -EINVAL or -ENOENT.
 */
int kmm_sysctl(struct kmm_machine *m, const char *name, long value);
/*
 * One tick of Linux's vmstat worker: decay each per-CPU pageset's high
 * towards high_min and drain what is above it, and drain a batch of a
 * CPU's pageset of a remote node's zone once that CPU has left the zone's
 * counters alone for 3 ticks.  Returns true while there is more to do.
 * Linux runs it every second; kmm runs it when called.
 */
bool kmm_vmstat_tick(struct kmm_machine *m);
/* The calling thread's CPU in the current machine, and its node. */
#define kmm_cpu_id	(kmm_self.cpu)
/*
 * The calling thread runs as a CPU of @m (kmm_cpu_id is that CPU).  A
 * machine's uid is never 0, and kernel/smp.c and kernel/machine.c set and
 * clear cpu_uid together with the CPU, so a matching uid means a CPU.
 */
static inline bool kmm_runs_on(const struct kmm_machine *m)
{
	return kmm_self.cpu_uid == m->uid;
}
/* ... and owns that CPU (kernel/smp.c; implies kmm_runs_on). */
static inline bool kmm_owns_cpu_of(const struct kmm_machine *m)
{
	return kmm_self.owner_uid == m->uid;
}
int kmm_assign_cpu(struct kmm_machine *m);
/*
 * CPU ownership (kernel/smp.c, include/kmm/pcpu_lock.h).  Revoke before
 * working on another CPU's per-CPU structures (kmm_pcpu_lock_remote), and
 * unrevoke after.  kmm_cpu_owned: the calling thread owns its CPU.
 */
void kmm_cpu_revoke(struct kmm_machine *m, int cpu);
void kmm_cpu_unrevoke(struct kmm_machine *m, int cpu);
void kmm_cpu_revoke_all(struct kmm_machine *m);
void kmm_cpu_unrevoke_all(struct kmm_machine *m);
bool kmm_cpu_owned(struct kmm_machine *m);
/* The calling thread gives its CPU of @m back (it gets one again on use). */
void kmm_cpu_release(struct kmm_machine *m);
void kmm_cpu_bias_disable(struct kmm_machine *m);
void kmm_claim_boot_cpu(struct kmm_machine *m);
/*
 * Run the calling thread as CPU @cpu of @m from now on (as a task pinned
 * with sched_setaffinity): owned if the CPU is free, shared otherwise;
 * a CPU of @m it owned before is free again.
 * 0, or -EINVAL for a CPU the machine does not have or did not bring up
 * (maxcpus=).
 */
int kmm_cpu_bind(struct kmm_machine *m, int cpu);
/* The calling thread's CPU in @m (smp_processor_id without a lookup). */
static inline int kmm_cpu_of(struct kmm_machine *m)
{
	if (likely(kmm_runs_on(m)))
		return kmm_cpu_id;
	return kmm_assign_cpu(m);
}
static inline int smp_processor_id(void)
{
	return kmm_cpu_of(kmm_current());
}
static inline int numa_node_id(void)
{
	struct kmm_machine *m = kmm_current();
	int nid = m->cpu_to_node[smp_processor_id()];

	return nid < 0 ? 0 : nid;
}
/* Finish deferred struct page init now (all nodes, in parallel). */
void kmm_deferred_init_all(struct kmm_machine *m);

/* --- Output ------------------------------------------------------------ */

enum kmm_log_view {
	KMM_LOG_DMESG,		/* every record, as dmesg prints the ring */
	KMM_LOG_CONSOLE,	/* records below the console loglevel */
	KMM_LOG_ALL,		/* also pr_debug records */
};
void kmm_log_dump(struct kmm_machine *m, enum kmm_log_view view,
		  bool with_level, const struct kmm_sink *out);
/* Reports: "zoneinfo", ...; -ENOENT for an unknown name. */
int kmm_report(struct kmm_machine *m, const char *name,
	       const struct kmm_sink *out);
/* seq_printf-like writer used by the reports. */
void kmm_sink_printf(const struct kmm_sink *out, const char *fmt, ...)
	__printf(2, 3);

#endif /* KMM_MACHINE_H */
