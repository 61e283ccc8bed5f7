/*
 * cw-export: the objects a CloudWatch Logs export task (CreateExportTask)
 * writes to S3, gzip, one per log stream and part:
 *
 *	exportedlogs/<taskId>/<stream>/000000.gz
 *
 *	2024-05-01T12:00:05.312Z {"eventVersion":"1.0",...,"sessionData":[...]}
 *	2024-05-01T12:30:01.120Z Script started on 2024-05-01 12:30:00+00:00 [...
 *	ESC[?2004hsh-5.2$ \rESC[Ksh-5.2$ id\r
 *	...
 *
 * One event per record, "<time> <message>"; messages are not escaped, so
 * an upload's transcript text runs over many lines (the lines that do
 * not start with a time).  Records are not in time order: they are
 * sorted by time, then position (cwsort.c: an index in memory, the
 * bytes in memory up to 32 MiB, then in a temporary file).  The session
 * is the stream folder in the object's path (or the id in a streamed
 * event); the `aws-logs-write-test` object the task also writes is
 * skipped.  src is "path:line", the line where the record starts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cwlog.h"

#define STAMP_LEN	24	/* "2024-05-01T12:00:05.312Z" */
#define WRITE_TEST	"aws-logs-write-test"

/* A record's first line: the time (ms precision, Z) and a space. */
static int
stamp(const char *p, size_t n, long long *ms)
{
	if (n <= STAMP_LEN || p[STAMP_LEN] != ' ' || p[STAMP_LEN - 1] != 'Z' ||
	    p[10] != 'T' || p[19] != '.')
		return 0;
	return sl_time_rfc3339(p, STAMP_LEN, ms) == 0;
}

static const char *
base_of(const char *name)
{
	const char *b = strrchr(name, '/');

	return b != NULL ? b + 1 : name;
}

static int
ex_probe(const unsigned char *p, size_t n, const char *name)
{
	long long ms;

	if (stamp((const char *)p, n, &ms))
		return 80;
	/* The permission check object: its name and a short text. */
	if (name != NULL && strcmp(base_of(name), WRITE_TEST) == 0 && n < 1024 &&
	    memchr(p, '\0', n) == NULL)
		return 60;
	return 0;
}

/* The stream folder of ".../<stream>/000000.gz", or NULL. */
static char *
stream_of(const char *name)
{
	const char *b = base_of(name), *s;
	size_t i;

	for (i = 0; b[i] >= '0' && b[i] <= '9'; i++)
		;
	if (i == 0 || (b[i] != '\0' && strcmp(b + i, ".gz") != 0) || b == name)
		return NULL;
	for (s = b - 1; s > name && s[-1] != '/'; s--)
		;
	return b - 1 > s ? sl_xstrndup(s, (size_t)(b - 1 - s)) : NULL;
}

struct ex {
	struct sl_reader *rd;
	struct cwl *c;
	struct cw_sort *sort;
	char *stream;
	int parts;		/* sorted in parts: no temporary file */
	int status;
};

/* Hand the held records to the sessions, in order. */
static int
drain(struct ex *x)
{
	long long g, ms, pos;
	const char *p;
	size_t n;
	int r, rc = SL_OK;

	cw_sort_done(x->sort);
	while ((r = cw_sort_next(x->sort, &g, &ms, &pos, &p, &n)) == 1)
		if ((rc = cwl_message(x->c, x->stream, p, n, ms, pos)) ==
		    SL_STOP)
			break;
	if (r < 0)
		sl_warn(x->rd, NULL, "cannot read back sorted records: %s",
		    strerror(errno));
	cw_sort_free(x->sort);
	x->sort = cw_sort_new(CW_SORT_MEM);
	return rc;
}

/* One whole record (its final LF is the record's end, not the text). */
static int
record(struct ex *x, struct sl_buf *rec, long long ms, long long line,
    int toolong)
{
	size_t n = rec->len;

	x->rd->st->units++;
	if (toolong)
		return cwl_reject(x->c, line, "record longer than %d MiB",
		    SL_EVENT_MAX >> 20);
	if (n > 0 && rec->buf[n - 1] == '\n')
		n--;
	if (cw_sort_add(x->sort, 0, ms, line, rec->buf + STAMP_LEN + 1,
	    n - STAMP_LEN - 1) == 0)
		return SL_OK;
	/* No temporary file: sort what is held, then go on. */
	if (!x->parts) {
		x->parts = 1;
		sl_emit_note(x->rd, NULL, cwl_where(x->c, line), "unsorted", -1,
		    "more than %d MiB of records and no temporary file (%s): "
		    "sorted by time in parts", CW_SORT_MEM >> 20,
		    strerror(errno));
	}
	if (drain(x) == SL_STOP)
		return SL_STOP;
	(void)cw_sort_add(x->sort, 0, ms, line, rec->buf + STAMP_LEN + 1,
	    n - STAMP_LEN - 1);
	return SL_OK;
}

static int
write_test(struct sl_reader *rd)
{
	const char *p;
	size_t n;
	int more, in_piece = 0;
	long long lines = 0;

	while (sl_in_line(rd->in, &p, &n, &more) > 0) {
		if (!in_piece)
			lines++;
		in_piece = more;
	}
	rd->st->units += lines;
	rd->st->skipped += lines;
	return sl_emit_note(rd, NULL, rd->name, SL_NOTE_SKIPPED, lines,
	    "the export task's permission check object, ignored");
}

static int
ex_read(struct sl_reader *rd)
{
	struct ex x;
	struct sl_buf rec;
	const char *p;
	size_t n;
	int more, rc, in_piece = 0, have = 0, toolong = 0;
	long long ms = 0, rec_ms = 0, rec_line = 0, line;

	if (strcmp(base_of(rd->name), WRITE_TEST) == 0)
		return write_test(rd);
	memset(&x, 0, sizeof(x));
	x.rd = rd;
	x.c = cwl_new(rd, ':');
	x.sort = cw_sort_new(CW_SORT_MEM);
	x.stream = stream_of(rd->name);
	sl_buf_init(&rec);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		int first = !in_piece;

		in_piece = more;
		line = sl_in_lineno(rd->in);
		if (first && stamp(p, n, &ms)) {
			if (have && record(&x, &rec, rec_ms, rec_line,
			    toolong) == SL_STOP)
				goto stop;
			have = 1;
			toolong = 0;
			rec_ms = ms;
			rec_line = line;
			sl_buf_reset(&rec);
		} else if (!have) {
			if (first) {
				rd->st->units++;
				cwl_reject(x.c, line, "a line before the first "
				    "record (no time at its start)");
			}
			continue;
		}
		if (toolong)
			continue;
		if (rec.len + n > (size_t)SL_EVENT_MAX + STAMP_LEN + 1) {
			toolong = 1;	/* skipped without keeping it */
			sl_buf_free(&rec);
			sl_buf_init(&rec);
			continue;
		}
		sl_buf_add(&rec, p, n);
	}
	if (have && record(&x, &rec, rec_ms, rec_line, toolong) == SL_STOP)
		goto stop;
	if (drain(&x) == SL_STOP)
		goto stop;
	rc = cwl_finish(x.c, rc == 0);
	if (rc != SL_STOP)
		rc = cwl_status(x.c);
	goto out;
stop:
	rc = SL_STOP;
out:
	sl_buf_free(&rec);
	cw_sort_free(x.sort);
	cwl_free(x.c);
	free(x.stream);
	return rc;
}

const struct sl_format sl_format_cw_export = {
	"cw-export",
	"CloudWatch Logs export task objects (<time> <message> lines, gzip)",
	ex_probe,
	ex_read,
};
