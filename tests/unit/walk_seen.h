/*
 * walk_seen.h: what a reader sees of a walk of the input layer (its
 * bytes, hashed, and in order with them the messages, the breaks and the
 * end of each leaf), for tests that compare two walks of one path: with
 * a taker (-j N: gzip inflated ahead on a thread) and without.  Shared by
 * test_input.c and the input fuzz harness (tests/fuzz/input.c).
 */
#ifndef SL_TEST_WALK_SEEN_H
#define SL_TEST_WALK_SEEN_H

#include <string.h>

#include "internal.h"

struct seen {
	struct sl_buf log;
	long long bytes;
	unsigned long long hash;	/* of the bytes */
	int stop;		/* leave each leaf after its first read */
};

static void
seen_err(void *arg, const char *where, const char *msg)
{
	struct seen *v = arg;

	sl_buf_printf(&v->log, "@%lld %s: %s\n", v->bytes, where, msg);
}

/* An odd read size, so that reads end anywhere in the ahead's slots. */
static int
seen_leaf(void *arg, struct sl_in *in)
{
	struct seen *v = arg;
	char chunk[4093];
	ssize_t k;
	long long at = 0, x;
	size_t i;

	while ((k = sl_in_read(in, chunk, sizeof chunk)) > 0) {
		for (i = 0; i < (size_t)k; i++)	/* FNV-1a */
			v->hash = (v->hash ^ (unsigned char)chunk[i]) *
			    1099511628211ULL;
		v->bytes += k;
		if (v->stop)
			return SL_OK;
	}
	sl_buf_printf(&v->log, "%s: %lld bytes, hash %llx\n", sl_in_name(in),
	    v->bytes, v->hash);
	while ((x = sl_in_next_break(in, at)) >= 0) {
		sl_buf_printf(&v->log, "break %lld\n", x);
		at = x + 1;
	}
	sl_buf_printf(&v->log, "end %zd failed %d refused %d\n", k,
	    sl_in_failed(in), sl_in_refused(in));
	return SL_OK;
}

/* What a reader sees of path walked with take (NULL: none), as a
 * string the caller frees. */
static char *
seen_walk(const char *path, sl_take_fn take, int stop)
{
	struct seen v;

	memset(&v, 0, sizeof v);
	sl_buf_init(&v.log);
	v.stop = stop;
	sl_buf_printf(&v.log, "rc %d\n", sl_input_walk_take(path, seen_leaf,
	    take, &v, seen_err, &v, NULL));
	return v.log.buf;
}

#endif /* SL_TEST_WALK_SEEN_H */
