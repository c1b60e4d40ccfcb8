/* SPDX-License-Identifier: MIT */
/* klog.c — the kernel-log reader: /dev/kmsg records (one per read()), files of
 * saved kmsg records, and text logs (dmesg, dmesg -T in any common locale,
 * syslog, RFC 3339 and journal lines), taken apart into oomw_klog_record. */
#include "klog.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lctime.h"
#include "oomw.h"

#define USEC_PER_SEC 1000000LL
#define SECS_PER_DAY 86400LL
/* A syslog date has no year: the latest year that puts it no later than now plus
 * this slack (the log is in local time, we compare with UTC). */
#define SYSLOG_FUTURE_SLACK_SECS SECS_PER_DAY
#define LOG_FACILITY_SHIFT 3
#define LOG_LEVEL_MASK 7

/* ---- small text helpers ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Parses exactly n digits at s into *out. */
static bool digits_n(const char *s, const char *end, size_t n, int64_t *out)
{
	if ((size_t)(end - s) < n)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Skips a run of digits (at most max), returns where it stopped; value in *out. */
static const char *digits_run(const char *s, const char *end, size_t max, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;
	while (s < end && is_digit(*s) && n < max) {
		v = v * 10 + (*s - '0');
		s++;
		n++;
	}
	*out = n ? v : -1;
	return s;
}

static const char *skip_spaces(const char *s, const char *end)
{
	while (s < end && *s == ' ')
		s++;
	return s;
}

static const char *token_end(const char *s, const char *end)
{
	while (s < end && *s != ' ')
		s++;
	return s;
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_valid(int64_t y, int64_t mon, int64_t d, int64_t h, int64_t mi, int64_t s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1970 || y > 9999 || mon < 1 || mon > 12 || d < 1 || d > mdays[mon - 1])
		return false;
	if (mon == 2 && d == 29 && !is_leap(y))
		return false;
	return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

static int64_t epoch_usec(int64_t y, int64_t mon, int64_t d, int64_t h, int64_t mi, int64_t s)
{
	return ((days_from_civil(y, mon, d) * SECS_PER_DAY) + h * 3600 + mi * 60 + s) * USEC_PER_SEC;
}

/* Returns 1..12, or 0 for a name we do not know: a month's name in any glibc
 * locale (lctime.h). Plain numbers are months by number. */
static int month_from_name(const char *s, size_t len)
{
	while (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0)
		return 0;
	if (is_digit(s[0])) {
		int64_t m;
		digits_run(s, s + len, 2, &m);
		return (m >= 1 && m <= 12) ? (int)m : 0;
	}
	return oomw_lctime_month(s, len);
}

/* The digits of a decimal fraction of a second at s, as µs (digits past the
 * sixth are read and dropped). Returns where they end. */
static const char *fraction_usec(const char *s, const char *end, int64_t *usec)
{
	static const int64_t scale[] = { 100000, 10000, 1000, 100, 10, 1 };
	int64_t v = 0;
	for (size_t n = 0; s < end && is_digit(*s); s++, n++)
		if (n < sizeof(scale) / sizeof(scale[0]))
			v += (*s - '0') * scale[n];
	*usec = v;
	return s;
}

/* "HH:MM:SS" at s; fraction (".123456" or ",123456") optional when frac_usec. */
static const char *parse_hms(const char *s, const char *end, int64_t *h, int64_t *mi, int64_t *sec,
			     int64_t *frac_usec)
{
	if (!digits_n(s, end, 2, h) || end - s < 8 || s[2] != ':' || !digits_n(s + 3, end, 2, mi) ||
	    s[5] != ':' || !digits_n(s + 6, end, 2, sec))
		return NULL;
	s += 8;
	if (frac_usec) {
		*frac_usec = 0;
		if (s < end && (*s == '.' || *s == ',') && s + 1 < end && is_digit(s[1]))
			s = fraction_usec(s + 1, end, frac_usec);
	}
	return s;
}

static int64_t now_utc_secs(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
		return 0;
	return (int64_t)ts.tv_sec;
}

/* ---- kmsg records ---- */

int oomw_klog_parse_kmsg(const char *rec, size_t len, struct oomw_klog_record *out)
{
	const char *end = rec + len;
	const char *nl = memchr(rec, '\n', len);
	if (nl)
		end = nl; /* continuation lines (" KEY=value") are not part of the text */
	const char *semi = memchr(rec, ';', (size_t)(end - rec));
	if (!semi)
		return -EBADMSG;
	/* prio, seq and usec are required; flag, caller= and future fields are not. */
	uint64_t num[3];
	const char *f = rec;
	for (int i = 0; i < 3; i++) {
		const char *comma = memchr(f, ',', (size_t)(semi - f));
		const char *fe = comma ? comma : semi;
		if (oomw_parse_u64(f, (size_t)(fe - f), &num[i]) < 0)
			return -EBADMSG;
		if (!comma && i < 2)
			return -EBADMSG;
		f = comma ? comma + 1 : semi;
	}
	if (num[0] > INT32_MAX || num[2] > INT64_MAX)
		return -EBADMSG;
	out->prio = (int)(num[0] & LOG_LEVEL_MASK);
	out->facility = (int)(num[0] >> LOG_FACILITY_SHIFT);
	out->seq = num[1];
	/* A time past any real uptime is no time: the record stays, undated. */
	out->mono_usec = num[2] <= (uint64_t)OOMW_TIME_USEC_MAX ? (int64_t)num[2] : OOMW_UNKNOWN;
	out->wall_usec = OOMW_UNKNOWN;
	out->killer = OOMW_KILLER_KERNEL;
	out->text = semi + 1;
	out->text_len = (size_t)(end - (semi + 1));
	return 0;
}

/* ---- text lines ---- */

/* "[   47.102375]" at s: returns the position after "]" (and one space), or NULL. */
static const char *parse_mono(const char *s, const char *end, int64_t *mono_usec)
{
	if (s >= end || *s != '[')
		return NULL;
	const char *p = skip_spaces(s + 1, end);
	int64_t secs;
	const char *q = digits_run(p, end, 12, &secs);
	if (secs < 0 || q >= end || *q != '.')
		return NULL;
	int64_t frac;
	const char *r;
	/* The kernel prints six digits: read them at once, else digit by digit. */
	if (end - q > 7 && q[7] == ']' && digits_n(q + 1, end, 6, &frac))
		r = q + 7;
	else
		r = fraction_usec(q + 1, end, &frac);
	if (r == q + 1 || r >= end || *r != ']')
		return NULL;
	*mono_usec = secs * USEC_PER_SEC + frac; /* at most 12 digits: no overflow */
	r++;
	return (r < end && *r == ' ') ? r + 1 : r;
}

/* The date "Www Mmm dd HH:MM:SS YYYY" as dmesg -T and OpenWrt's logread print
 * it, in the user's locale: in the n tokens given, the last four are month,
 * day, time and year; the words before them (the weekday) are not read, so the
 * structure decides and the words may be in any language. Returns false when
 * the shape is not there; *wall_usec stays unknown for a month we do not know. */
static bool parse_ctime_tokens(const char *const *tok, const size_t *tlen, size_t n, int64_t *wall_usec)
{
	if (n < 4)
		return false;
	const char *mon = tok[n - 4], *day = tok[n - 3], *hms = tok[n - 2], *year = tok[n - 1];
	int64_t d, y, h, mi, sec;
	if (tlen[n - 3] > 2 || digits_run(day, day + tlen[n - 3], 2, &d) != day + tlen[n - 3] ||
	    d < 0 || tlen[n - 1] != 4 || !digits_n(year, year + 4, 4, &y) || tlen[n - 2] != 8 ||
	    parse_hms(hms, hms + 8, &h, &mi, &sec, NULL) != hms + 8)
		return false;
	int m = month_from_name(mon, tlen[n - 4]);
	*wall_usec = (m && date_valid(y, m, d, h, mi, sec)) ? epoch_usec(y, m, d, h, mi, sec)
							    : OOMW_UNKNOWN;
	return true;
}

/* "[Di Aug 12 03:54:03 2025] " (dmesg -T: "%a %b %e %H:%M:%S %Y"). Returns the
 * position after "] ", or NULL. */
static const char *parse_dmesg_date(const char *s, const char *end, int64_t *wall_usec)
{
	if (s >= end || *s != '[')
		return NULL;
	const char *close = memchr(s, ']', (size_t)(end - s));
	if (!close)
		return NULL;
	const char *tok[8];
	size_t tlen[8], n = 0;
	for (const char *p = skip_spaces(s + 1, close); p < close; p = skip_spaces(p, close)) {
		const char *e = token_end(p, close);
		if (n == 8)
			return NULL;
		tok[n] = p;
		tlen[n++] = (size_t)(e - p);
		p = e;
	}
	if (!parse_ctime_tokens(tok, tlen, n, wall_usec))
		return NULL;
	const char *r = close + 1;
	return (r < end && *r == ' ') ? r + 1 : r;
}

/* "Thu Aug 12 03:54:03 2025 " (OpenWrt logread). Returns the position after it
 * and its space, or NULL. */
static const char *parse_ctime_date(const char *s, const char *end, int64_t *wall_usec)
{
	enum { FIELDS = 5 };
	const char *tok[FIELDS];
	size_t tlen[FIELDS];
	const char *p = s;
	for (size_t i = 0; i < FIELDS; i++) {
		const char *e = token_end(p, end);
		if (e == p || e >= end)
			return NULL;
		tok[i] = p;
		tlen[i] = (size_t)(e - p);
		p = skip_spaces(e, end);
	}
	return parse_ctime_tokens(tok, tlen, FIELDS, wall_usec) ? p : NULL;
}

/* "Jun 24 18:49:43[.123456] " (RFC 3164, journalctl short). Returns the position
 * after the time and its space, or NULL. Year: the latest not in the future. */
static const char *parse_syslog_date(const char *s, const char *end, int64_t *wall_usec)
{
	const char *me = token_end(s, end);
	if (me == s || me - s > 12 || me >= end)
		return NULL;
	const char *p = skip_spaces(me, end);
	int64_t d;
	const char *de = digits_run(p, end, 2, &d);
	if (d < 1 || de >= end || *de != ' ')
		return NULL;
	int64_t h, mi, sec, frac;
	const char *te = parse_hms(de + 1, end, &h, &mi, &sec, &frac);
	if (!te || te >= end || *te != ' ')
		return NULL;
	int m = month_from_name(s, (size_t)(me - s));
	*wall_usec = OOMW_UNKNOWN;
	if (m) {
		time_t now = (time_t)now_utc_secs();
		int64_t limit = ((int64_t)now + SYSLOG_FUTURE_SLACK_SECS) * USEC_PER_SEC;
		struct tm tm;
		int64_t y = gmtime_r(&now, &tm) ? tm.tm_year + 1900 + 1 : 1971;
		/* Feb 29 may be up to 8 years back (1900-style century years). */
		for (int tries = 0; tries < 9; tries++, y--) {
			if (!date_valid(y, m, d, h, mi, sec))
				continue;
			int64_t w = epoch_usec(y, m, d, h, mi, sec) + frac;
			if (w <= limit) {
				*wall_usec = w;
				break;
			}
		}
	}
	return te + 1;
}

/* "2025-08-12T03:54:03[.123456][Z|+02:00|+0200] " (RFC 3339, rsyslog,
 * journalctl -o short-iso). Returns the position after it and its space, or NULL.
 * *dmesg: the fraction had a comma, as only dmesg --time-format=iso prints it. */
static const char *parse_iso_date(const char *s, const char *end, int64_t *wall_usec, bool *dmesg)
{
	int64_t y, mon, d, h, mi, sec, frac;
	if (!digits_n(s, end, 4, &y) || end - s < 19 || s[4] != '-' || !digits_n(s + 5, end, 2, &mon) ||
	    s[7] != '-' || !digits_n(s + 8, end, 2, &d) || (s[10] != 'T' && s[10] != ' '))
		return NULL;
	const char *p = parse_hms(s + 11, end, &h, &mi, &sec, &frac);
	if (!p || !date_valid(y, mon, d, h, mi, sec))
		return NULL;
	*dmesg = end - s > 19 && s[19] == ',';
	int64_t off_secs = 0;
	if (p < end && (*p == 'Z' || *p == 'z')) {
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		int64_t oh, om;
		int sign = *p == '-' ? -1 : 1;
		if (!digits_n(p + 1, end, 2, &oh))
			return NULL;
		const char *q = p + 3;
		if (q < end && *q == ':')
			q++;
		if (!digits_n(q, end, 2, &om))
			return NULL;
		off_secs = sign * (oh * 3600 + om * 60);
		p = q + 2;
	}
	if (p >= end || *p != ' ')
		return NULL;
	*wall_usec = epoch_usec(y, mon, d, h, mi, sec) - off_secs * USEC_PER_SEC + frac;
	return p + 1;
}

/* "Tue 2025-08-12 03:54:03 CEST " (journalctl -o short-full): the zone is a
 * name we cannot convert, so the time is taken as UTC like the other dates
 * without an offset. Returns the position after it and its space, or NULL. */
static const char *parse_full_date(const char *s, const char *end, int64_t *wall_usec)
{
	const char *we = token_end(s, end);
	if (we == s || we - s > 12 || we >= end)
		return NULL;
	bool dmesg;
	const char *p = parse_iso_date(we + 1, end, wall_usec, &dmesg);
	if (!p || we[1 + 10] != ' ')
		return NULL;
	const char *ze = token_end(p, end);
	if (ze == p || ze >= end)
		return NULL;
	return ze + 1;
}

/* dmesg -e / -H: "[Aug12 03:54] " before the first message of a minute, and
 * "[  +0.000123] " (the time since the previous message) before the others.
 * Neither says when; returns the position after it, or NULL. */
static const char *parse_reltime(const char *s, const char *end)
{
	if (s >= end || *s != '[')
		return NULL;
	const char *close = memchr(s, ']', (size_t)(end - s));
	if (!close)
		return NULL;
	const char *p = skip_spaces(s + 1, close);
	int64_t v;
	if (p < close && *p == '+') {
		const char *q = digits_run(p + 1, close, 12, &v);
		if (v < 0 || q >= close || *q != '.')
			return NULL;
		q = digits_run(q + 1, close, 9, &v);
		if (v < 0 || q != close)
			return NULL;
	} else {
		/* "Aug12 03:54": a word ending in the day, then HH:MM */
		const char *we = token_end(p, close);
		if (we == p || !is_digit(we[-1]) || close - we != 6 ||
		    !digits_n(we + 1, close, 2, &v) || we[3] != ':' || !digits_n(we + 4, close, 2, &v))
			return NULL;
	}
	const char *r = close + 1;
	return (r < end && *r == ' ') ? r + 1 : r;
}

/* "1754970843.123456 " (journalctl -o short-unix). Returns the position after
 * it and its space, or NULL. */
static const char *parse_unix_date(const char *s, const char *end, int64_t *wall_usec)
{
	int64_t secs;
	const char *p = digits_run(s, end, 12, &secs);
	/* at least 9 digits: a [ts]-less dmesg line never starts like this */
	if (p - s < 9 || p >= end || *p != '.')
		return NULL;
	int64_t frac;
	const char *q = fraction_usec(p + 1, end, &frac);
	if (q == p + 1 || q >= end || *q != ' ')
		return NULL;
	*wall_usec = secs * USEC_PER_SEC + frac; /* at most 12 digits: no overflow */
	return q + 1;
}

/* Syslog's facility and level names as util-linux and syslog daemons print
 * them; a facility's index is its number. */
static const char *const facility_names[] = {
	"kern",   "user",   "mail",     "daemon", "auth",   "syslog", "lpr",    "news",
	"uucp",   "cron",   "authpriv", "ftp",    "res0",   "res1",   "res2",   "res3",
	"local0", "local1", "local2",   "local3", "local4", "local5", "local6", "local7",
};
static const struct {
	const char *name;
	int level;
} level_names[] = {
	{ "emerg", 0 },  { "panic", 0 }, { "alert", 1 }, { "crit", 2 },
	{ "err", 3 },    { "error", 3 }, { "warn", 4 },  { "warning", 4 },
	{ "notice", 5 }, { "info", 6 },  { "debug", 7 },
};

/* The syslog facilities 0 (kern) to 23 (local7), by number. */
_Static_assert(sizeof(facility_names) / sizeof(facility_names[0]) == 24, "facility numbers");

static int facility_of(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(facility_names) / sizeof(facility_names[0]); i++)
		if (strlen(facility_names[i]) == len && memcmp(facility_names[i], s, len) == 0)
			return (int)i;
	return -1;
}

static int level_of(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strlen(level_names[i].name) == len && memcmp(level_names[i].name, s, len) == 0)
			return level_names[i].level;
	return -1;
}

