/*
 * test_stream.c: what a streamed element still tells of lost edits
 * (lib/render/stream.c): sl_stream_scan on one element's bytes, and
 * sl_stream_unsure on the command row rendered from it.  The elements
 * are cut from the truth harness's captures (tests/truth).
 */
#include <string.h>

#include "check_main.h"
#include "internal.h"

static unsigned
scan_all(const char *s)
{
	return sl_stream_scan(s, strlen(s));
}

static unsigned
scan(const char *s)
{
	return scan_all(s) & SL_ROW_STREAM_ANY;
}

START_TEST(erase_shorter_than_typo)
{
	/* readline's BS BS EL, stripped: the shorter fix leaves "zzk"'s end */
	ck_assert_uint_eq(scan("$ echo zzzk\b\b\b\bab"), SL_ROW_STREAM_EDIT);
	/* ...kept: the EL erased it */
	ck_assert_uint_eq(scan("\x1b]0;t\x07$ echo zzk\b\b\b\x1b[Kab"), 0);
	/* a longer fix covers it */
	ck_assert_uint_eq(scan("$ echo zzk\b\b\bnovember686 mike"), 0);
	/* the tty's own erase, "\b \b": blanks are left, no text */
	ck_assert_uint_eq(scan("$ ls -lx\b \b\b \ba"), 0);
}
END_TEST

START_TEST(stripped_moves)
{
	unsigned f = scan_all("$ ls -lzzk\b\b\b");

	/* moved left, or erased with an EL stripped: which, readline's
	 * bytes no longer say */
	ck_assert(f & SL_ROW_STREAM_LEFT);
	/* ...but back over the rest drawn again after an insert is a move */
	f = scan_all("$ echo holpha\b\b\b\btlpha\b\b\b\b");
	ck_assert(!(f & SL_ROW_STREAM_LEFT));
	/* an escape kept: the EL would be there */
	f = scan_all("\x1b]0;t\x07$ ls -lzzk\b\b\b");
	ck_assert(!(f & SL_ROW_STREAM_LEFT));
}
END_TEST

START_TEST(insert_redraws_the_rest)
{
	/* readline inserts by drawing the rest again and moving back */
	ck_assert_uint_eq(scan("$ echo holpha\b\b\b\btlpha\b\b\b\b"), 0);
	/* ...or with ICH kept in the line */
	ck_assert_uint_eq(scan("\x1b]0;t\x07$ ech india\b\b\b\b\b\b\x1b[1@o"),
	    0);
}
END_TEST

/*
 * busybox inserts by drawing the rest of the line again and moving back
 * with CUB, which the stripper takes: text after such a redraw went
 * elsewhere.  (busybox fresh seeds 69, 93, 100, streamed.)
 */
START_TEST(busybox_insert_then_more)
{
	/* Left x6, `c`, End (drawn again): "charlie" + "harlie" */
	ck_assert_uint_eq(scan("$ echo lima380 harlie\b\b\b\b\b\bcharlieharlie"),
	    SL_ROW_STREAM_EDIT);
	/* three inserts in a row, each with the rest of the line */
	ck_assert_uint_eq(scan("$ echo india india\b\b\b\b\b\b2 india3 india8 "
	    "india india"), SL_ROW_STREAM_EDIT);
	/* one insert and nothing after it: the line as the screen shows */
	ck_assert_uint_eq(scan("$ echo lima380 harlie\b\b\b\b\b\bcharlie"), 0);
	/* busybox's BS at the end (its ED stripped), then a longer word */
	ck_assert_uint_eq(scan("$ echo zq\b\bhello zq there"), 0);
}
END_TEST

/*
 * Delete draws the rest of the line less what it deleted, and moves
 * back with CUB (busybox) or deletes with DCH first (zsh), both taken
 * by the stripper.  (truth seeds busybox-417 and zsh-plain-421 with the
 * delete_key feature, streamed.)
 */
START_TEST(delete_redraws_the_rest)
{
	/* busybox: Left x8 onto "zzk", Delete x3 */
	ck_assert_uint_eq(scan("$ echo golf563 zzkhotel\b\b\b\b\b\b\b\b"
	    "zkhotelkhotelhotelhotel"), SL_ROW_STREAM_EDIT);
	/* zsh: Left x10 onto "vvq", Delete x3 */
	ck_assert_uint_eq(scan("$ echo mike73vvq0 hotel\b\b\b\b\b\b\b\b"
	    "\b\bq0 hotel q0 hotel 0 hotel "), SL_ROW_STREAM_EDIT);
	/* typed over with what the line had: nothing went on past it */
	ck_assert_uint_eq(scan("$ echo zzkhotel\b\b\b\b\b\b\b\bzzkhotel"), 0);
}
END_TEST

