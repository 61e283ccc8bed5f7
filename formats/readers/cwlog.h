/*
 * cwlog.h: what the CloudWatch, CloudTrail and describe-sessions readers
 * share (formats/readers/cwlog.c, cwtally.c, cwjson.c, cwtrail.c,
 * cwsort.c).  Internal to formats/.
 *
 * Units (sl_stats): every event is one unit, counted when it is taken
 * from its container; whoever then handles it says how it ended:
 * written (a session record), merged (folded into lines and session
 * records; its lines are units of their own), skipped or rejected.
 */
#ifndef SL_CWLOG_H
#define SL_CWLOG_H

#include <jansson.h>

#include "internal.h"
#include "json/jsonscan.h"

/* --------------------------------------------------------- cwlog.c */

/*
 * One input's session-log state: the sessions seen so far by id, one
 * renderer shared by all streamed sessions, a typescript parser per
 * session uploaded at its end.  Per-session memory is small (a prompt
 * state) for streamed sessions; a non-streamed upload holds its parser
 * (a renderer) until its "Script done" trailer or the end of the input.
 */
struct cwl;

/*
 * sep: src of events is "name#N" ('#', events of JSON documents) or
 * "name:line" (':', JSON Lines and export lines).
 */
struct cwl *cwl_new(struct sl_reader *rd, char sep);
/*
 * The message of one log event, decoded: a streamed session event, a
 * CloudTrail event or transcript text (a non-streamed upload), told
 * apart by content.  stream: the log stream name, or NULL; ms: the
 * event's CloudWatch timestamp, or -1; pos: its place for src (event
 * number or line).  The event was counted as a unit by the caller.
 * Returns SL_OK, SL_REJECT (reported) or SL_STOP.
 */
int cwl_message(struct cwl *c, const char *stream, const char *msg,
    size_t n, long long ms, long long pos);
/* An event already parsed as JSON (JSON Lines, CloudTrail records). */
int cwl_json(struct cwl *c, json_t *ev, const char *stream, long long ms,
    long long pos);
