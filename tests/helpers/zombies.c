// SPDX-License-Identifier: MIT
/*
 * zombies N [CODE]: forks N children that exit at once, waits until every one of them is a
 * zombie without reaping it (waitid WNOWAIT), then exits CODE (default 0). The zombies go to
 * the nearest subreaper (baton) together with PROGRAM's own exit: already dead, never reaped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	int code = argc > 2 ? atoi(argv[2]) : 0;

	for (int i = 0; i < n; i++) {
		siginfo_t si;
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 71;
		}
		if (pid == 0)
			_exit(0);
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0) {
			perror("waitid");
			return 71;
		}
	}
	return code;
}
