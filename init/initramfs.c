/* SPDX-License-Identifier: MIT */
/*
 * init/initramfs.c - populate_rootfs: the initrd's memory given back.
 *
 * What: the boot loader leaves an initrd (initramfs image) in RAM and
 * says where in boot_params; x86's setup_arch reserves it in memblock
 * (early_reserve_initrd), prints "RAMDISK: [mem ...]" and moves it into
 * the direct map if it lies outside (reserve_initrd, arch/x86/setup.c).
 * So it is not free when mem_init hands memory to the buddy allocator:
 * the "Memory:" line counts it as reserved.  At rootfs_initcall Linux
 * unpacks it and frees its pages (free_initrd_mem -> free_init_pages ->
 * free_reserved_area): "Freeing initrd memory: NK", and MemTotal grows by
 * as much.  The watermarks, computed at postcore_initcall, are not
 * recomputed: they stay those of the smaller machine, as in Linux.
 *
 * Data: the machine's initrd_pa_start/initrd_pa_end (Linux's initrd_start
 * and initrd_end, physical here), cleared once the initrd is gone.
 *
 * Algorithm (6.12's do_populate_rootfs and x86's free_initrd_mem): the
 * line CONFIG_BLK_DEV_RAM chooses ("Trying to unpack rootfs image as
 * initramfs..." or "Unpacking initramfs..."), then, unless retain_initrd,
 * the pages from the initrd's start to the end of its last page are
 * filled with POISON_FREE_INITMEM and freed one by one through the
 * per-CPU lists.  With debug_pagealloc, free_init_pages frees nothing:
 * it unmaps the range ("debug: unmapping init [mem ...]", kernel virtual
 * addresses) so that a stray access faults.
 *
 * Locking: boot only, on the boot thread.
 *
 * Differences from Linux: kmm has no VFS, so nothing is unpacked and the
 * image has no contents; the unpacking runs at its initcall, not
 * asynchronously; retain_initrd keeps the pages but makes no
 * /sys/firmware/initrd; there is no crash kernel for the initrd to share
 * pages with (kexec_free_initrd).
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/page_debug.h>

#define POISON_FREE_INITMEM	0xcc

void populate_rootfs(void);
unsigned long free_reserved_area(void *start, void *end, int poison,
				 const char *s);

/* x86's free_init_pages, for the whole pages of [@begin, @end). */
static void free_init_pages(const char *what, phys_addr_t begin,
			    phys_addr_t end)
{
	if (begin >= end)
		return;
	if (debug_pagealloc_enabled()) {
		pr_info("debug: unmapping init [mem %#010lx-%#010lx]\n",
			kmm_kernel_addr(__va(begin)),
			kmm_kernel_addr(__va(end)) - 1);
		for (phys_addr_t pa = begin; pa < end; pa += PAGE_SIZE)
			kmm_debug_pagealloc_map(pfn_to_page(PFN_DOWN(pa)), 1,
						false);
		return;
	}
	free_reserved_area(__va(begin), __va(end), POISON_FREE_INITMEM, what);
}

/*
 * x86's free_initrd_mem: the end rounded up to a page, since the loader
 * reserved the initrd's last page whole.
 */
static void free_initrd_mem(phys_addr_t start, phys_addr_t end)
{
	free_init_pages("initrd", start, PAGE_ALIGN(end));
}

void populate_rootfs(void)
{
	struct kmm_machine *m = kmm_current();

	if (!m->initrd_pa_start)
		return;
	if (m->desc.blk_dev_ram)
		pr_info("Trying to unpack rootfs image as initramfs...\n");
	else
		pr_info("Unpacking initramfs...\n");
	if (!m->params.retain_initrd)
		free_initrd_mem(m->initrd_pa_start, m->initrd_pa_end);
	m->initrd_pa_start = 0;
	m->initrd_pa_end = 0;
}
