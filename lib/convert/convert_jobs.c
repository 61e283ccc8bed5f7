/*
 * convert_jobs.c: sl-convert under -j: what a worker packs (records,
 * or a piece of output written for a whole session), and the parent's
 * merge of it in input order.
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
/* ------------------------------------------------------- body mode */

void
conv_piece_files_free(struct piece_files *pf)
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
	for (i = 0; i < 2; i++)
		sl_buf_free(&pf->window[i]);
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
		conv_piece_files_free(pf);
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
	conv_fail(c, "spool file: write error: %s", strerror((int)e));
	return -1;
}


static int
pieces_on(const struct sl_convert *c)
{
	/* The report of --with-report takes every record. */
	return (c->w->flags & SL_W_PIECE) && c->rep == NULL && c->pf != NULL;
}

/* Forget the held records and what was counted of them. */
void
conv_drop_held(struct sl_convert *c)
{
	sl_buf_reset(&c->held);
	sl_buf_reset(&c->held_ent);
	c->held_merged = 0;
	conv_free_sources(&c->held_cs);
	memset(&c->held_cs, 0, sizeof(c->held_cs));
	sl_sessions_free(c->held_tab);
	c->held_tab = NULL;
}

/* The bytes the held records take as entries (width, record). */
static size_t
held_bytes(const struct sl_convert *c)
{
	return c->held.len + c->held_ent.len / 2;
}

