/* SPDX-License-Identifier: MIT */
/*
 * test_slab.c - the slab layer's API, for both backends from one suite.
 *
 * Every case runs once with slab=slub and once with slab=slab.  Where the
 * two print different reports, the SLUB text is checked exactly (it is
 * Linux 6.12's) and for SLAB the count of reports and a clean validate are.
 */
#include <pthread.h>
#include "ktest.h"
#include "kmm_test_util.h"
#include "../mm/slab.h"

static const char *const backends[] = { "slab=slub", "slab=slab" };
#define NB	2
#define FOR_EACH_BACKEND(b) for (int b = 0; b < NB; b++)

static bool is_slub(struct kmm_machine *m)
{
	return m->slab->be == &kmm_slub_backend;
}

static struct kmm_machine *boot_slab(int b, unsigned long long mem, int nodes,
				     int cpus, const char *extra)
{
	char cmd[512];
	struct kmm_machine *m;

	snprintf(cmd, sizeof(cmd), "%s %s", backends[b], extra ? extra : "");
	m = boot_compact(mem, nodes, cpus, cmd);
	if (m)
		kmm_machine_enter(m);
	return m;
}

static void done(struct kmm_machine *m)
{
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

static const char *cache_of(const void *p)
{
	struct slab *slab = kmm_virt_to_slab(p);

	return slab ? slab->slab_cache->name : "(not slab)";
}

/* The row of /proc/slabinfo for @name, or NULL. */
static char *slabinfo_row(struct kmm_machine *m, const char *name)
{
	char *r = machine_report(m, "slabinfo"), *p, *row = NULL;
	size_t nl = strlen(name);

	for (p = r; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, name, nl) && p[nl] == ' ') {
			char *e = strchr(p, '\n');

			row = strndup(p, e ? (size_t)(e - p) : strlen(p));
			break;
		}
	}
	free(r);
	return row;
}

/* active_objs of a slabinfo row (-1 if missing). */
static long active_objs(struct kmm_machine *m, const char *name)
{
	char *row = slabinfo_row(m, name);
	long a = -1;

	if (row)
		sscanf(row + strlen(name), "%ld", &a);
	free(row);
	return a;
}

static long num_slabs(struct kmm_machine *m, const char *name)
{
	char *row = slabinfo_row(m, name), *p;
	long a = -1, b = -1;

	if (row && (p = strstr(row, "slabdata")))
		sscanf(p + 8, "%ld %ld", &a, &b);
	free(row);
	return b;
}

KT_TEST(boot_line_and_kmalloc_layout_match_linux)
{
	/* The real 2-CPU 6.12-era host's /proc/slabinfo (fixtures). */
	static const struct { const char *name; int size, objs, pages; } want[] = {
		{ "kmalloc-8", 8, 512, 1 }, { "kmalloc-16", 16, 256, 1 },
		{ "kmalloc-32", 32, 128, 1 }, { "kmalloc-64", 64, 64, 1 },
		{ "kmalloc-96", 96, 42, 1 }, { "kmalloc-128", 128, 32, 1 },
		{ "kmalloc-192", 192, 21, 1 }, { "kmalloc-256", 256, 16, 1 },
		{ "kmalloc-512", 512, 16, 2 }, { "kmalloc-1k", 1024, 16, 4 },
		{ "kmalloc-2k", 2048, 16, 8 }, { "kmalloc-4k", 4096, 8, 8 },
		{ "kmalloc-8k", 8192, 4, 8 }, { "dma-kmalloc-96", 96, 42, 1 },
		{ "kmalloc-rcl-192", 192, 21, 1 }, { "kmalloc-cg-8k", 8192, 4, 8 },
		/*
		 * offsetof(struct kmem_cache, node) 216 + 8 per node, cache
		 * line aligned; struct kmem_cache_node 64 (6.12, Debian).
		 */
		{ "kmem_cache", 256, 16, 1 }, { "kmem_cache_node", 64, 64, 1 },
	};
	struct kmm_machine *m = boot_slab(0, 1ULL << 30, 1, 2, NULL);
	char *log, *r;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nSLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=2, Nodes=1\n");
	free(log);
	r = machine_report(m, "slabinfo");
	KT_TRUE(r && !strncmp(r, "slabinfo - version: 2.1\n# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n", 200));
	/* Newest first: the 8k dma cache precedes the 96-byte one, etc. */
	KT_TRUE(r && strstr(r, "\nkmalloc-8k ") < strstr(r, "\nkmalloc-96 "));
	KT_TRUE(r && strstr(r, "\nkmalloc-96 ") < strstr(r, "\nkmem_cache_node "));
	KT_TRUE(r && strstr(r, "\nkmem_cache_node ") < strstr(r, "\nkmem_cache "));
	free(r);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char *row = slabinfo_row(m, want[i].name);
		char tail[128];
		int size = 0, objs = 0, pages = 0;
		long a, n;

		KT_TRUE(row != NULL);
		if (!row)
			continue;
		sscanf(row + strlen(want[i].name), "%ld %ld %d %d %d", &a, &n,
		       &size, &objs, &pages);
		KT_EQ(size, want[i].size);
		KT_EQ(objs, want[i].objs);
		KT_EQ(pages, want[i].pages);
		snprintf(tail, sizeof(tail), " : tunables    0    0    0 : slabdata ");
		KT_CONTAINS(row, tail);
		free(row);
	}
	/* An exact row: an unused cache. */
	{
		char *row = slabinfo_row(m, "dma-kmalloc-8k");

		KT_STREQ(row, "dma-kmalloc-8k         0      0   8192    4    8 : tunables    0    0    0 : slabdata      0      0      0");
		free(row);
	}
	done(m);

	/* slub_min_order / slub_max_order / slub_min_objects. */
	m = boot_slab(0, 1ULL << 30, 1, 2,
		      "slub_min_order=1 slub_max_order=2 slub_min_objects=8");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nSLUB: HWalign=64, Order=1-2, MinObjects=8, CPUs=2, Nodes=1\n");
	free(log);
	{
		char *row = slabinfo_row(m, "kmalloc-8k");
		int objs = 0, pages = 0;
		long a, n, size;

		/* 8k objects: order 2 (max) holds 2 objects. */
		if (row)
			sscanf(row + 10, "%ld %ld %ld %d %d", &a, &n, &size,
			       &objs, &pages);
		KT_EQ(objs, 2);
		KT_EQ(pages, 4);
		free(row);
		row = slabinfo_row(m, "kmalloc-8");
		objs = pages = 0;
		if (row)
			sscanf(row + 9, "%ld %ld %ld %d %d", &a, &n, &size,
			       &objs, &pages);
		KT_EQ(pages, 2);	/* min order 1 */
		KT_EQ(objs, 1024);
		free(row);
	}
	done(m);

	/*
	 * The two orders settle in command-line order: a max below the min
	 * lowers the min; a min above the max raises the max.
	 */
	m = boot_slab(0, 1ULL << 30, 1, 2, "slub_min_order=2 slub_max_order=1");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nSLUB: HWalign=64, Order=1-1, MinObjects=0, CPUs=2, Nodes=1\n");
	free(log);
	done(m);
	m = boot_slab(0, 1ULL << 30, 1, 2,
		      "slub_max_order=1 slub_min_order=2 slub_max_order=12");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nSLUB: HWalign=64, Order=2-10, MinObjects=0, CPUs=2, Nodes=1\n");
	free(log);
	done(m);

	/* debug_guardpage_minorder= makes SLUB's slabs order 0, as Linux. */
	m = boot_slab(0, 1ULL << 30, 1, 2, "debug_guardpage_minorder=1");
	KT_TRUE(m != NULL);
	if (!m)
		return;
	log = machine_log(m);
	KT_CONTAINS(log, "\nSetting debug_guardpage_minorder to 1\n");
	KT_CONTAINS(log, "\nSLUB: HWalign=64, Order=0-0, MinObjects=0, CPUs=2, Nodes=1\n");
	free(log);
	done(m);
}

KT_TEST(kmalloc_sizes_alignment_and_types)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 1ULL << 30, 1, 2, NULL);
		size_t lo;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		lo = is_slub(m) ? 8 : 32;
		for (size_t size = 1; size <= 8192; size += (size < 256 ? 1 : 61)) {
			void *p = kmalloc(size, GFP_KERNEL);
			size_t want;

			if (size <= lo)
				want = lo;
			else if (size > 64 && size <= 96)
				want = 96;
			else if (size > 128 && size <= 192)
				want = 192;
			else
				want = 1UL << (64 - __builtin_clzl(size - 1));
			KT_TRUE(p != NULL);
			if (!p)
				continue;
			KT_EQ(ksize(p), want);
			KT_EQ(kmalloc_size_roundup(size), want);
			KT_EQ((uintptr_t)p % 8, 0);
			if (!(want & (want - 1)))
				KT_EQ((uintptr_t)p % want, 0);
			memset(p, 0xab, size);
			kfree(p);
		}
		KT_TRUE(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
		kfree(ZERO_SIZE_PTR);
		KT_EQ(ksize(ZERO_SIZE_PTR), 0);
		{
			void *p = kmalloc(100, GFP_KERNEL | __GFP_RECLAIMABLE);
			void *q = kmalloc(100, GFP_KERNEL | __GFP_DMA);
			void *r = kmalloc(100, GFP_KERNEL_ACCOUNT);
			void *s = kmalloc(100, GFP_KERNEL);

			KT_STREQ(cache_of(p), "kmalloc-rcl-128");
			KT_STREQ(cache_of(q), "dma-kmalloc-128");
			KT_STREQ(cache_of(r), "kmalloc-cg-128");
			KT_STREQ(cache_of(s), "kmalloc-128");
			KT_TRUE(page_zonenum(virt_to_page(q)) == ZONE_DMA);
			kfree(p);
			kfree(q);
			kfree(r);
			kfree(s);
		}
		/* Large kmalloc: compound pages, counted as slab. */
		{
			unsigned long before = global_node_page_state(NR_SLAB_UNRECLAIMABLE_B);
			void *p = kmalloc(16384 + 1, GFP_KERNEL);

			KT_TRUE(p != NULL);
			KT_EQ((uintptr_t)p % PAGE_SIZE, 0);
			KT_EQ(ksize(p), 32768);
			KT_EQ(kmalloc_size_roundup(16385), 32768);
			KT_EQ(global_node_page_state(NR_SLAB_UNRECLAIMABLE_B), before + 8);
			kfree(p);
			KT_EQ(global_node_page_state(NR_SLAB_UNRECLAIMABLE_B), before);
			KT_TRUE(kmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL | __GFP_NOWARN) == NULL);
			p = kmalloc(KMALLOC_MAX_SIZE, GFP_KERNEL);
			KT_TRUE(p != NULL);
			kfree(p);
		}
		KT_EQ(kmm_slab_errors(m), 0);
		done(m);
	}
}

