// SPDX-License-Identifier: MIT
/*
 * test_smp.c - CPU ownership (kernel/smp.c, include/kmm/pcpu_lock.h):
 * who owns which CPU, what sharing and thread exit do to it, and the
 * page allocator and SLUB staying exact while owners run their per-CPU
 * sections without locks and other threads drain, flush and retune those
 * CPUs' structures under them.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <errno.h>

#include "ktest.h"
#include "kmm_test_util.h"
#include <kmm/gfp.h>
#include <kmm/slab.h>

static unsigned long free_pages_now(void)
{
	drain_all_pages(NULL);
	return global_zone_page_state(NR_FREE_PAGES);
}

static uintptr_t owner_of(struct kmm_machine *m, int cpu)
{
	return atomic_load(&m->cpu_bias[cpu].owner);
}

/*
 * kmm_cpu_owned (which reads the CPU's owner) and the fast paths' test
 * (kmm_owns_cpu_of, a thread-local set with the CPU) agree - except for
 * a former owner once another thread has joined its CPU: it keeps the
 * thread-local, and the revoke count the sharer raised for good sends it
 * to the spinlock.
 */
static bool owned(struct kmm_machine *m)
{
	bool o = kmm_cpu_owned(m);

	if (o || owner_of(m, kmm_cpu_of(m)) != KMM_CPU_SHARED)
		KT_EQ(kmm_owns_cpu_of(m), o);
	if (kmm_owns_cpu_of(m) && !o)
		KT_TRUE(atomic_load(&m->cpu_bias[kmm_cpu_of(m)].revoke) > 0);
	return o;
}

struct probe {
	struct kmm_machine *m;
	int cpu;
	bool owned;
	pthread_barrier_t *go;
};

/* Run as a CPU of the machine, report which and whether it is ours. */
static void *probe_thread(void *arg)
{
	struct probe *p = arg;
	struct page *pg;

	kmm_machine_enter(p->m);
	pg = alloc_pages(GFP_KERNEL, 0);
	__free_pages(pg, 0);
	p->cpu = kmm_cpu_of(p->m);
	/* With a barrier: asked once every thread has its CPU. */
	if (p->go)
		pthread_barrier_wait(p->go);
	p->owned = owned(p->m);
	if (p->go)
		pthread_barrier_wait(p->go);
	return NULL;
}

KT_TEST(owners_free_cpus_and_thread_exit)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 4, NULL);
	struct probe p = { 0 };
	pthread_t t;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	if (!m->cpu_bias_on) {
		/* No membarrier here: nobody owns anything. */
		KT_FALSE(owned(m));
		kmm_machine_enter(NULL);
		kmm_machine_destroy(m);
		return;
	}
	/* The boot thread is CPU 0 and owns it. */
	KT_EQ(kmm_cpu_of(m), 0);
	KT_TRUE(owned(m));
	/* A new thread gets a free CPU of its own. */
	p.m = m;
	pthread_create(&t, NULL, probe_thread, &p);
	pthread_join(t, NULL);
	KT_TRUE(p.cpu != 0);
	KT_TRUE(p.owned);
	/* It gave the CPU back when it ended. */
	KT_EQ(owner_of(m, p.cpu), KMM_CPU_FREE);
	/* kmm_cpu_release: CPU 0 goes to the next thread. */
	kmm_cpu_release(m);
	KT_EQ(owner_of(m, 0), KMM_CPU_FREE);
	for (int i = 0; i < 8; i++) {
		pthread_create(&t, NULL, probe_thread, &p);
		pthread_join(t, NULL);
		KT_TRUE(p.owned);
	}
	/* Back in: this thread owns a CPU again. */
	KT_TRUE(kmm_cpu_of(m) >= 0);
	KT_TRUE(owned(m));
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(more_threads_than_cpus_share)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 2, NULL);
	struct probe p[4];
	pthread_t t[4];
	pthread_barrier_t go;
	int owned = 0, shared = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	kmm_cpu_release(m);
	/* Four threads alive at once on two CPUs. */
	pthread_barrier_init(&go, NULL, 4);
	for (int i = 0; i < 4; i++) {
		p[i] = (struct probe){ m, -1, false, &go };
		pthread_create(&t[i], NULL, probe_thread, &p[i]);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < 4; i++) {
		KT_TRUE(p[i].cpu == 0 || p[i].cpu == 1);
		owned += p[i].owned;
	}
	for (int cpu = 0; cpu < 2; cpu++)
		shared += owner_of(m, cpu) == KMM_CPU_SHARED;
	if (m->cpu_bias_on) {
		/* Nobody owns a CPU that two threads ran as. */
		KT_TRUE(shared >= 1);
		KT_TRUE(owned <= 2 - shared);
		for (int cpu = 0; cpu < 2; cpu++)
			if (owner_of(m, cpu) == KMM_CPU_SHARED)
				KT_TRUE(atomic_load(&m->cpu_bias[cpu].revoke) >= 1);
	} else {
		KT_EQ(owned, 0);
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

KT_TEST(bind_and_new_machines)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 4, NULL);
	struct kmm_machine *m2;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_EQ(kmm_cpu_bind(m, 4), -EINVAL);
	KT_EQ(kmm_cpu_bind(m, -1), -EINVAL);
	KT_EQ(kmm_cpu_bind(m, 2), 0);
	KT_EQ(kmm_cpu_of(m), 2);
	if (m->cpu_bias_on) {
		KT_TRUE(owned(m));
		/* CPU 0, the boot CPU, went back for another thread. */
		KT_EQ(owner_of(m, 0), KMM_CPU_FREE);
	}
	/* Bound again to the same CPU: nothing changes. */
	KT_EQ(kmm_cpu_bind(m, 2), 0);
	KT_EQ(kmm_cpu_of(m), 2);
	if (m->cpu_bias_on)
		KT_TRUE(owned(m));
	kmm_cpu_release(m);
	KT_EQ(owner_of(m, 0), KMM_CPU_FREE);
	KT_EQ(owner_of(m, 2), KMM_CPU_FREE);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
	/*
	 * A machine made after another was destroyed (perhaps at the same
	 * address) gives this thread a CPU of its own, not the old one's.
	 */
	m2 = boot_compact(1ULL << 30, 1, 4, NULL);
	KT_TRUE(m2 != NULL);
	if (!m2)
		return;
	KT_TRUE(m2->uid != 0);
	kmm_machine_enter(m2);
	if (m2->cpu_bias_on) {
		/* The CPU it booted m2 on, which it owns. */
		KT_EQ(kmm_cpu_of(m2), 0);
		KT_TRUE(owned(m2));
	} else {
		/* Round robin, nobody owns anything. */
		KT_TRUE(kmm_cpu_of(m2) >= 0 && kmm_cpu_of(m2) < 4);
		KT_FALSE(owned(m2));
	}
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m2);
}

