// SPDX-License-Identifier: MIT
/*
 * The supervisor. Owns the run's state machine:
 *
 *   WAITING (--after not ready; no PROGRAM) -> JITTER -> PRESTART (pre-start hooks) -> RUNNING
 *   RUNNING -> STOPPING (TERM/INT, watchdog or --exit-with: grace timer armed, pre-stop hooks,
 *              then the stop signal is forwarded)
 *   RUNNING/STOPPING -> POSTEXIT (PROGRAM exited: post-exit hooks)
 *              -> DRAINING (other processes linger: TERM, grace, KILL) -> exit
 *
 * A stop (TERM/INT, watchdog, --exit-with) has one deadline, --grace after it began: PROGRAM's
 * exit inside it does not start a fresh grace for what PROGRAM left behind.
 *
 * Before ev_run() every failure ends baton with one line and a documented code; once the loop
 * runs nothing here may end baton except PROGRAM's end: errors are logged and survived.
 */
#include "run.h"

#include "gate.h"
#include "hooks.h"
#include "journal.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "probe.h"
#include "reaper.h"
#include "signals.h"
#include "spawn.h"

#include <baton/exit.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

enum phase {
	PHASE_SETUP,
	PHASE_WAITING,
	PHASE_JITTER,
	PHASE_PRESTART,
	PHASE_RUNNING,
	PHASE_STOPPING,
	PHASE_POSTEXIT,
	PHASE_DRAINING,
	PHASE_DONE,
};

static struct {
	struct options *o;
	struct ev_loop *loop;
	enum phase phase;
	pid_t child;	/* PROGRAM as started */
	pid_t main_pid; /* PROGRAM, or what it named with MAINPID= */
	int exit_code;
	int exit_signal; /* the signal that killed PROGRAM, 0 when it exited */
	bool ready;
	bool met[PROBE_MAX];
	bool ordering;	    /* --name, --after or --exit-with: log the story at info level */
	bool asked_to_stop; /* baton itself stopped PROGRAM (--exit-with) */
	int stop_sent;	    /* the signal the stop sequence forwarded, 0 before */
	bool stop_armed;    /* the grace timer measures a stop's deadline (set once, kept) */
	int held_sig;	    /* the stop signal held back while pre-stop hooks run */
	struct signalfd_siginfo held_si;
	sigset_t ignore_once; /* dumb-init: the HUP and CONT of its own tty hand-off */
	int sig_fd;
	ev_io sig_io;
	ev_timer grace;
	ev_timer jitter;
	ev_timer watchdog;
	char **program_env;
	char **helper_env; /* probes: without NOTIFY_SOCKET and WATCHDOG_* */
	char *pid_env[SPAWN_MAX_PID_ENV];
} run;

static void finish(int code)
{
	run.exit_code = code;
	run.phase = PHASE_DONE;
	ev_break(run.loop, EVBREAK_ALL);
}

/*
 * The journal line of a state change: best effort, after the publish it describes, and dated
 * when, before it: a dependent woken by the publish must never journal an earlier time.
 */
static void note(const struct timespec *when, enum gate_state state, int code)
{
	bool signaled = run.exit_signal && code == 128 + run.exit_signal;

	if (state == GATE_READY)
		journal_note_at(when, JOURNAL_READY, false, 0, NULL);
	else if (state == GATE_STOPPING)
		journal_note_at(when, JOURNAL_STOPPING, false, 0, NULL);
	else if (state == GATE_EXITED || state == GATE_DONE)
		journal_note_at(when, JOURNAL_EXITED, signaled,
				signaled ? run.exit_signal : (code > 255 ? 255 : code), NULL);
}

/*
 * Publishing never gives up while baton runs: a record that cannot be written (a full or
 * read-only DIR, no descriptors left) is written again with a backoff until it lands. There is
 * no event for "space came back", so this is the one timer the gate keeps, and only while a
 * publish is pending. One line per kind of failure, one when it lands.
 */
static struct {
	ev_timer timer;
	double backoff;
	int last_errno;
	int failures;
} pub;

static void publish_failed(void)
{
	if (errno != pub.last_errno)
		log_error("cannot publish %s in %s: %s; retrying",
			  gate_state_name(gate_published_state()), gate_dir(), strerror(errno));
	pub.last_errno = errno;
	pub.failures++;
	pub.backoff = pub.backoff > 0 ? (pub.backoff * 2 > 5 ? 5 : pub.backoff * 2) : 0.1;
	ev_timer_set(&pub.timer, pub.backoff, 0);
	ev_timer_start(run.loop, &pub.timer);
}

static void publish_landed(void)
{
	enum gate_state state = gate_published_state();

	if (pub.failures)
		log_info("published %s after %d failed %s", gate_state_name(state), pub.failures,
			 pub.failures == 1 ? "try" : "tries");
	else if (state != GATE_STARTING)
		log_info("published %s", gate_state_name(state));
	pub.failures = 0;
	pub.last_errno = 0;
	pub.backoff = 0;
}

