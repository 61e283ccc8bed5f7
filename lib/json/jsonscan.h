/*
 * jsonscan.h: lib/json/, JSON for lib/ and formats/ (internal).  Two
 * layers: a push tokenizer (jsontok.c, at the end of this header) for
 * the redactor, and an incremental scanner (jsonscan.c) for documents
 * too large to load: it walks the structure a reader asks for (the
 * top-level keys of a document, the elements of one array) and copies
 * one value at a time into a buffer for jansson.
 *
 *	js = sl_jscan_new(read, arg);
 *	while (sl_jscan_next(js) == SL_JS_VALUE) {	   each document
 *		sl_jscan_enter(js);			   its members
 *		while (sl_jscan_next(js) == SL_JS_VALUE)
 *			if (strcmp(sl_jscan_key(js), "events") == 0) ...
 *	}
 *
 * Memory: one read buffer, one key, a stack of SL_JSON_DEPTH bytes, and
 * whatever the caller's copy buffer holds (capped by the caller).
 */
#ifndef SL_JSONSCAN_H
#define SL_JSONSCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "sl.h"

/*
 * Where bytes come from: like read(2), >0 bytes, 0 at the end, -1 on an
 * error (reported by the source; the scanner takes it as the end), or
 * SL_JS_READ_BREAK: the data breaks off here and starts afresh (a corrupt
 * gzip member was skipped).  A document cut by a break is an error; the
 * scan goes on at the top level after it.
 */
#define SL_JS_READ_BREAK	(-2)
typedef ssize_t (*sl_jscan_read_fn)(void *arg, void *buf, size_t n);

/* Results. */
#define SL_JS_ERR	(-1)	/* see sl_jscan_error() */
#define SL_JS_END	0	/* no more values at this level */
#define SL_JS_VALUE	1	/* a value is at hand */
#define SL_JS_OK	2	/* copied or skipped */
#define SL_JS_BIG	3	/* longer than the cap: skipped, not kept */
#define SL_JS_DEEP	4	/* nested deeper than SL_JSON_DEPTH: skipped */

/* Kinds of error. */
enum sl_js_errkind {
	SL_JSE_NONE,
	SL_JSE_SYNTAX,		/* not JSON here */
	SL_JSE_TRUNCATED,	/* the input ends inside a value */
	SL_JSE_BREAK,		/* the data breaks off inside a value */
	SL_JSE_DEEP		/* entered levels past SL_JSON_DEPTH */
};

struct sl_jscan;

/* A scanner over a source; NULL never (allocation aborts). */
struct sl_jscan *sl_jscan_new(sl_jscan_read_fn fn, void *arg);
/* A scanner over bytes in memory (not copied: p must outlive it). */
struct sl_jscan *sl_jscan_mem(const void *p, size_t n);
void sl_jscan_free(struct sl_jscan *js);

/*
 * Move to the next value of the current level: at the top level the next
 * document (documents may simply follow each other), in an object the
 * next member (key in sl_jscan_key()), in an array the next element.  A
 * value at hand that was not copied, skipped or entered is skipped first.
 * Returns SL_JS_VALUE, SL_JS_END (the level is closed; it is left), or
 * SL_JS_ERR.
 */
int sl_jscan_next(struct sl_jscan *js);
/* First byte of the value at hand: '{', '[', '"', or a scalar's. */
int sl_jscan_type(const struct sl_jscan *js);
/* Key of the member at hand, decoded, NUL-terminated, cut at 255 bytes. */
const char *sl_jscan_key(const struct sl_jscan *js);
/*
 * A memory scanner only: the key of the member at hand as written, its
 * quotes included, in place: for a strict decode (sl_json_unquote) where
 * sl_jscan_key(), lenient and cut, is not enough.  1 when the key is
 * printable ASCII without escapes (valid, and as written), else 0.
 */
int sl_jscan_key_raw(const struct sl_jscan *js, const char **p, size_t *n);
/* Go into the object or array at hand.  SL_JS_OK or SL_JS_ERR. */
int sl_jscan_enter(struct sl_jscan *js);
/* Skip the rest of the level last entered and leave it. */
int sl_jscan_leave(struct sl_jscan *js);
/*
 * Copy the value at hand, exactly as written, into out (reset first).  A
 * value longer than max bytes is skipped without being kept (SL_JS_BIG);
 * one nested deeper than SL_JSON_DEPTH too (SL_JS_DEEP).  Otherwise
 * SL_JS_OK, or SL_JS_ERR.
 */
int sl_jscan_copy(struct sl_jscan *js, struct sl_buf *out, size_t max);
/* Skip the value at hand: SL_JS_OK, SL_JS_DEEP or SL_JS_ERR. */
int sl_jscan_skip(struct sl_jscan *js);
/*
 * A memory scanner only: the value at hand, as written, in place (*p
 * points into the scanned bytes), no copy.  SL_JS_OK, SL_JS_DEEP, or
 * SL_JS_ERR (also for a scanner over a source).
 */
