// SPDX-License-Identifier: MIT
/*
 * The pictures of baton timeline. Owns the chart model built from journal entries (one row per
 * name: bars for waiting, starting, ready and stopping; marks for exits and restarts; the
 * critical path) and its two renderings. Pure and integer-only: it never opens a file, and it
 * trusts nothing in the entries beyond what journal_parse() checked.
 */
#include "timeline.h"

#include <string.h>

#define COLS	  40 /* text bar width: 2 + 10 + 2 + 40 + 2 + 24 = 80 columns */
#define MAX_SEGS  48
#define MAX_MARKS 16
#define SVG_LEFT  110
#define SVG_BARS  540
#define SVG_ROW	  22
#define SVG_TOP	  48

enum bar { BAR_WAITING, BAR_STARTING, BAR_READY, BAR_STOPPING, BARS };

struct seg {
	int64_t from, to;
	enum bar bar;
	int run; /* which incarnation of the name, from 1 */
};

struct mark {
	int64_t at;
	bool restart; /* else an exit */
	bool signaled;
	int code;
};

struct row {
	char name[GATE_NAME_MAX + 1];
	char incarnation[GATE_INCARNATION_LEN + 1];
	char deps[JOURNAL_ARG_MAX + 1]; /* of the last waiting line */
	struct seg segs[MAX_SEGS];
	struct mark marks[MAX_MARKS];
	int n_segs, n_marks, runs;
	bool open;	    /* the last segment has not ended */
	bool exited;	    /* the last line was an exit */
	int64_t crit_until; /* on the critical path up to here; -1: not on it */
	int crit_run;	    /* in this incarnation */
};

static struct chart {
	struct row rows[TIMELINE_MAX_ROWS];
	int n_rows;
	bool hidden; /* more names than rows */
	int64_t t0, span;
	int path[TIMELINE_MAX_ROWS]; /* the critical path, last-ready first */
	int n_path;
	int64_t ready_at; /* when the last name became ready */
} c;

static const char bar_chars[BARS] = { '.', '-', '#', '~' };
static const char *const bar_names[BARS] = { "waiting", "starting", "ready", "stopping" };
static const char *const bar_ansi[BARS] = { "2", "33", "32", "35" };
static const char *const bar_fill[BARS] = { "#d0d0d0", "#f0c040", "#60b060", "#b080d0" };

static void seg_close(struct row *r, int64_t at)
{
	if (r->open)
		r->segs[r->n_segs - 1].to = at;
	r->open = false;
}

static void seg_open(struct row *r, enum bar bar, int64_t at)
{
	if (r->open && r->segs[r->n_segs - 1].bar == bar)
		return; /* said twice: the state began the first time */
	seg_close(r, at);
	if (r->n_segs == MAX_SEGS)
		return;
	r->segs[r->n_segs++] = (struct seg){ at, at, bar, r->runs };
	r->open = true;
}

static void mark_add(struct row *r, struct mark m)
{
	if (r->n_marks < MAX_MARKS)
		r->marks[r->n_marks++] = m;
}

static struct row *row_of(const char *name)
{
	for (int i = 0; i < c.n_rows; i++)
		if (strcmp(c.rows[i].name, name) == 0)
			return &c.rows[i];
	if (c.n_rows == TIMELINE_MAX_ROWS) {
		c.hidden = true;
		return NULL;
	}
	memcpy(c.rows[c.n_rows].name, name, sizeof(c.rows[0].name));
	c.rows[c.n_rows].crit_until = -1;
	return &c.rows[c.n_rows++];
}

/*
 * The latest time at or before bound when r became ready (else started), and in which
 * incarnation; -1 when never.
 */
static int64_t up_at(const struct row *r, int64_t bound, int64_t *started, int *run)
{
	int ready = -1, start = -1;

	for (int i = 0; i < r->n_segs && r->segs[i].from <= bound; i++) {
		if (r->segs[i].bar == BAR_READY)
			ready = i;
		if (r->segs[i].bar == BAR_STARTING)
			start = i;
	}
	if (started)
		*started = start >= 0 ? r->segs[start].from : -1;
	if (ready < 0)
		ready = start;
	if (run && ready >= 0)
		*run = r->segs[ready].run;
	return ready >= 0 ? r->segs[ready].from : -1;
}

