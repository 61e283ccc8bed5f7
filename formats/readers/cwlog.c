/*
 * cwlog.c: session-log events from CloudWatch Logs, whatever carried
 * them (CLI JSON, export files, subscription payloads, Logs Insights).
 * A log event's message is one of:
 *
 *  - a streamed event (cloudWatchStreamingEnabled), compact JSON:
 *	{"eventVersion":"1.0","eventTime":"2024-05-01T12:00:05Z",
 *	 "awsRegion":"us-east-1","target":{"id":"i-0abc123def4567890"},
 *	 "userIdentity":{"arn":"arn:aws:sts::123456789012:assumed-role/A/b"},
 *	 "runAsUser":"ssm-user","sessionId":"alice-0a1b2c3d4e5f67890",
 *	 "sessionData":["sh-5.2$ ls -l /etc/hosts","-rw-r--r--. 1 root ..."]}
 *    Each sessionData element is one line: the agent's ANSI stripper
 *    leaves a whole line raw when it fails (a BEL-ended title, so most
 *    prompt lines), removes CRs but keeps BS, and may have turned bytes
 *    0x80-0x9F into U+FFFD.  So every element goes through the renderer
 *    again, from scratch, and becomes exactly one line record, timed by
 *    eventTime.  One renderer serves every streamed session of an input
 *    (sessions interleave); each session keeps only its prompt state.
 *  - a slice of the typescript uploaded at session end (streaming off):
 *    at most 200,000 bytes, cut at a line end, with "\r\n" made "\n" and
 *    the last LF cut.  Consecutive events of a stream are joined with
 *    "\n" and parsed as a typescript (ts-core.c), one line at a time:
 *    the last line of each event waits for the next event of its stream.
 *    Its lines have no time: an upload's time is not the command's.
 *  - a CloudTrail event (a trail delivered to CloudWatch Logs): cwtrail.c.
 *
 * Where events are and how they ended: cwtally.c.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "readers/cwlog.h"
#include "readers/cwlog_private.h"
#include "readers/ts-core.h"

#define BOM	"\xef\xbb\xbf"
#define STARS	"**********************"
#define TRAILER	"Script done on "

struct cws {
	char *sid;
	/* streamed events */
	struct sl_tty_part *part;
	long long first_ms, last_ms;	/* -1: unknown */
	long long last_pos;
	int pwsh;		/* a Windows session: a PowerShell transcript */
	int block;		/* inside one of its header blocks */
	char *host;		/* its Machine: */
	/* an upload at session end */
	struct ts_core *ts;
	struct sl_buf tail;	/* last line of the last event, no LF */
	int has_tail;
	long long tail_pos;
	long long text_pos;	/* position of the last line fed */
	long long lines;	/* numbered so far, uploaded or streamed */
};

struct cwl *
cwl_new(struct sl_reader *rd, char sep)
{
	struct cwl *c = sl_xcalloc(1, sizeof(*c));

	c->rd = rd;
	c->sep = sep;
	c->byid = sl_strmap_new(0);
	c->name_sid = sl_session_from_name(rd->name);
	sl_buf_init(&c->where);
	sl_buf_init(&c->arena);
	c->status = SL_OK;
	return c;
}

/* ----------------------------------------------------------- sessions */

static struct cws *
cws_new(struct cwl *c, const char *sid)
{
	struct cws *s = sl_xcalloc(1, sizeof(*s));

	s->sid = sid != NULL ? sl_xstrdup(sid) : NULL;
	s->first_ms = s->last_ms = -1;
	sl_buf_init(&s->tail);
	if (c->n == c->ordcap) {
		c->ordcap = c->ordcap ? c->ordcap * 2 : 16;
		c->order = sl_xrealloc(c->order, c->ordcap * sizeof(*c->order));
	}
	c->order[c->n++] = s;
	return s;
}

/* The session sid (NULL: the unknown one), made when new. */
static struct cws *
session(struct cwl *c, const char *sid)
{
	struct cws *s;

	if (sid == NULL) {
		if (c->none == NULL)
			c->none = cws_new(c, NULL);
		return c->none;
	}
	if ((s = sl_strmap_get(c->byid, sid)) == NULL) {
		s = cws_new(c, sid);
		*sl_strmap_slot(c->byid, s->sid) = s;
	}
	return s;
}

