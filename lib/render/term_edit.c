/*
 * term_edit.c: erase, insert and delete of characters and lines (EL,
 * ED, ECH, ICH, DCH, IL, DL), soft-wrap aware, and the settling of a
 * line editor's shifts.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"
#include "term.h"

/*
 * EL over the pad note_margin_pad marked the row for, cells from to to
 * (the pad's row is the cursor's): the line drawn again shorter, as when
 * a Ctrl-R line is cancelled, leaves nothing unsure (bash-nopaste 25).
 * Text written over the pad keeps the mark: it is rare, and the mark
 * only flags.  Called only where EL erases cells, behind the row's flag.
 */
static void	pad_erased(struct sl_term *, struct row *, uint32_t, uint32_t)
		    __attribute__((noinline));
/* ------------------------------------------------------ editing functions */

static void
pad_erased(struct sl_term *t, struct row *r, uint32_t from, uint32_t to)
{
	uint32_t x = t->pad_col - 1;	/* the pad's cell */

	if (t->pad_row == t->abs_top + t->cy + 1 && from <= x && x < to)
		r->flags &= ~(unsigned)SL_ROW_PAD_UNSURE;
}

void
term_erase_line(struct sl_term *t, unsigned mode)
{
	struct row *r = term_cur_row(t);

	switch (mode) {
	case 0:
		if (term_soft_wrapped(t) && !t->at_margin) {
			uint32_t end = term_line_start(t) + t->wrap_w;

			if (end < r->len) {
				if (r->flags & SL_ROW_PAD_UNSURE)
					pad_erased(t, r, t->cx, end);
				term_fix_wide_left(r, t->cx);
				term_fix_wide_right(r, end);
				term_row_blank(r, t->cx, end);
				break;
			}
			if (t->last_csi == 'K' && t->cx >= t->wrap_w &&
			    t->cx < r->len)
				term_keep_lines(t, r);	/* term_row_lines */
		}
		if (t->cx < r->len) {
			if (r->flags & SL_ROW_PAD_UNSURE)
				pad_erased(t, r, t->cx, r->len);
			term_fix_wide_left(r, t->cx);
			r->len = t->cx;
		}
		break;
	case 1:
		if (r->len > 0) {
			uint32_t to = SL_MIN(t->cx + 1, r->len);

			if (r->flags & SL_ROW_PAD_UNSURE)
				pad_erased(t, r, 0, to);
			term_fix_wide_right(r, to);
			term_row_blank(r, 0, to);
		}
		break;
	case 2:
		if (r->flags & SL_ROW_PAD_UNSURE)
			pad_erased(t, r, 0, r->len);
		r->len = 0;
		break;
	}
}

/*
 * Where the cells an erase, insert or delete at the cursor may touch
 * end: the row's end, or on a wrapped row the physical line's.
 */
static uint32_t
line_end(struct sl_term *t, const struct row *r)
{
	if (term_soft_wrapped(t) && !t->at_margin &&
	    term_line_start(t) + t->wrap_w < r->len)
		return term_line_start(t) + t->wrap_w;
	return r->len;
}

void
term_erase_chars(struct sl_term *t, uint32_t n)
{
	struct row *r = term_cur_row(t);
	uint32_t to, end = line_end(t, r);

	if (t->cx >= end)
		return;
	to = n > end - t->cx ? end : t->cx + n;
	term_fix_wide_left(r, t->cx);
	term_fix_wide_right(r, to);
	term_row_blank(r, t->cx, to);
}

/*
 * ICH or DCH at column 0 of a wrapped row's first line, full up to the
 * margin (its text reaches it or goes on below): where readline takes
 * the line to end after it (see term_shift_settle).
 */
static void
shift_start(struct sl_term *t, const struct row *r, uint32_t end,
    uint32_t to, int ins)
{
	if (t->cx != 0 || !term_soft_wrapped(t) ||
	    (r->ch[end - 1] == CELL_BLANK && term_last_line(t, r) == 0))
		return;
	t->shift_row = t->abs_top + t->cy + 1;
	t->shift_end = to;
	t->shift_ins = ins;
	t->shift_invis = 0;
}

