// SPDX-License-Identifier: MIT
/*
 * The journal of state changes in the shared directory (format and bound in journal.h). Owns
 * the line format (journal_format/journal_parse, pure), the writer's settings and the errors it
 * has already logged. It must never block, delay or end a baton: the directory is shared with
 * every container of the pod, so the file may be missing, garbage, huge, a symlink, a FIFO or a
 * directory, and the disk may be full or read-only; all of that costs at most a journal line.
 */
#include "journal.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_MAX (4 * JOURNAL_MAX_BYTES)

static const char *const event_names[] = {
	[JOURNAL_WAITING] = "waiting",	 [JOURNAL_STARTED] = "started", [JOURNAL_READY] = "ready",
	[JOURNAL_STOPPING] = "stopping", [JOURNAL_EXITED] = "exited",
};

#define N_EVENTS ((int)(sizeof(event_names) / sizeof(event_names[0])))

static struct {
	bool on;
	char path[4096];
	char old[4096];
	char name[GATE_NAME_MAX + 1];
	char incarnation[GATE_INCARNATION_LEN + 1];
	int logged[8]; /* errno values already logged */
	int n_logged;
} j;

const char *journal_event_name(enum journal_event event)
{
	return (int)event >= 0 && (int)event < N_EVENTS ? event_names[event] : "?";
}

static bool incarnation_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > GATE_INCARNATION_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "a,b,c" with every item a valid name. */
static bool names_valid(const char *s)
{
	char one[GATE_NAME_MAX + 1];

	do {
		size_t len = strcspn(s, ",");

		if (len > GATE_NAME_MAX)
			return false;
		memcpy(one, s, len);
		one[len] = '\0';
		if (!gate_name_valid(one))
			return false;
		s += len;
	} while (*s++ == ',');
	return true;
}

static bool code_valid(bool signaled, int code)
{
	return signaled ? code >= 1 && code <= 64 : code >= 0 && code <= 255;
}

