/* SPDX-License-Identifier: MIT */
/*
 * ktest.h - the tiny test harness every kmm test program uses.
 *
 *	KT_TEST(name) { ... KT_EQ(a, b); KT_TRUE(x); KT_STREQ(s, t); ... }
 *	KT_MAIN()
 *
 * Each test runs in order; a failed check prints file:line and the values,
 * marks the test failed and continues.  main() prints "N passed, N failed"
 * and exits non-zero on any failure.  KT_ONLY=name runs one test.
 */
#ifndef KTEST_H
#define KTEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kt_case {
	const char *name;
	void (*fn)(void);
};

#define KT_MAX_CASES 512
extern struct kt_case kt_cases[KT_MAX_CASES];
extern int kt_ncases;
extern int kt_failed_now;

#define KT_TEST(tname)							\
	static void kt_##tname(void);					\
	__attribute__((constructor)) static void kt_reg_##tname(void)	\
	{								\
		kt_cases[kt_ncases].name = #tname;			\
		kt_cases[kt_ncases++].fn = kt_##tname;			\
	}								\
	static void kt_##tname(void)

#define KT_FAIL(...) do {						\
	fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);		\
	fprintf(stderr, __VA_ARGS__);					\
	fprintf(stderr, "\n");						\
	kt_failed_now = 1;						\
} while (0)

#define KT_TRUE(x) do { if (!(x)) KT_FAIL("expected true: %s", #x); } while (0)
#define KT_FALSE(x) do { if (x) KT_FAIL("expected false: %s", #x); } while (0)
#define KT_EQ(a, b) do {						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (__a != __b)							\
		KT_FAIL("%s == %s: 0x%llx (%lld) != 0x%llx (%lld)",	\
			#a, #b, __a, (long long)__a, __b, (long long)__b); \
} while (0)
#define KT_NE(a, b) do {						\
	unsigned long long __a = (unsigned long long)(a);		\
	unsigned long long __b = (unsigned long long)(b);		\
	if (__a == __b)							\
		KT_FAIL("%s != %s: both 0x%llx", #a, #b, __a);		\
} while (0)
#define KT_STREQ(a, b) do {						\
	const char *__a = (a), *__b = (b);				\
	if (!__a || !__b || strcmp(__a, __b))				\
		KT_FAIL("%s == %s:\n    got:  \"%s\"\n    want: \"%s\"",	\
			#a, #b, __a ? __a : "(null)", __b ? __b : "(null)"); \
} while (0)
#define KT_CONTAINS(hay, needle) do {					\
	const char *__h = (hay), *__n = (needle);			\
	if (!__h || !strstr(__h, __n))					\
		KT_FAIL("%s does not contain \"%s\":\n%s", #hay, __n,	\
			__h ? __h : "(null)");				\
} while (0)

#define KT_MAIN()							\
	struct kt_case kt_cases[KT_MAX_CASES];				\
	int kt_ncases;							\
	int kt_failed_now;						\
	int main(void)							\
	{								\
		int pass = 0, fail = 0;					\
		const char *only = getenv("KT_ONLY");			\
		for (int i = 0; i < kt_ncases; i++) {			\
			if (only && strcmp(only, kt_cases[i].name))	\
				continue;				\
			kt_failed_now = 0;				\
			kt_cases[i].fn();				\
			if (kt_failed_now) {				\
				fail++;					\
				fprintf(stderr, "FAIL %s\n", kt_cases[i].name); \
			} else {					\
				pass++;					\
			}						\
		}							\
		printf("%d passed, %d failed\n", pass, fail);		\
		return fail ? 1 : 0;					\
	}

#endif /* KTEST_H */
