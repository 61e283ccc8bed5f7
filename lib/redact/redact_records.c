/*
 * redact_records.c: a record stream in, a record stream out.  The
 * records format reader (formats/readers/records.c) reads it, so a line that is
 * not a record is rejected there, with a "rejected" note and exit 1; it
 * is never passed through.  Line records go through the context of their
 * session (a private key over several lines, a typed password); the
 * text changes and prompt + cmd == text still holds.  Every other string
 * field (session fields and extras, note text and extras) is redacted on
 * its own.  A record that changed gets "redacted": [kinds], added to any
 * it had.  "session", "src" and "time" are left alone: they are ids and
 * positions, and the tools join on them.
 *
 * One raw line can render as several rows, so several line records with
 * the same "path:line" src: an escape sequence that moves the cursor
 * (ESC[1E) can cut `AKIAUJZD` from `GXDNCF32EPF`.  Raw mode sees the
 * line whole; so does this file: consecutive rows of one raw line are
 * held, and when their texts joined hold a secret they go through the
 * engine as that one line.  A sequence can also swallow the letter after
 * it as its final byte (ESC[1 + E): so the rows are also tried joined by
 * a stand-in letter.  A marker goes to the row where its secret starts
 * and takes the rest of the secret from the rows after it, which keep
 * their place (and their n) even when nothing is left of them.
 */
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

#define FIELDS_MAX	(SL_F_COUNT + 40)
#define KINDS_MAX	64
#define ROWS_MAX	64	/* rows of one raw line matched together */

/*
 * A line record kept while its queue holds it; or, with rows, the rows
 * of one raw line that go through the queue as one line.
 */
struct held {
	struct sl_record r;
	int heap;
	char *strs[4];
	char **red;
	size_t nred;
	size_t lead;		/* a row's blanks left out of the join */
	struct held **rows;	/* NULL, or nrows rows... */
	size_t *start;		/* ...row i starts at text[start[i]], a
				   stand-in letter may follow it */
	size_t nrows;
};

/* A line record waiting for the next: is that a row of the same line? */
struct pending {
	struct sl_record r;
	struct sl_buf all;	/* its strings, each NUL-terminated */
	const char *redp[KINDS_MAX];
	long long lineno;
	size_t lead;		/* blanks left out of the join */
};

struct recs {
	struct rx_input *in;
	struct rx_ctx none;	/* lines of no known session */
	struct sl_buf json;
	struct sl_buf text;
	struct sl_buf expanded;
	struct sl_buf field[FIELDS_MAX];
	struct held now;
	struct pending pend[ROWS_MAX];
	size_t npend;
	struct sl_buf joined;	/* the pending rows' texts, end to end */
	struct sl_buf row;	/* a row given back its blanks */
	struct sl_buf scratch;
};

static struct rx_ctx *
ctx_for(struct recs *st, const char *sid)
{
	return sid != NULL ? rx_session(&st->in->sessions, sid) : &st->none;
}

static char *
dup(const char *s)
{
	return s != NULL ? sl_xstrdup(s) : NULL;
}

static struct held *
keep(const struct sl_record *r)
{
	struct held *h = sl_xcalloc(1, sizeof(*h));
	size_t i;

	h->heap = 1;
	h->r = *r;
	h->r.session = h->strs[0] = dup(r->session);
	h->r.src = h->strs[1] = dup(r->src);
	h->r.time = h->strs[2] = dup(r->time);
	h->r.expanded = h->strs[3] = dup(r->expanded);
	h->r.spans = NULL;
	h->r.nspans = 0;
	if (r->nredacted > 0) {
		h->red = sl_xmalloc(r->nredacted * sizeof(char *));
		for (i = 0; i < r->nredacted; i++)
			h->red[i] = sl_xstrdup(r->redacted[i]);
		h->nred = r->nredacted;
		h->r.redacted = (const char *const *)h->red;
	}
	return h;
}

static void
held_free(struct held *h)
{
	size_t i;

	if (!h->heap)
		return;
	for (i = 0; i < 4; i++)
		free(h->strs[i]);
	for (i = 0; i < h->nred; i++)
		free(h->red[i]);
	for (i = 0; i < h->nrows; i++)
		held_free(h->rows[i]);
	free(h->rows);
	free(h->start);
	free(h->red);
	free(h);
}

