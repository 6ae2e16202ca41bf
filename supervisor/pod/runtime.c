// SPDX-License-Identifier: MIT
/*
 * The OCI runtime wrapper. Owns the decision whether a container runs under baton, the
 * rewrite of its config.json, the per-pod host directory, and the wrapper's error log. Pure
 * parts first (argv, names, configuration file, plan, rewrite), then the I/O. It must never
 * touch config.json of a container that is not baton's (not one byte), never let a value from
 * config.json reach a path unchecked, never follow a symlink on the host, and never let a
 * container of an opted-in pod start unordered: any doubt fails its create with one line.
 */
#include "runtime.h"

#include "gate.h"
#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#define ANN_CRIO_SANDBOX  "io.kubernetes.cri-o.SandboxID"
#define ANN_CRI_SANDBOX	  "io.kubernetes.cri.sandbox-id"
#define ANN_CRIO_TYPE	  "io.kubernetes.cri-o.ContainerType"
#define ANN_CRI_TYPE	  "io.kubernetes.cri.container-type"
#define ANN_CRI_NAME	  "io.kubernetes.cri.container-name"
#define ANN_KUBELET_NAME  "io.kubernetes.container.name"
#define POD_DIR_MAX_DEPTH 16

/* ---- runc's command line ------------------------------------------------------------------ */

/* A flag's name without its dashes and "=value" (*value: that value, or NULL); its length. */
static size_t flag_name(const char *arg, const char **name, const char **value)
{
	size_t len;

	*name = arg + (arg[1] == '-' ? 2 : 1);
	len = strcspn(*name, "=");
	*value = (*name)[len] == '=' ? *name + len + 1 : NULL;
	return len;
}

static bool flag_in(const char *name, size_t len, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == len && strncmp(name, *list, len) == 0)
			return true;
	return false;
}

static bool is_flag(const char *arg)
{
	return arg[0] == '-' && arg[1] != '\0';
}

/*
 * urfave/cli, which runc uses, takes -flag and --flag, "--flag value" and "--flag=value", and
 * stops at the first word that is not a flag. Flags that take a value are listed; any other
 * flag is taken as a switch.
 */
void runtime_parse_argv(int argc, char *const *argv, struct runtime_argv *a)
{
	static const char *const global_values[] = { "log",	 "log-format",	   "root", "criu",
						     "rootless", "cgroup-manager", NULL };
	static const char *const create_values[] = { "bundle",	       "b",
						     "console-socket", "pid-file",
						     "preserve-fds",   NULL };
	static const char *const bundle[] = { "bundle", "b", NULL };
	const char *name, *v;
	size_t len;
	bool create;
	int i = 1;

	memset(a, 0, sizeof(*a));
	for (; i < argc && is_flag(argv[i]); i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		len = flag_name(argv[i], &name, &v);
		if (!flag_in(name, len, global_values))
			continue;
		if (!v)
			v = i + 1 < argc ? argv[++i] : NULL;
		if (len == 3 && strncmp(name, "log", 3) == 0)
			a->log = v;
		else if (len == 10 && strncmp(name, "log-format", 10) == 0)
			a->log_json = v && strcmp(v, "json") == 0;
	}
	if (i >= argc)
		return;
	a->command = argv[i++];
	create = strcmp(a->command, "create") == 0 || strcmp(a->command, "run") == 0;
	for (; i < argc && is_flag(argv[i]); i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		len = flag_name(argv[i], &name, &v);
		if (!create || !flag_in(name, len, create_values))
			continue;
		if (!v)
			v = i + 1 < argc ? argv[++i] : NULL;
		if (flag_in(name, len, bundle))
			a->bundle = v;
	}
	if (i < argc)
		a->id = argv[i];
}

/* ---- names -------------------------------------------------------------------------------- */

bool runtime_id_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > RUNTIME_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
	}
	return true;
}

bool runtime_name_valid(const char *s)
{
	return strlen(s) <= RUNTIME_NAME_MAX && gate_name_valid(s);
}

