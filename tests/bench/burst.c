// SPDX-License-Identifier: MIT
/*
 * burst N OUT: the reaping benchmark's PROGRAM, run under an init that is PID 1 of a fresh PID
 * namespace with its own /proc. Makes N orphans as fast as it can (each child forks a
 * grandchild and exits at once; the grandchild exits at once too, so it becomes a zombie the
 * init must reap), then watches /proc until no process but PID 1 and itself is left. Appends
 * one line to OUT:
 *   N burst_ns total_ns init_cpu_ns
 * burst_ns: making the orphans; total_ns: from the first fork until nothing is left to reap;
 * init_cpu_ns: CPU time PID 1 used meanwhile (sum_exec_runtime from /proc/1/schedstat, or
 * utime+stime from /proc/1/stat where schedstat is missing). Exit 0, or 1 on an error.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* PID 1's CPU time so far, in nanoseconds. */
static long long init_cpu_ns(void)
{
	char buf[1024], *p;
	unsigned long long utime, stime;

	if (read_text("/proc/1/schedstat", buf, sizeof(buf)) == 0)
		return strtoll(buf, NULL, 10);
	if (read_text("/proc/1/stat", buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return -1;
	/* Fields 14 and 15 (utime, stime), counted from the state field (3). */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime,
		   &stime) != 2)
		return -1;
	return (long long)((utime + stime) *
			   (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK)));
}

/* Processes in /proc other than PID 1 and us. */
static int others(DIR *proc, pid_t self)
{
	struct dirent *e;
	int n = 0;

	rewinddir(proc);
	while ((e = readdir(proc))) {
		pid_t pid = (pid_t)atoi(e->d_name);

		if (pid > 1 && pid != self)
			n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	struct timespec pause = {0, 100000};
	long long t0, t1, t2, cpu0, cpu1;
	int n, made = 0;
	pid_t self = getpid();
	DIR *proc;
	FILE *out;

	if (argc != 3) {
		fprintf(stderr, "usage: burst N OUT\n");
		return 64;
	}
	n = atoi(argv[1]);
	proc = opendir("/proc");
	if (!proc || getppid() != 1) {
		fprintf(stderr, "burst: needs PID 1 as its parent and that namespace's /proc\n");
		return 1;
	}
	cpu0 = init_cpu_ns();
	t0 = now_ns();
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("burst: fork");
			return 1;
		}
		if (pid == 0)
			_exit(fork() < 0); /* the grandchild gets 0 here and exits too */
		if (waitpid(pid, NULL, 0) == pid)
			made++;
	}
	t1 = now_ns();
	while (others(proc, self) > 0)
		nanosleep(&pause, NULL);
	t2 = now_ns();
	cpu1 = init_cpu_ns();
	if (made != n) {
		fprintf(stderr, "burst: made %d of %d orphans\n", made, n);
		return 1;
	}
	out = fopen(argv[2], "a");
	if (!out) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "%d %lld %lld %lld\n", n, t1 - t0, t2 - t0,
		cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
	return fclose(out) == 0 ? 0 : 1;
}
