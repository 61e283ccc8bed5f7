/*
 * core.h: what readers work with (lib/core/): the format module,
 * the reader, emitting and rejecting, accounting, carries, session names.
 */
#ifndef SL_CORE_H
#define SL_CORE_H

#include "base/base.h"
#include "input/input.h"

/* ---------------------------------------------------------- format module */

struct sl_reader;

/*
 * A format module (formats/<name>.c) exports one of these and nothing
 * else.  probe() bids on the first bytes: 0 = not this format, higher =
 * more verified (roughly the bits checked); raw bids 1 on text.
 * read() consumes the whole input, emitting records as it goes.
 */
struct sl_format {
	const char *name;
	const char *desc;
	int (*probe)(const unsigned char *p, size_t n, const char *name);
	int (*read)(struct sl_reader *rd);
	int shape;			/* enum sl_shape: required */
};

/*
 * What a format's bytes are, for a consumer that works on the bytes
 * themselves rather than on records (the redactor keeps them and changes
 * only secrets).  A format must say: SL_SHAPE_NONE is refused, so a new
 * JSON format cannot quietly be taken for text.
 */
enum sl_shape {
	SL_SHAPE_NONE,		/* not declared: an error */
	SL_SHAPE_TEXT,		/* lines of text or terminal bytes */
	SL_SHAPE_JSON,		/* JSON documents (maybe base64 of gzip of them) */
	SL_SHAPE_RECORDS	/* the record stream (sl-records(5)) */
};
/* The shape of format f (SL_SHAPE_NONE when it has not said). */
int sl_format_shape(const struct sl_format *f);

/* What a format reader works with. */
struct sl_reader {
	struct sl_run *run;
	struct sl_in *in;
	const char *name;		/* sl_in_name(in) */
	const struct sl_opts *opts;
	struct sl_stats *st;
	int status;			/* worst status so far */
	unsigned want;			/* the sink's SL_WANT_* (asked per line) */
};

/* Hand r to the sink.  Returns SL_OK or SL_STOP. */
int sl_emit(struct sl_reader *rd, const struct sl_record *r);
/*
 * The same for a line record whose session and src the caller has found
 * valid UTF-8 (or NULL) before: mend()'s check of both, per record, is
 * skipped (a line record has no other strings it mends).  Any other
 * type goes through sl_emit().
 */
int sl_emit_checked(struct sl_reader *rd, const struct sl_record *r);
/* Clear r for a record of type t in session sid. */
void sl_record_init(struct sl_record *r, enum sl_type t, const char *sid,
    const char *src);
