/*
 * redact_io.c: bytes in and out of one input for the text and JSON
 * drivers.  Lines come from the input layer (sl_in_line); unchanged
 * bytes of one line are written as one run, not range by range.  A line
 * longer than SL_LINE_PIECE is handed on in pieces cut at a blank where
 * there is one near, so that a secret is rarely cut.
 */
#include <sys/uio.h>

#include <stdint.h>
#include <string.h>

#include "output/output.h"
#include "redact/redact.h"

/* The spans (the run last) in one writev. */
static int
spans_out(struct rx_writer *w)
{
	struct iovec v[RX_SPANS + 1];
	int i, k = 0, rc;

	for (i = 0; i < w->nspan; i++, k++) {
		v[k].iov_base = (void *)(uintptr_t)(w->span[i].p != NULL ?
		    w->span[i].p : w->side.buf + w->span[i].off);
		v[k].iov_len = w->span[i].n;
	}
	if (w->runlen > 0) {
		v[k].iov_base = (void *)(uintptr_t)w->run;
		v[k++].iov_len = w->runlen;
	}
	rc = sl_out_writev(w->out, v, k);
	w->nspan = 0;
	w->queued = 0;
	sl_buf_reset(&w->side);		/* after: the reset writes a NUL */
	return rc;
}

/* The run alone, through the output's buffer (a buffered input's). */
static int
run_out(struct rx_writer *w)
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
rx_write_flush(struct rx_writer *w)
{
	if (w->nspan == 0)
		return run_out(w);
	if (w->failed)
		return SL_STOP;
	if (spans_out(w) != SL_OK)
		w->failed = 1;
	w->run = NULL;
	w->runlen = 0;
	return w->failed ? SL_STOP : SL_OK;
}

size_t
rx_write_pending(const struct rx_writer *w)
{
	return w->queued + w->runlen;
}

void
rx_write_free(struct rx_writer *w)
{
	sl_buf_free(&w->side);
}

/*
 * Over a stable input: the run ends as a span, and p[0, n) starts the
 * next run, or is copied aside when it lies elsewhere (a marker, a held
 * line).  A full list goes out.
 */
