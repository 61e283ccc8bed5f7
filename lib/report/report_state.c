/*
 * report_state.c: the store written out and merged back, so that a map
 * (one sl-report --save-state per input) and a reduce (sl-report --merge
 * over the states) give the report of one run over all inputs.
 *
 * The state is JSON Lines; the first line says what it is:
 *
 *	{"sl_report_state":1,"generator":"sl-report 0.1.0","inputs":["a.log"],
 *	 "stats":{"inputs":1,"bytes":812,...},"notes":[]}
 *	{"session":"alice-0a1b2c3d4e5f67890",
 *	 "fields":[{"rank":3,"principal":"alice","origin":"typescript"}],
 *	 "times":[{"end":true,"value":"2024-05-01T12:30:00.000Z",
 *	           "src":"typescript-trailer"}],
 *	 "sources":[{"key":"a.log","first_path":"a.log","last_path":"a.log",
 *	   "first_n":1,"lines":12,"timed":0,"first":null,"last":null,
 *	   "cmds":[[null,"id",false],[null,"rm -r /",false,1]],
 *	   "notes":[]}]}
 *
 * A command is [time, text, cont] and, when it has any, its flags
 * (RCMD_*: 1 cancelled).
 * "fields" keeps, per source rank, the first value of each field and
 * "times", per time-source rank, the first start and end: exactly what
 * the rank merge needs to reach the same result in any later merge.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "report/report.h"

#define STATE_MAGIC	"{\"sl_report_state\":"
#define STATE_LINE_MAX	(256LL << 20)

/* ----------------------------------------------------------------- write */

static void
jstr(struct sl_buf *b, const char *s)
{
	if (s == NULL)
		sl_buf_add(b, "null", 4);
	else
		sl_buf_json_str(b, s, strlen(s));
}

static void
jkey(struct sl_buf *b, const char *k)
{
	sl_buf_json_str(b, k, strlen(k));
	sl_buf_addc(b, ':');
}

static void
jtime(struct sl_buf *b, long long ms)
{
	char t[25];

	if (ms == RV_NONE) {
		sl_buf_add(b, "null", 4);
		return;
	}
	sl_time_format(ms, t);
	jstr(b, t);
}

/*
 * A member after the first of an object: ,"k":value.  One call a member
 * keeps the writers below a list of keys that reads like the state.
 */
static void
jkstr(struct sl_buf *b, const char *k, const char *v)
{
	sl_buf_addc(b, ',');
	jkey(b, k);
	jstr(b, v);
}

static void
jkint(struct sl_buf *b, const char *k, long long v)
{
	sl_buf_addc(b, ',');
	jkey(b, k);
	sl_buf_add_int(b, v);
}

static void
jktime(struct sl_buf *b, const char *k, long long ms)
{
	sl_buf_addc(b, ',');
	jkey(b, k);
	jtime(b, ms);
}

static void
jnotes(struct sl_buf *b, const struct rnote *v, size_t n)
{
	size_t i;

	sl_buf_addc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			sl_buf_addc(b, ',');
		sl_buf_adds(b, "{\"code\":");
		jstr(b, v[i].code);
		jkstr(b, "text", v[i].text);
		jkint(b, "n", v[i].n);
		jkint(b, "count", v[i].count);
		sl_buf_addc(b, '}');
	}
	sl_buf_addc(b, ']');
}

/* First-seen session fields, by rank. */
static void
jfields(struct sl_buf *b, const struct rsess *s)
{
	size_t k;
	int r, f, first = 1;

	sl_buf_adds(b, ",\"fields\":[");
	for (r = 0; r < REPORT_NRANK; r++) {
		const struct rcand *c = s->cand[r];

		if (c == NULL)
			continue;
		if (!first)
			sl_buf_addc(b, ',');
		first = 0;
		sl_buf_adds(b, "{\"rank\":");
		sl_buf_add_int(b, r);
		for (f = 0; f < SL_F_COUNT; f++) {
			if (c->f[f] == NULL)
				continue;
			jkstr(b, sl_field_name((enum sl_field)f), c->f[f]);
		}
		sl_buf_adds(b, ",\"extra\":[");
		for (k = 0; k < c->nextra; k++) {
			if (k > 0)
				sl_buf_addc(b, ',');
			sl_buf_addc(b, '[');
			jstr(b, c->extra[k].key);
			sl_buf_addc(b, ',');
			jstr(b, c->extra[k].val);
			sl_buf_addc(b, ']');
		}
		sl_buf_add(b, "]}", 2);
	}
	sl_buf_addc(b, ']');
}

