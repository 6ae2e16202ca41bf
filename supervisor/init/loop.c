// SPDX-License-Identifier: MIT
/*
 * The event loop. libev caps every sleep at about 60 s so that it notices clock jumps, unless
 * it can watch for them with a timerfd, which it sets up for its first periodic watcher. One
 * periodic that never fires buys that, so an idle baton makes no system call at all. libev
 * aborts when it cannot get a descriptor it needs, so the loop is only made when enough are free.
 */
#include "loop.h"

#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

/* libev's epoll, eventfd and timerfd, the gate's inotify, and a few for publishing and reading. */
#define LOOP_FDS 8

static ev_periodic never;

static void never_fires(struct ev_loop *loop, ev_periodic *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
}

/* 0 when n more descriptors can be opened now, else -1 with EMFILE or ENFILE. */
static int descriptors_free(int n)
{
	int fds[LOOP_FDS], got = 0, e = 0;

	while (got < n && (fds[got] = eventfd(0, EFD_CLOEXEC)) >= 0)
		got++;
	if (got < n)
		e = errno;
	while (got > 0)
		close(fds[--got]);
	errno = e;
	return e ? -1 : 0;
}

struct ev_loop *loop_new(void)
{
	struct ev_loop *loop;

	if (descriptors_free(LOOP_FDS) < 0)
		return NULL;
	loop = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
	if (!loop)
		return NULL;
	/* Year 33658: due long after the last clock jump anyone will see. */
	ev_periodic_init(&never, never_fires, 1e12, 0, NULL);
	ev_periodic_start(loop, &never);
	ev_unref(loop); /* it must not keep ev_run() going */
	return loop;
}

/* The main program comes first; only its read-only, file-backed segments are shed. */
static int shed_segments(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	(void)size;
	(void)data;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start, end;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
		end = (info->dlpi_addr + ph->p_vaddr + ph->p_memsz) & ~(page - 1);
		if (end > start)
			madvise((void *)start, end - start, MADV_DONTNEED);
	}
	return 1;
}

void loop_shed_startup(void)
{
	dl_iterate_phdr(shed_segments, NULL);
}
