// SPDX-License-Identifier: MIT
/*
 * mm/vmalloc.c - virtually contiguous memory: vmalloc, vmap, kvmalloc.
 *
 * What.  Linux 6.12's vmalloc on x86_64 with 4-level paging: the range
 * [VMALLOC_START, VMALLOC_END] (32 TiB) is handed out as vmap_areas, each
 * followed by one unmapped guard page; vmalloc fills an area with pages of
 * the buddy allocator and maps them; vmap maps pages the caller owns,
 * vmap_pfn maps frames that are not RAM; kvmalloc tries kmalloc first.
 *
 * Address space.  The machine's kernel addresses are not host addresses, so
 * a host window stands for the bottom of the range: it is reserved
 * inaccessible (PROT_NONE) at vmalloc_init and kernel address
 * VMALLOC_START + x is host address window + x.  Every area lives inside
 * the window, so the pointers the API returns are host pointers a caller
 * dereferences; the reports print the kernel addresses (vmalloc_kaddr).
 * The window is the whole 32 TiB when a machine is that large; otherwise
 * it is four times the machine's physical span, at least 16 GiB, and at
 * most what the host grants (halved until a reservation succeeds), since a
 * process may hold many machines and sanitizers restrict address space.
 * VmallocTotal still reports Linux's 32 TiB.  The window is aligned to
 * 1 GiB, so alignments up to 1 GiB are the same in both address spaces.
 *
 * Data structures.  struct vmap_area [va_start, va_end) (host addresses,
 * guard page included).  Busy areas sit in an address-keyed balanced tree
 * (AVL, written here: insert, erase, in-order walk, find-containing);
 * free gaps sit in a second AVL tree augmented, as Linux's rb-tree is,
 * with subtree_max_size, the largest gap in each node's subtree.  Areas
 * freed by vfree/vunmap wait on a lazy list until a purge returns them to
 * the free tree.  Each area in use has a struct vm_struct (flags, pages
 * array, caller).  Page tables of our own, as x86_64's: a PGD page and
 * PUD/PMD/PTE pages from the buddy allocator (zeroed), entries holding the
 * frame's physical address and Linux's bits (PAGE_KERNEL = 0x8000...0163,
 * tables _KERNPG_TABLE = 0x63, 2 MiB leaves with _PAGE_PSE), indexed by
 * the kernel address, so vmalloc_to_page walks them.  The host mapping
 * mirrors them: each run of physically contiguous frames is mapped from
 * the machine's backing at its physical address, so a frame is the same
 * memory through the direct map and through vmalloc.
 *
 * Invariants (checked by kmm_vmalloc_verify, after every operation when
 * kmm_verify=1): both trees are AVL-balanced and ordered; every node's
 * subtree_max_size is the max of its own size and its children's; free
 * gaps do not overlap or touch (they are merged) and lie in the window;
 * busy areas do not overlap.
 *
 * Algorithms.  Allocation is Linux's lowest-address first fit: descend
 * left whenever the left subtree has a gap of size + align - 1 (size alone
 * when align <= PAGE_SIZE), else take the node if the aligned request fits
 * it, else go right; the start is ALIGN(va_start, align); the gap is then
 * consumed whole, from the left, from the right or split in two (a node is
 * preallocated before the lock for the split).  Freeing merges with the
 * neighbouring gaps.  Freed areas leave kmm's page tables at once
 * (vmalloc_to_page says NULL) but their addresses are reused only after a
 * purge, which runs when the lazily freed pages exceed lazy_max_pages() =
 * fls(CPUs) * 8192, when an allocation finds no gap (once, then retried),
 * or on vm_unmap_aliases().  Linux drains from a work item; kmm purges in
 * the freeing thread.  Linux clears the page-table entries at vfree but
 * flushes the TLB only at the purge, so a stale translation may reach a
 * freed page until then; kmm's host mapping plays the TLB: it stays until
 * the purge, which takes neighbouring lazy areas down in one host call (one
 * host call per vmalloc+vfree pair instead of two).  After the purge an
 * access faults.
 *
 * Pages.  vmalloc's pages come from the bulk allocator in chunks of 100
 * (order 0) or as split order-9 blocks for 2 MiB mappings (vmalloc_huge,
 * kvmalloc), falling back to small pages.  kmm first tries split blocks of
 * order 1..3 for multi-page order-0 requests (no reclaim, no warning): each
 * physically contiguous run costs one host mapping, and the order-0 free
 * lists of a running machine are fragmented.
 *
 * Locking.  free_lock guards the free tree, busy_lock the busy tree,
 * lazy_lock the lazy list; purges are serialised by purge_lock.  Page-table
 * entries are written with atomic stores (tables installed by
 * compare-and-swap); an area's own entries are written only by its owner.
 * No lock is held across page, slab or host mapping calls except the
 * vmallocinfo report (busy_lock, read only).
 *
 * Failure.  Bad sizes return NULL (size 0 with a WARN, as Linux); a
 * reversed range holds nothing; running out of pages or address space
 * part-way gives back every page and the range, with Linux's "vmalloc
 * error: size N, ..." warn_alloc() report unless __GFP_NOWARN.  vfree of
 * something that is not an area's start, or twice, warns "Trying to vfree()
 * nonexistent vm area" and changes nothing.  __GFP_NOFAIL retries a
 * failed area allocation for ever ("... vm_struct allocation failed.
 * Retrying.", rate-limited), as Linux does.
 *
 * Observability.  /proc/vmallocinfo (N_HIGH_MEMORY is N_NORMAL_MEMORY
 * without HIGHMEM) (kmm_report "vmallocinfo"), meminfo's
 * VmallocUsed, kmm_vmalloc_stats().
 *
 * Differences from Linux.  One vmap node: 6.12 has clamp(possible CPUs,
 * 1, 128) of them, each busy area on node (address / 16 pages) % nodes
 * (so its vmallocinfo is sorted node by node), and each node keeps pools
 * of purged areas of up to 256 pages that it hands out again to requests
 * of the same size, so after a purge a multi-CPU Linux may reuse addresses
 * that kmm's single free tree would place elsewhere.  No per-CPU vmap
 * blocks or vm_map_ram; purges inline; no vmap purge notifier chain;
 * free_vm_area of a mismatched area WARNs (Linux BUGs); vfree of a page-aligned address
 * inside an area is refused (Linux 6.12 frees the containing area); pages
 * are freed last to first so the per-CPU lists hand them back in ascending
 * order, and multi-page requests try order 1..3 blocks first (above), both
 * so that a mapping needs fewer host mappings (a run with a page held
 * elsewhere is freed page by page).
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/gfp.h>
#include <kmm/slab.h>
#include <kmm/vmalloc.h>
#include <kmm/printk.h>
#include <kmm/page_debug.h>
#include <kmm/string.h>
#include <kmm/platform.h>
#include <kmm/show_mem.h>
#include <kmm/vmstat.h>

struct vmap_area {
	unsigned long va_start, va_end;
	struct vmap_area *left, *right;
	int height;
	unsigned long subtree_max_size;	/* free tree only */
	struct vm_struct *vm;		/* busy: its vm_struct, if any */
	struct vmap_area *next;		/* lazy list; local free lists */
};

struct kmm_vmalloc_state {
	u8 *window;
	unsigned long win_size;
	unsigned long vstart, vend;	/* host addresses of the window */
	spinlock_t free_lock;
	struct vmap_area *free_root;
	spinlock_t busy_lock;
	struct vmap_area *busy_root;
	spinlock_t lazy_lock;
	struct vmap_area *lazy_head;
	atomic_long lazy_nr;
	spinlock_t purge_lock;
	spinlock_t init_lock;
	atomic_int ready;		/* free tree and PGD made */
	u64 *pgd;
	struct kmem_cache *va_cache;
	atomic_long nr_vmalloc_pages;
	atomic_long pt_pages;
	atomic_long nr_purges;
	atomic_long verify_errors;
	atomic_long host_maps;
};

#define GFP_RECLAIM_MASK	(__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | \
				 __GFP_FS | __GFP_NOWARN | __GFP_RETRY_MAYFAIL | \
				 __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC | \
				 __GFP_NOMEMALLOC)
#define GFP_VMALLOC32		(GFP_DMA32 | GFP_KERNEL)
#define IOREMAP_MAX_ORDER	PUD_SHIFT
#define VMALLOC_BULK_CHUNK	100

