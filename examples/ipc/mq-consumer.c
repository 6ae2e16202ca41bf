/* SPDX-License-Identifier: MIT */
/*
 * The consumer of the POSIX message-queue example, after Docker in Action's ch6_ipc: opens the
 * queue NAME (default /ch6_ipc) read-only, reads messages until "done", prints how many came
 * before it, removes the queue and exits 0. It must never create the queue: a consumer started
 * before its producer fails at once with one clear line (exit 1), the startup race this
 * example shows. Exit codes: 0 done, 1 no such queue, 3 --expect did not match, 64 usage error,
 * 71 a system call failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "ipc_example.h"

#define MQ_CONSUMER_EXIT_NO_QUEUE 1
#define MQ_CONSUMER_EXIT_MISMATCH 3

static const char mq_consumer_usage[] = "[--queue /NAME] [--expect N]";

static int mq_consumer_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "mq-consumer: %s '%s' (usage: mq-consumer %s)\n", what, arg,
		mq_consumer_usage);
	return -1;
}

/* argv -> NAME, EXPECT (-1: any), HELP. On error prints one line on stderr and returns -1. */
static int mq_consumer_parse_options(int argc, char **argv, const char **name, long *expect,
				     bool *help)
{
	static const struct option longopts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "expect", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long n;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			if (optarg[0] != '/')
				return mq_consumer_usage_error("bad --queue (want /NAME)", optarg);
			*name = optarg;
			break;
		case 'e':
			if (ipc_example_parse_uint(optarg, 0x7fffffffUL, &n) < 0)
				return mq_consumer_usage_error("bad --expect", optarg);
			*expect = (long)n;
			break;
		case 'h':
			*help = true;
			return 0;
		case ':':
			return mq_consumer_usage_error("missing value for", argv[optind - 1]);
		default:
			return mq_consumer_usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mq_consumer_usage_error("unexpected argument", argv[optind]);
	return 0;
}

/* Counts messages until "done". 0, or -1 with errno. */
static int mq_consumer_read(mqd_t q, unsigned long *count)
{
	char msg[IPC_EXAMPLE_MQ_MSGSIZE];
	ssize_t len;

	*count = 0;
	for (;;) {
		len = mq_receive(q, msg, sizeof(msg), NULL);
		if (len < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if ((size_t)len == strlen(IPC_EXAMPLE_MQ_DONE) &&
		    memcmp(msg, IPC_EXAMPLE_MQ_DONE, (size_t)len) == 0)
			return 0;
		(*count)++;
	}
}

int main(int argc, char **argv)
{
	const char *name = IPC_EXAMPLE_MQ_NAME;
	unsigned long count;
	long expect = -1;
	bool help = false;
	mqd_t q;

	if (mq_consumer_parse_options(argc, argv, &name, &expect, &help) < 0)
		return EX_USAGE;
	if (help) {
		printf("usage: mq-consumer %s\n", mq_consumer_usage);
		return 0;
	}
	q = mq_open(name, O_RDONLY);
	if (q == (mqd_t)-1) {
		fprintf(stderr, "mq-consumer: %s message queue %s: %s\n",
			errno == ENOENT ? "no" : "cannot open", name, strerror(errno));
		return MQ_CONSUMER_EXIT_NO_QUEUE;
	}
	if (mq_consumer_read(q, &count) < 0) {
		fprintf(stderr, "mq-consumer: cannot read message queue %s: %s\n", name,
			strerror(errno));
		return EX_OSERR;
	}
	printf("mq-consumer: received %lu messages\n", count);
	fflush(stdout); /* ahead of any line on stderr below, even when both go to one file */
	if (mq_unlink(name) < 0) {
		fprintf(stderr, "mq-consumer: cannot remove message queue %s: %s\n", name,
			strerror(errno));
		return EX_OSERR;
	}
	if (expect >= 0 && (unsigned long)expect != count) {
		fprintf(stderr, "mq-consumer: expected %ld messages, received %lu\n", expect,
			count);
		return MQ_CONSUMER_EXIT_MISMATCH;
	}
	return 0;
}
