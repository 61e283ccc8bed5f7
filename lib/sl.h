/*
 * sl.h: the public header of libsl, the Session Manager log library.
 *
 * Data flows one way (ARCHITECTURE.md):
 *   input (files, gzip, archives, dirs) -> format reader -> renderer ->
 *   prompt recognition -> records -> sink chosen by the caller.
 *
 * Records reach the caller through struct sl_sink; they are borrowed:
 * every pointer in them is valid only during the call.
 *
 * Errors and diagnostics.  A function that fails fills a caller-owned
 * struct sl_error (code and message; no allocation).  Problems with the
 * input itself (a rejected line, an unreadable member) are not failures
 * of a call but facts about the data: they stream, one per place, to the
 * sl_errfn callback given to sl_run_new or sl_redact_path, while the
 * rest of the input is processed.
 *
 * The library never prints and never exits.  Out of memory and a write
 * to a closed pipe go to the caller's hooks (struct sl_hooks); the only
 * signal it raises is abort(3), when out of memory finds no hook that
 * ends the program, and on a broken built-in or a failed assertion (a
 * bug, never input).
 * Every public name starts with sl_ or SL_.
 */
#ifndef SL_H
#define SL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Marks the public functions: the library is built with hidden
 * visibility, so only these are exported from the installed libsl.a. */
#if defined(__GNUC__) || defined(__clang__)
#define SL_API	__attribute__((visibility("default")))
#else
#define SL_API
#endif

#define SL_VERSION "0.1.0"

/* Status codes returned by library functions. */
enum {
	SL_OK = 0,
	SL_EOF = 1,		/* no more input */
	SL_REJECT = -1,		/* something was rejected; the stream goes on */
	SL_FATAL = -2,		/* this input cannot go on */
	SL_STOP = -3		/* the sink asked to stop (failed write) */
};

/*
 * Limits.  Each is documented in sl-parse(1) and tested at and past the
 * limit.
 */
#define SL_ROW_MAX	65536	/* columns in one rendered row */
#define SL_TERM_ROWS	128	/* recent rows cursor-up and CUP can reach */
#define SL_TERM_CELLS	(1 << 20) /* cells held by the row window */
#define SL_TERM_BUDGET	((size_t)1 << 19) /* cells held by all windows
				   together (8 bytes each) */
#define SL_SEQ_MAX	65536	/* bytes in one OSC/DCS string */
#define SL_PEEK		65536	/* bytes peeked for detection */
#define SL_LINE_PIECE	(1 << 20) /* longest line piece handed to a reader */
#define SL_EVENT_MAX	(64 << 20) /* bytes in one JSON event */
#define SL_JSON_DEPTH	64	/* nesting accepted in one JSON value */
#define SL_EXPAND_RATIO	1000	/* decompressed/compressed bytes refused... */
#define SL_EXPAND_FREE	(64LL << 20) /* ...once output passes this */
#define SL_DICT_MAX	(64LL << 20) /* xz, lzma, lzip dictionary (xz -9) */
#define SL_NEST_MAX	4	/* levels of compression and archives
				   (a tar.gz is one) */

/* ------------------------------------------------------------- errors */

/*
 * The failure of a call, filled by the function that fails (the one
 * convention of every public function that can fail); owned by the
 * caller, nothing allocated.  err must not be NULL where a function
 * takes one, except sl_out_close.
 */
struct sl_error {
	int code;		/* SL_OK, or the status returned (SL_FATAL) */
	int sys;		/* errno of a failed system call, else 0 */
	char msg[1024];		/* "path:line: reason": lowercase, no
				   final period; "" when none */
};

/* -------------------------------------------------------------- hooks */

/*
 * What the library does where it cannot go on by itself.  Process-wide;
 * set once, before any other call (not thread-safe).  The tools set both.
 */
struct sl_hooks {
	/*
	 * Out of memory (n bytes asked for).  Streaming one record at a
	 * time, the library does not unwind from it: the hook should not
	 * return (print, clean up, exit).  NULL, or a hook that returns:
	 * abort(3).
	 */
	void (*oom)(size_t n);
	/*
	 * A write to an sl_out found its reader gone (EPIPE).  NULL: the
	 * output fails like any other (sl_out_close gives SL_FATAL, sys
	 * EPIPE).  A filter usually ends here quietly, as SIGPIPE
	 * would have ended it.  (The kernel's SIGPIPE comes first unless
	 * the program ignores it.)
	 */
	void (*broken_pipe)(void);
};

/* Copy h (NULL: back to the defaults above). */
SL_API void sl_set_hooks(const struct sl_hooks *h);

/* ---------------------------------------------------------------- records */

enum sl_type {
	SL_SESSION,
	SL_LINE,
	SL_NOTE,
	SL_RAW		/* raw input bytes of one input line; in-process only */
};

/* Session fields in output order; extra fields follow, then origin, src. */
enum sl_field {
	SL_F_PRINCIPAL,
	SL_F_OWNER,
	SL_F_TARGET,
	SL_F_HOST,
	SL_F_RUN_AS,
	SL_F_REGION,
	SL_F_ACCOUNT,
	SL_F_DOCUMENT,
	SL_F_KIND,
	SL_F_START,
	SL_F_START_SRC,
	SL_F_END,
	SL_F_END_SRC,
	SL_F_START_LOCAL,
	SL_F_END_LOCAL,
	SL_F_STATUS,
	SL_F_REASON,
	SL_F_SOURCE_IP,
	SL_F_USER_AGENT,
	SL_F_ORIGIN,
	SL_F_COUNT
};