static int
span_add(struct rx_writer *w, const char *p, size_t n)
{
	struct rx_span *s;

	if (w->runlen > 0) {
		s = &w->span[w->nspan++];
		s->p = w->run;
		s->n = w->runlen;
		w->queued += w->runlen;
	}
	w->run = NULL;
	w->runlen = 0;
	if (p >= w->lo && p + n <= w->hi) {
		w->run = p;
		w->runlen = n;
	} else {
		s = &w->span[w->nspan++];
		s->p = NULL;
		s->off = w->side.len;
		s->n = n;
		w->queued += n;
		sl_buf_add(&w->side, p, n);
	}
	if (w->nspan >= RX_SPANS - 1 || w->queued >= RX_RUN_MAX)
		return rx_write_flush(w);
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
	if (w->stable)
		return w->failed ? SL_STOP : span_add(w, p, n);
	if (run_out(w) != SL_OK)
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

/*
 * Printable ASCII that is no letter or digit, where a token may end, and
 * no part of an escape sequence ("ESC [1;31m", "ESC ]0;title"): a piece
 * cut inside one would render its rest as text.
 */
static int
punct(unsigned char c)
{
	return c > ' ' && c < 0x7f && !(c >= '0' && c <= '9') &&
	    !((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && c != '[' &&
	    c != ']' && c != ';' && c != '?';
}

/*
 * Where a piece p[0, n) of a longer line ends: after the last space or
 * tab within RX_CUT_LOOK of n, so that a secret is rarely cut.  Not after
 * another control: a NUL, BS, CR or escape sequence inside a token leaves
 * it whole on the screen, but the pieces are rendered and matched apart.
 * With no blank near, the cut is inside a word (in_word tells): after
 * the last punctuation, where most tokens start, or at n.
 */
static size_t
cut_at(const char *p, size_t n)
{
	size_t k;

	for (k = n; k > 0 && k + RX_CUT_LOOK > n; k--)
		if (p[k - 1] == ' ' || p[k - 1] == '\t')
			return k;
	for (k = n; k > 0 && k + RX_CUT_LOOK > n; k--)
		if (punct((unsigned char)p[k - 1]))
			return k;
	return n;
}

/* Was the piece p[0, k) cut inside a word, not after a blank? */
static int
in_word(const char *p, size_t k)
{
	return k == 0 || (p[k - 1] != ' ' && p[k - 1] != '\t');
}

/*
 * A piece of p cut inside a word (after k bytes) to rx's count for the
 * summary (rx NULL: not counted).  The one place it grows: the lines of
 * strings (rx_next_line) and those of an input read as text
 * (split_view, rx_lines_as_text) are cut once each, and counted here.
 */
static void
count_cut(struct sl_redact *rx, const char *p, size_t k)
{
	if (rx != NULL)
		rx->inword += in_word(p, k);
}

void
rx_next_line(struct sl_redact *rx, const char *p, size_t n, size_t *cn,
    size_t *en, size_t *next)
{
	const char *nl = memchr(p, '\n', n > RX_PIECE ? RX_PIECE + 1 : n);
	size_t c, k;

	if (nl != NULL) {
		c = (size_t)(nl - p);
		*next = c + 1;
		c = rx_trim_cr(p, c);
		*cn = c;
		*en = *next - c;
		return;
	}
	if (n <= RX_PIECE) {
		/* The last line, without LF: trailing CRs are its ending. */
		c = rx_trim_cr(p, n);
		*cn = c;
		*en = n - c;
		*next = n;
		return;
	}
	/* Too long: cut after a blank near the limit, or inside a word. */
	k = cut_at(p, RX_PIECE);
	count_cut(rx, p, k);
	*cn = k;
	*en = 0;
	*next = k;
}

/* ------------------------------------------------------------- reading */

void
rx_lines_init(struct rx_lines *l, struct sl_in *in, struct rx_writer *w)
{
	const char *p;
	size_t n;

	memset(l, 0, sizeof(*l));
	l->in = in;
	l->w = w;
	/* Bytes that stay put (a file read in place): runs of unchanged
	 * lines grow across lines, and go out in one write each. */
	if (sl_in_stable(in, &p, &n)) {
		l->stable = 1;
		w->stable = 1;
		w->lo = p;
		w->hi = p + n;
	}
}

void
rx_lines_free(struct rx_lines *l)
{
	sl_buf_free(&l->carry);
	sl_buf_free(&l->join);
}

/*
 * The next view of the input: a line from the input layer, after the
 * carried tail of a piece cut before.  The writer's run points into the
 * view it had, so it goes out first.  1, 0 at the end (or a read
 * error, which the input layer reports), -1 when the output failed.
 */
static int
next_view(struct rx_lines *l)
{
	const char *p;
	size_t n;
	int rc;

	/* The run points into the view, which the next one may replace;
	 * over stable bytes it waits, but not for ever: output streams. */
	if ((!l->stable || rx_write_pending(l->w) >= RX_RUN_MAX) &&
	    rx_write_flush(l->w) != SL_OK)
		return -1;
	/* A read error is the end here: the walk reports it. */
	if ((rc = sl_in_line(l->in, &p, &n, &l->more)) <= 0) {
		if (l->carry.len == 0)
			return 0;
		p = "";		/* the carried tail is all that is left */
		n = 0;
		l->more = 0;
	}
	if (l->carry.len > 0) {
		sl_buf_reset(&l->join);
		sl_buf_add(&l->join, l->carry.buf, l->carry.len);
		sl_buf_add(&l->join, p, n);
		sl_buf_reset(&l->carry);
		p = l->join.buf;
		n = l->join.len;
	}
	l->p = p;
	l->n = n;
	if (!l->stable) {
		l->w->lo = p;
		l->w->hi = p + n;
	}
	return 1;
}

/*
 * Split the view into content and ending (CR* LF, or the CRs of a last
 * line); a piece of a longer line is cut after a blank near its end, and
 * the rest carried to the next view, so that a secret is rarely cut.
 */
static void
split_view(struct rx_lines *l)
{
	size_t c = l->n, k;

	if (l->more) {
		k = cut_at(l->p, l->n);
		count_cut(l->count, l->p, k);
		sl_buf_add(&l->carry, l->p + k, l->n - k);
		l->n = k;
		l->cn = k;
		l->en = 0;
		return;
	}
	if (c > 0 && l->p[c - 1] == '\n')
		c--;
	c = rx_trim_cr(l->p, c);
	l->cn = c;
	l->en = l->n - c;
}

int
rx_lines_next(struct rx_lines *l, const char **p, size_t *cn,
    const char **e, size_t *en)
{
	int rc;

	if (l->again)
		l->again = 0;	/* the rest of the view, given back */
	else {
		if ((rc = next_view(l)) <= 0)
			return rc;
		split_view(l);
	}
	*p = l->p;
	*cn = l->cn;
	*e = l->p + l->cn;
	*en = l->en;
	return 1;
}

void
rx_lines_unread(struct rx_lines *l, size_t from)
{
	size_t end = l->cn + l->en;

	if (from >= end)
		return;
	l->p += from;
	l->cn = from < l->cn ? l->cn - from : 0;
	l->en = end - from - l->cn;
	l->again = 1;
}

void
rx_lines_as_text(struct rx_lines *l, struct sl_redact *rx)
{
	if (l->count != NULL)
		return;
	/* Given back, the rest of a piece goes out as text: its cut too. */
	if (l->again && l->more)
		count_cut(rx, l->p, l->cn);
	l->count = rx;
}

long long
rx_lines_lineno(const struct rx_lines *l)
{
	return sl_in_lineno(l->in);
}
