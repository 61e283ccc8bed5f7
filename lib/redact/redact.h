/*
 * redact.h: the parts of the redaction engine (lib/redact/) and what
 * they share.  Internal to lib/ and the unit tests; tools see sl.h.
 *
 * One line goes through the engine like this (redaction.md):
 *
 *	raw bytes ─► prefilter (keywords, escape-aware) ─► nothing: out as is
 *	     │
 *	     └─► render (sl_term) ─► PCRE2 JIT on the candidate rules
 *	            ─► context rules (private-key block, typed password)
 *	            ─► queue (held only while a typed-password window is open)
 *	            ─► edits on the raw bytes ─► the owner writes them
 *
 * Three owners drive it: raw text (redact_text.c), JSON exports
 * (redact_json.c, on the one JSON tokenizer of lib/json/jsontok.c) and
 * the record stream (redact_records.c, on the records reader).  The queue
 * keeps the output of one input in order whatever is held.
 *
 * The files call each other one way only (top to bottom; nm on the
 * objects shows it):
 *
 *	redact_run.c	dispatch by the format's shape (sl_format_shape)
 *	redact_records.c, redact_text.c -> redact_json.c
 *	redact.c	the engine as a whole, rx_redact_string
 *	redact_jobs.c	-j: leaves to worker processes, counts merged
 *	redact_queue.c -> redact_map.c -> redact_detect.c (the line)
 *	redact_ahead.c	-j: the raw scan of a large text input run ahead
 *			on a second thread, clean lines handed over
 *	redact_parse.c -> redact_check.c; redact_ac.c, redact_rules.c
 *	redact_b64.c	base64 payloads and their codec
 *	redact_core.c, redact_io.c, redact_hmac.c (render, marker, count,
 *			warn; lines in through lib/input, bytes out)
 *
 * The ways back up are pointers: rx->nested, a base64 payload redacted
 * as an input of its own through the dispatcher, like a registry
 * plug-in; and struct rx_walk's leaf, which -j's workers call.
 */
#ifndef SL_REDACT_H
#define SL_REDACT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"

struct sl_strmap;

#define RX_WINDOW	4	/* lines after a no-echo prompt that may
				   show the typed password */
#define RX_HOLD_MAX	256	/* entries held before the head is forced */
#define RX_WORD_MAX	256	/* bytes of a word typed after a prompt */
#define RX_NEAR_MAX	16	/* rules with "after" */
#define RX_WITHIN_MAX	100	/* ...and the lines they look at, at most */
#define RX_PIECE	(1 << 20) /* longest line handed to the engine */
#define RX_RUN_MAX	(256 * 1024) /* unchanged bytes of a stable input
				   held back for one write, at most */
#define RX_CUT_LOOK	4096	/* where a piece is cut: a space this near */
#define RX_PROMPT_MAX	128	/* bytes of a prompt kept to end the output
				   of a command rule */
#define RX_JSON_NEST	4	/* JSON documents inside JSON strings */
#define RX_STRING_MAX	SL_EVENT_MAX	/* bytes in one JSON string */

/* ---------------------------------------------------------- HMAC-SHA256 */

/* HMAC-SHA256 (RFC 2104) over lib/base/sha256.c. */
void rx_hmac_sha256(const void *key, size_t keylen, const void *msg,
    size_t len, unsigned char out[32]);

/* ---------------------------------------------------------------- rules */

enum rx_type {
	RX_PATTERN,	/* a PCRE2 pattern */
	RX_PRIVKEY,	/* context: the -----BEGIN ... PRIVATE KEY----- block */
	RX_TYPED	/* context: a password typed at the shell prompt */
};

/* What a match must also pass to count (redact_check.c). */
enum rx_check {
	RX_CHECK_NONE,
	RX_CHECK_CRC32,		/* GitHub, npm: base62 CRC32 at the end */
	RX_CHECK_BASE64,	/* decodes as base64 */
	RX_CHECK_B64_KEY,	/* base64 of a private key */
	RX_CHECK_B64_AUTH	/* base64 of "user:password" */
};

/* The check called name, or -1. */
int rx_check_lookup(const char *name);
/* Does secret s[0, n) pass check c? */
int rx_check(int c, const char *s, size_t n);

