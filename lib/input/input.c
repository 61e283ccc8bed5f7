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

#define IN_BUFSZ	(256 * 1024)	/* one buffer per layer */
#define IN_MINREAD	(16 * 1024)	/* compact rather than read less */
#define IN_SNIFF	(32768 + 7)	/* bytes looked at: ISO 9660 is deepest */
#define ARC_CHUNK	(64 * 1024)	/* bytes handed to libarchive at once */
#define ARC_SEEN	16		/* ranges remembered for the ratio */
#define GZ_RESYNC_MAX	100		/* corrupt members skipped, then stop */
#define GZ_CHECK_EVERY	512		/* compressed bytes between ratio checks */
#define GZ_MAX_RATIO	1032LL		/* deflate's most bytes made of one */
#define GZ_HELD		(64 * 1024)	/* more than inflate may owe from bits held */
#define FIFO_WAIT_MS	3000		/* for a writer to open a named FIFO */

_Static_assert(IN_BUFSZ >= SL_PEEK, "a peek must fit the first buffer");
_Static_assert(SL_PEEK >= IN_SNIFF, "sniffing is a peek");

enum {
	ERR_NONE,
	ERR_PENDING,		/* set by a fill, not yet reported */
	ERR_REPORTED,		/* reported by this layer */
	ERR_TAKEN		/* handed to the layer above */
};

struct sl_in {
	char *name;
	const unsigned char *data;	/* visible bytes are data[r, w) */
	unsigned char *buf;		/* our buffer; NULL over memory */
	size_t cap;
	size_t r;
	size_t w;
	int eof;			/* fill will not be called again */
	int cont;			/* the last line piece had *more set */
	long long lineno;
	long long off;			/* bytes consumed */
	long long produced;		/* bytes the fill made (for stats) */
	int seekfd;			/* fd of a regular file at offset 0, or -1 */
	int errstate;
	char errmsg[512];
	int resynced;			/* an error was reported, data skipped */
	int refused;			/* the rest was refused as a bomb */
	long long *brk;			/* offsets where data was skipped */
	size_t nbrk;

	/*
	 * Append up to n bytes at dst.  Returns the count, 0 at the end, or
	 * -1 after in_seterr().  A fill may also return bytes and set an
	 * error: those bytes are delivered first.
	 */
	ssize_t (*fill)(struct sl_in *in, unsigned char *dst, size_t n);
	void (*close)(struct sl_in *in);
	void *ctx;
	sl_errfn err;
	void *errarg;
};

struct walk {
	sl_leaf_fn fn;
	sl_take_fn take;	/* NULL: the walk opens every file itself */
	void *arg;
	sl_errfn err;
	void *errarg;
	struct sl_stats *st;
	int rejected;
	/*
	 * One input buffer kept between inputs: a folder of many small
	 * files would otherwise allocate and free IN_BUFSZ for each.
	 */
	unsigned char *spare;
};

static int leaf(struct walk *, struct sl_in *);
static int open_stream(struct walk *, struct sl_in *, int, int);
static int walk_path(struct walk *, const char *, int);

/* ------------------------------------------------------------- errors */

