/*
 * convert.c: the driver of sl-convert.  Records come in through a sink;
 * a writer (formats/w_*.c) turns them into files.  Every record is
 * appended to one shared spool file, each session keeping the list of
 * its extents there -- or, for a writer flagged SL_W_BODY (text), what
 * its put() makes of the record (convert/body.c: nothing to decode at
 * the end) -- and once the input is read each session is written
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
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/body.h"
#include "convert/writer.h"
#include "report/report.h"

#define SPOOL_BUF	(1 << 18)	/* the shared spool's write buffer */

enum out_kind { OUT_STDOUT, OUT_FILE, OUT_DIR, OUT_ARCHIVE };

/* One transcript source of a session (sl_transcript_key). */
struct csrc {
	char *key;
	char *path;		/* the input part of its last src, for speed */
	long long lines, timed;
	struct sl_wsum sum;	/* body mode, as a tag: of its records */
};

/* One session of the run. */
struct csess {
	const struct sl_session *info;
	struct csrc *src;	/* its sources of lines */
	size_t nsrc, last;
	/* Body mode: the sources of its records of any type, in their own
	 * order (src's, of lines alone, orders the duplicate notes); a
	 * record's bytes are tagged with the index of its source here. */
	struct csrc *tag;
	size_t ntag, lasttag;
	struct sl_wsum sum;	/* body mode: made at the end (body_sums) */
	struct sl_wsum sum_all;	/* body mode: of its records of no source */
	/* Its spool holds chunks (body mode), not records: set by its
	 * first record unless a -j worker's piece came first. */
	int body;
	struct sl_spool *sp;	/* its extents in the shared spool */
	long long telling;	/* notes that say more than metadata does */
	/* -j N: what workers made of it (SL_W_PIECE).  The last piece is
	 * its output when it is its only one and no record came alone. */
	long long pieces, loose;
	long long piece_off, piece_len;	/* in the pieces' file */
	/* The records of its piece while they are all it has: in the
	 * blocks' file, not yet in sp (block_len 0: none; take_block). */
	long long block_off, block_len;
};

struct sl_convert {
	struct sl_convert_opts o;
	const struct sl_writer *w;
	enum out_kind kind;
	enum sl_archive_kind ar;
	int gzip;
	char now[25];
	struct sl_sessions *tab;
	const struct sl_session *last;	/* of the record taken last */
	struct csess **ss;		/* by sl_session.seq */
	size_t nss, capss;
	long long no_lines_left_out;	/* SL_W_LINES sessions skipped */
	struct sl_ofile of;		/* FILE and ARCHIVE outputs */

	struct sl_spool_file spool;	/* shared, unlinked; fp NULL: none yet */
	char *spool_vbuf;		/* spool.fp's stdio buffer, SPOOL_BUF */

	/* Body mode (an SL_W_BODY writer): the spools keep what put()
	 * makes of the records as they come, in chunks (convert/body.c),
	 * not the records; bf is the file it renders them in (bf.state
	 * NULL: not set up yet).  A session a -j worker's piece came for
	 * first keeps its records, as without body mode (csess.body). */
	int body;
	struct sl_body bd;
	struct sl_wfile bf;

	struct sl_report *rep;		/* with_report */
	struct sl_buf arrays;		/* of a record a worker packed */

