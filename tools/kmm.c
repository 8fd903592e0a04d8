/* SPDX-License-Identifier: MIT */
/*
 * tools/kmm.c - the kmm command-line tool.
 *
 *   kmm boot [machine] [options]	boot a machine, print its boot log
 *   kmm help
 *
 * Machine (one source; default: the built-in 2-node 8 GiB PC):
 *   --mem SIZE --nodes N --cpus N	compact description (e.g. --mem 64G)
 *   --distance "10,20;20,10"		NUMA distances for --nodes
 *   --dmesg FILE			everything from a captured boot log
 *   --e820 FILE			e820 lines only
 *   --host				this host: /sys/firmware/memmap, nodes
 *   --cmdline "..."			kernel parameters (added last)
 *   --linux X.Y			Linux version to reproduce (default 6.12,
 *					or the log's own with --dmesg)
 *   --llc SIZE[/CPUS]			last-level cache and the CPUs sharing it
 *					(default: none; --host reads the host's)
 *   --initrd SIZE[@ADDR] | none	the boot loader's initrd (default 8320K
 *					at the top of RAM below 4 GiB, or the
 *					log's RAMDISK line)
 * Output:
 *   --report LIST			zoneinfo, buddyinfo, pagetypeinfo, meminfo,
 *					vmstat, slabinfo, slabinfo-v, vmallocinfo
 *					(comma-separated)
 *   --workload				buddyinfo, a built-in page and slab
 *					workload, buddyinfo, the busiest caches
 *   --sysctl name=value		a vm sysctl after boot (repeatable)
 *   --quiet				only the reports
 *   --console				console view (loglevel=, quiet, debug)
 *   --dyndbg				include pr_debug records
 *   --levels				prefix records with <level>
 *   --time				print boot time and resident memory
 *
 * Exit status: 0 on success, 1 on a bad machine description or a failed
 * boot (the message names the file, line and problem), 2 on bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <kmm/kmm.h>
#include <kmm/cmdline.h>
#include <kmm/gfp.h>

static void out_write(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, (FILE *)ctx);
}

static char *read_file(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 131072;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return NULL;
			}
			buf = nb;
		}
		size_t n = fread(buf + len, 1, 65536, f);

		len += n;
		if (n < 65536)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

static int read_sysfs_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (!fgets(buf, (int)len, f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static const char *sysfs_type_to_e820(const char *t)
{
	if (!strcmp(t, "System RAM"))
		return "usable";
	if (!strcmp(t, "ACPI Tables"))
		return "ACPI data";
	if (!strcmp(t, "ACPI Non-volatile Storage"))
		return "ACPI NVS";
	if (!strcmp(t, "Unusable memory"))
		return "unusable";
	if (!strcmp(t, "Persistent Memory (legacy)"))
		return "persistent (type 12)";
	if (!strcmp(t, "Persistent Memory"))
		return "persistent (type 7)";
	if (!strcmp(t, "Soft Reserved"))
		return "soft reserved";
	return "reserved";
}

static void host_numa(struct kmm_machine_desc *d);
static void host_llc(struct kmm_machine_desc *d);

static int cmp_u64(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The host's firmware map, as e820 lines, then parsed like a file. */
static int desc_from_host(struct kmm_machine_desc *d, char *err, size_t errlen)
{
	DIR *dir = opendir("/sys/firmware/memmap");
	unsigned long long idx[4096];
	size_t n = 0, cap = 1 << 20, len = 0;
	char *text, path[512], s[64], e[64], t[128], line[256];
	struct dirent *de;
	struct utsname u;
	int ret;

	if (!dir) {
		snprintf(err, errlen, "/sys/firmware/memmap: %s (needs a Linux host with CONFIG_FIRMWARE_MEMMAP)",
			 strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)) && n < 4096)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			idx[n++] = strtoull(de->d_name, NULL, 10);
	closedir(dir);
	qsort(idx, n, sizeof(idx[0]), cmp_u64);
	text = calloc(1, cap);
	if (!text)
		return -1;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%llu/start", idx[i]);
		if (read_sysfs_line(path, s, sizeof(s)))
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%llu/end", idx[i]);
		if (read_sysfs_line(path, e, sizeof(e)))
			continue;
		snprintf(path, sizeof(path), "/sys/firmware/memmap/%llu/type", idx[i]);
		if (read_sysfs_line(path, t, sizeof(t)))
			continue;
		snprintf(line, sizeof(line), "BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n",
			 strtoull(s, NULL, 0), strtoull(e, NULL, 0),
			 sysfs_type_to_e820(t));
		if (len + strlen(line) + 1 < cap) {
			memcpy(text + len, line, strlen(line));
			len += strlen(line);
		}
	}
	ret = kmm_desc_parse_e820(d, text, "/sys/firmware/memmap", err, errlen);
	free(text);
	if (ret)
		return ret;
	snprintf(d->name, sizeof(d->name), "host");
	if (!uname(&u)) {
		int maj, min;

		if (sscanf(u.release, "%d.%d", &maj, &min) == 2) {
			char v[32];

			snprintf(v, sizeof(v), "%d.%d", maj, min);
			kmm_desc_set_kver(d, v);
		}
	}
	{
		char cl[KMM_CMDLINE_MAX];

		if (!read_sysfs_line("/proc/cmdline", cl, sizeof(cl)))
			kmm_desc_add_cmdline(d, cl);
	}
	host_numa(d);
	host_llc(d);
	{
		long cpus = 0;
		char cl[256];

		if (!read_sysfs_line("/sys/devices/system/cpu/possible", cl, sizeof(cl))) {
			char *dash = strchr(cl, '-');

			cpus = dash ? strtol(dash + 1, NULL, 10) + 1 : 1;
		}
		if (cpus > 0 && cpus <= KMM_MAX_CPUS)
			d->nr_cpus = (int)cpus;
	}
	return 0;
}