/* Session of an event with no id of its own: --session, stream, name. */
static const char *
fallback_sid(struct cwl *c, const char *stream)
{
	if (c->rd->opts->session != NULL)
		return c->rd->opts->session;
	if (stream != NULL && *stream != '\0')
		return stream;
	return c->name_sid;
}

/* ----------------------------------------------------- streamed events */

static void
time_of(long long ms, char out[25])
{
	sl_time_format(ms, out);
}

/* A streamed event, whichever parser read it. */
struct sev {
	const char *sid, *etime, *region, *runas, *target, *owner;
	size_t n;		/* sessionData elements */
	const char **data;
	size_t *len;
};

/* The first record of a streamed session: what its metadata says. */
static int
stream_open(struct cwl *c, struct cws *s, const struct sev *e, long long pos)
{
	struct sl_record r;
	char *principal = sl_session_principal(s->sid), start[25];
	int rc;

	sl_record_init(&r, SL_SESSION, s->sid, cwl_where(c, pos));
	r.src_line = c->sep == ':' ? pos : 0;
	r.f[SL_F_PRINCIPAL] = principal;
	r.f[SL_F_OWNER] = e->owner;
	r.f[SL_F_TARGET] = e->target;
	r.f[SL_F_RUN_AS] = e->runas;
	r.f[SL_F_REGION] = e->region;
	if (s->first_ms >= 0) {
		time_of(s->first_ms, start);
		r.f[SL_F_START] = start;
		r.f[SL_F_START_SRC] = "stream-first-event";
	}
	r.f[SL_F_ORIGIN] = "cw-stream";
	rc = sl_emit(c->rd, &r);
	free(principal);
	return rc;
}

/* The last record of a streamed session: when it was last heard of. */
static int
stream_close(struct cwl *c, struct cws *s)
{
	struct sl_record r;
	char *principal = sl_session_principal(s->sid), end[25];
	int rc;

	sl_tty_use(c->tty, s->part);
	/* Rows a later event could have settled: there is none. */
	sl_tty_release(c->tty);
	sl_record_init(&r, SL_SESSION, s->sid, cwl_where(c, s->last_pos));
	r.src_line = c->sep == ':' ? s->last_pos : 0;
	r.f[SL_F_PRINCIPAL] = principal;
	r.f[SL_F_HOST] = s->host != NULL ? s->host : sl_tty_host(c->tty);
	if (s->last_ms >= 0) {
		time_of(s->last_ms, end);
		r.f[SL_F_END] = end;
		r.f[SL_F_END_SRC] = "stream-last-event";
	}
	r.f[SL_F_ORIGIN] = "cw-stream";
	rc = sl_emit(c->rd, &r);
	sl_tty_use(c->tty, NULL);
	free(principal);
	return rc;
}

/* A transcript-looking first line: a Windows session (PowerShell). */
static int
looks_pwsh(const char *p, size_t n)
{
	if (n >= 3 && memcmp(p, BOM, 3) == 0)
		return 1;
	if (sl_starts(p, n, STARS))
		return 1;
	return n >= 6 && memcmp(p, "PS ", 3) == 0 && p[4] == ':' &&
	    p[5] == '\\';
}

static int
is_stars(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r'))
		n--;
	return n == strlen(STARS) && memcmp(p, STARS, n) == 0;
}

/*
 * A Windows session streams the PowerShell transcript: its header and
 * footer blocks (between lines of stars) are not session lines; the
 * machine name in them is the host.  Returns 1 when p was such a line.
 */
static int
pwsh_block(struct cws *s, const char *p, size_t n)
{
	if (is_stars(p, n)) {
		s->block = !s->block;
		return 1;
	}
	if (!s->block)
		return 0;
	if (n > 9 && memcmp(p, "Machine: ", 9) == 0 && s->host == NULL) {
		const char *e = memchr(p + 9, '(', n - 9);
		size_t hl = e != NULL ? (size_t)(e - p) - 9 : n - 9;

		while (hl > 0 && p[9 + hl - 1] == ' ')
			hl--;
		if (hl > 0)
			s->host = sl_xstrndup(p + 9, hl);
	}
	return 1;
}

