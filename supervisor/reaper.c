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

bool reaper_is_pid1(void)
{
	return getpid() == 1;
}

int reaper_setup(void)
{
	self_pid = getpid();
	if (self_pid == 1)
		return 0;
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int reaper_watch(pid_t pid, void (*exited)(pid_t pid, int wstatus, void *data), void *data)
{
	for (int i = 0; i < REAPER_MAX_WATCHES; i++)
		if (watches[i].pid == 0) {
			watches[i] = (struct reaper_watch){pid, exited, data};
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
		struct reaper_watch w = {0};

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
		log_debug("reaped pid %d (%s %d)%s", pid, WIFSIGNALED(wstatus) ? "signal" : "status",
			  WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : WEXITSTATUS(wstatus),
			  w.pid ? "" : ", an orphan");
		if (w.pid)
			w.exited(pid, wstatus, w.data);
	}
	return n;
}

struct proc_entry {
	pid_t pid, ppid;
	bool mine;
};

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

/* Every live descendant of self_pid, from one pass over /proc; -1 when /proc is unusable. */
static int proc_descendants(struct proc_entry **out)
{
	DIR *d = opendir("/proc");
	struct proc_entry *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	bool changed = true;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		pid_t ppid;

		if (pid <= 0 || pid == self_pid)
			continue;
		ppid = proc_ppid(pid);
		if (ppid < 0)
			continue;
		if (n == cap) {
			struct proc_entry *nv = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!nv) {
				free(v);
				closedir(d);
				return -1;
			}
			v = nv;
		}
		v[n++] = (struct proc_entry){pid, ppid, ppid == self_pid};
	}
	closedir(d);
	while (changed) {
		changed = false;
		for (size_t i = 0; i < n; i++)
			for (size_t j = 0; !v[i].mine && j < n; j++)
				if (v[j].mine && v[j].pid == v[i].ppid)
					v[i].mine = changed = true;
	}
	*out = v;
	return (int)n;
}

int reaper_signal_all(int sig)
{
	struct proc_entry *v = NULL;
	int n, count = 0;

	if (self_pid == 0)
		self_pid = getpid();
	if (self_pid == 1) {
		if (kill(-1, sig) == 0)
			return 1;
		return 0;
	}
	n = proc_descendants(&v);
	if (n < 0)
		return 0;
	for (int i = 0; i < n; i++)
		if (v[i].mine && kill(v[i].pid, sig) == 0)
			count++;
	free(v);
	return count;
}

bool reaper_is_descendant(pid_t pid, pid_t ancestor)
{
	/* Bounded: a pid namespace nests at most 32 deep, process trees rarely 64. */
	for (int depth = 0; pid > 1 && depth < 4096; depth++) {
		pid = proc_ppid(pid);
		if (pid == ancestor)
			return true;
	}
	return false;
}
