/*
 * test_time.c: time parsing and formatting (lib/base/time.c).  Expected
 * values were computed independently (Python datetime and zoneinfo).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_main.h"
#include "internal.h"

/* A passing ck_assert is recorded (a write each); loops use this. */
#define REQUIRE(e) do {							\
	if (!(e))							\
		ck_abort_msg("line %d: %s", __LINE__, #e);		\
} while (0)

#define T0	1579943963000LL		/* 2020-01-25T09:19:23Z */
#define T_SEP	1601398683000LL		/* 2020-09-29T16:58:03Z */
#define HOUR	3600000LL

static void
rfc_ok(const char *s, long long want)
{
	long long ms = -42;

	ck_assert_msg(sl_time_rfc3339(s, strlen(s), &ms) == 0,
	    "rfc3339 rejected \"%s\"", s);
	ck_assert_msg(ms == want, "rfc3339(\"%s\") = %lld, want %lld", s, ms,
	    want);
}

static void
rfc_bad(const char *s)
{
	long long ms = -42;

	ck_assert_msg(sl_time_rfc3339(s, strlen(s), &ms) == -1,
	    "rfc3339 accepted \"%s\" (%lld)", s, ms);
}

static void
utc_ok(const char *s, long long want)
{
	long long ms = -42;

	ck_assert_msg(sl_time_utc(s, strlen(s), &ms) == 0,
	    "time_utc rejected \"%s\"", s);
	ck_assert_msg(ms == want, "time_utc(\"%s\") = %lld, want %lld", s, ms,
	    want);
}

static void
fmt_is(long long ms, const char *want)
{
	char out[25];

	memset(out, 'X', sizeof(out));
	sl_time_format(ms, out);
	ck_assert_int_eq(out[24], '\0');
	ck_assert_msg(strcmp(out, want) == 0, "format(%lld) = %s, want %s",
	    ms, out, want);
}

/* ------------------------------------------------------------ rfc3339 */

START_TEST(rfc3339_zones)
{
	rfc_ok("2020-01-25T09:19:23Z", T0);
	rfc_ok("2020-01-25T09:19:23z", T0);
	rfc_ok("2020-01-25t09:19:23Z", T0);
	rfc_ok("2020-01-25T09:19:23+00:00", T0);
	rfc_ok("2020-01-25T09:19:23-00:00", T0);
	rfc_ok("2020-01-25T09:19:23+0000", T0);
	rfc_ok("2020-01-25T09:19:23-05:30", T0 + 5 * HOUR + 30 * 60000);
	rfc_ok("2020-01-25T09:19:23-0530", T0 + 5 * HOUR + 30 * 60000);
	rfc_ok("2020-01-25T09:19:23+09:00", T0 - 9 * HOUR);
	rfc_ok("2020-01-25T09:19:23+23:59", T0 - 23 * HOUR - 59 * 60000);
	/* Offsets carry across the date line. */
	rfc_ok("2020-01-01T02:00:00+05:00", 1577826000000LL);
	rfc_ok("2019-12-31T22:00:00-05:00", 1577847600000LL);
}
END_TEST

START_TEST(rfc3339_fractions)
{
	rfc_ok("2020-01-25T09:19:23.1Z", T0 + 100);
	rfc_ok("2020-01-25T09:19:23.12Z", T0 + 120);
	rfc_ok("2020-01-25T09:19:23.123Z", T0 + 123);
	rfc_ok("2020-01-25T09:19:23.1234Z", T0 + 123);
	rfc_ok("2020-01-25T09:19:23.1235Z", T0 + 124);
	rfc_ok("2020-01-25T09:19:23.12345Z", T0 + 123);
	rfc_ok("2020-01-25T09:19:23.123456Z", T0 + 123);
	rfc_ok("2020-01-25T09:19:23.1234567Z", T0 + 123);
	rfc_ok("2020-01-25T09:19:23.12349999Z", T0 + 123);
	rfc_ok("2020-01-25T09:19:23.123500000Z", T0 + 124);
	rfc_ok("2020-01-25T09:19:23.000000001Z", T0);
	rfc_ok("2020-01-25T09:19:23.5+00:00", T0 + 500);
	rfc_ok("2020-01-25T09:19:23.999-05:30",
	    T0 + 999 + 5 * HOUR + 30 * 60000);
	/* Rounding carries into the next second, minute, day. */
	rfc_ok("2020-01-25T09:19:23.9995Z", T0 + 1000);
	rfc_ok("2020-01-25T09:19:23.999999999Z", T0 + 1000);
	rfc_ok("2019-12-31T23:59:59.9999Z", 1577836800000LL);
	rfc_ok("2020-01-25T09:19:23,250Z", T0 + 250);
}
END_TEST