static void
report(struct walk *w, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct walk *w, const char *where, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	w->rejected = 1;
	if (w->err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sl_clean_controls(msg);
	w->err(w->errarg, where, msg);
}

static void
in_seterr(struct sl_in *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Keep the first error only: later ones are consequences of it. */
static void
in_seterr(struct sl_in *in, const char *fmt, ...)
{
	va_list ap;

	if (in->errstate != ERR_NONE)
		return;
	va_start(ap, fmt);
	vsnprintf(in->errmsg, sizeof in->errmsg, fmt, ap);
	va_end(ap);
	sl_clean_controls(in->errmsg);
	in->errstate = ERR_PENDING;
}

/* The layer above ran into lo's error: it becomes in's to report. */
static void
in_take(struct sl_in *in, struct sl_in *lo)
{
	in_seterr(in, "%s", lo->errmsg);
	in->refused |= lo->refused;
	lo->errstate = ERR_TAKEN;
}

/* Report a pending error at "name:line" (the last line delivered). */
static void
in_report(struct sl_in *in)
{
	char *where;
	size_t len;

	if (in->errstate != ERR_PENDING)
		return;
	in->errstate = ERR_REPORTED;
	if (in->err == NULL)
		return;
	if (in->lineno == 0) {
		in->err(in->errarg, in->name, in->errmsg);
		return;
	}
	len = strlen(in->name) + 24;
	where = sl_xmalloc(len);
	snprintf(where, len, "%s:%lld", in->name, in->lineno);
	in->err(in->errarg, where, in->errmsg);
	free(where);
}

/*
 * Library messages ("Truncated tar archive.") in our form: lowercase
 * first word unless it is an acronym ("ZIP bad CRC"), no final period.
 */
static void
tidy_msg(char *s)
{
	size_t n, i, j;

	if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
		s[0] = (char)(s[0] - 'A' + 'a');
	/* "lzma library error:  No progress": one space is enough */
	for (i = j = 0; s[i] != '\0'; i++)
		if (!(s[i] == ' ' && j > 0 && s[j - 1] == ' '))
			s[j++] = s[i];
	s[j] = '\0';
	n = j;
	while (n > 0 && (s[n - 1] == '.' || s[n - 1] == '\n' ||
	    s[n - 1] == ' '))
		s[--n] = '\0';
}

static void
bomb_err(struct sl_in *in)
{
	in_seterr(in, "decompression ratio over %d:1, refusing "
	    "(possible decompression bomb)", SL_EXPAND_RATIO);
	in->refused = 1;
}

/* Past the free allowance, output may not outgrow input by the ratio. */
static int
over_ratio(long long out, long long in)
{
	return out > SL_EXPAND_FREE && out > (long long)SL_EXPAND_RATIO * in;
}

/* -------------------------------------------------------- the reader */

static struct sl_in *
in_new(const char *name, const struct walk *w)
{
	struct sl_in *in = sl_xcalloc(1, sizeof *in);

	in->name = sl_xstrdup(name);
	in->data = (const unsigned char *)"";	/* a valid empty view */
	in->seekfd = -1;
	if (w != NULL) {
		in->err = w->err;
		in->errarg = w->errarg;
	}
	return in;
}

static size_t
round_buf(size_t need)
{
	return (need + IN_BUFSZ - 1) / IN_BUFSZ * IN_BUFSZ;
}

/*
 * Make the buffer able to show need bytes from r and take a read after
 * them.  Compacting moves only what is visible (a partial line at most),
 * so reads stay large and copies small.
 */
static void
make_room(struct sl_in *in, size_t need)
{
	size_t avail = in->w - in->r;

	if (in->buf == NULL || need > in->cap) {
		size_t cap = round_buf(SL_MAX(need, (size_t)IN_BUFSZ));

		in->buf = sl_xrealloc(in->buf, cap);
		in->data = in->buf;
		in->cap = cap;
	}
	if (in->r > 0 && (in->cap - in->r < need ||
	    in->cap - in->w < IN_MINREAD)) {
		memmove(in->buf, in->buf + in->r, avail);
		in->r = 0;
		in->w = avail;
	}
}

/* Make at least need bytes visible, or all that remain. */
static void
fill_to(struct sl_in *in, size_t need)
{
	ssize_t got;

	while (in->w - in->r < need && !in->eof) {
		make_room(in, need);
		got = in->fill(in, in->buf + in->w, in->cap - in->w);
		if (got > 0) {
			in->w += (size_t)got;
			in->produced += got;
		}
		if (got <= 0 || in->errstate != ERR_NONE)
			in->eof = 1;
	}
}

/* Nothing visible and nothing more to come: end or the pending error. */
static int
in_end(struct sl_in *in)
{
	if (in->errstate == ERR_PENDING) {
		in_report(in);
		return -1;
	}
	return 0;
}

const char *
sl_in_name(const struct sl_in *in)
{
	return in->name;
}

size_t
sl_in_peek(struct sl_in *in, const unsigned char **p, size_t want)
{
	want = SL_MIN(want, (size_t)SL_PEEK);
	fill_to(in, want);
	/* Nothing before an error: report it now (sl_in_failed() says so). */
	if (in->w == in->r && in->eof)
		(void)in_end(in);
	*p = in->data + in->r;
	return SL_MIN(want, in->w - in->r);
}

size_t
sl_in_peek_whole(struct sl_in *in, const unsigned char **p, size_t max)
{
	size_t want = IN_BUFSZ;

	/* Grow step by step: most inputs end within the first buffer. */
	for (;;) {
		fill_to(in, want);
		if (in->eof || in->w - in->r > max)
			break;
		want = SL_MIN(want * 2, max + 1);
	}
	*p = in->data + in->r;
	if (!in->eof || in->w - in->r > max || in->errstate != ERR_NONE ||
	    in->resynced || in->refused || in->nbrk > 0)
		return SIZE_MAX;
	return in->w - in->r;
}

/*
 * Bytes read count lines as sl_in_line() does (the line of the last
 * byte handed out), so that an error names the line where it struck.
 */
static void
count_lines(struct sl_in *in, const void *buf, size_t n)
{
	const char *p = buf, *end = p + n, *nl;

	if (n == 0)
		return;
	if (!in->cont)
		in->lineno++;
	while ((nl = memchr(p, '\n', (size_t)(end - 1 - p))) != NULL) {
		in->lineno++;
		p = nl + 1;
	}
	in->cont = end[-1] != '\n';
}

ssize_t
sl_in_read(struct sl_in *in, void *buf, size_t n)
{
	size_t avail;
	ssize_t got;

	if (n == 0)
		return 0;
	if (n > SSIZE_MAX)
		n = SSIZE_MAX;
	avail = in->w - in->r;
	if (avail == 0 && !in->eof && n >= IN_BUFSZ) {
		/* A large read goes straight to the caller: no copy. */
		got = in->fill(in, buf, n);
		if (got > 0) {
			in->produced += got;
			in->off += got;
			count_lines(in, buf, (size_t)got);
		}
		if (got <= 0 || in->errstate != ERR_NONE)
			in->eof = 1;
		if (got > 0)
			return got;
		return in_end(in);
	}
	if (avail == 0) {
		fill_to(in, 1);
		avail = in->w - in->r;
		if (avail == 0)
			return in_end(in);
	}
	n = SL_MIN(n, avail);
	memcpy(buf, in->data + in->r, n);
	count_lines(in, buf, n);
	in->r += n;
	in->off += (long long)n;
	return (ssize_t)n;
}

/* Hand out len bytes as a line piece; a line is counted at its start. */
static int
piece(struct sl_in *in, const char **p, size_t *n, int *more, size_t len,
    int m)
{
	*p = (const char *)in->data + in->r;
	*n = len;
	*more = m;
	if (!in->cont)
		in->lineno++;
	in->cont = m;
	in->r += len;
	in->off += (long long)len;
	return 1;
}

/* sl_in_line() on from where a whole line was not found in the bytes
 * buffered (the first scanned of them have no newline). */
static int
line_rest(struct sl_in *in, const char **p, size_t *n, int *more,
    size_t scanned)
{
	const unsigned char *nl;
	size_t avail, lim;

	for (;;) {
		avail = in->w - in->r;
		lim = SL_MIN(avail, (size_t)SL_LINE_PIECE);
		if (scanned < lim) {
			nl = memchr(in->data + in->r + scanned, '\n',
			    lim - scanned);
			if (nl != NULL)
				return piece(in, p, n, more,
				    (size_t)(nl - (in->data + in->r)) + 1, 0);
			scanned = lim;
		}
		/* No newline in a full piece: more only if bytes follow. */
		if (avail > SL_LINE_PIECE)
			return piece(in, p, n, more, SL_LINE_PIECE, 1);
		if (in->eof) {
			if (avail > 0)
				return piece(in, p, n, more, avail, 0);
			return in_end(in);
		}
		fill_to(in, avail + 1);
	}
}

/*
 * memchr(s, '\n', n), inline: lines are short, so the call and the
 * registers it makes sl_in_line() save cost as much as the search.
 * Never reads past s + n (the bytes may be the caller's, sl_in_mem).
 */
static inline const unsigned char *
find_newline(const unsigned char *s, size_t n)
{
#ifdef __SSE2__
	const __m128i lf = _mm_set1_epi8('\n');
	size_t steps = SL_MIN(n, (size_t)128) / 32;

	/* The first 128 bytes here, 32 a step; memchr (wider vectors) for
	 * longer lines, as escape-dense ones are. */
	for (; steps > 0; steps--, s += 32, n -= 32) {
		__m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(
		    (const __m128i *)(const void *)s), lf);
		__m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(
		    (const __m128i *)(const void *)(s + 16)), lf);
		unsigned m = (unsigned)_mm_movemask_epi8(a) |
		    (unsigned)_mm_movemask_epi8(b) << 16;

		if (m != 0)
			return s + __builtin_ctz(m);
	}
#endif
	return n > 0 ? memchr(s, '\n', n) : NULL;
}