/*
 * The chain of waits that decided when the last name became ready: from that name, through the
 * dependency whose readiness released it, and so on back to a name that waited for nobody.
 */
static void critical_path(void)
{
	int64_t end = c.t0 + c.span, best = -1, bound = end, started;
	int cur = -1;

	for (int i = 0; i < c.n_rows; i++) {
		int64_t up = up_at(&c.rows[i], end, NULL, NULL);

		if (up > best) {
			best = up;
			cur = i;
		}
	}
	c.ready_at = best;
	while (cur >= 0 && c.rows[cur].crit_until < 0) {
		struct row *r = &c.rows[cur];
		const char *d = r->deps;
		int next = -1;
		int64_t next_up = -1;

		r->crit_until = up_at(r, bound, &started, &r->crit_run);
		c.path[c.n_path++] = cur;
		bound = started >= 0 ? started : r->crit_until;
		while (*d) {
			size_t len = strcspn(d, ",");

			for (int i = 0; i < c.n_rows; i++) {
				int64_t up;

				if (strlen(c.rows[i].name) != len ||
				    strncmp(c.rows[i].name, d, len))
					continue;
				up = up_at(&c.rows[i], bound, NULL, NULL);
				if (up > next_up) {
					next_up = up;
					next = i;
				}
			}
			d += len + (d[len] == ',');
		}
		cur = next;
	}
}

static void build(const struct journal_entry *e, int n)
{
	memset(&c, 0, sizeof(c));
	c.t0 = n ? e[0].ns : 0;
	c.span = n && e[n - 1].ns > c.t0 ? e[n - 1].ns - c.t0 : 1;
	for (int i = 0; i < n; i++) {
		struct row *r = row_of(e[i].name);
		int64_t at = e[i].ns;

		if (!r)
			continue;
		if (strcmp(r->incarnation, e[i].incarnation) != 0) {
			seg_close(r, at);
			if (r->runs++ > 0)
				mark_add(r, (struct mark){ .at = at, .restart = true });
			memcpy(r->incarnation, e[i].incarnation, sizeof(r->incarnation));
			r->deps[0] = '\0';
		}
		r->exited = e[i].event == JOURNAL_EXITED;
		switch (e[i].event) {
		case JOURNAL_WAITING:
			seg_open(r, BAR_WAITING, at);
			memcpy(r->deps, e[i].arg, sizeof(r->deps));
			break;
		case JOURNAL_STARTED:
			seg_open(r, BAR_STARTING, at);
			break;
		case JOURNAL_READY:
			seg_open(r, BAR_READY, at);
			break;
		case JOURNAL_STOPPING:
			seg_open(r, BAR_STOPPING, at);
			break;
		case JOURNAL_EXITED:
			seg_close(r, at);
			mark_add(r, (struct mark){ .at = at,
						   .signaled = e[i].signaled,
						   .code = e[i].code });
			break;
		}
	}
	for (int i = 0; i < c.n_rows; i++)
		seg_close(&c.rows[i], c.t0 + c.span);
	critical_path();
}

/* "1.234s": whole milliseconds, without floating point. */
static const char *secs(int64_t ns, char *buf, size_t size)
{
	long long ms = (long long)(ns / 1000000);

	snprintf(buf, size, "%lld.%03llds", ms / 1000, ms % 1000);
	return buf;
}

/* "up 0.512s sig 15 2 runs": when the name was last ready, how it ended, how often it ran. */
static void row_note(const struct row *r, char *buf, size_t size)
{
	const struct mark *last = NULL;
	int64_t up = -1;
	char t[32];
	size_t len = 0;

	for (int i = 0; i < r->n_segs; i++)
		if (r->segs[i].bar == BAR_READY)
			up = r->segs[i].from;
	for (int i = 0; i < r->n_marks; i++)
		if (!r->marks[i].restart)
			last = &r->marks[i];
	buf[0] = '\0';
	if (up >= 0)
		len += (size_t)snprintf(buf, size, "up %s", secs(up - c.t0, t, sizeof(t)));
	if (last && r->exited && len < size)
		len += (size_t)snprintf(buf + len, size - len, "%s%s %d", len ? " " : "",
					last->signaled ? "sig" : "exit", last->code);
	if (r->runs > 1 && len < size)
		snprintf(buf + len, size - len, "%s%d runs", len ? " " : "", r->runs);
}

