// SPDX-License-Identifier: MIT
/*
 * The configuration file. Owns nothing between calls: config_parse() turns one YAML document
 * into a struct config the caller owns. It checks the shape (unknown and duplicate keys, wrong
 * types, a document that is not a mapping, an empty file) and leaves the meaning of each value
 * to cli_parse(), so a value means the same in a file, a variable and an option. Every error
 * names FILE:LINE:COLUMN. It must never crash or hang, whatever the bytes: it is fuzzed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

enum value_type {
	V_SCALAR, /* one value */
	V_LIST,	  /* one value or a list of values */
	V_BOOL,	  /* true or false */
	V_ARGV,	  /* a non-empty list of strings: PROGRAM and its arguments */
	V_HOOKS,  /* the hooks mapping */
};

struct key_def {
	const char *key;    /* in the file */
	const char *option; /* the long option it sets */
	enum value_type type;
};

static const struct key_def top_keys[] = {
	{ "name", "name", V_SCALAR },
	{ "after", "after", V_LIST },
	{ "ready-on", "ready-on", V_LIST },
	{ "dir", "dir", V_SCALAR },
	{ "timeout", "timeout", V_SCALAR },
	{ "jitter", "jitter", V_SCALAR },
	{ "watchdog", "watchdog", V_SCALAR },
	{ "exit-with", "exit-with", V_SCALAR },
	{ "grace", "grace", V_SCALAR },
	{ "group", "group", V_BOOL },
	{ "remap-exit", "remap-exit", V_LIST },
	{ "map-signal", "map-signal", V_LIST },
	{ "pdeathsig", "pdeathsig", V_SCALAR },
	{ "log-level", "log-level", V_SCALAR },
	{ "command", NULL, V_ARGV },
	{ "hooks", NULL, V_HOOKS },
	{ NULL, NULL, V_SCALAR },
};

static const struct key_def hook_keys[] = {
	{ "pre-start", "pre-start", V_LIST },
	{ "post-ready", "post-ready", V_LIST },
	{ "pre-stop", "pre-stop", V_LIST },
	{ "post-exit", "post-exit", V_LIST },
	{ "dir", "hooks-dir", V_SCALAR },
	{ "timeout", "hook-timeout", V_SCALAR },
	{ NULL, NULL, V_SCALAR },
};

struct walk {
	yaml_document_t *doc;
	struct config *c;
	struct parse_error *e;
};