static void
jtimes(struct sl_buf *b, const struct rsess *s)
{
	const struct rtime *t;

	sl_buf_adds(b, ",\"times\":[");
	for (t = s->times; t != NULL; t = t->next) {
		if (t != s->times)
			sl_buf_addc(b, ',');
		sl_buf_adds(b, t->end ? "{\"end\":true" : "{\"end\":false");
		jkstr(b, "value", t->val);
		jkstr(b, "src", t->src);
		sl_buf_addc(b, '}');
	}
	sl_buf_addc(b, ']');
}

static void
jcmds(struct sl_buf *b, const struct rcmdset *set)
{
	size_t k;

	sl_buf_adds(b, ",\"cmds\":[");
	for (k = 0; k < set->n; k++) {
		const struct rcmd *c = &set->cmds[k];

		if (k > 0)
			sl_buf_addc(b, ',');
		sl_buf_addc(b, '[');
		jtime(b, c->ms);
		sl_buf_addc(b, ',');
		sl_buf_json_str(b, set->text.buf + c->off, c->len);
		sl_buf_adds(b, c->cont_head ? ",true" : ",false");
		if (c->flags != 0) {
			sl_buf_addc(b, ',');
			sl_buf_add_int(b, c->flags);
		}
		sl_buf_addc(b, ']');
	}
	sl_buf_addc(b, ']');
}

/* One source; -1 when its commands cannot be read back. */
static int
jsource(struct sl_buf *b, const struct sl_report *rep,
    const struct rsrc *src, struct rcmdset *set)
{
	if (report_src_cmds(rep, src, set) < 0)
		return -1;
	sl_buf_adds(b, "{\"key\":");
	jstr(b, src->key);
	jkstr(b, "first_path", src->first_path);
	jkstr(b, "last_path", src->last_path);
	jkint(b, "first_n", src->first_n);
	jkint(b, "lines", src->lines);
	jkint(b, "timed", src->timed);
	jktime(b, "first", src->first_ms);
	jktime(b, "last", src->last_ms);
	jcmds(b, set);
	sl_buf_adds(b, ",\"notes\":");
	jnotes(b, src->notes, src->nnotes);
	sl_buf_addc(b, '}');
	return 0;
}

/* One session's line; -1 when its commands cannot be read back. */
static int
jsession(struct sl_buf *b, const struct sl_report *rep,
    const struct rsess *s, struct rcmdset *set)
{
	size_t i;

	sl_buf_adds(b, "{\"session\":");
	jstr(b, s->s->id);
	jfields(b, s);
	jtimes(b, s);
	sl_buf_adds(b, ",\"sources\":[");
	for (i = 0; i < s->nsrc; i++) {
		if (i > 0)
			sl_buf_addc(b, ',');
		if (jsource(b, rep, s->src[i], set) < 0)
			return -1;
	}
	sl_buf_add(b, "]}\n", 3);
	return 0;
}

int
sl_report_save(struct sl_report *rep, struct sl_out *o)
{
	struct rcmdset set;
	struct sl_buf b;
	size_t i;
	int rc = SL_OK;

	sl_buf_init(&b);
	sl_buf_adds(&b, STATE_MAGIC);
	sl_buf_add_int(&b, REPORT_STATE_VERSION);
	sl_buf_adds(&b, ",\"generator\":\"sl-report " SL_VERSION "\"");
	sl_buf_adds(&b, ",\"inputs\":[");
	for (i = 0; i < rep->ninputs; i++) {
		if (i > 0)
			sl_buf_addc(&b, ',');
		jstr(&b, rep->inputs[i]);
	}
	sl_buf_printf(&b, "],\"stats\":{\"inputs\":%lld,\"bytes\":%lld,"
	    "\"units\":%lld,\"written\":%lld,\"merged\":%lld,"
	    "\"skipped\":%lld,\"rejected\":%lld,\"records\":%lld}",
	    rep->st.inputs, rep->st.bytes, rep->st.units, rep->st.written,
	    rep->st.merged, rep->st.skipped, rep->st.rejected,
	    rep->st.records);
	sl_buf_adds(&b, ",\"notes\":");
	jnotes(&b, rep->notes, rep->nnotes);
	sl_buf_add(&b, "}\n", 2);
	report_cmdset_init(&set);
	for (i = 0; i < rep->naux && rc == SL_OK; i++) {
		if (rep->aux[i] == NULL)
			continue;
		if (jsession(&b, rep, rep->aux[i], &set) < 0) {
			rc = SL_FATAL;
			break;
		}
		if (b.len >= 65536) {
			rc = sl_out_write(o, b.buf, b.len);
			sl_buf_reset(&b);
		}
	}
	if (rc == SL_OK)
		rc = sl_out_write(o, b.buf, b.len);
	report_cmdset_free(&set);
	sl_buf_free(&b);
	return rc == SL_OK ? SL_OK : SL_FATAL;
}

