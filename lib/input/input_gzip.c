/*
 * input_gzip.c: the gzip source: members one after another, the
 * trailer's check, a damaged member resynchronised, the ratio limit.
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

#define GZ_RESYNC_MAX	100		/* corrupt members skipped, then stop */
#define GZ_CHECK_EVERY	512		/* compressed bytes between ratio checks */
#define GZ_MAX_RATIO	1032LL		/* deflate's most bytes made of one */
#define GZ_HELD		(64 * 1024)	/* more than inflate may owe from bits held */

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
/* --------------------------------------------------------------- gzip */

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
		in_fill_to(lo, 2);
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
		in_fill_to(lo, 4);
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

	in_fill_to(lo, 4);
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
	if (in_le32(g->tail) != g->crc) {
		*why = "incorrect data check";
		g->bad_skip = 4;
		return Z_DATA_ERROR;
	}
	if (in_le32(g->tail + 4) != g->size) {
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
 * Whether a fill of in given more room than it just had would have made
 * more: gz_fill() stops short only where its input runs dry, a member
 * ends or breaks, or the stream is done.  The inflate ahead fills its
 * slots in steps smaller than a reader asks for, and goes on from one to
 * the next only where this says so, so that a reader's fill makes the
 * same bytes with or without the thread (--stats counts them: a .gz
 * rejected after its first fill).
 */
int
in_gz_goes_on(const struct sl_in *in)
{
	const struct gz *g = in->ctx;
	const struct sl_in *lo = g->lower;

	/* Every error a step sets also sets done: errstate is for the
	 * ahead, which asks after a fill that returned bytes. */
	return lo->r < lo->w && !g->done && !g->between &&
	    g->bad[0] == '\0' && in->errstate == ERR_NONE;
}

/*
 * Steps while inflate could make more and dst has room: what one
 * inflate() of all lo shows made before the ratio's check points, with
 * a check at each.
 */
static size_t
gz_steps(struct sl_in *in, struct gz *g, unsigned char *dst, size_t n)
{
	struct sl_in *lo = g->lower;
	size_t got = 0;

	do {
		got += gz_step(in, g, dst + got, n - got, lo->w - lo->r);
		if (!g->done && g->ratio_due &&
		    in_over_ratio(g->out_total, g->in_total)) {
			in_bomb_err(in);
			g->done = 1;
		}
	} while (got < n && in_gz_goes_on(in));
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
		in_fill_to(lo, 1);
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
struct sl_in *
in_gz_new(const struct walk *w, struct sl_in *lo)
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
