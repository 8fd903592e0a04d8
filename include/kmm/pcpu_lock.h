/* SPDX-License-Identifier: MIT */
/*
 * kmm/pcpu_lock.h - the lock of a per-CPU structure, free for its CPU's
 * owner (a freestanding header; kernel/smp.c has the theory).
 *
 * Linux touches a CPU's per-CPU page lists and its SLUB slab with plain
 * loads and stores: the running task owns the CPU while preemption is
 * off, and another CPU that must drain those lists asks through an IPI.
 * kmm's CPUs are host threads' labels, so two threads may share one; a
 * kmm_pcpu_lock gives both behaviours:
 *
 *  - the thread that owns the CPU (m->cpu_bias[cpu].owner is its token)
 *    enters by setting the lock's busy flag and checking that nobody has
 *    revoked the CPU: no locked instruction;
 *  - anyone else takes the spinlock and then waits for busy to clear.  A
 *    thread working on another CPU's structures first revokes that CPU
 *    (kmm_cpu_revoke(): a count the owner sees, then kmm_plat_membarrier()
 *    so that a section that began before cannot be missed).
 *
 * The pattern is Dekker's with an asymmetric fence: the owner's store of
 * busy and load of revoke are separated by a compiler barrier only; the
 * membarrier on the other side makes them ordered with respect to the
 * revoker.  Sections never nest on one lock and never wait, while busy,
 * for a lock that a revoker may hold.
 */
#ifndef KMM_PCPU_LOCK_H
#define KMM_PCPU_LOCK_H

#include <stdatomic.h>
#include <stdint.h>
#include <kmm/spinlock.h>

struct kmm_pcpu_lock {
	spinlock_t lock;
	atomic_int busy;	/* the owner is inside without the lock */
};

/* One per CPU of a machine (m->cpu_bias), each on its own cache line. */
struct kmm_cpu_bias {
	_Atomic uintptr_t owner;	/* a thread's token, or one of: */
	atomic_int revoke;		/* revokers at work on this CPU */
	/*
	 * Not the lock's: the kmalloc cache this CPU last allocated from,
	 * kfree's first guess (mm/slub.c), on this line because the fast
	 * paths already hold it.  A hint only: read and written relaxed.
	 */
	void *_Atomic kfree_hint;
} __attribute__((aligned(64)));

/* TSan has no model of asymmetric fences: such builds always lock. */
#if defined(__SANITIZE_THREAD__)
#define KMM_CPU_BIAS_POSSIBLE	0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KMM_CPU_BIAS_POSSIBLE	0
#endif
#endif
#ifndef KMM_CPU_BIAS_POSSIBLE
#define KMM_CPU_BIAS_POSSIBLE	1
#endif

#define KMM_CPU_FREE	((uintptr_t)1)	/* nobody owns it yet */
#define KMM_CPU_SHARED	((uintptr_t)3)	/* threads share it: always lock */

/*
 * The calling thread as kmm sees it, in one thread-local block so that a
 * fast path reaches every field from one base: the machine it entered,
 * the uid of the machine it runs as a CPU of and that CPU, and its
 * ownership token (the address
 * of that token; 0 until first needed).  Initial-exec TLS, see machine.h.
 */
struct kmm_machine;
struct kmm_thread {
	struct kmm_machine *cur;	/* kmm_machine_enter() */
	unsigned long long cpu_uid;	/* the uid of the machine of ... */
	int cpu;			/* ... the CPU it runs as, or -1 */
	uintptr_t token;
	/*
	 * CPU + 1 whose zone counter diffs this thread's changes count
	 * against while it does that CPU's work remotely (a drain or the
	 * vmstat tick, which Linux runs on the CPU itself); 0: its own.
	 */
	int stat_cpu;
	/*
	 * cpu_uid again while the thread owns that CPU, else 0: kernel/smp.c
	 * and kernel/machine.c set it with cpu_uid.  The fast paths' one
	 * test for "a CPU of this machine, and mine" (kmm_owns_cpu_of()).
	 * It is not cleared when another thread joins the CPU: the revoke
	 * count the first sharer raises for good sends the owner to the
	 * spinlock instead.
	 */
	unsigned long long owner_uid;
};
extern _Thread_local __attribute__((tls_model("initial-exec")))
	struct kmm_thread kmm_self;
#define kmm_cpu_token	(kmm_self.token)

static inline void kmm_pcpu_lock_init(struct kmm_pcpu_lock *l)
{
	spin_lock_init(&l->lock);
	atomic_init(&l->busy, 0);
}