/* "kern.warn" (busybox syslogd, OpenWrt logread) in [s, e): sets the record's
 * facility and level. */
static bool parse_fac_level(const char *s, const char *e, struct oomw_klog_record *out)
{
	const char *dot = memchr(s, '.', (size_t)(e - s));
	if (!dot)
		return false;
	int f = facility_of(s, (size_t)(dot - s));
	int v = level_of(dot + 1, (size_t)(e - dot - 1));
	if (f < 0 || v < 0)
		return false;
	out->facility = f;
	out->prio = v;
	return true;
}

/* "kern  :err   : " (dmesg -x). Returns the position after it, or NULL. */
static const char *parse_decoded_prio(const char *s, const char *end, int *facility, int *level)
{
	/* The shape first ("name  :name  :"), the names only then. */
	const char *p = s;
	while (p < end && *p >= 'a' && *p <= 'z')
		p++;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	const char *fe = p;
	p = skip_spaces(p, end);
	if (fe == s || p >= end || *p != ':')
		return NULL;
	const char *l = ++p;
	while (p < end && *p >= 'a' && *p <= 'z')
		p++;
	const char *le = p;
	p = skip_spaces(p, end);
	if (p >= end || *p != ':')
		return NULL;
	p++;
	int f = facility_of(s, (size_t)(fe - s));
	int v = level_of(l, (size_t)(le - l));
	if (f < 0 || v < 0)
		return NULL;
	*facility = f;
	*level = v;
	return (p < end && *p == ' ') ? p + 1 : p;
}

