/*
 * records: the record stream itself (records.md), one JSON object per
 * line, so every tool reads the output of every other:
 *
 *	{"type":"line","session":"alice-0a1b2c3d4e5f67890","n":1,
 *	 "text":"sh-5.2$ id","prompt":"sh-5.2$ ","cmd":"id","src":"a.log:2"}
 *
 * Records pass through unchanged (n and src included), so reading a
 * stream and writing it again gives the same bytes.  A line that is not
 * a valid record is rejected with its position; the stream goes on.
 *
 * Each line is read with the streaming scanner (json/jsonscan.h), with
 * no tree and no allocation per value: keys and strings are decoded into
 * one buffer kept for the whole input, and each member is a row in a
 * table kept too.  The line is checked as strictly as jansson checks a
 * document (it read records before: same records accepted, same ones
 * refused); jansson is asked again only for the message of a line that
 * is not JSON, so the messages stay what they were.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"
#include "json/jsonscan.h"

#define EXTRA_MAX	32

/* The keys a record's meaning rests on; K_OTHER: any other key. */
enum key {
	K_OTHER, K_TYPE, K_SESSION, K_SRC, K_REDACTED, K_N, K_TEXT, K_TIME,
	K_PROMPT, K_CMD, K_EXPANDED, K_CONT, K_CANCELLED, K_REDRAWN, K_CODE,
	K_COUNT, K_UNCERTAIN, K_KEYS
};

static const char *const key_names[K_KEYS] = {
	"", "type", "session", "src", "redacted", "n", "text", "time",
	"prompt", "cmd", "expanded", "cont", "cancelled", "redrawn", "code",
	"count", "uncertain"
};

/* A value's kind, as a JSON parser types it. */
enum kind {
	V_STRING, V_INTEGER, V_REAL, V_TRUE, V_FALSE, V_NULL, V_OBJECT, V_ARRAY
};

/*
 * One member of the record's object; strings are offsets into strs.  A
 * known key (id) is not kept: its name is key_names[id].
 */
struct member {
	size_t key, klen;
	enum key id;
	enum kind kind;
	size_t str, len;	/* V_STRING */
	int nul;		/* ...holds a NUL ("\u0000") */
	long long num;		/* V_INTEGER */
	long last;		/* first of its key: the last member with it */
};

/* The parse of one line, its buffers kept from line to line. */
struct parse {
	struct sl_jscan *js;
	struct sl_buf strs;	/* decoded keys and strings, each NUL-ended */
	struct sl_buf scratch;	/* strings and numbers nobody reads */
	struct member *m;
	size_t nm, mcap;
	long slot[K_KEYS];	/* the last member with each key, or -1 */
	size_t red[EXTRA_MAX];	/* the strings of the last "redacted" */
	size_t nred;
	int red_bad;		/* ...which held something else */
	long *tab;		/* keys seen (session and note fields) */
	size_t tabcap;
};

struct conv {
	struct sl_record r;
	struct sl_kv extra[EXTRA_MAX];
	const char *redacted[EXTRA_MAX];
};

static void
parse_init(struct parse *ps)
{
	memset(ps, 0, sizeof(*ps));
	ps->js = sl_jscan_mem(NULL, 0);
	sl_buf_init(&ps->strs);
	sl_buf_init(&ps->scratch);
}

static void
parse_free(struct parse *ps)
{
	sl_jscan_free(ps->js);
	sl_buf_free(&ps->strs);
	sl_buf_free(&ps->scratch);
	free(ps->m);
	free(ps->tab);
}

static const char *
str_at(const struct parse *ps, size_t off)
{
	return ps->strs.buf + off;
}

/* ------------------------------------------------------------ parsing */

/* Is the key k the name s?  Its length is known to be sizeof(s) - 1. */
#define KEY_IS(k, s)	(memcmp((k), (s), sizeof(s) - 1) == 0)

/*
 * Looked up for every member of every record: by length, then compares
 * of a constant length, which the compiler turns into a load or two.
 */