/* Room for n elements in c's arrays. */
static void
sev_room(struct cwl *c, struct sev *e, size_t n)
{
	if (n > c->ecap) {
		c->ecap = SL_MAX(n, c->ecap * 2);
		c->edata = sl_xrealloc(c->edata, c->ecap * sizeof(*c->edata));
		c->elen = sl_xrealloc(c->elen, c->ecap * sizeof(*c->elen));
	}
	e->data = c->edata;
	e->len = c->elen;
}

/* From jansson's tree: every field checked, a wrong one rejected. */
static int
sev_json(struct cwl *c, json_t *ev, struct sev *e, long long pos)
{
	const char *why = NULL;
	json_t *sd, *x, *o;
	size_t i;

	memset(e, 0, sizeof(*e));
	sd = json_object_get(ev, "sessionData");
	if (sd != NULL && !json_is_array(sd))
		return cwl_reject(c, pos, "\"sessionData\" is not an array");
	sev_room(c, e, json_array_size(sd));
	json_array_foreach(sd, i, x) {
		if (!json_is_string(x))
			return cwl_reject(c, pos, "\"sessionData\" element %zu "
			    "is not a string", i + 1);
		e->data[i] = json_string_value(x);
		e->len[i] = json_string_length(x);
	}
	e->n = json_array_size(sd);
	e->sid = cw_str(ev, "sessionId", &why);
	e->etime = cw_str(ev, "eventTime", &why);
	e->runas = cw_str(ev, "runAsUser", &why);
	e->region = cw_str(ev, "awsRegion", &why);
	if ((o = cw_obj(ev, "target", &why)) != NULL)
		e->target = cw_str(o, "id", &why);
	if ((o = cw_obj(ev, "userIdentity", &why)) != NULL)
		e->owner = cw_str(o, "arn", &why);
	if (why != NULL)
		return cwl_reject(c, pos, CW_WHY, why);
	return SL_OK;
}

/*
 * The fast path, for the bulk of a large CloudWatch document: a plain
 * streamed event read with the scanner and sl_json_unquote(), no tree.
 * Anything unusual (a wrong type, a CloudTrail key, a duplicate, a
 * second value) returns 0, and jansson reads it again, so results and
 * messages are the same either way.
 */
enum { K_SID, K_TIME, K_REGION, K_RUNAS, K_TARGET, K_OWNER, K_N };

static int
fast_str(struct cwl *c, long long *off)
{
	const char *p;
	size_t n;

	if (sl_jscan_type(c->fjs) == 'n') {
		if (sl_jscan_raw(c->fjs, &p, &n) != SL_JS_OK || n != 4 ||
		    memcmp(p, "null", 4) != 0)
			return 0;
		*off = -1;
		return 1;
	}
	*off = (long long)c->arena.len;
	if (sl_jscan_type(c->fjs) != '"' ||
	    sl_jscan_unquote(c->fjs, &c->arena) != SL_JS_OK)
		return 0;
	/* A NUL inside: jansson's path rejects it (cw_str()). */
	if (memchr(c->arena.buf + *off, '\0', c->arena.len - (size_t)*off))
		return 0;
	sl_buf_addc(&c->arena, '\0');
	return 1;
}

/* {"id": "..."} and {"arn": "..."}: the one key wanted. */
static int
fast_obj(struct cwl *c, const char *want, long long *off)
{
	struct sl_jscan *js = c->fjs;
	int r;

	if (sl_jscan_type(js) == 'n')
		return fast_str(c, off);
	if (sl_jscan_type(js) != '{' || sl_jscan_enter(js) != SL_JS_OK)
		return 0;
	while ((r = sl_jscan_next(js)) == SL_JS_VALUE)
		if (strcmp(sl_jscan_key(js), want) == 0 && !fast_str(c, off))
			return 0;
	return r == SL_JS_END;
}

