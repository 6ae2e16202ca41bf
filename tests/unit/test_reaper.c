// SPDX-License-Identifier: MIT
/*
 * reaper: wait statuses to exit codes, callbacks for watched pids, orphans reaped silently,
 * the watch table's limit, and the /proc walks (descendants, signal everything left behind).
 * The test process becomes a child subreaper (reaper_setup) so orphans come back to it.
 */
#include "unit.h"

#include "reaper.h"

#include <signal.h>
#include <sys/prctl.h>

#define MAX_CALLS 16

struct call {
	pid_t pid;
	int wstatus;
	void *data;
};

static struct call calls[MAX_CALLS];
static int n_calls;

static void on_exit_cb(pid_t pid, int wstatus, void *data)
{
	if (n_calls < MAX_CALLS)
		calls[n_calls] = (struct call){pid, wstatus, data};
	n_calls++;
}

/* Waits until pid is a zombie, without reaping it. */
static void wait_zombie(pid_t pid)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0)
		assert_int_equal(errno, EINTR);
	assert_int_equal(si.si_pid, pid);
}

/* A child that waits for EOF on fd, then exits with code. */
static pid_t child_until_eof(int fd_read, int fd_write, int code)
{
	pid_t pid = fork();
	char c;

	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd_write);
		while (read(fd_read, &c, 1) > 0)
			;
		_exit(code);
	}
	return pid;
}

static void assert_no_children(void)
{
	siginfo_t si;

	assert_int_equal(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT), -1);
	assert_int_equal(errno, ECHILD);
}

static int setup(void **state)
{
	return reaper_setup(true, NULL);
}

static void test_not_pid1(void **state)
{
	int on = 0;

	assert_false(reaper_is_pid1());
	assert_int_equal(prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0), 0);
	assert_int_equal(on, 1);
}

static void test_exit_code(void **state)
{
	for (int code = 0; code <= 255; code++) {
		pid_t pid = fork();
		int wstatus;

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(code);
		assert_int_equal(waitpid(pid, &wstatus, 0), pid);
		assert_int_equal(reaper_exit_code(wstatus), code);
	}
}

