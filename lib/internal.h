/*
 * internal.h: what lib/ and formats/ share and the tools do not see.
 */
#ifndef SL_INTERNAL_H
#define SL_INTERNAL_H

#include <sys/types.h>

#include "sl.h"

#define SL_UNUSED(x)	((void)(x))
#define SL_MIN(a, b)	((a) < (b) ? (a) : (b))
#define SL_MAX(a, b)	((a) > (b) ? (a) : (b))

/* Allocation that cannot fail: out of memory aborts (lib/base/util.c). */
void *sl_xmalloc(size_t n);
void *sl_xcalloc(size_t n, size_t sz);
void *sl_xrealloc(void *p, size_t n);
char *sl_xstrdup(const char *s);
char *sl_xstrndup(const char *s, size_t n);

/* ----------------------------------------------------------- input layer */

/*
 * One leaf input: a plain file, a decompressed stream or an archive
 * member, read through a buffer.  Readers pull bytes or lines from it and
 * never hold more than one buffer of it.
 */
struct sl_in;

/* Name used in src: "path", "-", "a.tar.gz//member". */
const char *sl_in_name(const struct sl_in *in);
/*
 * Make up to want bytes (at most SL_PEEK) visible at *p without consuming
 * them.  Returns how many are visible: fewer only at end of input.
 */
size_t sl_in_peek(struct sl_in *in, const unsigned char **p, size_t want);
/*
 * The whole rest of the input, not consumed, when it is at most max bytes
 * and came without error: its length, with *p set.  Else SIZE_MAX (the
 * bytes seen stay visible; the input is read on as usual).
 */
size_t sl_in_peek_whole(struct sl_in *in, const unsigned char **p,
    size_t max);
/* Read up to n bytes.  Returns the count, 0 at end, -1 on error. */
ssize_t sl_in_read(struct sl_in *in, void *buf, size_t n);
/*
 * Next line, '\n' included when present, as a view into the buffer valid
 * until the next call.  A line longer than SL_LINE_PIECE (the '\n'
 * included) comes in pieces, *more set on all but the last.  Returns 1,
 * 0 at end, -1 on error.
 */
int sl_in_line(struct sl_in *in, const char **p, size_t *n, int *more);
/* Read the rest of the input; the lines it held (pieces of one count once). */
long long sl_in_skip_lines(struct sl_in *in);
/* Number of the line last returned by sl_in_line (1-based). */
long long sl_in_lineno(const struct sl_in *in);
/* Bytes consumed so far. */
long long sl_in_offset(const struct sl_in *in);
/* Nonzero once a read error (already reported) has happened. */
int sl_in_failed(const struct sl_in *in);
/*
 * Nonzero when the rest of the input was refused (a decompression bomb):
 * not a log that stops early but a rejected unit.
 */
int sl_in_refused(const struct sl_in *in);
/*
 * The first offset >= from (in sl_in_offset() terms) where the input
 * skipped corrupt data and the bytes after it start afresh (the next
 * member of a multi-member gzip stream), or -1.  Only bytes already
 * peeked or read are known; readers of formats that span members (JSON
 * documents) stop there and start again.
 */
long long sl_in_next_break(const struct sl_in *in, long long from);

/* An input over bytes in memory (not copied: p must outlive it). */
struct sl_in *sl_in_mem(const char *name, const void *p, size_t n);
void sl_in_free(struct sl_in *in);

/*
 * Open path ("-": stdin) and call fn for every leaf input under it:
 * gzip streams are decompressed, archives are opened member by member,
 * directories walked in sorted order.  Problems go to err as
 * "where: message"; an error a reader did not reach (it stopped early) is
 * reported by the walker after fn returns.  Returns SL_OK, SL_REJECT
 * (something was unreadable), or SL_STOP/SL_FATAL when fn returned one
 * (the walk stops there).
 */
typedef int (*sl_leaf_fn)(void *arg, struct sl_in *in);
int sl_input_walk(const char *path, sl_leaf_fn fn, void *arg,
    sl_errfn err, void *errarg, struct sl_stats *st);

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
};

/* What a format reader works with. */
struct sl_reader {
	struct sl_run *run;
	struct sl_in *in;
	const char *name;		/* sl_in_name(in) */
	const struct sl_opts *opts;
	struct sl_stats *st;
	int status;			/* worst status so far */
};

/* Hand r to the sink.  Returns SL_OK or SL_STOP. */
int sl_emit(struct sl_reader *rd, const struct sl_record *r);
/* Clear r for a record of type t in session sid. */
void sl_record_init(struct sl_record *r, enum sl_type t, const char *sid,
    const char *src);
