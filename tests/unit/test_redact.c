/*
 * test_redact.c: the redaction engine as a whole (lib/redact*.c): the
 * rules-file format and its errors, raw text kept byte for byte, the
 * rendered-only fallback, context rules across lines, records and JSON
 * events, JSON escapes, records mode, stats, and that the prefilter
 * never changes a result.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "check_main.h"
#include "mapped.h"
#include "redact/redact.h"

#define R(k)	"[REDACTED:" k "]"

static char errs[4096];

static void
errfn(void *arg, const char *where, const char *msg)
{
	size_t n = strlen(errs);

	(void)arg;
	snprintf(errs + n, sizeof(errs) - n, "%s: %s\n", where, msg);
}

static struct sl_out *
io_open(void *arg, const char *name)
{
	(void)name;
	return arg;
}

static int
io_done(void *arg, struct sl_out *o, const char *name)
{
	(void)arg;
	(void)o;
	(void)name;
	return SL_OK;
}

/* Output captured in a temporary file, for a redaction's io. */
struct capture {
	FILE *f;
	struct sl_out *o;
	struct sl_redact_io io;
};

static void
capture_start(struct capture *c)
{
	c->f = tmpfile();
	ck_assert_ptr_nonnull(c->f);
	c->o = sl_out_fd(dup(fileno(c->f)), "mem", 0);
	c->io.open = io_open;
	c->io.done = io_done;
	c->io.arg = c->o;
	errs[0] = '\0';
}

/* What was written, NUL-terminated; its size in *len. */
static char *
capture_take(struct capture *c, size_t *len)
{
	char *buf;
	long sz;

	ck_assert_int_eq(sl_out_close(c->o, NULL), SL_OK);
	fseek(c->f, 0, SEEK_END);
	sz = ftell(c->f);
	rewind(c->f);
	buf = malloc((size_t)sz + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)sz, c->f), (size_t)sz);
	buf[sz] = '\0';
	fclose(c->f);
	*len = (size_t)sz;
	return buf;
}

/* Redact in[0, n) as one input; the output, NUL-terminated, in *len. */
static char *
run_as(struct sl_redact *rx, const char *in, size_t n, const char *fmt,
    size_t *len, int *rc)
{
	struct capture c;

	capture_start(&c);
	*rc = sl_redact_mem(rx, "t.log", in, n, fmt, &c.io, errfn, NULL);
	return capture_take(&c, len);
}

static struct sl_redact *
engine(unsigned flags, const char *rules)
{
	struct sl_redact *rx = sl_redact_new(flags);
	struct sl_error err;

	if (rules != NULL)
		ck_assert_msg(sl_redact_add_rules(rx, "rules.txt", rules,
		    strlen(rules), &err) == SL_OK, "%s", err.msg);
	ck_assert_msg(sl_redact_ready(rx, &err) == SL_OK, "%s", err.msg);
	return rx;
}

/* Raw text through the default rules must come out as want. */
static void
expect_raw(const char *in, const char *want)
{
	struct sl_redact *rx = engine(0, NULL);
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert_msg(strcmp(got, want) == 0, "\n got:  [%s]\n want: [%s]",
	    got, want);
	ck_assert_int_eq(rc, SL_OK);
	free(got);
	sl_redact_free(rx);
}

/* ------------------------------------------------------------ rules */

static void
expect_rules_error(const char *rules, const char *want)
{
	struct sl_redact *rx = sl_redact_new(0);
	struct sl_error err;
	int rc;

	rc = sl_redact_add_rules(rx, "rules.txt", rules, strlen(rules), &err);
	if (rc == SL_OK)
		rc = sl_redact_ready(rx, &err);
	ck_assert_int_eq(rc, SL_FATAL);
	ck_assert_str_eq(err.msg, want);
	sl_redact_free(rx);
}

START_TEST(rules_bad_pattern)
{
	expect_rules_error(
	    "# our rules\n"
	    "\n"
	    "rule ok\n"
	    "\tpattern abc\n"
	    "\tkeywords abc\n"
	    "rule x\n"
	    "\tpattern a(b\n",
	    "rules.txt:7: rule \"x\": bad pattern at offset 3: missing "
	    "closing parenthesis");
	expect_rules_error("rule y\n\tpattern ok\n\tallow [z\n",
	    "rules.txt:3: rule \"y\": allow: bad pattern at offset 2: missing "
	    "terminating ] for character class");
	expect_rules_error("allow (\n",
	    "rules.txt:1: allow: bad pattern at offset 1: missing closing "
	    "parenthesis");
}
END_TEST

START_TEST(rules_other_errors)
{
	expect_rules_error("rule a\n\tpatern x\n",
	    "rules.txt:2: rule \"a\": unknown field \"patern\"");
	expect_rules_error("\tpattern x\n",
	    "rules.txt:1: \"pattern\" outside a rule");
	expect_rules_error("rule a\npattern x\n",
	    "rules.txt:2: \"pattern\" must be indented under a rule");
	expect_rules_error("rule a\n\tkeywords a\n",
	    "rules.txt:1: rule \"a\" has no pattern");
	expect_rules_error("rule a\n\tpattern x\nrule a\n\tpattern y\n",
	    "rules.txt:3: duplicate rule \"a\"");
	expect_rules_error("rule a\n\tpattern (x)\n\tgroup 2\n",
	    "rules.txt:1: rule \"a\": group 2 but the pattern has 1");
	expect_rules_error("rule a\n\tpattern x\n\tgroup two\n",
	    "rules.txt:3: rule \"a\": bad group \"two\"");
	expect_rules_error("rule a b\n", "rules.txt:1: bad rule id \"a b\"");
	expect_rules_error("rule a\n\tpattern x\n\tkind a]b\n",
	    "rules.txt:3: rule \"a\": bad kind \"a]b\"");
	expect_rules_error("frobnicate x\n",
	    "rules.txt:1: unknown directive \"frobnicate\"");
	expect_rules_error("disable jwtt\n",
	    "rules.txt:1: disable \"jwtt\": no such rule or kind");
	expect_rules_error("rule a\n\tpattern x\n\tcontext private-key\n",
	    "rules.txt:3: rule \"a\": a context in a rule with a pattern");
	expect_rules_error("rule a\n\tcontext private-key\n\tpattern x\n",
	    "rules.txt:3: rule \"a\": a pattern in a context rule");
	expect_rules_error("rule a\n\tcontext ssh\n",
	    "rules.txt:2: rule \"a\": unknown context \"ssh\" (private-key "
	    "or typed-password)");
	expect_rules_error("rule a\n\tcontext private-key\n"
	    "\tcontext typed-password\n",
	    "rules.txt:3: rule \"a\": a second context");
	expect_rules_error("rule a\n\tcontext private-key\n\tcheck base64\n",
	    "rules.txt:1: rule \"a\": a context rule takes only kind, "
	    "keywords and allow");
	expect_rules_error("rule a\n\tcontext typed-password\n"
	    "\tkeywords pass\n",
	    "rules.txt:1: rule \"a\": the same context as rule "
	    "\"typed-password\" (defaults:756): disable one");
	expect_rules_error("rule a\n\tpattern x\n\tcheck luhn\n",
	    "rules.txt:3: rule \"a\": unknown check \"luhn\"");
	expect_rules_error("rule a\n\tpattern x\n\twithin 3\n",
	    "rules.txt:1: rule \"a\": within or until without after");
	expect_rules_error("rule a\n\tpattern x\n\tafter y\n\twithin 101\n",
	    "rules.txt:4: rule \"a\": bad within \"101\" (1 to 100 lines)");
	expect_rules_error("rule a\n\tpattern x\n\tafter (\n",
	    "rules.txt:3: rule \"a\": after: bad pattern at offset 1: missing "
	    "closing parenthesis");
	expect_rules_error("rule a\n\tpattern x\n\tafter y\n\tcommand z\n",
	    "rules.txt:1: rule \"a\": both after and command");
	expect_rules_error("rule a\n\tpattern x\n\tcommand y\n\tcommand z\n",
	    "rules.txt:4: rule \"a\": a second command");
	expect_rules_error("rule a\n\tpattern x\n\tcommand (\n",
	    "rules.txt:3: rule \"a\": command: bad pattern at offset 1: "
	    "missing closing parenthesis");
}
END_TEST