/* ------------------------------------------------------------------ read */

int
sl_report_is_state(const char *path)
{
	char buf[sizeof(STATE_MAGIC)];
	struct stat sb;
	ssize_t n;
	int fd;

	if (strcmp(path, "-") == 0 || (fd = open(path, O_RDONLY)) < 0)
		return 0;
	n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ?
	    read(fd, buf, sizeof(buf) - 1) : -1;
	close(fd);
	return n == (ssize_t)sizeof(buf) - 1 &&
	    memcmp(buf, STATE_MAGIC, sizeof(buf) - 1) == 0;
}

struct loader {
	struct sl_report *rep;
	char *err;
	size_t errlen;
	const char *where;
	int failed;
	int seen_header;
};

static const char *
bad(struct loader *ld, const char *why)
{
	if (!ld->failed)
		snprintf(ld->err, ld->errlen, "%s: corrupt state file: %s",
		    ld->where, why);
	ld->failed = 1;
	return why;
}

/* A string or null member; *ok cleared when it is something else. */
static const char *
opt_str(json_t *o, const char *k, int *ok)
{
	json_t *v = json_object_get(o, k);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		*ok = 0;
	return json_string_value(v);
}

static int
get_int(json_t *o, const char *k, long long *v)
{
	json_t *j = json_object_get(o, k);

	if (!json_is_integer(j))
		return -1;
	*v = json_integer_value(j);
	return 0;
}

/* A counter: an integer in [0, REPORT_COUNT_MAX] (min is -1 for "none"). */
static int
get_count(json_t *o, const char *k, long long min, long long *v)
{
	return get_int(o, k, v) < 0 || *v < min || *v > REPORT_COUNT_MAX ?
	    -1 : 0;
}

/* *acc + v, or -1 when the sum passes REPORT_COUNT_MAX. */
static int
merge_count(long long *acc, long long v)
{
	if (*acc > REPORT_COUNT_MAX - v)
		return -1;
	*acc += v;
	return 0;
}

static int
opt_time(json_t *o, const char *k, long long *ms)
{
	int ok = 1;
	const char *s = opt_str(o, k, &ok);

	*ms = RV_NONE;
	if (!ok)
		return -1;
	return s == NULL ? 0 : sl_time_rfc3339(s, strlen(s), ms);
}

static int
load_notes(json_t *a, struct rnote **v, size_t *n)
{
	json_t *e;
	size_t i;
	long long nn, count;
	int ok = 1;

	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, e) {
		const char *code = opt_str(e, "code", &ok);
		const char *text = opt_str(e, "text", &ok);

		if (!ok || code == NULL || get_count(e, "n", 0, &nn) < 0 ||
		    get_count(e, "count", -1, &count) < 0)
			return -1;
		report_note_add(v, n, code, text, nn, count);
	}
	return 0;
}

/* Would adding b to a take a counter past REPORT_COUNT_MAX? */
static int
stats_overflow(const struct sl_stats *a, const struct sl_stats *b)
{
	struct sl_stats t = *a;

	return merge_count(&t.inputs, b->inputs) < 0 ||
	    merge_count(&t.bytes, b->bytes) < 0 ||
	    merge_count(&t.units, b->units) < 0 ||
	    merge_count(&t.written, b->written) < 0 ||
	    merge_count(&t.merged, b->merged) < 0 ||
	    merge_count(&t.skipped, b->skipped) < 0 ||
	    merge_count(&t.rejected, b->rejected) < 0 ||
	    merge_count(&t.records, b->records) < 0;
}

