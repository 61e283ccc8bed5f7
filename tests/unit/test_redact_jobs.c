/*
 * test_redact_jobs.c: sl-redact -j (lib/redact/redact_jobs.c).  The
 * counts a worker packs, merged into the parent's engine, give the
 * --stats report and the summary of one engine that redacted every
 * input itself; malformed counts are refused whole; a walk of a
 * folder with two workers writes what one process writes, and shows
 * its parent new frames a few times, not once an input.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "core/workers.h"
#include "redact/redact.h"

/* Three inputs: secrets of several kinds, one line the engine must
 * write as screen text (a secret cut by an escape), none at all. */
static const char *const inputs[][2] = {
	{ "a.log", "sh-5.2$ export AWS_ACCESS_KEY_ID=AKIAUJZDEGXDNCF32EPF\r\n"
	    "sh-5.2$ mysql -u root -pHunter2xyz\r\n" },
	{ "b.log", "export GITHUB_TOKEN=ghp_bYrEqmSM9w\033(BCZ7Uw9xfogoEmvnEN5"
	    "N12f4udd\r\nsh-5.2$ ls\r\nexport T=ghp_bYrEqmSM9wCZ7Uw9xfogoEm"
	    "vnEN5N12f4udd\r\n" },
	{ "c.log", "sh-5.2$ ls\r\nnothing to see\r\n" },
};
#define NINPUTS	(sizeof(inputs) / sizeof(inputs[0]))

static struct sl_out *sink_out;

static struct sl_out *
io_open(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return sink_out;
}

static int
io_done(void *arg, struct sl_out *o, const char *name)
{
	(void)arg;
	(void)o;
	(void)name;
	return SL_OK;
}

static const struct sl_redact_io io = { io_open, io_done, NULL };

static struct sl_redact *
engine(void)
{
	struct sl_redact *rx = sl_redact_new(SL_REDACT_HITS);
	struct sl_error err;

	ck_assert_int_eq(sl_redact_ready(rx, &err), SL_OK);
	return rx;
}

/* Inputs [from, to) redacted by rx (the output thrown away). */
static void
redact(struct sl_redact *rx, size_t from, size_t to)
{
	size_t i;

	sink_out = sl_out_fd(open("/dev/null", O_WRONLY), "null", 0);
	for (i = from; i < to; i++)
		ck_assert_int_eq(sl_redact_mem(rx, inputs[i][0], inputs[i][1],
		    strlen(inputs[i][1]), NULL, &io, NULL, NULL), SL_OK);
	ck_assert_int_eq(sl_out_close(sink_out, NULL), SL_OK);
}

/* The report and the summary of rx, in one string to compare. */
static char *
reported(const struct sl_redact *rx)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_redact_report(rx, &b);
	sl_redact_summary(rx, &b);
	sl_buf_add(&b, "", 0);
	return b.buf;
}

START_TEST(merge_adds_up)
{
	struct sl_redact *all = engine(), *first = engine(), *rest = engine();
	struct sl_buf packed;
	char *want, *got;

	redact(all, 0, NINPUTS);
	redact(first, 0, 1);
	redact(rest, 1, NINPUTS);
	/* What the inputs must show for the merge to prove anything. */
	ck_assert_int_ge(all->total, 4);
	ck_assert_int_ge(all->rewritten, 1);
	sl_buf_init(&packed);
	rx_stats_pack(rest, 0, &packed);
	ck_assert_int_eq(rx_stats_merge(first, packed.buf, packed.len), 0);
	want = reported(all);
	got = reported(first);
	ck_assert_str_eq(got, want);
	ck_assert_int_eq(first->total, all->total);
	ck_assert_int_eq(first->rewritten, all->rewritten);
	/* Dropped after packing: the worker's engine keeps nothing. */
	rx_stats_drop(rest, 0);
	ck_assert_uint_eq(rest->nfiles, 0);
	free(want);
	free(got);
	sl_buf_free(&packed);
	sl_redact_free(all);
	sl_redact_free(first);
	sl_redact_free(rest);
}
END_TEST

/* Packed from the second input on: the first is not sent again. */
START_TEST(pack_from_first)
{
	struct sl_redact *rx = engine(), *to = engine(), *want = engine();
	struct sl_buf packed;
	char *a, *b;

	redact(rx, 0, 2);
	redact(want, 1, 2);
	sl_buf_init(&packed);
	rx_stats_pack(rx, 1, &packed);
	ck_assert_int_eq(rx_stats_merge(to, packed.buf, packed.len), 0);
	ck_assert_uint_eq(to->nfiles, 1);
	ck_assert_str_eq(to->files[0]->name, "b.log");
	/* rewritten is the whole engine's: the second input's alone here */
	to->rewritten = want->rewritten;
	a = reported(to);
	b = reported(want);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	sl_buf_free(&packed);
	sl_redact_free(rx);
	sl_redact_free(to);
	sl_redact_free(want);
}
END_TEST

/* Cut short or with a kind the rules do not have: nothing is added. */
START_TEST(merge_refuses_malformed)
{
	struct sl_redact *rx = engine(), *to = engine();
	struct sl_buf packed;
	size_t cut;
	char *before, *after;

	redact(rx, 0, NINPUTS);
	sl_buf_init(&packed);
	rx_stats_pack(rx, 0, &packed);
	before = reported(to);
	for (cut = 0; cut < packed.len; cut++)
		ck_assert_int_eq(rx_stats_merge(to, packed.buf, cut), -1);
	sl_buf_add(&packed, "x", 1);
	ck_assert_int_eq(rx_stats_merge(to, packed.buf, packed.len), -1);
	after = reported(to);
	ck_assert_str_eq(after, before);
	ck_assert_uint_eq(to->nfiles, 0);
	free(before);
	free(after);
	sl_buf_free(&packed);
	sl_redact_free(rx);
	sl_redact_free(to);
}
END_TEST

