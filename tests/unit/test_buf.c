/*
 * test_buf.c: the growable buffer and JSON string encoding (lib/base/buf.c).
 * Every JSON string produced is parsed back with jansson and compared to
 * the string it must decode to, so the test does not trust our escaping.
 */
#include <limits.h>
#include <string.h>

#include <jansson.h>

#include "check_main.h"
#include "internal.h"
#include "base/json_esc.h"

/* A passing ck_assert is recorded (a write each); loops use this. */
#define REQUIRE(e) do {							\
	if (!(e))							\
		ck_abort_msg("line %d: %s", __LINE__, #e);		\
} while (0)

/* -------------------------------------------------------------- buffer */

static void
check_invariants(const struct sl_buf *b)
{
	ck_assert_ptr_nonnull(b->buf);
	ck_assert_uint_ge(b->cap, b->len + 1);
	ck_assert_int_eq(b->buf[b->len], '\0');
}

START_TEST(init_free)
{
	struct sl_buf b;

	sl_buf_init(&b);
	ck_assert_ptr_null(b.buf);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	sl_buf_adds(&b, "x");
	sl_buf_free(&b);
	ck_assert_ptr_null(b.buf);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, 0);
	sl_buf_free(&b);		/* twice is harmless */
	sl_buf_reset(&b);		/* and so is resetting a fresh one */
	ck_assert_ptr_null(b.buf);
	ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(add_small)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_add(&b, "abc", 3);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_str_eq(b.buf, "abc");
	sl_buf_add(&b, "de", 2);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_str_eq(b.buf, "abcde");
	sl_buf_addc(&b, 'f');
	sl_buf_adds(&b, "gh");
	ck_assert_uint_eq(b.len, 8);
	ck_assert_str_eq(b.buf, "abcdefgh");
	check_invariants(&b);
	sl_buf_free(&b);
}
END_TEST

START_TEST(add_nothing)
{
	struct sl_buf b;

	/* Even with nothing added, buf is a string once touched. */
	sl_buf_init(&b);
	sl_buf_add(&b, "", 0);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.buf, "");
	sl_buf_adds(&b, "");
	ck_assert_uint_eq(b.len, 0);
	sl_buf_free(&b);
}
END_TEST

START_TEST(add_binary)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_add(&b, "a\0b", 3);
	sl_buf_addc(&b, '\0');
	sl_buf_addc(&b, 0xff);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 5);
	ck_assert_int_eq(memcmp(b.buf, "a\0b\0\xff", 5), 0);
	sl_buf_free(&b);
}
END_TEST

START_TEST(add_growth)
{
	struct sl_buf b;
	char chunk[7];
	size_t i, k, total = 0;

	sl_buf_init(&b);
	for (i = 0; i < 20000; i++) {
		for (k = 0; k < sizeof(chunk); k++)
			chunk[k] = (char)('a' + (i + k) % 26);
		sl_buf_add(&b, chunk, sizeof(chunk));
		total += sizeof(chunk);
		REQUIRE(b.len == total);
		REQUIRE(b.cap >= b.len + 1);
	}
	check_invariants(&b);
	for (i = 0; i < 20000; i++)
		for (k = 0; k < sizeof(chunk); k++)
			REQUIRE(b.buf[i * sizeof(chunk) + k] ==
			    (char)('a' + (i + k) % 26));
	/* One big add on top. */
	{
		static char big[300000];

		memset(big, 'Z', sizeof(big));
		sl_buf_add(&b, big, sizeof(big));
		ck_assert_uint_eq(b.len, total + sizeof(big));
		check_invariants(&b);
		ck_assert_int_eq(b.buf[total], 'Z');
		ck_assert_int_eq(b.buf[b.len - 1], 'Z');
		ck_assert_int_eq(b.buf[total - 1],
		    (char)('a' + (19999 + 6) % 26));
	}
	sl_buf_free(&b);
}
END_TEST