KT_TEST(owner_param_off)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 2,
					     "kmm_cpu_owner=off");
	struct page *pg;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	KT_FALSE(m->cpu_bias_on);
	KT_FALSE(owned(m));
	pg = alloc_pages(GFP_KERNEL, 0);
	KT_TRUE(pg != NULL);
	__free_pages(pg, 0);
	KT_EQ(owner_of(m, 0), KMM_CPU_FREE);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * Owners allocate and free pages and objects as fast as they can while
 * another thread keeps taking their CPUs' structures away: drains, vmstat
 * ticks (pcp->high decay), sysctl changes of high and batch, cache
 * shrinks (SLUB's flush_all).  A section that ran without its lock while
 * a revoker was inside would lose or duplicate a page or an object; the
 * checks at the end find either.
 */
struct worker {
	struct kmm_machine *m;
	struct kmem_cache *cache;
	atomic_int *stop;
	int seed;
	long ops;
	bool owned;
};

static void *owner_thread(void *arg)
{
	struct worker *w = arg;
	struct page *pages[64] = { 0 };
	void *objs[64] = { 0 };
	bool from_cache[64] = { 0 };
	unsigned int r = (unsigned int)w->seed * 2654435761u + 1;

	kmm_machine_enter(w->m);
	(void)kmm_cpu_of(w->m);
	w->owned = owned(w->m);
	while (!atomic_load(w->stop) || w->ops < 20000) {
		int i;

		r = r * 1103515245u + 12345u;
		i = (int)((r >> 8) & 63);
		if (pages[i]) {
			__free_pages(pages[i], 0);
			pages[i] = NULL;
		} else {
			pages[i] = alloc_pages(GFP_KERNEL, 0);
		}
		i = (int)((r >> 14) & 63);
		if (objs[i]) {
			if (from_cache[i])
				kmem_cache_free(w->cache, objs[i]);
			else
				kfree(objs[i]);
			objs[i] = NULL;
		} else if ((r >> 24) & 1) {
			objs[i] = kmem_cache_alloc(w->cache, GFP_KERNEL);
			from_cache[i] = true;
			if (objs[i])
				memset(objs[i], w->seed, 192);
		} else {
			objs[i] = kmalloc(96, GFP_KERNEL);
			from_cache[i] = false;
			if (objs[i])
				memset(objs[i], w->seed, 96);
		}
		w->ops++;
	}
	for (int i = 0; i < 64; i++) {
		if (pages[i])
			__free_pages(pages[i], 0);
		if (objs[i] && from_cache[i])
			kmem_cache_free(w->cache, objs[i]);
		else if (objs[i])
			kfree(objs[i]);
	}
	return NULL;
}

static void *revoker_thread(void *arg)
{
	struct worker *w = arg;
	long rounds = 0;

	kmm_machine_enter(w->m);
	/* Two revokers start their rounds at different operations. */
	rounds = w->seed;
	while (!atomic_load(w->stop)) {
		switch (rounds++ % 4) {
		case 0:
			drain_all_pages(NULL);
			break;
		case 1:
			kmm_vmstat_tick(w->m);
			break;
		case 2:
			kmem_cache_shrink(w->cache);
			break;
		case 3:
			kmm_sysctl(w->m, "vm.percpu_pagelist_high_fraction",
				   rounds % 8 == 3 ? 8 : 0);
			break;
		}
	}
	w->ops = rounds - w->seed;
	return NULL;
}

KT_TEST(revoke_while_owners_run)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 4,
					     "deferred_init=off");
	struct kmem_cache *cache;
	struct worker w[5];
	pthread_t t[5];
	atomic_int stop;
	unsigned long free0;
	char err[256];
	int owned = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	shrink_slab(GFP_KERNEL, 0, 0);
	free0 = free_pages_now();
	cache = kmem_cache_create("smp_test", 192, 0, 0, NULL);
	KT_TRUE(cache != NULL);
	kmm_cpu_release(m);
	atomic_init(&stop, 0);
	/* Three owners, two revokers: five threads on four CPUs. */
	for (int i = 0; i < 5; i++) {
		w[i] = (struct worker){ m, cache, &stop, i + 1, 0, false };
		pthread_create(&t[i], NULL, i >= 3 ? revoker_thread : owner_thread,
			       &w[i]);
	}
	/* Long enough for many revocations to land inside sections. */
	for (int ms = 0; ms < 1500; ms++) {
		struct timespec ts = { 0, 1000000 };

		nanosleep(&ts, NULL);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 3; i++) {
		KT_TRUE(w[i].ops >= 20000);
		owned += w[i].owned;
	}
	KT_TRUE(w[3].ops > 10 && w[4].ops > 10);
	/* The fifth thread shares a CPU; an owner may have lost its own. */
	if (m->cpu_bias_on)
		KT_TRUE(owned >= 2);
	kmm_machine_enter(m);
	kmm_sysctl(m, "vm.percpu_pagelist_high_fraction", 0);
	kmem_cache_destroy(cache);
	KT_EQ(atomic_load(&m->bad_pages), 0);
	KT_EQ(kmm_slab_errors(m), 0);
	KT_EQ(kmm_mm_verify(m, err, sizeof(err)), 0);
	/* Every page came back, the caches' slabs too. */
	shrink_slab(GFP_KERNEL, 0, 0);
	KT_EQ(free_pages_now(), free0);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * A thread's exit destructor gives its CPU back; another destructor that
 * runs after it and calls in must not enter as that CPU's owner, which
 * another thread may have become meanwhile: it is given a CPU anew.  Both
 * threads then run kmalloc/kfree flat out, and the caches stay sound.
 */
