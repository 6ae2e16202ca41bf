// SPDX-License-Identifier: MIT
/*
 * listener tcp:IP:PORT | unix:PATH [READY_FILE]: a stream server for readiness probes. Binds
 * and listens, then creates READY_FILE (if given) so a test knows the moment it listens, and
 * accepts and closes every connection until killed. Exit 64 usage, 71 cannot listen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = {0};
	socklen_t len = 0;
	int fd, one = 1;

	if (argc < 2 || argc > 3)
		goto usage;
	if (strncmp(argv[1], "tcp:", 4) == 0) {
		char ip[64];
		const char *colon = strrchr(argv[1] + 4, ':');
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		if (!colon || (size_t)(colon - argv[1] - 4) >= sizeof(ip))
			goto usage;
		memcpy(ip, argv[1] + 4, (size_t)(colon - argv[1] - 4));
		ip[colon - argv[1] - 4] = '\0';
		in->sin_family = AF_INET;
		in->sin_port = htons((unsigned short)atoi(colon + 1));
		if (inet_pton(AF_INET, ip, &in->sin_addr) != 1)
			goto usage;
		len = sizeof(*in);
	} else if (strncmp(argv[1], "unix:", 5) == 0) {
		struct sockaddr_un *un = (struct sockaddr_un *)&ss;

		if (strlen(argv[1] + 5) >= sizeof(un->sun_path))
			goto usage;
		un->sun_family = AF_UNIX;
		strcpy(un->sun_path, argv[1] + 5);
		len = sizeof(*un);
	} else {
		goto usage;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 64) < 0) {
		fprintf(stderr, "listener: %s: %s\n", argv[1], strerror(errno));
		return 71;
	}
	if (argc == 3) {
		int r = open(argv[2], O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (r < 0) {
			perror(argv[2]);
			return 71;
		}
		close(r);
	}
	for (;;) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

		if (c >= 0)
			close(c);
	}
usage:
	fprintf(stderr, "usage: listener tcp:IP:PORT|unix:PATH [READY_FILE]\n");
	return 64;
}
