/*
 * w_typescript: an S3-style session log from a Linux node, as util-linux
 * script(1) >= 2.35 writes it for the agent, holding the rendered lines:
 *
 *	Script started on 2024-05-02 09:14:07+00:00 [COMMAND="cat /var/lib/
 *	  amazon/ssm/i-07d2.../session/orchestration/jdoe-0f3a.../Standard_
 *	  Stream/ipcTempFile.log" <not executed on terminal>]
 *	ESC[?2004hsh-5.2$ bash\r\r\n
 *	...
 *	\nScript done on 2024-05-02 09:14:07+00:00 [COMMAND_EXIT_CODE="0"]\n
 *
 * The time is the session's end where known (script writes both lines at
 * the end of the session), else its start, else the conversion time.
 * COMMAND is the one the source named, else the agent's own path when
 * the target and the session id are known: the session id and target
 * are then found again by whoever reads the log.  A prompt line starts
 * with bash's bracketed-paste switch, as in a real log, so that a reader
 * tells prompts from output that merely looks like one, and the first
 * sets the window title to user@host where the host is known, as bash
 * does, for readers to find it again.  A session that
 * ended early (a "truncated" note) gets no trailer, and the exit code is
 * written only when the source gave one.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/writer.h"

struct ts {
	struct sl_buf b;
};

/* A value that may go between the double quotes of KEY="...". */
static int
quotable(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s == '"' || (unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return s != NULL;
}

/* A session id that may stand in a path. */
static int
path_safe(const char *s)
{
	if (s == NULL || *s == '\0' || *s == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (*s == '/' || *s == '\\' || *s == '"' || *s == ' ' ||
		    (unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/* A command whose agent path names no session, or this one: readers
 * take the session id from it. */
static int
names_session(const char *cmd, const char *sid)
{
	char *named = sl_session_from_path(cmd);
	int ok = named == NULL || (sid != NULL && strcmp(named, sid) == 0);

	free(named);
	return ok;
}

/* The time written in the header and trailer. */
static void
stamp(struct sl_buf *b, const struct sl_wfile *f, const struct sl_wsess *s)
{
	const struct sl_session *in = s->info;
	long long ms = sl_w_ms(in->f[SL_F_END]);
	char t[25];

	if (ms < 0 && in->f[SL_F_END_LOCAL] != NULL &&
	    quotable(in->f[SL_F_END_LOCAL]) &&
	    strchr(in->f[SL_F_END_LOCAL], '[') == NULL) {
		/* As the source wrote it (a locale %c date). */
		sl_buf_adds(b, in->f[SL_F_END_LOCAL]);
		return;
	}
	if (ms < 0)
		ms = sl_w_ms(in->f[SL_F_START]);
	if (ms < 0)
		ms = sl_w_ms(f->now);
	sl_time_format(ms, t);
	/* 2024-05-02T09:14:07.000Z -> 2024-05-02 09:14:07+00:00 */
	t[10] = ' ';
	sl_buf_add(b, t, 19);
	sl_buf_adds(b, "+00:00");
}

static int
ts_whole(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct ts *st = f->state;
	const struct sl_session *in = s->info;
	const char *cmd = sl_session_extra(in, "command");
	const char *tgt = in->f[SL_F_TARGET];
	const char *code = sl_session_extra(in, "exit_code");
	struct sl_spool_cur *cur;
	const struct sl_record *r;
	const char *host = in->f[SL_F_HOST], *user = in->f[SL_F_RUN_AS];
	int rc = SL_OK, got = 0, titled = 0;

	if (user == NULL || strchr(user, '@') != NULL)
		user = "user";
	sl_buf_reset(&st->b);
	sl_buf_adds(&st->b, "Script started on ");
	stamp(&st->b, f, s);
	sl_buf_adds(&st->b, " [");
	if (quotable(cmd) && *cmd != '\0' && names_session(cmd, s->id))
		sl_buf_printf(&st->b, "COMMAND=\"%s\" ", cmd);
	else if (path_safe(s->id) && path_safe(tgt) &&
	    (strncmp(tgt, "i-", 2) == 0 || strncmp(tgt, "mi-", 3) == 0)) {
		sl_buf_printf(&st->b, "COMMAND=\"cat /var/lib/amazon/ssm/%s/"
		    "session/orchestration/%s/Standard_Stream/ipcTempFile.log\" ",
		    tgt, s->id);
	}
	sl_buf_adds(&st->b, "<not executed on terminal>]\n");
	if ((rc = sl_w_buf(f, &st->b)) != SL_OK)
		return rc;

	cur = sl_spool_cursor(s->spool);
	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0) {
		if (r->type != SL_LINE)
			continue;
		sl_buf_reset(&st->b);
		if (r->has_prompt && !titled && quotable(host) &&
		    quotable(user)) {
			/* bash's title: where readers find the host. */
			sl_buf_printf(&st->b, "\033]0;%s@%s:~\007", user, host);
			titled = 1;
		}
		if (r->has_prompt)
			sl_buf_adds(&st->b, "\033[?2004h");
		sl_w_clean(&st->b, r->text, r->len);
		sl_buf_adds(&st->b, "\r\r\n");
		rc = sl_w_buf(f, &st->b);
	}
	if (got < 0)
		rc = SL_FATAL;
	sl_spool_cursor_free(cur);
	if (rc != SL_OK || s->sum->truncated)
		return rc;

	sl_buf_reset(&st->b);
	sl_buf_adds(&st->b, "\nScript done on ");
	stamp(&st->b, f, s);
	if (code != NULL && code[0] != '\0' &&
	    strspn(code, "0123456789") == strlen(code))
		sl_buf_printf(&st->b, " [COMMAND_EXIT_CODE=\"%s\"]", code);
	sl_buf_addc(&st->b, '\n');
	return sl_w_buf(f, &st->b);
}

static int
ts_close(struct sl_wfile *f)
{
	struct ts *st = f->state;

	sl_buf_free(&st->b);
	return SL_OK;
}

const struct sl_writer sl_writer_typescript = {
	"typescript",
	"an S3-style Linux session log (script(1) typescript)",
	".log",
	0,
	SL_W_WHOLE | SL_W_ONE,
	sizeof(struct ts),
	NULL,
	NULL,
	NULL,
	NULL,
	ts_whole,
	ts_close,
	NULL,
};
