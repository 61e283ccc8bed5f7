/*
 * ts-core.h: the typescript reader as a push parser (formats/readers/ts-core.c),
 * fed one line piece at a time.  The `typescript` reader feeds it the
 * lines of a file; CloudWatch readers feed it the events of a
 * non-streamed upload (`cw-text`), several sessions at once, without
 * ever holding a whole transcript.
 */
#ifndef SL_TS_CORE_H
#define SL_TS_CORE_H

#include "internal.h"

struct ts_core;

struct ts_opts {
	const char *origin;	/* of the session records: "typescript" */
	const char *sid;	/* when the header names no session */
	int sid_from_name;	/* ...and when sid is NULL too: the one the
				   input's name gives (made only if needed) */
	const unsigned char *peek;	/* the first bytes (the screen-era */
	size_t npeek;		/* logger is looked for there) */
	char sep;		/* src "name:line" (':') or "name#event" */
};

/* A parser writing to rd's sink.  o is copied (its strings too). */
struct ts_core *ts_core_new(struct sl_reader *rd, const struct ts_opts *o);
/*
 * One piece of a line, as sl_in_line() gives it: '\n' included at the
 * end of a line, more set on all pieces of a line but its last.  pos is
 * the line's position for src (its input line, or the event it came in);
 * 0 lets the renderer count lines from the header on.
 */
void ts_core_line(struct ts_core *c, const char *p, size_t n, int more,
    long long pos);
/*
 * The end of the transcript.  whole: its input ended cleanly (a read
 * error is no "truncated" log); last: position of the last line, for
 * the src of the closing records.  Returns SL_OK or SL_STOP.
 */
int ts_core_end(struct ts_core *c, int whole, long long last);
/*
 * A whole input as one transcript: the reader of typescript and of
 * cw-text (origin).  cut_whole: a read error still ends the transcript
 * as the end of the input would (a "truncated" note when the trailer is
 * missing).  Returns SL_OK, SL_REJECT (read error) or SL_STOP.
 */
int ts_core_read(struct sl_reader *rd, const char *origin, int cut_whole);
/*
 * Lines numbered so far; set: number the next ones after n (the lines
 * of the session that came by another way: an earlier upload, events).
 */
long long ts_core_lines(const struct ts_core *c);
void ts_core_set_lines(struct ts_core *c, long long n);
void ts_core_free(struct ts_core *c);

#endif /* SL_TS_CORE_H */
