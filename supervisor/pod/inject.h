/* SPDX-License-Identifier: MIT */
/*
 * `baton inject`: Kubernetes manifests rewritten so that every pod template runs its containers
 * under baton. inject_document() changes one parsed document in memory and inject_stream() a
 * whole YAML stream between buffers (both pure: no I/O); inject_main() reads the input, writes
 * stdout, and writes nothing unless the whole stream could be injected.
 */
#ifndef BATON_INJECT_H
#define BATON_INJECT_H

#include "cli.h"
#include "config.h"

#include <stddef.h>
#include <yaml.h>

/* The init container's image when --image is not given; it must have `baton` on its PATH. */
#define INJECT_DEFAULT_IMAGE "localhost/baton:latest"
#define INJECT_GATE_DIR	     "/run/baton"     /* emptyDir baton-gate: the shared --dir */
#define INJECT_BIN_DIR	     "/run/baton-bin" /* emptyDir baton-bin: the installed binary */
#define INJECT_BIN	     INJECT_BIN_DIR "/baton"
/*
 * Limits per document: libyaml's scanner is quadratic in the nesting depth, its loader in the
 * number of anchors and aliases, and its emitter recurses once per level.
 */
#define INJECT_MAX_DEPTH 256
#define INJECT_MAX_REFS	 10000
/* Containers in one pod template (the ordering check keeps per-container state). */
#define INJECT_MAX_CONTAINERS 256

struct inject_settings {
	const char *image;		/* NULL: INJECT_DEFAULT_IMAGE */
	const char *const *entrypoints; /* "CONTAINER=CMD", CMD split on blanks */
	int n_entrypoints;
};

/* Checks --entrypoint values (CONTAINER a valid name, once; CMD not blank). -1 with err. */
int inject_settings_check(const struct inject_settings *s, char *err, size_t errlen);

/*
 * Prepares every pod template in doc (the index-th document of its stream, from 1, for
 * messages) for baton; other documents are left alone. Everything it does not need to change
 * keeps its value and key order, and a document it already prepared stays as it is. Returns 0,
 * or -1 with *e's line, column and msg filled (errno EINVAL: the input is wrong; ENOMEM); doc
 * may be half-changed then.
 */
int inject_document(yaml_document_t *doc, int index, const struct inject_settings *s,
		    struct parse_error *e);

/*
 * Parses the YAML stream in[0..len) (named file in messages), injects each document and emits
 * the result into *out (malloc'd even when empty, *outlen bytes, not NUL-terminated; in may be
 * NULL when len is 0). Returns 0, or -1 with *e filled (config_error_format() prints it) and
 * nothing in *out (errno EINVAL: malformed, too deep, or not injectable; ENOMEM).
 */
int inject_stream(const char *file, const char *in, size_t len, const struct inject_settings *s,
		  char **out, size_t *outlen, struct parse_error *e);

/* The whole subcommand: reads o->inject_file (or stdin), writes stdout. Returns the exit code. */
int inject_main(const struct options *o);

#endif
