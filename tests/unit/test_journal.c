// SPDX-License-Identifier: MIT
/*
 * journal: the pure line format, then the writer and reader on a mkdtemp directory, including
 * what other containers may leave there (garbage, cut-off lines, symlinks, FIFOs, directories,
 * huge files) and the rotation past the bound.
 */
#include "unit.h"

#include "journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#define INC "0123456789abcdef0123456789abcdef"

static char base[256];

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

static struct journal_entry entry(enum journal_event ev, const char *arg)
{
	struct journal_entry e = { .ns = 1765000000123456789LL, .event = ev };

	strcpy(e.name, "web");
	strcpy(e.incarnation, INC);
	snprintf(e.arg, sizeof(e.arg), "%s", arg);
	return e;
}

static void assert_parses(const char *line, struct journal_entry *e)
{
	if (journal_parse(line, strlen(line), e) < 0)
		fail_msg("'%s' should parse", line);
}

static void test_format_exact(void **state)
{
	struct journal_entry e = entry(JOURNAL_STARTED, "/usr/bin/web server");
	char buf[JOURNAL_LINE_MAX];

	assert_int_equal(journal_format(&e, buf, sizeof(buf)), 86);
	assert_string_equal(buf, "1765000000.123456789 web " INC " started /usr/bin/web server\n");
	e = entry(JOURNAL_WAITING, "db,cache");
	journal_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "1765000000.123456789 web " INC " waiting db,cache\n");
	e = entry(JOURNAL_READY, "ignored");
	journal_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "1765000000.123456789 web " INC " ready\n");
	e = entry(JOURNAL_EXITED, "");
	e.code = 3;
	journal_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "1765000000.123456789 web " INC " exited 3\n");
	e.signaled = true;
	e.code = 9;
	e.ns = 5;
	journal_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "0.000000005 web " INC " exited signal 9\n");
	/* Bytes another container cannot read back become '?'. */
	e = entry(JOURNAL_STARTED, "a\nb\x01\xc3");
	journal_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "1765000000.123456789 web " INC " started a?b??\n");
}

static void test_format_rejects(void **state)
{
	struct journal_entry e;
	char buf[JOURNAL_LINE_MAX];

	e = entry(JOURNAL_STARTED, "");
	assert_int_equal(journal_format(&e, buf, sizeof(buf)), -1);
	e = entry(JOURNAL_WAITING, "db,Cache");
	assert_int_equal(journal_format(&e, buf, sizeof(buf)), -1);
	e = entry(JOURNAL_EXITED, "");
	e.code = 256;
	assert_int_equal(journal_format(&e, buf, sizeof(buf)), -1);
	e.signaled = true;
	e.code = 0;
	assert_int_equal(journal_format(&e, buf, sizeof(buf)), -1);
	e = entry(JOURNAL_READY, "");
	strcpy(e.name, "Web");
	assert_int_equal(journal_format(&e, buf, sizeof(buf)), -1);
	e = entry(JOURNAL_READY, "");
	strcpy(e.incarnation, "xyz");
	assert_int_equal(journal_format(&e, buf, sizeof(buf)), -1);
	e = entry(JOURNAL_READY, "");
	assert_int_equal(journal_format(&e, buf, 20), -1);
}

