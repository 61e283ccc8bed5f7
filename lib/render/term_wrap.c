/*
 * term_wrap.c: soft wrap inference: the width readline, zsh, fish and
 * busybox reveal (a margin mark, a climb, a pad), physical lines inside
 * one logical row, right prompts, and a row taken in by the one above.
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
 * A right prompt (zsh's RPROMPT, fish's fish_right_prompt, p10k's right
 * part) is drawn by jumping right over blank cells (CUF), writing it,
 * and going back left (CUB, or CR and CUF) to where the line is typed;
 * zsh leaves it on the row of the command that ran.  It is the shell's
 * decoration, not text typed or printed: a row that still ends with it,
 * separated by blanks, is handed out without it (n cells, trailing
 * blanks trimmed; returns the new n).
 */
#define RPROMPT_GAP	2	/* blank cells between line and right prompt */
#define RPROMPT_JUMP	8	/* ...when the jump started over text */

/*
 * Text written at a learnt width.  A prompt row (bash's signals, or a
 * line editor started on it: zsh) that grows past it was wrapped by the
 * terminal, as readline's redraws and
 * Ctrl-R's search line are with no " \r" of their own: it becomes a
 * wrapped row, so that readline's moves between its lines land right.
 * So does the row of fish's mark: after ^C fish draws its prompt there
 * without turning bracketed paste on again (it never went off).  And
 * a row zsh's editor printed below its line (keypad_past_width).
 */
static void	take_in_row_below(struct sl_term *, struct row *, int);

/*
 * While zsh's editor has cursor keys mode on, what it prints below its
 * line (a completion question, a listing of names wider than the
 * terminal) is its own, and it climbs that row's lines to redraw the
 * command (zsh-plain 41).  zsh counts the lines of its question before
 * the answer it echoes: a question exactly as wide as the terminal is
 * one line to zsh, the answer's wrap unseen, and zsh climbs one line.
 * So the row runs past the width by more than the last character.
 */
static int
keypad_past_width(const struct sl_term *t, const struct row *r)
{
	return t->keypad && r->len > t->wrap_w + 1;
}

/*
 * ksh93 draws its line again (CR, ED 0, CR) as the prompt, the line and
 * blanks up to one column short of the margin, then BS back over them
 * (zsh, which also erases so, draws its prompt and turns cursor keys
 * mode on before any BS).  That shows the shell, which cancels lines
 * silently (SL_TEV_REDRAWN_LINE), and the width.  Its editor then moves
 * between the lines the terminal wrapped (CUU, CR, CR LF) as readline's
 * does, with nothing on the row to say so: in its sessions every row
 * past the width is wrapped (term_note_wrap).
 */
#define KSH_MIN_WIDTH	20

void
term_ksh_pad_width(struct sl_term *t)
{
	const struct row *r = term_cur_row(t);
	uint32_t x = t->cx;

	if (t->erased_at == t->abs_top + t->cy + 1 && !t->keypad &&
	    !r->soft && x == r->len && x + 1 >= KSH_MIN_WIDTH &&
	    r->ch[x - 1] == CELL_BLANK && r->ch[x - 2] == CELL_BLANK) {
		term_set_width(t, x + 1);
		t->line_erased = 1;
		term_event(t, SL_TEV_REDRAWN_LINE, NULL, 0, t->line);
	}
	t->erased_at = 0;
}

/*
 * ksh93's editor skips the cells that already hold what it would draw:
 * a recalled line whose blank falls in the last column of a line is
 * drawn up to it, and the editor goes on from the next line's start
 * with CR LF CR (seeds 20, 32: `... kilo` CR LF CR `mike`).  The LF
 * leaves the wrapped row; a CR right after it, on the fresh row below,
 * takes the cursor back into the row at that line's start: what follows
 * is the line's rest, and the row below is taken in as it is written
 * (term_note_wrap).  Only when the row was left one cell short of its
 * last line's margin, the cell ksh93 skipped, after text (ksh93 would
 * have skipped a blank there too): an Enter followed by output that
 * starts with CR (a progress line) leaves a typed line's end anywhere,
 * or on a blank where BS SP BS erased its last character.
 *
 * The LF, on a wrapped row in a ksh93 session (line_down), holds the
 * next byte as a pending CR does (look_push): no test on the CR's path.
 */
