/* SPDX-License-Identifier: MIT */
/*
 * test_vmalloc.c - mm/vmalloc.c: every API, placement (alignment, guard
 * pages, lowest first fit), the free tree after fragmentation, lazy purges,
 * page tables and aliasing with the direct map, faults on guard pages, bad
 * input, the reports, kvmalloc, and a multithreaded stress test.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include "ktest.h"
#include "kmm_test_util.h"
#include <kmm/vmstat.h>
#include <kmm/platform.h>

static struct kmm_machine *boot_vm(unsigned long long mem, int nodes, int cpus,
				   const char *cmd)
{
	struct kmm_machine *m = boot_compact(mem, nodes, cpus, cmd);

	if (m)
		kmm_machine_enter(m);
	return m;
}

static void done(struct kmm_machine *m)
{
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

static struct kmm_vmalloc_stats stats(struct kmm_machine *m)
{
	struct kmm_vmalloc_stats st;

	kmm_vmalloc_stats(m, &st);
	return st;
}

static sigjmp_buf fault_jmp;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(fault_jmp, 1);
}

static bool access_faults(volatile u8 *p, bool write)
{
	struct sigaction sa, old_segv, old_bus;
	bool faulted;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(fault_jmp, 1) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		faulted = false;
	} else {
		faulted = true;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return faulted;
}

/* Every page of [p, p+size) reads back through the direct map. */
static bool aliases_ok(u8 *p, unsigned long size, u8 seed)
{
	for (unsigned long off = 0; off < size; off += PAGE_SIZE) {
		struct page *pg = vmalloc_to_page(p + off);

		p[off + 7] = (u8)(seed + off / PAGE_SIZE);
		if (!pg || ((u8 *)page_address(pg))[7] != p[off + 7])
			return false;
		if (vmalloc_to_pfn(p + off) != page_to_pfn(pg))
			return false;
	}
	return true;
}

KT_TEST(vmalloc_family_maps_usable_memory)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 2, 2, NULL);
	struct vm_struct *vm;
	u8 *p, *z, *n1, *d32, *u, *g;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = vmalloc(5 * PAGE_SIZE + 100);
	KT_TRUE(p && is_vmalloc_addr(p));
	memset(p, 0xa5, 5 * PAGE_SIZE + 100);
	KT_TRUE(aliases_ok(p, 6 * PAGE_SIZE, 1));
	vm = find_vm_area(p + 3 * PAGE_SIZE);
	KT_TRUE(vm && vm->addr == p);
	KT_EQ(vm->size, 7 * PAGE_SIZE);		/* six pages and the guard */
	KT_EQ(vm->nr_pages, 6);
	KT_EQ(vm->flags, VM_ALLOC);
	KT_EQ(get_vm_area_size(vm), 6 * PAGE_SIZE);
	KT_EQ(vmalloc_kaddr(p) & 0xffffff0000000000UL, 0xffffc90000000000UL);

	z = vzalloc(3 * PAGE_SIZE);
	KT_TRUE(z != NULL);
	for (int i = 0; z && i < 3 * (int)PAGE_SIZE; i++)
		if (z[i]) {
			KT_FAIL("vzalloc byte %d is %d", i, z[i]);
			break;
		}
	n1 = vmalloc_node(4 * PAGE_SIZE, 1);
	KT_TRUE(n1 != NULL);
	for (int i = 0; n1 && i < 4; i++)
		KT_EQ(page_to_nid(vmalloc_to_page(n1 + i * PAGE_SIZE)), 1);
	vfree(vzalloc_node(PAGE_SIZE, 0));
	d32 = vmalloc_32(8 * PAGE_SIZE);
	KT_TRUE(d32 != NULL);
	for (int i = 0; d32 && i < 8; i++)
		KT_TRUE(vmalloc_to_pfn(d32 + i * PAGE_SIZE) < (4UL << 30) >> PAGE_SHIFT);
	u = vmalloc_user(2 * PAGE_SIZE);
	KT_TRUE(u && u[100] == 0);
	KT_TRUE(find_vm_area(u) && (find_vm_area(u)->flags & VM_USERMAP));
	g = __vmalloc(PAGE_SIZE, GFP_KERNEL | __GFP_ZERO);
	KT_TRUE(g && g[4095] == 0);
	KT_EQ(vmalloc_nr_pages(), 6 + 3 + 4 + 8 + 2 + 1);
	vfree(p);
	vfree(z);
	vfree(n1);
	vfree(d32);
	vfree(u);
	vfree(g);
	vfree(NULL);
	KT_EQ(vmalloc_nr_pages(), 0);
	KT_EQ(atomic_load(&m->warn_count), 0);
	done(m);
}

