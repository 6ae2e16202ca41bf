// SPDX-License-Identifier: MIT
/*
 * notify: the pure datagram parser, then the server on a real loop with real clients:
 * notify_send() and libsystemd's sd_notify() from forked children (a barrier needs the loop to
 * run while the client waits), raw datagrams that must never reach the callback, and the
 * upward socket to a supervisor the test binds itself. The server is started once per process.
 */
#include "unit.h"

#include "notify.h"
#include "unit_config.h"

#include <ev.h>
#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#if UNIT_HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

static int parse(const char *s, struct notify_msg *m, char *err, size_t errlen)
{
	err[0] = '\0';
	return notify_parse(s, strlen(s), m, err, errlen);
}

static void test_parse_flags(void **state)
{
	struct notify_msg m;
	char err[96];

	assert_int_equal(parse("READY=1", &m, err, sizeof(err)), 0);
	assert_true(m.ready);
	assert_false(m.stopping);
	assert_false(m.has_status);
	assert_int_equal(m.mainpid, 0);

	assert_int_equal(parse("STOPPING=1", &m, err, sizeof(err)), 0);
	assert_true(m.stopping);
	assert_false(m.ready);
	/* STOPPING wins over READY, in either order. */
	assert_int_equal(parse("READY=1\nSTOPPING=1", &m, err, sizeof(err)), 0);
	assert_true(m.stopping);
	assert_false(m.ready);
	assert_int_equal(parse("STOPPING=1\nREADY=1\n", &m, err, sizeof(err)), 0);
	assert_true(m.stopping);
	assert_false(m.ready);

	assert_int_equal(parse("WATCHDOG=1", &m, err, sizeof(err)), 0);
	assert_true(m.watchdog);
	assert_false(m.watchdog_trigger);
	assert_int_equal(parse("WATCHDOG=trigger", &m, err, sizeof(err)), 0);
	assert_true(m.watchdog_trigger);
	assert_false(m.watchdog);
	assert_int_equal(parse("BARRIER=1", &m, err, sizeof(err)), 0);
	assert_true(m.barrier);
	assert_false(m.ready);

	/* Everything at once, with empty and trailing lines. */
	assert_int_equal(parse("\nREADY=1\n\nSTATUS=up\nMAINPID=4242\nWATCHDOG=1\n\n", &m, err,
			       sizeof(err)),
			 0);
	assert_true(m.ready);
	assert_true(m.has_status);
	assert_string_equal(m.status, "up");
	assert_int_equal(m.mainpid, 4242);
	assert_true(m.watchdog);
}

static void test_parse_unknown_keys(void **state)
{
	struct notify_msg m;
	char err[96];

	assert_int_equal(parse("ERRNO=2\nEXTEND_TIMEOUT_USEC=5000000\nX_1=anything at all\n"
			       "FDSTORE=1",
			       &m, err, sizeof(err)),
			 0);
	assert_false(m.ready || m.stopping || m.watchdog || m.barrier || m.has_status);
	assert_int_equal(m.mainpid, 0);
	/* An unknown key's value is not checked. */
	assert_int_equal(parse("CUSTOM=\x01\x7f\nREADY=1", &m, err, sizeof(err)), 0);
	assert_true(m.ready);
}

static void test_parse_status(void **state)
{
	struct notify_msg m;
	char err[96], buf[600];

	assert_int_equal(parse("STATUS=", &m, err, sizeof(err)), 0);
	assert_true(m.has_status);
	assert_string_equal(m.status, "");
	assert_int_equal(parse("STATUS=a=b \xc3\xa9", &m, err, sizeof(err)), 0);
	assert_string_equal(m.status, "a=b \xc3\xa9");

	/* Cut to 256 bytes... */
	memcpy(buf, "STATUS=", 7);
	memset(buf + 7, 'a', 300);
	buf[307] = '\0';
	assert_int_equal(parse(buf, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.status), GATE_STATUS_MAX);

	/* ...exactly 256 is kept whole, a 2-byte character that fits is kept... */
	memset(buf + 7, 'a', 254);
	memcpy(buf + 7 + 254, "\xc3\xa9", 3);
	assert_int_equal(parse(buf, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.status), 256);
	assert_string_equal(m.status + 254, "\xc3\xa9");

	/* ...and one that would straddle the limit is dropped whole. */
	memset(buf + 7, 'a', 255);
	memcpy(buf + 7 + 255, "\xc3\xa9zz", 5);
	assert_int_equal(parse(buf, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.status), 255);
	assert_int_equal(m.status[254], 'a');

	/* A 3-byte one starting at 254. */
	memset(buf + 7, 'a', 254);
	memcpy(buf + 7 + 254, "\xe2\x82\xac", 4);
	assert_int_equal(parse(buf, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.status), 254);

	/* A 4-byte one starting at 253 and ending at 257. */
	memset(buf + 7, 'a', 253);
	memcpy(buf + 7 + 253, "\xf0\x9f\x98\x80", 5);
	assert_int_equal(parse(buf, &m, err, sizeof(err)), 0);
	assert_int_equal(strlen(m.status), 253);
}