void vmalloc_init(void);
void kmm_vmalloc_destroy(struct kmm_machine *m);
int kmm_vmalloc_report(struct kmm_machine *m, const char *name,
		       const struct kmm_sink *out);

static inline struct kmm_vmalloc_state *VS(void)
{
	return kmm_current()->vmalloc;
}

static inline unsigned long va_size(const struct vmap_area *va)
{
	return va->va_end - va->va_start;
}

/* --- the AVL trees ---------------------------------------------------------- */

static inline int h(const struct vmap_area *n)
{
	return n ? n->height : 0;
}

static inline unsigned long sms(const struct vmap_area *n)
{
	return n ? n->subtree_max_size : 0;
}

static void upd(struct vmap_area *n, bool aug)
{
	int hl = h(n->left), hr = h(n->right);

	n->height = 1 + (hl > hr ? hl : hr);
	if (aug) {
		unsigned long s = va_size(n);

		if (sms(n->left) > s)
			s = sms(n->left);
		if (sms(n->right) > s)
			s = sms(n->right);
		n->subtree_max_size = s;
	}
}

static struct vmap_area *rot_right(struct vmap_area *n, bool aug)
{
	struct vmap_area *l = n->left;

	n->left = l->right;
	l->right = n;
	upd(n, aug);
	upd(l, aug);
	return l;
}

static struct vmap_area *rot_left(struct vmap_area *n, bool aug)
{
	struct vmap_area *r = n->right;

	n->right = r->left;
	r->left = n;
	upd(n, aug);
	upd(r, aug);
	return r;
}

static struct vmap_area *balance(struct vmap_area *n, bool aug)
{
	int bf;

	upd(n, aug);
	bf = h(n->left) - h(n->right);
	if (bf > 1) {
		if (h(n->left->left) < h(n->left->right))
			n->left = rot_left(n->left, aug);
		return rot_right(n, aug);
	}
	if (bf < -1) {
		if (h(n->right->right) < h(n->right->left))
			n->right = rot_right(n->right, aug);
		return rot_left(n, aug);
	}
	return n;
}

static struct vmap_area *avl_insert(struct vmap_area *root,
				    struct vmap_area *n, bool aug)
{
	if (!root) {
		n->left = n->right = NULL;
		upd(n, aug);
		return n;
	}
	if (n->va_start < root->va_start)
		root->left = avl_insert(root->left, n, aug);
	else
		root->right = avl_insert(root->right, n, aug);
	return balance(root, aug);
}

static struct vmap_area *avl_pop_min(struct vmap_area *root,
				     struct vmap_area **min, bool aug)
{
	if (!root->left) {
		*min = root;
		return root->right;
	}
	root->left = avl_pop_min(root->left, min, aug);
	return balance(root, aug);
}

/* Remove the node whose va_start is @key (it must be there). */
static struct vmap_area *avl_erase(struct vmap_area *root, unsigned long key,
				   bool aug)
{
	struct vmap_area *min;

	if (!root)
		return NULL;
	if (key < root->va_start) {
		root->left = avl_erase(root->left, key, aug);
	} else if (key > root->va_start) {
		root->right = avl_erase(root->right, key, aug);
	} else {
		if (!root->left || !root->right)
			return root->left ? root->left : root->right;
		root->right = avl_pop_min(root->right, &min, aug);
		min->left = root->left;
		min->right = root->right;
		return balance(min, aug);
	}
	return balance(root, aug);
}

/* Recompute the augmented values on the path to @key (sizes changed). */
static void avl_fix_path(struct vmap_area *root, unsigned long key)
{
	if (!root)
		return;
	if (key < root->va_start)
		avl_fix_path(root->left, key);
	else if (key > root->va_start)
		avl_fix_path(root->right, key);
	upd(root, true);
}

