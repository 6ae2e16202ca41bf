/* SPDX-License-Identifier: MIT */
/*
 * The readiness gate: baton's contract between containers that share a directory.
 *
 *   DIR/NAME         the record: key=value lines, replaced atomically (write, then rename)
 *   DIR/.NAME.lock   held (flock LOCK_EX) by the one live baton that publishes NAME
 *   DIR/.bell        a page whose first word is a generation counter and a futex: every
 *                    publish bumps it and wakes all waiters, in any container that maps it.
 *                    Nobody loads or stores through the mapping (pread, FUTEX_WAKE_OP), so a
 *                    bell truncated under it faults no one; waiters also watch DIR with inotify
 *                    and re-map a bell that was removed, replaced or truncated
 *
 * The owner also holds flock LOCK_EX on the record file it published, for as long as it lives,
 * so a record counts as live only while that very file is locked: the kernel drops the lock when
 * the owner dies, and a restarted owner publishes a new file with a new incarnation.
 */
#ifndef BATON_GATE_H
#define BATON_GATE_H

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define GATE_NAME_MAX	     63
#define GATE_RECORD_MAX	     4096
#define GATE_STATUS_MAX	     256
#define GATE_MAX_NAMES	     32
#define GATE_DEFAULT_DIR     "/run/baton"
#define GATE_BELL	     ".bell"
#define GATE_BELL_SIZE	     4096
#define GATE_INCARNATION_LEN 32

enum gate_state {
	GATE_NONE,    /* no record (reader side only) */
	GATE_INVALID, /* a record that does not parse (reader side only) */
	GATE_STARTING,
	GATE_READY,
	GATE_STOPPING,
	GATE_EXITED,
	GATE_DONE, /* exited 0 with --ready-on exit0: stays ready after its owner is gone */
};

struct gate_record {
	char name[GATE_NAME_MAX + 1];
	char incarnation[GATE_INCARNATION_LEN + 1];
	enum gate_state state;
	struct timespec since;		  /* CLOCK_REALTIME when the state was entered */
	long pid;			  /* the owner's pid, in its own PID namespace */
	int exit_code;			  /* GATE_EXITED and GATE_DONE */
	char status[GATE_STATUS_MAX + 1]; /* STATUS= from PROGRAM, may be empty */
};

/* What a reader sees of a name: the record and whether its owner is alive. */
struct gate_view {
	enum gate_state state;
	bool alive;
	struct gate_record rec;
	char why[128]; /* GATE_INVALID: what is wrong with the record */
};

/* Pure helpers. */
bool gate_name_valid(const char *name);
const char *gate_state_name(enum gate_state state);
int gate_record_format(const struct gate_record *r, char *buf, size_t size);
int gate_record_parse(const char *buf, size_t len, struct gate_record *r, char *err, size_t errlen);
/* Ready: a live owner says ready, or the record says done. */
bool gate_view_ready(const struct gate_view *v);
/* "no record yet", "starting for 12s", "exited 1", "owner gone", ... */
void gate_view_describe(const struct gate_view *v, const struct timespec *now, char *buf,
			size_t size);

/*
 * Opens DIR (created with mode 1777 when missing) and maps its bell, creating it when possible.
 * When writable, failing to create anything is an error; otherwise a read-only DIR with an
 * existing bell is fine. -1 with a message in err.
 */
int gate_open(const char *dir, bool writable, char *err, size_t errlen);
/* For readers that never wait (baton status): opens DIR and creates nothing. 1 when DIR does
 * not exist, -1 with a message in err. */
int gate_open_existing(const char *dir, char *err, size_t errlen);
const char *gate_dir(void);
/* Claims NAME for this process. -1 with errno EBUSY when another live baton holds it. */
int gate_claim(const char *name, char *err, size_t errlen);
const char *gate_incarnation(void);
/* Replaces our record and rings the bell. status NULL keeps the previous STATUS text. */
int gate_publish(enum gate_state state, int exit_code, const char *status);
/* The state of our last gate_publish(), landed or not. */
enum gate_state gate_published_state(void);
/* Writes our record again as the last gate_publish() left it (its `since` kept): for retries. */
int gate_republish(void);
/*
 * Reads NAME's record and its owner's liveness. Never follows a symlink. -1 with errno only when
 * this process ran short (EMFILE, ENFILE, ENOMEM): the view is then GATE_NONE, not GATE_INVALID,
 * since nothing is known about the record.
 */
int gate_read(const char *name, struct gate_view *v);
/* Every valid name with a record in DIR, sorted; returns the count or -1. */
int gate_list(char names[][GATE_NAME_MAX + 1], int max);

/*
 * Waits from the loop until every name is ready, without polling: a thread sleeps on the bell
 * and wakes the loop through an ev_async. Logs progress every 30 s; after timeout seconds
 * (negative: never) logs one line per name not ready. done(true) when all are ready,
 * done(false) on timeout. Returns 1 when all were ready at once (done is not called), 0 when
 * waiting, -1 on error.
 */
int gate_await_start(struct ev_loop *loop, char names[][GATE_NAME_MAX + 1], int n, double timeout,
		     void (*done)(bool ready));
void gate_await_stop(void);

/*
 * Calls changed() from the loop whenever NAME's record may have changed: after every publish,
 * and when its owner dies, which publishes nothing (a helper thread blocks on the record's
 * lock, and on the bell while there is no live record). No polling.
 */
int gate_watch_start(struct ev_loop *loop, const char *name, void (*changed)(void));
void gate_watch_stop(void);

#endif
