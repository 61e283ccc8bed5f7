/*
 * test_cwformats.c: the CloudWatch, CloudTrail and describe-sessions
 * readers (formats/cw*.c and friends), through sl_run_mem() with a sink
 * that keeps what it gets, and their helpers (kinds, base64, gzip
 * members, the sorter) directly.  Fixtures are built here.
 */
#define ZLIB_CONST

#include <sys/resource.h>
#include <sys/stat.h>
#include <errno.h>
#include <signal.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <jansson.h>

#include "check_main.h"
#include "gz_util.h"
#include "internal.h"
#include "readers/cwlog.h"

/* ------------------------------------------------------------ harness */

struct got {
	struct sl_buf out;	/* records, JSON Lines */
	struct sl_buf err;	/* "where: msg\n" */
	struct sl_stats st;
	int rc;
};

static int
put(void *arg, const struct sl_record *r)
{
	sl_record_to_json(arg, r);
	return SL_OK;
}

static void
on_err(void *arg, const char *where, const char *msg)
{
	sl_buf_printf(arg, "%s: %s\n", where, msg);
}

/* Run bytes as the input `name`, detecting the format (or fmt). */
static void
run(struct got *g, const char *name, const void *p, size_t n,
    const char *fmt)
{
	struct sl_opts o;
	struct sl_sink sink;
	struct sl_run *r;

	memset(&o, 0, sizeof(o));
	o.format = fmt;
	sl_buf_init(&g->out);
	sl_buf_init(&g->err);
	sink.put = put;
	sink.arg = &g->out;
	sink.want = 0;
	r = sl_run_new(&o, &sink, on_err, &g->err);
	g->rc = sl_run_mem(r, name, p, n);
	sl_run_stats(r, &g->st);
	sl_run_free(r);
	/* Nothing lost silently. */
	ck_assert_int_eq(g->st.units, g->st.written + g->st.merged +
	    g->st.skipped + g->st.rejected);
}

static void
got_free(struct got *g)
{
	sl_buf_free(&g->out);
	sl_buf_free(&g->err);
}

/* The k-th record (0-based) as parsed JSON; the caller decrefs. */
static json_t *
rec(struct got *g, int k)
{
	const char *p = g->out.buf, *nl;

	while (k-- > 0) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		p = nl + 1;
	}
	nl = strchr(p, '\n');
	ck_assert_ptr_nonnull(nl);
	return json_loadb(p, (size_t)(nl - p), 0, NULL);
}

