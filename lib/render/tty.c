/*
 * tty.c: one session's terminal stream.  Bytes go through the renderer;
 * each final row goes through prompt recognition and out as a line
 * record, numbered per session.  Renderer events become notes
 * (full-screen, long-line, bad-escape) or session facts (host).
 *
 * Accounting: every input line fed ends on some row.  A row handed out
 * as a line writes one unit and merges the rest; lines on rows never
 * handed out (erased, trailing blank) are merged; lines drawn in the
 * alternate screen are skipped and counted in the full-screen note.
 *
 * What a command row was is sometimes known only rows later: "> ^C"
 * cancels the rows of the command it continues, and bash redraws a line
 * after Ctrl-L or a Tab listing.  So from a command row on, line records
 * are held back (copied, at most HOLD_MAX of them) until the command is
 * settled: the next command row, Enter seen (bash turns bracketed paste
 * off), or output after a finished command where no such signal exists;
 * busybox, which draws a line again without a sign, and bash without
 * paste after a line that ended on the completion bell, only by the next
 * prompt.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "base/json_esc.h"

#define HOLD_MAX	64	/* line records held back at most */
#define NO_PROMPT_ROWS	20	/* lines without a command that need a note */
#define HOLD_KEEP	4096	/* bytes of held rows a parked tty keeps */
#define CARRY_ROWS	16	/* rows a streamed session holds between */
#define CARRY_BYTES	4096	/* ...its events, and their bytes, at most */
/* Bytes of the renderers' budget (SL_TERM_BUDGET cells of 8 bytes). */
#define BUDGET_BYTES	(SL_TERM_BUDGET * 8)

#define NO_COPY	((size_t)-1)	/* a held string or array that is NULL */

/*
 * Streamed elements remembered, a power of two: more than the renderer's
 * window (SL_TERM_ROWS), so a row is final before its element is reused.
 */
#define ELEMS	(4 * SL_TERM_ROWS)

/*
 * One streamed element (a sessionData line).  The renderer numbers rows
 * by element, so that a row's flags can carry what stream.c saw in the
 * element's bytes; the reader's own line number is kept here.
 */
struct elem {
	long long id;
	long long line;		/* the reader's, from sl_tty_set_line() */
	unsigned ev;		/* SL_ROW_STREAM_* */
	int blank_end;		/* its last byte so far is a blank */
	int padded;		/* it starts with a line ksh93 drew again */
};

/*
 * A line record held back.  What it points to is copied into the tty's
 * hold_mem, by offset (the arena moves as it grows): one buffer reused
 * for every row instead of five allocations each.  r's pointers are
 * valid only after held_point().  Only the line fields of r are kept
 * (LINE_FIELDS bytes, as on_row fills them): thousands of sessions may
 * hold rows at once, and the session fields are most of a record.
 */
struct held {
	size_t text, src, time, expanded, spans;
	int checked;		/* session and src valid UTF-8 (emit) */
	struct sl_record r;	/* last: stored up to LINE_FIELDS only */
};

#define LINE_FIELDS	offsetof(struct sl_record, f)
/* Bytes of one held record in tty->hd.held, aligned for the next. */
#define HELD_SIZE	((offsetof(struct held, r) + LINE_FIELDS + \
	_Alignof(struct held) - 1) & ~(_Alignof(struct held) - 1))

/* What a command row held waits for: */
#define WAIT_BELL	1	/* it ended on the bell: the next prompt */
#define WAIT_TITLE	2	/* a title that may name it (awaits_title) */

/* The line records held back, and what settles them. */
struct holding {
	unsigned char *held;	/* of HELD_SIZE each, grown on demand:
				   most files hold few */
	size_t nheld, held_cap;
	struct sl_buf hold_mem;	/* what the held records point to */
	int expect_expansion;	/* the last row held used history expansion */
	int held_waits;		/* WAIT_*: what the command held waits for */
	int carried;		/* the rows came from an earlier event */
};

/* What belongs to one session when several take turns on a tty. */
struct sl_tty_part {
	char *sid;
	int sid_ok;		/* sid is NULL or valid UTF-8 (set_sid) */
	long long n;
	struct sl_prompt *prompt;
	char *host;
	struct holding *carried;	/* rows held across its events
					   (none: nheld 0), or NULL:
					   carries(), put_aside() */
	struct titles *titles;	/* streams: made at the first title */
};

/* What a streamed session's titles told. */
struct titles {
	struct sl_buf last;	/* the last title set */
	int name_commands;	/* a title named a command (named_command) */
	size_t cut_seq;		/* its last event ended inside a title
				   that took these bytes (0: not), */
	struct sl_buf cut;	/* ...this text of it kept */
};

/*
 * A streamed session's title that named a command (named_command), in
 * the element that set it, until the row of that element is emitted.
 * Longer commands are not compared: they stay as the row shows them.
 */
#define NAMED_MAX	8
#define NAMED_LEN	256

struct named {
	long long elem;
	size_t len;
	char cmd[NAMED_LEN];
};

struct sl_tty {
	struct sl_reader *rd;
	enum sl_tty_kind kind;
	struct sl_term *term;
	struct sl_tty_part own;
	struct sl_tty_part *cur;	/* &own, or a part in use */
	char sep;			/* src is "name<sep>line" */
	char *fixed_src;
	int fixed_src_ok;	/* fixed_src is NULL or valid UTF-8 */
	char *time;
	sl_tty_filter_fn filter;
	void *filter_arg;
	int status;
	long long alt_line;	/* input line where full screen began */
	char *alt_cmd;		/* the command that started it */
	long long dropped;	/* sl_term_dropped() already counted */
	struct sl_buf src;
	const char *src_name;		/* the name src's prefix was made of */
	char src_sep;			/* ...and its separator */
	size_t src_prefix;		/* bytes of "name<sep>" in src */
	int src_ok;			/* ...which are valid UTF-8 */
	long long src_line;		/* the number after it... */
	int src_line_set;		/* ...if src has one yet */
	struct holding hd;	/* the part in use's */
	long long first_line;	/* input line of the session's first row */
	struct elem *elems;	/* streams only: ring of ELEMS */
	long long elem_id;	/* the element being fed */
	long long line;		/* the reader's line for it */
	struct named *named;	/* NAMED_MAX, oldest first; made when a
				   title first names a command */
	size_t nnamed;
};

