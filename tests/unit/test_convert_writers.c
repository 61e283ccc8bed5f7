/*
 * test_convert_writers.c: every sl-convert target through the library's
 * own API (sl_convert_*), on record streams and logs held in memory,
 * asserting the bytes written: formats, batching, escaping, file names,
 * refusals.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "check_main.h"
#include "convert/writer.h"

static char tmpdir[64];

static void
setup(void)
{
	strcpy(tmpdir, "/tmp/test_convert.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
rm_tree(const char *path)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}

static void
teardown(void)
{
	rm_tree(tmpdir);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct sl_buf b;
	char chunk[4096];
	size_t n;

	ck_assert_msg(fp != NULL, "cannot open %s", path);
	sl_buf_init(&b);
	sl_buf_reserve(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		sl_buf_add(&b, chunk, n);
	fclose(fp);
	if (len != NULL)
		*len = b.len;
	return b.buf;
}

static void
ignore_err(void *arg, const char *where, const char *msg)
{
	(void)arg;
	(void)where;
	(void)msg;
}

static void
defaults(struct sl_convert_opts *o, const char *target)
{
	memset(o, 0, sizeof(*o));
	o->target = target;
	o->step_ms = 100;
	o->cast_version = 2;
	o->now_ms = 1700000000000LL;		/* 2023-11-14T22:13:20Z */
	o->tmpdir = tmpdir;
}

/* Convert input (named name) with o into output (under tmpdir). */
static int
convert(struct sl_convert_opts *o, const char *name, const char *in,
    size_t n, struct sl_error *err)
{
	struct sl_convert *c = sl_convert_new(o, err);
	struct sl_sink sink;
	struct sl_run *run;
	int rc;

	if (c == NULL)
		return SL_FATAL;
	sl_convert_sink(c, &sink);
	run = sl_run_new(NULL, &sink, ignore_err, NULL);
	sl_run_mem(run, name, in, n);
	sl_run_free(run);
	rc = sl_convert_finish(c, err);
	sl_convert_free(c);
	return rc;
}

/* Convert to a file and return what it holds. */
static char *
to_string(struct sl_convert_opts *o, const char *name, const char *in,
    size_t *len)
{
	struct sl_error err;
	char path[128];

	snprintf(path, sizeof(path), "%s/out", tmpdir);
	unlink(path);
	o->output = path;
	ck_assert_msg(convert(o, name, in, strlen(in), &err) == SL_OK,
	    "convert: %s", err.msg);
	return slurp(path, len);
}

/* A small Linux session log. */
static const char ts_log[] =
    "Script started on 2024-05-01 12:30:00+00:00 [COMMAND=\"cat /var/lib/"
    "amazon/ssm/i-0abc123def4567890/session/orchestration/"
    "alice-0a1b2c3d4e5f67890/Standard_Stream/ipcTempFile.log\" "
    "<not executed on terminal>]\n"
    "\033]0;ssm-user@ip-10-0-0-5:~\007\033[?2004hsh-5.2$ id\r\r\n"
    "\033[?2004l\ruid=1001(ssm-user)\r\r\n"
    "\033]0;ssm-user@ip-10-0-0-5:~\007\033[?2004hsh-5.2$ ls --color\r\r\n"
    "\033[?2004l\r\033[01;34mdir\033[0m  <b>&\r\r\n"
    "\033]0;ssm-user@ip-10-0-0-5:~\007\033[?2004hsh-5.2$ exit\r\r\n"
    "\033[?2004l\rexit\r\r\n"
    "\nScript done on 2024-05-01 12:30:00+00:00 [COMMAND_EXIT_CODE=\"0\"]\n";

#define LINE(sid, n, text, extra) \
	"{\"type\":\"line\",\"session\":\"" sid "\",\"n\":" #n \
	",\"text\":\"" text "\"" extra ",\"src\":\"x\"}\n"

/* ---------------------------------------------------------------- text */

START_TEST(text_header_lines_footer)
{
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "text");
	got = to_string(&o, "alice-0a1b2c3d4e5f67890.log", ts_log, NULL);
	/* Whole sessions: the header knows what the trailer told. */
	ck_assert_str_eq(got,
	    "=== session alice-0a1b2c3d4e5f67890\n"
	    "    target: i-0abc123def4567890\n"
	    "    host:   ip-10-0-0-5\n"
	    "    end:    2024-05-01T12:30:00.000Z (typescript-trailer)\n"
	    "sh-5.2$ id\n"
	    "uid=1001(ssm-user)\n"
	    "sh-5.2$ ls --color\n"
	    "dir  <b>&\n"
	    "sh-5.2$ exit\n"
	    "exit\n"
	    "=== end of session alice-0a1b2c3d4e5f67890: 6 lines, 3 commands\n");
	free(got);
	o.bare = 1;
	got = to_string(&o, "alice-0a1b2c3d4e5f67890.log", ts_log, NULL);
	ck_assert_str_eq(got, "sh-5.2$ id\nuid=1001(ssm-user)\n"
	    "sh-5.2$ ls --color\ndir  <b>&\nsh-5.2$ exit\nexit\n");
	free(got);
}
END_TEST