KT_TEST(page_tables_hold_linux_entries)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 1, NULL);
	int level;
	u8 *p;
	u64 e;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = vmalloc(2 * PAGE_SIZE);
	e = kmm_vmalloc_pte(p + PAGE_SIZE, &level);
	KT_EQ(level, 1);
	KT_EQ(e & ~PTE_PFN_MASK, 0x8000000000000163ULL);	/* PAGE_KERNEL */
	KT_EQ((e & PTE_PFN_MASK) >> PAGE_SHIFT, vmalloc_to_pfn(p + PAGE_SIZE));
	/* The guard page has no entry. */
	KT_EQ(kmm_vmalloc_pte(p + 2 * PAGE_SIZE, &level), 0);
	KT_EQ(vmalloc_to_page(p + 2 * PAGE_SIZE), NULL);
	vfree(p);
	/* Unmapped at once, even before the purge. */
	KT_EQ(kmm_vmalloc_pte(p, &level), 0);
	KT_EQ(vmalloc_to_page(p), NULL);
	KT_TRUE(stats(m).pt_pages >= 4);	/* PGD, PUD, PMD, PTE */
	done(m);
}

KT_TEST(lowest_first_fit_alignment_and_guard_pages)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 1, NULL);
	void *win;
	unsigned long wsize;
	u8 *a, *b, *c, *d;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_vmalloc_window(m, &win, &wsize);
	KT_TRUE(wsize >= (16UL << 30));
	a = vmalloc(PAGE_SIZE);
	b = vmalloc(3 * PAGE_SIZE);
	KT_TRUE(a == (u8 *)win);
	KT_TRUE(b == a + 2 * PAGE_SIZE);	/* one guard page between */
	KT_EQ(vmalloc_kaddr(a), VMALLOC_START);
	/* Aligned request: lowest aligned address above what is in use. */
	c = __vmalloc_node(PAGE_SIZE, 1UL << 20, GFP_KERNEL, NUMA_NO_NODE,
			   NULL);
	KT_TRUE(c && ((unsigned long)c & ((1UL << 20) - 1)) == 0);
	KT_TRUE(c == a + (1UL << 20));
	/* The gap left below c is used first. */
	d = vmalloc(PAGE_SIZE);
	KT_TRUE(d == b + 4 * PAGE_SIZE);
	/* Guard pages and the unused rest fault; the area itself does not. */
	KT_FALSE(access_faults(b + 3 * PAGE_SIZE - 1, true));
	KT_TRUE(access_faults(b + 3 * PAGE_SIZE, false));
	KT_TRUE(access_faults(a + PAGE_SIZE, true));
	KT_TRUE(access_faults(c + PAGE_SIZE, false));
	KT_TRUE(access_faults((u8 *)win + wsize - 1, false));
	vfree(b);
	KT_EQ(vmalloc_to_page(b), NULL);
	vm_unmap_aliases();			/* the "TLB flush" */
	KT_TRUE(access_faults(b, false));	/* use after vfree */
	vfree(a);
	vfree(c);
	vfree(d);
	done(m);
}