static void test_parse_mainpid(void **state)
{
	static const char *const bad[] = {"MAINPID=0",		"MAINPID=-1", "MAINPID=abc",
					  "MAINPID=",		"MAINPID= 1", "MAINPID=1 ",
					  "MAINPID=2147483648", "MAINPID=12345678901",
					  "MAINPID=99999999999999999999", "MAINPID=0x10"};
	struct notify_msg m;
	char err[96];
	char *heap;

	assert_int_equal(parse("MAINPID=1", &m, err, sizeof(err)), 0);
	assert_int_equal(m.mainpid, 1);
	assert_int_equal(parse("MAINPID=2147483647", &m, err, sizeof(err)), 0);
	assert_int_equal(m.mainpid, 2147483647);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &m, err, sizeof(err)) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_has(err, "MAINPID");
	}
	/* A datagram is not NUL-terminated: the value at its very end is read within it. */
	heap = malloc(11);
	assert_non_null(heap);
	memcpy(heap, "MAINPID=12", 10);
	heap[10] = '3';
	assert_int_equal(notify_parse(heap, 10, &m, err, sizeof(err)), 0);
	assert_int_equal(m.mainpid, 12);
	assert_int_equal(notify_parse(heap, 11, &m, err, sizeof(err)), 0);
	assert_int_equal(m.mainpid, 123);
	memcpy(heap, "MAINPID=1x", 10);
	assert_int_equal(notify_parse(heap, 9, &m, err, sizeof(err)), 0);
	assert_int_equal(m.mainpid, 1);
	free(heap);
}

static void test_parse_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{"READY", "not KEY=VALUE"},
		{"READY=1\nnoequals", "line 2"},
		{"=1", "not KEY=VALUE"},
		{"ready=1", "bad key"},
		{"RE-ADY=1", "bad key"},
		{"RE ADY=1", "bad key"},
		{"READY\t=1", "bad key"},
		{"READY=2", "READY=2"},
		{"READY=", "READY="},
		{"READY=1 ", "READY="},
		{"READY=true", "READY="},
		{"STOPPING=0", "STOPPING"},
		{"WATCHDOG=2", "WATCHDOG"},
		{"WATCHDOG=", "WATCHDOG"},
		{"BARRIER=0", "BARRIER"},
		{"STATUS=a\tb", "control"},
		{"STATUS=a\rb", "control"},
		{"STATUS=a\x7f", "control"},
		{"STATUS=\x1b[31mred", "control"},
		{"READY=1\nSTATUS=\x01", "control"},
	};
	struct notify_msg m;
	char err[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse(cases[i].text, &m, err, sizeof(err)) != -1)
			fail_msg("accepted '%s'", cases[i].text);
		if (!strstr(err, cases[i].want))
			fail_msg("error '%s' lacks '%s' for '%s'", err, cases[i].want,
				 cases[i].text);
	}
	/* A rejected datagram is rejected whole: nothing of it is reported. */
	assert_int_equal(parse("READY=1\nMAINPID=0", &m, err, sizeof(err)), -1);
	assert_int_equal(notify_parse("", 0, &m, err, sizeof(err)), -1);
	assert_has(err, "empty");
	assert_int_equal(notify_parse("READY=1\0", 8, &m, err, sizeof(err)), -1);
	assert_has(err, "NUL");
	assert_int_equal(notify_parse("\0READY=1", 8, &m, err, sizeof(err)), -1);
	assert_has(err, "NUL");
}

