/*
 * input.c: the input layer.  Every path becomes a tree of leaf inputs
 * (struct sl_in) that the format readers pull bytes and lines from.
 *
 * An sl_in is a buffered reader over one "layer": a file descriptor,
 * bytes in memory, a gzip stream decoded with zlib, or the data of one
 * libarchive entry.  Layers stack: the gzip layer pulls compressed bytes
 * from the sl_in below it, and libarchive is fed from the sl_in below it
 * through a read callback.  Each layer owns one buffer (IN_BUFSZ, grown
 * only to hold a line piece), so memory stays bounded whatever the size
 * of the input.
 *
 * What a stream holds is decided from its first bytes only, never from
 * its name: peeking does not consume, so standard input needs no special
 * case -- the bytes looked at are simply handed on to the next layer.
 *
 * Errors travel upward: a layer that fails keeps its message "pending";
 * the layer above takes it over when it runs into it, and the leaf
 * reports it (through the walk's error callback) once the bytes decoded
 * before it have been delivered.  Whoever frees a layer reports an error
 * still pending, so nothing is lost when a reader stops early.
 *
 * One error is not the end: a corrupt member of a multi-member gzip
 * stream (Firehose objects are records gzipped one by one and simply
 * concatenated) is reported at once and skipped up to the next member
 * header, so the members after it are still read.  The decoded stream
 * then has a "break" where the members were joined; readers of formats
 * that span members (JSON documents) ask for breaks with
 * sl_in_next_break() and start afresh there.
 *
 * This file keeps the walk: paths, directories in sorted order,
 * standard input, each leaf opened through its decompression or
 * archive, and archive members walked as leaves of their own.
 */
#define ZLIB_CONST

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#include "base/archive_dl.h"
#include "internal.h"
#include "input_in.h"

static int leaf(struct walk *, struct sl_in *);
static int open_stream(struct walk *, struct sl_in *, int, int);
static int walk_path(struct walk *, const char *, int);

/* A leaf for a stream that decompresses to nothing at all. */
static int
empty_leaf(struct walk *w, const char *name)
{
	struct sl_in *in = sl_in_mem(name, NULL, 0);
	int rc;

	rc = leaf(w, in);
	sl_in_free(in);
	return rc;
}

/*
 * archive_read_next_header() in a UTF-8 locale: libarchive converts
 * member names to the locale's charset as it reads the header, and in
 * the C locale a zip name marked UTF-8 loses every non-ASCII character
 * to '?' (jösé-… and müller-… would merge into one session).  The
 * locale is this thread's only, and only for the call.
 */
static int
next_header(struct archive *a, struct archive_entry **e)
{
	static locale_t utf8;
	locale_t old;
	int r;

	if (utf8 == (locale_t)0)
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (utf8 == (locale_t)0)
		return archive_read_next_header(a, e);
	old = uselocale(utf8);
	r = archive_read_next_header(a, e);
	uselocale(old);
	return r;
}

/*
 * The name of the entry e as an input in *name (malloc'd): 1.  0: not a
 * file to read (a folder, a hard link's second name).  -1: a corrupt
 * archive, reported.
 */
static int
entry_name(struct walk *w, struct arc *ar, struct sl_in *lo,
    struct archive_entry *e, char **name)
{
	if (archive_format(ar->a) == ARCHIVE_FORMAT_RAW &&
	    archive_filter_count(ar->a) <= 1) {
		/*
		 * Raw and not compressed: what looked like an archive (a
		 * tar's "ustar") has a header libarchive rejects.  Reading
		 * it as its own member would find the same magic again, one
		 * level deeper, until SL_NEST_MAX.
		 */
		in_walk_report(w, lo->name, "corrupt archive: damaged or "
		    "unrecognized archive header");
		return -1;
	}
	if (archive_format(ar->a) == ARCHIVE_FORMAT_RAW) {
		/* Not an archive: a compressed file keeps its name. */
		*name = sl_xstrdup(lo->name);
		return 1;
	}
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	if (archive_entry_hardlink(e) != NULL && archive_entry_size(e) == 0)
		return 0;
	*name = in_member_name(lo->name, e);
	return 1;
}

