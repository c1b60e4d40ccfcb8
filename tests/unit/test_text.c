/* SPDX-License-Identifier: MIT */
/* test_text.c — hostile process names through the decoders and encoders every
 * front end relies on: \xNN decoding as kmsg writes it, re-escaping that never
 * lets a separator, a control byte or half an escape through, and names made
 * safe for identifiers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "text.h"

static void test_unescape(void **state)
{
	(void)state;
	char out[64];
	/* kmsg escapes control bytes, bytes >= 0x7f and '\' itself. */
	static const char in[] = "a\\x09b\\x5cx41\\xff|";
	size_t n = oomw_unescape(in, strlen(in), out, sizeof(out));
	assert_int_equal(n, 9);
	assert_memory_equal(out, "a\tb\\x41\xff|", 10);
	/* Not escapes: cut short, not hex, or \x00 (a NUL is never decoded). */
	static const char odd[] = "\\x0\\xg1\\x00\\x";
	n = oomw_unescape(odd, strlen(odd), out, sizeof(out));
	assert_int_equal(n, strlen(odd));
	assert_string_equal(out, odd);
	/* Truncated to the room, always NUL-terminated. */
	n = oomw_unescape("abcdef", 6, out, 4);
	assert_int_equal(n, 3);
	assert_string_equal(out, "abc");
	assert_int_equal(oomw_unescape("abc", 3, out, 0), 0);
}

static void test_escape(void **state)
{
	(void)state;
	char out[64];
	static const char name[] = "a|b\n\\c\x7f=";
	size_t n = oomw_escape(name, strlen(name), "|=", out, sizeof(out));
	assert_string_equal(out, "a\\x7cb\\x0a\\x5cc\\x7f\\x3d");
	assert_int_equal(n, strlen(out));
	/* Every byte but NUL survives a round trip. */
	char all[255], back[255 * 4 + 1], esc[255 * 4 + 1];
	for (int i = 0; i < 255; i++)
		all[i] = (char)(i + 1);
	n = oomw_escape(all, sizeof(all), " =", esc, sizeof(esc));
	for (size_t i = 0; i < n; i++)
		assert_true(esc[i] > 0x20 && esc[i] < 0x7f && esc[i] != '=');
	assert_int_equal(oomw_unescape(esc, n, back, sizeof(back)), sizeof(all));
	assert_memory_equal(back, all, sizeof(all));
	/* A result cut by the room never ends inside an escape. */
	for (size_t size = 1; size <= 9; size++) {
		n = oomw_escape("x\n\ny", 4, NULL, out, size);
		assert_true(n < size);
		assert_int_equal(out[n], '\0');
		static const size_t whole[] = { 0, 1, 1, 1, 1, 5, 5, 5, 5 };
		assert_int_equal(n, whole[size - 1]);
	}
	assert_int_equal(oomw_escape("x", 1, NULL, out, 0), 0);
}

static void test_sanitize_name(void **state)
{
	(void)state;
	char out[16];
	static const char name[] = "php-fpm: pool w|w";
	size_t n = oomw_sanitize_name(name, strlen(name), out, sizeof(out));
	assert_int_equal(n, 15);
	assert_string_equal(out, "php-fpm__pool_w");
	n = oomw_sanitize_name("a\0b.c", 5, out, sizeof(out));
	assert_int_equal(n, 5);
	assert_string_equal(out, "a_b.c");
}

static void test_format_kib(void **state)
{
	(void)state;
	char out[32];
	assert_string_equal(oomw_format_kib(0, out, sizeof(out)), "0 KiB");
	assert_string_equal(oomw_format_kib(1023, out, sizeof(out)), "1023 KiB");
	assert_string_equal(oomw_format_kib(17203, out, sizeof(out)), "16.8 MiB");
	assert_string_equal(oomw_format_kib(16LL << 30, out, sizeof(out)), "16.0 TiB");
	assert_string_equal(oomw_format_kib(OOMW_UNKNOWN, out, sizeof(out)), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_sanitize_name),
		cmocka_unit_test(test_format_kib),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
