/*
 * stream.c: what a streamed CloudWatch line still tells about its command.
 *
 * The agent strips each line's escapes (whole lines with a decoding
 * error keep them), removes every CR and sends a prompt with its command
 * as one element, e.g. "sh-5.2$ rm -rf kqzprintf '%s\n' one two", where
 * readline's "\r\e[8C\e[K" (Ctrl-U) went missing.  Moves the stripper took
 * leave no trace; these functions find the traces the others leave, so
 * that a command the bytes cannot determine is flagged, not guessed:
 *  - a cursor moved back (BS), then text that stopped short of the line's
 *    end: an erase (EL) or a move forward may have been stripped between;
 *  - a cursor moved back, then the rest of the line drawn again one place
 *    on (an insert) and text after it: busybox moves back to the insert
 *    with CUB, stripped, so that text went elsewhere (redraw_tail);
 *  - a cursor move kept in a line whose CRs are gone: forward past the
 *    line's end, or up (an edit across a wrap);
 *  - an incremental history search (bash's "(reverse-i-search)", zsh's
 *    "bck-i-search:");
 *  - the line ended on the completion bell: a listing and a redraw
 *    follow, or the completion went on elsewhere;
 *  - a run of blanks inside the command: zsh erases with spaces between
 *    stripped cursor moves, and readline's wrap mark is a space;
 *  - (zsh) a stretch drawn twice, each copy glued into a word: the rest
 *    of the line drawn again after an insert, its move back stripped;
 *  - a command row wider than the narrowest terminal, where the width is
 *    not known: the wrap mark may be inside it;
 *  - a readline row stripped of every escape, wide enough that readline
 *    may have moved back to the line's start by CR (Home, Ctrl-U, a
 *    recall): the CR is dropped and the cursor-forwards stripped, so a
 *    move there leaves no byte at all.
 */
#include <ctype.h>
#include <stddef.h>
#include <string.h>

#include "internal.h"

#define ESC	0x1b
#define BEL	0x07
#define BS	0x08
#define KSH_PROMPT_MIN	4	/* "$ " twice could be anything drawn twice */

#define WALK_CELLS	512	/* cells remembered; past them, not blank */
#define TAIL_MAX	64	/* text after the cursor a run may draw again */
#define TAIL_MIN	2	/* shorter tails repeat by chance */

/* Where the cursor went on the line, as far as the kept bytes tell. */
struct walk {
	size_t x;		/* cursor column (characters, not cells) */
	size_t end;		/* the line's extent */
	size_t run_from;	/* where the current run of text started */
	int in_run;
	size_t inserted;	/* blanks ICH opened, to be filled */
	int last_over;		/* the last run began over text */
	size_t run_end0;	/* the line's extent when the run began */
	int escapes;		/* the element kept an escape */
	unsigned ev;
	size_t tail_len;	/* the line after the cursor when the run
				   began over it (redraw_tail) */
	unsigned char tail[TAIL_MAX];
	unsigned char blank[WALK_CELLS];	/* 1: a blank there */
	unsigned char lead[WALK_CELLS];	/* each character's first byte */
};

static int
blank_at(const struct walk *w, size_t x)
{
	return x < WALK_CELLS && w->blank[x];
}

static void
set_blank(struct walk *w, size_t x, int b)
{
	if (x < WALK_CELLS)
		w->blank[x] = (unsigned char)b;
}

/*
 * The same for Delete: busybox draws the rest of the line less the
 * character deleted where it was, then moves back with CUB, which the
 * stripper took ("zzkhotel", BSs, Delete Delete Delete streams as
 * "zkhotelkhotelhotel" after the BSs); zsh deletes the first with DCH,
 * also taken, and draws from the second ("vvq0 hotel": "q0 hotel q0
 * hotel 0 hotel").  Only a run that went on past that rest: one that
 * stops short of the line's end is run_end's.
 */
#define DELETED_MAX	2	/* characters gone before the rest drawn */

static int
deleted_tail(const struct walk *w, size_t len, size_t t)
{
	size_t d;

	for (d = 1; d <= DELETED_MAX && t > TAIL_MIN + d; d++)
		if (t - d < len &&
		    memcmp(w->lead + w->run_from, w->tail + d, t - d) == 0)
			return 1;
	return 0;
}

