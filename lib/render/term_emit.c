/*
 * term_emit.c: a final row's cells back to UTF-8 and its attribute
 * spans, handed to the callback (emit), and the renderer's events.
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

/* ---------------------------------------------------------- handing out */

static void
add_span(struct sl_term *t, uint32_t off, uint32_t len, uint32_t attr)
{
	if (t->nspans > 0) {
		struct sl_span *s = &t->spans[t->nspans - 1];

		if (s->attr == attr && s->off + s->len == off) {
			s->len += len;
			return;
		}
	}
	if (t->nspans == t->spancap) {
		t->spancap = t->spancap ? t->spancap * 2 : 16;
		t->spans = sl_xrealloc(t->spans, t->spancap * sizeof(*t->spans));
	}
	t->spans[t->nspans].off = off;
	t->spans[t->nspans].len = len;
	t->spans[t->nspans].attr = attr;
	t->nspans++;
}

int
term_row_empty(const struct row *r)
{
	uint32_t i;

	for (i = 0; i < r->len; i++)
		if (r->ch[i] != CELL_BLANK)
			return 0;
	return 1;
}

/* Bytes of UTF-8 text that cells [0, upto) of r become. */
static size_t
cells_bytes(const struct row *r, uint32_t upto)
{
	char tmp[4];
	size_t b = 0;
	uint32_t i;

	for (i = 0; i < upto && i < r->len; i++) {
		uint32_t c = r->ch[i];

		if (c == CELL_WIDE)
			continue;
		if (c & CELL_EXT) {
			const uint32_t *cl = &r->ext[(c & ~CELL_EXT) *
			    CLUSTER_SLOTS];
			uint32_t k;

			for (k = 0; k < cl[0]; k++)
				b += sl_utf8_encode(cl[1 + k], tmp);
		} else
			b += c < 0x80 ? 1 : sl_utf8_encode(c, tmp);
	}
	return b;
}

#ifdef __SSE2__
/*
 * 16 cells at ch as bytes at o, if all are ASCII but NUL; else 0 and o
 * as was.  Packed first, checked after: values 1..0x7f pass both
 * saturating packs unchanged, larger ones come out 0x80..0xff and
 * negative ones (CELL_EXT, CELL_WIDE) 0, so one signed compare with 0
 * tells them all.  A NUL cell (none is written) goes the slow way.
 */
static inline int
narrow16(char *o, const uint32_t *ch)
{
	__m128i a = _mm_loadu_si128((const __m128i *)ch);
	__m128i b = _mm_loadu_si128((const __m128i *)(ch + 4));
	__m128i c = _mm_loadu_si128((const __m128i *)(ch + 8));
	__m128i d = _mm_loadu_si128((const __m128i *)(ch + 12));
	__m128i w = _mm_packus_epi16(_mm_packs_epi32(a, b),
	    _mm_packs_epi32(c, d));

	if (_mm_movemask_epi8(_mm_cmpgt_epi8(w, _mm_setzero_si128())) !=
	    0xffff)
		return 0;
	_mm_storeu_si128((__m128i *)o, w);
	return 1;
}

/* The same for 4 cells (4 bytes stored). */
static inline int
narrow4(char *o, const uint32_t *ch)
{
	const __m128i high = _mm_set1_epi32(~0x7f), zero = _mm_setzero_si128();
	__m128i a = _mm_loadu_si128((const __m128i *)ch);
	int32_t four;

	if (_mm_movemask_epi8(_mm_cmpeq_epi32(_mm_and_si128(a, high),
	    zero)) != 0xffff)
		return 0;
	a = _mm_packs_epi32(a, zero);
	four = _mm_cvtsi128_si32(_mm_packus_epi16(a, zero));
	memcpy(o, &four, 4);
	return 1;
}
#endif

/*
 * Bytes from the leading ASCII cells of ch[0, n): the inverse of
 * widen_ascii.  Returns how many cells were ASCII and are now in o
 * (which has room for n bytes).  A row's last cells, fewer than 16, are
 * read as the 16 that end it: the ones before them are ASCII already and
 * are stored again as they were.
 */
static uint32_t
narrow_ascii(char *o, const uint32_t *ch, uint32_t n)
{
	uint32_t i = 0;
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16)
		if (!narrow16(o + i, ch + i))
			break;
	if (i < n && i + 16 > n && n >= 16 && narrow16(o + n - 16, ch + n - 16))
		return n;
	for (; i + 4 <= n; i += 4)
		if (!narrow4(o + i, ch + i))
			break;
#endif
	for (; i < n && ch[i] < 0x80; i++)
		o[i] = (char)ch[i];
	return i;
}
/* Once seen there, it stays the right prompt with one blank before it:
 * fish keeps drawing it at its column while the line grows to one cell
 * short of it (fish-custom 35: `... echo delta vm` at 164 columns). */
