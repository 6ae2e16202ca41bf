// SPDX-License-Identifier: MIT
/*
 * gate: the pure record format and views, then the real shared directory in a mkdtemp dir.
 * The gate keeps one directory per process in file-static state, so every directory scenario
 * runs in a forked child, and each "other container" (an owner that claims and publishes) is a
 * further child driven over a pair of pipes.
 */
#include "unit.h"

#include "gate.h"

#include <dirent.h>
#include <ev.h>
#include <limits.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define INC "0123456789abcdef0123456789abcdef"
#define HDR "version=1\nname=web\nincarnation=" INC "\n"
#define INC31	  "0123456789abcdef0123456789abcde"
#define INC_UPPER "0123456789ABCDEF0123456789abcdef"
#define INC_G	  "0123456789abcdeg0123456789abcdef"
#define NAME64	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Pure helpers. */

static void test_name_valid(void **state)
{
	static const char *const good[] = {"a", "web", "a-b", "0", "9x", "a--b", "x1-2-3"};
	static const char *const bad[] = {"",	 "-a",	"a-",  "A",   "Web", "a_b", "a.b",
					  "../x", "a/b", ".x",  "a b", "x\n", "\xc3\xa9", "a:b"};
	char n63[64], n64[65];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!gate_name_valid(good[i]))
			fail_msg("'%s' should be valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (gate_name_valid(bad[i]))
			fail_msg("'%s' should be invalid", bad[i]);
	memset(n63, 'z', 63);
	n63[63] = '\0';
	memset(n64, 'z', 64);
	n64[64] = '\0';
	assert_true(gate_name_valid(n63));
	assert_false(gate_name_valid(n64));
}

static void test_state_names(void **state)
{
	assert_string_equal(gate_state_name(GATE_NONE), "none");
	assert_string_equal(gate_state_name(GATE_INVALID), "invalid");
	assert_string_equal(gate_state_name(GATE_STARTING), "starting");
	assert_string_equal(gate_state_name(GATE_READY), "ready");
	assert_string_equal(gate_state_name(GATE_STOPPING), "stopping");
	assert_string_equal(gate_state_name(GATE_EXITED), "exited");
	assert_string_equal(gate_state_name(GATE_DONE), "done");
	assert_string_equal(gate_state_name((enum gate_state)99), "invalid");
}

static struct gate_record record(enum gate_state s, int code, const char *status)
{
	struct gate_record r;

	memset(&r, 0, sizeof(r));
	snprintf(r.name, sizeof(r.name), "web");
	snprintf(r.incarnation, sizeof(r.incarnation), INC);
	r.state = s;
	r.since.tv_sec = 1700000000;
	r.since.tv_nsec = 1;
	r.pid = 42;
	r.exit_code = code;
	snprintf(r.status, sizeof(r.status), "%s", status);
	return r;
}

static void assert_records_equal(const struct gate_record *a, const struct gate_record *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->incarnation, b->incarnation);
	assert_int_equal(a->state, b->state);
	assert_int_equal(a->since.tv_sec, b->since.tv_sec);
	assert_int_equal(a->since.tv_nsec, b->since.tv_nsec);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->exit_code, b->exit_code);
	assert_string_equal(a->status, b->status);
}

static void test_format_exact(void **state)
{
	struct gate_record r = record(GATE_READY, 0, "");
	char buf[GATE_RECORD_MAX];
	int n = gate_record_format(&r, buf, sizeof(buf));

	assert_string_equal(buf, HDR "state=ready\nsince=1700000000.000000001\npid=42\n");
	assert_int_equal(n, (int)strlen(buf));

	r = record(GATE_EXITED, 3, "bye now");
	n = gate_record_format(&r, buf, sizeof(buf));
	assert_string_equal(buf, HDR "state=exited\nsince=1700000000.000000001\npid=42\nexit=3\n"
				     "status=bye now\n");
	/* Too small a buffer is an error, never a cut record; exactly enough is fine. */
	assert_int_equal(gate_record_format(&r, buf, (size_t)n), -1);
	assert_int_equal(gate_record_format(&r, buf, (size_t)n + 1), n);
	assert_int_equal(gate_record_format(&r, buf, 10), -1);
	r = record(GATE_DONE, 0, "");
	gate_record_format(&r, buf, sizeof(buf));
	assert_has(buf, "state=done\n");
	assert_has(buf, "exit=0\n");
}

static void test_round_trip(void **state)
{
	static const char *const statuses[] = {"", "serving on :8080", "caf\xc3\xa9 = ok; 100%"};
	static const long nsecs[] = {0, 1, 500000000, 999999999};
	char long_status[GATE_STATUS_MAX + 1];

	memset(long_status, 's', GATE_STATUS_MAX);
	long_status[GATE_STATUS_MAX] = '\0';
	for (int s = GATE_STARTING; s <= GATE_DONE; s++)
		for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]) + 1; i++) {
			int code = s == GATE_EXITED ? 255 - (int)i : 0;
			struct gate_record in = record((enum gate_state)s, code,
						       i < 3 ? statuses[i] : long_status), out;
			char buf[GATE_RECORD_MAX], err[128] = "";
			int n;

			in.since.tv_nsec = nsecs[i % 4];
			in.pid = i == 2 ? INT_MAX : 1 + (long)i;
			n = gate_record_format(&in, buf, sizeof(buf));
			assert_true(n > 0);
			if (gate_record_parse(buf, (size_t)n, &out, err, sizeof(err)) < 0)
				fail_msg("state %d: %s\n%s", s, err, buf);
			assert_records_equal(&in, &out);
		}
}

static int parse_text(const char *text, char *err, size_t errlen)
{
	struct gate_record r;

	err[0] = '\0';
	return gate_record_parse(text, strlen(text), &r, err, errlen);
}

