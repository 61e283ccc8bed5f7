/*
 * sl-report: who connected to which node, when, for how long, and what
 * they ran; from records or any raw input, as text, CSV, JSON, Markdown
 * or one self-contained HTML file.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char usage[] =
"usage: sl-report [-t text|csv|json|md|html] [-o FILE] [--since T]\n"
"                 [--until T] [--user GLOB] [--target GLOB]\n"
"                 [--group-by user|target|day] [--save-state FILE]\n"
"                 [--merge] [-f FORMAT] [--session ID] [--prompt REGEX]\n"
"                 [--tz ZONE] [--stats] [FILE|DIR|-]...\n"
"\n"
"Report Session Manager sessions: who connected to which node, when, for\n"
"how long, and what they ran.  Inputs are record streams (sl-parse) or any\n"
"raw input sl-parse reads; sessions are merged by id across inputs\n"
"(describe-sessions and CloudTrail metadata joined with transcripts).\n"
"No FILE, or -, reads standard input.\n"
"\n"
"  -t, --to TYPE        text (default), csv, json, md or html\n"
"  -o, --output FILE    write the report to FILE\n"
"      --force          replace FILE (and the --save-state file) when it\n"
"                       exists (a regular file only)\n"
"      --since T        only sessions that started at T or later\n"
"      --until T        only sessions that started before T\n"
"                       (T: RFC 3339, YYYY-MM-DD, or 30d, 12h, 90m ago)\n"
"      --user GLOB      only sessions whose owner, principal or run_as\n"
"                       matches GLOB\n"
"      --target GLOB    only sessions on targets matching GLOB\n"
"      --group-by KEY   order and group sessions by user, target or day\n"
"      --save-state FILE  also write this run's aggregates to FILE\n"
"      --merge          inputs may be state files: merge them (map-reduce)\n"
"  -f, --from FORMAT    read every input as FORMAT (see sl-parse)\n"
"      --session ID     session id for inputs that do not carry one\n"
"      --prompt REGEX   also recognise this prompt (see sl-parse)\n"
"      --tz ZONE        zone of zone-less local times\n"
"      --stats          print input and record counts to standard error\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 all input read, 1 some input unreadable or rejected,\n"
"2 usage error, bad or corrupt state file, or write error.\n"
"See sl-report(1).\n";

enum { OPT_SINCE = 256, OPT_UNTIL, OPT_USER, OPT_TARGET, OPT_GROUP,
    OPT_SAVE, OPT_MERGE, OPT_STATS, OPT_FORCE };

static const struct option longopts[] = {
	{ "to", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "user", required_argument, NULL, OPT_USER },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "group-by", required_argument, NULL, OPT_GROUP },
	{ "save-state", required_argument, NULL, OPT_SAVE },
	{ "merge", no_argument, NULL, OPT_MERGE },
	TOOL_INPUT_OPTIONS,
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* --------------------------------------------------------- progress line */

static struct sl_run *run;
static struct sl_report *rep;
static int progress;		/* stderr is a terminal */
static int progress_shown;
static long long progress_last;	/* ms */
static unsigned long progress_tick;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
progress_show(void)
{
	struct sl_stats st;
	long long t = now_ms();

	/* At most four times a second, and not for short runs. */
	if (t - progress_last < 250)
		return;
	if (progress_last == 0) {
		progress_last = t;
		return;
	}
	progress_last = t;
	sl_run_stats(run, &st);
	/* Bytes count whole files; records show progress inside one. */
	fprintf(stderr, "\r%s: %lld files, %.1f MiB, %lld records, %zu "
	    "sessions\033[K", tool_name, st.inputs,
	    (double)st.bytes / 1048576, st.records, sl_report_count(rep));
	progress_shown = 1;
}

