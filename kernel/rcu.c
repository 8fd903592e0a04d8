// SPDX-License-Identifier: MIT
/*
 * kernel/rcu.c - the grace periods behind SLAB_TYPESAFE_BY_RCU.
 *
 * What.  A small read-copy-update core: readers mark sections with
 * rcu_read_lock()/rcu_read_unlock(); synchronize_rcu() returns once every
 * section that had begun when it was called has ended; call_rcu() queues a
 * callback to run after such a grace period.  The slab allocators use it to
 * free the pages of SLAB_TYPESAFE_BY_RCU caches only when no reader can
 * still be looking at an object in them.
 *
 * Data structures.  Two counters per CPU (m->nr_cpus of them), one for each
 * value of a global phase bit; the calling thread's reader depth and the
 * phase its outermost section counted in (thread-local).  One list of
 * pending callbacks under a spinlock.
 *
 * Algorithm (the counter-flip scheme of SRCU).  A reader's outermost
 * rcu_read_lock reads the phase and increments its CPU's counter for that
 * phase; its rcu_read_unlock decrements the same counter, wherever the
 * thread runs by then.  synchronize_rcu flips the phase and waits until the
 * old phase's counters sum to zero, twice: a reader that read the old phase
 * just before the first flip but incremented after the wait looked at its
 * counter is caught by the second.  Sections begun before the call counted
 * in a phase that one of the two waits drains.  Threads that share a CPU id
 * (kmm allows it) share counters, which only adds to the sums.
 *
 * Callbacks run from kmm_rcu_process(): from rcu_barrier(), from
 * kmm_slab_tick(), from the slab shrinker, and from call_rcu itself once
 * more than RCU_BATCH callbacks are queued (unless the caller is inside a
 * reader section, where waiting for a grace period would wait for itself).
 *
 * Differences from Linux.  No softirq, no kthreads, no expedited or
 * Tree-RCU machinery: grace periods are detected by polling per-CPU
 * counters, and callbacks run on the thread that asks.  Readers must not
 * call synchronize_rcu (Linux forbids it as well).
 */
#include <kmm/printk.h>
#include <kmm/platform.h>
#include <kmm/string.h>
#include "../mm/slab.h"

#define RCU_BATCH	256

struct kmm_rcu {
	spinlock_t lock;		/* the pending list */
	spinlock_t gp_lock;		/* one grace period at a time */
	atomic_int phase;
	struct kmm_rcu_cb *pending;
	long nr_pending;
	struct rcu_cpu {
		atomic_long count[2];
		char pad[64 - 2 * sizeof(atomic_long)];
	} *cpu;
};

/* The calling thread's reader state (all machines: sections are short). */
static _Thread_local int rcu_depth;
static _Thread_local int rcu_phase;
static _Thread_local struct rcu_cpu *rcu_counter;

void rcu_init(void);
void rcu_destroy(struct kmm_machine *m);

static struct kmm_rcu *rcu_of(void)
{
	struct kmm_slab_state *st = slab_st();

	return st ? st->be_rcu : NULL;
}

void rcu_init(void)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_rcu *r = kmm_plat_alloc(sizeof(*r));

	if (!r)
		panic("rcu_init: out of host memory\n");
	memset(r, 0, sizeof(*r));
	spin_lock_init(&r->lock);
	spin_lock_init(&r->gp_lock);
	r->cpu = kmm_plat_alloc_aligned(sizeof(*r->cpu) * (size_t)m->nr_cpus,
					64);
	if (!r->cpu)
		panic("rcu_init: out of host memory\n");
	memset(r->cpu, 0, sizeof(*r->cpu) * (size_t)m->nr_cpus);
	m->slab->be_rcu = r;
}

void rcu_destroy(struct kmm_machine *m)
{
	struct kmm_rcu *r = m->slab ? m->slab->be_rcu : NULL;

	if (!r)
		return;
	kmm_plat_free(r->cpu);
	kmm_plat_free(r);
	m->slab->be_rcu = NULL;
}

void rcu_read_lock(void)
{
	struct kmm_rcu *r = rcu_of();

	if (!r || rcu_depth++)
		return;
	rcu_phase = atomic_load(&r->phase) & 1;
	rcu_counter = &r->cpu[smp_processor_id()];
	atomic_fetch_add(&rcu_counter->count[rcu_phase], 1);
}

void rcu_read_unlock(void)
{
	if (WARN_ON_ONCE(rcu_depth <= 0))
		return;
	if (--rcu_depth)
		return;
	atomic_fetch_sub(&rcu_counter->count[rcu_phase], 1);
}

static bool in_reader(struct kmm_rcu *r)
{
	return rcu_depth > 0;
}

static void wait_phase(struct kmm_machine *m, struct kmm_rcu *r, int old)
{
	for (;;) {
		long sum = 0;

		for (int cpu = 0; cpu < m->nr_cpus; cpu++)
			sum += atomic_load(&r->cpu[cpu].count[old]);
		if (!sum)
			return;
		kmm_plat_cpu_relax();
	}
}

void synchronize_rcu(void)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_rcu *r = rcu_of();

	if (!r)
		return;
	if (WARN_ON_ONCE(in_reader(r)))
		return;
	spin_lock(&r->gp_lock);
	for (int i = 0; i < 2; i++) {
		int old = atomic_fetch_xor(&r->phase, 1) & 1;

		wait_phase(m, r, old);
	}
	spin_unlock(&r->gp_lock);
}

void call_rcu(struct kmm_rcu_cb *cb, void (*func)(struct kmm_rcu_cb *))
{
	struct kmm_rcu *r = rcu_of();
	long n;

	cb->func = func;
	spin_lock(&r->lock);
	cb->next = r->pending;
	r->pending = cb;
	n = ++r->nr_pending;
	spin_unlock(&r->lock);
	if (n > RCU_BATCH && !in_reader(r))
		kmm_rcu_process(true);
}

/*
 * Take the pending list, wait out a grace period, run it.  Without @wait
 * it still waits: a callback may only run after a grace period, and the
 * wait is short unless a reader is inside a section; @wait only says the
 * caller insists on running even if there is little queued.
 */
void kmm_rcu_process(bool wait)
{
	struct kmm_rcu *r = rcu_of();
	struct kmm_rcu_cb *list;

	if (!r || in_reader(r))
		return;
	spin_lock(&r->lock);
	list = r->pending;
	r->pending = NULL;
	r->nr_pending = 0;
	spin_unlock(&r->lock);
	if (!list)
		return;
	(void)wait;
	synchronize_rcu();
	while (list) {
		struct kmm_rcu_cb *next = list->next;

		list->func(list);
		list = next;
	}
}

void rcu_barrier(void)
{
	kmm_rcu_process(true);
}
