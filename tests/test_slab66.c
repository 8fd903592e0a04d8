/* SPDX-License-Identifier: MIT */
/*
 * test_slab66.c - the SLAB backend (Linux 6.6 mm/slab.c, `slab=slab`):
 * bootstrap, enable_cpucache's tunables, freelist placement and slab
 * orders worked out by hand, colouring, the per-CPU and shared arrays,
 * cache_reap over ticks, alien caches on two nodes, the debug checks
 * (red zones, poison, double free) and a four-thread stress test that
 * must give every page back.  kmm_slab_validate() runs after each one.
 */
#include <pthread.h>
#include "ktest.h"
#include "kmm_test_util.h"
#include <kmm/gfp.h>
#include <kmm/slab.h>
#include "../mm/slab.h"

static struct kmm_machine *boot_slab(unsigned long long mem, int nodes,
				     int cpus, const char *extra)
{
	char cmd[256];
	struct kmm_machine *m;

	snprintf(cmd, sizeof(cmd), "slab=slab %s", extra ? extra : "");
	m = boot_compact(mem, nodes, cpus, cmd);
	if (m)
		kmm_machine_enter(m);
	return m;
}

static void done(struct kmm_machine *m)
{
	KT_EQ(kmm_slab_validate(m), 0);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

static struct slabinfo info_of(struct kmem_cache *s)
{
	struct slabinfo si;

	memset(&si, 0, sizeof(si));
	slab_st()->be->get_info(s, &si);
	return si;
}

static char *details_of(struct kmem_cache *s)
{
	struct strbuf b = { calloc(1, 1), 0, 1 };
	struct kmm_sink sink = { sb_write, &b };

	slab_st()->be->show_details(s, &sink);
	return b.s;
}

static unsigned long detail_num(struct kmem_cache *s, const char *key)
{
	char *d = details_of(s);
	char *p = strstr(d, key);
	unsigned long v = p ? strtoul(p + strlen(key), NULL, 10) : ~0UL;

	free(d);
	return v;
}

static struct kmem_cache *find_cache(const char *name)
{
	struct list_head *pos;

	list_for_each(pos, &slab_st()->caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		if (!strcmp(s->name, name))
			return s;
	}
	return NULL;
}

/*
 * Every cache, twice: shrinking an off-slab cache kfrees freelists into
 * kmalloc caches already shrunk; TYPESAFE_BY_RCU slabs wait a grace period.
 */
static void shrink_all(void)
{
	struct list_head *pos;

	for (int pass = 0; pass < 2; pass++) {
		rcu_barrier();
		list_for_each(pos, &slab_st()->caches)
			kmem_cache_shrink(list_entry(pos, struct kmem_cache,
						     list));
	}
	rcu_barrier();
	drain_all_pages(NULL);
}

/* --- bootstrap ----------------------------------------------------------- */

KT_TEST(bootstrap_states_and_caches)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 2, NULL);
	struct kmm_slab_state *st;
	struct kmem_cache *s;
	char *report;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	st = m->slab;
	KT_STREQ(st->be->name, "SLAB");
	KT_EQ(st->state, FULL);
	KT_TRUE(st->kmem_cache != NULL);
	KT_STREQ(st->kmem_cache->name, "kmem_cache");
	KT_TRUE(find_cache("kmem_cache") == st->kmem_cache);
	/* SLAB's smallest kmalloc cache is kmalloc-32 (KMALLOC_SHIFT_LOW 5). */
	KT_TRUE(find_cache("kmalloc-8") == NULL);
	KT_TRUE(find_cache("kmalloc-16") == NULL);
	s = st->kmalloc_caches[KMALLOC_NORMAL][5];
	KT_TRUE(s != NULL);
	if (s) {
		KT_STREQ(s->name, "kmalloc-32");
		KT_EQ(s->size, 32);
	}
	KT_TRUE(st->kmalloc_caches[KMALLOC_NORMAL][3] == s);
	/* ARCH_KMALLOC_FLAGS: cache-line aligned, so kmalloc-96 is 128. */
	KT_EQ(find_cache("kmalloc-96")->size, 128);
	KT_EQ(find_cache("kmalloc-192")->size, 192);
	/* The node structures' cache: kmalloc-128 (INDEX_NODE). */
	s = find_cache("kmalloc-128");
	KT_EQ(info_of(s).limit, 120);
	KT_EQ(info_of(s).batchcount, 60);
	KT_EQ(info_of(s).shared, 8);
	KT_TRUE(info_of(s).num_slabs > 0);
	/* kmalloc(8) lands in kmalloc-32. */
	{
		void *p = kmalloc(8, GFP_KERNEL);

		KT_TRUE(kmm_virt_to_slab(p)->slab_cache ==
			find_cache("kmalloc-32"));
		KT_EQ(ksize(p), 32);
		kfree(p);
	}
	/* slab_max_order: 1 above 32 MiB, so kmalloc-8k slabs are order 1. */
	KT_EQ(info_of(find_cache("kmalloc-8k")).cache_order, 1);
	KT_EQ(info_of(find_cache("kmalloc-8k")).objects_per_slab, 1);
	report = machine_report(m, "slabinfo");
	KT_CONTAINS(report, "kmalloc-128");
	KT_CONTAINS(report, " : tunables  120   60    8 : slabdata ");
	/*
	 * 6.6's creation order, newest first in slabinfo: kmalloc-96 came
	 * right after 64 and kmalloc-192 right after 128 (the node cache,
	 * made during the bootstrap, before kmalloc-32).
	 */
	{
		static const char *const order[] = {
			"\nkmalloc-512 ", "\nkmalloc-256 ", "\nkmalloc-192 ",
			"\nkmalloc-96 ", "\nkmalloc-64 ", "\nkmalloc-32 ",
			"\nkmalloc-128 ", "\nkmem_cache ",
		};
		const char *prev = report, *at;

		for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
			at = strstr(report, order[i]);
			KT_TRUE(at != NULL && at > prev);
			if (at)
				prev = at;
		}
	}
	free(report);
	/*
	 * Merging (6.6 with SLAB): an alignment the cache's does not divide
	 * keeps a new cache apart; one that divides it may merge.
	 */
	{
		struct kmem_cache *a8 = kmem_cache_create("m-a8", 64, 8, 0, NULL);
		struct kmem_cache *a32 = kmem_cache_create("m-a32", 64, 32, 0,
							   NULL);
		struct kmem_cache *b8 = kmem_cache_create("m-b8", 64, 8, 0, NULL);

		KT_TRUE(a8 && a32 && b8);
		KT_TRUE(a32 != a8);
		KT_TRUE(a32->align >= 32);
		KT_TRUE(b8 == a8 || b8 == a32);
		kmem_cache_destroy(b8);
		kmem_cache_destroy(a32);
		kmem_cache_destroy(a8);
	}
	done(m);
}

