// SPDX-License-Identifier: MIT
/*
 * sigexec [-b SIGS] [-i SIGS] PROGRAM [ARGS...]: starts PROGRAM with a known signal state, as a
 * container runtime would: every disposition reset to the default and an empty mask, then the
 * signals in -b blocked and those in -i ignored (SIGS: comma-separated numbers). Exit 64 on a
 * usage error, 127 when PROGRAM cannot be executed.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Adds every number of a comma-separated list to set; -1 on a bad list. */
static int each_signal(char *list, sigset_t *set)
{
	for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		int sig = atoi(tok);

		if (sig <= 0 || sig > SIGRTMAX || sigaddset(set, sig) < 0)
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	sigset_t block, ignore;
	int c;

	sigemptyset(&block);
	sigemptyset(&ignore);
	while ((c = getopt(argc, argv, "+b:i:")) != -1) {
		if ((c == 'b' && each_signal(optarg, &block) == 0) ||
		    (c == 'i' && each_signal(optarg, &ignore) == 0))
			continue;
		fprintf(stderr, "usage: sigexec [-b SIGS] [-i SIGS] PROGRAM [ARGS...]\n");
		return 64;
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: sigexec [-b SIGS] [-i SIGS] PROGRAM [ARGS...]\n");
		return 64;
	}
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		/* 32 and 33 belong to the C library; sigaction refuses them. */
		signal(sig, sigismember(&ignore, sig) == 1 ? SIG_IGN : SIG_DFL);
	}
	sigprocmask(SIG_SETMASK, &block, NULL);
	execvp(argv[optind], argv + optind);
	perror(argv[optind]);
	return 127;
}
