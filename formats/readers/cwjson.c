/*
 * cwjson.c: JSON input for the CloudWatch, CloudTrail and describe-
 * sessions readers: the scanner's source over an input (with its
 * breaks), one event at a time into jansson, JSON Lines and typed
 * members.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "readers/cwlog.h"

/* ------------------------------------------------------------ sources */

void
cw_src_init(struct cw_src *s, struct sl_in *in)
{
	s->in = in;
	s->brk = -1;
}

/*
 * Peek first, so that the input has decoded what it hands out and knows
 * its breaks (a corrupt gzip member skipped); never read across one.
 */
ssize_t
cw_src_read(void *arg, void *buf, size_t n)
{
	struct cw_src *s = arg;
	const unsigned char *p;
	long long off = sl_in_offset(s->in), b;
	size_t avail;

	avail = sl_in_peek(s->in, &p, SL_MIN(n, (size_t)SL_PEEK));
	b = sl_in_next_break(s->in, off);
	if (b == off && b != s->brk) {
		s->brk = b;
		return SL_JS_READ_BREAK;
	}
	if (avail == 0)
		return sl_in_read(s->in, buf, n);	/* 0, or -1 */
	if (b > off && (long long)avail > b - off)
		avail = (size_t)(b - off);
	return sl_in_read(s->in, buf, avail);
}

ssize_t
cw_memsrc_read(void *arg, void *buf, size_t n)
{
	struct cw_memsrc *m = arg;
	size_t k = m->n - m->off;

	if (m->next < m->nbrk && (long long)m->off == m->brk[m->next]) {
		m->next++;
		return SL_JS_READ_BREAK;
	}
	if (m->next < m->nbrk && m->brk[m->next] - (long long)m->off <
	    (long long)k)
		k = (size_t)(m->brk[m->next] - (long long)m->off);
	k = SL_MIN(k, n);
	if (k == 0)		/* m->p may be NULL: a payload of nothing */
		return 0;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (ssize_t)k;
}

/* ------------------------------------------------------------- events */

int
cw_copy(struct sl_reader *rd, struct sl_jscan *js, struct sl_buf *b,
    const char *where)
{
	int rc = sl_jscan_copy(js, b, SL_EVENT_MAX);

	if (rc == SL_JS_ERR)
		return -1;
	sl_count_units(rd, 1);
	if (rc == SL_JS_BIG) {
		sl_reject(rd, NULL, where, "rejected event: larger than %d "
		    "MiB, skipped", SL_EVENT_MAX >> 20);
		return 0;
	}
	if (rc == SL_JS_DEEP) {
		sl_reject(rd, NULL, where, "rejected event: nested deeper "
		    "than %d levels", SL_JSON_DEPTH);
		return 0;
	}
	return 1;
}

json_t *
cw_parse(struct sl_reader *rd, struct sl_jscan *js, const struct sl_buf *b,
    const char *where)
{
	json_error_t err;
	json_t *v;

	v = json_loadb(b->buf, b->len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (v == NULL) {
		sl_reject(rd, NULL, where, "rejected event: invalid JSON: %s "
		    "(line %lld)", err.text, sl_jscan_line(js) + err.line - 1);
	}
	return v;
}

json_t *
cw_take(struct sl_reader *rd, struct sl_jscan *js, struct sl_buf *b,
    const char *where, int *scan)
{
	int rc = cw_copy(rd, js, b, where);

	*scan = rc < 0;
	return rc > 0 ? cw_parse(rd, js, b, where) : NULL;
}

/* Is d in range of long long?  Converting it otherwise is undefined. */
static int
fits_ll(double d)
{
	return d > -9.2e18 && d < 9.2e18;	/* NaN: no */
}

/* A JSON number token as an integer, as jansson would read it. */
static int
number(const char *p, size_t n, long long *v)
{
	char tok[64], *end;
	size_t i;
	int real = 0;

	if (n == 0 || n >= sizeof(tok))
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '.' || p[i] == 'e' || p[i] == 'E')
			real = 1;
		else if (!(p[i] >= '0' && p[i] <= '9') && !(p[i] == '-' &&
		    i == 0) && !((p[i] == '+' || p[i] == '-') && real))
			return 0;
	}
	memcpy(tok, p, n);
	tok[n] = '\0';
	errno = 0;
	if (real) {
		double d = strtod(tok, &end);

		if (!fits_ll(d))
			return 0;
		*v = (long long)d;
	} else
		*v = strtoll(tok, &end, 10);
	return *end == '\0' && errno == 0;
}