/*
 * The next range [*a, *b] of a sysfs cpu list such as "0-7,16-23",
 * advancing *s; false at the end or on something that is not a number.
 */
static bool next_cpu_range(const char **s, long *a, long *b)
{
	char *end;

	*a = strtol(*s, &end, 10);
	if (end == *s)
		return false;
	*b = *a;
	if (*end == '-')
		*b = strtol(end + 1, &end, 10);
	*s = *end == ',' ? end + 1 : end;
	return true;
}

/* CPUs in a sysfs cpu list (0 if unreadable). */
static int count_cpu_list(const char *s)
{
	long a, b;
	int n = 0;

	while (next_cpu_range(&s, &a, &b))
		if (b >= a)
			n += (int)(b - a + 1);
	return n;
}

/*
 * The host's last-level cache as cacheinfo sees it: CPU 0's last cache
 * leaf, if it holds data, its size and how many CPUs share it.
 */
static void host_llc(struct kmm_machine_desc *d)
{
	char path[256], line[512], last[128] = "";
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		if (read_sysfs_line(path, line, sizeof(line)))
			break;
		snprintf(last, sizeof(last),
			 "/sys/devices/system/cpu/cpu0/cache/index%d", i);
	}
	if (!last[0])
		return;
	snprintf(path, sizeof(path), "%s/type", last);
	if (read_sysfs_line(path, line, sizeof(line)) ||
	    (strcmp(line, "Unified") && strcmp(line, "Data")))
		return;
	snprintf(path, sizeof(path), "%s/size", last);
	if (read_sysfs_line(path, line, sizeof(line)))
		return;
	{
		char *end;
		unsigned long long size = strtoull(line, &end, 10);

		if (*end == 'K')
			size <<= 10;
		else if (*end == 'M')
			size <<= 20;
		d->llc_size = size;
	}
	snprintf(path, sizeof(path), "%s/shared_cpu_list", last);
	if (!read_sysfs_line(path, line, sizeof(line)))
		d->llc_cpus = count_cpu_list(line);
}

