/* SPDX-License-Identifier: MIT */
/*
 * kmm/string.h - memory and string helpers for core code.
 *
 * Core code may not include host headers.  The mem* functions map to the
 * compiler's builtins: gcc and clang expand small ones inline and call the
 * ordinary symbol otherwise, which the host C library provides in a hosted
 * build and the freestanding platform must provide in a bare-metal one.
 * The string functions are kmm's own (lib/vsprintf.c).
 */
#ifndef KMM_STRING_H
#define KMM_STRING_H

#include <kmm/types.h>

#define memset(d, c, n)		__builtin_memset(d, c, n)
#define memcpy(d, s, n)		__builtin_memcpy(d, s, n)
#define memmove(d, s, n)	__builtin_memmove(d, s, n)
#define memcmp(a, b, n)		__builtin_memcmp(a, b, n)

size_t kmm_strlen(const char *s);
size_t kmm_strnlen(const char *s, size_t max);
int kmm_strcmp(const char *a, const char *b);
int kmm_strncmp(const char *a, const char *b, size_t n);
char *kmm_strchr(const char *s, int c);
char *kmm_strstr(const char *h, const char *n);
size_t kmm_strlcpy(char *d, const char *s, size_t size);
bool kmm_isdigit(int c);
bool kmm_isspace(int c);
bool kmm_isxdigit(int c);
int kmm_tolower(int c);

int vsnprintf_k(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf_k(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif /* KMM_STRING_H */
