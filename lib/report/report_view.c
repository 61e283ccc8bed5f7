/*
 * report_view.c: the view model.  From the store it picks one transcript
 * per session, derives what the sources leave open (start and end from
 * line times, the kind from the document, the user), applies the
 * filters, sorts, and aggregates per user, target and day.  Renderers
 * see only what is built here, so every output says the same thing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "report/report.h"

static const char *
pool(struct rv_report *v, char *s)
{
	if (v->npool == v->cappool) {
		v->cappool = v->cappool ? v->cappool * 2 : 64;
		v->pool = sl_xrealloc(v->pool, v->cappool * sizeof(*v->pool));
	}
	v->pool[v->npool++] = s;
	return s;
}

static int
prefix(const char *s, const char *p)
{
	return s != NULL && strncmp(s, p, strlen(p)) == 0;
}

/* The session kind, from the field, else the SSM document. */
static const char *
kind_of(const struct sl_session *e, int transcript)
{
	const char *doc = e->f[SL_F_DOCUMENT];

	if (e->f[SL_F_KIND] != NULL)
		return e->f[SL_F_KIND];
	if (prefix(doc, "AWS-StartPortForwardingSession"))
		return "port-forwarding";
	if (prefix(doc, "AWS-StartSSHSession"))
		return "ssh";
	if (prefix(doc, "AWS-StartInteractiveCommand") ||
	    prefix(doc, "AWS-StartNonInteractiveCommand"))
		return "command";
	return transcript ? "shell" : NULL;
}

/* The transcript to report (report_better_transcript). */
static int
better(const struct rsrc *a, const struct rsrc *b)
{
	return report_better_transcript(a->lines, a->timed, a->key, b->lines,
	    b->timed, b->key);
}

static int
cmp_src(const void *pa, const void *pb)
{
	const struct rsrc *a = *(const struct rsrc *const *)pa;
	const struct rsrc *b = *(const struct rsrc *const *)pb;

	return strcmp(a->key, b->key);
}

static int
cmp_note(const void *pa, const void *pb)
{
	const struct rv_note *a = pa, *b = pb;

	return strcmp(a->code, b->code);
}

static void
add_note(struct rv_session *vs, const char *code, const char *text,
    long long n, long long count)
{
	size_t i;

	for (i = 0; i < vs->nnotes; i++)
		if (strcmp(vs->notes[i].code, code) == 0) {
			/* The least text, whatever the order (report.c). */
			if (strcmp(text, vs->notes[i].text) < 0)
				vs->notes[i].text = text;
			vs->notes[i].n = report_add(vs->notes[i].n, n);
			if (count >= 0)
				vs->notes[i].count = report_add(
				    vs->notes[i].count < 0 ? 0 :
				    vs->notes[i].count, count);
			return;
		}
	vs->notes = sl_xrealloc(vs->notes, (vs->nnotes + 1) *
	    sizeof(*vs->notes));
	vs->notes[vs->nnotes].code = code;
	vs->notes[vs->nnotes].text = text;
	vs->notes[vs->nnotes].n = n;
	vs->notes[vs->nnotes].count = count;
	vs->nnotes++;
}

/* A time from the merged field, else from the transcript's lines. */
static void
set_time(struct rv_report *v, const char **out, long long *ms,
    const char *field, long long line_ms, const char **src,
    const char *field_src, const char *line_src)
{
	*out = NULL;
	*src = NULL;
	if (field != NULL && sl_time_rfc3339(field, strlen(field), ms) == 0)
		*src = field_src;
	else if (line_ms != RV_NONE) {
		*ms = line_ms;
		*src = line_src;
	} else {
		*ms = RV_NONE;
		return;
	}
	*out = pool(v, sl_xmalloc(25));
	sl_time_format(*ms, (char *)*out);	/* one form for every source */
}

/*
 * Where a port-forwarding or SSH session went, shown with its target:
 * "i-0abc -> db.internal:5432" (to another host), "i-0abc:5432" (to a
 * port of the target itself).
 */
