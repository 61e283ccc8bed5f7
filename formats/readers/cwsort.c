/*
 * cwsort.c: events held to be read back in order (group, time, order
 * added).  Export files and Logs Insights results are not in time order,
 * and a session must be rebuilt in order, so they are sorted -- within
 * memory bounds: the index stays in memory (48 bytes an event), the
 * bytes too up to a cap (CW_SORT_MEM), then all of them go to an unlinked
 * temporary file ($TMPDIR, else /tmp) and are read back with pread().
 */
#include <sys/types.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readers/cwlog.h"

struct item {
	long long group, ms, pos, seq;
	long long off;
	size_t len;
};

struct cw_sort {
	size_t mem_max;		/* bytes held in memory before the file */
	struct item *v;
	size_t n, cap, next;
	struct sl_buf mem;	/* the bytes, until they go to the file */
	int fd;			/* -1: none */
	long long fsize;
	struct sl_buf out;	/* an event read back */
};

struct cw_sort *
cw_sort_new(size_t mem_max)
{
	struct cw_sort *s = sl_xcalloc(1, sizeof(*s));

	s->mem_max = mem_max;
	sl_buf_init(&s->mem);
	sl_buf_init(&s->out);
	s->fd = -1;
	return s;
}

static int
write_all(int fd, const void *p, size_t n, long long off)
{
	const char *c = p;
	ssize_t k;

	while (n > 0) {
		k = pwrite(fd, c, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

/* Move the bytes held in memory to a temporary file. */
static int
spill(struct cw_sort *s)
{
	int fd = sl_tmpfile(NULL, "sl-sort");

	if (fd < 0)
		return -1;
	if (write_all(fd, s->mem.buf, s->mem.len, 0) < 0) {
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
	if (s->fd >= 0 && write_all(s->fd, p, n, s->fsize) < 0)
		return -1;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = sl_xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	it = &s->v[s->n];
	it->group = group;
	it->ms = ms;
	it->pos = pos;
	it->seq = (long long)s->n;
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

void
cw_sort_done(struct cw_sort *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), cmp);
	s->next = 0;
}

int
cw_sort_next(struct cw_sort *s, long long *group, long long *ms,
    long long *pos, const char **p, size_t *n)
{
	struct item *it;
	size_t got = 0;
	ssize_t k;

	if (s->next >= s->n)
		return 0;
	it = &s->v[s->next++];
	*group = it->group;
	*ms = it->ms;
	*pos = it->pos;
	*n = it->len;
	if (s->fd < 0) {
		*p = s->mem.buf + it->off;
		return 1;
	}
	sl_buf_reset(&s->out);
	sl_buf_reserve(&s->out, it->len);
	while (got < it->len) {
		k = pread(s->fd, s->out.buf + got, it->len - got,
		    (off_t)(it->off + (long long)got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	s->out.len = it->len;
	s->out.buf[it->len] = '\0';
	*p = s->out.buf;
	return 1;
}

void
cw_sort_free(struct cw_sort *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		(void)close(s->fd);
	free(s->v);
	sl_buf_free(&s->mem);
	sl_buf_free(&s->out);
	free(s);
}