static void on_republish(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (gate_republish() < 0)
		publish_failed();
	else
		publish_landed();
}

/*
 * A line in a personality's own voice, when its verbosity reaches level: tini's
 * "[WARN  tini (PID)] ..." (level 1, stderr; INFO 2 and DEBUG 3 on stdout, as tini does) or
 * dumb-init's "[dumb-init] ..." (its -v, stderr). baton's own lines go through log.c.
 */
static void say(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int level, const char *fmt, ...)
{
	static const char *const labels[] = { "FATAL", "WARN", "INFO", "DEBUG" };
	char buf[1024];
	int n, fd = STDERR_FILENO;
	va_list ap;

	if (run.o->personality == PERSONALITY_BATON || run.o->verbosity < level)
		return;
	if (run.o->personality == PERSONALITY_TINI) {
		n = snprintf(buf, sizeof(buf), "[%-5s tini (%d)] ", labels[level > 3 ? 3 : level],
			     (int)getpid());
		if (level > 1)
			fd = STDOUT_FILENO;
	} else
		n = snprintf(buf, sizeof(buf), "[dumb-init] ");
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	if (write(fd, buf, (size_t)n) < 0)
		(void)0;
}

static void publish(enum gate_state state, int code, const char *status)
{
	struct timespec when;

	clock_gettime(CLOCK_REALTIME, &when);
	if (!run.o->name) {
		note(&when, state, code);
		return;
	}
	ev_timer_stop(run.loop, &pub.timer); /* a newer state replaces a pending one */
	if (gate_publish(state, code, status) < 0)
		publish_failed();
	else
		publish_landed();
	note(&when, state, code);
}

/* Before baton exits: one last try for a publish still pending, and a word if it fails. */
static void publish_flush(void)
{
	if (!run.o->name || !ev_is_active(&pub.timer))
		return;
	ev_timer_stop(run.loop, &pub.timer);
	if (gate_republish() == 0) {
		publish_landed();
		return;
	}
	log_error("exiting without publishing %s in %s (%s): waiters see the owner gone",
		  gate_state_name(gate_published_state()), gate_dir(), strerror(errno));
}

/* Readiness: every --ready-on condition met (exit0 only counts once PROGRAM exited 0). */
static bool all_met(void)
{
	for (int i = 0; i < run.o->n_ready_on; i++)
		if (!run.met[i])
			return false;
	return true;
}

static void on_hooks_done(enum hook_phase phase, bool ok);
static void after_program(void);

static void check_ready(void)
{
	if (run.ready || !all_met() || run.phase != PHASE_RUNNING)
		return;
	run.ready = true;
	probe_stop();
	publish(GATE_READY, 0, NULL);
	notify_upward_send("READY=1");
	hooks_run(HOOK_POST_READY, 0, run.o->hook_timeout, on_hooks_done);
}

static void meet(enum probe_kind kind)
{
	for (int i = 0; i < run.o->n_ready_on; i++)
		if (run.o->ready_on[i].kind == kind)
			run.met[i] = true;
	check_ready();
}

static void on_probe_ready(int index)
{
	run.met[index] = true;
	check_ready();
}

/* Nothing but baton left: exit with PROGRAM's status. */
static void drain_check(void)
{
	if (run.phase == PHASE_DRAINING && reaper_signal_all(0) == 0)
		finish(run.exit_code);
}

static int map_signal(int sig)
{
	for (int i = 0; i < run.o->n_maps; i++)
		if (run.o->maps[i].from == sig) {
			if (run.o->personality == PERSONALITY_DUMB_INIT)
				say(1, "Translating signal %d to %d.", sig, run.o->maps[i].to);
			return run.o->maps[i].to;
		}
	return sig;
}

static void forward(int sig, const struct signalfd_siginfo *si)
{
	char a[24], b[24];
	int to = map_signal(sig);
	pid_t target = run.o->group ? -run.child : run.main_pid;
	int rc, err;

	if (to == 0) {
		log_debug("dropping %s (mapped to 0)", signals_name(sig, a, sizeof(a)));
		if (run.o->personality == PERSONALITY_DUMB_INIT)
			say(1, "Not forwarding signal %d to children (ignored).", sig);
		return;
	}
	if (sig == SIGTERM || sig == SIGINT)
		run.stop_sent = to;
	if (run.phase == PHASE_DRAINING) {
		reaper_signal_all(to);
		log_debug("forwarded %s to every remaining process",
			  signals_name(to, a, sizeof(a)));
		return;
	}
	/* Keep a queued signal's value; kill() would lose it. */
	if (target == 0) /* PROGRAM is gone (dumb-init's TERM on exit, single-child mode) */
		rc = 0;
	else if (si->ssi_code == SI_QUEUE && target > 0)
		rc = sigqueue(target, to, (union sigval){ .sival_int = si->ssi_int });
	else
		rc = kill(target, to);
	err = rc < 0 ? errno : 0;
	if (run.o->personality == PERSONALITY_DUMB_INIT)
		say(1, "Forwarded signal %d to children.", to);
	else if (err == ESRCH)
		say(1, "Child was dead when forwarding signal");
	errno = err;
	if (rc < 0 && errno != ESRCH)
		log_warn("cannot forward %s to %d: %s", signals_name(to, a, sizeof(a)), target,
			 strerror(errno));
	else if (to == sig)
		log_debug("forwarded %s to %s %d", signals_name(sig, a, sizeof(a)),
			  target < 0 ? "process group" : "pid", target < 0 ? -target : target);
	else
		log_debug("forwarded %s as %s to %s %d", signals_name(sig, a, sizeof(a)),
			  signals_name(to, b, sizeof(b)), target < 0 ? "process group" : "pid",
			  target < 0 ? -target : target);
}