void
term_ksh_lf_off(struct sl_term *t)
{
	const struct row *r = term_cur_row(t);

	if (r->len == 0 || r->len + 1 != t->left_lines * t->wrap_w ||
	    r->ch[r->len - 1] == CELL_BLANK)
		return;
	if (t->look == NULL)
		t->look = sl_xmalloc(sizeof(*t->look));
	memset(t->look, 0, offsetof(struct look, buf));
	t->look->ksh_lf = 1;
	t->cr_pending = 1;
}

/* The byte after that LF is a CR: back into the row (1), or not (0). */
int
term_ksh_cr_below(struct sl_term *t)
{
	const struct row *r = term_cur_row(t);

	if (t->cx != 0 || r->len != 0 || t->cy == 0 || t->on_status ||
	    t->left_row != t->abs_top + t->cy)
		return 0;
	t->cy--;
	t->cx = t->left_lines * t->wrap_w;
	t->left_row = t->left_lines = 0;
	t->at_margin = 0;
	return 1;
}

/* inserting: the row grew by text written in insert mode (IRM). */
void
term_note_wrap(struct sl_term *t, struct row *r, int inserting)
{
	if (!r->soft && r->len > t->wrap_w &&
	    ((r->flags & (SL_ROW_PASTE | SL_ROW_TITLE)) || r->edit_col != 0 ||
	    r->editor_line || keypad_past_width(t, r) || t->line_erased ||
	    t->fish_mark_row == t->abs_top + t->cy + 1))
		r->soft = 1;
	while (r->soft && r->len > (r->taken + 1) * t->wrap_w)
		take_in_row_below(t, r, inserting);
	t->at_margin = r->soft && t->cx % t->wrap_w == 0;
}
/* ------------------------------------------------------------ soft wrap */

/*
 * The second line of a two-line prompt (bash's PS1 with a newline, where
 * the signals are on the first line), drawn by readline.  fish's moves
 * are not readline's.
 */
static int
two_line_editor(const struct sl_term *t, const struct row *r)
{
	return r->editor_line && !t->fish;
}

/*
 * A space then CR at the end of a row, where readline would step off the
 * margin: on a wrapped row at its next margin, else on a row that looks
 * like readline's (a prompt signal, the second line of a two-line prompt
 * but fish's, whose moves are not readline's, or a long line of text:
 * bash-twoline 2, a space typed into the last column).
 */
static int
wrap_candidate(struct sl_term *t, const struct row *r)
{
	uint32_t c = t->cx - 1;

	if (t->state != S_GROUND)
		return 0;
	if (term_soft_wrapped(t))
		return c % t->wrap_w == 0;
	return c == t->wrap_w || (r->flags & (SL_ROW_PASTE | SL_ROW_TITLE)) ||
	    two_line_editor(t, r) || (c >= 40 && r->ch[c - 1] != CELL_BLANK);
}

/*
 * The width learnt (or changed by a resize): the lines EL kept were
 * counted at the old one, so they no longer say where anything is.
 */
void
term_set_width(struct sl_term *t, uint32_t w)
{
	if (w != t->wrap_w)
		t->kept_row = 0;
	t->wrap_w = w;
}

uint32_t
sl_term_width(const struct sl_term *t)
{
	return t->wrap_w;
}

void
sl_term_set_width(struct sl_term *t, uint32_t w)
{
	term_set_width(t, w);
}

void
sl_term_cut_below(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	uint32_t at = t->cx;

	if (t->wrap_w == 0 || !r->soft || at == 0 || at % t->wrap_w != 0 ||
	    at >= r->len || r->ch[at - 1] != CELL_BLANK)
		return;
	term_fix_wide_left(r, at);
	r->len = at;
}

