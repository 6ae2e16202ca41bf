// SPDX-License-Identifier: MIT
/*
 * Hooks. Owns the one hook that runs at a time: its pid (collected by the reaper, never waited
 * for here), the pipe its stdout and stderr share, and its deadline. It must never block the
 * loop and never let a hook outlive its deadline; a new phase preempts a phase still running.
 */
#include "hooks.h"

#include "log.h"
#include "reaper.h"
#include "spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOOKS_MAX     64
#define HOOK_MAX_ARGS 32

struct hook_entry {
	char name[300];
	char *argv[HOOK_MAX_ARGS + 1];
	char *words; /* storage for argv, or the path */
};

static struct {
	struct ev_loop *loop;
	const struct options *o;
	char *const *envp;
	pid_t main_pid;
	struct timespec started;
	/* the running phase */
	bool active;
	enum hook_phase phase;
	unsigned generation;
	struct hook_entry list[HOOKS_MAX];
	int n;
	int next;
	bool ok;
	double limit;
	char **env;
	size_t env_base; /* env[env_base...] are ours to free */
	void (*done)(enum hook_phase phase, bool ok);
	/* the running hook */
	pid_t pid;
	int out_fd;
	ev_io out;
	ev_timer timer;
	bool timed_out;
	/*
	 * A longer line is passed on in pieces of this size. log_line_from() writes at most 1024
	 * bytes with the prefix (up to ~340 bytes: NAME and PHASE/FILE), so a piece must leave
	 * room for it, or its end would be lost.
	 */
	char line[512];
	size_t line_len;
} h;

void hooks_setup(struct ev_loop *loop, const struct options *o, char *const *envp)
{
	h.loop = loop;
	h.o = o;
	h.envp = envp;
	h.out_fd = -1;
	ev_init(&h.out, NULL);
	ev_init(&h.timer, NULL);
}

void hooks_set_program(pid_t pid, const struct timespec *started)
{
	h.main_pid = pid;
	h.started = *started;
}

static void phase_dir(enum hook_phase phase, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", h.o->hooks_dir, cli_hook_phase_name(phase));
}

bool hooks_exist(enum hook_phase phase)
{
	char dir[4096];
	struct stat st;

	if (h.o->n_hooks[phase] > 0)
		return true;
	if (!h.o->hooks_dir)
		return false;
	phase_dir(phase, dir, sizeof(dir));
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int compare_entries(const void *a, const void *b)
{
	return strcmp(((const struct hook_entry *)a)->words, ((const struct hook_entry *)b)->words);
}

static void list_free(void)
{
	for (int i = 0; i < h.n; i++)
		free(h.list[i].words);
	h.n = 0;
	for (char **e = h.env ? h.env + h.env_base : NULL; e && *e; e++)
		free(*e);
	free(h.env);
	h.env = NULL;
}

/* DIR/PHASE's executables, sorted by name; anything else is skipped with a note. */
static void list_dir(enum hook_phase phase)
{
	char dir[4096];
	struct dirent *e;
	DIR *d;
	int first = h.n;

	phase_dir(phase, dir, sizeof(dir));
	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			log_warn("hooks: cannot read %s: %s", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) && h.n < HOOKS_MAX) {
		char path[4352];
		struct stat st;
		struct hook_entry *he;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || access(path, X_OK) < 0) {
			log_info("hooks: skipping %s (not an executable file)", path);
			continue;
		}
		he = &h.list[h.n];
		he->words = strdup(path);
		if (!he->words)
			continue;
		snprintf(he->name, sizeof(he->name), "%s/%s", cli_hook_phase_name(phase),
			 e->d_name);
		h.n++;
	}
	closedir(d);
	qsort(h.list + first, (size_t)(h.n - first), sizeof(h.list[0]), compare_entries);
	for (int i = first; i < h.n; i++) {
		h.list[i].argv[0] = h.list[i].words;
		h.list[i].argv[1] = NULL;
	}
}