START_TEST(kept_moves_without_their_cr)
{
	/* Home: CR (gone), then forward over the prompt: past the end */
	ck_assert_uint_eq(scan("\x1b]0;t\x07$ cho x\x1b[C\x1b[C\x1b[1@e"),
	    SL_ROW_STREAM_EDIT);
	/* up: an edit across a wrap */
	ck_assert_uint_eq(scan("\x1b]0;t\x07$ echo a\x1b[Ab"),
	    SL_ROW_STREAM_EDIT);
}
END_TEST

START_TEST(bell_and_search)
{
	ck_assert_uint_eq(scan("\x1b]0;t\x07$ cat alpha_\x07"),
	    SL_ROW_STREAM_BELL);
	/* busybox: the bell, then the same line drawn again */
	ck_assert_uint_eq(scan("/w $ cat a_\x07/w $ cat a_"),
	    SL_ROW_STREAM_BELL);
	/* ...behind less's ':' (busybox fresh seeds 110, 111, 157) */
	ck_assert_uint_eq(scan(":/w $ cat a_\x07/w $ cat a_"),
	    SL_ROW_STREAM_BELL);
	/* the bell, then typing on: the line goes on */
	ck_assert_uint_eq(scan("$ cat alp\x07ha_report.txt"), 0);
	ck_assert(scan("sh-5.2$ (reverse-i-search)`': \b\b\bd': echo d") &
	    SL_ROW_STREAM_SEARCH);
	ck_assert(scan("bck-i-search: e_") & SL_ROW_STREAM_SEARCH);
}
END_TEST

START_TEST(tail_after_last_control)
{
	unsigned f = scan_all("$ a\bbc");

	ck_assert_uint_eq(SL_ROW_STREAM_TAIL(f), 2);
	/* the search's own text is not a tail that clears it */
	f = scan_all("bck-i-search: _cat x");
	ck_assert_uint_eq(SL_ROW_STREAM_TAIL(f), 8);	/* ": _cat x" */
}
END_TEST

static int
unsure(struct sl_stream *st, unsigned flags, const char *row, size_t plen)
{
	return sl_stream_unsure(st, flags, row, strlen(row), plen);
}

START_TEST(unsure_rows)
{
	struct sl_stream st = { SL_STREAM_EDITOR, 0, 0, 0, 0, 0 };
	struct sl_stream zsh = { SL_STREAM_EDITOR, 80, 0, 0, 0, 0 };
	const char *search = "$ (reverse-i-search)`': $ echo hi";
	unsigned f = sl_stream_scan(search, strlen(search));

	const unsigned kept = SL_ROW_STREAM_KEPT;

	ck_assert(!unsure(&st, kept, "$ echo hi", 2));
	/* a bare BS at the end: in doubt for readline, not for zsh */
	ck_assert(unsure(&st, SL_ROW_STREAM_LEFT, "$ echo hi", 2));
	ck_assert(!unsure(&zsh, SL_ROW_STREAM_LEFT, "$ echo hi", 2));
	ck_assert(unsure(&st, SL_ROW_STREAM_EDIT, "$ echo hi", 2));
	/* the search came before the line typed anew */
	ck_assert(!unsure(&st, f, search, strlen(search) - 7));
	ck_assert(unsure(&st, f, search, 2));
	/* zsh's erase with spaces; text drawn twice side by side */
	ck_assert(unsure(&st, 0, "vm% rm -rf qwv          cut x", 4));
	ck_assert(!unsure(&st, kept, "vm% echo 'a   b'", 4));
	ck_assert(unsure(&st, 0, "vm% cho kilo289 hotelecho kilo289 hotel x",
	    4));
	ck_assert(!unsure(&st, kept, "vm% echo alpha alpha alpha", 4));
}
END_TEST

/*
 * bash-vi 30 (48 columns): a search cancelled; readline climbs, moves
 * right, and draws the prompt again after "\r\e[30P" (the CR stripped),
 * last in the element.  The row's text after the prompt's copy is the
 * old line's leftover, not text drawn after it.  bash-al2023 445's next
 * search: the line typed after the prompt in the same element.  The
 * elements' ends, cut; the rows as rendered, from the prompt's copy.
 */
