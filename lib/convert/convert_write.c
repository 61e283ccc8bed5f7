/*
 * convert_write.c: the outputs written at the end: one file, one file per
 * session in a folder, or an archive of them, from the spool or from the
 * pieces the workers wrote.
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

#define WINDOW		(1 << 18)	/* pieces read back at a time */

/* --------------------------------------------------------- writing */

/*
 * File i of the workers' from at into its window: up to WINDOW bytes, at
 * least need (the rest of what is being copied; a worker that failed to
 * write leaves nothing past its place).  0, or -1.
 */
static int
fill_window(struct piece_files *pf, int i, long long at, size_t need)
{
	struct sl_buf *w = &pf->window[i];
	ssize_t k;

	sl_buf_reset(w);
	sl_buf_reserve(w, WINDOW);
	while (w->len < WINDOW) {
		k = pread(pf->fd[i], w->buf + w->len, WINDOW - w->len,
		    (off_t)(at + (long long)w->len));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		w->len += (size_t)k;
	}
	pf->window_off[i] = at;
	return w->len >= SL_MIN(need, (size_t)WINDOW) && w->len > 0 ? 0 : -1;
}

/* The bytes of file i from at to end where they lie in its window, *p:
 * as many as it holds from at (at least need, at most end - at).  The
 * count, or -1 (the failure said). */
static long long
window_at(struct sl_convert *c, int i, long long at, long long end,
    size_t need, const char **p)
{
	struct piece_files *pf = c->pf;
	long long off = pf->window_off[i], len = (long long)pf->window[i].len;

	if ((at < off || at + (long long)need > off + len) &&
	    fill_window(pf, i, at, (size_t)(end - at)) != 0) {
		conv_fail(c, "spool file: read error");
		return -1;
	}
	off = pf->window_off[i];
	*p = pf->window[i].buf + (at - off);
	return SL_MIN(end, off + (long long)pf->window[i].len) - at;
}

/* Bytes at to end of file i to f.  Workers write about in input order,
 * which is the output's: the files are read back a window at a time. */
static int
copy_range(struct sl_convert *c, struct sl_wfile *f, int i, long long at,
    long long end)
{
	const char *p;
	long long k;

	while (at < end) {
		if ((k = window_at(c, i, at, end, 1, &p)) < 0)
			return SL_FATAL;
		if (sl_out_write(f->out, p, (size_t)k) != SL_OK)
			return SL_STOP;
		at += k;
	}
	return SL_OK;
}

/* The bytes of the chunks (convert/body.c) at to end of the blocks'
 * file, one after the other, to f: a body piece's middle. */
static int
copy_chunks(struct sl_convert *c, struct sl_wfile *f, long long at,
    long long end)
{
	const char *h;
	uint32_t len;
	int rc = SL_OK;

	while (rc == SL_OK && at < end) {
		if (end - at < 8 || window_at(c, PF_BLOCKS, at, end, 8, &h) < 0)
			break;
		memcpy(&len, h + 4, sizeof(len));
		if ((long long)len > end - at - 8)
			break;
		rc = copy_range(c, f, PF_BLOCKS, at + 8, at + 8 + len);
		at += 8 + (long long)len;
	}
	if (rc == SL_OK && at != end) {
		if (!c->failed)
			conv_fail(c, "spool file: read error");
		return SL_FATAL;
	}
	return rc;
}

/*
 * The bytes a worker made of session s (SL_W_PIECE), to f: with a
 * body piece's middle from the blocks' file in its place.
 */
static int
copy_piece(struct sl_convert *c, struct sl_wfile *f,
    const struct sl_wsess *s)
{
	long long at = s->piece_off, end = at + s->piece_len;
	long long mid = s->mid_len > 0 ? at + s->piece_head : end;
	int rc;

	if ((rc = copy_range(c, f, PF_PIECES, at, mid)) != SL_OK ||
	    s->mid_len <= 0)
		return rc;
	if ((rc = copy_chunks(c, f, s->mid_off, s->mid_off + s->mid_len)) !=
	    SL_OK)
		return rc;
	return copy_range(c, f, PF_PIECES, mid, end);
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
			conv_fail(c, "spool file: read error");
	} else if (rc == SL_OK) {
		cur = sl_spool_cursor(s->spool);
		while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0)
			rc = w->put(f, s, r);
		if (got < 0 && rc == SL_OK) {
			conv_fail(c, "spool file: read error");
			rc = SL_FATAL;
		}
		sl_spool_cursor_free(cur);
	}
	if (rc == SL_OK && w->end != NULL)
		rc = w->end(f, s);
	return rc;
}

/* Write sessions ss[0..n) into one output o. */
int
conv_write_file(struct sl_convert *c, struct sl_out *o, struct sl_wsess *ss,
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
int
conv_has_content(const struct csess *s)
{
	return s->sum.lines > 0 || s->sum.raw > 0;
}

/* A session with something to show besides what metadata says. */
int
conv_has_story(const struct csess *s)
{
	return conv_has_content(s) || s->telling > 0;
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
		return conv_write_file(c, o, &ss[i], 1);
	return sl_report_write(c->rep, SL_REPORT_HTML, o);
}

int
conv_write_dir(struct sl_convert *c, struct sl_wsess *ss, size_t n)
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
			conv_fail(c, "%s: exists (use --force to replace it)", path);
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
		conv_track_tmp(c, of.tmp);
		fd = dup(of.fd);
		o = fd >= 0 ? sl_out_fd(fd, path, 0) : NULL;
		if (o == NULL) {
			conv_fail(c, "%s: %s", path, strerror(errno));
			sl_ofile_abort(&of);
			rc = SL_FATAL;
			break;
		}
		rc = write_member(c, o, ss, n, i);
		if (conv_close_out(c, o, path) != SL_OK)
			rc = SL_FATAL;
		if (rc != SL_OK) {
			conv_fail(c, "%s: write error", path);
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

int
conv_write_archive(struct sl_convert *c, struct sl_wsess *ss, size_t n)
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

		if ((fd = conv_scratch_fd(c)) < 0) {
			rc = SL_FATAL;
			break;
		}
		ofd = dup(fd);
		o = ofd >= 0 ? sl_out_fd(ofd, name, 0) : NULL;
		if (o == NULL) {
			conv_fail(c, "%s: %s", name, strerror(errno));
			close(fd);
			rc = SL_FATAL;
			break;
		}
		rc = write_member(c, o, ss, n, i);
		if (conv_close_out(c, o, name) != SL_OK)
			rc = SL_FATAL;
		if (rc == SL_OK && fstat(fd, &st) != 0) {
			conv_fail(c, "%s: %s", name, strerror(errno));
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
			conv_fail(c, "%s: write error", name);
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