KT_TEST(vmalloc_huge_uses_pmd_mappings)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 1, NULL);
	int level;
	u8 *p, *s;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = vmalloc(PAGE_SIZE);		/* the range start is taken */
	p = vmalloc_huge(4UL << 20, GFP_KERNEL);
	KT_TRUE(p && ((unsigned long)p & (PMD_SIZE - 1)) == 0);
	kmm_vmalloc_pte(p + 5 * PAGE_SIZE, &level);
	KT_EQ(level, 2);
	KT_EQ(kmm_vmalloc_pte(p, &level) & ~PTE_PFN_MASK,
	      0x80000000000001e3ULL);	/* PAGE_KERNEL_LARGE */
	KT_TRUE(aliases_ok(p, 4UL << 20, 3));
	KT_EQ(find_vm_area(p)->page_order, 9);
	KT_EQ(find_vm_area(p)->nr_pages, 1024);
	KT_EQ(find_vm_area(p)->size, (4UL << 20) + PAGE_SIZE);
	/* Small requests stay on 4 KiB pages. */
	vfree(p);
	p = vmalloc_huge(64 * PAGE_SIZE, GFP_KERNEL);
	kmm_vmalloc_pte(p, &level);
	KT_EQ(level, 1);
	vfree(p);
	vfree(s);
	KT_EQ(vmalloc_nr_pages(), 0);
	done(m);
}

/* __vmalloc_node_range keeps to the part of the range it is given. */
KT_TEST(vmalloc_node_range_keeps_to_its_range)
{
	struct kmm_machine *m = boot_compact(1ULL << 30, 1, 1, NULL);
	unsigned long start = VMALLOC_START + (64UL << 20);
	unsigned long end = start + (64UL << 10);
	void *p[20];
	int n = 0;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_machine_enter(m);
	/* 64 KiB hold three 16 KiB areas and their guard pages, no more. */
	while (n < 20 && (p[n] = __vmalloc_node_range(16384, 1, start, end,
			GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL, 0,
			NUMA_NO_NODE, NULL)) != NULL) {
		unsigned long k = vmalloc_kaddr(p[n]);

		KT_TRUE(k >= start && k + 16384 + PAGE_SIZE <= end);
		memset(p[n], 0x5a, 16384);
		n++;
	}
	KT_EQ(n, 3);
	/* A range the machine's window does not reach is refused. */
	KT_TRUE(__vmalloc_node_range(4096, 1, VMALLOC_END - 4096, VMALLOC_END,
				     GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL, 0,
				     NUMA_NO_NODE, NULL) == NULL);
	/* A reversed range holds nothing (it is not widened). */
	KT_TRUE(__vmalloc_node_range(4096, 1, start + (1UL << 20), start,
				     GFP_KERNEL | __GFP_NOWARN, PAGE_KERNEL, 0,
				     NUMA_NO_NODE, NULL) == NULL);
	while (n--)
		vfree(p[n]);
	kmm_machine_enter(NULL);
	kmm_machine_destroy(m);
}

/*
 * The lowest fit at or above vstart even when the free gaps below vstart
 * sit higher in the tree than the one that fits (Linux's rollback to the
 * first right subtree).
 */
KT_TEST(range_start_above_free_gaps)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 1, NULL);
	void *a[4], *q;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	for (int i = 0; i < 4; i++)
		a[i] = vmalloc(3 * PAGE_SIZE);	/* 16 KiB with the guard */
	KT_EQ(vmalloc_kaddr(a[3]), vmalloc_kaddr(a[0]) + 12 * PAGE_SIZE);
	vfree(a[0]);
	vfree(a[2]);
	vm_unmap_aliases();
	q = __vmalloc_node_range(4096, 1, vmalloc_kaddr(a[3]) + PAGE_SIZE,
				 VMALLOC_END, GFP_KERNEL, PAGE_KERNEL, 0,
				 NUMA_NO_NODE, NULL);
	KT_TRUE(q != NULL);
	if (q)
		KT_EQ(vmalloc_kaddr(q), vmalloc_kaddr(a[3]) + 4 * PAGE_SIZE);
	vfree(q);
	vfree(a[1]);
	vfree(a[3]);
	done(m);
}

