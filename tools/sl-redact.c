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
#include <time.h>
#include <unistd.h>

#include "common.h"

static const char usage[] =
"usage: sl-redact [-r RULES]... [--no-default] [--hash-key-env VAR]\n"
"                 [-f FORMAT] [-j N] [--stats[=FILE]] [-q]\n"
"                 [-o FILE|DIR|ARCHIVE]\n"
"                 [--force] [--since T] [--until T] [--user GLOB]\n"
"                 [--target GLOB] [--id GLOB] [FILE|DIR|-]...\n"
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
"  -j, --jobs N            redact inputs (files, archive members) in N\n"
"                          worker processes, the output the same as with\n"
"                          one; with a selection, parse its inputs so\n"
"                          (default: the CPUs online)\n"
"  -o, --output FILE|DIR|ARCHIVE\n"
"                          write to FILE (gzip if it ends in .gz; one log\n"
"                          only), or one file per input under DIR (an\n"
"                          existing directory, or a name ending in /), or\n"
"                          one member per input in ARCHIVE (.tar, .tar.gz,\n"
"                          .tgz, .zip): an archive in gives its members\n"
"      --force             replace existing output files (regular files\n"
"                          only; a symbolic link is never followed)\n"
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

enum { OPT_NO_DEFAULT = 256, OPT_HASH_KEY_ENV, OPT_DEFAULTS, OPT_FORCE };

static const struct option longopts[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "no-default", no_argument, NULL, OPT_NO_DEFAULT },
	{ "hash-key-env", required_argument, NULL, OPT_HASH_KEY_ENV },
	{ "from", required_argument, NULL, 'f' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	TOOL_STATS_OPTION,
	TOOL_SELECT_OPTIONS,
	TOOL_LIST_FORMATS_OPTION,
	{ "quiet", no_argument, NULL, 'q' },
	{ "default-rules", no_argument, NULL, OPT_DEFAULTS },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

/*
 * Where outputs go: standard output, one file, one file per input under
 * a folder, or one member per input in an archive.  The structure of the
 * input is kept: an input of several logs (an archive, a folder, several
 * names) cannot go to one plain file, which would glue them together.
 */
enum out_kind { OUT_STDOUT, OUT_FILE, OUT_DIR, OUT_ARCHIVE };

struct outputs {
	enum out_kind kind;
	const char *path;	/* -o, or NULL: standard output */
	int force;
	struct tool_file file;	/* OUT_FILE, OUT_ARCHIVE */
	struct sl_out *one;	/* stdout or the -o FILE */
	const char *one_input;	/* the input written to -o FILE */
	struct tool_file each;	/* OUT_DIR: the current input's file */
	struct sl_archive_out *ar;	/* OUT_ARCHIVE */
	enum sl_archive_kind arkind;
	int scratch;		/* OUT_ARCHIVE: the current member */
	char *member;
	char **names;		/* output names given so far */
	const char **inputs;	/* the input of each */
	size_t nnames;
};

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * The input layer hands over bzip2, xz, zstd, lz4, lzip, lzma and
 * compress streams decompressed, and only gzip is written compressed
 * again: the others' suffix goes, so that a name never claims a
 * compression its bytes do not have.
 */
static void
drop_compression_suffix(char *name)
{
	static const char *const suffixes[] = {
		".bz2", ".xz", ".zst", ".lz4", ".lz", ".lzma", ".Z"
	};
	size_t i, n = strlen(name), k;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		k = strlen(suffixes[i]);
		if (n > k && strcmp(name + n - k, suffixes[i]) == 0 &&
		    name[n - k - 1] != '/') {
			name[n - k] = '\0';
			return;
		}
	}
}

/*
 * The input's name made relative as tar does: no leading /, no . or ..
 * parts; an archive member "a.tar//m.log" is "a.tar/m.log", or "m.log"
 * when members keeps to the member's own name (archive out).
 */
static char *
rel_name(const char *name, int members)
{
	const char *sep = strstr(name, "//");
	char *out, *copy, *part, *save = NULL;
	size_t len = 0;

	if (strcmp(name, "-") == 0)
		return sl_xstrdup("stdin");
	if (members && sep != NULL)
		name = sep + 2;
	out = sl_xstrdup(name);
	copy = sl_xstrdup(name);
	out[0] = '\0';
	for (part = strtok_r(copy, "/", &save); part != NULL;
	    part = strtok_r(NULL, "/", &save)) {
		if (strcmp(part, ".") == 0 || strcmp(part, "..") == 0)
			continue;
		len += (size_t)sprintf(out + len, "%s%s", len > 0 ? "/" : "",
		    part);
	}
	free(copy);
	if (len == 0) {
		free(out);
		out = sl_xstrdup("stdin");
	}
	drop_compression_suffix(out);
	return out;
}