int
cw_event_fast(struct sl_jscan *js, const char *p, size_t n,
    struct sl_buf *msg, struct sl_buf *stream, int *has_stream,
    long long *ms)
{
	const char *key, *v;
	size_t vn;
	int r, t, have_msg = 0;

	sl_jscan_mem_reset(js, p, n);
	sl_buf_reset(msg);
	sl_buf_reset(stream);
	*has_stream = 0;
	*ms = -1;
	if (sl_jscan_next(js) != SL_JS_VALUE || sl_jscan_type(js) != '{' ||
	    sl_jscan_enter(js) != SL_JS_OK)
		return 0;
	while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
		key = sl_jscan_key(js);
		t = sl_jscan_type(js);
		if (strcmp(key, "message") == 0) {
			if (have_msg++ || t != '"' ||
			    sl_jscan_unquote(js, msg) != SL_JS_OK)
				return 0;
		} else if (strcmp(key, "timestamp") == 0) {
			if (t == '"' || t == '{' || t == '[' || t == 'n' ||
			    t == 't' || t == 'f' ||
			    sl_jscan_raw(js, &v, &vn) != SL_JS_OK ||
			    !number(v, vn, ms))
				return 0;
		} else if (strcmp(key, "logStreamName") == 0) {
			if (t != '"' || sl_jscan_unquote(js, stream) != SL_JS_OK ||
			    memchr(stream->buf, '\0', stream->len) != NULL)
				return 0;
			*has_stream = 1;
		}
	}
	return r == SL_JS_END && sl_jscan_next(js) == SL_JS_END && have_msg;
}

int
cw_scan_error(struct sl_reader *rd, struct sl_jscan *js)
{
	struct sl_buf where;
	const char *what;
	int rc;

	switch (sl_jscan_errkind(js)) {
	case SL_JSE_TRUNCATED:
		what = "truncated JSON";
		break;
	case SL_JSE_BREAK:
		what = "JSON cut short";
		break;
	default:
		what = "invalid JSON";
		break;
	}
	sl_buf_init(&where);
	sl_buf_printf(&where, "%s:%lld", rd->name, sl_jscan_err_line(js));
	/* What was lost there is one unit, whatever it held. */
	sl_count_units(rd, 1);
	rc = sl_reject(rd, NULL, where.buf, "%s: %s", what,
	    sl_jscan_error(js));
	sl_buf_free(&where);
	sl_jscan_recover(js);
	return rc;
}

int
cw_scan_failed(struct sl_reader *rd, struct sl_jscan *js, int *whole)
{
	if (sl_jscan_errkind(js) == SL_JSE_NONE)
		return SL_OK;
	if (sl_jscan_errkind(js) == SL_JSE_TRUNCATED)
		*whole = 0;
	return cw_scan_error(rd, js) == SL_STOP ? SL_STOP : SL_OK;
}

int
cw_is_jsonl(struct sl_reader *rd)
{
	const unsigned char *p;
	struct sl_jkeys k;
	size_t n, i;

	n = sl_in_peek(rd->in, &p, SL_PEEK);
	sl_jkeys_probe(p, n, &k);
	if (!k.whole)
		return 0;
	for (i = 0; i < k.end; i++)
		if (p[i] == '\n')
			return 0;
	for (; i < n; i++) {
		if (p[i] == '\n')
			return 1;
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	}
	return 1;		/* one line, all of the input */
}