/* What the fast path has found so far in one message. */
struct fast {
	long long off[K_N];		/* in the arena, -1: absent */
	long long *doff;		/* sessionData: offset, length */
	size_t nd, cap;
	int data, sid, ver;		/* keys seen */
};

/* The sessionData array into the arena.  0: not for the fast path. */
static int
fast_data(struct cwl *c, struct fast *f)
{
	struct sl_jscan *js = c->fjs;
	int r;

	if (f->data++ || sl_jscan_type(js) != '[' ||
	    sl_jscan_enter(js) != SL_JS_OK)
		return 0;
	while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
		if (f->nd == f->cap) {
			f->cap = f->cap ? f->cap * 2 : 32;
			f->doff = sl_xrealloc(f->doff, 2 * f->cap *
			    sizeof(*f->doff));
		}
		f->doff[2 * f->nd] = (long long)c->arena.len;
		if (sl_jscan_type(js) != '"' ||
		    sl_jscan_unquote(js, &c->arena) != SL_JS_OK)
			return 0;
		f->doff[2 * f->nd + 1] = (long long)c->arena.len -
		    f->doff[2 * f->nd];
		f->nd++;
	}
	return r == SL_JS_END;
}

/* One member of the event.  0: not for the fast path.  Told apart by
 * the first byte, then one or two compares: ten strcmp() a member were
 * 2% of a document. */
static int
fast_key(struct cwl *c, struct fast *f, const char *key)
{
	switch (key[0]) {
	case 's':
		if (strcmp(key, "sessionData") == 0)
			return fast_data(c, f);
		if (strcmp(key, "sessionId") != 0)
			return 1;
		f->sid = 1;
		return fast_str(c, &f->off[K_SID]);
	case 'e':
		if (strcmp(key, "eventSource") == 0 ||
		    strcmp(key, "eventName") == 0)
			return 0;	/* CloudTrail's, maybe */
		f->ver |= strcmp(key, "eventVersion") == 0;
		return strcmp(key, "eventTime") == 0 ?
		    fast_str(c, &f->off[K_TIME]) : 1;
	case 't':
		return strcmp(key, "target") == 0 ?
		    fast_obj(c, "id", &f->off[K_TARGET]) : 1;
	case 'u':
		return strcmp(key, "userIdentity") == 0 ?
		    fast_obj(c, "arn", &f->off[K_OWNER]) : 1;
	case 'a':
		return strcmp(key, "awsRegion") == 0 ?
		    fast_str(c, &f->off[K_REGION]) : 1;
	case 'r':
		return strcmp(key, "runAsUser") == 0 ?
		    fast_str(c, &f->off[K_RUNAS]) : 1;
	default:
		return 1;
	}
}

static const char *
in_arena(const struct cwl *c, long long off)
{
	return off >= 0 ? c->arena.buf + off : NULL;
}

/* The event found into e (its strings in the arena). */
static void
fast_fill(struct cwl *c, const struct fast *f, struct sev *e)
{
	size_t i;

	memset(e, 0, sizeof(*e));
	sev_room(c, e, f->nd);
	for (i = 0; i < f->nd; i++) {
		e->data[i] = c->arena.buf + f->doff[2 * i];
		e->len[i] = (size_t)f->doff[2 * i + 1];
	}
	e->n = f->nd;
	e->sid = in_arena(c, f->off[K_SID]);
	e->etime = in_arena(c, f->off[K_TIME]);
	e->region = in_arena(c, f->off[K_REGION]);
	e->runas = in_arena(c, f->off[K_RUNAS]);
	e->target = in_arena(c, f->off[K_TARGET]);
	e->owner = in_arena(c, f->off[K_OWNER]);
}

