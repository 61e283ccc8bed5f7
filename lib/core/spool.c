/*
 * spool.c: a session's records on disk, so that writers needing a whole
 * session (a table of contents first, the time of the session's end on
 * its first line) keep memory bounded.  The records are in the run's
 * record codec (core/reccodec.c), back to back; this file is only the
 * file layer: extents of a shared file, read back through a buffer.
 */
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

/* ------------------------------------------------------------ extents */

/*
 * A session's bytes: extents of a shared file, read in this order.  With
 * sessions interleaved each record can be an extent of its own, so they
 * are kept packed: each but the last as two varints, its start minus the
 * previous one's end (zigzag: it may go back) and its length -- about 4
 * bytes an extent instead of 16.  The last stays open to grow.
 *
 * The packed extents would still grow with the number of runs in the
 * input, so past SPOOL_BLOCK bytes they go to the shared file itself as a
 * block, chained back to the spool's previous block: memory holds one
 * block at most per spool, whatever the input.  A block is
 *
 *	u64 LE	offset of the previous block of the same spool, 0: none
 *	u16 LE	bytes of packed extents that follow (<= SPOOL_BLOCK)
 *
 * The link goes backwards because the previous block's offset is known
 * when a block is written: nothing already written is patched, so the
 * file stays a buffered stream of appends (a forward link cost a flush
 * and a pwrite a block).  A cursor walks the chain back from the tail
 * once and keeps each block's place: 8 bytes a block of SPOOL_BLOCK.
 * Offset 0 is never a block: a spool spills only after its first record.
 */
#define SPOOL_BLOCK	256
#define BLOCK_HEAD	10
#define VARINT_MAX	10	/* bytes of one 64-bit varint */
#define BLOCK_AT_MAX	(1LL << 54)	/* a kept block: offset << 9 | length */

struct sl_spool {
	int fd;
	long long tail;			/* its last block; -1: none */
	struct sl_buf packed;		/* the extents after the last block */
	long long packed_end;		/* end of the last one packed */
	long long last_off, last_len;	/* the last extent; len 0: none */
	long long len;			/* the sum of the extents */
};

struct sl_spool_cur {
	struct sl_spool *sp;
	unsigned long long *blocks;	/* offset << 9 | length, in order */
	size_t nblocks, blk_next;	/* how many, the next to read */
	int bad;			/* the chain is damaged or unreadable */
	int in_mem;			/* reading sp->packed, blocks done */
	unsigned char blk[SPOOL_BLOCK];	/* the block being decoded */
	size_t blk_len, at;		/* its bytes, the next to decode */
	long long prev_end;		/* end of the extent decoded before */
	int took_last;			/* the last extent is being read */
	long long off, elen;		/* the extent being read */
	long long pos;			/* its next byte to read */
	struct sl_buf buf;		/* read buffer */
	size_t start;			/* first unused byte in buf */
	struct sl_record r;
	struct sl_buf arrays;		/* of r: spans, extras, kinds */
};

static int add_extent(struct sl_spool *sp, struct sl_spool_file *f,
    long long off, long long len);

