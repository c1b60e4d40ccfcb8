/* SPDX-License-Identifier: MIT */
/* test_thresholds.c — Nagios ranges over a table of (range, value, alert),
 * units, every refused input with its reason, sizes, durations, and the same
 * results under a comma-decimal locale. */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "thresholds.h"

#define KIB 1024.0
#define MIB (1024.0 * KIB)
#define GIB (1024.0 * MIB)
#define TIB (1024.0 * GIB)

struct alert_case {
	const char *range;
	double value;
	bool alert;
};

/* The Nagios range rules (README.md): 10 = outside 0..10; 10: = below 10; ~:10 = above 10;
 * 10:20 = outside; @10:20 = inside, inclusive. */
static const struct alert_case alert_cases[] = {
	{ "10", -1, true },
	{ "10", 0, false },
	{ "10", 5, false },
	{ "10", 10, false },
	{ "10", 10.001, true },
	{ "10", 11, true },
	{ "10:", 9.99, true },
	{ "10:", 10, false },
	{ "10:", 1e12, false },
	{ "~:10", -1e12, false },
	{ "~:10", 10, false },
	{ "~:10", 10.5, true },
	{ "10:20", 9, true },
	{ "10:20", 10, false },
	{ "10:20", 20, false },
	{ "10:20", 21, true },
	{ "@10:20", 9, false },
	{ "@10:20", 10, true },
	{ "@10:20", 15, true },
	{ "@10:20", 20, true },
	{ "@10:20", 20.5, false },
	{ ":10", -0.5, true },
	{ ":10", 0, false },
	{ "@10", 0, true },
	{ "@10", 11, false },
	{ "~:", -5, false },
	{ "@~:", 123, true },
	{ "-10:-5", -7, false },
	{ "-10:-5", -4, true },
	{ "-10:-5", -11, true },
	{ "~:-1", -1, false },
	{ "~:-1", 0, true },
	{ "1.5:2.25", 1.49, true },
	{ "1.5:2.25", 1.5, false },
	{ "1.5:2.25", 2.25, false },
	{ "1.5:2.25", 2.26, true },
	{ "+5", 5, false },
	{ ".5", 0.6, true },
	{ "0", 0, false },
	{ "0", 0.001, true },
	{ "@0", 0, true },
	/* units: the value is in bytes or percent */
	{ "512MiB:", 511 * MIB, true },
	{ "512MiB:", 512 * MIB, false },
	{ "512M:", 512 * MIB, false },
	{ "1G:2G", 1.5 * GIB, false },
	{ "1G:2G", 2 * GIB + 1, true },
	{ "@1.5GiB:2TiB", 2 * TIB, true },
	{ "10K", 10 * KIB, false },
	{ "10KiB", 10 * KIB + 1, true },
	{ "100B:", 99, true },
	{ "1T:", TIB, false },
	{ "10%:", 9.9, true },
	{ "10%:", 10, false },
	{ "@0%:5%", 5, true },
	{ "~:90%", 95, true },
};

static void test_alerts_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(alert_cases) / sizeof(alert_cases[0]); i++) {
		const struct alert_case *c = &alert_cases[i];
		struct oomw_range r;
		const char *why = NULL;
		int e = oomw_range_parse(c->range, &r, &why);
		if (e != 0)
			fail_msg("\"%s\" refused: %s", c->range, why ? why : "NULL");
		if (oomw_range_alerts(&r, c->value) != c->alert)
			fail_msg("\"%s\" with %.6g: alert should be %d", c->range, c->value, c->alert);
	}
}