static struct kmm_machine *exit_m;
static pthread_key_t exit_key2;
static int exit_cpu;
static atomic_int exit_phase;
static bool exit_stale_owner, exit_cpu_valid;

static void late_destructor(void *v)
{
	(void)v;
	/* kmm's own destructor (an older key) has run. */
	exit_stale_owner = kmm_owns_cpu_of(exit_m) || kmm_runs_on(exit_m);
	atomic_store(&exit_phase, 1);
	while (atomic_load(&exit_phase) != 2)
		sched_yield();
	for (long i = 0; i < 200000; i++)
		kfree(kmalloc(64, GFP_KERNEL));
	exit_cpu_valid = kmm_runs_on(exit_m) && kmm_cpu_id >= 0 &&
			 kmm_cpu_id < exit_m->nr_cpus;
	atomic_store(&exit_phase, 3);
}

static void *exiting_thread(void *arg)
{
	(void)arg;
	kmm_machine_enter(exit_m);
	exit_cpu = kmm_cpu_of(exit_m);
	kfree(kmalloc(64, GFP_KERNEL));
	pthread_setspecific(exit_key2, (void *)1);
	return NULL;
}

KT_TEST(calls_after_thread_exit_get_a_cpu_anew)
{
	pthread_t t;

	exit_m = boot_compact(1ULL << 30, 1, 2, "init_on_alloc=0");
	KT_TRUE(exit_m != NULL);
	if (!exit_m)
		return;
	kmm_machine_enter(exit_m);
	if (!exit_m->cpu_bias_on) {
		kmm_machine_enter(NULL);
		kmm_machine_destroy(exit_m);
		return;
	}
	/* Made after kmm's exit key (the boot took CPU 0): runs after it. */
	KT_EQ(pthread_key_create(&exit_key2, late_destructor), 0);
	kmm_cpu_release(exit_m);
	pthread_create(&t, NULL, exiting_thread, NULL);
	while (atomic_load(&exit_phase) != 1)
		sched_yield();
	KT_FALSE(exit_stale_owner);
	KT_EQ(owner_of(exit_m, exit_cpu), KMM_CPU_FREE);
	/* This thread becomes the owner of the exiting thread's CPU. */
	KT_EQ(kmm_cpu_bind(exit_m, exit_cpu), 0);
	KT_TRUE(owned(exit_m));
	atomic_store(&exit_phase, 2);
	while (atomic_load(&exit_phase) != 3)
		kfree(kmalloc(64, GFP_KERNEL));
	pthread_join(t, NULL);
	pthread_key_delete(exit_key2);
	KT_TRUE(exit_cpu_valid);
	KT_EQ(kmm_slab_errors(exit_m), 0);
	KT_EQ(kmm_slab_validate(exit_m), 0);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(exit_m);
}

KT_MAIN()
