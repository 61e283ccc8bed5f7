/*
 * input_archive.c: archive members through libarchive: the archive read
 * from the input's own buffer, a member's bytes as a source, its name
 * made printable, the dictionary sizes of xz and lzma checked before
 * libarchive allocates them.
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

#define ARC_CHUNK	(64 * 1024)	/* bytes handed to libarchive at once */
/* ----------------------------------------------------------- archives */

/*
 * Remember that [a, b) was handed to libarchive.  For the ratio, what
 * counts is the compressed bytes consumed (arc_in()): a seekable zip is
 * read at its start (to bid), at its end (the directory), then from its
 * first member on, and counting those bytes twice, or the end's before
 * the members reach it, would let a deflate bomb (1030:1) pass under the
 * ratio (1000:1) for hundreds of megabytes.
 */
static void
arc_count(struct arc *ar, long long a, long long b)
{
	int i, j;

	for (i = j = 0; i < ar->nseen; i++) {
		if (ar->seen[i].b < a || ar->seen[i].a > b) {
			ar->seen[j++] = ar->seen[i];
			continue;
		}
		a = SL_MIN(a, ar->seen[i].a);
		b = SL_MAX(b, ar->seen[i].b);
	}
	ar->nseen = j;
	if (ar->nseen < ARC_SEEN) {
		ar->seen[ar->nseen].a = a;
		ar->seen[ar->nseen].b = b;
		ar->nseen++;
	} else
		ar->unseen += b - a;	/* counted whole: the safe side */
}

/* Compressed bytes consumed: those handed, up to the read position. */
static long long
arc_in(const struct arc *ar)
{
	long long pos = ar->lower->off, n = ar->unseen;
	int i;

	for (i = 0; i < ar->nseen; i++)
		if (ar->seen[i].a < pos)
			n += SL_MIN(ar->seen[i].b, pos) - ar->seen[i].a;
	return n;
}

/* A view's bytes into its own buffer, before what they lie in moves. */
static void
view_keep(struct sl_in *m)
{
	size_t n = m->w - m->r;

	m->cap = in_round_buf(SL_MAX(n, (size_t)1));
	m->buf = sl_xmalloc(m->cap);
	memcpy(m->buf, m->data + m->r, n);
	m->data = m->buf;
	m->r = 0;
	m->w = n;
}

/*
 * The next bytes of lo for libarchive, at most ARC_CHUNK, where they lie
 * (*p): in lo's buffer, or once that is empty, in an inflate-ahead slot
 * (no copy into lo's buffer: it was a fifth of the parent's work on a
 * tar.gz with -j N).  0: the end or lo's error.
 */
static size_t
arc_chunk(struct sl_in *lo, const unsigned char **p)
{
	ssize_t got;

	if (lo->r == lo->w && !lo->eof && lo->fill == in_ahead_fill) {
		got = in_ahead_view(lo, p, ARC_CHUNK);
		if (got > 0)
			lo->produced += got;
		if (got <= 0 || lo->errstate != ERR_NONE)
			lo->eof = 1;
		return got > 0 ? (size_t)got : 0;
	}
	in_fill_to(lo, 1);
	*p = lo->data + lo->r;
	return SL_MIN(lo->w - lo->r, (size_t)ARC_CHUNK);
}

static la_ssize_t
arc_read(struct archive *a, void *cd, const void **buf)
{
	struct arc *ar = cd;
	struct sl_in *lo = ar->lower;
	const unsigned char *p;
	size_t n;

	/* lo's buffer is about to move under a member's view. */
	if (ar->view != NULL) {
		view_keep(ar->view);
		ar->view = NULL;
	}

	/*
	 * The chunk stays valid until the next call, the only place lo's
	 * buffer moves.  Small chunks keep the ratio count honest.
	 */
	n = arc_chunk(lo, &p);
	if (n == 0) {
		if (lo->errstate == ERR_PENDING) {
			ar->lower_failed = 1;
			archive_set_error(a, EIO, "%s", lo->errmsg);
			lo->errstate = ERR_TAKEN;
			return -1;
		}
		return 0;
	}
	*buf = p;
	if (p == lo->data + lo->r)
		lo->r += n;
	arc_count(ar, lo->off, lo->off + (long long)n);
	lo->off += (long long)n;
	return (la_ssize_t)n;
}

/*
 * Only for a regular file read from its start, so lo->off is the file
 * offset.  Lets libarchive read zip and 7-Zip by their directories and
 * skip member data it is not asked for.
 */