/* The stop's deadline: --grace from now, once; PROGRAM's exit does not move it. */
static void stop_arm(void)
{
	if (run.stop_armed || run.o->grace < 0) /* a personality without BATON_GRACE */
		return;
	run.stop_armed = true;
	ev_timer_stop(run.loop, &run.grace);
	ev_timer_set(&run.grace, run.o->grace, 0);
	ev_timer_start(run.loop, &run.grace);
}

/* Past the deadline: SIGKILL what is left, and look again every 100 ms (see on_grace). */
static void drain_kill(void)
{
	run.phase = PHASE_DRAINING;
	reaper_signal_all(SIGKILL);
	/*
	 * A process baton did not fork (podman exec, kubectl exec) dies without a SIGCHLD to
	 * baton: look again every 100 ms until nothing but baton is left.
	 */
	run.grace.repeat = 0.1;
	ev_timer_again(run.loop, &run.grace);
	drain_check();
}

/*
 * The stop sequence: publish stopping, arm the grace timer (which bounds everything that
 * follows), run the pre-stop hooks, and only then forward sig.
 */
static void stop_begin(int sig, const struct signalfd_siginfo *si, const char *why)
{
	if (run.phase != PHASE_RUNNING) {
		forward(sig, si);
		return;
	}
	run.phase = PHASE_STOPPING;
	log_info("stopping PROGRAM (%s); SIGKILL in %gs", why, run.o->grace);
	publish(GATE_STOPPING, 0, NULL);
	notify_upward_send("STOPPING=1");
	stop_arm();
	run.held_sig = sig;
	run.held_si = *si;
	/* A personality without BATON_GRACE has no deadline: its hooks get their own. */
	if (hooks_run(HOOK_PRE_STOP, 0, run.o->grace >= 0 ? run.o->grace : run.o->hook_timeout,
		      on_hooks_done) == 1) {
		run.held_sig = 0;
		forward(sig, si);
	}
}

/* Before PROGRAM exists a stop signal ends baton; anything else has no one to go to. */
static void signal_before_start(int sig, const char *name)
{
	if (sig == SIGTERM || sig == SIGINT || sig == SIGQUIT) {
		log_info("%s before PROGRAM started: exiting", name);
		hooks_cancel();
		publish(GATE_EXITED, 128 + sig, NULL);
		finish(128 + sig);
		return;
	}
	log_debug("%s: no PROGRAM yet, ignored", name);
}

/* For messages only: the names cost a format each, so they are made when a line needs one. */
static const char *sig_name(int sig)
{
	static char buf[24];

	return signals_name(sig, buf, sizeof(buf));
}

/* One signal read from the signalfd; false once baton is done. */
static bool handle_signal(const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;

	if (run.o->personality == PERSONALITY_DUMB_INIT)
		say(1, "Received signal %d.", sig);
	else if (run.o->personality == PERSONALITY_TINI && run.o->verbosity >= 3)
		say(3, sig == SIGCHLD ? "Received SIGCHLD" : "Passing signal: '%s'",
		    strsignal(sig));
	if (sigismember(&run.ignore_once, sig) == 1) {
		say(1, "Ignoring tty hand-off signal %d.", sig);
		sigdelset(&run.ignore_once, sig);
		return true;
	}
	if (sig == SIGCHLD) {
		reaper_collect();
		drain_check();
		return run.phase != PHASE_DONE;
	}
	/* A write to a closed stderr raises SIGPIPE in baton itself: not PROGRAM's. */
	if (sig == SIGPIPE && si->ssi_pid == (uint32_t)getpid())
		return true;
	if (signals_is_fault(sig) && !run.o->forward_faults) {
		log_debug("%s from pid %u: a fault signal, not forwarded", sig_name(sig),
			  si->ssi_pid);
		return true;
	}
	switch (run.phase) {
	case PHASE_SETUP:
	case PHASE_WAITING:
	case PHASE_JITTER:
	case PHASE_PRESTART:
		signal_before_start(sig, sig_name(sig));
		return run.phase != PHASE_DONE;
	case PHASE_DONE:
		return false;
	case PHASE_POSTEXIT:
		/* PROGRAM is gone; a stop signal cuts the post-exit hooks short. */
		if (sig == SIGTERM || sig == SIGINT) {
			hooks_cancel();
			stop_arm();
			after_program();
		}
		return run.phase != PHASE_DONE;
	default:
		break;
	}
	log_debug("received %s from pid %u", sig_name(sig), si->ssi_pid);
	if ((sig == SIGTERM || sig == SIGINT) && run.phase == PHASE_RUNNING && run.o->grace >= 0)
		stop_begin(sig, si, sig_name(sig));
	else
		forward(sig, si);
	/* dumb-init's job control: PROGRAM stopped, so its init stops too (a shell sees it). */
	if (run.o->suspend_on_tty && (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)) {
		say(1, "Suspending self due to TTY signal.");
		kill(getpid(), SIGSTOP);
	}
	return run.phase != PHASE_DONE;
}

