/*
 * report.h: the report model of sl-report, internal to lib/report*.c.
 *
 * GoAccess's shape: parse -> store -> view model -> renderers.
 *   store (report.c)        a sink: per session, transcript sources with
 *                           their line counts, commands and notes; session
 *                           fields merged by rank in struct sl_sessions
 *   state (report_state.c)  the store written and read back (--save-state,
 *                           --merge)
 *   view (report_view.c)    filters, picks one transcript per session,
 *                           derives times, kinds and users, sorts, and
 *                           aggregates per user, target and day
 *   renderers               report_text.c, report_csv.c, report_json.c,
 *                           report_md.c, report_html.c: each sees only
 *                           struct rv_report, never records
 */
#ifndef SL_REPORT_H
#define SL_REPORT_H

#include "internal.h"

#define RV_NONE		(-4611686018427387904LL)	/* an unknown time, in ms */
#define REPORT_STATE_VERSION	1
#define REPORT_NRANK	5		/* sl_source_rank() values */

/* ------------------------------------------------------------- the store */

struct rnote {
	char *code;
	char *text;		/* the first note of this code */
	long long n;		/* notes of this code */
	long long count;	/* sum of their counts; -1 when none had one */
};

struct rcmd {
	size_t off, len;	/* in the source's text arena */
	long long ms;		/* RV_NONE: untimed */
	int cont_head;		/* began with a continuation: joins the
				   previous source part when parts merge */
};

/* One transcript source of a session: the lines of one input. */
struct rsrc {
	char *key;		/* the input (chunk files: their folder) */
	char *first_path;	/* path of its first record */
	char *last_path;	/* path of its last record */
	long long first_n;	/* n of its first line (0: none yet) */
	long long lines;
	long long timed;	/* lines with a time */
	long long first_ms, last_ms;
	struct sl_buf text;	/* command texts, back to back */
	struct rcmd *cmds;
	size_t ncmds, capcmds;
	struct rnote *notes;
	size_t nnotes;
};

/* First-seen session fields of one source rank, kept for --save-state. */
struct rcand {
	char *f[SL_F_COUNT];	/* start/end and their *_src excluded */
	struct sl_kv *extra;
	size_t nextra;
};

/* First-seen start or end of one time-source rank, for --save-state. */
struct rtime {
	int end;		/* 0: start */
	int rank;		/* sl_time_src_rank(src) */
	char *val, *src;
	struct rtime *next;
};

struct rsess {
	const struct sl_session *s;	/* owned by the sessions table */
	struct rsrc **src;
	size_t nsrc;
	struct rcand *cand[REPORT_NRANK];
	struct rtime *times;
};

struct sl_report {
	struct sl_report_opts o;
	struct sl_sessions *t;
	struct rsess **aux;		/* by sl_session.seq */
	size_t naux, capaux;
	struct rsess *last;		/* line cache */
	struct rsrc *last_src;
	char **inputs;
	size_t ninputs;
	struct sl_stats st;
	struct rnote *notes;		/* notes of no session */
	size_t nnotes;
};

struct rsess *report_sess(struct sl_report *rep, const char *sid);
/* The source of path in s; a new one when fresh (a re-read input). */
struct rsrc *report_src(struct rsess *s, const char *path, size_t plen,
    int fresh);
/*
 * Counters stay in [0, REPORT_COUNT_MAX] (2^53 - 1: exact as a JSON
 * number for every reader of a report): sums stop there instead of
 * overflowing; a state file with a counter past it is corrupt.
 */
#define REPORT_COUNT_MAX	((1LL << 53) - 1)
long long report_add(long long a, long long b);
void report_note_add(struct rnote **v, size_t *n, const char *code,
    const char *text, long long nnotes, long long count);
void report_cmd_add(struct rsrc *src, const char *p, size_t n,
    long long ms, int cont);
void report_keep_session(struct rsess *s, const struct sl_record *r);
void report_add_input(struct sl_report *rep, const char *path);

/* ----------------------------------------------------------- view model */

struct rv_cmd {
	const char *text;	/* not NUL-terminated: len bytes */
	size_t len;
	const char *time;	/* NULL: untimed, else tbuf */
	char tbuf[25];
};

struct rv_note {
	const char *code;
	const char *text;
	long long n;
	long long count;	/* -1: none */
};

struct rv_session {
	const char *id;		/* NULL: the unknown session */
	const char *user;	/* owner, else principal */
	const char *principal, *owner, *target, *host, *run_as, *kind,
	    *document, *region, *account, *status, *reason, *source_ip;
	const char *start, *start_src, *end, *end_src;
	const char *start_local, *end_local;
	long long start_ms, end_ms, duration_ms;	/* RV_NONE: unknown */
	long long commands, lines, transcripts;
	int transcript;
	const char *transcript_src;
	struct rv_cmd *cmds;
	size_t ncmds;
	struct rv_note *notes;
	size_t nnotes;
	const char *day;	/* "YYYY-MM-DD", NULL when start is unknown */
	const char *group;	/* key of --group-by */
};

struct rv_group {
	const char *key;	/* NULL: unknown */
	long long sessions, with_transcript, commands, lines;
	long long duration_ms;	/* sum of known durations */
	long long timed;	/* sessions with a known duration */
	long long distinct;	/* users of a target or day, targets of a user */
	const char *first_start, *last_start;
};

struct rv_report {
	/* general */
	long long sessions, with_transcript, commands, lines;
	long long nusers, ntargets, duplicates, rejected;
	long long filtered_out, no_start, no_start_left_out;
	const char *first_start, *last_start, *last_end;
	const char *since, *until, *user_glob, *target_glob, *group_by;
	const char *const *inputs;
	size_t ninputs;
	struct sl_stats st;
	const struct rv_note *gnotes;	/* notes of no session */
	size_t ngnotes;

	struct rv_session *s;
	size_t ns;
	struct rv_group *users, *targets, *days;
	size_t nusers_g, ntargets_g, ndays;

	/* owned strings */
	char **pool;
	size_t npool, cappool;
	char since_buf[25], until_buf[25];
};

struct rv_report *report_view(struct sl_report *rep);
void report_view_free(struct rv_report *v);

/* ------------------------------------------------------------ renderers */

/* A buffered writer over an sl_out; errors are sticky. */
struct rw {
	struct sl_out *o;
	struct sl_buf b;
	int err;
};

void rw_flush(struct rw *w);
void rw_s(struct rw *w, const char *s);
void rw_n(struct rw *w, const char *s, size_t n);
void rw_c(struct rw *w, int c);
void rw_int(struct rw *w, long long v);
void rw_printf(struct rw *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* ms as seconds: "125", "125.5". */
void rw_secs(struct rw *w, long long ms);
/* A duration for people: "45s", "12m05s", "3h02m", "2d04h". */
void report_human_duration(long long ms, char *out, size_t n);
/* Bytes for people: "512 B", "3.4 KiB". */
void report_human_bytes(long long b, char *out, size_t n);

/* An owner ARN as people say it: "arn:aws:iam::1:user/alice" -> "user/alice". */
const char *report_short_user(const char *u);

void report_text(struct rw *w, const struct rv_report *v);
void report_csv(struct rw *w, const struct rv_report *v);
void report_json(struct rw *w, const struct rv_report *v);
void report_md(struct rw *w, const struct rv_report *v);
void report_html(struct rw *w, const struct rv_report *v);

#endif /* SL_REPORT_H */
