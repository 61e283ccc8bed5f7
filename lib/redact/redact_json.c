/*
 * redact_json.c: JSON exports in, the same JSON out but the secrets.
 * CloudWatch get/filter-log-events, subscription payloads, streamed
 * events (JSON Lines), CloudTrail, Insights results, and the JSON half
 * of export lines:
 *
 *	{"events":[{"message":"{\"sessionData\":[\"sh-5.2$ export K=\\u0041KIA...\"]}"}]}
 *
 * Every byte outside strings is copied as it is.  A string is decoded,
 * its text redacted like any log line (rendered: session text holds
 * escape sequences), and only the parts that changed are escaped again,
 * so the rest keeps its original escapes.  A secret written with
 * escapes (`\u0041KIA`) is found in the decoded text and replaced over
 * all the escapes it spans.  A string that holds a JSON document (the
 * message of a streamed event) is redacted as JSON, down RX_JSON_NEST
 * levels.
 *
 * Strings are session text (sessionData, message, value) or metadata.
 * Session text goes through the input's session context, so a private
 * key or a typed password is followed across events; metadata is
 * redacted on its own, with its key in front for matching
 * (`"password": "` + value), so it cannot eat the typed-password window.
 *
 * The tokenizer (lib/json/jsontok.c) is strict: input that is not JSON
 * after all is reported and the rest of it redacted as text, so nothing
 * leaves unredacted.
 */
#include <stdlib.h>
#include <string.h>

#include "base/json_esc.h"
#include "json/jsonscan.h"
#include "redact/redact.h"

/* An edit inside a string written back as read: its bytes unchecked. */
#define INSIDE		(SL_JSON_BYTES | SL_JSON_BARE)

static int
looks_json(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	return i < n && (p[i] == '{' || p[i] == '[') && sl_jtok_valid(p, n);
}

int
rx_json_probe(const unsigned char *p, size_t n)
{
	static const struct sl_jtok_cb none;
	struct sl_jtok t;
	size_t i = 0;

	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		return 0;	/* a BOM: PowerShell, not JSON */
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' ||
	    p[i] == '\n'))
		i++;
	if (i == n || (p[i] != '{' && p[i] != '['))
		return 0;
	sl_jtok_init(&t);
	/* A document cut by the end of the peek is fine; an error is not. */
	return sl_jtok_feed(&t, (const char *)p, n, &none) == n &&
	    t.err == NULL;
}

/* ---------------------------------------------------------------- jobs */

enum { OUT_WRITE, OUT_QUEUE, OUT_PARENT };

/* Where a decoded run starts: u[u, u+ulen) came from esc[e, e+elen). */
struct escpt {
	size_t u, ulen, e, elen;
};

struct jedit {
	size_t off, len;	/* in u */
	size_t rep, replen;	/* in reps */
};

struct rx_job {
	struct rx_input *in;
	struct rx_job *parent;
	int out;
	size_t at;		/* OUT_PARENT: where esc starts in parent u */
	struct sl_buf esc;
	struct sl_buf u;
	struct escpt *pt;
	size_t npt, cappt;
	struct jedit *ed;
	size_t ned, caped;
	struct sl_buf reps;
	size_t cursor;		/* u offset of the next line back */
	long long line;
	int nest;
	int meta;		/* everything inside is metadata */
};

static void
job_free(struct rx_job *j)
{
	sl_buf_free(&j->esc);
	sl_buf_free(&j->u);
	sl_buf_free(&j->reps);
	free(j->pt);
	free(j->ed);
	free(j);
}

static void
add_pt(struct rx_job *j, size_t u, size_t ulen, size_t e, size_t elen)
{
	if (j->npt == j->cappt) {
		j->cappt = j->cappt ? j->cappt * 2 : 16;
		j->pt = sl_xrealloc(j->pt, j->cappt * sizeof(*j->pt));
	}
	j->pt[j->npt].u = u;
	j->pt[j->npt].ulen = ulen;
	j->pt[j->npt].e = e;
	j->pt[j->npt].elen = elen;
	j->npt++;
}

/*
 * The \u escape at s[i]: its UTF-8 in out (the bytes returned), the
 * escape's length in *el (12 for a surrogate pair).  A lone surrogate
 * becomes U+FFFD.
 */