int
sl_in_line(struct sl_in *in, const char **p, size_t *n, int *more)
{
	const unsigned char *s = in->data + in->r, *nl;
	size_t lim = SL_MIN(in->w - in->r, (size_t)SL_LINE_PIECE);

	/* The common case, with no loop (it runs once per line): a whole
	 * line is in the buffer. */
	nl = find_newline(s, lim);
	if (nl != NULL)
		return piece(in, p, n, more, (size_t)(nl - s) + 1, 0);
	return line_rest(in, p, n, more, lim);
}

long long
sl_in_skip_lines(struct sl_in *in)
{
	const char *p;
	size_t n;
	int more, in_piece = 0;
	long long lines = 0;

	while (sl_in_line(in, &p, &n, &more) > 0) {
		if (!in_piece)
			lines++;
		in_piece = more;
	}
	return lines;
}

long long
sl_in_lineno(const struct sl_in *in)
{
	return in->lineno;
}

long long
sl_in_offset(const struct sl_in *in)
{
	return in->off;
}

int
sl_in_failed(const struct sl_in *in)
{
	return in->errstate == ERR_REPORTED || in->resynced;
}

int
sl_in_refused(const struct sl_in *in)
{
	return in->refused;
}

long long
sl_in_next_break(const struct sl_in *in, long long from)
{
	size_t i;

	for (i = 0; i < in->nbrk; i++)
		if (in->brk[i] >= from)
			return in->brk[i];
	return -1;
}

struct sl_in *
sl_in_mem(const char *name, const void *p, size_t n)
{
	struct sl_in *in = in_new(name, NULL);

	in->data = p != NULL ? p : (const void *)"";
	in->w = n;
	in->eof = 1;
	return in;
}

void
sl_in_free(struct sl_in *in)
{
	if (in == NULL)
		return;
	if (in->close != NULL)
		in->close(in);
	free(in->buf);
	free(in->brk);
	free(in->name);
	free(in);
}

/* --------------------------------------------------- file descriptors */

struct fdsrc {
	int fd;
	int own;
	int fifo;	/* a named FIFO opened non-blocking, no writer seen */
};

/* Wait for input on fd; ms < 0: for ever.  Returns poll()'s count. */
static int
wait_in(int fd, int ms)
{
	struct pollfd pfd;
	int r;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while ((r = poll(&pfd, 1, ms)) < 0 && errno == EINTR)
		;
	return r;
}

static ssize_t
fd_fill(struct sl_in *in, unsigned char *dst, size_t n)
{
	struct fdsrc *f = in->ctx;
	ssize_t got;

	for (;;) {
		got = read(f->fd, dst, n);
		if (got > 0 || (got == 0 && !f->fifo)) {
			f->fifo = 0;
			return got;
		}
		if (got == 0) {
			/*
			 * A named FIFO that no writer has opened yet reads as
			 * empty.  Wait for one, but not for ever: nobody may
			 * be coming (a leftover FIFO in a log folder).  Then
			 * data, or EAGAIN (a writer, silent so far), or the
			 * end (a writer came and went) tell what happened.
			 */
			int woke = wait_in(f->fd, FIFO_WAIT_MS);

			got = read(f->fd, dst, n);
			if (got >= 0)
				f->fifo = 0;
			if (got == 0 && woke == 0) {
				in_seterr(in, "no writer on this FIFO after "
				    "%d s, skipped", FIFO_WAIT_MS / 1000);
				return -1;
			}
			if (got >= 0)
				return got;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* No data yet (standard input left non-blocking by
			 * someone, or a FIFO whose writer is slow). */
			f->fifo = 0;
			(void)wait_in(f->fd, -1);
			continue;
		}
		in_seterr(in, "read error: %s", strerror(errno));
		return -1;
	}
}

static void
fd_close(struct sl_in *in)
{
	struct fdsrc *f = in->ctx;

	if (f->own)
		(void)close(f->fd);
	free(f);
}

static struct sl_in *
fd_in(const struct walk *w, int fd, const char *name, int own, int seekable,
    int fifo)
{
	struct sl_in *in = in_new(name, w);
	struct fdsrc *f = sl_xmalloc(sizeof *f);

	f->fd = fd;
	f->own = own;
	f->fifo = fifo;
	in->ctx = f;
	in->fill = fd_fill;
	in->close = fd_close;
	if (seekable)
		in->seekfd = fd;
	return in;
}

/* --------------------------------------------------------------- gzip */

/*
 * zlib's own check of each member (crc32_z over every byte it makes) was
 * a fifth of the work of reading a tar.gz, so zlib is told not to check
 * (inflateValidate) and the layer checks the trailer itself with
 * libdeflate's crc32, several times faster, giving zlib's messages at
 * the offsets zlib gave them.  A member whose header has its own check
 * (FHCRC, rare) is left to zlib whole.
 */
struct gz {
	z_stream z;
	struct sl_in *lower;
	long long in_total;	/* compressed bytes consumed */
	long long out_total;	/* bytes produced */
	int between;		/* a member ended; what follows is unknown */
	int done;
	int resyncs;		/* corrupt members skipped */
	char bad[256];		/* a corrupt member to skip on the next fill */
	long long bad_at;	/* ...at this compressed offset */
	long long bad_skip;	/* trailer bytes zlib would not have read */
	int fresh;		/* a member starts at the next fill */
	int own_check;		/* we check this member's crc and size */
	uint32_t crc;		/* of this member's bytes so far */
	uint32_t size;		/* ...and their count, mod 2^32 */
	unsigned char tail[8];	/* the last compressed bytes consumed */
	long long check_at;	/* in_total of the next ratio check */
	int draining;		/* at check_at: what it makes is not all out */
	int ratio_due;		/* the last step ended at a check */
};

/*
 * After a member: another member, zero padding up to the end (tape
 * blocks; ignored), or garbage.  Returns 1 when a member starts, 0 at
 * the end, -1 on error.
 */
