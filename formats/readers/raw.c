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

static int
starts(const char *p, size_t n, const char *prefix)
{
	return n >= strlen(prefix) && memcmp(p, prefix, strlen(prefix)) == 0;
}

#define PROBE_LINES	64	/* lines of the peek looked at for a prompt */

int
sl_looks_text(const unsigned char *p, size_t n)
{
	size_t i = 0, bad = 0, k;
	uint32_t cp;

	if (memchr(p, '\0', n) != NULL)
		return 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = sl_utf8_decode(p + i, n - i, &cp);
		if (k == 0)
			break;		/* cut at the end of the peek */
		if (cp == 0xfffd && !(k == 3 && p[i] == 0xef))
			bad += k;
		i += k;
	}
	/* A few stray bytes are normal in terminal logs; many are binary. */
	return bad * 10 <= n;
}

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

static int
raw_read(struct sl_reader *rd)
{
	const unsigned char *peek;
	struct sl_record r;
	struct sl_tty *tty;
	struct sl_buf src;
	const char *p;
	char *sid, *principal, *target;
	size_t n;
	int more, rc, in_piece = 0, client, started = 0, bye = 0;
	long long blanks = 0;

	n = sl_in_peek(rd->in, &peek, SL_PEEK);
	sid = client_session(peek, n);
	client = sid != NULL;
	if (sid == NULL && rd->opts->session != NULL)
		sid = sl_xstrdup(rd->opts->session);
	if (sid == NULL)
		sid = sl_session_from_name(rd->name);
	principal = sl_session_principal(sid);
	target = sl_target_from_path(rd->name);

	sl_buf_init(&src);
	sl_buf_printf(&src, "%s:1", rd->name);
	sl_record_init(&r, SL_SESSION, sid, src.buf);
	r.src_line = 1;
	r.f[SL_F_PRINCIPAL] = principal;
	r.f[SL_F_TARGET] = target;
	r.f[SL_F_ORIGIN] = "raw";
	sl_emit(rd, &r);

	tty = sl_tty_new(rd, sid, SL_TTY_LINUX);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		int whole = !in_piece && !more;

		if (!in_piece)
			rd->st->units++;
		in_piece = more;
		/*
		 * The plugin's own banner lines, and the blank lines it puts
		 * around them, are not the session: the agent never sent
		 * them.  Blank lines wait until we know what follows.
		 */
		if (client && whole && blank(p, n) && (!started || bye)) {
			rd->st->skipped++;
			continue;
		}
		if (client && whole && blank(p, n)) {
			blanks++;
			continue;
		}
		if (client && whole && (starts(p, n, CLIENT_HELLO) ||
		    starts(p, n, CLIENT_BYE))) {
			bye = starts(p, n, CLIENT_BYE);
			rd->st->skipped += blanks + 1;
			blanks = 0;
			started = 1;
			continue;
		}
		for (; blanks > 0; blanks--) {
			sl_emit_raw(rd, sid, sl_in_lineno(rd->in) - blanks,
			    "\r\n", 2);
			sl_tty_feed(tty, "\r\n", 2);
		}
		started = 1;
		sl_tty_set_line(tty, sl_in_lineno(rd->in));
		sl_emit_raw(rd, sid, sl_in_lineno(rd->in), p, n);
		sl_tty_feed(tty, p, n);
	}
	for (; blanks > 0; blanks--) {
		sl_emit_raw(rd, sid, sl_in_lineno(rd->in) - blanks + 1, "\r\n",
		    2);
		sl_tty_feed(tty, "\r\n", 2);
	}
	sl_tty_finish(tty);
	if (sl_tty_host(tty) != NULL && sl_tty_status(tty) != SL_STOP) {
		sl_buf_reset(&src);
		sl_buf_printf(&src, "%s:%lld", rd->name, sl_in_lineno(rd->in));
		sl_record_init(&r, SL_SESSION, sid, src.buf);
		r.src_line = sl_in_lineno(rd->in);
		r.f[SL_F_PRINCIPAL] = principal;
		r.f[SL_F_TARGET] = target;
		r.f[SL_F_HOST] = sl_tty_host(tty);
		r.f[SL_F_ORIGIN] = "raw";
		sl_emit(rd, &r);
	}
	rc = sl_tty_status(tty) == SL_STOP ? SL_STOP : rc < 0 ? SL_REJECT :
	    SL_OK;
	sl_tty_free(tty);
	sl_buf_free(&src);
	free(sid);
	free(principal);
	free(target);
	return rc;
}

const struct sl_format sl_format_raw = {
	"raw",
	"raw pty bytes with no header (ipcTempFile.log, a pasted fragment)",
	raw_probe,
	raw_read,
	SL_SHAPE_TEXT,
};