/*
 * zsh (PROMPT_SP) and fish mark output that lacks its final newline:
 * before each prompt they print the mark (`%` or `#`, fish's `⏎`) and
 * then spaces up to exactly the terminal's width, and CR.  On a row of
 * its own that is the width, as sure as readline's " \r", and new after
 * a resize.
 */
#define MARK_MIN_WIDTH	20

static void
learn_width_from_mark(struct sl_term *t, const struct row *r)
{
	uint32_t i, x = t->cx;

	if (x < MARK_MIN_WIDTH || r->soft ||
	    (r->ch[0] != '%' && r->ch[0] != '#' && r->ch[0] != 0x23ce) ||
	    r->ch[x - 1] != CELL_BLANK)
		return;
	for (i = 1; i < x; i++)
		if (r->ch[i] != CELL_BLANK)
			return;
	term_set_width(t, x);
	if (r->ch[0] == 0x23ce) {
		t->fish = 1;
		t->fish_mark_row = t->abs_top + t->cy + 1;
	}
}

/* The LFs whose CRs tell the log's own line end (term_counting_crs). */
#define CRS_LEARN	8

/*
 * The same mark after output that did not end its line ("nonl%", then
 * spaces): once the width is known, the mark and its spaces take exactly
 * the width from where the output stopped, and the terminal wrapped them
 * onto the next line, which the CR returns to.  Without this the prompt
 * would overwrite the output.  (cmds, issue 12)
 */
static int
mark_after_output(const struct sl_term *t, const struct row *r)
{
	uint32_t i, x = t->cx, m;

	if (t->wrap_w == 0 || r->soft || x <= t->wrap_w)
		return 0;
	m = x - t->wrap_w;
	if (r->ch[m] != '%' && r->ch[m] != '#' && r->ch[m] != 0x23ce)
		return 0;
	for (i = m + 1; i < x; i++)
		if (r->ch[i] != CELL_BLANK)
			return 0;
	return 1;
}

/*
 * A jump right (CUF) of the cursor from column from over blank cells may
 * start a right prompt (rprompt_trim): note where it landed.  fish moves
 * to the typing column with CR and CUF over the line's text: landing
 * after two typed spaces is not enough there, the blanks must be many.
 */
void
term_rprompt_start(struct sl_term *t, uint32_t from)
{
	const struct row *r = term_cur_row(t);
	uint32_t x = t->cx, blank = 0;

	t->rp_row = 0;
	while (blank < x && blank < RPROMPT_JUMP &&
	    (x - 1 - blank >= r->len || r->ch[x - 1 - blank] == CELL_BLANK))
		blank++;
	if (blank < RPROMPT_GAP || (blank < x - from && blank < RPROMPT_JUMP))
		return;
	t->rp_row = t->abs_top + t->cy + 1;
	t->rp_col = x;
}

/* The cursor goes back left (CR, CUB): text written on the row since the
 * jump right is a right prompt. */
void
term_rprompt_end_at(struct sl_term *t)
{
	struct row *r = term_cur_row(t);

	if (t->rp_row != t->abs_top + t->cy + 1 || t->cx <= t->rp_col ||
	    t->cx > r->len || r->ch[t->rp_col] == CELL_BLANK)
		return;
	r->rp_from = t->rp_col;
	r->rp_to = t->cx;
	r->rp_sum = term_cells_sum(r, r->rp_from, r->rp_to);
	t->rp_row = 0;
}

/*
 * CR.  On a wrapped row it goes to the start of the physical line.  A
 * space then CR may be readline stepping off the margin, or an ordinary
 * CR after a blank (Ctrl-R's prompt, fish's and bash's redraws, progress
 * lines padded with spaces): the bytes after it are held back until
 * they tell (term_look_step).
 */

/*
 * A CR after a blank that ends the row: zsh's or fish's mark, or maybe
 * readline's wrap (then held, see term_look_step).  Returns 1 when the CR
 * was taken here.  Off the CR's common path.
 */

