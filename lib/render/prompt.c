/*
 * prompt.c: which rendered rows are a shell prompt followed by a command.
 *
 * Only the final rendered text counts, and output can look like a prompt
 * ("# Port 22" from cat sshd_config in a root session).  So:
 *  - structured prompts (user@host:dir$, [user@host dir]#, sh-4.2$,
 *    PS C:\...>) are recognised by shape;
 *  - a bare "$ " or "# " counts only when the session's own prompt is
 *    that bare string: learned from a row with a raw-stream signal (bash
 *    turns bracketed paste on, or sets the title, right before each
 *    prompt) or from the session's first row;
 *  - where signals are reliable (raw pty bytes) and the session has shown
 *    them on its prompts, a structured-looking row without one is output;
 *  - continuation rows ("> ", PowerShell ">> ", zsh "for> ") count only
 *    right after a command that is visibly unfinished;
 *  - where a line editor marks the start of its input past column 0
 *    (zsh and bash turn bracketed paste on, busybox asks for the cursor
 *    position), the row is a prompt of any shape: zsh's "host% ",
 *    oh-my-zsh's "➜  dir ", busybox's "/tmp # ", or a bash prompt drawn
 *    after output that did not end its line;
 *  - a line that ends in "^C" was cancelled (bash, dash, busybox and fish
 *    echo it), and a bash prompt drawn again without bracketed paste
 *    being turned on anew (Ctrl-L, a Tab listing) redraws the same line:
 *    the caller learns both through sl_prompt_marks().
 * User patterns (--prompt, PCRE2, anchored at the start) are tried first.
 *
 * This file keeps the classification of a row (sl_prompt_classify_at):
 * the user's patterns, commands and their continuation lines, echo and
 * history, a line editor's redraws, streamed rows' marks, second and
 * glued prompt lines, and the per-session state.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "render/prompt_stats.h"
#include "prompt.h"

#define STRICT_AFTER	2	/* signalled prompts before signals are required */

struct sl_prompts {
	pcre2_code **re;
	size_t n;
	pcre2_match_data *md;
};

struct sl_prompt {
	const struct sl_prompts *user;
	int signals;		/* flags on rows are reliable */
	int pwsh;
	char bare[3];		/* learned bare prompt characters ("$", "$#") */
	int switched;		/* the last command switched user (sudo -s) */
	int signalled;		/* rows seen with a signal */
	int paste;		/* rows seen with bracketed paste on at column 0 */
	int accepted;		/* bash took the last command line (paste off) */
	int after_cancel;	/* the previous row was cancelled with ^C */
	int after_clear;	/* a stream's line a clear cut: the next row
				   no matcher takes may be its redraw */
	int first_line;		/* the previous row had a signal and was no
				   prompt: a two-line prompt's first line */
	unsigned first_flags;	/* that row's flags */
	int stream_first;	/* in a stream, the previous row was output
				   that kept paste or a title: the same
				   (STREAM_FISH_FIRST: after fish's mark) */
	int editors;		/* prompts that ended where the editor starts */
	int last_cmd_history;	/* the last command used history expansion */
	int last_signed;	/* the last new command row set the title
				   or ended on the bell (title_redraw) */
	int last_pasted;	/* ...turned paste on before its prompt,
				   its escapes kept (a stream: redrawn()) */
	unsigned row_flags;	/* flags of the row being classified */
	int last_kept;		/* in a stream, the last new command row's
				   prompt kept a title or paste */
	char *last_prompt;	/* prompt of the last signalled command row */
	size_t last_prompt_cap;	/* its storage, kept from row to row */
	unsigned marks;		/* SL_MARK_* of the row last classified */
	unsigned cmd_at;	/* rows (mod 2^32) at the last command row */
	long long cmds;		/* command rows seen */
	long long rows;		/* non-empty rows seen */
	int prev_cmd;		/* the previous row was a command or cont */
	int zsh_marked;		/* ...after zsh's mark, in a stream */
	int zsh_cmd;		/* the last command row was after it */
	int suggested;		/* ...and unfinished, and the row below it
				   was no PS2 (zsh_below_open) */
	int stream_titled;	/* in a stream, an element began with a
				   title (zsh_titled_silence) */
	int last_cmd_row;	/* the row last classified was a command */
	int path_prompt;	/* the row's is busybox's, in a stream */
	unsigned pager_len;	/* the row's prompt follows less's last
				   words, this long (match_after_pager) */
	unsigned long glued_tries;	/* match_glued_prompt's shape tries */
	int fish_seen;		/* fish showed itself: its mark "⏎" kept whole
				   (in a stream), a prompt after its mark, or
				   its "> " prompt; only then do its cut mark
				   row (cut_fish_mark_row), status and vi mode
				   shapes count */
	int paste_prompt;	/* the last command's prompt turned paste
				   on: bash draws it again without paste
				   after a Tab listing or Ctrl-L */
	int mksh_seen;		/* mksh showed itself (a session with no
				   paste): its Debian prompt, taken on the
				   session's first row or a signalled one,
				   or a prompt row ending in its window
				   mark; only then do its spaced and status
				   prompts (shape_mksh) and its scrolled
				   line (scrolled_window) count */
	int fish_kept;		/* the command row's prompt is after fish's
				   mark and its escapes were kept: its
				   moves are read (fish_cr_move) */
	int fish_blank;		/* the last prompt was after fish's mark and
				 * nothing was typed on its row: the line is
				 * further on */
	struct sl_stream stream;	/* what a stream tells of the width */
	int open;		/* ...and it is unfinished */
	int fresh_prompt;	/* ...and bash drew its prompt (paste on, no
				   Enter on the row, no completion's bell
				   ending it, which a listing follows): a
				   new line's editing */
	int echo_off;		/* a command ran `stty -echo` (and no `stty echo`) */
	int typed_cmd;		/* the last command row had a line (in a
				   stream too: silent_before) */
	int stream_padded;	/* in a stream, the row's element is a line
				   ksh93 drew again (sl_prompt_stream_row) */
	int cmd_end;		/* how the last command row's LF ended it
				   (struct sl_row's line_end), if the row
				   after it was that LF's: mksh_redraw */
	int silent_cancels;	/* the shell writes nothing for Ctrl-C but
				   the new line (ksh93): seen by its
				   editor's redraws (sl_prompt_note_silent_
				   cancels) */
	struct shell sh;	/* the state of that unfinished command */
	char *last_cmd;
	size_t last_cmd_cap;
	int search_rows;	/* in a stream, the last command row was a
				   flagged search's: SEARCH_RECALL, its
				   recalled lines may follow; SEARCH_GAP,
				   an empty row ended them */
	int blind_ends;		/* in a stream, a paste mark kept, or a
				   prompt row left empty with echo off: the
				   editor ends a blind line itself
				   (stream_echo_hidden) */
};

/* ------------------------------------------------------- user patterns */

struct sl_prompts *
sl_prompts_new(void)
{
	return sl_xcalloc(1, sizeof(struct sl_prompts));
}

static int
prompts_add(struct sl_prompts *p, const char *regex, char *err,
    size_t errlen)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int code;

	re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
	    PCRE2_ANCHORED | PCRE2_UTF, &code, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(code, msg, sizeof(msg));
		snprintf(err, errlen, "bad prompt pattern at offset %zu: %s",
		    (size_t)off, (char *)msg);
		return SL_FATAL;
	}
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	p->re = sl_xrealloc(p->re, (p->n + 1) * sizeof(*p->re));
	p->re[p->n++] = re;
	if (p->md == NULL)
		p->md = pcre2_match_data_create(4, NULL);
	return SL_OK;
}

int
sl_prompts_add(struct sl_prompts *p, const char *regex,
    struct sl_error *err)
{
	return sl_error_status(err, prompts_add(p, regex, sl_error_clear(err),
	    sizeof(err->msg)));
}

void
sl_prompts_free(struct sl_prompts *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		pcre2_code_free(p->re[i]);
	free(p->re);
	pcre2_match_data_free(p->md);
	free(p);
}

static size_t
match_user(const struct sl_prompts *p, const char *s, size_t n)
{
	size_t i;

	if (p == NULL)
		return 0;
	for (i = 0; i < p->n; i++) {
		if (pcre2_match(p->re[i], (PCRE2_SPTR)s, n, 0, 0, p->md,
		    NULL) > 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);

			if (ov[1] > 0)
				return ov[1];
		}
	}
	return 0;
}

/* The session's fish_seen, or a row an editor drew (paste on): the
 * shapes below that only fish draws may be prompts; not output's "[OK]>"
 * nor "[I] " elsewhere.  The shape matchers hold no state, so their
 * callers ask this and pass it down as `fish`. */
static inline int
shape_fish(const struct sl_prompt *ps)
{
	return ps->fish_seen || (ps->row_flags & SL_ROW_PASTE);
}

/* mksh's spaced prompt "user@host:dir $ " and its status "130|": in a
 * session that showed mksh, on its first row, or on a signalled row. */
static inline int
shape_mksh(const struct sl_prompt *ps)
{
	return ps->mksh_seen || ps->rows <= 1 ||
	    (ps->row_flags & (SL_ROW_PASTE | SL_ROW_TITLE));
}

static inline unsigned
shape_gates(const struct sl_prompt *ps)
{
	return (shape_fish(ps) ? SHAPE_FISH : 0) |
	    (shape_mksh(ps) ? SHAPE_MKSH : 0) |
	    (ps->row_flags & SL_ROW_PASTE ? SHAPE_DECORATED : 0);
}

/* Does s[0, n) hold the last prompt from its user@host on (the
 * indicators before it, such as the load, change)? */
