// SPDX-License-Identifier: MIT
/*
 * Readiness probes. Owns one runner per active --ready-on condition. A runner tries its check,
 * and on failure tries again after 10, 20, 40, 80, then every 100 ms, until the first success;
 * then it stops for good (readiness latches). The IPC checks use the same timer: System V
 * objects have no creation event, a POSIX queue's (inotify) would need /dev/mqueue mounted,
 * which msgq:/NAME must not; POSIX semaphores and shared memory are files in /dev/shm and are
 * tried like file: probes. It must never block the loop: connects are non-blocking with a 1 s
 * limit, exec probes are reaped through the reaper with a 10 s limit.
 */
#include "probe.h"

#include "cli.h"
#include "log.h"
#include "reaper.h"
#include "spawn.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_FIRST_INTERVAL 0.01
#define PROBE_MAX_INTERVAL   0.1
#define PROBE_CONNECT_LIMIT  1.0
#define PROBE_EXEC_LIMIT     10.0
#define PROBE_MAX_ARGS	     32

static int parse_key(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	int base = 10, digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = tolower((unsigned char)*s) - 'a' + 10;
		else
			return -1;
		v = v * (unsigned long)base + (unsigned long)d;
		if (v > 0xffffffffUL)
			return -1;
	}
	if (!digits)
		return -1;
	*out = v;
	return 0;
}

static bool host_syntax_valid(const char *h)
{
	if (!*h)
		return false;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && *h != '.' && *h != '-' && *h != ':' && *h != '_')
			return false;
	return true;
}

static int parse_tcp(const char *arg, struct probe_spec *p, char *err, size_t errlen)
{
	const char *colon = strrchr(arg, ':');
	size_t hostlen;
	unsigned long port = 0;
	const char *host = arg;

	if (!colon)
		return log_format_error(err, errlen, "'%s': expected tcp:HOST:PORT", p->text);
	hostlen = (size_t)(colon - arg);
	if (hostlen >= 2 && host[0] == '[' && host[hostlen - 1] == ']') {
		host++;
		hostlen -= 2;
	} else if (memchr(host, ':', hostlen)) {
		return log_format_error(err, errlen,
					"'%s': write an IPv6 address in brackets, [::1]:PORT",
					p->text);
	}
	if (hostlen == 0 || hostlen >= sizeof(p->host))
		return log_format_error(err, errlen, "'%s': expected tcp:HOST:PORT", p->text);
	memcpy(p->host, host, hostlen);
	p->host[hostlen] = '\0';
	if (!host_syntax_valid(p->host))
		return log_format_error(err, errlen, "'%s': '%s' is not a host name or address",
					p->text, p->host);
	hostlen = strlen(colon + 1);
	if (hostlen == 0 || hostlen > 5 || strspn(colon + 1, "0123456789") != hostlen ||
	    (port = strtoul(colon + 1, NULL, 10)) < 1 || port > 65535)
		return log_format_error(err, errlen, "'%s': '%s' is not a port (1-65535)", p->text,
					colon + 1);
	p->port = (unsigned)port;
	return 0;
}

/*
 * msgq:, sem:, shm:. A leading '/' makes arg a POSIX name, checked as POSIX and Linux do: one
 * '/', then 1..name_max characters with no other '/' ("." and ".." would name /dev/shm's own
 * directories). Anything else must be a System V key: decimal or 0x hex, 32 bits, not 0
 * (IPC_PRIVATE, which nobody can look up).
 */