/* vfree drops the area's reference only: a page held elsewhere stays. */
KT_TEST(vfree_leaves_pages_held_elsewhere)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 1, "init_on_alloc=0");
	unsigned long base;
	struct page *pg;
	u8 *p;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	/* Once first, so that the page tables for the range exist. */
	vfree(vmalloc(8 * PAGE_SIZE));
	vm_unmap_aliases();
	base = free_pages_settled();
	p = vmalloc(8 * PAGE_SIZE);
	KT_TRUE(p != NULL);
	if (!p)
		return;
	pg = vmalloc_to_page(p + PAGE_SIZE);
	get_page(pg);
	memset(page_address(pg), 0x3c, PAGE_SIZE);
	vfree(p);
	vm_unmap_aliases();
	KT_EQ(page_ref_count(pg), 1);
	KT_EQ(((u8 *)page_address(pg))[100], 0x3c);
	KT_EQ(free_pages_settled(), base - 1);
	put_page(pg);
	KT_EQ(free_pages_settled(), base);
	done(m);
}

KT_TEST(vmap_vunmap_vmap_pfn_get_vm_area)
{
	struct kmm_machine *m = boot_vm(8ULL << 30, 1, 1, NULL);
	struct page *pages[4];
	struct vm_struct *area;
	unsigned long pfns[2];
	long warns;
	u8 *p, *io;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	for (int i = 0; i < 4; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		memset(page_address(pages[i]), i + 1, PAGE_SIZE);
	}
	/* Out of order: page 3 first. */
	swap(pages[0], pages[3]);
	p = vmap(pages, 4, VM_MAP, PAGE_KERNEL);
	KT_TRUE(p != NULL);
	KT_EQ(p[0], 4);
	KT_EQ(p[3 * PAGE_SIZE + 9], 1);
	p[PAGE_SIZE] = 0x77;
	KT_EQ(((u8 *)page_address(pages[1]))[0], 0x77);
	KT_EQ(find_vm_area(p)->flags, VM_MAP);
	KT_EQ(vmalloc_to_page(p + 2 * PAGE_SIZE), pages[2]);
	vunmap(p);
	KT_TRUE(find_vm_area(p) == NULL);
	vm_unmap_aliases();
	KT_TRUE(access_faults(p, false));
	/* The pages are still the caller's. */
	KT_EQ(((u8 *)page_address(pages[1]))[0], 0x77);
	for (int i = 0; i < 4; i++)
		__free_page(pages[i]);

	/* vmap_pfn: frames that are not RAM (the PCI hole below 4 GiB). */
	pfns[0] = (3UL << 30) >> PAGE_SHIFT;
	pfns[1] = pfns[0] + 5;
	KT_FALSE(pfn_valid(pfns[0]));
	io = vmap_pfn(pfns, 2, PAGE_KERNEL);
	KT_TRUE(io != NULL);
	KT_EQ(vmalloc_to_pfn(io + PAGE_SIZE), pfns[1]);
	KT_EQ(vmalloc_to_page(io), NULL);
	KT_TRUE(find_vm_area(io)->flags & VM_IOREMAP);
	vunmap(io);
	/* RAM frames are refused. */
	warns = atomic_load(&m->warn_count);
	pfns[0] = (1UL << 20) >> PAGE_SHIFT;
	KT_TRUE(pfn_valid(pfns[0]));
	KT_EQ(vmap_pfn(pfns, 1, PAGE_KERNEL), NULL);
	KT_TRUE(atomic_load(&m->warn_count) <= warns + 1);

	/* get_vm_area: address space only, nothing mapped. */
	area = get_vm_area(8 * PAGE_SIZE, VM_IOREMAP);
	KT_TRUE(area && area->size == 9 * PAGE_SIZE);
	/* VM_IOREMAP: aligned to the order that holds the size (32 KiB). */
	KT_TRUE(((unsigned long)area->addr & (8 * PAGE_SIZE - 1)) == 0);
	KT_TRUE(access_faults(area->addr, false));
	KT_TRUE(find_vm_area(area->addr) == area);
	free_vm_area(area);
	KT_EQ(stats(m).nr_busy, 0);
	/*
	 * A page-sized VM_IOREMAP area needs only page alignment: it goes
	 * right after a two-page area and its guard page.
	 */
	vm_unmap_aliases();
	{
		u8 *v = vmalloc(2 * PAGE_SIZE);

		area = get_vm_area(PAGE_SIZE, VM_IOREMAP);
		KT_TRUE(v && area);
		if (v && area)
			KT_EQ((unsigned long)area->addr,
			      (unsigned long)v + 3 * PAGE_SIZE);
		free_vm_area(area);
		vfree(v);
	}
	/* vmap: VM_NO_GUARD is dropped (with a warning), no VM_MAP added. */
	pages[0] = alloc_page(GFP_KERNEL);
	warns = atomic_load(&m->warn_count);
	p = vmap(pages, 1, VM_NO_GUARD, PAGE_KERNEL);
	KT_TRUE(p != NULL);
	KT_EQ(atomic_load(&m->warn_count), warns + 1);
	KT_EQ(find_vm_area(p)->flags, 0);
	KT_EQ(find_vm_area(p)->size, 2 * PAGE_SIZE);	/* with its guard */
	vunmap(p);
	KT_EQ(vmap(pages, 1, VM_FLUSH_RESET_PERMS, PAGE_KERNEL), NULL);
	__free_page(pages[0]);
	KT_EQ(stats(m).nr_busy, 0);
	done(m);
}

