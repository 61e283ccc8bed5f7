/*
 * report.c: the store of sl-report, a sink.  Session records go to the
 * rank merge of sessions.c; line records are counted per session and per
 * input ("source"), keeping the commands, not the lines; notes are
 * counted by code.  A session read from two inputs (an S3 log and a
 * CloudWatch export, say) has two sources: the view keeps the one with
 * the most lines and notes the other as a duplicate.
 */
#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

struct sl_report *
sl_report_new(const struct sl_report_opts *o)
{
	struct sl_report *rep = sl_xcalloc(1, sizeof(*rep));

	if (o != NULL)
		rep->o = *o;
	rep->t = sl_sessions_new();
	rep->spill_fd = -1;
	return rep;
}

static void
free_notes(struct rnote *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].text);
	}
	free(v);
}

static void
free_src(struct rsrc *src)
{
	free(src->key);
	free(src->first_path);
	free(src->last_path);
	report_free_cmds(src);
	free_notes(src->notes, src->nnotes);
	free(src);
}

static void
free_sess(struct rsess *s)
{
	struct rtime *t, *next;
	size_t i, k;
	int r, f;

	for (i = 0; i < s->nsrc; i++)
		free_src(s->src[i]);
	free(s->src);
	for (r = 0; r < REPORT_NRANK; r++) {
		struct rcand *c = s->cand[r];

		if (c == NULL)
			continue;
		for (f = 0; f < SL_F_COUNT; f++)
			free(c->f[f]);
		for (k = 0; k < c->nextra; k++) {
			free((char *)c->extra[k].key);
			free((char *)c->extra[k].val);
		}
		free(c->extra);
		free(c);
	}
	for (t = s->times; t != NULL; t = next) {
		next = t->next;
		free(t->val);
		free(t->src);
		free(t);
	}
	free(s);
}

void
sl_report_free(struct sl_report *rep)
{
	size_t i;

	if (rep == NULL)
		return;
	for (i = 0; i < rep->naux; i++)
		if (rep->aux[i] != NULL)
			free_sess(rep->aux[i]);
	free(rep->aux);
	for (i = 0; i < rep->ninputs; i++)
		free(rep->inputs[i]);
	free(rep->inputs);
	free_notes(rep->notes, rep->nnotes);
	sl_sessions_free(rep->t);
	sl_buf_free(&rep->left_out);
	report_spill_close(rep);
	sl_buf_free(&rep->pack.sid);
	sl_buf_free(&rep->pack.src);
	sl_buf_free(&rep->pack.cmds);
	sl_buf_free(&rep->pack.arrays);
	sl_buf_free(&rep->pack.hold_sid);
	sl_buf_free(&rep->pack.hold);
	sl_buf_free(&rep->pack.hold_arrays);
	free(rep->pack.kv);
	free(rep);
}

size_t
sl_report_count(const struct sl_report *rep)
{
	return sl_sessions_count(rep->t);
}

void
report_add_input(struct sl_report *rep, const char *path)
{
	rep->inputs = sl_xrealloc(rep->inputs,
	    (rep->ninputs + 1) * sizeof(*rep->inputs));
	rep->inputs[rep->ninputs++] = sl_xstrdup(path);
}

void
sl_report_input(struct sl_report *rep, const char *path)
{
	report_add_input(rep, path);
}

void
sl_report_add_stats(struct sl_report *rep, const struct sl_stats *st)
{
	rep->st.inputs = report_add(rep->st.inputs, st->inputs);
	rep->st.bytes = report_add(rep->st.bytes, st->bytes);
	rep->st.units = report_add(rep->st.units, st->units);
	rep->st.written = report_add(rep->st.written, st->written);
	rep->st.merged = report_add(rep->st.merged, st->merged);
	rep->st.skipped = report_add(rep->st.skipped, st->skipped);
	rep->st.rejected = report_add(rep->st.rejected, st->rejected);
	rep->st.records = report_add(rep->st.records, st->records);
}