/* After a syslog, RFC 3339 or logread date: "host kernel: ", "kernel: ",
 * "host kern.warn kernel: " or "kern.warn kernel: " (busybox, OpenWrt; the
 * facility and level go into the record). Returns the position after it, NULL
 * for another program's line. */
/* A userspace OOM killer's syslog tag, "earlyoom[123]:" or "systemd-oomd:";
 * OOMW_KILLER_KERNEL for any other token. */
static enum oomw_killer killer_tag(const char *s, const char *e)
{
	if (e == s || e[-1] != ':')
		return OOMW_KILLER_KERNEL;
	const char *name_end = memchr(s, '[', (size_t)(e - s));
	return oomw_killer_from_name(s, (size_t)((name_end ? name_end : e - 1) - s));
}

static const char *parse_kernel_tag(const char *s, const char *end, struct oomw_klog_record *out)
{
	static const char tag[] = "kernel:";
	const size_t tag_len = sizeof(tag) - 1;
	for (int i = 0; i < 3 && s < end; i++) {
		const char *e = token_end(s, end);
		if ((size_t)(e - s) == tag_len && memcmp(s, tag, tag_len) == 0)
			return (e < end) ? e + 1 : e;
		if ((out->killer = killer_tag(s, e)) != OOMW_KILLER_KERNEL)
			return (e < end) ? e + 1 : e;
		/* the first token may be the host, any other only a facility.level */
		if (!parse_fac_level(s, e, out) && i > 0)
			return NULL;
		s = skip_spaces(e, end);
	}
	return NULL;
}

