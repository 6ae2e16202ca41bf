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

/*
 * Binds an abstract datagram socket with SO_PASSCRED and calls received() for every valid
 * datagram with the sender's pid (0 when unknown). Datagrams without credentials, oversize or
 * malformed ones are dropped with a debug line. Any file descriptors that arrive are closed
 * after received() returns (that is what a BARRIER=1 sender waits for).
 */
int notify_server_start(struct ev_loop *loop,
			void (*received)(const struct notify_msg *m, pid_t sender));
/* "NOTIFY_SOCKET=@..." for PROGRAM's environment. */
const char *notify_server_env(void);

/* Connects to the NOTIFY_SOCKET value baton was given. -1 with errno set. */
int notify_upward_open(const char *value);
bool notify_upward_active(void);
/* Best effort: a failure is logged once and otherwise ignored. */
void notify_upward_send(const char *text);

/*
 * Client: sends text to the socket named by value ("/path" or "@abstract"), then a BARRIER=1
 * datagram carrying a pipe, and waits up to timeout_ms for the server to close it. -1 with a
 * message in err.
 */
int notify_send(const char *value, const char *text, int timeout_ms, char *err, size_t errlen);

#endif