/* The inputs as files of a new folder; its name in dir. */
static void
make_folder(char *dir, size_t n)
{
	char path[512];
	FILE *f;
	size_t i;

	snprintf(dir, n, "/tmp/test_redact_jobs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < NINPUTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, inputs[i][0]);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(inputs[i][1], f);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/zz.bin", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fwrite("\0\1\2\3bin\0", 1, 8, f);
	fclose(f);
}

static void
remove_folder(const char *dir)
{
	char path[512];
	size_t i;

	for (i = 0; i < NINPUTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, inputs[i][0]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/zz.bin", dir);
	unlink(path);
	rmdir(dir);
}

static char errs[4][1024];

static void
errfn(void *arg, const char *where, const char *msg)
{
	char *e = arg;
	size_t n = strlen(e);

	snprintf(e + n, sizeof(errs[0]) - n, "%s: %s\n", where, msg);
}

/* The folder with jobs workers: output, report, messages, status. */
static char *
walk(const char *dir, int jobs, char *err, int *status)
{
	struct sl_redact *rx = engine();
	struct sl_buf b;
	FILE *f = tmpfile();
	char chunk[4096];
	size_t n;

	ck_assert_ptr_nonnull(f);
	sink_out = sl_out_fd(dup(fileno(f)), "out", 0);
	sl_redact_set_jobs(rx, jobs);
	*status = sl_redact_path(rx, dir, NULL, &io, errfn, err);
	if (sl_redact_end(rx) == SL_REJECT)
		*status = SL_REJECT;
	ck_assert_int_eq(sl_out_close(sink_out, NULL), SL_OK);
	sl_buf_init(&b);
	rewind(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sl_buf_add(&b, chunk, n);
	fclose(f);
	sl_redact_report(rx, &b);
	sl_buf_add(&b, "", 0);
	sl_redact_free(rx);
	return b.buf;
}

START_TEST(workers_write_what_one_does)
{
	char dir[64], *one, *two;
	int s1, s2;

	make_folder(dir, sizeof(dir));
	errs[0][0] = errs[1][0] = '\0';
	one = walk(dir, 1, errs[0], &s1);
	two = walk(dir, 2, errs[1], &s2);
	remove_folder(dir);
	ck_assert_ptr_nonnull(strstr(one, "[REDACTED:github-token]"));
	ck_assert_ptr_nonnull(strstr(errs[0], "zz.bin: unrecognized log format"));
	ck_assert_str_eq(two, one);
	ck_assert_str_eq(errs[1], errs[0]);
	ck_assert_int_eq(s1, SL_REJECT);
	ck_assert_int_eq(s2, s1);
	free(one);
	free(two);
}
END_TEST

/* n inputs of about 6 KiB each, no secret in them, in a new folder. */
static void
make_big_folder(char *dir, size_t dn, int n)
{
	char path[512];
	FILE *f;
	int i, k;

	snprintf(dir, dn, "/tmp/test_redact_jobs.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%04d.log", dir, i);
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		for (k = 0; k < 200; k++)
			fprintf(f, "sh-5.2$ echo input %d line %d\r\n", i, k);
		fclose(f);
	}
}

static void
remove_big_folder(const char *dir, int n)
{
	char path[512];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%04d.log", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * Each input's redacted bytes go to the parent in place, one frame of
 * 6 KiB an input: they are shown to it a few hundred KiB at a time, not
 * input by input, so that a parent waiting for them is woken a few
 * times, not once an input (sl-redact -j 2 on 10,000 small logs woke
 * its parent 5,500 times; sl-parse's gathered frames, 500).  What the
 * workers decide is counted (sl_workers_published()), not the parent's
 * sleeps: its voluntary context switches, which the machine's load
 * moved from 3 to 37.  Shown input by input, 256 inputs make at least
 * 256 publications; held, two a batch of 64 (at FRAME_FLUSH bytes, at
 * its end): 8, and a few more when a worker that started its ring over
 * runs out of room before the skip is passed (8-12; a rewind shown at
 * once made up to 55).  The output is all there.
 */
START_TEST(parent_shown_frames_per_batch_not_per_input)
{
	struct sl_redact *rx = engine();
	unsigned long before, published;
	char dir[64];
	int n = 256, status;
	struct stat st;
	FILE *f = tmpfile();

	ck_assert_ptr_nonnull(f);
	make_big_folder(dir, sizeof(dir), n);
	sink_out = sl_out_fd(dup(fileno(f)), "out", 0);
	sl_redact_set_jobs(rx, 2);
	before = sl_workers_published();
	status = sl_redact_path(rx, dir, NULL, &io, NULL, NULL);
	ck_assert_int_eq(sl_redact_end(rx), SL_OK);
	ck_assert_int_eq(status, SL_OK);
	ck_assert_int_eq(sl_out_close(sink_out, NULL), SL_OK);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	ck_assert_int_gt(st.st_size, (off_t)n * 6000);
	published = sl_workers_published() - before;
	ck_assert_uint_gt(published, 0);	/* the workers were counted */
	ck_assert_uint_lt(published, (unsigned long)n / 8);
	fclose(f);
	remove_big_folder(dir, n);
	sl_redact_free(rx);
}
END_TEST

static Suite *
jobs_suite(void)
{
	Suite *s = suite_create("redact_jobs");
	TCase *tc = tcase_create("jobs");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, merge_adds_up);
	tcase_add_test(tc, pack_from_first);
	tcase_add_test(tc, merge_refuses_malformed);
	tcase_add_test(tc, workers_write_what_one_does);
	tcase_add_test(tc, parent_shown_frames_per_batch_not_per_input);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(jobs_suite)
