/* SPDX-License-Identifier: MIT */
/* thresholds.c — parsing what users type for limits: Nagios ranges
 * ("[@][start][:][end]"), sizes with binary units, and durations. Numbers are
 * parsed by hand, never with strtod, so a comma-decimal locale changes nothing. */
#include "thresholds.h"

#include <errno.h>
#include <string.h>

#include "oomw.h"

/* More decimals than a double can tell apart from the integer part are a typo. */
#define DECIMALS_MAX 15

struct unit_suffix {
	const char *text;
	enum oomw_unit unit;
	double factor;
};

/* Longest first where one is a prefix of another ("KiB" before "K"). */
static const struct unit_suffix suffixes[] = {
	{ "%", OOMW_UNIT_PCT, 1.0 },
	{ "B", OOMW_UNIT_BYTES, 1.0 },
	{ "KiB", OOMW_UNIT_BYTES, 1024.0 },
	{ "K", OOMW_UNIT_BYTES, 1024.0 },
	{ "MiB", OOMW_UNIT_BYTES, 1024.0 * 1024 },
	{ "M", OOMW_UNIT_BYTES, 1024.0 * 1024 },
	{ "GiB", OOMW_UNIT_BYTES, 1024.0 * 1024 * 1024 },
	{ "G", OOMW_UNIT_BYTES, 1024.0 * 1024 * 1024 },
	{ "TiB", OOMW_UNIT_BYTES, 1024.0 * 1024 * 1024 * 1024 },
	{ "T", OOMW_UNIT_BYTES, 1024.0 * 1024 * 1024 * 1024 },
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "[-+]digits[.digits]" at the start of [s, end); *used = bytes taken. */
static int parse_decimal(const char *s, const char *end, double *value, size_t *used, const char **why)
{
	const char *p = s;
	bool neg = false;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	const char *int_start = p;
	while (p < end && is_digit(*p))
		p++;
	size_t int_len = (size_t)(p - int_start);
	uint64_t whole = 0, frac = 0, scale = 1;
	if (int_len > 0 && oomw_parse_u64(int_start, int_len, &whole) < 0) {
		*why = "number too large";
		return -EINVAL;
	}
	size_t frac_len = 0;
	if (p < end && *p == '.') {
		p++;
		while (p < end && is_digit(*p)) {
			if (++frac_len > DECIMALS_MAX) {
				*why = "too many decimal places";
				return -EINVAL;
			}
			frac = frac * 10 + (uint64_t)(*p - '0');
			scale *= 10;
			p++;
		}
	}
	if (int_len == 0 && frac_len == 0) {
		*why = "expected a number";
		return -EINVAL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		*why = "exponents are not supported: write the number out";
		return -EINVAL;
	}
	if (p < end && (*p == ',' || *p == '.')) {
		*why = "a number has one '.' as its decimal separator";
		return -EINVAL;
	}
	/* Both divisions are exact or correctly rounded: the result matches
	 * strtod in the C locale to within one unit in the last place. */
	double v = (double)whole + (double)frac / (double)scale;
	*value = neg ? -v : v;
	*used = (size_t)(p - s);
	return 0;
}

/* A number and an optional unit filling exactly [s, end). */
static int parse_quantity(const char *s, const char *end, double *value, enum oomw_unit *unit,
			  const char **why)
{
	size_t used;
	int r = parse_decimal(s, end, value, &used, why);
	if (r < 0)
		return r;
	const char *u = s + used;
	size_t ulen = (size_t)(end - u);
	*unit = OOMW_UNIT_NONE;
	if (ulen == 0)
		return 0;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strlen(suffixes[i].text) == ulen && memcmp(suffixes[i].text, u, ulen) == 0) {
			if (*value < 0) {
				*why = suffixes[i].unit == OOMW_UNIT_PCT
					       ? "a percentage cannot be negative"
					       : "a size cannot be negative";
				return -EINVAL;
			}
			*value *= suffixes[i].factor;
			*unit = suffixes[i].unit;
			return 0;
		}
	}
	*why = "unknown unit: use %, B, K, KiB, M, MiB, G, GiB, T or TiB";
	return -EINVAL;
}

