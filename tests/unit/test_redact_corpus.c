/*
 * test_redact_corpus.c: the corpus of tests/redact/ through the default
 * rules, three ways: as a raw log, as a record stream, and as streamed
 * CloudWatch events (one sessionData line per event).  No secret may
 * survive anywhere in the output (false negatives), every secret must
 * become [REDACTED:kind] exactly where it was and every clean look-alike
 * must come back byte for byte (false positives).  The counts are
 * printed; both must be 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check_main.h"
#include "redact/redact.h"

#define OPEN	"\xc2\xab"	/* « */
#define CLOSE	"\xc2\xbb"	/* » */
#define MAXL	512

struct corpus {
	char *in[MAXL];		/* input lines */
	char *want[MAXL];	/* expected lines */
	int has[MAXL];		/* the line holds a secret */
	size_t n;
	char *secret[MAXL * 2];
	size_t nsecret;
	char kinds[MAXL][40];
	size_t nkinds;
};

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
add_kind(struct corpus *c, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < c->nkinds; i++)
		if (strlen(c->kinds[i]) == n && memcmp(c->kinds[i], k, n) == 0)
			return;
	snprintf(c->kinds[c->nkinds++], 40, "%.*s", (int)n, k);
}

/* Split the annotated file into input, expected and secret strings. */
static void
load(struct corpus *c, const char *path)
{
	size_t len;
	char *text = slurp(path, &len), *line, *save = NULL;

	memset(c, 0, sizeof(*c));
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		struct sl_buf in, want;
		const char *p = line, *o, *bar, *e;

		if (*line == '#')
			continue;
		ck_assert_uint_lt(c->n, MAXL);
		sl_buf_init(&in);
		sl_buf_init(&want);
		sl_buf_add(&in, "", 0);
		sl_buf_add(&want, "", 0);
		while ((o = strstr(p, OPEN)) != NULL) {
			bar = strchr(o, '|');
			e = strstr(o, CLOSE);
			ck_assert_msg(bar != NULL && e != NULL && bar < e,
			    "bad mark in %s", line);
			sl_buf_add(&in, p, (size_t)(o - p));
			sl_buf_add(&want, p, (size_t)(o - p));
			sl_buf_add(&in, bar + 1, (size_t)(e - bar - 1));
			sl_buf_printf(&want, "[REDACTED:%.*s]",
			    (int)(bar - o - 2), o + 2);
			add_kind(c, o + 2, (size_t)(bar - o - 2));
			c->secret[c->nsecret++] = sl_xstrndup(bar + 1,
			    (size_t)(e - bar - 1));
			c->has[c->n] = 1;
			p = e + 2;
		}
		sl_buf_adds(&in, p);
		sl_buf_adds(&want, p);
		c->in[c->n] = in.buf;
		c->want[c->n] = want.buf;
		c->n++;
	}
	free(text);
}

static void
unload(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->in[i]);
		free(c->want[i]);
	}
	for (i = 0; i < c->nsecret; i++)
		free(c->secret[i]);
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

static char *
redact(const char *in, size_t n, size_t *outlen)
{
	struct sl_redact *rx = sl_redact_new(0);
	struct sl_redact_io io;
	struct sl_out *o;
	FILE *f = tmpfile();
	struct sl_error err;
	char *buf;
	long sz;

	ck_assert_int_eq(sl_redact_ready(rx, &err), SL_OK);
	o = sl_out_fd(dup(fileno(f)), "mem", 0);
	io.open = io_open;
	io.done = io_done;
	io.arg = o;
	ck_assert_int_eq(sl_redact_mem(rx, "corpus", in, n, NULL, &io, NULL,
	    NULL), SL_OK);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_OK);
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	rewind(f);
	buf = malloc((size_t)sz + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)sz, f), (size_t)sz);
	buf[sz] = '\0';
	fclose(f);
	sl_redact_free(rx);
	*outlen = (size_t)sz;
	return buf;
}

enum mode { RAW, RECORDS, EVENTS };
static const char *const mode_name[] = { "raw log", "record stream",
    "CloudWatch events" };

/* The corpus as an input of the mode. */
static char *
build(const struct corpus *c, enum mode m, size_t *len)
{
	struct sl_buf b;
	size_t i;

	sl_buf_init(&b);
	for (i = 0; i < c->n; i++) {
		json_t *o;
		char *s;

		if (m == RAW) {
			sl_buf_adds(&b, c->in[i]);
			sl_buf_add(&b, "\r\n", 2);
			continue;
		}
		if (m == RECORDS)
			o = json_pack("{s:s,s:s,s:I,s:s,s:s}", "type", "line",
			    "session", "corpus-0123456789abcdef0", "n",
			    (json_int_t)(i + 1), "text", c->in[i], "src",
			    "corpus");
		else
			o = json_pack("{s:s,s:[s]}", "sessionId",
			    "corpus-0123456789abcdef0", "sessionData",
			    c->in[i]);
		s = json_dumps(o, JSON_COMPACT);
		sl_buf_adds(&b, s);
		sl_buf_addc(&b, '\n');
		free(s);
		json_decref(o);
	}
	*len = b.len;
	return b.buf;
}

