/*
 * sl-redact: take the secrets out of session logs before they are
 * shared.  A record stream stays a record stream; raw logs and JSON
 * exports come out byte for byte the same except the secrets.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

static const char usage[] =
"usage: sl-redact [-r RULES]... [--no-default] [--hash-key-env VAR]\n"
"                 [-f FORMAT] [--stats[=FILE]] [-q] [-o FILE|DIR]\n"
"                 [--since T] [--until T] [--user GLOB] [--target GLOB]\n"
"                 [--id GLOB] [FILE|DIR|-]...\n"
"\n"
"Remove secrets (AWS keys, tokens, private keys, passwords on command\n"
"lines and typed at the shell, ...) from Session Manager logs.  A record\n"
"stream (sl-parse output) gives a record stream; raw logs and JSON\n"
"exports come out byte for byte the same except the secrets, each\n"
"replaced by [REDACTED:kind].  No FILE, or -, reads standard input.\n"
"\n"
"  -r, --rules FILE        add the rules in FILE (may be repeated)\n"
"      --no-default        use only the rules of -r files\n"
"      --hash-key-env VAR  mark secrets [REDACTED:kind:HASH], HASH being\n"
"                          12 hex digits of HMAC-SHA256 keyed by $VAR\n"
"  -f, --from FORMAT       read every input as FORMAT\n"
"  -o, --output FILE|DIR   write to FILE (gzip if it ends in .gz), or one\n"
"                          file per input under DIR (an existing directory,\n"
"                          or a name ending in /)\n"
"      --stats[=FILE]      write counts per kind and input, and the line\n"
"                          of every secret (never the secret), to standard\n"
"                          error (or FILE)\n"
"      --since T, --until T, --user GLOB, --target GLOB, --id GLOB\n"
"                          only the sessions selected, as in sl(7): inputs\n"
"                          are read as sl-parse reads them and a record\n"
"                          stream comes out\n"
"  -q, --quiet             no summary on standard error\n"
"      --default-rules     print the default rules (a rules file) and exit\n"
"      --list-formats      list the input formats and exit\n"
"  -h, --help              show this help and exit\n"
"  -V, --version           show the version and exit\n"
"\n"
"Exit status: 0 all input redacted, 1 some input unreadable or rejected\n"
"(and left out), 2 usage, rules or write error.  See sl-redact(1) and\n"
"sl(7).\n";

enum { OPT_NO_DEFAULT = 256, OPT_HASH_KEY_ENV, OPT_DEFAULTS };

static const struct option longopts[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "no-default", no_argument, NULL, OPT_NO_DEFAULT },
	{ "hash-key-env", required_argument, NULL, OPT_HASH_KEY_ENV },
	{ "from", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	TOOL_STATS_OPTION,
	TOOL_SELECT_OPTIONS,
	TOOL_LIST_FORMATS_OPTION,
	{ "quiet", no_argument, NULL, 'q' },
	{ "default-rules", no_argument, NULL, OPT_DEFAULTS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/* Where outputs go: standard output, one file, or one file per input. */
struct outputs {
	const char *path;	/* -o, or NULL */
	int dir;
	struct sl_out *one;	/* stdout or the -o FILE */
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static struct sl_out *
open_file(const char *path)
{
	struct sl_out *o;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1)
		tool_fatal("%s: cannot create: %s", path, strerror(errno));
	o = sl_out_fd(fd, path, ends_with(path, ".gz") ? SL_OUT_GZIP : 0);
	if (o == NULL)
		tool_fatal("out of memory");
	return o;
}

/*
 * DIR/name, the input's name made relative as tar does: no leading /,
 * no . or .. parts; an archive member "a.tar//m.log" is "a.tar/m.log".
 */
static char *
out_name(const char *dir, const char *name)
{
	size_t cap = strlen(dir) + strlen(name) + 16, len;
	char *out = malloc(cap), *copy, *part, *save = NULL;

	if (out == NULL || (copy = strdup(name)) == NULL)
		tool_fatal("out of memory");
	snprintf(out, cap, "%s", dir);
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	if (strcmp(name, "-") == 0)
		snprintf(out + len, cap - len, "/stdin");
	for (part = strtok_r(copy, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0 ||
		    strcmp(name, "-") == 0)
			continue;
		len = strlen(out);
		snprintf(out + len, cap - len, "/%s", part);
	}
	free(copy);
	return out;
}

