// SPDX-License-Identifier: MIT
/*
 * The command line. Owns nothing but the option tables and help texts: cli_parse() reads argv
 * and an environment array and fills a struct options the caller owns. It must never print,
 * exit or allocate; the messages it returns name the option (or variable) and the bad value.
 */
#include "cli.h"

#include "log.h"
#include "signals.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_GRACE = 256,
	OPT_NAME,
	OPT_AFTER,
	OPT_DIR,
	OPT_READY_ON,
	OPT_TIMEOUT,
	OPT_JITTER,
	OPT_WATCHDOG,
	OPT_LOG_LEVEL,
	OPT_JSON,
	OPT_READY,
	OPT_STATUS,
	OPT_STOPPING,
	OPT_EXIT_WITH,
	OPT_CONFIG,
	OPT_PRE_START,
	OPT_POST_READY,
	OPT_PRE_STOP,
	OPT_POST_EXIT,
	OPT_HOOKS_DIR,
	OPT_HOOK_TIMEOUT,
	OPT_IMAGE,
	OPT_ENTRYPOINT,
	OPT_SVG,
};

/* Options that can also come from the environment, and their variables. */
static const struct {
	int id;
	const char *var;
} env_options[] = {
	{ OPT_LOG_LEVEL, "BATON_LOG_LEVEL" },
	{ 'g', "BATON_GROUP" },
	{ 'e', "BATON_REMAP_EXIT" },
	{ 'r', "BATON_MAP_SIGNAL" },
	{ OPT_GRACE, "BATON_GRACE" },
	{ OPT_NAME, "BATON_NAME" },
	{ OPT_AFTER, "BATON_AFTER" },
	{ OPT_DIR, "BATON_DIR" },
	{ OPT_READY_ON, "BATON_READY_ON" },
	{ OPT_TIMEOUT, "BATON_TIMEOUT" },
	{ OPT_JITTER, "BATON_JITTER" },
	{ OPT_WATCHDOG, "BATON_WATCHDOG" },
	{ OPT_EXIT_WITH, "BATON_EXIT_WITH" },
	{ OPT_HOOKS_DIR, "BATON_HOOKS_DIR" },
	{ OPT_HOOK_TIMEOUT, "BATON_HOOK_TIMEOUT" },
	{ OPT_PRE_START, "BATON_PRE_START" },
	{ OPT_POST_READY, "BATON_POST_READY" },
	{ OPT_PRE_STOP, "BATON_PRE_STOP" },
	{ OPT_POST_EXIT, "BATON_POST_EXIT" },
};

static const struct option run_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
	{ "group", no_argument, NULL, 'g' },
	{ "remap-exit", required_argument, NULL, 'e' },
	{ "map-signal", required_argument, NULL, 'r' },
	{ "subreaper", no_argument, NULL, 's' },
	{ "pdeathsig", required_argument, NULL, 'p' },
	{ "grace", required_argument, NULL, OPT_GRACE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "after", required_argument, NULL, OPT_AFTER },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "ready-on", required_argument, NULL, OPT_READY_ON },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "jitter", required_argument, NULL, OPT_JITTER },
	{ "watchdog", required_argument, NULL, OPT_WATCHDOG },
	{ "exit-with", required_argument, NULL, OPT_EXIT_WITH },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "pre-start", required_argument, NULL, OPT_PRE_START },
	{ "post-ready", required_argument, NULL, OPT_POST_READY },
	{ "pre-stop", required_argument, NULL, OPT_PRE_STOP },
	{ "post-exit", required_argument, NULL, OPT_POST_EXIT },
	{ "hooks-dir", required_argument, NULL, OPT_HOOKS_DIR },
	{ "hook-timeout", required_argument, NULL, OPT_HOOK_TIMEOUT },
	{ 0 },
};

static const struct option wait_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ 0 },
};

static const struct option status_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "json", no_argument, NULL, OPT_JSON },
	{ 0 },
};

static const struct option timeline_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "dir", required_argument, NULL, OPT_DIR },
	{ "svg", required_argument, NULL, OPT_SVG },
	{ 0 },
};

static const struct option notify_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "ready", no_argument, NULL, OPT_READY },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "stopping", no_argument, NULL, OPT_STOPPING },
	{ 0 },
};

static const struct option install_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static const struct option inject_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ 0 },
};