static enum key
key_id(const char *k, size_t n)
{
	switch (n) {
	case 1:
		return k[0] == 'n' ? K_N : K_OTHER;
	case 3:
		return KEY_IS(k, "src") ? K_SRC : KEY_IS(k, "cmd") ? K_CMD :
		    K_OTHER;
	case 4:
		return KEY_IS(k, "type") ? K_TYPE : KEY_IS(k, "text") ? K_TEXT :
		    KEY_IS(k, "time") ? K_TIME : KEY_IS(k, "cont") ? K_CONT :
		    KEY_IS(k, "code") ? K_CODE : K_OTHER;
	case 5:
		return KEY_IS(k, "count") ? K_COUNT : K_OTHER;
	case 6:
		return KEY_IS(k, "prompt") ? K_PROMPT : K_OTHER;
	case 7:
		return KEY_IS(k, "session") ? K_SESSION :
		    KEY_IS(k, "redrawn") ? K_REDRAWN : K_OTHER;
	case 8:
		return KEY_IS(k, "redacted") ? K_REDACTED :
		    KEY_IS(k, "expanded") ? K_EXPANDED : K_OTHER;
	case 9:
		return KEY_IS(k, "cancelled") ? K_CANCELLED :
		    KEY_IS(k, "uncertain") ? K_UNCERTAIN : K_OTHER;
	default:
		return K_OTHER;
	}
}

static const char *
key_at(const struct parse *ps, const struct member *m)
{
	return m->id != K_OTHER ? key_names[m->id] : str_at(ps, m->key);
}

static struct member *
new_member(struct parse *ps)
{
	if (ps->nm == ps->mcap) {
		ps->mcap = ps->mcap ? ps->mcap * 2 : 16;
		ps->m = sl_xrealloc(ps->m, ps->mcap * sizeof(*ps->m));
	}
	memset(&ps->m[ps->nm], 0, sizeof(ps->m[0]));
	return &ps->m[ps->nm++];
}

/* Put the NUL that ends a string in b (sl_buf keeps one after len). */
static void
end_string(struct sl_buf *b)
{
	if (b->cap - b->len >= 2) {
		b->buf[b->len++] = '\0';
		b->buf[b->len] = '\0';
	} else
		sl_buf_addc(b, '\0');
}

/*
 * The string at hand, decoded onto the end of b and NUL-ended; its
 * offset and length, and whether it holds a NUL (only an escape can put
 * one there).  -1 when it is not a valid string.
 */
static int
take_string(struct parse *ps, struct sl_buf *b, size_t *off, size_t *len,
    int *nul)
{
	size_t start = b->len;
	long long raw = sl_jscan_cur_offset(ps->js);

	if (sl_jscan_unquote(ps->js, b) != SL_JS_OK)
		return -1;
	*off = start;
	*len = b->len - start;
	raw = sl_jscan_cur_offset(ps->js) - raw - 2;
	*nul = (size_t)raw != *len &&
	    memchr(b->buf + start, '\0', *len) != NULL;
	end_string(b);
	return 0;
}

/* A key of printable ASCII, without escapes: valid, and as written. */
static int
plain_key(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f ||
		    p[i] == '\\')
			return 0;
	return 1;
}

/*
 * The key of the member at hand, decoded strictly onto b (the scanner's
 * own copy is lenient and cut).  A NUL in a key is refused, as jansson
 * does.
 */
static int
take_key(struct parse *ps, struct sl_buf *b, size_t *off, size_t *len)
{
	const char *p;
	size_t n, start = b->len;

	sl_jscan_key_raw(ps->js, &p, &n);
	if (n >= 2 && plain_key(p + 1, n - 2))
		sl_buf_add(b, p + 1, n - 2);
	else if (sl_json_unquote(p, n, b) < 0 ||
	    memchr(b->buf + start, '\0', b->len - start) != NULL)
		return -1;
	*off = start;
	*len = b->len - start;
	end_string(b);
	return 0;
}

/* A member's key: a known one is only named, any other is kept in strs. */
static int
member_key(struct parse *ps, struct member *m)
{
	const char *p;
	size_t n;

	if (sl_jscan_key_raw(ps->js, &p, &n) && n >= 2 &&
	    (m->id = key_id(p + 1, n - 2)) != K_OTHER) {
		m->klen = n - 2;
		return 0;
	}
	if (take_key(ps, &ps->strs, &m->key, &m->klen) < 0)
		return -1;
	m->id = key_id(str_at(ps, m->key), m->klen);
	return 0;
}