int runtime_conmon_name(const char *cmdline, size_t len, const char *id, char *out, size_t size)
{
	const char *end = cmdline + len, *name = NULL, *cid = NULL;
	const char *w = cmdline, *base;

	if (len == 0 || cmdline[len - 1] != '\0')
		return -1;
	base = strrchr(w, '/');
	if (strcmp(base ? base + 1 : w, "conmon") != 0)
		return -1;
	for (w += strlen(w) + 1; w < end; w += strlen(w) + 1) {
		const char *next = w + strlen(w) + 1;

		if (next >= end)
			break;
		if (strcmp(w, "-n") == 0 || strcmp(w, "--name") == 0)
			name = next;
		else if (strcmp(w, "-c") == 0 || strcmp(w, "--cid") == 0)
			cid = next;
		else
			continue;
		w = next;
	}
	if (!name || !cid || !id || strcmp(cid, id) != 0 || strlen(name) >= size)
		return -1;
	memcpy(out, name, strlen(name) + 1);
	return 0;
}

/* ---- the configuration file --------------------------------------------------------------- */

static int conf_error(struct parse_error *e, const yaml_mark_t *m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int conf_error(struct parse_error *e, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list ap;

	e->line = m ? (int)m->line + 1 : 0;
	e->column = m ? (int)m->column + 1 : 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	errno = EINVAL;
	return -1;
}

int runtime_config_parse(const char *buf, size_t len, const char *file, struct runtime_config *c,
			 struct parse_error *e)
{
	static const char *const keys[] = { "runtime", "baton", "dir" };
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	memset(e, 0, sizeof(*e));
	snprintf(e->file, sizeof(e->file), "%s", file);
	if (!yaml_parser_initialize(&parser))
		return conf_error(e, NULL, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		rc = conf_error(e, &parser.problem_mark, "%s",
				parser.problem ? parser.problem : "invalid YAML");
		yaml_parser_delete(&parser);
		return rc;
	}
	yaml_parser_delete(&parser);
	root = yaml_document_get_root_node(&doc);
	if (root && root->type != YAML_MAPPING_NODE)
		rc = conf_error(e, &root->start_mark, "expected a mapping of runtime, baton, dir");
	for (yaml_node_pair_t *p = root && rc == 0 ? root->data.mapping.pairs.start : NULL;
	     p && p < root->data.mapping.pairs.top && rc == 0; p++) {
		yaml_node_t *k = yaml_document_get_node(&doc, p->key);
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		char **field[] = { &c->runtime, &c->baton, &c->dir };
		int i = 0;

		if (k->type != YAML_SCALAR_NODE) {
			rc = conf_error(e, &k->start_mark, "expected a key");
			break;
		}
		while (i < 3 && strcmp((const char *)k->data.scalar.value, keys[i]) != 0)
			i++;
		if (i == 3)
			rc = conf_error(e, &k->start_mark,
					"unknown key '%.64s' (expected runtime, baton or dir)",
					(const char *)k->data.scalar.value);
		else if (*field[i])
			rc = conf_error(e, &k->start_mark, "%s: given twice", keys[i]);
		else if (v->type != YAML_SCALAR_NODE || v->data.scalar.length == 0 ||
			 strlen((const char *)v->data.scalar.value) != v->data.scalar.length)
			rc = conf_error(e, &v->start_mark, "%s: expected a path", keys[i]);
		else if (i > 0 && v->data.scalar.value[0] != '/')
			rc = conf_error(e, &v->start_mark,
					"%s: expected an absolute path, not '%.64s'", keys[i],
					(const char *)v->data.scalar.value);
		else if (!(*field[i] = strdup((const char *)v->data.scalar.value)))
			rc = conf_error(e, &v->start_mark, "out of memory");
	}
	yaml_document_delete(&doc);
	if (rc < 0)
		runtime_config_free(c);
	return rc;
}

void runtime_config_free(struct runtime_config *c)
{
	free(c->runtime);
	free(c->baton);
	free(c->dir);
	memset(c, 0, sizeof(*c));
}

/* ---- the plan: what config.json asks for ---------------------------------------------------- */

static const char *annotation(json_t *ann, const char *key)
{
	return json_string_value(json_object_get(ann, key));
}

/* A name a baton.dev/ annotation mentions: its key's CONTAINER part, after and exit-with values. */
static bool mentions(json_t *ann, const char *name)
{
	const char *key;
	json_t *v;
	size_t plen = strlen(POD_ANNOTATION_PREFIX), nlen = strlen(name);

	json_object_foreach(ann, key, v)
	{
		const char *dot, *s;

		if (strncmp(key, POD_ANNOTATION_PREFIX, plen) != 0)
			continue;
		dot = strchr(key + plen, '.');
		if (dot && strcmp(dot + 1, name) == 0)
			return true;
		if (strncmp(key + plen, "after", 5) != 0 &&
		    strncmp(key + plen, "exit-with", 9) != 0)
			continue;
		for (s = json_string_value(v); s && *s;) {
			size_t n = strcspn(s, ", \t\n");

			if (n == nlen && strncmp(s, name, n) == 0)
				return true;
			s += n;
			s += strspn(s, ", \t\n");
		}
	}
	return false;
}

/* HOSTNAME from process.env (podman sets it to the pod's hostname, by default its name). */
static const char *env_hostname(json_t *config)
{
	json_t *env = json_object_get(json_object_get(config, "process"), "env"), *v;
	size_t i;

	json_array_foreach(env, i, v)
	{
		const char *s = json_string_value(v);

		if (s && strncmp(s, "HOSTNAME=", 9) == 0)
			return s + 9;
	}
	return NULL;
}

/*
 * The container's name: containerd's and CRI-O's annotations say it; podman 4.3 does not, so
 * it comes from podman's own name for the container, "POD-CONTAINER", without the pod's name
 * (HOSTNAME) or, when the hostname is not the pod's name, as the one name the pod's baton.dev/
 * annotations mention that ends it.
 */
static int resolve_name(json_t *config, json_t *ann, const char *engine_name, char *out, char *err,
			size_t errlen)
{
	static const char *const keys[] = { ANN_CRI_NAME, ANN_KUBELET_NAME };
	const char *host, *found = NULL;
	char cand[RUNTIME_NAME_MAX + 1];
	size_t elen;

	for (int i = 0; i < 2; i++) {
		const char *s = annotation(ann, keys[i]);

		if (!s)
			continue;
		if (!runtime_name_valid(s))
			return log_format_error(err, errlen,
						"annotation %s: '%.64s' is not a container name",
						keys[i], s);
		memcpy(out, s, strlen(s) + 1);
		return 0;
	}
	if (!engine_name)
		return log_format_error(
			err, errlen,
			"cannot tell the container's name: no %s or %s annotation, and the engine "
			"is not podman's conmon",
			ANN_CRI_NAME, ANN_KUBELET_NAME);
	elen = strlen(engine_name);
	host = env_hostname(config);
	if (host && strlen(host) < elen && strncmp(engine_name, host, strlen(host)) == 0 &&
	    engine_name[strlen(host)] == '-' &&
	    runtime_name_valid(engine_name + strlen(host) + 1)) {
		memcpy(out, engine_name + strlen(host) + 1, elen - strlen(host));
		return 0;
	}
	/* Every suffix after a '-' that names a container the annotations mention. */
	for (const char *s = strchr(engine_name, '-'); s; s = strchr(s + 1, '-')) {
		if (strlen(s + 1) > RUNTIME_NAME_MAX || !runtime_name_valid(s + 1))
			continue;
		snprintf(cand, sizeof(cand), "%s", s + 1);
		if (!mentions(ann, cand))
			continue;
		if (found)
			return log_format_error(err, errlen,
						"cannot tell the container's name: podman's name "
						"'%.128s' ends with both '%s' and '%s'",
						engine_name, found, cand);
		found = s + 1;
	}
	if (!found)
		return log_format_error(
			err, errlen,
			"cannot tell the container's name from podman's name '%.128s' "
			"(pod hostname '%.64s')",
			engine_name, host ? host : "");
	memcpy(out, found, strlen(found) + 1);
	return 0;
}

static bool has_prefix_key(json_t *ann)
{
	const char *key;
	json_t *v;

	json_object_foreach(ann, key,
			    v) if (strncmp(key, POD_ANNOTATION_PREFIX,
					   strlen(POD_ANNOTATION_PREFIX)) == 0) return true;
	return false;
}

/*
 * The parser checks the values of the annotations that apply to the container it is asked
 * about. An invalid annotation for another container of the pod must stop this one too, or
 * half the pod would start, unordered: every container named by a key is checked as well.
 */
static int check_siblings(const struct pod_annotation *a, size_t n, const char *self,
			  struct parse_error *pe)
{
	const size_t plen = strlen(POD_ANNOTATION_PREFIX);
	struct pod_container_args other;

	for (size_t i = 0; i < n; i++) {
		const char *dot;

		if (strncmp(a[i].key, POD_ANNOTATION_PREFIX, plen) != 0 ||
		    !(dot = strchr(a[i].key + plen, '.')) || strcmp(dot + 1, self) == 0 ||
		    !runtime_name_valid(dot + 1))
			continue;
		if (pod_annotations_container(a, (int)n, dot + 1, NULL, 0, &other, pe) < 0)
			return -1;
		pod_container_args_free(&other);
	}
	return 0;
}

int runtime_plan(json_t *config, const char *engine_name, struct runtime_plan *p, char *err,
		 size_t errlen)
{
	json_t *ann = json_object_get(config, "annotations"), *args, *v;
	const char *type, *sandbox, *key, *first;
	struct pod_annotation *a;
	struct parse_error pe;
	size_t n = 0;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!json_is_object(ann) || !has_prefix_key(ann))
		return 0;
	/* The pod's sandbox (pause) container runs no program of the pod's. */
	type = annotation(ann, ANN_CRIO_TYPE);
	if (!type)
		type = annotation(ann, ANN_CRI_TYPE);
	if (type && strcmp(type, "sandbox") == 0)
		return 0;
	/* Already under baton (a manifest prepared by `baton inject`): leave it as it is. */
	args = json_object_get(json_object_get(config, "process"), "args");
	first = json_string_value(json_array_get(args, 0));
	if (first && strcmp(first, RUNTIME_BATON_BIN) == 0)
		return 0;
	if (json_object_size(ann) > RUNTIME_MAX_ANNOTATIONS)
		return log_format_error(err, errlen, "more than %d annotations",
					RUNTIME_MAX_ANNOTATIONS);
	if (resolve_name(config, ann, engine_name, p->name, err, errlen) < 0)
		return -1;
	a = calloc(json_object_size(ann), sizeof(*a));
	if (!a)
		return log_format_error(err, errlen, "out of memory");
	json_object_foreach(ann, key, v)
	{
		a[n].key = key;
		a[n].value = json_string_value(v);
		n++;
	}
	memset(&pe, 0, sizeof(pe));
	rc = pod_annotations_container(a, (int)n, p->name, NULL, 0, &p->args, &pe);
	if (rc == 0 && check_siblings(a, n, p->name, &pe) < 0) {
		pod_container_args_free(&p->args);
		rc = -1;
	}
	free(a);
	if (rc < 0)
		return log_format_error(err, errlen, "container %s: %s", p->name, pe.msg);
	if (!p->args.wrapped) {
		runtime_plan_free(p);
		return 0;
	}
	sandbox = annotation(ann, ANN_CRIO_SANDBOX);
	if (!sandbox)
		sandbox = annotation(ann, ANN_CRI_SANDBOX);
	if (!sandbox) {
		runtime_plan_free(p);
		return log_format_error(
			err, errlen,
			"container %s: the pod has baton.dev/ annotations but no %s or "
			"%s annotation says which pod it is",
			p->name, ANN_CRIO_SANDBOX, ANN_CRI_SANDBOX);
	}
	if (!runtime_id_valid(sandbox)) {
		runtime_plan_free(p);
		return log_format_error(err, errlen, "container %s: invalid sandbox id '%.80s'",
					p->name, sandbox);
	}
	memcpy(p->sandbox_id, sandbox, strlen(sandbox) + 1);
	p->wrap = true;
	return 0;
}

