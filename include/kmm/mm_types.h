/* SPDX-License-Identifier: MIT */
/*
 * kmm/mm_types.h - struct page, one per physical page frame.
 *
 * Layout follows x86_64 Linux 6.12 so sizeof(struct page) == 64, which is
 * what makes the memmap cost 1/64 of RAM, here as there:
 *
 *	flags		node id, zone id and the PG_* bits (see page_flags.h)
 *	5 words		a union: lru + mapping + index + private for ordinary
 *			pages; compound_head for tail pages; slab's own view
 *	_mapcount	-1 when not mapped; holds the page type when typed
 *	_refcount	0 for a free or reserved-then-freed page
 *	memcg_data	unused here, kept for the size
 */
#ifndef KMM_MM_TYPES_H
#define KMM_MM_TYPES_H

#include <stdatomic.h>
#include <kmm/types.h>
#include <kmm/list.h>

struct page {
	unsigned long flags;
	union {
		struct {
			struct list_head lru;
			void *mapping;
			unsigned long index;
			unsigned long private;
		};
		struct {
			unsigned long compound_head;	/* bit 0 set: tail */
			unsigned long _cw[4];
		};
		unsigned long _words[5];
	};
	union {
		atomic_int _mapcount;
		unsigned int page_type;
	};
	atomic_int _refcount;
	unsigned long memcg_data;
};

_Static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");

#endif /* KMM_MM_TYPES_H */
