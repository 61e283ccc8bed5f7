/*
 * common.h: what the four programs share: messages, exit statuses, the
 * checked standard output, and the record-writing sink.
 */
#ifndef SL_TOOLS_COMMON_H
#define SL_TOOLS_COMMON_H

#include "sl.h"
#include "convert/writer.h"

/* Exit statuses, as records.md fixes them for every tool. */
#define EXIT_OK		0	/* all input processed */
#define EXIT_INPUT	1	/* finished, but input was lost or rejected */
#define EXIT_FATAL	2	/* usage error, fatal error, failed write */

extern const char *tool_name;
extern int tool_status;		/* EXIT_OK or EXIT_INPUT so far */
extern struct sl_out *tool_out;	/* standard output */

void tool_init(const char *name);
/* "tool: where: msg" on stderr; input was lost, so exit 1 at the end. */
void tool_error(void *arg, const char *where, const char *msg);
/* "tool: where: msg" on stderr; not a failure (sl_run_set_info). */
void tool_info(void *arg, const char *where, const char *msg);
/*
 * Before anything is written to stderr: when stderr and standard output
 * are one file (2>&1, one terminal), the output written so far goes
 * first, so that a message follows the records before it.
 */
void tool_output_before_stderr(void);
/* "tool: msg" on stderr and exit 2. */
void tool_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));
/* "tool: msg" and a pointer to --help, exit 2. */
void tool_usage_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* getopt returned '?' or ':' (optstring starts with ':'): exit 2. */
void tool_bad_option(int c, char **argv) __attribute__((noreturn));
/*
 * The options of every tool that parses inputs itself: -f/--from,
 * -j/--jobs, --session, --prompt, --tz.  Put TOOL_INPUT_OPTIONS in the
 * longopts and "f:j:" in the optstring, and hand getopt's value to tool_input_option()
 * before treating it as unknown.
 */
enum { TOOL_OPT_SESSION = 0x1000, TOOL_OPT_PROMPT, TOOL_OPT_TZ,
    TOOL_OPT_SINCE, TOOL_OPT_UNTIL, TOOL_OPT_USER, TOOL_OPT_TARGET,
    TOOL_OPT_ID, TOOL_OPT_LIST_FORMATS };
#define TOOL_INPUT_OPTIONS						\
	{ "from", required_argument, NULL, 'f' },			\
	{ "jobs", required_argument, NULL, 'j' },			\
	{ "session", required_argument, NULL, TOOL_OPT_SESSION },	\
	{ "prompt", required_argument, NULL, TOOL_OPT_PROMPT },		\
	{ "tz", required_argument, NULL, TOOL_OPT_TZ }
/* Returns 1 when c was one of them (bad values exit 2).  A --prompt
 * allocates opts->prompts: sl_prompts_free() it at the end. */
int tool_input_option(int c, const char *arg, struct sl_opts *opts);
/* The worker processes -j asks for (default: the CPUs online). */
int tool_job_count(void);
/*
 * The selection of every tool (sl(7)): --since, --until, --user,
 * --target, --id.  Put TOOL_SELECT_OPTIONS in the longopts and hand
 * getopt's value to tool_select_option() (1 when it was one of them; bad
 * values exit 2), then call tool_select_check() after the loop.
 */
#define TOOL_SELECT_OPTIONS						\
	{ "since", required_argument, NULL, TOOL_OPT_SINCE },		\
	{ "until", required_argument, NULL, TOOL_OPT_UNTIL },		\
	{ "user", required_argument, NULL, TOOL_OPT_USER },		\
	{ "target", required_argument, NULL, TOOL_OPT_TARGET },		\
	{ "id", required_argument, NULL, TOOL_OPT_ID }
int tool_select_option(int c, const char *arg, struct sl_select_opts *sel);
void tool_select_check(const struct sl_select_opts *sel);
/* --list-formats: the input formats, one a line, on standard output. */
#define TOOL_LIST_FORMATS_OPTION					\
	{ "list-formats", no_argument, NULL, TOOL_OPT_LIST_FORMATS }
void tool_list_formats(void);
/* -h/--help (usage), -V/--version, --list-formats: print on standard
 * output and exit 0.  Returns 0 when c is none of them. */
int tool_info_option(int c, const char *usage);
/*
 * Any option a tool does not handle itself: the input options (when opts
 * is not NULL), the selection, the information options, else a usage
 * error.  The default branch of every tool's option switch.
 */