static void
set_destination(struct rv_report *v, struct rv_session *vs,
    const struct sl_session *e)
{
	struct sl_buf b;

	vs->remote_host = sl_session_extra(e, "remote_host");
	vs->port_number = sl_session_extra(e, "port_number");
	vs->local_port_number = sl_session_extra(e, "local_port_number");
	vs->target_label = vs->target;
	if (vs->remote_host == NULL && vs->port_number == NULL)
		return;
	sl_buf_init(&b);
	sl_buf_adds(&b, vs->target != NULL ? vs->target : "?");
	if (vs->remote_host != NULL) {
		sl_buf_adds(&b, " \xe2\x86\x92 ");
		sl_buf_adds(&b, vs->remote_host);
	}
	if (vs->port_number != NULL) {
		sl_buf_addc(&b, ':');
		sl_buf_adds(&b, vs->port_number);
	}
	vs->target_label = pool(v, b.buf);
}

/* The session's own fields, from the merged session record. */
static void
set_fields(struct rv_report *v, struct rv_session *vs,
    const struct sl_session *e)
{
	vs->principal = e->f[SL_F_PRINCIPAL];
	if (vs->principal == NULL && e->id != NULL) {
		char *p = sl_session_principal(e->id);

		if (p != NULL)
			vs->principal = pool(v, p);
	}
	vs->owner = e->f[SL_F_OWNER];
	vs->user = vs->owner != NULL ? vs->owner : vs->principal;
	vs->target = e->f[SL_F_TARGET];
	set_destination(v, vs, e);
	vs->host = e->f[SL_F_HOST];
	/* Not the transcript's "RunAs User": on Windows that is the agent's
	 * logger account, not the session's user. */
	vs->run_as = e->f[SL_F_RUN_AS];
	vs->document = e->f[SL_F_DOCUMENT];
	vs->region = e->f[SL_F_REGION];
	vs->account = e->f[SL_F_ACCOUNT];
	vs->status = e->f[SL_F_STATUS];
	vs->reason = e->f[SL_F_REASON];
	vs->source_ip = e->f[SL_F_SOURCE_IP];
	vs->start_local = e->f[SL_F_START_LOCAL];
	vs->end_local = e->f[SL_F_END_LOCAL];
}

/* Start, end, duration and day: metadata first, then the transcript. */
static void
set_times(struct rv_report *v, struct rv_session *vs,
    const struct sl_session *e, const struct rsrc *win)
{
	/* Metadata times win; line times are the transcript's estimate. */
	set_time(v, &vs->start, &vs->start_ms, e->f[SL_F_START],
	    win != NULL ? win->first_ms : RV_NONE, &vs->start_src,
	    e->f[SL_F_START_SRC], "transcript-first-line");
	set_time(v, &vs->end, &vs->end_ms, e->f[SL_F_END],
	    win != NULL ? win->last_ms : RV_NONE, &vs->end_src,
	    e->f[SL_F_END_SRC], "transcript-last-line");
	vs->when = sl_when_times(vs->start_ms, vs->end_ms,
	    vs->start_local != NULL || vs->end_local != NULL, &vs->when_ms);
	vs->duration_ms = vs->start_ms != RV_NONE && vs->end_ms != RV_NONE &&
	    vs->end_ms >= vs->start_ms ? vs->end_ms - vs->start_ms : RV_NONE;
	if (vs->when_ms != RV_NONE)
		vs->day = pool(v, sl_xstrndup(vs->when == SL_WHEN_START ?
		    vs->start : vs->end, 10));
}

/* The transcript kept: its counts; its commands stay in the store. */
static void
set_transcript(struct rv_report *v, struct rv_session *vs,
    const struct rsrc *win)
{
	size_t k;

	vs->cache = v->cache;
	if (win == NULL)
		return;
	vs->win = win;
	vs->transcript_src = win->key;
	vs->lines = win->lines;
	vs->ncmds = report_src_ncmds(win);
	vs->commands = win->ran_spilled;
	for (k = 0; k < win->ncmds; k++)
		vs->commands += win->cmds[k].flags == 0;
}

/* Notes of the sources, and a duplicate note for each one not kept. */
static void
source_notes(struct rv_report *v, struct rv_session *vs,
    struct rsrc *const *srcs, size_t nsrc, const struct rsrc *win)
{
	size_t i, k;

