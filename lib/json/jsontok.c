/*
 * jsontok.c: the JSON tokenizer (see jsonscan.h), the one place that
 * knows JSON's grammar: strings and their escapes, numbers and literals,
 * nesting, the structure of objects and arrays.  A state machine over
 * bytes pushed in pieces: a string, an escape or a number may be cut
 * anywhere between two calls, so all that is between bytes lives in
 * struct sl_jtok.  Two modes over that state:
 *
 * check (sl_jtok_feed): strict; whatever a JSON parser would refuse
 * stops it, with the place (t->line) and the reason (t->err), so a
 * caller can fall back (the redactor redacts the rest as text) and
 * nothing passes unchecked.  Strings are handed on as written, a run at
 * a time (skipped 16 bytes at a step); the owner decodes them if it
 * wants them decoded (sl_json_decode_str, strict too).
 *
 * skim (sl_jtok_skim): where one value ends, for the scanner's copy and
 * skip: only strings (memchr() for the quote, counting the backslashes
 * before it: the hot path stays in libc) and bracket pairing.  The
 * readers parse what they keep; what they skip was never theirs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "json/jsonscan.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

void
sl_jtok_init(struct sl_jtok *t)
{
	memset(t, 0, sizeof(*t));
	t->line = 1;
}

/* ------------------------------------------------------------ strings */

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
/* Does word w hold a zero byte? */
#define HAS_ZERO(w)	(((w) - ONES) & ~(w) & HIGHS)

#ifdef __SSE2__
/* The bytes of the 16 at p that end a plain run ('"', '\\', below 0x20
 * or from 0x80: signed, those compare below 0x20 too), a bit each. */
static inline int
stops16(const unsigned char *p)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	return _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
	    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20))));
}
#endif

/*
 * Past the plain bytes at p (printable ASCII but '"' and '\\'), a block
 * at a time; the byte-wise checks take over at the first other one.
 */
static inline const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

#ifdef __SSE2__
	while (end - p >= 16) {
		int bits = stops16(p);

		if (bits != 0)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#endif
	while (end - p >= 8) {
		memcpy(&w, p, 8);
		if (HAS_ZERO(w ^ (0x22 * ONES)) ||
		    HAS_ZERO(w ^ (0x5c * ONES)) ||
		    (((w - 0x20 * ONES) | w) & HIGHS))
			break;
		p += 8;
	}
	return p;
}

/*
 * Past the plain bytes at p, copying them to *o as it goes: each block is
 * stored whole before its bytes are looked at (the output never runs
 * ahead of the input, and the room made is the input's), so the short
 * runs between the escapes of a JSON-in-JSON message cost no memcpy()
 * call each.  The byte-wise checks take over at the first other byte.
 */
static inline const unsigned char *
copy_plain(const unsigned char *p, const unsigned char *end, char **o)
{
	char *to = *o;

#ifdef __SSE2__
	while (end - p >= 16) {
		int bits = stops16(p);

		memcpy(to, p, 16);
		if (bits != 0) {
			*o = to + __builtin_ctz((unsigned)bits);
			return p + __builtin_ctz((unsigned)bits);
		}
		p += 16;
		to += 16;
	}
#endif
	while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
		*to++ = (char)*p++;
	*o = to;
	return p;
}

long
sl_json_decode_str(const unsigned char *p, const unsigned char *end,
    struct sl_buf *out)
{
	const unsigned char *start = p;
	char *o;
	uint32_t cp;
	long u, lo;
	size_t k;
	int c;