void tool_other_option(int c, const char *arg, struct sl_opts *opts,
    struct sl_select_opts *sel, const char *usage, char **argv);
/*
 * No file argument and standard input is a terminal: the user did not
 * mean to type a log.  Print usage on stderr and exit 2, as jq does.
 */
void tool_need_input(int nargs, const char *usage);
/*
 * --stats and --stats=FILE: where counters go.  NULL when not asked,
 * "-" for standard error (the default), else a file.
 */
#define TOOL_STATS_OPTION						\
	{ "stats", optional_argument, NULL, TOOL_OPT_STATS }
enum { TOOL_OPT_STATS = 0x1100 };
const char *tool_stats_arg(const char *optarg_value);
/* Open where --stats goes (stderr for "-"); a file is put in place by
 * tool_stats_close through the output layer, replaced only after
 * tool_stats_force(1) (--force).  Failures exit 2. */
void tool_stats_force(int on);
FILE *tool_stats_open(const char *where);
void tool_stats_close(FILE *f, const char *where);

/*
 * The progress line: on a terminal (stderr a tty) during long runs,
 * "tool: 12 files, 3.4 MiB, 5000 records[, extra]", at most four times
 * a second; never in a pipe.  Messages clear it first.
 */
void tool_progress_init(const struct sl_run *run);
/* Also show "N what" from count(arg), e.g. sessions of a report. */
void tool_progress_extra(size_t (*count)(const void *), const void *arg,
    const char *what);
/* A tool without a run (sl-redact of raw logs) says what it has done. */
void tool_progress_custom(void (*describe)(struct sl_buf *, const void *),
    const void *arg);
/* Call often (per record); cheap: looks at the clock every 1024 calls. */
void tool_progress_tick(void);
/* Call at coarse steps (an input, a block of records): looks at the
 * clock every time. */
void tool_progress_tick_now(void);
void tool_progress_end(void);

/*
 * A run over the inputs as every record-reading tool makes it: the
 * selection (lib/core/select.c) in front of down, the progress line, the
 * facts told once per run, --stats.
 */
struct tool_pipe;
struct tool_pipe *tool_pipe_new(const struct sl_opts *opts,
    const struct sl_select_opts *sel, const struct sl_sink *down);
/* With -j N, workers pack records for down as pk says (sl_packer); not
 * with a selection, which needs the records themselves. */
void tool_pipe_pack(struct tool_pipe *p, const struct sl_packer *pk);
/* Read one path (see sl_run_path). */
int tool_pipe_path(struct tool_pipe *p, const char *path);
/* Everything read so far passed on (-j): before a tool adds to the sink
 * itself.  SL_OK or SL_STOP. */
int tool_pipe_sync(struct tool_pipe *p);
/* Read every file argument, or standard input when there is none. */
int tool_pipe_args(struct tool_pipe *p, int argc, char **argv, int first);
/* End: pass kept records on, tell the once-per-run facts, write the
 * counters where stats says (NULL: nowhere).  SL_OK or SL_STOP. */
int tool_pipe_finish(struct tool_pipe *p, const char *stats);
void tool_pipe_stats(const struct tool_pipe *p, struct sl_stats *st);
void tool_pipe_free(struct tool_pipe *p);

/* Sink: each record as a JSON line on tool_out.  arg is unused. */
int tool_put_json(void *arg, const struct sl_record *r);
/* Flush and check standard output; exit 2 on failure.  Returns status. */
int tool_finish(void);
/*
 * An output file of a tool (-o, --stats, --save-state), through the one
 * output layer (lib/output/outfile.c): it appears whole when tool_file_close()
 * succeeds, and its temporary file goes on any failure, tool_fatal() and
 * SIGINT, SIGTERM, SIGHUP included.
 */
struct tool_file {
	struct sl_ofile of;
	struct sl_out *out;
};
/* Open path (a name the user gave); exit 2 with a message on failure. */
struct sl_out *tool_file_open(struct tool_file *f, const char *path,
    int force, unsigned flags);
/* Open root/rel (a name made from input); NULL with err on failure. */
struct sl_out *tool_file_open_in(struct tool_file *f, const char *root,
    const char *rel, int force, unsigned flags, char *err, size_t errlen);
/* Finish f and put it in place; exit 2 with a message on failure. */
void tool_file_close(struct tool_file *f);
/* Give f up: nothing of it stays. */
void tool_file_abort(struct tool_file *f);

/* Print counters the way every tool does for --stats. */
void tool_print_stats(FILE *f, const struct sl_stats *st);

#endif
