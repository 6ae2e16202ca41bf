/* SPDX-License-Identifier: MIT */
/*
 * The consumer half of the message-queue example: opens the System V message queue KEY that the
 * producer creates, reads data messages until the exit message, prints how many it received,
 * removes the queue and exits 0. It must never create the queue: a consumer started before its
 * producer has to fail at once with one clear line (exit 1) - that failure is the startup race
 * this example exists to show - and it must never remove a queue before reading the exit
 * message. Exit codes: 0 done, 1 no such queue, 2 timed out (the queue is left in place),
 * 3 --expect did not match, 64 usage error, 71 a system call failed.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/time.h>
#include <sysexits.h>

#include "ipc_example.h"

#define CONSUMER_EXIT_NO_QUEUE 1
#define CONSUMER_EXIT_TIMEOUT  2
#define CONSUMER_EXIT_MISMATCH 3
#define CONSUMER_MAX_S	       86400UL

struct consumer_options {
	key_t key;
	unsigned long timeout_s; /* 0: wait for ever */
	long expect;		 /* -1: any count */
	bool help;
};

static volatile sig_atomic_t consumer_timed_out;

static const char consumer_usage[] = "[--key KEY] [--timeout-s N] [--expect N]";

static int consumer_usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "consumer: %s '%s' (usage: consumer %s)\n", what, arg, consumer_usage);
	return -1;
}

/* argv -> OPT. On error prints one line on stderr and returns -1. */
static int consumer_parse_options(int argc, char **argv, struct consumer_options *opt)
{
	static const struct option longopts[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"timeout-s", required_argument, NULL, 't'},
	    {"expect", required_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned long expect;
	int c;

	*opt = (struct consumer_options){.key = IPC_EXAMPLE_KEY, .timeout_s = 30, .expect = -1};
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (ipc_example_parse_key(optarg, &opt->key) < 0)
				return consumer_usage_error("bad --key", optarg);
			break;
		case 't':
			if (ipc_example_parse_uint(optarg, CONSUMER_MAX_S, &opt->timeout_s) < 0)
				return consumer_usage_error("bad --timeout-s", optarg);
			break;
		case 'e':
			if (ipc_example_parse_uint(optarg, 0x7fffffffUL, &expect) < 0)
				return consumer_usage_error("bad --expect", optarg);
			opt->expect = (long)expect;
			break;
		case 'h':
			opt->help = true;
			return 0;
		case ':':
			return consumer_usage_error("missing value for", argv[optind - 1]);
		default:
			return consumer_usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return consumer_usage_error("unexpected argument", argv[optind]);
	return 0;
}

static void consumer_on_alarm(int sig)
{
	(void)sig;
	consumer_timed_out = 1;
}

/*
 * SIGALRM after SECONDS, then every 50 ms so that a tick landing between the loop's check of the
 * flag and msgrcv() is not lost: the next one interrupts the blocked msgrcv(). 0 disarms.
 */
static int consumer_arm_timeout(unsigned long seconds)
{
	struct sigaction sa = {.sa_handler = consumer_on_alarm}; /* no SA_RESTART: EINTR wanted */
	struct itimerval it = {.it_value = {.tv_sec = (time_t)seconds}};

	if (seconds > 0)
		it.it_interval.tv_usec = 50000;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		return -1;
	return setitimer(ITIMER_REAL, &it, NULL);
}

/* Count data messages until the exit message. 0, or -1 with errno (ETIMEDOUT past the timeout). */
static int consumer_read(int qid, unsigned long *count)
{
	struct ipc_example_msg msg;

	*count = 0;
	for (;;) {
		if (consumer_timed_out) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (msgrcv(qid, &msg, sizeof(msg.mtext), 0, MSG_NOERROR) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (msg.mtype == IPC_EXAMPLE_MTYPE_EXIT)
			return 0;
		if (msg.mtype == IPC_EXAMPLE_MTYPE_DATA)
			(*count)++;
	}
}

int main(int argc, char **argv)
{
	struct consumer_options opt;
	unsigned long count;
	int qid;

	if (consumer_parse_options(argc, argv, &opt) < 0)
		return EX_USAGE;
	if (opt.help) {
		printf("usage: consumer %s\n", consumer_usage);
		return 0;
	}
	qid = msgget(opt.key, 0);
	if (qid < 0) {
		fprintf(stderr, "consumer: %s message queue with key 0x%08x: %s\n",
			errno == ENOENT ? "no" : "cannot open", (unsigned int)opt.key,
			strerror(errno));
		return CONSUMER_EXIT_NO_QUEUE;
	}
	if (consumer_arm_timeout(opt.timeout_s) < 0) {
		fprintf(stderr, "consumer: cannot set a timer: %s\n", strerror(errno));
		return EX_OSERR;
	}
	if (consumer_read(qid, &count) < 0) {
		if (errno != ETIMEDOUT) {
			fprintf(stderr, "consumer: cannot read message queue with key 0x%08x: %s\n",
				(unsigned int)opt.key, strerror(errno));
			return EX_OSERR;
		}
		fprintf(stderr, "consumer: no exit message within %lu s (received %lu messages)\n",
			opt.timeout_s, count);
		return CONSUMER_EXIT_TIMEOUT;
	}
	consumer_arm_timeout(0);
	printf("consumer: received %lu messages\n", count);
	fflush(stdout); /* ahead of any line on stderr below, even when both go to one file */
	if (msgctl(qid, IPC_RMID, NULL) < 0) {
		fprintf(stderr, "consumer: cannot remove message queue with key 0x%08x: %s\n",
			(unsigned int)opt.key, strerror(errno));
		return EX_OSERR;
	}
	if (opt.expect >= 0 && (unsigned long)opt.expect != count) {
		fprintf(stderr, "consumer: expected %ld messages, received %lu\n", opt.expect,
			count);
		return CONSUMER_EXIT_MISMATCH;
	}
	return 0;
}
