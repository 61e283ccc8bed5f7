/*
 * buf.c: a growable byte buffer (in the spirit of redis sds, without the
 * header trick).  JSON string encoding is in json_esc.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
