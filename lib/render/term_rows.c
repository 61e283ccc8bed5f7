/*
 * term_rows.c: the row store: the window's ring of rows, their cells
 * and the shared cell budget, rows made final as they leave the window,
 * and the renderer's life (new, reset, park, recycle, free).
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

#define RING_MIN	2	/* rows a renderer starts with */
#define RECYCLE_CELLS	256	/* cells a parked renderer's row keeps */

/* The ring is indexed with a mask: its sizes must be powers of two. */
_Static_assert((RING_MIN & (RING_MIN - 1)) == 0 &&
    (SL_TERM_ROWS & (SL_TERM_ROWS - 1)) == 0, "ring sizes not powers of two");

/*
 * The cells of all renderers together: one reader can keep thousands of
 * sessions open at once (interleaved CloudWatch streams), and
 * SL_TERM_CELLS each would be gigabytes.  Single-threaded, as the whole
 * library is.
 */
size_t term_all_cells;

#define SPILL_SMALL	(16 * 1024)	/* cells a spilled renderer may keep */
/* ------------------------------------------------------------- rows */

/*
 * A row's cells as one block, ch then at (at == ch + cap): half the
 * allocator calls of two arrays, and a short session's rows are most of
 * what it allocates.  The cells past cap's new value go; new ones are
 * unset, as a row's cells past its length are.
 */
static void
cells_resize(struct row *r, uint32_t cap)
{
	uint32_t *ch = r->ch;

	if (cap < r->cap)	/* at moves down before the block is cut */
		memmove(ch + cap, r->at, cap * sizeof(*ch));
	ch = sl_xrealloc(ch, (size_t)cap * 2 * sizeof(*ch));
	if (cap > r->cap && r->cap > 0)	/* and up after it has grown */
		memmove(ch + cap, ch + r->cap, r->cap * sizeof(*ch));
	r->ch = ch;
	r->at = ch + cap;
}

void
term_row_grow(struct sl_term *t, struct row *r, uint32_t need)
{
	uint32_t cap;

	if (need <= r->cap)
		return;
	cap = r->cap ? r->cap : 32;	/* small: thousands may be open */
	while (cap < need)
		cap *= 2;
	if (cap > SL_ROW_MAX)
		cap = SL_ROW_MAX;
	cells_resize(r, cap);
	t->cells += cap - r->cap;
	term_all_cells += cap - r->cap;
	r->cap = cap;
}

/* Give r's cells back, to t's count and to the budget of all renderers. */
void
term_row_free_cells(struct sl_term *t, struct row *r)
{
	t->cells -= r->cap;
	term_all_cells -= r->cap;
	free(r->ch);		/* at is in the same block */
	r->ch = r->at = NULL;
	r->cap = 0;
}

/* The status row is cleared as any row; most renderers never make it. */
void
term_status_clear(struct sl_term *t, long long src_line)
{
	if (t->status != NULL)
		term_row_clear(t, t->status, src_line);
	else
		t->status_line = src_line;
}

/* The window's first row is final: hand it out and drop it. */
void
term_pop_top(struct sl_term *t)
{
	struct row *r = term_row_at(t, 0);

	term_emit_row(t, r);
	term_row_clear(t, r, t->line);
	t->top = (t->top + 1) & (t->ringcap - 1);
	t->nrows--;
	t->abs_top++;
	if (t->cy > 0)
		t->cy--;
}

/*
 * The ring as a new array of cap rows, the window first: a renderer
 * holds only the rows it has needed (thousands may be open at once).
 */
static void
ring_resize(struct sl_term *t, unsigned cap)
{
	struct row *rows, *r;
	unsigned i;

	if (cap > t->ringcap && t->top == 0) {
		/* Growing a ring in order (a new session's rows filling
		 * it): the rows stay where they are. */
		t->rows = sl_xrealloc(t->rows, cap * sizeof(*rows));
		memset(t->rows + t->ringcap, 0,
		    (cap - t->ringcap) * sizeof(*rows));
		t->ringcap = cap;
		return;
	}
	rows = sl_xcalloc(cap, sizeof(*rows));
	for (i = 0; i < t->ringcap; i++) {
		r = term_row_at(t, i);
		if (i < cap) {
			rows[i] = *r;
			continue;
		}
		/* Shrinking: a row past the window goes. */
		term_row_free_cells(t, r);
		free(r->ext);
	}
	free(t->rows);
	t->rows = rows;
	t->ringcap = cap;
	t->top = 0;
}