/* Two inputs may not share an output name: one would be lost. */
static int
claim_name(struct outputs *o, const char *rel, const char *input)
{
	char msg[256];
	size_t i;

	for (i = 0; i < o->nnames; i++)
		if (strcmp(o->names[i], rel) == 0) {
			snprintf(msg, sizeof(msg), "would be written to %s, "
			    "as %.100s was: skipped", rel, o->inputs[i]);
			tool_error(NULL, input, msg);
			return -1;
		}
	o->names = realloc(o->names, (o->nnames + 1) * sizeof(*o->names));
	o->inputs = realloc(o->inputs, (o->nnames + 1) * sizeof(*o->inputs));
	if (o->names == NULL || o->inputs == NULL)
		tool_fatal("out of memory");
	o->names[o->nnames] = sl_xstrdup(rel);
	o->inputs[o->nnames++] = sl_xstrdup(input);
	return 0;
}

static unsigned
gz_flag(const char *name)
{
	return ends_with(name, ".gz") ? SL_OUT_GZIP : 0;
}

/* Writing over the input would lose it: refused. */
static int
is_input(const char *input, const char *out)
{
	struct stat in, st;

	return stat(input, &in) == 0 && stat(out, &st) == 0 &&
	    in.st_dev == st.st_dev && in.st_ino == st.st_ino;
}

static struct sl_out *
open_each(struct outputs *o, const char *name)
{
	struct sl_out *so;
	char err[1024], *rel = rel_name(name, 0), *path;

	path = malloc(strlen(o->path) + strlen(rel) + 2);
	if (path == NULL)
		tool_fatal("out of memory");
	sprintf(path, "%s/%s", o->path, rel);
	so = NULL;
	if (is_input(name, path))
		tool_error(NULL, name, "the output would overwrite the input, "
		    "skipped");
	else if (claim_name(o, rel, name) == 0) {
		so = tool_file_open_in(&o->each, o->path, rel, o->force,
		    gz_flag(rel), err, sizeof(err));
		if (so == NULL)
			tool_fatal("%s", err);
	}
	free(path);
	free(rel);
	return so;
}

static struct sl_out *
open_member(struct outputs *o, const char *name)
{
	struct sl_out *so;
	char *rel = rel_name(name, 1);
	int fd;

	if (claim_name(o, rel, name) != 0) {
		free(rel);
		return NULL;
	}
	if ((o->scratch = sl_ofile_scratch(&o->file.of)) < 0 ||
	    (fd = dup(o->scratch)) < 0)
		tool_fatal("%s: cannot make a scratch file: %s", o->path,
		    strerror(errno));
	if ((so = sl_out_fd(fd, rel, gz_flag(rel))) == NULL)
		tool_fatal("out of memory");
	o->member = rel;
	return so;
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

	inputs_done++;
	tool_progress_tick_now();
	switch (o->kind) {
	case OUT_DIR:
		return open_each(o, name);
	case OUT_ARCHIVE:
		return open_member(o, name);
	case OUT_FILE:
		if (o->one_input != NULL) {
			tool_file_abort(&o->file);
			tool_usage_error("%s: another log after %s: -o FILE "
			    "keeps one log; use -o DIR/ or -o NAME.tar.gz to "
			    "keep the inputs apart", name, o->one_input);
		}
		o->one_input = sl_xstrdup(name);
		return o->one;
	default:
		return o->one;
	}
}

/* Put the finished member into the archive. */
static void
add_member(struct outputs *o, struct sl_out *so)
{
	char err[1024], hex[65];
	struct sl_error e;
	struct stat st;

	if (sl_out_close(so, &e) != SL_OK)
		tool_fatal("%s: %s: write error: %s", o->path, o->member,
		    strerror(e.sys));
	if (fstat(o->scratch, &st) != 0 ||
	    sl_archive_add_fd(o->ar, o->member, o->scratch,
	    (long long)st.st_size, hex, err, sizeof(err)) != SL_OK) {
		sl_archive_abort(o->ar);
		o->ar = NULL;
		tool_fatal("%s", err);
	}
	close(o->scratch);
	o->scratch = -1;
	free(o->member);
	o->member = NULL;
}

static int
io_done(void *arg, struct sl_out *so, const char *name)
{
	struct outputs *o = arg;

	(void)name;
	if (o->kind == OUT_DIR)
		tool_file_close(&o->each);
	else if (o->kind == OUT_ARCHIVE)
		add_member(o, so);
	return SL_OK;
}