static int
nrec(struct got *g)
{
	const char *p;
	int n = 0;

	for (p = g->out.buf; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	return n;
}

static const char *
str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Assert record k's key equals want (NULL: absent). */
static void
field_is(struct got *g, int k, const char *key, const char *want)
{
	json_t *o = rec(g, k);

	ck_assert_ptr_nonnull(o);
	if (want == NULL)
		ck_assert_msg(json_object_get(o, key) == NULL, "record %d: %s "
		    "present", k, key);
	else {
		ck_assert_msg(str(o, key) != NULL, "record %d: no %s", k, key);
		ck_assert_str_eq(str(o, key), want);
	}
	json_decref(o);
}

#define SID	"alice-0a1b2c3d4e5f67890"
#define META	"\"eventVersion\":\"1.0\",\"awsRegion\":\"us-east-1\"," \
		"\"target\":{\"id\":\"i-0abc123def4567890\"},\"userIdentity\":" \
		"{\"arn\":\"arn:aws:iam::1:user/alice\"},\"runAsUser\":" \
		"\"ssm-user\",\"sessionId\":\"" SID "\""

/* ------------------------------------------------------ streamed events */

/*
 * Every quirk of the agent's JSON in one stream: a BEL-ended title left
 * raw on the prompt line, \u003c and \u0026, BS written \b and \u0008,
 * a surrogate pair, U+FFFD kept, a BOM at the start.
 */
START_TEST(test_stream_escapes)
{
	static const char in[] =
	    "{" META ",\"eventTime\":\"2024-05-01T12:00:05Z\",\"sessionData\":["
	    "\"\\ufeff\\u001b[?2004l\\u001b]0;alice@ip-1:~\\u0007\\u001b[?2004h"
	    "[alice@ip-1 ~]$ echo \\u003cx\\u003e \\u0026\\u0026 lsx\\b \\b\","
	    "\"a\\ud83d\\ude00b\\ufffdc\","
	    "\"tab gone:\\u0008\\u0008\\u0008\\u0008 kept\"]}\n";
	struct got g;

	run(&g, "s.jsonl", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	ck_assert_int_eq(nrec(&g), 5);
	field_is(&g, 0, "origin", "cw-stream");
	field_is(&g, 0, "start", "2024-05-01T12:00:05.000Z");
	field_is(&g, 0, "owner", "arn:aws:iam::1:user/alice");
	field_is(&g, 1, "text", "[alice@ip-1 ~]$ echo <x> && ls");
	field_is(&g, 1, "cmd", "echo <x> && ls");
	field_is(&g, 1, "time", "2024-05-01T12:00:05.000Z");
	field_is(&g, 1, "src", "s.jsonl:1");
	field_is(&g, 2, "text", "a\xf0\x9f\x98\x80" "b\xef\xbf\xbd" "c");
	field_is(&g, 3, "text", "tab g kept");	/* BS moves, overwrites */
	field_is(&g, 4, "host", "ip-1");
	field_is(&g, 4, "end", "2024-05-01T12:00:05.000Z");
	ck_assert_uint_eq(g.err.len, 0);
	got_free(&g);
}
END_TEST

/* Sessions interleave: each keeps its own line count and prompt state. */
START_TEST(test_stream_interleaved)
{
	struct sl_buf in;
	struct got g;
	int i, k;
	json_t *o;

	sl_buf_init(&in);
	for (i = 0; i < 3; i++)
		for (k = 0; k < 500; k++)
			sl_buf_printf(&in, "{\"sessionId\":\"u%d-%017d\","
			    "\"eventTime\":\"2024-05-01T12:00:%02dZ\","
			    "\"sessionData\":[\"$ echo %d\",\"%d\"]}\n", k, k,
			    i, i, i);
	run(&g, "many.jsonl", in.buf, in.len, "cw-stream");
	ck_assert_int_eq(g.rc, SL_OK);
	/* 500 sessions: an opening record, 3 x 2 lines, a closing one. */
	ck_assert_int_eq(nrec(&g), 500 * 8);
	/* The last event's lines: session u499, lines 5 and 6. */
	o = rec(&g, 500 + 3 * 500 * 2 - 2);
	ck_assert_str_eq(str(o, "session"), "u499-00000000000000499");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "n")), 5);
	ck_assert_str_eq(str(o, "cmd"), "echo 2");
	json_decref(o);
	got_free(&g);
	sl_buf_free(&in);
}
END_TEST

/* ---------------------------------------------------- get/filter-log-events */

