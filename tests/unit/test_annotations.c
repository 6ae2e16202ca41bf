// SPDX-License-Identifier: MIT
/*
 * annotations: baton.dev/ key/value pairs -> one container's baton options, and the argv
 * syntax of entrypoints. Every option kind, pod-wide against per-container keys, names checked
 * against the pod or only for syntax, and every error: -1, the offending annotation's line and
 * column, and one line naming its key.
 */
#include "unit.h"

#include "annotations.h"

#define A(k, v, l) ((struct pod_annotation){ (k), (v), (l), 3 })

static const char *const pod[] = { "producer", "consumer", "web" };
static struct pod_container_args out;
static struct parse_error e;

/* The options as one string, words joined by '|'. */
static const char *joined(char **argv)
{
	static char buf[1024];

	buf[0] = '\0';
	for (char **p = argv; p && *p; p++)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", p == argv ? "" : "|",
			 *p);
	return buf;
}

static int parse(const struct pod_annotation *a, int n, const char *container, bool known_pod)
{
	pod_container_args_free(&out);
	memset(&e, 0, sizeof(e));
	if (pod_annotations_container(a, n, container, known_pod ? pod : NULL, known_pod ? 3 : 0,
				      &out, &e) == 0)
		return 0;
	fprintf(stderr, "line %d: %s\n", e.line, e.msg);
	return -1;
}

/* Fails with the line of the offending annotation and a message holding want. */
static void assert_fails(const struct pod_annotation *a, int n, const char *container,
			 bool known_pod, int line, const char *want)
{
	assert_int_equal(parse(a, n, container, known_pod), -1);
	assert_int_equal(errno, EINVAL);
	if (!strstr(e.msg, want))
		fail_msg("'%s' lacks '%s'", e.msg, want);
	assert_null(strchr(e.msg, '\n'));
	assert_int_equal(e.line, line);
	assert_int_equal(out.args, NULL);
}

static void test_every_option(void **state)
{
	const struct pod_annotation a[] = {
		A("app.kubernetes.io/name", "ipc", 1),
		A("baton.dev/after.consumer", "producer", 2),
		A("baton.dev/ready-on.consumer", "msgq:0x1234\n\n  file:/tmp/x  \n", 3),
		A("baton.dev/exit-with.consumer", " producer ", 4),
		A("baton.dev/timeout.consumer", "30", 5),
		A("baton.dev/grace", "3", 6),
		A("baton.dev/jitter.consumer", "200", 7),
		A("baton.dev/watchdog.consumer", "5.5", 8),
		A("baton.dev/group.consumer", "true", 9),
		A("baton.dev/remap-exit.consumer", "143\n1,2", 10),
		A("baton.dev/map-signal.consumer", "TERM:INT", 11),
		A("baton.dev/log-level.consumer", "debug", 12),
		A("baton.dev/entrypoint.consumer", "[\"consume\", \"-g\", \"daemon off;\"]", 13),
	};

	assert_int_equal(parse(a, 13, "consumer", true), 0);
	assert_true(out.wrapped);
	assert_string_equal(joined(out.args),
			    "--name|consumer|--after|producer|--ready-on|msgq:0x1234|--ready-on|"
			    "file:/tmp/x|--exit-with|producer|--timeout|30|--grace|3|--jitter|200|"
			    "--watchdog|5.5|--group|--remap-exit|143|--remap-exit|1,2|--map-signal|"
			    "TERM:INT|--log-level|debug");
	assert_int_equal(out.n_args, 27);
	assert_int_equal(out.n_entrypoint, 3);
	assert_string_equal(joined(out.entrypoint), "consume|-g|daemon off;");

	/* the producer gets only the pod-wide grace */
	assert_int_equal(parse(a, 13, "producer", true), 0);
	assert_string_equal(joined(out.args), "--name|producer|--grace|3");
	assert_null(out.entrypoint);
	pod_container_args_free(&out);
}

static void test_pod_wide(void **state)
{
	const struct pod_annotation a[] = {
		A("baton.dev/jitter", "100", 1),      A("baton.dev/jitter.web", "7", 2),
		A("baton.dev/group", "yes", 3),	      A("baton.dev/group.web", "false", 4),
		A("baton.dev/ready-on", "notify", 5),
	};

	assert_int_equal(parse(a, 5, "web", true), 0);
	assert_string_equal(joined(out.args), "--name|web|--ready-on|notify|--jitter|7");
	assert_int_equal(parse(a, 5, "producer", false), 0);
	assert_string_equal(joined(out.args),
			    "--name|producer|--ready-on|notify|--jitter|100|--group");
	pod_container_args_free(&out);
}

static void test_opt_in(void **state)
{
	const struct pod_annotation none[] = { A("x/y", "z", 1) };
	const struct pod_annotation on[] = { A("baton.dev/inject", "true", 1) };
	const struct pod_annotation off[] = { A("baton.dev/inject", "false", 1),
					      A("baton.dev/timeout", "1", 2) };

	assert_int_equal(parse(none, 1, "web", true), 0);
	assert_false(out.wrapped);
	assert_string_equal(joined(out.args), "--name|web");
	assert_int_equal(parse(none, 0, "web", false), 0);
	assert_false(out.wrapped);
	assert_int_equal(parse(on, 1, "web", false), 0);
	assert_true(out.wrapped);
	assert_int_equal(parse(off, 2, "web", false), 0);
	assert_false(out.wrapped);
	pod_container_args_free(&out);
}