KT_TEST(slab_max_order_param)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 1,
					  "slab_max_order=0");

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* One CPU: no shared arrays. */
	KT_EQ(info_of(find_cache("kmalloc-128")).shared, 0);
	/* 3000-byte objects stay at order 0 (1 per slab). */
	{
		struct kmem_cache *s = kmem_cache_create("t3000", 3000, 0, 0,
							 NULL);

		KT_EQ(info_of(s).cache_order, 0);
		KT_EQ(info_of(s).objects_per_slab, 1);
		kmem_cache_destroy(s);
	}
	done(m);
}

/* --- tunables -------------------------------------------------------------- */

KT_TEST(enable_cpucache_limits)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 2, NULL);
	static const struct {
		unsigned int size;
		slab_flags_t flags;
		unsigned int limit, batch, shared;
	} c[] = {
		{ 100, 0, 120, 60, 8 },		/* <= 256 */
		{ 256, 0, 120, 60, 8 },
		{ 300, 0, 54, 27, 8 },		/* > 256 */
		{ 1024, 0, 54, 27, 8 },
		{ 2000, 0, 24, 12, 8 },		/* > 1024 */
		{ 4096, 0, 24, 12, 8 },
		{ 5000, 0, 8, 4, 0 },		/* > PAGE_SIZE: no shared */
		{ 200000, 0, 1, 1, 0 },		/* > 128 KiB */
		{ 24, SLAB_RED_ZONE, 32, 16, 8 },	/* DEBUG cap 32 */
	};

	KT_TRUE(m != NULL);
	if (!m)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		char name[32];
		struct kmem_cache *s;
		struct slabinfo si;

		snprintf(name, sizeof(name), "limits-%zu", i);
		s = kmem_cache_create(name, c[i].size, 0,
				      c[i].flags | SLAB_NO_MERGE, NULL);
		KT_TRUE(s != NULL);
		if (!s)
			continue;
		si = info_of(s);
		KT_EQ(si.limit, c[i].limit);
		KT_EQ(si.batchcount, c[i].batch);
		KT_EQ(si.shared, c[i].shared);
		kmem_cache_destroy(s);
	}
	done(m);
}

