/*
 * w_records: the record stream (records.md), as sl-parse writes it.
 * Records read from a stream pass through unchanged, so converting a
 * record stream to records gives the same bytes.
 */
#include <stdlib.h>

#include "convert/writer.h"

struct rec {
	struct sl_buf b;
};

static int
rec_put(struct sl_wfile *f, const struct sl_wsess *s, const struct sl_record *r)
{
	struct rec *st = f->state;

	SL_UNUSED(s);
	if (r->type == SL_RAW)
		return SL_OK;
	sl_buf_reset(&st->b);
	sl_record_to_json(&st->b, r);
	return sl_w_buf(f, &st->b);
}

static int
rec_close(struct sl_wfile *f)
{
	struct rec *st = f->state;

	sl_buf_free(&st->b);
	return SL_OK;
}

const struct sl_writer sl_writer_records = {
	"records",
	"the record stream (JSON Lines), as sl-parse writes it",
	".jsonl",
	0,
	SL_W_PIECE,
	sizeof(struct rec),
	NULL,
	NULL,
	rec_put,
	NULL,
	NULL,
	rec_close,
	NULL,
};