KT_TEST(kvmalloc_chooses_as_linux)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 1, NULL);
	u8 *s, *l, *c, *r;
	unsigned long used;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	s = kvmalloc(1000, GFP_KERNEL);
	KT_TRUE(s && !is_vmalloc_addr(s));
	l = kvmalloc(KMALLOC_MAX_SIZE + 1, GFP_KERNEL);
	KT_TRUE(l && is_vmalloc_addr(l));
	/* Non-blocking: no vmalloc fallback. */
	KT_EQ(kvmalloc(KMALLOC_MAX_SIZE + 1, GFP_ATOMIC | __GFP_NOWARN), NULL);
	c = kvcalloc(1000, 8192, GFP_KERNEL);
	KT_TRUE(c && is_vmalloc_addr(c) && c[8191999] == 0);
	KT_EQ(kvmalloc_array(ULONG_MAX / 2, 4, GFP_KERNEL), NULL);
	memset(s, 0x3c, 1000);
	r = kvrealloc(s, KMALLOC_MAX_SIZE * 2, GFP_KERNEL);
	KT_TRUE(r && is_vmalloc_addr(r) && r[999] == 0x3c);
	used = vmalloc_nr_pages();
	r = kvrealloc(r, 100, GFP_KERNEL);	/* shrinks in place */
	KT_TRUE(is_vmalloc_addr(r) && r[99] == 0x3c);
	KT_EQ(vmalloc_nr_pages(), used);
	kvfree(r);
	kvfree(l);
	kvfree(c);
	kvfree(kvzalloc(64, GFP_KERNEL));
	kvfree(kvzalloc_node(3 * PAGE_SIZE, GFP_KERNEL, 0));
	KT_EQ(vmalloc_nr_pages(), 0);
	done(m);
}

