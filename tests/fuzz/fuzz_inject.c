// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: inject_stream() on arbitrary YAML. It must never crash; an error is one
 * line and leaves no output; and whatever it injected, injected again, stays byte for byte the
 * same (idempotence). --entrypoint app=... lets containers named app without a command through.
 */
#include "inject.h"

#include <errno.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const entrypoints[] = {"app=/bin/app --serve 8080"};
	static const struct inject_settings s = {NULL, entrypoints, 1};
	static struct parse_error e;
	char *out, *again;
	size_t len, len2;

	if (size > 65536)
		return 0;
	if (inject_stream("fuzz", (const char *)data, size, &s, &out, &len, &e) < 0) {
		CHECK(errno == EINVAL || errno == ENOMEM);
		CHECK(!out && !len && e.msg[0] && !strchr(e.msg, '\n'));
		return 0;
	}
	if (inject_stream("fuzz", out, len, &s, &again, &len2, &e) < 0) {
		fprintf(stderr, "re-injecting the output failed: %d:%d: %s\n", e.line, e.column,
			e.msg);
		abort();
	}
	if (len != len2 || memcmp(out, again, len) != 0) {
		fprintf(stderr, "not idempotent:\n--- first\n%.*s\n--- second\n%.*s\n", (int)len,
			out, (int)len2, again);
		abort();
	}
	free(out);
	free(again);
	return 0;
}
