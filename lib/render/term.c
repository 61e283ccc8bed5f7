/*
 * term.c: the terminal line model.  Raw pty bytes in, final rows out.
 *
 * A session log does not record the terminal size, so this is a
 * terminal of unknown width (no auto-wrap; rows grow up to SL_ROW_MAX
 * columns) over a window of the SL_TERM_ROWS most recent rows.  Cursor
 * movement, erases and inserts act inside the window as on a terminal;
 * a row is final once it leaves the window (or the input ends), and only
 * then is it handed to the callback.  Where a terminal would lose text
 * the user saw (erase display, scrolling), the rows are committed first.
 *
 * The hot path is a run of printable ASCII written at the cursor: it is
 * found with a tight loop and copied cell by cell in one pass, with
 * boundary fix-ups for wide characters done once per run, not per byte.
 * Between the runs of a coloured transcript, most sequences are SGRs: a
 * renderer that keeps no attributes only finds their end (sgr_skip).
 *
 * Example input (rendering.md sample 2, piece):
 *	$ ech hello\b\b\b\b\b\b\033[1@o\r\n	shows	$ echo hello
 *
 * This file keeps the byte state machine and its ground fast path (runs
 * of printable ASCII written in one pass), cells written at the cursor,
 * CR and LF, the lookahead that holds the bytes after a CR until they
 * tell whether it was readline's wrap, the CSI switch, and feed/finish.
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

#define CLUSTERS_MAX	4096	/* clusters per row; more marks dropped */
#define CSI_MAX		512	/* bytes in a CSI, or of an ESC's intermediates,
				   before it is abandoned */

static void	put_cp(struct sl_term *, uint32_t);

#ifdef __SSE2__
/* Cells [i, i + 4) from bytes; returns i + 4. */
static inline uint32_t
widen4(uint32_t *ch, uint32_t *at, const unsigned char *s, uint32_t i,
    __m128i va)
{
	const __m128i zero = _mm_setzero_si128();
	int32_t four;
	__m128i v;

	memcpy(&four, s + i, 4);
	v = _mm_unpacklo_epi8(_mm_cvtsi32_si128(four), zero);
	_mm_storeu_si128((__m128i *)(ch + i), _mm_unpacklo_epi16(v, zero));
	if (at != NULL)
		_mm_storeu_si128((__m128i *)(at + i), va);
	return i + 4;
}
#endif
/* ------------------------------------------------------------- printing */

/*
 * Cells from bytes, 16 at a time: the bytes zero-extended into ch, the
 * one attribute into at (NULL: attributes are not kept, see put_ascii).
 * Returns how many were done; the caller does the rest (a run shorter
 * than 4) one by one.
 */
#ifdef __SSE2__
/* Cells [0, 16) at ch from the 16 bytes at s. */
static inline void
widen16(uint32_t *ch, const unsigned char *s)
{
	const __m128i zero = _mm_setzero_si128();
	__m128i v = _mm_loadu_si128((const __m128i *)s);
	__m128i lo = _mm_unpacklo_epi8(v, zero);
	__m128i hi = _mm_unpackhi_epi8(v, zero);

	_mm_storeu_si128((__m128i *)ch, _mm_unpacklo_epi16(lo, zero));
	_mm_storeu_si128((__m128i *)(ch + 4), _mm_unpackhi_epi16(lo, zero));
	_mm_storeu_si128((__m128i *)(ch + 8), _mm_unpacklo_epi16(hi, zero));
	_mm_storeu_si128((__m128i *)(ch + 12), _mm_unpackhi_epi16(hi, zero));
}
#endif

static inline __attribute__((always_inline)) uint32_t
widen_ascii(uint32_t *ch, uint32_t *at, const unsigned char *s, uint32_t k,
    uint32_t a)
{
	uint32_t i = 0;
#ifdef __SSE2__
	const __m128i zero = _mm_setzero_si128(), va = _mm_set1_epi32((int)a);
	uint32_t j;

	for (; i + 16 <= k; i += 16)
		widen16(ch + i, s + i);
	/* The attributes in a loop of their own: most renderers keep
	 * none, and the cells' loop then tests nothing. */
	for (j = 0; at != NULL && j < i; j += 4)
		_mm_storeu_si128((__m128i *)(at + j), va);
	/* The rest in steps of 8 and 4, reading no byte past s + k. */
	if (i + 8 <= k) {
		__m128i v = _mm_unpacklo_epi8(
		    _mm_loadl_epi64((const __m128i *)(s + i)), zero);

		_mm_storeu_si128((__m128i *)(ch + i), _mm_unpacklo_epi16(v, zero));
		_mm_storeu_si128((__m128i *)(ch + i + 4), _mm_unpackhi_epi16(v, zero));
		if (at != NULL) {
			_mm_storeu_si128((__m128i *)(at + i), va);
			_mm_storeu_si128((__m128i *)(at + i + 4), va);
		}
		i += 8;
	}
	if (i + 4 <= k)
		i = widen4(ch, at, s, i, va);
	/* Fewer than 4 left: the last 4, over cells just done (with the
	 * same values). */
	if (i < k && k >= 4)
		i = widen4(ch, at, s, k - 4, va);
#else
	(void)ch; (void)at; (void)s; (void)k; (void)a;
#endif
	return i;
}

/*
 * Whether a run's cells may be made in whole blocks of 16 (widen_blocks),
 * up to 15 cells past its end: no attributes to keep, nothing of the row
 * after the run (its cells past r->len are not text), room for them
 * within the row's cells, and bytes to read past s + k up to lim.
 */
static inline int
blocks_fit(const struct row *r, const uint32_t *at, uint32_t end,
    uint32_t k, const unsigned char *s, const unsigned char *lim)
{
	uint32_t blocks = (k + 15) & ~(uint32_t)15;

	return at == NULL && end == r->len && r->cap - end >= blocks - k &&
	    (size_t)(lim - s) >= blocks;
}

/*
 * Cells [0, k) from bytes, in blocks of 16 with no tail of 8, 4 and 1:
 * a run is short and of any length, and the tail's tests were the
 * renderer's costliest mispredicted branches (callgrind --branch-sim
 * on an escape-dense log).  blocks_fit() said what it may overwrite.
 */
static inline __attribute__((always_inline)) uint32_t
widen_blocks(uint32_t *ch, const unsigned char *s, uint32_t k)
{
#ifdef __SSE2__
	uint32_t i;

	for (i = 0; i < k; i += 16)
		widen16(ch + i, s + i);
	return k;
#else
	(void)ch; (void)s; (void)k;
	return 0;
#endif
}

