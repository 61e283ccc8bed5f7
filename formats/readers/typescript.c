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
#include <string.h>

#include "readers/ts-core.h"

#define HEADER	"Script started on "

static int
ts_probe(const unsigned char *p, size_t n, const char *name)
{
	SL_UNUSED(name);
	return sl_starts((const char *)p, n, HEADER) ? 100 : 0;
}

static int
ts_read(struct sl_reader *rd)
{
	/* A log cut by a read error is truncated too, as far as we know. */
	return ts_core_read(rd, "typescript", 1);
}

const struct sl_format sl_format_typescript = {
	"typescript",
	"S3 session log from a Linux/macOS node (script(1) typescript)",
	ts_probe,
	ts_read,
	SL_SHAPE_TEXT,
};
