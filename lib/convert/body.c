/*
 * body.c: a session kept as the bytes its writer's put() made of its
 * records as they came, rather than as the records (SL_W_BODY writers).
 * Encoding each record into the spool and decoding it back once the
 * input ends cost sl-convert -t text a fifth of its time on records,
 * and the spool file was larger than the input; the text it writes is a
 * quarter of that.
 *
 * A session's spool holds chunks, each
 *
 *	u32 tag, u32 length (host order), then length bytes
 *
 * of records that came in a row for it with one tag: the index of
 * their transcript source in the session, or SL_BODY_ALL.  Tags are
 * what lets a session logged twice keep one transcript at the end
 * (sl_body_keep) without its records.  A chunk is held in memory while
 * it grows, up to CHUNK_MAX.
 */
#include <string.h>

#include "convert/body.h"

#define CHUNK_HEAD	8
#define CHUNK_MAX	(1 << 16)	/* a chunk is closed past this */
#define CHUNK_LEN_MAX	(1u << 30)	/* a damaged length is refused */

void
sl_body_init(struct sl_body *b)
{
	memset(b, 0, sizeof(*b));
	sl_buf_init(&b->chunk);
}

void
sl_body_free(struct sl_body *b)
{
	sl_buf_free(&b->chunk);
}

int
sl_body_flush(struct sl_body *b, struct sl_spool_file *f)
{
	uint32_t len;
	int rc = 0;

	/* A record that made no bytes (a session record) opens an empty
	 * chunk: nothing to keep. */
	if (b->sp != NULL && b->chunk.len > CHUNK_HEAD) {
		len = (uint32_t)(b->chunk.len - CHUNK_HEAD);
		memcpy(b->chunk.buf, &b->tag, sizeof(b->tag));
		memcpy(b->chunk.buf + sizeof(b->tag), &len, sizeof(len));
		rc = sl_spool_append_encoded(f, b->sp, b->chunk.buf,
		    b->chunk.len);
	}
	b->sp = NULL;
	sl_buf_reset(&b->chunk);
	return rc;
}

struct sl_buf *
sl_body_at(struct sl_body *b, struct sl_spool_file *f, struct sl_spool *sp,
    uint32_t tag)
{
	if (b->sp == sp && b->tag == tag && b->chunk.len < CHUNK_MAX)
		return &b->chunk;
	if (sl_body_flush(b, f) != 0)
		return NULL;
	b->sp = sp;
	b->tag = tag;
	sl_buf_reserve(&b->chunk, CHUNK_HEAD);
	b->chunk.len = CHUNK_HEAD;	/* filled in when it closes */
	return &b->chunk;
}

/* ------------------------------------------------ chunks in memory */

void
sl_body_mem_init(struct sl_body_mem *m)
{
	sl_buf_init(&m->b);
	m->open = SIZE_MAX;
	m->tag = 0;
}

void
sl_body_mem_free(struct sl_body_mem *m)
{
	sl_buf_free(&m->b);
	m->open = SIZE_MAX;
}

void
sl_body_mem_reset(struct sl_body_mem *m)
{
	sl_buf_reset(&m->b);
	m->open = SIZE_MAX;
}

void
sl_body_mem_close(struct sl_body_mem *m)
{
	uint32_t len;

	if (m->open == SIZE_MAX)
		return;
	/* No byte (a session record): no chunk, as sl_body_flush has it. */
	if (m->b.len == m->open + CHUNK_HEAD)
		m->b.len = m->open;
	else {
		len = (uint32_t)(m->b.len - m->open - CHUNK_HEAD);
		memcpy(m->b.buf + m->open, &m->tag, sizeof(m->tag));
		memcpy(m->b.buf + m->open + sizeof(m->tag), &len, sizeof(len));
	}
	m->open = SIZE_MAX;
}

struct sl_buf *
sl_body_mem_at(struct sl_body_mem *m, uint32_t tag)
{
	if (m->open != SIZE_MAX && m->tag == tag)
		return &m->b;
	sl_body_mem_close(m);
	m->open = m->b.len;
	m->tag = tag;
	sl_buf_reserve(&m->b, CHUNK_HEAD);
	m->b.len += CHUNK_HEAD;		/* filled in when it closes */
	return &m->b;
}

/* The next chunk of c: 1 with its tag, bytes and length, 0 at the end,
 * -1 on a read error or damage. */
static int
next_chunk(struct sl_spool_cur *c, uint32_t *tag, const char **p,
    uint32_t *len)
{
	const char *h;
	int rc;

	if ((rc = sl_spool_bytes(c, CHUNK_HEAD, &h)) <= 0)
		return rc;
	memcpy(tag, h, sizeof(*tag));
	memcpy(len, h + sizeof(*tag), sizeof(*len));
	if (*len == 0 || *len > CHUNK_LEN_MAX)
		return -1;
	return sl_spool_bytes(c, *len, p) == 1 ? 1 : -1;
}

int
sl_body_keep(struct sl_spool *from, uint32_t keep, struct sl_spool_file *f,
    struct sl_spool *to)
{
	struct sl_spool_cur *c = sl_spool_cursor(from);
	char head[CHUNK_HEAD];
	const char *p;
	uint32_t tag, len;
	int got, rc = 0;

	while (rc == 0 && (got = next_chunk(c, &tag, &p, &len)) > 0) {
		if (tag != keep && tag != SL_BODY_ALL)
			continue;
		/* Written again whole: the cursor may have moved the header
		 * to read the bytes.  Both make one extent of to. */
		memcpy(head, &tag, sizeof(tag));
		memcpy(head + sizeof(tag), &len, sizeof(len));
		if (sl_spool_append_encoded(f, to, head, sizeof(head)) != 0 ||
		    sl_spool_append_encoded(f, to, p, len) != 0)
			rc = -1;
	}
	if (rc == 0 && got < 0)
		rc = -2;
	sl_spool_cursor_free(c);
	return rc;
}

int
sl_body_write(struct sl_spool *sp, struct sl_out *o)
{
	struct sl_spool_cur *c = sl_spool_cursor(sp);
	const char *p;
	uint32_t tag, len;
	int got, rc = SL_OK;

	while (rc == SL_OK && (got = next_chunk(c, &tag, &p, &len)) > 0)
		if (sl_out_write(o, p, len) != SL_OK)
			rc = SL_STOP;
	if (rc == SL_OK && got < 0)
		rc = SL_FATAL;
	sl_spool_cursor_free(c);
	return rc;
}