static struct held *
held_at(const struct sl_tty *tty, size_t i)
{
	return (struct held *)(void *)(tty->hd.held + i * HELD_SIZE);
}

/* The id checked once here, so that line records skip the check
 * (sl_emit_checked). */
static void
set_sid(struct sl_tty_part *part, const char *sid)
{
	part->sid = sid != NULL ? sl_xstrdup(sid) : NULL;
	part->sid_ok = sl_utf8_str_valid(sid);
}

/* checked: r's session and src are known to be valid UTF-8. */
static int
emit(struct sl_tty *tty, struct sl_record *r, int checked)
{
	int rc;

	if (tty->status == SL_STOP)
		return SL_STOP;
	rc = checked ? sl_emit_checked(tty->rd, r) : sl_emit(tty->rd, r);
	if (rc == SL_STOP)
		tty->status = SL_STOP;
	return tty->status;
}

/* src_at() when the name is the one src was made of. */
static const char *
src_line_at(struct sl_tty *tty, long long line)
{
	char *last = tty->src.buf + tty->src.len - 1;

	/* Rows mostly come one input line after another: the next number
	 * is the last one's digits counted up in place, mostly just the
	 * last digit (a line >= 0: its last byte is a digit). */
	if (tty->src_line_set && line - 1 == tty->src_line &&
	    tty->src_line >= 0 && *last != '9') {
		++*last;
		tty->src_line = line;
		return tty->src.buf;
	}
	if (!tty->src_line_set || (line != tty->src_line &&
	    (line - 1 != tty->src_line ||
	    !sl_decimal_count_up(tty->src.buf,
	    tty->src_prefix, tty->src.len)))) {
		tty->src.len = tty->src_prefix;
		sl_buf_add_int(&tty->src, line);
	}
	tty->src_line = line;
	tty->src_line_set = 1;
	return tty->src.buf;
}

static const char *
src_at(struct sl_tty *tty, long long line)
{
	if (tty->fixed_src != NULL)
		return tty->fixed_src;
	/* "name<sep>" is made once; each row only appends its number. */
	if (tty->src_name != tty->rd->name || tty->src_sep != tty->sep) {
		sl_buf_reset(&tty->src);
		sl_buf_adds(&tty->src, tty->rd->name);
		sl_buf_addc(&tty->src, tty->sep);
		tty->src_prefix = tty->src.len;
		/* The digits added to it are ASCII. */
		tty->src_ok = sl_utf8_str_valid(tty->src.buf);
		tty->src_name = tty->rd->name;
		tty->src_sep = tty->sep;
		tty->src_line_set = 0;
	}
	return src_line_at(tty, line);
}

/* Was the src src_at() last returned found valid UTF-8? */
static int
src_ok(const struct sl_tty *tty)
{
	return tty->fixed_src != NULL ? tty->fixed_src_ok : tty->src_ok;
}

/* Copy n bytes to hold_mem at a multiple of align (a power of two), a
 * NUL after them; their offset. */
static size_t
hold_copy(struct sl_tty *tty, const void *p, size_t n, size_t align)
{
	struct sl_buf *m = &tty->hd.hold_mem;
	size_t at = (m->len + align - 1) & ~(align - 1);

	/* Tests inlined (every held row copies two or three strings):
	 * bytes up to the NUL after the new length, padding mostly none. */
	if (at + n + 2 > m->cap)
		sl_buf_reserve(m, at - m->len + n + 1);
	if (at > m->len)
		memset(m->buf + m->len, 0, at - m->len);
	if (n > 0)
		memcpy(m->buf + at, p, n);
	m->len = at + n + 1;
	m->buf[at + n] = '\0';
	m->buf[m->len] = '\0';
	return at;
}

/* Point h's record at its copies, where hold_mem is now. */
static void
held_point(struct sl_tty *tty, struct held *h)
{
	char *m = tty->hd.hold_mem.buf;

	h->r.text = m + h->text;
	h->r.src = m + h->src;
	h->r.time = h->time != NO_COPY ? m + h->time : NULL;
	h->r.spans = h->spans != NO_COPY ? (struct sl_span *)(void *)
	    (m + h->spans) : NULL;
	if (h->expanded != NO_COPY)
		h->r.expanded = m + h->expanded;
}

static void
hold(struct sl_tty *tty, const struct sl_record *r, int checked)
{
	struct held *h;

	if (tty->hd.nheld == tty->hd.held_cap) {
		/* settled() releases before HOLD_MAX, so this stays bounded;
		 * one to start with: most sessions hold one row at a time. */
		tty->hd.held_cap = tty->hd.held_cap == 0 ? 1 :
		    tty->hd.held_cap * 2;
		if (tty->hd.held_cap > HOLD_MAX)
			tty->hd.held_cap = HOLD_MAX;
		tty->hd.held = sl_xrealloc(tty->hd.held,
		    tty->hd.held_cap * HELD_SIZE);
	}
	h = held_at(tty, tty->hd.nheld++);
	memcpy(&h->r, r, LINE_FIELDS);
	h->checked = checked;
	h->text = hold_copy(tty, r->text, r->len, 1);
	h->src = hold_copy(tty, r->src, strlen(r->src), 1);
	h->time = r->time != NULL ?
	    hold_copy(tty, r->time, strlen(r->time), 1) : NO_COPY;
	h->expanded = NO_COPY;
	h->spans = r->nspans > 0 ? hold_copy(tty, r->spans,
	    r->nspans * sizeof(*r->spans), _Alignof(struct sl_span)) : NO_COPY;
}

