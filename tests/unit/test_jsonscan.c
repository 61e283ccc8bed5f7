/*
 * test_jsonscan.c: the incremental JSON scanner (lib/json/jsonscan.c) and
 * the push tokenizer (lib/json/jsontok.c).  Every document is also fed in
 * chunks of 1, 2, 3, 7 and 64 bytes (the tokenizer's in 1, 2, 3, 7), so
 * that strings, escapes and keys cut at any point are covered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check_main.h"
#include "internal.h"
#include "json/jsonscan.h"

/* A source over memory: chunks of `step` bytes, breaks at offsets. */
struct src {
	const char *p;
	size_t n, off, step;
	size_t brk[4];
	int nbrk, next;
};

static ssize_t
src_read(void *arg, void *buf, size_t n)
{
	struct src *s = arg;
	size_t k = s->n - s->off;

	if (s->next < s->nbrk && s->off == s->brk[s->next]) {
		s->next++;
		return SL_JS_READ_BREAK;
	}
	if (s->next < s->nbrk && s->brk[s->next] - s->off < k)
		k = s->brk[s->next] - s->off;
	if (k > s->step)
		k = s->step;
	if (k > n)
		k = n;
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static const size_t steps[] = { 1, 2, 3, 7, 64, 1 << 20 };
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static struct sl_jscan *
open_src(struct src *s, const char *text, size_t step)
{
	memset(s, 0, sizeof(*s));
	s->p = text;
	s->n = strlen(text);
	s->step = step;
	return sl_jscan_new(src_read, s);
}

/* Each element of "events" in every document, joined by '|'. */
static void
events_of(struct sl_jscan *js, struct sl_buf *out)
{
	struct sl_buf v;

	sl_buf_init(&v);
	while (sl_jscan_next(js) == SL_JS_VALUE) {
		ck_assert_int_eq(sl_jscan_type(js), '{');
		ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
		while (sl_jscan_next(js) == SL_JS_VALUE) {
			if (strcmp(sl_jscan_key(js), "events") != 0)
				continue;	/* skipped by next() */
			ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
			while (sl_jscan_next(js) == SL_JS_VALUE) {
				ck_assert_int_eq(sl_jscan_copy(js, &v, 1000),
				    SL_JS_OK);
				sl_buf_add(out, v.buf, v.len);
				sl_buf_addc(out, '|');
			}
		}
	}
	sl_buf_free(&v);
}

START_TEST(test_events_any_order)
{
	static const char doc[] =
	    "{\"nextForwardToken\": \"f/1\", \"events\": [\n"
	    "  {\"message\": \"a \\\"q\\\" \\\\\", \"timestamp\": 1},\n"
	    "  {\"timestamp\": 2, \"message\": \"{\\\"k\\\":[1,2]}\"}\n"
	    " ], \"x\": {\"events\": [9]}}"
	    "{\"events\":[]}"		/* an empty page, concatenated */
	    "\n{\"events\":[\"s\",12,true,null,[1,[2]]]}\n";
	static const char want[] =
	    "{\"message\": \"a \\\"q\\\" \\\\\", \"timestamp\": 1}|"
	    "{\"timestamp\": 2, \"message\": \"{\\\"k\\\":[1,2]}\"}|"
	    "\"s\"|12|true|null|[1,[2]]|";
	struct sl_buf out;
	struct src s;
	size_t i;

	for (i = 0; i < NSTEPS; i++) {
		struct sl_jscan *js = open_src(&s, doc, steps[i]);

		sl_buf_init(&out);
		events_of(js, &out);
		ck_assert_int_eq(sl_jscan_errkind(js), SL_JSE_NONE);
		ck_assert_str_eq(out.buf, want);
		sl_buf_free(&out);
		sl_jscan_free(js);
	}
}
END_TEST

/* Backslash runs before a quote, at every cut: "\\" ends, "\"" not. */
START_TEST(test_escapes)
{
	static const char doc[] =
	    "[\"\\\\\",\"\\\\\\\"\",\"a\\\\\\\\\",\"\\u0022\",\"\\b\\u0008\"]";
	static const char *const want[] = { "\"\\\\\"", "\"\\\\\\\"\"",
	    "\"a\\\\\\\\\"", "\"\\u0022\"", "\"\\b\\u0008\"" };
	struct sl_buf v;
	struct src s;
	size_t i, k;

	sl_buf_init(&v);
	for (i = 0; i < NSTEPS; i++) {
		struct sl_jscan *js = open_src(&s, doc, steps[i]);

		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
		for (k = 0; k < 5; k++) {
			ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
			ck_assert_int_eq(sl_jscan_copy(js, &v, 100), SL_JS_OK);
			ck_assert_str_eq(v.buf, want[k]);
		}
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		ck_assert_int_eq(sl_jscan_depth(js), 0);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		sl_jscan_free(js);
	}
	sl_buf_free(&v);
}
END_TEST

/* Keys are decoded: escapes, \u, a surrogate pair. */
START_TEST(test_keys)
{
	static const char doc[] = "{\"a\\u003cb\":1,\"\\ud83d\\ude00\":2,"
	    "\"t\\tn\\\"\":3}";
	struct src s;
	size_t i;

	for (i = 0; i < NSTEPS; i++) {
		struct sl_jscan *js = open_src(&s, doc, steps[i]);

		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_str_eq(sl_jscan_key(js), "a<b");
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_str_eq(sl_jscan_key(js), "\xf0\x9f\x98\x80");
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_str_eq(sl_jscan_key(js), "t\tn\"");
		ck_assert_int_eq(sl_jscan_type(js), '3');
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		sl_jscan_free(js);
	}
}
END_TEST

/* Lines and offsets of values, for src and messages. */
START_TEST(test_positions)
{
	static const char doc[] = "{\"a\":1}\n{\"b\":\n  [2,\n   3]}\n\n\"x\"";
	struct sl_jscan *js = sl_jscan_mem(doc, strlen(doc));

	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_line(js), 1);
	ck_assert_int_eq(sl_jscan_offset(js), 0);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_line(js), 2);
	ck_assert_int_eq(sl_jscan_offset(js), 8);
	ck_assert_int_eq(sl_jscan_skip(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_cur_line(js), 4);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_line(js), 6);
	ck_assert_int_eq(sl_jscan_type(js), '"');
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
	sl_jscan_free(js);
}
END_TEST

