// SPDX-License-Identifier: MIT
/*
 * The readiness gate. Owns the shared directory's descriptor, the mapped bell, this baton's
 * claim lock and the record file it currently publishes. Records from other containers are
 * untrusted input: they are parsed strictly, never followed through a symlink, and never taken
 * as ready unless their owner still holds the lock on that very file.
 *
 * Waking: a publish renames the record into place, then increments the bell's first word and
 * FUTEX_WAKEs every sleeper on it. A waiter reads the word before it checks the records and
 * sleeps only while the word still holds that value, so a publish that lands between the
 * check and the sleep is never missed. The sleeping happens in a helper thread that does
 * nothing else and hands every change to the loop through an ev_async.
 */
#include "gate.h"

#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PROGRESS_INTERVAL 30.0

static int dir_fd = -1;
static char dir_path[PATH_MAX];
static uint32_t *bell;
static bool bell_writable;
static int claim_fd = -1;
static int record_fd = -1;
static struct gate_record mine;

bool gate_name_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > GATE_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return name[0] != '-' && name[len - 1] != '-';
}

static const char *const state_names[] = {
	[GATE_NONE] = "none",	[GATE_INVALID] = "invalid",   [GATE_STARTING] = "starting",
	[GATE_READY] = "ready", [GATE_STOPPING] = "stopping", [GATE_EXITED] = "exited",
	[GATE_DONE] = "done",
};

const char *gate_state_name(enum gate_state state)
{
	return state <= GATE_DONE ? state_names[state] : "invalid";
}

int gate_record_format(const struct gate_record *r, char *buf, size_t size)
{
	int n = snprintf(
		buf, size,
		"version=1\nname=%s\nincarnation=%s\nstate=%s\nsince=%lld.%09ld\npid=%ld\n",
		r->name, r->incarnation, gate_state_name(r->state), (long long)r->since.tv_sec,
		r->since.tv_nsec, r->pid);

	if (n > 0 && (r->state == GATE_EXITED || r->state == GATE_DONE))
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "exit=%d\n",
			      r->exit_code);
	if (n > 0 && r->status[0])
		n += snprintf(buf + n, size > (size_t)n ? size - (size_t)n : 0, "status=%s\n",
			      r->status);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

