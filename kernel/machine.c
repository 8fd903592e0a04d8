/* SPDX-License-Identifier: MIT */
/*
 * kernel/machine.c - machines: creation, the current machine, boot, teardown.
 *
 * What: a struct kmm_machine is everything a booted kernel keeps in its
 * globals.  This file creates one from a description, makes it current for
 * a thread, boots it (init/main.c: start_kernel) under a recovery point so
 * that a panic tears it down instead of ending the process, and destroys it.
 *
 * Current machine: each thread has its own pointer (kmm_machine_enter); a
 * thread that never chose one uses the process default, the most recently
 * created machine that still exists.  The kernel-named API reads it through
 * kmm_current(), so one process can hold several machines side by side.
 *
 * Memory windows: at creation the machine reserves a direct-map window as
 * large as its physical address space (the highest e820 or memmap= address,
 * rounded up to a section) and a vmemmap window of 64 bytes per page frame,
 * both inaccessible, and a backing object of the same physical size.  RAM
 * ranges of the firmware map are mapped read-write into the direct map so
 * that early allocators can use them; after the memory map is final the
 * boot re-maps exactly memblock.memory (kmm_remap_direct_map), so ranges
 * removed by mem= or memmap= fault again.
 *
 * CPUs: a thread gets a CPU number the first time it asks
 * (smp_processor_id), round robin over the machine's CPUs; the boot thread
 * is CPU 0.
 *
 * Failure: every error during creation or boot leaves nothing half-built:
 * creation frees what it made; a failed boot marks the machine failed, and
 * its only use is kmm_machine_destroy (and reading its log).
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/cmdline.h>
#include <kmm/platform.h>

struct kmm_log *kmm_log_create(size_t size);
void kmm_log_destroy(struct kmm_log *log);
int start_kernel(void);
int kmm_vmstat_report(struct kmm_machine *m, const char *name,
		      const struct kmm_sink *out);
int kmm_slab_report(struct kmm_machine *m, const char *name,
		    const struct kmm_sink *out);
void kmm_slab_destroy(struct kmm_machine *m);
int kmm_vmalloc_report(struct kmm_machine *m, const char *name,
		       const struct kmm_sink *out);
void kmm_vmalloc_destroy(struct kmm_machine *m);

KMM_TLS struct kmm_thread kmm_self = { .cpu = -1 };
static atomic_ullong next_machine_uid;
struct kmm_machine *_Atomic kmm_cur_default;
#define cur_tls kmm_cur_tls
#define cpu_id kmm_cpu_id
#define cur_default kmm_cur_default
static spinlock_t machines_lock = __SPIN_LOCK_UNLOCKED;
#define MAX_LIVE 64
static struct kmm_machine *live[MAX_LIVE];


void kmm_machine_enter(struct kmm_machine *m)
{
	cur_tls = m;
}

struct kmm_machine *kmm_machine_switch(struct kmm_machine *m)
{
	struct kmm_machine *prev = cur_tls;

	cur_tls = m;
	return prev;
}

memblock_t *kmm_memblock(void)
{
	return &kmm_current()->mblk;
}

bootmem_data_t *kmm_bootmem_data(int nid)
{
	return &kmm_current()->bootmem_node_data[nid];
}

void kmm_for_each_live_machine(void (*fn)(struct kmm_machine *m));

/* Under the live-machine lock, so that no machine goes away meanwhile. */
void kmm_for_each_live_machine(void (*fn)(struct kmm_machine *m))
{
	spin_lock(&machines_lock);
	for (int i = 0; i < MAX_LIVE; i++)
		if (live[i])
			fn(live[i]);
	spin_unlock(&machines_lock);
}

void kmm_set_hooks(struct kmm_machine *m, const struct kmm_hooks *h)
{
	m->hooks = *h;
}

struct sink_buf {
	char *p;
	size_t n;
};

