// SPDX-License-Identifier: MIT
/*
 * kernel/smp.c - which kmm CPU a thread runs as, and who owns each CPU.
 *
 * What.  Every thread that calls into a machine runs as one of its CPUs
 * (smp_processor_id()).  The boot thread is CPU 0; later threads get one
 * on their first call.  A thread that is alone on its CPU owns it: the
 * per-CPU page lists and SLUB's per-CPU slabs of that CPU are then its to
 * touch with plain loads and stores, as a Linux task touches them with
 * preemption off, and without the locked instruction a shared CPU needs.
 * This file hands out CPUs, records owners, and lets another thread take
 * a CPU's structures away for a while (Linux sends an IPI for that: a
 * drain, a flush, a change of pcp->high).
 *
 * Data structures.  m->cpu_bias[cpu] (struct kmm_cpu_bias, one cache line
 * each): owner, a thread's token (the address of its kmm_cpu_token), or
 * KMM_CPU_FREE, or KMM_CPU_SHARED once two threads have run as that CPU;
 * revoke, the number of threads working on that CPU's structures from
 * outside.  Each per-CPU structure has a struct kmm_pcpu_lock
 * (include/kmm/pcpu_lock.h): a spinlock and the owner's busy flag.
 * Thread-locals (kmm_self): the uid of the machine and the CPU the thread
 * runs as, its token, and owner_uid: the machine's uid again if the thread
 * took the CPU as its owner (0 otherwise), so that a fast path tests "runs
 * here" and "owns its CPU" in one compare (kmm_owns_cpu_of).  The uid, not the address: a machine created
 * where a destroyed one was must not inherit its threads' CPUs.
 *
 * Invariants.  A CPU's owner changes only FREE -> token (the thread
 * itself), token -> FREE (the thread, when it ends) and anything ->
 * SHARED (for good).  While busy is set on a lock, its CPU's owner is in
 * a section without the spinlock, and nobody holds the spinlock in a
 * section of their own: a lock holder that is not the owner waits for
 * busy to clear before touching anything.
 *
 * Algorithms.  Assignment (kmm_assign_cpu): the CPU this thread already
 * owns in the machine, else the first free one from a round-robin start
 * (taken by compare-and-swap), else the round-robin CPU, which becomes
 * SHARED.  A thread that shares a CPU calls kmm_plat_membarrier() once
 * before its first section, so that the previous owner either is seen
 * busy or sees SHARED on its next section.  Revocation (kmm_cpu_revoke,
 * kmm_cpu_revoke_all): raise the CPUs' revoke counts, one membarrier,
 * then take each structure's spinlock and wait for busy to clear (the
 * owner falls back to the spinlock while revoke is raised).  A thread's
 * CPUs go back to FREE when it ends (kmm_plat_at_thread_exit).
 *
 * Locking.  Owners: none.  Everyone else: the structure's spinlock.  The
 * live-machine list lock (machine.c) guards the walk at thread exit.
 *
 * Failure.  No host membarrier (or a TSan build, whose model has no
 * asymmetric fences): nobody ever owns a CPU, every section takes its
 * spinlock, and revocation is the spinlock alone.  `kmm_cpu_owner=off`
 * does the same on purpose.
 *
 * Observability.  kmm_cpu_owned() tells whether the calling thread owns
 * its CPU; the benches print it.
 *
 * Differences from Linux.  Linux's CPUs are real and a task cannot be
 * two places at once; kmm's are labels that threads may share, so
 * ownership is a property of a thread that is alone on its CPU, and it is
 * lost for good once the CPU is shared.  Remote work waits for the owner
 * to leave its section instead of running the work on the owner's CPU.
 */
#include <kmm/machine.h>
#include <kmm/pcpu_lock.h>

static atomic_int next_cpu_seq;

void kmm_for_each_live_machine(void (*fn)(struct kmm_machine *m));

static uintptr_t my_token(void)
{
	if (!kmm_cpu_token)
		kmm_cpu_token = (uintptr_t)&kmm_cpu_token;
	return kmm_cpu_token;
}

static void release_in(struct kmm_machine *m)
{
	uintptr_t me = kmm_cpu_token;

	if (!m->cpu_bias)
		return;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++) {
		uintptr_t expect = me;

		atomic_compare_exchange_strong(&m->cpu_bias[cpu].owner, &expect,
					       KMM_CPU_FREE);
	}
}

/*
 * At thread exit: the CPUs this thread owned are free again, and it runs
 * as no CPU, so that a later exit destructor that calls in is given a
 * CPU anew instead of entering as the owner of one another thread may
 * have taken meanwhile.
 */
static void release_all(void)
{
	if (kmm_cpu_token)
		kmm_for_each_live_machine(release_in);
	kmm_self.cpu_uid = 0;
	kmm_self.owner_uid = 0;
	kmm_cpu_id = -1;
}

static bool take(struct kmm_machine *m, int cpu)
{
	uintptr_t expect = KMM_CPU_FREE;

	if (!atomic_compare_exchange_strong(&m->cpu_bias[cpu].owner, &expect,
					    my_token()))
		return expect == kmm_cpu_token;
	kmm_plat_at_thread_exit(release_all);
	return true;
}

