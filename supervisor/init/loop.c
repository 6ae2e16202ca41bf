// SPDX-License-Identifier: MIT
/*
 * The event loop. libev caps every sleep at about 60 s so that it notices clock jumps, unless
 * it can watch for them with a timerfd, which it sets up for its first periodic watcher. One
 * periodic that never fires buys that, so an idle baton makes no system call at all.
 */
#include "loop.h"

static ev_periodic never;

static void never_fires(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

struct ev_loop *loop_new(void)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);

	if (!loop)
		return NULL;
	/* Year 33658: due long after the last clock jump anyone will see. */
	ev_periodic_init(&never, never_fires, 1e12, 0, NULL);
	ev_periodic_start(loop, &never);
	ev_unref(loop); /* it must not keep ev_run() going */
	return loop;
}
