// SPDX-License-Identifier: MIT
/*
 * config: YAML text -> struct config (config_parse), files -> the same (config_load), and
 * struct config applied by cli_parse() under a fake environment and command line. Every error
 * kind with its exact "FILE:LINE:COLUMN: message", every value shape (scalars, lists, bools,
 * nulls, anchors and aliases, PROGRAM's argv, the hooks mapping), large and odd inputs.
 */
#include "unit.h"

#include "cli.h"
#include "config.h"
#include "log.h"

#include <limits.h>
#include <signal.h>

static struct config c;
static struct parse_error e;
static char line[1024];

/* Parses text (its own length) as "t.yaml"; whatever the previous test parsed is freed first. */
static int parse_len(const char *text, size_t len)
{
	config_free(&c);
	memset(line, 0, sizeof(line));
	if (config_parse(text, len, "t.yaml", &c, &e) < 0) {
		config_error_format(&e, line, sizeof(line));
		return -1;
	}
	return 0;
}

static int parse(const char *text)
{
	return parse_len(text, strlen(text));
}

/* The input is refused with exactly this line, and nothing is left allocated. */
#define assert_error(text, want)                                                                   \
	do {                                                                                       \
		assert_int_equal(parse(text), -1);                                                 \
		assert_string_equal(line, (want));                                                 \
		assert_null(c.items);                                                              \
		assert_int_equal(c.n_items, 0);                                                    \
		assert_null(c.command);                                                            \
		assert_null(c.file);                                                               \
	} while (0)

/* Item i is key=value, from line:column. */
#define assert_item(i, k, v, l, col)                                                               \
	do {                                                                                       \
		assert_true((i) < c.n_items);                                                      \
		assert_string_equal(c.items[i].key, (k));                                          \
		assert_string_equal(c.items[i].value, (v));                                        \
		assert_int_equal(c.items[i].line, (l));                                            \
		assert_int_equal(c.items[i].column, (col));                                        \
	} while (0)

static int teardown(void **state)
{
	config_free(&c);
	return 0;
}

static void test_every_key(void **state)
{
	static const char text[] = "# a comment\n"
				   "name: web\n"
				   "after: db\n"
				   "ready-on: tcp:127.0.0.1:80\n"
				   "dir: /run/x\n"
				   "timeout: 60\n"
				   "jitter: 5\n"
				   "watchdog: 2.5\n"
				   "exit-with: main\n"
				   "grace: 3\n"
				   "group: true\n"
				   "remap-exit: 143\n"
				   "map-signal: TERM:QUIT\n"
				   "pdeathsig: KILL\n"
				   "log-level: debug\n"
				   "command: [nginx, -g, 'daemon off;']\n"
				   "hooks:\n"
				   "  pre-start: a\n"
				   "  post-ready: b\n"
				   "  pre-stop: c\n"
				   "  post-exit: d\n"
				   "  dir: /hooks\n"
				   "  timeout: 4\n";

	assert_int_equal(parse(text), 0);
	assert_string_equal(c.file, "t.yaml");
	assert_int_equal(c.n_items, 20);
	assert_item(0, "name", "web", 2, 7);
	assert_item(1, "after", "db", 3, 8);
	assert_item(2, "ready-on", "tcp:127.0.0.1:80", 4, 11);
	assert_item(3, "dir", "/run/x", 5, 6);
	assert_item(4, "timeout", "60", 6, 10);
	assert_item(5, "jitter", "5", 7, 9);
	assert_item(6, "watchdog", "2.5", 8, 11);
	assert_item(7, "exit-with", "main", 9, 12);
	assert_item(8, "grace", "3", 10, 8);
	assert_item(9, "group", "1", 11, 8);
	assert_item(10, "remap-exit", "143", 12, 13);
	assert_item(11, "map-signal", "TERM:QUIT", 13, 13);
	assert_item(12, "pdeathsig", "KILL", 14, 12);
	assert_item(13, "log-level", "debug", 15, 12);
	/* The hooks mapping's keys become the options they stand for. */
	assert_item(14, "pre-start", "a", 18, 14);
	assert_item(15, "post-ready", "b", 19, 15);
	assert_item(16, "pre-stop", "c", 20, 13);
	assert_item(17, "post-exit", "d", 21, 14);
	assert_item(18, "hooks-dir", "/hooks", 22, 8);
	assert_item(19, "hook-timeout", "4", 23, 12);
	assert_non_null(c.command);
	assert_string_equal(c.command[0], "nginx");
	assert_string_equal(c.command[1], "-g");
	assert_string_equal(c.command[2], "daemon off;");
	assert_null(c.command[3]);
}