START_TEST(test_too_big)
{
	static const char doc[] = "[\"0123456789\",\"ok\",[\"01234567\"]]";
	struct sl_buf v;
	struct sl_jscan *js = sl_jscan_mem(doc, strlen(doc));

	sl_buf_init(&v);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_copy(js, &v, 12), SL_JS_OK);	/* at */
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_copy(js, &v, 3), SL_JS_BIG);	/* past */
	ck_assert_uint_eq(v.len, 0);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_copy(js, &v, 11), SL_JS_BIG);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
	sl_buf_free(&v);
	sl_jscan_free(js);
}
END_TEST

/* Nesting at the limit is fine, past it the value is skipped whole. */
START_TEST(test_depth)
{
	struct sl_buf doc, v;
	struct sl_jscan *js;
	int i, k;

	for (k = SL_JSON_DEPTH; k <= SL_JSON_DEPTH + 1; k++) {
		sl_buf_init(&doc);
		sl_buf_init(&v);
		sl_buf_adds(&doc, "{\"events\":[");
		for (i = 0; i < k; i++)
			sl_buf_addc(&doc, '[');
		for (i = 0; i < k; i++)
			sl_buf_addc(&doc, ']');
		sl_buf_adds(&doc, ",{\"after\":1}]}");
		js = sl_jscan_mem(doc.buf, doc.len);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_int_eq(sl_jscan_copy(js, &v, 1000),
		    k > SL_JSON_DEPTH ? SL_JS_DEEP : SL_JS_OK);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
		ck_assert_int_eq(sl_jscan_copy(js, &v, 1000), SL_JS_OK);
		ck_assert_str_eq(v.buf, "{\"after\":1}");
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		sl_jscan_free(js);
		sl_buf_free(&doc);
		sl_buf_free(&v);
	}
}
END_TEST