START_TEST(rfc3339_space_separator)
{
	rfc_ok("2020-01-25 09:19:23Z", T0);
	rfc_ok("2020-01-25 09:19:23.042+00:00", T0 + 42);
	rfc_ok("2020-01-25 04:19:23-05:00", T0);
}
END_TEST

START_TEST(rfc3339_dates)
{
	rfc_ok("1970-01-01T00:00:00Z", 0);
	rfc_ok("1969-12-31T23:59:59.999Z", -1);
	rfc_ok("2024-02-29T12:34:56.789Z", 1709210096789LL);
	rfc_ok("2000-02-29T00:00:00Z", 951782400000LL);
	rfc_ok("1999-12-31T23:59:59.999Z", 946684799999LL);
	rfc_ok("1900-01-01T00:00:00Z", -2208988800000LL);
	rfc_ok("2100-12-31T23:59:59Z", 4133980799000LL);
}
END_TEST

START_TEST(rfc3339_rejects)
{
	rfc_bad("");
	rfc_bad("garbage");
	rfc_bad("2020-01-25");
	rfc_bad("2020-01-25T09:19Z");
	rfc_bad("2020-01-25T09:19:23");			/* no zone */
	rfc_bad("2020-01-25T09:19:23.123");		/* no zone */
	rfc_bad("2020-13-01T00:00:00Z");		/* month */
	rfc_bad("2020-00-10T00:00:00Z");
	rfc_bad("2020-01-00T00:00:00Z");		/* day */
	rfc_bad("2020-01-32T00:00:00Z");
	rfc_bad("2020-01-25T24:00:00Z");		/* hour */
	rfc_bad("2020-01-25T09:60:00Z");		/* minute */
	rfc_bad("2020-01-25T09:19:61Z");		/* second */
	rfc_bad("2020-1-25T09:19:23Z");
	rfc_bad("2020/01/25T09:19:23Z");
	rfc_bad("2020-01-25X09:19:23Z");
	rfc_bad("2020-01-25T09.19.23Z");
	rfc_bad("20-01-25T09:19:23Z");
	rfc_bad("2020-01-25T09:19:23Zjunk");
	rfc_bad("2020-01-25T09:19:23 Z");
	rfc_bad("2020-01-25T09:19:23+5:00");
	rfc_bad("2020-01-25T09:19:23+24:00");
	rfc_bad("2020-01-25T09:19:23+05:60");
	rfc_bad("2020-01-25T09:19:23+05:30x");
	rfc_bad("2020-01-25T09:19:23+05:3");
	rfc_bad("2020-01-25T09:19:23UTC");
	rfc_bad("x2020-01-25T09:19:23Z");
	rfc_bad(" 2020-01-25T09:19:23Z");
}
END_TEST

/* Things RFC 3339 does not allow and that would be silently misread. */
START_TEST(rfc3339_rejects_malformed_details)
{
	rfc_bad("2020-01-25T09:19:23.Z");	/* a point needs digits */
	rfc_bad("2020-01-25T09:19:23+05:");	/* a colon needs minutes */
	rfc_bad("2023-02-29T00:00:00Z");	/* not a leap year */
	rfc_bad("2020-02-30T00:00:00Z");
	rfc_bad("2020-04-31T00:00:00Z");
	rfc_bad("2100-02-29T00:00:00Z");
}
END_TEST

START_TEST(rfc3339_length_bounds)
{
	const char *s = "2020-01-25T09:19:23Zxyz";
	const char *f = "2020-01-25T09:19:23.123Z";
	long long ms = -42;

	/* n bounds the parse; what follows is not looked at. */
	ck_assert_int_eq(sl_time_rfc3339(s, 20, &ms), 0);
	ck_assert_int_eq(ms, T0);
	ck_assert_int_eq(sl_time_rfc3339(s, 19, &ms), -1);
	ck_assert_int_eq(sl_time_rfc3339(s, 10, &ms), -1);
	ck_assert_int_eq(sl_time_rfc3339(s, 0, &ms), -1);
	ck_assert_int_eq(sl_time_rfc3339(f, 23, &ms), -1);
	{
		/* An exact-size heap copy: no reading past the end. */
		char *h = sl_xstrndup("2020-01-25T09:19:23+05", 22);
		char *cut = sl_xmalloc(19);

		memcpy(cut, "2020-01-25T09:19:23", 19);
		sl_time_rfc3339(h, 22, &ms);
		ck_assert_int_eq(sl_time_rfc3339(cut, 19, &ms), -1);
		free(cut);
		free(h);
	}
}
END_TEST

