// SPDX-License-Identifier: MIT
/*
 * runtime: the pure parts of baton-runtime. runc's argv (global flags, the command, the bundle
 * and the id in every spelling urfave/cli accepts), id and name validation, podman's conmon
 * command line, the configuration file, and the plan and rewrite of config.json files captured
 * from podman 4.3 (tests/fixtures/runtime/): which containers are wrapped, how the name is
 * found for each engine, what is refused, and that a rewrite changes process.args and appends
 * two mounts and nothing else, keys in their order.
 */
#include "unit.h"

#include "runtime.h"

static char err[1024];

static json_t *fixture(const char *name)
{
	const char *root = getenv("SRC_ROOT");
	char path[4096];
	json_error_t je;
	json_t *j;

	if (!root)
		fail_msg("SRC_ROOT is not set (run the tests with meson test)");
	snprintf(path, sizeof(path), "%s/tests/fixtures/runtime/%s", root, name);
	j = json_load_file(path, 0, &je);
	if (!j)
		fail_msg("%s: %s", path, je.text);
	return j;
}

static void set_annotation(json_t *config, const char *key, const char *value)
{
	json_t *ann = json_object_get(config, "annotations");

	if (value)
		assert_int_equal(json_object_set_new(ann, key, json_string(value)), 0);
	else
		json_object_del(ann, key);
}

static void parse(struct runtime_argv *a, const char *const *words)
{
	char *argv[32];
	int argc = 0;

	argv[argc++] = (char *)"baton-runtime";
	while (*words)
		argv[argc++] = (char *)*words++;
	argv[argc] = NULL;
	runtime_parse_argv(argc, argv, a);
}

static void test_argv(void **state)
{
	struct runtime_argv a;

	parse(&a, (const char *const[]){ "--root", "/r", "--log", "/l.json", "--log-format", "json",
					 "--systemd-cgroup", "create", "--bundle", "/b",
					 "--pid-file", "/p", "ID", NULL });
	assert_string_equal(a.command, "create");
	assert_string_equal(a.bundle, "/b");
	assert_string_equal(a.id, "ID");
	assert_string_equal(a.log, "/l.json");
	assert_true(a.log_json);

	parse(&a, (const char *const[]){ "-log=/x", "-log-format=text", "run", "-d", "-b=/b2",
					 "--console-socket", "/s", "ID2", NULL });
	assert_string_equal(a.command, "run");
	assert_string_equal(a.bundle, "/b2");
	assert_string_equal(a.id, "ID2");
	assert_string_equal(a.log, "/x");
	assert_false(a.log_json);

	parse(&a, (const char *const[]){ "create", "ID3", NULL });
	assert_null(a.bundle);
	assert_string_equal(a.id, "ID3");

	parse(&a, (const char *const[]){ "--debug", "delete", "--force", "ID4", NULL });
	assert_string_equal(a.command, "delete");
	assert_string_equal(a.id, "ID4");
	assert_null(a.log);

	/* --bundle belongs to create: elsewhere its word is not the id's. */
	parse(&a, (const char *const[]){ "delete", "-f", "--", "ID5", NULL });
	assert_string_equal(a.id, "ID5");

	parse(&a, (const char *const[]){ "--root", NULL });
	assert_null(a.command);
	parse(&a, (const char *const[]){ NULL });
	assert_null(a.command);
	parse(&a, (const char *const[]){ "create", "--bundle", NULL });
	assert_null(a.bundle);
	assert_null(a.id);
}

