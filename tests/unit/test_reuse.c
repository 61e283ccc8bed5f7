/*
 * test_reuse.c: a tty parked after one session (sl_tty_park) and taken
 * by the next sl_tty_new gives the records a new one gives, however the
 * first session left its renderer, prompt state and held rows.
 */
#include <string.h>

#include "check_main.h"
#include "internal.h"

#define ESC "\033"

/*
 * A session that leaves every kind of state behind: a learnt width
 * (readline's " \r" at column 40), prompt knowledge (bracketed paste, a
 * bare '#' prompt), an OSC title (host), tab stops, insert mode, DEC
 * graphics, colours, a saved cursor, a scroll region and its status
 * row, a held command row, the alternate screen, a cut sequence.
 */
static const char first[] =
    ESC "]0;root@first-host:~" "\a"
    ESC "[?2004h# echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \rbbbb\r\n"
    ESC "[?2004l\raaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbb\r\n"
    ESC "[?2004h# printf 'x\\ty\\n'\r\n"
    ESC "[?2004l\r" ESC "[3g" ESC "[5G" ESC "H" ESC "[1G" "x\ty\r\n"
    ESC "[4h" ESC "(0" ESC "[1;31m" ESC "7" ESC "[1;20r"
    ESC "[24;1HProgress: [ 40%]" ESC "[1;1H"
    ESC "[?2004h# vi notes\r\n"
    ESC "[?1049hscreen text\r\n"
    "\xe2\x82" ESC "[3";

/*
 * A session that shows any of it that is left: the saved cursor, tabs,
 * insert mode, the charset, colours, a " \r" at the old width, a row
 * below the old region, line numbers and host.  Its rows show no prompt
 * this tty knows of ("# " was learnt from the first), so it ends with a
 * no-prompt note, which the first session's commands would suppress.
 */
static const char second[] =
    ESC "8restored\r\n"
    "a\tb\tc\r\n"
    "qqqq " ESC "[32mgreen" ESC "[0m\r\n"
    "abc" ESC "[1Gz\r\n"
    "cccccccccccccccccccccccccccccccccccccccc \rdd\r\n"
    "# whoami\r\nroot\r\n"
    "1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8\r\n9\r\n10\r\n"
    "11\r\n12\r\n13\r\n14\r\n15\r\n16\r\n17\r\n18\r\n"
    ESC "[22;1Hlow row\r\n";

struct got {
	struct sl_buf json;
	long long records;
};

static int
put(void *arg, const struct sl_record *r)
{
	struct got *g = arg;

	sl_record_to_json(&g->json, r);
	g->records++;
	return SL_OK;
}

struct rig {
	struct sl_opts opts;
	struct sl_stats st;
	struct got got;
	struct sl_run *run;
	struct sl_reader rd;
};

static void
rig_init(struct rig *k)
{
	struct sl_sink sink;

	memset(k, 0, sizeof(*k));
	sl_buf_init(&k->got.json);
	memset(&sink, 0, sizeof(sink));
	sink.put = put;
	sink.arg = &k->got;
	k->run = sl_run_new(&k->opts, &sink, NULL, NULL);
	k->rd.run = k->run;
	k->rd.name = "t.log";
	k->rd.opts = &k->opts;
	k->rd.st = &k->st;
	k->rd.status = SL_OK;
	k->rd.want = SL_WANT_ATTRS;
}

static void
rig_free(struct rig *k)
{
	sl_run_free(k->run);
	sl_buf_free(&k->got.json);
}

/* One session through tty: its lines numbered from 1, then finished. */
static void
session(struct sl_tty *tty, const char *bytes, size_t n)
{
	sl_tty_set_line(tty, 1);
	sl_tty_feed(tty, bytes, n);
	sl_tty_finish(tty);
}