static int ctor_calls;
static void ctor(void *p)
{
	ctor_calls++;
	memset(p, 0x11, 40);
}

KT_TEST(kmem_cache_api)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 1ULL << 30, 2, 2, NULL);
		struct kmem_cache *c, *d, *e;
		void *objs[300];

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		c = kmem_cache_create("test_obj", 40, 0, SLAB_HWCACHE_ALIGN, ctor);
		KT_TRUE(c != NULL);
		KT_EQ(kmem_cache_size(c), 40);
		KT_STREQ(kmem_cache_name(c), "test_obj");
		ctor_calls = 0;
		for (int i = 0; i < 100; i++) {
			unsigned char *p = kmem_cache_alloc(c, GFP_KERNEL);

			objs[i] = p;
			KT_TRUE(p && p[0] == 0x11 && p[39] == 0x11);
			KT_EQ((uintptr_t)p % 64, 0);	/* HWCACHE_ALIGN, 40 > 32 */
		}
		KT_TRUE(ctor_calls >= 100);
		KT_EQ(active_objs(m, "test_obj") >= 100, 1);
		for (int i = 0; i < 100; i++)
			kmem_cache_free(c, objs[i]);
		/*
		 * With init_on_alloc (Debian's default) a cache with a
		 * constructor is never zeroed, even by zalloc: the
		 * constructor's state wins, as in Linux.
		 */
		{
			unsigned char *p = kmem_cache_zalloc(c, GFP_KERNEL);

			KT_EQ(p[0], 0x11);
			kmem_cache_free(c, p);
		}
		/* Node placement. */
		for (int nid = 0; nid < 2; nid++) {
			void *p = kmem_cache_alloc_node(c, GFP_KERNEL, nid);
			void *q = kmalloc_node(200, GFP_KERNEL, nid);

			KT_EQ(page_to_nid(virt_to_page(p)), nid);
			KT_EQ(page_to_nid(virt_to_page(q)), nid);
			kmem_cache_free(c, p);
			kfree(q);
		}
		/* Bulk. */
		KT_EQ(kmem_cache_alloc_bulk(c, GFP_KERNEL, 300, objs), 300);
		for (int i = 0; i < 300; i++)
			for (int j = i + 1; j < 300; j += 37)
				KT_TRUE(objs[i] != objs[j]);
		/* Shrink: 1 while a slab stays in use (Linux), 0 after. */
		{
			void *live = kmem_cache_alloc(c, GFP_KERNEL);

			KT_EQ(kmem_cache_shrink(c), 1);
			kmem_cache_free(c, live);
		}
		kmem_cache_free_bulk(c, 300, objs);
		KT_EQ(kmem_cache_shrink(c), 0);
		KT_EQ(num_slabs(m, "test_obj"), 0);

		/* Merging: same size and flags, no ctor -> one cache. */
		d = kmem_cache_create("merge_a", 100, 0, 0, NULL);
		e = kmem_cache_create("merge_b", 100, 0, 0, NULL);
		KT_TRUE(d != NULL && d == e);
		KT_TRUE(slabinfo_row(m, "merge_b") == NULL);
		kmem_cache_destroy(e);
		KT_TRUE(active_objs(m, "merge_a") >= 0);	/* still there */
		kmem_cache_destroy(d);
		KT_EQ(active_objs(m, "merge_a"), -1);
		/* Never merged: ctor, NO_MERGE, debug flags. */
		d = kmem_cache_create("nm_a", 100, 0, SLAB_NO_MERGE, NULL);
		e = kmem_cache_create("nm_b", 100, 0, SLAB_NO_MERGE, NULL);
		KT_TRUE(d && e && d != e);
		kmem_cache_destroy(d);
		kmem_cache_destroy(e);
		kmem_cache_destroy(c);
		KT_EQ(active_objs(m, "test_obj"), -1);
		/* Usercopy: accepted, and never merged. */
		d = kmem_cache_create_usercopy("uc", 64, 0, 0, 8, 16, NULL);
		KT_TRUE(d != NULL);
		kmem_cache_destroy(d);
		KT_EQ(kmm_slab_errors(m), 0);
		KT_EQ(kmm_slab_validate(m), 0);
		done(m);
	}
	/* slab_nomerge keeps them apart. */
	{
		struct kmm_machine *m = boot_slab(0, 1ULL << 30, 1, 1,
						  "slab_nomerge");
		struct kmem_cache *d = kmem_cache_create("merge_a", 100, 0, 0, NULL);
		struct kmem_cache *e = kmem_cache_create("merge_b", 100, 0, 0, NULL);

		KT_TRUE(d && e && d != e);
		kmem_cache_destroy(d);
		kmem_cache_destroy(e);
		done(m);
	}
}

KT_TEST(kmem_cache_create_rejects_bad_arguments)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		char *log;

		KT_TRUE(kmem_cache_create(NULL, 64, 0, 0, NULL) == NULL);
		KT_TRUE(kmem_cache_create("zero", 0, 0, 0, NULL) == NULL);
		KT_TRUE(kmem_cache_create("huge", KMALLOC_MAX_SIZE + 1, 0, 0, NULL) == NULL);
		KT_TRUE(kmem_cache_create("badalign", 64, 24, 0, NULL) == NULL);
		KT_TRUE(kmem_cache_create("badflags", 64, 0, 0x80000000u, NULL) == NULL);
		log = machine_log(m);
		KT_CONTAINS(log, "kmem_cache_create((null)) integrity check failed");
		KT_CONTAINS(log, "kmem_cache_create(zero) integrity check failed");
		KT_CONTAINS(log, "kmem_cache_create(huge) integrity check failed");
		/* The reporting function is 6.12's for SLUB, 6.6's for SLAB. */
		KT_CONTAINS(log, is_slub(m) ?
			"__kmem_cache_create_args(badflags) failed with error -22\nCPU: " :
			"kmem_cache_create_usercopy(badflags) failed with error -22\nCPU: ");
		free(log);
		KT_EQ(kmm_slab_validate(m), 0);
		done(m);
	}
}

KT_TEST(kmalloc_family)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		char *s, *t;
		unsigned char *p;
		size_t ks;

		s = kstrdup("hello, slab", GFP_KERNEL);
		KT_STREQ(s, "hello, slab");
		t = kstrndup("hello, slab", 5, GFP_KERNEL);
		KT_STREQ(t, "hello");
		kfree(t);
		t = kmemdup(s, 12, GFP_KERNEL);
		KT_STREQ(t, "hello, slab");
		kfree(t);
		KT_TRUE(kstrdup(NULL, GFP_KERNEL) == NULL);
		/* krealloc in place while it fits, moved beyond. */
		t = krealloc(s, 16, GFP_KERNEL);
		KT_TRUE(t == s);
		t = krealloc(s, 500, GFP_KERNEL);
		KT_TRUE(t != NULL && t != s);
		KT_STREQ(t, "hello, slab");
		KT_EQ(ksize(t), 512);
		KT_TRUE(krealloc(t, 0, GFP_KERNEL) == ZERO_SIZE_PTR);
		p = krealloc(NULL, 40, GFP_KERNEL);
		KT_TRUE(p != NULL);
		kfree(p);
		/* kcalloc / kmalloc_array: overflow is NULL, zeroing. */
		KT_TRUE(kcalloc((size_t)1 << 62, 8, GFP_KERNEL) == NULL);
		KT_TRUE(kmalloc_array((size_t)1 << 62, 8, GFP_KERNEL) == NULL);
		p = kcalloc(10, 30, GFP_KERNEL);
		ks = 0;
		for (int i = 0; i < 300; i++)
			ks += p[i];
		KT_EQ(ks, 0);
		kfree(p);
		p = kzalloc(3000, GFP_KERNEL);
		ks = 0;
		for (int i = 0; i < 3000; i++)
			ks += p[i];
		KT_EQ(ks, 0);
		/* kfree_sensitive wipes the whole object before freeing it. */
		memset(p, 0x77, 3000);
		kfree_sensitive(p);
		KT_EQ(p[100], 0);
		KT_EQ(kmm_slab_errors(m), 0);
		done(m);
	}
}

static void *kmalloc128_fn(void *arg)
{
	struct kmm_machine *m = ((void **)arg)[0];

	kmm_machine_enter(m);
	((void **)arg)[1] = kmalloc(128, GFP_KERNEL);
	kmm_machine_enter(NULL);
	return NULL;
}

static void *cpu_hint(struct kmm_machine *m)
{
	return atomic_load(&m->cpu_bias[kmm_cpu_id].kfree_hint);
}

/*
 * kfree first tries the kmalloc cache its CPU last allocated from (SLUB's
 * kfree_hint, set on the fast path and, with init_on_alloc, on the general
 * one); an object of any other cache, of another CPU's slab, of a user
 * cache, or a large kmalloc must still go where it belongs, with nothing
 * reported.  A user cache made with SLAB_KMALLOC is never a hint (it may
 * be destroyed).
 */
