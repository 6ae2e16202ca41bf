// SPDX-License-Identifier: MIT
/*
 * inject: rewrites Kubernetes manifests so that every container of every pod template runs
 * under baton, ordered by the template's baton.dev/ annotations. libyaml parses and emits; the
 * transform works on libyaml's in-memory document, changes only what injection needs, and
 * copies a node before changing it when a YAML alias also refers to it. Only inject_main() does
 * I/O, and it writes nothing unless the whole stream was injected.
 */
#include "inject.h"

#include "annotations.h"
#include "gate.h"
#include "log.h"
#include "probe.h"

#include <baton/exit.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define GATE_VOLUME "baton-gate"
#define BIN_VOLUME  "baton-bin"
#define INSTALLER   "baton-install"
#define PREFIX	    "baton.dev/"
#define BLANKS	    " \t"
#define STR_(x)	    #x
#define STR(x)	    STR_(x)

/* The kinds that hold a pod template, and the keys from the object to the template. */
static const struct {
	const char *kind;
	const char *path; /* "": a Pod is its own template */
} workloads[] = {
	{ "Pod", "" },
	{ "Deployment", "spec.template." },
	{ "StatefulSet", "spec.template." },
	{ "DaemonSet", "spec.template." },
	{ "ReplicaSet", "spec.template." },
	{ "ReplicationController", "spec.template." },
	{ "Job", "spec.template." },
	{ "CronJob", "spec.jobTemplate.spec.template." },
	{ "PodTemplate", "template." },
};

struct ctx {
	yaml_document_t *doc;
	const struct inject_settings *s;
	struct parse_error *e;
	int *refs; /* how many places refer to each node, by node id */
	int nrefs;
	char what[192];	  /* "Deployment/web (document 2)": the start of every message */
	const char *path; /* the template's path, e.g. "spec.template." */
	bool json;	  /* the document is JSON: new strings in double quotes too */
};

/* A container of the pod template being injected, and what its annotations ask for. */
struct member {
	int node; /* its mapping */
	const char *name;
	struct pod_container_args opts;	    /* from pod_annotations_container() */
	unsigned char deps[GATE_MAX_NAMES]; /* --after, as indices into the members */
	int n_deps;
	int after_line, after_column; /* where its baton.dev/after annotation is */
	int state;		      /* ordering check: 0 unseen, 1 on the path, 2 done */
};