	/* In a -j worker: the records of the frame being packed, held
	 * while they are of one session (held_sid), to be sent as a piece
	 * (make_piece); held_plain: this frame's records go one by one. */
	struct sl_buf held;
	char *held_sid;
	int held_plain;
	struct sl_sessions *held_tab;	/* their session's facts, */
	struct csess held_cs;		/* counts */
	struct sl_buf held_sess;	/* and session records */
	/* Body mode: what put() made of the held records, in chunks
	 * tagged as held_cs's (a body piece: end_body_piece). */
	struct sl_body_mem held_body;
	struct sl_buf piece;		/* scratch of make_piece */
	/* Where workers put pieces' records and bytes: made before they
	 * start; NULL: no pieces. */
	struct piece_files *pf;

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
	c->body = (w->flags & SL_W_BODY) != 0;
	sl_body_init(&c->bd);
	sl_body_mem_init(&c->held_body);
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

/* The source of src, whose input part is its first len bytes, in the
 * n sources at *v: the last one, else found or added. */
static struct csrc *
source_at(struct csrc **v, size_t *n, size_t *last, const char *src,
    size_t len)
{
	size_t i;
	struct csrc *e;
	char *key;

	if (*n > 0 && strncmp((*v)[*last].path, src, len) == 0 &&
	    (*v)[*last].path[len] == '\0')
		return &(*v)[*last];
	key = sl_transcript_key(src);
	for (i = 0; i < *n && strcmp((*v)[i].key, key) != 0; i++)
		;
	if (i == *n) {
		*v = sl_xrealloc(*v, (*n + 1) * sizeof(**v));
		memset(&(*v)[i], 0, sizeof(**v));
		(*v)[i].key = key;
		(*n)++;
	} else
		free(key);
	e = &(*v)[i];
	free(e->path);
	e->path = sl_xstrndup(src, len);
	*last = i;
	return e;
}

static struct csrc *
source_in(struct csrc **v, size_t *n, size_t *last, const char *src)
{
	return source_at(v, n, last, src, sl_src_input_len(src));
}

/* The source of a line's src in s. */
static struct csrc *
source_of(struct csess *s, const char *src)
{
	return source_in(&s->src, &s->nsrc, &s->last, src);
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

/* r counted into m, and into e, the source of a line's src (NULL:
 * none).  wd: the display width of a line's text, when a worker
 * measured it (else -1: measured here, when the writer needs it). */
static void
count_in(struct sl_convert *c, struct csess *s, struct sl_wsum *m,
    struct csrc *e, const struct sl_record *r, long long wd)
{
	m->records++;
	switch (r->type) {
	case SL_LINE:
		m->lines++;
		if (e != NULL) {
			e->lines++;
			e->timed += r->time != NULL;
		}
		if (sl_record_is_command(r))
			m->commands++;
		if (c->w->flags & SL_W_WIDTH) {
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

static void
count(struct sl_convert *c, struct csess *s, const struct sl_record *r,
    long long wd)
{
	struct csrc *e = NULL;

	if (r->type == SL_LINE && r->src != NULL)
		e = source_of(s, r->src);
	count_in(c, s, &s->sum, e, r, wd);
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

/* The shared spool open, and s's spool in it.  0, or -1. */
static int
spool_ready(struct sl_convert *c, struct csess *s)
{
	if (c->spool.fp == NULL && spool_open(c) != 0)
		return -1;
	if (s->sp == NULL)
		s->sp = sl_spool_new(c->spool.fd, 0, 0);
	return 0;
}

/* Append r to the shared spool as the next bytes of s's spool: the
 * bytes a worker encoded it in (enc, n), else encoded here. */
static int
spool_append(struct sl_convert *c, struct csess *s, const struct sl_record *r,
    const void *enc, size_t n)
{
	int rc;

	if (spool_ready(c, s) != 0)
		return -1;
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

static int take_block(struct sl_convert *c, struct csess *s);

/* ------------------------------------------------------- body mode */

/* The file body mode renders records in, set up once: put()'s bytes
 * depend on the record alone (SL_W_BODY), not on what it saw before.
 * What open() writes is the output file's, not a session's: dropped. */
static void
body_file(struct sl_convert *c)
{
	struct sl_wfile *f = &c->bf;
	struct sl_buf junk;

	if (f->state != NULL)
		return;
	f->opt = &c->o;
	f->state = sl_xcalloc(1, c->w->size + 1);
	memcpy(f->now, c->now, sizeof(c->now));
	sl_buf_init(&junk);
	f->mem = &junk;
	if (c->w->open != NULL)
		(void)c->w->open(f);
	f->mem = NULL;
	sl_buf_free(&junk);
}

/* What put() makes of r (a record of s) appended to to.  0, or -1.
 * Inlined, as body_tag and body_count: -j 1 calls each once a record. */
static inline __attribute__((always_inline)) int
body_render(struct sl_convert *c, const struct csess *s,
    const struct sl_record *r, struct sl_buf *to)
{
	struct sl_wsess ws = { s->info->id, s->info, &s->sum, s->sp, 1, -1,
	    -1, 1 };

	body_file(c);
	c->bf.mem = to;
	return c->w->put(&c->bf, &ws, r) == SL_OK ? 0 : -1;
}

/* What put() makes of r (a record of s), as the next bytes of spool sp
 * with tag.  0, or -1. */
static int
body_put(struct sl_convert *c, struct sl_spool *sp, uint32_t tag,
    const struct csess *s, const struct sl_record *r)
{
	struct sl_buf *to = sl_body_at(&c->bd, &c->spool, sp, tag);

	if (to == NULL) {
		failf(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return body_render(c, s, r, to);
}

/* The open chunk to its spool, before the spool is read.  0, or -1. */
static int
body_flush(struct sl_convert *c)
{
	if (sl_body_flush(&c->bd, &c->spool) != 0) {
		failf(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Record r of s in body mode: counted with its source (whose tag its
 * bytes get), so that the counts of the transcript kept are known at
 * the end without the records (body_sums, keep_one_body).  Notes and
 * raw bytes go with their source too, as other_source() has them.
 */
/* The tag of r's bytes in s: the index of its source among s's tags
 * (*t; *len, the length of the input part of its src), or SL_BODY_ALL
 * for a session record or one of no source (*t NULL). */
static inline __attribute__((always_inline)) uint32_t
body_tag(struct csess *s, const struct sl_record *r, struct csrc **t,
    size_t *len)
{
	*t = NULL;
	if (r->type == SL_SESSION || r->src == NULL)
		return SL_BODY_ALL;
	*len = sl_src_input_len(r->src);
	*t = source_at(&s->tag, &s->ntag, &s->lasttag, r->src, *len);
	return (uint32_t)(*t - s->tag);
}

/* r, whose bytes went with tag source t (NULL: SL_BODY_ALL; len as
 * body_tag gave it), counted: its src measured once for both. */
static inline __attribute__((always_inline)) void
body_count(struct sl_convert *c, struct csess *s, struct csrc *t,
    const struct sl_record *r, size_t len)
{
	struct csrc *e = NULL;

	if (r->type == SL_LINE && r->src != NULL)
		e = source_at(&s->src, &s->nsrc, &s->last, r->src, len);
	count_in(c, s, t != NULL ? &t->sum : &s->sum_all, e, r, -1);
	s->loose++;
}

static int
take_body(struct sl_convert *c, struct csess *s, const struct sl_record *r)
{
	struct csrc *t;
	size_t len = 0;
	uint32_t tag = body_tag(s, r, &t, &len);

	/* A worker's body piece before it goes first (take_block). */
	if ((s->block_len > 0 && take_block(c, s) != 0) ||
	    spool_ready(c, s) != 0 || body_put(c, s->sp, tag, s, r) != 0)
		return SL_STOP;
	body_count(c, s, t, r, len);
	return SL_OK;
}

/* Is e the session of id?  A session's records mostly come one after
 * another: one strcmp instead of a hash table's lookup each. */
static int
same_session(const struct sl_session *e, const char *id)
{
	if (e == NULL)
		return 0;
	if (id == NULL || e->id == NULL)
		return id == e->id;
	return strcmp(e->id, id) == 0;
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
	else if (same_session(c->last, r->session))
		e = c->last;
	else
		e = sl_sessions_get(c->tab, r->session, 1);
	c->last = e;
	s = csess_of(c, e);
	if (c->body && (s->body || s->pieces == 0)) {
		s->body = 1;
		return take_body(c, s, r);
	}
	if (take_block(c, s) != 0 || spool_append(c, s, r, enc, n) != 0)
		return SL_STOP;
	count(c, s, r, wd);
	s->loose++;
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
 * for its facts and appends the bytes as they are.  Each entry is
 *
 *	i64	width (-1: not measured), then the record (sl_record_encode)
 *
 * or, when the writer's output of a session is its own (SL_W_PIECE),
 *
 *	i64	PIECE_MARK, then a piece (make_piece)
 *
 * for the records of one frame that are all of one session: the
 * worker has counted them and written what the writer makes of them
 * alone.  Whether that is the session's output is known only at the
 * end (it may have other records in other inputs: then they are
 * written again as with -j 1), so the records are kept too.  Both go
 * to files shared with the workers (struct piece_files), not through
 * the parent: it copies a piece's records to the spool only when
 * something else comes for the session, and a piece's bytes only to
 * the output.  A frame holds one input's records or part of them: an
 * S3 log of one session is one piece unless a message or a full frame
 * cuts it.
 */
#define PIECE_MARK	(-2)
#define BODY_MARK	(-3)	/* a body piece (end_body_piece) */
#define PIECE_MAX	(1 << 20)	/* records held for a piece, bytes */
#define WINDOW		(1 << 18)	/* pieces read back at a time */

enum { PF_BLOCKS, PF_PIECES };		/* records, writer's bytes */
#define PF_FAILED	2	/* ends[PF_FAILED]: a worker's write errno */

/* A lock would be each process's own. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "lock-free atomics on shared memory");

/*
 * Each worker writes at offsets it takes from ends: no two overlap, and
 * nothing passes through the parent.  A worker takes room a stretch
 * (PF_STRETCH) at a time and gathers what it puts there, written with
 * one pwrite when the stretch is full and before its frames leave for
 * the parent (convert_pack_flush): a pwrite for each small piece, two
 * workers taking turns on one file, cost them more than the writer's
 * own work (16% of -j 2's CPU on a folder of 10,000 logs).  The rest of
 * a stretch that a piece does not fit stays a hole, never read.  A
 * write that fails (a full disk, a file-size limit) is told to the
 * parent in ends[PF_FAILED], set before the frames that point at what
 * was lost leave the worker: the parent fails as its own spool's write
 * error would make it (convert_apply), before it reads any of it.
 */
#define PF_STRETCH	(1 << 20)

struct pf_gather {
	struct sl_buf bytes;		/* not written yet, ... */
	long long at;			/* ... to go at this offset */
	long long room;			/* bytes taken from at on */
};

struct piece_files {
	int fd[2];
	_Atomic long long *ends;	/* [3], shared: the bytes taken, and
					   PF_FAILED */
	struct pf_gather g[2];		/* a worker's, not yet written */
	struct sl_buf copy;		/* a block on its way to the spool */
	struct sl_buf window;		/* of the pieces' file, at ... */
	long long window_off;		/* ... this offset */
};

static void
piece_files_free(struct piece_files *pf)
{
	int i;

	if (pf == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (pf->fd[i] >= 0)
			close(pf->fd[i]);
	if (pf->ends != NULL)
		munmap(pf->ends, 3 * sizeof(*pf->ends));
	for (i = 0; i < 2; i++)
		sl_buf_free(&pf->g[i].bytes);
	sl_buf_free(&pf->copy);
	sl_buf_free(&pf->window);
	free(pf);
}

/* Made before the workers start; NULL: none (pieces are not made). */
static struct piece_files *
piece_files_new(const struct sl_convert *c)
{
	struct piece_files *pf = sl_xcalloc(1, sizeof(*pf));
	void *m;
	int i;

	pf->fd[0] = pf->fd[1] = -1;
	m = mmap(NULL, 3 * sizeof(*pf->ends), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m != MAP_FAILED) {
		pf->ends = m;
		for (i = 0; i < 3; i++)
			atomic_init(&pf->ends[i], 0);
		for (i = 0; i < 2; i++)
			pf->fd[i] = sl_tmpfile(c->o.tmpdir, "sl-convert");
	}
	if (pf->ends == NULL || pf->fd[0] < 0 || pf->fd[1] < 0) {
		piece_files_free(pf);
		return NULL;
	}
	return pf;
}

/* What is gathered for file i, written: 0, or -1 (the parent is told:
 * PF_FAILED). */
static int
file_write(struct piece_files *pf, int i)
{
	struct pf_gather *g = &pf->g[i];
	int rc = 0;

	if (g->bytes.len == 0)
		return 0;
	if (sl_pwrite_all(pf->fd[i], g->bytes.buf, g->bytes.len, g->at) != 0) {
		atomic_store(&pf->ends[PF_FAILED], errno != 0 ? errno : EIO);
		rc = -1;
	}
	g->at += (long long)g->bytes.len;
	g->room -= (long long)g->bytes.len;
	sl_buf_reset(&g->bytes);
	return rc;
}

/* b to file i of pf at a place of its own, *off, gathered to be written
 * with what follows it.  0, or -1. */
static int
file_put(struct piece_files *pf, int i, const struct sl_buf *b,
    long long *off)
{
	struct pf_gather *g = &pf->g[i];

	if ((long long)(g->bytes.len + b->len) > g->room) {
		if (file_write(pf, i) != 0)
			return -1;
		g->room = (long long)SL_MAX(b->len, (size_t)PF_STRETCH);
		g->at = atomic_fetch_add(&pf->ends[i], g->room);
	}
	*off = g->at + (long long)g->bytes.len;
	sl_buf_add(&g->bytes, b->buf, b->len);
	return 0;
}

/* A worker's frames are about to leave: what they point at, written
 * (a failure goes to the parent through PF_FAILED: the frames still
 * go, and the run stops where it would have without -j). */
static int
convert_pack_flush(void *arg)
{
	struct sl_convert *c = arg;

	if (c->pf != NULL) {
		(void)file_write(c->pf, PF_BLOCKS);
		(void)file_write(c->pf, PF_PIECES);
	}
	return 0;
}

/* Did a worker fail to write what the entries point at?  Then fail as
 * a write of the spool would.  0, or -1. */
static int
workers_failed(struct sl_convert *c)
{
	long long e = c->pf != NULL ? atomic_load(&c->pf->ends[PF_FAILED]) : 0;

	if (e == 0)
		return 0;
	failf(c, "spool file: write error: %s", strerror((int)e));
	return -1;
}

static void free_sources(struct csess *s);

static int
pieces_on(const struct sl_convert *c)
{
	/* The report of --with-report takes every record. */
	return (c->w->flags & SL_W_PIECE) && c->rep == NULL && c->pf != NULL;
}

/* Forget the held records and what was counted of them. */
static void
drop_held(struct sl_convert *c)
{
	sl_buf_reset(&c->held);
	sl_buf_reset(&c->held_sess);
	free_sources(&c->held_cs);
	memset(&c->held_cs, 0, sizeof(c->held_cs));
	sl_sessions_free(c->held_tab);
	c->held_tab = NULL;
}

/* May r join the records held for a piece? */
static int
holds(struct sl_convert *c, const struct sl_record *r)
{
	if (r->session == NULL || c->held.len >= PIECE_MAX)
		return 0;
	if (c->held.len == 0) {
		drop_held(c);
		free(c->held_sid);
		c->held_sid = sl_xstrdup(r->session);
		c->held_tab = sl_sessions_new();
		return 1;
	}
	return strcmp(c->held_sid, r->session) == 0;
}

/* The records held go as they are, one entry each. */
static void
spill(struct sl_convert *c, struct sl_buf *b)
{
	sl_buf_add(b, c->held.buf, c->held.len);
	drop_held(c);
}

/* r held: counted and merged as the parent would (held_cs, held_tab),
 * a session record kept again for the parent's merge (held_sess). */
static void
hold(struct sl_convert *c, const struct sl_record *r, int64_t wd)
{
	if (r->type == SL_SESSION) {
		sl_sessions_merge(c->held_tab, r);
		sl_record_encode(&c->held_sess, r);
	}
	count(c, &c->held_cs, r, wd);
}

static int pack_body(struct sl_convert *c, struct sl_buf *b,
    const struct sl_record *r);

static int
convert_pack(void *arg, struct sl_buf *b, const struct sl_record *r)
{
	struct sl_convert *c = arg;
	struct sl_buf *to = b;
	int64_t wd = -1;

	if (c->body && pieces_on(c))
		return pack_body(c, b, r);
	if (r->type == SL_LINE && (c->w->flags & SL_W_WIDTH))
		wd = (int64_t)sl_w_width(r->text, r->len);
	if (pieces_on(c) && !c->held_plain) {
		if (holds(c, r)) {
			to = &c->held;
			hold(c, r, wd);
		} else {
			spill(c, b);
			c->held_plain = 1;
		}
	}
	sl_buf_add(to, &wd, sizeof(wd));
	sl_record_encode(to, r);
	return SL_OK;
}

/* What goes between begin() and end() of a piece (piece_render). */
typedef int piece_body_fn(struct sl_convert *c, struct sl_wfile *f,
    const struct sl_wsess *ws, struct sl_buf *block);

/* The held records through put(), and as the spool keeps them into
 * block. */
static int
records_body(struct sl_convert *c, struct sl_wfile *f,
    const struct sl_wsess *ws, struct sl_buf *block)
{
	const char *p = c->held.buf, *end = p + c->held.len;
	struct sl_record r;
	size_t used;
	int rc = SL_OK;

	for (; rc == SL_OK && p < end; p += sizeof(int64_t) + used) {
		/* Each entry: its width, then the record. */
		used = sl_record_decode(p + sizeof(int64_t), (size_t)(end - p) -
		    sizeof(int64_t), &r, &c->arrays);
		sl_buf_add(block, p + sizeof(int64_t), used);
		rc = used == 0 ? SL_FATAL : c->w->put(f, ws, &r);
	}
	return rc;
}

/*
 * What the writer makes of the held session alone, into c->piece: the
 * file's own bytes (open, close) are left out; between begin() and
 * end(), what body writes (block is its own).
 */
static int
piece_render(struct sl_convert *c, const struct csess *s,
    piece_body_fn *body, struct sl_buf *block)
{
	const struct sl_writer *w = c->w;
	struct sl_wsess ws = { s->info->id, s->info, &s->sum, NULL, 1, -1, -1,
	    0 };
	struct sl_buf junk;
	struct sl_wfile f;
	int rc = SL_OK;

	sl_buf_init(&junk);
	memset(&f, 0, sizeof(f));
	f.mem = &junk;
	f.opt = &c->o;
	f.state = sl_xcalloc(1, w->size + 1);
	memcpy(f.now, c->now, sizeof(c->now));
	f.sessions = &ws;
	f.nsessions = 1;
	if (w->open != NULL)
		rc = w->open(&f);
	f.mem = &c->piece;
	if (rc == SL_OK && w->begin != NULL)
		rc = w->begin(&f, &ws);
	if (rc == SL_OK)
		rc = body(c, &f, &ws, block);
	if (rc == SL_OK && w->end != NULL)
		rc = w->end(&f, &ws);
	f.mem = &junk;
	if (w->close != NULL && w->close(&f) != SL_OK)
		rc = SL_FATAL;
	free(f.state);
	sl_buf_free(&junk);
	return rc;
}

/* The counts of s for the parent: its sum, notes and sources. */
static void
put_counts(struct sl_buf *b, const struct csess *s)
{
	size_t i;

	sl_buf_add(b, &s->sum, sizeof(s->sum));
	sl_codec_put_i64(b, s->telling);
	sl_codec_put_u32(b, (uint32_t)s->nsrc);
	for (i = 0; i < s->nsrc; i++) {
		sl_codec_put_str(b, s->src[i].key);
		sl_codec_put_str(b, s->src[i].path);
		sl_codec_put_i64(b, s->src[i].lines);
		sl_codec_put_i64(b, s->src[i].timed);
	}
}

/*
 * The held records as one piece entry in b:
 *
 *	i64 PIECE_MARK; str session; u32 n, its session records;
 *	the counts (put_counts); i64 offset, length of the records in
 *	the blocks' file; i64 offset, length of the writer's bytes in
 *	the pieces' file
 *
 * 0, or -1 (nothing added) when it cannot be made.
 */
static int
make_piece(struct sl_convert *c, struct sl_buf *b)
{
	struct csess *s = &c->held_cs;
	struct sl_buf block;
	long long boff = 0, poff = 0;
	int64_t mark = PIECE_MARK;
	int rc = 0;

	sl_buf_init(&block);
	sl_buf_reset(&c->piece);
	s->info = sl_sessions_get(c->held_tab, c->held_sid, 1);
	if (piece_render(c, s, records_body, &block) != SL_OK ||
	    file_put(c->pf, PF_BLOCKS, &block, &boff) != 0 ||
	    file_put(c->pf, PF_PIECES, &c->piece, &poff) != 0)
		rc = -1;
	if (rc == 0) {
		sl_buf_add(b, &mark, sizeof(mark));
		sl_codec_put_str(b, c->held_sid);
		sl_codec_put_u32(b, (uint32_t)c->held_sess.len);
		sl_buf_add(b, c->held_sess.buf, c->held_sess.len);
		put_counts(b, s);
		sl_codec_put_i64(b, boff);
		sl_codec_put_i64(b, (long long)block.len);
		sl_codec_put_i64(b, poff);
		sl_codec_put_i64(b, (long long)c->piece.len);
	}
	sl_buf_free(&block);
	return rc;
}

/*
 * -j N, body mode (an SL_W_BODY writer): a worker does what take_body()
 * does with each record, into memory, and sends the chunks and counts
 * of each run of records of one session as a "body piece": no record
 * is encoded for the parent to decode, nor rendered again at the end
 * (encoding, decoding and rendering each record twice cost -j 2's
 * workers a fifth more than -j 1 on a folder of 10,000 logs).  Its
 * entry is
 *
 *	i64 BODY_MARK; str session; u32 n, its session records; the
 *	counts (put_counts, put_tags); i64 offset, length of its chunks
 *	in the blocks' file
 *
 *	in the blocks' file; i64 offset, length of the writer's bytes
 *	of the session alone in the pieces' file (-1: none)
 *
 * The chunks' tags are the piece's own tags' indexes: the parent maps
 * them to its own (apply_body_piece).  While nothing else came for its
 * session, the parent keeps only where the chunks are (block_off, as
 * for a piece of records), and the writer's bytes are the output.
 */

static void body_sum(struct csess *s, const size_t *keep);

/* The bytes of the chunks in block, in order (the piece's records'
 * put() bytes). */
static int
chunks_body(struct sl_convert *c, struct sl_wfile *f,
    const struct sl_wsess *ws, struct sl_buf *block)
{
	uint32_t len;
	size_t at;

	(void)c;
	(void)ws;
	for (at = 0; at + 8 <= block->len; at += 8 + len) {
		memcpy(&len, block->buf + at + 4, sizeof(len));
		sl_buf_add(f->mem, block->buf + at + 8, len);
	}
	return SL_OK;
}

/* The body piece held, if any, as its entry in b. */
static void
end_body_piece(struct sl_convert *c, struct sl_buf *b)
{
	struct csess *s = &c->held_cs;
	struct sl_buf *chunks = &c->held_body.b;
	long long boff = 0, poff = 0, plen = -1;
	int64_t mark = BODY_MARK;
	size_t i;

	if (s->loose == 0)
		return;
	sl_body_mem_close(&c->held_body);
	body_sum(s, NULL);
	sl_buf_reset(&c->piece);
	if (piece_render(c, s, chunks_body, chunks) == SL_OK)
		plen = (long long)c->piece.len;
	/* A write that failed is told through PF_FAILED: the parent stops
	 * before it reads the entry. */
	(void)file_put(c->pf, PF_BLOCKS, chunks, &boff);
	if (plen >= 0)
		(void)file_put(c->pf, PF_PIECES, &c->piece, &poff);
	sl_buf_add(b, &mark, sizeof(mark));
	sl_codec_put_str(b, c->held_sid);
	sl_codec_put_u32(b, (uint32_t)c->held_sess.len);
	sl_buf_add(b, c->held_sess.buf, c->held_sess.len);
	put_counts(b, s);
	sl_buf_add(b, &s->sum_all, sizeof(s->sum_all));
	sl_codec_put_u32(b, (uint32_t)s->ntag);
	for (i = 0; i < s->ntag; i++) {
		sl_codec_put_str(b, s->tag[i].key);
		sl_codec_put_str(b, s->tag[i].path);
		sl_buf_add(b, &s->tag[i].sum, sizeof(s->tag[i].sum));
	}
	sl_codec_put_i64(b, boff);
	sl_codec_put_i64(b, (long long)chunks->len);
	sl_codec_put_i64(b, poff);
	sl_codec_put_i64(b, plen);
	sl_body_mem_reset(&c->held_body);
	drop_held(c);
}

/* A body piece begins with a record of session sid. */
static void
start_body_piece(struct sl_convert *c, const char *sid)
{
	drop_held(c);
	free(c->held_sid);
	c->held_sid = sl_xstrdup(sid);
	c->held_tab = sl_sessions_new();
	c->held_cs.info = sl_sessions_get(c->held_tab, sid, 1);
}

/* r into the body piece of its session: a new one when it is another
 * session's or full.  A record of no session goes alone, as the parent
 * takes any record. */
static int
pack_body(struct sl_convert *c, struct sl_buf *b, const struct sl_record *r)
{
	struct csess *s = &c->held_cs;
	struct csrc *t;
	int64_t wd = -1;
	size_t len = 0;
	uint32_t tag;

	if (s->loose > 0 && (r->session == NULL || c->held_body.b.len >=
	    PIECE_MAX || strcmp(c->held_sid, r->session) != 0))
		end_body_piece(c, b);
	if (r->session == NULL) {
		sl_buf_add(b, &wd, sizeof(wd));
		sl_record_encode(b, r);
		return SL_OK;
	}
	if (s->loose == 0)
		start_body_piece(c, r->session);
	if (r->type == SL_SESSION) {
		s->info = sl_sessions_merge(c->held_tab, r);
		sl_record_encode(&c->held_sess, r);
	}
	tag = body_tag(s, r, &t, &len);
	if (body_render(c, s, r, sl_body_mem_at(&c->held_body, tag)) != 0)
		return SL_STOP;
	body_count(c, s, t, r, len);
	return SL_OK;
}

/* The frame ends: what is held goes, as a piece if it can. */
static void
convert_pack_end(void *arg, struct sl_buf *b)
{
	struct sl_convert *c = arg;

	if (c->body && pieces_on(c)) {
		end_body_piece(c, b);
		return;
	}
	if (c->held.len > 0 && make_piece(c, b) != 0)
		spill(c, b);
	drop_held(c);
	c->held_plain = 0;
}

/* n bytes at k, pointing into k's bytes; NULL and k->bad past the end. */
static const char *
get_bytes(struct sl_codec_cur *k, size_t n)
{
	const char *p = k->p;

	if (k->bad || n > k->n) {
		k->bad = 1;
		return NULL;
	}
	k->p += n;
	k->n -= n;
	return p;
}

/* The source of key in the n sources at *v, found or added, its path
 * now path (as source_in() has it after a record of that path). */
static struct csrc *
source_keyed(struct csrc **v, size_t *n, size_t *last, const char *key,
    const char *path)
{
	size_t i;

	for (i = 0; i < *n && strcmp((*v)[i].key, key) != 0; i++)
		;
	if (i == *n) {
		*v = sl_xrealloc(*v, (*n + 1) * sizeof(**v));
		memset(&(*v)[i], 0, sizeof(**v));
		(*v)[i].key = sl_xstrdup(key);
		(*n)++;
	}
	free((*v)[i].path);
	(*v)[i].path = sl_xstrdup(path);
	*last = i;
	return &(*v)[i];
}

/* A source of a piece, added to s's as count() would have added its
 * lines one by one. */
static void
add_source(struct csess *s, const char *key, const char *path,
    long long lines, long long timed)
{
	struct csrc *e = source_keyed(&s->src, &s->nsrc, &s->last, key, path);

	e->lines += lines;
	e->timed += timed;
}

/* What count() made of some records (in) added to what it made of
 * others (m): as if it had counted them all. */
static void
sum_add(struct sl_wsum *m, const struct sl_wsum *in)
{
	m->records += in->records;
	m->lines += in->lines;
	m->commands += in->commands;
	m->notes += in->notes;
	m->raw += in->raw;
	m->width = SL_MAX(m->width, in->width);
	if (in->first_time[0] != '\0' && (m->first_time[0] == '\0' ||
	    strcmp(in->first_time, m->first_time) < 0))
		memcpy(m->first_time, in->first_time, sizeof(m->first_time));
	if (strcmp(in->last_time, m->last_time) > 0)
		memcpy(m->last_time, in->last_time, sizeof(m->last_time));
	m->truncated |= in->truncated;
}

/* A piece's counts (put_counts) added to s's, as count() adds. */
static void
add_counts(struct csess *s, struct sl_codec_cur *k)
{
	const struct sl_wsum *v = (const void *)get_bytes(k, sizeof(*v));
	struct sl_wsum in;
	const char *key, *path;
	long long lines;
	uint32_t n;

	if (v == NULL)
		return;
	memcpy(&in, v, sizeof(in));	/* frames are unaligned */
	sum_add(&s->sum, &in);
	s->telling += sl_codec_get_i64(k);
	for (n = sl_codec_get_u32(k); n > 0 && !k->bad; n--) {
		key = sl_codec_get_str(k);
		path = sl_codec_get_str(k);
		if (key == NULL || path == NULL) {
			k->bad = 1;
			return;
		}
		lines = sl_codec_get_i64(k);	/* before timed */
		add_source(s, key, path, lines, sl_codec_get_i64(k));
	}
}

/*
 * The records of s's piece, from the blocks' file to its spool: from now
 * on the spool has them all.  Done as soon as anything else comes for
 * s, so that they stand where -j 1 has them.  0, or -1.
 */
static int
take_block(struct sl_convert *c, struct csess *s)
{
	size_t n = (size_t)s->block_len;
	struct sl_buf *b;

	if (s->block_len <= 0)
		return 0;	/* none, or in the spool already */
	b = &c->pf->copy;
	s->block_len = 0;
	sl_buf_reset(b);
	sl_buf_reserve(b, n);
	if (sl_pread_all(c->pf->fd[PF_BLOCKS], b->buf, n, s->block_off) != 0) {
		failf(c, "spool file: read error");
		return -1;
	}
	return spool_append(c, s, NULL, b->buf, n);
}

/* The session records of a piece (u32 n, n bytes at k), merged. */
static int
merge_sessions(struct sl_convert *c, struct sl_codec_cur *k)
{
	size_t n = sl_codec_get_u32(k), used;
	const char *p = get_bytes(k, n);
	struct sl_record r;

	if (p == NULL)
		return -1;
	for (; n > 0; p += used, n -= used) {
		used = sl_record_decode(p, n, &r, &c->arrays);
		if (used == 0 || r.type != SL_SESSION)
			return -1;
		sl_sessions_merge(c->tab, &r);
	}
	return 0;
}

/*
 * A piece (k past its session's id) for a session kept in body mode:
 * its records taken one by one from the blocks' file, as -j 1 takes
 * them; the worker's counts and bytes are left unused.  SL_OK or
 * SL_STOP.
 */
static int
absorb_piece(struct sl_convert *c, struct sl_codec_cur *k)
{
	struct sl_buf *b = &c->pf->copy;
	struct csess unused;
	struct sl_record r;
	long long off, len;
	size_t at, used;

	(void)get_bytes(k, sl_codec_get_u32(k));  /* in the block as well */
	memset(&unused, 0, sizeof(unused));
	add_counts(&unused, k);
	free_sources(&unused);
	off = sl_codec_get_i64(k);
	len = sl_codec_get_i64(k);
	(void)sl_codec_get_i64(k);	/* the writer's bytes: made again */
	(void)sl_codec_get_i64(k);
	if (k->bad || len <= 0)
		return SL_STOP;
	sl_buf_reset(b);
	sl_buf_reserve(b, (size_t)len);
	if (sl_pread_all(c->pf->fd[PF_BLOCKS], b->buf, (size_t)len, off) != 0) {
		failf(c, "spool file: read error");
		return SL_STOP;
	}
	for (at = 0; at < (size_t)len; at += used) {
		used = sl_record_decode(b->buf + at, (size_t)len - at, &r,
		    &c->arrays);
		if (used == 0 || take(c, &r, NULL, 0, -1) != SL_OK)
			return SL_STOP;
	}
	return SL_OK;
}

/* A piece entry (make_piece) at k, taken.  SL_OK or SL_STOP. */
static int
apply_piece(struct sl_convert *c, struct sl_codec_cur *k)
{
	const char *sid = sl_codec_get_str(k);
	struct csess *s;
	int shared;

	if (sid == NULL || c->failed || c->pf == NULL)
		return SL_STOP;
	/* Made where its first record would make it. */
	s = csess_of(c, sl_sessions_get(c->tab, sid, 1));
	if (s->body)
		return absorb_piece(c, k);
	if (merge_sessions(c, k) != 0)
		return SL_STOP;
	add_counts(s, k);
	/* Another piece or a record before it: the spool has them all. */
	shared = s->pieces > 0 || s->loose > 0;
	if (shared && take_block(c, s) != 0)
		return SL_STOP;
	s->block_off = sl_codec_get_i64(k);
	s->block_len = sl_codec_get_i64(k);
	s->piece_off = sl_codec_get_i64(k);
	s->piece_len = sl_codec_get_i64(k);
	s->pieces++;
	if (k->bad || s->block_len <= 0 || s->piece_len < 0)
		return SL_STOP;
	if (shared && take_block(c, s) != 0)
		return SL_STOP;
	return SL_OK;
}

/* The tag of key in s, found or added with path (as source_in() adds
 * it), its counts added to. */
static uint32_t
add_tag(struct csess *s, const char *key, const char *path,
    const struct sl_wsum *sum)
{
	struct csrc *e = source_keyed(&s->tag, &s->ntag, &s->lasttag, key,
	    path);

	sum_add(&e->sum, sum);
	return (uint32_t)(e - s->tag);
}

/* A body piece's tags (end_body_piece) added to s's; map[i]: s's tag
 * of the piece's tag i (*n of them, malloc'd).  -1 when damaged. */
static int
add_tags(struct csess *s, struct sl_codec_cur *k, uint32_t **map,
    uint32_t *n)
{
	const struct sl_wsum *v;
	struct sl_wsum sum;
	const char *key, *path;
	uint32_t i;

	*n = sl_codec_get_u32(k);
	if (k->bad || *n > k->n)
		return -1;
	*map = sl_xcalloc((size_t)*n + 1, sizeof(**map));
	for (i = 0; i < *n; i++) {
		key = sl_codec_get_str(k);
		path = sl_codec_get_str(k);
		v = (const void *)get_bytes(k, sizeof(*v));
		if (key == NULL || path == NULL || v == NULL)
			return -1;
		memcpy(&sum, v, sizeof(sum));	/* frames are unaligned */
		(*map)[i] = add_tag(s, key, path, &sum);
	}
	return 0;
}

/* The chunks of a body piece, len bytes at off in the blocks' file,
 * appended to s's spool with their tags mapped to s's (map, n).  0, or
 * -1. */
static int
absorb_chunks(struct sl_convert *c, struct csess *s, long long off,
    long long len, const uint32_t *map, uint32_t n)
{
	struct sl_buf *b = &c->pf->copy, *to;
	uint32_t tag, clen;
	size_t at;

	sl_buf_reset(b);
	sl_buf_reserve(b, (size_t)len);
	if (sl_pread_all(c->pf->fd[PF_BLOCKS], b->buf, (size_t)len, off) != 0) {
		failf(c, "spool file: read error");
		return -1;
	}
	if (spool_ready(c, s) != 0)
		return -1;
	for (at = 0; at + 8 <= (size_t)len; at += 8 + clen) {
		memcpy(&tag, b->buf + at, sizeof(tag));
		memcpy(&clen, b->buf + at + 4, sizeof(clen));
		if (clen > (size_t)len - at - 8 || (tag != SL_BODY_ALL &&
		    tag >= n))
			break;
		to = sl_body_at(&c->bd, &c->spool, s->sp, tag == SL_BODY_ALL ?
		    tag : map[tag]);
		if (to == NULL) {
			failf(c, "spool file: write error: %s",
			    strerror(errno));
			return -1;
		}
		sl_buf_add(to, b->buf + at + 8, clen);
	}
	if (at != (size_t)len) {
		failf(c, "spool file: read error");
		return -1;
	}
	return 0;
}

/*
 * A body piece (end_body_piece, k past its session's id), taken as -j
 * 1 takes its records: its counts added, its chunks where -j 1 has
 * their bytes.  The first thing of its session is left where it is
 * until something else comes (take_block) or the end (gather).
 * SL_OK or SL_STOP.
 */
static int
apply_body_piece(struct sl_convert *c, const char *sid,
    struct sl_codec_cur *k)
{
	struct csess *s;
	struct sl_wsum all;
	const struct sl_wsum *v;
	uint32_t *map = NULL, n = 0;
	long long off, len;
	int first, rc = SL_STOP;

	if (sid == NULL || c->failed || c->pf == NULL)
		return SL_STOP;
	/* Made where its first record would make it. */
	s = csess_of(c, sl_sessions_get(c->tab, sid, 1));
	first = !s->body;
	s->body = 1;
	if (merge_sessions(c, k) != 0)
		return SL_STOP;
	add_counts(s, k);
	if ((v = (const void *)get_bytes(k, sizeof(*v))) == NULL)
		return SL_STOP;
	memcpy(&all, v, sizeof(all));	/* frames are unaligned */
	sum_add(&s->sum_all, &all);
	if (add_tags(s, k, &map, &n) == 0) {
		off = sl_codec_get_i64(k);
		len = sl_codec_get_i64(k);
		s->piece_off = sl_codec_get_i64(k);
		s->piece_len = sl_codec_get_i64(k);
		s->pieces++;
		/* No writer's bytes: as if its records had come alone. */
		s->loose += s->piece_len < 0;
		if (k->bad || len < 0)
			;
		else if (len == 0)	/* session records alone: no byte */
			rc = SL_OK;
		else if (first) {
			s->block_off = off;
			s->block_len = len;
			rc = SL_OK;
		} else if (take_block(c, s) == 0 &&
		    absorb_chunks(c, s, off, len, map, n) == 0)
			rc = SL_OK;
	}
	free(map);
	return rc;
}

static int
convert_apply(void *arg, const void *bytes, size_t n)
{
	struct sl_convert *c = arg;
	struct sl_codec_cur k = { bytes, n, 0 };
	struct sl_record r;
	int64_t wd;
	size_t used;

	if (workers_failed(c) != 0)
		return SL_STOP;
	while (k.n > 0) {
		if (k.n < sizeof(wd))
			return SL_STOP;	/* cannot be: the same program */
		memcpy(&wd, get_bytes(&k, sizeof(wd)), sizeof(wd));
		if (wd == PIECE_MARK) {
			if (apply_piece(c, &k) != SL_OK)
				return SL_STOP;
			continue;
		}
		if (wd == BODY_MARK) {
			if (apply_body_piece(c, sl_codec_get_str(&k), &k) !=
			    SL_OK)
				return SL_STOP;
			continue;
		}
		if ((used = sl_record_decode(k.p, k.n, &r, &c->arrays)) == 0)
			return SL_STOP;
		if (take(c, &r, k.p, used, wd) != SL_OK)
			return SL_STOP;
		(void)get_bytes(&k, used);
	}
	return SL_OK;
}

void
sl_convert_packer(struct sl_convert *c, struct sl_packer *pk)
{
	if (c->pf == NULL && (c->w->flags & SL_W_PIECE) && c->rep == NULL)
		c->pf = piece_files_new(c);
	pk->pack = convert_pack;
	pk->end = convert_pack_end;
	pk->apply = convert_apply;
	pk->arg = c;
	pk->flush = convert_pack_flush;
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
free_list(struct csrc *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].path);
	}
	free(v);
}

static void
free_sources(struct csess *s)
{
	free_list(s->src, s->nsrc);
	free_list(s->tag, s->ntag);
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
	if (s->body)
		return spool_ready(c, to) != 0 ||
		    body_put(c, to->sp, SL_BODY_ALL, s, &r) != 0 ? -1 : 0;
	return spool_append(c, to, &r, NULL, 0);
}

/* Body mode: the counts of s, all its tags' (body_sums), or the kept
 * one's (keep_one_body), with those of its records of no source. */
static void
body_sum(struct csess *s, const size_t *keep)
{
	size_t i;

	s->sum = s->sum_all;
	for (i = 0; i < s->ntag; i++)
		if (keep == NULL || i == *keep)
			sum_add(&s->sum, &s->tag[i].sum);
}

/* The tag of source i of s: its lines have one. */
static size_t
tag_of(const struct csess *s, size_t i)
{
	size_t t;

	for (t = 0; t < s->ntag && strcmp(s->tag[t].key, s->src[i].key) != 0;
	    t++)
		;
	return t;
}

static void
body_sums(struct sl_convert *c)
{
	size_t i;

	for (i = 0; i < c->nss; i++)
		if (c->ss[i] != NULL && c->ss[i]->body)
			body_sum(c->ss[i], NULL);
}

/* keep_one_transcript in body mode: the kept source's chunks and those
 * of no source, copied; its counts, with the others' left out. */
static int
keep_one_body(struct sl_convert *c, struct csess *s)
{
	struct csess kept;
	size_t keep = tag_of(s, best_source(s)), i;
	int rc, bad = 0;

	if (body_flush(c) != 0 || spool_flush(c) != 0)
		return -1;
	memset(&kept, 0, sizeof(kept));
	if (spool_ready(c, &kept) != 0)
		return -1;
	if ((rc = sl_body_keep(s->sp, (uint32_t)keep, &c->spool,
	    kept.sp)) != 0) {
		if (rc == -1)
			failf(c, "spool file: write error: %s",
			    strerror(errno));
		else
			failf(c, "spool file: read error");
		bad = 1;
	}
	body_sum(s, &keep);
	for (i = 0; i < s->nsrc && !bad; i++)
		if (strcmp(s->src[i].key, s->tag[keep].key) != 0 &&
		    s->src[i].lines > 0)
			bad = write_duplicate(c, s, &kept, &s->src[i]) != 0;
	sl_spool_free(s->sp);
	s->sp = kept.sp;
	s->pieces = 0;
	return bad ? -1 : 0;
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

	if (s->body)
		return keep_one_body(c, s);
	if (take_block(c, s) != 0 || spool_flush(c) != 0)
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
	s->pieces = 0;		/* no piece shows what is kept */
	return bad ? -1 : 0;
}

/* Sessions with lines from more than one source keep one. */
static int
one_transcript_each(struct sl_convert *c)
{
	size_t i, k, with_lines;

	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL || s->nsrc < 2)
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

/* Sessions that are a worker's body piece alone (apply_body_piece):
 * their spools are the chunks where the worker wrote them. */
static void
spool_lone_bodies(struct sl_convert *c)
{
	size_t i;

	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		/* Nothing else came for it: it has no spool of its own. */
		if (s == NULL || !s->body || s->block_len <= 0)
			continue;
		s->sp = sl_spool_new(c->pf->fd[PF_BLOCKS], s->block_off,
		    s->block_len);
		s->block_len = 0;
	}
}

/* The spool, complete and on disk, ready to be read back. */
static int
gather(struct sl_convert *c)
{
	if (body_flush(c) != 0 || spool_flush(c) != 0)
		return -1;
	if (c->body)
		spool_lone_bodies(c);
	if (c->body)
		body_sums(c);
	if (one_transcript_each(c) != 0 || body_flush(c) != 0)
		return -1;
	return spool_flush(c);
}

/* --------------------------------------------------------- writing */

/*
 * The pieces' file from at into the window: up to WINDOW bytes, at least
 * need (the rest of the piece being copied; a worker that failed to
 * write leaves nothing past its place).  0, or -1.
 */
static int
fill_window(struct piece_files *pf, long long at, size_t need)
{
	struct sl_buf *w = &pf->window;
	ssize_t k;

	sl_buf_reset(w);
	sl_buf_reserve(w, WINDOW);
	while (w->len < WINDOW) {
		k = pread(pf->fd[PF_PIECES], w->buf + w->len, WINDOW - w->len,
		    (off_t)(at + (long long)w->len));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		w->len += (size_t)k;
	}
	pf->window_off = at;
	return w->len >= SL_MIN(need, (size_t)WINDOW) && w->len > 0 ? 0 : -1;
}

/*
 * The bytes a worker made of session s (SL_W_PIECE), to f.  Workers
 * write pieces about in input order, which is the output's: they are
 * read back a window at a time.
 */
static int
copy_piece(struct sl_convert *c, struct sl_wfile *f,
    const struct sl_wsess *s)
{
	struct piece_files *pf = c->pf;
	long long at = s->piece_off, end = at + s->piece_len, k;

	while (at < end) {
		if ((at < pf->window_off ||
		    at >= pf->window_off + (long long)pf->window.len) &&
		    fill_window(pf, at, (size_t)(end - at)) != 0) {
			failf(c, "spool file: read error");
			return SL_FATAL;
		}
		k = SL_MIN(end, pf->window_off + (long long)pf->window.len) -
		    at;
		if (sl_out_write(f->out, pf->window.buf + (at -
		    pf->window_off), (size_t)k) != SL_OK)
			return SL_STOP;
		at += k;
	}
	return SL_OK;
}

/* Session s into f through the writer's begin, put and end. */
static int
write_records(struct sl_convert *c, struct sl_wfile *f,
    const struct sl_wsess *s)
{
	const struct sl_writer *w = c->w;
	struct sl_spool_cur *cur;
	const struct sl_record *r;
	int rc = SL_OK, got = 0;

	if (w->begin != NULL)
		rc = w->begin(f, s);
	if (rc == SL_OK && s->body) {
		if ((rc = sl_body_write(s->spool, f->out)) == SL_FATAL)
			failf(c, "spool file: read error");
	} else if (rc == SL_OK) {
		cur = sl_spool_cursor(s->spool);
		while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0)
			rc = w->put(f, s, r);
		if (got < 0 && rc == SL_OK) {
			failf(c, "spool file: read error");
			rc = SL_FATAL;
		}
		sl_spool_cursor_free(cur);
	}
	if (rc == SL_OK && w->end != NULL)
		rc = w->end(f, s);
	return rc;
}

/* Write sessions ss[0..n) into one output o. */
static int
write_file(struct sl_convert *c, struct sl_out *o, struct sl_wsess *ss,
    size_t n)
{
	struct sl_wfile f;
	const struct sl_writer *w = c->w;
	int rc = SL_OK;
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
		if (i > 0 && w->gap != NULL && (rc = w->gap(&f)) != SL_OK)
			break;
		if (w->whole != NULL)
			rc = w->whole(&f, &ss[i]);
		else if (ss[i].piece_len >= 0)
			rc = copy_piece(c, &f, &ss[i]);
		else
			rc = write_records(c, &f, &ss[i]);
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
		ss[n].body = s->body;
		/* A worker's piece is the output when it shows every record. */
		ss[n].piece_off = s->piece_off;
		ss[n].piece_len = s->pieces == 1 && s->loose == 0 ?
		    s->piece_len : -1;
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

/* What the writer holds for body mode's renders, freed. */
static void
body_file_free(struct sl_convert *c)
{
	struct sl_buf junk;

	sl_body_free(&c->bd);
	if (c->bf.state == NULL)
		return;
	sl_buf_init(&junk);
	c->bf.mem = &junk;
	if (c->w->close != NULL)
		(void)c->w->close(&c->bf);
	sl_buf_free(&junk);
	free(c->bf.state);
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
	body_file_free(c);
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
	drop_held(c);
	sl_buf_free(&c->held);
	sl_buf_free(&c->held_sess);
	sl_body_mem_free(&c->held_body);
	free(c->held_sid);
	sl_buf_free(&c->piece);
	piece_files_free(c->pf);
	sl_sessions_free(c->tab);
	sl_report_free(c->rep);
	free(c);
}
