/*
 * jsonscan.c: an incremental JSON scanner.  CloudWatch output can be one
 * document of many gigabytes ({"events":[...]}), so it is never loaded:
 * the scanner tracks strings, escapes and nesting over a sliding buffer,
 * walks only the levels a reader enters, and copies one value (an event)
 * at a time for jansson to parse.
 *
 * It checks the structure of the levels it walks (commas, colons,
 * brackets) and the bracket pairing inside the values it copies or
 * skips; the values themselves are checked by whoever parses them.
 * Strings are skipped with memchr() for the closing quote, counting the
 * backslashes before it: the hot path stays in libc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "json/jsonscan.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define JS_BUFSZ	(256 * 1024)
#define KEY_MAX		255

struct sl_jscan {
	sl_jscan_read_fn read;
	void *arg;
	const unsigned char *data;	/* window: data[r, w) unscanned */
	unsigned char *buf;		/* NULL over memory */
	size_t r, w;
	int eof;			/* the source is done */
	int brk;			/* the source broke off at data[w] */
	long long base;			/* offset of data[0] */
	long long line;			/* line of data[r] */

	int depth;			/* levels entered */
	char stack[SL_JSON_DEPTH];	/* '{' or '[' per level */
	int after;			/* this level has had a value */
	int pending;			/* a value is at hand */
	int vtype;
	long long voff, vline;
	char key[KEY_MAX + 1];
	size_t kstart, kend;		/* the key as written: data[kstart, kend) */
	int kplain;			/* ...printable ASCII, no escape */

	enum sl_js_errkind err;
	int dead;			/* failed: calls fail until recovered */
	char msg[160];
	long long eoff, eline;
};

static struct sl_jscan *
alloc(void)
{
	struct sl_jscan *js = sl_xcalloc(1, sizeof(*js));

	js->line = 1;
	js->data = (const unsigned char *)"";
	return js;
}

struct sl_jscan *
sl_jscan_new(sl_jscan_read_fn fn, void *arg)
{
	struct sl_jscan *js = alloc();

	js->read = fn;
	js->arg = arg;
	js->buf = sl_xmalloc(JS_BUFSZ);
	js->data = js->buf;
	return js;
}

struct sl_jscan *
sl_jscan_mem(const void *p, size_t n)
{
	struct sl_jscan *js = alloc();

	js->data = p != NULL ? p : (const void *)"";
	js->w = n;
	js->eof = 1;
	return js;
}

void
sl_jscan_free(struct sl_jscan *js)
{
	if (js == NULL)
		return;
	free(js->buf);
	free(js);
}

/* Make a byte visible at data[r].  0 at the end, or at a break (brk). */
static int
more(struct sl_jscan *js)
{
	ssize_t got;

	if (js->r < js->w)
		return 1;
	if (js->eof || js->brk)
		return 0;
	js->base += (long long)js->w;
	js->r = js->w = 0;
	got = js->read(js->arg, js->buf, JS_BUFSZ);
	if (got == SL_JS_READ_BREAK) {
		js->brk = 1;
		return 0;
	}
	if (got <= 0) {
		js->eof = 1;
		return 0;
	}
	js->w = (size_t)got;
	return 1;
}

static const char *
show(int c, char out[8])
{
	static const char hex[] = "0123456789abcdef";

	if (c < 0)
		return "end of input";
	if (c > 0x20 && c < 0x7f) {
		out[0] = '\'';
		out[1] = (char)c;
		out[2] = '\'';
		out[3] = '\0';
	} else {
		memcpy(out, "\\x", 2);
		out[2] = hex[(c >> 4) & 15];
		out[3] = hex[c & 15];
		out[4] = '\0';
	}
	return out;
}

static int
fail(struct sl_jscan *js, enum sl_js_errkind k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct sl_jscan *js, enum sl_js_errkind k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(js->msg, sizeof(js->msg), fmt, ap);
	va_end(ap);
	js->err = k;
	js->dead = 1;
	js->pending = 0;
	js->eoff = js->base + (long long)js->r;
	js->eline = js->line;
	return SL_JS_ERR;
}