static void
make_parents(const char *path)
{
	char *p = strdup(path), *s;

	if (p == NULL)
		tool_fatal("out of memory");
	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) == -1 && errno != EEXIST)
			tool_fatal("%s: cannot create directory: %s", p,
			    strerror(errno));
		*s = '/';
	}
	free(p);
}

/* The progress line of raw redaction: inputs and secrets so far. */
static long long inputs_done;

static void
describe_progress(struct sl_buf *b, const void *rx)
{
	sl_buf_printf(b, "%lld inputs, %lld secrets redacted", inputs_done,
	    sl_redact_total(rx));
}

static struct sl_out *
io_open(void *arg, const char *name)
{
	struct outputs *o = arg;
	struct stat in, out;
	struct sl_out *so;
	char *path;

	inputs_done++;
	tool_progress_tick_now();
	if (!o->dir)
		return o->one;
	path = out_name(o->path, name);
	/* Writing over the input would lose it mid-read. */
	if (stat(name, &in) == 0 && stat(path, &out) == 0 &&
	    in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
		tool_error(NULL, name, "the output would overwrite the input, "
		    "skipped");
		free(path);
		return NULL;
	}
	make_parents(path);
	so = open_file(path);
	free(path);
	return so;
}

static int
io_done(void *arg, struct sl_out *so, const char *name)
{
	struct outputs *o = arg;
	char *path;

	(void)name;
	if (!o->dir)
		return SL_OK;
	path = strdup(sl_out_name(so));
	if (sl_out_close(so) != SL_OK)
		tool_fatal("%s: write error: %s", path != NULL ? path : "",
		    strerror(errno));
	free(path);
	return SL_OK;
}

/* Sink of select_records: each selected record as a JSON line. */
static int
put_selected(void *arg, const struct sl_record *r)
{
	static struct sl_buf line;

	sl_buf_reset(&line);
	sl_record_to_json(&line, r);
	if (fwrite(line.buf, 1, line.len, arg) != line.len)
		return SL_STOP;
	return SL_OK;
}

static char *
read_file(const char *path, size_t *len)
{
	struct sl_buf b;
	char chunk[8192];
	size_t n;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		tool_fatal("%s: cannot open: %s", path, strerror(errno));
	sl_buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sl_buf_add(&b, chunk, n);
	if (ferror(f))
		tool_fatal("%s: read error: %s", path, strerror(errno));
	fclose(f);
	sl_buf_add(&b, "", 0);
	*len = b.len;
	return b.buf;
}

static void
write_stats(const char *where, const struct sl_redact *rx)
{
	struct sl_buf b;
	FILE *f;

	sl_buf_init(&b);
	sl_redact_report(rx, &b);
	f = tool_stats_open(where);
	fwrite(b.buf, 1, b.len, f);
	tool_stats_close(f, where);
	sl_buf_free(&b);
}

/*
 * With a selection, the inputs are parsed (as sl-parse does), the
 * selected sessions' records spooled to an unlinked file, and that
 * record stream is what is redacted.  Returns the file to redact.
 */
static FILE *
select_records(const struct sl_select_opts *sel, const char *format,
    int argc, char **argv, int first)
{
	struct sl_opts opts = { 0 };
	struct sl_sink sink = { put_selected, NULL, 0 };
	struct tool_pipe *p;
	FILE *f;

	if ((f = tmpfile()) == NULL)
		tool_fatal("cannot make a spool file: %s", strerror(errno));
	opts.format = format;
	sink.arg = f;
	p = tool_pipe_new(&opts, sel, &sink);
	if (tool_pipe_args(p, argc, argv, first) != SL_STOP)
		tool_pipe_finish(p, NULL);
	tool_pipe_free(p);
	if (fflush(f) != 0 || ferror(f))
		tool_fatal("spool file: write error: %s", strerror(errno));
	return f;
}

