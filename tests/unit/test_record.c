/*
 * test_record.c: records and their JSON Lines form (lib/core/record.c,
 * records.md).  Output is compared byte for byte (key order is part of
 * the contract) and parsed back with jansson.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check_main.h"
#include "internal.h"

/* r as JSON; checks it is one line that jansson reads as an object. */
static char *
to_json(const struct sl_record *r)
{
	struct sl_buf b;
	json_error_t err;
	json_t *v;
	char *s;

	sl_buf_init(&b);
	sl_record_to_json(&b, r);
	ck_assert_uint_gt(b.len, 0);
	ck_assert_int_eq(b.buf[b.len - 1], '\n');
	ck_assert_ptr_eq(memchr(b.buf, '\n', b.len), b.buf + b.len - 1);
	ck_assert_uint_eq(strlen(b.buf), b.len);
	v = json_loadb(b.buf, b.len, JSON_ALLOW_NUL, &err);
	ck_assert_msg(v != NULL, "jansson rejected [%s]: %s", b.buf, err.text);
	ck_assert(json_is_object(v));
	json_decref(v);
	s = sl_xstrdup(b.buf);
	sl_buf_free(&b);
	return s;
}

static void
expect_json(const struct sl_record *r, const char *want)
{
	char *got = to_json(r);

	ck_assert_msg(strcmp(got, want) == 0, "got  %swant %s", got, want);
	free(got);
}

/* ---------------------------------------------------------------- init */

START_TEST(record_init_clears)
{
	struct sl_record r;
	size_t i;

	memset(&r, 0xa5, sizeof(r));
	sl_record_init(&r, SL_NOTE, "s-1", "f:2");
	ck_assert_int_eq(r.type, SL_NOTE);
	ck_assert_str_eq(r.session, "s-1");
	ck_assert_str_eq(r.src, "f:2");
	ck_assert_int_eq(r.src_line, 0);
	ck_assert_int_eq(r.n, 0);
	ck_assert_ptr_null(r.text);
	ck_assert_uint_eq(r.len, 0);
	ck_assert_ptr_null(r.time);
	ck_assert_int_eq(r.has_prompt, 0);
	ck_assert_uint_eq(r.prompt_len, 0);
	ck_assert_int_eq(r.cont, 0);
	ck_assert_ptr_null(r.spans);
	ck_assert_uint_eq(r.nspans, 0);
	for (i = 0; i < SL_F_COUNT; i++)
		ck_assert_ptr_null(r.f[i]);
	ck_assert_ptr_null(r.extra);
	ck_assert_uint_eq(r.nextra, 0);
	ck_assert_ptr_null(r.code);
	ck_assert_int_eq(r.count, -1);
	ck_assert_ptr_null(r.redacted);
	ck_assert_uint_eq(r.nredacted, 0);
}
END_TEST

/* ------------------------------------------------------------- session */

