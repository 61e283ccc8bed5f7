/*
 * run.c: the driver.  For every leaf input under a path: peek, pick the
 * format (forced with -f, else the highest bid), and let its reader push
 * records to the sink.  Also the emit/reject helpers readers share, so
 * that counting and error reporting live in one place.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/workers.h"

struct sl_run {
	struct sl_opts opts;
	struct sl_sink sink;
	sl_errfn err;
	void *errarg;
	sl_errfn info;
	void *infoarg;
	struct sl_stats st;
	int stopped;
	struct sl_carry carry;		/* format NULL: none open */
	long long not_logs;		/* inputs skipped: not session logs */
	char *first_not_log;		/* the first of them, for the summary */
	struct sl_workers *workers;	/* -j N; NULL: every input read here */
	sl_writefn json_write;		/* the sink only writes JSON: here */
	sl_writevfn json_writev;	/* ...and several blocks at once */
	void *json_arg;
	void *spare;			/* see sl_run_spare_put */
	void (*spare_free)(void *);
	struct sl_packer pack;		/* pack NULL: workers send records */
};

struct sl_run *
sl_run_new(const struct sl_opts *opts, const struct sl_sink *sink,
    sl_errfn err, void *errarg)
{
	struct sl_run *run = sl_xcalloc(1, sizeof(*run));

	if (opts != NULL)
		run->opts = *opts;
	run->sink = *sink;
	run->err = err;
	run->errarg = errarg;
	return run;
}

/* Finish the open carry, if any; taken out first, as finishing emits. */
static int
carry_finish(struct sl_run *run)
{
	struct sl_carry c = run->carry;
	int rc;

	if (c.format == NULL)
		return SL_OK;
	memset(&run->carry, 0, sizeof(run->carry));
	rc = c.finish(c.state);
	c.free(c.state);
	free(c.key);
	if (rc == SL_STOP)
		run->stopped = 1;
	return rc;
}

void
sl_run_carry_put(struct sl_run *run, const struct sl_carry *c)
{
	carry_finish(run);
	run->carry = *c;
}

void *
sl_run_carry_take(struct sl_run *run, const struct sl_format *f,
    const char *key)
{
	void *state;

	if (run->carry.format == NULL)
		return NULL;
	if (run->carry.format != f || strcmp(run->carry.key, key) != 0) {
		carry_finish(run);
		return NULL;
	}
	state = run->carry.state;
	free(run->carry.key);
	memset(&run->carry, 0, sizeof(run->carry));
	return state;
}

void
sl_run_spare_put(struct sl_run *run, void *obj, void (*free_fn)(void *))
{
	if (run == NULL) {	/* a reader without a run keeps nothing */
		if (obj != NULL)
			free_fn(obj);
		return;
	}
	if (run->spare != NULL)
		run->spare_free(run->spare);
	run->spare = obj;
	run->spare_free = free_fn;
}

void *
sl_run_spare_take(struct sl_run *run, void (*free_fn)(void *))
{
	void *obj = run != NULL ? run->spare : NULL;

	if (obj == NULL || run->spare_free != free_fn)
		return NULL;
	run->spare = NULL;
	return obj;
}

void
sl_run_free(struct sl_run *run)
{
	if (run == NULL)
		return;
	sl_workers_free(run->workers);
	carry_finish(run);
	sl_run_spare_put(run, NULL, NULL);
	free(run->first_not_log);
	free(run);
}

void
sl_run_set_info(struct sl_run *run, sl_errfn info, void *arg)
{
	run->info = info;
	run->infoarg = arg;
}

void
sl_run_stats(const struct sl_run *run, struct sl_stats *st)
{
	*st = run->st;
}


/*
 * The one place the accounting of records.md is checked: once every
 * unit has gone somewhere, read = written + merged + skipped + rejected.
 * A run its sink stopped leaves units in flight, so it is not checked.
 */
static void
check_accounts(const struct sl_run *run)
{
	const struct sl_stats *st = &run->st;

	assert(run->stopped || st->units == st->written + st->merged +
	    st->skipped + st->rejected);
	SL_UNUSED(st);
}