#define VI30_END "0': echo \x1b[7mdelta250\x1b[27m juliet\x1b[A" \
	"\x1b[C\x1b[C\x1b[C\x1b[30Pnobody@vm:~/work$ "
#define AL445_END "\x1b[A\x1b[C\x1b[C\x1b[9Pnobody@vm:~/work$ " \
	"echo charlie575 november"

START_TEST(shifted_tail)
{
	struct sl_stream st = { SL_STREAM_EDITOR, 0, 0, 0, 0, 0 };
	const char *search = "$ (reverse-i-search)`': \x1b[K" VI30_END;
	unsigned f = scan_all(search), g;

	ck_assert_uint_ne(f & SL_ROW_STREAM_SHIFTED, 0);
	ck_assert(unsure(&st, f, "nobody@vm:~/work$ delta250 juliet", 18));
	search = "$ (reverse-i-search)`': \x1b[K" AL445_END;
	g = scan_all(search);
	ck_assert_uint_ne(g & SL_ROW_STREAM_SHIFTED, 0);
	ck_assert(!unsure(&st, g, "nobody@vm:~/work$ echo charlie575 november",
	    18));
	/* Text after a colour or a title is not at the line's start. */
	ck_assert_uint_eq(scan_all("\x1b[9P\x1b[01;32mu@vm\x1b[00m$ ls") &
	    SL_ROW_STREAM_SHIFTED, 0);
	ck_assert_uint_eq(scan_all("$ ab\x1b[2P") & SL_ROW_STREAM_SHIFTED, 0);
}
END_TEST

/*
 * busybox 431 (40 columns): busybox cut its line right after a blank
 * (`…$ echo `, the rest on the next line); the row lost the blank, so it
 * is 39 columns, and a row as wide that ended on no blank is no cut.
 */
#define BB431 "/tmp/sl-truth-obh7640j/home/work $ "

START_TEST(cut_after_blank)
{
	struct sl_stream st = { SL_STREAM_CUTS, 0, 0, 0, 0, 1 };
	struct sl_stream typed = { SL_STREAM_CUTS, 0, 0, 0, 0, 0 };

	ck_assert(unsure(&st, 0, BB431 "echo", 35));
	ck_assert(!unsure(&typed, 0, BB431 "true", 35));
	/* Narrower than the widest row: no cut. */
	st.widest = 45;
	ck_assert(!unsure(&st, 0, BB431 "echo", 35));
}
END_TEST

/* The tty's echo (dash) draws nothing twice: a line typed with a
 * repeat in it is the line (dash seed 19's row, captured). */
START_TEST(canon_repeats_are_typed)
{
	struct sl_stream st = { SL_STREAM_EDITOR, 0, 0, 0, 0, 0 };
	const char *row = "$ echo alpha golf hotel kilo charlie kilo charlie "
	    "echo alpha kilo delta foxtrot";
	const char *side = "$ cho kilo289 hotelecho kilo289 hotel x";

	st.width = 200;		/* the width says nothing here */
	ck_assert(unsure(&st, 0, side, 2));
	st.kind = SL_STREAM_CANON;
	ck_assert(!unsure(&st, 0, row, 2));
	ck_assert(!unsure(&st, 0, side, 2));
	st.kind = SL_STREAM_CUTS;
	ck_assert(unsure(&st, 0, side, 2));
}
END_TEST

