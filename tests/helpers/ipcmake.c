// SPDX-License-Identifier: MIT
/*
 * ipcmake msgq|sem|shm KEY|/NAME: creates one IPC object for the black-box readiness tests, the
 * way a program would (System V with a fixed KEY, which ipcmk cannot do; POSIX with /NAME), mode
 * 0600, then exits. It leaves the object behind: the tests run it in their own IPC namespace and
 * /dev/shm. Exit 0 created, 64 usage, 71 cannot create (the reason on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <unistd.h>

static int create(const char *kind, const char *id)
{
	key_t key = (key_t)strtoul(id, NULL, 0);
	mqd_t q;
	sem_t *s;
	int fd;

	if (strcmp(kind, "msgq") == 0 && id[0] == '/') {
		q = mq_open(id, O_CREAT | O_EXCL | O_WRONLY, 0600, NULL);
		return q == (mqd_t)-1 ? -1 : mq_close(q);
	}
	if (strcmp(kind, "sem") == 0 && id[0] == '/') {
		s = sem_open(id, O_CREAT | O_EXCL, 0600, 0);
		return s == SEM_FAILED ? -1 : sem_close(s);
	}
	if (strcmp(kind, "shm") == 0 && id[0] == '/') {
		fd = shm_open(id, O_CREAT | O_EXCL | O_RDWR, 0600);
		return fd < 0 ? -1 : close(fd);
	}
	if (strcmp(kind, "msgq") == 0)
		return msgget(key, IPC_CREAT | IPC_EXCL | 0600) < 0 ? -1 : 0;
	if (strcmp(kind, "sem") == 0)
		return semget(key, 1, IPC_CREAT | IPC_EXCL | 0600) < 0 ? -1 : 0;
	if (strcmp(kind, "shm") == 0)
		return shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600) < 0 ? -1 : 0;
	errno = EINVAL;
	return -2;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: ipcmake msgq|sem|shm KEY|/NAME\n");
		return 64;
	}
	rc = create(argv[1], argv[2]);
	if (rc == -2) {
		fprintf(stderr, "ipcmake: '%s' is not msgq, sem or shm\n", argv[1]);
		return 64;
	}
	if (rc < 0) {
		fprintf(stderr, "ipcmake: %s %s: %s\n", argv[1], argv[2], strerror(errno));
		return 71;
	}
	return 0;
}
