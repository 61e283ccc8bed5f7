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
	return rx_queue_line(&in->q, &in->ctx, p, cn, e, en, RX_LINE_LOG, NULL,
	    0, line, NULL);
}

/* Lines until the end of the input. */
int
rx_text_loop(struct rx_input *in, struct rx_lines *l)
{
	const char *p, *e;
	size_t cn, en;
	int rc;

	rx_lines_as_text(l, in->rx);
	while ((rc = rx_lines_next(l, &p, &cn, &e, &en)) > 0)
		if (rx_text_line(in, p, cn, e, en, rx_lines_lineno(l)) ==
		    SL_STOP)
			break;
	if (rc > 0)
		return SL_STOP;
	return rc < 0 ? SL_STOP : in->q.status;
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
