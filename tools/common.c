/*
 * common.c: messages and exit statuses shared by the tools (jq's and
 * OpenBSD's habits): errors name the position, a bad input is reported
 * and skipped, and standard output is checked at the end.
 */
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

const char *tool_name = "sl";
int tool_status = EXIT_OK;
struct sl_out *tool_out;

static int tool_jobs = 1;	/* -j: worker processes; default the CPUs */
/* Standard output and stderr are one file: tool_output_before_stderr. */
static int out_is_err;

#define JOBS_MAX	256	/* -j: worker processes at most */

/*
 * A standard descriptor that was closed (`tool >&-`) would be taken by
 * the first file the tool opens, a spool say, and output would vanish
 * into it.  Hold its place with /dev/null opened read-only: a write
 * there fails (EBADF) and is reported as a write error.
 */
static void
hold_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", O_RDONLY) == -1)
			exit(EXIT_FATAL);
}

/* A reader of our output went away (`tool | head`): end quietly, the way
 * SIGPIPE would, even when our parent ignored SIGPIPE. */
static void
broken_pipe(void)
{
	signal(SIGPIPE, SIG_DFL);
	raise(SIGPIPE);
	_exit(141);
}

/* The library does not unwind from out of memory: say so and stop. */
static void
out_of_memory(size_t n)
{
	char msg[128];
	int len;

	len = snprintf(msg, sizeof(msg), "%s: out of memory (%zu bytes)\n",
	    tool_name, n);
	/* Nothing more can be done when even this write fails. */
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		_exit(EXIT_FATAL);
	_exit(EXIT_FATAL);
}

/* Whether descriptors a and b are the same file (2>&1, one terminal). */
static int
same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* The CPUs online; a number the system cannot give means one. */
static int
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > JOBS_MAX ? JOBS_MAX : (int)n;
}

int
tool_job_count(void)
{
	return tool_jobs;
}

void
tool_init(const char *name)
{
	struct sl_hooks hooks = { out_of_memory, broken_pipe };

	hold_std_fds();
	tool_name = name;
	sl_set_hooks(&hooks);
	tool_jobs = default_jobs();
	tool_out = sl_out_fd(1, "standard output", 0);
	if (tool_out == NULL)
		tool_fatal("out of memory");
	out_is_err = same_file(1, 2);
}

/*
 * Standard output is buffered (64 KiB), stderr is not: with 2>&1, -j 1
 * put its messages where the buffer last filled, before the records
 * still in it (or in the middle of one), and -j N, whose workers' JSON
 * is written as it comes, elsewhere.  A failed write is kept by
 * tool_out, and reported when it is closed.
 */
void
tool_output_before_stderr(void)
{
	if (out_is_err && tool_out != NULL)
		(void)sl_out_flush(tool_out);
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
	tool_progress_end();	/* the line comes back at the next tick */
	tool_output_before_stderr();
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
	struct sl_error e;

	if (sl_out_close(f->out, &e) != SL_OK) {
		f->out = NULL;
		snprintf(err, sizeof(err), "%s", f->of.final);
		tool_file_abort(f);
		tool_fatal("%s: write error: %s", err, strerror(e.sys));
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
		sl_out_close(f->out, NULL);
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

/* -j N: a whole number from 1 to JOBS_MAX, nothing else. */
static int
jobs_arg(const char *arg)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end != '\0' || errno != 0 || n < 1 ||
	    n > JOBS_MAX)
		tool_usage_error("-j '%s': not a number of jobs from 1 to %d",
		    arg, JOBS_MAX);
	return (int)n;
}