static void test_lists(void **state)
{
	/* A list key takes one value or a list (block or flow) of them, one item each. */
	assert_int_equal(parse("after:\n  - a\n  - b\nremap-exit: [1, 2, '3']\nmap-signal: HUP:0\n"),
			 0);
	assert_int_equal(c.n_items, 6);
	assert_item(0, "after", "a", 2, 5);
	assert_item(1, "after", "b", 3, 5);
	assert_item(2, "remap-exit", "1", 4, 14);
	assert_item(3, "remap-exit", "2", 4, 17);
	assert_item(4, "remap-exit", "3", 4, 20);
	assert_item(5, "map-signal", "HUP:0", 5, 13);

	/* An empty list sets nothing. */
	assert_int_equal(parse("after: []\nready-on: []\n"), 0);
	assert_int_equal(c.n_items, 0);

	/* Every hook phase takes a string or a list; order is kept. */
	assert_int_equal(parse("hooks:\n  pre-stop: [x, y]\n  post-exit:\n    - 'z 1'\n    - w\n"), 0);
	assert_int_equal(c.n_items, 4);
	assert_item(0, "pre-stop", "x", 2, 14);
	assert_item(1, "pre-stop", "y", 2, 17);
	assert_item(2, "post-exit", "z 1", 4, 7);
	assert_item(3, "post-exit", "w", 5, 7);

	/* A list item must be a value. */
	assert_error("after: [a, [b]]\n", "t.yaml:1:12: after: expected a single value, not a list");
	assert_error("after:\n  - a\n  - {b: c}\n",
		     "t.yaml:3:5: after: expected a single value, not a mapping");
	assert_error("after: {a: b}\n",
		     "t.yaml:1:8: after: expected a value or a list of values, not a mapping");
	assert_error("hooks:\n  pre-start: {a: 1}\n",
		     "t.yaml:2:14: pre-start: expected a value or a list of values, not a mapping");
}

static void test_scalars_take_no_lists(void **state)
{
	static const char *const keys[] = {"name",	"dir",	     "timeout",	  "jitter",
					   "watchdog",	"exit-with", "grace",	  "pdeathsig",
					   "log-level", "group"};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char text[64], want[128];

		snprintf(text, sizeof(text), "%s: [1]\n", keys[i]);
		snprintf(want, sizeof(want), "t.yaml:1:%zu: %s: expected a single value, not a list",
			 strlen(keys[i]) + 3, keys[i]);
		assert_error(text, want);
		snprintf(text, sizeof(text), "%s: {a: 1}\n", keys[i]);
		snprintf(want, sizeof(want),
			 "t.yaml:1:%zu: %s: expected a single value, not a mapping",
			 strlen(keys[i]) + 3, keys[i]);
		assert_error(text, want);
	}
	assert_error("hooks:\n  dir: [a]\n", "t.yaml:2:8: dir: expected a single value, not a list");
	assert_error("hooks:\n  timeout: {}\n",
		     "t.yaml:2:12: timeout: expected a single value, not a mapping");
}

static void test_bools(void **state)
{
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "on", "ON", "'true'"};
	static const char *const no[] = {"false", "False", "no", "NO", "off", "Off", "\"false\""};
	char text[64];

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text), "group: %s\n", yes[i]);
		assert_int_equal(parse(text), 0);
		assert_int_equal(c.n_items, 1);
		assert_item(0, "group", "1", 1, 8);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(text, sizeof(text), "group: %s\n", no[i]);
		assert_int_equal(parse(text), 0);
		assert_item(0, "group", "0", 1, 8);
	}
	/* Only words: 1 and 0 (which the environment takes) are not YAML booleans. */
	assert_error("group: 1\n", "t.yaml:1:8: group: expected true or false, not '1'");
	assert_error("group: maybe\n", "t.yaml:1:8: group: expected true or false, not 'maybe'");
	assert_error("group: ~\n", "t.yaml:1:8: group: no value");
}

static void test_nulls(void **state)
{
	/* Plain null spellings are no value; quoted, they are text. */
	assert_error("name: ~\n", "t.yaml:1:7: name: no value");
	assert_error("name: null\n", "t.yaml:1:7: name: no value");
	assert_error("name: Null\n", "t.yaml:1:7: name: no value");
	assert_error("name: NULL\n", "t.yaml:1:7: name: no value");
	assert_error("name:\ngrace: 1\n", "t.yaml:1:6: name: no value");
	assert_error("after: [a, ~]\n", "t.yaml:1:12: after: no value");
	assert_error("hooks:\n  pre-stop:\n", "t.yaml:2:12: pre-stop: no value");
	assert_error("hooks:\n", "t.yaml:1:7: hooks: expected a mapping of settings");
	assert_int_equal(parse("name: 'null'\ndir: \"~\"\nexit-with: ''\n"), 0);
	assert_item(0, "name", "null", 1, 7);
	assert_item(1, "dir", "~", 2, 6);
	/* An empty quoted value is text too; cli_parse() judges it. */
	assert_item(2, "exit-with", "", 3, 12);
}

static void test_anchors_and_aliases(void **state)
{
	assert_int_equal(parse("after: &deps [db, cache]\n"
			       "remap-exit: &code '3'\n"
			       "hooks:\n"
			       "  pre-start: &hello 'echo hello'\n"
			       "  post-exit: [*hello, *code]\n"
			       "command: [sh, -c, *hello]\n"),
			 0);
	assert_int_equal(c.n_items, 6);
	assert_item(0, "after", "db", 1, 15);
	assert_item(1, "after", "cache", 1, 19);
	assert_item(2, "remap-exit", "3", 2, 13);
	assert_item(3, "pre-start", "echo hello", 4, 14);
	/* An alias is its anchored node, which is where it was written. */
	assert_item(4, "post-exit", "echo hello", 4, 14);
	assert_item(5, "post-exit", "3", 2, 13);
	assert_string_equal(c.command[2], "echo hello");

	/* An aliased list reuses the list; misplaced, the error names the anchored node. */
	assert_int_equal(parse("after: &d [a, b]\nready-on: *d\n"), 0);
	assert_int_equal(c.n_items, 4);
	assert_item(3, "ready-on", "b", 1, 15);
	assert_error("remap-exit: &a [1, 2]\nmap-signal: [*a]\n",
		     "t.yaml:1:13: map-signal: expected a single value, not a list");
	/* An anchored mapping, and the document itself anchored. */
	assert_int_equal(parse("hooks: &h {pre-start: a}\n"), 0);
	assert_item(0, "pre-start", "a", 1, 23);
	assert_int_equal(parse("--- &doc\nname: web\n"), 0);
	assert_item(0, "name", "web", 2, 7);

	/* An unknown anchor, a merge key (not supported), a recursive alias. */
	assert_error("name: *nope\n", "t.yaml:1:7: found undefined alias");
	assert_error("hooks: &h\n  <<: *h\n", "t.yaml:2:3: unknown key '<<' in hooks");
	assert_error("after: &r [a, *r]\n", "t.yaml:1:8: after: expected a single value, not a list");
}

