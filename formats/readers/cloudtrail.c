/*
 * cloudtrail: CloudTrail logs, for their Session Manager events:
 *
 *	{"Records":[{"eventVersion":"1.09","userIdentity":{...,"arn":
 *	 "arn:aws:sts::123456789012:assumed-role/Admin/alice"},"eventTime":
 *	 "2024-05-01T12:00:01Z","eventSource":"ssm.amazonaws.com",
 *	 "eventName":"StartSession",...},...]}
 *
 * A trail's S3 files (usually gzip), single events as the console shows
 * them, JSON Lines of events, bare arrays of events (`jq .Records`),
 * `aws cloudtrail lookup-events` output ({"Events":[{"CloudTrailEvent":
 * "<the event as a JSON string>"}]}), and EventBridge's envelopes of
 * them ({"detail-type":"AWS API Call via CloudTrail","detail":{...}}),
 * alone, in arrays or as JSON Lines.
 * `Records` and `Events` are streamed one element at a time; any other
 * member of a document is kept (each at most SL_EVENT_MAX bytes), so a
 * single event's keys may come in any order.  The events are handled in
 * cwtrail.c; those of other APIs are counted in a skipped note and a
 * line on stderr.  src is "path#N", or "path:line" for JSON Lines.
 */
#include <string.h>

#include "readers/cwlog.h"

static int
ct_probe(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_jkeys *k = sl_probe_keys(p, n);

	SL_UNUSED(name);
	if (!k->object)		/* a bare array of events or envelopes */
		return (sl_jkeys_has(k, "[].eventSource") &&
		    sl_jkeys_has(k, "[].eventName")) ||
		    sl_jkeys_has(k, "[].detail.eventSource") ? 90 : 0;
	if (sl_jkeys_has(k, "Records[].eventSource") ||
	    sl_jkeys_has(k, "Records[].eventName"))
		return 95;
	if (sl_jkeys_has(k, "eventSource") && sl_jkeys_has(k, "eventName"))
		return 90;
	if (sl_jkeys_has(k, "Events[].CloudTrailEvent"))
		return 90;
	if (sl_jkeys_has(k, "detail-type") &&
	    sl_jkeys_has(k, "detail.eventSource"))
		return 90;
	/* An empty trail file: {"Records":[]}. */
	return sl_jkeys_has(k, "Records") && !sl_jkeys_has(k, "Records[]") ?
	    40 : 0;
}

/*
 * The CloudTrail event in v: v itself, or the detail of an EventBridge
 * envelope ("AWS API Call via CloudTrail" and the like); NULL when none.
 */
static json_t *
trail_event(json_t *v)
{
	const char *type = json_string_value(json_object_get(v,
	    "detail-type"));
	json_t *detail = json_object_get(v, "detail");
	size_t n;

	if (cw_is_trail(v))
		return v;
	if (type == NULL || !json_is_object(detail) || !cw_is_trail(detail))
		return NULL;
	n = strlen(type);
	return n >= 14 && strcmp(type + n - 14, "via CloudTrail") == 0 ?
	    detail : NULL;
}

/* One event (or envelope) at pos: handled, or rejected. */
static int
one_event(struct cwl *c, json_t *v, long long pos)
{
	json_t *ev = trail_event(v);

	if (ev == NULL)
		return cwl_reject(c, pos, "not a CloudTrail event");
	return cw_trail(c, ev, pos);
}

static int
line_event(void *arg, json_t *v, long long line)
{
	return one_event(arg, v, line);
}

/* lookup-events: the event is a JSON string in CloudTrailEvent. */
static int
lookup_event(struct cwl *c, json_t *v, long long pos)
{
	json_error_t err;
	json_t *s = json_object_get(v, "CloudTrailEvent"), *ev;
	int rc;

	if (!json_is_string(s))
		return cwl_reject(c, pos, "no \"CloudTrailEvent\" string");
	ev = json_loadb(json_string_value(s), json_string_length(s), 0, &err);
	if (ev == NULL)
		return cwl_reject(c, pos, "\"CloudTrailEvent\" is not valid "
		    "JSON: %s", err.text);
	rc = cw_is_trail(ev) ? cw_trail(c, ev, pos) : cwl_reject(c, pos,
	    "not a CloudTrail event");
	json_decref(ev);
	return rc;
}

struct ct {
	struct sl_reader *rd;
	struct cwl *c;
	struct sl_jscan *js;
	struct sl_buf b, where;
	long long nev;
};

