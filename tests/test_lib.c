/* SPDX-License-Identifier: MIT */
/*
 * tests/test_lib.c - lib/vsprintf.c, lib/cmdline.c and lib/sort.c.
 *
 * vsnprintf_k() is checked against the host's vsnprintf(): a hand-written
 * table of formats, then a few thousand randomly assembled conversions, each
 * also re-run at every buffer size up to its length to check truncation and
 * return values.  The kernel-only behaviour ('#' with x/X on zero, %p
 * extensions, "(null)") is checked against the strings Linux prints.  The
 * parsers are tested on hand-picked inputs and, for kmm_strtoull(), against
 * the host strtoull(); sort() on random arrays of several element sizes.
 */
#include "ktest.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <kmm/string.h>
#include <kmm/cmdline.h>
#include <kmm/sort.h>

/* A small deterministic PRNG (xorshift64*), so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static unsigned int rnd_below(unsigned int n)
{
	return (unsigned int)(rnd() % n);
}

/* ---------------------------------------------------------------------- */
/* vsnprintf_k against the host                                            */
/* ---------------------------------------------------------------------- */

/*
 * Format with the host and with kmm at a full-size buffer and at every
 * size from 0 to length + 1; every result must match.
 */
static void vcheck(const char *file, int line, const char *fmt, va_list ap)
{
	char want[512], got[512];
	va_list a1, a2;
	int wn, gn;

	va_copy(a1, ap);
	va_copy(a2, ap);
	wn = vsnprintf(want, sizeof(want), fmt, a1);
	gn = vsnprintf_k(got, sizeof(got), fmt, a2);
	va_end(a1);
	va_end(a2);
	if (wn != gn || strcmp(want, got)) {
		fprintf(stderr, "  %s:%d: fmt \"%s\"\n    got:  \"%s\" (%d)\n"
			"    want: \"%s\" (%d)\n", file, line, fmt, got, gn,
			want, wn);
		kt_failed_now = 1;
		return;
	}
	for (size_t size = 0; size <= (size_t)wn + 1; size++) {
		char w2[512], g2[512];

		memset(w2, 'W', sizeof(w2));
		memset(g2, 'W', sizeof(g2));
		va_copy(a1, ap);
		va_copy(a2, ap);
		wn = vsnprintf(size ? w2 : NULL, size, fmt, a1);
		gn = vsnprintf_k(size ? g2 : NULL, size, fmt, a2);
		va_end(a1);
		va_end(a2);
		if (wn != gn || memcmp(w2, g2, sizeof(w2))) {
			fprintf(stderr, "  %s:%d: fmt \"%s\" size %zu: "
				"got \"%.*s\" (%d) want \"%.*s\" (%d)\n",
				file, line, fmt, size, (int)size, g2, gn,
				(int)size, w2, wn);
			kt_failed_now = 1;
			return;
		}
	}
}

static void check_at(const char *file, int line, const char *fmt, ...)
	__printf(3, 4);

static void check_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(file, line, fmt, ap);
	va_end(ap);
}

#define CHECK(...) check_at(__FILE__, __LINE__, __VA_ARGS__)

/* Expect kmm's output to be @want (for the deliberate kernel behaviour). */
static void expect_at(const char *file, int line, const char *want,
		      const char *fmt, ...) __printf(4, 5);

