/* SPDX-License-Identifier: MIT */
/* vmstat.c — the oom_kill counter of /proc/vmstat ("name value" lines). */
#include "vmstat.h"

#include <errno.h>
#include <string.h>

#include "oomw.h"

static const char key[] = "oom_kill ";

int oomw_vmstat_parse_oom_kill(const char *buf, size_t len, int64_t *oom_kill, const char **why)
{
	const size_t key_len = sizeof(key) - 1;
	int64_t found = OOMW_UNKNOWN;
	*oom_kill = OOMW_UNKNOWN;
	*why = NULL;

	const char *p = buf, *end = buf + len, *line;
	size_t line_len;
	while (oomw_next_line(&p, end, &line, &line_len)) {
		/* "oom_kill " with the blank, so that a future "oom_kill_foo" is not ours. */
		if (line_len >= key_len && memcmp(line, key, key_len) == 0) {
			if (found != OOMW_UNKNOWN) {
				*why = "vmstat: oom_kill appears twice";
				return -EBADMSG;
			}
			if (oomw_parse_i64(line + key_len, line_len - key_len, &found) < 0 ||
			    found < 0) {
				*why = "vmstat: oom_kill is not a non-negative number";
				return -EBADMSG;
			}
			if (found > OOMW_COUNTER_MAX) {
				*why = "vmstat: oom_kill is out of range";
				return -EBADMSG;
			}
		} else if (line_len == key_len - 1 && memcmp(line, key, key_len - 1) == 0) {
			*why = "vmstat: oom_kill has no value";
			return -EBADMSG;
		}
	}
	*oom_kill = found;
	return 0;
}

int oomw_vmstat_read_oom_kill(const char *proc_dir, int64_t *oom_kill, const char **why)
{
	char buf[OOMW_SMALL_FILE_MAX];
	size_t len;
	*oom_kill = OOMW_UNKNOWN;
	*why = NULL;
	int r = oomw_read_file(proc_dir, "vmstat", buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return oomw_vmstat_parse_oom_kill(buf, len, oom_kill, why);
}