static la_int64_t
arc_seek(struct archive *a, void *cd, la_int64_t off, int whence)
{
	struct arc *ar = cd;
	struct sl_in *lo = ar->lower;
	off_t to;

	switch (whence) {
	case SEEK_SET:
		to = lseek(lo->seekfd, (off_t)off, SEEK_SET);
		break;
	case SEEK_CUR:
		to = lseek(lo->seekfd, (off_t)(lo->off + off), SEEK_SET);
		break;
	case SEEK_END:
		to = lseek(lo->seekfd, (off_t)off, SEEK_END);
		break;
	default:
		to = -1;
		errno = EINVAL;
		break;
	}
	if (to == -1) {
		archive_set_error(a, errno, "cannot seek: %s",
		    strerror(errno));
		return ARCHIVE_FATAL;
	}
	lo->r = lo->w = 0;
	lo->off = (long long)to;
	lo->eof = 0;
	return (la_int64_t)to;
}

/*
 * The compression whose magic starts p, for messages: libarchive knows
 * its filters only once it has opened them.
 */
const char *
in_comp_name(const unsigned char *p, size_t n)
{
	static const struct {
		const char *name;
		const char *magic;
		size_t len;
	} c[] = {
		{ "bzip2", "BZh", 3 },
		{ "xz", "\3757zXZ\0", 6 },
		{ "zstd", "\050\265\057\375", 4 },
		{ "lzip", "LZIP", 4 },
		{ "lz4", "\004\042\115\030", 4 },
		{ "compress", "\037\235", 2 },
		{ "lzma", "\135\0\0", 3 },
	};
	size_t i;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		if (n >= c[i].len && memcmp(p, c[i].magic, c[i].len) == 0)
			return c[i].name;
	return NULL;
}

/* libarchive's error in our words, into msg. */
static void
arc_msg(struct arc *ar, char *msg, size_t len)
{
	const char *s = archive_error_string(ar->a);
	const char *comp = archive_filter_count(ar->a) > 1 ?
	    archive_filter_name(ar->a, 0) : ar->comp;

	if (s == NULL)
		s = "unknown error";
	if (ar->lower_failed) {
		/* the lower layer's own message, already in our form; not
		 * libarchive's, which a failed skip replaces with its own */
		snprintf(msg, len, "%s", ar->lower->errmsg);
	} else if (ar->lower->seekfd < 0 && strstr(s, "seek") != NULL) {
		/* 7-Zip and some zip files need their end first */
		snprintf(msg, len, "this archive cannot be read without "
		    "seeking (from a pipe or inside another archive)");
	} else if (comp != NULL && (archive_format(ar->a) == 0 ||
	    archive_format(ar->a) == ARCHIVE_FORMAT_RAW)) {
		/* One compressed file (bzip2, xz, ...): as for gzip. */
		if (strstr(s, "No progress") != NULL ||
		    strstr(s, "runcated") != NULL ||
		    strstr(s, "premature end") != NULL)
			snprintf(msg, len, "unexpected end of %s data "
			    "(truncated file)", comp);
		else {
			snprintf(msg, len, "corrupt %s data: %s", comp, s);
			in_tidy_msg(msg + strlen(msg) - strlen(s));
		}
	} else {
		snprintf(msg, len, "corrupt archive: %s", s);
		in_tidy_msg(msg + strlen("corrupt archive: "));
	}
}

static void
arc_seterr(struct sl_in *in, struct arc *ar)
{
	char msg[sizeof in->errmsg];

	arc_msg(ar, msg, sizeof msg);
	in_seterr(in, "%s", msg);
}

void
in_arc_report(struct walk *w, struct arc *ar, const char *where)
{
	char msg[1024];

	arc_msg(ar, msg, sizeof msg);
	in_walk_report(w, where, "%s", msg);
}

/* The entry's next block: the one in_member_view() looked at and left,
 * else libarchive's. */
static int
data_block(struct arc *ar, const void **blk, size_t *len, la_int64_t *off)
{
	if (ar->has_next) {
		ar->has_next = 0;
		*blk = ar->next.blk;
		*len = ar->next.len;
		*off = ar->next.off;
		return ar->next.r;
	}
	return archive_read_data_block(ar->a, blk, len, off);
}

/* A block for in_member_fill() to take as if it had asked for it. */
static void
data_unget(struct arc *ar, int r, const void *blk, size_t len,
    la_int64_t off)
{
	ar->next.r = r;
	ar->next.blk = blk;
	ar->next.len = len;
	ar->next.off = off;
	ar->has_next = 1;
}