START_TEST(unsure_width)
{
	struct sl_stream st = { SL_STREAM_EDITOR, 0, 0, 0, 0, 0 };
	const char *longrow = "nobody@vm:~/work$ for i in 1 2 3 4 5; do "
	    "printf x; done";
	const unsigned kept = SL_ROW_STREAM_KEPT;

	/* readline: a space past the narrowest width may be its mark */
	ck_assert(unsure(&st, 0, longrow, 18));
	ck_assert(!unsure(&st, 0, "nobody@vm:~/work$ ls", 18));
	/* columns, not bytes (its title kept, bash-al2023, captured): the
	 * last space at byte 44 is in column 37; one CJK character on, 39;
	 * two, 41.  "\xc3\xa9" takes one column. */
#define AL "[nobody@vm work]$ echo "
#define JA "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae" \
	    "\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88"
	ck_assert(!unsure(&st, kept, AL JA " \xe4\xb8\xad\xe6\x96\x87", 18));
	ck_assert(!unsure(&st, kept, AL JA "\xe4\xb8\xad x", 18));
	ck_assert(unsure(&st, kept, AL JA "\xe4\xb8\xad\xe6\x96\x87 x", 18));
	ck_assert(!unsure(&st, kept, AL "h\xc3\xa9llo w\xc3\xb6rld caf\xc3\xa9 x",
	    18));
	ck_assert(unsure(&st, kept, AL "h\xc3\xa9llo w\xc3\xb6rld caf\xc3\xa9 xy z",
	    18));
#undef AL
#undef JA
	/* the tty's echo adds nothing */
	st.kind = SL_STREAM_CANON;
	ck_assert(!unsure(&st, 0, longrow, 18));
	/* zsh's mark told the width */
	st.kind = SL_STREAM_EDITOR;
	st.width = 80;
	ck_assert(!unsure(&st, 0, longrow, 18));
	st.width = 50;
	ck_assert(unsure(&st, 0, longrow, 18));
	/* busybox: a row narrower than one seen was not cut */
	st.width = 0;
	st.kind = SL_STREAM_CUTS;
	ck_assert(unsure(&st, 0, longrow, 18));
	ck_assert(!unsure(&st, 0, "nobody@vm:~/work$ echo one two three", 18));
}
END_TEST

/*
 * Escapes cut short, as the end of an element can cut them: a lone ESC,
 * a CSI without its final byte, an OSC without its BEL or ST.  The scan
 * stays inside the bytes (ASan checks), draws no text for what the
 * escape swallowed, and flags nothing.
 */
START_TEST(cut_escapes)
{
	static const char *const cut[] = {
		"\x1b",
		"$ ls\x1b",
		"$ ls -l\x1b[",
		"$ ls -l\x1b[12;3",
		"\x1b]0;user@host: ~",
		"\x1b]0;user@host: ~\x1b",
		"\x1b]0;t\x07$ a\b\x1b]0;u",
	};
	size_t i;
	unsigned f;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		f = scan_all(cut[i]);
		ck_assert_msg((f & (SL_ROW_STREAM_ANY | SL_ROW_STREAM_LEFT)) == 0,
		    "%zu: flags %#x", i, f);
		ck_assert_msg(SL_ROW_STREAM_TAIL(f) == 0, "%zu: tail %u", i,
		    SL_ROW_STREAM_TAIL(f));
	}
	/* The BEL that ends an OSC is not the bell; cut, there is none. */
	ck_assert_uint_eq(scan("\x1b]0;t\x07"), 0);
	/* ...nor after text: the element does not end on a bell. */
	ck_assert_uint_eq(scan("$ x\x1b]0;cat a_\x07"), 0);
	/* Text after an escape cut at a CSI's parameters is not drawn. */
	ck_assert_uint_eq(SL_ROW_STREAM_TAIL(scan_all("$ ab\x1b[1")), 0);
	/* One byte left after ESC: a two-byte escape, the rest is tail. */
	ck_assert_uint_eq(SL_ROW_STREAM_TAIL(scan_all("\x1b" "7ab")), 2);
}
END_TEST

START_TEST(hidden_cr_moves)
{
	struct sl_stream st = { SL_STREAM_EDITOR, 0, 0, 0, 0, 0 };
	/* bash-sh, Home then "e" inserted at the start, then End: CR,
	 * cursor-forwards and ICH all stripped (captured element) */
	const char *home = "sh-5.2$ cho delta987 bravoe x";
	unsigned f = scan_all(home);

	ck_assert(!(f & SL_ROW_STREAM_KEPT));
	ck_assert(unsure(&st, f, home, 8));
	/* Ctrl-U: "rm -rf kqz", CR, forwards, EL, then the line that ran */
	ck_assert(unsure(&st, 0, "sh-5.2$ rm -rf kqzprintf '%s' one", 8));
	/* the cursor never went past twice the prompt and one: a move
	 * back would have been BSs */
	ck_assert(!unsure(&st, 0, "sh-5.2$ ls -l", 8));
	ck_assert(!unsure(&st, 0, "sh-5.2$ echo a bc", 8));	/* 17 */
	ck_assert(unsure(&st, 0, "sh-5.2$ echo a bcd", 8));	/* 18 */
	/* an escape kept: the cursor-forwards would be there */
	f = scan_all("\x1b]0;t\x07sh-5.2$ cho delta987 bravo\x1b[C\x1b[1@e");
	ck_assert(f & SL_ROW_STREAM_KEPT);
	ck_assert(!unsure(&st, SL_ROW_STREAM_KEPT, home, 8));
	/* not readline's: the tty's echo, busybox, zsh (its width known) */
	st.kind = SL_STREAM_CANON;
	ck_assert(!unsure(&st, 0, "$ echo delta987 bravo", 2));
	st.kind = SL_STREAM_EDITOR;
	st.width = 80;
	ck_assert(!unsure(&st, 0, "vm% echo delta987 bravo", 4));
}
END_TEST

