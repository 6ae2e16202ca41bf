/* SPDX-License-Identifier: MIT */
/*
 * The sd_notify protocol, both ends. baton serves a private datagram socket for PROGRAM
 * (NOTIFY_SOCKET), passes READY, STATUS and STOPPING upward when it was itself given a
 * NOTIFY_SOCKET, and `baton notify` is a client. notify_parse() is pure.
 */
#ifndef BATON_NOTIFY_H
#define BATON_NOTIFY_H

#include "gate.h"

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NOTIFY_MAX_DATAGRAM 4096

struct notify_msg {
	bool ready;	       /* READY=1 (cleared by STOPPING=1 in the same datagram) */
	bool stopping;	       /* STOPPING=1 */
	bool watchdog;	       /* WATCHDOG=1 */
	bool watchdog_trigger; /* WATCHDOG=trigger */
	bool barrier;	       /* BARRIER=1 */
	bool has_status;
	char status[GATE_STATUS_MAX + 1]; /* STATUS=, cut to GATE_STATUS_MAX bytes */
	pid_t mainpid;			  /* MAINPID=, 0 when absent */
};

/*
 * Pure: one datagram of newline-separated KEY=VALUE lines. Unknown keys are ignored; a datagram
 * that is empty, holds a NUL, has a line without '=' or a bad value for a known key is
 * rejected as a whole: -1 with the reason in err.
 */
int notify_parse(const char *buf, size_t len, struct notify_msg *m, char *err, size_t errlen);

/* "READY=1", "STOPPING=1" or "WATCHDOG=1" when m holds one (in that order), else NULL. */
const char *notify_vital(const struct notify_msg *m);

/*
 * Binds an abstract datagram socket with SO_PASSCRED and calls received() for every valid
 * datagram with the sender's pid (0 when unknown); received() returns false when it dropped the
 * message (and logged why). Datagrams without credentials, oversize or malformed ones are
 * dropped: with an error line when they carry READY=1, STOPPING=1 or WATCHDOG=1, else a debug
 * line. Any file descriptors that arrive are closed after received() returns; with BARRIER=1,
 * a pipe among them first gets one byte: '1' when the datagram was handled, '0' when dropped.
 */
int notify_server_start(struct ev_loop *loop,
			bool (*received)(const struct notify_msg *m, pid_t sender));
/* "NOTIFY_SOCKET=@..." for PROGRAM's environment. */
const char *notify_server_env(void);

/* Connects to the NOTIFY_SOCKET value baton was given. -1 with errno set. */
int notify_upward_open(const char *value);
bool notify_upward_active(void);
/* Best effort: a failure is logged once and otherwise ignored. */
void notify_upward_send(const char *text);

/*
 * Client: sends text and BARRIER=1 in one datagram to the socket named by value ("/path" or
 * "@abstract"), with a pipe, and waits up to timeout_ms for baton's answer on it. 0 only when
 * baton answered that it handled the message; -1 with a message in err otherwise (also when
 * the datagram was delivered but no answer came).
 */
int notify_send(const char *value, const char *text, int timeout_ms, char *err, size_t errlen);

#endif
