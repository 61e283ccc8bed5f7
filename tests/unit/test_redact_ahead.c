/*
 * test_redact_ahead.c: the raw scan run ahead on a second thread
 * (lib/redact/redact_ahead.c).  Its ring hands over what the engine's
 * own raw scan and row check find in a line (hits, flags, the rules
 * marked), and only for those very bytes; a full ring, a thread left
 * behind and lines the engine does not ask about never make it hand
 * over another line's; and sl-redact's output, messages and status with
 * the thread (-j 2) are those of one thread, also over a file cut while
 * it is read.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "output/output.h"
#include "redact/redact.h"

static struct sl_redact *
engine(int jobs)
{
	struct sl_redact *rx = sl_redact_new(0);
	struct sl_error err;

	ck_assert_int_eq(sl_redact_ready(rx, &err), SL_OK);
	sl_redact_set_jobs(rx, jobs);
	return rx;
}

/*
 * A log of the lines a raw scan tells apart: plain, coloured, with a
 * secret, a progress bar (CRs over a row), cursor moves over rows, a
 * keyword a CR overwrites, NULs, broken escapes, bare CRs, empty lines.
 */
static char *
varied_log(size_t lines, size_t *len)
{
	struct sl_buf b;
	unsigned long x = 2024;
	size_t i;

	sl_buf_init(&b);
	for (i = 0; i < lines; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		/* The first lines say it is text (detection). */
		switch (i < 2000 ? 10 : (x >> 33) % 11) {
		case 0:
			sl_buf_printf(&b, "sh-5.2$ mysql -u app -pHunter%lu "
			    "orders\r\r\n", x % 997);
			break;
		case 1:
			sl_buf_printf(&b, "\033[01;34mdir%lu\033[0m  notes.txt"
			    "\r\n", x % 100);
			break;
		case 2:
			sl_buf_printf(&b, " %lu%%\r %lu%%\r done\r\n", x % 50,
			    x % 100);
			break;
		case 3:
			sl_buf_printf(&b, "\033[1A\033[2Kline %lu\033[1B\r\n",
			    x % 1000);
			break;
		case 4:
			sl_buf_printf(&b, "password: sw0rdf1sh%lu\r"
			    "                        \r\n", x % 10);
			break;
		case 5:
			sl_buf_add(&b, "pass\0\0word ok\n", 14);
			break;
		case 6:
			sl_buf_printf(&b, "broken \033[12;\n\033]0;title %lu\n",
			    x % 7);
			break;
		case 7:
			sl_buf_add(&b, "\r\n\n", 3);
			break;
		default:
			sl_buf_printf(&b, "-rw-r--r-- 1 ec2-user ec2-user %5lu "
			    "May  1 12:00 report-%lu.csv\r\n", x % 99999,
			    x % 31);
			break;
		}
	}
	sl_buf_add(&b, "last line, no newline\r\r", 23);
	*len = b.len;
	return b.buf;
}

/* The next line of p[0, len) at *at as the reader hands it out: its
 * content in *n (no LF, no CRs before it); 0 at the end. */