static void on_signal(struct ev_loop *loop, ev_io *w, int revents)
{
	struct signalfd_siginfo batch[8];
	int n;

	(void)loop;
	(void)w;
	(void)revents;
	/* A short batch means the queue is empty: no second read just to hear EAGAIN. */
	do {
		n = signals_read_batch(run.sig_fd, batch, 8);
		for (int i = 0; i < n; i++)
			if (!handle_signal(&batch[i]))
				return;
	} while (n == 8);
	if (n < 0)
		log_warn("reading signals: %s", strerror(errno));
}

static void on_grace(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	if (run.phase == PHASE_DRAINING && w->repeat > 0) {
		reaper_signal_all(SIGKILL);
		drain_check();
		return;
	}
	hooks_cancel();
	if (run.phase == PHASE_STOPPING) {
		log_warn("PROGRAM still runs %gs after it was asked to stop: SIGKILL",
			 run.o->grace);
		if (run.main_pid > 0)
			kill(run.main_pid, SIGKILL);
		reaper_signal_all(SIGKILL);
		return;
	}
	if (run.phase == PHASE_POSTEXIT) {
		/* The stop's deadline came while post-exit hooks ran: they are cut short. */
		after_program();
		return;
	}
	if (run.stop_armed)
		log_warn("processes still run %gs after the stop began: SIGKILL", run.o->grace);
	else
		log_warn("processes still run %gs after PROGRAM exited: SIGKILL", run.o->grace);
	drain_kill();
}

static void on_watchdog(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	log_error("no WATCHDOG=1 from PROGRAM for %gs", run.o->watchdog);
	if (run.phase == PHASE_RUNNING)
		stop_begin(SIGTERM, &(struct signalfd_siginfo){ .ssi_code = SI_USER }, "watchdog");
}

/* --exit-with: the named container has exited, or its owner is gone. */
static void on_exit_with(void)
{
	struct gate_view v;
	char what[160];
	struct timespec now;

	gate_read(run.o->exit_with, &v);
	if (!(v.state == GATE_EXITED || v.state == GATE_DONE ||
	      (v.state >= GATE_STARTING && v.state <= GATE_STOPPING && !v.alive)))
		return;
	gate_watch_stop();
	if (run.phase != PHASE_RUNNING)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gate_view_describe(&v, &now, what, sizeof(what));
	log_info("%s: %s", run.o->exit_with, what);
	run.asked_to_stop = true;
	stop_begin(SIGTERM, &(struct signalfd_siginfo){ .ssi_code = SI_USER }, "--exit-with");
}

/* After PROGRAM and its post-exit hooks: stop what lingers, or exit. */
static void after_program(void)
{
	if (run.o->exit_with_program) {
		if (run.o->personality == PERSONALITY_DUMB_INIT)
			say(1, "Child exited with status %d. Goodbye.", run.exit_code);
		finish(run.exit_code);
		return;
	}
	/*
	 * Children PROGRAM left dead but unreaped came to us with it and still answer kill(0):
	 * reap them first, or a clean exit is taken for processes left behind.
	 */
	reaper_collect();
	if (reaper_signal_all(0) == 0) {
		finish(run.exit_code);
		return;
	}
	if (run.stop_armed && !ev_is_active(&run.grace)) {
		log_warn("PROGRAM left processes behind after the %gs grace ran out: SIGKILL",
			 run.o->grace);
		drain_kill();
		return;
	}
	if (run.stop_armed)
		log_info("PROGRAM left processes behind: SIGTERM, SIGKILL in %.1fs (the stop's "
			 "deadline)",
			 ev_timer_remaining(run.loop, &run.grace));
	else
		log_info("PROGRAM left processes behind: SIGTERM, SIGKILL in %gs", run.o->grace);
	reaper_signal_all(SIGTERM);
	run.phase = PHASE_DRAINING;
	if (!run.stop_armed) {
		ev_timer_set(&run.grace, run.o->grace, 0);
		ev_timer_start(run.loop, &run.grace);
	}
}