struct rx_rule {
	char *id;
	char *kind;		/* in markers and stats; defaults to id */
	int kid;		/* index of kind in rx_rules.kinds */
	enum rx_type type;
	pcre2_code *re;
	uint32_t group;		/* capture group that is the secret */
	int check;		/* enum rx_check */
	pcre2_code *after;	/* runs only on lines near one matching it */
	int within;		/* ...this many lines after it (and on it) */
	pcre2_code *until;	/* a line that closes the window early */
	pcre2_code *command;	/* runs only on the output of a command
				   line matching it (within lines) */
	int aidx;		/* its window in rx_ctx.near */
	pcre2_code **allow;
	size_t nallow;
	char **kw;		/* prefilter keywords, lowercase */
	size_t nkw;
	char *where;		/* "name:line" where it was defined */
	int on;
	int dflt;		/* one of the defaults */
};

struct rx_disable {
	char *name;
	char *where;
};

struct rx_rules {
	struct rx_rule *v;
	size_t n, cap;
	pcre2_code **allow;	/* allowlist of every rule */
	size_t nallow;
	size_t nafter;		/* enabled rules with "after" */
	char **kinds;		/* distinct kinds of enabled rules */
	size_t nkinds;
	struct rx_disable *dis;
	size_t ndis;
};

/* The default rules in the rules-file format (redact_rules.c). */
extern const char rx_default_rules[];

/*
 * Parse rules-file text into r (redact_parse.c).  dflt marks the rules
 * as defaults.  SL_OK, or SL_FATAL with "name:line: ..." in err.
 */
int rx_parse(struct rx_rules *r, const char *name, const char *text,
    size_t len, int dflt, char *err, size_t errlen);
/* Apply disables, number the kinds.  SL_OK or SL_FATAL with err. */
int rx_rules_resolve(struct rx_rules *r, char *err, size_t errlen);
/* Compile one pattern the engine's way; NULL with err on failure. */
pcre2_code *rx_compile(const char *pat, char *err, size_t errlen);
void rx_rules_free(struct rx_rules *r);

/* ------------------------------------------------------------ prefilter */

/*
 * Aho-Corasick over the rules' keywords, ASCII case folded, as a DFA on
 * byte classes (redact_ac.c).  A scan marks the rules whose keywords
 * occur: cand[rule] = stamp.
 */
struct rx_ac;

struct rx_ac *rx_ac_new(void);
void rx_ac_add(struct rx_ac *ac, const char *kw, int rule);
/* Build the DFA.  0, or -1 when the keywords need too many states. */
int rx_ac_build(struct rx_ac *ac);
/*
 * Scan text that is already rendered.  Returns nonzero when it found
 * keywords (a keyword may count more than once).
 */
size_t rx_ac_scan(const struct rx_ac *ac, const char *p, size_t n,
    uint32_t *cand, uint32_t stamp);
/*
 * Scan raw terminal bytes: escape sequences that do not move text (SGR,
 * titles, mode switches) are skipped so that a keyword they split is
 * still found.  *complex is set when the line does anything a plain
 * strip would get wrong (CR over text, BS, cursor moves, erases, insert
 * mode, charsets, unfinished sequences): its rendered form must be
 * scanned too.  text is the caller's room for the shown text.
 */
size_t rx_ac_scan_raw(const struct rx_ac *ac, const char *p, size_t n,
    uint32_t *cand, uint32_t stamp, int *complex, struct sl_buf *text);
#define RX_RAW_MOVES	1	/* *complex: rendering moves text */
#define RX_RAW_STRINGS	2	/* *complex: a control string has keywords */
#define RX_RAW_CR_ONLY	4	/* *complex: only CRs move, text is in t */
#define RX_RAW_ROWS	8	/* *complex: only CRs, cursor up and down
				   and whole-row erases move */
/*
 * A line the raw scan found RX_RAW_CR_ONLY (text, colours, bash's paste
 * off and CRs after text, no CR right after a blank): the row its pieces
 * (text, cut at the NULs rx_ac_scan_raw left for the CRs) leave, each
 * written from column 0 over the ones before, into row, and scanned.
 * The renderer leaves that row (one cell a byte; its idioms of a CR all
 * start at a blank), so when it holds no keyword the rendering has none
 * either.  SIZE_MAX when a byte is not printable ASCII.
 */
size_t rx_ac_scan_overlay(const struct rx_ac *ac, const struct sl_buf *text,
    struct sl_buf *row, uint32_t *cand, uint32_t stamp);
