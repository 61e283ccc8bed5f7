/*
 * w_csv: one row per line, RFC 4180 (CRLF, quotes where needed):
 *
 *	session,n,time,prompt,cmd,text
 *	jdoe-0f3a9c2e71b4d8a65,1,,sh-5.2$ ,bash,sh-5.2$ bash
 *
 * or, with --commands, one row per command (session,n,time,prompt,cmd),
 * its continuation lines joined to it with LF.
 *
 * Formula injection: a spreadsheet runs a cell starting with = + - @
 * (and TAB or CR, which some strip first) as a formula, and log text is
 * written by whoever typed in the session.  Such a cell gets a leading
 * ' (OWASP's advice), which spreadsheets show as text; a reader wanting
 * the exact text removes one leading ' from cells that have one.
 */
#include <string.h>

#include "convert/writer.h"

#define CMD_MAX	(1 << 20)	/* bytes of one command with its continuations */

struct csv {
	struct sl_buf b, cell, clean;
	/* --commands: the command waiting for its continuations */
	struct sl_buf cmd, prompt, sid, time;
	long long n;
	int pending;
};

/* Append s[0, n) as one cell. */
static void
cell(struct sl_buf *b, struct sl_buf *tmp, const char *s, size_t n)
{
	size_t i;
	int quote = 0;

	sl_buf_reset(tmp);
	if (n > 0 && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL)
		sl_buf_addc(tmp, '\'');
	sl_buf_add(tmp, s, n);
	for (i = 0; i < tmp->len && !quote; i++)
		quote = tmp->buf[i] == ',' || tmp->buf[i] == '"' ||
		    tmp->buf[i] == '\r' || tmp->buf[i] == '\n';
	if (!quote) {
		sl_buf_add(b, tmp->buf, tmp->len);
		return;
	}
	sl_buf_addc(b, '"');
	for (i = 0; i < tmp->len; i++) {
		if (tmp->buf[i] == '"')
			sl_buf_addc(b, '"');
		sl_buf_addc(b, tmp->buf[i]);
	}
	sl_buf_addc(b, '"');
}

/* A cell of log text: cleaned first (sl_w_clean), then as above. */
static void
text_cell(struct csv *st, const char *s, size_t n)
{
	sl_buf_reset(&st->clean);
	sl_buf_reserve(&st->clean, 0);
	if (s != NULL)
		sl_w_clean(&st->clean, s, n);
	cell(&st->b, &st->cell, st->clean.buf, st->clean.len);
}

static int
csv_open(struct sl_wfile *f)
{
	return sl_w_str(f, f->opt->commands ? "session,n,time,prompt,cmd\r\n" :
	    "session,n,time,prompt,cmd,text\r\n");
}

static int
flush_cmd(struct sl_wfile *f)
{
	struct csv *st = f->state;

	if (!st->pending)
		return SL_OK;
	st->pending = 0;
	sl_buf_reset(&st->b);
	cell(&st->b, &st->cell, st->sid.buf, st->sid.len);
	sl_buf_addc(&st->b, ',');
	sl_buf_add_int(&st->b, st->n);
	sl_buf_addc(&st->b, ',');
	cell(&st->b, &st->cell, st->time.buf, st->time.len);
	sl_buf_addc(&st->b, ',');
	cell(&st->b, &st->cell, st->prompt.buf, st->prompt.len);
	sl_buf_addc(&st->b, ',');
	cell(&st->b, &st->cell, st->cmd.buf, st->cmd.len);
	sl_buf_add(&st->b, "\r\n", 2);
	return sl_w_buf(f, &st->b);
}

static void
set(struct sl_buf *b, const char *s, size_t n)
{
	sl_buf_reset(b);
	sl_buf_reserve(b, 0);
	if (s != NULL)
		sl_w_clean(b, s, n);
}

static int
put_command(struct sl_wfile *f, const struct sl_record *r)
{
	struct csv *st = f->state;
	const char *cmd = r->text + r->prompt_len;
	size_t clen = r->len - r->prompt_len;

	/* Cancelled or redrawn: it never ran (a cancelled command is
	 * cancelled on every row, so a pending head has none of it). */
	if (sl_record_not_run(r))
		return r->cont ? SL_OK : flush_cmd(f);
	if (r->cont && st->pending) {
		if (st->cmd.len + clen + 1 <= CMD_MAX) {
			sl_buf_addc(&st->cmd, '\n');
			sl_w_clean(&st->cmd, cmd, clen);
		}
		return SL_OK;
	}
	if (flush_cmd(f) != SL_OK)
		return SL_STOP;
	if (!r->cont && clen == 0)
		return SL_OK;		/* a bare prompt is no command */
	st->pending = 1;
	st->n = r->n;
	set(&st->sid, r->session, r->session != NULL ? strlen(r->session) : 0);
	set(&st->time, r->time, r->time != NULL ? strlen(r->time) : 0);
	set(&st->prompt, r->text, r->prompt_len);
	if (r->expanded != NULL) {	/* what ran, after !! */
		cmd = r->expanded;
		clen = strlen(cmd);
	}
	set(&st->cmd, cmd, SL_MIN(clen, (size_t)CMD_MAX));
	return SL_OK;
}

static int
csv_put(struct sl_wfile *f, const struct sl_wsess *s, const struct sl_record *r)
{
	struct csv *st = f->state;

	SL_UNUSED(s);
	if (r->type != SL_LINE)
		return SL_OK;
	if (f->opt->commands) {
		if (r->has_prompt)
			return put_command(f, r);
		return flush_cmd(f);
	}
	sl_buf_reset(&st->b);
	text_cell(st, r->session, r->session != NULL ? strlen(r->session) : 0);
	sl_buf_addc(&st->b, ',');
	sl_buf_add_int(&st->b, r->n);
	sl_buf_addc(&st->b, ',');
	text_cell(st, r->time, r->time != NULL ? strlen(r->time) : 0);
	sl_buf_addc(&st->b, ',');
	if (r->has_prompt) {
		text_cell(st, r->text, r->prompt_len);
		sl_buf_addc(&st->b, ',');
		text_cell(st, r->text + r->prompt_len, r->len - r->prompt_len);
	} else
		sl_buf_addc(&st->b, ',');
	sl_buf_addc(&st->b, ',');
	text_cell(st, r->text, r->len);
	sl_buf_add(&st->b, "\r\n", 2);
	return sl_w_buf(f, &st->b);
}

static int
csv_end(struct sl_wfile *f, const struct sl_wsess *s)
{
	SL_UNUSED(s);
	return flush_cmd(f);
}

static int
csv_close(struct sl_wfile *f)
{
	struct csv *st = f->state;

	sl_buf_free(&st->b);
	sl_buf_free(&st->cell);
	sl_buf_free(&st->clean);
	sl_buf_free(&st->cmd);
	sl_buf_free(&st->prompt);
	sl_buf_free(&st->sid);
	sl_buf_free(&st->time);
	return SL_OK;
}

const struct sl_writer sl_writer_csv = {
	"csv",
	"one row per line (or per command), RFC 4180, formulas defused",
	".csv",
	0,
	SL_W_PIECE,
	sizeof(struct csv),
	csv_open,
	NULL,
	csv_put,
	csv_end,
	NULL,
	csv_close,
	NULL,
};