int
term_cr_after_blank(struct sl_term *t, const struct row *r)
{
	if (mark_after_output(t, r)) {
		term_linefeed(t);
		t->cx = 0;
		t->at_margin = 0;
		return 1;
	}
	learn_width_from_mark(t, r);
	if (wrap_candidate(t, r)) {
		t->cr_pending = 1;
		t->cr_col = t->cx - 1;
		if (t->look == NULL)
			t->look = sl_xmalloc(sizeof(*t->look));
		memset(t->look, 0, offsetof(struct look, buf));
		return 1;
	}
	return 0;
}

/* Where busybox's CR LF is its wrap: the row where it asked for the
 * cursor, or its line drawn again after a Tab listing without asking:
 * one of exactly the learnt width, or, before any width is known, one
 * that starts with all the row it last asked on held (term_query_row_left;
 * truth seed busybox-192: a completion that reached exactly the
 * width). */

/*
 * An LF leaves the row busybox asked on: what it holds (prompt and typed
 * text) is what busybox draws again after a Tab listing, so a row taken
 * for that redraw must start with all of it.  A program's own CR LF
 * after a short prompt (curl -v's "> GET" under a "> " prompt) does not.
 */
void
term_query_row_left(struct sl_term *t, const struct row *r)
{
	if (r->len > t->query_col) {
		t->query_col = r->len;
		t->query_sum = term_prompt_sum(r, r->len);
	}
}

int
term_busybox_row(const struct sl_term *t, const struct row *r)
{
	return t->queried == t->abs_top + t->cy + 1 || (t->queried != 0 &&
	    ((t->wrap_w != 0 && r->len == t->wrap_w) ||
	    (t->wrap_w == 0 && t->query_col > 0 && r->len > t->query_col &&
	    term_prompt_sum(r, t->query_col) == t->query_sum)));
}

/*
 * The fewest CRs the log's first line ends had, and the most that ended
 * a row of text: a shell's Enter at the end of its line (mksh's), not a
 * program's moves over rows left blank (docker's progress: CR, a move
 * down, CR CR LF).
 */
static void
learn_line_end(struct sl_term *t, const struct row *r, unsigned run)
{
	if (t->crs_min == 0 || run < t->crs_min)
		t->crs_min = run;
	if (run > t->crs_max && r->len > 0)
		t->crs_max = run;
}

/*
 * An LF: is it busybox wrapping its line (its CR LF, one CR more than
 * the log's line ends, on the row where it asked for the cursor, or on
 * a row of exactly the learnt width: the line it draws again after a Tab
 * listing, without asking)?  Then the row is wrapped at its length, as
 * readline's rows are.  (cmds, issue 12)
 */
int
term_busybox_wrap(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	unsigned run = t->crs > 0 && t->cx == t->cr_x ? t->crs : 0;
	int wrap;

	t->crs = 0;
	if (run == 0)
		return 0;
	if (t->crs_off == CRS_LINE_ENDS) {
		r->line_end = term_line_end(t, run);
		return 0;
	}
	wrap = t->crs_min > 0 && run > t->crs_min &&
	    term_busybox_row(t, r) &&
	    r->len > 0 && (r->soft ? t->cx % t->wrap_w == 0 : t->cx == 0);
	if (t->crs_seen < CRS_LEARN)
		learn_line_end(t, r, run);
	r->line_end = term_line_end(t, run);
	if (++t->crs_seen >= CRS_LEARN && t->queried == 0)
		t->crs_off = t->crs_max == t->crs_min + 1 ? CRS_LINE_ENDS :
		    CRS_OFF;
	if (!wrap)
		return 0;
	if (!r->soft)
		term_set_width(t, r->len);	/* learnt, or a resize */
	r->soft = 1;
	t->cx += t->wrap_w;
	t->at_margin = 0;
	t->bb_plain = t->bb_wrapped = t->abs_top + t->cy + 1;
	return 1;
}

/*
 * An LF after busybox wrapped its line at the width.  busybox writes
 * nothing at Enter when its cursor is at column 0 (goto_new_line), so a
 * command typed to exactly the width, then its output's first line, is
 * the same bytes as a command typed on past the wrap: text, CR LF.  When
 * nothing but text (and that CR) came after the wrap, the row says the
 * bytes cannot tell (SL_ROW_WRAP_UNSURE); an escape or an edit there is
 * busybox's or the output's, and the row is left as it is.  (issue 12)
 */