/*
 * A run that began inside the line drew the rest of the line again one
 * place on (a key inserted, drawn with the rest of the line: busybox's
 * way, a key at a time) and went on past it: busybox then moved back to
 * the insert with CUB, which the stripper took, so the text after the
 * redraw landed elsewhere (`echo lima380 harlie`, Left x6, `c`, End:
 * "charlie" "harlie" where the screen shows "charlie").  Text typed after
 * BSs (busybox's erase, its ED stripped) repeats the erased text one place
 * on only by chance.
 */
static int
redraw_tail(const struct walk *w)
{
	size_t len = w->x - w->run_from, t = w->tail_len;

	if (t < TAIL_MIN || w->x > WALK_CELLS)
		return 0;
	return (1 + t < len &&
	    memcmp(w->lead + w->run_from + 1, w->tail, t) == 0) ||
	    deleted_tail(w, len, t);
}

/*
 * zsh draws a key typed inside the line with the rest of the line after
 * it, then moves back over that rest (BS); readline may too, and moves
 * back with BS as well as with kept escapes, so only zsh's rows are
 * judged by this (zsh_lost_insert).  A run that ends the line
 * with a key and then the very text before that key, and then moves
 * back, is such an insert whose move to the insert point the stripper
 * took (vi mode's `0`, `w`, `b` are CUB and CUF): it landed at the end
 * (`echo bravo`, `0wi`, `c`: "echo bravocbravo").  Called at a BS that
 * moves back; not at a plain erase (`\b \b`) after text ending "T?T"
 * (`echo test test`), no insert.
 */
#define LOST_TAIL_MIN	3	/* shorter tails repeat by chance */

static int
lost_insert(const struct walk *w)
{
	size_t t, len = w->x - w->run_from;

	if (!w->in_run || w->x != w->end || w->x > WALK_CELLS)
		return 0;
	for (t = LOST_TAIL_MIN; 2 * t + 1 <= len && t <= TAIL_MAX; t++)
		if (memcmp(w->lead + w->x - t, w->lead + w->x - 2 * t - 1, t) == 0)
			return 1;
	return 0;
}

/*
 * A run over text that ends in blanks, as zsh draws a deletion: the rest
 * of the line less a character or more, from where it changed or a little
 * before (`c \b\b` over `cq`), and blanks over the cells it left.  Any
 * other text there came after a move the stripper took (two Deletes as
 * one redraw: DCH, a cursor-forward to the end, a blank, a cursor-back,
 * the rest: `xq91 alpha` then ` 91 alpha `).  A tail not kept (too long)
 * says nothing.
 */
static int
deletion_redraw(const struct walk *w)
{
	const unsigned char *run = w->lead + w->run_from;
	size_t len = w->x - w->run_from, b = 0, same = 0, d;

	if (w->tail_len == 0)
		return 1;
	while (b < len && blank_at(w, w->x - 1 - b))
		b++;
	/* Where a deletion may be, the first place the run differs will do. */
	while (same < len - b && same < w->tail_len &&
	    run[same] == w->tail[same])
		same++;
	for (d = 1; d <= b; d++)
		if (len - b + d <= w->tail_len && memcmp(run + same,
		    w->tail + same + d, len - b - same) == 0)
			return 1;
	return 0;
}

/*
 * zsh erases with blanks only cells it drew: blanks that a run drawn
 * again from inside the line took past the line's end erased text the
 * walk never saw there, drawn before a move the stripper took
 * (zsh-autosuggestions' suggestion, CUB back over it stripped: `l`, the
 * suggestion `s --color=always`, BS, `ls -l` and blanks over the rest,
 * zsh-plugins 139).  Blanks typed at the end are one or two.
 */
#define ERASED_PAST_MIN	3	/* two typed at the end are not rare */

static int
erased_past_end(const struct walk *w)
{
	size_t b = 0;

	if (w->run_from >= w->run_end0 ||
	    w->x < w->run_end0 + ERASED_PAST_MIN)
		return 0;
	while (w->x - b > w->run_end0 && blank_at(w, w->x - 1 - b))
		b++;
	return b >= ERASED_PAST_MIN;
}

/*
 * A run of text ends.  Written inside the line, it stopped short of
 * text after it: that text may have been erased, or the run meant to go
 * elsewhere, by a sequence the stripper took.
 */
