// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: pod_annotations_container() on annotations made from the input. The input
 * is split on NUL bytes: the container's name, then keys and values in turn; a first byte 'K'
 * gives the pod's containers (app, db, web), anything else leaves them unknown. It must never
 * crash; an error is one line with nothing returned; and the options it returns are accepted by
 * the command line parser as they are (the same code decides).
 */
#include "annotations.h"
#include "cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

/* Not assert(): the fuzz build is a release build, with NDEBUG. */
#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const pod[] = { "app", "db", "web" };
	static struct options o;
	struct pod_annotation a[MAX_WORDS];
	struct pod_container_args out;
	struct parse_error e;
	char *copy, *words[2 * MAX_WORDS + 1], *argv[2 * MAX_WORDS + 8], err[512];
	int n = 0, argc = 0;
	size_t start = 1;
	bool known;

	if (size < 1 || size > 8192)
		return 0;
	known = data[0] == 'K';
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (size_t i = 1; i <= size && n < 2 * MAX_WORDS + 1; i++) {
		if (i < size && copy[i] != '\0')
			continue;
		copy[i] = '\0';
		words[n++] = copy + start;
		start = i + 1;
	}
	for (int i = 1; i + 1 < n; i += 2)
		a[i / 2] = (struct pod_annotation){ words[i], words[i + 1], i / 2 + 1, 1 };
	if (n < 1) {
		free(copy);
		return 0;
	}
	if (pod_annotations_container(a, (n - 1) / 2, words[0], known ? pod : NULL, known ? 3 : 0,
				      &out, &e) < 0) {
		CHECK(errno == EINVAL || errno == ENOMEM);
		CHECK(e.msg[0] && !strchr(e.msg, '\n'));
		CHECK(!out.args && !out.entrypoint);
		free(copy);
		return 0;
	}
	CHECK(out.n_args >= 2 && !out.args[out.n_args] && !strcmp(out.args[0], "--name") &&
	      !strcmp(out.args[1], words[0]));
	CHECK(!out.entrypoint ||
	      (out.n_entrypoint >= 1 && !out.entrypoint[out.n_entrypoint] && out.entrypoint[0][0]));
	argv[argc++] = "baton";
	for (int i = 0; i < out.n_args && argc < 2 * MAX_WORDS + 5; i++)
		argv[argc++] = out.args[i];
	argv[argc++] = "--";
	argv[argc++] = "true";
	argv[argc] = NULL;
	if (cli_parse(&o, argc, argv, NULL, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "the options do not parse: %s\n", err);
		abort();
	}
	pod_container_args_free(&out);
	free(copy);
	return 0;
}
