/*
 * test_reccodec.c: the one binary form of a record (lib/core/reccodec.c)
 * that the -j pipe and sl-convert's spool carry.  Every field of struct
 * sl_record is listed in fields[] below and compared in same_record();
 * a field added to the struct and not here fails record_layout_known,
 * which says to add it to the codec and to this test.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "core/core.h"

/* ------------------------------------------------ the struct's fields */

struct field {
	const char *name;
	size_t off, size, align;
};

#define FIELD(m, type) { #m, offsetof(struct sl_record, m), \
	sizeof(((struct sl_record *)0)->m), _Alignof(type) }

/* In declaration order: every one is encoded and compared below. */
static const struct field fields[] = {
	FIELD(type, enum sl_type),
	FIELD(session, const char *),
	FIELD(src, const char *),
	FIELD(src_line, long long),
	FIELD(n, long long),
	FIELD(text, const char *),
	FIELD(len, size_t),
	FIELD(time, const char *),
	FIELD(has_prompt, int),
	FIELD(prompt_len, size_t),
	FIELD(cont, int),
	FIELD(cancelled, int),
	FIELD(redrawn, int),
	FIELD(uncertain, int),
	FIELD(expanded, const char *),
	FIELD(spans, const struct sl_span *),
	FIELD(nspans, size_t),
	FIELD(extra, const struct sl_kv *),
	FIELD(nextra, size_t),
	FIELD(code, const char *),
	FIELD(count, long long),
	FIELD(redacted, const char *const *),
	FIELD(nredacted, size_t),
	FIELD(f, const char *),
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static size_t
align_up(size_t n, size_t a)
{
	return (n + a - 1) / a * a;
}

/*
 * Each field starts where the one before it ends, rounded up to its
 * alignment, and the struct ends after the last: nothing between them
 * that this list does not know.
 */
START_TEST(record_layout_known)
{
	size_t i, end = 0;

	for (i = 0; i < NFIELDS; i++) {
		ck_assert_msg(fields[i].off == align_up(end, fields[i].align),
		    "struct sl_record has a field before '%s' that the codec "
		    "(lib/core/reccodec.c) and this test do not know",
		    fields[i].name);
		end = fields[i].off + fields[i].size;
	}
	ck_assert_msg(align_up(end, _Alignof(struct sl_record)) ==
	    sizeof(struct sl_record), "struct sl_record has a field after "
	    "'f' that the codec and this test do not know");
	ck_assert_uint_eq(NFIELDS, 24);
}
END_TEST

/* ------------------------------------------------------- round trips */

/* got, decoded from r: every field of fields[] the same. */
static void
same_record(const struct sl_record *got, const struct sl_record *r)
{
	size_t i;

	ck_assert_int_eq(got->type, r->type);
	ck_assert_pstr_eq(got->session, r->session);
	ck_assert_pstr_eq(got->src, r->src);
	ck_assert_int_eq(got->src_line, r->src_line);
	ck_assert_int_eq(got->n, r->n);
	ck_assert_uint_eq(got->len, r->len);
	ck_assert_int_eq(got->text == NULL, r->text == NULL);
	ck_assert(got->len == 0 || memcmp(got->text, r->text, r->len) == 0);
	ck_assert_pstr_eq(got->time, r->time);
	ck_assert_int_eq(got->has_prompt, r->has_prompt);
	ck_assert_uint_eq(got->prompt_len, r->prompt_len);
	ck_assert_int_eq(got->cont, r->cont);
	ck_assert_int_eq(got->cancelled, r->cancelled);
	ck_assert_int_eq(got->redrawn, r->redrawn);
	ck_assert_int_eq(got->uncertain, r->uncertain);
	ck_assert_pstr_eq(got->expanded, r->expanded);
	ck_assert_uint_eq(got->nspans, r->spans != NULL ? r->nspans : 0);
	for (i = 0; i < got->nspans; i++)
		ck_assert(memcmp(&got->spans[i], &r->spans[i],
		    sizeof(*r->spans)) == 0);
	ck_assert_uint_eq(got->nextra, r->nextra);
	for (i = 0; i < got->nextra; i++) {
		ck_assert_pstr_eq(got->extra[i].key, r->extra[i].key);
		ck_assert_pstr_eq(got->extra[i].val, r->extra[i].val);
	}
	ck_assert_pstr_eq(got->code, r->code);
	ck_assert_int_eq(got->count, r->count);
	ck_assert_uint_eq(got->nredacted, r->nredacted);
	for (i = 0; i < got->nredacted; i++)
		ck_assert_pstr_eq(got->redacted[i], r->redacted[i]);
	/* f is left uncleared in other records (sl.h): never read for them */
	for (i = 0; r->type == SL_SESSION && i < SL_F_COUNT; i++)
		ck_assert_pstr_eq(got->f[i], r->f[i]);
}

/* r encoded and decoded: the same record, the same JSON; cut, refused. */
static void
round_trip(const struct sl_record *r)
{
	struct sl_buf b, arrays, j1, j2;
	struct sl_record got;
	size_t i;

	sl_buf_init(&b);
	sl_buf_init(&arrays);
	sl_buf_init(&j1);
	sl_buf_init(&j2);
	sl_record_encode(&b, r);
	ck_assert_uint_eq(sl_record_size(b.buf, b.len), b.len);
	ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got, &arrays), b.len);
	same_record(&got, r);
	sl_record_to_json(&j1, r);
	sl_record_to_json(&j2, &got);
	ck_assert_str_eq(j2.buf, j1.buf);
	/* Every cut of it is refused, never read past. */
	for (i = 0; i < b.len; i++) {
		char *cut = malloc(i + 1);

		memcpy(cut, b.buf, i);
		ck_assert_uint_eq(sl_record_decode(cut, i, &got, &arrays), 0);
		/* ...also when its length says it is whole: the field reads
		 * themselves must stop at the end. */
		if (i >= 4) {
			uint32_t len = (uint32_t)(i - 4);

			memcpy(cut, &len, sizeof(len));
			ck_assert_uint_eq(sl_record_decode(cut, i, &got,
			    &arrays), 0);
		}
		free(cut);
	}
	sl_buf_free(&b);
	sl_buf_free(&arrays);
	sl_buf_free(&j1);
	sl_buf_free(&j2);
}

