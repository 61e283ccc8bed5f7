/*
 * redact: the redaction engine (lib/redact*.c) over one input in memory.
 *
 * Input: byte 0 holds options (bits 0-1: detect, or force "records",
 * "cw-events" or "raw"; bit 2 a hash key; bit 3 SL_REDACT_HITS; bit 4
 * plant a canary secret at the line starting after bytes 1-2's offset),
 * bytes 1-2 the canary's place; the rest is the input.
 *
 * Checks: redacting the output again finds nothing (every secret went
 * at once); a record stream comes out as a record stream that the
 * records reader takes whole; text comes out with as many lines as it
 * went in; a planted secret never comes out (alone on its line); with
 * -j 2's raw scan ahead on a second thread (redact_ahead.c, tuned to
 * run on any size, with a ring of 4 and 256 bytes ahead), the same
 * bytes and messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "redact/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A GitHub token: a default kind, matched on its shape alone. */
#define CANARY	"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"

struct io {
	struct sl_out *out;
	int fd;
	long long opened;
};

static struct sl_out *
io_open(void *arg, const char *name)
{
	struct io *io = arg;

	SL_UNUSED(name);
	io->opened++;
	return io->out;
}

static int
io_done(void *arg, struct sl_out *out, const char *name)
{
	struct io *io = arg;

	SL_UNUSED(name);
	if (out != io->out)
		fz_fail("done() with an output open() did not give");
	return SL_OK;
}

/* Redact p[0, n) into out, the raw scan ahead on a thread if ahead;
 * returns the secrets found. */
static long long
redact(unsigned flags, const char *format, const void *p, size_t n,
    struct sl_buf *out, long long *nerr, int ahead)
{
	struct sl_redact_io rio;
	struct sl_redact *rx;
	struct sl_buf b;
	struct io io;
	struct sl_error err;
	long long total;
	int rc;

	rx = sl_redact_new((flags & 8) ? SL_REDACT_HITS : 0);
	if (flags & 4)
		sl_redact_set_key(rx, "fuzz-key", 8);
	if (sl_redact_ready(rx, &err) != SL_OK)
		fz_fail("default rules: %s", err.msg);
	if (ahead) {
		sl_redact_set_jobs(rx, 2);
		rx->ahead_min = 0;
		rx->ahead_ring = 4;
		rx->ahead_max = 256;
	}
	io.fd = fz_memfd("redacted", "", 0);
	io.out = sl_out_fd(io.fd, "redacted", 0);
	io.opened = 0;
	rio.open = io_open;
	rio.done = io_done;
	rio.arg = &io;
	rc = sl_redact_mem(rx, FZ_NAME, p, n, format, &rio, fz_errfn, nerr);
	if (rc != SL_OK && rc != SL_REJECT)
		fz_fail("sl_redact_mem returned %d", rc);
	if ((rc == SL_REJECT) != (*nerr > 0))
		fz_fail("status %d after %lld messages", rc, *nerr);
	if (sl_out_flush(io.out) != SL_OK)
		fz_fail("flush failed");
	fz_slurp(io.fd, out);
	if (sl_out_close(io.out, NULL) != SL_OK)
		fz_fail("close failed");
	total = sl_redact_total(rx);
	sl_buf_init(&b);
	sl_redact_summary(rx, &b);
	sl_redact_report(rx, &b);
	if (b.len > 0 && !fz_utf8_ok(b.buf, b.len))
		fz_fail("summary is not valid UTF-8");
	sl_buf_free(&b);
	sl_redact_free(rx);
	return total;
}

static const char *
format_of(unsigned flags)
{
	static const char *const forced[] = { NULL, "records", "cw-events",
	    "raw" };

	return forced[flags & 3];
}

