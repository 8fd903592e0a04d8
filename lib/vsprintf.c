/* SPDX-License-Identifier: MIT */
/*
 * lib/vsprintf.c - string helpers and a freestanding printf engine.
 *
 * Core code is built with -ffreestanding and may not call the host C
 * library, so kmm carries its own small string routines and formatter.
 *
 * Theory of operation
 * -------------------
 * vsnprintf_k() walks the format once.  Ordinary characters are copied;
 * each conversion is decoded into a struct fmt_spec (flags, width,
 * precision, length modifier) and rendered through a struct outbuf, which
 * counts every character it is offered but stores only those that fit in
 * size - 1 bytes.  The count is therefore the length the full output would
 * have had, exactly like C99 vsnprintf(), and the buffer is always
 * NUL-terminated when size > 0.  All va_arg() calls happen in the one
 * function that owns the va_list.
 *
 * Integers are converted to digits in a small reversed scratch buffer and
 * then laid out as
 *
 *	[spaces] [sign or 0x] [zeros] digits [spaces]
 *
 * following the C99 rules: '-' left-justifies, '0' pads with zeros but is
 * ignored with '-' or with an explicit precision, '+' and ' ' only apply to
 * signed conversions, a precision is a minimum digit count and ".0" prints
 * no digits for the value 0, and "#o" forces a leading zero digit.
 *
 * Supported: flags "-+ #0"; width and precision as digits or '*'; length
 * modifiers hh h l ll L q z t j (L and q mean long long, as in Linux, so
 * "%Lx" prints a 64-bit value); conversions d i u x X o c s p %.
 *
 * Deliberate differences from C99, all of them Linux kernel behaviour:
 *
 *  - "#" with x or X always prints the "0x"/"0X" prefix, also for the value
 *    0: "%#x" of 0 is "0x0" and "%#010Lx" of 0 is "0x00000000" (C prints
 *    "0" and "0000000000").  The width still includes the prefix.  Linux
 *    relies on this in log lines such as
 *	e820: update [mem 0x00000000-0x00000fff] usable ==> reserved
 *  - "%s" of NULL prints "(null)", cut to the precision if one is given.
 *  - "%p" prints "0x" and the lowercase hex value, like "%#lx" (so NULL is
 *    "0x0", not glibc's "(nil)").  As in Linux, letters and digits right
 *    after %p select an extension and are consumed:
 *	%pa, %pap, %pad	the phys_addr_t (u64) *pointed to*, as 0x and 16
 *			hex digits ("(null)" for a NULL pointer);
 *	%px		the pointer as 16 hex digits, no prefix;
 *	anything else	(%pS, %pK, ...) is printed like plain %p.
 *  - There is no floating point and no %n.  An unknown conversion stops
 *    formatting: the rest of the format, from its '%', is copied out
 *    verbatim and no further arguments are fetched, so a bad format can
 *    never desynchronise the argument list.
 */
#include <kmm/string.h>

/* ---------------------------------------------------------------------- */
/* string helpers                                                          */
/* ---------------------------------------------------------------------- */

size_t kmm_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t kmm_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int kmm_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return (int)*x - (int)*y;
}

int kmm_strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return (int)*x - (int)*y;
		if (!*x)
			break;
	}
	return 0;
}

char *kmm_strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *kmm_strstr(const char *h, const char *n)
{
	size_t nlen = kmm_strlen(n);

	if (!nlen)
		return (char *)h;
	for (; *h; h++) {
		if (*h == *n && !kmm_strncmp(h, n, nlen))
			return (char *)h;
	}
	return NULL;
}

size_t kmm_strlcpy(char *d, const char *s, size_t size)
{
	size_t len = kmm_strlen(s);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		for (size_t i = 0; i < n; i++)
			d[i] = s[i];
		d[n] = '\0';
	}
	return len;
}

bool kmm_isdigit(int c)
{
	return c >= '0' && c <= '9';
}

bool kmm_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

bool kmm_isxdigit(int c)
{
	return kmm_isdigit(c) || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

int kmm_tolower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* ---------------------------------------------------------------------- */
/* output buffer                                                           */
/* ---------------------------------------------------------------------- */

struct outbuf {
	char *buf;
	size_t size;	/* capacity including the NUL */
	size_t len;	/* characters produced so far, stored or not */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->size && o->len < o->size - 1)
		o->buf[o->len] = c;
	o->len++;
}

static void out_fill(struct outbuf *o, char c, size_t n)
{
	while (n--)
		out_char(o, c);
}

static void out_mem(struct outbuf *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out_char(o, s[i]);
}

/* ---------------------------------------------------------------------- */
/* conversions                                                             */
/* ---------------------------------------------------------------------- */

#define F_LEFT		0x01	/* '-' */
#define F_PLUS		0x02	/* '+' */
#define F_SPACE		0x04	/* ' ' */
#define F_ALT		0x08	/* '#' */
#define F_ZERO		0x10	/* '0' */
#define F_UPPER		0x20	/* X: uppercase digits and prefix */

enum fmt_len {
	LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J,
};

