/*
 * redact_text.c: raw log text in, the same text out but the secrets.
 * Lines keep their endings (LF, CR LF, CR CR LF) and every byte around a
 * secret.  Unchanged lines are not copied one by one: they are written
 * as runs of the read buffer.  A line longer than RX_PIECE is handed on
 * in pieces cut at a blank where there is one near, so that a secret is
 * rarely cut.  A line that is a JSON document, or an export line
 * `<ISO time> {...}`, is redacted inside its strings (redact_json.c).
 *
 *	sh-5.2$ mysql -u app -pHunter22 orders\r\r\n
 * becomes
 *	sh-5.2$ mysql -u app -p[REDACTED:cli-password] orders\r\r\n
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

/* ------------------------------------------------------------- reading */

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

/* --------------------------------------------------------------- lines */

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Where a JSON document starts on this line, or -1: at the start, or
 * after an export line's "2024-05-01T12:00:05.312Z ".
 */
static long
json_start(const char *p, size_t n)
{
	size_t i;

	if (n >= 2 && p[0] == '{')
		return 0;
	if (n < 22 || !digit(p[0]) || p[4] != '-' || p[7] != '-' ||
	    p[10] != 'T' || p[13] != ':')
		return -1;
	for (i = 19; i < n && i < 40 && p[i] != ' '; i++)
		;
	if (i + 2 < n && p[i] == ' ' && p[i + 1] == '{')
		return (long)i + 1;
	return -1;
}

int
rx_text_line(struct rx_input *in, const char *p, size_t cn, const char *e,
    size_t en, long long line)
{
	long j;

	/* A command's output (a "command" rule) is a secret whole. */
	if (in->ctx.cmd_left == 0 && (j = json_start(p, cn)) >= 0 &&
	    rx_json_line(in, p, cn, (size_t)j, e, en, line) == 0)
		return in->q.status;
	return rx_queue_line(&in->q, &in->ctx, p, cn, e, en, 0, NULL, 0, line,
	    NULL);
}

/* Lines from the reader until the end of the input. */
int
rx_text_loop(struct rx_input *in, struct rx_reader *rd)
{
	size_t avail, cn, en, next;
	int rc;

	for (;;) {
		avail = rd->w_ - rd->r;
		if (!rd->eof && (avail == 0 || (avail <= RX_PIECE &&
		    memchr(rd->buf + rd->r, '\n', avail) == NULL))) {
			if ((rc = rx_reader_fill(rd)) < 0)
				return SL_STOP;
			continue;
		}
		if (avail == 0)
			break;
		rx_next_line(rd->buf + rd->r, avail, &cn, &en, &next);
		if (!rd->cont)
			rd->line++;
		/* A piece without LF continues the same input line. */
		rd->cont = en == 0 && next < avail;
		if (rx_text_line(in, rd->buf + rd->r, cn, rd->buf + rd->r + cn,
		    en, rd->line) == SL_STOP)
			return SL_STOP;
		rd->r += next;
	}
	return in->q.status;
}

int
rx_text_run(struct rx_input *in)
{
	struct rx_reader rd;
	int rc;

	rx_reader_init(&rd, in->in, &in->w);
	rc = rx_text_loop(in, &rd);
	if (rc != SL_STOP)
		rc = rx_queue_flush(&in->q);
	if (rx_write_flush(&in->w) != SL_OK)
		rc = SL_STOP;
	rx_reader_free(&rd);
	return rc;
}

/* -------------------------------------------------------------- output */

/* A raw line or inert bytes, as the queue lets them go. */
int
rx_input_release(void *arg, const struct rx_done *d)
{
	struct rx_input *in = arg;
	struct rx_writer *w = &in->w;
	size_t i, at = 0;

	if (d->tag != NULL)
		return rx_json_done(in, d);
	if (!d->line)
		return rx_write(w, d->p, d->n);
	for (i = 0; i < d->nedits; i++) {
		if (rx_write(w, d->p + at, d->edits[i].off - at) != SL_OK ||
		    rx_write(w, d->edits[i].rep, d->edits[i].replen) != SL_OK)
			return SL_STOP;
		at = d->edits[i].off + d->edits[i].len;
	}
	if (rx_write(w, d->p + at, d->n - at) != SL_OK)
		return SL_STOP;
	return rx_write(w, d->e, d->en);
}
