/*
 * cw-events: `aws logs get-log-events` and `aws logs filter-log-events`
 * output, one document or several pages concatenated, keys in any order:
 *
 *	{"events": [{"logStreamName": "alice-0a1b2c3d4e5f67890",
 *	   "timestamp": 1714564805312,
 *	   "message": "{\"eventVersion\":\"1.0\",...,\"sessionData\":[...]}",
 *	   "ingestionTime": 1714564805377, "eventId": "3822..."}, ...],
 *	 "searchedLogStreams": [], "nextToken": "..."}
 *
 * A document may be many gigabytes: the `events` array is streamed one
 * element at a time (jsonscan.c), each element at most SL_EVENT_MAX
 * bytes.  The message of each event is a streamed event, transcript text
 * or a CloudTrail event (cwlog.c).  Its session: the id inside a streamed
 * event, --session, `logStreamName` (filter-log-events), the file name
 * (get-log-events).  Events are taken in input order: the service returns
 * each stream's events in time order.  src is "path#N", the N-th event.
 * The events alone are read too: an array of them, or one a line as
 * `jq -c '.events[]'` writes them (src "path:line").
 */
#include <string.h>

#include "readers/cwlog.h"

static int
ce_probe(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_jkeys *k = sl_probe_keys(p, n);

	SL_UNUSED(name);
	/* Just the events: [{...}, ...], or one a line. */
	if (!k->object && sl_jkeys_has(k, "[].message") &&
	    (sl_jkeys_has(k, "[].timestamp") ||
	    sl_jkeys_has(k, "[].logStreamName")))
		return 85;
	if (k->object && sl_jkeys_has(k, "message") &&
	    sl_jkeys_has(k, "timestamp") && (sl_jkeys_has(k, "ingestionTime") ||
	    sl_jkeys_has(k, "logStreamName") || sl_jkeys_has(k, "eventId")))
		return 80;
	if (!k->object || !sl_jkeys_has(k, "events"))
		return 0;
	if (sl_jkeys_has(k, "events[].message") ||
	    sl_jkeys_has(k, "nextForwardToken") ||
	    sl_jkeys_has(k, "nextBackwardToken") ||
	    sl_jkeys_has(k, "searchedLogStreams"))
		return 90;
	/* An empty page, or a cut one: "events" and not much else. */
	return sl_jkeys_has(k, "events[]") ? 40 : 30;
}

static int
event(struct cwl *c, json_t *v, long long pos)
{
	const char *why = NULL, *stream;
	json_t *msg;
	long long ms = -1;

	if (!json_is_object(v))
		return cwl_reject(c, pos, "not a JSON object");
	msg = json_object_get(v, "message");
	if (msg == NULL)
		return cwl_reject(c, pos, "no \"message\"");
	if (!json_is_string(msg))
		return cwl_reject(c, pos, "\"message\" is not a string");
	if (cw_num(v, "timestamp", &ms) < 0)
		return cwl_reject(c, pos, "\"timestamp\" is not a number");
	stream = cw_str(v, "logStreamName", &why);
	if (why != NULL)
		return cwl_reject(c, pos, CW_WHY, why);
	return cwl_message(c, stream, json_string_value(msg),
	    json_string_length(msg), ms, pos);
}

static int
line_event(void *arg, json_t *v, long long line)
{
	return event(arg, v, line);
}

/* One event a line (jq -c '.events[]'). */
static int
ce_lines(struct sl_reader *rd)
{
	return cwl_jsonl(rd, line_event);
}

/* One input's reading: the scanner, the event count, scratch. */
struct ce {
	struct sl_reader *rd;
	struct cwl *c;
	struct sl_jscan *js, *mem;	/* the input; one event in memory */
	struct sl_buf b, where, msg, stream;
	long long nev;
};

/*
 * The elements of the array at hand, each an event ("name#N").  fast:
 * try the fast path first (the events of a document).  Returns SL_OK
 * (the scanner may have failed: the caller looks) or SL_STOP.
 */
