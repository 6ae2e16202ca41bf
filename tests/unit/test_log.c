// SPDX-License-Identifier: MIT
/*
 * log: level parsing and filtering, and the output itself: one write per line on fd 2 with the
 * `baton[name]: ` prefix, nothing on fd 1. fd 1 and fd 2 are pipes while a test captures them.
 */
#include "unit.h"

#include "log.h"

static int saved_out = -1, saved_err = -1;
static int out_pipe[2], err_pipe[2];

static void capture_start(void)
{
	fflush(stdout);
	fflush(stderr);
	assert_int_equal(pipe2(out_pipe, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(pipe2(err_pipe, O_NONBLOCK | O_CLOEXEC), 0);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	assert_true(saved_out >= 0 && saved_err >= 0);
	assert_int_equal(dup2(out_pipe[1], STDOUT_FILENO), STDOUT_FILENO);
	assert_int_equal(dup2(err_pipe[1], STDERR_FILENO), STDERR_FILENO);
}

/* Restores fd 1 and 2 first (cmocka reports on them), then reads what was captured. */
static void capture_stop(char *out, size_t outsize, char *errbuf, size_t errsize)
{
	ssize_t n;

	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	close(out_pipe[1]);
	close(err_pipe[1]);
	n = read(out_pipe[0], out, outsize - 1);
	out[n > 0 ? n : 0] = '\0';
	n = read(err_pipe[0], errbuf, errsize - 1);
	errbuf[n > 0 ? n : 0] = '\0';
	close(out_pipe[0]);
	close(err_pipe[0]);
}

static void test_parse_level(void **state)
{
	static const struct {
		const char *s;
		int level;
	} cases[] = {
		{"error", LOG_LEVEL_ERROR}, {"warn", LOG_LEVEL_WARN},	{"warning", LOG_LEVEL_WARN},
		{"info", LOG_LEVEL_INFO},   {"debug", LOG_LEVEL_DEBUG}, {"DEBUG", LOG_LEVEL_DEBUG},
		{"Info", LOG_LEVEL_INFO},   {"0", LOG_LEVEL_ERROR},	{"1", LOG_LEVEL_WARN},
		{"2", LOG_LEVEL_INFO},	    {"3", LOG_LEVEL_DEBUG},	{"4", -1},
		{"", -1},		    {"00", -1},			{"verbose", -1},
		{"info ", -1},		    {"-1", -1},			{"debugx", -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (log_parse_level(cases[i].s) != cases[i].level)
			fail_msg("log_parse_level(\"%s\") = %d, want %d", cases[i].s,
				 log_parse_level(cases[i].s), cases[i].level);
}

static void test_enabled(void **state)
{
	assert_int_equal(log_get_level(), LOG_LEVEL_INFO); /* the default */
	assert_true(log_enabled(LOG_LEVEL_INFO));
	assert_false(log_enabled(LOG_LEVEL_DEBUG));

	log_set_level(LOG_LEVEL_WARN);
	assert_int_equal(log_get_level(), LOG_LEVEL_WARN);
	assert_true(log_enabled(LOG_LEVEL_ERROR));
	assert_true(log_enabled(LOG_LEVEL_WARN));
	assert_false(log_enabled(LOG_LEVEL_INFO));
	assert_false(log_enabled(LOG_LEVEL_DEBUG));

	log_set_level(LOG_LEVEL_ERROR);
	assert_true(log_enabled(LOG_LEVEL_ERROR));
	assert_false(log_enabled(LOG_LEVEL_WARN));

	log_set_level(LOG_LEVEL_DEBUG);
	for (int l = LOG_LEVEL_ERROR; l <= LOG_LEVEL_DEBUG; l++)
		assert_true(log_enabled((enum log_level)l));
	log_set_level(LOG_LEVEL_INFO);
}

static void test_output_prefix_and_fd(void **state)
{
	char out[256], errbuf[4096];

	log_set_level(LOG_LEVEL_INFO);
	capture_start();
	log_set_name("web");
	log_info("hello %d", 5);
	log_error("bad %s", "thing");
	log_set_name(NULL);
	log_warn("no name");
	log_set_name("");
	log_info("empty name");
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));

	assert_string_equal(out, "");
	assert_string_equal(errbuf, "baton[web]: hello 5\n"
				    "baton[web]: bad thing\n"
				    "baton: no name\n"
				    "baton: empty name\n");
}

static void test_output_filtered_by_level(void **state)
{
	char out[256], errbuf[4096];

	log_set_name("lvl");
	log_set_level(LOG_LEVEL_WARN);
	capture_start();
	log_debug("debug %d", 1);
	log_info("info %d", 2);
	log_warn("warn %d", 3);
	log_error("error %d", 4);
	log_set_level(LOG_LEVEL_DEBUG);
	log_debug("debug %d", 5);
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));
	log_set_level(LOG_LEVEL_INFO);
	log_set_name(NULL);

	assert_string_equal(out, "");
	assert_string_equal(errbuf,
			    "baton[lvl]: warn 3\nbaton[lvl]: error 4\nbaton[lvl]: debug 5\n");
}