static const char run_help[] =
	"Usage: baton [OPTIONS] [--] PROGRAM [ARGS...]\n"
	"       baton wait|status|timeline|notify|install|inject ... (see baton COMMAND --help)\n"
	"\n"
	"Runs PROGRAM as a container's init: forwards signals, reaps zombies, passes PROGRAM's "
	"exit\n"
	"status through, and stops everything within a grace period. With --name and --after it\n"
	"also orders startup between containers that share --dir.\n"
	"\n"
	"Init:\n"
	"  -g, --group             forward signals to PROGRAM's whole process group\n"
	"  -e, --remap-exit CODE   report PROGRAM's exit code CODE as 0 (repeatable, or a,b,c)\n"
	"  -r, --map-signal FROM:TO  forward signal FROM as TO (TO 0 drops it; repeatable)\n"
	"      --grace SECONDS     on TERM/INT, or when PROGRAM leaves processes behind, wait "
	"this\n"
	"                          long before SIGKILL (default 10)\n"
	"  -p, --pdeathsig SIGNAL  get SIGNAL when baton's parent dies (not useful as PID 1)\n"
	"  -s, --subreaper         accepted for tini compatibility; baton is a subreaper anyway\n"
	"\n"
	"Ordering (all baton processes of a pod must use the same --dir):\n"
	"      --name NAME         publish this container's readiness as NAME (a DNS label)\n"
	"      --after A,B         start PROGRAM only once A and B are ready (repeatable)\n"
	"      --ready-on SPEC     when NAME counts as ready (repeatable: all must hold):\n"
	"                          started (default), notify, exit0, file:PATH, tcp:HOST:PORT,\n"
	"                          unix:PATH, msgq:KEY|/NAME, sem:KEY|/NAME, shm:KEY|/NAME,\n"
	"                          exec:CMD, delay:SECONDS (a /NAME is POSIX IPC)\n"
	"      --dir DIR           the shared directory (default " GATE_DEFAULT_DIR ")\n"
	"      --timeout SECONDS   give up waiting for --after (exit 124); default: wait forever\n"
	"      --jitter MS         sleep a random 0..MS ms before starting PROGRAM\n"
	"      --watchdog SECONDS  stop PROGRAM when it stops sending WATCHDOG=1 for this long\n"
	"      --exit-with NAME    stop PROGRAM and exit 0 once NAME has exited (or is gone)\n"
	"\n"
	"Hooks (run from the loop; see the README):\n"
	"      --pre-start CMD     before PROGRAM starts, after --after is ready; failure aborts\n"
	"      --post-ready CMD    after this container was published ready\n"
	"      --pre-stop CMD      on TERM/INT, before the signal is forwarded\n"
	"      --post-exit CMD     after PROGRAM exited (BATON_EXIT_STATUS)\n"
	"      --hooks-dir DIR     also run the executables in DIR/PHASE/, in lexical order\n"
	"      --hook-timeout SECONDS  kill a hook after this long (default 30)\n"
	"      --config FILE       read options, command and hooks from a YAML file\n"
	"\n"
	"Logging (stderr only):\n"
	"  -v, --verbose           debug: every forwarded signal and reaped pid\n"
	"  -q, --quiet             errors only\n"
	"      --log-level LEVEL   error, warn, info (default) or debug\n"
	"  -h, --help              this text\n"
	"  -V, --version           baton's version\n"
	"\n"
	"Each option with a value also reads BATON_<OPTION> from the environment (BATON_NAME,\n"
	"BATON_AFTER, BATON_DIR, BATON_READY_ON, BATON_TIMEOUT, BATON_CONFIG, ...; BATON_GROUP=1\n"
	"for -g). The command line wins over the environment, which wins over --config.\n"
	"\n"
	"Exit status: PROGRAM's own, or 128+N when it was killed by signal N; 126 PROGRAM not\n"
	"executable, 127 PROGRAM not found, 64 usage error, 71 system error, 73 NAME already\n"
	"published by a live baton, 78 bad --config file, 79 a pre-start hook failed,\n"
	"124 --timeout reached.\n";

static const char wait_help[] =
	"Usage: baton wait [--dir DIR] [--timeout SECONDS] NAME...\n"
	"\n"
	"Blocks until every NAME is ready in DIR (default " GATE_DEFAULT_DIR ", or BATON_DIR),\n"
	"without polling. Exit status: 0 all ready, 124 --timeout reached, 64 usage error,\n"
	"71 system error, 128+N killed by signal N.\n";