/* Read the current entry of ar, of size bytes (as its header says), as
 * the input name (freed here). */
static int
open_member(struct walk *w, struct arc *ar, char *name, long long size,
    int depth)
{
	struct sl_in *m = in_new(name, w);

	free(name);
	m->ctx = ar;
	m->fill = in_member_fill;
	ar->blk = NULL;
	ar->blen = 0;
	ar->pos = 0;
	ar->hole = 0;
	ar->entry_end = 0;
	in_member_view(ar, m, size);
	return open_stream(w, m, depth, 0);
}

/* Every member of the archive in lo; *ended: it ended as an archive
 * does (not at an error). */
static int
walk_archive(struct walk *w, struct sl_in *lo, int depth, int *ended)
{
	struct archive_entry *e;
	struct arc ar;
	la_int64_t failpos = -1, pos;
	int r, rc = SL_OK, leaves = 0, failed = 0;
	char *name;

	memset(&ar, 0, sizeof ar);
	ar.lower = lo;
	ar.comp = in_comp_name(lo->data + lo->r, lo->w - lo->r);
	if (in_dict_refused(w, lo, ar.comp))
		return SL_OK;
	if ((ar.a = in_arc_open(&ar)) == NULL) {
		in_walk_report(w, lo->name, "%s",
		    sl_archive_dl_failure("out of memory"));
		return SL_OK;
	}
	if (archive_read_open1(ar.a) != ARCHIVE_OK) {
		in_arc_report(w, &ar, lo->name);
		goto out;
	}
	for (;;) {
		r = next_header(ar.a, &e);
		if (r == ARCHIVE_EOF) {
			/*
			 * A compressed empty stream, or an archive of no
			 * files (folders only, a zip listing nothing): one
			 * empty input, so that it is not silently nothing.
			 */
			if (leaves == 0 && !failed)
				rc = empty_leaf(w, lo->name);
			*ended = 1;
			break;
		}
		if (r == ARCHIVE_FATAL) {
			in_arc_report(w, &ar, lo->name);
			break;
		}
		if (r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
			in_arc_report(w, &ar, lo->name);
			failed = 1;
			/* Give up when libarchive makes no headway. */
			pos = archive_filter_bytes(ar.a, -1);
			if (pos == failpos)
				break;
			failpos = pos;
			continue;
		}
		/* ARCHIVE_OK, or ARCHIVE_WARN: a usable header. */
		r = entry_name(w, &ar, lo, e, &name);
		if (r < 0) {
			failed = 1;
			break;
		}
		if (r == 0)
			continue;
		leaves++;
		rc = open_member(w, &ar, name, archive_entry_size(e), depth);
		if (rc != SL_OK || ar.fatal || ar.stop)
			break;
	}
out:
	archive_read_free(ar.a);
	return rc;
}

/*
 * An archive straight inside gzip (in, the gzip layer).  libarchive
 * stops reading at the archive's end blocks, before the gzip trailer:
 * the rest is read here, so that the trailer's CRC and size are checked
 * and garbage after them is found, as for a plain .gz.
 */
static int
gzip_archive(struct walk *w, struct sl_in *in, int depth)
{
	int ended = 0, rc = walk_archive(w, in, depth, &ended);

	while (ended && !in->eof) {
		in->r = in->w;
		in_fill_to(in, 1);
	}
	in->r = in->w;
	return rc;
}

/* ------------------------------------------------------------ walking */

/* Free a layer, reporting an error nobody has reported yet. */
static void
in_close(struct walk *w, struct sl_in *in)
{
	if (in->map != NULL) {
		in_map_check(in, 0);	/* shrank where nobody looked: say so */
		in_unmap(in);
	}
	in_report(in);
	if (sl_in_failed(in))
		w->rejected = 1;
	if (w->spare == NULL && in->buf != NULL && in->cap == IN_BUFSZ) {
		w->spare = in->buf;
		in->buf = NULL;
		in->data = (const unsigned char *)"";
	}
	sl_in_free(in);
}