static int fail(struct ctx *c, int id, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One line for the terminal, whatever the manifest held. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

static int vfail(struct ctx *c, int line, int column, const char *fmt, va_list ap)
{
	int len = snprintf(c->e->msg, sizeof(c->e->msg), "%s: ", c->what);

	vsnprintf(c->e->msg + len, sizeof(c->e->msg) - (size_t)len, fmt, ap);
	sanitize(c->e->msg);
	c->e->line = line;
	c->e->column = column;
	errno = EINVAL;
	return -1;
}

static int fail(struct ctx *c, int id, const char *fmt, ...)
{
	yaml_node_t *n = id > 0 ? yaml_document_get_node(c->doc, id) : NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(c, n ? (int)n->start_mark.line + 1 : 0, n ? (int)n->start_mark.column + 1 : 0,
		  fmt, ap);
	va_end(ap);
	return r;
}

/* fail() at a position that is not a node's. */
static int fail_at(struct ctx *c, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(struct ctx *c, int line, int column, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vfail(c, line, column, fmt, ap);
	va_end(ap);
	return r;
}

static yaml_node_t *node(struct ctx *c, int id)
{
	return id > 0 ? yaml_document_get_node(c->doc, id) : NULL;
}

static bool is(struct ctx *c, int id, yaml_node_type_t type)
{
	yaml_node_t *n = node(c, id);

	return n && n->type == type;
}

/* A scalar's text, or NULL for anything else (and for text with a NUL byte in it). */
static const char *text(struct ctx *c, int id)
{
	yaml_node_t *n = node(c, id);

	if (!n || n->type != YAML_SCALAR_NODE ||
	    strlen((char *)n->data.scalar.value) != n->data.scalar.length)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static bool is_null(struct ctx *c, int id)
{
	yaml_node_t *n = node(c, id);
	const char *v = text(c, id);

	if (!n || strcmp((char *)n->tag, YAML_NULL_TAG) == 0)
		return true;
	return v && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       strcmp((char *)n->tag, YAML_DEFAULT_SCALAR_TAG) == 0 &&
	       (!*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
		!strcmp(v, "NULL"));
}

static int items(struct ctx *c, int seq, yaml_node_item_t **start)
{
	yaml_node_t *n = node(c, seq);

	*start = NULL;
	if (!n || n->type != YAML_SEQUENCE_NODE)
		return 0;
	*start = n->data.sequence.items.start;
	return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static yaml_node_pair_t *pairs(struct ctx *c, int map, int *n)
{
	yaml_node_t *m = node(c, map);

	*n = m && m->type == YAML_MAPPING_NODE
		     ? (int)(m->data.mapping.pairs.top - m->data.mapping.pairs.start)
		     : 0;
	return *n ? m->data.mapping.pairs.start : NULL;
}

/*
 * Looks key up in the mapping map: *value is its value (0 when absent or null), *pair its
 * index (-1 when absent); either may be NULL. A key given twice is an error.
 */
static int map_get(struct ctx *c, int map, const char *key, int *value, int *pair)
{
	int n, found = -1;
	yaml_node_pair_t *p = pairs(c, map, &n);

	for (int i = 0; i < n; i++) {
		const char *k = text(c, p[i].key);

		if (!k || strcmp(k, key) != 0)
			continue;
		if (found >= 0)
			return fail(c, p[i].key, "'%s' is given twice", key);
		found = i;
	}
	if (value)
		*value = found >= 0 && !is_null(c, p[found].value) ? p[found].value : 0;
	if (pair)
		*pair = found;
	return 0;
}

/* Registers a node just added to the document (id 0: libyaml failed). */
static int track(struct ctx *c, int id)
{
	if (id <= 0) {
		snprintf(c->e->msg, sizeof(c->e->msg),
			 "%s: cannot add to the document: out of memory", c->what);
		errno = ENOMEM;
		return -1;
	}
	if (id >= c->nrefs) {
		int size = 2 * id + 16;
		int *refs = realloc(c->refs, (size_t)size * sizeof(*refs));

		if (!refs)
			return track(c, 0);
		memset(refs + c->nrefs, 0, (size_t)(size - c->nrefs) * sizeof(*refs));
		c->refs = refs;
		c->nrefs = size;
	}
	return id;
}

/* Plain style where YAML would read the text back as the same string, else double quotes. */
static int add_str(struct ctx *c, const char *s, size_t len)
{
	static const char *const words[] = { "y",   "n",    "yes",   "no",  "on",
					     "off", "true", "false", "null" };
	yaml_scalar_style_t style =
		c->json ? YAML_DOUBLE_QUOTED_SCALAR_STYLE : YAML_PLAIN_SCALAR_STYLE;

	if (!len || !(s[0] == '/' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
		      (s[0] == '-' && len > 1 && s[1] != '.' && (s[1] < '0' || s[1] > '9'))))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("-_./:,=@+", s[i])) ||
		    !s[i])
			style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
			style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	return track(c, yaml_document_add_scalar(c->doc, NULL, (yaml_char_t *)s, (int)len, style));
}

static int add_text(struct ctx *c, const char *s)
{
	return add_str(c, s, strlen(s));
}

static void set_slot(struct ctx *c, int *slot, int id)
{
	c->refs[*slot]--;
	c->refs[id]++;
	*slot = id;
}

static int seq_append(struct ctx *c, int seq, int item)
{
	if (item < 0 || !yaml_document_append_sequence_item(c->doc, seq, item))
		return item < 0 ? -1 : track(c, 0);
	c->refs[item]++;
	return 0;
}

static int map_append(struct ctx *c, int map, int key, int value)
{
	if (key < 0 || value < 0 || !yaml_document_append_mapping_pair(c->doc, map, key, value))
		return key < 0 || value < 0 ? -1 : track(c, 0);
	c->refs[key]++;
	c->refs[value]++;
	return 0;
}

/* Appends key: value to the mapping, then moves the pair to index pos. */
static int map_insert(struct ctx *c, int map, int pos, const char *key, int value)
{
	yaml_node_pair_t *p, last;
	int n;

	if (map_append(c, map, add_text(c, key), value) < 0)
		return -1;
	p = pairs(c, map, &n);
	last = p[n - 1];
	memmove(p + pos + 1, p + pos, (size_t)(n - 1 - pos) * sizeof(*p));
	p[pos] = last;
	return 0;
}

static void map_remove(struct ctx *c, int map, int pos)
{
	yaml_node_t *m = node(c, map);
	yaml_node_pair_t *p = m->data.mapping.pairs.start;
	int n = (int)(m->data.mapping.pairs.top - p);

	c->refs[p[pos].key]--;
	c->refs[p[pos].value]--;
	memmove(p + pos, p + pos + 1, (size_t)(n - 1 - pos) * sizeof(*p));
	m->data.mapping.pairs.top--;
}

static int add_seq(struct ctx *c, yaml_sequence_style_t style)
{
	return track(c, yaml_document_add_sequence(c->doc, NULL, style));
}

static int add_map(struct ctx *c)
{
	return track(c, yaml_document_add_mapping(c->doc, NULL, YAML_ANY_MAPPING_STYLE));
}

/* Marks a value in add_fields() that is the boolean true, not the string. */
static const char yes[] = "true";

/* A mapping of keys and string values from kv (key, value, ..., NULL). */
static int add_fields(struct ctx *c, const char *const *kv)
{
	int map = add_map(c);

	for (; map >= 0 && *kv; kv += 2)
		if (map_append(c, map, add_text(c, kv[0]),
			       kv[1] == yes ? track(c, yaml_document_add_scalar(
							       c->doc, NULL, (yaml_char_t *)yes, 4,
							       YAML_PLAIN_SCALAR_STYLE))
					    : add_text(c, kv[1])) < 0)
			return -1;
	return map;
}

/*
 * Makes *slot (a place in a collection) refer to a node no other place refers to: a
 * collection that an alias shares is copied (shallowly) first, so that changing it changes
 * only this place. Returns the node's id.
 */
static int own(struct ctx *c, int *slot)
{
	int id = *slot, copy, n;
	yaml_node_t *orig = node(c, id);

	if (orig->type == YAML_SCALAR_NODE || c->refs[id] <= 1)
		return id;
	if (orig->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;

		copy = track(c, yaml_document_add_sequence(c->doc, orig->tag,
							   orig->data.sequence.style));
		n = items(c, id, &it);
		for (int i = 0; copy > 0 && i < n; i++)
			if (seq_append(c, copy, it[i]) < 0)
				return -1;
	} else {
		yaml_node_pair_t *p;

		copy = track(
			c, yaml_document_add_mapping(c->doc, orig->tag, orig->data.mapping.style));
		p = pairs(c, id, &n);
		for (int i = 0; copy > 0 && i < n; i++)
			if (map_append(c, copy, p[i].key, p[i].value) < 0)
				return -1;
	}
	if (copy < 0)
		return -1;
	node(c, copy)->start_mark = node(c, id)->start_mark;
	node(c, copy)->end_mark = node(c, id)->end_mark;
	set_slot(c, slot, copy);
	return copy;
}

static int own_value(struct ctx *c, int map, int pair)
{
	int n;

	return own(c, &pairs(c, map, &n)[pair].value);
}

/*
 * The emitter recurses once per level and Kubernetes refuses an alias inside its own anchor:
 * refuses both, on the node where it happens.
 */
static int check_shape(struct ctx *c, int id, int depth, char *state)
{
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	int n;

	if (state[id] == 2)
		return 0;
	if (state[id] == 1)
		return fail(c, id, "this node contains an alias to itself");
	if (depth > INJECT_MAX_DEPTH)
		return fail(c, id, "nested deeper than %d levels", INJECT_MAX_DEPTH);
	state[id] = 1;
	n = items(c, id, &it);
	for (int i = 0; i < n; i++)
		if (check_shape(c, it[i], depth + 1, state) < 0)
			return -1;
	p = pairs(c, id, &n);
	for (int i = 0; i < n; i++)
		if (check_shape(c, p[i].key, depth + 1, state) < 0 ||
		    check_shape(c, p[i].value, depth + 1, state) < 0)
			return -1;
	state[id] = 2;
	return 0;
}

static struct member *member_find(struct member *m, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(m[i].name) == len && memcmp(m[i].name, name, len) == 0)
			return &m[i];
	return NULL;
}

/* A scalar copied (so that the emitter sees no alias), anything else as it is. */
static int copy_scalar(struct ctx *c, int id)
{
	yaml_node_t *n = node(c, id);

	if (n->type != YAML_SCALAR_NODE)
		return id;
	return track(c, yaml_document_add_scalar(c->doc, n->tag, n->data.scalar.value,
						 (int)n->data.scalar.length, n->data.scalar.style));
}

/*
 * Refuses containers that wait for each other in a circle: none of them would ever start.
 * path holds the containers from the start of the search to i.
 */
static int check_cycle(struct ctx *c, struct member *m, int i, int *path, int depth)
{
	char circle[160] = "";
	int from = 0;

	if (m[i].state == 1) {
		while (path[from] != i)
			from++;
		for (int k = from; k < depth; k++)
			snprintf(circle + strlen(circle), sizeof(circle) - strlen(circle), "%s -> ",
				 m[path[k]].name);
		return fail_at(c, m[i].after_line, m[i].after_column,
			       "the %safter annotations form a circle: %s%s", PREFIX, circle,
			       m[i].name);
	}
	if (m[i].state == 2)
		return 0;
	m[i].state = 1;
	path[depth] = i;
	for (int d = 0; d < m[i].n_deps; d++)
		if (check_cycle(c, m, m[i].deps[d], path, depth + 1) < 0)
			return -1;
	m[i].state = 2;
	return 0;
}

/*
 * The program of a container without a command: --entrypoint NAME=CMD, else the annotation
 * baton.dev/entrypoint.NAME. Appends it to seq; 0 when there is none.
 */
static int add_entrypoint(struct ctx *c, struct member *m, int seq, bool *found)
{
	size_t len = strlen(m->name);
	char **argv = m->opts.entrypoint, err[256];
	int n = m->opts.n_entrypoint, r = 0;
	bool own = false;

	for (int i = 0; i < c->s->n_entrypoints; i++)
		if (!strncmp(c->s->entrypoints[i], m->name, len) &&
		    c->s->entrypoints[i][len] == '=') {
			if (pod_argv_parse(c->s->entrypoints[i] + len + 1, &argv, &n, err,
					   sizeof(err)) < 0)
				return errno == ENOMEM ? track(c, 0)
						       : fail(c, m->node, "--entrypoint: %s", err);
			own = true;
			break;
		}
	*found = argv != NULL;
	for (int i = 0; r == 0 && i < n; i++)
		r = seq_append(c, seq, add_text(c, argv[i]));
	if (own)
		pod_argv_free(argv);
	return r;
}

static bool same_items(struct ctx *c, int a, int b)
{
	yaml_node_item_t *x, *y;
	int n = items(c, a, &x);

	if (n != items(c, b, &y))
		return false;
	for (int i = 0; i < n; i++) {
		const char *s = text(c, x[i]), *t = text(c, y[i]);

		if (x[i] != y[i] && (!s || !t || strcmp(s, t) != 0))
			return false;
	}
	return true;
}

/*
 * The command that runs the container under baton: baton's options, --, then the program (the
 * manifest's command, the one after -- when it already ran under baton, or --entrypoint) and
 * args. Returns the new sequence's id.
 */
static int wrapped_command(struct ctx *c, struct member *m, int cmd, int args)
{
	yaml_node_item_t *it;
	int seq, n = 0, from = 0, prefix;
	const char *s;
	bool found = false;

	n = items(c, cmd, &it);
	if ((seq = add_seq(c, node(c, n ? cmd : args) ? node(c, n ? cmd : args)->data.sequence.style
						      : YAML_BLOCK_SEQUENCE_STYLE)) < 0)
		return -1;
	/* BIN --name NAME --dir DIR, the annotations' options, -- */
	if (seq_append(c, seq, add_text(c, INJECT_BIN)) < 0)
		return -1;
	for (int i = 0; i < m->opts.n_args; i++)
		if (seq_append(c, seq, add_text(c, m->opts.args[i])) < 0 ||
		    (i == 1 && (seq_append(c, seq, add_text(c, "--dir")) < 0 ||
				seq_append(c, seq, add_text(c, INJECT_GATE_DIR)) < 0)))
			return -1;
	if (seq_append(c, seq, add_text(c, "--")) < 0)
		return -1;
	prefix = items(c, seq, &it);
	n = items(c, cmd, &it);

	if (n && (s = text(c, it[0])) && !strcmp(s, INJECT_BIN)) {
		while (++from < n && (!(s = text(c, it[from])) || strcmp(s, "--") != 0))
			;
		if (from++ == n)
			return fail(c, cmd,
				    "container '%s' runs %s without '--' before its program",
				    m->name, INJECT_BIN);
	} else if (!n) {
		if (add_entrypoint(c, m, seq, &found) < 0)
			return -1;
		if (!found)
			return fail(c, m->node,
				    "container '%s' has no command (baton cannot look up the "
				    "image's entrypoint): add one, give --entrypoint %s=CMD or "
				    "annotate %sentrypoint.%s",
				    m->name, m->name, PREFIX, m->name);
	}
	/* the program: the command's words from `from` on, then args */
	for (int a = 0; a < 2; a++, n = items(c, args, &it), from = 0)
		for (int i = from; i < n; i++)
			if (seq_append(c, seq, copy_scalar(c, it[i])) < 0)
				return -1;
	if (items(c, seq, &it) == prefix)
		return fail(c, cmd, "container '%s' has no program after '--'", m->name);
	return seq;
}

/* Adds the mounts of baton-gate and baton-bin to a container's volumeMounts. */
static int add_mounts(struct ctx *c, int map, const char *name)
{
	static const char *const volumes[] = { GATE_VOLUME, BIN_VOLUME };
	static const char *const paths[] = { INJECT_GATE_DIR, INJECT_BIN_DIR };
	yaml_node_item_t *it;
	bool have[2] = { false, false };
	int mounts, pair, n;

	if (map_get(c, map, "volumeMounts", &mounts, &pair) < 0)
		return -1;
	if (mounts && !is(c, mounts, YAML_SEQUENCE_NODE))
		return fail(c, mounts, "container '%s': volumeMounts is not a list", name);
	n = items(c, mounts, &it);
	for (int i = 0; i < n; i++) {
		int vname, vpath;

		if (map_get(c, it[i], "name", &vname, NULL) < 0 ||
		    map_get(c, it[i], "mountPath", &vpath, NULL) < 0)
			return -1;
		for (int v = 0; v < 2; v++) {
			if (text(c, vname) && !strcmp(text(c, vname), volumes[v]))
				have[v] = true;
			else if (text(c, vpath) && !strcmp(text(c, vpath), paths[v]))
				return fail(c, it[i],
					    "container '%s' already mounts something at %s", name,
					    paths[v]);
		}
	}
	if (have[0] && have[1])
		return 0;
	if (!mounts) {
		if ((mounts = add_seq(c, YAML_BLOCK_SEQUENCE_STYLE)) < 0)
			return -1;
		if (pair >= 0)
			set_slot(c, &pairs(c, map, &n)[pair].value, mounts);
		else if (map_append(c, map, add_text(c, "volumeMounts"), mounts) < 0)
			return -1;
	} else if ((mounts = own_value(c, map, pair)) < 0) {
		return -1;
	}
	for (int v = 0; v < 2; v++)
		if (!have[v] &&
		    seq_append(c, mounts,
			       add_fields(c, (const char *const[]){ "name", volumes[v], "mountPath",
								    paths[v], v ? "readOnly" : NULL,
								    yes, NULL })) < 0)
			return -1;
	return 0;
}

/* Runs one container under baton: command rewritten (args folded in), volumes mounted. */
static int wrap(struct ctx *c, struct member *m)
{
	int cmd, args, pcmd, pargs, seq, key, n;

	if (map_get(c, m->node, "command", &cmd, &pcmd) < 0 ||
	    map_get(c, m->node, "args", &args, &pargs) < 0)
		return -1;
	if (cmd && !is(c, cmd, YAML_SEQUENCE_NODE))
		return fail(c, cmd, "container '%s': command is not a list", m->name);
	if (args && !is(c, args, YAML_SEQUENCE_NODE))
		return fail(c, args, "container '%s': args is not a list", m->name);
	if ((seq = wrapped_command(c, m, cmd, args)) < 0)
		return -1;
	if (!cmd || pargs >= 0 || !same_items(c, cmd, seq)) {
		if (pcmd >= 0) {
			set_slot(c, &pairs(c, m->node, &n)[pcmd].value, seq);
			if (pargs >= 0)
				map_remove(c, m->node, pargs);
		} else if (pargs >= 0) {
			/* command takes the place of args */
			if ((key = add_text(c, "command")) < 0)
				return -1;
			set_slot(c, &pairs(c, m->node, &n)[pargs].key, key);
			set_slot(c, &pairs(c, m->node, &n)[pargs].value, seq);
		} else if (map_append(c, m->node, add_text(c, "command"), seq) < 0) {
			return -1;
		}
	}
	return add_mounts(c, m->node, m->name);
}

/* A list of named things in the pod spec (volumes, initContainers): has it one named name? */
static int find_named(struct ctx *c, int spec, const char *key, const char *name, int *list,
		      int *pair, bool *found)
{
	yaml_node_item_t *it;
	int n, v;

	*found = false;
	if (map_get(c, spec, key, list, pair) < 0)
		return -1;
	if (*list && !is(c, *list, YAML_SEQUENCE_NODE))
		return fail(c, *list, "%sspec.%s is not a list", c->path, key);
	n = items(c, *list, &it);
	for (int i = 0; i < n; i++) {
		if (map_get(c, it[i], "name", &v, NULL) < 0)
			return -1;
		*found |= text(c, v) && !strcmp(text(c, v), name);
	}
	return 0;
}

/* The list under key in the pod spec, created (before key `before` when given) if missing. */
static int list_for_change(struct ctx *c, int spec, const char *key, int list, int pair, int before)
{
	int n;

	if (list)
		return own_value(c, spec, pair);
	if ((list = add_seq(c, YAML_BLOCK_SEQUENCE_STYLE)) < 0)
		return -1;
	if (pair >= 0)
		set_slot(c, &pairs(c, spec, &n)[pair].value, list);
	else if (before >= 0 ? map_insert(c, spec, before, key, list) < 0
			     : map_append(c, spec, add_text(c, key), list) < 0)
		return -1;
	return list;
}

/* The emptyDir volumes and the init container that installs baton into baton-bin. */
static int add_pod_parts(struct ctx *c, int spec, int containers_pair)
{
	static const char *const volumes[] = { GATE_VOLUME, BIN_VOLUME };
	const char *const fields[] = { "name",
				       INSTALLER,
				       "image",
				       c->s->image ? c->s->image : INJECT_DEFAULT_IMAGE,
				       "imagePullPolicy",
				       "IfNotPresent",
				       NULL };
	const char *const mount[] = { "name", BIN_VOLUME, "mountPath", INJECT_BIN_DIR, NULL };
	const char *const install[] = { "baton", "install", INJECT_BIN_DIR };
	int list, pair, item, seq, n;
	yaml_node_item_t *it;
	bool found = false;

	if (find_named(c, spec, "initContainers", INSTALLER, &list, &pair, &found) < 0)
		return -1;
	if (!found) {
		if ((list = list_for_change(c, spec, "initContainers", list, pair,
					    containers_pair)) < 0 ||
		    (item = add_fields(c, fields)) < 0 ||
		    (seq = add_seq(c, YAML_FLOW_SEQUENCE_STYLE)) < 0)
			return -1;
		for (int i = 0; i < 3; i++)
			if (seq_append(c, seq, add_text(c, install[i])) < 0)
				return -1;
		if (map_append(c, item, add_text(c, "command"), seq) < 0 ||
		    (seq = add_seq(c, YAML_BLOCK_SEQUENCE_STYLE)) < 0 ||
		    seq_append(c, seq, add_fields(c, mount)) < 0 ||
		    map_append(c, item, add_text(c, "volumeMounts"), seq) < 0 ||
		    seq_append(c, list, item) < 0)
			return -1;
		/* baton-install goes first: the other init containers may already use baton */
		for (n = items(c, list, &it); n > 1; n--)
			it[n - 1] = it[n - 2];
		it[0] = item;
	}
	for (int v = 0; v < 2; v++) {
		if (find_named(c, spec, "volumes", volumes[v], &list, &pair, &found) < 0)
			return -1;
		if (!found && ((list = list_for_change(c, spec, "volumes", list, pair, -1)) < 0 ||
			       (item = add_fields(c, (const char *const[]){ "name", volumes[v],
									    NULL })) < 0 ||
			       map_append(c, item, add_text(c, "emptyDir"), add_map(c)) < 0 ||
			       seq_append(c, list, item) < 0))
			return -1;
	}
	return 0;
}

/* The containers that --after names, as indices, from the options the annotations gave. */
static void find_deps(struct member *m, int n, struct member *self)
{
	for (int i = 1; i < self->opts.n_args; i++) {
		const char *s = self->opts.args[i];

		if (strcmp(self->opts.args[i - 1], "--after") != 0)
			continue;
		for (size_t len; (len = strcspn(s, ",")); s += len + !!s[len]) {
			struct member *to = member_find(m, n, s, len);

			if (to && self->n_deps < GATE_MAX_NAMES &&
			    !memchr(self->deps, (int)(to - m), (size_t)self->n_deps))
				self->deps[self->n_deps++] = (unsigned char)(to - m);
		}
	}
}

/* Reads the annotations for every member, checks the ordering, and wraps each container. */
static int inject_members(struct ctx *c, int spec, int ann, struct member *m, int n)
{
	const char *names[INJECT_MAX_CONTAINERS];
	int path[INJECT_MAX_CONTAINERS], np, pair, r = 0;
	yaml_node_pair_t *p = pairs(c, ann, &np);
	struct pod_annotation *a = calloc((size_t)np + 1, sizeof(*a));

	if (!a)
		return track(c, 0);
	for (int i = 0; i < n; i++)
		names[i] = m[i].name;
	for (int i = 0; i < np; i++) {
		yaml_node_t *key = node(c, p[i].key);

		a[i] = (struct pod_annotation){ text(c, p[i].key), text(c, p[i].value),
						(int)key->start_mark.line + 1,
						(int)key->start_mark.column + 1 };
		if (a[i].key && !strncmp(a[i].key, PREFIX "after.", strlen(PREFIX "after."))) {
			struct member *to = member_find(m, n, a[i].key + strlen(PREFIX "after."),
							strlen(a[i].key + strlen(PREFIX "after.")));

			if (to)
				to->after_line = a[i].line, to->after_column = a[i].column;
		}
	}
	for (int i = 0; r == 0 && i < n; i++) {
		struct parse_error e;

		if (pod_annotations_container(a, np, m[i].name, names, n, &m[i].opts, &e) < 0)
			r = errno == ENOMEM ? track(c, 0)
					    : fail_at(c, e.line, e.column, "%s", e.msg);
		else
			find_deps(m, n, &m[i]);
	}
	for (int i = 0; r == 0 && i < n; i++)
		r = check_cycle(c, m, i, path, 0);
	for (int i = 0; r == 0 && i < n; i++)
		r = wrap(c, &m[i]);
	for (int i = 0; i < n; i++)
		pod_container_args_free(&m[i].opts);
	free(a);
	if (r == 0)
		map_get(c, spec, "containers", NULL, &pair);
	return r < 0 ? -1 : add_pod_parts(c, spec, pair);
}

/* Injects one pod spec (already this place's own); ann: the template's annotations or 0. */
static int inject_pod(struct ctx *c, int spec, int ann)
{
	struct member m[INJECT_MAX_CONTAINERS];
	yaml_node_item_t *it;
	int containers, pair, n, name;

	if (map_get(c, spec, "containers", &containers, &pair) < 0)
		return -1;
	if (!items(c, containers, &it))
		return fail(c, containers ? containers : spec, "%sspec.containers is %s", c->path,
			    containers ? "not a list, or empty" : "missing");
	if ((containers = own_value(c, spec, pair)) < 0)
		return -1;
	n = items(c, containers, &it);
	if (n > INJECT_MAX_CONTAINERS)
		return fail(c, containers, "more than %d containers", INJECT_MAX_CONTAINERS);
	memset(m, 0, sizeof(m[0]) * (size_t)n);
	for (int i = 0; i < n; i++) {
		if ((m[i].node = own(c, &node(c, containers)->data.sequence.items.start[i])) < 0)
			return -1;
		if (!is(c, m[i].node, YAML_MAPPING_NODE))
			return fail(c, m[i].node, "%sspec.containers[%d] is not a mapping", c->path,
				    i);
		if (map_get(c, m[i].node, "name", &name, NULL) < 0)
			return -1;
		m[i].name = text(c, name);
		if (!m[i].name || !gate_name_valid(m[i].name))
			return fail(c, name ? name : m[i].node,
				    "%sspec.containers[%d] has no valid name (1-63 of a-z, 0-9, "
				    "'-', starting and ending with a letter or digit)",
				    c->path, i);
		if (member_find(m, i, m[i].name, strlen(m[i].name)))
			return fail(c, name, "two containers are named '%s'", m[i].name);
		if (!strcmp(m[i].name, INSTALLER))
			return fail(c, name, "the container name '%s' is baton's own", INSTALLER);
	}
	return inject_members(c, spec, ann, m, n);
}

/* Follows path ("spec.template.") from map; with own, makes every step this place's own. */
static int walk(struct ctx *c, int map, const char *path, bool own, int *out)
{
	char key[32];
	int value, pair;

	for (const char *dot; (dot = strchr(path, '.')); path = dot + 1) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		if (map_get(c, map, key, &value, &pair) < 0)
			return -1;
		if (!is(c, value, YAML_MAPPING_NODE))
			return fail(c, value ? value : map, "%.*s is %s", (int)(dot - c->path),
				    c->path, value ? "not a mapping" : "missing");
		if (own && (value = own_value(c, map, pair)) < 0)
			return -1;
		map = value;
	}
	*out = map;
	return 0;
}

