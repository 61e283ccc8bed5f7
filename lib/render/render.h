/*
 * render.h: the transcript pipeline (tty.c) and prompt recognition
 * (prompt.c) of lib/render/; the renderer itself is public (sl.h).
 */
#ifndef SL_RENDER_H
#define SL_RENDER_H

#include "core/core.h"

/* ------------------------------------------------- transcript pipeline */

/*
 * sl_tty: one session's terminal stream: the renderer, prompt
 * recognition, and line/note emission with n counted per session.
 */
struct sl_tty;

enum sl_tty_kind {
	SL_TTY_LINUX,	/* raw pty bytes; bracketed paste/title signals hold */
	SL_TTY_PWSH,	/* PowerShell transcript lines */
	SL_TTY_STREAM	/* agent-stripped streamed lines: signals unreliable */
};

/*
 * sid may be NULL; copied.  A tty parked in rd's run (sl_tty_park) is
 * taken and set up as a new one would be: same records, fewer
 * allocations.
 */
struct sl_tty *sl_tty_new(struct sl_reader *rd, const char *sid,
    enum sl_tty_kind kind);
void sl_tty_feed(struct sl_tty *tty, const void *p, size_t n);
/* Input line of the next byte fed (for src "name:line"). */
void sl_tty_set_line(struct sl_tty *tty, long long line);
/*
 * Use a fixed src (e.g. "file#3") and time (NULL: untimed) for every
 * line emitted from now on; NULL src goes back to "name:line".
 */
void sl_tty_set_src(struct sl_tty *tty, const char *src, const char *time);
/*
 * Make every row final now (an event boundary); state is kept.  A
 * streamed part's last command rows may wait for its next event
 * (sl_tty_use, sl_tty_release).
 */
void sl_tty_flush(struct sl_tty *tty);
/*
 * Emit the line records held back for the part in use: its session ends.
 * (A streamed session's part may hold its last rows across its events,
 * for a later event to settle.)
 */
void sl_tty_release(struct sl_tty *tty);
/* End of the session stream: flush and emit pending notes. */
void sl_tty_finish(struct sl_tty *tty);
/* Host seen in an OSC title (user@host:dir), or NULL. */
const char *sl_tty_host(const struct sl_tty *tty);
/* Lines emitted so far. */
long long sl_tty_lines(const struct sl_tty *tty);
/* Number lines after n (an earlier part of the session numbered n). */
void sl_tty_set_lines(struct sl_tty *tty, long long n);
/* Status SL_OK or SL_STOP (sink stopped). */
int sl_tty_status(const struct sl_tty *tty);
/*
 * Row filter: called on each final row before prompt recognition; return
 * 0 to drop it (counted as skipped).  Used for logger noise.
 */
typedef int (*sl_tty_filter_fn)(void *arg, const struct sl_row *row);
void sl_tty_set_filter(struct sl_tty *tty, sl_tty_filter_fn fn, void *arg);
void sl_tty_free(struct sl_tty *tty);
/*
 * Done with tty, which is finished (sl_tty_finish) or abandoned: its
 * run keeps it, with its renderer's rows and buffers, for the next
 * sl_tty_new, or frees it.  Nothing more is emitted from it.  Only while
 * the reader it was made for is alive (its run is needed).
 */
void sl_tty_park(struct sl_tty *tty);
/*
 * src "name#N" instead of "name:N" (sep '#'): the events of a JSON
 * document, numbered with sl_tty_set_line() before each is fed.
 */
void sl_tty_set_sep(struct sl_tty *tty, char sep);
/*
 * The per-session part of a tty (session id, line count, prompt state,
 * host), so that one renderer serves many interleaved sessions whose rows
 * never span a switch: streamed CloudWatch events, where every element
 * renders from scratch.  Memory then grows with sessions by a part, not
 * a renderer.  Switch with sl_tty_use() right after sl_tty_flush(); NULL
 * goes back to the tty's own part.  kind chooses the prompt rules.  The
 * caller frees its parts (after the tty stops using them).
 */