/* The server. */

#define MAX_MSGS 16

static struct {
	struct ev_loop *loop;
	struct notify_msg msgs[MAX_MSGS];
	pid_t senders[MAX_MSGS];
	int n;
	const char *stop_status; /* ev_break when a message with this STATUS arrives */
	int child_result;	  /* from a client child's pipe; -1 none yet */
	bool timed_out;
	bool refuse; /* received() drops every message */
} srv;

static char socket_value[128]; /* "@baton/notify/..." */

static bool received(const struct notify_msg *m, pid_t sender)
{
	if (srv.refuse)
		return false;
	if (srv.n < MAX_MSGS) {
		srv.msgs[srv.n] = *m;
		srv.senders[srv.n] = sender;
	}
	srv.n++;
	if (srv.stop_status && m->has_status && strcmp(m->status, srv.stop_status) == 0)
		ev_break(srv.loop, EVBREAK_ALL);
	return true;
}

static void on_child_result(struct ev_loop *loop, ev_io *w, int revents)
{
	char c = 0;

	srv.child_result = read(w->fd, &c, 1) == 1 ? c : 'E';
	ev_io_stop(loop, w);
	ev_break(loop, EVBREAK_ALL);
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	srv.timed_out = true;
	ev_break(loop, EVBREAK_ALL);
}

static void reset(const char *stop_status)
{
	memset(srv.msgs, 0, sizeof(srv.msgs));
	srv.n = 0;
	srv.stop_status = stop_status;
	srv.child_result = -1;
	srv.timed_out = false;
}

/* Runs the loop until stopped, or 10 s. */
static void run_loop(void)
{
	ev_timer t;

	ev_timer_init(&t, on_timeout, 10, 0);
	ev_timer_start(srv.loop, &t);
	ev_run(srv.loop, 0);
	ev_timer_stop(srv.loop, &t);
}

