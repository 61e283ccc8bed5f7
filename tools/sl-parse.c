/*
 * sl-parse: any supported input to the record stream (JSON Lines).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char usage[] =
"usage: sl-parse [-f FORMAT] [--session ID] [--prompt REGEX] [--tz ZONE]\n"
"                [--stats] [FILE|DIR|-]...\n"
"\n"
"Read Session Manager session logs and write the record stream (JSON\n"
"Lines: session, line and note records) to standard output.  Inputs may\n"
"be plain, gzip, bzip2, xz or zstd files, tar or zip archives, or\n"
"directories; the format is detected by content.  No FILE, or -, reads\n"
"standard input.\n"
"\n"
"  -f, --from FORMAT   read every input as FORMAT (see --list-formats)\n"
"      --session ID    session id for inputs that do not carry one\n"
"      --prompt REGEX  also recognise this prompt (PCRE2, anchored at the\n"
"                      start of the line; may be given several times)\n"
"      --tz ZONE       zone of zone-less local times (e.g. Europe/Berlin)\n"
"      --stats         print input and record counts to standard error\n"
"      --list-formats  list the input formats and exit\n"
"  -h, --help          show this help and exit\n"
"  -V, --version       show the version and exit\n"
"\n"
"Exit status: 0 all input read, 1 some input unreadable or rejected,\n"
"2 usage or write error.  See sl-parse(1) and sl-records(5).\n";

enum { OPT_STATS = 256, OPT_LIST };

static const struct option longopts[] = {
	TOOL_INPUT_OPTIONS,
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "list-formats", no_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

int
main(int argc, char **argv)
{
	struct sl_opts opts = { 0 };
	struct sl_sink sink = { tool_put_json, NULL, 0 };
	struct sl_stats st;
	struct sl_run *run;
	int c, i, stats = 0, rc = SL_OK;

	tool_init("sl-parse");
	while ((c = getopt_long(argc, argv, ":f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_STATS:
			stats = 1;
			break;
		case OPT_LIST:
			for (i = 0; sl_formats[i] != NULL; i++)
				printf("%-18s %s\n", sl_format_name(sl_formats[i]),
				    sl_format_desc(sl_formats[i]));
			return tool_finish();
		case 'h':
			fputs(usage, stdout);
			return tool_finish();
		case 'V':
			printf("sl-parse %s\n", SL_VERSION);
			return tool_finish();
		default:
			if (!tool_input_option(c, optarg, &opts))
				tool_bad_option(c, argv);
			break;
		}
	}
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
	rc = tool_finish();	/* exits 2 when the output failed */
	return rc;
}
