/* SPDX-License-Identifier: MIT */
/*
 * kmm/vmalloc.h - virtually contiguous kernel memory (mm/vmalloc.c).
 *
 * Linux 6.12's names, flag values and semantics.  The range is x86_64's
 * with 4-level paging, [VMALLOC_START, VMALLOC_END]; a host address window
 * stands for its lower part (see mm/vmalloc.c), so the pointers these calls
 * return are ordinary host pointers that the caller may read and write, and
 * the reports print the kernel addresses they stand for (vmalloc_kaddr()).
 */
#ifndef KMM_VMALLOC_H
#define KMM_VMALLOC_H

#include <kmm/types.h>
#include <kmm/gfp.h>
#include <kmm/mm_types.h>

struct kmm_machine;

/* arch/x86/include/asm/pgtable_64_types.h, 4-level paging, no KASLR. */
#define VMALLOC_START		0xffffc90000000000UL
#define VMALLOC_SIZE_TB		32UL
#define VMALLOC_END		(VMALLOC_START + (VMALLOC_SIZE_TB << 40) - 1)
#define VMALLOC_TOTAL		(VMALLOC_END - VMALLOC_START)

/* vm_struct flags (include/linux/vmalloc.h). */
#define VM_IOREMAP		0x00000001
#define VM_ALLOC		0x00000002
#define VM_MAP			0x00000004
#define VM_USERMAP		0x00000008
#define VM_DMA_COHERENT		0x00000010
#define VM_UNINITIALIZED	0x00000020
#define VM_NO_GUARD		0x00000040
#define VM_KASAN		0x00000080
#define VM_FLUSH_RESET_PERMS	0x00000100
#define VM_MAP_PUT_PAGES	0x00000200
#define VM_ALLOW_HUGE_VMAP	0x00000400
#define VM_SPARSE		0x00001000

/* Page protections: x86 page-table entry bits. */
typedef struct { u64 pgprot; } pgprot_t;
#define _PAGE_PRESENT		0x001ULL
#define _PAGE_RW		0x002ULL
#define _PAGE_USER		0x004ULL
#define _PAGE_PWT		0x008ULL
#define _PAGE_PCD		0x010ULL
#define _PAGE_ACCESSED		0x020ULL
#define _PAGE_DIRTY		0x040ULL
#define _PAGE_PSE		0x080ULL
#define _PAGE_GLOBAL		0x100ULL
#define _PAGE_SOFTW1		0x200ULL
#define _PAGE_SPECIAL		_PAGE_SOFTW1	/* pte_mkspecial() */
#define _PAGE_NX		(1ULL << 63)
#define PTE_PFN_MASK		0x000ffffffffff000ULL
#define _KERNPG_TABLE		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define __PAGE_KERNEL		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | \
				 _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL		((pgprot_t){ __PAGE_KERNEL })
#define PAGE_KERNEL_RO		((pgprot_t){ __PAGE_KERNEL & ~_PAGE_RW })
#define PAGE_KERNEL_LARGE	((pgprot_t){ __PAGE_KERNEL | _PAGE_PSE })

static inline pgprot_t pgprot_nx(pgprot_t prot)
{
	prot.pgprot |= _PAGE_NX;
	return prot;
}
#define PGDIR_SHIFT		39
#define PUD_SHIFT		30
#define PMD_SHIFT		21
#define PMD_SIZE		(1UL << PMD_SHIFT)
#define PTRS_PER_PGD		512

struct vm_struct {
	struct vm_struct *next;
	void *addr;			/* host address of the area */
	unsigned long size;		/* including the guard page */
	unsigned long flags;
	struct page **pages;
	unsigned int page_order;
	unsigned int nr_pages;
	phys_addr_t phys_addr;
	const void *caller;
	unsigned long requested_size;
};