static void expect_at(const char *file, int line, const char *want,
		      const char *fmt, ...)
{
	char got[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf_k(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (strcmp(got, want) || n != (int)strlen(want)) {
		fprintf(stderr, "  %s:%d: fmt \"%s\"\n    got:  \"%s\" (%d)\n"
			"    want: \"%s\"\n", file, line, fmt, got, n, want);
		kt_failed_now = 1;
	}
}

#define EXPECT(want, ...) expect_at(__FILE__, __LINE__, want, __VA_ARGS__)

KT_TEST(vsnprintf_plain)
{
	const char *empty = "";

	CHECK(empty, 0);
	CHECK("hello, world");
	CHECK("100%% sure %%");
	CHECK("%s", "");
	CHECK("[%s]", "string");
	CHECK("[%10s][%-10s][%.3s][%10.3s][%-10.3s]", "abcdef", "abcdef",
	      "abcdef", "abcdef", "abcdef");
	CHECK("[%.0s][%.10s][%*s][%-*s][%.*s]", "abc", "abc", 6, "ab", 6, "ab",
	      2, "abc");
	CHECK("[%*s]", -6, "ab");
	CHECK("[%.*s]", -1, "abc");
	CHECK("[%c][%3c][%-3c]", 'a', 'b', 'c');
	CHECK("%c%c%c", 'x', 0x80 | 'y', 'z');
}

KT_TEST(vsnprintf_integers)
{
	static const long long sv[] = {
		0, 1, -1, 7, -7, 9, 10, 42, -42, 99, 100, 255, -128, 32767,
		-32768, 65535, INT_MAX, INT_MIN, 1234567890, -1234567890,
		(long long)UINT_MAX, 0x123456789abcLL, LLONG_MAX, LLONG_MIN,
	};

	const char *zero_prec = "%08.5d|%010.3x|%-08.3llo|";
	const char *narrow = "%hhd|%hhu|%hd|%hu";

	for (size_t i = 0; i < ARRAY_SIZE(sv); i++) {
		long long v = sv[i];
		unsigned long long u = (unsigned long long)v;

		CHECK("%d|%i|%5d|%-5d|%05d|%+d|% d|%+5d|% 05d|%-+5d|", (int)v,
		      (int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (int)v,
		      (int)v, (int)v);
		CHECK("%.0d|%.1d|%.5d|%8.5d|%-8.5d|%+.3d|%+.0d|% .0d|",
		      (int)v, (int)v, (int)v, (int)v, (int)v, (int)v, (int)v,
		      (int)v);
		/* '0' is ignored with a precision (a runtime format, as gcc
		 * warns about it). */
		CHECK(zero_prec, (int)v, (unsigned int)u, u);
		CHECK("%u|%x|%X|%o|%#o|%#.0o|%.0u|%.0x|%.0o|%08x|%-8X|%.6o|",
		      (unsigned int)u, (unsigned int)u, (unsigned int)u,
		      (unsigned int)u, (unsigned int)u, (unsigned int)u,
		      (unsigned int)u, (unsigned int)u, (unsigned int)u,
		      (unsigned int)u, (unsigned int)u, (unsigned int)u);
		CHECK("%hhd|%hhu|%hhx|%hd|%hu|%hx|%ho", (signed char)v,
		      (unsigned char)u, (unsigned char)u, (short)v,
		      (unsigned short)u, (unsigned short)u, (unsigned short)u);
		/* The va_list may hold a wider value; hh/h must narrow it. */
		CHECK(narrow, (int)v, (unsigned int)u, (int)v,
		      (unsigned int)u);
		CHECK("%ld|%lu|%lx|%lo|%20ld|%-20lX|%020lu", (long)v,
		      (unsigned long)u, (unsigned long)u, (unsigned long)u,
		      (long)v, (unsigned long)u, (unsigned long)u);
		CHECK("%lld|%llu|%llx|%llX|%llo|%+lld|%.25lld|%-30llo|", v, u,
		      u, u, u, v, v, u);
		CHECK("%Ld|%Lu|%Lx|%LX|%Lo", v, u, u, u, u);
		CHECK("%zd|%zu|%zx|%td|%tu|%tx|%jd|%ju|%jx", (ptrdiff_t)v,
		      (size_t)u, (size_t)u, (ptrdiff_t)v, (size_t)u,
		      (size_t)u, (intmax_t)v, (uintmax_t)u, (uintmax_t)u);
		CHECK("%*d|%-*d|%.*d|%*.*d|%0*d", 7, (int)v, 7, (int)v, 4,
		      (int)v, 9, 4, (int)v, -6, (int)v);
		CHECK("%.*x|%*.*llx", -3, (unsigned int)u, -20, 18, u);
		/* With a non-zero value '#' agrees with C. */
		if ((unsigned int)u)
			CHECK("%#x|%#X|%#10x|%#-10x|%#010x|%#.6x|%#12.6X|",
			      (unsigned int)u, (unsigned int)u,
			      (unsigned int)u, (unsigned int)u,
			      (unsigned int)u, (unsigned int)u,
			      (unsigned int)u);
		if (u)
			CHECK("%#llx|%#018llx|%#Lx|%#018Lx|%#lX", u, u, u, u,
			      (unsigned long)u);
	}
}

KT_TEST(vsnprintf_random)
{
	static const char *const lens[] = { "", "hh", "h", "l", "ll", "L",
					    "z", "t", "j" };
	static const char convs[] = "diuxXocsp";
	static const char *const strs[] = { "", "a", "hello", "memblock",
					    "a rather longer string here" };

	for (int iter = 0; iter < 20000; iter++) {
		char fmt[64], *f = fmt;
		char conv = convs[rnd_below(sizeof(convs) - 1)];
		const char *len = "";
		bool star_w = false, star_p = false;
		int w = 0, p = 0;
		unsigned long long u = rnd();

		/* Bias the values towards small and boundary cases. */
		switch (rnd_below(4)) {
		case 0: u = 0; break;
		case 1: u &= 0xff; break;
		case 2: u = ~(u & 0xff); break;
		default: break;
		}

		*f++ = '[';
		*f++ = '%';
		for (const char *fl = "-+ #0"; *fl; fl++) {
			if (rnd_below(3))
				continue;
			if (*fl == '#' && !strchr("oxX", conv))
				continue;
			/* '#' on zero hex is the documented difference. */
			if (*fl == '#' && conv != 'o' && !u)
				continue;
			if (*fl == '0' && strchr("csp", conv))
				continue;
			if ((*fl == '+' || *fl == ' ') && conv == 'p')
				continue;
			*f++ = *fl;
		}
		switch (rnd_below(4)) {
		case 0:
			break;
		case 1:
			star_w = true;
			w = (int)rnd_below(41) - 20;
			*f++ = '*';
			break;
		default:
			f += sprintf(f, "%u", rnd_below(30));
			break;
		}
		if (!strchr("cp", conv)) {
			switch (rnd_below(4)) {
			case 0:
			case 1:
				break;
			case 2:
				star_p = true;
				p = (int)rnd_below(30) - 5;
				*f++ = '.';
				*f++ = '*';
				break;
			default:
				f += sprintf(f, ".%u", rnd_below(25));
				break;
			}
		}
		if (strchr("diuxXo", conv)) {
			len = lens[rnd_below(ARRAY_SIZE(lens))];
			f += sprintf(f, "%s", len);
		}
		*f++ = conv;
		*f++ = ']';
		*f = '\0';

#define RUN(arg) do {							\
	if (star_w && star_p)						\
		check_at(__FILE__, __LINE__, fmt, w, p, arg);		\
	else if (star_w)						\
		check_at(__FILE__, __LINE__, fmt, w, arg);		\
	else if (star_p)						\
		check_at(__FILE__, __LINE__, fmt, p, arg);		\
	else								\
		check_at(__FILE__, __LINE__, fmt, arg);			\
} while (0)

		if (conv == 'c') {
			RUN((int)(' ' + u % 95));
		} else if (conv == 's') {
			RUN(strs[u % ARRAY_SIZE(strs)]);
		} else if (conv == 'p') {
			RUN((void *)(uintptr_t)(u | 1));
		} else if (!strcmp(len, "") || !strcmp(len, "hh") ||
			   !strcmp(len, "h")) {
			RUN((int)u);
		} else if (!strcmp(len, "l")) {
			RUN((long)u);
		} else if (!strcmp(len, "ll") || !strcmp(len, "L")) {
			RUN((long long)u);
		} else if (!strcmp(len, "z")) {
			RUN((size_t)u);
		} else if (!strcmp(len, "t")) {
			RUN((ptrdiff_t)u);
		} else {
			RUN((intmax_t)u);
		}
#undef RUN
		if (kt_failed_now)
			return;
	}
}

KT_TEST(vsnprintf_kernel_hash_flag)
{
	/* Linux prints the 0x prefix for zero too; C does not. */
	EXPECT("0x0", "%#x", 0);
	EXPECT("0X0", "%#X", 0);
	EXPECT("0x00000000", "%#010Lx", 0ULL);
	EXPECT("0x0000000000001000", "%#018Lx", 0x1000ULL);
	EXPECT("0x0000000000000000", "%#018llx", 0ULL);
	EXPECT("     0x0", "%#8x", 0);
	EXPECT("0x0     |", "%#-8x|", 0);
	EXPECT("0x000", "%#.3x", 0);
	EXPECT("0x00000fff", "%#010Lx", 0xfffULL);
	EXPECT("0x123", "%#x", 0x123);
	EXPECT("0", "%#o", 0);
	EXPECT("e820: update [mem 0x00000000-0x00000fff] usable ==> reserved",
	       "e820: update [mem %#010Lx-%#010Lx] %s ==> %s", 0ULL, 0xfffULL,
	       "usable", "reserved");
	EXPECT("BIOS-e820: [mem 0x0000000000000000-0x000000000009fbff] usable",
	       "BIOS-e820: [mem %#018Lx-%#018Lx] %s", 0ULL, 0x9fbffULL,
	       "usable");
}

KT_TEST(vsnprintf_pointers_and_null)
{
	const char *volatile nul = NULL;
	int x;
	phys_addr_t pa = 0x1000;
	char want[64];

	CHECK("%p", (void *)&x);
	CHECK("[%30p][%-30p]", (void *)&x, (void *)&x);
	CHECK("%p %p", (void *)0x1, (void *)~(uintptr_t)0);
	EXPECT("0x0", "%p", (void *)0);
	EXPECT("[       0x0]", "[%10p]", (void *)0);

	/* Linux %p extensions: the letters are consumed. */
	EXPECT("[0x0000000000001000]", "[%pa]", (void *)&pa);
	EXPECT("[0x0000000000001000]", "[%pap]", (void *)&pa);
	EXPECT("[0x0000000000001000-0x0000000000001000]", "[%pa-%pa]",
	       (void *)&pa, (void *)&pa);
	EXPECT("(null)", "%pa", (void *)0);
	EXPECT("00000000deadbeef", "%px", (void *)0xdeadbeefUL);
	snprintf(want, sizeof(want), "<%p>", (void *)&x);
	EXPECT(want, "<%pS>", (void *)&x);

	EXPECT("(null)", "%s", nul);
	EXPECT("[    (null)]", "[%10s]", nul);
	EXPECT("(nu", "%.3s", nul);
}

KT_TEST(vsnprintf_sizes)
{
	char buf[16];
	const char *bad = "a%fb", *trailing = "%d%";

	KT_EQ(snprintf_k(NULL, 0, "abc%d", 42), 5);
	memset(buf, 'X', sizeof(buf));
	KT_EQ(snprintf_k(buf, 0, "abc"), 3);
	KT_EQ(buf[0], 'X');
	KT_EQ(snprintf_k(buf, 1, "abc"), 3);
	KT_STREQ(buf, "");
	KT_EQ(snprintf_k(buf, 3, "abc"), 3);
	KT_STREQ(buf, "ab");
	KT_EQ(snprintf_k(buf, 4, "abc"), 3);
	KT_STREQ(buf, "abc");
	KT_EQ(snprintf_k(buf, sizeof(buf), "%#018Lx", 0x1000ULL), 18);
	KT_STREQ(buf, "0x0000000000001");
	KT_EQ(buf[15], '\0');

	KT_EQ(scnprintf(NULL, 0, "abc"), 0);
	KT_EQ(scnprintf(buf, 1, "abc"), 0);
	KT_STREQ(buf, "");
	KT_EQ(scnprintf(buf, 3, "abc"), 2);
	KT_STREQ(buf, "ab");
	KT_EQ(scnprintf(buf, 4, "abc"), 3);
	KT_EQ(scnprintf(buf, sizeof(buf), "%d-%d", 1, 2), 3);
	KT_STREQ(buf, "1-2");

	/* Appending with scnprintf never runs past the end. */
	{
		size_t n = 0;

		for (int i = 0; i < 10; i++)
			n += (size_t)scnprintf(buf + n, sizeof(buf) - n,
					       "%d,", i);
		KT_EQ(n, sizeof(buf) - 1);
		KT_STREQ(buf, "0,1,2,3,4,5,6,7");
	}

	/* Unknown conversions: the rest is copied out and formatting stops. */
	KT_EQ(snprintf_k(buf, sizeof(buf), bad, 1.0), 4);
	KT_STREQ(buf, "a%fb");
	KT_EQ(snprintf_k(buf, sizeof(buf), trailing, 5), 2);
	KT_STREQ(buf, "5%");
}

/* ---------------------------------------------------------------------- */
/* string helpers                                                          */
/* ---------------------------------------------------------------------- */

static int sgn(int v)
{
	return (v > 0) - (v < 0);
}

KT_TEST(string_helpers)
{
	static const char *const s[] = { "", "a", "ab", "abc", "abd", "b",
					 "\x80", "a\x80", "memblock" };
	char buf[8];

	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		KT_EQ(kmm_strlen(s[i]), strlen(s[i]));
		KT_EQ(kmm_strnlen(s[i], 2), strnlen(s[i], 2));
		for (size_t j = 0; j < ARRAY_SIZE(s); j++) {
			KT_EQ(sgn(kmm_strcmp(s[i], s[j])),
			      sgn(strcmp(s[i], s[j])));
			for (size_t n = 0; n < 4; n++)
				KT_EQ(sgn(kmm_strncmp(s[i], s[j], n)),
				      sgn(strncmp(s[i], s[j], n)));
			KT_TRUE(kmm_strstr(s[i], s[j]) == strstr(s[i], s[j]));
		}
		for (int c = 0; c < 256; c++)
			KT_TRUE(kmm_strchr(s[i], (char)c) ==
				strchr(s[i], (char)c));
	}
	KT_EQ(kmm_strlcpy(buf, "memblock", sizeof(buf)), 8);
	KT_STREQ(buf, "membloc");
	KT_EQ(kmm_strlcpy(buf, "abc", sizeof(buf)), 3);
	KT_STREQ(buf, "abc");
	KT_EQ(kmm_strlcpy(buf, "xyz", 0), 3);
	KT_STREQ(buf, "abc");
	KT_EQ(kmm_strlcpy(buf, "xyz", 1), 3);
	KT_STREQ(buf, "");
	for (int c = -1; c < 256; c++) {
		KT_EQ(kmm_isdigit(c), c >= '0' && c <= '9');
		KT_EQ(kmm_isspace(c), c != -1 && strchr(" \t\n\v\f\r", c) &&
		      c != 0);
		KT_EQ(kmm_isxdigit(c), c != -1 && c != 0 &&
		      strchr("0123456789abcdefABCDEF", c));
		KT_EQ(kmm_tolower(c), (c >= 'A' && c <= 'Z') ? c + 32 : c);
	}
}

/* ---------------------------------------------------------------------- */
/* cmdline                                                                 */
/* ---------------------------------------------------------------------- */

KT_TEST(strtoull_vs_host)
{
	static const char *const in[] = {
		"0", "1", "123", "0x", "0x1", "0X1A", "0xg", "0x1fz", "08",
		"017", "0178", "abc", "ff", "FFx", "12abc", "", "-", "9z",
		"18446744073709551615", "0xffffffffffffffff", "0777777",
	};
	static const unsigned int bases[] = { 0, 8, 10, 16 };

	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		for (size_t b = 0; b < ARRAY_SIZE(bases); b++) {
			char *e1, *e2;
			unsigned long long want, got;

			want = strtoull(in[i], &e1, (int)bases[b]);
			got = kmm_strtoull(in[i], &e2, bases[b]);
			if (want != got || e1 != e2) {
				KT_FAIL("\"%s\" base %u: got %llu+%td want "
					"%llu+%td", in[i], bases[b], got,
					e2 - in[i], want, e1 - in[i]);
			}
		}
	}
}

