/*
 * jsontok.c: the JSON tokenizer (see jsonscan.h).  A state machine over
 * bytes pushed in pieces: a string, an escape or a number may be cut
 * anywhere between two calls, so all that is between bytes lives in
 * struct sl_jtok.  Strings are scanned a run at a time and handed on as
 * written; the owner decodes them if it wants them decoded.
 *
 * It is strict: whatever a JSON parser would refuse stops it, with the
 * place (t->line) and the reason (t->err), so a caller can fall back
 * (the redactor redacts the rest as text) and nothing passes unchecked.
 */
#include <stdio.h>
#include <string.h>

#include "json/jsonscan.h"

void
sl_jtok_init(struct sl_jtok *t)
{
	memset(t, 0, sizeof(*t));
	t->line = 1;
}

static int
digits(const char *s, size_t *i, size_t n)
{
	size_t k = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > k;
}

int
sl_json_literal_ok(const char *s, size_t n)
{
	size_t i = 0;

	if ((n == 4 && memcmp(s, "true", 4) == 0) ||
	    (n == 5 && memcmp(s, "false", 5) == 0) ||
	    (n == 4 && memcmp(s, "null", 4) == 0))
		return 1;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0')
		i++;
	else if (!digits(s, &i, n))
		return 0;
	if (i < n && s[i] == '.') {
		i++;
		if (!digits(s, &i, n))
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!digits(s, &i, n))
			return 0;
	}
	return i == n;
}

static int
value_state(enum sl_jtok_state st)
{
	return st == SL_JT_TOP || st == SL_JT_VALUE || st == SL_JT_AVALUE;
}

/* A value is complete: what may follow it. */
static void
value_done(struct sl_jtok *t)
{
	if (t->depth == 0) {
		t->st = SL_JT_TOP;
		t->values++;
	} else
		t->st = SL_JT_NEXT;
}

/* The key a value starting now belongs to. */
static const char *
value_key(const struct sl_jtok *t)
{
	if (t->depth == 0)
		return "";
	return t->fr[t->depth].obj ? t->key : t->fr[t->depth].key;
}

/* One call of sl_jtok_feed: the bytes, where it is, what it reports. */
struct feed {
	struct sl_jtok *t;
	const char *p;
	size_t n, i;
	size_t vs;		/* verbatim bytes start here */
	size_t ss;		/* string bytes start here */
	const struct sl_jtok_cb *cb;
};

static int
fail(struct feed *f, const char *msg)
{
	f->t->err = msg;
	return -1;
}

/* Inside a string: 1 went on, 0 the bytes ran out, -1 not JSON. */
static int
feed_string(struct feed *f)
{
	struct sl_jtok *t = f->t;
	unsigned char c = (unsigned char)f->p[f->i];

	if (t->hex > 0) {
		if (sl_json_hexdig(c) < 0)
			return fail(f, "bad \\u escape");
		t->hex--;
		f->i++;
		return 1;
	}
	if (t->esc) {
		if (c != 'u' && sl_json_unescape(c) < 0)
			return fail(f, "bad escape");
		if (c == 'u')
			t->hex = 4;
		t->esc = 0;
		f->i++;
		return 1;
	}
	/* The bulk of a string. */
	while (f->i < f->n && f->p[f->i] != '"' && f->p[f->i] != '\\' &&
	    (unsigned char)f->p[f->i] >= 0x20)
		f->i++;
	if (f->i == f->n)
		return 0;
	c = (unsigned char)f->p[f->i];
	if (c == '\\') {
		t->esc = 1;
		f->i++;
		return 1;
	}
	if (c < 0x20)
		return fail(f, "control character in a string");
	/* The closing quote. */
	if (f->cb->str_bytes != NULL && f->i > f->ss)
		f->cb->str_bytes(f->cb->arg, f->p + f->ss, f->i - f->ss);
	t->instr = 0;
	if (f->cb->str_end != NULL)
		f->cb->str_end(f->cb->arg, t->role, t->vkey);
	f->vs = f->i++;
	if (t->role == SL_JTOK_KEY)
		t->st = SL_JT_COLON;
	else
		value_done(t);
	return 1;
}

/* Inside a number or literal: 0 went on, -1 not JSON. */
static int
feed_literal(struct feed *f)
{
	struct sl_jtok *t = f->t;
	unsigned char c = (unsigned char)f->p[f->i];

	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '+' || c == '-' || c == '.') {
		if (t->litn >= SL_JTOK_LIT_MAX)
			return fail(f, "number too long");
		t->lit[t->litn++] = (char)c;
		f->i++;
		return 0;
	}
	t->inlit = 0;		/* c again, outside the literal */
	if (!sl_json_literal_ok(t->lit, t->litn))
		return fail(f, "not a value");
	value_done(t);
	return 0;
}

static int
feed_open(struct feed *f, unsigned char c)
{
	struct sl_jtok *t = f->t;

	if (!value_state(t->st))
		return fail(f, "unexpected bracket");
	if (t->depth >= SL_JSON_DEPTH)
		return fail(f, "nested too deep");
	/* The container is the value of this key. */
	snprintf(t->fr[t->depth + 1].key, SL_JTOK_KEY_MAX, "%s", value_key(t));
	t->depth++;
	t->fr[t->depth].obj = c == '{';
	t->key[0] = '\0';
	t->st = c == '{' ? SL_JT_OKEY : SL_JT_AVALUE;
	return 0;
}