void
term_bb_wrap_end(struct sl_term *t)
{
	struct row *r = term_cur_row(t);

	if (t->bb_plain == t->abs_top + t->cy + 1 && term_soft_wrapped(t) &&
	    r->len > term_line_start(t))
		r->flags |= SL_ROW_WRAP_UNSURE;
	t->bb_plain = 0;
}

/*
 * A wrapped row that grows onto a new physical line writes over the row
 * then below it on the terminal: zsh and readline draw a long history
 * entry over the rows of their search display, then move by rows.  That
 * row is taken into the wrapped one (what the text did not reach stays,
 * as on the screen) and the rows under it move up, so that moves by rows
 * land where they did on the terminal.  At the bottom nothing is below.
 * A row with signals of its own (paste, title, cursor keys, an editor's
 * column) is left as it is: taking it in would lose them.
 */
#define ROW_SIGNALS	(SL_ROW_PASTE | SL_ROW_TITLE | SL_ROW_KEYPAD_ON)

static void
take_in_row_below(struct sl_term *t, struct row *r, int inserting)
{
	uint32_t base = ++r->taken * t->wrap_w, i, from, end;
	unsigned below = t->cy + 1, k;
	struct row *b;

	if (t->on_status || t->alt || below >= t->nrows)
		return;
	b = term_row_at(t, below);
	if (b->soft || (b->flags & ROW_SIGNALS) || b->edit_col != 0)
		return;		/* more than the one line, or signals */
	from = r->len - base;
	end = SL_MIN(b->len, t->wrap_w);
	/*
	 * Text written in insert mode (IRM) pushes on the cells after the
	 * cursor.  Cells taken from the row below would be pushed on too by
	 * the next character, though on the screen they stay where they
	 * are: so a run of text fed whole (taking the row in once, at its
	 * end) would differ from the same run fed byte by byte (taking it
	 * in at the character that reaches it, then pushing it on).  Text
	 * written in insert mode covers the line it reaches; none of the
	 * row below is kept.
	 */
	if (from < end && !inserting) {
		term_row_grow(t, r, base + end);
		for (i = from; i < end; i++) {
			r->ch[base + i] = b->ch[i] & CELL_EXT &&
			    b->ch[i] != CELL_WIDE ? CELL_BLANK : b->ch[i];
			r->at[base + i] = b->at[i];
		}
		if (r->ch[base + from] == CELL_WIDE)
			r->ch[base + from] = CELL_BLANK;
		r->len = base + end;
	}
	r->units += b->units;
	b->units = 0;
	term_row_clear(t, b, t->line);
	for (k = below; k + 1 < t->nrows; k++)
		term_swap_rows(t, k, k + 1);
	t->nrows--;
}

/*
 * The screen lines a wrapped row stands for, for moves by rows: those up
 * to its last text, or more while EL has emptied the last ones from
 * their start.  zsh clears its search display so, line by line, then
 * climbs back over those lines, which are still there on the screen.
 * Until the line is accepted (term_erased_lines_end): then what zsh writes
 * below the row is output.  (bashsearch, issue 12)  And the lines an LF
 * left the row from: zsh's search entry that fills the prompt row
 * exactly steps off it with a space onto a blank line, goes down from
 * there to draw its search line, and climbs back over both (truth seed
 * zsh-omz-231).  An LF from the text's last line (readline's " \r"
 * blank below it is not the row's, term_lf_in_row) counts no blank line.
 */
uint32_t
term_row_lines(const struct sl_term *t, const struct row *r, long long y)
{
	uint32_t n = term_last_line(t, r) + 1;

	if (t->left_row == t->abs_top + y + 1)
		n = SL_MAX(n, t->left_lines);
	if (t->kept_row == t->abs_top + y + 1)
		n = SL_MAX(n, t->kept_lines);
	return n;
}

