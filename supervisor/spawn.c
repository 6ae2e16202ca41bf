// SPDX-License-Identifier: MIT
/*
 * spawn. Owns the descriptor of the directory children start in. Between fork and exec the
 * child may only make async-signal-safe calls (baton can have a second thread, see gate.c), so
 * everything it needs, environment included, is prepared by the parent before fork.
 */
#include "spawn.h"

#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int cwd_fd = -1;

int spawn_setup(void)
{
	cwd_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd_fd < 0)
		return -1;
	/* baton must not keep a mount busy; children go back to cwd_fd. */
	if (getpid() != 1 && chdir("/") < 0)
		return -1;
	return 0;
}

static void child_append_pid(char *dst, pid_t pid)
{
	char digits[12];
	int n = 0;

	dst += strlen(dst);
	do
		digits[n++] = (char)('0' + pid % 10);
	while ((pid /= 10) > 0);
	while (n > 0)
		*dst++ = digits[--n];
	*dst = '\0';
}

static void child_cloexec_inherited(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	for (int fd = 3; fd < 1024; fd++)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static __attribute__((noreturn)) void child_run(const struct spawn_req *req, int err_fd)
{
	int e;

	if (req->own_group) {
		setpgid(0, 0);
		/* SIGTTOU is still blocked here, so a background group may take the terminal. */
		if (isatty(STDIN_FILENO))
			tcsetpgrp(STDIN_FILENO, getpid());
	}
	if (req->stdin_fd >= 0)
		dup2(req->stdin_fd, STDIN_FILENO);
	if (req->stdout_fd >= 0)
		dup2(req->stdout_fd, STDOUT_FILENO);
	if (req->stderr_fd >= 0)
		dup2(req->stderr_fd, STDERR_FILENO);
	if (req->close_fds)
		child_cloexec_inherited();
	if (cwd_fd >= 0 && fchdir(cwd_fd) < 0) {
		e = errno;
		goto fail;
	}
	for (int i = 0; i < SPAWN_MAX_PID_ENV && req->pid_env[i]; i++)
		child_append_pid(req->pid_env[i], getpid());
	signals_restore_for_child();
	execvpe(req->argv[0], req->argv, req->envp);
	e = errno;
fail:
	while (write(err_fd, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

pid_t spawn_start(const struct spawn_req *req, int *exec_errno)
{
	int p[2], e = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child_run(req, p[1]);
	}
	close(p[1]);
	if (req->own_group)
		setpgid(pid, pid); /* also here, so kill(-pid) works as soon as we return */
	/* EOF means exec succeeded: the write end was close-on-exec. */
	do
		n = read(p[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	*exec_errno = n == (ssize_t)sizeof(e) ? e : 0;
	return pid;
}

int spawn_exec_exit_code(int exec_errno)
{
	return exec_errno == ENOENT || exec_errno == ENOTDIR ? 127 : 126;
}
