/*
 * test_report.c: the report model (lib/report*.c): records in, the JSON
 * report out, read back with jansson and checked field by field; the
 * choice of transcript, times, kinds, filters, the state round trip, and
 * time arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check_main.h"
#include "internal.h"

/* From lib/report/report.h, whose renderer names this file's helpers share. */
void report_user_label(const char *u, int max, struct sl_buf *out);
void report_cmd_oneline(const char *s, size_t n, struct sl_buf *out);
void report_set_cmd_budget(struct sl_report *rep, size_t bytes);

static struct sl_record
sess(const char *sid, const char *origin, const char *src)
{
	struct sl_record r;

	sl_record_init(&r, SL_SESSION, sid, src);
	r.f[SL_F_ORIGIN] = origin;
	return r;
}

static void
line(struct sl_report *rep, const char *sid, const char *src, long long n,
    const char *text, size_t plen, int cont, const char *time)
{
	struct sl_record r;

	sl_record_init(&r, SL_LINE, sid, src);
	r.n = n;
	r.text = text;
	r.len = strlen(text);
	r.has_prompt = plen > 0;
	r.prompt_len = plen;
	r.cont = cont;
	r.time = time;
	ck_assert_int_eq(sl_report_put(rep, &r), SL_OK);
}

static void
note(struct sl_report *rep, const char *sid, const char *src,
    const char *code)
{
	struct sl_record r;

	sl_record_init(&r, SL_NOTE, sid, src);
	r.code = code;
	r.text = "a note";
	r.len = 6;
	ck_assert_int_eq(sl_report_put(rep, &r), SL_OK);
}

/* What was written to f, as a string. */
static char *
slurp(FILE *f)
{
	long n;
	char *s;

	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = sl_xmalloc((size_t)n + 1);
	ck_assert_int_eq((long)fread(s, 1, (size_t)n, f), n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Render rep as type into memory (through a pipe-less temp file). */
static char *
render(struct sl_report *rep, enum sl_report_type type)
{
	FILE *f = tmpfile();
	struct sl_out *o;

	ck_assert_ptr_nonnull(f);
	o = sl_out_fd(dup(fileno(f)), "tmp", 0);
	ck_assert_int_eq(sl_report_write(rep, type, o), SL_OK);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_OK);
	return slurp(f);
}

static json_t *
report_json(struct sl_report *rep)
{
	char *s = render(rep, SL_REPORT_JSON);
	json_error_t e;
	json_t *j = json_loads(s, 0, &e);

	ck_assert_msg(j != NULL, "report is not JSON: %s", e.text);
	free(s);
	return j;
}

static json_t *
session_of(json_t *rep, const char *sid)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(rep, "sessions"), i, s) {
		json_t *id = json_object_get(s, "session");

		if ((sid == NULL && json_is_null(id)) || (sid != NULL &&
		    json_is_string(id) && strcmp(json_string_value(id), sid) == 0))
			return s;
	}
	ck_abort_msg("no session %s", sid ? sid : "null");
	return NULL;
}

static const char *
str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	ck_assert_msg(v != NULL, "no key %s", k);
	return json_is_null(v) ? NULL : json_string_value(v);
}

static long long
num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	ck_assert_msg(json_is_integer(v), "%s is not an integer", k);
	return json_integer_value(v);
}

#define STR_EQ(o, k, want) do {						\
	const char *got_ = str((o), (k));				\
	const char *want_ = (want);					\
	if (want_ == NULL)						\
		ck_assert_msg(got_ == NULL, "%s: got %s, want null", (k), got_); \
	else								\
		ck_assert_msg(got_ != NULL && strcmp(got_, want_) == 0,	\
		    "%s: got %s, want %s", (k), got_ ? got_ : "null", want_); \
} while (0)