static int
sev_fast(struct cwl *c, const char *msg, size_t len, struct sev *e)
{
	struct sl_jscan *js;
	struct fast f;
	int r, k, ok = 0;

	if (c->fjs == NULL)
		c->fjs = sl_jscan_mem(NULL, 0);
	js = c->fjs;
	sl_jscan_mem_reset(js, msg, len);
	sl_buf_reset(&c->arena);
	memset(&f, 0, sizeof(f));
	for (k = 0; k < K_N; k++)
		f.off[k] = -1;
	if (sl_jscan_next(js) != SL_JS_VALUE || sl_jscan_type(js) != '{' ||
	    sl_jscan_enter(js) != SL_JS_OK)
		return 0;
	while ((r = sl_jscan_next(js)) == SL_JS_VALUE)
		if (!fast_key(c, &f, sl_jscan_key(js)))
			goto out;
	/* One object, nothing after it, and a streamed event's keys. */
	if (r != SL_JS_END || sl_jscan_next(js) != SL_JS_END ||
	    (!f.data && !(f.sid && f.ver)))
		goto out;
	fast_fill(c, &f, e);
	ok = 1;
out:
	free(f.doff);
	return ok;
}

static int
stream_event(struct cwl *c, const struct sev *e, const char *stream,
    long long ms, long long pos)
{
	const char *sid = e->sid, *p, *q;
	struct cws *s;
	long long t = ms;
	size_t i, n, k, lf;
	char tbuf[25];
	int rc;

	if (sid == NULL || *sid == '\0')
		sid = fallback_sid(c, stream);
	/* One unusable field loses that field, not the event's lines: they
	 * keep the CloudWatch time, if any, else go untimed. */
	if (e->etime != NULL && sl_time_rfc3339(e->etime, strlen(e->etime),
	    &t) != 0) {
		t = ms;
		if (sl_reject_value(c->rd, sid, cwl_where(c, pos),
		    "\"eventTime\" is not an RFC 3339 time: \"%.40s\" (the "
		    "event's lines are kept without it)", e->etime) == SL_STOP)
			return SL_STOP;
	}

	s = session(c, sid);
	/* The event; its elements are units. */
	sl_count_merged(c->rd, 1);
	if (c->tty == NULL) {
		c->tty = sl_tty_new(c->rd, NULL, SL_TTY_STREAM);
		if (c->sep != ':')
			sl_tty_set_sep(c->tty, c->sep);
	}
	if (s->part == NULL) {
		s->pwsh = e->n > 0 && looks_pwsh(e->data[0], e->len[0]);
		s->part = sl_tty_part_new(c->tty, sid, s->pwsh ? SL_TTY_PWSH :
		    SL_TTY_STREAM);
		s->first_ms = t;
		if ((rc = stream_open(c, s, e, pos)) != SL_OK)
			return rc;
	}
	if (t >= 0)
		s->last_ms = t;
	s->last_pos = pos;
	if (t >= 0)
		time_of(t, tbuf);
	sl_tty_use(c->tty, s->part);
	sl_tty_set_lines(c->tty, s->lines);	/* see text_line() */
	sl_tty_set_src(c->tty, NULL, t >= 0 ? tbuf : NULL);
	for (i = 0; i < e->n; i++) {
		p = e->data[i];
		n = e->len[i];
		/* A line with an LF inside (not the agent's) is several. */
		for (k = lf = 0; (q = memchr(p + k, '\n', n - k)) != NULL;
		    k = (size_t)(q - p) + 1)
			lf++;
		sl_count_units(c->rd, 1 + (long long)lf);
		/* The transcript's byte order mark (Windows). */
		if (n >= 3 && memcmp(p, BOM, 3) == 0) {
			p += 3;
			n -= 3;
		}
		if (s->pwsh && pwsh_block(s, p, n)) {
			sl_count_merged(c->rd, 1 + (long long)lf);
			continue;
		}
		sl_tty_set_line(c->tty, pos);
		if (sl_emit_raw(c->rd, s->sid, pos, p, n) == SL_STOP ||
		    sl_emit_raw(c->rd, s->sid, pos, "\n", 1) == SL_STOP)
			return SL_STOP;
		sl_tty_feed(c->tty, p, n);
		sl_tty_feed(c->tty, "\n", 1);
	}
	sl_tty_flush(c->tty);
	s->lines = sl_tty_lines(c->tty);
	sl_tty_use(c->tty, NULL);
	return sl_tty_status(c->tty) == SL_STOP ? SL_STOP : SL_OK;
}

