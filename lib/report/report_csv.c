/*
 * report_csv.c: -t csv, one row per session (RFC 4180: CRLF, fields
 * quoted when they hold a comma, a quote or a line break).  A cell from
 * the logs that starts with = + - @ TAB or CR gets a leading apostrophe,
 * so that a spreadsheet shows it as text instead of running it as a
 * formula (CSV injection).
 */
#include <string.h>

#include "report/report.h"

/*
 * A cell for a spreadsheet (or a terminal, with cat): no control
 * character but the line breaks of a quoted cell.  An ESC from a session
 * id could retitle a window, clear the screen or write the clipboard.
 */
static void
field_clean(struct rw *w, const char *s, size_t n, int first);

static void
field(struct rw *w, const char *s, size_t n, int first)
{
	struct sl_buf b;
	size_t i, k;
	int control;

	for (i = 0; i < n; i += k) {
		k = sl_char_len(s + i, n - i, &control);
		if (control && s[i] != '\n')
			break;
	}
	if (s == NULL || i == n) {
		field_clean(w, s, n, first);
		return;
	}
	sl_buf_init(&b);
	for (i = 0; i < n; i += k) {
		k = sl_char_len(s + i, n - i, &control);
		if (control && s[i] != '\n')
			sl_buf_addc(&b, '?');
		else
			sl_buf_add(&b, s + i, k);
	}
	field_clean(w, b.buf, b.len, first);
	sl_buf_free(&b);
}

static void
field_clean(struct rw *w, const char *s, size_t n, int first)
{
	size_t i;
	int quote = 0;

	if (!first)
		rw_c(w, ',');
	if (s == NULL)
		return;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			quote = 1;
	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL)
		quote = 1;
	if (!quote) {
		rw_n(w, s, n);
		return;
	}
	rw_c(w, '"');
	if (n > 0 && strchr("=+-@\t\r", s[0]) != NULL)
		rw_c(w, '\'');
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			rw_c(w, '"');
		rw_c(w, s[i]);
	}
	rw_c(w, '"');
}

/*
 * The cmd_list cell: the commands that ran, one a line (a continued one
 * keeps its breaks), written as field() would write them joined, but
 * read back a command at a time: a session of any size is one cell, and
 * joining it would hold all its commands.  A first pass tells whether
 * the cell needs quotes; no character spans a '\n', so cleaning each
 * command with the '\n' after it cleans the same bytes as the whole.
 */
struct cell_scan {
	size_t ran;
	int quote;
	char first;	/* first byte of the cell, 0: empty */
};

static void
scan_cmds(const struct rv_session *s, struct cell_scan *sc)
{
	struct rv_cmditer it;
	const struct rv_cmd *c;

	memset(sc, 0, sizeof(*sc));
	for (report_cmds_begin(s, &it); (c = report_cmds_next(&it)) != NULL;) {
		if (c->flags != 0)
			continue;	/* never ran */
		if (sc->ran++ == 0)
			sc->first = c->len > 0 ? c->text[0] : 0;
		if (sc->ran > 1 || memchr(c->text, ',', c->len) != NULL ||
		    memchr(c->text, '"', c->len) != NULL ||
		    memchr(c->text, '\n', c->len) != NULL)
			sc->quote = 1;
		if (sc->ran > 1)
			break;	/* quoted, first known: nothing more to learn */
	}
	if (sc->first != 0 && strchr("=+-@", sc->first) != NULL)
		sc->quote = 1;
}

/* p[0..n) cleaned of controls but '\n', quotes doubled when quoting. */
static void
cell_part(struct rw *w, const char *p, size_t n, int quote)
{
	size_t i, k;
	int control;

	for (i = 0; i < n; i += k) {
		k = sl_char_len(p + i, n - i, &control);
		if (control && p[i] != '\n')
			rw_c(w, '?');
		else if (quote && p[i] == '"')
			rw_s(w, "\"\"");
		else
			rw_n(w, p + i, k);
	}
}