/* k printable ASCII bytes at the cursor, 0 < k <= the room left in its
 * row r (put_ascii: inlined there, its one common call); the bytes from
 * s to lim may be read. */
static inline __attribute__((always_inline)) void
put_piece(struct sl_term *t, struct row *r, const unsigned char *s,
    uint32_t k, const unsigned char *lim)
{
	uint32_t i, end, x = t->cx;
	uint32_t a = t->attr;
	uint32_t *ch, *at;
	uint64_t empty;

	/* Where its text starts, if it is the first: selected with a mask,
	 * not branched on (a run starts a row about as often as not, and
	 * gcc keeps a branch for ?: here). */
	empty = (uint64_t)(r->len != 0) - 1;
	r->src_line = (long long)(((uint64_t)r->src_line & ~empty) |
	    ((uint64_t)t->line & empty));
	if (t->insert && x < r->len) {
		uint32_t keep = r->len - x;

		if (keep > SL_ROW_MAX - x - k)
			keep = SL_ROW_MAX - x - k;
		term_row_grow(t, r, x + k + keep);
		memmove(r->ch + x + k, r->ch + x, keep * sizeof(*r->ch));
		memmove(r->at + x + k, r->at + x, keep * sizeof(*r->at));
		r->len = x + k + keep;
	}
	end = x + k;
	if (end > r->len) {	/* k > 0: x past the end is in it */
		if (end > r->cap)
			term_row_grow(t, r, end);
		if (x > r->len)
			term_row_blank(r, r->len, x);
	}
	term_fix_wide_left(r, x);
	if (end > r->len)
		r->len = end;
	else
		term_fix_wide_right(r, end);
	ch = r->ch + x;
	/* Attributes are read only to hand out spans (emit): without
	 * them the cells' attributes are never looked at, but on zsh's
	 * editor rows (suggestion_drop). */
	at = t->cb.attrs || (r->flags & SL_ROW_KEYPAD_ON) ? r->at + x : NULL;
	if (blocks_fit(r, at, end, k, s, lim))
		i = widen_blocks(ch, s, k);
	else
		i = widen_ascii(ch, at, s, k, a);
	for (; i < k; i++) {
		ch[i] = s[i];
		if (at != NULL)
			at[i] = a;
	}
	t->cx = end;
	t->last_ch = s[k - 1];
}

/* A cursor's room left in its row: none past the last column (never, by
 * the moves' bounds, but it must not wrap). */
static inline uint32_t
row_room(const struct sl_term *t)
{
	return t->cx < SL_ROW_MAX ? SL_ROW_MAX - t->cx : 0;
}

/* More than the row's room: it fills the row, which goes out as a piece
 * (term_cut_row), and goes on in a fresh one.  Returns the cursor's row. */
static struct row	*put_long(struct sl_term *, const unsigned char *,
			    size_t, const unsigned char *)
			    __attribute__((noinline));

static struct row *
put_long(struct sl_term *t, const unsigned char *s, size_t n,
    const unsigned char *lim)
{
	struct row *r = term_cur_row(t);
	uint32_t k;

	while (n > 0) {
		if (row_room(t) == 0) {
			term_cut_row(t);
			r = term_cur_row(t);
			continue;
		}
		k = n < row_room(t) ? (uint32_t)n : row_room(t);
		put_piece(t, r, s, k, lim);
		s += k;
		n -= k;
	}
	return r;
}

/*
 * Write n > 0 printable ASCII bytes at the cursor: the hot path, inlined
 * into the byte loop (ground_run), where most of its calls are.  The
 * bytes from s to lim (>= s + n) may be read.
 */
static inline __attribute__((always_inline)) void
put_ascii(struct sl_term *t, const unsigned char *s, size_t n,
    const unsigned char *lim)
{
	struct row *r;

	if (n <= row_room(t))
		put_piece(t, r = term_cur_row(t), s, (uint32_t)n, lim);
	else
		r = put_long(t, s, n, lim);
	if (t->wrap_w != 0)
		term_note_wrap(t, r, t->insert);
	if (t->cells > SL_TERM_CELLS)
		term_cell_budget(t);
}

/*
 * Clusters of overwritten cells are not freed one by one; when the
 * storage is full, keep only those cells still refer to.
 */
static uint32_t
compact_clusters(struct row *r)
{
	uint32_t *old = r->ext, i, k = 0;

	r->ext = sl_xmalloc((size_t)r->extcap * CLUSTER_SLOTS * sizeof(*r->ext));
	for (i = 0; i < r->len; i++) {
		if (r->ch[i] == CELL_WIDE || !(r->ch[i] & CELL_EXT))
			continue;
		memcpy(&r->ext[k * CLUSTER_SLOTS],
		    &old[(r->ch[i] & ~CELL_EXT) * CLUSTER_SLOTS],
		    CLUSTER_SLOTS * sizeof(*r->ext));
		r->ch[i] = CELL_EXT | k++;
	}
	free(old);
	r->next = k;
	return k;
}

/*
 * A wide character does not fit in the last column: readline writes a
 * space there and EL, and the character starts the next line.  So a wide
 * character written where EL just was, after a space that ends a prompt
 * row, may start a line: a climb on the row (learn_width_from_pad) says
 * whether it did.  (bashsearch, issue 12)
 */
static void
note_margin_pad(struct sl_term *t, struct row *r)
{
	if (t->cx > CLIMB_MIN_WIDTH && t->cx == r->len &&
	    r->ch[t->cx - 1] == CELL_BLANK &&
	    (r->flags & (SL_ROW_PASTE | SL_ROW_TITLE))) {
		t->pad_row = t->abs_top + t->cy + 1;
		t->pad_col = t->cx;
		/* Readline keeps the pad as a space in its own copy of the
		 * line: a typed space there is drawn the same (pasted, or
		 * drawn again after Ctrl-R), so unless a climb tells
		 * (learn_width_from_pad), the row is unsure while the pad
		 * stays (pad_erased; bash-git 43).  The space was the last
		 * text written: one left by BS and EL (a typo erased) is no
		 * pad. */
		if (t->last_ch == ' ' && (t->wrap_w == 0 ||
		    t->cx % t->wrap_w == 0))
			r->flags |= SL_ROW_PAD_UNSURE;
	}
}

