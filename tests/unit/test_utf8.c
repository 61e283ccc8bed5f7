/*
 * test_utf8.c: strict UTF-8 decoding, encoding and valid prefixes
 * (lib/base/utf8.c).  Invalid input must come out as U+FFFD one maximal
 * subpart at a time (Unicode 15, section 3.9), and a truncated sequence
 * is "need more" (0) only while more bytes could still complete it.
 */
#include <string.h>

#include "check_main.h"
#include "internal.h"

/* A passing ck_assert is recorded (a write each); loops use this. */
#define REQUIRE(e) do {							\
	if (!(e))							\
		ck_abort_msg("line %d: %s", __LINE__, #e);		\
} while (0)

#define FFFD	0xfffdu

/* Decode s (n bytes); check the length and the code point. */
#define DEC(s, n, want_len, want_cp) do {				\
	uint32_t cp_ = 0x12345678u;					\
	size_t k_ = sl_utf8_decode((const unsigned char *)(s), (n), &cp_); \
	ck_assert_msg(k_ == (size_t)(want_len),				\
	    "decode(%s, %zu): length %zu, want %zu", #s, (size_t)(n),	\
	    k_, (size_t)(want_len));					\
	if ((want_len) > 0)						\
		ck_assert_msg(cp_ == (uint32_t)(want_cp),		\
		    "decode(%s): U+%04X, want U+%04X", #s,		\
		    (unsigned)cp_, (unsigned)(want_cp));		\
} while (0)

/* ---------------------------------------------------------------- valid */

START_TEST(decode_ascii)
{
	DEC("A", 1, 1, 'A');
	DEC("\0", 1, 1, 0);
	DEC("\x7f", 1, 1, 0x7f);
	/* One byte only, whatever follows. */
	DEC("ab", 2, 1, 'a');
	DEC("a\xc3\xa9", 3, 1, 'a');
}
END_TEST

START_TEST(decode_two_bytes)
{
	DEC("\xc2\x80", 2, 2, 0x80);
	DEC("\xc3\xa9", 2, 2, 0xe9);
	DEC("\xdf\xbf", 2, 2, 0x7ff);
	DEC("\xc3\xa9z", 3, 2, 0xe9);
}
END_TEST

START_TEST(decode_three_bytes)
{
	DEC("\xe0\xa0\x80", 3, 3, 0x800);
	DEC("\xe2\x94\x80", 3, 3, 0x2500);
	DEC("\xed\x9f\xbf", 3, 3, 0xd7ff);	/* just below surrogates */
	DEC("\xee\x80\x80", 3, 3, 0xe000);	/* just above */
	DEC("\xef\xbf\xbd", 3, 3, FFFD);	/* a literal U+FFFD */
	DEC("\xef\xbf\xbf", 3, 3, 0xffff);
	DEC("\xe6\x97\xa5!", 4, 3, 0x65e5);
}
END_TEST

