/* psi.h — /proc/pressure/memory: how much of the time tasks stall waiting for memory. */
#ifndef OOMW_PSI_H
#define OOMW_PSI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Averages in hundredths of a percent ("avg10=1.23" -> 123), parsed without
 * floating point or locale; total in microseconds of stall since boot. */
struct oomw_psi_line {
	bool known;
	int64_t avg10_cpct;
	int64_t avg60_cpct;
	int64_t avg300_cpct;
	int64_t total_usec;
};

struct oomw_psi {
	struct oomw_psi_line some;
	struct oomw_psi_line full; /* absent on kernels that print only "some" */
};

/* Parses the text; each field must appear exactly once per line.
 * Returns 0 or -EBADMSG (*why says why). */
int oomw_psi_parse(const char *buf, size_t len, struct oomw_psi *out, const char **why);
/* Reads <proc_dir>/pressure/memory. -ENOENT (kernel < 4.20) and -EOPNOTSUPP
 * (psi=0) mean "unknown"; both leave *out with known = false. */
int oomw_psi_read(const char *proc_dir, struct oomw_psi *out, const char **why);

#endif