static void test_names(void **state)
{
	char id[RUNTIME_ID_MAX + 2];

	assert_true(runtime_id_valid(
		"c0fa8618e99503cca341f7a5a83f658bec36b44a61bec721eeabe8bab6387f41"));
	assert_true(runtime_id_valid("pod_1-A"));
	assert_false(runtime_id_valid(""));
	assert_false(runtime_id_valid(".."));
	assert_false(runtime_id_valid("../etc"));
	assert_false(runtime_id_valid("a/b"));
	assert_false(runtime_id_valid("a b"));
	memset(id, 'a', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	assert_false(runtime_id_valid(id));
	id[RUNTIME_ID_MAX] = '\0';
	assert_true(runtime_id_valid(id));

	assert_true(runtime_name_valid("consumer"));
	assert_true(runtime_name_valid("web-1"));
	assert_false(runtime_name_valid("Web"));
	assert_false(runtime_name_valid("-web"));
	assert_false(runtime_name_valid("web-"));
	assert_false(runtime_name_valid("we_b"));
	assert_false(runtime_name_valid(""));
	assert_false(runtime_name_valid(
		"a234567890123456789012345678901234567890123456789012345678901234"));
}

static void test_conmon(void **state)
{
	static const char cmd[] = "/usr/bin/conmon\0--api-version\0001\0-c\0ID1\0-u\0ID1\0-r\0/rt\0"
				  "-n\0pod-consumer\0--exit-dir\0/x";
	static const char sh[] = "/bin/sh\0-c\0ID1\0-n\0x", no_name[] = "conmon\0-c\0ID1\0-n";
	char out[64];

	assert_int_equal(runtime_conmon_name(cmd, sizeof(cmd), "ID1", out, sizeof(out)), 0);
	assert_string_equal(out, "pod-consumer");
	assert_int_equal(runtime_conmon_name(cmd, sizeof(cmd), "ID2", out, sizeof(out)), -1);
	assert_int_equal(runtime_conmon_name(cmd, sizeof(cmd), "ID1", out, 5), -1);
	assert_int_equal(runtime_conmon_name(sh, sizeof(sh), "ID1", out, 64), -1);
	assert_int_equal(runtime_conmon_name(cmd, sizeof(cmd) - 1, "ID1", out, 64), -1);
	assert_int_equal(runtime_conmon_name(no_name, sizeof(no_name), "ID1", out, 64), -1);
}

static void test_config(void **state)
{
	struct runtime_config c;
	struct parse_error e;
	const char good[] = "runtime: crun\nbaton: /opt/baton\ndir: /run/x\n";

	assert_int_equal(runtime_config_parse(good, strlen(good), "f", &c, &e), 0);
	assert_string_equal(c.runtime, "crun");
	assert_string_equal(c.baton, "/opt/baton");
	assert_string_equal(c.dir, "/run/x");
	runtime_config_free(&c);
	assert_int_equal(runtime_config_parse("", 0, "f", &c, &e), 0);
	assert_null(c.runtime);

	static const struct {
		const char *yaml, *msg;
		int line;
	} bad[] = {
		{ "colour: red\n", "unknown key 'colour' (expected runtime, baton or dir)", 1 },
		{ "dir: /a\ndir: /b\n", "dir: given twice", 2 },
		{ "baton: baton\n", "baton: expected an absolute path, not 'baton'", 1 },
		{ "runtime: [a]\n", "runtime: expected a path", 1 },
		{ "- a\n", "expected a mapping of runtime, baton, dir", 1 },
		{ "runtime: ''\n", "runtime: expected a path", 1 },
		{ "a: [\n", NULL, 2 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			runtime_config_parse(bad[i].yaml, strlen(bad[i].yaml), "f.yaml", &c, &e),
			-1);
		if (bad[i].msg)
			assert_string_equal(e.msg, bad[i].msg);
		assert_int_equal(e.line, bad[i].line);
		assert_string_equal(e.file, "f.yaml");
		assert_null(c.runtime);
	}
}

/* plan() on FIXTURE: 0 and wrap, with name and sandbox as expected. */
static void expect_wrap(json_t *config, const char *engine_name, const char *name)
{
	struct runtime_plan p;

	assert_int_equal(runtime_plan(config, engine_name, &p, err, sizeof(err)), 0);
	assert_true(p.wrap);
	assert_string_equal(p.name, name);
	assert_string_equal(p.sandbox_id,
			    "6d6aee0f70147a15a0e4a824b32f425f2e8e71fbbc295e73ef7b0144a90f82bd");
	assert_string_equal(p.args.args[0], "--name");
	assert_string_equal(p.args.args[1], name);
	runtime_plan_free(&p);
}

static void expect_pass(json_t *config, const char *engine_name)
{
	struct runtime_plan p;

	assert_int_equal(runtime_plan(config, engine_name, &p, err, sizeof(err)), 0);
	assert_false(p.wrap);
	runtime_plan_free(&p);
}

static void expect_error(json_t *config, const char *engine_name, const char *msg)
{
	struct runtime_plan p;

	assert_int_equal(runtime_plan(config, engine_name, &p, err, sizeof(err)), -1);
	assert_false(p.wrap);
	if (!strstr(err, msg))
		fail_msg("expected '%s' in '%s'", msg, err);
}

static void test_plan(void **state)
{
	json_t *infra = fixture("podman-infra.json");
	json_t *c = fixture("podman-consumer.json");

	expect_pass(infra, "e110a812d2f2-infra");
	/* podman: conmon's name less the pod's hostname */
	expect_wrap(c, "rtcap-consumer", "consumer");
	/* podman with a hostname that is not the pod's name: the one name the annotations give */
	json_array_set_new(json_object_get(json_object_get(c, "process"), "env"), 2,
			   json_string("HOSTNAME=other"));
	expect_wrap(c, "rt-cap-consumer", "consumer");
	expect_wrap(c, "rt-cap-producer", "producer");
	expect_error(c, "rt-cap-idle",
		     "cannot tell the container's name from podman's name "
		     "'rt-cap-idle' (pod hostname 'other')");
	set_annotation(c, "baton.dev/after.x-consumer", "producer");
	expect_error(c, "rt-x-consumer", "ends with both");
	set_annotation(c, "baton.dev/after.x-consumer", NULL);
	expect_error(c, NULL,
		     "cannot tell the container's name: no io.kubernetes.cri.container-name");
	/* containerd's name wins, then CRI-O's (kubelet's label) */
	set_annotation(c, "io.kubernetes.container.name", "producer");
	expect_wrap(c, "rtcap-consumer", "producer");
	set_annotation(c, "io.kubernetes.cri.container-name", "consumer");
	expect_wrap(c, NULL, "consumer");
	set_annotation(c, "io.kubernetes.cri.container-name", "Consumer");
	expect_error(c, NULL,
		     "annotation io.kubernetes.cri.container-name: 'Consumer' is not a "
		     "container name");
	set_annotation(c, "io.kubernetes.cri.container-name", "consumer");
	/* containerd's sandbox id when CRI-O's is absent */
	set_annotation(c, "io.kubernetes.cri-o.SandboxID", NULL);
	expect_error(c, NULL, "no io.kubernetes.cri-o.SandboxID or io.kubernetes.cri.sandbox-id");
	set_annotation(c, "io.kubernetes.cri.sandbox-id",
		       "6d6aee0f70147a15a0e4a824b32f425f2e8e71fbbc295e73ef7b0144a90f82bd");
	expect_wrap(c, NULL, "consumer");
	set_annotation(c, "io.kubernetes.cri.sandbox-id", "../../etc");
	expect_error(c, NULL, "container consumer: invalid sandbox id '../../etc'");
	set_annotation(c, "io.kubernetes.cri.sandbox-id",
		       "6d6aee0f70147a15a0e4a824b32f425f2e8e71fbbc295e73ef7b0144a90f82bd");
	/* sandboxes are never wrapped */
	set_annotation(c, "io.kubernetes.cri-o.ContainerType", "sandbox");
	expect_pass(c, NULL);
	set_annotation(c, "io.kubernetes.cri-o.ContainerType", NULL);
	set_annotation(c, "io.kubernetes.cri.container-type", "sandbox");
	expect_pass(c, NULL);
	set_annotation(c, "io.kubernetes.cri.container-type", "container");
	/* an invalid annotation is an error naming the container and the key */
	set_annotation(c, "baton.dev/ready-on.consumer", "bogus:1");
	expect_error(c, NULL, "container consumer: ");
	expect_error(c, NULL, "baton.dev/ready-on.consumer");
	set_annotation(c, "baton.dev/ready-on.consumer", NULL);
	/* another container's invalid annotation stops this one too: no half-started pod */
	set_annotation(c, "baton.dev/exit-with.producer", "Not-A-Name");
	expect_error(c, NULL, "container consumer: annotation baton.dev/exit-with.producer");
	set_annotation(c, "baton.dev/exit-with.producer", NULL);
	/* a value that is not a string */
	json_object_set_new(json_object_get(c, "annotations"), "baton.dev/after.consumer",
			    json_integer(1));
	expect_error(c, NULL, "baton.dev/after.consumer");
	set_annotation(c, "baton.dev/after.consumer", "producer");
	/* already under baton */
	json_object_set_new(json_object_get(c, "process"), "args",
			    json_pack("[s, s]", RUNTIME_BATON_BIN, "--"));
	expect_pass(c, NULL);
	/* no baton.dev/ key, no annotations, not an object */
	json_decref(c);
	c = fixture("podman-consumer.json");
	set_annotation(c, "baton.dev/after.consumer", NULL);
	set_annotation(c, "baton.dev/ready-on.producer", NULL);
	expect_pass(c, "rtcap-consumer");
	json_object_del(c, "annotations");
	expect_pass(c, "rtcap-consumer");
	json_decref(c);
	c = json_pack("[]");
	expect_pass(c, NULL);
	json_decref(c);
	json_decref(infra);
}

/* Keys of every object in j, depth first, as one string: the order a rewrite must keep. */
static void key_order(json_t *j, char *out, size_t size)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		json_object_foreach(j, k, v)
		{
			strncat(out, k, size - strlen(out) - 1);
			strncat(out, ",", size - strlen(out) - 1);
			key_order(v, out, size);
		}
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v) key_order(v, out, size);
	}
}

