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
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PROGRESS_INTERVAL 30.0

static int dir_fd = -1;
static char dir_path[PATH_MAX]; /* as given, for messages */
static char dir_abs[PATH_MAX];	/* absolute, to follow DIR by name from anywhere */
static int claim_fd = -1;
static dev_t claim_dir_dev; /* the DIR our claim lock is in */
static ino_t claim_dir_ino;
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

/*
 * The bell. baton never loads or stores through the mapping: the word is read with pread() and
 * bumped-and-rung with one FUTEX_WAKE_OP, so a bell that shrinks under the mapping makes a
 * system call fail with EFAULT where a plain access would raise SIGBUS. `bell` is the bell that
 * DIR/.bell names as far as the loop knows; each helper thread holds a reference on the one it
 * sleeps on, and when the loop swaps in another it rings the old one so its sleepers move over.
 */
struct bell {
	int fd;
	uint32_t *map;
	dev_t dev;
	ino_t ino;
	bool writable;
	int refs; /* under bell_lock */
};

static pthread_mutex_t bell_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bell_moved = PTHREAD_COND_INITIALIZER;
static struct bell *bell;
static bool bell_faulted;      /* a sleeper got EFAULT: the bell shrank, the loop must re-map it */
static char bell_problem[256]; /* what is wrong with DIR/.bell, as last logged */

static struct bell *bell_get(void)
{
	struct bell *b;

	pthread_mutex_lock(&bell_lock);
	b = bell;
	if (b)
		b->refs++;
	pthread_mutex_unlock(&bell_lock);
	return b;
}

static void bell_put(struct bell *b)
{
	int left;

	if (!b)
		return;
	pthread_mutex_lock(&bell_lock);
	left = --b->refs;
	pthread_mutex_unlock(&bell_lock);
	if (left == 0) {
		munmap(b->map, GATE_BELL_SIZE);
		close(b->fd);
		free(b);
	}
}

/* The word, read without touching the mapping. -1 when the file holds no word any more. */
static int bell_read(const struct bell *b, uint32_t *word)
{
	return pread(b->fd, word, sizeof(*word), 0) == (ssize_t)sizeof(*word) ? 0 : -1;
}

/* Adds one to the word and wakes every sleeper: one system call, atomic, and it cannot fault. */
static int bell_bump(const struct bell *b)
{
	if (!b->writable) {
		errno = EROFS;
		return -1;
	}
	return syscall(SYS_futex, b->map, FUTEX_WAKE_OP, INT_MAX, (void *)0, b->map,
		       FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0)) < 0
		       ? -1
		       : 0;
}

/*
 * Creates a fully sized bell under a temporary name and links it into place; with replace, it
 * takes the place of whatever is there (never a directory, never through a symlink).
 */
static int bell_create(bool replace)
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
	/* Allocate now: a sparse page on a full tmpfs would fault later. */
	if (rc == 0 && (rc = posix_fallocate(fd, 0, GATE_BELL_SIZE)) != 0) {
		errno = rc;
		rc = -1;
	}
	if (rc == 0 && replace)
		rc = renameat(dir_fd, tmp, dir_fd, GATE_BELL);
	else if (rc == 0 && linkat(dir_fd, tmp, dir_fd, GATE_BELL, 0) < 0 && errno != EEXIST)
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

/*
 * Makes DIR/.bell a bell again where this process may write: a short one is grown in place (its
 * sleepers keep their futex), anything else but a directory is replaced by a fresh one.
 */
static void bell_fix(void)
{
	struct stat st;
	int fd;

	if (fstatat(dir_fd, GATE_BELL, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno == ENOENT)
			bell_create(false);
		return;
	}
	if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && st.st_size >= GATE_BELL_SIZE))
		return;
	if (!S_ISREG(st.st_mode)) {
		bell_create(true);
		return;
	}
	fd = openat(dir_fd, GATE_BELL, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < GATE_BELL_SIZE)
		posix_fallocate(fd, 0, GATE_BELL_SIZE);
	close(fd);
}

