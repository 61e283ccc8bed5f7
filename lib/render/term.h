/*
 * term.h: the renderer's state (struct sl_term, its rows and cursor),
 * shared by the files of lib/render/term*.c, and the few functions that
 * cross them.  Internal: only those files include it.
 * (made by the split tool)
 */
#ifndef SL_RENDER_TERM_H
#define SL_RENDER_TERM_H
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

/* Cell values besides code points. */
#define CELL_BLANK	0x20u
#define CELL_WIDE	0xffffffffu	/* right half of a wide character */
#define CELL_EXT	0x80000000u	/* index into the row's clusters */

#define CLUSTER_MARKS	7	/* combining marks kept per cell */
#define CLUSTER_SLOTS	(CLUSTER_MARKS + 2)	/* count, base, marks */
#define CSI_PARAMS	32
#define ROW_KEEP	4096	/* cells a recycled row keeps allocated */

enum state {
	S_GROUND,
	S_ESC,		/* after ESC */
	S_ESC_INTER,	/* ESC, intermediates, waiting for the final */
	S_CSI,
	S_CSI_IGNORE,	/* a malformed CSI, consumed to its final byte */
	S_OSC,
	S_STR		/* DCS, SOS, PM, APC: consumed to ST */
};

struct row {
	/* The storage, which outlives a clear (term_row_clear): first. */
	uint32_t *ch;
	uint32_t *at;
	uint32_t *ext;		/* clusters of CLUSTER_SLOTS each */
	uint32_t cap;
	uint32_t extcap;
	/* From here on a clear zeroes every field. */
	uint32_t len;		/* cells in use; past it, blank */
	uint32_t next;
	long long src_line;
	long long units;	/* input lines that ended on this row */
	unsigned flags;
	uint32_t edit_col;	/* 1 + column where a line editor began, or 0 */
	int cut;		/* number of the next piece, 0 if never cut */
	int line_end;		/* how the LF that left it ended it (struct
				   sl_row's line_end: term_line_end), or 0;
				   beside cut, as line_end is beside piece:
				   emitted with it in one move */
	uint32_t taken;		/* physical lines past its first it has made,
				   each over the row then below it */
	uint32_t rp_from, rp_to;	/* a right prompt's cells, or 0, 0
				   (term_rprompt_end) */
	uint32_t rp_sum;	/* term_cells_sum() of them as it was drawn */
	uint32_t bell_len;	/* 1 + len when the bell rang on it, or 0 */
	/* Flags as bytes: the row stays 96 bytes (cheap to index). */
	unsigned char rest;	/* the rest of a row made final early (spill):
				   no line of its own while empty */
	unsigned char editor_line;	/* a line feed reached it while the
				   line editor was on: a two-line prompt's
				   second line (term_note_wrap) */
	unsigned char soft;	/* readline wrapped it at wrap_w columns */
};

_Static_assert(offsetof(struct row, ch) < offsetof(struct row, len) &&
    offsetof(struct row, at) < offsetof(struct row, len) &&
    offsetof(struct row, cap) < offsetof(struct row, len) &&
    offsetof(struct row, ext) < offsetof(struct row, len) &&
    offsetof(struct row, extcap) < offsetof(struct row, len),
    "row_clear keeps the fields before len: the storage goes there");

struct cursor {
	long long row;		/* absolute row number */
	uint32_t col;
	uint32_t attr;
	unsigned char g[2];
	int gl;
	int on_status;
};

/*
 * After " \r" that may be readline's wrap, the bytes that follow are held
 * back (at most LOOK_MAX) until they say what the CR was; see term_look_step.
 */
#define LOOK_MAX	256

/* Readline's rows are assumed no narrower (its margin space, its climbs). */
#define CLIMB_MIN_WIDTH	20

enum look_seq {
	LK_GROUND,
	LK_ESC,		/* after ESC */
	LK_ESC_INTER,	/* ESC ( and friends, waiting for the final */
	LK_CSI,
	LK_STR,		/* OSC, DCS, ...: to BEL or ST */
	LK_STR_ESC	/* ESC inside a string: ST or a new sequence */
};