struct fmt_spec {
	unsigned int flags;
	int width;		/* 0 when absent */
	int prec;		/* -1 when absent */
	enum fmt_len len;
	unsigned int base;	/* 8, 10 or 16 */
};

static size_t pad_for(int width, size_t used)
{
	return (size_t)width > used ? (size_t)width - used : 0;
}

/*
 * Emit one integer.  @neg says the magnitude @v came from a negative signed
 * value; @is_signed enables the '+' and ' ' flags.
 */
static void put_number(struct outbuf *o, unsigned long long v, bool neg,
		       bool is_signed, const struct fmt_spec *sp)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	const char *digits = (sp->flags & F_UPPER) ? upper : lower;
	char tmp[24];		/* 64-bit octal needs 22 */
	char prefix[2];
	size_t ndig = 0, npfx = 0, zeros = 0, total, pad;
	unsigned long long n = v;

	/* Digits, least significant first.  %.0d of 0 prints none. */
	if (v || sp->prec != 0) {
		do {
			tmp[ndig++] = digits[n % sp->base];
			n /= sp->base;
		} while (n);
	}
	if (sp->prec > 0 && (size_t)sp->prec > ndig)
		zeros = (size_t)sp->prec - ndig;

	if (is_signed) {
		if (neg)
			prefix[npfx++] = '-';
		else if (sp->flags & F_PLUS)
			prefix[npfx++] = '+';
		else if (sp->flags & F_SPACE)
			prefix[npfx++] = ' ';
	}
	if (sp->flags & F_ALT) {
		if (sp->base == 16) {
			/* Linux: the prefix is printed for zero too. */
			prefix[npfx++] = '0';
			prefix[npfx++] = (sp->flags & F_UPPER) ? 'X' : 'x';
		} else if (sp->base == 8 && !zeros && (ndig == 0 || v)) {
			/* C: the first digit printed must be a zero. */
			zeros = 1;
		}
	}

	total = npfx + zeros + ndig;
	pad = pad_for(sp->width, total);
	if (sp->flags & F_LEFT) {
		out_mem(o, prefix, npfx);
		out_fill(o, '0', zeros);
		while (ndig)
			out_char(o, tmp[--ndig]);
		out_fill(o, ' ', pad);
		return;
	}
	if ((sp->flags & F_ZERO) && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}
	out_fill(o, ' ', pad);
	out_mem(o, prefix, npfx);
	out_fill(o, '0', zeros);
	while (ndig)
		out_char(o, tmp[--ndig]);
}

static void put_string(struct outbuf *o, const char *s,
		       const struct fmt_spec *sp)
{
	size_t n, pad;

	if (!s)
		s = "(null)";
	n = sp->prec < 0 ? kmm_strlen(s) : kmm_strnlen(s, (size_t)sp->prec);
	pad = pad_for(sp->width, n);
	if (!(sp->flags & F_LEFT))
		out_fill(o, ' ', pad);
	out_mem(o, s, n);
	if (sp->flags & F_LEFT)
		out_fill(o, ' ', pad);
}

static void put_char(struct outbuf *o, char c, const struct fmt_spec *sp)
{
	size_t pad = pad_for(sp->width, 1);

	if (!(sp->flags & F_LEFT))
		out_fill(o, ' ', pad);
	out_char(o, c);
	if (sp->flags & F_LEFT)
		out_fill(o, ' ', pad);
}

/* Read a decimal field width or precision, saturating at INT_MAX. */
static int read_decimal(const char **fmtp)
{
	const char *p = *fmtp;
	int v = 0;

	while (kmm_isdigit(*p)) {
		int d = *p++ - '0';

		v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
	}
	*fmtp = p;
	return v;
}

/*
 * %p and its Linux extensions.  @fmtp points just past the 'p'; the
 * extension letters are consumed here.  The argument is always a pointer.
 */
static void put_pointer(struct outbuf *o, const char **fmtp, const void *ptr,
			struct fmt_spec *sp)
{
	const char *f = *fmtp;
	char ext = *f;

	while (kmm_isdigit(*f) || (*f >= 'a' && *f <= 'z') ||
	       (*f >= 'A' && *f <= 'Z'))
		f++;
	*fmtp = f;

	sp->base = 16;
	sp->flags &= ~(F_PLUS | F_SPACE | F_UPPER);
	if (ext == 'a') {
		if (!ptr) {
			sp->prec = -1;
			put_string(o, NULL, sp);
			return;
		}
		sp->flags = F_ALT | F_ZERO;
		sp->width = 2 + 2 * (int)sizeof(phys_addr_t);
		sp->prec = -1;
		put_number(o, *(const phys_addr_t *)ptr, false, false, sp);
		return;
	}
	if (ext == 'x') {
		sp->flags = F_ZERO;
		sp->width = 2 * (int)sizeof(void *);
		sp->prec = -1;
		put_number(o, (uintptr_t)ptr, false, false, sp);
		return;
	}
	sp->flags |= F_ALT;
	put_number(o, (uintptr_t)ptr, false, false, sp);
}

/* Sign-extend a value of @bytes bytes that was read as unsigned. */
static long long sext(unsigned long long v, size_t bytes)
{
	unsigned int shift = 64 - 8 * (unsigned int)bytes;

	if (!shift)
		return (long long)v;
	v <<= shift;
	return (long long)v >> shift;
}