static int
gz_next_member(struct sl_in *in, struct gz *g)
{
	struct sl_in *lo = g->lower;
	const unsigned char *p;
	size_t avail, i;

	for (;;) {
		fill_to(lo, 2);
		avail = lo->w - lo->r;
		p = lo->data + lo->r;
		if (avail == 0) {
			if (lo->errstate == ERR_PENDING) {
				in_take(in, lo);
				return -1;
			}
			return 0;
		}
		if (avail >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
			if (inflateReset(&g->z) != Z_OK) {
				in_seterr(in, "corrupt gzip data");
				return -1;
			}
			g->fresh = 1;
			return 1;
		}
		for (i = 0; i < avail && p[i] == 0; i++)
			continue;
		if (i < avail) {
			in_seterr(in, "trailing garbage after gzip data");
			return -1;
		}
		lo->r += avail;
		lo->off += (long long)avail;
		g->in_total += (long long)avail;
	}
}

/* Could p (4 bytes) start a gzip member?  ID1 ID2 CM=deflate, FLG. */
static int
gz_member_start(const unsigned char *p)
{
	return p[0] == 0x1f && p[1] == 0x8b && p[2] == 8 && (p[3] & 0xe0) == 0;
}

/*
 * The member being decoded is corrupt (why, in g->bad): skip to the next
 * member header.  Found: report the error now, mark a break in the
 * decoded stream there, and go on (1).  Not found: the error ends the
 * stream, as for a single member (0).
 */
static int
gz_resync(struct sl_in *in, struct gz *g)
{
	struct sl_in *lo = g->lower;
	const unsigned char *p, *h;
	long long skipped = g->bad_skip;
	size_t avail, k;
	char msg[512];

	if (g->resyncs >= GZ_RESYNC_MAX)
		return 0;
	for (;;) {
		fill_to(lo, 4);
		avail = lo->w - lo->r;
		if (avail < 4)
			return 0;	/* the end, or lo's error: fatal */
		p = lo->data + lo->r;
		h = memchr(p, 0x1f, avail - 3);
		k = h == NULL ? avail - 3 : (size_t)(h - p);
		lo->r += k;
		lo->off += (long long)k;
		g->in_total += (long long)k;
		skipped += (long long)k;
		if (h != NULL && gz_member_start(h))
			break;
		if (h != NULL) {	/* not a header: step over the 0x1f */
			lo->r++;
			lo->off++;
			g->in_total++;
			skipped++;
		}
	}
	if (inflateReset(&g->z) != Z_OK)
		return 0;
	g->fresh = 1;
	g->resyncs++;
	in->resynced = 1;
	in->brk = sl_xrealloc(in->brk, (in->nbrk + 1) * sizeof(*in->brk));
	in->brk[in->nbrk++] = in->produced;
	if (in->err != NULL) {
		snprintf(msg, sizeof msg, "%s at compressed byte %lld; skipped "
		    "%lld bytes to the next gzip member", g->bad, g->bad_at,
		    skipped);
		in->err(in->errarg, in->name, msg);
	}
	g->bad[0] = '\0';
	g->bad_skip = 0;
	return 1;
}

/*
 * A member starts at the next fill: its check starts afresh, and is ours
 * unless its header carries a check of its own (FLG.FHCRC), which only
 * zlib reads.
 */
static void
gz_member_begin(struct gz *g)
{
	struct sl_in *lo = g->lower;

	fill_to(lo, 4);
	g->own_check = !(lo->w - lo->r >= 4 && (lo->data[lo->r + 3] & 0x02));
	(void)inflateValidate(&g->z, !g->own_check);
	g->crc = 0;
	g->size = 0;
	g->fresh = 0;
}

/* Keep the last 8 compressed bytes consumed: at a member's end, its
 * trailer (CRC-32, then the size mod 2^32, little-endian). */
static void
gz_keep_tail(struct gz *g, const unsigned char *p, size_t used)
{
	if (used >= sizeof g->tail) {
		memcpy(g->tail, p + used - sizeof g->tail, sizeof g->tail);
		return;
	}
	memmove(g->tail, g->tail + used, sizeof g->tail - used);
	memcpy(g->tail + sizeof g->tail - used, p, used);
}

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

/*
 * A member we check ended (Z_STREAM_END): Z_STREAM_END when its trailer
 * matches, else Z_DATA_ERROR with zlib's words in *why, and the offset
 * zlib would have stopped at: just after the CRC for a bad CRC (the 4
 * size bytes after it are then counted as skipped), after the size for
 * a bad size.
 */
static int
gz_trailer(struct gz *g, const char **why)
{
	if (le32(g->tail) != g->crc) {
		*why = "incorrect data check";
		g->bad_skip = 4;
		return Z_DATA_ERROR;
	}
	if (le32(g->tail + 4) != g->size) {
		*why = "incorrect length check";
		return Z_DATA_ERROR;
	}
	return Z_STREAM_END;
}

/*
 * What inflate() said: the member ended, an error that ends the stream
 * (done), or a corrupt member to skip once its good bytes are out (bad;
 * why: the trailer's fault, or NULL for zlib's message).
 */
static void
gz_check(struct sl_in *in, struct gz *g, int ret, size_t used, size_t got,
    const char *why)
{
	switch (ret) {
	case Z_STREAM_END:
		g->between = 1;
		break;
	case Z_OK:
		break;
	case Z_BUF_ERROR:
		/* No progress with input and room: cannot happen. */
		if (used == 0 && got == 0) {
			in_seterr(in, "corrupt gzip data");
			g->done = 1;
		}
		break;
	case Z_MEM_ERROR:
		in_seterr(in, "out of memory decoding gzip data");
		g->done = 1;
		break;
	case Z_NEED_DICT:
		in_seterr(in, "corrupt gzip data: preset dictionary");
		g->done = 1;
		break;
	default:
		if (why == NULL)
			why = g->z.msg != NULL ? g->z.msg : "unknown error";
		snprintf(g->bad, sizeof g->bad, "corrupt gzip data: %s", why);
		g->bad_at = g->in_total - g->bad_skip;
		break;
	}
}