struct look {
	enum look_seq seq;
	char priv;		/* private marker of the CSI being read */
	uint32_t text;		/* columns of text after the CR */
	int last_blank;		/* the last of them was a space */
	int cr;			/* a CR came after the text */
	int bs;			/* a BS came after the text */
	int el;			/* EL right after the CR (zsh's wrap) */
	int arg;		/* the CSI being read has a nonzero parameter */
	int differs;		/* the text is not the row's own start */
	int ksh_lf;		/* held after ksh93's LF off a wrapped row
				   (term_ksh_lf_off), not after a CR */
	size_t n;
	unsigned char buf[LOOK_MAX + 4];	/* + the rest of a UTF-8 char */
};

struct sl_term {
	struct sl_term_cb cb;
	struct row *rows;	/* ring of ringcap, grown up to SL_TERM_ROWS */
	unsigned ringcap;
	unsigned top;		/* ring index of the window's first row */
	unsigned nrows;		/* rows in the window, >= 1 */
	unsigned cy;		/* cursor row, relative to top */
	uint32_t cx;
	long long abs_top;	/* absolute number of the window's first row */
	size_t cells;		/* cells allocated in the window */
	uint32_t attr;
	int insert;		/* IRM */
	unsigned char g[2];	/* G0, G1: 'B' ASCII, '0' DEC graphics */
	int gl;			/* which of G0/G1 is in use */
	uint32_t last_ch;	/* for REP */
	unsigned char last_csi;	/* final byte of the last CSI */
	long long cup_from;	/* absolute row the last CUP left */
	struct cursor saved;
	int have_saved;
	uint8_t *tabs;		/* tab stop bitmap; NULL: every 8 columns */

	/*
	 * A scroll region (DECSTBM) leaves the rows below it out of the
	 * scrolling text: apt's and dpkg's `Progress: [ 40%]` bar is drawn
	 * there with ESC 7, CUP to the last row, ESC 8.  CUP below the
	 * region puts the cursor on the status row, which is never a line of
	 * the transcript: the screen's height is unknown, so the window's
	 * rows cannot say which of them is the bottom row the bar is on.
	 */
	uint32_t region_bottom;	/* last row of the region, 0 if none */
	uint32_t status_y;	/* the screen row the status row stands for */
	int on_status;
	struct row *status;	/* made at the first CUP below the region */
	long long status_line;	/* src_line of its last clear, until made */

	enum state state;
	size_t seqlen;
	uint32_t params[CSI_PARAMS];
	uint32_t colon;		/* bit i: param i followed a ':' */
	int nparams;
	int have_param;
	char priv;		/* '?', '>', '=', '<' or 0 */
	char inter;		/* last intermediate byte or 0 */
	struct sl_buf osc;

	unsigned char pend[4];	/* a UTF-8 sequence cut by a feed boundary */
	size_t npend;

	int alt;		/* in the alternate screen */
	int alt_mode;		/* the mode that entered it */
	long long alt_lines;

	long long line;		/* input line of the next byte */
	long long dropped;	/* units of rows never handed out */
	int partial;		/* bytes fed since the last LF */