/* The column of a moment; an end at the last moment is one past the last column. */
static int column(int64_t at, bool end)
{
	int64_t col = (at - c.t0) * COLS / c.span;

	return col < 0 ? 0 : col >= COLS ? COLS - !end : (int)col;
}

/* Words joined by sep, wrapped at 80 columns. col: the column the caller is at. */
static int put_word(FILE *out, int col, const char *sep, const char *word)
{
	int len = (int)(strlen(sep) + strlen(word));

	if (col + len > 80) {
		fputs("\n ", out);
		col = 1;
	}
	fprintf(out, "%s%s", sep, word);
	return col + len;
}

static void path_line(FILE *out)
{
	char t[32], ready[48];
	int col;

	if (c.n_path == 0)
		return;
	col = fprintf(out, "critical path:");
	for (int i = c.n_path - 1; i >= 0; i--)
		col = put_word(out, col, i == c.n_path - 1 ? " " : " -> ", c.rows[c.path[i]].name);
	snprintf(ready, sizeof(ready), "(ready at %s)", secs(c.ready_at - c.t0, t, sizeof(t)));
	put_word(out, col, " ", ready);
	fputc('\n', out);
}

void timeline_text(const struct journal_entry *entries, int n, bool color, FILE *out)
{
	char t[32];
	long long us;

	build(entries, n);
	us = (long long)(c.span / COLS / 1000);
	fprintf(out, "baton timeline: %d name%s over %s, one column is %lld.%03lldms\n", c.n_rows,
		c.n_rows == 1 ? "" : "s", secs(n ? c.span : 0, t, sizeof(t)), us / 1000, us % 1000);
	fprintf(out, "%14s0s%*s\n", "", COLS - 2, secs(n ? c.span : 0, t, sizeof(t)));
	for (int i = 0; i < c.n_rows; i++) {
		const struct row *r = &c.rows[i];
		char line[COLS];
		int bars[COLS], cur = -2;
		char note[25];

		memset(line, ' ', sizeof(line));
		for (int k = 0; k < COLS; k++)
			bars[k] = -1;
		for (int s = 0; s < r->n_segs; s++) {
			int from = column(r->segs[s].from, false);
			int to = column(r->segs[s].to, true);

			for (int k = from; k < to || (k == from && line[k] == ' '); k++) {
				line[k] = bar_chars[r->segs[s].bar];
				bars[k] = (int)r->segs[s].bar;
			}
		}
		for (int m = 0; m < r->n_marks; m++) {
			int k = column(r->marks[m].at, false);

			line[k] = r->marks[m].restart ? '|' : 'x';
			bars[k] = BARS;
		}
		row_note(r, note, sizeof(note));
		fprintf(out, "%c %s%-10.10s%s |", r->crit_until >= 0 ? '*' : ' ',
			color && r->crit_until >= 0 ? "\033[1m" : "", r->name,
			color && r->crit_until >= 0 ? "\033[0m" : "");
		for (int k = 0; k < COLS; k++) {
			if (color && bars[k] != cur) {
				cur = bars[k];
				fprintf(out, "\033[0;%sm",
					cur < 0	      ? "0"
					: cur == BARS ? "1;31"
						      : bar_ansi[cur]);
			}
			fputc(line[k], out);
		}
		fprintf(out, "%s| %s\n", color ? "\033[0m" : "", note);
	}
	if (c.hidden)
		fprintf(out, "(more than %d names: the others are not shown)\n", TIMELINE_MAX_ROWS);
	fputs(". waiting  - starting  # ready  ~ stopping  x exited  | restarted  * critical\n",
	      out);
	path_line(out);
}

static int64_t svg_x(int64_t at)
{
	return SVG_LEFT + (at - c.t0) * SVG_BARS / c.span;
}