/*
 * The decompression ratio is checked where the counts depend on the
 * input alone, not on how it was cut into steps (the room a reader left,
 * what a pipe's read() gave, a -j thread's slots): where the compressed
 * bytes consumed reach a multiple of GZ_CHECK_EVERY and inflate has made
 * all it can of them, and at a member's end.  A step is given input up
 * to the next such point only; once there, steps are given none until
 * inflate has nothing more to make (room left over).  So a bomb is
 * refused after the same bytes, with the same message, however it is
 * read; at 1032:1 (deflate's best) at most 516 KiB later than a check
 * after every step would.  The compressed bytes a step may take:
 */
static size_t
gz_step_in(struct gz *g, size_t avail)
{
	long long in = (long long)SL_MIN(avail, (size_t)UINT_MAX);

	if (g->draining)
		return 0;
	/*
	 * No check point within in bytes could refuse, whatever they make
	 * (deflate makes at most 1032 bytes of one, plus what it holds):
	 * one step over them all, as most steps of a log's gzip are.
	 */
	if (g->out_total + GZ_HELD + GZ_MAX_RATIO * in <=
	    SL_MAX(SL_EXPAND_FREE, (long long)SL_EXPAND_RATIO * g->in_total))
		return (size_t)in;
	if (g->check_at <= g->in_total)	/* skipped past (resync, padding) */
		g->check_at = g->in_total - g->in_total % GZ_CHECK_EVERY +
		    GZ_CHECK_EVERY;
	return (size_t)SL_MIN(in, g->check_at - g->in_total);
}

/* After a step (ret, spare: room was left): is a ratio check due? */
static void
gz_at_check(struct gz *g, int ret, int spare)
{
	g->ratio_due = 0;
	if (ret == Z_STREAM_END) {	/* a member's end */
		g->ratio_due = 1;
		g->draining = 0;
		return;
	}
	if (!g->draining && g->in_total != g->check_at)
		return;
	g->draining = !spare;
	if (spare) {
		g->ratio_due = 1;
		g->check_at += GZ_CHECK_EVERY;
	}
}

/* One inflate() of the avail bytes lo shows into dst[0, n), checked;
 * returns the bytes made. */
static size_t
gz_step(struct sl_in *in, struct gz *g, unsigned char *dst, size_t n,
    size_t avail)
{
	struct sl_in *lo = g->lower;
	const char *why = NULL;
	size_t used, got;
	int ret;

	avail = gz_step_in(g, avail);
	g->z.next_in = lo->data + lo->r;
	g->z.avail_in = (uInt)avail;
	g->z.next_out = dst;
	g->z.avail_out = (uInt)n;
	ret = inflate(&g->z, Z_NO_FLUSH);
	used = avail - g->z.avail_in;
	got = n - g->z.avail_out;
	/* Draining, nothing left to make: not an error. */
	if (ret == Z_BUF_ERROR && avail == 0)
		ret = Z_OK;
	if (g->own_check) {
		gz_keep_tail(g, lo->data + lo->r, used);
		g->crc = libdeflate_crc32(g->crc, dst, got);
		g->size += (uint32_t)got;
		if (ret == Z_STREAM_END)
			ret = gz_trailer(g, &why);
	}
	lo->r += used;
	lo->off += (long long)used;
	g->in_total += (long long)used;
	g->out_total += (long long)got;
	gz_check(in, g, ret, used, got, why);
	gz_at_check(g, ret, got < n);
	return got;
}

/*
 * Steps while lo shows input and dst has room: what one inflate() of it
 * all made before the ratio's check points, with a check at each.
 */
static size_t
gz_steps(struct sl_in *in, struct gz *g, unsigned char *dst, size_t n)
{
	struct sl_in *lo = g->lower;
	size_t got = 0;

	do {
		got += gz_step(in, g, dst + got, n - got, lo->w - lo->r);
		if (!g->done && g->ratio_due &&
		    over_ratio(g->out_total, g->in_total)) {
			bomb_err(in);
			g->done = 1;
		}
	} while (got < n && lo->r < lo->w && !g->done && !g->between &&
	    g->bad[0] == '\0');
	return got;
}

static ssize_t
gz_fill(struct sl_in *in, unsigned char *dst, size_t n)
{
	struct gz *g = in->ctx;
	struct sl_in *lo = g->lower;
	size_t avail, got;
	int ret;

	if (g->done)
		return 0;
	n = SL_MIN(n, (size_t)UINT_MAX);
	for (;;) {
		/* A corrupt member, its good bytes delivered: skip it. */
		if (g->bad[0] != '\0' && !gz_resync(in, g)) {
			g->done = 1;
			in_seterr(in, "%s", g->bad);
			return -1;
		}
		if (g->between) {
			ret = gz_next_member(in, g);
			if (ret <= 0) {
				g->done = 1;
				return ret;
			}
			g->between = 0;
		}
		if (g->fresh)	/* before looking: it may fill lo */
			gz_member_begin(g);
		fill_to(lo, 1);
		avail = lo->w - lo->r;
		if (avail == 0) {
			g->done = 1;
			if (lo->errstate == ERR_PENDING)
				in_take(in, lo);
			else
				in_seterr(in, "unexpected end of gzip data "
				    "(truncated file)");
			return -1;
		}
		got = gz_steps(in, g, dst, n);
		if (got > 0)
			return (ssize_t)got;
		if (g->done)
			return -1;
	}
}

static void
gz_close(struct sl_in *in)
{
	struct gz *g = in->ctx;

	inflateEnd(&g->z);
	free(g);
}

/* A gzip layer over lo, under the same name.  lo is not owned. */
static struct sl_in *
gz_in(const struct walk *w, struct sl_in *lo)
{
	struct sl_in *in = in_new(lo->name, w);
	struct gz *g = sl_xcalloc(1, sizeof *g);

	g->lower = lo;
	g->fresh = 1;
	in->ctx = g;
	in->fill = gz_fill;
	in->close = gz_close;
	/* 16 + MAX_WBITS: a gzip wrapper, not zlib or raw deflate. */
	if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) {
		in_seterr(in, "out of memory decoding gzip data");
		g->done = 1;
		/* inflateEnd on a failed init is harmless. */
	}
	return in;
}

/* -------------------------------------------------- inflating ahead */

