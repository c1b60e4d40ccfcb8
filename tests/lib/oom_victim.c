/* SPDX-License-Identifier: MIT */
/* oom_victim — a test process that gives itself any name (argv[1], passed to
 * prctl(PR_SET_NAME) as raw bytes) and allocates until the OOM killer of the
 * memory cgroup it was started in kills it. Run only inside a small throwaway
 * cgroup (tests/lib/oomcg.sh): it never stops by itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define CHUNK_BYTES (1024 * 1024)

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: oom_victim NAME\n");
		return 2;
	}
	if (prctl(PR_SET_NAME, argv[1], 0, 0, 0) != 0) {
		perror("prctl(PR_SET_NAME)");
		return 1;
	}
	for (;;) {
		char *p = malloc(CHUNK_BYTES);
		if (p == NULL) {
			perror("malloc");
			return 1;
		}
		memset(p, 0xa5, CHUNK_BYTES); /* touch every page so it is charged */
	}
}
