/* SPDX-License-Identifier: MIT */
/*
 * kmm/cmdline.h - kernel command-line and number parsing (lib/cmdline.c).
 *
 * These follow Linux's lib/cmdline.c and lib/kstrtox.c:
 *
 *  - kmm_strtoull()/kmm_strtoll() are simple_strtoull()/simple_strtoll():
 *    no leading white space or '+', base 0 detects "0x" (hex) and a
 *    leading "0" (octal), base 16 skips an optional "0x".  Unlike Linux,
 *    an overflowing value saturates (ULLONG_MAX, LLONG_MAX or LLONG_MIN)
 *    instead of wrapping.
 *  - memparse() reads such a number and an optional K/M/G/T/P/E suffix
 *    (either case, powers of 1024); it saturates too.
 *  - kstrto*() accept only a complete number (optional '+', or '-' for
 *    the signed ones, and one trailing newline) and return 0, -EINVAL or
 *    -ERANGE, leaving *res untouched on error.
 *  - next_arg() splits "param=value" words the way parse_args() does.
 */
#ifndef KMM_CMDLINE_H
#define KMM_CMDLINE_H

#include <kmm/types.h>

unsigned long long kmm_strtoull(const char *s, char **end, unsigned int base);
long long kmm_strtoll(const char *s, char **end, unsigned int base);

unsigned long long memparse(const char *ptr, char **retptr);

/*
 * Parse one integer at *str into *pint (if non-NULL), advancing *str.
 * Returns 0 (no integer), 1 (integer, no comma after it), 2 (integer and
 * a comma, which is skipped) or 3 (integer followed by '-', a range).
 */
int get_option(char **str, int *pint);

/*
 * Parse a comma-separated list of integers and M-N ranges into ints[1..];
 * ints[0] receives the count.  With nints == 0 only count them.  Returns
 * the character where parsing stopped.
 */
char *get_options(const char *str, int nints, int *ints);

/* Is @option one of the comma-separated words of @str? */
bool parse_option_str(const char *str, const char *option);

char *skip_spaces(const char *str);

/*
 * Split the first white-space separated word of @args, in place, into
 * *param and *val (at its first '='; *val is NULL without one).  Double
 * quotes may enclose the whole word or the value and are removed.
 * Returns the start of the next word (trailing spaces skipped).
 */
char *next_arg(char *args, char **param, char **val);

int kstrtoull(const char *s, unsigned int base, unsigned long long *res);
int kstrtoll(const char *s, unsigned int base, long long *res);
int kstrtoul(const char *s, unsigned int base, unsigned long *res);
int kstrtouint(const char *s, unsigned int base, unsigned int *res);
int kstrtoint(const char *s, unsigned int base, int *res);

/*
 * y/Y/t/T/1 and "on" give true, n/N/f/F/0 and "off" give false; only the
 * first one or two characters are looked at.  Returns 0 or -EINVAL.
 */
int kstrtobool(const char *s, bool *res);

#endif /* KMM_CMDLINE_H */