static int
digit(const char *s, const char *end)
{
	return s < end && *s >= '0' && *s <= '9';
}

/* Past a run of digits; NULL when there is none. */
static const char *
digits(const char *s, const char *end)
{
	if (!digit(s, end))
		return NULL;
	while (digit(s, end))
		s++;
	return s;
}

/*
 * A JSON number, p[0, n): an integer (in range: a parser refuses a "too
 * big integer") or a real (refused when it overflows).  -1 when it is
 * not one.
 */
static int
number(struct parse *ps, const char *p, size_t n, struct member *m)
{
	const char *s = p, *end = p + n;
	int real = 0;
	double d;

	if (s < end && *s == '-')
		s++;
	if (digit(s, end) && *s == '0')
		s++;
	else if ((s = digits(s, end)) == NULL)
		return -1;
	if (s < end && *s == '.') {
		if ((s = digits(s + 1, end)) == NULL)
			return -1;
		real = 1;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '+' || *s == '-'))
			s++;
		if ((s = digits(s, end)) == NULL)
			return -1;
		real = 1;
	}
	if (s != end)
		return -1;
	if (!real && n < 19 && *p != '-') {
		/* The common small count or line number: in range. */
		for (m->num = 0, s = p; s < end; s++)
			m->num = m->num * 10 + (*s - '0');
		m->kind = V_INTEGER;
		return 0;
	}
	sl_buf_reset(&ps->scratch);
	sl_buf_add(&ps->scratch, p, n);
	errno = 0;
	if (!real) {
		m->kind = V_INTEGER;
		m->num = strtoll(ps->scratch.buf, NULL, 10);
		return errno == ERANGE ? -1 : 0;
	}
	m->kind = V_REAL;
	d = strtod(ps->scratch.buf, NULL);
	return (d == HUGE_VAL || d == -HUGE_VAL) && errno == ERANGE ? -1 : 0;
}

/* The bytes p[0, n) of a value that is not a string, object or array. */
static int
scalar_bytes(struct parse *ps, const char *p, size_t n, struct member *m)
{
	if (n == 0)
		return -1;
	if (n == 4 && memcmp(p, "true", 4) == 0)
		m->kind = V_TRUE;
	else if (n == 5 && memcmp(p, "false", 5) == 0)
		m->kind = V_FALSE;
	else if (n == 4 && memcmp(p, "null", 4) == 0)
		m->kind = V_NULL;
	else
		return number(ps, p, n, m);
	return 0;
}

/* The scalar at hand. */
static int
scalar(struct parse *ps, struct member *m)
{
	const char *p;
	size_t n;

	if (sl_jscan_raw(ps->js, &p, &n) != SL_JS_OK)
		return -1;
	return scalar_bytes(ps, p, n, m);
}

/*
 * Check the value at hand, which no field reads, as strictly as a JSON
 * parser would (nesting is bounded by the scanner's SL_JSON_DEPTH).
 */
static int
check_value(struct parse *ps)
{
	struct member unused;
	size_t off, len;
	int t = sl_jscan_type(ps->js), rc, nul;

	if (t == '"') {
		sl_buf_reset(&ps->scratch);
		return take_string(ps, &ps->scratch, &off, &len, &nul);
	}
	if (t != '{' && t != '[')
		return scalar(ps, &unused);
	if (sl_jscan_enter(ps->js) != SL_JS_OK)
		return -1;
	while ((rc = sl_jscan_next(ps->js)) == SL_JS_VALUE) {
		if (t == '{') {
			sl_buf_reset(&ps->scratch);
			if (take_key(ps, &ps->scratch, &off, &len) < 0)
				return -1;
		}
		if (check_value(ps) < 0)
			return -1;
	}
	return rc == SL_JS_END ? 0 : -1;
}

/* "redacted": its strings kept, anything else noted (the last one counts). */
static int
redacted_list(struct parse *ps)
{
	size_t off, len;
	int rc, nul;

	ps->nred = 0;
	ps->red_bad = 0;
	if (sl_jscan_enter(ps->js) != SL_JS_OK)
		return -1;
	while ((rc = sl_jscan_next(ps->js)) == SL_JS_VALUE) {
		if (sl_jscan_type(ps->js) != '"') {
			ps->red_bad = 1;
			if (check_value(ps) < 0)
				return -1;
			continue;
		}
		if (take_string(ps, &ps->strs, &off, &len, &nul) < 0)
			return -1;
		if (ps->nred < EXTRA_MAX)
			ps->red[ps->nred++] = off;
	}
	return rc == SL_JS_END ? 0 : -1;
}

