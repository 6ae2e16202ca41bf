// SPDX-License-Identifier: MIT
/*
 * sd_notify. Owns the server socket PROGRAM talks to and the connected socket to baton's own
 * supervisor, if any. Datagrams are untrusted: parsed strictly, credential-checked by the
 * caller, and never able to block or crash the loop. It never forwards anything upward that
 * it did not first parse, and never drops a READY=1, WATCHDOG=1 or STOPPING=1 without an
 * error-level line. It holds two spare descriptors that it frees while it takes a datagram, so
 * that a barrier's reply pipe and the sender check still fit when the process is out of them.
 */
#include "notify.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define NOTIFY_MAX_FDS 16

static bool key_is(const char *line, size_t klen, const char *key)
{
	return strlen(key) == klen && memcmp(line, key, klen) == 0;
}

static bool value_is(const char *v, size_t vlen, const char *want)
{
	return strlen(want) == vlen && memcmp(v, want, vlen) == 0;
}

/* Longest prefix of at most max bytes that does not split a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

int notify_parse(const char *buf, size_t len, struct notify_msg *m, char *err, size_t errlen)
{
	size_t pos = 0;
	int line = 0;

	memset(m, 0, sizeof(*m));
	if (len == 0)
		return log_format_error(err, errlen, "empty datagram");
	if (memchr(buf, '\0', len))
		return log_format_error(err, errlen, "datagram holds a NUL byte");
	while (pos < len) {
		const char *l = buf + pos;
		const char *nl = memchr(l, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - l) : len - pos;
		const char *eq = memchr(l, '=', llen);
		const char *v;
		size_t klen, vlen;

		pos += llen + 1;
		line++;
		if (llen == 0)
			continue;
		if (!eq || eq == l)
			return log_format_error(err, errlen, "line %d is not KEY=VALUE", line);
		klen = (size_t)(eq - l);
		v = eq + 1;
		vlen = llen - klen - 1;
		for (size_t i = 0; i < klen; i++)
			if (!((l[i] >= 'A' && l[i] <= 'Z') || (l[i] >= '0' && l[i] <= '9') ||
			      l[i] == '_'))
				return log_format_error(err, errlen, "line %d: bad key", line);
		if (key_is(l, klen, "READY")) {
			if (!value_is(v, vlen, "1"))
				return log_format_error(err, errlen, "READY=%.*s",
							(int)(vlen > 8 ? 8 : vlen), v);
			m->ready = true;
		} else if (key_is(l, klen, "STOPPING")) {
			if (!value_is(v, vlen, "1"))
				return log_format_error(err, errlen, "bad STOPPING value");
			m->stopping = true;
		} else if (key_is(l, klen, "WATCHDOG")) {
			if (value_is(v, vlen, "1"))
				m->watchdog = true;
			else if (value_is(v, vlen, "trigger"))
				m->watchdog_trigger = true;
			else
				return log_format_error(err, errlen, "bad WATCHDOG value");
		} else if (key_is(l, klen, "BARRIER")) {
			if (!value_is(v, vlen, "1"))
				return log_format_error(err, errlen, "bad BARRIER value");
			m->barrier = true;
		} else if (key_is(l, klen, "STATUS")) {
			size_t cut = utf8_cut(v, vlen, GATE_STATUS_MAX);

			for (size_t i = 0; i < vlen; i++)
				if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
					return log_format_error(err, errlen,
								"STATUS holds a control character");
			memcpy(m->status, v, cut);
			m->status[cut] = '\0';
			m->has_status = true;
		} else if (key_is(l, klen, "MAINPID")) {
			long pid = 0;

			if (vlen == 0 || vlen > 10)
				return log_format_error(err, errlen, "bad MAINPID value");
			for (size_t i = 0; i < vlen; i++) {
				if (v[i] < '0' || v[i] > '9')
					return log_format_error(err, errlen, "bad MAINPID value");
				pid = pid * 10 + (v[i] - '0');
			}
			if (pid <= 0 || pid > 0x7fffffffL)
				return log_format_error(err, errlen, "bad MAINPID value");
			m->mainpid = (pid_t)pid;
		}
	}
	if (m->stopping)
		m->ready = false;
	return 0;
}

const char *notify_vital(const struct notify_msg *m)
{
	if (m->ready)
		return "READY=1";
	if (m->stopping)
		return "STOPPING=1";
	if (m->watchdog)
		return "WATCHDOG=1";
	return NULL;
}

/* The first vital line in a datagram that could not be parsed, or NULL. */
static const char *raw_vital(const char *buf, size_t len)
{
	static const char *const vital[] = { "READY=1", "STOPPING=1", "WATCHDOG=1" };

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - buf - pos) : len - pos;

		for (size_t i = 0; i < sizeof(vital) / sizeof(vital[0]); i++)
			if (llen == strlen(vital[i]) && memcmp(buf + pos, vital[i], llen) == 0)
				return vital[i];
		pos += llen + 1;
	}
	return NULL;
}