static int
next_line(const char *p, size_t len, size_t *at, const char **s, size_t *n)
{
	const char *nl;
	size_t end;

	if (*at >= len)
		return 0;
	*s = p + *at;
	nl = memchr(*s, '\n', len - *at);
	end = nl != NULL ? (size_t)(nl - *s) + 1 : len - *at;
	*n = nl != NULL ? end - 1 : end;
	while (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	*at += end;
	return 1;
}

/*
 * What the engine's own scan finds in s[0, n), as rx_analyze() asks it
 * (the first RX_RAW_CANDS rules marked, in order); the rules marked.
 */
static unsigned
engine_scan(struct sl_redact *rx, const char *s, size_t n, struct rx_raw *w)
{
	uint32_t st = ++rx->stamp;
	unsigned marked = 0;
	size_t i;

	memset(w, 0, sizeof(*w));
	w->hits = rx_ac_scan_raw(rx->ac, s, n, rx->candl, st, &w->complex,
	    &rx->rawtext);
	for (i = 0; i <= rx->rules.n; i++)
		if (rx->candl[i] == st && marked++ < RX_RAW_CANDS)
			w->cand[w->ncand++] = (uint32_t)i;
	w->rows = -1;
	if (w->hits == 0 && w->complex != 0)
		w->rows = rx_cr_row_clean(rx, w->complex, s, n);
	return marked;
}

static void
same_scan(const struct rx_raw *got, const struct rx_raw *want, size_t at)
{
	unsigned i;

	ck_assert_msg(got->hits == want->hits && got->complex ==
	    want->complex && got->rows == want->rows && got->ncand ==
	    want->ncand, "line at %zu: hits %zu/%zu flags %d/%d rows %d/%d "
	    "rules %u/%u", at, got->hits, want->hits, got->complex,
	    want->complex, got->rows, want->rows, got->ncand, want->ncand);
	for (i = 0; i < got->ncand; i++)
		ck_assert_uint_eq(got->cand[i], want->cand[i]);
}

/* ------------------------------------------------------------ the ring */

START_TEST(ahead_finds_what_the_engine_finds)
{
	struct sl_redact *rx = engine(2);
	size_t len, at = 0, n, clean = 0, rows = 0, hits = 0;
	char *log = varied_log(20000, &len);
	struct rx_raw got, want;
	struct rx_ahead *a;
	const char *s;
	unsigned marked;

	rx->ahead_ring = 1 << 15;	/* room for every line */
	rx->ahead_max = SIZE_MAX;
	a = rx_ahead_mem(rx, log, len);
	ck_assert_ptr_nonnull(a);
	rx_ahead_wait(a);
	while (next_line(log, len, &at, &s, &n)) {
		marked = engine_scan(rx, s, n, &want);
		/* More rules than a hint holds: the engine scans. */
		ck_assert_int_eq(rx_ahead_take(a, s, n, &got),
		    marked <= RX_RAW_CANDS);
		if (marked <= RX_RAW_CANDS)
			same_scan(&got, &want, (size_t)(s - log));
		clean += want.hits == 0 && want.complex == 0;
		rows += want.rows == 1;
		hits += want.hits > 0 && marked <= RX_RAW_CANDS;
	}
	/* Each kind was there to tell. */
	ck_assert_uint_gt(clean, 1000);
	ck_assert_uint_gt(rows, 1000);
	ck_assert_uint_gt(hits, 1000);
	rx_ahead_stop(a);
	free(log);
	sl_redact_free(rx);
}
END_TEST

/* Only the very bytes the thread scanned; lines not asked about pass. */
START_TEST(ahead_only_the_same_bytes)
{
	static const char log[] = "clean one\nclean two\r\nclean three\n"
	    "clean four\nclean five\n";
	struct sl_redact *rx = engine(2);
	struct rx_ahead *a = rx_ahead_mem(rx, log, sizeof(log) - 1);
	char copy[] = "clean four";
	struct rx_raw c;

	ck_assert_ptr_nonnull(a);
	rx_ahead_wait(a);
	ck_assert_int_eq(rx_ahead_take(a, copy, 10, &c), 0); /* elsewhere */
	ck_assert_int_eq(rx_ahead_take(a, log + 1, 8, &c), 0); /* inside */
	ck_assert_int_eq(rx_ahead_take(a, log + 10, 8, &c), 0); /* shorter */
	ck_assert_int_eq(rx_ahead_take(a, log + 10, 9, &c), 0); /* taken */
	/* "clean three" not asked about: "clean four" still is there. */
	ck_assert_int_eq(rx_ahead_take(a, log + 33, 10, &c), 1);
	ck_assert_uint_eq(c.hits, 0);
	ck_assert_int_eq(c.complex, 0);
	ck_assert_int_eq(rx_ahead_take(a, log + 44, 10, &c), 1);
	ck_assert_int_eq(rx_ahead_take(a, log + 44, 10, &c), 0); /* gone */
	rx_ahead_stop(a);
	sl_redact_free(rx);
}
END_TEST

/* A line longer than a piece is scanned by the engine, in pieces; the
 * lines after it are hinted again. */
START_TEST(ahead_long_line)
{
	size_t len = SL_LINE_PIECE * 2 + 100, at;
	struct sl_redact *rx = engine(2);
	char *log = malloc(len);
	struct rx_ahead *a;
	struct rx_raw c;

	memset(log, 'a', len);
	log[SL_LINE_PIECE * 2 + 50] = '\n';
	memcpy(log + len - 20, "\nafter the long one\n", 20);
	rx->ahead_max = SIZE_MAX;	/* rx_ahead_wait: never held */
	a = rx_ahead_mem(rx, log, len);
	ck_assert_ptr_nonnull(a);
	rx_ahead_wait(a);
	ck_assert_int_eq(rx_ahead_take(a, log, SL_LINE_PIECE, &c), 0);
	ck_assert_int_eq(rx_ahead_take(a, log, SL_LINE_PIECE * 2 + 50, &c),
	    0);
	at = len - 19;
	ck_assert_int_eq(rx_ahead_take(a, log + at, 18, &c), 1);
	rx_ahead_stop(a);
	free(log);
	sl_redact_free(rx);
}
END_TEST

/*
 * A ring of 4 and 256 bytes ahead, the engine not waiting: the thread
 * naps, falls behind and jumps, and what it hands over is always what
 * the engine would have found in that line.
 */
START_TEST(ahead_bounded_is_sound)
{
	struct sl_redact *rx = engine(2);
	size_t len, at, n, round;
	char *log = varied_log(30000, &len);
	struct rx_ahead *a;
	const char *s;
	struct rx_raw got, want;

	rx->ahead_ring = 4;
	rx->ahead_max = 256;
	for (round = 0; round < 3; round++) {
		a = rx_ahead_mem(rx, log, len);
		ck_assert_ptr_nonnull(a);
		at = 0;
		/* The engine scans every line, as it does those it is not
		 * told of: the thread keeps up some of the time. */
		while (next_line(log, len, &at, &s, &n))
			if (rx_ahead_take(a, s, n, &got)) {
				engine_scan(rx, s, n, &want);
				same_scan(&got, &want, (size_t)(s - log));
			} else
				engine_scan(rx, s, n, &want);
		rx_ahead_stop(a);
	}
	rx->ahead_ring = 3;	/* not a power of two: no thread */
	ck_assert_ptr_null(rx_ahead_mem(rx, log, len));
	free(log);
	sl_redact_free(rx);
}
END_TEST

/* ------------------------------------------------------- the engine */

struct run {
	struct sl_buf out, errs;
	int status;
	const char *cut;	/* truncate this file at the first write */
	off_t cut_at;
};

static int
run_write(void *arg, const void *p, size_t n)
{
	struct run *r = arg;

	if (r->cut != NULL) {
		ck_assert_int_eq(truncate(r->cut, r->cut_at), 0);
		r->cut = NULL;
	}
	sl_buf_add(&r->out, p, n);
	return SL_OK;
}

static void
run_err(void *arg, const char *where, const char *msg)
{
	struct run *r = arg;

	sl_buf_printf(&r->errs, "%s: %s\n", where, msg);
}

static struct sl_out *run_sink;

static struct sl_out *
run_open(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return run_sink;
}

static int
run_done(void *arg, struct sl_out *o, const char *name)
{
	(void)arg;
	(void)name;
	return sl_out_flush(o);
}

/*
 * Redact path (or log[0, len) in memory when path is NULL) with jobs,
 * into r; tune: a ring of 16, 4 KiB ahead, any size.
 */
static void
run(struct run *r, int jobs, int tune, const char *path, const char *log,
    size_t len)
{
	static const struct sl_redact_io io = { run_open, run_done, NULL };
	struct sl_redact *rx = engine(jobs);

	if (tune) {
		rx->ahead_min = 0;
		rx->ahead_ring = 16;
		rx->ahead_max = 4096;
	}
	sl_buf_init(&r->out);
	sl_buf_init(&r->errs);
	run_sink = sl_out_fn(run_write, r, "out");
	if (path != NULL) {
		r->status = sl_redact_path(rx, path, NULL, &io, run_err, r);
		if (sl_redact_end(rx) != SL_OK && r->status == SL_OK)
			r->status = SL_REJECT;
	} else
		r->status = sl_redact_mem(rx, "mem.log", log, len, NULL, &io,
		    run_err, r);
	ck_assert_int_eq(sl_out_close(run_sink, NULL), SL_OK);
	sl_redact_free(rx);
}

static void
same_runs(struct run *a, struct run *b)
{
	ck_assert_int_eq(a->status, b->status);
	ck_assert_str_eq(a->errs.len ? a->errs.buf : "",
	    b->errs.len ? b->errs.buf : "");
	ck_assert_uint_eq(a->out.len, b->out.len);
	ck_assert(memcmp(a->out.buf, b->out.buf, a->out.len) == 0);
}

static void
run_free(struct run *r)
{
	sl_buf_free(&r->out);
	sl_buf_free(&r->errs);
}

START_TEST(ahead_same_output_in_memory)
{
	size_t len;
	char *log = varied_log(40000, &len);
	struct run one, two;

	memset(&one, 0, sizeof one);
	memset(&two, 0, sizeof two);
	run(&one, 1, 0, NULL, log, len);
	ck_assert(memmem(one.out.buf, one.out.len, "[REDACTED:", 10) != NULL);
	run(&two, 2, 1, NULL, log, len);
	same_runs(&one, &two);
	run_free(&two);
	run(&two, 4, 0, NULL, log, len);	/* too small: no thread */
	same_runs(&one, &two);
	run_free(&one);
	run_free(&two);
	free(log);
}
END_TEST

/* A file read in place of 4 MiB and more: the thread reads the mapping;
 * cut while read, past where the thread got, the same message. */
START_TEST(ahead_same_output_mapped_and_cut)
{
	char path[] = "/tmp/sl-ahead-XXXXXX";
	size_t len;
	char *log = varied_log(160000, &len);
	struct run one, two;
	int fd = mkstemp(path), cut;

	ck_assert_int_ge(fd, 0);
	ck_assert_uint_gt(len, RX_AHEAD_MIN);
	for (cut = 0; cut < 2; cut++) {
		ck_assert_int_eq(pwrite(fd, log, len, 0), (ssize_t)len);
		memset(&one, 0, sizeof one);
		one.cut = cut ? path : NULL;
		one.cut_at = (off_t)len / 2 + 17;
		run(&one, 1, 0, path, NULL, 0);
		ck_assert_int_eq(pwrite(fd, log, len, 0), (ssize_t)len);
		memset(&two, 0, sizeof two);
		two.cut = cut ? path : NULL;
		two.cut_at = one.cut_at;
		run(&two, 2, 0, path, NULL, 0);
		same_runs(&one, &two);
		ck_assert_int_eq(strstr(one.errs.buf != NULL ? one.errs.buf :
		    "", "file shrank while being read") != NULL, cut);
		run_free(&one);
		run_free(&two);
	}
	close(fd);
	unlink(path);
	free(log);
}
END_TEST

static Suite *
ahead_suite(void)
{
	Suite *s = suite_create("redact_ahead");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ahead_finds_what_the_engine_finds);
	tcase_add_test(tc, ahead_only_the_same_bytes);
	tcase_add_test(tc, ahead_long_line);
	tcase_add_test(tc, ahead_bounded_is_sound);
	tcase_add_test(tc, ahead_same_output_in_memory);
	tcase_add_test(tc, ahead_same_output_mapped_and_cut);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(ahead_suite)
