// SPDX-License-Identifier: MIT
/*
 * The client subcommands. They share the gate and notify modules with the supervisor and own
 * nothing beyond one command's run. status writes its report to stdout (it is the command's
 * output); everything else goes to stderr.
 */
#include "commands.h"

#include "gate.h"
#include "journal.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "signals.h"
#include "timeline.h"

#include <baton/exit.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct {
	struct ev_loop *loop;
	int sig_fd;
	ev_io sig_io;
	int code;
} waiting;

static void wait_done(bool ready)
{
	waiting.code = ready ? BATON_EXIT_OK : BATON_EXIT_TIMEOUT;
	ev_break(waiting.loop, EVBREAK_ALL);
}

static void wait_signal(struct ev_loop *loop, ev_io *w, int revents)
{
	struct signalfd_siginfo si;

	(void)w;
	(void)revents;
	while (signals_read(waiting.sig_fd, &si) == 1) {
		int sig = (int)si.ssi_signo;

		if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP || sig == SIGQUIT) {
			waiting.code = 128 + sig;
			ev_break(loop, EVBREAK_ALL);
			return;
		}
	}
}

int commands_wait(const struct options *o)
{
	char err[512];
	int rc;

	if (gate_open(o->dir, false, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return BATON_EXIT_OSERR;
	}
	waiting.sig_fd = signals_setup();
	waiting.loop = loop_new();
	if (waiting.sig_fd < 0 || !waiting.loop) {
		log_error("cannot set up the event loop: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	ev_io_init(&waiting.sig_io, wait_signal, waiting.sig_fd, EV_READ);
	ev_io_start(waiting.loop, &waiting.sig_io);
	rc = gate_await_start(waiting.loop, (char(*)[GATE_NAME_MAX + 1]) o->names, o->n_names,
			      o->timeout, wait_done);
	if (rc < 0) {
		log_error("cannot wait: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	if (rc == 1)
		return BATON_EXIT_OK;
	ev_run(waiting.loop, 0);
	return waiting.code;
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* The state a reader should act on: "gone" when a non-final record lost its owner. */
static const char *view_state(const struct gate_view *v, char *buf, size_t size)
{
	if (v->state == GATE_EXITED)
		snprintf(buf, size, "exited %d", v->rec.exit_code);
	else if (v->state >= GATE_STARTING && v->state <= GATE_STOPPING && !v->alive)
		snprintf(buf, size, "gone");
	else
		snprintf(buf, size, "%s", gate_state_name(v->state));
	return buf;
}

int commands_status(const struct options *o)
{
	static char all[256][GATE_NAME_MAX + 1];
	char(*names)[GATE_NAME_MAX + 1] = (char(*)[GATE_NAME_MAX + 1]) o->names;
	int n = o->n_names;
	bool ready = true;
	struct timespec now;
	char err[512];

	/* A reader creates nothing: no DIR yet simply means no records yet. */
	int rc = gate_open_existing(o->dir, err, sizeof(err));

	if (rc < 0) {
		log_error("%s", err);
		return BATON_EXIT_OSERR;
	}
	if (n == 0) {
		n = rc == 1 ? 0 : gate_list(all, 256);
		if (n < 0) {
			log_error("cannot list %s: %s", o->dir, strerror(errno));
			return BATON_EXIT_OSERR;
		}
		names = all;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (o->json)
		printf("[");
	else if (n > 0)
		printf("%-24s %-12s %-8s %-32s %s\n", "NAME", "STATE", "SINCE", "INCARNATION",
		       "STATUS");
	for (int i = 0; i < n; i++) {
		struct gate_view v;
		char state[32], since[32];

		gate_read(names[i], &v);
		ready = ready && gate_view_ready(&v);
		view_state(&v, state, sizeof(state));
		/* A writer whose clock runs ahead dates its record in our future: no negative age.
		 */
		if (v.state > GATE_INVALID && v.rec.since.tv_sec > now.tv_sec)
			snprintf(since, sizeof(since), "future");
		else if (v.state > GATE_INVALID)
			snprintf(since, sizeof(since), "%llds",
				 (long long)(now.tv_sec - v.rec.since.tv_sec));
		else
			snprintf(since, sizeof(since), "-");
		if (o->json) {
			printf("%s\n  {\"name\": ", i ? "," : "");
			json_string(names[i]);
			printf(", \"state\": ");
			json_string(state);
			printf(", \"ready\": %s, \"alive\": %s",
			       gate_view_ready(&v) ? "true" : "false", v.alive ? "true" : "false");
			if (v.state > GATE_INVALID) {
				printf(", \"since\": %lld.%09ld, \"incarnation\": ",
				       (long long)v.rec.since.tv_sec, v.rec.since.tv_nsec);
				json_string(v.rec.incarnation);
				if (v.state == GATE_EXITED || v.state == GATE_DONE)
					printf(", \"exit\": %d", v.rec.exit_code);
				printf(", \"status\": ");
				json_string(v.rec.status);
			} else if (v.state == GATE_INVALID) {
				printf(", \"error\": ");
				json_string(v.why);
			}
			printf("}");
		} else {
			const char *text = v.state == GATE_INVALID ? v.why : v.rec.status;

			printf("%-24s %-12s %-8s %-32s%s%s\n", names[i], state, since,
			       v.state > GATE_INVALID ? v.rec.incarnation : "-", *text ? " " : "",
			       text);
		}
	}
	if (o->json)
		printf("%s]\n", n ? "\n" : "");
	if (fflush(stdout) != 0) {
		log_error("cannot write the status: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	return o->n_names && !ready ? BATON_EXIT_NOT_READY : BATON_EXIT_OK;
}

int commands_timeline(const struct options *o)
{
	struct journal_entry *entries;
	int skipped, n = journal_read(o->dir, &entries, &skipped);
	FILE *svg;

	if (n < 0) {
		log_error("cannot read the journal in %s: %s", o->dir, strerror(errno));
		return BATON_EXIT_OSERR;
	}
	if (skipped)
		log_warn("%s: skipped %d line%s or file%s that are not journal entries", o->dir,
			 skipped, skipped == 1 ? "" : "s", skipped == 1 ? "" : "s");
	if (n == 0) {
		log_error("no journal entries in %s", o->dir);
		return BATON_EXIT_NOT_READY;
	}
	timeline_text(entries, n, isatty(STDOUT_FILENO), stdout);
	if (fflush(stdout) != 0) {
		log_error("cannot write the timeline: %s", strerror(errno));
		free(entries);
		return BATON_EXIT_OSERR;
	}
	if (o->svg_file) {
		svg = fopen(o->svg_file, "we");
		if (svg)
			timeline_svg(entries, n, svg);
		if (!svg || ferror(svg) | (fclose(svg) != 0)) {
			log_error("cannot write %s: %s", o->svg_file, strerror(errno));
			free(entries);
			return BATON_EXIT_OSERR;
		}
	}
	free(entries);
	return BATON_EXIT_OK;
}

int commands_notify(const struct options *o)
{
	char text[GATE_STATUS_MAX + 64] = "", err[512];
	size_t len = 0;

	if (o->notify_status)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "STATUS=%s\n",
					o->notify_status);
	if (o->notify_ready)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "READY=1\n");
	if (o->notify_stopping)
		snprintf(text + len, sizeof(text) - len, "STOPPING=1\n");
	if (notify_send(getenv("NOTIFY_SOCKET"), text, 5000, err, sizeof(err)) < 0) {
		log_error("notify: %s", err);
		return BATON_EXIT_OSERR;
	}
	return BATON_EXIT_OK;
}

int commands_install(const struct options *o)
{
	char dst[4096], tmp[4096];
	struct stat st;
	int in, out = -1;
	off_t off = 0;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/baton", o->install_dir) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.baton.%d", o->install_dir, (int)getpid()) >=
		    sizeof(tmp)) {
		log_error("install: %s: path too long", o->install_dir);
		return BATON_EXIT_USAGE;
	}
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) < 0) {
		log_error("install: cannot open my own binary (/proc/self/exe): %s",
			  strerror(errno));
		return BATON_EXIT_OSERR;
	}
	out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0755);
	if (out < 0) {
		log_error("install: cannot create %s: %s", tmp, strerror(errno));
		close(in);
		return BATON_EXIT_OSERR;
	}
	while (off < st.st_size) {
		ssize_t n = sendfile(out, in, &off, (size_t)(st.st_size - off));

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0)
				errno = EIO;
			break;
		}
	}
	if (off < st.st_size || fchmod(out, 0755) < 0 || fsync(out) < 0 || close(out) < 0 ||
	    rename(tmp, dst) < 0) {
		log_error("install: cannot write %s: %s", dst, strerror(errno));
		unlink(tmp);
		close(in);
		return BATON_EXIT_OSERR;
	}
	close(in);
	log_info("installed %s", dst);
	return BATON_EXIT_OK;
}