/* Attach a zero-width mark to the cell left of the cursor. */
static void
put_mark(struct sl_term *t, uint32_t cp)
{
	struct row *r = term_cur_row(t);
	uint32_t x = t->cx, *cl, c;

	if (x == 0 || x > r->len)
		return;
	x--;
	if (r->ch[x] == CELL_WIDE && x > 0)
		x--;
	c = r->ch[x];
	if (c & CELL_EXT) {
		cl = &r->ext[(c & ~CELL_EXT) * CLUSTER_SLOTS];
		if (cl[0] < CLUSTER_SLOTS - 1)
			cl[1 + cl[0]++] = cp;
		return;
	}
	if (r->next >= CLUSTERS_MAX && compact_clusters(r) >= CLUSTERS_MAX)
		return;
	if (r->next == r->extcap) {
		r->extcap = r->extcap ? r->extcap * 2 : 8;
		r->ext = sl_xrealloc(r->ext,
		    (size_t)r->extcap * CLUSTER_SLOTS * sizeof(*r->ext));
	}
	cl = &r->ext[r->next * CLUSTER_SLOTS];
	cl[0] = 2;
	cl[1] = c;
	cl[2] = cp;
	r->ch[x] = CELL_EXT | r->next++;
}

/* DEC special graphics, 0x5f..0x7e, as xterm draws them. */
static const uint16_t dec_graphics[32] = {
	0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0,
	0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c,
	0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534,
	0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,
};

static int
graphics(const struct sl_term *t)
{
	return t->g[t->gl] == '0';
}

/* Print one code point at the cursor. */
static void
put_cp(struct sl_term *t, uint32_t cp)
{
	struct row *r;
	int w;
	uint32_t x;

	if (cp >= 0x5f && cp <= 0x7e && graphics(t))
		cp = dec_graphics[cp - 0x5f];
	if (cp < 0x80) {
		unsigned char c = (unsigned char)cp;

		put_ascii(t, &c, 1, &c + 1);
		return;
	}
	if (cp < 0xa0 || cp == 0xfeff)
		return;		/* C1 controls and the BOM are not text */
	w = utf8proc_charwidth((utf8proc_int32_t)cp);
	if (w <= 0) {
		put_mark(t, cp);
		return;
	}
	if (w > 2)
		w = 2;
	if (t->cx + (uint32_t)w > SL_ROW_MAX)
		term_cut_row(t);
	r = term_cur_row(t);
	x = t->cx;
	if (r->len == 0)
		r->src_line = t->line;
	if (w == 2 && t->last_csi == 'K' && x == t->el_col && !r->soft)
		note_margin_pad(t, r);
	if (t->insert && x < r->len) {
		uint32_t keep = r->len - x;

		if (keep > SL_ROW_MAX - x - (uint32_t)w)
			keep = SL_ROW_MAX - x - (uint32_t)w;
		term_row_grow(t, r, x + (uint32_t)w + keep);
		memmove(r->ch + x + w, r->ch + x, keep * sizeof(*r->ch));
		memmove(r->at + x + w, r->at + x, keep * sizeof(*r->at));
		r->len = x + (uint32_t)w + keep;
	}
	if (x + (uint32_t)w > r->len) {
		term_row_grow(t, r, x + (uint32_t)w);
		if (x > r->len)
			term_row_blank(r, r->len, x);
	}
	term_fix_wide_left(r, x);
	if (x + (uint32_t)w > r->len)
		r->len = x + (uint32_t)w;
	else
		term_fix_wide_right(r, x + (uint32_t)w);
	r->ch[x] = cp;
	r->at[x] = t->attr;
	if (w == 2) {
		r->ch[x + 1] = CELL_WIDE;
		r->at[x + 1] = t->attr;
	}
	t->cx = x + (uint32_t)w;
	t->last_ch = cp;
	if (t->wrap_w != 0)
		term_note_wrap(t, r, t->insert);
}

/* A CR on a wrapped row that is, or may be, readline's search line: one
 * cheap test before the call (term_search_left_cr). */
static inline void
search_left_cr(struct sl_term *t, const struct row *r, uint32_t x)
{
	if (t->search_left_row != 0 || (r->len > 0 && r->ch[0] == '('))
		term_search_left_cr(t, r, x);
}

static void
carriage_return(struct sl_term *t)
{
	const struct row *r = term_cur_row(t);
	uint32_t x = t->cx;

	term_rprompt_end(t);
	/* Both idioms end a row with a blank, at least 11 columns in. */
	if (x >= 11 && x == r->len && r->ch[x - 1] == CELL_BLANK &&
	    term_cr_after_blank(t, r))
		return;
	/* term_soft_wrapped(t), with the row at hand (the width may be new:
	 * read after) */
	if (t->wrap_w != 0 && r->soft) {
		term_settled(t);	/* before the move: term_shift_settle */
		search_left_cr(t, r, x);
		t->cx = term_line_start(t);
	} else
		t->cx = 0;
	term_count_cr(t, x);
	t->at_margin = 0;
}

static void	feed_bytes(struct sl_term *, const unsigned char *,
		    const unsigned char *);

/* The pending CR is decided: act on it, then feed the held bytes. */
static void
look_resolve(struct sl_term *t, int wrap)
{
	unsigned char held[sizeof(t->look->buf)];
	size_t n = t->look->n;
	struct row *r = term_cur_row(t);

	memcpy(held, t->look->buf, n);
	t->look->n = 0;
	t->cr_pending = 0;
	if (t->look->ksh_lf) {		/* an LF held: nothing came after */
		t->look->ksh_lf = 0;
		return;
	}
	if (wrap) {
		if (!r->soft)
			term_set_width(t, t->cr_col);	/* learnt, or a resize */
		r->soft = 1;
		t->cx = t->cr_col;
	} else {
		uint32_t x = t->cx;

		if (term_soft_wrapped(t)) {
			search_left_cr(t, r, x);
			t->cx = term_line_start(t);
		} else
			t->cx = 0;
		term_count_cr(t, x);
	}
	t->at_margin = 0;
	feed_bytes(t, held, held + n);
}

/* The byte after ksh93's LF off a wrapped row (term_ksh_lf_off). */
static void
look_ksh_lf(struct sl_term *t, unsigned char c)
{
	t->look->ksh_lf = 0;
	t->cr_pending = 0;
	if (c == '\r' && term_ksh_cr_below(t))
		return;
	feed_bytes(t, &c, &c + 1);
}

