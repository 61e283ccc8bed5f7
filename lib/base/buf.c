/*
 * buf.c: a growable byte buffer (in the spirit of redis sds, without the
 * header trick) and JSON string encoding on top of it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

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
	cap = b->cap ? b->cap : 256;
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
	char tmp[24], *e = tmp + sizeof(tmp), *p = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	sl_buf_add(b, p, (size_t)(e - p));
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

/* Bytes that JSON strings carry as they are: printable ASCII but " and \. */
static const unsigned char json_plain[256] = {
	['\x20'] = 1, 1, 0 /* " */, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 /* \ */, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* Skip bytes JSON carries as they are, 16 at a time where we can. */
static const unsigned char *
plain_run(const unsigned char *q, const unsigned char *end)
{
#ifdef __SSE2__
	const __m128i sp = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
	    bslash = _mm_set1_epi8('\\');

	while (end - q >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)q);
		/* Signed compare: bytes >= 0x80 are negative, so < 0x20 too. */
		__m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, sp),
		    _mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)));
		int m = _mm_movemask_epi8(bad);

		if (m != 0)
			return q + __builtin_ctz((unsigned)m);
		q += 16;
	}
#endif
	while (q < end && json_plain[*q])
		q++;
	return q;
}

void
sl_buf_json_str(struct sl_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	static const char hex[] = "0123456789abcdef";
	uint32_t cp;
	size_t k;

	/* Worst case: every byte becomes \u00XX (6 bytes). */
	grow(b, n + 2);
	b->buf[b->len++] = '"';
	while (p < end) {
		const unsigned char *q = p;
		char *o;

		q = plain_run(q, end);
		if (q > p) {
			sl_buf_add(b, p, (size_t)(q - p));
			p = q;
			if (p == end)
				break;
		}
		grow(b, 12);
		o = b->buf + b->len;
		switch (*p) {
		case '"': *o++ = '\\'; *o++ = '"'; p++; break;
		case '\\': *o++ = '\\'; *o++ = '\\'; p++; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; p++; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; p++; break;
		case '\t': *o++ = '\\'; *o++ = 't'; p++; break;
		case '\b': *o++ = '\\'; *o++ = 'b'; p++; break;
		case '\f': *o++ = '\\'; *o++ = 'f'; p++; break;
		default:
			if (*p < 0x20) {
				memcpy(o, "\\u00", 4);
				o[4] = hex[*p >> 4];
				o[5] = hex[*p & 15];
				o += 6;
				p++;
				break;
			}
			k = sl_utf8_decode(p, (size_t)(end - p), &cp);
			if (k == 0) {		/* cut short at the end */
				k = (size_t)(end - p);
				cp = 0xfffd;
			}
			if (cp >= 0x80 && cp <= 0x9f) {
				/* C1 (an 8-bit CSI): escaped, as C0 is */
				memcpy(o, "\\u00", 4);
				o[4] = hex[cp >> 4];
				o[5] = hex[cp & 15];
				o += 6;
			} else if (cp == 0xfffd && !(k == 3 && p[0] == 0xef))
				o += sl_utf8_encode(0xfffd, o);
			else {
				memcpy(o, p, k);
				o += k;
			}
			p += k;
			break;
		}
		b->len = (size_t)(o - b->buf);
	}
	grow(b, 1);
	b->buf[b->len++] = '"';
	b->buf[b->len] = '\0';
}
