/*
 * writer.h: output writers for sl-convert (formats/w_*.c), the spool
 * they may read a whole session from, and helpers they share
 * (lib/convert/writer.c).  Internal: the tools see only sl_convert_* in sl.h.
 *
 * A writer is a sink with a file around it.  The driver (lib/convert/convert.c)
 * opens an output file, calls open(), then, for each session in it,
 * either
 *  - begin(), put() for every record of the session, end(): writers that
 *    could stream (csv, records) get them from the spool once all input
 *    is read, since only then is the transcript to show known; or
 *  - whole(): writers flagged SL_W_WHOLE get the session once all input
 *    is read, with its merged facts and counts, and may read its records
 *    from the spool as many times as they like (a table of contents
 *    first, then the body);
 * and close() at the end of the file; gap(), when there is one, before
 * each session but the first.  Every hook returns SL_OK, or SL_STOP
 * after a failed write (the error sits on the sl_out).
 *
 * A writer flagged SL_W_PIECE may also run in a -j worker, on a file of
 * its own (f->mem set) holding one session of the worker's job: the
 * bytes of its begin(), put()s and end() (a "piece") then stand in for
 * that session wherever it goes, when nothing else came for it.  So its
 * output of a session must depend on that session's records and facts
 * (and the options) only: not on the sessions before it in the file.
 */
#ifndef SL_WRITER_H
#define SL_WRITER_H

#include "internal.h"
#include "output/output.h"

#define SL_W_WHOLE	0x1	/* needs whole sessions: spooled, whole() */
#define SL_W_ONE	0x2	/* a file holds one session */
#define SL_W_LINES	0x4	/* sessions without lines are left out
				   unless all_sessions */
#define SL_W_PIECE	0x8	/* a session's output is what begin(), put()
				   and end() make of its records and facts
				   alone (with gap() before it but the
				   first): a -j worker may make it */
#define SL_W_WIDTH	0x10	/* reads sum->width: the driver measures
				   every line (a cost the others skip) */
#define SL_W_BODY	0x20	/* put()'s bytes depend on the record and
				   the options alone, and end()'s not on
				   what put() saw (it reads s->sum): the
				   driver may keep those bytes instead of
				   the records (no spool to read back) */

/* Counted by the driver over a whole session while spooling it. */
struct sl_wsum {
	long long records;	/* of any type */
	long long lines;
	long long commands;	/* prompt lines with a command, not cont */
	long long notes;
	long long raw;		/* SL_RAW records */
	long long width;	/* columns of the widest line; SL_W_WIDTH
				   writers only, else 0 */
	char first_time[25];	/* of timed lines; "" when none */
	char last_time[25];
	int truncated;		/* a "truncated" note was seen */
};

/* One session as a writer sees it. */
struct sl_wsess {
	const char *id;			/* NULL: the unknown session */
	const struct sl_session *info;	/* merged facts, final */
	const struct sl_wsum *sum;
	struct sl_spool *spool;
	long long index;		/* 1, 2, ...: within this file */
	/* The driver's own: the bytes a -j worker made of the session
	 * (SL_W_PIECE), at piece_off in the spool file; -1: none. */
	long long piece_off, piece_len;
	int body;	/* spool holds put()'s bytes (convert/body.c) */
	/* A body piece's middle (its chunks, with their heads, mid_len
	 * bytes at mid_off in the blocks' file) goes after the piece's
	 * first piece_head bytes; mid_len 0: the piece is whole. */
	long long piece_head, mid_off, mid_len;
};

/* One output file being written. */
struct sl_wfile {
	struct sl_out *out;
	struct sl_buf *mem;		/* non-NULL: written here instead */
	const struct sl_convert_opts *opt;
	void *state;			/* writer's own, size bytes, zeroed */
	char now[25];			/* conversion time, RFC 3339 */
	/* Sessions that go into this file, known up front. */
	const struct sl_wsess *sessions;
	size_t nsessions;
};

struct sl_writer {
	const char *name;		/* -t NAME */
	const char *desc;
	const char *ext;		/* suffix of per-session files */
	unsigned want;			/* SL_WANT_RAW, SL_WANT_ATTRS */
	unsigned flags;			/* SL_W_* */
	size_t size;			/* of the per-file state */
	int (*open)(struct sl_wfile *f);
	int (*begin)(struct sl_wfile *f, const struct sl_wsess *s);
	int (*put)(struct sl_wfile *f, const struct sl_wsess *s,
	    const struct sl_record *r);
	int (*end)(struct sl_wfile *f, const struct sl_wsess *s);
	int (*whole)(struct sl_wfile *f, const struct sl_wsess *s);
	int (*close)(struct sl_wfile *f);
	/* What separates a session from the one before it in a file;
	 * NULL: nothing.  The driver calls it, so that a session's own
	 * bytes are the same wherever it stands. */
	int (*gap)(struct sl_wfile *f);
};

/* --------------------------------------------------- shared helpers */

/* Write b to f->out (f->mem when set).  SL_OK or SL_STOP. */
int sl_w_buf(struct sl_wfile *f, const struct sl_buf *b);
int sl_w_str(struct sl_wfile *f, const char *s);
/*
 * Append text with what a terminal or a viewer must not interpret made
 * harmless: invalid UTF-8, C0 controls but TAB, DEL and C1 controls
 * become U+FFFD.  Records never hold them; a hostile stream might.
 */
void sl_w_clean(struct sl_buf *b, const char *s, size_t n);
/* Columns s takes on a terminal (wide characters count two). */
size_t sl_w_width(const char *s, size_t n);
/* s escaped for HTML text and attribute values, cleaned as above. */
void sl_w_html(struct sl_buf *b, const char *s, size_t n);
/* Milliseconds of an RFC 3339 time, or -1. */
long long sl_w_ms(const char *t);
/*
 * The fallback time of a session's untimed lines, documented in
 * sl-convert(1): its start, else its end, else the conversion time.
 */
const char *sl_w_session_time(const struct sl_wfile *f,
    const struct sl_wsess *s);

/*
 * The file name of session id (NULL: the unknown session) with suffix ext,
 * safe in any folder (documented in sl-convert(1)), at most
 * SL_W_NAME_MAX bytes of the id and a hash.  malloc'd.
 */
#define SL_W_NAME_MAX	160
char *sl_w_safe_name(const char *id, const char *ext);

/* The writers, in --list-targets order; ends with NULL. */
extern const struct sl_writer *const sl_writer_table[];

#endif /* SL_WRITER_H */
