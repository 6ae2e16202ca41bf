// SPDX-License-Identifier: MIT
/*
 * cli: argv and a fake environment array -> struct options. Every option and subcommand, the
 * environment's precedence, and every error path: -1 and one line naming the option (or
 * variable) and the bad value.
 */
#include "unit.h"

#include "cli.h"
#include "signals.h"
#include "log.h"

#include <signal.h>

static struct options o;
static char err[512];

static int parse_argv(char *const *envp, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(err, 0, sizeof(err));
	return cli_parse(&o, argc, argv, envp, NULL, err, sizeof(err));
}

#define PARSE(...)	      parse_argv(NULL, (char *[]){"baton", __VA_ARGS__, NULL})
#define PARSE_ENV(envp, ...) parse_argv((envp), (char *[]){"baton", __VA_ARGS__, NULL})

/* An error is one line that holds every wanted piece. */
#define assert_err(...)                                                                            \
	do {                                                                                       \
		const char *w_[] = {__VA_ARGS__};                                                  \
		assert_true(err[0] != '\0');                                                       \
		assert_null(strchr(err, '\n'));                                                    \
		for (size_t i_ = 0; i_ < sizeof(w_) / sizeof(w_[0]); i_++)                         \
			assert_has(err, w_[i_]);                                                   \
	} while (0)

static void test_defaults_and_program(void **state)
{
	assert_int_equal(PARSE("--", "prog", "arg"), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "prog");
	assert_string_equal(o.argv[1], "arg");
	assert_null(o.argv[2]);
	assert_int_equal(o.log_level, -1);
	assert_false(o.group);
	assert_float_equal(o.grace, 10, 0);
	assert_float_equal(o.timeout, -1, 0);
	assert_float_equal(o.watchdog, 0, 0);
	assert_int_equal(o.jitter_ms, 0);
	assert_null(o.name);
	assert_int_equal(o.n_after, 0);
	assert_int_equal(o.n_ready_on, 0);
	assert_int_equal(o.n_maps, 0);
	assert_int_equal(o.pdeath_signal, 0);
	assert_string_equal(o.dir, GATE_DEFAULT_DIR);
	for (int i = 0; i < 256; i++)
		assert_false(o.remap_exit[i]);
}

static void test_program_without_dashdash(void **state)
{
	assert_int_equal(PARSE("prog", "-v", "--name", "x"), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "prog");
	/* Options after PROGRAM are PROGRAM's. */
	assert_string_equal(o.argv[1], "-v");
	assert_string_equal(o.argv[2], "--name");
	assert_int_equal(o.log_level, -1);
	assert_null(o.name);

	assert_int_equal(PARSE("-g", "prog"), 0);
	assert_true(o.group);
	assert_string_equal(o.argv[0], "prog");

	/* After "--" a subcommand's name is just a program. */
	assert_int_equal(PARSE("--", "wait", "x"), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "wait");
	assert_int_equal(PARSE("--", "-v"), 0);
	assert_string_equal(o.argv[0], "-v");
}

static void test_no_program(void **state)
{
	assert_int_equal(parse_argv(NULL, (char *[]){"baton", NULL}), -1);
	assert_err("no PROGRAM");
	assert_int_equal(PARSE("--"), -1);
	assert_err("no PROGRAM");
	assert_int_equal(PARSE("-g", "--name", "web"), -1);
	assert_err("no PROGRAM");
}

