/*
 * term_look.c: the bytes after a CR that may be readline's wrap, read
 * ahead while they are held back: whether they redraw the row (the CR was
 * a CR) or go on past its end (it was the wrap), as far as they can tell.
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
 * A CSI after the CR.  Readline, having stepped off the margin, goes
 * back up over it (CUU) or left on the new line (CUB); zsh clears the
 * new line (EL) before its first character.  A program redrawing the
 * row moves forward over it (fish), erases it and starts again with a
 * CR (bash after a resize), or erases what is left of the old, longer
 * row after writing the new one (Ctrl-R's prompt).  Colours and modes
 * tell nothing.
 */
static int
look_csi(struct look *lk, unsigned char f)
{
	if (f == 'm' || (lk->priv == '?' && (f == 'h' || f == 'l')))
		return LOOK_MORE;	/* colour; modes (zsh's Enter) */
	if (lk->priv != 0)
		return LOOK_CR;
	if (f == 'A' || (lk->bs && f == 'K'))
		return LOOK_WRAP;	/* climbing back; a rubout: BS EL */
	if (f == 'K' && !lk->arg && lk->text == 0 && !lk->cr && !lk->el) {
		lk->el = 1;	/* zsh's wrap, or a redraw: what follows says */
		return LOOK_MORE;
	}
	if (lk->cr || lk->text == 0)
		return LOOK_CR;
	return f == 'D' ? LOOK_WRAP : LOOK_CR;
}

/*
 * Text, then a control, after the CR.  Readline's wrap is followed by
 * the echo of what is typed next: so Enter (LF, or CR LF) or a rubout
 * (BS, then EL) after it confirm the wrap, as does the next margin's
 * " \r" exactly one width further.  Typed text never fills the new line
 * without that " \r": text as wide as the old row (a progress line
 * padded to cover the last), text after a second CR, or after a BS that
 * only moves (Ctrl-R's prompt, as long as the row) is a row redrawn in
 * place.
 */
static int
look_control(struct look *lk, unsigned char c, uint32_t width)
{
	int typed = lk->text > 0 && lk->text < width;

	switch (c) {
	case '\n':
		return typed ? LOOK_WRAP : LOOK_CR;
	case '\r':
		if (lk->text == 0)
			return LOOK_CR;
		if (lk->el && !lk->cr)
			return LOOK_WRAP;	/* zsh: the new line drawn again */
		if (!lk->cr && lk->text == width + 1 && lk->last_blank)
			return LOOK_WRAP;
		lk->cr = 1;
		return LOOK_MORE;
	case '\b':
		if (!typed || lk->cr || lk->bs)
			return LOOK_CR;
		lk->bs = 1;	/* a rubout if EL follows */
		return LOOK_MORE;
	case 0x07:
		return LOOK_MORE;	/* a completion's bell */
	default:
		return LOOK_CR;
	}
}

/*
 * Text after the CR that starts as the row starts (a prompt or a
 * progress line drawn again) is the row redrawn: typed text that goes
 * on past the margin starts the same way only by chance.
 */
#define REDRAW_SAME	4

static int
redraws_row(struct sl_term *t, struct look *lk, unsigned char c)
{
	const struct row *r = term_cur_row(t);

	if (lk->differs)
		return 0;
	if (c >= 0x80 || lk->text >= r->len || r->ch[lk->text] != c) {
		lk->differs = 1;
		return 0;
	}
	return lk->text + 1 >= REDRAW_SAME;
}

/* One held byte: LOOK_MORE, or what the pending CR was. */
int
term_look_step(struct sl_term *t, unsigned char c)
{
	struct look *lk = t->look;
	/* The width the wrap would mean: the row's, or the first margin. */
	uint32_t width = term_soft_wrapped(t) ? t->wrap_w : t->cr_col;

	switch (lk->seq) {
	case LK_ESC:
		lk->seq = LK_GROUND;
		if (c == '[') {
			lk->seq = LK_CSI;
			lk->priv = 0;
			lk->arg = 0;
		} else if (c == ']' || c == 'P' || c == 'X' || c == '^' ||
		    c == '_')
			lk->seq = LK_STR;
		else if (c >= 0x20 && c <= 0x2f)
			lk->seq = LK_ESC_INTER;
		else if (c != '=' && c != '>')	/* keypad modes */
			return LOOK_CR;	/* ESC 7, ESC 8, ESC M: placing */
		return LOOK_MORE;
	case LK_ESC_INTER:	/* a charset designation: no text, no move */
		if (c < 0x20 || c > 0x2f)
			lk->seq = LK_GROUND;
		return LOOK_MORE;
	case LK_CSI:
		if (c >= 0x3c && c <= 0x3f)
			lk->priv = (char)c;
		if (c >= '1' && c <= '9')
			lk->arg = 1;
		if (c < 0x40 || c > 0x7e)
			return LOOK_MORE;
		lk->seq = LK_GROUND;
		return look_csi(lk, c);
	case LK_STR:
		if (c == 0x07)
			lk->seq = LK_GROUND;
		else if (c == 0x1b)
			lk->seq = LK_STR_ESC;
		return LOOK_MORE;
	case LK_STR_ESC:
		lk->seq = c == '\\' ? LK_GROUND : LK_STR;
		return LOOK_MORE;
	case LK_GROUND:
		break;
	}
	if (c == 0x1b) {
		lk->seq = LK_ESC;
		return LOOK_MORE;
	}
	if (c < 0x20)
		return look_control(lk, c, width);
	if (c == 0x7f || (c >= 0x80 && c < 0xc0))
		return LOOK_MORE;	/* DEL; the rest of a UTF-8 character */
	if (lk->cr || lk->bs)
		return LOOK_CR;	/* the row redrawn; Ctrl-R's BS BS BS */
	if (redraws_row(t, lk, c))
		return LOOK_CR;
	lk->text++;
	lk->last_blank = c == ' ';
	return lk->text > width + 1 ? LOOK_CR : LOOK_MORE;
}

/* Undecided when the bytes ran out: a wrap only at the learned margin. */
int
term_look_default(const struct sl_term *t)
{
	return t->wrap_w != 0 && t->cr_col % t->wrap_w == 0 ? LOOK_WRAP :
	    LOOK_CR;
}

/* Does the held text end on a whole UTF-8 character? */
int
term_look_whole_char(const struct look *lk)
{
	size_t i = lk->n, k;
	unsigned char lead;

	while (i > 0 && lk->n - i < 4 && (lk->buf[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return 1;
	lead = lk->buf[i - 1];
	k = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	return lk->n - (i - 1) >= k;
}