static void test_command(void **state)
{
	assert_int_equal(parse("command:\n  - sleep\n  - 10\n  - -x\n  - ''\n  - 'a b'\n"), 0);
	assert_int_equal(c.n_items, 0);
	assert_string_equal(c.command[0], "sleep");
	assert_string_equal(c.command[1], "10");
	assert_string_equal(c.command[2], "-x");
	assert_string_equal(c.command[3], "");
	assert_string_equal(c.command[4], "a b");
	assert_null(c.command[5]);

	assert_error("command: sleep 10\n",
		     "t.yaml:1:10: command: expected a list of strings (PROGRAM and its arguments)");
	assert_error("command: {a: b}\n",
		     "t.yaml:1:10: command: expected a list of strings (PROGRAM and its arguments)");
	assert_error("command: []\n", "t.yaml:1:10: command: the list is empty");
	assert_error("command: [a, [b]]\n",
		     "t.yaml:1:14: command: expected a single value, not a list");
	assert_error("command: [a, ~]\n", "t.yaml:1:14: command: no value");
	assert_error("command: [a, \"b\\0c\"]\n", "t.yaml:1:14: command: the value holds a NUL byte");
	assert_error("command: [a]\ncommand: [b]\n",
		     "t.yaml:2:1: duplicate key 'command' (first at line 1)");
}

static void test_hooks_mapping(void **state)
{
	assert_int_equal(parse("hooks: {pre-start: a, dir: d, timeout: '0.5'}\n"), 0);
	assert_int_equal(c.n_items, 3);
	assert_item(0, "pre-start", "a", 1, 20);
	assert_item(1, "hooks-dir", "d", 1, 28);
	assert_item(2, "hook-timeout", "0.5", 1, 40);

	assert_error("hooks: [a]\n", "t.yaml:1:8: hooks: expected a mapping of settings");
	assert_error("hooks: echo\n", "t.yaml:1:8: hooks: expected a mapping of settings");
	assert_error("hooks:\n  pre-start: a\n  prestop: b\n",
		     "t.yaml:3:3: unknown key 'prestop' in hooks");
	/* Top-level keys are not hook keys, and the other way round. */
	assert_error("hooks:\n  grace: 1\n", "t.yaml:2:3: unknown key 'grace' in hooks");
	assert_error("pre-start: a\n", "t.yaml:1:1: unknown key 'pre-start'");
	assert_error("hooks-dir: a\n", "t.yaml:1:1: unknown key 'hooks-dir'");
	assert_error("hooks:\n  dir: a\n  timeout: 1\n  dir: b\n",
		     "t.yaml:4:3: duplicate key 'dir' (first at line 2)");
	assert_error("hooks: {}\nhooks: {}\n", "t.yaml:2:1: duplicate key 'hooks' (first at line 1)");
	assert_error("hooks:\n  [a]: 1\n", "t.yaml:2:3: hooks: a key must be a plain word");
}

static void test_errors(void **state)
{
	/* Unknown keys, named, with where they are. */
	assert_error("name: a\nnmae: b\n", "t.yaml:2:1: unknown key 'nmae'");
	assert_error("config: other.yaml\n", "t.yaml:1:1: unknown key 'config'");
	assert_error("help: true\n", "t.yaml:1:1: unknown key 'help'");
	assert_error("Name: a\n", "t.yaml:1:1: unknown key 'Name'");
	assert_error("? [a]\n: b\n", "t.yaml:1:3: the document: a key must be a plain word");
	/* Duplicates, with the first one's line. */
	assert_error("name: a\ngrace: 1\nname: b\n",
		     "t.yaml:3:1: duplicate key 'name' (first at line 1)");
	assert_error("{name: a, name: a}\n", "t.yaml:1:11: duplicate key 'name' (first at line 1)");
	/* Not a mapping. */
	assert_error("- a\n- b\n", "t.yaml:1:1: the document is not a mapping of settings");
	assert_error("just text\n", "t.yaml:1:1: the document is not a mapping of settings");
	assert_error("\n\n  42\n", "t.yaml:3:3: the document is not a mapping of settings");
	/* Empty: nothing, blanks, comments, or an empty document. */
	assert_error("", "t.yaml:1:1: empty configuration (expected a mapping of settings)");
	assert_error("\n  \n", "t.yaml:1:1: empty configuration (expected a mapping of settings)");
	assert_error("# only\n# comments\n",
		     "t.yaml:1:1: empty configuration (expected a mapping of settings)");
	/* "---" alone is a document whose root is an empty value. */
	assert_error("---\n", "t.yaml:2:1: the document is not a mapping of settings");
	/* More than one document. */
	assert_error("name: a\n---\nname: b\n", "t.yaml:2:1: more than one document");
	assert_error("name: a\n...\n---\n", "t.yaml:3:1: more than one document");
	assert_error("---\nname: a\n--- {}\n", "t.yaml:3:1: more than one document");
	/* Bad values are cli_parse()'s business (see test_cli_*), not the parser's. */
	assert_int_equal(parse("grace: soon\nname: Not_A_Label\n"), 0);
}