static int
ce_array(struct ce *x, int fast)
{
	long long ms;
	int r, rc = SL_OK, hs;
	json_t *v;

	sl_jscan_enter(x->js);
	while ((r = sl_jscan_next(x->js)) == SL_JS_VALUE) {
		/* "name#N", every event: a printf() each was 2% of a
		 * document's time. */
		sl_buf_reset(&x->where);
		sl_buf_adds(&x->where, x->rd->name);
		sl_buf_addc(&x->where, '#');
		sl_buf_add_int(&x->where, ++x->nev);
		if ((r = cw_copy(x->rd, x->js, &x->b, x->where.buf)) < 0)
			break;
		if (r == 0)
			continue;
		if (fast && cw_event_fast(x->mem, x->b.buf, x->b.len, &x->msg,
		    &x->stream, &hs, &ms))
			rc = cwl_message(x->c, hs ? x->stream.buf : NULL,
			    x->msg.buf, x->msg.len, ms, x->nev);
		else if ((v = cw_parse(x->rd, x->js, &x->b,
		    x->where.buf)) != NULL) {
			rc = event(x->c, v, x->nev);
			json_decref(v);
		}
		if (rc == SL_STOP)
			return SL_STOP;
	}
	return SL_OK;
}

/* A document, entered: its "events" array; other keys skipped. */
static int
ce_doc(struct ce *x)
{
	struct sl_reader *rd = x->rd;

	while (sl_jscan_next(x->js) == SL_JS_VALUE) {
		if (strcmp(sl_jscan_key(x->js), "events") != 0)
			continue;	/* tokens: skipped */
		if (sl_jscan_type(x->js) != '[') {
			sl_count_units(rd, 1);
			sl_reject(rd, NULL, cwl_where(x->c, x->nev), "rejected "
			    "document: \"events\" is not an array");
			continue;
		}
		if (ce_array(x, 1) == SL_STOP)
			return SL_STOP;
		if (sl_jscan_errkind(x->js) != SL_JSE_NONE)
			break;
	}
	return SL_OK;
}

/* A top-level value neither a document nor an array: 1 when rejected
 * (skipped whole), 0 when the scanner failed on it. */
static int
ce_not_object(struct ce *x)
{
	sl_buf_reset(&x->where);
	sl_buf_printf(&x->where, "%s:%lld", x->rd->name,
	    sl_jscan_line(x->js));
	if (sl_jscan_skip(x->js) != SL_JS_OK)
		return 0;
	sl_count_units(x->rd, 1);
	sl_reject(x->rd, NULL, x->where.buf, "rejected document: not a JSON "
	    "object");
	return 1;
}

/* Events one a line rather than in documents? */
static int
ce_is_lines(struct sl_reader *rd)
{
	const unsigned char *p;
	struct sl_jkeys k;
	size_t n;

	if (!cw_is_jsonl(rd))
		return 0;
	n = sl_in_peek(rd->in, &p, SL_PEEK);
	sl_jkeys_probe(p, n, &k);
	return k.object && !sl_jkeys_has(&k, "events") &&
	    sl_jkeys_has(&k, "message");
}

/* Each top-level value: a document, an array of events, or rejected. */
static int
ce_values(struct ce *x, int *whole)
{
	int r, type;

	while ((r = sl_jscan_next(x->js)) != SL_JS_END) {
		type = r == SL_JS_VALUE ? sl_jscan_type(x->js) : 0;
		if (type == '[') {
			if (ce_array(x, 0) == SL_STOP)
				return SL_STOP;
		} else if (type != 0 && type != '{') {
			if (ce_not_object(x))
				continue;
		} else if (type == '{' && sl_jscan_enter(x->js) == SL_JS_OK) {
			if (ce_doc(x) == SL_STOP)
				return SL_STOP;
		}
		if (cw_scan_failed(x->rd, x->js, whole) == SL_STOP)
			return SL_STOP;
	}
	return SL_OK;
}

static int
ce_read(struct sl_reader *rd)
{
	struct cw_src src;
	struct ce x;
	int rc, whole = 1;

	if (ce_is_lines(rd))
		return ce_lines(rd);
	memset(&x, 0, sizeof(x));
	x.rd = rd;
	x.c = cwl_new(rd, '#');
	x.mem = sl_jscan_mem(NULL, 0);
	cw_src_init(&src, rd->in);
	x.js = sl_jscan_new(cw_src_read, &src);
	sl_buf_init(&x.b);
	sl_buf_init(&x.where);
	sl_buf_init(&x.msg);
	sl_buf_init(&x.stream);
	rc = cwl_end(x.c, ce_values(&x, &whole), whole);
	sl_jscan_free(x.js);
	sl_jscan_free(x.mem);
	sl_buf_free(&x.b);
	sl_buf_free(&x.where);
	sl_buf_free(&x.msg);
	sl_buf_free(&x.stream);
	cwl_free(x.c);
	return rc;
}

const struct sl_format sl_format_cw_events = {
	"cw-events",
	"aws logs get-log-events / filter-log-events JSON (pages concatenated)",
	ce_probe,
	ce_read,
	SL_SHAPE_JSON,
};
