/*
 * record.c: records and their JSON Lines form (records.md).  Key order is
 * fixed so that output is stable and diffable: type, session, then the
 * fields of the type, then src.
 */
#include <string.h>

#include "core/core.h"
#include "base/json_esc.h"

static const char *const field_names[SL_F_COUNT] = {
	[SL_F_PRINCIPAL] = "principal",
	[SL_F_OWNER] = "owner",
	[SL_F_TARGET] = "target",
	[SL_F_HOST] = "host",
	[SL_F_RUN_AS] = "run_as",
	[SL_F_REGION] = "region",
	[SL_F_ACCOUNT] = "account",
	[SL_F_DOCUMENT] = "document",
	[SL_F_KIND] = "kind",
	[SL_F_START] = "start",
	[SL_F_START_SRC] = "start_src",
	[SL_F_END] = "end",
	[SL_F_END_SRC] = "end_src",
	[SL_F_START_LOCAL] = "start_local",
	[SL_F_END_LOCAL] = "end_local",
	[SL_F_STATUS] = "status",
	[SL_F_REASON] = "reason",
	[SL_F_SOURCE_IP] = "source_ip",
	[SL_F_USER_AGENT] = "user_agent",
	[SL_F_ORIGIN] = "origin",
};

const char *
sl_field_name(enum sl_field f)
{
	return (unsigned)f < SL_F_COUNT ? field_names[f] : NULL;
}

int
sl_field_lookup(const char *key)
{
	int i;

	for (i = 0; i < SL_F_COUNT; i++)
		if (strcmp(field_names[i], key) == 0)
			return i;
	return -1;
}

void
sl_record_init(struct sl_record *r, enum sl_type t, const char *sid,
    const char *src)
{
	memset(r, 0, sizeof(*r));
	r->type = t;
	r->session = sid;
	r->src = src;
	r->count = -1;
}

/*
 * The JSON writer.  A record is written straight into the caller's buffer
 * through a cursor: room is made once per field (for its worst case), so
 * appends need no capacity checks, no NUL and no temporary copies.
 */
struct jw {
	struct sl_buf *b;
	char *o;		/* where the next byte goes */
	char *end;		/* the end of the room made (the NUL's place) */
};

/* Out of room: grow the buffer, keeping the cursor's place. */
static void
jw_grow(struct jw *w, size_t n)
{
	w->b->len = (size_t)(w->o - w->b->buf);
	sl_buf_reserve(w->b, n);
	w->o = w->b->buf + w->b->len;
	w->end = w->b->buf + w->b->cap - 1;
}

/* Room for n more bytes at the cursor: one compare, inlined. */
static inline void
jw_room(struct jw *w, size_t n)
{
	if ((size_t)(w->end - w->o) < n)
		jw_grow(w, n);
}

/* n bytes; inlined, so a constant's copy is a few moves. */
static inline void
jw_lit(struct jw *w, const char *s, size_t n)
{
	jw_room(w, n);
	memcpy(w->o, s, n);
	w->o += n;
}

/* A constant: its length is known when compiling, no strlen. */
#define JW_LIT(w, s)	jw_lit((w), (s), sizeof(s) - 1)

/* A number (sl_json_int: line numbers are in every record). */
static void
jw_int(struct jw *w, long long v)
{
	jw_room(w, 21);
	w->o = sl_json_int(w->o, v);
}

/*
 * One character at p that is not plain ASCII, as JSON: C0 and C1
 * controls escaped, malformed UTF-8 as U+FFFD, the rest as it is (the
 * plain form of json_esc.h).  Sets *used to the bytes consumed (at most
 * 6 written per byte).
 */
static char *
escape_special(char *o, const unsigned char *p, const unsigned char *end,
    size_t *used)
{
	if (*p < 0x80) {
		*used = 1;
		return sl_json_ascii(o, *p);
	}
	return sl_json_other_plain(o, p, (size_t)(end - p), used);
}

/*
 * The last bytes of a string, fewer than 16, at o: read as the 16 that
 * end it and stored over output that is the same bytes, when the string
 * has 16 and the `back` bytes before p went out as plain copies (p -
 * plain >= back); else through a padded copy (NULs need escapes: the
 * mask stops at the end).  Returns the mask of bytes needing an escape.
 */