static void
load_header(struct loader *ld, json_t *o)
{
	struct sl_stats st;
	json_t *v, *e;
	size_t i;

	v = json_object_get(o, "sl_report_state");
	if (!json_is_integer(v)) {
		bad(ld, "no \"sl_report_state\" version on the first line");
		return;
	}
	if (json_integer_value(v) != REPORT_STATE_VERSION) {
		if (!ld->failed)
			snprintf(ld->err, ld->errlen, "%s: unsupported state "
			    "version %lld (this sl-report reads version %d)",
			    ld->where, (long long)json_integer_value(v),
			    REPORT_STATE_VERSION);
		ld->failed = 1;
		return;
	}
	v = json_object_get(o, "inputs");
	if (!json_is_array(v)) {
		bad(ld, "\"inputs\" must be an array");
		return;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			bad(ld, "\"inputs\" must hold strings");
			return;
		}
	}
	v = json_object_get(o, "stats");
	memset(&st, 0, sizeof(st));
	if (!json_is_object(v) || get_count(v, "inputs", 0, &st.inputs) < 0 ||
	    get_count(v, "bytes", 0, &st.bytes) < 0 ||
	    get_count(v, "units", 0, &st.units) < 0 ||
	    get_count(v, "written", 0, &st.written) < 0 ||
	    get_count(v, "merged", 0, &st.merged) < 0 ||
	    get_count(v, "skipped", 0, &st.skipped) < 0 ||
	    get_count(v, "rejected", 0, &st.rejected) < 0 ||
	    get_count(v, "records", 0, &st.records) < 0) {
		bad(ld, "\"stats\" must hold the counters (integers from 0 "
		    "to 2^53-1)");
		return;
	}
	if (stats_overflow(&ld->rep->st, &st)) {
		bad(ld, "\"stats\" out of range once merged");
		return;
	}
	if (load_notes(json_object_get(o, "notes"), &ld->rep->notes,
	    &ld->rep->nnotes) < 0) {
		bad(ld, "bad \"notes\"");
		return;
	}
	json_array_foreach(json_object_get(o, "inputs"), i, e)
		report_add_input(ld->rep, json_string_value(e));
	sl_report_add_stats(ld->rep, &st);
	ld->seen_header = 1;
}

/* Replay one kept field set through the merge, as the record it was. */
static const char *
load_fields(struct loader *ld, struct rsess *s, json_t *a)
{
	struct sl_kv extra[64];
	struct sl_record r;
	const char *key;
	json_t *e, *v, *x;
	size_t i, k;
	int f;

	if (!json_is_array(a))
		return "\"fields\" must be an array";
	json_array_foreach(a, i, e) {
		long long rank;

		if (!json_is_object(e) || get_int(e, "rank", &rank) < 0 ||
		    rank < 0 || rank >= REPORT_NRANK)
			return "a field set needs a \"rank\" 0-4";
		sl_record_init(&r, SL_SESSION, s->s->id, "");
		json_object_foreach(e, key, v) {
			if (strcmp(key, "rank") == 0 || strcmp(key, "extra") == 0)
				continue;
			f = sl_field_lookup(key);
			if (f < 0 || !json_is_string(v) || f == SL_F_START ||
			    f == SL_F_END || f == SL_F_START_SRC ||
			    f == SL_F_END_SRC)
				return "unknown or non-string field";
			r.f[f] = json_string_value(v);
		}
		if (sl_source_rank(r.f[SL_F_ORIGIN]) != rank)
			return "\"rank\" does not match \"origin\"";
		x = json_object_get(e, "extra");
		if (!json_is_array(x) || json_array_size(x) > 64)
			return "\"extra\" must be an array of pairs";
		json_array_foreach(x, k, v) {
			if (!json_is_array(v) || json_array_size(v) != 2 ||
			    !json_is_string(json_array_get(v, 0)) ||
			    !json_is_string(json_array_get(v, 1)))
				return "\"extra\" must be an array of pairs";
			extra[k].key = json_string_value(json_array_get(v, 0));
			extra[k].val = json_string_value(json_array_get(v, 1));
		}
		r.extra = extra;
		r.nextra = json_array_size(x);
		sl_sessions_merge(ld->rep->t, &r);
		if (ld->rep->o.keep_state)
			report_keep_session(s, &r);
	}
	return NULL;
}

