/* SPDX-License-Identifier: MIT */
/* psi.c — parsing /proc/pressure/memory ("some avg10=0.12 avg60=… avg300=… total=N"
 * and the same for "full") without floating point, so no locale can change it. */
#include "psi.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "oomw.h"

enum psi_field { F_AVG10, F_AVG60, F_AVG300, F_TOTAL, F_COUNT };
#define ALL_FIELDS ((1u << F_COUNT) - 1)

static const char *const field_names[F_COUNT] = { "avg10", "avg60", "avg300", "total" };

/* Hundredths of a percent in a decimal "I[.F]": the kernel prints two decimals;
 * further digits are checked and dropped. */
#define CPCT_PER_PCT 100
static int parse_cpct(const char *s, size_t len, int64_t *cpct)
{
	const char *dot = memchr(s, '.', len);
	size_t int_len = dot ? (size_t)(dot - s) : len;
	uint64_t whole, frac = 0;
	if (oomw_parse_u64(s, int_len, &whole) < 0 || whole > (uint64_t)(INT64_MAX / CPCT_PER_PCT) - 1)
		return -EINVAL;
	if (dot) {
		const char *f = dot + 1;
		size_t frac_len = len - int_len - 1;
		if (frac_len == 0)
			return -EINVAL;
		for (size_t i = 0; i < frac_len; i++)
			if (f[i] < '0' || f[i] > '9')
				return -EINVAL;
		frac = (uint64_t)(f[0] - '0') * 10;
		if (frac_len > 1)
			frac += (uint64_t)(f[1] - '0');
	}
	*cpct = (int64_t)(whole * CPCT_PER_PCT + frac);
	return 0;
}

/* One line after its "some"/"full" word: blank-separated name=value tokens,
 * each known name exactly once (as systemd's psi-util insists); unknown names
 * are skipped so a future kernel may add fields. */
static int parse_fields(const char *p, const char *eol, struct oomw_psi_line *line, const char **why)
{
	unsigned seen = 0;
	int64_t *dest[F_COUNT] = { &line->avg10_cpct, &line->avg60_cpct, &line->avg300_cpct,
				   &line->total_usec };
	while (p < eol) {
		if (*p == ' ') {
			p++;
			continue;
		}
		const char *tok_end = memchr(p, ' ', (size_t)(eol - p));
		if (!tok_end)
			tok_end = eol;
		const char *eq = memchr(p, '=', (size_t)(tok_end - p));
		if (!eq) {
			*why = "pressure: a field is not name=value";
			return -EBADMSG;
		}
		size_t name_len = (size_t)(eq - p);
		const char *val = eq + 1;
		size_t val_len = (size_t)(tok_end - val);
		for (int f = 0; f < F_COUNT; f++) {
			if (strlen(field_names[f]) != name_len ||
			    memcmp(field_names[f], p, name_len) != 0)
				continue;
			if (seen & (1u << f)) {
				*why = "pressure: a field appears twice on one line";
				return -EBADMSG;
			}
			seen |= 1u << f;
			int r;
			if (f == F_TOTAL) {
				r = oomw_parse_i64(val, val_len, dest[f]);
				if (r == 0 && *dest[f] < 0)
					r = -EINVAL;
			} else {
				r = parse_cpct(val, val_len, dest[f]);
			}
			if (r < 0) {
				*why = f == F_TOTAL ? "pressure: total is not a number of microseconds"
						    : "pressure: an avg is not a decimal percentage";
				return -EBADMSG;
			}
			break;
		}
		p = tok_end;
	}
	if (seen != ALL_FIELDS) {
		*why = "pressure: a line lacks one of avg10, avg60, avg300, total";
		return -EBADMSG;
	}
	line->known = true;
	return 0;
}

static void set_unknown(struct oomw_psi *psi)
{
	static const struct oomw_psi_line unknown = {
		.known = false,
		.avg10_cpct = OOMW_UNKNOWN,
		.avg60_cpct = OOMW_UNKNOWN,
		.avg300_cpct = OOMW_UNKNOWN,
		.total_usec = OOMW_UNKNOWN,
	};
	psi->some = unknown;
	psi->full = unknown;
}

int oomw_psi_parse(const char *buf, size_t len, struct oomw_psi *out, const char **why)
{
	/* Parse into a copy so that a failure leaves *out all unknown. */
	struct oomw_psi psi;
	set_unknown(&psi);
	set_unknown(out);
	*why = NULL;

	const char *p = buf, *end = buf + len, *text;
	size_t line_len;
	while (oomw_next_line(&p, end, &text, &line_len)) {
		const char *sp = memchr(text, ' ', line_len);
		size_t word_len = sp ? (size_t)(sp - text) : line_len;
		struct oomw_psi_line *line = NULL;
		if (word_len == 4 && memcmp(text, "some", 4) == 0)
			line = &psi.some;
		else if (word_len == 4 && memcmp(text, "full", 4) == 0)
			line = &psi.full;
		if (line_len == 0) {
			/* tolerate a blank line */
		} else if (!line) {
			*why = "pressure: a line starts with neither 'some' nor 'full'";
			return -EBADMSG;
		} else if (line->known) {
			*why = "pressure: a 'some' or 'full' line appears twice";
			return -EBADMSG;
		} else {
			int r = parse_fields(text + word_len, text + line_len, line, why);
			if (r < 0)
				return r;
		}
	}
	if (!psi.some.known) {
		*why = "pressure: no 'some' line";
		return -EBADMSG;
	}
	*out = psi;
	return 0;
}

int oomw_psi_read(const char *proc_dir, struct oomw_psi *out, const char **why)
{
	char buf[OOMW_SMALL_FILE_MAX];
	size_t len;
	*why = NULL;
	set_unknown(out);
	/* -ENOENT (kernel < 4.20, or no CONFIG_PSI) and -EOPNOTSUPP (booted
	 * with psi=0: the file exists but reads fail) pass through unchanged:
	 * the caller reports PSI as unknown, not as zero pressure. */
	int r = oomw_read_file(proc_dir, "pressure/memory", buf, sizeof(buf), &len);
	if (r < 0)
		return r;
	return oomw_psi_parse(buf, len, out, why);
}

int oomw_psi_trigger_open(const char *proc_dir, bool full, int64_t stall_usec, int64_t window_usec,
			  int *fd)
{
	char path[PATH_MAX], trigger[64];
	*fd = -1;
	if (window_usec < OOMW_PSI_WINDOW_MIN_USEC || window_usec > OOMW_PSI_WINDOW_MAX_USEC ||
	    stall_usec <= 0 || stall_usec > window_usec)
		return -EINVAL;
	int r = oomw_path_join(path, sizeof(path), proc_dir, "pressure/memory");
	if (r < 0)
		return r;
	int len = snprintf(trigger, sizeof(trigger), "%s %lld %lld", full ? "full" : "some",
			   (long long)stall_usec, (long long)window_usec);
	int f = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (f < 0)
		return -errno;
	/* Only the kernel's file takes a trigger: writing one into a copy of
	 * /proc (a fixture tree, a host's /proc saved as files) would change it. */
	struct statfs fs;
	if (fstatfs(f, &fs) < 0 || fs.f_type != PROC_SUPER_MAGIC) {
		close(f);
		return -EOPNOTSUPP;
	}
	/* The kernel overwrites the last byte written with a NUL: send ours. */
	if (write(f, trigger, (size_t)len + 1) < 0) {
		r = -errno;
		close(f);
		return r;
	}
	*fd = f;
	return 0;
}