/* The per-session data of an entry of the sessions table. */
static struct rsess *
aux_of(struct sl_report *rep, const struct sl_session *e)
{
	size_t i = (size_t)e->seq;

	if (i >= rep->capaux) {
		size_t cap = rep->capaux ? rep->capaux * 2 : 256;

		while (cap <= i)
			cap *= 2;
		rep->aux = sl_xrealloc(rep->aux, cap * sizeof(*rep->aux));
		memset(rep->aux + rep->capaux, 0,
		    (cap - rep->capaux) * sizeof(*rep->aux));
		rep->capaux = cap;
	}
	if (rep->aux[i] == NULL) {
		rep->aux[i] = sl_xcalloc(1, sizeof(**rep->aux));
		rep->aux[i]->s = e;
		if (i >= rep->naux)
			rep->naux = i + 1;
	}
	return rep->aux[i];
}

struct rsess *
report_sess(struct sl_report *rep, const char *sid)
{
	struct rsess *s = rep->last;

	/* Lines come in runs of one session: skip the hash then. */
	if (s != NULL && (sid == NULL ? s->s->id == NULL :
	    s->s->id != NULL && strcmp(s->s->id, sid) == 0))
		return s;
	s = aux_of(rep, sl_sessions_get(rep->t, sid, 1));
	rep->last = s;
	rep->last_src = NULL;
	return s;
}

/* Length of the input part of src: "a.log:12" -> "a.log", "x#3" -> "x". */
size_t
sl_src_input_len(const char *src)
{
	size_t n = strlen(src), i = n;

	while (i > 0 && isdigit((unsigned char)src[i - 1]))
		i--;
	if (i < n && i > 0 && (src[i - 1] == ':' || src[i - 1] == '#'))
		return i - 1;
	return n;
}

/*
 * The source key of an input path.  A CloudWatch export cuts one stream
 * into numbered objects (<stream>/000000.gz, 000001.gz): they are one
 * transcript, so such chunk files are keyed by their folder.
 */
static char *
src_key(const char *path, size_t n)
{
	size_t b = n, i;

	while (b > 0 && path[b - 1] != '/')
		b--;
	for (i = b; i < n && isdigit((unsigned char)path[i]); i++)
		;
	if (b > 0 && i > b && (i == n || (n - i == 3 &&
	    memcmp(path + i, ".gz", 3) == 0)))
		return sl_xstrndup(path, b);
	return sl_xstrndup(path, n);
}

char *
sl_transcript_key(const char *src)
{
	return src_key(src, sl_src_input_len(src));
}

struct rsrc *
report_src(struct rsess *s, const char *path, size_t plen, int fresh)
{
	struct rsrc *src = NULL;
	char *key = src_key(path, plen);
	size_t i;

	for (i = s->nsrc; i > 0 && !fresh; i--)
		if (strcmp(s->src[i - 1]->key, key) == 0) {
			src = s->src[i - 1];
			break;
		}
	if (src != NULL) {
		free(key);
		return src;
	}
	src = sl_xcalloc(1, sizeof(*src));
	src->key = key;
	src->first_path = sl_xstrndup(path, plen);
	src->last_path = sl_xstrndup(path, plen);
	src->first_ms = src->last_ms = RV_NONE;
	sl_buf_init(&src->text);
	s->src = sl_xrealloc(s->src, (s->nsrc + 1) * sizeof(*s->src));
	s->src[s->nsrc++] = src;
	return src;
}

/* The source of record src in session s, through the line cache. */
static struct rsrc *
src_of(struct sl_report *rep, struct rsess *s, const char *srcs, long long n)
{
	struct rsrc *src = rep->last_src;
	size_t pl = sl_src_input_len(srcs);
	int same;

	if (src == NULL || strlen(src->last_path) != pl ||
	    memcmp(src->last_path, srcs, pl) != 0)
		src = report_src(s, srcs, pl, 0);
	same = strlen(src->last_path) == pl &&
	    memcmp(src->last_path, srcs, pl) == 0;
	if (n == 1 && src->lines > 0 && same) {
		/* The same input read again: a second transcript. */
		src = report_src(s, srcs, pl, 1);
	} else if (!same) {
		/* The next chunk of an export: the same transcript. */
		free(src->last_path);
		src->last_path = sl_xstrndup(srcs, pl);
	}
	rep->last_src = src;
	return src;
}