void runtime_plan_free(struct runtime_plan *p)
{
	pod_container_args_free(&p->args);
	memset(&p->args, 0, sizeof(p->args));
	p->wrap = false;
}

/* ---- the rewrite -------------------------------------------------------------------------- */

static int append_string(json_t *array, const char *s)
{
	return json_array_append_new(array, json_string(s));
}

static json_t *bind_mount(const char *dest, const char *source, const char *const *options)
{
	json_t *m = json_object(), *opts = json_array();

	if (!m || !opts)
		goto fail;
	for (; *options; options++)
		if (append_string(opts, *options) < 0)
			goto fail;
	if (json_object_set_new(m, "destination", json_string(dest)) < 0 ||
	    json_object_set_new(m, "type", json_string("bind")) < 0 ||
	    json_object_set_new(m, "source", json_string(source)) < 0 ||
	    json_object_set_new(m, "options", opts) < 0)
		goto fail_m;
	return m;
fail:
	json_decref(opts);
fail_m:
	json_decref(m);
	return NULL;
}

int runtime_rewrite(json_t *config, const struct runtime_plan *p, const char *baton,
		    const char *pod_dir, char *err, size_t errlen)
{
	static const char *const bin_opts[] = { "bind", "ro", "nosuid", "nodev", NULL };
	static const char *const dir_opts[] = { "rbind", "rw", "nosuid", "nodev", "noexec", NULL };
	json_t *process = json_object_get(config, "process");
	json_t *old = json_object_get(process, "args"), *mounts = json_object_get(config, "mounts");
	json_t *args, *v;
	size_t i;
	int rc = 0;

	if (!json_is_object(process))
		return log_format_error(err, errlen, "config.json has no process");
	if (!p->args.entrypoint && (!json_is_array(old) || json_array_size(old) == 0))
		return log_format_error(err, errlen,
					"container %s: config.json has no process.args to run "
					"under baton",
					p->name);
	if (json_array_size(old) > RUNTIME_MAX_ARGS)
		return log_format_error(err, errlen, "container %s: more than %d process.args",
					p->name, RUNTIME_MAX_ARGS);
	json_array_foreach(old, i, v) if (!json_is_string(v)) return log_format_error(
		err, errlen, "container %s: process.args[%zu] is not a string", p->name, i);
	if (mounts && !json_is_array(mounts))
		return log_format_error(err, errlen, "config.json: mounts is not a list");
	args = json_array();
	if (!args)
		return log_format_error(err, errlen, "out of memory");
	/* baton --name C --dir /run/baton OPTIONS -- PROGRAM: --name and C come first in args. */
	rc |= append_string(args, RUNTIME_BATON_BIN);
	for (int k = 0; k < p->args.n_args && k < 2; k++)
		rc |= append_string(args, p->args.args[k]);
	rc |= append_string(args, "--dir");
	rc |= append_string(args, RUNTIME_GATE_DIR);
	for (int k = 2; k < p->args.n_args; k++)
		rc |= append_string(args, p->args.args[k]);
	rc |= append_string(args, "--");
	if (p->args.entrypoint)
		for (int k = 0; k < p->args.n_entrypoint; k++)
			rc |= append_string(args, p->args.entrypoint[k]);
	else
		json_array_foreach(old, i, v) rc |= json_array_append(args, v);
	if (rc != 0 || json_object_set_new(process, "args", args) < 0)
		return log_format_error(err, errlen, "out of memory");
	if (!mounts) {
		mounts = json_array();
		if (!mounts || json_object_set_new(config, "mounts", mounts) < 0)
			return log_format_error(err, errlen, "out of memory");
	}
	if (json_array_append_new(mounts, bind_mount(RUNTIME_BATON_BIN, baton, bin_opts)) < 0 ||
	    json_array_append_new(mounts, bind_mount(RUNTIME_GATE_DIR, pod_dir, dir_opts)) < 0)
		return log_format_error(err, errlen, "out of memory");
	return 0;
}