/* The record's kinds and the new ones, each once. */
static size_t
kinds(const struct sl_redact *rx, const struct sl_record *r, const int *kids,
    size_t nk, const char **out)
{
	size_t n = 0, i, k;

	for (i = 0; i < r->nredacted && n < KINDS_MAX; i++)
		out[n++] = r->redacted[i];
	for (i = 0; i < nk && n < KINDS_MAX; i++) {
		const char *name = rx->rules.kinds[kids[i]];

		for (k = 0; k < n; k++)
			if (strcmp(out[k], name) == 0)
				break;
		if (k == n)
			out[n++] = name;
	}
	return n;
}

static int
write_record(struct recs *st, const struct sl_record *r)
{
	sl_buf_reset(&st->json);
	sl_record_to_json(&st->json, r);
	return rx_write(&st->in->w, st->json.buf, st->json.len);
}

/*
 * Where the prompt ends in the redacted text, so that prompt + cmd ==
 * text still holds.  A marker across the boundary goes to the command.
 */
static size_t
new_prompt_len(const struct sl_record *r, const struct rx_done *d)
{
	size_t i, plen = r->prompt_len, shift = 0;

	for (i = 0; i < d->nedits; i++) {
		const struct rx_edit *e = &d->edits[i];

		if (e->off >= plen)
			break;
		if (e->off + e->len > plen)
			return e->off + shift;
		shift += e->replen;
		shift -= e->len;
	}
	return plen + shift;
}

/*
 * A command's history expansion is a command line of its own: redacted
 * on its own.  Returns the kinds found, after the line's in kids.
 */
static size_t
redact_expanded(struct recs *st, struct sl_record *r, int *kids, size_t nk)
{
	static const char kc[] = "\"expanded\": \"";

	if (r->expanded == NULL)
		return nk;
	sl_buf_reset(&st->expanded);
	rx_redact_string(st->in->rx, st->in->fs, sl_in_lineno(st->in->in),
	    r->expanded, strlen(r->expanded), 1, kc, sizeof(kc) - 1,
	    &st->expanded, kids, &nk, KINDS_MAX);
	r->expanded = st->expanded.buf;
	return nk;
}

/* Line record h->r with the text and edits of d, written out. */
static int
emit_line(struct recs *st, const struct held *h, const struct rx_done *d)
{
	struct sl_record r;
	const char *names[KINDS_MAX];
	int kids[KINDS_MAX];
	size_t i, at = 0, nk;

	r = h->r;
	nk = SL_MIN(d->nkids, (size_t)KINDS_MAX);
	if (nk > 0)
		memcpy(kids, d->kids, nk * sizeof(*kids));
	nk = redact_expanded(st, &r, kids, nk);
	if (nk > d->nkids && d->nedits == 0) {
		r.text = d->p;
		r.len = d->n;
		r.nredacted = kinds(st->in->rx, &h->r, kids, nk, names);
		r.redacted = names;
	} else if (d->nedits > 0) {
		sl_buf_reset(&st->text);
		for (i = 0; i < d->nedits; i++) {
			const struct rx_edit *e = &d->edits[i];

			sl_buf_add(&st->text, d->p + at, e->off - at);
			sl_buf_add(&st->text, e->rep, e->replen);
			at = e->off + e->len;
		}
		sl_buf_add(&st->text, d->p + at, d->n - at);
		r.text = st->text.buf;
		r.len = st->text.len;
		r.prompt_len = new_prompt_len(&h->r, d);
		r.nredacted = kinds(st->in->rx, &h->r, kids, nk, names);
		r.redacted = names;
	} else {
		r.text = d->p;
		r.len = d->n;
	}
	return write_record(st, &r);
}

/*
 * The edits of d that start on row [a, b) of the joined text or on the
 * stand-in up to nb, made relative to the row, into ed; *eaten: where
 * the secret of an earlier row's marker ends (its rest is cut from this
 * row).  The row's kinds into kids.  Returns the number of edits.
 */
