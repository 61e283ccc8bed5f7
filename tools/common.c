/*
 * common.c: messages and exit statuses shared by the tools (jq's and
 * OpenBSD's habits): errors name the position, a bad input is reported
 * and skipped, and standard output is checked at the end.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

const char *tool_name = "sl";
int tool_status = EXIT_OK;
struct sl_out *tool_out;

static struct sl_buf json;

void
tool_init(const char *name)
{
	tool_name = name;
	tool_out = sl_out_fd(1, "standard output", 0);
	if (tool_out == NULL)
		tool_fatal("out of memory");
	sl_buf_init(&json);
}

/*
 * Positions name files and archive members, which may hold any byte but
 * NUL: control characters are written as '?' (as ls(1) does on a
 * terminal), so that one message stays one line and cannot drive the
 * terminal.  One write per message: stderr is unbuffered.
 */
static void
add_clean(struct sl_buf *b, const char *s)
{
	size_t at = b->len;

	sl_buf_adds(b, s);
	sl_clean_controls(b->buf + at);
	b->len = at + strlen(b->buf + at);
}

static void
message(const char *where, const char *msg)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_adds(&b, tool_name);
	sl_buf_add(&b, ": ", 2);
	if (where != NULL && *where != '\0') {
		add_clean(&b, where);
		sl_buf_add(&b, ": ", 2);
	}
	add_clean(&b, msg);
	sl_buf_addc(&b, '\n');
	fputs(b.buf, stderr);
	sl_buf_free(&b);
}

void
tool_error(void *arg, const char *where, const char *msg)
{
	(void)arg;
	message(where, msg);
	tool_status = EXIT_INPUT;
}

void
tool_info(void *arg, const char *where, const char *msg)
{
	(void)arg;
	message(where, msg);
}

/* ------------------------------------------------------ output files */

#define OPEN_FILES	8	/* open at once: -o, --stats, a member... */

static struct tool_file *open_files[OPEN_FILES];
static volatile sig_atomic_t in_signal;

static void abort_all(void);

/* Interrupted: no temporary file stays behind. */
static void
on_signal(int sig)
{
	int i;

	if (!in_signal) {
		in_signal = 1;
		for (i = 0; i < OPEN_FILES; i++)
			if (open_files[i] != NULL && open_files[i]->of.tmp != NULL)
				unlink(open_files[i]->of.tmp);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
track(struct tool_file *f, int on)
{
	static int handlers;
	int i;

	if (!handlers) {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		handlers = 1;
	}
	for (i = 0; i < OPEN_FILES; i++)
		if (open_files[i] == (on ? NULL : f)) {
			open_files[i] = on ? f : NULL;
			return;
		}
	if (on)
		tool_fatal("too many output files open");
}

static struct sl_out *
wrap(struct tool_file *f, unsigned flags)
{
	int fd = dup(f->of.fd);

	f->out = fd >= 0 ? sl_out_fd(fd, f->of.final, flags) : NULL;
	if (f->out == NULL) {
		if (fd >= 0)
			close(fd);
		sl_ofile_abort(&f->of);
		tool_fatal("out of memory or file descriptors");
	}
	track(f, 1);
	return f->out;
}

struct sl_out *
tool_file_open(struct tool_file *f, const char *path, int force,
    unsigned flags)
{
	char err[1024];

	memset(f, 0, sizeof(*f));
	if (sl_ofile_open(&f->of, path, force, err, sizeof(err)) != SL_OK)
		tool_fatal("%s", err);
	return wrap(f, flags);
}

struct sl_out *
tool_file_open_in(struct tool_file *f, const char *root, const char *rel,
    int force, unsigned flags, char *err, size_t errlen)
{
	memset(f, 0, sizeof(*f));
	if (sl_ofile_open_in(&f->of, root, rel, force, err, errlen) != SL_OK)
		return NULL;
	return wrap(f, flags);
}

void
tool_file_close(struct tool_file *f)
{
	char err[1024];
	int e;

	if (sl_out_close(f->out) != SL_OK) {
		e = errno;
		f->out = NULL;
		snprintf(err, sizeof(err), "%s", f->of.final);
		tool_file_abort(f);
		tool_fatal("%s: write error: %s", err, strerror(e));
	}
	f->out = NULL;
	if (sl_ofile_commit(&f->of, err, sizeof(err)) != SL_OK) {
		track(f, 0);
		tool_fatal("%s", err);
	}
	track(f, 0);
}

void
tool_file_abort(struct tool_file *f)
{
	track(f, 0);
	if (f->out != NULL)
		sl_out_close(f->out);
	f->out = NULL;
	sl_ofile_abort(&f->of);
}

static void
abort_all(void)
{
	int i;

	for (i = 0; i < OPEN_FILES; i++)
		if (open_files[i] != NULL)
			tool_file_abort(open_files[i]);
}

/* "tool: fmt..." on stderr, controls made '?' (it names files). */
static void
vmessage(const char *fmt, va_list ap)
{
	char msg[2048];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	message(NULL, msg);
}

void
tool_fatal(const char *fmt, ...)
{
	va_list ap;

	abort_all();
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	exit(EXIT_FATAL);
}

void
tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	abort_all();
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n",
	    tool_name);
	exit(EXIT_FATAL);
}

void
tool_bad_option(int c, char **argv)
{
	char shortopt[3] = { '-', (char)optopt, '\0' };
	const char *opt = optopt > 0 && optopt < 128 ? shortopt :
	    argv[optind - 1];

	if (c == ':')
		tool_usage_error("option '%s' needs a value", opt);
	tool_usage_error("unknown option '%s'", opt);
}

int
tool_input_option(int c, const char *arg, struct sl_opts *opts)
{
	char err[512];

	switch (c) {
	case 'f':
		if (sl_format_lookup(arg) == NULL)
			tool_usage_error("unknown format '%s'", arg);
		opts->format = arg;
		return 1;
	case TOOL_OPT_SESSION:
		opts->session = arg;
		return 1;
	case TOOL_OPT_PROMPT:
		if (opts->prompts == NULL)
			opts->prompts = sl_prompts_new();
		if (sl_prompts_add(opts->prompts, arg, err, sizeof(err)) != SL_OK)
			tool_usage_error("--prompt '%s': %s", arg, err);
		return 1;
	case TOOL_OPT_TZ:
		if (!sl_tz_valid(arg))
			tool_usage_error("unknown time zone '%s'", arg);
		opts->tz = arg;
		return 1;
	}
	return 0;
}

int
tool_put_json(void *arg, const struct sl_record *r)
{
	(void)arg;
	sl_buf_reset(&json);
	sl_record_to_json(&json, r);
	return sl_out_write(tool_out, json.buf, json.len) == SL_OK ?
	    SL_OK : SL_STOP;
}

int
tool_finish(void)
{
	if (fflush(stdout) != 0)
		tool_fatal("write error on standard output: %s",
		    strerror(errno));
	if (sl_out_close(tool_out) != SL_OK)
		tool_fatal("write error on standard output: %s",
		    strerror(errno));
	tool_out = NULL;
	sl_buf_free(&json);
	return tool_status;
}

void
tool_print_stats(const struct sl_stats *st)
{
	fprintf(stderr, "%s: stats: inputs %lld, bytes %lld, units %lld, "
	    "written %lld, merged %lld, skipped %lld, rejected %lld, "
	    "records %lld\n", tool_name, st->inputs, st->bytes, st->units,
	    st->written, st->merged, st->skipped, st->rejected, st->records);
}