long long
report_add(long long a, long long b)
{
	a = SL_MAX(0, SL_MIN(a, REPORT_COUNT_MAX));
	b = SL_MAX(0, SL_MIN(b, REPORT_COUNT_MAX));
	return a > REPORT_COUNT_MAX - b ? REPORT_COUNT_MAX : a + b;
}

int
report_better_transcript(long long lines, long long timed, const char *key,
    long long olines, long long otimed, const char *okey)
{
	if (lines != olines)
		return lines > olines;
	if ((timed > 0) != (otimed > 0))
		return timed > 0;
	return strcmp(key, okey) < 0;
}

void
report_note_add(struct rnote **v, size_t *n, const char *code,
    const char *text, long long nnotes, long long count)
{
	struct rnote *e;
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i].code, code) == 0)
			break;
	if (i == *n) {
		*v = sl_xrealloc(*v, (*n + 1) * sizeof(**v));
		e = &(*v)[(*n)++];
		e->code = sl_xstrdup(code);
		e->text = sl_xstrdup(text != NULL ? text : "");
		e->n = 0;
		e->count = -1;
	}
	e = &(*v)[i];
	/* One text stands for all notes of a code: the least, not the
	 * first seen, so that input order does not show in the report. */
	if (text != NULL && strcmp(text, e->text) < 0) {
		free(e->text);
		e->text = sl_xstrdup(text);
	}
	e->n = report_add(e->n, nnotes);
	if (count >= 0)
		e->count = report_add(e->count < 0 ? 0 : e->count, count);
}

struct rsrc *
report_line_src(struct sl_report *rep, const char *session, const char *src,
    long long n)
{
	return src_of(rep, report_sess(rep, session), src != NULL ? src : "",
	    n);
}

void
report_src_lines(struct rsrc *src, long long first_n, long long lines,
    long long timed, long long first_ms, long long last_ms)
{
	if (src->lines == 0)
		src->first_n = first_n;
	src->lines += lines;
	src->timed += timed;
	if (first_ms != RV_NONE && (src->first_ms == RV_NONE ||
	    first_ms < src->first_ms))
		src->first_ms = first_ms;
	if (last_ms != RV_NONE && (src->last_ms == RV_NONE ||
	    last_ms > src->last_ms))
		src->last_ms = last_ms;
}

long long
report_line_ms(const struct sl_record *r)
{
	long long ms;

	if (r->time == NULL || sl_time_rfc3339(r->time, strlen(r->time),
	    &ms) != 0)
		return RV_NONE;
	return ms;
}

int
report_line_cmd(const struct sl_record *r, struct rline_cmd *c)
{
	/* A line cancelled or redrawn before it ran is no command run; a
	 * cancelled one is kept for the timeline, flagged (redrawn: it
	 * shows again where it ran). */
	if (!r->has_prompt || r->redrawn)
		return 0;
	/* What ran: the expansion of !! where the shell echoed it. */
	if (r->expanded != NULL && !r->cont) {
		c->p = r->expanded;
		c->n = strlen(r->expanded);
		c->cont = 0;
		c->flags = 0;
		return 1;
	}
	if (!r->cont && r->len <= r->prompt_len)
		return 0;
	c->p = r->text + r->prompt_len;
	c->n = r->len - r->prompt_len;
	c->cont = r->cont;
	c->flags = r->cancelled ? RCMD_CANCELLED : 0;
	return 1;
}

static void
put_line(struct sl_report *rep, const struct sl_record *r)
{
	struct rsrc *src = report_line_src(rep, r->session, r->src, r->n);
	long long ms = report_line_ms(r);
	struct rline_cmd c;

	report_src_lines(src, r->n, 1, ms != RV_NONE, ms, ms);
	if (report_line_cmd(r, &c))
		report_cmd_add(rep, src, c.p, c.n, ms, c.cont, c.flags);
}