void kmm_sink_printf(const struct kmm_sink *out, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf_k(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	out->write(out->ctx, buf, (size_t)n);
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__printf(3, 4);
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf_k(err, errlen, fmt, ap);
	va_end(ap);
}

/*
 * The highest physical address the machine can have: the firmware map's end
 * and any memmap=nn@ss / nn#ss / nn$ss / nn!ss addition on the command line.
 */
static u64 physical_span(const struct kmm_machine_desc *d)
{
	u64 top = 0;
	const char *p;

	for (u32 i = 0; i < d->nr_e820; i++) {
		u64 end = d->e820[i].addr + d->e820[i].size;

		if (end > top)
			top = end;
	}
	for (p = kmm_strstr(d->cmdline, "memmap="); p;
	     p = kmm_strstr(p + 1, "memmap=")) {
		const char *q = p + 7;

		while (*q && !kmm_isspace(*q)) {
			char *e;
			u64 size = memparse(q, &e), start;

			if (e == q)
				break;
			if (*e == '@' || *e == '#' || *e == '$' || *e == '!') {
				start = memparse(e + 1, &e);
				if (start + size > top)
					top = start + size;
			}
			while (*e && *e != ',' && !kmm_isspace(*e))
				e++;
			if (*e != ',')
				break;
			q = e + 1;
		}
	}
	/*
	 * Whole sections: __free_pages (mm/page_alloc.c) and kmm_obj_page
	 * (mm/slab.h) rely on it.
	 */
	return ALIGN(top, (u64)SZ_128M);
}
_Static_assert(SZ_128M % (1UL << SECTION_SIZE_BITS) == 0,
	       "the physical span is a whole number of sections");

/* Map [start, end) of physical memory into the direct map (RW). */
static int map_phys(struct kmm_machine *m, u64 start, u64 end)
{
	start = ALIGN_DOWN(start, (u64)PAGE_SIZE);
	end = ALIGN(end, (u64)PAGE_SIZE);
	if (end > m->phys_span)
		end = m->phys_span;
	if (start >= end)
		return 0;
	return kmm_plat_map(m->backing, start, end - start,
			    m->phys_base + start, KMM_PROT_RW);
}

/*
 * Make the direct map show exactly memblock.memory: everything else becomes
 * inaccessible.  Called by setup_arch once the memory map is final.
 */
int kmm_remap_direct_map(struct kmm_machine *m);
int kmm_remap_direct_map(struct kmm_machine *m)
{
	u64 prev = 0;
	int ret;

	for (unsigned long i = 0; i < m->mblk.memory.cnt; i++) {
		struct memblock_region *r = &m->mblk.memory.regions[i];
		u64 s = ALIGN_DOWN(r->base, (u64)PAGE_SIZE);
		u64 e = ALIGN(r->base + r->size, (u64)PAGE_SIZE);

		if (!r->size)
			continue;
		if (s > prev) {
			ret = kmm_plat_unmap(m->phys_base + prev, s - prev);
			if (ret)
				return ret;
		}
		if (s < prev)
			s = prev;
		if (e > s) {
			ret = map_phys(m, s, e);
			if (ret)
				return ret;
		}
		if (e > prev)
			prev = e;
	}
	if (prev < m->phys_span)
		return kmm_plat_unmap(m->phys_base + prev, m->phys_span - prev);
	return 0;
}

static void register_live(struct kmm_machine *m)
{
	spin_lock(&machines_lock);
	for (int i = 0; i < MAX_LIVE; i++) {
		if (!live[i]) {
			live[i] = m;
			break;
		}
	}
	atomic_store(&cur_default, m);
	spin_unlock(&machines_lock);
}

static void unregister_live(struct kmm_machine *m)
{
	struct kmm_machine *newest = NULL;

	spin_lock(&machines_lock);
	for (int i = 0; i < MAX_LIVE; i++) {
		if (live[i] == m)
			live[i] = NULL;
		else if (live[i])
			newest = live[i];
	}
	if (atomic_load(&cur_default) == m)
		atomic_store(&cur_default, newest);
	spin_unlock(&machines_lock);
	if (cur_tls == m)
		cur_tls = NULL;
	if (kmm_self.cpu_uid == m->uid) {
		kmm_self.cpu_uid = 0;
		kmm_self.owner_uid = 0;
		kmm_cpu_id = -1;
	}
}

void kmm_memblock_init(memblock_t *mb, bool empty_dummy);

struct kmm_machine *kmm_machine_create(const struct kmm_machine_desc *d,
				       char *err, size_t errlen)
{
	struct kmm_machine *m;
	u64 span, pages, initrd;
	int ret, live_count = 0;

	if (!d->nr_e820) {
		set_err(err, errlen, "%s: empty memory map", d->name);
		return NULL;
	}
	if (d->nr_cpus < 1 || d->nr_cpus > KMM_MAX_CPUS) {
		set_err(err, errlen, "%s: %d CPUs: must be 1..%d", d->name,
			d->nr_cpus, KMM_MAX_CPUS);
		return NULL;
	}
	span = physical_span(d);
	if (span > (1ULL << MAX_PHYSMEM_BITS_L5)) {
		set_err(err, errlen,
			"%s: physical addresses reach %#llx, beyond the 52-bit limit",
			d->name, (unsigned long long)span);
		return NULL;
	}
	if (kmm_desc_place_initrd(d, &initrd, err, errlen))
		return NULL;
	spin_lock(&machines_lock);
	for (int i = 0; i < MAX_LIVE; i++)
		live_count += live[i] != NULL;
	spin_unlock(&machines_lock);
	if (live_count >= MAX_LIVE) {
		set_err(err, errlen, "too many machines alive (%d)", MAX_LIVE);
		return NULL;
	}

	m = kmm_plat_alloc(sizeof(*m));
	if (!m) {
		set_err(err, errlen, "out of host memory");
		return NULL;
	}
	m->uid = (u64)atomic_fetch_add(&next_machine_uid, 1) + 1;
	m->kmalloc_fn = kmalloc_general;
	m->kfree_fn = kfree_lookup;
	ratelimit_state_init(&m->nopage_rs, 10 * HZ, 1);
	ratelimit_state_init(&m->printk_rs, 5 * HZ, 10);
	for (int i = 0; i < 2; i++)
		ratelimit_state_init(&m->mirror_rs[i], DEFAULT_RATELIMIT_INTERVAL,
				     DEFAULT_RATELIMIT_BURST);
	ratelimit_state_init(&m->page_debug.poison_rs, 5 * HZ, 10);
	m->desc = *d;
	m->desc.initrd_start = initrd;
	if (!initrd)
		m->desc.initrd_size = 0;
	m->kver = d->kver;
	m->nr_cpus = d->nr_cpus;
	m->nr_online_cpus = d->nr_cpus;
	m->max_cpus = -1;
	m->console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;
	m->params.loglevel = -1;
	m->params.slab.min_order = -1;
	m->params.slab.max_order = -1;
	m->params.slab.min_objects = -1;
	m->params.slab.slab_max_order = -1;
	/* Debian's 6.12 build: CONFIG_SLAB_FREELIST_RANDOM/HARDENED=y. */
	m->params.slab.freelist_random = true;
	m->params.slab.freelist_hardened = true;
	INIT_LIST_HEAD(&m->bdata_list);
	/* Page allocator defaults (mm/page_alloc.c, Linux 6.12). */
	m->min_free_kbytes = 1024;
	m->user_min_free_kbytes = -1;
	m->watermark_scale_factor = 10;
	m->watermark_boost_factor = 15000;
	m->lowmem_reserve_ratio[ZONE_DMA] = 256;
	m->lowmem_reserve_ratio[ZONE_DMA32] = 256;
	m->lowmem_reserve_ratio[ZONE_NORMAL] = 32;
	INIT_LIST_HEAD(&m->shrinker_list);
	spin_lock_init(&m->shrinker_lock);
	spin_lock_init(&m->sysctl_lock);
	spin_lock_init(&m->hugetlb_lock);
	spin_lock_init(&m->hugetlb_resize_lock);
	m->params.hashdist = -1;
	m->init_on_alloc = d->init_on_alloc_default;
	m->pcp_not_ready = true;
	if (!d->deferred_struct_pages)
		m->params.deferred = KMM_DEFERRED_OFF;
	m->cpu_bias = kmm_plat_alloc_aligned(sizeof(*m->cpu_bias) *
					     (size_t)d->nr_cpus, 64);
	if (m->cpu_bias) {
		for (int cpu = 0; cpu < d->nr_cpus; cpu++)
			atomic_init(&m->cpu_bias[cpu].owner, KMM_CPU_FREE);
		m->cpu_bias_on = KMM_CPU_BIAS_POSSIBLE &&
				 kmm_plat_membarrier_init();
	}
	m->vm_events_pcpu = kmm_plat_alloc_aligned(sizeof(atomic_long) *
						   (size_t)d->nr_cpus *
						   NR_VM_EVENT_ITEMS, 64);
	m->log = kmm_log_create(4UL << 20);
	m->e820_tbl = kmm_plat_alloc(sizeof(*m->e820_tbl));
	m->e820_tbl_firmware = kmm_plat_alloc(sizeof(*m->e820_tbl));
	if (!m->log || !m->e820_tbl || !m->e820_tbl_firmware ||
	    !m->vm_events_pcpu || !m->cpu_bias) {
		set_err(err, errlen, "out of host memory");
		goto fail;
	}
	for (u32 i = 0; i < d->nr_e820; i++)
		m->e820_tbl->entries[i] = d->e820[i];
	m->e820_tbl->nr_entries = d->nr_e820;
	*m->e820_tbl_firmware = *m->e820_tbl;
	kmm_memblock_init(&m->mblk, m->kver < KMM_KVER(6, 11));

	m->phys_span = span;
	ret = kmm_plat_backing_create(span, &m->backing);
	if (!ret)
		ret = kmm_plat_va_reserve(span, SZ_1G, (void **)&m->phys_base);
	if (ret) {
		set_err(err, errlen, "%s: cannot reserve %llu MiB of address space for physical memory (error %d)",
			d->name, (unsigned long long)(span >> 20), ret);
		goto fail;
	}
	pages = span >> PAGE_SHIFT;
	m->vmemmap_span = pages * sizeof(struct page);
	m->vmemmap_pages = pages;
	/*
	 * The sections exist (absent) from the start, so that __free_pages,
	 * which trusts the window to imply a section, refuses a page of a
	 * machine that has not booted instead of reading a NULL table.
	 */
	m->mem_section = kmm_plat_alloc((size_t)(span >> SECTION_SIZE_BITS) *
					sizeof(struct mem_section));
	if (!m->mem_section) {
		set_err(err, errlen, "out of host memory");
		goto fail;
	}
	ret = kmm_plat_va_reserve(m->vmemmap_span, SZ_2M, (void **)&m->vmemmap_base);
	if (ret) {
		set_err(err, errlen, "%s: cannot reserve the vmemmap window (error %d)",
			d->name, ret);
		goto fail;
	}
	for (u32 i = 0; i < d->nr_e820; i++) {
		const struct e820_entry *e = &d->e820[i];

		if (e->type != E820_TYPE_RAM &&
		    e->type != E820_TYPE_RESERVED_KERN)
			continue;
		ret = map_phys(m, e->addr, e->addr + e->size);
		if (ret) {
			set_err(err, errlen, "%s: cannot map RAM (error %d)",
				d->name, ret);
			goto fail;
		}
	}
	register_live(m);
	return m;
fail:
	kmm_machine_destroy(m);
	return NULL;
}

static int boot_fn(void *arg)
{
	struct kmm_machine *m = arg;

	(void)m;
	return start_kernel();
}

int kmm_machine_boot(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_machine *prev = cur_tls;
	unsigned long long prev_uid = kmm_self.cpu_uid;
	unsigned long long prev_owner = kmm_self.owner_uid;
	int prev_cpu = cpu_id;
	u64 t0;
	int ret;

	if (m->booted || m->failed) {
		set_err(err, errlen, "%s: machine was already booted",
			m->desc.name);
		return -EBUSY;
	}
	cur_tls = m;
	kmm_claim_boot_cpu(m);
	t0 = kmm_plat_now_ns();
	m->start_ns = t0;
	ret = kmm_plat_try(boot_fn, m);
	m->boot_ns = kmm_plat_now_ns() - t0;
	cur_tls = prev;
	kmm_self.cpu_uid = prev_uid;
	kmm_self.owner_uid = prev_owner;
	cpu_id = prev_cpu;
	if (ret) {
		m->failed = true;
		if (!m->errmsg[0])
			kmm_strlcpy(m->errmsg, "boot failed", sizeof(m->errmsg));
		set_err(err, errlen, "%s: %s", m->desc.name, m->errmsg);
		return ret < 0 ? ret : -EIO;
	}
	m->booted = true;
	return 0;
}

void kmm_machine_destroy(struct kmm_machine *m)
{
	if (!m)
		return;
	unregister_live(m);
	kmm_vmalloc_destroy(m);
	if (m->slab) {
		struct kmm_machine *prev = kmm_machine_switch(m);

		kmm_slab_destroy(m);
		kmm_machine_switch(prev);
	}
	/* The per-CPU pagesets live in host memory; pg_data_t in the machine. */
	for (int nid = 0; nid < KMM_MAX_NODES && m->phys_base; nid++) {
		if (!m->node_data[nid])
			continue;
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &m->node_data[nid]->node_zones[z];

			kmm_plat_free(zone->per_cpu_pageset);
			kmm_plat_free(zone->per_cpu_zonestats);
		}
	}
	if (m->vmemmap_base)
		kmm_plat_va_release(m->vmemmap_base, m->vmemmap_span);
	if (m->phys_base)
		kmm_plat_va_release(m->phys_base, m->phys_span);
	kmm_plat_backing_destroy(m->backing);
	kmm_plat_free(m->mem_section);
	kmm_plat_free(m->vm_events_pcpu);
	kmm_plat_free(m->cpu_bias);
	kmm_plat_free(m->e820_tbl);
	kmm_plat_free(m->e820_tbl_firmware);
	kmm_log_destroy(m->log);
	kmm_plat_free(m);
}

int kmm_report(struct kmm_machine *m, const char *name,
	       const struct kmm_sink *out)
{
	struct kmm_machine *prev = cur_tls;
	int ret;

	cur_tls = m;
	ret = kmm_vmstat_report(m, name, out);
	if (ret == -ENOENT)
		ret = kmm_slab_report(m, name, out);
	if (ret == -ENOENT)
		ret = kmm_vmalloc_report(m, name, out);
	cur_tls = prev;
	return ret;
}