/* Append a blank row at the bottom, making room by popping the top. */
void
term_push_row(struct sl_term *t)
{
	if (t->nrows == SL_TERM_ROWS) {
		/* The full ring's top slot, just cleared, is the new row. */
		term_pop_top(t);
		t->nrows++;
		return;
	}
	if (t->nrows == t->ringcap)
		ring_resize(t, SL_MIN(t->ringcap * 2, SL_TERM_ROWS));
	term_row_clear(t, term_row_at(t, t->nrows), t->line);
	t->nrows++;
}

/*
 * Keep the window's cells under budget.  Rows above the cursor become
 * final early when that is enough; when the cells are in the cursor row
 * or below (a program drawing bottom-up), every row is committed instead
 * and drawing goes on in a blank window at the same place: nothing is
 * lost, though such rows may come out of screen order.
 */
void
term_cell_budget(struct sl_term *t)
{
	size_t above = 0;
	unsigned i, y;
	uint32_t x;

	if (t->cells <= SL_TERM_CELLS)
		return;		/* the common case: no row to give up */
	for (i = 0; i < t->cy; i++)
		above += term_row_at(t, i)->cap;
	if (t->cells - above <= SL_TERM_CELLS) {
		while (t->cells > SL_TERM_CELLS && t->cy > 0)
			term_pop_top(t);
		return;
	}
	y = t->cy;
	x = t->cx;
	term_commit_all(t);
	term_goto_row(t, y);
	t->cx = x;
}

/* Move the cursor to window row y, creating rows down to it. */
void
term_goto_row(struct sl_term *t, long long y)
{
	if (y < 0)
		y = 0;
	if (y >= SL_TERM_ROWS)
		y = SL_TERM_ROWS - 1;
	t->on_status = 0;
	while ((long long)t->nrows <= y) {
		long long before = t->abs_top;

		term_push_row(t);
		y -= t->abs_top - before;
	}
	t->cy = (unsigned)y;
}

void
term_linefeed(struct sl_term *t)
{
	if (t->on_status)
		return;		/* below the region nothing scrolls */
	if (t->cy + 1 < t->nrows)
		t->cy++;
	else {
		term_push_row(t);
		t->cy = t->nrows - 1;
	}
	term_cell_budget(t);
}

/*
 * Commit every row: all rows above the cursor, the cursor row and rows
 * below up to the last with text.  Trailing empty rows at or below the
 * cursor are screen, not lines.  The window is left as one empty row.
 */
void
term_commit_all(struct sl_term *t)
{
	unsigned last = t->cy, i;

	for (i = t->cy; i < t->nrows; i++)
		if (!term_row_empty(term_row_at(t, i)))
			last = i + 1;
	for (i = 0; i < last; i++)
		term_emit_row(t, term_row_at(t, i));
	for (i = 0; i < t->nrows; i++)
		term_row_clear(t, term_row_at(t, i), t->line);
	t->abs_top += t->nrows;
	t->top = (t->top + t->nrows) & (t->ringcap - 1);
	t->nrows = 1;
	t->cy = 0;
	term_row_clear(t, term_row_at(t, 0), t->line);
}

/* A row reached SL_ROW_MAX: everything above it is final, and the row
 * goes out as a piece; writing continues on a fresh row. */
void
term_cut_row(struct sl_term *t)
{
	struct row *r;
	int first;

	while (t->cy > 0)
		term_pop_top(t);
	r = term_cur_row(t);
	first = r->cut == 0;
	if (first)
		r->cut = 1;
	term_emit_row(t, r);
	r->cut++;
	if (first)
		term_event(t, SL_TEV_LONG_LINE, NULL, SL_ROW_MAX, r->src_line);
	r->len = 0;
	r->next = 0;
	r->rp_from = r->rp_to = 0;	/* its cells went out */
	t->cx = 0;
}

/* Swap window rows i and j (ring slots). */
void
term_swap_rows(struct sl_term *t, unsigned i, unsigned j)
{
	struct row tmp = *term_row_at(t, i);

	*term_row_at(t, i) = *term_row_at(t, j);
	*term_row_at(t, j) = tmp;
}

/* ------------------------------------------------- the global budget */