static int error_at(struct walk *w, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int error_at(struct walk *w, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	w->e->line = m ? (int)m->line + 1 : 0;
	w->e->column = m ? (int)m->column + 1 : 0;
	va_start(ap, fmt);
	vsnprintf(w->e->msg, sizeof(w->e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void config_error_format(const struct parse_error *e, char *buf, size_t size)
{
	if (e->line > 0)
		snprintf(buf, size, "%s:%d:%d: %s", e->file, e->line, e->column, e->msg);
	else
		snprintf(buf, size, "%s: %s", e->file, e->msg);
	for (char *p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
}

static const char *scalar(yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_null(yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(scalar(n), nulls[i]) == 0)
			return true;
	return false;
}

/* A value must be text: a scalar that is not null and holds no NUL byte. */
static int check_text(struct walk *w, yaml_node_t *n, const char *key)
{
	if (n->type != YAML_SCALAR_NODE)
		return error_at(w, &n->start_mark, "%s: expected a single value, not a %s", key,
				n->type == YAML_MAPPING_NODE ? "mapping" : "list");
	if (is_null(n))
		return error_at(w, &n->start_mark, "%s: no value", key);
	if (strlen(scalar(n)) != n->data.scalar.length)
		return error_at(w, &n->start_mark, "%s: the value holds a NUL byte", key);
	return 0;
}

static int add_item(struct walk *w, const char *option, const char *value, yaml_node_t *n)
{
	struct config *c = w->c;
	struct config_item *items;
	char *copy = strdup(value);

	if (!copy)
		return error_at(w, &n->start_mark, "out of memory");
	/* Doubling at 0, 1, 2, 4, ...: one realloc per item is quadratic for a long list. */
	if ((c->n_items & (c->n_items - 1)) == 0) {
		size_t cap = c->n_items ? 2 * (size_t)c->n_items : 1;

		items = realloc(c->items, cap * sizeof(*items));
		if (!items) {
			free(copy);
			return error_at(w, &n->start_mark, "out of memory");
		}
		c->items = items;
	}
	c->items[c->n_items++] = (struct config_item){ option, copy, (int)n->start_mark.line + 1,
						       (int)n->start_mark.column + 1 };
	return 0;
}

static int take_value(struct walk *w, const struct key_def *k, yaml_node_t *n);

static int take_argv(struct walk *w, const char *key, yaml_node_t *n)
{
	yaml_node_item_t *item;
	size_t count, i = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		return error_at(w, &n->start_mark,
				"%s: expected a list of strings (PROGRAM and its arguments)", key);
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (count == 0)
		return error_at(w, &n->start_mark, "%s: the list is empty", key);
	for (item = n->data.sequence.items.start; item < n->data.sequence.items.top; item++)
		if (check_text(w, yaml_document_get_node(w->doc, *item), key) < 0)
			return -1;
	w->c->command = calloc(count + 1, sizeof(char *));
	if (!w->c->command)
		return error_at(w, &n->start_mark, "out of memory");
	for (item = n->data.sequence.items.start; item < n->data.sequence.items.top; item++) {
		w->c->command[i] = strdup(scalar(yaml_document_get_node(w->doc, *item)));
		if (!w->c->command[i++])
			return error_at(w, &n->start_mark, "out of memory");
	}
	return 0;
}

/* Walks a mapping against a table of keys: unknown and repeated keys are errors. */
static int take_mapping(struct walk *w, yaml_node_t *map, const struct key_def *keys,
			const char *where)
{
	int first_line[32] = { 0 };

	if (map->type != YAML_MAPPING_NODE)
		return error_at(w, &map->start_mark, "%s: expected a mapping of settings", where);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yaml_document_get_node(w->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(w->doc, p->value);
		int i;

		if (!kn || !vn || kn->type != YAML_SCALAR_NODE)
			return error_at(w, kn ? &kn->start_mark : &map->start_mark,
					"%s: a key must be a plain word", where);
		for (i = 0; keys[i].key; i++)
			if (strcmp(keys[i].key, scalar(kn)) == 0)
				break;
		if (!keys[i].key)
			return error_at(w, &kn->start_mark, "unknown key '%.64s'%s%s", scalar(kn),
					strcmp(where, "the document") ? " in " : "",
					strcmp(where, "the document") ? where : "");
		if (first_line[i])
			return error_at(w, &kn->start_mark, "duplicate key '%s' (first at line %d)",
					keys[i].key, first_line[i]);
		first_line[i] = (int)kn->start_mark.line + 1;
		if (take_value(w, &keys[i], vn) < 0)
			return -1;
	}
	return 0;
}

static int take_value(struct walk *w, const struct key_def *k, yaml_node_t *n)
{
	switch (k->type) {
	case V_SCALAR:
		if (check_text(w, n, k->key) < 0)
			return -1;
		return add_item(w, k->option, scalar(n), n);
	case V_BOOL: {
		static const char *const yes[] = { "true", "yes", "on" };
		static const char *const no[] = { "false", "no", "off" };

		if (check_text(w, n, k->key) < 0)
			return -1;
		for (size_t i = 0; i < 3; i++) {
			if (strcasecmp(scalar(n), yes[i]) == 0)
				return add_item(w, k->option, "1", n);
			if (strcasecmp(scalar(n), no[i]) == 0)
				return add_item(w, k->option, "0", n);
		}
		return error_at(w, &n->start_mark, "%s: expected true or false, not '%.64s'",
				k->key, scalar(n));
	}
	case V_LIST:
		if (n->type == YAML_MAPPING_NODE)
			return error_at(w, &n->start_mark,
					"%s: expected a value or a list of values, not a mapping",
					k->key);
		if (n->type != YAML_SEQUENCE_NODE) {
			if (check_text(w, n, k->key) < 0)
				return -1;
			return add_item(w, k->option, scalar(n), n);
		}
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			yaml_node_t *v = yaml_document_get_node(w->doc, *it);

			if (check_text(w, v, k->key) < 0 ||
			    add_item(w, k->option, scalar(v), v) < 0)
				return -1;
		}
		return 0;
	case V_ARGV:
		return take_argv(w, k->key, n);
	case V_HOOKS:
		return take_mapping(w, n, hook_keys, "hooks");
	}
	return -1;
}

void config_free(struct config *c)
{
	for (int i = 0; i < c->n_items; i++)
		free((char *)c->items[i].value);
	free(c->items);
	for (char **a = c->command; a && *a; a++)
		free(*a);
	free(c->command);
	free((char *)c->file);
	memset(c, 0, sizeof(*c));
}

/*
 * libyaml's message, where it happened. A reader error (bad encoding, a control character) comes
 * with a byte offset but no mark, so the mark is counted from the offset.
 */
static void syntax_error(struct walk *w, yaml_parser_t *p, const char *buf, size_t len)
{
	if (p->error == YAML_READER_ERROR) {
		p->problem_mark.line = 0;
		p->problem_mark.column = 0;
		for (size_t i = 0; i < p->problem_offset && i < len; i++) {
			if (buf[i] == '\n') {
				p->problem_mark.line++;
				p->problem_mark.column = 0;
			} else {
				p->problem_mark.column++;
			}
		}
	}
	error_at(w, &p->problem_mark, "%s%s%s", p->context ? p->context : "",
		 p->context ? ": " : "", p->problem ? p->problem : "invalid YAML");
}

/*
 * libyaml's scanner is quadratic in the nesting depth and its loader in the number of anchors
 * and aliases: a file well under the size limit could keep baton busy for minutes before
 * PROGRAM starts. One pass over the events refuses such a file before anything is loaded.
 * Syntax errors are left to the loader, whose message says more.
 */
static int check_shape(const char *buf, size_t len, struct walk *w)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int depth = 0, refs = 0, rc = 0;

	if (!yaml_parser_initialize(&parser))
		return error_at(w, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (rc == 0 && yaml_parser_parse(&parser, &ev)) {
		yaml_event_type_t type = ev.type;

		if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT)
			depth++;
		else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT)
			depth--;
		if (type == YAML_ALIAS_EVENT ||
		    (type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
		    (type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
		    (type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor))
			refs++;
		if (depth > CONFIG_MAX_DEPTH)
			rc = error_at(w, &ev.start_mark, "nested deeper than %d levels",
				      CONFIG_MAX_DEPTH);
		else if (refs > CONFIG_MAX_REFS)
			rc = error_at(w, &ev.start_mark, "more than %d anchors and aliases",
				      CONFIG_MAX_REFS);
		yaml_event_delete(&ev);
		if (type == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&parser);
	return rc;
}

int config_parse(const char *buf, size_t len, const char *file, struct config *c,
		 struct parse_error *e)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct walk w = { &doc, c, e };
	yaml_node_t *root;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	memset(e, 0, sizeof(*e));
	snprintf(e->file, sizeof(e->file), "%s", file);
	if (len > CONFIG_MAX_BYTES)
		return error_at(&w, NULL, "larger than %d bytes", CONFIG_MAX_BYTES);
	if (check_shape(buf, len, &w) < 0)
		return -1;
	if (!yaml_parser_initialize(&parser))
		return error_at(&w, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		syntax_error(&w, &parser, buf, len);
		yaml_parser_delete(&parser);
		return -1;
	}
	root = yaml_document_get_root_node(&doc);
	if (!root) {
		yaml_mark_t start = { 0, 0, 0 };

		error_at(&w, &start, "empty configuration (expected a mapping of settings)");
		goto out;
	}
	if (root->type != YAML_MAPPING_NODE) {
		error_at(&w, &root->start_mark, "the document is not a mapping of settings");
		goto out;
	}
	c->file = strdup(file);
	if (!c->file) {
		error_at(&w, NULL, "out of memory");
		goto out;
	}
	if (take_mapping(&w, root, top_keys, "the document") < 0)
		goto out;
	if (!yaml_parser_load(&parser, &extra)) {
		syntax_error(&w, &parser, buf, len);
		goto out;
	}
	if (yaml_document_get_root_node(&extra)) {
		error_at(&w, &extra.start_mark, "more than one document");
		yaml_document_delete(&extra);
		goto out;
	}
	yaml_document_delete(&extra);
	rc = 0;
out:
	if (rc < 0)
		config_free(c);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return rc;
}

int config_load(const char *path, struct config *c, struct parse_error *e)
{
	struct stat st;
	char *buf;
	ssize_t n = 0;
	size_t got = 0;
	int fd, rc;

	memset(e, 0, sizeof(*e));
	memset(c, 0, sizeof(*c));
	snprintf(e->file, sizeof(e->file), "%s", path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	/* st is only defined once fstat() succeeded. */
	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(e->msg, sizeof(e->msg), "cannot read: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(e->msg, sizeof(e->msg), "cannot read: not a regular file");
		close(fd);
		return -1;
	}
	if (st.st_size > CONFIG_MAX_BYTES) {
		close(fd);
		snprintf(e->msg, sizeof(e->msg), "larger than %d bytes", CONFIG_MAX_BYTES);
		return -1;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		snprintf(e->msg, sizeof(e->msg), "out of memory");
		return -1;
	}
	while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (n < 0) {
		snprintf(e->msg, sizeof(e->msg), "cannot read: %s", strerror(errno));
		free(buf);
		return -1;
	}
	rc = config_parse(buf, got, path, c, e);
	free(buf);
	return rc;
}