/* Emit the records held back, in order. */
static void
release(struct sl_tty *tty)
{
	struct sl_record r;
	size_t i;

	for (i = 0; i < tty->hd.nheld; i++) {
		held_point(tty, held_at(tty, i));
		/* A whole record for the sink: only the line fields are
		 * read, as from on_row's. */
		memcpy(&r, &held_at(tty, i)->r, LINE_FIELDS);
		emit(tty, &r, held_at(tty, i)->checked);
	}
	tty->hd.nheld = 0;
	tty->hd.carried = 0;
	sl_buf_reset(&tty->hd.hold_mem);
}

/*
 * bash and zsh echo a command that used history expansion, expanded, on
 * the row after it: what ran.  The row is output; the command row held
 * back gets it as "expanded" when it keeps the command's text up to the
 * first "!" (or is a ^old^new substitution).
 */
static void
take_expansion(struct sl_tty *tty, const struct sl_record *r)
{
	struct held *h = held_at(tty, tty->hd.nheld - 1);
	const char *cmd, *bang;
	size_t clen = h->r.len - h->r.prompt_len, pre;

	held_point(tty, h);
	cmd = h->r.text + h->r.prompt_len;

	bang = memchr(cmd, '!', clen);
	pre = bang != NULL && cmd[0] != '^' ? (size_t)(bang - cmd) : 0;
	if (r->len == 0 || r->len < pre || memcmp(r->text, cmd, pre) != 0 ||
	    (r->len == clen && memcmp(r->text, cmd, clen) == 0))
		return;
	h->expanded = hold_copy(tty, r->text, r->len, 1);
	/* A stream cuts bytes 0x80-0x9f out of UTF-8 (U+FFFD): what the
	 * shell echoed is not all there. */
	if (tty->elems != NULL && memmem(r->text, r->len, "\xef\xbf\xbd", 3))
		h->r.uncertain = 1;
}

/* Apply what this row (NULL: the end of a feed) says about the rows held
 * back. */
static void
settle(struct sl_tty *tty, struct sl_record *r, unsigned marks)
{
	size_t i;

	if (r != NULL && (marks & SL_MARK_CANCELLED))
		r->cancelled = 1;
	if (r != NULL && (marks & (SL_MARK_UNCERTAIN | SL_MARK_CLEARED))) {
		r->uncertain |= (marks & SL_MARK_UNCERTAIN) != 0;
		r->redrawn |= (marks & SL_MARK_CLEARED) != 0;
	}
	if (marks & SL_MARK_GROUP)
		for (i = 0; i < tty->hd.nheld; i++)
			if (held_at(tty, i)->r.has_prompt)
				held_at(tty, i)->r.cancelled = 1;
	for (i = tty->hd.nheld; i-- > 0 &&
	    (marks & (SL_MARK_REDRAW | SL_MARK_PREV_UNCERTAIN));) {
		struct held *h = held_at(tty, i);

		if (h->r.has_prompt && !h->r.cont) {
			h->r.redrawn |= (marks & SL_MARK_REDRAW) != 0;
			h->r.uncertain |= (marks & SL_MARK_PREV_UNCERTAIN) != 0;
			break;
		}
	}
}

/* Where the command row held last (not a continuation) is, or nheld. */
static size_t
held_command_at(const struct sl_tty *tty)
{
	size_t i;

	for (i = tty->hd.nheld; i-- > 0;)
		if (held_at(tty, i)->r.has_prompt && !held_at(tty, i)->r.cont)
			return i;
	return tty->hd.nheld;
}

static struct held *
held_command(const struct sl_tty *tty)
{
	size_t i = held_command_at(tty);

	return i < tty->hd.nheld ? held_at(tty, i) : NULL;
}

/* Flagged for what its bytes left in doubt, and not known to be gone. */
static int
doubted(const struct held *h)
{
	return h != NULL && h->r.uncertain && !h->r.cancelled &&
	    !h->r.redrawn;
}

/*
 * May a title still name the command held?  In a stream whose titles
 * name the commands that ran (named_command), a title after the
 * command's output, before the next prompt, may: a flagged command row
 * waits for that prompt (HOLD_MAX and CARRY_ROWS bound the wait).
 */
static int
awaits_title(const struct sl_tty *tty)
{
	return tty->elems != NULL && tty->cur->titles != NULL &&
	    tty->cur->titles->name_commands &&
	    doubted(held_command(tty));
}

static void
trim_blanks(const char **s, size_t *n)
{
	while (*n > 0 && **s == ' ') {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (*s)[*n - 1] == ' ')
		(*n)--;
}

/* What the row held says was typed: the command (as expanded, when
 * history expansion echoed it), or a continuation's line. */
static void
held_line(struct sl_tty *tty, struct held *h, const char **s, size_t *n)
{
	held_point(tty, h);
	if (h->expanded != NO_COPY) {
		*s = h->r.expanded;
		*n = strlen(*s);
	} else {
		*s = h->r.text + h->r.prompt_len;
		*n = h->r.len - h->r.prompt_len;
	}
	trim_blanks(s, n);
}

/* The next line of the named command, from *at (moved past it): equal
 * to s[0, n)? */
static int
next_line_is(const struct named *nm, size_t *at, const char *s, size_t n)
{
	const char *w = nm->cmd + *at, *nl;
	size_t wn = nm->len - *at;

	if ((nl = memchr(w, '\n', wn)) != NULL)
		wn = (size_t)(nl - w);
	*at += wn + (nl != NULL);
	trim_blanks(&w, &wn);
	return wn == n && memcmp(w, s, n) == 0;
}

/*
 * A title named the command that ran, as its history holds it: the
 * command row held, flagged for what the stream may have lost (a wrap
 * mark, a move stripped), with its continuation lines held after it,
 * reads line for line so: it ran as shown.  A title never makes a row a
 * command nor changes its text: only the flags of rows that already
 * read so go.
 */