/* Decide what -o means, and refuse what would lose the structure. */
static void
outputs_open(struct outputs *o, int nin, char **in)
{
	struct stat sb;
	char err[1024];
	int i;

	o->scratch = -1;
	if (o->path == NULL) {
		o->kind = OUT_STDOUT;
		o->one = tool_out;
		return;
	}
	for (i = 0; i < nin; i++)
		if (is_input(in[i], o->path))
			tool_usage_error("%s: the output is also an input",
			    o->path);
	if (ends_with(o->path, "/") ||
	    (stat(o->path, &sb) == 0 && S_ISDIR(sb.st_mode))) {
		o->kind = OUT_DIR;
		if (mkdir(o->path, 0777) != 0 && errno != EEXIST)
			tool_fatal("%s: cannot create the folder: %s",
			    o->path, strerror(errno));
		return;
	}
	if ((o->arkind = sl_archive_kind(o->path)) != SL_AR_NONE) {
		o->kind = OUT_ARCHIVE;
		tool_file_open(&o->file, o->path, o->force, 0);
		o->ar = sl_archive_open(o->file.of.fd, o->arkind,
		    (long long)time(NULL), o->path, err, sizeof(err));
		if (o->ar == NULL)
			tool_fatal("%s", err);
		return;
	}
	o->kind = OUT_FILE;
	if (nin > 1)
		tool_usage_error("-o %s keeps one log, and %d inputs are "
		    "given: use -o DIR/ or -o NAME.tar.gz", o->path, nin);
	if (nin == 1 && stat(in[0], &sb) == 0 && S_ISDIR(sb.st_mode))
		tool_usage_error("-o %s keeps one log, and %s is a folder: "
		    "use -o DIR/ or -o NAME.tar.gz", o->path, in[0]);
	o->one = tool_file_open(&o->file, o->path, o->force,
	    gz_flag(o->path));
}

