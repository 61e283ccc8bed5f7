/*
 * prompt_shapes.c: the built-in shapes of a prompt at the start of a row:
 * user@host and bracketed prompts, shell versions, PowerShell, paths,
 * zsh's and fish's themes and marks, vi modes, git and status segments,
 * arrows.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "render/prompt_stats.h"
#include "prompt.h"

/* ------------------------------------------------------ built-in shapes */

size_t
prompt_skip_vi_mode(const char *s, size_t n, unsigned gates)
{
	if (n >= 5 && s[0] == '(' && s[4] == ')' &&
	    (memcmp(s + 1, "ins", 3) == 0 || memcmp(s + 1, "cmd", 3) == 0))
		return 5;
	if (!(gates & SHAPE_FISH) || n < 4 || s[0] != '[' || s[2] != ']' ||
	    s[3] != ' ')
		return 0;
	return s[1] == 'I' || s[1] == 'N' || s[1] == 'R' || s[1] == 'V' ? 4 : 0;
}

/* "(venv) " and similar prefixes in front of a prompt; Debian's and
 * Ubuntu's chroot name, "(jammy)user@host:~$ ", comes without the space. */
size_t
prompt_skip_env(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] != '(')
		return 0;
	for (i = 1; i < n && i < 64 && s[i] != ')' && s[i] != ' '; i++)
		;
	if (i + 1 < n && s[i] == ')' && s[i + 1] == ' ')
		return i + 2;
	if (i + 1 < n && i > 1 && s[i] == ')' && prompt_is_name(s[i + 1]))
		return i + 1;
	return 0;
}

/*
 * git's prompt helper after the folder: " (main)", " (main *+)",
 * " ((a1b2c3d...))" for a detached head, " (main|MERGING)".  s[i] is
 * the space; returns where the segment ends, 0 if there is none.
 */
static size_t
skip_git(const char *s, size_t n, size_t i)
{
	size_t depth = 0;

	if (i + 2 >= n || s[i] != ' ' || s[i + 1] != '(')
		return 0;
	for (i++; i < n && i < PROMPT_MAX; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return 0;
}

/*
 * fish's default prompt shows the last command's status when it is not
 * 0, between the folder (and git's part) and "> ": "[1]", a pipeline's
 * "[0|1]", a signal's "[SIGINT]".  s[i] is the '['; returns where the
 * segment ends, 0 if there is none.
 */
static size_t
skip_fish_status(const char *s, size_t n, size_t i, unsigned gates)
{
	size_t from;

	if (!(gates & SHAPE_FISH) || i >= n || s[i] != '[')
		return 0;
	do {	/* each: digits, or a SIG name ("[0|SIGPIPE]") */
		from = ++i;
		if (n - i > 3 && memcmp(s + i, "SIG", 3) == 0)
			for (i += 3; i < n && i < PROMPT_MAX &&
			    s[i] >= 'A' && s[i] <= 'Z'; i++)
				;
		else
			while (i < n && i < PROMPT_MAX &&
			    s[i] >= '0' && s[i] <= '9')
				i++;
	} while (i > from && i < n && s[i] == '|' &&
	    (from + 3 != i || s[from] != 'S'));
	return i > from && i < n && s[i] == ']' &&
	    (i != from + 3 || s[from] != 'S') ? i + 1 : 0;
}

/* The last command's status in front of mksh's prompt (Debian's
 * /etc/mkshrc), when it was not 0: "130|user@host:dir $ ". */
static size_t
skip_status(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 3 && isdigit((unsigned char)s[i]))
		i++;
	return i > 0 && i < n && s[i] == '|' ? i + 1 : 0;
}

/* user@host:dir$  (Debian, Ubuntu)  user@host dir %  (zsh)
 * user@host dir>  root@host dir#  user@host dir [1]>  (fish) */