static void test_round_trip(void **state)
{
	static const char *const lines[] = {
		"1765000000.123456789 web " INC " waiting a,b-c,d0",
		"1765000000.123456789 web " INC " started /bin/sh -c 'exit 3'",
		"1765000000.000000000 web " INC " ready",
		"1.000000001 a 0 stopping",
		"1765000000.123456789 web " INC " exited 255",
		"1765000000.123456789 web " INC " exited 0",
		"9223372035.999999999 web " INC " exited signal 64",
	};
	struct journal_entry e, again;
	char buf[JOURNAL_LINE_MAX];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		int len;

		assert_parses(lines[i], &e);
		len = journal_format(&e, buf, sizeof(buf));
		assert_true(len > 0);
		assert_int_equal(buf[len - 1], '\n');
		assert_int_equal((size_t)len - 1, strlen(lines[i]));
		assert_memory_equal(buf, lines[i], (size_t)len - 1);
		assert_int_equal(journal_parse(buf, (size_t)len - 1, &again), 0);
		assert_memory_equal(&e, &again, sizeof(e));
	}
	assert_parses("1.000000001 a 0 exited signal 15", &e);
	assert_true(e.signaled);
	assert_int_equal(e.code, 15);
	assert_int_equal(e.ns, 1000000001);
	assert_string_equal(journal_event_name(e.event), "exited");
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"1765000000 web " INC " ready",
		"1765000000.12345678 web " INC " ready",
		"1765000000.1234567890 web " INC " ready",
		"17650000001.123456789 web " INC " ready",
		"9223372036.000000000 web " INC " ready",
		"-1.123456789 web " INC " ready",
		"1.123456789 Web " INC " ready",
		"1.123456789 -web " INC " ready",
		"1.123456789 web " INC "0 ready",
		"1.123456789 web 0123X ready",
		"1.123456789 web " INC " readyy",
		"1.123456789 web " INC " ready ",
		"1.123456789 web " INC " ready now",
		"1.123456789 web " INC " stopping x",
		"1.123456789 web " INC " started",
		"1.123456789 web " INC " started ",
		"1.123456789 web " INC " waiting",
		"1.123456789 web " INC " waiting db,",
		"1.123456789 web " INC " waiting db cache",
		"1.123456789 web " INC " exited",
		"1.123456789 web " INC " exited 256",
		"1.123456789 web " INC " exited 03",
		"1.123456789 web " INC " exited 00",
		"1.123456789 web " INC " exited signal 09",
		"1.123456789 web " INC " exited -1",
		"1.123456789 web " INC " exited signal 0",
		"1.123456789 web " INC " exited signal 65",
		"1.123456789 web " INC " exited signal",
		"1.123456789 web " INC " started a\tb",
		"1.123456789  web " INC " ready",
		"1.123456789 web  " INC " ready",
	};
	struct journal_entry e;
	char longer[600];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (journal_parse(bad[i], strlen(bad[i]), &e) == 0)
			fail_msg("'%s' should not parse", bad[i]);
	/* A NUL inside, and an argument longer than the format ever writes. */
	assert_int_equal(journal_parse("1.123456789 w\0b 0 ready", 23, &e), -1);
	snprintf(longer, sizeof(longer), "1.123456789 web 0 started %0300d", 0);
	assert_int_equal(journal_parse(longer, strlen(longer), &e), -1);
}

static void path_in(char *buf, size_t size, const char *dir, const char *file)
{
	assert_true(snprintf(buf, size, "%s/%s", dir, file) < (int)size);
}

static void fresh_dir(char *dir, size_t size, const char *name)
{
	path_in(dir, size, base, name);
	assert_int_equal(mkdir(dir, 0755), 0);
}

static void test_write_read(void **state)
{
	char dir[512], path[600];
	struct journal_entry *e;
	int n, skipped;
	char names[2][GATE_NAME_MAX + 1] = { "db", "cache" };

	fresh_dir(dir, sizeof(dir), "wr");
	assert_int_equal(journal_read(dir, &e, &skipped), 0);
	journal_open(dir, "/usr/local/bin/My_Server.v2", "");
	journal_note_waiting(names, 2);
	journal_note(JOURNAL_STARTED, false, 0, "/usr/bin/web");
	journal_note(JOURNAL_READY, false, 0, NULL);
	journal_note(JOURNAL_EXITED, true, 15, NULL);
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	n = journal_read(dir, &e, &skipped);
	assert_int_equal(n, 4);
	assert_int_equal(skipped, 0);
	/* An unnamed baton journals as its PROGRAM's name, with an incarnation of its own. */
	assert_string_equal(e[0].name, "my-server-v2");
	assert_int_equal(strlen(e[0].incarnation), 16);
	assert_int_equal(e[0].event, JOURNAL_WAITING);
	assert_string_equal(e[0].arg, "db,cache");
	assert_int_equal(e[1].event, JOURNAL_STARTED);
	assert_string_equal(e[1].arg, "/usr/bin/web");
	assert_int_equal(e[2].event, JOURNAL_READY);
	assert_int_equal(e[3].event, JOURNAL_EXITED);
	assert_true(e[3].signaled);
	assert_int_equal(e[3].code, 15);
	for (int i = 1; i < n; i++)
		assert_true(e[i].ns >= e[i - 1].ns);
	free(e);
}

