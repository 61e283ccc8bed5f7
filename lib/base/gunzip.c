/*
 * gunzip.c: gzip in memory (the payload of a CloudWatch subscription
 * event, a gzip'd base64 blob).  Output is bounded by the caller's max,
 * so a small blob cannot expand into all of memory; problems come back
 * as values with a message, for the caller to report in its words.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "base/base.h"
#include "base/gunzip.h"

/* member() results beyond zlib's. */
#define GZ_FULL		100	/* max reached on a prefix: stop, no error */
#define GZ_OVER		101	/* max exceeded: refused */

struct gz {
	z_stream z;
	const unsigned char *in;
	size_t n, pos;			/* the next member starts at pos */
	struct sl_buf *out;
	struct sl_gunzip *g;
};

static int
member_start(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 &&
	    (p[3] & 0xe0) == 0;
}

static int
only_zeros(const unsigned char *p, size_t n)
{
	size_t k;

	for (k = 0; k < n && p[k] == 0; k++)
		;
	return k == n;
}

/* Add k bytes of output, within max.  Returns 0, GZ_FULL or GZ_OVER. */
static int
put(struct gz *s, const unsigned char *p, size_t k)
{
	struct sl_gunzip *g = s->g;

	if (g->max == 0 || s->out->len + k <= g->max) {
		sl_buf_add(s->out, p, k);
		return 0;
	}
	if (g->flags & SL_GUNZIP_PREFIX) {
		sl_buf_add(s->out, p, g->max - SL_MIN(s->out->len, g->max));
		return GZ_FULL;
	}
	snprintf(g->err, sizeof(g->err), "gzip data decodes to more than "
	    "%zu MiB", g->max >> 20);
	return GZ_OVER;
}

/*
 * Inflate the member at pos; pos then follows what was consumed.
 * Returns Z_STREAM_END, GZ_FULL, GZ_OVER, or zlib's error.
 */
static int
member(struct gz *s)
{
	unsigned char chunk[65536];
	size_t k;
	int ret, full;

	inflateReset(&s->z);
	s->z.next_in = (unsigned char *)s->in + s->pos;
	s->z.avail_in = (uInt)SL_MIN(s->n - s->pos, (size_t)UINT_MAX);
	for (;;) {
		s->z.next_out = chunk;
		s->z.avail_out = sizeof(chunk);
		ret = inflate(&s->z, Z_NO_FLUSH);
		k = sizeof(chunk) - s->z.avail_out;
		if ((full = put(s, chunk, k)) != 0)
			return full;
		if (ret == Z_STREAM_END)
			break;
		if (ret != Z_OK && !(ret == Z_BUF_ERROR && k > 0))
			break;
		if (s->z.avail_in == 0 && k == 0)
			break;
	}
	s->pos = (size_t)(s->z.next_in - s->in);
	return ret;
}

/*
 * Corrupt data at pos (why: zlib's word, or NULL when no member starts
 * there).  Skipping, go on at the next member and record the break.
 * Returns 1 to go on, -1 when the rest is lost.
 */
static int
corrupt(struct gz *s, const char *why)
{
	struct sl_gunzip *g = s->g;
	size_t k;

	if (why == NULL)
		why = "not a gzip member";
	if (!(g->flags & SL_GUNZIP_SKIP)) {
		snprintf(g->err, sizeof(g->err), "corrupt gzip data: %s at "
		    "compressed byte %zu", why, s->pos);
		return -1;
	}
	if (g->err[0] == '\0')
		snprintf(g->err, sizeof(g->err), "corrupt gzip data: %s at "
		    "compressed byte %zu; skipped to the next member", why,
		    s->pos);
	for (k = s->pos; k + 4 <= s->n; k++)
		if (member_start(s->in + k, s->n - k)) {
			s->pos = k;
			if (g->brks != NULL && g->nbrk < g->nbrk_max)
				g->brks[g->nbrk++] = (long long)s->out->len;
			return 1;
		}
	return -1;
}

/* What is left after one member's ret: 0 go on, 1 stop, -1 failed. */
static int
after_member(struct gz *s, int ret)
{
	if (ret == Z_STREAM_END)
		return 0;
	if (ret == GZ_FULL)
		return 1;
	if (ret == GZ_OVER)
		return -1;
	if (s->pos >= s->n || ret == Z_BUF_ERROR) {
		if (s->g->flags & SL_GUNZIP_PREFIX)
			return 1;
		snprintf(s->g->err, sizeof(s->g->err), "unexpected end of "
		    "gzip data (truncated)");
		return -1;
	}
	return corrupt(s, s->z.msg) < 0 ? -1 : 0;
}

int
sl_gunzip(const void *p, size_t n, struct sl_buf *out, struct sl_gunzip *g)
{
	struct gz s;
	int step = 0;

	memset(&s, 0, sizeof(s));
	s.in = p;
	s.n = n;
	s.out = out;
	s.g = g;
	g->nbrk = 0;
	g->err[0] = '\0';
	if (inflateInit2(&s.z, 16 + MAX_WBITS) != Z_OK) {
		snprintf(g->err, sizeof(g->err), "out of memory decoding gzip "
		    "data");
		return -1;
	}
	while (s.pos < n && step == 0 && !only_zeros(s.in + s.pos, n - s.pos)) {
		if (member_start(s.in + s.pos, n - s.pos)) {
			step = after_member(&s, member(&s));
			continue;
		}
		s.pos++;		/* not a member: look past it */
		step = corrupt(&s, NULL) < 0 ? -1 : 0;
	}
	inflateEnd(&s.z);
	if (step < 0)
		return -1;
	return g->err[0] != '\0' ? 1 : 0;
}
