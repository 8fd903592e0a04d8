/* SPDX-License-Identifier: MIT */
/*
 * kmm/spinlock.h - spinlocks on C11 atomics (a freestanding header).
 *
 * A test-and-test-and-set lock: spin reading until the lock looks free,
 * then try to take it.  Waiters call the platform's relax hint, which on a
 * host yields the thread after a while so oversubscribed tests progress.
 */
#ifndef KMM_SPINLOCK_H
#define KMM_SPINLOCK_H

#include <stdatomic.h>
#include <kmm/platform.h>

typedef struct {
	atomic_int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ 0 }

static inline void spin_lock_init(spinlock_t *l)
{
	atomic_init(&l->locked, 0);
}

static inline bool spin_trylock(spinlock_t *l)
{
	return atomic_exchange_explicit(&l->locked, 1, memory_order_acquire) == 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (!spin_trylock(l)) {
		while (atomic_load_explicit(&l->locked, memory_order_relaxed))
			kmm_plat_cpu_relax();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	atomic_store_explicit(&l->locked, 0, memory_order_release);
}

#endif /* KMM_SPINLOCK_H */