/*
 * Parse --initrd SIZE[@ADDR] or none into the description: 0, or -1 with
 * a message in @err.
 */
static int parse_initrd(struct kmm_machine_desc *d, const char *v, char *err,
			size_t errlen)
{
	unsigned long long size = 0, addr = 0;
	char *end, why[256];

	if (strcmp(v, "none")) {
		size = memparse(v, &end);
		if (end == v || !size || (*end && *end != '@')) {
			snprintf(err, errlen,
				 "--initrd '%s': expected SIZE[@ADDR] (e.g. 32M or 32M@0x37000000) or none",
				 v);
			return -1;
		}
		if (*end == '@') {
			char *e2;

			addr = memparse(end + 1, &e2);
			if (e2 == end + 1 || *e2 || !addr) {
				snprintf(err, errlen,
					 "--initrd '%s': the address after '@' must be a non-zero number",
					 v);
				return -1;
			}
		}
	}
	if (kmm_desc_set_initrd(d, addr, size, why, sizeof(why))) {
		snprintf(err, errlen, "--initrd '%s': %s", v, why);
		return -1;
	}
	return 0;
}

/*
 * Parse --llc SIZE[/CPUS] into the description: 0, or -1 with a message
 * in @err.
 */
static int parse_llc(struct kmm_machine_desc *d, const char *v, char *err,
		     size_t errlen)
{
	char *end;
	unsigned long long size = memparse(v, &end);
	long cpus = 0;

	if (end == v || !size || (*end && *end != '/')) {
		snprintf(err, errlen,
			 "--llc '%s': expected a cache size, optionally /CPUS (e.g. 32M/16)",
			 v);
		return -1;
	}
	if (*end == '/') {
		char *e2;

		cpus = strtol(end + 1, &e2, 10);
		if (e2 == end + 1 || *e2 || cpus < 1 || cpus > KMM_MAX_CPUS) {
			snprintf(err, errlen,
				 "--llc '%s': the sharing CPU count must be 1 to %d",
				 v, KMM_MAX_CPUS);
			return -1;
		}
	}
	d->llc_size = size;
	d->llc_cpus = (int)cpus;
	return 0;
}

/*
 * NUMA from /sys/devices/system/node: each node's memory blocks (memoryN
 * links, block_size_bytes each) become SRAT entries, its distance row the
 * SLIT, its cpulist the CPUs' nodes.  Only for hosts with several nodes: a
 * one-node host boots as Linux does without an SRAT.  Memory blocks are
 * section-sized, so node boundaries are exact to 128 MiB at best.
 */