	/*
	 * Soft wrap.  The width is unknown, but readline tells it: past the
	 * last column it writes " \r" to step off the pending-wrap margin.
	 * From that, wrap_w is learned, and on that row (a readline row)
	 * CR, BS, LF and cursor moves act on physical lines inside the one
	 * logical row, so an edited long command renders whole.
	 */
	uint32_t wrap_w;
	int cr_pending;		/* a CR that may be readline's wrap, or
				   ksh93's LF off a wrapped row held */
	uint32_t cr_col;
	int at_margin;		/* printed up to a multiple of wrap_w */
	/* CRs in a row right before an LF: busybox wraps its line with an
	 * explicit CR LF, one CR more than any line end of the log; mksh's
	 * Enter too, where its Ctrl-L's CR LF has the log's count. */
	unsigned crs, crs_min, crs_max, crs_seen;
	int crs_off;		/* CRS_ALL, CRS_OFF or CRS_LINE_ENDS (see
				   term_counting_crs) */
	uint32_t cr_x;
	long long queried;	/* 1 + absolute row where busybox asked for
				   the cursor, or 0 */
	uint32_t query_col;	/* the column it asked at: its prompt's end */
	uint32_t query_sum;	/* term_prompt_sum() of the cells before it */
	long long erased_row;	/* 1 + absolute row ED 0 cut short, or 0 */
	uint32_t erased_lines;	/* the lines it held before: fish goes back
				   down onto them (erase_soft_below) */
	int fish;		/* fish's end-of-line mark `⏎` was seen */
	long long erased_at;	/* 1 + absolute row ED 0 emptied from its
				   start, until the next BS reads it
				   (term_ksh_pad_width), or 0 */
	int line_erased;	/* ...and the line drawn there again was
				   padded to the margin: ksh93's editor */
	int crless;		/* a stream: the agent dropped every CR
				   (sl_term_set_crless, fish_cr_move) */
	long long fish_cuf_row;	/* 1 + absolute row fish_cr_move last */
	uint32_t fish_cuf_x;	/* moved on, and the column it left */
	int keypad;		/* cursor-key mode on, not yet off: zsh's
				   line editor is active (term_note_wrap) */
	long long fish_mark_row;	/* 1 + absolute row of its last mark,
				   where its prompt is drawn, or 0 */
	long long bb_plain;	/* 1 + absolute row busybox wrapped, while
				   nothing but text followed
				   (term_bb_wrap_end) */
	long long bb_wrapped;	/* 1 + absolute row busybox last wrapped */
	long long kept_row;	/* 1 + absolute row whose last lines EL
				   emptied, still on the screen, or 0 */
	uint32_t kept_lines;	/* the lines it stands for (term_row_lines) */
	long long left_row;	/* 1 + absolute row of a wrapped row an LF
				   last left, or 0 */
	uint32_t left_lines;	/* its lines up to the one left
				   (term_row_lines) */
	long long pad_row;	/* 1 + absolute row where readline padded
				   the margin before a wide character (a
				   space, then EL), or 0 */
	uint32_t pad_col;	/* the column after that space */
	uint32_t el_col;	/* where the last EL was, or 0 since a prompt
				   began: an EL at the same column in a
				   line before is no pad's (bash-nopaste 51,
				   note_margin_pad) */
	int editing;		/* bracketed paste on at column 0 (a bash or
				   fish prompt began) and not yet off */
	long long mark_lf_row;	/* 1 + absolute row whose wrap mark's
				   line an LF went down onto while bash
				   edits (term_lf_onto_mark), or 0 */
	long long rp_row;	/* 1 + absolute row a jump right (CUF) into
				   blank cells landed on, or 0 */
	uint32_t rp_col;	/* the column it landed on */
	long long shift_row;	/* 1 + absolute row readline shifted from
				   column 0 (DCH, ICH) to draw a new prompt
				   over a wrapped line, or 0:
				   term_shift_settle */
	uint32_t shift_end;	/* where it takes the line to end then */
	int shift_ins;		/* it inserted (ICH), not deleted */
	uint32_t shift_invis;	/* bytes of sequences written since */
	long long search_left_row;	/* 1 + absolute row whose search line
				   readline began to draw the prompt over
				   (a CR on its first line), or 0:
				   term_search_left_cr */
	uint32_t search_left_end;	/* where it stopped writing on that
				   line (its next CR), or 0 */
	struct look *look;	/* bytes after a pending CR, not yet fed;
				   made on the first such CR */
	struct sl_buf text;	/* the row being handed out */
	struct sl_span *spans;
	size_t nspans, spancap;

	int spilled;		/* told the owner of a spill once */
	int parked;		/* waits for sl_term_recycle (not in term_all_cells) */
};

enum { LOOK_MORE, LOOK_CR, LOOK_WRAP };

/* Defined in one file of term, used by another. */
extern size_t term_all_cells;
void	term_row_grow(struct sl_term *t, struct row *r, uint32_t need);
void	term_row_free_cells(struct sl_term *t, struct row *r);
void	term_status_clear(struct sl_term *t, long long src_line);
int	term_row_empty(const struct row *r);
uint32_t	term_cells_sum(const struct row *r, uint32_t from, uint32_t to);
void	term_emit_row(struct sl_term *t, struct row *r);
void	term_event(struct sl_term *t, enum sl_term_event ev, const char *text,
    long long num, long long line);
void	term_pop_top(struct sl_term *t);
void	term_push_row(struct sl_term *t);
void	term_cell_budget(struct sl_term *t);
void	term_goto_row(struct sl_term *t, long long y);
void	term_linefeed(struct sl_term *t);
void	term_commit_all(struct sl_term *t);
void	term_cut_row(struct sl_term *t);
void	term_note_wrap(struct sl_term *t, struct row *r, int inserting);
void	term_ksh_pad_width(struct sl_term *t) __attribute__((noinline));
void	term_ksh_lf_off(struct sl_term *t) __attribute__((noinline));
int	term_ksh_cr_below(struct sl_term *t);
void	term_set_width(struct sl_term *t, uint32_t w);
void	term_rprompt_start(struct sl_term *t, uint32_t from);
void	term_rprompt_end_at(struct sl_term *t);
int	term_cr_after_blank(struct sl_term *t, const struct row *r)
	    __attribute__((noinline));