START_TEST(zsh_lost_moves)
{
	struct sl_stream zsh = { SL_STREAM_EDITOR, 80, 0, 0, 0, 0 };
	/* "ft", Left, "o", "x", Right (cursor-forward, stripped), "r"...
	 * (captured, zsh-plain): "t" is drawn over itself */
	const char *right = "vm% e\becho golf338 ft\bot\bxt\bt\brt\bot\b";
	/* inserts and a deletion: the line grows, or ends blank */
	const char *insert = "vm% e\becho hotelia\b\b3ia\b\b0ia\b\b";
	const char *erase = "vm% e\becho abxc\b\bc \b\b";
	unsigned f = scan_all(right);

	ck_assert(f & SL_ROW_STREAM_SAME);
	ck_assert(unsure(&zsh, f, "vm% echo golf338 foxrot", 4));
	ck_assert(!(scan_all(insert) & SL_ROW_STREAM_SAME));
	ck_assert(!(scan_all(erase) & SL_ROW_STREAM_SAME));
	/* kept escapes (oh-my-zsh's title): the moves are there */
	ck_assert(!unsure(&zsh, f | SL_ROW_STREAM_KEPT,
	    "vm% echo golf338 foxrot", 4));
	/* Two Deletes as one redraw (zsh-plain 37, captured): DCH, a
	 * cursor-forward, a blank at the end, a cursor-back, the rest; the
	 * blank lands first: no deletion of the rest, which it was drawn
	 * over (`echo kilo6 91 alpha` for `echo kilo691 alpha`). */
	f = scan_all("vm% e\becho kilo6xq91 alpha\b\b\b\b\b\b\b\b\b\b"
	    " 91 alpha ");
	ck_assert(f & SL_ROW_STREAM_SAME);
	ck_assert(unsure(&zsh, f, "vm% echo kilo6 91 alpha", 4));
	/* A deletion drawn from a character before it (zsh-plain 12,
	 * captured: `q` erased by `c ` drawn from the `c`). */
	ck_assert(!(scan_all("vm% c\bcqwv\b \b\b \b\b\bc \b\bcat notes.txt") &
	    SL_ROW_STREAM_SAME));
	/* Home: cursor-back stripped, the line drawn again with its
	 * unchanged parts skipped: a long stretch seen before */
	ck_assert(unsure(&zsh, 0,
	    "vm% cho november888 julietecho november8 juliet x", 4));
	ck_assert(!unsure(&zsh, 0, "vm% echo alpha alpha alpha", 4));
	/* A redraw repeats the line's start: a path given twice is none */
	ck_assert(!unsure(&zsh, 0,
	    "vm% cp /home/user/project/a.txt /home/user/project/b.txt", 4));
	ck_assert(!unsure(&zsh, 0,
	    "vm% diff -u lib/render/term.c old/lib/render/term.c", 4));
	ck_assert(!unsure(&zsh, 0,
	    "vm% tar -C /srv/www/static -xf /srv/www/static.tar", 4));
	/* ...but a copy of the start, its first byte lost, still is */
	ck_assert(unsure(&zsh, 0,
	    "vm% ho november888 julietecho november8 juliet x", 4));
}
END_TEST

/*
 * zsh in vi mode moves to an insert point with CUB and CUF (`0`, `w`),
 * which the stripper takes: the insert, drawn with the rest of the line
 * and moved back over it, lands at the end (zsh-vi seed 2, streamed).
 */