START_TEST(session_all_fields_in_order)
{
	static const struct sl_kv extra[] = {
		{ "zeta", "z" }, { "alpha", "a" }, { "none", NULL },
	};
	struct sl_record r;

	sl_record_init(&r, SL_SESSION, "alice-0a1b2c3d4e5f67890",
	    "logs/alice-0a1b2c3d4e5f67890.log:1");
	/* Set in reverse so that order can only come from the writer. */
	r.f[SL_F_ORIGIN] = "typescript";
	r.f[SL_F_USER_AGENT] = "aws-cli/2.15";
	r.f[SL_F_SOURCE_IP] = "203.0.113.7";
	r.f[SL_F_REASON] = "done";
	r.f[SL_F_STATUS] = "Terminated";
	r.f[SL_F_END_LOCAL] = "Tue Sep 29 17:00:00 2020";
	r.f[SL_F_START_LOCAL] = "Tue Sep 29 16:58:03 2020";
	r.f[SL_F_END_SRC] = "typescript-trailer";
	r.f[SL_F_END] = "2024-05-01T12:30:00.000Z";
	r.f[SL_F_START_SRC] = "cloudtrail";
	r.f[SL_F_START] = "2024-05-01T12:00:00.000Z";
	r.f[SL_F_KIND] = "shell";
	r.f[SL_F_DOCUMENT] = "SSM-SessionManagerRunShell";
	r.f[SL_F_ACCOUNT] = "123456789012";
	r.f[SL_F_REGION] = "eu-west-1";
	r.f[SL_F_RUN_AS] = "ssm-user";
	r.f[SL_F_HOST] = "ip-10-0-1-11";
	r.f[SL_F_TARGET] = "i-0abc123def4567890";
	r.f[SL_F_OWNER] = "arn:aws:iam::123456789012:user/alice";
	r.f[SL_F_PRINCIPAL] = "alice";
	r.extra = extra;
	r.nextra = 3;
	expect_json(&r, "{\"type\":\"session\","
	    "\"session\":\"alice-0a1b2c3d4e5f67890\","
	    "\"principal\":\"alice\","
	    "\"owner\":\"arn:aws:iam::123456789012:user/alice\","
	    "\"target\":\"i-0abc123def4567890\","
	    "\"host\":\"ip-10-0-1-11\","
	    "\"run_as\":\"ssm-user\","
	    "\"region\":\"eu-west-1\","
	    "\"account\":\"123456789012\","
	    "\"document\":\"SSM-SessionManagerRunShell\","
	    "\"kind\":\"shell\","
	    "\"start\":\"2024-05-01T12:00:00.000Z\","
	    "\"start_src\":\"cloudtrail\","
	    "\"end\":\"2024-05-01T12:30:00.000Z\","
	    "\"end_src\":\"typescript-trailer\","
	    "\"start_local\":\"Tue Sep 29 16:58:03 2020\","
	    "\"end_local\":\"Tue Sep 29 17:00:00 2020\","
	    "\"status\":\"Terminated\","
	    "\"reason\":\"done\","
	    "\"source_ip\":\"203.0.113.7\","
	    "\"user_agent\":\"aws-cli/2.15\","
	    "\"zeta\":\"z\",\"alpha\":\"a\","
	    "\"origin\":\"typescript\","
	    "\"src\":\"logs/alice-0a1b2c3d4e5f67890.log:1\"}\n");
}
END_TEST

START_TEST(session_unknown_left_out)
{
	struct sl_record r;

	sl_record_init(&r, SL_SESSION, "alice-0a1b2c3d4e5f67890", "-");
	r.f[SL_F_TARGET] = "i-0abc123def4567890";
	r.f[SL_F_END] = "2024-05-01T12:30:00.000Z";
	r.f[SL_F_ORIGIN] = "raw";
	expect_json(&r, "{\"type\":\"session\","
	    "\"session\":\"alice-0a1b2c3d4e5f67890\","
	    "\"target\":\"i-0abc123def4567890\","
	    "\"end\":\"2024-05-01T12:30:00.000Z\","
	    "\"origin\":\"raw\",\"src\":\"-\"}\n");
}
END_TEST

START_TEST(session_null)
{
	struct sl_record r;

	sl_record_init(&r, SL_SESSION, NULL, "-");
	expect_json(&r, "{\"type\":\"session\",\"session\":null,"
	    "\"src\":\"-\"}\n");
	sl_record_init(&r, SL_LINE, NULL, "-:1");
	r.n = 1;
	r.text = "x";
	r.len = 1;
	expect_json(&r, "{\"type\":\"line\",\"session\":null,\"n\":1,"
	    "\"text\":\"x\",\"src\":\"-:1\"}\n");
}
END_TEST

START_TEST(session_values_escaped)
{
	struct sl_record r;

	sl_record_init(&r, SL_SESSION, "we\"ird\\-1", "a\tb.log:1");
	r.f[SL_F_HOST] = "h\x01\xff";
	expect_json(&r, "{\"type\":\"session\",\"session\":\"we\\\"ird\\\\-1\","
	    "\"host\":\"h\\u0001\xef\xbf\xbd\",\"src\":\"a\\tb.log:1\"}\n");
}
END_TEST