static struct vmap_area *find_containing(struct vmap_area *n,
					 unsigned long addr)
{
	while (n) {
		if (addr < n->va_start)
			n = n->left;
		else if (addr >= n->va_end)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

/* Free tree neighbours of @addr: last gap below and first gap at/above. */
static void find_neighbours(struct vmap_area *n, unsigned long addr,
			    struct vmap_area **prev, struct vmap_area **next)
{
	*prev = *next = NULL;
	while (n) {
		if (n->va_start < addr) {
			*prev = n;
			n = n->right;
		} else {
			*next = n;
			n = n->left;
		}
	}
}

/* --- allocating addresses ------------------------------------------------- */

static struct vmap_area *va_alloc(gfp_t gfp, int node)
{
	struct kmm_vmalloc_state *vs = VS();
	struct vmap_area *va;

	if (vs->va_cache)
		va = kmem_cache_alloc_node(vs->va_cache, gfp & GFP_RECLAIM_MASK,
					   node);
	else
		va = kmm_plat_alloc(sizeof(*va));
	if (va)
		memset(va, 0, sizeof(*va));
	return va;
}

static void va_free(struct vmap_area *va)
{
	struct kmm_vmalloc_state *vs = VS();

	if (!va)
		return;
	if (vs->va_cache)
		kmem_cache_free(vs->va_cache, va);
	else
		kmm_plat_free(va);
}

static void va_free_list(struct vmap_area *va)
{
	while (va) {
		struct vmap_area *next = va->next;

		va_free(va);
		va = next;
	}
}

static bool is_within_this_va(const struct vmap_area *va, unsigned long size,
			      unsigned long align, unsigned long vstart)
{
	unsigned long nva_start;

	nva_start = va->va_start > vstart ? va->va_start : vstart;
	nva_start = ALIGN(nva_start, align);
	if (nva_start + size < nva_start || nva_start < vstart)
		return false;
	return nva_start + size <= va->va_end;
}

static struct vmap_area *find_lowest(struct vmap_area *n, unsigned long size,
				     unsigned long align, unsigned long vstart,
				     unsigned long length)
{
	struct vmap_area *r;

	if (!n)
		return NULL;
	if (sms(n->left) >= length && vstart < n->va_start) {
		r = find_lowest(n->left, size, align, vstart, length);
		if (r)
			return r;
	}
	if (is_within_this_va(n, size, align, vstart))
		return n;
	if (sms(n->right) >= length)
		return find_lowest(n->right, size, align, vstart, length);
	return NULL;
}

/* Called with free_lock held; *spare may be consumed.  0: no room. */
static unsigned long __alloc_vmap_area(struct kmm_vmalloc_state *vs,
				       unsigned long size, unsigned long align,
				       unsigned long vstart, unsigned long vend,
				       struct vmap_area **spare,
				       struct vmap_area **to_free)
{
	unsigned long length = size, nva_start;
	struct vmap_area *va;

	if (align > PAGE_SIZE && vend - vstart != size) {
		length = size + align - 1;
		if (length < size)
			return 0;
	}
	va = find_lowest(vs->free_root, size, align, vstart, length);
	if (!va)
		return 0;
	nva_start = ALIGN(va->va_start > vstart ? va->va_start : vstart, align);
	if (nva_start + size > vend || nva_start + size < nva_start)
		return 0;

	if (va->va_start == nva_start && va->va_end == nva_start + size) {
		/* Full fit: the gap goes. */
		vs->free_root = avl_erase(vs->free_root, va->va_start, true);
		va->next = *to_free;
		*to_free = va;
	} else if (va->va_start == nva_start) {
		/* Left edge: the gap keeps its right part (order unchanged). */
		va->va_start += size;
		avl_fix_path(vs->free_root, va->va_start);
	} else if (va->va_end == nva_start + size) {
		/* Right edge. */
		va->va_end = nva_start;
		avl_fix_path(vs->free_root, va->va_start);
	} else {
		/* Middle: a new node for the left part. */
		struct vmap_area *lva = *spare;

		if (!lva)
			return 0;
		*spare = NULL;
		lva->va_start = va->va_start;
		lva->va_end = nva_start;
		va->va_start = nva_start + size;
		avl_fix_path(vs->free_root, va->va_start);
		vs->free_root = avl_insert(vs->free_root, lva, true);
	}
	return nva_start;
}

/* Return [va_start, va_end) to the free tree, merging; free_lock held. */
static void merge_or_add(struct kmm_vmalloc_state *vs, struct vmap_area *va,
			 struct vmap_area **to_free)
{
	struct vmap_area *prev, *next;
	bool merged = false;

	find_neighbours(vs->free_root, va->va_start, &prev, &next);
	if (next && next->va_start == va->va_end) {
		next->va_start = va->va_start;
		va->next = *to_free;
		*to_free = va;
		va = next;
		merged = true;
	}
	if (prev && prev->va_end == va->va_start) {
		if (merged) {
			vs->free_root = avl_erase(vs->free_root, va->va_start,
						  true);
			prev->va_end = va->va_end;
			va->next = *to_free;
			*to_free = va;
		} else {
			prev->va_end = va->va_end;
			va->next = *to_free;
			*to_free = va;
		}
		avl_fix_path(vs->free_root, prev->va_start);
		return;
	}
	if (merged) {
		avl_fix_path(vs->free_root, va->va_start);
		return;
	}
	va->vm = NULL;
	vs->free_root = avl_insert(vs->free_root, va, true);
}

static void vmalloc_verify_op(struct kmm_vmalloc_state *vs)
{
	struct kmm_machine *m = kmm_current();
	char err[256];

	if (likely(!m->verify_ops))
		return;
	if (kmm_vmalloc_verify(m, err, sizeof(err))) {
		atomic_fetch_add(&vs->verify_errors, 1);
		WARN(1, "kmm_verify: vmalloc: %s\n", err);
	}
}

/* Sort a lazy list by address (merge sort). */
static struct vmap_area *sort_by_addr(struct vmap_area *list)
{
	struct vmap_area *a = NULL, *b = NULL, *next, **tail, *out;
	bool flip = false;

	if (!list || !list->next)
		return list;
	for (; list; list = next, flip = !flip) {
		next = list->next;
		if (flip) {
			list->next = b;
			b = list;
		} else {
			list->next = a;
			a = list;
		}
	}
	a = sort_by_addr(a);
	b = sort_by_addr(b);
	tail = &out;
	while (a && b) {
		if (a->va_start < b->va_start) {
			*tail = a;
			a = a->next;
		} else {
			*tail = b;
			b = b->next;
		}
		tail = &(*tail)->next;
	}
	*tail = a ? a : b;
	return out;
}

/*
 * The purge: what Linux's TLB flush of the lazily freed ranges is to it,
 * taking the host mappings down (neighbouring areas in one call) is to
 * kmm; only then may the addresses be handed out again.
 */
static bool purge_vmap_area_lazy(struct kmm_vmalloc_state *vs)
{
	struct vmap_area *list, *va, *to_free = NULL;
	unsigned long nr = 0, run_start = 0, run_end = 0;

	spin_lock(&vs->purge_lock);
	spin_lock(&vs->lazy_lock);
	list = vs->lazy_head;
	vs->lazy_head = NULL;
	spin_unlock(&vs->lazy_lock);
	if (!list) {
		spin_unlock(&vs->purge_lock);
		return false;
	}
	list = sort_by_addr(list);
	for (va = list; va; va = va->next) {
		if (va->va_start != run_end) {
			if (run_end)
				kmm_plat_unmap((void *)run_start,
					       run_end - run_start);
			run_start = va->va_start;
		}
		run_end = va->va_end;
	}
	kmm_plat_unmap((void *)run_start, run_end - run_start);
	spin_lock(&vs->free_lock);
	while (list) {
		va = list;
		list = va->next;
		va->next = NULL;
		nr += va_size(va) >> PAGE_SHIFT;
		merge_or_add(vs, va, &to_free);
	}
	spin_unlock(&vs->free_lock);
	atomic_fetch_sub(&vs->lazy_nr, (long)nr);
	atomic_fetch_add(&vs->nr_purges, 1);
	spin_unlock(&vs->purge_lock);
	va_free_list(to_free);
	return true;
}

static unsigned long lazy_max_pages(struct kmm_machine *m)
{
	return (unsigned long)fls((unsigned int)m->nr_online_cpus) *
	       (32UL * 1024 * 1024 / PAGE_SIZE);
}

unsigned long kmm_vmalloc_lazy_max_pages(struct kmm_machine *m)
{
	return lazy_max_pages(m);
}

static void free_vmap_area_noflush(struct kmm_vmalloc_state *vs,
				   struct vmap_area *va)
{
	unsigned long nr = va_size(va) >> PAGE_SHIFT;
	long lazy;

	va->vm = NULL;
	spin_lock(&vs->lazy_lock);
	va->next = vs->lazy_head;
	vs->lazy_head = va;
	spin_unlock(&vs->lazy_lock);
	lazy = atomic_fetch_add(&vs->lazy_nr, (long)nr) + (long)nr;
	if ((unsigned long)lazy > lazy_max_pages(kmm_current()))
		purge_vmap_area_lazy(vs);
}

/*
 * The page directory and the free tree's first node are made at the first
 * allocation rather than in vmalloc_init, so that a machine that never uses
 * vmalloc has its page allocator exactly as before (tests depend on the
 * boot-time free lists).
 */
static bool vmalloc_late_init(struct kmm_vmalloc_state *vs)
{
	struct vmap_area *va;
	struct page *pgd;
	bool ok = true;

	spin_lock(&vs->init_lock);
	if (atomic_load_explicit(&vs->ready, memory_order_acquire))
		goto out;
	pgd = alloc_page(GFP_KERNEL | __GFP_ZERO);
	va = va_alloc(GFP_KERNEL, NUMA_NO_NODE);
	if (!pgd || !va) {
		if (pgd)
			__free_page(pgd);
		va_free(va);
		ok = false;
		goto out;
	}
	atomic_fetch_add(&vs->pt_pages, 1);
	__atomic_store_n(&vs->pgd, (u64 *)page_address(pgd), __ATOMIC_RELEASE);
	va->va_start = vs->vstart;
	va->va_end = vs->vend;
	spin_lock(&vs->free_lock);
	vs->free_root = avl_insert(NULL, va, true);
	spin_unlock(&vs->free_lock);
	atomic_store_explicit(&vs->ready, 1, memory_order_release);
out:
	spin_unlock(&vs->init_lock);
	return ok;
}

/*
 * @vstart, @vend: the part of the range to allocate in, as kernel
 * addresses ([vstart, vend), Linux's convention).  kmm has the vmalloc
 * range only, and only its bottom win_size bytes are backed by the host
 * window: the request is clipped to that, and a range outside it fails
 * (with Linux's "vmalloc_node_range for size N failed: Address range
 * restricted to S - E" warning, printk_ratelimit()ed, naming the range
 * the caller asked for).
 */
static struct vmap_area *alloc_vmap_area(unsigned long size,
					 unsigned long align,
					 unsigned long vstart,
					 unsigned long vend,
					 int node, gfp_t gfp,
					 struct vm_struct *vm)
{
	struct kmm_vmalloc_state *vs = VS();
	struct vmap_area *va, *spare, *to_free = NULL;
	unsigned long addr, hstart, hend, req_start = vstart, req_end = vend;
	bool purged = false;

	if (!vs || !size || (size & ~PAGE_MASK) || !align ||
	    (align & (align - 1)))
		return NULL;
	if (vstart < VMALLOC_START)
		vstart = VMALLOC_START;
	if (vstart > VMALLOC_START + vs->win_size)
		vstart = VMALLOC_START + vs->win_size;
	if (vend > VMALLOC_START + vs->win_size)
		vend = VMALLOC_START + vs->win_size;
	if (vend < vstart)
		vend = vstart;	/* reversed or outside: fails, with the warning */
	hstart = vs->vstart + (vstart - VMALLOC_START);
	hend = vs->vstart + (vend - VMALLOC_START);
	if (unlikely(!atomic_load_explicit(&vs->ready, memory_order_acquire)) &&
	    !vmalloc_late_init(vs))
		return NULL;
	va = va_alloc(gfp, node);
	if (!va)
		return NULL;
retry:
	spare = va_alloc(gfp, node);
	spin_lock(&vs->free_lock);
	addr = __alloc_vmap_area(vs, size, align, hstart, hend, &spare,
				 &to_free);
	spin_unlock(&vs->free_lock);
	va_free(spare);
	va_free_list(to_free);
	to_free = NULL;
	if (!addr) {
		if (!purged) {
			purged = true;
			if (purge_vmap_area_lazy(vs))
				goto retry;
		}
		if (!(gfp & __GFP_NOWARN) && printk_ratelimit())
			pr_warn("vmalloc_node_range for size %lu failed: Address range restricted to %#lx - %#lx\n",
				size, req_start, req_end);
		va_free(va);
		return NULL;
	}
	va->va_start = addr;
	va->va_end = addr + size;
	va->vm = vm;
	spin_lock(&vs->busy_lock);
	vs->busy_root = avl_insert(vs->busy_root, va, false);
	spin_unlock(&vs->busy_lock);
	vmalloc_verify_op(vs);
	return va;
}

/* --- page tables and the host mapping -------------------------------------- */

static inline unsigned long to_kaddr(const struct kmm_vmalloc_state *vs,
				     unsigned long addr)
{
	return VMALLOC_START + (addr - vs->vstart);
}

static inline u64 pte_load(u64 *e)
{
	return __atomic_load_n(e, __ATOMIC_ACQUIRE);
}

static inline void pte_store(u64 *e, u64 v)
{
	__atomic_store_n(e, v, __ATOMIC_RELEASE);
}

static inline u64 *table_of(u64 entry)
{
	return (u64 *)__va(entry & PTE_PFN_MASK);
}

/* The next level's table under @e, installing a zeroed one if asked. */
static u64 *pt_next(struct kmm_vmalloc_state *vs, u64 *e, bool create)
{
	u64 v = pte_load(e), expect = 0;
	struct page *p;

	if (v & _PAGE_PRESENT)
		return table_of(v);
	if (!create)
		return NULL;
	p = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!p)
		return NULL;
	v = PFN_PHYS(page_to_pfn(p)) | _KERNPG_TABLE;
	if (__atomic_compare_exchange_n(e, &expect, v, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		atomic_fetch_add(&vs->pt_pages, 1);
		return table_of(v);
	}
	__free_page(p);
	return table_of(expect);
}

/* The entry for kernel address @ka at PMD (level 2) or PTE (level 1). */
static u64 *pt_entry(struct kmm_vmalloc_state *vs, unsigned long ka,
		     int level, bool create)
{
	u64 *pgd = __atomic_load_n(&vs->pgd, __ATOMIC_ACQUIRE);
	u64 *pud, *pmd, *pte;

	if (!pgd)
		return NULL;
	pud = pt_next(vs, &pgd[(ka >> PGDIR_SHIFT) & 511], create);
	if (!pud)
		return NULL;
	pmd = pt_next(vs, &pud[(ka >> PUD_SHIFT) & 511], create);
	if (!pmd)
		return NULL;
	if (level == 2)
		return &pmd[(ka >> PMD_SHIFT) & 511];
	if (pte_load(&pmd[(ka >> PMD_SHIFT) & 511]) & _PAGE_PSE)
		return NULL;
	pte = pt_next(vs, &pmd[(ka >> PMD_SHIFT) & 511], create);
	if (!pte)
		return NULL;
	return &pte[(ka >> PAGE_SHIFT) & 511];
}

static void unmap_range(struct kmm_vmalloc_state *vs, unsigned long addr,
			unsigned long size)
{
	unsigned long a = addr, end = addr + size;

	while (a < end) {
		unsigned long ka = to_kaddr(vs, a);
		u64 *pmd = pt_entry(vs, ka, 2, false);

		if (!pmd) {
			a = ALIGN(a + 1, 1UL << PUD_SHIFT);
			continue;
		}
		if (pte_load(pmd) & _PAGE_PSE) {
			pte_store(pmd, 0);
			a += PMD_SIZE;
			continue;
		}
		if (!(pte_load(pmd) & _PAGE_PRESENT)) {
			a = ALIGN(a + 1, PMD_SIZE);
			continue;
		}
		pte_store(pt_entry(vs, ka, 1, false), 0);
		a += PAGE_SIZE;
	}
}

static enum kmm_prot host_prot(pgprot_t prot)
{
	if (!(prot.pgprot & _PAGE_PRESENT))
		return KMM_PROT_NONE;
	return (prot.pgprot & _PAGE_RW) ? KMM_PROT_RW : KMM_PROT_READ;
}

/*
 * Map frames pfns(i) for i < nr at @addr: page tables (2 MiB leaves where
 * @page_shift allows and the frames are aligned and contiguous) and the
 * host window, one host mapping per physically contiguous run.
 */
static int map_frames(struct kmm_vmalloc_state *vs, unsigned long addr,
		      unsigned int nr, pgprot_t prot, unsigned int page_shift,
		      struct page **pages, const unsigned long *pfns)
{
	struct kmm_machine *m = kmm_current();
	unsigned int i = 0;

#define PFN_AT(j) (pages ? page_to_pfn(pages[j]) : pfns[j])
	while (i < nr) {
		unsigned long pfn = PFN_AT(i), ka = to_kaddr(vs, addr) +
			((unsigned long)i << PAGE_SHIFT);
		unsigned int run = 1, step = 1;
		u64 *e;
		int ret;

		while (i + run < nr && PFN_AT(i + run) == pfn + run)
			run++;
		if (page_shift == PMD_SHIFT && IS_ALIGNED(ka, PMD_SIZE) &&
		    IS_ALIGNED(pfn, 512) && run >= 512)
			step = 512;
		if (step == 512) {
			run = run & ~511u;
			for (unsigned int j = 0; j < run; j += 512) {
				e = pt_entry(vs, ka + ((unsigned long)j << PAGE_SHIFT),
					     2, true);
				if (!e)
					return -ENOMEM;
				pte_store(e, PFN_PHYS(pfn + j) | prot.pgprot |
					  _PAGE_PSE);
			}
		} else {
			if (page_shift == PMD_SHIFT) {
				/* Stop at the next 2 MiB boundary. */
				unsigned long left = (PMD_SIZE -
					(ka & (PMD_SIZE - 1))) >> PAGE_SHIFT;

				if (run > left)
					run = (unsigned int)left;
			}
			for (unsigned int j = 0; j < run; j++) {
				e = pt_entry(vs, ka + ((unsigned long)j << PAGE_SHIFT),
					     1, true);
				if (!e)
					return -ENOMEM;
				pte_store(e, PFN_PHYS(pfn + j) | prot.pgprot);
			}
		}
		atomic_fetch_add_explicit(&vs->host_maps, 1, memory_order_relaxed);
		ret = kmm_plat_map_populate(m->backing, PFN_PHYS(pfn),
				   (u64)run << PAGE_SHIFT,
				   (void *)(addr + ((unsigned long)i << PAGE_SHIFT)),
				   host_prot(prot));
		if (ret)
			return ret;
		i += run;
	}
#undef PFN_AT
	return 0;
}

/* --- areas ------------------------------------------------------------------ */

static void *kv_meta_alloc(size_t size, gfp_t gfp, int node)
{
	if (kmm_current()->slab)
		return kzalloc_node(size, gfp, node);
	return kmm_plat_alloc_aligned(size, 16);
}

static void kv_meta_free(void *p)
{
	if (kmm_current()->slab)
		kfree(p);
	else
		kmm_plat_free(p);
}

static struct vm_struct *__get_vm_area_node(unsigned long size,
					    unsigned long align,
					    unsigned long shift,
					    unsigned long flags,
					    unsigned long start,
					    unsigned long end, int node,
					    gfp_t gfp, const void *caller)
{
	unsigned long requested_size = size;
	struct vm_struct *area;
	struct vmap_area *va;

	if (!VS())
		return NULL;
	if (size > ULONG_MAX - ((1UL << shift) - 1))
		return NULL;
	size = ALIGN(size, 1UL << shift);
	if (unlikely(!size))
		return NULL;
	if (flags & VM_IOREMAP) {
		/* get_count_order_long(size): the order that holds it. */
		int f = fls64(size - 1);

		if (f < PAGE_SHIFT)
			f = PAGE_SHIFT;
		if (f > IOREMAP_MAX_ORDER)
			f = IOREMAP_MAX_ORDER;
		align = 1UL << f;
	}
	if (!(flags & VM_NO_GUARD)) {
		if (size + PAGE_SIZE < size)
			return NULL;
		size += PAGE_SIZE;
	}
	area = kv_meta_alloc(sizeof(*area), gfp & GFP_RECLAIM_MASK, node);
	if (!area)
		return NULL;
	va = alloc_vmap_area(size, align, start, end, node, gfp, area);
	if (!va) {
		kv_meta_free(area);
		return NULL;
	}
	area->flags = flags;
	area->addr = (void *)va->va_start;
	area->size = size;
	area->requested_size = requested_size;
	area->caller = caller;
	return area;
}

struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags,
				     const void *caller)
{
	return __get_vm_area_node(size, 1, PAGE_SHIFT, flags, VMALLOC_START,
				  VMALLOC_END, NUMA_NO_NODE, GFP_KERNEL, caller);
}

struct vm_struct *get_vm_area(unsigned long size, unsigned long flags)
{
	return get_vm_area_caller(size, flags, __builtin_return_address(0));
}

struct vm_struct *find_vm_area(const void *addr)
{
	struct kmm_vmalloc_state *vs = VS();
	struct vmap_area *va;
	struct vm_struct *vm;

	if (!vs)
		return NULL;
	spin_lock(&vs->busy_lock);
	va = find_containing(vs->busy_root, (unsigned long)addr);
	vm = va ? va->vm : NULL;
	spin_unlock(&vs->busy_lock);
	return vm;
}

bool is_vmalloc_addr(const void *addr)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_vmalloc_state *vs = m ? m->vmalloc : NULL;
	unsigned long a = (unsigned long)addr;

	return vs && a >= vs->vstart && a < vs->vstart + vs->win_size;
}

