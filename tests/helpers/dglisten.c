// SPDX-License-Identifier: MIT
/*
 * dglisten SOCKET OUT: a stand-in for baton's own supervisor. Binds the datagram socket SOCKET
 * ("/path" or "@abstract", bound with exactly the length sd_notify clients use), then appends
 * every datagram it receives to OUT followed by a newline. OUT is created only once the socket
 * is bound, so its existence tells a test it may start the client. Runs until killed; answers
 * '1' ("handled", as baton does) into every file descriptor it receives and closes it, so a
 * BARRIER=1 sender returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	socklen_t len;
	size_t n;
	int fd, out;

	if (argc != 3 || (argv[1][0] != '/' && argv[1][0] != '@')) {
		fprintf(stderr, "usage: dglisten /path|@name OUT\n");
		return 64;
	}
	n = strlen(argv[1]);
	if (n >= sizeof(sa.sun_path))
		return 64;
	memcpy(sa.sun_path, argv[1], n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (argv[1][0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0) {
		fprintf(stderr, "dglisten: %s: %s\n", argv[1], strerror(errno));
		return 71;
	}
	out = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (out < 0) {
		perror(argv[2]);
		return 71;
	}
	for (;;) {
		char buf[65536];
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(16 * sizeof(int))];
		} control;
		struct iovec iov = {buf, sizeof(buf) - 1};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = &control,
				    .msg_controllen = sizeof(control)};
		ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("dglisten: recvmsg");
			return 71;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
				for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
				     i++) {
					int f;

					memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
					if (write(f, "1", 1) != 1)
						perror("dglisten: answer");
					close(f);
				}
		buf[r++] = '\n';
		if (write(out, buf, (size_t)r) != r)
			return 71;
	}
}