KT_TEST(bad_input_warns_and_changes_nothing)
{
	struct kmm_machine *m = boot_vm(256ULL << 20, 1, 1, NULL);
	struct kmm_vmalloc_stats before;
	unsigned long base;
	size_t mark;
	char *log;
	u8 *p;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = vmalloc(4 * PAGE_SIZE);
	before = stats(m);
	mark = log_mark(m);
	vfree(p + PAGE_SIZE);			/* inside, not the start */
	vfree((u8 *)0x1000);			/* not vmalloc at all */
	vfree(p + 1);				/* unaligned */
	log = log_since(m, mark);
	KT_CONTAINS(log, "Trying to vfree() nonexistent vm area (");
	KT_CONTAINS(log, "Trying to vfree() bad address (");
	free(log);
	KT_EQ(stats(m).nr_busy, before.nr_busy);
	KT_EQ(vmalloc_nr_pages(), 4);
	p[3] = 1;
	vfree(p);
	mark = log_mark(m);
	vfree(p);				/* twice */
	log = log_since(m, mark);
	KT_CONTAINS(log, "Trying to vfree() nonexistent vm area (");
	free(log);
	KT_EQ(vmalloc_nr_pages(), 0);

	KT_EQ(vmalloc(0), NULL);
	mark = log_mark(m);
	KT_EQ(vmalloc(ULONG_MAX), NULL);
	KT_EQ(vmalloc(ULONG_MAX - PAGE_SIZE + 2), NULL);
	log = log_since(m, mark);
	KT_CONTAINS(log, "vmalloc error: size 18446744073709551615, exceeds total pages, mode:0xcc0(GFP_KERNEL)");
	free(log);
	KT_EQ(__vmalloc(1UL << 40, GFP_KERNEL | __GFP_NOWARN), NULL);
	/* Address space: larger than the window. */
	mark = log_mark(m);
	KT_EQ(get_vm_area(1UL << 46, VM_IOREMAP), NULL);
	log = log_since(m, mark);
	KT_CONTAINS(log, "vmalloc_node_range for size 70368744181760 failed: Address range restricted to 0xffffc90000000000 - 0xffffe8ffffffffff\n");
	free(log);

	/* Pages run out part-way: everything comes back. */
	base = free_pages_settled();
	/* The size error above used warn_alloc's one report in 10 s. */
	ratelimit_expire(&m->nopage_rs);
	mark = log_mark(m);
	p = vmalloc((unsigned long)atomic_load(&m->totalram) << PAGE_SHIFT);
	KT_EQ(p, NULL);
	log = log_since(m, mark);
	KT_CONTAINS(log, "vmalloc error: size ");
	KT_CONTAINS(log, ", failed to allocate pages, mode:0xcc2(GFP_KERNEL|__GFP_HIGHMEM)");
	free(log);
	KT_EQ(vmalloc_nr_pages(), 0);
	KT_EQ(stats(m).nr_busy, 0);
	vm_unmap_aliases();
	KT_EQ(stats(m).nr_free, 1);
	KT_TRUE(free_pages_settled() + 8 >= base);
	mark = log_mark(m);
	KT_EQ(__vmalloc((unsigned long)atomic_load(&m->totalram) << PAGE_SHIFT, GFP_KERNEL | __GFP_NOWARN), NULL);
	log = log_since(m, mark);
	KT_TRUE(strstr(log, "vmalloc error") == NULL);
	free(log);
	done(m);
}

KT_TEST(fragmented_range_merges_back)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 1, 2, "kmm_verify=1");
	enum { N = 300 };
	u8 *p[N], *big;
	void *win;
	unsigned long wsize;
	unsigned int seed = 7;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_vmalloc_window(m, &win, &wsize);
	for (int i = 0; i < N; i++)
		p[i] = vmalloc((1 + rand_r(&seed) % 8) * PAGE_SIZE);
	for (int i = N - 1; i > 0; i--) {
		int j = rand_r(&seed) % (i + 1);

		swap(p[i], p[j]);
	}
	for (int i = 0; i < N; i++) {
		vfree(p[i]);
		if (i == N / 2) {
			vm_unmap_aliases();
			KT_TRUE(stats(m).nr_free > 10);
		}
	}
	KT_EQ(stats(m).nr_busy, 0);
	KT_TRUE(stats(m).lazy_pages > 0);
	vm_unmap_aliases();
	/* Needs the gaps merged: all of the first ~N*5 pages. */
	big = vmalloc(N * 4 * PAGE_SIZE);
	KT_TRUE(big == (u8 *)win);
	vfree(big);
	vm_unmap_aliases();
	KT_EQ(stats(m).nr_free, 1);
	KT_EQ(stats(m).largest_free, wsize);
	KT_EQ(stats(m).verify_errors, 0);
	KT_EQ(kmm_vmalloc_verify(m, (char[128]){0}, 128), 0);
	done(m);
}