static size_t
row_edits(const struct sl_redact *rx, const struct rx_done *d, size_t a,
    size_t b, size_t nb, size_t *eaten, int *eatrule, struct rx_edit *ed,
    int *kids, size_t *nk)
{
	size_t i, n = 0, k;

	*nk = 0;
	for (i = 0; i <= d->nedits && n < ROWS_MAX; i++) {
		struct rx_edit e;

		if (i == 0 && *eaten > a) {
			e.off = a;	/* the rest of a secret cut before */
			e.len = SL_MIN(*eaten, b) - a;
			e.rep = "";
			e.replen = 0;
			e.rule = *eatrule;
		} else if (i > 0 && d->edits[i - 1].off >= a &&
		    d->edits[i - 1].off < nb) {
			e = d->edits[i - 1];
			*eaten = e.off + e.len;
			*eatrule = e.rule;
			e.off = SL_MIN(e.off, b);
			e.len = SL_MIN(*eaten, b) - e.off;
		} else
			continue;
		e.off -= a;
		ed[n++] = e;
		for (k = 0; k < *nk; k++)
			if (kids[k] == rx->rules.v[e.rule].kid)
				break;
		if (k == *nk && *nk < KINDS_MAX)
			kids[(*nk)++] = rx->rules.v[e.rule].kid;
	}
	return n;
}

/*
 * Row h's text: its part p of the joined text, after the blanks the join
 * left out (the edits move past them).
 */
static const char *
row_text(struct recs *st, const struct held *h, const char *p,
    struct rx_edit *ed, size_t ned)
{
	size_t i;

	if (h->lead == 0)
		return p;
	for (i = 0; i < ned; i++)
		ed[i].off += h->lead;
	sl_buf_reset(&st->row);
	sl_buf_add(&st->row, h->r.text, h->lead);
	sl_buf_add(&st->row, p, h->r.len - h->lead);
	return st->row.buf;
}

/*
 * The rest of a secret cut from the end of a row takes the blanks before
 * it too: a line's text never ends in white space (sl-records(5)).
 */
static void
no_trailing_blanks(const char *p, size_t n, struct rx_edit *ed, size_t ned)
{
	struct rx_edit *e = ned > 0 ? &ed[ned - 1] : NULL;

	if (e == NULL || e->replen != 0 || e->off + e->len != n)
		return;
	while (e->off > 0 && (p[e->off - 1] == ' ' || p[e->off - 1] == '\t') &&
	    (ned < 2 || ed[ned - 2].off + ed[ned - 2].len < e->off)) {
		e->off--;
		e->len++;
	}
}

/* The rows of one raw line, redacted as that line, each written. */
static int
emit_rows(struct recs *st, const struct held *g, const struct rx_done *d)
{
	struct rx_edit ed[ROWS_MAX];
	int kids[KINDS_MAX], eatrule = 0;
	size_t i, eaten = 0, nk;
	struct rx_done rd;

	for (i = 0; i < g->nrows; i++) {
		const struct held *h = g->rows[i];

		memset(&rd, 0, sizeof(rd));
		rd.line = 1;
		rd.n = h->r.len;
		rd.e = "";
		rd.edits = ed;
		rd.nedits = row_edits(st->in->rx, d, g->start[i],
		    g->start[i] + rd.n - h->lead, g->start[i + 1], &eaten,
		    &eatrule, ed, kids, &nk);
		rd.p = row_text(st, h, d->p + g->start[i], ed, rd.nedits);
		no_trailing_blanks(rd.p, rd.n, ed, rd.nedits);
		rd.kids = kids;
		rd.nkids = nk;
		if (emit_line(st, g->rows[i], &rd) == SL_STOP)
			return SL_STOP;
	}
	return SL_OK;
}

static int
release(void *arg, const struct rx_done *d)
{
	struct recs *st = arg;
	struct held *h = d->tag;
	int rc;

	if (!d->line)
		return rx_write(&st->in->w, d->p, d->n);
	rc = h->rows != NULL ? emit_rows(st, h, d) : emit_line(st, h, d);
	held_free(h);
	return rc;
}