int
main(int argc, char **argv)
{
	const char **rules = NULL, *keyenv = NULL, *stats = NULL;
	const char *format = NULL, *key;
	struct sl_select_opts sel = { 0 };
	struct sl_redact_io io;
	FILE *selected = NULL;
	char spool[64];
	struct outputs outs;
	struct sl_redact *rx;
	struct sl_buf sum;
	struct stat sb;
	size_t nrules = 0, i, len;
	unsigned flags = 0;
	char err[1024], *text;
	int c, quiet = 0, rc = SL_OK;

	tool_init("sl-redact");
	memset(&outs, 0, sizeof(outs));
	while ((c = getopt_long(argc, argv, ":r:f:o:qhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'r':
			rules = realloc(rules, (nrules + 1) * sizeof(*rules));
			if (rules == NULL)
				tool_fatal("out of memory");
			rules[nrules++] = optarg;
			break;
		case OPT_NO_DEFAULT:
			flags |= SL_REDACT_NO_DEFAULT;
			break;
		case OPT_HASH_KEY_ENV:
			keyenv = optarg;
			break;
		case 'f':
			if (!sl_redact_format_ok(optarg))
				tool_usage_error("unknown format '%s'", optarg);
			format = optarg;
			break;
		case 'o':
			outs.path = optarg;
			break;
		case TOOL_OPT_STATS:
			stats = tool_stats_arg(optarg);
			flags |= SL_REDACT_HITS;
			break;
		case TOOL_OPT_LIST_FORMATS:
			tool_list_formats();
			return tool_finish();
		case 'q':
			quiet = 1;
			break;
		case OPT_DEFAULTS:
			fputs(sl_redact_default_rules(), stdout);
			return tool_finish();
		case 'h':
			fputs(usage, stdout);
			return tool_finish();
		case 'V':
			printf("sl-redact %s\n", SL_VERSION);
			return tool_finish();
		default:
			if (!tool_select_option(c, optarg, &sel))
				tool_bad_option(c, argv);
		}
	}
	tool_select_check(&sel);
	if (sl_select_active(&sel) && format != NULL &&
	    sl_format_lookup(format) == NULL)
		tool_usage_error("-f %s cannot be read as records, which a "
		    "selection needs", format);
	tool_need_input(argc - optind, usage);
	if (keyenv != NULL && ((key = getenv(keyenv)) == NULL || *key == '\0'))
		tool_usage_error("--hash-key-env: $%s is not set or empty",
		    keyenv);

	rx = sl_redact_new(flags);
	for (i = 0; i < nrules; i++) {
		text = read_file(rules[i], &len);
		if (sl_redact_add_rules(rx, rules[i], text, len, err,
		    sizeof(err)) != SL_OK)
			tool_fatal("%s", err);
		free(text);
	}
	if (keyenv != NULL)
		sl_redact_set_key(rx, key, strlen(key));
	if (sl_redact_ready(rx, err, sizeof(err)) != SL_OK)
		tool_fatal("%s", err);

	if (sl_select_active(&sel) && outs.path != NULL &&
	    (ends_with(outs.path, "/") ||
	    (stat(outs.path, &sb) == 0 && S_ISDIR(sb.st_mode))))
		tool_usage_error("a selection writes one record stream: "
		    "-o FILE, not a folder");
	if (outs.path == NULL)
		outs.one = tool_out;
	else if (ends_with(outs.path, "/") ||
	    (stat(outs.path, &sb) == 0 && S_ISDIR(sb.st_mode)))
		outs.dir = 1;
	else
		outs.one = open_file(outs.path);
	io.open = io_open;
	io.done = io_done;
	io.arg = &outs;

	if (sl_select_active(&sel)) {
		selected = select_records(&sel, format, argc, argv, optind);
		snprintf(spool, sizeof(spool), "/dev/fd/%d", fileno(selected));
		rc = sl_redact_path(rx, spool, "records", &io, tool_error,
		    NULL);
	} else
		tool_progress_custom(describe_progress, rx);
	if (selected == NULL && optind == argc)
		rc = sl_redact_path(rx, "-", format, &io, tool_error, NULL);
	for (i = (size_t)optind; i < (size_t)argc && rc != SL_STOP &&
	    selected == NULL; i++)
		rc = sl_redact_path(rx, argv[i], format, &io, tool_error,
		    NULL);
	tool_progress_end();
	if (rc == SL_REJECT)
		tool_status = EXIT_INPUT;

	if (outs.one != NULL && outs.one != tool_out &&
	    sl_out_close(outs.one) != SL_OK)
		tool_fatal("%s: write error: %s", outs.path, strerror(errno));
	if (stats != NULL)
		write_stats(stats, rx);
	/* The summary only once the output is known to be complete. */
	c = tool_finish();	/* exits 2 when standard output failed */
	if (!quiet && sl_redact_total(rx) > 0) {
		sl_buf_init(&sum);
		sl_redact_summary(rx, &sum);
		fprintf(stderr, "%s: %s\n", tool_name, sum.buf);
		sl_buf_free(&sum);
	}
	sl_redact_free(rx);
	free(rules);
	if (selected != NULL)
		fclose(selected);
	return c;
}
