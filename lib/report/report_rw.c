/*
 * report_rw.c: what every renderer shares: a writer over an sl_out,
 * numbers and names for people.  It knows no renderer (report_write.c
 * picks them), so the renderers depend on it and not the other way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "output/output.h"
#include "report/report.h"

/*
 * Writes are appended in place to the sl_out's buffer (sl_out_buf), which
 * writes it out once it is full (sl_out_appended): a report is mostly
 * pieces of a few bytes, and a call of sl_out_write for each, through
 * a scratch buffer for numbers and strings, was two fifths of writing
 * the JSON report of 2,000 sessions (now 28% fewer instructions), all
 * of it in the part of -j N that the workers cannot share.  w->b is
 * scratch for what must be formatted first.
 */

/* What was appended: written out when the buffer is full; a failure
 * is kept (and what is appended after it dropped). */
static inline void
appended(struct rw *w)
{
	if (w->ob->len >= SL_OUT_BUF && sl_out_appended(w->o) != SL_OK)
		w->err = 1;
}

void
rw_n(struct rw *w, const char *s, size_t n)
{
	struct sl_buf *b = w->ob;

	if (w->err || n == 0)
		return;
	if (b->len + n < b->cap) {	/* sl_buf_add, without its call */
		memcpy(b->buf + b->len, s, n);
		b->len += n;
		b->buf[b->len] = '\0';
	} else
		sl_buf_add(b, s, n);
	appended(w);
}

void
rw_s(struct rw *w, const char *s)
{
	rw_n(w, s, strlen(s));
}

void
rw_c(struct rw *w, int c)
{
	struct sl_buf *b = w->ob;

	if (w->err)
		return;
	if (b->len + 1 < b->cap) {
		b->buf[b->len++] = (char)c;
		b->buf[b->len] = '\0';
	} else
		sl_buf_addc(b, c);
	appended(w);
}

void
rw_int(struct rw *w, long long v)
{
	if (w->err)
		return;
	sl_buf_add_int(w->ob, v);
	appended(w);
}

void
rw_json(struct rw *w, const char *s, size_t n)
{
	if (w->err)
		return;
	sl_buf_json_str(w->ob, s, n);
	appended(w);
}

void
rw_printf(struct rw *w, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	rw_n(w, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

void
rw_secs(struct rw *w, long long ms)
{
	char frac[8];
	int k;

	rw_int(w, ms / 1000);
	if (ms % 1000 == 0)
		return;
	snprintf(frac, sizeof(frac), ".%03lld", ms % 1000);
	for (k = 4; k > 1 && frac[k - 1] == '0'; k--)
		frac[k - 1] = '\0';
	rw_s(w, frac);
}

const char *
report_short_time(const char *t, char *buf)
{
	if (t == NULL)
		return NULL;
	memcpy(buf, t, 19);
	buf[10] = ' ';
	buf[19] = '\0';
	return buf;
}

void
report_human_duration(long long ms, char *out, size_t n)
{
	long long s = ms / 1000;

	if (ms < 0)
		snprintf(out, n, "-");
	else if (s < 60)
		snprintf(out, n, "%llds", s);
	else if (s < 3600)
		snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

void
report_human_bytes(long long b, char *out, size_t n)
{
	if (b < 1024)
		snprintf(out, n, "%lld B", b);
	else if (b < 1024 * 1024)
		snprintf(out, n, "%.1f KiB", (double)b / 1024);
	else if (b < 1024LL * 1024 * 1024)
		snprintf(out, n, "%.1f MiB", (double)b / (1024 * 1024));
	else
		snprintf(out, n, "%.2f GiB", (double)b / (1024 * 1024 * 1024));
}

const char *
report_short_user(const char *u)
{
	const char *p = u;
	int colons = 0;

	if (u == NULL || strncmp(u, "arn:", 4) != 0)
		return u;
	while (*p != '\0' && colons < 5)
		if (*p++ == ':')
			colons++;
	return *p != '\0' ? p : u;
}

const char *
sl_report_left_out(const struct sl_report *rep)
{
	return rep->left_out.len > 0 ? rep->left_out.buf : NULL;
}

/* Display columns of the code point at p (n bytes left); *len its bytes. */
static int
cp_width(const char *p, size_t n, size_t *len)
{
	uint32_t cp;
	int w;

	*len = sl_utf8_decode((const unsigned char *)p, n, &cp);
	if (*len == 0) {
		*len = 1;
		return 1;
	}
	w = utf8proc_charwidth((utf8proc_int32_t)cp);
	return w < 1 ? 1 : w;
}

static int
str_width(const char *s, size_t n)
{
	size_t i, k;
	int w = 0;

	for (i = 0; i < n; i += k)
		w += cp_width(s + i, n - i, &k);
	return w;
}

/* Start of the longest tail of s[0, n) that fits in max columns. */
static size_t
tail_fitting(const char *s, size_t n, int max)
{
	size_t at = n, b, k;
	int w = 0;

	while (at > 0) {
		b = at - 1;
		while (b > 0 && ((unsigned char)s[b] & 0xc0) == 0x80)
			b--;
		w += cp_width(s + b, n - b, &k);
		if (w > max)
			break;
		at = b;
	}
	return at;
}

/* Length of the longest head of s[0, n) that fits in max columns. */
static size_t
head_fitting(const char *s, size_t n, int max)
{
	size_t at = 0, k;
	int w = 0;

	while (at < n) {
		w += cp_width(s + at, n - at, &k);
		if (w > max)
			break;
		at += k;
	}
	return at;
}

void
report_user_label(const char *u, int max, struct sl_buf *out)
{
	const char *s = report_short_user(u), *last;
	size_t n, tail;
	int tw;

	sl_buf_reset(out);
	if (s == NULL)
		return;
	n = strlen(s);
	if (str_width(s, n) <= max) {
		sl_buf_add(out, s, n);
		return;
	}
	/* The last part whole ("/alice@example.com"), after as much of the
	 * beginning as fits ("assumed-role/AWSReservedSSO_Adm..."); a last
	 * part too long for that is kept as far as it fits. */
	last = strrchr(s, '/');
	tail = last != NULL ? (size_t)(last - s) : 0;
	tw = str_width(s + tail, n - tail);
	if (last == NULL || tw > max - 4) {	/* 3 columns of head at least */
		sl_buf_adds(out, "\xe2\x80\xa6");
		sl_buf_adds(out, s + tail_fitting(s, n, max - 1));
		return;
	}
	sl_buf_add(out, s, head_fitting(s, tail, max - tw - 1));
	sl_buf_adds(out, "\xe2\x80\xa6");
	sl_buf_adds(out, s + tail);
}

void
report_cmd_oneline(const char *s, size_t n, struct sl_buf *out)
{
	const char *nl;

	sl_buf_reset(out);
	while ((nl = memchr(s, '\n', n)) != NULL) {
		sl_buf_add(out, s, (size_t)(nl - s));
		sl_buf_adds(out, " \xe2\x86\xb5 ");
		n -= (size_t)(nl - s) + 1;
		s = nl + 1;
	}
	sl_buf_add(out, s, n);
}

const char *
report_cmd_flags(unsigned flags)
{
	return flags & RCMD_CANCELLED ? "cancelled" : "";
}
