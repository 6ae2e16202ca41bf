/* SPDX-License-Identifier: MIT */
/*
 * The client subcommands: baton wait, status, timeline, notify and install. Each returns the exit
 * code.
 */
#ifndef BATON_COMMANDS_H
#define BATON_COMMANDS_H

#include "cli.h"

int commands_wait(const struct options *o);
int commands_status(const struct options *o);
int commands_timeline(const struct options *o);
int commands_notify(const struct options *o);
int commands_install(const struct options *o);

#endif
