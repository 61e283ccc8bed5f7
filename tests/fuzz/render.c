/*
 * render: the terminal line model (lib/render/term.c) on its own.
 *
 * Input: byte 0 bit 0 asks for attribute spans; bytes 1..3 seed the
 * feed splits; the rest is pty bytes.  The bytes are rendered in one
 * feed, then again (after sl_term_reset) byte by byte, or in random
 * pieces when there are more than 8 KiB: both must give the same rows
 * and events.  Every row must be valid UTF-8 without
 * control characters or trailing blanks, at most SL_ROW_MAX columns,
 * with spans inside it; every input line must end on exactly one row,
 * or be dropped, or be counted by the alternate screen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct pass {
	struct sl_buf log;	/* rows and events, serialised */
	long long units;	/* units on rows handed out */
	long long alt;		/* lines counted by ALT_OFF */
	long long line;		/* highest src_line seen */
	int attrs;
};

static void
add_num(struct sl_buf *b, long long v)
{
	sl_buf_add_int(b, v);
	sl_buf_addc(b, ' ');
}

static void
on_row(void *arg, const struct sl_row *row)
{
	struct pass *p = arg;
	size_t i, end = 0;

	if (row->text == NULL || strlen(row->text) != row->len)
		fz_fail("row text NULL or holding NUL");
	if (!fz_utf8_ok(row->text, row->len))
		fz_fail("row is not valid UTF-8");
	if (fz_has_control(row->text, row->len))
		fz_fail("row holds a control character");
	if (row->len > 0 && (row->text[row->len - 1] == ' ' ||
	    row->text[row->len - 1] == '\t'))
		fz_fail("row has trailing white space");
	if (fz_width(row->text, row->len) > SL_ROW_MAX)
		fz_fail("row of %zu columns", fz_width(row->text, row->len));
	if (row->units < 0 || row->piece < 0 || (row->flags &
	    ~(unsigned)(SL_ROW_PASTE | SL_ROW_TITLE | SL_ROW_PASTE_OFF |
	    SL_ROW_KEYPAD_ON | SL_ROW_KEYPAD_OFF | SL_ROW_CLEARED |
	    SL_ROW_WRAP_UNSURE | SL_ROW_UNPLACED | SL_ROW_BELL |
	    SL_ROW_GREY_DROPPED | SL_ROW_PAD_UNSURE)) != 0)
		fz_fail("row units %lld piece %d flags %#x", row->units,
		    row->piece, row->flags);
	if (row->src_line < 1)
		fz_fail("row src_line %lld", row->src_line);
	if (!p->attrs && (row->spans != NULL || row->nspans != 0))
		fz_fail("spans not asked for");
	for (i = 0; i < row->nspans; i++) {
		const struct sl_span *sp = &row->spans[i];

		if (sp->off < end || (size_t)sp->off + sp->len > row->len)
			fz_fail("span %zu [%u,+%u) in row of %zu", i, sp->off,
			    sp->len, row->len);
		if ((sp->off < row->len &&
		    ((unsigned char)row->text[sp->off] & 0xc0) == 0x80) ||
		    (sp->off + sp->len < row->len && ((unsigned char)
		    row->text[sp->off + sp->len] & 0xc0) == 0x80))
			fz_fail("span %zu splits a character", i);
		end = sp->off + sp->len;
	}
	p->units += row->units;
	if (row->src_line > p->line)
		p->line = row->src_line;
	sl_buf_addc(&p->log, 'R');
	add_num(&p->log, row->src_line);
	add_num(&p->log, row->units);
	add_num(&p->log, row->flags);
	add_num(&p->log, row->piece);
	add_num(&p->log, (long long)row->len);
	sl_buf_add(&p->log, row->text, row->len);
	for (i = 0; i < row->nspans; i++) {
		add_num(&p->log, row->spans[i].off);
		add_num(&p->log, row->spans[i].len);
		add_num(&p->log, row->spans[i].attr);
	}
	sl_buf_addc(&p->log, '\n');
}

