// SPDX-License-Identifier: MIT
/*
 * mm/memtest.c - the early memory test (memtest=), as Linux 6.12 runs it at
 * the end of x86's init_mem_mapping.
 *
 * What.  With memtest[=N], before anything else is allocated, every free
 * range of memblock below the direct map's end is written with a pattern
 * and read back, for N passes (memtest alone: all 17 patterns), the last
 * pass always the zero pattern, so memory is left zeroed.  A word that does
 * not read back is bad: its range is reserved in memblock (never handed
 * out) and reported, with one WARN.
 *
 * Data structures.  m->params.memtest_pattern (the pass count),
 * m->memtest_done and m->memtest_bad_bytes for meminfo.
 *
 * Algorithms.  As Linux: passes run from pattern N-1 down to 0 (index
 * modulo 17); each free range is clamped to [start, end), printed, written
 * and read back 8 bytes at a time; consecutive bad words form one reserved
 * range.
 *
 * Locking.  Boot only, one thread.
 *
 * Failure.  Bad memory is reserved, as in Linux; nothing fails.  kmm's
 * simulated memory is host memory, so a bad word means the host lost it.
 *
 * Observability.  "early_memtest: # of tests: N", "  0x... - 0x... pattern
 * ...", "  ... bad mem addr ... reserved"; meminfo's EarlyMemtestBad once a
 * test ran.
 *
 * Differences from Linux.  The test writes and reads the memory it tests,
 * as on real hardware, a chunk at a time; each checked chunk's whole pages
 * go back to the host (they read as zero, as the last pass leaves them,
 * while a page edge keeps the pattern until the next pass), so a test never
 * keeps more than a chunk resident.
 */
#include <kmm/machine.h>
#include <kmm/mm.h>
#include <kmm/printk.h>
#include <kmm/memblock.h>
#include <kmm/platform.h>

static const u64 patterns[] = {
	/* The zero pattern first: the last pass leaves memory zeroed. */
	0,
	0xffffffffffffffffULL,
	0x5555555555555555ULL,
	0xaaaaaaaaaaaaaaaaULL,
	0x1111111111111111ULL,
	0x2222222222222222ULL,
	0x4444444444444444ULL,
	0x8888888888888888ULL,
	0x3333333333333333ULL,
	0x6666666666666666ULL,
	0x9999999999999999ULL,
	0xccccccccccccccccULL,
	0x7777777777777777ULL,
	0xbbbbbbbbbbbbbbbbULL,
	0xddddddddddddddddULL,
	0xeeeeeeeeeeeeeeeeULL,
	0x7a6c7258554e494cULL,
};

#define NR_PATTERNS	(sizeof(patterns) / sizeof(patterns[0]))

unsigned int kmm_memtest_patterns(void)
{
	return (unsigned int)NR_PATTERNS;
}

static void reserve_bad_mem(struct kmm_machine *m, u64 pattern,
			    phys_addr_t start_bad, phys_addr_t end_bad)
{
	WARN_ONCE(1, "Bad RAM detected. Use memtest86+ to perform a thorough test\n"
		  "and the memmap= parameter to reserve the bad areas.");
	pr_info("  %016llx bad mem addr 0x%016llx - 0x%016llx reserved\n",
		(unsigned long long)__builtin_bswap64(pattern),
		(unsigned long long)start_bad, (unsigned long long)end_bad);
	memblock_reserve(start_bad, end_bad - start_bad);
	m->memtest_bad_bytes += end_bad - start_bad;
}

/*
 * kmm tests a range a chunk at a time and hands each chunk's whole pages
 * back to the host once checked (they read as zero, the state the last
 * pass leaves), so a test never makes the host hold more than a chunk.
 */
#define MEMTEST_CHUNK	(4UL << 20)

static void memtest(struct kmm_machine *m, u64 pattern, phys_addr_t start_phys,
		    phys_addr_t size)
{
	phys_addr_t aligned = (start_phys + 7) & ~(phys_addr_t)7;
	phys_addr_t end = aligned + (size - (aligned - start_phys)) / 8 * 8;
	phys_addr_t start_bad = 0, last_bad = 0;

	while (aligned < end) {
		phys_addr_t cend = min(end, (aligned + MEMTEST_CHUNK) &
					    ~(phys_addr_t)(PAGE_SIZE - 1));
		volatile u64 *start = (volatile u64 *)(m->phys_base + aligned);
		volatile u64 *stop = (volatile u64 *)(m->phys_base + cend);
		phys_addr_t pa = aligned, a, b;

		for (volatile u64 *p = start; p < stop; p++)
			*p = pattern;
		for (volatile u64 *p = start; p < stop; p++, pa += 8) {
			if (*p == pattern)
				continue;
			if (pa == last_bad + 8) {
				last_bad += 8;
				continue;
			}
			if (start_bad)
				reserve_bad_mem(m, pattern, start_bad,
						last_bad + 8);
			start_bad = last_bad = pa;
		}
		/* Whole pages back to the host; the edges keep the pattern. */
		a = PFN_PHYS(PFN_UP(aligned));
		b = PFN_PHYS(PFN_DOWN(cend));
		if (a < b)
			kmm_plat_discard(m->backing, a, b - a);
		aligned = cend;
	}
	if (start_bad)
		reserve_bad_mem(m, pattern, start_bad, last_bad + 8);
	m->memtest_done = true;
}

static phys_addr_t clamp_pa(phys_addr_t x, phys_addr_t lo, phys_addr_t hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static void do_one_pass(struct kmm_machine *m, u64 pattern, phys_addr_t start,
			phys_addr_t end)
{
	phys_addr_t this_start, this_end;
	u64 i;

	for_each_free_mem_range(i, NUMA_NO_NODE, MEMBLOCK_NONE, &this_start,
				&this_end, NULL) {
		this_start = clamp_pa(this_start, start, end);
		this_end = clamp_pa(this_end, start, end);
		if (this_start >= this_end)
			continue;
		pr_info("  0x%016llx - 0x%016llx pattern %016llx\n",
			(unsigned long long)this_start,
			(unsigned long long)this_end,
			(unsigned long long)__builtin_bswap64(pattern));
		memtest(m, pattern, this_start, this_end - this_start);
	}
}

void early_memtest(phys_addr_t start, phys_addr_t end)
{
	struct kmm_machine *m = kmm_current();
	unsigned int n = m->params.memtest_pattern;

	if (!n)
		return;
	pr_info("early_memtest: # of tests: %u\n", n);
	for (unsigned int i = n - 1; i != ~0u; --i)
		do_one_pass(m, patterns[i % NR_PATTERNS], start, end);
}
