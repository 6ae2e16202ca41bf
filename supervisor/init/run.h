/* SPDX-License-Identifier: MIT */
/*
 * `baton [OPTIONS] -- PROGRAM`: the supervisor itself. Waits for --after, starts PROGRAM,
 * publishes readiness, forwards signals, reaps, stops with a deadline.
 */
#ifndef BATON_RUN_H
#define BATON_RUN_H

#include "cli.h"

/* Returns the exit code baton should exit with. */
int run_main(struct options *o);

#endif
