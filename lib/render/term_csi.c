/*
 * term_csi.c: what the escape sequences do besides editing: SGR, modes,
 * the alternate screen, tab stops, cursor moves and saves, the scroll
 * region's status row, the keypad and suggestion signals, OSC and ESC.
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

static void	drop_status(struct sl_term *);

/*
 * Tab stops: every 8 columns until a program sets its own with HTS or
 * clears them with TBC (tabs(1) does both); then a bitmap over the
 * columns a row can have.
 */
#define TAB_BYTES	(SL_ROW_MAX / 8)

static void
tabs_own(struct sl_term *t)
{
	uint32_t x;

	if (t->tabs != NULL)
		return;
	t->tabs = sl_xcalloc(TAB_BYTES, 1);
	for (x = 0; x < SL_ROW_MAX; x += 8)
		t->tabs[x / 8] |= 1;
}

static void
tab_set(struct sl_term *t)
{
	tabs_own(t);
	t->tabs[t->cx / 8] |= (uint8_t)(1u << (t->cx % 8));
}

/* TBC: 0 clears the stop at the cursor, 3 every stop. */
void
term_tab_clear(struct sl_term *t, uint32_t mode)
{
	tabs_own(t);
	if (mode == 0)
		t->tabs[t->cx / 8] &= (uint8_t)~(1u << (t->cx % 8));
	else if (mode == 3)
		memset(t->tabs, 0, TAB_BYTES);
}

static int
is_stop(const struct sl_term *t, uint32_t x)
{
	return (t->tabs[x / 8] >> (x % 8)) & 1;
}

/*
 * The next stop after x.  Past the last one a terminal stops at the
 * right margin: the learnt width's, else (width unknown) where the
 * default stops would.
 */
static uint32_t
next_stop(const struct sl_term *t, uint32_t x)
{
	uint32_t y = x + 1;

	while (y < SL_ROW_MAX) {
		if (y % 8 == 0 && t->tabs[y / 8] == 0) {
			y += 8;
			continue;
		}
		if (is_stop(t, y))
			return y;
		y++;
	}
	if (t->wrap_w != 0 && x < t->wrap_w - 1)
		return t->wrap_w - 1;
	return x / 8 * 8 + 8 < SL_ROW_MAX ? x / 8 * 8 + 8 : SL_ROW_MAX - 1;
}

static uint32_t
prev_stop(const struct sl_term *t, uint32_t x)
{
	while (x > 0 && !is_stop(t, --x))
		;
	return x;
}

void
term_tab_move(struct sl_term *t, int n)
{
	uint32_t to;

	if (t->tabs != NULL) {
		for (; n > 0 && t->cx < SL_ROW_MAX - 1; n--)
			t->cx = next_stop(t, t->cx);
		for (; n < 0 && t->cx > 0; n++)
			t->cx = prev_stop(t, t->cx);
		return;
	}
	if (n > 0) {
		/* TAB moves; it does not erase what it passes over. */
		to = (t->cx / 8 + (uint32_t)n) * 8;
		t->cx = to >= SL_ROW_MAX ? SL_ROW_MAX - 1 : to;
	} else {
		while (n++ < 0 && t->cx > 0)
			t->cx = (t->cx - 1) / 8 * 8;
	}
}

void
term_save_cursor(struct sl_term *t)
{
	t->saved.row = t->abs_top + t->cy;
	t->saved.col = t->cx;
	t->saved.attr = t->attr;
	memcpy(t->saved.g, t->g, 2);
	t->saved.gl = t->gl;
	t->saved.on_status = t->on_status;
	t->have_saved = 1;
}

void
term_restore_cursor(struct sl_term *t)
{
	if (!t->have_saved) {
		/* Nothing saved: the power-on state, the top left corner. */
		term_goto_row(t, 0);
		t->cx = 0;
		t->attr = SL_ATTR_DEFAULT;
		t->g[0] = t->g[1] = 'B';
		t->gl = 0;
		return;
	}
	term_goto_row(t, t->saved.row - t->abs_top);
	t->on_status = t->saved.on_status;
	t->cx = t->saved.col;
	t->attr = t->saved.attr;
	memcpy(t->g, t->saved.g, 2);
	t->gl = t->saved.gl;
}

