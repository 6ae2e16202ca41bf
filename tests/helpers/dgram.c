// SPDX-License-Identifier: MIT
/*
 * dgram [-b] [-S SOCKET] [-f FILE] [LINE...]: a raw sd_notify sender that checks nothing, so
 * tests can send what a well-behaved client never would. The datagram is the LINEs joined by
 * newlines, or FILE's bytes as they are (NUL bytes, oversize); SOCKET is "/path" or "@abstract"
 * (default: $NOTIFY_SOCKET). -b then sends BARRIER=1 carrying a pipe and waits up to 10 s for
 * the receiver to close it, so the sender knows its datagram was handled. Exit 0 sent (and
 * acknowledged with -b), 1 no socket given, 2 a system call failed, 3 no acknowledgement.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define DGRAM_MAX (1 << 20)

static int address(const char *value, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(value);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (n < 2 || n >= sizeof(sa->sun_path) || (value[0] != '/' && value[0] != '@'))
		return -1;
	memcpy(sa->sun_path, value, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (value[0] == '@')
		sa->sun_path[0] = '\0';
	else
		(*len)++;
	return 0;
}

static int barrier(int fd)
{
	static const char text[] = "BARRIER=1";
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = {(void *)text, sizeof(text) - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = &control,
			    .msg_controllen = sizeof(control)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct pollfd pfd;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC) < 0)
		return 2;
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0) {
		perror("dgram: sendmsg");
		return 2;
	}
	close(p[1]);
	pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
	do
		rc = poll(&pfd, 1, 10000);
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		fprintf(stderr, "dgram: no acknowledgement within 10 s\n");
		return 3;
	}
	return rc < 0 ? 2 : 0;
}

int main(int argc, char **argv)
{
	const char *sock = getenv("NOTIFY_SOCKET"), *file = NULL;
	static char buf[DGRAM_MAX];
	struct sockaddr_un sa;
	socklen_t salen;
	size_t len = 0;
	int c, fd, wait_ack = 0;

	while ((c = getopt(argc, argv, "bS:f:")) != -1) {
		if (c == 'b')
			wait_ack = 1;
		else if (c == 'S')
			sock = optarg;
		else if (c == 'f')
			file = optarg;
		else
			return 64;
	}
	if (!sock || !*sock) {
		fprintf(stderr, "dgram: no socket (NOTIFY_SOCKET unset, no -S)\n");
		return 1;
	}
	if (address(sock, &sa, &salen) < 0) {
		fprintf(stderr, "dgram: '%s' is not /path or @name\n", sock);
		return 2;
	}
	if (file) {
		int in = open(file, O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (in < 0 || (n = read(in, buf, sizeof(buf))) < 0) {
			perror(file);
			return 2;
		}
		len = (size_t)n;
		close(in);
	}
	for (int i = optind; i < argc; i++) {
		size_t n = strlen(argv[i]);

		if (len + n + 1 > sizeof(buf))
			return 2;
		if (len)
			buf[len++] = '\n';
		memcpy(buf + len, argv[i], n);
		len += n;
	}
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		fprintf(stderr, "dgram: %s: %s\n", sock, strerror(errno));
		return 2;
	}
	if (send(fd, buf, len, MSG_NOSIGNAL) < 0) {
		fprintf(stderr, "dgram: send %zu bytes: %s\n", len, strerror(errno));
		return 2;
	}
	return wait_ack ? barrier(fd) : 0;
}