/*
 * Extra keys come from input (formats/readers/records.c copies unknown keys of a
 * record stream), so they must be escaped like any other string.
 */
START_TEST(session_extra_keys_escaped)
{
	static const struct sl_kv extra[] = {
		{ "x\":\"forged", "v" }, { "tab\there", "w" },
	};
	struct sl_record r;
	json_t *v;
	char *s;

	sl_record_init(&r, SL_SESSION, "s-1", "-");
	r.extra = extra;
	r.nextra = 2;
	s = to_json(&r);
	v = json_loads(s, 0, NULL);
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_null(json_object_get(v, "forged"));
	ck_assert_str_eq(json_string_value(json_object_get(v, "x\":\"forged")),
	    "v");
	ck_assert_str_eq(json_string_value(json_object_get(v, "tab\there")),
	    "w");
	ck_assert_uint_eq(json_object_size(v), 5);
	json_decref(v);
	ck_assert_str_eq(s, "{\"type\":\"session\",\"session\":\"s-1\","
	    "\"x\\\":\\\"forged\":\"v\",\"tab\\there\":\"w\",\"src\":\"-\"}\n");
	free(s);
}
END_TEST

/* ---------------------------------------------------------------- line */

START_TEST(line_plain)
{
	struct sl_record r;

	sl_record_init(&r, SL_LINE, "alice-0a1b2c3d4e5f67890",
	    "logs/alice-0a1b2c3d4e5f67890.log:3");
	r.n = 2;
	r.text = "uid=1001(ssm-user) gid=1001(ssm-user)";
	r.len = strlen(r.text);
	expect_json(&r, "{\"type\":\"line\","
	    "\"session\":\"alice-0a1b2c3d4e5f67890\",\"n\":2,"
	    "\"text\":\"uid=1001(ssm-user) gid=1001(ssm-user)\","
	    "\"src\":\"logs/alice-0a1b2c3d4e5f67890.log:3\"}\n");
}
END_TEST

/*
 * The start of a record is kept from the last one while type and id are
 * the same: it must follow every change of either, an id rewritten in
 * place included, and never stand in for "", NULL or a long id.
 */
START_TEST(head_follows_session)
{
	static const struct {
		enum sl_type type;
		const char *sid;
		const char *want;
	} cases[] = {
		{ SL_SESSION, "", "{\"type\":\"session\",\"session\":\"\"," },
		{ SL_RAW, "", "{\"type\":\"raw\",\"session\":\"\"," },
		{ SL_LINE, "a-1", "{\"type\":\"line\",\"session\":\"a-1\"," },
		{ SL_LINE, "a-1", "{\"type\":\"line\",\"session\":\"a-1\"," },
		{ SL_NOTE, "a-1", "{\"type\":\"note\",\"session\":\"a-1\"," },
		{ SL_NOTE, "a-2", "{\"type\":\"note\",\"session\":\"a-2\"," },
		{ SL_NOTE, "", "{\"type\":\"note\",\"session\":\"\"," },
		{ SL_NOTE, NULL, "{\"type\":\"note\",\"session\":null," },
		{ SL_NOTE, "a\"2", "{\"type\":\"note\",\"session\":\"a\\\"2\"," },
		{ SL_NOTE, "a\"2", "{\"type\":\"note\",\"session\":\"a\\\"2\"," },
		{ SL_SESSION, "a\"2", "{\"type\":\"session\",\"session\":\"a\\\"2\"," },
	};
	char id[400], want[500];
	struct sl_record r;
	struct sl_buf b;
	size_t i;

	sl_buf_init(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sl_record_init(&r, cases[i].type, cases[i].sid, "f:1");
		sl_buf_reset(&b);
		sl_record_to_json(&b, &r);
		ck_assert_msg(strncmp(b.buf, cases[i].want,
		    strlen(cases[i].want)) == 0, "case %zu: %s", i, b.buf);
	}
	/* The same pointer with new contents, then ids past what is kept. */
	strcpy(id, "b-1");
	sl_record_init(&r, SL_LINE, id, "f:1");
	sl_buf_reset(&b);
	sl_record_to_json(&b, &r);
	id[2] = '2';
	sl_buf_reset(&b);
	sl_record_to_json(&b, &r);
	ck_assert_msg(strncmp(b.buf, "{\"type\":\"line\",\"session\":\"b-2\",",
	    31) == 0, "%s", b.buf);
	for (i = 0; i < 2; i++) {
		memset(id, 'x', 300);
		id[300] = '\0';
		id[299] = (char)('0' + i);
		snprintf(want, sizeof(want), "{\"type\":\"line\",\"session\":\"%s\",",
		    id);
		sl_buf_reset(&b);
		sl_record_to_json(&b, &r);
		ck_assert(strncmp(b.buf, want, strlen(want)) == 0);
	}
	sl_buf_free(&b);
}
END_TEST