static __attribute__((noinline)) int
same_decorated(const struct sl_prompt *ps, const char *s, size_t n)
{
	const char *at, *p;
	size_t k;

	if (ps->last_prompt == NULL ||
	    (p = strchr(ps->last_prompt, '@')) == NULL ||
	    (at = memchr(s, '@', SL_MIN(n, PROMPT_MAX))) == NULL)
		return 0;
	while (p > ps->last_prompt && p[-1] != ' ')
		p--;
	while (at > s && at[-1] != ' ')
		at--;
	k = strlen(p);
	return k <= n - (size_t)(at - s) && memcmp(p, at, k) == 0;
}

/*
 * prompt_match_shape with the session's gates.  A busy prompt (match_decorated)
 * on a row that turned paste on, or bash's redraw of the last one, which
 * turned it on (after a Tab listing or Ctrl-L, without paste): the row
 * holds that prompt.  Not the output after it, which may look alike.
 * The shape is tried first, the redraw asked only of a row it took.
 */
static inline size_t
match_shape_ps(const struct sl_prompt *ps, const char *s, size_t n)
{
	unsigned gates = shape_gates(ps);
	size_t k;

	if (!ps->paste_prompt || (gates & SHAPE_DECORATED))
		return prompt_match_shape(s, n, gates);
	if ((k = prompt_match_shape(s, n, gates | SHAPE_DECORATED)) == 0 ||
	    same_decorated(ps, s, n))
		return k;
	return prompt_match_shape(s, n, gates);
}
#define STREAM_FISH_FIRST	2

/* ------------------------------------------------------- classification */

struct sl_prompt *
sl_prompt_new(const struct sl_prompts *user, int signals, int pwsh)
{
	struct sl_prompt *ps = sl_xcalloc(1, sizeof(*ps));

	sl_prompt_reset(ps, user, signals, pwsh);
	return ps;
}

/* Zeroed whole, so that a field added to struct sl_prompt starts the
 * same in a new state and a reset one; the two it owns are freed. */
void
sl_prompt_reset(struct sl_prompt *ps, const struct sl_prompts *user,
    int signals, int pwsh)
{
	free(ps->last_cmd);
	free(ps->last_prompt);
	memset(ps, 0, sizeof(*ps));
	ps->user = user;
	ps->signals = signals;
	ps->pwsh = pwsh;
}

void
sl_prompt_free(struct sl_prompt *ps)
{
	if (ps == NULL)
		return;
	free(ps->last_cmd);
	free(ps->last_prompt);
	free(ps);
}

unsigned
sl_prompt_marks(const struct sl_prompt *ps)
{
	return ps->marks;
}

int
sl_prompt_open(const struct sl_prompt *ps)
{
	return ps->prev_cmd && ps->open;
}

int
sl_prompt_pastes(const struct sl_prompt *ps)
{
	return ps->paste > 0;
}

/* busybox: its editor asks where the cursor is, but bracketed paste,
 * which would mark each new line, is never turned on. */
static int
quiet_editor(const struct sl_prompt *ps)
{
	return ps->signals && ps->editors > 0 && ps->paste == 0;
}

int
sl_prompt_quiet_redraws(const struct sl_prompt *ps)
{
	return quiet_editor(ps);
}

/* In a stream mksh's last command row may be drawn again by Ctrl-L on
 * the next row (mksh_redraw), which may come in the next event. */
int
sl_prompt_mksh_row_open(const struct sl_prompt *ps)
{
	return ps->mksh_seen && ps->prev_cmd && !ps->open;
}

/* In a stream bash's line drawn again after a Tab listing with no bell
 * is known only by the row after the listing (stream_redraw). */
int
sl_prompt_unseen_listing(const struct sl_prompt *ps)
{
	return !ps->signals && (ps->last_pasted || ps->last_kept);
}

/* In a stream fish's line read from its moves is known to be the line
 * that ran only by the row after it (fish_settle). */
int
sl_prompt_unread_below(const struct sl_prompt *ps)
{
	return ps->fish_kept;
}

int
sl_prompt_silent_so_far(const struct sl_prompt *ps)
{
	return !ps->signals && (ps->zsh_marked || ps->silent_cancels) &&
	    ps->prev_cmd && !ps->open && ps->last_cmd_row;
}

void
sl_prompt_note_line_end(struct sl_prompt *ps, int line_end)
{
	ps->cmd_end = line_end;
}

void
sl_prompt_note_silent_cancels(struct sl_prompt *ps)
{
	ps->silent_cancels = 1;
}

int
sl_prompt_cancels_silently(const struct sl_prompt *ps)
{
	return ps->silent_cancels;
}

/*
 * ksh93 writes only the new line for Ctrl-C, as Enter does for a command
 * that prints nothing: in its sessions a command row with no row between
 * it and this prompt may not have run.  A command that turned echo off
 * did (and what follows it is flagged as hidden).
 */
static int
silent_before(const struct sl_prompt *ps)
{
	return ps->prev_cmd && ps->typed_cmd && !ps->open && !ps->echo_off;
}

static int	same_prompt(const struct sl_prompt *, const char *, size_t);
static int	goes_on(const struct sl_prompt *, const char *, size_t);

/* The row shows the last command row's prompt again, and its line goes
 * on from that row's text: what every shell's "line drawn again" looks
 * like (title_redraw, stream_redraw, mksh_redraw, silent_row_marks). */
static int
line_again(const struct sl_prompt *ps, const char *s, size_t n, size_t k)
{
	return ps->last_cmd != NULL && ps->last_cmd[0] != '\0' &&
	    same_prompt(ps, s, k) && goes_on(ps, s + k, n - k);
}

/*
 * ...unless the row is ksh93's Ctrl-L: the line drawn again on the next
 * row (its pad of blanks kept in a stream, sl_stream_ksh_pad), the same
 * prompt and a line going on from the last one.  Typed again after a
 * silent Ctrl-C it would have no pad.
 */
static unsigned
silent_row_marks(struct sl_prompt *ps, const char *s, size_t n,
    size_t plen)
{
	if (ps->stream_padded && line_again(ps, s, n, plen))
		return SL_MARK_REDRAW;
	return SL_MARK_PREV_UNCERTAIN;
}

/* A command row in a session whose shell cancels silently: what it says
 * of the last one, and whether it has a line (kept off command()'s
 * common path). */
static void	silent_row(struct sl_prompt *, const char *, size_t, size_t)
		    __attribute__((noinline));

static void
silent_row(struct sl_prompt *ps, const char *s, size_t n, size_t plen)
{
	if (silent_before(ps))
		ps->marks |= silent_row_marks(ps, s, n, plen);
	ps->typed_cmd = n > plen;
}

long long
sl_prompt_commands(const struct sl_prompt *ps)
{
	return ps->cmds;
}

long long
sl_prompt_rows(const struct sl_prompt *ps)
{
	return ps->rows;
}

const char *
sl_prompt_last_cmd(const struct sl_prompt *ps)
{
	return ps->last_cmd;
}

/* sudo -s, sudo -i, sudo su, su -, su root, sudo bash: a root shell next. */
static int
switches_user(const char *s, size_t n)
{
	static const char *const cmds[] = { "sudo -s", "sudo -i", "sudo su",
	    "sudo bash", "sudo sh", "su", "su -", "su root", "su - root",
	    "sudo -u root -s", "sudo -u root -i" };
	size_t k;

	/* Every command runs this: all of these start with "su". */
	if (n < 2 || s[0] != 's' || s[1] != 'u')
		return 0;
	for (k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++)
		if (n == strlen(cmds[k]) && memcmp(s, cmds[k], n) == 0)
			return 1;
	return 0;
}

/*
 * In a stream the CR of a redraw is gone: bash accepting a Ctrl-R search
 * draws its prompt and the line again after the search's text, on the
 * same row.  The line is what follows the last copy of the prompt.
 */
#define REDRAWN_PROMPT_MIN	6	/* "$ " could be in any command */

static size_t
after_last_prompt(const char *s, size_t n, size_t k)
{
	const char *p = s + k, *hit = NULL;

	if (k < REDRAWN_PROMPT_MIN)
		return k;
	while ((size_t)(s + n - p) > k &&
	    (p = memmem(p, (size_t)(s + n - p), s, k)) != NULL) {
		hit = p;
		p += k;
	}
	return hit != NULL ? (size_t)(hit - s) + k : k;
}

/* The same for the prompt at s of the row, noting where in the row its
 * last copy starts. */
static size_t
last_copy(struct sl_prompt *ps, const char *row, const char *s, size_t n,
    size_t k)
{
	size_t end = after_last_prompt(s, n, k);

	ps->stream.prompt_at = (size_t)(s - row) + end - k;
	return end;
}

/*
 * Does the command use history expansion (!!, !$, !-2, !str, ^a^b)?
 * Outside single quotes; "!" before a blank, "=" or "(" is literal.
 */
static int
uses_history(const char *s, size_t n)
{
	char quote = 0;
	size_t i;

	if (n > 0 && s[0] == '^')
		return 1;
	if (memchr(s, '!', n) == NULL)
		return 0;	/* nearly every line: no quote scan */
	for (i = 0; i < n; i++) {
		if (quote == '\'' || (s[i] == '\'' && quote == 0)) {
			if (s[i] == '\'')
				quote = quote ? 0 : '\'';
			continue;
		}
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			quote = quote ? 0 : '"';
		else if (s[i] == '!' && i + 1 < n && s[i + 1] != ' ' &&
		    s[i + 1] != '\t' && s[i + 1] != '=' && s[i + 1] != '(' &&
		    s[i + 1] != '"')
			return 1;
	}
	return 0;
}

/*
 * Was the line on this row cancelled with Ctrl-C?  bash, dash, busybox
 * and fish echo "^C".  zsh echoes nothing, but where it turns cursor-key
 * mode on as its editor starts (zle-line-init, as Debian's zshrc and
 * oh-my-zsh do), it turns it off only for a line accepted.
 */
