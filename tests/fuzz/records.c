/*
 * records: the record-stream reader (formats/readers/records.c) and the round
 * trip.  The input is read as a record stream; every record that comes
 * out is checked and written as JSON Lines.  Reading that output again
 * must reject nothing and give the same bytes: a stream that one tool
 * wrote, the next reads unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct out {
	struct fz_check *c;
	struct sl_buf json;
};

static int
put(void *arg, const struct sl_record *r)
{
	struct out *o = arg;

	fz_check_record(o->c, r);
	sl_record_to_json(&o->json, r);
	return SL_OK;
}

/* Read p[0, n) as a record stream into o; the number of messages. */
static long long
read_stream(struct out *o, const void *p, size_t n, struct sl_stats *st)
{
	struct sl_opts opts = { 0 };
	struct sl_sink sink = { put, NULL, 0 };
	struct sl_run *run;
	long long nerr = 0;
	int rc;

	opts.format = "records";
	sink.arg = o;
	o->c = fz_check_new(0, 0);
	sl_buf_init(&o->json);
	run = sl_run_new(&opts, &sink, fz_errfn, &nerr);
	rc = sl_run_mem(run, "fuzz.jsonl", p, n);
	rc = fz_run_finish(run, rc);
	sl_run_stats(run, st);
	fz_check_stats(st, "accounting");
	if ((rc == SL_REJECT) != (nerr > 0) || (rc != SL_OK &&
	    rc != SL_REJECT))
		fz_fail("status %d after %lld messages", rc, nerr);
	if (st->records != fz_check_count(o->c))
		fz_fail("stats: %lld records, sink saw %lld", st->records,
		    fz_check_count(o->c));
	sl_run_free(run);
	fz_check_free(o->c);
	return nerr;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct out a, b;
	struct sl_stats sa, sb;

	read_stream(&a, data, size, &sa);
	if (a.json.len > 0) {
		if (read_stream(&b, a.json.buf, a.json.len, &sb) != 0)
			fz_fail("the output of the reader is rejected by it");
		if (sb.written != sa.records || sb.units != sa.records)
			fz_fail("%lld records out, %lld read back of %lld",
			    sa.records, sb.written, sb.units);
		if (a.json.len != b.json.len ||
		    memcmp(a.json.buf, b.json.buf, a.json.len) != 0)
			fz_fail("round trip changes the stream:\n%.300s\n"
			    "%.300s", a.json.buf, b.json.buf);
		sl_buf_free(&b.json);
	}
	sl_buf_free(&a.json);
	return 0;
}