START_TEST(line_prompt_cmd)
{
	struct sl_record r;

	sl_record_init(&r, SL_LINE, "alice-0a1b2c3d4e5f67890",
	    "logs/alice-0a1b2c3d4e5f67890.log:2");
	r.n = 1;
	r.text = "sh-5.2$ id";
	r.len = 10;
	r.has_prompt = 1;
	r.prompt_len = 8;
	expect_json(&r, "{\"type\":\"line\","
	    "\"session\":\"alice-0a1b2c3d4e5f67890\",\"n\":1,"
	    "\"text\":\"sh-5.2$ id\",\"prompt\":\"sh-5.2$ \",\"cmd\":\"id\","
	    "\"src\":\"logs/alice-0a1b2c3d4e5f67890.log:2\"}\n");
	/* A prompt length without has_prompt writes nothing. */
	r.has_prompt = 0;
	expect_json(&r, "{\"type\":\"line\","
	    "\"session\":\"alice-0a1b2c3d4e5f67890\",\"n\":1,"
	    "\"text\":\"sh-5.2$ id\","
	    "\"src\":\"logs/alice-0a1b2c3d4e5f67890.log:2\"}\n");
}
END_TEST

START_TEST(line_bare_prompt)
{
	struct sl_record r;

	sl_record_init(&r, SL_LINE, "s-1", "f:9");
	r.n = 7;
	r.text = "sh-4.2$";
	r.len = 7;
	r.has_prompt = 1;
	r.prompt_len = 7;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":7,"
	    "\"text\":\"sh-4.2$\",\"prompt\":\"sh-4.2$\",\"cmd\":\"\","
	    "\"src\":\"f:9\"}\n");
}
END_TEST

START_TEST(line_cont_time_order)
{
	struct sl_record r;

	sl_record_init(&r, SL_LINE, "s-1", "events.json#4");
	r.n = 1234567890123LL;
	r.text = ">> }";
	r.len = 4;
	r.has_prompt = 1;
	r.prompt_len = 3;
	r.cont = 1;
	r.time = "2024-05-01T12:00:00.123Z";
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\","
	    "\"n\":1234567890123,\"text\":\">> }\",\"prompt\":\">> \","
	    "\"cmd\":\"}\",\"cont\":true,"
	    "\"time\":\"2024-05-01T12:00:00.123Z\","
	    "\"src\":\"events.json#4\"}\n");
	/* time alone */
	r.has_prompt = 0;
	r.cont = 0;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\","
	    "\"n\":1234567890123,\"text\":\">> }\","
	    "\"time\":\"2024-05-01T12:00:00.123Z\","
	    "\"src\":\"events.json#4\"}\n");
}
END_TEST