static int
member_value(struct parse *ps, struct member *m)
{
	switch (sl_jscan_type(ps->js)) {
	case '"':
		m->kind = V_STRING;
		return take_string(ps, &ps->strs, &m->str, &m->len,
		    &m->nul);
	case '{':
		m->kind = V_OBJECT;
		return check_value(ps);
	case '[':
		m->kind = V_ARRAY;
		return m->id == K_REDACTED ? redacted_list(ps) :
		    check_value(ps);
	default:
		return scalar(ps, m);
	}
}

static int
parse_members(struct parse *ps)
{
	struct member *m;
	int rc;

	if (sl_jscan_enter(ps->js) != SL_JS_OK)
		return -1;
	while ((rc = sl_jscan_next(ps->js)) == SL_JS_VALUE) {
		m = new_member(ps);
		if (member_key(ps, m) < 0 || member_value(ps, m) < 0)
			return -1;
		ps->slot[m->id] = (long)(m - ps->m);
	}
	return rc == SL_JS_END ? 0 : -1;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
parse_reset(struct parse *ps)
{
	int k;

	ps->nm = 0;
	ps->nred = 0;
	ps->red_bad = 0;
	sl_buf_reset(&ps->strs);
	for (k = 0; k < K_KEYS; k++)
		ps->slot[k] = -1;
}

/* ------------------------------------------------------ the flat shape */

/*
 * What sl-parse writes, and so nearly every line read: one flat object
 * of plain keys with strings, numbers and literals.  That shape is read
 * here straight from the bytes, through the same strict string decoder
 * and number rules as the scanner's walk, into the same members.  Any
 * other shape (a nested value, an escaped key, empty, not JSON) gives
 * -1, and parse_line() reads the line again the general way: it decides
 * and it words the message.
 */
static inline const char *
flat_ws(const char *p, const char *end)
{
	/* Between members of what sl-parse writes there is none: one
	 * compare decides. */
	if (p < end && (unsigned char)*p > ' ')
		return p;
	while (p < end && is_space((unsigned char)*p))
		p++;
	return p;
}

/* The key after the quote at p: past its closing quote, or NULL. */
static const char *
flat_key(struct parse *ps, const char *p, const char *end, struct member *m)
{
	const char *s = p;

	while (p < end && *p != '"' && *p != '\\' &&
	    (unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
		p++;
	if (p == end || *p != '"')
		return NULL;
	m->klen = (size_t)(p - s);
	if ((m->id = key_id(s, m->klen)) == K_OTHER) {
		m->key = ps->strs.len;
		sl_buf_add(&ps->strs, s, m->klen);
		end_string(&ps->strs);
	}
	return p + 1;
}

/* The string value whose quote is at p: past it, or NULL. */
static const char *
flat_string(struct parse *ps, const char *p, const char *end,
    struct member *m)
{
	size_t start = ps->strs.len;
	long k;

	k = sl_json_decode_str((const unsigned char *)p + 1,
	    (const unsigned char *)end, &ps->strs);
	if (k < 0)
		return NULL;
	m->kind = V_STRING;
	m->str = start;
	m->len = ps->strs.len - start;
	/* Only an escape can put a NUL there: decoded shorter than raw. */
	m->nul = (size_t)(k - 1) != m->len &&
	    memchr(ps->strs.buf + start, '\0', m->len) != NULL;
	end_string(&ps->strs);
	return p + 1 + k;
}

/* A number or literal at p, up to the first byte neither can hold. */
static const char *
flat_scalar(struct parse *ps, const char *p, const char *end,
    struct member *m)
{
	const char *s = p;

	while (s < end && ((*s >= '0' && *s <= '9') || (*s >= 'a' &&
	    *s <= 'z') || *s == '-' || *s == '+' || *s == '.' || *s == 'E'))
		s++;
	return scalar_bytes(ps, p, (size_t)(s - p), m) < 0 ? NULL : s;
}

static const char *
flat_value(struct parse *ps, const char *p, const char *end,
    struct member *m)
{
	if (*p == '"')
		return flat_string(ps, p, end, m);
	if (*p == '{' || *p == '[')
		return NULL;
	return flat_scalar(ps, p, end, m);
}

/* 0: a flat object, its members in ps; -1: read it the general way. */
static int
parse_flat(struct parse *ps, const char *p, size_t n)
{
	const char *end = p + n;
	struct member *m;

	p = flat_ws(p, end);
	if (p == end || *p != '{')
		return -1;
	p = flat_ws(p + 1, end);
	for (;;) {
		if (p == end || *p != '"')
			return -1;
		m = new_member(ps);
		if ((p = flat_key(ps, p + 1, end, m)) == NULL)
			return -1;
		p = flat_ws(p, end);
		if (p == end || *p != ':')
			return -1;
		p = flat_ws(p + 1, end);
		if (p == end || (p = flat_value(ps, p, end, m)) == NULL)
			return -1;
		ps->slot[m->id] = (long)(m - ps->m);
		p = flat_ws(p, end);
		if (p == end || (*p != ',' && *p != '}'))
			return -1;
		if (*p++ == '}')
			return flat_ws(p, end) == end ? 0 : -1;
		p = flat_ws(p, end);
	}
}

/* ------------------------------------------------------ the general way */

/*
 * Parse one line: 0 an object (its members in ps), 1 a JSON array (valid,
 * but no record), -1 not JSON.  Like a JSON parser: an object or array,
 * white space around it and nothing else (no byte order mark).
 */
static int
parse_line(struct parse *ps, const char *p, size_t n)
{
	size_t i = 0;
	long long end;
	int rc;

	parse_reset(ps);
	if (parse_flat(ps, p, n) == 0)
		return 0;
	parse_reset(ps);
	while (i < n && is_space((unsigned char)p[i]))
		i++;
	if (i == n || (p[i] != '{' && p[i] != '['))
		return -1;
	sl_jscan_mem_reset(ps->js, p, n);
	if (sl_jscan_next(ps->js) != SL_JS_VALUE)
		return -1;
	if (p[i] == '{')
		rc = parse_members(ps);
	else
		rc = check_value(ps) < 0 ? -1 : 1;
	if (rc < 0)
		return -1;
	for (end = sl_jscan_cur_offset(ps->js); (size_t)end < n; end++)
		if (!is_space((unsigned char)p[end]))
			return -1;
	return rc;
}

/* --------------------------------------------------------- conversion */

static const struct member *
get(const struct parse *ps, enum key id)
{
	return ps->slot[id] < 0 ? NULL : &ps->m[ps->slot[id]];
}

/* A string field; a NUL inside ("\u0000") would cut it short: bad. */
static const char *
get_str(const struct parse *ps, enum key id, int *bad)
{
	const struct member *m = get(ps, id);

	if (m == NULL || m->kind == V_NULL)
		return NULL;
	if (m->kind != V_STRING || m->nul) {
		*bad = 1;
		return NULL;
	}
	return str_at(ps, m->str);
}

static int
is_true(const struct parse *ps, enum key id)
{
	const struct member *m = get(ps, id);

	return m != NULL && m->kind == V_TRUE;
}

/*
 * Text is what a terminal showed: no control characters (C0, DEL, C1),
 * so that no tool down the stream writes escape sequences to a terminal.
 * A TAB, harmless, is let through: streams written by hand have them.
 */
static int
has_control(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint64_t w;
	size_t i = 0;

	/* Words of printable ASCII (0x20-0x7e) first: most text is. */
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		if (((w - 0x2020202020202020ULL) | (w + 0x0101010101010101ULL)) &
		    0x8080808080808080ULL)
			break;
	}
	for (; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f ||
		    (p[i] == 0xc2 &&
		    i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return 1;
	return 0;
}

/* A note code: a lowercase identifier (records.md). */
static int
code_ok(const char *s)
{
	const char *p;

	if (*s < 'a' || *s > 'z')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return 1;
}

static size_t
key_hash(const char *k, size_t n)
{
	size_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

/*
 * Link each key's first member to its last: a JSON parser keeps one
 * value per key, the last, in the place where the key first came, and
 * the fields read the same way here.  Members with keys in skip[] are
 * left out (last = -1).
 */
static void
link_keys(struct parse *ps, const enum key *skip, size_t nskip)
{
	struct member *m, *f;
	size_t i, j, h, mask;

	if (ps->tabcap < 2 * ps->nm) {
		for (ps->tabcap = 16; ps->tabcap < 2 * ps->nm; )
			ps->tabcap *= 2;
		free(ps->tab);
		ps->tab = sl_xmalloc(ps->tabcap * sizeof(*ps->tab));
	}
	mask = ps->tabcap - 1;
	for (i = 0; i < ps->tabcap; i++)
		ps->tab[i] = -1;
	for (i = 0; i < ps->nm; i++) {
		m = &ps->m[i];
		m->last = -1;
		for (j = 0; j < nskip && m->id != skip[j]; j++)
			;
		if (j < nskip)
			continue;
		for (h = key_hash(key_at(ps, m), m->klen) & mask;
		    ps->tab[h] >= 0; h = (h + 1) & mask) {
			f = &ps->m[ps->tab[h]];
			if (f->klen == m->klen && memcmp(key_at(ps, f),
			    key_at(ps, m), m->klen) == 0)
				break;
		}
		if (ps->tab[h] >= 0)
			ps->m[ps->tab[h]].last = (long)i;
		else {
			ps->tab[h] = (long)i;
			m->last = (long)i;
		}
	}
}

/*
 * The string fields of a session or note beyond the common ones, in the
 * order of their keys: the session's known fields into f[], the rest as
 * extras (numbers from other writers are let go).
 */
static void
string_fields(struct parse *ps, struct conv *c, int session)
{
	static const enum key skip_session[] = {
		K_TYPE, K_SESSION, K_SRC, K_REDACTED
	};
	static const enum key skip_note[] = {
		K_TYPE, K_SESSION, K_SRC, K_REDACTED, K_CODE, K_TEXT
	};
	const struct member *m, *v;
	const char *key;
	size_t i;
	int f;

	if (session)
		link_keys(ps, skip_session, 4);
	else
		link_keys(ps, skip_note, 6);
	for (i = 0; i < ps->nm; i++) {
		m = &ps->m[i];
		if (m->last < 0 || (v = &ps->m[m->last])->kind != V_STRING)
			continue;
		key = key_at(ps, m);
		if (session && (f = sl_field_lookup(key)) >= 0)
			c->r.f[f] = str_at(ps, v->str);
		else if (c->r.nextra < EXTRA_MAX) {
			c->extra[c->r.nextra].key = key;
			c->extra[c->r.nextra].val = str_at(ps, v->str);
			c->r.nextra++;
		}
	}
	c->r.extra = c->extra;
}

static const char *
conv_line(const struct parse *ps, struct conv *c)
{
	const struct member *v;
	const char *prompt, *cmd;
	int bad = 0;

	v = get(ps, K_N);
	if (v == NULL || v->kind != V_INTEGER || v->num < 1)
		return "\"n\" must be a positive integer";
	c->r.n = v->num;
	if ((v = get(ps, K_TEXT)) == NULL || v->kind != V_STRING)
		return "\"text\" must be a string";
	c->r.text = str_at(ps, v->str);
	c->r.len = v->len;
	if (has_control(c->r.text, c->r.len))
		return "\"text\" holds control characters";
	c->r.time = get_str(ps, K_TIME, &bad);
	prompt = get_str(ps, K_PROMPT, &bad);
	cmd = get_str(ps, K_CMD, &bad);
	c->r.expanded = get_str(ps, K_EXPANDED, &bad);
	if (bad)
		return "\"time\", \"prompt\", \"cmd\" and \"expanded\" "
		    "must be strings";
	if (c->r.expanded != NULL && has_control(c->r.expanded,
	    strlen(c->r.expanded)))
		return "\"expanded\" holds control characters";
	if ((prompt == NULL) != (cmd == NULL))
		return "\"prompt\" and \"cmd\" come together";
	if (prompt != NULL) {
		size_t pl = strlen(prompt);

		/* prompt + cmd == text, by contract. */
		if (pl > c->r.len || memcmp(c->r.text, prompt, pl) != 0 ||
		    strcmp(c->r.text + pl, cmd) != 0)
			return "\"prompt\" + \"cmd\" differ from \"text\"";
		c->r.has_prompt = 1;
		c->r.prompt_len = pl;
	}
	c->r.cont = is_true(ps, K_CONT);
	/* Only a prompt line has a command that did not run. */
	c->r.cancelled = c->r.has_prompt && is_true(ps, K_CANCELLED);
	c->r.redrawn = c->r.has_prompt && is_true(ps, K_REDRAWN);
	c->r.uncertain = c->r.has_prompt && is_true(ps, K_UNCERTAIN);
	if (!c->r.has_prompt)
		c->r.expanded = NULL;
	return NULL;
}

static const char *
conv_note(struct parse *ps, struct conv *c)
{
	const struct member *v;
	const char *text;
	int bad = 0;

	c->r.code = get_str(ps, K_CODE, &bad);
	text = get_str(ps, K_TEXT, &bad);
	if (bad || c->r.code == NULL)
		return "a note needs string \"code\" and \"text\"";
	if (!code_ok(c->r.code))
		return "\"code\" must be a lowercase identifier";
	c->r.text = text != NULL ? text : "";
	c->r.len = strlen(c->r.text);
	if (has_control(c->r.text, c->r.len))
		return "\"text\" holds control characters";
	if ((v = get(ps, K_COUNT)) != NULL) {
		if (v->kind != V_INTEGER || v->num < 0)
			return "\"count\" must be a whole number";
		c->r.count = v->num;
	}
	string_fields(ps, c, 0);
	return NULL;
}

/* The fields every record has: session, src, redacted. */
static const char *
conv_common(const struct parse *ps, struct conv *c)
{
	const struct member *v;
	size_t i;
	int bad = 0;

	c->r.session = get_str(ps, K_SESSION, &bad);
	c->r.src = get_str(ps, K_SRC, &bad);
	if (bad)
		return "\"session\" and \"src\" must be strings without NUL";
	if (c->r.session != NULL && *c->r.session == '\0')
		c->r.session = NULL;	/* unknown: null, never "" */
	if (c->r.src != NULL && *c->r.src == '\0')
		c->r.src = NULL;	/* the caller puts the line's place */
	if ((v = get(ps, K_REDACTED)) != NULL) {
		if (v->kind != V_ARRAY)
			return "\"redacted\" must be an array";
		if (ps->red_bad)
			return "\"redacted\" must hold strings";
		for (i = 0; i < ps->nred; i++)
			c->redacted[i] = str_at(ps, ps->red[i]);
		c->r.nredacted = ps->nred;
		c->r.redacted = c->redacted;
	}
	return NULL;
}

/*
 * Turn a parsed object into a record; NULL and a reason when it is not.
 * A record without src gets none here (NULL): the caller puts its place.
 */
static const char *
convert(struct parse *ps, struct conv *c)
{
	const char *type, *why;
	int bad = 0;

	type = get_str(ps, K_TYPE, &bad);
	if (type == NULL)
		return "no \"type\"";
	memset(&c->r, 0, sizeof(c->r));
	c->r.count = -1;
	if (strcmp(type, "session") == 0)
		c->r.type = SL_SESSION;
	else if (strcmp(type, "line") == 0)
		c->r.type = SL_LINE;
	else if (strcmp(type, "note") == 0)
		c->r.type = SL_NOTE;
	else
		return "unknown record type";
	if ((why = conv_common(ps, c)) != NULL)
		return why;
	switch (c->r.type) {
	case SL_LINE:
		return conv_line(ps, c);
	case SL_SESSION:
		string_fields(ps, c, 1);
		return NULL;
	case SL_NOTE:
		return conv_note(ps, c);
	case SL_RAW:
		break;
	}
	return NULL;
}

/* ------------------------------------------------------------ reading */

static int
rec_probe(const unsigned char *p, size_t n, const char *name)
{
	const char *s = (const char *)p, *nl, *type;
	const struct member *t;
	struct parse ps;
	int bid = 0;

	SL_UNUSED(name);
	while (n > 0 && is_space((unsigned char)*s)) {
		s++;
		n--;
	}
	if (n == 0 || *s != '{')
		return 0;
	nl = memchr(s, '\n', n);
	if (nl == NULL)
		return 0;
	parse_init(&ps);
	if (parse_line(&ps, s, (size_t)(nl - s)) == 0 &&
	    get(&ps, K_SESSION) != NULL &&
	    (t = get(&ps, K_TYPE)) != NULL && t->kind == V_STRING) {
		type = str_at(&ps, t->str);
		if (strcmp(type, "session") == 0 || strcmp(type, "line") == 0 ||
		    strcmp(type, "note") == 0)
			bid = 90;
	}
	parse_free(&ps);
	return bid;
}

/* One input's reading state, kept from record to record. */
struct recin {
	struct sl_reader *rd;
	struct parse ps;
	struct conv c;
	struct sl_buf line;	/* a record that came in pieces */
	struct sl_buf where;	/* "path:line" of the record at hand */
};

static const char *
where(struct recin *ri)
{
	sl_buf_reset(&ri->where);
	sl_buf_printf(&ri->where, "%s:%lld", ri->rd->name,
	    sl_in_lineno(ri->rd->in));
	return ri->where.buf;
}

/*
 * A line that is not JSON: jansson, which read records before, says why
 * (the messages stay the same).  Where it takes the line (nesting deeper
 * than the scanner's limit), the scanner says why.
 */
static int
reject_json(struct recin *ri, const char *p, size_t n)
{
	json_error_t err;
	json_t *o;

	o = json_loadb(p, n, JSON_ALLOW_NUL, &err);
	if (o == NULL)
		return sl_reject(ri->rd, NULL, where(ri),
		    "invalid JSON at column %d: %s", err.column, err.text);
	json_decref(o);
	return sl_reject(ri->rd, NULL, where(ri),
	    "invalid JSON at column %lld: %s",
	    sl_jscan_err_offset(ri->ps.js) + 1,
	    sl_jscan_errkind(ri->ps.js) != SL_JSE_NONE ?
	    sl_jscan_error(ri->ps.js) : "not a value this reader takes");
}

/* One whole line: a record emitted, a blank skipped, or a rejection. */
static int
one_record(struct recin *ri, const char *p, size_t n)
{
	struct sl_reader *rd = ri->rd;
	const char *why;
	int rc;

	sl_count_units(rd, 1);
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r' ||
	    p[n - 1] == ' '))
		n--;
	if (n == 0) {
		sl_count_skipped(rd, 1);	/* blank lines are no records */
		return SL_OK;
	}
	rc = parse_line(&ri->ps, p, n);
	if (rc < 0)
		return reject_json(ri, p, n);
	why = rc > 0 ? "not a JSON object" : convert(&ri->ps, &ri->c);
	if (why != NULL)
		return sl_reject(rd, NULL, where(ri), "rejected record: %s",
		    why);
	if (ri->c.r.src == NULL)
		ri->c.r.src = where(ri);
	sl_count_written(rd, 1);
	return sl_emit(rd, &ri->c.r);
}

static int
rec_read(struct sl_reader *rd)
{
	struct recin ri;
	const char *p;
	size_t n;
	int more, rc, st, status = SL_OK, toolong = 0;

	memset(&ri, 0, sizeof(ri));
	ri.rd = rd;
	parse_init(&ri.ps);
	sl_buf_init(&ri.line);
	sl_buf_init(&ri.where);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		/* Gather one record; pieces only for very long ones. */
		if (more || ri.line.len > 0 || toolong) {
			if (toolong || ri.line.len + n > SL_EVENT_MAX)
				toolong = 1;
			else
				sl_buf_add(&ri.line, p, n);
			if (more)
				continue;
			p = ri.line.buf;
			n = ri.line.len;
		}
		if (toolong) {
			sl_count_units(rd, 1);
			st = sl_reject(rd, NULL, where(&ri), "record longer "
			    "than %d bytes", SL_EVENT_MAX);
		} else
			st = one_record(&ri, p, n);
		if (st != SL_OK)
			status = st;
		sl_buf_reset(&ri.line);
		toolong = 0;
		if (status == SL_STOP)
			break;
	}
	parse_free(&ri.ps);
	sl_buf_free(&ri.line);
	sl_buf_free(&ri.where);
	if (status == SL_STOP)
		return SL_STOP;
	return rc < 0 ? SL_REJECT : status;
}

const struct sl_format sl_format_records = {
	"records",
	"the record stream of sl-parse (JSON Lines)",
	rec_probe,
	rec_read,
	SL_SHAPE_RECORDS,
};