/* Double-encoded messages, keys in any order, empty and concatenated pages. */
START_TEST(test_events_pages)
{
	static const char in[] =
	    "{\"nextToken\":\"t\",\"searchedLogStreams\":[],\"events\":["
	    "{\"message\":\"{\\\"sessionData\\\":[\\\"$ id\\\"],\\\"sessionId\\\":"
	    "\\\"" SID "\\\",\\\"eventTime\\\":\\\"2024-05-01T12:00:01Z\\\"}\","
	    "\"ingestionTime\":2,\"timestamp\":1,\"logStreamName\":\"" SID "\"}]}"
	    "{\"events\":[]}\n"
	    "{\"events\":[{\"timestamp\":3,\"logStreamName\":\"" SID "\",\"message\":"
	    "\"{\\\"eventVersion\\\":\\\"1.0\\\",\\\"sessionId\\\":\\\"" SID "\\\","
	    "\\\"sessionData\\\":[\\\"\\\\u001b[1mbold\\\\u001b[0m \\\\u003c\\\"],"
	    "\\\"eventTime\\\":\\\"2024-05-01T12:00:03Z\\\"}\"}]}";
	struct got g;

	run(&g, "p.json", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	ck_assert_int_eq(nrec(&g), 4);
	field_is(&g, 1, "cmd", "id");
	field_is(&g, 1, "src", "p.json#1");
	field_is(&g, 2, "text", "bold <");
	field_is(&g, 2, "src", "p.json#2");	/* counted across pages */
	field_is(&g, 3, "end", "2024-05-01T12:00:03.000Z");
	got_free(&g);
}
END_TEST

/*
 * An upload at session end: events are slices with the last LF cut,
 * joined with "\n"; an event that ends in LF leaves an empty line.
 */
START_TEST(test_events_text_join)
{
	static const char in[] = "{\"events\":["
	    "{\"timestamp\":1,\"message\":\"Script started on 2024-05-01 "
	    "12:00:00+00:00\\n$ echo a\\r\\na\\r\"},"
	    "{\"timestamp\":2,\"message\":\"$ echo b\\r\\nb\\r\\n\"},"
	    "{\"timestamp\":3,\"message\":\"$ exit\\r\\n\\nScript done on "
	    "2024-05-01 12:00:09+00:00\"}]}";
	struct got g;

	run(&g, "bob-0f1e2d3c4b5a69788.json", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	ck_assert_int_eq(nrec(&g), 8);
	field_is(&g, 0, "origin", "cw-text");
	field_is(&g, 0, "session", "bob-0f1e2d3c4b5a69788");
	field_is(&g, 1, "cmd", "echo a");
	field_is(&g, 1, "time", NULL);		/* upload time is no line time */
	field_is(&g, 2, "text", "a");
	field_is(&g, 3, "cmd", "echo b");
	field_is(&g, 3, "src", "bob-0f1e2d3c4b5a69788.json#2");
	field_is(&g, 4, "text", "b");
	field_is(&g, 5, "text", "");
	field_is(&g, 6, "cmd", "exit");
	field_is(&g, 7, "end", "2024-05-01T12:00:09.000Z");
	field_is(&g, 7, "end_src", "typescript-trailer");
	got_free(&g);
}
END_TEST

START_TEST(test_events_bad)
{
	static const char in[] = "{\"events\":[{\"timestamp\":1},"
	    "{\"message\":[]},{\"message\":\"x\",\"logStreamName\":7},"
	    "{\"message\":\"{\\\"sessionData\\\":[\\\"a\\\",1]}\"},"
	    "{\"message\":\"{\\\"sessionData\\\":[],\\\"eventTime\\\":"
	    "\\\"yesterday\\\"}\"},{\"message\":\"{\\\"foo\\\":1}\"}]}";
	struct got g;

	run(&g, "bad.json", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_REJECT);
	/* #5 loses its eventTime only: it is no rejected unit. */
	ck_assert_int_eq(g.st.rejected, 5);
	ck_assert_str_eq(g.err.buf,
	    "bad.json#1: rejected event: no \"message\"\n"
	    "bad.json#2: rejected event: \"message\" is not a string\n"
	    "bad.json#3: rejected event: \"logStreamName\" is not a string "
	    "(or holds a NUL)\n"
	    "bad.json#4: rejected event: \"sessionData\" element 2 is not a "
	    "string\n"
	    "bad.json#5: \"eventTime\" is not an RFC 3339 time: "
	    "\"yesterday\" (the event's lines are kept without it)\n"
	    "bad.json#6: rejected event: not a session event (no "
	    "\"sessionData\") nor a CloudTrail event\n");
	field_is(&g, 0, "code", "rejected");
	got_free(&g);
}
END_TEST

/* A streamed event whose eventTime does not parse keeps its lines,
 * untimed; the field is reported (exit 1), the next event is timed. */
START_TEST(test_stream_bad_time_keeps_lines)
{
	static const char in[] =
	    "{\"sessionId\":\"kim-0a1b2c3d4e5f60718\",\"eventTime\":"
	    "\"05/05/2024 09:00\",\"sessionData\":[\"sh-5.2$ id\","
	    "\"uid=1001\"]}\n"
	    "{\"sessionId\":\"kim-0a1b2c3d4e5f60718\",\"eventTime\":"
	    "\"2024-05-05T09:00:09Z\",\"sessionData\":[\"sh-5.2$ exit\"]}\n";
	struct got g;
	json_t *r;
	int k, lines = 0, untimed = 0, notes = 0;

	run(&g, "s.jsonl", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_REJECT);
	ck_assert_int_eq(g.st.rejected, 0);
	ck_assert_ptr_nonnull(strstr(g.err.buf, "s.jsonl:1: \"eventTime\" "
	    "is not an RFC 3339 time"));
	for (k = 0; k < nrec(&g); k++) {
		const char *type;

		r = rec(&g, k);
		ck_assert_ptr_nonnull(r);
		type = json_string_value(json_object_get(r, "type"));

		if (strcmp(type, "line") == 0) {
			lines++;
			untimed += json_object_get(r, "time") == NULL ||
			    json_is_null(json_object_get(r, "time"));
		}
		if (strcmp(type, "note") == 0 && strcmp(json_string_value(
		    json_object_get(r, "code")), "rejected") == 0)
			notes++;
		json_decref(r);
	}
	ck_assert_int_eq(lines, 3);
	ck_assert_int_eq(untimed, 2);
	ck_assert_int_eq(notes, 1);
	got_free(&g);
}
END_TEST

/* Over SL_EVENT_MAX: skipped without being kept, the next one read. */
START_TEST(test_event_too_big)
{
	struct sl_buf in;
	struct got g;
	size_t n = (size_t)SL_EVENT_MAX + 10;

	sl_buf_init(&in);
	sl_buf_adds(&in, "{\"events\":[{\"message\":\"");
	sl_buf_reserve(&in, n);
	memset(in.buf + in.len, 'x', n);
	in.len += n;
	sl_buf_adds(&in, "\"},{\"message\":\"{\\\"sessionData\\\":[\\\"ok\\\"]}\"}]}");
	run(&g, "big.json", in.buf, in.len, NULL);
	ck_assert_int_eq(g.rc, SL_REJECT);
	ck_assert_str_eq(g.err.buf, "big.json#1: rejected event: larger than "
	    "64 MiB, skipped\n");
	field_is(&g, 2, "text", "ok");
	got_free(&g);
	sl_buf_free(&in);
}
END_TEST

/* --------------------------------------------------------- detection */

START_TEST(test_detect)
{
	static const struct {
		const char *in, *fmt;
	} cases[] = {
		{ "{\"sessionData\":[],\"sessionId\":\"a-1\"}\n", "cw-stream" },
		{ "[{\"eventTime\":\"x\",\"sessionData\":[]}]", "cw-stream" },
		{ "{\"nextForwardToken\":\"f\",\"events\":[]}", "cw-events" },
		{ "{\"events\":[{\"timestamp\":1,\"message\":\"m\"}]}",
		  "cw-events" },
		{ "2024-05-01T12:00:01.000Z hello\n", "cw-export" },
		{ "{\"logEvents\":[],\"messageType\":\"DATA_MESSAGE\"}",
		  "cw-subscription" },
		{ "{\"awslogs\":{\"data\":\"H4sI\"}}", "cw-subscription" },
		/* base64 of {"messageType": "DATA_MESSAGE", "logEvents": [] */
		{ "eyJtZXNzYWdlVHlwZSI6ICJEQVRBX01FU1NBR0UiLCAibG9nRXZlbnRzIjog"
		  "W119", "cw-subscription" },
		{ "{\"status\":\"Complete\",\"results\":[]}", "insights" },
		{ "{\"Sessions\":[{\"Status\":\"Connected\",\"SessionId\":\"a-1\"}]}",
		  "describe-sessions" },
		{ "{\"Records\":[{\"eventName\":\"StartSession\"}]}",
		  "cloudtrail" },
		{ "{\"eventName\":\"StartSession\",\"eventSource\":\"x\"}",
		  "cloudtrail" },
		{ "Script started on 2024-05-01 12:00:00+00:00\r\n$ id\r\nuid",
		  "cw-text" },
		{ "Script started on 2024-05-01 12:00:00+00:00\n$ id\r\r\n",
		  "typescript" },
		{ "{\"type\":\"line\",\"session\":null,\"n\":1,\"text\":\"\"}\n",
		  "records" },
	};
	const struct sl_format *f;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		f = sl_detect((const unsigned char *)cases[i].in,
		    strlen(cases[i].in), "x");
		ck_assert_msg(f != NULL && strcmp(sl_format_name(f),
		    cases[i].fmt) == 0, "case %zu: %s, want %s", i,
		    f != NULL ? sl_format_name(f) : "none", cases[i].fmt);
	}
}
END_TEST

/* ------------------------------------------------- subscription payloads */

static char *
payload(int i)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_printf(&b, "{\"logStream\":\"" SID "\",\"logEvents\":[{\"id\":"
	    "\"%d\",\"timestamp\":%d,\"message\":\"{\\\"sessionData\\\":"
	    "[\\\"payload %d\\\"]}\"}],\"messageType\":\"DATA_MESSAGE\"}", i,
	    i, i);
	return b.buf;
}

