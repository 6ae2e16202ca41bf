// SPDX-License-Identifier: MIT
/*
 * yamlpaths FILE: parses one YAML document with libyaml and prints every leaf as one line,
 * "PATH<TAB>VALUE", in document order: mapping keys join with '.', sequence items get [N]
 * (spec.containers[0].name	consumer); an empty mapping prints {} and an empty sequence [].
 * The e2e tests check the example manifests and compose file with grep on this output, so that
 * no test needs a YAML library beyond the libyaml baton is built with. It refuses what would
 * make that output ambiguous or the file invalid for Kubernetes and compose: more than one
 * document, a non-scalar or duplicate mapping key, a key holding '.', '[' or a tab, a value
 * holding a newline or a tab (block scalars such as a shell script are printed as <text>).
 * Errors are one line, FILE:LINE:COLUMN: MESSAGE. Exit 0 printed, 1 invalid, 64 usage, 66 cannot
 * open FILE.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define PATH_MAX_LEN 1024

static const char *file;

static int fail(const yaml_node_t *node, const char *msg, const char *what)
{
	fprintf(stderr, "%s:%zu:%zu: %s%s%s\n", file, node->start_mark.line + 1,
		node->start_mark.column + 1, msg, what ? ": " : "", what ? what : "");
	return -1;
}

static int print_node(yaml_document_t *doc, yaml_node_t *node, char *path, size_t len, int depth);

static int print_mapping(yaml_document_t *doc, yaml_node_t *node, char *path, size_t len,
			 int depth)
{
	yaml_node_pair_t *first = node->data.mapping.pairs.start;
	yaml_node_pair_t *top = node->data.mapping.pairs.top;

	if (first == top) {
		printf("%s\t{}\n", len ? path : ".");
		return 0;
	}
	for (yaml_node_pair_t *p = first; p < top; p++) {
		yaml_node_t *key = yaml_document_get_node(doc, p->key);
		const char *k;
		int n;

		if (!key || key->type != YAML_SCALAR_NODE)
			return fail(node, "a mapping key is not a scalar", NULL);
		k = (const char *)key->data.scalar.value;
		if (k[0] == '\0' || strpbrk(k, ".[\t\n"))
			return fail(key, "key unusable in a path", k);
		for (yaml_node_pair_t *q = first; q < p; q++) {
			yaml_node_t *other = yaml_document_get_node(doc, q->key);

			if (other && other->type == YAML_SCALAR_NODE &&
			    strcmp((const char *)other->data.scalar.value, k) == 0)
				return fail(key, "duplicate key", k);
		}
		n = snprintf(path + len, PATH_MAX_LEN - len, "%s%s", len ? "." : "", k);
		if (n < 0 || (size_t)n >= PATH_MAX_LEN - len)
			return fail(key, "path too long", NULL);
		if (print_node(doc, yaml_document_get_node(doc, p->value), path, len + (size_t)n,
			       depth + 1) < 0)
			return -1;
		path[len] = '\0';
	}
	return 0;
}

static int print_sequence(yaml_document_t *doc, yaml_node_t *node, char *path, size_t len,
			  int depth)
{
	yaml_node_item_t *first = node->data.sequence.items.start;
	yaml_node_item_t *top = node->data.sequence.items.top;

	if (first == top) {
		printf("%s\t[]\n", len ? path : ".");
		return 0;
	}
	for (yaml_node_item_t *i = first; i < top; i++) {
		int n = snprintf(path + len, PATH_MAX_LEN - len, "[%td]", i - first);

		if (n < 0 || (size_t)n >= PATH_MAX_LEN - len)
			return fail(node, "path too long", NULL);
		if (print_node(doc, yaml_document_get_node(doc, *i), path, len + (size_t)n,
			       depth + 1) < 0)
			return -1;
		path[len] = '\0';
	}
	return 0;
}

static int print_node(yaml_document_t *doc, yaml_node_t *node, char *path, size_t len, int depth)
{
	const char *v;

	if (!node)
		return fail(yaml_document_get_root_node(doc), "dangling node", NULL);
	if (depth > 64)
		return fail(node, "nested too deeply", NULL);
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return print_mapping(doc, node, path, len, depth);
	case YAML_SEQUENCE_NODE:
		return print_sequence(doc, node, path, len, depth);
	case YAML_SCALAR_NODE:
		v = (const char *)node->data.scalar.value;
		if (node->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
		    node->data.scalar.style == YAML_FOLDED_SCALAR_STYLE)
			v = "<text>";
		else if (strpbrk(v, "\t\n"))
			return fail(node, "value holds a tab or a newline", NULL);
		printf("%s\t%s\n", len ? path : ".", v);
		return 0;
	default:
		return fail(node, "empty node", NULL);
	}
}

int main(int argc, char **argv)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	char path[PATH_MAX_LEN] = "";
	FILE *in;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: yamlpaths FILE\n");
		return 64;
	}
	file = argv[1];
	in = fopen(file, "rb");
	if (!in) {
		fprintf(stderr, "%s: %s\n", file, strerror(errno));
		return 66;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, in);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", file, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : "error");
		rc = 1;
		goto out_parser;
	}
	if (!yaml_document_get_root_node(&doc)) {
		fprintf(stderr, "%s: no document\n", file);
		rc = 1;
		goto out_doc;
	}
	if (!yaml_parser_load(&parser, &extra)) {
		fprintf(stderr, "%s:%zu:%zu: %s\n", file, parser.problem_mark.line + 1,
			parser.problem_mark.column + 1, parser.problem ? parser.problem : "error");
		rc = 1;
		goto out_doc;
	}
	if (yaml_document_get_root_node(&extra)) {
		fprintf(stderr, "%s: more than one document\n", file);
		rc = 1;
	}
	yaml_document_delete(&extra);
	if (rc == 0 && print_node(&doc, yaml_document_get_root_node(&doc), path, 0, 0) < 0)
		rc = 1;
out_doc:
	yaml_document_delete(&doc);
out_parser:
	yaml_parser_delete(&parser);
	fclose(in);
	if (fflush(stdout) != 0)
		rc = 1;
	return rc;
}
