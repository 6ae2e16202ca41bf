/* SPDX-License-Identifier: MIT */
/*
 * Readiness conditions (--ready-on SPEC). probe_parse() is pure; the active probes (file, tcp,
 * unix, msgq, sem, shm, exec, delay) run from the event loop inside the publishing baton,
 * retrying at a short interval until they first succeed. Dependents never probe: they wait on
 * the gate.
 */
#ifndef BATON_PROBE_H
#define BATON_PROBE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

enum probe_kind {
	PROBE_STARTED, /* PROGRAM was exec'd */
	PROBE_NOTIFY,  /* PROGRAM sent READY=1 on NOTIFY_SOCKET */
	PROBE_EXIT0,   /* PROGRAM exited 0 (one-shot work) */
	PROBE_FILE,    /* file:PATH exists */
	PROBE_TCP,     /* tcp:HOST:PORT accepts a connection */
	PROBE_UNIX,    /* unix:PATH accepts a connection */
	PROBE_MSGQ,    /* msgq:KEY (System V) or msgq:/NAME (POSIX): the message queue exists */
	PROBE_SEM,     /* sem:KEY (System V set) or sem:/NAME (POSIX named): the semaphore exists */
	PROBE_SHM,     /* shm:KEY (System V segment) or shm:/NAME (POSIX object): it exists */
	PROBE_EXEC,    /* exec:CMD exits 0 */
	PROBE_DELAY,   /* delay:SECONDS after PROGRAM was exec'd */
};

#define PROBE_MAX	8
#define PROBE_MAX_ADDRS 4

struct probe_spec {
	enum probe_kind kind;
	const char *text; /* the whole SPEC as given */
	const char *arg;  /* what follows "KIND:" */
	char host[256];
	unsigned port;
	unsigned long key; /* msgq, sem, shm with a KEY */
	bool posix;	   /* msgq, sem, shm with a /NAME (then arg is the name) */
	double seconds;
	/* Filled by probe_resolve(). */
	struct sockaddr_storage addrs[PROBE_MAX_ADDRS];
	socklen_t addrlens[PROBE_MAX_ADDRS];
	int naddrs;
};

/* Pure: parses SPEC into *p. -1 with a message in err (no trailing newline) when invalid. */
int probe_parse(const char *spec, struct probe_spec *p, char *err, size_t errlen);
/* True for the kinds that run from the loop (file, tcp, unix, msgq, sem, shm, exec, delay). */
bool probe_is_active(const struct probe_spec *p);
/*
 * Turns tcp hosts into addresses (IP literals, localhost, /etc/hosts: baton does no DNS) and
 * unix paths into socket addresses. -1 with a message in err when a host cannot be resolved.
 */
int probe_resolve(struct probe_spec *p, const char *hosts_file, char *err, size_t errlen);

/*
 * Starts every active probe in specs. ready(i) is called once, from the loop, when specs[i]
 * first succeeds; exec probes run `/bin/sh -c CMD` (or CMD split on blanks without a shell)
 * with envp.
 */
int probe_start(struct ev_loop *loop, struct probe_spec *specs, int n, char *const *envp,
		void (*ready)(int index));
void probe_stop(void);
/*
 * One synchronous try of a probe that cannot block (file, msgq, sem, shm); false for the others.
 * For the moment PROGRAM exits, so one-shot work that exits within a retry interval still counts.
 */
bool probe_check_now(const struct probe_spec *p);

#endif