static const char *
field(struct recs *st, size_t *used, const char *key, const char *v,
    int *kids, size_t *nk)
{
	struct sl_buf *b, kc;

	if (v == NULL || *used >= FIELDS_MAX)
		return v;
	b = &st->field[(*used)++];
	sl_buf_init(&kc);
	sl_buf_addc(&kc, '"');
	sl_buf_adds(&kc, key);
	sl_buf_add(&kc, "\": \"", 4);
	rx_redact_string(st->in->rx, st->in->fs, sl_in_lineno(st->in->in), v,
	    strlen(v), 1, kc.buf, kc.len, b, kids, nk, KINDS_MAX);
	sl_buf_free(&kc);
	return b->buf;
}

/* One line record through its session's queue. */
static int
queue_line(struct recs *st, const struct sl_record *r, long long lineno)
{
	struct rx_input *in = st->in;
	struct rx_ctx *ctx = ctx_for(st, r->session);
	struct held *h;

	if (rx_queue_busy(&in->q, ctx))
		h = keep(r);
	else {
		h = &st->now;
		h->r = *r;
	}
	rx_queue_line(&in->q, ctx, r->text, r->len, "", 0, 1, NULL, 0,
	    lineno, h);
	return in->q.status == SL_STOP ? SL_STOP : SL_OK;
}

/* The rows pending, joined by sep (0: none), as one line of their session. */
static int
queue_rows(struct recs *st, int sep)
{
	struct held *g = sl_xcalloc(1, sizeof(*g));
	size_t i;

	g->heap = 1;
	g->nrows = st->npend;
	g->rows = sl_xmalloc(g->nrows * sizeof(*g->rows));
	g->start = sl_xmalloc((g->nrows + 1) * sizeof(*g->start));
	g->start[0] = 0;
	for (i = 0; i < g->nrows; i++) {
		g->rows[i] = keep(&st->pend[i].r);
		g->rows[i]->lead = st->pend[i].lead;
		g->start[i + 1] = g->start[i] + st->pend[i].r.len -
		    st->pend[i].lead + (sep != 0);
	}
	g->r = g->rows[0]->r;	/* its own copies: the pending ones go */
	rx_queue_line(&st->in->q, ctx_for(st, g->r.session), st->joined.buf,
	    st->joined.len, "", 0, 1, NULL, 0, st->pend[0].lineno, g);
	return st->in->q.status == SL_STOP ? SL_STOP : SL_OK;
}