/* A bomb that never closes: the end of input, not a crash or a stack. */
START_TEST(test_bomb_unclosed)
{
	size_t n = 10 * 1000 * 1000;
	char *doc = malloc(n + 1);
	struct sl_jscan *js;

	memset(doc, '[', n);
	doc[n] = '\0';
	js = sl_jscan_mem(doc, n);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_skip(js), SL_JS_ERR);
	ck_assert_int_eq(sl_jscan_errkind(js), SL_JSE_TRUNCATED);
	sl_jscan_free(js);
	free(doc);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char *doc;
		int kind;
		const char *msg;
		long long line;
	} cases[] = {
		{ "{\"events\":[{\"a\":1}", SL_JSE_TRUNCATED,
		  "unexpected end of input inside an array", 1 },
		{ "{\"events\":[{\"a\":\"x", SL_JSE_TRUNCATED,
		  "unexpected end of input inside a string", 1 },
		{ "{\n\"events\" [1]}", SL_JSE_SYNTAX,
		  "expected ':' after key \"events\", found '['", 2 },
		{ "{\"events\":[1 2]}", SL_JSE_SYNTAX,
		  "expected ',' or ']', found '2'", 1 },
		{ "{\"events\":[1,]}", SL_JSE_SYNTAX,
		  "expected a value, found ']'", 1 },
		{ "{\"events\":[{\"a\":[}]}", SL_JSE_SYNTAX,
		  "mismatched '}'", 1 },
		{ "{\"events\":[],}", SL_JSE_SYNTAX,
		  "expected a key, found '}'", 1 },
		{ "]", SL_JSE_SYNTAX, "expected a JSON value, found ']'", 1 },
	};
	struct sl_buf out;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sl_jscan *js = sl_jscan_mem(cases[i].doc,
		    strlen(cases[i].doc));
		int rc;

		sl_buf_init(&out);
		while ((rc = sl_jscan_next(js)) == SL_JS_VALUE) {
			if (sl_jscan_type(js) != '{')
				continue;
			if (sl_jscan_enter(js) != SL_JS_OK)
				break;
			while ((rc = sl_jscan_next(js)) == SL_JS_VALUE) {
				if (sl_jscan_enter(js) != SL_JS_OK)
					break;
				while ((rc = sl_jscan_next(js)) ==
				    SL_JS_VALUE)
					if (sl_jscan_copy(js, &out, 100) ==
					    SL_JS_ERR)
						break;
			}
			if (rc == SL_JS_ERR)
				break;
		}
		ck_assert_msg((int)sl_jscan_errkind(js) == cases[i].kind,
		    "case %zu: kind %d", i, sl_jscan_errkind(js));
		ck_assert_str_eq(sl_jscan_error(js), cases[i].msg);
		ck_assert_int_eq(sl_jscan_err_line(js), cases[i].line);
		/* Dead until recovered; then the end. */
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_ERR);
		sl_jscan_recover(js);
		ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
		sl_jscan_free(js);
		sl_buf_free(&out);
	}
}
END_TEST

/*
 * A break (a corrupt gzip member skipped) inside a document: that
 * document fails, the next one parses; between documents it is nothing.
 */
START_TEST(test_break)
{
	static const char doc[] =
	    "{\"events\":[{\"m\":\"one\"}]}"	/* 0..23 */
	    "{\"events\":[{\"m\":\"tw"		/* cut at 43 */
	    "{\"events\":[{\"m\":\"three\"}]}";
	struct sl_buf out, v;
	struct src s;
	size_t i;
	int rc;

	for (i = 0; i < NSTEPS; i++) {
		struct sl_jscan *js = open_src(&s, doc, steps[i]);

		s.brk[0] = 24;		/* between: harmless */
		s.brk[1] = 43;
		s.nbrk = 2;
		sl_buf_init(&out);
		sl_buf_init(&v);
		for (;;) {
			rc = sl_jscan_next(js);
			if (rc == SL_JS_END)
				break;
			if (rc == SL_JS_ERR) {
				ck_assert_int_eq(sl_jscan_errkind(js),
				    SL_JSE_BREAK);
				sl_buf_adds(&out, "ERR|");
				sl_jscan_recover(js);
				continue;
			}
			ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
			while ((rc = sl_jscan_next(js)) == SL_JS_VALUE) {
				ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
				while ((rc = sl_jscan_next(js)) ==
				    SL_JS_VALUE) {
					if ((rc = sl_jscan_copy(js, &v, 100)) !=
					    SL_JS_OK)
						break;
					sl_buf_add(&out, v.buf, v.len);
					sl_buf_addc(&out, '|');
				}
				if (rc == SL_JS_ERR)
					break;
			}
			if (rc == SL_JS_ERR) {
				ck_assert_int_eq(sl_jscan_errkind(js),
				    SL_JSE_BREAK);
				sl_buf_adds(&out, "ERR|");
				sl_jscan_recover(js);
			}
		}
		ck_assert_str_eq(out.buf, "{\"m\":\"one\"}|ERR|"
		    "{\"m\":\"three\"}|");
		sl_buf_free(&out);
		sl_buf_free(&v);
		sl_jscan_free(js);
	}
}
END_TEST

/* A syntax error throws away input up to the next break. */
START_TEST(test_recover_at_break)
{
	static const char doc[] = "{\"a\" 1}garbage{\"b\":2}";
	struct src s;
	struct sl_jscan *js = open_src(&s, doc, 4);

	s.brk[0] = 14;
	s.nbrk = 1;
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_ERR);
	sl_jscan_recover(js);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_offset(js), 14);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_str_eq(sl_jscan_key(js), "b");
	ck_assert_int_eq(sl_jscan_leave(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
	sl_jscan_free(js);
}
END_TEST

/* What is copied is what jansson reads: a double-encoded message. */
START_TEST(test_copy_for_jansson)
{
	static const char doc[] = "{\"events\":[{\"message\":\"{\\\"sessionData"
	    "\\\":[\\\"\\\\u001b]0;t\\\\u0007$ ls\\\"]}\"}]}";
	struct sl_jscan *js = sl_jscan_mem(doc, strlen(doc));
	struct sl_buf v;
	json_t *ev, *msg, *sd;
	const char *s;

	sl_buf_init(&v);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_copy(js, &v, 1000), SL_JS_OK);
	ev = json_loadb(v.buf, v.len, 0, NULL);
	ck_assert_ptr_nonnull(ev);
	s = json_string_value(json_object_get(ev, "message"));
	msg = json_loads(s, 0, NULL);
	ck_assert_ptr_nonnull(msg);
	sd = json_array_get(json_object_get(msg, "sessionData"), 0);
	ck_assert_str_eq(json_string_value(sd), "\x1b]0;t\x07$ ls");
	json_decref(msg);
	json_decref(ev);
	sl_buf_free(&v);
	sl_jscan_free(js);
}
END_TEST