static size_t
match_userhost(const char *s, size_t n, unsigned gates)
{
	size_t i = prompt_skip_env(s, n), at;
	int colon;

	if (i == 0 && s[0] >= '1' && s[0] <= '9' && (gates & SHAPE_MKSH))
		i = skip_status(s, n);

	at = i;
	while (i < n && prompt_is_name(s[i]))
		i++;
	if (i == at || i >= n || s[i] != '@')
		return 0;
	at = ++i;
	while (i < n && prompt_is_name(s[i]))
		i++;
	if (i == at || i >= n || (s[i] != ':' && s[i] != ' '))
		return 0;
	colon = s[i] == ':';
	/* The directory: one word, then the prompt character, right after
	 * it (user@host:~$) or after a space (user@host ~ %). */
	for (i++; i < n && i < PROMPT_MAX; i++) {
		if (colon && (s[i] == '$' || s[i] == '#' || s[i] == '%'))
			return prompt_end(s, n, i);
		if (!colon && (s[i] == '>' || s[i] == '#') &&
		    (i + 1 == n || s[i + 1] == ' '))
			return prompt_end(s, n, i);
		if (s[i] == ' ') {
			size_t g = skip_git(s, n, i);

			if (g > 0 && !colon && g + 1 < n && s[g] == ' ')
				g++;	/* zsh's and fish's: "dir (main) % " */
			if (g > 0 && g < n && (s[g] == '$' || s[g] == '#' ||
			    s[g] == '%'))
				return prompt_end(s, n, g);
			if (!colon && (g = skip_fish_status(s, n,
			    g > 0 ? g : i + 1, gates)) > 0 && g < n &&
			    (s[g] == '>' || s[g] == '#'))
				return prompt_end(s, n, g);
			/* "user@host dir %", and mksh's Debian prompt
			 * "user@host:dir $" (its /etc/mkshrc: a directory,
			 * in a session that showed mksh). */
			if (i + 1 < n && (s[i + 1] == '$' ||
			    s[i + 1] == '#' || s[i + 1] == '%') &&
			    (!colon || ((gates & SHAPE_MKSH) &&
			    s[i - 1] != ':')))
				return prompt_end(s, n, i + 1);
			return 0;
		}
	}
	return 0;
}

/* [user@host dir]$  (Amazon Linux, RHEL) */
static size_t
match_bracket(const char *s, size_t n)
{
	size_t i = prompt_skip_env(s, n), from, lim = SL_MIN(n, PROMPT_MAX);
	const char *close;
	int at;

	if (i >= n || s[i] != '[')
		return 0;
	/* The first ']' before the limit (or the limit), and an '@' before
	 * it: two memchr()s, every prompt row of Amazon Linux comes here. */
	from = ++i;
	if (i < lim) {
		close = memchr(s + i, ']', lim - i);
		i = close != NULL ? (size_t)(close - s) : lim;
	}
	at = memchr(s + from, '@', i - from) != NULL;
	if (!at || i + 1 >= n || s[i] != ']')
		return 0;
	i++;
	if (s[i] == '$' || s[i] == '#' || s[i] == '%')
		return prompt_end(s, n, i);
	return 0;
}

/* sh-4.2$  bash-5.1#  (a shell with no PS1 of its own) */
static size_t
match_shver(const char *s, size_t n)
{
	static const char *const shells[] = { "sh-", "bash-", "zsh-", "ksh-",
	    "dash-" };
	size_t i, k;

	/* Every row comes here: their first letters turn most away. */
	if (n == 0 || (s[0] != 's' && s[0] != 'b' && s[0] != 'z' &&
	    s[0] != 'k' && s[0] != 'd'))
		return 0;
	for (k = 0; k < sizeof(shells) / sizeof(shells[0]); k++) {
		size_t l = strlen(shells[k]);

		if (n <= l || memcmp(s, shells[k], l) != 0)
			continue;
		i = l;
		if (!isdigit((unsigned char)s[i]))
			return 0;
		while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
			i++;
		if (i < n && (s[i] == '$' || s[i] == '#'))
			return prompt_end(s, n, i);
		return 0;
	}
	return 0;
}

/* PS C:\Users\me>  PS>  (PowerShell) */
size_t
prompt_match_pwsh(const char *s, size_t n)
{
	size_t i;

	if (n >= 3 && memcmp(s, "PS>", 3) == 0)
		return n == 3 ? 3 : s[3] == ' ' ? 4 : 3;
	if (n < 5 || memcmp(s, "PS ", 3) != 0)
		return 0;
	for (i = 3; i < n && i < PROMPT_MAX; i++)
		if (s[i] == '>')
			return prompt_end(s, n, i);
	return 0;
}