/* A Firehose object, a member cut in the middle: before and after read. */
START_TEST(test_firehose_cut)
{
	char tmpl[] = "/tmp/sl-fh-XXXXXX", *p[3];
	struct sl_opts o;
	struct sl_sink sink;
	struct sl_run *r;
	struct sl_buf obj;
	struct got g;
	FILE *f;
	int fd, i;

	sl_buf_init(&obj);
	for (i = 0; i < 3; i++)
		p[i] = payload(i + 1);
	gz_member(&obj, p[0], strlen(p[0]));
	gz_cut_member(&obj, p[1], 60);
	gz_member(&obj, p[2], strlen(p[2]));
	fd = mkstemp(tmpl);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "wb");
	ck_assert_uint_eq(fwrite(obj.buf, 1, obj.len, f), obj.len);
	fclose(f);

	memset(&o, 0, sizeof(o));
	sl_buf_init(&g.out);
	sl_buf_init(&g.err);
	sink.put = put;
	sink.arg = &g.out;
	sink.want = 0;
	r = sl_run_new(&o, &sink, on_err, &g.err);
	ck_assert_int_eq(sl_run_path(r, tmpl), SL_REJECT);
	sl_run_stats(r, &g.st);
	sl_run_free(r);
	unlink(tmpl);
	ck_assert_int_eq(g.st.units, g.st.written + g.st.merged +
	    g.st.skipped + g.st.rejected);
	ck_assert_ptr_nonnull(strstr(g.err.buf, "corrupt gzip data: invalid "
	    "stored block lengths"));
	ck_assert_ptr_nonnull(strstr(g.err.buf, ":1: JSON cut short: data "
	    "breaks off inside a string"));
	ck_assert_ptr_nonnull(strstr(g.out.buf, "\"text\":\"payload 1\""));
	ck_assert_ptr_null(strstr(g.out.buf, "\"text\":\"payload 2\""));
	ck_assert_ptr_nonnull(strstr(g.out.buf, "\"text\":\"payload 3\""));
	got_free(&g);
	sl_buf_free(&obj);
	for (i = 0; i < 3; i++)
		free(p[i]);
}
END_TEST