	for (i = 0; i < nsrc; i++) {
		const struct rsrc *src = srcs[i];

		if (src->lines > 0 && src != win) {
			char *t = sl_xmalloc(strlen(src->key) + 96);

			sprintf(t, "another transcript of this session was not "
			    "used: %s (%lld lines)", src->key, src->lines);
			add_note(vs, SL_NOTE_DUPLICATE, pool(v, t), 1, -1);
			v->duplicates++;
			continue;
		}
		for (k = 0; k < src->nnotes; k++)
			add_note(vs, src->notes[k].code, src->notes[k].text,
			    src->notes[k].n, src->notes[k].count);
	}
}

/* A port-forwarding or SSH session has no transcript: say why, once. */
static void
no_transcript_note(struct rv_session *vs)
{
	size_t k;

	if (!vs->transcript && vs->kind != NULL &&
	    (strcmp(vs->kind, "port-forwarding") == 0 ||
	    strcmp(vs->kind, "ssh") == 0)) {
		for (k = 0; k < vs->nnotes; k++)
			if (strcmp(vs->notes[k].code, SL_NOTE_NO_TRANSCRIPT) == 0)
				break;
		if (k == vs->nnotes)
			add_note(vs, SL_NOTE_NO_TRANSCRIPT, strcmp(vs->kind,
			    "ssh") == 0 ? "SSH session: Session Manager does "
			    "not log these" : "port-forwarding session: Session "
			    "Manager does not log these", 1, -1);
	}
	/* Several sources saying so is still one fact about the session. */
	for (k = 0; k < vs->nnotes; k++)
		if (strcmp(vs->notes[k].code, SL_NOTE_NO_TRANSCRIPT) == 0)
			vs->notes[k].n = 1;
}

/* Fill vs from the store. */
static void
build_session(struct rv_report *v, struct rv_session *vs, struct rsess *s)
{
	const struct sl_session *e = s->s;
	struct rsrc **srcs, *win = NULL;
	size_t i;

	memset(vs, 0, sizeof(*vs));
	vs->id = e->id;
	srcs = sl_xmalloc((s->nsrc + 1) * sizeof(*srcs));
	if (s->nsrc > 0)
		memcpy(srcs, s->src, s->nsrc * sizeof(*srcs));
	qsort(srcs, s->nsrc, sizeof(*srcs), cmp_src);
	for (i = 0; i < s->nsrc; i++)
		if (srcs[i]->lines > 0 && (win == NULL || better(srcs[i], win)))
			win = srcs[i];
	set_fields(v, vs, e);
	vs->transcript = win != NULL;
	vs->kind = kind_of(e, vs->transcript);
	set_times(v, vs, e, win);
	set_transcript(v, vs, win);
	source_notes(v, vs, srcs, s->nsrc, win);
	for (i = 0; i < s->nsrc; i++)
		vs->transcripts += s->src[i]->lines > 0;
	no_transcript_note(vs);
	if (vs->nnotes > 1)
		qsort(vs->notes, vs->nnotes, sizeof(*vs->notes), cmp_note);
	free(srcs);
}

/* ------------------------------------------------------------ commands */

/* Command k of the store as the view shows it, into a. */
static void
view_cmd(const struct rcmdset *set, size_t k, struct rv_cmd *a)
{
	memset(a, 0, sizeof(*a));
	a->text = set->text.buf + set->cmds[k].off;
	a->len = set->cmds[k].len;
	a->flags = set->cmds[k].flags;
	if (set->cmds[k].ms != RV_NONE) {
		sl_time_format(set->cmds[k].ms, a->tbuf);
		a->time = a->tbuf;
	}
}

/* Commands of the store as the view shows them, into a (n entries). */
static void
view_cmds(const struct rcmdset *set, struct rv_cmd *a)
{
	size_t k;

	for (k = 0; k < set->n; k++)
		view_cmd(set, k, &a[k]);
}

void
report_cmds_begin(const struct rv_session *s, struct rv_cmditer *it)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	if (s->cmds == NULL && s->cache != NULL) {
		/* The parts go through the cache's set: what it held is gone. */
		s->cache->cur = NULL;
		s->cache->set.n = 0;
	}
}

