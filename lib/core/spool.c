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

/* A session's bytes: extents of a shared file, read in this order. */
struct sl_extent {
	long long off, len;
};

struct sl_spool {
	int fd;
	struct sl_extent *ext;
	size_t next, cap;
	long long len;			/* the sum of the extents */
};

struct sl_spool_cur {
	struct sl_spool *sp;
	size_t ext;			/* the extent being read */
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
	if (len > 0)
		sl_spool_add(sp, off, len);
	return sp;
}

void
sl_spool_add(struct sl_spool *sp, long long off, long long len)
{
	struct sl_extent *last = sp->next > 0 ? &sp->ext[sp->next - 1] : NULL;

	sp->len += len;
	/* Records of one session written in a row make one extent. */
	if (last != NULL && last->off + last->len == off) {
		last->len += len;
		return;
	}
	if (sp->next == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 1;
		sp->ext = sl_xrealloc(sp->ext, sp->cap * sizeof(*sp->ext));
	}
	sp->ext[sp->next].off = off;
	sp->ext[sp->next].len = len;
	sp->next++;
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
	free(sp->ext);
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

/*
 * Read what is left of the current extent, or of the next: the number
 * of bytes read, 0 at the end of the spool, -1.
 */
static ssize_t
read_more(struct sl_spool_cur *c, size_t want)
{
	const struct sl_spool *sp = c->sp;
	const struct sl_extent *e;
	ssize_t got;

	while (c->ext < sp->next && c->pos >= sp->ext[c->ext].len) {
		c->ext++;
		c->pos = 0;
	}
	if (c->ext == sp->next)
		return 0;
	e = &sp->ext[c->ext];
	if ((long long)want > e->len - c->pos)
		want = (size_t)(e->len - c->pos);
	sl_buf_reserve(&c->buf, want);
	do
		got = pread(sp->fd, c->buf.buf + c->buf.len, want,
		    (off_t)(e->off + c->pos));
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