/* Free the rows outside the window, and the buffers of handed-out text. */
static void
release_spare(struct sl_term *t)
{
	unsigned i;
	struct row *r;

	for (i = t->nrows; i < t->ringcap; i++) {
		r = term_row_at(t, i);
		term_row_free_cells(t, r);
		free(r->ext);
		r->ext = NULL;
		r->extcap = 0;
		r->len = r->next = 0;
	}
	sl_buf_free(&t->text);
	sl_buf_init(&t->text);
	free(t->spans);
	t->spans = NULL;
	t->spancap = 0;
	if (t->state == S_GROUND) {
		/* Each OSC starts it afresh. */
		sl_buf_free(&t->osc);
		sl_buf_init(&t->osc);
	}
	if (!t->cr_pending) {
		free(t->look);
		t->look = NULL;
	}
	if (t->ringcap > RING_MIN && t->nrows <= RING_MIN)
		ring_resize(t, RING_MIN);
}

/*
 * The cursor row keeps about the cells it uses (none when empty): past
 * its length a row is blank, and it grows again when written.  Only a
 * row far larger than its text is cut, not one that would grow back
 * at its next feed.
 */
static void
fit_cursor_row(struct sl_term *t)
{
	struct row *r = term_cur_row(t);
	uint32_t cap = (r->len + 31) & ~(uint32_t)31;

	if (cap == 0) {
		term_row_free_cells(t, r);
		return;
	}
	if (cap * 4 > r->cap)
		return;
	cells_resize(r, cap);
	t->cells -= r->cap - cap;
	term_all_cells -= r->cap - cap;
	r->cap = cap;
}

/*
 * Make t small: rows above the cursor are final now (as term_cell_budget() does
 * for one renderer); when t still holds more than SPILL_SMALL cells (a
 * long cursor row, rows below it) those go out too, and the owner hears
 * of it once: a later cursor move into them cannot change them any more.
 */
void
term_spill_rows(struct sl_term *t)
{
	unsigned y;
	uint32_t x;

	while (t->cy > 0)
		term_pop_top(t);
	release_spare(t);
	/* Not mid-sequence, with held bytes (after a CR, or ksh93's LF),
	 * or on the status row. */
	if (t->cells > SPILL_SMALL && t->state == S_GROUND && !t->cr_pending &&
	    !t->on_status) {
		y = t->cy;
		x = t->cx;
		term_commit_all(t);
		term_goto_row(t, y);
		t->cx = x;
		term_cur_row(t)->rest = 1;
		release_spare(t);
		if (!t->spilled)
			term_event(t, SL_TEV_SPILLED, NULL, (long long)SL_TERM_BUDGET,
			    t->line);
		t->spilled = 1;
	}
	/* Last: a row about to go needs no smaller copy first. */
	fit_cursor_row(t);
}

/* Everything of sl_term_reset but the rows, which are clear already. */
static void
reset_state(struct sl_term *t)
{
	t->top = 0;
	t->nrows = 1;
	t->cy = 0;
	t->cx = 0;
	t->abs_top = 0;
	t->attr = SL_ATTR_DEFAULT;
	t->insert = 0;
	t->g[0] = t->g[1] = 'B';
	t->gl = 0;
	t->last_ch = 0;
	t->last_csi = 0;
	t->have_saved = 0;
	t->region_bottom = 0;
	t->status_y = 0;
	t->on_status = 0;
	term_status_clear(t, 1);
	free(t->tabs);
	t->tabs = NULL;
	t->state = S_GROUND;
	t->npend = 0;
	t->alt = 0;
	t->alt_lines = 0;
	t->line = 1;
	t->partial = 0;
	t->wrap_w = 0;
	t->fish = 0;
	t->line_erased = 0;
	t->erased_at = 0;
	t->keypad = 0;
	t->fish_mark_row = 0;
	t->fish_cuf_row = 0;		/* fish_cr_move: a stream's, forgotten */
	t->bb_plain = t->bb_wrapped = 0;
	t->pad_row = 0;
	t->kept_row = 0;
	t->rp_row = 0;
	t->editing = 0;
	t->mark_lf_row = 0;
	t->shift_row = 0;
	t->search_left_row = 0;
	t->left_row = t->left_lines = 0;
	t->queried = t->query_col = t->query_sum = 0;
	t->erased_row = 0;
	t->cr_pending = 0;
	if (t->look != NULL)
		t->look->n = 0;
	t->at_margin = 0;
}

