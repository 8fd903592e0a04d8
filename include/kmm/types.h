/* SPDX-License-Identifier: MIT */
/*
 * kmm/types.h - the basic types and helpers every part of kmm uses.
 *
 * Only freestanding C11 headers are included here, so mm/ core code that
 * includes this file stays free of host dependencies.  Kernel spellings are
 * kept (u64, phys_addr_t, PAGE_SHIFT, ALIGN, ...) so code reads like the
 * code it models.
 */
#ifndef KMM_TYPES_H
#define KMM_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;
typedef u64 resource_size_t;
typedef unsigned int gfp_t;

#define BITS_PER_LONG		64
#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define SMP_CACHE_BYTES		64
#define L1_CACHE_BYTES		64

#define PFN_ALIGN(x)		(((unsigned long)(x) + (PAGE_SIZE - 1)) & PAGE_MASK)
#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)		((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)		((unsigned long)((x) >> PAGE_SHIFT))

#define SZ_1K			0x400UL
#define SZ_4K			0x1000UL
#define SZ_64K			0x10000UL
#define SZ_1M			0x100000UL
#define SZ_2M			0x200000UL
#define SZ_16M			0x1000000UL
#define SZ_32M			0x2000000UL
#define SZ_128M			0x8000000UL
#define SZ_1G			0x40000000UL
#define SZ_4G			0x100000000ULL

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)		(((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define round_up(x, y)		ALIGN(x, y)
#define round_down(x, y)	ALIGN_DOWN(x, y)
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define PAGE_ALIGN(x)		ALIGN(x, PAGE_SIZE)
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))

#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)
#define swap(a, b) \
	do { __typeof__(a) __t = (a); (a) = (b); (b) = __t; } while (0)

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#undef __always_inline
#define __always_inline		inline __attribute__((always_inline))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define __noreturn		__attribute__((noreturn))
#define __maybe_unused		__attribute__((unused))
#define fallthrough		__attribute__((fallthrough))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define NUMA_NO_NODE		(-1)
/*
 * MAX_NUMNODES as a node id means "any node" in memblock iterators and is
 * the nid of regions added without one, as in Linux (NODES_SHIFT 10).
 */
#define MAX_NUMNODES		1024

/* Error numbers used by the kernel-modelled API (negated on return). */
#define EPERM		1
#define ENOENT		2
#define EIO		5
#define E2BIG		7
#define ENOMEM		12
#define EBUSY		16
#define EEXIST		17
#define EINVAL		22
#define ENOSPC		28
#define ENOSYS		38
#define ERANGE		34
#define EOVERFLOW	75

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

static inline int fls(unsigned int x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

static inline unsigned long __ffs(unsigned long x)
{
	return (unsigned long)__builtin_ctzl(x);
}

static inline unsigned long __fls(unsigned long x)
{
	return (unsigned long)(63 - __builtin_clzl(x));
}

static inline int ilog2_u64(u64 x)
{
	return fls64(x) - 1;
}
#define ilog2(x)	ilog2_u64((u64)(x))

static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << __fls(n);
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << fls64(n - 1);
}

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

#endif /* KMM_TYPES_H */
