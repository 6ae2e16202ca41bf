// SPDX-License-Identifier: MIT
/*
 * sdnotify [-b] [-p PID] MESSAGE: the reference sd_notify client. Sends MESSAGE with
 * libsystemd's sd_notify() (or sd_pid_notify() with -p), and with -b waits on
 * sd_notify_barrier() so the message was handled before it exits. Exit 0 sent, 1 not sent
 * (NOTIFY_SOCKET unset), 2 error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int barrier = 0, c, rc;
	pid_t pid = 0;

	while ((c = getopt(argc, argv, "bp:")) != -1) {
		if (c == 'b')
			barrier = 1;
		else if (c == 'p')
			pid = atoi(optarg);
		else
			return 64;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: sdnotify [-b] [-p PID] MESSAGE\n");
		return 64;
	}
	rc = pid ? sd_pid_notify(pid, 0, argv[optind]) : sd_notify(0, argv[optind]);
	if (rc < 0) {
		fprintf(stderr, "sdnotify: %s\n", strerror(-rc));
		return 2;
	}
	if (rc == 0)
		return 1;
	if (barrier && (rc = sd_notify_barrier(0, 5000000)) < 0) {
		fprintf(stderr, "sdnotify: barrier: %s\n", strerror(-rc));
		return 2;
	}
	return 0;
}
