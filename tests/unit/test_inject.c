// SPDX-License-Identifier: MIT
/*
 * inject: Kubernetes YAML in, YAML with every pod template prepared for baton out. The corpus in
 * tests/fixtures/inject/ drives most of it: NAME.yaml (with the options in NAME.args, one
 * argument a line) must give NAME.out.yaml byte for byte, or fail with exactly the line in
 * NAME.err; every output injected again must not change; regress-*.yaml are inputs the fuzzer
 * found (no crash, idempotent). BATON_UPDATE_GOLDEN=1 rewrites .out.yaml and .err instead of
 * comparing. Then: the pure inject_document() on a document built in memory, copy-on-write of
 * aliased nodes, limits, and inject_main()'s exit codes and all-or-nothing output.
 */
#include "unit.h"

#include "cli.h"
#include "config.h"
#include "inject.h"

#include <baton/exit.h>

#include <dirent.h>
#include <limits.h>

static const char *const no_entrypoints[1];
static const struct inject_settings defaults = {NULL, no_entrypoints, 0};
static struct parse_error e;
static char line[1024];

static char *fixture_dir(char *buf, size_t size)
{
	const char *root = getenv("SRC_ROOT");

	if (!root)
		fail_msg("SRC_ROOT is not set (run the tests with meson test)");
	snprintf(buf, size, "%s/tests/fixtures/inject", root);
	return buf;
}

/* The whole file, NUL-terminated; NULL when it does not exist. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t size = 0;

	if (!f)
		return NULL;
	*len = 0;
	for (;;) {
		data = realloc(data, size += 65536);
		assert_non_null(data);
		*len += fread(data + *len, 1, size - *len - 1, f);
		if (feof(f) || ferror(f))
			break;
	}
	assert_false(ferror(f));
	fclose(f);
	data[*len] = '\0';
	return data;
}

static void spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Injects text as file `name`; 0 with *out, or -1 with the formatted error in line. */
static int inject(const char *name, const char *text, size_t len, const struct inject_settings *s,
		  char **out, size_t *outlen)
{
	line[0] = '\0';
	if (inject_stream(name, text, len, s, out, outlen, &e) < 0) {
		config_error_format(&e, line, sizeof(line));
		assert_null(*out);
		return -1;
	}
	return 0;
}

static char *inject_ok(const char *text, const struct inject_settings *s)
{
	char *out;
	size_t len;

	if (inject("t.yaml", text, strlen(text), s, &out, &len) < 0)
		fail_msg("inject failed: %s", line);
	out = realloc(out, len + 1);
	out[len] = '\0';
	return out;
}

#define assert_inject_error(text, want)                                                            \
	do {                                                                                       \
		char *out_;                                                                        \
		size_t len_;                                                                       \
		assert_int_equal(inject("t.yaml", (text), strlen(text), &defaults, &out_, &len_),  \
				 -1);                                                              \
		assert_int_equal(errno, EINVAL);                                                   \
		assert_string_equal(line, (want));                                                 \
	} while (0)

/*
 * NAME.args, one argument a line, through the real command line parser: argv and the strings
 * it points to live in static storage until the next call.
 */
static void fixture_settings(const char *dir, const char *name, struct inject_settings *s)
{
	static struct options o;
	static char *argv[64], *text;
	char path[PATH_MAX + NAME_MAX + 16], err[256];
	size_t len;
	int argc = 0;

	free(text);
	snprintf(path, sizeof(path), "%s/%s.args", dir, name);
	text = slurp(path, &len);
	argv[argc++] = "baton";
	argv[argc++] = "inject";
	for (char *p = text, *nl; p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		*nl = '\0';
		assert_true(argc < 62);
		argv[argc++] = p;
	}
	argv[argc] = NULL;
	if (cli_parse(&o, argc, argv, (char *const[]){NULL}, NULL, err, sizeof(err)) < 0)
		fail_msg("%s.args: %s", name, err);
	assert_int_equal(o.command, CLI_INJECT);
	s->image = o.inject_image;
	s->entrypoints = o.entrypoints;
	s->n_entrypoints = o.n_entrypoints;
	assert_int_equal(inject_settings_check(s, err, sizeof(err)), 0);
}

