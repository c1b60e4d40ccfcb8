/* SPDX-License-Identifier: MIT */
/* fuzz_text — text-log lines (dmesg, dmesg -T in any locale, -x, -r, -H,
 * --time-format=iso, syslog, RFC 3339, journalctl's formats, busybox and
 * OpenWrt logread) through oomw_klog_parse_text, one line at a time. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "klog.h"
#include "oomw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *line;
	size_t len;
	while (oomw_next_line(&p, end, &line, &len)) {
		if (len > OOMW_KLOG_RECORD_MAX)
			continue;
		char *copy = malloc(len ? len : 1);
		memcpy(copy, line, len);
		struct oomw_klog_record r;
		if (oomw_klog_parse_text(copy, len, &r) == 0 &&
		    (r.text < copy || r.text + r.text_len > copy + len || r.prio > 7))
			abort();
		free(copy);
	}
	return 0;
}