/* ------------------------------------------------------------- time_utc */

START_TEST(time_utc_zoneless)
{
	utc_ok("2020-01-25T09:19:23", T0);
	utc_ok("2020-01-25 09:19:23", T0);
	utc_ok("2020-01-25 09:19:23.123", T0 + 123);
	utc_ok("2020-01-25T09:19:23.1236", T0 + 124);
	/* With a zone it is RFC 3339. */
	utc_ok("2020-01-25T09:19:23Z", T0);
	utc_ok("2020-01-25T09:19:23.5Z", T0 + 500);
	utc_ok("2020-01-25T04:19:23-05:00", T0);
	{
		long long ms = -42;

		ck_assert_int_eq(sl_time_utc("garbage", 7, &ms), -1);
		ck_assert_int_eq(sl_time_utc("", 0, &ms), -1);
		ck_assert_int_eq(sl_time_utc("2020-13-25 09:19:23", 19, &ms),
		    -1);
		ck_assert_int_eq(sl_time_utc("2020-01-25 09:19:23 x", 21,
		    &ms), -1);
	}
}
END_TEST

/* --------------------------------------------------------------- format */

START_TEST(format_values)
{
	fmt_is(0, "1970-01-01T00:00:00.000Z");
	fmt_is(1, "1970-01-01T00:00:00.001Z");
	fmt_is(T0, "2020-01-25T09:19:23.000Z");
	fmt_is(T0 + 7, "2020-01-25T09:19:23.007Z");
	fmt_is(1709210096789LL, "2024-02-29T12:34:56.789Z");
	fmt_is(1709251199999LL, "2024-02-29T23:59:59.999Z");
	fmt_is(1709251200000LL, "2024-03-01T00:00:00.000Z");
	fmt_is(946684799999LL, "1999-12-31T23:59:59.999Z");
	fmt_is(946684800000LL, "2000-01-01T00:00:00.000Z");
	fmt_is(951782400000LL, "2000-02-29T00:00:00.000Z");
	fmt_is(4133980799000LL, "2100-12-31T23:59:59.000Z");
	/* Before the epoch. */
	fmt_is(-1, "1969-12-31T23:59:59.999Z");
	fmt_is(-1000, "1969-12-31T23:59:59.000Z");
	fmt_is(-86400000LL, "1969-12-31T00:00:00.000Z");
	fmt_is(-86400001LL, "1969-12-30T23:59:59.999Z");
	fmt_is(-2208988800000LL, "1900-01-01T00:00:00.000Z");
}
END_TEST

/* Format and parse are inverses over two centuries, every few hours. */
START_TEST(format_parse_round_trip)
{
	long long ms, back;
	char out[25];

	for (ms = -2208988800000LL; ms < 4133980800000LL;
	    ms += 3 * HOUR + 7 * 60000 + 13001) {
		sl_time_format(ms, out);
		REQUIRE(sl_time_rfc3339(out, 24, &back) == 0);
		if (back != ms)
			ck_abort_msg("%lld -> %s -> %lld", ms, out, back);
	}
}
END_TEST

/* ---------------------------------------------------------------- local */

struct local_case {
	const char *s;
	long long utc, ny, tokyo;
};

/* January: New York is UTC-5; September: daylight time, UTC-4. */
static const struct local_case local_cases[] = {
	{ "20200125091923", T0, T0 + 5 * HOUR, T0 - 9 * HOUR },
	{ "2020-01-25 09:19:23", T0, T0 + 5 * HOUR, T0 - 9 * HOUR },
	{ "2020-01-25T09:19:23", T0, T0 + 5 * HOUR, T0 - 9 * HOUR },
	{ "Sat Jan 25 09:19:23 2020", T0, T0 + 5 * HOUR, T0 - 9 * HOUR },
	{ "Tue Sep 29 16:58:03 2020", T_SEP, T_SEP + 4 * HOUR,
	    T_SEP - 9 * HOUR },
	{ "Tue 29 Sep 2020 04:58:03 PM", T_SEP, T_SEP + 4 * HOUR,
	    T_SEP - 9 * HOUR },
	{ "20200929165803", T_SEP, T_SEP + 4 * HOUR, T_SEP - 9 * HOUR },
	{ "2020-09-29 16:58:03", T_SEP, T_SEP + 4 * HOUR, T_SEP - 9 * HOUR },
	/* ctime pads one-digit days with a space */
	{ "Sat Feb  1 00:00:00 2020", 1580515200000LL,
	    1580515200000LL + 5 * HOUR, 1580515200000LL - 9 * HOUR },
	/* 12 AM is midnight, 12 PM is noon */
	{ "Sat 25 Jan 2020 12:05:00 AM", 1579910700000LL,
	    1579910700000LL + 5 * HOUR, 1579910700000LL - 9 * HOUR },
	{ "Sat 25 Jan 2020 12:05:00 PM", 1579953900000LL,
	    1579953900000LL + 5 * HOUR, 1579953900000LL - 9 * HOUR },
	{ "Sat 25 Jan 2020 09:19:23 AM", T0, T0 + 5 * HOUR, T0 - 9 * HOUR },
};

