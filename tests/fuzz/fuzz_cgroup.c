/* SPDX-License-Identifier: MIT */
/* fuzz_cgroup — the files of one memory cgroup, v2 (memory.events,
 * memory.current, memory.max) and v1 (memory.oom_control,
 * memory.usage_in_bytes, memory.limit_in_bytes), read by oomw_cgroup_read
 * from a scratch directory. Input: up to three sections, written to both
 * versions' files in that order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "fuzz.h"

static const char *const v2_files[] = { "v2/cg/memory.events", "v2/cg/memory.current",
					"v2/cg/memory.max" };
static const char *const v1_files[] = { "v1/cg/memory.oom_control", "v1/cg/memory.usage_in_bytes",
					"v1/cg/memory.limit_in_bytes" };

static void read_one(const char *sub, int version)
{
	struct oomw_cgroup_root root = { .version = version };
	snprintf(root.dir, sizeof(root.dir), "%s/%s", fuzz_dir(), sub);
	struct oomw_cgroup_stats st;
	int r = oomw_cgroup_read(&root, "/cg", &st);
	if (r == 0 && (st.version != version || strcmp(st.path, "/cg") != 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_section sec[3];
	size_t n = fuzz_split(data, size, sec, 3);
	for (size_t i = 0; i < 3; i++) {
		const char *d = i < n ? sec[i].data : "";
		size_t len = i < n ? sec[i].len : 0;
		fuzz_write(v2_files[i], d, len);
		fuzz_write(v1_files[i], d, len);
	}
	read_one("v2", 2);
	read_one("v1", 1);
	return 0;
}
