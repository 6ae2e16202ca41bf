// SPDX-License-Identifier: MIT
/*
 * personality: a tini or dumb-init command line and environment -> struct options. The name
 * that selects each, their flags and variables, the texts and exit codes of help, version and
 * usage errors, dumb-init's -r syntax and defaults, and the BATON_* variables kept beside them.
 */
#include "unit.h"

#include "personality.h"

#include "log.h"

#include <signal.h>

static struct options o;
static char buf[4096];

static int parse(enum personality p, char *const *envp, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(buf, 0, sizeof(buf));
	return personality_parse(&o, p, argc, argv, envp, 42, buf, sizeof(buf));
}

#define TINI(envp, ...) parse(PERSONALITY_TINI, (envp), (char *[]){ "tini", __VA_ARGS__, NULL })
#define DUMB(envp, ...)                                                                            \
	parse(PERSONALITY_DUMB_INIT, (envp), (char *[]){ "dumb-init", __VA_ARGS__, NULL })

static int map_of(int from)
{
	for (int i = 0; i < o.n_maps; i++)
		if (o.maps[i].from == from)
			return o.maps[i].to;
	return -1;
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(personality_of("tini"), PERSONALITY_TINI);
	assert_int_equal(personality_of("/sbin/docker-init"), PERSONALITY_TINI);
	assert_int_equal(personality_of("/usr/bin/tini-static"), PERSONALITY_TINI);
	assert_int_equal(personality_of("/usr/local/bin/dumb-init"), PERSONALITY_DUMB_INIT);
	assert_int_equal(personality_of("baton"), PERSONALITY_BATON);
	assert_int_equal(personality_of("/tini/baton"), PERSONALITY_BATON);
	assert_int_equal(personality_of("tini2"), PERSONALITY_BATON);
	assert_int_equal(personality_of(NULL), PERSONALITY_BATON);
}

static void test_tini_defaults(void **state)
{
	(void)state;
	assert_int_equal(TINI(NULL, "sleep", "1"), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "sleep");
	assert_int_equal(o.personality, PERSONALITY_TINI);
	assert_int_equal(o.verbosity, 1);
	assert_true(o.no_subreaper);
	assert_false(o.group);
	assert_false(o.warn_on_reap);
	assert_false(o.setsid);
	assert_true(o.exit_with_program);
	assert_true(o.grace < 0);
	assert_int_equal(o.log_level, LOG_LEVEL_ERROR);
}

static void test_tini_flags(void **state)
{
	(void)state;
	assert_int_equal(TINI(NULL, "-s", "-g", "-w", "-v", "-v", "-e", "3", "-e", "255", "-p",
			      "SIGKILL", "--", "prog", "-x"),
			 0);
	assert_false(o.no_subreaper);
	assert_true(o.group);
	assert_true(o.warn_on_reap);
	assert_int_equal(o.verbosity, 3);
	assert_true(o.remap_exit[3]);
	assert_true(o.remap_exit[255]);
	assert_false(o.remap_exit[0]);
	assert_int_equal(o.pdeath_signal, SIGKILL);
	assert_string_equal(o.argv[0], "prog");
	assert_string_equal(o.argv[1], "-x");
}

static void test_tini_env(void **state)
{
	char *env[] = { "TINI_SUBREAPER=", "TINI_KILL_PROCESS_GROUP=1", "TINI_VERBOSITY=3", NULL };
	char *quiet[] = { "TINI_VERBOSITY=0", NULL };

	(void)state;
	assert_int_equal(TINI(env, "prog"), 0);
	assert_false(o.no_subreaper); /* set, even empty */
	assert_true(o.group);
	assert_int_equal(o.verbosity, 3);
	/* The variable wins over -v, as in tini. */
	assert_int_equal(TINI(quiet, "-v", "-v", "prog"), 0);
	assert_int_equal(o.verbosity, 0);
}