KT_TEST(strtoll_and_saturation)
{
	char *e;
	const char *s;

	s = "-42x";
	KT_EQ(kmm_strtoll(s, &e, 0), -42);
	KT_EQ(e - s, 3);
	s = "-0x10";
	KT_EQ(kmm_strtoll(s, &e, 0), -16);
	KT_EQ(e - s, 5);
	s = "-";
	KT_EQ(kmm_strtoll(s, &e, 0), 0);
	KT_TRUE(e == s);
	s = "-x";
	KT_EQ(kmm_strtoll(s, &e, 10), 0);
	KT_TRUE(e == s);
	KT_EQ(kmm_strtoll("-9223372036854775808", NULL, 10), LLONG_MIN);
	KT_EQ(kmm_strtoll("-9223372036854775809", NULL, 10), LLONG_MIN);
	KT_EQ(kmm_strtoll("9223372036854775807", NULL, 10), LLONG_MAX);
	KT_EQ(kmm_strtoll("9223372036854775808", NULL, 10), LLONG_MAX);
	s = "99999999999999999999999rest";
	KT_EQ(kmm_strtoull(s, &e, 10), ULLONG_MAX);
	KT_STREQ(e, "rest");
	/* Linux's simple_strtoull takes no white space or '+'. */
	s = " 5";
	KT_EQ(kmm_strtoull(s, &e, 10), 0);
	KT_TRUE(e == s);
	s = "+5";
	KT_EQ(kmm_strtoull(s, &e, 10), 0);
	KT_TRUE(e == s);
	/* Bad bases convert nothing. */
	s = "11";
	KT_EQ(kmm_strtoull(s, &e, 1), 0);
	KT_TRUE(e == s);
	KT_EQ(kmm_strtoull(s, &e, 17), 0);
	KT_TRUE(e == s);
	KT_EQ(kmm_strtoull("11", NULL, 2), 3);
	KT_EQ(kmm_strtoull("zz", NULL, 16), 0);
}

