/*
 * test_select.c: the selection of every tool (lib/core/select.c): times of
 * --since/--until, the globs, and the filter on a record stream that
 * holds records until a session's facts are known.
 */
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define T0	1717200000000LL		/* 2024-06-01T00:00:00Z */
#define HOUR	3600000LL
#define DAY	86400000LL

START_TEST(time_forms)
{
	long long ms = 0;

	ck_assert_int_eq(sl_select_time("2024-06-01T00:00:00Z", 0, &ms), 0);
	ck_assert_int_eq(ms, T0);
	ck_assert_int_eq(sl_select_time("2024-06-01", 0, &ms), 0);
	ck_assert_int_eq(ms, T0);
	ck_assert_int_eq(sl_select_time("2024-06-01T02:00:00+02:00", 0, &ms),
	    0);
	ck_assert_int_eq(ms, T0);
	ck_assert_int_eq(sl_select_time("30d", T0, &ms), 0);
	ck_assert_int_eq(ms, T0 - 30 * DAY);
	ck_assert_int_eq(sl_select_time("12h", T0, &ms), 0);
	ck_assert_int_eq(ms, T0 - 12 * HOUR);
	ck_assert_int_eq(sl_select_time("2w", T0, &ms), 0);
	ck_assert_int_eq(ms, T0 - 14 * DAY);
	ck_assert_int_eq(sl_select_time("yesterday", T0, &ms), -1);
	ck_assert_int_eq(sl_select_time("30", T0, &ms), -1);
	ck_assert_int_eq(sl_select_time("d", T0, &ms), -1);
	ck_assert_int_eq(sl_select_time("30x", T0, &ms), -1);
	ck_assert_int_eq(sl_select_time("99999999999d", T0, &ms), -1);
}
END_TEST

static struct sl_select_facts
facts(const char *id, const char *owner, const char *target,
    enum sl_when when, long long ms)
{
	struct sl_select_facts f = { id, owner, NULL, NULL, target, when, ms };

	return f;
}

START_TEST(match_globs)
{
	struct sl_select_opts o = { 0 };
	struct sl_select_facts f = facts("ann-0a", "arn:aws:iam::1:user/ann",
	    "i-0abc", SL_WHEN_START, T0);

	ck_assert_int_eq(sl_select_active(&o), 0);
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	o.user_glob = "*/ann";
	ck_assert_int_eq(sl_select_active(&o), 1);
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	o.user_glob = "*/bob";
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
	/* principal and run_as count as the user too */
	f.principal = "bob";
	o.user_glob = "bob";
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	f.principal = NULL;
	f.run_as = "bob";
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	o.user_glob = NULL;
	o.target_glob = "i-0*";
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	o.target_glob = "mi-*";
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
	o.target_glob = NULL;
	o.id_glob = "ann-*";
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	o.id_glob = "bob-*";
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
	/* an unknown field never matches */
	o.id_glob = NULL;
	o.target_glob = "*";
	f.target = NULL;
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
}
END_TEST

START_TEST(match_window)
{
	struct sl_select_opts o = { 1, 1, T0, T0 + DAY, NULL, NULL, NULL };
	struct sl_select_facts f = facts("s", NULL, NULL, SL_WHEN_START, T0);

	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	f.when_ms = T0 + DAY;		/* until is exclusive */
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
	f.when_ms = T0 - 1;
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
	/* placed by its end when the start is unknown */
	f.when = SL_WHEN_END;
	f.when_ms = T0 + HOUR;
	ck_assert_int_eq(sl_select_match(&o, &f), 1);
	f.when = SL_WHEN_NONE;
	f.when_ms = SL_TIME_UNKNOWN;
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
	f.when = SL_WHEN_LOCAL;
	ck_assert_int_eq(sl_select_match(&o, &f), 0);
}
END_TEST

/* ------------------------------------------------------------- filter */

struct got {
	struct sl_buf b;
};

static int
collect(void *arg, const struct sl_record *r)
{
	struct got *g = arg;

	sl_record_to_json(&g->b, r);
	return SL_OK;
}

/* Run in through a filter with o; the records that come out, as JSON. */
static char *
filter(const struct sl_select_opts *o, const char *in, long long *kept,
    long long *left)
{
	static struct got g;
	struct sl_sink down = { collect, &g, SL_WANT_RAW };
	struct sl_sink sink;
	struct sl_select *sel;
	struct sl_run *run;
	struct sl_error err;

	sl_buf_init(&g.b);
	sel = sl_select_new(o, &down, NULL, &err);
	ck_assert_ptr_nonnull(sel);
	sl_select_sink(sel, &sink);
	ck_assert_uint_eq(sink.want, SL_WANT_RAW);
	run = sl_run_new(NULL, &sink, NULL, NULL);
	sl_run_mem(run, "in.jsonl", in, strlen(in));
	sl_run_free(run);
	ck_assert_int_eq(sl_select_finish(sel, &err), SL_OK);
	sl_select_counts(sel, kept, left);
	sl_select_free(sel);
	return g.b.buf;
}