/* Hold one byte after a pending CR; decide when it tells. */
static void
look_push(struct sl_term *t, unsigned char c)
{
	struct look *lk = t->look;
	int d;

	if (lk->ksh_lf) {
		look_ksh_lf(t, c);
		return;
	}

	lk->buf[lk->n++] = c;
	d = term_look_step(t, c);
	if (d == LOOK_MORE && lk->n >= LOOK_MAX &&
	    (term_look_whole_char(lk) || lk->n == sizeof(lk->buf)))
		d = term_look_default(t);
	if (d != LOOK_MORE)
		look_resolve(t, d == LOOK_WRAP);
}

/*
 * fish moves the cursor with CR, then cursor-forward to the column: each
 * CUF it writes follows a CR (or CUU CR LF), and in vi mode it does so
 * on every key.  A stream has no CR, so on a row that fish's mark `⏎`
 * leads (the mark, its padding and the prompt glued on one row), CUF
 * counts from where the prompt began: where paste went on (edit_col).
 * Its one-column step right (`ESC [ C`, no count) follows no CR.  Two
 * back to back are a CR's and a step on (`CR CUF 22 CUF 12`) or two
 * CRs' (`CR CUF 37 CR CUF 36`): nothing tells, the row is unsure
 * (SL_ROW_UNPLACED) and the move a step on, which keeps the prompt.
 */
static int	fish_cr_move(struct sl_term *, uint32_t, int)
		    __attribute__((noinline));

static int
fish_cr_move(struct sl_term *t, uint32_t n, int after_cuf)
{
	struct row *r = term_cur_row(t);
	long long row = t->abs_top + t->cy + 1;

	if (t->nparams == 0 || r->len == 0 || r->ch[0] != 0x23ce ||
	    r->edit_col == 0)
		return 0;
	if (after_cuf && t->fish_cuf_row == row && t->fish_cuf_x == t->cx) {
		r->flags |= SL_ROW_UNPLACED;
		return 0;
	}
	t->cx = SL_MIN(r->edit_col - 1 + n, SL_ROW_MAX - 1);
	t->fish_cuf_row = row;
	t->fish_cuf_x = t->cx;
	return 1;
}

/* Cursor moves (CUU, CUD, CUF, CUB, CNL, CPL, CHA, CUP, VPA); 0: not one.
 * prev: the CSI before (fish_cr_move). */
static int
csi_cursor(struct sl_term *t, unsigned char f, uint32_t n, unsigned char prev)
{
	switch (f) {
	case 'A':
		term_cursor_up(t, n);
		return 1;
	case 'B': case 'e': term_goto_row(t, (long long)t->cy + n); return 1;
	case 'C': case 'a':
		if (t->crless && f == 'C' && fish_cr_move(t, n, prev == 'C'))
			return 1;
		t->cx = SL_MIN(t->cx + n, SL_ROW_MAX - 1);
		return 1;
	case 'D': t->cx = t->cx > n ? t->cx - n : 0; return 1;
	case 'E': term_goto_row(t, (long long)t->cy + n); t->cx = 0; return 1;
	case 'F': term_goto_row(t, (long long)t->cy - n); t->cx = 0; return 1;
	case 'G': case '`': t->cx = SL_MIN(n, SL_ROW_MAX) - 1; return 1;
	case 'H': case 'f':
		t->cup_from = t->abs_top + t->cy;
		if (!term_to_status(t, n))
			term_goto_row(t, (long long)n - 1);
		t->cx = SL_MIN(term_param(t, 1, 1), SL_ROW_MAX) - 1;
		return 1;
	case 'd':
		if (!term_to_status(t, n))
			term_goto_row(t, (long long)n - 1);
		return 1;
	default:
		return 0;
	}
}

/* REP: the last printed character n more times. */
static void
repeat_last(struct sl_term *t, uint32_t n)
{
	uint32_t k;

	if (t->last_ch == 0)
		return;
	n = SL_MIN(n, SL_ROW_MAX);
	for (k = 0; k < n; k++)
		put_cp(t, t->last_ch);
}

/* A complete CSI but the common SGR (see csi_dispatch). */
static void
csi_other(struct sl_term *t, unsigned char f)
{
	uint32_t n = term_param(t, 0, 1);
	unsigned char prev = t->last_csi;

	t->last_csi = t->priv == 0 && t->inter == 0 ? f : 0;
	/* Not text after busybox's wrap (term_bb_wrap_end).  SGR's fast path
	 * (csi_dispatch) is never taken on a wrapped row. */
	t->bb_plain = 0;

	if (f == 'h' || f == 'l') {
		term_set_modes(t, f == 'h');
		return;
	}
	if (t->alt)
		return;		/* full-screen frames are not transcript */
	if (t->priv != 0 || t->inter != 0) {
		if (t->priv == 0 && t->inter == '!' && f == 'p')
			t->attr = SL_ATTR_DEFAULT;	/* DECSTR */
		return;
	}
	if (n > SL_ROW_MAX)
		n = SL_ROW_MAX;
	if (term_soft_wrapped(t) &&
	    (term_shift_csi(t, f), term_soft_move(t, f, &n)))
		return;
	/* A colour keeps the cursor past the margin (xterm, libvterm): fish
	 * ends its right prompt there with one, then CR. */
	if (f != 'm')
		t->at_margin = 0;
	if (f == 'D')
		term_rprompt_end(t);
	{
		uint32_t from = t->cx;

		if (csi_cursor(t, f, n, prev)) {
			if (f == 'C')
				term_rprompt_start(t, from);
			return;
		}
	}
	switch (f) {
	case '@': term_insert_chars(t, n); break;
	case 'I': term_tab_move(t, (int)SL_MIN(n, 8192)); break;
	case 'Z': term_tab_move(t, -(int)SL_MIN(n, 8192)); break;
	case 'g': term_tab_clear(t, term_param(t, 0, 0)); break;
	case 'J':
		term_erase_display(t, term_param(t, 0, 0),
		    prev == 'H' || prev == 'f');
		break;
	case 'K':	/* off a wrapped row: csi_dispatch */
		t->el_col = t->cx;	/* note_margin_pad */
		if (t->search_left_row != 0)
			term_search_left_el(t);
		term_erase_line(t, term_param(t, 0, 0));
		break;
	case 'L': term_insert_lines(t, n); break;
	case 'M': term_delete_lines(t, n); break;
	case 'P': term_delete_chars(t, n); break;
	case 'X': term_erase_chars(t, n); break;
	case 'S':	/* scroll up: the rows scrolled off are final */
		while (n-- > 0 && t->nrows > 1 && t->cy > 0)
			term_pop_top(t);
		break;
	case 'T': term_scroll_down(t, n); break;
	case 'b': repeat_last(t, n); break;
	case 'r': term_set_region(t); break;
	case 'm': term_sgr(t); break;
	case 's': term_save_cursor(t); break;
	case 'u': term_restore_cursor(t); break;
	case 'n': term_cursor_query(t, n); break;
	default: break;		/* DA, DECSTBM, window ops: no text */
	}
}