/* Past the last part: as many as the store counted, else it failed. */
static const struct rv_cmd *
iter_next_part(struct rv_cmditer *it)
{
	struct rv_cmdcache *c = it->s->cache;
	int rc;

	while (it->i >= c->set.n) {
		rc = report_src_cmds_part(c->rep, it->s->win, it->part++,
		    &c->set);
		it->i = 0;
		if (rc <= 0) {
			if (rc < 0 || it->k != it->s->ncmds)
				c->failed = 1;
			c->set.n = 0;
			return NULL;
		}
	}
	if (it->k >= it->s->ncmds) {
		c->failed = 1;		/* more than counted: damaged */
		return NULL;
	}
	view_cmd(&c->set, it->i++, &it->cmd);
	it->k++;
	return &it->cmd;
}

const struct rv_cmd *
report_cmds_next(struct rv_cmditer *it)
{
	const struct rv_session *s = it->s;

	if (s->cmds != NULL)
		return it->k < s->ncmds ? &s->cmds[it->k++] : NULL;
	if (s->win == NULL || s->cache == NULL)
		return NULL;
	return iter_next_part(it);
}

const struct rv_cmd *
report_cmds(const struct rv_session *s)
{
	struct rv_cmdcache *c = s->cache;

	if (s->cmds != NULL || s->win == NULL || c == NULL)
		return s->cmds;
	if (c->cur == s)
		return c->cmds;
	c->cur = NULL;
	if (report_src_cmds(c->rep, s->win, &c->set) < 0 ||
	    c->set.n != s->ncmds) {
		c->failed = 1;
		c->set.n = 0;
	}
	if (c->set.n + 1 > c->cap) {
		c->cap = c->set.n + 1;
		free(c->cmds);
		c->cmds = sl_xcalloc(c->cap, sizeof(*c->cmds));
	}
	view_cmds(&c->set, c->cmds);
	if (c->failed)
		return c->cmds;		/* empty: ncmds is not to be trusted */
	c->cur = s;
	return c->cmds;
}

int
report_view_failed(const struct rv_report *v)
{
	return v->cache->failed;
}

/* --user, --target, --id: the selection of every tool (lib/core/select.c). */
static int
selected(const struct sl_report_opts *o, const struct rv_session *vs)
{
	struct sl_select_opts so = { 0, 0, 0, 0, o->user_glob,
	    o->target_glob, o->id_glob };
	struct sl_select_facts f = { vs->id, vs->owner, vs->principal,
	    vs->run_as, vs->target, vs->when, vs->when_ms };

	return sl_select_match(&so, &f);
}

/* NULL-last string order. */
static int
cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

static int
cmp_session(const void *pa, const void *pb)
{
	const struct rv_session *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->group, b->group)) != 0)
		return c;
	/* In time order by what places them: start, else end. */
	if (a->when_ms != b->when_ms) {
		if (a->when_ms == RV_NONE || b->when_ms == RV_NONE)
			return a->when_ms == RV_NONE ? 1 : -1;
		return a->when_ms < b->when_ms ? -1 : 1;
	}
	return cmp_str(a->id, b->id);
}

enum gkey { G_USER, G_TARGET, G_DAY };

static const char *
gkey(const struct rv_session *s, enum gkey k)
{
	switch (k) {
	case G_USER:
		return s->user;
	case G_TARGET:
		return s->target;
	case G_DAY:
		return s->day;
	}
	return NULL;
}

static int
cmp_pstr(const void *pa, const void *pb)
{
	return cmp_str(*(const char *const *)pa, *(const char *const *)pb);
}

static int
cmp_group_busy(const void *pa, const void *pb)
{
	const struct rv_group *a = pa, *b = pb;

	if (a->sessions != b->sessions)
		return a->sessions > b->sessions ? -1 : 1;
	return cmp_str(a->key, b->key);
}

static int
cmp_group_key(const void *pa, const void *pb)
{
	const struct rv_group *a = pa, *b = pb;

	return cmp_str(a->key, b->key);
}

/*
 * The users, targets or days of the sessions as small ids: 0 for none
 * (NULL), then each distinct string in order of first sight.  Grouping
 * and the distinct counts then compare integers: sorting the sessions by
 * their strings for each key, and each group's others again, was a
 * sixth of -j N's parent (strcmp on strings all over the heap).  Ids fit
 * 32 bits: there are never 2^32 sessions in memory.
 */
