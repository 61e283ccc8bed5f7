/*
 * test_run.c: the driver's accounting.  sl_reject counts the unit it
 * rejects, and every unit read ends in exactly one of written, merged,
 * skipped or rejected (records.md).
 */
#include <string.h>

#include "check_main.h"
#include "sl.h"
#include "base/base.h"

struct seen {
	long long notes, rejected_notes;
};

static int
put(void *arg, const struct sl_record *r)
{
	struct seen *s = arg;

	if (r->type == SL_NOTE) {
		s->notes++;
		if (strcmp(r->code, SL_NOTE_REJECTED) == 0)
			s->rejected_notes++;
	}
	return SL_OK;
}

static void
no_err(void *arg, const char *where, const char *msg)
{
	(void)where;
	(void)msg;
	(*(int *)arg)++;
}

static void
run_mem(const char *format, const char *text, struct sl_stats *st,
    struct seen *s, int *nerr)
{
	struct sl_opts o = { .format = format };
	struct sl_sink sink = { .put = put, .arg = s };
	struct sl_run *run;

	memset(s, 0, sizeof(*s));
	*nerr = 0;
	run = sl_run_new(&o, &sink, no_err, nerr);
	sl_run_mem(run, "t.jsonl", text, strlen(text));
	ck_assert_int_eq(sl_run_finish(run), SL_OK);
	sl_run_stats(run, st);
	sl_run_free(run);
}

static void
assert_identity(const struct sl_stats *st)
{
	ck_assert_int_eq(st->units, st->written + st->merged + st->skipped +
	    st->rejected);
}

START_TEST(reject_counts_its_unit)
{
	const char *text =
	    "{\"type\":\"line\",\"session\":\"a-1\",\"src\":\"x:1\","
	    "\"n\":1,\"text\":\"hi\"}\n"
	    "\n"
	    "{not json\n"
	    "{\"type\":\"line\"}\n";
	struct sl_stats st;
	struct seen s;
	int nerr;

	run_mem("records", text, &st, &s, &nerr);
	ck_assert_int_eq(st.units, 4);
	ck_assert_int_eq(st.written, 1);
	ck_assert_int_eq(st.skipped, 1);
	ck_assert_int_eq(st.rejected, 2);
	ck_assert_int_eq(s.rejected_notes, 2);
	ck_assert_int_eq(nerr, 2);
	assert_identity(&st);
}
END_TEST

/* A bad value inside an event that is used all the same: a message and
 * a note, but its unit is not rejected. */
START_TEST(bad_value_rejects_no_unit)
{
	const char *text =
	    "{\"events\":[{\"timestamp\":1714566600000,\"message\":"
	    "\"{\\\"eventVersion\\\":\\\"1.0\\\",\\\"eventTime\\\":"
	    "\\\"yesterday\\\",\\\"sessionId\\\":\\\"a-0123456789abcdef0\\\","
	    "\\\"sessionData\\\":[\\\"$ ls\\\"]}\"}]}\n";
	struct sl_stats st;
	struct seen s;
	int nerr;

	run_mem(NULL, text, &st, &s, &nerr);
	ck_assert_int_eq(st.rejected, 0);
	ck_assert_int_ge(s.rejected_notes, 1);
	ck_assert_int_ge(nerr, 1);
	assert_identity(&st);
}
END_TEST

/* Records whose session or src are not valid UTF-8, and line records. */
struct utf8_seen {
	int bad, lines;
};

static int
utf8_ok(const char *s)
{
	return s == NULL || sl_utf8_valid_prefix((const unsigned char *)s,
	    strlen(s)) == strlen(s);
}

static int
put_utf8(void *arg, const struct sl_record *r)
{
	struct utf8_seen *s = arg;

	s->lines += r->type == SL_LINE;
	s->bad += !utf8_ok(r->session) || !utf8_ok(r->src);
	return SL_OK;
}

/*
 * An input named in Latin-1: the sink gets src mended (as its JSON form
 * would write it) in every record, line records too, whose session and
 * src are checked once per session rather than per record (tty.c).
 */
START_TEST(name_not_utf8_is_mended)
{
	const char *text = "Script started on 2024-06-01 10:00:00+00:00\n"
	    "$ echo hi\r\r\nhi\r\r\n$ ls\r\r\na b\r\r\n\n"
	    "Script done on 2024-06-01 10:00:05+00:00\n";
	struct sl_opts o = { 0 };
	struct utf8_seen s = { 0, 0 };
	struct sl_sink sink = { .put = put_utf8, .arg = &s };
	struct sl_run *run;
	int nerr = 0;

	run = sl_run_new(&o, &sink, no_err, &nerr);
	sl_run_mem(run, "caf\351-s\377.log", text, strlen(text));
	ck_assert_int_eq(sl_run_finish(run), SL_OK);
	sl_run_free(run);
	ck_assert_int_eq(s.lines, 4);
	ck_assert_int_eq(s.bad, 0);
}
END_TEST

static Suite *
run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("accounting");

	tcase_add_test(tc, reject_counts_its_unit);
	tcase_add_test(tc, bad_value_rejects_no_unit);
	tcase_add_test(tc, name_not_utf8_is_mended);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(run_suite)