/* ---- integers beyond int64 ------------------------------------------------------------------ */

/* Does the integer text t[0..n) (optional '-', digits) fit into int64? */
static bool fits_int64(const char *t, size_t n)
{
	const char *max = t[0] == '-' ? "9223372036854775808" : "9223372036854775807";
	size_t digits = n - (t[0] == '-');

	t += t[0] == '-';
	while (digits > 1 && *t == '0') {
		t++;
		digits--;
	}
	return digits < 19 || (digits == 19 && strncmp(t, max, 19) <= 0);
}

char *runtime_bigints_hide(const char *in, size_t len, const char *nonce, size_t *outlen)
{
	size_t nlen = strlen(nonce), cap = len + 1, o = 0;
	char *out = malloc(cap);
	bool str = false;

	for (size_t i = 0; out && i < len;) {
		size_t n = 0, neg, digits;

		if (str || (in[i] != '-' && (in[i] < '0' || in[i] > '9'))) {
			if (str && in[i] == '\\' && i + 1 < len) {
				out[o++] = in[i++];
			} else if (in[i] == '"') {
				str = !str;
			}
			out[o++] = in[i++];
			continue;
		}
		while (i + n < len && in[i + n] && strchr("-+.eE0123456789", in[i + n]))
			n++;
		neg = in[i] == '-';
		digits = 0;
		while (neg + digits < n && in[i + neg + digits] >= '0' &&
		       in[i + neg + digits] <= '9')
			digits++;
		if (!digits || neg + digits != n || fits_int64(in + i, n)) {
			memcpy(out + o, in + i, n);
			o += n;
			i += n;
			continue;
		}
		/* "NONCE" plus the digits: 3 bytes and the nonce more than the number. */
		cap += nlen + 3;
		char *grown = realloc(out, cap);

		if (!grown) {
			free(out);
			return NULL;
		}
		out = grown;
		o += (size_t)sprintf(out + o, "\"%s%.*s\"", nonce, (int)n, in + i);
		i += n;
	}
	if (!out)
		return NULL;
	out[o] = '\0';
	*outlen = o;
	return out;
}

