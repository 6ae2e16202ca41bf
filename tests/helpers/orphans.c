// SPDX-License-Identifier: MIT
/*
 * orphans N [LINGER_MS]: makes N orphans. Each of N children forks a grandchild and exits at
 * once, so the grandchild is re-parented to the nearest subreaper (baton); the grandchild lives
 * LINGER_MS (default 0) and exits. orphans reaps its own children, prints "orphaned N" on
 * stdout and then waits for SIGTERM, so it stays the supervised PROGRAM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	long linger = argc > 2 ? atol(argv[2]) : 0;
	int made = 0;
	sigset_t term;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			break;
		}
		if (pid == 0) {
			if (fork() == 0) {
				struct timespec ts = {linger / 1000, (linger % 1000) * 1000000};

				nanosleep(&ts, NULL);
				_exit(0);
			}
			_exit(0);
		}
		if (waitpid(pid, NULL, 0) == pid)
			made++;
	}
	printf("orphaned %d\n", made);
	fflush(stdout);
	if (argc > 3)
		return 0;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sigwaitinfo(&term, NULL);
	return 0;
}