struct keyids {
	struct sl_strmap *m;	/* string -> id (borrowed keys) */
	const char **key;	/* by id; key[0] is NULL */
	size_t n;		/* ids given, 0 included */
	uint32_t *of;		/* by session (index in v->s) */
};

static void
keyids_build(struct keyids *ki, const struct rv_report *v, enum gkey k)
{
	size_t i;

	ki->m = sl_strmap_new(0);
	ki->key = sl_xcalloc(v->ns + 1, sizeof(*ki->key));
	ki->of = sl_xcalloc(v->ns + 1, sizeof(*ki->of));
	ki->n = 1;
	for (i = 0; i < v->ns; i++) {
		const char *s = gkey(&v->s[i], k);
		void **slot;

		if (s == NULL)
			continue;
		slot = sl_strmap_slot(ki->m, s);
		if (*slot == NULL) {
			ki->key[ki->n] = s;
			*slot = (void *)(uintptr_t)ki->n++;
		}
		ki->of[i] = (uint32_t)(uintptr_t)*slot;
	}
}

static void
keyids_free(struct keyids *ki)
{
	sl_strmap_free(ki->m);
	free(ki->key);
	free(ki->of);
}

/* Session s into its group e. */
static void
group_add(struct rv_group *e, const struct rv_session *s)
{
	e->sessions++;
	e->with_transcript += s->transcript;
	e->commands = report_add(e->commands, s->commands);
	e->lines = report_add(e->lines, s->lines);
	if (s->duration_ms != RV_NONE) {
		e->duration_ms = report_add(e->duration_ms, s->duration_ms);
		e->timed++;
	}
	/* Canonical RFC 3339: string order is time order. */
	if (s->start != NULL && (e->first_start == NULL ||
	    strcmp(s->start, e->first_start) < 0))
		e->first_start = s->start;
	if (s->start != NULL && (e->last_start == NULL ||
	    strcmp(s->start, e->last_start) > 0))
		e->last_start = s->start;
}

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;

	return (a > b) - (a < b);
}

/* Each group's distinct others (non-NULL): its distinct (group, other)
 * pairs, sorted as integers. */
static void
count_distinct(struct rv_group *g, size_t ns, const uint32_t *by,
    const uint32_t *other)
{
	uint64_t *pair = sl_xcalloc(ns + 1, sizeof(*pair));
	size_t i, n = 0;

	for (i = 0; i < ns; i++)
		if (other[i] != 0)
			pair[n++] = (uint64_t)by[i] << 32 | other[i];
	qsort(pair, n, sizeof(*pair), cmp_u64);
	for (i = 0; i < n; i++)
		if (i == 0 || pair[i] != pair[i - 1])
			g[pair[i] >> 32].distinct++;
	free(pair);
}

/*
 * Aggregate sessions by key k (ids by); distinct counts the other key
 * (targets of a user, users of a target or day).  Days without a start
 * are left out: they belong to no day.
 */
static struct rv_group *
groups(const struct rv_report *v, enum gkey k, const struct keyids *by,
    const struct keyids *other, size_t *ng)
{
	struct rv_group *g = sl_xcalloc(by->n, sizeof(*g));
	size_t i, n = 0;

	for (i = 0; i < v->ns; i++)
		group_add(&g[by->of[i]], &v->s[i]);
	count_distinct(g, v->ns, by->of, other->of);
	for (i = 0; i < by->n; i++) {
		if (g[i].sessions == 0 || (k == G_DAY && i == 0))
			continue;
		g[i].key = by->key[i];
		g[n++] = g[i];
	}
	qsort(g, n, sizeof(*g), k == G_DAY ? cmp_group_key : cmp_group_busy);
	*ng = n;
	return g;
}

/*
 * Is vs inside the window?  Counts it by reason when not: a session is
 * placed by its start, else its end (sl_window_place), never silently
 * dropped for lacking a start.
 */
static int
count_window_place(struct rv_report *v, const struct sl_window *win,
    const struct rv_session *vs)
{
	switch (sl_window_place(win, vs->when, vs->when_ms)) {
	case SL_WIN_IN:
		return 1;
	case SL_WIN_OUTSIDE:
		v->outside_window++;
		break;
	case SL_WIN_UNDATED:
		v->undated_left_out++;
		break;
	case SL_WIN_LOCAL_ONLY:
		v->local_left_out++;
		break;
	}
	return 0;
}

