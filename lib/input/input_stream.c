/*
 * input_stream.c: an open input as the readers see it: its buffer filled
 * from a source, peeks, reads and lines counted, and its messages (every
 * failure reported once, with the input's name).
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

#define IN_MINREAD	(16 * 1024)	/* compact rather than read less */

/* ------------------------------------------------------------- errors */

void
in_walk_report(struct walk *w, const char *where, const char *fmt, ...)
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


/* Keep the first error only: later ones are consequences of it. */
void
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
void
in_take(struct sl_in *in, struct sl_in *lo)
{
	in_seterr(in, "%s", lo->errmsg);
	in->refused |= lo->refused;
	lo->errstate = ERR_TAKEN;
}

/* Report a pending error at "name:line" (the last line delivered). */
void
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
void
in_tidy_msg(char *s)
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

void
in_bomb_err(struct sl_in *in)
{
	in_seterr(in, "decompression ratio over %d:1, refusing "
	    "(possible decompression bomb)", SL_EXPAND_RATIO);
	in->refused = 1;
}

/* Past the free allowance, output may not outgrow input by the ratio. */
int
in_over_ratio(long long out, long long in)
{
	return out > SL_EXPAND_FREE && out > (long long)SL_EXPAND_RATIO * in;
}

/* -------------------------------------------------------- the reader */

struct sl_in *
in_new(const char *name, const struct walk *w)
{
	struct sl_in *in = sl_xcalloc(1, sizeof *in);

	in->name = sl_xstrdup(name);
	in->data = (const unsigned char *)"";	/* a valid empty view */
	in->seekfd = -1;
	in->behind_at = SIZE_MAX;
	if (w != NULL) {
		in->err = w->err;
		in->errarg = w->errarg;
	}
	return in;
}

size_t
in_round_buf(size_t need)
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
		size_t cap = in_round_buf(SL_MAX(need, (size_t)IN_BUFSZ));

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
void
in_fill_to(struct sl_in *in, size_t need)
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

/*
 * A file read in place, about to show the bytes up to upto: one cut
 * under its mapping ends at its new size (the zeros past it are not its
 * bytes) with a read error.  Only the mapped input's slower paths come
 * here: a line found whole before the cut is the file's as it is (past
 * the cut are zeros, no newline).
 */
void
in_map_check(struct sl_in *in, size_t upto)
{
	size_t end = in_map_size(in, upto);

	if (end < in->maplen) {
		in_seterr(in, "file shrank while being read (to %zu bytes of "
		    "%zu)", end, in->maplen);
		in->w = SL_MAX(end, in->r);
	}
	/* Shown: read(2) would have read them (--stats counts them). */
	in->produced = SL_MAX(in->produced, (long long)SL_MIN(upto, in->w));
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
	in_fill_to(in, want);
	if (in->map != NULL)
		in_map_check(in, in->r + SL_MIN(want, in->w - in->r));
	/* Nothing before an error: report it now (sl_in_failed() says so). */
	if (in->w == in->r && in->eof)
		(void)in_end(in);
	*p = in->data + in->r;
	return SL_MIN(want, in->w - in->r);
}

int
sl_in_all_visible(const struct sl_in *in)
{
	/* A file read in place shows all its bytes, but it is no input that
	 * ended within one buffer (-j's workers ask that). */
	return in->eof && in->map == NULL;
}

int
sl_in_stable(const struct sl_in *in, const char **p, size_t *n)
{
	/* No fill will move them: all there is, in memory.  Not a mapped
	 * file: its pages follow the file (cut or rewritten under us, a
	 * write from them would fail with EFAULT or pass on bytes nobody
	 * scanned), so what a redactor checked goes out through a copy. */
	if (!in->eof || in->map != NULL || in->fill != NULL)
		return 0;
	*p = (const char *)in->data;
	*n = in->w;
	return 1;
}

int
sl_in_mapped(const struct sl_in *in, const char **p, size_t *n)
{
	if (in->map == NULL)
		return 0;
	*p = (const char *)in->map;
	*n = in->maplen;
	return 1;
}

size_t
sl_in_peek_whole(struct sl_in *in, const unsigned char **p, size_t max)
{
	size_t want = IN_BUFSZ;

	/* Grow step by step: most inputs end within the first buffer. */
	for (;;) {
		in_fill_to(in, want);
		if (in->eof || in->w - in->r > max)
			break;
		want = SL_MIN(want * 2, max + 1);
	}
	if (in->map != NULL)
		in_map_check(in, in->w);
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
		in_fill_to(in, 1);
		avail = in->w - in->r;
		if (avail == 0)
			return in_end(in);
	}
	n = SL_MIN(n, avail);
	memcpy(buf, in->data + in->r, n);
	if (in->map != NULL) {
		/* It shrank under the mapping: the zeros were not its. */
		in_map_check(in, in->r + n);
		if ((n = SL_MIN(n, in->w - in->r)) == 0)
			return in_end(in);
	}
	count_lines(in, buf, n);
	in->r += n;
	in->off += (long long)n;
	if (in->r >= in->behind_at)
		in_map_behind(in);
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
	if (in->r >= in->behind_at)
		in_map_behind(in);
	return 1;
}

/* sl_in_line() on from where a whole line was not found in the bytes
 * buffered (the first scanned of them have no newline).  Out of line:
 * sl_in_line()'s one path for a whole line keeps its registers. */
static __attribute__((noinline)) int
line_rest(struct sl_in *in, const char **p, size_t *n, int *more,
    size_t scanned)
{
	const unsigned char *nl;
	size_t avail, lim;

	/* A file read in place that shrank shows zeros past its new end:
	 * they have no newline, so they come here before they are lines
	 * (a piece without one, or the last). */
	if (in->map != NULL)
		in_map_check(in, in->r + SL_MIN(in->w - in->r,
		    (size_t)SL_LINE_PIECE));
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
		in_fill_to(in, avail + 1);
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