/*
 * Notes inline.  A record whose text holds control characters breaks the
 * record contract: the records reader rejects it (a note, no line), so a
 * hostile stream's controls never reach a terminal.
 */
START_TEST(text_notes_and_controls)
{
	static const char in[] =
	    LINE("s-1", 1, "a\\u001b[2Jb", "")
	    "{\"type\":\"note\",\"session\":\"s-1\",\"code\":\"truncated\","
	    "\"text\":\"stops early\",\"src\":\"x\"}\n";
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "text");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got, "=== session (unknown)\n"
	    "--- rejected: rejected record: \"text\" holds control "
	    "characters\n"
	    "=== end of session (unknown): 0 lines, 0 commands\n"
	    "\n"
	    "=== session s-1\n"
	    "--- truncated: stops early\n"
	    "=== end of session s-1: 0 lines, 0 commands\n");
	free(got);
}
END_TEST

/* ----------------------------------------------------------------- csv */

START_TEST(csv_rows_and_formulas)
{
	static const char in[] =
	    LINE("s-1", 1, "$ echo a,b", ",\"prompt\":\"$ \",\"cmd\":\"echo a,b\"")
	    LINE("s-1", 2, "=HYPERLINK(\\\"http://x\\\")", "")
	    LINE("s-1", 3, "-rw-r--r-- 1 root", "")
	    LINE("s-1", 4, "+1", ",\"time\":\"2024-05-01T12:00:05.000Z\"")
	    LINE("s-1", 5, "@SUM(A1)", "")
	    LINE("s-1", 6, "\\tx", "")
	    LINE("=evil", 1, "plain", "");
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "csv");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got,
	    "session,n,time,prompt,cmd,text\r\n"
	    "s-1,1,,$ ,\"echo a,b\",\"$ echo a,b\"\r\n"
	    "s-1,2,,,,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n"
	    "s-1,3,,,,'-rw-r--r-- 1 root\r\n"
	    "s-1,4,2024-05-01T12:00:05.000Z,,,'+1\r\n"
	    "s-1,5,,,,'@SUM(A1)\r\n"
	    "s-1,6,,,,'\tx\r\n"
	    "'=evil,1,,,,plain\r\n");
	free(got);
}
END_TEST

START_TEST(csv_commands)
{
	static const char in[] =
	    LINE("s-1", 1, "$ cat <<EOF", ",\"prompt\":\"$ \",\"cmd\":\"cat <<EOF\"")
	    LINE("s-1", 2, "> one", ",\"prompt\":\"> \",\"cmd\":\"one\",\"cont\":true")
	    LINE("s-1", 3, "> EOF", ",\"prompt\":\"> \",\"cmd\":\"EOF\",\"cont\":true")
	    LINE("s-1", 4, "one", "")
	    LINE("s-1", 5, "$", ",\"prompt\":\"$\",\"cmd\":\"\"")
	    LINE("s-1", 6, "$ =1+1", ",\"prompt\":\"$ \",\"cmd\":\"=1+1\"");
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "csv");
	o.commands = 1;
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got,
	    "session,n,time,prompt,cmd\r\n"
	    "s-1,1,,$ ,\"cat <<EOF\none\nEOF\"\r\n"
	    "s-1,6,,$ ,'=1+1\r\n");
	free(got);
}
END_TEST

/* ----------------------------------------------------------- cw-stream */