static void program_exited(pid_t pid, int wstatus, void *data)
{
	int code = reaper_exit_code(wstatus);
	bool done = false;

	(void)data;
	if (pid != run.main_pid) {
		log_debug("pid %d exited; PROGRAM's main pid is now %d", pid, run.main_pid);
		return;
	}
	if (code < 256 && run.o->remap_exit[code]) {
		log_debug("PROGRAM exited %d, reported as 0 (--remap-exit)", code);
		code = 0;
	}
	/* A sidecar that baton itself stopped did nothing wrong by dying of the signal. */
	if (run.asked_to_stop && run.stop_sent && code == 128 + run.stop_sent) {
		log_debug("PROGRAM exited %d after baton stopped it: reported as 0", code);
		code = 0;
	}
	if (run.ordering)
		log_info("PROGRAM exited %d", code);
	else
		log_debug("PROGRAM exited %d", code);
	run.exit_code = code;
	run.exit_signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	run.main_pid = 0;
	if (WIFSIGNALED(wstatus))
		say(2, "Main child exited with signal (with signal '%s')",
		    strsignal(WTERMSIG(wstatus)));
	else
		say(2, "Main child exited normally (with status '%d')", WEXITSTATUS(wstatus));
	/* dumb-init tells the rest of the session to go (and only says so in single-child mode). */
	if (run.o->term_on_exit)
		forward(SIGTERM, &(struct signalfd_siginfo){ .ssi_code = SI_USER });
	probe_stop();
	gate_watch_stop();
	ev_timer_stop(run.loop, &run.watchdog);
	if (!run.stop_armed)
		ev_timer_stop(run.loop, &run.grace);
	for (int i = 0; i < run.o->n_ready_on; i++)
		if (!run.met[i] && code == 0 && probe_check_now(&run.o->ready_on[i]))
			run.met[i] = true;
	for (int i = 0; i < run.o->n_ready_on; i++)
		if (run.o->ready_on[i].kind == PROBE_EXIT0 && code == 0) {
			run.met[i] = true;
			done = all_met();
		}
	publish(done ? GATE_DONE : GATE_EXITED, code, NULL);
	run.phase = PHASE_POSTEXIT;
	/*
	 * Post-ready and pre-stop hooks were for a PROGRAM that is gone: cut them short even when
	 * there are no post-exit hooks to do it, rather than take them for PROGRAM's leftovers.
	 */
	hooks_cancel();
	if (hooks_run(HOOK_POST_EXIT, code, run.o->hook_timeout, on_hooks_done) == 1)
		after_program();
}

/*
 * Only PROGRAM's processes count. As PID 1 that is every process the kernel names at all (a
 * pid of 0 comes from outside the container), even one that exited before its datagram was
 * read; otherwise a live descendant of baton, checked through /proc. false with errno 0 when
 * the sender is not one of them, with errno set when /proc could not tell.
 */
static bool sender_allowed(pid_t sender)
{
	errno = 0;
	if (sender <= 0 || sender == getpid())
		return false;
	if (sender == run.child || sender == run.main_pid || reaper_is_pid1())
		return true;
	return reaper_is_descendant(sender, getpid());
}

static bool on_notify(const struct notify_msg *m, pid_t sender)
{
	const char *vital = notify_vital(m);

	if (!sender_allowed(sender)) {
		if (errno)
			log_error("notify: dropped a datagram%s%s from pid %d: cannot tell whether "
				  "it is one of PROGRAM's processes: %s",
				  vital ? " with " : "", vital ? vital : "", sender,
				  strerror(errno));
		else if (vital)
			log_error("notify: dropped a datagram with %s from pid %d: not one of "
				  "PROGRAM's processes",
				  vital, sender);
		else
			log_debug("notify: dropped a datagram from pid %d, not one of PROGRAM's "
				  "processes",
				  sender);
		return false;
	}
	if (m->mainpid && m->mainpid != run.main_pid && run.phase == PHASE_RUNNING) {
		if (kill(m->mainpid, 0) < 0 || !reaper_is_descendant(m->mainpid, getpid()))
			log_warn("notify: MAINPID=%d refused: not a live process of PROGRAM",
				 m->mainpid);
		else if (reaper_watch(m->mainpid, program_exited, NULL) < 0)
			log_warn("notify: MAINPID=%d refused: %s", m->mainpid, strerror(errno));
		else {
			struct timespec now;

			log_info("PROGRAM's main pid is now %d", m->mainpid);
			run.main_pid = m->mainpid;
			clock_gettime(CLOCK_REALTIME, &now);
			hooks_set_program(m->mainpid, &now);
		}
	}
	if (m->has_status) {
		char up[GATE_STATUS_MAX + 8];

		log_debug("notify: STATUS=%s", m->status);
		snprintf(up, sizeof(up), "STATUS=%s", m->status);
		notify_upward_send(up);
		publish(run.ready ? GATE_READY : GATE_STARTING, 0, m->status);
	}
	if (m->watchdog && ev_is_active(&run.watchdog))
		ev_timer_again(run.loop, &run.watchdog);
	if (m->watchdog_trigger) {
		log_error("PROGRAM sent WATCHDOG=trigger");
		if (run.o->watchdog > 0)
			on_watchdog(run.loop, &run.watchdog, 0);
	}
	if (m->stopping && run.phase == PHASE_RUNNING) {
		log_debug("notify: STOPPING=1");
		publish(GATE_STOPPING, 0, NULL);
		notify_upward_send("STOPPING=1");
		run.ready = true; /* never announce ready after stopping */
	}
	if (m->ready) {
		log_debug("notify: READY=1 from pid %d", sender);
		meet(PROBE_NOTIFY);
	}
	return true;
}