/* --- placement ------------------------------------------------------------- */

static void ctor_nop(void *p)
{
	(void)p;
}

KT_TEST(freelist_placement_by_hand)
{
	/* 256 MiB: slab_max_order 1. */
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 2, NULL);
	static const struct {
		unsigned int size;
		slab_flags_t flags;
		bool ctor;
		const char *mgmt;
		unsigned int num, order, colour;
	} c[] = {
		/*
		 * 32: objfreelist gives 128 objects (128 index bytes > 32);
		 * off-slab needs kmalloc-128 > 32/2 at order 0 and 256 > 255
		 * objects at order 1; on-slab: 4096 / 33 = 124, 4 left.
		 */
		{ 32, 0, false, "on-slab", 124, 0, 0 },
		/* 64: 64 objects, 64 index bytes fit in an object. */
		{ 64, 0, false, "objfreelist", 64, 0, 0 },
		/*
		 * 64 with a ctor (no objfreelist): off-slab's kmalloc-64 and
		 * kmalloc-128 exceed 32; on-slab 4096 / 65 = 63, 1 left.
		 */
		{ 64, 0, true, "on-slab", 63, 0, 0 },
		/*
		 * 1024 with a ctor: off-slab, 4 objects, a 4-byte freelist
		 * from kmalloc-32 (32 <= 512), no leftover to hold it.
		 */
		{ 1024, 0, true, "off-slab", 4, 0, 0 },
		/*
		 * 1000 with a ctor: off-slab would leave 96 bytes, enough for
		 * the 4-byte freelist, so on-slab: 4096 / 1001 = 4, 92 left,
		 * colour 92 / 64 = 1.
		 */
		{ 1000, 0, true, "on-slab", 4, 0, 1 },
		/*
		 * 3000: order 0 leaves 1096 (> 4096 / 8), order 1 holds 2
		 * leaving 2192 and stops at slab_max_order; colour 34.
		 */
		{ 3000, 0, false, "objfreelist", 2, 1, 34 },
		/* TYPESAFE_BY_RCU 512: off-slab, 8 objects, nothing left. */
		{ 512, SLAB_TYPESAFE_BY_RCU, false, "off-slab", 8, 0, 0 },
	};

	KT_TRUE(m != NULL);
	if (!m)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		char name[32], want[64];
		struct kmem_cache *s;
		char *d;

		snprintf(name, sizeof(name), "place-%zu", i);
		s = kmem_cache_create(name, c[i].size, 0,
				      c[i].flags | SLAB_NO_MERGE,
				      c[i].ctor ? ctor_nop : NULL);
		KT_TRUE(s != NULL);
		if (!s)
			continue;
		KT_EQ(info_of(s).objects_per_slab, c[i].num);
		KT_EQ(info_of(s).cache_order, c[i].order);
		d = details_of(s);
		snprintf(want, sizeof(want), "management %s,", c[i].mgmt);
		KT_CONTAINS(d, want);
		snprintf(want, sizeof(want), "colour %u x 64 bytes",
			 c[i].colour);
		KT_CONTAINS(d, want);
		free(d);
		/* Objects work whatever the placement. */
		{
			void *p[20];

			for (int j = 0; j < 20; j++) {
				p[j] = kmem_cache_alloc(s, GFP_KERNEL);
				KT_TRUE(p[j] != NULL);
				memset(p[j], 0x11, c[i].size);
			}
			KT_EQ(kmm_slab_validate(m), 0);
			for (int j = 0; j < 20; j++)
				kmem_cache_free(s, p[j]);
		}
		kmem_cache_destroy(s);
	}
	/*
	 * 40 bytes aligned to 256, with a ctor: off-slab is weighed against
	 * the 40 bytes asked for (kmalloc-32 > 20 at every order), not the
	 * 256-byte stride, so on-slab: 4096 / 257 = 15, 241 left, colour
	 * 241 / 256 = 0.
	 */
	{
		struct kmem_cache *s = kmem_cache_create("place-aligned", 40,
							 256, SLAB_NO_MERGE,
							 ctor_nop);
		char *d;

		KT_TRUE(s != NULL);
		if (s) {
			KT_EQ(s->size, 256);
			KT_EQ(info_of(s).objects_per_slab, 15);
			KT_EQ(info_of(s).cache_order, 0);
			d = details_of(s);
			KT_CONTAINS(d, "management on-slab,");
			KT_CONTAINS(d, "colour 0 x 256 bytes");
			free(d);
			kmem_cache_destroy(s);
		}
	}
	done(m);
}