unsigned long vmalloc_kaddr(const void *addr)
{
	struct kmm_vmalloc_state *vs = VS();

	if (!is_vmalloc_addr(addr))
		return 0;
	return to_kaddr(vs, (unsigned long)addr);
}

/* A pointer as the kernel would print it (no_hash_pointers): vmalloc,
 * direct-map and memmap addresses translated, others as they are. */
static void *pr_kaddr(const void *addr)
{
	if (is_vmalloc_addr(addr))
		return (void *)vmalloc_kaddr(addr);
	return KA(addr);
}

/*
 * Take the area starting exactly at @addr out of the busy tree, unmap it
 * and queue its addresses for the lazy purge.  NULL if there is none.
 */
struct vm_struct *remove_vm_area(const void *addr)
{
	struct kmm_vmalloc_state *vs = VS();
	struct vmap_area *va;
	struct vm_struct *vm;

	if (WARN(!IS_ALIGNED((unsigned long)addr, PAGE_SIZE),
		 "Trying to vfree() bad address (%px)\n", pr_kaddr(addr)))
		return NULL;
	if (!vs)
		return NULL;
	spin_lock(&vs->busy_lock);
	va = find_containing(vs->busy_root, (unsigned long)addr);
	if (!va || va->va_start != (unsigned long)addr || !va->vm) {
		spin_unlock(&vs->busy_lock);
		return NULL;
	}
	vs->busy_root = avl_erase(vs->busy_root, va->va_start, false);
	spin_unlock(&vs->busy_lock);
	vm = va->vm;
	unmap_range(vs, va->va_start, get_vm_area_size(vm));
	free_vmap_area_noflush(vs, va);
	vmalloc_verify_op(vs);
	return vm;
}