/*
 * With -j N, the parent's own work on a tar.gz is two thirds inflate,
 * and the workers wait for it.  There the gzip layer runs on a thread of
 * its own, up to AHEAD_SLOTS slots of AHEAD_SLOT bytes ahead of its
 * reader (512 KiB), which takes the slots in order (ahead_fill()).  Only
 * over a regular file: what lies below is then the thread's alone, and a
 * read never waits on a writer, so a reader that stops early is never
 * kept waiting.  Only with workers: -j 1 stays one thread.  What the gzip
 * layer reports on its way (a corrupt member skipped) travels with the
 * slot it came before, its last error with its last slot, so the reader
 * meets both where it would have without the thread; what the thread
 * made past a reader that stopped early is dropped unreported, as it
 * would not have been read.  The ratio check does not depend on the
 * steps (gz_step_in()): a bomb is refused after the same bytes.
 */
#define AHEAD_SLOT	(128 * 1024)
#define AHEAD_SLOTS	4

struct slot {
	unsigned char *buf;
	size_t len;
	struct sl_buf notes;	/* messages before its bytes, each + '\0' */
	int last;		/* the stream ends with this slot */
	int refused;		/* ...refused as a bomb */
	char err[512];		/* ...with this error, or "" */
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sl_in *gz;	/* the gzip layer: the thread's */
	struct slot slot[AHEAD_SLOTS];
	unsigned long filled;	/* slots made, by the thread */
	unsigned long done;	/* slots read out, by the reader */
	int quit;		/* the reader is gone */
	struct slot *cur;	/* the reader's slot (slot[done % N]) */
	size_t pos;		/* ...and where in it */
	struct slot *making;	/* the thread's slot, for ahead_note() */
};

/* The gzip layer's messages on its way (gz_resync()), kept in order. */
static void
ahead_note(void *arg, const char *where, const char *msg)
{
	struct ahead *a = arg;

	(void)where;		/* the reader's name is the same */
	sl_buf_add(&a->making->notes, msg, strlen(msg) + 1);
}

/* Fill s as one fill of the gzip layer would a reader's buffer. */
static void
ahead_make(struct ahead *a, struct slot *s)
{
	struct sl_in *gz = a->gz;
	ssize_t got;

	s->len = 0;
	s->notes.len = 0;
	s->err[0] = '\0';
	a->making = s;
	got = gz->fill(gz, s->buf, AHEAD_SLOT);
	if (got > 0) {
		s->len = (size_t)got;
		gz->produced += got;
	}
	s->last = got <= 0 || gz->errstate != ERR_NONE;
	s->refused = gz->refused;
	if (gz->errstate == ERR_PENDING) {
		snprintf(s->err, sizeof s->err, "%s", gz->errmsg);
		gz->errstate = ERR_TAKEN;
	}
}

