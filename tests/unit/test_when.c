/*
 * test_when.c: placing a session in time (start, else end) and in a
 * window, with the reason it is left out (lib/core/sessions.c).
 */
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define T0	1717200000000LL		/* 2024-06-01T00:00:00Z */
#define DAY	86400000LL

START_TEST(when_start_first)
{
	long long ms = 0;

	ck_assert_int_eq(sl_when_times(T0, T0 + DAY, 0, &ms), SL_WHEN_START);
	ck_assert_int_eq(ms, T0);
}
END_TEST

START_TEST(when_end_without_start)
{
	long long ms = 0;

	/* An S3 typescript: only the trailer's time, at the session's end. */
	ck_assert_int_eq(sl_when_times(SL_TIME_UNKNOWN, T0 + DAY, 0, &ms),
	    SL_WHEN_END);
	ck_assert_int_eq(ms, T0 + DAY);
}
END_TEST

START_TEST(when_undated)
{
	long long ms = 0;

	ck_assert_int_eq(sl_when_times(SL_TIME_UNKNOWN, SL_TIME_UNKNOWN, 0,
	    &ms), SL_WHEN_NONE);
	ck_assert_int_eq(ms, SL_TIME_UNKNOWN);
	ck_assert_int_eq(sl_when_times(SL_TIME_UNKNOWN, SL_TIME_UNKNOWN, 1,
	    &ms), SL_WHEN_LOCAL);
	ck_assert_int_eq(ms, SL_TIME_UNKNOWN);
}
END_TEST

START_TEST(session_when_fields)
{
	const char *f[SL_F_COUNT];
	long long ms = 0;

	memset(f, 0, sizeof(f));
	f[SL_F_END] = "2024-06-02T00:00:00Z";
	ck_assert_int_eq(sl_session_when(f, &ms), SL_WHEN_END);
	ck_assert_int_eq(ms, T0 + DAY);
	f[SL_F_START] = "2024-06-01T00:00:00.000Z";
	ck_assert_int_eq(sl_session_when(f, &ms), SL_WHEN_START);
	ck_assert_int_eq(ms, T0);
	/* An unreadable start is no start: the end places it. */
	f[SL_F_START] = "yesterday";
	ck_assert_int_eq(sl_session_when(f, &ms), SL_WHEN_END);
	ck_assert_int_eq(ms, T0 + DAY);
	/* A Windows transcript read without --tz: zone-less times only. */
	memset(f, 0, sizeof(f));
	f[SL_F_START_LOCAL] = "20240601091500";
	ck_assert_int_eq(sl_session_when(f, &ms), SL_WHEN_LOCAL);
	memset(f, 0, sizeof(f));
	ck_assert_int_eq(sl_session_when(f, &ms), SL_WHEN_NONE);
}
END_TEST

START_TEST(window_bounds)
{
	struct sl_window w = { 1, 1, T0, T0 + DAY };

	ck_assert_int_eq(sl_window_place(&w, SL_WHEN_START, T0), SL_WIN_IN);
	ck_assert_int_eq(sl_window_place(&w, SL_WHEN_END, T0 + DAY - 1),
	    SL_WIN_IN);
	ck_assert_int_eq(sl_window_place(&w, SL_WHEN_START, T0 - 1),
	    SL_WIN_OUTSIDE);
	ck_assert_int_eq(sl_window_place(&w, SL_WHEN_END, T0 + DAY),
	    SL_WIN_OUTSIDE);
	w.has_until = 0;
	ck_assert_int_eq(sl_window_place(&w, SL_WHEN_END, T0 + 9 * DAY),
	    SL_WIN_IN);
}
END_TEST

START_TEST(window_undated)
{
	struct sl_window none = { 0, 0, 0, 0 }, since = { 1, 0, T0, 0 };

	/* No window: everything is in, dated or not. */
	ck_assert_int_eq(sl_window_place(&none, SL_WHEN_NONE,
	    SL_TIME_UNKNOWN), SL_WIN_IN);
	ck_assert_int_eq(sl_window_place(&since, SL_WHEN_NONE,
	    SL_TIME_UNKNOWN), SL_WIN_UNDATED);
	ck_assert_int_eq(sl_window_place(&since, SL_WHEN_LOCAL,
	    SL_TIME_UNKNOWN), SL_WIN_LOCAL_ONLY);
	ck_assert_ptr_null(sl_window_reason(SL_WIN_IN));
	ck_assert_str_eq(sl_window_reason(SL_WIN_OUTSIDE),
	    "outside the window");
	ck_assert_ptr_nonnull(strstr(sl_window_reason(SL_WIN_LOCAL_ONLY),
	    "--tz"));
}
END_TEST

static Suite *
when_suite(void)
{
	Suite *s = suite_create("when");
	TCase *tc = tcase_create("when");

	tcase_add_test(tc, when_start_first);
	tcase_add_test(tc, when_end_without_start);
	tcase_add_test(tc, when_undated);
	tcase_add_test(tc, session_when_fields);
	tcase_add_test(tc, window_bounds);
	tcase_add_test(tc, window_undated);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(when_suite)