static void
put_note(struct sl_report *rep, const struct sl_record *r)
{
	struct rsess *s;
	struct rsrc *src;

	if (r->code == NULL)
		return;
	if (r->session == NULL) {
		/* Rejected input and the like: the report's own notes. */
		report_note_add(&rep->notes, &rep->nnotes, r->code, r->text, 1,
		    r->count);
		return;
	}
	s = report_sess(rep, r->session);
	src = src_of(rep, s, r->src != NULL ? r->src : "", 0);
	report_note_add(&src->notes, &src->nnotes, r->code, r->text, 1,
	    r->count);
}

static struct rcand *
cand(struct rsess *s, int rank)
{
	if (s->cand[rank] == NULL)
		s->cand[rank] = sl_xcalloc(1, sizeof(struct rcand));
	return s->cand[rank];
}

static void
keep_time(struct rsess *s, int end, const char *val, const char *src)
{
	struct rtime *t, **tail = &s->times;
	int rank = sl_time_src_rank(src);

	for (t = s->times; t != NULL; t = t->next) {
		if (t->end == end && t->rank == rank)
			return;		/* first seen of its rank wins */
		tail = &t->next;
	}
	t = sl_xcalloc(1, sizeof(*t));
	t->end = end;
	t->rank = rank;
	t->val = sl_xstrdup(val);
	t->src = src != NULL ? sl_xstrdup(src) : NULL;
	*tail = t;
}

/*
 * What --save-state needs to merge this record again later with the same
 * outcome: per source rank the first value of each field, per time-source
 * rank the first start and end (sessions.c's rule, kept losslessly).
 */
void
report_keep_session(struct rsess *s, const struct sl_record *r)
{
	struct rcand *c = cand(s, sl_source_rank(r->f[SL_F_ORIGIN]));
	size_t k, j;
	int f;

	for (f = 0; f < SL_F_COUNT; f++) {
		if (f == SL_F_START || f == SL_F_START_SRC || f == SL_F_END ||
		    f == SL_F_END_SRC)
			continue;
		if (r->f[f] != NULL && c->f[f] == NULL)
			c->f[f] = sl_xstrdup(r->f[f]);
	}
	if (r->f[SL_F_START] != NULL)
		keep_time(s, 0, r->f[SL_F_START], r->f[SL_F_START_SRC]);
	if (r->f[SL_F_END] != NULL)
		keep_time(s, 1, r->f[SL_F_END], r->f[SL_F_END_SRC]);
	for (k = 0; k < r->nextra; k++) {
		if (r->extra[k].val == NULL)
			continue;
		for (j = 0; j < c->nextra; j++)
			if (strcmp(c->extra[j].key, r->extra[k].key) == 0)
				break;
		if (j < c->nextra)
			continue;
		c->extra = sl_xrealloc(c->extra,
		    (c->nextra + 1) * sizeof(*c->extra));
		c->extra[c->nextra].key = sl_xstrdup(r->extra[k].key);
		c->extra[c->nextra].val = sl_xstrdup(r->extra[k].val);
		c->nextra++;
	}
}

int
sl_report_put(void *arg, const struct sl_record *r)
{
	struct sl_report *rep = arg;
	struct rsess *s;

	switch (r->type) {
	case SL_LINE:
		put_line(rep, r);
		break;
	case SL_NOTE:
		put_note(rep, r);
		break;
	case SL_SESSION:
		s = aux_of(rep, sl_sessions_merge(rep->t, r));
		if (rep->o.keep_state)
			report_keep_session(s, r);
		break;
	case SL_RAW:
		break;
	}
	return SL_OK;
}

int
sl_report_type_lookup(const char *name)
{
	static const char *const names[] = { "text", "csv", "json", "md",
	    "html" };
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(name, names[i]) == 0)
			return i;
	if (strcmp(name, "markdown") == 0)
		return SL_REPORT_MD;
	return -1;
}

int
sl_report_time(const char *s, long long now_ms, long long *ms)
{
	return sl_select_time(s, now_ms, ms);
}