/* One fixture; returns 0 when it holds, else prints why and returns 1. */
static int run_fixture(const char *dir, const char *file)
{
	char base[NAME_MAX], path[PATH_MAX + 2 * NAME_MAX], *in, *want, *out, *again;
	size_t len, wantlen, outlen, againlen;
	bool update = getenv("BATON_UPDATE_GOLDEN") && *getenv("BATON_UPDATE_GOLDEN") == '1';
	struct inject_settings s;
	int r, bad = 0;

	snprintf(base, sizeof(base), "%.*s", (int)(strlen(file) - 5), file);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	in = slurp(path, &len);
	assert_non_null(in);
	fixture_settings(dir, base, &s);
	r = inject(file, in, len, &s, &out, &outlen);

	snprintf(path, sizeof(path), "%s/%s.%s", dir, base, r == 0 ? "out.yaml" : "err");
	if (update && strncmp(base, "regress-", 8) != 0) {
		char err[sizeof(line) + 1];

		snprintf(err, sizeof(err), "%s\n", line);
		spill(path, r == 0 ? out : err, r == 0 ? outlen : strlen(err));
	}
	want = slurp(path, &wantlen);
	if (r == 0 && want && (wantlen != outlen || memcmp(want, out, outlen) != 0)) {
		fprintf(stderr, "%s: the output differs from %s.out.yaml:\n%.*s\n", file, base,
			(int)outlen, out);
		bad = 1;
	} else if (r < 0 && want &&
		   (strlen(line) + 1 != wantlen || strncmp(want, line, strlen(line)))) {
		fprintf(stderr, "%s: got error\n  %s\nwant (%s.err)\n  %s", file, line, base, want);
		bad = 1;
	} else if (!want && strncmp(base, "regress-", 8) != 0) {
		fprintf(stderr, "%s: %s.%s is missing (%s)\n", file, base,
			r == 0 ? "out.yaml" : "err", r == 0 ? "it injects" : line);
		bad = 1;
	} else if (r < 0 && (!line[0] || strchr(line, '\n'))) {
		fprintf(stderr, "%s: the error is not one line: '%s'\n", file, line);
		bad = 1;
	}
	if (r == 0) {
		/* The output, injected again, stays the same. */
		if (inject(file, out, outlen, &s, &again, &againlen) < 0) {
			fprintf(stderr, "%s: injecting the output fails: %s\n", file, line);
			bad = 1;
		} else if (againlen != outlen || memcmp(again, out, outlen) != 0) {
			fprintf(stderr, "%s: injecting the output changes it:\n%.*s\n", file,
				(int)againlen, again);
			bad = 1;
		}
		free(again);
	}
	free(out);
	free(want);
	free(in);
	return bad;
}

static void test_fixtures(void **state)
{
	char dir[PATH_MAX], failed[2048] = "";
	struct dirent **names;
	int n, ok = 0, outs = 0, errs = 0;

	n = scandir(fixture_dir(dir, sizeof(dir)), &names, NULL, alphasort);
	assert_true(n > 0);
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		size_t len = strlen(f);

		if (len > 5 && !strcmp(f + len - 5, ".yaml") &&
		    (len < 9 || strcmp(f + len - 9, ".out.yaml") != 0)) {
			if (run_fixture(dir, f))
				snprintf(failed + strlen(failed), sizeof(failed) - strlen(failed),
					 " %s", f);
			else
				ok++;
		}
		outs += len > 9 && !strcmp(f + len - 9, ".out.yaml");
		errs += len > 4 && !strcmp(f + len - 4, ".err");
		free(names[i]);
	}
	free(names);
	if (failed[0])
		fail_msg("fixtures that do not hold:%s", failed);
	/* Guard against a corpus that silently went missing. */
	assert_true(outs >= 14 && errs >= 20 && ok >= outs + errs);
}

