/* SPDX-License-Identifier: MIT */
/*
 * baton timeline's pictures: journal entries in, a Gantt chart out (text for a terminal, or a
 * standalone SVG). Pure: no file is opened here, and the same entries give the same bytes.
 */
#ifndef BATON_TIMELINE_H
#define BATON_TIMELINE_H

#include "journal.h"

#include <stdbool.h>
#include <stdio.h>

#define TIMELINE_MAX_ROWS  32
#define TIMELINE_SVG_WIDTH 860
/* The SVG's height in pixels for a chart of rows names. */
#define TIMELINE_SVG_HEIGHT(rows) (88 + 22 * (rows))

/*
 * One row per name (first seen first, at most TIMELINE_MAX_ROWS), one column per 1/40 of the
 * time from the first entry to the last, 80 columns wide. color: ANSI colours for a terminal.
 * entries must be sorted by time (journal_read() does that).
 */
void timeline_text(const struct journal_entry *entries, int n, bool color, FILE *out);
void timeline_svg(const struct journal_entry *entries, int n, FILE *out);

#endif