/* ------------------------------------------- uploads at session end */

/* Feed the held last line of the previous event, now whole. */
static void
text_line(struct cws *s, const char *p, size_t n, long long pos)
{
	/* One numbering per session, its lines uploaded or streamed. */
	ts_core_set_lines(s->ts, s->lines);
	ts_core_line(s->ts, p, n, 0, pos);
	s->lines = ts_core_lines(s->ts);
	s->text_pos = pos;
}

static int
text_close(struct cws *s, int whole)
{
	int rc;

	/* An empty last piece (an empty message) is no line. */
	if (s->has_tail && s->tail.len > 0)
		text_line(s, s->tail.buf, s->tail.len, s->tail_pos);
	else if (s->has_tail)
		s->text_pos = s->tail_pos;
	s->has_tail = 0;
	ts_core_set_lines(s->ts, s->lines);
	rc = ts_core_end(s->ts, whole, s->text_pos);
	s->lines = ts_core_lines(s->ts);
	ts_core_free(s->ts);
	s->ts = NULL;
	sl_buf_free(&s->tail);
	sl_buf_init(&s->tail);
	return rc;
}

static int
text_event(struct cwl *c, const char *stream, const char *msg, size_t n,
    long long pos)
{
	const char *sid = fallback_sid(c, stream), *p = msg, *end = msg + n,
	    *nl;
	struct cws *s = session(c, sid);
	long long at = pos;

	sl_count_merged(c->rd, 1);	/* the event; its lines are units */
	if (s->ts == NULL) {
		struct ts_opts o;

		memset(&o, 0, sizeof(o));
		o.origin = "cw-text";
		o.sid = sid;
		o.peek = (const unsigned char *)msg;
		o.npeek = SL_MIN(n, (size_t)SL_PEEK);
		o.sep = c->sep;
		s->ts = ts_core_new(c->rd, &o);
	} else if (s->has_tail) {
		/* The LF the upload cut, at the join. */
		sl_buf_addc(&s->tail, '\n');
		text_line(s, s->tail.buf, s->tail.len, s->tail_pos);
		s->has_tail = 0;
	}
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		text_line(s, p, (size_t)(nl - p) + 1, at);
		p = nl + 1;
		if (c->sep == ':')
			at++;
	}
	sl_buf_reset(&s->tail);
	sl_buf_add(&s->tail, p, (size_t)(end - p));
	s->has_tail = 1;
	s->tail_pos = at;
	/*
	 * The trailer ends the upload's last event: close the session now
	 * rather than hold its renderer to the end of the input.
	 */
	if (s->tail.len >= strlen(TRAILER) && memcmp(s->tail.buf, TRAILER,
	    strlen(TRAILER)) == 0)
		return text_close(s, 1);
	return SL_OK;
}

/* ---------------------------------------------------------- dispatch */

static int
has_key(json_t *o, const char *k)
{
	return json_object_get(o, k) != NULL;
}

int
cwl_json(struct cwl *c, json_t *ev, const char *stream, long long ms,
    long long pos)
{
	int rc;

	if (!json_is_object(ev))
		rc = cwl_reject(c, pos, "not a JSON object");
	else if (has_key(ev, "sessionData") || (has_key(ev, "sessionId") &&
	    has_key(ev, "eventVersion") && !cw_is_trail(ev))) {
		struct sev e;

		rc = sev_json(c, ev, &e, pos);
		if (rc == SL_OK)
			rc = stream_event(c, &e, stream, ms, pos);
	}
	else if (cw_is_trail(ev))
		rc = cw_trail(c, ev, pos);
	else
		rc = cwl_reject(c, pos, "not a session event (no "
		    "\"sessionData\") nor a CloudTrail event");
	cwl_worse(c, rc);
	return rc;
}

/* A message that starts like an event's JSON but is not valid JSON. */
static int
meant_json(const char *p, size_t n)
{
	n = SL_MIN(n, (size_t)256);
	return memmem(p, n, "\"sessionData\"", 13) != NULL ||
	    memmem(p, n, "\"eventVersion\"", 14) != NULL ||
	    memmem(p, n, "\"eventSource\"", 13) != NULL;
}