void *vmalloc(unsigned long size);
void *vzalloc(unsigned long size);
void *vmalloc_node(unsigned long size, int node);
void *vzalloc_node(unsigned long size, int node);
void *vmalloc_32(unsigned long size);
void *vmalloc_32_user(unsigned long size);
void *vmalloc_user(unsigned long size);
void *__vmalloc(unsigned long size, gfp_t gfp_mask);
void *__vmalloc_node(unsigned long size, unsigned long align, gfp_t gfp_mask,
		     int node, const void *caller);
void *__vmalloc_node_range(unsigned long size, unsigned long align,
			   unsigned long start, unsigned long end,
			   gfp_t gfp_mask, pgprot_t prot,
			   unsigned long vm_flags, int node,
			   const void *caller);
void *vmalloc_huge(unsigned long size, gfp_t gfp_mask);
void *vrealloc(const void *p, size_t size, gfp_t flags);
void vfree(const void *addr);
void vfree_atomic(const void *addr);

void *vmap(struct page **pages, unsigned int count, unsigned long flags,
	   pgprot_t prot);
void vunmap(const void *addr);
void *vmap_pfn(unsigned long *pfns, unsigned int count, pgprot_t prot);

struct page *vmalloc_to_page(const void *addr);
unsigned long vmalloc_to_pfn(const void *addr);
bool is_vmalloc_addr(const void *addr);
struct vm_struct *find_vm_area(const void *addr);
struct vm_struct *get_vm_area(unsigned long size, unsigned long flags);
struct vm_struct *get_vm_area_caller(unsigned long size, unsigned long flags,
				     const void *caller);
void free_vm_area(struct vm_struct *area);
struct vm_struct *remove_vm_area(const void *addr);
static inline unsigned long get_vm_area_size(const struct vm_struct *area)
{
	if (!(area->flags & VM_NO_GUARD))
		return area->size - PAGE_SIZE;
	return area->size;
}

/* Purge lazily freed areas now (Linux: the flush part of it). */
void vm_unmap_aliases(void);
/* Pages handed out by vmalloc (meminfo's VmallocUsed). */
unsigned long vmalloc_nr_pages(void);

/* kvmalloc: kmalloc first, vmalloc as 6.12's __kvmalloc_node decides. */
void *kvmalloc_node(size_t size, gfp_t flags, int node);
void *kvmalloc(size_t size, gfp_t flags);
void *kvzalloc(size_t size, gfp_t flags);
void *kvzalloc_node(size_t size, gfp_t flags, int node);
void *kvmalloc_array(size_t n, size_t size, gfp_t flags);
void *kvcalloc(size_t n, size_t size, gfp_t flags);
void *kvrealloc(const void *p, size_t size, gfp_t flags);
void kvfree(const void *addr);

/* --- kmm's own ------------------------------------------------------------ */

/* The kernel address a host address of the window stands for (0: none). */
unsigned long vmalloc_kaddr(const void *addr);
/* The host window: its start and the bytes areas may be placed in. */
void kmm_vmalloc_window(struct kmm_machine *m, void **start,
			unsigned long *size);
struct kmm_vmalloc_stats {
	unsigned long nr_busy;		/* areas in use */
	unsigned long nr_free;		/* free gaps in the free tree */
	unsigned long largest_free;	/* bytes of the largest gap */
	unsigned long lazy_pages;	/* pages waiting for a purge */
	unsigned long nr_purges;	/* purges run */
	unsigned long pt_pages;		/* page-table pages allocated */
	unsigned long verify_errors;	/* kmm_verify=1 failures */
	unsigned long host_maps;	/* host mappings made (one a run) */
};
void kmm_vmalloc_stats(struct kmm_machine *m, struct kmm_vmalloc_stats *st);
/* Check the trees' invariants; 0, or -EINVAL with the reason in err. */
int kmm_vmalloc_verify(struct kmm_machine *m, char *err, size_t errlen);
/* The leaf entry mapping @addr (level 1: PTE, 2: 2 MiB PMD; 0: none). */
u64 kmm_vmalloc_pte(const void *addr, int *level);
/* lazy_max_pages() of the machine. */
unsigned long kmm_vmalloc_lazy_max_pages(struct kmm_machine *m);

#endif /* KMM_VMALLOC_H */