struct sl_tty_part;
struct sl_tty_part *sl_tty_part_new(struct sl_tty *tty, const char *sid,
    enum sl_tty_kind kind);
void sl_tty_use(struct sl_tty *tty, struct sl_tty_part *part);
void sl_tty_part_free(struct sl_tty_part *part);

/* ------------------------------------------ renderer reuse (term.c) */

/*
 * A renderer done with, put aside (sl_term_park): it keeps its ring and
 * small rows' cells, outside the budget of all renderers; recycle makes
 * it what sl_term_new(cb) makes, with that storage.
 */
void sl_term_park(struct sl_term *t);
/* Streamed text: the agent dropped its CRs (a few shell rules count
 * from where the CR would have gone). */
void sl_term_set_crless(struct sl_term *t, int on);
void sl_term_recycle(struct sl_term *t, const struct sl_term_cb *cb);
/*
 * The terminal width the bytes have shown so far (readline's " \r" at
 * the margin, a zsh or fish mark, a climb), 0: not known; and that width
 * given as learnt.  sl-redact renders a log a line at a time and carries
 * it from line to line: a row edited right after the wrap tells it only
 * to a renderer that knows it already.
 */
uint32_t sl_term_width(const struct sl_term *t);
void sl_term_set_width(struct sl_term *t, uint32_t w);
/*
 * For a renderer fed one log line at a time (sl-redact), after the LF
 * that ends it: when that LF went down inside the cursor's wrapped row,
 * the lines from the cursor's down are where the next log line draws.
 * They stay the row's only where its text runs on to them (the line
 * above written up to the margin); else they are cut off the row: what
 * a redraw of a shorter line left below it (readline accepting a Ctrl-R
 * search longer than the line; the next line's CR EL clears it).
 */
void sl_term_cut_below(struct sl_term *t);

/* ------------------------------------------------- prompt recognition */

struct sl_prompt;

enum sl_prompt_class {
	SL_PROMPT_NONE,		/* output */
	SL_PROMPT_CMD,		/* prompt, then a command (maybe empty) */
	SL_PROMPT_CONT		/* continuation of the previous command */
};

/* user may be NULL; signals: bracketed-paste/title flags are reliable. */
struct sl_prompt *sl_prompt_new(const struct sl_prompts *user,
    int signals, int pwsh);
/* ps as sl_prompt_new makes it, in place (the next session's). */
void sl_prompt_reset(struct sl_prompt *ps, const struct sl_prompts *user,
    int signals, int pwsh);
/*
 * Classify a final row of this session.  For SL_PROMPT_CMD and
 * SL_PROMPT_CONT, *plen is the length of the prompt part.
 */
enum sl_prompt_class sl_prompt_classify(struct sl_prompt *ps,
    const char *text, size_t len, unsigned flags, size_t *plen);
/* The same, with edit_at as in struct sl_row (0: none). */
enum sl_prompt_class sl_prompt_classify_at(struct sl_prompt *ps,
    const char *text, size_t len, unsigned flags, size_t edit_at,
    size_t *plen);
/*
 * 1: the row is output whatever its classification would find (the
 * cheap test sl_prompt_classify_at makes first); 0: it may not be.
 */
int sl_prompt_surely_none(const struct sl_prompt *ps, const char *text,
    size_t len, unsigned flags, size_t edit_at);
/* What the row last classified says beyond its class. */
#define SL_MARK_CANCELLED	0x1	/* it ends in ^C: the line never ran */
#define SL_MARK_GROUP		0x2	/* ...and so does the command it
					 * continues, every row of it */
#define SL_MARK_REDRAW		0x4	/* it draws the previous command row
					 * again: that row's line never ran */
#define SL_MARK_HISTORY		0x8	/* its command uses history expansion:
					 * the shell may echo what it became */
