/* SPDX-License-Identifier: MIT */
/* oom_victim — a test process that gives itself any name (argv[1], passed to
 * prctl(PR_SET_NAME) as raw bytes) and allocates until the OOM killer of the
 * memory cgroup it was started in kills it. Run only inside a small throwaway
 * cgroup (tests/lib/oomcg.sh): it never stops by itself.
 * With HOLD_MIB it allocates that much, writes "ready" to stdout and then
 * waits to be killed: a bystander of known size in the cgroup's task dump. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#define CHUNK_BYTES (1024 * 1024)

static void grab(void)
{
	char *p = malloc(CHUNK_BYTES);
	if (p == NULL) {
		perror("malloc");
		exit(1);
	}
	/* Touch every page so it is charged; volatile, or the compiler drops
	 * writes to memory that is never read. */
	volatile char *v = p;
	for (size_t i = 0; i < CHUNK_BYTES; i += 512)
		v[i] = (char)0xa5;
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: oom_victim NAME [HOLD_MIB]\n");
		return 2;
	}
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0) != 0) {
		perror("prctl(PR_SET_NAME)");
		return 1;
	}
	if (argc == 3) {
		long mib = strtol(argv[2], NULL, 10);
		for (long i = 0; i < mib; i++)
			grab();
		printf("ready\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	for (;;)
		grab();
}