static const char status_help[] =
	"Usage: baton status [--dir DIR] [--json] [NAME...]\n"
	"\n"
	"Prints every record in DIR (default " GATE_DEFAULT_DIR ", or BATON_DIR): name, state\n"
	"(starting, ready, stopping, exited CODE, done, gone, invalid; none: no record yet),\n"
	"since when, incarnation. Creates nothing.\n"
	"With NAMEs, prints those and exits 0 only if all are ready (1 otherwise), so it works as\n"
	"an exec probe. 64 usage error, 71 system error.\n";

static const char timeline_help[] =
	"Usage: baton timeline [--dir DIR] [--svg FILE]\n"
	"\n"
	"Draws the journal of DIR (default " GATE_DEFAULT_DIR ", or BATON_DIR; the files\n"
	".journal.1 and .journal) as a Gantt chart: one row per name, bars for waiting,\n"
	"starting, ready and stopping, x for an exit, | for a restart, and * on the critical\n"
	"path (the chain of waits that decided when the last name became ready). 80 columns;\n"
	"colours only on a terminal. --svg FILE also writes the chart as a standalone SVG.\n"
	"Creates nothing in DIR. Exit status: 0 drawn, 1 no journal entries, 64 usage error,\n"
	"71 system error.\n";

static const char notify_help[] =
	"Usage: baton notify [--ready] [--status TEXT] [--stopping]\n"
	"\n"
	"Sends a notification to the baton that started this program (NOTIFY_SOCKET), and waits\n"
	"until it was processed. Exit status: 0 sent, 64 usage error, 71 not sent.\n";

static const char inject_help[] =
	"Usage: baton inject [--image IMAGE] [--entrypoint CONTAINER=CMD]... [FILE|-]\n"
	"\n"
	"Reads Kubernetes YAML or JSON (FILE or stdin) and writes it to stdout with every pod\n"
	"template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List items)\n"
	"prepared for baton: an init container installs baton into an emptyDir, and every\n"
	"container runs under it, with the options of the pod template's annotations:\n"
	"  baton.dev/OPTION.CONTAINER: VALUE  --OPTION VALUE for CONTAINER, for after, ready-on,\n"
	"                          exit-with, timeout, grace, jitter, watchdog, group, "
	"remap-exit,\n"
	"                          map-signal, log-level (ready-on, remap-exit, map-signal: one a\n"
	"                          line; group: true or false)\n"
	"  baton.dev/OPTION: VALUE  the same for every container (not after or exit-with)\n"
	"  baton.dev/entrypoint.CONTAINER: CMD  like --entrypoint\n"
	"  baton.dev/inject: \"false\"  leave this workload alone\n"
	"\n"
	"      --image IMAGE       the init container's image, with baton on its PATH\n"
	"                          (default localhost/baton:latest)\n"
	"      --entrypoint CONTAINER=CMD  the program of a container that has no command in\n"
	"                          the manifest (its image's entrypoint): a flow list\n"
	"                          '[\"nginx\", \"-g\", \"daemon off;\"]', or words split on "
	"blanks\n"
	"\n"
	"Injecting again changes nothing. JSON in gives JSON out. Comments are not kept. Exit\n"
	"status: 0 done, 64 usage error, 65 the input cannot be injected (nothing written),\n"
	"71 I/O error.\n";

static const char install_help[] =
	"Usage: baton install DIR\n"
	"\n"
	"Copies this baton binary to DIR/baton (atomically, mode 0755), e.g. from an init "
	"container\n"
	"into a shared emptyDir. Exit status: 0 done, 64 usage error, 71 system error.\n";

const char *cli_help(enum cli_command command)
{
	switch (command) {
	case CLI_WAIT:
		return wait_help;
	case CLI_STATUS:
		return status_help;
	case CLI_NOTIFY:
		return notify_help;
	case CLI_INSTALL:
		return install_help;
	case CLI_INJECT:
		return inject_help;
	case CLI_TIMELINE:
		return timeline_help;
	default:
		return run_help;
	}
}

int cli_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (max - (unsigned long)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 0;
}