static void
run_end(struct walk *w)
{
	if (w->in_run && redraw_tail(w))
		w->ev |= SL_ROW_STREAM_EDIT;
	size_t i;

	if (w->in_run && w->run_from < w->end)
		for (i = w->x; i < w->end; i++)
			if (!blank_at(w, i)) {
				w->ev |= SL_ROW_STREAM_EDIT;
				break;
			}
	/* Over text, neither longer nor a deletion: no insert, no erase. */
	if (w->in_run && w->run_from < w->run_end0 && w->x <= w->run_end0 &&
	    w->x > 0 && (!blank_at(w, w->x - 1) || !deletion_redraw(w)))
		w->ev |= SL_ROW_STREAM_SAME;
	if (w->in_run && blank_at(w, w->x - 1) && erased_past_end(w))
		w->ev |= SL_ROW_STREAM_SAME;
	w->in_run = 0;
}

static void
fill_blank(struct walk *w, size_t from, size_t to)
{
	for (; from < to && from < WALK_CELLS; from++) {
		w->blank[from] = 1;
		w->lead[from] = ' ';
	}
}

/* The cells from `from` to the line's end move to `to` (ICH, DCH). */
static void
shift(struct walk *w, size_t from, size_t to)
{
	size_t n;

	if (from >= w->end || from >= WALK_CELLS || to >= WALK_CELLS)
		return;
	n = SL_MIN(w->end - from, WALK_CELLS - SL_MAX(from, to));
	memmove(w->blank + to, w->blank + from, n);
	memmove(w->lead + to, w->lead + from, n);
}

static void
put_text(struct walk *w, int is_blank, unsigned char lead)
{
	if (w->x > w->end)
		fill_blank(w, w->end, w->x);	/* moved past the end */
	if (w->inserted > 0) {
		/* Filling what ICH opened: an insert, drawn whole. */
		w->inserted--;
		if (w->x < WALK_CELLS)
			w->lead[w->x] = lead;
		set_blank(w, w->x++, is_blank);
		return;
	}
	if (!w->in_run) {
		w->in_run = 1;
		w->run_from = w->x;
		w->run_end0 = w->end;
		/* over text: an overwrite, or an insert whose ICH was taken */
		w->last_over = w->x < w->end && !blank_at(w, w->x);
		w->tail_len = 0;
		if (w->x < w->end && w->end - w->x <= TAIL_MAX &&
		    w->end <= WALK_CELLS) {
			w->tail_len = w->end - w->x;
			memcpy(w->tail, w->lead + w->x, w->tail_len);
		}
	}
	set_blank(w, w->x, is_blank);
	if (w->x < WALK_CELLS)
		w->lead[w->x] = lead;
	w->x++;
	if (w->x > w->end)
		w->end = w->x;
}

/* A CSI kept in the line: the cursor moves that matter here. */
static void
csi(struct walk *w, char final, size_t arg)
{
	size_t k = arg > 0 ? arg : 1;

	run_end(w);
	w->inserted = 0;
	switch (final) {
	case 'K':
		w->end = w->x;
		break;
	case 'C':
		/* Past the line's end only from a place a lost CR left. */
		if (w->x + k > w->end)
			w->ev |= SL_ROW_STREAM_EDIT;
		w->x += k;
		break;
	case 'D':
		w->x = w->x > k ? w->x - k : 0;
		break;
	case 'A':
	case 'F':
		w->ev |= SL_ROW_STREAM_EDIT;
		break;
	case 'P':
		shift(w, w->x + k, w->x);
		w->end = w->end > w->x + k ? w->end - k : w->x;
		break;
	case '@':
		shift(w, w->x, w->x + k);
		fill_blank(w, w->x, w->x + k);
		w->end += k;
		w->inserted = k;
		break;
	default:
		break;
	}
}

/* Skip the escape at p[i] (ESC); returns the index after it. */
static size_t
escape(struct walk *w, const unsigned char *p, size_t n, size_t i)
{
	size_t arg = 0;

	if (i + 1 >= n)
		return n;
	if (p[i + 1] == ']') {
		/* OSC: up to BEL or ST; its BEL is not the bell. */
		for (i += 2; i < n && p[i] != BEL &&
		    !(p[i] == ESC && i + 1 < n && p[i + 1] == '\\'); i++)
			;
		return i >= n ? n : p[i] == BEL ? i + 1 : i + 2;
	}
	if (p[i + 1] != '[')
		return i + 2;
	for (i += 2; i < n && p[i] >= 0x30 && p[i] <= 0x3f; i++)
		if (p[i] >= '0' && p[i] <= '9' && arg < 100000)
			arg = arg * 10 + (size_t)(p[i] - '0');
	while (i < n && p[i] >= 0x20 && p[i] <= 0x2f)
		i++;
	if (i < n)
		csi(w, (char)p[i], arg);
	return i + 1;
}

