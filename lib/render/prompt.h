/*
 * prompt.h: prompt recognition's state (struct sl_prompt, the user's
 * prompt patterns) shared by the files of lib/render/prompt*.c, and the
 * few functions that cross them.  Internal: only those files include it.
 * (made by the split tool)
 */
#ifndef SL_RENDER_PROMPT_H
#define SL_RENDER_PROMPT_H
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "render/prompt_stats.h"

#define PROMPT_MAX	256	/* a longer prefix is not a prompt */

/*
 * Shell input state carried from a command row to its continuation rows:
 * an open quote, compound commands still open (for/if/case/{/( ...), a
 * pending here-document.  Enough of sh(1)'s grammar to know when the
 * shell will ask for more with its "> " prompt, no more.
 */
struct shell {
	char quote;		/* ' or " while a quote is open, $ in $'...' */
	int depth;		/* open compound commands */
	char heredoc[64];	/* delimiter of a pending here-document */
	int heredoc_dash;	/* <<-: the delimiter may be indented */
	int heredoc_next;	/* the document starts on the next row */
	int fish;		/* fish's grammar: blocks close with "end" */
};

/* [A-Za-z0-9_.-]: isalnum() in the C locale (the tools never set one)
 * and three more, as a table: every output row's first word comes here. */
static const unsigned char prompt_name_byte[256] = {
	['-'] = 1, ['.'] = 1, ['_'] = 1,
	['0'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['A'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1,
	['a'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1,
};

/*
 * A line editor's vi mode in front of the prompt: fish's
 * (fish_default_mode_prompt) "[I] " insert, "[N] " normal, "[R] "
 * replace, "[V] " visual; readline's (show-mode-in-prompt, its default
 * strings) "(ins)" or "(cmd)", glued to the prompt, to the "> " of a
 * continuation row too.
 */
/*
 * prompt_match_shape's gates.  SHAPE_FISH: the shapes only fish draws may be
 * prompts (shape_fish).  SHAPE_DECORATED: so may match_decorated's busy
 * prompts, on a row that turned bracketed paste on or after a prompt
 * bash drew so (its redraws after a Tab listing or Ctrl-L come without
 * paste; after Enter the strict signals make output of what it takes).
 */
#define SHAPE_FISH	1u
#define SHAPE_DECORATED	2u
#define SHAPE_MKSH	4u	/* mksh's spaced and status prompts (shape_mksh) */
#define CUT_CHAR	"\xef\xbf\xbd"	/* U+FFFD */
#define FISH_MARK	"\xe2\x8f\x8e"	/* "⏎", kept whole on rows the
						   stripper left alone */

/*
 * zsh draws its missing-newline mark before every prompt: "%" (or "#"
 * for root), then spaces to the width, then CR.  Where the streaming
 * agent dropped the CR, "%" and a row of spaces stand in front of the
 * prompt, after output that did not end its line if there was some.  A
 * prompt of zsh's shapes right after it is a prompt, whatever else the
 * stripper took away.  Returns the length of mark and prompt.
 */
#define ZSH_MARK_SPACES	(SL_STREAM_MIN_WIDTH - 1)	/* the narrowest terminal, less one */

/* Defined in one file of prompt, used by another. */
size_t	prompt_skip_vi_mode(const char *s, size_t n, unsigned gates);
size_t	prompt_skip_env(const char *s, size_t n);
size_t	prompt_match_pwsh(const char *s, size_t n);
size_t	prompt_match_path_prompt(const char *s, size_t n);
size_t	prompt_match_arrow(const char *s, size_t n);
size_t	prompt_match_cut_arrow(const char *s, size_t n);
int	prompt_shell_scan(struct shell *sh, const char *s, size_t n);
size_t	prompt_skip_repeat(const char *s, size_t n, size_t k);
size_t	prompt_match_shape(const char *s, size_t n, unsigned gates);
size_t	prompt_zsh_mark_end(const char *s, size_t n, size_t *width);
size_t	prompt_match_zsh_mark(struct sl_stream *st, const char *s, size_t n,
    size_t *mark_at, unsigned gates);
size_t	prompt_match_fish_mark(const char *s, size_t n, unsigned gates);

/*
 * After a prompt character at s[i]: a space then the command, or the end
 * of the row (trailing space was trimmed).  Returns the prompt length.
 */
static inline size_t
prompt_end(const char *s, size_t n, size_t i)
{
	if (i + 1 == n)
		return n;
	if (s[i + 1] == ' ')
		return i + 2;
	return 0;
}

static inline int
prompt_is_name(int c)
{
	return prompt_name_byte[(unsigned char)c];
}

/* "$ " or "# " or "% " on its own.  Keep surely_none in step. */
static inline size_t
prompt_match_bare(const char *s, size_t n)
{
	if (n >= 1 && (s[0] == '$' || s[0] == '#' || s[0] == '%'))
		return prompt_end(s, n, 0);
	return 0;
}

static inline int
prompt_word_is(const char *w, size_t n, const char *kw)
{
	size_t i;

	/* One walk that stops at the first difference (most words at the
	 * first letter), no strlen(): every command's first word comes
	 * here for each keyword.  A NUL in w matches no keyword. */
	for (i = 0; i < n; i++)
		if (kw[i] != w[i] || kw[i] == '\0')
			return 0;
	return n > 0 && kw[n] == '\0';
}

#endif /* SL_RENDER_PROMPT_H */
