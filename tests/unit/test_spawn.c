// SPDX-License-Identifier: MIT
/*
 * spawn: fork and exec as a workload expects it. Exec errors come back to the parent (127/126),
 * the child gets its own process group, its pid in pid_env, inherited fds marked close-on-exec,
 * redirected stdio, the original working directory and signal mask. The test reaps its children
 * itself with waitpid (it is not baton).
 */
#include "unit.h"

#include "signals.h"
#include "spawn.h"

#include <limits.h>
#include <signal.h>
#include <sys/stat.h>

extern char **environ;

/* No envp given: an empty environment (the PATH search uses ours). */
#define REQ(...) ((struct spawn_req){.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1, __VA_ARGS__})

/* Runs argv with stdout (and optionally stdin) on pipes; returns its output and exit code. */
static int run_capture(struct spawn_req req, const char *input, char *out, size_t outsize)
{
	int o[2], in[2] = {-1, -1}, exec_errno = -1;
	pid_t pid;

	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	if (input) {
		assert_int_equal(pipe2(in, O_CLOEXEC), 0);
		req.stdin_fd = in[0];
	}
	req.stdout_fd = o[1];
	pid = spawn_start(&req, &exec_errno);
	assert_true(pid > 0);
	assert_int_equal(exec_errno, 0);
	close(o[1]);
	if (input) {
		close(in[0]);
		assert_int_equal(write(in[1], input, strlen(input)), (ssize_t)strlen(input));
		close(in[1]);
	}
	unit_read_all(o[0], out, outsize, 10000);
	close(o[0]);
	return unit_wait(pid);
}

static void test_success(void **state)
{
	struct spawn_req req = REQ(.argv = (char *[]){"true", NULL});
	int exec_errno = -1;
	pid_t pid = spawn_start(&req, &exec_errno);

	assert_true(pid > 0);
	assert_int_equal(exec_errno, 0);
	assert_int_equal(unit_wait(pid), 0);

	req.argv = (char *[]){"false", NULL};
	pid = spawn_start(&req, &exec_errno);
	assert_true(pid > 0);
	assert_int_equal(exec_errno, 0);
	assert_int_equal(unit_wait(pid), 1);
}

static void test_argv_envp_stdout(void **state)
{
	char out[256];

	/* Exactly envp, nothing else; argv[0] looked up in our PATH. */
	assert_int_equal(run_capture(REQ(.argv = (char *[]){"env", NULL},
					 .envp = (char *[]){"FOO=bar", "X=1", NULL}),
				     NULL, out, sizeof(out)),
			 0);
	assert_string_equal(out, "FOO=bar\nX=1\n");

	assert_int_equal(run_capture(REQ(.argv = (char *[]){"/bin/sh", "-c",
							     "printf '%s|%s|%s' \"$0\" \"$1\" "
							     "\"$FOO\"",
							     "zero", "arg one", NULL},
					 .envp = (char *[]){"FOO=bar", NULL}),
				     NULL, out, sizeof(out)),
			 0);
	assert_string_equal(out, "zero|arg one|bar");
}

static void test_stdin_stderr(void **state)
{
	char out[256];
	int e[2], exec_errno;
	pid_t pid;
	struct spawn_req req = REQ(.argv = (char *[]){"/bin/sh", "-c", "echo to-err >&2", NULL});

	assert_int_equal(run_capture(REQ(.argv = (char *[]){"/bin/sh", "-c",
							     "read x; echo \"got $x\"", NULL}),
				     "abc\n", out, sizeof(out)),
			 0);
	assert_string_equal(out, "got abc\n");

	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	req.stderr_fd = e[1];
	pid = spawn_start(&req, &exec_errno);
	assert_true(pid > 0);
	close(e[1]);
	unit_read_all(e[0], out, sizeof(out), 10000);
	close(e[0]);
	assert_int_equal(unit_wait(pid), 0);
	assert_string_equal(out, "to-err\n");
}

static void assert_exec_error(char *path, int want_errno, int want_code)
{
	struct spawn_req req = REQ(.argv = (char *[]){path, NULL});
	int exec_errno = 0;
	pid_t pid = spawn_start(&req, &exec_errno);

	assert_true(pid > 0);
	if (exec_errno != want_errno)
		fail_msg("%s: exec_errno %d, want %d", path, exec_errno, want_errno);
	assert_int_equal(spawn_exec_exit_code(exec_errno), want_code);
	/* The child already exited with 127, and must still be reaped. */
	assert_int_equal(unit_wait(pid), 127);
}

static void test_exec_not_found(void **state)
{
	assert_exec_error("/nonexistent/program", ENOENT, 127);
	assert_exec_error("baton-no-such-program-xyz", ENOENT, 127);
	assert_exec_error("/etc/passwd/x", ENOTDIR, 127);
}

