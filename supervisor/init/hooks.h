/* SPDX-License-Identifier: MIT */
/*
 * Lifecycle hooks: commands (--pre-start CMD, ...) and executables in --hooks-dir DIR/PHASE/,
 * run one at a time from the event loop, so baton keeps forwarding signals and reaping while
 * they run. Each hook's output goes to stderr, every line prefixed with the hook's name.
 */
#ifndef BATON_HOOKS_H
#define BATON_HOOKS_H

#include "cli.h"

#include <ev.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

/* envp: the environment hooks start from (baton adds BATON_* to it). */
void hooks_setup(struct ev_loop *loop, const struct options *o, char *const *envp);
/* PROGRAM's pid and when it was exec'd (CLOCK_REALTIME), for BATON_MAIN_PID/BATON_STARTED_AT. */
void hooks_set_program(pid_t pid, const struct timespec *started);
/* True when PHASE has a command or its directory exists. */
bool hooks_exist(enum hook_phase phase);
/*
 * Runs PHASE's commands, then DIR/PHASE's executables in lexical order, each killed after
 * min(limit, --hook-timeout) seconds. done(phase, ok) follows once all ran; ok is false when
 * one failed or timed out (later ones still run, but for pre-start, which stops at the first
 * failure). Returns 0 when started, 1 when there is nothing to run (done is not called).
 * Starting a phase kills the hooks of a phase still running.
 */
int hooks_run(enum hook_phase phase, int exit_status, double limit,
	      void (*done)(enum hook_phase phase, bool ok));
/* Kills a running hook; done is not called. */
void hooks_cancel(void);
bool hooks_busy(void);

#endif