static int
word_char(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* Does a row end and the next start inside a word (a letter lost)? */
static int
cut_in_word(const struct recs *st)
{
	size_t i;

	for (i = 0; i + 1 < st->npend; i++) {
		const struct sl_record *a = &st->pend[i].r;
		const struct sl_record *b = &st->pend[i + 1].r;

		if (a->len > 0 && b->len > 0 && word_char(a->text[a->len - 1]) &&
		    word_char(b->text[0]))
			return 1;
	}
	return 0;
}

/*
 * Join the pending rows into st->joined: by sep (0: none), and with
 * strip, rows after the first without their leading blanks (a cursor
 * moved down keeps its column).  Does the join hold a secret?
 */
static int
join_rows(struct recs *st, int sep, int strip)
{
	int kids[KINDS_MAX];
	size_t i, nk = 0;

	sl_buf_reset(&st->joined);
	for (i = 0; i < st->npend; i++) {
		struct pending *p = &st->pend[i];

		p->lead = 0;
		while (strip && i > 0 && p->lead < p->r.len &&
		    p->r.text[p->lead] == ' ')
			p->lead++;
		if (i > 0 && sep != 0)
			sl_buf_addc(&st->joined, sep);
		sl_buf_add(&st->joined, p->r.text + p->lead,
		    p->r.len - p->lead);
	}
	return rx_redact_string(st->in->rx, NULL, 0, st->joined.buf,
	    st->joined.len, 1, NULL, 0, &st->scratch, kids, &nk,
	    KINDS_MAX) > 0;
}

/* Does a row after the first start with a blank? */
static int
indented(const struct recs *st)
{
	size_t i;

	for (i = 1; i < st->npend; i++)
		if (st->pend[i].r.len > 0 && st->pend[i].r.text[0] == ' ')
			return 1;
	return 0;
}

/*
 * The pending rows go on: one by one, unless their texts joined hold a
 * secret (one that only the join shows, or one a row has anyway: the
 * join then carries it the same way).
 */
static int
flush_rows(struct recs *st)
{
	/* No stand-in first: a letter the rows kept is not doubled. */
	static const char seps[] = { 0, 'A', 'a', '0' };
	size_t i, k, n = st->npend;
	size_t tries = cut_in_word(st) ? sizeof(seps) : 1;
	int rc = SL_OK;

	/*
	 * Rows indented by a cursor move are tried glued first: spaces
	 * only keep pieces apart, so the glued join finds what the plain
	 * one does and what it cuts.
	 */
	if (n > 1 && indented(st) && join_rows(st, 0, 1)) {
		rc = queue_rows(st, 0);
		st->npend = 0;
		return rc;
	}
	for (k = 0; n > 1 && k < tries; k++) {
		if (join_rows(st, seps[k], 0)) {
			rc = queue_rows(st, seps[k]);
			st->npend = 0;
			return rc;
		}
	}
	st->npend = 0;
	for (i = 0; i < n && rc != SL_STOP; i++)
		rc = queue_line(st, &st->pend[i].r, st->pend[i].lineno);
	return rc;
}

/* Append s and its NUL to b; its offset, or -1 for NULL. */
static long
pend_add(struct sl_buf *b, const char *s, size_t n)
{
	long at = (long)b->len;

	if (s == NULL)
		return -1;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len++] = '\0';
	return at;
}

static const char *
pend_at(const struct sl_buf *b, long at)
{
	return at < 0 ? NULL : b->buf + at;
}

/*
 * Keep a copy of line record r, valid until the rows are flushed: its
 * strings in one buffer, made large enough once.
 */
static void
pend_keep(struct pending *p, const struct sl_record *r, long long lineno)
{
	const char *s[4] = { r->session, r->src, r->time, r->expanded };
	size_t len[4], i, total = r->len + 5;
	long at[5];

	for (i = 0; i < 4; i++)
		total += len[i] = s[i] != NULL ? strlen(s[i]) : 0;
	for (i = 0; i < r->nredacted && i < KINDS_MAX; i++)
		total += strlen(r->redacted[i]) + 1;
	sl_buf_reset(&p->all);
	sl_buf_reserve(&p->all, total);
	for (i = 0; i < 4; i++)
		at[i] = pend_add(&p->all, s[i], len[i]);
	at[4] = pend_add(&p->all, r->text != NULL ? r->text : "", r->len);
	p->r = *r;
	p->lineno = lineno;
	p->r.session = pend_at(&p->all, at[0]);
	p->r.src = pend_at(&p->all, at[1]);
	p->r.time = pend_at(&p->all, at[2]);
	p->r.expanded = pend_at(&p->all, at[3]);
	p->r.text = pend_at(&p->all, at[4]);
	p->r.spans = NULL;
	p->r.nspans = 0;
	p->r.nredacted = SL_MIN(r->nredacted, (size_t)KINDS_MAX);
	for (i = 0; i < p->r.nredacted; i++)
		p->redp[i] = p->all.buf + pend_add(&p->all, r->redacted[i],
		    strlen(r->redacted[i]));
	p->r.redacted = p->redp;
}