void free_vm_area(struct vm_struct *area)
{
	struct vm_struct *ret;

	ret = remove_vm_area(area->addr);
	WARN_ON(ret != area);
	kv_meta_free(area);
}

void vm_unmap_aliases(void)
{
	struct kmm_vmalloc_state *vs = VS();

	if (vs) {
		purge_vmap_area_lazy(vs);
		vmalloc_verify_op(vs);
	}
}

unsigned long vmalloc_nr_pages(void)
{
	struct kmm_machine *m = kmm_current();

	return m && m->vmalloc ?
		(unsigned long)atomic_load(&m->vmalloc->nr_vmalloc_pages) : 0;
}

/* --- vmalloc ------------------------------------------------------------- */

static unsigned int vm_area_alloc_pages(gfp_t gfp, int nid,
					unsigned int order,
					unsigned int nr_pages,
					struct page **pages)
{
	unsigned int nr_allocated = 0;
	int bulk_nid = nid == NUMA_NO_NODE ? numa_node_id() : nid;

	if (!order && nr_pages > 1) {
		/*
		 * kmm: physically contiguous runs first (orders 1..3, from the
		 * per-CPU lists, no reclaim), split as Linux splits huge
		 * blocks: each run is one host mapping instead of one per page.
		 */
		gfp_t run_gfp = (gfp | __GFP_NOWARN | __GFP_NORETRY) &
				~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL);

		while (nr_pages - nr_allocated >= 2) {
			unsigned int left = nr_pages - nr_allocated;
			unsigned int o = left >= 8 ? 3 : (unsigned int)fls(left) - 1;
			struct page *page = alloc_pages_node(bulk_nid, run_gfp, o);

			if (!page)
				break;
			split_page(page, o);
			for (unsigned int i = 0; i < (1U << o); i++)
				pages[nr_allocated + i] = page + i;
			nr_allocated += 1U << o;
		}
	}
	if (!order) {
		gfp_t bulk_gfp = gfp & ~__GFP_NOFAIL;

		while (nr_allocated < nr_pages) {
			unsigned int want = nr_pages - nr_allocated, got;

			if (want > VMALLOC_BULK_CHUNK)
				want = VMALLOC_BULK_CHUNK;
			got = (unsigned int)__alloc_pages_bulk(bulk_gfp, bulk_nid,
						NULL, (int)want, NULL,
						pages + nr_allocated);
			nr_allocated += got;
			if (got != want)
				break;
		}
	}
	while (nr_allocated < nr_pages) {
		struct page *page;

		if (nid == NUMA_NO_NODE)
			page = alloc_pages(gfp, order);
		else
			page = alloc_pages_node(nid, gfp, order);
		if (!page)
			break;
		if (order)
			split_page(page, order);
		for (unsigned int i = 0; i < (1U << order); i++)
			pages[nr_allocated + i] = page + i;
		nr_allocated += 1U << order;
	}
	return nr_allocated;
}

static void *__vmalloc_area_node(struct vm_struct *area, gfp_t gfp,
				 pgprot_t prot, unsigned int page_shift,
				 int node)
{
	struct kmm_vmalloc_state *vs = VS();
	gfp_t nested_gfp = (gfp & GFP_RECLAIM_MASK) | __GFP_ZERO;
	unsigned long size = get_vm_area_size(area);
	unsigned int nr_small_pages = (unsigned int)(size >> PAGE_SHIFT);
	unsigned long array_size = (unsigned long)nr_small_pages *
				   sizeof(struct page *);
	unsigned int order = page_shift - PAGE_SHIFT;

	if (!(gfp & (GFP_DMA | GFP_DMA32)))
		gfp |= __GFP_HIGHMEM;
	if (array_size > PAGE_SIZE)
		area->pages = __vmalloc_node(array_size, 1, nested_gfp, node,
					     area->caller);
	else if (kmm_current()->slab)
		area->pages = kmalloc_node(array_size, nested_gfp, node);
	else
		area->pages = kmm_plat_alloc_aligned(array_size, 16);
	if (!area->pages) {
		warn_alloc(gfp, NULL,
			   "vmalloc error: size %lu, failed to allocated page array size %lu",
			   (unsigned long)nr_small_pages * PAGE_SIZE, array_size);
		free_vm_area(area);
		return NULL;
	}
	area->page_order = order;
	/*
	 * The page allocator stays quiet (this function reports the failure
	 * itself), and a huge block is never __GFP_NOFAIL: the caller falls
	 * back to small pages.
	 */
	area->nr_pages = vm_area_alloc_pages((order ? gfp & ~__GFP_NOFAIL : gfp) |
					     __GFP_NOWARN, node, order,
					     nr_small_pages, area->pages);
	atomic_fetch_add(&vs->nr_vmalloc_pages, (long)area->nr_pages);
	if (area->nr_pages != nr_small_pages) {
		if (!order)
			warn_alloc(gfp, NULL,
				   "vmalloc error: size %lu, failed to allocate pages",
				   (unsigned long)area->nr_pages * PAGE_SIZE);
		goto fail;
	}
	if (map_frames(vs, (unsigned long)area->addr, area->nr_pages, prot,
		       page_shift, area->pages, NULL)) {
		warn_alloc(gfp, NULL, "vmalloc error: size %lu, failed to map pages",
			   (unsigned long)area->nr_pages * PAGE_SIZE);
		goto fail;
	}
	return area->addr;
fail:
	vfree(area->addr);
	return NULL;
}

static unsigned long totalram_pages(void)
{
	return (unsigned long)atomic_load(&kmm_current()->totalram);
}

