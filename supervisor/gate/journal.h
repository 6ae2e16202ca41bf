/* SPDX-License-Identifier: MIT */
/*
 * The journal: every baton of a pod appends its state changes to DIR/.journal, one line each,
 * so that `baton timeline` can show the pod's startup in order across containers:
 *
 *   SECONDS.NANOSECONDS NAME INCARNATION EVENT [ARG]
 *   1765070000.123456789 producer 9f3c0a1be4d2c7a8 started /usr/bin/ipc-producer
 *
 * EVENT is waiting (ARG: the names, comma-separated), started (ARG: PROGRAM), ready, stopping
 * or exited (ARG: the exit code, or "signal N"); the time is CLOCK_REALTIME. A line is at most
 * JOURNAL_LINE_MAX bytes and lands with one O_APPEND write(2), so lines from many containers
 * never interleave. When the file grows past JOURNAL_MAX_BYTES one writer renames it to
 * .journal.1 (the older lines; the previous .journal.1 is dropped). Whenever no writer is
 * appending, .journal holds at most JOURNAL_MAX_BYTES. .journal.1 holds JOURNAL_MAX_BYTES,
 * plus every line appended after it passed them and before its rename, plus at most one line
 * from each writer that opened it before the rename. Writers never wait: while the rotating
 * writer is descheduled between its lock and its rename, the others keep appending, and past
 * JOURNAL_HARD_MAX_BYTES they rotate without the lock (the holder may be stopped, or not a
 * baton). So neither file grows past JOURNAL_HARD_MAX_BYTES plus one line per writer appending
 * at that moment. The journal is best effort:
 * a journal that is missing, garbage, or not a regular file never blocks, delays or harms a
 * baton, and a failed append is logged once per kind of error.
 */
#ifndef BATON_JOURNAL_H
#define BATON_JOURNAL_H

#include "gate.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define JOURNAL_FILE	  ".journal"
#define JOURNAL_OLD_FILE  ".journal.1"
#define JOURNAL_LINE_MAX  512 /* below PIPE_BUF: one write(2) is one line */
#define JOURNAL_ARG_MAX	  255
#define JOURNAL_MAX_BYTES (64 * 1024)
/* Past this, a writer that cannot take the rotation lock rotates without it. */
#define JOURNAL_HARD_MAX_BYTES (4 * JOURNAL_MAX_BYTES)

enum journal_event {
	JOURNAL_WAITING,
	JOURNAL_STARTED,
	JOURNAL_READY,
	JOURNAL_STOPPING,
	JOURNAL_EXITED,
};

struct journal_entry {
	int64_t ns; /* CLOCK_REALTIME in nanoseconds */
	char name[GATE_NAME_MAX + 1];
	char incarnation[GATE_INCARNATION_LEN + 1];
	enum journal_event event;
	bool signaled;		       /* exited: code is a signal number */
	int code;		       /* exited: the exit code (0..255) or the signal (1..64) */
	char arg[JOURNAL_ARG_MAX + 1]; /* waiting: names; started: PROGRAM; else empty */
};

/* Pure. "waiting", "started", ... */
const char *journal_event_name(enum journal_event event);
/*
 * One line with its '\n' into buf (JOURNAL_LINE_MAX bytes are enough); bytes of arg outside
 * printable ASCII become '?' and a long arg is cut. Returns the length, -1 on a bad entry.
 */
int journal_format(const struct journal_entry *e, char *buf, size_t size);
/* One line without its '\n'. 0, or -1 when it is not a valid journal line. */
int journal_parse(const char *line, size_t len, struct journal_entry *e);

/*
 * The writer. journal_open() remembers DIR, this baton's NAME and incarnation (a random one
 * when incarnation is empty) and touches nothing; journal_note() appends one line (opening
 * the file each time, never following a symlink, never blocking) and rotates the file when it
 * is over the bound. Neither fails: errors are logged once per kind and otherwise ignored.
 */
void journal_open(const char *dir, const char *name, const char *incarnation);
void journal_note(enum journal_event event, bool signaled, int code, const char *arg);
/* The same, dated when: the moment of a state change taken before it was published, so that
 * no one who saw the publish can have a line dated earlier. */
void journal_note_at(const struct timespec *when, enum journal_event event, bool signaled, int code,
		     const char *arg);
/* The waiting line: the names that fit into one line, comma-separated. */
void journal_note_waiting(char names[][GATE_NAME_MAX + 1], int n);

/*
 * The reader: every valid line of DIR/.journal.1 and DIR/.journal (at most the last
 * 4 * JOURNAL_MAX_BYTES of each), sorted by time, in a malloc'd array (*out; free() it).
 * Returns the count, or -1 with errno; *skipped counts lines that are not journal lines.
 */
int journal_read(const char *dir, struct journal_entry **out, int *skipped);

#endif