/* "path:line": the raw line a row came from; NULL for "path#N" events. */
static int
row_of_line(const struct sl_record *r)
{
	const char *c;

	if (r->src == NULL || (c = strrchr(r->src, ':')) == NULL ||
	    c[1] == '\0')
		return 0;
	return strspn(c + 1, "0123456789") == strlen(c + 1);
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A line record: held until the next shows whether it is another row. */
static int
put_line(struct recs *st, const struct sl_record *r)
{
	const struct sl_record *last = st->npend > 0 ?
	    &st->pend[st->npend - 1].r : NULL;
	int row = row_of_line(r);

	if (last != NULL && (st->npend == ROWS_MAX || !row ||
	    !same_str(last->src, r->src) ||
	    !same_str(last->session, r->session)) &&
	    flush_rows(st) == SL_STOP)
		return SL_STOP;
	if (!row)
		return queue_line(st, r, sl_in_lineno(st->in->in));
	pend_keep(&st->pend[st->npend++], r, sl_in_lineno(st->in->in));
	return SL_OK;
}

static int
put(void *arg, const struct sl_record *r)
{
	struct recs *st = arg;
	struct rx_input *in = st->in;
	struct sl_record c;
	struct sl_kv extra[FIELDS_MAX];
	const char *names[KINDS_MAX];
	int kids[KINDS_MAX];
	size_t nk = 0, used = 0, i;

	if (r->type == SL_LINE)
		return put_line(st, r);
	if (st->npend > 0 && flush_rows(st) == SL_STOP)
		return SL_STOP;
	c = *r;
	for (i = 0; i < SL_F_COUNT; i++)
		c.f[i] = field(st, &used, sl_field_name(i), r->f[i], kids,
		    &nk);
	if (r->text != NULL) {
		c.text = field(st, &used, "text", r->text, kids, &nk);
		c.len = strlen(c.text);
	}
	for (i = 0; i < r->nextra && i < FIELDS_MAX; i++) {
		extra[i].key = r->extra[i].key;
		extra[i].val = field(st, &used, r->extra[i].key,
		    r->extra[i].val, kids, &nk);
	}
	c.extra = extra;
	c.nextra = SL_MIN(r->nextra, (size_t)FIELDS_MAX);
	if (nk > 0) {
		c.nredacted = kinds(in->rx, r, kids, nk, names);
		c.redacted = names;
	}
	sl_buf_reset(&st->json);
	sl_record_to_json(&st->json, &c);
	rx_queue_inert(&in->q, st->json.buf, st->json.len, NULL);
	return in->q.status == SL_STOP ? SL_STOP : SL_OK;
}

static void
recs_free(struct recs *st)
{
	size_t i;

	rx_ctx_free(&st->none);
	sl_buf_free(&st->json);
	sl_buf_free(&st->text);
	sl_buf_free(&st->expanded);
	for (i = 0; i < FIELDS_MAX; i++)
		sl_buf_free(&st->field[i]);
	for (i = 0; i < ROWS_MAX; i++)
		sl_buf_free(&st->pend[i].all);
	sl_buf_free(&st->joined);
	sl_buf_free(&st->row);
	sl_buf_free(&st->scratch);
	free(st);
}

/*
 * The input through the records reader, under a run of its own whose
 * sink is put(): a line that is no record is rejected there (reported,
 * exit 1), never passed on.
 */
int
rx_records_run(struct rx_input *in)
{
	struct sl_opts opts;
	struct sl_sink sink;
	struct sl_run *run;
	struct recs *st = sl_xcalloc(1, sizeof(*st));
	const unsigned char *p;
	int rc = SL_OK;

	st->in = in;
	/* The queue's owner is this file, not the text/JSON writer. */
	rx_queue_fini(&in->q);
	rx_queue_init(&in->q, in->rx, release, st, in->fs);
	memset(&opts, 0, sizeof(opts));
	sink.put = put;
	sink.arg = st;
	sink.want = 0;
	run = sl_run_new(&opts, &sink, in->rx->err, in->rx->errarg);
	/* Empty in, empty out: not even an "empty" note. */
	if (sl_in_peek(in->in, &p, 1) > 0)
		rc = sl_run_input(run, in->in, sl_format_lookup("records"));
	if (rc == SL_REJECT)
		in->rx->status = SL_REJECT;
	if (in->q.status != SL_STOP && st->npend > 0)
		flush_rows(st);
	if (in->q.status != SL_STOP)
		rx_queue_flush(&in->q);
	if (in->q.status == SL_STOP)
		rc = SL_STOP;
	if (rx_write_flush(&in->w) != SL_OK)
		rc = SL_STOP;
	sl_run_free(run);
	recs_free(st);
	return rc;
}