/* "[ts] host kernel: " (journalctl -o short-monotonic) after a "[ts]": returns
 * where the kernel text starts, or NULL when the line has another shape, and
 * sets *other when it is clearly another program's line ("host prog[12]: "). */
static const char *parse_journal_monotonic(const char *s, const char *end, bool *other)
{
	*other = false;
	const char *he = token_end(s, end);
	if (he == s || he >= end)
		return NULL;
	const char *t = he + 1;
	const char *te = token_end(t, end);
	if (te == t || te[-1] != ':')
		return NULL;
	if (te - t == 7 && memcmp(t, "kernel:", 7) == 0)
		return te < end ? te + 1 : te;
	/* "prog[1234]:" is the syslog/journal shape of a userspace identifier. */
	const char *br = memchr(t, '[', (size_t)(te - t));
	if (br && br > t && te - br >= 4 && te[-2] == ']') {
		int64_t pid;
		if (digits_run(br + 1, te - 2, 10, &pid) == te - 2 && pid >= 0)
			*other = true;
	}
	return NULL;
}

/* ---- the prefixes of a text line, as a table ---- */

/* A prefix parser: at s, the prefix it knows. It returns the position after
 * it, filling what the prefix says into out (prio, facility, wall_usec), or
 * NULL when the line does not start so. A new log format is one such
 * function and one row in a table below. */