START_TEST(reset_keeps_room)
{
	struct sl_buf b;
	size_t cap;
	char *p;

	sl_buf_init(&b);
	sl_buf_adds(&b, "some text");
	cap = b.cap;
	p = b.buf;
	sl_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_ptr_eq(b.buf, p);
	ck_assert_str_eq(b.buf, "");
	sl_buf_adds(&b, "new");
	ck_assert_str_eq(b.buf, "new");
	ck_assert_uint_eq(b.len, 3);
	sl_buf_free(&b);
}
END_TEST

START_TEST(printf_basic)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_printf(&b, "%d-%s-%lld", 42, "x", -7LL);
	check_invariants(&b);
	ck_assert_str_eq(b.buf, "42-x--7");
	ck_assert_uint_eq(b.len, 7);
	sl_buf_printf(&b, "[%05.1f]", 3.25);
	ck_assert_str_eq(b.buf, "42-x--7[003.2]");
	ck_assert_uint_eq(b.len, strlen(b.buf));
	sl_buf_printf(&b, "%s", "");
	ck_assert_uint_eq(b.len, 14);
	check_invariants(&b);
	sl_buf_free(&b);

	/* An empty printf on a fresh buffer still leaves a string. */
	sl_buf_init(&b);
	sl_buf_printf(&b, "%s", "");
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 0);
	sl_buf_free(&b);
}
END_TEST

START_TEST(printf_growth)
{
	struct sl_buf b;
	size_t i;

	sl_buf_init(&b);
	sl_buf_adds(&b, "<");
	sl_buf_printf(&b, "%5000s|%d", "end", 9);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, 1 + 5000 + 2);
	ck_assert_int_eq(b.buf[0], '<');
	for (i = 1; i < 1 + 4997; i++)
		REQUIRE(b.buf[i] == ' ');
	ck_assert_str_eq(b.buf + 1 + 4997, "end|9");
	for (i = 0; i < 1000; i++)
		sl_buf_printf(&b, "%03zu,", i);
	ck_assert_uint_eq(b.len, 5003 + 4000);
	ck_assert_int_eq(memcmp(b.buf + 5003, "000,001,002,", 12), 0);
	ck_assert_str_eq(b.buf + b.len - 4, "999,");
	sl_buf_free(&b);
}
END_TEST

/* A decimal number counted up in place; 0 and no change when it needs
 * a digit more or is not a number. */
START_TEST(decimal_count_up)
{
	static const struct {
		const char *in;
		size_t from;
		int ok;
		const char *out;
	} cases[] = {
		{ "f:0", 2, 1, "f:1" }, { "f:8", 2, 1, "f:9" },
		{ "f:9", 2, 0, "f:9" }, { "f:19", 2, 1, "f:20" },
		{ "f:1099", 2, 1, "f:1100" }, { "f:999", 2, 0, "f:999" },
		{ "f:", 2, 0, "f:" }, { "-9", 0, 0, "-9" }, { "41", 0, 1, "42" },
		/* negative: counting up the digits would count down */
		{ "-1", 0, 0, "-1" }, { "f:-1", 2, 0, "f:-1" },
		{ "f:-10", 2, 0, "f:-10" }, { "f:-19", 2, 0, "f:-19" },
	};
	char s[16];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(s, cases[i].in);
		ck_assert_int_eq(sl_decimal_count_up(s, cases[i].from,
		    strlen(s)), cases[i].ok);
		ck_assert_str_eq(s, cases[i].out);
	}
}
END_TEST

