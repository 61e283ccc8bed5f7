/*
 * jsonscan.c: an incremental JSON scanner.  CloudWatch output can be one
 * document of many gigabytes ({"events":[...]}), so it is never loaded:
 * the scanner tracks strings, escapes and nesting over a sliding buffer,
 * walks only the levels a reader enters, and copies one value (an event)
 * at a time for jansson to parse.
 *
 * It checks the structure of the levels it walks (commas, colons,
 * brackets); the values it copies or skips are skimmed by the tokenizer
 * (jsontok.c: bracket pairing, strings by memchr() for the closing
 * quote) and checked by whoever parses them.  Strings it decodes go
 * through the tokenizer's strict decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "json/jsonscan.h"

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
	struct sl_jtok *tok;		/* skims values; made at the first
					   (last: kept by a reset) */
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
	free(js->tok);
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

/* The n bytes at s scanned: copied to out unless past max. */
static void
keep(struct sl_buf *out, const unsigned char *s, size_t n, size_t max,
    size_t *kept, int *big)
{
	if (out == NULL || *big)
		return;
	if (*kept + n > max) {
		*big = 1;
		sl_buf_reset(out);
	} else {
		sl_buf_add(out, s, n);
		*kept += n;
	}
}

/*
 * Scan the value at hand to its end, copying it to out if not NULL: the
 * tokenizer skims it a window at a time.
 */
static int
scan_value(struct sl_jscan *js, struct sl_buf *out, size_t max)
{
	struct sl_jtok *t = js->tok;
	size_t kept = 0, n;
	int big = 0;
	char sh[8];

	if (js->dead)
		return SL_JS_ERR;
	if (!js->pending)
		return fail(js, SL_JSE_SYNTAX, "no value here");
	js->pending = 0;
	if (out != NULL)
		sl_buf_reset(out);
	/* Not zeroed: the skim mode starts from what it resets. */
	if (t == NULL)
		t = js->tok = sl_xmalloc(sizeof(*t));
	sl_jtok_skim_start(t);
	for (;;) {
		const unsigned char *s = js->data + js->r;

		n = sl_jtok_skim(t, (const char *)s, js->w - js->r);
		js->line += count_nl(s, n);
		js->r += n;
		if (t->err != NULL)
			return fail(js, SL_JSE_SYNTAX, "mismatched %s",
			    show(s[n], sh));
		keep(out, s, n, max, &kept, &big);
		if (t->done)
			break;
		if (!more(js)) {
			if (t->inlit)
				break;	/* a number may end the input */
			return cut(js, t->instr ? "inside a string" :
			    t->depth > 0 ? "inside a value" : "");
		}
	}
	if (t->deep)
		return SL_JS_DEEP;
	return big ? SL_JS_BIG : SL_JS_OK;
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
	/* The tokenizer is reset for each value it skims. */
	memset(js, 0, offsetof(struct sl_jscan, tok));
	js->line = 1;
	js->data = p != NULL ? p : (const void *)"";
	js->w = n;
	js->eof = 1;
}

int
sl_jscan_unquote(struct sl_jscan *js, struct sl_buf *out)
{
	long k;

	if (js->dead || !js->pending || js->vtype != '"' || js->buf != NULL)
		return SL_JS_ERR;
	k = sl_json_decode_str(js->data + js->r + 1, js->data + js->w, out);
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