static void host_numa(struct kmm_machine_desc *d)
{
	char path[512], line[4096];
	unsigned long long bs;
	int nodes[KMM_MAX_NODES], nn = 0;
	DIR *dir;
	struct dirent *de;

	if (read_sysfs_line("/sys/devices/system/memory/block_size_bytes",
			    line, sizeof(line)))
		return;
	bs = strtoull(line, NULL, 16);
	dir = opendir("/sys/devices/system/node");
	if (!dir)
		return;
	while ((de = readdir(dir)) && nn < KMM_MAX_NODES)
		if (!strncmp(de->d_name, "node", 4) &&
		    de->d_name[4] >= '0' && de->d_name[4] <= '9')
			nodes[nn++] = atoi(de->d_name + 4);
	closedir(dir);
	if (nn < 2 || !bs)
		return;
	for (int i = 0; i < nn; i++) {
		unsigned long long blocks[65536];
		int nb = 0;

		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", nodes[i]);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((de = readdir(dir)) && nb < 65536)
			if (!strncmp(de->d_name, "memory", 6) &&
			    de->d_name[6] >= '0' && de->d_name[6] <= '9')
				blocks[nb++] = strtoull(de->d_name + 6, NULL, 10);
		closedir(dir);
		qsort(blocks, (size_t)nb, sizeof(blocks[0]), cmp_u64);
		for (int b = 0; b < nb && d->nr_srat < KMM_MAX_SRAT;) {
			int e = b;

			while (e + 1 < nb && blocks[e + 1] == blocks[e] + 1)
				e++;
			d->srat[d->nr_srat].pxm = nodes[i];
			d->srat[d->nr_srat].nid = nodes[i];
			d->srat[d->nr_srat].start = blocks[b] * bs;
			d->srat[d->nr_srat].end = (blocks[e] + 1) * bs;
			d->nr_srat++;
			b = e + 1;
		}
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", nodes[i]);
		if (!read_sysfs_line(path, line, sizeof(line))) {
			char *p = line;

			for (int j = 0; j < KMM_MAX_NODES && *p; j++) {
				char *end;
				long v = strtol(p, &end, 10);

				if (end == p)
					break;
				if (nodes[i] < KMM_MAX_NODES)
					d->slit[nodes[i]][j] = (u8)v;
				if (j + 1 > d->nr_slit)
					d->nr_slit = j + 1;
				p = end;
			}
		}
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", nodes[i]);
		if (!read_sysfs_line(path, line, sizeof(line))) {
			const char *p = line;
			long a, b2;

			while (next_cpu_range(&p, &a, &b2))
				for (long c = a; c <= b2 && c < KMM_MAX_CPUS; c++)
					d->cpu_node[c] = nodes[i];
		}
	}
}

static int parse_distance(struct kmm_machine_desc *d, const char *spec,
			  char *err, size_t errlen)
{
	int vals[KMM_MAX_NODES * KMM_MAX_NODES];
	int n = 0, rows = 1;
	const char *p = spec;

	while (*p) {
		char *end;
		long v = strtol(p, &end, 10);

		if (end == p || n >= KMM_MAX_NODES * KMM_MAX_NODES) {
			snprintf(err, errlen, "--distance: cannot parse \"%s\"", p);
			return -1;
		}
		vals[n++] = (int)v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ';') {
			rows++;
			p++;
		} else if (*p == ',') {
			p++;
		} else if (*p) {
			snprintf(err, errlen, "--distance: unexpected '%c'", *p);
			return -1;
		}
	}
	if (rows * rows != n) {
		snprintf(err, errlen, "--distance: %d values in %d rows is not a square matrix",
			 n, rows);
		return -1;
	}
	return kmm_desc_set_distance(d, rows, vals, err, errlen) ? -1 : 0;
}

/*
 * The built-in workload: a deterministic mix of allocations (orders 0-5,
 * kernel, movable, reclaimable and DMA32 requests, both nodes), then every
 * other one freed, so the free areas show the fragmentation a running
 * system has.  It keeps what it did not free; the machine goes away after.
 */
static void run_workload(struct kmm_machine *m, const struct kmm_sink *out)
{
	static const gfp_t gfps[] = {
		GFP_KERNEL, GFP_HIGHUSER_MOVABLE, GFP_KERNEL | __GFP_RECLAIMABLE,
		GFP_DMA32, GFP_ATOMIC,
	};
	enum { N = 20000 };
	struct page **pages = calloc(N, sizeof(*pages));
	unsigned int *orders = calloc(N, sizeof(*orders));
	unsigned int seed = 12345;
	int got = 0;

	if (!pages || !orders) {
		free(pages);
		free(orders);
		return;
	}
	kmm_machine_enter(m);
	for (int i = 0; i < N; i++) {
		unsigned int r;

		seed = seed * 1103515245u + 12345u;
		r = seed >> 8;
		orders[i] = r % 16 ? (r >> 4) % 3 : (r >> 4) % 6;
		pages[i] = alloc_pages_node((int)((r >> 12) % 2),
					    gfps[(r >> 16) % 5] | __GFP_NOWARN,
					    orders[i]);
		got += pages[i] != NULL;
	}
	for (int i = 0; i < N; i += 2)
		if (pages[i])
			__free_pages(pages[i], orders[i]);
	drain_all_pages(NULL);
	kmm_machine_enter(NULL);
	kmm_sink_printf(out, "\n== workload: %d allocations of orders 0-5, every other one freed ==\n",
			got);
	free(pages);
	free(orders);
}