int journal_format(const struct journal_entry *e, char *buf, size_t size)
{
	char arg[JOURNAL_ARG_MAX + 1];
	int len;

	if (e->ns < 0 || !gate_name_valid(e->name) || !incarnation_valid(e->incarnation) ||
	    (int)e->event < 0 || (int)e->event >= N_EVENTS)
		return -1;
	snprintf(arg, sizeof(arg), "%s", e->arg);
	for (char *p = arg; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	if (e->event == JOURNAL_EXITED) {
		if (!code_valid(e->signaled, e->code))
			return -1;
		snprintf(arg, sizeof(arg), "%s%d", e->signaled ? "signal " : "", e->code);
	} else if (e->event == JOURNAL_WAITING || e->event == JOURNAL_STARTED) {
		if (!arg[0] || (e->event == JOURNAL_WAITING && !names_valid(arg)))
			return -1;
	} else {
		arg[0] = '\0';
	}
	len = snprintf(buf, size, "%lld.%09lld %s %s %s%s%s\n", (long long)(e->ns / 1000000000),
		       (long long)(e->ns % 1000000000), e->name, e->incarnation,
		       event_names[e->event], arg[0] ? " " : "", arg);
	return len < 0 || (size_t)len >= size ? -1 : len;
}

/* The next space-separated field of [*p, end) into out (at most max bytes). */
static int field(const char **p, const char *end, char *out, size_t max)
{
	const char *s = *p, *sp = memchr(s, ' ', (size_t)(end - s));
	size_t len = (size_t)((sp ? sp : end) - s);

	if (len == 0 || len > max || memchr(s, '\0', len))
		return -1;
	memcpy(out, s, len);
	out[len] = '\0';
	*p = sp ? sp + 1 : end;
	return 0;
}

static int parse_uint(const char *s, size_t min_len, size_t max_len, long long max, long long *out)
{
	size_t len = strlen(s);
	long long v = 0;

	if (len < min_len || len > max_len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int journal_parse(const char *line, size_t len, struct journal_entry *e)
{
	const char *p = line, *end = line + len;
	char ts[32], ev[16], *dot;
	long long sec, nsec, code;
	int i;

	memset(e, 0, sizeof(*e));
	if (field(&p, end, ts, sizeof(ts) - 1) < 0 || !(dot = strchr(ts, '.')))
		return -1;
	*dot = '\0';
	if (parse_uint(ts, 1, 10, 9223372035LL, &sec) < 0 ||
	    parse_uint(dot + 1, 9, 9, 999999999, &nsec) < 0)
		return -1;
	e->ns = sec * 1000000000 + nsec;
	if (field(&p, end, e->name, GATE_NAME_MAX) < 0 || !gate_name_valid(e->name) ||
	    field(&p, end, e->incarnation, GATE_INCARNATION_LEN) < 0 ||
	    !incarnation_valid(e->incarnation) || field(&p, end, ev, sizeof(ev) - 1) < 0)
		return -1;
	for (i = 0; i < N_EVENTS && strcmp(ev, event_names[i]) != 0; i++)
		;
	if (i == N_EVENTS || (p[-1] == ' ' && p == end))
		return -1;
	e->event = (enum journal_event)i;
	if ((size_t)(end - p) > JOURNAL_ARG_MAX)
		return -1;
	for (const char *c = p; c < end; c++)
		if (*c < 0x20 || *c > 0x7e)
			return -1;
	memcpy(e->arg, p, (size_t)(end - p));
	e->arg[end - p] = '\0';
	switch (e->event) {
	case JOURNAL_WAITING:
		return e->arg[0] && names_valid(e->arg) ? 0 : -1;
	case JOURNAL_STARTED:
		return e->arg[0] ? 0 : -1;
	case JOURNAL_EXITED:
		e->signaled = strncmp(e->arg, "signal ", 7) == 0;
		if (parse_uint(e->arg + (e->signaled ? 7 : 0), 1, 3, 255, &code) < 0 ||
		    !code_valid(e->signaled, (int)code) ||
		    (e->arg[e->signaled ? 7 : 0] == '0' && e->arg[e->signaled ? 8 : 1]))
			return -1;
		e->code = (int)code;
		memset(e->arg, 0, sizeof(e->arg));
		return 0;
	default:
		return e->arg[0] ? -1 : 0;
	}
}

/* The last path component of s as a valid name: "/usr/bin/IPC_producer" -> "ipc-producer". */
static void name_from(const char *s, char *out)
{
	const char *slash = strrchr(s, '/');
	size_t n = 0;

	for (s = slash ? slash + 1 : s; *s && n < GATE_NAME_MAX; s++) {
		char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			c = '-';
		if (c != '-' || (n > 0 && out[n - 1] != '-'))
			out[n++] = c;
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
	if (n == 0)
		strcpy(out, "program");
}

void journal_open(const char *dir, const char *name, const char *incarnation)
{
	unsigned char rnd[8];

	snprintf(j.path, sizeof(j.path), "%s/%s", dir, JOURNAL_FILE);
	snprintf(j.old, sizeof(j.old), "%s/%s", dir, JOURNAL_OLD_FILE);
	name_from(name, j.name);
	if (incarnation && incarnation_valid(incarnation)) {
		snprintf(j.incarnation, sizeof(j.incarnation), "%s", incarnation);
	} else {
		if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
			unsigned long long t =
				(unsigned long long)getpid() ^ (unsigned long long)time(0);

			memcpy(rnd, &t, sizeof(rnd));
		}
		for (size_t i = 0; i < sizeof(rnd); i++)
			snprintf(j.incarnation + 2 * i, 3, "%02x", rnd[i]);
	}
	j.on = true;
}

/* Logs the first failure of each kind (an errno value; 0: not a regular file), only once. */
static void complain(int kind, const char *what)
{
	for (int i = 0; i < j.n_logged; i++)
		if (j.logged[i] == kind)
			return;
	if (j.n_logged < (int)(sizeof(j.logged) / sizeof(j.logged[0])))
		j.logged[j.n_logged++] = kind;
	log_warn("journal %s: %s%s%s (ignored, not logged again)", j.path, what, kind ? ": " : "",
		 kind ? strerror(kind) : "");
}

/*
 * Over the bound: one writer renames the file to .journal.1. The lock on the file itself
 * picks that writer (never waiting for it), and it renames only the file it holds, so a second
 * rotation cannot push the fresh journal over the old one. When the rename is refused the file
 * is emptied instead. A writer that loses the lock leaves the file to its holder, whose own
 * line already took it past the bound, so the holder renames it; until it does, every line
 * still lands in that file (the bound of .journal.1 in journal.h).
 */
static void rotate(int fd)
{
	struct stat held, named;
	bool locked = flock(fd, LOCK_EX | LOCK_NB) == 0;

	/*
	 * Without the lock a writer rotates only a file far past the bound: the lock's holder has
	 * stopped between its lock and its rename (a stopped container), or is not a baton at all.
	 * Two such writers may then rotate twice and drop the older half; the bound matters more.
	 */
	if (fstat(fd, &held) == 0 &&
	    held.st_size > (locked ? JOURNAL_MAX_BYTES : JOURNAL_HARD_MAX_BYTES) &&
	    lstat(j.path, &named) == 0 && held.st_ino == named.st_ino &&
	    held.st_dev == named.st_dev && rename(j.path, j.old) < 0) {
		complain(errno, "cannot rotate");
		if (ftruncate(fd, 0) < 0)
			complain(errno, "cannot empty");
	}
	if (locked)
		flock(fd, LOCK_UN);
}

void journal_note(enum journal_event event, bool signaled, int code, const char *arg)
{
	journal_note_at(NULL, event, signaled, code, arg);
}

void journal_note_at(const struct timespec *when, enum journal_event event, bool signaled, int code,
		     const char *arg)
{
	struct journal_entry e = { .event = event, .signaled = signaled, .code = code };
	char line[JOURNAL_LINE_MAX + 1], last = '\n';
	struct timespec now;
	struct stat st;
	int fd, len, e0 = errno;
	char *start = line + 1;

	if (!j.on)
		return;
	if (!when && clock_gettime(CLOCK_REALTIME, &now) == 0)
		when = &now;
	e.ns = when ? (int64_t)when->tv_sec * 1000000000 + when->tv_nsec : 0;
	memcpy(e.name, j.name, sizeof(e.name));
	memcpy(e.incarnation, j.incarnation, sizeof(e.incarnation));
	snprintf(e.arg, sizeof(e.arg), "%s", arg && *arg ? arg : "?");
	len = journal_format(&e, start, JOURNAL_LINE_MAX);
	if (len < 0)
		return;
	fd = open(j.path,
		  O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		  0666);
	if (fd < 0) {
		complain(errno, "cannot open");
		errno = e0;
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		complain(0, "not a regular file");
		close(fd);
		errno = e0;
		return;
	}
	/* Every baton may append: the file is the pod's, not ours (umask would narrow it). */
	if (st.st_uid == geteuid() && (st.st_mode & 0777) != 0666)
		fchmod(fd, 0666);
	/* After a cut-off line, start a new one rather than glue ours to it. */
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 && last != '\n') {
		*--start = '\n';
		len++;
	}
	/*
	 * The size before the write is stale by whatever others appended since: only a size taken
	 * after it counts our line, so the append that takes the file past the bound always tries
	 * to rotate it.
	 */
	if (write(fd, start, (size_t)len) != len)
		complain(errno, "cannot append");
	else if (fstat(fd, &st) == 0 && st.st_size > JOURNAL_MAX_BYTES)
		rotate(fd);
	close(fd);
	errno = e0;
}

void journal_note_waiting(char names[][GATE_NAME_MAX + 1], int n)
{
	char list[JOURNAL_ARG_MAX + 1] = "";
	size_t len = 0;

	for (int i = 0; i < n && len + strlen(names[i]) + 1 < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", i ? "," : "",
					names[i]);
	journal_note(JOURNAL_WAITING, false, 0, list);
}

/* Appends the journal lines of fd (at most its last READ_MAX bytes) to *out. */
static int read_lines(int fd, off_t size, struct journal_entry **out, int *n, int *cap,
		      int *skipped)
{
	off_t off = size > READ_MAX ? size - READ_MAX : 0;
	size_t len = 0, want = (size_t)(size - off);
	char *buf = malloc(want + 1), *p, *nl;

	if (!buf)
		return -1;
	while (len < want) {
		ssize_t r = pread(fd, buf + len, want - len, off + (off_t)len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	p = buf;
	/* Started mid-file: the first line is a fragment. */
	if (off > 0 && (nl = memchr(p, '\n', len)))
		p = nl + 1;
	while (p < buf + len) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		if (!nl) {
			(*skipped)++; /* a line without its end: cut off */
			break;
		}
		if (*n == *cap) {
			int c = *cap ? 2 * *cap : 256;
			struct journal_entry *bigger = realloc(*out, (size_t)c * sizeof(**out));

			if (!bigger) {
				free(buf);
				return -1;
			}
			*out = bigger;
			*cap = c;
		}
		if (nl == p)
			; /* an empty line separates a cut-off one */
		else if (journal_parse(p, (size_t)(nl - p), &(*out)[*n]) == 0)
			(*n)++;
		else
			(*skipped)++;
		p = nl + 1;
	}
	free(buf);
	return 0;
}

static int compare_entries(const void *a, const void *b)
{
	const struct journal_entry *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? -1 : 1;
	if (x->event != y->event)
		return (int)x->event - (int)y->event;
	return strcmp(x->name, y->name);
}

int journal_read(const char *dir, struct journal_entry **out, int *skipped)
{
	const char *names[2] = { JOURNAL_FILE, JOURNAL_OLD_FILE };
	struct stat st[2];
	int fds[2] = { -1, -1 }, n = 0, cap = 0, rc = 0;
	char path[4096];

	*out = NULL;
	*skipped = 0;
	/*
	 * .journal before .journal.1: a rotation in between makes both the same file (read once)
	 * and loses only the oldest lines, never the ones in between.
	 */
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		fds[i] = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		if (fds[i] < 0 && errno == ENOENT)
			continue;
		if (fds[i] < 0 && errno != ELOOP) {
			rc = -1;
			break;
		}
		/* A symlink, FIFO or directory in its place is not read, and counted. */
		if (fds[i] < 0 || fstat(fds[i], &st[i]) < 0 || !S_ISREG(st[i].st_mode)) {
			(*skipped)++;
		} else if (i == 0 || fds[0] < 0 || st[0].st_ino != st[1].st_ino ||
			   st[0].st_dev != st[1].st_dev) {
			continue;
		}
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
	for (int i = 1; rc == 0 && i >= 0; i--)
		if (fds[i] >= 0 && read_lines(fds[i], st[i].st_size, out, &n, &cap, skipped) < 0)
			rc = -1;
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (rc < 0) {
		int e = errno;

		free(*out);
		*out = NULL;
		errno = e;
		return -1;
	}
	if (n > 1)
		qsort(*out, (size_t)n, sizeof(**out), compare_entries);
	return n;
}