/* Emit a note.  count < 0: none. */
int sl_emit_note(struct sl_reader *rd, const char *sid, const char *src,
    const char *code, long long count, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/*
 * Report a problem at where (NULL: the input name) through the run's error
 * callback, emit a "rejected" note for session sid there, and mark the
 * input as failed (exit 1).  Returns SL_REJECT, or SL_STOP.
 */
int sl_reject(struct sl_reader *rd, const char *sid, const char *where,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
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

/* Run another format over bytes in memory as part of this input (the
 * message of a CloudWatch event, say).  name is used in src. */
int sl_reader_sub(struct sl_reader *rd, const struct sl_format *f,
    const char *name, const void *p, size_t n);

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
 * The transcript a record's src belongs to: its input ("a.log" of
 * "a.log:12"), or the folder of a split export's numbered objects.  One
 * rule for every tool that picks one transcript per session: the one
 * with the most lines (lib/report/report.c).  malloc'd.
 */
char *sl_transcript_key(const char *src);
/* Length of the input part of src: "a.log:12" -> 5, "x#3" -> 1. */
size_t sl_src_input_len(const char *src);

/* Text, not binary: no NUL, few invalid UTF-8 bytes (formats/readers/raw.c). */
int sl_looks_text(const unsigned char *p, size_t n);

/* The format with the highest bid for these bytes, or NULL. */
const struct sl_format *sl_detect(const unsigned char *p, size_t n,
    const char *name);

/* ------------------------------------------------- transcript pipeline */

/*
 * sl_tty: one session's terminal stream: the renderer, prompt
 * recognition, and line/note emission with n counted per session.
 */
struct sl_tty;

enum sl_tty_kind {
	SL_TTY_LINUX,	/* raw pty bytes; bracketed paste/title signals hold */
	SL_TTY_PWSH,	/* PowerShell transcript lines */
	SL_TTY_STREAM	/* agent-stripped streamed lines: signals unreliable */
};

/* sid may be NULL; copied. */
struct sl_tty *sl_tty_new(struct sl_reader *rd, const char *sid,
    enum sl_tty_kind kind);
void sl_tty_feed(struct sl_tty *tty, const void *p, size_t n);
/* Input line of the next byte fed (for src "name:line"). */
void sl_tty_set_line(struct sl_tty *tty, long long line);
/*
 * Use a fixed src (e.g. "file#3") and time (NULL: untimed) for every
 * line emitted from now on; NULL src goes back to "name:line".
 */
void sl_tty_set_src(struct sl_tty *tty, const char *src, const char *time);
/* Make every row final now (an event boundary); state is kept. */
void sl_tty_flush(struct sl_tty *tty);
/* End of the session stream: flush and emit pending notes. */
void sl_tty_finish(struct sl_tty *tty);
/* Host seen in an OSC title (user@host:dir), or NULL. */
const char *sl_tty_host(const struct sl_tty *tty);
/* Lines emitted so far. */
long long sl_tty_lines(const struct sl_tty *tty);
/* Number lines after n (an earlier part of the session numbered n). */
void sl_tty_set_lines(struct sl_tty *tty, long long n);
/* Status SL_OK or SL_STOP (sink stopped). */
int sl_tty_status(const struct sl_tty *tty);
/*
 * Row filter: called on each final row before prompt recognition; return
 * 0 to drop it (counted as skipped).  Used for logger noise.
 */
typedef int (*sl_tty_filter_fn)(void *arg, const struct sl_row *row);
void sl_tty_set_filter(struct sl_tty *tty, sl_tty_filter_fn fn, void *arg);
void sl_tty_free(struct sl_tty *tty);
/*
 * src "name#N" instead of "name:N" (sep '#'): the events of a JSON
 * document, numbered with sl_tty_set_line() before each is fed.
 */
void sl_tty_set_sep(struct sl_tty *tty, char sep);
/*
 * The per-session part of a tty (session id, line count, prompt state,
 * host), so that one renderer serves many interleaved sessions whose rows
 * never span a switch: streamed CloudWatch events, where every element
 * renders from scratch.  Memory then grows with sessions by a part, not
 * a renderer.  Switch with sl_tty_use() right after sl_tty_flush(); NULL
 * goes back to the tty's own part.  kind chooses the prompt rules.  The
 * caller frees its parts (after the tty stops using them).
 */
struct sl_tty_part;
struct sl_tty_part *sl_tty_part_new(struct sl_tty *tty, const char *sid,
    enum sl_tty_kind kind);
void sl_tty_use(struct sl_tty *tty, struct sl_tty_part *part);
void sl_tty_part_free(struct sl_tty_part *part);

/* ------------------------------------------------- prompt recognition */

struct sl_prompt;

enum sl_prompt_class {
	SL_PROMPT_NONE,		/* output */
	SL_PROMPT_CMD,		/* prompt, then a command (maybe empty) */
	SL_PROMPT_CONT		/* continuation of the previous command */
};

/* user may be NULL; signals: bracketed-paste/title flags are reliable. */
struct sl_prompt *sl_prompt_new(const struct sl_prompts *user,
    int signals, int pwsh);
/*
 * Classify a final row of this session.  For SL_PROMPT_CMD and
 * SL_PROMPT_CONT, *plen is the length of the prompt part.
 */
enum sl_prompt_class sl_prompt_classify(struct sl_prompt *ps,
    const char *text, size_t len, unsigned flags, size_t *plen);
/* The same, with edit_at as in struct sl_row (0: none). */
enum sl_prompt_class sl_prompt_classify_at(struct sl_prompt *ps,
    const char *text, size_t len, unsigned flags, size_t edit_at,
    size_t *plen);
/* What the row last classified says beyond its class. */
#define SL_MARK_CANCELLED	0x1	/* it ends in ^C: the line never ran */
#define SL_MARK_GROUP		0x2	/* ...and so does the command it
					 * continues, every row of it */
#define SL_MARK_REDRAW		0x4	/* it draws the previous command row
					 * again: that row's line never ran */
#define SL_MARK_HISTORY		0x8	/* its command uses history expansion:
					 * the shell may echo what it became */
unsigned sl_prompt_marks(const struct sl_prompt *ps);
/* Is the last command unfinished (more rows of it may come)? */
int sl_prompt_open(const struct sl_prompt *ps);
/* Has the session shown bash's bracketed-paste signal on a prompt? */
int sl_prompt_pastes(const struct sl_prompt *ps);
/* Command rows seen (not cancelled, command not empty). */
long long sl_prompt_commands(const struct sl_prompt *ps);
/* Non-empty rows classified. */
long long sl_prompt_rows(const struct sl_prompt *ps);
/* The most recent command, for naming a full-screen program. */
const char *sl_prompt_last_cmd(const struct sl_prompt *ps);
void sl_prompt_free(struct sl_prompt *ps);

/* ---------------------------------------------------------- names, times */

/* The session id in an agent path (".../orchestration/<sid>/..."). */
char *sl_session_from_path(const char *path);
/* The instance id in an agent path (".../ssm/<iid>/session/..."). */
char *sl_target_from_path(const char *path);
/* ISO time without a zone taken as UTC (Logs Insights), or with one. */
int sl_time_utc(const char *s, size_t n, long long *ms);

/* ---------------------------------------------------------------- utf8 */

/*
 * Decode one UTF-8 sequence at p (n bytes available).  Returns its length
 * and stores the code point; invalid input gives U+FFFD and the length of
 * the maximal invalid subpart (at least 1).  Returns 0 when more bytes are
 * needed to decide (only when n < 4).
 */
size_t sl_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Encode cp; returns length (1..4). */
size_t sl_utf8_encode(uint32_t cp, char out[4]);
/* Length of the longest valid UTF-8 prefix of p. */
size_t sl_utf8_valid_prefix(const unsigned char *p, size_t n);

/* ------------------------------------- SHA-256 and raw bytes (sl-convert) */

/* SHA-256 (lib/base/sha256.c): incremental, or one-shot with sl_sha256. */
struct sl_sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

void sl_sha256_init(struct sl_sha256_ctx *c);
void sl_sha256_update(struct sl_sha256_ctx *c, const void *p, size_t n);
/* Store the digest and wipe c. */
void sl_sha256_final(struct sl_sha256_ctx *c, unsigned char out[32]);
void sl_sha256(const void *p, size_t n, unsigned char out[32]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sl_sha256_hex(const unsigned char d[32], char out[65]);

/*
 * Hand the raw input bytes p[0, n) of input line `line` to the sink as an
 * SL_RAW record of session sid (lib/convert/emit_raw.c), when the sink asked for
 * them (SL_WANT_RAW); otherwise do nothing.  Readers call it with exactly
 * the bytes they feed to the renderer, before feeding them, so that the
 * SL_RAW texts of a session, in order, are the bytes that were rendered
 * and each line record comes after the raw bytes it was drawn from.  A
 * line's LF may come in a record of its own; line is what matters.
 * Returns SL_OK or SL_STOP.
 */
int sl_emit_raw(struct sl_reader *rd, const char *sid, long long line,
    const void *p, size_t n);

#endif /* SL_INTERNAL_H */