/*
 * The bell rang and nothing new was typed after it: the element ends on
 * it, or (busybox) it is followed only by the same text drawn again: the
 * element's start, or the text right before the bell (after less, its
 * ':' is left in front of the prompt).
 */
static int
bell_ends(const unsigned char *p, size_t n, size_t bell)
{
	size_t after = n - bell - 1;

	while (after > 0 && p[bell + after] == ' ')
		after--;
	return after == 0 || (after <= bell &&
	    (memcmp(p + bell + 1, p, after) == 0 ||
	    memcmp(p + bell + 1, p + bell - after, after) == 0));
}

/*
 * In a line that kept no escape, a bare BS is a move left or an erase
 * whose EL was stripped (readline, busybox), and text typed over the
 * line is an overwrite or an insert whose ICH was stripped (readline).
 * Editors that erase with blanks (zsh, the tty) are not in doubt: the
 * caller knows which (sl_stream_unsure).
 */
static unsigned
stripped_moves(const struct walk *w)
{
	size_t i;

	/* Back over text drawn again from inside the line (an insert shown
	 * by drawing the rest again) is a move: only the line typed last at
	 * its end may have been erased. */
	if (w->last_over)
		return 0;
	for (i = w->x; i < w->end; i++)
		if (!blank_at(w, i))
			return SL_ROW_STREAM_LEFT;
	return 0;
}

/* Just past the last "-i-search" (bash's "(reverse-i-search)", zsh's
 * "bck-i-search:"), or 0. */
static size_t
last_search(const char *s, size_t n)
{
	const char *p = s, *hit = NULL;

	/* sl_find, not memmem(): memmem() on every element cost 4% of a
	 * CloudWatch document. */
	while ((p = sl_find(p, (size_t)(s + n - p), "-i-search", 9)) != NULL) {
		hit = p;
		p += 9;
	}
	return hit != NULL ? (size_t)(hit - s) + 9 : 0;
}

/* The escape p[at, end) shifts the line: a CSI P (delete) or @ (insert). */
static int
is_shift(const unsigned char *p, size_t at, size_t end)
{
	return end - at > 2 && p[at + 1] == '[' &&
	    (p[end - 1] == 'P' || p[end - 1] == '@');
}

/*
 * The element starts by setting the title (OSC 0 or 2): oh-my-zsh's
 * hook as a command starts, before its output, or before the next
 * prompt's row when it printed nothing, and before clear's own escapes
 * (the prompt's row then holds none of it).
 */
static int
title_first(const unsigned char *p, size_t n)
{
	return n > 4 && p[0] == ESC && p[1] == ']' &&
	    (p[2] == '0' || p[2] == '2') && p[3] == ';';
}

unsigned
sl_stream_scan(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct walk w;
	size_t i = 0, bell = (size_t)-1, tail_from = 0, tail, search, at;
	size_t shift_end = (size_t)-1;

	memset(&w, 0, offsetof(struct walk, blank));
	/* Most elements are output or a line typed straight: no control
	 * byte, nothing to walk. */
	while (i < n && p[i] >= 0x20)
		i++;
	if (i < n)
		i = 0;
	while (i < n) {
		if (p[i] < 0x20)
			tail_from = i + 1;
		if (p[i] == ESC) {
			w.escapes = 1;
			at = i;
			i = escape(&w, p, n, i);
			tail_from = i;
			if (is_shift(p, at, i))
				shift_end = i;
			continue;
		}
		if (p[i] == BS) {
			/* "\b \b" erases a character: no move back */
			if ((i + 2 >= n || p[i + 1] != ' ' || p[i + 2] != BS) &&
			    lost_insert(&w))
				w.ev |= SL_ROW_STREAM_END_INSERT;
			run_end(&w);
			if (w.x > 0)
				w.x--;
		} else if (p[i] == BEL) {
			bell = i;
		} else if (p[i] >= 0x20 && (p[i] & 0xc0) != 0x80)
			put_text(&w, p[i] == ' ', p[i]);
		i++;
	}
	run_end(&w);
	/* The reader may feed an element in pieces: the bit that says an
	 * escape was kept is the one that adds up over them. */
	if (w.escapes)
		w.ev |= SL_ROW_STREAM_KEPT;
	else
		w.ev |= stripped_moves(&w);
	if (bell != (size_t)-1 && bell_ends(p, n, bell))
		w.ev |= SL_ROW_STREAM_BELL;
	if (title_first(p, n))
		w.ev |= SL_ROW_STREAM_TITLED;
	if ((search = last_search(s, n)) > 0) {
		w.ev |= SL_ROW_STREAM_SEARCH;
		tail_from = SL_MAX(tail_from, search);	/* not the search's text */
	}
	while (n > tail_from && p[n - 1] == ' ')
		n--;
	tail = n > tail_from ? n - tail_from : 0;
	/* readline leaves a search or redraws over a longer line with
	 * "\r\e[nP" (or "\e[n@") and the prompt: the text after the shift
	 * starts at the line's start, the prompt first (bash-vi 30). */
	if (tail > 0 && shift_end == tail_from)
		w.ev |= SL_ROW_STREAM_SHIFTED;
	return w.ev | SL_ROW_STREAM_TAIL_SET(SL_MIN(tail, SL_ROW_STREAM_TAIL_MAX));
}

