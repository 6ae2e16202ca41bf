/* SPDX-License-Identifier: MIT */
/*
 * The producer half of the message-queue example: optionally sleeps (a slow start), creates the
 * System V message queue KEY, writes COUNT data messages of random text and one exit message,
 * and exits 0. Built with -DWITH_SYSTEMD (as producer-notify) it also tells its supervisor
 * READY=1 as soon as the queue exists and STATUS= when it is done. It must never remove the
 * queue: the consumer owns that once it has read the exit message. Exit codes: 0 sent,
 * 64 usage error, 71 a system call failed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/random.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#ifdef WITH_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "ipc_example.h"

#define PRODUCER_MS_MAX	   86400000UL /* one day */
#define PRODUCER_COUNT_MAX 1000000UL

struct producer_options {
	key_t key;
	unsigned long count;
	unsigned long delay_ms;
	unsigned long linger_ms;
	bool help;
};

static const char producer_usage[] =
    "[--key KEY] [--count N] [--delay-ms N] [--linger-ms N] [--notify]";

static int producer_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "producer: %s '%s' (usage: producer %s)\n", what, arg, producer_usage);
	return -1;
}

/* argv and BATON_IPC_DELAY_MS -> OPT. On error prints one line on stderr and returns -1. */
static int producer_parse_options(int argc, char **argv, struct producer_options *opt)
{
	static const struct option longopts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"count", required_argument, NULL, 'c'},
	    {"delay-ms", required_argument, NULL, 'd'},
	    {"linger-ms", required_argument, NULL, 'l'},
	    {"notify", no_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *delay = getenv("BATON_IPC_DELAY_MS");
	int c;

	*opt = (struct producer_options){.key = IPC_EXAMPLE_KEY, .count = 10};
	if (delay && *delay && ipc_example_parse_uint(delay, PRODUCER_MS_MAX, &opt->delay_ms) < 0)
		return producer_usage_error("bad BATON_IPC_DELAY_MS", delay);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		unsigned long *num = NULL, max = PRODUCER_MS_MAX;
		const char *what = NULL;

		switch (c) {
		case 'k':
			if (ipc_example_parse_key(optarg, &opt->key) < 0)
				return producer_usage_error("bad --key", optarg);
			break;
		case 'c':
			num = &opt->count;
			max = PRODUCER_COUNT_MAX;
			what = "bad --count";
			break;
		case 'd':
			num = &opt->delay_ms;
			what = "bad --delay-ms";
			break;
		case 'l':
			num = &opt->linger_ms;
			what = "bad --linger-ms";
			break;
		case 'n':
#ifndef WITH_SYSTEMD /* else implied: this build is producer-notify */
			fprintf(stderr, "producer: --notify needs libsystemd (producer-notify)\n");
			return -1;
#endif
			break;
		case 'h':
			opt->help = true;
			return 0;
		case ':':
			return producer_usage_error("missing value for", argv[optind - 1]);
		default:
			return producer_usage_error("unknown option", argv[optind - 1]);
		}
		if (num && ipc_example_parse_uint(optarg, max, num) < 0)
			return producer_usage_error(what, optarg);
	}
	if (optind < argc)
		return producer_usage_error("unexpected argument", argv[optind]);
	return 0;
}

static void producer_sleep_ms(unsigned long ms)
{
	struct timespec left = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	while (nanosleep(&left, &left) < 0 && errno == EINTR)
		;
}

/* Only in producer-notify. A failed notification is reported, never fatal: the queue exists. */
static void producer_notify(const char *state)
{
#ifdef WITH_SYSTEMD
	int r = sd_notify(0, state);

	if (r < 0)
		fprintf(stderr, "producer: sd_notify: %s\n", strerror(-r));
#else
	(void)state;
#endif
}

/* COUNT data messages, then the exit message. Blocks while the queue is full. 0 or -1/errno. */
static int producer_send(int qid, unsigned long count)
{
	struct ipc_example_msg msg = {.mtype = IPC_EXAMPLE_MTYPE_DATA};
	uint64_t rnd;
	unsigned long i;

	for (i = 1; i <= count + 1; i++) {
		if (i > count) {
			msg.mtype = IPC_EXAMPLE_MTYPE_EXIT;
			snprintf(msg.mtext, sizeof(msg.mtext), "exit");
		} else {
			if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
				rnd = (uint64_t)random() << 32 | (uint64_t)random();
			snprintf(msg.mtext, sizeof(msg.mtext), "msg %lu of %lu: 0x%016llx", i,
				 count, (unsigned long long)rnd);
		}
		while (msgsnd(qid, &msg, strlen(msg.mtext) + 1, 0) < 0) {
			if (errno != EINTR)
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct producer_options opt;
	char status[64];
	int qid;

	if (producer_parse_options(argc, argv, &opt) < 0)
		return EX_USAGE;
	if (opt.help) {
		printf("usage: producer %s\n", producer_usage);
		return 0;
	}
	producer_sleep_ms(opt.delay_ms);
	qid = msgget(opt.key, IPC_CREAT | 0666);
	if (qid < 0) {
		fprintf(stderr, "producer: cannot create message queue with key 0x%08x: %s\n",
			(unsigned int)opt.key, strerror(errno));
		return EX_OSERR;
	}
	producer_notify("READY=1");
	if (producer_send(qid, opt.count) < 0) {
		fprintf(stderr, "producer: cannot write to message queue with key 0x%08x: %s\n",
			(unsigned int)opt.key, strerror(errno));
		return EX_OSERR;
	}
	snprintf(status, sizeof(status), "STATUS=sent %lu messages", opt.count);
	producer_notify(status);
	producer_sleep_ms(opt.linger_ms);
	return 0;
}
