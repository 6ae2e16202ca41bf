// SPDX-License-Identifier: MIT
/*
 * sigqueue PID SIG VALUE...: sends SIG to PID once per VALUE with sigqueue(3), so the receiver
 * sees si_code SI_QUEUE and the integer VALUE (what kill(1) cannot do). SIG is a number. Exit 0
 * when every signal was queued, 1 otherwise, 64 on a usage error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	pid_t pid;
	int sig;

	if (argc < 4) {
		fprintf(stderr, "usage: sigqueue PID SIG VALUE...\n");
		return 64;
	}
	pid = (pid_t)atoi(argv[1]);
	sig = atoi(argv[2]);
	for (int i = 3; i < argc; i++)
		if (sigqueue(pid, sig, (union sigval){.sival_int = atoi(argv[i])}) < 0) {
			perror("sigqueue");
			return 1;
		}
	return 0;
}