#define SESS(id, extra) "{\"type\":\"session\",\"session\":\"" id "\"," \
	extra "\"origin\":\"typescript\",\"src\":\"x\"}\n"
#define LINE(id, n, text) "{\"type\":\"line\",\"session\":\"" id "\"," \
	"\"n\":" #n ",\"text\":\"" text "\",\"src\":\"x\"}\n"
#define SKIP "{\"type\":\"note\",\"session\":null,\"code\":\"skipped\"," \
	"\"text\":\"2 CloudTrail events of other APIs ignored\",\"count\":2," \
	"\"src\":\"t\"}\n"

/*
 * ann's end time comes only after her lines (a typescript trailer), and
 * bob's records are interleaved with hers: the filter waits for the end
 * of input, keeps ann's records in their order and bob's out, and keeps
 * the note about no session.
 */
START_TEST(filter_waits_for_late_facts)
{
	static const char in[] =
	    SESS("ann-1", "\"principal\":\"ann\",")
	    LINE("ann-1", 1, "$ id")
	    SESS("bob-2", "\"principal\":\"bob\",")
	    LINE("bob-2", 1, "$ ls")
	    SKIP
	    LINE("ann-1", 2, "uid=0")
	    SESS("ann-1", "\"end\":\"2024-06-01T10:00:00.000Z\","
		"\"end_src\":\"typescript-trailer\",")
	    SESS("bob-2", "\"end\":\"2024-07-01T10:00:00.000Z\","
		"\"end_src\":\"typescript-trailer\",");
	struct sl_select_opts o = { 1, 1, T0, T0 + DAY, NULL, NULL, NULL };
	long long kept, left;
	char *got = filter(&o, in, &kept, &left);

	ck_assert_str_eq(got,
	    SESS("ann-1", "\"principal\":\"ann\",")
	    LINE("ann-1", 1, "$ id")
	    SKIP
	    LINE("ann-1", 2, "uid=0")
	    SESS("ann-1", "\"end\":\"2024-06-01T10:00:00.000Z\","
		"\"end_src\":\"typescript-trailer\","));
	ck_assert_int_eq(kept, 1);
	ck_assert_int_eq(left, 1);
	free(got);
}
END_TEST

/* Only --id: decided per record, nothing held. */
START_TEST(filter_by_id_streams)
{
	static const char in[] =
	    SESS("ann-1", "\"principal\":\"ann\",")
	    LINE("ann-1", 1, "$ id")
	    SESS("bob-2", "\"principal\":\"bob\",")
	    LINE("bob-2", 1, "$ ls")
	    "{\"type\":\"note\",\"session\":null,\"code\":\"full-screen\","
	    "\"text\":\"full-screen program (less)\",\"src\":\"y\"}\n";
	struct sl_select_opts o = { 0 };
	long long kept, left;
	char *got;

	o.id_glob = "bob-*";
	got = filter(&o, in, &kept, &left);
	/* A note of the unknown session is no problem report: it goes. */
	ck_assert_str_eq(got, SESS("bob-2", "\"principal\":\"bob\",")
	    LINE("bob-2", 1, "$ ls"));
	ck_assert_int_eq(kept, 1);
	ck_assert_int_eq(left, 1);
	free(got);
}
END_TEST

/* The metadata that names the user may come from another input, later. */
START_TEST(filter_user_from_later_metadata)
{
	static const char in[] =
	    LINE("cid-3", 1, "$ whoami")
	    LINE("dan-4", 1, "$ whoami")
	    "{\"type\":\"session\",\"session\":\"cid-3\",\"owner\":"
	    "\"arn:aws:iam::1:user/cid\",\"origin\":\"cloudtrail\","
	    "\"src\":\"t#1\"}\n";
	struct sl_select_opts o = { 0 };
	long long kept, left;
	char *got;

	o.user_glob = "*:user/cid";
	got = filter(&o, in, &kept, &left);
	ck_assert_str_eq(got, LINE("cid-3", 1, "$ whoami")
	    "{\"type\":\"session\",\"session\":\"cid-3\",\"owner\":"
	    "\"arn:aws:iam::1:user/cid\",\"origin\":\"cloudtrail\","
	    "\"src\":\"t#1\"}\n");
	ck_assert_int_eq(kept, 1);
	ck_assert_int_eq(left, 1);
	free(got);
}
END_TEST

static Suite *
select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, time_forms);
	tcase_add_test(tc, match_globs);
	tcase_add_test(tc, match_window);
	tcase_add_test(tc, filter_waits_for_late_facts);
	tcase_add_test(tc, filter_by_id_streams);
	tcase_add_test(tc, filter_user_from_later_metadata);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(select_suite)
