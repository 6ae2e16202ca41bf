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

#endif