static void
full_reset(struct sl_term *t)
{
	term_commit_all(t);
	t->cx = 0;
	t->attr = SL_ATTR_DEFAULT;
	t->insert = 0;
	t->keypad = 0;		/* RIS turns cursor keys mode off */
	t->g[0] = t->g[1] = 'B';
	t->gl = 0;
	t->have_saved = 0;
	free(t->tabs);
	t->tabs = NULL;
	drop_status(t);
	t->region_bottom = 0;
}

/* --------------------------------------------------------- alt screen */

static void
alt_enter(struct sl_term *t, int mode)
{
	if (t->alt)
		return;
	if (mode != 47)
		term_save_cursor(t);
	/* Rows above the cursor are final: the note must follow them. */
	while (t->cy > 0)
		term_pop_top(t);
	t->alt = 1;
	t->alt_mode = mode;
	t->alt_lines = 0;
	term_event(t, SL_TEV_ALT_ON, NULL, 0, t->line);
}

/*
 * Leaving an alternate screen never entered.  The streamed form strips
 * the escapes of every line that decodes, so less's `?1049h` went with
 * its first line; a line whose title ends in BEL is kept whole, CRs
 * dropped: less's last `:`, then `?1049l` and the next prompt.  The
 * cells before the leave on the newest row were the program's, and the
 * terminal shows the main screen's fresh row there instead (1049 puts
 * the cursor back where the command's Enter left it).  Above the newest
 * row a stray leave moved the cursor off the main screen: kept.  47 and
 * 1047 restore no cursor: a terminal keeps the row, and so does this.
 */
static void	stray_alt_leave(struct sl_term *) __attribute__((noinline));

static void
stray_alt_leave(struct sl_term *t)
{
	if (t->cy + 1 != t->nrows || term_cur_row(t)->len == 0)
		return;
	term_erase_line(t, 2);
	t->cx = 0;
}

static void
alt_leave(struct sl_term *t, int mode)
{
	if (!t->alt) {
		if (mode == 1049)
			stray_alt_leave(t);
		return;
	}
	t->alt = 0;
	if (t->alt_mode == 1049)
		term_restore_cursor(t);
	term_event(t, SL_TEV_ALT_OFF, NULL, t->alt_lines, t->line);
}

/* ---------------------------------------------------------------- SGR */

static uint32_t
rgb_to_256(uint32_t r, uint32_t g, uint32_t b)
{
	static const uint32_t steps[6] = { 0, 95, 135, 175, 215, 255 };
	uint32_t ci[3], in[3] = { r, g, b }, k, best, d, gray;
	long long dc = 0, dg;

	for (k = 0; k < 3; k++) {
		best = 0;
		for (d = 1; d < 6; d++)
			if (llabs((long long)steps[d] - in[k]) <
			    llabs((long long)steps[best] - in[k]))
				best = d;
		ci[k] = best;
		dc += ((long long)steps[best] - in[k]) *
		    ((long long)steps[best] - in[k]);
	}
	gray = (r + g + b) / 3;
	gray = gray < 8 ? 0 : gray > 238 ? 23 : (gray - 8) / 10;
	dg = 0;
	for (k = 0; k < 3; k++)
		dg += ((long long)(8 + gray * 10) - in[k]) *
		    ((long long)(8 + gray * 10) - in[k]);
	if (dg < dc)
		return 232 + gray;
	return 16 + ci[0] * 36 + ci[1] * 6 + ci[2];
}

/*
 * Extended colour at params[*i] (38/48): "5;n", "2;r;g;b", and the colon
 * forms "5:n", "2::r:g:b", "2:r:g:b".  Returns SL_COLOR_DEFAULT when
 * malformed; advances *i past what it used.
 */
static uint32_t
sgr_color(struct sl_term *t, int *i)
{
	int k = *i + 1;
	uint32_t *p = t->params;

	if (k >= t->nparams)
		return SL_COLOR_DEFAULT;
	if (p[k] == 5 && k + 1 < t->nparams) {
		*i = k + 1;
		return p[k + 1] > 255 ? SL_COLOR_DEFAULT : p[k + 1];
	}
	if (p[k] == 2) {
		int colon = (t->colon >> k) & 1;
		int first = k + 1;

		/* "2::r:g:b" carries an empty colour-space id. */
		if (colon && k + 4 < t->nparams &&
		    ((t->colon >> (k + 4)) & 1))
			first = k + 2;
		if (first + 2 < t->nparams) {
			*i = first + 2;
			return rgb_to_256(SL_MIN(p[first], 255),
			    SL_MIN(p[first + 1], 255), SL_MIN(p[first + 2], 255));
		}
	}
	*i = t->nparams;
	return SL_COLOR_DEFAULT;
}