static inline unsigned
tail16(char *o, const unsigned char *p, size_t left,
    const unsigned char *plain)
{
	unsigned char pad[16];
	size_t back = 16 - left;

	if ((size_t)(p - plain) >= back) {
		memcpy(o - back, p - back, 16);
		return sl_json_bad16(p - back) >> back;
	}
	memset(pad, 0, sizeof(pad));
	memcpy(pad, p, left);
	memcpy(o, pad, 16);
	return sl_json_bad16(pad);
}

/*
 * The general loop of a JSON string, from p on (output from plain on is
 * a copy of the input).  Sixteen bytes are copied before they are
 * checked: the room made for the worst case (6 bytes a byte) holds the
 * overshoot.  The last few bytes go through tail16().  Out of line: its
 * calls would keep jw_str_inline's loop constants out of registers.
 */
static char *
str_rest(char *o, const unsigned char *p, const unsigned char *end,
    const unsigned char *plain)
{
	size_t used;
	unsigned m;

	while (p < end) {
		size_t left = (size_t)(end - p);

		if (left >= 16) {
			memcpy(o, p, 16);
			m = sl_json_bad16(p);
			if (m == 0) {
				p += 16;
				o += 16;
				continue;
			}
		} else {
			m = tail16(o, p, left, plain);
			if (m == 0) {
				o += left;
				break;
			}
		}
		m = (unsigned)__builtin_ctz(m);
		p += m;
		o += m;
		if (p >= end)
			break;
		o = escape_special(o, p, end, &used);
		p += used;
		plain = p;
	}
	return o;
}

/* Copy the 16 bytes at p to o; are all but the first skip plain?  One
 * load: the compiler cannot know that o and p do not overlap. */
static inline int
copy16_plain(char *o, const unsigned char *p, unsigned skip)
{
#ifdef __SSE2__
	__m128i v = _mm_loadu_si128((const __m128i *)p);

	_mm_storeu_si128((__m128i *)o, v);
	return (sl_json_bad16_v(v) >> skip) == 0;
#else
	memcpy(o, p, 16);
	return (sl_json_bad16(p) >> skip) == 0;
#endif
}

/*
 * A JSON string at o, which has room for its worst case (6 bytes a
 * byte, quotes, 16 of overshoot); returns the end.  The common one
 * needs no escape and is 16 bytes or more: its blocks are copied and
 * checked here, the last few read as the 16 that end it (stored over
 * output that is the same bytes), with no call.  Anything else goes on
 * in str_rest() from the first block that needs it.
 */
static inline __attribute__((always_inline)) char *
put_str(char *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t left;

	*o++ = '"';
	while ((size_t)(end - p) >= 16 && copy16_plain(o, p, 0)) {
		p += 16;
		o += 16;
	}
	left = (size_t)(end - p);
	if (left > 0 && left < 16 && n >= 16 &&
	    copy16_plain(o - (16 - left), end - 16, (unsigned)(16 - left))) {
		o += left;
		p = end;
	}
	if (p < end)
		o = str_rest(o, p, end, (const unsigned char *)s);
	*o++ = '"';
	return o;
}

/* The room put_str() needs for n bytes. */
#define STR_ROOM(n)	(6 * (n) + 2 + 16)

/* A JSON string, room made first. */
static inline __attribute__((always_inline)) void
jw_str_inline(struct jw *w, const char *s, size_t n)
{
	jw_room(w, STR_ROOM(n));
	w->o = put_str(w->o, s, n);
}

/* The same, called: for the fields that are not in every record. */
static void
jw_str(struct jw *w, const char *s, size_t n)
{
	jw_str_inline(w, s, n);
}

/* ,"key": then the string v; nothing when v is NULL.  Inlined: key and
 * its length are constants at most callers. */
static inline void
str_field(struct jw *w, const char *k, size_t klen, const char *v)
{
	if (v == NULL)
		return;
	jw_room(w, klen + 4);
	*w->o++ = ',';
	*w->o++ = '"';
	memcpy(w->o, k, klen);
	w->o += klen;
	*w->o++ = '"';
	*w->o++ = ':';
	jw_str(w, v, strlen(v));
}

#define STR_FIELD(w, k, v)	str_field((w), (k), sizeof(k) - 1, (v))

/* Extra keys come from input (a record stream): escape them like values. */
static void
extra_fields(struct jw *w, const struct sl_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kv[i].val == NULL)
			continue;
		JW_LIT(w, ",");
		jw_str(w, kv[i].key, strlen(kv[i].key));
		JW_LIT(w, ":");
		jw_str(w, kv[i].val, strlen(kv[i].val));
	}
}