/* The input stopped inside a value: the end, or a break. */
static int
cut(struct sl_jscan *js, const char *where)
{
	if (js->brk)
		return fail(js, SL_JSE_BREAK, "data breaks off %s (corrupt "
		    "input was skipped here)", where);
	return fail(js, SL_JSE_TRUNCATED, "unexpected end of input %s",
	    where);
}

/* Next byte that is not white space (not consumed), or -1. */
static int
skip_ws_slow(struct sl_jscan *js)
{
	for (;;) {
		while (js->r < js->w) {
			unsigned char c = js->data[js->r];

			if (c == '\n')
				js->line++;
			else if (c != ' ' && c != '\t' && c != '\r')
				return c;
			js->r++;
		}
		if (!more(js))
			return -1;
	}
}

/* Most tokens follow each other with no space between: no call then. */
static inline int
skip_ws(struct sl_jscan *js)
{
	if (js->r < js->w && js->data[js->r] > ' ')
		return js->data[js->r];
	return skip_ws_slow(js);
}

static void
start_value(struct sl_jscan *js, int c)
{
	js->pending = 1;
	js->vtype = c;
	js->voff = js->base + (long long)js->r;
	js->vline = js->line;
}

/* Four hex digits at the cursor, or -1. */
static long
hex4(struct sl_jscan *js)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if (!more(js) || (d = sl_json_hexdig(js->data[js->r])) < 0)
			return -1;
		v = v * 16 + d;
		js->r++;
	}
	return v;
}

/*
 * A key of printable ASCII without escapes, whole in the window: copied
 * as it is, and known valid.  The common case, and a hot one where
 * records are read member by member.  0: the byte-wise path decides.
 */
static int
read_plain_key(struct sl_jscan *js)
{
	const unsigned char *s = js->data + js->r + 1, *end = js->data + js->w;
	const unsigned char *p = s;
	size_t n;

	while (p < end && *p != '"' && *p != '\\' && *p >= 0x20 && *p < 0x7f)
		p++;
	if (p == end || *p != '"')
		return 0;
	n = (size_t)(p - s) < KEY_MAX ? (size_t)(p - s) : KEY_MAX;
	memcpy(js->key, s, n);
	js->key[n] = '\0';
	js->kstart = js->r;
	js->r = (size_t)(p + 1 - js->data);
	js->kend = js->r;
	js->kplain = 1;
	return 1;
}

/* A key: decoded into js->key (cut at KEY_MAX bytes). */
static int
read_key(struct sl_jscan *js)
{
	size_t n = 0;
	char u[4];
	long cp, lo;
	size_t k, i;
	int c;

	if (read_plain_key(js))
		return SL_JS_OK;
	js->kplain = 0;
	js->kstart = js->r;
	js->r++;			/* the opening quote */
	for (;;) {
		if (!more(js))
			return cut(js, "inside a key");
		c = js->data[js->r++];
		if (c == '"')
			break;
		if (c == '\n')
			js->line++;
		if (c == '\\') {
			if (!more(js))
				return cut(js, "inside a key");
			c = js->data[js->r++];
			switch (c) {
			case 'u':
				if ((cp = hex4(js)) < 0)
					return fail(js, SL_JSE_SYNTAX,
					    "bad \\u escape in a key");
				if (cp >= 0xd800 && cp < 0xdc00 && more(js) &&
				    js->data[js->r] == '\\') {
					js->r++;
					if (!more(js) || js->data[js->r] != 'u')
						return fail(js, SL_JSE_SYNTAX,
						    "bad surrogate pair in a key");
					js->r++;
					lo = hex4(js);
					if (lo < 0xdc00 || lo > 0xdfff)
						return fail(js, SL_JSE_SYNTAX,
						    "bad surrogate pair in a key");
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					    (lo - 0xdc00);
				} else if (cp >= 0xd800 && cp < 0xe000)
					cp = 0xfffd;
				k = sl_utf8_encode((uint32_t)cp, u);
				for (i = 0; i < k; i++)
					if (n < KEY_MAX)
						js->key[n++] = u[i];
				continue;
			default:
				if ((c = sl_json_unescape(c)) < 0)
					return fail(js, SL_JSE_SYNTAX,
					    "bad escape in a key");
			}
		}
		if (n < KEY_MAX)
			js->key[n++] = (char)c;
	}
	js->key[n] = '\0';
	js->kend = js->r;
	return SL_JS_OK;
}

