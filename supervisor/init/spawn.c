// SPDX-License-Identifier: MIT
/*
 * spawn. Owns the descriptor of the directory children start in. Children are started with
 * vfork: until it execs, the child runs on baton's memory and may only make async-signal-safe
 * calls and write the words prepared for it (the exec error, the pid strings), so everything it
 * needs, environment included, is prepared by the parent before vfork.
 */
#include "spawn.h"

#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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

static __attribute__((noreturn, noinline)) void child_run(const struct spawn_req *req,
							  volatile int *err)
{

	if (req->new_session) {
		setsid();
		ioctl(STDIN_FILENO, TIOCSCTTY, 0);
		if (req->note && write(STDERR_FILENO, req->note, strlen(req->note)) < 0)
			(void)0;
	} else if (req->own_group) {
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
		*err = errno;
		_exit(127);
	}
	for (int i = 0; i < SPAWN_MAX_PID_ENV && req->pid_env[i]; i++)
		child_append_pid(req->pid_env[i], getpid());
	signals_restore_for_child();
	execvpe(req->argv[0], req->argv, req->envp);
	/* Still baton's memory: the parent reads this once we are gone. */
	*err = errno;
	_exit(127);
}

pid_t spawn_start(const struct spawn_req *req, int *exec_errno)
{
	volatile int err = 0;
	pid_t pid;

	/*
	 * vfork: no page tables to copy, so starting PROGRAM costs what tini's fork costs on a
	 * tiny process, and baton is suspended until the child has exec'd or failed, which makes
	 * the exec error a plain shared word.
	 */
	pid = vfork();
	if (pid == 0)
		child_run(req, &err);
	if (pid < 0)
		return -1;
	if (req->own_group && !req->new_session)
		setpgid(pid, pid); /* also here; EACCES once the child has exec'd, which is fine */
	*exec_errno = err;
	return pid;
}

int spawn_command_argv(const char *cmd, char **argv, int max, char **words)
{
	char *save = NULL, *w;
	int n = 0;

	*words = NULL;
	if (access("/bin/sh", X_OK) == 0) {
		argv[0] = "/bin/sh";
		argv[1] = "-c";
		argv[2] = (char *)cmd;
		argv[3] = NULL;
		return 0;
	}
	*words = strdup(cmd);
	if (!*words)
		return -1;
	for (w = strtok_r(*words, " \t", &save); w && n < max; w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n] = NULL;
	if (n == 0) {
		free(*words);
		*words = NULL;
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int spawn_exec_exit_code(int exec_errno)
{
	return exec_errno == ENOENT || exec_errno == ENOTDIR ? 127 : 126;
}
