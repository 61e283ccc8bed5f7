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
"                  [--bare] [--commands] [--width N] [--height N]\n"
"                  [--step SECONDS] [--asciicast-version 2|3]\n"
"                  [-f FORMAT] [--session ID] [--prompt REGEX] [--tz ZONE]\n"
"                  [--stats] [FILE|DIR|-]...\n"
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
"      --commands      csv: one row per command instead of per line\n"
"      --width N, --height N\n"
"                      asciicast: terminal size (default: inferred)\n"
"      --step SECONDS  asciicast: time per line without a time (0.1)\n"
"      --asciicast-version 2|3\n"
"                      asciicast: file format version (2)\n"
"  -f, --from FORMAT   read every input as FORMAT (sl-parse --list-formats)\n"
"      --session ID    session id for inputs that do not carry one\n"
"      --prompt REGEX  also recognise this prompt (PCRE2, anchored)\n"
"      --tz ZONE       zone of zone-less local times (e.g. Europe/Berlin)\n"
"      --stats         print input and record counts to standard error\n"
"      --list-targets  list the output targets and exit\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 all input converted, 1 some input unreadable or rejected,\n"
"2 usage or write error (no partial file is left).  See sl-convert(1).\n";

enum {
	OPT_SPLIT = 256, OPT_FORCE, OPT_BARE, OPT_COMMANDS, OPT_WIDTH,
	OPT_HEIGHT, OPT_STEP, OPT_CASTV,
	OPT_STATS, OPT_LIST
};

static const struct option longopts[] = {
	{ "to", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "split", no_argument, NULL, OPT_SPLIT },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "bare", no_argument, NULL, OPT_BARE },
	{ "commands", no_argument, NULL, OPT_COMMANDS },
	{ "width", required_argument, NULL, OPT_WIDTH },
	{ "height", required_argument, NULL, OPT_HEIGHT },
	{ "step", required_argument, NULL, OPT_STEP },
	{ "asciicast-version", required_argument, NULL, OPT_CASTV },
	TOOL_INPUT_OPTIONS,
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "list-targets", no_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static struct sl_convert *conv;	/* for the signal handler */

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

int
main(int argc, char **argv)
{
	struct sl_opts opts = { 0 };
	struct sl_convert_opts co = { 0 };
	struct sl_convert *done;
	struct sl_sink sink;
	struct sl_stats st;
	struct sl_run *run;
	struct sigaction sa;
	const struct sl_writer *w;
	char err[1024];
	int c, i, stats = 0, rc = SL_OK, sized = 0, stepped = 0, castv = 0;
	size_t k;

	tool_init("sl-convert");
	co.step_ms = 100;
	co.cast_version = 2;
	while ((c = getopt_long(argc, argv, ":t:o:f:hV", longopts,
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
		case OPT_FORCE:
			co.force = 1;
			break;
		case OPT_BARE:
			co.bare = 1;
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
		case OPT_STATS:
			stats = 1;
			break;
		case OPT_LIST:
			for (k = 0; (w = sl_writer_at(k)) != NULL; k++)
				printf("%-12s %s\n", sl_writer_name(w),
				    sl_writer_desc(w));
			return tool_finish();
		case 'h':
			fputs(usage, stdout);
			return tool_finish();
		case 'V':
			printf("sl-convert %s\n", SL_VERSION);
			return tool_finish();
		default:
			if (!tool_input_option(c, optarg, &opts))
				tool_bad_option(c, argv);
			break;
		}
	}
	if (co.target == NULL)
		tool_usage_error("no target: use -t TARGET (see --list-targets)");
	if (co.bare && strcmp(co.target, "text") != 0)
		tool_usage_error("--bare applies to -t text");
	if (co.commands && strcmp(co.target, "csv") != 0)
		tool_usage_error("--commands applies to -t csv");
	if ((sized || stepped || castv) && strcmp(co.target, "asciicast") != 0)
		tool_usage_error("--width, --height, --step and "
		    "--asciicast-version apply to -t asciicast");
	if (co.split && (co.output == NULL || strcmp(co.output, "-") == 0))
		tool_usage_error("--split needs -o FOLDER or -o an archive");
	co.now_ms = now_ms();

	conv = sl_convert_new(&co, err, sizeof(err));
	if (conv == NULL)
		tool_fatal("%s", err);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	sl_convert_sink(conv, &sink);
	run = sl_run_new(&opts, &sink, tool_error, NULL);
	sl_run_set_info(run, tool_info, NULL);
	if (optind == argc)
		rc = sl_run_path(run, "-");
	for (i = optind; i < argc && rc != SL_STOP; i++)
		rc = sl_run_path(run, argv[i]);
	sl_run_finish(run);
	if (stats) {
		sl_run_stats(run, &st);
		tool_print_stats(&st);
	}
	sl_run_free(run);
	sl_prompts_free(opts.prompts);
	rc = sl_convert_finish(conv, err, sizeof(err));
	done = conv;
	conv = NULL;		/* the handler has nothing left to remove */
	sl_convert_free(done);
	if (rc != SL_OK)
		tool_fatal("%s", err);
	return tool_finish();
}