int	term_look_step(struct sl_term *t, unsigned char c);
int	term_look_default(const struct sl_term *t);
int	term_look_whole_char(const struct look *lk);
void	term_query_row_left(struct sl_term *t, const struct row *r);
int	term_busybox_row(const struct sl_term *t, const struct row *r);
int	term_busybox_wrap(struct sl_term *t);
void	term_bb_wrap_end(struct sl_term *t)
	    __attribute__((noinline));
void	term_erase_line(struct sl_term *t, unsigned mode);
void	term_erase_chars(struct sl_term *t, uint32_t n);
void	term_insert_chars(struct sl_term *t, uint32_t n);
void	term_delete_chars(struct sl_term *t, uint32_t n);
void	term_shift_settle(struct sl_term *t);
void	term_search_left_cr(struct sl_term *t, const struct row *r,
	    uint32_t x) __attribute__((noinline));
void	term_search_left_el(struct sl_term *t) __attribute__((noinline));
int	term_search_row(const struct row *r);
void	term_swap_rows(struct sl_term *t, unsigned i, unsigned j);
void	term_insert_lines(struct sl_term *t, uint32_t n);
void	term_delete_lines(struct sl_term *t, uint32_t n);
uint32_t	term_row_lines(const struct sl_term *t, const struct row *r, long long y);
void	term_bb_wrap_erased(struct sl_term *t);
void	term_erase_display(struct sl_term *t, unsigned mode, int homed);
void	term_tab_clear(struct sl_term *t, uint32_t mode);
void	term_tab_move(struct sl_term *t, int n);
void	term_save_cursor(struct sl_term *t);
void	term_restore_cursor(struct sl_term *t);
void	term_sgr(struct sl_term *t);
void	term_erased_lines_end(struct sl_term *t);
uint32_t	term_prompt_sum(const struct row *r, uint32_t n);
void	term_cursor_query(struct sl_term *t, uint32_t n);
void	term_set_modes(struct sl_term *t, int on);
int	term_soft_move(struct sl_term *t, unsigned char f, uint32_t *np);
int	term_to_status(struct sl_term *t, uint32_t y);
void	term_set_region(struct sl_term *t);
void	term_cursor_up(struct sl_term *t, uint32_t n);
int	term_climb_in_row(struct sl_term *t, uint32_t *np)
	    __attribute__((noinline));
void	term_scroll_down(struct sl_term *t, uint32_t n);
void	term_osc_dispatch(struct sl_term *t);
int	term_lf_in_row(struct sl_term *t);
int	term_lf_onto_mark(struct sl_term *t, const struct row *r)
	    __attribute__((noinline));
void	term_mark_lf_accepted(struct sl_term *t) __attribute__((noinline));
void	term_esc_dispatch(struct sl_term *t, unsigned char f);
void	term_spill_rows(struct sl_term *t);

static inline struct row *
term_row_at(struct sl_term *t, unsigned i)
{
	/* ringcap is a power of two (RING_MIN doubled up to SL_TERM_ROWS). */
	return &t->rows[(t->top + i) & (t->ringcap - 1)];
}

static inline struct row *
term_cur_row(struct sl_term *t)
{
	if (t->on_status)
		return t->status;
	return term_row_at(t, t->cy);
}

/* Blank cells [from, to) of r, extending its length to `to`. */
static inline void
term_row_blank(struct row *r, uint32_t from, uint32_t to)
{
	uint32_t i;

	for (i = from; i < to; i++) {
		r->ch[i] = CELL_BLANK;
		r->at[i] = SL_ATTR_DEFAULT;
	}
}

static inline void
term_row_clear(struct sl_term *t, struct row *r, long long src_line)
{
	if (r->cap > ROW_KEEP)
		term_row_free_cells(t, r);
	if (r->extcap > 64) {
		free(r->ext);
		r->ext = NULL;
		r->extcap = 0;
	}
	t->dropped += r->units;
	/* Only the cells and clusters (their storage) outlive a clear: a
	 * few wide stores, inlined (a compound literal keeping them was a
	 * `rep stos` and a call on every line). */
	memset(&r->len, 0, sizeof(*r) - offsetof(struct row, len));
	r->src_line = src_line;
}