typedef const char *(*text_prefix_fn)(const char *s, const char *end, struct oomw_klog_record *out);

struct text_prefix {
	text_prefix_fn parse;
	bool kernel_tag; /* a syslog/journal shape: "host kernel: " must follow */
};

/* "<6>" (dmesg -r). */
static const char *prefix_raw_prio(const char *s, const char *end, struct oomw_klog_record *out)
{
	int64_t pri;
	if (s >= end || *s != '<')
		return NULL;
	const char *e = digits_run(s + 1, end, 9, &pri);
	if (pri < 0 || e >= end || *e != '>')
		return NULL;
	out->prio = (int)(pri & LOG_LEVEL_MASK);
	out->facility = (int)(pri >> LOG_FACILITY_SHIFT);
	return e + 1;
}

/* "kern  :err   : " (dmesg -x). */
static const char *prefix_decoded_prio(const char *s, const char *end, struct oomw_klog_record *out)
{
	return parse_decoded_prio(s, end, &out->facility, &out->prio);
}

/* "2025-08-12T03:54:03,123456+02:00 " (dmesg --time-format=iso: a comma). */
static const char *prefix_dmesg_iso(const char *s, const char *end, struct oomw_klog_record *out)
{
	bool dmesg;
	const char *p = parse_iso_date(s, end, &out->wall_usec, &dmesg);
	return p && dmesg ? p : NULL;
}

/* "2025-08-12T03:54:03.1+02:00 " (RFC 3339 syslog, journalctl short-iso). */
static const char *prefix_rfc3339(const char *s, const char *end, struct oomw_klog_record *out)
{
	bool dmesg;
	const char *p = parse_iso_date(s, end, &out->wall_usec, &dmesg);
	return p && !dmesg ? p : NULL;
}

static const char *prefix_syslog(const char *s, const char *end, struct oomw_klog_record *out)
{
	return parse_syslog_date(s, end, &out->wall_usec);
}

static const char *prefix_unix(const char *s, const char *end, struct oomw_klog_record *out)
{
	return parse_unix_date(s, end, &out->wall_usec);
}

static const char *prefix_full(const char *s, const char *end, struct oomw_klog_record *out)
{
	return parse_full_date(s, end, &out->wall_usec);
}

static const char *prefix_ctime(const char *s, const char *end, struct oomw_klog_record *out)
{
	return parse_ctime_date(s, end, &out->wall_usec);
}

static const char *prefix_dmesg_T(const char *s, const char *end, struct oomw_klog_record *out)
{
	return parse_dmesg_date(s, end, &out->wall_usec);
}

static const char *prefix_reltime(const char *s, const char *end, struct oomw_klog_record *out)
{
	(void)out; /* dmesg -e/-H: no time */
	return parse_reltime(s, end);
}

/* At most one of each table is taken, the first that matches: the order
 * matters where shapes overlap (an ISO date before syslog's "Mmm dd"). */
static const struct text_prefix prio_prefixes[] = {
	{ prefix_raw_prio, false },
	{ prefix_decoded_prio, false },
};
static const struct text_prefix date_prefixes[] = {
	{ prefix_dmesg_iso, false }, { prefix_rfc3339, true },  { prefix_syslog, true },
	{ prefix_unix, true },       { prefix_full, true },     { prefix_ctime, true },
	{ prefix_dmesg_T, false },   { prefix_reltime, false },
};

/* The first row of table[n] matching at *s: moves *s past it, returns the row
 * (NULL when none matched). A row that fails leaves no time behind. */
static const struct text_prefix *take_prefix(const struct text_prefix *table, size_t n, const char **s,
					     const char *end, struct oomw_klog_record *out)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = table[i].parse(*s, end, out);
		if (p) {
			assert(p >= *s && p <= end);
			*s = p;
			return &table[i];
		}
		out->wall_usec = OOMW_UNKNOWN;
	}
	return NULL;
}

