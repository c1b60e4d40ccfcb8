/* SPDX-License-Identifier: MIT */
/* test_lctime.c — month names of every glibc locale: the names
 * dmesg -T prints in the languages admins run, in UTF-8 and in a legacy
 * charset, the normalisation (case, dots, blanks), the rules for names that
 * mean different months in different languages, and the dmesg -T fixtures
 * dated through oomw_klog_parse_text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "klog.h"
#include "lctime.h"
#include "oomw.h"

static int month(const char *s)
{
	return oomw_lctime_month(s, strlen(s));
}

struct name {
	const char *text;
	int value;
};

static void test_months_as_dmesg_prints_them(void **state)
{
	(void)state;
	static const struct name cases[] = {
		/* C */
		{ "Jan", 1 },
		{ "Feb", 2 },
		{ "Mar", 3 },
		{ "Apr", 4 },
		{ "May", 5 },
		{ "Jun", 6 },
		{ "Jul", 7 },
		{ "Aug", 8 },
		{ "Sep", 9 },
		{ "Oct", 10 },
		{ "Nov", 11 },
		{ "Dec", 12 },
		/* de_DE, de_AT */
		{ "Mär", 3 },
		{ "Mai", 5 },
		{ "Okt", 10 },
		{ "Dez", 12 },
		{ "Jän", 1 },
		/* fr_FR: %b and the full names */
		{ "janv.", 1 },
		{ "févr.", 2 },
		{ "mars", 3 },
		{ "avril", 4 },
		{ "juil.", 7 },
		{ "août", 8 },
		{ "déc.", 12 },
		{ "janvier", 1 },
		{ "décembre", 12 },
		/* es, it, pt, nl, pl, fi, tr */
		{ "ene", 1 },
		{ "dic", 12 },
		{ "giu", 6 },
		{ "ott", 10 },
		{ "fev", 2 },
		{ "mrt", 3 },
		{ "paź", 10 },
		{ "tammi", 1 },
		{ "marras", 11 },
		{ "Şub", 2 },
		{ "Ağu", 8 },
		/* ru: %b is genitive (мая), %Ob nominative (май), %B genitive full */
		{ "янв", 1 },
		{ "мая", 5 },
		{ "май", 5 },
		{ "декабря", 12 },
		/* el, ja (with and without its leading blank), ko, zh, uk */
		{ "Μαΐ", 5 },
		{ " 1月", 1 },
		{ "12月", 12 },
		{ "8월", 8 },
		{ "十一月", 11 },
		{ "лис", 11 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (month(cases[i].text) != cases[i].value)
			fail_msg("month '%s' = %d, expected %d", cases[i].text,
				 month(cases[i].text), cases[i].value);
}

static void test_legacy_charsets(void **state)
{
	(void)state;
	/* de_DE (ISO-8859-1) "Mär", ru_RU.KOI8-R "янв", ja_JP.eucJP " 8月" */
	assert_int_equal(month("M\xe4r"), 3);
	assert_int_equal(month("\xd1\xce\xd7"), 1);
	assert_int_equal(month(" 8\xb7\xee"), 8);
}

static void test_normalisation(void **state)
{
	(void)state;
	assert_int_equal(month("AUG"), 8);
	assert_int_equal(month("aug"), 8);
	assert_int_equal(month("  Aug.. "), 8);
	/* only ASCII letters fold: other bytes are compared as printed */
	assert_int_equal(month("MÄR"), 0);
	/* the length is what counts, not a NUL */
	assert_int_equal(oomw_lctime_month("Augustus", 3), 8);
	assert_int_equal(oomw_lctime_month("Mär", 0), 0);
	assert_int_equal(month(""), 0);
	assert_int_equal(month("."), 0);
	assert_int_equal(month("  "), 0);
	assert_int_equal(month("Au"), 0);
	assert_int_equal(month("Augu"), 0);
	assert_int_equal(month("xyz"), 0);
	char longest[200];
	memset(longest, 'a', sizeof(longest));
	assert_int_equal(oomw_lctime_month(longest, sizeof(longest)), 0);
}

static void test_ambiguous_names(void **state)
{
	(void)state;
	/* 1. English first: "mar" is March, whatever else it abbreviates. */
	assert_int_equal(month("mar"), 3);
	/* 2. the most locales: "lis" is listopad = November in Polish, Czech,
	 *    Ukrainian..., October (listopad) only in Croatian. */
	assert_int_equal(month("lis"), 11);
	/* 3. a common server language in a tie: "srp" is srpen = August in Czech,
	 *    srpanj = July in Croatian. */
	assert_int_equal(month("srp"), 8);
	/* and Portuguese "out" (outubro), whatever else it abbreviates */
	assert_int_equal(month("out"), 10);
}

/* Every line of the dmesg -T fixtures in German and French gets a date. */
static void test_dmesg_T_fixtures_dated(void **state)
{
	(void)state;
	static const char *const files[] = {
		"kernel-log-hostile/dmesg-T-de.log",
		"kernel-log-hostile/dmesg-T-fr.log",
		"kernel-log/proxmox-5.15-cgroup-v2-dmesg-T-de.log",
	};
	const char *dir = getenv("OOMW_FIXTURES");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096], line[OOMW_KLOG_RECORD_MAX];
		snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : "tests/fixtures", files[i]);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		size_t dated = 0;
		while (fgets(line, sizeof(line), f)) {
			size_t len = strcspn(line, "\n");
			struct oomw_klog_record r;
			if (len == 0)
				continue;
			assert_int_equal(oomw_klog_parse_text(line, len, &r), 0);
			if (r.wall_usec == OOMW_UNKNOWN)
				fail_msg("%s: no date in '%.*s'", files[i], (int)len, line);
			dated++;
		}
		fclose(f);
		assert_true(dated > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_months_as_dmesg_prints_them),
		cmocka_unit_test(test_legacy_charsets),
		cmocka_unit_test(test_normalisation),
		cmocka_unit_test(test_ambiguous_names),
		cmocka_unit_test(test_dmesg_T_fixtures_dated),
	};
	return cmocka_run_group_tests_name("lctime", tests, NULL, NULL);
}