/*
 * A debug cache that cannot grow: slab_out_of_memory's report with the
 * gfp names, 10 in 5 seconds (slab_oom_rs).
 */
KT_TEST(out_of_memory_report)
{
	struct kmm_machine *m = boot_slab(64ULL << 20, 1, 1, NULL);
	struct kmem_cache *c;
	void **p = calloc(100000, sizeof(void *));
	int n = 0;
	char *log;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	c = kmem_cache_create("oomfill", 2000, 0, SLAB_RED_ZONE | SLAB_NO_MERGE,
			      NULL);
	KT_TRUE(c != NULL);
	while (n < 100000 && (p[n] = kmem_cache_alloc(c, GFP_KERNEL |
							   __GFP_NOWARN)))
		n++;
	KT_TRUE(n > 1000 && n < 100000);
	for (int i = 0; i < 12; i++)
		KT_TRUE(kmem_cache_alloc(c, GFP_KERNEL) == NULL);
	log = machine_log(m);
	KT_CONTAINS(log, "\nSLAB: Unable to allocate memory on node ");
	KT_CONTAINS(log, "(GFP_KERNEL|");
	KT_CONTAINS(log, ")\n  cache: oomfill, object size: ");
	KT_EQ(count_lines(log, "SLAB: Unable to allocate memory"), 10);
	free(log);
	while (n--)
		kmem_cache_free(c, p[n]);
	free(p);
	kmem_cache_destroy(c);
	done(m);
}

KT_TEST(colouring_cycles)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 1, NULL);
	struct kmem_cache *s;
	struct slab *seen[80];
	void *p[160];
	int nslabs = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* 3000-byte objects: 2 a slab, colour 34, colour_off 64. */
	s = kmem_cache_create("colour", 3000, 0, SLAB_NO_MERGE, NULL);
	for (int i = 0; i < 160; i++) {
		struct slab *slab;

		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
		slab = kmm_virt_to_slab(p[i]);
		if (!nslabs || seen[nslabs - 1] != slab) {
			bool known = false;

			for (int j = 0; j < nslabs; j++)
				known |= seen[j] == slab;
			if (!known && nslabs < 80)
				seen[nslabs++] = slab;
		}
	}
	KT_EQ(nslabs, 80);
	/* colour_next is bumped before use: 1, 2, .., 33, 0, 1, ... */
	for (int i = 0; i < nslabs; i++) {
		unsigned long off = (unsigned long)((char *)seen[i]->s_mem -
						    (char *)slab_address(seen[i]));

		KT_EQ(off, (unsigned long)((i + 1) % 34) * 64);
	}
	for (int i = 0; i < 160; i++)
		kmem_cache_free(s, p[i]);
	kmem_cache_destroy(s);
	done(m);
}

/* --- arrays and reaping ------------------------------------------------------ */