START_TEST(merge_by_rank_and_times)
{
	struct sl_report *rep = sl_report_new(NULL);
	struct sl_record r;
	json_t *j, *s;

	/* A transcript first, then CloudTrail, then describe-sessions. */
	r = sess("al-01", "typescript", "al-01.log:1");
	r.f[SL_F_PRINCIPAL] = "al";
	r.f[SL_F_TARGET] = "i-from-transcript";
	r.f[SL_F_END] = "2024-01-01T10:30:01.000Z";
	r.f[SL_F_END_SRC] = "typescript-trailer";
	sl_report_put(rep, &r);
	r = sess("al-01", "cloudtrail", "ct#1");
	r.f[SL_F_OWNER] = "arn:aws:iam::1:user/al";
	r.f[SL_F_TARGET] = "i-0001";
	r.f[SL_F_START] = "2024-01-01T10:00:00.000Z";
	r.f[SL_F_START_SRC] = "cloudtrail";
	sl_report_put(rep, &r);
	r = sess("al-01", "describe-sessions", "ds#1");
	r.f[SL_F_END] = "2024-01-01T10:30:00.500Z";
	r.f[SL_F_END_SRC] = "describe-sessions";
	sl_report_put(rep, &r);
	line(rep, "al-01", "al-01.log:2", 1, "$ id", 2, 0, NULL);
	line(rep, "al-01", "al-01.log:3", 2, "uid=0", 0, 0, NULL);
	line(rep, "al-01", "al-01.log:4", 3, "$ ", 2, 0, NULL);
	j = report_json(rep);
	s = session_of(j, "al-01");
	STR_EQ(s, "owner", "arn:aws:iam::1:user/al");
	STR_EQ(s, "user", "arn:aws:iam::1:user/al");
	STR_EQ(s, "principal", "al");
	STR_EQ(s, "target", "i-0001");
	STR_EQ(s, "kind", "shell");
	STR_EQ(s, "start", "2024-01-01T10:00:00.000Z");
	STR_EQ(s, "start_src", "cloudtrail");
	STR_EQ(s, "end", "2024-01-01T10:30:00.500Z");
	STR_EQ(s, "end_src", "describe-sessions");
	ck_assert(json_real_value(json_object_get(s, "duration_s")) == 1800.5);
	ck_assert_int_eq(num(s, "commands"), 1);	/* a bare prompt is none */
	ck_assert_int_eq(num(s, "lines"), 3);
	ck_assert(json_is_true(json_object_get(s, "transcript")));
	STR_EQ(json_array_get(json_object_get(s, "cmd_list"), 0), "cmd", "id");
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

START_TEST(line_times_and_continuations)
{
	struct sl_report *rep = sl_report_new(NULL);
	json_t *j, *s, *c;

	line(rep, "bo-02", "x.jsonl:1", 1, "PS C:\\> Get-Item `", 8, 0,
	    "2024-02-01T08:00:01.000Z");
	line(rep, "bo-02", "x.jsonl:2", 2, ">> -Path C:\\x", 3, 1,
	    "2024-02-01T08:00:02.000Z");
	line(rep, "bo-02", "x.jsonl:3", 3, "out", 0, 0,
	    "2024-02-01T08:05:00.250Z");
	j = report_json(rep);
	s = session_of(j, "bo-02");
	STR_EQ(s, "start", "2024-02-01T08:00:01.000Z");
	STR_EQ(s, "start_src", "transcript-first-line");
	STR_EQ(s, "end", "2024-02-01T08:05:00.250Z");
	STR_EQ(s, "end_src", "transcript-last-line");
	STR_EQ(s, "principal", "bo");
	STR_EQ(s, "user", "bo");
	ck_assert_int_eq(num(s, "commands"), 1);
	c = json_array_get(json_object_get(s, "cmd_list"), 0);
	STR_EQ(c, "cmd", "Get-Item `\n-Path C:\\x");
	STR_EQ(c, "time", "2024-02-01T08:00:01.000Z");
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

START_TEST(most_lines_wins_then_times)
{
	struct sl_report *rep = sl_report_new(NULL);
	json_t *j, *s, *n;

	/* S3 log: 2 lines; export in two chunk files: 3 lines, timed. */
	line(rep, "cy-03", "s3/cy-03.log:2", 1, "$ a", 2, 0, NULL);
	line(rep, "cy-03", "s3/cy-03.log:3", 2, "$ b", 2, 0, NULL);
	note(rep, "cy-03", "s3/cy-03.log:3", SL_NOTE_TRUNCATED);
	line(rep, "cy-03", "exp/cy-03/000000.gz:1", 1, "$ a", 2, 0,
	    "2024-03-01T00:00:00.000Z");
	line(rep, "cy-03", "exp/cy-03/000001.gz:1", 2, "$ b", 2, 0,
	    "2024-03-01T00:00:01.000Z");
	line(rep, "cy-03", "exp/cy-03/000001.gz:2", 3, "$ c", 2, 0,
	    "2024-03-01T00:00:02.000Z");
	/* Same lines, untimed, under another name: the timed one wins. */
	line(rep, "dd-04", "b.log:1", 1, "$ x", 2, 0, NULL);
	line(rep, "dd-04", "a.log:1", 1, "$ x", 2, 0,
	    "2024-03-02T00:00:00.000Z");
	j = report_json(rep);
	s = session_of(j, "cy-03");
	STR_EQ(s, "transcript_src", "exp/cy-03/");
	ck_assert_int_eq(num(s, "commands"), 3);
	ck_assert_int_eq(num(s, "transcripts"), 2);
	ck_assert_int_eq(json_array_size(json_object_get(s, "notes")), 1);
	n = json_array_get(json_object_get(s, "notes"), 0);
	STR_EQ(n, "code", "duplicate");	/* the loser's truncated is gone */
	s = session_of(j, "dd-04");
	STR_EQ(s, "transcript_src", "a.log");
	ck_assert_int_eq(num(json_object_get(j, "general"),
	    "duplicate_transcripts"), 2);
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

START_TEST(no_transcript_kinds)
{
	struct sl_report *rep = sl_report_new(NULL);
	struct sl_record r;
	json_t *j, *s;

	r = sess("pf-05", "cloudtrail", "ct#2");
	r.f[SL_F_DOCUMENT] = "AWS-StartPortForwardingSessionToRemoteHost";
	r.f[SL_F_START] = "2024-04-01T00:00:00.000Z";
	r.f[SL_F_START_SRC] = "cloudtrail";
	sl_report_put(rep, &r);
	r = sess("sh-06", "cloudtrail", "ct#3");
	sl_report_put(rep, &r);
	j = report_json(rep);
	s = session_of(j, "pf-05");
	STR_EQ(s, "kind", "port-forwarding");
	ck_assert(json_is_false(json_object_get(s, "transcript")));
	ck_assert(json_is_null(json_object_get(s, "duration_s")));
	STR_EQ(json_array_get(json_object_get(s, "notes"), 0), "code",
	    "no-transcript");
	s = session_of(j, "sh-06");
	ck_assert(json_is_null(json_object_get(s, "kind")));
	ck_assert_int_eq(json_array_size(json_object_get(s, "notes")), 0);
	/* Unknown start sorts last. */
	STR_EQ(json_array_get(json_object_get(j, "sessions"), 1), "session",
	    "sh-06");
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

START_TEST(filters_and_window)
{
	struct sl_report_opts o;
	struct sl_report *rep;
	struct sl_record r;
	json_t *j, *g;

	memset(&o, 0, sizeof(o));
	o.user_glob = "*user/e*";
	o.has_since = 1;
	ck_assert_int_eq(sl_report_time("2024-05-01", 0, &o.since), 0);
	rep = sl_report_new(&o);
	r = sess("e1-07", "cloudtrail", "ct#1");
	r.f[SL_F_OWNER] = "arn:aws:iam::1:user/eve";
	r.f[SL_F_START] = "2024-05-01T00:00:00.000Z";
	r.f[SL_F_START_SRC] = "cloudtrail";
	sl_report_put(rep, &r);
	r.session = "e2-08";
	r.f[SL_F_START] = "2024-04-30T23:59:59.999Z";
	sl_report_put(rep, &r);
	r.session = "e3-09";
	r.f[SL_F_START] = NULL;
	sl_report_put(rep, &r);
	/* No start: an S3 typescript's trailer places it by its end. */
	r.session = "e5-11";
	r.f[SL_F_END] = "2024-05-03T00:00:00.000Z";
	r.f[SL_F_END_SRC] = "typescript-trailer";
	sl_report_put(rep, &r);
	r.f[SL_F_END] = NULL;
	r.f[SL_F_END_SRC] = NULL;
	r.session = "f4-10";
	r.f[SL_F_OWNER] = "arn:aws:iam::1:user/fay";
	r.f[SL_F_START] = "2024-05-02T00:00:00.000Z";
	sl_report_put(rep, &r);
	j = report_json(rep);
	g = json_object_get(j, "general");
	ck_assert_int_eq(num(g, "sessions"), 2);
	ck_assert_int_eq(num(g, "filtered_out"), 1);
	ck_assert_int_eq(num(g, "left_out_outside_window"), 1);
	ck_assert_int_eq(num(g, "left_out_undated"), 1);
	ck_assert_int_eq(num(g, "sessions_placed_by_end"), 1);
	STR_EQ(g, "since", "2024-05-01T00:00:00.000Z");
	STR_EQ(json_array_get(json_object_get(j, "sessions"), 0), "session",
	    "e1-07");
	STR_EQ(json_array_get(json_object_get(j, "sessions"), 1), "placed_by",
	    "end");
	ck_assert_str_eq(sl_report_left_out(rep), "3 sessions left out: 1 by "
	    "--user, --target or --id, 1 outside the window, 1 without a start or "
	    "end time");
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

/* Session of user and target (either NULL), started at start (or NULL). */
static void
put_owned(struct sl_report *rep, const char *sid, const char *user,
    const char *target, const char *start)
{
	struct sl_record r = sess(sid, "cloudtrail", "ct#1");

	r.f[SL_F_OWNER] = user;
	r.f[SL_F_TARGET] = target;
	r.f[SL_F_START] = start;
	r.f[SL_F_START_SRC] = start != NULL ? "cloudtrail" : NULL;
	ck_assert_int_eq(sl_report_put(rep, &r), SL_OK);
}

/* The group of key k (NULL: the unknown one) in list, with n sessions
 * and d distinct others under dname. */
static void
group_is(json_t *j, const char *list, const char *kname, const char *k,
    long long n, const char *dname, long long d)
{
	json_t *g;
	size_t i;

	json_array_foreach(json_object_get(j, list), i, g) {
		const char *key = str(g, kname);

		if (k == NULL ? key != NULL : key == NULL || strcmp(key, k) != 0)
			continue;
		ck_assert_msg(num(g, "sessions") == n, "%s %s: %lld sessions",
		    list, k ? k : "null", num(g, "sessions"));
		ck_assert_msg(num(g, dname) == d, "%s %s: %lld %s", list,
		    k ? k : "null", num(g, dname), dname);
		return;
	}
	ck_abort_msg("no %s %s", list, k ? k : "null");
}

/*
 * Users, targets and days: every session in its group, the unknown user
 * and target groups of their own, no day for a session without a start,
 * and the distinct others counted once each, never the unknown one.
 */
START_TEST(groups_and_distinct)
{
	struct sl_report *rep = sl_report_new(NULL);
	const char *d1 = "2024-05-01T09:00:00.000Z";
	const char *d2 = "2024-05-02T09:00:00.000Z";
	json_t *j, *g;

	put_owned(rep, "s1", "ann", "i-1", d1);
	put_owned(rep, "s2", "ann", "i-2", d1);
	put_owned(rep, "s3", "ann", "i-1", d2);
	put_owned(rep, "s4", "bob", "i-1", d2);
	put_owned(rep, "s5", NULL, "i-1", NULL);
	put_owned(rep, "s6", "bob", NULL, d2);
	put_owned(rep, "s7", NULL, NULL, NULL);
	j = report_json(rep);
	g = json_object_get(j, "general");
	ck_assert_int_eq(num(g, "users"), 2);
	ck_assert_int_eq(num(g, "targets"), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "users")), 3);
	group_is(j, "users", "user", "ann", 3, "targets", 2);
	group_is(j, "users", "user", "bob", 2, "targets", 1);
	group_is(j, "users", "user", NULL, 2, "targets", 1);
	STR_EQ(json_array_get(json_object_get(j, "users"), 0), "user", "ann");
	ck_assert_uint_eq(json_array_size(json_object_get(j, "targets")), 3);
	group_is(j, "targets", "target", "i-1", 4, "users", 2);
	group_is(j, "targets", "target", "i-2", 1, "users", 1);
	group_is(j, "targets", "target", NULL, 2, "users", 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "days")), 2);
	group_is(j, "days", "day", "2024-05-01", 2, "users", 1);
	group_is(j, "days", "day", "2024-05-02", 3, "users", 2);
	STR_EQ(json_array_get(json_object_get(j, "days"), 1), "first_start",
	    d2);
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

static void
feed_all(struct sl_report *rep, int part)
{
	struct sl_record r;

	if (part == 0 || part == 1) {
		r = sess("gg-11", "cw-stream", "e/gg-11/000000.gz:1");
		r.f[SL_F_START] = "2024-06-01T00:00:01.000Z";
		r.f[SL_F_START_SRC] = "stream-first-event";
		r.f[SL_F_TARGET] = "i-stream";
		sl_report_put(rep, &r);
		line(rep, "gg-11", "e/gg-11/000000.gz:1", 1, "$ for x in 1 2; do",
		    2, 0, "2024-06-01T00:00:01.000Z");
	}
	if (part == 0 || part == 2) {
		line(rep, "gg-11", "e/gg-11/000001.gz:1", 2, "> echo $x; done",
		    2, 1, "2024-06-01T00:00:02.000Z");
		r = sess("gg-11", "describe-sessions", "ds#1");
		r.f[SL_F_START] = "2024-06-01T00:00:00.000Z";
		r.f[SL_F_START_SRC] = "describe-sessions";
		r.f[SL_F_OWNER] = "arn:aws:iam::1:user/gg";
		sl_report_put(rep, &r);
		note(rep, NULL, "bad.jsonl:3", SL_NOTE_REJECTED);
	}
}

/* Map each part to a state, reduce: the same report as one run. */
START_TEST(state_round_trip)
{
	struct sl_report_opts o;
	struct sl_report *one, *a, *b, *m;
	struct sl_error err;
	char path[2][64], *want, *got;
	int i;

	memset(&o, 0, sizeof(o));
	o.keep_state = 1;
	one = sl_report_new(NULL);
	feed_all(one, 0);
	want = render(one, SL_REPORT_JSON);
	a = sl_report_new(&o);
	b = sl_report_new(&o);
	feed_all(a, 1);
	feed_all(b, 2);
	for (i = 0; i < 2; i++) {
		struct sl_out *out;
		int fd;

		snprintf(path[i], sizeof(path[i]), "/tmp/sl-test-state-XXXXXX");
		fd = mkstemp(path[i]);
		ck_assert_int_ge(fd, 0);
		out = sl_out_fd(fd, path[i], 0);
		ck_assert_int_eq(sl_report_save(i == 0 ? a : b, out), SL_OK);
		ck_assert_int_eq(sl_out_close(out, NULL), SL_OK);
		ck_assert(sl_report_is_state(path[i]));
	}
	m = sl_report_new(NULL);
	for (i = 0; i < 2; i++)
		ck_assert_msg(sl_report_load(m, path[i], &err) == SL_OK,
		    "%s", err.msg);
	got = render(m, SL_REPORT_JSON);
	ck_assert_str_eq(got, want);
	ck_assert(strstr(got, "for x in 1 2; do\\necho $x; done") != NULL);
	for (i = 0; i < 2; i++)
		unlink(path[i]);
	free(want);
	free(got);
	sl_report_free(one);
	sl_report_free(a);
	sl_report_free(b);
	sl_report_free(m);
}
END_TEST

START_TEST(state_refused)
{
	static const char *const bad[] = {
		"{\"sl_report_state\":2,\"inputs\":[]}\n",
		"{\"sl_report_state\":1,\"inputs\":[],\"stats\":{}}\n",
		"{\"sl_report_state\":1,\"inputs\":[],\"stats\":{\"inputs\":0,"
		    "\"bytes\":0,\"units\":0,\"written\":0,\"merged\":0,"
		    "\"skipped\":0,\"rejected\":0,\"records\":0},\"notes\":[]}\n"
		    "{\"session\":\"x-1\",\"fields\":[{\"rank\":0,"
		    "\"origin\":\"typescript\",\"extra\":[]}],\"times\":[],"
		    "\"sources\":[]}\n",
		"{\"sl_report_state\":1\n",
	};
	struct sl_error err;
	char path[] = "/tmp/sl-test-bad-XXXXXX";
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sl_report *rep = sl_report_new(NULL);
		FILE *f;
		int fd = mkstemp(path);

		ck_assert_int_ge(fd, 0);
		f = fdopen(fd, "w");
		fputs(bad[i], f);
		fclose(f);
		err.msg[0] = '\0';
		ck_assert_int_eq(sl_report_load(rep, path, &err),
		    SL_FATAL);
		ck_assert_msg(strstr(err.msg, path) != NULL, "no position: %s",
		    err.msg);
		unlink(path);
		strcpy(path, "/tmp/sl-test-bad-XXXXXX");
		sl_report_free(rep);
	}
}
END_TEST

START_TEST(time_arguments)
{
	long long ms;
	const long long now = 1717200000000LL;	/* 2024-06-01T00:00:00Z */

	ck_assert_int_eq(sl_report_time("2024-06-01T00:00:00Z", now, &ms), 0);
	ck_assert_int_eq(ms, now);
	ck_assert_int_eq(sl_report_time("2024-06-01T02:00:00+02:00", now,
	    &ms), 0);
	ck_assert_int_eq(ms, now);
	ck_assert_int_eq(sl_report_time("2024-06-01", now, &ms), 0);
	ck_assert_int_eq(ms, now);
	ck_assert_int_eq(sl_report_time("30d", now, &ms), 0);
	ck_assert_int_eq(ms, now - 30 * 86400000LL);
	ck_assert_int_eq(sl_report_time("12h", now, &ms), 0);
	ck_assert_int_eq(ms, now - 12 * 3600000LL);
	ck_assert_int_eq(sl_report_time("90m", now, &ms), 0);
	ck_assert_int_eq(ms, now - 90 * 60000LL);
	ck_assert_int_eq(sl_report_time("2w", now, &ms), 0);
	ck_assert_int_eq(ms, now - 14 * 86400000LL);
	ck_assert_int_eq(sl_report_time("", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("d", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("30", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("30x", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("30dd", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("99999999999999d", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("2024-02-30", now, &ms), -1);
	ck_assert_int_eq(sl_report_time("yesterday", now, &ms), -1);
}
END_TEST

START_TEST(types_and_escaping)
{
	struct sl_report *rep = sl_report_new(NULL);
	struct sl_record r;
	char *s;

	ck_assert_int_eq(sl_report_type_lookup("html"), SL_REPORT_HTML);
	ck_assert_int_eq(sl_report_type_lookup("markdown"), SL_REPORT_MD);
	ck_assert_int_eq(sl_report_type_lookup("pdf"), -1);
	r = sess("x-12", "cloudtrail", "ct#1");
	r.f[SL_F_TARGET] = "<svg/onload=alert(1)>";
	sl_report_put(rep, &r);
	line(rep, "x-12", "x:1", 1, "$ =1+1 \"</script>", 2, 0, NULL);
	s = render(rep, SL_REPORT_HTML);
	ck_assert_ptr_null(strstr(s, "<svg/onload"));
	ck_assert_ptr_nonnull(strstr(s, "&lt;svg/onload=alert(1)&gt;"));
	ck_assert_ptr_nonnull(strstr(s, "=1+1 &quot;&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(s, "script-src 'sha256-"));
	free(s);
	s = render(rep, SL_REPORT_CSV);
	ck_assert_ptr_nonnull(strstr(s, ",\"'=1+1 \"\"</script>\",,,\r\n"));
	free(s);
	sl_report_free(rep);
}
END_TEST

/* Names keep their end: the role-session name tells people apart. */
START_TEST(user_labels)
{
	struct sl_buf b;
	const char *sso = "arn:aws:sts::1:assumed-role/"
	    "AWSReservedSSO_AdministratorAccess_0123456789abcdef/"
	    "alice@example.com";

	sl_buf_init(&b);
	report_user_label(sso, 44, &b);
	ck_assert_str_eq(b.buf, "assumed-role/AWSReservedS\xe2\x80\xa6"
	    "/alice@example.com");
	report_user_label("arn:aws:iam::1:user/bob", 44, &b);
	ck_assert_str_eq(b.buf, "user/bob");
	report_user_label(sso, 20, &b);		/* the end, as far as it fits */
	ck_assert_str_eq(b.buf, "\xe2\x80\xa6" "f/alice@example.com");
	/* Wide characters count two columns: 11 do not fit in 10; then
	 * 4 + ellipsis + 5. */
	report_user_label("\xe9\x99\x88\xe4\xbc\x9f\xe9\x99\x88/"
	    "\xe5\xbc\xa0\xe4\xbc\x9f", 10, &b);
	ck_assert_str_eq(b.buf, "\xe9\x99\x88\xe4\xbc\x9f"
	    "\xe2\x80\xa6/\xe5\xbc\xa0\xe4\xbc\x9f");
	report_cmd_oneline("for x\ndo y\ndone", 15, &b);
	ck_assert_str_eq(b.buf, "for x \xe2\x86\xb5 do y \xe2\x86\xb5 done");
	sl_buf_free(&b);
}
END_TEST

/* --commands: every command in time order; untimed ones stay in place. */
START_TEST(command_timeline)
{
	struct sl_report_opts o = { 0 };
	struct sl_report *rep;
	struct sl_record r;
	json_t *j, *b;
	char *s;

	o.commands = 1;
	rep = sl_report_new(&o);
	r = sess("a-1", "cloudtrail", "ct#1");
	r.f[SL_F_START] = "2024-06-01T10:00:00.000Z";
	r.f[SL_F_START_SRC] = "cloudtrail";
	sl_report_put(rep, &r);
	line(rep, "a-1", "a:1", 1, "$ first", 2, 0,
	    "2024-06-01T10:00:01.000Z");
	line(rep, "a-1", "a:2", 2, "$ third", 2, 0,
	    "2024-06-01T10:00:03.000Z");
	line(rep, "a-1", "a:3", 3, "$ fourth", 2, 0, NULL);
	line(rep, "b-2", "b:1", 1, "$ second", 2, 0,
	    "2024-06-01T10:00:02.000Z");
	line(rep, "c-3", "c:1", 1, "$ last", 2, 0, NULL);
	/* Typed, then Ctrl-C: in the timeline, flagged, not a command run. */
	sl_record_init(&r, SL_LINE, "b-2", "b:2");
	r.n = 2;
	r.text = "$ rm -r /";
	r.len = strlen(r.text);
	r.has_prompt = 1;
	r.prompt_len = 2;
	r.cancelled = 1;
	r.time = "2024-06-01T10:00:02.500Z";
	sl_report_put(rep, &r);
	s = render(rep, SL_REPORT_CSV);
	ck_assert_str_eq(s, "time,user,target,host,session,flags,command\r\n"
	    "2024-06-01T10:00:01.000Z,a,,,a-1,,first\r\n"
	    "2024-06-01T10:00:02.000Z,b,,,b-2,,second\r\n"
	    "2024-06-01T10:00:02.500Z,b,,,b-2,cancelled,rm -r /\r\n"
	    "2024-06-01T10:00:03.000Z,a,,,a-1,,third\r\n"
	    ",a,,,a-1,,fourth\r\n"
	    ",c,,,c-3,,last\r\n");
	free(s);
	s = render(rep, SL_REPORT_JSON);
	ck_assert_ptr_nonnull(strstr(s, "\"session\": \"b-2\", \"flags\": "
	    "[\"cancelled\"], \"cmd\": \"rm -r /\"}"));
	free(s);
	/* b-2 ran one command: the cancelled one is not in its list. */
	j = report_json(rep);
	b = session_of(j, "b-2");
	ck_assert_int_eq(json_integer_value(json_object_get(b, "commands")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(b, "cmd_list")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(j, "commands")), 6);
	json_decref(j);
	sl_report_free(rep);
}
END_TEST

/*
 * Many commands of interleaved sessions, continuations and cancelled ones
 * among them, with a budget so small that the store writes commands out
 * all the time: every output, the timeline and the saved state are the
 * same as with every command in memory.
 */
static void
feed_many(struct sl_report *rep)
{
	struct sl_record r;
	char sid[32], src[32], text[64], tm[32];
	int k, i;

	for (k = 0; k < 40; k++)
		for (i = 0; i < 30; i++) {
			snprintf(sid, sizeof(sid), "u%02d-%017d", i, i);
			snprintf(src, sizeof(src), "s%02d.log:%d", i, k + 1);
			snprintf(text, sizeof(text), "%s cmd %d of %d",
			    k % 7 == 3 ? ">" : "$", k, i);
			snprintf(tm, sizeof(tm), "2024-06-01T10:%02d:%02d.000Z",
			    k, i);
			sl_record_init(&r, SL_LINE, sid, src);
			r.n = k + 1;
			r.text = text;
			r.len = strlen(text);
			r.has_prompt = 1;
			r.prompt_len = 2;
			r.cont = k % 7 == 3;
			r.cancelled = k % 11 == 5;
			r.time = k % 5 == 4 ? NULL : tm;
			ck_assert_int_eq(sl_report_put(rep, &r), SL_OK);
		}
}

static char *
save(struct sl_report *rep)
{
	FILE *f = tmpfile();
	struct sl_out *o;

	ck_assert_ptr_nonnull(f);
	o = sl_out_fd(dup(fileno(f)), "tmp", 0);
	ck_assert_int_eq(sl_report_save(rep, o), SL_OK);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_OK);
	return slurp(f);
}

/*
 * -j N: what a worker packs of the records, applied in the parent, leaves
 * the store as the records one at a time do.  The records cover what
 * ends a worker's run of lines: sessions and notes between lines, a null
 * session, an input read again (line 1 twice), chunk files of one
 * transcript, paths that end like a line number, times good, absent and
 * bad, continued, expanded, cancelled and redrawn commands, and more
 * commands than a run holds.
 */
typedef void (*record_fn)(void *arg, const struct sl_record *r);

/* An input's first session record: a start on two of them, a start's
 * source without the start on another. */
static void
header_fields(struct sl_record *r, int f)
{
	static const struct sl_kv extra[] = { { "command", "bash" },
	    { "k", "first" } };

	r->f[SL_F_TARGET] = "i-1";
	if (f == 0 || f == 2) {
		r->f[SL_F_START] = "2024-05-01T08:00:00.000Z";
		r->f[SL_F_START_SRC] = f == 2 ? "describe-sessions" : NULL;
	}
	if (f == 4)
		r->f[SL_F_START_SRC] = "describe-sessions";
	r->extra = extra;
	r->nextra = 2;
}

/*
 * Its trailer's, which a worker sends with the first as one record when
 * it can (inputs 4 and 5): not one that gives a start again (input 0),
 * one of another rank (3), another session (1: the lines' null one),
 * one after a note (2).  Fields and extras the first has too, which it
 * keeps; a start with its source where the first has none.
 */
static void
trailer_fields(struct sl_record *r, int f)
{
	static const struct sl_kv extra[] = { { "k", "second" },
	    { "exit_code", "0" }, { "gone", NULL } };

	r->f[SL_F_TARGET] = "i-2";
	r->f[SL_F_HOST] = "ip-10-0-0-1";
	r->f[SL_F_END] = f == 0 ? "2024-05-01T10:00:00" :
	    "2024-05-01T09:59:00.000Z";
	r->f[SL_F_END_SRC] = "typescript-trailer";
	if (f == 0 || f == 4) {
		r->f[SL_F_START] = "2024-05-01T07:00:00.000Z";
		r->f[SL_F_START_SRC] = "typescript-header";
	}
	r->extra = extra;
	r->nextra = 3;
}

/* Lines whose sources start like the run's and are another input, or
 * are the same input numbered another way. */
static void
tricky_srcs(record_fn put, void *arg)
{
	static const char *const srcs[] = { "b.log:1", "b.log:2", "b.log2:3",
	    "b.log:4x", "b.log#5", "b.log", "b.log:7", "b.lo:8", "b.log:",
	    "b.log:10", "b.log::11", "b.log:12", "c:12:13", "c:12", "c:12:15" };
	struct sl_record r;
	size_t i;

	for (i = 0; i < sizeof(srcs) / sizeof(srcs[0]); i++) {
		sl_record_init(&r, SL_LINE, "s-6", srcs[i]);
		r.n = (long long)i + 1;
		r.text = "$ ls";
		r.len = 4;
		r.has_prompt = 1;
		r.prompt_len = 2;
		put(arg, &r);
	}
}

static void
mixed_records(record_fn put, void *arg)
{
	static const char *const srcs[] = { "a.log", "x:7", "exp/000000.gz",
	    "exp/000001.gz", "a.log", "a.log" };
	static const char *const sids[] = { "s-1", NULL, "s-2", "s-1", "s-3",
	    "s-3" };
	char src[64], text[96], tm[32];
	struct sl_record r;
	long long n;
	int f, k;

	for (f = 0; f < 6; f++) {
		r = sess(sids[f] != NULL ? sids[f] : "s-0", f % 2 ? "typescript" :
		    "describe-sessions", srcs[f]);
		header_fields(&r, f);
		/* The last input is the one before read again, at once. */
		if (f < 5)
			put(arg, &r);
		for (n = 1; n <= (f == 2 ? 2500 : 40); n++) {
			k = (int)n;
			snprintf(src, sizeof(src), "%s:%lld", srcs[f], n);
			snprintf(text, sizeof(text), "$ command %d of input %d, "
			    "long enough to fill a run", k, f);
			snprintf(tm, sizeof(tm), "2024-05-01T09:%02d:%02d.000Z",
			    k / 60 % 60, k % 60);
			sl_record_init(&r, SL_LINE, sids[f], src);
			r.n = n;
			r.text = text;
			r.len = strlen(text);
			r.has_prompt = k % 3 != 0;
			r.prompt_len = 2;
			r.cont = k % 7 == 3;
			r.cancelled = k % 11 == 5;
			r.redrawn = k % 13 == 6;
			r.expanded = k % 17 == 8 ? "echo expanded" : NULL;
			r.time = k % 5 == 4 ? NULL : k % 9 == 2 ? "bad" : tm;
			put(arg, &r);
			if (k % 23 == 0 && (f == 1 || f == 2)) {
				sl_record_init(&r, SL_NOTE, k % 2 ? sids[f] : NULL,
				    src);
				r.code = k % 2 ? "cut" : "rejected";
				r.text = "a note";
				r.len = 6;
				put(arg, &r);
			}
		}
		r = sess(sids[f], f == 3 ? "cloudtrail" : f % 2 ? "typescript" :
		    "describe-sessions", srcs[f]);
		trailer_fields(&r, f);
		put(arg, &r);
	}
	/* Session records back to back: of two sessions, then two ends of
	 * one, the second of a better source. */
	r = sess("s-4", "describe-sessions", "ds.json#1");
	r.f[SL_F_HOST] = "ip-10-0-0-4";
	put(arg, &r);
	r.session = "s-5";
	r.f[SL_F_END] = "2024-05-03T00:00:00.000Z";
	r.f[SL_F_END_SRC] = "cloudtrail";
	put(arg, &r);
	r.f[SL_F_END] = "2024-05-04T00:00:00.000Z";
	r.f[SL_F_END_SRC] = "describe-sessions";
	put(arg, &r);
	tricky_srcs(put, arg);
}

static void
put_direct(void *arg, const struct sl_record *r)
{
	ck_assert_int_eq(sl_report_put(arg, r), SL_OK);
}

/* A worker's report packs; every so many records its frame goes to the
 * parent's, as a worker's frames do when they fill. */
struct packing {
	struct sl_report *worker, *parent;
	struct sl_packer wp, pp;
	struct sl_buf frame;
	int n, every;
};

static void
put_packed(void *arg, const struct sl_record *r)
{
	struct packing *k = arg;

	ck_assert_int_eq(k->wp.pack(k->wp.arg, &k->frame, r), SL_OK);
	if (++k->n % k->every != 0)
		return;
	k->wp.end(k->wp.arg, &k->frame);
	ck_assert_int_eq(k->pp.apply(k->pp.arg, k->frame.buf, k->frame.len),
	    SL_OK);
	sl_buf_reset(&k->frame);
}

/* Records packed in frames of every records (and the rest) as put. */
static void
check_packed(struct sl_report *one, const struct sl_report_opts *o,
    int every)
{
	struct packing k;
	char *want, *got;

	memset(&k, 0, sizeof(k));
	k.every = every;
	k.worker = sl_report_new(o);
	k.parent = sl_report_new(o);
	sl_report_packer(k.worker, &k.wp);
	sl_report_packer(k.parent, &k.pp);
	mixed_records(put_packed, &k);
	k.wp.end(k.wp.arg, &k.frame);
	ck_assert_int_eq(k.pp.apply(k.pp.arg, k.frame.buf, k.frame.len), SL_OK);
	/* The worker's store took nothing: the parent's has it all. */
	ck_assert_uint_eq(sl_report_count(k.worker), 0);
	want = save(one);
	got = save(k.parent);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	want = render(one, SL_REPORT_JSON);
	got = render(k.parent, SL_REPORT_JSON);
	ck_assert_str_eq(got, want);
	/* A broken frame stops the run rather than report on part of it. */
	ck_assert_int_eq(k.pp.apply(k.pp.arg, "Lxx", 3), SL_STOP);
	ck_assert_int_eq(k.pp.apply(k.pp.arg, "Q", 1), SL_STOP);
	free(want);
	free(got);
	sl_buf_free(&k.frame);
	sl_report_free(k.worker);
	sl_report_free(k.parent);
}

/* A transcript's two session records go to the parent as one. */
START_TEST(packed_sessions_as_one)
{
	struct sl_report *w = sl_report_new(NULL);
	struct sl_buf frame;
	struct sl_packer p;
	struct sl_record r;
	size_t n;

	sl_buf_init(&frame);
	sl_report_packer(w, &p);
	r = sess("s-1", "typescript", "a.log:1");
	header_fields(&r, 1);
	ck_assert_int_eq(p.pack(p.arg, &frame, &r), SL_OK);
	r = sess("s-1", "typescript", "a.log:9");
	trailer_fields(&r, 1);
	ck_assert_int_eq(p.pack(p.arg, &frame, &r), SL_OK);
	p.end(p.arg, &frame);
	ck_assert_uint_gt(frame.len, 1);
	ck_assert_int_eq(frame.buf[0], 'R');
	n = sl_record_size(frame.buf + 1, frame.len - 1);
	ck_assert_uint_eq(1 + n, frame.len);
	sl_buf_free(&frame);
	sl_report_free(w);
}
END_TEST

/* Frames cut often (between an input's two session records) and once. */
START_TEST(packed_as_put)
{
	struct sl_report_opts o = { 0 };
	struct sl_report *one;

	o.keep_state = 1;
	o.commands = 1;
	one = sl_report_new(&o);
	mixed_records(put_direct, one);
	check_packed(one, &o, 37);
	check_packed(one, &o, 1 << 30);
	sl_report_free(one);
}
END_TEST

START_TEST(commands_written_out)
{
	static const enum sl_report_type types[] = { SL_REPORT_JSON,
	    SL_REPORT_CSV, SL_REPORT_HTML, SL_REPORT_TEXT, SL_REPORT_MD };
	struct sl_report_opts o = { 0 };
	struct sl_report *mem, *disk;
	char *a, *b;
	size_t t;
	int timeline;

	for (timeline = 0; timeline < 2; timeline++) {
		o.commands = timeline;
		o.keep_state = 1;
		mem = sl_report_new(&o);
		disk = sl_report_new(&o);
		report_set_cmd_budget(disk, 200);
		feed_many(mem);
		feed_many(disk);
		for (t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			a = render(mem, types[t]);
			b = render(disk, types[t]);
			ck_assert_str_eq(b, a);
			if (t == 0)
				ck_assert_ptr_nonnull(strstr(a,
				    "cmd 2 of 29\\ncmd 3 of 29"));
			free(a);
			free(b);
		}
		a = save(mem);
		b = save(disk);
		ck_assert_str_eq(b, a);
		free(a);
		free(b);
		sl_report_free(mem);
		sl_report_free(disk);
	}
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("report");
	TCase *t = tcase_create("core");

	tcase_add_test(t, merge_by_rank_and_times);
	tcase_add_test(t, line_times_and_continuations);
	tcase_add_test(t, most_lines_wins_then_times);
	tcase_add_test(t, no_transcript_kinds);
	tcase_add_test(t, filters_and_window);
	tcase_add_test(t, groups_and_distinct);
	tcase_add_test(t, state_round_trip);
	tcase_add_test(t, state_refused);
	tcase_add_test(t, time_arguments);
	tcase_add_test(t, types_and_escaping);
	tcase_add_test(t, user_labels);
	tcase_add_test(t, command_timeline);
	tcase_add_test(t, commands_written_out);
	tcase_add_test(t, packed_as_put);
	tcase_add_test(t, packed_sessions_as_one);
	suite_add_tcase(s, t);
	return s;
}

SL_TEST_MAIN(suite)
