// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: cli_parse() on an argv and an environment made from the input. The input
 * is split on NUL bytes; words after a lone "\x01" are environment entries. A parse that
 * succeeds must leave a consistent struct options.
 */
#include "cli.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	char *copy, *argv[MAX_WORDS + 2], *envp[MAX_WORDS + 1];
	int argc = 0, envc = 0, in_env = 0;
	char err[512];
	size_t start = 0;

	if (size > 4096)
		return 0;
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = "baton";
	for (size_t i = 0; i <= size; i++) {
		if (i < size && copy[i] != '\0')
			continue;
		copy[i] = '\0';
		if (strcmp(copy + start, "\x01") == 0)
			in_env = 1;
		else if (in_env && envc < MAX_WORDS)
			envp[envc++] = copy + start;
		else if (!in_env && argc < MAX_WORDS)
			argv[argc++] = copy + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	envp[envc] = NULL;
	if (cli_parse(&o, argc, argv, envp, NULL, err, sizeof(err)) < 0) {
		assert(err[0] != '\0' && !strchr(err, '\n'));
	} else if (o.command == CLI_RUN) {
		assert(o.argv && o.argv[0]);
		assert(o.n_after <= GATE_MAX_NAMES && o.n_ready_on <= PROBE_MAX);
		assert(!o.name || gate_name_valid(o.name));
		for (int i = 0; i < o.n_after; i++)
			assert(gate_name_valid(o.after[i]));
		assert(o.grace >= 0 && o.grace <= CLI_MAX_SECONDS);
	}
	free(copy);
	return 0;
}
