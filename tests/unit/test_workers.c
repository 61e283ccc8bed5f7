/*
 * test_workers.c: -j N (lib/core/workers.c): a run with worker processes
 * giving the sink and the message functions exactly the sequence a run
 * with one job gives (the records' codec: test_reccodec.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "core/workers.h"

/* ------------------------------------------------------ runs compared */

/* What a run gives its sink and message functions, in order, as text. */
static int
log_record(void *arg, const struct sl_record *r)
{
	sl_record_to_json(arg, r);
	return SL_OK;
}

static void
log_msg(void *arg, const char *where, const char *msg)
{
	sl_buf_printf(arg, "MSG %s: %s\n", where != NULL ? where : "-", msg);
}

static void
log_info(void *arg, const char *where, const char *msg)
{
	sl_buf_printf(arg, "INFO %s: %s\n", where != NULL ? where : "-", msg);
}

static void
run_dir(const char *dir, int jobs, struct sl_buf *log)
{
	struct sl_sink sink = { log_record, NULL, 0 };
	struct sl_stats st;
	struct sl_run *run;

	sink.arg = log;
	run = sl_run_new(NULL, &sink, log_msg, log);
	sl_run_set_info(run, log_info, log);
	sl_run_set_jobs(run, jobs);
	sl_run_path(run, dir);
	sl_run_finish(run);
	sl_run_stats(run, &st);
	sl_buf_printf(log, "STATS %lld %lld %lld %lld %lld %lld %lld\n",
	    st.inputs, st.bytes, st.units, st.written, st.skipped,
	    st.rejected, st.records);
	sl_run_free(run);
}

/* The same text; else where they part, not both whole (too long). */
static void
same_log(const struct sl_buf *got, const struct sl_buf *want, int jobs)
{
	size_t i = 0;

	while (i < got->len && i < want->len && got->buf[i] == want->buf[i])
		i++;
	ck_assert_msg(i == got->len && i == want->len, "-j %d parts from "
	    "-j 1 at byte %zu: \"%.60s\" instead of \"%.60s\"", jobs, i,
	    got->buf + i, want->buf + i);
}

static void
put_file(const char *dir, const char *name, const char *text, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	fclose(f);
}

#define PUT(dir, name, s)	put_file((dir), (name), (s), sizeof(s) - 1)

START_TEST(order_as_one_job)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX";
	struct sl_buf one, two;
	char name[64], body[4096];
	int i, n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Logs a worker reads, one in the middle a worker gives back
	 * (binary, unrecognized: a message and exit 1), an empty one the
	 * run reads itself, text that is no log, a log with no prompt (a
	 * message from a worker). */
	for (i = 0; i < 40; i++) {
		n = snprintf(body, sizeof(body), "Script started on "
		    "2024-06-01 10:00:00+00:00\nsh-5.2$ echo %d\r\r\n%d\r\r\n"
		    "sh-5.2$ exit\r\r\n", i, i);
		snprintf(name, sizeof(name), "u%02d-0a0a0a0a0a0a0a0%02d.log",
		    i, i);
		put_file(dir, name, body, (size_t)n);
	}
	PUT(dir, "u20-broken.bin", "\001\002\003\000garbage\377");
	put_file(dir, "u05x-0c0c0c0c0c0c0c0c0.log", "", 0);	/* read here */
	PUT(dir, "u21-notes.txt", "a note\nnothing of a terminal\n");
	n = snprintf(body, sizeof(body), "Script started on 2024-06-01\n");
	for (i = 0; i < 30; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n,
		    "output %d\r\r\n", i);
	put_file(dir, "u22-0b0b0b0b0b0b0b0b0.log", body, (size_t)n);
	sl_buf_init(&one);
	sl_buf_init(&two);
	run_dir(dir, 1, &one);
	run_dir(dir, 2, &two);
	ck_assert_ptr_nonnull(strstr(one.buf, "MSG"));
	ck_assert_ptr_nonnull(strstr(one.buf, "INFO"));
	same_log(&two, &one, 2);
	sl_buf_reset(&two);
	run_dir(dir, 7, &two);
	same_log(&two, &one, 7);
	sl_buf_free(&one);
	sl_buf_free(&two);
	snprintf(body, sizeof(body), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(body), 0);
}
END_TEST

static Suite *
workers_suite(void)
{
	Suite *s = suite_create("workers");
	TCase *tc = tcase_create("workers");

	tcase_add_test(tc, order_as_one_job);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(workers_suite)
