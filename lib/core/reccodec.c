/*
 * reccodec.c: the one binary form of a struct sl_record, private to a
 * run (the -j pipe between workers and the run, sl-convert's spool file):
 *
 *	u32 length of what follows
 *	u32 type | has_prompt << 8 | cont << 9 | cancelled << 10 |
 *	    redrawn << 11 | uncertain << 12
 *	i64 src_line, n, prompt_len, count
 *	str session, src, text (with its length), time, expanded, code
 *	u32 nspans, nextra, nredacted
 *	spans as bytes, { str key, str val }..., str redacted...
 *	str f[SL_F_COUNT]			SL_SESSION only
 *
 * A str is u32 length, bytes, NUL (NULL: length UINT32_MAX), so that a
 * record decoded points into the bytes without copies.  Integers are
 * host order: both ends are the same program.  Every field is written
 * once, here; tests/unit/test_reccodec.c fails for a field of struct
 * sl_record it does not know.
 */
#include <stdint.h>
#include <string.h>

#include "core/core.h"

#define HEAD	4		/* the u32 length */

void
sl_codec_put_u32(struct sl_buf *b, uint32_t v)
{
	sl_buf_add(b, &v, sizeof(v));
}

void
sl_codec_put_i64(struct sl_buf *b, long long v)
{
	int64_t x = v;

	sl_buf_add(b, &x, sizeof(x));
}

static void
put_strn(struct sl_buf *b, const char *s, size_t n)
{
	if (s == NULL) {
		sl_codec_put_u32(b, UINT32_MAX);
		return;
	}
	sl_codec_put_u32(b, (uint32_t)n);
	sl_buf_add(b, s, n);
	sl_buf_addc(b, '\0');
}

void
sl_codec_put_str(struct sl_buf *b, const char *s)
{
	put_strn(b, s, s != NULL ? strlen(s) : 0);
}

/* The arrays themselves, after their counts. */
static void
put_arrays(struct sl_buf *b, const struct sl_record *r)
{
	size_t i;

	if (r->spans != NULL)
		sl_buf_add(b, r->spans, r->nspans * sizeof(*r->spans));
	for (i = 0; i < r->nextra; i++) {
		sl_codec_put_str(b, r->extra[i].key);
		sl_codec_put_str(b, r->extra[i].val);
	}
	for (i = 0; i < r->nredacted; i++)
		sl_codec_put_str(b, r->redacted[i]);
}

/* The fixed part, written through a cursor into room already made. */
static char *
w_u32(char *o, uint32_t v)
{
	memcpy(o, &v, sizeof(v));
	return o + sizeof(v);
}

static char *
w_i64(char *o, long long v)
{
	int64_t x = v;

	memcpy(o, &x, sizeof(x));
	return o + sizeof(x);
}

static char *
w_strn(char *o, const char *s, size_t n)
{
	if (s == NULL)
		return w_u32(o, UINT32_MAX);
	o = w_u32(o, (uint32_t)n);
	memcpy(o, s, n);
	o[n] = '\0';
	return o + n + 1;
}

#define NSTR	6		/* the strings of every record */

/*
 * Every record is encoded on its way to the spool or the -j pipe: the
 * head and the six common strings are measured once, the room made once,
 * and written with no per-field checks; the rarer arrays and session
 * fields follow through the buffer's own appends.
 */
void
sl_record_encode(struct sl_buf *b, const struct sl_record *r)
{
	const char *str[NSTR] = { r->session, r->src, r->text, r->time,
	    r->expanded, r->code };
	size_t len[NSTR], at = b->len, need = 2 * 4 + 4 * 8 + 3 * 4, i;
	uint32_t total;
	char *o;

	for (i = 0; i < NSTR; i++) {
		len[i] = str[i] == NULL ? 0 : i == 2 ? r->len : strlen(str[i]);
		need += 4 + (str[i] != NULL ? len[i] + 1 : 0);
	}
	sl_buf_reserve(b, need);
	o = w_u32(b->buf + at, 0);
	o = w_u32(o, (uint32_t)r->type | (uint32_t)(r->has_prompt != 0) << 8 |
	    (uint32_t)(r->cont != 0) << 9 | (uint32_t)(r->cancelled != 0) << 10 |
	    (uint32_t)(r->redrawn != 0) << 11 |
	    (uint32_t)(r->uncertain != 0) << 12);
	o = w_i64(o, r->src_line);
	o = w_i64(o, r->n);
	o = w_i64(o, (long long)r->prompt_len);
	o = w_i64(o, r->count);
	for (i = 0; i < NSTR; i++)
		o = w_strn(o, str[i], len[i]);
	/* The arrays' counts, with the fixed part: most records have none. */
	o = w_u32(o, (uint32_t)(r->spans != NULL ? r->nspans : 0));
	o = w_u32(o, (uint32_t)r->nextra);
	o = w_u32(o, (uint32_t)r->nredacted);
	b->len = (size_t)(o - b->buf);
	b->buf[b->len] = '\0';
	put_arrays(b, r);
	/* f is left uncleared in other records (sl.h) */
	for (i = 0; r->type == SL_SESSION && i < SL_F_COUNT; i++)
		sl_codec_put_str(b, r->f[i]);
	total = (uint32_t)(b->len - at - HEAD);
	memcpy(b->buf + at, &total, sizeof(total));
}