/* Forks a client running fn; runs the loop until it reports its result ('0' is success). */
static pid_t run_client(int (*fn)(void))
{
	int p[2];
	pid_t pid;
	ev_io io;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(stdout);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c = (char)('0' + fn());

		if (write(p[1], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	ev_io_init(&io, on_child_result, p[0], EV_READ);
	ev_io_start(srv.loop, &io);
	run_loop();
	ev_io_stop(srv.loop, &io);
	close(p[0]);
	assert_int_equal(unit_wait(pid), 0);
	assert_false(srv.timed_out);
	return pid;
}

static int group_setup(void **state)
{
	const char *env;

	if (notify_server_env() != NULL)
		return -1; /* nothing before the server starts */
	srv.loop = ev_loop_new(EVFLAG_NOENV);
	if (!srv.loop || notify_server_start(srv.loop, received) < 0)
		return -1;
	env = notify_server_env();
	if (!env || strncmp(env, "NOTIFY_SOCKET=@", 15) != 0)
		return -1;
	snprintf(socket_value, sizeof(socket_value), "%s", env + strlen("NOTIFY_SOCKET="));
	return 0;
}

static int group_teardown(void **state)
{
	ev_loop_destroy(srv.loop);
	return 0;
}

static void test_server_env(void **state)
{
	char want[64];

	/* An abstract name with our pid in it: nothing on any file system. */
	snprintf(want, sizeof(want), "@baton/notify/%d/", (int)getpid());
	assert_true(strncmp(socket_value, want, strlen(want)) == 0);
	assert_int_equal(strlen(socket_value), strlen(want) + 16);
}

static int client_notify_send(void)
{
	char err[256] = "";

	if (notify_send(socket_value, "READY=1\nSTATUS=from notify_send", 10000, err,
			sizeof(err)) < 0) {
		fprintf(stderr, "notify_send: %s\n", err);
		return 1;
	}
	return 0;
}

static void test_notify_send_round_trip(void **state)
{
	pid_t pid;

	reset(NULL);
	pid = run_client(client_notify_send);
	/* One datagram with the barrier: the client returned once it was handled. */
	assert_int_equal(srv.child_result, '0');
	assert_int_equal(srv.n, 1);
	assert_true(srv.msgs[0].ready);
	assert_true(srv.msgs[0].has_status);
	assert_string_equal(srv.msgs[0].status, "from notify_send");
	assert_true(srv.msgs[0].barrier);
	assert_int_equal(srv.senders[0], pid);
}

static int client_notify_send_refused(void)
{
	char err[256] = "";

	if (notify_send(socket_value, "READY=1\n", 10000, err, sizeof(err)) == 0)
		return 1;
	if (!strstr(err, "baton dropped the message")) {
		fprintf(stderr, "notify_send: %s\n", err);
		return 2;
	}
	return 0;
}

/* A message the receiver drops is answered '0': notify_send fails. */
static void test_notify_send_refused(void **state)
{
	reset(NULL);
	srv.refuse = true;
	run_client(client_notify_send_refused);
	srv.refuse = false;
	assert_int_equal(srv.child_result, '0');
	assert_int_equal(srv.n, 0);
}

#if UNIT_HAVE_LIBSYSTEMD
static int client_sd_notify(void)
{
	if (setenv("NOTIFY_SOCKET", socket_value, 1) < 0)
		return 1;
	if (sd_notify(0, "READY=1\nSTATUS=from libsystemd\nMAINPID=77") <= 0)
		return 2;
	if (sd_notify_barrier(0, 10 * 1000000ULL) < 0)
		return 3;
	if (sd_notifyf(0, "STATUS=%s", "second") <= 0)
		return 4;
	if (sd_notify_barrier(0, 10 * 1000000ULL) < 0)
		return 5;
	return 0;
}
#endif

static void test_sd_notify_round_trip(void **state)
{
#if UNIT_HAVE_LIBSYSTEMD
	pid_t pid;
	int barriers = 0;

	reset(NULL);
	pid = run_client(client_sd_notify);
	assert_int_equal(srv.child_result, '0');
	assert_true(srv.n >= 2);
	assert_true(srv.msgs[0].ready);
	assert_string_equal(srv.msgs[0].status, "from libsystemd");
	assert_int_equal(srv.msgs[0].mainpid, 77);
	for (int i = 0; i < srv.n && i < MAX_MSGS; i++) {
		assert_int_equal(srv.senders[i], pid);
		barriers += srv.msgs[i].barrier;
	}
	assert_int_equal(barriers, 2);
	assert_true(srv.msgs[srv.n - 2].has_status);
	assert_string_equal(srv.msgs[srv.n - 2].status, "second");
#else
	skip();
#endif
}

static int raw_socket(struct sockaddr_un *sa, socklen_t *len)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	size_t n = strlen(socket_value);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path + 1, socket_value + 1, n - 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	return fd;
}

static void send_raw(int fd, struct sockaddr_un *sa, socklen_t len, const void *buf, size_t n,
		     int pass_fd)
{
	struct iovec iov = {(void *)buf, n};
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr mh = {.msg_name = sa, .msg_namelen = len, .msg_iov = &iov, .msg_iovlen = 1};

	if (pass_fd >= 0) {
		struct cmsghdr *c;

		mh.msg_control = &control;
		mh.msg_controllen = sizeof(control);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
	}
	assert_int_equal(sendmsg(fd, &mh, 0), (ssize_t)n);
}

static bool hung_up(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLHUP);
}