/* Without the pod's containers (the runtime), names are checked for syntax only. */
static void test_unknown_pod(void **state)
{
	const struct pod_annotation a[] = { A("baton.dev/after.web", "db, cache", 1),
					    A("baton.dev/exit-with.other", "x", 2) };
	const struct pod_annotation bad[] = { A("baton.dev/after.web", "Db", 1) };

	assert_int_equal(parse(a, 2, "web", false), 0);
	assert_string_equal(joined(out.args), "--name|web|--after|db,cache");
	assert_fails(a, 2, "web", true, 2, "the pod has no container 'other'");
	assert_fails(a, 1, "web", true, 1, "the pod has no container 'db'");
	assert_fails(bad, 1, "web", false, 1,
		     "annotation baton.dev/after.web: 'Db' is not a valid");
	assert_fails(a, 2, "Bad_Name", false, 0, "container 'Bad_Name'");
}

static void test_errors(void **state)
{
	static const struct {
		const char *key, *value, *container, *want;
	} cases[] = {
		{ "baton.dev/afer.web", "x", "web", "unknown annotation baton.dev/afer.web" },
		{ "baton.dev/", "x", "web", "unknown annotation baton.dev/ " },
		{ "baton.dev/after", "producer", "web", "give it per container" },
		{ "baton.dev/entrypoint", "[a]", "web", "give it per container" },
		{ "baton.dev/after.nobody", "producer", "web",
		  "the pod has no container 'nobody'" },
		{ "baton.dev/after.web", "web", "web", "'web' cannot wait for itself" },
		{ "baton.dev/after.web", "ghost", "web", "the pod has no container 'ghost'" },
		{ "baton.dev/after.web", " , ", "web", "names no container" },
		{ "baton.dev/exit-with.web", "producer consumer", "web",
		  "give one container name" },
		{ "baton.dev/exit-with.web", "web", "web", "'web' is this container's own name" },
		{ "baton.dev/ready-on.web", "tcp:localhost", "web",
		  "annotation baton.dev/ready-on.web: 'tcp:localhost': expected tcp:HOST:PORT" },
		{ "baton.dev/ready-on.web", "\n \n", "web", "ready-on.web: no condition" },
		{ "baton.dev/timeout.web", "soon", "web",
		  "annotation baton.dev/timeout.web: 'soon' is not a number of seconds" },
		{ "baton.dev/timeout.web", "1 2", "web", "'1 2' is not a number of seconds" },
		{ "baton.dev/grace", "-1", "web", "baton.dev/grace: '-1' is not a number" },
		{ "baton.dev/jitter.web", "1e3", "web", "'1e3' is not milliseconds" },
		{ "baton.dev/watchdog.web", "0.001", "web", "shorter than 0.01 s" },
		{ "baton.dev/watchdog.web", "  ", "web", "watchdog.web: no value" },
		{ "baton.dev/group.web", "maybe", "web", "give \"true\" or \"false\"" },
		{ "baton.dev/remap-exit.web", "256", "web", "'256' is not an exit code" },
		{ "baton.dev/map-signal.web", "TERM", "web", "'TERM' is not FROM:TO" },
		{ "baton.dev/log-level.web", "loud", "web", "'loud' is not error, warn" },
		{ "baton.dev/inject", "yes", "web",
		  "baton.dev/inject: give \"true\" or \"false\"" },
		{ "baton.dev/entrypoint.web", "[a, [b]]", "web", "an item is not a string" },
		{ "baton.dev/entrypoint.web", "[a, null]", "web", "an item is null" },
		{ "baton.dev/entrypoint.web", "[]", "web", "the list is empty" },
		{ "baton.dev/entrypoint.web", "[\"a\"", "web", "entrypoint.web: '[\"a\"' is not" },
		{ "baton.dev/entrypoint.web", "  ", "web", "entrypoint.web: no command" },
		{ "baton.dev/timeout.web", NULL, "web", "timeout.web: the value must be a string" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pod_annotation a[] = { A("other", "x", 1),
						    A(cases[i].key, cases[i].value, 7) };

		assert_fails(a, 2, cases[i].container, true, 7, cases[i].want);
	}
	{
		const struct pod_annotation twice[] = { A("baton.dev/grace", "1", 1),
							A("baton.dev/grace", "2", 2) };
		const struct pod_annotation ctl[] = { A("baton.dev/timeout.web", "\x1b[31m", 4) };

		assert_fails(twice, 2, "web", true, 2, "annotation baton.dev/grace is given twice");
		assert_fails(ctl, 1, "web", true, 4, "'?[31m' is not a number");
	}
}

static void test_argv(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "nginx -g daemon", "nginx|-g|daemon" },
		{ "  sleep\t 5\n", "sleep|5" },
		{ "[\"nginx\", \"-g\", \"daemon off;\"]", "nginx|-g|daemon off;" },
		{ "[nginx, -g, 'daemon off;']", "nginx|-g|daemon off;" },
		{ " [sleep, 5, \"\", \"null\", '~']", "sleep|5||null|~" },
	};
	char **argv, err[256];
	int n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(pod_argv_parse(cases[i].in, &argv, &n, err, sizeof(err)), 0);
		assert_string_equal(joined(argv), cases[i].want);
		assert_null(argv[n]);
		pod_argv_free(argv);
	}
	assert_int_equal(pod_argv_parse("[\"\", x]", &argv, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "the program is an empty string"));
	assert_int_equal(pod_argv_parse("[a]\n---\n[b]", &argv, &n, err, sizeof(err)), -1);
	assert_int_equal(pod_argv_parse("[a, &x b, *x]", &argv, &n, err, sizeof(err)), -1);
	assert_int_equal(pod_argv_parse("[{a: b}]", &argv, &n, err, sizeof(err)), -1);
	assert_null(argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_option), cmocka_unit_test(test_pod_wide),
		cmocka_unit_test(test_opt_in),	     cmocka_unit_test(test_unknown_pod),
		cmocka_unit_test(test_errors),	     cmocka_unit_test(test_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