static void test_untrusted_journal(void **state)
{
	char dir[512], path[600], target[600], text[4096];
	struct journal_entry *e;
	int n, skipped, fd;
	struct stat st;

	/* Garbage and a line cut off by a truncate: ours starts on a line of its own. */
	fresh_dir(dir, sizeof(dir), "garbage");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	assert_int_equal(unit_write_file(path, "garbage\n\x01\x02\n1.123456789 web 0 rea", 0666),
			 0);
	journal_open(dir, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	n = journal_read(dir, &e, &skipped);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 3);
	assert_string_equal(e[0].incarnation, INC);
	free(e);

	/* A symlink is neither followed by the writer nor by the reader. */
	fresh_dir(dir, sizeof(dir), "symlink");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	path_in(target, sizeof(target), dir, "target");
	assert_int_equal(unit_write_file(target, "", 0644), 0);
	assert_int_equal(symlink(target, path), 0);
	journal_open(dir, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 0);
	assert_int_equal(journal_read(dir, &e, &skipped), 0);
	assert_int_equal(skipped, 1);
	free(e);

	/* A FIFO without a reader (the writer must not block), then with one. */
	fresh_dir(dir, sizeof(dir), "fifo");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	assert_int_equal(mkfifo(path, 0666), 0);
	journal_open(dir, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	fd = open(path, O_RDONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	journal_note(JOURNAL_READY, false, 0, NULL);
	assert_int_equal(read(fd, text, sizeof(text)), 0);
	assert_int_equal(journal_read(dir, &e, &skipped), 0);
	assert_int_equal(skipped, 1);
	free(e);
	close(fd);

	/* A directory in its place. */
	fresh_dir(dir, sizeof(dir), "dir");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	assert_int_equal(mkdir(path, 0755), 0);
	journal_open(dir, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	assert_int_equal(journal_read(dir, &e, &skipped), 0);
	assert_int_equal(skipped, 1);
	free(e);

	/* A directory that does not exist. */
	path_in(path, sizeof(path), base, "nowhere");
	journal_open(path, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	assert_int_equal(journal_read(path, &e, &skipped), 0);
	free(e);
}

static void test_rotation(void **state)
{
	char dir[512], path[600], old[600];
	struct journal_entry *e;
	struct stat st, st_old;
	int n, skipped, notes = 0;

	fresh_dir(dir, sizeof(dir), "rotate");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	path_in(old, sizeof(old), dir, JOURNAL_OLD_FILE);
	journal_open(dir, "web", INC);
	while (stat(old, &st_old) < 0) {
		journal_note(JOURNAL_STARTED, false, 0, "/usr/bin/a-program-with-a-long-name");
		notes++;
		assert_true(notes < 10000);
	}
	assert_true(st_old.st_size > JOURNAL_MAX_BYTES);
	for (int i = 0; i < 2 * notes; i++)
		journal_note(JOURNAL_READY, false, 0, NULL);
	assert_int_equal(stat(path, &st), 0);
	/* Both files stay near the bound; a reader sees at most both. */
	assert_true(st.st_size <= JOURNAL_MAX_BYTES + JOURNAL_LINE_MAX);
	assert_int_equal(stat(old, &st_old), 0);
	assert_true(st_old.st_size <= JOURNAL_MAX_BYTES + JOURNAL_LINE_MAX);
	n = journal_read(dir, &e, &skipped);
	assert_int_equal(skipped, 0);
	assert_true(n >= notes);
	assert_true(n <= 2 * notes);
	/* The oldest entries went first: what is left is the newest. */
	for (int i = 0; i < n; i++)
		assert_int_equal(e[i].event, JOURNAL_READY);
	free(e);
}

/*
 * Many writers at once, rotating all the time: every line whole, and once all are done the
 * journal within its bound. .journal.1 may pass JOURNAL_MAX_BYTES while the writer that won
 * the rotation lock is descheduled before its rename, but never the hard bound (see
 * journal.h). Then each writes one last line (after all are done, so the oldest dropped cannot
 * be one of these): all of them are there.
 */
static void test_concurrent_writers(void **state)
{
	enum { WRITERS = 8, LINES = 1500 };
	char dir[512], path[600], old[600], c, buf[2];
	struct journal_entry *e;
	struct stat st;
	pid_t pids[WRITERS];
	int n, skipped, done[2], go[2];

	fresh_dir(dir, sizeof(dir), "concurrent");
	assert_int_equal(pipe(done), 0);
	assert_int_equal(pipe(go), 0);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			char name[16], arg[32];

			close(go[1]);
			snprintf(name, sizeof(name), "w%d", w);
			journal_open(dir, name, "");
			for (int i = 0; i < LINES; i++) {
				snprintf(arg, sizeof(arg), "/bin/line-%d", i);
				journal_note(JOURNAL_STARTED, false, 0, arg);
			}
			CHECK(write(done[1], "x", 1) == 1);
			CHECK(read(go[0], &c, 1) == 0);
			journal_note(JOURNAL_STARTED, false, 0, "/bin/last");
			_exit(0);
		}
	}
	close(go[0]);
	for (int w = 0; w < WRITERS; w++)
		assert_int_equal(unit_read_timeout(done[0], buf, sizeof(buf), 60000), 1);
	close(go[1]);
	for (int w = 0; w < WRITERS; w++)
		assert_int_equal(unit_wait(pids[w]), 0);
	close(done[0]);
	close(done[1]);
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	path_in(old, sizeof(old), dir, JOURNAL_OLD_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size <= JOURNAL_MAX_BYTES);
	/* Rotated only past the bound. */
	assert_int_equal(stat(old, &st), 0);
	assert_true(st.st_size > JOURNAL_MAX_BYTES);
	assert_true(st.st_size <= JOURNAL_HARD_MAX_BYTES + WRITERS * JOURNAL_LINE_MAX);
	n = journal_read(dir, &e, &skipped);
	assert_int_equal(skipped, 0);
	for (int w = 0; w < WRITERS; w++) {
		char name[16];
		bool last = false;

		snprintf(name, sizeof(name), "w%d", w);
		for (int i = 0; i < n && !last; i++)
			last = strcmp(e[i].name, name) == 0 && strcmp(e[i].arg, "/bin/last") == 0;
		if (!last)
			fail_msg("the last line of %s is gone", name);
	}
	free(e);
}

static void test_huge_file(void **state)
{
	char dir[512], path[600];
	struct journal_entry *e;
	struct stat st;
	int n, skipped, fd;

	fresh_dir(dir, sizeof(dir), "huge");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	fd = open(path, O_WRONLY | O_CREAT, 0666);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64 << 20), 0); /* 64 MiB of NUL bytes */
	close(fd);
	n = journal_read(dir, &e, &skipped);
	assert_int_equal(n, 0);
	free(e);
	journal_open(dir, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	/* The writer's rotation moved it aside; the reader reads only its tail. */
	assert_int_equal(stat(path, &st), -1);
	n = journal_read(dir, &e, &skipped);
	assert_int_equal(n, 1);
	free(e);
}

/*
 * A lock on .journal held by someone else forever (a stopped container, or not a baton): the
 * journal still rotates once it is far past the bound, and never grows past the hard bound.
 */
static void test_lock_held_elsewhere(void **state)
{
	char dir[512], path[600], old[600];
	struct stat st;
	int fd, notes = 0;

	(void)state;
	fresh_dir(dir, sizeof(dir), "held");
	path_in(path, sizeof(path), dir, JOURNAL_FILE);
	path_in(old, sizeof(old), dir, JOURNAL_OLD_FILE);
	journal_open(dir, "web", INC);
	journal_note(JOURNAL_READY, false, 0, NULL);
	/* An open file description of our own: its flock conflicts with the writer's. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX), 0);
	while (stat(old, &st) < 0) {
		journal_note(JOURNAL_STARTED, false, 0, "/usr/bin/a-program-with-a-long-name");
		if (stat(path, &st) == 0) /* gone right after the rotation */
			assert_true(st.st_size <= JOURNAL_HARD_MAX_BYTES + JOURNAL_LINE_MAX);
		assert_true(++notes < 100000);
	}
	assert_true(st.st_size > JOURNAL_HARD_MAX_BYTES);
	assert_true(st.st_size <= JOURNAL_HARD_MAX_BYTES + JOURNAL_LINE_MAX);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_exact),
		cmocka_unit_test(test_format_rejects),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_write_read),
		cmocka_unit_test(test_untrusted_journal),
		cmocka_unit_test(test_rotation),
		cmocka_unit_test(test_concurrent_writers),
		cmocka_unit_test(test_lock_held_elsewhere),
		cmocka_unit_test(test_huge_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
