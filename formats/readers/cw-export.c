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

#include "readers/cwlog.h"

extern const struct sl_format sl_format_cw_export;

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

/* Does a line after the first start with a record's time? */
static int
later_stamp(const unsigned char *p, size_t n)
{
	const unsigned char *nl = memchr(p, '\n', n);
	long long ms;

	while (nl != NULL && (size_t)(nl + 1 - p) < n) {
		size_t off = (size_t)(nl + 1 - p);

		if (stamp((const char *)p + off, n - off, &ms))
			return 1;
		nl = memchr(p + off, '\n', n - off);
	}
	return 0;
}

static int
ex_probe(const unsigned char *p, size_t n, const char *name)
{
	char *stream;
	long long ms;

	if (stamp((const char *)p, n, &ms))
		return 80;
	/* A numbered object of an export whose first line is damaged: its
	 * records are still the stream's (the bad line is rejected). */
	if (name != NULL && (stream = stream_of(name)) != NULL) {
		free(stream);
		if (later_stamp(p, n))
			return 70;
	}
	/* The permission check object: its name and a short text. */
	if (name != NULL && strcmp(base_of(name), WRITE_TEST) == 0 && n < 1024 &&
	    memchr(p, '\0', n) == NULL)
		return 60;
	return 0;
}

/*
 * One export stream, possibly over several objects read one after the
 * other: one session state, one sorter, so n goes on and the lines of
 * all its objects come out in time order.  It owns a copy of the first
 * object's reader, whose name is switched to each record's object.
 */
struct ex {
	struct sl_reader rd;
	struct cwl *c;
	struct cw_sort *sort;
	char *stream;
	char **names;		/* its objects, in the order read */
	size_t nnames;
	int parts;		/* sorted in parts: no temporary file */
	int whole;		/* every object read to its end */
};

/* A record's place: its object and its line there, in one number. */
#define POS_OBJ_SHIFT	40
#define POS_LINE_MASK	((1LL << POS_OBJ_SHIFT) - 1)