/*
 * A line the raw scan found RX_RAW_ROWS (text, colours, CRs, CUU and CUD
 * by a count, EL 2, paste off: docker's redraws of its progress rows):
 * the rows it leaves on a fresh screen, played in room (printable ASCII,
 * a cell a byte), and scanned.  The renderer leaves those rows: it starts each
 * line so, nothing scrolls within ROWS_MAX rows, and its idioms of a CR
 * (a blank at the cursor at the row's end, 40 columns in or after zsh's
 * mark) are not modelled.  SIZE_MAX when the line is not modelled.
 */
size_t rx_ac_scan_rows(const struct rx_ac *ac, const char *p, size_t n,
    struct sl_buf *room, uint32_t *cand, uint32_t stamp);
/*
 * The next control string (OSC, DCS, SOS, PM, APC) of raw line p[0, n)
 * at or after from: its payload is p[*a, *b) (to the end of the line
 * when it is not terminated).  0 when there is none.
 */
int rx_ctl_string(const char *p, size_t n, size_t from, size_t *a,
    size_t *b);
/*
 * Is p[i] an 8-bit C1 control (0x80-0x9f that does not continue a UTF-8
 * character)?  0x9d (OSC), 0x90 (DCS), 0x98, 0x9e, 0x9f start control
 * strings, ended by 0x9c (ST), BEL (OSC) or ESC; 0x9b is CSI.
 */
int rx_c1_at(const char *p, size_t i);
void rx_ac_free(struct rx_ac *ac);

/* ---------------------------------------------------------------- stats */

struct rx_hitpos {
	long long line;
	int kid;
};

struct rx_fstat {
	char *name;
	long long count;
	long long *kinds;	/* per kind id */
	struct rx_hitpos *hits;	/* with SL_REDACT_HITS */
	size_t nhits, caphits;
};

/* ------------------------------------------------------ context, queue */

/* What one session has shown so far that matters for later lines. */
struct rx_ctx {
	char *session;
	int inkey;		/* inside a private key block */
	int putty;		/* PuTTY Private-Lines still to come */
	int armed;		/* lines left in the typed-password window */
	int since;		/* lines since the no-echo prompt */
	int failed;		/* the prompt said it failed or timed out */
	char typed[RX_WORD_MAX];	/* the last password typed at the
					   shell, for where it is shown again */
	size_t typed_rare;	/* ...its byte rx_holds looks for */
	int again;		/* ...and the last line ran it again */
	unsigned char near[RX_NEAR_MAX];	/* lines left in the window
						   of each "after" rule */
	int cmd_rule;		/* the "command" rule whose output comes */
	int cmd_left;		/* ...lines of it left, 0: none */
	size_t cmd_plen;	/* its command's prompt, which ends it */
	char cmd_prompt[RX_PROMPT_MAX];
	uint32_t width;		/* the terminal width its log's lines showed
				   so far (RX_LINE_LOG), 0: not known */
	struct rx_ctx *next;
};

struct rx_hit {
	size_t a, b;		/* [a, b) in the text it was found in */
	int rule;
	int token;		/* a typed password: match whole words only */
	int cut;		/* found only with the sequences cut out */
};

struct rx_hits {
	struct rx_hit *v;
	size_t n, cap;
};

/* One line (or inert bytes) on its way out. */
struct rx_entry {
	int line;		/* 0: inert bytes, passed on in order */
	struct rx_ctx *ctx;
	void *tag;
	long long lineno;
	int final;		/* no later line can change it */
	int rendered;		/* the bytes are rendered text already */
	int log;		/* a raw log's line: RX_LINE_LOG */
	uint32_t width;		/* the terminal width it was rendered at,
				   0: not known */
	int complex;		/* RX_RAW_MOVES of rx_ac_scan_raw */
	int strings;		/* RX_RAW_STRINGS: payloads to match */
	int failed;		/* a rule could not run: the line goes */
	int failrule;
	const char *p;		/* content: the caller's, or own */
	size_t n;
	const char *e;		/* line ending */
	size_t en;
	struct sl_buf own;	/* copy of content and ending when held */
	struct sl_buf text;	/* rendered form (not for rendered lines) */
	struct rx_hits rh;	/* hits in the rendered form */
	struct rx_hits lh;	/* hits only in the raw bytes */
};