int cli_parse_seconds(const char *s, double *out)
{
	double v = 0, scale = 1;
	bool dot = false;
	int digits = 0;

	/* Plain decimal only: no sign, exponent, hex, inf or nan (and no strtod, for size). */
	for (; *s; s++) {
		if (*s == '.' && !dot && digits > 0) {
			dot = true;
			continue;
		}
		if (*s < '0' || *s > '9' || digits >= 18)
			return -1;
		digits++;
		if (dot)
			v += (*s - '0') * (scale /= 10);
		else
			v = v * 10 + (*s - '0');
	}
	if (digits == 0 || v > CLI_MAX_SECONDS)
		return -1;
	*out = v;
	return 0;
}

static int add_name(char names[][GATE_NAME_MAX + 1], int *n, const char *s, size_t len,
		    const char *what, char *err, size_t errlen)
{
	char name[GATE_NAME_MAX + 2];

	if (len > GATE_NAME_MAX)
		return log_format_error(err, errlen,
					"%s: '%.*s' is not a valid name (1-63 of a-z, 0-9, '-')",
					what, (int)len, s);
	memcpy(name, s, len);
	name[len] = '\0';
	if (!gate_name_valid(name))
		return log_format_error(
			err, errlen,
			"%s: '%s' is not a valid name (1-63 of a-z, 0-9, '-', starting and "
			"ending with a letter or digit)",
			what, name);
	for (int i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return 0;
	if (*n == GATE_MAX_NAMES)
		return log_format_error(err, errlen, "%s: more than %d names", what,
					GATE_MAX_NAMES);
	memcpy(names[(*n)++], name, len + 1);
	return 0;
}

/* Calls each(item, len) for every comma-separated item of s; empty items are errors. */
static int split_commas(const char *s, const char *what, char *err, size_t errlen,
			int (*each)(struct options *o, const char *item, size_t len,
				    const char *what, char *err, size_t errlen),
			struct options *o)
{
	const char *all = s;

	for (;;) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);

		if (len == 0)
			return log_format_error(err, errlen, "%s: empty item in '%s'", what, all);
		if (each(o, s, len, what, err, errlen) < 0)
			return -1;
		if (!comma)
			return 0;
		s = comma + 1;
	}
}

static int each_after(struct options *o, const char *item, size_t len, const char *what, char *err,
		      size_t errlen)
{
	return add_name(o->after, &o->n_after, item, len, what, err, errlen);
}

static int each_remap(struct options *o, const char *item, size_t len, const char *what, char *err,
		      size_t errlen)
{
	char buf[16];
	unsigned long code;

	if (len >= sizeof(buf))
		return log_format_error(err, errlen, "%s: '%.*s' is not an exit code (0-255)", what,
					(int)len, item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	if (cli_parse_uint(buf, 255, &code) < 0)
		return log_format_error(err, errlen, "%s: '%s' is not an exit code (0-255)", what,
					buf);
	o->remap_exit[code] = true;
	return 0;
}

static int each_map(struct options *o, const char *item, size_t len, const char *what, char *err,
		    size_t errlen)
{
	char buf[64];
	char *colon;
	int from, to;

	if (len >= sizeof(buf))
		return log_format_error(err, errlen, "%s: '%.*s' is not FROM:TO", what, (int)len,
					item);
	memcpy(buf, item, len);
	buf[len] = '\0';
	colon = strchr(buf, ':');
	if (!colon)
		return log_format_error(err, errlen, "%s: '%s' is not FROM:TO (e.g. TERM:QUIT)",
					what, buf);
	*colon = '\0';
	from = signals_parse(buf);
	to = strcmp(colon + 1, "0") == 0 ? 0 : signals_parse(colon + 1);
	if (from < 0 || !signals_is_forwardable(from))
		return log_format_error(err, errlen, "%s: '%s' is not a signal baton forwards",
					what, buf);
	if (to < 0 || (to > 0 && !signals_is_forwardable(to) && to != SIGKILL && to != SIGSTOP))
		return log_format_error(err, errlen, "%s: '%s' is not a signal", what, colon + 1);
	for (int i = 0; i < o->n_maps; i++)
		if (o->maps[i].from == from) {
			o->maps[i].to = to;
			return 0;
		}
	if (o->n_maps == CLI_MAX_MAPS)
		return log_format_error(err, errlen, "%s: more than %d signal maps", what,
					CLI_MAX_MAPS);
	o->maps[o->n_maps++] = (struct signal_map){ from, to };
	return 0;
}

int cli_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off", "" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strcmp(s, yes[i]) == 0)
			return *out = true, 0;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcmp(s, no[i]) == 0)
			return *out = false, 0;
	return -1;
}