static void test_syntax_errors(void **state)
{
	/* libyaml's own words, at libyaml's mark. */
	assert_error("name: \"web\n", "t.yaml:2:1: while scanning a quoted scalar: "
				      "found unexpected end of stream");
	assert_error("after: [a, b\n", "t.yaml:2:1: while parsing a flow sequence: "
				      "did not find expected ',' or ']'");
	assert_error("name: a\n  grace: 1\n",
		     "t.yaml:2:8: mapping values are not allowed in this context");
	assert_error("name: a\n\tgrace: 1\n", "t.yaml:2:1: while scanning a plain scalar: "
					     "found a tab character that violates indentation");
	assert_error("name: a\n@x: 1\n", "t.yaml:2:1: while scanning for the next token: "
				      "found character that cannot start any token");
	assert_error("name: a\nb\n", "t.yaml:3:1: while scanning a simple key: "
				    "could not find expected ':'");
	assert_error("name: a\n---\n[\n", "t.yaml:4:1: while parsing a flow node: "
					  "did not find expected node content");
	/* The reader's errors (encoding, control characters) have a position too. */
	assert_error("name: \xff\xfe\xfd\n", "t.yaml:1:7: invalid leading UTF-8 octet");
	/* The octet after the lead byte is the bad one. */
	assert_error("name: a\ngrace: \xc3\n", "t.yaml:2:9: invalid trailing UTF-8 octet");
	assert_error("name: a\n---\nb: \x01\n", "t.yaml:3:4: control characters are not allowed");
}

static void test_nul_and_control_bytes(void **state)
{
	/* A NUL in a value cannot reach an option, from an escape or from the raw bytes. */
	assert_error("name: \"a\\0b\"\n", "t.yaml:1:7: name: the value holds a NUL byte");
	assert_error("hooks:\n  pre-stop: [\"x\\0\"]\n",
		     "t.yaml:2:14: pre-stop: the value holds a NUL byte");
	assert_int_equal(parse_len("name: a\0b\n", 10), -1);
	assert_string_equal(line, "t.yaml:1:8: control characters are not allowed");
	/* Whatever a key holds, the message stays one line. */
	assert_error("\"a\\nb\\rc\\td\": 1\n", "t.yaml:1:1: unknown key 'a?b?c?d'");
	assert_int_equal(parse("\"\\e[31mred\": 1\n"), -1);
	assert_string_equal(line, "t.yaml:1:1: unknown key '?[31mred'");
	/* A long key is cut in the message. */
	{
		char text[400], want[200];

		memset(text, 'k', 300);
		strcpy(text + 300, ": 1\n");
		snprintf(want, sizeof(want), "t.yaml:1:1: unknown key '%.64s'", text);
		assert_error(text, want);
	}
	/* Newlines in a value are kept; cli_parse() decides what they mean. */
	assert_int_equal(parse("hooks:\n  pre-start: |\n    echo a\n    echo b\n"), 0);
	assert_item(0, "pre-start", "echo a\necho b\n", 2, 14);
}

static void test_error_format(void **state)
{
	struct parse_error pe = {.file = "f.yaml", .line = 0, .column = 0, .msg = "cannot read"};
	char buf[64];

	config_error_format(&pe, buf, sizeof(buf));
	assert_string_equal(buf, "f.yaml: cannot read");
	pe.line = 12;
	pe.column = 3;
	config_error_format(&pe, buf, sizeof(buf));
	assert_string_equal(buf, "f.yaml:12:3: cannot read");
	/* A file name with a newline cannot split the line; a short buffer truncates. */
	snprintf(pe.file, sizeof(pe.file), "a\nb");
	config_error_format(&pe, buf, sizeof(buf));
	assert_string_equal(buf, "a?b:12:3: cannot read");
	config_error_format(&pe, buf, 6);
	assert_string_equal(buf, "a?b:1");
}

static void test_odd_inputs(void **state)
{
	/* A byte-order mark, CRLF line ends, markers, a directive, tags, flow style, comments. */
	assert_int_equal(parse("\xef\xbb\xbfname: web\r\ngrace: 2\r\n"), 0);
	assert_item(0, "name", "web", 1, 7);
	assert_item(1, "grace", "2", 2, 8);
	assert_int_equal(parse("%YAML 1.1\n---\nname: web # the name\n...\n"), 0);
	assert_item(0, "name", "web", 3, 7);
	assert_int_equal(parse("name: !!str web\ngrace: !!int 5\n"), 0);
	assert_item(0, "name", "web", 1, 7);
	assert_item(1, "grace", "5", 2, 8);
	assert_int_equal(parse("{name: web, hooks: {pre-start: [a, b]}, command: [x]}"), 0);
	assert_int_equal(c.n_items, 3);
	assert_string_equal(c.command[0], "x");
	/* Non-ASCII text is kept as UTF-8; UTF-16 input is read as such. */
	assert_int_equal(parse("hooks: {pre-start: \"echo \\u00e9t\\u00e9\"}\n"), 0);
	assert_item(0, "pre-start", "echo \xc3\xa9t\xc3\xa9", 1, 20);
	assert_int_equal(parse_len("\xff\xfen\0a\0m\0e\0:\0 \0w\0\n\0", 18), 0);
	assert_item(0, "name", "w", 1, 7);
	/* Folded and literal scalars. */
	assert_int_equal(parse("hooks:\n  post-exit: >-\n    echo\n    done\n"), 0);
	assert_item(0, "post-exit", "echo done", 2, 14);
	/* Nesting and anchors are bounded (libyaml is quadratic in both). */
	{
		char text[200] = "name: ";

		for (int i = 0; i < CONFIG_MAX_DEPTH; i++)
			strcat(text, "[");
		assert_error(text, "t.yaml:1:38: nested deeper than 32 levels");
	}
}