#define RPROMPT_KEEP_GAP	1

/* Only on a row a shell drew its prompt on: bracketed paste, keypad
 * mode or the title set there, a line editor's start, or the second
 * line of a two-line prompt (editor_line). */
static int
prompt_row(const struct row *r)
{
	return (r->flags & (SL_ROW_PASTE | SL_ROW_KEYPAD_ON | SL_ROW_TITLE)) ||
	    r->edit_col > 0 || r->editor_line;
}

/* A checksum of cells from to to: the right prompt drawn there is still
 * what they hold (rprompt_trim). */
uint32_t
term_cells_sum(const struct row *r, uint32_t from, uint32_t to)
{
	uint32_t sum = 0;

	for (; from < to; from++)
		sum = sum * 31 + r->ch[from];
	return sum;
}

/*
 * fish draws its right prompt while it fits: the line may grow right up
 * to it, with no blank between (fish-custom 51 and 97: `... alpha
 * bravovm` at 82 columns, the line 80 wide).  Then the cells must still
 * be the ones it drew; typed text written over them is not.
 */
static int
rprompt_abuts(const struct sl_term *t, const struct row *r)
{
	return t->fish && term_cells_sum(r, r->rp_from, r->rp_to) == r->rp_sum;
}

static uint32_t
rprompt_trim(const struct sl_term *t, const struct row *r, uint32_t n)
{
	uint32_t i;

	if (r->rp_to == 0 || r->rp_to != n || r->rp_from < RPROMPT_KEEP_GAP ||
	    !prompt_row(r))
		return n;
	for (i = r->rp_from - RPROMPT_KEEP_GAP; i < r->rp_from; i++)
		if (r->ch[i] != CELL_BLANK && !rprompt_abuts(t, r))
			return n;
	n = r->rp_from;
	while (n > 0 && r->ch[n - 1] == CELL_BLANK)
		n--;
	return n;
}

/* Turn the row's cells into UTF-8 text and hand it to the callback. */
void
term_emit_row(struct sl_term *t, struct row *r)
{
	struct sl_row out;
	uint32_t n = r->len, i;
	char *o;

	/* Its units are merged into the row already out (term_row_clear). */
	if (r->rest && term_row_empty(r))
		return;
	while (n > 0 && r->ch[n - 1] == CELL_BLANK)
		n--;
	n = rprompt_trim(t, r, n);
	t->text.len = 0;
	t->nspans = 0;
	/* Four bytes a cell; clusters reserve their own room.  (The test
	 * is inlined: this runs for every row.) */
	if ((size_t)n * 4 + 1 > t->text.cap)
		sl_buf_reserve(&t->text, (size_t)n * 4);
	for (i = 0; i < n; i++) {
		uint32_t c = r->ch[i];
		size_t before = t->text.len;

		if (!t->cb.attrs) {
			/* Runs of ASCII cells in bulk: the common case. */
			uint32_t done = narrow_ascii(t->text.buf + t->text.len,
			    r->ch + i, n - i);

			t->text.len += done;
			i += done;
			if (i == n)
				break;
			c = r->ch[i];
			before = t->text.len;
		}
		if (c == CELL_WIDE)
			continue;
		if (c & CELL_EXT)
			sl_buf_reserve(&t->text,
			    (size_t)(n - i) * 4 + 4 * CLUSTER_SLOTS);
		o = t->text.buf + t->text.len;
		if (c < 0x80)
			*o++ = (char)c;
		else if (c & CELL_EXT) {
			uint32_t *cl = &r->ext[(c & ~CELL_EXT) * CLUSTER_SLOTS];
			uint32_t k;

			for (k = 0; k < cl[0]; k++)
				o += sl_utf8_encode(cl[1 + k], o);
		} else
			o += sl_utf8_encode(c, o);
		t->text.len = (size_t)(o - t->text.buf);
		if (t->cb.attrs)
			add_span(t, (uint32_t)before,
			    (uint32_t)(t->text.len - before), r->at[i]);
	}
	t->text.buf[t->text.len] = '\0';
	out.text = t->text.buf;
	out.len = t->text.len;
	out.spans = t->cb.attrs ? t->spans : NULL;
	out.nspans = t->cb.attrs ? t->nspans : 0;
	out.src_line = r->src_line;
	out.units = r->units;
	r->units = 0;
	out.flags = r->flags;
	out.edit_at = r->edit_col == 0 ? 0 :
	    SL_MIN(cells_bytes(r, r->edit_col - 1), out.len) + 1;
	out.piece = r->cut;
	out.line_end = r->line_end;
	if (t->cb.row != NULL)
		t->cb.row(t->cb.arg, &out);
}

void
term_event(struct sl_term *t, enum sl_term_event ev, const char *text,
    long long num, long long line)
{
	if (t->cb.event != NULL)
		t->cb.event(t->cb.arg, ev, text, num, line);
}