KT_TEST(memparse_suffixes)
{
	static const struct {
		const char *in;
		unsigned long long val;
		const char *rest;
	} t[] = {
		{ "0", 0, "" },
		{ "12", 12, "" },
		{ "4k", 4ULL << 10, "" },
		{ "4K", 4ULL << 10, "" },
		{ "3m", 3ULL << 20, "" },
		{ "3M", 3ULL << 20, "" },
		{ "2g", 2ULL << 30, "" },
		{ "2G", 2ULL << 30, "" },
		{ "5t", 5ULL << 40, "" },
		{ "5T", 5ULL << 40, "" },
		{ "6p", 6ULL << 50, "" },
		{ "6P", 6ULL << 50, "" },
		{ "7e", 7ULL << 60, "" },
		{ "7E", 7ULL << 60, "" },
		{ "15E", 15ULL << 60, "" },
		{ "16E", ULLONG_MAX, "" },
		{ "0x10M", 16ULL << 20, "" },
		{ "0X10m", 16ULL << 20, "" },
		{ "010K", 8ULL << 10, "" },
		{ "0K", 0, "" },
		{ "1Kfoo", 1024, "foo" },
		{ "64M@16M", 64ULL << 20, "@16M" },
		{ "0x1000$0x2000", 0x1000, "$0x2000" },
		{ "1X", 1, "X" },
		{ "1KK", 1024, "K" },
		{ "12,34", 12, ",34" },
		{ "", 0, "" },
		{ "M", 0, "" },		/* a bare suffix is eaten */
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *end;
		unsigned long long v = memparse(t[i].in, &end);

		if (v != t[i].val || strcmp(end, t[i].rest))
			KT_FAIL("memparse(\"%s\") = %llu, rest \"%s\"; want "
				"%llu, \"%s\"", t[i].in, v, end, t[i].val,
				t[i].rest);
	}
	KT_EQ(memparse("1G", NULL), 1ULL << 30);
}

