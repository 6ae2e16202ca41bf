// SPDX-License-Identifier: MIT
/*
 * Linked into the static baton only: glibc's message catalogue lookup, replaced by the identity.
 *
 * strerror() and friends pass every message through __dcgettext(), and in a static link that
 * drags in the whole catalogue loader with iconv and its transliteration tables (about 20 KiB)
 * for translations no container has. With this definition the linker never pulls glibc's
 * dcgettext.o, so messages stay in English, as they are in the C locale anyway. Should another
 * part of libc ever need that object, the link fails on the duplicate symbol: never a silent
 * change at run time.
 */
char *__dcgettext(const char *domain, const char *msgid, int category);

char *__dcgettext(const char *domain, const char *msgid, int category)
{
	(void)domain;
	(void)category;
	return (char *)msgid;
}