/* map.metadata.annotations (map is at path, for messages); 0 when there are none. */
static int annotations(struct ctx *c, int map, const char *path, int *ann)
{
	int meta;

	if (map_get(c, map, "metadata", &meta, NULL) < 0 ||
	    map_get(c, meta, "annotations", ann, NULL) < 0)
		return -1;
	if (*ann && !is(c, *ann, YAML_MAPPING_NODE))
		return fail(c, *ann, "%smetadata.annotations is not a mapping", path);
	return 0;
}

/* Injects the pod template of one Kubernetes object (in *slot) if its kind has one. */
static int inject_object(struct ctx *c, int *slot, int index, int item)
{
	const char *kind, *name, *group, *v;
	int obj = *slot, value, template, spec, ann = 0, pair, np;
	size_t w = 0;
	yaml_node_pair_t *p;

	if (map_get(c, obj, "kind", &value, NULL) < 0)
		return -1;
	for (kind = text(c, value); kind && w < sizeof(workloads) / sizeof(workloads[0]); w++)
		if (!strcmp(kind, workloads[w].kind))
			break;
	if (!kind || w == sizeof(workloads) / sizeof(workloads[0]))
		return 0;
	/* A custom resource may reuse a kind's name: only the core, apps and batch groups. */
	if (map_get(c, obj, "apiVersion", &value, NULL) < 0)
		return -1;
	group = text(c, value);
	if (group && strchr(group, '/') && strncmp(group, "apps/", 5) &&
	    strncmp(group, "batch/", 6) && strncmp(group, "extensions/", 11))
		return 0;

	if (map_get(c, obj, "metadata", &value, NULL) < 0 ||
	    map_get(c, value, "name", &value, NULL) < 0)
		return -1;
	name = text(c, value);
	w = (size_t)snprintf(c->what, sizeof(c->what), "%s%s%.63s (document %d", kind,
			     name ? "/" : "", name ? name : "", index);
	if (item >= 0)
		snprintf(c->what + w, sizeof(c->what) - w, ", items[%d])", item);
	else
		snprintf(c->what + w, sizeof(c->what) - w, ")");
	for (w = 0; strcmp(workloads[w].kind, kind); w++)
		;
	c->path = workloads[w].path;

	if (*c->path && annotations(c, obj, "", &ann) < 0)
		return -1;
	p = pairs(c, ann, &np);
	for (int i = 0; *c->path && i < np; i++)
		if ((v = text(c, p[i].key)) && !strncmp(v, PREFIX, strlen(PREFIX)))
			return fail(c, p[i].key,
				    "put the %s annotations on the pod template "
				    "(%smetadata.annotations)",
				    PREFIX, c->path);

	if (walk(c, obj, c->path, false, &template) < 0 ||
	    annotations(c, template, c->path, &ann) < 0 ||
	    map_get(c, ann, PREFIX "inject", &value, NULL) < 0)
		return -1;
	if (value && (!(v = text(c, value)) || (strcmp(v, "true") && strcmp(v, "false"))))
		return fail(c, value, "annotation %sinject: give \"true\" or \"false\"", PREFIX);
	if (value && !strcmp(v, "false"))
		return 0;
	if ((obj = own(c, slot)) < 0 || walk(c, obj, c->path, true, &template) < 0 ||
	    map_get(c, template, "spec", &spec, &pair) < 0)
		return -1;
	if (!is(c, spec, YAML_MAPPING_NODE))
		return fail(c, spec ? spec : template, "%sspec is %s", c->path,
			    spec ? "not a mapping" : "missing");
	if ((spec = own_value(c, template, pair)) < 0)
		return -1;
	return inject_pod(c, spec, ann);
}