/* Hand the held records to the sessions, in order. */
static int
drain(struct ex *x)
{
	long long g, ms, pos;
	const char *p;
	size_t n;
	int r, rc = SL_OK;

	cw_sort_done(x->sort);
	while ((r = cw_sort_next(x->sort, &g, &ms, &pos, &p, &n)) == 1) {
		x->rd.name = x->names[pos >> POS_OBJ_SHIFT];
		if ((rc = cwl_message(x->c, x->stream, p, n, ms,
		    pos & POS_LINE_MASK)) == SL_STOP)
			break;
	}
	x->rd.name = x->names[x->nnames - 1];
	if (r < 0)
		sl_warn(&x->rd, NULL, "cannot read back sorted records: %s",
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
	long long pos = (long long)(x->nnames - 1) << POS_OBJ_SHIFT | line;
	size_t n = rec->len;

	sl_count_units(&x->rd, 1);
	if (toolong)
		return cwl_reject(x->c, line, "record longer than %d MiB",
		    SL_EVENT_MAX >> 20);
	if (n > 0 && rec->buf[n - 1] == '\n')
		n--;
	if (cw_sort_add(x->sort, 0, ms, pos, rec->buf + STAMP_LEN + 1,
	    n - STAMP_LEN - 1) == 0)
		return SL_OK;
	/* No temporary file: sort what is held, then go on. */
	if (!x->parts) {
		x->parts = 1;
		sl_emit_note(&x->rd, NULL, cwl_where(x->c, line), "unsorted",
		    -1, "more than %d MiB of records and no temporary file "
		    "(%s): sorted by time in parts", CW_SORT_MEM >> 20,
		    strerror(errno));
	}
	if (drain(x) == SL_STOP)
		return SL_STOP;
	(void)cw_sort_add(x->sort, 0, ms, pos, rec->buf + STAMP_LEN + 1,
	    n - STAMP_LEN - 1);
	return SL_OK;
}

static struct ex *
ex_new(const struct sl_reader *rd)
{
	struct ex *x = sl_xcalloc(1, sizeof(*x));

	x->rd = *rd;
	x->rd.in = NULL;	/* each object is read through its own */
	x->c = cwl_new(&x->rd, ':');
	x->sort = cw_sort_new(CW_SORT_MEM);
	x->stream = stream_of(rd->name);
	x->whole = 1;
	return x;
}

/* The next object of the stream (the first too) is read under name. */
static void
ex_object(struct ex *x, const char *name)
{
	x->names = sl_xrealloc(x->names, (x->nnames + 1) *
	    sizeof(*x->names));
	x->names[x->nnames++] = sl_xstrdup(name);
	x->rd.name = x->names[x->nnames - 1];
}

/* End of the stream: its records in order, its sessions closed. */
static int
ex_finish(void *arg)
{
	struct ex *x = arg;
	int rc;

	if (drain(x) == SL_STOP)
		return SL_STOP;
	rc = cwl_finish(x->c, x->whole);
	if (rc == SL_STOP)
		return SL_STOP;
	rc = cwl_status(x->c);
	return x->rd.status < rc && x->rd.status != SL_STOP ? x->rd.status :
	    rc;
}

static void
ex_free(void *arg)
{
	struct ex *x = arg;
	size_t i;

	cw_sort_free(x->sort);
	cwl_free(x->c);
	free(x->stream);
	for (i = 0; i < x->nnames; i++)
		free(x->names[i]);
	free(x->names);
	free(x);
}

/*
 * The folder of a numbered object (".../<stream>/000001.gz"): the key
 * under which the objects of one stream are one session.  NULL for any
 * other name.
 */
static char *
folder_of(const char *name)
{
	char *stream = stream_of(name);

	free(stream);
	return stream != NULL ? sl_xstrndup(name, (size_t)(base_of(name) -
	    name)) : NULL;
}

static int
write_test(struct sl_reader *rd)
{
	long long lines = sl_in_skip_lines(rd->in);

	sl_count_units(rd, lines);
	sl_count_skipped(rd, lines);
	return sl_emit_note(rd, NULL, rd->name, SL_NOTE_SKIPPED, lines,
	    "the export task's permission check object, ignored");
}

/* Read one object's records into x.  Returns SL_OK or SL_STOP. */
static int
ex_lines(struct ex *x, struct sl_in *in)
{
	struct sl_buf rec;
	const char *p;
	size_t n;
	int more, rc, in_piece = 0, have = 0, toolong = 0;
	long long ms = 0, rec_ms = 0, rec_line = 0, line;

	sl_buf_init(&rec);
	while ((rc = sl_in_line(in, &p, &n, &more)) > 0) {
		int first = !in_piece;

		in_piece = more;
		line = sl_in_lineno(in);
		if (first && stamp(p, n, &ms)) {
			if (have && record(x, &rec, rec_ms, rec_line,
			    toolong) == SL_STOP)
				goto stop;
			have = 1;
			toolong = 0;
			rec_ms = ms;
			rec_line = line;
			sl_buf_reset(&rec);
		} else if (!have) {
			if (first) {
				sl_count_units(&x->rd, 1);
				cwl_reject(x->c, line, "a line before the first "
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
	if (have && record(x, &rec, rec_ms, rec_line, toolong) == SL_STOP)
		goto stop;
	if (rc != 0)
		x->whole = 0;
	sl_buf_free(&rec);
	return SL_OK;
stop:
	sl_buf_free(&rec);
	return SL_STOP;
}

/*
 * One object.  A numbered object continues the stream of its folder
 * when the previous input was the object before it (the walk hands a
 * folder's objects over in order), and leaves the stream open for the
 * next one: the run finishes it when anything else comes.
 */
static int
ex_read(struct sl_reader *rd)
{
	struct sl_carry carry;
	char *key;
	struct ex *x;
	int rc;

	if (strcmp(base_of(rd->name), WRITE_TEST) == 0)
		return write_test(rd);
	key = folder_of(rd->name);
	x = key != NULL ? sl_run_carry_take(rd->run, &sl_format_cw_export,
	    key) : NULL;
	if (x == NULL)
		x = ex_new(rd);
	ex_object(x, rd->name);
	if (ex_lines(x, rd->in) == SL_STOP) {
		free(key);
		ex_free(x);
		return SL_STOP;
	}
	if (key == NULL) {
		rc = ex_finish(x);
		ex_free(x);
		return rc;
	}
	carry.format = &sl_format_cw_export;
	carry.key = key;
	carry.state = x;
	carry.finish = ex_finish;
	carry.free = ex_free;
	sl_run_carry_put(rd->run, &carry);
	return cwl_status(x->c);
}

const struct sl_format sl_format_cw_export = {
	"cw-export",
	"CloudWatch Logs export task objects (<time> <message> lines, gzip)",
	ex_probe,
	ex_read,
	SL_SHAPE_TEXT,
};