/*
 * What --stats counts: the bytes read(2) gave, and for a file read in
 * place those handed out past them, as read(2) would have read them
 * (not the whole file for a reader that stopped early).
 */
static long long
bytes_read(const struct sl_in *in)
{
	if (in->map != NULL)
		return SL_MAX(in->produced, (long long)in->r);
	return in->produced;
}

static int
leaf(struct walk *w, struct sl_in *in)
{
	int rc;

	if (w->st != NULL)
		w->st->inputs++;
	rc = w->fn(w->arg, in);
	if (w->st != NULL)
		w->st->bytes += bytes_read(in);
	if (rc == SL_REJECT)
		w->rejected = 1;
	return rc == SL_STOP || rc == SL_FATAL ? rc : SL_OK;
}

/*
 * Decide from its first bytes what in holds, read it, and free it.
 * depth counts the levels of compression and archives below in.  An
 * archive straight inside gzip (tar.gz) shares the gzip's level, as it
 * would if libarchive decoded both; we decode gzip ourselves because
 * libarchive's filter drops up to 64 KiB of output at a truncation, and
 * so that tar.gz gets the same checks and messages as a plain .gz.
 * Returns SL_OK, or SL_STOP/SL_FATAL from the leaf function.
 */
static int
open_stream(struct walk *w, struct sl_in *in, int depth, int gzipped)
{
	int kind, rc = SL_OK, ended = 0;

	/* Not over a view: its bytes are all there is (in_member_view()). */
	if (in->buf == NULL && !in->eof && w->spare != NULL) {
		in->buf = w->spare;
		in->data = in->buf;
		in->cap = IN_BUFSZ;
		w->spare = NULL;
	}
	in_fill_to(in, IN_SNIFF);
	kind = in_sniff_magic(in->data + in->r, in->w - in->r);
	if (kind == K_PLAIN) {
		(void)in_map(in);	/* read in place when it is worth it */
		rc = leaf(w, in);
	}
	else if (kind == K_ARCHIVE && gzipped)
		rc = gzip_archive(w, in, depth);
	else if (depth >= SL_NEST_MAX)
		in_walk_report(w, in->name, "nested too deep (over %d levels "
		    "of compression and archives), skipped", SL_NEST_MAX);
	else if (kind == K_GZIP)
		rc = open_stream(w, in_ahead_new(w, in_gz_new(w, in), in),
		    depth + 1, 1);
	else
		rc = walk_archive(w, in, depth + 1, &ended);
	in_close(w, in);
	return rc;
}

static int
walk_fd(struct walk *w, int fd, const char *name, int own, int seekable,
    int fifo)
{
	return open_stream(w, in_fd_new(w, fd, name, own, seekable, fifo), 0,
	    0);
}

/* A folder's entry: its name, and its type when readdir() knows it. */
struct dent {
	char *name;
	unsigned char type;	/* DT_REG, DT_DIR, ...; DT_UNKNOWN */
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(((const struct dent *)a)->name,
	    ((const struct dent *)b)->name);
}

static int	walk_file(struct walk *, const char *, int);

static int
walk_dir(struct walk *w, const char *path)
{
	struct dirent *de;
	DIR *d;
	struct dent *names = NULL;
	char *child;
	size_t n = 0, cap = 0, i, len, slash;
	int rc = SL_OK;

	if ((d = opendir(path)) == NULL) {
		in_walk_report(w, path, "cannot open: %s", strerror(errno));
		return SL_OK;
	}
	/* Read it all first: one descriptor open, however deep the tree. */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				in_walk_report(w, path, "cannot read "
				    "directory: %s", strerror(errno));
			break;
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = sl_xrealloc(names, cap * sizeof *names);
		}
		names[n].type = de->d_type;
		names[n++].name = sl_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_names);
	len = strlen(path);
	slash = len > 0 && path[len - 1] == '/' ? 0 : 1;
	for (i = 0; i < n; i++) {
		if (rc == SL_OK) {
			/* path "/" name, copied: snprintf cost about
			 * 1,000 instructions a file. */
			size_t nl = strlen(names[i].name);

			child = sl_xmalloc(len + slash + nl + 1);
			memcpy(child, path, len);
			child[len] = '/';
			memcpy(child + len + slash, names[i].name, nl + 1);
			/* A regular file needs no lstat(): open it at once,
			 * or let the caller take it whole. */
			if (names[i].type != DT_REG)
				rc = walk_path(w, child, 0);
			else if (w->take == NULL ||
			    (rc = w->take(w->arg, child)) == SL_IN_NOT_TAKEN)
				rc = walk_file(w, child, 0);
			free(child);
		}
		free(names[i].name);
	}
	free(names);
	return rc;
}

