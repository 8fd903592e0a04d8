/* SPDX-License-Identifier: MIT */
/*
 * kmm/show_mem.h - the memory report Linux prints into the kernel log
 * (show_mem, "Mem-Info:"), the page allocation failure warning
 * (warn_alloc), the %pGg text of a gfp mask, and si_mem_available().
 *
 * Everything here prints through printk() into the current machine's log,
 * in Linux 6.12's exact words.  None of it may be called with a zone lock
 * held: the report takes each zone's lock to read its free lists.
 */
#ifndef KMM_SHOW_MEM_H
#define KMM_SHOW_MEM_H

#include <kmm/types.h>
#include <kmm/numa.h>

/* __show_mem() filter: leave out nodes outside the (cpuset's) nodemask. */
#define SHOW_MEM_FILTER_NODES	0x0001u

/* The report for zones up to @max_zone_idx (show_mem: all of them). */
void __show_mem(unsigned int filter, const nodemask_t *nodemask,
		int max_zone_idx);
void show_mem(void);

/*
 * "<task>: <fmt...>, mode:0x..(<flags>), nodemask=..." then the task line
 * and the memory report.  Silent for __GFP_NOWARN (the caller may skip the
 * call as Linux's callers do) and for __GFP_DMA without a managed DMA zone.
 */
void warn_alloc(gfp_t gfp_mask, const nodemask_t *nodemask,
		const char *fmt, ...) __printf(3, 4);

/*
 * Linux's %pGg: composite names first (GFP_KERNEL, GFP_ATOMIC, ...), then
 * single flags, '|' between them, unnamed leftover bits as 0x..; no flags
 * give an empty string.  Writes at most @len bytes including the NUL and
 * returns the length of the whole text (as snprintf does).
 */
int kmm_format_gfp(gfp_t gfp, char *buf, size_t len);

/*
 * The calling thread's task name in warnings ("Comm:"), at most 15
 * characters as TASK_COMM_LEN allows.  NULL restores the default:
 * "swapper/0" (PID 0) while the machine boots, "kmm" (PID 1) after.
 */
void kmm_set_task_name(const char *name);
const char *kmm_task_name(void);

/*
 * print_tainted(): the "Not tainted" / "Tainted: G    B   W ..." text of
 * the machine's reports, written to @buf (or a constant) and returned.
 */
const char *print_tainted(char *buf, size_t len);
/*
 * dump_stack(): the "CPU: ... Comm: ..." header with the taint state, and
 * an empty "Call Trace:" block (kmm has no unwinder).
 */
void dump_stack(void);

/* Pages available for new allocations without swapping (MemAvailable). */
long si_mem_available(void);

#endif /* KMM_SHOW_MEM_H */
