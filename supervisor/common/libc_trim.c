// SPDX-License-Identifier: MIT
/*
 * Linked into the static baton only: two glibc internals replaced by smaller equivalents, so
 * that the binary stays under its 1 MiB budget (tests/bench, README).
 *
 * - __dcgettext(): strerror() and friends pass every message through it, and in a static link
 *   it drags in the catalogue loader with iconv and its transliteration tables (about 20 KiB)
 *   for translations no container has. The identity keeps messages in English, as they are in
 *   the C locale anyway.
 * - __fxprintf() and __fxprintf_nocancel(): what getopt, perror (libev) and assert (libyaml)
 *   print their messages with. glibc's version also handles wide-oriented streams and so pulls
 *   the whole wide printf (about 29 KiB); baton never makes a stream wide, so plain vfprintf
 *   does the same.
 *
 * With these definitions the linker never pulls glibc's dcgettext.o and fxprintf.o. Should
 * another part of libc ever need one of those objects, the link fails on the duplicate symbol:
 * never a silent change at run time. Nothing here may be used by baton's own code.
 */
#include <stdarg.h>
#include <stdio.h>

char *__dcgettext(const char *domain, const char *msgid, int category);
int __fxprintf(FILE *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

char *__dcgettext(const char *domain, const char *msgid, int category)
{
	(void)domain;
	(void)category;
	return (char *)msgid;
}

int __fxprintf(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vfprintf(fp ? fp : stderr, fmt, ap);
	va_end(ap);
	return n;
}

/* The same without being a cancellation point; baton never cancels a thread. */
int __fxprintf_nocancel(FILE *fp, const char *fmt, ...) __attribute__((alias("__fxprintf")));