static int server_fd = -1;
static int spare[2] = { -1, -1 };
static char server_env[128];
static ev_io server_io;
static bool (*server_received)(const struct notify_msg *m, pid_t sender);

/* Takes back the spare descriptors that are free; 0, or -1 when one cannot be had. */
static int spare_take(void)
{
	for (int i = 0; i < 2; i++)
		if (spare[i] < 0 && (spare[i] = fcntl(server_fd, F_DUPFD_CLOEXEC, 0)) < 0)
			return -1;
	return 0;
}

static void spare_free(void)
{
	for (int i = 0; i < 2; i++)
		if (spare[i] >= 0) {
			close(spare[i]);
			spare[i] = -1;
		}
}

/*
 * Closes the descriptors that came with a datagram. reply is the byte a barrier's sender waits
 * for ('1' handled, '0' dropped), or 0 for none; it goes only to pipes, without blocking.
 */
static void close_fds(struct msghdr *mh, char reply)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int fds[NOTIFY_MAX_FDS];

		memcpy(fds, CMSG_DATA(c), (n > NOTIFY_MAX_FDS ? NOTIFY_MAX_FDS : n) * sizeof(int));
		for (size_t i = 0; i < n && i < NOTIFY_MAX_FDS; i++) {
			struct stat st;

			if (reply && fstat(fds[i], &st) == 0 && S_ISFIFO(st.st_mode) &&
			    fcntl(fds[i], F_SETFL, O_NONBLOCK) == 0 && write(fds[i], &reply, 1) < 0)
				log_debug("notify: cannot answer a barrier: %s", strerror(errno));
			close(fds[i]);
		}
	}
}

/* A datagram that is not handled: an error line when it carried something that matters. */
static void drop(const char *buf, size_t len, pid_t pid, const char *why)
{
	const char *vital = raw_vital(buf, len);

	if (vital)
		log_error("notify: dropped a datagram with %s from pid %d: %s", vital, pid, why);
	else
		log_debug("notify: dropped a datagram from pid %d: %s", pid, why);
}

static void on_datagram(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	for (int budget = 0; budget < 64; budget++) {
		char buf[NOTIFY_MAX_DATAGRAM + 1];
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct ucred)) +
				 CMSG_SPACE(NOTIFY_MAX_FDS * sizeof(int))];
		} control;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = &control,
				     .msg_controllen = sizeof(control) };
		struct ucred *cred = NULL;
		struct notify_msg m;
		char why[96], reply = 0;
		ssize_t n;

		/* Room for what comes with the datagram and for checking its sender. */
		spare_free();
		n = recvmsg(server_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("notify socket: %s", strerror(errno));
			spare_take();
			return;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
			    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
				cred = (struct ucred *)CMSG_DATA(c);
		if (!cred)
			drop(buf, n > NOTIFY_MAX_DATAGRAM ? NOTIFY_MAX_DATAGRAM : (size_t)n, 0,
			     "no credentials");
		else if ((mh.msg_flags & MSG_TRUNC) || n > NOTIFY_MAX_DATAGRAM)
			drop(buf, NOTIFY_MAX_DATAGRAM, cred->pid, "larger than 4096 bytes");
		else if (notify_parse(buf, (size_t)n, &m, why, sizeof(why)) < 0)
			drop(buf, (size_t)n, cred->pid, why);
		else {
			/* Descriptors that did not fit are gone; the message itself still counts.
			 */
			if (mh.msg_flags & MSG_CTRUNC)
				log_warn("notify: file descriptors sent by pid %d were lost",
					 cred->pid);
			reply = server_received(&m, cred->pid) ? '1' : '0';
			if (!m.barrier)
				reply = 0;
		}
		close_fds(&mh, reply);
		if (spare_take() < 0)
			log_debug("notify: cannot keep a spare descriptor: %s", strerror(errno));
	}
}

int notify_server_start(struct ev_loop *loop,
			bool (*received)(const struct notify_msg *m, pid_t sender))
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	unsigned char rnd[8];
	int one = 1;
	size_t len;

	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd))
		return -1;
	/* sun_path[0] stays NUL: an abstract name, nothing on any file system. */
	len = (size_t)snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
			       "baton/notify/%d/%02x%02x%02x%02x%02x%02x%02x%02x", (int)getpid(),
			       rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
	server_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (server_fd < 0)
		return -1;
	if (setsockopt(server_fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(server_fd, (struct sockaddr *)&sa,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)) < 0 ||
	    spare_take() < 0) {
		int e = errno;

		spare_free();
		close(server_fd);
		server_fd = -1;
		errno = e;
		return -1;
	}
	snprintf(server_env, sizeof(server_env), "NOTIFY_SOCKET=@%s", sa.sun_path + 1);
	server_received = received;
	ev_io_init(&server_io, on_datagram, server_fd, EV_READ);
	ev_io_start(loop, &server_io);
	return 0;
}