static void test_exec_not_executable(void **state)
{
	char dir[PATH_MAX], file[PATH_MAX + 16];

	unit_tmpdir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/script", dir);
	assert_int_equal(unit_write_file(file, "#!/bin/sh\nexit 0\n", 0644), 0);
	assert_int_equal(chmod(file, 0644), 0);
	assert_exec_error(file, EACCES, 126);
	/* A directory is not a program either. */
	assert_exec_error(dir, EACCES, 126);
	/* The same file made executable runs. */
	assert_int_equal(chmod(file, 0755), 0);
	{
		struct spawn_req req = REQ(.argv = (char *[]){file, NULL});
		int exec_errno = -1;
		pid_t pid = spawn_start(&req, &exec_errno);

		assert_int_equal(exec_errno, 0);
		assert_int_equal(unit_wait(pid), 0);
	}
	unit_rmtree(dir);
}

static void test_exec_exit_code(void **state)
{
	assert_int_equal(spawn_exec_exit_code(ENOENT), 127);
	assert_int_equal(spawn_exec_exit_code(ENOTDIR), 127);
	assert_int_equal(spawn_exec_exit_code(EACCES), 126);
	assert_int_equal(spawn_exec_exit_code(ENOEXEC), 126);
	assert_int_equal(spawn_exec_exit_code(EPERM), 126);
}

/*
 * Starts `sh` blocked on a pipe; *hold is the pipe's write end. Returns once the shell runs
 * (it says so on stdout), so whatever exec was to close is closed.
 */
static pid_t start_blocked(struct spawn_req req, int *hold)
{
	int in[2], out[2], exec_errno = -1;
	char buf[16];
	pid_t pid;

	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	req.argv = (char *[]){"/bin/sh", "-c", "echo up; read x || :", NULL};
	req.stdin_fd = in[0];
	req.stdout_fd = out[1];
	pid = spawn_start(&req, &exec_errno);
	assert_true(pid > 0);
	assert_int_equal(exec_errno, 0);
	close(in[0]);
	close(out[1]);
	assert_int_equal(unit_read_timeout(out[0], buf, sizeof(buf), 10000), 3);
	assert_string_equal(buf, "up\n");
	close(out[0]);
	*hold = in[1];
	return pid;
}

