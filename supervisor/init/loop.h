/* SPDX-License-Identifier: MIT */
/*
 * The event loop baton runs on: a private libev loop (never the default loop, whose SIGCHLD
 * handler would reap behind the reaper's back) that sleeps for as long as nothing happens.
 */
#ifndef BATON_LOOP_H
#define BATON_LOOP_H

#include <ev.h>

/* NULL with errno when libev cannot create a loop or too few descriptors are free for it. */
struct ev_loop *loop_new(void);
/*
 * Unmaps baton's own read-only pages (code, constants) from its page tables once start-up is
 * over: the kernel maps 16 neighbours around every page a start-up path touches, so afterwards
 * nearly all of the binary counts as resident. The pages stay in the page cache and come back,
 * on first use, only for the code the loop runs. Best effort, never fails.
 */
void loop_shed_startup(void);

#endif
