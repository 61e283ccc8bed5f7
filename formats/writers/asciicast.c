/*
 * w_asciicast: a recording asciinema plays back (asciicast v2, or v3 with
 * --asciicast-version 3):
 *
 *	{"version":2,"width":80,"height":24,"timestamp":1714641247,
 *	 "title":"jdoe-0f3a9c2e71b4d8a65 on i-07d2c4e9a1b3f5068",
 *	 "env":{"TERM":"xterm-256color"}}
 *	[0.000,"m","bash"]
 *	[0.000,"o","\u001b]0;ssm-user@ip-10-20-3-14:~\u0007..."]
 *
 * Where the source has the terminal bytes and no times (typescripts, raw
 * pty logs: SL_RAW records) the output events carry them unchanged, one
 * event per input line, so colours and redraws replay, and `asciinema
 * cat` prints the bytes back (JSON holds only text: invalid UTF-8 becomes
 * U+FFFD).  Otherwise (records, streamed events, whose raw lines the
 * agent stripped of CRs) each event is a rendered line and CR LF.  Times come from the source where it has them (streamed
 * events), relative to the session's start; otherwise each input line
 * takes a fixed step (--step).  Each command gets a marker ("m") at its
 * line.  The terminal size is --width/--height, else the COLUMNS/LINES
 * the source recorded, else the widest line (at least 80 columns, at
 * most 500) by 24 rows.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/writer.h"

#define EVENT_CHUNK	(1 << 16)	/* bytes of one event, at most */
#define WIDTH_MIN	80
#define WIDTH_MAX	500
#define HEIGHT_DEF	24

struct cast {
	struct sl_buf b, data;
	long long last;		/* time of the last event, ms */
	long long t0;		/* time zero, ms; -1: not known */
	/* markers still to place (raw sessions) */
	struct sl_spool_cur *mk;
	const struct sl_record *next_mk;
	int mk_done;
};

static int
number(const char *s, int lo, int hi, int def)
{
	char *e;
	long v;

	if (s == NULL)
		return def;
	v = strtol(s, &e, 10);
	return *s != '\0' && *e == '\0' && v >= lo && v <= hi ? (int)v : def;
}

static int
header(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct cast *st = f->state;
	const struct sl_session *in = s->info;
	long long w = s->sum->width, ts;
	int width, height;

	w = w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
	width = f->opt->width > 0 ? f->opt->width :
	    number(sl_session_extra(in, "columns"), 1, 10000, (int)w);
	height = f->opt->height > 0 ? f->opt->height :
	    number(sl_session_extra(in, "lines"), 1, 10000, HEIGHT_DEF);
	sl_buf_reset(&st->b);
	if (f->opt->cast_version == 3)
		sl_buf_printf(&st->b, "{\"version\":3,\"term\":{\"cols\":%d,"
		    "\"rows\":%d,\"type\":\"xterm-256color\"}", width, height);
	else
		sl_buf_printf(&st->b, "{\"version\":2,\"width\":%d,"
		    "\"height\":%d", width, height);
	ts = sl_w_ms(in->f[SL_F_START]);
	if (ts < 0)
		ts = sl_w_ms(in->f[SL_F_END]);
	if (ts >= 0)
		sl_buf_printf(&st->b, ",\"timestamp\":%lld", ts / 1000);
	sl_buf_adds(&st->b, ",\"title\":");
	{
		struct sl_buf t;

		sl_buf_init(&t);
		sl_buf_adds(&t, s->id != NULL ? s->id : "session log");
		if (in->f[SL_F_TARGET] != NULL) {
			sl_buf_adds(&t, " on ");
			sl_buf_adds(&t, in->f[SL_F_TARGET]);
		}
		sl_buf_json_str(&st->b, t.buf, t.len);
		sl_buf_free(&t);
	}
	sl_buf_adds(&st->b, ",\"env\":{\"TERM\":\"xterm-256color\"");
	if (in->f[SL_F_RUN_AS] != NULL) {
		sl_buf_adds(&st->b, ",\"USER\":");
		sl_buf_json_str(&st->b, in->f[SL_F_RUN_AS],
		    strlen(in->f[SL_F_RUN_AS]));
	}
	sl_buf_adds(&st->b, "}}\n");
	return sl_w_buf(f, &st->b);
}

/* One event at t ms (absolute in v2, since the last event in v3). */
static int
event(struct sl_wfile *f, long long t, const char *code, const char *p,
    size_t n)
{
	struct cast *st = f->state;
	long long v;

	if (t < st->last)
		t = st->last;	/* times never go back */
	v = f->opt->cast_version == 3 ? t - st->last : t;
	st->last = t;
	sl_buf_reset(&st->b);
	sl_buf_printf(&st->b, "[%lld.%03lld,\"%s\",", v / 1000, v % 1000, code);
	sl_buf_json_str(&st->b, p, n);
	sl_buf_add(&st->b, "]\n", 2);
	return sl_w_buf(f, &st->b);
}

/* A line's time in ms since time zero, or -1 when it has none. */
static long long
line_time(struct cast *st, const char *t)
{
	long long ms = sl_w_ms(t);

	if (ms < 0 || st->t0 < 0)
		return -1;
	return ms > st->t0 ? ms - st->t0 : 0;
}

static int
is_command(const struct sl_record *r)
{
	return sl_record_is_command(r);
}

static int
marker(struct sl_wfile *f, long long t, const struct sl_record *r)
{
	return event(f, t, "m", r->text + r->prompt_len,
	    r->len - r->prompt_len);
}