/* May r join the records held for a piece? */
static int
holds(struct sl_convert *c, const struct sl_record *r)
{
	if (r->session == NULL || held_bytes(c) >= PIECE_MAX)
		return 0;
	if (c->held.len == 0) {
		conv_drop_held(c);
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
	const int64_t *e = (const int64_t *)(const void *)c->held_ent.buf;
	size_t i, n = c->held_ent.len / (2 * sizeof(*e)), at = 0;

	for (i = 0; i < n; i++) {
		sl_buf_add(b, &e[2 * i], sizeof(*e));
		sl_buf_add(b, c->held.buf + at, (size_t)e[2 * i + 1]);
		at += (size_t)e[2 * i + 1];
	}
	conv_drop_held(c);
}

/*
 * r held: encoded as the spool keeps it (held: the piece's block as it
 * goes to the blocks' file, with no copy), its width and length beside
 * (held_ent); counted and merged as the parent would (held_cs,
 * held_tab; held_merged: put_session sends the merged session).
 */
static void
hold(struct sl_convert *c, const struct sl_record *r, int64_t wd)
{
	size_t at = c->held.len;
	int64_t len;

	sl_record_encode(&c->held, r);
	len = (int64_t)(c->held.len - at);
	sl_buf_add(&c->held_ent, &wd, sizeof(wd));
	sl_buf_add(&c->held_ent, &len, sizeof(len));
	if (r->type == SL_SESSION) {
		sl_sessions_merge(c->held_tab, r);
		c->held_merged = 1;
	}
	conv_count_record(c, &c->held_cs, r, wd);
}

static int pack_body(struct sl_convert *c, struct sl_buf *b,
    const struct sl_record *r);

static int
convert_pack(void *arg, struct sl_buf *b, const struct sl_record *r)
{
	struct sl_convert *c = arg;
	int64_t wd = -1;

	if (c->body && pieces_on(c))
		return pack_body(c, b, r);
	if (r->type == SL_LINE && (c->w->flags & SL_W_WIDTH))
		wd = (int64_t)sl_w_width(r->text, r->len);
	if (pieces_on(c) && !c->held_plain) {
		if (holds(c, r)) {
			hold(c, r, wd);
			return SL_OK;
		}
		spill(c, b);
		c->held_plain = 1;
	}
	sl_buf_add(b, &wd, sizeof(wd));
	sl_record_encode(b, r);
	return SL_OK;
}

/* What goes between begin() and end() of a piece (piece_render): f's
 * one session is the piece's. */
typedef int piece_body_fn(struct sl_convert *c, struct sl_wfile *f);

/* The held records through put(). */
static int
records_body(struct sl_convert *c, struct sl_wfile *f)
{
	const struct sl_wsess *ws = &f->sessions[0];
	const char *p = c->held.buf, *end = p + c->held.len;
	struct sl_record r;
	size_t used;
	int rc = SL_OK;

	for (; rc == SL_OK && p < end; p += used) {
		used = sl_record_decode(p, (size_t)(end - p), &r, &c->arrays);
		rc = used == 0 ? SL_FATAL : c->w->put(f, ws, &r);
	}
	return rc;
}

/*
 * What the writer makes of the held session alone, into c->piece: the
 * file's own bytes (open, close) are left out; between begin() and
 * end(), what body writes.
 */
static int
piece_render(struct sl_convert *c, const struct csess *s,
    piece_body_fn *body)
{
	const struct sl_writer *w = c->w;
	struct sl_wsess ws = { s->info->id, s->info, &s->sum, NULL, 1, -1, -1,
	    0, 0, 0, 0 };
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
		rc = body(c, &f);
	if (rc == SL_OK && w->end != NULL)
		rc = w->end(&f, &ws);
	f.mem = &junk;
	if (w->close != NULL && w->close(&f) != SL_OK)
		rc = SL_FATAL;
	free(f.state);
	sl_buf_free(&junk);
	return rc;
}

/*
 * The session of the held records as one record merged from theirs and
 * the rank of each of its fields (sl_session_as_record), for the parent
 * to merge at those ranks (merge_session):
 *
 *	u32 n; n bytes: the record (sl_record_encode), its SL_F_COUNT
 *	fields' ranks, then its extras' (none when no session record
 *	was held: n is 0)
 */
static void
put_session(struct sl_convert *c, struct sl_buf *b)
{
	const struct sl_session *s;
	unsigned char rank[SL_F_COUNT];
	struct sl_record r;
	size_t at = b->len, k;
	uint32_t n;

	sl_codec_put_u32(b, 0);
	if (!c->held_merged ||
	    (s = sl_sessions_get(c->held_tab, c->held_sid, 0)) == NULL)
		return;
	sl_session_as_record(s, &r, rank);
	sl_record_encode(b, &r);
	sl_buf_add(b, rank, sizeof(rank));
	for (k = 0; k < s->nextra; k++)
		sl_buf_addc(b, (char)sl_session_extra_rank(s, k));
	n = (uint32_t)(b->len - at - sizeof(n));
	memcpy(b->buf + at, &n, sizeof(n));
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
 *	i64 PIECE_MARK; str session; u32 n, its session (put_session);
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
	long long boff = 0, poff = 0;
	int64_t mark = PIECE_MARK;
	int rc = 0;

	sl_buf_reset(&c->piece);
	s->info = sl_sessions_get(c->held_tab, c->held_sid, 1);
	if (piece_render(c, s, records_body) != SL_OK ||
	    file_put(c->pf, PF_BLOCKS, &c->held, &boff) != 0 ||
	    file_put(c->pf, PF_PIECES, &c->piece, &poff) != 0)
		rc = -1;
	if (rc == 0) {
		sl_buf_add(b, &mark, sizeof(mark));
		sl_codec_put_str(b, c->held_sid);
		put_session(c, b);
		put_counts(b, s);
		sl_codec_put_i64(b, boff);
		sl_codec_put_i64(b, (long long)c->held.len);
		sl_codec_put_i64(b, poff);
		sl_codec_put_i64(b, (long long)c->piece.len);
	}
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
 *	i64 BODY_MARK; str session; u32 n, its session (put_session); the
 *	counts (put_counts, put_tags); i64 offset, length of its chunks
 *	in the blocks' file; i64 offset, length of the writer's bytes
 *	of the session alone in the pieces' file (-1: none), but for
 *	their middle; i64 where the middle goes in them
 *
 * The chunks' tags are the piece's own tags' indexes: the parent maps
 * them to its own (apply_body_piece).  While nothing else came for its
 * session, the parent keeps only where the chunks are (block_off, as
 * for a piece of records), and the writer's bytes are the output.
 * Their middle is the chunks' bytes, one after the other: those are
 * in the blocks' file already, and are not written twice (that was a
 * transcript's every byte written to a file twice by -j's workers, and
 * dropped again at the end); the parent copies them from there.
 */


/*
 * Where the chunks' bytes go in the piece: only marked, not added.  They
 * are in the blocks' file already, and an SL_W_BODY writer's end() does
 * not depend on what put() made (copied in here, they were only moved
 * out again).
 */
static int
chunks_body(struct sl_convert *c, struct sl_wfile *f)
{
	c->piece_head = f->mem->len;
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
	conv_body_sum(s, NULL);
	sl_buf_reset(&c->piece);
	if (piece_render(c, s, chunks_body) == SL_OK)
		plen = (long long)c->piece.len;
	/* A write that failed is told through PF_FAILED: the parent stops
	 * before it reads the entry. */
	(void)file_put(c->pf, PF_BLOCKS, chunks, &boff);
	if (plen >= 0)
		(void)file_put(c->pf, PF_PIECES, &c->piece, &poff);
	sl_buf_add(b, &mark, sizeof(mark));
	sl_codec_put_str(b, c->held_sid);
	put_session(c, b);
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
	sl_codec_put_i64(b, (long long)c->piece_head);
	sl_body_mem_reset(&c->held_body);
	conv_drop_held(c);
}

/* A body piece begins with a record of session sid. */
static void
start_body_piece(struct sl_convert *c, const char *sid)
{
	conv_drop_held(c);
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
		c->held_merged = 1;
	}
	tag = conv_body_tag(s, r, &t, &len);
	if (conv_body_render(c, s, r, sl_body_mem_at(&c->held_body, tag)) != 0)
		return SL_STOP;
	conv_body_count(c, s, t, r, len);
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
	conv_drop_held(c);
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

/* A source of a piece, added to s's as conv_count_record() would have added its
 * lines one by one. */
static void
add_source(struct csess *s, const char *key, const char *path,
    long long lines, long long timed)
{
	struct csrc *e = source_keyed(&s->src, &s->nsrc, &s->last, key, path);

	e->lines += lines;
	e->timed += timed;
}

/* A piece's counts (put_counts) added to s's, as conv_count_record() adds. */
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
	conv_sum_add(&s->sum, &in);
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

/* The session of a piece (put_session: u32 n, n bytes at k), merged
 * at its fields' ranks. */
static int
merge_session(struct sl_convert *c, struct sl_codec_cur *k)
{
	size_t n = sl_codec_get_u32(k), used;
	const unsigned char *p = (const void *)get_bytes(k, n);
	struct sl_record r;

	if (p == NULL)
		return -1;
	if (n == 0)
		return 0;
	used = sl_record_decode((const char *)p, n, &r, &c->arrays);
	if (used == 0 || r.type != SL_SESSION ||
	    n - used != SL_F_COUNT + r.nextra)
		return -1;
	sl_sessions_merge_ranked(c->tab, &r, p + used, p + used + SL_F_COUNT);
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
	conv_free_sources(&unused);
	off = sl_codec_get_i64(k);
	len = sl_codec_get_i64(k);
	(void)sl_codec_get_i64(k);	/* the writer's bytes: made again */
	(void)sl_codec_get_i64(k);
	if (k->bad || len <= 0)
		return SL_STOP;
	sl_buf_reset(b);
	sl_buf_reserve(b, (size_t)len);
	if (sl_pread_all(c->pf->fd[PF_BLOCKS], b->buf, (size_t)len, off) != 0) {
		conv_fail(c, "spool file: read error");
		return SL_STOP;
	}
	for (at = 0; at < (size_t)len; at += used) {
		used = sl_record_decode(b->buf + at, (size_t)len - at, &r,
		    &c->arrays);
		if (used == 0 || conv_take_record(c, &r, NULL, 0, -1) != SL_OK)
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
	s = conv_csess_of(c, sl_sessions_get(c->tab, sid, 1));
	if (s->body)
		return absorb_piece(c, k);
	if (merge_session(c, k) != 0)
		return SL_STOP;
	add_counts(s, k);
	/* Another piece or a record before it: the spool has them all. */
	shared = s->pieces > 0 || s->loose > 0;
	if (shared && conv_take_block(c, s) != 0)
		return SL_STOP;
	s->block_off = sl_codec_get_i64(k);
	s->block_len = sl_codec_get_i64(k);
	s->piece_off = sl_codec_get_i64(k);
	s->piece_len = sl_codec_get_i64(k);
	s->pieces++;
	if (k->bad || s->block_len <= 0 || s->piece_len < 0)
		return SL_STOP;
	if (shared && conv_take_block(c, s) != 0)
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

	conv_sum_add(&e->sum, sum);
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
		conv_fail(c, "spool file: read error");
		return -1;
	}
	if (conv_spool_ready(c, s) != 0)
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
			conv_fail(c, "spool file: write error: %s",
			    strerror(errno));
			return -1;
		}
		sl_buf_add(to, b->buf + at + 8, clen);
	}
	if (at != (size_t)len) {
		conv_fail(c, "spool file: read error");
		return -1;
	}
	return 0;
}

