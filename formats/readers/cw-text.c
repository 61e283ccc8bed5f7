/*
 * cw-text: one event of a CloudWatch upload at session end (streaming
 * off), saved on its own: a slice of the S3 typescript with "\r\n" made
 * "\n" and its last LF cut:
 *
 *	Script started on 2024-05-01 12:30:00+00:00 [COMMAND="cat /var/...
 *	ESC[?2004hsh-5.2$ \rESC[Ksh-5.2$ id\r\n
 *	...
 *	Script done on 2024-05-01 12:30:00+00:00 [COMMAND_EXIT_CODE="0"]
 *
 * Mostly reached through cw-events, cw-export and cw-subscription, which
 * rejoin the events of a stream (cwlog.c); alone it is parsed as the
 * typescript it is (ts-core.c).  It claims a whole input seen in the
 * peek that has the upload's marks: a typescript header, "\r\n" line
 * ends and no final LF; a longer one goes to `typescript`, which reads
 * it the same way.
 */
#include <string.h>

#include "readers/ts-core.h"

#define HEADER	"Script started on "

static int
ct_probe(const unsigned char *p, size_t n, const char *name)
{
	SL_UNUSED(name);
	if (!sl_starts((const char *)p, n, HEADER) ||
	    n >= SL_PEEK || p[n - 1] == '\n')
		return 0;
	/* The upload made the body's "\r\r\n" a "\r\n". */
	if (memmem(p, n, "\r\r\n", 3) != NULL || memmem(p, n, "\r\n", 2) ==
	    NULL)
		return 0;
	return 101;		/* over typescript: this is more precise */
}

static int
ct_read(struct sl_reader *rd)
{
	return ts_core_read(rd, "cw-text", 0);
}

const struct sl_format sl_format_cw_text = {
	"cw-text",
	"CloudWatch event(s) of an upload at session end (typescript text)",
	ct_probe,
	ct_read,
	SL_SHAPE_TEXT,
};
