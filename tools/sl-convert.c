/*
 * sl-convert: records or raw logs to other shapes: clean text, the record
 * stream, CloudWatch streamed events, typescripts, CSV, asciicast, HTML;
 * one file, one file per session, or an archive.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common.h"

static const char usage[] =
"usage: sl-convert -t TARGET [-o FILE|DIR|ARCHIVE] [--split] [--force]\n"
"                  [--bare] [--all-sessions] [--commands] [--width N]\n"
"                  [--height N]\n"
"                  [--step SECONDS] [--asciicast-version 2|3]\n"
"                  [--with-report] [--report-link HREF]\n"
"                  [-f FORMAT] [-j N] [--session ID] [--prompt REGEX]\n"
"                  [--tz ZONE]\n"
"                  [--since T] [--until T] [--user GLOB] [--target GLOB]\n"
"                  [--id GLOB] [--stats[=FILE]] [FILE|DIR|-]...\n"
"\n"
"Convert Session Manager session logs, or the record stream of sl-parse,\n"
"to another shape.  Inputs are read as by sl-parse(1).\n"
"\n"
"  -t, --to TARGET     text, records, cw-stream, typescript, csv,\n"
"                      asciicast or html (see --list-targets)\n"
"  -o, --output PATH   write to PATH instead of standard output: a file\n"
"                      (gzip when it ends in .gz), a folder (one file per\n"
"                      session), or an archive (.tar.gz, .tgz, .tar, .zip)\n"
"                      of one file per session and a MANIFEST\n"
"      --split         one file per session, named after its id, in the\n"
"                      folder -o names (created if missing)\n"
"      --force         replace existing output files\n"
"      --bare          text: the lines only, no headers or notes\n"
"      --all-sessions  text: also sessions without a line (metadata only)\n"
"      --commands      csv: one row per command instead of per line\n"
"      --width N, --height N\n"
"                      asciicast: terminal size (default: inferred)\n"
"      --step SECONDS  asciicast: time per line without a time (0.1)\n"
"      --asciicast-version 2|3\n"
"                      asciicast: file format version (2)\n"
"      --with-report   html, with --split or an archive: add report.html\n"
"                      (sl-report -t html --commands) linked both ways\n"
"                      with the pages: one bundle for the auditor\n"
"      --report-link HREF\n"
"                      html: each page links back to the report at HREF\n"
"                      (sl-report --pages makes the report link here)\n"
"  -f, --from FORMAT   read every input as FORMAT (sl-parse --list-formats)\n"
"  -j, --jobs N        read session logs in N worker processes (default:\n"
"                      the CPUs online); the output does not change\n"
"      --session ID    session id for inputs that do not carry one\n"
"      --prompt REGEX  also recognise this prompt (PCRE2, anchored)\n"
"      --tz ZONE       zone of zone-less local times (e.g. Europe/Berlin)\n"
"      --since T, --until T, --user GLOB, --target GLOB, --id GLOB\n"
"                      only the sessions selected, as in sl(7); their\n"
"                      records pass unchanged (original bytes, colours)\n"
"      --stats[=FILE]  print input and record counts to standard error\n"
"                      (or FILE)\n"
"      --list-targets  list the output targets and exit\n"
"      --list-formats  list the input formats and exit\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 all input converted, 1 some input unreadable or rejected,\n"
"2 usage or write error (no partial file is left).  See sl-convert(1)\n"
"and sl(7).\n";

enum {
	OPT_SPLIT = 256, OPT_FORCE, OPT_BARE, OPT_ALL, OPT_COMMANDS, OPT_WIDTH,
	OPT_HEIGHT, OPT_STEP, OPT_CASTV, OPT_WITH_REPORT, OPT_REPORT_LINK,
	OPT_LIST
};

static const struct option longopts[] = {
	{ "to", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "with-report", no_argument, NULL, OPT_WITH_REPORT },
	{ "report-link", required_argument, NULL, OPT_REPORT_LINK },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "bare", no_argument, NULL, OPT_BARE },
	{ "all-sessions", no_argument, NULL, OPT_ALL },
	{ "commands", no_argument, NULL, OPT_COMMANDS },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "asciicast-version", required_argument, NULL, OPT_CASTV },
	TOOL_INPUT_OPTIONS,
	TOOL_SELECT_OPTIONS,
	TOOL_STATS_OPTION,
	{ "list-targets", no_argument, NULL, OPT_LIST },
	TOOL_LIST_FORMATS_OPTION,
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static struct sl_convert *conv;	/* for the signal handler */