const char *notify_server_env(void)
{
	return server_fd >= 0 ? server_env : NULL;
}

/* "/path" or "@abstract" to an address; -1 with EINVAL when it is neither. */
static int socket_address(const char *value, struct sockaddr_un *sa, socklen_t *len)
{
	size_t n = strlen(value);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if ((value[0] != '/' && value[0] != '@') || n < 2 || n >= sizeof(sa->sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(sa->sun_path, value, n);
	if (value[0] == '@') {
		sa->sun_path[0] = '\0';
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	} else {
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	}
	return 0;
}

static int upward_fd = -1;
static bool upward_failed;

int notify_upward_open(const char *value)
{
	struct sockaddr_un sa;
	socklen_t len;

	if (socket_address(value, &sa, &len) < 0)
		return -1;
	upward_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (upward_fd < 0)
		return -1;
	if (connect(upward_fd, (struct sockaddr *)&sa, len) < 0) {
		int e = errno;

		close(upward_fd);
		upward_fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

bool notify_upward_active(void)
{
	return upward_fd >= 0;
}

void notify_upward_send(const char *text)
{
	if (upward_fd < 0)
		return;
	if (send(upward_fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 &&
	    !upward_failed) {
		upward_failed = true;
		log_warn("cannot notify my own supervisor: %s", strerror(errno));
	}
}

int notify_send(const char *value, const char *text, int timeout_ms, char *err, size_t errlen)
{
	char buf[NOTIFY_MAX_DATAGRAM + 1];
	struct sockaddr_un sa;
	socklen_t len;
	int fd, p[2];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { buf, 0 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct pollfd pfd;
	struct cmsghdr *c;
	char answer = 0;
	int rc, e;

	if (!value || !*value)
		return log_format_error(err, errlen,
					"NOTIFY_SOCKET is not set: not started by baton?");
	if (socket_address(value, &sa, &len) < 0)
		return log_format_error(err, errlen,
					"NOTIFY_SOCKET '%s' is not a /path or an @name", value);
	/* The message and BARRIER=1 in one datagram: the answer is about exactly this message. */
	rc = snprintf(buf, sizeof(buf), "%s%sBARRIER=1\n", text,
		      *text && text[strlen(text) - 1] != '\n' ? "\n" : "");
	if (rc < 0 || (size_t)rc >= sizeof(buf))
		return log_format_error(err, errlen, "message too long");
	iov.iov_len = (size_t)rc;
	/* Everything this needs exists before anything is sent: no failure after delivery. */
	if (pipe2(p, O_CLOEXEC) < 0)
		return log_format_error(err, errlen, "pipe: %s", strerror(errno));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		close(p[0]);
		close(p[1]);
		return log_format_error(err, errlen, "socket: %s", strerror(e));
	}
	mh.msg_control = &control;
	mh.msg_controllen = sizeof(control);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[1], sizeof(int));
	rc = connect(fd, (struct sockaddr *)&sa, len);
	if (rc == 0)
		rc = (int)sendmsg(fd, &mh, MSG_NOSIGNAL);
	e = errno;
	close(p[1]);
	close(fd);
	if (rc < 0) {
		close(p[0]);
		return log_format_error(err, errlen, "cannot send to NOTIFY_SOCKET %s: %s", value,
					strerror(e));
	}
	/* baton writes '1' (handled) or '0' (dropped) into the pipe, then closes it. */
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	do
		rc = poll(&pfd, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc > 0) {
		do
			rc = (int)read(p[0], &answer, 1);
		while (rc < 0 && errno == EINTR);
	}
	e = errno;
	close(p[0]);
	if (rc < 0)
		return log_format_error(err, errlen, "waiting for an answer: %s", strerror(e));
	if (rc == 0 && pfd.revents == 0)
		return log_format_error(err, errlen,
					"NOTIFY_SOCKET %s: no acknowledgement within %d ms", value,
					timeout_ms);
	if (answer == '1')
		return 0;
	if (answer == '0')
		return log_format_error(err, errlen,
					"baton dropped the message (its log says why)");
	return log_format_error(err, errlen,
				"NOTIFY_SOCKET %s closed the reply pipe without an answer (not "
				"baton's socket, or baton was out of file descriptors)",
				value);
}
