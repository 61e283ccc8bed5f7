/*
 * typescript: an S3 session log from a Linux or macOS node, the
 * script(1) typescript of `cat ipcTempFile.log` made at session end:
 *
 *	Script started on 2024-05-01 12:30:00+00:00 [COMMAND="cat /var/lib/
 *	  amazon/ssm/i-0abc.../session/orchestration/alice-0a1b.../Standard_
 *	  Stream/ipcTempFile.log" <not executed on terminal>]
 *	ESC[?2004hsh-5.2$ \rESC[Ksh-5.2$ id\r\r\n
 *	...
 *	\nScript done on 2024-05-01 12:30:00+00:00 [COMMAND_EXIT_CODE="0"]\n
 *
 * The parsing is ts-core.c, shared with the CloudWatch readers (an upload
 * at session end is this same file, cut into events); this reader feeds
 * it the lines of one input.
 */
#include <stdlib.h>
#include <string.h>

#include "ts-core.h"

#define HEADER	"Script started on "

static int
ts_probe(const unsigned char *p, size_t n, const char *name)
{
	SL_UNUSED(name);
	return n >= strlen(HEADER) && memcmp(p, HEADER, strlen(HEADER)) == 0 ?
	    100 : 0;
}

static int
ts_read(struct sl_reader *rd)
{
	struct ts_opts o;
	struct ts_core *ts;
	const char *p;
	size_t n;
	int more, rc;
	char *sid;

	memset(&o, 0, sizeof(o));
	o.origin = "typescript";
	o.npeek = sl_in_peek(rd->in, &o.peek, SL_PEEK);
	o.sep = ':';
	/* The header's agent path comes first, then --session, the name. */
	sid = rd->opts->session != NULL ? sl_xstrdup(rd->opts->session) :
	    sl_session_from_name(rd->name);
	o.sid = sid;
	ts = ts_core_new(rd, &o);
	free(sid);
	if ((rc = sl_in_line(rd->in, &p, &n, &more)) <= 0) {
		ts_core_free(ts);
		return SL_REJECT;
	}
	do
		ts_core_line(ts, p, n, more, 0);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0);
	/* A log cut by a read error is truncated too, as far as anyone can tell. */
	if (ts_core_end(ts, 1, sl_in_lineno(rd->in)) == SL_STOP)
		rc = SL_STOP;
	else
		rc = rc < 0 ? SL_REJECT : SL_OK;
	ts_core_free(ts);
	return rc;
}

const struct sl_format sl_format_typescript = {
	"typescript",
	"S3 session log from a Linux/macOS node (script(1) typescript)",
	ts_probe,
	ts_read,
};