/* Markers of commands drawn on input lines up to line, at time t. */
static int
markers_upto(struct sl_wfile *f, long long line, long long t)
{
	struct cast *st = f->state;
	const struct sl_record *r;
	int got, rc = SL_OK;

	while (rc == SL_OK && !st->mk_done) {
		if (st->next_mk == NULL) {
			while ((got = sl_spool_next(st->mk, &r)) > 0 &&
			    !is_command(r))
				;
			if (got <= 0) {
				st->mk_done = 1;
				return got < 0 ? SL_FATAL : SL_OK;
			}
			st->next_mk = r;
		}
		if (line >= 0 && st->next_mk->src_line > line)
			break;
		rc = marker(f, t, st->next_mk);
		st->next_mk = NULL;
	}
	return rc;
}

/* Where to cut p[0, n) so that no UTF-8 sequence is split. */
static size_t
utf8_cut(const unsigned char *p, size_t n)
{
	size_t i, need;

	for (i = 1; i <= 3 && i <= n; i++) {
		unsigned char c = p[n - i];

		if (c < 0x80)
			break;
		if (c >= 0xc0) {	/* a lead byte: is its sequence whole? */
			need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			return need > i ? n - i : n;
		}
	}
	return n;
}

/* Write the event data held, all of it or only up to a UTF-8 boundary. */
static int
flush_data(struct sl_wfile *f, long long t, int all)
{
	struct cast *st = f->state;
	size_t n = st->data.len;
	int rc;

	if (n == 0)
		return SL_OK;
	if (!all && (n = utf8_cut((const unsigned char *)st->data.buf, n)) == 0)
		return SL_OK;
	rc = event(f, t, "o", st->data.buf, n);
	memmove(st->data.buf, st->data.buf + n, st->data.len - n);
	st->data.len -= n;
	return rc;
}

/* Raw bytes: one event per input line, markers by the line they are on. */
static int
raw_events(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct cast *st = f->state;
	struct sl_spool_cur *cur = sl_spool_cursor(s->spool);
	const struct sl_record *r;
	long long line = -1, k = -1, t = 0, lt;
	int rc = SL_OK, got = 0;

	st->mk = sl_spool_cursor(s->spool);
	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0) {
		if (r->type != SL_RAW)
			continue;
		if (r->src_line != line) {
			if ((rc = flush_data(f, t, 1)) != SL_OK)
				break;
			k++;
			line = r->src_line;
			lt = line_time(st, r->time);
			t = lt >= 0 ? lt : k * f->opt->step_ms;
			if ((rc = markers_upto(f, line, t)) != SL_OK)
				break;
		}
		sl_buf_add(&st->data, r->text, r->len);
		if (st->data.len >= EVENT_CHUNK)
			rc = flush_data(f, t, 0);
	}
	if (got < 0)
		rc = SL_FATAL;
	if (rc == SL_OK)
		rc = flush_data(f, t, 1);
	if (rc == SL_OK)
		rc = markers_upto(f, -1, t);
	sl_spool_cursor_free(cur);
	sl_spool_cursor_free(st->mk);
	st->mk = NULL;
	return rc;
}

/* Rendered lines: one event per line, a marker before each command. */
static int
line_events(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct cast *st = f->state;
	struct sl_spool_cur *cur = sl_spool_cursor(s->spool);
	const struct sl_record *r;
	long long t = -1, lt;
	int rc = SL_OK, got = 0;

	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0) {
		if (r->type != SL_LINE)
			continue;
		lt = line_time(st, r->time);
		t = lt >= 0 ? lt : t < 0 ? 0 : t + f->opt->step_ms;
		if (is_command(r))
			rc = marker(f, t, r);
		sl_buf_reset(&st->data);
		sl_w_clean(&st->data, r->text, r->len);
		sl_buf_add(&st->data, "\r\n", 2);
		if (rc == SL_OK)
			rc = event(f, t, "o", st->data.buf, st->data.len);
	}
	if (got < 0)
		rc = SL_FATAL;
	sl_buf_reset(&st->data);
	sl_spool_cursor_free(cur);
	return rc;
}

static int
cast_whole(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct cast *st = f->state;
	long long start = sl_w_ms(s->info->f[SL_F_START]);
	long long first = sl_w_ms(s->sum->first_time[0] != '\0' ?
	    s->sum->first_time : NULL);
	int rc;

	st->last = 0;
	st->next_mk = NULL;
	st->mk_done = 0;
	st->t0 = start >= 0 && (first < 0 || start <= first) ? start : first;
	if ((rc = header(f, s)) != SL_OK)
		return rc;
	/* Streamed events carry raw lines too, but stripped of their CRs
	 * by the agent, and timed: their rendered lines replay better. */
	return s->sum->raw > 0 && s->sum->first_time[0] == '\0' ?
	    raw_events(f, s) : line_events(f, s);
}

static int
cast_close(struct sl_wfile *f)
{
	struct cast *st = f->state;

	sl_buf_free(&st->b);
	sl_buf_free(&st->data);
	return SL_OK;
}

const struct sl_writer sl_writer_asciicast = {
	"asciicast",
	"an asciinema recording (v2, or v3), original bytes where known",
	".cast",
	SL_WANT_RAW,
	SL_W_WHOLE | SL_W_ONE | SL_W_WIDTH,
	sizeof(struct cast),
	NULL,
	NULL,
	NULL,
	NULL,
	cast_whole,
	cast_close,
	NULL,
};