int sl_jscan_raw(struct sl_jscan *js, const char **p, size_t *n);
/* Levels entered (0: top level). */
int sl_jscan_depth(const struct sl_jscan *js);

/* Where the value at hand starts: byte offset, and 1-based line. */
long long sl_jscan_offset(const struct sl_jscan *js);
long long sl_jscan_line(const struct sl_jscan *js);
/* Offset of the next byte not yet scanned. */
long long sl_jscan_cur_offset(const struct sl_jscan *js);
/* Line of the next byte not yet scanned (after a copy: where it ended). */
long long sl_jscan_cur_line(const struct sl_jscan *js);

/* After SL_JS_ERR: what went wrong, and where (offset, line). */
enum sl_js_errkind sl_jscan_errkind(const struct sl_jscan *js);
const char *sl_jscan_error(const struct sl_jscan *js);
long long sl_jscan_err_line(const struct sl_jscan *js);
long long sl_jscan_err_offset(const struct sl_jscan *js);
/*
 * Go on after an error: truncation ends the scan; a break goes on after
 * the break; a syntax error or a level too deep discards input up to the
 * next break (or the end).  The scan is back at the top level.
 */
void sl_jscan_recover(struct sl_jscan *js);

/*
 * Decode the JSON string literal p[0, n) (its quotes included), appending
 * the bytes to out.  Strict as a JSON parser is: -1 for a bad escape, an
 * unpaired surrogate, a raw control character or invalid UTF-8; else 0.
 * Runs without escapes are copied whole.
 */
int sl_json_unquote(const char *p, size_t n, struct sl_buf *out);
/*
 * A memory scanner only: decode the string at hand (sl_json_unquote's
 * rules) in one pass and move past it.  SL_JS_ERR when it is not a valid
 * string: the scanner is then left as it was.
 */
int sl_jscan_unquote(struct sl_jscan *js, struct sl_buf *out);
/* Re-aim a memory scanner at new bytes (no allocation per value). */
void sl_jscan_mem_reset(struct sl_jscan *js, const void *p, size_t n);

/*
 * Probe help: the key paths of the first value in p[0, n) (a peek, maybe
 * cut short), objects down to three levels and the first element of each
 * array: "events", "events[].message", "results[][].field".  Leading
 * white space and a UTF-8 BOM are skipped.
 */
struct sl_jkeys {
	char buf[4096];		/* paths, each NUL-terminated */
	size_t len;
	int n;
	int object;		/* the value is an object */
	int whole;		/* the value ended inside p */
	size_t end;		/* ...at this offset */
};
void sl_jkeys_probe(const void *p, size_t n, struct sl_jkeys *k);
int sl_jkeys_has(const struct sl_jkeys *k, const char *path);

/* ------------------------------------------------------ the tokenizer */

/*
 * jsontok.c: the JSON tokenizer, the one place that knows JSON's grammar
 * (values, strings and escapes, numbers and literals, nesting).  It is
 * pushed bytes in pieces of any size and has two modes over one state:
 *
 * check (sl_jtok_feed), for the redactor: strict as a JSON parser about
 * everything (structure, strings, escapes, numbers, literals, nesting).
 * It reports the bytes between strings verbatim, and each string's
 * body, as written, in pieces (a string may be larger than memory allows
 * to hold), with the key it belongs to.
 *
 *	sl_jtok_init(&t);
 *	while ((n = read(fd, buf, sizeof(buf))) > 0)
 *		if (sl_jtok_feed(&t, buf, n, &cb) != n) ...  t.err says why
 *	if (sl_jtok_end(&t) != 0) ...
 *
 * skim (sl_jtok_skim), for the scanner above: the end of one value at a
 * time, fast: strings by memchr() for the quote, only the brackets
 * checked; the value is checked by whoever parses it.
 *
 *	sl_jtok_skim_start(&t);
 *	while (!t.done) { k = sl_jtok_skim(&t, p, n); ... t.err: mismatch }
 *
 * Strings decoded strictly (sl_json_unquote) are the tokenizer's too.
 * Memory: the struct (a key per level); nothing is allocated.
 */
#define SL_JTOK_KEY_MAX	64	/* bytes of a key kept for context */
#define SL_JTOK_LIT_MAX	40	/* bytes of a number or literal */

/* What a string is: a member's key, or a value. */
enum { SL_JTOK_KEY, SL_JTOK_VALUE };

