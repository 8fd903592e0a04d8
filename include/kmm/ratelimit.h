/* SPDX-License-Identifier: MIT */
/*
 * kmm/ratelimit.h - jiffies and printk rate limiting (lib/ratelimit.c).
 *
 * jiffies: HZ = 250 ticks a second of the host's monotonic clock since the
 * current machine began to boot, counted from Linux's INITIAL_JIFFIES as
 * on a 64-bit kernel.  A rate limit lets @burst messages through in each
 * @interval jiffies and counts the rest; the first message of a new window
 * is preceded by "<func>: N callbacks suppressed".  Linux's states are
 * static variables of the kernel; kmm keeps them per machine.
 */
#ifndef KMM_RATELIMIT_H
#define KMM_RATELIMIT_H

#include <kmm/types.h>
#include <kmm/spinlock.h>

#define HZ			250
#define NSEC_PER_SEC		1000000000ULL
#define INITIAL_JIFFIES		((unsigned long)(unsigned int)(-300 * HZ))

/* The current machine's jiffies (INITIAL_JIFFIES without one). */
unsigned long kmm_jiffies(void);

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_is_before_jiffies(a) time_after(kmm_jiffies(), a)

#define DEFAULT_RATELIMIT_INTERVAL	(5 * HZ)
#define DEFAULT_RATELIMIT_BURST		10
/* Say nothing of the suppressed messages when a window ends. */
#define RATELIMIT_MSG_ON_RELEASE	1UL

struct ratelimit_state {
	spinlock_t lock;
	int interval;		/* jiffies; 0: no limit */
	int burst;		/* messages let through per interval */
	int printed;
	int missed;
	unsigned long flags;
	unsigned long begin;	/* jiffies the window opened at; 0: none yet */
};

#define RATELIMIT_STATE_INIT(interval_init, burst_init) {		\
		.lock = __SPIN_LOCK_UNLOCKED,				\
		.interval = (interval_init),				\
		.burst = (burst_init),					\
	}

void ratelimit_state_init(struct ratelimit_state *rs, int interval, int burst);
/* 1: go ahead and print; 0: suppressed (counted). */
int ___ratelimit(struct ratelimit_state *rs, const char *func);
#define __ratelimit(state) ___ratelimit(state, __func__)
/* printk_ratelimit(): the machine's one shared state, 5 s and 10. */
int __printk_ratelimit(const char *func);
#define printk_ratelimit() __printk_ratelimit(__func__)

#endif /* KMM_RATELIMIT_H */