static void *
ahead_main(void *arg)
{
	struct ahead *a = arg;
	int last = 0;

	while (!last) {
		pthread_mutex_lock(&a->mu);
		while (!a->quit && a->filled - a->done >= AHEAD_SLOTS)
			pthread_cond_wait(&a->cv, &a->mu);
		last = a->quit;
		pthread_mutex_unlock(&a->mu);
		if (last)
			break;
		ahead_make(a, &a->slot[a->filled % AHEAD_SLOTS]);
		last = a->slot[a->filled % AHEAD_SLOTS].last;
		pthread_mutex_lock(&a->mu);
		a->filled++;
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	return NULL;
}

/* The reader is done with its slot: the next one, once made. */
static struct slot *
ahead_next(struct ahead *a)
{
	pthread_mutex_lock(&a->mu);
	if (a->cur != NULL) {
		a->done++;
		pthread_cond_signal(&a->cv);
	}
	while (a->filled == a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	a->cur = &a->slot[a->done % AHEAD_SLOTS];
	a->pos = 0;
	return a->cur;
}

/* The slot's messages, reported as gz_resync() would have, with a break
 * where its bytes start. */
static void
ahead_notes(struct sl_in *in, const struct slot *s)
{
	size_t k;

	for (k = 0; k < s->notes.len; k += strlen(s->notes.buf + k) + 1) {
		in->resynced = 1;
		in->brk = sl_xrealloc(in->brk, (in->nbrk + 1) *
		    sizeof(*in->brk));
		in->brk[in->nbrk++] = in->produced;
		if (in->err != NULL)
			in->err(in->errarg, in->name, s->notes.buf + k);
	}
}

/*
 * Up to n bytes of in where they lie, in a slot (*p), valid until the
 * next call: a fill without the copy.  Returns as a fill does.
 */
static ssize_t
ahead_view(struct sl_in *in, const unsigned char **p, size_t n)
{
	struct ahead *a = in->ctx;
	struct slot *s = a->cur;
	size_t k;

	if (s == NULL || a->pos == s->len) {
		if (s != NULL && s->last)
			return 0;
		s = ahead_next(a);
		ahead_notes(in, s);
	}
	k = SL_MIN(n, s->len - a->pos);
	*p = s->buf + a->pos;
	a->pos += k;
	if (a->pos == s->len && s->last && s->err[0] != '\0') {
		in_seterr(in, "%s", s->err);
		in->refused |= s->refused;
		return k > 0 ? (ssize_t)k : -1;
	}
	return (ssize_t)k;
}

static ssize_t
ahead_fill(struct sl_in *in, unsigned char *dst, size_t n)
{
	const unsigned char *p;
	ssize_t got = ahead_view(in, &p, n);

	if (got > 0)
		memcpy(dst, p, (size_t)got);
	return got;
}

/* The slots and a itself; not the gzip layer. */
static void
ahead_free(struct ahead *a)
{
	int i;

	for (i = 0; i < AHEAD_SLOTS; i++) {
		free(a->slot[i].buf);
		sl_buf_free(&a->slot[i].notes);
	}
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

static void
ahead_close(struct sl_in *in)
{
	struct ahead *a = in->ctx;

	pthread_mutex_lock(&a->mu);
	a->quit = 1;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	a->gz->errstate = ERR_NONE;	/* past the reader: not reported */
	sl_in_free(a->gz);
	ahead_free(a);
}

/*
 * The gzip layer gz over lo, read ahead on a thread when that is worth
 * it and safe (see above); else gz itself.
 */
static struct sl_in *
ahead_in(const struct walk *w, struct sl_in *gz, const struct sl_in *lo)
{
	struct sl_in *in;
	struct ahead *a;
	int i;

	if (w->take == NULL || lo->fill != fd_fill || lo->seekfd < 0 ||
	    gz->errstate != ERR_NONE)
		return gz;
	a = sl_xcalloc(1, sizeof *a);
	a->gz = gz;
	gz->err = ahead_note;
	gz->errarg = a;
	for (i = 0; i < AHEAD_SLOTS; i++) {
		a->slot[i].buf = sl_xmalloc(AHEAD_SLOT);
		sl_buf_init(&a->slot[i].notes);
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	in = in_new(gz->name, w);
	in->ctx = a;
	in->fill = ahead_fill;
	in->close = ahead_close;
	if (pthread_create(&a->thread, NULL, ahead_main, a) != 0) {
		/* No thread: gz is read here, as without workers. */
		gz->err = w->err;
		gz->errarg = w->errarg;
		in->close = NULL;
		sl_in_free(in);
		ahead_free(a);
		return gz;
	}
	return in;
}

/* -------------------------------------------------------- detection */

enum { K_PLAIN, K_GZIP, K_ARCHIVE };

static const struct magic {
	unsigned int off;
	unsigned char len;
	const char *bytes;
} magics[] = {
	{ 0, 4, "PK\003\004" },			/* zip */
	{ 0, 4, "PK\005\006" },			/* zip, no members */
	{ 0, 4, "PK\007\010" },			/* zip, spanned */
	{ 0, 6, "\3757zXZ\0" },			/* xz */
	{ 0, 4, "\050\265\057\375" },		/* zstd */
	{ 0, 4, "\004\042\115\030" },		/* lz4 */
	{ 0, 5, "LZIP\001" },			/* lzip, version 1 */
	{ 0, 2, "\037\235" },			/* compress (.Z) */
	{ 0, 6, "7z\274\257\047\034" },		/* 7-Zip */
	{ 0, 6, "Rar!\032\007" },		/* RAR 4 and 5 */
	{ 0, 8, "!<arch>\n" },			/* ar */
	{ 0, 6, "xar!\0\034" },			/* xar, 28-byte header */
	{ 0, 8, "MSCF\0\0\0\0" },		/* cab */
	/*
	 * With the bytes around them that text never has, so that a log
	 * with the word at that offset (or a report state naming it) is
	 * not taken for an archive; a damaged header still is one.
	 */
	{ 257, 6, "ustar\0" },			/* POSIX tar */
	{ 257, 8, "ustar  \0" },			/* GNU tar */
};

static int
is_hex(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f') ||
		    (p[i] >= 'A' && p[i] <= 'F')))
			return 0;
	return 1;
}

static int
has_magic(const unsigned char *p, size_t n, size_t off, const void *m,
    size_t len)
{
	return n >= off + len && memcmp(p + off, m, len) == 0;
}

/*
 * What the first bytes are.  Magic numbers only: text that merely
 * starts like one ("BZh", "070701") must carry the rest of the header.
 */
static int
sniff(const unsigned char *p, size_t n)
{
	size_t i;

	if (has_magic(p, n, 0, "\037\213", 2))
		return K_GZIP;
	for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (has_magic(p, n, magics[i].off, magics[i].bytes,
		    magics[i].len))
			return K_ARCHIVE;
	/* ISO 9660: a volume descriptor: type (0-3, 255), "CD001", 1. */
	if (n >= 32775 && memcmp(p + 32769, "CD001", 5) == 0 &&
	    (p[32768] <= 3 || p[32768] == 255) && p[32774] == 1)
		return K_ARCHIVE;
	/* bzip2: "BZh", level, then a block or end-of-stream magic. */
	if (n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	    p[3] <= '9' && (memcmp(p + 4, "1AY&SY", 6) == 0 ||
	    memcmp(p + 4, "\027\162\105\070\120\220", 6) == 0))
		return K_ARCHIVE;
	/* ASCII cpio: odc 070707, newc 070701, crc 070702; hex fields. */
	if (n >= 14 && memcmp(p, "07070", 5) == 0 &&
	    (p[5] == '1' || p[5] == '2' || p[5] == '7') && is_hex(p + 6, 8))
		return K_ARCHIVE;
	return K_PLAIN;
}

/* ----------------------------------------------------------- archives */

struct arc {
	struct archive *a;
	struct sl_in *lower;
	struct {
		long long a, b;
	} seen[ARC_SEEN];	/* bytes handed to libarchive: disjoint [a, b) */
	int nseen;
	long long unseen;	/* handed when seen[] was full */
	long long out_total;	/* member bytes produced */
	int lower_failed;	/* the error is the lower layer's own */
	int fatal;		/* the archive cannot go on */
	int stop;		/* refused (ratio): read no more members */
	const char *comp;	/* compression seen in the first bytes, or NULL */

	/* the current member */
	const unsigned char *blk;
	size_t blen;
	long long pos;		/* offset just past blk */
	long long hole;		/* zeros owed before blk (sparse files) */
	int entry_end;
	/* A member showing a block where it lies (member_view()), while
	 * libarchive is asked whether the entry ends there. */
	struct sl_in *view;
	/* A block libarchive gave that member_fill() has yet to take. */
	struct {
		int r;
		const void *blk;
		size_t len;
		la_int64_t off;
	} next;
	int has_next;
};

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

	m->cap = round_buf(SL_MAX(n, (size_t)1));
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

	if (lo->r == lo->w && !lo->eof && lo->fill == ahead_fill) {
		got = ahead_view(lo, p, ARC_CHUNK);
		if (got > 0)
			lo->produced += got;
		if (got <= 0 || lo->errstate != ERR_NONE)
			lo->eof = 1;
		return got > 0 ? (size_t)got : 0;
	}
	fill_to(lo, 1);
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
static const char *
comp_name(const unsigned char *p, size_t n)
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
		/* the lower layer's own message, already in our form */
		snprintf(msg, len, "%s", s);
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
			tidy_msg(msg + strlen(msg) - strlen(s));
		}
	} else {
		snprintf(msg, len, "corrupt archive: %s", s);
		tidy_msg(msg + strlen("corrupt archive: "));
	}
}

static void
arc_seterr(struct sl_in *in, struct arc *ar)
{
	char msg[sizeof in->errmsg];

	arc_msg(ar, msg, sizeof msg);
	in_seterr(in, "%s", msg);
}

static void
arc_report(struct walk *w, struct arc *ar, const char *where)
{
	char msg[1024];

	arc_msg(ar, msg, sizeof msg);
	report(w, where, "%s", msg);
}