static void test_rewrite(void **state)
{
	static char before[65536], after[65536];
	json_t *orig = fixture("podman-producer.json"), *c = json_deep_copy(orig);
	struct runtime_plan p;
	json_t *args, *mounts, *want;
	size_t n_mounts = json_array_size(json_object_get(orig, "mounts"));

	assert_int_equal(runtime_plan(c, "rtcap-producer", &p, err, sizeof(err)), 0);
	assert_true(p.wrap);
	assert_int_equal(
		runtime_rewrite(c, &p, "/opt/baton", "/run/baton-runtime/SB", err, sizeof(err)), 0);
	runtime_plan_free(&p);
	args = json_object_get(json_object_get(c, "process"), "args");
	want = json_pack("[s,s,s,s,s,s,s,s,s,s,s]", "/run/baton-bin/baton", "--name", "producer",
			 "--dir", "/run/baton", "--ready-on", "msgq:0x62746e01", "--", "producer",
			 "--count", "10");
	assert_true(json_equal(args, want));
	json_decref(want);
	mounts = json_object_get(c, "mounts");
	assert_int_equal(json_array_size(mounts), n_mounts + 2);
	want = json_pack("{s:s, s:s, s:s, s:[s,s,s,s]}", "destination", "/run/baton-bin/baton",
			 "type", "bind", "source", "/opt/baton", "options", "bind", "ro", "nosuid",
			 "nodev");
	assert_true(json_equal(json_array_get(mounts, n_mounts), want));
	json_decref(want);
	want = json_pack("{s:s, s:s, s:s, s:[s,s,s,s,s]}", "destination", "/run/baton", "type",
			 "bind", "source", "/run/baton-runtime/SB", "options", "rbind", "rw",
			 "nosuid", "nodev", "noexec");
	assert_true(json_equal(json_array_get(mounts, n_mounts + 1), want));
	json_decref(want);
	/* Without the two mounts and with the old args back: the same values, keys in order. */
	json_array_remove(mounts, n_mounts + 1);
	json_array_remove(mounts, n_mounts);
	json_object_set(json_object_get(c, "process"), "args",
			json_object_get(json_object_get(orig, "process"), "args"));
	assert_true(json_equal(orig, c));
	key_order(orig, before, sizeof(before));
	key_order(c, after, sizeof(after));
	assert_true(strlen(before) > 1000);
	assert_string_equal(before, after);
	json_decref(c);
	json_decref(orig);
}

