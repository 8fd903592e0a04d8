/* SPDX-License-Identifier: MIT */
/*
 * test_fixtures.c - real machines' boot logs reproduced line for line.
 *
 * For each log in fixtures/dmesg/, kmm reads the memory map, SRAT and
 * command line from the log, boots, and its log is compared with the real
 * one on the lines kmm models (the classes below).  A class is compared
 * when the real log has at least one line of it (the fixtures are excerpts:
 * a class cut from the excerpt cannot be checked); then every line of that
 * class must match, in order.  A fixture without a "Linux version" line
 * names its version here.
 */
#include <regex.h>
#include "ktest.h"
#include "kmm_test_util.h"

static const char *const classes[] = {
	"^BIOS-e820: ",
	"^e820: (update|remove) ",
	"^user-defined physical RAM map:|^user: ",
	"^extended physical RAM map:|^reserve setup_data: ",
	"^last_pfn = ",
	"^Using GB pages for direct mapping",
	"^(ACPI: )?SRAT: ",
	"^NUMA: ",
	"^(No NUMA configuration found|NUMA turned off)",
	"^Faking ",
	"^ *NODE_DATA\\(",
	"^Zone ranges:|^  (DMA|DMA32|Normal|Device|HighMem) +(\\[mem|empty)",
	"^Movable zone start|^  Node [0-9]+: 0x",
	"^Early memory node ranges|^  node +[0-9]+: ",
	"^Initmem setup node|^Initializing node",
	"^setup_percpu: ",
	"^percpu: ",
	"^On node [0-9]+, zone ",
	"^On node [0-9]+ totalpages",
	"^Zeroed struct page",
	"^  (DMA|DMA32|Normal|Movable) zone: ",
	"^Fallback order for Node",
	"^Built [0-9]+ zonelists",
	"^Policy zone:",
	"^SLUB: ",
	"^(Dentry cache|Inode-cache) hash table entries: ",
	"^smp: Brought up ",
	"^HugeTLB:? ",
	"^(Allocated new )?RAMDISK: |^Move RAMDISK from ",
	"^(Unpacking initramfs|Trying to unpack rootfs image as initramfs)",
	"^Freeing initrd memory: ",
};
#define NCLASS (sizeof(classes) / sizeof(classes[0]))

static regex_t re[NCLASS];

static int class_of(const char *line)
{
	for (size_t i = 0; i < NCLASS; i++)
		if (!regexec(&re[i], line, 0, NULL, 0))
			return (int)i;
	return -1;
}

/* Split into lines, strip "[    0.000000] " timestamps. */
static char **lines_of(char *text, int *n)
{
	int cap = 1024;
	char **v = malloc(sizeof(char *) * (size_t)cap);

	*n = 0;
	for (char *p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
		if (p[0] == '[') {
			char *q = strchr(p, ']');

			if (q && q[1] == ' ')
				p = q + 2;
		}
		if (*n == cap)
			v = realloc(v, sizeof(char *) * (size_t)(cap *= 2));
		v[(*n)++] = p;
	}
	return v;
}

static void compare_fixture(const char *name, const char *kver,
			    const char *extra_cmdline)
{
	char path[512], err[512];
	struct kmm_machine_desc *d = calloc(1, sizeof(*d));
	char *want_text, *got_text;
	struct kmm_machine *m;
	char **want, **got;
	int nw, ng, present[NCLASS] = { 0 };

	snprintf(path, sizeof(path), "%s/fixtures/dmesg/%s", KMM_SOURCE_DIR,
		 name);
	want_text = read_text(path);
	KT_TRUE(want_text != NULL);
	if (!want_text)
		return;
	kmm_desc_init(d);
	if (kmm_desc_parse_dmesg(d, want_text, path, err, sizeof(err))) {
		KT_FAIL("%s: %s", name, err);
		return;
	}
	if (kver)
		KT_EQ(kmm_desc_set_kver(d, kver), 0);
	if (extra_cmdline)
		kmm_desc_add_cmdline(d, extra_cmdline);
	m = boot_desc(d);
	KT_TRUE(m != NULL);
	if (!m)
		return;
	got_text = machine_log(m);
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	kmm_machine_destroy(m);

	want = lines_of(want_text, &nw);
	got = lines_of(got_text, &ng);
	for (int i = 0; i < nw; i++) {
		int c = class_of(want[i]);

		if (c >= 0)
			present[c] = 1;
	}
	int wi = 0, gi = 0, compared = 0;

	for (;;) {
		while (wi < nw && (class_of(want[wi]) < 0))
			wi++;
		while (gi < ng && (class_of(got[gi]) < 0 ||
				   !present[class_of(got[gi])]))
			gi++;
		if (wi >= nw || gi >= ng)
			break;
		if (strcmp(want[wi], got[gi])) {
			KT_FAIL("%s: line %d differs:\n    real: %s\n    kmm:  %s",
				name, compared + 1, want[wi], got[gi]);
			break;
		}
		compared++;
		wi++;
		gi++;
	}
	if (!kt_failed_now && (wi < nw || gi < ng))
		KT_FAIL("%s: %s has more lines, first: %s", name,
			wi < nw ? "the real log" : "kmm's log",
			wi < nw ? want[wi] : got[gi]);
	KT_TRUE(compared > 20);
	printf("  %s: %d lines identical\n", name, compared);
	free(want);
	free(got);
	free(want_text);
	free(got_text);
	free(d);
}

KT_TEST(vm_6_18_1node_24g)
{
	compare_fixture("vm-6.18-1node-24g.txt", "6.18", NULL);
}

KT_TEST(host_6_18_firecracker)
{
	compare_fixture("host-6.18-fc-vm.txt", NULL, NULL);
}

KT_TEST(asus_5_15_1node_8g)
{
	compare_fixture("asus-a4110-5.15-1node-8g.txt", NULL, NULL);
}

KT_TEST(sunfire_5_11_8node_128g)
{
	compare_fixture("sunfire-x4600m2-5.11-8node-128g.txt", NULL, NULL);
}

/* The same real maps under the reference kernel (6.12) boot cleanly too. */
KT_TEST(fixtures_boot_as_6_12)
{
	const char *names[] = { "asus-a4110-5.15-1node-8g.txt",
				"sunfire-x4600m2-5.11-8node-128g.txt" };

	for (size_t i = 0; i < 2; i++) {
		char path[512], err[512];
		struct kmm_machine_desc *d = calloc(1, sizeof(*d));
		char *text;
		struct kmm_machine *m;

		snprintf(path, sizeof(path), "%s/fixtures/dmesg/%s",
			 KMM_SOURCE_DIR, names[i]);
		text = read_text(path);
		kmm_desc_init(d);
		KT_EQ(kmm_desc_parse_dmesg(d, text, path, err, sizeof(err)), 0);
		KT_EQ(kmm_desc_set_kver(d, "6.12"), 0);
		m = boot_desc(d);
		KT_TRUE(m != NULL);
		if (m) {
			char *log = machine_log(m);

			KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
			/* 6.12: no dummy region, per-zone holes, fallback lines. */
			KT_TRUE(count_lines(log, "Fallback order for Node") >= 1);
			KT_EQ(count_lines(log, "Zeroed struct page"), 0);
			free(log);
			kmm_machine_destroy(m);
		}
		free(text);
		free(d);
	}
}

int main(void);
__attribute__((constructor)) static void compile_classes(void)
{
	for (size_t i = 0; i < NCLASS; i++)
		if (regcomp(&re[i], classes[i], REG_EXTENDED | REG_NOSUB))
			abort();
}

KT_MAIN()