static void test_parse_rejects(void **state)
{
	static const struct {
		const char *text;
		const char *want;
	} cases[] = {
		{HDR "state=ready\nsince=1\npid=42", "newline"},
		{"name=web\nversion=1\nincarnation=" INC "\nstate=ready\nsince=1\npid=1\n",
		 "version="},
		{"future=1\n" HDR "state=ready\nsince=1\npid=1\n", "version="},
		{"version=2\nname=web\n", "unknown version"},
		{"version=\n", "unknown version"},
		{"version=1\nversion=1\n", "repeats version"},
		{HDR "name=web\nstate=ready\nsince=1\npid=1\n", "repeats name"},
		{HDR "state=ready\nstate=ready\nsince=1\npid=1\n", "repeats state"},
		{"version=1\nname=web\nincarnation=" INC31 "\n", "incarnation"},
		{"version=1\nname=web\nincarnation=" INC "0\n", "incarnation"},
		{"version=1\nname=web\nincarnation=" INC_UPPER "\n", "incarnation"},
		{"version=1\nname=web\nincarnation=" INC_G "\n", "incarnation"},
		{"version=1\nname=web\nincarnation=\n", "incarnation"},
		{HDR "state=running\nsince=1\npid=1\n", "unknown state"},
		{HDR "state=none\nsince=1\npid=1\n", "unknown state"},
		{HDR "state=invalid\nsince=1\npid=1\n", "unknown state"},
		{HDR "state=READY\nsince=1\npid=1\n", "unknown state"},
		{HDR "state=\nsince=1\npid=1\n", "unknown state"},
		{HDR "state=ready\nsince=\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=abc\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=1.\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=.5\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=1.1234567890\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=-1\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=1e3\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=1.2.3\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=99999999999999999999\npid=1\n", "invalid since"},
		{HDR "state=ready\nsince=1\npid=0\n", "invalid pid"},
		{HDR "state=ready\nsince=1\npid=-1\n", "invalid pid"},
		{HDR "state=ready\nsince=1\npid=abc\n", "invalid pid"},
		{HDR "state=ready\nsince=1\npid=2147483648\n", "invalid pid"},
		{HDR "state=ready\nsince=1\npid=\n", "invalid pid"},
		{HDR "state=exited\nsince=1\npid=1\nexit=256\n", "invalid exit"},
		{HDR "state=exited\nsince=1\npid=1\nexit=-1\n", "invalid exit"},
		{HDR "state=exited\nsince=1\npid=1\nexit=abc\n", "invalid exit"},
		{HDR "state=exited\nsince=1\npid=1\nexit=\n", "invalid exit"},
		{HDR "state=exited\nsince=1\npid=1\n", "no exit"},
		{HDR "state=done\nsince=1\npid=1\n", "no exit"},
		{HDR "state=ready\nsince=1\npid=1\nexit=0\n", "exit without exited"},
		{HDR "state=starting\nsince=1\npid=1\nexit=0\n", "exit without exited"},
		{HDR "state=done\nsince=1\npid=1\nexit=1\n", "done with exit 1"},
		{HDR "state=ready\nsince=1\npid=1\nstatus=a\tb\n", "status"},
		{HDR "state=ready\nsince=1\npid=1\nstatus=a\x7f\n", "status"},
		{HDR "state=ready\nsince=1\npid=1\nstatus=a\x01\n", "status"},
		{HDR "state=ready\nsince=1\npid=1\nstatus=a\r\n", "status"},
		{HDR "state=ready\nsince=1\npid=1\nno equals sign\n", "not key=value"},
		{HDR "state=ready\nsince=1\n", "no pid"},
		{HDR "state=ready\npid=1\n", "no since"},
		{HDR "since=1\npid=1\n", "no state"},
		{"version=1\nincarnation=" INC "\nstate=ready\nsince=1\npid=1\n", "no name"},
		{"version=1\nname=web\nstate=ready\nsince=1\npid=1\n", "no incarnation"},
		{"version=1\nname=Web\n", "invalid name"},
		{"version=1\nname=\n", "invalid name"},
		{"version=1\nname=a/b\n", "invalid name"},
		{"version=1\nname=../x\n", "invalid name"},
		{"version=1\nname=" NAME64 "\n", "invalid name"},
		{"\n", "not key=value"},
	};
	char err[128];
	struct gate_record r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (parse_text(cases[i].text, err, sizeof(err)) != -1)
			fail_msg("accepted:\n%s", cases[i].text);
		if (!strstr(err, cases[i].want))
			fail_msg("error '%s' lacks '%s' for:\n%s", err, cases[i].want,
				 cases[i].text);
	}

	/* Empty, NUL, oversize. */
	assert_int_equal(gate_record_parse("", 0, &r, err, sizeof(err)), -1);
	assert_has(err, "empty");
	{
		static const char nul[] = HDR "state=ready\nsince=1\npid=1\nstatus=a\0b\n";

		assert_int_equal(gate_record_parse(nul, sizeof(nul) - 1, &r, err, sizeof(err)), -1);
		assert_has(err, "NUL");
	}
	{
		char status[GATE_STATUS_MAX + 2];
		char text[512];

		memset(status, 'x', sizeof(status) - 1);
		status[sizeof(status) - 1] = '\0';
		snprintf(text, sizeof(text), HDR "state=ready\nsince=1\npid=1\nstatus=%s\n",
			 status);
		assert_int_equal(parse_text(text, err, sizeof(err)), -1);
		assert_has(err, "status");
	}
	{
		static char big[GATE_RECORD_MAX + 2];
		size_t len = 0;

		len += (size_t)snprintf(big, sizeof(big), HDR "state=ready\nsince=1\npid=1\npad=");
		memset(big + len, 'p', GATE_RECORD_MAX - len);
		big[GATE_RECORD_MAX - 1] = '\n';
		/* Exactly GATE_RECORD_MAX bytes is fine... */
		assert_int_equal(gate_record_parse(big, GATE_RECORD_MAX, &r, err, sizeof(err)), 0);
		/* ...one more is not. */
		big[GATE_RECORD_MAX - 1] = 'p';
		big[GATE_RECORD_MAX] = '\n';
		assert_int_equal(gate_record_parse(big, GATE_RECORD_MAX + 1, &r, err, sizeof(err)),
				 -1);
		assert_has(err, "larger than");
	}
}

