/* SPDX-License-Identifier: MIT */
/*
 * spawn: fork and exec with the child set up as a container's workload expects: the signal mask
 * baton was given, its own process group (the terminal's foreground group when there is one),
 * the original working directory, and an exec error reported back to the parent.
 */
#ifndef BATON_SPAWN_H
#define BATON_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#define SPAWN_MAX_PID_ENV 4

struct spawn_req {
	char *const *argv; /* argv[0] is looked up in PATH */
	char *const *envp;
	bool own_group;	  /* setpgid(0, 0), and take the terminal's foreground if any */
	bool new_session; /* setsid() and take stdin's terminal as the controlling one */
	const char *note; /* written to stderr by the child once it leads its session */
	bool close_fds;	  /* mark inherited fds >= 3 close-on-exec (hooks, probes) */
	int stdin_fd;	  /* dup2'd onto 0..2 when >= 0 */
	int stdout_fd;
	int stderr_fd;
	/*
	 * Writable "NAME=" strings inside envp with room for 11 more characters: the child appends
	 * its own pid (LISTEN_PID, WATCHDOG_PID), which the parent cannot know before vfork. The
	 * child runs on baton's memory, so these strings hold the pid afterwards: use them once.
	 */
	char *pid_env[SPAWN_MAX_PID_ENV];
};

/* Remembers the working directory children start in; baton itself then moves to "/". */
int spawn_setup(void);

/*
 * Forks and execs. Returns the child's pid; *exec_errno is 0 when exec succeeded, or the errno
 * of the failed exec (the child has then already _exit()ed with 127 and still has to be reaped).
 * Returns -1 with errno set when fork itself failed.
 */
pid_t spawn_start(const struct spawn_req *req, int *exec_errno);

/*
 * argv for a command given as text (exec probes, hooks): `/bin/sh -c CMD` when the image has a
 * shell, otherwise CMD split on blanks into at most max words, kept in *words (the caller frees
 * it; NULL when unused). -1 with errno set when CMD has no word.
 */
int spawn_command_argv(const char *cmd, char **argv, int max, char **words);

/* 127 for a missing program, 126 for one that exists but cannot be executed. */
int spawn_exec_exit_code(int exec_errno);

#endif