/*
 * The converter once finished is left to the process's end, not freed,
 * as sl-report leaves its report: its free is some 25 free() calls a
 * session (42M instructions for 10,000 sessions, a quarter of -j 2's
 * parent), all after the workers are done, so serial.  Its files are
 * closed and its temporary names removed at the end as before: finish
 * committed or removed the output, the spool and the workers' files
 * are unlinked from the start.  Kept here, it stays reachable for leak
 * checkers; volatile, or the compiler drops a store to a static it never
 * reads (and LeakSanitizer reports the converter).
 */
static struct sl_convert *volatile left_to_exit;

static void
on_signal(int sig)
{
	sl_convert_cleanup(conv);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int
int_arg(const char *opt, const char *s, int lo, int hi)
{
	char *e;
	long v;

	errno = 0;
	v = strtol(s, &e, 10);
	if (errno != 0 || *s == '\0' || *e != '\0' || v < lo || v > hi)
		tool_usage_error("%s '%s': want a number from %d to %d", opt, s,
		    lo, hi);
	return (int)v;
}

/* Seconds with up to three decimals, as milliseconds. */
static long long
step_arg(const char *s)
{
	char *e;
	double v;

	errno = 0;
	v = strtod(s, &e);
	if (errno != 0 || *s == '\0' || *e != '\0' || !(v >= 0) || v > 3600)
		tool_usage_error("--step '%s': want seconds from 0 to 3600", s);
	return (long long)(v * 1000 + 0.5);
}

/* SOURCE_DATE_EPOCH, for reproducible output, else the clock. */
static long long
now_ms(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct timespec ts;
	char *e;
	long long v;

	if (sde != NULL && *sde != '\0') {
		errno = 0;
		v = strtoll(sde, &e, 10);
		if (errno == 0 && *e == '\0' && v >= 0)
			return v * 1000;
		tool_usage_error("SOURCE_DATE_EPOCH '%s' is not a count of "
		    "seconds", sde);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Not an error, but nothing leaves silently. */
static void
tell_left_out(const struct sl_convert *c)
{
	char msg[128];
	long long n = sl_convert_left_out(c);

	if (n == 0)
		return;
	snprintf(msg, sizeof(msg), "%lld session%s without a line left out "
	    "(--all-sessions shows %s)", n, n == 1 ? "" : "s",
	    n == 1 ? "it" : "them");
	tool_info(NULL, NULL, msg);
}

/* Read one input; the report of --with-report lists it. */
static int
run_input(struct tool_pipe *p, struct sl_convert *c, const char *path)
{
	if (sl_convert_report(c) != NULL)
		sl_report_input(sl_convert_report(c), path);
	return tool_pipe_path(p, path);
}

int
main(int argc, char **argv)
{
	struct sl_opts opts = { 0 };
	struct sl_select_opts sel = { 0 };
	struct sl_convert_opts co = { 0 };
	struct sl_convert *done;
	struct sl_sink sink;
	struct sl_packer pack;
	struct tool_pipe *p;
	struct sigaction sa;
	const struct sl_writer *w;
	const char *stats = NULL;
	struct sl_error err;
	struct sl_stats st;
	int c, i, rc = SL_OK, sized = 0, stepped = 0, castv = 0;
	size_t k;

	tool_init("sl-convert");
	co.step_ms = 100;
	co.cast_version = 2;
	while ((c = getopt_long(argc, argv, ":t:o:f:j:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 't':
			if (sl_writer_lookup(optarg) == NULL)
				tool_usage_error("unknown target '%s'", optarg);
			co.target = optarg;
			break;
		case 'o':
			co.output = optarg;
			break;
		case OPT_SPLIT:
			co.split = 1;
			break;
		case OPT_WITH_REPORT:
			co.with_report = 1;
			break;
		case OPT_REPORT_LINK:
			co.report_href = optarg;
			break;
		case OPT_FORCE:
			co.force = 1;
			tool_stats_force(1);
			break;
		case OPT_BARE:
			co.bare = 1;
			break;
		case OPT_ALL:
			co.all_sessions = 1;
			break;
		case OPT_COMMANDS:
			co.commands = 1;
			break;
		case OPT_WIDTH:
			co.width = int_arg("--width", optarg, 1, 10000);
			sized = 1;
			break;
		case OPT_HEIGHT:
			co.height = int_arg("--height", optarg, 1, 10000);
			sized = 1;
			break;
		case OPT_STEP:
			co.step_ms = step_arg(optarg);
			stepped = 1;
			break;
		case OPT_CASTV:
			co.cast_version = int_arg("--asciicast-version", optarg,
			    2, 3);
			castv = 1;
			break;
		case TOOL_OPT_STATS:
			stats = tool_stats_arg(optarg);
			break;
		case OPT_LIST:
			for (k = 0; (w = sl_writer_at(k)) != NULL; k++)
				printf("%-12s %s\n", sl_writer_name(w),
				    sl_writer_desc(w));
			return tool_finish();
		default:
			tool_other_option(c, optarg, &opts, &sel, usage, argv);
			break;
		}
	}
	if (co.target == NULL) {
		tool_need_input(argc - optind, usage);
		tool_usage_error("no target: use -t TARGET (see --list-targets)");
	}
	tool_select_check(&sel);
	tool_need_input(argc - optind, usage);
	if ((co.bare || co.all_sessions) && strcmp(co.target, "text") != 0)
		tool_usage_error("--bare and --all-sessions apply to -t text");
	if (co.commands && strcmp(co.target, "csv") != 0)
		tool_usage_error("--commands applies to -t csv");
	if ((sized || stepped || castv) && strcmp(co.target, "asciicast") != 0)
		tool_usage_error("--width, --height, --step and "
		    "--asciicast-version apply to -t asciicast");
	if (co.split && (co.output == NULL || strcmp(co.output, "-") == 0))
		tool_usage_error("--split needs -o FOLDER or -o an archive");
	if ((co.with_report || co.report_href != NULL) &&
	    strcmp(co.target, "html") != 0)
		tool_usage_error("--with-report and --report-link apply to "
		    "-t html");
	co.now_ms = now_ms();

	conv = sl_convert_new(&co, &err);
	if (conv == NULL)
		tool_fatal("%s", err.msg);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	sl_convert_sink(conv, &sink);
	p = tool_pipe_new(&opts, &sel, &sink);
	/* -j N: the workers encode records as the spool keeps them. */
	sl_convert_packer(conv, &pack);
	tool_pipe_pack(p, &pack);
	if (optind == argc)
		rc = run_input(p, conv, "-");
	for (i = optind; i < argc && rc != SL_STOP; i++)
		rc = run_input(p, conv, argv[i]);
	if (rc != SL_STOP)
		tool_pipe_finish(p, stats);
	if (sl_convert_report(conv) != NULL) {
		tool_pipe_stats(p, &st);
		sl_report_add_stats(sl_convert_report(conv), &st);
	}
	tool_pipe_free(p);
	sl_prompts_free(opts.prompts);
	rc = sl_convert_finish(conv, &err);
	tell_left_out(conv);
	done = conv;
	conv = NULL;		/* the handler has nothing left to remove */
	sl_convert_cleanup(done);
	left_to_exit = done;
	if (rc != SL_OK)
		tool_fatal("%s", err.msg);
	return tool_finish();
}