/* A replacement of text[off, off+len) by rep. */
struct rx_edit {
	size_t off, len;
	const char *rep;
	size_t replen;
	int rule;
};

/* What the owner gets back for each entry, in input order. */
struct rx_done {
	int line;
	void *tag;
	const char *p;		/* the content, or the inert bytes */
	size_t n;
	const char *e;		/* line ending */
	size_t en;
	const struct rx_edit *edits;	/* sorted, disjoint */
	size_t nedits;
	const int *kids;	/* kinds found, each once */
	size_t nkids;
};

/* Returns SL_OK or SL_STOP (a write failed: stop the input). */
typedef int (*rx_release_fn)(void *arg, const struct rx_done *d);

struct rx_queue {
	struct sl_redact *rx;
	struct rx_entry *v;	/* ring of held entries */
	size_t cap, head, n;
	struct rx_entry cur;	/* analysed here first */
	rx_release_fn fn;
	void *arg;
	int status;
	struct rx_fstat *fs;	/* NULL: not counted (scratch) */
	struct sl_buf arena;	/* replacement texts of one release */
	struct rx_edit *ed;
	size_t ned, caped;
	int *kids;
	size_t nkids, capkids;
	struct rx_hits tmp;	/* merged hits */
	struct rx_hits tmp2;
	struct sl_buf work;	/* a candidate raw line, a fallback text */
	struct sl_buf work2;
};

void rx_queue_init(struct rx_queue *q, struct sl_redact *rx,
    rx_release_fn fn, void *arg, struct rx_fstat *fs);
void rx_queue_fini(struct rx_queue *q);
/*
 * Would a line of ctx pushed now be held, so that its tag must outlive
 * the call?
 */
int rx_queue_busy(const struct rx_queue *q, const struct rx_ctx *ctx);
/*
 * A line: content p[0, n) and its ending e[0, en) (CR/LF bytes; they are
 * never changed).  rendered: RX_LINE_RENDERED when p is rendered text (a
 * record's), RX_LINE_RAW or RX_LINE_LOG when raw terminal bytes.
 * kc[0, kn) is context put in front for matching only (a JSON key:
 * `"password": "`).  Returns q->status.
 */
#define RX_LINE_RAW		0
#define RX_LINE_RENDERED	1
/* A raw log's line, its lines in order: the terminal width one line
 * shows holds for the next (a row edited right after readline's wrap
 * tells nothing of it itself), until the input ends (ctx->width). */
#define RX_LINE_LOG		2
int rx_queue_line(struct rx_queue *q, struct rx_ctx *ctx, const char *p,
    size_t n, const char *e, size_t en, int rendered, const char *kc,
    size_t kn, long long lineno, void *tag);
/* Bytes to pass on unchanged, in order. */
int rx_queue_inert(struct rx_queue *q, const void *p, size_t n, void *tag);
/* Release everything (end of input, or of a scratch job). */
int rx_queue_flush(struct rx_queue *q);
/* Forget what ctx was in the middle of (a new field, a new input). */
void rx_ctx_reset(struct rx_queue *q, struct rx_ctx *ctx);
void rx_ctx_free(struct rx_ctx *ctx);

/*
 * The contexts of the sessions of one input, by session id: one input
 * can interleave many (filter-log-events does by nature), and a typed
 * password or a key block belongs to its own session only.
 */
#define RX_SID_MAX	256	/* bytes of a session id kept */

struct rx_sessions {
	struct sl_strmap *map;	/* id -> its context (lib/base/strmap.c) */
	struct rx_ctx *all;	/* every context, through next, to free */
	struct rx_ctx *last;	/* the one rx_session gave last */
};

/* The context of session sid, made on first use. */
struct rx_ctx *rx_session(struct rx_sessions *s, const char *sid);
void rx_sessions_free(struct rx_sessions *s);

/*
 * Redact a whole string s[0, n) on its own (a note's text, a session
 * field): lines are split at LF; rendered: the string is text already,
 * not terminal bytes.  Secrets are counted in fs (may be NULL) at line.
 * The result replaces out; the kinds found are added to kids (distinct,
 * at most maxkids).  Returns the number of secrets.
 */
size_t rx_redact_string(struct sl_redact *rx, struct rx_fstat *fs,
    long long line, const char *s, size_t n, int rendered, const char *kc,
    size_t kn, struct sl_buf *out, int *kids, size_t *nkids,
    size_t maxkids);