/*
 * The slab half of the workload: a few caches shaped like busy kernel
 * ones, and kmalloc of every size, then every third object freed.
 */
static int run_slab_workload(struct kmm_machine *m)
{
	static const struct { const char *name; unsigned int size; slab_flags_t f; } kc[] = {
		{ "dentry", 192, SLAB_RECLAIM_ACCOUNT },
		{ "inode_cache", 600, SLAB_RECLAIM_ACCOUNT },
		{ "buffer_head", 104, SLAB_RECLAIM_ACCOUNT },
		{ "vm_area_struct", 176, SLAB_HWCACHE_ALIGN },
		{ "radix_tree_node", 576, SLAB_RECLAIM_ACCOUNT },
	};
	enum { N = 30000 };
	struct kmem_cache *c[5];
	void **obj = calloc(N, sizeof(void *));
	unsigned int seed = 777;
	int got = 0;

	if (!obj)
		return 0;
	kmm_machine_enter(m);
	for (int i = 0; i < 5; i++)
		c[i] = kmem_cache_create(kc[i].name, kc[i].size, 0, kc[i].f,
					 NULL);
	for (int i = 0; i < N; i++) {
		unsigned int r;

		seed = seed * 1103515245u + 12345u;
		r = seed >> 8;
		if (r % 3 && c[r % 5])
			obj[i] = kmem_cache_alloc(c[r % 5], GFP_KERNEL);
		else
			obj[i] = kmalloc(8u << ((r >> 4) % 11), GFP_KERNEL);
		got += obj[i] != NULL;
	}
	for (int i = 0; i < N; i += 3)
		kfree(obj[i]);
	kmm_machine_enter(NULL);
	free(obj);
	return got;
}

/*
 * The vmalloc part: areas of assorted sizes on both nodes (a module's
 * text, buffers, a huge table), some freed again, so /proc/vmallocinfo
 * has busy areas and lazily freed ones.
 */
/* Exported (the CLI links with -rdynamic) so vmallocinfo names it. */
int kmm_cli_vmalloc_workload(struct kmm_machine *m);
int kmm_cli_vmalloc_workload(struct kmm_machine *m)
{
	void *keep[24];
	int got = 0;

	kmm_machine_enter(m);
	for (int i = 0; i < 24; i++) {
		unsigned long size = (unsigned long)(1 + (i * 7) % 40) << 12;

		if (i % 6 == 5)
			keep[i] = vmalloc_huge(4UL << 20, GFP_KERNEL);
		else if (i % 4 == 3)
			keep[i] = kvmalloc(size * 3, GFP_KERNEL);
		else
			keep[i] = vmalloc_node(size, i % 2);
		got += keep[i] != NULL;
	}
	for (int i = 0; i < 24; i += 3)
		kvfree(keep[i]);
	kmm_machine_enter(NULL);
	return got;
}

/* slabtop: the caches using the most memory, from /proc/slabinfo. */
struct slabrow {
	char name[48];
	unsigned long active, total, size, kb;
};

static void sb_collect(void *ctx, const char *s, size_t n)
{
	struct { char *buf; size_t n, cap; } *b = ctx;

	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->buf = realloc(b->buf, b->cap);
	}
	memcpy(b->buf + b->n, s, n);
	b->n += n;
	b->buf[b->n] = 0;
}

