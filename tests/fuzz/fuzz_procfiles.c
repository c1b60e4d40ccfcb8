/* SPDX-License-Identifier: MIT */
/* fuzz_procfiles — /proc/meminfo, /proc/vmstat and /proc/pressure/memory
 * text through their parsers (all three see every input: their grammars
 * overlap enough that a seed of one is a good start for another). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "meminfo.h"
#include "oomw.h"
#include "psi.h"
#include "vmstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= OOMW_SMALL_FILE_MAX)
		return -1;
	char *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	const char *why = NULL;

	struct oomw_meminfo mem;
	if (oomw_meminfo_parse(buf, size, &mem, &why) == 0) {
		if (mem.mem_total_kib == OOMW_UNKNOWN)
			abort(); /* MemTotal is required */
	} else if (why == NULL) {
		abort(); /* a refusal always says why */
	}

	int64_t oom_kill;
	why = NULL;
	if (oomw_vmstat_parse_oom_kill(buf, size, &oom_kill, &why) < 0 && why == NULL)
		abort();

	struct oomw_psi psi;
	why = NULL;
	if (oomw_psi_parse(buf, size, &psi, &why) < 0 && why == NULL)
		abort();
	free(buf);
	return 0;
}