START_TEST(cwstream_shape)
{
	static const char in[] =
	    "{\"type\":\"session\",\"session\":\"a-1\",\"owner\":\"arn:aws:iam::1:user/a\","
	    "\"target\":\"i-0abc\",\"run_as\":\"ssm-user\",\"region\":\"eu-west-1\","
	    "\"start\":\"2024-05-01T12:00:00.250Z\",\"start_src\":\"cloudtrail\","
	    "\"origin\":\"cloudtrail\",\"src\":\"x\"}\n"
	    LINE("a-1", 1, "sh-5.2$ echo '<a>' && x", "")
	    LINE("a-1", 2, "<a>", "")
	    LINE("a-1", 3, "later", ",\"time\":\"2024-05-01T12:00:09.900Z\"")
	    LINE("a-1", 4, "same second", ",\"time\":\"2024-05-01T12:00:09.000Z\"")
	    LINE("b-2", 1, "no facts", "");
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "cw-stream");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got,
	    "{\"eventVersion\":\"1.0\",\"eventTime\":\"2024-05-01T12:00:00Z\","
	    "\"awsRegion\":\"eu-west-1\",\"target\":{\"id\":\"i-0abc\"},"
	    "\"userIdentity\":{\"arn\":\"arn:aws:iam::1:user/a\"},"
	    "\"runAsUser\":\"ssm-user\",\"sessionId\":\"a-1\",\"sessionData\":"
	    "[\"sh-5.2$ echo '\\u003ca\\u003e' \\u0026\\u0026 x\","
	    "\"\\u003ca\\u003e\"]}\n"
	    "{\"eventVersion\":\"1.0\",\"eventTime\":\"2024-05-01T12:00:09Z\","
	    "\"awsRegion\":\"eu-west-1\",\"target\":{\"id\":\"i-0abc\"},"
	    "\"userIdentity\":{\"arn\":\"arn:aws:iam::1:user/a\"},"
	    "\"runAsUser\":\"ssm-user\",\"sessionId\":\"a-1\",\"sessionData\":"
	    "[\"later\",\"same second\"]}\n"
	    /* No facts at all: nulls, and the conversion time. */
	    "{\"eventVersion\":\"1.0\",\"eventTime\":\"2023-11-14T22:13:20Z\","
	    "\"awsRegion\":null,\"target\":null,\"userIdentity\":null,"
	    "\"runAsUser\":null,\"sessionId\":\"b-2\",\"sessionData\":"
	    "[\"no facts\"]}\n");
	free(got);
}
END_TEST

/* 33,000 bytes of lines per event, newlines counted, like the agent. */
START_TEST(cwstream_batches_by_size)
{
	struct sl_convert_opts o;
	struct sl_buf in;
	json_error_t jerr;
	json_t *ev;
	char *got, *p, *nl, line[1001];
	int i, events = 0;

	memset(line, 'x', 1000);
	line[1000] = '\0';
	sl_buf_init(&in);
	/* The session's end is the time of untimed lines here. */
	sl_buf_adds(&in, "{\"type\":\"session\",\"session\":\"s-1\","
	    "\"end\":\"2024-05-01T12:30:00.000Z\",\"end_src\":"
	    "\"typescript-trailer\",\"src\":\"x\"}\n");
	for (i = 1; i <= 70; i++)
		sl_buf_printf(&in, "{\"type\":\"line\",\"session\":\"s-1\","
		    "\"n\":%d,\"text\":\"%s\",\"src\":\"x\"}\n", i, line);
	defaults(&o, "cw-stream");
	got = to_string(&o, "in.jsonl", in.buf, NULL);
	/* 32 lines of 1001 bytes fit (32,032); a 33rd would not. */
	for (p = got; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		ev = json_loadb(p, (size_t)(nl - p), 0, &jerr);
		ck_assert_msg(ev != NULL, "event %d: %s", events, jerr.text);
		ck_assert_str_eq(json_string_value(json_object_get(ev,
		    "eventTime")), "2024-05-01T12:30:00Z");
		ck_assert_uint_eq(json_array_size(json_object_get(ev,
		    "sessionData")), events < 2 ? 32 : 6);
		json_decref(ev);
		events++;
	}
	ck_assert_int_eq(events, 3);
	ck_assert_int_eq(*p, '\0');
	free(got);
	sl_buf_free(&in);
}
END_TEST

/* ---------------------------------------------------------- typescript */

START_TEST(typescript_shape)
{
	static const char in[] =
	    "{\"type\":\"session\",\"session\":\"bob-0123456789abcdef0\","
	    "\"target\":\"i-0abc\",\"host\":\"web-1\",\"run_as\":\"ssm-user\","
	    "\"src\":\"x\"}\n"
	    LINE("bob-0123456789abcdef0", 1, "$ id", ",\"prompt\":\"$ \",\"cmd\":\"id\"")
	    LINE("bob-0123456789abcdef0", 2, "uid=0 \\ufffd", "")
	    LINE("bob-0123456789abcdef0", 3, "", "");
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "typescript");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got,
	    "Script started on 2023-11-14 22:13:20+00:00 [COMMAND=\"cat "
	    "/var/lib/amazon/ssm/i-0abc/session/orchestration/"
	    "bob-0123456789abcdef0/Standard_Stream/ipcTempFile.log\" "
	    "<not executed on terminal>]\n"
	    "\033]0;ssm-user@web-1:~\007\033[?2004h$ id\r\r\n"
	    "uid=0 \xef\xbf\xbd\r\r\n"
	    "\r\r\n"
	    "\nScript done on 2023-11-14 22:13:20+00:00\n");
	free(got);
}
END_TEST

