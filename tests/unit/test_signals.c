// SPDX-License-Identifier: MIT
/*
 * signals: names both ways, the forward and fault tables, and the real thing: signals_setup()
 * blocks the right set and its signalfd delivers what raise() sends; a child gets back the
 * mask it was started with. Anything that changes the mask runs in a forked child.
 */
#include "unit.h"

#include "signals.h"

#include <signal.h>

static bool is_fault_expected(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGABRT || sig == SIGTRAP || sig == SIGSYS;
}

static void test_parse_names(void **state)
{
	static const struct {
		const char *s;
		int sig;
	} cases[] = {
		{"TERM", SIGTERM}, {"SIGTERM", SIGTERM}, {"term", SIGTERM}, {"sigterm", SIGTERM},
		{"SigTerm", SIGTERM}, {"15", SIGTERM}, {"1", SIGHUP}, {"HUP", SIGHUP},
		{"KILL", SIGKILL}, {"9", SIGKILL}, {"WINCH", SIGWINCH}, {"USR1", SIGUSR1},
		{"usr2", SIGUSR2}, {"CHLD", SIGCHLD}, {"CLD", SIGCHLD}, {"IOT", SIGABRT},
		{"POLL", SIGIO}, {"IO", SIGIO}, {"PWR", SIGPWR}, {"STKFLT", SIGSTKFLT},
		{"SYS", SIGSYS}, {"64", 64}, {"32", 32}, {"sigcont", SIGCONT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (signals_parse(cases[i].s) != cases[i].sig)
			fail_msg("signals_parse(\"%s\") = %d, want %d", cases[i].s,
				 signals_parse(cases[i].s), cases[i].sig);
}

static void test_parse_realtime(void **state)
{
	char buf[32];

	assert_int_equal(signals_parse("RTMIN"), SIGRTMIN);
	assert_int_equal(signals_parse("SIGRTMIN"), SIGRTMIN);
	assert_int_equal(signals_parse("rtmin"), SIGRTMIN);
	assert_int_equal(signals_parse("RTMIN+2"), SIGRTMIN + 2);
	assert_int_equal(signals_parse("sigrtmin+0"), SIGRTMIN);
	assert_int_equal(signals_parse("RTMAX"), SIGRTMAX);
	assert_int_equal(signals_parse("SIGRTMAX-1"), SIGRTMAX - 1);
	assert_int_equal(signals_parse("rtmax-0"), SIGRTMAX);
	snprintf(buf, sizeof(buf), "RTMIN+%d", SIGRTMAX - SIGRTMIN);
	assert_int_equal(signals_parse(buf), SIGRTMAX);
	snprintf(buf, sizeof(buf), "RTMAX-%d", SIGRTMAX - SIGRTMIN);
	assert_int_equal(signals_parse(buf), SIGRTMIN);

	/* Out of the real-time range, or the wrong direction. */
	snprintf(buf, sizeof(buf), "RTMIN+%d", SIGRTMAX - SIGRTMIN + 1);
	assert_int_equal(signals_parse(buf), -1);
	snprintf(buf, sizeof(buf), "RTMAX-%d", SIGRTMAX - SIGRTMIN + 1);
	assert_int_equal(signals_parse(buf), -1);
	assert_int_equal(signals_parse("RTMIN-1"), -1);
	assert_int_equal(signals_parse("RTMAX+1"), -1);
	assert_int_equal(signals_parse("RTMIN+"), -1);
	assert_int_equal(signals_parse("RTMAX-"), -1);
	assert_int_equal(signals_parse("RTMIN+x"), -1);
	assert_int_equal(signals_parse("RTMINX"), -1);
	assert_int_equal(signals_parse("RTMIN+-1"), -1);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {"",	 "0",	 "-1",	   "65",   "99999999999999999999",
					  "1x",	 "x1",	 "BOGUS",  "SIG",  "SIGSIGTERM",
					  " TERM", "TERM ", "TERM\n", "+15", "0x0f",
					  "S"};
	char buf[16];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (signals_parse(bad[i]) != -1)
			fail_msg("signals_parse(\"%s\") = %d, want -1", bad[i],
				 signals_parse(bad[i]));
	snprintf(buf, sizeof(buf), "%d", SIGRTMAX + 1);
	assert_int_equal(signals_parse(buf), -1);
}

static void test_name_round_trip(void **state)
{
	char buf[32];

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		signals_name(sig, buf, sizeof(buf));
		if (sig > 31 && sig < SIGRTMIN) {
			/* The C library's own signals have no name. */
			char want[32];

			snprintf(want, sizeof(want), "signal %d", sig);
			assert_string_equal(buf, want);
			continue;
		}
		assert_true(strncmp(buf, "SIG", 3) == 0);
		if (signals_parse(buf) != sig)
			fail_msg("signals_name(%d) = \"%s\" parses as %d", sig, buf,
				 signals_parse(buf));
	}
	assert_string_equal(signals_name(SIGTERM, buf, sizeof(buf)), "SIGTERM");
	assert_string_equal(signals_name(SIGCHLD, buf, sizeof(buf)), "SIGCHLD");
	assert_string_equal(signals_name(SIGABRT, buf, sizeof(buf)), "SIGABRT");
	assert_string_equal(signals_name(SIGIO, buf, sizeof(buf)), "SIGIO");
	assert_string_equal(signals_name(SIGRTMIN, buf, sizeof(buf)), "SIGRTMIN+0");
	assert_string_equal(signals_name(SIGRTMIN + 2, buf, sizeof(buf)), "SIGRTMIN+2");
	assert_string_equal(signals_name(0, buf, sizeof(buf)), "signal 0");
	assert_string_equal(signals_name(99, buf, sizeof(buf)), "signal 99");
	/* Returns its buffer, and never overruns it. */
	memset(buf, 'x', sizeof(buf));
	assert_ptr_equal(signals_name(SIGWINCH, buf, 5), buf);
	assert_string_equal(buf, "SIGW");
	assert_int_equal(buf[5], 'x');
}

static void test_tables(void **state)
{
	for (int sig = -1; sig <= SIGRTMAX + 2; sig++) {
		bool fault = is_fault_expected(sig);
		bool fwd = sig > 0 && sig <= SIGRTMAX && !fault && sig != SIGKILL &&
			   sig != SIGSTOP && sig != SIGCHLD && (sig < 32 || sig >= SIGRTMIN);

		if (signals_is_fault(sig) != fault)
			fail_msg("signals_is_fault(%d) = %d", sig, signals_is_fault(sig));
		if (signals_is_forwardable(sig) != fwd)
			fail_msg("signals_is_forwardable(%d) = %d", sig,
				 signals_is_forwardable(sig));
	}
	/* The ones that matter most, spelled out. */
	assert_true(signals_is_forwardable(SIGTERM));
	assert_true(signals_is_forwardable(SIGHUP));
	assert_true(signals_is_forwardable(SIGINT));
	assert_true(signals_is_forwardable(SIGWINCH));
	assert_true(signals_is_forwardable(SIGUSR1));
	assert_true(signals_is_forwardable(SIGCONT));
	assert_true(signals_is_forwardable(SIGRTMIN));
	assert_true(signals_is_forwardable(SIGRTMAX));
	assert_false(signals_is_forwardable(SIGKILL));
	assert_false(signals_is_forwardable(SIGSTOP));
	assert_false(signals_is_forwardable(SIGCHLD));
	assert_false(signals_is_forwardable(SIGSEGV));
	assert_false(signals_is_forwardable(SIGABRT));
	assert_false(signals_is_forwardable(32));
	assert_false(signals_is_forwardable(33));
	assert_false(signals_is_forwardable(0));
	assert_false(signals_is_forwardable(SIGRTMAX + 1));
	assert_true(signals_is_fault(SIGSEGV));
	assert_true(signals_is_fault(SIGSYS));
	assert_false(signals_is_fault(SIGTERM));
	assert_false(signals_is_fault(SIGKILL));
}

/* The setup scenario, in a child: started with SIGUSR1 blocked. */
static int setup_scenario(void *arg)
{
	sigset_t start, now;
	int fd, flags;
	struct signalfd_siginfo si;

	(void)arg;
	sigemptyset(&start);
	sigaddset(&start, SIGUSR1);
	CHECK(sigprocmask(SIG_SETMASK, &start, NULL) == 0);

	fd = signals_setup();
	CHECK(fd >= 0);
	flags = fcntl(fd, F_GETFL);
	CHECK(flags >= 0 && (flags & O_NONBLOCK));
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);

	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		bool want = signals_is_forwardable(sig) || sig == SIGCHLD || signals_is_fault(sig);

		if (sig == SIGKILL || sig == SIGSTOP || (sig > 31 && sig < SIGRTMIN))
			continue; /* cannot be blocked */
		if (sigismember(&now, sig) != want) {
			fprintf(stderr, "signal %d blocked=%d, want %d\n", sig,
				sigismember(&now, sig), want);
			_exit(1);
		}
	}
	CHECK(sigismember(signals_original_mask(), SIGUSR1) == 1);
	CHECK(sigismember(signals_original_mask(), SIGTERM) == 0);

	/* Nothing pending yet. */
	CHECK(signals_read(fd, &si) == 0);

	/* A raised signal comes out of the signalfd, with its sender. */
	CHECK(raise(SIGTERM) == 0);
	CHECK(signals_read(fd, &si) == 1);
	CHECK(si.ssi_signo == SIGTERM);
	CHECK(si.ssi_pid == (uint32_t)getpid());
	CHECK(signals_read(fd, &si) == 0);

	/* A queued real-time signal keeps its value. */
	CHECK(sigqueue(getpid(), SIGRTMIN + 3, (union sigval){.sival_int = 4242}) == 0);
	CHECK(signals_read(fd, &si) == 1);
	CHECK((int)si.ssi_signo == SIGRTMIN + 3);
	CHECK(si.ssi_int == 4242);

	/* Several pending signals come out of one batched read, in order, then none. */
	{
		struct signalfd_siginfo batch[8];

		CHECK(raise(SIGUSR2) == 0);
		CHECK(raise(SIGHUP) == 0);
		CHECK(sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 7}) == 0);
		CHECK(signals_read_batch(fd, batch, 8) == 3);
		CHECK(batch[0].ssi_signo == SIGHUP);
		CHECK(batch[1].ssi_signo == SIGUSR2);
		CHECK((int)batch[2].ssi_signo == SIGRTMIN && batch[2].ssi_int == 7);
		CHECK(signals_read_batch(fd, batch, 8) == 0);
		/* A full batch leaves the rest queued. */
		CHECK(raise(SIGUSR2) == 0);
		CHECK(raise(SIGHUP) == 0);
		CHECK(signals_read_batch(fd, batch, 1) == 1);
		CHECK(signals_read_batch(fd, batch, 1) == 1);
		CHECK(signals_read_batch(fd, batch, 1) == 0);
	}

	/* A fault signal sent by a process is read, and does not kill us. */
	CHECK(kill(getpid(), SIGSEGV) == 0);
	CHECK(signals_read(fd, &si) == 1);
	CHECK(si.ssi_signo == SIGSEGV);

	/* SIGCHLD from a child that exits. */
	{
		pid_t pid = fork();
		struct pollfd p = {.fd = fd, .events = POLLIN};

		CHECK(pid >= 0);
		if (pid == 0)
			_exit(0);
		CHECK(poll(&p, 1, 5000) == 1);
		CHECK(signals_read(fd, &si) == 1);
		CHECK(si.ssi_signo == SIGCHLD);
		CHECK((pid_t)si.ssi_pid == pid);
		CHECK(unit_wait(pid) == 0);
	}

	/* A child gets back exactly the mask we started with. */
	{
		int p[2];
		pid_t pid;
		char c = 0;

		CHECK(pipe(p) == 0);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			sigset_t child;
			bool same = true;

			signals_restore_for_child();
			sigprocmask(SIG_BLOCK, NULL, &child);
			for (int sig = 1; sig <= SIGRTMAX; sig++)
				if (sigismember(&child, sig) != sigismember(&start, sig))
					same = false;
			c = same ? 'y' : 'n';
			if (write(p[1], &c, 1) != 1)
				_exit(2);
			_exit(0);
		}
		close(p[1]);
		CHECK(read(p[0], &c, 1) == 1);
		CHECK(c == 'y');
		close(p[0]);
		CHECK(unit_wait(pid) == 0);
	}
	/* ...while this process keeps everything blocked. */
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
	CHECK(sigismember(&now, SIGTERM) == 1);
	close(fd);
	return 0;
}