/* ------------------------------------------------------------ decoding */

static void
get(struct sl_codec_cur *c, void *dst, size_t n)
{
	if (c->bad || c->n < n) {
		c->bad = 1;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->p, n);
	c->p += n;
	c->n -= n;
}

uint32_t
sl_codec_get_u32(struct sl_codec_cur *c)
{
	uint32_t v;

	get(c, &v, sizeof(v));
	return v;
}

long long
sl_codec_get_i64(struct sl_codec_cur *c)
{
	int64_t v;

	get(c, &v, sizeof(v));
	return v;
}

static const char *
get_strn(struct sl_codec_cur *c, size_t *len)
{
	uint32_t n = sl_codec_get_u32(c);
	const char *s = c->p;

	*len = 0;
	if (c->bad || n == UINT32_MAX)
		return NULL;
	if (c->n < (size_t)n + 1 || c->p[n] != '\0') {
		c->bad = 1;
		return NULL;
	}
	c->p += (size_t)n + 1;
	c->n -= (size_t)n + 1;
	*len = n;
	return s;
}

const char *
sl_codec_get_str(struct sl_codec_cur *c)
{
	size_t len;

	return get_strn(c, &len);
}

/*
 * The variable parts: spans, extra fields, redacted kinds, into one
 * allocation, pointers first (the strictest alignment).  Every count is
 * checked against the bytes left, each element taking at least 4.
 */
static void
get_arrays(struct sl_codec_cur *c, struct sl_record *r, struct sl_buf *arrays)
{
	size_t i, nsp = sl_codec_get_u32(c), spb;
	const char **red;
	struct sl_kv *kv;

	r->nextra = sl_codec_get_u32(c);
	r->nredacted = sl_codec_get_u32(c);
	spb = nsp * sizeof(struct sl_span);
	if (c->bad || nsp > c->n || r->nextra > c->n || r->nredacted > c->n ||
	    spb > c->n) {
		c->bad = 1;
		return;
	}
	sl_buf_reset(arrays);
	sl_buf_reserve(arrays, r->nextra * sizeof(*kv) + r->nredacted *
	    sizeof(*red) + spb);
	kv = (struct sl_kv *)(void *)arrays->buf; /* malloc'd: aligned */
	red = (const char **)(void *)(kv + r->nextra);
	if (nsp > 0) {
		get(c, red + r->nredacted, spb);
		r->spans = (const struct sl_span *)(void *)(red + r->nredacted);
		r->nspans = nsp;
	}
	for (i = 0; i < r->nextra; i++) {
		kv[i].key = sl_codec_get_str(c);
		kv[i].val = sl_codec_get_str(c);
	}
	for (i = 0; i < r->nredacted; i++)
		red[i] = sl_codec_get_str(c);
	r->extra = r->nextra > 0 ? kv : NULL;
	r->redacted = r->nredacted > 0 ? red : NULL;
}

static void
get_fixed(struct sl_codec_cur *c, struct sl_record *r)
{
	uint32_t head = sl_codec_get_u32(c);

	r->type = (enum sl_type)(head & 0xff);
	r->has_prompt = (head >> 8) & 1;
	r->cont = (head >> 9) & 1;
	r->cancelled = (head >> 10) & 1;
	r->redrawn = (head >> 11) & 1;
	r->uncertain = (head >> 12) & 1;
	r->src_line = sl_codec_get_i64(c);
	r->n = sl_codec_get_i64(c);
	r->prompt_len = (size_t)sl_codec_get_i64(c);
	r->count = sl_codec_get_i64(c);
}

size_t
sl_record_size(const char *p, size_t n)
{
	uint32_t len;

	if (n < HEAD)
		return 0;
	memcpy(&len, p, sizeof(len));
	return HEAD + (size_t)len;
}

size_t
sl_record_decode(const char *p, size_t n, struct sl_record *r,
    struct sl_buf *arrays)
{
	size_t size = sl_record_size(p, n), i;
	struct sl_codec_cur c = { p + HEAD, size - HEAD, 0 };

	memset(r, 0, sizeof(*r));
	if (size == 0 || size > n)
		return 0;
	get_fixed(&c, r);
	r->session = sl_codec_get_str(&c);
	r->src = sl_codec_get_str(&c);
	r->text = get_strn(&c, &r->len);
	r->time = sl_codec_get_str(&c);
	r->expanded = sl_codec_get_str(&c);
	r->code = sl_codec_get_str(&c);
	get_arrays(&c, r, arrays);
	for (i = 0; r->type == SL_SESSION && i < SL_F_COUNT; i++)
		r->f[i] = sl_codec_get_str(&c);
	/* a record ends where its length says: nothing short, nothing over */
	if (c.bad || c.n != 0 || r->type > SL_RAW ||
	    (r->has_prompt && r->prompt_len > r->len))
		return 0;
	return size;
}