/* After an undated "[ts]" at p: "host kernel: " (journalctl -o
 * short-monotonic) is skipped. Returns where the kernel's text starts, or NULL
 * for another program's line. */
static const char *after_undated_mono(const char *p, const char *end)
{
	bool other;
	const char *k = parse_journal_monotonic(p, end, &other);
	if (other)
		return NULL;
	return k ? k : p;
}

/* After the prefixes: "[ts]" (the kernel's monotonic time), and after it on an
 * undated line "host kernel: " (journalctl -o short-monotonic). Returns where
 * the kernel's text starts, or NULL for another program's line. */
static const char *take_mono(const char *s, const char *end, bool dated, struct oomw_klog_record *out)
{
	int64_t mono;
	const char *p = parse_mono(s, end, &mono);
	if (!p)
		return s;
	out->mono_usec = mono;
	return dated ? p : after_undated_mono(p, end);
}

/* Where times enter from a text log: outside [0, OOMW_TIME_USEC_MAX] (a
 * 12-digit "[ts]", a date near 9999 with its zone offset, 1970 east of
 * Greenwich) a time is unknown, so that no sum with it can overflow. */
static int64_t time_bounded(int64_t usec)
{
	return usec >= 0 && usec <= OOMW_TIME_USEC_MAX ? usec : OOMW_UNKNOWN;
}

/* dmesg's own shape, "[   47.102375] text" or "[12345.678901] text", by far the
 * commonest: with a blank after ']' and a text whose first word does not
 * start with a digit, no row of date_prefixes can match there, so they need
 * not be tried. The ISO, unix and dmesg -x shapes need a digit or a letter
 * first; syslog's first token is "[" and its day number would be followed by
 * '.' or a digit, or its first token is the stamp and its day the text's first
 * word; short-full's ISO date would have '.' or a digit where '-' must be, or
 * be the text's first word; dmesg -T's and -e's brackets hold one token, a
 * number; and a ctime date would take the text's first word as its day of the
 * month (after "[ "), or its second one (after a stamp without blanks), which
 * must then not start with a digit either. Returns where the text starts, the
 * time in *mono_usec; NULL for another shape. */
static const char *plain_dmesg_stamp(const char *s, const char *end, int64_t *mono_usec)
{
	if (end - s < 2 || s[0] != '[' || (s[1] != ' ' && !is_digit(s[1])))
		return NULL;
	const char *p = parse_mono(s, end, mono_usec);
	if (!p || p[-1] != ' ' || p[-2] != ']')
		return NULL;
	const char *w = skip_spaces(p, end);
	if (w < end && is_digit(*w))
		return NULL;
	if (s[1] != ' ') {
		w = skip_spaces(token_end(w, end), end);
		if (w < end && is_digit(*w))
			return NULL;
	}
	return p;
}

