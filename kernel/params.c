/* SPDX-License-Identifier: MIT */
/*
 * kernel/params.c - the kernel command line: early parameters and the rest.
 *
 * What: Linux parses its command line twice.  parse_early_param() runs early
 * in setup_arch and calls the handlers registered with early_param()
 * (mem=, memmap=, kernelcore=, numa=, memblock=, loglevel= ...); later
 * parse_args() hands every parameter to its __setup()/module handler and
 * collects the ones nobody knows, which start_kernel reports with
 * "Unknown kernel command line parameters \"...\", will be passed to user
 * space."  kmm does the same with a table of the parameters it implements
 * plus the well-known ones it has no use for (root=, ro, console= ...),
 * which are accepted silently as Linux accepts them.
 *
 * Data structures: one static table of {name, is_early, handler}; parameter
 * state goes into m->params.
 *
 * Algorithm: next_arg() splits the line as Linux does (quotes, '=');
 * parameters are handled in command-line order, so a later value overrides
 * an earlier one; "--" ends kernel parameters (the rest is for init).
 * Names containing a '.' are module parameters and never reported unknown.
 *
 * Failure: a handler that rejects its value makes parse_early_param print
 * "Malformed early option '%s'" as Linux does; boot goes on.
 *
 * Differences from Linux: `bootmem` (choose the bootmem allocator),
 * `deferred_init=parallel|lazy|off`, `kmm_verify` (check the zone's
 * lists after every allocation and free; single-threaded debugging) and
 * `kmm_cpu_owner=off` (no thread owns its CPU: every per-CPU section
 * takes its lock; kernel/smp.c) are kmm's own parameters.  maxcpus=N
 * above 0 is accepted and changes nothing (every possible CPU of a kmm
 * machine is online).
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/string.h>
#include <kmm/cmdline.h>
#include <kmm/e820.h>

void kmm_parse_early_params(void);
void kmm_parse_args(void);

static int parse_core(const char *p, unsigned long *core,
		      unsigned long *percent)
{
	char *end;
	unsigned long long v;

	if (!p || !*p)
		return -EINVAL;
	v = kmm_strtoull(p, &end, 0);
	if (*end == '%') {
		WARN_ON(v > 100);
		*percent = (unsigned long)v;
		return 0;
	}
	v = memparse(p, &end);
	*core = (unsigned long)(v >> PAGE_SHIFT);
	*percent = 0;
	return 0;
}

static int p_kernelcore(struct kmm_machine *m, const char *v)
{
	if (v && !kmm_strcmp(v, "mirror")) {
		m->params.mirrored_kernelcore = true;
		return 0;
	}
	return parse_core(v, &m->params.required_kernelcore,
			  &m->params.required_kernelcore_percent);
}

static int p_movablecore(struct kmm_machine *m, const char *v)
{
	return parse_core(v, &m->params.required_movablecore,
			  &m->params.required_movablecore_percent);
}

static int p_mem(struct kmm_machine *m, const char *v)
{
	return parse_memopt(v);
}

static int p_memmap(struct kmm_machine *m, const char *v)
{
	return parse_memmap_opt(v);
}

static int p_movable_node(struct kmm_machine *m, const char *v)
{
	m->params.movable_node = true;
	return 0;
}

static int p_numa(struct kmm_machine *m, const char *v)
{
	char *end;

	if (!v)
		return -EINVAL;
	if (!kmm_strcmp(v, "off")) {
		m->params.numa_off = true;
		return 0;
	}
	if (!kmm_strncmp(v, "fake=", 5)) {
		unsigned long long n = kmm_strtoull(v + 5, &end, 0);

		if (end == v + 5 || *end || n < 1 || n > KMM_MAX_NODES) {
			pr_err("numa=fake: '%s': need a node count from 1 to %d\n",
			       v + 5, KMM_MAX_NODES);
			return -EINVAL;
		}
		m->params.numa_fake = (int)n;
		return 0;
	}
	if (!kmm_strcmp(v, "noacpi") || !kmm_strcmp(v, "nohmat"))
		return 0;
	return -EINVAL;
}

static int p_memblock(struct kmm_machine *m, const char *v)
{
	if (v && !kmm_strcmp(v, "debug")) {
		m->params.memblock_debug = true;
		return 0;
	}
	return 0;
}

static int p_loglevel(struct kmm_machine *m, const char *v)
{
	int lvl;

	if (!v || kstrtoint(v, 0, &lvl))
		return -EINVAL;
	m->params.loglevel = lvl;
	m->console_loglevel = lvl;
	return 0;
}

static int p_quiet(struct kmm_machine *m, const char *v)
{
	m->params.quiet = true;
	m->console_loglevel = CONSOLE_LOGLEVEL_QUIET;
	return 0;
}

static int p_debug(struct kmm_machine *m, const char *v)
{
	m->params.debug = true;
	m->console_loglevel = CONSOLE_LOGLEVEL_DEBUG;
	return 0;
}

static int p_bootmem(struct kmm_machine *m, const char *v)
{
	m->params.use_bootmem = true;
	return 0;
}

static int p_verify(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v ? v : "1", &m->verify_ops);
}

/* kmm_cpu_owner=off: every per-CPU section locks (kernel/smp.c). */
static int p_cpu_owner(struct kmm_machine *m, const char *v)
{
	bool on;
	int ret = kstrtobool(v ? v : "1", &on);

	if (!ret && !on)
		kmm_cpu_bias_disable(m);
	return ret;
}