static void
confirm_named(struct sl_tty *tty, const struct named *nm)
{
	size_t first = held_command_at(tty), i, at = 0, n;
	const char *s;

	if (first == tty->hd.nheld || !doubted(held_at(tty, first)))
		return;
	for (i = first; i < tty->hd.nheld && (i == first ||
	    held_at(tty, i)->r.cont); i++) {
		held_line(tty, held_at(tty, i), &s, &n);
		if (at > nm->len || !next_line_is(nm, &at, s, n))
			return;
	}
	if (at < nm->len)
		return;		/* lines named that the rows lack */
	while (i-- > first)
		held_at(tty, i)->r.uncertain = 0;
}

/* The titles set up to the row's element came after the rows held. */
static void
take_named(struct sl_tty *tty, long long elem)
{
	size_t i = 0;

	while (i < tty->nnamed && tty->named[i].elem <= elem)
		confirm_named(tty, &tty->named[i++]);
	tty->nnamed -= i;
	memmove(tty->named, tty->named + i, tty->nnamed * sizeof(*tty->named));
}

/*
 * Is the command held back settled by this row (which is not a command
 * row)?  Not while it is unfinished; then by Enter (bracketed paste off)
 * where bash signals it, or by the first output row where nothing does.
 * Without paste, a line that ended on the bell may be readline's Tab
 * listing: only the next prompt (the line drawn again, or a new one)
 * settles it.
 */
static int
settled(struct sl_tty *tty, const struct sl_row *row, int is_prompt)
{
	struct sl_prompt *ps = tty->cur->prompt;

	if (tty->hd.nheld >= HOLD_MAX - 1)
		return 1;
	if (is_prompt || sl_prompt_open(ps) || sl_prompt_quiet_redraws(ps))
		return 0;
	if (sl_prompt_pastes(ps))
		return (row->flags & SL_ROW_PASTE_OFF) != 0;
	/* The listing is written with the line, the line drawn again
	 * comes with its Enter: output in a later event is the command's.
	 * A listing longer than a carry would not wait for its redraw
	 * anyway: the rest of a command's output is not copied. */
	if (sl_prompt_unseen_listing(ps) && !tty->hd.held_waits)
		return tty->hd.carried || tty->hd.nheld > CARRY_ROWS ||
		    tty->hd.hold_mem.len > CARRY_BYTES;
	return !tty->hd.held_waits;
}

/* Would a row of output leave the command held back unsettled?  (Paste
 * is never seen in a stream, where this is asked.) */
static int
unsettled(const struct sl_tty *tty)
{
	const struct sl_prompt *ps = tty->cur->prompt;

	return sl_prompt_open(ps) || sl_prompt_quiet_redraws(ps) ||
	    sl_prompt_unseen_listing(ps) || sl_prompt_unread_below(ps) ||
	    sl_prompt_mksh_row_open(ps) || tty->hd.held_waits ||
	    awaits_title(tty);	/* the event may end on the command row */
}

/* The reader's line of the renderer's line (an element, in a stream). */
static long long
line_of(const struct sl_tty *tty, long long line)
{
	const struct elem *e;

	if (tty->elems == NULL)
		return line;
	e = &tty->elems[line & (ELEMS - 1)];
	return e->id == line ? e->line : tty->line;
}

/* A streamed row: the reader's line, and what stream.c saw in the row's
 * element added to its flags (and told the prompt: its trimmed blank). */
static void
stream_row(const struct sl_tty *tty, const struct sl_row *row,
    long long *line, unsigned *flags)
{
	const struct elem *e = &tty->elems[row->src_line & (ELEMS - 1)];
	int own = e->id == row->src_line;

	*line = line_of(tty, row->src_line);
	if (own)
		*flags |= e->ev;
	sl_prompt_stream_row(tty->cur->prompt, own && e->blank_end,
	    row->len == 0, own && e->padded);
}

/* All zero: what on_row() starts each line record from. */
static const struct sl_record no_fields;

static void
on_row(void *arg, const struct sl_row *row)
{
	struct sl_tty *tty = arg;
	struct sl_record r;
	enum sl_prompt_class cls;
	size_t plen = 0;
	long long line = row->src_line;
	unsigned flags = row->flags;
	int checked;

	if (tty->filter != NULL && !tty->filter(tty->filter_arg, row)) {
		sl_count_skipped(tty->rd, row->units);
		return;
	}
	if (tty->elems != NULL) {
		stream_row(tty, row, &line, &flags);
		if (tty->nnamed > 0)
			take_named(tty, row->src_line);
		tty->hd.held_waits = (tty->hd.held_waits & WAIT_BELL) |
		    (awaits_title(tty) ? WAIT_TITLE : 0);
	}
	if (row->units > 0) {
		sl_count_written(tty->rd, 1);
		sl_count_merged(tty->rd, row->units - 1);
	}
	/* Only the line fields: this runs once per line.  Copied from a
	 * zero record: a copy of constant size is a few vector moves, where
	 * a memset of this size becomes a slow-starting rep stos. */
	memcpy(&r, &no_fields, LINE_FIELDS);
	r.type = SL_LINE;
	r.session = tty->cur->sid;
	r.src = src_at(tty, line);
	checked = tty->cur->sid_ok && src_ok(tty);
	r.count = -1;
	r.src_line = tty->fixed_src != NULL || tty->sep != ':' ? 0 : line;
	r.n = ++tty->cur->n;
	if (r.n == 1)
		tty->first_line = line;
	r.text = row->text;
	r.len = row->len;
	r.time = tty->time;
	r.spans = row->spans;
	r.nspans = row->nspans;
	/* A piece of a cut row is never a prompt: it continues a line. */
	cls = row->piece > 1 ? SL_PROMPT_NONE :
	    sl_prompt_classify_at(tty->cur->prompt, row->text, row->len,
	    flags, row->edit_at, &plen);
	if (cls != SL_PROMPT_NONE) {
		r.has_prompt = 1;
		r.prompt_len = plen;
		r.cont = cls == SL_PROMPT_CONT;
		settle(tty, &r, sl_prompt_marks(tty->cur->prompt));
	} else if (tty->hd.expect_expansion && tty->hd.nheld > 0)
		take_expansion(tty, &r);
	/* An output row may still say the held command never ran (a
	 * stream's zsh prompt left empty after a silent Ctrl-C). */
	if (cls == SL_PROMPT_NONE && tty->hd.nheld > 0)
		settle(tty, NULL, sl_prompt_marks(tty->cur->prompt) &
		    SL_MARK_PREV_UNCERTAIN);
	tty->hd.expect_expansion = cls == SL_PROMPT_CMD &&
	    (sl_prompt_marks(tty->cur->prompt) & SL_MARK_HISTORY);
	if (cls == SL_PROMPT_CMD) {
		if (row->line_end != 0)
			sl_prompt_note_line_end(tty->cur->prompt, row->line_end);
		release(tty);
		tty->hd.held_waits = (flags & SL_ROW_BELL) != 0 ? WAIT_BELL : 0;
	}
	if (cls == SL_PROMPT_CMD || tty->hd.nheld > 0) {
		hold(tty, &r, checked);
		if (cls != SL_PROMPT_CMD && settled(tty, row, cls != SL_PROMPT_NONE))
			release(tty);
	} else
		emit(tty, &r, checked);
}