static void test_own_group(void **state)
{
	int hold, wstatus;
	pid_t pid = start_blocked(REQ(.own_group = true), &hold);

	assert_int_equal(getpgid(pid), pid);
	assert_true(getpgrp() != pid);
	/* The whole group can be signalled at once. */
	assert_int_equal(kill(-pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFSIGNALED(wstatus));
	assert_int_equal(WTERMSIG(wstatus), SIGTERM);
	close(hold);

	pid = start_blocked(REQ(.own_group = false), &hold);
	assert_int_equal(getpgid(pid), getpgrp());
	close(hold);
	assert_int_equal(unit_wait(pid), 0);
}

static void test_pid_env(void **state)
{
	char a[32] = "LISTEN_PID=", b[32] = "WATCHDOG_PID=", out[256], want[64];
	char *envp[] = {"KEEP=1", a, b, NULL};
	struct spawn_req req = REQ(.argv = (char *[]){"/bin/sh", "-c",
						      "printf '%s %s %s' \"$LISTEN_PID\" "
						      "\"$WATCHDOG_PID\" \"$KEEP\"",
						      NULL},
				   .envp = envp, .pid_env = {a, b});
	int o[2], exec_errno = -1;
	pid_t pid;

	assert_int_equal(pipe2(o, O_CLOEXEC), 0);
	req.stdout_fd = o[1];
	pid = spawn_start(&req, &exec_errno);
	assert_true(pid > 0);
	close(o[1]);
	unit_read_all(o[0], out, sizeof(out), 10000);
	close(o[0]);
	assert_int_equal(unit_wait(pid), 0);
	snprintf(want, sizeof(want), "%d %d 1", (int)pid, (int)pid);
	assert_string_equal(out, want);
	/* vfork: the child wrote into baton's own strings, which now hold its pid too. */
	snprintf(want, sizeof(want), "LISTEN_PID=%d", (int)pid);
	assert_string_equal(a, want);
	snprintf(want, sizeof(want), "WATCHDOG_PID=%d", (int)pid);
	assert_string_equal(b, want);
}

static bool child_has_fd(pid_t pid, int fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	return stat(path, &st) == 0;
}

static void test_close_fds(void **state)
{
	int leak[2], hold;
	pid_t pid;

	/* Inherited on purpose: no O_CLOEXEC, and above 9. */
	assert_int_equal(pipe(leak), 0);
	assert_int_equal(dup2(leak[1], 42), 42);

	pid = start_blocked(REQ(.close_fds = true), &hold);
	assert_false(child_has_fd(pid, leak[0]));
	assert_false(child_has_fd(pid, leak[1]));
	assert_false(child_has_fd(pid, 42));
	assert_true(child_has_fd(pid, 0));
	assert_true(child_has_fd(pid, 1));
	assert_true(child_has_fd(pid, 2));
	close(hold);
	assert_int_equal(unit_wait(pid), 0);

	/* Without close_fds they stay open (baton wants that for PROGRAM: LISTEN_FDS). */
	pid = start_blocked(REQ(.close_fds = false), &hold);
	assert_true(child_has_fd(pid, leak[0]));
	assert_true(child_has_fd(pid, 42));
	close(hold);
	assert_int_equal(unit_wait(pid), 0);

	/* Our own fds are untouched: still open, still inheritable. */
	assert_int_equal(fcntl(42, F_GETFD), 0);
	assert_int_equal(fcntl(leak[0], F_GETFD), 0);
	close(42);
	close(leak[0]);
	close(leak[1]);
}

/* In a child: spawn_setup moves us to "/", PROGRAM still starts in the original directory. */
static int cwd_scenario(void *arg)
{
	char dir[PATH_MAX], real[PATH_MAX], cwd[PATH_MAX], out[PATH_MAX + 8];
	struct spawn_req req = REQ(.argv = (char *[]){"/bin/sh", "-c", "pwd -P", NULL});
	int o[2], exec_errno = -1;
	pid_t pid;

	(void)arg;
	unit_tmpdir(dir, sizeof(dir));
	CHECK(realpath(dir, real) != NULL);
	CHECK(chdir(dir) == 0);
	CHECK(spawn_setup() == 0);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_STR(cwd, "/");

	CHECK(pipe2(o, O_CLOEXEC) == 0);
	req.stdout_fd = o[1];
	pid = spawn_start(&req, &exec_errno);
	CHECK(pid > 0 && exec_errno == 0);
	close(o[1]);
	unit_read_all(o[0], out, sizeof(out), 10000);
	CHECK(unit_wait(pid) == 0);
	out[strcspn(out, "\n")] = '\0';
	CHECK_STR(out, real);
	unit_rmtree(dir);
	return 0;
}

static void test_working_directory(void **state)
{
	assert_forked_ok(cwd_scenario, NULL);
}

/* In a child: after signals_setup, PROGRAM gets the mask we started with (USR1 only). */
static int sigmask_scenario(void *arg)
{
	char out[256];
	sigset_t start;
	struct spawn_req req =
		REQ(.argv = (char *[]){"grep", "^SigBlk", "/proc/self/status", NULL});
	int o[2], exec_errno = -1, fd;
	pid_t pid;

	(void)arg;
	sigemptyset(&start);
	sigaddset(&start, SIGUSR1);
	CHECK(sigprocmask(SIG_SETMASK, &start, NULL) == 0);
	fd = signals_setup();
	CHECK(fd >= 0);

	CHECK(pipe2(o, O_CLOEXEC) == 0);
	req.stdout_fd = o[1];
	pid = spawn_start(&req, &exec_errno);
	CHECK(pid > 0 && exec_errno == 0);
	close(o[1]);
	unit_read_all(o[0], out, sizeof(out), 10000);
	CHECK(unit_wait(pid) == 0);
	/* SIGUSR1 is signal 10: bit 9. */
	CHECK_STR(out, "SigBlk:\t0000000000000200\n");
	close(fd);
	return 0;
}

static void test_signal_mask_restored(void **state)
{
	assert_forked_ok(sigmask_scenario, NULL);
}

static void test_command_argv(void **state)
{
	char *argv[8], *words = (char *)"not touched";

	/* With a shell (this system has one): sh -c CMD, nothing allocated. */
	assert_int_equal(spawn_command_argv("pg_isready -q && echo ok", argv, 7, &words), 0);
	assert_string_equal(argv[0], "/bin/sh");
	assert_string_equal(argv[1], "-c");
	assert_string_equal(argv[2], "pg_isready -q && echo ok");
	assert_null(argv[3]);
	assert_null(words);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success),
		cmocka_unit_test(test_argv_envp_stdout),
		cmocka_unit_test(test_stdin_stderr),
		cmocka_unit_test(test_exec_not_found),
		cmocka_unit_test(test_exec_not_executable),
		cmocka_unit_test(test_exec_exit_code),
		cmocka_unit_test(test_own_group),
		cmocka_unit_test(test_pid_env),
		cmocka_unit_test(test_close_fds),
		cmocka_unit_test(test_working_directory),
		cmocka_unit_test(test_signal_mask_restored),
		cmocka_unit_test(test_command_argv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