/* A log that stopped early gets no trailer; its end is kept. */
START_TEST(typescript_truncated)
{
	static const char in[] =
	    "{\"type\":\"session\",\"session\":\"c-1\",\"end\":"
	    "\"2024-05-06T22:48:10.000Z\",\"end_src\":\"typescript-header\","
	    "\"src\":\"x\"}\n"
	    LINE("c-1", 1, "The system will po", "")
	    "{\"type\":\"note\",\"session\":\"c-1\",\"code\":\"truncated\","
	    "\"text\":\"t\",\"src\":\"x\"}\n";
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "typescript");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got, "Script started on 2024-05-06 22:48:10+00:00 "
	    "[<not executed on terminal>]\nThe system will po\r\r\n");
	free(got);
}
END_TEST

/* One typescript per file: several sessions need --split. */
START_TEST(typescript_refuses_two_sessions)
{
	static const char in[] = LINE("a-1", 1, "x", "") LINE("b-2", 1, "y", "");
	struct sl_convert_opts o;
	struct sl_error err;
	char path[128];

	defaults(&o, "typescript");
	snprintf(path, sizeof(path), "%s/two.log", tmpdir);
	o.output = path;
	ck_assert_int_eq(convert(&o, "in.jsonl", in, strlen(in), &err),
	    SL_FATAL);
	ck_assert_str_eq(err.msg, "2 sessions in the input, and -t typescript "
	    "writes one: use --split -o FOLDER, or -o an archive");
	ck_assert(access(path, F_OK) != 0);
}
END_TEST

/* ----------------------------------------------------------- asciicast */

START_TEST(asciicast_from_lines)
{
	static const char in[] =
	    "{\"type\":\"session\",\"session\":\"a-1\",\"target\":\"i-1\","
	    "\"run_as\":\"ec2-user\",\"start\":\"2024-05-01T12:00:00.000Z\","
	    "\"start_src\":\"cloudtrail\",\"src\":\"x\"}\n"
	    LINE("a-1", 1, "$ ls", ",\"prompt\":\"$ \",\"cmd\":\"ls\","
	    "\"time\":\"2024-05-01T12:00:02.000Z\"")
	    LINE("a-1", 2, "a  b", ",\"time\":\"2024-05-01T12:00:02.000Z\"")
	    LINE("a-1", 3, "$ exit", ",\"prompt\":\"$ \",\"cmd\":\"exit\"");
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "asciicast");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got,
	    "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1714564800,"
	    "\"title\":\"a-1 on i-1\",\"env\":{\"TERM\":\"xterm-256color\","
	    "\"USER\":\"ec2-user\"}}\n"
	    "[2.000,\"m\",\"ls\"]\n"
	    "[2.000,\"o\",\"$ ls\\r\\n\"]\n"
	    "[2.000,\"o\",\"a  b\\r\\n\"]\n"
	    "[2.100,\"m\",\"exit\"]\n"
	    "[2.100,\"o\",\"$ exit\\r\\n\"]\n");
	free(got);
	/* v3: intervals, the size in "term". */
	o.cast_version = 3;
	o.width = 100;
	o.height = 30;
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_str_eq(got,
	    "{\"version\":3,\"term\":{\"cols\":100,\"rows\":30,\"type\":"
	    "\"xterm-256color\"},\"timestamp\":1714564800,"
	    "\"title\":\"a-1 on i-1\",\"env\":{\"TERM\":\"xterm-256color\","
	    "\"USER\":\"ec2-user\"}}\n"
	    "[2.000,\"m\",\"ls\"]\n"
	    "[0.000,\"o\",\"$ ls\\r\\n\"]\n"
	    "[0.000,\"o\",\"a  b\\r\\n\"]\n"
	    "[0.100,\"m\",\"exit\"]\n"
	    "[0.000,\"o\",\"$ exit\\r\\n\"]\n");
	free(got);
}
END_TEST