static void test_large_inputs(void **state)
{
	size_t size = CONFIG_MAX_BYTES + 1, n = 0;
	char *big = malloc(size + 1);

	assert_non_null(big);
	/* The limit is on the input, whatever it holds. */
	memset(big, '#', size);
	big[size] = '\0';
	assert_int_equal(parse_len(big, size), -1);
	assert_string_equal(line, "t.yaml: larger than 1048576 bytes");
	/* Exactly the limit is fine: a long comment, then one key. */
	memcpy(big + CONFIG_MAX_BYTES - 12, "\nname: web\n", 11);
	big[CONFIG_MAX_BYTES - 1] = '\n';
	assert_int_equal(parse_len(big, CONFIG_MAX_BYTES), 0);
	assert_item(0, "name", "web", 2, 7);

	/* A long list: every item kept, in order. */
	n = (size_t)snprintf(big, size, "remap-exit:\n");
	for (int i = 0; i < 100000; i++)
		n += (size_t)snprintf(big + n, size - n, "- %d\n", i % 256);
	assert_int_equal(parse_len(big, n), 0);
	assert_int_equal(c.n_items, 100000);
	assert_item(99999, "remap-exit", "159", 100001, 3);

	/* A long value is kept whole. */
	n = (size_t)snprintf(big, size, "hooks:\n  pre-start: ");
	memset(big + n, 'x', 500000);
	n += 500000;
	big[n++] = '\n';
	assert_int_equal(parse_len(big, n), 0);
	assert_int_equal(strlen(c.items[0].value), 500000);

	/* Many anchors and aliases are refused before libyaml's loader gets slow. */
	n = (size_t)snprintf(big, size, "after:\n");
	for (int i = 0; i < 600; i++)
		n += (size_t)snprintf(big + n, size - n, "- &a%d x\n", i);
	for (int i = 0; i < 600; i++)
		n += (size_t)snprintf(big + n, size - n, "- *a599\n");
	assert_int_equal(parse_len(big, n), -1);
	assert_string_equal(line, "t.yaml:1002:3: more than 1000 anchors and aliases");

	/* Deep nesting is refused at the first level too many, however long the input. */
	n = (size_t)snprintf(big, size, "name: ");
	for (int i = 0; i < 200000; i++)
		big[n++] = '[';
	for (int i = 0; i < 200000; i++)
		big[n++] = ']';
	assert_int_equal(parse_len(big, n), -1);
	assert_string_equal(line, "t.yaml:1:38: nested deeper than 32 levels");
	free(big);
}

/* --- config_load --- */

static char dir[PATH_MAX];

static int setup_dir(void **state)
{
	unit_tmpdir(dir, sizeof(dir));
	return 0;
}

static int teardown_dir(void **state)
{
	config_free(&c);
	unit_rmtree(dir);
	return 0;
}

static int load(const char *path)
{
	config_free(&c);
	memset(line, 0, sizeof(line));
	if (config_load(path, &c, &e) < 0) {
		config_error_format(&e, line, sizeof(line));
		return -1;
	}
	return 0;
}

static int load_as_nobody(void *arg)
{
	struct config cc;
	struct parse_error pe;
	char buf[1024];

	CHECK(setgid(65534) == 0 && setuid(65534) == 0);
	CHECK(config_load(arg, &cc, &pe) == -1);
	config_error_format(&pe, buf, sizeof(buf));
	CHECK_HAS(buf, ": cannot read: Permission denied");
	CHECK(pe.line == 0);
	return 0;
}

