// SPDX-License-Identifier: MIT
/*
 * gatestamp: the publish-to-exec benchmark's programs. Times are CLOCK_MONOTONIC and
 * CLOCK_REALTIME in ns, "MONO REAL" on one line; MONOTONIC is one clock for every process on
 * the machine, REALTIME is what baton's gate records use for `since=`.
 *
 *   gatestamp stamp OUT          a waiter's PROGRAM: takes the time first thing in main and
 *                                appends it to OUT (O_APPEND: one write per waiter, no mixing).
 *   gatestamp ready TRIGGER OUT notify|file:PATH
 *                                the producer's PROGRAM: blocks until something opens the FIFO
 *                                TRIGGER for writing, takes the time, then publishes:
 *                                `notify` sends READY=1 to NOTIFY_SOCKET as sd_notify(3) does;
 *                                `file:PATH` creates PATH. Then writes the time to OUT and
 *                                sleeps until a signal ends it.
 *   gatestamp inowait DIR NAME PROGRAM...
 *                                the inotify waiter: watches DIR for NAME to appear (created
 *                                or renamed into place), says "waiting" on stderr once the
 *                                watch is set, then execs PROGRAM. The inotify descriptor is
 *                                left open for PROGRAM: closing the last one waits for an SRCU
 *                                grace period in the kernel (often 10-20 ms), which would count
 *                                against inotify here although a waiter can avoid it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void stamp(char *buf, size_t size)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	snprintf(buf, size, "%lld %lld\n", (long long)mono.tv_sec * 1000000000LL + mono.tv_nsec,
		 (long long)real.tv_sec * 1000000000LL + real.tv_nsec);
}

static int append(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	ssize_t len = (ssize_t)strlen(line);

	if (fd < 0 || write(fd, line, (size_t)len) != len) {
		perror(path);
		return 1;
	}
	return close(fd) == 0 ? 0 : 1;
}

/* READY=1 to NOTIFY_SOCKET, a path or an abstract name ("@..."), as sd_notify(3) sends it. */
static int sd_ready(void)
{
	const char *e = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len;
	int fd;

	if (!e || !*e || (len = strlen(e)) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "gatestamp: no usable NOTIFY_SOCKET\n");
		return -1;
	}
	memcpy(sa.sun_path, e, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, "READY=1", 7, 0, (struct sockaddr *)&sa,
			     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) != 7) {
		perror("gatestamp: sendto NOTIFY_SOCKET");
		return -1;
	}
	close(fd);
	return 0;
}

static int ready_main(const char *trigger, const char *out, const char *how)
{
	char line[64], c;
	int fd = open(trigger, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, &c, 1) < 0) {
		perror(trigger);
		return 1;
	}
	close(fd);
	stamp(line, sizeof(line));
	if (strcmp(how, "notify") == 0) {
		if (sd_ready() < 0)
			return 1;
	} else if (strncmp(how, "file:", 5) == 0) {
		fd = open(how + 5, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			perror(how + 5);
			return 1;
		}
		close(fd);
	} else {
		fprintf(stderr, "gatestamp: ready: notify or file:PATH, not %s\n", how);
		return 64;
	}
	if (append(out, line) != 0)
		return 1;
	for (;;)
		pause();
}

static int inowait_main(const char *dir, const char *name, char **argv)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char path[PATH_MAX];
	int fd = inotify_init1(0);

	if (fd < 0 || inotify_add_watch(fd, dir, IN_CREATE | IN_MOVED_TO) < 0) {
		perror("gatestamp: inotify");
		return 1;
	}
	fprintf(stderr, "waiting\n");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	while (access(path, F_OK) < 0) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno != EINTR) {
			perror("gatestamp: read inotify");
			return 1;
		}
		for (char *p = buf; n > 0 && p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;

			if (ev->len && strcmp(ev->name, name) == 0)
				goto found;
			p += sizeof(*ev) + ev->len;
		}
	}
found:
	execvp(argv[0], argv);
	perror(argv[0]);
	return 127;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "stamp") == 0) {
		char line[64];

		stamp(line, sizeof(line));
		return append(argv[2], line);
	}
	if (argc == 5 && strcmp(argv[1], "ready") == 0)
		return ready_main(argv[2], argv[3], argv[4]);
	if (argc >= 5 && strcmp(argv[1], "inowait") == 0)
		return inowait_main(argv[2], argv[3], &argv[4]);
	fprintf(stderr, "usage: gatestamp stamp OUT | ready TRIGGER OUT notify|file:PATH |"
			" inowait DIR NAME PROGRAM...\n");
	return 64;
}