/* From a typescript: the original bytes, a step per input line. */
START_TEST(asciicast_raw_bytes)
{
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "asciicast");
	o.step_ms = 250;
	got = to_string(&o, "alice-0a1b2c3d4e5f67890.log", ts_log, NULL);
	ck_assert_str_eq(got,
	    "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1714566600,"
	    "\"title\":\"alice-0a1b2c3d4e5f67890 on i-0abc123def4567890\","
	    "\"env\":{\"TERM\":\"xterm-256color\"}}\n"
	    "[0.000,\"m\",\"id\"]\n"
	    "[0.000,\"o\",\"\\u001b]0;ssm-user@ip-10-0-0-5:~\\u0007\\u001b[?2004h"
	    "sh-5.2$ id\\r\\r\\n\"]\n"
	    "[0.250,\"o\",\"\\u001b[?2004l\\ruid=1001(ssm-user)\\r\\r\\n\"]\n"
	    "[0.500,\"m\",\"ls --color\"]\n"
	    "[0.500,\"o\",\"\\u001b]0;ssm-user@ip-10-0-0-5:~\\u0007\\u001b[?2004h"
	    "sh-5.2$ ls --color\\r\\r\\n\"]\n"
	    "[0.750,\"o\",\"\\u001b[?2004l\\r\\u001b[01;34mdir\\u001b[0m  "
	    "<b>&\\r\\r\\n\"]\n"
	    "[1.000,\"m\",\"exit\"]\n"
	    "[1.000,\"o\",\"\\u001b]0;ssm-user@ip-10-0-0-5:~\\u0007\\u001b[?2004h"
	    "sh-5.2$ exit\\r\\r\\n\"]\n"
	    /* The blank line before "Script done" is the trailer's own. */
	    "[1.250,\"o\",\"\\u001b[?2004l\\rexit\\r\\r\\n\"]\n");
	free(got);
}
END_TEST

/* ---------------------------------------------------------------- html */

START_TEST(html_escapes_and_links)
{
	static const char in[] =
	    LINE("<img src=x onerror=alert(1)>", 1,
	    "$ echo '<script>alert(1)</script>'",
	    ",\"prompt\":\"$ \",\"cmd\":\"echo '<script>alert(1)</script>'\"")
	    LINE("<img src=x onerror=alert(1)>", 2, "\\\"><img onerror=x>", "");
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "html");
	got = to_string(&o, "in.jsonl", in, NULL);
	ck_assert_ptr_null(strstr(got, "<script"));
	ck_assert_ptr_null(strstr(got, "<img"));
	ck_assert_ptr_nonnull(strstr(got, "<title>Session &lt;img src=x "
	    "onerror=alert(1)&gt;</title>"));
	ck_assert_ptr_nonnull(strstr(got, "<li><a href=\"#s1-1\"><span "
	    "class=\"tp\">$ </span>echo &#39;&lt;script&gt;alert(1)&lt;/script"
	    "&gt;&#39;</a></li>"));
	ck_assert_ptr_nonnull(strstr(got, "<div class=\"l cmd\" id=\"s1-1\" "
	    "data-n=\"1\"><span class=\"p\">$ </span><span class=\"c\">echo "));
	ck_assert_ptr_nonnull(strstr(got, "<div class=\"l\" id=\"s1-2\" "
	    "data-n=\"2\">&quot;&gt;&lt;img onerror=x&gt;</div>"));
	ck_assert_ptr_nonnull(strstr(got, "Content-Security-Policy"));
	ck_assert_str_eq(got + strlen(got) - 16, "</body>\n</html>\n");
	free(got);
}
END_TEST

/* Colours from the renderer: classes for 16, inline for 256. */
START_TEST(html_colours)
{
	static const char log[] =
	    "\033[01;34mdir\033[0m \033[38;5;208mhot\033[0m \033[7mrev\033[0m\r\n";
	struct sl_convert_opts o;
	char *got;

	defaults(&o, "html");
	got = to_string(&o, "a-1.log", log, NULL);
	ck_assert_ptr_nonnull(strstr(got, "<span class=\"f4 b\">dir</span> "
	    "<span class=\"\" style=\"color:#ff8700\">hot</span> "
	    "<span class=\"rf rb\">rev</span>"));
	free(got);
}
END_TEST

/* ------------------------------------------------------------- outputs */

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* Hostile session ids stay inside the folder, under safe names. */
START_TEST(split_safe_names)
{
	static const char in[] =
	    LINE("../../escape-1", 1, "a", "")
	    LINE("/abs/x", 1, "b", "")
	    LINE(".dot", 1, "c", "")
	    LINE("ok-1", 1, "d", "");
	struct sl_convert_opts o;
	struct sl_error err;
	char dir[128], path[256], *got;

	defaults(&o, "text");
	o.bare = 1;
	snprintf(dir, sizeof(dir), "%s/a/b", tmpdir);
	snprintf(path, sizeof(path), "%s/a", tmpdir);
	ck_assert_int_eq(mkdir(path, 0777), 0);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	o.output = dir;
	o.split = 1;
	ck_assert_int_eq(convert(&o, "in.jsonl", in, strlen(in), &err),
	    SL_OK);
	ck_assert_int_eq(count_files(dir), 4);
	ck_assert_int_eq(count_files(path), 1);		/* only b/ */
	ck_assert_int_eq(count_files(tmpdir), 1);		/* only a/, no spool */
	snprintf(path, sizeof(path), "%s/ok-1.txt", dir);
	got = slurp(path, NULL);
	ck_assert_str_eq(got, "d\n");
	free(got);
	/* Again: the files exist, nothing is replaced without force. */
	ck_assert_int_eq(convert(&o, "in.jsonl", in, strlen(in), &err),
	    SL_FATAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "exists (use --force to replace "
	    "it)"));
	ck_assert_int_eq(count_files(dir), 4);
	o.force = 1;
	ck_assert_int_eq(convert(&o, "in.jsonl", in, strlen(in), &err),
	    SL_OK);
	ck_assert_int_eq(count_files(dir), 4);
}
END_TEST

