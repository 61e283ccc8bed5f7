/*
 * raw: pty bytes with no header: the agent's ipcTempFile.log, a pasted
 * fragment, or what the session-manager-plugin client printed:
 *
 *	\r\nStarting session with SessionId: alice-0a1b2c3d4e5f67890\r\n
 *	ESC[?2004hsh-5.2$ ...
 *
 * Claimed only on terminal evidence: an escape sequence, the client's
 * banner, or a recognised prompt at the start of a line (not a bare "#",
 * which is every Markdown heading and shell comment).  Other text -- a
 * README, a CSV, a JSON config, a page the tools wrote -- is not a
 * session log (run.c skips it, noted); -f raw still forces it.  Binary
 * input (NUL bytes, mostly invalid UTF-8) is "unrecognized".
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CLIENT_HELLO	"Starting session with SessionId: "
#define CLIENT_BYE	"Exiting session with sessionId: "

/* A line of nothing but CR and LF. */
static int
blank(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

#define PROBE_LINES	64	/* lines of the peek looked at for a prompt */

/* Does a line of the peek start with a shell prompt? */
static int
has_prompt(const unsigned char *p, size_t n)
{
	struct sl_prompt *ps = sl_prompt_new(NULL, 0, 0);
	const char *s = (const char *)p, *end = s + n, *nl;
	size_t plen, len;
	int lines, found = 0;

	for (lines = 0; !found && s < end && lines < PROBE_LINES; lines++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		len = (size_t)((nl != NULL ? nl : end) - s);
		while (len > 0 && s[len - 1] == '\r')
			len--;
		found = s[0] != '#' && sl_prompt_classify(ps, s, len, 0,
		    &plen) == SL_PROMPT_CMD && plen > 0;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	sl_prompt_free(ps);
	return found;
}

static int
raw_probe(const unsigned char *p, size_t n, const char *name)
{
	SL_UNUSED(name);
	if (!sl_looks_text(p, n))
		return 0;
	if (memchr(p, '\x1b', n) != NULL ||
	    memmem(p, SL_MIN(n, 4096), CLIENT_HELLO,
	    strlen(CLIENT_HELLO)) != NULL || has_prompt(p, n))
		return 1;
	return 0;
}

/* The session id the client printed, if the stream starts with it. */
static char *
client_session(const unsigned char *p, size_t n)
{
	const unsigned char *s = memmem(p, SL_MIN(n, 4096), CLIENT_HELLO,
	    strlen(CLIENT_HELLO)), *e;

	if (s == NULL)
		return NULL;
	s += strlen(CLIENT_HELLO);
	for (e = s; e < p + n && *e > ' ' && *e < 0x7f; e++)
		;
	return e > s ? sl_xstrndup((const char *)s, (size_t)(e - s)) : NULL;
}

/* What raw_read keeps while it reads one input. */
struct raw {
	struct sl_reader *rd;
	struct sl_tty *tty;
	char *sid, *principal, *target;
	int client;		/* the plugin client printed the stream */
	int started;		/* past the banner, or into the session */
	int bye;		/* the client's closing banner was seen */
	long long blanks;	/* blank lines waiting to be placed */
};

/* The session record at input line `line` (host: NULL when unknown). */
static void
raw_session(struct raw *st, long long line, const char *host)
{
	struct sl_record r;
	struct sl_buf src;

	sl_buf_init(&src);
	sl_buf_printf(&src, "%s:%lld", st->rd->name, line);
	sl_record_init(&r, SL_SESSION, st->sid, src.buf);
	r.src_line = line;
	r.f[SL_F_PRINCIPAL] = st->principal;
	r.f[SL_F_TARGET] = st->target;
	r.f[SL_F_HOST] = host;
	r.f[SL_F_ORIGIN] = "raw";
	sl_emit(st->rd, &r);
	sl_buf_free(&src);
}

/* The waiting blank lines are session after all; the last is line last. */
static void
raw_blanks(struct raw *st, long long last)
{
	for (; st->blanks > 0; st->blanks--) {
		sl_emit_raw(st->rd, st->sid, last - st->blanks + 1, "\r\n", 2);
		sl_tty_feed(st->tty, "\r\n", 2);
	}
}

/*
 * The plugin's own banner lines, and the blank lines it puts around
 * them, are not the session: the agent never sent them.  Blank lines
 * wait until we know what follows.  Returns 1 when the line was taken.
 */
static int
raw_banner(struct raw *st, const char *p, size_t n)
{
	if (blank(p, n) && (!st->started || st->bye)) {
		sl_count_skipped(st->rd, 1);
		return 1;
	}
	if (blank(p, n)) {
		st->blanks++;
		return 1;
	}
	if (sl_starts(p, n, CLIENT_HELLO) || sl_starts(p, n, CLIENT_BYE)) {
		st->bye = sl_starts(p, n, CLIENT_BYE);
		sl_count_skipped(st->rd, st->blanks + 1);
		st->blanks = 0;
		st->started = 1;
		return 1;
	}
	return 0;
}

static void
raw_open(struct raw *st, struct sl_reader *rd)
{
	const unsigned char *peek;
	size_t n = sl_in_peek(rd->in, &peek, SL_PEEK);

	memset(st, 0, sizeof(*st));
	st->rd = rd;
	st->sid = client_session(peek, n);
	st->client = st->sid != NULL;
	if (st->sid == NULL && rd->opts->session != NULL)
		st->sid = sl_xstrdup(rd->opts->session);
	if (st->sid == NULL)
		st->sid = sl_session_from_name(rd->name);
	st->principal = sl_session_principal(st->sid);
	st->target = sl_target_from_path(rd->name);
}

static int
raw_read(struct sl_reader *rd)
{
	struct raw st;
	const char *p;
	size_t n;
	int more, rc, in_piece = 0;

	raw_open(&st, rd);
	raw_session(&st, 1, NULL);
	st.tty = sl_tty_new(rd, st.sid, SL_TTY_LINUX);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		int whole = !in_piece && !more;

		if (!in_piece)
			sl_count_units(rd, 1);
		in_piece = more;
		if (st.client && whole && raw_banner(&st, p, n))
			continue;
		raw_blanks(&st, sl_in_lineno(rd->in) - 1);
		st.started = 1;
		sl_tty_set_line(st.tty, sl_in_lineno(rd->in));
		sl_emit_raw(rd, st.sid, sl_in_lineno(rd->in), p, n);
		sl_tty_feed(st.tty, p, n);
	}
	raw_blanks(&st, sl_in_lineno(rd->in));
	sl_tty_finish(st.tty);
	if (sl_tty_host(st.tty) != NULL && sl_tty_status(st.tty) != SL_STOP)
		raw_session(&st, sl_in_lineno(rd->in), sl_tty_host(st.tty));
	rc = sl_tty_status(st.tty) == SL_STOP ? SL_STOP : rc < 0 ? SL_REJECT :
	    SL_OK;
	sl_tty_park(st.tty);	/* the next input's, if it wants one */
	free(st.sid);
	free(st.principal);
	free(st.target);
	return rc;
}

const struct sl_format sl_format_raw = {
	"raw",
	"raw pty bytes with no header (ipcTempFile.log, a pasted fragment)",
	raw_probe,
	raw_read,
	SL_SHAPE_TEXT,
};
