// SPDX-License-Identifier: MIT
/*
 * spawnloop ROUNDS WARMUP REF LABEL CMD... [::: LABEL CMD...]...: the startup benchmark's driver.
 * Runs the commands alternately, ROUNDS times each (after WARMUP unrecorded rounds), starting
 * every round one command further along so no command always follows the same one. Each run is
 * timed with CLOCK_MONOTONIC around posix_spawn + waitpid, with stdin, stdout and stderr on
 * /dev/null; the driver's own cost is the same for every command. The first command is the
 * baseline, REF the label of a second reference. Prints one line per command, tab separated:
 *   label median_ns p10_ns p90_ns paired_ratio_to_first paired_ratio_to_ref
 * where a paired ratio is the median over rounds of (this command / the other command) in the
 * same round. Exit 1 when a command fails (exits non-zero).
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16

extern char **environ;

struct cmd {
	const char *label;
	char **argv;
	double *ns;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of v[0..n), sorted in place. */
static double percentile(double *v, int n, double p)
{
	int i = (int)(p / 100.0 * n + 0.999999);

	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	if (i < 1)
		i = 1;
	if (i > n)
		i = n;
	return v[i - 1];
}

int main(int argc, char **argv)
{
	struct cmd cmds[MAX_CMDS];
	posix_spawn_file_actions_t fa;
	int rounds, warmup, n = 0, ref = 0;
	double *tmp;

	if (argc < 6) {
		fprintf(stderr,
			"usage: spawnloop ROUNDS WARMUP REF LABEL CMD... [::: LABEL CMD...]...\n");
		return 64;
	}
	rounds = atoi(argv[1]);
	warmup = atoi(argv[2]);
	for (int i = 4; i < argc && n < MAX_CMDS; i++) {
		cmds[n].label = argv[i];
		cmds[n].argv = &argv[i + 1];
		cmds[n].ns = calloc((size_t)rounds, sizeof(double));
		while (i < argc && strcmp(argv[i], ":::") != 0)
			i++;
		argv[i < argc ? i : argc] = NULL;
		if (!cmds[n].ns || !cmds[n].argv[0]) {
			fprintf(stderr, "spawnloop: command %d is empty\n", n + 1);
			return 64;
		}
		if (strcmp(cmds[n].label, argv[3]) == 0)
			ref = n;
		n++;
	}
	tmp = calloc((size_t)rounds, sizeof(double));
	if (!tmp)
		return 71;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (int r = 0; r < warmup + rounds; r++)
		for (int k = 0; k < n; k++) {
			struct cmd *c = &cmds[(k + r) % n];
			int status;
			pid_t pid;
			double t0 = now_ns(), t1;

			if (posix_spawnp(&pid, c->argv[0], &fa, NULL, c->argv, environ) != 0 ||
			    waitpid(pid, &status, 0) != pid) {
				perror(c->argv[0]);
				return 1;
			}
			t1 = now_ns();
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "spawnloop: %s failed (status 0x%x)\n", c->label,
					status);
				return 1;
			}
			if (r >= warmup)
				c->ns[r - warmup] = t1 - t0;
		}

	for (int k = 0; k < n; k++) {
		double med, p10, p90, paired, paired_ref;

		for (int r = 0; r < rounds; r++)
			tmp[r] = cmds[k].ns[r] / cmds[0].ns[r];
		paired = percentile(tmp, rounds, 50);
		for (int r = 0; r < rounds; r++)
			tmp[r] = cmds[k].ns[r] / cmds[ref].ns[r];
		paired_ref = percentile(tmp, rounds, 50);
		memcpy(tmp, cmds[k].ns, (size_t)rounds * sizeof(double));
		med = percentile(tmp, rounds, 50);
		p10 = percentile(tmp, rounds, 10);
		p90 = percentile(tmp, rounds, 90);
		printf("%s\t%.0f\t%.0f\t%.0f\t%.4f\t%.4f\n", cmds[k].label, med, p10, p90, paired,
		       paired_ref);
	}
	return 0;
}