int inject_document(yaml_document_t *doc, int index, const struct inject_settings *s,
		    struct parse_error *e)
{
	struct ctx c = { .doc = doc, .s = s, .e = e };
	yaml_node_item_t *it;
	int nodes = (int)(doc->nodes.top - doc->nodes.start), r = 0, list, pair, n;
	char *state;
	const char *kind;

	snprintf(c.what, sizeof(c.what), "document %d", index);
	c.path = "";
	e->line = e->column = 0;
	if (!nodes)
		return 0;
	c.json = doc->nodes.start->type == YAML_MAPPING_NODE &&
		 doc->nodes.start->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
	if (!(state = calloc((size_t)nodes + 1, 1)) || track(&c, nodes) < 0) {
		free(state);
		return track(&c, 0);
	}
	for (yaml_node_t *nd = doc->nodes.start; nd < doc->nodes.top; nd++) {
		for (yaml_node_item_t *i = nd->data.sequence.items.start;
		     nd->type == YAML_SEQUENCE_NODE && i < nd->data.sequence.items.top; i++)
			c.refs[*i]++;
		for (yaml_node_pair_t *p = nd->data.mapping.pairs.start;
		     nd->type == YAML_MAPPING_NODE && p < nd->data.mapping.pairs.top; p++) {
			c.refs[p->key]++;
			c.refs[p->value]++;
		}
	}
	r = check_shape(&c, 1, 0, state);
	free(state);
	if (r == 0)
		r = map_get(&c, 1, "kind", &n, NULL);
	kind = r == 0 ? text(&c, n) : NULL;
	if (kind && strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List")) {
		/* kubectl's `kind: List` (and FooList): each item is an object. */
		r = map_get(&c, 1, "items", &list, &pair);
		if (r == 0 && items(&c, list, &it) && (list = own_value(&c, 1, pair)) < 0)
			r = -1;
		n = r == 0 ? items(&c, list, &it) : 0;
		for (int i = 0; r == 0 && i < n; i++) {
			int *slot = &node(&c, list)->data.sequence.items.start[i];

			if (is(&c, *slot, YAML_MAPPING_NODE))
				r = inject_object(&c, slot, index, i);
		}
	} else if (r == 0) {
		int root = 1;

		r = inject_object(&c, &root, index, -1);
	}
	free(c.refs);
	return r;
}