/* The JSON key of a session field ("principal", "run_as", ...). */
SL_API const char *sl_field_name(enum sl_field f);
/* The field with that JSON key, or -1. */
SL_API int sl_field_lookup(const char *key);

struct sl_kv {
	const char *key;
	const char *val;
};

/*
 * SGR attributes packed in 32 bits, for outputs that keep colour (HTML).
 * Colours are xterm-256 palette indexes; truecolour is mapped to the
 * nearest palette entry.  SL_COLOR_DEFAULT means the terminal default.
 */
#define SL_COLOR_DEFAULT	256u
#define SL_ATTR_FG(a)		((a) & 0x1ffu)
#define SL_ATTR_BG(a)		(((a) >> 9) & 0x1ffu)
#define SL_ATTR_BOLD		(1u << 18)
#define SL_ATTR_DIM		(1u << 19)
#define SL_ATTR_ITALIC		(1u << 20)
#define SL_ATTR_UNDERLINE	(1u << 21)
#define SL_ATTR_BLINK		(1u << 22)
#define SL_ATTR_REVERSE		(1u << 23)
#define SL_ATTR_HIDDEN		(1u << 24)
#define SL_ATTR_STRIKE		(1u << 25)
#define SL_ATTR_DEFAULT		(SL_COLOR_DEFAULT | (SL_COLOR_DEFAULT << 9))

/* A run of text bytes [off, off+len) drawn with one attribute. */
struct sl_span {
	uint32_t off;
	uint32_t len;
	uint32_t attr;
};

/*
 * One record.  Fields not used by a type are zero/NULL.  Strings are
 * UTF-8 and NUL-terminated; text also has its length.
 */
struct sl_record {
	enum sl_type type;
	const char *session;	/* NULL: cannot be known */
	const char *src;	/* "path:line", "path#N", "-:3" */
	long long src_line;	/* line of src, 0 when src is not path:line */

	/* SL_LINE (text/len also carry SL_RAW bytes and the note text) */
	long long n;
	const char *text;
	size_t len;
	const char *time;	/* RFC 3339 UTC ms, NULL when untimed */
	int has_prompt;		/* prompt = text[0, prompt_len), cmd = rest */
	size_t prompt_len;
	int cont;		/* continuation of the previous command */
	int cancelled;		/* the line was cancelled (Ctrl-C): never ran */
	int redrawn;		/* drawn again further on before it ran */
	int uncertain;		/* the bytes cannot tell the command's text */
	const char *expanded;	/* the command after history expansion */
	const struct sl_span *spans;	/* with SL_WANT_ATTRS, else NULL */
	size_t nspans;

	/* SL_SESSION and SL_NOTE: further string fields */
	const struct sl_kv *extra;
	size_t nextra;

	/* SL_NOTE: code, text above as the sentence, optional count */
	const char *code;
	long long count;		/* -1: none */

	/* any type: kinds removed by sl-redact, written as "redacted" */
	const char *const *redacted;
	size_t nredacted;

	/* SL_SESSION.  Last, so line records can skip clearing it. */
	const char *f[SL_F_COUNT];
};

/* Note codes (records.md); never reuse one for another meaning. */
#define SL_NOTE_TRUNCATED	"truncated"
#define SL_NOTE_NO_TRANSCRIPT	"no-transcript"
#define SL_NOTE_FULL_SCREEN	"full-screen"
#define SL_NOTE_LONG_LINE	"long-line"
#define SL_NOTE_EMPTY		"empty"
#define SL_NOTE_SKIPPED		"skipped"
#define SL_NOTE_DUPLICATE	"duplicate"
#define SL_NOTE_REJECTED	"rejected"
#define SL_NOTE_NO_PROMPT	"no-prompt"
#define SL_NOTE_MEMORY		"memory"

/* What a sink wants beyond the plain records. */
#define SL_WANT_RAW	0x1	/* SL_RAW records with the raw input lines */
#define SL_WANT_ATTRS	0x2	/* spans on line records */

/*
 * Where records go.  put() returns SL_OK, or SL_STOP to end the run (a
 * failed write); the record is borrowed for the call only.
 */
struct sl_sink {
	int (*put)(void *arg, const struct sl_record *r);
	void *arg;
	unsigned want;
};

/* ------------------------------------------------------------ the JSON form */

/* A growable byte buffer; buf is always NUL-terminated. */
struct sl_buf {
	char *buf;
	size_t len;
	size_t cap;
};