/* Every field of fields[] set to something not its default. */
START_TEST(every_field)
{
	static const struct sl_span spans[] = { { 0, 7, 1 }, { 9, 3, 0x102 } };
	static const struct sl_kv extra[] = { { "reason", "ops" },
	    { "region", NULL } };
	static const char *const kinds[] = { "aws-key", "password" };
	static const char *const values[] = { "v0", "v1", "v2" };
	struct sl_record r;
	size_t i;

	sl_record_init(&r, SL_SESSION, "alice-0a1b2c3d4e5f67890", "a.log:12");
	r.src_line = 12;
	r.n = 4;
	r.text = "alice$ ls\0-la";	/* a NUL inside: text has a length */
	r.len = 13;
	r.time = "2024-05-02T09:14:07.000Z";
	r.has_prompt = 1;
	r.prompt_len = 7;
	r.cont = r.cancelled = r.redrawn = r.uncertain = 1;
	r.expanded = "ls -la";
	r.spans = spans;
	r.nspans = 2;
	r.extra = extra;
	r.nextra = 2;
	r.code = "note-code";
	r.count = 41;
	r.redacted = kinds;
	r.nredacted = 2;
	for (i = 0; i < SL_F_COUNT; i++)
		r.f[i] = values[i % 3];
	round_trip(&r);
}
END_TEST

/* Each flag alone: none is read from another's bit. */
START_TEST(each_flag_alone)
{
	struct sl_record r;
	int *flags[] = { &r.has_prompt, &r.cont, &r.cancelled, &r.redrawn,
	    &r.uncertain };
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		sl_record_init(&r, SL_LINE, "s", "a.log:1");
		r.text = "$ x";
		r.len = 3;
		*flags[i] = 1;
		round_trip(&r);
	}
}
END_TEST