/*
 * May the rendering of a raw line be skipped that rx_ac_scan_raw found
 * no keyword in (its *complex flags, text in rx->rawtext)?  Yes for a
 * line whose only moves are CRs when the row they leave holds no keyword
 * either (rx_ac_scan_overlay), and for the raw line p[0, n) whose only
 * moves are CRs, cursor up and down and whole-row erases when the rows
 * they leave hold none (rx_ac_scan_rows).  Marks rx->candl under a stamp
 * of its own.
 */
int rx_cr_row_clean(struct sl_redact *rx, int complex, const char *p,
    size_t n);
/*
 * The same for any thread: complex one of the two cases above, the raw
 * scan's text in text, room its own, marks in cand under stamp (a new
 * one).  1 when clean (redact_ahead.c).
 */
int rx_rows_clean(const struct rx_ac *ac, int complex, const char *p,
    size_t n, const struct sl_buf *text, struct sl_buf *room, uint32_t *cand,
    uint32_t stamp);
/* Analyse the line in e (redact_detect.c). */
void rx_analyze(struct rx_queue *q, struct rx_entry *e, const char *kc,
    size_t kn);
/* The typed-password window of ctx is over: its held lines are final. */
void rx_close_window(struct rx_queue *q, struct rx_ctx *ctx);
/* s in t as a word of its own, from `from` on; -1 if not there. */
long rx_find_token(const char *t, size_t n, const char *s, size_t sn,
    size_t from);
/*
 * Does p[0, n) hold w?  Asked of every line once a password was typed at
 * the shell: memchr to w[rare], then memcmp.  The byte is w's least
 * likely in shell text (rx_rare_byte): memchr to the first byte, often a
 * common letter, stopped several times a line.
 */
int rx_holds(const char *p, size_t n, const char *w, size_t rare);
/* The byte of w that rx_holds looks for (0 when w is empty). */
size_t rx_rare_byte(const char *w);
/* Turn e's hits into edits and hand it to the owner (redact_map.c). */
int rx_release_entry(struct rx_queue *q, struct rx_entry *e);

/* Counts of one input, and one secret counted (redact.c). */
struct rx_fstat *rx_fstat_new(struct sl_redact *rx, const char *name);
void rx_count(struct sl_redact *rx, struct rx_fstat *fs, long long line,
    int rule);

/* ---------------------------------------------------------------- owners */

#define RX_SPANS	64	/* pieces of output gathered for one writev */

/*
 * Output of one input: runs of the read buffer are written in one go.
 * Over an input whose bytes stay put (a file read in place), runs and
 * the markers between them wait as spans, to go out by writev(2)
 * together: the unchanged bytes are never copied.
 */
struct rx_writer {
	struct sl_out *out;
	const char *run;	/* a run of unchanged input bytes... */
	size_t runlen;
	const char *lo, *hi;	/* ...inside the current read buffer */
	int failed;
	int stable;		/* [lo, hi) is the whole input, for good */
	struct rx_span {
		const char *p;	/* in [lo, hi), or NULL: side + off */
		size_t off, n;
	} span[RX_SPANS];
	int nspan;
	size_t queued;		/* bytes in span[] */
	struct sl_buf side;	/* copies of the bytes from elsewhere */
};

/* Pass bytes on (grown into a run when they follow the last ones). */
int rx_write(struct rx_writer *w, const char *p, size_t n);
/* Write out the run (and the spans): before the read buffer changes. */
int rx_write_flush(struct rx_writer *w);
/* Bytes passed on but not yet written. */
size_t rx_write_pending(const struct rx_writer *w);
void rx_write_free(struct rx_writer *w);

/*
 * The lines of an input, through the input layer (redact_io.c): each
 * a view valid until the next call, content then ending.
 */
struct rx_lines {
	struct sl_in *in;
	struct rx_writer *w;
	const char *p;		/* the view */
	size_t n, cn, en;
	int more;		/* the view is a piece of a longer line */
	int again;		/* the rest of the view is given back */
	int stable;		/* views stay valid (sl_in_stable): w's run
				   spans lines, up to RX_RUN_MAX */
	struct sl_buf carry;	/* a piece's tail, for the next view */
	struct sl_buf join;
	/* The engine that counts the pieces cut inside a word (no blank
	 * near), once the lines are read as text (rx_lines_as_text); NULL
	 * while they are read as JSON, whose strings the tokenizer joins
	 * and rx_next_line cuts again. */
	struct sl_redact *count;
};