static int parse_seconds_opt(const char *what, const char *v, double *out, char *err, size_t errlen)
{
	if (cli_parse_seconds(v, out) < 0)
		return log_format_error(err, errlen, "%s: '%s' is not a number of seconds (0-%.0f)",
					what, v, CLI_MAX_SECONDS);
	return 0;
}

/* Applies one option; what is "--name" or "BATON_NAME", for messages. */
static int apply(struct options *o, int id, const char *v, const char *what, char *err,
		 size_t errlen)
{
	unsigned long n;
	int level, sig;

	switch (id) {
	case 'v':
		o->log_level = LOG_LEVEL_DEBUG;
		return 0;
	case 'q':
		o->log_level = LOG_LEVEL_ERROR;
		return 0;
	case OPT_LOG_LEVEL:
		level = log_parse_level(v);
		if (level < 0)
			return log_format_error(
				err, errlen, "%s: '%s' is not error, warn, info or debug", what, v);
		o->log_level = level;
		return 0;
	case 'g':
		if (!v) {
			o->group = true;
			return 0;
		}
		if (cli_parse_bool(v, &o->group) < 0)
			return log_format_error(err, errlen, "%s: '%s' is not 1 or 0", what, v);
		return 0;
	case 's':
		return 0;
	case 'e':
		return split_commas(v, what, err, errlen, each_remap, o);
	case 'r':
		return split_commas(v, what, err, errlen, each_map, o);
	case 'p':
		sig = signals_parse(v);
		if (sig <= 0)
			return log_format_error(err, errlen, "%s: '%s' is not a signal", what, v);
		o->pdeath_signal = sig;
		return 0;
	case OPT_GRACE:
		return parse_seconds_opt(what, v, &o->grace, err, errlen);
	case OPT_TIMEOUT:
		return parse_seconds_opt(what, v, &o->timeout, err, errlen);
	case OPT_WATCHDOG:
		if (parse_seconds_opt(what, v, &o->watchdog, err, errlen) < 0)
			return -1;
		if (o->watchdog > 0 && o->watchdog < 0.01)
			return log_format_error(err, errlen, "%s: '%s' is shorter than 0.01 s",
						what, v);
		return 0;
	case OPT_JITTER:
		if (cli_parse_uint(v, 3600000, &n) < 0)
			return log_format_error(
				err, errlen, "%s: '%s' is not milliseconds (0-3600000)", what, v);
		o->jitter_ms = (unsigned)n;
		return 0;
	case OPT_NAME:
		if (!gate_name_valid(v))
			return log_format_error(
				err, errlen,
				"%s: '%s' is not a valid name (1-63 of a-z, 0-9, '-', starting "
				"and ending with a letter or digit)",
				what, v);
		o->name = v;
		return 0;
	case OPT_AFTER:
		return split_commas(v, what, err, errlen, each_after, o);
	case OPT_DIR:
		if (!*v)
			return log_format_error(err, errlen, "%s: empty directory", what);
		o->dir = v;
		return 0;
	case OPT_READY_ON: {
		char perr[200];

		if (o->n_ready_on == PROBE_MAX)
			return log_format_error(err, errlen, "%s: more than %d conditions", what,
						PROBE_MAX);
		if (probe_parse(v, &o->ready_on[o->n_ready_on], perr, sizeof(perr)) < 0)
			return log_format_error(err, errlen, "%s: %s", what, perr);
		o->n_ready_on++;
		return 0;
	}
	case OPT_EXIT_WITH:
		if (!gate_name_valid(v))
			return log_format_error(
				err, errlen,
				"%s: '%s' is not a valid name (1-63 of a-z, 0-9, '-', starting "
				"and ending with a letter or digit)",
				what, v);
		o->exit_with = v;
		return 0;
	case OPT_CONFIG:
		o->config = v;
		return 0;
	case OPT_PRE_START:
	case OPT_POST_READY:
	case OPT_PRE_STOP:
	case OPT_POST_EXIT: {
		enum hook_phase phase = (enum hook_phase)(id - OPT_PRE_START);

		if (!*v)
			return log_format_error(err, errlen, "%s: empty command", what);
		if (o->n_hooks[phase] == CLI_MAX_HOOKS)
			return log_format_error(err, errlen, "%s: more than %d hooks", what,
						CLI_MAX_HOOKS);
		o->hooks[phase][o->n_hooks[phase]++] = v;
		return 0;
	}
	case OPT_HOOKS_DIR:
		if (!*v)
			return log_format_error(err, errlen, "%s: empty directory", what);
		o->hooks_dir = v;
		return 0;
	case OPT_HOOK_TIMEOUT:
		if (parse_seconds_opt(what, v, &o->hook_timeout, err, errlen) < 0)
			return -1;
		if (o->hook_timeout == 0)
			return log_format_error(err, errlen, "%s: must be more than 0", what);
		return 0;
	case OPT_IMAGE:
		if (!*v || strchr(v, ' '))
			return log_format_error(err, errlen, "%s: '%s' is not an image reference",
						what, v);
		o->inject_image = v;
		return 0;
	case OPT_ENTRYPOINT: {
		const char *eq = strchr(v, '=');

		if (!eq || eq == v || !eq[1])
			return log_format_error(err, errlen, "%s: '%s' is not CONTAINER=CMD", what,
						v);
		if (o->n_entrypoints == CLI_MAX_ENTRYPOINTS)
			return log_format_error(err, errlen, "%s: more than %d", what,
						CLI_MAX_ENTRYPOINTS);
		o->entrypoints[o->n_entrypoints++] = v;
		return 0;
	}
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_SVG:
		if (!*v)
			return log_format_error(err, errlen, "%s: empty file name", what);
		o->svg_file = v;
		return 0;
	case OPT_READY:
		o->notify_ready = true;
		return 0;
	case OPT_STOPPING:
		o->notify_stopping = true;
		return 0;
	case OPT_STATUS:
		if (strchr(v, '\n') || strlen(v) > GATE_STATUS_MAX)
			return log_format_error(err, errlen,
						"%s: the text must be one line of at most %d bytes",
						what, GATE_STATUS_MAX);
		o->notify_status = v;
		return 0;
	}
	return log_format_error(err, errlen, "%s: unhandled option", what);
}