#define SL_MARK_UNCERTAIN	0x10	/* the bytes cannot tell its command
					 * (busybox echoes non-ASCII as '?') */
#define SL_MARK_PREV_UNCERTAIN	0x20	/* ...nor whether the previous command
					 * ran (zsh's silent Ctrl-C, streamed) */
#define SL_MARK_CLEARED		0x40	/* the screen was cleared with the
					 * cursor on its line, before Enter
					 * (Ctrl-L): drawn again below, it
					 * never ran as it stands */
unsigned sl_prompt_marks(const struct sl_prompt *ps);
/* Is the last command unfinished (more rows of it may come)? */
int sl_prompt_open(const struct sl_prompt *ps);
/* Has the session shown bash's bracketed-paste signal on a prompt? */
int sl_prompt_pastes(const struct sl_prompt *ps);
/* Does the session's editor draw a line again with no byte that says so
 * (busybox after a Tab listing)?  Then a command is settled only by the
 * next prompt. */
int sl_prompt_quiet_redraws(const struct sl_prompt *ps);
/* In a stream, may bash's last command row be followed by a Tab listing
 * that rang no bell, then the line drawn again?  Only that row tells. */
int sl_prompt_unseen_listing(const struct sl_prompt *ps);
int sl_prompt_unread_below(const struct sl_prompt *ps);
/* In a stream, may mksh's last command row be drawn again by Ctrl-L on
 * the next row?  Only that row tells (mksh_redraw). */
int sl_prompt_mksh_row_open(const struct sl_prompt *ps);
/* In a stream, zsh's or ksh93's command row was the last row: nothing
 * followed it yet, so it may have been cancelled without a trace. */
int sl_prompt_silent_so_far(const struct sl_prompt *ps);
/* How the LF that left the command row just classified ended it
 * (struct sl_row's line_end), when known: mksh's Enter or its Ctrl-L. */
void sl_prompt_note_line_end(struct sl_prompt *ps, int line_end);
/* The session's shell cancels a line silently (ksh93: its editor's
 * redraws showed it): a command row the next prompt follows directly
 * may not have run. */
void sl_prompt_note_silent_cancels(struct sl_prompt *ps);
int sl_prompt_cancels_silently(const struct sl_prompt *ps);
/* Command rows seen (not cancelled, command not empty). */
long long sl_prompt_commands(const struct sl_prompt *ps);
/* Non-empty rows classified. */
long long sl_prompt_rows(const struct sl_prompt *ps);
/* The most recent command, for naming a full-screen program. */
const char *sl_prompt_last_cmd(const struct sl_prompt *ps);
void sl_prompt_free(struct sl_prompt *ps);
/* In a stream, before the row is classified: its element ended on a
 * blank (its row is trimmed: a busybox cut right after a blank,
 * stream.c), or it is empty (the end of a search's recalled lines). */
void sl_prompt_stream_row(struct sl_prompt *ps, int blank_end, int empty,
    int padded);

/* Bytes of a title (OSC 0 or 2, "0;" included) the renderer keeps. */
#define SL_TITLE_MAX	1024

/*
 * A title cut by the end of a streamed event (the agent split it at a
 * line end inside it): the OSC string the feed so far ended inside (its
 * text as kept, *len, and the bytes it took, *seqlen), or NULL; and, at
 * the part's next event, the string taken up again (the renderer began
 * the event afresh), to go on up to its BEL as in the terminal.
 */
const char *sl_term_open_osc(const struct sl_term *t, size_t *len,
    size_t *seqlen);
void sl_term_resume_osc(struct sl_term *t, const char *s, size_t n,
    size_t seqlen);

/* ------------------------------------------- streamed lines (stream.c) */

/*
 * What an agent-stripped streamed line (one sessionData element) still
 * shows of edits it lost: tty.c scans each element and passes the bits
 * with the row's flags (0x4000 and up, above the renderer's SL_ROW_*).
 */
#define SL_ROW_STREAM_EDIT	0x10000	/* a move back, then text stopped
					 * short; a kept move a lost CR spoilt */
#define SL_ROW_STREAM_BELL	0x20000	/* ends on the completion bell */
#define SL_ROW_STREAM_SEARCH	0x40000	/* an incremental history search */
#define SL_ROW_STREAM_LEFT	0x80000	/* no escape kept; the cursor ended
					 * left of text (a BS: move or erase?) */
#define SL_ROW_STREAM_SAME	0x4000	/* text drawn over text, the line
					 * neither longer nor a deletion's
					 * redraw (the rest, then blanks); or
					 * blanks past the line's end */
#define SL_ROW_STREAM_KEPT	0x8000	/* an escape kept (without it,
					 * every cursor move was stripped) */
