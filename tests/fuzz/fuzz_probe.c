// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: probe_parse() on arbitrary --ready-on specs.
 */
#include "probe.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct probe_spec p;
	char *spec, err[512];

	if (size > 1024)
		return 0;
	spec = malloc(size + 1);
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (probe_parse(spec, &p, err, sizeof(err)) == 0) {
		if (p.kind == PROBE_TCP)
			assert(p.port >= 1 && p.port <= 65535 && p.host[0]);
		if ((p.kind == PROBE_MSGQ || p.kind == PROBE_SEM || p.kind == PROBE_SHM) &&
		    !p.posix)
			assert(p.key != 0 && p.key <= 0xffffffffUL);
		if (p.posix)
			assert(p.arg[0] == '/' && p.arg[1] && !strchr(p.arg + 1, '/') &&
			       strlen(p.arg) <= 256);
	} else {
		assert(err[0] != '\0');
	}
	free(spec);
	return 0;
}