/* What the pass over a document's events found, for keep_values(). */
struct scan {
	int *quote; /* ordinals (from 0) of the plain scalars that had an explicit tag */
	int n, size;
};

/*
 * One pass over the events of the next document, before it is loaded: enforces the limits
 * (libyaml's scanner is quadratic in the nesting depth and its loader in the anchors, so this
 * must happen first) and notes what the loader loses. 1 at the end of the stream.
 */
static int scan_document(yaml_parser_t *p, struct scan *sc, struct parse_error *e)
{
	int depth = 0, refs = 0, scalars = 0;
	yaml_event_type_t type;
	yaml_event_t ev;
	yaml_mark_t at;
	const char *why = NULL;

	sc->n = 0;
	do {
		if (!yaml_parser_parse(p, &ev))
			return -1;
		type = ev.type;
		at = ev.start_mark;
		depth += type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT;
		depth -= type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT;
		refs += type == YAML_ALIAS_EVENT ||
			(type == YAML_SCALAR_EVENT && ev.data.scalar.anchor) ||
			(type == YAML_SEQUENCE_START_EVENT && ev.data.sequence_start.anchor) ||
			(type == YAML_MAPPING_START_EVENT && ev.data.mapping_start.anchor);
		if (type == YAML_SCALAR_EVENT && ev.data.scalar.tag &&
		    ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			if (sc->n == sc->size) {
				int size = 2 * sc->size + 16,
				    *q = realloc(sc->quote, (size_t)size * sizeof(*q));

				if (!q) {
					yaml_event_delete(&ev);
					return -2;
				}
				sc->quote = q;
				sc->size = size;
			}
			sc->quote[sc->n++] = scalars;
		}
		scalars += type == YAML_SCALAR_EVENT;
		yaml_event_delete(&ev);
		if (depth > INJECT_MAX_DEPTH)
			why = "nested deeper than " STR(INJECT_MAX_DEPTH) " levels";
		else if (refs > INJECT_MAX_REFS)
			why = "more than " STR(
				INJECT_MAX_REFS) " anchors and aliases in one document";
		if (why) {
			e->line = (int)at.line + 1;
			e->column = (int)at.column + 1;
			snprintf(e->msg, sizeof(e->msg), "%s", why);
			errno = EINVAL;
			return -3;
		}
	} while (type != YAML_DOCUMENT_END_EVENT && type != YAML_STREAM_END_EVENT);
	return type == YAML_STREAM_END_EVENT;
}

