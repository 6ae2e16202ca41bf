/* SPDX-License-Identifier: MIT */
/*
 * The configuration file (--config FILE, BATON_CONFIG): YAML that can say everything the
 * command line can, plus PROGRAM and hooks. config_parse() is pure; the values it collects are
 * validated by cli_parse(), which applies them under the environment and the command line.
 */
#ifndef BATON_CONFIG_H
#define BATON_CONFIG_H

#include "cli.h"

#include <stddef.h>

#define CONFIG_MAX_BYTES (1024 * 1024)
/* A configuration needs three levels and a few anchors; libyaml is quadratic in both. */
#define CONFIG_MAX_DEPTH 32
#define CONFIG_MAX_REFS	 1000

struct parse_error {
	char file[256];
	int line;   /* 1-based; 0 when unknown */
	int column; /* 1-based */
	char msg[256];
};

/* "FILE:LINE:COLUMN: message" */
void config_error_format(const struct parse_error *e, char *buf, size_t size);

/*
 * Parses one YAML document from buf into *c (which then owns copies of every value). file is
 * only used in messages. Returns 0, or -1 with *e filled and nothing allocated.
 */
int config_parse(const char *buf, size_t len, const char *file, struct config *c,
		 struct parse_error *e);
/* Reads and parses path. -1 with *e filled (line 0 for an unreadable file). */
int config_load(const char *path, struct config *c, struct parse_error *e);
void config_free(struct config *c);

#endif