KT_TEST(arrays_lifo_flush_and_shared)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 2, NULL);
	struct kmem_cache *s;
	void *p[400], *q;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* 100 -> 104 bytes: limit 120, batchcount 60, shared 8 * 60. */
	s = kmem_cache_create("arrays", 100, 0, SLAB_NO_MERGE, NULL);
	p[0] = kmem_cache_alloc(s, GFP_KERNEL);
	/* The first refill grew one slab and took min(60, 16) objects. */
	KT_EQ(info_of(s).num_slabs, 1);
	KT_EQ(detail_num(s, "cached: cpu "), 15);
	kmem_cache_free(s, p[0]);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	KT_TRUE(q == p[0]);		/* LIFO */
	kmem_cache_free(s, q);
	for (int i = 0; i < 400; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 400; i++)
		kmem_cache_free(s, p[i]);
	/* Full arrays flush batchcount objects into the shared array. */
	KT_TRUE(info_of(s).shared_avail > 0);
	KT_TRUE(detail_num(s, "cached: cpu ") <= 120);
	KT_EQ(slab_st()->be->objects_in_use(s), 0);
	KT_EQ(kmm_slab_validate(m), 0);
	KT_EQ(kmem_cache_shrink(s), 0);
	KT_EQ(info_of(s).num_slabs, 0);
	KT_EQ(info_of(s).shared_avail, 0);
	kmem_cache_destroy(s);
	done(m);
}

KT_TEST(cache_reap_over_ticks)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 2, NULL);
	struct kmem_cache *s;
	unsigned long slabs[12];
	void **p = calloc(3000, sizeof(void *));

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = kmem_cache_create("reap", 100, 0, SLAB_NO_MERGE, NULL);
	for (int i = 0; i < 3000; i++)
		p[i] = kmem_cache_alloc(s, GFP_KERNEL);
	for (int i = 0; i < 3000; i++)
		kmem_cache_free(s, p[i]);
	/* free_block kept at most free_limit = 3 * 60 + 39 free objects. */
	KT_TRUE(info_of(s).num_slabs > 0);
	KT_TRUE(info_of(s).num_slabs < 3000 / 39);
	/*
	 * Each tick drains a fifth of the CPU array (once untouched); the
	 * node is reaped every second tick: a fifth of the shared array and
	 * (219 + 195 - 1) / 195 = 2 free slabs.
	 */
	for (int t = 0; t < 12; t++) {
		kmm_slab_tick(m);
		slabs[t] = info_of(s).num_slabs;
		if (t)
			KT_TRUE(slabs[t] <= slabs[t - 1]);
	}
	KT_TRUE(slabs[11] < slabs[0]);
	for (int t = 0; t < 200; t++)
		kmm_slab_tick(m);
	KT_EQ(info_of(s).num_slabs, 0);
	KT_EQ(info_of(s).shared_avail, 0);
	KT_EQ(detail_num(s, "cached: cpu "), 0);
	KT_TRUE(detail_num(s, "reaped ") > 0);
	free(p);
	kmem_cache_destroy(s);
	done(m);
}

/* --- alien caches ------------------------------------------------------------ */

struct alien_arg {
	struct kmm_machine *m;
	struct kmem_cache *s;
	int cpu;
	void **objs;
	int n;
	bool alloc;
};

static void *alien_thread(void *a)
{
	struct alien_arg *arg = a;

	kmm_machine_enter(arg->m);
	KT_EQ(kmm_cpu_bind(arg->m, arg->cpu), 0);
	for (int i = 0; i < arg->n; i++) {
		if (arg->alloc)
			arg->objs[i] = kmem_cache_alloc(arg->s, GFP_KERNEL);
		else
			kmem_cache_free(arg->s, arg->objs[i]);
	}
	kmm_machine_enter(NULL);
	return NULL;
}

static void run_on_cpu(struct alien_arg *arg)
{
	pthread_t t;

	pthread_create(&t, NULL, alien_thread, arg);
	pthread_join(t, NULL);
}