static int parse_ipc(struct probe_spec *p, const char *what, size_t name_max, char *err,
		     size_t errlen)
{
	const char *name = p->arg + 1;
	size_t len = strlen(name);

	if (p->arg[0] != '/') {
		if (parse_key(p->arg, &p->key) < 0 || p->key == 0)
			return log_format_error(
				err, errlen,
				"'%s': '%s' is not a %s key (decimal or 0x hex, not 0) "
				"or a POSIX /NAME",
				p->text, p->arg, what);
		return 0;
	}
	if (len > name_max) /* quote its start only: the line must stay short enough to read */
		return log_format_error(err, errlen,
					"'%.40s...': a POSIX %s name has at most %zu characters "
					"after the '/'",
					p->text, what, name_max);
	if (len == 0 || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return log_format_error(err, errlen,
					"'%s': '%s' is not a POSIX %s name (/NAME: one '/', then "
					"1-%zu characters, no other '/', not . or ..)",
					p->text, p->arg, what, name_max);
	p->posix = true;
	return 0;
}

int probe_parse(const char *spec, struct probe_spec *p, char *err, size_t errlen)
{
	static const struct {
		const char *prefix;
		enum probe_kind kind;
		bool has_arg;
	} kinds[] = {
		{ "started", PROBE_STARTED, false }, { "notify", PROBE_NOTIFY, false },
		{ "exit0", PROBE_EXIT0, false },     { "file:", PROBE_FILE, true },
		{ "tcp:", PROBE_TCP, true },	     { "unix:", PROBE_UNIX, true },
		{ "msgq:", PROBE_MSGQ, true },	     { "sem:", PROBE_SEM, true },
		{ "shm:", PROBE_SHM, true },	     { "exec:", PROBE_EXEC, true },
		{ "delay:", PROBE_DELAY, true },
	};

	memset(p, 0, sizeof(*p));
	p->text = spec;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t len = strlen(kinds[i].prefix);

		if (kinds[i].has_arg ? strncmp(spec, kinds[i].prefix, len) != 0
				     : strcmp(spec, kinds[i].prefix) != 0)
			continue;
		p->kind = kinds[i].kind;
		p->arg = spec + len;
		if (kinds[i].has_arg && !*p->arg)
			return log_format_error(err, errlen, "'%s': nothing after '%s'", spec,
						kinds[i].prefix);
		switch (p->kind) {
		case PROBE_TCP:
			return parse_tcp(p->arg, p, err, errlen);
		case PROBE_UNIX:
			if (strlen(p->arg) >= sizeof(((struct sockaddr_un *)0)->sun_path))
				return log_format_error(err, errlen,
							"'%s': the socket path is too long", spec);
			return 0;
		case PROBE_MSGQ:
			return parse_ipc(p, "message queue", NAME_MAX, err, errlen);
		case PROBE_SEM: /* glibc keeps /NAME as /dev/shm/sem.NAME */
			return parse_ipc(p, "semaphore", NAME_MAX - 4, err, errlen);
		case PROBE_SHM:
			return parse_ipc(p, "shared memory", NAME_MAX, err, errlen);
		case PROBE_DELAY:
			if (cli_parse_seconds(p->arg, &p->seconds) < 0)
				return log_format_error(err, errlen,
							"'%s': '%s' is not a number of seconds",
							spec, p->arg);
			return 0;
		default:
			return 0;
		}
	}
	return log_format_error(
		err, errlen,
		"'%s' is not a readiness condition (started, notify, exit0, file:PATH, "
		"tcp:HOST:PORT, unix:PATH, msgq:KEY|/NAME, sem:KEY|/NAME, shm:KEY|/NAME, exec:CMD, "
		"delay:SECONDS)",
		spec);
}

bool probe_is_active(const struct probe_spec *p)
{
	return p->kind >= PROBE_FILE;
}

static int add_addr(struct probe_spec *p, const char *ip)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&p->addrs[p->naddrs];
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&p->addrs[p->naddrs];

	if (p->naddrs == PROBE_MAX_ADDRS)
		return 0;
	memset(&p->addrs[p->naddrs], 0, sizeof(p->addrs[0]));
	if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p->port);
		p->addrlens[p->naddrs++] = sizeof(*in);
		return 1;
	}
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p->port);
		p->addrlens[p->naddrs++] = sizeof(*in6);
		return 1;
	}
	return 0;
}

static void resolve_hosts_file(struct probe_spec *p, const char *hosts_file)
{
	FILE *f = fopen(hosts_file, "re");
	char line[1024];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *ip, *name;

		line[strcspn(line, "#\n")] = '\0';
		ip = strtok_r(line, " \t", &save);
		if (!ip)
			continue;
		while ((name = strtok_r(NULL, " \t", &save)))
			if (strcasecmp(name, p->host) == 0)
				add_addr(p, ip);
	}
	fclose(f);
}

int probe_resolve(struct probe_spec *p, const char *hosts_file, char *err, size_t errlen)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&p->addrs[0];

	p->naddrs = 0;
	switch (p->kind) {
	case PROBE_TCP:
		if (add_addr(p, p->host))
			return 0;
		resolve_hosts_file(p, hosts_file);
		if (p->naddrs == 0 && strcasecmp(p->host, "localhost") == 0) {
			add_addr(p, "127.0.0.1");
			add_addr(p, "::1");
		}
		if (p->naddrs > 0)
			return 0;
		return log_format_error(
			err, errlen,
			"'%s': cannot resolve '%s': baton does no DNS (the probe runs in this "
			"container); use an IP address, localhost, a name in %s, or exec:CMD",
			p->text, p->host, hosts_file);
	case PROBE_UNIX:
		/* The caller may have made a relative path absolute since probe_parse() checked it.
		 */
		if (strlen(p->arg) >= sizeof(un->sun_path))
			return log_format_error(err, errlen,
						"'%s': the socket path is too long once made "
						"absolute; give an absolute path",
						p->text);
		memset(un, 0, sizeof(*un));
		un->sun_family = AF_UNIX;
		memcpy(un->sun_path, p->arg, strlen(p->arg));
		p->addrlens[0] =
			(socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(p->arg));
		if (p->arg[0] == '@')
			un->sun_path[0] = '\0';
		else
			p->addrlens[0]++;
		p->naddrs = 1;
		return 0;
	default:
		return 0;
	}
}