/*
 * busybox ash's default "\w \$ ": a path ("/tmp/work", "~/src"), a
 * space, "$" or "#".  In raw logs busybox's cursor query marks it; in a
 * stream that query is gone and the shape is all there is.
 */
size_t
prompt_match_path_prompt(const char *s, size_t n)
{
	size_t i;

	if (n < 3 || (s[0] != '/' && s[0] != '~'))
		return 0;
	for (i = 1; i < n && i < PROMPT_MAX && s[i] != ' '; i++)
		;
	if (i + 1 >= n || (s[i + 1] != '$' && s[i + 1] != '#'))
		return 0;
	return prompt_end(s, n, i + 1);
}

/*
 * zsh's default prompts: "host% " ("%m%# "), and oh-my-zsh's "➜  dir "
 * with "git:(branch) ✗ " after it.  The streaming stripper drops the C1
 * bytes inside "➜", which leaves U+FFFD.  Only taken after zsh's mark.
 */
static size_t
match_zsh_shape(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n && i < PROMPT_MAX && prompt_is_name(s[i]))
		i++;
	if (i > 0 && i < n && (s[i] == '%' || s[i] == '#'))
		return prompt_end(s, n, i);
	if (n < 6 || (memcmp(s, "\xe2\x9e\x9c  ", 5) != 0 &&
	    memcmp(s, "\xef\xbf\xbd  ", 5) != 0))
		return 0;
	for (i = 5; i < n && i < PROMPT_MAX && s[i] != ' '; i++)
		;
	if (i == 5 || i >= n)
		return 0;
	k = ++i;
	if (n - k > 5 && memcmp(s + k, "git:(", 5) == 0) {
		while (k < n && k < PROMPT_MAX && s[k] != ')')
			k++;
		if (k + 1 < n && s[k + 1] == ' ')
			i = k + 2;
		if (n - i >= 4 && memcmp(s + i, "\xe2\x9c\x97 ", 4) == 0)
			i += 4;
	}
	return i;
}

/*
 * The second line of a two-line prompt: "❯ " (starship, pure, fish
 * themes), "╰─❯ " (powerlevel10k, powerline-style), "└─$ " (Kali): an
 * optional run of box-drawing characters (U+2500-U+257F), then "❯", or
 * "$", "#", "%" after box drawing.  ("λ ~ " and "➜  dir " have a folder
 * after the arrow: not this shape.)  Taken only where a signal marks the
 * row or the line before it (the first line carries the signals a
 * prompt starts with).
 */
size_t
prompt_match_arrow(const char *s, size_t n)
{
	size_t i = 0;

	while (i + 3 <= n && i < PROMPT_MAX && (unsigned char)s[i] == 0xe2 &&
	    ((unsigned char)s[i + 1] == 0x94 || (unsigned char)s[i + 1] == 0x95))
		i += 3;
	if (i > 0 && i < n && (s[i] == '$' || s[i] == '#' || s[i] == '%'))
		return prompt_end(s, n, i);
	if (n - i >= 3 && memcmp(s + i, "\xe2\x9d\xaf", 3) == 0)
		return prompt_end(s, n, i + 2);
	return 0;
}

/*
 * The same arrow in a stream: the agent's stripper drops the bytes
 * 0x80-0x9f, inside "╰─❯" too, and the JSON keeps each broken sequence
 * as U+FFFD ("╰─❯ " streams as five of them, "❯ " as two, "└─$ " as two
 * and "$").  A run of at most STREAM_ARROW_MAX of them, maybe "$", "#"
 * or "%", one space and text: an empty line, or fish's mark (U+FFFD
 * then blanks) is not this.  Taken only right after a row the stripper
 * left whole that turned paste on or set the title (first line).
 */
#define STREAM_ARROW_MAX	6

size_t
prompt_match_cut_arrow(const char *s, size_t n)
{
	size_t i = 0;

	while (n - i >= 3 && i < 3 * STREAM_ARROW_MAX &&
	    memcmp(s + i, CUT_CHAR, 3) == 0)
		i += 3;
	if (i == 0)
		return prompt_match_arrow(s, n);
	if (i < n && (s[i] == '$' || s[i] == '#' || s[i] == '%'))
		i++;
	if (i + 1 < n && s[i] == ' ' && s[i + 1] != ' ')
		return i + 1;
	return 0;
}

