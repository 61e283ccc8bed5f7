/*
 * pwsh-transcript: an S3 session log from a Windows node, a Windows
 * PowerShell 5.1 transcript of the agent's logger shell (BOM, CRLF):
 *
 *	\xef\xbb\xbf**********************
 *	Windows PowerShell transcript start
 *	Start time: 20240502091407
 *	Username: WORKGROUP\SYSTEM
 *	Machine: EC2AMAZ-4KD1R2B (Microsoft Windows NT 10.0.17763.0)
 *	...
 *	**********************
 *	Transcript started, output file is C:\ProgramData\...\<sid>.log
 *	PS C:\Windows\system32> &'C:\Program Files\Amazon\SSM\ssm-session-
 *	  logger.exe' 'C:\ProgramData\...\ipcTempFile.log' true
 *	PS C:\Users\ssm-user> Get-Service
 *	...
 *	**********************
 *	Windows PowerShell transcript end
 *	End time: 20240502091512
 *	**********************
 *
 * Header and footer become session metadata; Start/End time are local
 * time with no zone and stay as written (start_local, end_local) unless
 * --tz names the zone.  The logger's own lines (its invocation, the
 * "Transcript started" line before it, its final `exit`) are dropped.
 * Server 2012 R2 and older logs went through the agent's
 * cleanControlCharacters, which deleted ESC bytes and left "[0m"-style
 * residue: that residue is removed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define STARS		"**********************"
#define BOM		"\xef\xbb\xbf"
#define STARTED		"Transcript started, output file is "
#define META_MAX	16

struct pw {
	struct sl_reader *rd;
	struct sl_tty *tty;
	char *sid, *principal, *target;
	int cleaned;		/* strip ESC-less residue */
	int logger;		/* the SSM logger ran this transcript */
	int header, footer;	/* blocks seen */
	int in_block;		/* 0 none, 1 header, 2 footer, 3 other */
	int block_first;	/* next line names the block */
	struct sl_buf held;	/* a line waiting for the next one */
	long long held_line;
	struct sl_kv meta[META_MAX];
	size_t nmeta;
	char *start_local, *end_local, *host;
	struct sl_buf line;	/* scratch */
	int first;		/* no line read yet */
	int started;		/* the session record is out */
};