/*
 * ksh93 draws a line again (Ctrl-L, the terminal's new size) as its
 * prompt, the line, blanks up to the margin and as many BS back over
 * them.  The length of the text before those blanks if the element
 * starts so, else 0.
 */
size_t
sl_stream_ksh_pad(const char *s, size_t n)
{
	size_t text = 0, bs = 0, k;

	while (text < n && (unsigned char)s[text] >= 0x20)
		text++;
	while (text + bs < n && s[text + bs] == BS)
		bs++;
	if (bs == 0 || bs >= text)
		return 0;
	for (k = text - bs; k < text; k++)
		if (s[k] != ' ')
			return 0;
	return text - bs;
}

/*
 * At the terminal's size ksh93 draws its first line again: CR, ED 0, CR,
 * then that.  Stripped, the element starts with the prompt twice before
 * the pad.  No other shell's element does: bash's and busybox's prompts
 * drawn twice are followed by text, mksh's pad of blanks by its line.
 */
int
sl_stream_ksh_redraw(const char *s, size_t n)
{
	size_t text = sl_stream_ksh_pad(s, n), half = text / 2;

	return text % 2 == 0 && half >= KSH_PROMPT_MIN &&
	    memcmp(s, s + half, half) == 0;
}

/*
 * fish draws a line of several screen rows, climbs one row (CUU) and
 * returns with CR LF to the start of the screen row it left, where it
 * goes on (fish seeds 17, 91: a recalled line).  In a stream the CR is
 * dropped, the LF ends the element, and the element is one row as wide
 * as the line (the width is not known): the climb would take the cursor
 * to the row above and the LF back to the start of the element's own
 * row, so the next element would be drawn over its prompt and the
 * command would be listed nowhere.  A climb of one row that ends the
 * element moved nothing the stream can place: it is not drawn.
 */
size_t
sl_stream_drawn(const char *s, size_t n)
{
	size_t i = n;

	if (i < 3 || s[i - 1] != 'A')
		return n;
	i--;
	if (s[i - 1] == '1')
		i--;
	if (i >= 2 && s[i - 1] == '[' && s[i - 2] == ESC)
		return i - 2;
	return n;
}

/* Terminal columns of UTF-8 text; East Asian wide characters take two. */
static size_t
columns(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, w = 0;

	for (i = 0; i < n; i++) {
		if ((p[i] & 0xc0) == 0x80)
			continue;
		w += (p[i] >= 0xe3 && p[i] <= 0xed) || p[i] >= 0xf0 ? 2 : 1;
	}
	return w;
}

/* A run of two or more blanks inside the command, outside quotes. */
static int
inner_blanks(const char *s, size_t n)
{
	char quote = 0;
	size_t i;

	for (i = 0; i + 2 < n; i++) {
		if (quote != 0) {
			if (s[i] == quote)
				quote = 0;
			continue;
		}
		if (s[i] == '\'' || s[i] == '"')
			quote = s[i];
		else if (s[i] == ' ' && s[i + 1] == ' ') {
			while (i < n && s[i] == ' ')
				i++;
			if (i < n)
				return 1;
		}
	}
	return 0;
}

/*
 * A space after the prompt in a column that may be `from` or more.  A
 * character's bytes bound its columns: one for ASCII and two-byte
 * UTF-8, two for longer ones (CJK: the row "[u@h work]$ echo
 * 日本語のテスト 中文" has its last space at byte 44 but column 37).
 */
