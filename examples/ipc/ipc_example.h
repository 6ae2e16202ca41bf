/* SPDX-License-Identifier: MIT */
/*
 * What examples/ipc/producer.c and consumer.c agree on: the default System V key, the two message
 * types (data, then one exit message), the message layout and the strict number parsing both
 * use for their options; and what mq-producer.c and mq-consumer.c (the POSIX variant, after
 * Docker in Action's ch6_ipc) agree on: the queue's name and size and the last message.
 * Header-only so that each example stays a single translation unit; it must never grow anything
 * a reader would need to look up elsewhere to follow the programs.
 */
#ifndef BATON_EXAMPLES_IPC_EXAMPLE_H
#define BATON_EXAMPLES_IPC_EXAMPLE_H

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/types.h>

#define IPC_EXAMPLE_KEY	       0x62746e01 /* "btn" and 1 */
#define IPC_EXAMPLE_MTYPE_DATA 1
#define IPC_EXAMPLE_MTYPE_EXIT 2
#define IPC_EXAMPLE_TEXT_MAX   64

/* The POSIX variant: queue name, at most 10 messages of at most 1024 bytes, then "done". */
#define IPC_EXAMPLE_MQ_NAME    "/ch6_ipc"
#define IPC_EXAMPLE_MQ_MAXMSG  10
#define IPC_EXAMPLE_MQ_MSGSIZE 1024
#define IPC_EXAMPLE_MQ_DONE    "done"

struct ipc_example_msg {
	long mtype;
	char mtext[IPC_EXAMPLE_TEXT_MAX];
};

/*
 * Parse all of S as an unsigned number in BASE no greater than MAX. Unlike bare strtoul, refuses
 * an empty string, leading space or sign, trailing characters and overflow. 0 or -1.
 */
static inline int ipc_example_parse_number(const char *s, int base, unsigned long max,
					   unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!isxdigit((unsigned char)s[0]) || (base == 10 && !isdigit((unsigned char)s[0])))
		return -1;
	errno = 0;
	v = strtoul(s, &end, base);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

static inline int ipc_example_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	return ipc_example_parse_number(s, 10, max, out);
}

/* A key is decimal or 0x hex, 32 bits, and never 0: that is IPC_PRIVATE, which nobody can find. */
static inline int ipc_example_parse_key(const char *s, key_t *key)
{
	unsigned long v;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		s += 2;
		base = 16;
	}
	if (ipc_example_parse_number(s, base, 0xffffffffUL, &v) < 0 || v == 0)
		return -1;
	*key = (key_t)(unsigned int)v;
	return 0;
}

#endif
