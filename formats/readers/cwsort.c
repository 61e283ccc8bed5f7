/*
 * cwsort.c: events held to be read back in order (group, time, order
 * added).  Export files and Logs Insights results are not in time order,
 * and a session must be rebuilt in order, so they are sorted -- within
 * memory bounds: the bytes stay in memory up to a cap (CW_SORT_MEM), then
 * all of them go to an unlinked temporary file ($TMPDIR, else /tmp) and
 * are read back with pread().  The index (48 bytes an event) is kept in
 * memory up to an eighth of the cap; past it, each full index is sorted
 * and written to a second file as a run, and reading back merges the
 * runs, a few entries of each in memory at a time: memory stays bounded
 * whatever the number of events (Logs Insights with 200,000 rows).
 */
#include <sys/types.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readers/cwlog.h"

struct item {
	long long group, ms, pos, seq;
	long long off;
	size_t len;
};

/* A sorted run of the index, in the index file, read a window at a time. */
struct run {
	long long off;		/* its next entry not yet read, in bytes */
	size_t left;		/* entries not yet read */
	struct item *win;	/* those read, win[at..have) not yet given */
	size_t at, have;
};

#define MERGE_MEM	(256 << 10)	/* bytes of run windows when merging */
#define WIN_MIN		16		/* entries a window holds at least */

struct cw_sort {
	size_t mem_max;		/* bytes held in memory before the file */
	struct item *v;
	size_t n, cap, next;
	size_t run_max;		/* index entries in memory, past: a run */
	long long seq;		/* events added */
	struct sl_buf mem;	/* the bytes, until they go to the file */
	int fd;			/* -1: none */
	long long fsize;
	int ifd;		/* the index runs; -1: none */
	long long isize;
	struct run *runs;
	size_t nruns;
	struct sl_heap heap;	/* runs with entries left, by their head */
	size_t win;		/* entries a run's window holds */
	int failed;		/* the index file failed: reading fails */
	struct sl_buf out;	/* an event read back */
};

struct cw_sort *
cw_sort_new(size_t mem_max)
{
	struct cw_sort *s = sl_xcalloc(1, sizeof(*s));

	s->mem_max = mem_max;
	s->run_max = mem_max / 8 / sizeof(struct item);
	if (s->run_max < 2)
		s->run_max = 2;
	sl_buf_init(&s->mem);
	sl_buf_init(&s->out);
	s->fd = -1;
	s->ifd = -1;
	return s;
}

static int
cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Sort the index in memory and write it to the index file as a run. */
static int
write_run(struct cw_sort *s)
{
	struct run *r;

	if (s->n == 0)
		return 0;
	if (s->ifd < 0 && (s->ifd = sl_tmpfile(NULL, "sl-sort")) < 0)
		return -1;
	qsort(s->v, s->n, sizeof(*s->v), cmp);
	if (sl_pwrite_all(s->ifd, s->v, s->n * sizeof(*s->v), s->isize) < 0)
		return -1;
	s->runs = sl_xrealloc(s->runs, (s->nruns + 1) * sizeof(*s->runs));
	r = &s->runs[s->nruns++];
	memset(r, 0, sizeof(*r));
	r->off = s->isize;
	r->left = s->n;
	s->isize += (long long)(s->n * sizeof(*s->v));
	s->n = 0;
	return 0;
}

/* Move the bytes held in memory to a temporary file. */
static int
spill(struct cw_sort *s)
{
	int fd = sl_tmpfile(NULL, "sl-sort");

	if (fd < 0)
		return -1;
	if (sl_pwrite_all(fd, s->mem.buf, s->mem.len, 0) < 0) {
		(void)close(fd);
		return -1;
	}
	s->fd = fd;
	s->fsize = (long long)s->mem.len;
	sl_buf_free(&s->mem);
	sl_buf_init(&s->mem);
	return 0;
}

int
cw_sort_add(struct cw_sort *s, long long group, long long ms, long long pos,
    const void *p, size_t n)
{
	struct item *it;

	if (s->fd < 0 && s->mem.len + n > s->mem_max && spill(s) < 0)
		return -1;
	if (s->fd >= 0 && sl_pwrite_all(s->fd, p, n, s->fsize) < 0)
		return -1;
	if (s->n == s->run_max && write_run(s) < 0)
		return -1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		if (s->cap > s->run_max)
			s->cap = s->run_max;
		s->v = sl_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	it = &s->v[s->n];
	it->group = group;
	it->ms = ms;
	it->pos = pos;
	it->seq = s->seq++;
	it->len = n;
	if (s->fd >= 0) {
		it->off = s->fsize;
		s->fsize += (long long)n;
	} else {
		it->off = (long long)s->mem.len;
		sl_buf_add(&s->mem, p, n);
	}
	s->n++;
	return 0;
}