int
tool_input_option(int c, const char *arg, struct sl_opts *opts)
{
	struct sl_error err;

	switch (c) {
	case 'f':
		if (sl_format_lookup(arg) == NULL)
			tool_usage_error("unknown format '%s'", arg);
		opts->format = arg;
		return 1;
	case 'j':
		tool_jobs = jobs_arg(arg);
		return 1;
	case TOOL_OPT_SESSION:
		opts->session = arg;
		return 1;
	case TOOL_OPT_PROMPT:
		if (opts->prompts == NULL)
			opts->prompts = sl_prompts_new();
		if (sl_prompts_add(opts->prompts, arg, &err) != SL_OK)
			tool_usage_error("--prompt '%s': %s", arg, err.msg);
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
	/* Made in the output's buffer: no copy. */
	sl_record_to_json(sl_out_buf(tool_out), r);
	return sl_out_appended(tool_out) == SL_OK ? SL_OK : SL_STOP;
}

int
tool_finish(void)
{
	struct sl_error err;

	if (fflush(stdout) != 0)
		tool_fatal("write error on standard output: %s",
		    strerror(errno));
	if (sl_out_close(tool_out, &err) != SL_OK)
		tool_fatal("write error on standard output: %s",
		    strerror(err.sys));
	tool_out = NULL;
	return tool_status;
}

void
tool_print_stats(FILE *f, const struct sl_stats *st)
{
	fprintf(f, "%s: stats: inputs %lld, bytes %lld, units %lld, "
	    "written %lld, merged %lld, skipped %lld, rejected %lld, "
	    "records %lld\n", tool_name, st->inputs, st->bytes, st->units,
	    st->written, st->merged, st->skipped, st->rejected, st->records);
}

/* ------------------------------------------------------------ selection */

static long long
now_ms(void)
{
	return (long long)time(NULL) * 1000;
}

static void
select_time(const char *opt, const char *arg, long long *ms, int *has)
{
	if (sl_select_time(arg, now_ms(), ms) < 0)
		tool_usage_error("%s '%s': not a time (RFC 3339, YYYY-MM-DD, "
		    "or 30d, 12h, 90m ago)", opt, arg);
	*has = 1;
}

int
tool_select_option(int c, const char *arg, struct sl_select_opts *sel)
{
	switch (c) {
	case TOOL_OPT_SINCE:
		select_time("--since", arg, &sel->since, &sel->has_since);
		return 1;
	case TOOL_OPT_UNTIL:
		select_time("--until", arg, &sel->until, &sel->has_until);
		return 1;
	case TOOL_OPT_USER:
		sel->user_glob = arg;
		return 1;
	case TOOL_OPT_TARGET:
		sel->target_glob = arg;
		return 1;
	case TOOL_OPT_ID:
		sel->id_glob = arg;
		return 1;
	}
	return 0;
}

void
tool_select_check(const struct sl_select_opts *sel)
{
	if (sel->has_since && sel->has_until && sel->until <= sel->since)
		tool_usage_error("--until must be later than --since");
}

void
tool_list_formats(void)
{
	int i;

	for (i = 0; sl_formats[i] != NULL; i++)
		printf("%-18s %s\n", sl_format_name(sl_formats[i]),
		    sl_format_desc(sl_formats[i]));
}

int
tool_info_option(int c, const char *usage)
{
	switch (c) {
	case 'h':
		fputs(usage, stdout);
		break;
	case 'V':
		printf("%s %s\n", tool_name, SL_VERSION);
		break;
	case TOOL_OPT_LIST_FORMATS:
		tool_list_formats();
		break;
	default:
		return 0;
	}
	exit(tool_finish());
}

void
tool_other_option(int c, const char *arg, struct sl_opts *opts,
    struct sl_select_opts *sel, const char *usage, char **argv)
{
	if ((opts == NULL || !tool_input_option(c, arg, opts)) &&
	    !tool_select_option(c, arg, sel) && !tool_info_option(c, usage))
		tool_bad_option(c, argv);
}

void
tool_need_input(int nargs, const char *usage)
{
	const char *end = strstr(usage, "\n\n");

	if (nargs > 0 || !isatty(0))
		return;
	/* The synopsis, as jq and ripgrep print it; --help has the rest. */
	fwrite(usage, 1, end != NULL ? (size_t)(end - usage) + 1 :
	    strlen(usage), stderr);
	fprintf(stderr, "Reads logs from FILE arguments, or from standard "
	    "input when it is a pipe or -.\nTry '%s --help' for more "
	    "information.\n", tool_name);
	exit(EXIT_FATAL);
}

/* ---------------------------------------------------------------- stats */

const char *
tool_stats_arg(const char *value)
{
	if (value == NULL || *value == '\0')
		return "-";
	return value;
}

/* Whether --stats=FILE may replace a file (--force), and its buffer. */
static int stats_force;
static char *stats_buf;
static size_t stats_len;

void
tool_stats_force(int on)
{
	stats_force = on;
}

/*
 * A file is written through the output layer, as -o is (temporary name,
 * no link followed, replaced only with --force): the counters gather in
 * memory first, since they come last.
 */
FILE *
tool_stats_open(const char *where)
{
	FILE *f;

	if (strcmp(where, "-") == 0) {
		tool_output_before_stderr();
		return stderr;
	}
	if ((f = open_memstream(&stats_buf, &stats_len)) == NULL)
		tool_fatal("%s: %s", where, strerror(errno));
	return f;
}

void
tool_stats_close(FILE *f, const char *where)
{
	struct tool_file tf;
	struct sl_out *o;

	if (f == stderr)
		return;
	if (ferror(f) || fclose(f) != 0)
		tool_fatal("%s: write error: %s", where, strerror(errno));
	o = tool_file_open(&tf, where, stats_force, 0);
	if (sl_out_write(o, stats_buf, stats_len) != SL_OK)
		tool_fatal("%s: write error: %s", where, strerror(errno));
	tool_file_close(&tf);
	free(stats_buf);
	stats_buf = NULL;
}

/* -------------------------------------------------------- progress line */

static struct {
	const struct sl_run *run;
	int on;			/* stderr is a terminal */
	int shown;
	long long last;		/* ms */
	unsigned long tick;
	size_t (*count)(const void *);
	const void *count_arg;
	const char *count_what;
	void (*describe)(struct sl_buf *, const void *);
	const void *describe_arg;
} progress;

static long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
tool_progress_init(const struct sl_run *run)
{
	progress.run = run;
	progress.on = isatty(2);
	progress.last = mono_ms();	/* nothing in the first 250 ms */
}

void
tool_progress_custom(void (*describe)(struct sl_buf *, const void *),
    const void *arg)
{
	progress.describe = describe;
	progress.describe_arg = arg;
	progress.on = isatty(2);
	progress.last = mono_ms();	/* nothing in the first 250 ms */
}

void
tool_progress_extra(size_t (*count)(const void *), const void *arg,
    const char *what)
{
	progress.count = count;
	progress.count_arg = arg;
	progress.count_what = what;
}

static void
progress_show(void)
{
	struct sl_stats st;
	struct sl_buf b;
	long long t = mono_ms();

	/* At most four times a second, and not for short runs. */
	if (t - progress.last < 250)
		return;
	progress.last = t;
	sl_buf_init(&b);
	sl_buf_printf(&b, "\r%s: ", tool_name);
	if (progress.describe != NULL)
		progress.describe(&b, progress.describe_arg);
	else {
		sl_run_stats(progress.run, &st);
		/* Bytes count whole files; records show progress inside one. */
		sl_buf_printf(&b, "%lld files, %.1f MiB, %lld records",
		    st.inputs, (double)st.bytes / 1048576, st.records);
	}
	if (progress.count != NULL)
		sl_buf_printf(&b, ", %zu %s", progress.count(progress.count_arg),
		    progress.count_what);
	sl_buf_adds(&b, "\033[K");
	fputs(b.buf, stderr);
	sl_buf_free(&b);
	progress.shown = 1;
}

void
tool_progress_tick(void)
{
	if (progress.on && (progress.run != NULL ||
	    progress.describe != NULL) && (++progress.tick & 1023) == 0)
		progress_show();
}

void
tool_progress_tick_now(void)
{
	if (progress.on && (progress.run != NULL ||
	    progress.describe != NULL))
		progress_show();
}

void
tool_progress_end(void)
{
	if (progress.shown)
		fputs("\r\033[K", stderr);
	progress.shown = 0;
}

/* ----------------------------------------------------------------- pipe */

struct tool_pipe {
	struct sl_sink down;
	struct sl_select *sel;		/* NULL: no selection */
	struct sl_run *run;
	struct sl_packer pack;		/* tool_pipe_pack's */
};

/* The run's sink: a look at the clock now and then, then on. */
static int
pipe_put(void *arg, const struct sl_record *r)
{
	struct tool_pipe *p = arg;

	tool_progress_tick();
	return p->down.put(p->down.arg, r);
}

/* The JSON Lines of records a worker made (-j N), as tool_put_json
 * would have written them: a block of many records, so a look at the
 * clock each time (counting blocks as records, a long run could end
 * before the 1,024th). */
static int
pipe_write_json(void *arg, const void *p, size_t n)
{
	(void)arg;
	tool_progress_tick_now();
	return sl_out_write(tool_out, p, n) == SL_OK ? SL_OK : SL_STOP;
}

/* The same, several blocks at once, from where the workers put them. */
static int
pipe_writev_json(void *arg, const struct iovec *v, int n)
{
	(void)arg;
	tool_progress_tick_now();
	return sl_out_writev(tool_out, v, n) == SL_OK ? SL_OK : SL_STOP;
}

struct tool_pipe *
tool_pipe_new(const struct sl_opts *opts, const struct sl_select_opts *sel,
    const struct sl_sink *down)
{
	struct tool_pipe *p = calloc(1, sizeof(*p));
	struct sl_sink sink;
	struct sl_error err;

	if (p == NULL)
		tool_fatal("out of memory");
	p->down = *down;
	if (sel != NULL && sl_select_active(sel)) {
		p->sel = sl_select_new(sel, down, NULL, &err);
		if (p->sel == NULL)
			tool_fatal("%s", err.msg);
		sl_select_sink(p->sel, &p->down);
	}
	/* The progress line is only ever shown on a terminal: without one
	 * the records go straight down, a call less per record. */
	if (isatty(2)) {
		sink.put = pipe_put;
		sink.arg = p;
	} else {
		sink.put = p->down.put;
		sink.arg = p->down.arg;
	}
	sink.want = p->down.want;
	p->run = sl_run_new(opts, &sink, tool_error, NULL);
	if (p->run == NULL)
		tool_fatal("out of memory");
	sl_run_set_info(p->run, tool_info, NULL);
	sl_run_set_jobs(p->run, tool_jobs);
	/* Records straight to JSON: the workers may write it themselves. */
	if (p->sel == NULL && down->put == tool_put_json) {
		sl_run_set_json_out(p->run, pipe_write_json, pipe_writev_json,
		    NULL);
	}
	tool_progress_init(p->run);
	return p;
}

/* The tool's packer, under the pipe's arg (tool_pipe_pack). */
static int
pipe_pack(void *arg, struct sl_buf *b, const struct sl_record *r)
{
	struct tool_pipe *p = arg;

	return p->pack.pack(p->pack.arg, b, r);
}

static void
pipe_pack_end(void *arg, struct sl_buf *b)
{
	struct tool_pipe *p = arg;

	p->pack.end(p->pack.arg, b);
}

static int
pipe_pack_flush(void *arg)
{
	struct tool_pipe *p = arg;

	return p->pack.flush != NULL ? p->pack.flush(p->pack.arg) : 0;
}

/* What a worker packed, applied: a look at the clock each time. */
static int
pipe_apply(void *arg, const void *bytes, size_t n)
{
	struct tool_pipe *p = arg;

	tool_progress_tick_now();
	return p->pack.apply(p->pack.arg, bytes, n);
}

void
tool_pipe_pack(struct tool_pipe *p, const struct sl_packer *pk)
{
	struct sl_packer run = { pipe_pack, pipe_pack_end, pipe_apply, NULL,
	    pipe_pack_flush };

	/* Packed records would pass the selection by. */
	if (p->sel != NULL)
		return;
	p->pack = *pk;
	run.arg = p;
	sl_run_set_packer(p->run, &run);
}

int
tool_pipe_path(struct tool_pipe *p, const char *path)
{
	return sl_run_path(p->run, path);
}

int
tool_pipe_sync(struct tool_pipe *p)
{
	return sl_run_sync(p->run);
}

int
tool_pipe_args(struct tool_pipe *p, int argc, char **argv, int first)
{
	int i, rc = SL_OK;

	if (first == argc)
		return sl_run_path(p->run, "-");
	for (i = first; i < argc && rc != SL_STOP; i++)
		rc = sl_run_path(p->run, argv[i]);
	return rc;
}

static void
tell_once_per_run(const struct sl_stats *st)
{
	char msg[128];

	if (st->other_apis == 0)
		return;
	snprintf(msg, sizeof(msg), "%lld CloudTrail events of other APIs "
	    "ignored", st->other_apis);
	tool_info(NULL, NULL, msg);
}

int
tool_pipe_finish(struct tool_pipe *p, const char *stats)
{
	struct sl_stats st;
	long long kept, left;
	struct sl_error err;
	int rc = SL_OK;
	FILE *f;

	tool_progress_end();
	/* Readers may hold a session open for the next input. */
	if (sl_run_finish(p->run) == SL_STOP)
		return SL_STOP;
	tool_progress_end();
	if (p->sel != NULL && (rc = sl_select_finish(p->sel, &err)) ==
	    SL_FATAL)
		tool_fatal("%s", err.msg);
	sl_run_stats(p->run, &st);
	tell_once_per_run(&st);
	if (stats == NULL)
		return rc;
	f = tool_stats_open(stats);
	tool_print_stats(f, &st);
	if (p->sel != NULL) {
		sl_select_counts(p->sel, &kept, &left);
		fprintf(f, "%s: stats: sessions selected %lld, left out %lld\n",
		    tool_name, kept, left);
	}
	tool_stats_close(f, stats);
	return rc;
}

void
tool_pipe_stats(const struct tool_pipe *p, struct sl_stats *st)
{
	sl_run_stats(p->run, st);
}

void
tool_pipe_free(struct tool_pipe *p)
{
	if (p == NULL)
		return;
	progress.run = NULL;
	sl_run_free(p->run);
	sl_select_free(p->sel);
	free(p);
}