void
term_sgr(struct sl_term *t)
{
	uint32_t a = t->attr;
	int i;

	if (t->nparams == 0) {
		t->attr = SL_ATTR_DEFAULT;
		return;
	}
	for (i = 0; i < t->nparams; i++) {
		uint32_t v = t->params[i], c;

		if ((t->colon >> i) & 1)
			continue;	/* a sub-parameter we do not use */
		switch (v) {
		case 0: a = SL_ATTR_DEFAULT; break;
		case 1: a |= SL_ATTR_BOLD; break;
		case 2: a |= SL_ATTR_DIM; break;
		case 3: a |= SL_ATTR_ITALIC; break;
		case 4: a |= SL_ATTR_UNDERLINE; break;
		case 5: case 6: a |= SL_ATTR_BLINK; break;
		case 7: a |= SL_ATTR_REVERSE; break;
		case 8: a |= SL_ATTR_HIDDEN; break;
		case 9: a |= SL_ATTR_STRIKE; break;
		case 21: case 22: a &= ~(SL_ATTR_BOLD | SL_ATTR_DIM); break;
		case 23: a &= ~SL_ATTR_ITALIC; break;
		case 24: a &= ~SL_ATTR_UNDERLINE; break;
		case 25: a &= ~SL_ATTR_BLINK; break;
		case 27: a &= ~SL_ATTR_REVERSE; break;
		case 28: a &= ~SL_ATTR_HIDDEN; break;
		case 29: a &= ~SL_ATTR_STRIKE; break;
		case 38:
			c = sgr_color(t, &i);
			a = (a & ~0x1ffu) | c;
			break;
		case 39: a = (a & ~0x1ffu) | SL_COLOR_DEFAULT; break;
		case 48:
			c = sgr_color(t, &i);
			a = (a & ~(0x1ffu << 9)) | (c << 9);
			break;
		case 49: a = (a & ~(0x1ffu << 9)) | (SL_COLOR_DEFAULT << 9);
			break;
		default:
			if (v >= 30 && v <= 37)
				a = (a & ~0x1ffu) | (v - 30);
			else if (v >= 40 && v <= 47)
				a = (a & ~(0x1ffu << 9)) | ((v - 40) << 9);
			else if (v >= 90 && v <= 97)
				a = (a & ~0x1ffu) | (v - 90 + 8);
			else if (v >= 100 && v <= 107)
				a = (a & ~(0x1ffu << 9)) | ((v - 100 + 8) << 9);
			break;
		}
	}
	t->attr = a;
}
/* ---------------------------------------------------------------- CSI */

/*
 * Where a line editor starts reading: bash turns bracketed paste on
 * before its prompt, zsh after it, and busybox asks for the cursor
 * position (DSR 6) after it.  On an empty row that is a row flag; further
 * on, the column, so that a prompt drawn after output, or one of any
 * shape, can be found.  Turning paste off on an empty row is flagged too:
 * bash does it when a line was accepted.  flag 0: the column only.
 */
static void
edit_signal(struct sl_term *t, unsigned flag)
{
	if (flag == SL_ROW_PASTE_OFF) {
		if (t->mark_lf_row != 0)
			term_mark_lf_accepted(t);
		/* bash accepts a line with CR LF, then paste off: the row
		 * the LF made is the command's output, not the editor's. */
		if (t->editing && t->cx == 0)
			term_cur_row(t)->editor_line = 0;
		t->editing = 0;
	} else if (flag == SL_ROW_PASTE) {
		t->editing = t->cx == 0;
		t->el_col = 0;	/* el_col */
	}
	if (t->cx == 0)
		term_cur_row(t)->flags |= flag;
	else if (flag != SL_ROW_PASTE_OFF)
		term_cur_row(t)->edit_col = t->cx + 1;
}

/*
 * zsh turns cursor-key mode off for a line accepted, with the cursor
 * where the edit left it: on a lower row of a long or multi-line buffer
 * (below a wrapped line it erased back).  The mark is the row's whose
 * editor turned it on, the nearest above, and still open: the walk up
 * stops at a row already turned off or where another editor began (its
 * column), lest an earlier line cancelled with ^C (never turned off)
 * be marked accepted.
 */
#define KEYPAD_ROWS	16