static const char *
load_times(struct loader *ld, struct rsess *s, json_t *a)
{
	struct sl_record r;
	json_t *e, *end;
	const char *val, *src;
	size_t i;
	int ok = 1;

	if (!json_is_array(a))
		return "\"times\" must be an array";
	json_array_foreach(a, i, e) {
		end = json_object_get(e, "end");
		val = opt_str(e, "value", &ok);
		src = opt_str(e, "src", &ok);
		/* Kept as the records said it: the view checks the form. */
		if (!json_is_boolean(end) || !ok || val == NULL)
			return "a time needs \"end\", a \"value\" and \"src\"";
		sl_record_init(&r, SL_SESSION, s->s->id, "");
		r.f[json_is_true(end) ? SL_F_END : SL_F_START] = val;
		r.f[json_is_true(end) ? SL_F_END_SRC : SL_F_START_SRC] = src;
		sl_sessions_merge(ld->rep->t, &r);
		if (ld->rep->o.keep_state)
			report_keep_session(s, &r);
	}
	return NULL;
}

static const char *
load_cmds(struct sl_report *rep, struct rsrc *src, json_t *a)
{
	json_t *e, *t, *c, *h, *fl;
	size_t i;
	long long ms;

	if (!json_is_array(a))
		return "\"cmds\" must be an array";
	json_array_foreach(a, i, e) {
		t = json_array_get(e, 0);
		c = json_array_get(e, 1);
		h = json_array_get(e, 2);
		fl = json_array_get(e, 3);	/* RCMD_*, when any */
		ms = RV_NONE;
		if (!json_is_array(e) || json_array_size(e) < 3 ||
		    json_array_size(e) > 4 ||
		    !json_is_string(c) || !json_is_boolean(h) ||
		    (fl != NULL && (!json_is_integer(fl) ||
		    json_integer_value(fl) != RCMD_CANCELLED)) ||
		    (!json_is_null(t) && (!json_is_string(t) ||
		    sl_time_rfc3339(json_string_value(t),
		    json_string_length(t), &ms) < 0)))
			return "a command is [time or null, text, cont, "
			    "flags (optional)]";
		/* A continuation that began a part joins the part before. */
		report_cmd_add(rep, src, json_string_value(c),
		    json_string_length(c), ms, i == 0 && json_is_true(h),
		    fl != NULL ? RCMD_CANCELLED : 0);
	}
	return NULL;
}

static const char *
load_sources(struct sl_report *rep, struct rsess *s, json_t *a)
{
	json_t *e;
	size_t i;
	int ok;

	if (!json_is_array(a))
		return "\"sources\" must be an array";
	json_array_foreach(a, i, e) {
		const char *key, *fp, *lp, *why;
		long long first_n, lines, timed, first, last;
		struct rsrc *src;
		int fresh = 0;

		ok = 1;
		key = opt_str(e, "key", &ok);
		fp = opt_str(e, "first_path", &ok);
		lp = opt_str(e, "last_path", &ok);
		if (!ok || key == NULL || fp == NULL || lp == NULL ||
		    get_count(e, "first_n", 0, &first_n) < 0 ||
		    get_count(e, "lines", 0, &lines) < 0 ||
		    get_count(e, "timed", 0, &timed) < 0 || timed > lines ||
		    opt_time(e, "first", &first) < 0 ||
		    opt_time(e, "last", &last) < 0)
			return "a source needs key, paths, counts and times";
		/* What src_of() would have done with these lines. */
		for (src = NULL, ok = (int)s->nsrc; ok > 0; ok--)
			if (strcmp(s->src[ok - 1]->key, key) == 0) {
				src = s->src[ok - 1];
				break;
			}
		if (src != NULL && first_n == 1 && src->lines > 0 &&
		    lines > 0 && strcmp(src->last_path, fp) == 0)
			fresh = 1;
		if (src == NULL || fresh) {
			src = report_src(s, fp, strlen(fp), fresh);
			free(src->key);
			src->key = sl_xstrdup(key);
		}
		if (src->lines > REPORT_COUNT_MAX - lines ||
		    src->timed > REPORT_COUNT_MAX - timed)
			return "line counts out of range once merged";
		report_src_lines(src, first_n, lines, timed, first, last);
		free(src->last_path);
		src->last_path = sl_xstrdup(lp);
		if ((why = load_cmds(rep, src, json_object_get(e, "cmds"))) != NULL)
			return why;
		if (load_notes(json_object_get(e, "notes"), &src->notes,
		    &src->nnotes) < 0)
			return "bad \"notes\"";
	}
	return NULL;
}

