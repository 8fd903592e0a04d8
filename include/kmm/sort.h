/* SPDX-License-Identifier: MIT */
/*
 * kmm/sort.h - in-place array sort (lib/sort.c).
 *
 * sort() is an unstable heapsort with the Linux signature: @cmp orders two
 * elements like qsort()'s comparator, and @swap_func exchanges two elements
 * of @size bytes; pass NULL for the built-in byte-wise swap.  O(n log n)
 * time in the worst case, no recursion, no allocation.
 */
#ifndef KMM_SORT_H
#define KMM_SORT_H

#include <kmm/types.h>

void sort(void *base, size_t num, size_t size,
	  int (*cmp)(const void *, const void *),
	  void (*swap_func)(void *, void *, int));

#endif /* KMM_SORT_H */