KT_TEST(alien_caches_two_nodes)
{
	/* CPUs 0, 1 on node 0; 2, 3 on node 1. */
	struct kmm_machine *m = boot_slab(1ULL << 30, 2, 4, NULL);
	struct kmem_cache *s;
	void *objs[100];
	struct alien_arg a;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_EQ(m->cpu_to_node[0], 0);
	KT_EQ(m->cpu_to_node[3], 1);
	s = kmem_cache_create("alien", 200, 0, SLAB_NO_MERGE, NULL);
	a = (struct alien_arg){ m, s, 0, objs, 100, true };
	run_on_cpu(&a);
	for (int i = 0; i < 100; i++)
		KT_EQ(slab_nid(kmm_virt_to_slab(objs[i])), 0);
	/* Freed on node 1: into node 1's alien array for node 0. */
	a = (struct alien_arg){ m, s, 3, objs, 5, false };
	run_on_cpu(&a);
	KT_EQ(detail_num(s, " alien "), 5);
	KT_EQ(slab_st()->be->objects_in_use(s), 95);
	/* 12 entries: the 13th free flushes the array to node 0 first. */
	a = (struct alien_arg){ m, s, 3, objs + 5, 8, false };
	run_on_cpu(&a);
	KT_EQ(detail_num(s, " alien "), 1);
	KT_EQ(slab_st()->be->objects_in_use(s), 87);
	KT_EQ(kmm_slab_validate(m), 0);
	/* The reaper drains alien arrays, round robin over the nodes. */
	for (int t = 0; t < 4; t++)
		kmm_slab_tick(m);
	KT_EQ(detail_num(s, " alien "), 0);
	/* Freed on node 0's other CPU: its own array, no alien. */
	a = (struct alien_arg){ m, s, 1, objs + 13, 87, false };
	run_on_cpu(&a);
	KT_EQ(detail_num(s, " alien "), 0);
	KT_EQ(slab_st()->be->objects_in_use(s), 0);
	KT_EQ(kmm_slab_validate(m), 0);
	KT_EQ(kmem_cache_shrink(s), 0);
	KT_EQ(info_of(s).num_slabs, 0);
	/* A node-specific allocation comes from that node. */
	{
		void *p = kmem_cache_alloc_node(s, GFP_KERNEL, 1);

		KT_EQ(slab_nid(kmm_virt_to_slab(p)), 1);
		kmem_cache_free(s, p);
	}
	kmem_cache_destroy(s);
	done(m);
}

KT_TEST(noaliencache)
{
	struct kmm_machine *m = boot_slab(1ULL << 30, 2, 4, "noaliencache");
	struct kmem_cache *s;
	void *objs[20];
	struct alien_arg a;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = kmem_cache_create("noalien", 200, 0, SLAB_NO_MERGE, NULL);
	a = (struct alien_arg){ m, s, 0, objs, 20, true };
	run_on_cpu(&a);
	a = (struct alien_arg){ m, s, 3, objs, 20, false };
	run_on_cpu(&a);
	/* Straight back to node 0's slabs. */
	KT_EQ(detail_num(s, " alien "), 0);
	KT_EQ(slab_st()->be->objects_in_use(s), 0);
	kmem_cache_destroy(s);
	done(m);
}

/* --- debugging ------------------------------------------------------------- */

/*
 * check_poison_obj reports without tainting (only slab_error adds B), so a
 * second corruption report still says "Not tainted", as Linux's would.
 */
KT_TEST(poison_reports_do_not_taint)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 1, NULL);
	struct kmem_cache *s;
	char *log;
	u8 *p;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = kmem_cache_create("pois", 64, 0, SLAB_POISON | SLAB_NO_MERGE, NULL);
	for (int i = 0; i < 2; i++) {
		p = kmem_cache_alloc(s, GFP_KERNEL);
		kmem_cache_free(s, p);
		p[10 + i] = 0x12;
		KT_TRUE(kmem_cache_alloc(s, GFP_KERNEL) == p);
		kmem_cache_free(s, p);
	}
	log = machine_log(m);
	KT_EQ(count_lines(log, "Slab corruption (Not tainted): pois start="), 2);
	free(log);
	KT_EQ(kmm_slab_errors(m), 2);
	KT_FALSE(kmm_slab_tainted(m));
	kmem_cache_destroy(s);
	done(m);
}