/* The row of the editor that turned cursor-key mode on, or t->cy. */
static unsigned
keypad_row(struct sl_term *t)
{
	unsigned y = t->cy;
	const struct row *r;

	for (;;) {
		r = term_row_at(t, y);
		if (r->flags & SL_ROW_KEYPAD_ON)
			return y;
		if (y == 0 || t->cy - y >= KEYPAD_ROWS)
			return t->cy;
		r = term_row_at(t, --y);
		if ((r->flags & SL_ROW_KEYPAD_OFF) ||
		    (r->edit_col != 0 && !(r->flags & SL_ROW_KEYPAD_ON)))
			return t->cy;
	}
}

/*
 * zsh accepts a line with an autosuggestion still drawn after the
 * cursor: POSTDISPLAY in grey (fg=8, zsh-autosuggestions' default) that
 * a line-pre-redraw hook drew again after accept-line cleared it
 * (zsh-p10k 3: `for i in 1 2 3` shown as the history's `for i in 1 2 3
 * 4 5; do ...`).  What ran ends at the cursor: grey text from there to
 * the row's end, or to its right prompt, is taken off the row.
 */
#define SUGGEST_FG	8

static void
suggestion_drop(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	uint32_t i, x = t->cx, end = r->len;
	int grey = 0;

	if (!(r->flags & SL_ROW_KEYPAD_ON) || x == 0 || x >= r->len)
		return;
	if (r->rp_to == r->len && r->rp_from > x)
		end = r->rp_from;
	for (i = x; i < end; i++) {
		if (r->ch[i] == CELL_BLANK)
			continue;
		if (SL_ATTR_FG(r->at[i]) != SUGGEST_FG)
			return;
		grey = 1;
	}
	if (!grey)
		return;
	/* Blanked, not cut: zsh goes on to the row's last line (CUD).  The
	 * command is flagged: the bytes do not tell a suggestion from text
	 * the user typed that a highlighter drew grey. */
	term_fix_wide_left(r, x);
	term_fix_wide_right(r, end);
	term_row_blank(r, x, end);
	r->flags |= SL_ROW_GREY_DROPPED;
}

/*
 * zsh's editor row: colours start being kept here (suggestion_drop).
 * The cells drawn before (a right prompt) kept none: they read as the
 * default, never as a suggestion's grey.
 */
static void
keypad_on(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	uint32_t i;

	if (!t->cb.attrs && !(r->flags & SL_ROW_KEYPAD_ON)) {
		t->attr = SL_ATTR_DEFAULT;
		for (i = 0; i < r->len; i++)
			r->at[i] = SL_ATTR_DEFAULT;
	}
	r->flags |= SL_ROW_KEYPAD_ON;
	t->keypad = 1;
}

static void
keypad_off(struct sl_term *t)
{
	t->keypad = 0;
	if (t->on_status) {
		term_cur_row(t)->flags |= SL_ROW_KEYPAD_OFF;
		return;
	}
	suggestion_drop(t);
	term_row_at(t, keypad_row(t))->flags |= SL_ROW_KEYPAD_OFF;
}

/* DSR 6: busybox asks where its input starts, on every new line. */
void
term_cursor_query(struct sl_term *t, uint32_t n)
{
	if (n != 6)
		return;
	edit_signal(t, 0);
	t->query_col = t->cx;
	t->query_sum = term_prompt_sum(term_cur_row(t), t->cx);
	t->queried = t->abs_top + t->cy + 1;
	t->crs_off = CRS_ALL;
}

void
term_set_modes(struct sl_term *t, int on)
{
	int i;

	for (i = 0; i < t->nparams; i++) {
		uint32_t m = t->params[i];

		if (t->priv == 0) {
			if (m == 4)
				t->insert = on;
			continue;
		}
		if (t->priv != '?')
			continue;
		switch (m) {
		case 47: case 1047: case 1049:
			if (on)
				alt_enter(t, (int)m);
			else
				alt_leave(t, (int)m);
			break;
		case 1048:
			if (on)
				term_save_cursor(t);
			else
				term_restore_cursor(t);
			break;
		case 2004:
			if (!on)
				term_erased_lines_end(t);
			edit_signal(t, on ? SL_ROW_PASTE : SL_ROW_PASTE_OFF);
			break;
		case 1:
			/* A full-screen program's own (less) is not the
			 * line editor's: it would land on the row below. */
			if (t->alt)
				break;
			if (on)
				keypad_on(t);
			else
				keypad_off(t);
			break;
		}
	}
}