static void test_bad_datagrams_dropped(void **state)
{
	static char big[NOTIFY_MAX_DATAGRAM + 1];
	struct sockaddr_un sa;
	socklen_t len;
	int fd = raw_socket(&sa, &len), p1[2], p2[2];
	size_t off;

	assert_true(fd >= 0);
	assert_int_equal(pipe2(p1, O_CLOEXEC), 0);
	assert_int_equal(pipe2(p2, O_CLOEXEC), 0);
	reset("sentinel");

	/* Oversize: one byte over the limit, otherwise a fine message. */
	off = (size_t)snprintf(big, sizeof(big), "READY=1\nX=");
	memset(big + off, 'x', sizeof(big) - off);
	send_raw(fd, &sa, len, big, NOTIFY_MAX_DATAGRAM + 1, -1);
	/* A NUL, a bad value, and an empty datagram; one carries a pipe the server must close. */
	send_raw(fd, &sa, len, "READY=1\0", 8, -1);
	send_raw(fd, &sa, len, "READY=2", 7, p1[1]);
	send_raw(fd, &sa, len, "", 0, -1);
	/* Exactly the limit is fine, and its pipe is closed after the callback too. */
	memcpy(big, "STATUS=max\nX=", 13);
	send_raw(fd, &sa, len, big, NOTIFY_MAX_DATAGRAM, p2[1]);
	send_raw(fd, &sa, len, "STATUS=sentinel", 15, -1);
	close(p1[1]);
	close(p2[1]);

	run_loop();
	assert_false(srv.timed_out);
	assert_int_equal(srv.n, 2);
	assert_string_equal(srv.msgs[0].status, "max");
	assert_false(srv.msgs[0].ready);
	assert_int_equal(srv.senders[0], getpid());
	assert_string_equal(srv.msgs[1].status, "sentinel");
	/* Every passed fd was closed, dropped datagram or not. */
	assert_true(hung_up(p1[0]));
	assert_true(hung_up(p2[0]));
	close(p1[0]);
	close(p2[0]);
	close(fd);
}