long long
report_left_out_count(const struct rv_report *v)
{
	return v->filtered_out + v->outside_window + v->undated_left_out +
	    v->local_left_out;
}

static void
left_out_part(struct sl_buf *b, long long n, const char *why)
{
	if (n > 0)
		sl_buf_printf(b, "%s%lld %s", b->len > 0 ? ", " : "", n, why);
}

void
report_left_out(const struct rv_report *v, struct sl_buf *b)
{
	long long n = report_left_out_count(v);
	struct sl_buf why;

	if (n == 0)
		return;
	sl_buf_init(&why);
	left_out_part(&why, v->filtered_out, "by --user, --target or --id");
	left_out_part(&why, v->outside_window,
	    sl_window_reason(SL_WIN_OUTSIDE));
	left_out_part(&why, v->undated_left_out,
	    sl_window_reason(SL_WIN_UNDATED));
	left_out_part(&why, v->local_left_out,
	    sl_window_reason(SL_WIN_LOCAL_ONLY));
	sl_buf_printf(b, "%lld session%s left out: %s", n, n == 1 ? "" : "s",
	    why.buf);
	sl_buf_free(&why);
}

void
report_placement(struct rw *w, const struct rv_report *v,
    void (*say)(struct rw *w, const char *sentence))
{
	struct sl_buf b;

	sl_buf_init(&b);
	report_left_out(v, &b);
	if (b.len == 0 && (v->since != NULL || v->until != NULL ||
	    v->user_glob != NULL || v->target_glob != NULL))
		sl_buf_adds(&b, "no session left out");
	if (b.len > 0)
		say(w, b.buf);
	sl_buf_reset(&b);
	if (v->by_end > 0) {
		sl_buf_printf(&b, "%lld session%s without a start time placed "
		    "by %s end", v->by_end, v->by_end == 1 ? "" : "s",
		    v->by_end == 1 ? "its" : "their");
		say(w, b.buf);
	}
	sl_buf_reset(&b);
	if (v->local_only > 0) {
		sl_buf_printf(&b, "%lld session%s undated: only zone-less local "
		    "times (give --tz)", v->local_only, v->local_only == 1 ?
		    "" : "s");
		say(w, b.buf);
	}
	sl_buf_free(&b);
}

/* ------------------------------------------------------------ timeline */

/* One session's place in the timeline merge: its next command, head. */
struct rv_tlcur {
	struct rv_session s;		/* a copy, reading through cache */
	const struct rv_session *orig;	/* what the renderers are given */
	struct rv_cmdcache cache;	/* its own: the merge reads many */
	struct rv_cmditer it;
	const struct rv_cmd *head;	/* NULL: its commands are done */
	size_t k;			/* head's index in the session */
	const char *at;			/* head's place in time */
	char atbuf[25];
};

/* Timeline order: by place in time, then session id, then k. */
static int
cmp_head(const struct rv_tlcur *a, const struct rv_tlcur *b)
{
	int c;

	if ((c = cmp_str(a->at, b->at)) != 0)
		return c;
	if ((c = cmp_str(a->orig->id, b->orig->id)) != 0)
		return c;
	return a->k < b->k ? -1 : a->k > b->k;
}

/* Move cursor c to its next command; an untimed one keeps the last at. */
static void
advance(struct rv_tlcur *c)
{
	if (c->head != NULL)
		c->k++;
	c->head = report_cmds_next(&c->it);
	if (c->head != NULL && c->head->time != NULL) {
		memcpy(c->atbuf, c->head->time, sizeof(c->atbuf));
		c->at = c->atbuf;
	}
}

/* Cursors a and b of timeline ctx by their heads, for the heap. */
static int
cursor_less(const void *ctx, size_t a, size_t b)
{
	const struct rv_timeline *t = ctx;

	return cmp_head(&t->cur[a], &t->cur[b]) < 0;
}

