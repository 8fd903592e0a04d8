/* SPDX-License-Identifier: MIT */
/*
 * kmm/hugetlb.h - the hugetlb page pool (Linux 6.12's mm/hugetlb.c, the
 * parts a memory map and a command line decide): hstates, boot-time pools,
 * vm.nr_hugepages.
 */
#ifndef KMM_HUGETLB_H
#define KMM_HUGETLB_H

#include <kmm/types.h>
#include <kmm/list.h>

#define HUGE_MAX_HSTATE		2	/* x86_64: 2 MiB and 1 GiB */
#define HUGETLB_PAGE_ORDER	9	/* HPAGE_SHIFT - PAGE_SHIFT */
#define HUGETLB_GIGANTIC_ORDER	18	/* PUD_SHIFT - PAGE_SHIFT */
#define KMM_HUGE_NODES		64	/* KMM_MAX_NODES, for this header */

struct hstate {
	unsigned int order;
	unsigned long max_huge_pages;
	unsigned long nr_huge_pages, free_huge_pages;
	unsigned long max_huge_pages_node[KMM_HUGE_NODES];
	unsigned long nr_huge_pages_node[KMM_HUGE_NODES];
	unsigned long free_huge_pages_node[KMM_HUGE_NODES];
	/* Pool pages (head struct pages, linked by lru), per node. */
	struct list_head freelist[KMM_HUGE_NODES];
	int next_nid_to_alloc, next_nid_to_free;
	char name[32];			/* "2.00 MiB", "1.00 GiB" */
};

struct kmm_hugetlb {
	int nr_hstates;			/* hugetlb_max_hstate */
	int default_idx;		/* default_hstate_idx, -1: not yet */
	struct hstate hstates[HUGE_MAX_HSTATE];
	/* Command-line parsing state (hugepagesz=, hugepages=, ...). */
	bool parsed_valid_hugepagesz, parsed_default_hugepagesz;
	struct hstate *parsed_hstate;
	unsigned long *last_mhp;
	unsigned long default_hstate_max_huge_pages;
	unsigned long default_hugepages_in_node[KMM_HUGE_NODES];
	/*
	 * Gigantic pages taken from memblock, waiting for hugetlb_init: each
	 * page's first bytes hold its struct huge_bootmem_page, as in Linux.
	 */
	struct list_head huge_boot_pages;
};

struct kmm_machine;

/* Parameters (kernel/params.c): 0 always (a bad value warns). */
int hugepages_setup(struct kmm_machine *m, const char *s);
int hugepagesz_setup(struct kmm_machine *m, const char *s);
int default_hugepagesz_setup(struct kmm_machine *m, const char *s);
/* arch_initcall gigantic_pages_init, then subsys_initcall hugetlb_init. */
void gigantic_pages_init(void);
void hugetlb_init(void);
/* vm.nr_hugepages: the default hstate's pool, grown or shrunk. */
int hugetlb_set_nr_hugepages(struct kmm_machine *m, unsigned long count);
/* Meminfo's HugePages lines and Hugetlb; show_mem's per-node lines. */
struct kmm_sink;
void hugetlb_report_meminfo(struct kmm_machine *m, const struct kmm_sink *out);
void hugetlb_show_meminfo_node(struct kmm_machine *m, int nid);

#endif /* KMM_HUGETLB_H */
