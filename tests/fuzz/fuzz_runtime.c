// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: baton-runtime's handling of config.json, which pod authors partly control.
 * The input is a config.json; runtime_plan() and runtime_rewrite() must never crash, a plan
 * that wraps must carry a valid sandbox id and container name, a config.json without
 * "baton.dev/" is never wrapped, an error is one line, and a rewritten config.json encodes and
 * parses again with process.args starting with the mounted baton. The same bytes, split at
 * NULs, are also runc's argv for runtime_parse_argv(), and hiding integers jansson cannot
 * hold, then showing them again, must give back the same bytes.
 */
#include "runtime.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Not assert(): the fuzz build is a release build, with NDEBUG. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_argv(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[65];
	struct runtime_argv a;
	int argc = 1;

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = (char *)"baton-runtime";
	for (char *p = copy; p < copy + size && argc < 64; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	runtime_parse_argv(argc, argv, &a);
	CHECK(!a.id || a.command);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char err[1024];
	struct runtime_plan p;
	json_error_t je;
	json_t *config, *again;
	char *text;

	static const char nonce[] = "0123456789abcdef~int:";
	size_t hlen;
	char *hidden, *back;

	if (size > 65536)
		return 0;
	fuzz_argv(data, size);
	/* Hiding integers beyond int64 and showing them again gives back the same bytes. */
	hidden = runtime_bigints_hide((const char *)data, size, nonce, &hlen);
	CHECK(hidden);
	if (!memchr(data, '\0', size) && !memmem(data, size, nonce, strlen(nonce))) {
		back = runtime_bigints_show(hidden, nonce);
		CHECK(back && strlen(back) == size && memcmp(back, data, size) == 0);
		free(back);
	}
	config = json_loadb(hidden, hlen, JSON_REJECT_DUPLICATES, &je);
	free(hidden);
	if (!config)
		return 0;
	err[0] = '\0';
	if (runtime_plan(config, "pod-consumer", &p, err, sizeof(err)) < 0) {
		CHECK(err[0] && !strchr(err, '\n') && !p.wrap);
		json_decref(config);
		return 0;
	}
	if (!p.wrap) {
		runtime_plan_free(&p);
		json_decref(config);
		return 0;
	}
	CHECK(memmem(data, size, "baton.dev/", 10));
	CHECK(runtime_id_valid(p.sandbox_id) && runtime_name_valid(p.name));
	if (runtime_rewrite(config, &p, "/opt/baton", "/run/baton-runtime/x", err, sizeof(err)) ==
	    0) {
		text = json_dumps(config, JSON_COMPACT | JSON_PRESERVE_ORDER);
		CHECK(text);
		again = json_loads(text, 0, &je);
		CHECK(again);
		CHECK(strcmp(json_string_value(json_array_get(
				     json_object_get(json_object_get(again, "process"), "args"),
				     0)),
			     RUNTIME_BATON_BIN) == 0);
		json_decref(again);
		free(text);
	} else {
		CHECK(err[0] && !strchr(err, '\n'));
	}
	runtime_plan_free(&p);
	json_decref(config);
	return 0;
}
