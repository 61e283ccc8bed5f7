/*
 * select.c: which sessions a run keeps (--since, --until, --user,
 * --target, --id), with one meaning in every tool (sl(7)).
 *
 * A session is judged on its merged facts (records.md rank rule), and
 * those may arrive late: the end time of a typescript is in its trailer,
 * the owner of a session may come from a CloudTrail file read after the
 * transcript.  So the filter holds records until the end of the run, in
 * a spool on disk (lib/core/spool.c: every field, raw bytes and spans kept),
 * and replays the kept ones in their original order.  Memory grows with
 * sessions, never with lines.  When only --id is given the decision needs
 * nothing but the record itself, and records stream straight through.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

struct sl_select {
	struct sl_select_opts o;
	struct sl_sink down;
	struct sl_sessions *seen;	/* merged facts of every session */
	FILE *spool;			/* NULL: records stream through */
	struct sl_buf scratch;
	int failed;			/* the spool could not be written */
	int err_no;
	long long kept, left_out;
};

int
sl_select_active(const struct sl_select_opts *o)
{
	return o->has_since || o->has_until || o->user_glob != NULL ||
	    o->target_glob != NULL || o->id_glob != NULL;
}

/* Criteria that need the session's merged facts, not just its id. */
static int
needs_facts(const struct sl_select_opts *o)
{
	return o->has_since || o->has_until || o->user_glob != NULL ||
	    o->target_glob != NULL;
}

int
sl_select_time(const char *s, long long now_ms, long long *ms)
{
	size_t n = strlen(s), i;
	long long v = 0, unit;

	if (sl_time_rfc3339(s, n, ms) == 0)
		return 0;
	if (n == 10 && s[4] == '-' && s[7] == '-') {
		char buf[32];

		snprintf(buf, sizeof(buf), "%sT00:00:00Z", s);
		return sl_time_rfc3339(buf, strlen(buf), ms);
	}
	for (i = 0; i < n && isdigit((unsigned char)s[i]); i++) {
		if (v > 1000000000LL)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0 || i + 1 != n)
		return -1;
	switch (s[i]) {
	case 's': unit = 1000; break;
	case 'm': unit = 60000; break;
	case 'h': unit = 3600000; break;
	case 'd': unit = 86400000; break;
	case 'w': unit = 7 * 86400000LL; break;
	default: return -1;
	}
	*ms = now_ms - v * unit;
	return 0;
}

static int
glob_match(const char *glob, const char *s)
{
	return s != NULL && fnmatch(glob, s, 0) == 0;
}

int
sl_select_match(const struct sl_select_opts *o,
    const struct sl_select_facts *f)
{
	const struct sl_window win = { o->has_since, o->has_until, o->since,
	    o->until };

	if (o->id_glob != NULL && !glob_match(o->id_glob, f->id))
		return 0;
	if (o->user_glob != NULL && !glob_match(o->user_glob, f->owner) &&
	    !glob_match(o->user_glob, f->principal) &&
	    !glob_match(o->user_glob, f->run_as))
		return 0;
	if (o->target_glob != NULL && !glob_match(o->target_glob, f->target))
		return 0;
	/* Start, else end (lib/core/sessions.c): one rule for every window. */
	return sl_window_place(&win, f->when, f->when_ms) == SL_WIN_IN;
}

void
sl_select_session_facts(const struct sl_session *s,
    struct sl_select_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->id = s->id;
	f->owner = s->f[SL_F_OWNER];
	f->principal = s->f[SL_F_PRINCIPAL];
	f->run_as = s->f[SL_F_RUN_AS];
	f->target = s->f[SL_F_TARGET];
	f->when = sl_session_when(s->f, &f->when_ms);
}

/* ---------------------------------------------------------- the filter */

static int
judge(struct sl_select *sel, const char *id)
{
	const struct sl_session *s = sl_sessions_get(sel->seen, id, 0);
	struct sl_select_facts f;

	if (s == NULL) {
		memset(&f, 0, sizeof(f));
		f.id = id;
		f.when = SL_WHEN_NONE;
		f.when_ms = SL_TIME_UNKNOWN;
	} else
		sl_select_session_facts(s, &f);
	return sl_select_match(&sel->o, &f);
}

/*
 * Notes about an input rather than a session (what was skipped or
 * rejected in it) are always kept: selection never hides a problem.
 */
static int
about_no_session(const struct sl_record *r)
{
	return r->session == NULL && r->type == SL_NOTE && r->code != NULL &&
	    (strcmp(r->code, SL_NOTE_SKIPPED) == 0 ||
	    strcmp(r->code, SL_NOTE_REJECTED) == 0);
}