static int cmp_rows(const void *a, const void *b)
{
	const struct slabrow *x = a, *y = b;

	return x->kb < y->kb ? 1 : x->kb > y->kb ? -1 : strcmp(x->name, y->name);
}

static void print_busiest_caches(struct kmm_machine *m, int top)
{
	struct { char *buf; size_t n, cap; } b = { NULL, 0, 0 };
	struct kmm_sink sink = { sb_collect, &b };
	struct slabrow rows[512];
	int n = 0;

	if (kmm_report(m, "slabinfo", &sink) || !b.buf) {
		free(b.buf);
		return;
	}
	for (char *line = strtok(b.buf, "\n"); line && n < 512;
	     line = strtok(NULL, "\n")) {
		unsigned long objperslab, pages, aslabs, nslabs;
		struct slabrow *r = &rows[n];

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%47s %lu %lu %lu %lu %lu : tunables %*u %*u %*u : slabdata %lu %lu",
			   r->name, &r->active, &r->total, &r->size,
			   &objperslab, &pages, &aslabs, &nslabs) != 8)
			continue;
		r->kb = nslabs * pages * 4;
		n++;
	}
	qsort(rows, (size_t)n, sizeof(rows[0]), cmp_rows);
	printf("\n== busiest slab caches (slabtop) ==\n");
	printf("  OBJS ACTIVE  USE OBJ SIZE  CACHE SIZE NAME\n");
	for (int i = 0; i < n && i < top; i++)
		printf("%6lu %6lu %3lu%% %7.2fK %10luK %s\n", rows[i].total,
		       rows[i].active,
		       rows[i].total ? rows[i].active * 100 / rows[i].total : 0,
		       rows[i].size / 1024.0, rows[i].kb, rows[i].name);
	free(b.buf);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kmm boot [--mem SIZE] [--nodes N] [--cpus N] [--distance M]\n"
		"                [--dmesg FILE | --e820 FILE | --host]\n"
		"                [--cmdline \"...\"] [--linux X.Y] [--llc SIZE[/CPUS]]\n"
		"                [--initrd SIZE[@ADDR] | none]\n"
		"                [--report zoneinfo,buddyinfo,pagetypeinfo,meminfo,vmstat,\n"
		"                          slabinfo,slabinfo-v,vmallocinfo]\n"
		"                [--workload] [--sysctl vm.NAME=VALUE] [--quiet] [--console]\n"
		"                [--dyndbg] [--levels] [--time]\n"
		"       kmm help\n");
}

