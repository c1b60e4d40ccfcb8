/* SPDX-License-Identifier: MIT */
/* bench_run.c — whole-process cost of two commands, run alternately N times
 * each (so that a busy machine slows both alike), output to an unnamed temp
 * file: GNU grep stops at the first match when its output is /dev/null.
 * Usage: bench_run N CMD_A [ARGS...] -- CMD_B [ARGS...]
 * Prints "MEDIAN_A_USEC MEDIAN_B_USEC" (wall time from fork to reaped exit). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_usec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Runs argv once; returns its wall time in µs, or -1 if it could not run. */
static double run_once(char **argv)
{
	double t0 = now_usec();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/tmp", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) == 127)
		return -1;
	return now_usec() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	int sep = 0;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			sep = i;
	if (n <= 0 || sep <= 2 || sep == argc - 1) {
		fprintf(stderr, "usage: %s N CMD_A [ARGS...] -- CMD_B [ARGS...]\n", argv[0]);
		return 2;
	}
	argv[sep] = NULL;
	char **a = argv + 2, **b = argv + sep + 1;
	double *ta = calloc((size_t)n, sizeof(double)), *tb = calloc((size_t)n, sizeof(double));
	if (!ta || !tb)
		return 1;
	for (int i = 0; i < n; i++) {
		ta[i] = run_once(a);
		tb[i] = run_once(b);
		if (ta[i] < 0 || tb[i] < 0) {
			fprintf(stderr, "bench_run: %s failed to run\n", ta[i] < 0 ? a[0] : b[0]);
			return 1;
		}
	}
	printf("%.0f %.0f\n", median(ta, n), median(tb, n));
	free(ta);
	free(tb);
	return 0;
}