static void test_setup_and_read(void **state)
{
	assert_forked_ok(setup_scenario, NULL);
}

/* A child restored from an empty original mask runs with nothing blocked. */
static int restore_empty_scenario(void *arg)
{
	sigset_t empty, now;
	int fd;

	(void)arg;
	sigemptyset(&empty);
	CHECK(sigprocmask(SIG_SETMASK, &empty, NULL) == 0);
	fd = signals_setup();
	CHECK(fd >= 0);
	signals_restore_for_child();
	CHECK(sigprocmask(SIG_BLOCK, NULL, &now) == 0);
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		CHECK(sigismember(&now, sig) == 0);
	return 0;
}

static void test_restore_empty(void **state)
{
	assert_forked_ok(restore_empty_scenario, NULL);
}

static void test_read_errors(void **state)
{
	struct signalfd_siginfo si;
	int p[2];

	/* Not a signalfd: a short read is an error, an empty non-blocking pipe is "none". */
	assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
	assert_int_equal(signals_read(p[0], &si), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	errno = 0;
	assert_int_equal(signals_read(p[0], &si), -1);
	assert_int_equal(errno, EIO);
	close(p[0]);
	close(p[1]);
	errno = 0;
	assert_int_equal(signals_read(p[0], &si), -1);
	assert_int_equal(errno, EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_parse_realtime),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_name_round_trip),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_setup_and_read),
		cmocka_unit_test(test_restore_empty),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