/*
 * A body piece (end_body_piece, k past its session's id), taken as -j
 * 1 takes its records: its counts added, its chunks where -j 1 has
 * their bytes.  The first thing of its session is left where it is
 * until something else comes (conv_take_block) or the end (gather).
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
	s = conv_csess_of(c, sl_sessions_get(c->tab, sid, 1));
	first = !s->body;
	s->body = 1;
	if (merge_session(c, k) != 0)
		return SL_STOP;
	add_counts(s, k);
	if ((v = (const void *)get_bytes(k, sizeof(*v))) == NULL)
		return SL_STOP;
	memcpy(&all, v, sizeof(all));	/* frames are unaligned */
	conv_sum_add(&s->sum_all, &all);
	if (add_tags(s, k, &map, &n) == 0) {
		off = sl_codec_get_i64(k);
		len = sl_codec_get_i64(k);
		s->piece_off = sl_codec_get_i64(k);
		s->piece_len = sl_codec_get_i64(k);
		s->piece_head = sl_codec_get_i64(k);
		s->mid_off = off;
		s->mid_len = len;
		s->pieces++;
		/* No writer's bytes: as if its records had come alone. */
		s->loose += s->piece_len < 0;
		if (k->bad || len < 0 || s->piece_head < 0 ||
		    (s->piece_len >= 0 && s->piece_head > s->piece_len))
			;
		else if (len == 0)	/* session records alone: no byte */
			rc = SL_OK;
		else if (first) {
			s->block_off = off;
			s->block_len = len;
			rc = SL_OK;
		} else if (conv_take_block(c, s) == 0 &&
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
		if (conv_take_record(c, &r, k.p, used, wd) != SL_OK)
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