static void test_parse_fields(void **state)
{
	(void)state;
	struct oomw_range r;
	const char *why;

	assert_int_equal(oomw_range_parse("@10:20", &r, &why), 0);
	assert_null(why);
	assert_true(r.alert_inside);
	assert_false(r.start_neg_inf || r.end_inf);
	assert_true(r.start == 10 && r.end == 20);
	assert_int_equal(r.unit, OOMW_UNIT_NONE);
	assert_string_equal(r.text, "@10:20");

	assert_int_equal(oomw_range_parse("10", &r, &why), 0);
	assert_true(r.start == 0 && r.end == 10 && !r.alert_inside);

	assert_int_equal(oomw_range_parse("~:10", &r, &why), 0);
	assert_true(r.start_neg_inf && !r.end_inf && r.end == 10);

	assert_int_equal(oomw_range_parse("10:", &r, &why), 0);
	assert_true(!r.start_neg_inf && r.end_inf && r.start == 10);

	/* Units convert to bytes; the text stays as typed for perfdata. */
	assert_int_equal(oomw_range_parse("512MiB:1GiB", &r, &why), 0);
	assert_int_equal(r.unit, OOMW_UNIT_BYTES);
	assert_true(r.start == 512 * MIB && r.end == GIB);
	assert_string_equal(r.text, "512MiB:1GiB");

	assert_int_equal(oomw_range_parse("5%", &r, &why), 0);
	assert_int_equal(r.unit, OOMW_UNIT_PCT);
	assert_true(r.start == 0 && r.end == 5);

	/* A unitless 0 start takes the end's unit kind only when written with it. */
	assert_int_equal(oomw_range_parse("0%:5%", &r, &why), 0);
	assert_int_equal(r.unit, OOMW_UNIT_PCT);
	assert_int_equal(oomw_range_parse("~:2G", &r, &why), 0);
	assert_int_equal(r.unit, OOMW_UNIT_BYTES);
	assert_int_equal(oomw_range_parse("2G:", &r, &why), 0);
	assert_int_equal(r.unit, OOMW_UNIT_BYTES);
}

struct bad_case {
	const char *text;
	const char *why_mentions;
};

