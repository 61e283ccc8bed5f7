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

struct rw;

#define RV_NONE		SL_TIME_UNKNOWN	/* an unknown time, in ms */
#define REPORT_STATE_VERSION	1
#define REPORT_NRANK	5		/* sl_source_rank() values */

/* ------------------------------------------------------------- the store */

struct rnote {
	char *code;
	char *text;		/* the least text of this code (any order) */
	long long n;		/* notes of this code */
	long long count;	/* sum of their counts; -1 when none had one */
};

#define RCMD_CANCELLED	0x1	/* typed, then Ctrl-C: it never ran */

struct rcmd {
	size_t off, len;	/* in the source's text arena */
	long long ms;		/* RV_NONE: untimed */
	unsigned flags;		/* RCMD_* */
	int cont_head;		/* began with a continuation: joins the
				   previous source part when parts merge */
};

/* Commands of a source written out to the report's spill file. */
struct rspill {
	long long off;
	size_t len;
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
	struct rcmd *cmds;	/* the commands still in memory, the last */
	size_t ncmds, capcmds;
	struct rspill *spills;	/* the ones before, written out */
	size_t nspills;
	size_t nspilled;	/* commands in them */
	long long ran_spilled;	/* ...of which ran (no RCMD_* flag) */
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

/* -j N (report_pack.c): the run of lines a worker holds, and the
 * parent's room to decode records in. */
struct rpack {
	int open;
	int null_sid;
	struct sl_buf sid;		/* its session (null_sid: none) */
	struct sl_buf src;		/* its first line's src */
	size_t plen;			/* of which the input part */
	long long first_n, lines, timed, first_ms, last_ms;
	size_t ncmds;
	struct sl_buf cmds;		/* encoded as in the entry */
	struct sl_buf arrays;		/* a decoded record's (parent) */
	/* The session record held for the next one (report_pack.c). */
	int held;
	int hold_rank;			/* its sl_source_rank */
	int hold_start, hold_end;	/* it gives a start, an end */
	int hold_null_sid;
	struct sl_buf hold_sid;		/* its session (hold_null_sid: none) */
	struct sl_buf hold;		/* it, encoded */
	struct sl_buf hold_arrays;	/* its arrays, decoded */
	struct sl_kv *kv;		/* the extras of two, combined */
	size_t capkv;
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
	struct sl_buf left_out;		/* of the last report written */
	/* Commands past a memory budget go to an unlinked file, so that
	 * memory grows with sessions, not with commands (report_cmds.c). */
	int spill_fd;			/* -1: none yet */
	int spill_off;			/* it could not be made or written */
	long long spill_end;
	size_t cmd_bytes, cmd_limit;	/* in memory, and when to spill */
	size_t cmd_budget;		/* 0: the default; tests set less */
	struct rpack pack;
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
/*
 * Of two transcripts of one session (S3 and CloudWatch, a .log and its
 * .log.gz), is the first the one to show?  Most lines; then one with
 * times; then the smaller key, so that input order never decides.  The
 * report's rule, and sl-convert's (lib/convert/convert.c).
 */
int report_better_transcript(long long lines, long long timed,
    const char *key, long long olines, long long otimed, const char *okey);
void report_note_add(struct rnote **v, size_t *n, const char *code,
    const char *text, long long nnotes, long long count);
/* A command, or with cont the next line of the last one; flags (RCMD_*)
 * of a continuation are the whole command's.  Past the memory budget the
 * commands of every source but their last are written out. */
void report_cmd_add(struct sl_report *rep, struct rsrc *src, const char *p,
    size_t n, long long ms, int cont, unsigned flags);
/* Room for n more commands of bytes of text in all, made at once: a
 * worker's entry says how many it brings, and growing the arrays by
 * doubling for each source was a seventh of adding them. */
void report_src_reserve(struct rsrc *src, size_t n, size_t bytes);
/* Commands of a source, written out ones included. */
size_t report_src_ncmds(const struct rsrc *src);
/* Every command of a source, in order, read back. */
struct rcmdset {
	struct rcmd *cmds;
	size_t n, cap;
	struct sl_buf text;	/* rcmd.off is into this */
};
void report_cmdset_init(struct rcmdset *set);
void report_cmdset_free(struct rcmdset *set);
/* Fill set (emptied first); 0, or -1 when the spill file fails to read. */
int report_src_cmds(const struct sl_report *rep, const struct rsrc *src,
    struct rcmdset *set);
/* One part of them (a spill block, else the commands in memory) into set:
 * 1, 0 past the last part, -1 when the spill file fails to read. */
int report_src_cmds_part(const struct sl_report *rep, const struct rsrc *src,
    size_t part, struct rcmdset *set);
void report_spill_close(struct sl_report *rep);
/* Tests: spill past bytes of commands instead of the default budget. */
void report_set_cmd_budget(struct sl_report *rep, size_t bytes);
void report_free_cmds(struct rsrc *src);
void report_keep_session(struct rsess *s, const struct sl_record *r);
/*
 * A line record in pieces, so that a run of lines can be applied at once
 * (report_pack.c) with the same outcome as one at a time (put_line).
 * The source of a line of session at src (line n): as for a line record,
 * through the line cache, a fresh one for an input read again.
 */
struct rsrc *report_line_src(struct sl_report *rep, const char *session,
    const char *src, long long n);
/* lines more lines to src, timed of them with a time in [first_ms,
 * last_ms] (RV_NONE: none), the first of them line first_n. */
void report_src_lines(struct rsrc *src, long long first_n, long long lines,
    long long timed, long long first_ms, long long last_ms);
/* The time of line r in ms, RV_NONE when it has none (or a bad one). */
long long report_line_ms(const struct sl_record *r);
/* The command line r adds (for report_cmd_add): 1 and c set, else 0. */
struct rline_cmd {
	const char *p;
	size_t n;
	int cont;
	unsigned flags;
};
int report_line_cmd(const struct sl_record *r, struct rline_cmd *c);
void report_add_input(struct sl_report *rep, const char *path);

/* ----------------------------------------------------------- view model */

struct rv_cmd {
	const char *text;	/* not NUL-terminated: len bytes */
	size_t len;
	const char *time;	/* NULL: untimed, else tbuf */
	char tbuf[25];
	unsigned flags;		/* RCMD_*: a cancelled one is in the
				   timeline only, not among those run */
};

/*
 * The commands of one session at a time, read back from the store when a
 * renderer asks (report_cmds): the view holds no command of its own.
 */
struct rv_cmdcache {
	const struct sl_report *rep;
	const struct rv_session *cur;	/* whose commands are in cmds */
	struct rcmdset set;
	struct rv_cmd *cmds;
	size_t cap;
	int failed;			/* the spill file failed to read */
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
	/* Where a port-forwarding or SSH session went (StartSession
	 * parameters): for those sessions the only evidence. */
	const char *remote_host, *port_number, *local_port_number;
	const char *target_label;	/* target, with the destination */
	long long start_ms, end_ms, duration_ms;	/* RV_NONE: unknown */
	enum sl_when when;	/* what places it in time (sl_session_when) */
	long long when_ms;	/* start, else end; RV_NONE: undated */
	long long commands, lines, transcripts;	/* commands run */
	int transcript;
	const char *transcript_src;
	/* Its commands (ncmds): report_cmds(s).  cmds is set only with
	 * --commands, where the timeline holds every command anyway. */
	struct rv_cmd *cmds;
	size_t ncmds;
	const struct rsrc *win;		/* the transcript kept, or NULL */
	struct rv_cmdcache *cache;
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
	long long no_start;		/* shown sessions without a start */
	long long by_end;		/* of those, placed by their end */
	long long local_only;		/* undated: only zone-less times */
	/* left out, by reason: --user/--target, then the window's places */
	long long filtered_out, outside_window, undated_left_out,
	    local_left_out;
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
	size_t ntimeline;		/* --commands: the timeline's length */
	int want_timeline;		/* --commands was given */
	const char *pages;		/* see sl_report_opts */