KT_TEST(lazy_free_purges_past_lazy_max_pages)
{
	struct kmm_machine *m = boot_vm(512ULL << 20, 1, 1, NULL);
	unsigned long purges, per, chunk = 8UL << 20;
	char *info;
	u8 *p, *q;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	KT_EQ(kmm_vmalloc_lazy_max_pages(m), 8192);	/* fls(1) * 32 MiB */
	m->nr_online_cpus = 8;	/* num_online_cpus() */
	KT_EQ(kmm_vmalloc_lazy_max_pages(m), 32768);	/* the facts' example */
	m->nr_online_cpus = 1;
	purges = stats(m).nr_purges;
	/* The area and its guard page, and its vmalloc'ed page array. */
	per = chunk / PAGE_SIZE + 1 + (chunk / PAGE_SIZE * 8 / PAGE_SIZE + 1);
	p = vmalloc(chunk);
	vfree(p);
	KT_EQ(stats(m).lazy_pages, per);
	info = machine_report(m, "vmallocinfo");
	KT_CONTAINS(info, "unpurged vm_area\n");
	free(info);
	/* The address is not reused before a purge. */
	q = vmalloc(chunk);
	KT_TRUE(q != p);
	vfree(q);
	vfree(vmalloc(chunk));
	KT_EQ(stats(m).lazy_pages, 3 * per);
	KT_EQ(stats(m).nr_purges, purges);
	vfree(vmalloc(chunk));			/* 4 * 2054 > 8192 */
	KT_EQ(stats(m).nr_purges, purges + 1);
	/* The purge ran when the area went; its page array followed. */
	KT_EQ(stats(m).lazy_pages, per - chunk / PAGE_SIZE - 1);
	vm_unmap_aliases();
	KT_EQ(stats(m).lazy_pages, 0);
	KT_EQ(stats(m).nr_free, 1);
	KT_TRUE(vmalloc(PAGE_SIZE) == p);
	done(m);
}

KT_TEST(vmallocinfo_and_meminfo)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 2, 2, NULL);
	char *info, *mi, want[128];
	u8 *p, *big;
	void *pg[1];
	struct page *page;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = vmalloc_node(3 * PAGE_SIZE, 1);
	big = vmalloc(600 * PAGE_SIZE);		/* page array > 4 KiB */
	page = alloc_page(GFP_KERNEL);
	pg[0] = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	info = machine_report(m, "vmallocinfo");
	KT_TRUE(info != NULL);
	snprintf(want, sizeof(want), "0x%016lx-0x%016lx   16384 ",
		 vmalloc_kaddr(p), vmalloc_kaddr(p) + 4 * PAGE_SIZE);
	KT_CONTAINS(info, want);
	KT_CONTAINS(info, " pages=3 vmalloc N1=3\n");
	KT_CONTAINS(info, " pages=600 vmalloc vpages N");
	KT_CONTAINS(info, " vmap\n");
	KT_CONTAINS(info, "0xffffc900");
	free(info);
	mi = machine_report(m, "meminfo");
	KT_CONTAINS(mi, "VmallocTotal:   34359738367 kB\n");
	snprintf(want, sizeof(want), "VmallocUsed:    %8lu kB\n",
		 (3 + 600 + 2) * 4UL);	/* the page array took 2 pages */
	KT_CONTAINS(mi, want);
	KT_CONTAINS(mi, "VmallocChunk:          0 kB\n");
	free(mi);
	vunmap(pg[0]);
	__free_page(page);
	vfree(p);
	vfree(big);
	mi = machine_report(m, "meminfo");
	KT_CONTAINS(mi, "VmallocUsed:           0 kB\n");
	free(mi);
	done(m);
}