static long long
lines(const void *p, size_t n)
{
	const char *s = p, *e;
	long long k = 0;

	if (n == 0)
		return 0;
	e = s + n;
	while ((s = memchr(s, '\n', (size_t)(e - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

static size_t
longest_line(const struct sl_buf *b)
{
	size_t i, at = 0, max = 0;

	for (i = 0; i < b->len; i++)
		if (b->buf[i] == '\n') {
			max = SL_MAX(max, i - at);
			at = i + 1;
		}
	return SL_MAX(max, b->len - at);
}

/*
 * Does the canary stand alone on a line of b, as planted?  (A copy the
 * fuzzer glues into a word, "Authorizatghp_...", is no token.)
 */
static int
canary_line(const struct sl_buf *b)
{
	static const char line[] = CANARY "\r\n";
	const char *p = b->buf, *end;

	if (b->len == 0)
		return 0;
	end = b->buf + b->len;
	while ((p = memmem(p, (size_t)(end - p), line, strlen(line))) !=
	    NULL) {
		if (p == b->buf || p[-1] == '\n')
			return 1;
		p++;
	}
	return 0;
}

/* The output of a record stream must read back whole. */
static void
check_records(const struct sl_buf *out)
{
	struct sl_opts opts = { 0 };
	struct sl_sink sink = { fz_sink_put, NULL, 0 };
	struct sl_stats st;
	struct sl_run *run;
	long long nerr = 0;

	opts.format = "records";
	sink.arg = fz_check_new(0, 0);
	run = sl_run_new(&opts, &sink, fz_errfn, &nerr);
	(void)fz_run_finish(run, sl_run_mem(run, "redacted", out->buf,
	    out->len));
	sl_run_stats(run, &st);
	if (st.rejected > 0 && !fz_allowed("records-out"))
		fz_fail("[records-out] %lld records of the output rejected",
		    st.rejected);
	sl_run_free(run);
	fz_check_free(sink.arg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sl_format *f;
	struct sl_buf in, out, again;
	long long nerr = 0, nerr2 = 0, total, total2;
	unsigned flags;
	size_t at;
	int text, records;

	if (size < 3)
		return 0;
	flags = data[0];
	at = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	sl_buf_init(&in);
	sl_buf_add(&in, data, size);
	f = format_of(flags) != NULL ? sl_format_lookup(format_of(flags)) :
	    size > 0 ? sl_detect(data, SL_MIN(size, SL_PEEK), FZ_NAME) : NULL;
	records = f != NULL && strcmp(sl_format_name(f), "records") == 0;
	text = f != NULL && (strcmp(sl_format_name(f), "raw") == 0 ||
	    strcmp(sl_format_name(f), "typescript") == 0 ||
	    strcmp(sl_format_name(f), "pwsh-transcript") == 0);
	if ((flags & 16) && text) {
		/* At the start of a line: a secret the user saw, alone. */
		at = size > 0 ? at % (size + 1) : 0;
		while (at > 0 && data[at - 1] != '\n')
			at--;
		sl_buf_reset(&in);
		sl_buf_add(&in, data, at);
		sl_buf_adds(&in, CANARY "\r\n");
		sl_buf_add(&in, data + at, size - at);
	}
	sl_buf_init(&out);
	sl_buf_init(&again);
	total = redact(flags, format_of(flags), in.buf, in.len, &out, &nerr,
	    0);
	total2 = redact(flags, format_of(flags), in.buf, in.len, &again,
	    &nerr2, 1);
	if (total2 != total || nerr2 != nerr || again.len != out.len ||
	    (out.len > 0 && memcmp(again.buf, out.buf, out.len) != 0))
		fz_fail("[ahead] -j 2 scanning ahead: %lld secrets, %lld "
		    "messages, %zu bytes; -j 1: %lld, %lld, %zu", total2,
		    nerr2, again.len, total, nerr, out.len);
	sl_buf_reset(&again);
	nerr2 = 0;
	if (out.len > 0) {
		/*
		 * Rules with a bounded gap ("mysql ... -p" within 300 bytes)
		 * could match once an earlier secret of a long line shrank to
		 * its marker (now a match whose context crosses a marker is
		 * not taken): that keeps its own name ("idempotent-long").
		 */
		const char *check = longest_line(&in) > 300 ?
		    "idempotent-long" : "idempotent";

		if (redact(flags, format_of(flags), out.buf, out.len, &again,
		    &nerr2, 0) != 0 && !fz_allowed(check))
			fz_fail("[%s] redacting the output again finds "
			    "secrets (%lld the first time)", check, total);
		if (records)
			check_records(&out);
	}
	if (text && nerr == 0 && lines(in.buf, in.len) !=
	    lines(out.buf, out.len) && !fz_allowed("lines"))
		fz_fail("[lines] %lld lines in, %lld out",
		    lines(in.buf, in.len), lines(out.buf, out.len));
	if ((flags & 16) && text && canary_line(&out) &&
	    !fz_allowed("canary"))
		fz_fail("[canary] a planted secret comes out");
	sl_buf_free(&in);
	sl_buf_free(&out);
	sl_buf_free(&again);
	return 0;
}