int
cwl_message(struct cwl *c, const char *stream, const char *msg, size_t n,
    long long ms, long long pos)
{
	json_error_t err;
	json_t *ev;
	size_t i = 0;
	int rc;

	while (i < n && (msg[i] == ' ' || msg[i] == '\t' || msg[i] == '\r' ||
	    msg[i] == '\n'))
		i++;
	if (i < n && msg[i] == '{') {
		struct sev e;

		if (sev_fast(c, msg, n, &e)) {
			rc = stream_event(c, &e, stream, ms, pos);
			cwl_worse(c, rc);
			return rc;
		}
		ev = json_loadb(msg, n, JSON_ALLOW_NUL, &err);
		if (ev != NULL) {
			rc = cwl_json(c, ev, stream, ms, pos);
			json_decref(ev);
			return rc;
		}
		if (meant_json(msg + i, n - i))
			return cwl_reject(c, pos, "message is not valid JSON: "
			    "%s (column %d)", err.text, err.column);
	}
	rc = text_event(c, stream, msg, n, pos);
	cwl_worse(c, rc);
	return rc;
}

/* -------------------------------------------------------------- end */

static const char *const skip_text[CW_SKIP_COUNT] = {
	[CW_SKIP_CONTROL] = "subscription CONTROL_MESSAGE payloads ignored",
	[CW_SKIP_TRAIL] = "CloudTrail events of other APIs ignored",
	[CW_SKIP_TRAIL_FAILED] =
	    "failed StartSession calls ignored (no session)",
	[CW_SKIP_NOT_EVENT] = "Logs Insights rows without @message ignored",
};

int
cwl_finish(struct cwl *c, int whole)
{
	size_t i;
	int rc = SL_OK, k;

	for (i = 0; i < c->n && rc != SL_STOP; i++) {
		struct cws *s = c->order[i];

		if (s->part != NULL)
			rc = stream_close(c, s);
		if (s->ts != NULL && rc != SL_STOP)
			rc = text_close(s, whole);
	}
	for (k = 0; k < CW_SKIP_COUNT && rc != SL_STOP; k++) {
		if (c->skip[k] == 0)
			continue;
		rc = sl_emit_note(c->rd, NULL, c->rd->name, SL_NOTE_SKIPPED,
		    c->skip[k], "%lld %s", c->skip[k], skip_text[k]);
		/* Worth a line on stderr, but one per run, not per file:
		 * a trail folder holds thousands of files. */
		if (k == CW_SKIP_TRAIL)
			sl_count_other_apis(c->rd, c->skip[k]);
	}
	cwl_worse(c, rc);
	return rc == SL_STOP ? SL_STOP : SL_OK;
}

int
cwl_end(struct cwl *c, int rc, int whole)
{
	if (rc != SL_STOP)
		rc = cwl_finish(c, whole && !sl_in_failed(c->rd->in));
	return rc == SL_STOP ? SL_STOP : c->status;
}

int
cwl_jsonl(struct sl_reader *rd, int (*fn)(void *, json_t *, long long))
{
	struct cwl *c = cwl_new(rd, ':');
	int rc;

	rc = cwl_end(c, cw_jsonl(rd, fn, c), 1);
	cwl_free(c);
	return rc;
}

void
cwl_free(struct cwl *c)
{
	size_t i;

	if (c == NULL)
		return;
	sl_tty_free(c->tty);
	for (i = 0; i < c->n; i++) {
		struct cws *s = c->order[i];

		sl_tty_part_free(s->part);
		ts_core_free(s->ts);
		sl_buf_free(&s->tail);
		free(s->host);
		free(s->sid);
		free(s);
	}
	free(c->order);
	sl_strmap_free(c->byid);
	free(c->name_sid);
	sl_buf_free(&c->where);
	sl_buf_free(&c->arena);
	sl_jscan_free(c->fjs);
	free(c->edata);
	free(c->elen);
	free(c);
}