SL_API void sl_buf_init(struct sl_buf *b);
SL_API void sl_buf_free(struct sl_buf *b);
SL_API void sl_buf_reset(struct sl_buf *b);
SL_API void sl_buf_add(struct sl_buf *b, const void *p, size_t n);
/* Make room for n more bytes (and the NUL) without adding them. */
SL_API void sl_buf_reserve(struct sl_buf *b, size_t n);
SL_API void sl_buf_addc(struct sl_buf *b, int c);
SL_API void sl_buf_adds(struct sl_buf *b, const char *s);
/* Add a decimal integer (no printf: this is on the per-line path). */
SL_API void sl_buf_add_int(struct sl_buf *b, long long v);
SL_API void sl_buf_printf(struct sl_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Add s as a JSON string literal, quotes included; invalid UTF-8 -> U+FFFD. */
SL_API void sl_buf_json_str(struct sl_buf *b, const char *s, size_t n);
/*
 * Control characters, the one rule for text meant for a terminal or a
 * spreadsheet: C0 (U+0000..U+001F), DEL and C1 (U+0080..U+009F, as
 * UTF-8 or as a lone byte).  sl_char_len() gives the length of the
 * character at p (a UTF-8 sequence, or one invalid byte; 1 at least when
 * n > 0) and sets *control when it is one of them; sl_clean_controls()
 * makes each one '?' in place.
 */
SL_API size_t sl_char_len(const char *p, size_t n, int *control);
SL_API void sl_clean_controls(char *s);

/* Append r as one JSON Lines object (with its '\n') to b. */
SL_API void sl_record_to_json(struct sl_buf *b, const struct sl_record *r);
/* A line that starts a command that ran: prompt, a command, not a
 * continuation, neither cancelled nor redrawn. */
SL_API int sl_record_is_command(const struct sl_record *r);
/* A prompt line whose command never ran (cancelled or redrawn). */
SL_API int sl_record_not_run(const struct sl_record *r);

/* --------------------------------------------------------------- output */

/*
 * A checked, buffered output: a file descriptor, or gzip over one when
 * opened with SL_OUT_GZIP.  Errors are sticky; sl_out_close() reports
 * them.  A broken pipe calls the broken_pipe hook (struct sl_hooks).
 */
struct sl_out;
#define SL_OUT_GZIP	0x1
/* Wrap fd (not closed by sl_out_close when it is 0..2).  NULL: no memory. */
SL_API struct sl_out *sl_out_fd(int fd, const char *name, unsigned flags);
SL_API int sl_out_write(struct sl_out *o, const void *p, size_t n);
SL_API int sl_out_flush(struct sl_out *o);
/*
 * Writing in place: text appended to sl_out_buf(o) (sl_record_to_json()
 * appends to an sl_buf) is output once sl_out_appended(o) is called,
 * with no copy in between.  The buffer belongs to o: append only, and
 * call sl_out_appended() before any other sl_out_* call on o.  Returns
 * as sl_out_write() does (on an error what was appended is dropped).
 */
SL_API struct sl_buf *sl_out_buf(struct sl_out *o);
SL_API int sl_out_appended(struct sl_out *o);
/*
 * Flush, close, free.  SL_OK, or SL_FATAL with the first error in err
 * (its sys; msg "write error on NAME: reason").  err may be NULL: an
 * output being abandoned.
 */
SL_API int sl_out_close(struct sl_out *o, struct sl_error *err);
SL_API const char *sl_out_name(const struct sl_out *o);

/* -------------------------------------------------------------- running */

struct sl_run;

/* Called for every problem: where is "path:line" or "path", msg lowercase. */
typedef void (*sl_errfn)(void *arg, const char *where, const char *msg);

struct sl_prompts;	/* user prompt patterns, see sl_prompts_add */

struct sl_opts {
	const char *format;	/* -f NAME, or NULL to detect */
	const char *session;	/* --session ID */
	const char *tz;		/* --tz ZONE for zone-less local times */
	struct sl_prompts *prompts;	/* --prompt REGEX (may be NULL) */
};

/* Counts for --stats: read = written + merged + skipped + rejected. */
struct sl_stats {
	long long inputs;	/* files and members opened */
	long long bytes;	/* bytes decoded (after decompression) */
	long long units;	/* lines of text and JSON events read */
	long long written;	/* units that became records */
	long long merged;	/* units folded into other records */
	long long skipped;	/* units deliberately ignored (counted in notes) */
	long long rejected;	/* units that could not be parsed */
	long long records;	/* records written to the sink */
	long long sessions;	/* session ids seen */
	long long other_apis;	/* CloudTrail events of other APIs (also
				   counted in skipped): one line per run */
};

/* A new run over inputs; opts and sink are copied.  NULL: no memory. */
SL_API struct sl_run *sl_run_new(const struct sl_opts *opts,
    const struct sl_sink *sink, sl_errfn err, void *errarg);
/*
 * Read one path ("-" is standard input): a file, a compressed file, an
 * archive (each member its own input), or a directory (walked in sorted
 * order).  Returns SL_OK, SL_REJECT when anything was unreadable or
 * rejected (already reported), SL_STOP when the sink stopped.
 */
SL_API int sl_run_path(struct sl_run *run, const char *path);
/* Feed bytes already in memory as one input named name (tests, fuzzing);
 * it is finished on return (see sl_run_finish). */
SL_API int sl_run_mem(struct sl_run *run, const char *name, const void *p,
    size_t n);
/*
 * End of the inputs: finish what a reader left open for the next input
 * (the objects of a split export stream are one session).  Call it
 * after the last sl_run_path and before sl_run_stats; sl_run_free does
 * it too.  Returns SL_OK, SL_REJECT or SL_STOP.
 */
SL_API int sl_run_finish(struct sl_run *run);
SL_API void sl_run_stats(const struct sl_run *run, struct sl_stats *st);
SL_API void sl_run_free(struct sl_run *run);
/*
 * Where informational messages go ("where: msg", as for errors): facts
 * worth a line on stderr that are not failures (CloudTrail events of
 * other APIs ignored).  Without one they are dropped.
 */
SL_API void sl_run_set_info(struct sl_run *run, sl_errfn info, void *arg);
/*
 * Read inputs in up to jobs worker processes (-j N; 1: all here, the
 * default).  Leaf inputs that stand alone (one session log each) go to
 * the workers; the sink, the message functions and the counters still
 * see exactly what a run with one job makes, in the same order.  Call
 * it before the first sl_run_path, after sl_run_set_info.
 */
SL_API void sl_run_set_jobs(struct sl_run *run, int jobs);
/*
 * Say that the sink does nothing but write each record as
 * sl_record_to_json makes it.  With -j N the workers then make that JSON
 * themselves and the run hands their bytes on, in input order, instead
 * of records to the sink: the same output, with the encoding done in
 * parallel.  Two ways to hand them on, both given arg and returning
 * SL_OK, or SL_STOP when the output failed:
 *   write(arg, bytes, n)  one block at a time (required);
 *   writev(arg, v, n)     several blocks at once, as writev(2) takes
 *                         them: the workers' JSON goes on from where
 *                         they put it, not copied through an output
 *                         buffer first.  Optional (NULL: write).
 * Call it before the first sl_run_path.
 */
struct iovec;
typedef int (*sl_writefn)(void *arg, const void *p, size_t n);
typedef int (*sl_writevfn)(void *arg, const struct iovec *v, int n);
SL_API void sl_run_set_json_out(struct sl_run *run, sl_writefn write,
    sl_writevfn writev, void *arg);
/*
 * A sink that stands in for its records with a smaller form of its own
 * under -j N, so that a worker does part of the sink's work: in a
 * worker, pack(arg, b, r) appends to b whatever applying r needs (it may
 * hold some back, given the records before it in the same job, until
 * end(arg, b)); in the parent the run hands those bytes, in input order,
 * to apply(arg, p, n) (SL_OK or SL_STOP) instead of records to the
 * sink, which must then be as the records would have left it.  Workers
 * have their own copy of arg.  flush(arg), when not NULL, is called in a
 * worker before what it packed leaves for the parent: whatever the
 * packed bytes point at elsewhere (a file shared with the parent) must
 * be there by then; 0, or -1 when it cannot be (the worker then fails,
 * its batch unsent).  Call it before the first sl_run_path.
 */
struct sl_packer {
	int (*pack)(void *arg, struct sl_buf *b, const struct sl_record *r);
	void (*end)(void *arg, struct sl_buf *b);
	int (*apply)(void *arg, const void *p, size_t n);
	void *arg;
	int (*flush)(void *arg);
};
SL_API void sl_run_set_packer(struct sl_run *run, const struct sl_packer *pk);
/* Pass on all the workers still owe, before the caller adds to the sink
 * itself (a state file merged between inputs).  SL_OK or SL_STOP. */
SL_API int sl_run_sync(struct sl_run *run);

/* Prompt patterns added with --prompt; PCRE2 syntax, matched at line start. */
SL_API struct sl_prompts *sl_prompts_new(void);
/* Returns SL_OK, or SL_FATAL with a message in err. */
SL_API int sl_prompts_add(struct sl_prompts *p, const char *regex,
    struct sl_error *err);
SL_API void sl_prompts_free(struct sl_prompts *p);

/* ------------------------------------------------------------- sessions */

/*
 * A table of sessions merged from session records by the rank rule of
 * records.md: describe-sessions, then CloudTrail, then streamed-event
 * metadata, then transcript estimates; within one rank the first seen.
 * start/end rank by their *_src (see sl-records(5)).  So the same inputs
 * in any order merge to the same sessions.
 */
struct sl_sessions;

struct sl_session {
	const char *id;			/* NULL for the unknown session */
	const char *f[SL_F_COUNT];	/* merged fields, NULL when unknown */
	const struct sl_kv *extra;	/* merged extra fields */
	size_t nextra;
	long long seq;			/* order of first appearance */
};

SL_API struct sl_sessions *sl_sessions_new(void);
/* Merge a SL_SESSION record (others are ignored).  Returns the entry,
 * owned by the table and valid until sl_sessions_free. */
SL_API const struct sl_session *sl_sessions_merge(struct sl_sessions *t,
    const struct sl_record *r);
/* The entry for id (NULL: the unknown session), creating it if asked. */
SL_API const struct sl_session *sl_sessions_get(struct sl_sessions *t,
    const char *id, int create);
SL_API size_t sl_sessions_count(const struct sl_sessions *t);
/* All entries in order of first appearance; valid until the next merge. */
SL_API const struct sl_session *const *sl_sessions_list(struct sl_sessions *t);
SL_API void sl_sessions_free(struct sl_sessions *t);
/* The value of s's extra field key, or NULL (owned by s). */
SL_API const char *sl_session_extra(const struct sl_session *s, const char *key);
/* Rank of a session record's source: 0 best. */
SL_API int sl_source_rank(const char *origin);
/* Rank of a start_src/end_src value: 0 best. */
SL_API int sl_time_src_rank(const char *src);

/*
 * When a session happened, for every window and selection (--since,
 * --until): its start when known, else its end.  An S3 typescript knows
 * only when its log was written, at the session's end; a rule on the
 * start alone leaves every S3-only session out of every window.  Times
 * that have no zone (a Windows transcript read without --tz) date
 * nothing: such a session is undated, and says why.
 */
#define SL_TIME_UNKNOWN	(-4611686018427387904LL)	/* ms: no time */

enum sl_when {
	SL_WHEN_START,		/* placed by its start */
	SL_WHEN_END,		/* no start: placed by its end */
	SL_WHEN_LOCAL,		/* only zone-less local times: undated */
	SL_WHEN_NONE		/* no time at all: undated */
};

/* From times already known (SL_TIME_UNKNOWN: not known); has_local says
 * that a zone-less local time exists.  *ms: the time it is placed at,
 * SL_TIME_UNKNOWN when undated. */
SL_API enum sl_when sl_when_times(long long start, long long end, int has_local,
    long long *ms);
/* From a session's fields: sl_session.f, or a session record's f. */
SL_API enum sl_when sl_session_when(const char *const f[SL_F_COUNT],
    long long *ms);

/* A time window: since <= t < until, each bound optional. */
struct sl_window {
	int has_since, has_until;
	long long since, until;		/* ms */
};

/* Why a session is in or out of a window. */
enum sl_window_place {
	SL_WIN_IN,		/* inside (or no window at all) */
	SL_WIN_OUTSIDE,		/* placed before since or at/after until */
	SL_WIN_UNDATED,		/* a window, and no time to place it by */
	SL_WIN_LOCAL_ONLY	/* a window, and only zone-less times */
};

SL_API enum sl_window_place sl_window_place(const struct sl_window *w,
    enum sl_when when, long long ms);
/* The reason a place leaves a session out, for people ("outside the
 * window"); NULL for SL_WIN_IN. */
SL_API const char *sl_window_reason(enum sl_window_place p);

/* ------------------------------------------------------------- formats */

struct sl_format;
/* The registry, in probe order; ends with NULL. */
SL_API extern const struct sl_format *const sl_formats[];
SL_API const struct sl_format *sl_format_lookup(const char *name);
SL_API const char *sl_format_name(const struct sl_format *f);
SL_API const char *sl_format_desc(const struct sl_format *f);

/* ------------------------------------------------------------- renderer */

/*
 * The terminal line model (lib/render/term.c): bytes in, final rows out.  It
 * knows nothing of sessions; see rendering.md for the semantics.
 */
struct sl_term;

enum sl_term_event {
	SL_TEV_TITLE,		/* OSC 0/2; arg is the title */
	SL_TEV_ALT_ON,		/* alternate screen entered */
	SL_TEV_ALT_OFF,		/* left; arg is the count of lines not shown */
	SL_TEV_LONG_LINE,	/* a row passed SL_ROW_MAX and was cut */
	SL_TEV_BAD_SEQ,		/* an unterminated sequence was abandoned */
	SL_TEV_SPILLED,		/* rows made final early: over the memory
				   budget of all renderers (arg: the budget) */
	SL_TEV_REDRAWN_LINE	/* a line erased from its row's start (ED 0)
				   and drawn again padded to the margin:
				   ksh93's editor, which cancels silently */
};

/* Row flags: raw-stream signals seen while the row was empty. */
#define SL_ROW_PASTE	0x1	/* bracketed paste turned on (bash prompt) */
#define SL_ROW_TITLE	0x2	/* window title set (PROMPT_COMMAND) */
#define SL_ROW_PASTE_OFF 0x8	/* bracketed paste turned off (bash: Enter) */
/* Cursor-key mode on the row, anywhere: zsh turns it on as its editor
 * starts (zle-line-init) and off when a line is accepted, not when ^C
 * abandons it. */
#define SL_ROW_KEYPAD_ON 0x10
#define SL_ROW_KEYPAD_OFF 0x20
/* The cursor was on it when a clear committed it: a line still being
 * drawn, such as a command line that Ctrl-L redraws below the clear. */
#define SL_ROW_CLEARED	0x40
/* busybox wrapped the line at the width and only text followed before
 * the LF: typed on past the wrap, or a command of exactly the width and
 * its output's first line (busybox writes nothing at Enter there). */
#define SL_ROW_WRAP_UNSURE 0x80
/* A line editor moved up on it at a width the bytes had not told:
 * readline's Ctrl-R line, wrapped, with no margin seen.  The cursor was
 * kept on the row (never on the rows above); its text is unsure.  Also
 * fish's moves in a stream that a lost CR leaves two ways to read. */
#define SL_ROW_UNPLACED	0x100
/* zsh accepted the line with grey text after the cursor, taken away as an
 * autosuggestion: text typed in a highlighter's grey looks the same. */
#define SL_ROW_GREY_DROPPED 0x200
/* readline may have padded the margin with a space before a wide
 * character (a space, then EL, then the character) at a width the bytes
 * never told: the space is a pad or typed, and nothing says which. */
#define SL_ROW_PAD_UNSURE 0x800
/* The line ended on the bell: nothing was written on it after BEL
 * (readline's "more than one completion" before a Tab listing). */
#define SL_ROW_BELL	0x1000

struct sl_row {
	const char *text;	/* UTF-8, no trailing white space */
	size_t len;
	const struct sl_span *spans;	/* NULL unless attrs were asked */
	size_t nspans;
	long long src_line;	/* input line where the row started */
	long long units;	/* input lines that ended on this row */
	unsigned flags;
	/* 1 + byte offset in text where a line editor started reading
	 * (bracketed paste on, or DSR 6, past column 0); 0: none. */
	size_t edit_at;
	int piece;		/* 1, 2, ...: piece of a row cut at SL_ROW_MAX */
	/* How the LF that left it ended it, in a log whose line ends are
	 * of two CR counts, one apart: 1 as most (mksh's Ctrl-L), 2 with
	 * one CR more (mksh's Enter); 0 not known (a stream's). */
	int line_end;
};

struct sl_term_cb {
	void (*row)(void *arg, const struct sl_row *row);
	void (*event)(void *arg, enum sl_term_event ev, const char *text,
	    long long num, long long src_line);
	void *arg;
	int attrs;		/* fill spans */
};

SL_API struct sl_term *sl_term_new(const struct sl_term_cb *cb);
/* Feed len bytes; rows become final as they leave the window. */
SL_API void sl_term_feed(struct sl_term *t, const void *p, size_t len);
/* End of input: every row left is final. */
SL_API void sl_term_finish(struct sl_term *t);
/* Forget everything, as for a new input. */
SL_API void sl_term_reset(struct sl_term *t);
/* Input line number the next byte belongs to (starts at 1). */
SL_API void sl_term_set_line(struct sl_term *t, long long line);
SL_API long long sl_term_line(const struct sl_term *t);
/* Input lines that ended on rows never handed out (erased, trailing). */
SL_API long long sl_term_dropped(const struct sl_term *t);
/* Cells held by every renderer together (SL_TERM_BUDGET: term.c). */
SL_API size_t sl_term_all_cells(void);
SL_API void sl_term_free(struct sl_term *t);

/* ---------------------------------------------------------------- time */

/*
 * Times are milliseconds since the epoch, UTC.  Parsers return 0 on
 * success, -1 when s is not of that form.
 */
SL_API int sl_time_rfc3339(const char *s, size_t n, long long *ms);
/* The times of four-digit years: 0000-01-01T00:00:00.000Z to 9999. */
#define SL_TIME_FIRST	(-62167219200000LL)
#define SL_TIME_LAST	253402300799999LL
/*
 * Format ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (25 bytes), clamped
 * to SL_TIME_FIRST..SL_TIME_LAST.
 */
SL_API void sl_time_format(long long ms, char out[25]);
/*
 * A zone-less local time ("2020-01-25 09:19:23", "20200125091923",
 * "Tue Sep 29 16:58:03 2020") in zone tz (a TZ name) to UTC ms.
 */
SL_API int sl_time_local(const char *s, const char *tz, long long *ms);
/* Is tz a zone name (UTC, or one in the zone database)? */
SL_API int sl_tz_valid(const char *tz);

/* ------------------------------------------------------------- helpers */

/* The session id from a file name or path, or NULL (malloc'd). */
SL_API char *sl_session_from_name(const char *path);
/* The principal of a session id (before its last '-'), malloc'd or NULL. */
SL_API char *sl_session_principal(const char *sid);

/* ----------------------------------------------------------- selection */
/*
 * Which sessions a run keeps: --since, --until, --user, --target, --id,
 * with one meaning in every tool (sl(7)).  A session is placed in time by
 * its start, else its end (sl_session_when); one with neither is left
 * out when a time is asked for.  Globs are fnmatch(3) patterns.
 */
struct sl_select_opts {
	int has_since, has_until;
	long long since, until;		/* ms; keep since <= time < until */
	const char *user_glob;		/* owner, principal or run_as */
	const char *target_glob;	/* target */
	const char *id_glob;		/* session id */
};

/* What a session is judged on (strings may be NULL: unknown). */
struct sl_select_facts {
	const char *id, *owner, *principal, *run_as, *target;
	enum sl_when when;		/* sl_session_when */
	long long when_ms;
};

/* Is any criterion given? */
SL_API int sl_select_active(const struct sl_select_opts *o);
/*
 * --since/--until: RFC 3339, a date (YYYY-MM-DD, midnight UTC), or a
 * time before now_ms: "30d", "12h", "90m", "45s", "2w".  0, or -1.
 */
SL_API int sl_select_time(const char *s, long long now_ms, long long *ms);
/* 1 when the session is selected: every glob given matches and it is
 * placed inside the window (sl_window_place), else 0. */
SL_API int sl_select_match(const struct sl_select_opts *o,
    const struct sl_select_facts *f);
/* The facts of a merged session (pointers borrowed from s). */
SL_API void sl_select_session_facts(const struct sl_session *s,
    struct sl_select_facts *f);

/*
 * A filter on a record stream: records go in through its sink, the
 * records of kept sessions (and notes about no session) come out through
 * down, in their original order and unchanged (raw bytes, spans).
 * Criteria that need merged facts hold every record in a spool file in
 * tmpdir (NULL: $TMPDIR or /tmp; unlinked at once) until
 * sl_select_finish, so memory grows with sessions only.  NULL with a
 * message in err when the spool cannot be made; o's strings must
 * outlive the filter.
 */
struct sl_select;
SL_API struct sl_select *sl_select_new(const struct sl_select_opts *o,
    const struct sl_sink *down, const char *tmpdir, struct sl_error *err);
/* The sink to give sl_run_new (down's wants are passed on). */
SL_API void sl_select_sink(struct sl_select *sel, struct sl_sink *sink);
/* End of input: send the kept records on.  SL_OK, SL_STOP (down
 * stopped), or SL_FATAL with a message in err. */
SL_API int sl_select_finish(struct sl_select *sel, struct sl_error *err);
/* Sessions kept and left out (valid after sl_select_finish). */
SL_API void sl_select_counts(const struct sl_select *sel, long long *kept,
    long long *left_out);
SL_API void sl_select_free(struct sl_select *sel);

/* ------------------------------------------------- report (sl-report) */
/*
 * The report model: a sink that keeps, per session, the fields merged
 * by rank (struct sl_sessions), the transcript of each input with its
 * commands and notes; then one view model and its renderers.  Memory
 * grows with sessions and commands, not with lines.
 */
struct sl_report;

enum sl_report_type {
	SL_REPORT_TEXT,
	SL_REPORT_CSV,
	SL_REPORT_JSON,
	SL_REPORT_MD,
	SL_REPORT_HTML
};

struct sl_report_opts {
	int has_since, has_until;
	long long since, until;		/* ms; keep since <= start < until */
	const char *user_glob;		/* fnmatch on owner, principal, run_as */
	const char *target_glob;	/* fnmatch on target */
	const char *id_glob;		/* fnmatch on the session id */
	const char *group_by;		/* NULL, "user", "target" or "day" */
	int keep_state;			/* keep what --save-state writes */
	int commands;			/* add the command timeline */
	const char *pages;		/* link sessions to PAGES<name>.html */
};

/* A new, empty model; o is copied (its strings must outlive the model). */
SL_API struct sl_report *sl_report_new(const struct sl_report_opts *o);
/* The sink function: arg is the struct sl_report.  Always SL_OK. */
SL_API int sl_report_put(void *arg, const struct sl_record *r);
/* Name an input given to the run (listed in the report). */
SL_API void sl_report_input(struct sl_report *rep, const char *path);
/*
 * The packer of the model (sl_run_set_packer) into pk: with -j N each
 * worker builds the state of the lines it reads and the run merges it,
 * for the same report.  Valid while rep is.
 */
SL_API void sl_report_packer(struct sl_report *rep, struct sl_packer *pk);
/* Add a run's counters (files, bytes, ...) to the report. */
SL_API void sl_report_add_stats(struct sl_report *rep,
    const struct sl_stats *st);
/* Sessions seen so far (for a progress line). */
SL_API size_t sl_report_count(const struct sl_report *rep);
/*
 * Does this file start like a state file?  Reads its first bytes; 0 for
 * directories, "-" and anything unreadable.
 */
SL_API int sl_report_is_state(const char *path);
/*
 * Merge a state file written by sl_report_save.  SL_OK, or SL_FATAL with
 * a message in err ("path:line: reason"): the model is then incomplete
 * and must not be reported.
 */
SL_API int sl_report_load(struct sl_report *rep, const char *path,
    struct sl_error *err);
/* Write the state (a versioned JSON Lines file, see sl-report(1)). */
SL_API int sl_report_save(struct sl_report *rep, struct sl_out *o);
/* Render the report.  SL_OK, or SL_FATAL when the output failed. */
/*
 * After sl_report_write: how many sessions the filters and the window
 * left out, and why ("3 sessions left out: 2 outside the window, 1
 * without a start or end time"); NULL when none were.  Owned by rep.
 */
SL_API const char *sl_report_left_out(const struct sl_report *rep);
SL_API int sl_report_write(struct sl_report *rep, enum sl_report_type type,
    struct sl_out *o);
/* The type named "text", "csv", "json", "md" or "html", or -1. */
SL_API int sl_report_type_lookup(const char *name);
/* sl_select_time(), under its first name. */
SL_API int sl_report_time(const char *s, long long now_ms, long long *ms);
SL_API void sl_report_free(struct sl_report *rep);

/* ------------------------------------------- conversion (sl-convert) */

/*
 * Writers of other output shapes (formats/writers/): text, records,
 * cw-stream, typescript, csv, asciicast, html.  sl-convert(1) documents
 * each.
 */
struct sl_writer;
/* The i-th writer (0-based), or NULL past the last. */
SL_API const struct sl_writer *sl_writer_at(size_t i);
SL_API const struct sl_writer *sl_writer_lookup(const char *name);
SL_API const char *sl_writer_name(const struct sl_writer *w);
SL_API const char *sl_writer_desc(const struct sl_writer *w);

struct sl_convert_opts {
	const char *target;	/* a writer name */
	const char *output;	/* NULL or "-": standard output; a file,
				   a folder (split) or a .tar[.gz]/.tgz/.zip */
	int split;		/* one file per session */
	int force;		/* replace existing files */
	int bare;		/* text: lines only, no headers or notes */
	int all_sessions;	/* text: also sessions without a line */
	int commands;		/* csv: one row per command */
	int width, height;	/* asciicast terminal size; 0: infer */
	long long step_ms;	/* asciicast: time per untimed line */
	int cast_version;	/* asciicast: 2 or 3 */
	long long now_ms;	/* the conversion time */
	const char *tmpdir;	/* spool folder; NULL: $TMPDIR or /tmp */
	int with_report;	/* html, --split or an archive: add the
				   report (SL_CONVERT_REPORT), linked both
				   ways with the pages */
	const char *report_href;	/* html: each page links back to the
					   report there; NULL: no link */
};

/* The report's file name next to the pages (with_report). */
#define SL_CONVERT_REPORT	"report.html"

/*
 * A conversion: records go in through its sink, files come out at
 * sl_convert_finish.  Output files are written under a temporary name in
 * their folder and renamed when complete; an existing file is replaced
 * only with force.  Returns NULL with a message in err when the output
 * cannot be prepared (it exists, its folder is not writable, bad
 * options).
 */
SL_API struct sl_convert *sl_convert_new(const struct sl_convert_opts *o,
    struct sl_error *err);
/* Sessions left out for having no line (text without all_sessions);
 * known after sl_convert_finish. */
SL_API long long sl_convert_left_out(const struct sl_convert *c);
/* The sink to give sl_run_new (it stops the run after a failed write). */
SL_API void sl_convert_sink(struct sl_convert *c, struct sl_sink *sink);
/*
 * The packer of the conversion (sl_run_set_packer) into pk: with -j N
 * each worker encodes records for the spool and measures their lines,
 * for the same output.  Valid while c is.
 */
SL_API void sl_convert_packer(struct sl_convert *c, struct sl_packer *pk);
/* The report model of with_report (NULL without): name the inputs and add
 * the run's counters to it before sl_convert_finish. */
SL_API struct sl_report *sl_convert_report(struct sl_convert *c);
/*
 * Write what is left and put the files in place.  SL_OK, or SL_FATAL
 * with a message in err; then no file is left under a final name that
 * was not complete, and temporary files are gone.
 */
SL_API int sl_convert_finish(struct sl_convert *c, struct sl_error *err);
/*
 * Remove every temporary file now.  Async-signal-safe: a tool calls it
 * from its SIGINT/SIGTERM handler.
 */
SL_API void sl_convert_cleanup(struct sl_convert *c);
/* Free c; temporary files are removed. */
SL_API void sl_convert_free(struct sl_convert *c);

/* ------------------------------------------- redaction (sl-redact) */

/*
 * The redaction engine (lib/redact*.c, redaction.md).  Rules are the
 * default kinds plus rules files (format in sl-redact(1)); each leaf
 * input is redacted by what it holds: a record stream stays a record
 * stream ("redacted": [kinds] on changed records), raw log text stays
 * byte for byte the same but the secrets, a JSON export stays valid JSON
 * with the secrets replaced inside its strings.  Markers are
 * "[REDACTED:kind]", or "[REDACTED:kind:<12 hex of HMAC-SHA256>]" with a
 * key.  Problems go to the error callback ("where", msg) and make the
 * input count as failed (exit 1); an input that cannot be read as text
 * is not passed on.
 */
struct sl_redact;

#define SL_REDACT_NO_DEFAULT	0x1	/* only the rules added */
#define SL_REDACT_HITS		0x2	/* keep line numbers for the report */

/* A new engine with the default rules (turned off by NO_DEFAULT). */
SL_API struct sl_redact *sl_redact_new(unsigned flags);
/*
 * Add rules: text[0, len) in the rules-file format, named name in
 * messages.  A rule named like a default replaces it; "disable" turns
 * rules off by id or kind.  SL_OK, or SL_FATAL with
 * "name:line: rule \"id\": bad pattern at offset N: ..." in err.
 */
SL_API int sl_redact_add_rules(struct sl_redact *rx, const char *name,
    const char *text, size_t len, struct sl_error *err);
/* Key for hashed markers (copied; wiped at sl_redact_free). */
SL_API void sl_redact_set_key(struct sl_redact *rx, const void *key,
    size_t len);
/* After the rules: check them and build the prefilter.  SL_OK/SL_FATAL. */
SL_API int sl_redact_ready(struct sl_redact *rx, struct sl_error *err);
/* Is name an input format sl_redact_path knows (-f)? */
SL_API int sl_redact_format_ok(const char *name);

/* Where the output of each leaf input goes. */
struct sl_redact_io {
	/*
	 * The output for the input called name; several inputs may share
	 * one.  NULL: skip the input (open has reported why).
	 */
	struct sl_out *(*open)(void *arg, const char *name);
	/* The input is done: SL_OK, or SL_STOP when the output failed. */
	int (*done)(void *arg, struct sl_out *out, const char *name);
	void *arg;
};

/*
 * Redact every leaf input under path ("-": standard input); format NULL
 * detects by content.  Returns SL_OK, SL_REJECT (something was
 * unreadable or rejected: reported), or SL_STOP (an output failed).
 */
SL_API int sl_redact_path(struct sl_redact *rx, const char *path,
    const char *format, const struct sl_redact_io *io, sl_errfn err,
    void *errarg);
/*
 * -j: redact the leaf inputs of the paths given from now on in up to
 * jobs worker processes (1: none, the default); the outputs, messages
 * and counts come out as with one, in input order.  Statuses and counts
 * of inputs still with the workers are known after sl_redact_end.
 */
SL_API void sl_redact_set_jobs(struct sl_redact *rx, int jobs);
/*
 * After the last sl_redact_path: wait for the workers, end them.  SL_OK,
 * SL_REJECT (some input reported) or SL_STOP (an output failed).
 */
SL_API int sl_redact_end(struct sl_redact *rx);
/* The same over bytes in memory, as one input called name (tests). */
SL_API int sl_redact_mem(struct sl_redact *rx, const char *name, const void *p,
    size_t n, const char *format, const struct sl_redact_io *io,
    sl_errfn err, void *errarg);
/* Secrets redacted so far. */
SL_API long long sl_redact_total(const struct sl_redact *rx);
/*
 * Pieces of lines longer than the engine takes at once (1 MiB) that had
 * to be cut inside a word, with no blank near: a secret across such a cut
 * is not found, and the summary says so.
 */
SL_API long long sl_redact_unchecked(const struct sl_redact *rx);
/*
 * Append "redacted N secrets in I of J inputs: kind n, ..." and what
 * could not be checked (no LF).
 */
SL_API void sl_redact_summary(const struct sl_redact *rx, struct sl_buf *b);
/*
 * Append the --stats report: tab-separated lines "total", "kind",
 * "input" and, with SL_REDACT_HITS, "line" (input, line number, kind).
 */
SL_API void sl_redact_report(const struct sl_redact *rx, struct sl_buf *b);
/* The default rules, as a rules file. */
SL_API const char *sl_redact_default_rules(void);
SL_API void sl_redact_free(struct sl_redact *rx);

#endif /* SL_H */