KT_TEST(kfree_finds_the_cache_whatever_was_allocated_last)
{
	static const char *const extra[] = { "init_on_alloc=0", "init_on_alloc=1" };

	FOR_EACH_BACKEND(b) for (int e = 0; e < 2; e++) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 2, extra[e]);
		unsigned long base = free_pages_settled();
		struct kmem_cache *c = kmem_cache_create("kfree_user", 64, 0,
							 SLAB_NO_MERGE, NULL);
		struct kmem_cache *k128 = kmalloc_slab(128, GFP_KERNEL);
		struct kmem_cache *uk;
		void *a, *bb, *u, *big, *arg[2] = { m, NULL };
		pthread_t t;

		KT_TRUE(c != NULL);
		a = kmalloc(64, GFP_KERNEL);
		bb = kmalloc(128, GFP_KERNEL);		/* the last kmalloc */
		KT_TRUE(cpu_hint(m) == (is_slub(m) ? k128 : NULL));
		u = kmem_cache_alloc(c, GFP_KERNEL);
		KT_TRUE(cpu_hint(m) == (is_slub(m) ? k128 : NULL));
		/* Another CPU's kmalloc-128 object, freed here. */
		pthread_create(&t, NULL, kmalloc128_fn, arg);
		pthread_join(t, NULL);
		KT_TRUE(arg[1] != NULL && arg[1] != bb);
		KT_STREQ(cache_of(arg[1]), "kmalloc-128");
		kfree(arg[1]);
		kfree(a);				/* not kmalloc-128's */
		KT_STREQ(cache_of(a), "kmalloc-64");
		KT_TRUE(kmalloc(64, GFP_KERNEL) == a);	/* back on its list */
		kfree(u);				/* a user cache's */
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == u);
		kmem_cache_free(c, u);
		big = kmalloc(3 * PAGE_SIZE * 4, GFP_KERNEL);	/* a large kmalloc */
		KT_TRUE(big != NULL);
		kfree(big);
		kfree(a);
		kfree(bb);
		/* The hinted cache's own object goes back to its CPU freelist. */
		KT_TRUE(kmalloc(128, GFP_KERNEL) == bb);
		KT_TRUE(cpu_hint(m) == (is_slub(m) ? k128 : NULL));
		kfree(bb);
		/* A user cache with SLAB_KMALLOC: never the hint, destroyable. */
		uk = kmem_cache_create("kfree_ukm", 64, 0,
				       SLAB_KMALLOC | SLAB_NO_MERGE, NULL);
		KT_TRUE(uk != NULL);
		u = kmem_cache_alloc(uk, GFP_KERNEL);
		KT_TRUE(cpu_hint(m) != uk);
		kmem_cache_free(uk, u);
		kmem_cache_destroy(uk);
		kfree(kmalloc(48 * 1024, GFP_KERNEL));
		kfree(kmalloc(32, GFP_KERNEL));
		KT_EQ(kmm_slab_errors(m), 0);
		KT_EQ(kmm_slab_validate(m), 0);
		kmem_cache_destroy(c);
		KT_EQ(free_pages_settled(), base);
		done(m);
	}
}

/* The kmalloc cache Linux picks for @size and @gfp (size <= 8k). */
static void expected_cache(struct kmm_machine *m, size_t size, gfp_t gfp,
			   char *buf, size_t len)
{
	static const char *const short_names[] = { "8", "16", "32", "64", "96",
						   "128", "192", "256", "512",
						   "1k", "2k", "4k", "8k" };
	static const size_t limit[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512,
					1024, 2048, 4096, 8192 };
	const char *prefix = "kmalloc-";
	size_t i = 0;

	if (!is_slub(m) && size < 32)	/* SLAB's smallest is kmalloc-32 */
		size = 32;
	while (limit[i] < size)
		i++;
	if (gfp & __GFP_DMA)
		prefix = "dma-kmalloc-";
	else if (gfp & __GFP_RECLAIMABLE)
		prefix = "kmalloc-rcl-";
	else if (gfp & __GFP_ACCOUNT)
		prefix = "kmalloc-cg-";
	snprintf(buf, len, "%s%s", prefix, short_names[i]);
}

/* kmalloc calls made with flags a new slab would have to fix. */
static int fixups;

/* Lines of @m's log that contain @what. */
static int log_count(struct kmm_machine *m, const char *what)
{
	char *log = machine_log(m), *p = log;
	int n = 0;

	while ((p = strstr(p, what))) {
		n++;
		p += strlen(what);
	}
	free(log);
	return n;
}

/*
 * Every size up to and past KMALLOC_MAX_CACHE_SIZE, with each kind of
 * flags (bad ones fixed up with Linux's warning): the object comes from the cache Linux picks, zeroed when asked,
 * usable to its last byte, and back on the CPU's freelist when freed (the
 * next kmalloc of the size returns it).  The returns of one thread must
 * not depend on how it reaches its CPU.
 */
static void kmalloc_sizes_and_flags(struct kmm_machine *m, int *bad,
				    bool init_on_alloc)
{
	static const size_t sizes[] = { 1, 7, 8, 9, 16, 17, 31, 32, 33, 64, 65,
					96, 97, 128, 129, 150, 192, 193, 256,
					257, 1000, 1024, 1025, 2048, 4095, 4096,
					4097, 8191, 8192, 8193, 16384, 65536 };
	/* The last three carry GFP_SLAB_BUG_MASK bits. */
	static const gfp_t flags[] = { GFP_KERNEL, GFP_KERNEL | __GFP_ZERO,
				       GFP_KERNEL | __GFP_RECLAIMABLE,
				       GFP_KERNEL | __GFP_DMA,
				       GFP_KERNEL | __GFP_ACCOUNT, GFP_ATOMIC,
				       GFP_KERNEL | __GFP_DMA32,
				       GFP_KERNEL | __GFP_HIGHMEM,
				       GFP_KERNEL | (1u << 30) };
	const gfp_t fixed = __GFP_DMA32 | __GFP_HIGHMEM | (1u << 30);
	char want[32];

	if (kmalloc(0, GFP_KERNEL) != ZERO_SIZE_PTR)
		(*bad)++;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
			size_t sz = sizes[i];
			unsigned char *p = kmalloc(sz, flags[f]), *q;

			if (flags[f] & fixed)
				fixups++;
			if (!p) {
				(*bad)++;
				continue;
			}
			if (sz <= 8192) {
				expected_cache(m, sz, flags[f], want, sizeof(want));
				if (strcmp(cache_of(p), want)) {
					fprintf(stderr, "kmalloc(%zu, %#x): %s, not %s\n",
						sz, flags[f], cache_of(p), want);
					(*bad)++;
				}
			} else if (kmm_virt_to_slab(p)) {
				(*bad)++;
			}
			if ((flags[f] & __GFP_ZERO) || init_on_alloc)
				for (size_t j = 0; j < sz; j++)
					if (p[j])
						(*bad)++;
			memset(p, 0xa5, sz);
			kfree(p);
			if (sz > 8192 || (flags[f] & __GFP_DMA))
				continue;
			q = kmalloc(sz, flags[f]);
			if (flags[f] & fixed)
				fixups++;
			if (q != p)
				(*bad)++;
			kfree(q);
		}
		/* kzalloc and kcalloc clear what the last user left. */
		for (int z = 0; z < 2; z++) {
			unsigned char *p = z ? kcalloc(1, sizes[i], GFP_KERNEL) :
					       kzalloc(sizes[i], GFP_KERNEL);

			if (!p) {
				(*bad)++;
				continue;
			}
			for (size_t j = 0; j < sizes[i]; j++)
				if (p[j])
					(*bad)++;
			memset(p, 0x5a, sizes[i]);
			kfree(p);
		}
	}
}

static void *kmalloc_sizes_fn(void *arg)
{
	struct kmm_machine *m = ((void **)arg)[0];
	int *bad = ((void **)arg)[1];

	kmm_machine_enter(m);
	if (kmm_cpu_owned(m))		/* it shares the main thread's CPU */
		(*bad)++;
	kmalloc_sizes_and_flags(m, bad, ((void **)arg)[2] != NULL);
	kmm_machine_enter(NULL);
	return NULL;
}

KT_TEST(kmalloc_picks_the_cache_of_size_and_flags_on_every_path)
{
	static const char *const extra[] = {
		"init_on_alloc=0 slab_freelist_hardened=1",
		"init_on_alloc=0 slab_freelist_hardened=0",
		"init_on_alloc=1", "init_on_free=1 init_on_alloc=0",
	};

	FOR_EACH_BACKEND(b) for (int e = 0; e < 4; e++) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, extra[e]);
		bool init = e == 2;	/* init_on_alloc=1: every object cleared */
		int bad = 0;
		void *arg[3] = { m, &bad, init ? m : NULL };
		pthread_t t;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		fixups = 0;
		/* SLUB's one-function kmalloc, but under init_on_free. */
		KT_EQ(m->kmalloc_fn != kmalloc_general, is_slub(m) && e != 3);
		/* The owner of CPU 0 (TSan builds never own a CPU). */
		kfree(kmalloc(8, GFP_KERNEL));
		KT_EQ(kmm_cpu_owned(m), KMM_CPU_BIAS_POSSIBLE);
		kmalloc_sizes_and_flags(m, &bad, init);
		KT_EQ(bad, 0);
		/* The owner, its CPU revoked: the CPU's spinlock. */
		kmm_cpu_revoke(m, 0);
		kmalloc_sizes_and_flags(m, &bad, init);
		kmm_cpu_unrevoke(m, 0);
		KT_EQ(bad, 0);
		/* A thread sharing the CPU. */
		pthread_create(&t, NULL, kmalloc_sizes_fn, arg);
		pthread_join(t, NULL);
		KT_EQ(bad, 0);
		/* Warned about only where a slab or a large kmalloc is made. */
		KT_TRUE(fixups > 0);
		KT_TRUE(log_count(m, "Fix your code!") > 0);
		KT_TRUE(log_count(m, "Fix your code!") <= fixups);
		KT_EQ(kmm_slab_errors(m), 0);
		KT_EQ(kmm_slab_validate(m), 0);
		done(m);
	}
}

KT_TEST(destroy_with_live_objects_reports_and_keeps_objects_usable)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		struct kmem_cache *c = kmem_cache_create("leaky", 128, 0,
							 SLAB_NO_MERGE, NULL);
		void *p = kmem_cache_alloc(c, GFP_KERNEL);
		void *q = kmem_cache_alloc(c, GFP_KERNEL);
		char *log;

		kmem_cache_free(c, q);
		kmem_cache_destroy(c);
		log = machine_log(m);
		KT_CONTAINS(log, "kmem_cache_destroy leaky: Slab cache still has objects when called from");
		if (is_slub(m)) {
			KT_CONTAINS(log, "BUG leaky (Not tainted): Objects remaining on __kmem_cache_shutdown()");
			KT_CONTAINS(log, "Object 0x");
		}
		free(log);
		/*
		 * 6.12 takes the cache off the list; 6.6 (SLAB) leaves it
		 * there, so slabinfo still shows its live object.
		 */
		KT_EQ(active_objs(m, "leaky"), is_slub(m) ? -1 : 1);
		/* The object can still be used and freed. */
		memset(p, 1, 128);
		kmem_cache_free(c, p);
		done(m);
	}
}