#define SL_ROW_STREAM_END_INSERT 0x2000	/* an insert drawn with the rest of
					 * the line landed at its end (zsh:
					 * its move there stripped) */
#define SL_ROW_STREAM_TITLED	0x400	/* the element starts by setting the
					 * title (cwfresh's bit of sl.h's) */
#define SL_ROW_STREAM_SHIFTED	0x4	/* the last text follows a shift
					 * (CSI P or @): readline's CR, stripped,
					 * put it at the line's start */
#define SL_ROW_STREAM_ANY	(SL_ROW_STREAM_EDIT | SL_ROW_STREAM_BELL | \
				 SL_ROW_STREAM_SEARCH)
/* ...and in the top bits, how many bytes end the element after its last
 * control (BS, BEL, an escape): text drawn in one go. */
#define SL_ROW_STREAM_TAIL_MAX	0xfffu
#define SL_ROW_STREAM_TAIL_SET(n)	((unsigned)(n) << 20)
#define SL_ROW_STREAM_TAIL(f)	(((f) >> 20) & SL_ROW_STREAM_TAIL_MAX)
unsigned sl_stream_scan(const char *s, size_t n);
/* The bytes of an element to draw (a final climb of one row left out). */
size_t sl_stream_drawn(const char *s, size_t n);
/* The length of the text before ksh93's pad if the element starts with
 * a line it drew again (text, blanks, as many BS back over them), or 0. */
size_t sl_stream_ksh_pad(const char *s, size_t n);
/* Does the element start with ksh93's first line drawn again (its
 * prompt twice, then the pad)? */
int sl_stream_ksh_redraw(const char *s, size_t n);

#define SL_STREAM_MIN_WIDTH	40	/* the narrowest terminal expected */

/* How the session's editor shows a line longer than the terminal. */
enum sl_stream_kind {
	SL_STREAM_EDITOR,	/* readline, zsh: a wrap mark at the width */
	SL_STREAM_CANON,	/* the tty's own echo (dash): nothing added */
	SL_STREAM_CUTS		/* busybox: the rest on a line of its own */
};

/* Per session: what is known of the terminal's width. */
struct sl_stream {
	enum sl_stream_kind kind;	/* of the row being judged */
	size_t width;		/* known (zsh's mark) for this row, or 0 */
	size_t prompt_at;	/* where the prompt starts, after the mark */
	size_t widest;		/* the widest command row of the session */
	int searched;		/* a search's row stood for the command */
	int blank_end;		/* the row's element ended on a blank, which
				   the row's text lost (sl_prompt_stream_row) */
};

/*
 * Can a continuation row s (its PS2 plen bytes, flags its element's) not
 * be trusted to be what was typed there?  Its edits only: the width is
 * the first row's.
 */
int sl_stream_cont_unsure(unsigned flags, const char *s, size_t n,
    size_t plen);
/*
 * Can the command row s (prompt of plen bytes, flags with the element's
 * SL_ROW_STREAM_* bits) not be trusted to be what ran?
 */
int sl_stream_unsure(struct sl_stream *st, unsigned flags, const char *s,
    size_t n, size_t plen);

#endif /* SL_RENDER_H */
