// SPDX-License-Identifier: MIT
/*
 * lib/ratelimit.c - printk rate limiting, as Linux's lib/ratelimit.c.
 *
 * Theory of operation
 * -------------------
 * What: warnings that a busy system could repeat without end (warn_alloc's
 * allocation failure report, SLUB's out-of-memory lines, page poison
 * corruption, the vmap and memblock warnings) pass through a rate limit,
 * so that kmm's log shows what Linux's shows: the first few in a window,
 * then a count of what was held back.
 *
 * Data structures: struct ratelimit_state (kmm/ratelimit.h): interval and
 * burst, the jiffies the current window opened at, and the numbers printed
 * and missed in it.
 *
 * Algorithm (___ratelimit): no interval means no limit.  The first call
 * opens a window.  A call after the window's end prints "<func>: N
 * callbacks suppressed" if messages were held back in it (unless
 * RATELIMIT_MSG_ON_RELEASE), and opens a new one.  The call is let
 * through while fewer than burst have been in this window; otherwise it is
 * counted as missed.
 *
 * Locking: a trylock on the state's spinlock; a caller that finds it taken
 * is refused, as in Linux (somebody else is printing right now).
 *
 * Time: jiffies are HZ = 250 ticks of the host's monotonic clock since the
 * machine began to boot, from INITIAL_JIFFIES.  Linux's jiffies stand still
 * until the timer starts; kmm's run from the start of the boot.
 *
 * Differences from Linux: the states are per machine instead of static;
 * the "callbacks suppressed" line goes through printk (Linux defers it).
 */
#include <kmm/ratelimit.h>
#include <kmm/machine.h>
#include <kmm/printk.h>
#include <kmm/platform.h>

unsigned long kmm_jiffies(void)
{
	struct kmm_machine *m = kmm_current();

	if (!m || !m->start_ns)
		return INITIAL_JIFFIES;
	return INITIAL_JIFFIES +
	       (unsigned long)((kmm_plat_now_ns() - m->start_ns) /
			       (NSEC_PER_SEC / HZ));
}

void ratelimit_state_init(struct ratelimit_state *rs, int interval, int burst)
{
	spin_lock_init(&rs->lock);
	rs->interval = interval;
	rs->burst = burst;
	rs->printed = 0;
	rs->missed = 0;
	rs->flags = 0;
	rs->begin = 0;
}

int ___ratelimit(struct ratelimit_state *rs, const char *func)
{
	int interval = __atomic_load_n(&rs->interval, __ATOMIC_RELAXED);
	int burst = __atomic_load_n(&rs->burst, __ATOMIC_RELAXED);
	unsigned long now;
	int ret;

	if (!interval)
		return 1;
	if (!spin_trylock(&rs->lock))
		return 0;
	now = kmm_jiffies();
	if (!rs->begin)
		rs->begin = now;
	if (time_after(now, rs->begin + (unsigned long)interval)) {
		if (rs->missed && !(rs->flags & RATELIMIT_MSG_ON_RELEASE)) {
			pr_warn("%s: %d callbacks suppressed\n", func,
				rs->missed);
			rs->missed = 0;
		}
		rs->begin = now;
		rs->printed = 0;
	}
	if (burst && burst > rs->printed) {
		rs->printed++;
		ret = 1;
	} else {
		rs->missed++;
		ret = 0;
	}
	spin_unlock(&rs->lock);
	return ret;
}

int __printk_ratelimit(const char *func)
{
	struct kmm_machine *m = kmm_current();

	return m ? ___ratelimit(&m->printk_rs, func) : 1;
}
