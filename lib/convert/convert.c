/*
 * convert.c: the driver of sl-convert.  Records come in through a sink;
 * a writer (formats/w_*.c) turns them into files.  Every record is
 * appended to one shared spool file, each session keeping the list of
 * its extents there, and once the input is read each session is written
 * whole, with its merged facts and counts, into one output, one file
 * per session (--split), or an archive with a MANIFEST.  Even writers
 * that could stream (csv, records) wait for the end: only then is it
 * known whether a session was logged twice (S3 and CloudWatch, a .log
 * and its .log.gz), and one transcript per session is shown.
 *
 * Memory holds only per-session facts, counts and the latest extents
 * (older ones go to the spool file in blocks: core/spool.c), never
 * lines.  One file, not one per session: opening files cost more than
 * the rest of the run.
 * The spool is unlinked from the start, so that a run killed while
 * writing (a closed pipe) leaves no temporary files behind; output
 * files appear under their final names
 * only when complete (lib/output/outfile.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/writer.h"
#include "report/report.h"

#define SPOOL_BUF	(1 << 18)	/* the shared spool's write buffer */

enum out_kind { OUT_STDOUT, OUT_FILE, OUT_DIR, OUT_ARCHIVE };

/* One transcript source of a session (sl_transcript_key). */
struct csrc {
	char *key;
	char *path;		/* the input part of its last src, for speed */
	long long lines, timed;
};

/* One session of the run. */
struct csess {
	const struct sl_session *info;
	struct csrc *src;	/* its sources of lines */
	size_t nsrc, last;
	struct sl_wsum sum;
	struct sl_spool *sp;	/* its extents in the shared spool */
	long long telling;	/* notes that say more than metadata does */
};

struct sl_convert {
	struct sl_convert_opts o;
	const struct sl_writer *w;
	enum out_kind kind;
	enum sl_archive_kind ar;
	int gzip;
	char now[25];
	struct sl_sessions *tab;
	struct csess **ss;		/* by sl_session.seq */
	size_t nss, capss;
	long long no_lines_left_out;	/* SL_W_LINES sessions skipped */
	struct sl_ofile of;		/* FILE and ARCHIVE outputs */

	struct sl_spool_file spool;	/* shared, unlinked; fp NULL: none yet */
	char *spool_vbuf;		/* spool.fp's stdio buffer, SPOOL_BUF */

	struct sl_report *rep;		/* with_report */
	struct sl_buf arrays;		/* of a record a worker packed */

	int failed;
	char err[1024];

	/* What a signal handler may remove: fixed buffers, set before use. */
	char sig_tmp[PATH_MAX];
	volatile sig_atomic_t sig_tmp_set;
	char sig_dir[PATH_MAX];		/* a folder we made for --split */
	volatile sig_atomic_t sig_dir_set;
};

/* ------------------------------------------------------------ writers */

const struct sl_writer *
sl_writer_at(size_t i)
{
	size_t k;

	for (k = 0; k < i && sl_writer_table[k] != NULL; k++)
		;
	return sl_writer_table[k];
}

const struct sl_writer *
sl_writer_lookup(const char *name)
{
	size_t i;

	for (i = 0; sl_writer_table[i] != NULL; i++)
		if (strcmp(sl_writer_table[i]->name, name) == 0)
			return sl_writer_table[i];
	return NULL;
}

const char *
sl_writer_name(const struct sl_writer *w)
{
	return w->name;
}

const char *
sl_writer_desc(const struct sl_writer *w)
{
	return w->desc;
}

/* ------------------------------------------------------------- errors */

