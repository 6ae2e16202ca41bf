/* SPDX-License-Identifier: MIT */
/*
 * The command line and the BATON_* environment, turned into struct options. Pure: no I/O, no
 * exit; an invalid input gives -1 and one line of text that names the option and the value.
 */
#ifndef BATON_CLI_H
#define BATON_CLI_H

#include "gate.h"
#include "probe.h"

#include <stdbool.h>
#include <stddef.h>

#define CLI_MAX_MAPS	    32
#define CLI_MAX_HOOKS	    16
#define CLI_MAX_ENTRYPOINTS 256	       /* one per container of a pod (INJECT_MAX_CONTAINERS) */
#define CLI_MAX_SECONDS	    31536000.0 /* a year */

enum cli_command {
	CLI_RUN,
	CLI_WAIT,
	CLI_STATUS,
	CLI_NOTIFY,
	CLI_INSTALL,
	CLI_INJECT,
	CLI_TIMELINE,
	CLI_HELP,
	CLI_VERSION,
	CLI_PRINT, /* a personality's help, version or usage error: print_text, then print_code */
};

/* The program baton stands in for, from the basename of argv[0] (cli/personality.c). */
enum personality { PERSONALITY_BATON, PERSONALITY_TINI, PERSONALITY_DUMB_INIT };

/* Lifecycle hook phases, in the order they happen. */
enum hook_phase { HOOK_PRE_START, HOOK_POST_READY, HOOK_PRE_STOP, HOOK_POST_EXIT, HOOK_PHASES };

struct signal_map {
	int from;
	int to; /* 0: swallow the signal */
};

struct options {
	enum cli_command command;
	enum cli_command help_for; /* CLI_HELP: which command's help */
	int log_level;		   /* -1: the default */
	/* run */
	bool group;
	bool remap_exit[256];
	struct signal_map maps[CLI_MAX_MAPS];
	int n_maps;
	int pdeath_signal;
	double grace;
	const char *name;
	char after[GATE_MAX_NAMES][GATE_NAME_MAX + 1];
	int n_after;
	const char *dir;
	struct probe_spec ready_on[PROBE_MAX];
	int n_ready_on;
	double timeout; /* < 0: wait forever */
	unsigned jitter_ms;
	double watchdog;       /* 0: off */
	const char *exit_with; /* stop when this name has exited or is gone */
	const char *config;    /* --config FILE, already applied */
	const char *hooks[HOOK_PHASES][CLI_MAX_HOOKS];
	int n_hooks[HOOK_PHASES];
	const char *hooks_dir;
	double hook_timeout;
	char **argv; /* PROGRAM and its arguments */
	/* personalities: baton's defaults are the zero values (see personality.h) */
	enum personality personality;
	int verbosity;		/* tini: TINI_VERBOSITY or 1 + the -v count; dumb-init: 1 debug */
	bool no_subreaper;	/* tini without -s, dumb-init: never PR_SET_CHILD_SUBREAPER */
	bool warn_on_reap;	/* tini -w */
	bool setsid;		/* dumb-init: PROGRAM leads its own session; signals go to it */
	bool suspend_on_tty;	/* dumb-init: after forwarding TSTP/TTIN/TTOU, stop baton too */
	bool forward_faults;	/* dumb-init: forward SEGV, BUS, ... sent by kill(2) too */
	bool exit_with_program; /* exit once PROGRAM has (no wait for what it left) */
	bool term_on_exit;	/* dumb-init: forward TERM when PROGRAM exits */
	const char *print_text; /* CLI_PRINT */
	bool print_to_stderr;
	int print_code;
	/* wait, status */
	bool json;
	char names[GATE_MAX_NAMES][GATE_NAME_MAX + 1];
	int n_names;
	/* timeline */
	const char *svg_file;
	/* notify */
	bool notify_ready;
	bool notify_stopping;
	const char *notify_status;
	/* install */
	const char *install_dir;
	/* inject */
	const char *inject_image;
	const char *inject_file;		      /* NULL or "-": stdin */
	const char *entrypoints[CLI_MAX_ENTRYPOINTS]; /* CONTAINER=CMD */
	int n_entrypoints;
};

/*
 * Settings from a configuration file, applied after the defaults and before the environment.
 * Each item is an option's long name and its value as text, with where it came from; list
 * values are several items with the same key. command is PROGRAM's argv, or NULL.
 */
struct config_item {
	const char *key;
	const char *value;
	int line;
	int column;
};

struct config {
	const char *file;
	struct config_item *items;
	int n_items;
	char **command;
};

/*
 * Fills *o from argv, envp and an optional configuration (command line over environment over
 * configuration file over defaults). Returns 0, or -1 with one line in err (for a bad file
 * setting: "FILE:LINE:COLUMN: ..."). argv, envp and cfg must outlive *o: it points into them.
 */
int cli_parse(struct options *o, int argc, char **argv, char *const *envp, const struct config *cfg,
	      char *err, size_t errlen);
/* The --config FILE (or BATON_CONFIG) of a run command line, without parsing the rest. */
const char *cli_config_path(int argc, char **argv, char *const *envp);
/* "pre-start", "post-ready", "pre-stop", "post-exit". */
const char *cli_hook_phase_name(enum hook_phase phase);
/* The --help text of a command, for stdout. */
const char *cli_help(enum cli_command command);
/*
 * Defaults, then every BATON_* variable of envp (what a personality keeps of baton's options).
 * Returns 0, or -1 with one line in err.
 */
int cli_parse_env(struct options *o, char *const *envp, char *err, size_t errlen);
/* Pure value parsers, shared with the config file. -1 when invalid. */
int cli_parse_seconds(const char *s, double *out);
int cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* 1, true, yes, on / 0, false, no, off or empty. */
int cli_parse_bool(const char *s, bool *out);
/* The value of VAR in envp, or NULL. */
const char *cli_env_get(char *const *envp, const char *var);

#endif