START_TEST(existing_file_refused)
{
	struct sl_convert_opts o;
	struct sl_error err;
	char path[128], *got;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/old.txt", tmpdir);
	fp = fopen(path, "w");
	fputs("keep me\n", fp);
	fclose(fp);
	defaults(&o, "text");
	o.output = path;
	ck_assert_ptr_null(sl_convert_new(&o, &err));
	snprintf(path, sizeof(path), "%s/old.txt: exists (use --force to "
	    "replace it)", tmpdir);
	ck_assert_str_eq(err.msg, path);
	snprintf(path, sizeof(path), "%s/old.txt", tmpdir);
	got = slurp(path, NULL);
	ck_assert_str_eq(got, "keep me\n");
	free(got);
	ck_assert_int_eq(count_files(tmpdir), 1);
}
END_TEST

START_TEST(bad_options_refused)
{
	struct sl_convert_opts o;
	struct sl_error err;

	defaults(&o, "pdf");
	ck_assert_ptr_null(sl_convert_new(&o, &err));
	ck_assert_str_eq(err.msg, "unknown target 'pdf'");
	defaults(&o, "text");
	o.split = 1;
	ck_assert_ptr_null(sl_convert_new(&o, &err));
	ck_assert_str_eq(err.msg, "--split needs -o FOLDER or -o an archive "
	    "(.tar.gz, .tgz, .tar, .zip)");
}
END_TEST