static void test_parse_accepts(void **state)
{
	struct gate_record r;
	char err[128] = "";
	const char *text = HDR "future=thing\nstate=exited\n=odd\nsince=5.5\nx=\npid=7\nexit=0\n"
			       "status=a=b \xe2\x82\xac\nlater.key=1\n";
	/* A record that ends before its last line's value is not cut by the parser. */
	char exact[sizeof(HDR "state=ready\nsince=1\npid=1\n") - 1];

	assert_int_equal(parse_text(text, err, sizeof(err)), 0);
	assert_int_equal(gate_record_parse(text, strlen(text), &r, err, sizeof(err)), 0);
	assert_string_equal(r.name, "web");
	assert_string_equal(r.incarnation, INC);
	assert_int_equal(r.state, GATE_EXITED);
	assert_int_equal(r.since.tv_sec, 5);
	assert_int_equal(r.since.tv_nsec, 500000000);
	assert_int_equal(r.pid, 7);
	assert_int_equal(r.exit_code, 0);
	assert_string_equal(r.status, "a=b \xe2\x82\xac");

	/* Not NUL-terminated input (as read from a file) is fine. */
	memcpy(exact, HDR "state=ready\nsince=1\npid=1\n", sizeof(exact));
	assert_int_equal(gate_record_parse(exact, sizeof(exact), &r, err, sizeof(err)), 0);
	assert_int_equal(r.state, GATE_READY);
	assert_int_equal(r.since.tv_nsec, 0);
}

static struct gate_view view(enum gate_state s, bool alive)
{
	struct gate_view v;

	memset(&v, 0, sizeof(v));
	v.state = s;
	v.alive = alive;
	v.rec = record(s, s == GATE_EXITED ? 3 : 0, "");
	v.rec.since.tv_sec = 1000;
	return v;
}

static void test_view_ready(void **state)
{
	for (int s = GATE_NONE; s <= GATE_DONE; s++)
		for (int alive = 0; alive <= 1; alive++) {
			struct gate_view v = view((enum gate_state)s, alive);
			bool want = (s == GATE_READY && alive) || s == GATE_DONE;

			if (gate_view_ready(&v) != want)
				fail_msg("state %s alive %d: ready %d", gate_state_name(s), alive,
					 gate_view_ready(&v));
		}
}

static void test_view_describe(void **state)
{
	struct timespec now = {.tv_sec = 1012};
	struct timespec before = {.tv_sec = 990};
	struct gate_view v;
	char buf[160];

	v = view(GATE_NONE, false);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "no record yet");
	v = view(GATE_INVALID, false);
	snprintf(v.why, sizeof(v.why), "a symbolic link");
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "invalid record (a symbolic link)");
	v = view(GATE_EXITED, false);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "exited 3");
	v = view(GATE_DONE, false);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "done");
	v = view(GATE_STARTING, true);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "starting for 12s");
	gate_view_describe(&v, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "starting for 0s");
	gate_view_describe(&v, &before, buf, sizeof(buf)); /* clock went back */
	assert_string_equal(buf, "starting for 0s");
	v = view(GATE_READY, true);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "ready");
	v = view(GATE_STOPPING, true);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "stopping");
	v = view(GATE_READY, false);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "owner gone (was ready)");
	v = view(GATE_STARTING, false);
	gate_view_describe(&v, &now, buf, sizeof(buf));
	assert_string_equal(buf, "owner gone (was starting)");
	/* Never overruns. */
	memset(buf, 'x', sizeof(buf));
	gate_view_describe(&v, &now, buf, 6);
	assert_string_equal(buf, "owner");
	assert_int_equal(buf[6], 'x');
}

/* The shared directory, in forked children. */

static char base[PATH_MAX];

static int setup(void **state)
{
	unit_tmpdir(base, sizeof(base));
	return 0;
}

static int teardown(void **state)
{
	unit_rmtree(base);
	return 0;
}

/* A fresh directory under base for one scenario. */
static void scenario_dir(char *dir, size_t size, const char *name)
{
	CHECK(snprintf(dir, size, "%s/%s", base, name) < (int)size);
}

static void path_in(char *buf, size_t size, const char *dir, const char *file)
{
	CHECK(snprintf(buf, size, "%s/%s", dir, file) < (int)size);
}

static int open_or_die(const char *dir)
{
	char err[256] = "";

	if (gate_open(dir, true, err, sizeof(err)) < 0) {
		fprintf(stderr, "gate_open %s: %s\n", dir, err);
		_exit(1);
	}
	return 0;
}

/* An owner: another container's baton, driven one command at a time. */
struct owner {
	pid_t pid;
	int cmd, reply;
};

struct owner_cmd {
	char op;	/* 'c' claim text, 'p' publish, 'P' publish keeping the status */
	int state;
	int code;
	char text[GATE_STATUS_MAX + 1];
};

struct owner_reply {
	int rc;
	int err;
	char incarnation[GATE_INCARNATION_LEN + 1];
	char msg[256];
};

static void owner_loop(int in, int out)
{
	struct owner_cmd c;

	while (read(in, &c, sizeof(c)) == (ssize_t)sizeof(c)) {
		struct owner_reply r;

		memset(&r, 0, sizeof(r));
		errno = 0;
		if (c.op == 'c')
			r.rc = gate_claim(c.text, r.msg, sizeof(r.msg));
		else
			r.rc = gate_publish((enum gate_state)c.state, c.code,
					    c.op == 'P' ? NULL : c.text);
		r.err = errno;
		snprintf(r.incarnation, sizeof(r.incarnation), "%s", gate_incarnation());
		if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(3);
	}
	_exit(0);
}

