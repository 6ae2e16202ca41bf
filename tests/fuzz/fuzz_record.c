// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: gate_record_parse() on arbitrary bytes (records come from other
 * containers). A record that parses must survive a format/parse round trip unchanged.
 */
#include "gate.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gate_record r, again;
	char err[128], buf[GATE_RECORD_MAX];
	int len;

	if (gate_record_parse((const char *)data, size, &r, err, sizeof(err)) < 0) {
		assert(err[0] != '\0');
		return 0;
	}
	assert(gate_name_valid(r.name));
	len = gate_record_format(&r, buf, sizeof(buf));
	assert(len > 0);
	assert(gate_record_parse(buf, (size_t)len, &again, err, sizeof(err)) == 0);
	assert(memcmp(&r, &again, sizeof(r)) == 0);
	return 0;
}