/* A site rule that looks at the lines after a context line. */
START_TEST(rules_after_window)
{
	struct sl_redact *rx = engine(0,
	    "rule vendor-pin\n"
	    "\tpattern ^\\s+pin:\\s+(\\d{4,8})$\n"
	    "\tgroup 1\n"
	    "\tafter ^vendor:\n"
	    "\tuntil ^\\S\n"
	    "\twithin 5\n"
	    "\tkeywords vendor\n");
	size_t len;
	int rc;
	char *got;
	const char *in = "vendor:\n  pin: 482913\nother:\n  pin: 1234\n";

	got = run_as(rx, in, strlen(in), NULL, &len, &rc);
	ck_assert_str_eq(got, "vendor:\n  pin: " R("vendor-pin")
	    "\nother:\n  pin: 1234\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

START_TEST(rules_user_rule)
{
	struct sl_redact *rx = engine(0,
	    "# an internal token\n"
	    "rule acme-token\n"
	    "\tpattern  \\b(acme_[a-z0-9]{8})\\b\n"
	    "\tgroup    1\n"
	    "\tkeywords ACME_\n"
	    "\tallow    ^acme_0{8}$\n");
	const char *in = "t acme_1a2b3c4d and acme_00000000\n";
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert_str_eq(got, "t " R("acme-token") " and acme_00000000\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

START_TEST(rules_override_disable_allow)
{
	struct sl_redact *rx = engine(0,
	    "rule jwt\n"
	    "\tpattern \\bJWT:(\\S+)\n"
	    "\tgroup 1\n"
	    "\tkeywords jwt:\n"
	    "disable cli-password\n"
	    "allow ^AKIAUJZDEGXDNCF32EPF$\n");
	const char *in =
	    "JWT:abc eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.\n"
	    "mysql -u root -pS3cret db\n"
	    "AKIAUJZDEGXDNCF32EPF ASIA3DHODZDOCIS2JHTL\n";
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert_str_eq(got,
	    "JWT:" R("jwt") " eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.\n"
	    "mysql -u root -pS3cret db\n"
	    "AKIAUJZDEGXDNCF32EPF " R("aws-access-key-id") "\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

START_TEST(rules_no_default)
{
	struct sl_redact *rx = engine(SL_REDACT_NO_DEFAULT,
	    "disable jwt\n"
	    "rule pin\n"
	    "\tpattern PIN=(\\d{4})\n"
	    "\tgroup 1\n"
	    "\tkeywords pin=\n");
	const char *in = "PIN=1234 AKIAUJZDEGXDNCF32EPF password=x\n";
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert_str_eq(got, "PIN=" R("pin")
	    " AKIAUJZDEGXDNCF32EPF password=x\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

/* A rule without keywords sees every line: the prefilter is off. */
START_TEST(rules_without_keywords)
{
	struct sl_redact *rx = engine(0,
	    "rule serial\n\tpattern \\bSN-\\d{6}\\b\n");
	const char *in = "box SN-123456\nplain line\n";
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert(!rx->prefilter);
	ck_assert_str_eq(got, "box " R("serial") "\nplain line\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

/* ----------------------------------------------------------- raw text */

START_TEST(raw_bytes_kept)
{
	/* Line endings, bytes around, invalid UTF-8, no final LF. */
	expect_raw("a\r\nkey AKIAUJZDEGXDNCF32EPF\r\r\n\xff\xfe"
	    "AKIAUJZDEGXDNCF32EPF\xc3(\nlast 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",
	    "a\r\nkey " R("aws-access-key-id") "\r\r\n\xff\xfe"
	    R("aws-access-key-id") "\xc3(\nlast " R("github-token"));
	/* Escape sequences around a secret stay. */
	expect_raw("\033[?2004hsh-5.2$ \r\033[Ksh-5.2$ \033[1mexport "
	    "X=AKIAUJZDEGXDNCF32EPF\033[0m\r\r\n",
	    "\033[?2004hsh-5.2$ \r\033[Ksh-5.2$ \033[1mexport "
	    "X=" R("aws-access-key-id") "\033[0m\r\r\n");
	expect_raw("", "");
	expect_raw("\n\n\r\n", "\n\n\r\n");
}
END_TEST

START_TEST(raw_rendered_only)
{
	/* Cut by an escape sequence: the line becomes its rendered text. */
	expect_raw("x AK\033[0mIAUJZDEGXDNCF32EPF y\r\r\n",
	    "x " R("aws-access-key-id") " y\r\r\n");
	/* Edited with a backspace. */
	expect_raw("sh$ mysql -pHunter3\b2 db\r\n",
	    "sh$ mysql -p" R("cli-password") " db\r\n");
	/* Typed, then erased from the screen: the raw bytes still go. */
	expect_raw("sh$ mysql -pS3cret\r\033[Ksh$ ls\r\n",
	    "sh$ mysql -p" R("cli-password") "\r\033[Ksh$ ls\r\n");
}
END_TEST

/* bash-debian's prompt with its title, as tests/truth's sessions log it. */
#define DEB_PROMPT	"\033]0;nobody@vm: ~/work\a\033[01;32mnobody@vm\033[00m:" \
	"\033[01;34m~/work\033[00m$ "
#define DEB_LINE	"\033[?2004l\r\033[?2004h" DEB_PROMPT

/* n times the sequence s, after p, into buf. */
static char *
repeat_after(char *buf, size_t size, const char *p, const char *s, int n)
{
	snprintf(buf, size, "%s", p);
	while (n-- > 0)
		strncat(buf, s, size - strlen(buf) - 1);
	return buf;
}

/*
 * A log's lines are rendered at the width an earlier line showed: a
 * Backspace right after readline's wrap is a CR, and tells the width to
 * nobody who does not know it (tests/truth/secrets.py --shell bash-debian
 * --cols 48, typo_bs then bearer_bs, the session's bytes).
 */
START_TEST(raw_width_carried_over)
{
	expect_raw("\033[?2004h" DEB_PROMPT ": export AWS_ACCESS_KEY_ID=AKI "
	    "\rAZ4QW7RNX\b\033[KEXT2PLM5Q\r\r\n"
	    DEB_LINE ": curl -H 'Authorization: Bear \rQ\r\033[Ker "
	    "c2VjcmV0LWJlYXJlci10b2tlbi0xMjM0' x\r\r\n",
	    "nobody@vm:~/work$ : export AWS_ACCESS_KEY_ID="
	    R("aws-access-key-id") "\r\r\n"
	    DEB_LINE ": curl -H 'Authorization: Bear \rQ\r\033[Ker "
	    R("cli-password") "' x\r\r\n");
}
END_TEST

/*
 * The terminal resized: a line showing a width of its own other than the
 * carried one is read at its own, and hands it on (the same session at
 * 60 columns, then at 48: a pasted token that readline draws again after
 * a climb, right only at 48).
 */
START_TEST(raw_width_own_wins)
{
	expect_raw("\033[?2004h" DEB_PROMPT ": export AWS_ACCESS_KEY_ID="
	    "AKIAZ4QW7RNX\b\033[KEXT2 \rPLM5Q\r\r\n"
	    "\033[?2004h" DEB_PROMPT ": export AWS_ACCESS_KEY_ID=AKI "
	    "\rAZ4QW7RNX\b\033[KEXT2PLM5Q\r\r\n"
	    DEB_LINE ": export GITHUB_TOKEN=\033[7mghp_Zq8x\033[27m\033[7mV"
	    "\033[27m\033[7m3mT7kP2wR9yL4nB6cJ1hF5dG03uw6mU\033[27m\033[A"
	    "\033[C\033[C\033[C\033[C\033[C\033[C\033[C\033[C"
	    "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\r\r\n",
	    "nobody@vm:~/work$ : export AWS_ACCESS_KEY_ID="
	    R("aws-access-key-id") "\r\r\n"
	    "nobody@vm:~/work$ : export AWS_ACCESS_KEY_ID="
	    R("aws-access-key-id") "\r\r\n"
	    DEB_LINE ": export GITHUB_TOKEN=" R("github-token") "\r\r\n");
}
END_TEST

/*
 * Readline accepts a Ctrl-R search whose line was longer than the line
 * it found: the search's second row is left below, and the next log
 * line clears it (CR EL).  At the width known, the accepted line is the
 * screen's text without that row (the bytes of the same session at 60
 * columns, the search cut to its first key).
 */
START_TEST(raw_search_row_below_left)
{
	char in[4096], want[1024], tail[512], clear[512];

	repeat_after(tail, sizeof(tail), "\033[7mH\033[27munter2Secret99 orders"
	    "\033[A", "\033[C", 38);
	repeat_after(clear, sizeof(clear), "\r\033[K\033[A", "\033[C", 36);
	snprintf(in, sizeof(in), "%s%s%s%s%s%s\r\r\n",
	    "\033[?2004h" DEB_PROMPT ": export AWS_ACCESS_KEY_ID=AKIAZ4QW7RNX\b"
	    "\033[KEXT2 \rPLM5Q\r\r\n",
	    DEB_LINE "\r(reverse-i-search)`': \033[K\b\b\bH': : mysql -u root "
	    "-p", tail, "\r\033[2P" DEB_PROMPT ": mysql -u root "
	    "-pHunter2Secret99 orders\r\r\n", clear, "");
	snprintf(want, sizeof(want), "%s%s\r\r\n", "nobody@vm:~/work$ : "
	    "export AWS_ACCESS_KEY_ID=" R("aws-access-key-id") "\r\r\n"
	    "nobody@vm:~/work$ : mysql -u root -p" R("cli-password")
	    " orders\r\r\n", clear);
	expect_raw(in, want);
}
END_TEST

START_TEST(raw_long_line)
{
	size_t n = 3 * RX_PIECE + 100, i, len;
	char *in = malloc(n + 1), *got;
	struct sl_redact *rx = engine(0, NULL);
	int rc;

	for (i = 0; i < n; i++)
		in[i] = (i % 50 == 49) ? ' ' : 'x';
	memcpy(in + RX_PIECE + 1000, " AKIAUJZDEGXDNCF32EPF ", 22);
	in[n - 1] = '\n';
	in[n] = '\0';
	got = run_as(rx, in, n, NULL, &len, &rc);
	ck_assert_uint_eq(len, n - 20 + strlen(R("aws-access-key-id")));
	ck_assert_ptr_null(strstr(got, "AKIAUJZDEGXDNCF32EPF"));
	ck_assert_ptr_nonnull(strstr(got, R("aws-access-key-id")));
	free(in);
	free(got);
	sl_redact_free(rx);
}
END_TEST

/*
 * Where a line longer than RX_PIECE is cut: after a space or tab near the
 * limit, never at another control (an escape, NUL, BS or CR inside a
 * token: the screen shows it whole); with no blank near, after the last
 * punctuation, else at the limit, and either is a cut inside a word.
 */
START_TEST(long_line_cut)
{
	size_t n = RX_PIECE + 100, cn, en, next;
	char *p = malloc(n);
	struct sl_redact *rx = engine(0, NULL);

	memset(p, 'x', n);
	p[RX_PIECE - 3000] = ' ';
	memcpy(p + RX_PIECE - 10, "AKIA\033[1mZ4\0\bQ\r", 14);
	rx_next_line(rx, p, n, &cn, &en, &next);
	ck_assert_int_eq(sl_redact_unchecked(rx), 0);
	ck_assert_uint_eq(cn, RX_PIECE - 2999);
	ck_assert_uint_eq(en, 0);
	ck_assert_uint_eq(next, cn);
	p[RX_PIECE - 3000] = '-';
	rx_next_line(rx, p, n, &cn, &en, &next);
	ck_assert_int_eq(sl_redact_unchecked(rx), 1);
	ck_assert_uint_eq(cn, RX_PIECE - 2999);	/* not inside "ESC [1m" */
	memset(p, 'x', n);
	rx_next_line(rx, p, n, &cn, &en, &next);
	ck_assert_int_eq(sl_redact_unchecked(rx), 2);
	ck_assert_uint_eq(cn, RX_PIECE);
	rx_next_line(NULL, p, n, &cn, &en, &next);	/* not counted */
	ck_assert_uint_eq(cn, RX_PIECE);
	free(p);
	sl_redact_free(rx);
}
END_TEST

/*
 * A line's content and ending, as both the engine and the scan ahead of
 * it split them: every CR before the LF is ending (a CR inside the line
 * is content), and so are a last line's trailing CRs.
 */
START_TEST(line_content_without_its_crs)
{
	const char *p = "ab\rc\r\r\n\r\nlast\r\r";
	size_t n = strlen(p), next, cn, en;

	ck_assert_uint_eq(rx_trim_cr(p, 6), 4);
	ck_assert_uint_eq(rx_trim_cr(p, 4), 4);
	ck_assert_uint_eq(rx_trim_cr("\r\r", 2), 0);
	ck_assert_uint_eq(rx_trim_cr("", 0), 0);
	rx_next_line(NULL, p, n, &cn, &en, &next);
	ck_assert_uint_eq(cn, 4);
	ck_assert_uint_eq(en, 3);
	ck_assert_uint_eq(next, 7);
	rx_next_line(NULL, p + 7, n - 7, &cn, &en, &next);
	ck_assert_uint_eq(cn, 0);
	ck_assert_uint_eq(en, 2);
	rx_next_line(NULL, p + 9, n - 9, &cn, &en, &next);
	ck_assert_uint_eq(cn, 4);
	ck_assert_uint_eq(en, 2);
	ck_assert_uint_eq(next, 6);
}
END_TEST

/* The pieces cut inside a word (sl_redact_unchecked) when head, xs
 * bytes of one word and tail are redacted as one input of format fmt. */
static long long
unchecked(const char *fmt, const char *head, size_t xs, const char *tail)
{
	size_t hn = strlen(head), tn = strlen(tail), len;
	char *in = malloc(hn + xs + tn), *got;
	struct sl_redact *rx = engine(0, NULL);
	long long cuts;
	int rc;

	memcpy(in, head, hn);
	memset(in + hn, 'x', xs);
	memcpy(in + hn + xs, tail, tn);
	got = run_as(rx, in, hn + xs + tn, fmt, &len, &rc);
	ck_assert_uint_eq(len, hn + xs + tn);
	cuts = sl_redact_unchecked(rx);
	free(in);
	free(got);
	sl_redact_free(rx);
	return cuts;
}

/*
 * A line of 2.5 MiB with no blank goes to the engine in three pieces,
 * two cut inside a word, and they are counted once whatever reads
 * them: text lines, a JSON string (its pieces joined by the tokenizer,
 * then cut as its lines), or JSON that stops being JSON, whose pieces
 * read as JSON are not counted again as text (they were 4: the line's
 * and the string's), nor the pieces of a string the input ends in,
 * which goes to the engine whole (they were 2).
 */
START_TEST(cuts_inside_words_counted_once)
{
	size_t xs = 5 * RX_PIECE / 2;

	ck_assert_int_eq(unchecked(NULL, "sh$ echo ", xs, "\n"), 2);
	ck_assert_int_eq(unchecked("json", "{\"a\": \"", xs, "\"}\n"), 2);
	ck_assert_int_eq(unchecked("json", "{\"a\": \"", xs,
	    "\"} garbage\n"), 2);
	ck_assert_int_eq(unchecked("json", "{\"a\": \"", xs, ""), 0);
	/* Where it stops being JSON, a piece goes on as text: its cut. */
	ck_assert_int_eq(unchecked("json", "{\"a\": 1} zz", xs, "\n"), 2);
}
END_TEST

/* --------------------------------------------------- context: keys */

START_TEST(privkey_block)
{
	expect_raw("cat id_rsa\r\n-----BEGIN RSA PRIVATE KEY-----\r\n"
	    "Proc-Type: 4,ENCRYPTED\r\n"
	    "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM\r\n\r\nabc+/=\r\n"
	    "-----END RSA PRIVATE KEY-----\r\nsh$ ls\r\n",
	    "cat id_rsa\r\n-----BEGIN RSA PRIVATE KEY-----\r\n"
	    R("private-key") "\r\n" R("private-key") "\r\n\r\n"
	    R("private-key") "\r\n-----END RSA PRIVATE KEY-----\r\nsh$ ls\r\n");
	/* Cut short (head -3): the block ends at the first other line. */
	expect_raw("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n"
	    "sh$ echo done\n",
	    "-----BEGIN OPENSSH PRIVATE KEY-----\n" R("private-key") "\n"
	    "sh$ echo done\n");
	/* PuTTY: the private lines are counted. */
	expect_raw("PuTTY-User-Key-File-2: ssh-rsa\nPublic-Lines: 1\nAAAApub\n"
	    "Private-Lines: 2\nAAAApriv1\nAAAApriv2\nPrivate-MAC: 0a1b\n",
	    "PuTTY-User-Key-File-2: ssh-rsa\nPublic-Lines: 1\nAAAApub\n"
	    "Private-Lines: 2\n" R("private-key") "\n" R("private-key")
	    "\nPrivate-MAC: 0a1b\n");
	expect_raw("echo \"-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIIrY\\n"
	    "-----END EC PRIVATE KEY-----\"\n",
	    "echo \"-----BEGIN EC PRIVATE KEY-----" R("private-key")
	    "-----END EC PRIVATE KEY-----\"\n");
	/* Key text before the END line that the END line also holds. */
	expect_raw("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n"
	    "-----E-----END RSA PRIVATE KEY-----\n",
	    "-----BEGIN RSA PRIVATE KEY-----\n" R("private-key") "\n"
	    R("private-key") "-----END RSA PRIVATE KEY-----\n");
	/* Drawn over (CR): none of the first drawing may show instead. */
	expect_raw("-----BEGIN RSA PRIVATE KEY-----\n"
	    "MIIEowIBAAKCAQEAMIIEowIBAAKCAQEA\rMIIEowIBAAKCAQEAMIIEowIBAAKCAQEA"
	    "MIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
	    "-----BEGIN RSA PRIVATE KEY-----\n" R("private-key") "\n"
	    "-----END RSA PRIVATE KEY-----\n");
	/* A token alone on a line is in the block (as its marker would be). */
	expect_raw("-----BEGIN RSA PRIVATE KEY-----\n"
	    "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\nMIIEowIBAAKCAQEA\n"
	    "-----END RSA PRIVATE KEY-----\n",
	    "-----BEGIN RSA PRIVATE KEY-----\n" R("private-key") "\n"
	    R("private-key") "\n-----END RSA PRIVATE KEY-----\n");
}
END_TEST

/* Redacting a redacted key again finds nothing: no new secret, no hash. */
START_TEST(privkey_redacted_again)
{
	static const char in[] = "-----BEGIN RSA PRIVATE KEY-----\r\n"
	    R("private-key") "\r\n" R("private-key") " " R("private-key")
	    "\r\n-----END RSA PRIVATE KEY-----\r\n";
	struct sl_redact *rx = engine(0, NULL);
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert_str_eq(got, in);
	ck_assert_int_eq(sl_redact_total(rx), 0);
	free(got);
	sl_redact_free(rx);
}
END_TEST

/*
 * A secret with bad bytes on a line that comes out as the screen showed
 * it (the FF): found there as shown, U+FFFD for each bad byte.
 */
START_TEST(raw_secret_bad_byte)
{
	expect_raw("sh-5.2$ mysql -u ro\ft -phu\307\307DeFgHiJkLmNoP\r\n",
	    "sh-5.2$ mysql -u ro t -p" R("cli-password") "\r\n");
}
END_TEST

/* ------------------------------------------ context: typed passwords */

START_TEST(typed_password)
{
	/* The echo line before the error is held, then redacted too. */
	expect_raw("sh-5.2$ sudo su -\n[sudo] password for alice: \n"
	    "sudo: timed out reading password\nsh-5.2$ Hunt3r&2\n"
	    "sh: Hunt3r: command not found\nsh-5.2$ echo Hunt3r\nHunt3r\n",
	    "sh-5.2$ sudo su -\n[sudo] password for alice: \n"
	    "sudo: timed out reading password\nsh-5.2$ " R("typed-password")
	    "\nsh: " R("typed-password") ": command not found\nsh-5.2$ echo "
	    "Hunt3r\nHunt3r\n");
	/* bash, zsh, PowerShell. */
	expect_raw("Password:\n-bash: letmein99: command not found\n",
	    "Password:\n-bash: " R("typed-password") ": command not found\n");
	expect_raw("Enter passphrase for key '/home/a/.ssh/id_rsa':\n"
	    "zsh: command not found: s3same\n",
	    "Enter passphrase for key '/home/a/.ssh/id_rsa':\n"
	    "zsh: command not found: " R("typed-password") "\n");
	expect_raw("Password:\nAccess denied\nPS C:\\> Winter2024!\nWinter2024! : "
	    "The term 'Winter2024!' is not recognized as the name of a cmdlet, "
	    "function.\n",
	    "Password:\nAccess denied\nPS C:\\> " R("typed-password") "\n"
	    R("typed-password")
	    " : The term '" R("typed-password") "' is not recognized as the "
	    "name of a cmdlet, function.\n");
	/*
	 * After a prompt that worked, a typo is a typo; sudo's own "command
	 * not found" is not the shell's.
	 */
	expect_raw("$ sudo dnf install -y kubectl\n[sudo] password for a: \n"
	    "Installed: kubectl-1.31.0\n$ gti status\n"
	    "-bash: gti: command not found\n$ sudo gti\n"
	    "[sudo] password for a: \nsudo: gti: command not found\n",
	    "$ sudo dnf install -y kubectl\n[sudo] password for a: \n"
	    "Installed: kubectl-1.31.0\n$ gti status\n"
	    "-bash: gti: command not found\n$ sudo gti\n"
	    "[sudo] password for a: \nsudo: gti: command not found\n");
	/* A failed prompt, then the password typed at the shell. */
	expect_raw("$ su -\nPassword: \nsu: Authentication failure\n"
	    "$ kubectl-1.31\n-bash: kubectl-1.31: command not found\n"
	    "Installed: kubectl-1.31\n",
	    "$ su -\nPassword: \nsu: Authentication failure\n"
	    "$ " R("typed-password") "\n-bash: " R("typed-password")
	    ": command not found\nInstalled: kubectl-1.31\n");
	/*
	 * Shown again as a command line (a prompt, a `history` listing) and
	 * the shell's complaint when it runs again: redacted; the same word
	 * anywhere else stays.
	 */
	expect_raw("$ sudo -i\n[sudo] password for a: \n"
	    "sudo: timed out reading password\n$ Hunt3r&2\n"
	    "sh: Hunt3r: command not found\n$ history\n    2  Hunt3r&2\n"
	    "$ Hunt3r&2\nsh: Hunt3r: command not found\n$ grep Hunt3r n\n"
	    "Hunt3r\n",
	    "$ sudo -i\n[sudo] password for a: \n"
	    "sudo: timed out reading password\n$ " R("typed-password") "\n"
	    "sh: " R("typed-password") ": command not found\n$ history\n"
	    "    2  " R("typed-password") "\n$ " R("typed-password") "\n"
	    "sh: " R("typed-password") ": command not found\n$ grep Hunt3r n\n"
	    "Hunt3r\n");
	/* Too far from the prompt, or no prompt: a typo, not a password. */
	expect_raw("Password:\na\nb\nc\nd\ne\n-bash: sl: command not found\n",
	    "Password:\na\nb\nc\nd\ne\n-bash: sl: command not found\n");
	expect_raw("sh$ sl\n-bash: sl: command not found\n",
	    "sh$ sl\n-bash: sl: command not found\n");
}
END_TEST

/* ------------------------------------- issue 14: bytes the screen hides */

START_TEST(raw_control_strings)
{
	/* A title, an OSC 8 link, DCS: not on the screen, still in the log. */
	expect_raw("\033]0;mysql -pHunter2xyz\007sh$ ls\r\n",
	    "\033]0;mysql -p" R("cli-password") "\007sh$ ls\r\n");
	expect_raw("\033]8;;https://u:Pw0rd-77@h.example.com/\033\\x\033]8;;"
	    "\033\\\n", "\033]8;;https://u:" R("url-credentials")
	    "@h.example.com/\033\\x\033]8;;\033\\\n");
	expect_raw("\033Pq AKIAUJZDEGXDNCF32EPF\033\\ ok\n",
	    "\033Pq " R("aws-access-key-id") "\033\\ ok\n");
	/* Not terminated: to the end of the line. */
	expect_raw("\033_AKIAUJZDEGXDNCF32EPF\n",
	    "\033_" R("aws-access-key-id") "\n");
	/* Harmless titles stay. */
	expect_raw("\033]0;ec2-user@web-1:~\007$ ls\n",
	    "\033]0;ec2-user@web-1:~\007$ ls\n");
}
END_TEST

START_TEST(raw_swallowed_letter)
{
	/* ESC[1 E: the CSI ate the E of the key; the raw span goes. */
	expect_raw("k=AKIAUJZD\033[1EGXDNCF32EPF y\n",
	    "k=" R("aws-access-key-id") " y\n");
	/* Erased from the screen: raw_rendered_only. */
}
END_TEST

START_TEST(raw_escape_split)
{
	/*
	 * A key cut in two by a sequence: SGR, OSC 7-bit (BEL, ST), OSC and
	 * DCS 8-bit (ST 0x9c, BEL), an 8-bit CSI, and a letter typed over
	 * with BS.  What the key protects goes, the sequences stay.
	 */
	expect_raw("pass\033[0mword=Hunter2abc\n",
	    "pass\033[0mword=" R("cli-password") "\n");
	expect_raw("pass\033]0;t\007word=Hunter2abc\n",
	    "pass\033]0;t\007word=" R("cli-password") "\n");
	expect_raw("pass\033]0;t\033\\word=Hunter2abc\n",
	    "pass\033]0;t\033\\word=" R("cli-password") "\n");
	expect_raw("pass\2350;t\234word=Hunter2abc\n",
	    "pass\2350;t\234word=" R("cli-password") "\n");
	expect_raw("pass\2350;t\007word=Hunter2abc\n",
	    "pass\2350;t\007word=" R("cli-password") "\n");
	expect_raw("pass\220q\234word=Hunter2abc\n",
	    "pass\220q\234word=" R("cli-password") "\n");
	expect_raw("pass\2331mword=Hunter2abc\n",
	    "pass\2331mword=" R("cli-password") "\n");
	expect_raw("passX\bword=Hunter2abc\n",
	    "passX\bword=" R("cli-password") "\n");
	/* A secret inside an 8-bit title. */
	expect_raw("x\2350;export GITHUB_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaa\234 rest\n", "x\2350;export GITHUB_TOKEN="
	    R("cli-password") " rest\n");
	/* 0x9d that continues a UTF-8 character is text, not OSC. */
	expect_raw("caf\303\251 \321\235password ok \342\235\235\n",
	    "caf\303\251 \321\235password ok \342\235\235\n");
	ck_assert_int_eq(rx_c1_at("a\235", 1), 1);
	ck_assert_int_eq(rx_c1_at("\321\235", 1), 0);
	ck_assert_int_eq(rx_c1_at("\342\235\235", 2), 0);
	ck_assert_int_eq(rx_c1_at("\342\235\235\235", 3), 1);
}
END_TEST

/* Output with no key: the command before it says it is the secret. */
START_TEST(command_output)
{
#define PR "[ec2-user@ip-10-0-0-1 ~]$ "
#define SM "aws secretsmanager get-secret-value --secret-id db " \
	"--query SecretString --output text"
	/* Up to the prompt shown again; JSON output goes whole. */
	expect_raw(PR SM "\r\n{\"user\":\"a\",\"password\":\"Quartz-88\"}"
	    "\r\nline two\r\n" PR "ls\r\nfile\r\n",
	    PR SM "\r\n" R("cloud-secret") "\r\n" R("cloud-secret") "\r\n"
	    PR "ls\r\nfile\r\n");
	/* A value with no newline runs into the prompt. */
	expect_raw(PR "vault kv get -field=password secret/app\nVault-22"
	    PR "echo ok\nok\n", PR "vault kv get -field=password secret/app\n"
	    R("cloud-secret") PR "echo ok\nok\n");
	expect_raw("$ terraform output db_pw\n\"Tf-S3cret\"\n$ \n",
	    "$ terraform output db_pw\n\"" R("cloud-secret") "\"\n$ \n");
	/* within: one line for a terraform value, whatever follows. */
	expect_raw("sh-5.2$ terraform output -raw x\nTf-1\nplain text\n",
	    "sh-5.2$ terraform output -raw x\n" R("cloud-secret")
	    "\nplain text\n");
	/* No decryption, no text output, an error, a script: nothing. */
	expect_raw(PR "aws ssm get-parameter --name r --query Parameter.Value "
	    "--output text\neu-west-1\n", PR "aws ssm get-parameter --name r "
	    "--query Parameter.Value --output text\neu-west-1\n");
	expect_raw(PR SM "\nAn error occurred (AccessDenied) when calling\n",
	    PR SM "\nAn error occurred (AccessDenied) when calling\n");
	expect_raw(SM "\necho fetched\n", SM "\necho fetched\n");
	expect_raw(PR "terraform output\ndb = <sensitive>\n",
	    PR "terraform output\ndb = <sensitive>\n");
#undef PR
#undef SM
}
END_TEST

START_TEST(after_windows)
{
	/* SecureString: "Type" one line, "Value" the next. */
	expect_raw("  \"Type\": \"SecureString\",\n  \"Value\": \"Harbor42\",\n",
	    "  \"Type\": \"SecureString\",\n  \"Value\": \"" R("cloud-secret")
	    "\",\n");
	expect_raw("  \"Type\": \"String\",\n  \"Value\": \"us-east-1\",\n",
	    "  \"Type\": \"String\",\n  \"Value\": \"us-east-1\",\n");
	/* Too far after it: the window is closed. */
	expect_raw("  \"Type\": \"SecureString\",\na\nb\nc\n  \"Value\": \"x1\"\n",
	    "  \"Type\": \"SecureString\",\na\nb\nc\n  \"Value\": \"x1\"\n");
	/* A Secret's data block ends at the next top-level key. */
	expect_raw("data:\n  password: SGFyYm9yNDI=\nkind: Secret\n  x: SGFyYm9yNDI=\n",
	    "data:\n  password: " R("cloud-secret") "\nkind: Secret\n"
	    "  x: SGFyYm9yNDI=\n");
}
END_TEST

START_TEST(here_document_key)
{
	expect_raw("$ cat > k.pem <<EOF\n> -----BEGIN PRIVATE KEY-----\n"
	    "> MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n> -----END PRIVATE KEY-----\n"
	    "> EOF\n",
	    "$ cat > k.pem <<EOF\n> -----BEGIN PRIVATE KEY-----\n"
	    "> " R("private-key") "\n> -----END PRIVATE KEY-----\n> EOF\n");
}
END_TEST

/* ------------------------------------------------------------ records */

static void
expect_records(struct sl_redact *rx, const char *in, const char *want)
{
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);
	const char *p;

	ck_assert_msg(strcmp(got, want) == 0, "\n got:\n%s\n want:\n%s", got,
	    want);
	/* Every line is JSON, and prompt + cmd == text. */
	for (p = got; *p != '\0'; p = strchr(p, '\n') + 1) {
		json_error_t je;
		json_t *o = json_loadb(p, (size_t)(strchr(p, '\n') - p), 0, &je);
		json_t *pr, *cm, *tx;

		ck_assert_ptr_nonnull(o);
		pr = json_object_get(o, "prompt");
		cm = json_object_get(o, "cmd");
		tx = json_object_get(o, "text");
		if (pr != NULL) {
			char both[4096];

			snprintf(both, sizeof(both), "%s%s",
			    json_string_value(pr), json_string_value(cm));
			ck_assert_str_eq(both, json_string_value(tx));
		}
		json_decref(o);
	}
	free(got);
}

START_TEST(records_mode)
{
	struct sl_redact *rx = engine(0, NULL);

	expect_records(rx,
	    "{\"type\":\"session\",\"session\":\"a-0123456789abcdef0\","
	    "\"reason\":\"rotate AKIAUJZDEGXDNCF32EPF\",\"ticket\":"
	    "\"token=abc123\",\"origin\":\"raw\",\"src\":\"a.log:1\"}\n"
	    "{\"type\":\"line\",\"session\":\"a-0123456789abcdef0\",\"n\":1,"
	    "\"text\":\"$ mysql -pS3cret db\",\"prompt\":\"$ \",\"cmd\":"
	    "\"mysql -pS3cret db\",\"src\":\"a.log:2\"}\n"
	    "{\"type\":\"line\",\"session\":\"a-0123456789abcdef0\",\"n\":2,"
	    "\"text\":\"x AKIAUJZDEGXDNCF32EPF\",\"redacted\":[\"jwt\"],"
	    "\"src\":\"a.log:3\"}\n"
	    "{\"type\":\"note\",\"session\":\"a-0123456789abcdef0\",\"code\":"
	    "\"rejected\",\"text\":\"bad line: password=hunter22\",\"src\":"
	    "\"a.log:4\"}\n",
	    "{\"type\":\"session\",\"session\":\"a-0123456789abcdef0\","
	    "\"reason\":\"rotate " R("aws-access-key-id") "\",\"ticket\":\"token="
	    R("cli-password") "\",\"origin\":\"raw\",\"redacted\":"
	    "[\"aws-access-key-id\",\"cli-password\"],\"src\":\"a.log:1\"}\n"
	    "{\"type\":\"line\",\"session\":\"a-0123456789abcdef0\",\"n\":1,"
	    "\"text\":\"$ mysql -p" R("cli-password") " db\",\"prompt\":\"$ \","
	    "\"cmd\":\"mysql -p" R("cli-password") " db\",\"redacted\":"
	    "[\"cli-password\"],\"src\":\"a.log:2\"}\n"
	    "{\"type\":\"line\",\"session\":\"a-0123456789abcdef0\",\"n\":2,"
	    "\"text\":\"x " R("aws-access-key-id") "\",\"redacted\":[\"jwt\","
	    "\"aws-access-key-id\"],\"src\":\"a.log:3\"}\n"
	    "{\"type\":\"note\",\"session\":\"a-0123456789abcdef0\",\"code\":"
	    "\"rejected\",\"text\":\"bad line: password=" R("cli-password")
	    "\",\"redacted\":[\"cli-password\"],\"src\":\"a.log:4\"}\n");
	/* A secret inside the prompt: the marker stays on its side. */
	expect_records(rx,
	    "{\"type\":\"line\",\"session\":null,\"n\":1,\"text\":"
	    "\"AKIAUJZDEGXDNCF32EPF> ls\",\"prompt\":\"AKIAUJZDEGXDNCF32EPF> \","
	    "\"cmd\":\"ls\",\"src\":\"-:1\"}\n",
	    "{\"type\":\"line\",\"session\":null,\"n\":1,\"text\":\""
	    R("aws-access-key-id") "> ls\",\"prompt\":\"" R("aws-access-key-id")
	    "> \",\"cmd\":\"ls\",\"redacted\":[\"aws-access-key-id\"],\"src\":"
	    "\"-:1\"}\n");
	sl_redact_free(rx);
}
END_TEST

/* .pgpass lines: common ports alone; any port where the file is named. */
START_TEST(pgpass_lines)
{
	expect_raw("db:5432:app:svc:Pg-1\n",
	    "db:5432:app:svc:" R("cli-password") "\n");
	expect_raw("db:15432:app:svc:Pg-1\n", "db:15432:app:svc:Pg-1\n");
	expect_raw("sh-5.2$ cat ~/.pgpass\n# prod\ndb:15432:app:svc:Pg-1\n"
	    "*:*:*:postgres:Pg\\:2\nsh-5.2$ date\nsrv:1234:db:u:word\n",
	    "sh-5.2$ cat ~/.pgpass\n# prod\ndb:15432:app:svc:" R("cli-password")
	    "\n*:*:*:postgres:" R("cli-password") "\nsh-5.2$ date\n"
	    "srv:1234:db:u:word\n");
	expect_raw("$ echo 'h:7000:db:u:Pg-3' >> ~/.pgpass\n",
	    "$ echo 'h:7000:db:u:" R("cli-password") "' >> ~/.pgpass\n");
}
END_TEST

/* The same in records: the text of the next line records. */
START_TEST(command_output_records)
{
	struct sl_redact *rx = engine(0, NULL);

	expect_records(rx,
	    "{\"type\":\"line\",\"session\":null,\"n\":1,\"text\":"
	    "\"$ kubectl get secret a -o jsonpath='{.data.pw}'\",\"prompt\":"
	    "\"$ \",\"cmd\":\"kubectl get secret a -o jsonpath='{.data.pw}'\","
	    "\"src\":\"-:1\"}\n"
	    "{\"type\":\"line\",\"session\":null,\"n\":2,\"text\":"
	    "\"cHctMTIzNDU2\",\"src\":\"-:2\"}\n",
	    "{\"type\":\"line\",\"session\":null,\"n\":1,\"text\":"
	    "\"$ kubectl get secret a -o jsonpath='{.data.pw}'\",\"prompt\":"
	    "\"$ \",\"cmd\":\"kubectl get secret a -o jsonpath='{.data.pw}'\","
	    "\"src\":\"-:1\"}\n"
	    "{\"type\":\"line\",\"session\":null,\"n\":2,\"text\":\""
	    R("cloud-secret") "\",\"redacted\":[\"cloud-secret\"],\"src\":"
	    "\"-:2\"}\n");
	sl_redact_free(rx);
}
END_TEST

/* Context follows each session, across records. */
START_TEST(records_context)
{
	struct sl_redact *rx = engine(0, NULL);

#define L(s, n, t) "{\"type\":\"line\",\"session\":\"" s "\",\"n\":" #n \
	",\"text\":\"" t "\",\"src\":\"x:" #n "\"}\n"
#define LR(s, n, t, k) "{\"type\":\"line\",\"session\":\"" s "\",\"n\":" #n \
	",\"text\":\"" t "\",\"redacted\":[\"" k "\"],\"src\":\"x:" #n "\"}\n"
	expect_records(rx,
	    L("a-1", 1, "-----BEGIN PRIVATE KEY-----")
	    L("b-2", 1, "[sudo] password for bob:")
	    L("b-2", 1, "Sorry, try again.")
	    L("a-1", 2, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")
	    L("b-2", 2, "$ opensesame1")
	    L("a-1", 3, "-----END PRIVATE KEY-----")
	    L("b-2", 3, "-bash: opensesame1: command not found")
	    L("a-1", 4, "$ echo opensesame1"),
	    L("a-1", 1, "-----BEGIN PRIVATE KEY-----")
	    L("b-2", 1, "[sudo] password for bob:")
	    L("b-2", 1, "Sorry, try again.")
	    LR("a-1", 2, R("private-key"), "private-key")
	    LR("b-2", 2, "$ " R("typed-password"), "typed-password")
	    L("a-1", 3, "-----END PRIVATE KEY-----")
	    LR("b-2", 3, "-bash: " R("typed-password") ": command not found",
	    "typed-password")
	    L("a-1", 4, "$ echo opensesame1"));
#undef L
#undef LR
	sl_redact_free(rx);
}
END_TEST

/*
 * Rows of one raw line (one "path:line" src) are matched joined, as raw
 * mode sees the line: a key cut by a cursor move, even one whose
 * sequence swallowed a letter (ESC[1 + E), goes from both rows; the
 * same pieces on two raw lines are two lines, as in raw mode.
 */
START_TEST(records_rows)
{
	struct sl_redact *rx = engine(0, NULL);

#define L(n, t, src) "{\"type\":\"line\",\"session\":\"s\",\"n\":" #n \
	",\"text\":\"" t "\",\"src\":\"x:" #src "\"}\n"
#define LR(n, t, src) "{\"type\":\"line\",\"session\":\"s\",\"n\":" \
	#n ",\"text\":\"" t "\",\"redacted\":[\"aws-access-key-id\"]," \
	"\"src\":\"x:" #src "\"}\n"
	expect_records(rx,
	    L(1, "export K=AKIAUJZD", 1) L(2, "GXDNCF32EPF", 1)
	    L(3, "export K=AKIAUJZD", 2) L(4, "GXDNCF32EPF", 3)
	    L(5, "id=AKIAUJZDEG", 4) L(6, "XDNCF32EPF and more", 4)
	    L(7, "plain", 4),
	    LR(1, "export K=" R("aws-access-key-id"), 1) LR(2, "", 1)
	    L(3, "export K=AKIAUJZD", 2) L(4, "GXDNCF32EPF", 3)
	    LR(5, "id=" R("aws-access-key-id"), 4) LR(6, " and more", 4)
	    L(7, "plain", 4));
	/* The prompt keeps its place: prompt + cmd == text. */
	expect_records(rx,
	    "{\"type\":\"line\",\"session\":\"s\",\"n\":1,\"text\":"
	    "\"$ echo AKIAUJZDEG\",\"prompt\":\"$ \",\"cmd\":"
	    "\"echo AKIAUJZDEG\",\"src\":\"x:9\"}\n"
	    L(2, "XDNCF32EPF", 9),
	    "{\"type\":\"line\",\"session\":\"s\",\"n\":1,\"text\":"
	    "\"$ echo " R("aws-access-key-id") "\",\"prompt\":\"$ \",\"cmd\":"
	    "\"echo " R("aws-access-key-id") "\",\"redacted\":"
	    "[\"aws-access-key-id\"],\"src\":\"x:9\"}\n"
	    LR(2, "", 9));
	/*
	 * A cursor moved down keeps its column: the next row is indented,
	 * and the blanks stay while the rest of the secret goes.
	 */
	expect_records(rx,
	    L(1, "token ghp_bYrEqmSM9w", 11)
	    L(2, "      CZ7Uw9xfogoEmvnEN5N12f4udd tail", 11)
	    L(3, "  ghp_bYrEqmSM9w", 12)
	    L(4, "      CZ7Uw9xfogoEmvnEN5N12f4udd", 12),
	    "{\"type\":\"line\",\"session\":\"s\",\"n\":1,\"text\":"
	    "\"token " R("github-token") "\",\"redacted\":[\"github-token\"],"
	    "\"src\":\"x:11\"}\n"
	    "{\"type\":\"line\",\"session\":\"s\",\"n\":2,\"text\":"
	    "\"       tail\",\"redacted\":[\"github-token\"],"
	    "\"src\":\"x:11\"}\n"
	    "{\"type\":\"line\",\"session\":\"s\",\"n\":3,\"text\":"
	    "\"  " R("github-token") "\",\"redacted\":[\"github-token\"],"
	    "\"src\":\"x:12\"}\n"
	    "{\"type\":\"line\",\"session\":\"s\",\"n\":4,\"text\":"
	    "\"\",\"redacted\":[\"github-token\"],\"src\":\"x:12\"}\n");
#undef L
#undef LR
	sl_redact_free(rx);
}
END_TEST

/*
 * While one session's typed-password window is open, other sessions'
 * records wait behind its held line, in order, through the growth of
 * the ring; then the held line comes out redacted.
 */
START_TEST(records_hold_order)
{
	struct sl_redact *rx = engine(0, NULL);
	struct sl_buf in, want;
	size_t len;
	int rc, i;
	char *got;

	sl_buf_init(&in);
	sl_buf_init(&want);
#define REC(b, s, n, t) sl_buf_printf(b, "{\"type\":\"line\",\"session\":" \
	"\"%s\",\"n\":%d,\"text\":\"%s\",\"src\":\"x\"}\n", s, n, t)
	REC(&in, "a-1", 1, "Password:");
	REC(&want, "a-1", 1, "Password:");
	REC(&in, "a-1", 2, "su: Authentication failure");
	REC(&want, "a-1", 2, "su: Authentication failure");
	REC(&in, "a-1", 2, "$ zebra-42-x");
	sl_buf_printf(&want, "{\"type\":\"line\",\"session\":\"a-1\",\"n\":2,"
	    "\"text\":\"$ " R("typed-password") "\",\"redacted\":"
	    "[\"typed-password\"],\"src\":\"x\"}\n");
	for (i = 1; i <= 200; i++) {
		char t[32];

		snprintf(t, sizeof(t), "b line %d", i);
		REC(&in, "b-2", i, t);
		REC(&want, "b-2", i, t);
	}
	REC(&in, "a-1", 3, "-bash: zebra-42-x: command not found");
	sl_buf_printf(&want, "{\"type\":\"line\",\"session\":\"a-1\",\"n\":3,"
	    "\"text\":\"-bash: " R("typed-password") ": command not found\","
	    "\"redacted\":[\"typed-password\"],\"src\":\"x\"}\n");
#undef REC
	got = run_as(rx, in.buf, in.len, NULL, &len, &rc);
	ck_assert_int_eq(rc, SL_OK);
	ck_assert_str_eq(got, want.buf);
	free(got);
	sl_buf_free(&in);
	sl_buf_free(&want);
	sl_redact_free(rx);
}
END_TEST

/* Redacting what was redacted changes nothing. */
START_TEST(idempotent)
{
	struct sl_redact *rx = engine(0, NULL);
	const char *in = "mysql -pS3cret\nurl https://u:pw@h.example.com/\n"
	    "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"
	    "password: hunter22\nnet user a Pa55 /add\n";
	size_t len, len2;
	int rc;
	char *once = run_as(rx, in, strlen(in), NULL, &len, &rc);
	char *twice = run_as(rx, once, len, NULL, &len2, &rc);

	ck_assert_str_eq(once, twice);
	free(once);
	free(twice);
	sl_redact_free(rx);
}
END_TEST

/*
 * A bounded gap ("mysql" then "-p" within 300 bytes) that a secret
 * turned marker shortens: the first pass redacts what a second pass
 * would, so redacting twice changes nothing.  A marker in the input
 * never switches a rule off (redaction fails closed).
 */
START_TEST(gap_shortened_by_marker)
{
	struct sl_redact *rx = engine(0, NULL);
	struct sl_buf in;
	size_t len, len2;
	int rc, i;
	char *once, *twice;

	sl_buf_init(&in);
	sl_buf_adds(&in, "mysql -u root --comment=\"Bearer "
	    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIx");
	for (i = 0; i < 70; i++)
		sl_buf_adds(&in, "QUJD");
	sl_buf_adds(&in, ".c2lnbmF0dXJlc2ln\" -pHunter2x\n");
	once = run_as(rx, in.buf, in.len, NULL, &len, &rc);
	ck_assert_str_eq(once, "mysql -u root --comment=\"Bearer " R("jwt")
	    "\" -p" R("cli-password") "\n");
	twice = run_as(rx, once, len, NULL, &len2, &rc);
	ck_assert_str_eq(twice, once);
	free(once);
	free(twice);
	once = run_as(rx, "mysql -u root --note=[REDACTED:jwt] -pS3cret\n",
	    45, NULL, &len, &rc);
	ck_assert_str_eq(once, "mysql -u root --note=" R("jwt") " -p"
	    R("cli-password") "\n");
	free(once);
	once = run_as(rx, "mysql -u [REDACTED:x -pS3cret\n", 30, NULL,
	    &len, &rc);
	ck_assert_str_eq(once, "mysql -u [REDACTED:x -p" R("cli-password")
	    "\n");
	free(once);
	sl_buf_free(&in);
	sl_redact_free(rx);
}
END_TEST

/* --------------------------------------------------------------- JSON */

static void
expect_json(const char *in, const char *want)
{
	struct sl_redact *rx = engine(0, NULL);
	json_error_t je;
	json_t *o;
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	ck_assert_msg(strcmp(got, want) == 0, "\n got:  %s\n want: %s", got,
	    want);
	o = json_loadb(got, len, JSON_DISABLE_EOF_CHECK, &je);
	ck_assert_msg(o != NULL, "invalid JSON: %s", je.text);
	json_decref(o);
	ck_assert_int_eq(rc, SL_OK);
	free(got);
	sl_redact_free(rx);
}

START_TEST(json_escapes)
{
	/* A secret written with escapes: replaced over all of them. */
	expect_json("{\"sessionData\":[\"export K=\\u0041KIAUJZDEGXDNCF32EP\\u0046"
	    " ok\\u001b[0m\"]}\n",
	    "{\"sessionData\":[\"export K=" R("aws-access-key-id")
	    " ok\\u001b[0m\"]}\n");
	/* Untouched strings keep their escapes byte for byte. */
	expect_json("{\"a\":\"\\u00e9\\/\\t\",\"b\":[1,2.5e3,true,null]}",
	    "{\"a\":\"\\u00e9\\/\\t\",\"b\":[1,2.5e3,true,null]}");
	/* A key gives its value context. */
	expect_json("{\"Password\" : \"hunter22\", \"user\": \"app\"}",
	    "{\"Password\" : \"" R("cli-password") "\", \"user\": \"app\"}");
}
END_TEST

START_TEST(json_nested)
{
	/* A CloudWatch event whose message is a streamed event. */
	expect_json("{\"events\":[{\"message\":\"{\\\"sessionData\\\":[\\\"$ "
	    "curl -u bob:S3cr\\\\u0065t x\\\"]}\"}]}",
	    "{\"events\":[{\"message\":\"{\\\"sessionData\\\":[\\\"$ "
	    "curl -u bob:" R("cli-password") " x\\\"]}\"}]}");
	/* A private key over two events, a typed password over three. */
	expect_json(
	    "{\"sessionData\":[\"-----BEGIN PRIVATE KEY-----\"]}\n"
	    "{\"sessionData\":[\"MIIEvQIBADANBgkq\"],\"eventTime\":\"2024\"}\n"
	    "{\"sessionData\":[\"-----END PRIVATE KEY-----\","
	    "\"[sudo] password for a:\",\"sudo: timed out reading password\"]}\n"
	    "{\"sessionData\":[\"$ pw0rd99\"],\"sessionId\":\"a-1\"}\n"
	    "{\"sessionData\":[\"-bash: pw0rd99: command not found\"]}\n",
	    "{\"sessionData\":[\"-----BEGIN PRIVATE KEY-----\"]}\n"
	    "{\"sessionData\":[\"" R("private-key") "\"],\"eventTime\":\"2024\"}\n"
	    "{\"sessionData\":[\"-----END PRIVATE KEY-----\","
	    "\"[sudo] password for a:\",\"sudo: timed out reading password\"]}\n"
	    "{\"sessionData\":[\"$ " R("typed-password") "\"],\"sessionId\":"
	    "\"a-1\"}\n"
	    "{\"sessionData\":[\"-bash: " R("typed-password")
	    ": command not found\"]}\n");
}
END_TEST

/* An export line: "<time> <event JSON>" inside a text input. */
START_TEST(json_export_line)
{
	expect_raw("2024-05-01T12:00:05.312Z {\"sessionData\":[\"x=\\u0041KIA"
	    "UJZDEGXDNCF32EPF\"]}\n2024-05-01T12:00:06.000Z plain AKIAUJZDEGXDNCF32EPF\n",
	    "2024-05-01T12:00:05.312Z {\"sessionData\":[\"x=" R("aws-access-key-id")
	    "\"]}\n2024-05-01T12:00:06.000Z plain " R("aws-access-key-id") "\n");
}
END_TEST

/*
 * Not JSON after all (detection saw only the first 64 KiB; here the
 * format is forced): reported, and the rest redacted as text.
 */
START_TEST(json_broken)
{
	struct sl_redact *rx = engine(0, NULL);
	const char *in = "{\"a\": [1, 2}\nmysql -pS3cret\n";
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), "json", &len, &rc);

	ck_assert_str_eq(got, "{\"a\": [1, 2}\nmysql -p" R("cli-password") "\n");
	ck_assert_int_eq(rc, SL_REJECT);
	ck_assert_str_eq(errs, "t.log:1: invalid JSON (unexpected close): the "
	    "rest is redacted as text\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

/* ---------------------------------------------------- stats, markers */

START_TEST(stats_report)
{
	struct sl_redact *rx = engine(SL_REDACT_HITS, NULL);
	struct sl_buf b;
	const char *in = "ok\nAKIAUJZDEGXDNCF32EPF\n"
	    "mysql -pXyz1 && export DB_PASSWORD=Y2\n";
	size_t len;
	int rc;
	char *got = run_as(rx, in, strlen(in), NULL, &len, &rc);

	free(got);
	sl_buf_init(&b);
	sl_redact_report(rx, &b);
	ck_assert_str_eq(b.buf,
	    "# sl-redact stats: what was redacted where; never the secret\n"
	    "total\t3\t1\t1\n"
	    "kind\taws-access-key-id\t1\n"
	    "kind\tcli-password\t2\n"
	    "input\tt.log\t3\taws-access-key-id=1 cli-password=2\n"
	    "line\tt.log\t2\taws-access-key-id\n"
	    "line\tt.log\t3\tcli-password\n"
	    "line\tt.log\t3\tcli-password\n");
	sl_buf_reset(&b);
	sl_redact_summary(rx, &b);
	ck_assert_str_eq(b.buf, "redacted 3 secrets in 1 of 1 input: "
	    "aws-access-key-id 1, cli-password 2");
	ck_assert_ptr_null(strstr(b.buf, "AKIA"));
	sl_buf_free(&b);
	sl_redact_free(rx);
}
END_TEST

START_TEST(hashed_markers)
{
	struct sl_redact *rx = engine(0, NULL);
	const char *in = "a AKIAUJZDEGXDNCF32EPF\nb AKIAUJZDEGXDNCF32EPF\n"
	    "c ASIA3DHODZDOCIS2JHTL\n";
	size_t len;
	int rc;
	char *got, *l1, *l2, *l3;

	sl_redact_set_key(rx, "s3cr3t-key", 10);
	got = run_as(rx, in, strlen(in), NULL, &len, &rc);
	l1 = strstr(got, "[REDACTED:");
	l2 = strstr(l1 + 1, "[REDACTED:");
	l3 = strstr(l2 + 1, "[REDACTED:");
	ck_assert_int_eq(strncmp(l1, "[REDACTED:aws-access-key-id:", 28), 0);
	ck_assert_int_eq(l1[28 + 12], ']');
	ck_assert_int_eq(strncmp(l1, l2, 41), 0);
	ck_assert_int_ne(strncmp(l1, l3, 41), 0);
	free(got);
	sl_redact_free(rx);
}
END_TEST

/* A binary input is not passed on. */
START_TEST(binary_refused)
{
	struct sl_redact *rx = engine(0, NULL);
	const char in[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0"
	    "AKIAUJZDEGXDNCF32EPF";
	size_t len;
	int rc;
	char *got = run_as(rx, in, sizeof(in) - 1, NULL, &len, &rc);

	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(rc, SL_REJECT);
	ck_assert_str_eq(errs, "t.log: unrecognized log format\n");
	free(got);
	sl_redact_free(rx);
}
END_TEST

/*
 * The redactor dispatches on the shape each format declares: none may
 * leave it out (a JSON format would otherwise be refused, not taken for
 * text), and every format name is a valid -f.
 */
START_TEST(formats_have_shapes)
{
	const struct sl_format *const *f;

	for (f = sl_formats; *f != NULL; f++) {
		ck_assert_msg(sl_format_shape(*f) != SL_SHAPE_NONE,
		    "%s declares no shape", sl_format_name(*f));
		ck_assert(sl_redact_format_ok(sl_format_name(*f)));
	}
	ck_assert_int_eq(sl_format_shape(sl_format_lookup("records")),
	    SL_SHAPE_RECORDS);
	ck_assert_int_eq(sl_format_shape(sl_format_lookup("cw-events")),
	    SL_SHAPE_JSON);
	ck_assert_int_eq(sl_format_shape(sl_format_lookup("cw-export")),
	    SL_SHAPE_TEXT);
	ck_assert(sl_redact_format_ok("json"));
	ck_assert(sl_redact_format_ok("text"));
	ck_assert(!sl_redact_format_ok("nope"));
}
END_TEST

/* The prefilter only saves time: with it off, the output is the same. */
START_TEST(prefilter_changes_nothing)
{
	static const char *const files[] = { "tests/redact/secrets.txt",
	    "tests/redact/clean.txt", NULL };
	struct sl_redact *a = engine(0, NULL);
	struct sl_redact *b = engine(0, "rule never\n\tpattern (?!)\n");
	size_t la, lb, n;
	int rc, i;
	char *in, *oa, *ob;
	FILE *f;

	ck_assert(a->prefilter);
	ck_assert(!b->prefilter);
	for (i = 0; files[i] != NULL; i++) {
		f = fopen(files[i], "r");
		ck_assert_msg(f != NULL, "%s", files[i]);
		in = malloc(1 << 20);
		n = fread(in, 1, (1 << 20) - 1, f);
		in[n] = '\0';
		fclose(f);
		oa = run_as(a, in, n, NULL, &la, &rc);
		ob = run_as(b, in, n, NULL, &lb, &rc);
		ck_assert_str_eq(oa, ob);
		free(in);
		free(oa);
		free(ob);
	}
	sl_redact_free(a);
	sl_redact_free(b);
}
END_TEST

/* io_open, noting whether the input was read in place (mapped). */
static int opened_mapped;

static struct sl_out *
io_open_noting_map(void *arg, const char *name)
{
	opened_mapped = mapped_now(name);
	return arg;
}

/* Redact the file at path (default rules) into a string; *n its size. */
static char *
run_path(const char *path, size_t *n)
{
	struct sl_redact *rx = engine(0, NULL);
	struct capture c;
	char *buf;

	capture_start(&c);
	c.io.open = io_open_noting_map;
	ck_assert_int_eq(sl_redact_path(rx, path, NULL, &c.io, errfn, NULL),
	    SL_OK);
	buf = capture_take(&c, n);
	sl_redact_free(rx);
	return buf;
}

/*
 * A file read in place goes out as spans (writev: unchanged stretches
 * from the mapping, markers and held lines copied aside); the same
 * bytes gzipped go through the read buffer.  Secrets close together
 * (a list of spans filled many times) and far apart (runs longer than
 * RX_RUN_MAX), lines held after a no-echo prompt: the same output.
 */
START_TEST(raw_mapped_same_as_buffered)
{
	char dir[] = "/tmp/sl-redact-map-XXXXXX", path[64], gzp[64];
	struct sl_buf t;
	unsigned long x = 7;
	size_t i, j, na, nb;
	char *a, *b;
	gzFile gz;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/t.log", dir);
	snprintf(gzp, sizeof gzp, "%s/t.log.gz", dir);
	sl_buf_init(&t);
	for (i = 0; t.len < 3 * 1024 * 1024; i++) {
		char key[17];

		for (j = 0; j < 16; j++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			key[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(x >> 33) % 32];
		}
		key[16] = '\0';
		if (i % 7000 < 400 && i % 5 == 0)
			sl_buf_printf(&t, "sh-5.2$ aws configure set key "
			    "AKIA%s\r\r\n", key);
		else if (i % 3001 == 0)
			sl_buf_printf(&t, "[sudo] password for alice: \r\n"
			    "-bash: Hunt3r&%lu: command not found\r\n", x % 97);
		else
			sl_buf_printf(&t, "\033[0;32m%06zu\033[0m %s ok\r\n", i,
			    key);
	}
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(t.buf, 1, t.len, f), t.len);
	ck_assert_int_eq(fclose(f), 0);
	gz = gzopen(gzp, "wb1");
	ck_assert_ptr_nonnull(gz);
	ck_assert_int_eq(gzwrite(gz, t.buf, (unsigned)t.len), (int)t.len);
	ck_assert_int_eq(gzclose(gz), Z_OK);
	a = run_path(path, &na);
	ck_assert_int_eq(opened_mapped, 1);
	b = run_path(gzp, &nb);
	ck_assert_int_eq(opened_mapped, 0);
	ck_assert_ptr_nonnull(strstr(a, R("aws-access-key-id")));
	ck_assert_ptr_nonnull(strstr(a, R("typed-password")));
	ck_assert_uint_eq(na, nb);
	ck_assert_mem_eq(a, b, na);
	free(a);
	free(b);
	sl_buf_free(&t);
	unlink(path);
	unlink(gzp);
	rmdir(dir);
}
END_TEST

/* Does kw (lowercase) occur in t[0, n), ASCII case folded? */
static int
has_kw(const char *t, size_t n, const char *kw, size_t kn)
{
	size_t i, j;

	for (i = 0; i + kn <= n; i++) {
		for (j = 0; j < kn; j++) {
			char c = t[i + j];

			if (c >= 'A' && c <= 'Z')
				c = (char)(c + 32);
			if (c != kw[j])
				break;
		}
		if (j == kn)
			return 1;
	}
	return 0;
}

/*
 * What a scan of t[0, n) must mark, by a plain search: rule r has a
 * keyword there (full[r]), or a keyword's first 8 bytes (pre[r]).
 */
static void
expected_marks(const struct sl_redact *rx, const char *t, size_t n,
    char *full, char *pre)
{
	size_t r, k;

	for (r = 0; r < rx->rules.n; r++) {
		const struct rx_rule *ru = &rx->rules.v[r];

		full[r] = pre[r] = 0;
		for (k = 0; k < ru->nkw; k++) {
			size_t kl = strlen(ru->kw[k]);

			full[r] |= (char)has_kw(t, n, ru->kw[k], kl);
			pre[r] |= (char)has_kw(t, n, ru->kw[k], kl > 8 ? 8 : kl);
		}
	}
}

/*
 * The marks of one scan of t[0, n): a rule whose keyword occurs is a
 * candidate, and one is a candidate only if a keyword's first 8 bytes
 * occur.
 */
static void
check_marks(const struct sl_redact *rx, const char *t, size_t n,
    const char *full, const char *pre, const uint32_t *cand, uint32_t stamp,
    const char *how)
{
	size_t r;

	for (r = 0; r < rx->rules.n; r++) {
		if (full[r])
			ck_assert_msg(cand[r] == stamp, "%s: %s missed in [%.*s]",
			    how, rx->rules.v[r].id, (int)n, t);
		if (cand[r] == stamp)
			ck_assert_msg(pre[r], "%s: %s marked in [%.*s]", how,
			    rx->rules.v[r].id, (int)n, t);
	}
}

/*
 * The raw scan of t[0, n) with a CR (then a colour) at k: the text
 * before it is overwritten, so no keyword runs across the CR; each side
 * is scanned whole.  Expected: the marks of the two sides, by the plain
 * search of the text with a byte no keyword has at k.
 */
static void
cut_marks(struct sl_redact *rx, const char *t, size_t n, size_t k,
    uint32_t *cand, uint32_t stamp)
{
	char *full = malloc(rx->rules.n + 1), *pre = malloc(rx->rules.n + 1);
	char apart[300], raw[300];
	struct sl_buf text;
	int cx;

	sl_buf_init(&text);
	memcpy(apart, t, k);
	apart[k] = '\001';
	memcpy(apart + k + 1, t + k, n - k);
	memcpy(raw, t, k);
	memcpy(raw + k, "\r\033[1m", 5);
	memcpy(raw + k + 5, t + k, n - k);
	expected_marks(rx, apart, n + 1, full, pre);
	rx_ac_scan_raw(rx->ac, raw, n + 5, cand, stamp, &cx, &text);
	ck_assert_int_eq(cx & RX_RAW_MOVES, k > 0 ? RX_RAW_MOVES : 0);
	check_marks(rx, apart, n + 1, full, pre, cand, stamp, "raw with CR");
	sl_buf_free(&text);
	free(full);
	free(pre);
}

/*
 * The walk's lanes: a keyword as long as a keyword is kept (KW_MAX, 8
 * bytes) at every place in texts of every length to a few hundred
 * bytes, its prefix alone, and a short one ending the text.  Texts this
 * long are walked in lanes of one length, a multiple of 8, the last
 * ending at the text's end, each after the first starting 7 bytes or
 * more before the end of the one before: a keyword across any seam, or
 * in the last bytes, is found, and a prefix is not a keyword.
 */
START_TEST(ac_lanes_every_seam)
{
	struct rx_ac *ac = rx_ac_new();
	uint32_t cand[3] = { 0, 0, 0 }, stamp = 0;
	char t[400];
	size_t n, k;

	rx_ac_add(ac, "abcdefgh", 0);
	rx_ac_add(ac, "xyz", 1);
	ck_assert_int_eq(rx_ac_build(ac), 0);
	for (n = 8; n <= sizeof(t); n++)
		for (k = 0; k + 8 <= n; k++) {
			memset(t, '.', n);
			memcpy(t + k, "abcdefgh", 8);
			stamp++;
			ck_assert_msg(rx_ac_scan(ac, t, n, cand, stamp) > 0 &&
			    cand[0] == stamp && cand[1] != stamp,
			    "keyword at %zu of %zu missed", k, n);
			t[k + 7] = '.';
			stamp++;
			ck_assert_msg(rx_ac_scan(ac, t, n, cand, stamp) == 0 &&
			    cand[0] != stamp, "prefix at %zu of %zu", k, n);
			memcpy(t + n - 3, "XyZ", 3);
			stamp++;
			ck_assert_msg(rx_ac_scan(ac, t, n, cand, stamp) > 0 &&
			    cand[1] == stamp, "end of %zu missed", n);
		}
	rx_ac_free(ac);
}
END_TEST

/*
 * The raw scan's text: runs of every length to 40 between two colours,
 * then one or two more, then a tail of every length to 20, gathered
 * without the escapes.  Short runs are copied 16 bytes at a time
 * (raw_take) and an escape right after another has no run (raw_run):
 * the text must hold the runs' bytes alone, and a keyword cut by the
 * colours is whole.
 */
START_TEST(raw_text_runs)
{
	struct rx_ac *ac = rx_ac_new();
	uint32_t cand[2] = { 0, 0 }, stamp = 0;
	char raw[128], want[128];
	struct sl_buf text;
	size_t r, t, i, n, wn;
	int cx;

	sl_buf_init(&text);
	rx_ac_add(ac, "qz", 0);
	ck_assert_int_eq(rx_ac_build(ac), 0);
	for (r = 0; r <= 40; r++)
		for (t = 0; t <= 20; t++) {
			n = 0;
			wn = 0;
			memcpy(raw, "\033[1m", 4);
			n += 4;
			for (i = 0; i < r; i++)
				raw[n++] = want[wn++] = (char)('a' + i % 16);
			raw[n++] = want[wn++] = 'q';
			memcpy(raw + n, "\033[0m", 4);
			n += 4;
			if (t % 2) {	/* escapes back to back: no run between */
				memcpy(raw + n, "\033[1m", 4);
				n += 4;
			}
			raw[n++] = want[wn++] = 'z';
			for (i = 0; i < t; i++)
				raw[n++] = want[wn++] = (char)('A' + i % 16);
			stamp++;
			ck_assert_uint_gt(rx_ac_scan_raw(ac, raw, n, cand,
			    stamp, &cx, &text), 0);
			ck_assert_int_eq(cx, 0);
			ck_assert_uint_eq(cand[0], stamp);
			ck_assert_msg(text.len == wn &&
			    memcmp(text.buf, want, wn) == 0,
			    "run %zu, tail %zu: text [%.*s]", r, t,
			    (int)text.len, text.buf);
		}
	sl_buf_free(&text);
	rx_ac_free(ac);
}
END_TEST

/*
 * The automaton against a plain search on random text with keywords
 * planted, of every length from a few bytes to a few hundred: long runs
 * are walked in two lanes, and a keyword may straddle their seam.
 * Escape sequences that move nothing (SGR) are transparent to the raw
 * scan.
 */
START_TEST(prefilter_exact)
{
	struct sl_redact *rx = engine(0, NULL);
	uint32_t *cand = calloc(rx->rules.n + 1, sizeof(uint32_t));
	char *full = malloc(rx->rules.n + 1), *pre = malloc(rx->rules.n + 1);
	static const char alpha[] = "aeiopstkn-_:/ AKIPST3";
	char t[256], raw[512];
	unsigned seed = 12345;
	uint32_t stamp = 0;
	size_t n, rn, i, want;
	struct sl_buf text;
	int iter, cx;

	sl_buf_init(&text);

	for (iter = 0; iter < 12000; iter++) {
		n = 0;
		want = 4 + (size_t)iter % 240;
		while (n < want) {
			seed = seed * 1103515245 + 12345;
			if ((seed >> 16) % 9 == 0) {
				/* plant a keyword (or a prefix of one) */
				const struct rx_rule *ru =
				    &rx->rules.v[(seed >> 8) % rx->rules.n];
				const char *kw = ru->kw[(seed >> 4) % ru->nkw];
				size_t kl = strlen(kw) - (seed >> 20) % 2;

				if (n + kl >= sizeof(t) - 1)
					break;
				for (i = 0; i < kl; i++)
					t[n++] = (seed >> 3) % 2 && kw[i] >= 'a' &&
					    kw[i] <= 'z' ? (char)(kw[i] - 32) : kw[i];
			} else
				t[n++] = alpha[(seed >> 16) % (sizeof(alpha) - 1)];
		}
		t[n] = '\0';
		/* The same bytes with an SGR after every 5th byte. */
		for (i = 0, rn = 0; i < n; i++) {
			raw[rn++] = t[i];
			if (i % 5 == 4) {
				memcpy(raw + rn, "\033[1m", 4);
				rn += 4;
			}
		}
		expected_marks(rx, t, n, full, pre);
		stamp++;
		rx_ac_scan_raw(rx->ac, raw, rn, cand, stamp, &cx, &text);
		ck_assert_int_eq(cx, 0);
		check_marks(rx, t, n, full, pre, cand, stamp, "raw with SGR");
		stamp++;
		rx_ac_scan_raw(rx->ac, t, n, cand, stamp, &cx, &text);
		ck_assert_int_eq(cx, 0);
		check_marks(rx, t, n, full, pre, cand, stamp, "raw");
		stamp++;
		rx_ac_scan(rx->ac, t, n, cand, stamp);
		check_marks(rx, t, n, full, pre, cand, stamp, "rendered");
		cut_marks(rx, t, n, (size_t)iter % n, cand, ++stamp);
	}
	sl_buf_free(&text);
	free(full);
	free(pre);
	free(cand);
	sl_redact_free(rx);
}
END_TEST

/* ------------------------------------------- lines of CRs, unrendered */

static unsigned
cr_rand(unsigned *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return *seed >> 16;
}

/* A keyword of the rules at random, and its length. */
static const char *
cr_keyword(const struct sl_redact *rx, unsigned *seed, size_t *kl)
{
	const struct rx_rule *ru = &rx->rules.v[cr_rand(seed) % rx->rules.n];
	const char *kw;

	if (ru->nkw == 0)
		return NULL;
	kw = ru->kw[cr_rand(seed) % ru->nkw];
	*kl = strlen(kw) > 8 ? 8 : strlen(kw);
	return kw;
}

/* Progress-line text: printable ASCII, rich in keywords' letters. */
static void
cr_text(char *t, size_t n, unsigned *seed)
{
	static const char alpha[] = "aeiopstkn-_:/AKIPST3%#=.[]>BMs ";
	size_t i;

	for (i = 0; i < n; i++) {
		t[i] = alpha[cr_rand(seed) % (sizeof(alpha) - 1)];
		if (cr_rand(seed) % 3 == 0 && t[i] >= 'a' && t[i] <= 'z')
			t[i] = (char)(t[i] - 32);
	}
}

/*
 * Two pieces that make the keyword kw only together: the earlier, longer
 * one holds its tail at column c, the later one ends at c with its head.
 * Returns the later one's length c (the earlier one is at b, *bn long).
 */
static size_t
cr_cut_keyword(const char *kw, size_t kl, char *a, char *b, size_t *bn,
    unsigned *seed)
{
	size_t m = 1 + cr_rand(seed) % (kl - 1), c = m + cr_rand(seed) % 50;

	*bn = c + (kl - m) + cr_rand(seed) % 30;
	cr_text(b, *bn, seed);
	cr_text(a, c, seed);
	memcpy(b + c, kw + m, kl - m);
	memcpy(a + c - m, kw, m);
	return c;
}

/*
 * One piece (or two, a keyword cut between them) of a CR line into t at
 * *n: text, colours, now and then a whole keyword, a blank before the
 * CR (after 38-45 columns, or zsh's mark: the renderer's idioms), or a
 * byte or escape the overlay does not model.
 */
static void
cr_piece(const struct sl_redact *rx, char *t, size_t *n, unsigned *seed)
{
	static const char *odd[] = { "\t", "\033[2K", "\033[1A", "\b",
	    "\033[K", "\033]0;title\007", "\303\251", "\033[4h" };
	char a[128], b[128];
	size_t an, bn, kl = 0, i, k, odd_at;
	const char *kw = cr_keyword(rx, seed, &kl);
	unsigned what = cr_rand(seed) % 8;

	if (what == 0 && kw != NULL && kl >= 2) {
		an = cr_cut_keyword(kw, kl, a, b, &bn, seed);
		memcpy(t + *n, b, bn);
		t[*n + bn] = '\r';
		memcpy(t + *n + bn + 1, a, an);
		*n += bn + 1 + an;
		return;
	}
	an = what == 3 ? 38 + cr_rand(seed) % 8 : cr_rand(seed) % 70;
	cr_text(a, an, seed);
	if (what == 1 && kw != NULL && an >= kl)
		memcpy(a + cr_rand(seed) % (an - kl + 1), kw, kl);
	if (what == 4 && an >= 21) {	/* zsh's mark: "%", blanks */
		a[0] = '%';
		memset(a + 1, ' ', an - 1);
	}
	odd_at = cr_rand(seed) % 12 == 0 ? cr_rand(seed) % (an + 1) : an + 1;
	for (i = 0; i <= an; i++) {
		if (i == odd_at) {
			k = cr_rand(seed) % (sizeof(odd) / sizeof(odd[0]));
			memcpy(t + *n, odd[k], strlen(odd[k]));
			*n += strlen(odd[k]);
		}
		if (i == an)
			break;
		if (cr_rand(seed) % 23 == 0) {
			memcpy(t + *n, "\033[1;32m", 7);
			*n += 7;
		} else if (cr_rand(seed) % 97 == 0) {
			memcpy(t + *n, "\033[?2004l", 8);	/* bash's */
			*n += 8;
		}
		t[(*n)++] = a[i];
	}
	if (what == 2 || what == 3)
		t[(*n)++] = ' ';
}

/* p[0, n) with its controls as \ooo, for a message (static room). */
static const char *
cr_shown(const char *p, size_t n)
{
	static char out[4 * 4096 + 1];
	size_t i, o = 0;

	for (i = 0; i < n && i < 4096; i++) {
		if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] >= 0x7f)
			o += (size_t)sprintf(out + o, "\\%03o", (unsigned char)p[i]);
		else
			out[o++] = p[i];
	}
	out[o] = '\0';
	return out;
}

/* A line of pieces cut by CRs (sometimes two in a row); its length. */
static size_t
cr_line(const struct sl_redact *rx, char *t, unsigned *seed)
{
	size_t n = 0, k, np = 1 + cr_rand(seed) % 6;

	for (k = 0; k < np; k++) {
		if (k > 0 || cr_rand(seed) % 4 == 0)
			t[n++] = '\r';
		if (cr_rand(seed) % 10 == 0)
			t[n++] = '\r';
		cr_piece(rx, t, &n, seed);
	}
	return n;
}

/*
 * Lines of make_line that the raw scan finds no keyword in and flags
 * `flag`: a skip of the renderer (rx_cr_row_clean) must be right, each
 * rendered against the renderer itself.  Both answers (skipped, and a
 * keyword shown) must come up at least `least` times.
 */
typedef size_t line_maker(const struct sl_redact *, char *, unsigned *);

static void
skip_check(line_maker *make_line, int flag, unsigned seed, int iters,
    int least)
{
	struct sl_redact *rx = engine(0, NULL);
	uint32_t *cand = calloc(rx->rules.n + 1, sizeof(uint32_t)), stamp = 0;
	char t[8192];
	size_t n, hl, hr;
	int iter, cx, skipped = 0, shown = 0;

	for (iter = 0; iter < iters; iter++) {
		n = make_line(rx, t, &seed);
		hl = rx_ac_scan_raw(rx->ac, t, n, cand, ++stamp, &cx,
		    &rx->rawtext);
		if (hl != 0 || !(cx & flag))
			continue;
		rx_render(rx, 0, t, n, "\r\n", 2);
		hr = rx_ac_scan(rx->ac, rx->rend.buf, rx->rend.len, cand,
		    ++stamp);
		if (rx_cr_row_clean(rx, cx, t, n)) {
			ck_assert_msg(hr == 0, "skipped, but the screen shows a "
			    "keyword: [%s] -> [%.*s]", cr_shown(t, n),
			    (int)rx->rend.len, rx->rend.buf);
			skipped++;
		} else if (hr > 0)
			shown++;
	}
	ck_assert_msg(skipped > least && shown > least / 4, "skipped %d, "
	    "shown %d", skipped, shown);
	free(cand);
	sl_redact_free(rx);
}

/*
 * Skipping the renderer on a line of CRs (rx_cr_row_clean) is right only
 * if its rendering holds no keyword: random lines of pieces written over
 * each other, keywords planted whole and cut so that only the row their
 * pieces leave together shows them.
 */
START_TEST(cr_skip_only_when_rendering_is_clean)
{
	skip_check(cr_line, RX_RAW_CR_ONLY, 4242, 40000, 2000);
}
END_TEST

/*
 * A docker-style redraw: pieces of text on rows the cursor goes up and
 * down to (CUU, CUD), rows erased whole, CRs, and now and then a move or
 * byte rx_ac_scan_rows does not model.  Keywords are planted whole, and
 * cut between a long piece and a later one written over its start on
 * the same row after the cursor went elsewhere and came back.
 */
static size_t
rows_line(const struct sl_redact *rx, char *t, unsigned *seed)
{
	static const char *moves[] = { "\033[1A", "\033[2A", "\033[A",
	    "\033[1B", "\033[2B", "\033[B", "\033[2K", "\r", "\r",
	    "\033[1;32m", "\033[?2004l", "\033[3A" };
	static const char *odd[] = { "\033[0A", "\033[K", "\033[1;2A",
	    "\033[20B", "\t", "\b", "\303\251", "\033]0;t\007",
	    "\033[?2004h", "\033[1C", "\033[5G", "\033[1J", "\n" };
	char a[128], b[128];
	size_t n = 0, k, an, bn, kl = 0, np = 1 + cr_rand(seed) % 10;
	const char *kw, *m;

	for (k = 0; k < np; k++) {
		unsigned what = cr_rand(seed) % 10;

		kw = cr_keyword(rx, seed, &kl);
		if (what == 0 && kw != NULL && kl >= 2) {
			/* b, away and back, CR, a over b's start: kw */
			an = cr_cut_keyword(kw, kl, a, b, &bn, seed);
			memcpy(t + n, b, bn);
			n += bn;
			m = cr_rand(seed) % 2 ? "\033[1B\r..\033[1A" :
			    "\033[2Kxy\033[1A\033[1B";
			memcpy(t + n, m, strlen(m));
			n += strlen(m);
			if (strchr(m, 'K') != NULL) {	/* b is gone */
				t[n++] = '\r';
				memcpy(t + n, b, bn);
				n += bn;
			}
			t[n++] = '\r';
			memcpy(t + n, a, an);
			n += an;
			continue;
		}
		an = what == 1 ? 38 + cr_rand(seed) % 8 : cr_rand(seed) % 60;
		cr_text(a, an, seed);
		if (what == 2 && kw != NULL && an >= kl)
			memcpy(a + cr_rand(seed) % (an - kl + 1), kw, kl);
		if (what == 3 && an >= 21) {	/* zsh's mark, blanks */
			a[0] = cr_rand(seed) % 2 ? '%' : '#';
			memset(a + 1, ' ', an - 1);
		}
		memcpy(t + n, a, an);
		n += an;
		if (what == 1 || what == 4)
			t[n++] = ' ';
		m = cr_rand(seed) % 25 == 0 ?
		    odd[cr_rand(seed) % (sizeof(odd) / sizeof(odd[0]))] :
		    moves[cr_rand(seed) % (sizeof(moves) / sizeof(moves[0]))];
		memcpy(t + n, m, strlen(m));
		n += strlen(m);
		if (cr_rand(seed) % 3 == 0)
			t[n++] = '\r';
	}
	return n;
}

/* The same for docker-style redraws of rows (RX_RAW_ROWS). */
START_TEST(rows_skip_only_when_rendering_is_clean)
{
	skip_check(rows_line, RX_RAW_ROWS, 777, 60000, 5000);
}
END_TEST

/*
 * The same input redacted with the skip and with every CR line
 * rendered: the same bytes.  Secrets are planted in some lines, whole
 * or cut where a later piece overwrites.
 */
static void
same_output_check(line_maker *make_line)
{
	static const char *secrets[] = { "password=Hunter2x9",
	    "AKIAIOSFODNN7EXAMPL3", "token: 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" };
	struct sl_redact *fast = engine(0, NULL), *slow = engine(0, NULL);
	struct sl_buf in;
	unsigned seed = 99;
	char t[8192], *a, *b;
	size_t n, an, bn, i;
	int rc, line;

	slow->cr_render = 1;
	sl_buf_init(&in);
	for (line = 0; line < 3000; line++) {
		n = make_line(fast, t, &seed);
		if (cr_rand(&seed) % 20 == 0) {
			const char *sec = secrets[cr_rand(&seed) % 3];

			i = cr_rand(&seed) % (n + 1);
			sl_buf_add(&in, t, i);
			sl_buf_adds(&in, sec);
			sl_buf_add(&in, t + i, n - i);
		} else
			sl_buf_add(&in, t, n);
		sl_buf_add(&in, "\r\r\n", 3);
	}
	a = run_as(fast, in.buf, in.len, NULL, &an, &rc);
	b = run_as(slow, in.buf, in.len, NULL, &bn, &rc);
	ck_assert_uint_eq(an, bn);
	ck_assert_msg(memcmp(a, b, an) == 0, "outputs differ");
	ck_assert_ptr_nonnull(strstr(a, "[REDACTED:"));
	free(a);
	free(b);
	sl_buf_free(&in);
	sl_redact_free(fast);
	sl_redact_free(slow);
}

START_TEST(cr_skip_same_output)
{
	same_output_check(cr_line);
}
END_TEST

/* The same for docker-style redraws of rows. */
START_TEST(rows_skip_same_output)
{
	same_output_check(rows_line);
}
END_TEST

/* Is every byte of s printable ASCII (what the rows' models take)? */
static int
cr_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

/*
 * readline's wrap at the margin: the row's last column, then " \r" and
 * the rest of the line.  A keyword cut there (`AK \rIA...`) is in
 * neither the raw text nor either row alone, only in the rendering,
 * which joins the rows: the line is typed at width w, the keyword cut
 * after its first k bytes, and in front of it either nothing or a
 * whole-row erase (rx_ac_scan_rows' shape instead of the overlay's).
 * 0 when the keyword's first k bytes do not fit in the row.
 */
static size_t
wrap_line(char *t, const char *front, size_t w, const char *kw, size_t k)
{
	static const char prompt[] = "nobody@vm:~/work$ : echo ";
	size_t n = 0, pad;

	if (w < sizeof(prompt) + 1 + k)
		return 0;	/* the keyword's start does not fit */
	pad = w - (sizeof(prompt) - 1) - 1 - k;
	n += (size_t)sprintf(t, "%s%s", front, prompt);
	memset(t + n, 'x', pad);
	n += pad;
	t[n++] = ' ';
	memcpy(t + n, kw, k);
	n += k;
	return n + (size_t)sprintf(t + n, " \r%s=1 y", kw + k);
}

/*
 * kw cut after k bytes at each width, behind each front: the line may
 * be called clean only when its rendering shows no keyword.  How many
 * renderings showed one (the wrap joined the keyword).
 */
static int
wrap_cut_check(struct sl_redact *rx, uint32_t *cand, uint32_t *stamp,
    const char *kw, size_t k)
{
	static const char *fronts[] = { "", "\033[2K" };
	static const size_t widths[] = { 41, 60, 80, 132 };
	char t[512];
	size_t f, w, n, hr;
	int cx, joined = 0;

	for (f = 0; f < 2; f++)
		for (w = 0; w < 4; w++) {
			n = wrap_line(t, fronts[f], widths[w], kw, k);
			if (n == 0 || rx_ac_scan_raw(rx->ac, t, n, cand,
			    ++*stamp, &cx, &rx->rawtext) != 0)
				continue;
			/* The ending as the engine feeds it: bash's CR CR LF. */
			rx_render(rx, 0, t, n, "\r\r\n", 3);
			hr = rx_ac_scan(rx->ac, rx->rend.buf, rx->rend.len,
			    cand, ++*stamp);
			joined += hr > 0;
			ck_assert_msg(hr == 0 || !rx_cr_row_clean(rx, cx, t, n),
			    "called clean, but the screen shows a keyword: "
			    "[%s] -> [%.*s]", cr_shown(t, n),
			    (int)rx->rend.len, rx->rend.buf);
		}
	return joined;
}

/*
 * The renderer may be skipped on a line with no keyword (rx_cr_row_clean,
 * rx_rows_clean: the engine's and the -j scan-ahead thread's check) only
 * when its rendering holds none: every keyword of the default rules (as
 * the raw scan sees it: ASCII, 3 to 24 bytes), cut by the wrap at every
 * position, at widths from 41 columns (where the renderer starts to
 * take a " \r" for the wrap without knowing the width) to 132.
 */
START_TEST(wrap_cut_keyword_is_never_clean)
{
	struct sl_redact *rx = engine(0, NULL);
	uint32_t *cand = calloc(rx->rules.n + 1, sizeof(uint32_t)), stamp = 0;
	size_t r, i, k, kl;
	int joined = 0;

	for (r = 0; r < rx->rules.n; r++)
		for (i = 0; i < rx->rules.v[r].nkw; i++) {
			const char *kw = rx->rules.v[r].kw[i];

			kl = strlen(kw);
			if (kl < 3 || kl > 24 || !cr_printable(kw))
				continue;
			for (k = 1; k < kl; k++)
				joined += wrap_cut_check(rx, cand, &stamp, kw,
				    k);
		}
	ck_assert_msg(joined > 4000, "the wrap joined %d keywords", joined);
	free(cand);
	sl_redact_free(rx);
}
END_TEST

/*
 * What the raw scan says a line's escape sequences do to its text:
 * colours and modes move nothing, erases and cursor moves do, and so do
 * sequences cut short or longer than the renderer takes.
 */
/* The naive answer rx_holds must give. */
static int
holds_naive(const char *p, size_t n, const char *w)
{
	size_t wn = strlen(w), i;

	for (i = 0; i + wn <= n; i++)
		if (memcmp(p + i, w, wn) == 0)
			return 1;
	return 0;
}

/*
 * rx_holds (the typed-password test of every line) looks for one byte of
 * the word and compares around it: the word at every offset of lines of
 * every length, cut off by either end, with a near miss (that byte
 * right, another wrong) in front, from each byte of the word.
 */
START_TEST(holds_every_offset)
{
	static const char *words[] = { "x", "pw", "Tr0ub4dor&3",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaab" };
	char line[48];
	size_t w, n, at, wn, rare;

	for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		wn = strlen(words[w]);
		for (rare = 0; rare < wn; rare++)
			for (n = 0; n <= sizeof(line); n++)
				for (at = 0; at <= n; at++) {
					memset(line, 'a', sizeof(line));
					if (wn > 1 && n >= wn) {
						memcpy(line, words[w], wn);
						line[rare == 0 ? 1 : 0] ^= 0x20;
					}
					memcpy(line + at, words[w],
					    at + wn <= n ? wn : n - at);
					ck_assert_msg(rx_holds(line, n, words[w],
					    rare) == holds_naive(line, n,
					    words[w]), "%s from %zu at %zu of %zu",
					    words[w], rare, at, n);
				}
	}
	/* Upper case and punctuation first, then rare letters and digits. */
	ck_assert_uint_eq(rx_rare_byte("Tr0ub4dor&3"), 0);
	ck_assert_uint_eq(rx_rare_byte("tr0ub4dor&3"), 9);
	ck_assert_uint_eq(rx_rare_byte("s3cret"), 1);
	ck_assert_uint_eq(rx_rare_byte("s3cretz"), 6);
	ck_assert_uint_eq(rx_rare_byte("secret"), 2);
	ck_assert_uint_eq(rx_rare_byte("a/b.c"), 2);
	ck_assert_uint_eq(rx_rare_byte(""), 0);
}
END_TEST

START_TEST(raw_scan_moves)
{
	static const struct {
		const char *line;
		int moves;
	} cases[] = {
		{ "\033[01;32muser\033[00m:\033[01;34m~\033[00m$ ls", 0 },
		{ "a\033[mb\033[0;1;4;38;5;208mc", 0 },
		{ "\033[?2004h$ x\033[?2004l", 0 },
		{ "\033[?25m\033[>4;1m\033[1;2 m", 0 },
		{ "\033[K\033[0K", 0 },
		{ "\033[2Kdone", 1 },
		{ "\033[1Aup", 1 },
		{ "\033[01;32", 1 },
		{ "x\033[1;\rm", 1 },
		{ "\033[?1049h", 1 },
		/* CSIs of digits and `;` alone (csi_fast in the raw scan) */
		{ "\033[0;0K\033[;J\033[00J", 0 },
		{ "\033[0;1J", 1 },
		{ "\033[10K", 1 },
		{ "\033[5n\033[6n\033[2;24r\033[0c\033[2 q\033[8;24;80t", 0 },
		{ "\033[4h", 1 },
		{ "\033[1049l", 1 },
		{ "\033[1;5H", 1 },
		{ "\033[3B\033[12C", 1 },
		{ "\033[12;1p", 1 },
		{ "\033[2", 1 },
	};
	struct sl_redact *rx = engine(0, NULL);
	uint32_t *cand = calloc(rx->rules.n + 1, sizeof(uint32_t));
	char longsgr[700];
	struct sl_buf text;
	size_t i;
	int cx;

	sl_buf_init(&text);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rx_ac_scan_raw(rx->ac, cases[i].line, strlen(cases[i].line),
		    cand, 1, &cx, &text);
		ck_assert_msg((cx & RX_RAW_MOVES) == (cases[i].moves ?
		    RX_RAW_MOVES : 0), "case %zu", i);
	}
	/* A colour past the renderer's CSI limit is abandoned: it moves. */
	memcpy(longsgr, "\033[", 2);
	memset(longsgr + 2, '1', sizeof(longsgr) - 4);
	memcpy(longsgr + sizeof(longsgr) - 2, "m", 2);
	rx_ac_scan_raw(rx->ac, longsgr, strlen(longsgr), cand, 1, &cx, &text);
	ck_assert_int_eq(cx & RX_RAW_MOVES, RX_RAW_MOVES);
	/* So is an erase that would move nothing. */
	longsgr[sizeof(longsgr) - 2] = 'K';
	memset(longsgr + 2, '0', sizeof(longsgr) - 4);
	rx_ac_scan_raw(rx->ac, longsgr, strlen(longsgr), cand, 1, &cx, &text);
	ck_assert_int_eq(cx & RX_RAW_MOVES, RX_RAW_MOVES);
	sl_buf_free(&text);
	free(cand);
	sl_redact_free(rx);
}
END_TEST

static Suite *
redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("redact");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, rules_bad_pattern);
	tcase_add_test(tc, raw_mapped_same_as_buffered);
	tcase_add_test(tc, rules_other_errors);
	tcase_add_test(tc, rules_user_rule);
	tcase_add_test(tc, rules_override_disable_allow);
	tcase_add_test(tc, rules_no_default);
	tcase_add_test(tc, rules_without_keywords);
	tcase_add_test(tc, raw_bytes_kept);
	tcase_add_test(tc, raw_rendered_only);
	tcase_add_test(tc, raw_width_carried_over);
	tcase_add_test(tc, raw_width_own_wins);
	tcase_add_test(tc, raw_search_row_below_left);
	tcase_add_test(tc, raw_long_line);
	tcase_add_test(tc, long_line_cut);
	tcase_add_test(tc, line_content_without_its_crs);
	tcase_add_test(tc, cuts_inside_words_counted_once);
	tcase_add_test(tc, privkey_block);
	tcase_add_test(tc, privkey_redacted_again);
	tcase_add_test(tc, raw_secret_bad_byte);
	tcase_add_test(tc, typed_password);
	tcase_add_test(tc, raw_control_strings);
	tcase_add_test(tc, raw_swallowed_letter);
	tcase_add_test(tc, raw_escape_split);
	tcase_add_test(tc, command_output);
	tcase_add_test(tc, pgpass_lines);
	tcase_add_test(tc, command_output_records);
	tcase_add_test(tc, after_windows);
	tcase_add_test(tc, here_document_key);
	tcase_add_test(tc, rules_after_window);
	tcase_add_test(tc, records_mode);
	tcase_add_test(tc, records_context);
	tcase_add_test(tc, records_rows);
	tcase_add_test(tc, records_hold_order);
	tcase_add_test(tc, idempotent);
	tcase_add_test(tc, gap_shortened_by_marker);
	tcase_add_test(tc, json_escapes);
	tcase_add_test(tc, json_nested);
	tcase_add_test(tc, json_export_line);
	tcase_add_test(tc, json_broken);
	tcase_add_test(tc, stats_report);
	tcase_add_test(tc, hashed_markers);
	tcase_add_test(tc, binary_refused);
	tcase_add_test(tc, formats_have_shapes);
	tcase_add_test(tc, prefilter_changes_nothing);
	tcase_add_test(tc, prefilter_exact);
	tcase_add_test(tc, ac_lanes_every_seam);
	tcase_add_test(tc, raw_text_runs);
	tcase_add_test(tc, cr_skip_only_when_rendering_is_clean);
	tcase_add_test(tc, cr_skip_same_output);
	tcase_add_test(tc, rows_skip_only_when_rendering_is_clean);
	tcase_add_test(tc, rows_skip_same_output);
	tcase_add_test(tc, wrap_cut_keyword_is_never_clean);
	tcase_add_test(tc, rows_skip_same_output);
	tcase_add_test(tc, raw_scan_moves);
	tcase_add_test(tc, holds_every_offset);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(redact_suite)