int
sl_record_is_command(const struct sl_record *r)
{
	return r->type == SL_LINE && r->has_prompt && !r->cont &&
	    r->len > r->prompt_len && !sl_record_not_run(r);
}

int
sl_record_not_run(const struct sl_record *r)
{
	return r->cancelled || r->redrawn;
}

/*
 * The record number: one more than the last one in most records (per
 * thread, as the head below), so its digits are counted up in place.
 * Only from a number >= 0: "-1" counted up is not "0".
 */
static _Thread_local struct {
	long long v;
	size_t len;			/* 0: nothing kept */
	char text[24];
} last_n;

static char *
record_number(char *o, long long v)
{
	if (last_n.len == 0 || v <= 0 || (v != last_n.v && (v - 1 != last_n.v ||
	    !sl_decimal_count_up(last_n.text, 0, last_n.len))))
		last_n.len = (size_t)(sl_json_int(last_n.text, v) - last_n.text);
	last_n.v = v;
	/* All of text: a copy of constant size is a few moves. */
	memcpy(o, last_n.text, sizeof(last_n.text));
	return o + last_n.len;
}

/* A constant at o, unchecked (room made before); the end. */
#define PUT_LIT(o, s)	(memcpy((o), (s), sizeof(s) - 1), (o) + sizeof(s) - 1)

/* Room for every flag a line record may carry, derived from the very
 * literals line_fields() writes (no count to keep in step by hand). */
#define FLAG_CONT	",\"cont\":true"
#define FLAG_CANCELLED	",\"cancelled\":true"
#define FLAG_REDRAWN	",\"redrawn\":true"
#define FLAG_UNCERTAIN	",\"uncertain\":true"
#define FLAGS_ROOM	(sizeof(FLAG_CONT) + sizeof(FLAG_CANCELLED) + \
			    sizeof(FLAG_REDRAWN) + sizeof(FLAG_UNCERTAIN))

static size_t
line_room(const struct sl_record *r)
{
	size_t n = sizeof(last_n.text) + 8 + STR_ROOM(r->len) + FLAGS_ROOM;

	if (r->has_prompt)	/* prompt and cmd: the text cut in two */
		n += 10 + 7 + STR_ROOM(r->len) + STR_ROOM(0);
	return n;
}

/* From "n" to the flags: room made once, then no checks. */
static void
line_fields(struct jw *w, const struct sl_record *r)
{
	char *o;

	jw_room(w, line_room(r));
	o = record_number(w->o, r->n);	/* after the head's ,"n": */
	o = PUT_LIT(o, ",\"text\":");
	o = put_str(o, r->text, r->len);	/* in every line record */
	if (r->has_prompt) {
		o = PUT_LIT(o, ",\"prompt\":");
		o = put_str(o, r->text, r->prompt_len);
		o = PUT_LIT(o, ",\"cmd\":");
		o = put_str(o, r->text + r->prompt_len,
		    r->len - r->prompt_len);
	}
	if (r->cont)
		o = PUT_LIT(o, FLAG_CONT);
	if (r->cancelled)
		o = PUT_LIT(o, FLAG_CANCELLED);
	if (r->redrawn)
		o = PUT_LIT(o, FLAG_REDRAWN);
	if (r->uncertain)
		o = PUT_LIT(o, FLAG_UNCERTAIN);
	w->o = o;
	STR_FIELD(w, "expanded", r->expanded);
	STR_FIELD(w, "time", r->time);
}

static void
session_fields(struct jw *w, const struct sl_record *r)
{
	int i;

	for (i = 0; i < SL_F_ORIGIN; i++)
		if (r->f[i] != NULL)
			str_field(w, field_names[i], strlen(field_names[i]),
			    r->f[i]);
	extra_fields(w, r->extra, r->nextra);
	STR_FIELD(w, "origin", r->f[SL_F_ORIGIN]);
}

static void
note_fields(struct jw *w, const struct sl_record *r)
{
	STR_FIELD(w, "code", r->code);
	JW_LIT(w, ",\"text\":");
	jw_str(w, r->text != NULL ? r->text : "", r->text != NULL ? r->len : 0);
	if (r->count >= 0) {
		JW_LIT(w, ",\"count\":");
		jw_int(w, r->count);
	}
	extra_fields(w, r->extra, r->nextra);
}

static void
redacted_field(struct jw *w, const struct sl_record *r)
{
	size_t i;

	JW_LIT(w, ",\"redacted\":[");
	for (i = 0; i < r->nredacted; i++) {
		if (i > 0)
			JW_LIT(w, ",");
		jw_str(w, r->redacted[i], strlen(r->redacted[i]));
	}
	JW_LIT(w, "]");
}