void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end,
			   gfp_t gfp_mask, pgprot_t prot,
			   unsigned long vm_flags, int node,
			   const void *caller)
{
	struct kmm_machine *m = kmm_current();
	struct vm_struct *area;
	unsigned long real_size = size, real_align = align;
	unsigned int shift = PAGE_SHIFT;
	void *ret;

	if (WARN_ON_ONCE(!size))
		return NULL;
	if ((size >> PAGE_SHIFT) > totalram_pages()) {
		warn_alloc(gfp_mask, NULL,
			   "vmalloc error: size %lu, exceeds total pages",
			   real_size);
		return NULL;
	}
	if ((vm_flags & VM_ALLOW_HUGE_VMAP) &&
	    !kmm_strstr(m->desc.cmdline, "nohugevmalloc")) {
		unsigned long size_per_node = size;

		if (node == NUMA_NO_NODE && m->nr_online_nodes > 1)
			size_per_node /= (unsigned long)m->nr_online_nodes;
		if (size_per_node >= PMD_SIZE) {
			shift = PMD_SHIFT;
			align = real_align > PMD_SIZE ? real_align : PMD_SIZE;
			size = ALIGN(real_size, PMD_SIZE);
		}
	}
again:
	area = __get_vm_area_node(real_size, align, shift,
				  VM_ALLOC | VM_UNINITIALIZED | vm_flags, start,
				  end, node, gfp_mask, caller);
	if (!area) {
		bool nofail = gfp_mask & __GFP_NOFAIL;

		warn_alloc(gfp_mask, NULL,
			   "vmalloc error: size %lu, vm_struct allocation failed%s",
			   real_size, nofail ? ". Retrying." : "");
		if (nofail) {
			/* Linux sleeps a jiffy and tries again, for ever. */
			kmm_plat_cpu_relax();
			goto again;
		}
		goto fail;
	}
	ret = __vmalloc_area_node(area, gfp_mask, prot, shift, node);
	if (!ret)
		goto fail;
	__atomic_and_fetch(&area->flags, ~(unsigned long)VM_UNINITIALIZED,
			   __ATOMIC_RELEASE);
	return area->addr;
fail:
	if (shift > PAGE_SHIFT) {
		shift = PAGE_SHIFT;
		align = real_align;
		size = real_size;
		goto again;
	}
	(void)size;
	return NULL;
}

void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask,
		     int node, const void *caller)
{
	return __vmalloc_node_range(size, align, VMALLOC_START, VMALLOC_END,
				    gfp_mask, PAGE_KERNEL, 0, node, caller);
}

void *__vmalloc(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node(size, 1, gfp_mask, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

void *vmalloc(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_KERNEL, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

void *vmalloc_huge(unsigned long size, gfp_t gfp_mask)
{
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END,
				    gfp_mask, PAGE_KERNEL, VM_ALLOW_HUGE_VMAP,
				    NUMA_NO_NODE, __builtin_return_address(0));
}

void *vzalloc(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_KERNEL | __GFP_ZERO, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

void *vmalloc_user(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				    GFP_KERNEL | __GFP_ZERO, PAGE_KERNEL,
				    VM_USERMAP, NUMA_NO_NODE,
				    __builtin_return_address(0));
}

void *vmalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, 1, GFP_KERNEL, node,
			      __builtin_return_address(0));
}

void *vzalloc_node(unsigned long size, int node)
{
	return __vmalloc_node(size, 1, GFP_KERNEL | __GFP_ZERO, node,
			      __builtin_return_address(0));
}

void *vmalloc_32(unsigned long size)
{
	return __vmalloc_node(size, 1, GFP_VMALLOC32, NUMA_NO_NODE,
			      __builtin_return_address(0));
}

void *vmalloc_32_user(unsigned long size)
{
	return __vmalloc_node_range(size, PAGE_SIZE, VMALLOC_START, VMALLOC_END,
				    GFP_VMALLOC32 | __GFP_ZERO, PAGE_KERNEL,
				    VM_USERMAP, NUMA_NO_NODE,
				    __builtin_return_address(0));
}

/*
 * Are pages[0..n) one aligned, physically contiguous block, each page
 * held by the area alone (so that freeing them one by one would free each)?
 */
static bool is_block(struct page **pages, unsigned int n)
{
	unsigned long pfn = page_to_pfn(pages[0]);

	if (!IS_ALIGNED(pfn, n))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (page_to_pfn(pages[i]) != pfn + i ||
		    page_ref_count(pages[i]) != 1)
			return false;
	return true;
}

/*
 * Free an area's pages, last to first.  kmm: an aligned contiguous run of
 * 2, 4 or 8 pages (what vm_area_alloc_pages split) goes back as one block,
 * its pages made one allocation again (tails' count 0), so that it returns
 * to the per-CPU list of its order and the next mapping reuses it whole;
 * Linux frees every page alone.  A run with a page somebody else still
 * holds (get_page) is freed page by page, as Linux would.  Single pages go last to first, so the
 * per-CPU lists hand them out ascending.
 */
static void free_area_pages(struct page **pages, unsigned int nr)
{
	unsigned int i = nr;

	while (i > 0) {
		unsigned int k;

		for (k = 3; k > 0; k--) {
			unsigned int n = 1U << k;

			if (i >= n && is_block(pages + i - n, n))
				break;
		}
		if (k) {
			struct page *head = pages[i - (1U << k)];

			for (unsigned int j = 1; j < (1U << k); j++)
				atomic_store(&head[j]._refcount, 0);
			__free_pages(head, k);
			i -= 1U << k;
		} else {
			__free_page(pages[--i]);
		}
	}
}

void vfree(const void *addr)
{
	struct kmm_vmalloc_state *vs = VS();
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area(addr);
	if (unlikely(!vm)) {
		WARN(1, "Trying to vfree() nonexistent vm area (%px)\n",
		     pr_kaddr(addr));
		return;
	}
	free_area_pages(vm->pages, vm->nr_pages);
	if (!(vm->flags & VM_MAP_PUT_PAGES))
		atomic_fetch_sub(&vs->nr_vmalloc_pages, (long)vm->nr_pages);
	if (vm->pages) {
		if (is_vmalloc_addr(vm->pages))
			vfree(vm->pages);
		else if (kmm_current()->slab)
			kfree(vm->pages);
		else
			kmm_plat_free(vm->pages);
	}
	kv_meta_free(vm);
}

void vfree_atomic(const void *addr)
{
	/* No interrupt context in kmm: the work item would run vfree. */
	vfree(addr);
}

void *vrealloc(const void *p, size_t size, gfp_t flags)
{
	struct vm_struct *vm = NULL;
	size_t alloced = 0, old = 0;
	void *n;

	if (!size) {
		vfree(p);
		return NULL;
	}
	if (p) {
		vm = find_vm_area(p);
		if (unlikely(!vm)) {
			WARN(1, "Trying to vrealloc() nonexistent vm area (%px)\n",
			     pr_kaddr(p));
			return NULL;
		}
		alloced = get_vm_area_size(vm);
		old = vm->requested_size;
		if (WARN(alloced < old,
			 "vrealloc() has mismatched area vs requested sizes (%p)\n",
			 pr_kaddr(p)))
			return NULL;
	}
	if (size <= old) {
		if (kmm_current()->init_on_free || kmm_current()->init_on_alloc ||
		    (flags & __GFP_ZERO))
			memset((u8 *)p + size, 0, old - size);
		vm->requested_size = size;
		return (void *)p;
	}
	if (size <= alloced) {
		vm->requested_size = size;
		return (void *)p;
	}
	n = __vmalloc_node(size, 1, flags, NUMA_NO_NODE,
			   __builtin_return_address(0));
	if (!n)
		return NULL;
	if (p) {
		memcpy(n, p, old);
		vfree(p);
	}
	return n;
}

/* --- vmap ----------------------------------------------------------------- */

void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot)
{
	struct vm_struct *area;

	if (WARN_ON_ONCE(flags & VM_FLUSH_RESET_PERMS))
		return NULL;
	/* Its top guard is the next area's bottom guard: always one. */
	if (WARN_ON_ONCE(flags & VM_NO_GUARD))
		flags &= ~VM_NO_GUARD;
	if (!count || count > totalram_pages())
		return NULL;
	area = get_vm_area_caller((unsigned long)count << PAGE_SHIFT, flags,
				  __builtin_return_address(0));
	if (!area)
		return NULL;
	if (map_frames(VS(), (unsigned long)area->addr, count, pgprot_nx(prot),
		       PAGE_SHIFT, pages, NULL)) {
		vunmap(area->addr);
		return NULL;
	}
	if (flags & VM_MAP_PUT_PAGES) {
		area->pages = pages;
		area->nr_pages = count;
	}
	return area->addr;
}