int
sl_run_finish(struct sl_run *run)
{
	char msg[1024];
	int rc;

	if (sl_workers_drain(run->workers) == SL_STOP)
		run->stopped = 1;
	rc = carry_finish(run);
	check_accounts(run);
	/* One line for all of them: a folder of downloads may hold many. */
	if (run->not_logs > 0 && run->info != NULL) {
		snprintf(msg, sizeof(msg), "%lld input%s skipped: not a session "
		    "log (%s%s)", run->not_logs, run->not_logs == 1 ? "" : "s",
		    run->first_not_log, run->not_logs > 1 ? ", ..." : "");
		sl_clean_controls(msg);
		run->info(run->infoarg, NULL, msg);
		run->not_logs = 0;
	}
	return rc;
}

static void
report(struct sl_run *run, const char *where, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	sl_clean_controls(msg);
	if (run->err != NULL)
		run->err(run->errarg, where, msg);
}

static void
worse(struct sl_reader *rd, int status)
{
	if (status == SL_STOP || (status < rd->status && rd->status != SL_STOP))
		rd->status = status;
}

/* A malloc'd copy of s with invalid UTF-8 as U+FFFD (as in JSON). */
static char *
utf8_fix(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0, k;
	struct sl_buf b;
	uint32_t cp;
	char enc[4];

	n = strlen(s);
	sl_buf_init(&b);
	while (i < n) {
		k = sl_utf8_decode(p + i, n - i, &cp);
		if (k == 0) {		/* cut short at the end */
			k = n - i;
			cp = 0xfffd;
		}
		if (cp == 0xfffd && !(k == 3 && p[i] == 0xef))
			sl_buf_add(&b, enc, sl_utf8_encode(0xfffd, enc));
		else
			sl_buf_add(&b, p + i, k);
		i += k;
	}
	return b.buf;
}

/*
 * Strings of records are UTF-8 (sl.h), but readers copy some from the
 * input as they are: file and member names, header text.  Those are
 * mended here, once for every reader, the way the JSON form would write
 * them, so that a sink in the process sees what `sl-parse | tool` would.
 * Line text comes from the renderer or from JSON and is valid already.
 * An empty session field is an unknown one (records.md: never ""): a
 * header cut by a NUL leaves one.
 */
struct mended {
	struct sl_record r;
	struct sl_kv *extra;
	char **keep;		/* the mended strings */
	size_t nkeep;
};

/* s with valid UTF-8; a session field "" (value, empty) becomes NULL. */
static const char *
fix(struct mended *m, const char *s, int value)
{
	if (value && s != NULL && *s == '\0' && m->r.type == SL_SESSION)
		return NULL;
	if (sl_utf8_str_valid(s))
		return s;
	m->keep[m->nkeep] = utf8_fix(s);
	return m->keep[m->nkeep++];
}

/* r, or m->r: a copy of r with valid strings. */
static const struct sl_record *
mend(const struct sl_record *r, struct mended *m)
{
	size_t i;
	int bad = !sl_utf8_str_valid(r->session) || !sl_utf8_str_valid(r->src), all;

	all = r->type == SL_SESSION || r->type == SL_NOTE;
	if (all) {
		bad = bad || !sl_utf8_str_valid(r->code) ||
		    (r->type == SL_NOTE && !sl_utf8_str_valid(r->text));
		for (i = 0; !bad && i < SL_F_COUNT; i++)
			bad = !sl_utf8_str_valid(r->f[i]) || (r->f[i] != NULL &&
			    *r->f[i] == '\0');
		for (i = 0; !bad && i < r->nextra; i++)
			bad = !sl_utf8_str_valid(r->extra[i].key) ||
			    !sl_utf8_str_valid(r->extra[i].val) ||
			    (r->extra[i].val != NULL &&
			    *r->extra[i].val == '\0' && r->type == SL_SESSION);
	}
	if (!bad)
		return r;
	m->r = *r;
	m->keep = sl_xcalloc(4 + SL_F_COUNT + 2 * r->nextra,
	    sizeof(*m->keep));
	m->r.session = fix(m, r->session, 0);
	m->r.src = fix(m, r->src, 0);
	if (!all)
		return &m->r;
	m->r.code = fix(m, r->code, 0);
	if (r->type == SL_NOTE && !sl_utf8_str_valid(r->text)) {
		m->r.text = fix(m, r->text, 0);
		m->r.len = strlen(m->r.text);
	}
	for (i = 0; i < SL_F_COUNT; i++)
		m->r.f[i] = fix(m, r->f[i], 1);
	if (r->nextra > 0) {
		m->extra = sl_xcalloc(r->nextra, sizeof(*m->extra));
		for (i = 0; i < r->nextra; i++) {
			m->extra[i].key = fix(m, r->extra[i].key, 0);
			m->extra[i].val = fix(m, r->extra[i].val, 1);
		}
		m->r.extra = m->extra;
	}
	return &m->r;
}