START_TEST(zsh_lost_insert_point)
{
	struct sl_stream zsh = { SL_STREAM_EDITOR, 80, 0, 0, 0, 0 };
	const char *lost = "vm% e\becho bravocbravo\b\b\b\b\bhbravo"
	    "\b\b\b\b\b";
	const char *row = "vm% echo bravocharlie799 bravo";
	unsigned f = scan_all(lost);

	ck_assert(f & SL_ROW_STREAM_END_INSERT);
	ck_assert(unsure(&zsh, f, row, 4));
	/* kept escapes (oh-my-zsh's title): the moves are there */
	ck_assert(!unsure(&zsh, f | SL_ROW_STREAM_KEPT, row, 4));
	/* the insert at its place: the rest drawn over itself */
	ck_assert(!(scan_all("vm% e\becho bravo\b\b\b\b\bcbravo"
	    "\b\b\b\b\b") & SL_ROW_STREAM_END_INSERT));
	/* text typed at the end, a typo erased */
	ck_assert(!(scan_all("vm% e\becho alpha kilozq\b\b") &
	    SL_ROW_STREAM_END_INSERT));
	/* a plain erase after text ending "T?T": no insert (revB zw0) */
	ck_assert(!(scan_all("vm% e\becho test test\b \bing") &
	    SL_ROW_STREAM_END_INSERT));
	ck_assert(!(scan_all("vm% e\bls foo/foo\b \b") &
	    SL_ROW_STREAM_END_INSERT));
}
END_TEST

/*
 * Rows of a zsh stream (prompt `vm% `) that must be flagged, unless their
 * escapes were kept (the moves are there) or the tty echoed them (the
 * one at tty_at: no redraw), and typed rows that must not be.
 */
