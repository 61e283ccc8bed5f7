/*
 * body.h: sessions kept as what the writer made of their records
 * (lib/convert/body.c), for writers flagged SL_W_BODY.  Internal to
 * sl-convert's driver.
 */
#ifndef SL_BODY_H
#define SL_BODY_H

#include <stdint.h>

#include "internal.h"
#include "output/output.h"

/* The tag of bytes every transcript of the session keeps: those of
 * session records and of records of no source. */
#define SL_BODY_ALL	UINT32_MAX

/* The chunk being made: bytes of one spool, of one tag. */
struct sl_body {
	struct sl_buf chunk;	/* its header, then its bytes */
	struct sl_spool *sp;	/* whose; NULL: none open */
	uint32_t tag;
};

void sl_body_init(struct sl_body *b);
void sl_body_free(struct sl_body *b);
/*
 * Where the next bytes of sp with tag go: the open chunk, once the one
 * open before is closed when it is another spool's or tag's, or full.
 * NULL on a write error (errno set).
 */
struct sl_buf *sl_body_at(struct sl_body *b, struct sl_spool_file *f,
    struct sl_spool *sp, uint32_t tag);
/* The open chunk closed: appended to its spool.  0, or -1 (errno). */
int sl_body_flush(struct sl_body *b, struct sl_spool_file *f);
/*
 * The chunks of from (flushed) whose tag is keep or SL_BODY_ALL,
 * appended to to in order.  0, -1 on a write error (errno), -2 on a
 * read error or damage.
 */
int sl_body_keep(struct sl_spool *from, uint32_t keep,
    struct sl_spool_file *f, struct sl_spool *to);
/*
 * A session's chunks gathered in memory, as a -j worker makes them
 * (a "body piece"): the same format as a spool's, the last chunk open.
 */
struct sl_body_mem {
	struct sl_buf b;	/* the chunks */
	size_t open;		/* the open chunk's header; SIZE_MAX: none */
	uint32_t tag;		/* its tag */
};

void sl_body_mem_init(struct sl_body_mem *m);
void sl_body_mem_free(struct sl_body_mem *m);
/* Where the next bytes with tag go: the open chunk, or a new one after
 * it is closed when it is another tag's. */
struct sl_buf *sl_body_mem_at(struct sl_body_mem *m, uint32_t tag);
/* The open chunk closed (dropped when it holds no byte): m->b is then
 * whole chunks, to be read as a spool's. */
void sl_body_mem_close(struct sl_body_mem *m);
/* Empty again, its room kept. */
void sl_body_mem_reset(struct sl_body_mem *m);

/* The bytes of sp's chunks (flushed), in order, to o.  SL_OK, SL_STOP
 * on a write error, SL_FATAL on a read error or damage. */
int sl_body_write(struct sl_spool *sp, struct sl_out *o);

#endif /* SL_BODY_H */
