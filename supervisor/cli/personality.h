/* SPDX-License-Identifier: MIT */
/*
 * Personalities: invoked as `tini`, `docker-init` or `dumb-init`, baton reads that program's
 * command line and environment and behaves as it does. This module turns the foreign argv and
 * environment into struct options; the init core only sees the option fields they set.
 */
#ifndef BATON_PERSONALITY_H
#define BATON_PERSONALITY_H

#include "cli.h"

#include <stddef.h>

/* Which program the basename of argv0 names; PERSONALITY_BATON for anything else. */
enum personality personality_of(const char *argv0);

/*
 * Fills *o from a tini or dumb-init command line and environment (their flags and variables,
 * plus every BATON_* variable). Pure: help, version and usage errors come back as CLI_PRINT
 * with the text in buf (pid is only shown in tini's messages). Returns 0, or -1 with one line in
 * buf when a BATON_* variable is invalid. argv, envp and buf must outlive *o.
 */
int personality_parse(struct options *o, enum personality p, int argc, char **argv,
		      char *const *envp, int pid, char *buf, size_t buflen);

#endif
