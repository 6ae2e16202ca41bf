// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: journal_parse() on arbitrary bytes (journal lines come from every container
 * of the pod). A line that parses must survive a format/parse round trip unchanged, and the
 * timeline drawn from it must stay within 80 columns.
 */
#include "journal.h"
#include "timeline.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct journal_entry e, again;
	char buf[JOURNAL_LINE_MAX], *text = NULL;
	size_t text_size = 0;
	FILE *out;
	int len;

	if (journal_parse((const char *)data, size, &e) < 0)
		return 0;
	assert(gate_name_valid(e.name));
	len = journal_format(&e, buf, sizeof(buf));
	assert(len > 0 && buf[len - 1] == '\n');
	assert(journal_parse(buf, (size_t)len - 1, &again) == 0);
	assert(memcmp(&e, &again, sizeof(e)) == 0);
	out = open_memstream(&text, &text_size);
	assert(out);
	timeline_text(&e, 1, false, out);
	fclose(out);
	for (char *p = text; *p;) {
		size_t line = strcspn(p, "\n");

		assert(line <= 80);
		p += line + (p[line] == '\n');
	}
	free(text);
	return 0;
}
