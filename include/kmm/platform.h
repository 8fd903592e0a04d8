/* SPDX-License-Identifier: MIT */
/*
 * kmm/platform.h - the platform contract.
 *
 * Everything kmm needs from the world it runs in goes through these calls;
 * nothing else in kmm knows whether it runs as a user-space library on a host
 * OS (platform/posix.c) or on bare metal.  A freestanding port implements
 * this header and nothing else.
 *
 * Conventions: functions returning int return 0 on success and a negative
 * errno-style code on failure.  Addresses and sizes passed to the memory
 * calls are page aligned unless stated.  All calls are thread-safe.
 *
 * Memory.  A machine's physical memory is one "backing" object of the
 * machine's physical size: the host equivalent of the DRAM chips.  The
 * direct map is a virtual window as large as the physical address space,
 * reserved inaccessible at first; RAM ranges are then mapped into it from the
 * backing at offset == physical address, so __va(pa) == base + pa, and holes
 * stay inaccessible so a stray access faults as it would on hardware.  The
 * same backing can be mapped a second time elsewhere (the vmemmap, vmalloc),
 * which is how one frame becomes visible at two virtual addresses.  Nothing
 * is touched until used: a backing's pages cost host memory only once written.
 */
#ifndef KMM_PLATFORM_H
#define KMM_PLATFORM_H

#include <kmm/types.h>

struct kmm_backing;

enum kmm_prot {
	KMM_PROT_NONE = 0,
	KMM_PROT_READ = 1,
	KMM_PROT_RW = 3,
};

/* Create a backing object of @size bytes (zero-filled, lazily allocated). */
int kmm_plat_backing_create(u64 size, struct kmm_backing **out);
void kmm_plat_backing_destroy(struct kmm_backing *b);
/* Reserve @size bytes of inaccessible virtual address space. */
int kmm_plat_va_reserve(u64 size, u64 align, void **out);
void kmm_plat_va_release(void *addr, u64 size);
/* Map backing [off, off+len) at @addr (inside a reservation) with @prot. */
int kmm_plat_map(struct kmm_backing *b, u64 off, u64 len, void *addr,
		 enum kmm_prot prot);
/*
 * As kmm_plat_map, and the host fills in its page tables for the whole
 * range at once (no first-touch faults), as a kernel mapping has them.
 */
int kmm_plat_map_populate(struct kmm_backing *b, u64 off, u64 len,
			  void *addr, enum kmm_prot prot);
/* Make [addr, addr+len) inaccessible again, dropping the mapping. */
int kmm_plat_unmap(void *addr, u64 len);
/* Change protection of a mapped range. */
int kmm_plat_protect(void *addr, u64 len, enum kmm_prot prot);
/*
 * Hint: [addr, addr+len) (mapped RW) is about to be written in full; the
 * host may populate it in one go instead of page by page.  Best effort.
 */
void kmm_plat_prefault(void *addr, u64 len);
/* Give the host the memory behind backing [off, off+len) back (reads as 0). */
int kmm_plat_discard(struct kmm_backing *b, u64 off, u64 len);
/* Ordinary heap memory for the library's own bookkeeping (not simulated). */
void *kmm_plat_alloc(size_t size);
/* Zeroed, aligned to @align (a power of two); freed with kmm_plat_free. */
void *kmm_plat_alloc_aligned(size_t size, size_t align);
void kmm_plat_free(void *p);
/* Resident memory of the whole process, in bytes (0 if unknown). */
u64 kmm_plat_rss(void);
u64 kmm_plat_peak_rss(void);

/*
 * The name of the function holding code address @addr as Linux's %pS
 * prints it ("name+0xoff/0xsize"), when the host can tell; -ENOENT if not.
 */
int kmm_plat_symbolize(const void *addr, char *buf, size_t len);

/* Time. */
u64 kmm_plat_now_ns(void);

/* Console output (whole lines or fragments; no buffering assumed). */
void kmm_plat_console_write(const char *s, size_t len);

/* Threads: run fn(arg) on @n host threads concurrently and wait for all. */
int kmm_plat_run_parallel(int n, void (*fn)(void *arg, int idx), void *arg);
/* Pause hint inside spin loops. */
void kmm_plat_cpu_relax(void);
/*
 * The cross-CPU barrier behind kernel/smp.c's CPU ownership: when
 * kmm_plat_membarrier() returns, every other thread of the process that
 * was running has executed a full memory barrier (an IPI on Linux, the
 * role smp_call_function plays in the kernel).  kmm_plat_membarrier_init()
 * says whether the host has one; without it kmm never lets a thread own a
 * CPU and every per-CPU section takes its lock.
 */
bool kmm_plat_membarrier_init(void);
void kmm_plat_membarrier(void);
/*
 * Run @fn when the calling thread ends (once per thread that called this;
 * further calls from the same thread are ignored).  @fn runs on that
 * thread.
 */
void kmm_plat_at_thread_exit(void (*fn)(void));

/*
 * Recovery points.  kmm_plat_try() runs fn(arg); if fn (or anything it
 * calls, on the same thread) calls kmm_plat_unwind(), control returns from
 * kmm_plat_try() with the code given to unwind (nonzero).  Used so that a
 * panic during boot tears the machine down instead of ending the process.
 */
int kmm_plat_try(int (*fn)(void *arg), void *arg);
__noreturn void kmm_plat_unwind(int code);
/* True when the calling thread is inside kmm_plat_try(). */
bool kmm_plat_in_try(void);
/* Last resort: end the process. */
__noreturn void kmm_plat_abort(void);

#endif /* KMM_PLATFORM_H */