/* Misuse with slub_debug (SLUB) / the debug flags (SLAB). */
KT_TEST(misuse_is_reported_counted_and_survived)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		struct kmem_cache *c = kmem_cache_create("victim", 100, 0,
			SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE | SLAB_POISON |
			SLAB_STORE_USER, NULL);
		struct kmem_cache *o = kmem_cache_create("other", 100, 0,
							 SLAB_NO_MERGE, NULL);
		unsigned char *p, *q;
		long e0 = kmm_slab_errors(m), e;
		char *log;

		KT_TRUE(c && o);
		if (!c || !o) {
			done(m);
			continue;
		}
		/* Double free (another object keeps the slab in use). */
		q = kmem_cache_alloc(c, GFP_KERNEL);
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p);
		kmem_cache_free(c, p);
		kmem_cache_free(c, q);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		/* Right red zone overwrite, found at free. */
		p = kmem_cache_alloc(c, GFP_KERNEL);
		/* SLAB's red zone follows the object rounded up to 8 bytes. */
		p[is_slub(m) ? 100 : 104] = 0x42;
		kmem_cache_free(c, p);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		/* Left red zone. */
		p = kmem_cache_alloc(c, GFP_KERNEL);
		p[-1] = 0x42;
		kmem_cache_free(c, p);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		/* Use after free: poison damage found by validate. */
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p);
		p[10] = 0x00;
		KT_TRUE(kmm_slab_validate(m) > 0);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		/* Interior pointer. */
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p + 8);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		kmem_cache_free(c, p);
		/* Wrong cache: freed to its own cache after the report. */
		q = kmem_cache_alloc(o, GFP_KERNEL);
		kmem_cache_free(c, q);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		/* Not a slab object: a page, and memory outside the machine. */
		{
			struct page *pg = alloc_pages(GFP_KERNEL, 0);
			static char outside[64];

			kfree(page_address(pg));
			/* kmem_cache_free: virt_to_cache's WARN, nothing freed. */
			kmem_cache_free(c, page_address(pg));
			KT_EQ(page_ref_count(pg), 1);
			__free_pages(pg, 0);
			kfree(outside);
			e = kmm_slab_errors(m);
			KT_TRUE(e >= e0 + 3);
			e0 = e;
		}
		log = machine_log(m);
		if (is_slub(m)) {
			KT_CONTAINS(log, "BUG victim (Not tainted): Object already free");
			KT_CONTAINS(log, "[Right Redzone overwritten] 0x");
			KT_CONTAINS(log, "First byte 0x42 instead of 0xcc");
			KT_CONTAINS(log, "[Left Redzone overwritten] 0x");
			KT_CONTAINS(log, "[Poison overwritten] 0x");
			KT_CONTAINS(log, "First byte 0x0 instead of 0x6b");
			KT_CONTAINS(log, "Invalid object pointer 0x");
			KT_CONTAINS(log, "cache_from_obj: Wrong slab cache. victim but object is from other");
			KT_CONTAINS(log, "Allocated in ");
			KT_CONTAINS(log, "Freed in ");
			KT_CONTAINS(log, "FIX victim: Object at 0x");
			KT_CONTAINS(log, "Redzone  ");
			KT_CONTAINS(log, "Object   ");
		}
		KT_CONTAINS(log, "not in this machine's memory");
		KT_CONTAINS(log, "virt_to_cache: Object is not a Slab page!\n");
		free(log);
		/* The caches are consistent and keep working. */
		KT_EQ(kmm_slab_validate(m), 0);
		for (int i = 0; i < 200; i++) {
			p = kmem_cache_alloc(c, GFP_KERNEL);
			KT_TRUE(p != NULL);
			kmem_cache_free(c, p);
		}
		KT_EQ(kmm_slab_errors(m), e0);
		KT_EQ(kmm_slab_validate(m), 0);
		done(m);
	}
}

/*
 * The same misuse on caches without debug flags, whose objects take the
 * allocation and free fast paths: each is refused there and reported by
 * the long way, and nothing is corrupted.
 */
KT_TEST(misuse_on_fast_path_caches_is_caught)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		struct kmem_cache *c = kmem_cache_create("plain", 96, 0,
							 SLAB_NO_MERGE, NULL);
		struct kmem_cache *o = kmem_cache_create("plain2", 96, 0,
							 SLAB_NO_MERGE, NULL);
		unsigned char *p, *q, *held[64];
		long e0 = kmm_slab_errors(m), e;
		char *log;

		KT_TRUE(c && o);
		if (!c || !o) {
			done(m);
			continue;
		}
		/* NULL object, and a NULL cache for a good object. */
		kmem_cache_free(c, NULL);
		KT_EQ(kmm_slab_errors(m), e0);
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(NULL, p);
		KT_EQ(kmm_slab_errors(m), e0);
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == p);
		kmem_cache_free(c, p);
		/* Interior pointers, through both entry points. */
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p + 8);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		q = kmalloc(96, GFP_KERNEL);
		kfree(q + 1);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		/* Neither object went onto a freelist: no one gets them twice. */
		for (int i = 0; i < 64; i++) {
			held[i] = kmem_cache_alloc(c, GFP_KERNEL);
			KT_TRUE(held[i] != p && held[i] != p + 8);
		}
		for (int i = 0; i < 64; i++)
			kmem_cache_free(c, held[i]);
		kmem_cache_free(c, p);
		kfree(q);
		KT_EQ(kmm_slab_errors(m), e0);
		/* A double free right after the first: the freelist head. */
		p = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, p);
		kmem_cache_free(c, p);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == p);
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) != p);
		/* Another cache's object: reported, then freed to its own. */
		q = kmem_cache_alloc(o, GFP_KERNEL);
		kmem_cache_free(c, q);
		e = kmm_slab_errors(m);
		KT_TRUE(e > e0);
		e0 = e;
		KT_TRUE(kmem_cache_alloc(o, GFP_KERNEL) == q);
		kmem_cache_free(o, q);
		log = machine_log(m);
		if (is_slub(m)) {
			KT_CONTAINS(log, "BUG plain (Not tainted): Invalid object pointer 0x");
			KT_CONTAINS(log, "): Invalid object pointer 0x");
			KT_CONTAINS(log, "BUG kmalloc-96 (Tainted: G    B");
			KT_CONTAINS(log, "is already free (CPU freelist head)");
			KT_CONTAINS(log, "cache_from_obj: Wrong slab cache. plain but object is from plain2");
		}
		free(log);
		KT_EQ(kmm_slab_validate(m), 0);
		kmem_cache_shrink(c);
		done(m);
	}
}

/*
 * The free fast path tells an object's start from the address alone
 * (SLUB: exact division through the size's inverse modulo 2^64, rotated by
 * the size's power of two).  For object sizes odd, even and powers of two
 * times an odd number, with and without the freelist hardening (whose
 * fast paths are separate copies): pointers into an object, just before
 * it and past the slab are refused, object starts are taken, and the
 * hardening shows in the stored free pointer.
 */
KT_TEST(fast_free_recognises_object_starts)
{
	static const unsigned int sizes[] = { 8, 24, 40, 56, 96, 104, 136,
					      192, 200, 264, 520, 1000, 1352,
					      3000, 4096 };

	for (int hard = 0; hard < 2; hard++) {
		FOR_EACH_BACKEND(b) {
			struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1,
				hard ? "slab_freelist_hardened=1 init_on_alloc=0" :
				       "slab_freelist_hardened=0 init_on_alloc=0");

			for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
				unsigned int sz = sizes[i];
				struct kmem_cache *c = kmem_cache_create("shape", sz, 0,
									 SLAB_NO_MERGE, NULL);
				long e0 = kmm_slab_errors(m), e;
				unsigned char *a, *p, *q;
				const long bad[] = { 4, 8, (long)sz / 2 / 8 * 8,
						     (long)sz - 8, -4, -8, -(long)sz / 2 };
				unsigned long lf0 = 0;
				unsigned int got;

				KT_TRUE(c != NULL);
				if (!c)
					continue;
				got = kmem_cache_size(c);
				KT_TRUE(got >= sz);
				a = kmem_cache_alloc(c, GFP_KERNEL);
				p = kmem_cache_alloc(c, GFP_KERNEL);
				KT_TRUE(a && p);
				if (!a || !p)
					continue;
				for (size_t j = 0; j < sizeof(bad) / sizeof(bad[0]); j++) {
					/* Not 0 and not another object's start. */
					if (bad[j] % 4 || bad[j] % (long)sz == 0)
						continue;
					kmem_cache_free(c, p + bad[j]);
					e = kmm_slab_errors(m);
					KT_TRUE(e > e0);
					e0 = e;
				}
				/*
				 * a, then p, onto the freelist: p's pointer names
				 * a.  Both are objects of the CPU slab, so SLUB
				 * frees them without the page lookup.
				 */
				if (is_slub(m))
					lf0 = slub_lookup_frees(c);
				kmem_cache_free(c, a);
				kmem_cache_free(c, p);
				KT_EQ(kmm_slab_errors(m), e0);
				if (is_slub(m))
					KT_EQ(slub_lookup_frees(c), lf0);
				if (is_slub(m) && sz >= 16) {
					void *stored;

					memcpy(&stored, p + (sz / 2 / 8 * 8),
					       sizeof(stored));
					if (hard)
						KT_TRUE(stored != (void *)a);
					else
						KT_TRUE(stored == (void *)a);
				}
				/* Neither interior pointer reached a freelist. */
				q = kmem_cache_alloc(c, GFP_KERNEL);
				KT_TRUE(q == p);
				q = kmem_cache_alloc(c, GFP_KERNEL);
				KT_TRUE(q == a);
				kmem_cache_free(c, p);
				kmem_cache_free(c, a);
				KT_EQ(kmm_slab_errors(m), e0);
				KT_EQ(kmm_slab_validate(m), 0);
				kmem_cache_destroy(c);
			}
			/* kfree's first guess, the kmalloc cache just used. */
			for (size_t sz = 16; sz <= 4096; sz = sz * 3 / 2 / 8 * 8) {
				long e0 = kmm_slab_errors(m), e;
				unsigned char *a = kmalloc(sz, GFP_KERNEL);
				unsigned char *p = kmalloc(sz, GFP_KERNEL);
				struct kmem_cache *kc;
				unsigned long lf0;

				KT_TRUE(a && p);
				if (!a || !p)
					continue;
				kc = kmm_virt_to_slab_m(m, a)->slab_cache;
				kfree(p + 8);
				e = kmm_slab_errors(m);
				KT_TRUE(e > e0);
				/* The first guess frees both without a lookup. */
				lf0 = is_slub(m) ? slub_lookup_frees(kc) : 0;
				kfree(a);
				kfree(p);
				KT_EQ(kmm_slab_errors(m), e);
				if (is_slub(m) && kmm_virt_to_slab_m(m, a) ==
						  kmm_virt_to_slab_m(m, p))
					KT_EQ(slub_lookup_frees(kc), lf0);
				KT_TRUE(kmalloc(sz, GFP_KERNEL) == p);
				KT_TRUE(kmalloc(sz, GFP_KERNEL) == a);
				kfree(p);
				kfree(a);
			}
			KT_EQ(kmm_slab_validate(m), 0);
			done(m);
		}
	}
}

