/*
 * redact_io.c: bytes in and out of one input for the text and JSON
 * drivers.  Unchanged lines are not copied one by one: they are written
 * as runs of the read buffer.  A line longer than RX_PIECE is handed on
 * in pieces cut at a blank where there is one near, so that a secret is
 * rarely cut.
 */
#include <string.h>

#include "redact/redact.h"

#define READ_CHUNK	(256 * 1024)

int
rx_write_flush(struct rx_writer *w)
{
	const char *p = w->run;
	size_t n = w->runlen;

	w->run = NULL;
	w->runlen = 0;
	if (n == 0 || w->failed)
		return w->failed ? SL_STOP : SL_OK;
	if (sl_out_write(w->out, p, n) != SL_OK) {
		w->failed = 1;
		return SL_STOP;
	}
	return SL_OK;
}

int
rx_write(struct rx_writer *w, const char *p, size_t n)
{
	if (n == 0)
		return w->failed ? SL_STOP : SL_OK;
	if (w->run != NULL && w->run + w->runlen == p && p + n <= w->hi) {
		w->runlen += n;
		return SL_OK;
	}
	if (rx_write_flush(w) != SL_OK)
		return SL_STOP;
	if (w->lo != NULL && p >= w->lo && p + n <= w->hi) {
		w->run = p;
		w->runlen = n;
		return SL_OK;
	}
	if (sl_out_write(w->out, p, n) != SL_OK) {
		w->failed = 1;
		return SL_STOP;
	}
	return SL_OK;
}

void
rx_next_line(const char *p, size_t n, size_t *cn, size_t *en, size_t *next)
{
	const char *nl = memchr(p, '\n', n > RX_PIECE ? RX_PIECE + 1 : n);
	size_t c, k;

	if (nl != NULL) {
		c = (size_t)(nl - p);
		*next = c + 1;
		while (c > 0 && p[c - 1] == '\r')
			c--;
		*cn = c;
		*en = *next - c;
		return;
	}
	if (n <= RX_PIECE) {
		/* The last line, without LF: trailing CRs are its ending. */
		c = n;
		while (c > 0 && p[c - 1] == '\r')
			c--;
		*cn = c;
		*en = n - c;
		*next = n;
		return;
	}
	/* Too long: cut after a blank or control near the limit. */
	for (k = RX_PIECE; k > RX_PIECE - RX_CUT_LOOK; k--)
		if ((unsigned char)p[k - 1] <= ' ')
			break;
	if (k == RX_PIECE - RX_CUT_LOOK)
		k = RX_PIECE;
	*cn = k;
	*en = 0;
	*next = k;
}

void
rx_reader_init(struct rx_reader *rd, struct sl_in *in, struct rx_writer *w)
{
	memset(rd, 0, sizeof(*rd));
	rd->in = in;
	rd->w = w;
	rd->cap = 2 * RX_PIECE + 2 * READ_CHUNK;
	rd->buf = sl_xmalloc(rd->cap);
	w->lo = rd->buf;
	w->hi = rd->buf + rd->cap;
}

void
rx_reader_free(struct rx_reader *rd)
{
	free(rd->buf);
	rd->buf = NULL;
}

/*
 * Make more bytes visible after the unread ones.  The writer's run
 * points into the buffer, so it goes out first.  Returns 1, 0 at the end
 * of the input, -1 when the output failed.
 */
int
rx_reader_fill(struct rx_reader *rd)
{
	ssize_t got;

	if (rx_write_flush(rd->w) != SL_OK)
		return -1;
	if (rd->eof)
		return 0;
	if (rd->r > 0) {
		memmove(rd->buf, rd->buf + rd->r, rd->w_ - rd->r);
		rd->w_ -= rd->r;
		rd->r = 0;
	}
	if (rd->cap - rd->w_ < READ_CHUNK)
		return 1;	/* full: the caller cuts a piece */
	got = sl_in_read(rd->in, rd->buf + rd->w_, rd->cap - rd->w_);
	if (got <= 0) {
		rd->eof = 1;
		return 0;
	}
	rd->w_ += (size_t)got;
	return 1;
}