/* baton.dev/entrypoint.C replaces the engine's args (the image's ENTRYPOINT and CMD). */
static void test_rewrite_entrypoint(void **state)
{
	json_t *c = fixture("podman-producer.json"), *want;
	struct runtime_plan p;

	set_annotation(c, "baton.dev/entrypoint.producer", "[\"/bin/app\", \"-x\"]");
	assert_int_equal(runtime_plan(c, "rtcap-producer", &p, err, sizeof(err)), 0);
	assert_int_equal(runtime_rewrite(c, &p, "/b", "/d", err, sizeof(err)), 0);
	want = json_pack("[s,s,s,s,s,s,s,s,s,s]", "/run/baton-bin/baton", "--name", "producer",
			 "--dir", "/run/baton", "--ready-on", "msgq:0x62746e01", "--", "/bin/app",
			 "-x");
	assert_true(json_equal(json_object_get(json_object_get(c, "process"), "args"), want));
	json_decref(want);
	runtime_plan_free(&p);
	json_decref(c);
}

static void test_rewrite_refused(void **state)
{
	json_t *c = fixture("podman-producer.json");
	struct runtime_plan p;

	assert_int_equal(runtime_plan(c, "rtcap-producer", &p, err, sizeof(err)), 0);
	json_object_set_new(json_object_get(c, "process"), "args", json_pack("[s, i]", "x", 1));
	assert_int_equal(runtime_rewrite(c, &p, "/b", "/d", err, sizeof(err)), -1);
	assert_string_equal(err, "container producer: process.args[1] is not a string");
	json_object_set_new(json_object_get(c, "process"), "args", json_array());
	assert_int_equal(runtime_rewrite(c, &p, "/b", "/d", err, sizeof(err)), -1);
	assert_string_equal(err, "container producer: config.json has no process.args to run under "
				 "baton");
	json_object_set_new(json_object_get(c, "process"), "args", json_pack("[s]", "x"));
	json_object_set_new(c, "mounts", json_string("no"));
	assert_int_equal(runtime_rewrite(c, &p, "/b", "/d", err, sizeof(err)), -1);
	assert_string_equal(err, "config.json: mounts is not a list");
	/* no mounts at all: made */
	json_object_del(c, "mounts");
	assert_int_equal(runtime_rewrite(c, &p, "/b", "/d", err, sizeof(err)), 0);
	assert_int_equal(json_array_size(json_object_get(c, "mounts")), 2);
	runtime_plan_free(&p);
	json_decref(c);
}