void vunmap(const void *addr)
{
	struct vm_struct *vm;

	if (!addr)
		return;
	vm = remove_vm_area(addr);
	if (unlikely(!vm)) {
		WARN(1, "Trying to vunmap() nonexistent vm area (%px)\n",
		     pr_kaddr(addr));
		return;
	}
	kv_meta_free(vm);
}

void *vmap_pfn(unsigned long *pfns, unsigned int count, pgprot_t prot)
{
	struct vm_struct *area;

	if (!count)
		return NULL;
	for (unsigned int i = 0; i < count; i++)
		if (WARN_ON_ONCE(pfn_valid(pfns[i])))
			return NULL;
	area = get_vm_area_caller((unsigned long)count * PAGE_SIZE, VM_IOREMAP,
				  __builtin_return_address(0));
	if (!area)
		return NULL;
	/* Not executable, and special: no struct page behind them. */
	prot = pgprot_nx(prot);
	prot.pgprot |= _PAGE_SPECIAL;
	if (map_frames(VS(), (unsigned long)area->addr, count, prot,
		       PAGE_SHIFT, NULL, pfns)) {
		free_vm_area(area);
		return NULL;
	}
	return area->addr;
}

unsigned long vmalloc_to_pfn(const void *addr)
{
	struct kmm_vmalloc_state *vs = VS();
	unsigned long ka;
	u64 *e, v;

	if (!is_vmalloc_addr(addr))
		return 0;
	ka = to_kaddr(vs, (unsigned long)addr);
	e = pt_entry(vs, ka, 2, false);
	if (!e)
		return 0;
	v = pte_load(e);
	if (!(v & _PAGE_PRESENT))
		return 0;
	if (v & _PAGE_PSE)
		return (unsigned long)((v & PTE_PFN_MASK) >> PAGE_SHIFT) +
		       ((ka >> PAGE_SHIFT) & 511);
	e = pt_entry(vs, ka, 1, false);
	if (!e)
		return 0;
	v = pte_load(e);
	if (!(v & _PAGE_PRESENT))
		return 0;
	return (unsigned long)((v & PTE_PFN_MASK) >> PAGE_SHIFT);
}

u64 kmm_vmalloc_pte(const void *addr, int *level)
{
	struct kmm_vmalloc_state *vs = VS();
	unsigned long ka;
	u64 *e;

	*level = 0;
	if (!is_vmalloc_addr(addr))
		return 0;
	ka = to_kaddr(vs, (unsigned long)addr);
	e = pt_entry(vs, ka, 2, false);
	if (!e)
		return 0;
	if (pte_load(e) & _PAGE_PSE) {
		*level = 2;
		return pte_load(e);
	}
	e = pt_entry(vs, ka, 1, false);
	*level = e ? 1 : 0;
	return e ? pte_load(e) : 0;
}

struct page *vmalloc_to_page(const void *addr)
{
	unsigned long pfn = vmalloc_to_pfn(addr);

	return pfn && pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/* --- kvmalloc (mm/util.c) ------------------------------------------------------ */

static gfp_t kmalloc_gfp_adjust(gfp_t flags, size_t size)
{
	if (size > PAGE_SIZE) {
		flags |= __GFP_NOWARN;
		if (!(flags & __GFP_RETRY_MAYFAIL))
			flags |= __GFP_NORETRY;
		flags &= ~__GFP_NOFAIL;
	}
	return flags;
}

void *kvmalloc_node(size_t size, gfp_t flags, int node)
{
	void *ret;

	ret = kmalloc_node(size, kmalloc_gfp_adjust(flags, size), node);
	if (ret || size <= PAGE_SIZE)
		return ret;
	if (!gfpflags_allow_blocking(flags))
		return NULL;
	if (unlikely(size > 0x7fffffffUL)) {
		WARN_ON_ONCE(!(flags & __GFP_NOWARN));
		return NULL;
	}
	return __vmalloc_node_range(size, 1, VMALLOC_START, VMALLOC_END, flags,
				    PAGE_KERNEL, VM_ALLOW_HUGE_VMAP, node,
				    __builtin_return_address(0));
}

void *kvmalloc(size_t size, gfp_t flags)
{
	return kvmalloc_node(size, flags, NUMA_NO_NODE);
}

void *kvzalloc(size_t size, gfp_t flags)
{
	return kvmalloc_node(size, flags | __GFP_ZERO, NUMA_NO_NODE);
}

void *kvzalloc_node(size_t size, gfp_t flags, int node)
{
	return kvmalloc_node(size, flags | __GFP_ZERO, node);
}

void *kvmalloc_array(size_t n, size_t size, gfp_t flags)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kvmalloc_node(bytes, flags, NUMA_NO_NODE);
}

void *kvcalloc(size_t n, size_t size, gfp_t flags)
{
	return kvmalloc_array(n, size, flags | __GFP_ZERO);
}

void kvfree(const void *addr)
{
	if (is_vmalloc_addr(addr))
		vfree(addr);
	else
		kfree(addr);
}

void *kvrealloc(const void *p, size_t size, gfp_t flags)
{
	void *n;

	if (is_vmalloc_addr(p))
		return vrealloc(p, size, flags);
	n = krealloc(p, size, kmalloc_gfp_adjust(flags, size));
	if (!n) {
		n = kvmalloc(size, flags);
		if (!n)
			return NULL;
		if (p && !ZERO_OR_NULL_PTR(p)) {
			size_t old = ksize(p);

			memcpy(n, p, old < size ? old : size);
			kfree(p);
		}
	}
	return n;
}

/* --- init, teardown, verification, reports ----------------------------------- */

void vmalloc_init(void)
{
	struct kmm_machine *m = kmm_current();
	struct kmm_vmalloc_state *vs;
	unsigned long want, ram = PFN_PHYS(m->pfn_max);
	void *win = NULL;

	vs = kmm_plat_alloc_aligned(sizeof(*vs), 64);
	if (!vs)
		panic("vmalloc_init: out of host memory");
	memset(vs, 0, sizeof(*vs));
	spin_lock_init(&vs->free_lock);
	spin_lock_init(&vs->busy_lock);
	spin_lock_init(&vs->lazy_lock);
	spin_lock_init(&vs->purge_lock);
	spin_lock_init(&vs->init_lock);
	want = 16UL << 30;
	while (want < 4 * ram && want < VMALLOC_TOTAL + 1)
		want <<= 1;
	if (want > VMALLOC_TOTAL + 1)
		want = VMALLOC_TOTAL + 1;
	for (; want >= (256UL << 20); want >>= 1)
		if (!kmm_plat_va_reserve(want, 1UL << PUD_SHIFT, &win))
			break;
	if (!win)
		panic("vmalloc_init: cannot reserve a host window");
	vs->window = win;
	vs->win_size = want;
	vs->vstart = (unsigned long)win;
	vs->vend = vs->vstart + want;
	m->vmalloc = vs;
	if (m->slab)
		vs->va_cache = kmem_cache_create("vmap_area",
						 sizeof(struct vmap_area), 0,
						 SLAB_PANIC, NULL);
}

/* Without a slab layer the bookkeeping is host memory: give it back. */
static void free_host_tree(struct kmm_vmalloc_state *vs, struct vmap_area *n)
{
	if (!n)
		return;
	free_host_tree(vs, n->left);
	free_host_tree(vs, n->right);
	if (n->vm) {
		unsigned long pa = (unsigned long)n->vm->pages;

		if (pa < vs->vstart || pa >= vs->vend)
			kmm_plat_free(n->vm->pages);
		kmm_plat_free(n->vm);
	}
	kmm_plat_free(n);
}

void kmm_vmalloc_destroy(struct kmm_machine *m)
{
	struct kmm_vmalloc_state *vs = m->vmalloc;

	if (!vs)
		return;
	/* With slab, vmap_areas and page tables live in the machine's memory. */
	if (!vs->va_cache) {
		free_host_tree(vs, vs->free_root);
		free_host_tree(vs, vs->busy_root);
		while (vs->lazy_head) {
			struct vmap_area *next = vs->lazy_head->next;

			kmm_plat_free(vs->lazy_head);
			vs->lazy_head = next;
		}
	}
	kmm_plat_va_release(vs->window, vs->win_size);
	m->vmalloc = NULL;
	kmm_plat_free(vs);
}

