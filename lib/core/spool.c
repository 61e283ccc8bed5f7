/*
 * spool.c: a session's records on disk, so that writers needing a whole
 * session (a table of contents first, the time of the session's end on
 * its first line) keep memory bounded.  The records are in the run's
 * record codec (core/reccodec.c), back to back; this file is only the
 * file layer: extents of a shared file, read back through a buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

#define READ_CHUNK	(1 << 16)
#define SPOOL_REC_MAX	(256u << 20)	/* a damaged length is refused */

int
sl_spool_write(FILE *fp, struct sl_buf *b, const struct sl_record *r)
{
	sl_buf_reset(b);
	sl_record_encode(b, r);
	if (fwrite(b->buf, 1, b->len, fp) != b->len)
		return -1;
	return 0;
}

/* ------------------------------------------------------------ reading */

/*
 * A session's bytes: extents of a shared file, read in this order.  With
 * sessions interleaved each record can be an extent of its own, so they
 * are kept packed: each but the last as two varints, its start minus the
 * previous one's end (zigzag: it may go back) and its length -- about 4
 * bytes an extent instead of 16.  The last stays open to grow.
 */
struct sl_spool {
	int fd;
	struct sl_buf packed;		/* the extents before the last */
	long long packed_end;		/* end of the last one packed */
	long long last_off, last_len;	/* the last extent; len 0: none */
	long long len;			/* the sum of the extents */
};

struct sl_spool_cur {
	struct sl_spool *sp;
	size_t at;			/* next byte of sp->packed to decode */
	long long prev_end;		/* end of the extent decoded before */
	int took_last;			/* the last extent is being read */
	long long off, elen;		/* the extent being read */
	long long pos;			/* its next byte to read */
	struct sl_buf buf;		/* read buffer */
	size_t start;			/* first unused byte in buf */
	struct sl_record r;
	struct sl_buf arrays;		/* of r: spans, extras, kinds */
};

struct sl_spool *
sl_spool_new(int fd, long long off, long long len)
{
	struct sl_spool *sp = sl_xcalloc(1, sizeof(*sp));

	sp->fd = fd;
	sl_buf_init(&sp->packed);
	if (len > 0)
		sl_spool_add(sp, off, len);
	return sp;
}

static void
put_varint(struct sl_buf *b, unsigned long long v)
{
	while (v >= 0x80) {
		sl_buf_addc(b, (char)((v & 0x7f) | 0x80));
		v >>= 7;
	}
	sl_buf_addc(b, (char)v);
}

static unsigned long long
get_varint(const struct sl_buf *b, size_t *at)
{
	unsigned long long v = 0;
	unsigned shift = 0;
	unsigned char c;

	do {
		c = (unsigned char)b->buf[(*at)++];
		v |= (unsigned long long)(c & 0x7f) << shift;
		shift += 7;
	} while ((c & 0x80) && *at < b->len);
	return v;
}

void
sl_spool_add(struct sl_spool *sp, long long off, long long len)
{
	long long d;

	sp->len += len;
	/* Records of one session written in a row make one extent. */
	if (sp->last_len > 0 && sp->last_off + sp->last_len == off) {
		sp->last_len += len;
		return;
	}
	if (sp->last_len > 0) {
		d = sp->last_off - sp->packed_end;
		put_varint(&sp->packed, d < 0 ?
		    ((unsigned long long)~d << 1) | 1 :
		    (unsigned long long)d << 1);
		put_varint(&sp->packed, (unsigned long long)sp->last_len);
		sp->packed_end = sp->last_off + sp->last_len;
	}
	sp->last_off = off;
	sp->last_len = len;
}

long long
sl_spool_len(const struct sl_spool *sp)
{
	return sp->len;
}

void
sl_spool_free(struct sl_spool *sp)
{
	if (sp == NULL)
		return;
	sl_buf_free(&sp->packed);
	free(sp);
}

struct sl_spool_cur *
sl_spool_cursor(struct sl_spool *sp)
{
	struct sl_spool_cur *c = sl_xcalloc(1, sizeof(*c));

	c->sp = sp;
	sl_buf_init(&c->buf);
	sl_buf_init(&c->arrays);
	return c;
}

void
sl_spool_cursor_free(struct sl_spool_cur *c)
{
	if (c == NULL)
		return;
	sl_buf_free(&c->buf);
	sl_buf_free(&c->arrays);
	free(c);
}

/* Move to the next extent: 1, or 0 past the last. */
static int
next_extent(struct sl_spool_cur *c)
{
	const struct sl_spool *sp = c->sp;
	unsigned long long z;

	if (c->at < sp->packed.len) {
		z = get_varint(&sp->packed, &c->at);
		c->off = c->prev_end + (z & 1 ? (long long)~(z >> 1) :
		    (long long)(z >> 1));
		c->elen = (long long)get_varint(&sp->packed, &c->at);
		c->prev_end = c->off + c->elen;
	} else if (!c->took_last && sp->last_len > 0) {
		c->took_last = 1;
		c->off = sp->last_off;
		c->elen = sp->last_len;
	} else
		return 0;
	c->pos = 0;
	return 1;
}

/*
 * Read what is left of the current extent, or of the next: the number
 * of bytes read, 0 at the end of the spool, -1.
 */
static ssize_t
read_more(struct sl_spool_cur *c, size_t want)
{
	const struct sl_spool *sp = c->sp;
	ssize_t got;

	while (c->pos >= c->elen)
		if (!next_extent(c))
			return 0;
	if ((long long)want > c->elen - c->pos)
		want = (size_t)(c->elen - c->pos);
	sl_buf_reserve(&c->buf, want);
	do
		got = pread(sp->fd, c->buf.buf + c->buf.len, want,
		    (off_t)(c->off + c->pos));
	while (got < 0 && errno == EINTR);
	if (got <= 0)
		return -1;
	c->buf.len += (size_t)got;
	c->pos += got;
	return got;
}

/* Make n bytes available at buf.buf + start.  1, 0 at a clean end, -1. */
static int
need(struct sl_spool_cur *c, size_t n)
{
	ssize_t got;

	if (c->start > 0 && c->buf.len - c->start < n) {
		memmove(c->buf.buf, c->buf.buf + c->start, c->buf.len - c->start);
		c->buf.len -= c->start;
		c->start = 0;
	}
	while (c->buf.len - c->start < n) {
		got = read_more(c, SL_MAX(n - (c->buf.len - c->start),
		    READ_CHUNK));
		if (got == 0)
			return c->buf.len == c->start ? 0 : -1;
		if (got < 0)
			return -1;
	}
	return 1;
}

int
sl_spool_next(struct sl_spool_cur *c, const struct sl_record **out)
{
	size_t size;
	int rc;

	if ((rc = need(c, 4)) <= 0)
		return rc;
	size = sl_record_size(c->buf.buf + c->start, 4);
	if (size > SPOOL_REC_MAX || need(c, size) != 1 ||
	    sl_record_decode(c->buf.buf + c->start, size, &c->r,
	    &c->arrays) != size)
		return -1;
	c->start += size;
	*out = &c->r;
	return 1;
}
