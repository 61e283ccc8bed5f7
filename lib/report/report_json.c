/*
 * report_json.c: -t json.  One document:
 *   {"general": {...}, "sessions": [...], "users": [...],
 *    "targets": [...], "days": [...]}
 * Every session object has every key (null where unknown), in a fixed
 * order, so reports diff well and jq programs need no guards.
 */
#include <string.h>

#include "report/report.h"

/* Most of a session's facts are unknown: "null" without a strlen. */
static void
jstr(struct rw *w, const char *s)
{
	if (s == NULL)
		rw_n(w, "null", 4);
	else {
		rw_json(w, s, strlen(s));
	}
}

/*
 * ",\n" (or "\n" first), the indent, "k": -- made here and written at
 * once: a session has some 35 keys, and six writes for each were a
 * fifth of -j N's serial part, writing the report.  Inlined, as kstr
 * and kint, so that the lengths of the literals are known.
 */
static inline __attribute__((always_inline)) void
key_then(struct rw *w, const char *indent, const char *k, int first,
    int null)
{
	char buf[128];
	size_t ni = strlen(indent), nk = strlen(k), n = 0;

	if (ni + nk + 10 > sizeof(buf)) {	/* never: the keys are ours */
		rw_s(w, first ? "\n" : ",\n");
		rw_s(w, indent);
		rw_c(w, '"');
		rw_s(w, k);
		rw_s(w, null ? "\": null" : "\": ");
		return;
	}
	if (!first)
		buf[n++] = ',';
	buf[n++] = '\n';
	memcpy(buf + n, indent, ni);
	n += ni;
	buf[n++] = '"';
	memcpy(buf + n, k, nk);
	n += nk;
	memcpy(buf + n, "\": null", 7);
	rw_n(w, buf, n + (null ? 7 : 3));
}

static inline __attribute__((always_inline)) void
key(struct rw *w, const char *indent, const char *k, int first)
{
	key_then(w, indent, k, first, 0);
}

/* A null value goes out with its key: most of a session's facts are
 * unknown, and a second write for each was a tenth of its object. */
static inline __attribute__((always_inline)) void
kstr(struct rw *w, const char *indent, const char *k, const char *v)
{
	key_then(w, indent, k, 0, v == NULL);
	if (v != NULL)
		rw_json(w, v, strlen(v));
}

static inline __attribute__((always_inline)) void
kint(struct rw *w, const char *indent, const char *k, long long v)
{
	key(w, indent, k, 0);
	rw_int(w, v);
}

static void
ksecs(struct rw *w, const char *indent, const char *k, long long ms)
{
	key(w, indent, k, 0);
	if (ms == RV_NONE)
		rw_s(w, "null");
	else
		rw_secs(w, ms);
}

static void
notes(struct rw *w, const struct rv_note *v, size_t n)
{
	size_t i;

	rw_c(w, '[');
	for (i = 0; i < n; i++) {
		rw_s(w, i > 0 ? ", {\"code\": " : "{\"code\": ");
		jstr(w, v[i].code);
		rw_s(w, ", \"n\": ");
		rw_int(w, v[i].n);
		rw_s(w, ", \"count\": ");
		if (v[i].count < 0)
			rw_s(w, "null");
		else
			rw_int(w, v[i].count);
		rw_s(w, ", \"text\": ");
		jstr(w, v[i].text);
		rw_c(w, '}');
	}
	rw_c(w, ']');
}

static void
general(struct rw *w, const struct rv_report *v)
{
	const char *in = "    ";
	size_t i;

	rw_s(w, "{\n  \"general\": {");
	key(w, in, "generator", 1);
	jstr(w, "sl-report " SL_VERSION);
	kint(w, in, "sessions", v->sessions);
	kint(w, in, "sessions_with_transcript", v->with_transcript);
	kint(w, in, "sessions_without_transcript",
	    v->sessions - v->with_transcript);
	kint(w, in, "commands", v->commands);
	kint(w, in, "lines", v->lines);
	kint(w, in, "users", v->nusers);
	kint(w, in, "targets", v->ntargets);
	kstr(w, in, "first_start", v->first_start);
	kstr(w, in, "last_start", v->last_start);
	kstr(w, in, "last_end", v->last_end);
	kint(w, in, "sessions_without_start", v->no_start);
	kstr(w, in, "since", v->since);
	kstr(w, in, "until", v->until);
	kint(w, in, "sessions_placed_by_end", v->by_end);
	kint(w, in, "sessions_local_time_only", v->local_only);
	kstr(w, in, "user_filter", v->user_glob);
	kstr(w, in, "target_filter", v->target_glob);
	kint(w, in, "filtered_out", v->filtered_out);
	kint(w, in, "left_out_outside_window", v->outside_window);
	kint(w, in, "left_out_undated", v->undated_left_out);
	kint(w, in, "left_out_local_time_only", v->local_left_out);
	kstr(w, in, "group_by", v->group_by);
	kint(w, in, "duplicate_transcripts", v->duplicates);
	key(w, in, "inputs", 0);
	rw_c(w, '[');
	for (i = 0; i < v->ninputs; i++) {
		if (i > 0)
			rw_s(w, ", ");
		jstr(w, v->inputs[i]);
	}
	rw_c(w, ']');
	kint(w, in, "files", v->st.inputs);
	kint(w, in, "bytes", v->st.bytes);
	kint(w, in, "units", v->st.units);
	kint(w, in, "skipped", v->st.skipped);
	kint(w, in, "rejected", v->rejected);
	key(w, in, "notes", 0);
	notes(w, v->gnotes, v->ngnotes);
	rw_s(w, "\n  }");
}