/* The sink's status for r; its SL_STOP stops the run. */
static int
deliver(struct sl_reader *rd, const struct sl_record *r)
{
	struct sl_run *run = rd->run;

	run->st.records++;
	if (run->sink.put(run->sink.arg, r) != SL_OK) {
		run->stopped = 1;
		worse(rd, SL_STOP);
		return SL_STOP;
	}
	return SL_OK;
}

int
sl_emit(struct sl_reader *rd, const struct sl_record *r)
{
	struct mended m;
	size_t i;
	int rc;

	if (rd->run->stopped)
		return SL_STOP;
	m.extra = NULL;
	m.keep = NULL;
	m.nkeep = 0;
	rc = deliver(rd, mend(r, &m));
	if (m.keep != NULL) {	/* something was mended: rare */
		for (i = 0; i < m.nkeep; i++)
			free(m.keep[i]);
		free(m.keep);
		free(m.extra);
	}
	return rc;
}

int
sl_emit_checked(struct sl_reader *rd, const struct sl_record *r)
{
	if (r->type != SL_LINE)
		return sl_emit(rd, r);
	if (rd->run->stopped)
		return SL_STOP;
	return deliver(rd, r);
}

int
sl_emit_note(struct sl_reader *rd, const char *sid, const char *src,
    const char *code, long long count, const char *fmt, ...)
{
	struct sl_record r;
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sl_record_init(&r, SL_NOTE, sid, src != NULL ? src : rd->name);
	r.code = code;
	r.text = text;
	r.len = strlen(text);
	r.count = count;
	return sl_emit(rd, &r);
}

/* Report, note and mark the input failed: what every rejection does. */
static int
reject_note(struct sl_reader *rd, const char *sid, const char *where,
    const char *fmt, va_list ap)
{
	struct sl_record r;
	char text[1024];

	vsnprintf(text, sizeof(text), fmt, ap);
	sl_clean_controls(text);
	if (where == NULL)
		where = rd->name;
	if (rd->run->err != NULL)
		rd->run->err(rd->run->errarg, where, text);
	worse(rd, SL_REJECT);
	sl_record_init(&r, SL_NOTE, sid, where);
	r.code = SL_NOTE_REJECTED;
	r.text = text;
	r.len = strlen(text);
	return sl_emit(rd, &r) == SL_STOP ? SL_STOP : SL_REJECT;
}

int
sl_reject(struct sl_reader *rd, const char *sid, const char *where,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	rd->st->rejected++;
	va_start(ap, fmt);
	rc = reject_note(rd, sid, where, fmt, ap);
	va_end(ap);
	return rc;
}

int
sl_reject_value(struct sl_reader *rd, const char *sid, const char *where,
    const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = reject_note(rd, sid, where, fmt, ap);
	va_end(ap);
	return rc;
}

void
sl_warn(struct sl_reader *rd, const char *where, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(rd->run, where != NULL ? where : rd->name, fmt, ap);
	va_end(ap);
	worse(rd, SL_REJECT);
}