/* The status row is gone; the cursor, if there, goes back to the window. */
static void
drop_status(struct sl_term *t)
{
	if (t->on_status)
		term_goto_row(t, t->cy);
	term_status_clear(t, t->line);
	t->status_y = 0;
}

/* CUP or VPA to screen row y: below the region, the status row. */
int
term_to_status(struct sl_term *t, uint32_t y)
{
	if (t->region_bottom == 0 || y <= t->region_bottom)
		return 0;
	if (t->status == NULL) {
		t->status = sl_xcalloc(1, sizeof(*t->status));
		t->status->src_line = t->status_line;
	}
	t->on_status = 1;
	t->status_y = y;
	return 1;
}

/*
 * DECSTBM.  A region that takes the status row back in (apt's end: the
 * whole screen, then ED 0) or none at all ends the status row: the bar
 * was redrawn in place and is gone.  The cursor stays (a terminal homes
 * it, but the window's top is not the screen's).
 */
void
term_set_region(struct sl_term *t)
{
	uint32_t bottom = t->nparams < 2 ? 0 : term_param(t, 1, 0);

	if (t->status_y != 0 && (bottom == 0 || bottom >= t->status_y))
		drop_status(t);
	t->region_bottom = bottom;
}

/*
 * CUU across rows.  A wrapped row above is as many rows of the screen as
 * it has physical lines (zsh moves up over a long search entry so); the
 * cursor lands on the line it reaches, the last one when it comes up
 * from the row right below.
 */

void
term_cursor_up(struct sl_term *t, uint32_t n)
{
	long long y = t->cy;
	uint32_t lines = 1;

	if (((term_cur_row(t)->flags & (SL_ROW_PASTE | SL_ROW_TITLE)) ||
	    term_cur_row(t)->editor_line) && term_climb_in_row(t, &n))
		return;
	while (n > 0 && y > 0) {
		const struct row *r = term_row_at(t, (unsigned)--y);

		lines = t->wrap_w != 0 && r->soft ? term_row_lines(t, r, y) : 1;
		if (n <= lines)
			break;
		n -= lines;
	}
	term_goto_row(t, y);
	if (term_soft_wrapped(t) && n > 0 && n <= lines) {
		uint64_t x = (uint64_t)(lines - n) * t->wrap_w +
		    SL_MIN(t->cx, t->wrap_w - 1);

		/* Lines counted at another width may lie past the row's end. */
		t->cx = x < SL_ROW_MAX ? (uint32_t)x : SL_ROW_MAX - 1;
	}
}

/* ---------------------------------------------------------------- OSC */

void
term_osc_dispatch(struct sl_term *t)
{
	const char *s = t->osc.buf;
	char *semi;

	if (s == NULL || t->alt)
		return;
	if (t->shift_row != 0)	/* ESC ] ... BEL (ST: one byte more) */
		t->shift_invis += (uint32_t)t->seqlen + 2;
	semi = strchr(s, ';');
	if (semi == NULL)
		return;
	if ((semi - s == 1 && (s[0] == '0' || s[0] == '2'))) {
		if (t->cx == 0) {
			term_cur_row(t)->flags |= SL_ROW_TITLE;
			t->el_col = 0;	/* el_col */
		}
		term_event(t, SL_TEV_TITLE, semi + 1, 0, t->line);
	}
}

void
term_esc_dispatch(struct sl_term *t, unsigned char f)
{
	t->bb_plain = 0;
	if (t->shift_row != 0)
		term_shift_settle(t);
	if (t->inter != 0) {
		/* Charset designation: ESC ( F, ESC ) F, ... */
		if (t->inter == '(' || t->inter == ')')
			t->g[t->inter == ')'] = f == '0' ? '0' : 'B';
		return;
	}
	if (t->alt && f != 'c')
		return;
	switch (f) {
	case '7': term_save_cursor(t); break;
	case '8': term_restore_cursor(t); break;
	case 'H': tab_set(t); break;
	case 'D': term_linefeed(t); break;
	case 'E': t->cx = 0; term_linefeed(t); break;
	case 'M':
		if (t->cy > 0)
			t->cy--;
		break;
	case 'c':
		if (t->alt)
			alt_leave(t, t->alt_mode);
		full_reset(t);
		break;
	default: break;		/* =, >, N, O, \, ... */
	}
}