static void test_settings_check(void **state)
{
	static const struct {
		const char *ep;
		const char *err;
	} cases[] = {
	    {"app=/bin/app --flag", NULL},
	    {"a=x", NULL},
	    {"app", "--entrypoint: 'app' is not CONTAINER=CMD with a valid container name"},
	    {"=x", "--entrypoint: '=x' is not CONTAINER=CMD with a valid container name"},
	    {"App=x", "--entrypoint: 'App=x' is not CONTAINER=CMD with a valid container name"},
	    {"app= \t", "--entrypoint: 'app= \t': no command"},
	    {"a-very-long-name-that-is-longer-than-sixty-three-characters-for-sure=x",
	     "--entrypoint: 'a-very-long-name-that-is-longer-than-sixty-three-characters-for-"
	     "sure=x' is not CONTAINER=CMD with a valid container name"},
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const eps[] = {cases[i].ep};
		struct inject_settings s = {NULL, eps, 1};
		int r = inject_settings_check(&s, err, sizeof(err));

		if (cases[i].err) {
			assert_int_equal(r, -1);
			assert_string_equal(err, cases[i].err);
		} else {
			assert_int_equal(r, 0);
		}
	}
	{
		const char *const eps[] = {"app=a", "db=b", "app=c"};
		struct inject_settings s = {NULL, eps, 3};

		assert_int_equal(inject_settings_check(&s, err, sizeof(err)), -1);
		assert_string_equal(err, "--entrypoint: container 'app' given twice");
	}
}

static int add(yaml_document_t *d, const char *s)
{
	int id = yaml_document_add_scalar(d, NULL, (yaml_char_t *)s, -1, YAML_ANY_SCALAR_STYLE);

	assert_true(id > 0);
	return id;
}

static const char *scalar_at(yaml_document_t *d, int seq, int i)
{
	yaml_node_t *n = yaml_document_get_node(d, seq);

	assert_int_equal(n->type, YAML_SEQUENCE_NODE);
	assert_true(i < n->data.sequence.items.top - n->data.sequence.items.start);
	n = yaml_document_get_node(d, n->data.sequence.items.start[i]);
	assert_int_equal(n->type, YAML_SCALAR_NODE);
	return (const char *)n->data.scalar.value;
}

static int value_of(yaml_document_t *d, int map, const char *key)
{
	yaml_node_t *n = yaml_document_get_node(d, map);

	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if (!strcmp((char *)yaml_document_get_node(d, p->key)->data.scalar.value, key))
			return p->value;
	return 0;
}