void timeline_svg(const struct journal_entry *entries, int n, FILE *out)
{
	int height;
	char t[32], u[32];

	build(entries, n);
	height = TIMELINE_SVG_HEIGHT(c.n_rows);
	fprintf(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n"
		"<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
		"<text x=\"10\" y=\"18\" font-size=\"14\">baton timeline: %d name%s over "
		"%s</text>\n",
		TIMELINE_SVG_WIDTH, height, TIMELINE_SVG_WIDTH, height, TIMELINE_SVG_WIDTH, height,
		c.n_rows, c.n_rows == 1 ? "" : "s", secs(n ? c.span : 0, t, sizeof(t)));
	for (int k = 0; k <= 4; k++) {
		int64_t at = c.t0 + c.span * k / 4;
		long long x = (long long)svg_x(at);

		fprintf(out,
			"<line x1=\"%lld\" y1=\"%d\" x2=\"%lld\" y2=\"%d\" stroke=\"#e0e0e0\"/>\n"
			"<text x=\"%lld\" y=\"%d\" text-anchor=\"middle\" "
			"fill=\"#606060\">%s</text>\n",
			x, SVG_TOP - 6, x, SVG_TOP + SVG_ROW * c.n_rows, x, SVG_TOP - 10,
			secs(n ? at - c.t0 : 0, t, sizeof(t)));
	}
	for (int i = 0; i < c.n_rows; i++) {
		const struct row *r = &c.rows[i];
		int y = SVG_TOP + SVG_ROW * i;
		char note[25];

		fprintf(out, "<text x=\"10\" y=\"%d\"%s>%s</text>\n", y + 15,
			r->crit_until >= 0 ? " font-weight=\"bold\" fill=\"#c00000\"" : "",
			r->name);
		for (int s = 0; s < r->n_segs; s++) {
			const struct seg *g = &r->segs[s];
			long long x = (long long)svg_x(g->from), w = (long long)svg_x(g->to) - x;
			bool crit = r->crit_until >= 0 && g->from < r->crit_until &&
				    g->run == r->crit_run;

			fprintf(out,
				"<rect x=\"%lld\" y=\"%d\" width=\"%lld\" height=\"14\" "
				"fill=\"%s\"%s>"
				"<title>%s %s %s..%s</title></rect>\n",
				x, y + 4, w > 0 ? w : 1, bar_fill[g->bar],
				crit ? " stroke=\"#c00000\" stroke-width=\"2\"" : "", r->name,
				bar_names[g->bar], secs(g->from - c.t0, t, sizeof(t)),
				secs(g->to - c.t0, u, sizeof(u)));
		}
		for (int m = 0; m < r->n_marks; m++) {
			const struct mark *k = &r->marks[m];
			long long x = (long long)svg_x(k->at);

			if (k->restart)
				fprintf(out,
					"<line x1=\"%lld\" y1=\"%d\" x2=\"%lld\" y2=\"%d\" "
					"stroke=\"#000000\" stroke-width=\"2\"><title>%s restarted "
					"at "
					"%s</title></line>\n",
					x, y + 1, x, y + 21, r->name,
					secs(k->at - c.t0, t, sizeof(t)));
			else
				fprintf(out,
					"<text x=\"%lld\" y=\"%d\" text-anchor=\"middle\" "
					"font-weight=\"bold\" fill=\"%s\">x<title>%s %s %d at "
					"%s</title></text>\n",
					x, y + 15, k->code || k->signaled ? "#c00000" : "#000000",
					r->name, k->signaled ? "killed by signal" : "exited",
					k->code, secs(k->at - c.t0, t, sizeof(t)));
		}
		row_note(r, note, sizeof(note));
		fprintf(out, "<text x=\"%d\" y=\"%d\">%s</text>\n", SVG_LEFT + SVG_BARS + 10,
			y + 15, note);
	}
	for (int b = 0; b < BARS; b++)
		fprintf(out,
			"<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"12\" fill=\"%s\"/>"
			"<text x=\"%d\" y=\"%d\">%s</text>\n",
			10 + 100 * b, height - 34, bar_fill[b], 28 + 100 * b, height - 24,
			bar_names[b]);
	fprintf(out,
		"<rect x=\"410\" y=\"%d\" width=\"14\" height=\"12\" fill=\"none\" "
		"stroke=\"#c00000\" stroke-width=\"2\"/><text x=\"428\" y=\"%d\">critical path"
		"</text>\n",
		height - 34, height - 24);
	if (c.n_path > 0) {
		fprintf(out, "<text x=\"10\" y=\"%d\">", height - 8);
		path_line(out);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n", out);
}