static void test_tini_texts(void **state)
{
	(void)state;
	assert_int_equal(TINI(NULL, "--version"), 0);
	assert_int_equal(o.command, CLI_PRINT);
	assert_string_equal(o.print_text, "tini version 0.19.0\n");
	assert_false(o.print_to_stderr);
	assert_int_equal(o.print_code, 0);

	/* --version counts only alone; otherwise it is an unknown option. */
	assert_int_equal(TINI(NULL, "--version", "prog"), 0);
	assert_int_equal(o.print_code, 1);

	assert_int_equal(TINI(NULL, "-h"), 0);
	assert_int_equal(o.print_code, 0);
	assert_false(o.print_to_stderr);
	assert_has(o.print_text, "tini (tini version 0.19.0)\nUsage: tini [OPTIONS] PROGRAM");
	assert_has(o.print_text, "  TINI_KILL_PROCESS_GROUP: Send signals to the child's");

	assert_int_equal(TINI(NULL, "-l"), 0);
	assert_int_equal(o.print_code, 0);
	assert_has(o.print_text, "MIT License");

	assert_int_equal(parse(PERSONALITY_TINI, NULL, (char *[]){ "tini", NULL }), 0);
	assert_int_equal(o.print_code, 1);
	assert_true(o.print_to_stderr);
	assert_has(o.print_text, "Usage: tini [OPTIONS]");

	assert_int_equal(TINI(NULL, "-z"), 0);
	assert_int_equal(o.print_code, 1);
	assert_has(o.print_text, "tini: invalid option -- 'z'\ntini (tini version");

	assert_int_equal(TINI(NULL, "-e"), 0);
	assert_has(o.print_text, "tini: option requires an argument -- 'e'\n");

	assert_int_equal(TINI(NULL, "-e", "256", "prog"), 0);
	assert_int_equal(o.print_code, 1);
	assert_string_equal(o.print_text, "[FATAL tini (42)] Not a valid option for -e: 256\n");
	assert_int_equal(TINI(NULL, "-e", "1x", "prog"), 0);
	assert_int_equal(o.print_code, 1);

	assert_int_equal(TINI(NULL, "-p", "NOPE", "prog"), 0);
	assert_string_equal(o.print_text, "[FATAL tini (42)] Not a valid option for -p: NOPE\n");
}