int
sl_jscan_next(struct sl_jscan *js)
{
	char sh[8];
	int c, close, rc;

	if (js->dead)
		return SL_JS_ERR;
	if (js->pending && (rc = sl_jscan_skip(js)) == SL_JS_ERR)
		return rc;
	js->key[0] = '\0';
	if (js->depth == 0) {
		for (;;) {
			c = skip_ws(js);
			/* A byte order mark may lead a document. */
			if (c == 0xef && js->r + 3 <= js->w &&
			    memcmp(js->data + js->r, "\xef\xbb\xbf", 3) == 0) {
				js->r += 3;
				continue;
			}
			if (c >= 0)
				break;
			if (!js->brk)
				return SL_JS_END;
			js->brk = 0;	/* between documents: nothing lost */
		}
		if (c == '}' || c == ']' || c == ',' || c == ':')
			return fail(js, SL_JSE_SYNTAX, "expected a JSON value, "
			    "found %s", show(c, sh));
		start_value(js, c);
		return SL_JS_VALUE;
	}
	close = js->stack[js->depth - 1] == '{' ? '}' : ']';
	if ((c = skip_ws(js)) < 0)
		return cut(js, js->stack[js->depth - 1] == '{' ?
		    "inside an object" : "inside an array");
	if (c == close) {
		js->r++;
		js->depth--;
		js->after = 1;
		return SL_JS_END;
	}
	if (js->after) {
		if (c != ',')
			return fail(js, SL_JSE_SYNTAX, "expected ',' or '%c', "
			    "found %s", close, show(c, sh));
		js->r++;
		if ((c = skip_ws(js)) < 0)
			return cut(js, "after ','");
	}
	if (close == '}') {
		if (c != '"')
			return fail(js, SL_JSE_SYNTAX, "expected a key, found %s",
			    show(c, sh));
		if (read_key(js) != SL_JS_OK)
			return SL_JS_ERR;
		if ((c = skip_ws(js)) < 0)
			return cut(js, "after a key");
		if (c != ':')
			return fail(js, SL_JSE_SYNTAX, "expected ':' after "
			    "key \"%s\", found %s", js->key, show(c, sh));
		js->r++;
		if ((c = skip_ws(js)) < 0)
			return cut(js, "after ':'");
	}
	if (c == '}' || c == ']' || c == ',' || c == ':')
		return fail(js, SL_JSE_SYNTAX, "expected a value, found %s",
		    show(c, sh));
	js->after = 1;
	start_value(js, c);
	return SL_JS_VALUE;
}

int
sl_jscan_type(const struct sl_jscan *js)
{
	return js->pending ? js->vtype : 0;
}

const char *
sl_jscan_key(const struct sl_jscan *js)
{
	return js->key;
}

int
sl_jscan_key_raw(const struct sl_jscan *js, const char **p, size_t *n)
{
	*p = (const char *)js->data + js->kstart;
	*n = js->kend - js->kstart;
	return js->kplain;
}

long long
sl_jscan_cur_offset(const struct sl_jscan *js)
{
	return js->base + (long long)js->r;
}

int
sl_jscan_depth(const struct sl_jscan *js)
{
	return js->depth;
}

int
sl_jscan_enter(struct sl_jscan *js)
{
	if (js->dead)
		return SL_JS_ERR;
	if (!js->pending || (js->vtype != '{' && js->vtype != '['))
		return fail(js, SL_JSE_SYNTAX, "not an object or array");
	if (js->depth == SL_JSON_DEPTH)
		return fail(js, SL_JSE_DEEP, "nested deeper than %d levels",
		    SL_JSON_DEPTH);
	js->r++;
	js->stack[js->depth++] = (char)js->vtype;
	js->after = 0;
	js->pending = 0;
	return SL_JS_OK;
}