void
sl_term_reset(struct sl_term *t)
{
	unsigned i;

	/* Rows outside the window were cleared as they left it (or were
	 * never used): a reset per line (sl-redact) touches one or two. */
	for (i = 0; i < t->nrows; i++)
		term_row_clear(t, term_row_at(t, i), 1);
	t->rows[0].src_line = 1;	/* the window's row after reset_state */
	reset_state(t);
}

struct sl_term *
sl_term_new(const struct sl_term_cb *cb)
{
	struct sl_term *t = sl_xcalloc(1, sizeof(*t));

	t->cb = *cb;
	t->ringcap = RING_MIN;
	t->rows = sl_xcalloc(RING_MIN, sizeof(*t->rows));
	sl_buf_init(&t->osc);
	sl_buf_init(&t->text);
	sl_term_reset(t);
	return t;
}

/*
 * Put a finished renderer aside for the next session (see render.h).
 * It keeps the ring and the scratch buffers, and the cells of rows of
 * up to RECYCLE_CELLS (a short file's rows), never more than a ring of
 * those; the rest goes now.  Its cells leave the budget of all
 * renderers while it waits: it renders nothing.
 */
void
sl_term_park(struct sl_term *t)
{
	unsigned i;
	struct row *r;

	for (i = 0; i < t->ringcap; i++) {
		r = &t->rows[i];
		if (r->cap > RECYCLE_CELLS)
			term_row_free_cells(t, r);
		if (r->extcap > 64)
			term_row_clear(t, r, 1);	/* frees the clusters */
	}
	/* Rows outside the window were cleared as they left it. */
	for (i = 0; i < t->nrows; i++)
		term_row_clear(t, term_row_at(t, i), 1);
	if (t->status != NULL) {	/* rare: made again when needed */
		term_row_free_cells(t, t->status);
		free(t->status->ext);
		free(t->status);
		t->status = NULL;
	}
	free(t->tabs);
	t->tabs = NULL;
	term_all_cells -= t->cells;
	t->parked = 1;
}

/*
 * A parked renderer as sl_term_new(cb) makes one.  Everything but the
 * storage kept is zeroed as calloc does in sl_term_new, so a field added
 * to struct sl_term starts the same either way; one that owns memory
 * must be freed by sl_term_park or kept here.  The rows kept count in
 * t->cells, so the window's budget (SL_TERM_CELLS) is reached at most
 * RECYCLE_CELLS a row sooner than a new renderer would reach it.
 */
void
sl_term_recycle(struct sl_term *t, const struct sl_term_cb *cb)
{
	struct sl_term kept = *t;

	memset(t, 0, sizeof(*t));
	t->cb = *cb;
	t->rows = kept.rows;	/* cleared by sl_term_park */
	t->ringcap = kept.ringcap;
	t->rows[0].src_line = 1;	/* the window's row, as reset makes it */
	t->cells = kept.cells;
	term_all_cells += t->cells;
	t->osc = kept.osc;
	sl_buf_reset(&t->osc);
	t->text = kept.text;
	sl_buf_reset(&t->text);
	t->spans = kept.spans;
	t->spancap = kept.spancap;
	t->look = kept.look;
	reset_state(t);
}

void
sl_term_set_crless(struct sl_term *t, int on)
{
	t->crless = on;
}

void
sl_term_set_line(struct sl_term *t, long long line)
{
	t->line = line;
	if (term_cur_row(t)->len == 0)
		term_cur_row(t)->src_line = line;
}

long long
sl_term_line(const struct sl_term *t)
{
	return t->line;
}

size_t
sl_term_all_cells(void)
{
	return term_all_cells;
}

long long
sl_term_dropped(const struct sl_term *t)
{
	return t->dropped;
}

void
sl_term_free(struct sl_term *t)
{
	unsigned i;

	if (t == NULL)
		return;
	if (!t->parked)
		term_all_cells -= t->cells;
	for (i = 0; i < t->ringcap; i++) {
		free(t->rows[i].ch);	/* and at, in its block */
		free(t->rows[i].ext);
	}
	free(t->rows);
	sl_buf_free(&t->osc);
	sl_buf_free(&t->text);
	free(t->spans);
	free(t->look);
	free(t->tabs);
	if (t->status != NULL) {
		free(t->status->ch);
		free(t->status->ext);
		free(t->status);
	}
	free(t);
}