KT_TEST(debug_redzones_poison_double_free)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 1, NULL);
	struct kmem_cache *s;
	long errors;
	char *log;
	u8 *p;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = kmem_cache_create("dbg", 64, 0,
			      SLAB_RED_ZONE | SLAB_POISON | SLAB_STORE_USER,
			      NULL);
	/* 8 + 64 + 8 + 8 bytes. */
	KT_EQ(s->size, 88);
	KT_EQ(detail_num(s, "obj_offset "), 8);
	errors = kmm_slab_errors(m);

	/* Left red zone. */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	KT_EQ(p[0], 0x5a);		/* POISON_INUSE */
	p[-1] = 0;
	kmem_cache_free(s, p);
	log = machine_log(m);
	KT_CONTAINS(log, "slab error in verify_redzone_free(): cache `dbg': memory outside object was overwritten");
	/* The last byte of RED_ACTIVE (little endian: its top byte). */
	KT_CONTAINS(log, ": redzone 1:0x4156c5635688c0, redzone 2:0xd84156c5635688c0");
	free(log);
	KT_EQ(kmm_slab_errors(m), errors + 1);

	/* Right red zone. */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	p[64] = 0;
	kmem_cache_free(s, p);
	log = machine_log(m);
	KT_CONTAINS(log, "redzone 1:0xd84156c5635688c0, redzone 2:0xd84156c563568800");
	free(log);
	KT_EQ(kmm_slab_errors(m), errors + 2);

	/* Poison damaged after free, found when the object comes back. */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	p[20] = 0x12;
	KT_TRUE(kmem_cache_alloc(s, GFP_KERNEL) == p);
	log = machine_log(m);
	KT_CONTAINS(log, "Slab corruption (Tainted: G    B");
	KT_CONTAINS(log, "): dbg start=");
	KT_CONTAINS(log, ", len=64");
	KT_CONTAINS(log, "Redzone: 0x9f911029d74e35b/0x9f911029d74e35b");
	KT_CONTAINS(log, "Last user: (");
	KT_CONTAINS(log, "010: 6b 6b 6b 6b 12 6b");
	free(log);
	KT_EQ(kmm_slab_errors(m), errors + 3);
	kmem_cache_free(s, p);

	/* Double free: refused. */
	p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	kmem_cache_free(s, p);
	log = machine_log(m);
	KT_CONTAINS(log, "slab error in verify_redzone_free(): cache `dbg': double free detected");
	free(log);
	KT_EQ(kmm_slab_errors(m), errors + 4);
	KT_EQ(slab_st()->be->objects_in_use(s), 0);
	KT_EQ(kmm_slab_validate(m), 0);
	/* The object is handed out once only. */
	{
		u8 *a = kmem_cache_alloc(s, GFP_KERNEL);
		u8 *b = kmem_cache_alloc(s, GFP_KERNEL);

		KT_TRUE(a != b);
		kmem_cache_free(s, a);
		kmem_cache_free(s, b);
	}
	KT_EQ(kmem_cache_shrink(s), 0);
	kmem_cache_destroy(s);
	done(m);
}

KT_TEST(double_free_without_debug)
{
	struct kmm_machine *m = boot_slab(256ULL << 20, 1, 1, NULL);
	struct kmem_cache *s;
	void *p, *q;
	long errors;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = kmem_cache_create("nodbg", 64, 0, SLAB_NO_MERGE, NULL);
	errors = kmm_slab_errors(m);
	p = kmem_cache_alloc(s, GFP_KERNEL);
	/* A pointer inside an object is refused. */
	kmem_cache_free(s, (char *)p + 8);
	KT_EQ(kmm_slab_errors(m), errors + 1);
	kmem_cache_free(s, p);
	/* Shrinking gives the slab back; a second free finds it free. */
	KT_EQ(kmem_cache_shrink(s), 0);
	q = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, q);
	kmem_cache_shrink(s);
	KT_EQ(kmm_slab_validate(m), 0);
	kmem_cache_destroy(s);
	done(m);
}

/* --- stress -------------------------------------------------------------- */