/*
 * kmem_cache_free_bulk of objects from many slabs in a shuffled order: all
 * are freed (SLUB in detached freelists, one per slab run), a bad pointer
 * among them is reported and left alone, a repeated one is caught, and
 * the cache ends empty and consistent.
 */
KT_TEST(free_bulk_mixed_slabs_and_bad_pointers)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 2, NULL);
		struct kmem_cache *c = kmem_cache_create("bulky", 200, 0,
							 SLAB_NO_MERGE, NULL);
		enum { N = 500 };
		static void *objs[N + 2];
		unsigned long seed = 12345;
		long e0 = kmm_slab_errors(m);
		unsigned char *bad;

		KT_TRUE(c != NULL);
		if (!c) {
			done(m);
			continue;
		}
		for (int i = 0; i < N; i++) {
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
			KT_TRUE(objs[i] != NULL);
		}
		KT_EQ(active_objs(m, "bulky") >= N, true);
		for (int i = N - 1; i > 0; i--) {
			int j;
			void *t;

			seed = seed * 6364136223846793005UL + 1442695040888963407UL;
			j = (int)((seed >> 33) % (unsigned long)(i + 1));
			t = objs[i];
			objs[i] = objs[j];
			objs[j] = t;
		}
		/* All good objects, in one call. */
		kmem_cache_free_bulk(c, N / 2, objs);
		KT_EQ(kmm_slab_errors(m), e0);
		KT_EQ(kmm_slab_validate(m), 0);
		/* The rest, with an interior pointer in the middle. */
		bad = kmem_cache_alloc(c, GFP_KERNEL);
		objs[N] = objs[N / 2 + 10];
		objs[N / 2 + 10] = bad + 4;
		kmem_cache_free_bulk(c, N / 2 + 1, objs + N / 2);
		KT_TRUE(kmm_slab_errors(m) > e0);
		e0 = kmm_slab_errors(m);
		KT_EQ(kmm_slab_validate(m), 0);
		/* The same object twice in a row. */
		objs[0] = kmem_cache_alloc(c, GFP_KERNEL);
		objs[1] = objs[0];
		kmem_cache_free_bulk(c, 2, objs);
		KT_TRUE(kmm_slab_errors(m) > e0);
		e0 = kmm_slab_errors(m);
		KT_EQ(kmm_slab_validate(m), 0);
		/*
		 * An object already at the head of the CPU freelist, first or
		 * last in the array: reported, the other object freed, and
		 * neither handed out twice.  (SLAB, like Linux 6.6's without
		 * debugging, does not look for double frees.)
		 */
		for (int order = 0; is_slub(m) && order < 2; order++) {
			void *a = kmem_cache_alloc(c, GFP_KERNEL);
			void *f = kmem_cache_alloc(c, GFP_KERNEL);
			void *x, *y, *z;

			kmem_cache_free(c, f);
			objs[order] = a;
			objs[!order] = f;
			kmem_cache_free_bulk(c, 2, objs);
			KT_TRUE(kmm_slab_errors(m) > e0);
			e0 = kmm_slab_errors(m);
			x = kmem_cache_alloc(c, GFP_KERNEL);
			y = kmem_cache_alloc(c, GFP_KERNEL);
			z = kmem_cache_alloc(c, GFP_KERNEL);
			KT_TRUE(x != y && y != z && x != z);
			kmem_cache_free(c, x);
			kmem_cache_free(c, y);
			kmem_cache_free(c, z);
			KT_EQ(kmm_slab_validate(m), 0);
		}
		KT_EQ(kmm_slab_errors(m), e0);
		/* Only the object whose interior was passed is still in use. */
		kmem_cache_free(c, bad);
		KT_EQ(kmm_slab_errors(m), e0);
		KT_EQ(kmem_cache_shrink(c), 0);
		KT_EQ(num_slabs(m, "bulky"), 0);
		kmem_cache_destroy(c);
		KT_EQ(kmm_slab_errors(m), e0);
		done(m);
	}
}

KT_TEST(slub_debug_parameter)
{
	struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 1,
					  "slub_debug=FZ,kmalloc-64;U,kmalloc-128");
	unsigned char *p;
	char *v, *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	v = machine_report(m, "slabinfo-v");
	KT_TRUE(v != NULL);
	/* kmalloc-64 red-zoned: a right red zone overwrite is caught. */
	p = kmalloc(64, GFP_KERNEL);
	KT_STREQ(cache_of(p), "kmalloc-64");
	p[64] = 1;
	kfree(p);
	KT_TRUE(kmm_slab_errors(m) > 0);
	log = machine_log(m);
	KT_CONTAINS(log, "BUG kmalloc-64 (Not tainted): ");
	KT_CONTAINS(log, "Redzone overwritten");
	free(log);
	free(v);
	done(m);
	/* A bad letter is reported and skipped. */
	m = boot_slab(0, 256ULL << 20, 1, 1, "slub_debug=FQ");
	log = machine_log(m);
	KT_CONTAINS(log, "slab_debug option 'Q' unknown. skipped");
	free(log);
	done(m);
}

/* init_on_alloc / __GFP_ZERO; init_on_free. */
KT_TEST(init_on_alloc_and_free)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1,
						  "init_on_alloc=1");
		unsigned char *p = kmalloc(256, GFP_KERNEL);
		int nz = 0;

		memset(p, 0xee, 256);
		kfree(p);
		p = kmalloc(256, GFP_KERNEL);
		for (int i = 0; i < 256; i++)
			nz += p[i] != 0;
		KT_EQ(nz, 0);
		kfree(p);
		done(m);
	}
}

/* Bytes of @p[0..n) that are not @v. */
static int count_not(const unsigned char *p, size_t n, unsigned char v)
{
	int k = 0;

	for (size_t i = 0; i < n; i++)
		k += p[i] != v;
	return k;
}

/*
 * slab_want_init_on_alloc, case by case, on the fast paths and the general
 * ones: with init_on_alloc=1 a plain cache's object comes cleared, a
 * cache with a constructor's never (even with __GFP_ZERO), a
 * SLAB_TYPESAFE_BY_RCU cache's only with __GFP_ZERO; without it, only
 * __GFP_ZERO clears.  The object freed dirty comes back first (the CPU's
 * freelist), so what it holds shows what the allocation did; the free
 * pointer's word is left out where it lies inside the object.
 */
KT_TEST(init_on_alloc_per_cache_kind)
{
	static const char *const cmd[] = { "init_on_alloc=1", "init_on_alloc=0" };

	FOR_EACH_BACKEND(b) for (int i = 0; i < 2; i++) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, cmd[i]);
		struct kmem_cache *plain = kmem_cache_create("ioa_plain", 96, 0,
							     SLAB_NO_MERGE, NULL);
		struct kmem_cache *withctor = kmem_cache_create("ioa_ctor", 96, 0,
							SLAB_NO_MERGE, ctor);
		struct kmem_cache *rcu = kmem_cache_create("ioa_rcu", 96, 0,
				SLAB_NO_MERGE | SLAB_TYPESAFE_BY_RCU, NULL);
		struct kmem_cache *cs[3] = { plain, withctor, rcu };
		bool init = i == 0;

		KT_TRUE(plain && withctor && rcu);
		if (!plain || !withctor || !rcu) {
			done(m);
			continue;
		}
		for (int k = 0; k < 3; k++) {
			for (int z = 0; z < 2; z++) {
				unsigned char *p = kmem_cache_alloc(cs[k], GFP_KERNEL);
				unsigned char *q;
				bool want = k == 1 ? (!init && z) :
					    k == 2 ? z : (init || z);
				int dirty;

				memset(p, 0xee, 96);
				kmem_cache_free(cs[k], p);
				q = z ? kmem_cache_zalloc(cs[k], GFP_KERNEL) :
					kmem_cache_alloc(cs[k], GFP_KERNEL);
				KT_TRUE(q == p);
				/* 0xee bytes left: all of them unless cleared
				 * (a free pointer may overwrite one word). */
				dirty = 96 - count_not(q, 96, 0xee);
				if (want)
					KT_EQ(count_not(q, 96, 0), 0);
				else
					KT_TRUE(dirty >= 96 - (int)sizeof(void *));
				kmem_cache_free(cs[k], q);
			}
		}
		KT_EQ(kmm_slab_errors(m), 0);
		kmem_cache_destroy(plain);
		kmem_cache_destroy(withctor);
		kmem_cache_destroy(rcu);
		done(m);
	}
}

/*
 * init_on_free clears a freed object, but only once its pointer has been
 * checked: an interior pointer is refused with nothing written (Linux
 * clears first, into the next object), and an object already at the head
 * of a freelist is refused with its free pointer intact, so that no other
 * free object is lost.  Both backends, plain and debug caches.
 */
KT_TEST(init_on_free_clears_only_checked_objects)
{
	static const slab_flags_t flags[] = { 0, SLAB_RED_ZONE | SLAB_STORE_USER };

	FOR_EACH_BACKEND(b) for (int f = 0; f < 2; f++) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1,
						  "init_on_free=1");
		struct kmem_cache *c = kmem_cache_create("iof", 64, 0,
					SLAB_NO_MERGE | flags[f], NULL);
		unsigned char *held[32], *again[33];
		long e0 = kmm_slab_errors(m);
		int bad = 0, nz = 0, dup = 0;

		KT_TRUE(c != NULL);
		if (!c) {
			done(m);
			continue;
		}
		for (int i = 0; i < 32; i++) {
			held[i] = kmem_cache_alloc(c, GFP_KERNEL);
			memset(held[i], 0xab, 64);
		}
		/* Interior pointers: refused, and not a byte cleared. */
		kmem_cache_free(c, held[10] + 8);
		kfree(held[20] + 16);
		KT_TRUE(kmm_slab_errors(m) >= e0 + 2);
		for (int i = 0; i < 32; i++)
			for (int j = 0; j < 64; j++)
				bad += held[i][j] != 0xab;
		KT_EQ(bad, 0);
		/* A good free clears (all but a free pointer kept in it). */
		kmem_cache_free(c, held[5]);
		for (int j = 0; j < 64; j++)
			nz += held[5][j] != 0;
		KT_TRUE(nz <= (int)sizeof(void *));
		/* Freed again while at the freelist's head: refused. */
		if (is_slub(m) || f) {
			e0 = kmm_slab_errors(m);
			kmem_cache_free(c, held[5]);
			KT_TRUE(kmm_slab_errors(m) > e0);
		}
		/* Nothing lost and nothing handed out twice. */
		for (int i = 0; i < 33; i++)
			again[i] = kmem_cache_alloc(c, GFP_KERNEL);
		for (int i = 0; i < 33; i++) {
			for (int j = 0; j < 32; j++)
				dup += j != 5 && again[i] == held[j];
			for (int j = 0; j < i; j++)
				dup += again[i] == again[j];
		}
		KT_EQ(dup, 0);
		KT_EQ(kmm_slab_validate(m), 0);
		for (int i = 0; i < 33; i++)
			kmem_cache_free(c, again[i]);
		for (int i = 0; i < 32; i++)
			if (i != 5)
				kmem_cache_free(c, held[i]);
		kmem_cache_shrink(c);
		KT_EQ(active_objs(m, "iof"), 0);
		kmem_cache_destroy(c);
		done(m);
	}
}

