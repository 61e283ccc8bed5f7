/*
 * redact_queue.c: the output of one input, in order.  A line normally
 * leaves as soon as it has been analysed, without a copy.  After a
 * no-echo prompt ("[sudo] password for alice:") the next few lines of
 * that session are held: if the shell then says "-bash: hunter2: command
 * not found", hunter2 was the password, typed where it echoes, and the
 * held lines that show it are redacted too.  Everything behind a held
 * line waits with it, so the output keeps the input's order.  At most
 * RX_HOLD_MAX entries wait; then the oldest goes regardless.
 */
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "redact/redact.h"

static void
entry_clear(struct rx_entry *e)
{
	e->line = 0;
	e->ctx = NULL;
	e->tag = NULL;
	e->lineno = 0;
	e->final = 1;
	e->rendered = 0;
	e->log = 0;
	e->width = 0;
	e->complex = 0;
	e->strings = 0;
	e->failed = 0;
	e->failrule = -1;
	e->p = e->e = NULL;
	e->n = e->en = 0;
	e->rh.n = 0;
	e->lh.n = 0;
}

static void
entry_free(struct rx_entry *e)
{
	sl_buf_free(&e->own);
	sl_buf_free(&e->text);
	free(e->rh.v);
	free(e->lh.v);
	memset(e, 0, sizeof(*e));
}

void
rx_queue_init(struct rx_queue *q, struct sl_redact *rx, rx_release_fn fn,
    void *arg, struct rx_fstat *fs)
{
	memset(q, 0, sizeof(*q));
	q->rx = rx;
	q->fn = fn;
	q->arg = arg;
	q->fs = fs;
	q->status = SL_OK;
	sl_buf_init(&q->arena);
	sl_buf_init(&q->work);
	sl_buf_init(&q->work2);
	sl_buf_init(&q->cur.own);
	sl_buf_init(&q->cur.text);
	entry_clear(&q->cur);
}

void
rx_queue_fini(struct rx_queue *q)
{
	size_t i;

	for (i = 0; i < q->cap; i++)
		entry_free(&q->v[i]);
	free(q->v);
	entry_free(&q->cur);
	sl_buf_free(&q->arena);
	sl_buf_free(&q->work);
	sl_buf_free(&q->work2);
	free(q->ed);
	free(q->kids);
	free(q->tmp.v);
	free(q->tmp2.v);
	memset(q, 0, sizeof(*q));
}

int
rx_queue_busy(const struct rx_queue *q, const struct rx_ctx *ctx)
{
	return q->n > 0 || (ctx != NULL && ctx->armed > 0);
}

static int
release(struct rx_queue *q, struct rx_entry *e)
{
	int rc;

	if (q->status == SL_STOP)
		return SL_STOP;
	rc = rx_release_entry(q, e);
	if (rc == SL_STOP)
		q->status = SL_STOP;
	return q->status;
}

/* Let out the head while it is final (or too much is waiting). */
static int
drain(struct rx_queue *q, int all)
{
	struct rx_entry *h;

	while (q->n > 0) {
		h = &q->v[q->head];
		if (!h->final && !all && q->n <= RX_HOLD_MAX)
			break;
		release(q, h);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	if (q->n == 0)
		q->head = 0;
	return q->status;
}

/* Move cur to the tail of the ring, with its own copy of the bytes. */
static void
hold(struct rx_queue *q)
{
	struct rx_entry *slot, tmp;
	size_t i, tail;
	const char *p = q->cur.p, *e = q->cur.e;

	if (q->n == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 16;
		struct rx_entry *v = sl_xcalloc(ncap, sizeof(*v));

		/* Unroll the ring into the new array. */
		for (i = 0; i < q->n; i++)
			v[i] = q->v[(q->head + i) % q->cap];
		for (i = q->n; i < ncap; i++) {
			sl_buf_init(&v[i].own);
			sl_buf_init(&v[i].text);
		}
		free(q->v);
		q->v = v;
		q->cap = ncap;
		q->head = 0;
	}
	tail = (q->head + q->n) % q->cap;
	slot = &q->v[tail];
	/* Swap: cur keeps the slot's buffers for the next line. */
	tmp = *slot;
	*slot = q->cur;
	q->cur = tmp;
	entry_clear(&q->cur);
	sl_buf_reset(&slot->own);
	sl_buf_add(&slot->own, p, slot->n);
	sl_buf_add(&slot->own, e, slot->en);
	slot->p = slot->own.buf;
	slot->e = slot->own.buf + slot->n;
	q->n++;
}

int
rx_queue_line(struct rx_queue *q, struct rx_ctx *ctx, const char *p,
    size_t n, const char *e, size_t en, int rendered, const char *kc,
    size_t kn, long long lineno, void *tag)
{
	struct rx_entry *c = &q->cur;

	if (q->status == SL_STOP)
		return SL_STOP;
	entry_clear(c);
	c->line = 1;
	c->ctx = ctx;
	c->tag = tag;
	c->lineno = lineno;
	c->rendered = rendered == RX_LINE_RENDERED;
	c->log = rendered == RX_LINE_LOG;
	c->p = p != NULL ? p : "";	/* an empty string may have no buffer */
	c->n = n;
	c->e = e != NULL ? e : "";
	c->en = en;
	rx_analyze(q, c, kc, kn);
	if (q->n == 0 && c->final)
		return release(q, c);
	hold(q);
	return drain(q, 0);
}

int
rx_queue_inert(struct rx_queue *q, const void *p, size_t n, void *tag)
{
	struct rx_entry *c = &q->cur;

	if (q->status == SL_STOP)
		return SL_STOP;
	entry_clear(c);
	c->tag = tag;
	c->p = p != NULL ? p : "";
	c->n = n;
	c->e = "";
	if (q->n == 0)
		return release(q, c);
	hold(q);
	return drain(q, 0);
}

int
rx_queue_flush(struct rx_queue *q)
{
	return drain(q, 1);
}

void
rx_ctx_reset(struct rx_queue *q, struct rx_ctx *ctx)
{
	if (ctx->armed > 0)
		rx_close_window(q, ctx);
	ctx->inkey = 0;
	ctx->putty = 0;
	ctx->armed = 0;
	ctx->since = 0;
	ctx->failed = 0;
	ctx->typed[0] = '\0';
	ctx->typed_rare = 0;
	memset(ctx->near, 0, sizeof(ctx->near));
	ctx->width = 0;
}

void
rx_ctx_free(struct rx_ctx *ctx)
{
	free(ctx->session);
	ctx->session = NULL;
}

struct rx_ctx *
rx_session(struct rx_sessions *s, const char *sid)
{
	struct rx_ctx *c;

	/* A session's records mostly come one after another: one strcmp
	 * instead of a hash table's lookup each. */
	if (s->last != NULL && strcmp(s->last->session, sid) == 0)
		return s->last;
	if (s->map == NULL)
		s->map = sl_strmap_new(0);
	if ((c = sl_strmap_get(s->map, sid)) == NULL) {
		c = sl_xcalloc(1, sizeof(*c));
		c->session = sl_xstrdup(sid);
		*sl_strmap_slot(s->map, c->session) = c;  /* the key is c's */
		c->next = s->all;
		s->all = c;
	}
	s->last = c;
	return c;
}

void
rx_sessions_free(struct rx_sessions *s)
{
	struct rx_ctx *c, *next;

	for (c = s->all; c != NULL; c = next) {
		next = c->next;
		rx_ctx_free(c);
		free(c);
	}
	s->all = NULL;
	s->last = NULL;
	sl_strmap_free(s->map);
	s->map = NULL;
}