int oomw_range_parse(const char *text, struct oomw_range *out, const char **why)
{
	struct oomw_range r = { .start = 0, .end = 0, .unit = OOMW_UNIT_NONE };
	*why = NULL;
	size_t len = strlen(text);
	if (len == 0) {
		*why = "empty range";
		return -EINVAL;
	}
	if (len > OOMW_RANGE_TEXT_MAX) {
		*why = "range too long";
		return -EINVAL;
	}
	/* Kept as typed for perfdata, where blanks would split the field. */
	if (strpbrk(text, " \t\n\r\v\f")) {
		*why = "a range contains no blanks";
		return -EINVAL;
	}
	memcpy(r.text, text, len + 1);

	const char *p = text, *end = text + len;
	if (*p == '@') {
		r.alert_inside = true;
		p++;
	}
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		*why = "a range has at most one ':'";
		return -EINVAL;
	}
	const char *start_end = colon ? colon : p; /* "10" alone is an end: 0..10 */
	const char *end_start = colon ? colon + 1 : p;
	if (p == end || (colon && p == colon && colon + 1 == end)) {
		*why = "empty range: give a start, an end or both";
		return -EINVAL;
	}

	enum oomw_unit start_unit = OOMW_UNIT_NONE, end_unit = OOMW_UNIT_NONE;
	bool has_start = false, has_end = false;
	if (start_end - p == 1 && *p == '~') {
		r.start_neg_inf = true;
	} else if (start_end > p) {
		int e = parse_quantity(p, start_end, &r.start, &start_unit, why);
		if (e < 0)
			return e;
		has_start = true;
	}
	if (end_start < end) {
		if (*end_start == '~') {
			*why = "'~' (minus infinity) can only start a range";
			return -EINVAL;
		}
		int e = parse_quantity(end_start, end, &r.end, &end_unit, why);
		if (e < 0)
			return e;
		has_end = true;
	} else {
		r.end_inf = true; /* "10:" */
	}
	if (has_start && has_end && start_unit != end_unit) {
		*why = "start and end of a range use different units";
		return -EINVAL;
	}
	r.unit = has_start ? start_unit : end_unit;
	if (!r.start_neg_inf && !r.end_inf && r.start > r.end) {
		*why = "the start of a range is greater than its end";
		return -EINVAL;
	}
	*out = r;
	return 0;
}

bool oomw_range_alerts(const struct oomw_range *r, double value)
{
	bool inside = (r->start_neg_inf || value >= r->start) && (r->end_inf || value <= r->end);
	return r->alert_inside ? inside : !inside;
}

int oomw_size_parse(const char *text, double *value, enum oomw_unit *unit, const char **why)
{
	double v;
	enum oomw_unit u;
	*why = NULL;
	if (!*text) {
		*why = "empty size";
		return -EINVAL;
	}
	int r = parse_quantity(text, text + strlen(text), &v, &u, why);
	if (r < 0)
		return r;
	if (v < 0) {
		*why = "a size cannot be negative";
		return -EINVAL;
	}
	*value = v;
	*unit = u == OOMW_UNIT_NONE ? OOMW_UNIT_BYTES : u; /* "100" is 100 bytes */
	return 0;
}

struct duration_unit {
	char suffix;
	int64_t seconds;
};

static const struct duration_unit duration_units[] = {
	{ 's', 1 },
	{ 'm', 60 },
	{ 'h', 60 * 60 },
	{ 'd', 24 * 60 * 60 },
};

int oomw_duration_parse(const char *text, int64_t *seconds, const char **why)
{
	*why = NULL;
	size_t len = strlen(text);
	size_t digits = strspn(text, "0123456789");
	int64_t per = 1;
	if (len == 0) {
		*why = "empty duration";
		return -EINVAL;
	}
	if (text[0] == '-') {
		*why = "a duration cannot be negative";
		return -EINVAL;
	}
	if (digits == 0) {
		*why = "a duration starts with a whole number (30s, 15m, 1h, 1d)";
		return -EINVAL;
	}
	if (digits + 1 == len) {
		size_t i;
		for (i = 0; i < sizeof(duration_units) / sizeof(duration_units[0]); i++)
			if (duration_units[i].suffix == text[digits])
				break;
		if (i == sizeof(duration_units) / sizeof(duration_units[0])) {
			*why = "unknown duration unit: use s, m, h or d";
			return -EINVAL;
		}
		per = duration_units[i].seconds;
	} else if (digits != len) {
		*why = "a duration is a whole number and one unit (30s, 15m, 1h, 1d)";
		return -EINVAL;
	}
	uint64_t n;
	if (oomw_parse_u64(text, digits, &n) < 0 || n > (uint64_t)(INT64_MAX / per)) {
		*why = "duration too long";
		return -EINVAL;
	}
	if (n == 0) {
		*why = "a duration must be greater than zero";
		return -EINVAL;
	}
	*seconds = (int64_t)n * per;
	return 0;
}