static void start_program(void)
{
	struct spawn_req req = {
		.argv = run.o->argv,
		.envp = run.program_env,
		.own_group = true,
		.new_session = run.o->setsid,
		.note = run.o->verbosity ? "[dumb-init] setsid complete.\n" : NULL,
		.stdin_fd = -1,
		.stdout_fd = -1,
		.stderr_fd = -1,
	};
	struct timespec started;
	int exec_errno;

	memcpy(req.pid_env, run.pid_env, sizeof(req.pid_env));
	run.child = spawn_start(&req, &exec_errno);
	if (run.child < 0) {
		log_error("cannot start %s: %s", run.o->argv[0], strerror(errno));
		publish(GATE_EXITED, BATON_EXIT_OSERR, NULL);
		finish(BATON_EXIT_OSERR);
		return;
	}
	if (exec_errno) {
		int code = spawn_exec_exit_code(exec_errno);

		errno = exec_errno;
		if (run.o->personality == PERSONALITY_BATON)
			log_error("cannot execute '%s': %s", run.o->argv[0], strerror(errno));
		else if (run.o->personality == PERSONALITY_DUMB_INIT) {
			fprintf(stderr, "[dumb-init] %s: %s\n", run.o->argv[0],
				strerror(exec_errno));
			code = 2;
		} else if (run.o->personality == PERSONALITY_TINI) {
			fprintf(stderr, "[FATAL tini (%d)] exec %s failed: %s\n", (int)getpid(),
				run.o->argv[0], strerror(exec_errno));
			code = exec_errno == ENOENT ? 127 : exec_errno == EACCES ? 126 : 1;
		}
		publish(GATE_EXITED, code, NULL);
		finish(code);
		return;
	}
	run.main_pid = run.child;
	run.phase = PHASE_RUNNING;
	say(2, "Spawned child process '%s' with pid '%d'", run.o->argv[0], run.child);
	if (run.o->personality == PERSONALITY_DUMB_INIT)
		say(1, "Child spawned with PID %d.", run.child);
	clock_gettime(CLOCK_REALTIME, &started);
	hooks_set_program(run.child, &started);
	reaper_watch(run.child, program_exited, NULL);
	if (run.ordering)
		log_info("started %s (pid %d)", run.o->argv[0], run.child);
	else
		log_debug("started %s (pid %d)", run.o->argv[0], run.child);
	journal_note(JOURNAL_STARTED, false, 0, run.o->argv[0]);
	if (run.o->watchdog > 0) {
		ev_timer_init(&run.watchdog, on_watchdog, 0, run.o->watchdog);
		ev_timer_again(run.loop, &run.watchdog);
	}
	if (probe_start(run.loop, run.o->ready_on, run.o->n_ready_on, run.helper_env,
			on_probe_ready) < 0)
		log_error("cannot start readiness probes: %s", strerror(errno));
	if (run.o->exit_with) {
		if (gate_watch_start(run.loop, run.o->exit_with, on_exit_with) < 0)
			log_error("cannot watch %s: %s", run.o->exit_with, strerror(errno));
		else
			on_exit_with();
	}
	meet(PROBE_STARTED);
}

static void on_hooks_done(enum hook_phase phase, bool ok)
{
	switch (phase) {
	case HOOK_PRE_START:
		if (run.phase != PHASE_PRESTART)
			return;
		if (ok) {
			start_program();
			return;
		}
		log_error("a pre-start hook failed: PROGRAM not started");
		publish(GATE_EXITED, BATON_EXIT_HOOK, NULL);
		finish(BATON_EXIT_HOOK);
		return;
	case HOOK_PRE_STOP:
		if (run.phase == PHASE_STOPPING && run.held_sig) {
			int sig = run.held_sig;

			run.held_sig = 0;
			forward(sig, &run.held_si);
		}
		return;
	case HOOK_POST_EXIT:
		if (run.phase == PHASE_POSTEXIT)
			after_program();
		return;
	default:
		return;
	}
}