static void test_refused(void **state)
{
	(void)state;
	static const struct bad_case cases[] = {
		{ "", "empty" },
		{ "@", "empty" },
		{ ":", "empty" },
		{ "@:", "empty" },
		{ "~", "~" },
		{ "10:~", "~" },
		{ "abc", "number" },
		{ "-", "number" },
		{ "10:abc", "number" },
		{ "10:5", "greater" },
		{ "@20:10", "greater" },
		{ "-5:-10", "greater" },
		{ "1e5", "exponent" },
		{ "1E5:", "exponent" },
		{ "10%:20MiB", "different units" },
		{ "10:20MiB", "different units" },
		{ "1G:2", "different units" },
		{ "10MB", "unit" },
		{ "10kb", "unit" },
		{ "10 MiB", "blank" },
		{ " 10", "blank" },
		{ "10:20:30", "one ':'" },
		{ "1,5", "decimal separator" },
		{ "1.2.3", "decimal separator" },
		{ "--5", "number" },
		{ "@@5", "number" },
		{ "-5%", "negative" },
		{ "-1G:", "negative" },
		{ "99999999999999999999999", "too large" },
		{ "1.0000000000000001", "decimal places" },
		{ "0123456789012345678901234567890123456789012345678901234567890123", "too long" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oomw_range r;
		const char *why = NULL;
		int e = oomw_range_parse(cases[i].text, &r, &why);
		if (e != -EINVAL || !why || !strstr(why, cases[i].why_mentions))
			fail_msg("\"%s\": r=%d why=%s (want it to mention \"%s\")", cases[i].text,
				 e, why ? why : "NULL", cases[i].why_mentions);
	}
}

static void test_sizes(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		double value;
		enum oomw_unit unit;
	} ok[] = {
		{ "512MiB", 512 * MIB, OOMW_UNIT_BYTES },
		{ "2G", 2 * GIB, OOMW_UNIT_BYTES },
		{ "100", 100, OOMW_UNIT_BYTES },
		{ "10%", 10, OOMW_UNIT_PCT },
		{ "0.5%", 0.5, OOMW_UNIT_PCT },
		{ "1.5KiB", 1536, OOMW_UNIT_BYTES },
		{ "1T", TIB, OOMW_UNIT_BYTES },
		{ "16TiB", 16 * TIB, OOMW_UNIT_BYTES },
		{ "7B", 7, OOMW_UNIT_BYTES },
		{ "0", 0, OOMW_UNIT_BYTES },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		double v = -1;
		enum oomw_unit u = OOMW_UNIT_NONE;
		const char *why = "stale";
		int e = oomw_size_parse(ok[i].text, &v, &u, &why);
		if (e != 0 || v != ok[i].value || u != ok[i].unit || why)
			fail_msg("\"%s\": r=%d v=%.17g u=%d why=%s", ok[i].text, e, v, u,
				 why ? why : "NULL");
	}
	static const struct bad_case bad[] = {
		{ "", "empty" },       { "abc", "number" }, { "-1G", "negative" },
		{ "-5", "negative" },  { "5 G", "unit" },   { "5GB", "unit" },
		{ "1e9", "exponent" }, { "G", "number" },   { "1,5G", "decimal separator" },
		{ "5%%", "unit" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		double v;
		enum oomw_unit u;
		const char *why = NULL;
		int e = oomw_size_parse(bad[i].text, &v, &u, &why);
		if (e != -EINVAL || !why || !strstr(why, bad[i].why_mentions))
			fail_msg("\"%s\": r=%d why=%s", bad[i].text, e, why ? why : "NULL");
	}
}

static void test_durations(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int64_t seconds;
	} ok[] = {
		{ "30s", 30 },  { "15m", 900 },
		{ "1h", 3600 }, { "1d", 86400 },
		{ "90", 90 },   { "7d", 604800 },
		{ "1s", 1 },    { "106751991167300d", INT64_C(106751991167300) * 86400 },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		int64_t s = -1;
		const char *why = "stale";
		int e = oomw_duration_parse(ok[i].text, &s, &why);
		if (e != 0 || s != ok[i].seconds || why)
			fail_msg("\"%s\": r=%d s=%lld", ok[i].text, e, (long long)s);
	}
	static const struct bad_case bad[] = {
		{ "", "empty" },
		{ "0", "greater than zero" },
		{ "0s", "greater than zero" },
		{ "-5s", "negative" },
		{ "-1", "negative" },
		{ "5w", "unknown duration unit" },
		{ "5S", "unknown duration unit" },
		{ "1.5h", "whole number" },
		{ "1h30m", "whole number" },
		{ "h", "whole number" },
		{ " 5s", "whole number" },
		{ "5s ", "whole number" },
		{ "106751991167301d", "too long" },
		{ "9223372036854775808", "too long" },
		{ "99999999999999999999999s", "too long" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t s;
		const char *why = NULL;
		int e = oomw_duration_parse(bad[i].text, &s, &why);
		if (e != -EINVAL || !why || !strstr(why, bad[i].why_mentions))
			fail_msg("\"%s\": r=%d why=%s", bad[i].text, e, why ? why : "NULL");
	}
}

/* The temporary directory of the test running (a LOCPATH, or the oracle's
 * files), removed by drop_tmpdir even when an assertion failed. */
static char tmpdir[64];

static int drop_tmpdir(void **state)
{
	(void)state;
	char cmd[128];
	setlocale(LC_NUMERIC, "C");
	if (tmpdir[0] == '\0')
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	tmpdir[0] = '\0';
	return system(cmd) == 0 ? 0 : -1;
}

/* Builds the comma-decimal fixture locale with localedef (libc-bin, always
 * on Debian) into a temporary LOCPATH and switches LC_NUMERIC to it. */

static bool use_comma_locale(void)
{
	char cmd[512];
	strcpy(tmpdir, "/tmp/oomw-test-locale-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		return false;
	}
	snprintf(cmd, sizeof(cmd),
		 "localedef -c -i tests/fixtures/locale-comma-decimal/comma-decimal.src "
		 "%s/comma >/dev/null 2>&1",
		 tmpdir);
	/* localedef exits 1 for the categories the source leaves out, and
	 * still writes the locale (-c); setlocale below is the real check. */
	if (system(cmd) == -1)
		return false;
	setenv("LOCPATH", tmpdir, 1);
	return setlocale(LC_NUMERIC, "comma") != NULL && strcmp(localeconv()->decimal_point, ",") == 0;
}

static void test_comma_locale_changes_nothing(void **state)
{
	(void)state;
	if (!use_comma_locale())
		fail_msg("could not build or load the comma-decimal test locale in %s", tmpdir);
	test_alerts_table(state);
	test_parse_fields(state);
	test_refused(state);
	test_sizes(state);
}

/* The reference implementation of the Monitoring Plugins guidelines is
 * Monitoring::Plugin::Range (libmonitoring-plugin-perl, in nagios.mk's
 * DEB_DEPS). Every combination of these endpoints, with and without ':' and
 * '@', is parsed by both, and every value judged by both: results must agree,
 * including which texts are refused. (Exponents and blanks, which we refuse
 * on purpose, are left out.) */
static const char oracle_pl[] = "use strict; use warnings; use Monitoring::Plugin::Range;\n"
				"$SIG{__WARN__} = sub {};\n"
				"while (<STDIN>) { chomp; my ($s, $v) = split /\\t/;\n"
				"  my $r = Monitoring::Plugin::Range->parse_range_string($s);\n"
				"  print defined $r ? $r->check_range($v) : 'refused', \"\\n\"; }\n";

static void test_agrees_with_monitoring_plugin(void **state)
{
	(void)state;
	static const char *const ends[] = { "",     "~",  "0",  "1",  "10", "-10", "5.5",
					    "-0.5", "20", ".5", "+3", "1.", "007" };
	static const char *const values[] = { "-20", "-10", "-5",   "0",  "0.5", "1",  "5",
					      "5.5", "10",  "10.5", "15", "20",  "21", "100" };
	char path[128], cmd[512], range[32];
	const char *dir = tmpdir;
	strcpy(tmpdir, "/tmp/oomw-test-oracle-XXXXXX");
	if (!mkdtemp(tmpdir)) {
		tmpdir[0] = '\0';
		fail_msg("mkdtemp: %s", strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/oracle.pl", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(oracle_pl, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/cases", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	const size_t n_ends = sizeof(ends) / sizeof(ends[0]);
	const size_t n_values = sizeof(values) / sizeof(values[0]);
	size_t n_cases = 0;
	for (int at = 0; at < 2; at++)
		for (int colon = 0; colon < 2; colon++)
			for (size_t a = 0; a < (colon ? n_ends : 1); a++)
				for (size_t b = 0; b < n_ends; b++) {
					snprintf(range, sizeof(range), "%s%s%s%s", at ? "@" : "",
						 colon ? ends[a] : "", colon ? ":" : "", ends[b]);
					for (size_t v = 0; v < n_values; v++, n_cases++)
						fprintf(f, "%s\t%s\n", range, values[v]);
				}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "perl %s/oracle.pl <%s/cases >%s/expected", dir, dir, dir);
	assert_int_equal(system(cmd), 0);

	FILE *cases = fopen(path, "r");
	snprintf(path, sizeof(path), "%s/expected", dir);
	FILE *expected = fopen(path, "r");
	assert_non_null(cases);
	assert_non_null(expected);
	char line[64], want[16];
	size_t checked = 0, mismatches = 0;
	while (fgets(line, sizeof(line), cases) && fgets(want, sizeof(want), expected)) {
		line[strcspn(line, "\n")] = '\0';
		want[strcspn(want, "\n")] = '\0';
		char *tab = strchr(line, '\t');
		*tab = '\0';
		struct oomw_range r;
		const char *why;
		double value = strtod(tab + 1, NULL); /* the test runs in the C locale */
		const char *got = oomw_range_parse(line, &r, &why) < 0 ? "refused"
				  : oomw_range_alerts(&r, value)       ? "1"
								       : "0";
		if (strcmp(got, want) != 0 && mismatches++ < 10)
			print_message("# \"%s\" with %s: we say %s, Monitoring::Plugin %s\n", line,
				      tab + 1, got, want);
		checked++;
	}
	fclose(cases);
	fclose(expected);
	assert_int_equal(checked, n_cases);
	assert_int_equal(mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_durations),
		cmocka_unit_test_teardown(test_comma_locale_changes_nothing, drop_tmpdir),
		cmocka_unit_test_teardown(test_agrees_with_monitoring_plugin, drop_tmpdir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