/* The records of `second` from a new tty, as JSON Lines, and its units. */
static void
fresh(struct sl_buf *json, long long *written, long long *merged)
{
	struct rig k;
	struct sl_tty *tty;

	rig_init(&k);
	tty = sl_tty_new(&k.rd, "s-0123456789abcdef0", SL_TTY_LINUX);
	session(tty, second, sizeof(second) - 1);
	sl_tty_free(tty);
	sl_buf_init(json);
	sl_buf_add(json, k.got.json.buf, k.got.json.len);
	*written = k.st.written;
	*merged = k.st.merged;
	rig_free(&k);
}

START_TEST(parked_tty_renders_as_new)
{
	struct sl_buf want;
	long long written, merged;
	struct rig k;
	struct sl_tty *a, *b;
	size_t before;

	fresh(&want, &written, &merged);
	ck_assert_ptr_nonnull(strstr(want.buf, "\"n\":1,"));

	rig_init(&k);
	a = sl_tty_new(&k.rd, "f-0123456789abcdef0", SL_TTY_LINUX);
	session(a, first, sizeof(first) - 1);
	ck_assert_str_eq(sl_tty_host(a), "first-host");
	sl_tty_park(a);
	ck_assert_uint_eq(sl_term_all_cells(), 0);	/* parked: not counted */

	before = k.got.json.len;
	k.st.written = k.st.merged = 0;
	b = sl_tty_new(&k.rd, "s-0123456789abcdef0", SL_TTY_LINUX);
	ck_assert_ptr_eq(b, a);		/* the parked one, reused */
	session(b, second, sizeof(second) - 1);
	ck_assert_ptr_null(sl_tty_host(b));
	ck_assert_msg(strcmp(k.got.json.buf + before, want.buf) == 0,
	    "a reused tty gave other records");
	ck_assert_int_eq(k.st.written, written);
	ck_assert_int_eq(k.st.merged, merged);

	/* Parked again, the run frees it; every cell is given back. */
	sl_tty_park(b);
	rig_free(&k);
	ck_assert_uint_eq(sl_term_all_cells(), 0);
	sl_buf_free(&want);
}
END_TEST

/* The test above can fail: the first session's state, kept, shows in
 * the second one's records. */
START_TEST(first_session_leaves_state)
{
	struct sl_buf want;
	long long written, merged;
	struct rig k;
	struct sl_tty *tty;
	size_t before;

	fresh(&want, &written, &merged);
	rig_init(&k);
	tty = sl_tty_new(&k.rd, "s-0123456789abcdef0", SL_TTY_LINUX);
	session(tty, first, sizeof(first) - 1);
	before = k.got.json.len;
	sl_tty_set_lines(tty, 0);	/* numbered from 1 again */
	session(tty, second, sizeof(second) - 1);
	ck_assert_msg(strcmp(k.got.json.buf + before, want.buf) != 0,
	    "the first session left nothing the second shows");
	sl_tty_free(tty);
	rig_free(&k);
	sl_buf_free(&want);
}
END_TEST

/* A parked tty of another kind is set up for the kind asked. */
START_TEST(parked_tty_changes_kind)
{
	struct sl_buf want;
	long long written, merged;
	struct rig k;
	struct sl_tty *tty;

	fresh(&want, &written, &merged);
	rig_init(&k);
	tty = sl_tty_new(&k.rd, "f-0123456789abcdef0", SL_TTY_STREAM);
	session(tty, first, sizeof(first) - 1);
	sl_tty_park(tty);
	k.got.json.len = 0;
	tty = sl_tty_new(&k.rd, "s-0123456789abcdef0", SL_TTY_LINUX);
	session(tty, second, sizeof(second) - 1);
	sl_tty_free(tty);
	ck_assert_msg(strcmp(k.got.json.buf, want.buf) == 0,
	    "a reused tty of another kind gave other records");
	rig_free(&k);
	sl_buf_free(&want);
}
END_TEST

static Suite *
reuse_suite(void)
{
	Suite *s = suite_create("reuse");
	TCase *tc = tcase_create("tty");

	tcase_add_test(tc, parked_tty_renders_as_new);
	tcase_add_test(tc, first_session_leaves_state);
	tcase_add_test(tc, parked_tty_changes_kind);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(reuse_suite)