/* EL off a wrapped row, past csi_other's tests (csi_dispatch). */
static void	plain_el(struct sl_term *) __attribute__((noinline));

static void
plain_el(struct sl_term *t)
{
	t->bb_plain = 0;
	t->el_col = t->cx;	/* note_margin_pad */
	term_erase_line(t, term_param(t, 0, 0));
}

/*
 * Whether a CSI is taken as on a plain screen: not in the alternate
 * screen (its frames are not transcript) nor on a wrapped row (whose
 * moves and erases csi_other() settles).
 */
static inline int
csi_plain_row(struct sl_term *t)
{
	return !t->alt && !term_soft_wrapped(t);
}

/* Whether an SGR's attribute is read: for spans (emit), or on zsh's
 * editor rows, which keep colours (suggestion_drop). */
static inline int
sgr_read(struct sl_term *t)
{
	return t->cb.attrs || (term_cur_row(t)->flags & SL_ROW_KEYPAD_ON);
}

/*
 * A complete CSI, from either parser (csi_byte, csi_fast).  SGR and EL,
 * most sequences (`ESC[m`, `ESC[K`: grep --color writes both after each
 * match), are taken here in a few tests, what csi_other() would do for
 * them off a wrapped row; this small entry is inlined into both parsers.
 * The attribute SGR sets is read only to hand out spans (emit): a
 * renderer whose owner wants none skips it.
 */
static inline void
csi_dispatch(struct sl_term *t, unsigned char f)
{
	if ((f == 'm' || f == 'K') && t->priv == 0 && t->inter == 0 &&
	    csi_plain_row(t)) {
		t->last_csi = f;
		t->at_margin = 0;
		if (f == 'K')
			plain_el(t);
		else if (sgr_read(t))
			term_sgr(t);
		return;
	}
	csi_other(t, f);
}
/* ------------------------------------------------------------ controls */

/*
 * LF, VT or FF outside the alternate screen.  Only LF ends an input
 * line (the caller counted it); VT and FF just move down.
 */
static void
line_down(struct sl_term *t, unsigned char c)
{
	/* the cursor's row until term_linefeed() */
	struct row *r = term_cur_row(t);

	if (c == '\n') {
		r->units++;
		if (term_counting_crs(t)) {
			if (term_busybox_wrap(t))
				return;
			if (t->bb_plain != 0 && t->crs_off == CRS_ALL)
				term_bb_wrap_end(t);
		}
	}
	/* term_soft_wrapped(t), with the row at hand */
	if (t->wrap_w != 0 && r->soft) {
		term_settled(t);
		if (term_lf_in_row(t) ||
		    (t->editing && term_lf_onto_mark(t, r))) {
			/* Down a physical line of the same logical row. */
			t->cx = term_line_start(t) + t->wrap_w;
			t->at_margin = 0;
			return;
		}
		t->left_row = t->abs_top + t->cy + 1;
		t->left_lines = term_line_start(t) / t->wrap_w + 1;
		if (t->line_erased && c == '\n')
			term_ksh_lf_off(t);
	}
	if (c == '\n' && r->bell_len != 0 && r->bell_len == r->len + 1)
		r->flags |= SL_ROW_BELL;
	if (t->query_col > 0 && t->queried == t->abs_top + t->cy + 1)
		term_query_row_left(t, r);
	t->cx = 0;
	t->at_margin = 0;
	t->kept_row = 0;	/* what follows takes the lines */
	t->shift_row = 0;	/* off the row: nothing to settle */
	term_linefeed(t);
	if (t->editing)
		term_cur_row(t)->editor_line = 1;
}

/* The controls but LF and CR (control()). */
static void
control_other(struct sl_term *t, unsigned char c)
{
	if (t->alt && c != '\v' && c != '\f')
		return;
	switch (c) {
	case '\v': case '\f':
		if (!t->alt)
			line_down(t, c);
		break;
	case '\b':
		if (t->erased_at != 0)
			term_ksh_pad_width(t);
		if (term_soft_wrapped(t)) {
			term_settled(t);
			t->bb_plain = 0;	/* see term_bb_wrap_end */
			/* BS does not go back over the margin (no `bw`). */
			if (t->at_margin)
				t->cx -= 2;
			else if (t->cx % t->wrap_w != 0)
				t->cx--;
			t->at_margin = 0;
		} else if (t->cx > 0)
			t->cx--;
		break;
	case '\t':
		term_tab_move(t, 1);
		break;
	case 0x0e: t->gl = 1; break;	/* SO */
	case 0x0f: t->gl = 0; break;	/* SI */
	case 0x07:	/* BEL: remembered for a line it ends (SL_ROW_BELL) */
		term_cur_row(t)->bell_len = term_cur_row(t)->len + 1;
		break;
	default: break;		/* NUL and the rest show nothing */
	}
}

/* A C0 control.  LF and CR, the common ones, are told apart first. */
static inline void
control(struct sl_term *t, unsigned char c)
{
	if (c == '\n') {
		t->line++;
		if (t->alt)
			t->alt_lines++;
		else
			line_down(t, c);
	} else if (c == '\r') {
		if (!t->alt)
			carriage_return(t);
	} else
		control_other(t, c);
}

/* ------------------------------------------------------------- parser */

static void
seq_start(struct sl_term *t, enum state s)
{
	t->state = s;
	t->bb_plain = 0;	/* not text alone (term_bb_wrap_end): OSC,
				   DCS */
	t->seqlen = 0;
	t->nparams = 0;
	t->have_param = 0;
	t->colon = 0;
	t->priv = 0;
	t->inter = 0;
}

/* An over-long sequence is abandoned; what follows prints as text. */
static void
seq_abandon(struct sl_term *t)
{
	term_event(t, SL_TEV_BAD_SEQ, NULL, (long long)t->seqlen, t->line);
	t->state = S_GROUND;
}