/*
 * libyaml's document model loses distinctions that its emitter then gets wrong: `!!str 30`
 * loads like `30` (and would be written back as a number), and an empty plain scalar (a null)
 * is written as '' in a flow collection or as a key. Puts them back.
 */
static int keep_values(yaml_document_t *doc, const struct scan *sc)
{
	int count = (int)(doc->nodes.top - doc->nodes.start), scalars = 0, q = 0;

	/* A first document that is only a null would come out as a blank line: no document. */
	if (doc->nodes.start->type == YAML_SCALAR_NODE && !doc->nodes.start->data.scalar.length)
		doc->start_implicit = 0;

	for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top && q < sc->n; n++) {
		if (n->type != YAML_SCALAR_NODE)
			continue;
		if (scalars++ != sc->quote[q])
			continue;
		q++;
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    !strcmp((char *)n->tag, YAML_DEFAULT_SCALAR_TAG))
			n->data.scalar.style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	}
	for (int id = 1; id <= count; id++) {
		yaml_node_t *c = yaml_document_get_node(doc, id);
		bool flow = c->type == YAML_SEQUENCE_NODE
				    ? c->data.sequence.style == YAML_FLOW_SEQUENCE_STYLE
				    : c->data.mapping.style == YAML_FLOW_MAPPING_STYLE;
		bool map = c->type == YAML_MAPPING_NODE;
		int *items = c->data.sequence.items.start, n = 0;
		yaml_node_pair_t *pairs = c->data.mapping.pairs.start;

		if (c->type == YAML_SEQUENCE_NODE && flow)
			n = (int)(c->data.sequence.items.top - items);
		else if (c->type == YAML_MAPPING_NODE)
			n = (int)(c->data.mapping.pairs.top - pairs);
		for (int i = 0; i < n; i++) {
			int *slot[2] = { &items[i], NULL };

			/* c may have moved: adding a node grows the node array */
			if (map) {
				slot[0] = &pairs[i].key;
				slot[1] = flow ? &pairs[i].value : NULL;
			}
			for (int k = 0; k < 2 && slot[k]; k++) {
				yaml_node_t *s = yaml_document_get_node(doc, *slot[k]);

				if (s->type != YAML_SCALAR_NODE || s->data.scalar.length ||
				    s->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
				    strcmp((char *)s->tag, YAML_DEFAULT_SCALAR_TAG))
					continue;
				if (!(*slot[k] = yaml_document_add_scalar(doc, NULL,
									  (yaml_char_t *)"null", 4,
									  YAML_PLAIN_SCALAR_STYLE)))
					return -1;
			}
		}
	}
	return 0;
}