/*
 * init_on_free on a SLUB debug cache with SLAB_STORE_USER: the object is
 * cleared with its tracks, as in Linux, and the free is recorded after,
 * so a later report still says where the object was freed.
 */
KT_TEST(init_on_free_keeps_the_free_track)
{
	struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 1, "init_on_free=1");
	struct kmem_cache *c = kmem_cache_create("iof_track", 64, 0,
				SLAB_NO_MERGE | SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	unsigned char *p, *q;
	char *log;

	KT_TRUE(c != NULL);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	q = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, p);
	p[64] = 0x42;		/* the freed object's right red zone */
	KT_TRUE(kmm_slab_validate(m) > 0);
	log = machine_log(m);
	KT_TRUE(strstr(log, "BUG iof_track") != NULL);
	KT_TRUE(strstr(log, "Freed in") != NULL);
	free(log);
	kmem_cache_free(c, q);
	done(m);
}

static void *free_twice_fn(void *arg)
{
	void **a = arg;

	kmm_machine_enter(a[0]);
	kmem_cache_free(a[1], a[2]);
	a[3] = (void *)(intptr_t)smp_processor_id();
	kmm_machine_enter(NULL);
	return NULL;
}

/*
 * SLUB debug cache without consistency checks: a second free of the object
 * at the slab's freelist head is refused before anything of the object is
 * touched, so its free track still names the first free's CPU, not the
 * refused one's (another CPU).
 */
KT_TEST(refused_double_free_keeps_the_first_free_track)
{
	struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 2, NULL);
	struct kmem_cache *c = kmem_cache_create("df_track", 64, 0,
				SLAB_NO_MERGE | SLAB_STORE_USER | SLAB_RED_ZONE, NULL);
	unsigned char *p, *q;
	void *arg[4];
	long e0 = kmm_slab_errors(m);
	int first_cpu = smp_processor_id();
	char *log, *tail, *freed, want[32];
	size_t before;
	pthread_t t;

	KT_TRUE(c != NULL);
	p = kmem_cache_alloc(c, GFP_KERNEL);
	q = kmem_cache_alloc(c, GFP_KERNEL);
	kmem_cache_free(c, p);			/* on this thread's CPU */
	arg[0] = m;
	arg[1] = c;
	arg[2] = p;
	pthread_create(&t, NULL, free_twice_fn, arg);	/* again, on another */
	pthread_join(t, NULL);
	KT_NE((int)(intptr_t)arg[3], first_cpu);
	snprintf(want, sizeof(want), " cpu=%d ", first_cpu);
	KT_TRUE(kmm_slab_errors(m) > e0);
	log = machine_log(m);
	KT_CONTAINS(log, "is already free (freelist head)");
	before = strlen(log);
	free(log);
	p[64] = 0x42;		/* the freed object's right red zone */
	KT_TRUE(kmm_slab_validate(m) > 0);
	log = machine_log(m);
	tail = log + before;
	freed = strstr(tail, "Freed in ");
	KT_TRUE(freed != NULL);
	if (freed) {
		char *eol = strchr(freed, '\n');

		if (eol)
			*eol = '\0';
		KT_TRUE(strstr(freed, want) != NULL);
	}
	free(log);
	kmem_cache_free(c, q);
	done(m);
}

/*
 * SLUB's kmalloc red zone (slub_debug with U keeps each request's size):
 * zeroing at allocation (kzalloc, init_on_alloc) and at free (init_on_free)
 * stays inside the request, and ksize() hands the whole object to the
 * caller - none of them may look like a red zone overwrite.  A slab found
 * damaged at allocation is disabled: later frees into it are refused with
 * Linux's report, and the process goes on.
 */
/*
 * SLUB with poisoning: a slab's padding (what is left after the last
 * object) overwritten is reported with the slab's info and a WARN, and
 * restored.
 */
KT_TEST(slub_padding_overwritten)
{
	struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 1, NULL);
	struct kmem_cache *c = kmem_cache_create("padme", 1000,
						 0, SLAB_POISON | SLAB_NO_MERGE,
						 NULL);
	unsigned long bytes, warns;
	u8 *p, *base;
	char *log;

	KT_TRUE(c != NULL);
	if (!c)
		return;
	p = kmem_cache_alloc(c, GFP_KERNEL);
	bytes = PAGE_SIZE << c->order;
	KT_TRUE(bytes % c->size != 0);		/* there is padding */
	base = (u8 *)((uintptr_t)p & ~(uintptr_t)(bytes - 1));
	base[bytes - 1] = 0x00;
	warns = atomic_load(&m->warn_count);
	KT_TRUE(kmm_slab_validate(m) >= 0);
	log = machine_log(m);
	KT_CONTAINS(log, "BUG padme (Not tainted): Padding overwritten. 0x");
	KT_CONTAINS(log, "FIX padme: Restoring slab padding 0x");
	/* __slab_err's add_taint: lock debugging off, said once, then WARN. */
	KT_EQ(count_lines(log, "Disabling lock debugging due to kernel taint"), 1);
	KT_TRUE(strstr(log, "Disabling lock debugging") <
		strstr(log, "WARNING: CPU: "));
	free(log);
	KT_TRUE(kmm_slab_tainted(m));
	base[bytes - 1] = 0x00;
	KT_TRUE(kmm_slab_validate(m) >= 0);
	log = machine_log(m);
	KT_CONTAINS(log, "BUG padme (Tainted: G    B   W    ");
	KT_EQ(count_lines(log, "Disabling lock debugging due to kernel taint"), 1);
	free(log);
	KT_EQ(atomic_load(&m->warn_count), warns + 2);
	KT_EQ(base[bytes - 1], 0x5a);		/* POISON_INUSE again */
	kmem_cache_free(c, p);
	kmem_cache_destroy(c);
	done(m);
}

KT_TEST(slub_debug_kmalloc_redzone_and_disabled_slab)
{
	const char *cmds[] = { "slub_debug", "slub_debug=FZU init_on_alloc=0 init_on_free=1" };

	for (int k = 0; k < 2; k++) {
		struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 1, cmds[k]);
		long e0 = kmm_slab_errors(m);
		unsigned char *p;
		size_t n;

		for (int i = 0; i < 100; i++) {
			p = kzalloc(20, GFP_KERNEL);
			KT_TRUE(p && !p[0] && !p[19]);
			kfree(p);
			p = kmalloc(20, GFP_KERNEL);
			n = ksize(p);
			KT_EQ(n, 32);
			memset(p, 0x11, n);
			kfree(p);
		}
		KT_EQ(kmm_slab_errors(m), e0);
		done(m);
	}
	{
		struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 1,
						  "slub_debug");
		struct kmem_cache *c = kmem_cache_create("damaged", 100, 0, 0,
							 NULL);
		size_t mark = log_mark(m);
		char *a, *b, *log;

		a = kmem_cache_alloc(c, GFP_KERNEL);
		b = kmem_cache_alloc(c, GFP_KERNEL);
		kmem_cache_free(c, b);
		b[10] = 1;		/* use after free */
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == NULL ||
			kmm_slab_errors(m) > 0);
		kmem_cache_free(c, a);	/* into the disabled slab */
		log = log_since(m, mark);
		KT_CONTAINS(log, "Poison overwritten");
		KT_CONTAINS(log, "Marking all objects used");
		KT_CONTAINS(log, "Slab disabled since SLUB metadata consistency check failed");
		KT_CONTAINS(log, "not freed");
		/* The second report carries the first one's taint and warning. */
		KT_CONTAINS(log, "(Tainted: G    B   W         )");
		free(log);
		/* The cache goes on working. */
		a = kmem_cache_alloc(c, GFP_KERNEL);
		KT_TRUE(a != NULL);
		kmem_cache_free(c, a);
		done(m);
	}
}

struct rcu_reader {
	struct kmm_machine *m;
	atomic_int state;	/* 0 start, 1 inside, 2 told to leave, 3 out */
};

static void *reader_fn(void *arg)
{
	struct rcu_reader *r = arg;

	kmm_machine_enter(r->m);
	rcu_read_lock();
	r->state = 1;
	while (r->state != 2)
		;
	rcu_read_unlock();
	r->state = 3;
	return NULL;
}

KT_TEST(typesafe_by_rcu_waits_for_readers)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 2, NULL);
		struct kmem_cache *c = kmem_cache_create("rcu_obj", 512, 0,
				SLAB_TYPESAFE_BY_RCU, NULL);
		struct rcu_reader r = { m, 0 };
		unsigned long base, mid;
		void *objs[64];
		pthread_t t;

		base = free_pages_settled();
		for (int i = 0; i < 64; i++)
			objs[i] = kmem_cache_alloc(c, GFP_KERNEL);
		pthread_create(&t, NULL, reader_fn, &r);
		while (r.state != 1)
			;
		for (int i = 0; i < 64; i++)
			kmem_cache_free(c, objs[i]);
		kmem_cache_shrink(c);
		drain_all_pages(NULL);
		mid = global_zone_page_state(NR_FREE_PAGES);
		/* The reader is inside: no slab page went back yet. */
		KT_TRUE(mid < base);
		r.state = 2;
		rcu_barrier();
		pthread_join(t, NULL);
		KT_EQ(free_pages_settled(), base);
		kmem_cache_destroy(c);
		KT_EQ(kmm_slab_errors(m), 0);
		done(m);
	}
}

/* The stress test: allocate here, free there, every size. */
#define NT	4
#define RING	4096

struct stress {
	struct kmm_machine *m;
	struct kmem_cache *cache;
	void *_Atomic ring[NT][RING];
	atomic_int failures;
	bool init_on_alloc;	/* every kmalloc'ed object comes cleared */
};