static void
local_is(const char *s, const char *tz, long long want)
{
	long long ms = -42;

	ck_assert_msg(sl_time_local(s, tz, &ms) == 0,
	    "time_local(\"%s\", %s) rejected", s, tz ? tz : "NULL");
	ck_assert_msg(ms == want, "time_local(\"%s\", %s) = %lld, want %lld",
	    s, tz ? tz : "NULL", ms, want);
}

START_TEST(local_utc)
{
	size_t i;

	for (i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++) {
		local_is(local_cases[i].s, "UTC", local_cases[i].utc);
		local_is(local_cases[i].s, NULL, local_cases[i].utc);
		local_is(local_cases[i].s, "Etc/UTC", local_cases[i].utc);
	}
}
END_TEST

START_TEST(local_new_york)
{
	size_t i;

	for (i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++)
		local_is(local_cases[i].s, "America/New_York",
		    local_cases[i].ny);
	/* Either side of the 2020 spring change (March 8, 02:00 local). */
	local_is("2020-03-08 01:59:59", "America/New_York",
	    1583650799000LL);
	local_is("2020-03-08 03:00:00", "America/New_York",
	    1583650800000LL);
}
END_TEST

START_TEST(local_tokyo)
{
	size_t i;

	for (i = 0; i < sizeof(local_cases) / sizeof(local_cases[0]); i++)
		local_is(local_cases[i].s, "Asia/Tokyo", local_cases[i].tokyo);
}
END_TEST

START_TEST(local_fraction_kept)
{
	/* A fraction is kept whatever the zone. */
	local_is("2020-01-25 09:19:23.250", "UTC", T0 + 250);
	local_is("2020-01-25 09:19:23.250", "Asia/Tokyo", T0 - 9 * HOUR + 250);
}
END_TEST

START_TEST(local_rejects)
{
	static const char *const bad[] = {
		"", "garbage", "2020-13-01 00:00:00", "20201301000000",
		"20200125251923", "2020012509192", "202001250919234",
		"Tue Foo 29 16:58:03 2020", "Tue Sep 32 16:58:03 2020",
		"Tue Sep 29 25:58:03 2020", "Tue 29 Sep 2020 04:61:03 PM",
		"Tue Sep", "16:58:03",
	};
	size_t i;
	long long ms;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(sl_time_local(bad[i], "UTC", &ms) == -1,
		    "accepted \"%s\" in UTC", bad[i]);
		ck_assert_msg(sl_time_local(bad[i], "Asia/Tokyo", &ms) == -1,
		    "accepted \"%s\" in Asia/Tokyo", bad[i]);
	}
}
END_TEST

START_TEST(local_restores_tz)
{
	const char *tz;
	long long ms;
	time_t probe = 1600000000;
	struct tm tm;
	char before[64], after[64];

	/* TZ set before: the same value afterwards, and in effect. */
	ck_assert_int_eq(setenv("TZ", "Europe/Paris", 1), 0);
	tzset();
	localtime_r(&probe, &tm);
	strftime(before, sizeof(before), "%H:%M %Z", &tm);
	local_is("2020-01-25 09:19:23", "America/New_York", T0 + 5 * HOUR);
	local_is("2020-01-25 09:19:23", "Asia/Tokyo", T0 - 9 * HOUR);
	tz = getenv("TZ");
	ck_assert_ptr_nonnull(tz);
	ck_assert_str_eq(tz, "Europe/Paris");
	localtime_r(&probe, &tm);
	strftime(after, sizeof(after), "%H:%M %Z", &tm);
	ck_assert_str_eq(after, before);
	ck_assert_str_eq(after, "14:26 CEST");

	/* A failed parse leaves it alone too. */
	ck_assert_int_eq(sl_time_local("garbage", "Asia/Tokyo", &ms), -1);
	ck_assert_str_eq(getenv("TZ"), "Europe/Paris");

	/* TZ unset before: unset afterwards. */
	ck_assert_int_eq(unsetenv("TZ"), 0);
	tzset();
	local_is("Tue Sep 29 16:58:03 2020", "Asia/Tokyo", T_SEP - 9 * HOUR);
	ck_assert_ptr_null(getenv("TZ"));
	/* UTC takes no detour through TZ at all. */
	local_is("Tue Sep 29 16:58:03 2020", "UTC", T_SEP);
	ck_assert_ptr_null(getenv("TZ"));
}
END_TEST