START_TEST(add_int)
{
	static const struct {
		long long v;
		const char *s;
	} cases[] = {
		{ 0, "0" }, { 1, "1" }, { -1, "-1" }, { 9, "9" }, { 10, "10" },
		{ -10, "-10" }, { 99, "99" }, { 100, "100" }, { -101, "-101" },
		{ 999, "999" }, { 1000, "1000" }, { 10007, "10007" },
		{ 99999, "99999" }, { 100000, "100000" },
		/* where the 32-bit part takes over */
		{ 4294967295LL, "4294967295" }, { 4294967296LL, "4294967296" },
		{ 4294967399LL, "4294967399" }, { 429496729600LL, "429496729600" },
		{ -4294967296LL, "-4294967296" },
		{ 1234567890123LL, "1234567890123" },
		{ LLONG_MAX, "9223372036854775807" },
		{ LLONG_MIN, "-9223372036854775808" },
	};
	struct sl_buf b;
	size_t i;

	sl_buf_init(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sl_buf_reset(&b);
		sl_buf_add_int(&b, cases[i].v);
		check_invariants(&b);
		ck_assert_str_eq(b.buf, cases[i].s);
		ck_assert_uint_eq(b.len, strlen(cases[i].s));
	}
	/* It appends. */
	sl_buf_reset(&b);
	sl_buf_adds(&b, "n=");
	sl_buf_add_int(&b, -42);
	sl_buf_addc(&b, ',');
	ck_assert_str_eq(b.buf, "n=-42,");
	sl_buf_free(&b);
}
END_TEST