static void test_errno_preserved(void **state)
{
	char out[256], errbuf[4096];
	int e1, e2;

	capture_start();
	errno = ENOENT;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
	log_error("open: %m"); /* glibc's %m, which -Wpedantic calls non-ISO */
#pragma GCC diagnostic pop
	e1 = errno;
	errno = EACCES;
	log_warn("a %s that writes", "message");
	e2 = errno;
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));

	assert_int_equal(e1, ENOENT);
	assert_int_equal(e2, EACCES);
	assert_string_equal(errbuf, "baton: open: No such file or directory\n"
				    "baton: a message that writes\n");
}

static void test_errno_preserved_when_write_fails(void **state)
{
	int saved = dup(STDERR_FILENO), e;

	assert_true(saved >= 0);
	fflush(stderr);
	close(STDERR_FILENO); /* the write gets EBADF */
	errno = ENOENT;
	log_error("into a closed stderr");
	e = errno;
	dup2(saved, STDERR_FILENO);
	close(saved);
	assert_int_equal(e, ENOENT);
}

static void test_long_message_is_one_line(void **state)
{
	static char big[3000];
	char out[256], errbuf[4096];
	size_t len;

	memset(big, 'z', sizeof(big) - 1);
	capture_start();
	log_set_name("long");
	log_info("%s", big);
	log_info("after");
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));
	log_set_name(NULL);

	/* Cut to one buffer, still ending in exactly one newline per message. */
	len = strcspn(errbuf, "\n");
	assert_true(len > 900 && len < 1024);
	assert_true(strncmp(errbuf, "baton[long]: zzz", 16) == 0);
	assert_string_equal(errbuf + len, "\nbaton[long]: after\n");
}

static void test_control_characters(void **state)
{
	char out[256], errbuf[4096];

	capture_start();
	log_info("a\nb\rc\td");
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));
	/* A value from outside cannot add a line. */
	assert_int_equal(strchr(errbuf, '\n') - errbuf, (long)strlen(errbuf) - 1);
	assert_has(errbuf, "baton: a");
}

static void test_line_from(void **state)
{
	char out[256], errbuf[4096];
	static char big[2000];
	static const char line[] = "migrating\x01 now\tok";
	int e;

	memset(big, 'b', sizeof(big));
	log_set_level(LOG_LEVEL_ERROR); /* someone else's output is shown at any level */
	capture_start();
	log_set_name("web");
	errno = EPERM;
	log_line_from("pre-start", line, sizeof(line) - 1);
	e = errno;
	log_line_from("hook", "abcdef", 3); /* only len bytes */
	log_set_name(NULL);
	log_line_from("post-exit", "", 0);
	log_line_from("x", big, sizeof(big));
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));
	log_set_level(LOG_LEVEL_INFO);

	assert_int_equal(e, EPERM);
	assert_string_equal(out, "");
	assert_true(strncmp(errbuf,
			    "baton[web]: pre-start: migrating? now\tok\n"
			    "baton[web]: hook: abc\n"
			    "baton: post-exit: \n"
			    "baton: x: bbb",
			    strlen("baton[web]: pre-start: migrating? now\tok\nbaton[web]: hook: "
				   "abc\nbaton: post-exit: \nbaton: x: bbb")) == 0);
	/* Cut to one line of at most 1 KiB. */
	{
		const char *last = strstr(errbuf, "baton: x: ");
		size_t len = strlen(last);

		assert_true(len <= 1024);
		assert_int_equal(last[len - 1], '\n');
		assert_null(memchr(last, '\n', len - 1));
	}
}

static void test_name_truncated(void **state)
{
	char name[100], out[256], errbuf[4096];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	capture_start();
	log_set_name(name);
	log_info("x");
	capture_stop(out, sizeof(out), errbuf, sizeof(errbuf));
	log_set_name(NULL);
	/* 63 characters of the name, never more. */
	assert_int_equal(strcspn(errbuf, "]"), strlen("baton[") + 63);
	assert_has(errbuf, "]: x\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enabled),
		cmocka_unit_test(test_parse_level),
		cmocka_unit_test(test_output_prefix_and_fd),
		cmocka_unit_test(test_output_filtered_by_level),
		cmocka_unit_test(test_errno_preserved),
		cmocka_unit_test(test_errno_preserved_when_write_fails),
		cmocka_unit_test(test_long_message_is_one_line),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_line_from),
		cmocka_unit_test(test_name_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
