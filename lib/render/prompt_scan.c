/*
 * prompt_scan.c: whether a command goes on to the next line: open quotes
 * and brackets, a trailing operator or backslash, shell keywords that open
 * a block (sh and fish), heredocs.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"
#include "render/prompt_stats.h"
#include "prompt.h"

/* ------------------------------------------------- unfinished commands */

/* fish: blocks open with these words and all close with "end". */
static void
fish_keyword(struct shell *sh, const char *w, size_t n, int *cmdpos)
{
	static const char *const opens[] = { "begin", "function", "switch",
	    "if", "for", "while" };
	size_t k;

	*cmdpos = prompt_word_is(w, n, "else") || prompt_word_is(w, n, "not") ||
	    prompt_word_is(w, n, "and") || prompt_word_is(w, n, "or") ||
	    prompt_word_is(w, n, "begin");
	for (k = 0; k < sizeof(opens) / sizeof(opens[0]); k++)
		if (prompt_word_is(w, n, opens[k]))
			sh->depth++;
	if (prompt_word_is(w, n, "end") && sh->depth > 0)
		sh->depth--;
}

/* A word at command position: does it open or close a compound? */
static void
keyword(struct shell *sh, const char *w, size_t n, int *cmdpos)
{
	static const char *const opens[] = { "if", "for", "while", "until",
	    "case", "select", "{", "(" };
	static const char *const closes[] = { "fi", "done", "esac", "}", ")" };
	static const char *const middles[] = { "then", "do", "else", "elif",
	    "!", "time" };
	size_t k;

	if (sh->fish) {
		fish_keyword(sh, w, n, cmdpos);
		return;
	}
	*cmdpos = 0;
	for (k = 0; k < sizeof(opens) / sizeof(opens[0]); k++)
		if (prompt_word_is(w, n, opens[k])) {
			sh->depth++;
			*cmdpos = k >= 6;	/* after { and ( a command */
			return;
		}
	for (k = 0; k < sizeof(closes) / sizeof(closes[0]); k++)
		if (prompt_word_is(w, n, closes[k])) {
			if (sh->depth > 0)
				sh->depth--;
			return;
		}
	for (k = 0; k < sizeof(middles) / sizeof(middles[0]); k++)
		if (prompt_word_is(w, n, middles[k]))
			*cmdpos = 1;
}

/* "<<EOF", "<< 'EOF'", "<<-EOF" at s (just past "<<"). */
static void
heredoc_start(struct shell *sh, const char *s, const char *end)
{
	size_t k = 0;
	int dash = 0;

	if (s < end && *s == '-') {
		dash = 1;
		s++;
	}
	while (s < end && *s == ' ')
		s++;
	if (s < end && (*s == '\'' || *s == '"' || *s == '\\'))
		s++;
	while (s + k < end && k < sizeof(sh->heredoc) - 1 &&
	    (isalnum((unsigned char)s[k]) || s[k] == '_'))
		k++;
	if (k > 0) {
		memcpy(sh->heredoc, s, k);
		sh->heredoc[k] = '\0';
		sh->heredoc_dash = dash;
		sh->heredoc_next = 1;
	}
}

