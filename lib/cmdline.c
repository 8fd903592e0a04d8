/* SPDX-License-Identifier: MIT */
/*
 * lib/cmdline.c - number and kernel command-line parsing.
 *
 * Theory of operation
 * -------------------
 * Everything here is built on two steps shared by all the number parsers:
 *
 *  1. pick_radix() settles the base.  Base 0 means "as C writes it": "0x"
 *     followed by a hex digit selects 16, another leading '0' selects 8,
 *     anything else 10.  With base 16 the "0x" is skipped.  A "0x" that is
 *     not followed by a hex digit is not a prefix, so "0xg" reads as 0 and
 *     stops at the 'x', as in C.
 *  2. read_digits() consumes the longest run of digits valid in that base
 *     and reports how many it took and whether the value overflowed 64 bits.
 *
 * On top of that sit two families with different error models, as in
 * Linux.  The "simple" ones (kmm_strtoull(), kmm_strtoll(), memparse(),
 * get_option()) read a number prefix, tell the caller where it ended and
 * never fail; on overflow they saturate, where Linux silently wraps.  The
 * kstrto*() ones insist that the whole string is one number (an optional
 * sign, then digits, then at most a newline) and report -EINVAL for junk
 * and -ERANGE for a value that does not fit the result type.
 *
 * next_arg() is the word splitter behind parse_args(): it cuts the command
 * line in place, NUL-terminating the parameter name and value, so callers
 * can keep pointers into the (writable) command-line buffer.
 */
#include <kmm/cmdline.h>
#include <kmm/string.h>

static const char *pick_radix(const char *s, unsigned int *base)
{
	bool hex_prefix = s[0] == '0' && kmm_tolower(s[1]) == 'x' &&
			  kmm_isxdigit(s[2]);

	if (*base == 0) {
		if (hex_prefix)
			*base = 16;
		else if (s[0] == '0')
			*base = 8;
		else
			*base = 10;
	}
	if (*base == 16 && hex_prefix)
		s += 2;
	return s;
}

static bool base_ok(unsigned int base)
{
	return base >= 2 && base <= 16;
}

static int digit_value(char c)
{
	int lc = kmm_tolower(c);

	if (c >= '0' && c <= '9')
		return c - '0';
	if (lc >= 'a' && lc <= 'f')
		return lc - 'a' + 10;
	return 99;
}

/*
 * Read digits of @base from @s.  Returns the number consumed; on overflow
 * *res is ULLONG_MAX and *overflow is set.
 */
static size_t read_digits(const char *s, unsigned int base,
			  unsigned long long *res, bool *overflow)
{
	unsigned long long v = 0;
	size_t n = 0;
	int d;

	*overflow = false;
	while ((d = digit_value(s[n])) < (int)base) {
		if (v > (ULLONG_MAX - (unsigned int)d) / base)
			*overflow = true;
		if (!*overflow)
			v = v * base + (unsigned int)d;
		n++;
	}
	*res = *overflow ? ULLONG_MAX : v;
	return n;
}

unsigned long long kmm_strtoull(const char *s, char **end, unsigned int base)
{
	const char *p = s;
	unsigned long long v = 0;
	bool overflow;
	size_t n = 0;

	if (base == 0 || base_ok(base)) {
		p = pick_radix(s, &base);
		if (base_ok(base))
			n = read_digits(p, base, &v, &overflow);
	}
	if (end)
		*end = (char *)(n ? p + n : s);
	return v;
}

long long kmm_strtoll(const char *s, char **end, unsigned int base)
{
	unsigned long long v;
	char *e;

	if (*s != '-') {
		v = kmm_strtoull(s, end, base);
		return v > (unsigned long long)LLONG_MAX ? LLONG_MAX :
							   (long long)v;
	}
	v = kmm_strtoull(s + 1, &e, base);
	if (end)
		*end = e == s + 1 ? (char *)s : e;
	if (v > (unsigned long long)LLONG_MAX)
		return LLONG_MIN;
	return -(long long)v;
}

unsigned long long memparse(const char *ptr, char **retptr)
{
	static const char suffixes[] = "kmgtpe";
	char *end;
	unsigned long long v = kmm_strtoull(ptr, &end, 0);
	const char *sfx = *end ? kmm_strchr(suffixes, kmm_tolower(*end)) : NULL;

	if (sfx) {
		unsigned int shift = 10 * (unsigned int)(sfx - suffixes + 1);

		v = v > (ULLONG_MAX >> shift) ? ULLONG_MAX : v << shift;
		end++;
	}
	if (retptr)
		*retptr = end;
	return v;
}

int get_option(char **str, int *pint)
{
	char *cur = *str;
	unsigned long long v;

	if (!cur || !*cur)
		return 0;
	/* A leading '-' is eaten even when no number follows it. */
	if (*cur == '-') {
		cur++;
		v = 0ULL - kmm_strtoull(cur, str, 0);
	} else {
		v = kmm_strtoull(cur, str, 0);
	}
	if (pint)
		*pint = (int)(unsigned int)v;
	if (*str == cur)
		return 0;
	if (**str == ',') {
		(*str)++;
		return 2;
	}
	return **str == '-' ? 3 : 1;
}