/* A digit of a CSI parameter (most bytes of a CSI: kept small). */
static inline void
csi_digit(struct sl_term *t, unsigned char c)
{
	if (t->nparams == 0)
		t->nparams = 1;
	if (t->nparams <= CSI_PARAMS) {
		uint32_t *v = &t->params[t->nparams - 1];

		if (!t->have_param)
			*v = 0;
		if (*v < 100000)
			*v = *v * 10 + (c - '0');
	}
	t->have_param = 1;
}

/* ';' or ':' between CSI parameters. */
static inline void
csi_separator(struct sl_term *t, unsigned char c)
{
	if (t->nparams == 0) {
		t->nparams = 1;
		t->params[0] = 0;
	}
	if (t->nparams < CSI_PARAMS) {
		t->params[t->nparams] = 0;
		if (c == ':')
			t->colon |= 1u << t->nparams;
	}
	t->nparams++;
	t->have_param = 0;
}

static void
csi_byte(struct sl_term *t, unsigned char c)
{
	if (c >= '0' && c <= '9')
		csi_digit(t, c);
	else if (c == ';' || c == ':')
		csi_separator(t, c);
	else if (c >= '<' && c <= '?') {
		if (t->seqlen == 1)
			t->priv = (char)c;
		else
			t->state = S_CSI_IGNORE;
	} else if (c >= 0x20 && c <= 0x2f) {
		t->inter = (char)c;
	} else if (c >= 0x40 && c <= 0x7e) {
		if (t->nparams > CSI_PARAMS)
			t->nparams = CSI_PARAMS;
		if (t->nparams > 0 && !t->have_param &&
		    t->nparams <= CSI_PARAMS)
			t->params[t->nparams - 1] = 0;
		t->state = S_GROUND;
		csi_dispatch(t, c);
	}
}

/* An input line ends inside an OSC/DCS string: count it where we are. */
static void
string_newline(struct sl_term *t)
{
	t->line++;
	if (t->alt)
		t->alt_lines++;
	else
		term_cur_row(t)->units++;
}

/* The byte after ESC. */
static void
esc_byte(struct sl_term *t, unsigned char c)
{
	if (c < 0x20)
		control(t, c);
	else if (c == '[')
		seq_start(t, S_CSI);
	else if (c == ']') {
		seq_start(t, S_OSC);
		sl_buf_reset(&t->osc);
	} else if (c == 'P' || c == 'X' || c == '^' || c == '_')
		seq_start(t, S_STR);
	else if (c <= 0x2f) {
		t->inter = (char)c;
		t->state = S_ESC_INTER;
	} else {
		t->state = S_GROUND;
		term_esc_dispatch(t, c);
	}
}

/*
 * A byte of ESC's intermediates or of a CSI.  Returns 1 when the
 * sequence grew too long and was abandoned (c consumed).
 */
static int
inter_or_csi_byte(struct sl_term *t, unsigned char c)
{
	if (c < 0x20) {
		control(t, c);
		return 0;
	}
	if (t->seqlen > CSI_MAX) {
		/* Endless intermediates would hide what follows. */
		seq_abandon(t);
		return 1;
	}
	if (t->state == S_CSI)
		csi_byte(t, c);
	else if (t->state == S_CSI_IGNORE) {
		if (c >= 0x40 && c <= 0x7e)
			t->state = S_GROUND;
	} else if (c > 0x2f) {	/* past ESC ( % 5 and friends: the final */
		t->state = S_GROUND;
		term_esc_dispatch(t, c);
	}
	return 0;
}

/* A byte of an OSC or DCS/SOS/PM/APC string; 1: abandoned. */
static int
string_byte(struct sl_term *t, unsigned char c)
{
	if (t->state == S_OSC && c == 0x07) {
		term_osc_dispatch(t);
		t->state = S_GROUND;
		return 0;
	}
	if (c == '\n')
		string_newline(t);
	if (t->seqlen > SL_SEQ_MAX) {
		seq_abandon(t);
		return 1;
	}
	/* A title keeps its LFs: it may name a multi-line command (Liquid
	 * Prompt's), whose lines stay apart. */
	if (t->state == S_OSC && (c >= 0x20 || c == '\n') &&
	    t->osc.len < SL_TITLE_MAX)
		sl_buf_addc(&t->osc, c);
	return 0;
}

/*
 * The fast path of a CSI: its parameter, intermediate and final bytes
 * (0x20-0x7f), without the checks only controls and 8-bit bytes need.
 */
static const unsigned char *
csi_run(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	while (p < end && *p >= 0x20 && *p < 0x80) {
		unsigned char c = *p++;

		if (++t->seqlen > CSI_MAX) {
			seq_abandon(t);
			break;
		}
		/* Parameters inline; the rest (the final byte) by call. */
		if (c >= '0' && c <= '9')
			csi_digit(t, c);
		else if (c == ';')
			csi_separator(t, c);
		else {
			csi_byte(t, c);
			if (t->state != S_CSI)
				break;
		}
	}
	return p;
}

/*
 * The fast path of an OSC: a run of its text bytes (no control) is
 * counted and kept (up to SL_TITLE_MAX) at once.
 */
static const unsigned char *
osc_run(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;
	size_t n, room = SL_SEQ_MAX - t->seqlen, keep;

	while (q < end && *q >= 0x20)
		q++;
	n = (size_t)(q - p);
	keep = t->osc.len < SL_TITLE_MAX ? SL_TITLE_MAX - t->osc.len : 0;
	if (n > room) {
		/* byte `room` is the one over SL_SEQ_MAX: consumed, then out */
		sl_buf_add(&t->osc, p, SL_MIN(room, keep));
		t->seqlen += room + 1;
		seq_abandon(t);
		return p + room + 1;
	}
	if (n > 0)
		sl_buf_add(&t->osc, p, SL_MIN(n, keep));
	t->seqlen += n;
	return q;
}

/*
 * Consume bytes of an escape sequence.  C0 controls inside CSI and ESC
 * sequences are executed on the spot (as VT parsers do); inside strings
 * they are ignored.  ESC always starts a new sequence, which is how a
 * string ends with ST.  CAN and SUB abort.
 */