START_TEST(line_text_by_length)
{
	struct sl_record r;

	/* text is taken by len: bytes past it do not count, NUL inside does */
	sl_record_init(&r, SL_LINE, "s-1", "f:1");
	r.n = 1;
	r.text = "ab\0cd";
	r.len = 5;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":1,"
	    "\"text\":\"ab\\u0000cd\",\"src\":\"f:1\"}\n");
	r.text = "abcdef";
	r.len = 3;
	r.has_prompt = 1;
	r.prompt_len = 1;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":1,"
	    "\"text\":\"abc\",\"prompt\":\"a\",\"cmd\":\"bc\","
	    "\"src\":\"f:1\"}\n");
	r.has_prompt = 0;
	r.text = "";
	r.len = 0;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":1,"
	    "\"text\":\"\",\"src\":\"f:1\"}\n");
}
END_TEST

START_TEST(line_text_escaped)
{
	struct sl_record r;

	sl_record_init(&r, SL_LINE, "s-1", "f:1");
	r.n = 1;
	r.text = "echo \"a\\b\"\t\xc3\xa9\x80";
	r.len = strlen(r.text);
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":1,"
	    "\"text\":\"echo \\\"a\\\\b\\\"\\t\xc3\xa9\xef\xbf\xbd\","
	    "\"src\":\"f:1\"}\n");
}
END_TEST

/* ---------------------------------------------------------------- note */

START_TEST(note_count)
{
	struct sl_record r;

	sl_record_init(&r, SL_NOTE, "s-1", "f:5");
	r.code = SL_NOTE_SKIPPED;
	r.text = "2 control messages skipped";
	r.len = strlen(r.text);
	r.count = 2;
	expect_json(&r, "{\"type\":\"note\",\"session\":\"s-1\","
	    "\"code\":\"skipped\",\"text\":\"2 control messages skipped\","
	    "\"count\":2,\"src\":\"f:5\"}\n");
	r.count = 0;
	expect_json(&r, "{\"type\":\"note\",\"session\":\"s-1\","
	    "\"code\":\"skipped\",\"text\":\"2 control messages skipped\","
	    "\"count\":0,\"src\":\"f:5\"}\n");
	r.count = -1;
	expect_json(&r, "{\"type\":\"note\",\"session\":\"s-1\","
	    "\"code\":\"skipped\",\"text\":\"2 control messages skipped\","
	    "\"src\":\"f:5\"}\n");
	r.count = -7;
	expect_json(&r, "{\"type\":\"note\",\"session\":\"s-1\","
	    "\"code\":\"skipped\",\"text\":\"2 control messages skipped\","
	    "\"src\":\"f:5\"}\n");
	r.count = 9000000000LL;
	expect_json(&r, "{\"type\":\"note\",\"session\":\"s-1\","
	    "\"code\":\"skipped\",\"text\":\"2 control messages skipped\","
	    "\"count\":9000000000,\"src\":\"f:5\"}\n");
}
END_TEST

START_TEST(note_no_text_extra)
{
	static const struct sl_kv extra[] = { { "program", "vim" },
	    { "skip", NULL } };
	struct sl_record r;

	sl_record_init(&r, SL_NOTE, NULL, "-:3");
	r.code = SL_NOTE_FULL_SCREEN;
	r.count = 12;
	r.extra = extra;
	r.nextra = 2;
	expect_json(&r, "{\"type\":\"note\",\"session\":null,"
	    "\"code\":\"full-screen\",\"text\":\"\",\"count\":12,"
	    "\"program\":\"vim\",\"src\":\"-:3\"}\n");
}
END_TEST

START_TEST(raw_record)
{
	struct sl_record r;

	sl_record_init(&r, SL_RAW, "s-1", "f:2");
	r.text = "\x1b[31mred\r\n";
	r.len = strlen(r.text);
	expect_json(&r, "{\"type\":\"raw\",\"session\":\"s-1\","
	    "\"text\":\"\\u001b[31mred\\r\\n\",\"src\":\"f:2\"}\n");
}
END_TEST

/* ------------------------------------------------------------ redacted */