static void test_load(void **state)
{
	char path[PATH_MAX + 32], want[PATH_MAX + 128], link[PATH_MAX + 32];

	/* A file: parsed, and named in the config and in its errors. */
	snprintf(path, sizeof(path), "%s/ok.yaml", dir);
	assert_int_equal(unit_write_file(path, "name: web\ncommand: [true]\n", 0644), 0);
	assert_int_equal(load(path), 0);
	assert_string_equal(c.file, path);
	assert_item(0, "name", "web", 1, 7);
	assert_string_equal(c.command[0], "true");
	snprintf(link, sizeof(link), "%s/link.yaml", dir);
	assert_int_equal(symlink("ok.yaml", link), 0);
	assert_int_equal(load(link), 0);
	assert_string_equal(c.file, link);

	snprintf(path, sizeof(path), "%s/bad.yaml", dir);
	assert_int_equal(unit_write_file(path, "name: web\nbogus: 1\n", 0644), 0);
	assert_int_equal(load(path), -1);
	snprintf(want, sizeof(want), "%s:2:1: unknown key 'bogus'", path);
	assert_string_equal(line, want);
	assert_null(c.items);

	/* Missing, a directory, a FIFO (without blocking), a device: line 0, no position. */
	snprintf(path, sizeof(path), "%s/missing.yaml", dir);
	assert_int_equal(load(path), -1);
	snprintf(want, sizeof(want), "%s: cannot read: No such file or directory", path);
	assert_string_equal(line, want);
	assert_int_equal(e.line, 0);
	assert_int_equal(load(dir), -1);
	snprintf(want, sizeof(want), "%s: cannot read: not a regular file", dir);
	assert_string_equal(line, want);
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(load(path), -1);
	snprintf(want, sizeof(want), "%s: cannot read: not a regular file", path);
	assert_string_equal(line, want);
	assert_int_equal(load("/dev/null"), -1);
	assert_string_equal(line, "/dev/null: cannot read: not a regular file");
	snprintf(path, sizeof(path), "%s/ok.yaml/x", dir);
	assert_int_equal(load(path), -1);
	snprintf(want, sizeof(want), "%s: cannot read: Not a directory", path);
	assert_string_equal(line, want);

	/* Empty and too large files. */
	snprintf(path, sizeof(path), "%s/empty.yaml", dir);
	assert_int_equal(unit_write_file(path, "", 0644), 0);
	assert_int_equal(load(path), -1);
	snprintf(want, sizeof(want), "%s:1:1: empty configuration (expected a mapping of settings)",
		 path);
	assert_string_equal(line, want);
	snprintf(path, sizeof(path), "%s/huge.yaml", dir);
	assert_int_equal(unit_write_file(path, "", 0644), 0);
	assert_int_equal(truncate(path, CONFIG_MAX_BYTES + 1), 0);
	assert_int_equal(load(path), -1);
	snprintf(want, sizeof(want), "%s: larger than 1048576 bytes", path);
	assert_string_equal(line, want);

	/* Unreadable: checked as an unprivileged user, since root reads anything. */
	snprintf(path, sizeof(path), "%s/secret.yaml", dir);
	assert_int_equal(unit_write_file(path, "name: web\n", 0600), 0);
	if (geteuid() == 0) {
		assert_int_equal(chmod(dir, 0755), 0);
		assert_forked_ok(load_as_nobody, path);
	} else {
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(load(path), -1);
		assert_has(line, ": cannot read: Permission denied");
	}
}

/* --- cli_parse with a struct config --- */

static struct options o;
static char err[768];

static int apply_argv(char *const *envp, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	memset(err, 0, sizeof(err));
	return cli_parse(&o, argc, argv, envp, &c, err, sizeof(err));
}

#define APPLY(envp, ...) apply_argv((envp), (char *[]){"baton", __VA_ARGS__, NULL})

static char *no_env[] = {NULL};

static void test_cli_every_key(void **state)
{
	assert_int_equal(parse("name: web\nafter: [db, cache]\nready-on: [notify, file:/r]\n"
			       "dir: /d\ntimeout: 60\njitter: 5\nwatchdog: 2.5\nexit-with: main\n"
			       "grace: 3\ngroup: on\nremap-exit: [1, '2,3']\nmap-signal: TERM:QUIT\n"
			       "pdeathsig: HUP\nlog-level: warn\ncommand: [prog, arg]\n"
			       "hooks:\n  pre-start: [a, b]\n  post-ready: c\n  pre-stop: d\n"
			       "  post-exit: e\n  dir: /h\n  timeout: 4\n"),
			 0);
	assert_int_equal(APPLY(no_env, NULL), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.name, "web");
	assert_int_equal(o.n_after, 2);
	assert_string_equal(o.after[0], "db");
	assert_string_equal(o.after[1], "cache");
	assert_int_equal(o.n_ready_on, 2);
	assert_int_equal(o.ready_on[0].kind, PROBE_NOTIFY);
	assert_int_equal(o.ready_on[1].kind, PROBE_FILE);
	assert_string_equal(o.dir, "/d");
	assert_float_equal(o.timeout, 60, 0);
	assert_int_equal(o.jitter_ms, 5);
	assert_float_equal(o.watchdog, 2.5, 0);
	assert_string_equal(o.exit_with, "main");
	assert_float_equal(o.grace, 3, 0);
	assert_true(o.group);
	assert_true(o.remap_exit[1] && o.remap_exit[2] && o.remap_exit[3]);
	assert_false(o.remap_exit[0] || o.remap_exit[4]);
	assert_int_equal(o.n_maps, 1);
	assert_int_equal(o.maps[0].from, SIGTERM);
	assert_int_equal(o.maps[0].to, SIGQUIT);
	assert_int_equal(o.pdeath_signal, SIGHUP);
	assert_int_equal(o.log_level, LOG_LEVEL_WARN);
	/* PROGRAM from the file when the command line has none. */
	assert_ptr_equal(o.argv, c.command);
	assert_string_equal(o.argv[1], "arg");
	assert_int_equal(o.n_hooks[HOOK_PRE_START], 2);
	assert_string_equal(o.hooks[HOOK_PRE_START][0], "a");
	assert_string_equal(o.hooks[HOOK_PRE_START][1], "b");
	assert_int_equal(o.n_hooks[HOOK_POST_READY], 1);
	assert_string_equal(o.hooks[HOOK_POST_READY][0], "c");
	assert_string_equal(o.hooks[HOOK_PRE_STOP][0], "d");
	assert_string_equal(o.hooks[HOOK_POST_EXIT][0], "e");
	assert_string_equal(o.hooks_dir, "/h");
	assert_float_equal(o.hook_timeout, 4, 0);

	/* The command line's PROGRAM wins over the file's. */
	assert_int_equal(APPLY(no_env, "--", "other", "x"), 0);
	assert_string_equal(o.argv[0], "other");
	assert_string_equal(o.argv[1], "x");
	/* --help still checks the file, then shows the help. */
	assert_int_equal(APPLY(no_env, "--help"), 0);
	assert_int_equal(o.command, CLI_HELP);
}