static int p_deferred(struct kmm_machine *m, const char *v)
{
	if (!v)
		return -EINVAL;
	if (!kmm_strcmp(v, "parallel"))
		m->params.deferred = KMM_DEFERRED_PARALLEL;
	else if (!kmm_strcmp(v, "lazy"))
		m->params.deferred = KMM_DEFERRED_LAZY;
	else if (!kmm_strcmp(v, "off"))
		m->params.deferred = KMM_DEFERRED_OFF;
	else
		return -EINVAL;
	return 0;
}

/*
 * debug_pagealloc=, page_poison=, init_on_alloc=, init_on_free=: kstrtobool
 * values; mem_debugging_and_hardening_init() (mm/page_debug.c) settles
 * them against each other later in boot.
 */
static int p_debug_pagealloc(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v, &m->debug_pagealloc);
}

/*
 * debug_guardpage_minorder=N (mm/debug_page_alloc.c): buddies split off
 * below order N are kept as unmapped guard pages when debug_pagealloc is
 * on.  A bad value is reported and ignored.
 */
static int p_debug_guardpage_minorder(struct kmm_machine *m, const char *v)
{
	unsigned long res;

	if (!v || kstrtoul(v, 10, &res) < 0 || res > MAX_PAGE_ORDER / 2) {
		pr_err("Bad debug_guardpage_minorder value\n");
		return 0;
	}
	m->debug_guardpage_minorder = (unsigned int)res;
	pr_info("Setting debug_guardpage_minorder to %lu\n", res);
	return 0;
}

/* early_param_on_off("gbpages", "nogbpages", direct_gbpages, ...). */
static int p_gbpages(struct kmm_machine *m, const char *v)
{
	(void)v;
	m->params.nogbpages = false;
	return 0;
}

static int p_nogbpages(struct kmm_machine *m, const char *v)
{
	(void)v;
	m->params.nogbpages = true;
	return 0;
}

static int p_page_poison(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v, &m->page_poisoning);
}

static int p_init_on_alloc(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v, &m->init_on_alloc);
}

static int p_init_on_free(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v, &m->init_on_free);
}

/*
 * Slab parameters (mm/slub.c's and mm/slab.c's __setup handlers).  Linux
 * picks SLUB or SLAB at build time; `slab=` is kmm's (`slab=off` boots the
 * page allocator alone, for experiments that want it untouched).  slab_freelist_random=
 * and slab_freelist_hardened= are kmm's too: they stand for the Kconfig
 * options, on in Debian's build.
 */
static int p_slab(struct kmm_machine *m, const char *v)
{
	m->params.slab.off = false;
	if (v && !kmm_strcmp(v, "slab"))
		m->params.slab.use_slab = true;
	else if (v && !kmm_strcmp(v, "slub"))
		m->params.slab.use_slab = false;
	else if (v && !kmm_strcmp(v, "off"))
		m->params.slab.off = true;
	else
		return -EINVAL;
	return 0;
}