KT_TEST(get_option_and_options)
{
	char buf[64], *s;
	int v = -99, ints[8];

	strcpy(buf, "10,0x20-30");
	s = buf;
	KT_EQ(get_option(&s, &v), 2);
	KT_EQ(v, 10);
	KT_EQ(get_option(&s, &v), 3);
	KT_EQ(v, 32);
	KT_EQ(*s, '-');
	s++;
	KT_EQ(get_option(&s, &v), 1);
	KT_EQ(v, 30);
	KT_EQ(get_option(&s, &v), 0);

	strcpy(buf, "-5,x");
	s = buf;
	KT_EQ(get_option(&s, &v), 2);
	KT_EQ(v, -5);
	KT_EQ(get_option(&s, NULL), 0);
	KT_STREQ(s, "x");
	s = NULL;
	KT_EQ(get_option(&s, &v), 0);

	s = get_options("1,2,5-8,20", ARRAY_SIZE(ints), ints);
	KT_EQ(ints[0], 7);
	KT_EQ(ints[1], 1);
	KT_EQ(ints[2], 2);
	KT_EQ(ints[3], 5);
	KT_EQ(ints[4], 6);
	KT_EQ(ints[5], 7);
	KT_EQ(ints[6], 8);
	KT_EQ(ints[7], 20);
	KT_STREQ(s, "");

	s = get_options("1,2,3,4,5", 3, ints);
	KT_EQ(ints[0], 2);
	KT_EQ(ints[1], 1);
	KT_EQ(ints[2], 2);
	KT_STREQ(s, "3,4,5");

	s = get_options("1-100", 4, ints);
	KT_EQ(ints[0], 3);
	KT_EQ(ints[1], 1);
	KT_EQ(ints[3], 3);

	get_options("1,2,5-8,20,junk", 0, ints);
	KT_EQ(ints[0], 7);

	KT_TRUE(parse_option_str("a,bb,ccc", "bb"));
	KT_TRUE(parse_option_str("a,bb,ccc", "ccc"));
	KT_TRUE(parse_option_str("a", "a"));
	KT_FALSE(parse_option_str("a,bb,ccc", "b"));
	KT_FALSE(parse_option_str("a,bbx", "bb"));
	KT_FALSE(parse_option_str("", "a"));
}