static void test_cli_precedence(void **state)
{
	char *env[] = {"BATON_GRACE=8",	    "BATON_AFTER=envdep",
		       "BATON_PRE_STOP=env-stop", "BATON_GROUP=0",
		       "BATON_NAME=",	    "BATON_REMAP_EXIT=9",
		       NULL};

	assert_int_equal(parse("grace: 7\nname: file\nafter: [a, b]\ngroup: true\n"
			       "remap-exit: [1, 2]\nhooks: {pre-stop: [f1, f2], post-exit: f3, "
			       "timeout: 2}\n"),
			 0);
	/* File over defaults. */
	assert_int_equal(APPLY(no_env, "prog"), 0);
	assert_float_equal(o.grace, 7, 0);
	assert_string_equal(o.name, "file");
	assert_int_equal(o.n_after, 2);
	assert_true(o.group);
	assert_int_equal(o.n_hooks[HOOK_PRE_STOP], 2);
	assert_float_equal(o.hook_timeout, 2, 0);
	assert_float_equal(o.timeout, -1, 0);

	/* Environment over file; its lists replace the file's; an empty variable is unset. */
	assert_int_equal(APPLY(env, "prog"), 0);
	assert_float_equal(o.grace, 8, 0);
	assert_string_equal(o.name, "file");
	assert_int_equal(o.n_after, 1);
	assert_string_equal(o.after[0], "envdep");
	assert_false(o.group);
	assert_true(o.remap_exit[9]);
	assert_false(o.remap_exit[1] || o.remap_exit[2]);
	assert_int_equal(o.n_hooks[HOOK_PRE_STOP], 1);
	assert_string_equal(o.hooks[HOOK_PRE_STOP][0], "env-stop");
	/* A list the environment does not set stays the file's. */
	assert_int_equal(o.n_hooks[HOOK_POST_EXIT], 1);
	assert_string_equal(o.hooks[HOOK_POST_EXIT][0], "f3");

	/* Command line over both; its lists replace theirs. */
	assert_int_equal(APPLY(env, "--grace", "9", "--after", "x", "--after", "y", "--pre-stop",
			       "cli-stop", "-g", "-e", "5", "--name", "cli", "prog"),
			 0);
	assert_float_equal(o.grace, 9, 0);
	assert_string_equal(o.name, "cli");
	assert_int_equal(o.n_after, 2);
	assert_string_equal(o.after[0], "x");
	assert_string_equal(o.after[1], "y");
	assert_true(o.group);
	assert_true(o.remap_exit[5]);
	assert_false(o.remap_exit[9] || o.remap_exit[1]);
	assert_int_equal(o.n_hooks[HOOK_PRE_STOP], 1);
	assert_string_equal(o.hooks[HOOK_PRE_STOP][0], "cli-stop");
	assert_string_equal(o.hooks[HOOK_POST_EXIT][0], "f3");

	/* The command line over the file with no environment in between. */
	assert_int_equal(APPLY(no_env, "--post-exit", "p", "prog"), 0);
	assert_int_equal(o.n_hooks[HOOK_POST_EXIT], 1);
	assert_string_equal(o.hooks[HOOK_POST_EXIT][0], "p");
	assert_int_equal(o.n_hooks[HOOK_PRE_STOP], 2);
}