/* gzip when the name ends in .gz. */
START_TEST(gzip_output)
{
	struct sl_convert_opts o;
	struct sl_error err;
	char path[128], cmd[256], *got;

	defaults(&o, "text");
	o.bare = 1;
	snprintf(path, sizeof(path), "%s/out.txt.gz", tmpdir);
	o.output = path;
	ck_assert_int_eq(convert(&o, "in.jsonl", LINE("a-1", 1, "hi", ""),
	    strlen(LINE("a-1", 1, "hi", "")), &err), SL_OK);
	snprintf(cmd, sizeof(cmd), "gzip -dc '%s' > '%s/plain'", path, tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/plain", tmpdir);
	got = slurp(path, NULL);
	ck_assert_str_eq(got, "hi\n");
	free(got);
}
END_TEST

/* ------------------------------------------------------------ -j N */

/* A worker's packing and the parent's applying, one record at a time
 * (the same conversion is both ends: packing only reads it). */
struct packing {
	struct sl_packer pk;
	struct sl_buf frame;
};

static int
put_packed(void *arg, const struct sl_record *r)
{
	struct packing *k = arg;
	int rc;

	sl_buf_reset(&k->frame);
	ck_assert_int_eq(k->pk.pack(k->pk.arg, &k->frame, r), SL_OK);
	k->pk.end(k->pk.arg, &k->frame);
	ck_assert_int_eq(k->pk.flush(k->pk.arg), 0);
	rc = k->pk.apply(k->pk.arg, k->frame.buf, k->frame.len);
	ck_assert_int_eq(rc, SL_OK);
	return rc;
}

/* Packed only: applied when the caller ends the frame. */
static int
pack_only(void *arg, const struct sl_record *r)
{
	struct packing *k = arg;

	return k->pk.pack(k->pk.arg, &k->frame, r);
}

static char *run_inputs(struct sl_convert_opts *o, const char *const *io,
    int packed);

/* As convert(), the records packed and applied on their way. */
static char *
to_string_packed(struct sl_convert_opts *o, const char *name,
    const char *in)
{
	const char *const io[] = { name, in, NULL };

	return run_inputs(o, io, 1);
}

/* Every target: what a worker packs gives the file the records give. */
START_TEST(packed_as_put)
{
	static const char records[] =
	    LINE("s-1", 1, "$ echo \\u6771\\u4eac wide", ",\"time\":"
	    "\"2024-05-01T09:00:00.000Z\"")
	    "{\"type\":\"note\",\"session\":\"s-1\",\"code\":\"truncated\","
	    "\"text\":\"cut\",\"src\":\"x\"}\n"
	    LINE("s-2", 1, "other", "")
	    LINE("s-1", 2, "last", "");
	/* One session, a line wider than a terminal's 80 columns (the
	 * width a worker measures sizes asciicast's terminal). */
	static const char wide[] =
	    LINE("s-3", 1, "$ printf '%s' \u6771\u4eac\u6771\u4eac "
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "456789012345678901234567890123456789", "");
	const struct sl_writer *w;
	struct sl_convert_opts o;
	char *want, *got;
	size_t i;

	for (i = 0; (w = sl_writer_at(i)) != NULL; i++) {
		defaults(&o, sl_writer_name(w));
		want = to_string(&o, "alice-0a1b2c3d4e5f67890.log", ts_log,
		    NULL);
		got = to_string_packed(&o, "alice-0a1b2c3d4e5f67890.log",
		    ts_log);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
		want = to_string(&o, "w.jsonl", wide, NULL);
		got = to_string_packed(&o, "w.jsonl", wide);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
		if (strcmp(sl_writer_name(w), "typescript") == 0 ||
		    strcmp(sl_writer_name(w), "asciicast") == 0)
			continue;	/* one session a file */
		want = to_string(&o, "r.jsonl", records, NULL);
		got = to_string_packed(&o, "r.jsonl", records);
		ck_assert_str_eq(got, want);
		free(want);
		free(got);
	}
}
END_TEST

/*
 * Several inputs through one conversion, each record put (packed 0),
 * packed and applied alone (1), or each input packed as a worker packs
 * a job that stands alone (2): its records, then the frame's end, then
 * applied.  Inputs are names and contents, NULL-terminated.
 */
static char *
run_inputs(struct sl_convert_opts *o, const char *const *io, int packed)
{
	struct packing k;
	struct sl_convert *c;
	struct sl_error err;
	struct sl_sink sink;
	struct sl_run *run;
	char path[128];

	snprintf(path, sizeof(path), "%s/out", tmpdir);
	unlink(path);
	o->output = path;
	c = sl_convert_new(o, &err);
	ck_assert_ptr_nonnull(c);
	memset(&k, 0, sizeof(k));
	sl_convert_packer(c, &k.pk);
	sl_convert_sink(c, &sink);
	if (packed) {
		sink.put = packed == 1 ? put_packed : pack_only;
		sink.arg = &k;
	}
	run = sl_run_new(NULL, &sink, ignore_err, NULL);
	for (; io[0] != NULL; io += 2) {
		sl_buf_reset(&k.frame);
		sl_run_mem(run, io[0], io[1], strlen(io[1]));
		if (packed == 2) {
			k.pk.end(k.pk.arg, &k.frame);
			ck_assert_int_eq(k.pk.flush(k.pk.arg), 0);
			ck_assert_int_eq(k.pk.apply(k.pk.arg, k.frame.buf,
			    k.frame.len), SL_OK);
		}
	}
	sl_run_free(run);
	ck_assert_msg(sl_convert_finish(c, &err) == SL_OK, "%s", err.msg);
	/* A broken entry stops the run. */
	if (packed)
		ck_assert_int_eq(k.pk.apply(k.pk.arg, "xx", 2), SL_STOP);
	sl_convert_free(c);
	sl_buf_free(&k.frame);
	return slurp(path, NULL);
}

/*
 * A worker that sees a whole session in a job sends what the writer
 * makes of it (SL_W_PIECE), which is the output only if nothing else
 * comes for the session: here the same session comes again in another
 * input, records of it come alone before and after a piece, and a job
 * holds several sessions.  Every target, every order, as -j 1.
 */
START_TEST(pieces_as_put)
{
	static const char mixed[] =
	    LINE("alice-0a1b2c3d4e5f67890", 1, "alone before", "")
	    LINE("s-2", 1, "other", "")
	    LINE("s-3", 1, "three", ",\"time\":\"2024-05-01T09:00:00.000Z\"");
	static const char three[] =
	    LINE("s-3", 2, "$ three again", "");
	/* One session's lines from two sources in one job: one transcript
	 * is kept of a piece that is all the session has. */
	static const char two_src[] =
	    LINE("s-3", 3, "from x", "")
	    "{\"type\":\"line\",\"session\":\"s-3\",\"n\":4,"
	    "\"text\":\"from y\",\"src\":\"y\"}\n"
	    "{\"type\":\"line\",\"session\":\"s-3\",\"n\":5,"
	    "\"text\":\"y again\",\"src\":\"y\"}\n";
	static const char *const cases[][9] = {
		{ "alice-0a1b2c3d4e5f67890.log", ts_log, NULL },
		{ "alice-0a1b2c3d4e5f67890.log", ts_log,
		  "alice-0a1b2c3d4e5f67890.log", ts_log, NULL },
		{ "m.jsonl", mixed, "alice-0a1b2c3d4e5f67890.log", ts_log,
		  "t.jsonl", three, NULL },
		{ "t.jsonl", three, "alice-0a1b2c3d4e5f67890.log", ts_log,
		  "m.jsonl", mixed, "u.jsonl", three, NULL },
		{ "two.jsonl", two_src, NULL },
		{ "t.jsonl", three, "two.jsonl", two_src, "u.jsonl", three,
		  NULL },
	};
	const struct sl_writer *w;
	struct sl_convert_opts o;
	char *want, *got;
	size_t i, k;

	for (i = 0; (w = sl_writer_at(i)) != NULL; i++) {
		if (strcmp(sl_writer_name(w), "typescript") == 0 ||
		    strcmp(sl_writer_name(w), "asciicast") == 0)
			continue;	/* one session a file */
		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			defaults(&o, sl_writer_name(w));
			o.bare = k == 1 && strcmp(w->name, "text") == 0;
			want = run_inputs(&o, cases[k], 0);
			got = run_inputs(&o, cases[k], 2);
			ck_assert_msg(strcmp(got, want) == 0, "-t %s, case %zu:"
			    "\n%s\nwant\n%s", w->name, k, got, want);
			free(want);
			free(got);
		}
	}
}
END_TEST

