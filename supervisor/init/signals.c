// SPDX-License-Identifier: MIT
/*
 * Signals. Owns the table of forwardable signals, the mask baton was started with, and the
 * signalfd. It never installs a handler and never changes a disposition, so the dispositions
 * PROGRAM inherits are exactly the ones baton was given; only the mask needs restoring.
 */
#include "signals.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static const struct {
	int sig;
	const char *name;
} signal_names[] = {
	{ SIGHUP, "HUP" },   { SIGINT, "INT" },	      { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
	{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },     { SIGBUS, "BUS" },   { SIGFPE, "FPE" },
	{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" },     { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" },     { SIGTERM, "TERM" }, { SIGSTKFLT, "STKFLT" },
	{ SIGCHLD, "CHLD" }, { SIGCONT, "CONT" },     { SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" },
	{ SIGTTIN, "TTIN" }, { SIGTTOU, "TTOU" },     { SIGURG, "URG" },   { SIGXCPU, "XCPU" },
	{ SIGXFSZ, "XFSZ" }, { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" }, { SIGWINCH, "WINCH" },
	{ SIGIO, "IO" },     { SIGPWR, "PWR" },	      { SIGSYS, "SYS" },   { SIGIOT, "IOT" },
	{ SIGPOLL, "POLL" }, { SIGCHLD, "CLD" },
};

/* The kernel raises these for the faulting thread itself; forwarding them makes no sense. */
static const int fault_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };

static sigset_t original_mask;

bool signals_is_fault(int sig)
{
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		if (fault_signals[i] == sig)
			return true;
	return false;
}

bool signals_is_forwardable(int sig)
{
	if (sig <= 0 || sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD || signals_is_fault(sig))
		return false;
	if (sig < 32)
		return true;
	/* 32 and 33 belong to the C library's threads; SIGRTMIN skips them. */
	return sig >= SIGRTMIN && sig <= SIGRTMAX;
}

static int parse_uint(const char *s, int max)
{
	long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > max)
			return -1;
	}
	return (int)v;
}

int signals_parse(const char *s)
{
	int n;

	if (strncasecmp(s, "SIG", 3) == 0 && (s[3] < '0' || s[3] > '9'))
		s += 3;
	if (*s >= '0' && *s <= '9') {
		n = parse_uint(s, SIGRTMAX);
		return n > 0 ? n : -1;
	}
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strcasecmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
		bool min = strncasecmp(s, "RTMIN", 5) == 0;
		int base = min ? SIGRTMIN : SIGRTMAX;

		s += 5;
		if (!*s)
			return base;
		if (*s != (min ? '+' : '-'))
			return -1;
		n = parse_uint(s + 1, SIGRTMAX - SIGRTMIN);
		if (n < 0)
			return -1;
		return min ? base + n : base - n;
	}
	return -1;
}

const char *signals_name(int sig, char *buf, unsigned size)
{
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (signal_names[i].sig == sig) {
			snprintf(buf, size, "SIG%s", signal_names[i].name);
			return buf;
		}
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, size, "signal %d", sig);
	return buf;
}

int signals_setup(void)
{
	sigset_t set;

	if (sigprocmask(SIG_BLOCK, NULL, &original_mask) < 0)
		return -1;
	sigemptyset(&set);
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		if (signals_is_forwardable(sig))
			sigaddset(&set, sig);
	sigaddset(&set, SIGCHLD);
	/*
	 * Fault signals sent with kill(2) are read and dropped, so baton outlives them; a real
	 * fault in baton still kills it (the kernel unblocks a synchronous fault, abort()
	 * unblocks SIGABRT).
	 */
	for (size_t i = 0; i < sizeof(fault_signals) / sizeof(fault_signals[0]); i++)
		sigaddset(&set, fault_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int signals_read_batch(int fd, struct signalfd_siginfo *si, int max)
{
	ssize_t n;

	do
		n = read(fd, si, (size_t)max * sizeof(*si));
	while (n < 0 && errno == EINTR);
	if (n > 0 && n % (ssize_t)sizeof(*si) == 0)
		return (int)(n / (ssize_t)sizeof(*si));
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

int signals_read(int fd, struct signalfd_siginfo *si)
{
	return signals_read_batch(fd, si, 1);
}

void signals_restore_for_child(void)
{
	sigprocmask(SIG_SETMASK, &original_mask, NULL);
}

const sigset_t *signals_original_mask(void)
{
	return &original_mask;
}
