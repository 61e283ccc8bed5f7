/*
 * convert.c: the driver of sl-convert.  Records come in through a sink;
 * a writer (formats/w_*.c) turns them into files:
 *
 *  - streaming: a writer that can stream (text, csv, records) writing one
 *    output gets each record as it arrives, with begin()/end() around
 *    each run of one session's records;
 *  - spooled: otherwise every record is appended to its session's spool
 *    file, and once the input is read each session is written whole,
 *    with its merged facts and counts, into one output, one file per
 *    session (--split), or an archive with a MANIFEST.
 *
 * Memory holds only per-session facts and counts, never lines: spools
 * are on disk, at most SPOOL_OPEN of them open while input is read.
 * Before anything is written, the spools are gathered into one unlinked
 * file, so that a run killed while writing (a closed pipe) leaves no
 * temporary files behind; output files appear under their final names
 * only when complete (lib/outfile.c).
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

#include "writer.h"

#define SPOOL_OPEN	128	/* spool files open at once while reading */
#define SPOOL_BUF	(1 << 14)	/* the buffer of each */
#define SAFE_MAX	160	/* bytes of a session id kept in a file name */
#define UNKNOWN_NAME	"unknown-session"

enum out_kind { OUT_STDOUT, OUT_FILE, OUT_DIR, OUT_ARCHIVE };

/* One session of the run. */
struct csess {
	const struct sl_session *info;
	struct sl_wsum sum;
	FILE *fp;		/* its spool, while open */
	int spooled;		/* its spool file exists */
	long long off, len;	/* in the gathered spool */
	long long used;		/* when its spool was last written */
};

struct sl_convert {
	struct sl_convert_opts o;
	const struct sl_writer *w;
	enum out_kind kind;
	enum sl_archive_kind ar;
	int gzip;
	int streaming;
	char now[25];
	struct sl_sessions *tab;
	struct csess **ss;		/* by sl_session.seq */
	size_t nss, capss;

	/* streaming */
	struct sl_ofile of;		/* FILE and ARCHIVE outputs */
	struct sl_out *out;
	struct sl_wfile file;
	int opened;
	struct csess *cur;
	struct sl_wsess cur_s;

	/* spooled */
	char *spooldir;
	struct csess *open[SPOOL_OPEN];
	int nopen;
	long long tick;
	struct sl_buf scratch;
	int gathered_fd;

	int failed;
	int stopped;		/* a streamed write failed: see close_out */
	char err[1024];