/*
 * Join @cpu as one of several threads: the owner, if any, must lock.  The
 * first sharer raises the CPU's revoke count for good: an owner that read
 * its token just before SHARED went in still sees the count after setting
 * busy, or the membarrier makes its busy visible to every later locker.
 */
static void share(struct kmm_machine *m, int cpu)
{
	if (atomic_exchange(&m->cpu_bias[cpu].owner, KMM_CPU_SHARED) !=
	    KMM_CPU_SHARED)
		atomic_fetch_add(&m->cpu_bias[cpu].revoke, 1);
	kmm_plat_membarrier();
}

/* The calling thread runs as @cpu of @m from now on, its owner or not. */
static void run_as(struct kmm_machine *m, int cpu, bool owned)
{
	kmm_self.cpu_uid = m->uid;
	kmm_self.owner_uid = owned ? m->uid : 0;
	kmm_cpu_id = cpu;
}

/* First call of a thread in a machine: give it a CPU (see above). */
int kmm_assign_cpu(struct kmm_machine *m)
{
	int n, start, cpu = -1;
	bool owned = false;

	if (!m)
		return 0;
	if (kmm_runs_on(m))
		return kmm_cpu_id;
	n = m->nr_online_cpus > 0 ? m->nr_online_cpus : 1;
	start = atomic_fetch_add(&next_cpu_seq, 1);
	if (m->cpu_bias_on) {
		uintptr_t me = my_token();

		for (int i = 0; i < n && cpu < 0; i++)
			if (atomic_load(&m->cpu_bias[i].owner) == me)
				cpu = i;
		for (int k = 0; k < n && cpu < 0; k++)
			if (take(m, (start + k) % n))
				cpu = (start + k) % n;
		owned = cpu >= 0;
	}
	if (cpu < 0) {
		cpu = start % n;
		if (m->cpu_bias_on)
			share(m, cpu);
	}
	run_as(m, cpu, owned);
	return cpu;
}

int kmm_cpu_bind(struct kmm_machine *m, int cpu)
{
	if (!m || cpu < 0 || cpu >= m->nr_online_cpus)
		return -EINVAL;
	if (kmm_runs_on(m) && kmm_cpu_id == cpu)
		return 0;
	/* The CPUs it owned here are for other threads now. */
	bool owned = false;

	if (kmm_cpu_token)
		release_in(m);
	if (m->cpu_bias_on) {
		owned = take(m, cpu);
		if (!owned)
			share(m, cpu);
	}
	run_as(m, cpu, owned);
	return 0;
}

/* The boot thread runs as CPU 0 and owns it (nobody else is there yet). */
void kmm_claim_boot_cpu(struct kmm_machine *m)
{
	bool owned = false;

	if (m->cpu_bias_on) {
		owned = take(m, 0);
		if (!owned)
			share(m, 0);
	}
	run_as(m, 0, owned);
}

/* Turn ownership off (kmm_cpu_owner=off), before any other thread runs. */
void kmm_cpu_bias_disable(struct kmm_machine *m)
{
	m->cpu_bias_on = false;
	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		atomic_store(&m->cpu_bias[cpu].owner, KMM_CPU_FREE);
	if (kmm_self.owner_uid == m->uid)
		kmm_self.owner_uid = 0;
}

/*
 * The calling thread stops running as its CPU of @m, which is free for
 * another thread (a thread that will only wait, say).  Its next call into
 * @m gives it a CPU again.
 */
void kmm_cpu_release(struct kmm_machine *m)
{
	if (!m)
		return;
	if (kmm_cpu_token)
		release_in(m);
	if (kmm_self.cpu_uid == m->uid) {
		kmm_self.cpu_uid = 0;
		kmm_self.owner_uid = 0;
		kmm_cpu_id = -1;
	}
}

bool kmm_cpu_owned(struct kmm_machine *m)
{
	int cpu = kmm_cpu_of(m);

	return m->cpu_bias &&
	       atomic_load(&m->cpu_bias[cpu].owner) == kmm_cpu_token &&
	       kmm_cpu_token;
}

/* kmm_pcpu_lock() for a thread that is not the CPU's owner: 0. */
int kmm_pcpu_lock_slow(struct kmm_pcpu_lock *l)
{
	kmm_pcpu_lock_remote(l);
	return 0;
}

void kmm_cpu_revoke(struct kmm_machine *m, int cpu)
{
	atomic_fetch_add(&m->cpu_bias[cpu].revoke, 1);
	if (m->cpu_bias_on)
		kmm_plat_membarrier();
}

void kmm_cpu_unrevoke(struct kmm_machine *m, int cpu)
{
	atomic_fetch_sub_explicit(&m->cpu_bias[cpu].revoke, 1,
				  memory_order_release);
}

void kmm_cpu_revoke_all(struct kmm_machine *m)
{
	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		atomic_fetch_add(&m->cpu_bias[cpu].revoke, 1);
	if (m->cpu_bias_on)
		kmm_plat_membarrier();
}

void kmm_cpu_unrevoke_all(struct kmm_machine *m)
{
	for (int cpu = 0; cpu < m->nr_cpus; cpu++)
		atomic_fetch_sub_explicit(&m->cpu_bias[cpu].revoke, 1,
					  memory_order_release);
}