/* ---------------------------------------------------------------- tz_valid */

START_TEST(tz_valid_names)
{
	ck_assert_int_eq(sl_tz_valid("UTC"), 1);
	ck_assert_int_eq(sl_tz_valid("Z"), 1);
	ck_assert_int_eq(sl_tz_valid("America/New_York"), 1);
	ck_assert_int_eq(sl_tz_valid("Asia/Tokyo"), 1);
	ck_assert_int_eq(sl_tz_valid("Europe/Paris"), 1);
	ck_assert_int_eq(sl_tz_valid("Etc/GMT+5"), 1);
	ck_assert_int_eq(sl_tz_valid("Nowhere/Special"), 0);
	ck_assert_int_eq(sl_tz_valid("America/New York"), 0);
	ck_assert_int_eq(sl_tz_valid("/etc/passwd"), 0);
	ck_assert_int_eq(sl_tz_valid("../../../etc/passwd"), 0);
	ck_assert_int_eq(sl_tz_valid("America/../Asia/Tokyo"), 0);
}
END_TEST

/* Not every path under the zone database is a zone. */
START_TEST(tz_valid_not_a_zone)
{
	ck_assert_int_eq(sl_tz_valid(""), 0);
	ck_assert_int_eq(sl_tz_valid("America"), 0);	/* a folder */
	ck_assert_int_eq(sl_tz_valid("America/"), 0);
	ck_assert_int_eq(sl_tz_valid("zone.tab"), 0);	/* a table */
	ck_assert_int_eq(sl_tz_valid("iso3166.tab"), 0);
}
END_TEST

/*
 * Times outside years 0000-9999 are clamped to them, all the way to the
 * ends of long long (hostile-json: describe-sessions "StartDate": 1e300
 * reached sl_time_format() as LLONG_MIN, whose negation overflowed).
 */
START_TEST(format_clamps_to_four_digit_years)
{
	char out[25];

	sl_time_format(-62167219200000LL, out);
	ck_assert_str_eq(out, "0000-01-01T00:00:00.000Z");
	sl_time_format(-62167219200001LL, out);
	ck_assert_str_eq(out, "0000-01-01T00:00:00.000Z");
	sl_time_format(LLONG_MIN, out);
	ck_assert_str_eq(out, "0000-01-01T00:00:00.000Z");
	sl_time_format(253402300799999LL, out);
	ck_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
	sl_time_format(253402300800000LL, out);
	ck_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
	sl_time_format(LLONG_MAX, out);
	ck_assert_str_eq(out, "9999-12-31T23:59:59.999Z");
}
END_TEST

static Suite *
time_suite(void)
{
	Suite *s = suite_create("time");
	TCase *tc = tcase_create("time");

	tcase_add_test(tc, rfc3339_zones);
	tcase_add_test(tc, format_clamps_to_four_digit_years);
	tcase_add_test(tc, rfc3339_fractions);
	tcase_add_test(tc, rfc3339_space_separator);
	tcase_add_test(tc, rfc3339_dates);
	tcase_add_test(tc, rfc3339_rejects);
	tcase_add_test(tc, rfc3339_rejects_malformed_details);
	tcase_add_test(tc, rfc3339_length_bounds);
	tcase_add_test(tc, time_utc_zoneless);
	tcase_add_test(tc, format_values);
	tcase_add_test(tc, format_parse_round_trip);
	tcase_add_test(tc, local_utc);
	tcase_add_test(tc, local_new_york);
	tcase_add_test(tc, local_tokyo);
	tcase_add_test(tc, local_fraction_kept);
	tcase_add_test(tc, local_rejects);
	tcase_add_test(tc, local_restores_tz);
	tcase_add_test(tc, tz_valid_names);
	tcase_add_test(tc, tz_valid_not_a_zone);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(time_suite)
