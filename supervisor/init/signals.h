/* SPDX-License-Identifier: MIT */
/*
 * Signals: which ones baton forwards, their names, and the signalfd that delivers them to the
 * event loop. baton blocks every forwardable signal plus SIGCHLD and reads them from one
 * signalfd; PROGRAM and every other child get back the mask baton itself was started with.
 */
#ifndef BATON_SIGNALS_H
#define BATON_SIGNALS_H

#include <signal.h>
#include <stdbool.h>
#include <sys/signalfd.h>

/* Signals the kernel raises for a process's own faults: never forwarded. */
bool signals_is_fault(int sig);
/* Forwarded to PROGRAM: every catchable signal but the faults and SIGCHLD. */
bool signals_is_forwardable(int sig);
/* "TERM", "SIGTERM", "term", "15", "RTMIN", "RTMIN+2", "SIGRTMAX-1"; -1 when unknown. */
int signals_parse(const char *s);
/* "SIGTERM", "SIGRTMIN+2", or "signal 99". */
const char *signals_name(int sig, char *buf, unsigned size);

/*
 * Remembers the current mask, blocks every forwardable signal, SIGCHLD and the fault signals
 * (one sent by another process is then read and dropped, while a real fault still kills
 * baton), and returns a non-blocking, close-on-exec signalfd for them, or -1 with errno set.
 */
int signals_setup(void);
/* Reads one pending signal: 1 with *si filled, 0 when none is pending, -1 on error. */
int signals_read(int fd, struct signalfd_siginfo *si);
/*
 * Reads up to max pending signals with one system call: how many, 0 when none is pending, -1
 * on error. Fewer than max means none was left.
 */
int signals_read_batch(int fd, struct signalfd_siginfo *si, int max);
/* In a forked child, before exec: the signal mask baton was started with. Async-signal-safe. */
void signals_restore_for_child(void);
/* The mask baton was started with (for a thread that must block everything: see gate.c). */
const sigset_t *signals_original_mask(void);

#endif