static enum cli_command subcommand(const char *arg)
{
	static const struct {
		const char *name;
		enum cli_command command;
	} table[] = {
		{ "wait", CLI_WAIT },	    { "status", CLI_STATUS }, { "notify", CLI_NOTIFY },
		{ "install", CLI_INSTALL }, { "inject", CLI_INJECT }, { "timeline", CLI_TIMELINE },
	};

	for (size_t i = 0; arg && i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(arg, table[i].name) == 0)
			return table[i].command;
	return CLI_RUN;
}

/* Where a setting came from; a later source replaces, not extends, an earlier one's lists. */
enum source { SOURCE_DEFAULT, SOURCE_CONFIG, SOURCE_ENV, SOURCE_ARGV };

struct parse_ctx {
	struct options *o;
	enum source list_source[8];
	char *err;
	size_t errlen;
};

static int list_index(int id)
{
	switch (id) {
	case OPT_AFTER:
		return 0;
	case OPT_READY_ON:
		return 1;
	case 'e':
		return 2;
	case 'r':
		return 3;
	case OPT_PRE_START:
	case OPT_POST_READY:
	case OPT_PRE_STOP:
	case OPT_POST_EXIT:
		return 4 + id - OPT_PRE_START;
	default:
		return -1;
	}
}

static void list_clear(struct options *o, int id)
{
	switch (id) {
	case OPT_AFTER:
		o->n_after = 0;
		break;
	case OPT_READY_ON:
		o->n_ready_on = 0;
		break;
	case 'e':
		memset(o->remap_exit, 0, sizeof(o->remap_exit));
		break;
	case 'r':
		o->n_maps = 0;
		break;
	default:
		o->n_hooks[id - OPT_PRE_START] = 0;
		break;
	}
}

/* apply(), after clearing a list the first time a higher-precedence source sets it. */
static int apply_from(struct parse_ctx *ctx, enum source source, int id, const char *v,
		      const char *what)
{
	int li = list_index(id);

	if (li >= 0 && ctx->list_source[li] < source) {
		list_clear(ctx->o, id);
		ctx->list_source[li] = source;
	}
	return apply(ctx->o, id, v, what, ctx->err, ctx->errlen);
}

