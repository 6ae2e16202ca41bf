// SPDX-License-Identifier: MIT
/*
 * The personalities' command lines. Owns the help, version and usage texts that tini's and
 * dumb-init's users and test suites read byte for byte, and the rules that turn their flags and
 * variables into struct options. Like cli.c it never prints, exits or allocates: texts go into
 * the caller's buffer, and baton's own BATON_* variables are read by cli_parse_env().
 */
#include "personality.h"

#include "log.h"
#include "signals.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TINI_VERSION	  "0.19.0"
#define DUMB_INIT_VERSION "1.2.5"
#define DUMB_INIT_MAXSIG  31

static const char tini_usage[] =
	"%s (tini version " TINI_VERSION ")\n"
	"Usage: %s [OPTIONS] PROGRAM -- [ARGS] | --version\n\n"
	"Execute a program under the supervision of a valid init process (%s)\n\n"
	"Command line options:\n\n"
	"  --version: Show version and exit.\n"
	"  -h: Show this help message and exit.\n"
	"  -s: Register as a process subreaper (requires Linux >= 3.4).\n"
	"  -p SIGNAL: Trigger SIGNAL when parent dies, e.g. \"-p SIGKILL\".\n"
	"  -v: Generate more verbose output. Repeat up to 3 times.\n"
	"  -w: Print a warning when processes are getting reaped.\n"
	"  -g: Send signals to the child's process group.\n"
	"  -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0.\n"
	"  -l: Show license and exit.\n\n"
	"Environment variables:\n\n"
	"  TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).\n"
	"  TINI_VERBOSITY: Set the verbosity level (default: 1).\n"
	"  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n\n";

/* baton's license, for tini -l (tini prints its own). */
static const char license[] =
	"baton is released under the MIT License:\n\n"
	"Permission is hereby granted, free of charge, to any person obtaining a copy of this\n"
	"software and associated documentation files (the \"Software\"), to deal in the Software\n"
	"without restriction, including without limitation the rights to use, copy, modify, "
	"merge,\n"
	"publish, distribute, sublicense, and/or sell copies of the Software, and to permit "
	"persons\n"
	"to whom the Software is furnished to do so, subject to the following conditions:\n\n"
	"The above copyright notice and this permission notice shall be included in all copies or\n"
	"substantial portions of the Software.\n\n"
	"THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,\n"
	"INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR\n"
	"PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE "
	"LIABLE\n"
	"FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR\n"
	"OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER\n"
	"DEALINGS IN THE SOFTWARE.\n";

static const char dumb_init_help[] =
	"dumb-init v" DUMB_INIT_VERSION "\n"
	"Usage: %s [option] command [[arg] ...]\n"
	"\n"
	"dumb-init is a simple process supervisor that forwards signals to children.\n"
	"It is designed to run as PID1 in minimal container environments.\n"
	"\n"
	"Optional arguments:\n"
	"   -c, --single-child   Run in single-child mode.\n"
	"                        In this mode, signals are only proxied to the\n"
	"                        direct child and not any of its descendants.\n"
	"   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.\n"
	"                        To ignore (not proxy) a signal, rewrite it to 0.\n"
	"                        This option can be specified multiple times.\n"
	"   -v, --verbose        Print debugging information to stderr.\n"
	"   -h, --help           Print this help message and exit.\n"
	"   -V, --version        Print the current version and exit.\n"
	"\n"
	"Full help is available online at https://github.com/Yelp/dumb-init\n";

static const char dumb_init_rewrite_usage[] =
	"Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and 31.\n"
	"This option can be specified multiple times.\n"
	"Use --help for full usage.\n";