void rx_lines_init(struct rx_lines *l, struct sl_in *in,
    struct rx_writer *w);
void rx_lines_free(struct rx_lines *l);
/*
 * The next line: content p[0, cn), ending e[0, en) right after it (none
 * for a piece of a longer line).  1; 0 at the end (a read error too:
 * reported by the input layer); -1 when the output failed.
 */
int rx_lines_next(struct rx_lines *l, const char **p, size_t *cn,
    const char **e, size_t *en);
/* Give back the last line from its byte from on: it comes again. */
void rx_lines_unread(struct rx_lines *l, size_t from);
/*
 * From the line given back (or the next) on, l's lines are text for
 * the engine: their pieces cut inside a word are counted in rx (once:
 * a second call does nothing).
 */
void rx_lines_as_text(struct rx_lines *l, struct sl_redact *rx);
/* The input line of the last one (pieces of one line count once). */
long long rx_lines_lineno(const struct rx_lines *l);

/*
 * The length of a line's content p[0, n) without the CRs at its end:
 * they belong to its ending (CR* LF, or the CRs of a last line).  The
 * engine (rx_next_line, the input's lines) and the scan run ahead of it
 * (redact_ahead.c) must split a line the same way.
 */
static inline size_t
rx_trim_cr(const char *p, size_t n)
{
	while (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/*
 * The next line of p[0, n): content p[0, *cn), ending (CR* LF, or the
 * CRs of a last line) up to *next.  A line longer than RX_PIECE comes in
 * pieces without ending, cut after a blank near the limit; with none,
 * the piece is cut inside a word, and counted in rx->inword (rx NULL:
 * not counted).
 */
void rx_next_line(struct sl_redact *rx, const char *p, size_t n,
    size_t *cn, size_t *en, size_t *next);

/* One leaf input being redacted (redact_run.c). */
struct rx_input {
	struct sl_redact *rx;
	struct sl_in *in;
	struct rx_writer w;
	struct rx_queue q;	/* the input's output, in order */
	struct rx_ctx ctx;	/* its session, when none is named */
	struct rx_sessions sessions;	/* the sessions it names */
	char sid[RX_SID_MAX + 1];	/* the session of JSON text now */
	struct rx_queue mq;	/* JSON strings that are not session text */
	struct rx_ctx mctx;
	struct rx_fstat *fs;
};

/* The owner of q and mq for text and JSON: writes, or hands to a job. */
int rx_input_release(void *arg, const struct rx_done *d);
/* A line of a text input (JSON lines inside it too). */
int rx_text_line(struct rx_input *in, const char *p, size_t cn,
    const char *e, size_t en, long long line);
/* A JSON string's line or end came back from the queue. */
int rx_json_done(struct rx_input *in, const struct rx_done *d);
/*
 * p[start, n) of a text line is JSON: redact it inside its strings and
 * pass the rest on.  0, or -1 when it is not JSON after all.
 */
int rx_json_line(struct rx_input *in, const char *p, size_t n, size_t start,
    const char *e, size_t en, long long line);

/* The marker for a secret of rule r: "[REDACTED:kind]" or with a hash. */
void rx_marker(const struct sl_redact *rx, int rule, const char *secret,
    size_t n, struct sl_buf *out);

/* ------------------------------------------------------------- the engine */

/*
 * What lets a rule run on a line: nothing, one of its keywords there
 * (cand), or the line being in its "after" window (nearby).
 */
enum rx_gate { RX_GATE_ALWAYS, RX_GATE_KEYWORD, RX_GATE_NEAR };

/*
 * Indexes of enabled rules, in their order, and the gate of each: the
 * loop of every line reads these two arrays, not the rules (a cache line
 * or two each).
 */
struct rx_ruleset {
	int *v;
	unsigned char *gate;	/* enum rx_gate */
	size_t n;
};

struct sl_redact {
	unsigned flags;
	struct rx_rules rules;
	/*
	 * The enabled rules by what they do (redact_ready), so that the
	 * loops of every line do not pass over the others: plain patterns,
	 * rules with "after", rules with "command".
	 */
	struct rx_ruleset plain, after, command;
	struct rx_ac *ac;
	int prefilter;		/* every enabled rule has keywords */
	int allrules;		/* no prefilter table: every rule runs */
	int ready;
	int privkey_rule, typed_rule;
	uint32_t *candr, *candl;	/* per rule: stamp of the last hit */
	uint32_t *nearby;	/* per rule: stamp of a line in its window */
	uint32_t stamp;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	pcre2_code *re_begin, *re_end, *re_putty, *re_arm, *re_notfound;
	pcre2_code *re_fail;
	struct sl_term *term;	/* renders one line at a time */
	struct sl_buf rend;
	int rend_rows;
	unsigned char *key;
	size_t keylen;
	struct sl_buf subj;	/* key context + rendered text */
	struct sl_buf rawtext;	/* rx_ac_scan_raw's room */
	struct sl_buf crrow;	/* rx_ac_scan_overlay's room */
	int cr_render;		/* render CR-only lines always (tests) */
	struct rx_queue scratch;	/* for rx_redact_string */
	struct rx_ctx scratch_ctx;
	struct sl_buf scratch_out;
	int *scratch_kids;
	size_t scratch_nkids, scratch_maxkids;
	long long scratch_count;	/* secrets found, for return values */
	/* statistics */
	struct rx_fstat **files;
	size_t nfiles, capfiles;
	long long *kind_total;
	long long total;
	long long rewritten;	/* raw lines written as their screen text */
	long long inword;	/* pieces of long lines cut inside a word:
				   a secret across the cut is not found
				   (counted in redact_io.c alone) */
	long long inputs;
	/* problems while a line is analysed */
	sl_errfn err;
	void *errarg;
	const char *where;	/* input name */
	int status;		/* SL_OK or SL_REJECT */
	int b64_nest;		/* payloads being redacted inside others */
	/*
	 * Redact a payload found inside the input at hand, p[0, n) called
	 * name, into out, by its content (redact_run.c sets it).  SL_OK,
	 * SL_REJECT (reported; rx->status too) or SL_STOP.
	 */
	int (*nested)(struct sl_redact *rx, const char *name, const void *p,
	    size_t n, struct sl_out *out);
	int njobs;		/* -j: worker processes (sl_redact_set_jobs) */
	struct rx_jobs *jobs;	/* their pool, from the first path on */
	struct rx_ahead *ahead;	/* the raw scan run ahead, or NULL */
	size_t ahead_min;	/* ...for inputs this large (RX_AHEAD_MIN) */
	size_t ahead_ring;	/* ...its ring (RX_AHEAD_RING, a power of 2) */
	size_t ahead_max;	/* ...and how far (RX_AHEAD_MAX); tests tune */
};

/*
 * The raw scan of a large text input run ahead on a second thread
 * (redact_ahead.c), with -j 2 or more.  rx_ahead_start: over in, a file
 * read in place or bytes in memory of rx->ahead_min bytes or more, or
 * NULL (no thread: -j 1, another input, rules without keywords).
 * rx_ahead_mem: over lo[0, len), which stays until rx_ahead_stop (the
 * unit tests), or NULL when no thread could start.
 * rx_ahead_take, on the engine's thread, for p[0, n) about to be
 * scanned raw: 1 when the thread scanned exactly those bytes, with what
 * it found in *r; 0 when the engine must scan them.  Lines are asked
 * about in the order of the input.  rx_ahead_stop joins the thread and
 * frees a (NULL: nothing).
 */
#define RX_AHEAD_MIN	(4 * 1024 * 1024) /* smaller: the thread's start
					   costs more than it wins */
#define RX_AHEAD_RING	4096		/* lines scanned in the ring */
#define RX_AHEAD_MAX	(1024 * 1024)	/* bytes ahead of the engine */
struct rx_ahead *rx_ahead_start(const struct sl_redact *rx,
    const struct sl_in *in);
struct rx_ahead *rx_ahead_mem(const struct sl_redact *rx, const char *lo,
    size_t len);
#define RX_RAW_CANDS	4	/* rules a line turns on, handed over */
struct rx_raw {
	size_t hits;		/* rx_ac_scan_raw's count */
	int complex;		/* ...its flags */
	int rows;		/* rx_cr_row_clean of them, -1: not asked */
	unsigned ncand;		/* the rules it marked */
	uint32_t cand[RX_RAW_CANDS];
};
int rx_ahead_take(struct rx_ahead *a, const char *p, size_t n,
    struct rx_raw *r);
void rx_ahead_stop(struct rx_ahead *a);
/* Wait until the thread of a has been through all its bytes (the tests:
 * the ring must hold every clean line, or this waits for ever). */
void rx_ahead_wait(struct rx_ahead *a);

/*
 * Render raw terminal bytes p[0, n) of one line, then its ending e[0, en)
 * (CR* LF), into rx->rend, on a terminal width wide (0: not known).  The
 * ending is the screen's too: whether a CR is readline's wrap (" \r" at
 * the margin, the line going on) or a return over the row is told by what
 * follows it.  Returns the width known after the line.
 */
uint32_t rx_render(struct sl_redact *rx, uint32_t width, const char *p,
    size_t n, const char *e, size_t en);
/* in's hits sorted into out, overlapping ones merged into one. */
void rx_hits_merge(const struct rx_hits *in, struct rx_hits *out);
/* Report a problem with the current input (exit 1). */
void rx_warn(struct sl_redact *rx, long long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Drivers of one input, by shape (redact_run.c dispatches).  Text and
 * JSON read lines through l, which the dispatcher owns: JSON that stops
 * being JSON returns RX_AS_TEXT, and the rest of l is read as text.  Each
 * returns SL_OK or SL_STOP; problems are in rx->status.
 */
#define RX_AS_TEXT	100	/* not an SL_ status */
int rx_text_loop(struct rx_input *in, struct rx_lines *l);
int rx_json_read(struct rx_input *in, struct rx_lines *l);
int rx_b64_run(struct rx_input *in);
int rx_records_run(struct rx_input *in);
/* Does p[0, n) (a peek) start a JSON document? */
int rx_json_probe(const unsigned char *p, size_t n);
/*
 * Decode base64 or base64url p[0, n) into out, white space ignored.  0,
 * or -1 if it is not base64 (or decodes to more than 64 MiB).
 */
int rx_b64_decode(const char *p, size_t n, struct sl_buf *out);
/* Is p[0, n) base64 of gzip (a subscription payload in transit)? */
int rx_b64_looks(const char *p, size_t n);
/*
 * Decode, redact and encode again a base64 payload p[0, n) into out (the
 * same bytes when nothing was found).  0, or -1 when it cannot be
 * decoded.
 */
int rx_b64_redact(struct sl_redact *rx, const char *name, const char *p,
    size_t n, struct sl_buf *out);

/* ------------------------------------------------------------ the walk */

/* One walk of sl_redact_path (redact_run.c): what its leaves need. */
struct rx_walk {
	struct sl_redact *rx;
	const struct sl_redact_io *io;
	int forced;		/* the mode -f asks for; 0: detect */
	sl_errfn err;		/* the caller's */
	void *errarg;
	/* Redact one leaf input here, into io's outputs (the walk's own). */
	int (*leaf)(struct rx_walk *wa, struct sl_in *in);
};

/*
 * -j N (redact_jobs.c): the walk's plain leaves are redacted by worker
 * processes (lib/core/workers.c), which send back each input's output
 * bytes, messages, status and counts; the parent opens the outputs,
 * writes the bytes and merges the counts in input order, as one process
 * would.  Walk path with wa, through rx->jobs (made on first use, made
 * anew when wa differs from the walk it was made for).  Returns as
 * sl_redact_path; the status of inputs still with the workers comes
 * with rx_jobs_end().
 */
int rx_jobs_path(struct sl_redact *rx, const struct rx_walk *wa,
    const char *path);
/* Everything the workers owe passed on, the workers ended: SL_OK,
 * SL_REJECT (some input, any path so far) or SL_STOP.  No pool: SL_OK. */
int rx_jobs_end(struct sl_redact *rx);
/*
 * The counts of the inputs rx counted from the first-th on (struct
 * rx_fstat: with the totals they make) and its rx->rewritten, appended
 * to b, and rx_stats_merge() adding them to another engine with the
 * same rules, as if it had redacted those inputs itself.  Merge: 0, or -1 when p[0,
 * n) is malformed (nothing added).
 */
void rx_stats_pack(const struct sl_redact *rx, size_t first,
    struct sl_buf *b);
int rx_stats_merge(struct sl_redact *rx, const char *p, size_t n);
/* Free the counts of the inputs from the first-th on. */
void rx_stats_drop(struct sl_redact *rx, size_t first);

#endif /* SL_REDACT_H */