struct buffer {
	char *data;
	size_t len, size;
};

static int buffer_write(void *data, unsigned char *bytes, size_t n)
{
	struct buffer *b = data;

	if (b->len + n > b->size) {
		size_t size = 2 * (b->len + n) + 4096;
		char *p = realloc(b->data, size);

		if (!p)
			return 0;
		b->data = p;
		b->size = size;
	}
	memcpy(b->data + b->len, bytes, n);
	b->len += n;
	return 1;
}

static void parse_error(const yaml_parser_t *p, const char *in, size_t len, struct parse_error *e)
{
	const char *problem = p->problem ? p->problem : "cannot parse";
	size_t line = p->problem_mark.line, column = p->problem_mark.column;

	if (p->error == YAML_READER_ERROR) {
		/* Reader errors carry a byte offset, not a mark. */
		line = column = 0;
		for (size_t i = 0; i < p->problem_offset && i < len; i++, column++)
			if (in[i] == '\n') {
				line++;
				column = -1;
			}
	}
	e->line = (int)line + 1;
	e->column = (int)column + 1;
	if (p->context)
		snprintf(e->msg, sizeof(e->msg), "%s (%s at line %zu, column %zu)", problem,
			 p->context, p->context_mark.line + 1, p->context_mark.column + 1);
	else
		snprintf(e->msg, sizeof(e->msg), "%s", problem);
	errno = p->error == YAML_MEMORY_ERROR ? ENOMEM : EINVAL;
}