static size_t
decode_u(const char *s, size_t n, size_t i, char out[4], size_t *el)
{
	const unsigned char *u = (const unsigned char *)s + i;
	long cp, lo;

	if (i + 6 > n || (cp = sl_json_hex4(u + 2)) < 0) {
		out[0] = '\\';	/* cannot happen after the tokenizer */
		*el = 1;
		return 1;
	}
	*el = 6;
	if (cp >= 0xd800 && cp <= 0xdbff && i + 12 <= n && u[6] == '\\' &&
	    u[7] == 'u') {
		lo = sl_json_hex4(u + 8);
		if (lo >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			*el = 12;
		}
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;	/* a lone surrogate */
	return sl_utf8_encode((uint32_t)cp, out);
}

/* Decode esc into u, noting where each escape came from. */
static void
decode(struct rx_job *j)
{
	const char *s = j->esc.buf;
	size_t n = j->esc.len, i = 0, run;
	char out[4];
	size_t k, el;
	int c;

	sl_buf_reset(&j->u);
	sl_buf_reserve(&j->u, n);
	while (i < n) {
		for (run = i; run < n && s[run] != '\\'; run++)
			;
		sl_buf_add(&j->u, s + i, run - i);
		i = run;
		if (i >= n)
			break;
		if (i + 1 >= n) {	/* cannot happen after the tokenizer */
			sl_buf_addc(&j->u, '\\');
			i++;
			break;
		}
		el = 2;
		k = 1;
		if (s[i + 1] == 'u')
			k = decode_u(s, n, i, out, &el);
		else if ((c = sl_json_unescape((unsigned char)s[i + 1])) >= 0)
			out[0] = (char)c;
		else
			out[0] = s[i + 1];	/* cannot happen either */
		add_pt(j, j->u.len, k, i, el);
		sl_buf_add(&j->u, out, k);
		i += el;
	}
}

/* The escape point at or before u offset x, or NULL. */
static const struct escpt *
pt_at(const struct rx_job *j, size_t x)
{
	size_t lo = 0, hi = j->npt;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (j->pt[mid].u <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == 0 ? NULL : &j->pt[lo - 1];
}

/*
 * u[ua, ub) in esc coordinates, widened to whole escapes: [*eo, *ee) of
 * esc, which decodes to u[*us, *ue).
 */
static void
esc_range(const struct rx_job *j, size_t ua, size_t ub, size_t *eo,
    size_t *ee, size_t *us, size_t *ue)
{
	const struct escpt *p = pt_at(j, ua);

	if (p != NULL && ua < p->u + p->ulen) {
		*eo = p->e;
		*us = p->u;
	} else {
		*eo = p != NULL ? p->e + p->elen + (ua - p->u - p->ulen) : ua;
		*us = ua;
	}
	p = pt_at(j, ub - 1);
	if (p != NULL && ub - 1 < p->u + p->ulen) {
		*ee = p->e + p->elen;
		*ue = p->u + p->ulen;
	} else {
		*ee = p != NULL ? p->e + p->elen + (ub - p->u - p->ulen) : ub;
		*ue = ub;
	}
}

static void
job_edit(struct rx_job *j, size_t off, size_t len, const char *rep,
    size_t replen)
{
	if (j->ned == j->caped) {
		j->caped = j->caped ? j->caped * 2 : 8;
		j->ed = sl_xrealloc(j->ed, j->caped * sizeof(*j->ed));
	}
	j->ed[j->ned].off = off;
	j->ed[j->ned].len = len;
	j->ed[j->ned].rep = j->reps.len;
	j->ed[j->ned].replen = replen;
	sl_buf_add(&j->reps, rep, replen);
	j->ned++;
}

static int
jedit_cmp(const void *a, const void *b)
{
	const struct jedit *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* All of the job's lines are back: write the string, or hand it up. */
static int
job_finish(struct rx_job *j)
{
	struct rx_input *in = j->in;
	struct sl_buf out, piece;
	size_t i, at = 0, eo, ee, us, ue;
	int rc = SL_OK;

	if (j->ned == 0) {
		if (j->out == OUT_WRITE)
			rc = rx_write(&in->w, j->esc.buf, j->esc.len);
		else if (j->out == OUT_QUEUE)
			rc = rx_queue_inert(&in->q, j->esc.buf, j->esc.len,
			    NULL);
		job_free(j);
		return rc;
	}
	qsort(j->ed, j->ned, sizeof(*j->ed), jedit_cmp);
	sl_buf_init(&out);
	sl_buf_init(&piece);
	for (i = 0; i < j->ned; i++) {
		const struct jedit *d = &j->ed[i];

		if (d->len == 0)
			continue;
		esc_range(j, d->off, d->off + d->len, &eo, &ee, &us, &ue);
		if (eo < at)
			eo = at;	/* two edits in one escape: joined */
		sl_buf_reset(&piece);
		sl_json_escape(&piece, j->u.buf + us, d->off > us ?
		    d->off - us : 0, INSIDE);
		sl_json_escape(&piece, j->reps.buf + d->rep, d->replen,
		    INSIDE);
		sl_json_escape(&piece, j->u.buf + d->off + d->len,
		    ue - (d->off + d->len), INSIDE);
		if (j->out == OUT_PARENT) {
			job_edit(j->parent, j->at + eo, ee - eo, piece.buf,
			    piece.len);
			continue;
		}
		sl_buf_add(&out, j->esc.buf + at, eo - at);
		sl_buf_add(&out, piece.buf, piece.len);
		at = ee;
	}
	if (j->out != OUT_PARENT) {
		sl_buf_add(&out, j->esc.buf + at, j->esc.len - at);
		if (j->out == OUT_WRITE)
			rc = rx_write(&in->w, out.buf, out.len);
		else
			rc = rx_queue_inert(&in->q, out.buf, out.len, NULL);
	}
	sl_buf_free(&out);
	sl_buf_free(&piece);
	job_free(j);
	return rc;
}

/* The queue lets a job's line, or its end, go. */
int
rx_json_done(struct rx_input *in, const struct rx_done *d)
{
	struct rx_job *j = d->tag;
	size_t i;

	(void)in;
	if (!d->line)
		return job_finish(j);
	for (i = 0; i < d->nedits; i++)
		job_edit(j, j->cursor + d->edits[i].off, d->edits[i].len,
		    d->edits[i].rep, d->edits[i].replen);
	j->cursor += d->n + d->en;
	return SL_OK;
}

/* ----------------------------------------------------------- strings */

static int
session_key(const char *k)
{
	return *k == '\0' || strcmp(k, "sessionData") == 0 ||
	    strcmp(k, "message") == 0 || strcmp(k, "@message") == 0 ||
	    strcmp(k, "value") == 0;
}

/* Keys whose value names the session that the text near it belongs to. */
static int
session_id_key(const char *k)
{
	return strcmp(k, "sessionId") == 0 || strcmp(k, "logStreamName") == 0 ||
	    strcmp(k, "@logStream") == 0;
}

/*
 * A session id seen: the session text that follows is that session's
 * (an event's logStreamName comes before its message, a message's
 * sessionId before its sessionData).  Ids that are not plain text or
 * too long name no session.
 */
static void
note_session(struct rx_input *in, const char *s, size_t n)
{
	size_t i;

	in->sid[0] = '\0';
	if (n == 0 || n > RX_SID_MAX)
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return;
	memcpy(in->sid, s, n);
	in->sid[n] = '\0';
}

static struct rx_ctx *
session_ctx(struct rx_input *in)
{
	return in->sid[0] != '\0' ? rx_session(&in->sessions, in->sid) :
	    &in->ctx;
}

struct nested {
	struct rx_input *in;
	struct rx_job *parent;
	const char *start;	/* where the string being read starts */
	struct sl_buf esc;
};

static void	process(struct rx_input *, struct rx_job *, size_t,
		    const char *, size_t, int, const char *, long long, int);

static void
nest_start(void *arg, const char *p)
{
	struct nested *ns = arg;

	ns->start = p;
	sl_buf_reset(&ns->esc);
}

static void
nest_bytes(void *arg, const char *p, size_t n)
{
	struct nested *ns = arg;

	sl_buf_add(&ns->esc, p, n);
}

static void
nest_end(void *arg, int role, const char *key)
{
	struct nested *ns = arg;
	struct rx_job *j = ns->parent;

	process(ns->in, j, (size_t)(ns->start - j->u.buf), ns->esc.buf,
	    ns->esc.len, role, key, j->line, j->nest + 1);
}

/*
 * A string that is a gzip'd payload (a Lambda event's "data"): redacted
 * inside, through the dispatcher; it replaces the string when it changed.
 */
static void
string_payload(struct rx_input *in, struct rx_job *j, long long line)
{
	struct sl_buf out, name;

	sl_buf_init(&out);
	sl_buf_init(&name);
	sl_buf_printf(&name, "%s:%lld//base64", in->rx->where, line);
	if (rx_b64_redact(in->rx, name.buf, j->u.buf, j->u.len, &out) != 0) {
		rx_warn(in->rx, line, "base64 payload that cannot be decoded: "
		    "left out");
		sl_buf_reset(&out);
	}
	if (out.len != j->u.len || memcmp(out.buf, j->u.buf, j->u.len) != 0)
		job_edit(j, 0, j->u.len, out.buf != NULL ? out.buf : "",
		    out.len);
	sl_buf_free(&out);
	sl_buf_free(&name);
}

/* A string that holds a JSON document: its strings, each a job of j's. */
static void
string_json(struct rx_input *in, struct rx_job *j)
{
	static const struct sl_jtok_cb none;
	struct sl_jtok_cb cb = none;
	struct nested ns;
	struct sl_jtok t;

	memset(&ns, 0, sizeof(ns));
	ns.in = in;
	ns.parent = j;
	cb.str_start = nest_start;
	cb.str_bytes = nest_bytes;
	cb.str_end = nest_end;
	cb.arg = &ns;
	sl_jtok_init(&t);
	sl_jtok_feed(&t, j->u.buf, j->u.len, &cb);
	sl_buf_free(&ns.esc);
}

/*
 * One string: esc[0, n) between its quotes.  parent NULL: a string of
 * the input itself; else one inside parent's decoded text at `at`.
 */
static void
process(struct rx_input *in, struct rx_job *parent, size_t at,
    const char *esc, size_t n, int role, const char *key, long long line,
    int nest)
{
	struct rx_job *j = sl_xcalloc(1, sizeof(*j));
	struct rx_queue *q;
	struct rx_ctx *ctx;
	struct sl_buf kc;
	size_t off = 0, cn, en, next;
	int meta, first = 1;

	j->in = in;
	j->parent = parent;
	j->at = at;
	j->line = line;
	j->nest = nest;
	sl_buf_add(&j->esc, esc, n);
	decode(j);
	if (role == SL_JTOK_VALUE && session_id_key(key))
		note_session(in, j->u.buf, j->u.len);
	meta = role == SL_JTOK_KEY || !session_key(key) ||
	    (parent != NULL && parent->meta);
	j->meta = meta;
	j->out = parent != NULL ? OUT_PARENT : meta ? OUT_QUEUE : OUT_WRITE;
	/* Session text keeps its place in the session; metadata is alone. */
	q = meta ? &in->mq : &in->q;
	ctx = meta ? &in->mctx : session_ctx(in);
	if (meta)
		rx_ctx_reset(q, ctx);
	sl_buf_init(&kc);
	if (meta && role == SL_JTOK_VALUE && *key != '\0') {
		sl_buf_addc(&kc, '"');
		sl_buf_adds(&kc, key);
		sl_buf_add(&kc, "\": \"", 4);
	}
	if (rx_b64_looks(j->u.buf, j->u.len))
		string_payload(in, j, line);
	else if (nest < RX_JSON_NEST && ctx->cmd_left == 0 &&
	    looks_json(j->u.buf, j->u.len))
		string_json(in, j);
	else {
		while (off < j->u.len) {
			rx_next_line(in->rx, j->u.buf + off, j->u.len - off,
			    &cn, &en, &next);
			rx_queue_line(q, ctx, j->u.buf + off, cn,
			    j->u.buf + off + cn, en, 0,
			    first ? kc.buf : NULL, first ? kc.len : 0, line, j);
			first = 0;
			off += next;
		}
	}
	sl_buf_free(&kc);
	rx_queue_inert(q, NULL, 0, j);	/* the end of the job */
	if (meta) {
		rx_queue_flush(q);
		rx_ctx_reset(q, ctx);
	}
}

/* --------------------------------------------------- a whole input */

struct top {
	struct rx_input *in;
	struct sl_buf esc;
	long long line;		/* where the string started */
	struct sl_jtok *t;
};

static void
top_verbatim(void *arg, const char *p, size_t n)
{
	struct top *tp = arg;

	rx_queue_inert(&tp->in->q, p, n, NULL);
}

static void
top_start(void *arg, const char *p)
{
	struct top *tp = arg;

	(void)p;
	sl_buf_reset(&tp->esc);
	tp->line = tp->t->line;
}

static void
top_bytes(void *arg, const char *p, size_t n)
{
	struct top *tp = arg;

	if (tp->esc.len + n > RX_STRING_MAX) {
		if (tp->esc.len <= RX_STRING_MAX)
			rx_warn(tp->in->rx, tp->line, "JSON string longer "
			    "than %d bytes: left out", RX_STRING_MAX);
		tp->esc.len = RX_STRING_MAX + 1;	/* marks it */
		return;
	}
	sl_buf_add(&tp->esc, p, n);
}

/* A session id holds for the rest of its document only. */
static void
top_doc_end(void *arg)
{
	struct top *tp = arg;

	tp->in->sid[0] = '\0';
}

static void
top_end(void *arg, int role, const char *key)
{
	struct top *tp = arg;

	if (tp->esc.len > RX_STRING_MAX)
		return;		/* fail closed: the string is dropped */
	process(tp->in, NULL, 0, tp->esc.buf, tp->esc.len, role, key,
	    tp->line, 0);
}

static void
top_callbacks(struct sl_jtok_cb *cb, struct top *tp)
{
	static const struct sl_jtok_cb top_cb = { top_verbatim, top_start,
	    top_bytes, top_end, top_doc_end, NULL };

	*cb = top_cb;
	cb->arg = tp;
}

/*
 * Feed the input to t, line by line, until its end or an error: SL_OK or
 * SL_STOP.  Where it stopped being JSON, the rest of that line is given
 * back to l (*unread set).
 */
static int
feed_input(struct rx_input *in, struct rx_lines *l, struct sl_jtok *t,
    const struct sl_jtok_cb *cb, int *unread)
{
	const char *p, *e;
	size_t cn, en, took;
	int rc;

	while ((rc = rx_lines_next(l, &p, &cn, &e, &en)) > 0) {
		took = sl_jtok_feed(t, p, cn + en, cb);
		if (t->err != NULL) {
			rx_lines_unread(l, took);
			*unread = 1;
			return SL_OK;
		}
		if (in->q.status == SL_STOP)
			return SL_STOP;
	}
	return rc < 0 ? SL_STOP : SL_OK;
}

/*
 * Cut inside a string: what there is of it goes out as text, on one line
 * with the rest of the line it was cut on (given back to l when unread).
 * Apart, a token the cut splits (or NULs the screen drops, where the
 * break is a control byte) would be short of its rule in each piece and
 * leave, to be found by the next pass over the output.  SL_OK or SL_STOP.
 */
static int
cut_string(struct rx_input *in, struct rx_lines *l, struct top *tp,
    int unread)
{
	const char *p = "", *e = "";
	size_t cn = 0, en = 0;
	struct sl_buf line;
	int rc;

	if (unread && rx_lines_next(l, &p, &cn, &e, &en) < 0)
		return SL_STOP;
	sl_buf_init(&line);
	sl_buf_add(&line, tp->esc.buf, tp->esc.len);
	sl_buf_add(&line, p, cn);
	rc = rx_queue_line(&in->q, session_ctx(in), line.buf, line.len, e, en,
	    0, NULL, 0, tp->line, NULL);
	sl_buf_free(&line);
	return rc;
}

/*
 * The whole input through the tokenizer, from l.  SL_OK or SL_STOP at
 * its end; RX_AS_TEXT when it stopped being JSON (reported): the caller
 * reads the rest from l as text, so nothing leaves unredacted.
 */
int
rx_json_read(struct rx_input *in, struct rx_lines *l)
{
	struct top tp;
	struct sl_jtok t;
	struct sl_jtok_cb cb;
	int rc, unread = 0;

	sl_jtok_init(&t);
	memset(&tp, 0, sizeof(tp));
	tp.in = in;
	tp.t = &t;
	top_callbacks(&cb, &tp);
	rc = feed_input(in, l, &t, &cb, &unread);
	if (rc != SL_OK || (t.err == NULL && sl_jtok_end(&t) == 0)) {
		sl_buf_free(&tp.esc);
		return rc;
	}
	/* What was read as JSON is not counted again as text. */
	rx_lines_as_text(l, in->rx);
	if (t.instr && tp.esc.len <= RX_STRING_MAX &&
	    cut_string(in, l, &tp, unread) == SL_STOP) {
		sl_buf_free(&tp.esc);
		return SL_STOP;
	}
	/* Cut short: the end is the place, not a line. */
	rx_warn(in->rx, t.err == NULL || strncmp(t.err, "the input ends", 14)
	    != 0 ? t.line : 0, "invalid JSON (%s): the rest is redacted as "
	    "text", t.err);
	sl_buf_free(&tp.esc);
	return RX_AS_TEXT;
}

/* An export line or a JSON line inside a text input. */
int
rx_json_line(struct rx_input *in, const char *p, size_t n, size_t start,
    const char *e, size_t en, long long line)
{
	struct top tp;
	struct sl_jtok t;
	struct sl_jtok_cb cb;

	if (!sl_jtok_valid(p + start, n - start))
		return -1;
	sl_jtok_init(&t);
	t.line = line;
	memset(&tp, 0, sizeof(tp));
	tp.in = in;
	tp.t = &t;
	top_callbacks(&cb, &tp);
	rx_queue_inert(&in->q, p, start, NULL);
	sl_jtok_feed(&t, p + start, n - start, &cb);
	sl_buf_free(&tp.esc);
	rx_queue_inert(&in->q, e, en, NULL);
	return 0;
}
