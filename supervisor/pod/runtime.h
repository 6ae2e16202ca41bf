/* SPDX-License-Identifier: MIT */
/*
 * `baton-runtime`, the OCI runtime wrapper: called exactly like runc, it rewrites the bundle's
 * config.json at `create` (and `run`) so that a container of a pod with baton.dev/ annotations
 * runs under baton, then execs the real runtime with the same argv. This module is host-side
 * only (it links jansson) and is never linked into the in-container baton. The pure parts
 * (argv, names, the config.json plan and rewrite, the configuration file) are apart from the
 * I/O (the per-pod directory, config.json on disk, the log, exec), and everything read from
 * config.json, which pod authors control, is validated before it touches a path or a mount.
 */
#ifndef BATON_RUNTIME_H
#define BATON_RUNTIME_H

#include "annotations.h"
#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RUNTIME_CONFIG_PATH	"/etc/baton/runtime.yaml" /* BATON_RUNTIME_CONFIG overrides */
#define RUNTIME_DEFAULT_REAL	"runc"			  /* the real runtime, from PATH */
#define RUNTIME_DEFAULT_DIR	"/run/baton-runtime"	  /* per-pod directories: DIR/SANDBOX-ID */
#define RUNTIME_BATON_BIN	"/run/baton-bin/baton"	  /* where the static baton is mounted */
#define RUNTIME_GATE_DIR	"/run/baton"	   /* where the per-pod directory is mounted */
#define RUNTIME_MAX_CONFIG	(16 * 1024 * 1024) /* config.json larger than this is refused */
#define RUNTIME_ID_MAX		128		   /* sandbox and container ids */
#define RUNTIME_NAME_MAX	63		   /* a DNS-1123 label */
#define RUNTIME_MAX_ARGS	4096		   /* process.args items */
#define RUNTIME_MAX_ANNOTATIONS 4096

/* What the wrapper needs from runc's command line (global flags, command, its flags, ID). */
struct runtime_argv {
	const char *command; /* NULL: none (runc prints its help) */
	const char *bundle;  /* create/run: --bundle/-b, NULL: the working directory */
	const char *id;	     /* the container id, NULL when missing */
	const char *log;     /* --log FILE, NULL: none */
	bool log_json;	     /* --log-format json */
};

/* Parses argv[1..argc) as runc does. Never fails: what it cannot tell stays NULL. */
void runtime_parse_argv(int argc, char *const *argv, struct runtime_argv *a);

/* The configuration file; every field NULL when not set (the defaults apply). */
struct runtime_config {
	char *runtime; /* the real runtime: a path, or a name looked up in PATH */
	char *baton;   /* the static baton to mount (default: next to baton-runtime) */
	char *dir;     /* where per-pod directories are made (default RUNTIME_DEFAULT_DIR) */
};

/* Parses YAML buf[0..len) (file names it in messages). 0, or -1 with *e filled. */
int runtime_config_parse(const char *buf, size_t len, const char *file, struct runtime_config *c,
			 struct parse_error *e);
void runtime_config_free(struct runtime_config *c);

/* An engine's id (sandbox or container): [A-Za-z0-9_-], 1..RUNTIME_ID_MAX characters. */
bool runtime_id_valid(const char *s);
/* A Kubernetes container name: a DNS-1123 label (a-z, 0-9, '-', 1..63, alphanumeric ends). */
bool runtime_name_valid(const char *s);

/* What runtime_plan() found out about one container from its config.json. */
struct runtime_plan {
	bool wrap;			     /* false: leave config.json alone, byte for byte */
	char sandbox_id[RUNTIME_ID_MAX + 1]; /* the pod: keys the per-pod directory */
	char name[RUNTIME_NAME_MAX + 1];     /* the container's name in the pod */
	struct pod_container_args args;	     /* baton's options, from the annotations */
};

/*
 * Decides what to do with the container whose parsed config.json is config. engine_name is
 * the name the engine gave the container when no annotation carries it (podman: conmon's -n,
 * "POD-CONTAINER"), or NULL. Returns 0 with *p filled (p->wrap false: pass it through; free
 * with runtime_plan_free either way), or -1 with one line in err: the container must not start.
 */
int runtime_plan(json_t *config, const char *engine_name, struct runtime_plan *p, char *err,
		 size_t errlen);
void runtime_plan_free(struct runtime_plan *p);

/*
 * Rewrites config in memory for plan p: process.args becomes RUNTIME_BATON_BIN, baton's
 * options, --dir RUNTIME_GATE_DIR, "--", then the entrypoint annotation or the original args;
 * mounts get the read-only baton (host path baton) and the per-pod directory (host path
 * pod_dir). Everything else keeps its value and place. 0, or -1 with one line in err.
 */
int runtime_rewrite(json_t *config, const struct runtime_plan *p, const char *baton,
		    const char *pod_dir, char *err, size_t errlen);

/*
 * The container's name in podman's `conmon -c ID ... -n NAME` command line (cmdline, len
 * bytes of NUL-separated words, as /proc/PID/cmdline): NAME, only when the -c value is id.
 * Copies it into out; 0, or -1 when cmdline is not that conmon.
 */
int runtime_conmon_name(const char *cmdline, size_t len, const char *id, char *out, size_t size);

/*
 * jansson holds integers as int64, but config.json may carry uint64 values above INT64_MAX
 * (an unlimited rlimit is 18446744073709551615). runtime_bigints_hide() turns every integer
 * outside strings that does not fit into the string "NONCE<digits>" (nonce: hex, unguessable
 * by pod authors), so that the document parses; runtime_bigints_show() turns such strings in
 * jansson's output back into the number. Both return a malloc'd NUL-terminated copy (*outlen
 * its length), or NULL (ENOMEM).
 */
char *runtime_bigints_hide(const char *in, size_t len, const char *nonce, size_t *outlen);
char *runtime_bigints_show(const char *in, const char *nonce);

/* ---- I/O, for runtime_main.c ---- */

/* Errors also go to FILE (runc's --log), as JSON lines when json (runc's --log-format json). */
void runtime_log_to(const char *file, bool json);
/* One line on stderr ("baton-runtime: ...") and in the --log file, in the engine's format. */
void runtime_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Reads BATON_RUNTIME_CONFIG, else RUNTIME_CONFIG_PATH (absent: defaults). 0, or -1 logged. */
int runtime_config_load(struct runtime_config *c);

/*
 * At `create`: reads BUNDLE/config.json and, when the container is baton's, makes the pod's
 * directory and rewrites config.json in place (atomically). 0 (also when nothing was to be
 * done), or -1 logged: the container must not be created.
 */
int runtime_prepare(const struct runtime_argv *a, const struct runtime_config *c);

/* At `delete ID`: removes DIR/ID when ID is a sandbox's with a per-pod directory. */
void runtime_pod_dir_remove(const struct runtime_config *c, const char *id);

/* Execs the real runtime with argv[1..]; returns only on failure (logged). */
void runtime_exec(const struct runtime_config *c, char **argv);

#endif