static int p_slab_nomerge(struct kmm_machine *m, const char *v)
{
	m->params.slab.nomerge = true;
	return 0;
}

static int p_slab_merge(struct kmm_machine *m, const char *v)
{
	m->params.slab.nomerge = false;
	return 0;
}

static int p_slab_int(const char *v, int *out, int max)
{
	unsigned long long x;
	char *end;

	if (!v || !*v)
		return -EINVAL;
	x = kmm_strtoull(v, &end, 0);
	if (*end || x > (unsigned long long)max)
		return -EINVAL;
	*out = (int)x;
	return 0;
}

/*
 * slub_min_order= and slub_max_order= settle against each other in the
 * order they come, as Linux's setup functions do (max starts at
 * PAGE_ALLOC_COSTLY_ORDER): a min above max raises max, a max below min
 * lowers min, and max is capped at MAX_PAGE_ORDER.
 */
static int p_slub_min_order(struct kmm_machine *m, const char *v)
{
	struct kmm_slab_params *p = &m->params.slab;
	int ret = p_slab_int(v, &p->min_order, 1000);

	if (!ret && p->min_order > (p->max_order < 0 ? PAGE_ALLOC_COSTLY_ORDER :
				    p->max_order))
		p->max_order = p->min_order;
	return ret;
}

static int p_slub_max_order(struct kmm_machine *m, const char *v)
{
	struct kmm_slab_params *p = &m->params.slab;
	int ret = p_slab_int(v, &p->max_order, 1000);

	if (ret)
		return ret;
	p->max_order = min(p->max_order, MAX_PAGE_ORDER);
	if (p->min_order > p->max_order)
		p->min_order = p->max_order;
	return 0;
}

static int p_slub_min_objects(struct kmm_machine *m, const char *v)
{
	return p_slab_int(v, &m->params.slab.min_objects, 1 << 20);
}

static int p_slab_max_order(struct kmm_machine *m, const char *v)
{
	/* slub_max_order= is also spelt slab_max_order= in 6.12. */
	if (m->params.slab.use_slab)
		return p_slab_int(v, &m->params.slab.slab_max_order, 1000);
	return p_slub_max_order(m, v);
}

static int p_slub_debug(struct kmm_machine *m, const char *v)
{
	m->params.slab.debug_set = true;
	kmm_strlcpy(m->params.slab.debug, v ? v : "",
		    sizeof(m->params.slab.debug));
	return 0;
}

static int p_noaliencache(struct kmm_machine *m, const char *v)
{
	m->params.slab.noaliencache = true;
	return 0;
}

static int p_freelist_random(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v, &m->params.slab.freelist_random);
}

static int p_freelist_hardened(struct kmm_machine *m, const char *v)
{
	return kstrtobool(v, &m->params.slab.freelist_hardened);
}

/* memtest[=N]: N passes of the early memory test; alone, every pattern. */
static int p_memtest(struct kmm_machine *m, const char *v)
{
	if (!v) {
		m->params.memtest_pattern = kmm_memtest_patterns();
		return 0;
	}
	return kstrtouint(v, 0, &m->params.memtest_pattern);
}

/*
 * hashdist=, dhash_entries=, ihash_entries=: simple_strtoul, base 0, as
 * Linux reads them (what does not parse reads as 0, a suffix is ignored).
 */
static int p_ulong(const char *v, unsigned long *out)
{
	*out = v ? (unsigned long)kmm_strtoull(v, NULL, 0) : 0;
	return 0;
}

static int p_hashdist(struct kmm_machine *m, const char *v)
{
	unsigned long x;
	int ret = p_ulong(v, &x);

	if (!ret)
		m->params.hashdist = x != 0;
	return ret;
}

/* retain_initrd: keep the initrd's pages (bare only, as Linux's __setup). */
static int p_retain_initrd(struct kmm_machine *m, const char *v)
{
	if (!v)
		m->params.retain_initrd = true;
	return 0;
}

