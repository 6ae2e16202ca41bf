// SPDX-License-Identifier: MIT
/*
 * timeline: the chart from journal entries built here (the golden rendering of a fixture
 * journal is a black-box test): rows, the critical path, the 80-column bound, colours only
 * when asked, restarts, and entries that contradict each other.
 */
#include "unit.h"

#include "timeline.h"

#define SEC 1000000000LL

static struct journal_entry entries[64];
static int n_entries;

static void add(int64_t ms, const char *name, const char *inc, enum journal_event ev,
		const char *arg)
{
	struct journal_entry *e = &entries[n_entries++];

	memset(e, 0, sizeof(*e));
	e->ns = 1765000000 * SEC + ms * 1000000;
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->incarnation, sizeof(e->incarnation), "%s", inc);
	e->event = ev;
	snprintf(e->arg, sizeof(e->arg), "%s", arg);
}

/* db, then web waiting for db and cache; cache is ready first, so db decides. */
static void pod(void)
{
	n_entries = 0;
	add(0, "web", "1", JOURNAL_WAITING, "db,cache");
	add(0, "db", "2", JOURNAL_STARTED, "/db");
	add(100, "cache", "3", JOURNAL_STARTED, "/cache");
	add(200, "cache", "3", JOURNAL_READY, "");
	add(600, "db", "2", JOURNAL_READY, "");
	add(650, "web", "1", JOURNAL_STARTED, "/web");
	add(1000, "web", "1", JOURNAL_READY, "");
	add(1500, "web", "1", JOURNAL_STOPPING, "");
	add(2000, "web", "1", JOURNAL_EXITED, "");
	entries[n_entries - 1].code = 3;
}

static char *render(bool svg, bool color)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);

	assert_non_null(out);
	if (svg)
		timeline_svg(entries, n_entries, out);
	else
		timeline_text(entries, n_entries, color, out);
	assert_int_equal(fclose(out), 0);
	return buf;
}

static void assert_width(const char *text, size_t max)
{
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > max)
			fail_msg("line longer than %zu: '%.*s'", max, (int)len, p);
		p += len + (p[len] == '\n');
	}
}

static void test_text(void **state)
{
	char *t;

	pod();
	t = render(false, false);
	assert_width(t, 80);
	assert_has(t, "baton timeline: 3 names over 2.000s, one column is 50.000ms\n");
	assert_has(t, "* web        |.............-------##########~~~~~~~~~x| up 1.000s exit 3\n");
	assert_has(t, "* db         |------------############################| up 0.600s\n");
	assert_has(t, "  cache      |  --####################################| up 0.200s\n");
	assert_has(t, "critical path: db -> web (ready at 1.000s)\n");
	assert_null(strchr(t, '\033'));
	free(t);
	t = render(false, true);
	assert_has(t, "\033[1mweb");
	assert_has(t, "\033[0;32m#");
	free(t);
}

static void test_svg(void **state)
{
	char *t, height[64];

	pod();
	t = render(true, false);
	snprintf(height, sizeof(height), "width=\"%d\" height=\"%d\"", TIMELINE_SVG_WIDTH,
		 TIMELINE_SVG_HEIGHT(3));
	assert_has(t, height);
	assert_has(t, "<title>web exited 3 at 2.000s</title>");
	assert_has(t, "critical path: db -> web (ready at 1.000s)");
	assert_null(strchr(t, '&'));
	assert_int_equal(strncmp(t, "<?xml", 5), 0);
	assert_int_equal(strcmp(t + strlen(t) - 7, "</svg>\n"), 0);
	free(t);
}

static void test_restart(void **state)
{
	char *t;

	n_entries = 0;
	add(0, "api", "a1", JOURNAL_STARTED, "/api");
	add(500, "api", "a1", JOURNAL_EXITED, "");
	entries[n_entries - 1].signaled = true;
	entries[n_entries - 1].code = 9;
	add(1000, "api", "a2", JOURNAL_STARTED, "/api");
	add(1500, "api", "a2", JOURNAL_READY, "");
	add(2000, "api", "a2", JOURNAL_READY, "");
	t = render(false, false);
	/* The second incarnation is still up: the old exit is a mark, not the row's end. */
	assert_has(t, "* api        |----------x         |---------##########| up 1.500s 2 runs\n");
	free(t);
}

static void test_odd_entries(void **state)
{
	char *t, name[16];

	/* Each waits for the other: the critical path must still end. */
	n_entries = 0;
	add(0, "a", "1", JOURNAL_WAITING, "b");
	add(0, "b", "2", JOURNAL_WAITING, "a");
	add(10, "a", "1", JOURNAL_STARTED, "/a");
	add(10, "b", "2", JOURNAL_STARTED, "/b");
	add(20, "a", "1", JOURNAL_READY, "");
	add(20, "b", "2", JOURNAL_READY, "");
	t = render(false, false);
	assert_has(t, "critical path: ");
	free(t);
	/* Nothing at all, and one entry (a zero span). */
	n_entries = 0;
	t = render(false, false);
	assert_has(t, "0 names");
	free(t);
	t = render(true, false);
	free(t);
	add(0, "a", "1", JOURNAL_READY, "");
	t = render(false, false);
	assert_has(t, "1 name over 0.000s");
	free(t);
	/* More names than rows. */
	n_entries = 0;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		add(i, name, "1", JOURNAL_STARTED, "/x");
	}
	t = render(false, false);
	assert_has(t, "more than 32 names");
	assert_width(t, 80);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_odd_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