int inject_stream(const char *file, const char *in, size_t len, const struct inject_settings *s,
		  char **out, size_t *outlen, struct parse_error *e)
{
	yaml_parser_t parser, events;
	yaml_emitter_t emitter;
	struct buffer b = { 0 };
	struct scan sc = { 0 };
	int r = -1, end;

	*out = NULL;
	*outlen = 0;
	memset(e, 0, sizeof(*e));
	snprintf(e->file, sizeof(e->file), "%s", file);
	memset(&parser, 0, sizeof(parser));
	memset(&events, 0, sizeof(events));
	memset(&emitter, 0, sizeof(emitter));
	if (!yaml_parser_initialize(&parser) || !yaml_parser_initialize(&events) ||
	    !yaml_emitter_initialize(&emitter))
		goto nomem;
	if (!in) /* libyaml asserts on NULL, even for no input */
		in = "";
	yaml_parser_set_input_string(&parser, (const unsigned char *)in, len);
	yaml_parser_set_input_string(&events, (const unsigned char *)in, len);
	yaml_emitter_set_output(&emitter, buffer_write, &b);
	yaml_emitter_set_width(&emitter, -1); /* never fold long strings */
	yaml_emitter_set_unicode(&emitter, 1);
	if (!yaml_emitter_open(&emitter))
		goto emit_error;
	for (int index = 1;; index++) {
		yaml_document_t doc;

		if ((end = scan_document(&events, &sc, e)) == -1)
			parse_error(&events, in, len, e);
		if (end == -2)
			goto nomem;
		if (end < 0)
			goto out;
		if (end == 1)
			break;
		if (!yaml_parser_load(&parser, &doc)) {
			parse_error(&parser, in, len, e);
			goto out;
		}
		if (keep_values(&doc, &sc) < 0) {
			yaml_document_delete(&doc);
			goto nomem;
		}
		if (inject_document(&doc, index, s, e) < 0) {
			yaml_document_delete(&doc);
			goto out;
		}
		if (!yaml_emitter_dump(&emitter, &doc)) /* consumes doc, even when it fails */
			goto emit_error;
	}
	if (!yaml_emitter_close(&emitter) || !yaml_emitter_flush(&emitter))
		goto emit_error;
	if (!b.data && !(b.data = malloc(1))) /* *out is a buffer even for no output */
		goto nomem;
	*out = b.data;
	*outlen = b.len;
	b.data = NULL;
	r = 0;
	goto out;
nomem:
	snprintf(e->msg, sizeof(e->msg), "out of memory");
	errno = ENOMEM;
	goto out;
emit_error:
	e->line = e->column = 0;
	snprintf(e->msg, sizeof(e->msg), "cannot write the result: %s",
		 emitter.problem ? emitter.problem : "out of memory");
	errno = emitter.error == YAML_EMITTER_ERROR ? EINVAL : ENOMEM;
out:
	sanitize(e->msg);
	free(sc.quote);
	free(b.data);
	yaml_emitter_delete(&emitter);
	yaml_parser_delete(&events);
	yaml_parser_delete(&parser);
	return r;
}

int inject_settings_check(const struct inject_settings *s, char *err, size_t errlen)
{
	for (int i = 0; i < s->n_entrypoints; i++) {
		const char *ep = s->entrypoints[i], *eq = strchr(ep, '=');
		char name[GATE_NAME_MAX + 1], msg[256], **argv;
		int n;

		snprintf(name, sizeof(name), "%.*s", eq ? (int)(eq - ep) : 0, ep);
		if (!eq || (size_t)(eq - ep) > GATE_NAME_MAX || !gate_name_valid(name)) {
			snprintf(err, errlen,
				 "--entrypoint: '%s' is not CONTAINER=CMD with a valid "
				 "container name",
				 ep);
			return -1;
		}
		if (pod_argv_parse(eq + 1, &argv, &n, msg, sizeof(msg)) < 0) {
			snprintf(err, errlen, "--entrypoint: '%s': %s", ep, msg);
			return -1;
		}
		pod_argv_free(argv);
		for (int j = 0; j < i; j++)
			if (!strncmp(s->entrypoints[j], ep, (size_t)(eq - ep) + 1)) {
				snprintf(err, errlen, "--entrypoint: container '%s' given twice",
					 name);
				return -1;
			}
	}
	return 0;
}

static int read_all(int fd, char **data, size_t *len)
{
	struct buffer b = { 0 };
	char chunk[65536];
	ssize_t n;

	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || !buffer_write(&b, (unsigned char *)chunk, (size_t)n)) {
			if (n >= 0)
				errno = ENOMEM;
			free(b.data);
			return -1;
		}
	}
	*data = b.data;
	*len = b.len;
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

int inject_main(const struct options *o)
{
	struct inject_settings s = { o->inject_image, o->entrypoints, o->n_entrypoints };
	bool std_in = !o->inject_file || !strcmp(o->inject_file, "-");
	const char *file = std_in ? "<stdin>" : o->inject_file;
	char msg[800], *in = NULL, *out = NULL;
	size_t len = 0, outlen = 0;
	static struct parse_error e;
	int fd = std_in ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);

	if (inject_settings_check(&s, msg, sizeof(msg)) < 0) {
		log_error("inject: %s (see baton inject --help)", msg);
		if (!std_in && fd >= 0)
			close(fd);
		return BATON_EXIT_USAGE;
	}
	if (fd < 0 || read_all(fd, &in, &len) < 0) {
		log_error("inject: cannot read %s: %s", file, strerror(errno));
		if (!std_in && fd >= 0)
			close(fd);
		return BATON_EXIT_OSERR;
	}
	if (!std_in)
		close(fd);
	if (inject_stream(file, in, len, &s, &out, &outlen, &e) < 0) {
		int code = errno == EINVAL ? BATON_EXIT_DATAERR : BATON_EXIT_OSERR;

		config_error_format(&e, msg, sizeof(msg));
		log_error("%s", msg);
		free(in);
		return code;
	}
	free(in);
	if (write_all(STDOUT_FILENO, out, outlen) < 0) {
		log_error("inject: cannot write the output: %s", strerror(errno));
		free(out);
		return BATON_EXIT_OSERR;
	}
	free(out);
	return BATON_EXIT_OK;
}
