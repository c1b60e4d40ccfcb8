/* SPDX-License-Identifier: MIT */
/* fuzz.h — what the libFuzzer harnesses in tests/fuzz/ share: a scratch
 * directory for parsers that read files, writing a file there, splitting an
 * input into sections, and sealing a state file with its checksum. */
#ifndef OOMW_FUZZ_H
#define OOMW_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Inputs that hold several files separate them with this line. */
#define FUZZ_SECTION_MARK "\n--8<--\n"
#define FUZZ_SECTIONS_MAX 16

struct fuzz_section {
	const char *data;
	size_t len;
};

/* A private directory, made on the first call and removed at exit. */
const char *fuzz_dir(void);
/* Writes data to fuzz_dir()/rel (parents made), replacing it. Aborts on error:
 * a harness that cannot set up its input must not pass silently. */
void fuzz_write(const char *rel, const void *data, size_t len);
/* Appends to fuzz_dir()/rel. */
void fuzz_append(const char *rel, const void *data, size_t len);
/* Splits [data, data+len) at FUZZ_SECTION_MARK into at most max sections
 * (the last takes the rest); returns how many. */
size_t fuzz_split(const uint8_t *data, size_t len, struct fuzz_section *out, size_t max);
/* Writes body followed by the "end fnv1a64=" line the state loader demands,
 * so that fuzzing reaches the fields instead of stopping at the checksum. */
void fuzz_write_state(const char *rel, const void *body, size_t len);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