/* "user@host:~" or "user@host ~" -> "host". */
static char *
title_host(const char *title)
{
	const char *at = strchr(title, '@'), *e;

	if (at == NULL || at == title)
		return NULL;
	at++;
	for (e = at; *e != '\0' && *e != ':' && *e != ' ' && *e != '/' &&
	    *e != '\n'; e++)
		;
	return e > at ? sl_xstrndup(at, (size_t)(e - at)) : NULL;
}

static void
note(struct sl_tty *tty, long long line, const char *code, long long count,
    const char *text, const struct sl_kv *extra, size_t nextra)
{
	struct sl_record r;

	release(tty);
	sl_record_init(&r, SL_NOTE, tty->cur->sid, src_at(tty, line));
	r.src_line = tty->fixed_src != NULL || tty->sep != ':' ? 0 : line;
	r.code = code;
	r.text = text;
	r.len = strlen(text);
	r.count = count;
	r.extra = extra;
	r.nextra = nextra;
	r.time = tty->time;
	emit(tty, &r, 0);
}

/* The program a command runs: first word, without path or sudo. */
static char *
program_of(const char *cmd)
{
	const char *p = cmd, *e;

	for (;;) {
		while (*p == ' ')
			p++;
		e = p;
		while (*e != '\0' && *e != ' ')
			e++;
		if ((e - p == 4 && memcmp(p, "sudo", 4) == 0) ||
		    (e - p == 4 && memcmp(p, "exec", 4) == 0)) {
			p = e;
			continue;
		}
		break;
	}
	if (e == p)
		return NULL;
	{
		const char *slash = memrchr(p, '/', (size_t)(e - p));

		if (slash != NULL)
			p = slash + 1;
	}
	return e > p ? sl_xstrndup(p, (size_t)(e - p)) : NULL;
}

/*
 * Does the title name a command?  Liquid Prompt (and hooks like it) sets
 * its prompt's title, then that title with the command after it, as
 * the command starts (its DEBUG trap; with a hook after its prompt's, at
 * the next prompt): "user@host:~/work ± ", "user@host:~/work ± echo
 * one".  The title before, ended by a blank, starts the new one: the
 * rest is the command.  A title that only changed does not go on from
 * a blank (Debian's "user@host: ~/work", then "user@host: ~/work/x"
 * after cd), nor one the renderer kept only the start of.  Returns
 * where the command starts, or 0.
 */
static size_t
named_command(const struct sl_buf *prev, const char *title, size_t n)
{
	if (prev->len == 0 || n <= prev->len || n + 2 >= SL_TITLE_MAX ||
	    prev->buf[prev->len - 1] != ' ' ||
	    memcmp(title, prev->buf, prev->len) != 0)
		return 0;
	return prev->len;
}

static void
queue_named(struct sl_tty *tty, const char *cmd, size_t n, long long elem)
{
	struct named *nm;

	trim_blanks(&cmd, &n);
	if (n == 0 || n > NAMED_LEN)
		return;
	if (tty->named == NULL)
		tty->named = sl_xcalloc(NAMED_MAX, sizeof(*tty->named));
	if (tty->nnamed == NAMED_MAX) {	/* the oldest goes unconfirmed */
		tty->nnamed--;
		memmove(tty->named, tty->named + 1,
		    tty->nnamed * sizeof(*tty->named));
	}
	nm = &tty->named[tty->nnamed++];
	nm->elem = elem;
	nm->len = n;
	memcpy(nm->cmd, cmd, n);
}

static struct titles *
part_titles(struct sl_tty_part *part)
{
	if (part->titles == NULL)
		part->titles = sl_xcalloc(1, sizeof(*part->titles));
	return part->titles;
}

static void
titles_free(struct titles *ts)
{
	if (ts == NULL)
		return;
	sl_buf_free(&ts->last);
	sl_buf_free(&ts->cut);
	free(ts);
}

/* A streamed session's title, set in element elem. */
static void
note_title(struct sl_tty *tty, const char *title, long long elem)
{
	struct titles *ts = part_titles(tty->cur);
	size_t n = strlen(title), at = named_command(&ts->last, title, n);

	if (at > 0) {
		queue_named(tty, title + at, n - at, elem);
		ts->name_commands = 1;
	}
	sl_buf_reset(&ts->last);
	sl_buf_add(&ts->last, title, n);
}