	/* What a signal handler may remove: fixed buffers, set before use. */
	char sig_spooldir[PATH_MAX];
	volatile sig_atomic_t sig_nspool;
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
	if (o == NULL)
		return SL_OK;
	if (sl_out_close(o) != SL_OK) {
		if (strcmp(name, "standard output") == 0)
			failf(c, "write error on standard output: %s",
			    strerror(errno));
		else
			failf(c, "%s: write error: %s", name, strerror(errno));
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

struct sl_convert *
sl_convert_new(const struct sl_convert_opts *o, char *err, size_t errlen)
{
	struct sl_convert *c;
	const struct sl_writer *w = sl_writer_lookup(o->target);
	const char *out = o->output;

	if (w == NULL) {
		snprintf(err, errlen, "unknown target '%s'", o->target);
		return NULL;
	}
	if (out != NULL && strcmp(out, "-") == 0)
		out = NULL;
	if (out == NULL && o->split) {
		snprintf(err, errlen, "--split needs -o FOLDER or -o an "
		    "archive (.tar.gz, .tgz, .tar, .zip)");
		return NULL;
	}
	if (out != NULL && *out == '\0') {
		snprintf(err, errlen, "empty output name");
		return NULL;
	}
	c = sl_xcalloc(1, sizeof(*c));
	c->o = *o;
	c->w = w;
	c->of.fd = -1;
	c->gathered_fd = -1;
	sl_buf_init(&c->scratch);
	sl_time_format(o->now_ms, c->now);
	c->tab = sl_sessions_new();
	if (out == NULL)
		c->kind = OUT_STDOUT;
	else if ((c->ar = sl_archive_kind(out)) != SL_AR_NONE)
		c->kind = OUT_ARCHIVE;
	else if (o->split || ends(out, "/") || is_dir(out))
		c->kind = OUT_DIR;
	else
		c->kind = OUT_FILE;
	c->gzip = c->kind == OUT_FILE && ends(out, ".gz");
	c->streaming = !(w->flags & SL_W_WHOLE) &&
	    (c->kind == OUT_STDOUT || c->kind == OUT_FILE);

	switch (c->kind) {
	case OUT_FILE:
	case OUT_ARCHIVE:
		if (sl_ofile_open(&c->of, out, o->force, err, errlen) !=
		    SL_OK)
			goto fail;
		track_tmp(c, c->of.tmp);
		break;
	case OUT_DIR:
		if (!is_dir(out)) {
			if (sl_ofile_exists(out) && !ends(out, "/")) {
				snprintf(err, errlen, "%s: exists and is not a "
				    "folder", out);
				goto fail;
			}
			if (mkdir(out, 0777) != 0) {
				snprintf(err, errlen, "%s: cannot create the "
				    "folder: %s", out, strerror(errno));
				goto fail;
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
			goto fail;
		}
		break;
	case OUT_STDOUT:
		break;
	}
	return c;
fail:
	sl_convert_free(c);
	return NULL;
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

static void
count(struct sl_convert *c, struct csess *s, const struct sl_record *r)
{
	struct sl_wsum *m = &s->sum;

	m->records++;
	switch (r->type) {
	case SL_LINE:
		m->lines++;
		if (r->has_prompt && !r->cont && r->len > r->prompt_len)
			m->commands++;
		if (c->w->flags & SL_W_WHOLE) {
			long long wd = (long long)sl_w_width(r->text, r->len);

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

/* ------------------------------------------------------- streaming */

static int
stream_open(struct sl_convert *c)
{
	int fd;

	c->opened = 1;
	if (c->kind == OUT_STDOUT)
		c->out = sl_out_fd(1, "standard output", 0);
	else {
		fd = dup(c->of.fd);
		if (fd < 0) {
			failf(c, "%s: %s", c->of.final, strerror(errno));
			return SL_STOP;
		}
		c->out = sl_out_fd(fd, c->of.final, c->gzip ? SL_OUT_GZIP : 0);
	}
	if (c->out == NULL) {
		failf(c, "out of memory");
		return SL_STOP;
	}
	c->file.out = c->out;
	c->file.opt = &c->o;
	c->file.state = sl_xcalloc(1, c->w->size + 1);
	memcpy(c->file.now, c->now, sizeof(c->now));
	return c->w->open != NULL ? c->w->open(&c->file) : SL_OK;
}

static int
stream_put(struct sl_convert *c, struct csess *s, const struct sl_record *r)
{
	if (!c->opened && stream_open(c) != SL_OK)
		return SL_STOP;
	if (c->cur != s) {
		if (c->cur != NULL && c->w->end != NULL &&
		    c->w->end(&c->file, &c->cur_s) != SL_OK)
			return SL_STOP;
		c->cur = s;
		memset(&c->cur_s, 0, sizeof(c->cur_s));
		c->cur_s.id = s->info->id;
		c->cur_s.info = s->info;
		c->cur_s.index = ++c->file.nsessions;
		if (c->w->begin != NULL &&
		    c->w->begin(&c->file, &c->cur_s) != SL_OK)
			return SL_STOP;
	}
	return c->w->put(&c->file, &c->cur_s, r);
}

/* --------------------------------------------------------- spooling */

static void
spool_path(const struct sl_convert *c, size_t seq, char *out, size_t n)
{
	snprintf(out, n, "%s/%zu", c->spooldir, seq);
}

static int
spool_close(struct sl_convert *c, struct csess *s)
{
	int i, rc = 0;

	if (s->fp == NULL)
		return 0;
	if (fclose(s->fp) != 0)
		rc = -1;
	s->fp = NULL;
	for (i = 0; i < c->nopen; i++)
		if (c->open[i] == s) {
			c->open[i] = c->open[--c->nopen];
			break;
		}
	if (rc != 0)
		failf(c, "spool file in %s: write error: %s", c->spooldir,
		    strerror(errno));
	return rc;
}

static int
spool_open(struct sl_convert *c, struct csess *s)
{
	char path[PATH_MAX];
	const char *tmp;
	int i, lru = 0;

	if (c->spooldir == NULL) {
		tmp = c->o.tmpdir != NULL ? c->o.tmpdir : getenv("TMPDIR");
		if (tmp == NULL || *tmp == '\0')
			tmp = "/tmp";
		c->spooldir = sl_xmalloc(strlen(tmp) + 32);
		sprintf(c->spooldir, "%s/sl-convert.XXXXXX", tmp);
		if (mkdtemp(c->spooldir) == NULL ||
		    strlen(c->spooldir) >= sizeof(c->sig_spooldir)) {
			failf(c, "cannot create a spool folder in %s: %s", tmp,
			    strerror(errno));
			free(c->spooldir);
			c->spooldir = NULL;
			return -1;
		}
		strcpy(c->sig_spooldir, c->spooldir);
	}
	if (c->nopen == SPOOL_OPEN) {
		for (i = 1; i < c->nopen; i++)
			if (c->open[i]->used < c->open[lru]->used)
				lru = i;
		if (spool_close(c, c->open[lru]) != 0)
			return -1;
	}
	spool_path(c, (size_t)s->info->seq, path, sizeof(path));
	if ((size_t)s->info->seq >= (size_t)c->sig_nspool)
		c->sig_nspool = (sig_atomic_t)(s->info->seq + 1);
	s->fp = fopen(path, s->spooled ? "ab" : "wbx");
	if (s->fp == NULL) {
		failf(c, "%s: cannot create a spool file: %s", path,
		    strerror(errno));
		return -1;
	}
	setvbuf(s->fp, NULL, _IOFBF, SPOOL_BUF);
	s->spooled = 1;
	c->open[c->nopen++] = s;
	return 0;
}

static int
spool_put(struct sl_convert *c, struct csess *s, const struct sl_record *r)
{
	if (s->fp == NULL && spool_open(c, s) != 0)
		return SL_STOP;
	s->used = ++c->tick;
	if (sl_spool_write(s->fp, &c->scratch, r) != 0) {
		failf(c, "spool file in %s: write error: %s", c->spooldir,
		    strerror(errno));
		return SL_STOP;
	}
	count(c, s, r);
	return SL_OK;
}

static int
convert_put(void *arg, const struct sl_record *r)
{
	struct sl_convert *c = arg;
	const struct sl_session *e;
	struct csess *s;

	if (c->failed || c->stopped)
		return SL_STOP;
	if (r->type == SL_SESSION)
		e = sl_sessions_merge(c->tab, r);
	else
		e = sl_sessions_get(c->tab, r->session, 1);
	s = csess_of(c, e);
	if (c->streaming) {
		count(c, s, r);
		if (stream_put(c, s, r) != SL_OK) {
			/* The error sits on the output; finish reports it. */
			c->stopped = 1;
			return SL_STOP;
		}
		return SL_OK;
	}
	return spool_put(c, s, r);
}

void
sl_convert_sink(struct sl_convert *c, struct sl_sink *sink)
{
	sink->put = convert_put;
	sink->arg = c;
	sink->want = c->w->want;
}

/*
 * Gather every spool into one file, unlinked from the start, and remove
 * the spool folder: from here on nothing is left on disk if we die.
 */
static int
gather(struct sl_convert *c)
{
	char path[PATH_MAX], *buf;
	size_t i;
	long long off = 0;
	ssize_t got;
	int fd, in;

	while (c->nopen > 0)
		if (spool_close(c, c->open[0]) != 0)
			return -1;
	if (c->spooldir == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/all.XXXXXX", c->spooldir);
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		failf(c, "cannot create a spool file in %s: %s", c->spooldir,
		    strerror(errno));
		return -1;
	}
	unlink(path);
	c->gathered_fd = fd;
	buf = sl_xmalloc(SPOOL_BUF);
	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL || !s->spooled)
			continue;
		spool_path(c, i, path, sizeof(path));
		if ((in = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			failf(c, "%s: %s", path, strerror(errno));
			break;
		}
		s->off = off;
		while ((got = read(in, buf, SPOOL_BUF)) != 0) {
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0 || write(fd, buf, (size_t)got) != got) {
				failf(c, "spool file in %s: write error: %s",
				    c->spooldir, got < 0 || errno != 0 ?
				    strerror(errno) : "short write");
				break;
			}
			off += got;
		}
		close(in);
		unlink(path);
		s->len = off - s->off;
		if (c->failed)
			break;
	}
	free(buf);
	return c->failed ? -1 : 0;
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

/*
 * A file name for session id with extension ext, safe in any folder:
 * characters other than letters, digits and . _ - @ + = , become _, a
 * leading dot or dash too, and the name is cut at SAFE_MAX bytes.  A changed id
 * gets the first 8 hex digits of its SHA-256, so two ids never share a
 * name because of the changes.
 */
char *
sl_w_safe_name(const char *id, const char *ext)
{
	struct sl_buf b;
	const char *p;
	unsigned char d[32];
	char hex[65];
	int changed = 0;

	sl_buf_init(&b);
	if (id == NULL) {
		sl_buf_adds(&b, UNKNOWN_NAME);
		sl_buf_adds(&b, ext);
		return b.buf;
	}
	for (p = id; *p != '\0' && b.len < SAFE_MAX; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '@' ||
		    ch == '+' || ch == '=' || ch == ',' ||
		    ((ch == '.' || ch == '-') && p != id))
			sl_buf_addc(&b, ch);
		else {
			sl_buf_addc(&b, '_');
			changed = 1;
		}
	}
	if (*p != '\0' || b.len == 0)
		changed = 1;
	if (changed) {
		sl_sha256(id, strlen(id), d);
		sl_sha256_hex(d, hex);
		sl_buf_addc(&b, '-');
		sl_buf_add(&b, hex, 8);
	}
	sl_buf_adds(&b, ext);
	return b.buf;
}

/* Per-session names, unique within the run. */
static char **
make_names(struct sl_convert *c, struct sl_wsess *ss, size_t n)
{
	struct sl_sessions *used = sl_sessions_new();
	char **names = sl_xcalloc(n + 1, sizeof(*names));
	size_t i;

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

static int
write_dir(struct sl_convert *c, struct sl_wsess *ss, size_t n)
{
	char **names = make_names(c, ss, n), *path;
	struct sl_ofile of;
	struct sl_out *o;
	size_t i;
	int rc = SL_OK, fd;

	path = sl_xmalloc(strlen(c->o.output) + SAFE_MAX + 64);
	/* Refuse before writing anything: all or nothing, as far as we can. */
	for (i = 0; i < n && !c->o.force; i++) {
		sprintf(path, "%s/%s", c->o.output, names[i]);
		if (sl_ofile_exists(path)) {
			failf(c, "%s: exists (use --force to replace it)", path);
			rc = SL_FATAL;
			break;
		}
	}
	for (i = 0; i < n && rc == SL_OK; i++) {
		sprintf(path, "%s/%s", c->o.output, names[i]);
		/* A name from input: no link in the folder is followed. */
		if (sl_ofile_open_in(&of, c->o.output, names[i], c->o.force,
		    c->err, sizeof(c->err)) != SL_OK) {
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
		rc = write_file(c, o, &ss[i], 1);
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

/* An unlinked temporary file in the spool's folder. */
static int
scratch_fd(struct sl_convert *c)
{
	char path[PATH_MAX];
	const char *tmp = c->o.tmpdir != NULL ? c->o.tmpdir : getenv("TMPDIR");
	int fd;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(path, sizeof(path), "%s/sl-convert.XXXXXX", tmp);
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0) {
		failf(c, "cannot create a temporary file in %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
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
	for (i = 0; i < n && rc == SL_OK; i++) {
		if ((fd = scratch_fd(c)) < 0) {
			rc = SL_FATAL;
			break;
		}
		ofd = dup(fd);
		o = ofd >= 0 ? sl_out_fd(ofd, names[i], 0) : NULL;
		if (o == NULL) {
			failf(c, "%s: %s", names[i], strerror(errno));
			close(fd);
			rc = SL_FATAL;
			break;
		}
		rc = write_file(c, o, &ss[i], 1);
		if (close_out(c, o, names[i]) != SL_OK)
			rc = SL_FATAL;
		if (rc == SL_OK && fstat(fd, &st) != 0) {
			failf(c, "%s: %s", names[i], strerror(errno));
			rc = SL_FATAL;
		}
		if (rc == SL_OK && sl_archive_add_fd(a, names[i], fd,
		    (long long)st.st_size, hex, c->err, sizeof(c->err)) !=
		    SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
		}
		if (rc == SL_OK)
			sl_buf_printf(&manifest, "%s  %lld  %s\n", hex,
			    (long long)st.st_size, names[i]);
		else
			failf(c, "%s: write error", names[i]);
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
	if (c->spooldir != NULL) {
		rmdir(c->spooldir);
		c->sig_nspool = 0;
	}
	ss = sl_xcalloc(c->nss + 1, sizeof(*ss));
	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL)
			continue;
		/* A typescript or recording of no lines is no file. */
		if ((c->w->flags & SL_W_ONE) && !has_content(s))
			continue;
		ss[n].id = s->info->id;
		ss[n].info = s->info;
		ss[n].sum = &s->sum;
		ss[n].spool = sl_spool_new(c->gathered_fd, s->off, s->len);
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
	for (i = 0; i < n; i++)
		sl_spool_free(ss[i].spool);
	free(ss);
	if (rc != SL_OK)
		failf(c, "write error");
	return rc;
}

int
sl_convert_finish(struct sl_convert *c, char *err, size_t errlen)
{
	int rc = SL_OK;

	if (c->failed)
		rc = SL_FATAL;
	else if (c->streaming) {
		if (!c->opened)
			rc = stream_open(c) == SL_OK ? SL_OK : SL_FATAL;
		if (rc == SL_OK && c->cur != NULL && c->w->end != NULL &&
		    c->w->end(&c->file, &c->cur_s) != SL_OK)
			rc = SL_FATAL;
		if (c->opened && c->w->close != NULL &&
		    c->w->close(&c->file) != SL_OK)
			rc = SL_FATAL;
		c->opened = 0;
		if (close_out(c, c->out, c->kind == OUT_STDOUT ?
		    "standard output" : c->of.final) != SL_OK)
			rc = SL_FATAL;
		c->out = NULL;
		if (rc != SL_OK)
			failf(c, "write error");
	} else
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

/* Only unlink, rmdir and stack buffers: safe in a signal handler. */
void
sl_convert_cleanup(struct sl_convert *c)
{
	char path[PATH_MAX];
	size_t n, i, k;
	long long seq;

	if (c == NULL)
		return;
	if (c->sig_tmp_set)
		unlink(c->sig_tmp);
	if (c->sig_dir_set)
		rmdir(c->sig_dir);	/* only when empty */
	if (c->sig_spooldir[0] == '\0')
		return;
	n = strlen(c->sig_spooldir);
	memcpy(path, c->sig_spooldir, n);
	path[n] = '/';
	for (seq = 0; seq < (long long)c->sig_nspool; seq++) {
		char digits[24];
		long long v = seq;

		k = 0;
		do {
			digits[k++] = (char)('0' + v % 10);
		} while ((v /= 10) > 0);
		i = n + 1;
		while (k > 0 && i < sizeof(path) - 1)
			path[i++] = digits[--k];
		path[i] = '\0';
		unlink(path);
	}
	rmdir(c->sig_spooldir);
}

void
sl_convert_free(struct sl_convert *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nss; i++)
		if (c->ss[i] != NULL && c->ss[i]->fp != NULL)
			fclose(c->ss[i]->fp);
	sl_convert_cleanup(c);
	if (c->opened && c->w->close != NULL)
		c->w->close(&c->file);
	if (c->out != NULL)
		sl_out_close(c->out);
	sl_ofile_abort(&c->of);
	if (c->gathered_fd >= 0)
		close(c->gathered_fd);
	for (i = 0; i < c->nss; i++)
		free(c->ss[i]);
	free(c->ss);
	free(c->file.state);
	free(c->spooldir);
	sl_buf_free(&c->scratch);
	sl_sessions_free(c->tab);
	free(c);
}