static int
space_past(const char *s, size_t n, size_t plen, size_t from)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, col = 0;

	for (i = 0; i < n; i++) {
		if ((p[i] & 0xc0) == 0x80)
			continue;
		if (p[i] == ' ' && i >= plen && col >= from)
			return 1;
		col += p[i] >= 0xe0 ? 2 : 1;
	}
	return 0;
}

/*
 * Could the row hold a wrap mark or a cut?  At a known width, only a row
 * that reaches it.  busybox cuts its line at the width (the rest comes
 * as the next line): a cut row is as wide as the widest command row,
 * which is then the width; a cut right after a blank is a column wider
 * than its row, which lost the blank (`…$ echo ` at 40 columns, busybox
 * 431: the row's 39 columns are not the narrowest terminal's).  readline
 * marks its wrap with a space, at a width only the terminal knew: any row
 * past the narrowest terminal with a space out there may hold one.
 */
static int
may_wrap(struct sl_stream *st, const char *s, size_t n, size_t plen)
{
	size_t w = columns(s, n);

	if (st->width > 0)
		return w >= st->width;
	if (st->kind == SL_STREAM_CANON)
		return 0;	/* the tty echoes, inserting nothing */
	if (st->kind == SL_STREAM_CUTS) {
		if (w > st->widest)
			st->widest = w;
		return w + (st->blank_end != 0) >= SL_STREAM_MIN_WIDTH &&
		    w + 1 >= st->widest;
	}
	return space_past(s, n, plen, SL_STREAM_MIN_WIDTH);
}

/*
 * Text written twice with at most two characters between: busybox and
 * zsh draw the rest of the line again after an insert or a move, and
 * with the move back stripped both copies stand side by side.  That is
 * a stretch where each byte equals the one d before, for nearly d bytes.
 */
#define REPEAT_MIN	10	/* shorter repeats are common in commands */
#define REPEAT_GAP	2
#define REPEAT_SCAN	512	/* longer commands are not searched */

/*
 * zsh moves right over text it keeps with cursor-forward, and far left
 * with cursor-back: in a line stripped of them, a line drawn again after
 * Home shows as two copies apart, each with gaps (`cho november888
 * julietecho november8 juliet x`).  Such a copy repeats the START of the
 * line: a stretch of `far` bytes whose first copy begins within the
 * first REPEAT_FAR_LEAD bytes of the typed text is taken for one (a path
 * given twice, `cp /a/b/x /a/b/y`, is not); 0: only side by side.
 */
#define REPEAT_FAR	12	/* a copy apart: longer than common words */
#define REPEAT_FAR_LEAD	2	/* the first bytes a redraw may have lost */

/* A run of `run` bytes ending at j equals the one d before, which
 * begins within the lead. */
static int
far_copy_of_start(size_t j, size_t d, size_t run)
{
	return j + 1 - run - d < REPEAT_FAR_LEAD;
}

static int
repeated_text(const char *s, size_t n, size_t far)
{
	size_t d, j, run;

	if (n > REPEAT_SCAN)
		return 0;
	for (d = REPEAT_MIN; 2 * d - REPEAT_GAP <= n || (far > 0 && d + far <= n);
	    d++)
		for (j = d, run = 0; j < n; j++) {
			run = s[j] == s[j - d] ? run + 1 : 0;
			if (run + REPEAT_GAP >= d || (far > 0 &&
			    run >= far && far_copy_of_start(j, d, run)))
				return 1;
		}
	return 0;
}

/*
 * zsh draws a key typed inside the line with the rest of the line after
 * it, and moves back over that rest, or far left (Home, Alt-b, Lefts
 * typed ahead), with CUB once that is shorter than as many BSs; it draws
 * again only what changed (DCH and CUF skip the rest).  Stripped of those
 * moves, a copy of the rest stands glued to what came before it: the key
 * (`echo novemberinovember`, zsh-plain 410), the next copy, or the part
 * drawn again at the start (`cho november938 novemberecho938 november x`,
 * Home and `e`: zsh-plain 78), and the first copy ends where the line
 * ended, glued to what follows.  A stretch typed twice (a path, a file
 * and its copy elsewhere) stands between blanks or punctuation at one of
 * its ends; a cut inside a word joins letters or digits on both sides.
 * A pattern repeated (`========`, `abab...`) is typed so.
 */
