/* SPDX-License-Identifier: MIT */
/*
 * platform/posix.c - the platform contract (kmm/platform.h) on Linux hosts.
 *
 * What: the only file in kmm that talks to the host OS.
 *
 * Memory.  A backing is a memfd as large as the machine's physical address
 * space; tmpfs allocates its pages on first write, so an untouched 16 TiB
 * machine costs nothing.  Virtual windows (direct map, vmemmap) are
 * PROT_NONE, MAP_NORESERVE anonymous reservations; kmm_plat_map() replaces a
 * part of one with a MAP_SHARED|MAP_FIXED view of the memfd, and
 * kmm_plat_unmap() puts an inaccessible reservation back.  Mapping the same
 * memfd offset twice gives two virtual addresses for one frame, as the
 * kernel's direct map and vmalloc do.  kmm_plat_discard() punches a hole so
 * the host reclaims the pages and they read back as zero.
 *
 * Recovery.  kmm_plat_try() keeps a per-thread stack of jmp_bufs;
 * kmm_plat_unwind() longjmps to the innermost one.  Core code calls it from
 * panic() so a failed boot returns an error instead of ending the process.
 *
 * Threads.  kmm_plat_run_parallel() starts n pthreads and joins them.
 * kmm_plat_cpu_relax() issues a pause and yields now and then so spinning
 * waiters cannot starve an oversubscribed holder.  kmm_plat_membarrier()
 * is membarrier(2)'s private expedited command (registered on first use);
 * kmm_plat_at_thread_exit() rides on a pthread key's destructor.
 */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <kmm/platform.h>

struct kmm_backing {
	int fd;
	u64 size;
};

int kmm_plat_backing_create(u64 size, struct kmm_backing **out)
{
	struct kmm_backing *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->fd = memfd_create("kmm-phys", MFD_CLOEXEC);
	if (b->fd < 0) {
		int e = errno;

		free(b);
		return -e;
	}
	if (size && ftruncate(b->fd, (off_t)size) < 0) {
		int e = errno;

		close(b->fd);
		free(b);
		return -e;
	}
	b->size = size;
	*out = b;
	return 0;
}

void kmm_plat_backing_destroy(struct kmm_backing *b)
{
	if (!b)
		return;
	close(b->fd);
	free(b);
}

int kmm_plat_va_reserve(u64 size, u64 align, void **out)
{
	u64 len;
	void *p;
	uintptr_t start, aligned;

	if (align < 4096)
		align = 4096;
	len = size + align;
	p = mmap(NULL, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	start = (uintptr_t)p;
	aligned = (start + align - 1) & ~(uintptr_t)(align - 1);
	if (aligned > start)
		munmap(p, aligned - start);
	if (aligned + size < start + len)
		munmap((void *)(aligned + size), start + len - aligned - size);
	*out = (void *)aligned;
	return 0;
}

void kmm_plat_va_release(void *addr, u64 size)
{
	if (addr && size)
		munmap(addr, size);
}

static int prot_of(enum kmm_prot prot)
{
	switch (prot) {
	case KMM_PROT_READ:
		return PROT_READ;
	case KMM_PROT_RW:
		return PROT_READ | PROT_WRITE;
	default:
		return PROT_NONE;
	}
}

int kmm_plat_map(struct kmm_backing *b, u64 off, u64 len, void *addr,
		 enum kmm_prot prot)
{
	void *p;

	if (off + len > b->size || off + len < off)
		return -EINVAL;
	p = mmap(addr, len, prot_of(prot), MAP_SHARED | MAP_FIXED, b->fd,
		 (off_t)off);
	return p == MAP_FAILED ? -errno : 0;
}

int kmm_plat_map_populate(struct kmm_backing *b, u64 off, u64 len,
			  void *addr, enum kmm_prot prot)
{
	void *p;

	if (off + len > b->size || off + len < off)
		return -EINVAL;
	p = mmap(addr, len, prot_of(prot), MAP_SHARED | MAP_FIXED, b->fd,
		 (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	/*
	 * MAP_POPULATE maps a shared file read-only first (the first write
	 * still faults); populate for writing when the mapping is writable.
	 */
	(void)madvise(p, len, prot == KMM_PROT_RW ? MADV_POPULATE_WRITE :
						    MADV_POPULATE_READ);
	return 0;
}

int kmm_plat_unmap(void *addr, u64 len)
{
	void *p = mmap(addr, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		       -1, 0);

	return p == MAP_FAILED ? -errno : 0;
}

int kmm_plat_protect(void *addr, u64 len, enum kmm_prot prot)
{
	return mprotect(addr, len, prot_of(prot)) ? -errno : 0;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

void kmm_plat_prefault(void *addr, u64 len)
{
	uintptr_t s = (uintptr_t)addr & ~(uintptr_t)4095;
	uintptr_t e = ((uintptr_t)addr + len + 4095) & ~(uintptr_t)4095;

	/* Older kernels say EINVAL: then the first writes fault as usual. */
	if (e > s)
		(void)madvise((void *)s, e - s, MADV_POPULATE_WRITE);
}

int kmm_plat_discard(struct kmm_backing *b, u64 off, u64 len)
{
	if (fallocate(b->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len) < 0)
		return -errno;
	return 0;
}

void *kmm_plat_alloc(size_t size)
{
	return calloc(1, size);
}

void *kmm_plat_alloc_aligned(size_t size, size_t align)
{
	void *p = NULL;

	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size))
		return NULL;
	memset(p, 0, size);
	return p;
}

void kmm_plat_free(void *p)
{
	free(p);
}

u64 kmm_plat_rss(void)
{
	unsigned long long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &pages, &resident) != 2)
		resident = 0;
	fclose(f);
	return (u64)resident * (u64)sysconf(_SC_PAGESIZE);
}