static struct owner owner_start(void)
{
	int c[2], r[2];
	struct owner o;

	CHECK(pipe2(c, O_CLOEXEC) == 0);
	CHECK(pipe2(r, O_CLOEXEC) == 0);
	o.pid = fork();
	CHECK(o.pid >= 0);
	if (o.pid == 0) {
		close(c[1]);
		close(r[0]);
		owner_loop(c[0], r[1]);
	}
	close(c[0]);
	close(r[1]);
	o.cmd = c[1];
	o.reply = r[0];
	return o;
}

static struct owner_reply owner_do(struct owner *o, char op, enum gate_state s, int code,
				   const char *text)
{
	struct owner_cmd c;
	struct owner_reply r;
	struct pollfd p = {.fd = o->reply, .events = POLLIN};

	memset(&c, 0, sizeof(c));
	c.op = op;
	c.state = s;
	c.code = code;
	snprintf(c.text, sizeof(c.text), "%s", text ? text : "");
	CHECK(write(o->cmd, &c, sizeof(c)) == (ssize_t)sizeof(c));
	CHECK(poll(&p, 1, 10000) == 1);
	CHECK(read(o->reply, &r, sizeof(r)) == (ssize_t)sizeof(r));
	return r;
}

static void owner_claim(struct owner *o, const char *name, char *incarnation)
{
	struct owner_reply r = owner_do(o, 'c', 0, 0, name);

	if (r.rc != 0) {
		fprintf(stderr, "claim %s: %s\n", name, r.msg);
		_exit(1);
	}
	if (incarnation)
		memcpy(incarnation, r.incarnation, sizeof(r.incarnation));
}

static void owner_publish(struct owner *o, enum gate_state s, int code, const char *status)
{
	struct owner_reply r = owner_do(o, status ? 'p' : 'P', s, code, status);

	CHECK(r.rc == 0);
}

static void owner_kill(struct owner *o)
{
	kill(o->pid, SIGKILL);
	CHECK(unit_wait(o->pid) == 128 + SIGKILL);
	close(o->cmd);
	close(o->reply);
}

static struct gate_view read_view(const char *name)
{
	struct gate_view v;

	CHECK(gate_read(name, &v) == 0);
	return v;
}