struct probe_run {
	struct probe_spec *spec;
	int index;
	bool done;
	double interval;
	int fd;
	int addr;
	pid_t pid;
	ev_timer timer;
	ev_io io;
	char *argv[PROBE_MAX_ARGS + 1];
	char *words;
};

static struct probe_run runs[PROBE_MAX];
static int n_runs;
static struct ev_loop *probe_loop;
static void (*probe_ready)(int index);
static char *const *probe_envp;

static void run_attempt(struct probe_run *r);

static void run_schedule(struct probe_run *r)
{
	ev_timer_stop(probe_loop, &r->timer);
	ev_timer_set(&r->timer, r->interval, 0);
	ev_timer_start(probe_loop, &r->timer);
	r->interval *= 2;
	if (r->interval > PROBE_MAX_INTERVAL)
		r->interval = PROBE_MAX_INTERVAL;
}

static void run_succeed(struct probe_run *r)
{
	ev_timer_stop(probe_loop, &r->timer);
	r->done = true;
	log_debug("ready-on %s: satisfied", r->spec->text);
	probe_ready(r->index);
}

static void run_close(struct probe_run *r)
{
	ev_io_stop(probe_loop, &r->io);
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* Starts a non-blocking connect to the current address; 1 connected, 0 pending, -1 failed. */
static int connect_start(struct probe_run *r)
{
	struct probe_spec *p = r->spec;
	int family = p->addrs[r->addr].ss_family;
	int type = SOCK_STREAM;

	for (;;) {
		r->fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (r->fd < 0)
			return -1;
		if (connect(r->fd, (struct sockaddr *)&p->addrs[r->addr], p->addrlens[r->addr]) ==
		    0)
			return 1;
		if (errno == EINPROGRESS || errno == EAGAIN)
			return 0;
		/*
		 * A unix datagram socket refuses stream connects with EPROTOTYPE; an abstract one
		 * with ECONNREFUSED (abstract names are looked up per socket type).
		 */
		if ((errno == EPROTOTYPE || errno == ECONNREFUSED) && family == AF_UNIX &&
		    type == SOCK_STREAM) {
			close(r->fd);
			type = SOCK_DGRAM;
			continue;
		}
		run_close(r);
		return -1;
	}
}

static void connect_next(struct probe_run *r)
{
	for (; r->addr < r->spec->naddrs; r->addr++) {
		int rc = connect_start(r);

		if (rc == 1) {
			run_close(r);
			run_succeed(r);
			return;
		}
		if (rc == 0) {
			ev_io_set(&r->io, r->fd, EV_WRITE);
			ev_io_start(probe_loop, &r->io);
			ev_timer_stop(probe_loop, &r->timer);
			ev_timer_set(&r->timer, PROBE_CONNECT_LIMIT, 0);
			ev_timer_start(probe_loop, &r->timer);
			return;
		}
	}
	run_schedule(r);
}

static void on_connect(struct ev_loop *loop, ev_io *w, int revents)
{
	struct probe_run *r = w->data;
	int e = 0;
	socklen_t len = sizeof(e);

	(void)loop;
	(void)revents;
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	run_close(r);
	if (e == 0) {
		run_succeed(r);
		return;
	}
	r->addr++;
	connect_next(r);
}

static void on_exec_exit(pid_t pid, int wstatus, void *data)
{
	struct probe_run *r = data;

	(void)pid;
	r->pid = 0;
	if (r->done)
		return;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) {
		run_succeed(r);
		return;
	}
	run_schedule(r);
}

static void exec_start(struct probe_run *r)
{
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct spawn_req req = {
		.argv = r->argv,
		.envp = probe_envp,
		.own_group = true,
		.close_fds = true,
		.stdin_fd = devnull,
		.stdout_fd = devnull,
		.stderr_fd = log_enabled(LOG_LEVEL_DEBUG) ? -1 : devnull,
	};
	int exec_errno;

	r->pid = spawn_start(&req, &exec_errno);
	if (devnull >= 0)
		close(devnull);
	if (r->pid < 0) {
		log_warn("ready-on %s: cannot start: %s", r->spec->text, strerror(errno));
		r->pid = 0;
		run_schedule(r);
		return;
	}
	if (exec_errno) {
		errno = exec_errno;
		log_warn("ready-on %s: cannot execute '%s': %s", r->spec->text, r->argv[0],
			 strerror(errno));
	}
	if (reaper_watch(r->pid, on_exec_exit, r) < 0) {
		log_warn("ready-on %s: %s", r->spec->text, strerror(errno));
		kill(-r->pid, SIGKILL);
		r->pid = 0;
		run_schedule(r);
		return;
	}
	ev_timer_stop(probe_loop, &r->timer);
	ev_timer_set(&r->timer, PROBE_EXEC_LIMIT, 0);
	ev_timer_start(probe_loop, &r->timer);
}

