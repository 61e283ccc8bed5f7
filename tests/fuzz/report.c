/*
 * report: the report model of sl-report (lib/report*.c), its views and
 * its state files.
 *
 * Input: byte 0 holds options (bits 0-1 --group-by none, user, target or
 * day; bit 2 a --since/--until window; bit 3 --user/--target globs),
 * bytes 1-2 a split point; the rest is an input of any format.
 *
 * The input is read whole into one model, whose every view must be
 * produced (JSON that parses, text that is UTF-8), and, split at a line
 * boundary, as two inputs into another.  Then the state of the one
 * model, saved and loaded into a fresh one, must give the same JSON
 * report; and the states of two models, one per half, merged, must give
 * the report of the model that read both halves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sl_report_opts opts;

/* Feed p[0, n) as the input called name into rep. */
static void
feed(struct sl_report *rep, const char *name, const void *p, size_t n)
{
	struct sl_sink sink = { sl_report_put, NULL, 0 };
	struct sl_stats st;
	struct sl_run *run;

	sink.arg = rep;
	run = sl_run_new(NULL, &sink, fz_errfn, NULL);
	sl_report_input(rep, name);
	(void)fz_run_finish(run, sl_run_mem(run, name, p, n));
	sl_run_stats(run, &st);
	sl_report_add_stats(rep, &st);
	sl_run_free(run);
}

/* The report of type t in b. */
static void
view(struct sl_report *rep, enum sl_report_type t, struct sl_buf *b)
{
	int fd = fz_memfd("report", "", 0);
	struct sl_out *o = sl_out_fd(fd, "report", 0);

	if (sl_report_write(rep, t, o) != SL_OK)
		fz_fail("report type %d failed", (int)t);
	sl_out_flush(o);
	fz_slurp(fd, b);
	sl_out_close(o, NULL);
	if (!fz_utf8_ok(b->buf, b->len))
		fz_fail("report type %d is not valid UTF-8", (int)t);
}

static void
all_views(struct sl_report *rep, struct sl_buf *json)
{
	struct sl_buf b;
	json_error_t e;
	json_t *j;
	int t;

	sl_buf_init(&b);
	for (t = SL_REPORT_TEXT; t <= SL_REPORT_HTML; t++)
		if (t != SL_REPORT_JSON)
			view(rep, (enum sl_report_type)t, &b);
	sl_buf_free(&b);
	view(rep, SL_REPORT_JSON, json);
	if ((j = json_loadb(json->buf, json->len, 0, &e)) == NULL)
		fz_fail("JSON report does not parse: %s", e.text);
	json_decref(j);
}

/* Save rep's state and load it into into. */
static void
reload(struct sl_report *rep, struct sl_report *into)
{
	int fd = fz_memfd("state", "", 0);
	struct sl_out *o = sl_out_fd(dup(fd), "state", 0);
	struct sl_error err;
	char path[64];

	if (sl_report_save(rep, o) != SL_OK || sl_out_close(o, NULL) != SL_OK)
		fz_fail("saving the state failed");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (sl_report_load(into, path, &err) != SL_OK)
		fz_fail("loading a saved state: %s", err.msg);
	close(fd);
}

static void
same(const char *what, const struct sl_buf *a, const struct sl_buf *b,
    const char *tag)
{
	size_t i = 0;

	if (a->len == b->len && memcmp(a->buf, b->buf, a->len) == 0)
		return;
	if (fz_allowed(tag))
		return;
	while (i < a->len && i < b->len && a->buf[i] == b->buf[i])
		i++;
	fz_fail("[%s] %s differ from byte %zu:\n%.300s\n---\n%.300s", tag,
	    what, i, a->buf + (i > 100 ? i - 100 : 0),
	    b->buf + (i > 100 ? i - 100 : 0));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const groups[] = { NULL, "user", "target", "day" };
	struct sl_report *whole, *back, *two, *h1, *h2, *merged;
	struct sl_buf j1, j2, j3, j4;
	unsigned flags;
	size_t at;

	if (size < 3)
		return 0;
	flags = data[0];
	at = (size_t)data[1] << 8 | data[2];
	data += 3;
	size -= 3;
	memset(&opts, 0, sizeof(opts));
	opts.group_by = groups[flags & 3];
	if (flags & 4) {
		opts.has_since = opts.has_until = 1;
		opts.since = 1704067200000LL;	/* 2024-01-01 */
		opts.until = 1735689600000LL;	/* 2025-01-01 */
	}
	if (flags & 8) {
		opts.user_glob = "*a*";
		opts.target_glob = "i-*";
	}
	opts.keep_state = 1;
	at = size > 0 ? at % (size + 1) : 0;
	while (at > 0 && data[at - 1] != '\n')
		at--;
	sl_buf_init(&j1);
	sl_buf_init(&j2);
	sl_buf_init(&j3);
	sl_buf_init(&j4);

	whole = sl_report_new(&opts);
	feed(whole, FZ_NAME, data, size);
	all_views(whole, &j1);
	back = sl_report_new(&opts);
	reload(whole, back);
	view(back, SL_REPORT_JSON, &j2);
	same("reports before and after a state round trip", &j1, &j2,
	    "state");

	two = sl_report_new(&opts);
	feed(two, "a-0123456789abcdef0.log", data, at);
	feed(two, "b-0123456789abcdef0.log", data + at, size - at);
	view(two, SL_REPORT_JSON, &j3);
	h1 = sl_report_new(&opts);
	feed(h1, "a-0123456789abcdef0.log", data, at);
	h2 = sl_report_new(&opts);
	feed(h2, "b-0123456789abcdef0.log", data + at, size - at);
	merged = sl_report_new(&opts);
	reload(h1, merged);
	reload(h2, merged);
	view(merged, SL_REPORT_JSON, &j4);
	same("reports of two inputs, read together and merged", &j3, &j4,
	    "merge");

	sl_report_free(whole);
	sl_report_free(back);
	sl_report_free(two);
	sl_report_free(h1);
	sl_report_free(h2);
	sl_report_free(merged);
	sl_buf_free(&j1);
	sl_buf_free(&j2);
	sl_buf_free(&j3);
	sl_buf_free(&j4);
	return 0;
}