/*
 * A worker converting to text sends what put() made of the records
 * (a body piece, marked -3: lib/convert/convert.c's BODY_MARK), not the
 * records: the frame holds the session's facts and counts, its bytes
 * are in the workers' files.  The result is -j 1's.
 */
START_TEST(text_worker_sends_bodies)
{
	struct sl_convert_opts o;
	struct sl_convert *c;
	struct sl_error err;
	struct sl_sink sink;
	struct sl_run *run;
	struct packing k;
	char path[128], *want, *got;
	int64_t mark;

	defaults(&o, "text");
	want = to_string(&o, "alice-0a1b2c3d4e5f67890.log", ts_log, NULL);
	snprintf(path, sizeof(path), "%s/out", tmpdir);
	unlink(path);
	o.output = path;
	c = sl_convert_new(&o, &err);
	ck_assert_ptr_nonnull(c);
	memset(&k, 0, sizeof(k));
	sl_convert_packer(c, &k.pk);
	sl_convert_sink(c, &sink);
	sink.put = pack_only;
	sink.arg = &k;
	run = sl_run_new(NULL, &sink, ignore_err, NULL);
	sl_run_mem(run, "alice-0a1b2c3d4e5f67890.log", ts_log, strlen(ts_log));
	k.pk.end(k.pk.arg, &k.frame);
	ck_assert_int_eq(k.pk.flush(k.pk.arg), 0);
	ck_assert_uint_ge(k.frame.len, sizeof(mark));
	memcpy(&mark, k.frame.buf, sizeof(mark));
	ck_assert_int_eq(mark, -3);
	ck_assert_ptr_null(memmem(k.frame.buf, k.frame.len, "uid=1001", 8));
	ck_assert_int_eq(k.pk.apply(k.pk.arg, k.frame.buf, k.frame.len),
	    SL_OK);
	sl_run_free(run);
	ck_assert_msg(sl_convert_finish(c, &err) == SL_OK, "%s", err.msg);
	sl_convert_free(c);
	sl_buf_free(&k.frame);
	got = slurp(path, NULL);
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
}
END_TEST

static Suite *
writers_suite(void)
{
	Suite *s = suite_create("convert-writers");
	TCase *tc = tcase_create("writers");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, text_header_lines_footer);
	tcase_add_test(tc, text_notes_and_controls);
	tcase_add_test(tc, csv_rows_and_formulas);
	tcase_add_test(tc, csv_commands);
	tcase_add_test(tc, cwstream_shape);
	tcase_add_test(tc, cwstream_batches_by_size);
	tcase_add_test(tc, typescript_shape);
	tcase_add_test(tc, typescript_truncated);
	tcase_add_test(tc, typescript_refuses_two_sessions);
	tcase_add_test(tc, asciicast_from_lines);
	tcase_add_test(tc, asciicast_raw_bytes);
	tcase_add_test(tc, html_escapes_and_links);
	tcase_add_test(tc, html_colours);
	tcase_add_test(tc, split_safe_names);
	tcase_add_test(tc, existing_file_refused);
	tcase_add_test(tc, bad_options_refused);
	tcase_add_test(tc, gzip_output);
	tcase_add_test(tc, packed_as_put);
	tcase_add_test(tc, pieces_as_put);
	tcase_add_test(tc, text_worker_sends_bodies);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(writers_suite)