/* The output's lines, as text. */
static size_t
lines_of(char *out, enum mode m, char **v)
{
	size_t n = 0;
	char *line, *save = NULL;

	for (line = strtok_r(out, "\n", &save); line != NULL && n < MAXL;
	    line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *o, *t;
		size_t k = strlen(line);

		if (m == RAW) {
			ck_assert(k > 0 && line[k - 1] == '\r');
			line[k - 1] = '\0';	/* the CR LF stayed */
			v[n++] = sl_xstrdup(line);
			continue;
		}
		o = json_loads(line, 0, &je);
		ck_assert_msg(o != NULL, "output is not JSON: %s", line);
		t = m == RECORDS ? json_object_get(o, "text") :
		    json_array_get(json_object_get(o, "sessionData"), 0);
		ck_assert(json_is_string(t));
		v[n++] = sl_xstrdup(json_string_value(t));
		json_decref(o);
	}
	return n;
}

static void
check_mode(enum mode m)
{
	struct corpus sec, cln;
	char *in, *out, *got[MAXL];
	size_t len, outlen, i, k, n, fn = 0, fp = 0, fpc = 0, with = 0;

	load(&sec, "tests/redact/secrets.txt");
	load(&cln, "tests/redact/clean.txt");
	for (i = 0; i < sec.n; i++)
		with += sec.has[i];
	ck_assert_uint_ge(with, 60);
	ck_assert_uint_ge(cln.n, 60);

	/* Secrets: none left, each marked where it was. */
	in = build(&sec, m, &len);
	out = redact(in, len, &outlen);
	for (k = 0; k < sec.nsecret; k++)
		if (strstr(out, sec.secret[k]) != NULL) {
			fprintf(stderr, "false negative (%s): %s\n",
			    mode_name[m], sec.secret[k]);
			fn++;
		}
	n = lines_of(out, m, got);
	ck_assert_uint_eq(n, sec.n);
	for (i = 0; i < n; i++) {
		if (strcmp(got[i], sec.want[i]) != 0) {
			int leaked = 0;

			for (k = 0; k < sec.nsecret; k++)
				if (strstr(got[i], sec.secret[k]) != NULL)
					leaked = 1;
			if (!leaked) {
				fprintf(stderr, "false positive (%s):\n got  %s\n"
				    " want %s\n", mode_name[m], got[i],
				    sec.want[i]);
				fp++;
			}
		}
		free(got[i]);
	}
	free(in);
	free(out);

	/* Look-alikes: untouched. */
	in = build(&cln, m, &len);
	out = redact(in, len, &outlen);
	n = lines_of(out, m, got);
	ck_assert_uint_eq(n, cln.n);
	for (i = 0; i < n; i++) {
		if (strcmp(got[i], cln.in[i]) != 0) {
			fprintf(stderr, "false positive (%s): %s\n",
			    mode_name[m], cln.in[i]);
			fpc++;
		}
		free(got[i]);
	}
	if (m == RAW)
		ck_assert_uint_eq(outlen, len);	/* byte for byte */
	free(in);
	free(out);

	printf("redact corpus, %s: %zu secrets on %zu lines, %zu false "
	    "negatives; %zu clean lines, %zu false positives (%zu on clean "
	    "lines, %zu around secrets)\n", mode_name[m], sec.nsecret, with,
	    fn, cln.n, fp + fpc, fpc, fp);
	fflush(stdout);
	ck_assert_uint_eq(fn, 0);
	ck_assert_uint_eq(fp + fpc, 0);
	unload(&sec);
	unload(&cln);
}

START_TEST(corpus_raw)
{
	check_mode(RAW);
}
END_TEST

START_TEST(corpus_records)
{
	check_mode(RECORDS);
}
END_TEST

START_TEST(corpus_events)
{
	check_mode(EVENTS);
}
END_TEST

/* The corpus has every kind of redaction.md. */
START_TEST(corpus_kinds)
{
	static const char *const kinds[] = { "aws-access-key-id",
	    "aws-secret-key", "aws-session-token", "private-key", "jwt",
	    "github-token", "gitlab-token", "slack-token", "slack-webhook",
	    "stripe-key", "npm-token", "google-api-key", "openai-key",
	    "anthropic-key", "url-credentials", "cli-password",
	    "windows-password", "typed-password", NULL };
	struct corpus c;
	size_t i, k;

	load(&c, "tests/redact/secrets.txt");
	for (k = 0; kinds[k] != NULL; k++) {
		for (i = 0; i < c.nkinds; i++)
			if (strcmp(c.kinds[i], kinds[k]) == 0)
				break;
		ck_assert_msg(i < c.nkinds, "no %s in the corpus", kinds[k]);
	}
	unload(&c);
}
END_TEST

static Suite *
corpus_suite(void)
{
	Suite *s = suite_create("redact_corpus");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, corpus_kinds);
	tcase_add_test(tc, corpus_raw);
	tcase_add_test(tc, corpus_records);
	tcase_add_test(tc, corpus_events);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(corpus_suite)