/* Maps the bell DIR/.bell names now, read-only when it must. NULL with a message in err. */
static struct bell *bell_map(bool need_write, char *err, size_t errlen)
{
	int flags = O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
	struct bell *b;
	struct stat st;
	bool writable = true;
	void *map;
	int fd;

	fd = openat(dir_fd, GATE_BELL, O_RDWR | flags);
	if (fd < 0 && !need_write && (errno == EACCES || errno == EROFS)) {
		writable = false;
		fd = openat(dir_fd, GATE_BELL, O_RDONLY | flags);
	}
	if (fd < 0 && errno != EISDIR) {
		log_format_error(err, errlen, "cannot open %s/%s: %s", dir_path, GATE_BELL,
				 strerror(errno));
		return NULL;
	}
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < GATE_BELL_SIZE) {
		if (fd >= 0)
			close(fd);
		errno = EINVAL;
		log_format_error(err, errlen,
				 "%s/%s is not a baton bell (a regular file of %d bytes)", dir_path,
				 GATE_BELL, GATE_BELL_SIZE);
		return NULL;
	}
	map = mmap(NULL, GATE_BELL_SIZE, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
		   0);
	b = map == MAP_FAILED ? NULL : calloc(1, sizeof(*b));
	if (!b) {
		int e = errno;

		if (map != MAP_FAILED)
			munmap(map, GATE_BELL_SIZE);
		close(fd);
		errno = e;
		log_format_error(err, errlen, "cannot map %s/%s: %s", dir_path, GATE_BELL,
				 strerror(errno));
		return NULL;
	}
	*b = (struct bell){ .fd = fd,
			    .map = map,
			    .dev = st.st_dev,
			    .ino = st.st_ino,
			    .writable = writable,
			    .refs = 1 };
	return b;
}