static void test_run_options(void **state)
{
	assert_int_equal(PARSE("-g", "-e", "1,2", "--remap-exit", "255", "-r", "TERM:QUIT",
			       "--map-signal", "HUP:0,USR1:usr2", "-s", "-p", "KILL", "--grace",
			       "2.5", "--name", "web", "--after", "db,cache", "--after", "queue",
			       "--dir", "/tmp/d", "--ready-on", "notify", "--ready-on",
			       "tcp:127.0.0.1:80", "--timeout", "3", "--jitter", "100",
			       "--watchdog", "0.5", "--", "prog"),
			 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_true(o.group);
	for (int i = 0; i < 256; i++)
		assert_int_equal(o.remap_exit[i], i == 1 || i == 2 || i == 255);
	assert_int_equal(o.n_maps, 3);
	assert_int_equal(o.maps[0].from, SIGTERM);
	assert_int_equal(o.maps[0].to, SIGQUIT);
	assert_int_equal(o.maps[1].from, SIGHUP);
	assert_int_equal(o.maps[1].to, 0);
	assert_int_equal(o.maps[2].from, SIGUSR1);
	assert_int_equal(o.maps[2].to, SIGUSR2);
	assert_int_equal(o.pdeath_signal, SIGKILL);
	assert_float_equal(o.grace, 2.5, 1e-9);
	assert_string_equal(o.name, "web");
	assert_int_equal(o.n_after, 3);
	assert_string_equal(o.after[0], "db");
	assert_string_equal(o.after[1], "cache");
	assert_string_equal(o.after[2], "queue");
	assert_string_equal(o.dir, "/tmp/d");
	assert_int_equal(o.n_ready_on, 2);
	assert_int_equal(o.ready_on[0].kind, PROBE_NOTIFY);
	assert_int_equal(o.ready_on[1].kind, PROBE_TCP);
	assert_int_equal(o.ready_on[1].port, 80);
	assert_string_equal(o.ready_on[1].host, "127.0.0.1");
	assert_float_equal(o.timeout, 3, 1e-9);
	assert_int_equal(o.jitter_ms, 100);
	assert_float_equal(o.watchdog, 0.5, 1e-9);
	assert_string_equal(o.argv[0], "prog");
}

static void test_run_option_forms(void **state)
{
	/* --opt=value, clustered short options, attached short values. */
	assert_int_equal(PARSE("--name=web", "--grace=3", "-gv", "-e3", "-rINT:TERM", "-pSIGUSR1",
			       "prog"),
			 0);
	assert_string_equal(o.name, "web");
	assert_float_equal(o.grace, 3, 1e-9);
	assert_true(o.group);
	assert_int_equal(o.log_level, LOG_LEVEL_DEBUG);
	assert_true(o.remap_exit[3]);
	assert_int_equal(o.n_maps, 1);
	assert_int_equal(o.maps[0].from, SIGINT);
	assert_int_equal(o.maps[0].to, SIGTERM);
	assert_int_equal(o.pdeath_signal, SIGUSR1);

	/* Unambiguous abbreviations of long options, as getopt_long allows. */
	assert_int_equal(PARSE("--na", "db", "--subreaper", "prog"), 0);
	assert_string_equal(o.name, "db");

	assert_int_equal(PARSE("--pdeathsig", "15", "--map-signal", "15:3", "prog"), 0);
	assert_int_equal(o.pdeath_signal, SIGTERM);
	assert_int_equal(o.maps[0].from, SIGTERM);
	assert_int_equal(o.maps[0].to, SIGQUIT);
}

static void test_log_levels(void **state)
{
	assert_int_equal(PARSE("-v", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(PARSE("--verbose", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(PARSE("-q", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_ERROR);
	assert_int_equal(PARSE("--quiet", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_ERROR);
	assert_int_equal(PARSE("--log-level", "warn", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_WARN);
	assert_int_equal(PARSE("--log-level", "2", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_INFO);
	/* The last one wins. */
	assert_int_equal(PARSE("-v", "-q", "prog"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_ERROR);
	assert_int_equal(PARSE("--log-level", "loud", "prog"), -1);
	assert_err("--log-level", "'loud'");
}

static void test_seconds_options(void **state)
{
	assert_int_equal(PARSE("--grace", "0", "--timeout", "0.25", "--watchdog", "0", "prog"), 0);
	assert_float_equal(o.grace, 0, 0);
	assert_float_equal(o.timeout, 0.25, 1e-9);
	assert_float_equal(o.watchdog, 0, 0);
	assert_int_equal(PARSE("--grace", "31536000", "--watchdog", "0.01", "prog"), 0);
	assert_float_equal(o.grace, 31536000, 0);
	assert_float_equal(o.watchdog, 0.01, 1e-9);
	assert_int_equal(PARSE("--watchdog", "0.001", "prog"), -1);
	assert_err("--watchdog", "'0.001'", "shorter");
	assert_int_equal(PARSE("--jitter", "3600000", "prog"), 0);
	assert_int_equal(o.jitter_ms, 3600000);
	assert_int_equal(PARSE("--jitter", "0", "prog"), 0);
	assert_int_equal(o.jitter_ms, 0);
}

static void test_parse_seconds(void **state)
{
	static const char *const good[] = {"0", "5", "0.5", "5.", "010", "31536000"};
	static const double values[] = {0, 5, 0.5, 5, 10, 31536000};
	static const char *const bad[] = {"-1",	 "1e3", "inf", "nan",  "",     ".",	"5s",
					  " 5",	 "5 ",	"0x10", "+1",  "1.2.3", "31536001", "1,5",
					  "INF", "-0"};
	double v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -42;
		assert_int_equal(cli_parse_seconds(good[i], &v), 0);
		assert_float_equal(v, values[i], 1e-9);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = -42;
		if (cli_parse_seconds(bad[i], &v) != -1)
			fail_msg("cli_parse_seconds accepted '%s'", bad[i]);
		assert_float_equal(v, -42, 0);
	}
	/* And through the options, with the option and the value in the message. */
	for (size_t i = 0; i < 7; i++) {
		char want[32];

		snprintf(want, sizeof(want), "'%s'", bad[i]);
		assert_int_equal(PARSE("--grace", (char *)bad[i], "prog"), -1);
		assert_err("--grace", want, "not a number of seconds");
		assert_int_equal(PARSE("--timeout", (char *)bad[i], "prog"), -1);
		assert_err("--timeout", want);
		assert_int_equal(PARSE("--watchdog", (char *)bad[i], "prog"), -1);
		assert_err("--watchdog", want);
	}
}

static void test_parse_uint(void **state)
{
	unsigned long v = 0;

	assert_int_equal(cli_parse_uint("0", 255, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cli_parse_uint("255", 255, &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(cli_parse_uint("256", 255, &v), -1);
	assert_int_equal(cli_parse_uint("", 255, &v), -1);
	assert_int_equal(cli_parse_uint("-1", 255, &v), -1);
	assert_int_equal(cli_parse_uint("1a", 255, &v), -1);
	assert_int_equal(cli_parse_uint("99999999999999999999999", (unsigned long)-1, &v), -1);
	assert_int_equal(cli_parse_uint("18446744073709551615", (unsigned long)-1, &v), 0);
	assert_true(v == (unsigned long)-1);
	assert_int_equal(cli_parse_uint("18446744073709551616", (unsigned long)-1, &v), -1);
}

static void test_names(void **state)
{
	char n63[64], n64[65];
	static const char *const bad[] = {"../x", "a/b", "Web", "-a", "a-", "a_b", "a.b", "a b",
					  ".x", "x\n", "\xc3\xa9"};

	memset(n63, 'a', 63);
	n63[63] = '\0';
	memset(n64, 'b', 64);
	n64[64] = '\0';

	assert_int_equal(PARSE("--name", n63, "prog"), 0);
	assert_string_equal(o.name, n63);
	assert_int_equal(PARSE("--name", "0-a-9", "prog"), 0);
	assert_int_equal(PARSE("--name", "7", "prog"), 0);

	assert_int_equal(PARSE("--name", n64, "prog"), -1);
	assert_err("--name", n64, "not a valid name");
	assert_int_equal(PARSE("--name", "", "prog"), -1);
	assert_err("--name", "''");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "'%s'", bad[i]);
		assert_int_equal(PARSE("--name", (char *)bad[i], "prog"), -1);
		if (!strchr(bad[i], '\n'))
			assert_err("--name", want, "not a valid name");
		assert_int_equal(PARSE("--after", (char *)bad[i], "prog"), -1);
		if (!strchr(bad[i], '\n'))
			assert_err("--after", want, "not a valid name");
	}
	assert_int_equal(PARSE("--after", n64, "prog"), -1);
	assert_err("--after", n64);
	assert_int_equal(PARSE("--after", n63, "prog"), 0);
	assert_string_equal(o.after[0], n63);
}

static void test_after_lists(void **state)
{
	char many[33 * 4];
	size_t len = 0;

	/* Duplicates (within one value and across repeats) are dropped, order kept. */
	assert_int_equal(PARSE("--after", "a,b,a", "--after", "b", "--after", "c,a", "prog"), 0);
	assert_int_equal(o.n_after, 3);
	assert_string_equal(o.after[0], "a");
	assert_string_equal(o.after[1], "b");
	assert_string_equal(o.after[2], "c");

	assert_int_equal(PARSE("--after", "a,,b", "prog"), -1);
	assert_err("--after", "empty item", "a,,b");
	assert_int_equal(PARSE("--after", "a,", "prog"), -1);
	assert_err("--after", "empty item");
	assert_int_equal(PARSE("--after", ",a", "prog"), -1);
	assert_err("--after", "empty item");
	assert_int_equal(PARSE("--after", "", "prog"), -1);
	assert_err("--after", "empty item");

	/* 32 names fit, the 33rd does not. */
	for (int i = 0; i < 33; i++)
		len += (size_t)snprintf(many + len, sizeof(many) - len, "%sn%d", i ? "," : "", i);
	assert_int_equal(PARSE("--after", many, "prog"), -1);
	assert_err("--after", "more than 32");
	*strrchr(many, ',') = '\0';
	assert_int_equal(PARSE("--after", many, "prog"), 0);
	assert_int_equal(o.n_after, 32);
	assert_string_equal(o.after[31], "n31");
}

static void test_self_dependency(void **state)
{
	assert_int_equal(PARSE("--name", "web", "--after", "db,web", "prog"), -1);
	assert_err("--after", "'web'", "itself");
	/* The order of the options does not matter. */
	assert_int_equal(PARSE("--after", "web", "--name", "web", "prog"), -1);
	assert_err("'web'", "itself");
	/* Nor where they come from. */
	assert_int_equal(PARSE_ENV(((char *[]){"BATON_NAME=web", NULL}), "--after", "web", "prog"),
			 -1);
	assert_err("'web'", "itself");
	assert_int_equal(PARSE("--name", "web", "--after", "db", "prog"), 0);
}

static void test_remap_exit(void **state)
{
	assert_int_equal(PARSE("-e", "0", "-e", "7,143", "prog"), 0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(o.remap_exit[i], i == 0 || i == 7 || i == 143);

	assert_int_equal(PARSE("-e", "256", "prog"), -1);
	assert_err("-e", "'256'", "exit code");
	assert_int_equal(PARSE("--remap-exit", "abc", "prog"), -1);
	assert_err("--remap-exit", "'abc'");
	assert_int_equal(PARSE("-e", "-1", "prog"), -1);
	assert_err("-e", "'-1'");
	assert_int_equal(PARSE("-e", "1,,2", "prog"), -1);
	assert_err("-e", "empty item");
	assert_int_equal(PARSE("-e", "", "prog"), -1);
	assert_err("-e", "empty item");
	assert_int_equal(PARSE("-e", "1,2x", "prog"), -1);
	assert_err("-e", "'2x'");
	assert_int_equal(PARSE("-e", "12345678901234567890", "prog"), -1);
	assert_err("-e", "'12345678901234567890'");
}

static void test_map_signal(void **state)
{
	char spec[32];

	assert_int_equal(PARSE("-r", "TERM:0", "-r", "INT:KILL", "-r", "HUP:STOP", "-r",
			       "SIGWINCH:sigusr1", "-r", "RTMIN+1:RTMAX", "prog"),
			 0);
	assert_int_equal(o.n_maps, 5);
	assert_int_equal(o.maps[0].from, SIGTERM);
	assert_int_equal(o.maps[0].to, 0);
	assert_int_equal(o.maps[1].to, SIGKILL);
	assert_int_equal(o.maps[2].to, SIGSTOP);
	assert_int_equal(o.maps[3].from, SIGWINCH);
	assert_int_equal(o.maps[3].to, SIGUSR1);
	assert_int_equal(o.maps[4].from, SIGRTMIN + 1);
	assert_int_equal(o.maps[4].to, SIGRTMAX);

	/* A later map of the same signal replaces the earlier one. */
	assert_int_equal(PARSE("-r", "TERM:QUIT", "-r", "TERM:HUP", "prog"), 0);
	assert_int_equal(o.n_maps, 1);
	assert_int_equal(o.maps[0].to, SIGHUP);

	assert_int_equal(PARSE("-r", "TERM", "prog"), -1);
	assert_err("-r", "'TERM'", "FROM:TO");
	assert_int_equal(PARSE("--map-signal", "KILL:TERM", "prog"), -1);
	assert_err("--map-signal", "'KILL'", "not a signal baton forwards");
	assert_int_equal(PARSE("-r", "CHLD:TERM", "prog"), -1);
	assert_err("-r", "'CHLD'");
	assert_int_equal(PARSE("-r", "SEGV:TERM", "prog"), -1);
	assert_err("-r", "'SEGV'");
	assert_int_equal(PARSE("-r", "TERM:BOGUS", "prog"), -1);
	assert_err("-r", "'BOGUS'", "not a signal");
	assert_int_equal(PARSE("-r", "TERM:CHLD", "prog"), -1);
	assert_err("-r", "'CHLD'");
	assert_int_equal(PARSE("-r", "TERM:", "prog"), -1);
	assert_err("-r", "''");
	assert_int_equal(PARSE("-r", ":TERM", "prog"), -1);
	assert_err("-r", "''");
	assert_int_equal(PARSE("-r", "TERM:QUIT,,HUP:INT", "prog"), -1);
	assert_err("-r", "empty item");

	/* At most CLI_MAX_MAPS different signals. */
	{
		char *argv[2 * (CLI_MAX_MAPS + 1) + 3];
		char specs[CLI_MAX_MAPS + 1][32];
		int argc = 0;

		char more[32];
		int sig = 0;

		argv[argc++] = "baton";
		for (int i = 0; i <= CLI_MAX_MAPS; i++) {
			while (!signals_is_forwardable(++sig))
				;
			snprintf(specs[i], sizeof(specs[i]), "%d:TERM", sig);
			argv[argc++] = "-r";
			argv[argc++] = specs[i];
		}
		argv[argc++] = "prog";
		argv[argc] = NULL;
		assert_int_equal(parse_argv(NULL, argv), -1);
		snprintf(more, sizeof(more), "more than %d", CLI_MAX_MAPS);
		assert_err("-r", more);
		argv[argc - 3] = "prog";
		argv[argc - 2] = NULL;
		assert_int_equal(parse_argv(NULL, argv), 0);
		assert_int_equal(o.n_maps, CLI_MAX_MAPS);
	}
	snprintf(spec, sizeof(spec), "%d:TERM", SIGRTMAX + 1);
	assert_int_equal(PARSE("-r", spec, "prog"), -1);
	snprintf(spec, sizeof(spec), "'%d'", SIGRTMAX + 1);
	assert_err("-r", spec);
}

static void test_pdeathsig(void **state)
{
	assert_int_equal(PARSE("-p", "nope", "prog"), -1);
	assert_err("-p", "'nope'", "not a signal");
	assert_int_equal(PARSE("--pdeathsig", "0", "prog"), -1);
	assert_err("--pdeathsig", "'0'");
	assert_int_equal(PARSE("--pdeathsig", "RTMIN+2", "prog"), 0);
	assert_int_equal(o.pdeath_signal, SIGRTMIN + 2);
}

static void test_jitter_dir_ready_on(void **state)
{
	static const char *const bad_jitter[] = {"abc", "-1", "", "1.5", "3600001", "1e3"};

	for (size_t i = 0; i < sizeof(bad_jitter) / sizeof(bad_jitter[0]); i++) {
		char want[32];

		snprintf(want, sizeof(want), "'%s'", bad_jitter[i]);
		assert_int_equal(PARSE("--jitter", (char *)bad_jitter[i], "prog"), -1);
		assert_err("--jitter", want, "milliseconds");
	}
	assert_int_equal(PARSE("--dir", "", "prog"), -1);
	assert_err("--dir", "empty");

	assert_int_equal(PARSE("--ready-on", "tcp:host", "prog"), -1);
	assert_err("--ready-on", "tcp:host");
	assert_int_equal(PARSE("--ready-on", "bogus", "prog"), -1);
	assert_err("--ready-on", "'bogus'");
	{
		char *argv[2 * (PROBE_MAX + 1) + 3];
		int argc = 0;

		argv[argc++] = "baton";
		for (int i = 0; i <= PROBE_MAX; i++) {
			argv[argc++] = "--ready-on";
			argv[argc++] = "notify";
		}
		argv[argc++] = "prog";
		argv[argc] = NULL;
		assert_int_equal(parse_argv(NULL, argv), -1);
		assert_err("--ready-on", "more than 8");
		argv[argc - 3] = "prog";
		argv[argc - 2] = NULL;
		assert_int_equal(parse_argv(NULL, argv), 0);
		assert_int_equal(o.n_ready_on, PROBE_MAX);
	}
}

static void test_unknown_and_missing(void **state)
{
	assert_int_equal(PARSE("--bogus", "prog"), -1);
	assert_err("unknown option", "'--bogus'");
	assert_int_equal(PARSE("-x", "prog"), -1);
	assert_err("unknown option", "'-x'");
	/* Ambiguous abbreviation (--group, --grace). */
	assert_int_equal(PARSE("--gr", "prog"), -1);
	assert_err("'--gr'");

	assert_int_equal(PARSE("-e"), -1);
	assert_err("'-e'", "needs a value");
	assert_int_equal(PARSE("-p"), -1);
	assert_err("'-p'", "needs a value");
	/* Long options name themselves, as typed. */
	assert_int_equal(PARSE("--name"), -1);
	assert_err("'--name'", "needs a value");
	assert_int_equal(PARSE("--grace"), -1);
	assert_err("'--grace'", "needs a value");
	assert_int_equal(PARSE("--remap-exit"), -1);
	assert_err("'--remap-exit'", "needs a value");
	assert_int_equal(PARSE("--group=1", "prog"), -1);
	assert_err("'--group'", "takes no value");
	assert_int_equal(PARSE("wait", "--dir"), -1);
	assert_err("'--dir'", "needs a value");
	assert_int_equal(PARSE("status", "--json=yes"), -1);
	assert_err("'--json'", "takes no value");
	/* A short option's error right after a long option is still the short one's. */
	assert_int_equal(PARSE("--name=web", "-xg", "prog"), -1);
	assert_err("unknown option", "'-x'");
	assert_int_equal(PARSE("--remap-exit=1", "-e"), -1);
	assert_err("'-e'", "needs a value");
}

static void test_help_and_version(void **state)
{
	static const struct {
		const char *cmd;
		enum cli_command command;
		const char *usage;
	} cmds[] = {
		{"wait", CLI_WAIT, "Usage: baton wait"},
		{"status", CLI_STATUS, "Usage: baton status"},
		{"notify", CLI_NOTIFY, "Usage: baton notify"},
		{"install", CLI_INSTALL, "Usage: baton install"},
		{"timeline", CLI_TIMELINE, "Usage: baton timeline"},
	};

	assert_int_equal(PARSE("-h"), 0);
	assert_int_equal(o.command, CLI_HELP);
	assert_int_equal(o.help_for, CLI_RUN);
	assert_int_equal(PARSE("--help", "--", "prog"), 0);
	assert_int_equal(o.command, CLI_HELP);
	assert_int_equal(o.help_for, CLI_RUN);
	assert_has(cli_help(CLI_RUN), "Usage: baton [OPTIONS]");
	assert_has(cli_help(CLI_RUN), "--ready-on");
	assert_has(cli_help(CLI_RUN), "BATON_NAME");

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		assert_int_equal(PARSE((char *)cmds[i].cmd, "-h"), 0);
		assert_int_equal(o.command, CLI_HELP);
		assert_int_equal(o.help_for, cmds[i].command);
		assert_int_equal(PARSE((char *)cmds[i].cmd, "--help"), 0);
		assert_int_equal(o.command, CLI_HELP);
		assert_int_equal(o.help_for, cmds[i].command);
		assert_has(cli_help(cmds[i].command), cmds[i].usage);
		/* Each help text is its own. */
		assert_null(strstr(cli_help(cmds[i].command), "--ready-on"));
	}

	assert_int_equal(PARSE("-V"), 0);
	assert_int_equal(o.command, CLI_VERSION);
	assert_int_equal(PARSE("--version"), 0);
	assert_int_equal(o.command, CLI_VERSION);
	/* -V belongs to the run command only. */
	assert_int_equal(PARSE("wait", "-V", "db"), -1);
	assert_err("unknown option", "'-V'");
}

static void test_wait(void **state)
{
	assert_int_equal(PARSE("wait", "db", "cache"), 0);
	assert_int_equal(o.command, CLI_WAIT);
	assert_int_equal(o.n_names, 2);
	assert_string_equal(o.names[0], "db");
	assert_string_equal(o.names[1], "cache");
	assert_float_equal(o.timeout, -1, 0);

	assert_int_equal(PARSE("wait", "--dir", "/d", "--timeout", "5", "-v", "db", "db"), 0);
	assert_string_equal(o.dir, "/d");
	assert_float_equal(o.timeout, 5, 0);
	assert_int_equal(o.log_level, LOG_LEVEL_DEBUG);
	assert_int_equal(o.n_names, 1);
	assert_int_equal(PARSE("wait", "-q", "--", "db"), 0);
	assert_int_equal(o.log_level, LOG_LEVEL_ERROR);
	assert_string_equal(o.names[0], "db");

	assert_int_equal(PARSE("wait"), -1);
	assert_err("wait", "no NAME");
	assert_int_equal(PARSE("wait", "Bad"), -1);
	assert_err("wait", "'Bad'");
	assert_int_equal(PARSE("wait", "--timeout", "1e3", "db"), -1);
	assert_err("--timeout", "'1e3'");
	assert_int_equal(PARSE("wait", "--grace", "1", "db"), -1);
	assert_err("unknown option", "--grace");
	assert_int_equal(PARSE("wait", "--json", "db"), -1);
	assert_err("unknown option", "--json");
}

static void test_status(void **state)
{
	assert_int_equal(PARSE("status"), 0);
	assert_int_equal(o.command, CLI_STATUS);
	assert_int_equal(o.n_names, 0);
	assert_false(o.json);
	assert_int_equal(PARSE("status", "--json", "--dir", "/d", "web", "db"), 0);
	assert_true(o.json);
	assert_string_equal(o.dir, "/d");
	assert_int_equal(o.n_names, 2);
	assert_string_equal(o.names[1], "db");
	assert_int_equal(PARSE("status", "../x"), -1);
	assert_err("status", "'../x'");
	assert_int_equal(PARSE("status", "-v"), -1);
	assert_err("unknown option", "'-v'");
}

static void test_timeline(void **state)
{
	assert_int_equal(PARSE("timeline"), 0);
	assert_int_equal(o.command, CLI_TIMELINE);
	assert_null(o.svg_file);
	assert_int_equal(PARSE("timeline", "--dir", "/d", "--svg", "/t.svg"), 0);
	assert_string_equal(o.dir, "/d");
	assert_string_equal(o.svg_file, "/t.svg");
	assert_int_equal(PARSE("timeline", "--svg="), -1);
	assert_err("--svg", "empty file name");
	assert_int_equal(PARSE("timeline", "web"), -1);
	assert_err("timeline", "'web'");
	assert_int_equal(PARSE("timeline", "--json"), -1);
	assert_err("unknown option", "'--json'");
}

static void test_notify(void **state)
{
	char s256[257], s257[258];

	memset(s256, 'x', 256);
	s256[256] = '\0';
	memset(s257, 'y', 257);
	s257[257] = '\0';

	assert_int_equal(PARSE("notify", "--ready"), 0);
	assert_int_equal(o.command, CLI_NOTIFY);
	assert_true(o.notify_ready);
	assert_false(o.notify_stopping);
	assert_null(o.notify_status);
	assert_int_equal(PARSE("notify", "--stopping", "--status", "hi there"), 0);
	assert_true(o.notify_stopping);
	assert_false(o.notify_ready);
	assert_string_equal(o.notify_status, "hi there");
	assert_int_equal(PARSE("notify", "--status", s256), 0);
	assert_string_equal(o.notify_status, s256);

	assert_int_equal(PARSE("notify"), -1);
	assert_err("notify", "nothing to send");
	assert_int_equal(PARSE("notify", "--ready", "extra"), -1);
	assert_err("notify", "'extra'");
	assert_int_equal(PARSE("notify", "--status", "a\nb"), -1);
	assert_err("--status", "one line");
	assert_int_equal(PARSE("notify", "--status", s257), -1);
	assert_err("--status", "256");
}

static void test_install(void **state)
{
	assert_int_equal(PARSE("install", "/opt/bin"), 0);
	assert_int_equal(o.command, CLI_INSTALL);
	assert_string_equal(o.install_dir, "/opt/bin");
	assert_int_equal(PARSE("install"), -1);
	assert_err("install", "exactly one DIR");
	assert_int_equal(PARSE("install", "a", "b"), -1);
	assert_err("install", "exactly one DIR");
	assert_int_equal(PARSE("install", ""), -1);
	assert_err("install", "empty DIR");
}

static void test_env(void **state)
{
	char *env[] = {
		"PATH=/bin",
		"BATON_NAMEX=ignored",
		"XBATON_NAME=ignored",
		"BATON_NAME=web",
		"BATON_AFTER=db,cache",
		"BATON_DIR=/env/dir",
		"BATON_GRACE=3",
		"BATON_TIMEOUT=7.5",
		"BATON_JITTER=20",
		"BATON_WATCHDOG=2",
		"BATON_GROUP=yes",
		"BATON_REMAP_EXIT=1,2",
		"BATON_MAP_SIGNAL=HUP:TERM",
		"BATON_READY_ON=file:/tmp/ready",
		"BATON_LOG_LEVEL=debug",
		NULL,
	};

	assert_int_equal(PARSE_ENV(env, "prog"), 0);
	assert_string_equal(o.name, "web");
	assert_int_equal(o.n_after, 2);
	assert_string_equal(o.after[0], "db");
	assert_string_equal(o.after[1], "cache");
	assert_string_equal(o.dir, "/env/dir");
	assert_float_equal(o.grace, 3, 0);
	assert_float_equal(o.timeout, 7.5, 0);
	assert_int_equal(o.jitter_ms, 20);
	assert_float_equal(o.watchdog, 2, 0);
	assert_true(o.group);
	assert_true(o.remap_exit[1]);
	assert_true(o.remap_exit[2]);
	assert_int_equal(o.n_maps, 1);
	assert_int_equal(o.maps[0].from, SIGHUP);
	assert_int_equal(o.ready_on[0].kind, PROBE_FILE);
	assert_string_equal(o.ready_on[0].arg, "/tmp/ready");
	assert_int_equal(o.n_ready_on, 1);
	assert_int_equal(o.log_level, LOG_LEVEL_DEBUG);

	/* The command line wins, and replaces (not extends) list values. */
	assert_int_equal(PARSE_ENV(env, "--name", "api", "--after", "queue", "--dir", "/cli",
				   "--grace", "1", "--timeout", "2", "--jitter", "5", "--watchdog",
				   "0", "-e", "3", "-r", "INT:QUIT", "--ready-on", "notify",
				   "--ready-on", "delay:1", "-q", "prog"),
			 0);
	assert_string_equal(o.name, "api");
	assert_int_equal(o.n_after, 1);
	assert_string_equal(o.after[0], "queue");
	assert_string_equal(o.dir, "/cli");
	assert_float_equal(o.grace, 1, 0);
	assert_float_equal(o.timeout, 2, 0);
	assert_int_equal(o.jitter_ms, 5);
	assert_float_equal(o.watchdog, 0, 0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(o.remap_exit[i], i == 3);
	assert_int_equal(o.n_maps, 1);
	assert_int_equal(o.maps[0].from, SIGINT);
	assert_int_equal(o.maps[0].to, SIGQUIT);
	assert_int_equal(o.n_ready_on, 2);
	assert_int_equal(o.ready_on[0].kind, PROBE_NOTIFY);
	assert_int_equal(o.ready_on[1].kind, PROBE_DELAY);
	assert_int_equal(o.log_level, LOG_LEVEL_ERROR);
	/* What the command line does not set keeps the environment's value. */
	assert_true(o.group);
}

static void test_env_group_values(void **state)
{
	static const char *const yes[] = {"BATON_GROUP=1", "BATON_GROUP=true", "BATON_GROUP=yes",
					  "BATON_GROUP=on"};
	static const char *const no[] = {"BATON_GROUP=0", "BATON_GROUP=false", "BATON_GROUP=no",
					 "BATON_GROUP=off"};

	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(PARSE_ENV(((char *[]){(char *)yes[i], NULL}), "prog"), 0);
		assert_true(o.group);
		assert_int_equal(PARSE_ENV(((char *[]){(char *)no[i], NULL}), "prog"), 0);
		assert_false(o.group);
		assert_int_equal(PARSE_ENV(((char *[]){(char *)no[i], NULL}), "-g", "prog"), 0);
		assert_true(o.group);
	}
}

static void test_env_empty_is_unset(void **state)
{
	char *env[] = {"BATON_NAME=", "BATON_GRACE=", "BATON_AFTER=", "BATON_DIR=", NULL};

	assert_int_equal(PARSE_ENV(env, "prog"), 0);
	assert_null(o.name);
	assert_float_equal(o.grace, 10, 0);
	assert_int_equal(o.n_after, 0);
	assert_string_equal(o.dir, GATE_DEFAULT_DIR);
}

static void test_env_subcommands(void **state)
{
	/* Subcommands read only BATON_DIR and BATON_LOG_LEVEL; the rest cannot break them. */
	char *env[] = {"BATON_DIR=/env/dir", "BATON_LOG_LEVEL=warn", "BATON_TIMEOUT=5",
		       "BATON_NAME=Bad!", "BATON_GRACE=abc", NULL};
	char *bad_dir_level[] = {"BATON_LOG_LEVEL=loud", NULL};

	assert_int_equal(PARSE_ENV(env, "wait", "db"), 0);
	assert_string_equal(o.dir, "/env/dir");
	assert_int_equal(o.log_level, LOG_LEVEL_WARN);
	assert_float_equal(o.timeout, -1, 0);
	assert_int_equal(PARSE_ENV(env, "wait", "--dir", "/cli", "db"), 0);
	assert_string_equal(o.dir, "/cli");
	assert_int_equal(PARSE_ENV(env, "status"), 0);
	assert_string_equal(o.dir, "/env/dir");
	assert_int_equal(PARSE_ENV(env, "notify", "--ready"), 0);
	assert_int_equal(PARSE_ENV(env, "install", "/x"), 0);
	assert_int_equal(PARSE_ENV(bad_dir_level, "status"), -1);
	assert_err("BATON_LOG_LEVEL", "'loud'");
}

static void test_env_errors(void **state)
{
	static const struct {
		const char *var;
		const char *want[3];
	} cases[] = {
		{"BATON_GRACE=abc", {"BATON_GRACE", "'abc'", "seconds"}},
		{"BATON_TIMEOUT=-1", {"BATON_TIMEOUT", "'-1'", "seconds"}},
		{"BATON_WATCHDOG=nan", {"BATON_WATCHDOG", "'nan'", "seconds"}},
		{"BATON_JITTER=1s", {"BATON_JITTER", "'1s'", "milliseconds"}},
		{"BATON_NAME=Web", {"BATON_NAME", "'Web'", "valid name"}},
		{"BATON_AFTER=a,,b", {"BATON_AFTER", "'a,,b'", "empty"}},
		{"BATON_AFTER=../x", {"BATON_AFTER", "'../x'", "valid name"}},
		{"BATON_READY_ON=bogus", {"BATON_READY_ON", "'bogus'", "readiness"}},
		{"BATON_REMAP_EXIT=300", {"BATON_REMAP_EXIT", "'300'", "exit code"}},
		{"BATON_MAP_SIGNAL=KILL:TERM", {"BATON_MAP_SIGNAL", "'KILL'", "signal"}},
		{"BATON_LOG_LEVEL=loud", {"BATON_LOG_LEVEL", "'loud'", "debug"}},
		{"BATON_GROUP=maybe", {"BATON_GROUP", "'maybe'", "1 or 0"}},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *env[] = {(char *)cases[i].var, NULL};

		assert_int_equal(PARSE_ENV(env, "--", "prog"), -1);
		assert_err(cases[i].want[0], cases[i].want[1], cases[i].want[2]);
	}
}

static void test_exit_with(void **state)
{
	assert_int_equal(PARSE("--name", "app", "--exit-with", "main", "prog"), 0);
	assert_string_equal(o.exit_with, "main");
	assert_int_equal(PARSE_ENV(((char *[]){"BATON_EXIT_WITH=main", NULL}), "prog"), 0);
	assert_string_equal(o.exit_with, "main");
	assert_int_equal(PARSE("--exit-with", "Main", "prog"), -1);
	assert_err("--exit-with", "'Main'", "not a valid name");
	assert_int_equal(PARSE("--name", "app", "--exit-with", "app", "prog"), -1);
	assert_err("--exit-with", "'app'", "own name");
}

static void test_hooks(void **state)
{
	char *env[] = {"BATON_PRE_START=env-pre", "BATON_POST_EXIT=env-post",
		       "BATON_HOOKS_DIR=/env/hooks", "BATON_HOOK_TIMEOUT=5", NULL};

	assert_int_equal(PARSE("prog"), 0);
	assert_float_equal(o.hook_timeout, 30, 0);
	for (int ph = 0; ph < HOOK_PHASES; ph++)
		assert_int_equal(o.n_hooks[ph], 0);
	assert_null(o.hooks_dir);

	assert_int_equal(PARSE("--pre-start", "a", "--pre-start", "b c", "--post-ready", "r",
			       "--pre-stop", "s", "--post-exit", "e", "--hooks-dir", "/h",
			       "--hook-timeout", "2.5", "prog"),
			 0);
	assert_int_equal(o.n_hooks[HOOK_PRE_START], 2);
	assert_string_equal(o.hooks[HOOK_PRE_START][0], "a");
	assert_string_equal(o.hooks[HOOK_PRE_START][1], "b c");
	assert_string_equal(o.hooks[HOOK_POST_READY][0], "r");
	assert_string_equal(o.hooks[HOOK_PRE_STOP][0], "s");
	assert_string_equal(o.hooks[HOOK_POST_EXIT][0], "e");
	assert_string_equal(o.hooks_dir, "/h");
	assert_float_equal(o.hook_timeout, 2.5, 1e-9);

	/* From the environment; the command line replaces one phase's list, not the others. */
	assert_int_equal(PARSE_ENV(env, "--pre-start", "cli-pre", "prog"), 0);
	assert_int_equal(o.n_hooks[HOOK_PRE_START], 1);
	assert_string_equal(o.hooks[HOOK_PRE_START][0], "cli-pre");
	assert_int_equal(o.n_hooks[HOOK_POST_EXIT], 1);
	assert_string_equal(o.hooks[HOOK_POST_EXIT][0], "env-post");
	assert_string_equal(o.hooks_dir, "/env/hooks");
	assert_float_equal(o.hook_timeout, 5, 0);

	assert_int_equal(PARSE("--pre-stop", "", "prog"), -1);
	assert_err("--pre-stop", "empty command");
	assert_int_equal(PARSE("--hooks-dir", "", "prog"), -1);
	assert_err("--hooks-dir", "empty");
	assert_int_equal(PARSE("--hook-timeout", "0", "prog"), -1);
	assert_err("--hook-timeout", "more than 0");
	assert_int_equal(PARSE("--hook-timeout", "1e3", "prog"), -1);
	assert_err("--hook-timeout", "'1e3'");
	{
		char *argv[2 * (CLI_MAX_HOOKS + 1) + 3];
		int argc = 0;

		argv[argc++] = "baton";
		for (int i = 0; i <= CLI_MAX_HOOKS; i++) {
			argv[argc++] = "--post-ready";
			argv[argc++] = "true";
		}
		argv[argc++] = "prog";
		argv[argc] = NULL;
		assert_int_equal(parse_argv(NULL, argv), -1);
		assert_err("--post-ready", "more than 16");
	}
	assert_string_equal(cli_hook_phase_name(HOOK_PRE_START), "pre-start");
	assert_string_equal(cli_hook_phase_name(HOOK_POST_READY), "post-ready");
	assert_string_equal(cli_hook_phase_name(HOOK_PRE_STOP), "pre-stop");
	assert_string_equal(cli_hook_phase_name(HOOK_POST_EXIT), "post-exit");
	assert_string_equal(cli_hook_phase_name(HOOK_PHASES), "?");
}

static void test_inject(void **state)
{
	assert_int_equal(PARSE("inject"), 0);
	assert_int_equal(o.command, CLI_INJECT);
	assert_null(o.inject_file);
	assert_null(o.inject_image);
	assert_int_equal(PARSE("inject", "-"), 0);
	assert_string_equal(o.inject_file, "-");
	assert_int_equal(PARSE("inject", "--image", "registry.example/baton:1", "--entrypoint",
			       "app=/bin/app --serve", "--entrypoint", "db=postgres", "pod.yaml"),
			 0);
	assert_string_equal(o.inject_image, "registry.example/baton:1");
	assert_int_equal(o.n_entrypoints, 2);
	assert_string_equal(o.entrypoints[0], "app=/bin/app --serve");
	assert_string_equal(o.entrypoints[1], "db=postgres");
	assert_string_equal(o.inject_file, "pod.yaml");

	assert_int_equal(PARSE("inject", "a.yaml", "b.yaml"), -1);
	assert_err("inject", "at most one FILE");
	assert_int_equal(PARSE("inject", "--image", "a b"), -1);
	assert_err("--image", "'a b'");
	assert_int_equal(PARSE("inject", "--image", ""), -1);
	assert_err("--image", "''");
	assert_int_equal(PARSE("inject", "--entrypoint", "noequals"), -1);
	assert_err("--entrypoint", "'noequals'", "CONTAINER=CMD");
	assert_int_equal(PARSE("inject", "--entrypoint", "=cmd"), -1);
	assert_err("--entrypoint", "'=cmd'");
	assert_int_equal(PARSE("inject", "--entrypoint", "app="), -1);
	assert_err("--entrypoint", "'app='");
	assert_int_equal(PARSE("inject", "--name", "x"), -1);
	assert_err("unknown option", "--name");
	assert_int_equal(PARSE("inject", "-h"), 0);
	assert_int_equal(o.command, CLI_HELP);
	assert_int_equal(o.help_for, CLI_INJECT);
	assert_has(cli_help(CLI_INJECT), "Usage: baton inject");
	/* The run command's variables do not reach inject. */
	assert_int_equal(PARSE_ENV(((char *[]){"BATON_GRACE=abc", NULL}), "inject"), 0);
}

static void test_config(void **state)
{
	struct config_item items[] = {
		{"name", "web", 2, 1},	   {"after", "db", 3, 1},    {"after", "cache", 3, 10},
		{"grace", "4", 4, 1},	   {"group", "true", 5, 1},  {"remap-exit", "3", 6, 1},
		{"pre-start", "migrate", 7, 1},
	};
	char *command[] = {"/bin/app", "--serve", NULL};
	struct config cfg = {.file = "pod.yaml", .items = items, .n_items = 7, .command = command};
	char *env[] = {"BATON_GRACE=6", NULL};
	int argc;

	/* The file's settings and command, under the defaults. */
	assert_int_equal(cli_parse(&o, 1, (char *[]){"baton", NULL}, NULL, &cfg, err, sizeof(err)),
			 0);
	assert_string_equal(o.name, "web");
	assert_int_equal(o.n_after, 2);
	assert_string_equal(o.after[1], "cache");
	assert_float_equal(o.grace, 4, 0);
	assert_true(o.group);
	assert_true(o.remap_exit[3]);
	assert_int_equal(o.n_hooks[HOOK_PRE_START], 1);
	assert_ptr_equal(o.argv, command);

	/* The environment over the file, the command line over both (lists replaced). */
	{
		char *argv[] = {"baton", "--after", "queue", "-e", "4", "--", "other", NULL};

		argc = 7;
		assert_int_equal(cli_parse(&o, argc, argv, env, &cfg, err, sizeof(err)), 0);
		assert_float_equal(o.grace, 6, 0);
		assert_int_equal(o.n_after, 1);
		assert_string_equal(o.after[0], "queue");
		assert_false(o.remap_exit[3]);
		assert_true(o.remap_exit[4]);
		assert_string_equal(o.argv[0], "other");
		assert_string_equal(o.name, "web");
	}

	/* A bad value names the file, line, column and key. */
	items[3].value = "soon";
	assert_int_equal(cli_parse(&o, 1, (char *[]){"baton", NULL}, NULL, &cfg, err, sizeof(err)),
			 -1);
	assert_err("pod.yaml:4:1", "grace", "'soon'");
	items[3].value = "4";
	items[0].key = "nmae";
	assert_int_equal(cli_parse(&o, 1, (char *[]){"baton", NULL}, NULL, &cfg, err, sizeof(err)),
			 -1);
	assert_err("pod.yaml:2:1", "unknown key 'nmae'");
	/* Options without a value (other than group) and --config itself are not keys. */
	items[0].key = "verbose";
	assert_int_equal(cli_parse(&o, 1, (char *[]){"baton", NULL}, NULL, &cfg, err, sizeof(err)),
			 -1);
	assert_err("unknown key 'verbose'");
	items[0].key = "config";
	assert_int_equal(cli_parse(&o, 1, (char *[]){"baton", NULL}, NULL, &cfg, err, sizeof(err)),
			 -1);
	assert_err("unknown key 'config'");
	items[0].key = "name";

	/* No command anywhere. */
	cfg.command = NULL;
	assert_int_equal(cli_parse(&o, 1, (char *[]){"baton", NULL}, NULL, &cfg, err, sizeof(err)),
			 -1);
	assert_err("no PROGRAM");
	/* A subcommand ignores the file. */
	items[3].value = "soon";
	assert_int_equal(cli_parse(&o, 3, (char *[]){"baton", "wait", "db", NULL}, NULL, &cfg, err,
				   sizeof(err)),
			 0);
}

static void test_config_path(void **state)
{
	char *env[] = {"BATON_CONFIG=/env.yaml", NULL};
	char *empty[] = {"BATON_CONFIG=", NULL};

	assert_null(cli_config_path(3, (char *[]){"baton", "--", "prog", NULL}, NULL));
	assert_string_equal(cli_config_path(4, (char *[]){"baton", "--config", "/x.yaml", "prog",
							  NULL},
					    NULL),
			    "/x.yaml");
	assert_string_equal(cli_config_path(2, (char *[]){"baton", "prog", NULL}, env),
			    "/env.yaml");
	assert_string_equal(cli_config_path(4, (char *[]){"baton", "--config=/cli.yaml", "-g",
							  "prog", NULL},
					    env),
			    "/cli.yaml");
	assert_null(cli_config_path(2, (char *[]){"baton", "prog", NULL}, empty));
	/* Not for subcommands, and not PROGRAM's own options. */
	assert_null(cli_config_path(3, (char *[]){"baton", "status", "--config", NULL}, env));
	assert_null(cli_config_path(4, (char *[]){"baton", "prog", "--config", "/p.yaml", NULL},
				    NULL));
	/* --config on the command line is recorded too. */
	assert_int_equal(PARSE("--config", "/x.yaml", "prog"), 0);
	assert_string_equal(o.config, "/x.yaml");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_program),
		cmocka_unit_test(test_program_without_dashdash),
		cmocka_unit_test(test_no_program),
		cmocka_unit_test(test_run_options),
		cmocka_unit_test(test_run_option_forms),
		cmocka_unit_test(test_log_levels),
		cmocka_unit_test(test_seconds_options),
		cmocka_unit_test(test_parse_seconds),
		cmocka_unit_test(test_parse_uint),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_after_lists),
		cmocka_unit_test(test_self_dependency),
		cmocka_unit_test(test_remap_exit),
		cmocka_unit_test(test_map_signal),
		cmocka_unit_test(test_pdeathsig),
		cmocka_unit_test(test_jitter_dir_ready_on),
		cmocka_unit_test(test_unknown_and_missing),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_notify),
		cmocka_unit_test(test_install),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_env_group_values),
		cmocka_unit_test(test_env_empty_is_unset),
		cmocka_unit_test(test_env_subcommands),
		cmocka_unit_test(test_env_errors),
		cmocka_unit_test(test_exit_with),
		cmocka_unit_test(test_hooks),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_config_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