/* cwtally.c: the event at pos rejected ("name#N: rejected event: why"). */
int cwl_reject(struct cwl *c, long long pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Why events are skipped, each counted in one note per input. */
enum cw_skip {
	CW_SKIP_CONTROL,	/* subscription CONTROL_MESSAGE */
	CW_SKIP_TRAIL,		/* CloudTrail events of other APIs */
	CW_SKIP_TRAIL_FAILED,	/* StartSession calls that failed */
	CW_SKIP_NOT_EVENT,	/* Logs Insights rows without @message */
	CW_SKIP_COUNT
};
void cwl_skip(struct cwl *c, enum cw_skip why);
/* "name#N" or "name:N" (valid until the next call). */
const char *cwl_where(struct cwl *c, long long pos);
/*
 * End of the input: every session is closed (its last records), and the
 * skipped notes are written.  whole: the input was read to its end.
 * Returns SL_OK or SL_STOP.
 */
int cwl_finish(struct cwl *c, int whole);
/*
 * The end of reading an input that ended with rc: unless the sink
 * stopped, finish (whole: the input was read to its end, and without a
 * read error).  Returns SL_STOP, or the status of it all (cwl_status).
 */
int cwl_end(struct cwl *c, int rc, int whole);
/*
 * An input of events one a line: each value, on a new cwl ("name:line"),
 * to fn(cwl, value, line) (cw_jsonl), then cwl_end.
 */
int cwl_jsonl(struct sl_reader *rd, int (*fn)(void *, json_t *, long long));
/* Status so far: SL_OK, SL_REJECT, SL_STOP. */
int cwl_status(const struct cwl *c);
struct sl_reader *cwl_reader(const struct cwl *c);
void cwl_free(struct cwl *c);

/* -------------------------------------------------------- cwjson.c */

/* A jsonscan source over a leaf input that reports its breaks. */
struct cw_src {
	struct sl_in *in;
	long long brk;		/* break already reported */
};
void cw_src_init(struct cw_src *s, struct sl_in *in);
ssize_t cw_src_read(void *arg, void *buf, size_t n);

/*
 * The value at hand, copied (at most SL_EVENT_MAX bytes) and parsed.
 * Counts a unit.  NULL when it is rejected (reported at where, counted)
 * or when the scanner failed (*scan set: see cw_scan_error).
 */
json_t *cw_take(struct sl_reader *rd, struct sl_jscan *js, struct sl_buf *b,
    const char *where, int *scan);
/* cw_take in two steps: copy (1 copied, 0 rejected, -1 scanner failed) */
int cw_copy(struct sl_reader *rd, struct sl_jscan *js, struct sl_buf *b,
    const char *where);
/* ...and parse the copy (NULL: rejected, reported). */
json_t *cw_parse(struct sl_reader *rd, struct sl_jscan *js,
    const struct sl_buf *b, const char *where);
/*
 * The fast path for a log event {"message": ..., "timestamp": ...,
 * "logStreamName": ...} (other keys ignored): message and stream decoded
 * into the buffers.  1: done; 0: unusual, let jansson read it.
 */
int cw_event_fast(struct sl_jscan *mem, const char *p, size_t n,
    struct sl_buf *msg, struct sl_buf *stream, int *has_stream,
    long long *ms);
/*
 * Report a scanner error ("name:line: invalid JSON: ...") as a rejected
 * unit, and go on where the scanner can (the next break, or the end).
 * Returns SL_REJECT or SL_STOP.
 */
int cw_scan_error(struct sl_reader *rd, struct sl_jscan *js);
/*
 * After the scanner stopped: when it failed, clear *whole if the input
 * was cut short and report (cw_scan_error).  Returns SL_OK, or SL_STOP
 * when the sink stopped.
 */
int cw_scan_failed(struct sl_reader *rd, struct sl_jscan *js, int *whole);
/*
 * Is the input JSON Lines?  Its first value ends within the peek on its
 * first line, and a line follows.
 */
int cw_is_jsonl(struct sl_reader *rd);
/*
 * Every element of the array under the top-level `key` of each of the
 * input's concatenated JSON documents: fn(arg, element, where, n), where
 * is "name#n" (n counts on across documents).  A top-level value that is
 * not an object comes as fn(arg, NULL, where, n), for the caller to
 * reject in its own words.  *whole is cleared when the input is cut
 * short.  Returns SL_OK, or SL_STOP when fn or the sink did.
 */
int cw_each(struct sl_reader *rd, const char *key,
    int (*fn)(void *, json_t *, const char *, long long), void *arg,
    int *whole);
/*
 * Each JSON Lines value of the input: fn(arg, value, line).  Lines that
 * are not JSON are rejected ("name:line: rejected event: ..."), blank
 * lines ignored; one line may hold SL_EVENT_MAX bytes.  Each value is a
 * unit.  Returns SL_OK, SL_REJECT, SL_STOP (from fn too).
 */
int cw_jsonl(struct sl_reader *rd, int (*fn)(void *, json_t *, long long),
    void *arg);

/*
 * Typed members: NULL when absent or null; for a value of another type,
 * or a string holding a NUL (the rule of every reader: records.md), also
 * NULL, and *why is set to the key (when not set yet).  CW_WHY words it.
 */
const char *cw_str(json_t *o, const char *key, const char **why);
#define CW_WHY	"\"%s\" is not a string (or holds a NUL)"
json_t *cw_obj(json_t *o, const char *key, const char **why);
/* A number (integer or real) as an integer; 0 absent, -1 wrong type. */
int cw_num(json_t *o, const char *key, long long *v);
/* A jsonscan source over bytes in memory, with breaks at brk[]. */
struct cw_memsrc {
	const char *p;
	size_t n, off;
	const long long *brk;
	int nbrk, next;
};
ssize_t cw_memsrc_read(void *arg, void *buf, size_t n);

/* -------------------------------------------------------- cwtrail.c */

/* "shell", "port-forwarding", "ssh", "command", "unknown" (see man). */
const char *cw_kind(const char *document);
/* Does a session of this kind never have a transcript? */
int cw_no_transcript(const char *kind);
/* A note saying so, for session sid at src. */
int cw_note_no_transcript(struct sl_reader *rd, const char *sid,
    const char *src, const char *kind);
/* Is ev a CloudTrail event (eventSource and eventName)? */
int cw_is_trail(json_t *ev);
/* A CloudTrail event of this input (a counted unit). */
int cw_trail(struct cwl *c, json_t *ev, long long pos);

/* --------------------------------------------------------- cwsort.c */

/*
 * Events kept to be read back sorted by (group, time, order added): the
 * bytes in memory up to mem_max (CW_SORT_MEM) then in an unlinked
 * temporary file; the index (48 bytes an event) in memory up to mem_max/8,
 * then in sorted runs in a second file, merged when read back.
 */
#define CW_SORT_MEM	(8 << 20)	/* 8: it shares 64 MiB with the open
				   sessions (issue 15) */

struct cw_sort;
struct cw_sort *cw_sort_new(size_t mem_max);
/* Returns 0, or -1 (the temporary file failed: errno; nothing added). */
int cw_sort_add(struct cw_sort *s, long long group, long long ms,
    long long pos, const void *p, size_t n);
void cw_sort_done(struct cw_sort *s);
/* The next event in order: 1, or 0 at the end, -1 on a read error. */
int cw_sort_next(struct cw_sort *s, long long *group, long long *ms,
    long long *pos, const char **p, size_t *n);
void cw_sort_free(struct cw_sort *s);

/* The peek's JSON keys for a probe, scanned once per sl_detect (registry.c). */
const struct sl_jkeys *sl_probe_keys(const unsigned char *p, size_t n);

#endif /* SL_CWLOG_H */
