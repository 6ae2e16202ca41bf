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
#include "run.h"

#include "build_config.h"

#include <baton/exit.h>

#include <stdio.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv)
{
	/* Large: struct options holds every name and probe inline, so keep it off the stack. */
	static struct options o;
	static struct config cfg;
	const char *config_path = cli_config_path(argc, argv, environ);
	struct parse_error pe;
	char err[768];

	if (config_path && config_load(config_path, &cfg, &pe) < 0) {
		config_error_format(&pe, err, sizeof(err));
		log_error("%s", err);
		return BATON_EXIT_CONFIG;
	}
	if (cli_parse(&o, argc, argv, environ, config_path ? &cfg : NULL, err, sizeof(err)) < 0) {
		/* A bad value from the file is the file's fault: its own exit code. */
		if (config_path && strncmp(err, config_path, strlen(config_path)) == 0 &&
		    err[strlen(config_path)] == ':') {
			log_error("%s", err);
			return BATON_EXIT_CONFIG;
		}
		log_error("%s (see baton --help)", err);
		return BATON_EXIT_USAGE;
	}
	if (o.log_level >= 0)
		log_set_level((enum log_level)o.log_level);
	if (o.name)
		log_set_name(o.name);

	switch (o.command) {
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
	return run_main(&o);
}
