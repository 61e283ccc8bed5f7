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
	struct sl_jkeys k;

	SL_UNUSED(name);
	sl_jkeys_probe(p, n, &k);
	/* Just the events: [{...}, ...], or one a line. */
	if (!k.object && sl_jkeys_has(&k, "[].message") &&
	    (sl_jkeys_has(&k, "[].timestamp") ||
	    sl_jkeys_has(&k, "[].logStreamName")))
		return 85;
	if (k.object && sl_jkeys_has(&k, "message") &&
	    sl_jkeys_has(&k, "timestamp") && (sl_jkeys_has(&k, "ingestionTime") ||
	    sl_jkeys_has(&k, "logStreamName") || sl_jkeys_has(&k, "eventId")))
		return 80;
	if (!k.object || !sl_jkeys_has(&k, "events"))
		return 0;
	if (sl_jkeys_has(&k, "events[].message") ||
	    sl_jkeys_has(&k, "nextForwardToken") ||
	    sl_jkeys_has(&k, "nextBackwardToken") ||
	    sl_jkeys_has(&k, "searchedLogStreams"))
		return 90;
	/* An empty page, or a cut one: "events" and not much else. */
	return sl_jkeys_has(&k, "events[]") ? 40 : 30;
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
	struct cwl *c = cwl_new(rd, ':');
	int rc;

	rc = cw_jsonl(rd, line_event, c);
	if (rc != SL_STOP)
		rc = cwl_finish(c, !sl_in_failed(rd->in));
	if (rc != SL_STOP)
		rc = cwl_status(c);
	cwl_free(c);
	return rc;
}

static int
ce_read(struct sl_reader *rd)
{
	struct sl_jscan *js, *mem = sl_jscan_mem(NULL, 0);
	struct sl_buf b, where, msg, stream;
	struct cw_src src;
	struct cwl *c = cwl_new(rd, '#');
	long long nev = 0, ms;
	int rc = SL_OK, r, hs, whole = 1;
	json_t *v;

	if (cw_is_jsonl(rd)) {
		const unsigned char *p;
		struct sl_jkeys k;
		size_t n = sl_in_peek(rd->in, &p, SL_PEEK);

		sl_jkeys_probe(p, n, &k);
		if (k.object && !sl_jkeys_has(&k, "events") &&
		    sl_jkeys_has(&k, "message")) {
			sl_jscan_free(mem);
			cwl_free(c);
			return ce_lines(rd);
		}
	}
	cw_src_init(&src, rd->in);
	js = sl_jscan_new(cw_src_read, &src);
	sl_buf_init(&b);
	sl_buf_init(&where);
	sl_buf_init(&msg);
	sl_buf_init(&stream);
	while ((r = sl_jscan_next(js)) != SL_JS_END) {
		if (r == SL_JS_VALUE && sl_jscan_type(js) == '[') {
			/* An array of events. */
			sl_jscan_enter(js);
			while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
				sl_buf_reset(&where);
				sl_buf_printf(&where, "%s#%lld", rd->name,
				    ++nev);
				if ((r = cw_copy(rd, js, &b, where.buf)) < 0)
					break;
				if (r > 0 && (v = cw_parse(rd, js, &b,
				    where.buf)) != NULL) {
					rc = event(c, v, nev);
					json_decref(v);
					if (rc == SL_STOP)
						goto out;
				}
			}
		} else if (r == SL_JS_VALUE && sl_jscan_type(js) != '{') {
			sl_buf_reset(&where);
			sl_buf_printf(&where, "%s:%lld", rd->name,
			    sl_jscan_line(js));
			if (sl_jscan_skip(js) == SL_JS_OK) {
				sl_count_units(rd, 1);
				sl_reject(rd, NULL, where.buf, "rejected "
				    "document: not a JSON object");
				continue;
			}
		} else if (r == SL_JS_VALUE && sl_jscan_enter(js) == SL_JS_OK) {
			while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
				if (strcmp(sl_jscan_key(js), "events") != 0)
					continue;	/* tokens: skipped */
				if (sl_jscan_type(js) != '[') {
					sl_count_units(rd, 1);
					sl_reject(rd, NULL, cwl_where(c, nev),
					    "rejected document: \"events\" "
					    "is not an array");
					continue;
				}
				sl_jscan_enter(js);
				while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
					sl_buf_reset(&where);
					sl_buf_printf(&where, "%s#%lld",
					    rd->name, ++nev);
					if ((r = cw_copy(rd, js, &b,
					    where.buf)) < 0)
						break;
					if (r == 0)
						continue;
					if (cw_event_fast(mem, b.buf, b.len,
					    &msg, &stream, &hs, &ms))
						rc = cwl_message(c, hs ?
						    stream.buf : NULL, msg.buf,
						    msg.len, ms, nev);
					else if ((v = cw_parse(rd, js, &b,
					    where.buf)) != NULL) {
						rc = event(c, v, nev);
						json_decref(v);
					}
					if (rc == SL_STOP)
						goto out;
				}
				if (sl_jscan_errkind(js) != SL_JSE_NONE)
					break;
			}
		}
		if (sl_jscan_errkind(js) != SL_JSE_NONE) {
			if (sl_jscan_errkind(js) == SL_JSE_TRUNCATED)
				whole = 0;
			if (cw_scan_error(rd, js) == SL_STOP) {
				rc = SL_STOP;
				goto out;
			}
		}
	}
	rc = cwl_finish(c, whole && !sl_in_failed(rd->in));
out:
	if (rc != SL_STOP)
		rc = cwl_status(c);
	sl_jscan_free(js);
	sl_jscan_free(mem);
	sl_buf_free(&b);
	sl_buf_free(&where);
	sl_buf_free(&msg);
	sl_buf_free(&stream);
	cwl_free(c);
	return rc;
}

const struct sl_format sl_format_cw_events = {
	"cw-events",
	"aws logs get-log-events / filter-log-events JSON (pages concatenated)",
	ce_probe,
	ce_read,
	SL_SHAPE_JSON,
};