/*
 * ED right at the start of the line busybox wrapped, nothing written on
 * it yet: its line drawn again after a completion that reached exactly
 * the width ends so (truth seed busybox-424: `wc -l bet`, Tab), and then
 * the same bytes follow as without it.  It says nothing about what came
 * after the wrap (term_bb_wrap_end), as the CSI's own reset would have it.
 */
void
term_bb_wrap_erased(struct sl_term *t)
{
	if (t->bb_wrapped == t->abs_top + t->cy + 1 && term_soft_wrapped(t) &&
	    t->cx == term_line_start(t) && term_cur_row(t)->len <= t->cx)
		t->bb_plain = t->bb_wrapped;
}

/* The cursor at the start of a line of its wrapped row with nothing of
 * the row from there on. */
static int
empty_line_past(struct sl_term *t, const struct row *r)
{
	return term_soft_wrapped(t) && t->cx >= r->len &&
	    t->cx % t->wrap_w == 0;
}

/*
 * The line editor is done (bracketed paste off): the lines its row had
 * before ED 0 are no longer the row's.  fish accepts with CR LF from the
 * command's last line, which went down onto such an erased line: what
 * follows is output, on a row of its own, as on the terminal.  So it is
 * when the cursor stands at the start of an empty line past the row's
 * end that no ED emptied: fish's command typed to exactly the width,
 * whose autosuggestion's space wrapped onto the next line and was erased
 * there with EL (truth seed fish-201).
 */
void
term_erased_lines_end(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	int on_erased = t->erased_row == t->abs_top + t->cy + 1;

	t->erased_row = 0;
	t->erased_lines = 0;
	if (t->kept_row == t->abs_top + t->cy + 1)
		while (r->len > 0 && r->ch[r->len - 1] == CELL_BLANK)
			r->len--;	/* the lines EL emptied are not its */
	t->kept_row = 0;
	if ((!on_erased && !empty_line_past(t, r)) || !term_soft_wrapped(t) ||
	    t->on_status || t->at_margin ||
	    t->cx < r->len || t->cx / t->wrap_w <= term_last_line(t, r))
		return;
	t->cx -= term_line_start(t);
	term_linefeed(t);
}

/* FNV-1a over a row's first n cells: a prompt told again cheaply. */
uint32_t
term_prompt_sum(const struct row *r, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n && i < r->len; i++)
		h = (h ^ r->ch[i]) * 16777619u;
	return h;
}

/*
 * Cursor moves on a wrapped row stay inside it while the physical line
 * they reach is part of it.  Returns 1 when the move was handled.
 */
int
term_soft_move(struct sl_term *t, unsigned char f, uint32_t *np)
{
	uint32_t n = *np;
	uint32_t w = t->wrap_w, start = term_line_start(t), lines, cur_line;
	struct row *r = term_cur_row(t);

	cur_line = start / w;
	lines = r->len > 0 ? (r->len - 1) / w + 1 : 1;
	if (t->kept_row == t->abs_top + t->cy + 1)
		lines = SL_MAX(lines, t->kept_lines);
	lines = SL_MAX(lines, cur_line + 1);
	switch (f) {
	case 'A':
		if (cur_line == 0)
			return 0;
		if (n > cur_line) {
			/* Up out of the row: the rest moves across rows. */
			*np = n - cur_line;
			t->cx = t->at_margin ? w - 1 : t->cx - start;
			t->at_margin = 0;
			return 0;
		}
		t->cx = start - n * w + (t->at_margin ? w - 1 : t->cx - start);
		break;
	case 'B':
		if (cur_line + n >= lines) {
			/* Down out of the row: the rest moves across rows. */
			*np = n - (lines - 1 - cur_line);
			t->cx = t->at_margin ? w - 1 : t->cx - start;
			t->at_margin = 0;
			return 0;
		}
		t->cx = start + n * w + (t->at_margin ? w - 1 : t->cx - start);
		break;
	case 'C':
		t->cx = SL_MIN((t->at_margin ? t->cx - 1 : t->cx) + n,
		    start + w - 1);
		break;
	case 'D':
		t->cx = (t->at_margin ? t->cx - 1 : t->cx) - SL_MIN(n,
		    (t->at_margin ? t->cx - 1 : t->cx) - start);
		break;
	case 'G': case '`':
		t->cx = start + SL_MIN(n, w) - 1;
		break;
	default:
		return 0;
	}
	t->at_margin = 0;
	return 1;
}