int
sl_jscan_leave(struct sl_jscan *js)
{
	int rc, depth = js->depth;

	while (js->depth == depth && (rc = sl_jscan_next(js)) != SL_JS_END)
		if (rc == SL_JS_ERR)
			return rc;
	return SL_JS_OK;
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

static long long
count_nl(const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;
	long long k = 0;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Where scan_value is inside the value at hand, between reads. */
struct vscan {
	char stk[SL_JSON_DEPTH];
	long long depth;
	int in_str, esc, deep, big, scalar, done;
	size_t kept;
};

/* One step inside a string: past its closing quote, or to end. */
static const unsigned char *
vs_string(struct vscan *v, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q;

	if (v->esc) {
		v->esc = 0;
		return p + 1;
	}
	q = memchr(p, '"', (size_t)(end - p));
	if (q == NULL) {
		v->esc = odd_backslashes(p, end);
		return end;
	}
	if (odd_backslashes(p, q))
		return q + 1;
	v->in_str = 0;
	v->done = v->depth == 0;
	return q + 1;
}

/* One byte of a top-level scalar: a delimiter ends it. */
static const unsigned char *
vs_scalar(struct vscan *v, const unsigned char *p)
{
	switch (*p) {
	case ' ': case '\t': case '\r': case '\n':
	case ',': case ':': case '"':
	case '[': case ']': case '{': case '}':
		v->done = 1;
		return p;
	default:
		return p + 1;
	}
}

/* A byte outside strings: nesting kept; nonzero when brackets mismatch. */
static int
vs_struct(struct vscan *v, unsigned char c)
{
	switch (c) {
	case '"':
		v->in_str = 1;
		break;
	case '{':
	case '[':
		if (v->depth < SL_JSON_DEPTH)
			v->stk[v->depth] = (char)c;
		else
			v->deep = 1;
		v->depth++;
		break;
	case '}':
	case ']':
		if (v->depth <= SL_JSON_DEPTH &&
		    v->stk[v->depth - 1] != (c == '}' ? '{' : '['))
			return 1;
		v->done = --v->depth == 0;
		break;
	default:
		v->scalar = v->depth == 0;
		break;
	}
	return 0;
}

/* The n bytes at s scanned: copied to out unless past max. */
static void
vs_keep(struct vscan *v, struct sl_buf *out, const unsigned char *s,
    size_t n, size_t max)
{
	if (out == NULL || v->big)
		return;
	if (v->kept + n > max) {
		v->big = 1;
		sl_buf_reset(out);
	} else {
		sl_buf_add(out, s, n);
		v->kept += n;
	}
}

/* Scan the value at hand to its end, copying it to out if not NULL. */
static int
scan_value(struct sl_jscan *js, struct sl_buf *out, size_t max)
{
	struct vscan v;
	char sh[8];

	if (js->dead)
		return SL_JS_ERR;
	if (!js->pending)
		return fail(js, SL_JSE_SYNTAX, "no value here");
	js->pending = 0;
	if (out != NULL)
		sl_buf_reset(out);
	v.depth = 0;
	v.in_str = v.esc = v.deep = v.big = v.scalar = v.done = 0;
	v.kept = 0;
	for (;;) {
		const unsigned char *s = js->data + js->r, *p = s;
		const unsigned char *end = js->data + js->w;
		size_t n;

		while (p < end && !v.done) {
			if (v.in_str)
				p = vs_string(&v, p, end);
			else if (v.scalar)
				p = vs_scalar(&v, p);
			else if (vs_struct(&v, *p)) {
				js->line += count_nl(s, (size_t)(p - s));
				js->r += (size_t)(p - s);
				return fail(js, SL_JSE_SYNTAX, "mismatched %s",
				    show(*p, sh));
			} else
				p++;
		}
		n = (size_t)(p - s);
		js->line += count_nl(s, n);
		vs_keep(&v, out, s, n, max);
		js->r += n;
		if (v.done)
			break;
		if (!more(js)) {
			if (v.scalar)
				break;	/* a number may end the input */
			return cut(js, v.in_str ? "inside a string" :
			    v.depth > 0 ? "inside a value" : "");
		}
	}
	if (v.deep)
		return SL_JS_DEEP;
	return v.big ? SL_JS_BIG : SL_JS_OK;
}

int
sl_jscan_copy(struct sl_jscan *js, struct sl_buf *out, size_t max)
{
	return scan_value(js, out, max);
}

int
sl_jscan_skip(struct sl_jscan *js)
{
	return scan_value(js, NULL, 0);
}

int
sl_jscan_raw(struct sl_jscan *js, const char **p, size_t *n)
{
	size_t start = js->r;
	int rc;

	if (js->buf != NULL)
		return fail(js, SL_JSE_SYNTAX, "not a memory scanner");
	rc = scan_value(js, NULL, 0);
	*p = (const char *)js->data + start;
	*n = js->r - start;
	return rc;
}

long long
sl_jscan_offset(const struct sl_jscan *js)
{
	return js->voff;
}

long long
sl_jscan_line(const struct sl_jscan *js)
{
	return js->vline;
}

long long
sl_jscan_cur_line(const struct sl_jscan *js)
{
	return js->line;
}

enum sl_js_errkind
sl_jscan_errkind(const struct sl_jscan *js)
{
	return js->dead ? js->err : SL_JSE_NONE;
}

const char *
sl_jscan_error(const struct sl_jscan *js)
{
	return js->msg;
}

long long
sl_jscan_err_line(const struct sl_jscan *js)
{
	return js->eline;
}

long long
sl_jscan_err_offset(const struct sl_jscan *js)
{
	return js->eoff;
}

void
sl_jscan_recover(struct sl_jscan *js)
{
	if (!js->dead)
		return;
	js->dead = 0;
	js->depth = 0;
	js->pending = 0;
	js->after = 0;
	switch (js->err) {
	case SL_JSE_TRUNCATED:
		break;			/* at the end: next() says so */
	case SL_JSE_BREAK:
		js->brk = 0;		/* a fresh start after the break */
		break;
	default:
		/* Nothing can be trusted up to the next break. */
		for (;;) {
			if (js->r < js->w) {
				js->line += count_nl(js->data + js->r,
				    js->w - js->r);
				js->r = js->w;
			}
			if (!more(js))
				break;
		}
		js->brk = 0;
		break;
	}
	js->err = SL_JSE_NONE;
}

void
sl_jscan_mem_reset(struct sl_jscan *js, const void *p, size_t n)
{
	memset(js, 0, sizeof(*js));
	js->line = 1;
	js->data = p != NULL ? p : (const void *)"";
	js->w = n;
	js->eof = 1;
}

/* ----------------------------------------------------- string literals */

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL
/* Does word w hold a zero byte? */
#define HAS_ZERO(w)	(((w) - ONES) & ~(w) & HIGHS)

/*
 * Past the plain bytes at p (printable ASCII but '"' and '\\'), a block
 * at a time; the byte-wise checks take over at the first other one.
 */
static const unsigned char *
skip_plain(const unsigned char *p, const unsigned char *end)
{
	uint64_t w;

#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed: bytes from 0x80 compare below 0x20 too. */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bs)), _mm_cmplt_epi8(v, space));
		int bits = _mm_movemask_epi8(m);

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
 * Decode the body of a string literal from p (after its opening quote)
 * up to its closing quote, appending to out, strict as jansson: no raw
 * control byte, valid UTF-8, good escapes and surrogate pairs.  Returns
 * the bytes used, the closing quote included, or -1.  Plain runs are
 * skipped a word at a time and copied whole.
 */
static long
decode_str(const unsigned char *p, const unsigned char *end,
    struct sl_buf *out)
{
	const unsigned char *start = p, *s;
	char *o;
	uint32_t cp;
	long u, lo;
	size_t k;
	int c;

	/* Decoding never grows a string: write straight into the buffer. */
	sl_buf_reserve(out, (size_t)(end - p));
	o = out->buf + out->len;
	for (;;) {
		s = p;
		for (;;) {
			p = skip_plain(p, end);
			if (p == end)
				return -1;	/* no closing quote */
			if (*p == '"' || *p == '\\')
				break;
			if (*p < 0x20)
				return -1;
			if (*p < 0x80) {
				p++;
				continue;
			}
			k = sl_utf8_decode(p, (size_t)(end - p), &cp);
			if (k == 0 || (cp == 0xfffd && !(k == 3 && p[0] == 0xef &&
			    p[1] == 0xbf && p[2] == 0xbd)))
				return -1;
			p += k;
		}
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
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
	return decode_str(p + 1, p + n, out) == (long)n - 1 ? 0 : -1;
}

int
sl_jscan_unquote(struct sl_jscan *js, struct sl_buf *out)
{
	long k;

	if (js->dead || !js->pending || js->vtype != '"' || js->buf != NULL)
		return SL_JS_ERR;
	k = decode_str(js->data + js->r + 1, js->data + js->w, out);
	if (k < 0)
		return SL_JS_ERR;	/* not fatal: the caller gives up */
	js->pending = 0;
	js->r += (size_t)k + 1;
	return SL_JS_OK;
}

/* ------------------------------------------------------------ probing */

static void
keys_add(struct sl_jkeys *k, const char *path)
{
	size_t l = strlen(path) + 1;

	if (k->len + l > sizeof(k->buf))
		return;
	memcpy(k->buf + k->len, path, l);
	k->len += l;
	k->n++;
}

/* Walk the container at hand; -1 when the peek ends inside it. */
static int
keys_walk(struct sl_jscan *js, struct sl_jkeys *k, const char *prefix,
    int level)
{
	char path[300];
	int obj = sl_jscan_type(js) == '{', first = 1, rc, t;

	if (sl_jscan_enter(js) != SL_JS_OK)
		return -1;
	while ((rc = sl_jscan_next(js)) == SL_JS_VALUE) {
		/* Paths longer than a probe cares about are cut. */
		if (obj)
			snprintf(path, sizeof(path), "%.40s%s%.200s", prefix,
			    *prefix != '\0' ? "." : "", sl_jscan_key(js));
		else
			snprintf(path, sizeof(path), "%.200s[]", prefix);
		if (obj || first)
			keys_add(k, path);
		t = sl_jscan_type(js);
		if ((obj || first) && level < 3 && (t == '{' || t == '[')) {
			if (keys_walk(js, k, path, level + 1) < 0)
				return -1;
		} else if (sl_jscan_skip(js) == SL_JS_ERR)
			return -1;
		first = 0;
	}
	return rc == SL_JS_END ? 0 : -1;
}

void
sl_jkeys_probe(const void *p, size_t n, struct sl_jkeys *k)
{
	struct sl_jscan *js;
	int t, rc;

	memset(k, 0, sizeof(*k));
	js = sl_jscan_mem(p, n);
	if (sl_jscan_next(js) == SL_JS_VALUE) {
		t = sl_jscan_type(js);
		k->object = t == '{';
		if (t == '{' || t == '[')
			rc = keys_walk(js, k, "", 0);
		else
			rc = sl_jscan_skip(js) == SL_JS_ERR ? -1 : 0;
		if (rc == 0) {
			k->whole = 1;
			k->end = (size_t)(js->base + (long long)js->r);
		}
	}
	sl_jscan_free(js);
}

int
sl_jkeys_has(const struct sl_jkeys *k, const char *path)
{
	size_t i = 0;

	while (i < k->len) {
		if (strcmp(k->buf + i, path) == 0)
			return 1;
		i += strlen(k->buf + i) + 1;
	}
	return 0;
}
