/*
 * heap.c: a binary min-heap of slots (small integers naming the caller's
 * runs or cursors), ordered by the caller's compare: the k-way merges of
 * sorted runs (the CloudWatch sorter's index runs, the report's command
 * timeline) differ only in what they compare.
 */
#include <stdlib.h>

#include "base/base.h"

void
sl_heap_init(struct sl_heap *h, size_t cap,
    int (*less)(const void *ctx, size_t a, size_t b), const void *ctx)
{
	h->v = sl_xcalloc(cap > 0 ? cap : 1, sizeof(*h->v));
	h->n = 0;
	h->less = less;
	h->ctx = ctx;
}

void
sl_heap_free(struct sl_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}

static int
less_at(const struct sl_heap *h, size_t i, size_t j)
{
	return h->less(h->ctx, h->v[i], h->v[j]);
}

/* The slot at i may be greater than its children: move it down. */
static void
sift_down(struct sl_heap *h, size_t i)
{
	size_t c, t;

	while ((c = 2 * i + 1) < h->n) {
		if (c + 1 < h->n && less_at(h, c + 1, c))
			c++;
		if (!less_at(h, c, i))
			return;
		t = h->v[i];
		h->v[i] = h->v[c];
		h->v[c] = t;
		i = c;
	}
}

void
sl_heap_build(struct sl_heap *h)
{
	size_t i;

	for (i = h->n / 2; i-- > 0;)
		sift_down(h, i);
}

void
sl_heap_top_moved(struct sl_heap *h)
{
	sift_down(h, 0);
}

void
sl_heap_pop(struct sl_heap *h)
{
	h->v[0] = h->v[--h->n];
	sift_down(h, 0);
}