static const unsigned char *
seq_step(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	while (p < end && t->state != S_GROUND) {
		unsigned char c;

		if (t->state == S_CSI || t->state == S_OSC) {
			p = t->state == S_CSI ? csi_run(t, p, end) :
			    osc_run(t, p, end);
			if (p == end || (t->state != S_CSI && t->state != S_OSC))
				continue;
		}
		c = *p++;
		t->seqlen++;
		if (c == 0x1b) {
			if (t->state == S_OSC)
				term_osc_dispatch(t);
			seq_start(t, S_ESC);
			continue;
		}
		if (c == 0x18 || c == 0x1a) {
			t->state = S_GROUND;
			continue;
		}
		if (c >= 0x80 && t->state != S_OSC && t->state != S_STR) {
			/* Not part of a sequence: print it. */
			t->state = S_GROUND;
			return p - 1;
		}
		if (t->state == S_ESC)
			esc_byte(t, c);
		else if (t->state == S_OSC || t->state == S_STR ?
		    string_byte(t, c) : inter_or_csi_byte(t, c))
			return p;
	}
	return p;
}

/*
 * A whole CSI at p (its ESC) parsed in one pass, when it is the common
 * kind and all here: ESC [, an optional private marker, digits and ';',
 * a final byte.  The fields are left as the byte-wise parser leaves
 * them, and the sequence is dispatched.  Returns the byte after it, or
 * NULL (nothing changed that the byte-wise parser reads) for any other
 * sequence: that parser takes it from the ESC.
 */
#define CSI_FAST_MAX	64	/* bytes looked at; far below CSI_MAX */

#ifdef __SSE2__
/*
 * Bit i set: byte i of the 16 at q is not a parameter byte of the kind
 * csi_fast() parses (a digit or ';').
 */
static inline unsigned
not_param16(const unsigned char *q)
{
	__m128i v = _mm_loadu_si128((const __m128i *)q);
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
	    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));

	return ~(unsigned)_mm_movemask_epi8(_mm_or_si128(digit,
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(';')))) & 0xffff;
}
#endif

/*
 * The fields a CSI from ESC at p to its final byte at q leaves, as the
 * byte-wise parser (csi_byte) would: n parameters, the last with a digit
 * or not (have), its private marker, and no intermediate or colon.
 */
static inline void
csi_parsed(struct sl_term *t, const unsigned char *p, const unsigned char *q,
    int n, int have, char priv)
{
	t->nparams = n;
	t->have_param = have;
	t->priv = priv;
	t->inter = 0;
	t->colon = 0;
	t->seqlen = (size_t)(q - p) - 1;
	t->state = S_GROUND;
}

/*
 * An SGR (ESC [ digits and ';' m) whose parameters nothing reads: the
 * renderer keeps no attributes (csi_dispatch skips term_sgr() then), so it is
 * only found, by a 16-byte scan, not parsed.  Most sequences of a
 * coloured transcript are these.  Returns the byte after it, or NULL
 * (nothing changed) for any other sequence, or one that does not end in
 * the 16 bytes after ESC [.  The fields the parsers leave are left as
 * csi_fast() leaves them but the parameters, which only a dispatch reads
 * and every sequence sets anew.
 */
static inline const unsigned char *
sgr_skip(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
#ifdef __SSE2__
	const unsigned char *q;
	unsigned m;

	/* One test of the byte after the parameters, not one of the first
	 * byte too (ESC [ K, the next most common, and the private modes
	 * end at it): which sequence comes is not foreseeable, and each
	 * of those tests was a branch mispredicted that often. */
	if (end - p < 18 || t->cb.attrs)	/* fixed per renderer */
		return NULL;
	m = not_param16(p + 2);
	if (m == 0)
		return NULL;
	q = p + 2 + __builtin_ctz(m);
	if (*q != 'm' || !csi_plain_row(t) || sgr_read(t))
		return NULL;
	csi_parsed(t, p, q, 0, 0, 0);
	t->last_csi = 'm';
	t->at_margin = 0;
	return q + 1;
#else
	(void)t; (void)p; (void)end;
	return NULL;
#endif
}

static const unsigned char *
csi_fast(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p + 2, *stop;
	uint32_t v = 0;
	int n = 0, have = 0;
	char priv = 0;

	if (end - p < 3 || p[1] != '[')
		return NULL;
	if ((stop = sgr_skip(t, p, end)) != NULL)
		return stop;
	stop = end - q > CSI_FAST_MAX ? q + CSI_FAST_MAX : end;
	if (*q >= '<' && *q <= '?')
		priv = (char)*q++;
	for (; q < stop; q++) {
		unsigned d = (unsigned)*q - '0';

		if (d <= 9) {
			if (v < 100000)
				v = v * 10 + d;
			have = 1;
			continue;
		}
		if (*q != ';')
			break;
		if (n == CSI_PARAMS - 1)
			return NULL;
		t->params[n++] = v;	/* 0 when it had no digit */
		v = 0;
		have = 0;
	}
	if (q == stop || *q < 0x40 || *q > 0x7e)
		return NULL;
	if (n > 0 || have)
		t->params[n++] = v;
	csi_parsed(t, p, q, n, have, priv);
	csi_dispatch(t, *q);
	return q + 1;
}

#ifdef __SSE2__
/* Bit i set: byte i of the 16 at q is not printable ASCII. */
static inline unsigned
unprintable16(const unsigned char *q)
{
	const __m128i sp = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7f);
	__m128i v = _mm_loadu_si128((const __m128i *)q);

	/* Signed compare: bytes >= 0x80 are negative, so < 0x20 too. */
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmplt_epi8(v, sp),
	    _mm_cmpeq_epi8(v, del)));
}
#endif

/*
 * The run of printable ASCII at q, 16 bytes at a time.  A feed is
 * usually one line without its LF, so the last few bytes are common:
 * they are read as the 16 that end the feed (from = its start), with
 * the bits of bytes already passed shifted out.
 */
static const unsigned char *
printable_run(const unsigned char *from, const unsigned char *q,
    const unsigned char *end)
{
#ifdef __SSE2__
	unsigned m, back;

	/* 32 at a time first: a run's end is the loop's one exit that
	 * cannot be foreseen, and most runs end within the first 32. */
	while (end - q >= 32) {
		m = unprintable16(q) | unprintable16(q + 16) << 16;
		if (m != 0)
			return q + __builtin_ctz(m);
		q += 32;
	}
	while (end - q >= 16) {
		m = unprintable16(q);
		if (m != 0)
			return q + __builtin_ctz(m);
		q += 16;
	}
	if (q < end && end - from >= 16) {
		back = 16 - (unsigned)(end - q);
		m = unprintable16(end - 16) >> back;
		return m != 0 ? q + __builtin_ctz(m) : end;
	}
#else
	(void)from;
#endif
	while (q < end && *q >= 0x20 && *q < 0x7f)
		q++;
	return q;
}