ssize_t
in_member_fill(struct sl_in *in, unsigned char *dst, size_t n)
{
	struct arc *ar = in->ctx;
	const void *blk;
	la_int64_t boff;
	size_t got = 0, k, len;
	int r;

	while (got < n) {
		if (ar->hole > 0) {
			k = (size_t)SL_MIN((long long)(n - got), ar->hole);
			memset(dst + got, 0, k);
			ar->hole -= (long long)k;
			got += k;
			continue;
		}
		if (ar->blen > 0) {
			k = SL_MIN(n - got, ar->blen);
			memcpy(dst + got, ar->blk, k);
			ar->blk += k;
			ar->blen -= k;
			got += k;
			continue;
		}
		/* Deliver what we have before asking for more (pipes). */
		if (ar->entry_end || got > 0)
			break;
		/*
		 * Blocks, not archive_read_data(): that one drops the count
		 * of bytes already copied when it meets an error.
		 */
		r = data_block(ar, &blk, &len, &boff);
		if (r == ARCHIVE_EOF) {
			ar->entry_end = 1;
			break;
		}
		if (r != ARCHIVE_OK) {
			ar->entry_end = 1;
			if (r == ARCHIVE_FATAL)
				ar->fatal = 1;
			arc_seterr(in, ar);
			break;
		}
		if (boff > ar->pos)
			ar->hole = boff - ar->pos;
		ar->blk = blk;
		ar->blen = len;
		ar->pos = boff + (long long)len;
	}
	ar->out_total += (long long)got;
	if (in_over_ratio(ar->out_total, arc_in(ar))) {
		in_bomb_err(in);
		ar->stop = 1;
		ar->entry_end = 1;
	}
	if (got == 0 && in->errstate != ERR_NONE)
		return -1;
	return (ssize_t)got;
}

/*
 * The member's name as stored (a tar header's bytes) when it is ASCII
 * with no '?': its UTF-8 form is then the same bytes, and asking for
 * that form costs a trip through wide characters (6,500 instructions a
 * member, a twentieth of what the walk of a tar.gz of small logs costs
 * beside inflating).  A '?' may stand for a character a conversion
 * lost, so such a name takes the long way.  Else NULL.
 */
static const char *
ascii_name(struct archive_entry *e)
{
	const char *path = archive_entry_pathname(e);
	const unsigned char *c;

	if (path == NULL)
		return NULL;
	for (c = (const unsigned char *)path; *c != '\0'; c++)
		if (*c >= 0x80 || *c == '?')
			return NULL;
	return path;
}

/* "archive//member", without a leading "./" or "/" of the member. */
char *
in_member_name(const char *outer, struct archive_entry *e)
{
	/*
	 * UTF-8 first: in the C locale the multibyte accessor turns every
	 * non-ASCII character of a zip name marked UTF-8 into '?', merging
	 * jösé-… and müller-… into one session.  A name in no known charset
	 * (raw tar bytes) has no UTF-8 form: then its bytes as stored.
	 */
	const char *path = ascii_name(e);
	char *name;
	size_t len;

	if (path == NULL)
		path = archive_entry_pathname_utf8(e);
	if (path == NULL)
		path = archive_entry_pathname(e);
	if (path == NULL)
		path = "?";
	for (;;) {
		if (path[0] == '/')
			path++;
		else if (path[0] == '.' && path[1] == '/')
			path += 2;
		else
			break;
	}
	len = strlen(outer) + 2 + strlen(path) + 1;
	name = sl_xmalloc(len);
	snprintf(name, len, "%s//%s", outer, path);
	return name;
}