START_TEST(redacted_list)
{
	static const char *const kinds[] = { "ipv4", "email", "aws-key" };
	struct sl_record r;

	sl_record_init(&r, SL_LINE, "s-1", "f:1");
	r.n = 3;
	r.text = "ssh [REDACTED]";
	r.len = strlen(r.text);
	r.redacted = kinds;
	r.nredacted = 3;
	r.time = "2024-05-01T12:00:00.000Z";
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":3,"
	    "\"text\":\"ssh [REDACTED]\",\"time\":\"2024-05-01T12:00:00.000Z\","
	    "\"redacted\":[\"ipv4\",\"email\",\"aws-key\"],\"src\":\"f:1\"}\n");
	r.nredacted = 1;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":3,"
	    "\"text\":\"ssh [REDACTED]\",\"time\":\"2024-05-01T12:00:00.000Z\","
	    "\"redacted\":[\"ipv4\"],\"src\":\"f:1\"}\n");
	r.nredacted = 0;
	expect_json(&r, "{\"type\":\"line\",\"session\":\"s-1\",\"n\":3,"
	    "\"text\":\"ssh [REDACTED]\",\"time\":\"2024-05-01T12:00:00.000Z\","
	    "\"src\":\"f:1\"}\n");

	sl_record_init(&r, SL_SESSION, "s-1", "f:1");
	r.f[SL_F_ORIGIN] = "records";
	r.redacted = kinds + 1;
	r.nredacted = 1;
	expect_json(&r, "{\"type\":\"session\",\"session\":\"s-1\","
	    "\"origin\":\"records\",\"redacted\":[\"email\"],"
	    "\"src\":\"f:1\"}\n");
	sl_record_init(&r, SL_NOTE, "s-1", "f:1");
	r.code = "rejected";
	r.text = "bad";
	r.len = 3;
	r.redacted = kinds + 2;
	r.nredacted = 1;
	expect_json(&r, "{\"type\":\"note\",\"session\":\"s-1\","
	    "\"code\":\"rejected\",\"text\":\"bad\","
	    "\"redacted\":[\"aws-key\"],\"src\":\"f:1\"}\n");
}
END_TEST

START_TEST(appends_to_buffer)
{
	struct sl_record r;
	struct sl_buf b;

	sl_buf_init(&b);
	sl_record_init(&r, SL_LINE, "s-1", "f:1");
	r.n = 1;
	r.text = "a";
	r.len = 1;
	sl_record_to_json(&b, &r);
	r.n = 2;
	r.text = "b";
	sl_record_to_json(&b, &r);
	ck_assert_str_eq(b.buf,
	    "{\"type\":\"line\",\"session\":\"s-1\",\"n\":1,\"text\":\"a\","
	    "\"src\":\"f:1\"}\n"
	    "{\"type\":\"line\",\"session\":\"s-1\",\"n\":2,\"text\":\"b\","
	    "\"src\":\"f:1\"}\n");
	sl_buf_free(&b);
}
END_TEST

/* Numbers as printf writes them, at every digit count and both ends. */
/* A line record numbered v comes out with v as printf writes it. */
static void
expect_n(long long v)
{
	struct sl_record r;
	char want[256];

	sl_record_init(&r, SL_LINE, "s", "f:1");
	r.n = v;
	r.text = "";
	snprintf(want, sizeof(want), "{\"type\":\"line\",\"session\":"
	    "\"s\",\"n\":%lld,\"text\":\"\",\"src\":\"f:1\"}\n", v);
	expect_json(&r, want);
}

START_TEST(numbers_as_printf)
{
	static const long long vals[] = {
		0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 99999,
		100000, 1234567, 10000000000LL, 9223372036854775807LL, -1, -10,
		-99, -100, -12345, -9223372036854775807LL - 1,
	};
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		expect_n(vals[i]);
	}
}
END_TEST

/* Record numbers that count up by one (kept and counted up in place),
 * across carries, repeats, steps back and signs, as printf has them. */
START_TEST(numbers_counting_up)
{
	static const long long vals[] = {
		7, 8, 9, 10, 11, 11, 98, 99, 100, 101, 5, 6, 999, 1000, 1001,
		-2, -1, 0, 1, 9223372036854775806LL, 9223372036854775807LL, 1,
	};
	long long v;
	size_t i;

	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		expect_n(vals[i]);
	}
	for (v = 0; v <= 10001; v++)
		expect_n(v);
}
END_TEST

