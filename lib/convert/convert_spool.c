/*
 * convert_spool.c: records taken in: counted per session and source,
 * kept in the spool (or, for a writer whose bytes depend on the record
 * alone, as the bytes put() makes), and the driver's failures.
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
#include "convert.h"

#define SPOOL_BUF	(1 << 18)	/* the shared spool's write buffer */

/* ------------------------------------------------------------- errors */

void
conv_fail(struct sl_convert *c, const char *fmt, ...)
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
void
conv_track_tmp(struct sl_convert *c, const char *path)
{
	c->sig_tmp_set = 0;
	if (path != NULL && strlen(path) < sizeof(c->sig_tmp)) {
		strcpy(c->sig_tmp, path);
		c->sig_tmp_set = 1;
	}
}

/* Close an sl_out; an error becomes the run's error.  SL_OK/SL_FATAL. */
int
conv_close_out(struct sl_convert *c, struct sl_out *o, const char *name)
{
	struct sl_error e;

	if (o == NULL)
		return SL_OK;
	if (sl_out_close(o, &e) != SL_OK) {
		if (strcmp(name, "standard output") == 0)
			conv_fail(c, "write error on standard output: %s",
			    strerror(e.sys));
		else
			conv_fail(c, "%s: write error: %s", name,
			    strerror(e.sys));
		return SL_FATAL;
	}
	return SL_OK;
}

int
conv_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

int
conv_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* ------------------------------------------------------- sessions */

struct csess *
conv_csess_of(struct sl_convert *c, const struct sl_session *e)
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
struct csrc *
conv_source_at(struct csrc **v, size_t *n, size_t *last, const char *src,
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
	return conv_source_at(v, n, last, src, sl_src_input_len(src));
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
void
conv_count_in(struct sl_convert *c, struct csess *s, struct sl_wsum *m,
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

void
conv_count_record(struct sl_convert *c, struct csess *s,
    const struct sl_record *r, long long wd)
{
	struct csrc *e = NULL;

	if (r->type == SL_LINE && r->src != NULL)
		e = source_of(s, r->src);
	conv_count_in(c, s, &s->sum, e, r, wd);
}

/* --------------------------------------------------------- spooling */

/* An unlinked temporary file in $TMPDIR (or --tmpdir). */
int
conv_scratch_fd(struct sl_convert *c)
{
	int fd = sl_tmpfile(c->o.tmpdir, "sl-convert");

	if (fd < 0)
		conv_fail(c, "cannot create a temporary file in %s: %s",
		    sl_tmpdir(c->o.tmpdir), strerror(errno));
	return fd;
}

static int
spool_open(struct sl_convert *c)
{
	int fd = conv_scratch_fd(c);

	if (fd < 0)
		return -1;
	if ((c->spool.fp = fdopen(fd, "w+b")) == NULL) {
		conv_fail(c, "spool file: %s", strerror(errno));
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
int
conv_spool_ready(struct sl_convert *c, struct csess *s)
{
	if (c->spool.fp == NULL && spool_open(c) != 0)
		return -1;
	if (s->sp == NULL)
		s->sp = sl_spool_new(c->spool.fd, 0, 0);
	return 0;
}

/* Append r to the shared spool as the next bytes of s's spool: the
 * bytes a worker encoded it in (enc, n), else encoded here. */
int
conv_spool_append(struct sl_convert *c, struct csess *s,
    const struct sl_record *r, const void *enc, size_t n)
{
	int rc;

	if (conv_spool_ready(c, s) != 0)
		return -1;
	rc = enc != NULL ? sl_spool_append_encoded(&c->spool, s->sp, enc, n) :
	    sl_spool_append(&c->spool, s->sp, r);
	if (rc != 0) {
		conv_fail(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Written bytes are read back with pread: out of stdio's buffer first. */
int
conv_spool_flush(struct sl_convert *c)
{
	if (c->spool.fp != NULL && fflush(c->spool.fp) != 0) {
		conv_fail(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}


/* The file body mode renders records in, set up once: put()'s bytes
 * depend on the record alone (SL_W_BODY), not on what it saw before.
 * What open() writes is the output file's, not a session's: dropped. */
void
conv_body_file(struct sl_convert *c)
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

/* What put() makes of r (a record of s), as the next bytes of spool sp
 * with tag.  0, or -1. */
int
conv_body_put(struct sl_convert *c, struct sl_spool *sp, uint32_t tag,
    const struct csess *s, const struct sl_record *r)
{
	struct sl_buf *to = sl_body_at(&c->bd, &c->spool, sp, tag);

	if (to == NULL) {
		conv_fail(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return conv_body_render(c, s, r, to);
}

/* The open chunk to its spool, before the spool is read.  0, or -1. */
int
conv_body_flush(struct sl_convert *c)
{
	if (sl_body_flush(&c->bd, &c->spool) != 0) {
		conv_fail(c, "spool file: write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
take_body(struct sl_convert *c, struct csess *s, const struct sl_record *r)
{
	struct csrc *t;
	size_t len = 0;
	uint32_t tag = conv_body_tag(s, r, &t, &len);

	/* A worker's body piece before it goes first (conv_take_block). */
	if ((s->block_len > 0 && conv_take_block(c, s) != 0) ||
	    conv_spool_ready(c, s) != 0 ||
	    conv_body_put(c, s->sp, tag, s, r) != 0)
		return SL_STOP;
	conv_body_count(c, s, t, r, len);
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
int
conv_take_record(struct sl_convert *c, const struct sl_record *r,
    const void *enc, size_t n, long long wd)
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
	s = conv_csess_of(c, e);
	if (c->body && (s->body || s->pieces == 0)) {
		s->body = 1;
		return take_body(c, s, r);
	}
	if (conv_take_block(c, s) != 0 ||
	    conv_spool_append(c, s, r, enc, n) != 0)
		return SL_STOP;
	conv_count_record(c, s, r, wd);
	s->loose++;
	return SL_OK;
}

int
convert_put(void *arg, const struct sl_record *r)
{
	return conv_take_record(arg, r, NULL, 0, -1);
}

/* What conv_count_record() made of some records (in) added to what it made of
 * others (m): as if it had counted them all. */
void
conv_sum_add(struct sl_wsum *m, const struct sl_wsum *in)
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

/*
 * The records of s's piece, from the blocks' file to its spool: from now
 * on the spool has them all.  Done as soon as anything else comes for
 * s, so that they stand where -j 1 has them.  0, or -1.
 */
int
conv_take_block(struct sl_convert *c, struct csess *s)
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
		conv_fail(c, "spool file: read error");
		return -1;
	}
	return conv_spool_append(c, s, NULL, b->buf, n);
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

void
conv_free_sources(struct csess *s)
{
	free_list(s->src, s->nsrc);
	free_list(s->tag, s->ntag);
}