struct archive *
in_arc_open(struct arc *ar)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	/*
	 * Not archive_read_support_*_all(): that brings mtree (which opens
	 * local files named inside the archive), text formats that could
	 * claim a log (mtree, warc, uuencode), and filters that always run
	 * an external program (lrzip, grzip, lzop).
	 */
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_compress(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_empty(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
	/* Last, and bids least: a lone compressed stream is one member. */
	archive_read_support_format_raw(a);
	archive_read_set_callback_data(a, ar);
	archive_read_set_read_callback(a, arc_read);
	if (ar->lower->seekfd >= 0)
		archive_read_set_seek_callback(a, arc_seek);
	return a;
}

/* A varint of the xz format at *p (below end), or -1. */
static long long
xz_varint(const unsigned char **p, const unsigned char *end)
{
	long long v = 0;
	int i;

	for (i = 0; i < 9 && *p < end; i++) {
		v |= (long long)(**p & 0x7f) << (7 * i);
		if ((*(*p)++ & 0x80) == 0)
			return v;
	}
	return -1;
}

/* The LZMA2 dictionary of the first xz block header in p, or 0. */
static long long
xz_dict(const unsigned char *p, size_t n)
{
	const unsigned char *q = p + 12, *end;
	long long id, psize;
	int nfilt, i, bits;

	if (n < 14 || p[12] == 0 || n < 12 + ((size_t)p[12] + 1) * 4)
		return 0;
	end = q + ((size_t)p[12] + 1) * 4;
	nfilt = (q[1] & 3) + 1;
	q += 2;
	if ((p[13] & 0x40) && xz_varint(&q, end) < 0)
		return 0;
	if ((p[13] & 0x80) && xz_varint(&q, end) < 0)
		return 0;
	for (i = 0; i < nfilt; i++) {
		id = xz_varint(&q, end);
		psize = xz_varint(&q, end);
		if (id < 0 || psize < 0 || psize > end - q)
			return 0;
		if (id == 0x21 && psize == 1) {
			bits = *q & 0x3f;
			if (bits >= 40)
				return 0xffffffffLL;
			return (long long)(2 | (bits & 1)) << (bits / 2 + 11);
		}
		q += psize;
	}
	return 0;
}

/*
 * The dictionary a stream of LZMA family asks for (xz, lzma, lzip),
 * from its header, or 0.  The decoder allocates it whole before the
 * first byte comes out, and libarchive sets no memory limit: a 1 GiB log
 * compressed with a 768 MiB dictionary would take 790 MB to read.
 */
static long long
lzma_dict(const unsigned char *p, size_t n)
{
	if (n >= 6 && memcmp(p, "\3757zXZ\0", 6) == 0)
		return xz_dict(p, n);
	if (n >= 6 && memcmp(p, "LZIP\1", 5) == 0)
		return (1LL << (p[5] & 0x1f)) -
		    ((1LL << (p[5] & 0x1f)) / 16) * (p[5] >> 5);
	if (n >= 13 && p[0] == 0x5d)
		return in_le32(p + 1);
	return 0;
}

/* Every member of the archive in lo, each through open_stream. */
/*
 * An LZMA/XZ stream whose dictionary is over SL_DICT_MAX is refused
 * before libarchive allocates it: returns 1, reported and counted.
 */
int
in_dict_refused(struct walk *w, struct sl_in *lo, const char *comp)
{
	long long dict = lzma_dict(lo->data + lo->r, lo->w - lo->r);

	if (dict <= SL_DICT_MAX)
		return 0;
	in_walk_report(w, lo->name, "%s dictionary of %lld MiB, over the limit "
	    "of %lld MiB, refusing (it would take that much memory)",
	    comp != NULL ? comp : "LZMA", dict >> 20, SL_DICT_MAX >> 20);
	if (w->st != NULL) {
		w->st->units++;	/* the stream, as one unit */
		w->st->rejected++;
	}
	return 1;
}

/*
 * A small tar member whose data libarchive hands over in one block (the
 * common case in a tar.gz of session logs): m shows the block where it
 * lies, as a view over memory (sl_in_mem()) does, rather than a copy of
 * it in m's buffer.  The calls to libarchive are in_member_fill()'s, in the
 * same order: the block, then (a member smaller than the sniff asks for
 * more at once) the entry's end; should that end move lo's buffer (the
 * padding in the next chunk), arc_read() first copies the view
 * (view_keep()).  Then nothing asks libarchive for more before the next
 * header, and the block stays valid while the member is read.  Tar only:
 * its block is all of its entry (a zip's last call checks a CRC).  What
 * does not fit is left for in_member_fill(), as if it had asked.
 */
void
in_member_view(struct arc *ar, struct sl_in *m, long long size)
{
	const void *blk;
	la_int64_t off;
	size_t len;
	int r;

	if (size <= 0 || size >= IN_SNIFF ||
	    (archive_format(ar->a) & ARCHIVE_FORMAT_BASE_MASK) !=
	    ARCHIVE_FORMAT_TAR)
		return;
	r = archive_read_data_block(ar->a, &blk, &len, &off);
	if (r != ARCHIVE_OK || off != 0 || (long long)len != size ||
	    in_over_ratio(ar->out_total + size, arc_in(ar))) {
		data_unget(ar, r, blk, len, off);
		return;
	}
	ar->out_total += size;
	ar->pos = size;
	m->data = blk;
	m->w = len;
	m->produced = size;
	ar->view = m;
	r = archive_read_data_block(ar->a, &blk, &len, &off);
	if (r == ARCHIVE_EOF) {
		ar->entry_end = 1;
		m->eof = 1;
	} else {
		/* More, or an error: in_member_fill() goes on from its
		 * buffer. */
		if (ar->view != NULL)
			view_keep(m);
		data_unget(ar, r, blk, len, off);
	}
	ar->view = NULL;
}
