// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: personality_parse() on arbitrary command lines. The input is split on NUL
 * bytes into arguments (the first byte picks tini or dumb-init, the second how many leading
 * arguments are environment entries instead). Every parse must end in a run with a program and
 * sane tables (dumb-init's -r rewrites within 1..31, 0..31), or in a text to print with an exit
 * code of 0 or 1, or in one line of error about a BATON_* variable.
 */
#include "personality.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct options o;
	static char text[4096];
	char *copy, *args[MAX_ARGS + 2], *env[MAX_ARGS + 1];
	enum personality p;
	int n = 0, n_env, argc;

	if (size < 2)
		return 0;
	p = data[0] & 1 ? PERSONALITY_DUMB_INIT : PERSONALITY_TINI;
	n_env = data[1] % 4;
	copy = malloc(size - 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 2, size - 2);
	copy[size - 2] = '\0';
	args[n++] = p == PERSONALITY_TINI ? "tini" : "dumb-init";
	for (char *s = copy; n < MAX_ARGS && s < copy + size - 1; s += strlen(s) + 1)
		args[n++] = s;
	args[n] = NULL;
	/* The first n_env arguments after the name become the environment. */
	argc = n;
	if (n_env > argc - 1)
		n_env = argc - 1;
	for (int i = 0; i < n_env; i++)
		env[i] = args[1 + i];
	env[n_env] = NULL;
	memmove(args + 1, args + 1 + n_env, (size_t)(argc - n_env) * sizeof(args[0]));
	argc -= n_env;

	if (personality_parse(&o, p, argc, args, env, 7, text, sizeof(text)) < 0) {
		CHECK(text[0] && !strchr(text, '\n'));
	} else if (o.command == CLI_PRINT) {
		CHECK(o.print_text && o.print_text[0]);
		CHECK(o.print_code == 0 || o.print_code == 1);
	} else {
		CHECK(o.command == CLI_RUN && o.argv && o.argv[0]);
		CHECK(o.personality == p);
		CHECK(o.n_maps >= 0 && o.n_maps <= CLI_MAX_MAPS);
		for (int i = 0; p == PERSONALITY_DUMB_INIT && i < o.n_maps; i++)
			CHECK(o.maps[i].from >= 1 && o.maps[i].to >= 0 && o.maps[i].to <= 31);
	}
	free(copy);
	return 0;
}
