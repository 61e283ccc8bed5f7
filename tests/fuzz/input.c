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
#include "../unit/walk_seen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
errfn(void *arg, const char *where, const char *msg)
{
	fz_errfn(arg, where, msg);
	if (strncmp(where, path, strlen(path)) != 0)
		fz_fail("message does not name the input: %s: %s", where, msg);
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
	char *one = seen_walk(path, NULL, 0);
	char *two = seen_walk(path, decline, 0);

	if (strcmp(one, two) != 0)
		fz_fail("inflating ahead changed the walk:\n%.2000s\n"
		    "---\n%.2000s", one, two);
	free(one);
	free(two);
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