	/* Owned.  Mutable state behind the const views renderers get: the
	 * commands read back, and whether a block of them was lost. */
	struct rv_cmdcache *cache;

	/* owned strings */
	char **pool;
	size_t npool, cappool;
	char since_buf[25], until_buf[25];
};

struct rv_report *report_view(struct sl_report *rep);
void report_view_free(struct rv_report *v);
/*
 * The s->ncmds commands of session s, in order.  Read back from the store
 * unless the view holds them: valid until the next call for another
 * session.  When they cannot be read back, an empty list, and
 * report_view_failed() says so.
 */
const struct rv_cmd *report_cmds(const struct rv_session *s);
/*
 * The same commands one at a time, a spill block read back at a time, so
 * a renderer holds a budget's worth whatever one session has:
 *	report_cmds_begin(s, &it); while ((c = report_cmds_next(&it)))
 * Each command is valid until the next call; the cache's commands are
 * reused (report_cmds reads again after).  When they cannot be read
 * back, the list ends early and report_view_failed() says so.
 */
struct rv_cmditer {
	const struct rv_session *s;
	size_t part;		/* next part of s->win to read back */
	size_t i;		/* next command of the part read */
	size_t k;		/* commands given so far */
	struct rv_cmd cmd;
};
void report_cmds_begin(const struct rv_session *s, struct rv_cmditer *it);
const struct rv_cmd *report_cmds_next(struct rv_cmditer *it);
int report_view_failed(const struct rv_report *v);
/*
 * The command timeline (--commands): every command of the kept sessions
 * in time order, by (at, session id, k), where at is the command's time,
 * else the last before it in its session, else the session's start.  A
 * session's commands are in that order already, so the timeline is a
 * merge of the sessions' iterators (a heap of them): it holds a spill
 * block per session, never every command.
 *	report_timeline_begin(v, &t);
 *	while ((c = report_timeline_next(&t, &s))) ...;
 *	report_timeline_end(&t);
 * Each call may be made again for a second pass (the text table's widths).
 */
struct rv_tlcur;
struct rv_timeline {
	struct rv_tlcur *cur;	/* one per session with commands */
	struct sl_heap heap;	/* indexes of cur, least head first */
	int *failed;		/* the view's: a spill block was lost */
	int given;		/* the least head was handed out */
};
void report_timeline_begin(const struct rv_report *v, struct rv_timeline *t);
const struct rv_cmd *report_timeline_next(struct rv_timeline *t,
    const struct rv_session **s);
void report_timeline_end(struct rv_timeline *t);
/* Sessions left out by filters and the window, for people ("3 sessions
 * left out: 2 outside the window, 1 without a start or end time"); an
 * empty b when none were. */
void report_left_out(const struct rv_report *v, struct sl_buf *b);
long long report_left_out_count(const struct rv_report *v);
/* The general section's sentences on placing sessions in time: who was
 * left out and why, how many were placed by their end.  say(w, s) gets
 * each one; every renderer words the same facts the same way. */
void report_placement(struct rw *w, const struct rv_report *v,
    void (*say)(struct rw *w, const char *sentence));

/* ------------------------------------------------------------ renderers */

/* A writer over an sl_out (which buffers); errors are sticky. */
struct rw {
	struct sl_out *o;
	struct sl_buf *ob;	/* sl_out_buf(o): appended to in place */
	struct sl_buf b;	/* scratch */
	int err;
};

void rw_s(struct rw *w, const char *s);
void rw_n(struct rw *w, const char *s, size_t n);
void rw_c(struct rw *w, int c);
void rw_int(struct rw *w, long long v);
void rw_printf(struct rw *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* s[0, n) as a JSON string literal (sl_buf_json_str). */
void rw_json(struct rw *w, const char *s, size_t n);
/* ms as seconds: "125", "125.5". */
void rw_secs(struct rw *w, long long ms);
/* A time for people: "2024-05-01T09:00:00.000Z" -> "2024-05-01 09:00:00"
 * into buf (20 bytes at least); NULL for NULL. */
const char *report_short_time(const char *t, char *buf);
/* A duration for people: "45s", "12m05s", "3h02m", "2d04h". */
void report_human_duration(long long ms, char *out, size_t n);
/* Bytes for people: "512 B", "3.4 KiB". */
void report_human_bytes(long long b, char *out, size_t n);

/* An owner ARN as people say it: "arn:aws:iam::1:user/alice" -> "user/alice". */
const char *report_short_user(const char *u);
/*
 * A user in at most max display columns, as people tell users apart:
 * report_short_user(u), its middle cut with an ellipsis so that the end
 * stays (an assumed role's session name is the person).  Into out.
 */
void report_user_label(const char *u, int max, struct sl_buf *out);
/* A command on one line: the breaks of a continued command shown as
 * " \u21b5 ", into out. */
void report_cmd_oneline(const char *s, size_t n, struct sl_buf *out);
/* The flags of a command for people: "" or "cancelled". */
const char *report_cmd_flags(unsigned flags);

void report_text(struct rw *w, const struct rv_report *v);
void report_csv(struct rw *w, const struct rv_report *v);
void report_json(struct rw *w, const struct rv_report *v);
void report_md(struct rw *w, const struct rv_report *v);
void report_html(struct rw *w, const struct rv_report *v);

#endif /* SL_REPORT_H */