int vsnprintf_k(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { .buf = buf, .size = size, .len = 0 };

	while (*fmt) {
		const char *start = fmt;
		struct fmt_spec sp = { .prec = -1, .base = 10 };
		unsigned long long uv = 0;
		bool is_signed = false, neg = false;
		char conv;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;

		/* flags */
		for (;; fmt++) {
			unsigned int f;

			switch (*fmt) {
			case '-': f = F_LEFT; break;
			case '+': f = F_PLUS; break;
			case ' ': f = F_SPACE; break;
			case '#': f = F_ALT; break;
			case '0': f = F_ZERO; break;
			default: f = 0; break;
			}
			if (!f)
				break;
			sp.flags |= f;
		}

		/* width */
		if (*fmt == '*') {
			int w = va_arg(ap, int);

			fmt++;
			if (w < 0) {
				sp.flags |= F_LEFT;
				w = w == INT_MIN ? INT_MAX : -w;
			}
			sp.width = w;
		} else {
			sp.width = read_decimal(&fmt);
		}

		/* precision; a negative '*' counts as absent */
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				int p = va_arg(ap, int);

				fmt++;
				sp.prec = p < 0 ? -1 : p;
			} else {
				sp.prec = read_decimal(&fmt);
			}
		}

		/* length modifier */
		switch (*fmt) {
		case 'h':
			fmt++;
			sp.len = LEN_H;
			if (*fmt == 'h') {
				fmt++;
				sp.len = LEN_HH;
			}
			break;
		case 'l':
			fmt++;
			sp.len = LEN_L;
			if (*fmt == 'l') {
				fmt++;
				sp.len = LEN_LL;
			}
			break;
		case 'L':
		case 'q':
			fmt++;
			sp.len = LEN_LL;
			break;
		case 'z':
			fmt++;
			sp.len = LEN_Z;
			break;
		case 't':
			fmt++;
			sp.len = LEN_T;
			break;
		case 'j':
			fmt++;
			sp.len = LEN_J;
			break;
		default:
			break;
		}

		conv = *fmt;
		if (conv)
			fmt++;
		if (sp.flags & F_LEFT)
			sp.flags &= ~F_ZERO;

		switch (conv) {
		case '%':
			out_char(&o, '%');
			continue;
		case 'c':
			put_char(&o, (char)va_arg(ap, int), &sp);
			continue;
		case 's':
			put_string(&o, va_arg(ap, const char *), &sp);
			continue;
		case 'p':
			put_pointer(&o, &fmt, va_arg(ap, const void *), &sp);
			continue;
		case 'd':
		case 'i':
			is_signed = true;
			break;
		case 'u':
			break;
		case 'X':
			sp.flags |= F_UPPER;
			fallthrough;
		case 'x':
			sp.base = 16;
			break;
		case 'o':
			sp.base = 8;
			break;
		default:
			/* Unknown: copy the rest out verbatim and stop. */
			out_mem(&o, start, kmm_strlen(start));
			goto done;
		}

		if (is_signed) {
			long long sv;

			switch (sp.len) {
			case LEN_HH: sv = (signed char)va_arg(ap, int); break;
			case LEN_H: sv = (short)va_arg(ap, int); break;
			case LEN_L: sv = va_arg(ap, long); break;
			case LEN_LL: sv = va_arg(ap, long long); break;
			case LEN_Z:
				sv = sext(va_arg(ap, size_t), sizeof(size_t));
				break;
			case LEN_T: sv = va_arg(ap, ptrdiff_t); break;
			case LEN_J: sv = va_arg(ap, intmax_t); break;
			default: sv = va_arg(ap, int); break;
			}
			neg = sv < 0;
			/* Negate in unsigned arithmetic: LLONG_MIN is fine. */
			uv = neg ? 0ULL - (unsigned long long)sv :
				   (unsigned long long)sv;
		} else {
			switch (sp.len) {
			case LEN_HH: uv = (unsigned char)va_arg(ap, int); break;
			case LEN_H: uv = (unsigned short)va_arg(ap, int); break;
			case LEN_L: uv = va_arg(ap, unsigned long); break;
			case LEN_LL: uv = va_arg(ap, unsigned long long); break;
			case LEN_Z: uv = va_arg(ap, size_t); break;
			case LEN_T:
				uv = (size_t)va_arg(ap, ptrdiff_t);
				break;
			case LEN_J: uv = va_arg(ap, uintmax_t); break;
			default: uv = va_arg(ap, unsigned int); break;
			}
		}
		put_number(&o, uv, neg, is_signed, &sp);
	}
done:
	if (size)
		buf[o.len < size - 1 ? o.len : size - 1] = '\0';
	return o.len > (size_t)INT_MAX ? INT_MAX : (int)o.len;
}

int snprintf_k(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf_k(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!size)
		return 0;
	va_start(ap, fmt);
	n = vsnprintf_k(buf, size, fmt, ap);
	va_end(ap);
	if ((size_t)n >= size)
		n = (int)(size - 1);
	return n;
}
