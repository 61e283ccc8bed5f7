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
	size_t i;

	rw_s(w, "time,user,target,host,session,flags,command\r\n");
	for (i = 0; i < v->ntimeline; i++) {
		const struct rv_session *s = v->timeline[i].s;
		const struct rv_cmd *c = &s->cmds[v->timeline[i].k];

		field(w, c->time, c->time != NULL ? strlen(c->time) : 0, 1);
		str(w, s->user);
		str(w, s->target);
		str(w, s->host);
		str(w, s->id);
		str(w, report_cmd_flags(c->flags));
		field(w, c->text, c->len, 0);
		rw_s(w, "\r\n");
	}
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
		const struct rv_cmd *cmds;

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
		/* One command a line; a continued command keeps its breaks. */
		sl_buf_reset(&b);
		for (k = 0, cmds = report_cmds(s); k < s->ncmds; k++) {
			if (cmds[k].flags != 0)
				continue;	/* never ran */
			if (b.len > 0)
				sl_buf_addc(&b, '\n');
			sl_buf_add(&b, cmds[k].text, cmds[k].len);
		}
		field(w, b.buf, b.len, 0);
		str(w, s->remote_host);
		str(w, s->port_number);
		str(w, s->local_port_number);
		rw_s(w, "\r\n");
	}
	sl_buf_free(&b);
}