static int env_add(size_t *n, const char *fmt, const char *a, long b)
{
	char buf[4200];

	if (a)
		snprintf(buf, sizeof(buf), fmt, a);
	else
		snprintf(buf, sizeof(buf), fmt, b);
	h.env[*n] = strdup(buf);
	return h.env[(*n)++] ? 0 : -1;
}

/* The variables baton sets for hooks; inherited ones of the same names are dropped. */
static bool env_ours(const char *e)
{
	static const char *const ours[] = { "BATON_PHASE=",	  "BATON_NAME=",
					    "BATON_DIR=",	  "BATON_MAIN_PID=",
					    "BATON_EXIT_STATUS=", "BATON_STARTED_AT=" };

	for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++)
		if (strncmp(e, ours[i], strlen(ours[i])) == 0)
			return true;
	return false;
}

static int env_build(enum hook_phase phase, int exit_status)
{
	size_t n = 0, count = 0;
	char started[48];

	while (h.envp[count])
		count++;
	h.env = calloc(count + 7, sizeof(char *));
	if (!h.env)
		return -1;
	for (size_t i = 0; i < count; i++)
		if (!env_ours(h.envp[i]))
			h.env[n++] = h.envp[i];
	h.env_base = n;
	if (env_add(&n, "BATON_PHASE=%s", cli_hook_phase_name(phase), 0) < 0 ||
	    env_add(&n, "BATON_NAME=%s", h.o->name ? h.o->name : "", 0) < 0 ||
	    env_add(&n, "BATON_DIR=%s", h.o->dir, 0) < 0 ||
	    env_add(&n, "BATON_MAIN_PID=%ld", NULL, phase == HOOK_PRE_START ? 0 : h.main_pid) < 0)
		return -1;
	snprintf(started, sizeof(started), "%lld.%03ld", (long long)h.started.tv_sec,
		 h.started.tv_nsec / 1000000);
	if (phase != HOOK_PRE_START && env_add(&n, "BATON_STARTED_AT=%s", started, 0) < 0)
		return -1;
	if (phase == HOOK_POST_EXIT && env_add(&n, "BATON_EXIT_STATUS=%ld", NULL, exit_status) < 0)
		return -1;
	return 0;
}

static void run_next(void);

static void output_line(const char *s, size_t len)
{
	log_line_from(h.list[h.next].name, s, len);
}

/* Reads what the hook wrote; flushes whole lines, and the rest when flush is set. */
static void output_drain(bool flush)
{
	for (;;) {
		char buf[4096];
		ssize_t n = read(h.out_fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || h.line_len == sizeof(h.line)) {
				output_line(h.line, h.line_len);
				h.line_len = 0;
				if (buf[i] == '\n')
					continue;
			}
			h.line[h.line_len++] = buf[i];
		}
	}
	if (flush && h.line_len) {
		output_line(h.line, h.line_len);
		h.line_len = 0;
	}
}

static void on_output(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	output_drain(false);
}

static void hook_close(void)
{
	ev_io_stop(h.loop, &h.out);
	ev_timer_stop(h.loop, &h.timer);
	if (h.out_fd >= 0)
		close(h.out_fd);
	h.out_fd = -1;
	h.pid = 0;
}

static void finish_phase(void)
{
	enum hook_phase phase = h.phase;
	void (*done)(enum hook_phase, bool) = h.done;
	bool ok = h.ok;

	h.active = false;
	list_free();
	done(phase, ok);
}

static void on_hook_exit(pid_t pid, int wstatus, void *data)
{
	struct hook_entry *he;
	int code = reaper_exit_code(wstatus);

	(void)pid;
	if ((unsigned)(uintptr_t)data != h.generation || !h.active)
		return;
	he = &h.list[h.next];
	output_drain(true);
	hook_close();
	if (h.timed_out) {
		h.ok = false;
	} else if (code != 0) {
		log_warn("hook %s exited %d", he->name, code);
		h.ok = false;
	} else {
		log_debug("hook %s done", he->name);
	}
	h.next++;
	if (!h.ok && h.phase == HOOK_PRE_START)
		h.next = h.n;
	run_next();
}

static void on_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	log_warn("hook %s still runs after %gs: killed", h.list[h.next].name, h.limit);
	h.timed_out = true;
	kill(-h.pid, SIGKILL);
}

