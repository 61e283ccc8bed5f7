/*
 * w_cwstream: CloudWatch streamed-session events in the agent's exact
 * shape (formats.md 1.6), one compact JSON object per line:
 *
 *	{"eventVersion":"1.0","eventTime":"2024-05-01T12:00:05Z",
 *	 "awsRegion":"us-east-1","target":{"id":"i-0abc123def4567890"},
 *	 "userIdentity":{"arn":"arn:aws:sts::123456789012:assumed-role/A/b"},
 *	 "runAsUser":"ssm-user","sessionId":"alice-0a1b2c3d4e5f67890",
 *	 "sessionData":["sh-5.2$ id","uid=1001(ssm-user) ..."]}
 *
 * Batched as the agent batches: consecutive lines of one second form one
 * event, cut before a line that would take the event past 33,000 bytes
 * of lines (each counted with its newline).  Strings are escaped as Go's
 * encoding/json does.  Unknown metadata is null.  A line without a time
 * gets the session's start, else its end, else the conversion time, so
 * the writer needs the whole session first.  Notes have no place in the
 * shape and are left out.
 */
#include <string.h>

#include "base/json_esc.h"
#include "convert/writer.h"

#define EVENT_BYTES	33000	/* StreamMessageLengthThresholdInBytes */

struct cw {
	struct sl_buf ev, meta;
	char when[21];		/* eventTime of the event being built */
	size_t bytes;		/* its lines, newlines counted */
	long long nlines;
};

/* "2024-05-01T12:00:05Z" for an RFC 3339 time; 0, or -1. */
static int
event_time(const char *t, char out[21])
{
	long long ms = sl_w_ms(t);
	char full[25];

	if (ms < 0)
		return -1;
	sl_time_format(ms - ms % 1000, full);
	memcpy(out, full, 19);
	out[19] = 'Z';
	out[20] = '\0';
	return 0;
}

static void
opt_str(struct sl_buf *b, const char *key, const char *v)
{
	sl_buf_adds(b, key);
	if (v != NULL)
		sl_json_escape(b, v, strlen(v), SL_JSON_GO);
	else
		sl_buf_adds(b, "null");
}

static void
opt_obj(struct sl_buf *b, const char *key, const char *inner,
    const char *v)
{
	sl_buf_adds(b, key);
	if (v == NULL) {
		sl_buf_adds(b, "null");
		return;
	}
	sl_buf_adds(b, inner);
	sl_json_escape(b, v, strlen(v), SL_JSON_GO);
	sl_buf_addc(b, '}');
}

static int
flush(struct sl_wfile *f)
{
	struct cw *st = f->state;
	int rc;

	if (st->nlines == 0)
		return SL_OK;
	sl_buf_add(&st->ev, "]}\n", 3);
	rc = sl_w_buf(f, &st->ev);
	sl_buf_reset(&st->ev);
	st->bytes = 0;
	st->nlines = 0;
	return rc;
}

static int
cw_whole(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct cw *st = f->state;
	const struct sl_session *in = s->info;
	struct sl_spool_cur *cur;
	const struct sl_record *r;
	char fallback[21], when[21];
	int rc = SL_OK, got = 0;

	sl_buf_reset(&st->meta);
	opt_str(&st->meta, "\",\"awsRegion\":", in->f[SL_F_REGION]);
	opt_obj(&st->meta, ",\"target\":", "{\"id\":", in->f[SL_F_TARGET]);
	opt_obj(&st->meta, ",\"userIdentity\":", "{\"arn\":",
	    in->f[SL_F_OWNER]);
	opt_str(&st->meta, ",\"runAsUser\":", in->f[SL_F_RUN_AS]);
	opt_str(&st->meta, ",\"sessionId\":", s->id);
	sl_buf_adds(&st->meta, ",\"sessionData\":[");
	if (event_time(sl_w_session_time(f, s), fallback) != 0)
		event_time(f->now, fallback);

	cur = sl_spool_cursor(s->spool);
	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0) {
		if (r->type != SL_LINE)
			continue;
		if (r->time == NULL || event_time(r->time, when) != 0)
			memcpy(when, fallback, sizeof(when));
		if (st->nlines > 0 && (strcmp(when, st->when) != 0 ||
		    st->bytes + r->len + 1 > EVENT_BYTES))
			rc = flush(f);
		if (st->nlines == 0) {
			memcpy(st->when, when, sizeof(when));
			sl_buf_adds(&st->ev, "{\"eventVersion\":\"1.0\","
			    "\"eventTime\":\"");
			sl_buf_adds(&st->ev, when);
			sl_buf_add(&st->ev, st->meta.buf, st->meta.len);
		} else
			sl_buf_addc(&st->ev, ',');
		sl_json_escape(&st->ev, r->text, r->len, SL_JSON_GO);
		st->bytes += r->len + 1;
		st->nlines++;
	}
	if (got < 0)
		rc = SL_FATAL;
	sl_spool_cursor_free(cur);
	if (rc == SL_OK)
		rc = flush(f);
	sl_buf_reset(&st->ev);
	st->nlines = 0;
	st->bytes = 0;
	return rc;
}

static int
cw_close(struct sl_wfile *f)
{
	struct cw *st = f->state;

	sl_buf_free(&st->ev);
	sl_buf_free(&st->meta);
	return SL_OK;
}

const struct sl_writer sl_writer_cw_stream = {
	"cw-stream",
	"CloudWatch streamed-session events, as the agent writes them",
	".jsonl",
	0,
	SL_W_WHOLE,
	sizeof(struct cw),
	NULL,
	NULL,
	NULL,
	NULL,
	cw_whole,
	cw_close,
	NULL,
};