/*
 * Whether the IPC object exists in this IPC namespace (POSIX queues) or this /dev/shm (glibc's
 * named semaphores and shared memory objects are files there). Opened and closed at once, never
 * created; EACCES means it exists but is not ours to open.
 */
static bool ipc_exists(const struct probe_spec *p)
{
	mqd_t q;
	sem_t *sem;
	int fd;

	switch (p->kind) {
	case PROBE_MSGQ:
		if (!p->posix)
			return msgget((key_t)p->key, 0) >= 0 || errno == EACCES;
		/* The mq_open system call: no /dev/mqueue mount needed. */
		q = mq_open(p->arg, O_RDONLY | O_NONBLOCK);
		if (q == (mqd_t)-1)
			return errno == EACCES;
		mq_close(q);
		return true;
	case PROBE_SEM:
		if (!p->posix)
			return semget((key_t)p->key, 0, 0) >= 0 || errno == EACCES;
		sem = sem_open(p->arg, 0);
		if (sem == SEM_FAILED)
			return errno == EACCES;
		sem_close(sem);
		return true;
	case PROBE_SHM:
		if (!p->posix)
			return shmget((key_t)p->key, 0, 0) >= 0 || errno == EACCES;
		fd = shm_open(p->arg, O_RDONLY, 0);
		if (fd < 0)
			return errno == EACCES;
		close(fd);
		return true;
	default:
		return false;
	}
}

bool probe_check_now(const struct probe_spec *p)
{
	struct stat st;

	switch (p->kind) {
	case PROBE_FILE:
		return stat(p->arg, &st) == 0;
	case PROBE_MSGQ:
	case PROBE_SEM:
	case PROBE_SHM:
		return ipc_exists(p);
	default:
		return false;
	}
}

static void run_attempt(struct probe_run *r)
{
	struct probe_spec *p = r->spec;

	switch (p->kind) {
	case PROBE_FILE:
	case PROBE_MSGQ:
	case PROBE_SEM:
	case PROBE_SHM:
		if (probe_check_now(p))
			run_succeed(r);
		else
			run_schedule(r);
		return;
	case PROBE_TCP:
	case PROBE_UNIX:
		r->addr = 0;
		connect_next(r);
		return;
	case PROBE_EXEC:
		exec_start(r);
		return;
	case PROBE_DELAY:
		run_succeed(r);
		return;
	default:
		return;
	}
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct probe_run *r = w->data;

	(void)loop;
	(void)revents;
	if (r->done)
		return;
	if (r->fd >= 0) { /* connect took too long */
		run_close(r);
		r->addr++;
		connect_next(r);
		return;
	}
	if (r->pid > 0) { /* exec probe took too long; on_exec_exit reschedules */
		log_warn("ready-on %s: no answer within %.0f s, killing it", r->spec->text,
			 PROBE_EXEC_LIMIT);
		kill(-r->pid, SIGKILL);
		return;
	}
	run_attempt(r);
}

int probe_start(struct ev_loop *loop, struct probe_spec *specs, int n, char *const *envp,
		void (*ready)(int index))
{
	probe_loop = loop;
	probe_ready = ready;
	probe_envp = envp;
	n_runs = 0;
	for (int i = 0; i < n; i++) {
		struct probe_run *r;

		if (!probe_is_active(&specs[i]))
			continue;
		r = &runs[n_runs++];
		memset(r, 0, sizeof(*r));
		r->spec = &specs[i];
		r->index = i;
		r->fd = -1;
		r->interval = PROBE_FIRST_INTERVAL;
		if (specs[i].kind == PROBE_EXEC &&
		    spawn_command_argv(specs[i].arg, r->argv, PROBE_MAX_ARGS, &r->words) < 0)
			return -1;
		ev_init(&r->timer, on_timer);
		r->timer.data = r;
		ev_init(&r->io, on_connect);
		r->io.data = r;
		/* delay: the one and only attempt is the timer; others try at once. */
		ev_timer_set(&r->timer, specs[i].kind == PROBE_DELAY ? specs[i].seconds : 0, 0);
		ev_timer_start(loop, &r->timer);
	}
	return 0;
}

void probe_stop(void)
{
	for (int i = 0; i < n_runs; i++) {
		struct probe_run *r = &runs[i];

		r->done = true;
		ev_timer_stop(probe_loop, &r->timer);
		run_close(r);
		if (r->pid > 0) {
			kill(-r->pid, SIGKILL);
			/* the reaper still collects it; on_exec_exit ignores a done run */
		}
		free(r->words);
		r->words = NULL;
	}
	n_runs = 0;
}