/* The elements of an array of events (or of lookup-events entries). */
static int
events(struct ct *t, int lookup)
{
	json_t *v;
	int r, scan, rc = SL_OK;

	sl_jscan_enter(t->js);
	while ((r = sl_jscan_next(t->js)) == SL_JS_VALUE) {
		sl_buf_reset(&t->where);
		sl_buf_printf(&t->where, "%s#%lld", t->rd->name, ++t->nev);
		v = cw_take(t->rd, t->js, &t->b, t->where.buf, &scan);
		if (scan)
			return SL_REJECT;
		if (v == NULL)
			continue;
		rc = lookup ? lookup_event(t->c, v, t->nev) :
		    one_event(t->c, v, t->nev);
		json_decref(v);
		if (rc == SL_STOP)
			return SL_STOP;
	}
	return r == SL_JS_END ? SL_OK : SL_REJECT;
}

/*
 * A top-level object: a trail file, lookup-events output, or one event
 * whose members are gathered (small, any order).
 */
static int
document(struct ct *t)
{
	json_t *ev = json_object(), *v;
	json_error_t err;
	int r, rc = SL_OK, arrays = 0, bad = 0;
	size_t total = 0;
	long long line = sl_jscan_line(t->js);

	sl_jscan_enter(t->js);
	while ((r = sl_jscan_next(t->js)) == SL_JS_VALUE) {
		const char *key = sl_jscan_key(t->js);

		if ((strcmp(key, "Records") == 0 || strcmp(key, "Events") ==
		    0) && sl_jscan_type(t->js) == '[') {
			arrays = 1;
			if ((rc = events(t, key[0] == 'E')) != SL_OK)
				break;
			continue;
		}
		r = sl_jscan_copy(t->js, &t->b, SL_EVENT_MAX - total);
		if (r == SL_JS_ERR)
			break;
		if (r != SL_JS_OK) {
			bad = 1;
			continue;
		}
		total += t->b.len;
		v = json_loadb(t->b.buf, t->b.len, JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, &err);
		if (v == NULL)
			bad = 1;
		else
			json_object_set_new(ev, key, v);
	}
	if (rc == SL_OK && sl_jscan_errkind(t->js) == SL_JSE_NONE &&
	    !arrays) {
		/* Not a container: the document is an event. */
		sl_count_units(t->rd, 1);
		t->nev++;
		if (bad)
			rc = cwl_reject(t->c, t->nev, "too large or invalid "
			    "JSON (from line %lld)", line);
		else
			rc = one_event(t->c, ev, t->nev);
	}
	json_decref(ev);
	return rc;
}

static int
ct_read(struct sl_reader *rd)
{
	struct cw_src src;
	struct ct t;
	int r, rc = SL_OK, whole = 1;

	memset(&t, 0, sizeof(t));
	t.rd = rd;
	if (cw_is_jsonl(rd)) {
		const unsigned char *p;
		struct sl_jkeys k;
		size_t n = sl_in_peek(rd->in, &p, SL_PEEK);

		sl_jkeys_probe(p, n, &k);
		if (sl_jkeys_has(&k, "eventSource") ||
		    sl_jkeys_has(&k, "detail.eventSource")) {
			t.c = cwl_new(rd, ':');
			rc = cw_jsonl(rd, line_event, t.c);
			goto done;
		}
	}
	t.c = cwl_new(rd, '#');
	cw_src_init(&src, rd->in);
	t.js = sl_jscan_new(cw_src_read, &src);
	sl_buf_init(&t.b);
	sl_buf_init(&t.where);
	while ((r = sl_jscan_next(t.js)) != SL_JS_END) {
		if (r == SL_JS_VALUE && sl_jscan_type(t.js) == '{')
			rc = document(&t);
		else if (r == SL_JS_VALUE && sl_jscan_type(t.js) == '[')
			rc = events(&t, 0);
		else if (r == SL_JS_VALUE) {
			if (sl_jscan_skip(t.js) == SL_JS_OK) {
				sl_count_units(rd, 1);
				cwl_reject(t.c, ++t.nev, "not a CloudTrail "
				    "event");
			}
		}
		if (rc == SL_STOP)
			break;
		if (cw_scan_failed(rd, t.js, &whole) == SL_STOP) {
			rc = SL_STOP;
			break;
		}
	}
	sl_jscan_free(t.js);
	sl_buf_free(&t.b);
	sl_buf_free(&t.where);
done:
	rc = cwl_end(t.c, rc, whole);
	cwl_free(t.c);
	return rc;
}

const struct sl_format sl_format_cloudtrail = {
	"cloudtrail",
	"CloudTrail logs ({\"Records\":[...]}, single events, arrays, "
	    "lookup-events, EventBridge)",
	ct_probe,
	ct_read,
	SL_SHAPE_JSON,
};
