// SPDX-License-Identifier: MIT
/*
 * siglat: signal forwarding latency through an init.
 *
 *   siglat recv FIFO             PROGRAM: blocks SIGUSR1 and SIGTERM, reads them from a
 *                                signalfd, and for every SIGUSR1 writes the CLOCK_MONOTONIC
 *                                time it arrived (8 bytes) to FIFO; exits 0 on SIGTERM.
 *   siglat send N FIFO OUT CMD...  driver: starts CMD (an init running `siglat recv FIFO`,
 *                                or that alone), then WARMUP+N times: takes the time, sends
 *                                SIGUSR1 to CMD's process, and waits for the arrival time on
 *                                FIFO before the next one. Appends the N latencies (ns, one a
 *                                line) to OUT; exit 1 when a signal is lost or CMD fails.
 *
 * CLOCK_MONOTONIC is one clock for every process on the machine, so arrival - send is the
 * whole path: kill(2), the init waking, reading and forwarding it, PROGRAM waking and reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WARMUP 50

extern char **environ;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_all(int fd, const void *buf, size_t len)
{
	return write(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

static int recv_main(const char *fifo)
{
	sigset_t set;
	int sfd, out;
	long long t = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || (sfd = signalfd(-1, &set, SFD_CLOEXEC)) < 0) {
		perror("siglat recv: signalfd");
		return 1;
	}
	out = open(fifo, O_WRONLY | O_CLOEXEC);
	if (out < 0 || write_all(out, &t, sizeof(t)) < 0) { /* "ready" */
		perror(fifo);
		return 1;
	}
	for (;;) {
		struct signalfd_siginfo si;

		if (read_all(sfd, &si, sizeof(si)) < 0)
			return 1;
		t = now_ns();
		if (si.ssi_signo == SIGTERM)
			return 0;
		if (write_all(out, &t, sizeof(t)) < 0)
			return 1;
	}
}

static int send_main(int n, const char *fifo, const char *out_path, char **cmd)
{
	long long *lat = calloc((size_t)n, sizeof(long long)), t;
	int in, status;
	pid_t pid;
	FILE *out;

	if (!lat || (mkfifo(fifo, 0600) < 0 && errno != EEXIST)) {
		perror(fifo);
		return 1;
	}
	alarm(120); /* a lost signal must not hang the benchmark */
	if (posix_spawn(&pid, cmd[0], NULL, NULL, cmd, environ) != 0) {
		perror(cmd[0]);
		return 1;
	}
	in = open(fifo, O_RDONLY | O_CLOEXEC);
	if (in < 0 || read_all(in, &t, sizeof(t)) < 0) {
		fprintf(stderr, "siglat: %s never became ready\n", cmd[0]);
		return 1;
	}
	for (int i = 0; i < WARMUP + n; i++) {
		long long sent = now_ns();

		if (kill(pid, SIGUSR1) < 0 || read_all(in, &t, sizeof(t)) < 0) {
			fprintf(stderr, "siglat: signal %d was not delivered\n", i);
			return 1;
		}
		if (i >= WARMUP)
			lat[i - WARMUP] = t - sent;
	}
	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "siglat: %s did not exit 0 on SIGTERM (status 0x%x)\n", cmd[0],
			status);
		return 1;
	}
	out = fopen(out_path, "a");
	if (!out) {
		perror(out_path);
		return 1;
	}
	for (int i = 0; i < n; i++)
		fprintf(out, "%lld\n", lat[i]);
	return fclose(out) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "recv") == 0)
		return recv_main(argv[2]);
	if (argc >= 6 && strcmp(argv[1], "send") == 0 && atoi(argv[2]) > 0)
		return send_main(atoi(argv[2]), argv[3], argv[4], &argv[5]);
	fprintf(stderr, "usage: siglat recv FIFO | siglat send N FIFO OUT CMD...\n");
	return 64;
}
