/* SPDX-License-Identifier: MIT */
/* fuzz_state — the state file loader, on inputs sealed with a valid end
 * line (the checksum would stop nearly every mutation otherwise). What loads
 * has no negative counter, and must save and load again to the same state. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "oomw.h"
#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct oomw_state st, again;
	char path[4096], copy[4096];
	snprintf(path, sizeof(path), "%s/state", fuzz_dir());
	snprintf(copy, sizeof(copy), "%s/state.again", fuzz_dir());
	fuzz_write_state("state", data, size);
	const char *why = NULL;
	int r = oomw_state_load(path, &st, &why);
	if (r == -EBADMSG && why == NULL)
		abort();
	if (r != 0)
		return 0;
	/* Counters are never negative (unknown is OOMW_UNKNOWN, only where the
	 * format allows it): a negative one would be subtracted from the next. */
	if ((st.vmstat_oom_kill < 0 && st.vmstat_oom_kill != OOMW_UNKNOWN) || st.log_ahead < 0 ||
	    st.kills_without_details < 0)
		abort();
	for (size_t i = 0; i < st.n_cgroups; i++)
		if (st.cgroups[i].oom_kill < 0 && st.cgroups[i].oom_kill != OOMW_UNKNOWN)
			abort();
	if (oomw_state_save(copy, &st) != 0 || oomw_state_load(copy, &again, &why) != 0)
		abort();
	if (again.n_events != st.n_events || again.n_cgroups != st.n_cgroups ||
	    again.vmstat_oom_kill != st.vmstat_oom_kill || again.log_ahead != st.log_ahead ||
	    again.kills_without_details != st.kills_without_details ||
	    again.next_event_index != st.next_event_index || strcmp(again.boot_id, st.boot_id) != 0)
		abort();
	return 0;
}
