/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the unit tests: running a scenario in a forked child (modules with
 * file-static state, "another container"), temporary directories, and reading from fds with a
 * deadline so a broken feature fails a test instead of hanging it. Header-only, static.
 */
#ifndef BATON_UNIT_H
#define BATON_UNIT_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

/*
 * In a forked child cmocka's asserts must not be used: a failure would longjmp into the child's
 * copy of the runner and run the rest of the suite there. CHECK prints the line and exits.
 */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			int e_ = errno;                                                            \
			fprintf(stderr, "%s:%d: check failed: %s (errno %d %s)\n", __FILE__,       \
				__LINE__, #cond, e_, strerror(e_));                                \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (strcmp(a_, b_) != 0) {                                                         \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__, __LINE__, a_, b_); \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

#define CHECK_HAS(s, sub)                                                                          \
	do {                                                                                       \
		const char *s_ = (s), *sub_ = (sub);                                               \
		if (!strstr(s_, sub_)) {                                                           \
			fprintf(stderr, "%s:%d: '%s' lacks '%s'\n", __FILE__, __LINE__, s_,      \
				sub_);                                                             \
			_exit(1);                                                                  \
		}                                                                                  \
	} while (0)

#define assert_has(s, sub)                                                                         \
	do {                                                                                       \
		const char *s_ = (s), *sub_ = (sub);                                               \
		if (!strstr(s_, sub_))                                                             \
			fail_msg("'%s' lacks '%s'", s_, sub_);                                     \
	} while (0)

/* An exit code from a wait status: the code, or 128 + N when killed by signal N. */
static inline int unit_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

static inline int unit_wait(pid_t pid)
{
	int wstatus;

	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return -1;
	return unit_exit_code(wstatus);
}

/* Runs fn(arg) in a forked child and returns its exit code (0 is success). */
static inline int unit_run_forked(int (*fn)(void *arg), void *arg)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	return unit_wait(pid);
}

#define assert_forked_ok(fn, arg) assert_int_equal(unit_run_forked((fn), (arg)), 0)

/* mkdtemp under TMPDIR (or /tmp); buf must hold PATH_MAX. */
static inline void unit_tmpdir(char *buf, size_t size)
{
	const char *base = getenv("TMPDIR");

	snprintf(buf, size, "%s/baton-unit-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(buf)) {
		fprintf(stderr, "mkdtemp %s: %s\n", buf, strerror(errno));
		abort();
	}
}

static inline int unit_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	remove(path);
	return 0;
}

static inline void unit_rmtree(const char *path)
{
	nftw(path, unit_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Reads up to size - 1 bytes, NUL-terminated, waiting at most ms for the first byte. */
static inline ssize_t unit_read_timeout(int fd, char *buf, size_t size, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return -1;
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Reads until EOF (or size - 1 bytes), NUL-terminated; gives up after ms in total. */
static inline ssize_t unit_read_all(int fd, char *buf, size_t size, int ms)
{
	size_t len = 0;

	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (len + 1 >= size || poll(&p, 1, ms) <= 0)
			break;
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

static inline double unit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int unit_write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	size_t len = strlen(text);

	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

#endif