void
term_insert_chars(struct sl_term *t, uint32_t n)
{
	struct row *r = term_cur_row(t);
	uint32_t x = t->cx, keep, end = line_end(t, r);

	t->search_left_row = 0;	/* a shift: term_shift_settle's */
	if (x >= r->len)
		return;
	if (end < r->len) {
		/* Inside a wrapped row: what passes the margin is lost. */
		shift_start(t, r, end, end + n, 1);
		n = SL_MIN(n, end - x);
		term_fix_wide_left(r, x);
		term_fix_wide_right(r, end - n);
		memmove(r->ch + x + n, r->ch + x, (end - x - n) * sizeof(*r->ch));
		memmove(r->at + x + n, r->at + x, (end - x - n) * sizeof(*r->at));
		term_row_blank(r, x, x + n);
		return;
	}
	if (n > SL_ROW_MAX - x)
		n = SL_ROW_MAX - x;
	keep = r->len - x;
	if (keep > SL_ROW_MAX - x - n)
		keep = SL_ROW_MAX - x - n;
	term_fix_wide_left(r, x);
	term_row_grow(t, r, x + n + keep);
	memmove(r->ch + x + n, r->ch + x, keep * sizeof(*r->ch));
	memmove(r->at + x + n, r->at + x, keep * sizeof(*r->at));
	term_row_blank(r, x, x + n);
	r->len = x + n + keep;
}

void
term_delete_chars(struct sl_term *t, uint32_t n)
{
	struct row *r = term_cur_row(t);
	uint32_t x = t->cx, end = line_end(t, r);

	t->search_left_row = 0;	/* a shift: term_shift_settle's */
	if (x >= r->len)
		return;
	if (end < r->len) {
		/* Inside a wrapped row: blanks come in at the margin. */
		n = SL_MIN(n, end - x);
		shift_start(t, r, end, end - n, 0);
		term_fix_wide_left(r, x);
		term_fix_wide_right(r, x + n);
		memmove(r->ch + x, r->ch + x + n, (end - x - n) * sizeof(*r->ch));
		memmove(r->at + x, r->at + x + n, (end - x - n) * sizeof(*r->at));
		term_row_blank(r, end - n, end);
		return;
	}
	if (n > r->len - x)
		n = r->len - x;
	term_fix_wide_left(r, x);
	term_fix_wide_right(r, x + n);
	memmove(r->ch + x, r->ch + x + n, (r->len - x - n) * sizeof(*r->ch));
	memmove(r->at + x, r->at + x + n, (r->len - x - n) * sizeof(*r->at));
	r->len -= n;
}

/*
 * Leaving a Ctrl-R search over a wrapped entry, readline draws the
 * prompt again over the first line of the row: from column 0 it deletes
 * (DCH) or inserts (ICH) what makes the old line as long as the new,
 * then writes the prompt and what follows it.  Its count of the new
 * line's width can include the prompt's invisible bytes (its colours and
 * title, `\[...\]`), so it deletes that many columns too few, or inserts
 * where it should have deleted, and the old line's text is left past the
 * end of what it wrote, where it takes the line to end: the screen shows
 * it (libvterm and pyte too), glued to what is typed next.
 *
 * Where it takes the line to end is the cursor once it stops writing,
 * plus a suffix the old and new line share (left in place, not written
 * again).  That end counted with the invisible bytes written since the
 * shift is the miscount: it is at least the cursor plus those bytes
 * (a right count is short of it by them, unless the shared suffix is as
 * long by chance).  Then the missing columns are deleted at the cursor,
 * as readline meant; after an insert, its shared suffix was pushed past
 * the margin, so only with none is the old text erased.  Called, while
 * shift_row is set, at the first cursor move, control or edit after the
 * shift.
 */
void
term_shift_settle(struct sl_term *t)
{
	uint32_t invis = t->shift_invis, x = t->cx;
	long long row = t->shift_row;

	t->shift_row = 0;
	if (invis == 0 || t->on_status || row != t->abs_top + t->cy + 1 ||
	    !term_soft_wrapped(t) || x >= t->wrap_w || t->shift_end < x ||
	    t->shift_end - x < invis)
		return;
	if (!t->shift_ins)
		term_delete_chars(t, invis);
	else if (t->shift_end - x == invis)
		term_erase_chars(t, t->wrap_w - x);
}