static void test_exit_code_signaled(void **state)
{
	static const int sigs[] = {SIGKILL, SIGTERM, SIGINT, SIGSEGV, SIGUSR1};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int p[2], wstatus;
		pid_t pid;
		char c;

		assert_int_equal(pipe2(p, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* cmocka catches SIGSEGV: back to the default before the parent kills. */
			signal(sigs[i], SIG_DFL);
			if (write(p[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		close(p[1]);
		assert_int_equal(read(p[0], &c, 1), 1);
		close(p[0]);
		assert_int_equal(kill(pid, sigs[i]), 0);
		assert_int_equal(waitpid(pid, &wstatus, 0), pid);
		assert_true(WIFSIGNALED(wstatus));
		assert_int_equal(reaper_exit_code(wstatus), 128 + sigs[i]);
	}
	/* A real-time signal, by number. */
	assert_int_equal(reaper_exit_code(SIGRTMIN + 1), 128 + SIGRTMIN + 1);
}

static void test_watch_callbacks(void **state)
{
	int p[2];
	pid_t a, b, c;
	int tag_a, tag_b;

	n_calls = 0;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	a = child_until_eof(p[0], p[1], 3);
	b = child_until_eof(p[0], p[1], 5);
	c = child_until_eof(p[0], p[1], 7); /* not watched */
	close(p[0]);
	assert_int_equal(reaper_watch(a, on_exit_cb, &tag_a), 0);
	assert_int_equal(reaper_watch(b, on_exit_cb, &tag_b), 0);

	/* Nothing has exited yet. */
	assert_int_equal(reaper_collect(), 0);
	assert_int_equal(n_calls, 0);

	close(p[1]);
	wait_zombie(a);
	wait_zombie(b);
	wait_zombie(c);
	assert_int_equal(reaper_collect(), 3);
	assert_int_equal(n_calls, 2);
	for (int i = 0; i < 2; i++) {
		pid_t pid = calls[i].pid;

		assert_true(pid == a || pid == b);
		assert_true(WIFEXITED(calls[i].wstatus));
		assert_int_equal(WEXITSTATUS(calls[i].wstatus), pid == a ? 3 : 5);
		assert_ptr_equal(calls[i].data, pid == a ? (void *)&tag_a : (void *)&tag_b);
	}
	assert_true(calls[0].pid != calls[1].pid);
	/* Each callback happens once. */
	assert_int_equal(reaper_collect(), 0);
	assert_int_equal(n_calls, 2);
	assert_no_children();
}

static void test_unwatch(void **state)
{
	int p[2];
	pid_t a;

	n_calls = 0;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	a = child_until_eof(p[0], p[1], 1);
	close(p[0]);
	assert_int_equal(reaper_watch(a, on_exit_cb, NULL), 0);
	reaper_unwatch(a);
	close(p[1]);
	wait_zombie(a);
	assert_int_equal(reaper_collect(), 1);
	assert_int_equal(n_calls, 0);
	assert_no_children();
}

static void test_orphans(void **state)
{
	int hold[2], report[2];
	pid_t middle, grandchild = 0;

	n_calls = 0;
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	middle = fork();
	assert_true(middle >= 0);
	if (middle == 0) {
		pid_t g = fork();
		char c;

		if (g == 0) {
			close(hold[1]);
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(9);
		}
		if (write(report[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		_exit(0);
	}
	close(hold[0]);
	close(report[1]);
	assert_int_equal(read(report[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	close(report[0]);
	assert_true(grandchild > 0);
	assert_int_equal(reaper_watch(middle, on_exit_cb, NULL), 0);

	wait_zombie(middle);
	assert_int_equal(reaper_collect(), 1);
	assert_int_equal(n_calls, 1);
	assert_int_equal(calls[0].pid, middle);

	/* The grandchild is ours now (we are a subreaper); it is reaped with no callback. */
	assert_true(reaper_is_descendant(grandchild, getpid()));
	close(hold[1]);
	wait_zombie(grandchild);
	assert_int_equal(reaper_collect(), 1);
	assert_int_equal(n_calls, 1);
	assert_int_equal(kill(grandchild, 0), -1);
	assert_int_equal(errno, ESRCH);
	assert_no_children();
}

static void test_table_full(void **state)
{
	/* Pids that cannot exist: the table is all this touches. */
	const pid_t base = 0x7ff00000;
	int n = 0;

	while (n < 100000 && reaper_watch(base + n, on_exit_cb, NULL) == 0)
		n++;
	assert_true(n >= 16 && n < 100000);
	errno = 0;
	assert_int_equal(reaper_watch(base + n, on_exit_cb, NULL), -1);
	assert_int_equal(errno, ENOSPC);
	/* A freed slot can be used again. */
	reaper_unwatch(base);
	assert_int_equal(reaper_watch(base + n, on_exit_cb, NULL), 0);
	assert_int_equal(reaper_watch(base + n + 1, on_exit_cb, NULL), -1);
	for (int i = 0; i <= n; i++)
		reaper_unwatch(base + i);
	/* And all are free again: a real child still gets its callback. */
	{
		pid_t pid = fork();

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(4);
		n_calls = 0;
		assert_int_equal(reaper_watch(pid, on_exit_cb, NULL), 0);
		wait_zombie(pid);
		assert_int_equal(reaper_collect(), 1);
		assert_int_equal(n_calls, 1);
		assert_int_equal(WEXITSTATUS(calls[0].wstatus), 4);
	}
}

static void test_is_descendant(void **state)
{
	int hold[2], report[2];
	pid_t child, grandchild = 0;

	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t g = fork();
		char c;

		close(hold[1]);
		if (g == 0) {
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
		if (write(report[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		waitpid(g, NULL, 0);
		_exit(0);
	}
	close(hold[0]);
	close(report[1]);
	assert_int_equal(read(report[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	close(report[0]);

	assert_true(reaper_is_descendant(child, getpid()));
	assert_true(reaper_is_descendant(grandchild, getpid()));
	assert_true(reaper_is_descendant(grandchild, child));
	assert_false(reaper_is_descendant(child, grandchild));
	assert_false(reaper_is_descendant(getpid(), child));
	assert_false(reaper_is_descendant(getpid(), getpid()));
	assert_false(reaper_is_descendant(getppid(), getpid()));
	assert_false(reaper_is_descendant(1, getpid()));
	assert_false(reaper_is_descendant(0x7ffffff0, getpid()));

	close(hold[1]);
	assert_int_equal(unit_wait(child), 0);
	assert_no_children();
	/* Gone: no longer anybody's descendant. */
	assert_false(reaper_is_descendant(child, getpid()));
}

static void test_signal_all(void **state)
{
	int hold[2];
	pid_t kids[3];
	int report[2];
	pid_t grandchild = 0;

	assert_no_children();
	assert_int_equal(reaper_signal_all(0), 0);

	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	assert_int_equal(pipe2(report, O_CLOEXEC), 0);
	kids[0] = child_until_eof(hold[0], hold[1], 0);
	kids[1] = child_until_eof(hold[0], hold[1], 0);
	/* One child with a grandchild under it. */
	kids[2] = fork();
	assert_true(kids[2] >= 0);
	if (kids[2] == 0) {
		pid_t g = fork();
		char c;

		close(hold[1]);
		if (g == 0) {
			while (read(hold[0], &c, 1) > 0)
				;
			_exit(0);
		}
		if (write(report[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		while (read(hold[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(hold[0]);
	close(report[1]);
	assert_int_equal(read(report[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	close(report[0]);

	/* Signal 0 only counts: 3 children and a grandchild, none harmed. */
	assert_int_equal(reaper_signal_all(0), 4);
	assert_int_equal(reaper_signal_all(0), 4);

	/* A real signal reaches every one of them. */
	assert_int_equal(reaper_signal_all(SIGTERM), 4);
	for (int i = 0; i < 3; i++) {
		int wstatus;

		assert_int_equal(waitpid(kids[i], &wstatus, 0), kids[i]);
		assert_true(WIFSIGNALED(wstatus));
		assert_int_equal(WTERMSIG(wstatus), SIGTERM);
	}
	/* The orphaned grandchild came back to us: reap it, then nothing is left. */
	wait_zombie(grandchild);
	{
		int wstatus;

		assert_int_equal(waitpid(grandchild, &wstatus, 0), grandchild);
		assert_true(WIFSIGNALED(wstatus));
	}
	close(hold[1]);
	assert_int_equal(reaper_signal_all(0), 0);
	assert_no_children();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_pid1),
		cmocka_unit_test(test_exit_code),
		cmocka_unit_test(test_exit_code_signaled),
		cmocka_unit_test(test_watch_callbacks),
		cmocka_unit_test(test_unwatch),
		cmocka_unit_test(test_orphans),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_is_descendant),
		cmocka_unit_test(test_signal_all),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