static int open_scenario(void *arg)
{
	char dir[PATH_MAX], parent[PATH_MAX + 8], bell[PATH_MAX + 8];
	struct stat st, st2;
	int n = 0;
	DIR *d;
	struct dirent *e;
	pid_t pid;

	(void)arg;
	umask(022);
	scenario_dir(parent, sizeof(parent), "open");
	CHECK(snprintf(dir, sizeof(dir), "%s/shared/dir", parent) < (int)sizeof(dir));
	open_or_die(dir);
	CHECK_STR(gate_dir(), dir);

	CHECK(stat(dir, &st) == 0);
	CHECK(S_ISDIR(st.st_mode));
	CHECK((st.st_mode & 07777) == 01777); /* despite the umask */
	path_in(bell, sizeof(bell), parent, "shared");
	CHECK(stat(bell, &st) == 0);
	CHECK((st.st_mode & 07777) == 0755);

	path_in(bell, sizeof(bell), dir, GATE_BELL);
	CHECK(lstat(bell, &st) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK(st.st_size == GATE_BELL_SIZE);
	CHECK(st.st_blocks * 512 >= GATE_BELL_SIZE); /* allocated, not sparse */
	CHECK((st.st_mode & 0777) == 0666);

	/* Nothing else: the temporary bell is gone. */
	d = opendir(dir);
	CHECK(d != NULL);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			CHECK_STR(e->d_name, GATE_BELL);
			n++;
		}
	closedir(d);
	CHECK(n == 1);

	/* A second baton opens the same directory and the same bell. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char err[256];

		CHECK(gate_open(dir, true, err, sizeof(err)) == 0);
		_exit(0);
	}
	CHECK(unit_wait(pid) == 0);
	CHECK(stat(bell, &st2) == 0);
	CHECK(st2.st_ino == st.st_ino);
	return 0;
}

static void test_open_creates(void **state)
{
	assert_forked_ok(open_scenario, NULL);
}

static int open_error_scenario(void *arg)
{
	const char *which = arg;
	char dir[PATH_MAX], path[PATH_MAX + 16], err[256] = "";

	scenario_dir(dir, sizeof(dir), which);
	CHECK(mkdir(dir, 0755) == 0);
	path_in(path, sizeof(path), dir, GATE_BELL);
	if (strcmp(which, "under-file") == 0) {
		path_in(path, sizeof(path), dir, "file");
		CHECK(unit_write_file(path, "x", 0644) == 0);
		strcat(path, "/sub");
		CHECK(gate_open(path, true, err, sizeof(err)) == -1);
		CHECK_HAS(err, "cannot create");
		CHECK_HAS(err, path);
		return 0;
	}
	if (strcmp(which, "small-bell") == 0) {
		CHECK(unit_write_file(path, "tiny", 0666) == 0);
		CHECK(gate_open(dir, true, err, sizeof(err)) == -1);
		CHECK_HAS(err, "not a baton bell");
	} else if (strcmp(which, "symlink-bell") == 0) {
		char target[PATH_MAX + 16];

		path_in(target, sizeof(target), dir, "real");
		CHECK(unit_write_file(target, "", 0666) == 0);
		CHECK(truncate(target, GATE_BELL_SIZE) == 0);
		CHECK(symlink(target, path) == 0);
		CHECK(gate_open(dir, true, err, sizeof(err)) == -1);
		CHECK_HAS(err, "cannot open");
	} else if (strcmp(which, "dir-bell") == 0) {
		CHECK(mkdir(path, 0755) == 0);
		CHECK(gate_open(dir, true, err, sizeof(err)) == -1);
		CHECK_HAS(err, GATE_BELL);
	}
	return 0;
}

static void test_open_errors(void **state)
{
	assert_forked_ok(open_error_scenario, "under-file");
	assert_forked_ok(open_error_scenario, "small-bell");
	assert_forked_ok(open_error_scenario, "symlink-bell");
	assert_forked_ok(open_error_scenario, "dir-bell");
}

static int claim_scenario(void *arg)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], inc1[GATE_INCARNATION_LEN + 1],
		inc2[GATE_INCARNATION_LEN + 1];
	struct owner o1, o2, rival;
	struct gate_view v;
	struct timespec now;
	struct stat st;
	uint32_t before, *bell;
	int fd;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "claim");
	open_or_die(dir);

	/* Nothing yet. */
	v = read_view("web");
	CHECK(v.state == GATE_NONE);
	CHECK(!v.alive);
	CHECK(!gate_view_ready(&v));

	o1 = owner_start();
	owner_claim(&o1, "web", inc1);
	CHECK(strlen(inc1) == GATE_INCARNATION_LEN);
	CHECK(strspn(inc1, "0123456789abcdef") == GATE_INCARNATION_LEN);

	v = read_view("web");
	CHECK(v.state == GATE_STARTING);
	CHECK(v.alive);
	CHECK(v.rec.pid == o1.pid);
	CHECK_STR(v.rec.name, "web");
	CHECK_STR(v.rec.incarnation, inc1);
	CHECK_STR(v.rec.status, "");
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK(v.rec.since.tv_sec <= now.tv_sec && v.rec.since.tv_sec > now.tv_sec - 60);

	/* The record is a plain 0644 file, locked by its owner, with no temporary left. */
	path_in(path, sizeof(path), dir, "web");
	CHECK(lstat(path, &st) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK((st.st_mode & 0777) == 0644);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(flock(fd, LOCK_SH | LOCK_NB) == -1 && errno == EWOULDBLOCK);
	close(fd);
	path_in(path, sizeof(path), dir, ".web.tmp");
	CHECK(access(path, F_OK) == -1 && errno == ENOENT);
	path_in(path, sizeof(path), dir, ".web.lock");
	CHECK(access(path, F_OK) == 0);

	/* Every publish rings the bell. */
	path_in(path, sizeof(path), dir, GATE_BELL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	bell = mmap(NULL, GATE_BELL_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(bell != MAP_FAILED);
	close(fd);
	before = __atomic_load_n(bell, __ATOMIC_SEQ_CST);

	owner_publish(&o1, GATE_STARTING, 0, "warming up");
	CHECK(__atomic_load_n(bell, __ATOMIC_SEQ_CST) != before);
	v = read_view("web");
	CHECK(v.state == GATE_STARTING);
	CHECK_STR(v.rec.status, "warming up");
	CHECK_STR(v.rec.incarnation, inc1);

	/* NULL keeps the previous status. */
	owner_publish(&o1, GATE_READY, 0, NULL);
	v = read_view("web");
	CHECK(v.state == GATE_READY);
	CHECK(v.alive);
	CHECK(gate_view_ready(&v));
	CHECK_STR(v.rec.status, "warming up");

	/* Another baton cannot take the name while the owner lives. */
	rival = owner_start();
	{
		struct owner_reply r = owner_do(&rival, 'c', 0, 0, "web");

		CHECK(r.rc == -1);
		CHECK(r.err == EBUSY);
		CHECK_HAS(r.msg, "already published");
		CHECK_HAS(r.msg, inc1);
	}
	owner_kill(&rival);
	v = read_view("web");
	CHECK(v.state == GATE_READY && v.alive && v.rec.pid == o1.pid);

	owner_publish(&o1, GATE_EXITED, 3, "");
	v = read_view("web");
	CHECK(v.state == GATE_EXITED);
	CHECK(v.rec.exit_code == 3);
	CHECK(!gate_view_ready(&v));
	CHECK_STR(v.rec.status, "");

	/* The owner dies: the record stays, its owner is gone. */
	owner_kill(&o1);
	v = read_view("web");
	CHECK(v.state == GATE_EXITED);
	CHECK(!v.alive);

	/* Now the name can be claimed again, with a new incarnation. */
	o2 = owner_start();
	owner_claim(&o2, "web", inc2);
	CHECK(strcmp(inc1, inc2) != 0);
	v = read_view("web");
	CHECK(v.state == GATE_STARTING && v.alive && v.rec.pid == o2.pid);
	CHECK_STR(v.rec.incarnation, inc2);
	owner_kill(&o2);
	v = read_view("web");
	CHECK(v.state == GATE_STARTING && !v.alive);
	munmap(bell, GATE_BELL_SIZE);
	return 0;
}

static void test_claim_publish_read(void **state)
{
	assert_forked_ok(claim_scenario, NULL);
}

static int liveness_scenario(void *arg)
{
	char dir[PATH_MAX], buf[160];
	struct owner a, b;
	struct gate_view v;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "liveness");
	open_or_die(dir);

	a = owner_start();
	owner_claim(&a, "db", NULL);
	owner_publish(&a, GATE_READY, 0, "accepting");
	v = read_view("db");
	CHECK(v.state == GATE_READY && v.alive && gate_view_ready(&v));
	owner_kill(&a);
	v = read_view("db");
	CHECK(v.state == GATE_READY);
	CHECK(!v.alive);
	CHECK(!gate_view_ready(&v));
	gate_view_describe(&v, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "owner gone (was ready)");

	/* done outlives its owner: one-shot work stays ready. */
	b = owner_start();
	owner_claim(&b, "migrate", NULL);
	owner_publish(&b, GATE_DONE, 0, NULL);
	owner_kill(&b);
	v = read_view("migrate");
	CHECK(v.state == GATE_DONE);
	CHECK(!v.alive);
	CHECK(gate_view_ready(&v));

	/* Publishing without a claim is refused. */
	errno = 0;
	CHECK(gate_publish(GATE_READY, 0, NULL) == -1);
	CHECK(errno == EBADF);
	return 0;
}

static void test_liveness(void **state)
{
	assert_forked_ok(liveness_scenario, NULL);
}

/* A bell shrunk, removed or replaced under the mapping: publishing neither faults nor fails. */
static int damaged_bell_scenario(void *arg)
{
	const char *which = arg;
	char dir[PATH_MAX], bell[PATH_MAX + 16], err[256];
	struct stat st;

	scenario_dir(dir, sizeof(dir), which);
	open_or_die(dir);
	path_in(bell, sizeof(bell), dir, GATE_BELL);
	CHECK(gate_claim("svc", err, sizeof(err)) == 0);
	if (strcmp(which, "bell-truncated") == 0)
		CHECK(truncate(bell, 0) == 0);
	else if (strcmp(which, "bell-removed") == 0)
		CHECK(unlink(bell) == 0);
	else if (strcmp(which, "bell-fifo") == 0)
		CHECK(unlink(bell) == 0 && mkfifo(bell, 0666) == 0);
	CHECK(gate_publish(GATE_READY, 0, NULL) == 0);
	CHECK(gate_publish(GATE_STOPPING, 0, NULL) == 0);
	/* Mended: a whole regular bell again. */
	CHECK(lstat(bell, &st) == 0);
	CHECK(S_ISREG(st.st_mode));
	CHECK(st.st_size >= GATE_BELL_SIZE);
	return 0;
}

static void test_damaged_bell(void **state)
{
	assert_forked_ok(damaged_bell_scenario, "bell-truncated");
	assert_forked_ok(damaged_bell_scenario, "bell-removed");
	assert_forked_ok(damaged_bell_scenario, "bell-fifo");
}

/* Out of descriptors: gate_read says so (-1, EMFILE), it does not call the record invalid. */
static int own_shortage_scenario(void *arg)
{
	char dir[PATH_MAX], err[256];
	struct gate_view v;
	struct rlimit rl;
	int fd;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "shortage");
	open_or_die(dir);
	CHECK(gate_claim("svc", err, sizeof(err)) == 0);
	fd = dup(0);
	CHECK(fd >= 0);
	rl.rlim_cur = rl.rlim_max = (rlim_t)fd + 1;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	errno = 0;
	CHECK(gate_read("svc", &v) == -1);
	CHECK(errno == EMFILE);
	CHECK(v.state == GATE_NONE);
	close(fd);
	v = read_view("svc");
	CHECK(v.state == GATE_STARTING && v.alive);
	return 0;
}

static void test_own_shortage(void **state)
{
	assert_forked_ok(own_shortage_scenario, NULL);
}

static int untrusted_scenario(void *arg)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], target[PATH_MAX + 16], buf[160];
	static char big[GATE_RECORD_MAX + 100];
	struct gate_view v;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "untrusted");
	open_or_die(dir);

	/* A valid record elsewhere, reached through a symlink: never followed. */
	path_in(target, sizeof(target), dir, ".target");
	CHECK(unit_write_file(target, HDR "state=done\nsince=1\npid=1\nexit=0\n", 0644) == 0);
	path_in(path, sizeof(path), dir, "web");
	CHECK(symlink(target, path) == 0);
	v = read_view("web");
	CHECK(v.state == GATE_INVALID);
	CHECK_STR(v.why, "a symbolic link");
	CHECK(!gate_view_ready(&v));
	gate_view_describe(&v, NULL, buf, sizeof(buf));
	CHECK_STR(buf, "invalid record (a symbolic link)");

	/* A directory, and a FIFO (which must not block the reader). */
	path_in(path, sizeof(path), dir, "sub");
	CHECK(mkdir(path, 0755) == 0);
	v = read_view("sub");
	CHECK(v.state == GATE_INVALID);
	CHECK_STR(v.why, "not a regular file");
	path_in(path, sizeof(path), dir, "fifo");
	CHECK(mkfifo(path, 0644) == 0);
	v = read_view("fifo");
	CHECK(v.state == GATE_INVALID);
	CHECK_STR(v.why, "not a regular file");

	/* Garbage, and a record that claims another name. */
	path_in(path, sizeof(path), dir, "junk");
	CHECK(unit_write_file(path, "version=1\nname=junk", 0644) == 0);
	v = read_view("junk");
	CHECK(v.state == GATE_INVALID);
	CHECK_HAS(v.why, "newline");
	path_in(path, sizeof(path), dir, "other");
	CHECK(unit_write_file(path, HDR "state=ready\nsince=1\npid=1\n", 0644) == 0);
	v = read_view("other");
	CHECK(v.state == GATE_INVALID);
	CHECK_STR(v.why, "it names 'web'");

	/* Oversize. */
	memset(big, 'x', sizeof(big) - 1);
	path_in(path, sizeof(path), dir, "big");
	CHECK(unit_write_file(path, big, 0644) == 0);
	v = read_view("big");
	CHECK(v.state == GATE_INVALID);
	CHECK_HAS(v.why, "larger than");

	/* A well-formed record that nobody holds: ready, but not alive, so not ready. */
	path_in(path, sizeof(path), dir, "web2");
	CHECK(unit_write_file(path, "version=1\nname=web2\nincarnation=" INC
				    "\nstate=ready\nsince=1\npid=1\n",
			      0644) == 0);
	v = read_view("web2");
	CHECK(v.state == GATE_READY);
	CHECK(!v.alive);
	CHECK(!gate_view_ready(&v));
	return 0;
}

