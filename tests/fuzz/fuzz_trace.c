/* SPDX-License-Identifier: MIT */
/* fuzz_trace — an oom:mark_victim format file, then a raw sample decoded by it:
 * the input is the format text up to the first NUL byte, the raw record after
 * it. A refusal always says why; a decoded victim has a pid and a comm that
 * fits. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= OOMW_TRACE_FORMAT_MAX)
		return -1;
	const uint8_t *nul = memchr(data, '\0', size);
	size_t text_len = nul ? (size_t)(nul - data) : size;
	char *text = malloc(text_len ? text_len : 1);
	memcpy(text, data, text_len);
	struct oomw_trace_format fmt;
	const char *why = NULL;
	if (oomw_trace_format_parse(text, text_len, &fmt, &why) < 0) {
		if (why == NULL)
			abort();
		free(text);
		return 0;
	}
	size_t raw_len = nul ? size - text_len - 1 : 0;
	unsigned char *raw = malloc(raw_len ? raw_len : 1);
	memcpy(raw, nul ? nul + 1 : data, raw_len);
	struct oomw_kill k;
	why = NULL;
	if (oomw_trace_decode(&fmt, raw, raw_len, &k, &why) == 0) {
		if (k.pid <= 0 || k.comm_len > OOMW_COMM_MAX || k.comm[k.comm_len] != '\0')
			abort();
	} else if (why == NULL) {
		abort();
	}
	free(raw);
	free(text);
	return 0;
}