/*
 * CUU right after a space that ends a readline row.  Readline filled the
 * row to exactly the margin (Ctrl-R's search line, grown by one column a
 * key), wrote a space to step off the pending wrap onto the next line,
 * and climbs back to the line its cursor belongs on: the row up to the
 * space is n widths wide.  Without this the climb lands on the row above
 * and the search line is written over it.  (bashsearch, issue 12)
 */
static int
learn_width_from_climb(struct sl_term *t, struct row *r, uint32_t n)
{
	uint32_t x = t->cx;

	if (x != r->len || x < CLIMB_MIN_WIDTH + 1 ||
	    r->ch[x - 1] != CELL_BLANK || r->ch[x - 2] == CELL_BLANK ||
	    (x - 1) % n != 0 || (x - 1) / n < CLIMB_MIN_WIDTH)
		return 0;
	term_set_width(t, (x - 1) / n);	/* learnt, or a resize */
	r->soft = 1;
	term_note_wrap(t, r, 0);
	return 1;
}

/* ...it was, when a wide character follows the padding space and the
 * climb goes from the line the cursor is on at that width to the first. */
static int
learn_width_from_pad(struct sl_term *t, struct row *r, uint32_t n)
{
	uint32_t w = t->pad_col;

	if (t->pad_row != t->abs_top + t->cy + 1 || w + 1 >= r->len ||
	    r->ch[w - 1] != CELL_BLANK || r->ch[w + 1] != CELL_WIDE ||
	    t->cx / w != n)
		return 0;
	r->flags &= ~(unsigned)SL_ROW_PAD_UNSURE;
	term_set_width(t, w);
	r->soft = 1;
	term_note_wrap(t, r, 0);
	return 1;
}

/*
 * Does the row start with readline's search line, "(reverse-i-search)`",
 * "(i-search)`" or either "(failed ...": its text is fixed in readline,
 * not the user's.
 */
int
term_search_row(const struct row *r)
{
	static const char tag[] = "i-search)`";
	uint32_t p, k;

	if (r->len < sizeof tag || r->ch[0] != '(')
		return 0;
	for (p = 1; p + sizeof tag - 1 <= r->len && p <= 17; p++) {
		for (k = 0; tag[k] != '\0' && r->ch[p + k] == (uint32_t)tag[k];
		    k++)
			;
		if (tag[k] == '\0')
			return 1;
	}
	return 0;
}

/*
 * On the second line of a two-line prompt (the signals are on the first)
 * readline's Ctrl-R line steps off the margin and climbs back as on a
 * one-line prompt's row (bash-twoline 25: else the climb lands on the
 * first line, and its right-aligned part on the command).  Only the
 * search line: fish's continuation lines climb from a typed space too.
 */
static int
two_line_search(const struct sl_term *t, const struct row *r)
{
	return two_line_editor(t, r) && term_search_row(r);
}

/*
 * CUU on a readline row that is not (yet) a wrapped one.  Readline never
 * climbs above its own line, so the move is inside the row: at the
 * margin's space the width is learnt (above); else the row is wider than
 * a terminal whose width nothing has told (a first Ctrl-R match longer
 * than the screen), the line the cursor reaches is unknown, and the
 * cursor stays on the row, which is marked: what is drawn on it next
 * lands where it may not have on the screen.  Returns 1 when the move
 * was taken here.  (bashsearch, issue 12)
 */
int
term_climb_in_row(struct sl_term *t, uint32_t *np)
{
	struct row *r = term_cur_row(t);
	uint32_t n = *np;
	int signalled = (r->flags & (SL_ROW_PASTE | SL_ROW_TITLE)) != 0;

	if (t->on_status || (!signalled && !two_line_search(t, r)) ||
	    r->len < CLIMB_MIN_WIDTH || (t->wrap_w != 0 && r->soft) ||
	    (t->wrap_w != 0 && r->len <= t->wrap_w))
		return 0;
	if (learn_width_from_climb(t, r, n) || learn_width_from_pad(t, r, n))
		/* on its first line now */
		return term_soft_move(t, 'A', np);
	if (!signalled)
		return 0;	/* a climb to the prompt's first line */
	r->flags |= SL_ROW_UNPLACED;
	return 1;
}