#define GLUED_MIN	6	/* the rest moved back over by CUB, and more */
#define GLUED_MAX	TAIL_MAX

static int
word_byte(char c)
{
	return isalnum((unsigned char)c);
}

/* Repeats itself at a shorter distance than its length allows. */
static int
periodic(const char *x, size_t len)
{
	size_t p;

	for (p = 1; 2 * p <= len; p++)
		if (memcmp(x, x + p, len - p) == 0)
			return 1;
	return 0;
}

/* The run of `run` bytes ending at j equals the one d before, the two
 * do not overlap, and each joins a word cut at its inner side. */
static int
glued_at(const char *s, size_t j, size_t d, size_t run)
{
	return run >= GLUED_MIN && run <= d && run <= GLUED_MAX &&
	    word_byte(s[j - d]) && word_byte(s[j - run - 1]) &&
	    word_byte(s[j - d - 1]) && word_byte(s[j - run]) &&
	    !periodic(s + j - run, run);
}

static int
glued_copy(const char *s, size_t n)
{
	size_t d, j, from, to;

	if (n > REPEAT_SCAN)
		return 0;
	/* A run of GLUED_MIN holds one place in every GLUED_MIN: only
	 * those are looked at, and a match there widened to its run. */
	for (d = GLUED_MIN; d + GLUED_MIN <= n; d++)
		for (j = d + GLUED_MIN - 1; j < n; j += GLUED_MIN) {
			if (s[j] != s[j - d])
				continue;
			for (from = j; from > d && s[from - 1] == s[from - 1 - d];
			    from--)
				;
			for (to = j + 1; to < n && s[to] == s[to - d]; to++)
				;
			if (glued_at(s, to, d, to - from))
				return 1;
			j = to;
		}
	return 0;
}

/*
 * zsh-autosuggestions draws its suggestion (a line of the history that
 * starts as the line typed so far) after a key and moves back over it
 * with CUB; at the next key the highlighter draws the word again from
 * its start with BS.  Stripped of the CUB, the line goes on inside the
 * suggestion, cut short: `echo foxtroecho kilo725 kilo` for `echo
 * kilo725 kilo` after `echo foxtrot` (zsh-plugins 90).  The line's first
 * word and its blank come again right after a letter or digit.  A short
 * first word (`ls `, `git `) is found inside typed words too.
 */
#define GLUED_START_MIN	5	/* `echo `, `tail `: the word and its blank */

static int
glued_start(const char *s, size_t n)
{
	const char *hit = s, *end = s + n;
	size_t w = 0;

	while (w < n && s[w] != ' ')
		w++;
	if (++w < GLUED_START_MIN || w > n)
		return 0;
	while ((hit = sl_find(hit + 1, (size_t)(end - hit - 1), s, w)) != NULL)
		if (word_byte(hit[-1]))
			return 1;
	return 0;
}

/*
 * Does the row's editor draw text of the line again?  The tty's echo
 * (dash's canonical mode) never does: it only adds what was typed, and
 * erases with BS, space, BS; its reprint (^R) starts a new line.  There
 * text written twice is text typed twice (`echo alpha kilo ... echo
 * alpha kilo`).
 */
static int
redraws(const struct sl_stream *st)
{
	return st->kind != SL_STREAM_CANON;
}

/*
 * The element's evidence is of an earlier drawing of the line when the
 * command lies whole in the text after the last control: a search or
 * an edit, then the line drawn again or typed anew.  Text drawn after a
 * shift started at the line's start (the CR before the shift was
 * stripped), so the prompt's copy (plen bytes of the row's n) must lie
 * in it too: when it is only the prompt, drawn last over the old line,
 * the row's text after it is what was left of that line (bash-vi 30:
 * a search cancelled, "\e[A", cursor-forwards, "\r\e[30P", the prompt).
 */
static int
evidence_before(unsigned flags, size_t n, size_t plen)
{
	size_t drawn = flags & SL_ROW_STREAM_SHIFTED ? n : n - plen;

	return !(flags & SL_ROW_STREAM_BELL) &&
	    drawn <= SL_ROW_STREAM_TAIL(flags);
}

/* The evidence of stripped moves that counts for the row's editor. */
static unsigned
editor_doubts(const struct sl_stream *st)
{
	if (st->kind == SL_STREAM_CUTS)
		return SL_ROW_STREAM_LEFT;	/* busybox: no ICH */
	if (st->kind == SL_STREAM_EDITOR && st->width == 0)
		return SL_ROW_STREAM_LEFT;	/* readline */
	return 0;	/* zsh (its mark gave the width), the tty */
}