/*
 * The record writer escapes text on its own (16 bytes at a time); it
 * must agree with sl_buf_json_str byte for byte on any text: every
 * length around the 16-byte steps, escapes and UTF-8 (valid, cut, C1,
 * malformed) at every offset.
 */
START_TEST(text_escaped_as_buf_json_str)
{
	static const char *const pieces[] = {
		"a", "\"", "\\", "\n", "\r", "\t", "\b", "\f", "\x01", "\x1b",
		"\x7f", "\xc3\xa9", "\xe2\x97\x8f", "\xf0\x9f\x98\x80",
		"\xc2\x9b", "\xc2\x85", "\xc2\xa0", "\xef\xbf\xbd", "\x80", "\xff", "\xe2\x97",
		"\xc3", "0123456789abcdef", " ",
	};
	const size_t npieces = sizeof(pieces) / sizeof(pieces[0]);
	struct sl_record r;
	struct sl_buf got, want, text;
	unsigned seed = 17;
	int round;

	sl_buf_init(&got);
	sl_buf_init(&want);
	sl_buf_init(&text);
	for (round = 0; round < 3000; round++) {
		int k, n = round % 40;

		sl_buf_reset(&text);
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			sl_buf_adds(&text, pieces[(seed >> 16) % npieces]);
		}
		sl_record_init(&r, SL_RAW, "s", "f:1");
		r.text = text.buf != NULL ? text.buf : "";
		r.len = text.len;
		sl_buf_reset(&got);
		sl_record_to_json(&got, &r);
		sl_buf_reset(&want);
		sl_buf_adds(&want, "{\"type\":\"raw\",\"session\":\"s\",\"text\":");
		sl_buf_json_str(&want, r.text, r.len);
		sl_buf_adds(&want, ",\"src\":\"f:1\"}\n");
		ck_assert_msg(got.len == want.len &&
		    memcmp(got.buf, want.buf, got.len) == 0,
		    "round %d: got %s want %s", round, got.buf, want.buf);
	}
	sl_buf_free(&got);
	sl_buf_free(&want);
	sl_buf_free(&text);
}
END_TEST

/*
 * Plain text of every length to 48 with one byte that needs an escape
 * (or is not ASCII) at every offset: the writer's whole blocks, its
 * last bytes read as the 16 that end the text, and the way it goes on
 * after an escape must all agree with sl_buf_json_str.
 */
START_TEST(text_escape_at_every_offset)
{
	static const char odd[] = { '"', '\\', '\n', '\x01', '\x7f', '\xc3' };
	struct sl_record r;
	struct sl_buf got, want;
	char text[48];
	size_t n, at, k;

	sl_buf_init(&got);
	sl_buf_init(&want);
	for (n = 1; n <= sizeof(text); n++)
		for (at = 0; at <= n; at++)
			for (k = 0; k < sizeof(odd); k++) {
				memset(text, 'a', n);
				if (at < n)	/* at == n: none */
					text[at] = odd[k];
				sl_record_init(&r, SL_LINE, "s", "f:1");
				r.text = text;
				r.len = n;
				sl_buf_reset(&got);
				sl_record_to_json(&got, &r);
				sl_buf_reset(&want);
				sl_buf_adds(&want, "{\"type\":\"line\",\"session\":"
				    "\"s\",\"n\":0,\"text\":");
				sl_buf_json_str(&want, text, n);
				sl_buf_adds(&want, ",\"src\":\"f:1\"}\n");
				ck_assert_msg(got.len == want.len &&
				    memcmp(got.buf, want.buf, got.len) == 0,
				    "n %zu at %zu: got %s want %s", n, at,
				    got.buf, want.buf);
			}
	sl_buf_free(&got);
	sl_buf_free(&want);
}
END_TEST