START_TEST(reserve_no_realloc)
{
	struct sl_buf b;
	static char data[5000];
	char *p;

	sl_buf_init(&b);
	sl_buf_reserve(&b, sizeof(data));
	ck_assert_ptr_nonnull(b.buf);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_ge(b.cap, sizeof(data) + 1);
	/* The buffer is always NUL-terminated (sl.h), after reserve too. */
	ck_assert_int_eq(b.buf[0], '\0');
	p = b.buf;
	memset(data, 'q', sizeof(data));
	sl_buf_add(&b, data, sizeof(data));
	ck_assert_ptr_eq(b.buf, p);	/* the room was really there */
	ck_assert_uint_eq(b.len, sizeof(data));
	check_invariants(&b);
	/* Reserving less than is free changes nothing. */
	sl_buf_reset(&b);
	sl_buf_reserve(&b, 10);
	ck_assert_ptr_eq(b.buf, p);
	sl_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ JSON strings */

/*
 * Encode s (n bytes) on its own, check the bytes against want_json when
 * given, parse it back with jansson and compare to want (wn bytes).
 */
static void
json_case(const char *s, size_t n, const char *want_json, const char *want,
    size_t wn)
{
	struct sl_buf b;
	json_error_t err;
	json_t *v;

	sl_buf_init(&b);
	sl_buf_json_str(&b, s, n);
	check_invariants(&b);
	ck_assert_uint_eq(b.len, strlen(b.buf));	/* no raw NUL */
	if (want_json != NULL)
		ck_assert_msg(strcmp(b.buf, want_json) == 0,
		    "json: got [%s], want [%s]", b.buf, want_json);
	v = json_loadb(b.buf, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	ck_assert_msg(v != NULL, "jansson rejected [%s]: %s", b.buf, err.text);
	ck_assert(json_is_string(v));
	ck_assert_uint_eq(json_string_length(v), wn);
	ck_assert_msg(memcmp(json_string_value(v), want, wn) == 0,
	    "decoded [%s], want [%.*s]", json_string_value(v), (int)wn, want);
	json_decref(v);
	sl_buf_free(&b);
}

#define JCASE(s, json, want)						\
	json_case((s), sizeof(s) - 1, (json), (want), sizeof(want) - 1)

START_TEST(json_plain)
{
	JCASE("", "\"\"", "");
	JCASE("hello world", "\"hello world\"", "hello world");
	JCASE("~!@#$%^&*()_+{}|:<>?`-=[];',./", NULL,
	    "~!@#$%^&*()_+{}|:<>?`-=[];',./");
	JCASE("/", "\"/\"", "/");
}
END_TEST

START_TEST(json_quote_backslash)
{
	JCASE("a\"b", "\"a\\\"b\"", "a\"b");
	JCASE("a\\b", "\"a\\\\b\"", "a\\b");
	JCASE("\"\\\"", "\"\\\"\\\\\\\"\"", "\"\\\"");
	JCASE("C:\\Users\\me", "\"C:\\\\Users\\\\me\"", "C:\\Users\\me");
}
END_TEST

START_TEST(json_short_escapes)
{
	JCASE("\n", "\"\\n\"", "\n");
	JCASE("\r", "\"\\r\"", "\r");
	JCASE("\t", "\"\\t\"", "\t");
	JCASE("\b", "\"\\b\"", "\b");
	JCASE("\f", "\"\\f\"", "\f");
	JCASE("a\r\nb", "\"a\\r\\nb\"", "a\r\nb");
}
END_TEST

START_TEST(json_every_c0)
{
	unsigned c;

	for (c = 0; c < 0x20; c++) {
		char in[3] = { 'x', (char)c, 'y' };
		char want_json[16];

		switch (c) {
		case '\n': strcpy(want_json, "\"x\\ny\""); break;
		case '\r': strcpy(want_json, "\"x\\ry\""); break;
		case '\t': strcpy(want_json, "\"x\\ty\""); break;
		case '\b': strcpy(want_json, "\"x\\by\""); break;
		case '\f': strcpy(want_json, "\"x\\fy\""); break;
		default:
			snprintf(want_json, sizeof(want_json),
			    "\"x\\u%04xy\"", c);
			break;
		}
		json_case(in, 3, want_json, in, 3);
	}
	/* NUL inside the string, by length. */
	JCASE("a\0b", "\"a\\u0000b\"", "a\0b");
	JCASE("\x1b[31m", "\"\\u001b[31m\"", "\x1b[31m");
}
END_TEST

START_TEST(json_del)
{
	struct sl_buf b;

	/* DEL is not a JSON control: raw or \u007f, it must decode to DEL. */
	JCASE("a\x7f" "b", NULL, "a\x7f" "b");
	sl_buf_init(&b);
	sl_buf_json_str(&b, "\x7f", 1);
	ck_assert(strcmp(b.buf, "\"\x7f\"") == 0 ||
	    strcmp(b.buf, "\"\\u007f\"") == 0);
	sl_buf_free(&b);
}
END_TEST

START_TEST(json_utf8_kept)
{
	JCASE("caf\xc3\xa9", "\"caf\xc3\xa9\"", "caf\xc3\xa9");
	JCASE("\xe2\x94\x80\xe6\x97\xa5\xf0\x9f\x98\x80",
	    "\"\xe2\x94\x80\xe6\x97\xa5\xf0\x9f\x98\x80\"",
	    "\xe2\x94\x80\xe6\x97\xa5\xf0\x9f\x98\x80");
	JCASE("\xc2\xa0\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	    "\"\xc2\xa0\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\"",
	    "\xc2\xa0\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf");
	/* U+2028/2029 are valid in JSON strings; kept as they are. */
	JCASE("\xe2\x80\xa8", NULL, "\xe2\x80\xa8");
}
END_TEST

/* C1 controls (U+0080..U+009F: an 8-bit CSI is U+009B) are escaped like C0:
 * a JSON file shown with cat must not drive the terminal. */
START_TEST(json_c1_escaped)
{
	JCASE("\xc2\x80", "\"\\u0080\"", "\xc2\x80");
	JCASE("a\xc2\x9b" "2Jb", "\"a\\u009b2Jb\"", "a\xc2\x9b" "2Jb");
	JCASE("\xc2\x9f\xc2\xa0", "\"\\u009f\xc2\xa0\"", "\xc2\x9f\xc2\xa0");
}
END_TEST

START_TEST(json_literal_fffd_kept)
{
	JCASE("x\xef\xbf\xbdy", "\"x\xef\xbf\xbdy\"", "x\xef\xbf\xbdy");
	JCASE("\xef\xbf\xbd", "\"\xef\xbf\xbd\"", "\xef\xbf\xbd");
}
END_TEST

#define R "\xef\xbf\xbd"	/* U+FFFD */

START_TEST(json_invalid_to_fffd)
{
	JCASE("a\x80" "b", "\"a" R "b\"", "a" R "b");
	JCASE("\xff", "\"" R "\"", R);
	JCASE("\xc0\x80", "\"" R R "\"", R R);
	JCASE("\xe0\x80\x80", "\"" R R R "\"", R R R);
	JCASE("\xed\xa0\x80", "\"" R R R "\"", R R R);
	JCASE("\xf4\x90\x80\x80", "\"" R R R R "\"", R R R R);
	JCASE("\xe2\x82\x41", "\"" R "A\"", R "A");
	JCASE("\xf0\x9f\x98" "z", "\"" R "z\"", R "z");
	/* Unicode table 3-8. */
	JCASE("a\xf1\x80\x80\xe1\x80\xc2" "b\x80" "c\x80\xbf" "d",
	    "\"a" R R R "b" R "c" R R "d\"", "a" R R R "b" R "c" R R "d");
	/* An invalid byte next to an escape. */
	JCASE("\x80\n\x80", "\"" R "\\n" R "\"", R "\n" R);
}
END_TEST

START_TEST(json_truncated_at_end)
{
	JCASE("ab\xc3", "\"ab" R "\"", "ab" R);
	JCASE("ab\xe2\x82", "\"ab" R "\"", "ab" R);
	JCASE("ab\xf0\x9f\x98", "\"ab" R "\"", "ab" R);
	JCASE("\xf0", "\"" R "\"", R);
	/* The length cuts a valid sequence: what is left is truncated. */
	json_case("ok\xc3\xa9", 3, "\"ok" R "\"", "ok" R, 5);
}
END_TEST

/* Each special byte at each position of a run longer than a vector. */
START_TEST(json_special_at_every_position)
{
	static const struct {
		const char *in, *out;
	} sp[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\n", "\\n" },
		{ "\x01", "\\u0001" }, { "\x1f", "\\u001f" },
		{ "\x80", R }, { "\xff", R }, { "\xc3\xa9", "\xc3\xa9" },
		{ "\xe6\x97\xa5", "\xe6\x97\xa5" }, { "\xef\xbf\xbd", R },
		{ "\x7f", "\x7f" }, { " ", " " }, { "~", "~" },
	};
	char in[80], want[120], decoded[80];
	size_t pos, k, n, sl, ol;

	for (k = 0; k < sizeof(sp) / sizeof(sp[0]); k++) {
		sl = strlen(sp[k].in);
		ol = strlen(sp[k].out);
		for (pos = 0; pos < 40; pos++) {
			n = 0;
			memset(in, 'a', pos);
			n = pos;
			memcpy(in + n, sp[k].in, sl);
			n += sl;
			memset(in + n, 'b', 40 - pos);
			n += 40 - pos;
			want[0] = '"';
			memset(want + 1, 'a', pos);
			memcpy(want + 1 + pos, sp[k].out, ol);
			memset(want + 1 + pos + ol, 'b', 40 - pos);
			want[1 + pos + ol + 40 - pos] = '"';
			want[2 + pos + ol + 40 - pos] = '\0';
			/* The decoded form: the output without quotes or
			 * escapes, i.e. the input with bad bytes replaced. */
			{
				int bad = sp[k].in[0] == '\x80' ||
				    sp[k].in[0] == '\xff';
				const char *mid = bad ? R : sp[k].in;
				size_t ml = strlen(mid), dn = 0;

				memset(decoded, 'a', pos);
				dn = pos;
				memcpy(decoded + dn, mid, ml);
				dn += ml;
				memset(decoded + dn, 'b', 40 - pos);
				dn += 40 - pos;
				json_case(in, n, want, decoded, dn);
			}
		}
	}
}
END_TEST

START_TEST(json_appends)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_adds(&b, "{\"k\":");
	sl_buf_json_str(&b, "v\"1", 3);
	sl_buf_addc(&b, '}');
	ck_assert_str_eq(b.buf, "{\"k\":\"v\\\"1\"}");
	ck_assert_uint_eq(b.len, strlen("{\"k\":\"v\\\"1\"}"));
	sl_buf_free(&b);
}
END_TEST

/* Long inputs: the escaped form is up to 6x the input; growth must keep up. */
START_TEST(json_long_escapes)
{
	static char in[40000], want[40000 * 6 + 3];
	struct sl_buf b;
	size_t i, o = 0;

	want[o++] = '"';
	for (i = 0; i < sizeof(in); i++) {
		switch (i % 5) {
		case 0: in[i] = '\x01'; memcpy(want + o, "\\u0001", 6); o += 6;
			break;
		case 1: in[i] = '"'; memcpy(want + o, "\\\"", 2); o += 2; break;
		case 2: in[i] = 'a'; want[o++] = 'a'; break;
		case 3: in[i] = '\x80'; memcpy(want + o, R, 3); o += 3; break;
		default: in[i] = '\n'; memcpy(want + o, "\\n", 2); o += 2;
			break;
		}
	}
	want[o++] = '"';
	want[o] = '\0';
	sl_buf_init(&b);
	sl_buf_json_str(&b, in, sizeof(in));
	check_invariants(&b);
	ck_assert_uint_eq(b.len, o);
	ck_assert_int_eq(memcmp(b.buf, want, o), 0);
	sl_buf_free(&b);

	/* All controls: the worst case. */
	memset(in, '\x1f', sizeof(in));
	sl_buf_init(&b);
	sl_buf_json_str(&b, in, sizeof(in));
	check_invariants(&b);
	ck_assert_uint_eq(b.len, sizeof(in) * 6 + 2);
	sl_buf_free(&b);
}
END_TEST

/*
 * Arbitrary bytes always give JSON that parses, and that decodes to
 * valid UTF-8 equal to the input wherever the input was plain valid text.
 */
START_TEST(json_random_bytes_parse)
{
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	char in[257];
	struct sl_buf b;
	json_error_t err;
	json_t *v;
	int round;
	size_t i, n;

	sl_buf_init(&b);
	for (round = 0; round < 3000; round++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		n = (size_t)(x % sizeof(in));
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* Bias towards the interesting bytes. */
			in[i] = (char)(x % 3 == 0 ? 0x80 + (x >> 8) % 0x80 :
			    x % 3 == 1 ? (x >> 8) % 0x20 : (x >> 8));
		}
		sl_buf_reset(&b);
		sl_buf_json_str(&b, in, n);
		v = json_loadb(b.buf, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL,
		    &err);
		ck_assert_msg(v != NULL, "round %d: jansson: %s", round,
		    err.text);
		ck_assert(json_is_string(v));
		if (sl_utf8_valid_prefix((const unsigned char *)in, n) == n)
			ck_assert(json_string_length(v) == n &&
			    memcmp(json_string_value(v), in, n) == 0);
		json_decref(v);
	}
	sl_buf_free(&b);
}
END_TEST

static Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, init_free);
	tcase_add_test(tc, add_small);
	tcase_add_test(tc, add_nothing);
	tcase_add_test(tc, add_binary);
	tcase_add_test(tc, add_growth);
	tcase_add_test(tc, reset_keeps_room);
	tcase_add_test(tc, printf_basic);
	tcase_add_test(tc, printf_growth);
	tcase_add_test(tc, add_int);
	tcase_add_test(tc, decimal_count_up);
	tcase_add_test(tc, reserve_no_realloc);
	tcase_add_test(tc, json_plain);
	tcase_add_test(tc, json_quote_backslash);
	tcase_add_test(tc, json_short_escapes);
	tcase_add_test(tc, json_every_c0);
	tcase_add_test(tc, json_del);
	tcase_add_test(tc, json_utf8_kept);
	tcase_add_test(tc, json_c1_escaped);
	tcase_add_test(tc, json_literal_fffd_kept);
	tcase_add_test(tc, json_invalid_to_fffd);
	tcase_add_test(tc, json_truncated_at_end);
	tcase_add_test(tc, json_special_at_every_position);
	tcase_add_test(tc, json_appends);
	tcase_add_test(tc, json_long_escapes);
	tcase_add_test(tc, json_random_bytes_parse);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(buf_suite)