static void
session(struct rw *w, const struct rv_session *s)
{
	const char *in = "      ";
	struct rv_cmditer it;
	const struct rv_cmd *c;
	size_t n;

	rw_s(w, "    {");
	key(w, in, "session", 1);
	jstr(w, s->id);
	kstr(w, in, "user", s->user);
	kstr(w, in, "principal", s->principal);
	kstr(w, in, "owner", s->owner);
	kstr(w, in, "target", s->target);
	kstr(w, in, "host", s->host);
	kstr(w, in, "run_as", s->run_as);
	kstr(w, in, "kind", s->kind);
	kstr(w, in, "document", s->document);
	kstr(w, in, "region", s->region);
	kstr(w, in, "account", s->account);
	kstr(w, in, "status", s->status);
	kstr(w, in, "reason", s->reason);
	kstr(w, in, "source_ip", s->source_ip);
	kstr(w, in, "remote_host", s->remote_host);
	kstr(w, in, "port_number", s->port_number);
	kstr(w, in, "local_port_number", s->local_port_number);
	kstr(w, in, "start", s->start);
	kstr(w, in, "start_src", s->start_src);
	kstr(w, in, "end", s->end);
	kstr(w, in, "end_src", s->end_src);
	kstr(w, in, "start_local", s->start_local);
	kstr(w, in, "end_local", s->end_local);
	kstr(w, in, "placed_by", s->when == SL_WHEN_START ? "start" :
	    s->when == SL_WHEN_END ? "end" : NULL);
	ksecs(w, in, "duration_s", s->duration_ms);
	kint(w, in, "commands", s->commands);
	kint(w, in, "lines", s->lines);
	key(w, in, "transcript", 0);
	rw_s(w, s->transcript ? "true" : "false");
	kstr(w, in, "transcript_src", s->transcript_src);
	kint(w, in, "transcripts", s->transcripts);
	key(w, in, "cmd_list", 0);
	rw_c(w, '[');
	n = 0;
	for (report_cmds_begin(s, &it); (c = report_cmds_next(&it)) != NULL;) {
		if (c->flags != 0)
			continue;	/* never ran: in the timeline only */
		rw_s(w, n++ > 0 ? ",\n        {\"time\": " :
		    "\n        {\"time\": ");
		jstr(w, c->time);
		rw_s(w, ", \"cmd\": ");
		rw_json(w, c->text, c->len);
		rw_c(w, '}');
	}
	rw_s(w, n > 0 ? "\n      ]" : "]");
	key(w, in, "notes", 0);
	notes(w, s->notes, s->nnotes);
	rw_s(w, "\n    }");
}

/* The command timeline (--commands): every command, in time order. */
static void
timeline(struct rw *w, const struct rv_report *v)
{
	struct rv_timeline tl;
	const struct rv_session *s;
	const struct rv_cmd *c;
	size_t i;

	rw_s(w, ",\n  \"commands\": [");
	report_timeline_begin(v, &tl);
	for (i = 0; (c = report_timeline_next(&tl, &s)) != NULL; i++) {

		rw_s(w, i > 0 ? ",\n    {\"time\": " : "\n    {\"time\": ");
		jstr(w, c->time);
		rw_s(w, ", \"user\": ");
		jstr(w, s->user);
		rw_s(w, ", \"target\": ");
		jstr(w, s->target);
		rw_s(w, ", \"host\": ");
		jstr(w, s->host);
		rw_s(w, ", \"session\": ");
		jstr(w, s->id);
		rw_s(w, ", \"flags\": [");
		if (c->flags & RCMD_CANCELLED)
			rw_s(w, "\"cancelled\"");
		rw_s(w, "], \"cmd\": ");
		rw_json(w, c->text, c->len);
		rw_c(w, '}');
	}
	report_timeline_end(&tl);
	rw_s(w, i > 0 ? "\n  ]" : "]");
}

static void
group_list(struct rw *w, const char *name, const char *kname,
    const char *dname, const struct rv_group *g, size_t n)
{
	const char *in = "      ";
	size_t i;

	rw_s(w, ",\n  \"");
	rw_s(w, name);
	rw_s(w, "\": [");
	for (i = 0; i < n; i++) {
		rw_s(w, i > 0 ? ",\n    {" : "\n    {");
		key(w, in, kname, 1);
		jstr(w, g[i].key);
		kint(w, in, "sessions", g[i].sessions);
		kint(w, in, "sessions_without_transcript",
		    g[i].sessions - g[i].with_transcript);
		kint(w, in, "commands", g[i].commands);
		kint(w, in, "lines", g[i].lines);
		ksecs(w, in, "duration_s", g[i].timed > 0 ?
		    g[i].duration_ms : RV_NONE);
		kint(w, in, dname, g[i].distinct);
		kstr(w, in, "first_start", g[i].first_start);
		kstr(w, in, "last_start", g[i].last_start);
		rw_s(w, "\n    }");
	}
	rw_s(w, n > 0 ? "\n  ]" : "]");
}

void
report_json(struct rw *w, const struct rv_report *v)
{
	size_t i;

	general(w, v);
	rw_s(w, ",\n  \"sessions\": [");
	for (i = 0; i < v->ns; i++) {
		rw_s(w, i > 0 ? ",\n" : "\n");
		session(w, &v->s[i]);
	}
	rw_s(w, v->ns > 0 ? "\n  ]" : "]");
	if (v->want_timeline)
		timeline(w, v);
	group_list(w, "users", "user", "targets", v->users, v->nusers_g);
	group_list(w, "targets", "target", "users", v->targets,
	    v->ntargets_g);
	group_list(w, "days", "day", "users", v->days, v->ndays);
	rw_s(w, "\n}\n");
}
