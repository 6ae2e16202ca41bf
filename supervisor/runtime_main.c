// SPDX-License-Identifier: MIT
/*
 * baton-runtime's entry point: called exactly like runc, it passes every command through to
 * the real runtime, preparing config.json at create (and run) and removing the per-pod
 * directory at a sandbox's delete first. Wiring only (supervisor/pod/runtime.c does the work).
 * Exit status: the real runtime's, or 1 when baton-runtime fails before it could exec it.
 */
#include "runtime.h"

#include <string.h>

int main(int argc, char **argv)
{
	struct runtime_config config;
	struct runtime_argv a;

	runtime_parse_argv(argc, argv, &a);
	runtime_log_to(a.log, a.log_json);
	if (runtime_config_load(&config) < 0)
		return 1;
	if (a.command && strcmp(a.command, "delete") == 0)
		runtime_pod_dir_remove(&config, a.id);
	if (!a.command || (strcmp(a.command, "create") != 0 && strcmp(a.command, "run") != 0) ||
	    runtime_prepare(&a, &config) == 0)
		runtime_exec(&config, argv);
	runtime_config_free(&config);
	return 1;
}