/* The lock is held: wait out an owner section that began before. */
static inline void kmm_pcpu_wait_owner(struct kmm_pcpu_lock *l)
{
	while (atomic_load_explicit(&l->busy, memory_order_acquire))
		kmm_plat_cpu_relax();
}

/*
 * The owner's way in, for a thread known to own @b's CPU: busy, then the
 * revoke count.  False (and nothing held): take the spinlock instead.
 */
static inline bool kmm_pcpu_enter_owned(struct kmm_cpu_bias *b,
					struct kmm_pcpu_lock *l)
{
	atomic_store_explicit(&l->busy, 1, memory_order_relaxed);
	atomic_signal_fence(memory_order_seq_cst);
	/* A shared CPU keeps a revoke count of its own (kernel/smp.c). */
	if (__builtin_expect(!atomic_load_explicit(&b->revoke,
						   memory_order_acquire), 1))
		return true;
	atomic_store_explicit(&l->busy, 0, memory_order_release);
	return false;
}

/* The owner's way in; false (and nothing held) for anyone else. */
static inline bool kmm_pcpu_enter_owner(struct kmm_cpu_bias *b,
					struct kmm_pcpu_lock *l)
{
	uintptr_t me = kmm_cpu_token;

	if (atomic_load_explicit(&b->owner, memory_order_relaxed) != me)
		return false;
	return kmm_pcpu_enter_owned(b, l);
}

/*
 * The spinlock's trylock, for a thread that does not own the CPU or
 * could not enter as its owner: 0 entered, -1 the spinlock was taken or
 * an owner section is still running.
 */
static inline int kmm_pcpu_trylock_other(struct kmm_pcpu_lock *l)
{
	if (!spin_trylock(&l->lock))
		return -1;
	if (atomic_load_explicit(&l->busy, memory_order_acquire)) {
		spin_unlock(&l->lock);
		return -1;
	}
	return 0;
}

/*
 * The lock of a structure of the calling thread's own CPU (@b is that
 * CPU's entry).  1: entered as owner; 0: entered with the spinlock;
 * -1 (trylock only): the spinlock was taken, or the owner is inside.
 * The trylock calls nothing, so that the fast paths need no frame.
 */
static inline int kmm_pcpu_trylock(struct kmm_cpu_bias *b,
				   struct kmm_pcpu_lock *l)
{
	if (__builtin_expect(kmm_pcpu_enter_owner(b, l), 1))
		return 1;
	return kmm_pcpu_trylock_other(l);
}

/*
 * kmm_pcpu_trylock for the fast paths, which have read kmm_owns_cpu_of()
 * (@owned) as their test that the thread runs on the machine at all, so
 * the CPU's owner need not be read again.
 */
static inline int kmm_pcpu_trylock_as(bool owned, struct kmm_cpu_bias *b,
				      struct kmm_pcpu_lock *l)
{
	if (__builtin_expect(owned, 1) &&
	    __builtin_expect(kmm_pcpu_enter_owned(b, l), 1))
		return 1;
	return kmm_pcpu_trylock_other(l);
}

/* The spinlock, then the owner's section out of the way (kernel/smp.c). */
int kmm_pcpu_lock_slow(struct kmm_pcpu_lock *l);

static inline int kmm_pcpu_lock(struct kmm_cpu_bias *b,
				struct kmm_pcpu_lock *l)
{
	if (__builtin_expect(kmm_pcpu_enter_owner(b, l), 1))
		return 1;
	return kmm_pcpu_lock_slow(l);
}

static inline void kmm_pcpu_unlock(struct kmm_pcpu_lock *l, int how)
{
	if (how > 0)
		atomic_store_explicit(&l->busy, 0, memory_order_release);
	else
		spin_unlock(&l->lock);
}

/*
 * Another CPU's structure (or any CPU's, by a thread that does not own
 * it), between kmm_cpu_revoke()/kmm_cpu_revoke_all() and the matching
 * kmm_cpu_unrevoke*() of kernel/smp.c.
 */
static inline void kmm_pcpu_lock_remote(struct kmm_pcpu_lock *l)
{
	spin_lock(&l->lock);
	kmm_pcpu_wait_owner(l);
}

static inline void kmm_pcpu_unlock_remote(struct kmm_pcpu_lock *l)
{
	spin_unlock(&l->lock);
}

#endif /* KMM_PCPU_LOCK_H */