static bool bell_current(const struct bell *b)
{
	struct stat st;

	return b && fstatat(dir_fd, GATE_BELL, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       st.st_ino == b->ino && st.st_dev == b->dev && S_ISREG(st.st_mode) &&
	       st.st_size >= GATE_BELL_SIZE;
}

/*
 * Makes `bell` the bell DIR/.bell names now, mending it first where this process may write, and
 * rings the bell it replaces so that the sleepers on it (ours and other containers') look again.
 * From the loop only; cheap when nothing changed (one fstatat).
 */
static void bell_refresh(void)
{
	bool faulted = __atomic_exchange_n(&bell_faulted, false, __ATOMIC_SEQ_CST);
	struct bell *old = bell, *b;
	char err[256];

	if (!faulted && bell_current(old))
		return;
	bell_fix();
	b = bell_map(false, err, sizeof(err));
	if (!b && strcmp(err, bell_problem) != 0)
		log_warn("%s; waking on directory events until it is one again", err);
	else if (b && bell_problem[0])
		log_info("%s/%s is a bell again", dir_path, GATE_BELL);
	snprintf(bell_problem, sizeof(bell_problem), "%s", b ? "" : err);
	pthread_mutex_lock(&bell_lock);
	bell = b;
	pthread_cond_broadcast(&bell_moved);
	pthread_mutex_unlock(&bell_lock);
	if (old) {
		struct stat st;

		/* A shrunken old bell cannot be rung until it has its page back. */
		if (old->writable && fstat(old->fd, &st) == 0 && st.st_size < GATE_BELL_SIZE)
			posix_fallocate(old->fd, 0, GATE_BELL_SIZE);
		bell_bump(old);
		bell_put(old);
	}
}

static int bell_open(bool writable, char *err, size_t errlen)
{
	struct stat st;

	if (fstatat(dir_fd, GATE_BELL, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT &&
	    bell_create(false) < 0 && (writable || errno != EROFS))
		return log_format_error(err, errlen, "cannot create %s/%s: %s", dir_path, GATE_BELL,
					strerror(errno));
	bell = bell_map(writable, err, errlen);
	return bell ? 0 : -1;
}

/*
 * Follows DIR when it was removed or replaced: dir_fd is made to name what DIR names now, by
 * dup3() onto the same number, so helper threads never see it closed. With create, a missing
 * DIR is made again. 1 when DIR changed, 0 when not, -1 with errno when DIR is not there.
 */
static int dir_follow(bool create)
{
	struct stat now, was;
	int fd;

	if (stat(dir_abs, &now) < 0 &&
	    (errno != ENOENT || !create || mkdir_parents(dir_abs) < 0 || stat(dir_abs, &now) < 0))
		return -1;
	if (fstat(dir_fd, &was) == 0 && was.st_ino == now.st_ino && was.st_dev == now.st_dev)
		return 0;
	fd = open(dir_abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (dup3(fd, dir_fd, O_CLOEXEC) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	log_info("%s was removed or replaced: following the new one", dir_path);
	return 1;
}

/* DIR as an absolute path: baton follows it by name after leaving the working directory. */
static void set_dir_path(const char *dir)
{
	char cwd[PATH_MAX / 2];

	snprintf(dir_path, sizeof(dir_path), "%s", dir);
	if (dir[0] != '/' && getcwd(cwd, sizeof(cwd)))
		snprintf(dir_abs, sizeof(dir_abs), "%s/%s", cwd, dir);
	else
		snprintf(dir_abs, sizeof(dir_abs), "%s", dir);
}

int gate_open(const char *dir, bool writable, char *err, size_t errlen)
{
	set_dir_path(dir);
	if (mkdir_parents(dir) < 0 && (writable || errno != EROFS))
		return log_format_error(err, errlen, "cannot create %s: %s", dir, strerror(errno));
	dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return log_format_error(err, errlen, "cannot open %s: %s", dir, strerror(errno));
	return bell_open(writable, err, errlen);
}

int gate_open_existing(const char *dir, char *err, size_t errlen)
{
	set_dir_path(dir);
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

/* Rings the bell DIR/.bell names now, and the one we knew before if that was another. */
static void ring(void)
{
	struct bell *b;

	bell_refresh();
	b = bell_get();
	if (b && bell_bump(b) < 0 && errno == EFAULT) {
		__atomic_store_n(&bell_faulted, true, __ATOMIC_SEQ_CST);
		bell_refresh();
	}
	bell_put(b);
}

/* Takes NAME's lock in DIR as it is now. -1 with errno (EBUSY: a live baton holds it). */
static int claim_lock(const char *name, char *err, size_t errlen)
{
	char lock[GATE_NAME_MAX + 8];
	struct stat st;
	int fd;

	snprintf(lock, sizeof(lock), ".%s.lock", name);
	fd = openat(dir_fd, lock, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, 0644);
	if (fd < 0)
		return log_format_error(err, errlen, "cannot create %s/%s: %s", dir_path, lock,
					strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return log_format_error(err, errlen, "%s/%s is not a regular file", dir_path, lock);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		struct gate_view v;
		int e = errno;

		close(fd);
		errno = e;
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
	if (claim_fd >= 0)
		close(claim_fd);
	claim_fd = fd;
	fstat(dir_fd, &st);
	claim_dir_dev = st.st_dev;
	claim_dir_ino = st.st_ino;
	return 0;
}

int gate_claim(const char *name, char *err, size_t errlen)
{
	unsigned char rnd[GATE_INCARNATION_LEN / 2];

	if (claim_lock(name, err, errlen) < 0)
		return -1;
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

/*
 * Opens a fresh temporary file for our record: .NAME.tmp, or, when something that cannot be
 * removed sits there (a directory someone made), .NAME.tmp.RANDOM.
 */
static int tmp_open(char *tmp, size_t size)
{
	unsigned char rnd[4];

	snprintf(tmp, size, ".%s.tmp", mine.name);
	if (unlinkat(dir_fd, tmp, 0) < 0 && errno != ENOENT &&
	    !((errno == EISDIR || errno == EPERM) && unlinkat(dir_fd, tmp, AT_REMOVEDIR) == 0)) {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
			return -1;
		snprintf(tmp, size, ".%s.tmp.%02x%02x%02x%02x", mine.name, rnd[0], rnd[1], rnd[2],
			 rnd[3]);
	}
	return openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
}

/* Writes `mine` into DIR as it is now, and rings. */
static int publish_mine(void)
{
	char tmp[256], buf[GATE_RECORD_MAX];
	struct stat st;
	int fd, len, e;

	if (claim_fd < 0) {
		errno = EBADF;
		return -1;
	}
	len = gate_record_format(&mine, buf, sizeof(buf));
	if (len < 0) {
		errno = EOVERFLOW;
		return -1;
	}
	/* DIR removed or replaced: publish in the one that has its name now, under our lock. */
	if (dir_follow(true) < 0)
		return -1;
	if (fstat(dir_fd, &st) < 0)
		return -1;
	if ((st.st_dev != claim_dir_dev || st.st_ino != claim_dir_ino) &&
	    claim_lock(mine.name, tmp, sizeof(tmp)) < 0)
		return -1;
	fd = tmp_open(tmp, sizeof(tmp));
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
	log_debug("published %s (incarnation %s)", gate_state_name(mine.state), mine.incarnation);
	return 0;
}

int gate_publish(enum gate_state state, int exit_code, const char *status)
{
	mine.state = state;
	mine.exit_code = exit_code;
	if (status)
		snprintf(mine.status, sizeof(mine.status), "%s", status);
	clock_gettime(CLOCK_REALTIME, &mine.since);
	return publish_mine();
}

enum gate_state gate_published_state(void)
{
	return mine.state;
}

int gate_republish(void)
{
	return publish_mine();
}

/* Errors that say this process ran short, not that the record is bad. */
static bool own_failure(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == ENOBUFS || e == EINTR;
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
		if (fd < 0 && own_failure(errno))
			return -1;
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
		if (n < 0 && own_failure(errno)) {
			int e = errno;

			close(fd);
			errno = e;
			return -1;
		}
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

/*
 * Following DIR. A waiter watches DIR (and DIR's parent, for DIR itself being replaced) with
 * inotify from the loop: a record renamed into place, a bell removed, truncated or replaced,
 * DIR removed and made again all arrive as events, so a wake-up the bell missed is recovered
 * without polling. Where inotify is not available the bell alone wakes waiters, and publishers
 * still mend and ring whatever bell DIR/.bell names.
 */

#define DIR_EVENTS                                                                                 \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE |        \
	 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define PARENT_EVENTS (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

static struct {
	struct ev_loop *loop;
	int fd;
	int dir_wd;
	ev_io io;
	int users;
} events = { .fd = -1 };

static void await_event(void);
static void watch_event(void);

/*
 * Before every look at the records: DIR as its name means now (watched, when we watch), and its
 * bell. A helper thread may wake us before the directory event that says DIR moved is read.
 */
static void follow(void)
{
	if (dir_follow(false) == 1 && events.fd >= 0) {
		if (events.dir_wd >= 0)
			inotify_rm_watch(events.fd, events.dir_wd);
		events.dir_wd = inotify_add_watch(events.fd, dir_abs, DIR_EVENTS);
	}
	bell_refresh();
}

static void on_dir_event(struct ev_loop *loop, ev_io *w, int revents)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	(void)loop;
	(void)w;
	(void)revents;
	while (read(events.fd, buf, sizeof(buf)) > 0)
		;
	follow();
	await_event();
	watch_event();
}

/* Starts the directory watch for one more user. Never fails: without it, the bell is all. */
static void events_start(struct ev_loop *loop)
{
	char parent[PATH_MAX];
	char *slash;

	if (events.users++ > 0)
		return;
	events.loop = loop;
	events.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (events.fd < 0) {
		log_warn("cannot watch %s for changes (%s): a removed or replaced bell is noticed "
			 "at the next publish only",
			 dir_path, strerror(errno));
		return;
	}
	/* DIR may be gone for a moment (being replaced): the parent's events bring it back. */
	events.dir_wd = inotify_add_watch(events.fd, dir_abs, DIR_EVENTS);
	snprintf(parent, sizeof(parent), "%s", dir_abs);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		inotify_add_watch(events.fd, parent, PARENT_EVENTS);
	}
	ev_io_init(&events.io, on_dir_event, events.fd, EV_READ);
	ev_io_start(loop, &events.io);
}

static void events_stop(void)
{
	if (events.users == 0 || --events.users > 0 || events.fd < 0)
		return;
	ev_io_stop(events.loop, &events.io);
	close(events.fd);
	events.fd = -1;
}

/*
 * One sleep of a helper thread on the bell it holds in *bp: returns once the word may have left
 * *seen. When the loop has moved to another bell the thread moves too and reloads *seen. Never
 * spins: a bell that faults (it shrank) or is missing is waited out on bell_moved, which the
 * loop signals once it has mapped a new one, or when the thread's generation ends.
 */
static void bell_sleep(struct bell **bp, uint32_t *seen, const unsigned *generation, unsigned ours,
		       struct ev_loop *loop, ev_async *wake)
{
	struct bell *b = *bp, *now;

	if (b && syscall(SYS_futex, b->map, FUTEX_WAIT, *seen, NULL, NULL, 0) < 0 &&
	    errno == EFAULT) {
		__atomic_store_n(&bell_faulted, true, __ATOMIC_SEQ_CST);
		ev_async_send(loop, wake);
		b = NULL; /* wait below for the loop to map another */
	}
	if (!b) {
		pthread_mutex_lock(&bell_lock);
		while (bell == *bp && __atomic_load_n(generation, __ATOMIC_SEQ_CST) == ours)
			pthread_cond_wait(&bell_moved, &bell_lock);
		pthread_mutex_unlock(&bell_lock);
	}
	now = bell_get();
	if (now == *bp) {
		bell_put(now);
		return;
	}
	bell_put(*bp);
	*bp = now;
	if (now && bell_read(now, seen) < 0)
		*seen = 0;
}

/* Retires helper threads of an ended generation that wait for the bell to move. */
static void bell_release_sleepers(void)
{
	pthread_mutex_lock(&bell_lock);
	pthread_cond_broadcast(&bell_moved);
	pthread_mutex_unlock(&bell_lock);
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
	ev_timer retry; /* a record we could not read for want of our own resources */
	int read_errno; /* the last such failure, logged once */
	struct timespec start;
	bool active;
} aw;

/* Bumped to retire a helper thread; the thread exits at its next wake-up. */
static unsigned aw_generation;

struct bell_thread_arg {
	struct bell *bell;
	uint32_t seen;
	unsigned generation;
};

static struct bell_thread_arg thread_arg;

static void *bell_thread(void *p)
{
	struct bell_thread_arg arg = *(struct bell_thread_arg *)p;
	struct bell *b = arg.bell;

	while (__atomic_load_n(&aw_generation, __ATOMIC_SEQ_CST) == arg.generation) {
		struct bell *was = b;
		uint32_t now;

		bell_sleep(&b, &arg.seen, &aw_generation, arg.generation, aw.loop, &aw.async);
		if (b != was) {
			ev_async_send(aw.loop, &aw.async);
		} else if (b && bell_read(b, &now) == 0 && now != arg.seen) {
			arg.seen = now;
			ev_async_send(aw.loop, &aw.async);
		}
	}
	bell_put(b);
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
	int failed = 0;

	for (int i = 0; i < aw.n; i++) {
		struct gate_view v;
		bool ready;

		if (gate_read(aw.names[i], &v) < 0) {
			if (errno != aw.read_errno)
				log_warn("cannot read %s/%s: %s; trying again", dir_path,
					 aw.names[i], strerror(errno));
			failed = errno;
		}
		ready = gate_view_ready(&v);
		if (ready && !aw.ready[i])
			log_info("%s is ready (waited %.3fs)", aw.names[i], elapsed());
		else if (!ready && aw.ready[i])
			log_info("%s is no longer ready", aw.names[i]);
		aw.ready[i] = ready;
		all = all && ready;
	}
	aw.read_errno = failed;
	/* Our own descriptors or memory ran out: no event says they are back, so try again. */
	if (aw.loop && failed && !all && !ev_is_active(&aw.retry)) {
		ev_timer_set(&aw.retry, 1.0, 0);
		ev_timer_start(aw.loop, &aw.retry);
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

static void await_event(void)
{
	if (aw.active && await_check())
		await_finish(true);
}

static void on_bell(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (!aw.active)
		return;
	follow();
	await_event();
}

static void on_retry(struct ev_loop *loop, ev_timer *w, int revents)
{
	on_bell(loop, NULL, revents);
	(void)w;
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
	aw.loop = NULL;
	aw.names = names;
	aw.n = n;
	aw.done = done;
	aw.read_errno = 0;
	clock_gettime(CLOCK_MONOTONIC, &aw.start);
	thread_arg.generation = ++aw_generation;
	/* Read the bell before the records: a publish after this read changes it. */
	thread_arg.bell = bell_get();
	if (!thread_arg.bell || bell_read(thread_arg.bell, &thread_arg.seen) < 0)
		thread_arg.seen = 0;
	if (await_check()) {
		bell_put(thread_arg.bell);
		return 1;
	}
	await_describe(buf, sizeof(buf));
	log_info("waiting for %s", buf);

	aw.loop = loop;
	ev_async_init(&aw.async, on_bell);
	ev_async_start(loop, &aw.async);
	ev_timer_init(&aw.progress, on_progress, PROGRESS_INTERVAL, PROGRESS_INTERVAL);
	ev_timer_start(loop, &aw.progress);
	ev_init(&aw.retry, on_retry);
	if (timeout >= 0) {
		ev_timer_init(&aw.timeout, on_timeout, timeout, 0);
		ev_timer_start(loop, &aw.timeout);
	}
	aw.active = true;
	events_start(loop);
	if (aw.read_errno) {
		ev_timer_set(&aw.retry, 1.0, 0);
		ev_timer_start(loop, &aw.retry);
	}

	rc = thread_start(bell_thread, &thread_arg);
	if (rc != 0) {
		bell_put(thread_arg.bell);
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
	bell_release_sleepers();
	ev_async_stop(aw.loop, &aw.async);
	ev_timer_stop(aw.loop, &aw.progress);
	ev_timer_stop(aw.loop, &aw.timeout);
	ev_timer_stop(aw.loop, &aw.retry);
	events_stop();
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
	struct bell *b = bell_get();

	while (__atomic_load_n(&watch_generation, __ATOMIC_SEQ_CST) == generation) {
		uint32_t seen = 0;
		int fd;
		struct stat st;

		if (b && bell_read(b, &seen) < 0)
			seen = 0;
		fd = openat(dir_fd, watch.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
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
			bell_sleep(&b, &seen, &watch_generation, generation, watch.loop,
				   &watch.async);
		}
		if (fd >= 0)
			close(fd);
		ev_async_send(watch.loop, &watch.async);
	}
	bell_put(b);
	return NULL;
}

static void watch_event(void)
{
	if (watch.active)
		watch.changed();
}

static void on_watch(struct ev_loop *loop, ev_async *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (!watch.active)
		return;
	follow();
	watch_event();
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
	events_start(loop);
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
	bell_release_sleepers();
	ev_async_stop(watch.loop, &watch.async);
	events_stop();
}