/* Strings decoded in one pass, as strictly as jansson reads them. */
START_TEST(test_unquote)
{
	static const struct {
		const char *in;
		const char *out;
		size_t outlen;		/* out NULL: must fail */
	} cases[] = {
		{ "\"plain ascii text, long enough for words\"",
		  "plain ascii text, long enough for words", 39 },
		{ "\"\\u001b]0;t\\u0007$ \\u003cx\\u003e \\u0026\"",
		  "\x1b]0;t\x07$ <x> &", 13 },
		{ "\"a\\bb\\u0008c\\f\\u000c\"", "a\bb\bc\f\f", 7 },
		{ "\"\\ud83d\\ude00 caf\xc3\xa9 \xef\xbf\xbd\"",
		  "\xf0\x9f\x98\x80 caf\xc3\xa9 \xef\xbf\xbd", 14 },
		{ "\"\\\"q\\\" \\\\ \\/\"", "\"q\" \\ /", 7 },
		{ "\"nul\\u0000in\"", "nul\0in", 6 },
		{ "\"\"", "", 0 },
		{ "\"\\ud83d alone\"", NULL, 0 },	/* unpaired */
		{ "\"\\ude00\"", NULL, 0 },
		{ "\"raw\ttab\"", NULL, 0 },		/* control byte */
		{ "\"bad \xc3\x28 utf-8\"", NULL, 0 },
		{ "\"\\x41\"", NULL, 0 },
		{ "\"\\u12\"", NULL, 0 },
		{ "\"open", NULL, 0 },
		{ "\"a\"b\"", NULL, 0 },		/* more after the end */
	};
	struct sl_buf b;
	size_t i, n;
	int rc;

	sl_buf_init(&b);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = strlen(cases[i].in);
		sl_buf_reset(&b);
		sl_buf_adds(&b, "pre");
		rc = sl_json_unquote(cases[i].in, n, &b);
		if (cases[i].out == NULL) {
			ck_assert_msg(rc == -1, "case %zu accepted", i);
			continue;
		}
		ck_assert_msg(rc == 0, "case %zu refused", i);
		ck_assert_uint_eq(b.len, 3 + cases[i].outlen);
		ck_assert_mem_eq(b.buf, "pre", 3);
		if (cases[i].outlen > 0)
			ck_assert_mem_eq(b.buf + 3, cases[i].out,
			    cases[i].outlen);
		/* jansson agrees. */
		{
			json_t *j = json_loadb(cases[i].in, n, JSON_DECODE_ANY |
			    JSON_ALLOW_NUL, NULL);

			ck_assert_ptr_nonnull(j);
			ck_assert_uint_eq(json_string_length(j),
			    cases[i].outlen);
			json_decref(j);
		}
	}
	sl_buf_free(&b);
}
END_TEST

/* In a memory scanner: decoded in place, the scan goes on after it. */
START_TEST(test_scan_unquote)
{
	static const char doc[] = "{\"a\":\"x\\ty\",\"b\":\"bad\\q\",\"c\":1}";
	struct sl_jscan *js = sl_jscan_mem(doc, strlen(doc));
	struct sl_buf b;

	sl_buf_init(&b);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_unquote(js, &b), SL_JS_OK);
	ck_assert_str_eq(b.buf, "x\ty");
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_unquote(js, &b), SL_JS_ERR);
	/* Refused, not consumed: it can still be skipped. */
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_str_eq(sl_jscan_key(js), "c");
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_END);
	sl_buf_free(&b);
	sl_jscan_free(js);
}
END_TEST

/*
 * Keys as written, for a strict decode (records): plain and escaped keys,
 * a key past the 255 bytes sl_jscan_key() keeps, and the scan offset;
 * strings of every length around the 16- and 8-byte blocks, each with a
 * quote, backslash, control or non-ASCII byte at every place.
 */