static void
failf(struct sl_convert *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
failf(struct sl_convert *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;		/* the first error is the one to report */
	c->failed = 1;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/* Remember a temporary output name for the signal handler. */
static void
track_tmp(struct sl_convert *c, const char *path)
{
	c->sig_tmp_set = 0;
	if (path != NULL && strlen(path) < sizeof(c->sig_tmp)) {
		strcpy(c->sig_tmp, path);
		c->sig_tmp_set = 1;
	}
}

/* Close an sl_out; an error becomes the run's error.  SL_OK/SL_FATAL. */
static int
close_out(struct sl_convert *c, struct sl_out *o, const char *name)
{
	struct sl_error e;

	if (o == NULL)
		return SL_OK;
	if (sl_out_close(o, &e) != SL_OK) {
		if (strcmp(name, "standard output") == 0)
			failf(c, "write error on standard output: %s",
			    strerror(e.sys));
		else
			failf(c, "%s: write error: %s", name, strerror(e.sys));
		return SL_FATAL;
	}
	return SL_OK;
}

/* ------------------------------------------------------------ setup */

static int
ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The options that cannot go together, before anything is made. */
static int
check_opts(const struct sl_convert_opts *o, const struct sl_writer *w,
    const char *out, char *err, size_t errlen)
{
	if (w == NULL) {
		snprintf(err, errlen, "unknown target '%s'", o->target);
		return -1;
	}
	if (out == NULL && o->split) {
		snprintf(err, errlen, "--split needs -o FOLDER or -o an "
		    "archive (.tar.gz, .tgz, .tar, .zip)");
		return -1;
	}
	if (out != NULL && *out == '\0') {
		snprintf(err, errlen, "empty output name");
		return -1;
	}
	if (o->with_report && (strcmp(w->name, "html") != 0 || out == NULL ||
	    !(o->split || sl_archive_kind(out) != SL_AR_NONE || ends(out, "/") ||
	    is_dir(out)))) {
		snprintf(err, errlen, "--with-report needs -t html and --split "
		    "-o FOLDER or -o an archive");
		return -1;
	}
	return 0;
}

/* The folder of --split or -o DIR/: made when missing, and writable. */
static int
open_dir(struct sl_convert *c, const char *out, char *err, size_t errlen)
{
	if (!is_dir(out)) {
		if (sl_ofile_exists(out) && !ends(out, "/")) {
			snprintf(err, errlen, "%s: exists and is not a "
			    "folder", out);
			return -1;
		}
		if (mkdir(out, 0777) != 0) {
			snprintf(err, errlen, "%s: cannot create the "
			    "folder: %s", out, strerror(errno));
			return -1;
		}
		/* Ours: removed again if nothing comes of it. */
		if (strlen(out) < sizeof(c->sig_dir)) {
			strcpy(c->sig_dir, out);
			c->sig_dir_set = 1;
		}
	}
	if (access(out, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s: cannot create files there: "
		    "%s", out, strerror(errno));
		return -1;
	}
	return 0;
}

static enum out_kind
kind_of_output(struct sl_convert *c, const char *out)
{
	if (out == NULL)
		return OUT_STDOUT;
	if ((c->ar = sl_archive_kind(out)) != SL_AR_NONE)
		return OUT_ARCHIVE;
	if (c->o.split || ends(out, "/") || is_dir(out))
		return OUT_DIR;
	return OUT_FILE;
}

static struct sl_convert *
convert_new(const struct sl_convert_opts *o, char *err, size_t errlen)
{
	struct sl_convert *c;
	const struct sl_writer *w = sl_writer_lookup(o->target);
	const char *out = o->output;

	if (out != NULL && strcmp(out, "-") == 0)
		out = NULL;
	if (check_opts(o, w, out, err, errlen) < 0)
		return NULL;
	c = sl_xcalloc(1, sizeof(*c));
	c->o = *o;
	if (o->with_report) {
		struct sl_report_opts ro;

		/* The report an auditor files: commands too, and each session
		 * linked to its page in the same folder. */
		memset(&ro, 0, sizeof(ro));
		ro.commands = 1;
		ro.pages = "";
		c->rep = sl_report_new(&ro);
		c->o.report_href = SL_CONVERT_REPORT;
	}
	c->w = w;
	c->of.fd = -1;
	c->spool.fd = -1;
	sl_buf_init(&c->spool.scratch);
	sl_time_format(o->now_ms, c->now);
	c->tab = sl_sessions_new();
	c->kind = kind_of_output(c, out);
	c->gzip = c->kind == OUT_FILE && ends(out, ".gz");
	if (c->kind == OUT_FILE || c->kind == OUT_ARCHIVE) {
		if (sl_ofile_open(&c->of, out, o->force, err, errlen) != SL_OK)
			goto fail;
		track_tmp(c, c->of.tmp);
	} else if (c->kind == OUT_DIR && open_dir(c, out, err, errlen) < 0)
		goto fail;
	return c;
fail:
	sl_convert_free(c);
	return NULL;
}

struct sl_convert *
sl_convert_new(const struct sl_convert_opts *o, struct sl_error *err)
{
	struct sl_convert *c = convert_new(o, sl_error_clear(err),
	    sizeof(err->msg));

	sl_error_status(err, c != NULL ? SL_OK : SL_FATAL);
	return c;
}

/* ------------------------------------------------------- sessions */

static struct csess *
csess_of(struct sl_convert *c, const struct sl_session *e)
{
	size_t seq = (size_t)e->seq;

	while (seq >= c->capss) {
		size_t cap = c->capss ? c->capss * 2 : 64;

		c->ss = sl_xrealloc(c->ss, cap * sizeof(*c->ss));
		memset(c->ss + c->capss, 0, (cap - c->capss) * sizeof(*c->ss));
		c->capss = cap;
	}
	if (c->ss[seq] == NULL) {
		c->ss[seq] = sl_xcalloc(1, sizeof(struct csess));
		c->ss[seq]->info = e;
	}
	if (seq >= c->nss)
		c->nss = seq + 1;
	return c->ss[seq];
}

/* The source of a line's src in s: the last one, else found or added. */
static struct csrc *
source_of(struct csess *s, const char *src)
{
	size_t n = sl_src_input_len(src), i;
	struct csrc *e;
	char *key;

	if (s->nsrc > 0 && strncmp(s->src[s->last].path, src, n) == 0 &&
	    s->src[s->last].path[n] == '\0')
		return &s->src[s->last];
	key = sl_transcript_key(src);
	for (i = 0; i < s->nsrc && strcmp(s->src[i].key, key) != 0; i++)
		;
	if (i == s->nsrc) {
		s->src = sl_xrealloc(s->src, (s->nsrc + 1) * sizeof(*s->src));
		memset(&s->src[i], 0, sizeof(*s->src));
		s->src[i].key = key;
		s->nsrc++;
	} else
		free(key);
	e = &s->src[i];
	free(e->path);
	e->path = sl_xstrndup(src, n);
	s->last = i;
	return e;
}

/*
 * Notes that metadata alone makes (no transcript for an SSH session,
 * events of other APIs skipped): a session with only these is
 * "metadata only".  A rejected or truncated input is never that.
 */
static int
metadata_note(const struct sl_record *r)
{
	return r->code != NULL && (strcmp(r->code, SL_NOTE_NO_TRANSCRIPT) == 0 ||
	    strcmp(r->code, SL_NOTE_SKIPPED) == 0);
}

/* wd: the display width of a line's text, when a worker measured it
 * (else -1: measured here, when the writer needs it). */
static void
count(struct sl_convert *c, struct csess *s, const struct sl_record *r,
    long long wd)
{
	struct sl_wsum *m = &s->sum;

	m->records++;
	switch (r->type) {
	case SL_LINE:
		m->lines++;
		if (r->src != NULL) {
			struct csrc *e = source_of(s, r->src);

			e->lines++;
			e->timed += r->time != NULL;
		}
		if (sl_record_is_command(r))
			m->commands++;
		if (c->w->flags & SL_W_WHOLE) {
			if (wd < 0)
				wd = (long long)sl_w_width(r->text, r->len);
			if (wd > m->width)
				m->width = wd;
		}
		if (r->time != NULL && strlen(r->time) < sizeof(m->first_time)) {
			if (m->first_time[0] == '\0' ||
			    strcmp(r->time, m->first_time) < 0)
				strcpy(m->first_time, r->time);
			if (strcmp(r->time, m->last_time) > 0)
				strcpy(m->last_time, r->time);
		}
		break;
	case SL_NOTE:
		m->notes++;
		if (!metadata_note(r))
			s->telling++;
		if (r->code != NULL && strcmp(r->code, SL_NOTE_TRUNCATED) == 0)
			m->truncated = 1;
		break;
	case SL_RAW:
		m->raw++;
		break;
	case SL_SESSION:
		break;
	}
}

/* --------------------------------------------------------- spooling */

/* An unlinked temporary file in $TMPDIR (or --tmpdir). */
static int
scratch_fd(struct sl_convert *c)
{
	int fd = sl_tmpfile(c->o.tmpdir, "sl-convert");

	if (fd < 0)
		failf(c, "cannot create a temporary file in %s: %s",
		    sl_tmpdir(c->o.tmpdir), strerror(errno));
	return fd;
}

static int
spool_open(struct sl_convert *c)
{
	int fd = scratch_fd(c);

	if (fd < 0)
		return -1;
	if ((c->spool.fp = fdopen(fd, "w+b")) == NULL) {
		failf(c, "spool file: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* glibc ignores the size unless given the buffer (4 KiB writes) */
	c->spool_vbuf = sl_xmalloc(SPOOL_BUF);
	setvbuf(c->spool.fp, c->spool_vbuf, _IOFBF, SPOOL_BUF);
	c->spool.fd = fd;
	return 0;
}

/* Append r to the shared spool as the next bytes of s's spool: the
 * bytes a worker encoded it in (enc, n), else encoded here. */
static int
spool_append(struct sl_convert *c, struct csess *s, const struct sl_record *r,
    const void *enc, size_t n)
{
	int rc;

	if (c->spool.fp == NULL && spool_open(c) != 0)
		return -1;
	if (s->sp == NULL)
		s->sp = sl_spool_new(c->spool.fd, 0, 0);
	rc = enc != NULL ? sl_spool_append_encoded(&c->spool, s->sp, enc, n) :
	    sl_spool_append(&c->spool, s->sp, r);
	if (rc != 0) {
		failf(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Written bytes are read back with pread: out of stdio's buffer first. */
static int
spool_flush(struct sl_convert *c)
{
	if (c->spool.fp != NULL && fflush(c->spool.fp) != 0) {
		failf(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Record r of the run (encoded as enc, n when a worker did it; wd as
 * for count): its session's facts, its report, its spool. */
static int
take(struct sl_convert *c, const struct sl_record *r, const void *enc,
    size_t n, long long wd)
{
	const struct sl_session *e;
	struct csess *s;

	if (c->failed)
		return SL_STOP;
	if (c->rep != NULL)
		sl_report_put(c->rep, r);
	if (r->type == SL_SESSION)
		e = sl_sessions_merge(c->tab, r);
	else
		e = sl_sessions_get(c->tab, r->session, 1);
	s = csess_of(c, e);
	if (spool_append(c, s, r, enc, n) != 0)
		return SL_STOP;
	count(c, s, r, wd);
	return SL_OK;
}

static int
convert_put(void *arg, const struct sl_record *r)
{
	return take(arg, r, NULL, 0, -1);
}

/*
 * -j N (sl_run_set_packer): a worker encodes each record as the spool
 * holds it and measures a line's width, so that the parent decodes it
 * for its facts and appends the bytes as they are.  Each entry: i64
 * width (-1: not measured), the record (sl_record_encode).
 */
static int
convert_pack(void *arg, struct sl_buf *b, const struct sl_record *r)
{
	const struct sl_convert *c = arg;
	int64_t wd = -1;

	if (r->type == SL_LINE && (c->w->flags & SL_W_WHOLE))
		wd = (int64_t)sl_w_width(r->text, r->len);
	sl_buf_add(b, &wd, sizeof(wd));
	sl_record_encode(b, r);
	return SL_OK;
}

/* Nothing is held back: every record is an entry of its own. */
static void
convert_pack_end(void *arg, struct sl_buf *b)
{
	(void)arg;
	(void)b;
}

static int
convert_apply(void *arg, const void *bytes, size_t n)
{
	struct sl_convert *c = arg;
	const char *p = bytes;
	struct sl_record r;
	int64_t wd;
	size_t used;

	while (n > 0) {
		if (n < sizeof(wd))
			return SL_STOP;	/* cannot be: the same program */
		memcpy(&wd, p, sizeof(wd));
		p += sizeof(wd);
		n -= sizeof(wd);
		if ((used = sl_record_decode(p, n, &r, &c->arrays)) == 0)
			return SL_STOP;
		if (take(c, &r, p, used, wd) != SL_OK)
			return SL_STOP;
		p += used;
		n -= used;
	}
	return SL_OK;
}

void
sl_convert_packer(struct sl_convert *c, struct sl_packer *pk)
{
	pk->pack = convert_pack;
	pk->end = convert_pack_end;
	pk->apply = convert_apply;
	pk->arg = c;
}

long long
sl_convert_left_out(const struct sl_convert *c)
{
	return c->no_lines_left_out;
}

void
sl_convert_sink(struct sl_convert *c, struct sl_sink *sink)
{
	sink->put = convert_put;
	sink->arg = c;
	sink->want = c->w->want;
}

static void
free_sources(struct csess *s)
{
	size_t i;

	for (i = 0; i < s->nsrc; i++) {
		free(s->src[i].key);
		free(s->src[i].path);
	}
	free(s->src);
}

/* The transcript to show: sl-report's (report_better_transcript). */
static size_t
best_source(const struct csess *s)
{
	size_t i, w = 0;

	for (i = 1; i < s->nsrc; i++) {
		const struct csrc *a = &s->src[i], *b = &s->src[w];

		if (report_better_transcript(a->lines, a->timed, a->key,
		    b->lines, b->timed, b->key))
			w = i;
	}
	return w;
}

/* Does r belong to a source of s other than the kept one? */
static int
other_source(const struct csess *s, size_t keep, const struct sl_record *r)
{
	char *key;
	int other;

	if (r->type == SL_SESSION || r->src == NULL)
		return 0;
	key = sl_transcript_key(r->src);
	other = strcmp(key, s->src[keep].key) != 0;
	free(key);
	return other;
}

/* A "duplicate" note for a source not shown. */
static int
write_duplicate(struct sl_convert *c, struct csess *s, struct csess *to,
    const struct csrc *e)
{
	struct sl_record r;
	char text[1024];

	snprintf(text, sizeof(text), "another transcript of this session was "
	    "not used: %s (%lld lines)", e->key, e->lines);
	sl_record_init(&r, SL_NOTE, s->info->id, e->key);
	r.code = SL_NOTE_DUPLICATE;
	r.text = text;
	r.len = strlen(text);
	r.count = -1;
	count(c, s, &r, -1);
	return spool_append(c, to, &r, NULL, 0);
}

/*
 * One transcript per session: a session logged twice (S3 and CloudWatch,
 * a .log and its .log.gz) keeps the lines, raw bytes and notes of its
 * best source only, and a "duplicate" note for each other; its counts
 * are made again from what is kept.  What is kept is appended to the
 * spool again and becomes the session's spool.
 */
static int
keep_one_transcript(struct sl_convert *c, struct csess *s)
{
	const struct sl_record *r;
	struct sl_spool_cur *cur;
	struct csess kept;
	size_t keep = best_source(s), i;
	int got, bad = 0;

	if (spool_flush(c) != 0)
		return -1;
	memset(&kept, 0, sizeof(kept));
	memset(&s->sum, 0, sizeof(s->sum));
	cur = sl_spool_cursor(s->sp);
	while (!bad && (got = sl_spool_next(cur, &r)) > 0) {
		if (other_source(s, keep, r))
			continue;
		count(c, s, r, -1);
		bad = spool_append(c, &kept, r, NULL, 0) != 0;
	}
	sl_spool_cursor_free(cur);
	if (!bad && got < 0) {
		failf(c, "spool file: read error");
		bad = 1;
	}
	for (i = 0; i < s->nsrc && !bad; i++)
		if (i != keep && s->src[i].lines > 0)
			bad = write_duplicate(c, s, &kept, &s->src[i]) != 0;
	sl_spool_free(s->sp);
	s->sp = kept.sp;
	return bad ? -1 : 0;
}

/* Sessions with lines from more than one source keep one. */
static int
one_transcript_each(struct sl_convert *c)
{
	size_t i, k, with_lines;

	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL || s->sp == NULL || s->nsrc < 2)
			continue;
		for (k = 0, with_lines = 0; k < s->nsrc; k++)
			with_lines += s->src[k].lines > 0;
		if (with_lines > 1 && keep_one_transcript(c, s) != 0)
			return -1;
	}
	return 0;
}

struct sl_report *
sl_convert_report(struct sl_convert *c)
{
	return c->rep;
}

/* The spool, complete and on disk, ready to be read back. */
static int
gather(struct sl_convert *c)
{
	if (spool_flush(c) != 0 || one_transcript_each(c) != 0)
		return -1;
	return spool_flush(c);
}

/* --------------------------------------------------------- writing */

/* Write sessions ss[0..n) into one output o. */
static int
write_file(struct sl_convert *c, struct sl_out *o, struct sl_wsess *ss,
    size_t n)
{
	struct sl_wfile f;
	const struct sl_writer *w = c->w;
	int rc = SL_OK, got = 0;
	size_t i;

	memset(&f, 0, sizeof(f));
	f.out = o;
	f.opt = &c->o;
	f.state = sl_xcalloc(1, w->size + 1);
	memcpy(f.now, c->now, sizeof(c->now));
	f.sessions = ss;
	f.nsessions = n;
	if (w->open != NULL)
		rc = w->open(&f);
	for (i = 0; i < n && rc == SL_OK; i++) {
		ss[i].index = (long long)i + 1;
		if (w->whole != NULL) {
			rc = w->whole(&f, &ss[i]);
			continue;
		}
		if (w->begin != NULL)
			rc = w->begin(&f, &ss[i]);
		if (rc == SL_OK) {
			struct sl_spool_cur *cur = sl_spool_cursor(ss[i].spool);
			const struct sl_record *r;

			while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0)
				rc = w->put(&f, &ss[i], r);
			if (got < 0 && rc == SL_OK) {
				failf(c, "spool file: read error");
				rc = SL_FATAL;
			}
			sl_spool_cursor_free(cur);
		}
		if (rc == SL_OK && w->end != NULL)
			rc = w->end(&f, &ss[i]);
	}
	/* Always: close() frees what the writer holds. */
	if (w->close != NULL && w->close(&f) != SL_OK)
		rc = SL_FATAL;
	free(f.state);
	return rc;
}

/* Per-session names, unique within the run. */
static char **
make_names(struct sl_convert *c, struct sl_wsess *ss, size_t n)
{
	struct sl_sessions *used = sl_sessions_new();
	char **names = sl_xcalloc(n + 1, sizeof(*names));
	size_t i;

	if (c->rep != NULL)
		sl_sessions_get(used, SL_CONVERT_REPORT, 1);	/* taken */
	for (i = 0; i < n; i++) {
		char *name = sl_w_safe_name(ss[i].id, c->w->ext);
		int k = 2;

		while (sl_sessions_get(used, name, 0) != NULL) {
			char *base = sl_w_safe_name(ss[i].id, "");
			struct sl_buf b;

			sl_buf_init(&b);
			sl_buf_printf(&b, "%s-%d%s", base, k++, c->w->ext);
			free(base);
			free(name);
			name = b.buf;
		}
		sl_sessions_get(used, name, 1);
		names[i] = name;
	}
	sl_sessions_free(used);
	return names;
}

static void
free_names(char **names)
{
	size_t i;

	for (i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
}

/* A session whose every record is a note or a session record. */
static int
has_content(const struct csess *s)
{
	return s->sum.lines > 0 || s->sum.raw > 0;
}

/* A session with something to show besides what metadata says. */
static int
has_story(const struct csess *s)
{
	return has_content(s) || s->telling > 0;
}

/*
 * The files of a folder or an archive: a page per session, then the
 * report when asked for.  Member i is names[i] (ss[i]), else the report.
 */
static size_t
nmembers(const struct sl_convert *c, size_t n)
{
	return n + (c->rep != NULL);
}

static const char *
member_name(char **names, size_t n, size_t i)
{
	return i < n ? names[i] : SL_CONVERT_REPORT;
}

static int
write_member(struct sl_convert *c, struct sl_out *o, struct sl_wsess *ss,
    size_t n, size_t i)
{
	if (i < n)
		return write_file(c, o, &ss[i], 1);
	return sl_report_write(c->rep, SL_REPORT_HTML, o);
}

static int
write_dir(struct sl_convert *c, struct sl_wsess *ss, size_t n)
{
	char **names = make_names(c, ss, n), *path;
	struct sl_ofile of;
	struct sl_out *o;
	size_t i;
	int rc = SL_OK, fd;

	path = sl_xmalloc(strlen(c->o.output) + SL_W_NAME_MAX + 64);
	/* Refuse before writing anything: all or nothing, as far as we can. */
	for (i = 0; i < nmembers(c, n) && !c->o.force; i++) {
		sprintf(path, "%s/%s", c->o.output, member_name(names, n, i));
		if (sl_ofile_exists(path)) {
			failf(c, "%s: exists (use --force to replace it)", path);
			rc = SL_FATAL;
			break;
		}
	}
	for (i = 0; i < nmembers(c, n) && rc == SL_OK; i++) {
		sprintf(path, "%s/%s", c->o.output, member_name(names, n, i));
		/* A name from input: no link in the folder is followed. */
		if (sl_ofile_open_in(&of, c->o.output, member_name(names, n, i),
		    c->o.force, c->err, sizeof(c->err)) != SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
			break;
		}
		track_tmp(c, of.tmp);
		fd = dup(of.fd);
		o = fd >= 0 ? sl_out_fd(fd, path, 0) : NULL;
		if (o == NULL) {
			failf(c, "%s: %s", path, strerror(errno));
			sl_ofile_abort(&of);
			rc = SL_FATAL;
			break;
		}
		rc = write_member(c, o, ss, n, i);
		if (close_out(c, o, path) != SL_OK)
			rc = SL_FATAL;
		if (rc != SL_OK) {
			failf(c, "%s: write error", path);
			sl_ofile_abort(&of);
		} else if (sl_ofile_commit(&of, c->err, sizeof(c->err)) !=
		    SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
		}
		c->sig_tmp_set = 0;
	}
	free(path);
	free_names(names);
	return rc;
}

static int
write_archive(struct sl_convert *c, struct sl_wsess *ss, size_t n)
{
	char **names = make_names(c, ss, n), hex[65];
	struct sl_archive_out *a;
	struct sl_buf manifest;
	struct sl_out *o;
	struct stat st;
	size_t i;
	int rc = SL_OK, fd, ofd;

	a = sl_archive_open(c->of.fd, c->ar, c->o.now_ms / 1000, c->of.final,
	    c->err, sizeof(c->err));
	if (a == NULL) {
		c->failed = 1;
		free_names(names);
		return SL_FATAL;
	}
	sl_buf_init(&manifest);
	sl_buf_adds(&manifest, "# sl-convert MANIFEST: SHA-256, size in "
	    "bytes, file name\n");
	for (i = 0; i < nmembers(c, n) && rc == SL_OK; i++) {
		const char *name = member_name(names, n, i);

		if ((fd = scratch_fd(c)) < 0) {
			rc = SL_FATAL;
			break;
		}
		ofd = dup(fd);
		o = ofd >= 0 ? sl_out_fd(ofd, name, 0) : NULL;
		if (o == NULL) {
			failf(c, "%s: %s", name, strerror(errno));
			close(fd);
			rc = SL_FATAL;
			break;
		}
		rc = write_member(c, o, ss, n, i);
		if (close_out(c, o, name) != SL_OK)
			rc = SL_FATAL;
		if (rc == SL_OK && fstat(fd, &st) != 0) {
			failf(c, "%s: %s", name, strerror(errno));
			rc = SL_FATAL;
		}
		if (rc == SL_OK && sl_archive_add_fd(a, name, fd,
		    (long long)st.st_size, hex, c->err, sizeof(c->err)) !=
		    SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
		}
		if (rc == SL_OK)
			sl_buf_printf(&manifest, "%s  %lld  %s\n", hex,
			    (long long)st.st_size, name);
		else
			failf(c, "%s: write error", name);
		close(fd);
	}
	if (rc == SL_OK && sl_archive_add_mem(a, "MANIFEST", manifest.buf,
	    manifest.len, c->err, sizeof(c->err)) != SL_OK) {
		c->failed = 1;
		rc = SL_FATAL;
	}
	if (rc == SL_OK) {
		if (sl_archive_close(a, c->err, sizeof(c->err)) != SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
		}
	} else
		sl_archive_abort(a);
	sl_buf_free(&manifest);
	free_names(names);
	return rc;
}

static int
write_spooled(struct sl_convert *c)
{
	struct sl_wsess *ss;
	size_t i, n = 0;
	int rc = SL_OK, fd;
	struct sl_out *o;
	const char *name;

	if (gather(c) != 0)
		return SL_FATAL;
	ss = sl_xcalloc(c->nss + 1, sizeof(*ss));
	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL)
			continue;
		/* A typescript or recording of no lines is no file. */
		if ((c->w->flags & SL_W_ONE) && !has_content(s))
			continue;
		/* A transcript of metadata alone is noise in a folder of
		 * trails and histories; counted, and kept when asked. */
		if ((c->w->flags & SL_W_LINES) && !c->o.all_sessions &&
		    !has_story(s)) {
			/* Notes of no session (skipped files) are no session. */
			if (s->info->id != NULL)
				c->no_lines_left_out++;
			continue;
		}
		ss[n].id = s->info->id;
		ss[n].info = s->info;
		ss[n].sum = &s->sum;
		if (s->sp == NULL)	/* no record: an empty spool */
			s->sp = sl_spool_new(c->spool.fd, 0, 0);
		ss[n].spool = s->sp;
		n++;
	}
	if ((c->w->flags & SL_W_ONE) && n > 1 &&
	    (c->kind == OUT_STDOUT || c->kind == OUT_FILE)) {
		failf(c, "%zu sessions in the input, and -t %s writes one: "
		    "use --split -o FOLDER, or -o an archive", n, c->w->name);
		rc = SL_FATAL;
	} else if (c->kind == OUT_DIR)
		rc = write_dir(c, ss, n);
	else if (c->kind == OUT_ARCHIVE)
		rc = write_archive(c, ss, n);
	else {
		if (c->kind == OUT_STDOUT) {
			o = sl_out_fd(1, "standard output", 0);
			name = "standard output";
		} else {
			fd = dup(c->of.fd);
			o = fd >= 0 ? sl_out_fd(fd, c->of.final, c->gzip ?
			    SL_OUT_GZIP : 0) : NULL;
			name = c->of.final;
		}
		if (o == NULL) {
			failf(c, "%s: %s", name, strerror(errno));
			rc = SL_FATAL;
		} else {
			rc = write_file(c, o, ss, n);
			if (close_out(c, o, name) != SL_OK)
				rc = SL_FATAL;
		}
	}
	free(ss);
	if (rc != SL_OK)
		failf(c, "write error");
	return rc;
}

static int
convert_finish(struct sl_convert *c, char *err, size_t errlen)
{
	int rc = SL_OK;

	if (c->failed)
		rc = SL_FATAL;
	else
		rc = write_spooled(c);
	if (rc == SL_OK && (c->kind == OUT_FILE || c->kind == OUT_ARCHIVE)) {
		if (sl_ofile_commit(&c->of, c->err, sizeof(c->err)) != SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
		}
		c->sig_tmp_set = 0;
	}
	if (rc != SL_OK) {
		sl_ofile_abort(&c->of);
		c->sig_tmp_set = 0;
		snprintf(err, errlen, "%s", c->err);
	} else
		c->sig_dir_set = 0;	/* the folder is the result */
	return rc;
}

int
sl_convert_finish(struct sl_convert *c, struct sl_error *err)
{
	return sl_error_status(err, convert_finish(c, sl_error_clear(err),
	    sizeof(err->msg)));
}

/* Only unlink and rmdir: safe in a signal handler.  The spool is
 * unlinked from the start. */
void
sl_convert_cleanup(struct sl_convert *c)
{
	if (c == NULL)
		return;
	if (c->sig_tmp_set)
		unlink(c->sig_tmp);
	if (c->sig_dir_set)
		rmdir(c->sig_dir);	/* only when empty */
}

void
sl_convert_free(struct sl_convert *c)
{
	size_t i;

	if (c == NULL)
		return;
	sl_convert_cleanup(c);
	sl_ofile_abort(&c->of);
	if (c->spool.fp != NULL)
		fclose(c->spool.fp);
	free(c->spool_vbuf);
	for (i = 0; i < c->nss; i++) {
		if (c->ss[i] != NULL) {
			free_sources(c->ss[i]);
			sl_spool_free(c->ss[i]->sp);
		}
		free(c->ss[i]);
	}
	free(c->ss);
	sl_buf_free(&c->spool.scratch);
	sl_buf_free(&c->arrays);
	sl_sessions_free(c->tab);
	sl_report_free(c->rep);
	free(c);
}