static void
on_event(void *arg, enum sl_term_event ev, const char *text, long long num,
    long long line)
{
	struct sl_tty *tty = arg;
	struct sl_buf b;
	struct sl_kv kv[1];

	if (ev == SL_TEV_TITLE) {
		/* No line: titles come at every prompt. */
		if (tty->cur->host == NULL)
			tty->cur->host = title_host(text);
		if (tty->elems != NULL)
			note_title(tty, text, line);
		return;
	}
	line = line_of(tty, line);
	switch (ev) {
	case SL_TEV_TITLE:	/* above */
		break;
	case SL_TEV_ALT_ON:
		tty->alt_line = line;
		free(tty->alt_cmd);
		tty->alt_cmd = NULL;
		if (sl_prompt_last_cmd(tty->cur->prompt) != NULL)
			tty->alt_cmd = program_of(sl_prompt_last_cmd(
			    tty->cur->prompt));
		break;
	case SL_TEV_ALT_OFF:
		sl_count_skipped(tty->rd, num);
		sl_buf_init(&b);
		if (tty->alt_cmd != NULL)
			sl_buf_printf(&b, "full-screen program (%s): "
			    "%lld input lines not shown", tty->alt_cmd, num);
		else
			sl_buf_printf(&b, "full-screen output: %lld input "
			    "lines not shown", num);
		kv[0].key = "program";
		kv[0].val = tty->alt_cmd;
		note(tty, tty->alt_line, SL_NOTE_FULL_SCREEN, num, b.buf, kv,
		    tty->alt_cmd != NULL ? 1 : 0);
		sl_buf_free(&b);
		break;
	case SL_TEV_LONG_LINE:
		sl_buf_init(&b);
		sl_buf_printf(&b, "row longer than %lld columns, "
		    "emitted in pieces", num);
		note(tty, line, SL_NOTE_LONG_LINE, -1, b.buf, NULL, 0);
		sl_buf_free(&b);
		break;
	case SL_TEV_SPILLED:
		/* term.c's budget across sessions: one open session of many */
		note(tty, line, SL_NOTE_MEMORY, -1, "too many sessions open "
		    "at once for the memory budget: screen rows were made "
		    "final early, so a later cursor move into them is not "
		    "shown", NULL, 0);
		break;
	case SL_TEV_REDRAWN_LINE:
		/* ksh93 shows itself in raw logs: it cancels silently. */
		sl_prompt_note_silent_cancels(tty->cur->prompt);
		break;
	case SL_TEV_BAD_SEQ:
		sl_buf_init(&b);
		sl_buf_printf(&b, "unterminated escape sequence of %lld bytes "
		    "abandoned; what follows is shown as text", num);
		note(tty, line, "bad-escape", -1, b.buf, NULL, 0);
		sl_buf_free(&b);
		break;
	}
}

static void
spare_free(void *tty)
{
	sl_tty_free(tty);
}

/*
 * A parked tty with every field as calloc leaves it (so that a field
 * added to struct sl_tty starts the same either way) but the storage
 * sl_tty_new would make again: renderer, prompt state, element ring,
 * held-row buffers.
 */
static void
unpark(struct sl_tty *tty, enum sl_tty_kind kind)
{
	struct sl_tty kept = *tty;

	memset(tty, 0, sizeof(*tty));
	tty->term = kept.term;
	tty->own.prompt = kept.own.prompt;
	tty->hd.held = kept.hd.held;
	tty->hd.held_cap = kept.hd.held_cap;
	tty->hd.hold_mem = kept.hd.hold_mem;
	tty->src = kept.src;
	sl_buf_reset(&tty->src);
	if (kind == SL_TTY_STREAM && kept.elems != NULL) {
		tty->elems = kept.elems;
		memset(tty->elems, 0, ELEMS * sizeof(*tty->elems));
	} else
		free(kept.elems);
}

struct sl_tty *
sl_tty_new(struct sl_reader *rd, const char *sid, enum sl_tty_kind kind)
{
	struct sl_tty *tty = sl_run_spare_take(rd->run, spare_free);
	struct sl_term_cb cb;

	if (tty != NULL)
		unpark(tty, kind);
	else
		tty = sl_xcalloc(1, sizeof(*tty));
	tty->rd = rd;
	set_sid(&tty->own, sid);
	tty->cur = &tty->own;
	tty->sep = ':';
	tty->kind = kind;
	tty->status = SL_OK;
	cb.row = on_row;
	cb.event = on_event;
	cb.arg = tty;
	cb.attrs = sl_reader_wants(rd, SL_WANT_ATTRS);
	if (tty->term != NULL)
		sl_term_recycle(tty->term, &cb);
	else
		tty->term = sl_term_new(&cb);
	sl_term_set_crless(tty->term, kind == SL_TTY_STREAM);
	if (kind == SL_TTY_STREAM && tty->elems == NULL)
		tty->elems = sl_xcalloc(ELEMS, sizeof(*tty->elems));
	if (tty->own.prompt != NULL)
		sl_prompt_reset(tty->own.prompt, rd->opts->prompts,
		    kind == SL_TTY_LINUX, kind == SL_TTY_PWSH);
	else
		tty->own.prompt = sl_prompt_new(rd->opts->prompts,
		    kind == SL_TTY_LINUX, kind == SL_TTY_PWSH);
	return tty;
}

/* Does the element end on a blank?  The reader ends it with a line end,
 * fed on its own. */
static void
note_blank_end(struct elem *e, const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	if (n > 0)
		e->blank_end = p[n - 1] == ' ';
}

/* A streamed element: what stream.c sees in it, then the renderer.  Kept
 * out of line so that raw bytes go straight to the renderer. */
static void	feed_element(struct sl_tty *, const void *, size_t)
		    __attribute__((noinline));

/*
 * The session's last event ended inside a title (Liquid Prompt's names a
 * multi-line command, and the agent split it at its LFs): in the
 * terminal the title goes on over the lines between up to its BEL, and
 * the prompt drawn after it lost its escapes to the stripper.  Taken up
 * again by an element that ends it (a BEL before any escape: the bytes
 * up to the BEL are the title's, and the element begins by setting it,
 * as the prompt's elements do) or holds neither (a line between, all
 * the title's: *ends 0).  An escape first ends the string, as in the
 * terminal: not taken up.  Returns the title's bytes of p[0, n).
 */