/* uint64 values above INT64_MAX (an unlimited rlimit) survive jansson, nothing else changes. */
static void test_bigints(void **state)
{
	static const char in[] =
		"{\"hard\":18446744073709551615,\"s\":\"x\\\"18446744073709551615\",\"n\":"
		"-9223372036854775809,\"max\":9223372036854775807,\"min\":-9223372036854775808,"
		"\"r\":1.5e300,\"l\":[1,-2,99999999999999999999]}";
	const char *nonce = "0123456789abcdef~int:";
	json_error_t je;
	size_t len;
	char *hidden = runtime_bigints_hide(in, strlen(in), nonce, &len), *dumped, *shown;
	json_t *j;

	assert_non_null(hidden);
	assert_int_equal(strlen(hidden), len);
	assert_non_null(strstr(hidden, "\"hard\":\"0123456789abcdef~int:18446744073709551615\""));
	assert_non_null(strstr(hidden, "\"max\":9223372036854775807,"));
	assert_non_null(strstr(hidden, "\"s\":\"x\\\"18446744073709551615\""));
	j = json_loadb(hidden, len, 0, &je);
	assert_non_null(j);
	dumped = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	shown = runtime_bigints_show(dumped, nonce);
	assert_non_null(strstr(shown, "\"hard\":18446744073709551615,"));
	assert_non_null(strstr(shown, "\"n\":-9223372036854775809,"));
	assert_non_null(strstr(shown, "\"l\":[1,-2,99999999999999999999]"));
	assert_non_null(strstr(shown, "\"s\":\"x\\\"18446744073709551615\""));
	/* a string that only looks like a marker, without the nonce, stays a string */
	free(shown);
	shown = runtime_bigints_show("[\"0000000000000000~int:5\",\"0123456789abcdef~int:5x\"]",
				     nonce);
	assert_string_equal(shown, "[\"0000000000000000~int:5\",\"0123456789abcdef~int:5x\"]");
	free(shown);
	free(dumped);
	json_decref(j);
	free(hidden);
	/* found by fuzz_runtime: input that is not NUL-terminated and ends in a lone '-' */
	static const char dash[1] = { '-' };
	hidden = runtime_bigints_hide(dash, 1, nonce, &len);
	assert_string_equal(hidden, "-");
	free(hidden);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_conmon),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_rewrite_entrypoint),
		cmocka_unit_test(test_rewrite_refused),
		cmocka_unit_test(test_bigints),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
