/* SPDX-License-Identifier: MIT */
/*
 * lib/sort.c - in-place, unstable heapsort with the Linux sort() API.
 *
 * Theory of operation
 * -------------------
 * Boot code sorts small tables (e820 change points, memblock regions, NUMA
 * distances) where a bounded worst case, no recursion and no allocation
 * matter more than stability, so this is a heapsort, as in Linux.
 *
 * The array is first arranged as a binary max-heap (the children of index
 * i are 2i+1 and 2i+2), building it from the last parent back to the root.
 * Then, repeatedly, the maximum at the root is swapped with the last heap
 * element, the heap shrinks by one, and the new root is sifted down.
 *
 * Sifting is done "bottom-up" (Wegener's variant): first walk from the root
 * to a leaf, always stepping to the larger child, at one comparison per
 * level; the root element almost always belongs near the bottom, so then
 * climb back up that path to the first node that is not smaller than it.
 * Finally rotate the root element into that node, moving every element on
 * the path above it up one level, using only pairwise swaps.  This needs
 * about half the comparisons of the textbook sift-down.
 *
 * Elements are moved only through the swap callback; with none given,
 * generic_swap() exchanges the bytes, eight at a time where it can.
 */
#include <kmm/sort.h>
#include <kmm/string.h>

static void generic_swap(void *a, void *b, int size)
{
	unsigned char *x = a, *y = b;
	size_t n = (size_t)size;

	for (; n >= sizeof(u64); n -= sizeof(u64)) {
		u64 t, u;

		memcpy(&t, x, sizeof(t));
		memcpy(&u, y, sizeof(u));
		memcpy(x, &u, sizeof(u));
		memcpy(y, &t, sizeof(t));
		x += sizeof(u64);
		y += sizeof(u64);
	}
	while (n--) {
		unsigned char t = *x;

		*x++ = *y;
		*y++ = t;
	}
}

struct sort_ctx {
	char *base;
	size_t size;
	int (*cmp)(const void *, const void *);
	void (*swap_func)(void *, void *, int);
};

static inline void *elem(const struct sort_ctx *c, size_t i)
{
	return c->base + i * c->size;
}

static inline size_t heap_parent(size_t i)
{
	return (i - 1) / 2;
}

/* Restore the heap property below @root in a heap of @n elements. */
static void sift_down(const struct sort_ctx *c, size_t root, size_t n)
{
	size_t pos = root, child, at;

	/* Descend to a leaf along the larger children. */
	while ((child = 2 * pos + 1) < n) {
		if (child + 1 < n &&
		    c->cmp(elem(c, child + 1), elem(c, child)) > 0)
			child++;
		pos = child;
	}

	/* Climb to the deepest node on the path not below the root element. */
	while (pos != root && c->cmp(elem(c, root), elem(c, pos)) > 0)
		pos = heap_parent(pos);

	/*
	 * Rotate: swapping each ancestor in turn (nearest first) with the
	 * slot at @pos shifts the path up one level and leaves the old root
	 * element at @pos.
	 */
	for (at = pos; at != root;) {
		at = heap_parent(at);
		c->swap_func(elem(c, at), elem(c, pos), (int)c->size);
	}
}

void sort(void *base, size_t num, size_t size,
	  int (*cmp)(const void *, const void *),
	  void (*swap_func)(void *, void *, int))
{
	struct sort_ctx c = {
		.base = base,
		.size = size,
		.cmp = cmp,
		.swap_func = swap_func ? swap_func : generic_swap,
	};
	size_t i;

	if (num < 2 || !size)
		return;

	for (i = num / 2; i-- > 0;)
		sift_down(&c, i, num);

	for (i = num - 1; i > 0; i--) {
		c.swap_func(elem(&c, 0), elem(&c, i), (int)size);
		sift_down(&c, 0, i);
	}
}