static size_t
title_rest(const void *p, size_t n, int *ends)
{
	const char *bel = memchr(p, 0x07, n);
	size_t upto = bel != NULL ? (size_t)(bel - (const char *)p) : n;

	*ends = bel != NULL;
	if (memchr(p, 0x1b, upto) != NULL)
		return 0;
	return bel != NULL ? upto + 1 : n;
}

static void
take_up_title(struct sl_tty *tty, struct elem *e, const void *p,
    size_t n, size_t *title)
{
	struct titles *ts = tty->cur->titles;
	size_t seq = ts->cut_seq;
	int ends;

	ts->cut_seq = 0;
	if (n == 0 || (*title = title_rest(p, n, &ends)) == 0)
		return;
	sl_term_resume_osc(tty->term, ts->cut.buf, ts->cut.len, seq);
	if (ends)
		e->ev |= SL_ROW_STREAM_TITLED;
}

static void
feed_element(struct sl_tty *tty, const void *p, size_t n)
{
	struct elem *e = &tty->elems[tty->elem_id & (ELEMS - 1)];
	size_t title = 0;

	if (tty->cur->titles != NULL && tty->cur->titles->cut_seq > 0)
		take_up_title(tty, e, p, n, &title);
	e->ev |= sl_stream_scan((const char *)p + title, n - title);
	note_blank_end(e, p, n);
	/* ksh93's first line drawn again shows it: it cancels silently;
	 * and in its sessions a line drawn again never ran (Ctrl-L). */
	if (sl_prompt_commands(tty->cur->prompt) == 0 &&
	    sl_stream_ksh_redraw(p, n))
		sl_prompt_note_silent_cancels(tty->cur->prompt);
	else if (sl_prompt_cancels_silently(tty->cur->prompt))
		e->padded |= sl_stream_ksh_pad(p, n) > 0;
	sl_term_feed(tty->term, p, sl_stream_drawn(p, n));
}

void
sl_tty_feed(struct sl_tty *tty, const void *p, size_t n)
{
	if (tty->status == SL_STOP)
		return;
	if (tty->elems != NULL)
		feed_element(tty, p, n);
	else
		sl_term_feed(tty->term, p, n);
}

/* In a stream each line set starts an element: the renderer counts
 * elements, and line_of() gives the reader's line back. */
void
sl_tty_set_line(struct sl_tty *tty, long long line)
{
	struct elem *e;

	if (tty->elems == NULL) {
		sl_term_set_line(tty->term, line);
		return;
	}
	e = &tty->elems[++tty->elem_id & (ELEMS - 1)];
	e->id = tty->elem_id;
	e->line = tty->line = line;
	e->ev = 0;
	e->blank_end = 0;
	e->padded = 0;
	sl_term_set_line(tty->term, tty->elem_id);
}

void
sl_tty_set_src(struct sl_tty *tty, const char *src, const char *time)
{
	free(tty->fixed_src);
	free(tty->time);
	tty->fixed_src = src != NULL ? sl_xstrdup(src) : NULL;
	tty->fixed_src_ok = sl_utf8_str_valid(src);
	tty->time = time != NULL ? sl_xstrdup(time) : NULL;
}

static void
count_dropped(struct sl_tty *tty)
{
	long long d = sl_term_dropped(tty->term);

	sl_count_merged(tty->rd, d - tty->dropped);
	tty->dropped = d;
}

/*
 * May the rows held back wait for the session's next event?  In a
 * stream only a row of a later event may say what the last command row
 * was: the line drawn again after a Tab listing that rang no bell, the
 * open command's next row after zsh-autosuggestions drew a multi-line
 * entry.  So a command still unsettled (settled()) waits; one that
 * output would settle does not.  Only command rows are revised; the rows
 * after one are held with it to keep their order.  At most CARRY_ROWS
 * rows of CARRY_BYTES per session wait: a listing longer than that is
 * let go at the event's end as before.
 */
static size_t carried_bytes;	/* held by every part's carried */

static size_t
holding_bytes(const struct holding *hd)
{
	return hd->held_cap * HELD_SIZE + hd->hold_mem.cap;
}

/*
 * Rows carried share the renderers' budget (SL_TERM_BUDGET): past it
 * a session's rows go at its event's end, as they did before carries.
 */
static int
carries(const struct sl_tty *tty)
{
	return tty->cur != &tty->own && tty->hd.nheld > 0 &&
	    tty->hd.nheld <= CARRY_ROWS &&
	    tty->hd.hold_mem.len <= CARRY_BYTES && unsettled(tty) &&
	    sl_term_all_cells() * 8 + carried_bytes + holding_bytes(&tty->hd)
	    <= BUDGET_BYTES;
}

static void
holding_free(struct holding *hd)
{
	free(hd->held);
	sl_buf_free(&hd->hold_mem);
}

/*
 * The rows held go with the part in use until it is used again, and the
 * part's storage (empty) comes to the tty: the two swap, so that a
 * session that carries rows event after event allocates nothing.  A
 * part keeps an empty buffer of at most HOLD_KEEP bytes.
 */
static void
put_aside(struct sl_tty *tty)
{
	struct holding *c = tty->cur->carried, spare;

	if (c == NULL)
		c = tty->cur->carried = sl_xcalloc(1, sizeof(*c));
	spare = *c;
	*c = tty->hd;
	tty->hd = spare;
	carried_bytes += holding_bytes(c) - holding_bytes(&spare);
}

static void
take_back(struct sl_tty *tty)
{
	struct holding *c = tty->cur->carried, spare = tty->hd;

	carried_bytes -= holding_bytes(c);
	tty->hd = *c;
	tty->hd.carried = 1;
	*c = spare;
	if (c->hold_mem.cap > HOLD_KEEP)
		sl_buf_free(&c->hold_mem);
	carried_bytes += holding_bytes(c);
}