/*
 * Leaving a Ctrl-R search over a wrapped entry, readline may draw the
 * prompt again over the search line's first line (CR, the prompt, the
 * restored line) and never erase the rest of that line: with a prompt of
 * many invisible bytes (Liquid Prompt's colours and title) its count of
 * the old line against the new says nothing is left.  It then goes down,
 * erases the second line from its start (CR, EL) and climbs back to type
 * on: the search line's tail stays on the screen (libvterm and pyte show
 * it) after the command, glued to it (wild bash-liquid 44: `echo lima135
 * kilonovember alpha ...`).
 *
 * The bytes tell it apart from the cells readline leaves on purpose, the
 * old and new line's shared suffix: that suffix ends where the new line
 * ends, and without a shift (ICH, DCH: term_shift_settle's) only where
 * the old line ended too, at the margin, since the search line wrapped.
 * A new line that ends there goes on to the second line; erased from its
 * start, the second line holds none of it, so the new line ended on the
 * first, short of the margin, and nothing past where readline stopped
 * writing there is the line's.  Those cells are blanked, as readline
 * meant (the row's text is the prompt and command it drew, not the
 * leftover).
 *
 * Called at a CR on a wrapped row that starts with "(" or once the CR on
 * a search line's first line was seen: that CR notes the row, the next
 * CR on the first line where readline stopped writing, and a CR on the
 * second line keeps the note for its EL (term_search_left_el).
 */
void
term_search_left_cr(struct sl_term *t, const struct row *r, uint32_t x)
{
	long long here = t->abs_top + t->cy + 1;
	uint32_t start = term_line_start(t);

	if (term_search_row(r)) {
		t->search_left_row = start == 0 ? here : 0;
		t->search_left_end = 0;
		return;
	}
	if (t->search_left_row != here)
		t->search_left_row = 0;
	else if (t->search_left_end == 0) {
		if (start == 0 && x > 0 && x < t->wrap_w && x < r->len)
			t->search_left_end = x;
		else
			t->search_left_row = 0;
	} else if (start != t->wrap_w && x != 0)
		t->search_left_row = 0;	/* CR CR LF (the log's line end) keeps */
}

/* EL while a search line's row is noted (term_search_left_cr). */
void
term_search_left_el(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	uint32_t from = t->search_left_end, to = SL_MIN(r->len, t->wrap_w);

	if (t->search_left_row == t->abs_top + t->cy + 1 && from != 0 &&
	    t->cx == t->wrap_w && !t->at_margin && term_param(t, 0, 0) == 0 &&
	    from < to) {
		term_fix_wide_left(r, from);
		term_fix_wide_right(r, to);
		term_row_blank(r, from, to);
	}
	t->search_left_row = 0;
}

/* IL: blank rows pushed in at the cursor; the rows below move down. */
void
term_insert_lines(struct sl_term *t, uint32_t n)
{
	uint32_t k;

	for (k = 0; k < n && k < SL_TERM_ROWS; k++) {
		unsigned i, at = t->cy;

		term_push_row(t);
		if (at > t->cy)		/* the top was popped */
			at = t->cy;
		for (i = t->nrows - 1; i > at; i--)
			term_swap_rows(t, i, i - 1);
	}
	t->cx = 0;
}

/*
 * DL on a physical line past the first of a wrapped row removes lines of
 * that row (zsh drawing a shorter search match over a longer one): its
 * lines further on move up; past its last, the rows below are deleted
 * and the cursor is on the first row left there.  Returns how many rows
 * below are still to be deleted.
 */
static uint32_t
delete_soft_lines(struct sl_term *t, uint32_t n)
{
	struct row *r = term_cur_row(t);
	uint32_t w = t->wrap_w, start = term_line_start(t);
	uint32_t after = r->len > start ? (r->len - start + w - 1) / w : 0;

	t->at_margin = 0;
	t->cx = start;
	if (n < after) {
		memmove(r->ch + start, r->ch + start + n * w,
		    (r->len - start - n * w) * sizeof(*r->ch));
		memmove(r->at + start, r->at + start + n * w,
		    (r->len - start - n * w) * sizeof(*r->at));
		r->len -= n * w;
		r->taken = r->taken > n ? r->taken - n : 0;
		if (t->kept_row == t->abs_top + t->cy + 1)
			t->kept_lines = t->kept_lines > n ?
			    t->kept_lines - n : 0;
		if (t->left_row == t->abs_top + t->cy + 1)
			t->left_lines = t->left_lines > n ?
			    t->left_lines - n : 0;
		return 0;
	}
	r->len = SL_MIN(r->len, start);
	r->taken = start / w - 1;
	if (t->kept_row == t->abs_top + t->cy + 1)
		t->kept_lines = SL_MIN(t->kept_lines, start / w);
	if (t->left_row == t->abs_top + t->cy + 1)
		t->left_lines = SL_MIN(t->left_lines, start / w);
	term_goto_row(t, (long long)t->cy + 1);
	t->cx = 0;
	return n - after;
}