START_TEST(line_session_note)
{
	static const struct sl_span spans[] = { { 0, 7, 1 } };
	struct sl_record r;
	size_t i;

	sl_record_init(&r, SL_LINE, "alice-0a1b2c3d4e5f67890", "a.log:12");
	r.text = "alice$ ls";
	r.len = 9;
	r.spans = spans;
	r.nspans = 1;
	/* A line record leaves f uncleared (sl.h): never read for it. */
	memset(r.f, 0x5a, sizeof(r.f));
	round_trip(&r);
	sl_record_init(&r, SL_SESSION, "bob-0a1b2c3d4e5f67890", "d.json#3");
	for (i = 0; i < SL_F_COUNT; i++)
		r.f[i] = i % 2 ? "value" : NULL;
	round_trip(&r);
	sl_record_init(&r, SL_NOTE, NULL, "x.log");
	r.code = SL_NOTE_TRUNCATED;
	r.text = "cut short";
	r.len = 9;
	r.count = 42;
	round_trip(&r);
	sl_record_init(&r, SL_LINE, NULL, NULL);	/* all strings NULL */
	round_trip(&r);
}
END_TEST

/* ----------------------------------------------------- damaged bytes */

/* Records back to back decode one by one; a damaged one is refused. */
START_TEST(stream_and_damage)
{
	struct sl_record r, got;
	struct sl_buf b, arrays;
	uint32_t len;
	size_t one;

	sl_buf_init(&b);
	sl_buf_init(&arrays);
	sl_record_init(&r, SL_LINE, "s", "a.log:1");
	r.text = "$ id";
	r.len = 4;
	sl_record_encode(&b, &r);
	one = b.len;
	r.n = 2;
	sl_record_encode(&b, &r);
	ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got, &arrays), one);
	ck_assert_uint_eq(sl_record_decode(b.buf + one, b.len - one, &got,
	    &arrays), b.len - one);
	ck_assert_int_eq(got.n, 2);
	/* a prompt longer than the line */
	r.has_prompt = 1;
	r.prompt_len = 5;
	sl_buf_reset(&b);
	sl_record_encode(&b, &r);
	ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got, &arrays), 0);
	/* a length that leaves a byte over */
	r.has_prompt = 0;
	sl_buf_reset(&b);
	sl_record_encode(&b, &r);
	sl_buf_addc(&b, 'x');
	memcpy(&len, b.buf, sizeof(len));
	len++;
	memcpy(b.buf, &len, sizeof(len));
	ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got, &arrays), 0);
	/* an unknown type */
	sl_buf_reset(&b);
	sl_record_encode(&b, &r);
	b.buf[4] = (char)(SL_RAW + 1);
	ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got, &arrays), 0);
	sl_buf_free(&b);
	sl_buf_free(&arrays);
}
END_TEST

/*
 * Array counts a damaged record lies about: each of nspans, nextra and
 * nredacted (the last 12 bytes of a line with none) set past what the
 * bytes could hold, or just to what they could hold if each took less
 * than it does.  The record is refused, and nothing is allocated for
 * the lie (the arrays buffer stays small).
 */
START_TEST(oversized_array_counts)
{
	static const uint32_t lies[] = { UINT32_MAX, 0x10000000, 7, 1 };
	struct sl_record r, got;
	struct sl_buf b, arrays;
	size_t field, k;
	uint32_t v;

	sl_buf_init(&b);
	sl_buf_init(&arrays);
	sl_record_init(&r, SL_LINE, "s", "a.log:1");
	r.text = "$ id";
	r.len = 4;
	for (field = 0; field < 3; field++)
		for (k = 0; k < sizeof(lies) / sizeof(lies[0]); k++) {
			sl_buf_reset(&b);
			sl_record_encode(&b, &r);
			ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got,
			    &arrays), b.len);
			memcpy(&v, b.buf + b.len - 12 + 4 * field, sizeof(v));
			ck_assert_uint_eq(v, 0);
			v = lies[k];
			memcpy(b.buf + b.len - 12 + 4 * field, &v, sizeof(v));
			ck_assert_uint_eq(sl_record_decode(b.buf, b.len, &got,
			    &arrays), 0);
			ck_assert_uint_lt(arrays.cap, 4096);
		}
	sl_buf_free(&b);
	sl_buf_free(&arrays);
}
END_TEST

static Suite *
reccodec_suite(void)
{
	Suite *s = suite_create("reccodec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, record_layout_known);
	tcase_add_test(tc, every_field);
	tcase_add_test(tc, each_flag_alone);
	tcase_add_test(tc, line_session_note);
	tcase_add_test(tc, stream_and_damage);
	tcase_add_test(tc, oversized_array_counts);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(reccodec_suite)