/* @p[0..n) all zero? */
static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

static void *stress_fn(void *arg)
{
	struct stress *st = ((void **)arg)[0];
	int id = (int)(intptr_t)((void **)arg)[1];
	unsigned int seed = 1234u + (unsigned int)id;

	kmm_machine_enter(st->m);
	for (int it = 0; it < 60000; it++) {
		int slot = (int)(rand_r(&seed) % RING);
		int victim = (int)(rand_r(&seed) % NT);
		void *p, *old;
		int kind = (int)(rand_r(&seed) % 8);
		size_t sz = 1 + rand_r(&seed) % 300;
		bool zeroed = st->init_on_alloc;

		if (kind == 0) {
			p = kmem_cache_alloc(st->cache, GFP_KERNEL);
			sz = 72;
		} else if (kind == 1) {
			sz = 1 + rand_r(&seed) % 600;
			p = kmalloc_node(sz, GFP_KERNEL, (int)(rand_r(&seed) % 2));
		} else if (kind == 2) {
			sz = 1 + rand_r(&seed) % 20000;
			p = kmalloc(sz, GFP_KERNEL);
		} else if (kind == 3) {
			p = kzalloc(sz, GFP_KERNEL);
			zeroed = true;
		} else {
			p = kmalloc(sz, GFP_KERNEL);
		}
		if (!p) {
			atomic_fetch_add(&st->failures, 1);
			continue;
		}
		if (zeroed && !all_zero(p, sz < 4 ? 4 : sz))
			atomic_fetch_add(&st->failures, 1);
		memset(p, 0xc3, sz);
		*(uint32_t *)p = 0xfeedf00d;
		/* Put it in another thread's ring; free what was there. */
		old = atomic_exchange(&st->ring[victim][slot], p);
		if (old) {
			if (*(uint32_t *)old != 0xfeedf00d)
				atomic_fetch_add(&st->failures, 1);
			kfree(old);
		}
	}
	return NULL;
}

/*
 * NT threads allocate (kmem_cache, kmalloc, kmalloc_node, kzalloc, large
 * kmallocs) and free each other's objects: every object intact and
 * cleared where it must be, every page back at the end.  Twice: NT CPUs,
 * each thread owning one; and NT - 1 CPUs with init_on_alloc=1, so that
 * one CPU becomes shared mid-run (its owner falls back to the spinlock).
 */
KT_TEST(stress_threads_return_every_page)
{
	FOR_EACH_BACKEND(b) for (int v = 0; v < 2; v++) {
		struct kmm_machine *m = boot_slab(b, 1ULL << 30, 2, NT - v,
						  v ? "init_on_alloc=1" : NULL);
		struct stress *st = calloc(1, sizeof(*st));
		pthread_t t[NT];
		void *args[NT][2];
		unsigned long base;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		st->m = m;
		st->init_on_alloc = v;
		base = free_pages_settled();
		st->cache = kmem_cache_create("stress_obj", 72, 0,
					      SLAB_NO_MERGE, NULL);
		for (int i = 0; i < NT; i++) {
			args[i][0] = st;
			args[i][1] = (void *)(intptr_t)i;
			pthread_create(&t[i], NULL, stress_fn, args[i]);
		}
		for (int i = 0; i < NT; i++)
			pthread_join(t[i], NULL);
		KT_EQ(atomic_load(&st->failures), 0);
		KT_EQ(kmm_slab_validate(m), 0);
		for (int i = 0; i < NT; i++)
			for (int j = 0; j < RING; j++)
				kfree(st->ring[i][j]);
		KT_EQ(kmem_cache_shrink(st->cache), 0);
		KT_EQ(num_slabs(m, "stress_obj"), 0);
		kmem_cache_destroy(st->cache);
		KT_EQ(free_pages_settled(), base);
		KT_EQ(kmm_slab_errors(m), 0);
		KT_EQ(kmm_slab_validate(m), 0);
		{
			char err[256];

			KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
		}
		free(st);
		done(m);
	}
}

KT_TEST(meminfo_counts_slab)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		unsigned long s0 = global_node_page_state(NR_SLAB_UNRECLAIMABLE_B);
		unsigned long r0 = global_node_page_state(NR_SLAB_RECLAIMABLE_B);
		struct kmem_cache *c = kmem_cache_create("rcl", 1000, 0,
				SLAB_RECLAIM_ACCOUNT | SLAB_NO_MERGE, NULL);
		void *p[64];
		char *mi, want[64];

		for (int i = 0; i < 64; i++)
			p[i] = kmem_cache_alloc(c, GFP_KERNEL);
		KT_TRUE(global_node_page_state(NR_SLAB_RECLAIMABLE_B) > r0);
		mi = machine_report(m, "meminfo");
		snprintf(want, sizeof(want), "\nSReclaimable:   %8lu kB\n",
			 global_node_page_state(NR_SLAB_RECLAIMABLE_B) * 4);
		KT_CONTAINS(mi, want);
		snprintf(want, sizeof(want), "\nSUnreclaim:     %8lu kB\n",
			 global_node_page_state(NR_SLAB_UNRECLAIMABLE_B) * 4);
		KT_CONTAINS(mi, want);
		free(mi);
		for (int i = 0; i < 64; i++)
			kmem_cache_free(c, p[i]);
		kmem_cache_destroy(c);
		KT_EQ(global_node_page_state(NR_SLAB_RECLAIMABLE_B), r0);
		KT_TRUE(global_node_page_state(NR_SLAB_UNRECLAIMABLE_B) >= s0);
		done(m);
	}
}

KT_TEST(shrinker_gives_empty_slabs_back)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1, NULL);
		unsigned long base = free_pages_settled(), after;
		enum { N = 20000 };
		void **p = calloc(N, sizeof(void *));

		for (int i = 0; i < N; i++)
			p[i] = kmalloc(512, GFP_KERNEL);
		for (int i = 0; i < N; i++)
			kfree(p[i]);
		drain_all_pages(NULL);
		after = global_zone_page_state(NR_FREE_PAGES);
		/* Some empty slabs are kept (partial lists, per-CPU caches). */
		KT_TRUE(after <= base);
		KT_TRUE(shrink_slab(GFP_KERNEL, 0, 0) > 0 || after == base);
		rcu_barrier();
		drain_all_pages(NULL);
		KT_EQ(global_zone_page_state(NR_FREE_PAGES), base);
		free(p);
		done(m);
	}
}

KT_TEST(bootstrap_steps)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 2, 2, NULL);
		int st[8], nc[8], n;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		n = kmm_slab_bootstrap_history(m, st, nc, 8);
		KT_EQ(st[0], DOWN);
		KT_EQ(nc[0], 0);
		if (is_slub(m)) {
			/* 6.12: node cache -> PARTIAL, bootstrap(), kmalloc -> UP. */
			KT_EQ(n, 4);
			KT_EQ(st[1], PARTIAL);
			KT_EQ(nc[1], 0);
			KT_EQ(st[2], UP);
			/* kmem_cache, kmem_cache_node, 4 types x 13 kmalloc. */
			KT_EQ(nc[2], 2 + 4 * 13);
			KT_EQ(st[3], FULL);
		} else {
			/* 6.6: PARTIAL, PARTIAL_NODE, UP, FULL. */
			KT_EQ(n, 5);
			KT_EQ(st[1], PARTIAL);
			KT_EQ(st[2], PARTIAL_NODE);
			KT_EQ(st[3], UP);
			KT_EQ(st[4], FULL);
		}
		KT_TRUE(m->slab->kmem_cache != NULL);
		KT_STREQ(m->slab->kmem_cache->name, "kmem_cache");
		KT_TRUE(active_objs(m, "kmem_cache") > 0);
		done(m);
	}
}

KT_TEST(alignment_and_flags_combinations)
{
	static const slab_flags_t flags[] = {
		0, SLAB_HWCACHE_ALIGN, SLAB_RED_ZONE, SLAB_POISON,
		SLAB_STORE_USER, SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER |
		SLAB_CONSISTENCY_CHECKS, SLAB_TYPESAFE_BY_RCU,
		SLAB_RECLAIM_ACCOUNT | SLAB_CACHE_DMA32,
	};
	static const unsigned int sizes[] = { 1, 7, 8, 24, 100, 256, 1000, 3000, 5000 };
	static const unsigned int aligns[] = { 0, 8, 16, 64, 256 };

	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 512ULL << 20, 1, 2, NULL);
		int made = 0;

		for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++)
		for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
			char name[64];
			struct kmem_cache *c;
			unsigned char *p[20];
			unsigned int want = aligns[a] ? aligns[a] : 8;

			snprintf(name, sizeof(name), "combo-%zu-%zu-%zu", f, z, a);
			c = kmem_cache_create(name, sizes[z], aligns[a],
					      flags[f] | SLAB_NO_MERGE, NULL);
			KT_TRUE(c != NULL);
			if (!c)
				continue;
			made++;
			if ((flags[f] & SLAB_HWCACHE_ALIGN) && sizes[z] > 32 &&
			    want < 64)
				want = 64;
			for (int i = 0; i < 20; i++) {
				p[i] = kmem_cache_alloc(c, GFP_KERNEL);
				KT_TRUE(p[i] != NULL);
				KT_EQ((uintptr_t)p[i] % want, 0);
				memset(p[i], i, sizes[z]);
				if ((flags[f] & SLAB_CACHE_DMA32))
					KT_TRUE(page_zonenum(virt_to_page(p[i])) <= ZONE_DMA32);
			}
			for (int i = 0; i < 20; i++) {
				KT_EQ(p[i][sizes[z] - 1], i);
				kmem_cache_free(c, p[i]);
			}
			KT_EQ(kmm_slab_validate(m), 0);
			kmem_cache_destroy(c);
		}
		KT_EQ(made, 8 * 9 * 5);
		KT_EQ(kmm_slab_errors(m), 0);
		done(m);
	}
}