const char *cli_env_get(char *const *envp, const char *var)
{
	size_t len = strlen(var);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, var, len) == 0 && (*envp)[len] == '=')
			return *envp + len + 1;
	return NULL;
}

static int apply_env(struct parse_ctx *ctx, char *const *envp, bool all)
{
	for (size_t i = 0; i < sizeof(env_options) / sizeof(env_options[0]); i++) {
		const char *v = cli_env_get(envp, env_options[i].var);

		if (!v)
			continue;
		/* Subcommands only take the directory and the log level from the environment. */
		if (!all && env_options[i].id != OPT_DIR && env_options[i].id != OPT_LOG_LEVEL)
			continue;
		/* An empty variable is as if it were unset. */
		if (!*v)
			continue;
		if (apply_from(ctx, SOURCE_ENV, env_options[i].id, v, env_options[i].var) < 0)
			return -1;
	}
	return 0;
}

/* The options a configuration file may set: every run option with a value, and group. */
static int config_option(const char *key)
{
	for (const struct option *t = run_options; t->name; t++)
		if (strcmp(t->name, key) == 0 && t->val != OPT_CONFIG &&
		    (t->has_arg == required_argument || t->val == 'g'))
			return t->val;
	return -1;
}

static int apply_config(struct parse_ctx *ctx, const struct config *cfg)
{
	for (int i = 0; i < cfg->n_items; i++) {
		const struct config_item *it = &cfg->items[i];
		int id = config_option(it->key);
		char what[512];

		snprintf(what, sizeof(what), "%s:%d:%d: %s", cfg->file, it->line, it->column,
			 it->key);
		if (id < 0)
			return log_format_error(ctx->err, ctx->errlen, "%s:%d:%d: unknown key '%s'",
						cfg->file, it->line, it->column, it->key);
		if (apply_from(ctx, SOURCE_CONFIG, id, it->value, what) < 0)
			return -1;
	}
	return 0;
}

const char *cli_hook_phase_name(enum hook_phase phase)
{
	static const char *const names[HOOK_PHASES] = { "pre-start", "post-ready", "pre-stop",
							"post-exit" };

	return phase < HOOK_PHASES ? names[phase] : "?";
}

const char *cli_config_path(int argc, char **argv, char *const *envp)
{
	const char *path = cli_env_get(envp, "BATON_CONFIG");
	int c;

	if (argc > 1 && subcommand(argv[1]) != CLI_RUN)
		return NULL;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hVvqge:r:sp:", run_options, NULL)) != -1)
		if (c == OPT_CONFIG)
			path = optarg;
	return path && *path ? path : NULL;
}

static void defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->log_level = -1;
	o->grace = 10;
	o->timeout = -1;
	o->dir = GATE_DEFAULT_DIR;
	o->hook_timeout = 30;
}

int cli_parse_env(struct options *o, char *const *envp, char *err, size_t errlen)
{
	struct parse_ctx ctx = { .o = o, .err = err, .errlen = errlen };

	defaults(o);
	return apply_env(&ctx, envp, true);
}