static void test_cli_bad_values(void **state)
{
	/* A bad value in the file names the file, line, column and key. */
	assert_int_equal(parse("name: web\ngrace: soon\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "t.yaml:2:8: grace: 'soon' is not a number of seconds (0-31536000)");
	assert_int_equal(parse("name: Web_1\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_has(err, "t.yaml:1:7: name: 'Web_1' is not a valid name");
	assert_int_equal(parse("after: [ok, 'b c']\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_has(err, "t.yaml:1:13: after: 'b c' is not a valid name");
	assert_int_equal(parse("hooks:\n  timeout: 0\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "t.yaml:2:12: hook-timeout: must be more than 0");
	assert_int_equal(parse("hooks:\n  post-exit: ''\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "t.yaml:2:14: post-exit: empty command");
	assert_int_equal(parse("ready-on: bogus:1\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_has(err, "t.yaml:1:11: ready-on: ");
	assert_int_equal(parse("map-signal: KILL:TERM\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "t.yaml:1:13: map-signal: 'KILL' is not a signal baton forwards");
	assert_int_equal(parse("log-level: loud\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "t.yaml:1:12: log-level: 'loud' is not error, warn, info or debug");
	assert_int_equal(parse("exit-with: ''\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_has(err, "t.yaml:1:12: exit-with: '' is not a valid name");
	assert_int_equal(parse("hooks:\n  pre-start: [a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, "
			       "a]\n"),
			 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "t.yaml:2:63: pre-start: more than 16 hooks");

	/* A bad file value is reported even when a later source would replace it. */
	assert_int_equal(parse("grace: soon\n"), 0);
	assert_int_equal(APPLY(no_env, "--grace", "1", "prog"), -1);
	assert_has(err, "t.yaml:1:8: grace:");

	/* Checks across sources: the file's name and the command line's --exit-with. */
	assert_int_equal(parse("name: side\n"), 0);
	assert_int_equal(APPLY(no_env, "--exit-with", "side", "prog"), -1);
	assert_string_equal(err, "--exit-with: 'side' is this container's own name");
	assert_int_equal(parse("name: web\nafter: web\n"), 0);
	assert_int_equal(APPLY(no_env, "prog"), -1);
	assert_string_equal(err, "--after: 'web' cannot wait for itself");
	/* No PROGRAM anywhere. */
	assert_int_equal(parse("name: web\n"), 0);
	assert_int_equal(APPLY(no_env, NULL), -1);
	assert_has(err, "no PROGRAM given");
	/* An environment error still names the variable, not the file. */
	assert_int_equal(parse("grace: 1\n"), 0);
	assert_int_equal(APPLY(((char *[]){"BATON_GRACE=x", NULL}), "prog"), -1);
	assert_has(err, "BATON_GRACE: 'x'");
}

static void test_cli_items_from_elsewhere(void **state)
{
	/* A struct config built by hand: unknown keys and the options no file may set. */
	struct config_item items[] = {{"grace", "2", 1, 1}, {"config", "x.yaml", 2, 3}};
	struct config hand = {.file = "h.yaml", .items = items, .n_items = 2};
	char *argv[] = {"baton", "prog", NULL};

	assert_int_equal(cli_parse(&o, 2, argv, no_env, &hand, err, sizeof(err)), -1);
	assert_string_equal(err, "h.yaml:2:3: unknown key 'config'");
	items[1] = (struct config_item){"help", "1", 4, 5};
	assert_int_equal(cli_parse(&o, 2, argv, no_env, &hand, err, sizeof(err)), -1);
	assert_string_equal(err, "h.yaml:4:5: unknown key 'help'");
	items[1] = (struct config_item){"group", "0", 4, 5};
	assert_int_equal(cli_parse(&o, 2, argv, no_env, &hand, err, sizeof(err)), 0);
	assert_float_equal(o.grace, 2, 0);
	assert_false(o.group);

	/* Subcommands ignore the file. */
	items[1] = (struct config_item){"grace", "bad", 4, 5};
	{
		char *status[] = {"baton", "status", NULL};

		assert_int_equal(cli_parse(&o, 2, status, no_env, &hand, err, sizeof(err)), 0);
		assert_int_equal(o.command, CLI_STATUS);
	}
}

static void test_cli_config_path(void **state)
{
	char *env[] = {"BATON_CONFIG=/env.yaml", NULL};
	char *empty[] = {"BATON_CONFIG=", NULL};

	assert_null(cli_config_path(2, (char *[]){"baton", "prog", NULL}, no_env));
	assert_string_equal(cli_config_path(2, (char *[]){"baton", "prog", NULL}, env), "/env.yaml");
	assert_null(cli_config_path(2, (char *[]){"baton", "prog", NULL}, empty));
	assert_string_equal(
		cli_config_path(4, (char *[]){"baton", "--config", "/a.yaml", "prog", NULL}, env),
		"/a.yaml");
	assert_string_equal(
		cli_config_path(3, (char *[]){"baton", "--config=/b.yaml", "prog", NULL}, no_env),
		"/b.yaml");
	/* The last one counts, after other options. */
	assert_string_equal(cli_config_path(7,
					    (char *[]){"baton", "-g", "--config", "/1", "-v",
						       "--config=/2", "prog", NULL},
					    no_env),
			    "/2");
	/* Not after PROGRAM or --, not for subcommands. */
	assert_null(cli_config_path(4, (char *[]){"baton", "prog", "--config", "/x", NULL}, no_env));
	assert_null(cli_config_path(4, (char *[]){"baton", "--", "--config", "/x", NULL}, no_env));
	assert_null(cli_config_path(2, (char *[]){"baton", "status", NULL}, env));
	assert_null(cli_config_path(4, (char *[]){"baton", "wait", "--config", "/x", NULL}, no_env));
	/* An option missing its value does not derail the search. */
	assert_null(cli_config_path(2, (char *[]){"baton", "--config", NULL}, no_env));
	assert_string_equal(
		cli_config_path(5, (char *[]){"baton", "--bogus", "--config", "/c", "p", NULL},
				no_env),
		"/c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_every_key, teardown),
		cmocka_unit_test_teardown(test_lists, teardown),
		cmocka_unit_test_teardown(test_scalars_take_no_lists, teardown),
		cmocka_unit_test_teardown(test_bools, teardown),
		cmocka_unit_test_teardown(test_nulls, teardown),
		cmocka_unit_test_teardown(test_anchors_and_aliases, teardown),
		cmocka_unit_test_teardown(test_command, teardown),
		cmocka_unit_test_teardown(test_hooks_mapping, teardown),
		cmocka_unit_test_teardown(test_errors, teardown),
		cmocka_unit_test_teardown(test_syntax_errors, teardown),
		cmocka_unit_test_teardown(test_nul_and_control_bytes, teardown),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test_teardown(test_odd_inputs, teardown),
		cmocka_unit_test_teardown(test_large_inputs, teardown),
		cmocka_unit_test_setup_teardown(test_load, setup_dir, teardown_dir),
		cmocka_unit_test_teardown(test_cli_every_key, teardown),
		cmocka_unit_test_teardown(test_cli_precedence, teardown),
		cmocka_unit_test_teardown(test_cli_bad_values, teardown),
		cmocka_unit_test(test_cli_items_from_elsewhere),
		cmocka_unit_test(test_cli_config_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