START_TEST(test_key_raw)
{
	static const char doc[] = "{\"plain\":1, \"t\\u0079pe\":\"x\"}";
	char big[600], lit[64], want[64];
	struct sl_jscan *js = sl_jscan_mem(doc, strlen(doc));
	struct sl_buf b;
	const char *p;
	size_t n, len, at;

	sl_buf_init(&b);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	sl_jscan_key_raw(js, &p, &n);
	ck_assert_int_eq((int)n, 7);
	ck_assert_int_eq(memcmp(p, "\"plain\"", n), 0);
	ck_assert_int_eq(sl_jscan_skip(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_cur_offset(js), 10);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_str_eq(sl_jscan_key(js), "type");
	sl_jscan_key_raw(js, &p, &n);
	ck_assert_int_eq(sl_json_unquote(p, n, &b), 0);
	ck_assert_str_eq(b.buf, "type");
	sl_jscan_free(js);

	memset(big, 'k', sizeof(big));
	big[0] = '{';
	big[1] = '"';
	memcpy(big + 400, "\":1}", 5);
	js = sl_jscan_mem(big, 405);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq(sl_jscan_enter(js), SL_JS_OK);
	ck_assert_int_eq(sl_jscan_next(js), SL_JS_VALUE);
	ck_assert_int_eq((int)strlen(sl_jscan_key(js)), 255);
	sl_jscan_key_raw(js, &p, &n);
	ck_assert_int_eq((int)n, 400);
	sl_jscan_free(js);

	for (len = 0; len < 40; len++)
		for (at = 0; at <= len; at++) {
			int bad;

			memset(lit, 'a', sizeof(lit));
			lit[0] = '"';
			lit[len + 1] = '"';
			memset(want, 'a', len);
			want[len] = '\0';
			bad = at < len;
			if (bad)
				lit[at + 1] = (char)(at % 3 == 0 ? 0x01 :
				    at % 3 == 1 ? 0x80 : '\\');
			sl_buf_reset(&b);
			ck_assert_int_eq(sl_json_unquote(lit, len + 2, &b),
			    bad ? -1 : 0);
			if (!bad)
				ck_assert_str_eq(b.buf, want);
		}
	sl_buf_free(&b);
}
END_TEST

#define ALPHA	"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_-+=!@#$%^&*()"

/*
 * The decode copies plain runs a 16-byte block at a time: strings of
 * every length around the blocks, each with an escape or a non-ASCII
 * character at every place, appended to a buffer that already holds
 * text, from an exact-size copy (ASan sees a read past it).
 */
START_TEST(test_decode_every_place)
{
	static const struct { const char *in, *out; } kinds[] = {
		{ "\\\"", "\"" }, { "\\n", "\n" }, { "\\u00e9", "\xc3\xa9" },
		{ "\xc3\xa9", "\xc3\xa9" }, { "\\ud83d\\ude00", "\xf0\x9f\x98\x80" },
	};
	char lit[128], want[128];
	struct sl_buf b;
	size_t len, at, k, n, w;

	sl_buf_init(&b);
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
		for (len = 0; len < 70; len++)
			for (at = 0; at <= len; at++) {
				char *copy;

				n = (size_t)snprintf(lit, sizeof(lit),
				    "\"%.*s%s%.*s\"", (int)at, ALPHA,
				    kinds[k].in, (int)(len - at), ALPHA + at);
				w = (size_t)snprintf(want, sizeof(want),
				    "pre%.*s%s%.*s", (int)at, ALPHA,
				    kinds[k].out, (int)(len - at), ALPHA + at);
				copy = malloc(n);
				memcpy(copy, lit, n);
				sl_buf_reset(&b);
				sl_buf_adds(&b, "pre");
				ck_assert_int_eq(sl_json_unquote(copy, n, &b), 0);
				ck_assert_uint_eq(b.len, w);
				ck_assert_str_eq(b.buf, want);
				free(copy);
			}
	sl_buf_free(&b);
}
END_TEST

START_TEST(test_probe_keys)
{
	static const char doc[] = "\xef\xbb\xbf {\"nextToken\":\"x\",\"results\":"
	    "[[{\"field\":\"@timestamp\",\"value\":\"v\"}],[{\"other\":1}]],"
	    "\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}\n{";
	struct sl_jkeys k;

	sl_jkeys_probe(doc, strlen(doc), &k);
	ck_assert(k.object);
	ck_assert(k.whole);
	ck_assert_int_eq(doc[k.end], '\n');
	ck_assert(sl_jkeys_has(&k, "nextToken"));
	ck_assert(sl_jkeys_has(&k, "results"));
	ck_assert(sl_jkeys_has(&k, "results[]"));
	ck_assert(sl_jkeys_has(&k, "results[][]"));
	ck_assert(sl_jkeys_has(&k, "results[][].field"));
	ck_assert(!sl_jkeys_has(&k, "results[][].other"));
	ck_assert(sl_jkeys_has(&k, "a.b.c.d"));
	ck_assert(!sl_jkeys_has(&k, "a.b.c.d.e"));	/* too deep */

	/* Cut short by the peek: the keys seen so far. */
	sl_jkeys_probe("{\"events\":[{\"message\":\"ab", 25, &k);
	ck_assert(k.object);
	ck_assert(!k.whole);
	ck_assert(sl_jkeys_has(&k, "events[].message"));

	sl_jkeys_probe("Script started on", 17, &k);
	ck_assert(!k.object);
	ck_assert_int_eq(k.n, 0);
}
END_TEST

/* ------------------------------------------------ the push tokenizer */

/* What the tokenizer reported, as text: verbatim and string bytes
 * joined (must give the input back), and one line per string. */
struct tok_log {
	struct sl_buf all;
	struct sl_buf strs;
	struct sl_buf keys;	/* "-" for a key, else its key; spaced */
	int docs;
};

static void
log_verbatim(void *arg, const char *p, size_t n)
{
	sl_buf_add(&((struct tok_log *)arg)->all, p, n);
}

static void
log_start(void *arg, const char *p)
{
	(void)p;
	sl_buf_adds(&((struct tok_log *)arg)->strs, "<");
}

static void
log_bytes(void *arg, const char *p, size_t n)
{
	struct tok_log *l = arg;

	sl_buf_add(&l->all, p, n);
	sl_buf_add(&l->strs, p, n);
}

static void
log_end(void *arg, int role, const char *key)
{
	struct tok_log *l = arg;

	sl_buf_adds(&l->strs, role == SL_JTOK_KEY ? ">K\n" : ">V\n");
	sl_buf_adds(&l->keys, role == SL_JTOK_KEY ? "-" : key);
	sl_buf_adds(&l->keys, " ");
}

static void
log_doc(void *arg)
{
	((struct tok_log *)arg)->docs++;
}

/* Feed doc in pieces of step bytes; the tokenizer's final status. */
static int
tok_run(const char *doc, size_t step, struct tok_log *l, struct sl_jtok *t)
{
	const struct sl_jtok_cb cb = { log_verbatim, log_start, log_bytes,
	    log_end, log_doc, l };
	size_t n = strlen(doc), i, k;

	memset(l, 0, sizeof(*l));
	sl_jtok_init(t);
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		if (sl_jtok_feed(t, doc + i, k, &cb) != k)
			return -1;
	}
	return sl_jtok_end(t);
}

