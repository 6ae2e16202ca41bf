// SPDX-License-Identifier: MIT
/*
 * sigreport: a test PROGRAM that tells what it was given and what it receives. It appends
 * lines to LOG: "start pid P ppid Q pgid G sid S", "mask N,N,...", "ign N,N,...", "ready",
 * then "sig N" (and "value V" for a queued signal) for every signal, and "exit C" before it
 * exits. It never exits on its own unless told to (-x SIG: exit 0 on SIG; -e CODE: with CODE).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void log_line(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		_exit(99);
}

static void list_set(int fd, const char *label, const sigset_t *set, const struct sigaction *acts)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s ", label), first = 1;

	for (int sig = 1; sig <= SIGRTMAX; sig++) {
		int in = set ? sigismember(set, sig) == 1 : acts[sig].sa_handler == SIG_IGN;

		if (in) {
			n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s%d", first ? "" : ",", sig);
			first = 0;
		}
	}
	snprintf(buf + n, sizeof(buf) - (size_t)n, "\n");
	log_line(fd, buf);
}

int main(int argc, char **argv)
{
	static struct sigaction acts[_NSIG];
	const char *log = "/dev/stderr";
	int exit_sig = 0, exit_code = 0, c, fd, sfd;
	sigset_t mask, all;
	char buf[256];

	while ((c = getopt(argc, argv, "l:x:e:")) != -1) {
		switch (c) {
		case 'l':
			log = optarg;
			break;
		case 'x':
			exit_sig = atoi(optarg);
			break;
		case 'e':
			exit_code = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: sigreport [-l LOG] [-x SIG] [-e CODE]\n");
			return 64;
		}
	}
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(log);
		return 71;
	}
	snprintf(buf, sizeof(buf), "start pid %d ppid %d pgid %d sid %d\n", getpid(), getppid(),
		 getpgrp(), getsid(0));
	log_line(fd, buf);
	sigprocmask(SIG_BLOCK, NULL, &mask);
	list_set(fd, "mask", &mask, NULL);
	for (int sig = 1; sig <= SIGRTMAX; sig++)
		sigaction(sig, NULL, &acts[sig]);
	list_set(fd, "ign", NULL, acts);

	/* Receive everything catchable through a signalfd, so nothing is lost or coalesced. */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (sfd < 0) {
		perror("signalfd");
		return 71;
	}
	log_line(fd, "ready\n");
	for (;;) {
		struct signalfd_siginfo si;
		ssize_t n = read(sfd, &si, sizeof(si));

		if (n != sizeof(si)) {
			if (n < 0 && errno == EINTR)
				continue;
			return 70;
		}
		if (si.ssi_code == SI_QUEUE)
			snprintf(buf, sizeof(buf), "sig %u value %d\n", si.ssi_signo, si.ssi_int);
		else
			snprintf(buf, sizeof(buf), "sig %u\n", si.ssi_signo);
		log_line(fd, buf);
		if ((int)si.ssi_signo == exit_sig) {
			snprintf(buf, sizeof(buf), "exit %d\n", exit_code);
			log_line(fd, buf);
			return exit_code;
		}
	}
}