/* A record far past the buffer's first room: the writer grows it. */
START_TEST(long_text_grows_buffer)
{
	struct sl_record r;
	struct sl_buf b;
	char *text = malloc(100000);
	size_t i;

	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 100000; i++)
		text[i] = i % 7 == 0 ? '\n' : 'x';
	sl_buf_init(&b);
	sl_buf_adds(&b, "before;");
	sl_record_init(&r, SL_LINE, "s-1", "f:1");
	r.n = 1;
	r.text = text;
	r.len = 100000;
	sl_record_to_json(&b, &r);
	/* 14286 newlines become \n (2 bytes), the rest stay. */
	ck_assert_uint_eq(b.len, 7 + strlen("{\"type\":\"line\",\"session\":"
	    "\"s-1\",\"n\":1,\"text\":\"\",\"src\":\"f:1\"}\n") + 100000 + 14286);
	ck_assert_uint_eq(strlen(b.buf), b.len);
	ck_assert(strncmp(b.buf, "before;{\"type\":", 15) == 0);
	sl_buf_free(&b);
	free(text);
}
END_TEST

/* ---------------------------------------------------------- field names */

START_TEST(field_names)
{
	static const char *const want[SL_F_COUNT] = {
		"principal", "owner", "target", "host", "run_as", "region",
		"account", "document", "kind", "start", "start_src", "end",
		"end_src", "start_local", "end_local", "status", "reason",
		"source_ip", "user_agent", "origin",
	};
	int i, j;

	for (i = 0; i < SL_F_COUNT; i++) {
		const char *n = sl_field_name((enum sl_field)i);
		const char *c;

		ck_assert_ptr_nonnull(n);
		ck_assert_str_eq(n, want[i]);
		ck_assert_int_eq(sl_field_lookup(n), i);
		for (c = n; *c != '\0'; c++)
			ck_assert(islower((unsigned char)*c) || *c == '_');
		for (j = 0; j < i; j++)
			ck_assert_str_ne(n, sl_field_name((enum sl_field)j));
	}
	ck_assert_ptr_null(sl_field_name(SL_F_COUNT));
	ck_assert_ptr_null(sl_field_name((enum sl_field)-1));
	ck_assert_int_eq(sl_field_lookup(""), -1);
	ck_assert_int_eq(sl_field_lookup("type"), -1);
	ck_assert_int_eq(sl_field_lookup("session"), -1);
	ck_assert_int_eq(sl_field_lookup("src"), -1);
	ck_assert_int_eq(sl_field_lookup("Principal"), -1);
	ck_assert_int_eq(sl_field_lookup("principal "), -1);
	ck_assert_int_eq(sl_field_lookup("star"), -1);
}
END_TEST

static Suite *
record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, record_init_clears);
	tcase_add_test(tc, session_all_fields_in_order);
	tcase_add_test(tc, session_unknown_left_out);
	tcase_add_test(tc, session_null);
	tcase_add_test(tc, session_values_escaped);
	tcase_add_test(tc, session_extra_keys_escaped);
	tcase_add_test(tc, line_plain);
	tcase_add_test(tc, head_follows_session);
	tcase_add_test(tc, line_prompt_cmd);
	tcase_add_test(tc, line_bare_prompt);
	tcase_add_test(tc, line_cont_time_order);
	tcase_add_test(tc, line_text_by_length);
	tcase_add_test(tc, line_text_escaped);
	tcase_add_test(tc, note_count);
	tcase_add_test(tc, note_no_text_extra);
	tcase_add_test(tc, raw_record);
	tcase_add_test(tc, redacted_list);
	tcase_add_test(tc, appends_to_buffer);
	tcase_add_test(tc, numbers_counting_up);
	tcase_add_test(tc, field_names);
	tcase_add_test(tc, text_escaped_as_buf_json_str);
	tcase_add_test(tc, text_escape_at_every_offset);
	tcase_add_test(tc, long_text_grows_buffer);
	tcase_add_test(tc, numbers_as_printf);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(record_suite)