START_TEST(test_subscription_base64)
{
	struct sl_buf gz, b64, in;
	struct got g;
	char *p = payload(7);
	static const char ctl[] = "{\"messageType\":\"CONTROL_MESSAGE\","
	    "\"logEvents\":[{\"message\":\"CWL CONTROL MESSAGE\"}]}";
	static const char ab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqr"
	    "stuvwxyz0123456789+/";
	size_t i;

	sl_buf_init(&gz);
	sl_buf_init(&b64);
	sl_buf_init(&in);
	gz_member(&gz, p, strlen(p));
	gz_member(&gz, ctl, strlen(ctl));
	for (i = 0; i + 3 <= gz.len; i += 3) {
		unsigned v = (unsigned char)gz.buf[i] << 16 |
		    (unsigned char)gz.buf[i + 1] << 8 | (unsigned char)gz.buf[i + 2];

		sl_buf_addc(&b64, ab[v >> 18]);
		sl_buf_addc(&b64, ab[(v >> 12) & 63]);
		sl_buf_addc(&b64, ab[(v >> 6) & 63]);
		sl_buf_addc(&b64, ab[v & 63]);
		if (i % 57 == 54)
			sl_buf_addc(&b64, '\n');
	}
	for (; i < gz.len; i++) {	/* the last byte(s), padded */
		unsigned v = (unsigned char)gz.buf[i] << 16;

		if (i + 1 < gz.len)
			v |= (unsigned char)gz.buf[++i] << 8;
		sl_buf_addc(&b64, ab[v >> 18]);
		sl_buf_addc(&b64, ab[(v >> 12) & 63]);
		sl_buf_adds(&b64, (v & 0xff00) ? "" : "=");
		if (v & 0xff00)
			sl_buf_addc(&b64, ab[(v >> 6) & 63]);
		sl_buf_adds(&b64, "=");
	}
	run(&g, "data.b64", b64.buf, b64.len, NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	ck_assert_ptr_nonnull(strstr(g.out.buf, "\"text\":\"payload 7\""));
	ck_assert_ptr_nonnull(strstr(g.out.buf, "\"code\":\"skipped\",\"text\":"
	    "\"1 subscription CONTROL_MESSAGE payloads ignored\",\"count\":1"));
	got_free(&g);

	/* Not base64 in a Lambda event: rejected, nothing else lost. */
	sl_buf_adds(&in, "{\"awslogs\":{\"data\":\"H4s!\"}}");
	run(&g, "ev.json", in.buf, in.len, NULL);
	ck_assert_int_eq(g.rc, SL_REJECT);
	ck_assert_str_eq(g.err.buf, "ev.json#1: rejected payload: invalid "
	    "base64\n");
	got_free(&g);
	sl_buf_free(&gz);
	sl_buf_free(&b64);
	sl_buf_free(&in);
	free(p);
}
END_TEST

/* The stream after the events; a bad event loses only itself. */
START_TEST(test_subscription_key_order)
{
	static const char in[] = "{\"logEvents\":[{\"id\":\"1\",\"message\":"
	    "\"{\\\"sessionData\\\":[\\\"$ one\\\"]}\"},5,{\"message\":"
	    "\"{\\\"sessionData\\\":[\\\"$ two\\\"]}\",\"timestamp\":2}],"
	    "\"logStream\":\"" SID "\",\"messageType\":\"DATA_MESSAGE\"}";
	struct got g;

	run(&g, "fh", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_REJECT);
	ck_assert_str_eq(g.err.buf, "fh#2: rejected event: not a JSON "
	    "object\n");
	field_is(&g, 0, "session", SID);
	field_is(&g, 1, "cmd", "one");
	field_is(&g, 1, "src", "fh#1");
	field_is(&g, 3, "cmd", "two");
	field_is(&g, 3, "src", "fh#3");
	got_free(&g);
}
END_TEST

/* ------------------------------------------ trails, describe-sessions */

START_TEST(test_kinds)
{
	ck_assert_str_eq(cw_kind(NULL), "shell");
	ck_assert_str_eq(cw_kind("SSM-SessionManagerRunShell"), "shell");
	ck_assert_str_eq(cw_kind("AWS-StartInteractiveCommand"), "shell");
	ck_assert_str_eq(cw_kind("AWS-StartNonInteractiveCommand"), "command");
	ck_assert_str_eq(cw_kind("AWS-StartPortForwardingSession"),
	    "port-forwarding");
	ck_assert_str_eq(cw_kind("AWS-StartPortForwardingSessionToSocket"),
	    "port-forwarding");
	ck_assert_str_eq(cw_kind("AWS-StartSSHSession"), "ssh");
	ck_assert_str_eq(cw_kind("AWS-PasswordReset"), "unknown");
	ck_assert_str_eq(cw_kind("SSM-sudo"), "shell");
	ck_assert_str_eq(cw_kind("arn:aws:ssm:us-east-1:1:document/"
	    "AWS-StartSSHSession"), "ssh");
	ck_assert_str_eq(cw_kind("Team-PortForward-DB"), "port-forwarding");
	ck_assert(cw_no_transcript("ssh"));
	ck_assert(!cw_no_transcript("shell"));
}
END_TEST

START_TEST(test_trail_any_order)
{
	/* One event, its keys shuffled, pretty-printed. */
	static const char in[] = "{\n \"responseElements\": {\"sessionId\": \""
	    SID "\"},\n \"eventName\": \"StartSession\",\n \"requestParameters\":"
	    " {\"target\": \"i-1\", \"documentName\": \"AWS-StartSSHSession\"},"
	    "\n \"eventTime\": \"2024-05-01T12:00:01Z\",\n \"eventSource\": "
	    "\"ssm.amazonaws.com\",\n \"userIdentity\": {\"arn\": \"arn:x\"}\n}\n";
	struct got g;

	run(&g, "e.json", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	ck_assert_int_eq(nrec(&g), 2);
	field_is(&g, 0, "kind", "ssh");
	field_is(&g, 0, "owner", "arn:x");
	field_is(&g, 0, "start", "2024-05-01T12:00:01.000Z");
	field_is(&g, 0, "start_src", "cloudtrail");
	field_is(&g, 0, "src", "e.json#1");
	field_is(&g, 1, "code", "no-transcript");
	got_free(&g);
}
END_TEST

START_TEST(test_describe_dates)
{
	static const char in[] = "{\"Sessions\":[{\"SessionId\":\"a-1\","
	    "\"StartDate\":1714564801.512,\"EndDate\":1714564802},"
	    "{\"SessionId\":\"b-2\",\"StartDate\":\"2024-05-01T21:00:01+09:00\","
	    "\"EndDate\":\"2024-05-01T12:00:02.999999+00:00\"}]}";
	struct got g;

	run(&g, "d.json", in, strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	field_is(&g, 0, "start", "2024-05-01T12:00:01.512Z");
	field_is(&g, 0, "end", "2024-05-01T12:00:02.000Z");
	field_is(&g, 0, "kind", "shell");
	field_is(&g, 1, "start", "2024-05-01T12:00:01.000Z");
	field_is(&g, 1, "end", "2024-05-01T12:00:03.000Z");
	field_is(&g, 1, "end_src", "describe-sessions");
	got_free(&g);
}
END_TEST

/* --------------------------------------------------------------- sort */

/* Sorted by (group, time, order added), in memory and spilled to a file. */
START_TEST(test_sort)
{
	static const struct {
		long long g, ms;
		const char *s;
	} add[] = { { 1, 30, "c" }, { 0, 20, "b1" }, { 1, 10, "a" },
	    { 0, 20, "b2" }, { 0, 5, "first" } };
	static const char *const want = "first b1 b2 a c ";
	size_t caps[2] = { 1 << 20, 3 }, k, i, n;
	long long g, ms, pos;
	const char *p;

	for (k = 0; k < 2; k++) {
		struct cw_sort *s = cw_sort_new(caps[k]);
		struct sl_buf b;

		sl_buf_init(&b);
		for (i = 0; i < sizeof(add) / sizeof(add[0]); i++)
			ck_assert_int_eq(cw_sort_add(s, add[i].g, add[i].ms,
			    (long long)i, add[i].s, strlen(add[i].s)), 0);
		cw_sort_done(s);
		while (cw_sort_next(s, &g, &ms, &pos, &p, &n) == 1) {
			sl_buf_add(&b, p, n);
			sl_buf_addc(&b, ' ');
		}
		ck_assert_str_eq(b.buf, want);
		sl_buf_free(&b);
		cw_sort_free(s);
	}
}
END_TEST

/*
 * 100,000 events with an index of 40 entries in memory: 2,500 sorted runs
 * in the index file, merged a window of 16 entries each at a time (each
 * run read in three windows): every event once, in (group, time, order).
 */
START_TEST(test_sort_runs)
{
	enum { N = 100000 };
	struct cw_sort *s = cw_sort_new(8 * 48 * 40);
	long long g, ms, pos, pg = -1, pms = -1, ppos = -1;
	char text[16];
	const char *p;
	size_t n, got = 0;
	int i;

	for (i = 0; i < N; i++) {
		snprintf(text, sizeof(text), "%d", i);
		ck_assert_int_eq(cw_sort_add(s, i % 7, (i * 7919LL) % 1000,
		    i, text, strlen(text)), 0);
	}
	cw_sort_done(s);
	while (cw_sort_next(s, &g, &ms, &pos, &p, &n) == 1) {
		snprintf(text, sizeof(text), "%lld", pos);
		ck_assert_int_eq(n, strlen(text));
		ck_assert_int_eq(memcmp(p, text, n), 0);
		ck_assert_int_eq(g, pos % 7);
		ck_assert(g > pg || (g == pg && (ms > pms ||
		    (ms == pms && pos > ppos))));
		pg = g;
		pms = ms;
		ppos = pos;
		got++;
	}
	ck_assert_uint_eq(got, N);
	cw_sort_free(s);
}
END_TEST

/*
 * Add events to a sorter whose index holds 40 entries until an add
 * fails: 0 when every one of n went in, else the failing add's number.
 */
static int
add_until_fails(struct cw_sort *s, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (cw_sort_add(s, 0, 1000 - i, i, "event", 5) != 0)
			return i + 1;
	return 0;
}

/*
 * The sorter's run file cannot be made (TMPDIR does not exist): the add
 * past the index in memory fails with errno (the reader rejects that
 * event, naming it), so do the ones after, and the events held read
 * back in order.
 */
START_TEST(test_sort_run_file_missing_dir)
{
	struct cw_sort *s;
	long long g, ms, pos;
	const char *p;
	size_t n;
	int i;

	setenv("TMPDIR", "/nonexistent/sl-test", 1);
	s = cw_sort_new(8 * 48 * 40);
	errno = 0;
	ck_assert_int_eq(add_until_fails(s, 1000), 41);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(add_until_fails(s, 1), 1);
	cw_sort_done(s);
	for (i = 40; i-- > 0;) {
		ck_assert_int_eq(cw_sort_next(s, &g, &ms, &pos, &p, &n), 1);
		ck_assert_int_eq(pos, i);
		ck_assert_int_eq(ms, 1000 - i);
	}
	ck_assert_int_eq(cw_sort_next(s, &g, &ms, &pos, &p, &n), 0);
	cw_sort_free(s);
	unsetenv("TMPDIR");
}
END_TEST

/*
 * The run file fills (a file size limit: the write fails with EFBIG, as
 * on a full disk): the add that writes the run fails, later ones too,
 * and reading back fails (the reader says it cannot read back).
 */
START_TEST(test_sort_run_file_fills)
{
	struct cw_sort *s = cw_sort_new(8 * 48 * 40);
	struct rlimit old, lim;
	long long g, ms, pos;
	const char *p;
	size_t n;
	int first;

	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 48 * 40 * 3 + 100;	/* three runs and a bit */
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	first = add_until_fails(s, 1000);
	ck_assert_int_eq(first, 4 * 40 + 1);	/* the fourth run */
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_int_eq(add_until_fails(s, 1), 1);
	cw_sort_done(s);
	ck_assert_int_eq(cw_sort_next(s, &g, &ms, &pos, &p, &n), -1);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	cw_sort_free(s);
}
END_TEST

/* ----------------------------------------------------------- exports */

START_TEST(test_export_sorted)
{
	static const char in[] =
	    "2024-05-01T12:00:03.000Z {\"sessionId\":\"" SID "\",\"sessionData\":"
	    "[\"$ three\"]}\n"
	    "2024-05-01T12:00:01.000Z {\"sessionId\":\"" SID "\",\"sessionData\":"
	    "[\"$ one\"]}\n"
	    "2024-05-01T12:00:02.000Z {\"sessionId\":\"" SID "\",\"sessionData\":"
	    "[\"$ two\"]}\n";
	struct got g;

	run(&g, "x.tar//exportedlogs/t/" SID "/000000.gz", in, strlen(in),
	    NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	field_is(&g, 1, "cmd", "one");
	field_is(&g, 1, "src", "x.tar//exportedlogs/t/" SID "/000000.gz:2");
	field_is(&g, 2, "cmd", "two");
	field_is(&g, 3, "cmd", "three");
	got_free(&g);
}
END_TEST

/* Text records name their session by the stream folder. */
START_TEST(test_export_stream_folder)
{
	static const char in[] = "2024-05-01T12:00:01.000Z $ date\r\n"
	    "Wed May  1 12:00:01 UTC 2024\r\n";
	struct got g;

	run(&g, "d/exportedlogs/t/bob-0f1e2d3c4b5a69788/000001.gz", in,
	    strlen(in), NULL);
	ck_assert_int_eq(g.rc, SL_OK);
	field_is(&g, 0, "session", "bob-0f1e2d3c4b5a69788");
	field_is(&g, 1, "cmd", "date");
	got_free(&g);
}
END_TEST

static Suite *
cw_suite(void)
{
	Suite *s = suite_create("cwformats");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_stream_escapes);
	tcase_add_test(tc, test_stream_interleaved);
	tcase_add_test(tc, test_events_pages);
	tcase_add_test(tc, test_events_text_join);
	tcase_add_test(tc, test_events_bad);
	tcase_add_test(tc, test_stream_bad_time_keeps_lines);
	tcase_add_test(tc, test_event_too_big);
	tcase_add_test(tc, test_detect);
	tcase_add_test(tc, test_firehose_cut);
	tcase_add_test(tc, test_subscription_base64);
	tcase_add_test(tc, test_subscription_key_order);
	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_trail_any_order);
	tcase_add_test(tc, test_describe_dates);
	tcase_add_test(tc, test_sort);
	tcase_add_test(tc, test_sort_runs);
	tcase_add_test(tc, test_sort_run_file_missing_dir);
	tcase_add_test(tc, test_sort_run_file_fills);
	tcase_add_test(tc, test_export_sorted);
	tcase_add_test(tc, test_export_stream_folder);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(cw_suite)