u64 kmm_plat_peak_rss(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (u64)ru.ru_maxrss * 1024;
}

u64 kmm_plat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

void kmm_plat_console_write(const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, s, len);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

struct par_arg {
	void (*fn)(void *arg, int idx);
	void *arg;
	int idx;
};

static void *par_thread(void *p)
{
	struct par_arg *a = p;

	a->fn(a->arg, a->idx);
	return NULL;
}

int kmm_plat_run_parallel(int n, void (*fn)(void *arg, int idx), void *arg)
{
	pthread_t *t;
	struct par_arg *a;
	int i, started = 0;

	if (n <= 0)
		return 0;
	t = calloc((size_t)n, sizeof(*t));
	a = calloc((size_t)n, sizeof(*a));
	if (!t || !a) {
		free(t);
		free(a);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		a[i].fn = fn;
		a[i].arg = arg;
		a[i].idx = i;
		if (pthread_create(&t[i], NULL, par_thread, &a[i])) {
			/* Fall back to running it here. */
			fn(arg, i);
			t[i] = 0;
			continue;
		}
		started++;
	}
	for (i = 0; i < n; i++)
		if (t[i])
			pthread_join(t[i], NULL);
	free(t);
	free(a);
	return 0;
}

void kmm_plat_cpu_relax(void)
{
	static _Thread_local unsigned int spins;

#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
	if ((++spins & 127) == 0)
		sched_yield();
}

/*
 * membarrier(2), private expedited: an IPI to every CPU running one of our
 * threads.  Registered once; a host without it (or a seccomp filter that
 * refuses it) makes kmm run every per-CPU section under its lock.
 */
#ifdef __NR_membarrier
#define KMM_MB_QUERY				0
#define KMM_MB_PRIVATE_EXPEDITED		(1 << 3)
#define KMM_MB_REGISTER_PRIVATE_EXPEDITED	(1 << 4)
#endif

bool kmm_plat_membarrier_init(void)
{
#ifdef __NR_membarrier
	static int state;	/* 0 unknown, 1 yes, -1 no */
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&mu);
	if (!state) {
		long q = syscall(__NR_membarrier, KMM_MB_QUERY, 0, 0);

		state = -1;
		if (q > 0 && (q & KMM_MB_PRIVATE_EXPEDITED) &&
		    !syscall(__NR_membarrier, KMM_MB_REGISTER_PRIVATE_EXPEDITED,
			     0, 0))
			state = 1;
	}
	pthread_mutex_unlock(&mu);
	return state > 0;
#else
	return false;
#endif
}

void kmm_plat_membarrier(void)
{
#ifdef __NR_membarrier
	if (syscall(__NR_membarrier, KMM_MB_PRIVATE_EXPEDITED, 0, 0)) {
		/* Registered in kmm_plat_membarrier_init(); cannot fail then. */
		kmm_plat_abort();
	}
#endif
}

static pthread_key_t exit_key;
static pthread_once_t exit_once = PTHREAD_ONCE_INIT;
static bool exit_key_ok;
static void (*exit_fn)(void);

static void exit_trampoline(void *v)
{
	(void)v;
	if (exit_fn)
		exit_fn();
}

static void exit_key_init(void)
{
	exit_key_ok = !pthread_key_create(&exit_key, exit_trampoline);
}

/*
 * One callback for the whole process (kernel/smp.c's); without a key
 * (the process ran out of them) a thread's CPUs simply stay owned by it
 * after it ends, and later threads share them.
 */
void kmm_plat_at_thread_exit(void (*fn)(void))
{
	pthread_once(&exit_once, exit_key_init);
	if (!exit_key_ok)
		return;
	exit_fn = fn;
	if (!pthread_getspecific(exit_key))
		pthread_setspecific(exit_key, (void *)1);
}

/* Recovery points: a per-thread stack of jump buffers. */
struct try_frame {
	jmp_buf env;
	struct try_frame *prev;
	volatile int code;
};

static _Thread_local struct try_frame *try_top;

int kmm_plat_try(int (*fn)(void *arg), void *arg)
{
	struct try_frame f;
	int ret;

	f.prev = try_top;
	f.code = 0;
	try_top = &f;
	if (setjmp(f.env) == 0) {
		ret = fn(arg);
		try_top = f.prev;
		return ret;
	}
	try_top = f.prev;
	return f.code ? f.code : -1;
}

void kmm_plat_unwind(int code)
{
	struct try_frame *f = try_top;

	if (!f)
		kmm_plat_abort();
	f->code = code ? code : -1;
	longjmp(f->env, 1);
}

bool kmm_plat_in_try(void)
{
	return try_top != NULL;
}

void kmm_plat_abort(void)
{
	abort();
}

int kmm_plat_symbolize(const void *addr, char *buf, size_t len)
{
	Dl_info info;
	const ElfW(Sym) *sym = NULL;
	uintptr_t a = (uintptr_t)addr, s;

	if (!dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) ||
	    !info.dli_sname || !info.dli_saddr || !sym)
		return -ENOENT;
	s = (uintptr_t)info.dli_saddr;
	if (a < s || (sym->st_size && a >= s + sym->st_size))
		return -ENOENT;
	snprintf(buf, len, "%s+0x%lx/0x%lx", info.dli_sname,
		 (unsigned long)(a - s), (unsigned long)sym->st_size);
	return 0;
}