static void test_dumb_init_defaults(void **state)
{
	(void)state;
	assert_int_equal(DUMB(NULL, "sleep", "1"), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_null(o.print_text);
	assert_true(o.setsid);
	assert_true(o.group);
	assert_true(o.suspend_on_tty);
	assert_true(o.forward_faults);
	assert_true(o.term_on_exit);
	assert_true(o.no_subreaper);
	assert_true(o.exit_with_program);
	assert_int_equal(o.verbosity, 0);
	/* In session mode job-control signals stop the whole session. */
	assert_int_equal(map_of(SIGTSTP), SIGSTOP);
	assert_int_equal(map_of(SIGTTIN), SIGSTOP);
	assert_int_equal(map_of(SIGTTOU), SIGSTOP);
}

static void test_dumb_init_flags(void **state)
{
	(void)state;
	assert_int_equal(DUMB(NULL, "-c", "-v", "-r", "15:2", "--rewrite", "1:0", "-r", "15:3",
			      "prog", "-c"),
			 0);
	assert_false(o.setsid);
	assert_false(o.group);
	assert_int_equal(o.verbosity, 1);
	assert_int_equal(map_of(SIGTERM), 3); /* the last one wins */
	assert_int_equal(map_of(SIGHUP), 0);
	assert_int_equal(map_of(SIGTSTP), -1); /* no defaults in single-child mode */
	assert_string_equal(o.argv[0], "prog");
	assert_string_equal(o.argv[1], "-c");

	/* A user's rewrite of TSTP replaces the default. */
	assert_int_equal(DUMB(NULL, "-r", "20:1", "prog"), 0);
	assert_int_equal(map_of(SIGTSTP), SIGHUP);
	assert_int_equal(map_of(SIGTTIN), SIGSTOP);
}

static void test_dumb_init_rewrite_errors(void **state)
{
	static const char *const bad[] = { "",	  "herp", "herp:derp", "15",   "15::12", "15:derp",
					   "0:1", "1:32", "32:1",      "-1:2", "15:-1" };
	static const char *const good[] = { "1:31", "31:1", " 15: 12", "15:12x", "+3:0" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(DUMB(NULL, "-r", (char *)bad[i], "prog"), 0);
		assert_int_equal(o.command, CLI_PRINT);
		assert_int_equal(o.print_code, 1);
		assert_string_equal(o.print_text, "Usage: -r option takes <signum>:<signum>, where "
						  "<signum> is between 1 and 31.\n"
						  "This option can be specified multiple times.\n"
						  "Use --help for full usage.\n");
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(DUMB(NULL, "-r", (char *)good[i], "prog"), 0);
		assert_int_equal(o.command, CLI_RUN);
	}
	assert_int_equal(DUMB(NULL, "-r", "15:12", "-r"), 0);
	assert_int_equal(o.print_code, 1);
}

static void test_dumb_init_env(void **state)
{
	char *env[] = { "DUMB_INIT_DEBUG=1", "DUMB_INIT_SETSID=0", NULL };
	char *other[] = { "DUMB_INIT_DEBUG=yes", "DUMB_INIT_SETSID=no", NULL };

	(void)state;
	assert_int_equal(DUMB(env, "prog"), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_int_equal(o.verbosity, 1);
	assert_false(o.setsid);
	assert_string_equal(o.print_text, "[dumb-init] Running in debug mode.\n"
					  "[dumb-init] Not running in setsid mode.\n");
	/* Only exactly "1" and "0" count. */
	assert_int_equal(DUMB(other, "prog"), 0);
	assert_int_equal(o.verbosity, 0);
	assert_true(o.setsid);
}

static void test_dumb_init_texts(void **state)
{
	(void)state;
	assert_int_equal(DUMB(NULL, "--version"), 0);
	assert_string_equal(o.print_text, "dumb-init v1.2.5\n");
	assert_true(o.print_to_stderr);
	assert_int_equal(o.print_code, 0);

	assert_int_equal(DUMB(NULL, "-h"), 0);
	assert_int_equal(o.print_code, 0);
	assert_has(o.print_text, "dumb-init v1.2.5\nUsage: dumb-init [option] command");

	assert_int_equal(parse(PERSONALITY_DUMB_INIT, NULL, (char *[]){ "dumb-init", NULL }), 0);
	assert_int_equal(o.print_code, 1);
	assert_string_equal(o.print_text, "Usage: dumb-init [option] program [args]\n"
					  "Try dumb-init --help for full usage.\n");

	assert_int_equal(DUMB(NULL, "--yolo", "prog"), 0);
	assert_int_equal(o.print_code, 1);
	assert_string_equal(o.print_text, "dumb-init: unrecognized option '--yolo'\n");
	assert_int_equal(DUMB(NULL, "--rewrite"), 0);
	assert_string_equal(o.print_text, "dumb-init: option '--rewrite' requires an argument\n");
	assert_int_equal(DUMB(NULL, "--help=x"), 0);
	assert_string_equal(o.print_text, "dumb-init: option '--help' doesn't allow an argument\n");
	assert_int_equal(DUMB(NULL, "-x"), 0);
	assert_string_equal(o.print_text, "dumb-init: invalid option -- 'x'\n");
}

static void test_baton_variables(void **state)
{
	char *env[] = { "BATON_NAME=web", "BATON_AFTER=db", "BATON_GRACE=3", NULL };
	char *bad[] = { "BATON_NAME=Not_Valid", NULL };
	char *level[] = { "BATON_LOG_LEVEL=debug", NULL };

	(void)state;
	assert_int_equal(TINI(env, "prog"), 0);
	assert_string_equal(o.name, "web");
	assert_int_equal(o.n_after, 1);
	assert_string_equal(o.after[0], "db");
	/* BATON_GRACE brings back baton's stop sequence and its wait for what PROGRAM left. */
	assert_true(o.grace == 3);
	assert_false(o.exit_with_program);

	assert_int_equal(DUMB(level, "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_DEBUG);

	assert_int_equal(DUMB(bad, "prog"), -1);
	assert_has(buf, "BATON_NAME");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tini_defaults),
		cmocka_unit_test(test_tini_flags),
		cmocka_unit_test(test_tini_env),
		cmocka_unit_test(test_tini_texts),
		cmocka_unit_test(test_dumb_init_defaults),
		cmocka_unit_test(test_dumb_init_flags),
		cmocka_unit_test(test_dumb_init_rewrite_errors),
		cmocka_unit_test(test_dumb_init_env),
		cmocka_unit_test(test_dumb_init_texts),
		cmocka_unit_test(test_baton_variables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
