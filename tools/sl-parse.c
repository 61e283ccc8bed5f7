/*
 * sl-parse: any supported input to the record stream (JSON Lines).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char usage[] =
"usage: sl-parse [-f FORMAT] [-j N] [--session ID] [--prompt REGEX]\n"
"                [--tz ZONE] [--since T] [--until T] [--user GLOB]\n"
"                [--target GLOB] [--id GLOB] [--stats[=FILE]] [--force]\n"
"                [FILE|DIR|-]...\n"
"\n"
"Read Session Manager session logs and write the record stream (JSON\n"
"Lines: session, line and note records) to standard output.  Inputs may\n"
"be plain, gzip, bzip2, xz or zstd files, tar or zip archives, or\n"
"directories; the format is detected by content.  No FILE, or -, reads\n"
"standard input.\n"
"\n"
"  -f, --from FORMAT   read every input as FORMAT (see --list-formats)\n"
"  -j, --jobs N        read session logs in N worker processes (default:\n"
"                      the CPUs online); the output does not change\n"
"      --session ID    session id for inputs that do not carry one\n"
"      --prompt REGEX  also recognise this prompt (PCRE2, anchored at the\n"
"                      start of the line; may be given several times)\n"
"      --tz ZONE       zone of zone-less local times (e.g. Europe/Berlin)\n"
"      --since T, --until T\n"
"                      only sessions placed in [T, T') by their start,\n"
"                      else end (T: RFC 3339, YYYY-MM-DD, 30d, 12h ago)\n"
"      --user GLOB     only sessions whose owner, principal or run_as\n"
"                      matches GLOB\n"
"      --target GLOB   only sessions on targets matching GLOB\n"
"      --id GLOB       only sessions whose id matches GLOB\n"
"      --stats[=FILE]  print input and record counts to standard error\n"
"                      (or FILE)\n"
"      --force         let --stats=FILE replace an existing file\n"
"      --list-formats  list the input formats and exit\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 all input read, 1 some input unreadable or rejected,\n"
"2 usage or write error.  See sl-parse(1), sl-records(5) and sl(7).\n";

enum { OPT_FORCE = 256 };

static const struct option longopts[] = {
	TOOL_INPUT_OPTIONS,
	TOOL_SELECT_OPTIONS,
	TOOL_STATS_OPTION,
	{ "force", no_argument, NULL, OPT_FORCE },
	TOOL_LIST_FORMATS_OPTION,
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct sl_opts opts = { 0 };
	struct sl_select_opts sel = { 0 };
	struct sl_sink sink = { tool_put_json, NULL, 0 };
	struct tool_pipe *p;
	const char *stats = NULL;
	int c;

	tool_init("sl-parse");
	while ((c = getopt_long(argc, argv, ":f:j:hV", longopts, NULL)) != -1) {
		switch (c) {
		case TOOL_OPT_STATS:
			stats = tool_stats_arg(optarg);
			break;
		case OPT_FORCE:
			tool_stats_force(1);
			break;
		default:
			tool_other_option(c, optarg, &opts, &sel, usage, argv);
			break;
		}
	}
	tool_select_check(&sel);
	tool_need_input(argc - optind, usage);
	p = tool_pipe_new(&opts, &sel, &sink);
	if (tool_pipe_args(p, argc, argv, optind) != SL_STOP)
		tool_pipe_finish(p, stats);
	tool_pipe_free(p);
	sl_prompts_free(opts.prompts);
	return tool_finish();	/* exits 2 when the output failed */
}