/*
 * top: a path the user named, whose symlinks are followed even to a
 * directory.  Below it, symlinks to directories are not followed (no
 * loops, no walking out of the tree).
 */
static int
walk_path(struct walk *w, const char *path, int top)
{
	struct stat sb;

	if ((top ? stat(path, &sb) : lstat(path, &sb)) == -1) {
		in_walk_report(w, path, "cannot open: %s", strerror(errno));
		return SL_OK;
	}
	if (S_ISLNK(sb.st_mode)) {
		if (stat(path, &sb) == -1) {
			in_walk_report(w, path, "cannot open: %s",
			    strerror(errno));
			return SL_OK;
		}
		if (S_ISDIR(sb.st_mode))
			return SL_OK;
	}
	if (S_ISDIR(sb.st_mode))
		return walk_dir(w, path);
	if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
		in_walk_report(w, path, "not a regular file, skipped");
		return SL_OK;
	}
	return walk_file(w, path, S_ISFIFO(sb.st_mode));
}

/*
 * Open and read the file (or FIFO) at path.  What is open is checked
 * again: a folder entry may have changed since it was listed.
 */
static int
walk_file(struct walk *w, const char *path, int fifo)
{
	struct stat sb;
	int fd;

	/* A FIFO without a writer would block open(): see in_fd_fill(). */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC |
	    (fifo ? O_NONBLOCK : 0))) == -1) {
		in_walk_report(w, path, "cannot open: %s", strerror(errno));
		return SL_OK;
	}
	if (fstat(fd, &sb) == -1) {
		in_walk_report(w, path, "cannot open: %s", strerror(errno));
		close(fd);
		return SL_OK;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
		close(fd);
		return walk_path(w, path, 0);
	}
	return walk_fd(w, fd, path, 1, S_ISREG(sb.st_mode),
	    S_ISFIFO(sb.st_mode));
}

int
sl_input_walk(const char *path, sl_leaf_fn fn, void *arg, sl_errfn err,
    void *errarg, struct sl_stats *st)
{
	return sl_input_walk_take(path, fn, NULL, arg, err, errarg, st);
}

int
sl_input_plain(const unsigned char *p, size_t n)
{
	return in_sniff_magic(p, SL_MIN(n, (size_t)IN_SNIFF)) == K_PLAIN;
}

int
sl_input_walk_take(const char *path, sl_leaf_fn fn, sl_take_fn take,
    void *arg, sl_errfn err, void *errarg, struct sl_stats *st)
{
	struct walk w;
	int rc;

	memset(&w, 0, sizeof w);
	w.fn = fn;
	w.take = take;
	w.arg = arg;
	w.err = err;
	w.errarg = errarg;
	w.st = st;
	if (strcmp(path, "-") == 0) {
		struct stat sb;

		/* "< file.zip": seekable like a named file, if at its start */
		rc = walk_fd(&w, STDIN_FILENO, "-", 0,
		    fstat(STDIN_FILENO, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    lseek(STDIN_FILENO, 0, SEEK_CUR) == 0, 0);
	}
	else
		rc = walk_path(&w, path, 1);
	free(w.spare);
	if (rc != SL_OK)
		return rc;
	return w.rejected ? SL_REJECT : SL_OK;
}
