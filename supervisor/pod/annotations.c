// SPDX-License-Identifier: MIT
/*
 * annotations: the baton.dev/ annotations of a pod turned into one container's baton options.
 * It owns the table of annotation names and how each value becomes options; whether a value is
 * valid is decided by cli_parse() on the options it built, never by a copy of its rules. It
 * allocates only what it returns, and must never print, exit or read files.
 */
#include "annotations.h"

#include "cli.h"
#include "gate.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define BLANKS	" \t\r"
#define STR_(x) #x
#define STR(x)	STR_(x)

enum value_kind {
	VALUE_NAMES, /* names separated by commas or blanks: one --after A,B */
	VALUE_NAME,  /* one name */
	VALUE_LINES, /* one option per non-blank line */
	VALUE_WORD,  /* one value */
	VALUE_BOOL,  /* true: the flag alone; false: nothing */
	VALUE_ARGV,  /* the entrypoint, not an option */
};

/* The annotations, in the order their options are written. */
static const struct {
	const char *name;
	enum value_kind kind;
	bool pod_wide; /* also baton.dev/NAME, for every container */
} known[] = {
	{ "after", VALUE_NAMES, false },     { "ready-on", VALUE_LINES, true },
	{ "exit-with", VALUE_NAME, false },  { "timeout", VALUE_WORD, true },
	{ "grace", VALUE_WORD, true },	     { "jitter", VALUE_WORD, true },
	{ "watchdog", VALUE_WORD, true },    { "group", VALUE_BOOL, true },
	{ "remap-exit", VALUE_LINES, true }, { "map-signal", VALUE_LINES, true },
	{ "log-level", VALUE_WORD, true },   { "entrypoint", VALUE_ARGV, false },
};
#define N_KNOWN ((int)(sizeof(known) / sizeof(known[0])))

struct strv {
	char **v;
	int n, size;
};