/* Finish the output: everything appears now, or nothing. */
static void
outputs_close(struct outputs *o)
{
	char err[1024];
	size_t i;

	if (o->kind == OUT_ARCHIVE) {
		if (sl_archive_close(o->ar, err, sizeof(err)) != SL_OK) {
			o->ar = NULL;
			tool_fatal("%s", err);
		}
		o->ar = NULL;
		tool_file_close(&o->file);	/* libarchive wrote its fd */
	} else if (o->kind == OUT_FILE)
		tool_file_close(&o->file);
	for (i = 0; i < o->nnames; i++) {
		free(o->names[i]);
		free((char *)o->inputs[i]);
	}
	free(o->names);
	free(o->inputs);
	free((char *)o->one_input);
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

/* A selection writes one record stream: to standard output or a file. */
static void
selection_output(const struct outputs *o, int nin, char **in)
{
	struct stat sb;
	int i;

	if (o->path == NULL)
		return;
	if (ends_with(o->path, "/") || sl_archive_kind(o->path) != SL_AR_NONE ||
	    (stat(o->path, &sb) == 0 && S_ISDIR(sb.st_mode)))
		tool_usage_error("a selection writes one record stream: "
		    "-o FILE, not a folder or an archive");
	for (i = 0; i < nin; i++)
		if (is_input(in[i], o->path))
			tool_usage_error("%s: the output is also an input",
			    o->path);
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

/* --stats: standard error, or FILE through the output layer. */
static void
write_stats(const char *path, int force, const struct sl_redact *rx)
{
	struct tool_file f;
	struct sl_out *o;
	struct sl_buf b;

	sl_buf_init(&b);
	sl_redact_report(rx, &b);
	if (strcmp(path, "-") == 0) {
		tool_output_before_stderr();
		fwrite(b.buf, 1, b.len, stderr);
		sl_buf_free(&b);
		return;
	}
	o = tool_file_open(&f, path, force, 0);
	if (sl_out_write(o, b.buf, b.len) != SL_OK)
		tool_fatal("%s: write error: %s", path, strerror(errno));
	tool_file_close(&f);
	sl_buf_free(&b);
}

/* What the options ask for. */
struct options {
	const char **rules;
	size_t nrules;
	const char *keyenv, *stats, *format;
	struct sl_select_opts sel;
	unsigned flags;
	int quiet;
};

/* Parse the options into op and o; returns the index of the first input. */
static int
parse_options(int argc, char **argv, struct options *op, struct outputs *o)
{
	int c;

	while ((c = getopt_long(argc, argv, ":r:f:j:o:qhV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'r':
			op->rules = realloc(op->rules, (op->nrules + 1) *
			    sizeof(*op->rules));
			if (op->rules == NULL)
				tool_fatal("out of memory");
			op->rules[op->nrules++] = optarg;
			break;
		case OPT_NO_DEFAULT:
			op->flags |= SL_REDACT_NO_DEFAULT;
			break;
		case OPT_HASH_KEY_ENV:
			op->keyenv = optarg;
			break;
		case 'f':
			if (!sl_redact_format_ok(optarg))
				tool_usage_error("unknown format '%s'", optarg);
			op->format = optarg;
			break;
		case 'j':
			tool_input_option(c, optarg, NULL);
			break;
		case 'o':
			/* "-" is standard output, as in every tool (sl(7)). */
			o->path = strcmp(optarg, "-") == 0 ? NULL : optarg;
			break;
		case OPT_FORCE:
			o->force = 1;
			tool_stats_force(1);
			break;
		case TOOL_OPT_STATS:
			op->stats = tool_stats_arg(optarg);
			op->flags |= SL_REDACT_HITS;
			break;
		case 'q':
			op->quiet = 1;
			break;
		case OPT_DEFAULTS:
			fputs(sl_redact_default_rules(), stdout);
			exit(tool_finish());
		default:
			tool_other_option(c, optarg, NULL, &op->sel, usage,
			    argv);
		}
	}
	return optind;
}

/* The engine with the rules and key the options name; exits on error. */
static struct sl_redact *
make_engine(const struct options *op)
{
	struct sl_redact *rx = sl_redact_new(op->flags);
	const char *key = NULL;
	struct sl_error err;
	char *text;
	size_t i, len;

	if (op->keyenv != NULL && ((key = getenv(op->keyenv)) == NULL ||
	    *key == '\0'))
		tool_usage_error("--hash-key-env: $%s is not set or empty",
		    op->keyenv);
	for (i = 0; i < op->nrules; i++) {
		text = read_file(op->rules[i], &len);
		if (sl_redact_add_rules(rx, op->rules[i], text, len, &err) !=
		    SL_OK)
			tool_fatal("%s", err.msg);
		free(text);
	}
	if (key != NULL)
		sl_redact_set_key(rx, key, strlen(key));
	if (sl_redact_ready(rx, &err) != SL_OK)
		tool_fatal("%s", err.msg);
	return rx;
}

int
main(int argc, char **argv)
{
	struct options op;
	struct sl_redact_io io;
	FILE *selected = NULL;
	char spool[64];
	struct outputs outs;
	struct sl_redact *rx;
	struct sl_buf sum;
	int c, first, i, rc = SL_OK;

	tool_init("sl-redact");
	memset(&outs, 0, sizeof(outs));
	memset(&op, 0, sizeof(op));
	first = parse_options(argc, argv, &op, &outs);
	tool_select_check(&op.sel);
	if (sl_select_active(&op.sel) && op.format != NULL &&
	    sl_format_lookup(op.format) == NULL)
		tool_usage_error("-f %s cannot be read as records, which a "
		    "selection needs", op.format);
	tool_need_input(argc - first, usage);
	rx = make_engine(&op);

	io.open = io_open;
	io.done = io_done;
	io.arg = &outs;
	if (sl_select_active(&op.sel)) {
		selection_output(&outs, argc - first, argv + first);
		selected = select_records(&op.sel, op.format, argc, argv,
		    first);
		outputs_open(&outs, 0, NULL);	/* checked above */
		snprintf(spool, sizeof(spool), "/dev/fd/%d", fileno(selected));
		rc = sl_redact_path(rx, spool, "records", &io, tool_error,
		    NULL);
	} else {
		outputs_open(&outs, argc - first, argv + first);
		tool_progress_custom(describe_progress, rx);
		/* A selection is one record stream, redacted in order: its
		 * parsing is what -j shares out (select_records). */
		sl_redact_set_jobs(rx, tool_job_count());
		if (first == argc)
			rc = sl_redact_path(rx, "-", op.format, &io,
			    tool_error, NULL);
	}
	for (i = first; i < argc && rc != SL_STOP && selected == NULL; i++)
		rc = sl_redact_path(rx, argv[i], op.format, &io, tool_error,
		    NULL);
	/* -j: what the workers still owe, before the output is closed. */
	if (sl_redact_end(rx) == SL_REJECT || rc == SL_REJECT)
		tool_status = EXIT_INPUT;
	tool_progress_end();

	outputs_close(&outs);
	if (op.stats != NULL)
		write_stats(op.stats, outs.force, rx);
	/* The summary only once the output is known to be complete. */
	c = tool_finish();	/* exits 2 when standard output failed */
	if (!op.quiet && (sl_redact_total(rx) > 0 ||
	    sl_redact_unchecked(rx) > 0)) {
		sl_buf_init(&sum);
		sl_redact_summary(rx, &sum);
		fprintf(stderr, "%s: %s\n", tool_name, sum.buf);
		sl_buf_free(&sum);
	}
	sl_redact_free(rx);
	free(op.rules);
	if (selected != NULL)
		fclose(selected);
	return c;
}