/* inject_document() is pure: it works on a document built in memory, not only on parsed ones. */
static void test_document_in_memory(void **state)
{
	static const char *const want[] = {INJECT_BIN,	    "--name",	  "app",    "--dir",
					   INJECT_GATE_DIR, "--ready-on", "notify", "--",
					   "/bin/app",	    "-v"};
	const char *const eps[] = {"app=/bin/app -v"};
	struct inject_settings s = {"example/baton:1", eps, 1};
	yaml_document_t d;
	int root, meta, ann, spec, list, app, init;

	assert_true(yaml_document_initialize(&d, NULL, NULL, NULL, 1, 1));
	root = yaml_document_add_mapping(&d, NULL, YAML_BLOCK_MAPPING_STYLE);
	meta = yaml_document_add_mapping(&d, NULL, YAML_BLOCK_MAPPING_STYLE);
	ann = yaml_document_add_mapping(&d, NULL, YAML_BLOCK_MAPPING_STYLE);
	spec = yaml_document_add_mapping(&d, NULL, YAML_BLOCK_MAPPING_STYLE);
	list = yaml_document_add_sequence(&d, NULL, YAML_BLOCK_SEQUENCE_STYLE);
	app = yaml_document_add_mapping(&d, NULL, YAML_BLOCK_MAPPING_STYLE);
	assert_true(yaml_document_append_mapping_pair(&d, root, add(&d, "kind"), add(&d, "Pod")));
	assert_true(yaml_document_append_mapping_pair(&d, root, add(&d, "metadata"), meta));
	assert_true(yaml_document_append_mapping_pair(&d, meta, add(&d, "annotations"), ann));
	assert_true(yaml_document_append_mapping_pair(&d, ann, add(&d, "baton.dev/ready-on.app"),
						      add(&d, "notify")));
	assert_true(yaml_document_append_mapping_pair(&d, root, add(&d, "spec"), spec));
	assert_true(yaml_document_append_mapping_pair(&d, spec, add(&d, "containers"), list));
	assert_true(yaml_document_append_sequence_item(&d, list, app));
	assert_true(yaml_document_append_mapping_pair(&d, app, add(&d, "name"), add(&d, "app")));

	assert_int_equal(inject_document(&d, 1, &s, &e), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(scalar_at(&d, value_of(&d, app, "command"), (int)i), want[i]);
	init = yaml_document_get_node(&d, value_of(&d, spec, "initContainers"))
		   ->data.sequence.items.start[0];
	assert_string_equal(
	    yaml_document_get_node(&d, value_of(&d, init, "image"))->data.scalar.value,
	    "example/baton:1");
	assert_int_not_equal(value_of(&d, spec, "volumes"), 0);
	assert_int_not_equal(value_of(&d, app, "volumeMounts"), 0);
	/* A second time changes nothing. */
	{
		int nodes = (int)(d.nodes.top - d.nodes.start), cmd = value_of(&d, app, "command");

		assert_int_equal(inject_document(&d, 1, &s, &e), 0);
		assert_int_equal(value_of(&d, app, "command"), cmd);
		assert_int_equal(value_of(&d, spec, "initContainers"),
				 value_of(&d, spec, "initContainers"));
		assert_true(d.nodes.top - d.nodes.start >= nodes);
	}
	yaml_document_delete(&d);
}

static const char pod[] = "kind: Pod\n"
			  "metadata:\n"
			  "  name: p\n"
			  "  annotations:\n"
			  "    baton.dev/after.a: b\n"
			  "spec:\n"
			  "  containers:\n"
			  "  - name: a\n"
			  "    command: [a]\n"
			  "  - name: b\n"
			  "    command: [b]\n";

/* Annotations are the truth: injecting again after editing them updates baton's options. */
static void test_reinject_follows_annotations(void **state)
{
	char *once = inject_ok(pod, &defaults), *edited, *at, *twice;

	assert_has(once, "command: [/run/baton-bin/baton, --name, a, --dir, /run/baton, --after, "
			 "b, --, a]");
	at = strstr(once, "baton.dev/after.a: b\n");
	assert_non_null(at);
	edited = malloc(strlen(once) + 64);
	sprintf(edited, "%.*sbaton.dev/exit-with.a: b\n%s", (int)(at - once), once,
		at + strlen("baton.dev/after.a: b\n"));
	twice = inject_ok(edited, &defaults);
	assert_has(twice, "command: [/run/baton-bin/baton, --name, a, --dir, /run/baton, "
			  "--exit-with, b, --, a]");
	assert_has(twice, "command: [/run/baton-bin/baton, --name, b, --dir, /run/baton, --, b]");
	free(edited);
	free(twice);

	/* args added to an injected container are folded into its command, after the program */
	at = strstr(strstr(once, "--name, a,"), "    volumeMounts:");
	edited = malloc(strlen(once) + 64);
	sprintf(edited, "%.*s    args: [x, \"1\"]\n%s", (int)(at - once), once, at);
	twice = inject_ok(edited, &defaults);
	assert_has(twice, "--after, b, --, a, x, \"1\"]\n    volumeMounts:");
	assert_null(strstr(twice, "args:"));
	free(edited);
	free(twice);
	free(once);
}

/* Two list items share their containers through an alias but ask for different orders. */
static void test_alias_copied_before_change(void **state)
{
	static const char list[] =
	    "kind: List\n"
	    "items:\n"
	    "- kind: Pod\n"
	    "  metadata: {name: one, annotations: {baton.dev/after.a: b}}\n"
	    "  spec: {containers: &c [{name: a, command: [a]}, {name: b, command: [b]}]}\n"
	    "- kind: Pod\n"
	    "  metadata: {name: two, annotations: {baton.dev/after.b: a}}\n"
	    "  spec: {containers: *c}\n";
	char *out = inject_ok(list, &defaults);
	char *two = strstr(out, "name: two");

	assert_non_null(two);
	/* the first pod's containers */
	assert_has(out, "[/run/baton-bin/baton, --name, a, --dir, /run/baton, --after, b, --, a]");
	assert_true(strstr(out, "--after, b, --, a]") < two);
	/* the second's, not the first's */
	assert_has(two, "[/run/baton-bin/baton, --name, a, --dir, /run/baton, --, a]");
	assert_has(two, "[/run/baton-bin/baton, --name, b, --dir, /run/baton, --after, a, --, b]");
	free(out);
}

static void test_limits(void **state)
{
	char *text = malloc(1 << 20), *out;
	size_t at = 0, len;

	/* nesting: INJECT_MAX_DEPTH levels pass, one more does not */
	at = (size_t)sprintf(text, "a: ");
	for (int i = 1; i < INJECT_MAX_DEPTH; i++)
		text[at++] = '[';
	for (int i = 1; i < INJECT_MAX_DEPTH; i++)
		text[at++] = ']';
	text[at] = '\0';
	assert_int_equal(inject("t.yaml", text, at, &defaults, &out, &len), 0);
	free(out);
	memmove(text + 4, text + 3, at - 3 + 1);
	text[3] = '[';
	strcat(text, "]");
	assert_inject_error(text, "t.yaml:1:259: nested deeper than 256 levels");
	/* a deep flow that would take libyaml's scanner minutes is refused at once */
	at = (size_t)sprintf(text, "a: ");
	memset(text + at, '[', 900000);
	text[at + 900000] = '\0';
	assert_inject_error(text, "t.yaml:1:259: nested deeper than 256 levels");

	/* anchors and aliases */
	at = (size_t)sprintf(text, "a: &a x\nb: [");
	for (int i = 0; i < INJECT_MAX_REFS - 1; i++)
		at += (size_t)sprintf(text + at, "*a, ");
	strcpy(text + at, "]\n");
	assert_int_equal(inject("t.yaml", text, strlen(text), &defaults, &out, &len), 0);
	free(out);
	strcpy(text + at, "*a]\n");
	assert_inject_error(text, "t.yaml:2:40001: more than 10000 anchors and aliases in one "
				  "document");

	/* containers in one pod */
	at = (size_t)sprintf(text, "kind: Pod\nspec:\n  containers:\n");
	for (int i = 0; i <= INJECT_MAX_CONTAINERS; i++)
		at += (size_t)sprintf(text + at, "  - {name: c%d, command: [c]}\n", i);
	assert_inject_error(text, "t.yaml:4:3: Pod (document 1): more than 256 containers");

	/* --after lists at most GATE_MAX_NAMES containers */
	at = (size_t)sprintf(text, "kind: Pod\nmetadata:\n  annotations:\n"
				   "    baton.dev/after.c0: ");
	for (int i = 1; i <= GATE_MAX_NAMES + 1; i++)
		at += (size_t)sprintf(text + at, "c%d,", i);
	at += (size_t)sprintf(text + at, "\nspec:\n  containers:\n");
	for (int i = 0; i <= GATE_MAX_NAMES + 1; i++)
		at += (size_t)sprintf(text + at, "  - {name: c%d, command: [c]}\n", i);
	assert_inject_error(text, "t.yaml:4:5: Pod (document 1): annotation baton.dev/after.c0: "
				  "more than 32 names");
	free(text);
}

static void test_inline_errors(void **state)
{
	assert_inject_error("a: \"\\q\"\n", "t.yaml:1:5: found unknown escape character (while "
					    "parsing a quoted scalar at line 1, column 4)");
	assert_inject_error("a: b\n\x01", "t.yaml:2:1: control characters are not allowed");
	assert_inject_error("a: *x\n", "t.yaml:1:4: found undefined alias");
	assert_inject_error("kind: Pod\nspec: {}\n",
			    "t.yaml:2:7: Pod (document 1): spec.containers is missing");
	assert_inject_error("kind: Pod\nspec:\n", "t.yaml:1:1: Pod (document 1): spec is missing");
	assert_inject_error("kind: Pod\nspec: {containers: [{name: a, command: [a], args: x}]}\n",
			    "t.yaml:2:51: Pod (document 1): container 'a': args is not a list");
	assert_inject_error("kind: Pod\nmetadata: {annotations: [x]}\nspec: {}\n",
			    "t.yaml:2:25: Pod (document 1): metadata.annotations is not a mapping");
	assert_inject_error("kind: Pod\nmetadata: {annotations: {baton.dev/ready-on.a: \"\"}}\n"
			    "spec: {containers: [{name: a, command: [a]}]}\n",
			    "t.yaml:2:26: Pod (document 1): annotation baton.dev/ready-on.a: no "
			    "condition");
	assert_inject_error(
	    "kind: Pod\nmetadata: {annotations: {baton.dev/exit-with.a: b c}}\n"
	    "spec: {containers: [{name: a, command: [a]}, {name: b, command: [b]}]}\n",
	    "t.yaml:2:26: Pod (document 1): annotation baton.dev/exit-with.a: give "
	    "one container name");
	assert_inject_error(
	    "kind: Pod\nmetadata: {annotations: {baton.dev/after.a: Not_A_Name}}\n"
	    "spec: {containers: [{name: a, command: [a]}]}\n",
	    "t.yaml:2:26: Pod (document 1): annotation baton.dev/after.a: the pod has "
	    "no container 'Not_A_Name'");
	assert_inject_error(
	    "kind: Pod\nspec: {containers: [{name: a, command: [x, --]}, "
	    "{name: b, command: [/run/baton-bin/baton, --name, b, --]}]}\n",
	    "t.yaml:2:69: Pod (document 1): container 'b' has no program after '--'");
	assert_inject_error("kind: Pod\nspec: {containers: [{name: a, command: []}]}\n",
			    "t.yaml:2:21: Pod (document 1): container 'a' has no command (baton "
			    "cannot look up the image's entrypoint): add one, give --entrypoint "
			    "a=CMD or annotate baton.dev/entrypoint.a");
	assert_inject_error(
	    "kind: Pod\nmetadata: {annotations: {baton.dev/after.a: b, "
	    "baton.dev/after.a: b}}\n"
	    "spec: {containers: [{name: a, command: [a]}, {name: b, command: [b]}]}\n",
	    "t.yaml:2:48: Pod (document 1): annotation baton.dev/after.a is given "
	    "twice");
	assert_inject_error("kind: Pod\nspec: {containers: [{name: a, command: [a]}], "
			    "initContainers: {}}\n",
			    "t.yaml:2:63: Pod (document 1): spec.initContainers is not a list");
}

static void test_values_kept(void **state)
{
	/* what libyaml's document model would otherwise change */
	char *out =
	    inject_ok("a: !!str 30\nb: ! 5\nc: !!int 7\nd: {e: , f: [g, ]}\n? \n: x\n", &defaults);

	assert_string_equal(out,
			    "a: \"30\"\nb: \"5\"\nc: !!int 7\nd: {e: null, f: [g]}\nnull: x\n");
	free(out);
	out = inject_ok("", &defaults);
	assert_string_equal(out, "");
	free(out);
	/* no input at all: the fuzzer's (and an empty file's) NULL buffer */
	{
		size_t len = 1;

		assert_int_equal(inject_stream("t.yaml", NULL, 0, &defaults, &out, &len, &e), 0);
		assert_non_null(out);
		assert_int_equal(len, 0);
		free(out);
	}
	out = inject_ok("# only a comment\n", &defaults);
	assert_string_equal(out, "");
	free(out);
	out = inject_ok("&a\n", &defaults);
	assert_string_equal(out, "---\n");
	free(out);
	/* many nulls in a flow mapping: the node array grows while they are replaced */
	{
		char text[4096] = "{";

		for (int i = 0; i < 200; i++)
			sprintf(text + strlen(text), "k%d: , ", i);
		strcat(text, "}\n");
		out = inject_ok(text, &defaults);
		assert_has(out, "{k0: null, k1: null, ");
		assert_has(out, ", k199: null}");
		free(out);
	}
}

/* inject_main() in a child: stdin, stdout and stderr are files; returns the exit code. */
struct main_run {
	const char *const *argv;
	const char *in;
	char dir[PATH_MAX];
};

static int run_main(void *arg)
{
	struct main_run *r = arg;
	static struct options o;
	char path[PATH_MAX + 16], err[256];
	int argc = 0, fd;

	while (r->argv[argc])
		argc++;
	snprintf(path, sizeof(path), "%s/in", r->dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0 && write(fd, r->in, strlen(r->in)) == (ssize_t)strlen(r->in));
	CHECK(lseek(fd, 0, SEEK_SET) == 0 && dup2(fd, STDIN_FILENO) == 0);
	snprintf(path, sizeof(path), "%s/out", r->dir);
	CHECK(freopen(path, "w", stdout));
	snprintf(path, sizeof(path), "%s/err", r->dir);
	CHECK(freopen(path, "w", stderr));
	if (cli_parse(&o, argc, (char **)r->argv, (char *const[]){NULL}, NULL, err, sizeof(err)) <
	    0)
		return 100;
	return inject_main(&o);
}

static void test_main(void **state)
{
	struct main_run r = {.in = pod};
	char path[PATH_MAX + 16], *text;
	size_t len;
	const char *ok_stdin[] = {"baton", "inject", "--image", "x/baton:2", NULL};
	const char *dash[] = {"baton", "inject", "-", NULL};
	const char *missing[] = {"baton", "inject", "/nonexistent/pod.yaml", NULL};
	const char *bad_ep[] = {"baton", "inject", "--entrypoint", "A=x", NULL};

	unit_tmpdir(r.dir, sizeof(r.dir));
	snprintf(path, sizeof(path), "%s/out", r.dir);

	r.argv = ok_stdin;
	assert_int_equal(unit_run_forked(run_main, &r), BATON_EXIT_OK);
	text = slurp(path, &len);
	assert_has(text, "image: x/baton:2\n");
	assert_has(text, "--after, b, --, a]");
	free(text);

	r.argv = dash;
	r.in = "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n";
	assert_int_equal(unit_run_forked(run_main, &r), BATON_EXIT_DATAERR);
	text = slurp(path, &len);
	assert_int_equal(len, 0); /* nothing written */
	free(text);
	snprintf(path, sizeof(path), "%s/err", r.dir);
	text = slurp(path, &len);
	assert_string_equal(text, "baton: <stdin>:4:5: Pod (document 1): container 'a' has no "
				  "command (baton cannot look up the image's entrypoint): add one, "
				  "give --entrypoint a=CMD or annotate baton.dev/entrypoint.a\n");
	free(text);

	r.in = "a: [\n";
	assert_int_equal(unit_run_forked(run_main, &r), BATON_EXIT_DATAERR);
	text = slurp(path, &len);
	assert_has(text, "baton: <stdin>:2:1: did not find expected node content");
	free(text);

	r.argv = missing;
	assert_int_equal(unit_run_forked(run_main, &r), BATON_EXIT_OSERR);
	text = slurp(path, &len);
	assert_string_equal(text, "baton: inject: cannot read /nonexistent/pod.yaml: No such file "
				  "or directory\n");
	free(text);

	r.argv = bad_ep;
	assert_int_equal(unit_run_forked(run_main, &r), BATON_EXIT_USAGE);
	text = slurp(path, &len);
	assert_has(text, "--entrypoint: 'A=x' is not CONTAINER=CMD");
	free(text);
	unit_rmtree(r.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fixtures),
	    cmocka_unit_test(test_settings_check),
	    cmocka_unit_test(test_document_in_memory),
	    cmocka_unit_test(test_reinject_follows_annotations),
	    cmocka_unit_test(test_alias_copied_before_change),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_inline_errors),
	    cmocka_unit_test(test_values_kept),
	    cmocka_unit_test(test_main),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
