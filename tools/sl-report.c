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
"usage: sl-report [-t text|csv|json|md|html] [-o FILE] [--force]\n"
"                 [--since T] [--until T] [--user GLOB] [--target GLOB]\n"
"                 [--id GLOB] [--commands] [--pages HREF]\n"
"                 [--group-by user|target|day] [--save-state FILE]\n"
"                 [--merge] [-f FORMAT] [-j N] [--session ID]\n"
"                 [--prompt REGEX]\n"
"                 [--tz ZONE] [--stats[=FILE]] [FILE|DIR|-]...\n"
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
"      --since T        only sessions that started (else ended) at T or\n"
"                       later\n"
"      --until T        only sessions that started (else ended) before T\n"
"                       (T: RFC 3339, YYYY-MM-DD, or 30d, 12h, 90m ago)\n"
"      --user GLOB      only sessions whose owner, principal or run_as\n"
"                       matches GLOB\n"
"      --target GLOB    only sessions on targets matching GLOB\n"
"      --id GLOB        only sessions whose id matches GLOB\n"
"      --group-by KEY   order and group sessions by user, target or day\n"
"      --commands       add the command timeline: every command in time\n"
"                       order (-t csv: one row per command instead)\n"
"      --pages HREF     -t html: link each session to its page\n"
"                       HREF<session>.html (sl-convert -t html --split)\n"
"      --save-state FILE  also write this run's aggregates to FILE\n"
"      --merge          inputs may be state files: merge them (map-reduce)\n"
"  -f, --from FORMAT    read every input as FORMAT (see sl-parse)\n"
"  -j, --jobs N         read session logs in N worker processes (default:\n"
"                       the CPUs online); the report does not change\n"
"      --session ID     session id for inputs that do not carry one\n"
"      --prompt REGEX   also recognise this prompt (see sl-parse)\n"
"      --tz ZONE        zone of zone-less local times\n"
"      --stats[=FILE]   print input and record counts to standard error\n"
"                       (or FILE)\n"
"      --list-formats   list the input formats and exit\n"
"  -h, --help           show this help and exit\n"
"  -V, --version        show the version and exit\n"
"\n"
"Exit status: 0 all input read, 1 some input unreadable or rejected,\n"
"2 usage error, bad or corrupt state file, or write error.\n"
"See sl-report(1) and sl(7).\n";

enum { OPT_GROUP = 256, OPT_SAVE, OPT_MERGE, OPT_FORCE, OPT_COMMANDS,
    OPT_PAGES };

static const struct option longopts[] = {
	{ "to", required_argument, NULL, 't' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	TOOL_SELECT_OPTIONS,
	{ "group-by", required_argument, NULL, OPT_GROUP },
	{ "save-state", required_argument, NULL, OPT_SAVE },
	{ "merge", no_argument, NULL, OPT_MERGE },
	{ "commands", no_argument, NULL, OPT_COMMANDS },
	{ "pages", required_argument, NULL, OPT_PAGES },
	TOOL_INPUT_OPTIONS,
	TOOL_STATS_OPTION,
	TOOL_LIST_FORMATS_OPTION,
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/*
 * The report once written is left to the process's end, not freed: its
 * free is some 28 free() calls a session (44M instructions for 10,000
 * sessions, an eighth of -j 2's parent), after the workers are done, so
 * serial.  Kept here, it stays reachable for leak checkers; volatile,
 * or the compiler drops a store to a static it never reads.
 */
static struct sl_report *volatile left_to_exit;

/* Sessions so far, for the progress line. */
static size_t
report_count(const void *rep)
{
	return sl_report_count(rep);
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
	struct sl_select_opts sel = { 0 };
	struct sl_sink sink = { sl_report_put, NULL, 0 };
	struct sl_packer pack;
	struct sl_stats st;
	struct sl_report *rep;
	struct tool_pipe *p;
	struct sl_out *out, *so = NULL;
	struct tool_file outf, statef;
	const char *outpath = NULL, *statepath = NULL, *stats = NULL;
	struct sl_error err;
	int c, i, type = SL_REPORT_TEXT, merge = 0, rc = SL_OK;
	int force = 0;

	tool_init("sl-report");
	out = tool_out;
	memset(&ro, 0, sizeof(ro));
	while ((c = getopt_long(argc, argv, ":t:o:f:j:hV", longopts,
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
		case TOOL_OPT_STATS:
			stats = tool_stats_arg(optarg);
			break;
		case OPT_COMMANDS:
			ro.commands = 1;
			break;
		case OPT_PAGES:
			ro.pages = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			tool_stats_force(1);
			break;
		default:
			tool_other_option(c, optarg, &opts, &sel, usage, argv);
			break;
		}
	}
	if (statepath != NULL && strcmp(statepath, "-") == 0 &&
	    (outpath == NULL || strcmp(outpath, "-") == 0))
		tool_usage_error("--save-state - writes the state to standard "
		    "output: give the report another place with -o");
	tool_select_check(&sel);
	tool_need_input(argc - optind, usage);
	ro.has_since = sel.has_since;
	ro.since = sel.since;
	ro.has_until = sel.has_until;
	ro.until = sel.until;
	ro.user_glob = sel.user_glob;
	ro.target_glob = sel.target_glob;
	ro.id_glob = sel.id_glob;
	if (ro.pages != NULL && type != SL_REPORT_HTML)
		tool_usage_error("--pages applies to -t html");

	/* Refused outputs are refused before any input is read. */
	if (statepath != NULL)
		so = open_out(&statef, statepath, force);
	if (outpath != NULL)
		out = open_out(&outf, outpath, force);
	rep = sl_report_new(&ro);
	sink.arg = rep;
	/* No selection in front: the view selects, and counts what it
	 * leaves out, with the same rules (lib/core/select.c). */
	p = tool_pipe_new(&opts, NULL, &sink);
	/* -j N: the workers build the report's state of what they read. */
	sl_report_packer(rep, &pack);
	tool_pipe_pack(p, &pack);
	tool_progress_extra(report_count, rep, "sessions");
	if (optind == argc) {
		sl_report_input(rep, "-");
		rc = tool_pipe_path(p, "-");
	}
	for (i = optind; i < argc && rc != SL_STOP; i++) {
		if (merge && sl_report_is_state(argv[i])) {
			/* in its place among the inputs, as with -j 1 */
			if (tool_pipe_sync(p) == SL_STOP)
				break;
			if (sl_report_load(rep, argv[i], &err) != SL_OK) {
				tool_progress_end();
				tool_fatal("%s", err.msg);
			}
			continue;
		}
		sl_report_input(rep, argv[i]);
		rc = tool_pipe_path(p, argv[i]);
	}
	tool_pipe_finish(p, stats);
	tool_pipe_stats(p, &st);
	sl_report_add_stats(rep, &st);
	tool_pipe_free(p);
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
	if (sl_report_left_out(rep) != NULL)
		tool_info(NULL, NULL, sl_report_left_out(rep));
	left_to_exit = rep;
	return tool_finish();
}