/*
 * The start of every record, {"type":"line","session":"<id>", is the
 * same for all the records of a session: the last one made is kept and
 * copied while type and id stay the same (one compare instead of
 * escaping the id again).  A line record's head goes on to ,"n": (its
 * next key, always there).  Per thread, so that programs calling the
 * library from several threads on their own runs stay correct.
 */
#define HEAD_KEEP	192	/* a longer id is written each time */
#define HEAD_COPY	64	/* a kept head this long is copied whole */

static _Thread_local struct {
	enum sl_type type;
	size_t idlen;			/* 0: nothing kept */
	char id[HEAD_KEEP];		/* NUL-terminated */
	size_t len;
	char json[HEAD_KEEP * 6 + 48];
} last_head;

_Static_assert(sizeof(last_head.json) >= HEAD_COPY, "head copy in bounds");

#define HEAD(type)	{ "{\"type\":\"" type "\",\"session\":", \
	sizeof("{\"type\":\"" type "\",\"session\":") - 1 }

/* What follows the id: ,"n": for a line record. */
static void
head_end(struct jw *w, const struct sl_record *r)
{
	if (r->type == SL_LINE)
		JW_LIT(w, ",\"n\":");
}

static void
head(struct jw *w, const struct sl_record *r)
{
	static const struct {
		const char *s;
		size_t len;
	} heads[] = {
		[SL_SESSION] = HEAD("session"),
		[SL_LINE] = HEAD("line"),
		[SL_NOTE] = HEAD("note"),
		[SL_RAW] = HEAD("raw"),
	};
	size_t n, at;

	if (r->session == NULL) {
		jw_lit(w, heads[r->type].s, heads[r->type].len);
		JW_LIT(w, "null");
		head_end(w, r);
		return;
	}
	/* One call, with the NUL: no strlen() when the id is the same. */
	if (last_head.idlen > 0 && r->type == last_head.type &&
	    strncmp(r->session, last_head.id, last_head.idlen + 1) == 0) {
		if (last_head.len > HEAD_COPY) {
			jw_lit(w, last_head.json, last_head.len);
			return;
		}
		/* Constant size: a few moves, no call. */
		jw_room(w, HEAD_COPY);
		memcpy(w->o, last_head.json, HEAD_COPY);
		w->o += last_head.len;
		return;
	}
	n = strlen(r->session);
	at = (size_t)(w->o - w->b->buf);
	jw_lit(w, heads[r->type].s, heads[r->type].len);
	jw_str(w, r->session, n);
	head_end(w, r);
	if (n == 0 || n >= HEAD_KEEP)
		return;
	/* Offsets: jw_str may have moved the buffer. */
	last_head.type = r->type;
	last_head.idlen = n;
	memcpy(last_head.id, r->session, n + 1);	/* with its NUL */
	last_head.len = (size_t)(w->o - w->b->buf) - at;
	memcpy(last_head.json, w->b->buf + at, last_head.len);
}

/* ,"src": and the end of the record: room made once. */
static void
tail(struct jw *w, const struct sl_record *r)
{
	size_t n = r->src != NULL ? strlen(r->src) : 0;
	char *o;

	jw_room(w, 7 + STR_ROOM(n) + 2);
	o = w->o;
	if (r->src != NULL) {	/* in every record */
		o = PUT_LIT(o, ",\"src\":");
		o = put_str(o, r->src, n);
	}
	w->o = PUT_LIT(o, "}\n");
}

void
sl_record_to_json(struct sl_buf *b, const struct sl_record *r)
{
	struct jw w;

	if (b->cap - b->len < 257)	/* inlined: once per record */
		sl_buf_reserve(b, 256);
	w.b = b;
	w.o = b->buf + b->len;
	w.end = b->buf + b->cap - 1;
	head(&w, r);
	switch (r->type) {
	case SL_LINE:
		line_fields(&w, r);
		break;
	case SL_SESSION:
		session_fields(&w, r);
		break;
	case SL_NOTE:
		note_fields(&w, r);
		break;
	case SL_RAW:
		JW_LIT(&w, ",\"text\":");
		jw_str(&w, r->text, r->len);
		break;
	}
	if (r->nredacted > 0)
		redacted_field(&w, r);
	tail(&w, r);
	b->len = (size_t)(w.o - b->buf);
	b->buf[b->len] = '\0';
}
