// SPDX-License-Identifier: MIT
/*
 * probe: the pure spec parser and resolver, then each active probe on a real loop against
 * the real thing appearing later (a file, a System V or POSIX message queue, semaphore or
 * shared memory object, a TCP or unix listener, a command that exits 0, a delay). As in baton,
 * exec probes are collected by the reaper: the test blocks signals with signals_setup() and
 * calls reaper_collect() on SIGCHLD from the signalfd.
 */
#include "unit.h"

#include "probe.h"
#include "reaper.h"
#include "signals.h"

#include <arpa/inet.h>
#include <ev.h>
#include <fcntl.h>
#include <limits.h>
#include <mqueue.h>
#include <semaphore.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

extern char **environ;

static int probe_text(const char *spec, struct probe_spec *p, char *err, size_t errlen)
{
	err[0] = '\0';
	return probe_parse(spec, p, err, errlen);
}

static void test_parse_kinds(void **state)
{
	struct probe_spec p;
	char err[256];

	assert_int_equal(probe_text("started", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_STARTED);
	assert_string_equal(p.text, "started");
	assert_false(probe_is_active(&p));
	assert_int_equal(probe_text("notify", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_NOTIFY);
	assert_false(probe_is_active(&p));
	assert_int_equal(probe_text("exit0", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_EXIT0);
	assert_false(probe_is_active(&p));

	assert_int_equal(probe_text("file:/run/ready", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_FILE);
	assert_string_equal(p.arg, "/run/ready");
	assert_true(probe_is_active(&p));

	assert_int_equal(probe_text("tcp:127.0.0.1:5432", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_TCP);
	assert_string_equal(p.host, "127.0.0.1");
	assert_int_equal(p.port, 5432);
	assert_true(probe_is_active(&p));
	assert_int_equal(probe_text("tcp:db.local:1", &p, err, sizeof(err)), 0);
	assert_string_equal(p.host, "db.local");
	assert_int_equal(p.port, 1);
	assert_int_equal(probe_text("tcp:localhost:65535", &p, err, sizeof(err)), 0);
	assert_int_equal(p.port, 65535);
	assert_int_equal(probe_text("tcp:[::1]:80", &p, err, sizeof(err)), 0);
	assert_string_equal(p.host, "::1");
	assert_int_equal(p.port, 80);
	assert_int_equal(probe_text("tcp:[fe80::1:2]:8080", &p, err, sizeof(err)), 0);
	assert_string_equal(p.host, "fe80::1:2");

	assert_int_equal(probe_text("unix:/run/app.sock", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_UNIX);
	assert_string_equal(p.arg, "/run/app.sock");
	assert_int_equal(probe_text("unix:@abstract", &p, err, sizeof(err)), 0);
	assert_string_equal(p.arg, "@abstract");

	assert_int_equal(probe_text("msgq:1234", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_MSGQ);
	assert_int_equal(p.key, 1234);
	assert_int_equal(probe_text("msgq:0x1F", &p, err, sizeof(err)), 0);
	assert_int_equal(p.key, 0x1f);
	assert_int_equal(probe_text("msgq:0XfFfFfFfF", &p, err, sizeof(err)), 0);
	assert_int_equal(p.key, 0xffffffffUL);
	assert_int_equal(probe_text("msgq:4294967295", &p, err, sizeof(err)), 0);
	assert_int_equal(p.key, 4294967295UL);
	assert_false(p.posix);
	assert_int_equal(probe_text("msgq:/ch6_ipc", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_MSGQ);
	assert_true(p.posix);
	assert_string_equal(p.arg, "/ch6_ipc");
	assert_true(probe_is_active(&p));

	assert_int_equal(probe_text("sem:0x62746e02", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_SEM);
	assert_false(p.posix);
	assert_int_equal(p.key, 0x62746e02UL);
	assert_int_equal(probe_text("sem:/lock.a-b", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_SEM);
	assert_true(p.posix);
	assert_string_equal(p.arg, "/lock.a-b");
	assert_true(probe_is_active(&p));

	assert_int_equal(probe_text("shm:99", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_SHM);
	assert_false(p.posix);
	assert_int_equal(p.key, 99);
	assert_int_equal(probe_text("shm:/..x", &p, err, sizeof(err)), 0);
	assert_true(p.posix);
	assert_true(probe_is_active(&p));

	assert_int_equal(probe_text("exec:pg_isready -q -h 127.0.0.1", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_EXEC);
	assert_string_equal(p.arg, "pg_isready -q -h 127.0.0.1");
	assert_true(probe_is_active(&p));

	assert_int_equal(probe_text("delay:1.5", &p, err, sizeof(err)), 0);
	assert_int_equal(p.kind, PROBE_DELAY);
	assert_float_equal(p.seconds, 1.5, 1e-9);
	assert_int_equal(probe_text("delay:0", &p, err, sizeof(err)), 0);
	assert_float_equal(p.seconds, 0, 0);
	assert_true(probe_is_active(&p));
}

static void test_parse_rejects(void **state)
{
	char unix_long[128], unix_max[128];
	static const struct {
		const char *spec;
		const char *want;
	} cases[] = {
		{"bogus", "'bogus' is not a readiness condition"},
		{"", "is not a readiness condition"},
		{"Started", "not a readiness condition"},
		{"started:x", "not a readiness condition"},
		{"notify ", "not a readiness condition"},
		{"http:localhost:80", "not a readiness condition"},
		{"file:", "nothing after 'file:'"},
		{"tcp:", "nothing after 'tcp:'"},
		{"unix:", "nothing after 'unix:'"},
		{"msgq:", "nothing after 'msgq:'"},
		{"exec:", "nothing after 'exec:'"},
		{"delay:", "nothing after 'delay:'"},
		{"tcp:host", "tcp:HOST:PORT"},
		{"tcp:host:", "'' is not a port"},
		{"tcp::80", "tcp:HOST:PORT"},
		{"tcp:host:0", "'0' is not a port"},
		{"tcp:host:65536", "'65536' is not a port"},
		{"tcp:host:abc", "'abc' is not a port"},
		{"tcp:host:123456", "'123456' is not a port"},
		{"tcp:host:-1", "'-1' is not a port"},
		{"tcp:host:+80", "'+80' is not a port"},
		{"tcp:::1:80", "brackets"},
		{"tcp:fe80::1:80", "brackets"},
		{"tcp:[]:80", "tcp:HOST:PORT"},
		{"tcp:ho st:80", "'ho st' is not a host"},
		{"tcp:a/b:80", "'a/b' is not a host"},
		{"msgq:0", "'0' is not a message queue key"},
		{"msgq:0x0", "'0x0' is not a message queue key"},
		{"msgq:0x", "'0x' is not a message queue key"},
		{"msgq:0xZZ", "'0xZZ' is not a message queue key"},
		{"msgq:abc", "'abc' is not a message queue key"},
		{"msgq:-1", "'-1' is not a message queue key"},
		{"msgq:12a", "'12a' is not a message queue key"},
		{"msgq:0x100000000", "is not a message queue key"},
		{"msgq:4294967296", "is not a message queue key"},
		{"msgq:ch6_ipc",
		 "'ch6_ipc' is not a message queue key (decimal or 0x hex, not 0) or a POSIX /NAME"},
		{"msgq:/", "'/' is not a POSIX message queue name (/NAME: one '/', then 1-255"},
		{"msgq://q", "'//q' is not a POSIX message queue name"},
		{"msgq:/a/b", "'/a/b' is not a POSIX message queue name"},
		{"msgq:/q/", "'/q/' is not a POSIX message queue name"},
		{"msgq:/.", "'/.' is not a POSIX message queue name"},
		{"msgq:/..", "'/..' is not a POSIX message queue name"},
		{"sem:", "nothing after 'sem:'"},
		{"sem:0", "'0' is not a semaphore key"},
		{"sem:0x1g", "'0x1g' is not a semaphore key"},
		{"sem:/", "is not a POSIX semaphore name (/NAME: one '/', then 1-251 characters"},
		{"sem:/a/b", "'/a/b' is not a POSIX semaphore name"},
		{"shm:", "nothing after 'shm:'"},
		{"shm:-5", "'-5' is not a shared memory key"},
		{"shm:4294967296", "is not a shared memory key"},
		{"shm:/", "is not a POSIX shared memory name"},
		{"shm:/..", "is not a POSIX shared memory name"},
		{"shm:/dev/shm/x", "is not a POSIX shared memory name"},
		{"Sem:1", "is not a readiness condition"},
		{"delay:-1", "'-1' is not a number of seconds"},
		{"delay:abc", "'abc' is not a number of seconds"},
		{"delay:inf", "is not a number of seconds"},
		{"delay:nan", "is not a number of seconds"},
		{"delay:1s", "'1s' is not a number of seconds"},
		{"delay:31536001", "is not a number of seconds"},
		{"delay: 1", "is not a number of seconds"},
		{"delay:1e3", "'1e3' is not a number of seconds"},
		{"delay:0x10", "'0x10' is not a number of seconds"},
		{"delay:.5", "'.5' is not a number of seconds"},
	};
	struct probe_spec p;
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (probe_text(cases[i].spec, &p, err, sizeof(err)) != -1)
			fail_msg("accepted '%s'", cases[i].spec);
		if (!strstr(err, cases[i].want))
			fail_msg("error '%s' lacks '%s'", err, cases[i].want);
		/* Every message names the whole spec, on one line. */
		if (cases[i].spec[0] && !strstr(err, cases[i].spec))
			fail_msg("error '%s' lacks the spec '%s'", err, cases[i].spec);
		assert_null(strchr(err, '\n'));
	}

	/* sun_path holds 107 characters and a NUL. */
	memcpy(unix_max, "unix:/", 6);
	memset(unix_max + 6, 'u', 106);
	unix_max[112] = '\0';
	assert_int_equal(probe_text(unix_max, &p, err, sizeof(err)), 0);
	memcpy(unix_long, unix_max, sizeof(unix_max));
	unix_long[112] = 'u';
	unix_long[113] = '\0';
	assert_int_equal(probe_text(unix_long, &p, err, sizeof(err)), -1);
	assert_has(err, "too long");

	/* POSIX names: NAME_MAX characters after the '/'; a semaphore 4 fewer ("sem." + NAME). */
	{
		static const struct {
			const char *prefix;
			size_t max;
		} names[] = {{"msgq:/", NAME_MAX}, {"sem:/", NAME_MAX - 4}, {"shm:/", NAME_MAX}};
		char text[16 + NAME_MAX + 2];

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t plen = strlen(names[i].prefix);

			memcpy(text, names[i].prefix, plen);
			memset(text + plen, 'n', names[i].max + 1);
			text[plen + names[i].max] = '\0';
			assert_int_equal(probe_text(text, &p, err, sizeof(err)), 0);
			assert_true(p.posix);
			text[plen + names[i].max] = 'n';
			text[plen + names[i].max + 1] = '\0';
			assert_int_equal(probe_text(text, &p, err, sizeof(err)), -1);
			assert_has(err, "name has at most");
			assert_true(strlen(err) < 120);
		}
	}
}

static void test_resolve_literals(void **state)
{
	struct probe_spec p;
	char err[512];
	struct sockaddr_in *in;
	struct sockaddr_in6 *in6;
	struct in6_addr loop6 = IN6ADDR_LOOPBACK_INIT;

	assert_int_equal(probe_text("tcp:127.0.0.1:8080", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, "/nonexistent/hosts", err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 1);
	in = (struct sockaddr_in *)&p.addrs[0];
	assert_int_equal(in->sin_family, AF_INET);
	assert_int_equal(ntohs(in->sin_port), 8080);
	assert_int_equal(ntohl(in->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(p.addrlens[0], sizeof(struct sockaddr_in));

	assert_int_equal(probe_text("tcp:[::1]:443", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, "/nonexistent/hosts", err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 1);
	in6 = (struct sockaddr_in6 *)&p.addrs[0];
	assert_int_equal(in6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(in6->sin6_port), 443);
	assert_memory_equal(&in6->sin6_addr, &loop6, sizeof(loop6));
	assert_int_equal(p.addrlens[0], sizeof(struct sockaddr_in6));

	/* localhost needs no hosts file. */
	assert_int_equal(probe_text("tcp:localhost:80", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, "/nonexistent/hosts", err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 2);
	assert_int_equal(p.addrs[0].ss_family, AF_INET);
	assert_int_equal(p.addrs[1].ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&p.addrs[1])->sin6_port), 80);

	/* Not a tcp or unix probe: nothing to resolve. */
	assert_int_equal(probe_text("file:/x", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, "/nonexistent/hosts", err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 0);
}

static void test_resolve_hosts_file(void **state)
{
	char dir[PATH_MAX], hosts[PATH_MAX + 8], err[512];
	struct probe_spec p;
	struct sockaddr_in *in;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	assert_int_equal(unit_write_file(hosts,
					 "# a comment line db\n"
					 "10.1.2.3\tdb db.local # trailing comment names nothing\n"
					 "\n"
					 "   \n"
					 "::1 ip6db\n"
					 "10.9.9.9 other # db\n"
					 "10.1.2.4 db\n"
					 "127.0.0.5 localhost\n",
					 0644),
			 0);

	assert_int_equal(probe_text("tcp:db:5432", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, hosts, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 2);
	in = (struct sockaddr_in *)&p.addrs[0];
	assert_int_equal(ntohl(in->sin_addr.s_addr), 0x0a010203);
	assert_int_equal(ntohs(in->sin_port), 5432);
	in = (struct sockaddr_in *)&p.addrs[1];
	assert_int_equal(ntohl(in->sin_addr.s_addr), 0x0a010204);

	/* Names match case-insensitively. */
	assert_int_equal(probe_text("tcp:DB.Local:1", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, hosts, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 1);

	assert_int_equal(probe_text("tcp:ip6db:1", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, hosts, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 1);
	assert_int_equal(p.addrs[0].ss_family, AF_INET6);

	/* The hosts file's localhost wins over the built-in one. */
	assert_int_equal(probe_text("tcp:localhost:1", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, hosts, err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 1);
	in = (struct sockaddr_in *)&p.addrs[0];
	assert_int_equal(ntohl(in->sin_addr.s_addr), 0x7f000005);

	/* Not there (a comment does not count): a clear error, no DNS. */
	assert_int_equal(probe_text("tcp:nosuchhost:80", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, hosts, err, sizeof(err)), -1);
	assert_has(err, "'tcp:nosuchhost:80'");
	assert_has(err, "cannot resolve 'nosuchhost'");
	assert_has(err, "baton does no DNS");
	assert_has(err, hosts);
	assert_int_equal(probe_text("tcp:nothing:80", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, hosts, err, sizeof(err)), -1);
	assert_has(err, "cannot resolve 'nothing'");
	unit_rmtree(dir);
}

static void test_resolve_unix(void **state)
{
	struct probe_spec p;
	char err[256];
	struct sockaddr_un *un;

	assert_int_equal(probe_text("unix:/run/app.sock", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, "/etc/hosts", err, sizeof(err)), 0);
	assert_int_equal(p.naddrs, 1);
	un = (struct sockaddr_un *)&p.addrs[0];
	assert_int_equal(un->sun_family, AF_UNIX);
	assert_string_equal(un->sun_path, "/run/app.sock");
	assert_int_equal(p.addrlens[0], offsetof(struct sockaddr_un, sun_path) + 14);

	assert_int_equal(probe_text("unix:@abs", &p, err, sizeof(err)), 0);
	assert_int_equal(probe_resolve(&p, "/etc/hosts", err, sizeof(err)), 0);
	un = (struct sockaddr_un *)&p.addrs[0];
	assert_int_equal(un->sun_path[0], '\0');
	assert_memory_equal(un->sun_path + 1, "abs", 3);
	assert_int_equal(p.addrlens[0], offsetof(struct sockaddr_un, sun_path) + 4);
}

/* The probes on a loop. */

static struct {
	struct ev_loop *loop;
	int sig_fd;
	ev_io sig_io;
	int ready[PROBE_MAX];
	int n_ready;
	int want; /* ev_break once this many probes are ready */
	bool timed_out;
	double ready_at;
} t;

static void on_signal(struct ev_loop *loop, ev_io *w, int revents)
{
	struct signalfd_siginfo si;

	while (signals_read(t.sig_fd, &si) == 1)
		if (si.ssi_signo == SIGCHLD)
			reaper_collect();
}

static void on_ready(int index)
{
	t.ready[index]++;
	t.n_ready++;
	t.ready_at = unit_now();
	if (t.n_ready >= t.want)
		ev_break(t.loop, EVBREAK_ALL);
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	t.timed_out = true;
	ev_break(loop, EVBREAK_ALL);
}

static int group_setup(void **state)
{
	t.sig_fd = signals_setup();
	if (t.sig_fd < 0 || reaper_setup(true, NULL) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	close(t.sig_fd);
	return 0;
}

static void loop_begin(int want)
{
	memset(t.ready, 0, sizeof(t.ready));
	t.n_ready = 0;
	t.want = want;
	t.timed_out = false;
	t.loop = ev_loop_new(EVFLAG_NOENV);
	assert_non_null(t.loop);
	ev_io_init(&t.sig_io, on_signal, t.sig_fd, EV_READ);
	ev_io_start(t.loop, &t.sig_io);
}

/* Runs the loop for at most seconds (or until the wanted probes are ready). */
static void loop_run(double seconds)
{
	ev_timer limit;

	ev_timer_init(&limit, on_timeout, seconds, 0);
	ev_timer_start(t.loop, &limit);
	ev_run(t.loop, 0);
	ev_timer_stop(t.loop, &limit);
}

/* Stops the probes, then reaps whatever exec probes left behind. */
static void loop_end(void)
{
	siginfo_t si;

	probe_stop();
	while (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) == 0)
		reaper_collect();
	ev_io_stop(t.loop, &t.sig_io);
	ev_loop_destroy(t.loop);
	t.loop = NULL;
}

static struct probe_spec spec(const char *text)
{
	struct probe_spec p;
	char err[512];

	if (probe_parse(text, &p, err, sizeof(err)) < 0 ||
	    probe_resolve(&p, "/nonexistent/hosts", err, sizeof(err)) < 0)
		fail_msg("%s: %s", text, err);
	return p;
}

/* An action at a given time on the loop, recording whether anything was ready by then. */
struct later {
	ev_timer timer;
	void (*fn)(void *arg);
	void *arg;
	int ready_before;
};

static void on_later(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct later *l = (struct later *)w;

	l->ready_before = t.n_ready;
	l->fn(l->arg);
}

static void later(struct later *l, double at, void (*fn)(void *arg), void *arg)
{
	l->fn = fn;
	l->arg = arg;
	l->ready_before = -1;
	ev_timer_init(&l->timer, on_later, at, 0);
	ev_timer_start(t.loop, &l->timer);
}

static void create_file(void *arg)
{
	assert_int_equal(unit_write_file(arg, "", 0644), 0);
}

static void test_file(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], text[PATH_MAX + 32];
	struct probe_spec specs[2];
	struct later l;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/ready", dir);
	snprintf(text, sizeof(text), "file:%s", path);
	/* A passive condition first: ready() gets the index into specs. */
	specs[0] = spec("notify");
	specs[1] = spec(text);

	loop_begin(1);
	assert_int_equal(probe_start(t.loop, specs, 2, environ, on_ready), 0);
	later(&l, 0.1, create_file, path);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(l.ready_before, 0);
	assert_int_equal(t.ready[0], 0);
	assert_int_equal(t.ready[1], 1);
	/* Readiness latches: one call, however long the file stays. */
	t.want = 99;
	loop_run(0.3);
	assert_int_equal(t.n_ready, 1);
	loop_end();

	/* Already there: ready at once. */
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, specs + 1, 1, environ, on_ready), 0);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(t.ready[0], 1);
	loop_end();
	unit_rmtree(dir);
}

static void test_stop(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], text[PATH_MAX + 32];
	struct probe_spec p;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/ready", dir);
	snprintf(text, sizeof(text), "file:%s", path);
	p = spec(text);
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
	loop_run(0.1);
	probe_stop();
	assert_int_equal(unit_write_file(path, "", 0644), 0);
	loop_run(0.3);
	assert_true(t.timed_out);
	assert_int_equal(t.n_ready, 0);
	loop_end();
	unit_rmtree(dir);
}

static void create_queue(void *arg)
{
	int id = msgget(*(key_t *)arg, IPC_CREAT | IPC_EXCL | 0600);

	assert_true(id >= 0);
}

static void test_msgq(void **state)
{
	key_t key = (key_t)(0x5a000000 | ((unsigned)getpid() & 0xffffff));
	char text[64];
	struct probe_spec p;
	struct later l;
	int id;

	/* No queue with our key yet (a leftover from an earlier run is removed). */
	id = msgget(key, 0);
	if (id >= 0)
		msgctl(id, IPC_RMID, NULL);
	else if (errno == ENOSYS)
		skip();
	snprintf(text, sizeof(text), "msgq:0x%x", (unsigned)key);
	p = spec(text);
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
	later(&l, 0.1, create_queue, &key);
	loop_run(10);
	id = msgget(key, 0);
	if (id >= 0)
		msgctl(id, IPC_RMID, NULL);
	assert_false(t.timed_out);
	assert_int_equal(l.ready_before, 0);
	assert_int_equal(t.ready[0], 1);
	loop_end();
}

/*
 * One IPC object kind: a spec naming it and functions that create and remove it. The names
 * and keys carry the test's pid, so parallel runs never meet.
 */
struct ipc_case {
	const char *what;
	char spec[64];
	key_t key;
	char name[32];
};

static void ipc_create(void *arg)
{
	struct ipc_case *c = arg;
	mqd_t q;
	sem_t *sem;
	int fd;

	if (strcmp(c->what, "msgq") == 0) {
		assert_true(msgget(c->key, IPC_CREAT | IPC_EXCL | 0600) >= 0);
	} else if (strcmp(c->what, "sem") == 0) {
		assert_true(semget(c->key, 1, IPC_CREAT | IPC_EXCL | 0600) >= 0);
	} else if (strcmp(c->what, "shm") == 0) {
		assert_true(shmget(c->key, 4096, IPC_CREAT | IPC_EXCL | 0600) >= 0);
	} else if (strcmp(c->what, "msgq posix") == 0) {
		q = mq_open(c->name, O_CREAT | O_EXCL | O_WRONLY, 0600, NULL);
		assert_true(q != (mqd_t)-1);
		mq_close(q);
	} else if (strcmp(c->what, "sem posix") == 0) {
		sem = sem_open(c->name, O_CREAT | O_EXCL, 0600, 0);
		assert_true(sem != SEM_FAILED);
		sem_close(sem);
	} else {
		fd = shm_open(c->name, O_CREAT | O_EXCL | O_RDWR, 0600);
		assert_true(fd >= 0);
		close(fd);
	}
}

/* Removes the object if it exists; 0, or -1 when this kernel has no such IPC at all. */
static int ipc_remove(const struct ipc_case *c)
{
	int id;

	if (strcmp(c->what, "msgq") == 0) {
		id = msgget(c->key, 0);
		if (id >= 0)
			msgctl(id, IPC_RMID, NULL);
	} else if (strcmp(c->what, "sem") == 0) {
		id = semget(c->key, 0, 0);
		if (id >= 0)
			semctl(id, 0, IPC_RMID);
	} else if (strcmp(c->what, "shm") == 0) {
		id = shmget(c->key, 0, 0);
		if (id >= 0)
			shmctl(id, IPC_RMID, NULL);
	} else if (strcmp(c->what, "msgq posix") == 0) {
		mq_unlink(c->name);
	} else if (strcmp(c->what, "sem posix") == 0) {
		sem_unlink(c->name);
	} else {
		shm_unlink(c->name);
	}
	return errno == ENOSYS ? -1 : 0;
}

/*
 * Each System V and POSIX IPC probe: not ready while the object is missing (another object of
 * the same kind with another key or name must not count), ready once it is created.
 */
static void test_ipc_kinds(void **state)
{
	static const char *const kinds[] = {"msgq", "sem", "shm",
					    "msgq posix", "sem posix", "shm posix"};
	unsigned pid = (unsigned)getpid() & 0xffffff;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct ipc_case c = {.what = kinds[i]}, other;
		struct probe_spec p;
		struct later l;
		char prefix[8]; /* msgq, sem or shm */

		snprintf(prefix, sizeof(prefix), "%.*s", (int)strcspn(c.what, " "), c.what);
		c.key = (key_t)(0x5b000000u | ((unsigned)i << 20) | (pid & 0xfffff));
		snprintf(c.name, sizeof(c.name), "/baton-unit-%u-%zu", pid, i);
		if (strstr(c.what, "posix"))
			snprintf(c.spec, sizeof(c.spec), "%s:%s", prefix, c.name);
		else
			snprintf(c.spec, sizeof(c.spec), "%s:0x%x", prefix, (unsigned)c.key);
		other = c;
		other.key = c.key + 1;
		snprintf(other.name, sizeof(other.name), "/baton-unit-%u-%zu-other", pid, i);
		errno = 0;
		if (ipc_remove(&c) < 0)
			skip();
		ipc_remove(&other);
		ipc_create(&other);

		p = spec(c.spec);
		assert_false(probe_check_now(&p));
		loop_begin(1);
		assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
		later(&l, 0.1, ipc_create, &c);
		loop_run(10);
		assert_true(probe_check_now(&p));
		ipc_remove(&c);
		ipc_remove(&other);
		if (t.timed_out || l.ready_before != 0 || t.ready[0] != 1)
			fail_msg("%s (%s): timed out %d, ready before %d, ready %d", c.what, c.spec,
				 t.timed_out, l.ready_before, t.ready[0]);
		loop_end();
	}
}

static int listener_port;

static int tcp_listener(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	return fd;
}

static int listen_fd = -1;

static void open_tcp(void *arg)
{
	listen_fd = tcp_listener(listener_port);
}

static void test_tcp(void **state)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char text[64];
	struct probe_spec p;
	struct later l;
	int fd;

	/* An ephemeral port nobody listens on, yet. */
	fd = tcp_listener(0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	listener_port = ntohs(sa.sin_port);
	close(fd);

	snprintf(text, sizeof(text), "tcp:127.0.0.1:%d", listener_port);
	p = spec(text);
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
	later(&l, 0.15, open_tcp, NULL);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(l.ready_before, 0);
	assert_int_equal(t.ready[0], 1);
	loop_end();
	close(listen_fd);
}

static int unix_listener(const char *path, int type)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));

	assert_true(fd >= 0);
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 8), 0);
	return fd;
}

static void open_unix(void *arg)
{
	listen_fd = unix_listener(arg, SOCK_STREAM);
}

static void test_unix(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], text[PATH_MAX + 32], abstract[64];
	struct probe_spec specs[2];
	struct later l;
	int dgram;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/app.sock", dir);
	snprintf(text, sizeof(text), "unix:%s", path);
	specs[0] = spec(text);
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, specs, 1, environ, on_ready), 0);
	later(&l, 0.1, open_unix, path);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(l.ready_before, 0);
	assert_int_equal(t.ready[0], 1);
	loop_end();
	close(listen_fd);

	/* An abstract stream socket, and a datagram socket (a stream connect is refused). */
	snprintf(abstract, sizeof(abstract), "@baton-unit-probe-%d", (int)getpid());
	snprintf(text, sizeof(text), "unix:%s", abstract);
	specs[0] = spec(text);
	snprintf(path, sizeof(path), "%s/dgram.sock", dir);
	dgram = unix_listener(path, SOCK_DGRAM);
	snprintf(text, sizeof(text), "unix:%s", path);
	specs[1] = spec(text);
	loop_begin(2);
	assert_int_equal(probe_start(t.loop, specs, 2, environ, on_ready), 0);
	later(&l, 0.1, open_unix, abstract);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(l.ready_before, 1); /* the datagram socket was there from the start */
	assert_int_equal(t.ready[0], 1);
	assert_int_equal(t.ready[1], 1);
	loop_end();
	close(listen_fd);
	close(dgram);
	unit_rmtree(dir);
}

static void test_exec_true(void **state)
{
	struct probe_spec specs[2];
	char *envp[] = {"PROBE_VAR=yes", "PATH=/usr/bin:/bin", NULL};

	specs[0] = spec("exec:true");
	/* Runs with the given environment, through a shell. */
	specs[1] = spec("exec:test \"$PROBE_VAR\" = yes && exit 0 || exit 1");
	loop_begin(2);
	assert_int_equal(probe_start(t.loop, specs, 2, envp, on_ready), 0);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(t.ready[0], 1);
	assert_int_equal(t.ready[1], 1);
	loop_end();
}

static void test_exec_false_retries(void **state)
{
	char dir[PATH_MAX], count[PATH_MAX + 16], text[PATH_MAX + 64], buf[4096];
	struct probe_spec p;
	int fd, lines = 0;
	ssize_t n;

	unit_tmpdir(dir, sizeof(dir));
	snprintf(count, sizeof(count), "%s/count", dir);
	snprintf(text, sizeof(text), "exec:echo x >> %s; false", count);
	p = spec(text);
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
	loop_run(0.5);
	assert_true(t.timed_out);
	assert_int_equal(t.n_ready, 0);
	loop_end();

	fd = open(count, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i++)
		lines += buf[i] == '\n';
	/* Tried again and again (10, 20, 40, 80, then every 100 ms), not once. */
	assert_true(lines >= 3);
	unit_rmtree(dir);

	/* A command that does not exist is retried too, never ready. */
	p = spec("exec:/nonexistent/probe-command");
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
	loop_run(0.2);
	assert_true(t.timed_out);
	assert_int_equal(t.n_ready, 0);
	loop_end();
}

static void nothing(void *arg)
{
}

static void test_delay(void **state)
{
	struct probe_spec p = spec("delay:0.25");
	struct later l;
	double start;

	start = unit_now(); /* before the loop: its timers count from its creation */
	loop_begin(1);
	assert_int_equal(probe_start(t.loop, &p, 1, environ, on_ready), 0);
	later(&l, 0.1, nothing, NULL);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(l.ready_before, 0);
	assert_int_equal(t.ready[0], 1);
	assert_true(t.ready_at - start >= 0.24);
	loop_end();
}

static void test_all_kinds_together(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], text[PATH_MAX + 32];
	struct probe_spec specs[5];

	unit_tmpdir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_int_equal(unit_write_file(path, "", 0644), 0);
	snprintf(text, sizeof(text), "file:%s", path);
	specs[0] = spec("started");
	specs[1] = spec(text);
	specs[2] = spec("exec:true");
	specs[3] = spec("exit0");
	specs[4] = spec("delay:0.05");
	loop_begin(3);
	assert_int_equal(probe_start(t.loop, specs, 5, environ, on_ready), 0);
	loop_run(10);
	assert_false(t.timed_out);
	assert_int_equal(t.ready[0], 0);
	assert_int_equal(t.ready[1], 1);
	assert_int_equal(t.ready[2], 1);
	assert_int_equal(t.ready[3], 0);
	assert_int_equal(t.ready[4], 1);
	loop_end();
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_parse_kinds),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_resolve_literals),
		cmocka_unit_test(test_resolve_hosts_file),
		cmocka_unit_test(test_resolve_unix),
	};
	const struct CMUnitTest active[] = {
		cmocka_unit_test(test_file),	  cmocka_unit_test(test_stop),
		cmocka_unit_test(test_msgq),	  cmocka_unit_test(test_ipc_kinds),
		cmocka_unit_test(test_tcp),	  cmocka_unit_test(test_unix),
		cmocka_unit_test(test_exec_true), cmocka_unit_test(test_exec_false_retries),
		cmocka_unit_test(test_delay),	  cmocka_unit_test(test_all_kinds_together),
	};
	int failed = cmocka_run_group_tests_name("probe_parse", pure, NULL, NULL);

	return failed + cmocka_run_group_tests_name("probe_start", active, group_setup,
						    group_teardown);
}