static void pre_start(void)
{
	run.phase = PHASE_PRESTART;
	if (hooks_run(HOOK_PRE_START, 0, run.o->hook_timeout, on_hooks_done) == 1)
		start_program();
}

static void on_jitter(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop;
	(void)w;
	(void)revents;
	pre_start();
}

static void dependencies_ready(void)
{
	uint32_t r = 0;

	if (run.o->jitter_ms == 0) {
		pre_start();
		return;
	}
	if (getrandom(&r, sizeof(r), 0) < 0)
		r = (uint32_t)getpid();
	run.phase = PHASE_JITTER;
	ev_timer_init(&run.jitter, on_jitter, (double)(r % (run.o->jitter_ms + 1)) / 1000.0, 0);
	log_debug("jitter: starting PROGRAM in %.3fs", run.jitter.at);
	ev_timer_start(run.loop, &run.jitter);
}

static void on_await(bool ready)
{
	if (!ready) {
		publish(GATE_EXITED, BATON_EXIT_TIMEOUT, NULL);
		finish(BATON_EXIT_TIMEOUT);
		return;
	}
	dependencies_ready();
}

/* The variables of baton's own supervisor: PROGRAM gets baton's instead. */
static bool env_drop(const char *e)
{
	static const char *const upward[] = { "NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=" };

	for (size_t i = 0; i < sizeof(upward) / sizeof(upward[0]); i++)
		if (strncmp(e, upward[i], strlen(upward[i])) == 0)
			return true;
	return false;
}

/* PROGRAM's environment: ours, with NOTIFY_SOCKET and the watchdog pointing at baton. */
static int build_env(void)
{
	size_t n = 0, p = 0, h = 0;
	char listen_pid[32];
	int np = 0;

	snprintf(listen_pid, sizeof(listen_pid), "LISTEN_PID=%d", (int)getpid());
	while (environ[n])
		n++;
	run.program_env = calloc(n + 4, sizeof(char *));
	run.helper_env = calloc(n + 1, sizeof(char *));
	if (!run.program_env || !run.helper_env)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (env_drop(environ[i]))
			continue;
		run.helper_env[h++] = environ[i];
		/* Socket activation: the fds were meant for PROGRAM, so LISTEN_PID must be its pid.
		 */
		if (strcmp(environ[i], listen_pid) == 0) {
			char *s = calloc(1, 32);

			if (!s)
				return -1;
			strcpy(s, "LISTEN_PID=");
			run.pid_env[np++] = run.program_env[p++] = s;
			continue;
		}
		run.program_env[p++] = environ[i];
	}
	if (notify_server_env())
		run.program_env[p++] = (char *)notify_server_env();
	if (run.o->watchdog > 0) {
		char *usec = calloc(1, 48), *pid = calloc(1, 32);

		if (!usec || !pid)
			return -1;
		snprintf(usec, 48, "WATCHDOG_USEC=%llu",
			 (unsigned long long)(run.o->watchdog * 1e6));
		strcpy(pid, "WATCHDOG_PID=");
		run.program_env[p++] = usec;
		run.program_env[p++] = pid;
		run.pid_env[np++] = pid;
	}
	return 0;
}

/* path made absolute against the working directory; unchanged when that is not possible. */
static const char *absolute_path(const char *path)
{
	char cwd[4096], *abs;

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)) || asprintf(&abs, "%s/%s", cwd, path) < 0)
		return path;
	return abs;
}

static bool needs_notify_server(const struct options *o, const char *upward)
{
	if (upward || o->watchdog > 0)
		return true;
	for (int i = 0; i < o->n_ready_on; i++)
		if (o->ready_on[i].kind == PROBE_NOTIFY)
			return true;
	return false;
}

/* The personalities' line for every reaped pid (tini's -w, dumb-init's -v). */
static void on_reaped(pid_t pid, int wstatus, bool watched)
{
	if (run.o->personality == PERSONALITY_TINI) {
		say(3, "Reaped child with pid: '%d'", pid);
		if (!watched && run.o->warn_on_reap)
			say(1, "Reaped zombie process with pid=%d", pid);
	} else if (WIFSIGNALED(wstatus))
		say(1, "A child with PID %d was terminated by signal %d.", pid, WTERMSIG(wstatus));
	else
		say(1, "A child with PID %d exited with exit status %d.", pid,
		    WEXITSTATUS(wstatus));
}

/*
 * dumb-init's session mode: let go of the controlling terminal so that PROGRAM, leading its own
 * session, can take it. A session leader that lets go makes the kernel send its group HUP and
 * CONT: those two are not PROGRAM's to receive.
 */