#define STRESS_THREADS	4
#define STRESS_SLOTS	512

struct stress {
	struct kmm_machine *m;
	struct kmem_cache *caches[3];
	void *_Atomic slots[STRESS_SLOTS];
	size_t slot_size[STRESS_SLOTS];
	int slot_cache[STRESS_SLOTS];
};

static struct stress *stress;

/* A slot is NULL (empty), BUSY (a thread is at it) or an object. */
#define BUSY	((void *)1)

static void *stress_thread(void *a)
{
	unsigned int seed = (unsigned int)(uintptr_t)a * 2654435761u + 1;
	static const size_t sizes[] = { 8, 24, 32, 64, 96, 100, 128, 192,
					200, 512, 1000, 2048, 4096, 8192 };

	kmm_machine_enter(stress->m);
	for (int it = 0; it < 20000; it++) {
		int slot;
		void *old, *p;

		seed = seed * 1103515245u + 12345u;
		slot = (int)((seed >> 8) % STRESS_SLOTS);
		old = atomic_exchange(&stress->slots[slot], BUSY);
		if (old == BUSY)
			continue;
		if (old) {
			/* Freed here, allocated perhaps on another CPU. */
			if (((u8 *)old)[0] != (u8)slot)
				KT_FAIL("slot %d clobbered", slot);
			if (stress->slot_cache[slot] >= 0)
				kmem_cache_free(
				    stress->caches[stress->slot_cache[slot]],
				    old);
			else
				kfree(old);
			atomic_store(&stress->slots[slot], NULL);
			continue;
		}
		if ((seed >> 20) & 1) {
			size_t sz = sizes[(seed >> 21) % ARRAY_SIZE(sizes)];

			p = kmalloc(sz, GFP_KERNEL);
			stress->slot_cache[slot] = -1;
			stress->slot_size[slot] = sz;
		} else {
			int c = (int)((seed >> 21) % 3);

			p = kmem_cache_alloc(stress->caches[c], GFP_KERNEL);
			stress->slot_cache[slot] = c;
			stress->slot_size[slot] =
				kmem_cache_size(stress->caches[c]);
		}
		if (p)
			memset(p, slot, stress->slot_size[slot]);
		atomic_store(&stress->slots[slot], p);
	}
	kmm_machine_enter(NULL);
	return NULL;
}

KT_TEST(stress_four_threads_pages_come_back)
{
	struct kmm_machine *m = boot_slab(1ULL << 30, 2, 4, NULL);
	pthread_t t[STRESS_THREADS];
	unsigned long before;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	stress = calloc(1, sizeof(*stress));
	stress->m = m;
	stress->caches[0] = kmem_cache_create("st-48", 48, 0, SLAB_NO_MERGE,
					      NULL);
	stress->caches[1] = kmem_cache_create("st-700", 700, 0,
					      SLAB_NO_MERGE, ctor_nop);
	stress->caches[2] = kmem_cache_create("st-rcu", 300, 0,
					      SLAB_TYPESAFE_BY_RCU, NULL);
	shrink_all();
	before = global_zone_page_state(NR_FREE_PAGES);
	for (long i = 0; i < STRESS_THREADS; i++)
		pthread_create(&t[i], NULL, stress_thread, (void *)i);
	for (int i = 0; i < STRESS_THREADS; i++)
		pthread_join(t[i], NULL);
	KT_EQ(kmm_slab_validate(m), 0);
	for (int i = 0; i < STRESS_SLOTS; i++) {
		void *p = stress->slots[i];

		if (!p)
			continue;
		if (stress->slot_cache[i] >= 0)
			kmem_cache_free(stress->caches[stress->slot_cache[i]],
					p);
		else
			kfree(p);
	}
	for (int c = 0; c < 3; c++)
		KT_EQ(slab_st()->be->objects_in_use(stress->caches[c]), 0);
	shrink_all();
	KT_EQ(global_zone_page_state(NR_FREE_PAGES), before);
	for (int c = 0; c < 3; c++)
		kmem_cache_destroy(stress->caches[c]);
	free(stress);
	done(m);
}

KT_MAIN()