void
sl_info(struct sl_reader *rd, const char *where, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (rd->run->info == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sl_clean_controls(msg);
	rd->run->info(rd->run->infoarg, where != NULL ? where : rd->name, msg);
}

void
sl_count_other_apis(struct sl_reader *rd, long long n)
{
	rd->run->st.other_apis += n;
}

int
sl_reader_wants(const struct sl_reader *rd, unsigned what)
{
	return (rd->want & what) != 0;
}

/*
 * Is sid a Session Manager session id, "<principal>-<suffix>" with a
 * 17-hex or 26-alphanumeric suffix?  Only such a name makes an empty
 * file the log of a session.
 */
static int
session_id_like(const char *sid)
{
	const char *dash = sid != NULL ? strrchr(sid, '-') : NULL;
	size_t n, i;

	if (dash == NULL || dash == sid)
		return 0;
	n = strlen(dash + 1);
	if (n != 17 && n != 26)
		return 0;
	for (i = 1; i <= n; i++)
		if (!(n == 17 ? strchr("0123456789abcdef", dash[i]) != NULL :
		    (dash[i] >= '0' && dash[i] <= '9') ||
		    (dash[i] >= 'a' && dash[i] <= 'z')) || dash[i] == '\0')
			return 0;
	return 1;
}

/*
 * Text that no format claims and that shows nothing of a terminal, or an
 * empty file not named after a session: not a session log.  Its lines
 * are units, skipped, in one note of no session naming it; the run sums
 * them up in one line at its end.
 */
static int
not_a_log(struct sl_run *run, struct sl_reader *rd, const char *why)
{
	long long lines = sl_in_skip_lines(rd->in);

	sl_count_units(rd, lines);
	sl_count_skipped(rd, lines);
	if (run->not_logs++ == 0)
		run->first_not_log = sl_xstrdup(rd->name);
	sl_emit_note(rd, NULL, rd->name, SL_NOTE_SKIPPED, lines,
	    "not a session log: %s", why);
	return rd->status;
}

/*
 * Hand a leaf of the walk to the workers when there are some, else
 * first pass on what the workers owe: everything the run emits comes in
 * input order.
 */
static int
offer(struct sl_run *run, struct sl_in *in, int leaf)
{
	int rc = SL_DECLINED;

	if (leaf && run->workers != NULL)
		rc = sl_workers_offer(run->workers, in);
	if (rc == SL_DECLINED && sl_workers_drain(run->workers) == SL_STOP)
		rc = SL_STOP;
	if (rc == SL_STOP)
		run->stopped = 1;
	return rc;
}

/* Read one input with format f (NULL: detect); leaf: one of the walk. */
static int
read_input(struct sl_run *run, struct sl_in *in, const struct sl_format *f,
    int leaf)
{
	struct sl_reader rd;
	const unsigned char *p;
	size_t n;
	int rc;

	memset(&rd, 0, sizeof(rd));
	rd.run = run;
	rd.in = in;
	rd.name = sl_in_name(in);
	rd.opts = &run->opts;
	rd.st = &run->st;
	rd.status = SL_OK;
	rd.want = run->sink.want;

	if ((rc = offer(run, in, leaf)) != SL_DECLINED)
		return rc;
	n = sl_in_peek(in, &p, SL_PEEK);
	if (n > 0 && f == NULL && run->opts.format != NULL)
		f = sl_format_lookup(run->opts.format);
	if (n > 0 && f == NULL)
		f = sl_detect(p, n, rd.name);
	if (n == 0) {
		char *sid;

		if (sl_in_failed(in))
			return SL_REJECT;
		sid = run->opts.session != NULL ?
		    sl_xstrdup(run->opts.session) : sl_session_from_name(rd.name);
		if (run->opts.session == NULL && !session_id_like(sid)) {
			free(sid);
			return not_a_log(run, &rd, "empty");
		}
		sl_emit_note(&rd, sid, rd.name, SL_NOTE_EMPTY, -1,
		    "empty input");
		free(sid);
		return rd.status;
	}
	/* Only a reader of the same format may continue what is open. */
	if (f != run->carry.format && carry_finish(run) == SL_STOP)
		return SL_STOP;
	if (f == NULL && sl_looks_text(p, n))
		return not_a_log(run, &rd, "no terminal output, prompt or "
		    "client banner in it (-f raw reads it anyway)");
	if (f == NULL) {
		/* No session stream to carry a note: a message only. */
		sl_warn(&rd, NULL, "unrecognized log format");
		sl_count_units(&rd, 1);	/* the input, as one unit */
		rd.st->rejected++;
		return rd.status;
	}
	rc = f->read(&rd);
	worse(&rd, rc);
	if (sl_in_failed(in))
		worse(&rd, SL_REJECT);
	if (sl_in_refused(in)) {
		/* The refused rest, as one unit. */
		sl_count_units(&rd, 1);
		rd.st->rejected++;	/* reported by the input layer */
	}
	return rd.status;
}

static int
leaf(void *arg, struct sl_in *in)
{
	return read_input(arg, in, NULL, 1);
}

static void
walk_err(void *arg, const char *where, const char *msg)
{
	struct sl_run *run = arg;

	if (sl_workers_drain(run->workers) == SL_STOP)
		run->stopped = 1;
	if (run->err != NULL)
		run->err(run->errarg, where, msg);
}

/* A folder's file, by path, to the workers: they open it there. */
static int
take(void *arg, const char *path)
{
	struct sl_run *run = arg;
	int rc;

	if ((rc = sl_workers_take_signal(run->workers, path)) >= 0)
		return rc;
	rc = sl_workers_offer_path(run->workers, path);

	if (rc == SL_DECLINED && sl_workers_drain(run->workers) == SL_STOP)
		rc = SL_STOP;
	if (rc == SL_STOP)
		run->stopped = 1;
	return rc == SL_DECLINED ? SL_IN_NOT_TAKEN : rc;
}

int
sl_run_path(struct sl_run *run, const char *path)
{
	int rc;

	if (run->stopped)
		return SL_STOP;
	rc = sl_input_walk_take(path, leaf, run->workers != NULL ? take : NULL,
	    run, walk_err, run, &run->st);
	return run->stopped ? SL_STOP : rc;
}

int
sl_run_mem(struct sl_run *run, const char *name, const void *p, size_t n)
{
	struct sl_in *in = sl_in_mem(name, p, n);
	int rc;

	run->st.inputs++;
	run->st.bytes += (long long)n;
	rc = read_input(run, in, NULL, 0);
	sl_in_free(in);
	/* A whole input on its own: nothing of it waits for another. */
	if (carry_finish(run) == SL_REJECT && rc == SL_OK)
		rc = SL_REJECT;
	return run->stopped ? SL_STOP : rc;
}

int
sl_run_input(struct sl_run *run, struct sl_in *in, const struct sl_format *f)
{
	int rc = read_input(run, in, f, 0);

	return run->stopped ? SL_STOP : rc;
}

/* A leaf a worker gave back, read from memory as the walk would have. */
static int
read_mem_leaf(struct sl_run *run, const char *name, const void *p, size_t n)
{
	struct sl_in *in = sl_in_mem(name, p, n);
	int rc = read_input(run, in, NULL, 0);

	sl_in_free(in);
	return rc;
}

/* What the run holds open for the next input, finished. */
static int
settle(struct sl_run *run)
{
	if (carry_finish(run) == SL_STOP)
		run->stopped = 1;
	return run->stopped ? SL_STOP : SL_OK;
}

/* A folder's file a worker gave back: walked here, as it would have been. */
static int
read_path(struct sl_run *run, const char *path)
{
	return sl_input_walk(path, leaf, run, walk_err, run, &run->st);
}

/* One leaf read right here with format f (a worker's job). */
static int
read_leaf(struct sl_run *run, struct sl_in *in, const struct sl_format *f)
{
	return read_input(run, in, f, 0);
}

void
sl_run_set_jobs(struct sl_run *run, int jobs)
{
	struct sl_run_parts parts = {
		&run->sink, &run->err, &run->errarg, &run->info,
		&run->infoarg, &run->st, &run->opts, read_leaf, read_mem_leaf,
		settle, read_path, &run->json_write, &run->json_writev,
		&run->json_arg, &run->pack
	};

	sl_workers_free(run->workers);
	run->workers = jobs > 1 ? sl_workers_new(run, &parts, jobs) : NULL;
}

void
sl_run_set_json_out(struct sl_run *run, sl_writefn write,
    sl_writevfn writev, void *arg)
{
	run->json_write = write;
	run->json_writev = writev;
	run->json_arg = arg;
}

void
sl_run_set_packer(struct sl_run *run, const struct sl_packer *pk)
{
	run->pack = *pk;
}

int
sl_run_sync(struct sl_run *run)
{
	if (sl_workers_drain(run->workers) == SL_STOP)
		run->stopped = 1;
	return run->stopped ? SL_STOP : SL_OK;
}