void kmm_vmalloc_window(struct kmm_machine *m, void **start,
			unsigned long *size)
{
	struct kmm_vmalloc_state *vs = m->vmalloc;

	*start = vs ? vs->window : NULL;
	*size = vs ? vs->win_size : 0;
}

static void count_tree(const struct vmap_area *n, unsigned long *nr,
		       unsigned long *largest)
{
	if (!n)
		return;
	count_tree(n->left, nr, largest);
	(*nr)++;
	if (largest && va_size(n) > *largest)
		*largest = va_size(n);
	count_tree(n->right, nr, largest);
}

void kmm_vmalloc_stats(struct kmm_machine *m, struct kmm_vmalloc_stats *st)
{
	struct kmm_vmalloc_state *vs = m->vmalloc;

	memset(st, 0, sizeof(*st));
	if (!vs)
		return;
	spin_lock(&vs->busy_lock);
	count_tree(vs->busy_root, &st->nr_busy, NULL);
	spin_unlock(&vs->busy_lock);
	spin_lock(&vs->free_lock);
	count_tree(vs->free_root, &st->nr_free, &st->largest_free);
	spin_unlock(&vs->free_lock);
	st->lazy_pages = (unsigned long)atomic_load(&vs->lazy_nr);
	st->nr_purges = (unsigned long)atomic_load(&vs->nr_purges);
	st->pt_pages = (unsigned long)atomic_load(&vs->pt_pages);
	st->verify_errors = (unsigned long)atomic_load(&vs->verify_errors);
	st->host_maps = (unsigned long)atomic_load(&vs->host_maps);
}

struct verify_walk {
	char *err;
	size_t errlen;
	unsigned long last_end;
	bool first;
	bool free_tree;
	struct kmm_vmalloc_state *vs;
};

static int verify_node(const struct vmap_area *n, struct verify_walk *w)
{
	int hl, hr;
	unsigned long want;

	if (!n)
		return 0;
	if (verify_node(n->left, w))
		return -EINVAL;
	hl = h(n->left);
	hr = h(n->right);
	if (n->height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1) {
		snprintf_k(w->err, w->errlen, "unbalanced node at %#lx",
			   n->va_start);
		return -EINVAL;
	}
	if (n->va_end <= n->va_start || (n->va_start & ~PAGE_MASK) ||
	    (n->va_end & ~PAGE_MASK)) {
		snprintf_k(w->err, w->errlen, "bad area [%#lx, %#lx)",
			   n->va_start, n->va_end);
		return -EINVAL;
	}
	if (!w->first && (w->free_tree ? n->va_start <= w->last_end :
					 n->va_start < w->last_end)) {
		snprintf_k(w->err, w->errlen,
			   "%s area %#lx overlaps or touches the previous (end %#lx)",
			   w->free_tree ? "free" : "busy", n->va_start,
			   w->last_end);
		return -EINVAL;
	}
	if (n->va_start < w->vs->vstart || n->va_end > w->vs->vend) {
		snprintf_k(w->err, w->errlen, "area %#lx outside the range",
			   n->va_start);
		return -EINVAL;
	}
	if (w->free_tree) {
		want = va_size(n);
		if (sms(n->left) > want)
			want = sms(n->left);
		if (sms(n->right) > want)
			want = sms(n->right);
		if (n->subtree_max_size != want) {
			snprintf_k(w->err, w->errlen,
				   "subtree_max_size of %#lx is %lu, not %lu",
				   n->va_start, n->subtree_max_size, want);
			return -EINVAL;
		}
	}
	w->first = false;
	w->last_end = n->va_end;
	return verify_node(n->right, w);
}

int kmm_vmalloc_verify(struct kmm_machine *m, char *err, size_t errlen)
{
	struct kmm_vmalloc_state *vs = m->vmalloc;
	struct verify_walk w = { err, errlen, 0, true, true, vs };
	int ret;

	if (!vs)
		return 0;
	spin_lock(&vs->free_lock);
	ret = verify_node(vs->free_root, &w);
	spin_unlock(&vs->free_lock);
	if (ret)
		return ret;
	w.first = true;
	w.free_tree = false;
	spin_lock(&vs->busy_lock);
	ret = verify_node(vs->busy_root, &w);
	spin_unlock(&vs->busy_lock);
	return ret;
}

static void show_area(const struct vmap_area *n, const struct kmm_sink *out,
		      struct kmm_vmalloc_state *vs, unsigned int *counters)
{
	struct kmm_machine *m = kmm_current();
	const struct vm_struct *v;
	char sym[256];
	unsigned long flags;

	if (!n)
		return;
	show_area(n->left, out, vs, counters);
	v = n->vm;
	flags = v ? __atomic_load_n(&v->flags, __ATOMIC_ACQUIRE) : 0;
	if (v && !(flags & VM_UNINITIALIZED)) {
		unsigned long ka = to_kaddr(vs, (unsigned long)v->addr);
		int nid;

		kmm_sink_printf(out, "0x%016lx-0x%016lx %7ld", ka, ka + v->size,
				(long)v->size);
		if (v->caller) {
			if (!kmm_plat_symbolize(v->caller, sym, sizeof(sym)))
				kmm_sink_printf(out, " %s", sym);
			else
				kmm_sink_printf(out, " 0x%lx",
						(unsigned long)v->caller);
		}
		if (v->nr_pages)
			kmm_sink_printf(out, " pages=%d", (int)v->nr_pages);
		if (v->phys_addr)
			kmm_sink_printf(out, " phys=0x%016llx",
					(unsigned long long)v->phys_addr);
		if (flags & VM_IOREMAP)
			kmm_sink_printf(out, " ioremap");
		if (flags & VM_SPARSE)
			kmm_sink_printf(out, " sparse");
		if (flags & VM_ALLOC)
			kmm_sink_printf(out, " vmalloc");
		if (flags & VM_MAP)
			kmm_sink_printf(out, " vmap");
		if (flags & VM_USERMAP)
			kmm_sink_printf(out, " user");
		if (flags & VM_DMA_COHERENT)
			kmm_sink_printf(out, " dma-coherent");
		if (is_vmalloc_addr(v->pages))
			kmm_sink_printf(out, " vpages");
		memset(counters, 0, sizeof(unsigned int) * KMM_MAX_NODES);
		for (unsigned int i = 0; i < v->nr_pages; i++)
			counters[page_to_nid(v->pages[i])]++;
		for_each_node_state(nid, N_NORMAL_MEMORY)
			if (counters[nid])
				kmm_sink_printf(out, " N%d=%u", nid,
						counters[nid]);
		kmm_sink_printf(out, "\n");
	}
	(void)m;
	show_area(n->right, out, vs, counters);
}

static void vmallocinfo_show(struct kmm_machine *m, const struct kmm_sink *out)
{
	struct kmm_vmalloc_state *vs = m->vmalloc;
	unsigned int *counters;
	struct vmap_area *va;

	counters = kmm_plat_alloc(sizeof(unsigned int) * KMM_MAX_NODES);
	if (!counters)
		return;
	spin_lock(&vs->busy_lock);
	show_area(vs->busy_root, out, vs, counters);
	spin_unlock(&vs->busy_lock);
	spin_lock(&vs->lazy_lock);
	/* 6.12 keeps the lazy areas in an address-sorted tree and list. */
	vs->lazy_head = sort_by_addr(vs->lazy_head);
	for (va = vs->lazy_head; va; va = va->next) {
		unsigned long ka = to_kaddr(vs, va->va_start);

		kmm_sink_printf(out, "0x%016lx-0x%016lx %7ld unpurged vm_area\n",
				ka, ka + va_size(va), (long)va_size(va));
	}
	spin_unlock(&vs->lazy_lock);
	kmm_plat_free(counters);
}

int kmm_vmalloc_report(struct kmm_machine *m, const char *name,
		       const struct kmm_sink *out)
{
	if (kmm_strcmp(name, "vmallocinfo"))
		return -ENOENT;
	if (!m->vmalloc)
		return -EINVAL;
	vmallocinfo_show(m, out);
	return 0;
}
