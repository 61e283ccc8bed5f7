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
 */
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

#define FIELDS_MAX	(SL_F_COUNT + 40)
#define KINDS_MAX	64

/* A line record kept while its queue holds it. */
struct held {
	struct sl_record r;
	int heap;
	char *strs[4];
	char **red;
	size_t nred;
};

struct recs {
	struct rx_input *in;
	struct rx_ctx none;	/* lines of no known session */
	struct sl_buf json;
	struct sl_buf text;
	struct sl_buf expanded;
	struct sl_buf field[FIELDS_MAX];
	struct held now;
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

static int
release(void *arg, const struct rx_done *d)
{
	struct recs *st = arg;
	struct held *h = d->tag;
	struct sl_record r;
	const char *names[KINDS_MAX];
	int kids[KINDS_MAX];
	size_t i, at = 0, nk;
	int rc;

	if (!d->line)
		return rx_write(&st->in->w, d->p, d->n);
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
	rc = write_record(st, &r);
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
	struct held *h;
	struct rx_ctx *ctx;

	if (r->type == SL_LINE) {
		ctx = ctx_for(st, r->session);
		if (rx_queue_busy(&in->q, ctx))
			h = keep(r);
		else {
			h = &st->now;
			h->r = *r;
		}
		rx_queue_line(&in->q, ctx, r->text, r->len, "", 0, 1, NULL, 0,
		    sl_in_lineno(in->in), h);
		return in->q.status == SL_STOP ? SL_STOP : SL_OK;
	}
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