	/* Decoding never grows a string: write straight into the buffer. */
	sl_buf_reserve(out, (size_t)(end - p));
	o = out->buf + out->len;
	for (;;) {
		for (;;) {
			p = copy_plain(p, end, &o);
			if (p == end)
				return -1;	/* no closing quote */
			if (*p == '"' || *p == '\\')
				break;
			if (*p < 0x20)
				return -1;
			if (*p < 0x80) {
				*o++ = (char)*p++;
				continue;
			}
			k = sl_utf8_decode(p, (size_t)(end - p), &cp);
			if (k == 0 || (cp == 0xfffd && !(k == 3 && p[0] == 0xef &&
			    p[1] == 0xbf && p[2] == 0xbd)))
				return -1;
			memcpy(o, p, k);
			o += k;
			p += k;
		}
		if (*p == '"') {
			out->len = (size_t)(o - out->buf);
			out->buf[out->len] = '\0';
			return (long)(p - start) + 1;
		}
		if (end - p < 2)
			return -1;
		switch (p[1]) {
		case 'u':
			if (end - p < 6 || (u = sl_json_hex4(p + 2)) < 0 ||
			    (u >= 0xdc00 && u <= 0xdfff))
				return -1;
			if (u >= 0xd800 && u <= 0xdbff) {
				if (end - p < 12 || p[6] != '\\' ||
				    p[7] != 'u' || (lo = sl_json_hex4(p + 8)) <
				    0xdc00 || lo > 0xdfff)
					return -1;
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
			o += sl_utf8_encode((uint32_t)u, o);
			p += 6;
			continue;
		default:
			if ((c = sl_json_unescape(p[1])) < 0)
				return -1;
			*o++ = (char)c;
		}
		p += 2;
	}
}

int
sl_json_unquote(const char *s, size_t n, struct sl_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;

	if (n < 2 || p[0] != '"')
		return -1;
	return sl_json_decode_str(p + 1, p + n, out) == (long)n - 1 ? 0 : -1;
}

/* -------------------------------------------------------------- nesting */

/* Open a container: 1, or 0 past SL_JSON_DEPTH (no frame kept for it). */
static inline int
nest_open(struct sl_jtok *t, int c)
{
	int room = t->depth < SL_JSON_DEPTH;

	if (room)
		t->fr[t->depth + 1].obj = c == '{';
	t->depth++;
	return room;
}

/* Does c close the innermost container?  Past the frames: not known. */
static inline int
nest_closes(const struct sl_jtok *t, int c)
{
	return t->depth > SL_JSON_DEPTH || t->fr[t->depth].obj == (c == '}');
}

/* ---------------------------------------------------------- skim mode */

void
sl_jtok_skim_start(struct sl_jtok *t)
{
	t->depth = 0;
	t->instr = t->esc = t->inlit = t->done = t->deep = 0;
	t->err = NULL;
}

/* Is the run of backslashes right before q (not before p) odd? */
static int
odd_backslashes(const unsigned char *p, const unsigned char *q)
{
	const unsigned char *s = q;

	while (s > p && s[-1] == '\\')
		s--;
	return (q - s) & 1;
}

/* Inside a string: past its closing quote, or to end. */
static const unsigned char *
skim_string(struct sl_jtok *t, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q;

	if (t->esc) {
		t->esc = 0;
		return p + 1;
	}
	q = memchr(p, '"', (size_t)(end - p));
	if (q == NULL) {
		t->esc = odd_backslashes(p, end);
		return end;
	}
	if (odd_backslashes(p, q))
		return q + 1;
	t->instr = 0;
	t->done = t->depth == 0;
	return q + 1;
}

/* One byte of a top-level number or literal: a delimiter ends it. */
static const unsigned char *
skim_literal(struct sl_jtok *t, const unsigned char *p)
{
	switch (*p) {
	case ' ': case '\t': case '\r': case '\n':
	case ',': case ':': case '"':
	case '[': case ']': case '{': case '}':
		t->done = 1;
		return p;
	default:
		return p + 1;
	}
}

/* A byte outside strings: nesting kept; -1 when it closes the wrong one. */
static int
skim_struct(struct sl_jtok *t, unsigned char c)
{
	switch (c) {
	case '"':
		t->instr = 1;
		break;
	case '{':
	case '[':
		if (!nest_open(t, c))
			t->deep = 1;
		break;
	case '}':
	case ']':
		if (!nest_closes(t, c))
			return -1;
		t->done = --t->depth == 0;
		break;
	default:
		t->inlit = t->depth == 0;
		break;
	}
	return 0;
}

size_t
sl_jtok_skim(struct sl_jtok *t, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end && !t->done) {
		if (t->instr)
			p = skim_string(t, p, end);
		else if (t->inlit)
			p = skim_literal(t, p);
		else if (skim_struct(t, *p) < 0) {
			t->err = "mismatched bracket";
			break;
		} else
			p++;
	}
	return (size_t)(p - (const unsigned char *)s);
}

/* --------------------------------------------------------- check mode */

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

/* Past the bytes of a string's body that need no look: to '"', '\\', a
 * control byte, or n.  Other bytes from 0x80 are taken as they are. */
static size_t
bulk(const char *s, size_t i, size_t n)
{
	const unsigned char *p = (const unsigned char *)s + i;
	const unsigned char *end = (const unsigned char *)s + n;

	/* skip_plain stops at any byte from 0x80 and leaves a short tail */
	while (p < end) {
		p = skip_plain(p, end);
		if (p == end || *p == '"' || *p == '\\' || *p < 0x20)
			break;
		p++;
	}
	return (size_t)(p - (const unsigned char *)s);
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
	f->i = bulk(f->p, f->i, f->n);
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
	nest_open(t, c);
	t->key[0] = '\0';
	t->st = c == '{' ? SL_JT_OKEY : SL_JT_AVALUE;
	return 0;
}

static int
feed_close(struct feed *f, unsigned char c)
{
	struct sl_jtok *t = f->t;

	if (t->depth == 0 || !nest_closes(t, c) ||
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