static const struct option dumb_init_options[] = {
	{ "help", no_argument, NULL, 'h' },	     { "single-child", no_argument, NULL, 'c' },
	{ "rewrite", required_argument, NULL, 'r' }, { "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, 'V' },	     { 0 },
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

enum personality personality_of(const char *argv0)
{
	const char *name = argv0 ? base_name(argv0) : "";

	if (strcmp(name, "tini") == 0 || strcmp(name, "docker-init") == 0 ||
	    strcmp(name, "tini-static") == 0)
		return PERSONALITY_TINI;
	if (strcmp(name, "dumb-init") == 0)
		return PERSONALITY_DUMB_INIT;
	return PERSONALITY_BATON;
}

/* Ends the parse with the text in buf to print and an exit code. */
static int printed(struct options *o, bool to_stderr, int code, const char *buf)
{
	o->command = CLI_PRINT;
	o->print_text = buf;
	o->print_to_stderr = to_stderr;
	o->print_code = code;
	return 0;
}

static int print(struct options *o, bool to_stderr, int code, char *buf, size_t buflen,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int print(struct options *o, bool to_stderr, int code, char *buf, size_t buflen,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, buflen, fmt, ap);
	va_end(ap);
	return printed(o, to_stderr, code, buf);
}

/* getopt's own complaint, worded as glibc words it (opterr is off so nothing is printed). */
static int getopt_complaint(char *out, size_t len, const char *prog, const char *bad,
			    const char *shortopts, const struct option *longopts)
{
	int n;

	if (strncmp(bad, "--", 2) == 0 && bad[2]) {
		size_t name_len = strcspn(bad + 2, "=");

		for (const struct option *t = longopts; t && t->name; t++)
			if (strlen(t->name) >= name_len && strncmp(t->name, bad + 2, name_len) == 0)
				return snprintf(
					out, len,
					bad[2 + name_len]
						? "%s: option '--%s' doesn't allow an argument\n"
						: "%s: option '--%s' requires an argument\n",
					prog, t->name);
		return snprintf(out, len, "%s: unrecognized option '%.*s'\n", prog,
				(int)name_len + 2, bad);
	}
	n = optopt && strchr(shortopts, optopt)
		    ? snprintf(out, len, "%s: option requires an argument -- '%c'\n", prog, optopt)
		    : snprintf(out, len, "%s: invalid option -- '%c'\n", prog, optopt);
	return n;
}

/* tini's -e: a whole decimal number 0..255, as strtol reads it. */
static int tini_status(const char *s)
{
	char *end = NULL;
	long v = strtol(s, &end, 10);

	return end && !*end && v >= 0 && v <= 255 ? (int)v : -1;
}

static int parse_tini(struct options *o, int argc, char **argv, char *const *envp, int pid,
		      char *buf, size_t buflen)
{
	const char *name = base_name(argv[0]);
	const char *v;
	bool subreaper = false;
	int c, code;

	o->verbosity = 1;
	if (argc == 2 && strcmp(argv[1], "--version") == 0)
		return print(o, false, 0, buf, buflen, "tini version " TINI_VERSION "\n");
	optind = 0;
	opterr = 0;
	while ((c = getopt(argc, argv, "p:hvwgle:s")) != -1) {
		switch (c) {
		case 'h':
			return print(o, false, 0, buf, buflen, tini_usage, name, name, name);
		case 's':
			subreaper = true;
			break;
		case 'p':
			o->pdeath_signal = signals_parse(optarg);
			if (o->pdeath_signal <= 0)
				return print(o, true, 1, buf, buflen,
					     "[FATAL tini (%d)] Not a valid option for -p: %s\n",
					     pid, optarg);
			break;
		case 'v':
			o->verbosity++;
			break;
		case 'w':
			o->warn_on_reap = true;
			break;
		case 'g':
			o->group = true;
			break;
		case 'e':
			code = tini_status(optarg);
			if (code < 0)
				return print(o, true, 1, buf, buflen,
					     "[FATAL tini (%d)] Not a valid option for -e: %s\n",
					     pid, optarg);
			o->remap_exit[code] = true;
			break;
		case 'l':
			return print(o, false, 0, buf, buflen, "%s", license);
		default: {
			int n = getopt_complaint(buf, buflen, argv[0], argv[optind - 1],
						 "p:hvwgle:s", NULL);

			if (n < 0 || (size_t)n >= buflen)
				n = 0;
			snprintf(buf + n, buflen - (size_t)n, tini_usage, name, name, name);
			return printed(o, true, 1, buf);
		}
		}
	}
	if (optind >= argc)
		return print(o, true, 1, buf, buflen, tini_usage, name, name, name);
	o->argv = argv + optind;
	if (cli_env_get(envp, "TINI_SUBREAPER"))
		subreaper = true;
	if (cli_env_get(envp, "TINI_KILL_PROCESS_GROUP"))
		o->group = true;
	v = cli_env_get(envp, "TINI_VERBOSITY");
	if (v)
		o->verbosity = atoi(v);
	o->no_subreaper = !subreaper;
	return 0;
}

/* dumb-init's -r s:r, read as sscanf("%d:%d") reads it; both 1..31, r may be 0. */
static int rewrite_number(const char **s, long *out)
{
	const char *p = *s;
	bool neg = false;
	long v = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (v < 1000)
			v = v * 10 + (*p - '0');
		p++;
	}
	*out = neg ? -v : v;
	*s = p;
	return 0;
}

static int parse_rewrite(struct options *o, const char *arg)
{
	long from, to;

	if (rewrite_number(&arg, &from) < 0 || *arg++ != ':' || rewrite_number(&arg, &to) < 0)
		return -1;
	if (from < 1 || from > DUMB_INIT_MAXSIG || to < 0 || to > DUMB_INIT_MAXSIG)
		return -1;
	for (int i = 0; i < o->n_maps; i++)
		if (o->maps[i].from == from) {
			o->maps[i].to = (int)to;
			return 0;
		}
	o->maps[o->n_maps++] = (struct signal_map){ (int)from, (int)to };
	return 0;
}

static void rewrite_default(struct options *o, int from, int to)
{
	for (int i = 0; i < o->n_maps; i++)
		if (o->maps[i].from == from)
			return;
	o->maps[o->n_maps++] = (struct signal_map){ from, to };
}

static int parse_dumb_init(struct options *o, int argc, char **argv, char *const *envp, char *buf,
			   size_t buflen)
{
	bool setsid = true;
	const char *v;
	size_t n = 0;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hvVcr:", dumb_init_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			return print(o, true, 0, buf, buflen, dumb_init_help, argv[0]);
		case 'v':
			o->verbosity = 1;
			break;
		case 'V':
			return print(o, true, 0, buf, buflen, "dumb-init v" DUMB_INIT_VERSION "\n");
		case 'c':
			setsid = false;
			break;
		case 'r':
			if (parse_rewrite(o, optarg) < 0)
				return print(o, true, 1, buf, buflen, "%s",
					     dumb_init_rewrite_usage);
			break;
		default:
			getopt_complaint(buf, buflen, argv[0], argv[optind - 1],
					 "+hvVcr:", dumb_init_options);
			return printed(o, true, 1, buf);
		}
	}
	if (optind >= argc)
		return print(o, true, 1, buf, buflen,
			     "Usage: %s [option] program [args]\nTry %s --help for full usage.\n",
			     argv[0], argv[0]);
	o->argv = argv + optind;
	/* What dumb-init says while it reads its variables, printed before it starts. */
	buf[0] = '\0';
	v = cli_env_get(envp, "DUMB_INIT_DEBUG");
	if (v && strcmp(v, "1") == 0) {
		o->verbosity = 1;
		n += (size_t)snprintf(buf + n, buflen - n, "[dumb-init] Running in debug mode.\n");
	}
	v = cli_env_get(envp, "DUMB_INIT_SETSID");
	if (v && strcmp(v, "0") == 0) {
		setsid = false;
		if (o->verbosity && n < buflen)
			snprintf(buf + n, buflen - n, "[dumb-init] Not running in setsid mode.\n");
	}
	if (buf[0])
		o->print_text = buf;
	if (setsid) {
		rewrite_default(o, SIGTSTP, SIGSTOP);
		rewrite_default(o, SIGTTOU, SIGSTOP);
		rewrite_default(o, SIGTTIN, SIGSTOP);
	}
	o->setsid = setsid;
	o->group = setsid;
	o->suspend_on_tty = true;
	o->forward_faults = true;
	o->term_on_exit = true;
	o->no_subreaper = true;
	return 0;
}

int personality_parse(struct options *o, enum personality p, int argc, char **argv,
		      char *const *envp, int pid, char *buf, size_t buflen)
{
	const char *grace = cli_env_get(envp, "BATON_GRACE");
	int rc;

	if (cli_parse_env(o, envp, buf, buflen) < 0)
		return -1;
	o->command = CLI_RUN;
	o->personality = p;
	/* Their own voice only: baton's lines come back with BATON_LOG_LEVEL. */
	if (o->log_level < 0)
		o->log_level = LOG_LEVEL_ERROR;
	/* Neither stops PROGRAM with a deadline nor waits for what it leaves, unless asked. */
	if (!grace || !*grace) {
		o->grace = -1;
		o->exit_with_program = true;
	}
	if (p == PERSONALITY_TINI)
		rc = parse_tini(o, argc, argv, envp, pid, buf, buflen);
	else
		rc = parse_dumb_init(o, argc, argv, envp, buf, buflen);
	return rc;
}