char *runtime_bigints_show(const char *in, const char *nonce)
{
	size_t nlen = strlen(nonce), o = 0;
	char *out = malloc(strlen(in) + 1);
	const char *p = in, *q;

	if (!out)
		return NULL;
	while ((q = strchr(p, '"'))) {
		size_t digits;

		memcpy(out + o, p, (size_t)(q - p));
		o += (size_t)(q - p);
		digits = strncmp(q + 1, nonce, nlen) == 0
				 ? strspn(q + 1 + nlen + (q[1 + nlen] == '-'), "0123456789") +
					   (q[1 + nlen] == '-')
				 : 0;
		if (digits && q[1 + nlen + digits] == '"') {
			memcpy(out + o, q + 1 + nlen, digits);
			o += digits;
			p = q + 2 + nlen + digits;
			continue;
		}
		/* Any other string: copied whole, escapes included, so no quote inside it counts.
		 */
		out[o++] = *q++;
		while (*q && *q != '"') {
			if (*q == '\\' && q[1])
				out[o++] = *q++;
			out[o++] = *q++;
		}
		if (*q)
			out[o++] = *q++;
		p = q;
	}
	strcpy(out + o, p);
	return out;
}

/* ---- the log ------------------------------------------------------------------------------ */

static const char *log_file;
static bool log_json;