static void
progress_end(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

/* The model's sink, with a look at the clock now and then. */
static int
put(void *arg, const struct sl_record *r)
{
	if (progress && (++progress_tick & 1023) == 0)
		progress_show();
	return sl_report_put(arg, r);
}

/* Errors print over the progress line, which comes back later. */
static void
error(void *arg, const char *where, const char *msg)
{
	progress_end();
	tool_error(arg, where, msg);
}

/* path ("-": standard output) through the output layer. */
static struct sl_out *
open_out(struct tool_file *f, const char *path, int force)
{
	if (strcmp(path, "-") == 0)
		return tool_out;
	return tool_file_open(f, path, force, 0);
}

static void
close_out(struct tool_file *f, struct sl_out *o)
{
	if (o != tool_out)
		tool_file_close(f);
}

int
main(int argc, char **argv)
{
	struct sl_report_opts ro;
	struct sl_opts opts = { 0 };
	struct sl_sink sink = { put, NULL, 0 };
	struct sl_stats st;
	struct sl_out *out, *so = NULL;
	struct tool_file outf, statef;
	const char *outpath = NULL, *statepath = NULL;
	char err[1024];
	long long now = (long long)time(NULL) * 1000;
	int c, i, type = SL_REPORT_TEXT, merge = 0, stats = 0, rc = SL_OK;
	int force = 0;

	tool_init("sl-report");
	out = tool_out;
	memset(&ro, 0, sizeof(ro));
	while ((c = getopt_long(argc, argv, ":t:o:f:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 't':
			if ((type = sl_report_type_lookup(optarg)) < 0)
				tool_usage_error("unknown report type '%s'",
				    optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case OPT_SINCE:
			if (sl_report_time(optarg, now, &ro.since) < 0)
				tool_usage_error("--since '%s': not a time "
				    "(RFC 3339, YYYY-MM-DD, or 30d, 12h, 90m)",
				    optarg);
			ro.has_since = 1;
			break;
		case OPT_UNTIL:
			if (sl_report_time(optarg, now, &ro.until) < 0)
				tool_usage_error("--until '%s': not a time "
				    "(RFC 3339, YYYY-MM-DD, or 30d, 12h, 90m)",
				    optarg);
			ro.has_until = 1;
			break;
		case OPT_USER:
			ro.user_glob = optarg;
			break;
		case OPT_TARGET:
			ro.target_glob = optarg;
			break;
		case OPT_GROUP:
			if (strcmp(optarg, "user") != 0 &&
			    strcmp(optarg, "target") != 0 &&
			    strcmp(optarg, "day") != 0)
				tool_usage_error("--group-by '%s': use user, "
				    "target or day", optarg);
			ro.group_by = optarg;
			break;
		case OPT_SAVE:
			statepath = optarg;
			ro.keep_state = 1;
			break;
		case OPT_MERGE:
			merge = 1;
			break;
		case OPT_STATS:
			stats = 1;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return tool_finish();
		case 'V':
			printf("sl-report %s\n", SL_VERSION);
			return tool_finish();
		default:
			if (!tool_input_option(c, optarg, &opts))
				tool_bad_option(c, argv);
			break;
		}
	}
	if (statepath != NULL && strcmp(statepath, "-") == 0 &&
	    (outpath == NULL || strcmp(outpath, "-") == 0))
		tool_usage_error("--save-state - writes the state to standard "
		    "output: give the report another place with -o");
	if (ro.has_since && ro.has_until && ro.until <= ro.since)
		tool_usage_error("--until must be later than --since");

	/* Refused outputs are refused before any input is read. */
	if (statepath != NULL)
		so = open_out(&statef, statepath, force);
	if (outpath != NULL)
		out = open_out(&outf, outpath, force);
	rep = sl_report_new(&ro);
	sink.arg = rep;
	run = sl_run_new(&opts, &sink, error, NULL);
	progress = isatty(2);
	if (optind == argc) {
		sl_report_input(rep, "-");
		rc = sl_run_path(run, "-");
	}
	for (i = optind; i < argc && rc != SL_STOP; i++) {
		if (merge && sl_report_is_state(argv[i])) {
			if (sl_report_load(rep, argv[i], err,
			    sizeof(err)) != SL_OK) {
				progress_end();
				tool_fatal("%s", err);
			}
			continue;
		}
		sl_report_input(rep, argv[i]);
		rc = sl_run_path(run, argv[i]);
	}
	progress_end();
	sl_run_stats(run, &st);
	sl_report_add_stats(rep, &st);
	if (stats)
		tool_print_stats(&st);
	sl_run_free(run);
	sl_prompts_free(opts.prompts);

	if (statepath != NULL) {
		if (sl_report_save(rep, so) != SL_OK)
			tool_fatal("write error on %s: %s", statepath,
			    strerror(errno));
		close_out(&statef, so);
	}
	if (sl_report_write(rep, (enum sl_report_type)type, out) != SL_OK) {
		if (out == tool_out)
			tool_fatal("write error on standard output: %s",
			    strerror(errno));
		tool_fatal("write error on %s: %s", outpath, strerror(errno));
	}
	close_out(&outf, out);
	sl_report_free(rep);
	return tool_finish();
}