static void
cmd_list(struct rw *w, const struct rv_session *s)
{
	struct rv_cmditer it;
	const struct rv_cmd *c;
	struct cell_scan sc;
	struct sl_buf held;	/* the last command that ran, not yet written */
	size_t ran = 0;

	scan_cmds(s, &sc);
	rw_c(w, ',');
	if (sc.quote)
		rw_s(w, sc.first != 0 && strchr("=+-@", sc.first) != NULL ?
		    "\"'" : "\"");
	sl_buf_init(&held);
	for (report_cmds_begin(s, &it); (c = report_cmds_next(&it)) != NULL;) {
		if (c->flags != 0)
			continue;
		if (ran++ > 0) {
			sl_buf_addc(&held, '\n');
			cell_part(w, held.buf, held.len, sc.quote);
		}
		sl_buf_reset(&held);
		sl_buf_add(&held, c->text, c->len);
	}
	if (ran > 0)
		cell_part(w, held.buf, held.len, sc.quote);
	sl_buf_free(&held);
	if (sc.quote)
		rw_c(w, '"');
}

static void
str(struct rw *w, const char *s)
{
	field(w, s, s != NULL ? strlen(s) : 0, 0);
}

static void
num(struct rw *w, long long v)
{
	rw_c(w, ',');
	rw_int(w, v);
}

/* --commands: one row per command, in time order. */
static void
timeline(struct rw *w, const struct rv_report *v)
{
	struct rv_timeline tl;
	const struct rv_session *s;
	const struct rv_cmd *c;
	size_t i;

	rw_s(w, "time,user,target,host,session,flags,command\r\n");
	report_timeline_begin(v, &tl);
	for (i = 0; (c = report_timeline_next(&tl, &s)) != NULL; i++) {

		field(w, c->time, c->time != NULL ? strlen(c->time) : 0, 1);
		str(w, s->user);
		str(w, s->target);
		str(w, s->host);
		str(w, s->id);
		str(w, report_cmd_flags(c->flags));
		field(w, c->text, c->len, 0);
		rw_s(w, "\r\n");
	}
	report_timeline_end(&tl);
}

void
report_csv(struct rw *w, const struct rv_report *v)
{
	struct sl_buf b;
	size_t i, k;

	if (v->want_timeline) {
		timeline(w, v);
		return;
	}
	sl_buf_init(&b);
	rw_s(w, "session,user,principal,owner,target,host,run_as,kind,"
	    "document,region,account,status,start,start_src,end,end_src,"
	    "duration_s,commands,lines,transcript,transcript_src,notes,"
	    "cmd_list,remote_host,port_number,local_port_number\r\n");
	for (i = 0; i < v->ns; i++) {
		const struct rv_session *s = &v->s[i];
		field(w, s->id, s->id != NULL ? strlen(s->id) : 0, 1);
		str(w, s->user);
		str(w, s->principal);
		str(w, s->owner);
		str(w, s->target);
		str(w, s->host);
		str(w, s->run_as);
		str(w, s->kind);
		str(w, s->document);
		str(w, s->region);
		str(w, s->account);
		str(w, s->status);
		str(w, s->start);
		str(w, s->start_src);
		str(w, s->end);
		str(w, s->end_src);
		rw_c(w, ',');
		if (s->duration_ms != RV_NONE)
			rw_secs(w, s->duration_ms);
		num(w, s->commands);
		num(w, s->lines);
		rw_s(w, s->transcript ? ",true" : ",false");
		str(w, s->transcript_src);
		sl_buf_reset(&b);
		for (k = 0; k < s->nnotes; k++) {
			if (k > 0)
				sl_buf_adds(&b, "; ");
			sl_buf_adds(&b, s->notes[k].code);
			if (s->notes[k].n > 1)
				sl_buf_printf(&b, " x%lld", s->notes[k].n);
		}
		field(w, b.buf, b.len, 0);
		cmd_list(w, s);
		str(w, s->remote_host);
		str(w, s->port_number);
		str(w, s->local_port_number);
		rw_s(w, "\r\n");
	}
	sl_buf_free(&b);
}