static void
expect_zsh_unsure(const char *const *glued, size_t nglued, size_t tty_at,
    const char *const *typed, size_t ntyped)
{
	struct sl_stream zsh = { SL_STREAM_EDITOR, 80, 0, 0, 0, 0 };
	struct sl_stream tty = { SL_STREAM_CANON, 0, 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < nglued; i++) {
		ck_assert_msg(unsure(&zsh, 0, glued[i], 4), "%zu", i);
		ck_assert(!unsure(&zsh, SL_ROW_STREAM_KEPT, glued[i], 4));
	}
	ck_assert(!unsure(&tty, 0, glued[tty_at], 4));
	for (i = 0; i < ntyped; i++)
		ck_assert_msg(!unsure(&zsh, 0, typed[i], 4), "%zu", i);
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * zsh draws a key typed inside the line with the rest after it and moves
 * back with CUB, stripped: copies of the rest glued into words (zsh-plain
 * 410, 78, streamed).  Stretches typed twice stand between blanks or
 * punctuation, or repeat a pattern: not flagged.
 */
START_TEST(zsh_glued_rest)
{
	static const char *const inserted[] = {
		"vm% echo novemberinovembernovemberdnovember x",
		"vm% cho november938 novemberecho938 november x",
		"vm% echo lima charliexcharlie",
		"vm% echo novemberinovember",
	};
	static const char *const typed[] = {
		"vm% ssh node1 node2 node3 node4",
		"vm% cp notes.txt /backup/notes.txt",
		"vm% mv report2024.csv old/report2024.csv",
		"vm% curl https://example.com/a?next=https://example.com/b",
		"vm% echo ================ done",
		"vm% echo abababababababab",
	};

	expect_zsh_unsure(inserted, N(inserted), 2, typed, N(typed));
}
END_TEST

/*
 * zsh-autosuggestions' suggestion, its move back stripped: the line
 * typed goes on inside it, its first word glued to a cut word
 * (zsh-plugins 90, streamed).  A first word typed again after a blank
 * or punctuation, or too short to tell (`ls `), is not flagged.
 */
START_TEST(zsh_suggestion_glued_start)
{
	static const char *const glued[] = {
		"vm% echo foxtroecho kilo725 kilo",
		"vm% tail -2 alpha.lotail -2 beta.log",
	};
	static const char *const typed[] = {
		"vm% echo a; echo b",
		"vm% echo echo",
		"vm% ls tools",
		"vm% grep -r x ./grep y",
	};

	expect_zsh_unsure(glued, N(glued), 0, typed, N(typed));
}
END_TEST

/*
 * Blanks past the line's end, drawn by a run that began inside it: the
 * suggestion they erased was drawn, its move back stripped (zsh-plugins
 * 139, captured).  A deletion's blanks stay inside the line; blanks
 * typed at the end are one or two.
 */
START_TEST(zsh_erased_past_end)
{
	struct sl_stream zsh = { SL_STREAM_EDITOR, 64, 0, 0, 0, 0 };
	unsigned f = scan_all("vm% l\bls --color=always\bls -l            ");

	ck_assert(f & SL_ROW_STREAM_SAME);
	ck_assert(unsure(&zsh, f, "vm% ls --color=alwayls -l", 4));
	ck_assert(!(scan_all("vm% e\becho abxc\b\bc \b\b") &
	    SL_ROW_STREAM_SAME));
	ck_assert(!(scan_all("vm% e\bec\b\bech\b\b\becho ") &
	    SL_ROW_STREAM_SAME));
	ck_assert(!(scan_all("vm% l\bls\b\bls  ") & SL_ROW_STREAM_SAME));
}
END_TEST

/* fish's climb of one row that ends an element is not drawn (the CR LF
 * after it came back to the row's start); anything else is. */
START_TEST(final_climb_not_drawn)
{
	static const struct {
		const char *el;
		size_t drawn;
	} cases[] = {
		{ "u@vm ~/work> echo lima hotel\x1b[A", 28 },
		{ "u@vm ~/work> echo lima hotel\x1b[1A", 28 },
		{ "\x1b[A", 0 },
		{ "u@vm ~/work> echo lima hotel\x1b[2A", 32 },
		{ "u@vm ~/work> echo lima hotel\x1b[Ax", 32 },
		{ "\x1b[A\x1b[73Decho lima", 17 },
		{ "echo A", 6 },
		{ "[A", 2 },
		{ "1A", 2 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(sl_stream_drawn(cases[i].el, strlen(cases[i].el)) ==
		    cases[i].drawn, "%zu", i);
}
END_TEST

/* ksh93's line drawn again, stripped: the text, blanks to the margin
 * and as many BS (ksh93 seed 1 at 47 columns: its first line drawn
 * again at the terminal's size, the prompt twice; a Ctrl-L, once). */
#define KSH_P	"nobody@vm:~/work$ "
#define KSH_PAD28	"                            "
#define KSH_BS28	"\b\b\b\b\b\b\b\b\b\b\b\b\b\b" \
			"\b\b\b\b\b\b\b\b\b\b\b\b\b\b"

START_TEST(ksh_pad_redraw)
{
	static const char first[] = KSH_P KSH_P KSH_PAD28 KSH_BS28
	    "echo mike964 india";
	static const char ctrl_l[] = KSH_P "l" KSH_PAD28 KSH_BS28 "s";
	/* mksh's pad of blanks follows its line; a typo erased is one. */
	static const char mksh[] = "nobody@vm:~/work $ nobody@vm:~/work $ "
	    "echo golf909 foxtrot   ";
	static const char typo[] = KSH_P "echqwv\b \b\b \b\b \bo foxtrot755";

	ck_assert_int_eq(sl_stream_ksh_redraw(first, strlen(first)), 1);
	ck_assert_uint_eq(sl_stream_ksh_pad(first, strlen(first)), 36);
	ck_assert_int_eq(sl_stream_ksh_redraw(ctrl_l, strlen(ctrl_l)), 0);
	ck_assert_uint_eq(sl_stream_ksh_pad(ctrl_l, strlen(ctrl_l)), 19);
	ck_assert_uint_eq(sl_stream_ksh_pad(mksh, strlen(mksh)), 0);
	ck_assert_int_eq(sl_stream_ksh_redraw(mksh, strlen(mksh)), 0);
	ck_assert_uint_eq(sl_stream_ksh_pad(typo, strlen(typo)), 0);
	ck_assert_uint_eq(sl_stream_ksh_pad("\b\b", 2), 0);
	ck_assert_uint_eq(sl_stream_ksh_pad("", 0), 0);
}
END_TEST

/* oh-my-zsh's title as a command starts, first in its element (zsh-omz
 * seed 222's and 217's elements, cut). */
/* A continuation line zsh redrew with its suggestion, typed over
 * (zsh-plugins 5): the blanks an erase left inside it; indentation and
 * quoted runs are typed. */
START_TEST(cont_left_blanks)
{
	static const char left[] = "for> echo foxtrot447 foxtrot echo i"
	    "                   tem $i";
	const unsigned moved = SL_ROW_STREAM_TAIL_SET(31);

	ck_assert_int_eq(sl_stream_cont_unsure(moved, left, strlen(left), 5),
	    1);
	ck_assert_int_eq(sl_stream_cont_unsure(moved, "for>   echo item $i", 19,
	    5), 0);
	ck_assert_int_eq(sl_stream_cont_unsure(moved, "for> echo 'a    b'", 18,
	    5), 0);
	ck_assert_int_eq(sl_stream_cont_unsure(moved, "for> the end   ", 15, 5),
	    0);
	ck_assert_int_eq(sl_stream_cont_unsure(moved, "for> ", 5, 5), 0);
}
END_TEST

/* Aligned text typed straight at a PS2 (`port    = 8080` at heredoc>):
 * an element with no edit in it, no erase's blanks. */
START_TEST(cont_aligned_typed)
{
	static const char row[] = "for> echo port    = 8080";
	const size_t n = sizeof(row) - 1;

	ck_assert_int_eq(sl_stream_cont_unsure(SL_ROW_STREAM_TAIL_SET(n), row,
	    n, 5), 0);
	ck_assert_int_eq(sl_stream_cont_unsure(SL_ROW_STREAM_TAIL_SET(n) |
	    SL_ROW_STREAM_SAME, row, n, 5), 1);
	ck_assert_int_eq(sl_stream_cont_unsure(SL_ROW_STREAM_TAIL_SET(n - 4),
	    row, n, 5), 1);
}
END_TEST

/* The suggestion (`echo novemzz`) drawn after the first key at zsh's
 * PS2 and cut by the line typed over it, no blank left (zsh-plugins
 * 213, streamed): the line's first word comes again glued to a letter.
 * Typed as shown, or with no edit in its element, it stays. */
START_TEST(cont_glued_suggestion)
{
	static const char row[] = "for> echo novemzecho item $i";
	const size_t n = sizeof(row) - 1;

	ck_assert_int_eq(sl_stream_cont_unsure(SL_ROW_STREAM_TAIL_SET(6), row,
	    n, 5), 1);
	ck_assert_int_eq(sl_stream_cont_unsure(SL_ROW_STREAM_TAIL_SET(n), row,
	    n, 5), 0);
	ck_assert_int_eq(sl_stream_cont_unsure(SL_ROW_STREAM_TAIL_SET(6),
	    "for> echo novemz echo item $i", 29, 5), 0);
}
END_TEST

START_TEST(title_first)
{
	ck_assert_uint_ne(scan_all("\x1b]2;true\x07\x1b]1;true\x07%   x") &
	    SL_ROW_STREAM_TITLED, 0);
	ck_assert_uint_ne(scan_all("\x1b]0;clear\x07\x1b[H\x1b[2J%   x") &
	    SL_ROW_STREAM_TITLED, 0);
	/* precmd's title after the mark; a bash prompt's after paste. */
	ck_assert_uint_eq(scan_all("\x1b[1m%    \x1b]2;u@vm:~/work\x07x") &
	    SL_ROW_STREAM_TITLED, 0);
	ck_assert_uint_eq(scan_all("\x1b[?2004h\x1b]0;u@vm: ~\x07u@vm:~$ ls") &
	    SL_ROW_STREAM_TITLED, 0);
	/* Another OSC, or the title cut short. */
	ck_assert_uint_eq(scan_all("\x1b]1;work\x07x") & SL_ROW_STREAM_TITLED, 0);
	ck_assert_uint_eq(scan_all("\x1b]2;") & SL_ROW_STREAM_TITLED, 0);
}
END_TEST

static Suite *
stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, erase_shorter_than_typo);
	tcase_add_test(tc, stripped_moves);
	tcase_add_test(tc, insert_redraws_the_rest);
	tcase_add_test(tc, busybox_insert_then_more);
	tcase_add_test(tc, delete_redraws_the_rest);
	tcase_add_test(tc, kept_moves_without_their_cr);
	tcase_add_test(tc, bell_and_search);
	tcase_add_test(tc, tail_after_last_control);
	tcase_add_test(tc, unsure_rows);
	tcase_add_test(tc, shifted_tail);
	tcase_add_test(tc, cut_after_blank);
	tcase_add_test(tc, canon_repeats_are_typed);
	tcase_add_test(tc, unsure_width);
	tcase_add_test(tc, cut_escapes);
	tcase_add_test(tc, hidden_cr_moves);
	tcase_add_test(tc, zsh_lost_moves);
	tcase_add_test(tc, zsh_lost_insert_point);
	tcase_add_test(tc, zsh_glued_rest);
	tcase_add_test(tc, zsh_suggestion_glued_start);
	tcase_add_test(tc, zsh_erased_past_end);
	tcase_add_test(tc, final_climb_not_drawn);
	tcase_add_test(tc, title_first);
	tcase_add_test(tc, cont_left_blanks);
	tcase_add_test(tc, ksh_pad_redraw);
	tcase_add_test(tc, cont_aligned_typed);
	tcase_add_test(tc, cont_glued_suggestion);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(stream_suite)
