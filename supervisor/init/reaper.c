// SPDX-License-Identifier: MIT
/*
 * The reaper. Owns the table of watched pids and is the only caller of waitpid(2) in baton:
 * hooks, probes and PROGRAM register here instead of waiting themselves. It must never block:
 * waitpid is always called with WNOHANG from the event loop.
 */
#include "reaper.h"

#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define REAPER_MAX_WATCHES 64

static struct reaper_watch watches[REAPER_MAX_WATCHES];
static pid_t self_pid;
static void (*reaper_report)(pid_t pid, int wstatus, bool watched);

bool reaper_is_pid1(void)
{
	return getpid() == 1;
}

bool reaper_gets_orphans(void)
{
	int bit = 0;

	return reaper_is_pid1() || (prctl(PR_GET_CHILD_SUBREAPER, &bit, 0, 0, 0) == 0 && bit);
}

int reaper_setup(bool subreaper, void (*report)(pid_t pid, int wstatus, bool watched))
{
	self_pid = getpid();
	reaper_report = report;
	if (self_pid == 1 || !subreaper)
		return 0;
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int reaper_watch(pid_t pid, void (*exited)(pid_t pid, int wstatus, void *data), void *data)
{
	for (int i = 0; i < REAPER_MAX_WATCHES; i++)
		if (watches[i].pid == 0) {
			watches[i] = (struct reaper_watch){ pid, exited, data };
			return 0;
		}
	errno = ENOSPC;
	return -1;
}

void reaper_unwatch(pid_t pid)
{
	for (int i = 0; i < REAPER_MAX_WATCHES; i++)
		if (watches[i].pid == pid)
			watches[i].pid = 0;
}

int reaper_exit_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 255;
}

int reaper_collect(void)
{
	int n = 0;

	for (;;) {
		int wstatus;
		pid_t pid = waitpid(-1, &wstatus, WNOHANG | __WALL);
		struct reaper_watch w = { 0 };

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			break;
		n++;
		for (int i = 0; i < REAPER_MAX_WATCHES; i++)
			if (watches[i].pid == pid) {
				w = watches[i];
				watches[i].pid = 0;
				break;
			}
		log_debug("reaped pid %d (%s %d)%s", pid,
			  WIFSIGNALED(wstatus) ? "signal" : "status",
			  WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus),
			  w.pid ? "" : ", an orphan");
		if (reaper_report)
			reaper_report(pid, wstatus, w.pid != 0);
		if (w.pid)
			w.exited(pid, wstatus, w.data);
	}
	return n;
}

/* ppid from /proc/PID/stat; the command name may hold spaces and parentheses. */
static pid_t proc_ppid(pid_t pid)
{
	char path[64], buf[512];
	ssize_t n;
	int fd;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
		return -1;
	return (pid_t)strtol(p + 4, NULL, 10);
}

static int pids_add(pid_t **v, size_t *n, size_t *cap, pid_t pid)
{
	if (*n == *cap) {
		pid_t *nv = realloc(*v, (*cap = *cap ? *cap * 2 : 64) * sizeof(**v));

		if (!nv)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = pid;
	return 0;
}

/* Appends pid's children, from /proc/PID/task/TID/children; -1 when that file is missing. */
static int proc_children(pid_t pid, pid_t **v, size_t *n, size_t *cap)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1; /* gone meanwhile */
	while ((e = readdir(d))) {
		char file[320], buf[4096];
		pid_t child = 0;
		bool digits = false;
		ssize_t len;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "/proc/%d/task/%s/children", pid, e->d_name);
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT && pid == self_pid) {
				closedir(d);
				return -1; /* a kernel without CONFIG_PROC_CHILDREN */
			}
			continue;
		}
		/* "PID PID PID " across as many reads as it takes (no stdio scanf: size). */
		while ((len = read(fd, buf, sizeof(buf))) > 0)
			for (ssize_t i = 0; i < len; i++) {
				if (buf[i] >= '0' && buf[i] <= '9') {
					child = child * 10 + (buf[i] - '0');
					digits = true;
				} else if (digits) {
					pids_add(v, n, cap, child);
					child = 0;
					digits = false;
				}
			}
		if (digits)
			pids_add(v, n, cap, child);
		close(fd);
	}
	closedir(d);
	return 0;
}

/* The slow way: ppid of every process under /proc, then their closure under self_pid. */
static int proc_scan(pid_t **out, size_t *count)
{
	DIR *d = opendir("/proc");
	pid_t *pids = NULL, *ppids = NULL;
	bool *mine = NULL;
	size_t n = 0, cap = 0, pcap = 0, pn = 0;
	struct dirent *e;
	bool changed = true;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		pid_t ppid;

		if (pid <= 0 || pid == self_pid || (ppid = proc_ppid(pid)) < 0)
			continue;
		if (pids_add(&pids, &n, &cap, pid) < 0 || pids_add(&ppids, &pn, &pcap, ppid) < 0)
			break;
	}
	closedir(d);
	mine = calloc(n ? n : 1, sizeof(*mine));
	if (!mine || pn != n) {
		free(pids);
		free(ppids);
		free(mine);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		mine[i] = ppids[i] == self_pid;
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; !mine[i] && j < n; j++)
				if (mine[j] && pids[j] == ppids[i])
					mine[i] = changed = true;
	}
	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (mine[i])
			pids[(*count)++] = pids[i];
	free(ppids);
	free(mine);
	*out = pids;
	return 0;
}

/*
 * Every live descendant of self_pid. A subreaper with no children has none (orphans come to
 * it), which is the common case and costs one syscall; otherwise walk the tree down through
 * /proc/PID/task/TID/children, which costs what the tree holds, not what the host holds.
 */
static int proc_descendants(pid_t **out, size_t *count)
{
	siginfo_t si;
	pid_t *v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	*count = 0;
	if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0 && errno == ECHILD)
		return 0;
	if (proc_children(self_pid, &v, &n, &cap) < 0) {
		free(v);
		return proc_scan(out, count);
	}
	for (size_t i = 0; i < n && i < 1000000; i++)
		proc_children(v[i], &v, &n, &cap);
	*out = v;
	*count = n;
	return 0;
}

int reaper_signal_all(int sig)
{
	pid_t *v = NULL;
	size_t n;
	int count = 0;

	if (self_pid == 0)
		self_pid = getpid();
	if (self_pid == 1) {
		if (kill(-1, sig) == 0)
			return 1;
		return 0;
	}
	if (proc_descendants(&v, &n) < 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (kill(v[i], sig) == 0)
			count++;
	free(v);
	return count;
}

bool reaper_is_descendant(pid_t pid, pid_t ancestor)
{
	errno = 0;
	/* Bounded: a pid namespace nests at most 32 deep, process trees rarely 64. */
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		pid = proc_ppid(pid);
		if (pid == ancestor)
			return true;
		if (pid < 0 && errno == ENOENT)
			errno = 0; /* gone: not a descendant now */
	}
	return false;
}
