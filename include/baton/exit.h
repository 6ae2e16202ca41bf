/* SPDX-License-Identifier: MIT */
/*
 * baton's exit codes: the contract with whoever runs baton (a container runtime, a script, a
 * Kubernetes exec probe). PROGRAM's own status always passes through unchanged; the codes below
 * are the ones baton produces itself. The README's exit-code table mirrors this file.
 */
#ifndef BATON_EXIT_H
#define BATON_EXIT_H

enum baton_exit {
	BATON_EXIT_OK = 0,
	/* `baton status NAME...`: at least one NAME is not ready. */
	BATON_EXIT_NOT_READY = 1,
	/* Bad option, value, name or subcommand; nothing was started. */
	BATON_EXIT_USAGE = 64,
	/* `baton inject`: the input is not YAML baton can inject; nothing was written. */
	BATON_EXIT_DATAERR = 65,
	/* A system call failed before PROGRAM started (fork, socket, shared directory). */
	BATON_EXIT_OSERR = 71,
	/* Another live baton already publishes this --name in the shared directory. */
	BATON_EXIT_NAME_TAKEN = 73,
	/* The configuration file is unreadable or invalid. */
	BATON_EXIT_CONFIG = 78,
	/* A pre-start hook failed, so PROGRAM was not started. */
	BATON_EXIT_HOOK = 79,
	/* --timeout passed before every --after dependency was ready (as timeout(1)). */
	BATON_EXIT_TIMEOUT = 124,
	/* PROGRAM exists but could not be executed. */
	BATON_EXIT_NOEXEC = 126,
	/* PROGRAM was not found. */
	BATON_EXIT_NOTFOUND = 127,
	/* PROGRAM (or baton while waiting) was killed by signal N: 128 + N. */
	BATON_EXIT_SIGNAL_BASE = 128,
};

#endif