/* The event ends inside a title: kept for the part's next event
 * (feed_element). */
static void
keep_cut_title(struct sl_tty *tty)
{
	struct titles *ts;
	size_t n, seq;
	const char *osc = sl_term_open_osc(tty->term, &n, &seq);

	if (osc == NULL) {
		if (tty->cur->titles != NULL)
			tty->cur->titles->cut_seq = 0;
		return;
	}
	ts = part_titles(tty->cur);
	ts->cut_seq = SL_MAX(seq, 1);
	sl_buf_reset(&ts->cut);
	sl_buf_add(&ts->cut, osc, n);
}

void
sl_tty_flush(struct sl_tty *tty)
{
	if (tty->elems != NULL)
		keep_cut_title(tty);
	sl_term_finish(tty->term);
	tty->nnamed = 0;	/* every row is out: no row of theirs to come */
	count_dropped(tty);
	/* A streamed event ends on a command row of a shell that cancels
	 * lines silently (zsh, ksh93) with nothing after it: what follows
	 * is not known here, and it may never have run. */
	if (sl_prompt_silent_so_far(tty->cur->prompt))
		settle(tty, NULL, SL_MARK_PREV_UNCERTAIN);
	if (!carries(tty))
		release(tty);
}

void
sl_tty_release(struct sl_tty *tty)
{
	release(tty);
}

/*
 * Many lines and not one command: the prompt is of a shape not known
 * here.  Say so, in the stream and on stderr, rather than let the
 * session pass for one where nothing was run.
 */
static void
note_no_prompt(struct sl_tty *tty)
{
	struct sl_prompt *ps = tty->cur->prompt;
	struct sl_buf b;

	if (tty->kind == SL_TTY_PWSH || sl_prompt_rows(ps) < NO_PROMPT_ROWS ||
	    sl_prompt_commands(ps) > 0)
		return;
	sl_buf_init(&b);
	sl_buf_printf(&b, "no shell prompt recognised in %lld lines: no "
	    "commands marked; name the prompt with --prompt REGEX",
	    sl_prompt_rows(ps));
	note(tty, tty->first_line, SL_NOTE_NO_PROMPT, sl_prompt_rows(ps),
	    b.buf, NULL, 0);
	sl_info(tty->rd, NULL, "%s", b.buf);
	sl_buf_free(&b);
}

void
sl_tty_finish(struct sl_tty *tty)
{
	sl_tty_flush(tty);
	release(tty);
	note_no_prompt(tty);
}

const char *
sl_tty_host(const struct sl_tty *tty)
{
	return tty->cur->host;
}

long long
sl_tty_lines(const struct sl_tty *tty)
{
	return tty->cur->n;
}

void
sl_tty_set_lines(struct sl_tty *tty, long long n)
{
	tty->cur->n = n;
}

int
sl_tty_status(const struct sl_tty *tty)
{
	return tty->status;
}

void
sl_tty_set_filter(struct sl_tty *tty, sl_tty_filter_fn fn, void *arg)
{
	tty->filter = fn;
	tty->filter_arg = arg;
}

/* Drop the session's strings and held rows: nothing more is emitted. */
static void
tty_end(struct sl_tty *tty)
{
	tty->status = SL_STOP;	/* the sink may be gone: free, not emit */
	release(tty);
	free(tty->own.sid);
	free(tty->own.host);
	titles_free(tty->own.titles);
	tty->own.titles = NULL;
	free(tty->named);
	tty->named = NULL;
	tty->nnamed = 0;
	free(tty->fixed_src);
	free(tty->time);
	free(tty->alt_cmd);
	tty->own.sid = tty->own.host = tty->fixed_src = tty->time =
	    tty->alt_cmd = NULL;
}

void
sl_tty_free(struct sl_tty *tty)
{
	if (tty == NULL)
		return;
	tty_end(tty);
	holding_free(&tty->hd);
	sl_term_free(tty->term);
	free(tty->elems);
	sl_prompt_free(tty->own.prompt);
	sl_buf_free(&tty->src);
	free(tty);
}

void
sl_tty_park(struct sl_tty *tty)
{
	if (tty == NULL)
		return;
	tty_end(tty);
	/* A long row held back would stay with the spare: let it go. */
	if (tty->hd.hold_mem.cap > HOLD_KEEP)
		sl_buf_free(&tty->hd.hold_mem);
	sl_term_park(tty->term);
	sl_run_spare_put(tty->rd->run, tty, spare_free);
}

void
sl_tty_set_sep(struct sl_tty *tty, char sep)
{
	tty->sep = sep;
}

struct sl_tty_part *
sl_tty_part_new(struct sl_tty *tty, const char *sid, enum sl_tty_kind kind)
{
	struct sl_tty_part *part = sl_xcalloc(1, sizeof(*part));

	set_sid(part, sid);
	part->prompt = sl_prompt_new(tty->rd->opts->prompts,
	    kind == SL_TTY_LINUX, kind == SL_TTY_PWSH);
	return part;
}

void
sl_tty_use(struct sl_tty *tty, struct sl_tty_part *part)
{
	struct sl_tty_part *next = part != NULL ? part : &tty->own;

	if (next == tty->cur)
		return;
	if (carries(tty))
		put_aside(tty);
	else
		release(tty);
	tty->cur = next;
	if (next->carried != NULL && next->carried->nheld > 0)
		take_back(tty);
}

void
sl_tty_part_free(struct sl_tty_part *part)
{
	if (part == NULL)
		return;
	if (part->carried != NULL) {
		carried_bytes -= holding_bytes(part->carried);
		holding_free(part->carried);
	}
	free(part->carried);
	sl_prompt_free(part->prompt);
	free(part->sid);
	free(part->host);
	titles_free(part->titles);
	free(part);
}