START_TEST(test_tok_pieces)
{
	static const char doc[] = "{\"k\": [\"v\\u0041\", {\"x\":"
	    "\"y\\\"z\"}, 1.5e3, true, null],\n \"s\":\"\"}\n\"top\" [-0]";
	static const size_t pieces[] = { 1, 2, 3, 7, 1000 };
	size_t i;

	for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
		struct tok_log l;
		struct sl_jtok t;

		ck_assert_int_eq(tok_run(doc, pieces[i], &l, &t), 0);
		/* Nothing lost or added: the pieces are the input. */
		ck_assert_str_eq(l.all.buf, doc);
		/* Strings as written. */
		ck_assert_str_eq(l.strs.buf, "<k>K\n<v\\u0041>V\n<x>K\n"
		    "<y\\\"z>V\n<s>K\n<>V\n<top>V\n");
		/*
		 * With the key each value belongs to: known when the key
		 * came whole in one piece (the redactor feeds whole lines).
		 */
		if (pieces[i] > sizeof(doc))
			ck_assert_str_eq(l.keys.buf, "- k - x - s  ");
		ck_assert_int_eq(l.docs, 2);	/* containers only */
		ck_assert_int_eq(t.values, 3);
		ck_assert_int_eq(t.line, 3);
		sl_buf_free(&l.all);
		sl_buf_free(&l.strs);
		sl_buf_free(&l.keys);
	}
}
END_TEST

