// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: config_parse() on arbitrary bytes. A parse that fails must leave one line
 * of error and nothing allocated; a parse that succeeds must hold only NUL-free text, and
 * applying it with cli_parse() (alone, and under an environment that sets every list) must
 * give either a consistent struct options or one line of error.
 */
#include "cli.h"
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Not assert(): the check must hold in every build type. */
#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *s)
{
	CHECK(s[0] != '\0');
	for (; *s; s++)
		CHECK((unsigned char)*s >= 0x20 || *s == '\t');
}

static void apply(const struct config *c, char *const *envp)
{
	static struct options o;
	char *with_program[] = {"baton", "true", NULL};
	char *without[] = {"baton", NULL};
	char **argv = c->command ? without : with_program;
	int argc = c->command ? 1 : 2;
	char err[768];

	if (cli_parse(&o, argc, argv, envp, c, err, sizeof(err)) < 0) {
		check_line(err);
		return;
	}
	if (o.command != CLI_RUN)
		return;
	CHECK(o.argv && o.argv[0]);
	CHECK(!c->command || o.argv == c->command);
	CHECK(o.n_after >= 0 && o.n_after <= GATE_MAX_NAMES);
	CHECK(o.n_ready_on >= 0 && o.n_ready_on <= PROBE_MAX);
	CHECK(o.n_maps >= 0 && o.n_maps <= CLI_MAX_MAPS);
	CHECK(!o.name || gate_name_valid(o.name));
	CHECK(!o.exit_with || gate_name_valid(o.exit_with));
	for (int i = 0; i < o.n_after; i++)
		CHECK(gate_name_valid(o.after[i]));
	for (int p = 0; p < HOOK_PHASES; p++) {
		CHECK(o.n_hooks[p] >= 0 && o.n_hooks[p] <= CLI_MAX_HOOKS);
		for (int i = 0; i < o.n_hooks[p]; i++)
			CHECK(o.hooks[p][i] && o.hooks[p][i][0]);
	}
	CHECK(o.grace >= 0 && o.grace <= CLI_MAX_SECONDS);
	CHECK(o.hook_timeout > 0 && o.hook_timeout <= CLI_MAX_SECONDS);
	CHECK(o.dir && o.dir[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const no_env[] = {NULL};
	/* Every list once more, so the file's lists are replaced, never merged. */
	static char *const env[] = {
		"BATON_AFTER=envdep",	   "BATON_READY_ON=started",  "BATON_REMAP_EXIT=7",
		"BATON_MAP_SIGNAL=HUP:0", "BATON_PRE_START=true",    "BATON_POST_EXIT=true",
		"BATON_GRACE=1",	   NULL,
	};
	struct config c;
	struct parse_error e;
	char line[1024];

	if (size > 16384)
		return 0;
	if (config_parse((const char *)data, size, "fuzz.yaml", &c, &e) < 0) {
		CHECK(c.items == NULL && c.n_items == 0 && c.command == NULL && c.file == NULL);
		CHECK(e.line >= 0 && e.column >= 0);
		CHECK(e.line == 0 || e.column >= 1);
		config_error_format(&e, line, sizeof(line));
		check_line(line);
		CHECK(strncmp(line, "fuzz.yaml:", 10) == 0);
		return 0;
	}
	CHECK(c.file && strcmp(c.file, "fuzz.yaml") == 0);
	CHECK(c.n_items >= 0 && (c.n_items == 0 || c.items));
	for (int i = 0; i < c.n_items; i++) {
		CHECK(c.items[i].key && c.items[i].value);
		CHECK(c.items[i].line >= 1 && c.items[i].column >= 1);
	}
	if (c.command) {
		CHECK(c.command[0] != NULL);
		for (char **a = c.command; *a; a++)
			CHECK(*a != NULL);
	}
	apply(&c, no_env);
	apply(&c, env);
	config_free(&c);
	CHECK(c.items == NULL && c.command == NULL && c.file == NULL);
	return 0;
}