static void run_next(void)
{
	struct hook_entry *he;
	struct spawn_req req = { .envp = h.env, .own_group = true, .close_fds = true };
	int p[2], devnull, exec_errno;

	if (h.next >= h.n) {
		finish_phase();
		return;
	}
	he = &h.list[h.next];
	h.timed_out = false;
	h.line_len = 0;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (pipe2(p, O_CLOEXEC) < 0) {
		log_error("hook %s: pipe: %s", he->name, strerror(errno));
		if (devnull >= 0)
			close(devnull);
		h.ok = false;
		h.next = h.phase == HOOK_PRE_START ? h.n : h.next + 1;
		run_next();
		return;
	}
	req.argv = he->argv;
	req.stdin_fd = devnull;
	req.stdout_fd = p[1];
	req.stderr_fd = p[1];
	log_debug("hook %s: starting", he->name);
	h.pid = spawn_start(&req, &exec_errno);
	close(p[1]);
	if (devnull >= 0)
		close(devnull);
	if (h.pid > 0 && reaper_watch(h.pid, on_hook_exit, (void *)(uintptr_t)h.generation) < 0) {
		kill(-h.pid, SIGKILL);
		h.pid = -1;
	}
	if (h.pid < 0) {
		log_error("hook %s: cannot start: %s", he->name, strerror(errno));
		close(p[0]);
		h.pid = 0;
		h.ok = false;
		h.next = h.phase == HOOK_PRE_START ? h.n : h.next + 1;
		run_next();
		return;
	}
	/* A failed exec already exited 127; its status arrives through the reaper. */
	if (exec_errno)
		log_error("hook %s: cannot execute '%s': %s", he->name, he->argv[0],
			  strerror(exec_errno));
	h.out_fd = p[0];
	fcntl(h.out_fd, F_SETFL, O_NONBLOCK);
	ev_io_init(&h.out, on_output, h.out_fd, EV_READ);
	ev_io_start(h.loop, &h.out);
	ev_timer_init(&h.timer, on_timeout, h.limit, 0);
	ev_timer_start(h.loop, &h.timer);
}

void hooks_cancel(void)
{
	if (!h.active)
		return;
	if (h.pid > 0) {
		/* What it wrote so far is still shown, a last line without its newline too. */
		output_drain(true);
		log_warn("hook %s killed: %s hooks are cut short", h.list[h.next].name,
			 cli_hook_phase_name(h.phase));
		kill(-h.pid, SIGKILL);
	}
	hook_close();
	h.active = false;
	h.generation++;
	list_free();
}

bool hooks_busy(void)
{
	return h.active;
}

int hooks_run(enum hook_phase phase, int exit_status, double limit,
	      void (*done)(enum hook_phase phase, bool ok))
{
	if (!hooks_exist(phase))
		return 1;
	hooks_cancel();
	h.generation++;
	h.phase = phase;
	h.done = done;
	h.ok = true;
	h.next = 0;
	h.n = 0;
	h.limit = limit < h.o->hook_timeout ? limit : h.o->hook_timeout;
	for (int i = 0; i < h.o->n_hooks[phase] && h.n < HOOKS_MAX; i++) {
		struct hook_entry *he = &h.list[h.n];

		if (spawn_command_argv(h.o->hooks[phase][i], he->argv, HOOK_MAX_ARGS, &he->words) <
		    0) {
			log_error("hook %s[%d]: empty command", cli_hook_phase_name(phase), i + 1);
			continue;
		}
		snprintf(he->name, sizeof(he->name), "%s[%d]", cli_hook_phase_name(phase), i + 1);
		h.n++;
	}
	if (h.o->hooks_dir)
		list_dir(phase);
	if (h.n == 0) {
		list_free();
		return 1;
	}
	if (env_build(phase, exit_status) < 0) {
		log_error("hooks: out of memory");
		list_free();
		return 1;
	}
	log_debug("running %d %s hook(s)", h.n, cli_hook_phase_name(phase));
	h.active = true;
	run_next();
	return 0;
}