static int
feed_close(struct feed *f, unsigned char c)
{
	struct sl_jtok *t = f->t;

	if (t->depth == 0 || t->fr[t->depth].obj != (c == '}') ||
	    !(t->st == SL_JT_NEXT || (c == '}' && t->st == SL_JT_OKEY) ||
	    (c == ']' && t->st == SL_JT_AVALUE)))
		return fail(f, "unexpected close");
	t->depth--;
	t->key[0] = '\0';
	value_done(t);
	if (t->depth == 0 && f->cb->doc_end != NULL)
		f->cb->doc_end(f->cb->arg);
	return 0;
}

/* The opening quote of a key or a string value. */
static int
feed_quote(struct feed *f)
{
	struct sl_jtok *t = f->t;
	size_t k = 0, i;

	if (t->st == SL_JT_OKEY || t->st == SL_JT_KEY)
		t->role = SL_JTOK_KEY;
	else if (value_state(t->st))
		t->role = SL_JTOK_VALUE;
	else
		return fail(f, "unexpected string");
	snprintf(t->vkey, SL_JTOK_KEY_MAX, "%s", t->role == SL_JTOK_KEY ? "" :
	    value_key(t));
	if (f->cb->verbatim != NULL && f->i + 1 > f->vs)
		f->cb->verbatim(f->cb->arg, f->p + f->vs, f->i + 1 - f->vs);
	if (f->cb->str_start != NULL)
		f->cb->str_start(f->cb->arg, f->p + f->i + 1);
	t->instr = 1;
	i = f->ss = f->vs = ++f->i;
	/* Keys are kept for the values after them. */
	if (t->role == SL_JTOK_KEY) {
		while (i + k < f->n && f->p[i + k] != '"' &&
		    f->p[i + k] != '\\' && k + 1 < SL_JTOK_KEY_MAX)
			k++;
		memcpy(t->key, f->p + i, k);
		t->key[k] = '\0';
	}
	return 0;
}

/* Between tokens: 0 went on, -1 not JSON. */
static int
feed_token(struct feed *f)
{
	struct sl_jtok *t = f->t;
	unsigned char c = (unsigned char)f->p[f->i];
	int rc = 0;

	switch (c) {
	case '\n':
		t->line++;
		break;
	case ' ': case '\t': case '\r':
		break;
	case '{': case '[':
		rc = feed_open(f, c);
		break;
	case '}': case ']':
		rc = feed_close(f, c);
		break;
	case ':':
		if (t->st != SL_JT_COLON)
			return fail(f, "unexpected ':'");
		t->st = SL_JT_VALUE;
		break;
	case ',':
		if (t->st != SL_JT_NEXT)
			return fail(f, "unexpected ','");
		t->st = t->fr[t->depth].obj ? SL_JT_KEY : SL_JT_VALUE;
		break;
	case '"':
		return feed_quote(f);
	default:
		if (!value_state(t->st) || !((c >= '0' && c <= '9') ||
		    c == '-' || c == 't' || c == 'f' || c == 'n'))
			return fail(f, "unexpected character");
		t->inlit = 1;
		t->litn = 0;
		return 0;	/* collected by feed_literal */
	}
	if (rc == 0)
		f->i++;
	return rc;
}

size_t
sl_jtok_feed(struct sl_jtok *t, const char *p, size_t n,
    const struct sl_jtok_cb *cb)
{
	struct feed f = { t, p, n, 0, 0, 0, cb };
	int rc = 0;

	while (f.i < n) {
		if (t->instr) {
			if ((rc = feed_string(&f)) <= 0)
				break;
		} else if (t->inlit) {
			if ((rc = feed_literal(&f)) < 0)
				break;
		} else if ((rc = feed_token(&f)) < 0)
			break;
	}
	/* What is left of a string or between strings goes on. */
	if (t->instr) {
		if (cb->str_bytes != NULL && f.i > f.ss)
			cb->str_bytes(cb->arg, p + f.ss, f.i - f.ss);
	} else if (cb->verbatim != NULL && f.i > f.vs)
		cb->verbatim(cb->arg, p + f.vs, f.i - f.vs);
	return rc < 0 ? f.i : n;
}

/* A literal at the very end of the input is complete now. */
int
sl_jtok_end(struct sl_jtok *t)
{
	if (t->err != NULL)
		return -1;
	if (t->inlit) {
		t->inlit = 0;
		if (!sl_json_literal_ok(t->lit, t->litn)) {
			t->err = "not a value";
			return -1;
		}
		value_done(t);
	}
	if (t->instr) {
		t->err = "the input ends inside a string";
		return -1;
	}
	if (t->depth > 0 || t->st != SL_JT_TOP) {
		t->err = "the input ends inside a document";
		return -1;
	}
	return 0;
}

int
sl_jtok_valid(const char *p, size_t n)
{
	static const struct sl_jtok_cb none;
	struct sl_jtok t;

	sl_jtok_init(&t);
	if (sl_jtok_feed(&t, p, n, &none) != n || t.err != NULL)
		return 0;
	return sl_jtok_end(&t) == 0 && t.values > 0;
}
