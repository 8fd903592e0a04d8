/* SPDX-License-Identifier: MIT */
/*
 * kmm/printk.h - the kernel log, panic, BUG and WARN.
 *
 * printk() formats a message and appends a record {level, text} to the
 * current machine's log ring (kernel/printk.c).  `kmm boot` prints the ring
 * as dmesg would; the console view filters by the console loglevel, which
 * the command line sets as Linux does (loglevel=, quiet, debug).
 *
 * panic() prints "Kernel panic - not syncing: ..." and, inside a boot or any
 * other kmm_plat_try() region, unwinds so the caller gets an error and the
 * process lives on.  WARN() prints a warning and counts it; BUG() panics.
 * Tests intercept all three through kmm_set_hooks() (kmm/machine.h).
 */
#ifndef KMM_PRINTK_H
#define KMM_PRINTK_H

#include <kmm/types.h>

#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_DEFAULT	""
#define KERN_CONT	KERN_SOH "c"

#define LOGLEVEL_DEFAULT	-1
#define CONSOLE_LOGLEVEL_DEFAULT 7
#define CONSOLE_LOGLEVEL_QUIET	4
#define CONSOLE_LOGLEVEL_DEBUG	10
#define MESSAGE_LOGLEVEL_DEFAULT 4

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)	printk(KERN_ALERT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	printk(KERN_CRIT pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
/*
 * pr_debug is dynamic debug in Linux: compiled in but off, so it never
 * reaches the log.  kmm keeps the records (level 8, "hidden") so that a
 * user can ask for them with `kmm boot --dyndbg`; dmesg output omits them.
 */
#define LOGLEVEL_DYNDBG		8
#define KERN_DYNDBG		KERN_SOH "8"
#define pr_debug(fmt, ...)	printk(KERN_DYNDBG pr_fmt(fmt), ##__VA_ARGS__)

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
void __kmm_warn(const char *file, int line, const char *func,
		const char *fmt, ...) __printf(4, 5);
__noreturn void __kmm_bug(const char *file, int line, const char *func);

#define WARN(cond, fmt, ...) ({						\
	bool __c = !!(cond);						\
	if (unlikely(__c))						\
		__kmm_warn(__FILE__, __LINE__, __func__, fmt, ##__VA_ARGS__); \
	__c; })
#define WARN_ON(cond)		WARN(cond, NULL)
/*
 * True the first time the call site @site is reached in the current
 * machine (each machine is its own kernel, with its own once-flags).
 */
bool __kmm_once(const void *site);
#define WARN_ONCE(cond, fmt, ...) ({					\
	static char __site;						\
	bool __c = !!(cond);						\
	if (unlikely(__c) && __kmm_once(&__site))			\
		__kmm_warn(__FILE__, __LINE__, __func__, fmt, ##__VA_ARGS__); \
	__c; })
#define WARN_ON_ONCE(cond)	WARN_ONCE(cond, NULL)
#define BUG()			__kmm_bug(__FILE__, __LINE__, __func__)
#define BUG_ON(cond)		do { if (unlikely(cond)) BUG(); } while (0)

#endif /* KMM_PRINTK_H */
