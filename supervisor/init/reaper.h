/* SPDX-License-Identifier: MIT */
/*
 * The reaper: the only place in baton that collects children. Whoever forks registers the pid
 * with reaper_watch() and is called back with its wait status; every other child (orphans
 * re-parented to baton) is reaped and logged at debug level.
 */
#ifndef BATON_REAPER_H
#define BATON_REAPER_H

#include <stdbool.h>
#include <sys/types.h>

struct reaper_watch {
	pid_t pid;
	void (*exited)(pid_t pid, int wstatus, void *data);
	void *data;
};

/*
 * Becomes a child subreaper (when asked to and not PID 1). Returns 0 or -1 with errno set.
 * report, when not NULL, hears of every reaped pid before its watcher does.
 */
int reaper_setup(bool subreaper, void (*report)(pid_t pid, int wstatus, bool watched));
bool reaper_is_pid1(void);
/* True when orphans come to baton: PID 1, or a child subreaper (set here or inherited). */
bool reaper_gets_orphans(void);
/* Calls back once when pid is reaped. -1 with ENOSPC when the table is full. */
int reaper_watch(pid_t pid, void (*exited)(pid_t pid, int wstatus, void *data), void *data);
void reaper_unwatch(pid_t pid);
/* Reaps every child that has exited (call on SIGCHLD). Returns the number reaped. */
int reaper_collect(void);
/* PROGRAM's exit code from a wait status: the code itself, or 128 + N when killed by N. */
int reaper_exit_code(int wstatus);
/*
 * Sends sig to every process baton leaves behind: as PID 1 every other process in the PID
 * namespace, otherwise every descendant found under /proc. Returns how many were signalled
 * (1 for "some" as PID 1), 0 when none are left.
 */
int reaper_signal_all(int sig);
/*
 * True when pid is alive and ancestor is among its ancestors (read from /proc). false with errno
 * 0 when it is not (or is gone), with errno set when /proc could not tell (e.g. EMFILE).
 */
bool reaper_is_descendant(pid_t pid, pid_t ancestor);

#endif
