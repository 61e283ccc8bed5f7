/*
 * spool.c: a session's records on disk, so that writers needing a whole
 * session (a table of contents first, the time of the session's end on
 * its first line) keep memory bounded.  The form is private to one run:
 *
 *	u32 length of what follows
 *	u8  type
 *	{ u8 tag, u32 length, bytes, NUL }...	fields that are set
 *	u8  0
 *
 * Strings carry a NUL so that a record read back points into the read
 * buffer without copies.  Integers are 8 bytes, host order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

enum {
	T_END, T_SESSION, T_SRC, T_TEXT, T_TIME, T_CODE, T_N, T_SRC_LINE,
	T_COUNT, T_PROMPT, T_CONT, T_SPANS, T_KEY, T_VAL, T_REDACTED,
	T_CANCELLED, T_REDRAWN, T_EXPANDED, T_UNCERTAIN,
	T_FIELD = 32		/* + enum sl_field */
};

#define READ_CHUNK	(1 << 16)
#define SPOOL_REC_MAX	(256u << 20)	/* a damaged length is refused */

static void
put_field(struct sl_buf *b, int tag, const void *p, size_t n)
{
	uint32_t len = (uint32_t)n;

	sl_buf_addc(b, tag);
	sl_buf_add(b, &len, sizeof(len));
	sl_buf_add(b, p, n);
	sl_buf_addc(b, '\0');
}

static void
put_str(struct sl_buf *b, int tag, const char *s)
{
	if (s != NULL)
		put_field(b, tag, s, strlen(s));
}

static void
put_int(struct sl_buf *b, int tag, long long v)
{
	int64_t x = v;

	put_field(b, tag, &x, sizeof(x));
}

int
sl_spool_write(FILE *fp, struct sl_buf *b, const struct sl_record *r)
{
	uint32_t len;
	size_t i;

	sl_buf_reset(b);
	sl_buf_add(b, "\0\0\0\0", 4);
	sl_buf_addc(b, (int)r->type);
	put_str(b, T_SESSION, r->session);
	put_str(b, T_SRC, r->src);
	if (r->text != NULL)
		put_field(b, T_TEXT, r->text, r->len);
	put_str(b, T_TIME, r->time);
	put_str(b, T_CODE, r->code);
	put_int(b, T_N, r->n);
	put_int(b, T_SRC_LINE, r->src_line);
	put_int(b, T_COUNT, r->count);
	if (r->has_prompt)
		put_int(b, T_PROMPT, (long long)r->prompt_len);
	if (r->cont)
		put_field(b, T_CONT, "", 0);
	if (r->cancelled)
		put_field(b, T_CANCELLED, "", 0);
	if (r->redrawn)
		put_field(b, T_REDRAWN, "", 0);
	if (r->uncertain)
		put_field(b, T_UNCERTAIN, "", 0);
	put_str(b, T_EXPANDED, r->expanded);
	if (r->nspans > 0)
		put_field(b, T_SPANS, r->spans, r->nspans * sizeof(*r->spans));
	for (i = 0; i < r->nextra; i++) {
		if (r->extra[i].key == NULL || r->extra[i].val == NULL)
			continue;
		put_str(b, T_KEY, r->extra[i].key);
		put_str(b, T_VAL, r->extra[i].val);
	}
	for (i = 0; i < r->nredacted; i++)
		put_str(b, T_REDACTED, r->redacted[i]);
	if (r->type == SL_SESSION)
		for (i = 0; i < SL_F_COUNT; i++)
			put_str(b, T_FIELD + (int)i, r->f[i]);
	sl_buf_addc(b, T_END);
	len = (uint32_t)(b->len - 4);
	memcpy(b->buf, &len, sizeof(len));
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
	struct sl_span *spans;
	size_t spancap;
	struct sl_kv *kv;
	size_t kvcap;
	const char **red;
	size_t redcap;
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
	return c;
}

