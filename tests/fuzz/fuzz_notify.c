// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: notify_parse() on arbitrary datagrams. Checks the invariants baton relies
 * on: STATUS is NUL-terminated, short and free of control characters; STOPPING wins over READY.
 */
#include "notify.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_msg m;
	char err[128];

	if (size > NOTIFY_MAX_DATAGRAM)
		return 0;
	if (notify_parse((const char *)data, size, &m, err, sizeof(err)) < 0)
		return 0;
	assert(strlen(m.status) <= GATE_STATUS_MAX);
	for (const char *p = m.status; *p; p++)
		assert((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert(!(m.ready && m.stopping));
	assert(m.mainpid >= 0);
	return 0;
}