struct stress {
	struct kmm_machine *m;
	atomic_int bad;
};

static void stress_fn(void *arg, int idx)
{
	struct stress *s = arg;
	u8 *live[16] = { 0 };
	unsigned long sz[16] = { 0 };
	unsigned int seed = 1234 + (unsigned int)idx;

	kmm_machine_enter(s->m);
	for (int it = 0; it < 1500; it++) {
		int k = rand_r(&seed) % 16;

		if (live[k]) {
			for (unsigned long o = 0; o < sz[k]; o += PAGE_SIZE)
				if (live[k][o] != (u8)(k + idx))
					atomic_fetch_add(&s->bad, 1);
			vfree(live[k]);
			live[k] = NULL;
		} else {
			sz[k] = (1 + rand_r(&seed) % 24) * PAGE_SIZE;
			live[k] = rand_r(&seed) % 4 ? vmalloc(sz[k]) :
				__vmalloc_node(sz[k], PAGE_SIZE << (rand_r(&seed) % 6),
					       GFP_KERNEL, NUMA_NO_NODE, NULL);
			if (!live[k]) {
				atomic_fetch_add(&s->bad, 1);
				continue;
			}
			for (unsigned long o = 0; o < sz[k]; o += PAGE_SIZE)
				live[k][o] = (u8)(k + idx);
		}
	}
	for (int k = 0; k < 16; k++)
		vfree(live[k]);
	kmm_machine_enter(NULL);
}

KT_TEST(multithreaded_stress_gives_everything_back)
{
	struct kmm_machine *m = boot_vm(1ULL << 30, 2, 4, NULL);
	struct stress s = { m, 0 };
	unsigned long base, pt0, after;
	void *win;
	unsigned long wsize;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	kmm_vmalloc_window(m, &win, &wsize);
	/* Warm up: the page directory and the free tree's node exist. */
	vfree(vmalloc(PAGE_SIZE));
	vm_unmap_aliases();
	base = free_pages_settled();
	pt0 = stats(m).pt_pages;
	kmm_plat_run_parallel(4, stress_fn, &s);
	KT_EQ(atomic_load(&s.bad), 0);
	KT_EQ(vmalloc_nr_pages(), 0);
	KT_EQ(stats(m).nr_busy, 0);
	vm_unmap_aliases();
	KT_EQ(stats(m).nr_free, 1);
	KT_EQ(stats(m).largest_free, wsize);
	KT_EQ(kmm_vmalloc_verify(m, (char[128]){0}, 128), 0);
	after = free_pages_settled();
	/* Only page tables stay (Linux keeps kernel page tables). */
	KT_EQ(after + (stats(m).pt_pages - pt0), base);
	KT_EQ(atomic_load(&m->warn_count), 0);
	done(m);
}

KT_TEST(works_without_a_slab_layer)
{
	struct kmm_machine *m = boot_vm(256ULL << 20, 1, 1, "slab=off");
	u8 *p, *q;

	KT_TRUE(m != NULL);
	if (!m)
		return;
	p = vmalloc(3 * PAGE_SIZE);
	q = vzalloc(600 * PAGE_SIZE);
	KT_TRUE(p && q && q[600 * PAGE_SIZE - 1] == 0);
	KT_TRUE(aliases_ok(p, 3 * PAGE_SIZE, 9));
	vfree(p);
	vfree(q);
	p = vmalloc(PAGE_SIZE);		/* left for machine teardown */
	KT_EQ(vmalloc_nr_pages(), 1);
	done(m);
}

KT_MAIN()