/*
 * *str is at the '-' of "lo-hi" and *pint holds lo.  Store lo, lo+1, ...,
 * hi-1 (at most @room of them) from pint on and leave *str at hi, which the
 * caller's next get_option() picks up.  Returns hi - lo.
 */
static int expand_range(char **str, int *pint, int room)
{
	long long lo = *pint, hi, x;

	(*str)++;
	hi = kmm_strtoll(*str, NULL, 0);
	for (x = lo; room > 0 && x < hi; x++, room--)
		*pint++ = (int)x;
	hi -= lo;
	return hi > INT_MAX ? INT_MAX : hi < INT_MIN ? INT_MIN : (int)hi;
}

char *get_options(const char *str, int nints, int *ints)
{
	bool validate = nints == 0;
	char *cur = (char *)str;
	int i = 1;

	while (validate || i < nints) {
		int *pint = validate ? ints : ints + i;
		int res = get_option(&cur, pint);

		if (!res)
			break;
		if (res == 3) {
			int span = expand_range(&cur, pint,
						validate ? 0 : nints - i);

			if (span < 0)
				break;
			/* The upper bound itself is read next time round. */
			i += span - 1;
		}
		i++;
		if (res == 1)
			break;
	}
	/* Unlike Linux, never claim more than the array holds. */
	if (!validate && i > nints)
		i = nints;
	ints[0] = i - 1;
	return cur;
}

bool parse_option_str(const char *str, const char *option)
{
	size_t len = kmm_strlen(option);

	while (*str) {
		if (!kmm_strncmp(str, option, len)) {
			str += len;
			if (!*str || *str == ',')
				return true;
		}
		while (*str && *str != ',')
			str++;
		if (*str == ',')
			str++;
	}
	return false;
}

char *skip_spaces(const char *str)
{
	while (kmm_isspace(*str))
		str++;
	return (char *)str;
}

char *next_arg(char *args, char **param, char **val)
{
	bool quoted = false, in_quote = false;
	size_t i, eq = 0;

	if (*args == '"') {
		args++;
		quoted = in_quote = true;
	}

	/*
	 * Find the end of the word: white space outside quotes.  Remember
	 * the first '=' after the first character (an '=' at the very start
	 * does not split, as in Linux).
	 */
	for (i = 0; args[i]; i++) {
		if (!in_quote && kmm_isspace(args[i]))
			break;
		if (!eq && i && args[i] == '=')
			eq = i;
		if (args[i] == '"')
			in_quote = !in_quote;
	}

	*param = args;
	*val = NULL;
	if (eq) {
		args[eq] = '\0';
		*val = args + eq + 1;
		if (**val == '"') {
			/* param="value": drop both quotes of the value. */
			(*val)++;
			if (args[i - 1] == '"')
				args[i - 1] = '\0';
		}
	}
	/* "param=value" or "param": drop the closing quote. */
	if (quoted && i && args[i - 1] == '"')
		args[i - 1] = '\0';

	if (args[i])
		args[i++] = '\0';
	return skip_spaces(args + i);
}

/* The whole of @s (after any sign) must be one number, maybe plus '\n'. */
static int parse_whole(const char *s, unsigned int base,
		       unsigned long long *res)
{
	unsigned long long v;
	bool overflow;
	size_t n;

	if (base != 0 && !base_ok(base))
		return -EINVAL;
	s = pick_radix(s, &base);
	n = read_digits(s, base, &v, &overflow);
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	s += n;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = v;
	return 0;
}

int kstrtoull(const char *s, unsigned int base, unsigned long long *res)
{
	if (*s == '+')
		s++;
	return parse_whole(s, base, res);
}

int kstrtoll(const char *s, unsigned int base, long long *res)
{
	unsigned long long v;
	int err;

	if (*s == '-') {
		err = parse_whole(s + 1, base, &v);
		if (err)
			return err;
		if (v > (unsigned long long)LLONG_MAX + 1)
			return -ERANGE;
		*res = v ? -(long long)(v - 1) - 1 : 0;
		return 0;
	}
	err = kstrtoull(s, base, &v);
	if (err)
		return err;
	if (v > (unsigned long long)LLONG_MAX)
		return -ERANGE;
	*res = (long long)v;
	return 0;
}

int kstrtoul(const char *s, unsigned int base, unsigned long *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > ULONG_MAX)
		return -ERANGE;
	*res = (unsigned long)v;
	return 0;
}

int kstrtouint(const char *s, unsigned int base, unsigned int *res)
{
	unsigned long long v;
	int err = kstrtoull(s, base, &v);

	if (err)
		return err;
	if (v > UINT_MAX)
		return -ERANGE;
	*res = (unsigned int)v;
	return 0;
}

int kstrtoint(const char *s, unsigned int base, int *res)
{
	long long v;
	int err = kstrtoll(s, base, &v);

	if (err)
		return err;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*res = (int)v;
	return 0;
}

int kstrtobool(const char *s, bool *res)
{
	if (!s)
		return -EINVAL;
	switch (s[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		*res = true;
		return 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		*res = false;
		return 0;
	case 'o': case 'O':
		if (kmm_tolower(s[1]) == 'n') {
			*res = true;
			return 0;
		}
		if (kmm_tolower(s[1]) == 'f') {
			*res = false;
			return 0;
		}
		break;
	default:
		break;
	}
	return -EINVAL;
}