static int
filter_put(void *arg, const struct sl_record *r)
{
	struct sl_select *sel = arg;

	if (sel->failed)
		return SL_STOP;
	if (r->type == SL_SESSION)
		sl_sessions_merge(sel->seen, r);
	else if (r->session != NULL)
		sl_sessions_get(sel->seen, r->session, 1);
	if (sel->spool == NULL) {
		if (about_no_session(r) || judge(sel, r->session))
			return sel->down.put(sel->down.arg, r);
		return SL_OK;
	}
	if (sl_spool_write(sel->spool, &sel->scratch, r) != 0) {
		sel->failed = 1;
		sel->err_no = errno;
		return SL_STOP;
	}
	return SL_OK;
}

static FILE *
spool_open(const char *tmpdir, struct sl_error *err)
{
	int fd = sl_tmpfile(tmpdir, "sl-select");
	FILE *fp = fd >= 0 ? fdopen(fd, "w+") : NULL;

	if (fp == NULL) {
		sl_error_set(err, SL_FATAL, errno, "%s: cannot make a spool "
		    "file: %s", sl_tmpdir(tmpdir), strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return fp;
}

struct sl_select *
sl_select_new(const struct sl_select_opts *o, const struct sl_sink *down,
    const char *tmpdir, struct sl_error *err)
{
	struct sl_select *sel = sl_xcalloc(1, sizeof(*sel));

	sl_error_clear(err);
	sel->o = *o;
	sel->down = *down;
	sel->seen = sl_sessions_new();
	sl_buf_init(&sel->scratch);
	if (needs_facts(o) &&
	    (sel->spool = spool_open(tmpdir, err)) == NULL) {
		sl_select_free(sel);
		return NULL;
	}
	return sel;
}

void
sl_select_sink(struct sl_select *sel, struct sl_sink *sink)
{
	sink->put = filter_put;
	sink->arg = sel;
	sink->want = sel->down.want;
}

/* Records of one session mostly come together: remember the last verdict. */
struct verdict {
	char *id;
	int keep;
};

static int
keep_record(struct sl_select *sel, struct verdict *last,
    const struct sl_record *r)
{
	if (about_no_session(r))
		return 1;
	if (last->id == NULL || r->session == NULL ||
	    strcmp(last->id, r->session) != 0) {
		free(last->id);
		last->id = r->session != NULL ? sl_xstrdup(r->session) : NULL;
		last->keep = judge(sel, r->session);
	}
	return last->keep;
}

static int
replay(struct sl_select *sel, struct sl_error *err)
{
	struct verdict last = { NULL, 0 };
	const struct sl_record *r;
	struct sl_spool *sp;
	struct sl_spool_cur *cur;
	long long len;
	int got, rc = SL_OK;

	if (fflush(sel->spool) != 0 || (len = ftello(sel->spool)) < 0) {
		return sl_error_set(err, SL_FATAL, errno, "spool file: %s",
		    strerror(errno));
	}
	sp = sl_spool_new(fileno(sel->spool), 0, len);
	cur = sl_spool_cursor(sp);
	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) == 1)
		if (keep_record(sel, &last, r))
			rc = sel->down.put(sel->down.arg, r);
	if (rc == SL_OK && got < 0) {
		rc = sl_error_set(err, SL_FATAL, 0,
		    "spool file: cannot read it back");
	}
	free(last.id);
	sl_spool_cursor_free(cur);
	sl_spool_free(sp);
	return rc;
}

static void
count_sessions(struct sl_select *sel)
{
	const struct sl_session *const *list = sl_sessions_list(sel->seen);
	size_t i, n = sl_sessions_count(sel->seen);

	for (i = 0; i < n; i++) {
		if (list[i]->id == NULL)
			continue;
		if (judge(sel, list[i]->id))
			sel->kept++;
		else
			sel->left_out++;
	}
}

int
sl_select_finish(struct sl_select *sel, struct sl_error *err)
{
	int rc = SL_OK;

	sl_error_clear(err);
	if (sel->failed)
		return sl_error_set(err, SL_FATAL, sel->err_no,
		    "spool file: %s", strerror(sel->err_no));
	count_sessions(sel);
	if (sel->spool != NULL)
		rc = replay(sel, err);
	return sl_error_status(err, rc);
}

void
sl_select_counts(const struct sl_select *sel, long long *kept,
    long long *left_out)
{
	*kept = sel->kept;
	*left_out = sel->left_out;
}

void
sl_select_free(struct sl_select *sel)
{
	if (sel == NULL)
		return;
	if (sel->spool != NULL)
		fclose(sel->spool);
	sl_sessions_free(sel->seen);
	sl_buf_free(&sel->scratch);
	free(sel);
}
