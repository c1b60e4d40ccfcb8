/* SPDX-License-Identifier: MIT */
/* fuzz_kmsg — one /dev/kmsg record ("prio,seq,usec,flag;text\n KEY=value"),
 * as read() returns it, through oomw_klog_parse_kmsg. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "klog.h"
#include "oomw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > OOMW_KLOG_RECORD_MAX)
		return -1;
	/* An exact-size copy, so that ASan sees any read past the record. */
	char *rec = malloc(size ? size : 1);
	memcpy(rec, data, size);
	struct oomw_klog_record r;
	if (oomw_klog_parse_kmsg(rec, size, &r) == 0) {
		/* The text lies inside the record; the numbers are in range (a
		 * timestamp may be unknown). */
		if (r.text < rec || r.text + r.text_len > rec + size ||
		    (r.mono_usec < 0 && r.mono_usec != OOMW_UNKNOWN) || r.prio < 0 || r.prio > 7 ||
		    r.facility < 0)
			abort();
	}
	free(rec);
	return 0;
}
