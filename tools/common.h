/*
 * common.h: what the four programs share: messages, exit statuses, the
 * checked standard output, and the record-writing sink.
 */
#ifndef SL_TOOLS_COMMON_H
#define SL_TOOLS_COMMON_H

#include "sl.h"
#include "writer.h"

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
 * --session, --prompt, --tz.  Put TOOL_INPUT_OPTIONS in the longopts and
 * "f:" in the optstring, and hand getopt's value to tool_input_option()
 * before treating it as unknown.
 */
enum { TOOL_OPT_SESSION = 0x1000, TOOL_OPT_PROMPT, TOOL_OPT_TZ };
#define TOOL_INPUT_OPTIONS						\
	{ "from", required_argument, NULL, 'f' },			\
	{ "session", required_argument, NULL, TOOL_OPT_SESSION },	\
	{ "prompt", required_argument, NULL, TOOL_OPT_PROMPT },		\
	{ "tz", required_argument, NULL, TOOL_OPT_TZ }
/* Returns 1 when c was one of them (bad values exit 2).  A --prompt
 * allocates opts->prompts: sl_prompts_free() it at the end. */
int tool_input_option(int c, const char *arg, struct sl_opts *opts);
/* Sink: each record as a JSON line on tool_out.  arg is unused. */
int tool_put_json(void *arg, const struct sl_record *r);
/* Flush and check standard output; exit 2 on failure.  Returns status. */
int tool_finish(void);
/*
 * An output file of a tool (-o, --stats, --save-state), through the one
 * output layer (lib/outfile.c): it appears whole when tool_file_close()
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
void tool_print_stats(const struct sl_stats *st);

#endif