static int p_dhash_entries(struct kmm_machine *m, const char *v)
{
	return p_ulong(v, &m->params.dhash_entries);
}

static int p_ihash_entries(struct kmm_machine *m, const char *v)
{
	return p_ulong(v, &m->params.ihash_entries);
}

/*
 * nr_cpus=N: at most N possible CPUs (nr_cpu_ids) when that is fewer than
 * the machine has; maxcpus=0 and nosmp leave one (6.12's
 * topology_apply_cmdline_limits_early).  The CPUs above are never used:
 * no thread runs as one, and nothing is set up for them (percpu units,
 * pagesets, the SLUB line's CPUs=).  maxcpus=N above 0 brings only N
 * CPUs up (setup_arch sets nr_online_cpus): the others stay possible
 * (percpu units, pagesets, SLUB's CPUs=) but no thread runs as one, and
 * what Linux counts over online CPUs counts only these.  6.12's "CPU topo:"
 * lines ("Limiting to 1 possible CPUs" among them) are not printed: kmm
 * models no CPU topology.
 */
static int limit_cpus(struct kmm_machine *m, int n)
{
	if (n > 0 && n < m->nr_cpus)
		m->nr_cpus = n;
	return 0;
}

/* Both read a leading integer (get_option) and never fail, as Linux's. */
static int p_nr_cpus(struct kmm_machine *m, const char *v)
{
	char *p = (char *)v;
	int n;

	if (v && get_option(&p, &n))
		limit_cpus(m, n);
	return 0;
}

static int p_maxcpus(struct kmm_machine *m, const char *v)
{
	char *p = (char *)v;
	int n;

	if (v && get_option(&p, &n)) {
		m->max_cpus = n;
		if (n == 0)
			limit_cpus(m, 1);
	}
	return 0;
}

static int p_nosmp(struct kmm_machine *m, const char *v)
{
	return limit_cpus(m, 1);
}

struct kparam {
	const char *name;
	bool early;
	int (*fn)(struct kmm_machine *m, const char *val);
};

/* Parameters with handlers here; early ones run in parse_early_param. */
static const struct kparam params[] = {
	{ "mem", true, p_mem },
	{ "memmap", true, p_memmap },
	{ "kernelcore", true, p_kernelcore },
	{ "movablecore", true, p_movablecore },
	{ "movable_node", true, p_movable_node },
	{ "numa", true, p_numa },
	{ "memtest", true, p_memtest },
	{ "memblock", true, p_memblock },
	{ "loglevel", true, p_loglevel },
	{ "quiet", true, p_quiet },
	{ "debug", true, p_debug },
	{ "bootmem", true, p_bootmem },
	{ "deferred_init", true, p_deferred },
	{ "kmm_verify", true, p_verify },
	{ "kmm_cpu_owner", true, p_cpu_owner },
	{ "nr_cpus", true, p_nr_cpus },
	{ "maxcpus", true, p_maxcpus },
	{ "nosmp", true, p_nosmp },
	{ "debug_pagealloc", true, p_debug_pagealloc },
	{ "debug_guardpage_minorder", true, p_debug_guardpage_minorder },
	{ "gbpages", true, p_gbpages },
	{ "nogbpages", true, p_nogbpages },
	{ "page_poison", true, p_page_poison },
	{ "init_on_alloc", true, p_init_on_alloc },
	{ "init_on_free", true, p_init_on_free },
	{ "slab", true, p_slab },
	{ "slab_nomerge", false, p_slab_nomerge },
	{ "slub_nomerge", false, p_slab_nomerge },
	{ "slab_merge", false, p_slab_merge },
	{ "slub_merge", false, p_slab_merge },
	{ "slub_min_order", false, p_slub_min_order },
	{ "slab_min_order", false, p_slub_min_order },
	{ "slub_max_order", false, p_slub_max_order },
	{ "slab_max_order", false, p_slab_max_order },
	{ "slub_min_objects", false, p_slub_min_objects },
	{ "slab_min_objects", false, p_slub_min_objects },
	{ "slub_debug", false, p_slub_debug },
	{ "slab_debug", false, p_slub_debug },
	{ "noaliencache", false, p_noaliencache },
	{ "slab_freelist_random", false, p_freelist_random },
	{ "slab_freelist_hardened", false, p_freelist_hardened },
	{ "hugepagesz", false, hugepagesz_setup },
	{ "hugepages", false, hugepages_setup },
	{ "default_hugepagesz", false, default_hugepagesz_setup },
	{ "hashdist", false, p_hashdist },
	{ "retain_initrd", false, p_retain_initrd },
	{ "dhash_entries", false, p_dhash_entries },
	{ "ihash_entries", false, p_ihash_entries },
};