static void
load_session(struct loader *ld, json_t *o)
{
	json_t *id = json_object_get(o, "session");
	struct rsess *s;
	const char *why;

	if (id == NULL || (!json_is_null(id) && !json_is_string(id))) {
		bad(ld, "a session line needs \"session\"");
		return;
	}
	s = report_sess(ld->rep, json_string_value(id));
	ld->rep->last = NULL;	/* a state is no line stream */
	if ((why = load_fields(ld, s, json_object_get(o, "fields"))) != NULL ||
	    (why = load_times(ld, s, json_object_get(o, "times"))) != NULL ||
	    (why = load_sources(ld->rep, s, json_object_get(o, "sources"))) != NULL)
		bad(ld, why);
}

static int
leaf(void *arg, struct sl_in *in)
{
	struct loader *ld = arg;
	struct sl_buf line, where;
	json_error_t jerr;
	const char *p;
	size_t n;
	int more, rc;
	json_t *o;

	sl_buf_init(&line);
	sl_buf_init(&where);
	while (!ld->failed && (rc = sl_in_line(in, &p, &n, &more)) > 0) {
		if ((long long)(line.len + n) > STATE_LINE_MAX) {
			sl_buf_printf(&where, "%s:%lld", sl_in_name(in),
			    sl_in_lineno(in));
			ld->where = where.buf;
			bad(ld, "line too long");
			break;
		}
		sl_buf_add(&line, p, n);
		if (more)
			continue;
		sl_buf_reset(&where);
		sl_buf_printf(&where, "%s:%lld", sl_in_name(in),
		    sl_in_lineno(in));
		ld->where = where.buf;
		o = json_loadb(line.buf, line.len, 0, &jerr);
		if (o == NULL || !json_is_object(o)) {
			char why[256];

			snprintf(why, sizeof(why), "invalid JSON: %s",
			    o == NULL ? jerr.text : "not an object");
			bad(ld, why);
		} else if (!ld->seen_header)
			load_header(ld, o);
		else
			load_session(ld, o);
		json_decref(o);
		sl_buf_reset(&line);
	}
	if (!ld->failed && !ld->seen_header) {
		ld->where = sl_in_name(in);
		bad(ld, "empty");
	}
	sl_buf_free(&line);
	sl_buf_free(&where);
	return ld->failed ? SL_FATAL : SL_OK;
}

static void
walk_err(void *arg, const char *where, const char *msg)
{
	struct loader *ld = arg;

	if (!ld->failed)
		snprintf(ld->err, ld->errlen, "%s: %s", where, msg);
	ld->failed = 1;
}

static int
report_load(struct sl_report *rep, const char *path, char *err,
    size_t errlen)
{
	struct loader ld;
	struct sl_stats st;
	int rc;

	memset(&ld, 0, sizeof(ld));
	memset(&st, 0, sizeof(st));
	ld.rep = rep;
	ld.err = err;
	ld.errlen = errlen;
	ld.where = path;
	rep->last = NULL;
	rep->last_src = NULL;
	rc = sl_input_walk(path, leaf, &ld, walk_err, &ld, &st);
	rep->last = NULL;
	rep->last_src = NULL;
	if (ld.failed || rc != SL_OK) {
		if (!ld.failed)
			snprintf(err, errlen, "%s: cannot read state", path);
		return SL_FATAL;
	}
	return SL_OK;
}

int
sl_report_load(struct sl_report *rep, const char *path,
    struct sl_error *err)
{
	return sl_error_status(err, report_load(rep, path, sl_error_clear(err),
	    sizeof(err->msg)));
}
