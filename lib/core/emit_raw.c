/*
 * emit_raw.c: raw input bytes alongside rendered lines.  A sink that sets
 * SL_WANT_RAW (the asciicast writer, raw-mode redaction) gets the bytes a
 * reader fed to the renderer as SL_RAW records, so that nobody re-parses
 * the input.  One helper, so every reader does it the same way.
 */
#include "core/core.h"

/* Kept apart from the test below: its record and buffer on the stack
 * would make every call pay for a frame that is rarely needed. */
static int
emit_raw(struct sl_reader *rd, const char *sid, long long line,
    const void *p, size_t n)
{
	struct sl_record r;
	struct sl_buf src;
	int rc;

	sl_buf_init(&src);
	sl_buf_adds(&src, rd->name);
	sl_buf_addc(&src, ':');
	sl_buf_add_int(&src, line);
	sl_record_init(&r, SL_RAW, sid, src.buf);
	r.src_line = line;
	r.text = p;
	r.len = n;
	rc = sl_emit(rd, &r);
	sl_buf_free(&src);
	return rc;
}

int
sl_emit_raw(struct sl_reader *rd, const char *sid, long long line,
    const void *p, size_t n)
{
	if (n == 0 || !(rd->want & SL_WANT_RAW))	/* sl_reader_wants */
		return SL_OK;
	return emit_raw(rd, sid, line, p, n);
}