static int strv_add(struct strv *s, const char *str, size_t len)
{
	if (s->n + 2 > s->size) {
		int size = 2 * s->size + 8;
		char **v = realloc(s->v, (size_t)size * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->size = size;
	}
	if (!(s->v[s->n] = strndup(str, len)))
		return -1;
	s->v[++s->n] = NULL;
	return 0;
}

static int strv_text(struct strv *s, const char *str)
{
	return strv_add(s, str, strlen(str));
}

void pod_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

void pod_container_args_free(struct pod_container_args *out)
{
	pod_argv_free(out->args);
	pod_argv_free(out->entrypoint);
	memset(out, 0, sizeof(*out));
}

static int fail(struct parse_error *e, const struct pod_annotation *a, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parse_error *e, const struct pod_annotation *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	for (char *s = e->msg; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	e->line = a ? a->line : 0;
	e->column = a ? a->column : 0;
	errno = EINVAL;
	return -1;
}

static int nomem(struct parse_error *e)
{
	snprintf(e->msg, sizeof(e->msg), "out of memory");
	e->line = e->column = 0;
	errno = ENOMEM;
	return -1;
}

/* Drops the blanks around s[0..len); the new length. */
static size_t trim(const char **s, size_t len)
{
	while (len && strchr(BLANKS, **s))
		(*s)++, len--;
	while (len && strchr(BLANKS, (*s)[len - 1]))
		len--;
	return len;
}

static bool in_pod(const char *const *containers, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(containers[i]) == len && !memcmp(containers[i], name, len))
			return true;
	return false;
}

int pod_argv_parse(const char *s, char ***argv, int *n, char *err, size_t errlen)
{
	struct strv v = { 0 };
	const char *why = NULL;
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, lists = 0;

	*argv = NULL;
	*n = 0;
	s += strspn(s, BLANKS "\n");
	if (*s != '[') {
		for (size_t len; (len = strcspn(s += strspn(s, BLANKS "\n"), BLANKS "\n"));
		     s += len)
			if (v.n == POD_ARGV_MAX || strv_add(&v, s, len) < 0)
				goto nomem;
		if (!v.n)
			return errno = EINVAL, log_format_error(err, errlen, "no command");
		*argv = v.v;
		*n = v.n;
		return 0;
	}
	if (!yaml_parser_initialize(&p))
		goto nomem;
	yaml_parser_set_input_string(&p, (const unsigned char *)s, strlen(s));
	for (bool done = false; !done && !why;) {
		if (!yaml_parser_parse(&p, &ev)) {
			why = p.problem ? p.problem : "not a flow list";
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_SEQUENCE_START_EVENT:
			if (depth++ || lists++ ||
			    ev.data.sequence_start.style != YAML_FLOW_SEQUENCE_STYLE)
				why = "an item is not a string";
			break;
		case YAML_SEQUENCE_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT: {
			const char *t = (const char *)ev.data.scalar.value;
			size_t len = ev.data.scalar.length;

			if (depth != 1)
				why = "more than one list";
			else if (ev.data.scalar.plain_implicit &&
				 ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
				 (!len || !strcmp(t, "~") || !strcasecmp(t, "null")))
				why = "an item is null";
			else if (strlen(t) != len)
				why = "an item holds a NUL byte";
			else if (v.n == POD_ARGV_MAX)
				why = "more than " STR(POD_ARGV_MAX) " items";
			else if (strv_add(&v, t, len) < 0) {
				yaml_event_delete(&ev);
				yaml_parser_delete(&p);
				goto nomem;
			}
			break;
		}
		default:
			why = "an item is not a string";
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!why && !v.n)
		why = "the list is empty";
	if (!why && !*v.v[0])
		why = "the program is an empty string";
	yaml_parser_delete(&p);
	if (why) {
		pod_argv_free(v.v);
		errno = EINVAL;
		return log_format_error(err, errlen, "'%s' is not a list of strings: %s", s, why);
	}
	*argv = v.v;
	*n = v.n;
	return 0;
nomem:
	pod_argv_free(v.v);
	errno = ENOMEM;
	return log_format_error(err, errlen, "out of memory");
}

/* Checks opts (one annotation's options) with the command line parser. -1 with err. */
static int check_options(const char *container, char **opts, int n, char *err, size_t errlen)
{
	char **argv = malloc((size_t)(n + 6) * sizeof(*argv));
	struct options *o = malloc(sizeof(*o));
	int argc = 0, r = -1;

	if (argv && o) {
		argv[argc++] = (char *)"baton";
		argv[argc++] = (char *)"--name";
		argv[argc++] = (char *)container;
		for (int i = 0; i < n; i++)
			argv[argc++] = opts[i];
		argv[argc++] = (char *)"--";
		argv[argc++] = (char *)"true";
		argv[argc] = NULL;
		r = cli_parse(o, argc, argv, NULL, NULL, err, errlen);
		if (r == 0 && o->command != CLI_RUN)
			r = log_format_error(err, errlen, "not an option value");
	} else {
		errno = ENOMEM;
		log_format_error(err, errlen, "out of memory");
	}
	free(argv);
	free(o);
	return r;
}

/* Appends the options that annotation a (of kind k) asks for to args. */
static int add_options(struct pod_container_args *out, struct strv *args, int k,
		       const struct pod_annotation *a, const char *container,
		       const char *const *containers, int n_containers, struct parse_error *e)
{
	char flag[32], list[GATE_MAX_NAMES * (GATE_NAME_MAX + 1) + 1] = "", err[256];
	const char *s = a->value, *msg;
	int from = args->n;
	size_t len;
	bool on;

	snprintf(flag, sizeof(flag), "--%s", known[k].name);
	switch (known[k].kind) {
	case VALUE_NAMES:
	case VALUE_NAME:
		for (int count = 0; (len = strcspn(s += strspn(s, ", \t\r\n"), ", \t\r\n"));
		     s += len) {
			if (known[k].kind == VALUE_NAME && count++)
				return fail(e, a, "annotation %s: give one container name", a->key);
			if (containers && !in_pod(containers, n_containers, s, len))
				return fail(e, a, "annotation %s: the pod has no container '%.*s'",
					    a->key, (int)len, s);
			if (strlen(list) + len + 2 > sizeof(list))
				return fail(e, a, "annotation %s: more than %d containers", a->key,
					    GATE_MAX_NAMES);
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%.*s",
				 *list ? "," : "", (int)len, s);
		}
		if (!*list)
			return fail(e, a, "annotation %s: names no container", a->key);
		if (strv_text(args, flag) < 0 || strv_text(args, list) < 0)
			return nomem(e);
		break;
	case VALUE_LINES:
		for (; (len = strcspn(s, "\n")) || *s; s += len + !!s[len]) {
			const char *t = s;
			size_t tlen = trim(&t, len);

			if (tlen && (strv_text(args, flag) < 0 || strv_add(args, t, tlen) < 0))
				return nomem(e);
		}
		if (args->n == from)
			return fail(e, a, "annotation %s: no %s", a->key,
				    strcmp(known[k].name, "ready-on") ? "value" : "condition");
		break;
	case VALUE_WORD:
		len = trim(&s, strlen(s));
		if (!len)
			return fail(e, a, "annotation %s: no value", a->key);
		if (strv_text(args, flag) < 0 || strv_add(args, s, len) < 0)
			return nomem(e);
		break;
	case VALUE_BOOL: {
		char word[8];

		len = trim(&s, strlen(s));
		snprintf(word, sizeof(word), "%.*s", (int)len, s);
		if (len >= sizeof(word) || cli_parse_bool(word, &on) < 0 || !len)
			return fail(e, a, "annotation %s: give \"true\" or \"false\"", a->key);
		if (on && strv_text(args, flag) < 0)
			return nomem(e);
		break;
	}
	case VALUE_ARGV:
		if (pod_argv_parse(a->value, &out->entrypoint, &out->n_entrypoint, err,
				   sizeof(err)) < 0)
			return errno == ENOMEM ? nomem(e)
					       : fail(e, a, "annotation %s: %s", a->key, err);
		return 0;
	}
	if (check_options(container, args->v + from, args->n - from, err, sizeof(err)) < 0) {
		if (errno == ENOMEM)
			return nomem(e);
		/* "--after: 'x' is ..." names the option; the annotation's key says it better */
		msg = !strncmp(err, flag, strlen(flag)) && !strncmp(err + strlen(flag), ": ", 2)
			      ? err + strlen(flag) + 2
			      : err;
		return fail(e, a, "annotation %s: %s", a->key, msg);
	}
	return 0;
}

/* Which known annotation key (after the prefix) is; its container part in *name (or NULL). */
static int lookup(const char *key, const char **name)
{
	const char *dot = strchr(key, '.');
	size_t len = dot ? (size_t)(dot - key) : strlen(key);

	*name = dot ? dot + 1 : NULL;
	for (int k = 0; k < N_KNOWN; k++)
		if (strlen(known[k].name) == len && !strncmp(key, known[k].name, len))
			return k;
	return -1;
}

int pod_annotations_container(const struct pod_annotation *a, int n, const char *container,
			      const char *const *containers, int n_containers,
			      struct pod_container_args *out, struct parse_error *e)
{
	const size_t plen = strlen(POD_ANNOTATION_PREFIX);
	int pick[N_KNOWN], pod[N_KNOWN];
	struct strv args = { 0 };
	bool any = false, off = false;
	char names_text[160] = "";

	memset(out, 0, sizeof(*out));
	e->line = e->column = 0;
	if (!gate_name_valid(container) ||
	    (containers && !in_pod(containers, n_containers, container, strlen(container))))
		return fail(e, NULL, "container '%s' is not a valid name of the pod's", container);
	for (int k = 0; k < N_KNOWN; k++) {
		pick[k] = pod[k] = -1;
		snprintf(names_text + strlen(names_text), sizeof(names_text) - strlen(names_text),
			 "%s%s", k ? ", " : "", known[k].name);
	}
	for (int i = 0; i < n; i++) {
		const char *key = a[i].key, *name;
		int k;

		if (!key || strncmp(key, POD_ANNOTATION_PREFIX, plen) != 0)
			continue;
		any = true;
		for (int j = 0; j < i; j++)
			if (a[j].key && !strcmp(a[j].key, key))
				return fail(e, &a[i], "annotation %s is given twice", key);
		if (!a[i].value)
			return fail(e, &a[i], "annotation %s: the value must be a string", key);
		if (!strcmp(key + plen, "inject")) {
			if (strcmp(a[i].value, "true") && strcmp(a[i].value, "false"))
				return fail(e, &a[i], "annotation %s: give \"true\" or \"false\"",
					    key);
			off = !strcmp(a[i].value, "false");
			continue;
		}
		if ((k = lookup(key + plen, &name)) < 0)
			return fail(
				e, &a[i],
				"unknown annotation %s (baton knows inject, and OPTION.CONTAINER "
				"or OPTION for %s)",
				key, names_text);
		if (!name && !known[k].pod_wide)
			return fail(e, &a[i],
				    "annotation %s: give it per container, as %s.CONTAINER", key,
				    key);
		if (name && !gate_name_valid(name))
			return fail(e, &a[i], "annotation %s: '%s' is not a valid container name",
				    key, name);
		if (name && containers && !in_pod(containers, n_containers, name, strlen(name)))
			return fail(e, &a[i], "annotation %s: the pod has no container '%s'", key,
				    name);
		if (!name)
			pod[k] = i;
		else if (!strcmp(name, container))
			pick[k] = i;
	}
	out->wrapped = any && !off;
	if (strv_text(&args, "--name") < 0 || strv_text(&args, container) < 0)
		goto nomem;
	for (int k = 0; k < N_KNOWN; k++) {
		int i = pick[k] >= 0 ? pick[k] : pod[k];

		if (i >= 0 &&
		    add_options(out, &args, k, &a[i], container, containers, n_containers, e) < 0) {
			pod_argv_free(args.v);
			pod_container_args_free(out);
			return -1;
		}
	}
	out->args = args.v;
	out->n_args = args.n;
	return 0;
nomem:
	pod_argv_free(args.v);
	pod_container_args_free(out);
	return nomem(e);
}