/* Read run r's next window of entries.  -1 on a read error. */
static int
fill(struct cw_sort *s, struct run *r)
{
	size_t want = r->left < s->win ? r->left : s->win;
	size_t bytes = want * sizeof(*r->win);

	if (sl_pread_all(s->ifd, r->win, bytes, r->off) != 0)
		return -1;
	r->off += (long long)bytes;
	r->left -= want;
	r->at = 0;
	r->have = want;
	return 0;
}

/* Runs a and b by their heads, for the merge's heap. */
static int
run_less(const void *ctx, size_t a, size_t b)
{
	const struct cw_sort *s = ctx;
	const struct run *x = &s->runs[a], *y = &s->runs[b];

	return cmp(&x->win[x->at], &y->win[y->at]) < 0;
}

/* Windows of the runs, a share of MERGE_MEM each, and the heap. */
static int
merge_start(struct cw_sort *s)
{
	size_t i;

	s->win = MERGE_MEM / sizeof(struct item) / s->nruns;
	if (s->win < WIN_MIN)
		s->win = WIN_MIN;
	free(s->v);		/* the index in memory is all in runs */
	s->v = NULL;
	s->cap = 0;
	sl_heap_init(&s->heap, s->nruns, run_less, s);
	for (i = 0; i < s->nruns; i++) {
		s->runs[i].win = sl_xmalloc(s->win * sizeof(struct item));
		if (fill(s, &s->runs[i]) < 0)
			return -1;
		s->heap.v[s->heap.n++] = i;
	}
	sl_heap_build(&s->heap);
	return 0;
}

void
cw_sort_done(struct cw_sort *s)
{
	s->next = 0;
	if (s->nruns == 0) {
		if (s->n > 1)
			qsort(s->v, s->n, sizeof(*s->v), cmp);
		return;
	}
	if (write_run(s) < 0 || merge_start(s) < 0)
		s->failed = 1;
}

/* The next entry of the merged runs, into *it: 1, 0 at the end, -1. */
static int
merge_next(struct cw_sort *s, struct item *it)
{
	struct run *r;

	if (s->failed)
		return -1;
	if (s->heap.n == 0)
		return 0;
	r = &s->runs[s->heap.v[0]];
	*it = r->win[r->at++];
	if (r->at == r->have && r->left == 0) {
		sl_heap_pop(&s->heap);
		return 1;
	}
	if (r->at == r->have && fill(s, r) < 0)
		return s->failed = 1, -1;
	sl_heap_top_moved(&s->heap);
	return 1;
}

/* The next entry in order, into *it: 1, 0 at the end, -1. */
static int
next_item(struct cw_sort *s, struct item *it)
{
	if (s->nruns > 0)
		return merge_next(s, it);
	if (s->next >= s->n)
		return 0;
	*it = s->v[s->next++];
	return 1;
}

int
cw_sort_next(struct cw_sort *s, long long *group, long long *ms,
    long long *pos, const char **p, size_t *n)
{
	struct item it;
	int rc;

	if ((rc = next_item(s, &it)) <= 0)
		return rc;
	*group = it.group;
	*ms = it.ms;
	*pos = it.pos;
	*n = it.len;
	if (s->fd < 0) {
		*p = s->mem.buf + it.off;
		return 1;
	}
	sl_buf_reset(&s->out);
	sl_buf_reserve(&s->out, it.len);
	if (sl_pread_all(s->fd, s->out.buf, it.len, it.off) != 0)
		return -1;
	s->out.len = it.len;
	s->out.buf[it.len] = '\0';
	*p = s->out.buf;
	return 1;
}

void
cw_sort_free(struct cw_sort *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->fd >= 0)
		(void)close(s->fd);
	if (s->ifd >= 0)
		(void)close(s->ifd);
	for (i = 0; i < s->nruns; i++)
		free(s->runs[i].win);
	free(s->runs);
	sl_heap_free(&s->heap);
	free(s->v);
	sl_buf_free(&s->mem);
	sl_buf_free(&s->out);
	free(s);
}