/* Does this row close the pending here-document? */
static int
heredoc_end(struct shell *sh, const char *s, size_t n)
{
	/* Tabs before the delimiter of <<- render as spaces. */
	while (sh->heredoc_dash && n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n == strlen(sh->heredoc) && memcmp(s, sh->heredoc, n) == 0;
}

/* Can byte c (outside quotes) do more in prompt_shell_scan than go on a word?
 * A table: the loop that skips the inside of a word asks per byte. */
static const unsigned char word_end_byte[256] = {
	['\\'] = 1, ['\''] = 1, ['"'] = 1, [' '] = 1, ['\t'] = 1, [';'] = 1,
	['&'] = 1, ['|'] = 1, ['<'] = 1, ['>'] = 1,
};

static inline int
word_ends(int c)
{
	return word_end_byte[(unsigned char)c];
}

/* The bytes that can still change prompt_shell_scan's state once no keyword
 * can follow: quotes, escapes, command separators, here-documents,
 * comments. */
static const unsigned char shell_special[256] = {
	['\\'] = 1, ['\''] = 1, ['"'] = 1, [';'] = 1, ['&'] = 1, ['|'] = 1,
	['<'] = 1, ['#'] = 1,
};

static int
plain_rest(const char *p, const char *end)
{
	for (; p < end; p++)
		if (shell_special[(unsigned char)*p])
			return 0;
	return 1;
}

/*
 * The quote *p opens: its own byte, or '$' for bash's and zsh's $'...'
 * (ANSI-C quoting), where a backslash escapes the next byte, \' too.
 */
static char
quote_opened(const char *s, const char *p)
{
	return *p == '\'' && p > s && p[-1] == '$' &&
	    (p - s < 2 || p[-2] != '\\') ? '$' : *p;
}

/*
 * Scan one row of shell input, continuing the state.  Returns 1 when the
 * shell will want more input.
 */
int
prompt_shell_scan(struct shell *sh, const char *s, size_t n)
{
	const char *p = s, *end = s + n, *w = NULL, *last = NULL;
	int cmdpos = 1, trailing = 0;

	if (sh->heredoc[0] != '\0' && !sh->heredoc_next) {
		if (heredoc_end(sh, s, n))
			sh->heredoc[0] = '\0';
		return sh->heredoc[0] != '\0' || sh->depth > 0;
	}
	sh->heredoc_next = 0;
	for (; p <= end; p++) {
		int c = p < end ? (unsigned char)*p : ' ';

		if (sh->quote != 0) {
			if (c == '\\' && sh->quote != '\'' && p + 1 < end)
				p++;
			else if (p < end && (c == sh->quote ||
			    (c == '\'' && sh->quote == '$')))
				sh->quote = 0;
			continue;
		}
		if (c == '\\' && p + 1 < end) {
			if (w == NULL)
				w = p;
			p++;
			continue;
		}
		if (c == '\'' || c == '"') {
			if (w == NULL)
				w = p;
			sh->quote = quote_opened(s, p);
			continue;
		}
		if (w != NULL && !word_ends(c)) {
			/* Inside a word: skip to the next byte that may end or
			 * quote it (most bytes of a command row). */
			while (p + 1 < end && !word_ends((unsigned char)p[1]))
				p++;
			continue;
		}
		if (c == '#' && w == NULL)
			break;		/* a comment runs to the end */
		if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' ||
		    c == '<' || c == '>') {
			if (w != NULL) {
				if (cmdpos) {
					keyword(sh, w, (size_t)(p - w), &cmdpos);
					/* Past the command's name (most rows: "ls
					 * -la /tmp"), words with none of those
					 * bytes after them change nothing: only
					 * how the row ends counts. */
					if (!cmdpos && (c == ' ' || c == '\t' ||
					    c == '>') && plain_rest(p + 1, end))
						break;
				}
				w = NULL;
			}
			if (c == '<' && p + 1 < end && p[1] == '<' &&
			    (p + 2 >= end || p[2] != '<')) {
				heredoc_start(sh, p + 2, end);
				p++;
			}
			if (c == ';' || c == '&' || c == '|')
				cmdpos = 1;
			continue;
		}
		if (w == NULL)
			w = p;
	}
	/* What the row ends with: backslash, pipe, && or ||. */
	for (last = end; last > s && last[-1] == ' '; last--)
		;
	if (last > s && sh->quote == 0) {
		trailing = last[-1] == '\\' || last[-1] == '|' ||
		    (last - s >= 2 && last[-1] == '&' && last[-2] == '&');
	}
	return sh->quote != 0 || sh->depth > 0 || sh->heredoc[0] != '\0' ||
	    trailing;
}