/* Known to Linux, no effect on kmm's boot: accepted without a note. */
static const char *const known[] = {
	"root", "ro", "rw", "init", "rootfstype", "rootflags", "rootwait",
	"rootdelay", "console", "earlycon", "earlyprintk", "nokaslr", "kaslr",
	"panic", "initrd", "noinitrd",
	"log_buf_len", "ignore_loglevel", "printk.time", "resume", "noresume",
	"transparent_hugepage",
	"mitigations", "nopti", "pti", "spectre_v2", "iommu", "intel_iommu",
	"amd_iommu", "acpi", "noapic", "nolapic", "apic", "pci", "nomodeset",
	"crashkernel", "mminit_loglevel", "cgroup_disable", "selinux",
	"apparmor", "security", "audit", "elevator", "vga", "fbcon", "splash_",
	"mce", "nmi_watchdog", "clocksource", "tsc", "idle", "intel_idle",
	"processor", "noexec", "nx", "reservelow", "vmalloc", "nohugevmalloc",
	"cma", "swiotlb", "efi", "noefi", "add_efi_memmap",
	"numa_balancing", "zswap", "page_owner", "watermark_scale_factor",
	"percpu_alloc", "nohz", "isolcpus", "rcu_nocbs", "threadirqs",
	"module_blacklist", "modprobe",
};

static const struct kparam *find_param(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(params); i++)
		if (!kmm_strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

static bool is_known(const char *name)
{
	if (find_param(name))
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!kmm_strcmp(known[i], name))
			return true;
	return kmm_strchr(name, '.') != NULL;
}

static void copy_line(char *dst, const char *src)
{
	kmm_strlcpy(dst, src, KMM_CMDLINE_MAX);
}

void kmm_parse_early_params(void)
{
	struct kmm_machine *m = kmm_current();
	char line[KMM_CMDLINE_MAX];
	char *args = line, *param, *val;

	copy_line(line, m->desc.cmdline);
	while (*args) {
		const struct kparam *kp;

		args = next_arg(args, &param, &val);
		if (!kmm_strcmp(param, "--"))
			break;
		kp = find_param(param);
		if (!kp || !kp->early)
			continue;
		if (kp->fn(m, val))
			pr_warn("Malformed early option '%s'\n", param);
	}
}

/* The late pass: note unknown parameters as start_kernel does. */
void kmm_parse_args(void)
{
	struct kmm_machine *m = kmm_current();
	char line[KMM_CMDLINE_MAX];
	char *args = line, *param, *val;
	char *unk = m->params.unknown;
	size_t n = 0;

	copy_line(line, m->desc.cmdline);
	unk[0] = '\0';
	while (*args) {
		args = next_arg(args, &param, &val);
		if (!kmm_strcmp(param, "--"))
			break;
		{
			const struct kparam *kp = find_param(param);

			if (kp && !kp->early && kp->fn(m, val))
				pr_warn("Malformed option '%s'\n", param);
		}
		/*
		 * retain_initrd's handler declines a value, which sends the
		 * word on to user space like an unknown one.
		 */
		if (is_known(param) &&
		    !(val && !kmm_strcmp(param, "retain_initrd")))
			continue;
		n += (size_t)scnprintf(unk + n, KMM_CMDLINE_MAX - n, "%s%s%s%s",
				       n ? " " : "", param, val ? "=" : "",
				       val ? val : "");
	}
	if (n)
		pr_notice("Unknown kernel command line parameters \"%s\", will be passed to user space.\n",
			  unk);
}