struct sl_spool *
sl_spool_new(int fd, long long off, long long len)
{
	struct sl_spool *sp = sl_xcalloc(1, sizeof(*sp));

	sp->fd = fd;
	sp->tail = -1;
	sl_buf_init(&sp->packed);
	if (len > 0)
		(void)add_extent(sp, NULL, off, len);	/* no file: no error */
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

/*
 * Decode the varint at p[*at] (*at < n) into *v.  0, or -1 when the
 * bytes end inside it (a block cut short): its value would be partial.
 */
static int
get_varint(const unsigned char *p, size_t n, size_t *at,
    unsigned long long *v)
{
	unsigned shift = 0;
	unsigned char c;

	*v = 0;
	do {
		c = p[(*at)++];
		if (shift < 64)
			*v |= (unsigned long long)(c & 0x7f) << shift;
		shift += 7;
	} while ((c & 0x80) && *at < n);
	return (c & 0x80) ? -1 : 0;
}

static void
put_le(unsigned char *p, unsigned long long v, int n)
{
	int i;

	for (i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static unsigned long long
get_le(const unsigned char *p, int n)
{
	unsigned long long v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/*
 * Move sp's packed extents to a block at the end of f, linked back to
 * sp's previous block.  0, or -1 on a write error.
 */
static int
spill_block(struct sl_spool *sp, struct sl_spool_file *f)
{
	unsigned char head[BLOCK_HEAD];
	long long at = f->end;

	put_le(head, sp->tail >= 0 ? (unsigned long long)sp->tail : 0, 8);
	put_le(head + 8, sp->packed.len, 2);
	if (fwrite(head, 1, sizeof(head), f->fp) != sizeof(head) ||
	    fwrite(sp->packed.buf, 1, sp->packed.len, f->fp) != sp->packed.len)
		return -1;
	f->end += BLOCK_HEAD + (long long)sp->packed.len;
	sp->tail = at;
	sl_buf_reset(&sp->packed);
	return 0;
}

/*
 * Append bytes [off, off+len) of the file to sp's; with a file f to
 * write to, a full block of packed extents goes there.  0, or -1.
 */
static int
add_extent(struct sl_spool *sp, struct sl_spool_file *f, long long off,
    long long len)
{
	long long d;

	sp->len += len;
	/* Records of one session written in a row make one extent. */
	if (sp->last_len > 0 && sp->last_off + sp->last_len == off) {
		sp->last_len += len;
		return 0;
	}
	if (sp->last_len > 0) {
		if (f != NULL && sp->packed.len + 2 * VARINT_MAX > SPOOL_BLOCK &&
		    spill_block(sp, f) != 0)
			return -1;
		d = sp->last_off - sp->packed_end;
		put_varint(&sp->packed, d < 0 ?
		    ((unsigned long long)~d << 1) | 1 :
		    (unsigned long long)d << 1);
		put_varint(&sp->packed, (unsigned long long)sp->last_len);
		sp->packed_end = sp->last_off + sp->last_len;
	}
	sp->last_off = off;
	sp->last_len = len;
	return 0;
}

int
sl_spool_append(struct sl_spool_file *f, struct sl_spool *sp,
    const struct sl_record *r)
{
	sl_buf_reset(&f->scratch);
	sl_record_encode(&f->scratch, r);
	return sl_spool_append_encoded(f, sp, f->scratch.buf, f->scratch.len);
}

int
sl_spool_append_encoded(struct sl_spool_file *f, struct sl_spool *sp,
    const void *p, size_t n)
{
	long long at = f->end;

	if (fwrite(p, 1, n, f->fp) != n)
		return -1;
	f->end += (long long)n;
	return add_extent(sp, f, at, (long long)n);
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

/* ------------------------------------------------------------ reading */

/*
 * Find c's blocks, walking their links back from the spool's tail, and
 * keep them first to last.  Each link must go back, so a damaged one
 * cannot loop.  0, or -1 on a read error or damage.
 */
static int
find_blocks(struct sl_spool_cur *c)
{
	unsigned char head[BLOCK_HEAD];
	unsigned long long prev, len;
	long long at = c->sp->tail;
	size_t room = 0, i;

	while (at > 0) {
		if (sl_pread_all(c->sp->fd, head, sizeof(head), at) != 0)
			return -1;
		prev = get_le(head, 8);
		len = get_le(head + 8, 2);
		if (len > SPOOL_BLOCK || prev >= (unsigned long long)at ||
		    at >= BLOCK_AT_MAX)
			return -1;
		if (c->nblocks == room) {
			room = room ? 2 * room : 16;
			c->blocks = sl_xrealloc(c->blocks,
			    room * sizeof(*c->blocks));
		}
		c->blocks[c->nblocks++] = (unsigned long long)at << 9 | len;
		at = (long long)prev;
	}
	for (i = 0; i < c->nblocks / 2; i++) {
		prev = c->blocks[i];
		c->blocks[i] = c->blocks[c->nblocks - 1 - i];
		c->blocks[c->nblocks - 1 - i] = prev;
	}
	return 0;
}

struct sl_spool_cur *
sl_spool_cursor(struct sl_spool *sp)
{
	struct sl_spool_cur *c = sl_xcalloc(1, sizeof(*c));

	c->sp = sp;
	c->bad = find_blocks(c) != 0;	/* reported by sl_spool_next */
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
	free(c->blocks);
	free(c);
}

/* Read the extents of block c->blk_next.  0, or -1 on a read error. */
static int
load_block(struct sl_spool_cur *c)
{
	unsigned long long b = c->blocks[c->blk_next++];

	c->blk_len = (size_t)(b & 0x1ff);
	c->at = 0;
	return sl_pread_all(c->sp->fd, c->blk, c->blk_len,
	    (long long)(b >> 9) + BLOCK_HEAD);
}

/* Make packed extents available to decode: 1, 0 when none are left,
 * -1 on a read error. */
static int
more_packed(struct sl_spool_cur *c)
{
	while (c->at >= (c->in_mem ? c->sp->packed.len : c->blk_len)) {
		if (c->in_mem)
			return 0;
		if (c->blk_next == c->nblocks) {
			c->in_mem = 1;
			c->at = 0;
		} else if (load_block(c) != 0)
			return -1;
	}
	return 1;
}

/* Move to the next extent: 1, 0 past the last, -1. */
static int
next_extent(struct sl_spool_cur *c)
{
	const struct sl_spool *sp = c->sp;
	const unsigned char *p;
	unsigned long long z;
	size_t n;
	int rc;

	if ((rc = more_packed(c)) < 0)
		return -1;
	if (rc > 0) {
		p = c->in_mem ? (const unsigned char *)sp->packed.buf : c->blk;
		n = c->in_mem ? sp->packed.len : c->blk_len;
		/* A block cut inside an extent is damage. */
		if (get_varint(p, n, &c->at, &z) != 0 || c->at >= n)
			return -1;
		c->off = c->prev_end + (z & 1 ? (long long)~(z >> 1) :
		    (long long)(z >> 1));
		if (get_varint(p, n, &c->at, &z) != 0)
			return -1;
		c->elen = (long long)z;
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
	int rc;

	while (c->pos >= c->elen)
		if ((rc = next_extent(c)) <= 0)
			return rc;
	if ((long long)want > c->elen - c->pos)
		want = (size_t)(c->elen - c->pos);
	sl_buf_reserve(&c->buf, want);
	if (sl_pread_all(c->sp->fd, c->buf.buf + c->buf.len, want,
	    c->off + c->pos) != 0)
		return -1;
	c->buf.len += want;
	c->pos += (long long)want;
	return (ssize_t)want;
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

	if (c->bad)
		return -1;
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

int
sl_spool_bytes(struct sl_spool_cur *c, size_t n, const char **p)
{
	int rc;

	if (c->bad)
		return -1;
	if ((rc = need(c, n)) <= 0)
		return rc;
	*p = c->buf.buf + c->start;
	c->start += n;
	return 1;
}