/* A wide character half-overwritten leaves a blank, as on a terminal. */
static inline void
term_fix_wide_left(struct row *r, uint32_t x)
{
	if (x < r->len && x > 0 && r->ch[x] == CELL_WIDE)
		r->ch[x - 1] = CELL_BLANK;
}

static inline void
term_fix_wide_right(struct row *r, uint32_t x)
{
	if (x < r->len && r->ch[x] == CELL_WIDE)
		r->ch[x] = CELL_BLANK;
}

/* Is the cursor row wrapped by readline at a known width? */
static inline int
term_soft_wrapped(struct sl_term *t)
{
	return t->wrap_w != 0 && term_cur_row(t)->soft;
}

/*
 * The last physical line of a wrapped row that holds text.  A line of
 * blanks past it is only where readline's " \r" left the cursor: a row
 * typed to exactly the width ends there, and what comes after Enter
 * (bash writes CR LF from the first line) is output, not the row.
 */
static inline uint32_t
term_last_line(const struct sl_term *t, const struct row *r)
{
	uint32_t n = r->len;

	while (n > 0 && r->ch[n - 1] == CELL_BLANK)
		n--;
	return n > 0 ? (n - 1) / t->wrap_w : 0;
}

/* First column of the physical line the cursor is on. */
static inline uint32_t
term_line_start(struct sl_term *t)
{
	if (t->at_margin)
		return t->cx - t->wrap_w;
	return t->cx / t->wrap_w * t->wrap_w;
}

/*
 * Counting CRs costs on every line, so it is done only while the log's
 * line end is learnt (its first LFs), in a session where busybox asked
 * for the cursor (CRS_ALL), and for the rows' line ends alone
 * (CRS_LINE_ENDS, term_line_end) in a log whose first line ends were of
 * two counts, one CR apart: a shell's Enter writes its own CR LF.
 */
enum { CRS_ALL, CRS_OFF, CRS_LINE_ENDS };

static inline int
term_counting_crs(const struct sl_term *t)
{
	return t->crs_off != CRS_OFF;
}

/*
 * How an LF after run CRs ends its row (struct sl_row's line_end): 1 with
 * the CRs most of the log's line ends have, 2 with one more (mksh's
 * Enter, in script's log CR CR CR LF where its Ctrl-L writes CR CR LF), 0
 * when that is not known (a stream's, or the log's first line ends so
 * far were not of two counts one apart).
 */
static inline int
term_line_end(const struct sl_term *t, unsigned run)
{
	if (t->crs_max != t->crs_min + 1)
		return 0;
	if (run == t->crs_min)
		return 1;
	return run == t->crs_max ? 2 : 0;
}

/* A CR moved the cursor from x: count it with the CRs right before. */
static inline void
term_count_cr(struct sl_term *t, uint32_t x)
{
	if (!term_counting_crs(t))
		return;
	t->crs = t->crs > 0 && x == t->cr_x ? t->crs + 1 : 1;
	t->cr_x = t->cx;
}

/* On every CR and CUB: nothing to look at unless a jump right was noted. */
static inline void
term_rprompt_end(struct sl_term *t)
{
	if (t->rp_row != 0)
		term_rprompt_end_at(t);
}

/* EL emptied the cursor row's last line from its start (term_row_lines). */
static inline void
term_keep_lines(struct sl_term *t, const struct row *r)
{
	t->kept_row = t->abs_top + t->cy + 1;
	t->kept_lines = term_last_line(t, r) + 1;
}

/*
 * The hooks, on paths that already ask term_soft_wrapped(): a shift is
 * only noted on a wrapped row, and readline's next move after it is a
 * CR, LF, BS or a CSI there.
 */
static inline void
term_settled(struct sl_term *t)
{
	if (t->shift_row != 0)
		term_shift_settle(t);
}

/* A CSI on a wrapped row: SGR is more invisible bytes, the rest a move. */
static inline void
term_shift_csi(struct sl_term *t, unsigned char f)
{
	if (t->shift_row == 0)
		return;
	if (f == 'm' && t->priv == 0 && t->inter == 0)
		t->shift_invis += (uint32_t)t->seqlen + 2;
	else
		term_shift_settle(t);
}

static inline uint32_t
term_param(const struct sl_term *t, int i, uint32_t def)
{
	if (i >= t->nparams || t->params[i] == 0)
		return def;
	return t->params[i];
}

#endif /* SL_RENDER_TERM_H */