int
cw_jsonl(struct sl_reader *rd, int (*fn)(void *, json_t *, long long),
    void *arg)
{
	struct sl_buf line, where;
	json_error_t err;
	const char *p;
	size_t n, i;
	int more, rc, status = SL_OK, toolong = 0;
	json_t *v;

	sl_buf_init(&line);
	sl_buf_init(&where);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		if (!toolong) {
			if (line.len + n > SL_EVENT_MAX) {
				toolong = 1;
				sl_buf_reset(&line);
			} else
				sl_buf_add(&line, p, n);
		}
		if (more)
			continue;
		for (i = 0; i < line.len && (line.buf[i] == ' ' ||
		    line.buf[i] == '\t' || line.buf[i] == '\r' ||
		    line.buf[i] == '\n'); i++)
			;
		if (i == line.len && !toolong) {
			sl_buf_reset(&line);
			continue;	/* blank lines hold nothing */
		}
		sl_count_units(rd, 1);
		sl_buf_reset(&where);
		sl_buf_printf(&where, "%s:%lld", rd->name,
		    sl_in_lineno(rd->in));
		if (toolong) {
			status = sl_reject(rd, NULL, where.buf, "rejected event: "
			    "line longer than %d MiB", SL_EVENT_MAX >> 20);
		} else if ((v = json_loadb(line.buf, line.len, JSON_ALLOW_NUL,
		    &err)) == NULL) {
			status = sl_reject(rd, NULL, where.buf, "rejected event: "
			    "invalid JSON at column %d: %s", err.column,
			    err.text);
		} else {
			int r = fn(arg, v, sl_in_lineno(rd->in));

			json_decref(v);
			if (r == SL_STOP || (r == SL_REJECT && status == SL_OK))
				status = r;
		}
		sl_buf_reset(&line);
		toolong = 0;
		if (status == SL_STOP)
			break;
	}
	sl_buf_free(&line);
	sl_buf_free(&where);
	if (status == SL_STOP)
		return SL_STOP;
	return rc < 0 ? SL_REJECT : status;
}

/* ------------------------------------------------------------ members */

const char *
cw_str(json_t *o, const char *key, const char **why)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	/* A NUL ("\u0000") would cut the value short: as bad as a number. */
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		if (*why == NULL)
			*why = key;
		return NULL;
	}
	return json_string_value(v);
}

json_t *
cw_obj(json_t *o, const char *key, const char **why)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		if (*why == NULL)
			*why = key;
		return NULL;
	}
	return v;
}

int
cw_num(json_t *o, const char *key, long long *v)
{
	json_t *j = json_object_get(o, key);

	if (j == NULL || json_is_null(j))
		return 0;
	if (json_is_integer(j))
		*v = (long long)json_integer_value(j);
	else if (json_is_real(j) && fits_ll(json_real_value(j)))
		*v = (long long)json_real_value(j);
	else
		return -1;
	return 1;
}

int
cw_each(struct sl_reader *rd, const char *key,
    int (*fn)(void *, json_t *, const char *, long long), void *arg,
    int *whole)
{
	struct sl_jscan *js;
	struct sl_buf b, where;
	struct cw_src src;
	long long n = 0;
	int rc = SL_OK, r, scan;
	json_t *v;

	cw_src_init(&src, rd->in);
	js = sl_jscan_new(cw_src_read, &src);
	sl_buf_init(&b);
	sl_buf_init(&where);
	while (rc != SL_STOP && (r = sl_jscan_next(js)) != SL_JS_END) {
		if (r == SL_JS_VALUE && sl_jscan_type(js) == '{' &&
		    sl_jscan_enter(js) == SL_JS_OK) {
			while (rc != SL_STOP &&
			    (r = sl_jscan_next(js)) == SL_JS_VALUE) {
				if (strcmp(sl_jscan_key(js), key) != 0 ||
				    sl_jscan_type(js) != '[')
					continue;
				sl_jscan_enter(js);
				while (rc != SL_STOP &&
				    (r = sl_jscan_next(js)) == SL_JS_VALUE) {
					sl_buf_reset(&where);
					sl_buf_printf(&where, "%s#%lld",
					    rd->name, ++n);
					v = cw_take(rd, js, &b, where.buf,
					    &scan);
					if (scan)
						break;
					if (v == NULL)
						continue;
					rc = fn(arg, v, where.buf, n);
					json_decref(v);
				}
				if (sl_jscan_errkind(js) != SL_JSE_NONE)
					break;
			}
		} else if (r == SL_JS_VALUE) {
			sl_buf_reset(&where);
			sl_buf_printf(&where, "%s#%lld", rd->name, ++n);
			rc = fn(arg, NULL, where.buf, n);
			continue;
		}
		if (cw_scan_failed(rd, js, whole) == SL_STOP)
			rc = SL_STOP;
	}
	sl_jscan_free(js);
	sl_buf_free(&b);
	sl_buf_free(&where);
	return rc == SL_STOP ? SL_STOP : SL_OK;
}