void runtime_log_to(const char *file, bool json)
{
	log_file = file;
	log_json = json;
}

/* The engine reads the runtime's --log file: runc writes logrus lines there, text or JSON. */
static void log_file_line(const char *msg)
{
	char stamp[32], *line = NULL;
	time_t now = time(NULL);
	struct tm tm;
	int fd;

	if (!log_file || !gmtime_r(&now, &tm) ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return;
	if (log_json) {
		json_t *o = json_pack("{s:s, s:s+, s:s}", "level", "error", "msg",
				      "baton-runtime: ", msg, "time", stamp);

		line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		json_decref(o);
	} else {
		json_t *s =
			json_pack("s+", "baton-runtime: ", msg); /* logrus quotes msg as Go does */
		char *q = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;

		if (q && asprintf(&line, "time=\"%s\" level=error msg=%s", stamp, q) < 0)
			line = NULL;
		free(q);
		json_decref(s);
	}
	fd = open(log_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (line && fd >= 0 && dprintf(fd, "%s\n", line) < 0)
		(void)0; /* nowhere left to report it */
	if (fd >= 0)
		close(fd);
	free(line);
}

void runtime_error(const char *fmt, ...)
{
	char msg[1024];
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = '?';
	if (dprintf(STDERR_FILENO, "baton-runtime: %s\n", msg) < 0)
		(void)0;
	log_file_line(msg);
	errno = saved;
}

/* ---- files -------------------------------------------------------------------------------- */

/* Reads a whole regular file opened as fd (at most max bytes). NUL-terminated, malloc'd. */
static char *read_fd(int fd, size_t max, size_t *len)
{
	struct stat st;
	char *buf;
	size_t n = 0;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		errno = S_ISREG(st.st_mode) ? EFBIG : EINVAL;
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			return NULL;
		}
		n += (size_t)r;
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

int runtime_config_load(struct runtime_config *c)
{
	const char *path = getenv("BATON_RUNTIME_CONFIG");
	bool explicit = path && *path;
	struct parse_error e;
	char msg[768];
	size_t len;
	char *buf;
	int fd, rc;

	memset(c, 0, sizeof(*c));
	if (!explicit)
		path = RUNTIME_CONFIG_PATH;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && !explicit)
		return 0;
	buf = fd >= 0 ? read_fd(fd, 64 * 1024, &len) : NULL;
	if (fd >= 0)
		close(fd);
	if (!buf) {
		runtime_error("%s: %s", path, strerror(errno));
		return -1;
	}
	rc = runtime_config_parse(buf, len, path, c, &e);
	free(buf);
	if (rc < 0) {
		config_error_format(&e, msg, sizeof(msg));
		runtime_error("%s", msg);
	}
	return rc;
}

static const char *pod_base(const struct runtime_config *c)
{
	return c->dir ? c->dir : RUNTIME_DEFAULT_DIR;
}

/*
 * DIR/SANDBOX-ID, mode 1777 like baton's own --dir, so that every container user can use it.
 * DIR is made 0711 when missing and must belong to us and be writable by nobody else; no
 * symlink is followed below it.
 */
static int pod_dir_make(const struct runtime_config *c, const char *id, char *path, size_t size)
{
	const char *base = pod_base(c);
	struct stat st;
	int bfd = -1, dfd = -1, rc = -1;

	if ((size_t)snprintf(path, size, "%s/%s", base, id) >= size) {
		runtime_error("%s/%s: path too long", base, id);
		return -1;
	}
	if (mkdir(base, 0711) < 0 && errno != EEXIST) {
		runtime_error("cannot make %s: %s", base, strerror(errno));
		return -1;
	}
	bfd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bfd < 0 || fstat(bfd, &st) < 0) {
		runtime_error("cannot open %s: %s", base, strerror(errno));
		goto out;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022)) {
		runtime_error("%s: must belong to uid %u and be writable by nobody else", base,
			      (unsigned)geteuid());
		goto out;
	}
	if (mkdirat(bfd, id, 0700) < 0 && errno != EEXIST) {
		runtime_error("cannot make %s: %s", path, strerror(errno));
		goto out;
	}
	dfd = openat(bfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &st) < 0) {
		runtime_error("cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	if (st.st_uid != geteuid()) {
		runtime_error("%s: does not belong to uid %u", path, (unsigned)geteuid());
		goto out;
	}
	if ((st.st_mode & 07777) != 01777 && fchmod(dfd, 01777) < 0) {
		runtime_error("cannot chmod %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (dfd >= 0)
		close(dfd);
	if (bfd >= 0)
		close(bfd);
	return rc;
}

/* Empties directory dfd (closed here), never following a symlink; false when some is left. */
static bool empty_dir(int dfd, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	bool ok = true;

	if (!d) {
		close(dfd);
		return false;
	}
	while ((de = readdir(d))) {
		int sub;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR || depth >= POD_DIR_MAX_DEPTH) {
			ok = false;
			continue;
		}
		sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub < 0 || !empty_dir(sub, depth + 1) ||
		    unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0)
			ok = false;
	}
	closedir(d);
	return ok;
}