void
sl_spool_cursor_free(struct sl_spool_cur *c)
{
	if (c == NULL)
		return;
	sl_buf_free(&c->buf);
	free(c->spans);
	free(c->kv);
	free(c->red);
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

static long long
get_int(const char *p)
{
	int64_t x;

	memcpy(&x, p, sizeof(x));
	return x;
}

/* An extra field's value, after its key. */
static void
add_kv(struct sl_spool_cur *c, struct sl_record *r, const char *key,
    const char *val)
{
	if (r->nextra == c->kvcap) {
		c->kvcap = c->kvcap ? c->kvcap * 2 : 8;
		c->kv = sl_xrealloc(c->kv, c->kvcap * sizeof(*c->kv));
	}
	c->kv[r->nextra].key = key;
	c->kv[r->nextra].val = val;
	r->nextra++;
	r->extra = c->kv;
}

static void
add_redacted(struct sl_spool_cur *c, struct sl_record *r, const char *kind)
{
	if (r->nredacted == c->redcap) {
		c->redcap = c->redcap ? c->redcap * 2 : 4;
		c->red = sl_xrealloc(c->red, c->redcap * sizeof(*c->red));
	}
	c->red[r->nredacted++] = kind;
	r->redacted = c->red;
}

static void
set_spans(struct sl_spool_cur *c, struct sl_record *r, const char *p,
    uint32_t flen)
{
	r->nspans = flen / sizeof(struct sl_span);
	if (r->nspans > c->spancap) {
		c->spancap = r->nspans;
		c->spans = sl_xrealloc(c->spans,
		    c->spancap * sizeof(*c->spans));
	}
	memcpy(c->spans, p, r->nspans * sizeof(*c->spans));
	r->spans = c->spans;
}

/*
 * One field of a record read back: p[0, flen) and its NUL.  *key holds
 * an extra's key until its value comes.  -1 for a value without a key.
 */
static int
set_field(struct sl_spool_cur *c, struct sl_record *r, int tag,
    const char *p, uint32_t flen, const char **key)
{
	switch (tag) {
	case T_SESSION: r->session = p; break;
	case T_SRC: r->src = p; break;
	case T_TEXT: r->text = p; r->len = flen; break;
	case T_TIME: r->time = p; break;
	case T_CODE: r->code = p; break;
	case T_N: r->n = get_int(p); break;
	case T_SRC_LINE: r->src_line = get_int(p); break;
	case T_COUNT: r->count = get_int(p); break;
	case T_PROMPT:
		r->has_prompt = 1;
		r->prompt_len = (size_t)get_int(p);
		break;
	case T_CONT: r->cont = 1; break;
	case T_CANCELLED: r->cancelled = 1; break;
	case T_REDRAWN: r->redrawn = 1; break;
	case T_UNCERTAIN: r->uncertain = 1; break;
	case T_EXPANDED: r->expanded = p; break;
	case T_SPANS: set_spans(c, r, p, flen); break;
	case T_KEY: *key = p; break;
	case T_VAL:
		if (*key == NULL)
			return -1;
		add_kv(c, r, *key, p);
		*key = NULL;
		break;
	case T_REDACTED: add_redacted(c, r, p); break;
	default:
		if (tag >= T_FIELD && tag < T_FIELD + SL_F_COUNT)
			r->f[tag - T_FIELD] = p;
		break;
	}
	return 0;
}

int
sl_spool_next(struct sl_spool_cur *c, const struct sl_record **out)
{
	struct sl_record *r = &c->r;
	uint32_t len, flen;
	const char *p, *end, *key = NULL;
	int rc, tag;

	if ((rc = need(c, 4)) <= 0)
		return rc;
	memcpy(&len, c->buf.buf + c->start, 4);
	if (len < 2 || len > SPOOL_REC_MAX || need(c, 4 + (size_t)len) != 1)
		return -1;
	p = c->buf.buf + c->start + 4;
	end = p + len;
	c->start += 4 + (size_t)len;

	memset(r, 0, sizeof(*r));
	r->count = -1;
	r->type = (enum sl_type)(unsigned char)*p++;
	if (r->type > SL_RAW)
		return -1;
	while (p < end && (tag = (unsigned char)*p++) != T_END) {
		if (end - p < 5)
			return -1;
		memcpy(&flen, p, 4);
		p += 4;
		if ((size_t)(end - p) < (size_t)flen + 1 ||
		    set_field(c, r, tag, p, flen, &key) < 0)
			return -1;
		p += flen + 1;
	}
	if (r->has_prompt && r->prompt_len > r->len)
		return -1;
	*out = r;
	return 1;
}