enum sl_jtok_state {
	SL_JT_TOP,	/* between documents */
	SL_JT_VALUE,	/* after ':' or ',' in an array */
	SL_JT_AVALUE,	/* after '[': a value or ']' */
	SL_JT_OKEY,	/* after '{': a key or '}' */
	SL_JT_KEY,	/* after ',' in an object */
	SL_JT_COLON,	/* after a key */
	SL_JT_NEXT	/* after a value in a container: ',' or the close */
};

struct sl_jtok_frame {
	int obj;
	char key[SL_JTOK_KEY_MAX];	/* the member this container is */
};

/*
 * Callers read instr, line, values and err (check), done, deep, instr,
 * inlit and err (skim); the rest is the tokenizer's.
 */
struct sl_jtok {
	long long depth;		/* skim counts past SL_JSON_DEPTH */
	int instr, esc, inlit;		/* instr: inside a string */
	int done, deep;			/* skim: the value ended; too deep */
	const char *err;		/* not NULL: not JSON; a static text */
	enum sl_jtok_state st;
	struct sl_jtok_frame fr[SL_JSON_DEPTH + 1];
	char key[SL_JTOK_KEY_MAX];	/* last key of the current object */
	int hex, role;
	char vkey[SL_JTOK_KEY_MAX];	/* key of the string being read */
	char lit[SL_JTOK_LIT_MAX + 1];
	size_t litn;
	int values;			/* top-level documents completed */
	long long line;			/* 1-based line of the next byte */
};

/*
 * What the tokenizer reports; any may be NULL.  verbatim: bytes outside
 * strings, the quotes included.  str_start: a string's body starts at p.
 * str_bytes: a piece of its body as written (escapes not decoded).
 * str_end: it ended; role SL_JTOK_KEY or SL_JTOK_VALUE, key the member
 * it is the value of ("" at the top, the array's key in an array; ""
 * also when that key was cut between two feeds: feed whole lines).
 * doc_end: a top-level container closed.
 */
struct sl_jtok_cb {
	void (*verbatim)(void *arg, const char *p, size_t n);
	void (*str_start)(void *arg, const char *p);
	void (*str_bytes)(void *arg, const char *p, size_t n);
	void (*str_end)(void *arg, int role, const char *key);
	void (*doc_end)(void *arg);
	void *arg;
};

/* Ready for the first byte of an input, at line 1. */
void sl_jtok_init(struct sl_jtok *t);
/*
 * Feed n bytes.  Returns how many were taken: n, or where the input
 * stopped being JSON (t->err says why; feed no more).
 */
size_t sl_jtok_feed(struct sl_jtok *t, const char *p, size_t n,
    const struct sl_jtok_cb *cb);
/* The input ended: 0 when it ended between documents, else -1 (t->err). */
int sl_jtok_end(struct sl_jtok *t);
/* Is p[0, n) one or more whole JSON documents and nothing else? */
int sl_jtok_valid(const char *p, size_t n);
/* Is s[0, n) a JSON number, true, false or null? */
int sl_json_literal_ok(const char *s, size_t n);

/* Skim mode: ready for the first byte of a value (its whole state but
 * the frames' keys is reset: cheap enough for every value). */
void sl_jtok_skim_start(struct sl_jtok *t);
/*
 * Skim n bytes of the value: returns how many belong to it.  Fewer than
 * n when it ended (t->done; a top-level number or literal ends before
 * the byte that delimits it) or at a bracket that does not close the one
 * open (t->err; the byte at the count).  At the end of the input, a
 * value still open is cut short unless only a literal was left (inlit).
 */
size_t sl_jtok_skim(struct sl_jtok *t, const char *p, size_t n);

/*
 * Decode the body of a string literal from p (after its opening quote)
 * up to its closing quote, appending to out (NUL-terminated): strict as a
 * JSON parser (no raw control byte, valid UTF-8, good escapes and
 * surrogate pairs).  The bytes used, the closing quote included, or -1.
 */
long sl_json_decode_str(const unsigned char *p, const unsigned char *end,
    struct sl_buf *out);

/* ------------------------------------------- grammar pieces, shared */

/* The value of hex digit c, or -1. */
static inline int
sl_json_hexdig(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The four hex digits at p (all readable), or -1. */
static inline long
sl_json_hex4(const unsigned char *p)
{
	long v = 0;
	int i, d;

	for (i = 0; i < 4; i++) {
		if ((d = sl_json_hexdig(p[i])) < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * The byte the one-letter escape \c stands for, or -1: 'u' (four hex
 * digits follow) and anything else are the caller's.
 */
static inline int
sl_json_unescape(int c)
{
	switch (c) {
	case '"': case '\\': case '/':
		return c;
	case 'b': return '\b';
	case 'f': return '\f';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	default:
		return -1;
	}
}

#endif /* SL_JSONSCAN_H */