static void test_notify_send_errors(void **state)
{
	char err[256];
	char path[PATH_MAX], sock[PATH_MAX + 16];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	assert_int_equal(notify_send(NULL, "READY=1", 100, err, sizeof(err)), -1);
	assert_has(err, "NOTIFY_SOCKET is not set");
	assert_int_equal(notify_send("", "READY=1", 100, err, sizeof(err)), -1);
	assert_has(err, "NOTIFY_SOCKET is not set");
	assert_int_equal(notify_send("relative/sock", "READY=1", 100, err, sizeof(err)), -1);
	assert_has(err, "'relative/sock'");
	assert_int_equal(notify_send("@", "READY=1", 100, err, sizeof(err)), -1);
	assert_has(err, "'@'");
	assert_int_equal(notify_send("@baton-unit-nobody-listens-here", "READY=1", 100, err,
				     sizeof(err)),
			 -1);
	assert_has(err, "cannot send to NOTIFY_SOCKET @baton-unit-nobody-listens-here");

	/* A socket that nobody reads: no acknowledgement, and notify_send gives up in time. */
	unit_tmpdir(path, sizeof(path));
	snprintf(sock, sizeof(sock), "%s/s", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	{
		double t0 = unit_now();

		assert_int_equal(notify_send(sock, "READY=1", 200, err, sizeof(err)), -1);
		assert_has(err, "no acknowledgement within 200 ms");
		assert_true(unit_now() - t0 >= 0.19);
	}
	close(fd);
	unlink(sock);
	unit_rmtree(path);
}

/*
 * A minimal server on a path socket: takes datagrams until one carries a pipe, writes answer to
 * it (none when 0) and closes it, reports the texts joined by '|'.
 */
static int path_server(int fd, int out, char answer)
{
	char text[2][256];
	int i;

	for (i = 0; i < 2; i++) {
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {text[i], sizeof(text[i]) - 1};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

		CHECK(n >= 0);
		text[i][n] = '\0';
		if (c && c->cmsg_type == SCM_RIGHTS) {
			int passed;

			memcpy(&passed, CMSG_DATA(c), sizeof(int));
			CHECK(!answer || write(passed, &answer, 1) == 1);
			close(passed);
			break;
		}
	}
	CHECK(dprintf(out, "%s", text[0]) > 0);
	return 0;
}

/*
 * notify_send to a path socket, against a server that answers '1' (0), '0' (dropped) or
 * nothing before it closes (not confirmed): only '1' counts as handled.
 */
static void test_notify_send_path(void **state)
{
	static const struct {
		char answer;
		int rc;
		const char *err;
	} cases[] = {
		{'1', 0, ""},
		{'0', -1, "baton dropped the message"},
		{0, -1, "closed the reply pipe without an answer"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[PATH_MAX], sock[PATH_MAX + 16], err[256] = "", got[600];
		struct sockaddr_un sa = {.sun_family = AF_UNIX};
		int fd, p[2];
		pid_t pid;

		unit_tmpdir(path, sizeof(path));
		snprintf(sock, sizeof(sock), "%s/notify.sock", path);
		fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		assert_true(fd >= 0);
		memcpy(sa.sun_path, sock, strlen(sock) + 1);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			_exit(path_server(fd, p[1], cases[i].answer));
		close(p[1]);
		close(fd);

		assert_int_equal(notify_send(sock, "STATUS=via path", 10000, err, sizeof(err)),
				 cases[i].rc);
		assert_has(err, cases[i].err);
		unit_read_all(p[0], got, sizeof(got), 10000);
		assert_string_equal(got, "STATUS=via path\nBARRIER=1\n");
		close(p[0]);
		assert_int_equal(unit_wait(pid), 0);
		unit_rmtree(path);
	}
}

static void test_upward(void **state)
{
	char path[PATH_MAX], sock[PATH_MAX + 16], abstract[64], buf[128], long_path[200];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, errfd[2], saved;
	socklen_t len;
	ssize_t n;

	assert_false(notify_upward_active());
	notify_upward_send("READY=1"); /* not connected: a no-op */

	errno = 0;
	assert_int_equal(notify_upward_open("relative"), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(notify_upward_open("@"), -1);
	assert_int_equal(errno, EINVAL);
	memset(long_path, 'l', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_int_equal(notify_upward_open(long_path), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(notify_upward_open("/nonexistent/baton.sock"), -1);
	assert_int_equal(errno, ENOENT);
	assert_false(notify_upward_active());

	/* A path socket. */
	unit_tmpdir(path, sizeof(path));
	snprintf(sock, sizeof(sock), "%s/up.sock", path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(notify_upward_open(sock), 0);
	assert_true(notify_upward_active());
	notify_upward_send("READY=1");
	notify_upward_send("STATUS=passed up");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	assert_int_equal(n, 7);
	buf[n] = '\0';
	assert_string_equal(buf, "READY=1");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	assert_string_equal(buf, "STATUS=passed up");
	close(fd);
	unlink(sock);

	/* An abstract socket. */
	snprintf(abstract, sizeof(abstract), "@baton-unit-up-%d", (int)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path + 1, abstract + 1, strlen(abstract) - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(abstract));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	assert_int_equal(notify_upward_open(abstract), 0);
	notify_upward_send("STOPPING=1");
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	buf[n > 0 ? n : 0] = '\0';
	assert_string_equal(buf, "STOPPING=1");

	/* The supervisor goes away: the failure is logged once, never again. */
	close(fd);
	assert_int_equal(pipe2(errfd, O_CLOEXEC | O_NONBLOCK), 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(errfd[1], STDERR_FILENO);
	notify_upward_send("READY=1");
	notify_upward_send("READY=1");
	notify_upward_send("STATUS=x");
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(errfd[1]);
	n = read(errfd[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(errfd[0]);
	assert_has(buf, "cannot notify my own supervisor");
	assert_int_equal(strchr(buf, '\n') - buf, (long)strlen(buf) - 1);
	unit_rmtree(path);
}

int main(void)
{
	const struct CMUnitTest parse_tests[] = {
		cmocka_unit_test(test_parse_flags),
		cmocka_unit_test(test_parse_unknown_keys),
		cmocka_unit_test(test_parse_status),
		cmocka_unit_test(test_parse_mainpid),
		cmocka_unit_test(test_parse_rejects),
	};
	const struct CMUnitTest server_tests[] = {
		cmocka_unit_test(test_server_env),
		cmocka_unit_test(test_notify_send_round_trip),
		cmocka_unit_test(test_notify_send_refused),
		cmocka_unit_test(test_sd_notify_round_trip),
		cmocka_unit_test(test_bad_datagrams_dropped),
		cmocka_unit_test(test_notify_send_errors),
		cmocka_unit_test(test_notify_send_path),
		cmocka_unit_test(test_upward),
	};
	int failed = cmocka_run_group_tests_name("notify_parse", parse_tests, NULL, NULL);

	return failed + cmocka_run_group_tests_name("notify_server", server_tests, group_setup,
						    group_teardown);
}