static void release_terminal(void)
{
	if (ioctl(STDIN_FILENO, TIOCNOTTY) < 0) {
		say(1, "Unable to detach from controlling tty (errno=%d %s).", errno,
		    strerror(errno));
		return;
	}
	if (getsid(0) != getpid()) {
		say(1, "Detached from controlling tty, but was not session leader.");
		return;
	}
	say(1, "Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.");
	sigaddset(&run.ignore_once, SIGHUP);
	sigaddset(&run.ignore_once, SIGCONT);
}

int run_main(struct options *o)
{
	const char *upward = getenv("NOTIFY_SOCKET");
	const char *journal_dir = NULL;
	char err[512];
	int rc;

	run.o = o;
	run.ordering = o->name || o->n_after || o->exit_with;
	if (o->n_ready_on == 0) {
		probe_parse("started", &o->ready_on[0], err, sizeof(err));
		o->n_ready_on = 1;
	}
	/*
	 * Paths baton looks at later mean the directory it was started in, which spawn_setup()
	 * leaves (for "/") unless baton is PID 1: make them absolute while it is still here.
	 */
	if (o->hooks_dir)
		o->hooks_dir = absolute_path(o->hooks_dir);
	for (int i = 0; i < o->n_ready_on; i++) {
		struct probe_spec *p = &o->ready_on[i];

		if (p->kind == PROBE_FILE || (p->kind == PROBE_UNIX && p->arg[0] != '@'))
			p->arg = absolute_path(p->arg);
	}
	for (int i = 0; i < o->n_ready_on; i++)
		if (probe_resolve(&o->ready_on[i], "/etc/hosts", err, sizeof(err)) < 0) {
			log_error("--ready-on %s", err);
			return BATON_EXIT_USAGE;
		}
	if (o->pdeath_signal && prctl(PR_SET_PDEATHSIG, o->pdeath_signal, 0, 0, 0) < 0) {
		log_error("cannot set the parent-death signal: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	if (reaper_setup(!o->no_subreaper, o->personality != PERSONALITY_BATON ? on_reaped : NULL) <
	    0) {
		log_error("cannot become a child subreaper: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	if (o->personality == PERSONALITY_TINI && !reaper_gets_orphans())
		say(1,
		    "Tini is not running as PID 1 and isn't registered as a child subreaper.\n"
		    "Zombie processes will not be re-parented to Tini, so zombie reaping won't "
		    "work.\nTo fix the problem, use the -s option or set the environment variable "
		    "TINI_SUBREAPER to register Tini as a child subreaper, or run Tini as PID 1.");
	/* Before spawn_setup() leaves the working directory: a relative --dir means this one too.
	 */
	if (run.ordering && gate_open(o->dir, o->name != NULL, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return BATON_EXIT_OSERR;
	}
	if (run.ordering)
		journal_dir = absolute_path(o->dir);
	if (spawn_setup() < 0) {
		log_error("cannot open the working directory: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	run.sig_fd = signals_setup();
	if (run.sig_fd < 0) {
		log_error("cannot set up signal handling: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	sigemptyset(&run.ignore_once);
	if (o->setsid)
		release_terminal();
	run.loop = loop_new();
	if (!run.loop) {
		log_error("cannot create the event loop: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	ev_init(&pub.timer, on_republish);
	if (needs_notify_server(o, upward) && notify_server_start(run.loop, on_notify) < 0) {
		log_error("cannot create the notify socket: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	if (upward && notify_upward_open(upward) < 0)
		log_warn("cannot connect to NOTIFY_SOCKET %s: %s", upward, strerror(errno));
	if (build_env() < 0) {
		log_error("cannot build PROGRAM's environment: %s", strerror(errno));
		return BATON_EXIT_OSERR;
	}
	if (o->name && gate_claim(o->name, err, sizeof(err)) < 0) {
		log_error("%s", err);
		return errno == EBUSY ? BATON_EXIT_NAME_TAKEN : BATON_EXIT_OSERR;
	}
	if (journal_dir)
		journal_open(journal_dir, o->name ? o->name : o->argv[0], gate_incarnation());

	ev_io_init(&run.sig_io, on_signal, run.sig_fd, EV_READ);
	ev_io_start(run.loop, &run.sig_io);
	ev_init(&run.grace, on_grace);
	ev_init(&run.watchdog, on_watchdog);
	hooks_setup(run.loop, o, run.helper_env);

	run.phase = PHASE_WAITING;
	if (o->n_after)
		journal_note_waiting(o->after, o->n_after);
	rc = o->n_after ? gate_await_start(run.loop, o->after, o->n_after, o->timeout, on_await)
			: 1;
	if (rc < 0) {
		log_error("cannot wait for dependencies: %s", strerror(errno));
		publish(GATE_EXITED, BATON_EXIT_OSERR, NULL);
		publish_flush();
		return BATON_EXIT_OSERR;
	}
	if (rc == 1)
		dependencies_ready();
	if (run.phase != PHASE_DONE) {
		loop_shed_startup();
		ev_run(run.loop, 0);
	}
	publish_flush();
	return run.exit_code;
}
