/*
 * common.c: invariants every harness checks (see fuzz.h).
 */
#include <sys/mman.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <utf8proc.h>

#include "fuzz.h"

/* Stop at the first undefined behaviour, unless suppressed (fuzz/run). */
const char *__ubsan_default_options(void);

const char *
__ubsan_default_options(void)
{
	return "halt_on_error=1:print_stacktrace=1";
}

void
fz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz: invariant: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int
fz_allowed(const char *tag)
{
	const char *a = getenv("FUZZ_ALLOW"), *p;
	size_t n = strlen(tag);

	for (p = a; p != NULL && (p = strstr(p, tag)) != NULL; p += n)
		if ((p == a || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
	return 0;
}

int
fz_utf8_ok(const void *p, size_t n)
{
	return sl_utf8_valid_prefix(p, n) == n;
}

/* tab: a TAB does not count (record streams may carry one). */
static int
control(const void *p, size_t n, int tab)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((s[i] < 0x20 && !(tab && s[i] == '\t')) || s[i] == 0x7f)
			return 1;
		/* C1: U+0080..U+009F is C2 80..C2 9F */
		if (s[i] == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

int
fz_has_control(const void *p, size_t n)
{
	return control(p, n, 0);
}

size_t
fz_width(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0, w = 0, k;
	uint32_t cp;
	int cw;

	while (i < n) {
		k = sl_utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			k = n - i;
		cw = utf8proc_charwidth((utf8proc_int32_t)cp);
		w += cw > 0 ? (size_t)cw : 0;
		i += k;
	}
	return w;
}

/* ------------------------------------------------------ record checks */

struct sess {
	char *sid;		/* NULL: the unknown session */
	long long n;
};

struct fz_check {
	int strict;
	unsigned want;
	long long count;
	struct sess *s;
	size_t ns, caps;
	struct sl_buf json;
};

struct fz_check *
fz_check_new(int strict, unsigned want)
{
	struct fz_check *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	c->strict = strict;
	c->want = want;
	sl_buf_init(&c->json);
	return c;
}

void
fz_check_free(struct fz_check *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ns; i++)
		free(c->s[i].sid);
	free(c->s);
	sl_buf_free(&c->json);
	free(c);
}

long long
fz_check_count(const struct fz_check *c)
{
	return c->count;
}

static struct sess *
sess_of(struct fz_check *c, const char *sid)
{
	size_t i;

	/* Few sessions per input; a scan from the end finds the last. */
	for (i = c->ns; i-- > 0;)
		if ((sid == NULL && c->s[i].sid == NULL) || (sid != NULL &&
		    c->s[i].sid != NULL && strcmp(sid, c->s[i].sid) == 0))
			return &c->s[i];
	if (c->ns == c->caps) {
		c->caps = c->caps ? c->caps * 2 : 16;
		c->s = realloc(c->s, c->caps * sizeof(*c->s));
		if (c->s == NULL)
			abort();
	}
	c->s[c->ns].sid = sid != NULL ? strdup(sid) : NULL;
	c->s[c->ns].n = 0;
	return &c->s[c->ns++];
}

static int
is_char_start(const char *text, size_t len, size_t off)
{
	return off == len || off == 0 ||
	    ((unsigned char)text[off] & 0xc0) != 0x80;
}

static void
check_time(const char *what, const char *s)
{
	long long ms;
	char back[25];

	if (strlen(s) != 24 || s[23] != 'Z' || s[10] != 'T' || s[19] != '.')
		fz_fail("%s \"%s\" is not YYYY-MM-DDTHH:MM:SS.mmmZ", what, s);
	if (sl_time_rfc3339(s, 24, &ms) != 0)
		fz_fail("%s \"%s\" does not parse", what, s);
	sl_time_format(ms, back);
	if (strcmp(back, s) != 0)
		fz_fail("%s \"%s\" formats back as \"%s\"", what, s, back);
}

static int
in_list(const char *s, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static void
check_string(const char *what, const char *s, int strict)
{
	if (s == NULL)
		return;
	if (*s == '\0')
		fz_fail("%s is \"\" (unknown values are left out)", what);
	if (strict && !fz_utf8_ok(s, strlen(s)))
		fz_fail("%s is not valid UTF-8", what);
}

static void
check_session(const struct fz_check *c, const struct sl_record *r)
{
	static const char *const kinds[] = { "shell", "port-forwarding", "ssh",
	    "command", "unknown", NULL };
	int i;

	for (i = 0; i < SL_F_COUNT; i++)
		check_string(sl_field_name((enum sl_field)i), r->f[i],
		    c->strict);
	for (i = 0; i < (int)r->nextra; i++) {
		if (r->extra[i].key == NULL || (c->strict &&
		    *r->extra[i].key == '\0'))
			fz_fail("session extra field %d has no key", i);
		check_string(r->extra[i].key, r->extra[i].val, c->strict);
	}
	if (!c->strict)
		return;
	if (r->f[SL_F_START] != NULL)
		check_time("start", r->f[SL_F_START]);
	if (r->f[SL_F_END] != NULL)
		check_time("end", r->f[SL_F_END]);
	/* sl-records(5) lists them; sl_time_src_rank() knows the list. */
	if (r->f[SL_F_START_SRC] != NULL && sl_time_src_rank(
	    r->f[SL_F_START_SRC]) == sl_time_src_rank(NULL))
		fz_fail("start_src \"%s\"", r->f[SL_F_START_SRC]);
	if (r->f[SL_F_END_SRC] != NULL && sl_time_src_rank(
	    r->f[SL_F_END_SRC]) == sl_time_src_rank(NULL))
		fz_fail("end_src \"%s\"", r->f[SL_F_END_SRC]);
	if ((r->f[SL_F_START] == NULL) != (r->f[SL_F_START_SRC] == NULL))
		fz_fail("start and start_src come together");
	if ((r->f[SL_F_END] == NULL) != (r->f[SL_F_END_SRC] == NULL))
		fz_fail("end and end_src come together");
	if (r->f[SL_F_KIND] != NULL && !in_list(r->f[SL_F_KIND], kinds))
		fz_fail("kind \"%s\"", r->f[SL_F_KIND]);
	if (r->f[SL_F_ORIGIN] == NULL)
		fz_fail("a session record without origin");
	if (r->f[SL_F_PRINCIPAL] != NULL && r->session != NULL) {
		char *p = sl_session_principal(r->session);

		if (p == NULL || strcmp(p, r->f[SL_F_PRINCIPAL]) != 0)
			fz_fail("principal \"%s\" of session \"%s\"",
			    r->f[SL_F_PRINCIPAL], r->session);
		free(p);
	}
}

static void
check_line(struct fz_check *c, const struct sl_record *r)
{
	struct sess *s;
	size_t i, end = 0;

	if (r->text == NULL)
		fz_fail("line without text");
	if (r->n < 1)
		fz_fail("line n %lld", r->n);
	if (r->has_prompt && r->prompt_len > r->len)
		fz_fail("prompt_len %zu > len %zu", r->prompt_len, r->len);
	if (r->time != NULL && c->strict)
		check_time("time", r->time);
	s = sess_of(c, r->session);
	if (c->strict && r->n != s->n + 1 && !fz_allowed("n-order"))
		fz_fail("[n-order] session %s: line n %lld after %lld",
		    r->session ? r->session : "null", r->n, s->n);
	s->n = r->n;
	if ((c->want & SL_WANT_ATTRS) == 0 && (r->spans != NULL ||
	    r->nspans != 0))
		fz_fail("spans that were not asked for");
	for (i = 0; i < r->nspans; i++) {
		const struct sl_span *sp = &r->spans[i];

		if (sp->off < end || (size_t)sp->off + sp->len > r->len)
			fz_fail("span %zu [%u,+%u) in text of %zu", i, sp->off,
			    sp->len, r->len);
		if (!is_char_start(r->text, r->len, sp->off) ||
		    !is_char_start(r->text, r->len, sp->off + sp->len))
			fz_fail("span %zu [%u,+%u) splits a character", i,
			    sp->off, sp->len);
		end = sp->off + sp->len;
	}
	/* Even a record stream read back may not carry these (records.c). */
	if (strlen(r->text) != r->len)
		fz_fail("text holds NUL (strlen %zu, len %zu)",
		    strlen(r->text), r->len);
	if (!fz_utf8_ok(r->text, r->len))
		fz_fail("text is not valid UTF-8");
	if (control(r->text, r->len, !c->strict))
		fz_fail("text holds a control character");
	if (!c->strict)
		return;
	if (r->len > 0 && (r->text[r->len - 1] == ' ' ||
	    r->text[r->len - 1] == '\t'))
		fz_fail("text has trailing white space");
	if (r->has_prompt && !is_char_start(r->text, r->len, r->prompt_len))
		fz_fail("prompt ends inside a character");
	if (r->cont && !r->has_prompt)
		fz_fail("cont without prompt");
	if ((r->cancelled || r->redrawn) && !r->has_prompt)
		fz_fail("cancelled or redrawn without prompt");
}

static void
check_note(const struct fz_check *c, const struct sl_record *r)
{
	const char *p;

	if (r->code == NULL || *r->code == '\0')
		fz_fail("note without code");
	for (p = r->code; *p != '\0'; p++)
		if (!(islower((unsigned char)*p) || *p == '-' ||
		    (p > r->code && isdigit((unsigned char)*p))))
			fz_fail("note code \"%s\"", r->code);
	if (r->text == NULL)
		fz_fail("note without text");
	if (r->count < -1)
		fz_fail("note count %lld", r->count);
	if (!fz_utf8_ok(r->text, r->len) || strlen(r->text) != r->len)
		fz_fail("note text is not valid UTF-8");
	if (control(r->text, r->len, !c->strict))
		fz_fail("note text holds a control character");
}

/* ----------------------------------------------------- the JSON form */

static const char *
jstr(json_t *o, const char *k, size_t *len)
{
	json_t *v = json_object_get(o, k);

	if (v == NULL)
		return NULL;
	if (!json_is_string(v))
		fz_fail("JSON \"%s\" is not a string", k);
	if (len != NULL)
		*len = json_string_length(v);
	return json_string_value(v);
}

/* s as written: NULL stays NULL; valid UTF-8 reads back the same. */
static void
same(const char *what, const char *want, size_t wlen, const char *got,
    size_t glen)
{
	if ((want == NULL) != (got == NULL))
		fz_fail("JSON %s: %s", what, want == NULL ? "unexpected" :
		    "missing");
	if (want == NULL || !fz_utf8_ok(want, wlen))
		return;
	if (wlen != glen || memcmp(want, got, wlen) != 0)
		fz_fail("JSON %s reads back different", what);
}

static void
check_json(struct fz_check *c, const struct sl_record *r)
{
	static const char *const types[] = { "session", "line", "note", "raw" };
	json_error_t e;
	json_t *o, *v;
	const char *s, *prompt, *cmd, *text;
	size_t len, plen = 0, clen = 0, tlen = 0;
	int i;

	sl_buf_reset(&c->json);
	sl_record_to_json(&c->json, r);
	if (c->json.len == 0 || c->json.buf[c->json.len - 1] != '\n' ||
	    memchr(c->json.buf, '\n', c->json.len - 1) != NULL)
		fz_fail("JSON form is not one line");
	if (memchr(c->json.buf, '\r', c->json.len) != NULL)
		fz_fail("JSON form holds a raw CR");
	if (!fz_utf8_ok(c->json.buf, c->json.len))
		fz_fail("JSON form is not valid UTF-8");
	o = json_loadb(c->json.buf, c->json.len - 1, JSON_ALLOW_NUL, &e);
	if (o == NULL)
		fz_fail("JSON form does not parse: %s at %d: %.200s", e.text,
		    e.position, c->json.buf);
	if (!json_is_object(o))
		fz_fail("JSON form is not an object");
	if (strcmp(json_object_iter_key(json_object_iter(o)), "type") != 0)
		fz_fail("\"type\" is not the first key");
	s = jstr(o, "type", NULL);
	if (s == NULL || strcmp(s, types[r->type]) != 0)
		fz_fail("JSON type");
	v = json_object_get(o, "session");
	if (v == NULL || (!json_is_null(v) && !json_is_string(v)))
		fz_fail("JSON session is neither null nor a string");
	if (r->session != NULL) {
		if (json_is_null(v))
			fz_fail("JSON session null");
		same("session", r->session, strlen(r->session),
		    json_string_value(v), json_string_length(v));
	} else if (!json_is_null(v))
		fz_fail("JSON session should be null");
	s = jstr(o, "src", &len);
	if (r->src != NULL)
		same("src", r->src, strlen(r->src), s, len);
	switch (r->type) {
	case SL_LINE:
		v = json_object_get(o, "n");
		if (!json_is_integer(v) || json_integer_value(v) != r->n)
			fz_fail("JSON n");
		text = jstr(o, "text", &tlen);
		same("text", r->text, r->len, text, tlen);
		prompt = jstr(o, "prompt", &plen);
		cmd = jstr(o, "cmd", &clen);
		if ((prompt != NULL) != (r->has_prompt != 0) ||
		    (cmd != NULL) != (r->has_prompt != 0))
			fz_fail("JSON prompt/cmd presence");
		if (prompt != NULL && fz_utf8_ok(r->text, r->len) &&
		    (plen + clen != tlen || memcmp(text, prompt, plen) != 0 ||
		    memcmp(text + plen, cmd, clen) != 0))
			fz_fail("JSON prompt + cmd != text");
		v = json_object_get(o, "cont");
		if ((v != NULL) != (r->cont != 0) || (v != NULL &&
		    !json_is_true(v)))
			fz_fail("JSON cont");
		v = json_object_get(o, "cancelled");
		if ((v != NULL) != (r->cancelled != 0) || (v != NULL &&
		    !json_is_true(v)))
			fz_fail("JSON cancelled");
		s = jstr(o, "expanded", &len);
		same("expanded", r->expanded, r->expanded ?
		    strlen(r->expanded) : 0, s, len);
		v = json_object_get(o, "redrawn");
		if ((v != NULL) != (r->redrawn != 0) || (v != NULL &&
		    !json_is_true(v)))
			fz_fail("JSON redrawn");
		s = jstr(o, "time", &len);
		same("time", r->time, r->time ? strlen(r->time) : 0, s, len);
		break;
	case SL_SESSION:
		for (i = 0; i < SL_F_COUNT; i++) {
			s = jstr(o, sl_field_name((enum sl_field)i), &len);
			same(sl_field_name((enum sl_field)i), r->f[i],
			    r->f[i] ? strlen(r->f[i]) : 0, s, len);
		}
		break;
	case SL_NOTE:
		s = jstr(o, "code", &len);
		same("code", r->code, strlen(r->code), s, len);
		s = jstr(o, "text", &len);
		same("note text", r->text, r->len, s, len);
		v = json_object_get(o, "count");
		if (r->count >= 0 ? !json_is_integer(v) ||
		    json_integer_value(v) != r->count : v != NULL)
			fz_fail("JSON count");
		break;
	case SL_RAW:
		break;
	}
	json_decref(o);
}

void
fz_check_record(struct fz_check *c, const struct sl_record *r)
{
	c->count++;
	if (r->src == NULL || *r->src == '\0')
		fz_fail("record without src");
	if (c->strict && !fz_utf8_ok(r->src, strlen(r->src)))
		fz_fail("src is not valid UTF-8");
	if (r->session != NULL && *r->session == '\0')
		fz_fail("session \"\" (null when unknown)");
	switch (r->type) {
	case SL_SESSION:
		check_session(c, r);
		break;
	case SL_LINE:
		check_line(c, r);
		break;
	case SL_NOTE:
		check_note(c, r);
		break;
	case SL_RAW:
		if ((c->want & SL_WANT_RAW) == 0)
			fz_fail("raw record not asked for");
		if (r->text == NULL)
			fz_fail("raw record without bytes");
		return;		/* in-process only: never written */
	default:
		fz_fail("record type %d", (int)r->type);
	}
	check_json(c, r);
}

int
fz_sink_put(void *arg, const struct sl_record *r)
{
	fz_check_record(arg, r);
	return SL_OK;
}

void
fz_errfn(void *arg, const char *where, const char *msg)
{
	if (where == NULL || *where == '\0')
		fz_fail("error message without a position: %s", msg);
	if (msg == NULL || *msg == '\0')
		fz_fail("empty error message at %s", where);
	if (fz_has_control(msg, strlen(msg)))
		fz_fail("control character in error message: %s", msg);
	/* where names files and members as they are: the tools clean it. */
	if (arg != NULL)
		(*(long long *)arg)++;
}

/* An information line (sl_run_set_info): no failure, so it needs no
 * position (a run's summary has none), but it is clean text. */
void
fz_infofn(void *arg, const char *where, const char *msg)
{
	(void)arg;
	(void)where;
	if (msg == NULL || *msg == '\0')
		fz_fail("empty information message");
	if (fz_has_control(msg, strlen(msg)))
		fz_fail("control character in information message: %s", msg);
}

int
fz_run_finish(struct sl_run *run, int rc)
{
	int frc = sl_run_finish(run);

	return rc == SL_OK ? frc : rc;
}

void
fz_check_stats(const struct sl_stats *st, const char *tag)
{
	if (fz_allowed(tag))
		return;
	if (st->units != st->written + st->merged + st->skipped +
	    st->rejected || st->units < 0 || st->written < 0 ||
	    st->merged < 0 || st->skipped < 0 || st->rejected < 0)
		fz_fail("[%s] units %lld != written %lld + merged %lld "
		    "+ skipped %lld + rejected %lld", tag, st->units,
		    st->written, st->merged, st->skipped, st->rejected);
}

/* ------------------------------------------------------------- files */

int
fz_memfd(const char *name, const void *p, size_t n)
{
	const char *s = p;
	int fd = memfd_create(name, MFD_CLOEXEC);
	ssize_t w;

	if (fd < 0)
		abort();
	while (n > 0) {
		w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			abort();
		s += w;
		n -= (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

void
fz_slurp(int fd, struct sl_buf *b)
{
	char tmp[65536];
	ssize_t got;
	off_t off = 0;

	sl_buf_reset(b);
	while ((got = pread(fd, tmp, sizeof(tmp), off)) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			abort();
		sl_buf_add(b, tmp, (size_t)got);
		off += got;
	}
}
