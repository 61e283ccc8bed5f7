/*
 * report_md.c: -t md, Markdown tables (GitHub flavour).  Cells from the
 * logs are escaped twice over: Markdown punctuation gets a backslash and
 * < > & become entities, so neither a table nor a renderer that allows
 * HTML can be broken out of; line breaks become spaces.
 */
#include <string.h>

#include "report/report.h"

static void
cell(struct rw *w, const char *s)
{
	const char *p, *end;
	size_t k;
	int control;

	if (s == NULL || *s == '\0') {
		rw_s(w, " \xe2\x80\x93 |");
		return;
	}
	rw_c(w, ' ');
	end = s + strlen(s);
	for (p = s; p < end; p += k) {
		unsigned char c = (unsigned char)*p;

		k = sl_char_len(p, (size_t)(end - p), &control);
		if (control)
			rw_c(w, ' ');
		else if (k > 1)
			rw_n(w, p, k);
		else if (c == '<')
			rw_s(w, "&lt;");
		else if (c == '>')
			rw_s(w, "&gt;");
		else if (c == '&')
			rw_s(w, "&amp;");
		else if (strchr("\\`*_[]|~", c) != NULL) {
			rw_c(w, '\\');
			rw_c(w, c);
		} else
			rw_c(w, c);
	}
	rw_s(w, " |");
}

static void
num(struct rw *w, long long v)
{
	rw_c(w, ' ');
	rw_int(w, v);
	rw_s(w, " |");
}

static void
dur(struct rw *w, long long ms)
{
	char d[32];

	report_human_duration(ms == RV_NONE ? -1 : ms, d, sizeof(d));
	if (ms == RV_NONE)
		strcpy(d, "\xe2\x80\x93");
	rw_c(w, ' ');
	rw_s(w, d);
	rw_s(w, " |");
}

static void
groups(struct rw *w, const char *title, const char *name, const char *dname,
    const struct rv_group *g, size_t n, int users)
{
	char st[25];
	size_t i;

	rw_printf(w, "\n## %s\n\n| %s | sessions | without transcript | "
	    "commands | time | %s | last start (UTC) |\n"
	    "|---|--:|--:|--:|--:|--:|---|\n", title, name, dname);
	for (i = 0; i < n; i++) {
		rw_c(w, '|');
		cell(w, g[i].key == NULL ? "(unknown)" : users ?
		    report_short_user(g[i].key) : g[i].key);
		num(w, g[i].sessions);
		num(w, g[i].sessions - g[i].with_transcript);
		num(w, g[i].commands);
		dur(w, g[i].timed > 0 ? g[i].duration_ms : RV_NONE);
		num(w, g[i].distinct);
		cell(w, report_short_time(g[i].last_start, st));
		rw_c(w, '\n');
	}
}

static void
say_item(struct rw *w, const char *sentence)
{
	rw_printf(w, "- %s\n", sentence);
}

/* The command timeline (--commands): every command, in time order. */
static void
commands(struct rw *w, const struct rv_report *v)
{
	struct rv_timeline tl;
	const struct rv_session *s;
	const struct rv_cmd *c;
	struct sl_buf cmd;
	char at[25];
	size_t i;

	sl_buf_init(&cmd);
	rw_s(w, "\n## Commands\n\n| time (UTC) | user | target | host | "
	    "session | flags | command |\n|---|---|---|---|---|---|---|\n");
	report_timeline_begin(v, &tl);
	for (i = 0; (c = report_timeline_next(&tl, &s)) != NULL; i++) {

		report_cmd_oneline(c->text, c->len, &cmd);
		rw_c(w, '|');
		cell(w, report_short_time(c->time, at));
		cell(w, report_short_user(s->user));
		cell(w, s->target_label);
		cell(w, s->host);
		cell(w, s->id != NULL ? s->id : "(unknown)");
		cell(w, report_cmd_flags(c->flags));
		cell(w, cmd.buf);
		rw_c(w, '\n');
	}
	report_timeline_end(&tl);
	sl_buf_free(&cmd);
}

void
report_md(struct rw *w, const struct rv_report *v)
{
	char bytes[32];
	size_t i, k;

	rw_s(w, "# Session Manager sessions\n\n");
	rw_printf(w, "- sessions: **%lld** (with a transcript: %lld, without: "
	    "%lld)\n", v->sessions, v->with_transcript,
	    v->sessions - v->with_transcript);
	rw_printf(w, "- users: %lld; targets: %lld; commands: %lld\n",
	    v->nusers, v->ntargets, v->commands);
	if (v->first_start != NULL)
		rw_printf(w, "- started: %s to %s\n", v->first_start,
		    v->last_start);
	report_human_bytes(v->st.bytes, bytes, sizeof(bytes));
	rw_printf(w, "- read: %zu inputs, %lld files, %s; rejected units: "
	    "%lld; duplicate transcripts: %lld\n", v->ninputs, v->st.inputs,
	    bytes, v->rejected, v->duplicates);
	report_placement(w, v, say_item);

	rw_s(w, "\n## Sessions\n\n| start (UTC) | end (UTC) | duration | user "
	    "| target | kind | commands | transcript | session | notes |\n"
	    "|---|---|--:|---|---|---|--:|---|---|---|\n");
	for (i = 0; i < v->ns; i++) {
		const struct rv_session *s = &v->s[i];
		char st[25], en[25];
		struct sl_buf b;

		sl_buf_init(&b);
		for (k = 0; k < s->nnotes; k++) {
			if (k > 0)
				sl_buf_adds(&b, ", ");
			sl_buf_adds(&b, s->notes[k].code);
		}
		rw_c(w, '|');
		cell(w, report_short_time(s->start, st));
		cell(w, report_short_time(s->end, en));
		dur(w, s->duration_ms);
		cell(w, report_short_user(s->user));
		cell(w, s->target_label);
		cell(w, s->kind);
		num(w, s->commands);
		cell(w, s->transcript ? "yes" : "no");
		cell(w, s->id != NULL ? s->id : "(unknown)");
		cell(w, b.buf);
		rw_c(w, '\n');
		sl_buf_free(&b);
	}
	if (v->want_timeline)
		commands(w, v);
	groups(w, "Users", "user", "targets", v->users, v->nusers_g, 1);
	groups(w, "Targets", "target", "users", v->targets, v->ntargets_g,
	    0);
	groups(w, "Days (UTC)", "day", "users", v->days, v->ndays, 0);
}