/* A zsh row (its mark gave the width) that kept no escape. */
static int
zsh_stripped(const struct sl_stream *st, unsigned flags)
{
	return st->kind == SL_STREAM_EDITOR && st->width > 0 &&
	    !(flags & SL_ROW_STREAM_KEPT);
}

/*
 * zsh draws a key typed inside the line with the rest after it (the line
 * grows) and a deletion with a blank at the end; text drawn over the same
 * cells otherwise came after a cursor-forward the stripper took (`xt BS`,
 * Right, `t BS`): the text after it sits one cell off.
 */
static int
zsh_lost_forward(const struct sl_stream *st, unsigned flags)
{
	return zsh_stripped(st, flags) && (flags & SL_ROW_STREAM_SAME);
}

/*
 * readline moves the cursor back to column `to` with a CR and cursor-
 * forwards (in a UTF-8 locale) rather than backspaces when that is
 * shorter: when to + 1 < from - to (display.c, CR_FASTER).  No move goes
 * left of the prompt, and the cursor never passed the row's extent (the
 * stripped row keeps every cell written), so a row no wider than twice
 * the prompt and one had no such move: its BSs are all its moves back.
 * A wider one stripped of its escapes may hide a Home or a Ctrl-U.
 */
static int
hidden_cr_move(const struct sl_stream *st, unsigned flags, const char *s,
    size_t n, size_t plen)
{
	if (st->kind != SL_STREAM_EDITOR || st->width > 0 ||
	    (flags & SL_ROW_STREAM_KEPT))
		return 0;	/* zsh (its mark), the tty, busybox; or kept */
	return columns(s, n) > 2 * columns(s, plen) + 1;
}

/* A zsh row that kept no escape where an insert landed at the end. */
static int
zsh_lost_insert(const struct sl_stream *st, unsigned flags)
{
	return zsh_stripped(st, flags) && (flags & SL_ROW_STREAM_END_INSERT);
}

/*
 * zsh redraws a line typed at its PS2 ("for> ") as it does the first,
 * and zsh-autosuggestions draws its grey suggestion there as well: with
 * the moves stripped, an erase leaves a run of blanks inside the text
 * (`echo foxtrot447 foxtrot echo i          tem $i` for `echo item $i`).
 * A line's indentation is typed, not left over; and only an element
 * that shows an edit (a move back: text after its last control is not
 * all of the row) may hold an erase's blanks, not aligned text typed.
 */
int
sl_stream_cont_unsure(unsigned flags, const char *s, size_t n, size_t plen)
{
	size_t lead = plen;

	if (!(flags & (SL_ROW_STREAM_EDIT | SL_ROW_STREAM_SAME |
	    SL_ROW_STREAM_LEFT)) && SL_ROW_STREAM_TAIL(flags) >= n)
		return 0;
	while (lead < n && s[lead] == ' ')
		lead++;
	/* Or its suggestion, drawn after the first key, cut by the line
	 * typed (glued_start: `for> echo novemzecho item $i`). */
	return inner_blanks(s + lead, n - lead) ||
	    glued_start(s + lead, n - lead);
}

int
sl_stream_unsure(struct sl_stream *st, unsigned flags, const char *s,
    size_t n, size_t plen)
{
	if (n <= plen)
		return 0;
	flags = (flags & ~SL_ROW_STREAM_LEFT) |
	    (flags & editor_doubts(st) ? SL_ROW_STREAM_EDIT : 0);
	/* An edited row says nothing of the width: judged before it. */
	if (((flags & SL_ROW_STREAM_ANY) != 0 &&
	    !evidence_before(flags, n, plen)) ||
	    inner_blanks(s + plen, n - plen) ||
	    (redraws(st) && repeated_text(s + plen, n - plen,
	    zsh_stripped(st, flags) ? REPEAT_FAR : 0)) ||
	    (zsh_stripped(st, flags) && (glued_copy(s + plen, n - plen) ||
	    glued_start(s + plen, n - plen))) ||
	    hidden_cr_move(st, flags, s, n, plen) ||
	    zsh_lost_forward(st, flags) || zsh_lost_insert(st, flags))
		return 1;
	return may_wrap(st, s, n, plen);
}