/* The entry's next block: the one member_view() looked at and left,
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

/* A block for member_fill() to take as if it had asked for it. */
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

static ssize_t
member_fill(struct sl_in *in, unsigned char *dst, size_t n)
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
	if (over_ratio(ar->out_total, arc_in(ar))) {
		bomb_err(in);
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
static char *
member_name(const char *outer, struct archive_entry *e)
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

static struct archive *
arc_new(struct arc *ar)
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
		return le32(p + 1);
	return 0;
}

/* Every member of the archive in lo, each through open_stream. */
/*
 * An LZMA/XZ stream whose dictionary is over SL_DICT_MAX is refused
 * before libarchive allocates it: returns 1, reported and counted.
 */
static int
dict_refused(struct walk *w, struct sl_in *lo, const char *comp)
{
	long long dict = lzma_dict(lo->data + lo->r, lo->w - lo->r);

	if (dict <= SL_DICT_MAX)
		return 0;
	report(w, lo->name, "%s dictionary of %lld MiB, over the limit "
	    "of %lld MiB, refusing (it would take that much memory)",
	    comp != NULL ? comp : "LZMA", dict >> 20, SL_DICT_MAX >> 20);
	if (w->st != NULL) {
		w->st->units++;	/* the stream, as one unit */
		w->st->rejected++;
	}
	return 1;
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
		report(w, lo->name, "corrupt archive: damaged or "
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
	*name = member_name(lo->name, e);
	return 1;
}

/*
 * A small tar member whose data libarchive hands over in one block (the
 * common case in a tar.gz of session logs): m shows the block where it
 * lies, as a view over memory (sl_in_mem()) does, rather than a copy of
 * it in m's buffer.  The calls to libarchive are member_fill()'s, in the
 * same order: the block, then (a member smaller than the sniff asks for
 * more at once) the entry's end; should that end move lo's buffer (the
 * padding in the next chunk), arc_read() first copies the view
 * (view_keep()).  Then nothing asks libarchive for more before the next
 * header, and the block stays valid while the member is read.  Tar only:
 * its block is all of its entry (a zip's last call checks a CRC).  What
 * does not fit is left for member_fill(), as if it had asked.
 */
static void
member_view(struct arc *ar, struct sl_in *m, long long size)
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
	    over_ratio(ar->out_total + size, arc_in(ar))) {
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
		/* More, or an error: member_fill() goes on from its buffer. */
		if (ar->view != NULL)
			view_keep(m);
		data_unget(ar, r, blk, len, off);
	}
	ar->view = NULL;
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
	m->fill = member_fill;
	ar->blk = NULL;
	ar->blen = 0;
	ar->pos = 0;
	ar->hole = 0;
	ar->entry_end = 0;
	member_view(ar, m, size);
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
	ar.comp = comp_name(lo->data + lo->r, lo->w - lo->r);
	if (dict_refused(w, lo, ar.comp))
		return SL_OK;
	if ((ar.a = arc_new(&ar)) == NULL) {
		report(w, lo->name, "%s",
		    sl_archive_dl_failure("out of memory"));
		return SL_OK;
	}
	if (archive_read_open1(ar.a) != ARCHIVE_OK) {
		arc_report(w, &ar, lo->name);
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
			arc_report(w, &ar, lo->name);
			break;
		}
		if (r == ARCHIVE_RETRY || r == ARCHIVE_FAILED) {
			arc_report(w, &ar, lo->name);
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
		fill_to(in, 1);
	}
	in->r = in->w;
	return rc;
}

/* ------------------------------------------------------------ walking */

/* Free a layer, reporting an error nobody has reported yet. */
static void
in_close(struct walk *w, struct sl_in *in)
{
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

static int
leaf(struct walk *w, struct sl_in *in)
{
	int rc;

	if (w->st != NULL)
		w->st->inputs++;
	rc = w->fn(w->arg, in);
	if (w->st != NULL)
		w->st->bytes += in->produced;
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

	/* Not over a view: its bytes are all there is (member_view()). */
	if (in->buf == NULL && !in->eof && w->spare != NULL) {
		in->buf = w->spare;
		in->data = in->buf;
		in->cap = IN_BUFSZ;
		w->spare = NULL;
	}
	fill_to(in, IN_SNIFF);
	kind = sniff(in->data + in->r, in->w - in->r);
	if (kind == K_PLAIN)
		rc = leaf(w, in);
	else if (kind == K_ARCHIVE && gzipped)
		rc = gzip_archive(w, in, depth);
	else if (depth >= SL_NEST_MAX)
		report(w, in->name, "nested too deep (over %d levels of "
		    "compression and archives), skipped", SL_NEST_MAX);
	else if (kind == K_GZIP)
		rc = open_stream(w, ahead_in(w, gz_in(w, in), in), depth + 1,
		    1);
	else
		rc = walk_archive(w, in, depth + 1, &ended);
	in_close(w, in);
	return rc;
}

static int
walk_fd(struct walk *w, int fd, const char *name, int own, int seekable,
    int fifo)
{
	return open_stream(w, fd_in(w, fd, name, own, seekable, fifo), 0, 0);
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
		report(w, path, "cannot open: %s", strerror(errno));
		return SL_OK;
	}
	/* Read it all first: one descriptor open, however deep the tree. */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0)
				report(w, path, "cannot read directory: %s",
				    strerror(errno));
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
		report(w, path, "cannot open: %s", strerror(errno));
		return SL_OK;
	}
	if (S_ISLNK(sb.st_mode)) {
		if (stat(path, &sb) == -1) {
			report(w, path, "cannot open: %s", strerror(errno));
			return SL_OK;
		}
		if (S_ISDIR(sb.st_mode))
			return SL_OK;
	}
	if (S_ISDIR(sb.st_mode))
		return walk_dir(w, path);
	if (!S_ISREG(sb.st_mode) && !S_ISFIFO(sb.st_mode)) {
		report(w, path, "not a regular file, skipped");
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

	/* A FIFO without a writer would block open(): see fd_fill(). */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC |
	    (fifo ? O_NONBLOCK : 0))) == -1) {
		report(w, path, "cannot open: %s", strerror(errno));
		return SL_OK;
	}
	if (fstat(fd, &sb) == -1) {
		report(w, path, "cannot open: %s", strerror(errno));
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
	return sniff(p, SL_MIN(n, (size_t)IN_SNIFF)) == K_PLAIN;
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
