/*
 * input: the input layer (lib/input/input.c) under the readers: gzip (and
 * multi-member gzip), bzip2, xz, zstd, tar, zip and nested archives, fed
 * as a file (an anonymous one, named /proc/self/fd/N) to sl_run_path().
 *
 * Every record is checked (as for the parse harness, but a member may be
 * a record stream, so the rendering-only checks are off); every message
 * must name the file and be one line; the status must match the
 * messages.  Decompression past SL_EXPAND_RATIO and nesting past
 * SL_NEST_MAX must be refused, so no input here may take long or much
 * memory (libFuzzer's -timeout and -malloc_limit_mb catch it).  The
 * walk with a taker (-j N: gzip inflated ahead on a thread) must give
 * its leaves the same bytes and messages as the walk without.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
errfn(void *arg, const char *where, const char *msg)
{
	fz_errfn(arg, where, msg);
	if (strncmp(where, path, strlen(path)) != 0)
		fz_fail("message does not name the input: %s: %s", where, msg);
}

/* What a leaf sees of a walk: a hash of its bytes, and the messages
 * after how many bytes they came. */
struct seen {
	struct sl_buf log;
	long long bytes;
	unsigned long long hash;
};

static void
seen_err(void *arg, const char *where, const char *msg)
{
	struct seen *v = arg;

	sl_buf_printf(&v->log, "@%lld %s: %s\n", v->bytes, where, msg);
}

static int
seen_leaf(void *arg, struct sl_in *in)
{
	struct seen *v = arg;
	char chunk[4096];
	ssize_t k, i;

	while ((k = sl_in_read(in, chunk, sizeof chunk)) > 0) {
		for (i = 0; i < k; i++)		/* FNV-1a */
			v->hash = (v->hash ^ (unsigned char)chunk[i]) *
			    1099511628211ULL;
		v->bytes += k;
	}
	sl_buf_printf(&v->log, "%s: %lld bytes, hash %llx, end %zd failed %d "
	    "refused %d\n", sl_in_name(in), v->bytes, v->hash, k,
	    sl_in_failed(in), sl_in_refused(in));
	return SL_OK;
}

static int
decline(void *arg, const char *p)
{
	(void)arg;
	(void)p;
	return SL_IN_NOT_TAKEN;
}

/* With a taker (-j N), a gzip file is inflated ahead on a thread: the
 * leaves must see the same as without. */
static void
check_ahead(void)
{
	struct seen one, two;

	memset(&one, 0, sizeof one);
	memset(&two, 0, sizeof two);
	sl_buf_init(&one.log);
	sl_buf_init(&two.log);
	sl_buf_printf(&one.log, "rc %d\n", sl_input_walk(path, seen_leaf,
	    &one, seen_err, &one, NULL));
	sl_buf_printf(&two.log, "rc %d\n", sl_input_walk_take(path,
	    seen_leaf, decline, &two, seen_err, &two, NULL));
	if (one.log.len != two.log.len ||
	    memcmp(one.log.buf, two.log.buf, one.log.len) != 0)
		fz_fail("inflating ahead changed the walk:\n%.*s\n---\n%.*s",
		    (int)SL_MIN(one.log.len, (size_t)2000), one.log.buf,
		    (int)SL_MIN(two.log.len, (size_t)2000), two.log.buf);
	sl_buf_free(&one.log);
	sl_buf_free(&two.log);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_sink sink = { fz_sink_put, NULL, 0 };
	struct sl_stats st;
	struct sl_run *run;
	long long nerr = 0;
	int fd, rc;

	fd = fz_memfd("input", data, size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	sink.arg = fz_check_new(0, 0);
	run = sl_run_new(NULL, &sink, errfn, &nerr);
	sl_run_set_info(run, fz_infofn, NULL);
	rc = sl_run_path(run, path);
	rc = fz_run_finish(run, rc);
	sl_run_stats(run, &st);
	if (rc != SL_OK && rc != SL_REJECT)
		fz_fail("sl_run_path returned %d", rc);
	if ((rc == SL_REJECT) != (nerr > 0))
		fz_fail("status %d after %lld messages", rc, nerr);
	if (st.records != fz_check_count(sink.arg))
		fz_fail("stats: %lld records, sink saw %lld", st.records,
		    fz_check_count(sink.arg));
	if (st.inputs < 1 && nerr == 0)
		fz_fail("no input read and no message");
	fz_check_stats(&st, "accounting-cw");
	sl_run_free(run);
	fz_check_free(sink.arg);
	check_ahead();
	close(fd);
	return 0;
}