int oomw_klog_parse_text(const char *line, size_t len, struct oomw_klog_record *out)
{
	const char *s = line, *end = line + len;
	while (end > s && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	out->seq = 0;
	out->mono_usec = OOMW_UNKNOWN;
	out->wall_usec = OOMW_UNKNOWN;
	out->prio = -1;
	out->facility = -1;
	out->killer = OOMW_KILLER_KERNEL;
	if (s == end)
		return -ENOMSG;
	if (end - s >= 3 && memcmp(s, "-- ", 3) == 0)
		return -ENOMSG; /* journalctl "-- Boot …" / "-- No entries --" markers */
	/* "<6>" and "kern  :err   : " start with '<' or a lowercase letter. */
	if (*s == '<' || (*s >= 'a' && *s <= 'z'))
		take_prefix(prio_prefixes, sizeof(prio_prefixes) / sizeof(prio_prefixes[0]), &s,
			    end, out);
	int64_t mono;
	const char *text = plain_dmesg_stamp(s, end, &mono);
	if (text) {
		out->mono_usec = mono;
		s = after_undated_mono(text, end);
	} else {
		const struct text_prefix *date =
			take_prefix(date_prefixes, sizeof(date_prefixes) / sizeof(date_prefixes[0]),
				    &s, end, out);
		bool tagged = date && date->kernel_tag;
		/* syslog and journal: only the kernel's own lines */
		if (tagged && !(s = parse_kernel_tag(s, end, out)))
			return -ENOMSG;
		s = take_mono(s, end, tagged, out);
	}
	if (!s)
		return -ENOMSG;
	out->mono_usec = time_bounded(out->mono_usec);
	out->wall_usec = time_bounded(out->wall_usec);
	out->text = s;
	out->text_len = (size_t)(end - s);
	return 0;
}

/* ---- the reader ---- */

/* Accounts for kmsg records we never saw, from the gap in sequence numbers. */
static void account_seq(struct oomw_klog *k, uint64_t seq)
{
	uint64_t sum;
	if (k->have_expect && seq > k->expect_seq)
		k->missed = __builtin_add_overflow(k->missed, seq - k->expect_seq, &sum) ? UINT64_MAX
											 : sum;
	else if (k->epipe && !k->have_expect)
		k->missed += 1; /* overwritten before we knew where we were: at least one */
	k->epipe = false;
	k->expect_seq = seq + 1;
	k->have_expect = true;
}

static bool line_is_kmsg(const char *line, size_t len)
{
	struct oomw_klog_record r;
	return oomw_klog_parse_kmsg(line, len, &r) == 0;
}

/* Decides KMSG_FILE or TEXT from the file's first line (read with pread, the
 * file position is not moved). Returns false when the file has no full line yet. */
static bool detect_file_kind(struct oomw_klog *k)
{
	ssize_t n;
	do
		n = pread(k->fd, k->buf, OOMW_KLOG_RECORD_MAX, 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false;
	const char *nl = memchr(k->buf, '\n', (size_t)n);
	if (!nl && n < OOMW_KLOG_RECORD_MAX)
		return false;
	size_t len = nl ? (size_t)(nl - k->buf) : (size_t)n;
	k->kind = line_is_kmsg(k->buf, len) ? OOMW_KLOG_KMSG_FILE : OOMW_KLOG_TEXT;
	return true;
}

static void file_reset(struct oomw_klog *k, uint64_t off)
{
	k->buf_off = off;
	k->buf_len = k->buf_pos = 0;
	k->next_seq = off;
	k->skip_line = false;
	k->have_expect = false;
}

/* True when off is 0 or just after a '\n' of the file: a cursor that points into
 * the middle of a line belongs to another version of the file. */
static bool at_line_start(int fd, uint64_t off)
{
	char c;
	if (off == 0)
		return true;
	ssize_t n;
	do
		n = pread(fd, &c, 1, (off_t)(off - 1));
	while (n < 0 && errno == EINTR);
	return n == 1 && c == '\n';
}

/* /dev/kmsg: a position is only the start or the end; a saved cursor is
 * reached by skipping older records as they are read. */
static int open_devkmsg(struct oomw_klog *k, enum oomw_klog_start start, uint64_t start_seq)
{
	k->kind = OOMW_KLOG_DEVKMSG;
	off_t r = lseek(k->fd, 0, start == OOMW_KLOG_START_END ? SEEK_END : SEEK_SET);
	if (r < 0 && errno != ESPIPE)
		return -errno;
	if (start == OOMW_KLOG_START_SEQ) {
		k->expect_seq = k->next_seq = start_seq;
		k->have_expect = k->skip_old = true;
	}
	return 0;
}

/* A regular file: the kind from its first line, the start at the cursor when
 * it is still a line start within the file, else at its beginning. */
static int open_regular(struct oomw_klog *k, uint64_t size, enum oomw_klog_start start,
			uint64_t start_seq)
{
	k->detect_kind = !detect_file_kind(k);
	uint64_t off = 0;
	if (start == OOMW_KLOG_START_END)
		off = size;
	else if (start == OOMW_KLOG_START_SEQ && start_seq <= size && at_line_start(k->fd, start_seq))
		off = start_seq;
	if (lseek(k->fd, (off_t)off, SEEK_SET) < 0)
		return -errno;
	file_reset(k, off);
	return 0;
}

int oomw_klog_open_source(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

int oomw_klog_open(struct oomw_klog *k, const char *path, enum oomw_klog_start start, uint64_t start_seq)
{
	int fd = oomw_klog_open_source(path);
	if (fd < 0) {
		k->fd = -1;
		return fd;
	}
	return oomw_klog_open_fd(k, fd, start, start_seq);
}

int oomw_klog_open_fd(struct oomw_klog *k, int fd, enum oomw_klog_start start, uint64_t start_seq)
{
	k->fd = -1;
	k->kind = OOMW_KLOG_TEXT;
	k->next_seq = k->missed = k->too_large = k->malformed = k->inode = 0;
	k->buf_len = k->buf_pos = 0;
	k->buf_off = k->expect_seq = 0;
	k->have_expect = k->skip_old = k->skipped_any = k->epipe = false;
	k->skip_line = k->detect_kind = false;

	k->fd = fd;
	struct stat st;
	int r = fstat(k->fd, &st) < 0 ? -errno : 0;
	if (r == 0) {
		k->inode = (uint64_t)st.st_ino;
		if (S_ISCHR(st.st_mode)) {
			r = open_devkmsg(k, start, start_seq);
		} else if (S_ISFIFO(st.st_mode)) {
			/* A pipe ("dmesg | check_oom --kmsg /dev/stdin"): read as it
			 * comes, no position to start at, kind from the first line. */
			k->detect_kind = true;
			file_reset(k, 0);
		} else if (S_ISREG(st.st_mode)) {
			r = open_regular(k, (uint64_t)st.st_size, start, start_seq);
		} else {
			r = -EINVAL;
		}
	}
	if (r < 0)
		oomw_klog_close(k);
	return r;
}

/* Next complete line of a file, without its '\n'. Returns 0 or -EAGAIN / -errno. */
static int file_next_line(struct oomw_klog *k, const char **line, size_t *len, uint64_t *off)
{
	bool restarted = false;
	for (;;) {
		assert(k->buf_pos <= k->buf_len && k->buf_len <= sizeof(k->buf));
		char *p = k->buf + k->buf_pos;
		size_t avail = k->buf_len - k->buf_pos;
		char *nl = memchr(p, '\n', avail);
		if (nl) {
			bool skipped = k->skip_line;
			k->skip_line = false;
			k->buf_pos = (size_t)(nl + 1 - k->buf);
			k->next_seq = k->buf_off + k->buf_pos;
			if (skipped)
				continue; /* the end of an overlong line */
			if ((size_t)(nl - p) > OOMW_KLOG_RECORD_MAX) {
				k->too_large++; /* it came whole in one read */
				continue;
			}
			*line = p;
			*len = (size_t)(nl - p);
			*off = k->buf_off + (uint64_t)(p - k->buf);
			return 0;
		}
		if (avail > OOMW_KLOG_RECORD_MAX && !k->skip_line) {
			k->too_large++;
			k->skip_line = true;
		}
		if (k->skip_line) {
			k->buf_off += k->buf_len;
			k->buf_len = k->buf_pos = 0;
		} else if (k->buf_pos > 0) {
			memmove(k->buf, p, avail);
			k->buf_off += k->buf_pos;
			k->buf_len = avail;
			k->buf_pos = 0;
		}
		ssize_t n = read(k->fd, k->buf + k->buf_len, sizeof(k->buf) - k->buf_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n > 0) {
			k->buf_len += (size_t)n;
			continue;
		}
		/* End of file. A file now shorter than what we read was truncated or
		 * replaced: start over, once per call. */
		struct stat st;
		if (!restarted && fstat(k->fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (uint64_t)st.st_size < k->buf_off + k->buf_len) {
			if (lseek(k->fd, 0, SEEK_SET) < 0)
				return -errno;
			file_reset(k, 0);
			restarted = true;
			continue;
		}
		return -EAGAIN;
	}
}

static int read_file(struct oomw_klog *k, struct oomw_klog_record *rec)
{
	for (;;) {
		const char *line = NULL;
		size_t len = 0;
		uint64_t off = 0;
		int r = file_next_line(k, &line, &len, &off);
		if (r < 0)
			return r;
		if (k->detect_kind) {
			k->kind = line_is_kmsg(line, len) ? OOMW_KLOG_KMSG_FILE : OOMW_KLOG_TEXT;
			k->detect_kind = false;
		}
		if (k->kind == OOMW_KLOG_TEXT) {
			if (oomw_klog_parse_text(line, len, rec) < 0)
				continue; /* not a kernel message */
			rec->seq = off;
			return 0;
		}
		if (len == 0 || line[0] == ' ')
			continue; /* a continuation line (" KEY=value") of the previous record */
		if (oomw_klog_parse_kmsg(line, len, rec) < 0) {
			k->malformed++;
			return -EBADMSG;
		}
		/* A file may hold several boots: a seq going back starts a new count. */
		if (k->have_expect && rec->seq < k->expect_seq)
			k->have_expect = false;
		account_seq(k, rec->seq);
		return 0;
	}
}

static int read_devkmsg(struct oomw_klog *k, struct oomw_klog_record *rec)
{
	for (;;) {
		ssize_t n = read(k->fd, k->buf, OOMW_KLOG_RECORD_MAX);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			if (e == EPIPE) {
				k->epipe = true; /* the next record's seq shows how many */
				continue;
			}
			if (e == EINVAL) {
				/* The kernel dropped a record too large for our buffer; it
				 * advanced past it, so it is not also a gap. */
				k->too_large++;
				if (k->have_expect && !k->skip_old)
					k->expect_seq++;
				continue;
			}
			if (e == EAGAIN && k->skip_old && k->skipped_any) {
				/* Every record held is older than the saved cursor and the
				 * one just before it never came: the cursor belongs to
				 * something else (another boot). Start over. */
				if (lseek(k->fd, 0, SEEK_SET) < 0)
					return -errno;
				k->skip_old = k->skipped_any = k->have_expect = false;
				continue;
			}
			return -e;
		}
		if (n == 0)
			return -EAGAIN;
		if (oomw_klog_parse_kmsg(k->buf, (size_t)n, rec) < 0) {
			k->malformed++;
			return -EBADMSG;
		}
		if (k->skip_old) {
			if (rec->seq < k->expect_seq) {
				k->skipped_any = true;
				/* The record just before the cursor: we are caught up. */
				if (rec->seq + 1 == k->expect_seq)
					k->skip_old = false;
				continue;
			}
			k->skip_old = false;
		}
		account_seq(k, rec->seq);
		k->next_seq = k->expect_seq;
		return 0;
	}
}

int oomw_klog_read(struct oomw_klog *k, struct oomw_klog_record *rec)
{
	if (k->fd < 0)
		return -EBADF;
	if (k->kind == OOMW_KLOG_DEVKMSG)
		return read_devkmsg(k, rec);
	return read_file(k, rec);
}

void oomw_klog_close(struct oomw_klog *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
}