static bool all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int parse_long(const char *s, size_t len, long max, long *out)
{
	long v = 0;

	if (!all_digits(s, len) || len > 19)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (v > (max - (s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int parse_since(const char *v, size_t len, struct timespec *ts)
{
	const char *dot = memchr(v, '.', len);
	size_t secs = dot ? (size_t)(dot - v) : len;
	long sec, nsec = 0;

	if (parse_long(v, secs, LONG_MAX, &sec) < 0)
		return -1;
	if (dot) {
		size_t frac = len - secs - 1;

		if (frac == 0 || frac > 9 || parse_long(dot + 1, frac, 999999999, &nsec) < 0)
			return -1;
		for (size_t i = frac; i < 9; i++)
			nsec *= 10;
	}
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

static bool status_text_valid(const char *s, size_t len)
{
	if (len > GATE_STATUS_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int gate_record_parse(const char *buf, size_t len, struct gate_record *r, char *err, size_t errlen)
{
	enum { K_VERSION, K_NAME, K_INCARNATION, K_STATE, K_SINCE, K_PID, K_EXIT, K_STATUS, K_N };
	static const char *const keys[K_N] = { "version", "name", "incarnation", "state",
					       "since",	  "pid",  "exit",	 "status" };
	bool seen[K_N] = { 0 };
	size_t pos = 0;
	int line = 0;

	memset(r, 0, sizeof(*r));
	if (len == 0)
		return log_format_error(err, errlen, "empty");
	if (len > GATE_RECORD_MAX)
		return log_format_error(err, errlen, "larger than %d bytes", GATE_RECORD_MAX);
	if (memchr(buf, '\0', len))
		return log_format_error(err, errlen, "holds a NUL byte");
	if (buf[len - 1] != '\n')
		return log_format_error(err, errlen, "does not end with a newline");
	while (pos < len) {
		const char *l = buf + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t llen = (size_t)(nl - l);
		const char *eq = memchr(l, '=', llen);
		size_t klen, vlen;
		const char *v;
		int k = -1;
		long n;

		pos += llen + 1;
		line++;
		if (!eq)
			return log_format_error(err, errlen, "line %d is not key=value", line);
		klen = (size_t)(eq - l);
		v = eq + 1;
		vlen = llen - klen - 1;
		for (int i = 0; i < K_N; i++)
			if (strlen(keys[i]) == klen && memcmp(keys[i], l, klen) == 0)
				k = i;
		if (line == 1 && k != K_VERSION)
			return log_format_error(err, errlen, "does not start with version=");
		if (k < 0)
			continue; /* a key from a later version */
		if (seen[k])
			return log_format_error(err, errlen, "line %d repeats %s", line, keys[k]);
		seen[k] = true;
		switch (k) {
		case K_VERSION:
			/* Echo digits only: `baton status` prints the reason to a terminal. */
			if ((vlen != 1 || v[0] != '1') && all_digits(v, vlen) && vlen <= 16)
				return log_format_error(err, errlen, "unknown version %.*s",
							(int)vlen, v);
			if (vlen != 1 || v[0] != '1')
				return log_format_error(err, errlen, "unknown version");
			break;
		case K_NAME:
			if (vlen > GATE_NAME_MAX)
				return log_format_error(err, errlen, "invalid name");
			memcpy(r->name, v, vlen);
			r->name[vlen] = '\0';
			if (!gate_name_valid(r->name))
				return log_format_error(err, errlen, "invalid name");
			break;
		case K_INCARNATION:
			if (vlen != GATE_INCARNATION_LEN)
				return log_format_error(err, errlen, "invalid incarnation");
			for (size_t i = 0; i < vlen; i++)
				if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'f')))
					return log_format_error(err, errlen, "invalid incarnation");
			memcpy(r->incarnation, v, vlen);
			r->incarnation[vlen] = '\0';
			break;
		case K_STATE:
			r->state = GATE_NONE;
			for (int s = GATE_STARTING; s <= GATE_DONE; s++)
				if (strlen(state_names[s]) == vlen &&
				    memcmp(state_names[s], v, vlen) == 0)
					r->state = (enum gate_state)s;
			if (r->state == GATE_NONE)
				return log_format_error(err, errlen, "unknown state");
			break;
		case K_SINCE:
			if (parse_since(v, vlen, &r->since) < 0)
				return log_format_error(err, errlen, "invalid since");
			break;
		case K_PID:
			if (parse_long(v, vlen, INT_MAX, &n) < 0 || n == 0)
				return log_format_error(err, errlen, "invalid pid");
			r->pid = n;
			break;
		case K_EXIT:
			if (parse_long(v, vlen, 255, &n) < 0)
				return log_format_error(err, errlen, "invalid exit");
			r->exit_code = (int)n;
			break;
		case K_STATUS:
			if (!status_text_valid(v, vlen))
				return log_format_error(err, errlen, "invalid status text");
			memcpy(r->status, v, vlen);
			r->status[vlen] = '\0';
			break;
		}
	}
	for (int k = K_VERSION; k <= K_PID; k++)
		if (!seen[k])
			return log_format_error(err, errlen, "no %s", keys[k]);
	if ((r->state == GATE_EXITED || r->state == GATE_DONE) != seen[K_EXIT])
		return log_format_error(err, errlen,
					seen[K_EXIT] ? "exit without exited" : "no exit");
	if (r->state == GATE_DONE && r->exit_code != 0)
		return log_format_error(err, errlen, "done with exit %d", r->exit_code);
	return 0;
}

bool gate_view_ready(const struct gate_view *v)
{
	return (v->state == GATE_READY && v->alive) || v->state == GATE_DONE;
}

void gate_view_describe(const struct gate_view *v, const struct timespec *now, char *buf,
			size_t size)
{
	long age = now ? (long)(now->tv_sec - v->rec.since.tv_sec) : 0;

	if (age < 0)
		age = 0;
	switch (v->state) {
	case GATE_NONE:
		snprintf(buf, size, "no record yet");
		return;
	case GATE_INVALID:
		snprintf(buf, size, "invalid record (%s)", v->why);
		return;
	case GATE_EXITED:
		snprintf(buf, size, "exited %d", v->rec.exit_code);
		return;
	case GATE_DONE:
		snprintf(buf, size, "done");
		return;
	default:
		break;
	}
	if (!v->alive)
		snprintf(buf, size, "owner gone (was %s)", gate_state_name(v->state));
	else if (v->state == GATE_STARTING)
		snprintf(buf, size, "starting for %lds", age);
	else
		snprintf(buf, size, "%s", gate_state_name(v->state));
}

static int mkdir_parents(const char *dir)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(path, 01777) == 0)
		return chmod(path,
			     01777); /* despite the umask: containers may run as other users */
	return errno == EEXIST ? 0 : -1;
}

/* Creates a fully sized bell under a temporary name and links it into place. */
static int bell_create(void)
{
	char tmp[64];
	unsigned char rnd[8];
	int fd, rc;

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -1;
	snprintf(tmp, sizeof(tmp), ".bell.%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2],
		 rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	fd = openat(dir_fd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	rc = fchmod(fd, 0666);
	/* Allocate now: touching a sparse page on a full tmpfs would be SIGBUS later. */
	if (rc == 0 && (rc = posix_fallocate(fd, 0, GATE_BELL_SIZE)) != 0) {
		errno = rc;
		rc = -1;
	}
	if (rc == 0 && linkat(dir_fd, tmp, dir_fd, GATE_BELL, 0) < 0 && errno != EEXIST)
		rc = -1;
	close(fd);
	if (rc < 0) {
		int e = errno;

		unlinkat(dir_fd, tmp, 0);
		errno = e;
		return -1;
	}
	unlinkat(dir_fd, tmp, 0);
	return 0;
}

static int bell_open(bool writable, char *err, size_t errlen)
{
	struct stat st;
	int fd, flags = O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	void *map;

	fd = openat(dir_fd, GATE_BELL, O_RDWR | flags);
	if (fd < 0 && errno == ENOENT) {
		if (bell_create() < 0 && (writable || errno != EROFS))
			return log_format_error(err, errlen, "cannot create %s/%s: %s", dir_path,
						GATE_BELL, strerror(errno));
		fd = openat(dir_fd, GATE_BELL, O_RDWR | flags);
	}
	if (fd < 0 && !writable && (errno == EACCES || errno == EROFS))
		fd = openat(dir_fd, GATE_BELL, O_RDONLY | flags);
	else if (fd >= 0)
		bell_writable = true;
	if (fd < 0)
		return log_format_error(err, errlen, "cannot open %s/%s: %s", dir_path, GATE_BELL,
					strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < GATE_BELL_SIZE) {
		close(fd);
		errno = EINVAL;
		return log_format_error(err, errlen,
					"%s/%s is not a baton bell (a regular file of %d bytes)",
					dir_path, GATE_BELL, GATE_BELL_SIZE);
	}
	map = mmap(NULL, GATE_BELL_SIZE, PROT_READ | (bell_writable ? PROT_WRITE : 0), MAP_SHARED,
		   fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return log_format_error(err, errlen, "cannot map %s/%s: %s", dir_path, GATE_BELL,
					strerror(errno));
	bell = map;
	return 0;
}

int gate_open(const char *dir, bool writable, char *err, size_t errlen)
{
	snprintf(dir_path, sizeof(dir_path), "%s", dir);
	if (mkdir_parents(dir) < 0 && (writable || errno != EROFS))
		return log_format_error(err, errlen, "cannot create %s: %s", dir, strerror(errno));
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return log_format_error(err, errlen, "cannot open %s: %s", dir, strerror(errno));
	return bell_open(writable, err, errlen);
}

int gate_open_existing(const char *dir, char *err, size_t errlen)
{
	snprintf(dir_path, sizeof(dir_path), "%s", dir);
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0 && errno == ENOENT)
		return 1;
	if (dir_fd < 0)
		return log_format_error(err, errlen, "cannot open %s: %s", dir, strerror(errno));
	return 0;
}

const char *gate_dir(void)
{
	return dir_path;
}

static void ring(void)
{
	if (!bell || !bell_writable)
		return;
	__atomic_add_fetch(bell, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, bell, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

int gate_claim(const char *name, char *err, size_t errlen)
{
	char lock[GATE_NAME_MAX + 8];
	unsigned char rnd[GATE_INCARNATION_LEN / 2];
	struct stat st;

	snprintf(lock, sizeof(lock), ".%s.lock", name);
	claim_fd = openat(dir_fd, lock, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
			  0644);
	if (claim_fd < 0)
		return log_format_error(err, errlen, "cannot create %s/%s: %s", dir_path, lock,
					strerror(errno));
	if (fstat(claim_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return log_format_error(err, errlen, "%s/%s is not a regular file", dir_path, lock);
	}
	if (flock(claim_fd, LOCK_EX | LOCK_NB) < 0) {
		struct gate_view v;

		if (errno != EWOULDBLOCK)
			return log_format_error(err, errlen, "cannot lock %s/%s: %s", dir_path,
						lock, strerror(errno));
		gate_read(name, &v);
		errno = EBUSY;
		return log_format_error(
			err, errlen,
			"name '%s' is already published in %s by a live baton (state %s, "
			"incarnation %s)",
			name, dir_path, gate_state_name(v.state),
			v.state > GATE_INVALID ? v.rec.incarnation : "unknown");
	}
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return log_format_error(err, errlen, "getrandom: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(rnd); i++)
		snprintf(mine.incarnation + 2 * i, 3, "%02x", rnd[i]);
	snprintf(mine.name, sizeof(mine.name), "%s", name);
	mine.pid = getpid();
	if (gate_publish(GATE_STARTING, 0, "") < 0)
		return log_format_error(err, errlen, "cannot publish %s/%s: %s", dir_path, name,
					strerror(errno));
	return 0;
}

const char *gate_incarnation(void)
{
	return mine.incarnation;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int gate_publish(enum gate_state state, int exit_code, const char *status)
{
	char tmp[GATE_NAME_MAX + 8], buf[GATE_RECORD_MAX];
	int fd, len, e;

	if (claim_fd < 0) {
		errno = EBADF;
		return -1;
	}
	mine.state = state;
	mine.exit_code = exit_code;
	if (status)
		snprintf(mine.status, sizeof(mine.status), "%s", status);
	clock_gettime(CLOCK_REALTIME, &mine.since);
	len = gate_record_format(&mine, buf, sizeof(buf));
	if (len < 0) {
		errno = EOVERFLOW;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), ".%s.tmp", mine.name);
	if (unlinkat(dir_fd, tmp, 0) < 0 && errno != ENOENT)
		return -1;
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	/* Locked before anyone can see it: a reader never finds our record unlocked. */
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 || fchmod(fd, 0644) < 0 ||
	    write_all(fd, buf, (size_t)len) < 0 || renameat(dir_fd, tmp, dir_fd, mine.name) < 0) {
		e = errno;
		close(fd);
		unlinkat(dir_fd, tmp, 0);
		errno = e;
		return -1;
	}
	if (record_fd >= 0)
		close(record_fd);
	record_fd = fd;
	ring();
	log_debug("published %s (incarnation %s)", gate_state_name(state), mine.incarnation);
	return 0;
}

int gate_read(const char *name, struct gate_view *v)
{
	char buf[GATE_RECORD_MAX + 1];

	memset(v, 0, sizeof(*v));
	if (dir_fd < 0)
		return 0; /* no directory: no record */
	for (int tries = 0; tries < 16; tries++) {
		struct stat st, now;
		ssize_t n;
		int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

		memset(v, 0, sizeof(*v));
		if (fd < 0) {
			if (errno == ENOENT)
				return 0;
			v->state = GATE_INVALID;
			snprintf(v->why, sizeof(v->why), "%s",
				 errno == ELOOP ? "a symbolic link" : strerror(errno));
			return 0;
		}
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			close(fd);
			v->state = GATE_INVALID;
			snprintf(v->why, sizeof(v->why), "not a regular file");
			return 0;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 ||
		    gate_record_parse(buf, (size_t)n, &v->rec, v->why, sizeof(v->why)) < 0) {
			if (n < 0)
				snprintf(v->why, sizeof(v->why), "%s", strerror(errno));
			close(fd);
			v->state = GATE_INVALID;
			return 0;
		}
		if (strcmp(v->rec.name, name) != 0) {
			close(fd);
			v->state = GATE_INVALID;
			snprintf(v->why, sizeof(v->why), "it names '%s'", v->rec.name);
			return 0;
		}
		v->state = v->rec.state;
		if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
			v->alive = errno == EWOULDBLOCK;
			close(fd);
			return 0;
		}
		flock(fd, LOCK_UN);
		close(fd);
		/* Unlocked: its owner is gone, unless the owner just replaced it. Look again. */
		if (fstatat(dir_fd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
		    now.st_ino == st.st_ino && now.st_dev == st.st_dev)
			return 0;
	}
	return 0;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

int gate_list(char names[][GATE_NAME_MAX + 1], int max)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	int n = 0;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((e = readdir(d)) && n < max)
		if (gate_name_valid(e->d_name))
			memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
	closedir(d);
	qsort(names, (size_t)n, GATE_NAME_MAX + 1, compare_names);
	return n;
}

/*
 * A detached helper thread with a small stack. It inherits the caller's mask, so every signal
 * baton reads from its signalfd stays blocked in it. 0 or an errno value.
 */
static int thread_start(void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	pthread_t thread;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	return rc;
}

/* Waiting. */

static struct {
	struct ev_loop *loop;
	char (*names)[GATE_NAME_MAX + 1];
	int n;
	bool ready[GATE_MAX_NAMES];
	void (*done)(bool ready);
	ev_async async;
	ev_timer timeout;
	ev_timer progress;
	struct timespec start;
	bool active;
} aw;

/* Bumped to retire a helper thread; the thread exits at its next wake-up. */
static unsigned aw_generation;

struct bell_thread_arg {
	uint32_t seen;
	unsigned generation;
};

static struct bell_thread_arg thread_arg;

static void *bell_thread(void *p)
{
	struct bell_thread_arg arg = *(struct bell_thread_arg *)p;

	while (__atomic_load_n(&aw_generation, __ATOMIC_SEQ_CST) == arg.generation) {
		uint32_t now;

		syscall(SYS_futex, bell, FUTEX_WAIT, arg.seen, NULL, NULL, 0);
		now = __atomic_load_n(bell, __ATOMIC_SEQ_CST);
		if (now != arg.seen) {
			arg.seen = now;
			ev_async_send(aw.loop, &aw.async);
		}
	}
	return NULL;
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - aw.start.tv_sec) +
	       (double)(now.tv_nsec - aw.start.tv_nsec) / 1e9;
}

/* Re-reads every name; logs each change; true when all are ready. */
static bool await_check(void)
{
	bool all = true;

	for (int i = 0; i < aw.n; i++) {
		struct gate_view v;
		bool ready;

		gate_read(aw.names[i], &v);
		ready = gate_view_ready(&v);
		if (ready && !aw.ready[i])
			log_info("%s is ready (waited %.3fs)", aw.names[i], elapsed());
		else if (!ready && aw.ready[i])
			log_info("%s is no longer ready", aw.names[i]);
		aw.ready[i] = ready;
		all = all && ready;
	}
	return all;
}

static void await_describe(char *buf, size_t size)
{
	struct timespec now;
	size_t len = 0;

	clock_gettime(CLOCK_REALTIME, &now);
	buf[0] = '\0';
	for (int i = 0; i < aw.n && len < size; i++) {
		struct gate_view v;
		char what[160];

		if (aw.ready[i])
			continue;
		gate_read(aw.names[i], &v);
		gate_view_describe(&v, &now, what, sizeof(what));
		len += (size_t)snprintf(buf + len, size - len, "%s%s (%s)", len ? ", " : "",
					aw.names[i], what);
	}
}

static void await_finish(bool ready)
{
	gate_await_stop();
	aw.done(ready);
}

static void on_bell(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (aw.active && await_check())
		await_finish(true);
}

static void on_progress(struct ev_loop *loop, ev_timer *w, int revents)
{
	char buf[1024];

	(void)loop;
	(void)w;
	(void)revents;
	await_describe(buf, sizeof(buf));
	log_info("still waiting after %.0fs for %s", elapsed(), buf);
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct timespec now;

	(void)loop;
	(void)w;
	(void)revents;
	if (await_check()) {
		await_finish(true);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	log_error("timed out after %.3gs waiting for dependencies", elapsed());
	for (int i = 0; i < aw.n; i++) {
		struct gate_view v;
		char what[160];

		if (aw.ready[i])
			continue;
		gate_read(aw.names[i], &v);
		gate_view_describe(&v, &now, what, sizeof(what));
		log_error("%s: %s", aw.names[i], what);
	}
	await_finish(false);
}

int gate_await_start(struct ev_loop *loop, char names[][GATE_NAME_MAX + 1], int n, double timeout,
		     void (*done)(bool ready))
{
	char buf[1024];
	int rc;

	memset(aw.ready, 0, sizeof(aw.ready));
	aw.loop = loop;
	aw.names = names;
	aw.n = n;
	aw.done = done;
	clock_gettime(CLOCK_MONOTONIC, &aw.start);
	thread_arg.generation = ++aw_generation;
	/* Read the bell before the records: a publish after this read changes it. */
	thread_arg.seen = __atomic_load_n(bell, __ATOMIC_SEQ_CST);
	if (await_check())
		return 1;
	await_describe(buf, sizeof(buf));
	log_info("waiting for %s", buf);

	ev_async_init(&aw.async, on_bell);
	ev_async_start(loop, &aw.async);
	ev_timer_init(&aw.progress, on_progress, PROGRESS_INTERVAL, PROGRESS_INTERVAL);
	ev_timer_start(loop, &aw.progress);
	if (timeout >= 0) {
		ev_timer_init(&aw.timeout, on_timeout, timeout, 0);
		ev_timer_start(loop, &aw.timeout);
	}
	aw.active = true;

	rc = thread_start(bell_thread, &thread_arg);
	if (rc != 0) {
		gate_await_stop();
		errno = rc;
		return -1;
	}
	return 0;
}

void gate_await_stop(void)
{
	if (!aw.active)
		return;
	aw.active = false;
	__atomic_add_fetch(&aw_generation, 1, __ATOMIC_SEQ_CST);
	ev_async_stop(aw.loop, &aw.async);
	ev_timer_stop(aw.loop, &aw.progress);
	ev_timer_stop(aw.loop, &aw.timeout);
}

/* Watching one name for its end (--exit-with). */

static struct {
	struct ev_loop *loop;
	char name[GATE_NAME_MAX + 1];
	void (*changed)(void);
	ev_async async;
	bool active;
} watch;

static unsigned watch_generation;

static void *watch_thread(void *p)
{
	unsigned generation = (unsigned)(uintptr_t)p;
	ino_t done_ino = 0, told_ino = 0;

	while (__atomic_load_n(&watch_generation, __ATOMIC_SEQ_CST) == generation) {
		uint32_t seen = __atomic_load_n(bell, __ATOMIC_SEQ_CST);
		int fd = openat(dir_fd, watch.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		struct stat st;

		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_ino != done_ino) {
			/*
			 * A record published since the loop last looked (it reads after our
			 * previous send): tell it before blocking, or that publish goes unseen
			 * until this record's owner replaces it or dies.
			 */
			if (st.st_ino != told_ino) {
				told_ino = st.st_ino;
				ev_async_send(watch.loop, &watch.async);
			}
			/* Returns once this record's owner replaced it or died. */
			while (flock(fd, LOCK_SH) < 0 && errno == EINTR)
				;
			flock(fd, LOCK_UN);
			done_ino = st.st_ino;
		} else {
			/* No live record to block on: wait for the next publish. */
			syscall(SYS_futex, bell, FUTEX_WAIT, seen, NULL, NULL, 0);
		}
		if (fd >= 0)
			close(fd);
		ev_async_send(watch.loop, &watch.async);
	}
	return NULL;
}

static void on_watch(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (watch.active)
		watch.changed();
}

int gate_watch_start(struct ev_loop *loop, const char *name, void (*changed)(void))
{
	int rc;

	gate_watch_stop();
	watch.loop = loop;
	watch.changed = changed;
	snprintf(watch.name, sizeof(watch.name), "%s", name);
	ev_async_init(&watch.async, on_watch);
	ev_async_start(loop, &watch.async);
	watch.active = true;
	rc = thread_start(watch_thread, (void *)(uintptr_t)__atomic_add_fetch(&watch_generation, 1,
									      __ATOMIC_SEQ_CST));
	if (rc != 0) {
		gate_watch_stop();
		errno = rc;
		return -1;
	}
	return 0;
}

void gate_watch_stop(void)
{
	if (!watch.active)
		return;
	watch.active = false;
	__atomic_add_fetch(&watch_generation, 1, __ATOMIC_SEQ_CST);
	ev_async_stop(watch.loop, &watch.async);
}