/*
 * The prompt a row starts with was drawn twice: Amazon Linux 2's first
 * prompt is "sh-4.2$ \r\e[Ksh-4.2$ ", which the agent's streaming
 * stripper turns into "sh-4.2$ sh-4.2$ ".  Returns the length of the
 * repeated prompt.
 */
size_t
prompt_skip_repeat(const char *s, size_t n, size_t k)
{
	size_t one = k;

	if (one < 2 || s[one - 1] != ' ')
		return k;
	while (n - k >= one && memcmp(s + k, s, one) == 0)
		k += one;
	if (n - k == one - 1 && memcmp(s + k, s, one - 1) == 0)
		k = n;		/* the second copy's space was trimmed */
	return k;
}


/* A prompt's mark standing alone at s[j]: "$", "#", "%", ">", or one
 * character past ASCII (Liquid Prompt's git "\xc2\xb1", mercurial's
 * "\xe2\x98\xbf"), then a space or the row's end.  Its length, or 0. */
static size_t
lone_mark(const char *s, size_t n, size_t j)
{
	unsigned char c = (unsigned char)s[j];
	size_t l;

	if (c == '$' || c == '#' || c == '%' || c == '>')
		l = 1;
	else if (c >= 0xc2 && c < 0xe0)
		l = 2;
	else if (c >= 0xe0 && c < 0xf0)
		l = 3;
	else if (c >= 0xf0 && c < 0xf5)
		l = 4;
	else
		return 0;
	if (j + l > n || (j + l < n && s[j + l] != ' '))
		return 0;
	return l;
}

/*
 * A busy prompt (Liquid Prompt) on a row bash drew after turning paste
 * on: up to DECOR_WORDS indicators before user@host ("\xe2\x8c\x82" load,
 * "[1&]" jobs, battery), the folder, a branch with its state ("main*"),
 * then a lone mark.  The row's paste signal says a prompt starts here;
 * the first lone mark after user@host is where it ends (a folder or a
 * branch name is one word).  Rare: out of prompt_match_shape's way.
 */
#define DECOR_WORDS	4

static __attribute__((noinline)) size_t
match_decorated(const char *s, size_t n)
{
	size_t lim = SL_MIN(n, PROMPT_MAX), i, from = 0, words = 0, l;

	for (i = 0; i < lim && s[i] != '@'; i++)
		if (s[i] == ' ' && ++words <= DECOR_WORDS)
			from = i + 1;
	if (i == lim || words > DECOR_WORDS || i == from)
		return 0;
	while (from < i && prompt_is_name(s[from]))
		from++;
	if (from != i)
		return 0;	/* not user@: a word of another kind */
	for (i++; i < lim && prompt_is_name(s[i]); i++)
		;
	if (i == lim || (s[i] != ':' && s[i] != ' '))
		return 0;
	for (; i + 1 < lim; i++)
		if (s[i] == ' ' && (l = lone_mark(s, n, i + 1)) > 0)
			return prompt_end(s, n, i + l);
	return 0;
}

/* A structured prompt after a line editor's vi mode (one); rare, so
 * kept out of prompt_match_shape's way. */
static __attribute__((noinline)) size_t
match_moded_shape(const char *s, size_t n, unsigned gates)
{
	size_t mode = prompt_skip_vi_mode(s, n, gates), k;

	if (mode == 0 || prompt_skip_vi_mode(s + mode, n - mode, gates) > 0 ||
	    (k = prompt_match_shape(s + mode, n - mode, gates)) == 0)
		return 0;
	return mode + k;
}

/* Structured prompts, recognised by shape.  Keep surely_none in step
 * (the first bytes a shape may start with).  gates: which of the shapes
 * that need a session's or a row's say-so may be one (shape_gates). */
size_t
prompt_match_shape(const char *s, size_t n, unsigned gates)
{
	size_t k;

	if ((k = prompt_match_pwsh(s, n)) > 0 || (k = match_shver(s, n)) > 0)
		return prompt_skip_repeat(s, n, k);
	/* user@host and [user@host dir] both need an '@': one memchr()
	 * turns away the rows of output that reach here (a stream's). */
	if (memchr(s, '@', n) == NULL)
		return 0;
	if ((k = match_userhost(s, n, gates)) > 0 ||
	    (k = match_bracket(s, n)) > 0)
		return prompt_skip_repeat(s, n, k);
	if ((s[0] == '(' || s[0] == '[') &&
	    (k = match_moded_shape(s, n, gates)) > 0)
		return k;
	return gates & SHAPE_DECORATED ? match_decorated(s, n) : 0;
}