int cli_parse(struct options *o, int argc, char **argv, char *const *envp, const struct config *cfg,
	      char *err, size_t errlen)
{
	enum cli_command command = argc > 1 ? subcommand(argv[1]) : CLI_RUN;
	const struct option *table = run_options;
	const char *shortopts = "+hVvqge:r:sp:";
	struct parse_ctx ctx = { .o = o, .err = err, .errlen = errlen };
	int c, longindex;

	defaults(o);
	o->command = command;
	if (cfg && command == CLI_RUN && apply_config(&ctx, cfg) < 0)
		return -1;
	if (apply_env(&ctx, envp, command == CLI_RUN) < 0)
		return -1;
	switch (command) {
	case CLI_WAIT:
		table = wait_options;
		shortopts = "+hvq";
		break;
	case CLI_STATUS:
		table = status_options;
		shortopts = "+h";
		break;
	case CLI_NOTIFY:
		table = notify_options;
		shortopts = "+h";
		break;
	case CLI_INSTALL:
		table = install_options;
		shortopts = "+h";
		break;
	case CLI_INJECT:
		table = inject_options;
		shortopts = "+h";
		break;
	case CLI_TIMELINE:
		table = timeline_options;
		shortopts = "+h";
		break;
	default:
		break;
	}
	if (command != CLI_RUN) {
		argc--;
		argv++;
	}

	optind = 0;
	opterr = 0;
	while ((longindex = -1, c = getopt_long(argc, argv, shortopts, table, &longindex)) != -1) {
		char what[64];

		if (c == '?' || c == ':') {
			const char *bad = argv[optind - 1];

			/* A long option's error sets optopt to its val, not to a character. */
			if (optopt && strncmp(bad, "--", 2) == 0) {
				size_t len = strcspn(bad + 2, "=");

				for (const struct option *t = table; t->name; t++)
					if (t->val == optopt && strncmp(bad + 2, t->name, len) == 0)
						return log_format_error(
							err, errlen,
							bad[2 + len]
								? "option '%.*s' takes no value"
								: "option '%.*s' needs a value",
							(int)len + 2, bad);
			}
			if (optopt && (c == ':' || strchr(shortopts, optopt)))
				return log_format_error(err, errlen, "option '-%c' needs a value",
							optopt);
			if (optopt)
				return log_format_error(err, errlen, "unknown option '-%c'",
							optopt);
			if (strncmp(bad, "--", 2) == 0 && strchr(bad, '=') == NULL) {
				for (const struct option *t = table; t->name; t++)
					if (strcmp(bad + 2, t->name) == 0)
						return log_format_error(err, errlen,
									"option '%s' needs a value",
									bad);
			}
			return log_format_error(err, errlen, "unknown option '%s'", bad);
		}
		if (c == 'h') {
			o->help_for = command;
			o->command = CLI_HELP;
			return 0;
		}
		if (c == 'V') {
			o->command = CLI_VERSION;
			return 0;
		}
		if (longindex >= 0)
			snprintf(what, sizeof(what), "--%s", table[longindex].name);
		else
			snprintf(what, sizeof(what), "-%c", c < 256 ? c : '?');
		if (apply_from(&ctx, SOURCE_ARGV, c, optarg, what) < 0)
			return -1;
	}
	argc -= optind;
	argv += optind;

	switch (command) {
	case CLI_RUN:
		if (argc == 0 && cfg && cfg->command)
			o->argv = cfg->command;
		else if (argc == 0)
			return log_format_error(
				err, errlen,
				"no PROGRAM given (usage: baton [OPTIONS] -- PROGRAM [ARGS...])");
		else
			o->argv = argv;
		if (o->exit_with && o->name && strcmp(o->exit_with, o->name) == 0)
			return log_format_error(err, errlen,
						"--exit-with: '%s' is this container's own name",
						o->name);
		for (int i = 0; o->name && i < o->n_after; i++)
			if (strcmp(o->after[i], o->name) == 0)
				return log_format_error(err, errlen,
							"--after: '%s' cannot wait for itself",
							o->name);
		return 0;
	case CLI_WAIT:
		if (argc == 0)
			return log_format_error(err, errlen,
						"wait: no NAME given (usage: baton wait NAME...)");
		/* fall through */
	case CLI_STATUS:
		for (int i = 0; i < argc; i++)
			if (add_name(o->names, &o->n_names, argv[i], strlen(argv[i]),
				     command == CLI_WAIT ? "wait" : "status", err, errlen) < 0)
				return -1;
		return 0;
	case CLI_NOTIFY:
		if (argc > 0)
			return log_format_error(err, errlen, "notify: unexpected argument '%s'",
						argv[0]);
		if (!o->notify_ready && !o->notify_stopping && !o->notify_status)
			return log_format_error(
				err, errlen,
				"notify: nothing to send (give --ready, --status or --stopping)");
		return 0;
	case CLI_INSTALL:
		if (argc != 1)
			return log_format_error(err, errlen, "install: give exactly one DIR");
		if (!*argv[0])
			return log_format_error(err, errlen, "install: empty DIR");
		o->install_dir = argv[0];
		return 0;
	case CLI_INJECT:
		if (argc > 1)
			return log_format_error(err, errlen, "inject: give at most one FILE");
		o->inject_file = argc ? argv[0] : NULL;
		return 0;
	case CLI_TIMELINE:
		if (argc > 0)
			return log_format_error(err, errlen, "timeline: unexpected argument '%s'",
						argv[0]);
		return 0;
	default:
		return 0;
	}
}