void runtime_pod_dir_remove(const struct runtime_config *c, const char *id)
{
	const char *base = pod_base(c);
	int bfd, dfd;

	if (!id || !runtime_id_valid(id))
		return;
	bfd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bfd < 0)
		return;
	dfd = openat(bfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0 && (!empty_dir(dfd, 0) || unlinkat(bfd, id, AT_REMOVEDIR) < 0))
		runtime_error("cannot remove %s/%s completely: %s", base, id, strerror(errno));
	close(bfd);
}

/* The static baton: configured, else `baton` in the directory of this executable. */
static int baton_path(const struct runtime_config *c, char *path, size_t size)
{
	struct stat st;
	ssize_t n;
	char *slash;

	if (c->baton) {
		snprintf(path, size, "%s", c->baton);
	} else {
		n = readlink("/proc/self/exe", path, size - 1);
		if (n < 0 || (size_t)n >= size - 7) {
			runtime_error("cannot find baton-runtime's own path: %s", strerror(errno));
			return -1;
		}
		path[n] = '\0';
		slash = strrchr(path, '/');
		strcpy(slash ? slash + 1 : path, "baton");
	}
	if (stat(path, &st) < 0) {
		runtime_error("the baton to mount, %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || !(st.st_mode & S_IXOTH)) {
		runtime_error("the baton to mount, %s: not a file everyone may execute", path);
		return -1;
	}
	return 0;
}

/* Writes config in place of dfd/config.json, with its mode, by rename. */
static int config_write(int bfd, json_t *config, const struct stat *st, const char *nonce)
{
	static const char tmp[] = ".config.json.baton-runtime";
	char *dumped = json_dumps(config, JSON_COMPACT | JSON_PRESERVE_ORDER);
	char *text = dumped ? runtime_bigints_show(dumped, nonce) : NULL;
	size_t len = text ? strlen(text) : 0, off = 0;
	int fd;

	free(dumped);
	if (!text) {
		runtime_error("cannot encode config.json");
		return -1;
	}
	if (unlinkat(bfd, tmp, 0) < 0 && errno != ENOENT)
		goto fail;
	fd = openat(bfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    st->st_mode & 0777);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			close(fd);
			unlinkat(bfd, tmp, 0);
			goto fail;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0 || renameat(bfd, tmp, bfd, "config.json") < 0) {
		unlinkat(bfd, tmp, 0);
		goto fail;
	}
	free(text);
	return 0;
fail:
	runtime_error("cannot write config.json: %s", strerror(errno));
	free(text);
	return -1;
}