START_TEST(test_tok_errors)
{
	static const struct {
		const char *in, *err;
		size_t taken;	/* bytes taken before it stopped */
	} bad[] = {
		{ "{\"a\":1,}", "unexpected close", 7 },
		{ "[\"\\x\"]", "bad escape", 3 },
		{ "[\"\\u12g4\"]", "bad \\u escape", 6 },
		{ "[\"a\tb\"]", "control character in a string", 3 },
		{ "[01]", "not a value", 3 },
		{ "[1e]", "not a value", 3 },
		{ "{\"a\" 1}", "unexpected character", 5 },
		{ "{\"a\"::1}", "unexpected ':'", 5 },
		{ "[1,,2]", "unexpected ','", 3 },
		{ "[1}", "unexpected close", 2 },
		{ "{1:2}", "unexpected character", 1 },
		{ "[\"a\" \"b\"]", "unexpected string", 5 },
		{ "{]", "unexpected close", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		static const struct sl_jtok_cb none;
		struct sl_jtok t;
		size_t n = strlen(bad[i].in);

		sl_jtok_init(&t);
		ck_assert_msg(sl_jtok_feed(&t, bad[i].in, n, &none) ==
		    bad[i].taken, "%s", bad[i].in);
		ck_assert_str_eq(t.err, bad[i].err);
		ck_assert_int_eq(sl_jtok_end(&t), -1);
	}
}
END_TEST

START_TEST(test_tok_end)
{
	static const struct sl_jtok_cb none;
	struct sl_jtok t;
	char deep[SL_JSON_DEPTH + 2];

	sl_jtok_init(&t);
	sl_jtok_feed(&t, "{\"a\":", 5, &none);
	ck_assert_int_eq(sl_jtok_end(&t), -1);
	ck_assert_str_eq(t.err, "the input ends inside a document");
	sl_jtok_init(&t);
	sl_jtok_feed(&t, "\"abc", 4, &none);
	ck_assert_int_eq(sl_jtok_end(&t), -1);
	ck_assert_str_eq(t.err, "the input ends inside a string");
	/* A number at the very end is complete only at the end. */
	sl_jtok_init(&t);
	sl_jtok_feed(&t, "123", 3, &none);
	ck_assert_int_eq(t.values, 0);
	ck_assert_int_eq(sl_jtok_end(&t), 0);
	ck_assert_int_eq(t.values, 1);
	sl_jtok_init(&t);
	sl_jtok_feed(&t, "tru", 3, &none);
	ck_assert_int_eq(sl_jtok_end(&t), -1);
	ck_assert_str_eq(t.err, "not a value");
	/* SL_JSON_DEPTH levels are fine, one more is not. */
	memset(deep, '[', sizeof(deep));
	sl_jtok_init(&t);
	ck_assert_uint_eq(sl_jtok_feed(&t, deep, SL_JSON_DEPTH, &none),
	    SL_JSON_DEPTH);
	ck_assert_ptr_null(t.err);
	ck_assert_uint_eq(sl_jtok_feed(&t, deep, 1, &none), 0);
	ck_assert_str_eq(t.err, "nested too deep");
}
END_TEST

START_TEST(test_tok_valid)
{
	ck_assert_int_eq(sl_jtok_valid("{} [1]\n\"s\"", 10), 1);
	ck_assert_int_eq(sl_jtok_valid(" \n", 2), 0);	/* no document */
	ck_assert_int_eq(sl_jtok_valid("{}x", 3), 0);
	ck_assert_int_eq(sl_jtok_valid("{\"a\":[}", 7), 0);
	ck_assert_int_eq(sl_json_literal_ok("-0.5E+10", 8), 1);
	ck_assert_int_eq(sl_json_literal_ok("false", 5), 1);
	ck_assert_int_eq(sl_json_literal_ok("nul", 3), 0);
	ck_assert_int_eq(sl_json_literal_ok("+1", 2), 0);
	ck_assert_int_eq(sl_json_literal_ok("1.", 2), 0);
	ck_assert_int_eq(sl_json_literal_ok("-", 1), 0);
}
END_TEST

/* Skim n bytes of doc in pieces of k: the length of the value, or -1. */
static long
skim_run(struct sl_jtok *t, const char *doc, size_t n, size_t k)
{
	size_t at = 0, step, got;

	sl_jtok_skim_start(t);
	while (at < n && !t->done) {
		step = n - at < k ? n - at : k;
		got = sl_jtok_skim(t, doc + at, step);
		at += got;
		if (t->err != NULL)
			return -1;
		if (got < step && !t->done)
			return -2;	/* stopped early without a reason */
	}
	return t->done || t->inlit ? (long)at : -3;
}

/* Skim mode: where a value ends, whatever the pieces. */
START_TEST(test_tok_skim)
{
	static const struct {
		const char *in;
		long end;		/* the value's length, or -1 */
	} cases[] = {
		{ "{\"a\":[1,{\"b\":\"}]\\\"\"}]} tail", 22 },
		{ "\"\\\\\" rest", 4 },	/* an even run of backslashes */
		{ "\"\\\"\\\\\" x", 6 },	/* odd, then even */
		{ "[[]] ,", 4 },
		{ "123,", 3 },
		{ "true]", 4 },
		{ "-1.5e3", 6 },	/* a literal may end the input */
		{ "[1}", -1 },
		{ "{\"a\":[}", -1 },
	};
	static const size_t pieces[] = { 1, 2, 3, 5, 1000 };
	struct sl_jtok t;
	size_t i, k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++)
			ck_assert_msg(skim_run(&t, cases[i].in,
			    strlen(cases[i].in), pieces[k]) == cases[i].end,
			    "%s in pieces of %zu", cases[i].in, pieces[k]);
	/* A bracket that closes the wrong one: the count stops at it. */
	sl_jtok_skim_start(&t);
	ck_assert_uint_eq(sl_jtok_skim(&t, "[{]", 3), 2);
	ck_assert_str_eq(t.err, "mismatched bracket");
	/* Cut short: still open, in a string or not. */
	sl_jtok_skim_start(&t);
	ck_assert_uint_eq(sl_jtok_skim(&t, "[\"ab", 4), 4);
	ck_assert(!t.done && t.instr && t.depth == 1);
}
END_TEST

