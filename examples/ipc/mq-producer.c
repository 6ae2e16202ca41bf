/* SPDX-License-Identifier: MIT */
/*
 * The producer of the POSIX message-queue example, after Docker in Action's ch6_ipc: creates the
 * queue NAME (default /ch6_ipc, at most 10 messages of 1024 bytes), sends COUNT (default 500)
 * messages of 1024 random bytes, then the message "done", and exits 0. mq_send() blocks while
 * the queue is full: with nobody reading, the producer blocks for ever after its tenth message,
 * as the article's does. It must never remove the queue: the consumer does that once it has
 * read "done". Exit codes: 0 sent, 64 usage error, 71 a system call failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <mqueue.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sysexits.h>

#include "ipc_example.h"

#define MQ_PRODUCER_COUNT_MAX 1000000UL

static const char mq_producer_usage[] = "[--queue /NAME] [--count N]";

static int mq_producer_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "mq-producer: %s '%s' (usage: mq-producer %s)\n", what, arg,
		mq_producer_usage);
	return -1;
}

/* argv -> NAME, COUNT, HELP. On error prints one line on stderr and returns -1. */
static int mq_producer_parse_options(int argc, char **argv, const char **name, unsigned long *count,
				     bool *help)
{
	static const struct option longopts[] = {
		{ "queue", required_argument, NULL, 'q' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'q':
			if (optarg[0] != '/')
				return mq_producer_usage_error("bad --queue (want /NAME)", optarg);
			*name = optarg;
			break;
		case 'c':
			if (ipc_example_parse_uint(optarg, MQ_PRODUCER_COUNT_MAX, count) < 0)
				return mq_producer_usage_error("bad --count", optarg);
			break;
		case 'h':
			*help = true;
			return 0;
		case ':':
			return mq_producer_usage_error("missing value for", argv[optind - 1]);
		default:
			return mq_producer_usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return mq_producer_usage_error("unexpected argument", argv[optind]);
	return 0;
}

/* COUNT random messages, then "done". Blocks while the queue is full. 0 or -1/errno. */
static int mq_producer_send(mqd_t q, unsigned long count)
{
	char msg[IPC_EXAMPLE_MQ_MSGSIZE];
	size_t len = sizeof(msg);

	for (unsigned long i = 0; i <= count; i++) {
		if (i == count) {
			len = strlen(IPC_EXAMPLE_MQ_DONE);
			memcpy(msg, IPC_EXAMPLE_MQ_DONE, len);
		} else if (getrandom(msg, sizeof(msg), 0) != (ssize_t)sizeof(msg)) {
			for (size_t j = 0; j < sizeof(msg); j++)
				msg[j] = (char)random();
		}
		while (mq_send(q, msg, len, 0) < 0) {
			if (errno != EINTR)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mq_attr attr = { .mq_maxmsg = IPC_EXAMPLE_MQ_MAXMSG,
				.mq_msgsize = IPC_EXAMPLE_MQ_MSGSIZE };
	const char *name = IPC_EXAMPLE_MQ_NAME;
	unsigned long count = 500;
	bool help = false;
	mqd_t q;

	if (mq_producer_parse_options(argc, argv, &name, &count, &help) < 0)
		return EX_USAGE;
	if (help) {
		printf("usage: mq-producer %s\n", mq_producer_usage);
		return 0;
	}
	q = mq_open(name, O_CREAT | O_WRONLY, 0666, &attr);
	if (q == (mqd_t)-1) {
		fprintf(stderr, "mq-producer: cannot create message queue %s: %s\n", name,
			strerror(errno));
		return EX_OSERR;
	}
	if (mq_producer_send(q, count) < 0) {
		fprintf(stderr, "mq-producer: cannot write to message queue %s: %s\n", name,
			strerror(errno));
		return EX_OSERR;
	}
	printf("mq-producer: sent %lu messages\n", count);
	return 0;
}