/* podman's name for the container, from our parent `conmon -c ID -n NAME`; NULL otherwise. */
static const char *engine_name(const char *id, char *out, size_t size)
{
	char path[64], buf[16384];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)getppid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0 || runtime_conmon_name(buf, (size_t)n, id, out, size) < 0)
		return NULL;
	return out;
}

/* 16 random hex digits and a marker no engine writes. */
static int make_nonce(char out[24])
{
	unsigned char r[8];

	if (getrandom(r, sizeof(r), 0) != sizeof(r))
		return -1;
	snprintf(out, 24, "%02x%02x%02x%02x%02x%02x%02x%02x~int:", r[0], r[1], r[2], r[3], r[4],
		 r[5], r[6], r[7]);
	return 0;
}

int runtime_prepare(const struct runtime_argv *a, const struct runtime_config *c)
{
	const char *bundle = a->bundle ? a->bundle : ".";
	char err[1024], name[256], baton[PATH_MAX], pod_dir[PATH_MAX];
	struct runtime_plan plan;
	json_error_t je;
	json_t *config = NULL;
	struct stat st;
	size_t len;
	char *buf = NULL, *hidden = NULL, nonce[24];
	int bfd, fd, rc = -1;

	bfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (bfd < 0)
		return 0; /* the real runtime says what is wrong with the bundle */
	fd = openat(bfd, "config.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0)
		buf = read_fd(fd, RUNTIME_MAX_CONFIG, &len);
	if (fd >= 0)
		close(fd);
	/* Not ours, or nothing the real runtime would accept either: leave it to it. */
	if (!buf || !memmem(buf, len, POD_ANNOTATION_PREFIX, strlen(POD_ANNOTATION_PREFIX))) {
		rc = 0;
		goto out;
	}
	if (make_nonce(nonce) < 0 || !(hidden = runtime_bigints_hide(buf, len, nonce, &len))) {
		runtime_error("out of memory or randomness: %s", strerror(errno));
		goto out;
	}
	config = json_loadb(hidden, len, JSON_REJECT_DUPLICATES, &je);
	if (!config) {
		runtime_error("%s/config.json:%d:%d: %s", bundle, je.line, je.column, je.text);
		goto out;
	}
	if (runtime_plan(config, engine_name(a->id, name, sizeof(name)), &plan, err, sizeof(err)) <
	    0) {
		runtime_error("%s", err);
		goto out;
	}
	if (!plan.wrap) {
		rc = 0;
		goto out;
	}
	if (baton_path(c, baton, sizeof(baton)) == 0 &&
	    pod_dir_make(c, plan.sandbox_id, pod_dir, sizeof(pod_dir)) == 0) {
		if (runtime_rewrite(config, &plan, baton, pod_dir, err, sizeof(err)) < 0)
			runtime_error("%s", err);
		else
			rc = config_write(bfd, config, &st, nonce);
	}
	runtime_plan_free(&plan);
out:
	json_decref(config);
	free(hidden);
	free(buf);
	close(bfd);
	return rc;
}

/* The real runtime's path: configured, else runc from PATH; never this program itself. */
void runtime_exec(const struct runtime_config *c, char **argv)
{
	const char *real = c->runtime ? c->runtime : RUNTIME_DEFAULT_REAL;
	char path[PATH_MAX];
	struct stat self, st;

	if (!strchr(real, '/')) {
		const char *dirs = getenv("PATH");
		bool found = false;

		for (const char *d = dirs ? dirs : "/usr/local/bin:/usr/bin:/bin"; *d && !found;) {
			size_t n = strcspn(d, ":");

			if ((size_t)snprintf(path, sizeof(path), "%.*s/%s", (int)n, n ? d : ".",
					     real) < sizeof(path) &&
			    access(path, X_OK) == 0)
				found = true;
			d += n + (d[n] == ':');
		}
		if (!found) {
			runtime_error("the real runtime '%s' is not in PATH", real);
			return;
		}
		real = path;
	}
	if (stat("/proc/self/exe", &self) == 0 && stat(real, &st) == 0 &&
	    self.st_dev == st.st_dev && self.st_ino == st.st_ino) {
		runtime_error("the real runtime %s is baton-runtime itself (set runtime: in %s)",
			      real, RUNTIME_CONFIG_PATH);
		return;
	}
	argv[0] = (char *)real;
	execv(real, argv);
	runtime_error("cannot run %s: %s", real, strerror(errno));
}