/* A cursor on session s, at its first command. */
static void
cursor_open(struct rv_tlcur *c, const struct rv_report *v,
    const struct rv_session *s)
{
	memset(c, 0, sizeof(*c));
	c->s = *s;
	c->orig = s;
	c->cache.rep = v->cache->rep;
	report_cmdset_init(&c->cache.set);
	c->s.cache = &c->cache;
	c->at = s->start;
	report_cmds_begin(&c->s, &c->it);
	advance(c);
}

void
report_timeline_begin(const struct rv_report *v, struct rv_timeline *t)
{
	size_t i, n = 0;

	memset(t, 0, sizeof(*t));
	t->failed = &v->cache->failed;	/* a lost block is the view's */
	t->cur = sl_xcalloc(v->ns + 1, sizeof(*t->cur));
	sl_heap_init(&t->heap, v->ns + 1, cursor_less, t);
	for (i = 0; i < v->ns; i++) {
		if (v->s[i].win == NULL || v->s[i].ncmds == 0)
			continue;
		cursor_open(&t->cur[n], v, &v->s[i]);
		if (t->cur[n].head == NULL) {
			report_cmdset_free(&t->cur[n].cache.set);
			*t->failed |= t->cur[n].cache.failed;
			continue;
		}
		t->heap.v[t->heap.n++] = n;
		n++;
	}
	sl_heap_build(&t->heap);
}

/* Move the least cursor past the command handed out last; drop it when
 * its commands are done. */
static void
pop_given(struct rv_timeline *t)
{
	struct rv_tlcur *c = &t->cur[t->heap.v[0]];

	advance(c);
	if (c->head != NULL) {
		sl_heap_top_moved(&t->heap);
		return;
	}
	*t->failed |= c->cache.failed;
	report_cmdset_free(&c->cache.set);
	sl_heap_pop(&t->heap);
}

const struct rv_cmd *
report_timeline_next(struct rv_timeline *t, const struct rv_session **s)
{
	if (t->given && t->heap.n > 0)
		pop_given(t);
	t->given = 1;
	if (t->heap.n == 0)
		return NULL;
	*s = t->cur[t->heap.v[0]].orig;
	return t->cur[t->heap.v[0]].head;
}

void
report_timeline_end(struct rv_timeline *t)
{
	size_t i;

	for (i = 0; i < t->heap.n; i++) {
		*t->failed |= t->cur[t->heap.v[i]].cache.failed;
		report_cmdset_free(&t->cur[t->heap.v[i]].cache.set);
	}
	free(t->cur);
	sl_heap_free(&t->heap);
	memset(t, 0, sizeof(*t));
}

/* Commands of the timeline: of every session whose transcript was kept. */
static size_t
timeline_length(const struct rv_report *v)
{
	size_t i, n = 0;

	for (i = 0; i < v->ns; i++)
		if (v->s[i].win != NULL)
			n += v->s[i].ncmds;
	return n;
}

/* The sessions of the store that pass the filters and the window. */
static void
keep_sessions(struct rv_report *v, struct sl_report *rep)
{
	const struct sl_report_opts *o = &rep->o;
	const struct sl_window win = { o->has_since, o->has_until, o->since,
	    o->until };
	size_t i;

	v->s = sl_xcalloc(rep->naux + 1, sizeof(*v->s));
	for (i = 0; i < rep->naux; i++) {
		struct rv_session *vs = &v->s[v->ns];
		long long dups = v->duplicates;

		if (rep->aux[i] == NULL)
			continue;
		build_session(v, vs, rep->aux[i]);
		if (!selected(o, vs)) {
			v->filtered_out++;
			goto drop;
		}
		if (!count_window_place(v, &win, vs))
			goto drop;
		v->ns++;
		continue;
drop:
		v->duplicates = dups;
		free(vs->cmds);
		free(vs->notes);
	}
}