/* In the alternate screen only sequences matter; text is not kept. */
static const unsigned char *
alt_ground(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = memchr(p, 0x1b, (size_t)(end - p));
	const unsigned char *stop = q != NULL ? q : end, *nl;

	for (nl = p; (nl = memchr(nl, '\n', (size_t)(stop - nl))) != NULL;
	    nl++) {
		t->line++;
		t->alt_lines++;
	}
	if (q != NULL) {
		seq_start(t, S_ESC);
		return q + 1;
	}
	return end;
}

/* Complete a UTF-8 character cut by the end of the previous bytes. */
static const unsigned char *
finish_pend(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t k;

	while (t->npend > 0 && p < end) {
		t->pend[t->npend++] = *p++;
		k = sl_utf8_decode(t->pend, t->npend, &cp);
		if (k == 0 && t->npend < 4)
			continue;
		if (k == 0)
			k = t->npend;
		if (!t->alt)
			put_cp(t, cp);
		/* Bytes past the sequence are fed again. */
		p -= t->npend - k;
		t->npend = 0;
	}
	return p;
}

/*
 * Text, controls and CSIs in the ground state, up to end or to a byte
 * that leaves it: an ESC that starts a sequence, a CR whose next bytes
 * are held back, a mode that enters the alternate screen.  Only those
 * can change what feed_bytes tests before it comes here, so they are
 * tested again just where they may change, not for every byte.  Returns
 * where feed_bytes goes on (end after a character cut by the end).
 */
static const unsigned char *
ground_run(struct sl_term *t, const unsigned char *from,
    const unsigned char *p, const unsigned char *end)
{
	uint32_t cp;
	size_t k;

	while (p < end) {
		const unsigned char *q;
		unsigned char c = *p;

		/* A control or ESC is not looked at as a run: most bytes that
		 * are not text are one of those. */
		if (c >= 0x20 && c < 0x7f && !graphics(t)) {
			q = printable_run(from, p, end);
			put_ascii(t, p, (size_t)(q - p), end);
			/* What ended the run is not text: taken right here
			 * (put_ascii changes nothing the tests above read). */
			if ((p = q) == end)
				break;
			c = *p;
		}
		if (c == 0x1b) {
			q = csi_fast(t, p, end);
			if (q == NULL) {
				seq_start(t, S_ESC);
				return p + 1;
			}
			p = q;
			if (t->alt)
				return p;
		} else if (c < 0x20) {
			control(t, c);
			p++;
			if (t->cr_pending)
				return p;
		} else if (c == 0x7f) {
			p++;
		} else if (c < 0x80) {
			put_cp(t, c);
			p++;
		} else {
			k = sl_utf8_decode(p, (size_t)(end - p), &cp);
			if (k == 0) {
				t->npend = (size_t)(end - p);
				memcpy(t->pend, p, t->npend);
				return end;
			}
			put_cp(t, cp);
			p += k;
		}
	}
	return p;
}

static void
feed_bytes(struct sl_term *t, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *from = p;

	if (t->npend > 0)
		p = finish_pend(t, p, end);
	while (p < end) {
		if (t->cr_pending) {
			look_push(t, *p++);
			/* The held bytes may end inside a character. */
			p = finish_pend(t, p, end);
		} else if (t->state != S_GROUND)
			p = seq_step(t, p, end);
		else if (t->alt)
			p = alt_ground(t, p, end);
		else
			p = ground_run(t, from, p, end);
	}
}

void
sl_term_feed(struct sl_term *t, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (len > 0)
		t->partial = p[len - 1] != '\n';
	/* A line's LF alone (readers hold it back until the next line):
	 * what feed_bytes would come to, without its loop. */
	if (len == 1 && *p == '\n' && t->npend == 0 && !t->cr_pending &&
	    t->state == S_GROUND && !t->alt)
		control(t, '\n');
	else
		feed_bytes(t, p, p + len);
	/*
	 * Past the budget of all renderers, each one fed gives back what
	 * it can, here at the end of its feed, where its owner expects rows:
	 * renderers fed before the budget was reached hold it, renderers
	 * fed after it rest small.  A renderer is never made to give back
	 * rows from outside its own feed: its owner may keep line counts of
	 * its own between feeds (cwlog.c).  A renderer alone keeps to
	 * SL_TERM_CELLS (term_cell_budget()): the budget is for the many.
	 */
	if (term_all_cells > SL_TERM_BUDGET && term_all_cells > t->cells)
		term_spill_rows(t);
}

const char *
sl_term_open_osc(const struct sl_term *t, size_t *len, size_t *seqlen)
{
	if (t->state != S_OSC)
		return NULL;
	*len = t->osc.len;
	*seqlen = t->seqlen;
	return t->osc.buf != NULL ? t->osc.buf : "";
}

void
sl_term_resume_osc(struct sl_term *t, const char *s, size_t n,
    size_t seqlen)
{
	seq_start(t, S_OSC);
	sl_buf_reset(&t->osc);
	sl_buf_add(&t->osc, s, SL_MIN(n, SL_TITLE_MAX));
	t->seqlen = seqlen;	/* SL_SEQ_MAX bounds it across events too */
}

void
sl_term_finish(struct sl_term *t)
{
	while (t->cr_pending)
		look_resolve(t, term_look_default(t) == LOOK_WRAP);
	if (t->npend > 0) {
		/* A cut sequence at the very end is invalid: one U+FFFD. */
		t->npend = 0;
		if (!t->alt)
			put_cp(t, 0xfffd);
	}
	t->state = S_GROUND;	/* an unfinished sequence shows nothing */
	if (t->partial) {
		/* A last line without its LF is a unit too. */
		if (t->alt)
			t->alt_lines++;
		else
			term_cur_row(t)->units++;
		t->partial = 0;
	}
	if (t->alt) {
		t->alt = 0;
		term_event(t, SL_TEV_ALT_OFF, NULL, t->alt_lines, t->line);
	}
	term_commit_all(t);
	/* Lines that ended on the status row were never a transcript line. */
	term_status_clear(t, t->line);
	t->cx = 0;
}
