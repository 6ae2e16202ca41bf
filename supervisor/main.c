// SPDX-License-Identifier: MIT
/*
 * baton's entry point: options -> command -> exit code. Wiring only; the only exit() in baton
 * is the return from main.
 */
#include "cli.h"
#include "commands.h"
#include "config.h"
#include "inject.h"
#include "log.h"
#include "personality.h"
#include "run.h"

#include "build_config.h"

#include <baton/exit.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* baton's own command line (and --config file) into o; 0, or the exit code of a bad one. */
static int parse_baton(struct options *o, int argc, char **argv)
{
	static struct config cfg;
	const char *config_path = cli_config_path(argc, argv, environ);
	struct parse_error pe;
	char err[768];

	if (config_path && config_load(config_path, &cfg, &pe) < 0) {
		config_error_format(&pe, err, sizeof(err));
		log_error("%s", err);
		return BATON_EXIT_CONFIG;
	}
	if (cli_parse(o, argc, argv, environ, config_path ? &cfg : NULL, err, sizeof(err)) < 0) {
		/* A bad value from the file is the file's fault: its own exit code. */
		if (config_path && strncmp(err, config_path, strlen(config_path)) == 0 &&
		    err[strlen(config_path)] == ':') {
			log_error("%s", err);
			return BATON_EXIT_CONFIG;
		}
		log_error("%s (see baton --help)", err);
		return BATON_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	/* Large: struct options holds every name and probe inline, so keep it off the stack. */
	static struct options o;
	static char text[4096];
	enum personality personality = personality_of(argv[0]);
	int rc;

	if (personality == PERSONALITY_BATON) {
		rc = parse_baton(&o, argc, argv);
		if (rc)
			return rc;
	} else if (personality_parse(&o, personality, argc, argv, environ, getpid(), text,
				     sizeof(text)) < 0) {
		log_error("%s", text);
		return BATON_EXIT_USAGE;
	}
	if (o.log_level >= 0)
		log_set_level((enum log_level)o.log_level);
	if (o.name)
		log_set_name(o.name);

	switch (o.command) {
	case CLI_PRINT:
		fputs(o.print_text, o.print_to_stderr ? stderr : stdout);
		return fflush(NULL) == 0 ? o.print_code : BATON_EXIT_OSERR;
	case CLI_HELP:
		fputs(cli_help(o.help_for), stdout);
		return fflush(stdout) == 0 ? BATON_EXIT_OK : BATON_EXIT_OSERR;
	case CLI_VERSION:
		printf("baton %s\n", BATON_VERSION);
		return fflush(stdout) == 0 ? BATON_EXIT_OK : BATON_EXIT_OSERR;
	case CLI_WAIT:
		return commands_wait(&o);
	case CLI_STATUS:
		return commands_status(&o);
	case CLI_TIMELINE:
		return commands_timeline(&o);
	case CLI_NOTIFY:
		return commands_notify(&o);
	case CLI_INSTALL:
		return commands_install(&o);
	case CLI_INJECT:
		return inject_main(&o);
	case CLI_RUN:
		break;
	}
	if (o.print_text)
		fputs(o.print_text, stderr);
	return run_main(&o);
}
