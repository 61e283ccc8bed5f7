/*
 * buf.c: a growable byte buffer (in the spirit of redis sds, without the
 * header trick) and JSON string escaping (json_esc.h) on top of it,
 * in one file so that the escaper's appends inline: records are mostly
 * plain ASCII, so runs that need no escape are found 16 bytes at a time
 * (SSE2) in the plain form, the one on the per-line path.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/json_esc.h"

void
sl_buf_init(struct sl_buf *b)
{
	b->buf = NULL;
	b->len = 0;
	b->cap = 0;
}

void
sl_buf_free(struct sl_buf *b)
{
	free(b->buf);
	sl_buf_init(b);
}

void
sl_buf_reset(struct sl_buf *b)
{
	b->len = 0;
	if (b->buf != NULL)
		b->buf[0] = '\0';
}

/* Make room for n more bytes and the terminating NUL. */
static void
grow(struct sl_buf *b, size_t n)
{
	size_t cap;

	if (b->len + n + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;	/* small: thousands of sessions may each
					   keep a few */
	while (cap < b->len + n + 1)
		cap *= 2;
	b->buf = sl_xrealloc(b->buf, cap);
	b->cap = cap;
}

void
sl_buf_reserve(struct sl_buf *b, size_t n)
{
	grow(b, n);
	b->buf[b->len] = '\0';	/* a fresh buffer is a string from here */
}

void
sl_buf_add(struct sl_buf *b, const void *p, size_t n)
{
	grow(b, n);
	if (n > 0)
		memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
sl_buf_addc(struct sl_buf *b, int c)
{
	grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void
sl_buf_adds(struct sl_buf *b, const char *s)
{
	sl_buf_add(b, s, strlen(s));
}

void
sl_buf_add_int(struct sl_buf *b, long long v)
{
	grow(b, 21);
	b->len = (size_t)(sl_json_int(b->buf + b->len, v) - b->buf);
	b->buf[b->len] = '\0';
}

void
sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ------------------------------------------------- JSON string escaping */

/* Bytes the plain form carries as they are: printable ASCII but " \. */
static const unsigned char plain_byte[256] = {
	['\x20'] = 1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \ */, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Does the form given by flags carry byte c as it is? */
static int
plain(unsigned char c, unsigned flags)
{
	if (c >= 0x80)
		return (flags & SL_JSON_BYTES) != 0;
	if (!plain_byte[c])
		return 0;
	return !(flags & SL_JSON_GO) || (c != '<' && c != '>' && c != '&');
}

/* Skip bytes the plain form carries as they are, 16 at a time. */
static const unsigned char *
plain_run(const unsigned char *q, const unsigned char *end)
{
#ifdef __SSE2__
	while (end - q >= 16) {
		unsigned m = sl_json_bad16(q);

		if (m != 0)
			return q + __builtin_ctz(m);
		q += 16;
	}
#endif
	while (q < end && plain_byte[*q])
		q++;
	return q;
}

/* The character at p (non-ASCII) at o (room for 6); *k its length. */
static char *
other(char *o, const unsigned char *p, size_t n, size_t *k,
    unsigned flags)
{
	uint32_t cp;

	if (!(flags & SL_JSON_GO))
		return sl_json_other_plain(o, p, n, k);
	if (sl_json_decode(p, n, k, &cp))
		return memcpy(o, "\\ufffd", 6), o + 6;
	if (cp == 0x2028 || cp == 0x2029)
		return memcpy(o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6),
		    o + 6;
	memcpy(o, p, *k);
	return o + *k;
}

void
sl_json_escape(struct sl_buf *b, const char *s, size_t n, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *q;
	size_t k;
	char *o;

	grow(b, n + 2);
	if (!(flags & SL_JSON_BARE))
		b->buf[b->len++] = '"';
	while (p < end) {
		if (flags == 0 || flags == SL_JSON_BARE)
			q = plain_run(p, end);
		else
			for (q = p; q < end && plain(*q, flags); q++)
				;
		if (q > p) {
			sl_buf_add(b, p, (size_t)(q - p));
			if ((p = q) == end)
				break;
		}
		grow(b, 12);
		o = b->buf + b->len;
		k = 1;
		o = *p < 0x80 ? sl_json_ascii(o, *p) :
		    other(o, p, (size_t)(end - p), &k, flags);
		p += k;
		b->len = (size_t)(o - b->buf);
	}
	grow(b, 1);
	if (!(flags & SL_JSON_BARE))
		b->buf[b->len++] = '"';
	b->buf[b->len] = '\0';
}

void
sl_buf_json_str(struct sl_buf *b, const char *s, size_t n)
{
	sl_json_escape(b, s, n, 0);
}