/* Totals over the sessions kept, and each one's group. */
static void
sum_sessions(struct rv_report *v, const struct sl_report_opts *o)
{
	size_t i;

	for (i = 0; i < v->ns; i++) {
		struct rv_session *s = &v->s[i];

		if (o->group_by != NULL)
			s->group = gkey(s, strcmp(o->group_by, "user") == 0 ?
			    G_USER : strcmp(o->group_by, "target") == 0 ?
			    G_TARGET : G_DAY);
		v->sessions++;
		v->with_transcript += s->transcript;
		v->commands = report_add(v->commands, s->commands);
		v->lines = report_add(v->lines, s->lines);
		if (s->start_ms == RV_NONE) {
			v->no_start++;
			v->by_end += s->when == SL_WHEN_END;
			v->local_only += s->when == SL_WHEN_LOCAL;
		} else {
			if (v->first_start == NULL ||
			    strcmp(s->start, v->first_start) < 0)
				v->first_start = s->start;
			if (v->last_start == NULL ||
			    strcmp(s->start, v->last_start) > 0)
				v->last_start = s->start;
		}
		if (s->end != NULL && (v->last_end == NULL ||
		    strcmp(s->end, v->last_end) > 0))
			v->last_end = s->end;
	}
}

/* Users, targets and days: distinct counts and aggregates. */
static void
group_sessions(struct rv_report *v)
{
	struct keyids users, targets, days;

	keyids_build(&users, v, G_USER);
	keyids_build(&targets, v, G_TARGET);
	keyids_build(&days, v, G_DAY);
	v->nusers = (long long)users.n - 1;
	v->ntargets = (long long)targets.n - 1;
	v->users = groups(v, G_USER, &users, &targets, &v->nusers_g);
	v->targets = groups(v, G_TARGET, &targets, &users, &v->ntargets_g);
	v->days = groups(v, G_DAY, &days, &users, &v->ndays);
	keyids_free(&users);
	keyids_free(&targets);
	keyids_free(&days);
}

/* What the report says about its own run: options, inputs, notes. */
static void
set_run(struct rv_report *v, const struct sl_report *rep)
{
	const struct sl_report_opts *o = &rep->o;
	const char **tmp;
	size_t i;

	if (o->has_since) {
		sl_time_format(o->since, v->since_buf);
		v->since = v->since_buf;
	}
	if (o->has_until) {
		sl_time_format(o->until, v->until_buf);
		v->until = v->until_buf;
	}
	v->user_glob = o->user_glob;
	v->target_glob = o->target_glob;
	v->group_by = o->group_by;
	/* Sorted: the same inputs in any order make the same report. */
	tmp = sl_xcalloc(rep->ninputs + 1, sizeof(*tmp));
	if (rep->ninputs > 0)
		memcpy(tmp, rep->inputs, rep->ninputs * sizeof(*tmp));
	qsort(tmp, rep->ninputs, sizeof(*tmp), cmp_pstr);
	v->inputs = tmp;
	v->ninputs = rep->ninputs;
	v->st = rep->st;
	v->rejected = rep->st.rejected;
	if (rep->nnotes > 0) {
		struct rv_note *gn = sl_xcalloc(rep->nnotes, sizeof(*gn));

		for (i = 0; i < rep->nnotes; i++) {
			gn[i].code = rep->notes[i].code;
			gn[i].text = rep->notes[i].text;
			gn[i].n = rep->notes[i].n;
			gn[i].count = rep->notes[i].count;
		}
		qsort(gn, rep->nnotes, sizeof(*gn), cmp_note);
		v->gnotes = gn;
		v->ngnotes = rep->nnotes;
	}
}

struct rv_report *
report_view(struct sl_report *rep)
{
	struct rv_report *v = sl_xcalloc(1, sizeof(*v));
	const struct sl_report_opts *o = &rep->o;

	v->cache = sl_xcalloc(1, sizeof(*v->cache));
	v->cache->rep = rep;
	report_cmdset_init(&v->cache->set);
	keep_sessions(v, rep);
	sum_sessions(v, o);
	qsort(v->s, v->ns, sizeof(*v->s), cmp_session);
	group_sessions(v);
	v->want_timeline = o->commands;
	v->pages = o->pages;
	if (o->commands)
		v->ntimeline = timeline_length(v);
	set_run(v, rep);
	return v;
}

void
report_view_free(struct rv_report *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->ns; i++) {
		free(v->s[i].cmds);
		free(v->s[i].notes);
	}
	for (i = 0; i < v->npool; i++)
		free(v->pool[i]);
	free(v->pool);
	report_cmdset_free(&v->cache->set);
	free(v->cache->cmds);
	free(v->cache);
	free(v->s);
	free(v->users);
	free(v->targets);
	free(v->days);
	free((void *)v->gnotes);
	free((void *)v->inputs);
	free(v);
}