KT_TEST(next_arg_words)
{
	static const struct {
		const char *cmdline;
		const char *words[8][2];	/* param, val or NULL */
	} t[] = {
		{ "root=/dev/sda1 ro quiet",
		  { { "root", "/dev/sda1" }, { "ro", NULL },
		    { "quiet", NULL } } },
		{ "mem=4G   memmap=64M$0x100000  ",
		  { { "mem", "4G" }, { "memmap", "64M$0x100000" } } },
		{ "a==b =x x= y",
		  { { "a", "=b" }, { "=x", NULL }, { "x", "" },
		    { "y", NULL } } },
		{ "foo=\"bar baz\" next",
		  { { "foo", "bar baz" }, { "next", NULL } } },
		{ "\"foo=bar baz\" next",
		  { { "foo", "bar baz" }, { "next", NULL } } },
		{ "\"just words\" x=\"\"",
		  { { "just words", NULL }, { "x", "" } } },
		{ "k=v=w\tn=\"1 2\"3",
		  { { "k", "v=w" }, { "n", "1 2\"3" } } },
		{ "open=\"unterminated rest",
		  { { "open", "unterminated rest" } } },
		{ "numa=fake=4", { { "numa", "fake=4" } } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char buf[128], *args = buf, *param, *val;
		size_t w = 0;

		strcpy(buf, t[i].cmdline);
		while (*args) {
			args = next_arg(args, &param, &val);
			if (w >= 8 || !t[i].words[w][0]) {
				KT_FAIL("\"%s\": extra word \"%s\"",
					t[i].cmdline, param);
				break;
			}
			KT_STREQ(param, t[i].words[w][0]);
			if (t[i].words[w][1])
				KT_STREQ(val, t[i].words[w][1]);
			else
				KT_TRUE(val == NULL);
			w++;
		}
		KT_TRUE(w == 8 || !t[i].words[w][0]);
	}

	{
		char buf[] = "x=1   ";
		char *param, *val, *next = next_arg(buf, &param, &val);

		KT_STREQ(param, "x");
		KT_STREQ(val, "1");
		KT_STREQ(next, "");
	}
}

KT_TEST(kstrto)
{
	unsigned long long u = 77;
	long long ll = 77;
	unsigned long ul = 77;
	unsigned int ui = 77;
	int i = 77;
	bool b;

	KT_EQ(kstrtoull("123", 10, &u), 0);
	KT_EQ(u, 123);
	KT_EQ(kstrtoull("123\n", 0, &u), 0);
	KT_EQ(u, 123);
	KT_EQ(kstrtoull("+0x1f", 0, &u), 0);
	KT_EQ(u, 31);
	KT_EQ(kstrtoull("1f", 16, &u), 0);
	KT_EQ(u, 31);
	KT_EQ(kstrtoull("0X1F", 16, &u), 0);
	KT_EQ(u, 31);
	KT_EQ(kstrtoull("017", 0, &u), 0);
	KT_EQ(u, 15);
	KT_EQ(kstrtoull("017", 10, &u), 0);
	KT_EQ(u, 17);
	KT_EQ(kstrtoull("0", 0, &u), 0);
	KT_EQ(u, 0);
	KT_EQ(kstrtoull("18446744073709551615", 10, &u), 0);
	KT_EQ(u, ULLONG_MAX);
	u = 77;
	KT_EQ(kstrtoull("18446744073709551616", 10, &u), -ERANGE);
	KT_EQ(kstrtoull("0x10000000000000000", 0, &u), -ERANGE);
	KT_EQ(kstrtoull("", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("\n", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("+", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("-1", 10, &u), -EINVAL);
	KT_EQ(kstrtoull(" 1", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("1 ", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("1\n\n", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("12a", 10, &u), -EINVAL);
	KT_EQ(kstrtoull("018", 0, &u), -EINVAL);
	KT_EQ(kstrtoull("0x", 0, &u), -EINVAL);
	KT_EQ(kstrtoull("0x", 16, &u), -EINVAL);
	KT_EQ(kstrtoull("12", 17, &u), -EINVAL);
	KT_EQ(kstrtoull("1K", 0, &u), -EINVAL);
	KT_EQ(u, 77);			/* untouched on error */

	KT_EQ(kstrtoll("-9223372036854775808", 10, &ll), 0);
	KT_EQ(ll, LLONG_MIN);
	KT_EQ(kstrtoll("9223372036854775807", 10, &ll), 0);
	KT_EQ(ll, LLONG_MAX);
	KT_EQ(kstrtoll("-0x10", 0, &ll), 0);
	KT_EQ(ll, -16);
	KT_EQ(kstrtoll("-0", 0, &ll), 0);
	KT_EQ(ll, 0);
	ll = 77;
	KT_EQ(kstrtoll("9223372036854775808", 10, &ll), -ERANGE);
	KT_EQ(kstrtoll("-9223372036854775809", 10, &ll), -ERANGE);
	KT_EQ(kstrtoll("--1", 10, &ll), -EINVAL);
	KT_EQ(kstrtoll("-+1", 10, &ll), -EINVAL);
	KT_EQ(kstrtoll("-", 10, &ll), -EINVAL);
	KT_EQ(ll, 77);

	KT_EQ(kstrtoint("2147483647", 0, &i), 0);
	KT_EQ(i, INT_MAX);
	KT_EQ(kstrtoint("-2147483648", 0, &i), 0);
	KT_EQ(i, INT_MIN);
	KT_EQ(kstrtoint("+42\n", 0, &i), 0);
	KT_EQ(i, 42);
	i = 77;
	KT_EQ(kstrtoint("2147483648", 0, &i), -ERANGE);
	KT_EQ(kstrtoint("-2147483649", 0, &i), -ERANGE);
	KT_EQ(kstrtoint("0x80000000", 0, &i), -ERANGE);
	KT_EQ(kstrtoint("x", 0, &i), -EINVAL);
	KT_EQ(i, 77);

	KT_EQ(kstrtouint("4294967295", 10, &ui), 0);
	KT_EQ(ui, UINT_MAX);
	KT_EQ(kstrtouint("4294967296", 10, &ui), -ERANGE);
	KT_EQ(kstrtoul("0xffffffffffffffff", 0, &ul), 0);
	KT_EQ(ul, ULONG_MAX);
	KT_EQ(kstrtoul("-1", 0, &ul), -EINVAL);

	static const struct {
		const char *s;
		int ret;
		bool val;
	} bt[] = {
		{ "y", 0, true }, { "Y", 0, true }, { "yes", 0, true },
		{ "1", 0, true }, { "on", 0, true }, { "ON", 0, true },
		{ "t", 0, true }, { "true", 0, true },
		{ "n", 0, false }, { "N", 0, false }, { "no", 0, false },
		{ "0", 0, false }, { "off", 0, false }, { "OfF", 0, false },
		{ "f", 0, false }, { "false", 0, false },
		{ "", -EINVAL, false }, { "o", -EINVAL, false },
		{ "ox", -EINVAL, false }, { "2", -EINVAL, false },
		{ "maybe", -EINVAL, false }, { " y", -EINVAL, false },
	};
	for (size_t k = 0; k < ARRAY_SIZE(bt); k++) {
		b = !bt[k].val;
		KT_EQ(kstrtobool(bt[k].s, &b), bt[k].ret);
		if (!bt[k].ret && b != bt[k].val)
			KT_FAIL("kstrtobool(\"%s\") = %d", bt[k].s, b);
		if (bt[k].ret && b == bt[k].val)
			KT_FAIL("kstrtobool(\"%s\") wrote on error", bt[k].s);
	}
	KT_EQ(kstrtobool(NULL, &b), -EINVAL);
}

/* ---------------------------------------------------------------------- */
/* sort                                                                    */
/* ---------------------------------------------------------------------- */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_u8(const void *a, const void *b)
{
	return (int)*(const unsigned char *)a - (int)*(const unsigned char *)b;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* An odd-sized element: a key and the element's original index. */
struct rec {
	uint32_t key;
	uint32_t id;
	char pad[4];
};

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return (x->key > y->key) - (x->key < y->key);
}

static unsigned long swap_calls;

static void swap_rec(void *a, void *b, int size)
{
	struct rec t = *(struct rec *)a;

	KT_EQ(size, sizeof(struct rec));
	*(struct rec *)a = *(struct rec *)b;
	*(struct rec *)b = t;
	swap_calls++;
}

KT_TEST(sort_ints)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17,
					31, 100, 255, 1000, 4097 };

	for (size_t si = 0; si < ARRAY_SIZE(sizes); si++) {
		for (int mode = 0; mode < 5; mode++) {
			size_t n = sizes[si];
			int *a = malloc((n + 1) * sizeof(*a));
			int *ref = malloc((n + 1) * sizeof(*ref));

			for (size_t i = 0; i < n; i++) {
				switch (mode) {
				case 0: a[i] = (int)rnd(); break;
				case 1: a[i] = (int)rnd_below(4); break;
				case 2: a[i] = (int)i; break;
				case 3: a[i] = (int)(n - i); break;
				default: a[i] = 7; break;
				}
				ref[i] = a[i];
			}
			sort(a, n, sizeof(*a), cmp_int, NULL);
			qsort(ref, n, sizeof(*ref), cmp_int);
			for (size_t i = 1; i < n; i++)
				KT_TRUE(a[i - 1] <= a[i]);
			/* Same multiset: equal to the host's sorted copy. */
			KT_TRUE(n == 0 || !memcmp(a, ref, n * sizeof(*a)));
			free(a);
			free(ref);
		}
	}
}

KT_TEST(sort_element_sizes)
{
	unsigned char bytes[300], bref[300];
	uint64_t q[300], qref[300];
	struct rec r[513], orig[513];
	bool seen[513];

	for (size_t i = 0; i < ARRAY_SIZE(bytes); i++)
		bytes[i] = bref[i] = (unsigned char)rnd();
	sort(bytes, ARRAY_SIZE(bytes), 1, cmp_u8, NULL);
	qsort(bref, ARRAY_SIZE(bref), 1, cmp_u8);
	KT_TRUE(!memcmp(bytes, bref, sizeof(bytes)));

	for (size_t i = 0; i < ARRAY_SIZE(q); i++)
		q[i] = qref[i] = rnd();
	sort(q, ARRAY_SIZE(q), sizeof(q[0]), cmp_u64, NULL);
	qsort(qref, ARRAY_SIZE(qref), sizeof(qref[0]), cmp_u64);
	KT_TRUE(!memcmp(q, qref, sizeof(q)));

	/* 12-byte records, many equal keys: generic swap, then callback. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < ARRAY_SIZE(r); i++) {
			r[i].key = (uint32_t)rnd_below(pass ? 1000 : 16);
			r[i].id = i;
			memcpy(r[i].pad, "pad", 4);
			orig[i] = r[i];
		}
		swap_calls = 0;
		sort(r, ARRAY_SIZE(r), sizeof(r[0]), cmp_rec,
		     pass ? swap_rec : NULL);
		if (pass)
			KT_TRUE(swap_calls > 0);
		memset(seen, 0, sizeof(seen));
		for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
			KT_TRUE(i == 0 || r[i - 1].key <= r[i].key);
			KT_TRUE(r[i].id < ARRAY_SIZE(r));
			if (r[i].id >= ARRAY_SIZE(r))
				continue;
			KT_FALSE(seen[r[i].id]);
			seen[r[i].id] = true;
			KT_EQ(r[i].key, orig[r[i].id].key);
			KT_STREQ(r[i].pad, "pad");
		}
	}
}

KT_MAIN()
