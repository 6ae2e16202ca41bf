/* SPDX-License-Identifier: MIT */
/*
 * The baton.dev/ annotations of a pod, turned into one container's baton options: the single
 * parser behind both `baton inject` (annotations from a manifest) and the OCI runtime wrapper
 * (annotations from config.json). It takes plain key/value strings, knows nothing of YAML
 * documents or JSON, does no I/O, and checks every value with the command line's own code
 * (cli_parse), so that an annotation accepts exactly what the option accepts.
 *
 * Keys: baton.dev/OPTION.CONTAINER for one container, baton.dev/OPTION for every container of
 * the pod (the per-container key wins), baton.dev/inject ("true" or "false"). OPTION is one of
 * after, exit-with, entrypoint (per container only), ready-on, timeout, grace, jitter, watchdog,
 * group, remap-exit, map-signal, log-level. Values: after is names separated by commas or
 * blanks; ready-on, remap-exit and map-signal take one value a line (each becomes one option);
 * group is true or false; entrypoint is an argv (see pod_argv_parse); the rest one value, as on
 * the command line. Any other baton.dev/ key is an error.
 */
#ifndef BATON_ANNOTATIONS_H
#define BATON_ANNOTATIONS_H

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#define POD_ANNOTATION_PREFIX "baton.dev/"
/* Items of one entrypoint argv. */
#define POD_ARGV_MAX 4096

struct pod_annotation {
	const char *key;
	const char *value; /* NULL: the value is not a string (an error if the key is baton's) */
	int line, column;  /* where the key is, for messages; line 0: unknown */
};

struct pod_container_args {
	/* the pod opts in: it has a baton.dev/ annotation, and not baton.dev/inject: "false" */
	bool wrapped;
	/*
	 * baton's options for this container, malloc'd, NULL-terminated: "--name", CONTAINER,
	 * then e.g. "--after", "a,b", "--ready-on", "msgq:/x", "--timeout", "30". Never --dir,
	 * "--" or the program. Always filled (with at least --name) when the call succeeds.
	 */
	char **args;
	int n_args;
	/* baton.dev/entrypoint.CONTAINER as an argv (malloc'd, NULL-terminated), or NULL */
	char **entrypoint;
	int n_entrypoint;
};

/*
 * Reads the annotations a[0..n) (others than baton.dev/ are ignored) for the container named
 * container. containers[0..n_containers) are the pod's containers; with containers NULL (the
 * runtime does not know the others) names are only checked for syntax, otherwise every
 * baton.dev/ key must name one of them and after/exit-with may name only them. Returns 0 with
 * *out filled (free it with pod_container_args_free), or -1 with errno EINVAL (ENOMEM) and e's
 * line, column (the offending annotation's) and msg (one line: the annotation key and the
 * problem) filled; e->file is left alone, *out is empty.
 */
int pod_annotations_container(const struct pod_annotation *a, int n, const char *container,
			      const char *const *containers, int n_containers,
			      struct pod_container_args *out, struct parse_error *e);
void pod_container_args_free(struct pod_container_args *out);

/*
 * An argv written as a YAML or JSON flow list of strings (`["nginx", "-g", "daemon off;"]`),
 * or, when s does not start with '[', words separated by blanks. Returns 0 with a malloc'd
 * NULL-terminated *argv of *n (>= 1) items, or -1 with one line in err (errno EINVAL, ENOMEM).
 */
int pod_argv_parse(const char *s, char ***argv, int *n, char *err, size_t errlen);
void pod_argv_free(char **argv);

#endif