static void
on_event(void *arg, enum sl_term_event ev, const char *text, long long num,
    long long line)
{
	struct pass *p = arg;

	if ((unsigned)ev > SL_TEV_REDRAWN_LINE)	/* the last */
		fz_fail("event %d", (int)ev);
	if (ev == SL_TEV_TITLE && text == NULL)
		fz_fail("title event without text");
	if (ev == SL_TEV_ALT_OFF) {
		if (num < 0)
			fz_fail("alternate screen of %lld lines", num);
		p->alt += num;
	}
	if (line < 1)
		fz_fail("event at line %lld", line);
	sl_buf_addc(&p->log, 'E');
	add_num(&p->log, ev);
	add_num(&p->log, num);
	add_num(&p->log, line);
	if (text != NULL)
		sl_buf_adds(&p->log, text);
	sl_buf_addc(&p->log, '\n');
}

/* xorshift32: the split sizes. */
static uint32_t
next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
check_units(const struct pass *p, long long dropped, const uint8_t *data,
    size_t size)
{
	long long lines = 0;
	size_t i;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (size > 0 && data[size - 1] != '\n')
		lines++;
	if (p->units + dropped + p->alt != lines)
		fz_fail("%lld input lines, %lld on rows + %lld dropped + "
		    "%lld in the alternate screen", lines, p->units, dropped,
		    p->alt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sl_term_cb cb;
	struct pass one, split;
	struct sl_term *t;
	uint32_t seed;
	size_t off, n;
	long long d0, d1;

	if (size < 4)
		return 0;
	memset(&one, 0, sizeof(one));
	memset(&split, 0, sizeof(split));
	one.attrs = split.attrs = data[0] & 1;
	seed = ((uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3]) |
	    1;
	data += 4;
	size -= 4;
	sl_buf_init(&one.log);
	sl_buf_init(&split.log);

	cb.row = on_row;
	cb.event = on_event;
	cb.arg = &one;
	cb.attrs = one.attrs;
	t = sl_term_new(&cb);
	sl_term_feed(t, data, size);
	sl_term_finish(t);
	d0 = sl_term_dropped(t);
	check_units(&one, d0, data, size);
	sl_term_free(t);

	cb.arg = &split;
	t = sl_term_new(&cb);
	/* Something else first, then a reset: it must leave nothing. */
	sl_term_feed(t, "x\033[?1049hy\r\nz\033]0;t", 15);
	sl_term_reset(t);
	split.units = split.alt = 0;
	sl_buf_reset(&split.log);
	d0 = sl_term_dropped(t);
	for (off = 0; off < size; off += n) {
		/* Short inputs byte by byte, longer ones in random pieces. */
		n = size <= 8192 ? 1 : next(&seed) % 8 == 0 ?
		    next(&seed) % 4096 : next(&seed) % 17;
		n = SL_MIN(n, size - off);
		sl_term_feed(t, data + off, n);
	}
	sl_term_finish(t);
	d1 = sl_term_dropped(t) - d0;
	check_units(&split, d1, data, size);
	sl_term_free(t);

	if (one.log.len != split.log.len || (one.log.len > 0 &&
	    memcmp(one.log.buf, split.log.buf, one.log.len) != 0)) {
		size_t i = 0;

		while (i < one.log.len && i < split.log.len &&
		    one.log.buf[i] == split.log.buf[i])
			i++;
		fz_fail("split feeds render differently from byte %zu:\n"
		    "one:   %.200s\nsplit: %.200s", i,
		    one.log.len ? one.log.buf + (i > 40 ? i - 40 : 0) : "",
		    split.log.len ? split.log.buf + (i > 40 ? i - 40 : 0) : "");
	}
	sl_buf_free(&one.log);
	sl_buf_free(&split.log);
	return 0;
}