static int
cancelled(const struct sl_prompt *ps, const char *s, size_t n)
{
	if (n >= 2 && s[n - 2] == '^' && s[n - 1] == 'C')
		return 1;
	return ps->signals && ps->editors > 0 && n > 0 &&
	    (ps->row_flags & SL_ROW_KEYPAD_ON) &&
	    !(ps->row_flags & SL_ROW_KEYPAD_OFF);
}

/*
 * fish's prompt ends in "> " (or "# " for root after a user@host
 * shape); its editor takes a block or an open quote on further rows of
 * the same line, with no prompt of their own.
 */
static int
fish_prompt(const char *s, size_t plen)
{
	return plen >= 2 && s[plen - 1] == ' ' && s[plen - 2] == '>' &&
	    prompt_match_pwsh(s, plen) == 0;
}

/* Columns the prompt takes: one per character (prompts are narrow). */
static size_t
prompt_columns(const char *s)
{
	size_t w = 0;

	for (; *s != '\0'; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

/*
 * Characters of the command the log has lost: busybox echoes each wide
 * character as '?' (its prompt known by its cursor query, or in a stream
 * by its shape), and the streaming agent's stripper drops the bytes
 * 0x80-0x9f even inside UTF-8 (most CJK), leaving U+FFFD.
 */
/*
 * mksh does not wrap a line longer than the width: it shows a window of
 * it, with a mark in the last column but one after a blank: "<" more
 * on the left, ">" more on the right, "*" both.  While the window is at
 * the line's start the prompt leads the row ("$ echo alpha bravo >");
 * past it the prompt is gone.  Either way the row is not the command,
 * and "<" or ">" ending a typed line is sh's syntax error, so a row
 * ending in one is such a window.  (In a stream, whose CRs were
 * dropped, the windows follow the prompt glued.)
 */
static int
scroll_mark(const struct sl_prompt *ps, const char *s, size_t n)
{
	return ps->paste == 0 && n >= 2 && s[n - 2] == ' ' &&
	    (s[n - 1] == '<' || s[n - 1] == '>');
}

/* mksh's Debian prompt "user@host:dir $ " (the spaced form after a
 * colon and a directory, which match_userhost takes only while
 * shape_mksh says so). */
static int
mksh_prompt(const char *s, size_t k)
{
	return k >= 4 && s[k - 1] == ' ' && (s[k - 2] == '$' ||
	    s[k - 2] == '#') && s[k - 3] == ' ' && s[k - 4] != ':' &&
	    memchr(s, '@', k) != NULL && memchr(s, ':', k) != NULL;
}

/* A row ending in mksh's window mark for more on the left: a line
 * scrolled past its prompt (scrolled_window).  The blank first: it
 * turns away more rows than the mark would. */
static inline int
window_end(const char *s, size_t n)
{
	return n >= 2 && s[n - 2] == ' ' && (s[n - 1] == '<' || s[n - 1] == '*');
}

static int
unknowable_text(const struct sl_prompt *ps, const char *s, size_t n)
{
	if (quiet_editor(ps) || ps->path_prompt)
		return memchr(s, '?', n) != NULL;
	/* fish redraws each key with CR and cursor-forward: in a stream,
	 * without the CRs, its line is not there to read, unless the
	 * escapes were kept on a row its mark leads (fish_cr_move counts
	 * the moves from the prompt's start). */
	return !ps->signals && ((ps->sh.fish && !ps->fish_kept) ||
	    memmem(s, n, "\xef\xbf\xbd", 3) != NULL);
}

/* Is "stty" in s[0, n)? */
static int
has_stty(const char *s, size_t n)
{
	return sl_find(s, n, "stty", 4) != NULL;
}

/*
 * The terminal's echo after the command line s[0, n): 1 when a `stty`
 * in it turns echo off last, 0 when one turns it back on (`echo`,
 * `sane`), -1 when it does neither.
 */
static int
echo_after(const char *s, size_t n)
{
	static const char seps[] = " \t;&|()";
	size_t i = 0, w;
	int in_stty = 0, state = -1;

	if (!has_stty(s, n))
		return -1;	/* nearly every line: no word scan */
	while (i < n) {
		if (memchr(seps, s[i], sizeof(seps) - 1) != NULL) {
			if (s[i] != ' ' && s[i] != '\t')
				in_stty = 0;	/* a new command */
			i++;
			continue;
		}
		for (w = i; i < n && memchr(seps, s[i], sizeof(seps) - 1) == NULL;
		    i++)
			;
		if (prompt_word_is(s + w, i - w, "stty"))
			in_stty = 1;
		else if (in_stty && prompt_word_is(s + w, i - w, "-echo"))
			state = 1;
		else if (in_stty && (prompt_word_is(s + w, i - w, "echo") ||
		    prompt_word_is(s + w, i - w, "sane")))
			state = 0;
	}
	return state;
}

/*
 * In a stream the rows' signals are gone, but not what readline without
 * bracketed paste leaves of a line typed blind: nothing, not even its
 * end, so the command's output or the next prompt follows the prompt on
 * its row (`$ $ Linux`), as dash's do.  With paste on readline ends the
 * line itself and its row stays empty: a row that kept the paste mark
 * (the title keeps the stripper off it), or an empty prompt row seen with
 * echo off, says so for the session (blind_ends).
 */
static int
stream_echo_hidden(const struct sl_prompt *ps)
{
	return !ps->signals && !ps->blind_ends;
}

/*
 * With echo off the tty (dash's canonical mode) and busybox (which then
 * reads without its editor, so without its cursor query) show nothing of
 * the line, not even its Enter: the command's output follows the prompt
 * on its row.  readline (bracketed paste) shows nothing either, but its
 * rows stay empty; zsh's, fish's and mksh's editors echo anyway, and a
 * row where an editor started has turned echo_off back (note_signals).
 * A stream has no such signals: there dash's and busybox's prompts, and
 * readline's as far as the stream tells (stream_echo_hidden).
 */
static int
echo_hidden(const struct sl_prompt *ps, const char *s, size_t plen)
{
	if (!ps->echo_off || ps->paste > 0 || ps->zsh_marked || ps->sh.fish ||
	    ps->mksh_seen)
		return 0;
	return ps->signals || ps->path_prompt || prompt_match_bare(s, plen) > 0 ||
	    stream_echo_hidden(ps);
}

/* A streamed prompt row left empty while echo is off (stream_echo_hidden):
 * not dash's or busybox's, whose blind lines never end their row. */
static void
note_blind_end(struct sl_prompt *ps, const char *s, size_t n, size_t plen)
{
	if (ps->echo_off && !ps->signals && n <= plen && !ps->path_prompt &&
	    prompt_match_bare(s, plen) == 0)
		ps->blind_ends = 1;
}

/*
 * The prompt proper (k bytes at p, "$ " too short to tell) again inside
 * the line s[0, n): Ctrl-L's clear, stripped, glued the line drawn again
 * at the top to the line it cut ("vm% echo tvm% echo two").
 */
static int
prompt_again(const char *p, size_t k, const char *s, size_t n)
{
	return k >= 3 && p[k - 1] == ' ' && memmem(s, n, p, k) != NULL;
}

/*
 * In a stream: does what is left of the row's edits, or its width, say
 * the command shown may not be what ran?  (stream.c)
 */
static int
stream_unsure(struct sl_prompt *ps, const char *s, size_t n, size_t plen)
{
	size_t at;

	/* fish's moves on a row it fits were read (fish_cr_move): the
	 * edits the stripper left are not lost ones. */
	if (ps->signals || ps->pwsh || ps->fish_kept)
		return 0;
	/* The prompt proper: after zsh's mark, or less's last words. */
	at = ps->stream.prompt_at;
	if (at > plen)
		at = 0;		/* the row was taken by another matcher */
	ps->stream.kind = ps->path_prompt ? SL_STREAM_CUTS :
	    prompt_match_bare(s + at, plen - at) == plen - at ?
	    SL_STREAM_CANON :
	    SL_STREAM_EDITOR;
	return sl_stream_unsure(&ps->stream, ps->row_flags, s + at, n - at,
	    plen - at) || prompt_again(s + at, plen - at, s + plen, n - plen);
}

/*
 * *dst = s[0, n) up to a NUL, as sl_xstrndup() would give it, in storage
 * kept from one command row to the next (*cap bytes): no allocation per
 * command.  Freed by sl_prompt_reset() and sl_prompt_free().
 */
static void
keep_str(char **dst, size_t *cap, const char *s, size_t n)
{
	n = strnlen(s, n);
	if (n >= *cap) {
		*cap = n < 64 ? 128 : 2 * n;
		*dst = sl_xrealloc(*dst, *cap);
	}
	memcpy(*dst, s, n);
	(*dst)[n] = '\0';
}

/* Row flags that say the command row's text is unsure. */
#define ROW_UNSURE	(SL_ROW_UNPLACED | SL_ROW_WRAP_UNSURE | SL_ROW_GREY_DROPPED | \
		    SL_ROW_PAD_UNSURE)

/*
 * readline's search over a multi-line entry or a wrapped line draws its
 * lines on rows of their own (elements, in a stream), then the search's
 * own line again after moves the stripper took, cut: "t': echo hotel808
 * alpha" (bash-al2023 32), the line's second half (bash-debian 27).  The
 * entry's lines come one under another; the redraw comes after an empty
 * row (the element of a move), and is no line of the command, which the
 * search row already stands for, flagged.  For a command row flagged
 * (row_doubts); command() clears it for every other.
 */
#define SEARCH_RECALL	1
#define SEARCH_GAP	2

static void
note_search_rows(struct sl_prompt *ps)
{
	if (!ps->signals && (ps->row_flags & SL_ROW_STREAM_SEARCH))
		ps->search_rows = SEARCH_RECALL;
}

/*
 * What a command row with a doubt says: the bytes cannot tell its text
 * (SL_MARK_UNCERTAIN), or a clear cut it before Enter (Ctrl-L mid-line):
 * the line goes on where it is drawn again, so a quote it left open
 * opens no continuation, and in a stream the row after it may be that
 * redraw (after_clear).  Called when one of command()'s tests held; for
 * a cut row they are made again, past the one for the cut, and
 * stream_unsure (which keeps state) is then reached only here.
 */
static unsigned	row_doubts(struct sl_prompt *, const char *, size_t, size_t)
		    __attribute__((noinline));

static unsigned
row_doubts(struct sl_prompt *ps, const char *s, size_t n, size_t plen)
{
	if (!(ps->row_flags & SL_ROW_CLEARED)) {
		note_search_rows(ps);
		return SL_MARK_UNCERTAIN;
	}
	ps->open = 0;
	ps->after_clear = !ps->signals;
	if (unknowable_text(ps, s + plen, n - plen) ||
	    (ps->row_flags & ROW_UNSURE) || echo_hidden(ps, s, plen) ||
	    stream_unsure(ps, s, n, plen) || scroll_mark(ps, s + plen, n - plen))
		return SL_MARK_CLEARED | SL_MARK_UNCERTAIN;
	return SL_MARK_CLEARED;
}

/* A new command's shell state: field by field, not memset() over the
 * delimiter's 64 bytes (a string: its first byte says it is unset);
 * every command row comes here. */
static void
shell_reset(struct shell *sh)
{
	sh->quote = 0;
	sh->depth = 0;
	sh->heredoc[0] = '\0';
	sh->heredoc_dash = 0;
	sh->heredoc_next = 0;
	sh->fish = 0;
}

/* exit or logout, maybe with a status. */
static int
leaves_shell(const char *s, size_t n)
{
	size_t k;

	if (n < 4 || (s[0] != 'e' && s[0] != 'l'))
		return 0;
	if (n >= 4 && memcmp(s, "exit", 4) == 0)
		k = 4;
	else if (n >= 6 && memcmp(s, "logout", 6) == 0)
		k = 6;
	else
		return 0;
	if (k < n && s[k++] != ' ')
		return 0;
	while (k < n && isdigit((unsigned char)s[k]))
		k++;
	return k == n;
}

/*
 * A prompt without the signals this session's prompts carry, right after
 * exit or logout: the shell that took it ended, and the session goes on
 * in the one it was started from, which may give none (SSM's sh is dash:
 * `bash` there, later `exit` back to dash's bare "$ ").  Its prompts are
 * learnt again (signalled).  Asked only where the strict rule would make
 * the row output: no cost on the common path.
 */
static int
left_shell(struct sl_prompt *ps)
{
	if (ps->last_cmd == NULL || !leaves_shell(ps->last_cmd,
	    strlen(ps->last_cmd)))
		return 0;
	ps->signalled = 0;
	return 1;
}

/*
 * A streamed row fish's mark leads, whose prompt and line fit on one
 * line of the terminal: fish pads its mark `⏎` with blanks to the width,
 * then (its CR stripped) `⏎ ` and the prompt.  A longer line wrapped,
 * and fish's CR then went to a later line's start, which the stream
 * does not show.  Bytes count at least the columns.
 */

static int
fish_fits(const char *s, size_t n)
{
	size_t p = 3;

	if (n < 3 || memcmp(s, FISH_MARK, 3) != 0)
		return 0;
	while (p < n && s[p] == ' ')
		p++;
	if (n - p < 4 || memcmp(s + p, FISH_MARK " ", 4) != 0)
		return 0;
	return n - (p + 4) < p - 2;	/* the mark's cell and its blanks */
}

/* A command row; fish_marked: its prompt is after fish's mark. */
static enum sl_prompt_class
command(struct sl_prompt *ps, const char *s, size_t n, size_t plen,
    int fish_marked)
{
	int echo;

	if (ps->silent_cancels)
		silent_row(ps, s, n, plen);
	ps->prev_cmd = 1;
	ps->cmd_end = 0;	/* sl_prompt_note_line_end */
	ps->fresh_prompt = (ps->row_flags & (SL_ROW_PASTE | SL_ROW_PASTE_OFF |
	    SL_ROW_BELL)) == SL_ROW_PASTE;
	ps->last_cmd_row = n > plen;
	ps->cmd_at = (unsigned)ps->rows;
	ps->stream_first = 0;
	ps->stream.searched = 0;
	ps->zsh_cmd = ps->zsh_marked;
	ps->suggested = 0;
	ps->search_rows = 0;	/* row_doubts: a flagged search's */
	ps->accepted = 0;
	ps->last_cmd_history = 0;
	shell_reset(&ps->sh);
	ps->sh.fish = !ps->pwsh && fish_prompt(s, plen);
	ps->fish_seen |= ps->sh.fish || fish_marked;
	ps->paste_prompt = (ps->row_flags & SL_ROW_PASTE) != 0;
	if (ps->paste == 0 && !ps->mksh_seen)	/* mksh sets no paste */
		ps->mksh_seen = mksh_prompt(s, plen) ||
		    (plen > 0 && scroll_mark(ps, s + plen, n - plen));
	ps->fish_blank = fish_marked && n <= plen;
	ps->open = !ps->pwsh && prompt_shell_scan(&ps->sh, s + plen, n - plen);
	/* A line left open goes on on rows fish draws below and climbs
	 * back over: only a closed one is read.  (fish_settle clears the
	 * flag at the next row, before any other command row.) */
	if (fish_marked)
		ps->fish_kept = n > plen && !ps->open &&
		    (ps->row_flags & SL_ROW_STREAM_KEPT) != 0 && fish_fits(s, n);
	ps->switched = switches_user(s + plen, n - plen);
	keep_str(&ps->last_prompt, &ps->last_prompt_cap, s, plen);
	if (cancelled(ps, s + plen, n - plen)) {
		ps->marks |= SL_MARK_CANCELLED;
		ps->fish_kept = 0;
		ps->open = 0;
		ps->switched = 0;
		ps->after_cancel = 1;
	} else if (n <= plen) {
		note_blind_end(ps, s, n, plen);
	} else {
		/* One test on the common path for both (row_doubts). */
		if (unknowable_text(ps, s + plen, n - plen) ||
		    (ps->row_flags & (ROW_UNSURE | SL_ROW_CLEARED)) ||
		    echo_hidden(ps, s, plen) || stream_unsure(ps, s, n, plen) ||
		    scroll_mark(ps, s + plen, n - plen))
			ps->marks |= row_doubts(ps, s, n, plen);
		/* readline's rows never hide a line (echo_hidden): no scan. */
		if (ps->paste == 0 &&
		    (echo = echo_after(s + plen, n - plen)) >= 0)
			ps->echo_off = echo;
		if (uses_history(s + plen, n - plen)) {
			ps->marks |= SL_MARK_HISTORY;
			ps->last_cmd_history = 1;
		}
		ps->cmds++;
		keep_str(&ps->last_cmd, &ps->last_cmd_cap, s + plen, n - plen);
		/* A line drawn again keeps what its first drawing said. */
		if (!(ps->marks & SL_MARK_REDRAW)) {
			ps->last_signed =
			    (ps->row_flags & (SL_ROW_TITLE | SL_ROW_BELL)) != 0;
			ps->last_pasted = (ps->row_flags & SL_ROW_PASTE) != 0;
			ps->last_kept = (ps->row_flags &
			    (SL_ROW_TITLE | SL_ROW_PASTE)) != 0;
		}
	}
	return SL_PROMPT_CMD;
}

/*
 * A continuation row; "> ^C" cancels the whole command.  The prompt
 * after it is one after a cancelled line, as after a command row's ^C:
 * fish's comes without a signal (fish-custom 54, a two-line line its
 * history pager recalled, then ^C on its second row).
 */
static enum sl_prompt_class
continuation(struct sl_prompt *ps, const char *s, size_t n, size_t plen)
{
	ps->stream_first = 0;
	ps->cmd_end = 0;
	if (cancelled(ps, s + plen, n - plen)) {
		ps->marks |= SL_MARK_CANCELLED | SL_MARK_GROUP;
		ps->open = 0;
		ps->after_cancel = 1;
	} else if (!ps->pwsh) {
		ps->open = prompt_shell_scan(&ps->sh, s + plen, n - plen);
		/* In a stream, the command is the sum of its lines. */
		if (!ps->signals && ps->zsh_cmd &&
		    sl_stream_cont_unsure(ps->row_flags, s, n, plen))
			ps->marks |= SL_MARK_PREV_UNCERTAIN;
	}
	return SL_PROMPT_CONT;
}

/* zsh's PS2, "%_> ": the parser states it waits in, then "> ". */
static size_t
match_zsh_cont(const char *s, size_t n)
{
	static const char *const states[] = { "for", "while", "until",
	    "repeat", "select", "foreach", "if", "then", "else", "elif",
	    "case", "cmdor", "cmdand", "pipe", "errpipe", "subsh", "cursh",
	    "cmdsubst", "mathsubst", "quote", "dquote", "bquote", "heredoc",
	    "heredocd", "brace", "braceparam", "function", "always", "math",
	    "cond", "array" };
	size_t i = 0, w, k, nstates = sizeof(states) / sizeof(states[0]);

	for (;;) {
		w = i;
		while (i < n && i < PROMPT_MAX && islower((unsigned char)s[i]))
			i++;
		/* Only a word before "> " or " " can be a state: most rows
		 * (the row after each command) end here. */
		if (i >= n || (s[i] != '>' && s[i] != ' '))
			return 0;
		for (k = 0; k < nstates &&
		    !prompt_word_is(s + w, i - w, states[k]); k++)
			;
		if (k == nstates || i >= n)
			return 0;
		if (s[i] == '>')
			return prompt_end(s, n, i);
		if (s[i] != ' ')
			return 0;
		i++;
	}
}

/*
 * fish continues an open block or quote on the next row, indented to
 * at least the prompt's width (and further inside a block).
 */
static size_t
match_fish_cont(const struct sl_prompt *ps, const char *s, size_t n)
{
	size_t i = 0, w = prompt_columns(ps->last_prompt);

	while (i < n && s[i] == ' ')
		i++;
	return i >= w && i < n ? i : 0;
}

/* The last command's prompt is a two-line prompt's arrow ("❯ "). */
static int
arrow_prompt(const struct sl_prompt *ps)
{
	return ps->last_prompt != NULL &&
	    prompt_match_arrow(ps->last_prompt, strlen(ps->last_prompt)) > 0;
}

/* sh's "> ", maybe after readline's vi mode ("(ins)> "). */
static size_t
match_gt_cont(const char *s, size_t n)
{
	/* readline's "(ins)" only: fish's modes start with '[' */
	size_t m = s[0] == '(' ? prompt_skip_vi_mode(s, n, 0) : 0;

	if (m >= n || s[m] != '>')
		return 0;
	return m + 1 == n ? m + 1 : s[m + 1] == ' ' ? m + 2 : 0;
}

/* A continuation row: "> " (shell PS2), ">> " (PowerShell), zsh's,
 * fish's indented rows. */
static size_t
match_cont(struct sl_prompt *ps, const char *s, size_t n)
{
	size_t plen = 0;

	if (!ps->prev_cmd)
		return 0;
	if (n >= 2 && s[0] == '>' && s[1] == '>' && (ps->pwsh || ps->open))
		plen = n == 2 ? 2 : s[2] == ' ' ? 3 : 0;
	else if (ps->open && n >= 1 && (s[0] == '>' || s[0] == '('))
		plen = match_gt_cont(s, n);
	else if (ps->open && ps->sh.fish)
		plen = match_fish_cont(ps, s, n);
	else if (ps->open && arrow_prompt(ps) &&
	    (plen = match_fish_cont(ps, s, n)) > 0)
		ps->sh.fish = 1;	/* fish indents where others print "> ":
					   after a prompt of any shell's ("❯ "),
					   an indented row tells fish */
	else if (!ps->pwsh)
		plen = match_zsh_cont(s, n);
	return plen;
}

/*
 * A line of a multi-line entry that readline draws from its history (a
 * here-document or a loop recalled with Ctrl-R or Up; bash keeps them
 * whole under lithist): rows of their own with no "> ", below the
 * prompt, before Enter.  Only readline writes rows between a fresh
 * prompt (paste on) and Enter (paste off), and while the command is
 * unfinished they are its lines; the lines typed at "> " each came
 * after an Enter (accepted), so they never take this path.  fish's
 * lines are indented (match_fish_cont); a row of its below the line
 * that is not is its pager's, and a flagged search's end at an empty
 * row (note_search_rows, sl_prompt_stream_row).
 */
static int
recalled_line(const struct sl_prompt *ps, size_t n, unsigned flags)
{
	return ps->fresh_prompt && ps->prev_cmd && ps->open &&
	    !ps->accepted && !ps->sh.fish && n > 0 &&
	    !(flags & (SL_ROW_PASTE | SL_ROW_PASTE_OFF | SL_ROW_TITLE)) &&
	    ps->search_rows != SEARCH_GAP;
}

/* Is s[0, k) the prompt of the last command row? */
static int
same_prompt(const struct sl_prompt *ps, const char *s, size_t k)
{
	return ps->last_prompt != NULL && strlen(ps->last_prompt) == k &&
	    memcmp(ps->last_prompt, s, k) == 0;
}

/*
 * The row's line editor started reading at byte e, past column 0.  bash
 * turns bracketed paste on before its prompt: in a session where it does
 * so at column 0, this is a prompt drawn after output that did not end
 * its line ("donesh-5.2$ ls").  zsh and busybox mark the end of the
 * prompt instead, whatever its shape: it runs to e, and ends in a space
 * unless nothing was typed (trailing space is trimmed).
 */
static size_t
match_editor(struct sl_prompt *ps, const char *s, size_t n, size_t e)
{
	size_t i, k;

	if (e == 0 || e > n)
		return 0;
	if (ps->paste > 0) {
		if ((k = match_shape_ps(ps, s + e, n - e)) > 0 ||
		    (k = prompt_match_bare(s + e, n - e)) > 0)
			return e + k;
		return 0;
	}
	/* The editor started with a line already in it (zsh's hist_verify
	 * put the expansion of !! there): the prompt is the last one. */
	k = ps->last_prompt != NULL ? strlen(ps->last_prompt) : 0;
	if (k > 0 && k < e && s[e - 1] != ' ' && same_prompt(ps, s, k)) {
		if (ps->last_cmd_history)
			ps->marks |= SL_MARK_REDRAW;
		return k;
	}
	if (e > PROMPT_MAX || (e < n && s[e - 1] != ' '))
		return 0;
	for (i = 0; i < e; i++)
		if (s[i] != ' ') {
			ps->editors++;
			return e;
		}
	return 0;
}


/*
 * bash draws its prompt and line again after Ctrl-L or a Tab listing
 * without turning bracketed paste on, which it does before every new
 * line; in between it never turned paste off (that is Enter).  So the
 * same prompt again, with no paste on and no Enter, is the same line.
 */
static int
is_redraw(const struct sl_prompt *ps, const char *s, size_t k,
    unsigned flags)
{
	return ps->paste > 0 && !ps->accepted && !(flags & SL_ROW_PASTE) &&
	    same_prompt(ps, s, k);
}

/*
 * A prompt row without a signal that still is one: a redraw of the line
 * (marked), or the prompt right after a line cancelled with ^C (nothing
 * ran, and fish neither turns paste on again nor sets the title).
 */
static int
unsignalled_prompt(struct sl_prompt *ps, const char *s, size_t k,
    unsigned flags, int after_cancel)
{
	if (after_cancel)
		return same_prompt(ps, s, k);
	if (is_redraw(ps, s, k, flags)) {
		ps->marks |= SL_MARK_REDRAW;
		return 1;
	}
	return 0;
}

/* Does the line s[0, n) go on from the last command's text? */
static int
goes_on(const struct sl_prompt *ps, const char *s, size_t n)
{
	size_t lc = ps->last_cmd != NULL ? strlen(ps->last_cmd) : 0;

	return n >= lc && memcmp(s, ps->last_cmd, lc) == 0;
}

/*
 * bash without bracketed paste (Amazon Linux 2's 4.2, or turned off),
 * where PROMPT_COMMAND sets the title before each new line: after a Tab
 * listing or Ctrl-L readline draws the prompt and the line again, with
 * no title.  The same prompt without one, after a command row that had
 * one or ended on the completion bell, and the line it holds going on
 * from the last command's text, is that line drawn again.  Where
 * prompts set no title (SSM's `sh`), the prompt of every new line lacks
 * one: `cd /var/log` then `cd /var/log/nginx` are two commands.
 */
static int
title_redraw(struct sl_prompt *ps, const char *s, size_t n, size_t k,
    unsigned flags)
{
	if (ps->paste > 0 || (flags & (SL_ROW_TITLE | SL_ROW_PASTE)) ||
	    !ps->last_signed || !line_again(ps, s, n, k))
		return 0;
	ps->marks |= SL_MARK_REDRAW;
	return 1;
}

/*
 * In a stream, bash's line drawn again after a Tab listing that rang no
 * bell (show-all-if-ambiguous, menu-complete; bash-completion's and vi
 * mode's set-ups): bash turns paste on before the prompt of every new
 * line, and the title's BEL keeps the stripper off the element, so a row
 * that kept its escapes and shows the last command row's prompt without
 * paste on, its line going on from that row's text, is that line drawn
 * again.  The listing is all that came between, so it is often in a
 * later event than the line: tty.c holds the line's records for it.
 */
static int
stream_redraw(struct sl_prompt *ps, const char *s, size_t n, size_t k,
    unsigned flags)
{
	/* The same event: the listing's output rows, then the line drawn
	 * again with none of the escapes the new line's prompt kept (a
	 * fresh prompt after Enter carries them again; bash-vi 1). */
	int listed;

	if (ps->signals)
		return 0;
	listed = ps->last_kept && (unsigned)ps->rows - ps->cmd_at > 1 &&
	    !(flags & (SL_ROW_TITLE | SL_ROW_PASTE));
	if ((!listed && (!ps->last_pasted ||
	    (flags & SL_ROW_PASTE) || !(flags & SL_ROW_STREAM_KEPT))) ||
	    !line_again(ps, s, n, k))
		return 0;
	ps->marks |= SL_MARK_REDRAW;
	return 1;
}

/*
 * mksh's Ctrl-L writes CR LF, then its prompt and the line again, on the
 * next row; its Enter ends the row so too, with one CR more (CR CR LF).
 * So the same prompt right below a command row, its line going on from
 * that row's, may be the line drawn again (the row above never ran) or a
 * command that printed nothing and the next typed after it (`clear`
 * twice).  script's log keeps the CRs: the row's line end tells them
 * apart (cmd_end: 1 as the log's own, Ctrl-L's; 2 one CR more, Enter's).
 * A stream strips them: there the row above is flagged, never guessed.
 * (mksh12, mksh18, issue 12)
 */
static __attribute__((noinline)) int
mksh_redraw(struct sl_prompt *ps, const char *s, size_t n, size_t k)
{
	if (!ps->prev_cmd || ps->open || ps->cmd_end == 2 ||
	    !line_again(ps, s, n, k))
		return 0;
	ps->marks |= ps->cmd_end == 1 ? SL_MARK_REDRAW :
	    SL_MARK_PREV_UNCERTAIN;
	return 1;
}

/* A shape's prompt row without a signal: the line drawn again, as each
 * shell does it (their marks), or a prompt after a cancelled line. */
static inline int
drawn_again(struct sl_prompt *ps, const char *s, size_t n, size_t k,
    unsigned flags, int after_cancel)
{
	return unsignalled_prompt(ps, s, k, flags, after_cancel) ||
	    (ps->signals && title_redraw(ps, s, n, k, flags)) ||
	    stream_redraw(ps, s, n, k, flags) ||
	    (ps->mksh_seen && mksh_redraw(ps, s, n, k));
}

/*
 * busybox draws the line again after a Tab listing: the last prompt at
 * column 0, without the cursor query that starts each new line.
 */
static size_t
match_quiet_redraw(struct sl_prompt *ps, const char *s, size_t n,
    size_t edit_at)
{
	size_t k;

	if (!quiet_editor(ps) || edit_at > 0 || ps->last_prompt == NULL)
		return 0;
	k = strlen(ps->last_prompt);
	if (k == 0 || k >= n || !same_prompt(ps, s, k))
		return 0;
	/* With echo off busybox reads without its editor, so without the
	 * query: a new line, its text unknown (echo_hidden).  It asks only
	 * when no key waits: a line typed ahead while the last command ran
	 * starts without the query too.  The line drawn again goes on from
	 * the last command's text; another line may be typeahead (the last
	 * one ran) or the line edited back after a listing (it did not). */
	if (!ps->echo_off)
		ps->marks |= goes_on(ps, s + k, n - k) ? SL_MARK_REDRAW :
		    SL_MARK_PREV_UNCERTAIN;
	return k;
}

/*
 * In a stream, the row after a line that Ctrl-L's clear cut (its escapes
 * kept: the title's BEL) is that line drawn again at the top, with no
 * signal of its own to tell it from output: the prompt as last drawn,
 * but without the zsh or fish mark the stream had glued in front of it,
 * and after blanks where the CR that took the cursor back to the
 * prompt's start was dropped (fish).
 */
static size_t
match_after_clear(const struct sl_prompt *ps, const char *s, size_t n)
{
	const char *p = ps->last_prompt;
	size_t k, at, width, blanks = 0;

	if (p == NULL)
		return 0;
	k = strlen(p);
	while (blanks < n && s[blanks] == ' ')
		blanks++;
	s += blanks;
	n -= blanks;
	if ((at = prompt_zsh_mark_end(p, k, &width)) > 0) {
		p += at;
		k -= at;
	} else if ((at = match_shape_ps(ps, s, n)) > 0 && at < k) {
		p += k - at;	/* fish's mark before it */
		k = at;
	}
	return k > 0 && k <= n && memcmp(s, p, k) == 0 ? blanks + k : 0;
}

/* What a streamed row's kept escapes say about the session.  Cold: out
 * of the way of raw logs' rows, whose classification it would slow. */
static __attribute__((noinline, cold)) void
note_stream_row(struct sl_prompt *ps, unsigned flags)
{
	ps->stream_titled |= (flags & SL_ROW_STREAM_TITLED) != 0;
	ps->blind_ends |= (flags & SL_ROW_PASTE) != 0;
}

/*
 * The row after a fish line read from its moves (fish_kept).  fish's
 * Enter ends the line with CR LF and turns paste off at the next row's
 * start; any other row there (its Tab pager, the rest of a wrapped
 * line, drawn below and climbed back over with CUU) says the edits went
 * on out of the row read, and the row is not the line that ran.
 */
static void
fish_settle(struct sl_prompt *ps, unsigned flags)
{
	if (!(flags & SL_ROW_PASTE_OFF))
		ps->marks |= SL_MARK_PREV_UNCERTAIN;
	ps->fish_kept = 0;
}

/* What the row's signals say about the session and the last command. */
static int
note_signals(struct sl_prompt *ps, size_t n, unsigned flags, size_t edit_at)
{
	/* zsh frameworks set the title before a command's output too: in
	 * a session of zsh-like prompts it says nothing. */
	unsigned sig = ps->editors > 0 ? SL_ROW_PASTE :
	    SL_ROW_PASTE | SL_ROW_TITLE;
	int signal = ps->signals && ((flags & sig) || edit_at > 0);

	if (!ps->signals) {
		note_stream_row(ps, flags);
		if (ps->fish_kept)
			fish_settle(ps, flags);
		return 0;
	}
	if (flags & SL_ROW_PASTE_OFF)
		ps->accepted = 1;
	if (flags & SL_ROW_PASTE)
		ps->paste++;
	/* A line editor started on the row: it shows what is typed (zsh's
	 * and fish's whatever the tty says, busybox's only with echo on). */
	if (edit_at > 0)
		ps->echo_off = 0;
	if (signal && n > 0)
		ps->signalled++;
	return signal;
}

/*
 * less's last prompt (":", or "(END)" after its status) where the pager
 * left it: in a stream the bytes that erased it were stripped, and the
 * shell's prompt follows on the same row.  Returns the length of the
 * pager's part and the prompt after it, 0 if that is not a prompt.
 */
#define PAGER_STATUS_MAX	80

static size_t
match_after_pager(struct sl_prompt *ps, const char *s, size_t n)
{
	const char *end = sl_find(s, SL_MIN(n, PAGER_STATUS_MAX), "(END)", 5);
	size_t at, k;

	if (n > 1 && s[0] == ':')
		at = 1;
	else if (end != NULL)
		at = (size_t)(end - s) + 5;
	else
		return 0;
	if ((k = prompt_match_path_prompt(s + at, n - at)) > 0)
		ps->path_prompt = 1;	/* busybox's, until the row is done */
	else if ((k = match_shape_ps(ps, s + at, n - at)) == 0 &&
	    ((k = prompt_match_bare(s + at, n - at)) == 0 ||
	    strchr(ps->bare, s[at]) == NULL))
		return 0;
	/* ...drawn again, as after a line killed or completed */
	k = at + last_copy(ps, s, s + at, n - at, k);
	ps->pager_len = (unsigned)at;	/* at most PAGER_STATUS_MAX + 5 */
	return k;
}

/*
 * oh-my-zsh's title hooks set the title as a command starts (preexec,
 * at the start of the command's first element of output) and again
 * after the mark (precmd).  In a stream a command that printed nothing
 * leaves the first at the start of the next prompt's element, which the
 * stripper keeps whole (the title ends with BEL): SL_ROW_STREAM_TITLED.
 * A line cancelled with Ctrl-C leaves none, and zsh echoes nothing for
 * it.  So in a session whose elements begin with titles, a silent
 * command before a mark row without one did not start.
 */
static int
zsh_titled_silence(const struct sl_prompt *ps)
{
	return ps->stream_titled &&
	    !(ps->row_flags & SL_ROW_STREAM_TITLED) &&
	    sl_prompt_silent_so_far(ps);
}

/*
 * Streams only: a prompt behind zsh's or fish's mark.  Returns the
 * length of mark and prompt, 0 if none; *fish: the mark was fish's.
 */
static size_t
match_stream_mark(struct sl_prompt *ps, const char *s, size_t n, int *fish)
{
	size_t k, mark_at;

	if (ps->signals)
		return 0;
	ps->stream.width = ps->stream.prompt_at = 0;
	ps->path_prompt = 0;
	if ((k = prompt_match_zsh_mark(&ps->stream, s, n, &mark_at,
	    shape_gates(ps))) > 0) {
		/* zsh echoes nothing for Ctrl-C, and the stream has lost the
		 * keypad bytes that tell it in raw logs: a command with
		 * nothing between it and the next prompt may not have run.
		 * Nor one left open: zsh took it with its PS2 below
		 * (zsh_below_open), so a prompt there says the line was
		 * drawn before Enter (a suggestion's rows typed over). */
		if (sl_prompt_silent_so_far(ps) ||
		    (ps->zsh_cmd && ps->prev_cmd && ps->open))
			ps->marks |= SL_MARK_PREV_UNCERTAIN;
		ps->zsh_marked = 1;
		return k;
	}
	/* zsh's mark before a prompt left empty (its closing blank
	 * trimmed): a search under it is a new one, with a row of its own
	 * to stand for its command (search_row).  And the silent command
	 * before it was cancelled, where zsh would have set the title as
	 * it began (zsh_titled_silence). */
	if (mark_at > 0) {
		ps->stream.searched = 0;
		if (zsh_titled_silence(ps))
			ps->marks |= SL_MARK_PREV_UNCERTAIN;
	}
	ps->zsh_marked = 0;
	ps->last_cmd_row = 0;
	if ((k = match_after_pager(ps, s, n)) > 0)
		return k;
	k = prompt_match_fish_mark(s, n, shape_gates(ps));
	*fish = k > 0;
	return k;
}

/*
 * A streamed command row whose prompt followed less's last words
 * (match_after_pager): the prompt is kept as the shell draws it again,
 * without them (a Tab listing's redraw: stream_redraw); and the row was
 * not empty when the prompt's title or paste came, so only the element's
 * kept escapes tell that it kept them.  Cold, as note_stream_row.
 */
static __attribute__((noinline, cold)) void
after_pager(struct sl_prompt *ps, const char *s, size_t plen)
{
	size_t at = ps->pager_len;

	ps->pager_len = 0;
	keep_str(&ps->last_prompt, &ps->last_prompt_cap, s + at, plen - at);
	/* command() keeps what a new line's first drawing said */
	if (ps->last_cmd_row &&
	    !(ps->marks & (SL_MARK_REDRAW | SL_MARK_CANCELLED)) &&
	    (ps->row_flags & SL_ROW_STREAM_KEPT))
		ps->last_kept = 1;
}

/*
 * zsh draws its history search on the row under an empty prompt and
 * moves up to show the match there: in a stream the two land on rows of
 * their own, and the command that ran is somewhere in the search's rows.
 * The first of them that is no prompt stands for it, flagged (stream.c
 * sees the search).
 */
static int
search_row(const struct sl_prompt *ps, size_t n)
{
	return !ps->signals && !ps->pwsh && !ps->stream.searched && n > 0 &&
	    (ps->row_flags & SL_ROW_STREAM_SEARCH);
}

/*
 * fish draws its line with CR and cursor-forward on the prompt's row,
 * but a history search (its pager) or a line of several rows is drawn
 * below it: in a stream the prompt's row stays empty and the line that
 * ran lands on the next row.  That row stands for the command, flagged:
 * the stripped line is not there to read.  So does zsh's search row
 * (search_row; stream.c saw the search).
 */
static enum sl_prompt_class
stand_in(struct sl_prompt *ps, const char *s, size_t n, size_t *plen)
{
	int fish = ps->fish_blank;
	enum sl_prompt_class cls = command(ps, s, n, 0, 0);

	if (fish)
		ps->marks |= SL_MARK_UNCERTAIN;
	else
		ps->stream.searched = 1;
	*plen = 0;
	return cls;
}

/* A command row after busybox's prompt, known by its shape (a stream). */
static enum sl_prompt_class
path_command(struct sl_prompt *ps, const char *s, size_t n, size_t k,
    size_t *plen)
{
	enum sl_prompt_class cls;

	/* Its Tab completion draws the prompt and line again, and in a
	 * stream without the CR before them: the line is the last copy's. */
	k = last_copy(ps, s, s, n, k);
	ps->path_prompt = 1;
	cls = command(ps, s, n, k, 0);
	ps->path_prompt = 0;
	*plen = k;
	return cls;
}

/* A two-line prompt's second line (prompt_match_arrow), where the row or the
 * line before it has a signal; drawn again after a Tab listing when
 * paste was not turned on. */
static size_t
match_second_line(struct sl_prompt *ps, const char *s, size_t n,
    unsigned flags, int signalled)
{
	size_t k;

	if (!ps->signals || !signalled || (k = prompt_match_arrow(s, n)) == 0)
		return 0;
	unsignalled_prompt(ps, s, k, flags | ps->first_flags, 0);
	return k;
}

/*
 * fish's mark leading the row in a stream, with both its characters cut
 * ("\xef\xbf\xbd", blanks to the width, "\xef\xbf\xbd ", the first line of a
 * two-line prompt): after Ctrl-C fish sets no title, so the stripper
 * takes every escape of the row, and nothing but the mark says a
 * prompt's first line is there (fish-custom seeds 1, 5, 8).
 */
static int
cut_fish_mark_row(const char *s, size_t n)
{
	size_t i = 3;

	if (n < 3 + ZSH_MARK_SPACES + 3 || memcmp(s, CUT_CHAR, 3) != 0)
		return 0;
	while (i < n && s[i] == ' ')
		i++;
	return i - 3 >= ZSH_MARK_SPACES && n - i >= 3 &&
	    memcmp(s + i, CUT_CHAR, 3) == 0;
}

/*
 * In a stream, a row below an unfinished zsh command row (`echo "first
 * mike`, `cat <<EOF`, `for i in 1 2 3`) that is not zsh's PS2: a line
 * zsh took would have been followed by "dquote> ", so the row was drawn
 * before Enter.  zsh-autosuggestions draws the newest history entry that
 * starts with what was typed after the cursor, and a multi-line one runs
 * onto rows below; the stripper took its colour and the climb back
 * (CUU), so the key typed next lands on the entry's last row, where the
 * line is drawn again over it (`EOch     cho foxtrot632 ...`).  A
 * recalled entry is drawn the same way, and runs whole.  So the command
 * row may not be what ran (flagged), and the first row below it whose
 * element moved back (text after its last control is not all of it)
 * stands for the line typed over the entry, flagged: without it that
 * command would be listed nowhere.  The rows may come in later events:
 * tty.c holds the command row for them.  A prompt there (the line typed
 * over cancelled) flags the command row the same way: match_stream_mark.
 */
static enum sl_prompt_class	zsh_below_open(struct sl_prompt *,
		    const char *, size_t, size_t *) __attribute__((noinline));

static enum sl_prompt_class
zsh_below_open(struct sl_prompt *ps, const char *s, size_t n, size_t *plen)
{
	enum sl_prompt_class cls;

	if (!ps->suggested)
		ps->marks |= SL_MARK_PREV_UNCERTAIN;
	ps->suggested = 1;
	if (SL_ROW_STREAM_TAIL(ps->row_flags) >= n)
		return SL_PROMPT_NONE;
	cls = command(ps, s, n, 0, 0);
	ps->marks |= SL_MARK_UNCERTAIN;
	*plen = 0;
	return cls;
}

/*
 * A row of output (n bytes) ends what a command row began.  It may be a
 * prompt's first line: its signals (or the prompt after a cancelled
 * line) are for the line after it (match_second_line).
 */
static enum sl_prompt_class
output_row(struct sl_prompt *ps, const char *s, size_t n, unsigned flags,
    size_t edit_at, int signalled, size_t *plen)
{
	if (!ps->signals && n > 0 && (ps->suggested ||
	    (ps->zsh_cmd && ps->prev_cmd && ps->open)) &&
	    zsh_below_open(ps, s, n, plen) != SL_PROMPT_NONE)
		return SL_PROMPT_CMD;
	ps->first_line = signalled && n > 0;
	ps->first_flags = flags;
	/* In a stream the row kept its escapes (the title's BEL kept
	 * the stripper off it), paste maybe after less's last words. */
	ps->stream_first = !ps->signals && n > 0 &&
	    ((flags & (SL_ROW_PASTE | SL_ROW_TITLE)) || edit_at > 0);
	if (!ps->signals && n > 0 && memmem(s, n, FISH_MARK, 3) != NULL) {
		ps->fish_seen = 1;
	}
	/* The cut mark alone is any box table's empty row ("│", blanks,
	 * "│", cut the same way): fish's only where fish showed itself. */
	if ((ps->stream_first && memmem(s, n, FISH_MARK, 3) != NULL) ||
	    (!ps->signals && ps->fish_seen && cut_fish_mark_row(s, n)))
		ps->stream_first = STREAM_FISH_FIRST;
	if (n > 0 || !ps->open)
		ps->prev_cmd = 0;
	if (n > 0)
		ps->switched = 0;
	return SL_PROMPT_NONE;
}

/*
 * A two-line prompt's second line: its arrow whole (match_second_line),
 * or in a stream cut (prompt_match_cut_arrow).  There fish draws its right
 * prompt after every key and moves back over it, and the stripper took
 * the moves: the right prompt is glued into the line, or is all the row
 * holds when the line went on below.  Flagged there.
 */
static enum sl_prompt_class
second_line(struct sl_prompt *ps, const char *s, size_t n, unsigned flags,
    int signalled, size_t *plen)
{
	int first = ps->stream_first;
	enum sl_prompt_class cls;
	size_t k;

	if ((k = match_second_line(ps, s, n, flags, signalled)) == 0 &&
	    (!first || (k = prompt_match_cut_arrow(s, n)) == 0))
		return SL_PROMPT_NONE;
	cls = command(ps, s, n, k, 0);
	if (first == STREAM_FISH_FIRST)
		ps->marks |= SL_MARK_UNCERTAIN;
	*plen = k;
	return cls;
}

/*
 * In a stream, a prompt drawn inside its row: readline climbed into a
 * line it wrapped (CUU) and went back to the line's start with a CR to
 * draw the prompt again, and the agent dropped the CR, so the prompt
 * landed over the middle of the old line ("(jammy)nobo(j(jammy)nobody@vm:
 * ~/work (main)$ ho julie", bash-git 8 at 40 columns, the width learnt
 * from an earlier climb).  Only rows whose element drew a prompt (paste
 * on, a title) are searched, and any program can print those: for each
 * '@' the shape is tried only where it can start, at the run of name
 * bytes before the '@' (the user) or at the few prefixes a shape allows
 * in front of it ('[', a "(jammy)" or "(venv) ", a vi mode), at most
 * four tries of bounded length per '@', so a row costs linear time.
 * Returns the end of its last copy, 0 if none.
 */
#define GLUED_SCAN_MAX	4096	/* longer rows are not searched */

/* Where a vi mode ("(ins)", "[I] ") ends at s[r], or r. */
static size_t
glued_mode_start(const char *s, size_t r, unsigned gates)
{
	if (r >= 5 && prompt_skip_vi_mode(s + r - 5, 5, gates) == 5)
		return r - 5;
	if (r >= 4 && prompt_skip_vi_mode(s + r - 4, 4, gates) == 4)
		return r - 4;
	return r;
}

static size_t
match_glued_prompt(struct sl_prompt *ps, const char *s, size_t n)
{
	const char *at = s, *end = s + n;
	size_t start[4], i, j, k, m, r;

	if (ps->signals || n > GLUED_SCAN_MAX ||
	    !(ps->row_flags & (SL_ROW_PASTE | SL_ROW_TITLE)))
		return 0;
	while ((at = memchr(at, '@', (size_t)(end - at))) != NULL) {
		r = (size_t)(at - s);
		while (r > 0 && prompt_is_name(s[r - 1]))
			r--;
		m = 0;
		start[m++] = r;			/* user@host */
		if (r > 0 && s[r - 1] == '[')
			start[m++] = --r;	/* [user@host dir] */
		/* prompt_skip_env's "(jammy)" glued on, or "(venv) " */
		j = r > 0 && s[r - 1] == ' ' ? r - 1 : r;
		if (j > 1 && s[j - 1] == ')') {
			for (i = j - 1; i > 0 && j - i < 64 && s[i - 1] != '(' &&
			    s[i - 1] != ')' && s[i - 1] != ' '; i--)
				;
			if (i > 0 && s[i - 1] == '(' &&
			    prompt_skip_env(s + i - 1, n - (i - 1)) ==
			    r - (i - 1))
				start[m++] = r = i - 1;
		}
		if ((i = glued_mode_start(s, r, shape_gates(ps))) < r)
			start[m++] = i;
		/* Outermost first, as a scan from the left would find. */
		while (m-- > 0) {
			i = start[m];
			ps->glued_tries++;
			if (i > 0 && (k = match_shape_ps(ps, s + i,
			    n - i)) > 0)
				return i + last_copy(ps, s, s + i, n - i, k);
		}
		at++;
	}
	return 0;
}

/*
 * Can no matcher of sl_prompt_classify_at() take the row?  Most rows of
 * a raw log are output, and this answers for them from the state and a
 * few bytes, before the matchers walk the row.  In a session whose
 * prompts carry signals, on a row without user patterns, without a
 * signal of its own (paste, title, an editor's column), not right after
 * a command or continuation row (prev_cmd) and not under busybox's quiet
 * redraws, only a shape can make a prompt, and every shape needs one of
 * these first bytes ("PS", sh-4.2$, "$ ") or an '@' (user@host,
 * [user@host dir]).  PASTE_OFF (a line accepted) is no signal, but its
 * row is left to the matchers as well.  Keep it
 * in step with the matchers: it may say 0 for a row that is output,
 * never 1 for one that is not.
 */
static inline int
surely_none(const struct sl_prompt *ps, const char *s, size_t n,
    unsigned flags, size_t edit_at)
{
	if (ps->user != NULL || !ps->signals || ps->prev_cmd || edit_at > 0 ||
	    ps->first_line ||
	    (flags & (SL_ROW_PASTE | SL_ROW_TITLE | SL_ROW_PASTE_OFF)) ||
	    quiet_editor(ps) || n == 0)
		return 0;
	switch (s[0]) {
	case 'P': case 's': case 'b': case 'z': case 'k': case 'd':
	case '$': case '#': case '%':
		return 0;
	default:
		return memchr(s, '@', n) == NULL && !window_end(s, n);
	}
}

void
sl_prompt_stream_row(struct sl_prompt *ps, int blank_end, int empty,
    int padded)
{
	ps->stream.blank_end = blank_end;
	ps->stream_padded = padded;
	if (empty && ps->search_rows)
		ps->search_rows = SEARCH_GAP;	/* recalled_line */
}

unsigned long
sl_prompt_glued_tries(const struct sl_prompt *ps)
{
	return ps->glued_tries;
}

int
sl_prompt_surely_none(const struct sl_prompt *ps, const char *s, size_t n,
    unsigned flags, size_t edit_at)
{
	return surely_none(ps, s, n, flags, edit_at);
}

/*
 * A row of an mksh session (mksh_seen, and no signals: mksh's prompts
 * carry none), led by no prompt and ending in mksh's window mark for
 * more on the left ("<", or "*" with more on the right too): the line
 * being typed, scrolled past its prompt (scroll_mark).  What ran is the
 * whole line, which the row does not hold: a command, flagged.  Else
 * such a row is output (a C comment's " *").
 */
static __attribute__((noinline)) enum sl_prompt_class
scrolled_window(struct sl_prompt *ps, const char *s, size_t n,
    unsigned flags, size_t *plen)
{
	enum sl_prompt_class cls;

	if (!ps->mksh_seen || ps->signalled > 0 || ps->paste > 0 ||
	    ps->last_prompt == NULL || (flags & (SL_ROW_PASTE | SL_ROW_TITLE)))
		return SL_PROMPT_NONE;
	*plen = 0;
	cls = command(ps, s, n, 0, 0);
	ps->marks |= SL_MARK_UNCERTAIN;
	return cls;
}

enum sl_prompt_class
sl_prompt_classify(struct sl_prompt *ps, const char *s, size_t n,
    unsigned flags, size_t *plen)
{
	return sl_prompt_classify_at(ps, s, n, flags, 0, plen);
}

/*
 * A busy prompt (match_decorated) on a streamed row whose element begins
 * by setting a title, as on one that turned paste on: Liquid Prompt's
 * title, which the stripper keeps whole with the prompt's escapes, or
 * one cut at the last event's end (a multi-line command named in it)
 * that tty.c took up again, where the stripper took the prompt's escapes
 * and its paste: the title right before it signals a prompt as paste
 * turned on would.  Judged as match_shape_ps's rows are in a stream.
 */
static size_t
titled_decorated(struct sl_prompt *ps, const char *s, size_t n,
    int after_cancel)
{
	size_t k;

	if (!(ps->row_flags & SL_ROW_STREAM_TITLED) ||
	    (k = prompt_match_shape(s, n, shape_gates(ps) | SHAPE_DECORATED)) == 0)
		return 0;
	(void)(unsignalled_prompt(ps, s, k, ps->row_flags, after_cancel) ||
	    stream_redraw(ps, s, n, k, ps->row_flags));	/* their marks */
	return last_copy(ps, s, s, n, k);
}

/*
 * A stream's rows only (no cost on the others): the row after a line a
 * clear cut, which no matcher before took, is tried as its redraw (the
 * flag waits for such a row); a busy prompt after a title; then a
 * prompt led by its folder.
 */
static enum sl_prompt_class
stream_prompt(struct sl_prompt *ps, const char *s, size_t n,
    int after_cancel, size_t *plen)
{
	size_t k;

	if ((k = titled_decorated(ps, s, n, after_cancel)) > 0) {
		*plen = k;
		return command(ps, s, n, k, 0);
	}
	if (ps->after_clear) {
		ps->after_clear = 0;
		if ((k = match_after_clear(ps, s, n)) > 0) {
			*plen = k;
			return command(ps, s, n, k, 0);
		}
	}
	if ((k = prompt_match_path_prompt(s, n)) > 0)
		return path_command(ps, s, n, k, plen);
	return SL_PROMPT_NONE;
}

/*
 * The prompt's length when s, a bare "$ " or "# " row (prompt_match_bare: k),
 * is a prompt, else 0.  The session's bare prompt is learnt from a
 * signalled row, its first row, or the row right after a switch to root.
 */
static size_t
bare_prompt(struct sl_prompt *ps, const char *s, size_t n, size_t k,
    int signal, int first, int after_cancel)
{
	size_t nb = strlen(ps->bare);

	if (strchr(ps->bare, s[0]) == NULL && nb < 2 &&
	    (signal || first || (ps->switched && s[0] == '#'))) {
		ps->bare[nb] = s[0];
		ps->bare[nb + 1] = '\0';
	}
	if (strchr(ps->bare, s[0]) == NULL || !(!ps->signals || signal ||
	    ps->signalled < STRICT_AFTER ||
	    unsignalled_prompt(ps, s, k, ps->row_flags, after_cancel) ||
	    left_shell(ps)))
		return 0;
	/* "$ $ ls": a line typed blind that printed nothing. */
	return ps->echo_off ? prompt_skip_repeat(s, n, k) : k;
}

enum sl_prompt_class
sl_prompt_classify_at(struct sl_prompt *ps, const char *s, size_t n,
    unsigned flags, size_t edit_at, size_t *plen)
{
	int first = ps->rows == 0, signal, after_cancel, fish = 0, first_line;
	enum sl_prompt_class cls;
	size_t k;

	ps->marks = 0;
	ps->row_flags = flags;
	signal = note_signals(ps, n, flags, edit_at);
	after_cancel = ps->after_cancel;
	ps->after_cancel = 0;
	if (n > 0)
		ps->rows++;
	if (surely_none(ps, s, n, flags, edit_at))
		goto output;
	first_line = ps->first_line;
	ps->first_line = 0;
	if ((k = match_user(ps->user, s, n)) > 0) {
		*plen = k;
		return command(ps, s, n, k, 0);
	}
	if ((k = match_stream_mark(ps, s, n, &fish)) > 0) {
		*plen = k;
		cls = command(ps, s, n, k, fish);
		if (ps->pager_len > 0)
			after_pager(ps, s, k);
		return cls;
	}
	if ((k = match_cont(ps, s, n)) > 0 || recalled_line(ps, n, flags)) {
		*plen = k;
		return continuation(ps, s, n, k);
	}
	if (signal && (k = match_editor(ps, s, n, edit_at - 1)) > 0) {
		*plen = k;
		return command(ps, s, n, k, 0);
	}
	if ((k = match_quiet_redraw(ps, s, n, edit_at)) > 0) {
		*plen = k;
		return command(ps, s, n, k, 0);
	}
	if ((k = match_shape_ps(ps, s, n)) > 0) {
		int again = drawn_again(ps, s, n, k, flags, after_cancel);

		if (!ps->signals)
			k = last_copy(ps, s, s, n, k);
		/* A session whose prompts carry signals: output without one
		 * that merely looks like a prompt is output. */
		if (ps->signals && !signal && !again &&
		    ps->signalled >= STRICT_AFTER && !left_shell(ps))
			goto output;
		*plen = k;
		return command(ps, s, n, k, 0);
	}
	if (!ps->signals && (cls = stream_prompt(ps, s, n, after_cancel,
	    plen)) != SL_PROMPT_NONE)
		return cls;
	if ((k = prompt_match_bare(s, n)) > 0 &&
	    (k = bare_prompt(ps, s, n, k, signal, first, after_cancel)) > 0) {
		*plen = k;
		return command(ps, s, n, k, 0);
	}
	cls = second_line(ps, s, n, flags, signal || first_line, plen);
	if (cls != SL_PROMPT_NONE)
		return cls;
	if ((ps->fish_blank && n > 0) || search_row(ps, n))
		return stand_in(ps, s, n, plen);
	if ((k = match_glued_prompt(ps, s, n)) > 0) {
		*plen = k;
		cls = command(ps, s, n, k, 0);
		ps->marks |= SL_MARK_UNCERTAIN;	/* what the CR cut is gone */
		return cls;
	}
	if (window_end(s, n) &&
	    (cls = scrolled_window(ps, s, n, flags, plen)) != SL_PROMPT_NONE)
		return cls;
output:
	return output_row(ps, s, n, flags, edit_at, signal || after_cancel,
	    plen);
}