static void test_untrusted_records(void **state)
{
	assert_forked_ok(untrusted_scenario, NULL);
}

static int list_scenario(void *arg)
{
	static const char *const files[] = {"web", "db", "a-1", ".hidden", ".web.lock", "Bad",
					    "x_y", "-lead", "tail-"};
	char dir[PATH_MAX], path[PATH_MAX + 80], names[8][GATE_NAME_MAX + 1], n64[65];
	int n;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "list");
	open_or_die(dir);
	CHECK(gate_list(names, 8) == 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		path_in(path, sizeof(path), dir, files[i]);
		CHECK(unit_write_file(path, "x\n", 0644) == 0);
	}
	memset(n64, 'n', 64);
	n64[64] = '\0';
	path_in(path, sizeof(path), dir, n64);
	CHECK(unit_write_file(path, "x\n", 0644) == 0);

	n = gate_list(names, 8);
	CHECK(n == 3);
	CHECK_STR(names[0], "a-1");
	CHECK_STR(names[1], "db");
	CHECK_STR(names[2], "web");
	/* A short array gets what fits, still sorted. */
	n = gate_list(names, 2);
	CHECK(n == 2);
	CHECK(strcmp(names[0], names[1]) < 0);
	CHECK(gate_name_valid(names[0]) && gate_name_valid(names[1]));
	return 0;
}