/*
 * The row ends with the `^C` a shell echoes as it abandons the line
 * (fish after its history pager, which it erased with ED 0): the lines
 * ED took are no longer the line's, and fish's CR LF goes below it.
 * A right prompt fish drew again after the pager closed may stand after
 * the `^C` (fish-custom: `... lima^C    vm`); it is no text of the line.
 */
static int
ends_cancelled(const struct row *r)
{
	uint32_t n = r->len;

	while (n > 0 && r->ch[n - 1] == CELL_BLANK)
		n--;
	if (r->rp_to != 0 && r->rp_to == n)
		for (n = r->rp_from; n > 0 && r->ch[n - 1] == CELL_BLANK; n--)
			;
	return n >= 2 && r->ch[n - 2] == '^' && r->ch[n - 1] == 'C';
}

/*
 * Does an LF go down a physical line of the wrapped row?  It does onto a
 * line that holds text, or one the row had before ED 0 erased it.  fish
 * draws its line past the margin and comes back down with CR LF: a line
 * it printed only a blank on (a space typed right at the margin) is the
 * row's all the same, where readline's " \r" blank is not (see
 * term_last_line).
 */
int
term_lf_in_row(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	uint32_t to = t->cx / t->wrap_w + (t->at_margin ? 0 : 1);

	if (t->fish && r->len > to * t->wrap_w)
		return 1;
	return to <= term_last_line(t, r) || (to < t->erased_lines &&
	    t->erased_row == t->abs_top + t->cy + 1 && !ends_cancelled(r));
}

/*
 * An LF off a wrapped row onto its next line, which holds nothing but
 * readline's wrap mark: the blank its " \r" (or a space and CUU) left
 * where a line exactly some widths wide ends.  Readline goes down so
 * for End, Right or a key typed at the line's end, the cursor moving to
 * just past the last character, that is onto the mark's line
 * (bash-debian 78: CR LF CR, then ` x` typed over the mark), and for
 * Enter from inside the line (it moves to its last line, then accepts).
 * Only what follows tells them apart, and while bash edits (bracketed
 * paste on: not in bash-nopaste) it does: Enter turns paste off at
 * once, before any output, a key is echoed first.  So the LF stays in
 * the row, and is carried out below it if paste goes off there
 * (term_mark_lf_accepted).  fish's rows keep their blank lines already
 * (term_lf_in_row).  In a stream the agent drops the paste-off with
 * Enter's CRs (an element of nothing), so nothing there tells Enter:
 * output would join the row.
 */
int
term_lf_onto_mark(struct sl_term *t, const struct row *r)
{
	uint32_t next = term_line_start(t) + t->wrap_w;

	if (t->crless || t->line_erased || r->len <= next ||
	    r->len > next + t->wrap_w)
		return 0;
	t->mark_lf_row = t->abs_top + t->cy + 1;
	return 1;
}

/*
 * Bash turned paste off with the cursor still at the start of the mark's
 * line an LF went down onto, nothing written there: the LF was Enter's,
 * and what follows is the command's output, on the line below the row.
 */
void
term_mark_lf_accepted(struct sl_term *t)
{
	const struct row *r = term_cur_row(t);
	long long row = t->mark_lf_row;

	t->mark_lf_row = 0;
	if (row != t->abs_top + t->cy + 1 || t->wrap_w == 0 || !r->soft ||
	    t->at_margin || t->cx % t->wrap_w != 0 ||
	    t->cx / t->wrap_w <= term_last_line(t, r))
		return;
	t->left_row = row;
	t->left_lines = t->cx / t->wrap_w;
	t->cx = 0;
	t->kept_row = 0;
	t->shift_row = 0;
	term_linefeed(t);
}