/* Emit a note.  count < 0: none. */
int sl_emit_note(struct sl_reader *rd, const char *sid, const char *src,
    const char *code, long long count, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/*
 * Report a problem at where (NULL: the input name) through the run's error
 * callback, emit a "rejected" note for session sid there, mark the input
 * as failed (exit 1), and count one unit rejected (the reader has counted
 * it read).  Returns SL_REJECT, or SL_STOP.
 */
int sl_reject(struct sl_reader *rd, const char *sid, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * The same for a bad value inside a unit that is used all the same (an
 * unreadable "eventTime"): reported and noted, but no unit is rejected.
 */
int sl_reject_value(struct sl_reader *rd, const char *sid,
    const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Accounting (records.md): every unit of input (a line of text, a JSON
 * event) is counted once when read and once where it went: written (it
 * became a record), merged (folded into another record), skipped
 * (deliberately ignored, counted in a note) or rejected (sl_reject).
 * The run checks read = written + merged + skipped + rejected once, at
 * sl_run_finish.  Inline: the renderer counts every row.
 */
static inline void
sl_count_units(struct sl_reader *rd, long long n)
{
	rd->st->units += n;
}

static inline void
sl_count_written(struct sl_reader *rd, long long n)
{
	rd->st->written += n;
}

static inline void
sl_count_merged(struct sl_reader *rd, long long n)
{
	rd->st->merged += n;
}

static inline void
sl_count_skipped(struct sl_reader *rd, long long n)
{
	rd->st->skipped += n;
}
/* Report a problem without a note (no session stream to carry it). */
void sl_warn(struct sl_reader *rd, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A fact for stderr that is no failure (sl_run_set_info); status kept. */
void sl_info(struct sl_reader *rd, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Count CloudTrail events of other APIs, for one line per run. */
void sl_count_other_apis(struct sl_reader *rd, long long n);
/* Does the sink want SL_WANT_* ? */
int sl_reader_wants(const struct sl_reader *rd, unsigned what);

/*
 * Read one leaf input with format f (NULL: detect) under run, as
 * sl_run_path does for each leaf of its walk: for a consumer that walks
 * the inputs itself (the redactor).  SL_OK, SL_REJECT or SL_STOP.
 */
int sl_run_input(struct sl_run *run, struct sl_in *in,
    const struct sl_format *f);

/*
 * Work a reader leaves open for the next input of the run: the numbered
 * objects of one export stream (000000.gz, 000001.gz, ...) are one
 * session, read as the walk hands them over.  At most one is open.  It
 * is finished (finish, then free) before an input of another format is
 * read, when a reader takes another key, and at sl_run_finish.
 */
struct sl_carry {
	const struct sl_format *format;
	char *key;			/* malloc'd; owned by the run */
	void *state;
	int (*finish)(void *state);	/* SL_OK, SL_REJECT or SL_STOP */
	void (*free)(void *state);
};
/* Leave c open (its key is taken over); finishes the one open before. */
void sl_run_carry_put(struct sl_run *run, const struct sl_carry *c);
/* The open state of format f under key, taken out of the run; NULL when
 * there is none (an open one of another key is finished first). */
void *sl_run_carry_take(struct sl_run *run, const struct sl_format *f,
    const char *key);

/*
 * A reader's spare: storage one input's reader is done with that the
 * next one may take instead of making its own (a renderer: a folder of
 * small logs makes thousands).  The run holds at most one: put gives
 * obj to the run and frees the one it held; take hands it back, now the
 * caller's, when it was put with free_fn (which names its kind), else
 * NULL.  sl_run_free frees what is left.
 */
void sl_run_spare_put(struct sl_run *run, void *obj, void (*free_fn)(void *));
void *sl_run_spare_take(struct sl_run *run, void (*free_fn)(void *));

/*
 * The transcript a record's src belongs to: its input ("a.log" of
 * "a.log:12"), or the folder of a split export's numbered objects.  One
 * rule for every tool that picks one transcript per session: the one
 * with the most lines (lib/report/report.c).  malloc'd.
 */
char *sl_transcript_key(const char *src);
/* Length of the input part of src: "a.log:12" -> 5, "x#3" -> 1. */
size_t sl_src_input_len(const char *src);

/* The format with the highest bid for these bytes, or NULL. */
const struct sl_format *sl_detect(const unsigned char *p, size_t n,
    const char *name);
#define SL_BID_SURE	100	/* a bid that ends detection (registry.c) */
/* sl_detect's window in which JSON probes share one key scan (registry.c). */
void sl_probe_keys_open(void);
void sl_probe_keys_close(void);

/* ---------------------------------------------------------- names (session.c) */

/* The session id in an agent path (".../orchestration/<sid>/..."). */
char *sl_session_from_path(const char *path);
/* The instance id in an agent path (".../ssm/<iid>/session/..."). */
char *sl_target_from_path(const char *path);

/* ------------------------------------------------------------ raw bytes */

/*
 * Hand the raw input bytes p[0, n) of input line `line` to the sink as an
 * SL_RAW record of session sid (lib/core/emit_raw.c), when the sink asked for
 * them (SL_WANT_RAW); otherwise do nothing.  Readers call it with exactly
 * the bytes they feed to the renderer, before feeding them, so that the
 * SL_RAW texts of a session, in order, are the bytes that were rendered
 * and each line record comes after the raw bytes it was drawn from.  A
 * line's LF may come in a record of its own; line is what matters.
 * Returns SL_OK or SL_STOP.
 */
int sl_emit_raw(struct sl_reader *rd, const char *sid, long long line,
    const void *p, size_t n);

/* ------------------------------------------------------- record codec */

/*
 * The one binary form of a record inside a run (lib/core/reccodec.c):
 * the -j pipe and the spool carry it.  Each record starts with its u32
 * length, so a reader of a stream knows how much to gather first.
 */
/* Append r to b. */
void sl_record_encode(struct sl_buf *b, const struct sl_record *r);
/* The size of the record starting at p[0, n): 0 before its length is
 * there (it may be larger than n: gather that much). */
size_t sl_record_size(const char *p, size_t n);
/*
 * Decode the record starting at p[0, n) into r, whose strings point into
 * p and whose arrays (spans, extra fields, redacted kinds) into arrays,
 * a buffer the caller owns and reuses.  Returns the bytes used, 0 when
 * p is malformed or cut short.
 */
size_t sl_record_decode(const char *p, size_t n, struct sl_record *r,
    struct sl_buf *arrays);

/* The codec's strings (NULL kept), for other frames of the same run. */
struct sl_codec_cur {
	const char *p;
	size_t n;
	int bad;		/* read past the end, or malformed */
};
void sl_codec_put_str(struct sl_buf *b, const char *s);
/* A number, host order (sl_codec_get_u32, sl_codec_get_i64 read it). */
void sl_codec_put_u32(struct sl_buf *b, uint32_t v);
void sl_codec_put_i64(struct sl_buf *b, long long v);
/* The next string at c, pointing into c's bytes; NULL and c->bad set
 * when malformed. */
const char *sl_codec_get_str(struct sl_codec_cur *c);
/* The next number at c (host order); 0 and c->bad set past the end. */
uint32_t sl_codec_get_u32(struct sl_codec_cur *c);
long long sl_codec_get_i64(struct sl_codec_cur *c);

/* ---------------------------------------------------------- sessions */

/*
 * Session s (of a struct sl_sessions) as one session record, *r (its
 * strings s's, valid while s is unchanged), with the rank each field
 * was taken at (rank[i] of r->f[i]; sl_session_extra_rank(s, k) of
 * r->extra[k]).  Merged into a table with sl_sessions_merge_ranked, it
 * makes what merging every record merged into s, in their order, makes.
 */
void sl_session_as_record(const struct sl_session *s, struct sl_record *r,
    unsigned char rank[SL_F_COUNT]);
unsigned char sl_session_extra_rank(const struct sl_session *s, size_t k);
const struct sl_session *sl_sessions_merge_ranked(struct sl_sessions *t,
    const struct sl_record *r, const unsigned char rank[SL_F_COUNT],
    const unsigned char *xrank);

/* ------------------------------------------------------------- spool */

/*
 * One session's records on disk (lib/core/spool.c), read back in order by
 * any number of cursors once fp is flushed.  Records returned by
 * sl_spool_next are owned by the cursor and valid until its next call.
 */
struct sl_spool;
struct sl_spool_cur;

/* Append r in the spool's format to fp, using scratch as room (it holds
 * exactly the bytes written after).  0, or -1 on a write error. */
int sl_spool_write(FILE *fp, struct sl_buf *scratch,
    const struct sl_record *r);
/* A spool over bytes [off, off+len) of fd (not owned). */
struct sl_spool *sl_spool_new(int fd, long long off, long long len);

/*
 * The shared file many spools append to (the caller's: it opens fp and
 * closes it; scratch is set up with sl_buf_init and freed by the caller).
 * It holds their records and the blocks of extents they spill there, so
 * that a spool's memory is bounded whatever the number of its runs.
 */
struct sl_spool_file {
	FILE *fp;		/* appended to, buffered */
	int fd;			/* fp's descriptor, for the spools' cursors */
	long long end;		/* its size, written or buffered */
	struct sl_buf scratch;	/* the last record written, encoded */
};
/* Append r to f as the next record of sp, a spool over f->fd.  No cursor
 * may be reading sp meanwhile.  0, or -1 with errno on a write error:
 * then f's file may end in a partial record or block, so nothing may be
 * appended to f again (by any of its spools); stop and report. */
int sl_spool_append(struct sl_spool_file *f, struct sl_spool *sp,
    const struct sl_record *r);
/* The same with r encoded already (sl_record_encode: p, n), as a -j
 * worker sends it. */
int sl_spool_append_encoded(struct sl_spool_file *f, struct sl_spool *sp,
    const void *p, size_t n);
long long sl_spool_len(const struct sl_spool *sp);
void sl_spool_free(struct sl_spool *sp);
struct sl_spool_cur *sl_spool_cursor(struct sl_spool *sp);
/* 1 and *r set, 0 at the end, -1 on a read error or a damaged spool. */
int sl_spool_next(struct sl_spool_cur *c, const struct sl_record **r);
/*
 * A spool holding bytes of the caller's own format (sl-convert's
 * rendered chunks) rather than records: the next n bytes, *p pointing at
 * them until the cursor's next call.  1, 0 at the end (no byte left),
 * -1 on a read error or when fewer than n are left.
 */
int sl_spool_bytes(struct sl_spool_cur *c, size_t n, const char **p);
void sl_spool_cursor_free(struct sl_spool_cur *c);

#endif /* SL_CORE_H */