START_TEST(decode_four_bytes)
{
	DEC("\xf0\x90\x80\x80", 4, 4, 0x10000);
	DEC("\xf0\x9f\x98\x80", 4, 4, 0x1f600);
	DEC("\xf3\xbf\xbf\xbf", 4, 4, 0xfffff);
	DEC("\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff);
	DEC("\xf4\x80\x80\x80x", 5, 4, 0x100000);
}
END_TEST

/* -------------------------------------------------------------- invalid */

START_TEST(decode_lone_continuation)
{
	DEC("\x80", 1, 1, FFFD);
	DEC("\xbf", 1, 1, FFFD);
	DEC("\x80\x80\x80", 3, 1, FFFD);
	DEC("\xa9z", 2, 1, FFFD);
}
END_TEST

START_TEST(decode_overlong)
{
	/* C0 and C1 can never start a sequence: one byte, even alone. */
	DEC("\xc0\x80", 2, 1, FFFD);
	DEC("\xc0", 1, 1, FFFD);
	DEC("\xc1\xbf", 2, 1, FFFD);
	/* E0 80..9F, F0 80..8F: the lead byte alone is the subpart. */
	DEC("\xe0\x80\x80", 3, 1, FFFD);
	DEC("\xe0\x9f\xbf", 3, 1, FFFD);
	DEC("\xf0\x80\x80\x80", 4, 1, FFFD);
	DEC("\xf0\x8f\xbf\xbf", 4, 1, FFFD);
}
END_TEST

START_TEST(decode_surrogates)
{
	DEC("\xed\xa0\x80", 3, 1, FFFD);	/* U+D800 */
	DEC("\xed\xbf\xbf", 3, 1, FFFD);	/* U+DFFF */
	DEC("\xed\xb0\x80", 3, 1, FFFD);
}
END_TEST

START_TEST(decode_above_max)
{
	DEC("\xf4\x90\x80\x80", 4, 1, FFFD);	/* U+110000 */
	DEC("\xf4\xbf\xbf\xbf", 4, 1, FFFD);
}
END_TEST

START_TEST(decode_f5_ff)
{
	unsigned c;

	for (c = 0xf5; c <= 0xff; c++) {
		unsigned char s[4] = { (unsigned char)c, 0x80, 0x80, 0x80 };
		uint32_t cp = 0;

		/* Never "need more": no byte can complete them. */
		ck_assert_uint_eq(sl_utf8_decode(s, 1, &cp), 1);
		ck_assert_uint_eq(cp, FFFD);
		cp = 0;
		ck_assert_uint_eq(sl_utf8_decode(s, 4, &cp), 1);
		ck_assert_uint_eq(cp, FFFD);
	}
}
END_TEST

START_TEST(decode_truncated_needs_more)
{
	/* A valid beginning, cut short: 0 = cannot tell yet. */
	DEC("\xc3", 1, 0, 0);
	DEC("\xdf", 1, 0, 0);
	DEC("\xe2", 1, 0, 0);
	DEC("\xe2\x82", 2, 0, 0);
	DEC("\xe0", 1, 0, 0);		/* E0 A0.. would complete it */
	DEC("\xe0\xa0", 2, 0, 0);
	DEC("\xed", 1, 0, 0);
	DEC("\xed\x9f", 2, 0, 0);
	DEC("\xef\xbf", 2, 0, 0);
	DEC("\xf0", 1, 0, 0);
	DEC("\xf0\x9f", 2, 0, 0);
	DEC("\xf0\x9f\x98", 3, 0, 0);
	DEC("\xf0\x90", 2, 0, 0);
	DEC("\xf4", 1, 0, 0);
	DEC("\xf4\x8f", 2, 0, 0);
	DEC("\xf4\x8f\xbf", 3, 0, 0);
	DEC("\xf1\x80\x80", 3, 0, 0);
}
END_TEST

START_TEST(decode_truncated_already_invalid)
{
	/* Cut short, but already wrong: decided now, never 0. */
	DEC("\xe0\x80", 2, 1, FFFD);
	DEC("\xe0\x9f", 2, 1, FFFD);
	DEC("\xed\xa0", 2, 1, FFFD);
	DEC("\xf0\x80", 2, 1, FFFD);
	DEC("\xf0\x8f", 2, 1, FFFD);
	DEC("\xf4\x90", 2, 1, FFFD);
	DEC("\xc3\x41", 2, 1, FFFD);
	DEC("\xe2\x41", 2, 1, FFFD);
	DEC("\xe2\x82\x41", 3, 2, FFFD);
	DEC("\xf0\x9f\x41", 3, 2, FFFD);
	DEC("\xf0\x9f\x98\x41", 4, 3, FFFD);
}
END_TEST

START_TEST(decode_maximal_subparts)
{
	/* A new lead byte ends the subpart before it. */
	DEC("\xe2\xc3\xa9", 3, 1, FFFD);
	DEC("\xe2\x82\xe2\x82\xac", 5, 2, FFFD);
	DEC("\xf1\x80\x80\xe1\x80", 5, 3, FFFD);
	DEC("\xf4\x8f\xbf\x7f", 4, 3, FFFD);
	DEC("\xc2\xc2\x80", 3, 1, FFFD);
}
END_TEST

/* Unicode 15, table 3-8: the sequence the standard uses as its example. */
START_TEST(decode_table_3_8)
{
	static const unsigned char s[] = "\x61\xf1\x80\x80\xe1\x80\xc2\x62"
	    "\x80\x63\x80\xbf\x64";
	static const uint32_t want_cp[] = { 0x61, FFFD, FFFD, FFFD, 0x62,
	    FFFD, 0x63, FFFD, FFFD, 0x64 };
	static const size_t want_len[] = { 1, 3, 2, 1, 1, 1, 1, 1, 1, 1 };
	size_t n = sizeof(s) - 1, i = 0, k, j = 0;
	uint32_t cp;

	while (i < n) {
		k = sl_utf8_decode(s + i, n - i, &cp);
		ck_assert_uint_lt(j, sizeof(want_cp) / sizeof(want_cp[0]));
		ck_assert_uint_eq(k, want_len[j]);
		ck_assert_uint_eq(cp, want_cp[j]);
		i += k;
		j++;
	}
	ck_assert_uint_eq(j, sizeof(want_cp) / sizeof(want_cp[0]));
}
END_TEST

/* --------------------------------------------------------------- encode */

static void
enc(uint32_t cp, const char *want, size_t wlen)
{
	char out[4] = { 0 };
	size_t k = sl_utf8_encode(cp, out);

	ck_assert_msg(k == wlen, "encode(U+%04X): %zu bytes, want %zu",
	    (unsigned)cp, k, wlen);
	ck_assert_msg(memcmp(out, want, wlen) == 0, "encode(U+%04X) bytes",
	    (unsigned)cp);
}

START_TEST(encode_boundaries)
{
	enc(0, "\0", 1);
	enc('A', "A", 1);
	enc(0x7f, "\x7f", 1);
	enc(0x80, "\xc2\x80", 2);
	enc(0xe9, "\xc3\xa9", 2);
	enc(0x7ff, "\xdf\xbf", 2);
	enc(0x800, "\xe0\xa0\x80", 3);
	enc(0x2500, "\xe2\x94\x80", 3);
	enc(0xd7ff, "\xed\x9f\xbf", 3);
	enc(0xe000, "\xee\x80\x80", 3);
	enc(0xfffd, "\xef\xbf\xbd", 3);
	enc(0xffff, "\xef\xbf\xbf", 3);
	enc(0x10000, "\xf0\x90\x80\x80", 4);
	enc(0x1f600, "\xf0\x9f\x98\x80", 4);
	enc(0x10ffff, "\xf4\x8f\xbf\xbf", 4);
}
END_TEST

START_TEST(encode_invalid_is_fffd)
{
	enc(0xd800, "\xef\xbf\xbd", 3);
	enc(0xdbff, "\xef\xbf\xbd", 3);
	enc(0xdfff, "\xef\xbf\xbd", 3);
	enc(0x110000, "\xef\xbf\xbd", 3);
	enc(0x7fffffff, "\xef\xbf\xbd", 3);
	enc(0xffffffffu, "\xef\xbf\xbd", 3);
}
END_TEST

/* Every scalar value encodes to a sequence that decodes back to it. */
START_TEST(encode_decode_round_trip)
{
	uint32_t cp, back;
	char out[4];
	size_t k;

	for (cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		k = sl_utf8_encode(cp, out);
		REQUIRE(k == (cp < 0x80 ? 1u : cp < 0x800 ? 2u :
		    cp < 0x10000 ? 3u : 4u));
		/* Every proper prefix is "need more". */
		if (k > 1)
			REQUIRE(sl_utf8_decode((const unsigned char *)out,
			    k - 1, &back) == 0);
		back = 0;
		REQUIRE(sl_utf8_decode((const unsigned char *)out, k,
		    &back) == k);
		if (back != cp)
			ck_abort_msg("U+%04X came back as U+%04X",
			    (unsigned)cp, (unsigned)back);
		REQUIRE(sl_utf8_valid_prefix((const unsigned char *)out, k) ==
		    k);
	}
}
END_TEST

/* ---------------------------------------------------------- valid_prefix */

#define VP(s, n, want)							\
	ck_assert_msg(sl_utf8_valid_prefix((const unsigned char *)(s),	\
	    (n)) == (want), "valid_prefix(%s): %zu, want %zu", #s,		\
	    sl_utf8_valid_prefix((const unsigned char *)(s), (n)),	\
	    (size_t)(want))

START_TEST(valid_prefix_cases)
{
	VP("", 0, 0);
	VP("hello", 5, 5);
	VP("a\0b", 3, 3);
	VP("caf\xc3\xa9", 5, 5);
	VP("\xe2\x94\x80 \xf0\x9f\x98\x80", 8, 8);
	VP("a\xef\xbf\xbd" "b", 5, 5);		/* a literal U+FFFD is valid */
	VP("ab\xc3", 3, 2);			/* truncated at the end */
	VP("ab\xf0\x9f\x98", 5, 2);
	VP("ab\x80" "cd", 5, 2);
	VP("x\xc0\x80", 3, 1);
	VP("a\xed\xa0\x80", 4, 1);
	VP("\xf4\x90\x80\x80", 4, 0);
	VP("\xf5", 1, 0);
	VP("\xff\xfe", 2, 0);
	VP("ok\xe2\x82\x41", 5, 2);
	/* n bounds the look: a valid sequence past n does not count. */
	VP("ab\xc3\xa9", 3, 2);
}
END_TEST

/* One rule for controls: C0, DEL, C1 as UTF-8 or as a lone byte. */
START_TEST(controls_found)
{
	int control;

	ck_assert_uint_eq(sl_char_len("\033[", 2, &control), 1);
	ck_assert(control);
	ck_assert_uint_eq(sl_char_len("\x7f", 1, &control), 1);
	ck_assert(control);
	ck_assert_uint_eq(sl_char_len("\xc2\x9b", 2, &control), 2);
	ck_assert(control);
	ck_assert_uint_eq(sl_char_len("\x9b", 1, &control), 1);
	ck_assert(control);
	/* U+00A0 and U+011B (its last byte 0x9b) are not controls */
	ck_assert_uint_eq(sl_char_len("\xc2\xa0", 2, &control), 2);
	ck_assert(!control);
	ck_assert_uint_eq(sl_char_len("\xc4\x9b", 2, &control), 2);
	ck_assert(!control);
	ck_assert_uint_eq(sl_char_len("a", 1, &control), 1);
	ck_assert(!control);
}
END_TEST

START_TEST(controls_cleaned)
{
	char s[] = "a\033]0;t\x07\xc2\x9b" "2J\xc4\x9b\x9b\xc3\xa9\n";

	sl_clean_controls(s);
	ck_assert_str_eq(s, "a?]0;t??2J\xc4\x9b?\xc3\xa9?");
}
END_TEST

static Suite *
utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_test(tc, decode_ascii);
	tcase_add_test(tc, decode_two_bytes);
	tcase_add_test(tc, decode_three_bytes);
	tcase_add_test(tc, decode_four_bytes);
	tcase_add_test(tc, decode_lone_continuation);
	tcase_add_test(tc, decode_overlong);
	tcase_add_test(tc, decode_surrogates);
	tcase_add_test(tc, decode_above_max);
	tcase_add_test(tc, decode_f5_ff);
	tcase_add_test(tc, decode_truncated_needs_more);
	tcase_add_test(tc, decode_truncated_already_invalid);
	tcase_add_test(tc, decode_maximal_subparts);
	tcase_add_test(tc, decode_table_3_8);
	tcase_add_test(tc, encode_boundaries);
	tcase_add_test(tc, encode_invalid_is_fffd);
	tcase_add_test(tc, encode_decode_round_trip);
	tcase_add_test(tc, valid_prefix_cases);
	tcase_add_test(tc, controls_found);
	tcase_add_test(tc, controls_cleaned);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(utf8_suite)