/* Skim mode past SL_JSON_DEPTH: skipped to its end, flagged deep. */
START_TEST(test_tok_skim_deep)
{
	char doc[2 * (SL_JSON_DEPTH + 1) + 1];
	struct sl_jtok t;
	size_t i;

	for (i = 0; i <= SL_JSON_DEPTH; i++) {
		doc[i] = '[';
		doc[2 * (SL_JSON_DEPTH + 1) - 1 - i] = ']';
	}
	doc[sizeof(doc) - 1] = '\0';
	ck_assert_int_eq(skim_run(&t, doc, sizeof(doc) - 1, 7),
	    (long)sizeof(doc) - 1);
	ck_assert_int_eq(t.deep, 1);
	ck_assert_int_eq(skim_run(&t, doc + 1, sizeof(doc) - 3, 7),
	    (long)sizeof(doc) - 3);
	ck_assert_int_eq(t.deep, 0);
}
END_TEST

/* Check mode over long strings: the block-wise skip stops where it must. */
START_TEST(test_tok_long_strings)
{
	static const struct sl_jtok_cb none;
	static const char *const good[] = {
		"[\"0123456789abcdef0123456789abcdef\"]",
		"[\"0123456789abcd\\\"f0123456789\u00e9cdef0\\n\"]",
		"[\"\xc3\xa9\xc3\xa9\xc3\xa9" "0123456789abcdef\xe2\x82\xac\"]",
		"[\"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f"
		    "\x7f\x7f\"]",
	};
	static const char *const bad[] = {
		"[\"0123456789abcdef0123456789\tbcdef\"]",
		"[\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\x01\"]",
		"[\"0123456789abcdef\x1f\"]",
	};
	size_t i, k;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(sl_jtok_valid(good[i], strlen(good[i])), "%s",
		    good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sl_jtok t;

		ck_assert_msg(!sl_jtok_valid(bad[i], strlen(bad[i])), "%s",
		    bad[i]);
		/* in pieces too, the same place */
		for (k = 1; k < 4; k++) {
			size_t at = 0, n = strlen(bad[i]), step;

			sl_jtok_init(&t);
			while (at < n && t.err == NULL) {
				step = n - at < k ? n - at : k;
				at += sl_jtok_feed(&t, bad[i] + at, step, &none);
			}
			ck_assert_str_eq(t.err,
			    "control character in a string");
		}
	}
}
END_TEST

/* The grammar pieces jsonscan and the tokenizer share. */
START_TEST(test_grammar_pieces)
{
	ck_assert_int_eq(sl_json_hexdig('0'), 0);
	ck_assert_int_eq(sl_json_hexdig('f'), 15);
	ck_assert_int_eq(sl_json_hexdig('F'), 15);
	ck_assert_int_eq(sl_json_hexdig('g'), -1);
	ck_assert_int_eq(sl_json_hex4((const unsigned char *)"00e9"), 0xe9);
	ck_assert_int_eq(sl_json_hex4((const unsigned char *)"D83D"), 0xd83d);
	ck_assert_int_eq(sl_json_hex4((const unsigned char *)"12x4"), -1);
	ck_assert_int_eq(sl_json_unescape('n'), '\n');
	ck_assert_int_eq(sl_json_unescape('b'), '\b');
	ck_assert_int_eq(sl_json_unescape('/'), '/');
	ck_assert_int_eq(sl_json_unescape('"'), '"');
	ck_assert_int_eq(sl_json_unescape('u'), -1);
	ck_assert_int_eq(sl_json_unescape('x'), -1);
	ck_assert_int_eq(sl_json_unescape(0), -1);
}
END_TEST

static Suite *
jsonscan_suite(void)
{
	Suite *s = suite_create("jsonscan");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_events_any_order);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_keys);
	tcase_add_test(tc, test_positions);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_bomb_unclosed);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_break);
	tcase_add_test(tc, test_recover_at_break);
	tcase_add_test(tc, test_copy_for_jansson);
	tcase_add_test(tc, test_unquote);
	tcase_add_test(tc, test_decode_every_place);
	tcase_add_test(tc, test_scan_unquote);
	tcase_add_test(tc, test_probe_keys);
	tcase_add_test(tc, test_key_raw);
	tcase_add_test(tc, test_tok_pieces);
	tcase_add_test(tc, test_tok_errors);
	tcase_add_test(tc, test_tok_end);
	tcase_add_test(tc, test_tok_valid);
	tcase_add_test(tc, test_grammar_pieces);
	tcase_add_test(tc, test_tok_skim);
	tcase_add_test(tc, test_tok_skim_deep);
	tcase_add_test(tc, test_tok_long_strings);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(jsonscan_suite)