int main(int argc, char **argv)
{
	static struct kmm_machine_desc desc;
	const char *mem = NULL, *dmesg = NULL, *e820 = NULL, *linux_ver = NULL;
	const char *reports = NULL, *distance = NULL, *llc = NULL;
	const char *initrd = NULL;
	const char *cmdlines[32], *sysctls[32];
	int ncmd = 0, nsys = 0, nodes = -1, cpus = -1;
	bool host = false, quiet = false, console = false, dyndbg = false;
	bool levels = false, timing = false, workload = false;
	char err[1024] = "";
	struct kmm_machine *m;
	struct kmm_sink out = { out_write, stdout };
	int i, ret = 0;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "boot")) {
		fprintf(stderr, "kmm: unknown command '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		bool takes = true;

#define ARG(name) (!strcmp(a, name))
		if (ARG("--host") || ARG("--quiet") || ARG("--console") ||
		    ARG("--dyndbg") || ARG("--levels") || ARG("--time") ||
		    ARG("--workload"))
			takes = false;
		else if (!(ARG("--mem") || ARG("--nodes") || ARG("--cpus") ||
			   ARG("--distance") || ARG("--dmesg") ||
			   ARG("--e820") || ARG("--cmdline") ||
			   ARG("--linux") || ARG("--report") ||
			   ARG("--sysctl") || ARG("--llc") ||
			   ARG("--initrd"))) {
			fprintf(stderr, "kmm: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (takes && !v) {
			fprintf(stderr, "kmm: %s needs a value\n", a);
			return 2;
		}
		if (ARG("--mem"))
			mem = v;
		else if (ARG("--nodes"))
			nodes = atoi(v);
		else if (ARG("--cpus"))
			cpus = atoi(v);
		else if (ARG("--distance"))
			distance = v;
		else if (ARG("--dmesg"))
			dmesg = v;
		else if (ARG("--e820"))
			e820 = v;
		else if (ARG("--cmdline")) {
			if (ncmd < 32)
				cmdlines[ncmd++] = v;
		} else if (ARG("--sysctl")) {
			if (nsys < 32)
				sysctls[nsys++] = v;
		} else if (ARG("--linux"))
			linux_ver = v;
		else if (ARG("--llc"))
			llc = v;
		else if (ARG("--initrd"))
			initrd = v;
		else if (ARG("--report"))
			reports = v;
		else if (ARG("--host"))
			host = true;
		else if (ARG("--quiet"))
			quiet = true;
		else if (ARG("--console"))
			console = true;
		else if (ARG("--dyndbg"))
			dyndbg = true;
		else if (ARG("--levels"))
			levels = true;
		else if (ARG("--time"))
			timing = true;
		else if (ARG("--workload"))
			workload = true;
		else {
			fprintf(stderr, "kmm: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
		if (takes)
			i++;
#undef ARG
	}
	if ((dmesg != NULL) + (e820 != NULL) + host > 1) {
		fprintf(stderr, "kmm: choose one of --dmesg, --e820, --host\n");
		return 2;
	}
	if ((dmesg || e820 || host) && (mem || nodes > 0)) {
		fprintf(stderr, "kmm: --mem/--nodes describe a machine; they do not combine with --dmesg, --e820 or --host\n");
		return 2;
	}

	kmm_desc_init(&desc);
	if (dmesg || e820) {
		char *text = read_file(dmesg ? dmesg : e820, err, sizeof(err));

		if (!text) {
			fprintf(stderr, "kmm: %s\n", err);
			return 1;
		}
		ret = dmesg ? kmm_desc_parse_dmesg(&desc, text, dmesg, err, sizeof(err)) :
			      kmm_desc_parse_e820(&desc, text, e820, err, sizeof(err));
		free(text);
		if (ret) {
			fprintf(stderr, "kmm: %s\n", err);
			return 1;
		}
		if (cpus > 0)
			desc.nr_cpus = cpus;
	} else if (host) {
		if (desc_from_host(&desc, err, sizeof(err))) {
			fprintf(stderr, "kmm: %s\n", err);
			return 1;
		}
		if (cpus > 0)
			desc.nr_cpus = cpus;
	} else {
		unsigned long long bytes = 8ULL << 30;

		if (mem) {
			char *end;

			bytes = memparse(mem, &end);
			if (end == mem || *end) {
				fprintf(stderr, "kmm: --mem '%s': not a size (use e.g. 8G, 512M)\n",
					mem);
				return 1;
			}
		}
		if (kmm_desc_compact(&desc, bytes, nodes > 0 ? nodes :
				     (mem ? 1 : 2), cpus > 0 ? cpus : 4,
				     err, sizeof(err))) {
			fprintf(stderr, "kmm: %s\n", err);
			return 1;
		}
		if (nodes == 0 || nodes < -1) {
			fprintf(stderr, "kmm: --nodes %d: need at least 1\n", nodes);
			return 1;
		}
	}
	if (initrd && parse_initrd(&desc, initrd, err, sizeof(err))) {
		fprintf(stderr, "kmm: %s\n", err);
		return 1;
	}
	if (llc && parse_llc(&desc, llc, err, sizeof(err))) {
		fprintf(stderr, "kmm: %s\n", err);
		return 1;
	}
	if (distance && parse_distance(&desc, distance, err, sizeof(err))) {
		fprintf(stderr, "kmm: %s\n", err);
		return 1;
	}
	if (linux_ver && kmm_desc_set_kver(&desc, linux_ver)) {
		fprintf(stderr, "kmm: --linux '%s': expected a version from 4.0 to 6.18, like 6.12\n",
			linux_ver);
		return 1;
	}
	for (i = 0; i < ncmd; i++)
		if (kmm_desc_add_cmdline(&desc, cmdlines[i])) {
			fprintf(stderr, "kmm: --cmdline: the command line would exceed %d bytes\n",
				KMM_CMDLINE_MAX);
			return 1;
		}

	m = kmm_machine_create(&desc, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "kmm: %s\n", err);
		return 1;
	}
	ret = kmm_machine_boot(m, err, sizeof(err));
	if (!quiet || ret)
		kmm_log_dump(m, dyndbg ? KMM_LOG_ALL :
			     console ? KMM_LOG_CONSOLE : KMM_LOG_DMESG,
			     levels, &out);
	if (ret) {
		fflush(stdout);
		fprintf(stderr, "kmm: boot failed: %s\n", err);
		kmm_machine_destroy(m);
		return 1;
	}
	for (i = 0; i < nsys; i++) {
		char name[128], *eq;
		long val;
		int r;

		snprintf(name, sizeof(name), "%s", sysctls[i]);
		eq = strchr(name, '=');
		if (!eq || eq == name || !eq[1]) {
			fprintf(stderr, "kmm: --sysctl '%s': expected name=value\n",
				sysctls[i]);
			kmm_machine_destroy(m);
			return 2;
		}
		*eq = '\0';
		val = strtol(eq + 1, &eq, 0);
		r = *eq ? -EINVAL : kmm_sysctl(m, name, val);
		if (r) {
			fprintf(stderr, "kmm: --sysctl %s: %s\n", sysctls[i],
				r == -ENOENT ? "no such sysctl (vm.min_free_kbytes, vm.watermark_scale_factor, vm.watermark_boost_factor, vm.percpu_pagelist_high_fraction, vm.lowmem_reserve_ratio.N)" :
					       "value out of range");
			kmm_machine_destroy(m);
			return 1;
		}
	}
	if (workload) {
		printf("\n== /proc/buddyinfo after boot ==\n");
		kmm_report(m, "buddyinfo", &out);
		run_workload(m, &out);
		if (m->slab) {
			int got = run_slab_workload(m);

			printf("== slab workload: %d objects from 5 caches and kmalloc-8..8k, every third one freed ==\n",
			       got);
		}
		if (m->vmalloc || m->slab)
			printf("== vmalloc workload: %d areas (vmalloc_node, kvmalloc, vmalloc_huge), every third one freed ==\n",
			       kmm_cli_vmalloc_workload(m));
		printf("\n== /proc/buddyinfo after the workload ==\n");
		kmm_report(m, "buddyinfo", &out);
		if (m->slab)
			print_busiest_caches(m, 12);
	}
	if (reports) {
		char list[256], *tok, *save = NULL;

		snprintf(list, sizeof(list), "%s", reports);
		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (!quiet)
				printf("\n== /proc/%s ==\n", tok);
			if (kmm_report(m, tok, &out)) {
				fprintf(stderr, "kmm: unknown report '%s' (known: zoneinfo, buddyinfo, pagetypeinfo, meminfo, vmstat, slabinfo, slabinfo-v, vmallocinfo)\n",
					tok);
				ret = 2;
			}
		}
	}
	if (timing)
		fprintf(stderr, "boot: %.3f ms, resident %.1f MiB (peak %.1f MiB)\n",
			m->boot_ns / 1e6, kmm_plat_rss() / 1048576.0,
			kmm_plat_peak_rss() / 1048576.0);
	kmm_machine_destroy(m);
	return ret;
}