/* DL: rows at the cursor removed; the rows below move up. */
void
term_delete_lines(struct sl_term *t, uint32_t n)
{
	uint32_t k;

	if (term_soft_wrapped(t) && term_line_start(t) > 0 &&
	    (n = delete_soft_lines(t, n)) == 0)
		return;

	for (k = 0; k < n && t->cy < t->nrows; k++) {
		unsigned i;

		term_row_clear(t, term_cur_row(t), t->line);
		for (i = t->cy; i + 1 < t->nrows; i++)
			term_swap_rows(t, i, i + 1);
		if (t->nrows > t->cy + 1)
			t->nrows--;
	}
	t->cx = 0;
}

/*
 * The row a clear cuts short is the one the cursor was on before the
 * clear sequence (`ESC[H ESC[2J` first moves it home).
 */
static void
cut_short(struct sl_term *t, int homed)
{
	long long y = homed ? t->cup_from - t->abs_top : (long long)t->cy;

	if (y >= 0 && y < (long long)t->nrows)
		term_row_at(t, (unsigned)y)->flags |= SL_ROW_CLEARED;
}

/*
 * ED 0 on a wrapped row: its lines below the cursor go too (busybox
 * redraws its line from the first row; fish erases an autosuggestion
 * that ran onto a further line).  fish may then go down onto such a line
 * and type there, so a line editor's row remembers the lines it had.
 */
static void
erase_soft_below(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	long long here = t->abs_top + t->cy + 1;

	if (!term_busybox_row(t, r)) {
		if (t->erased_row != here)
			t->erased_lines = 0;
		t->erased_row = here;
		t->erased_lines = SL_MAX(t->erased_lines,
		    term_last_line(t, r) + 1);
	}
	term_fix_wide_left(r, t->cx);
	r->len = t->cx;
}

/*
 * ED.  Right after CUP to the top left, ED 0 is a clear (busybox's
 * `ESC[H ESC[J`), and keeps the rows as ED 2 does; after cursor-up it is
 * a redraw in place (multi-line progress).
 */
void
term_erase_display(struct sl_term *t, unsigned mode, int homed)
{
	unsigned i;

	if (t->on_status) {
		term_erase_line(t, mode == 1 ? 1 : mode == 0 ? 0 : 2);
		return;
	}
	if (mode == 0 && homed && t->cy == 0 && t->cx == 0)
		mode = 2;
	switch (mode) {
	case 0:		/* below: in place, like EL */
		/* A line erased whole (term_ksh_pad_width: ksh93's) */
		if (t->cx == 0)
			t->erased_at = t->abs_top + t->cy + 1;
		if (t->bb_wrapped != 0)
			term_bb_wrap_erased(t);
		term_erase_line(t, 0);
		if (term_soft_wrapped(t) && t->cx < term_cur_row(t)->len)
			erase_soft_below(t);
		for (i = t->cy + 1; i < t->nrows; i++)
			term_row_clear(t, term_row_at(t, i), t->line);
		t->nrows = t->cy + 1;
		break;
	case 1:
		for (i = 0; i < t->cy; i++)
			term_row_at(t, i)->len = 0;
		term_erase_line(t, 1);
		break;
	default: {	/* all, scrollback: commit first, lose nothing */
		unsigned y = t->cy;
		uint32_t x = t->cx;

		cut_short(t, homed);
		term_commit_all(t);
		term_goto_row(t, y);
		t->cx = x;
		break;
	}
	}
}

/* SD: blank rows in at the top; the cursor stays on its text. */
void
term_scroll_down(struct sl_term *t, uint32_t n)
{
	unsigned y = t->cy;
	uint32_t x = t->cx;

	t->cy = 0;
	term_insert_lines(t, n);
	term_goto_row(t, (long long)y + n);
	t->cx = x;
}