KT_TEST(allocation_failure_returns_null_and_leaks_nothing)
{
	FOR_EACH_BACKEND(b) {
		struct kmm_machine *m = boot_slab(b, 64ULL << 20, 1, 1, NULL);
		struct kmem_cache *c = kmem_cache_create("filler", 2000, 0,
							 SLAB_NO_MERGE, NULL);
		unsigned long base = free_pages_settled();
		void **p = calloc(100000, sizeof(void *));
		int n = 0;
		char *log;

		while (n < 100000 &&
		       (p[n] = kmem_cache_alloc(c, GFP_KERNEL | __GFP_NOWARN)))
			n++;
		KT_TRUE(n > 1000 && n < 100000);
		/* Once more without __GFP_NOWARN: the out-of-memory report. */
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == NULL);
		KT_TRUE(kmalloc(100000, GFP_KERNEL | __GFP_NOWARN) == NULL);
		log = machine_log(m);
		if (is_slub(m))
			KT_CONTAINS(log, "SLUB: Unable to allocate memory on CPU 0 (of node 0) on node -1, gfp=0xcc0(GFP_KERNEL)\n"
				    "  cache: filler, object size: 2000, buffer size: 2000, default order: 2, min order: 0\n"
				    "  node 0: slabs: ");
		free(log);
		/*
		 * slub_oom_rs: 10 reports in 5 seconds; nine more get
		 * through, the rest are counted.
		 */
		for (int i = 0; i < 12; i++)
			KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == NULL);
		log = machine_log(m);
		if (is_slub(m))
			KT_EQ(count_lines(log, "SLUB: Unable to allocate memory"), 10);
		KT_CONTAINS(log, "page allocation failure");
		free(log);
		while (n--)
			kmem_cache_free(c, p[n]);
		kmem_cache_destroy(c);
		KT_EQ(free_pages_settled(), base);
		KT_EQ(kmm_slab_validate(m), 0);
		free(p);
		done(m);
	}
}

/*
 * SLUB's calculate_sizes worked by hand (6.12, 8-byte words, 2 CPUs so
 * min_objects = 4 * (fls(2) + 1) = 12):
 *  - 100 bytes, no flags: size ALIGN(100, 8) = 104, free pointer in the
 *    middle at ALIGN_DOWN(50, 8) = 48, inuse 104; 12 * 104 fits order 0,
 *    4096 / 104 = 39 objects (leftover 40 <= 4096 / 16).
 *  - 100 bytes, Z P U: 104 (no slack: 104 != 100, so no extra red zone
 *    word), inuse 104; poison puts the free pointer after it: offset 104,
 *    112; two tracks of 32: 176; right red zone word 184; left pad
 *    ALIGN(8, 8) = 8: 192.  4096 / 192 = 21 objects, order 0.
 *  - 3000 bytes, HWCACHE_ALIGN: align 64, size 3008, 12 * 3008 -> order 3
 *    (10 objects, leftover 2688 > 32768/16 = 2048), fraction 8 accepts
 *    order 3 (2688 <= 4096): 10 objects in 8 pages.
 */
KT_TEST(slub_object_layout_by_hand)
{
	struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 2, NULL);
	struct kmem_cache *a = kmem_cache_create("lay_a", 100, 0, SLAB_NO_MERGE, NULL);
	struct kmem_cache *b = kmem_cache_create("lay_b", 100, 0,
			SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER, NULL);
	struct kmem_cache *c = kmem_cache_create("lay_c", 3000, 0,
			SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, NULL);
	char *v = machine_report(m, "slabinfo-v"), *p;

	KT_TRUE(a && b && c && v);
	p = v ? strstr(v, "\nlay_a:") : NULL;
	KT_TRUE(p != NULL);
	if (p) {
		KT_CONTAINS(p, "slab_size 104 object_size 100 objs_per_slab 39 order 0");
		KT_CONTAINS(p, "offset 48 inuse 104 red_left_pad 0 align 8");
	}
	p = v ? strstr(v, "\nlay_b:") : NULL;
	KT_TRUE(p != NULL);
	if (p) {
		KT_CONTAINS(p, "slab_size 192 object_size 100 objs_per_slab 21 order 0");
		KT_CONTAINS(p, "offset 104 inuse 104 red_left_pad 8 align 8");
		KT_CONTAINS(p, "red_zone 1 poison 1 store_user 1");
	}
	p = v ? strstr(v, "\nlay_c:") : NULL;
	KT_TRUE(p != NULL);
	if (p)
		KT_CONTAINS(p, "slab_size 3008 object_size 3000 objs_per_slab 10 order 3");
	free(v);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	kmem_cache_destroy(c);
	done(m);
}

/*
 * Two machines in one thread, entered in turn: each kmalloc and kfree goes
 * through the current machine's own kmalloc_fn and kfree_fn (SLUB with the
 * freelist hardening, SLUB without, SLAB), and every object lies in that
 * machine's memory and its kmalloc cache.  At the end both give every
 * page back and validate clean.
 */
KT_TEST(machines_entered_in_turn_keep_their_own_kmalloc)
{
	static const char *const cmd[2][2] = {
		{ "slab=slub slab_freelist_hardened=1 init_on_alloc=0",
		  "slab=slub slab_freelist_hardened=0 init_on_alloc=1" },
		{ "slab=slub init_on_alloc=0", "slab=slab init_on_alloc=0" },
	};

	for (int k = 0; k < 2; k++) {
		struct kmm_machine *ms[2];
		unsigned long base[2];
		void *held[2][64];
		int bad = 0;

		for (int i = 0; i < 2; i++) {
			ms[i] = boot_compact(256ULL << 20, 1, 1, cmd[k][i]);
			KT_TRUE(ms[i] != NULL);
			if (!ms[i])
				return;
			kmm_machine_enter(ms[i]);
			base[i] = free_pages_settled();
		}
		for (int r = 0; r < 100; r++) {
			for (int i = 0; i < 2; i++) {
				kmm_machine_enter(ms[i]);
				for (int j = 0; j < 64; j++) {
					size_t sz = 8 + (size_t)((r * 64 + j) * 37 % 2040);
					unsigned char *p = kmalloc(sz, GFP_KERNEL);

					held[i][j] = p;
					if (!p || !kmm_virt_to_slab(p) ||
					    kmalloc_slab(sz, GFP_KERNEL) !=
					    kmm_virt_to_slab(p)->slab_cache) {
						bad++;
						continue;
					}
					memset(p, i + 1, sz);
				}
			}
			for (int i = 1; i >= 0; i--) {
				kmm_machine_enter(ms[i]);
				for (int j = r % 2 ? 63 : 0; j >= 0 && j < 64;
				     j += r % 2 ? -1 : 1)
					kfree(held[i][j]);
			}
		}
		KT_EQ(bad, 0);
		for (int i = 0; i < 2; i++) {
			kmm_machine_enter(ms[i]);
			KT_EQ(kmm_slab_errors(ms[i]), 0);
			KT_EQ(kmm_slab_validate(ms[i]), 0);
			KT_EQ(free_pages_settled(), base[i]);
			done(ms[i]);
		}
	}
}

/*
 * GFP_SLAB_BUG_MASK bits, as Linux treats them: an allocation that grows a
 * slab has its flags fixed with "Unexpected gfp: ... Fix your code!", one
 * served from a slab already there passes unnoticed; a large kmalloc is
 * fixed and warned about every time.  Both backends.
 */
KT_TEST(bad_gfp_bits_are_fixed_where_pages_are_taken)
{
	static const gfp_t bad[] = { GFP_KERNEL | __GFP_DMA32,
				     GFP_KERNEL | __GFP_HIGHMEM,
				     GFP_KERNEL | (1u << 30) };

	FOR_EACH_BACKEND(b) for (int i = 0; i < 3; i++) {
		struct kmm_machine *m = boot_slab(b, 256ULL << 20, 1, 1,
						  "init_on_alloc=0");
		struct kmem_cache *c = kmem_cache_create("badgfp", 64, 0,
							 SLAB_NO_MERGE, NULL);
		void *p, *q, *big;
		int w0, w1;

		KT_TRUE(c != NULL);
		if (!c) {
			done(m);
			continue;
		}
		w0 = log_count(m, "Fix your code!");
		p = kmem_cache_alloc(c, bad[i]);	/* grows the first slab */
		w1 = log_count(m, "Fix your code!");
		KT_TRUE(p != NULL);
		KT_EQ(w1, w0 + 1);
		q = kmem_cache_alloc(c, bad[i]);	/* from that slab */
		KT_TRUE(q != NULL && q != p);
		KT_EQ(log_count(m, "Fix your code!"), w1);
		big = kmalloc(5 * PAGE_SIZE, bad[i]);	/* large: every time */
		KT_TRUE(big != NULL);
		KT_EQ(log_count(m, "Fix your code!"), w1 + 1);
		kfree(big);
		kmem_cache_free(c, p);
		kmem_cache_free(c, q);
		KT_EQ(kmm_slab_errors(m), 0);
		kmem_cache_destroy(c);
		done(m);
	}
}

/*
 * kzalloc on SLUB clears the whole object, or only the bytes asked for in
 * a kmalloc cache with red zones or store-user (6.12's
 * slab_post_alloc_hook): slub_debug=Z leaves the rest as the last user
 * left it, outside the free pointer's word.
 */
KT_TEST(kzalloc_clears_what_slab_post_alloc_hook_clears)
{
	static const char *const cmd[] = { "slab=slub init_on_alloc=0",
					   "slab=slub init_on_alloc=0 slub_debug=Z" };

	for (int i = 0; i < 2; i++) {
		struct kmm_machine *m = boot_compact(256ULL << 20, 1, 1, cmd[i]);
		unsigned char *p, *q;
		int z = 0, kept = 0;

		KT_TRUE(m != NULL);
		if (!m)
			continue;
		kmm_machine_enter(m);
		p = kmalloc(32, GFP_KERNEL);
		memset(p, 0x77, 32);
		kfree(p);
		q = kzalloc(20, GFP_KERNEL);
		KT_TRUE(q == p);
		for (int j = 0; j < 20; j++)
			z += q[j] == 0;
		for (int j = 24; j < 32; j++)
			kept += q[j] == 0x77;
		KT_EQ(z, 20);
		KT_EQ(kept, i ? 8 : 0);
		kfree(q);
		KT_EQ(kmm_slab_errors(m), 0);
		done(m);
	}
}

KT_TEST(slab_off_boots_without_slab)
{
	struct kmm_machine *m = boot_slab(0, 256ULL << 20, 1, 1, "slab=off");

	KT_TRUE(m != NULL);
	KT_TRUE(m->kmalloc_fn == kmalloc_general && m->kfree_fn == kfree_lookup);
	KT_TRUE(kmalloc(64, GFP_KERNEL) == NULL);
	KT_TRUE(kzalloc(64, GFP_KERNEL) == NULL);
	KT_TRUE(kstrdup("x", GFP_KERNEL) == NULL);
	KT_TRUE(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	KT_TRUE(kmem_cache_create("x", 64, 0, 0, NULL) == NULL);
	KT_TRUE(machine_report(m, "slabinfo") == NULL);
	done(m);
}

KT_MAIN()