static int
pw_probe(const unsigned char *p, size_t n, const char *name)
{
	const char *s = (const char *)p;
	size_t i;

	SL_UNUSED(name);
	if (n >= 3 && memcmp(s, BOM, 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (sl_starts(s, n, STARS) &&
	    memmem(s, SL_MIN(n, 256), "PowerShell transcript start", 27))
		return 100;
	/*
	 * Headerless logs (before 2012 R2): CRLF and PowerShell prompts.
	 * Only line starts can hold a prompt: hop from one to the next.
	 */
	for (i = 0; i + 5 < n; i++) {
		const char *nl;

		if (memcmp(s + i, "PS ", 3) == 0 &&
		    isalpha((unsigned char)s[i + 3]) && s[i + 4] == ':' &&
		    s[i + 5] == '\\' && memmem(s, n, "\r\n", 2) != NULL)
			return 40;
		if ((nl = memchr(s + i, '\n', n - i)) == NULL)
			break;
		i = (size_t)(nl - s);
	}
	return 0;
}

/*
 * ESC-less residue: "[0m", "[38;5;27m", "[?25h", "[24;1H"; "[m", "[K",
 * "[H", "[J" only when no letter follows, so "[mysql]" stays; and titles
 * "]0;text" up to their BEL.
 */
static size_t
residue_len(const char *s, size_t n)
{
	size_t i = 1;
	int digits = 0;
	const char *bel;

	if (n >= 3 && s[0] == ']' && (s[1] == '0' || s[1] == '2') &&
	    s[2] == ';' && (bel = memchr(s, '\a', n)) != NULL)
		return (size_t)(bel - s) + 1;
	if (n < 2 || s[0] != '[')
		return 0;
	if (s[i] == '?')
		i++;
	while (i < n && (isdigit((unsigned char)s[i]) || s[i] == ';')) {
		digits |= isdigit((unsigned char)s[i]) != 0;
		i++;
	}
	if (i >= n || !isalpha((unsigned char)s[i]))
		return 0;
	if (!digits && (i != 1 || strchr("mKHJ", s[i]) == NULL ||
	    (i + 1 < n && isalpha((unsigned char)s[i + 1]))))
		return 0;
	return i + 1;
}

static void
strip_residue(struct sl_buf *out, const char *p, size_t n)
{
	size_t i = 0, k;

	sl_buf_reset(out);
	while (i < n) {
		const char *q = memchr(p + i, '[', n - i), *r;

		r = memchr(p + i, ']', q != NULL ? (size_t)(q - p) - i : n - i);
		if (r != NULL)
			q = r;
		if (q == NULL) {
			sl_buf_add(out, p + i, n - i);
			break;
		}
		sl_buf_add(out, p + i, (size_t)(q - p) - i);
		i = (size_t)(q - p);
		if ((k = residue_len(p + i, n - i)) > 0)
			i += k;
		else
			sl_buf_addc(out, p[i++]);
	}
}

static size_t
trim_eol(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	return n;
}

static void
meta_add(struct pw *pw, const char *key, const char *v, size_t n)
{
	if (pw->nmeta == META_MAX || n == 0)
		return;
	pw->meta[pw->nmeta].key = key;
	pw->meta[pw->nmeta].val = sl_xstrndup(v, n);
	pw->nmeta++;
}

/* "Key: value" inside the header or footer block. */
static void
block_line(struct pw *pw, const char *p, size_t n)
{
	static const struct {
		const char *label, *key;
	} keys[] = {
		{ "Username: ", "username" },
		{ "RunAs User: ", "runas_user" },
		{ "Host Application: ", "host_application" },
		{ "Process ID: ", "process_id" },
		{ "PSVersion: ", "ps_version" },
		{ "PSEdition: ", "ps_edition" },
	};
	size_t i, l;

	n = trim_eol(p, n);
	if (pw->block_first) {
		pw->block_first = 0;
		if (memmem(p, n, "transcript start", 16) != NULL)
			pw->in_block = 1;
		else if (memmem(p, n, "transcript end", 14) != NULL)
			pw->in_block = 2;
		else
			pw->in_block = 3;
		return;
	}
	if (n > 12 && memcmp(p, "Start time: ", 12) == 0 && pw->in_block == 1) {
		free(pw->start_local);
		pw->start_local = sl_xstrndup(p + 12, n - 12);
	} else if (n > 10 && memcmp(p, "End time: ", 10) == 0 &&
	    pw->in_block == 2) {
		free(pw->end_local);
		pw->end_local = sl_xstrndup(p + 10, n - 10);
	} else if (n > 9 && memcmp(p, "Machine: ", 9) == 0) {
		const char *paren = memchr(p + 9, '(', n - 9);
		size_t hl = paren != NULL ? (size_t)(paren - p - 9) : n - 9;

		while (hl > 0 && p[9 + hl - 1] == ' ')
			hl--;
		free(pw->host);
		pw->host = sl_xstrndup(p + 9, hl);
		if (paren != NULL) {
			meta_add(pw, "os", paren + 1, (size_t)(p + n - paren -
			    1) - (p[n - 1] == ')'));
			/* Windows NT 6.x ran logs through cleanControlChars. */
			if (memmem(p, n, "NT 6.", 5) != NULL)
				pw->cleaned = 1;
		}
	} else {
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			l = strlen(keys[i].label);
			if (n > l && memcmp(p, keys[i].label, l) == 0)
				meta_add(pw, keys[i].key, p + l, n - l);
		}
	}
}

static void
emit_session(struct pw *pw, long long line, int final)
{
	struct sl_record r;
	struct sl_buf src;
	char start[25], end[25];
	long long ms;
	const char *tz = pw->rd->opts->tz;

	sl_buf_init(&src);
	sl_buf_printf(&src, "%s:%lld", pw->rd->name, line);
	sl_record_init(&r, SL_SESSION, pw->sid, src.buf);
	r.src_line = line;
	r.f[SL_F_PRINCIPAL] = pw->principal;
	r.f[SL_F_TARGET] = pw->target;
	r.f[SL_F_HOST] = pw->host;
	r.f[SL_F_ORIGIN] = "pwsh-transcript";
	r.f[SL_F_START_LOCAL] = pw->start_local;
	if (pw->start_local != NULL && tz != NULL &&
	    sl_time_local(pw->start_local, tz, &ms) == 0) {
		sl_time_format(ms, start);
		r.f[SL_F_START] = start;
		r.f[SL_F_START_SRC] = "pwsh-header";
	}
	if (final) {
		r.f[SL_F_END_LOCAL] = pw->end_local;
		if (pw->end_local != NULL && tz != NULL &&
		    sl_time_local(pw->end_local, tz, &ms) == 0) {
			sl_time_format(ms, end);
			r.f[SL_F_END] = end;
			r.f[SL_F_END_SRC] = "pwsh-footer";
		}
	} else {
		r.extra = pw->meta;
		r.nextra = pw->nmeta;
	}
	sl_emit(pw->rd, &r);
	sl_buf_free(&src);
}

static void
feed(struct pw *pw, const char *p, size_t n, long long line, int whole)
{
	sl_tty_set_line(pw->tty, line);
	if (pw->cleaned) {
		strip_residue(&pw->line, p, n);
		p = pw->line.buf;
		n = pw->line.len;
		/*
		 * A last line (no LF) of nothing but residue leaves no byte
		 * for the renderer to count: it shows nothing, like a
		 * blank row, so it is merged.  (A first piece of a longer
		 * line is counted with its LF.)
		 */
		if (n == 0) {
			if (whole)
				sl_count_merged(pw->rd, 1);
			return;
		}
	}
	sl_tty_feed(pw->tty, p, n);
}

static void
release(struct pw *pw)
{
	if (pw->held.len > 0) {
		feed(pw, pw->held.buf, pw->held.len, pw->held_line, 1);
		sl_buf_reset(&pw->held);
	}
}

static void
hold(struct pw *pw, const char *p, size_t n, long long line)
{
	release(pw);
	sl_buf_add(&pw->held, p, n);
	pw->held_line = line;
}

/* A logger-shell line: its invocation, or a bare `exit` at its prompt. */
static int
is_prompt_exit(const char *p, size_t n)
{
	n = trim_eol(p, n);
	return n > 8 && memcmp(p, "PS ", 3) == 0 &&
	    memcmp(p + n - 6, "> exit", 6) == 0;
}

/* The session and node from the logger's command line, when present. */
static void
logger_ids(struct pw *pw, const unsigned char *peek, size_t n)
{
	const char *s = memmem(peek, n, "ssm-session-logger", 18), *e;
	char *line;

	if (s == NULL)
		return;
	e = memchr(s, '\n', n - (size_t)(s - (const char *)peek));
	line = sl_xstrndup(s, e != NULL ? (size_t)(e - s) :
	    n - (size_t)(s - (const char *)peek));
	pw->sid = sl_session_from_path(line);
	pw->target = sl_target_from_path(line);
	free(line);
}

/* A line of the stars that open and close every block. */
static int
is_stars(const char *p, size_t n)
{
	return trim_eol(p, n) == strlen(STARS) &&
	    memcmp(p, STARS, strlen(STARS)) == 0;
}

/* The session record before the first line of the session. */
static void
start_session(struct pw *pw, long long line)
{
	if (!pw->started)
		emit_session(pw, line, 0);
	pw->started = 1;
}

/* A line of stars: a block ends, or the next one begins. */
static void
stars_line(struct pw *pw, long long line)
{
	sl_count_merged(pw->rd, 1);
	if (pw->in_block) {
		if (pw->in_block == 1)
			start_session(pw, line);
		if (pw->in_block == 1)
			pw->header = 1;
		if (pw->in_block == 2)
			pw->footer = 1;
		pw->in_block = 0;
		return;
	}
	/* The logger's `exit` right before the footer. */
	if (pw->logger && is_prompt_exit(pw->held.buf, pw->held.len)) {
		sl_buf_reset(&pw->held);
		sl_count_skipped(pw->rd, 1);
	}
	release(pw);
	pw->in_block = 3;
	pw->block_first = 1;
}

/* The logger's invocation and the line before it: 1 when p is it. */
static int
logger_line(struct pw *pw, const char *p, size_t n)
{
	if (memmem(p, n, "ssm-session-logger", 18) == NULL || n <= 3 ||
	    memcmp(p, "PS", 2) != 0)
		return 0;
	pw->logger = 1;
	if (pw->held.len > 0 && memcmp(pw->held.buf, STARTED,
	    strlen(STARTED)) == 0) {
		sl_buf_reset(&pw->held);
		sl_count_skipped(pw->rd, 1);
	}
	sl_count_skipped(pw->rd, 1);
	return 1;
}

/* A whole line, or the first piece of a long one (more set). */
static void
pw_line(struct pw *pw, const char *p, size_t n, int more, long long line)
{
	if (pw->first && n >= 3 && memcmp(p, BOM, 3) == 0) {
		p += 3;
		n -= 3;
	}
	if (pw->first && !is_stars(p, n))
		pw->cleaned = 1;	/* no header: an old cleaned log */
	pw->first = 0;
	if (!more && is_stars(p, n)) {
		stars_line(pw, line);
		return;
	}
	if (pw->in_block) {
		block_line(pw, p, n);
		sl_count_merged(pw->rd, 1);
		return;
	}
	start_session(pw, line);
	if (logger_line(pw, p, n))
		return;
	if (!more && ((n > strlen(STARTED) && memcmp(p, STARTED,
	    strlen(STARTED)) == 0) || is_prompt_exit(p, n)))
		hold(pw, p, n, line);
	else {
		release(pw);
		feed(pw, p, n, line, !more);
	}
}

static void
pw_open(struct pw *pw, struct sl_reader *rd)
{
	const unsigned char *peek;
	size_t npeek;

	memset(pw, 0, sizeof(*pw));
	pw->rd = rd;
	pw->first = 1;
	sl_buf_init(&pw->held);
	sl_buf_init(&pw->line);
	npeek = sl_in_peek(rd->in, &peek, SL_PEEK);
	logger_ids(pw, peek, npeek);
	if (pw->sid == NULL && rd->opts->session != NULL)
		pw->sid = sl_xstrdup(rd->opts->session);
	if (pw->sid == NULL)
		pw->sid = sl_session_from_name(rd->name);
	pw->principal = sl_session_principal(pw->sid);
	pw->tty = sl_tty_new(rd, pw->sid, SL_TTY_PWSH);
}

/* The end: the closing session record, a note if the footer is missing. */
static void
pw_finish(struct pw *pw, long long line)
{
	struct sl_buf src;

	release(pw);
	sl_tty_finish(pw->tty);
	if (sl_tty_status(pw->tty) == SL_STOP)
		return;
	if (!pw->started)
		emit_session(pw, 1, 0);
	emit_session(pw, line, 1);
	if (pw->header && !pw->footer) {
		sl_buf_init(&src);
		sl_buf_printf(&src, "%s:%lld", pw->rd->name, line);
		sl_emit_note(pw->rd, pw->sid, src.buf, SL_NOTE_TRUNCATED, -1,
		    "no transcript end block: the log stops early");
		sl_buf_free(&src);
	}
}

static void
pw_free(struct pw *pw)
{
	size_t i;

	sl_tty_park(pw->tty);	/* the next input's, if it wants one */
	for (i = 0; i < pw->nmeta; i++)
		free((char *)pw->meta[i].val);
	sl_buf_free(&pw->held);
	sl_buf_free(&pw->line);
	free(pw->sid);
	free(pw->principal);
	free(pw->target);
	free(pw->start_local);
	free(pw->end_local);
	free(pw->host);
}

static int
pw_read(struct sl_reader *rd)
{
	struct pw pw;
	const char *p;
	size_t n;
	int more, rc, in_piece = 0;

	pw_open(&pw, rd);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		int piece = in_piece;

		in_piece = more;
		if (piece)		/* the rest of a very long line */
			feed(&pw, p, n, sl_in_lineno(rd->in), 0);
		else {
			sl_count_units(rd, 1);
			pw_line(&pw, p, n, more, sl_in_lineno(rd->in));
		}
	}
	pw_finish(&pw, sl_in_lineno(rd->in));
	rc = sl_tty_status(pw.tty) == SL_STOP ? SL_STOP : rc < 0 ? SL_REJECT :
	    SL_OK;
	pw_free(&pw);
	return rc;
}

const struct sl_format sl_format_pwsh = {
	"pwsh-transcript",
	"S3 session log from a Windows node (PowerShell transcript)",
	pw_probe,
	pw_read,
	SL_SHAPE_TEXT,
};