/* The first c in s[0, n) followed by at least ZSH_MARK_SPACES spaces,
 * or NULL.  Marks are rare and a memchr() per mark is cheap; a memchr()
 * per space, on rows of output, was not. */
static const char *
zsh_mark_at(const char *s, size_t n, char c)
{
	const char *p = s, *last;
	size_t i;

	if (n <= ZSH_MARK_SPACES)
		return NULL;
	last = s + n - ZSH_MARK_SPACES;
	while (p < last && (p = memchr(p, c, (size_t)(last - p))) != NULL) {
		for (i = 1; i <= ZSH_MARK_SPACES && p[i] == ' '; i++)
			;
		if (i > ZSH_MARK_SPACES)
			return p;
		p++;
	}
	return NULL;
}

/* Where the prompt after zsh's mark starts (the mark and its spaces
 * first, something after them), or 0; *width: mark and spaces. */
size_t
prompt_zsh_mark_end(const char *s, size_t n, size_t *width)
{
	const char *pct, *hash, *p, *end = s + n;
	size_t i;

	if (n < ZSH_MARK_SPACES + 2)
		return 0;
	pct = zsh_mark_at(s, n, '%');
	hash = zsh_mark_at(s, pct != NULL ? (size_t)(pct - s) : n, '#');
	if ((p = hash != NULL ? hash : pct) == NULL)
		return 0;
	for (i = 1; p + i < end && p[i] == ' '; i++)
		;
	if (p + i == end)
		return 0;	/* spaces to the end: nothing after a mark */
	*width = i;
	return (size_t)(p - s) + i;
}

/* The length of mark and prompt, or 0; *mark_at: where the prompt after a
 * mark starts (0: no mark), found once for both uses. */
size_t
prompt_match_zsh_mark(struct sl_stream *st, const char *s, size_t n,
    size_t *mark_at, unsigned gates)
{
	size_t width, at = *mark_at = prompt_zsh_mark_end(s, n, &width), k;

	if (at == 0)
		return 0;
	k = match_zsh_shape(s + at, n - at);
	if (k == 0)
		k = prompt_match_shape(s + at, n - at, gates);
	if (k == 0)
		return 0;
	/* The mark and its spaces are the width (only for a row taken
	 * here: stream_unsure). */
	st->width = width;
	st->prompt_at = at;
	return at + k;
}

/* "⏎", or U+FFFD where the streaming stripper cut its bytes. */
static int
fish_mark_char(const char *p, const char *end)
{
	return end - p >= 3 && (memcmp(p, FISH_MARK, 3) == 0 ||
	    memcmp(p, CUT_CHAR, 3) == 0);
}

/*
 * fish's mark for output without a newline, its CR dropped: "⏎", spaces
 * to the width, "⏎ " again, then the prompt (of a known shape).  In a
 * stream this is where fish's prompts are; the line after them is not
 * (fish redraws each key with CR and cursor-forward, and the CRs are
 * gone).  Returns the length of mark and prompt.
 */
size_t
prompt_match_fish_mark(const char *s, size_t n, unsigned gates)
{
	const char *p, *end = s + n;
	size_t i, k;

	/* Both marks start with a byte no ASCII row holds. */
	if (n < 3 + ZSH_MARK_SPACES || (memchr(s, 0xe2, n) == NULL &&
	    memchr(s, 0xef, n) == NULL))
		return 0;
	for (p = s; (p = memchr(p, ' ', (size_t)(end - p))) != NULL; p++) {
		if (p - s < 3 || !fish_mark_char(p - 3, end))
			continue;
		for (i = 0; p + i < end && p[i] == ' '; i++)
			;
		p += i;
		if (i < ZSH_MARK_SPACES)
			continue;
		if (fish_mark_char(p, end) && end - p > 3 && p[3] == ' ')
			p += 4;
		k = prompt_match_shape(p, (size_t)(end - p), gates);
		if (k == 0 && fish_mark_char(p, end))
			continue;	/* drawn twice (after echo off): the next */
		return k > 0 ? (size_t)(p - s) + k : 0;
	}
	return 0;
}