static void test_list(void **state)
{
	assert_forked_ok(list_scenario, NULL);
}

/* Waiting on the loop. */

static struct {
	struct ev_loop *loop;
	int calls;
	bool ready;
	double at;
	int calls_at_second;
	struct owner *a, *b;
	char (*names)[GATE_NAME_MAX + 1];
} aw;

static void on_done(bool ready)
{
	aw.calls++;
	aw.ready = ready;
	aw.at = unit_now();
	ev_break(aw.loop, EVBREAK_ALL);
}

static void on_safety(struct ev_loop *loop, ev_timer *w, int revents)
{
	ev_break(loop, EVBREAK_ALL);
}

static int saved_stderr = -1;

/* stderr into a pipe until read_captured(); returns the read end. */
static int capture_stderr(void)
{
	int p[2];

	CHECK(pipe2(p, O_CLOEXEC | O_NONBLOCK) == 0);
	saved_stderr = dup(STDERR_FILENO);
	CHECK(saved_stderr >= 0);
	CHECK(dup2(p[1], STDERR_FILENO) == STDERR_FILENO);
	close(p[1]);
	return p[0];
}

/* Puts stderr back (so CHECK can report) and reads what was captured. */
static void read_captured(int fd, char *buf, size_t size)
{
	ssize_t n;

	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

static int await_ready_scenario(void *arg)
{
	char dir[PATH_MAX], names[2][GATE_NAME_MAX + 1] = {"db", "job"}, log[4096];
	struct owner a, b;
	int logfd, rc;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "await-ready");
	open_or_die(dir);
	a = owner_start();
	owner_claim(&a, "db", NULL);
	owner_publish(&a, GATE_READY, 0, NULL);
	b = owner_start();
	owner_claim(&b, "job", NULL);
	owner_publish(&b, GATE_DONE, 0, NULL);
	owner_kill(&b);

	logfd = capture_stderr();
	aw.loop = ev_loop_new(EVFLAG_NOENV);
	rc = gate_await_start(aw.loop, names, 2, -1, on_done);
	read_captured(logfd, log, sizeof(log));
	CHECK(rc == 1);
	CHECK(aw.calls == 0);
	CHECK_HAS(log, "db is ready");
	CHECK_HAS(log, "job is ready");
	owner_kill(&a);
	ev_loop_destroy(aw.loop);
	return 0;
}

static void test_await_already_ready(void **state)
{
	assert_forked_ok(await_ready_scenario, NULL);
}

static void on_first(struct ev_loop *loop, ev_timer *w, int revents)
{
	owner_publish(aw.a, GATE_READY, 0, NULL);
}

static void on_second(struct ev_loop *loop, ev_timer *w, int revents)
{
	/* db is ready, cache has no record: done must not have been called. */
	aw.calls_at_second = aw.calls;
	owner_claim(aw.b, "cache", NULL);
	owner_publish(aw.b, GATE_READY, 0, NULL);
}

static int await_wait_scenario(void *arg)
{
	char dir[PATH_MAX], names[2][GATE_NAME_MAX + 1] = {"db", "cache"}, log[8192];
	struct owner a, b;
	ev_timer first, second, safety;
	int logfd;
	double start;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "await-wait");
	open_or_die(dir);
	a = owner_start();
	owner_claim(&a, "db", NULL);
	b = owner_start();
	aw.a = &a;
	aw.b = &b;
	aw.calls_at_second = -1;
	logfd = capture_stderr();

	start = unit_now(); /* before the loop: its timers count from its creation */
	aw.loop = ev_loop_new(EVFLAG_NOENV);
	CHECK(gate_await_start(aw.loop, names, 2, 30, on_done) == 0);
	CHECK(aw.calls == 0);
	ev_timer_init(&first, on_first, 0.05, 0);
	ev_timer_start(aw.loop, &first);
	ev_timer_init(&second, on_second, 0.15, 0);
	ev_timer_start(aw.loop, &second);
	ev_timer_init(&safety, on_safety, 20, 0);
	ev_timer_start(aw.loop, &safety);
	ev_run(aw.loop, 0);
	read_captured(logfd, log, sizeof(log));

	CHECK(aw.calls_at_second == 0);
	CHECK(aw.calls == 1);
	CHECK(aw.ready);
	CHECK(aw.at - start >= 0.14);
	CHECK_HAS(log, "waiting for db (starting for ");
	CHECK_HAS(log, "cache (no record yet)");
	CHECK_HAS(log, "db is ready");
	CHECK_HAS(log, "cache is ready");

	/* Nothing more after done: the helper thread and the watchers are stopped. */
	owner_publish(&a, GATE_STOPPING, 0, NULL);
	ev_timer_stop(aw.loop, &safety);
	ev_timer_set(&safety, 0.1, 0);
	ev_timer_start(aw.loop, &safety);
	ev_run(aw.loop, 0);
	CHECK(aw.calls == 1);
	owner_kill(&a);
	owner_kill(&b);
	return 0;
}

