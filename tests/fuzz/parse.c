/*
 * parse: detection and every reader through one entry, sl_run_mem().
 *
 * Input: byte 0 picks the format (below 0x80: sl_formats[b % count];
 * from 0x80: detection),
 * byte 1 the options (bit 0 SL_WANT_RAW, 1 SL_WANT_ATTRS, 2 --session,
 * 3 --tz, 4 a --prompt pattern); the rest is the input.  Every record is
 * checked and written as JSON and read back (common.c); the counts must
 * add up, and the status must match the messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t nformats;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sl_format *f = NULL;
	struct sl_opts opts = { 0 };
	struct sl_sink sink;
	struct sl_stats st;
	struct sl_prompts *prompts = NULL;
	struct fz_check *c;
	struct sl_run *run;
	long long nerr = 0;
	unsigned pick, flags;
	struct sl_error err;
	int rc, strict;

	if (nformats == 0)
		while (sl_formats[nformats] != NULL)
			nformats++;
	if (size < 2)
		return 0;
	pick = data[0] >= 0x80 ? (unsigned)nformats : data[0] % nformats;
	flags = data[1];
	data += 2;
	size -= 2;
	if (pick < nformats) {
		f = sl_formats[pick];
		opts.format = sl_format_name(f);
	} else if (size > 0)
		f = sl_detect(data, SL_MIN(size, SL_PEEK), FZ_NAME);
	if (flags & 4)
		opts.session = "opt-0aaaaaaaaaaaaaaa1";
	if (flags & 8)
		opts.tz = "Europe/Berlin";
	if (flags & 16) {
		prompts = sl_prompts_new();
		if (sl_prompts_add(prompts, "\xce\xbb \\S+ ", &err) != SL_OK)
			fz_fail("--prompt: %s", err.msg);
		opts.prompts = prompts;
	}
	strict = f == NULL || strcmp(sl_format_name(f), "records") != 0;
	sink.want = flags & (SL_WANT_RAW | SL_WANT_ATTRS);
	c = fz_check_new(strict, sink.want);
	sink.put = fz_sink_put;
	sink.arg = c;
	run = sl_run_new(&opts, &sink, fz_errfn, &nerr);
	sl_run_set_info(run, fz_infofn, NULL);
	rc = sl_run_mem(run, FZ_NAME, data, size);
	rc = fz_run_finish(run, rc);
	sl_run_stats(run, &st);
	/*
	 * Tagged by owner (the foundation's readers, or the CloudWatch,
	 * CloudTrail and typescript ones), so that an open finding in one
	 * leaves the other checked while fuzzing.
	 */
	fz_check_stats(&st, f == NULL ||
	    strcmp(sl_format_name(f), "raw") == 0 ||
	    strcmp(sl_format_name(f), "pwsh-transcript") == 0 ||
	    strcmp(sl_format_name(f), "records") == 0 ?
	    "accounting" : "accounting-cw");
	if (st.records != fz_check_count(c))
		fz_fail("stats: %lld records, sink saw %lld", st.records,
		    fz_check_count(c));
	if (rc != SL_OK && rc != SL_REJECT)
		fz_fail("sl_run_mem returned %d", rc);
	if ((rc == SL_REJECT) != (nerr > 0))
		fz_fail("status %d after %lld messages", rc, nerr);
	if (st.rejected > 0 && rc != SL_REJECT)
		fz_fail("%lld units rejected, status %d", st.rejected, rc);
	sl_run_free(run);
	sl_prompts_free(prompts);
	fz_check_free(c);
	return 0;
}
