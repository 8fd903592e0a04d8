/* SPDX-License-Identifier: MIT */
/*
 * kmm/slab.h - the slab allocators' API: kmem_cache_* and the kmalloc
 * family, as Linux 6.12's include/linux/slab.h declares them.
 *
 * Two implementations sit behind it, chosen at boot with `slab=slub` (the
 * default, Linux 6.12's mm/slub.c) or `slab=slab` (Linux 6.6's mm/slab.c).
 * Linux chose at build time; kmm lets one process boot one machine of each
 * and run the same workload on both.
 *
 * Flag values are the bits of Debian's x86_64 6.12 build (enum
 * _slab_flag_bits with MEMCG and KFENCE, without DEBUG_OBJECTS, FAILSLAB
 * and KASAN), so flags print as that kernel prints them.
 */
#ifndef KMM_SLAB_H
#define KMM_SLAB_H

#include <kmm/types.h>
#include <kmm/numa.h>
#include <kmm/gfp.h>

struct kmm_machine;

typedef unsigned int slab_flags_t;

#define SLAB_CONSISTENCY_CHECKS	((slab_flags_t)0x000001u)
#define SLAB_RED_ZONE	((slab_flags_t)0x000002u)
#define SLAB_POISON	((slab_flags_t)0x000004u)
#define SLAB_KMALLOC	((slab_flags_t)0x000008u)
#define SLAB_HWCACHE_ALIGN	((slab_flags_t)0x000010u)
#define SLAB_CACHE_DMA	((slab_flags_t)0x000020u)
#define SLAB_CACHE_DMA32	((slab_flags_t)0x000040u)
#define SLAB_STORE_USER	((slab_flags_t)0x000080u)
#define SLAB_PANIC	((slab_flags_t)0x000100u)
#define SLAB_TYPESAFE_BY_RCU	((slab_flags_t)0x000200u)
#define SLAB_TRACE	((slab_flags_t)0x000400u)
#define SLAB_NOLEAKTRACE	((slab_flags_t)0x000800u)
#define SLAB_NO_MERGE	((slab_flags_t)0x001000u)
#define SLAB_ACCOUNT	((slab_flags_t)0x002000u)
#define SLAB_NO_USER_FLAGS	((slab_flags_t)0x004000u)
#define SLAB_SKIP_KFENCE	((slab_flags_t)0x008000u)
#define SLAB_RECLAIM_ACCOUNT	((slab_flags_t)0x010000u)
#define SLAB_OBJECT_POISON	((slab_flags_t)0x020000u)
#define SLAB_CMPXCHG_DOUBLE	((slab_flags_t)0x040000u)
#define SLAB_NO_OBJ_EXT	((slab_flags_t)0x080000u)
#define SLAB_FAILSLAB		((slab_flags_t)0)	/* no CONFIG_FAILSLAB */
#define SLAB_TEMPORARY		SLAB_RECLAIM_ACCOUNT

/* kmalloc(0) returns this: not NULL, not usable, accepted by kfree. */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)

#define ARCH_KMALLOC_MINALIGN	8
#define KMALLOC_MIN_SIZE	8
#define KMALLOC_SHIFT_LOW	3
#define KMALLOC_SHIFT_HIGH	(PAGE_SHIFT + 1)
#define KMALLOC_SHIFT_MAX	(MAX_PAGE_ORDER + PAGE_SHIFT)
#define KMALLOC_MAX_SIZE	(1UL << KMALLOC_SHIFT_MAX)
#define KMALLOC_MAX_CACHE_SIZE	(1UL << KMALLOC_SHIFT_HIGH)
#define KMALLOC_MAX_ORDER	(KMALLOC_SHIFT_MAX - PAGE_SHIFT)

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
struct kmem_cache *kmem_cache_create_usercopy(const char *name,
					      unsigned int size,
					      unsigned int align,
					      slab_flags_t flags,
					      unsigned int useroffset,
					      unsigned int usersize,
					      void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *s);
int kmem_cache_shrink(struct kmem_cache *s);
unsigned int kmem_cache_size(struct kmem_cache *s);
const char *kmem_cache_name(struct kmem_cache *s);

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t flags);
void *kmem_cache_alloc_node(struct kmem_cache *s, gfp_t flags, int node);
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t flags);
void kmem_cache_free(struct kmem_cache *s, void *objp);
int kmem_cache_alloc_bulk(struct kmem_cache *s, gfp_t flags, size_t nr,
			  void **p);
void kmem_cache_free_bulk(struct kmem_cache *s, size_t nr, void **p);

void *kmalloc(size_t size, gfp_t flags);
void *kmalloc_node(size_t size, gfp_t flags, int node);
void *kzalloc(size_t size, gfp_t flags);
void *kzalloc_node(size_t size, gfp_t flags, int node);
void *kmalloc_array(size_t n, size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
void kfree(const void *objp);
void kfree_sensitive(const void *objp);
size_t ksize(const void *objp);
size_t kmalloc_size_roundup(size_t size);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);
char *kstrndup(const char *s, size_t max, gfp_t gfp);

/*
 * The grace period behind SLAB_TYPESAFE_BY_RCU (kernel/rcu.c): a reader
 * section on the calling thread's CPU, and the waits for every section
 * begun before the call to end.
 */
void rcu_read_lock(void);
void rcu_read_unlock(void);
void synchronize_rcu(void);
/* Wait for every deferred slab free queued so far to have run. */
void rcu_barrier(void);

/*
 * kmm only: one pass of the periodic slab work (RCU callbacks, then SLAB's
 * cache_reap on every cache).  Linux's reaper runs every 2 s
 * (REAPTIMEOUT_AC); kmm runs it when the caller asks, and a call stands
 * for 2 s of time (kmm_vmstat_tick, Linux's 1 s vmstat worker, does not
 * call it).
 */
void kmm_slab_tick(struct kmm_machine *m);
/* kmm only: check every slab of every cache; returns problems found. */
long kmm_slab_validate(struct kmm_machine *m);
/*
 * kmm only: the bootstrap as it happened: each slab_state reached (DOWN 0,
 * PARTIAL 1, PARTIAL_NODE 2, UP 3, FULL 4) and how many caches were on the
 * list then.  Returns the number of steps (at most @max).
 */
int kmm_slab_bootstrap_history(struct kmm_machine *m, int *states,
			       int *nr_caches, int max);
/* kmm only: misuse reports (BUG lines) printed so far. */
long kmm_slab_errors(struct kmm_machine *m);
/* A slab report tainted the machine (B, TAINT_BAD_PAGE) as Linux's would. */
bool kmm_slab_tainted(struct kmm_machine *m);

#endif /* KMM_SLAB_H */
