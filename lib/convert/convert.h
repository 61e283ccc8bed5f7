/*
 * convert.h: the driver's state (struct sl_convert, its sessions, sources
 * and spool) shared by the files of lib/convert/convert*.c, and the few
 * functions that cross them.  Internal: only those files include it.
 * (made by the split tool)
 */
#ifndef SL_CONVERT_CONVERT_H
#define SL_CONVERT_CONVERT_H
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
	/* A body piece's middle, its chunks' bytes, is not in the pieces'
	 * file but in the blocks' (mid_len > 0: from mid_off on, with
	 * their heads), between its first piece_head bytes and the rest. */
	long long piece_head, mid_off, mid_len;
	/* The records of its piece while they are all it has: in the
	 * blocks' file, not yet in sp (block_len 0: none; conv_take_block). */
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
	struct sl_buf held;		/* as the spool keeps them */
	struct sl_buf held_ent;		/* each one's width, length (i64) */
	char *held_sid;
	int held_plain;
	struct sl_sessions *held_tab;	/* their session's facts, */
	struct csess held_cs;		/* counts, */
	int held_merged;		/* and whether a session record
					   came (put_session) */
	/* Body mode: what put() made of the held records, in chunks
	 * tagged as held_cs's (a body piece: end_body_piece). */
	struct sl_body_mem held_body;
	struct sl_buf piece;		/* scratch of make_piece */
	size_t piece_head;		/* chunks_body: where its bytes
					   go in piece */
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

enum { PF_BLOCKS, PF_PIECES };		/* records, writer's bytes */

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
	struct sl_buf window[2];	/* of each file, at ... */
	long long window_off[2];	/* ... this offset */
};

/* Defined in one file of convert, used by another. */
void	conv_fail(struct sl_convert *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	conv_track_tmp(struct sl_convert *c, const char *path);
int	conv_close_out(struct sl_convert *c, struct sl_out *o,
    const char *name);
int	conv_ends_with(const char *s, const char *suffix);
int	conv_is_dir(const char *path);
struct csess	*conv_csess_of(struct sl_convert *c,
    const struct sl_session *e);
struct csrc	*conv_source_at(struct csrc **v, size_t *n, size_t *last,
    const char *src, size_t len);
void	conv_count_in(struct sl_convert *c, struct csess *s, struct sl_wsum *m,
    struct csrc *e, const struct sl_record *r, long long wd);
void	conv_count_record(struct sl_convert *c, struct csess *s,
    const struct sl_record *r, long long wd);
int	conv_scratch_fd(struct sl_convert *c);
int	conv_spool_ready(struct sl_convert *c, struct csess *s);
int	conv_spool_append(struct sl_convert *c, struct csess *s, const struct sl_record *r,
    const void *enc, size_t n);
int	conv_spool_flush(struct sl_convert *c);
void	conv_body_file(struct sl_convert *c);
int	conv_body_put(struct sl_convert *c, struct sl_spool *sp, uint32_t tag,
    const struct csess *s, const struct sl_record *r);
int	conv_body_flush(struct sl_convert *c);
int	conv_take_record(struct sl_convert *c, const struct sl_record *r,
    const void *enc, size_t n, long long wd);
int	convert_put(void *arg, const struct sl_record *r);
void	conv_piece_files_free(struct piece_files *pf);
void	conv_drop_held(struct sl_convert *c);
void	conv_sum_add(struct sl_wsum *m, const struct sl_wsum *in);
int	conv_take_block(struct sl_convert *c, struct csess *s);
void	conv_free_sources(struct csess *s);
void	conv_body_sum(struct csess *s, const size_t *keep);
int	conv_spool_gather(struct sl_convert *c);
int	conv_write_file(struct sl_convert *c, struct sl_out *o,
    struct sl_wsess *ss, size_t n);
int	conv_has_content(const struct csess *s);
int	conv_has_story(const struct csess *s);
int	conv_write_dir(struct sl_convert *c, struct sl_wsess *ss, size_t n);
int	conv_write_archive(struct sl_convert *c, struct sl_wsess *ss, size_t n);

/* What put() makes of r (a record of s) appended to to.  0, or -1.
 * Inlined, as conv_body_tag and conv_body_count: -j 1 calls each once
 * a record. */
static inline __attribute__((always_inline)) int
conv_body_render(struct sl_convert *c, const struct csess *s,
    const struct sl_record *r, struct sl_buf *to)
{
	struct sl_wsess ws = { s->info->id, s->info, &s->sum, s->sp, 1, -1,
	    -1, 1, 0, 0, 0 };

	conv_body_file(c);
	c->bf.mem = to;
	return c->w->put(&c->bf, &ws, r) == SL_OK ? 0 : -1;
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
conv_body_tag(struct csess *s, const struct sl_record *r, struct csrc **t,
    size_t *len)
{
	*t = NULL;
	if (r->type == SL_SESSION || r->src == NULL)
		return SL_BODY_ALL;
	*len = sl_src_input_len(r->src);
	*t = conv_source_at(&s->tag, &s->ntag, &s->lasttag, r->src, *len);
	return (uint32_t)(*t - s->tag);
}

/* r, whose bytes went with tag source t (NULL: SL_BODY_ALL; len as
 * conv_body_tag gave it), counted: its src measured once for both. */
static inline __attribute__((always_inline)) void
conv_body_count(struct sl_convert *c, struct csess *s, struct csrc *t,
    const struct sl_record *r, size_t len)
{
	struct csrc *e = NULL;

	if (r->type == SL_LINE && r->src != NULL)
		e = conv_source_at(&s->src, &s->nsrc, &s->last, r->src, len);
	conv_count_in(c, s, t != NULL ? &t->sum : &s->sum_all, e, r, -1);
	s->loose++;
}

#endif /* SL_CONVERT_CONVERT_H */