static void test_await_waits_for_publish(void **state)
{
	assert_forked_ok(await_wait_scenario, NULL);
}

static int await_timeout_scenario(void *arg)
{
	char dir[PATH_MAX], names[1][GATE_NAME_MAX + 1] = {"never"}, log[8192];
	ev_timer safety;
	double start;
	int logfd;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "await-timeout");
	open_or_die(dir);
	logfd = capture_stderr();
	start = unit_now();
	aw.loop = ev_loop_new(EVFLAG_NOENV);
	CHECK(gate_await_start(aw.loop, names, 1, 0.2, on_done) == 0);
	ev_timer_init(&safety, on_safety, 20, 0);
	ev_timer_start(aw.loop, &safety);
	ev_run(aw.loop, 0);
	read_captured(logfd, log, sizeof(log));
	CHECK(aw.calls == 1);
	CHECK(!aw.ready);
	CHECK(aw.at - start >= 0.19);
	CHECK_HAS(log, "timed out");
	CHECK_HAS(log, "never: no record yet");
	return 0;
}

static void test_await_timeout(void **state)
{
	assert_forked_ok(await_timeout_scenario, NULL);
}

static int await_stop_scenario(void *arg)
{
	char dir[PATH_MAX], names[1][GATE_NAME_MAX + 1] = {"late"}, log[4096];
	struct owner a;
	ev_timer safety;
	int logfd, rc;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "await-stop");
	open_or_die(dir);
	a = owner_start();
	logfd = capture_stderr();
	aw.loop = ev_loop_new(EVFLAG_NOENV);
	rc = gate_await_start(aw.loop, names, 1, 0.05, on_done);
	gate_await_stop();
	read_captured(logfd, log, sizeof(log));
	CHECK(rc == 0);
	CHECK_HAS(log, "waiting for late (no record yet)");
	owner_claim(&a, "late", NULL);
	owner_publish(&a, GATE_READY, 0, NULL);
	/* Neither the publish nor the (stopped) timeout calls done. */
	ev_timer_init(&safety, on_safety, 0.2, 0);
	ev_timer_start(aw.loop, &safety);
	ev_run(aw.loop, 0);
	CHECK(aw.calls == 0);
	owner_kill(&a);
	return 0;
}

static void test_await_stop(void **state)
{
	assert_forked_ok(await_stop_scenario, NULL);
}

/* Watching one name (--exit-with): a call after each publish, and when the owner dies. */

static struct {
	int stage;
	int calls;
	struct owner *o;
} wt;

static void on_claim_later(struct ev_loop *loop, ev_timer *w, int revents)
{
	owner_claim(wt.o, "peer", NULL);
}

static void on_changed(void)
{
	struct gate_view v = read_view("peer");

	wt.calls++;
	if (wt.stage == 0 && v.state == GATE_STARTING && v.alive) {
		wt.stage = 1;
		owner_publish(wt.o, GATE_READY, 0, NULL);
	} else if (wt.stage == 1 && v.state == GATE_READY && v.alive) {
		/* Its owner dies, publishing nothing. */
		wt.stage = 2;
		kill(wt.o->pid, SIGKILL);
		CHECK(unit_wait(wt.o->pid) == 128 + SIGKILL);
	} else if (wt.stage == 2 && v.state == GATE_READY && !v.alive) {
		wt.stage = 3;
		ev_break(aw.loop, EVBREAK_ALL);
	}
}

static int watch_scenario(void *arg)
{
	char dir[PATH_MAX];
	struct owner a, b;
	ev_timer claim, safety;
	int calls;

	(void)arg;
	scenario_dir(dir, sizeof(dir), "watch");
	open_or_die(dir);
	a = owner_start();
	b = owner_start();
	wt.o = &a;
	aw.loop = ev_loop_new(EVFLAG_NOENV);
	/* No record yet: the first change is the claim. */
	CHECK(gate_watch_start(aw.loop, "peer", on_changed) == 0);
	ev_timer_init(&claim, on_claim_later, 0.05, 0);
	ev_timer_start(aw.loop, &claim);
	ev_timer_init(&safety, on_safety, 20, 0);
	ev_timer_start(aw.loop, &safety);
	ev_run(aw.loop, 0);
	if (wt.stage != 3)
		fprintf(stderr, "watch: stuck at stage %d after %d calls\n", wt.stage, wt.calls);
	CHECK(wt.stage == 3);

	/* Stopped: a new owner's publishes call nothing. */
	gate_watch_stop();
	calls = wt.calls;
	owner_claim(&b, "peer", NULL);
	owner_publish(&b, GATE_READY, 0, NULL);
	ev_timer_stop(aw.loop, &safety);
	ev_timer_set(&safety, 0.2, 0);
	ev_timer_start(aw.loop, &safety);
	ev_run(aw.loop, 0);
	CHECK(wt.calls == calls);
	owner_kill(&b);
	close(a.cmd);
	close(a.reply);
	return 0;
}

static void test_watch(void **state)
{
	assert_forked_ok(watch_scenario, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_view_ready),
		cmocka_unit_test(test_view_describe),
		cmocka_unit_test(test_open_creates),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_claim_publish_read),
		cmocka_unit_test(test_liveness),
		cmocka_unit_test(test_damaged_bell),
		cmocka_unit_test(test_own_shortage),
		cmocka_unit_test(test_untrusted_records),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_await_already_ready),
		cmocka_unit_test(test_await_waits_for_publish),
		cmocka_unit_test(test_await_timeout),
		cmocka_unit_test(test_await_stop),
		cmocka_unit_test(test_watch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
