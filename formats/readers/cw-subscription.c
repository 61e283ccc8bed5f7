/*
 * cw-subscription: what a CloudWatch Logs subscription filter delivers
 * (to Lambda, Kinesis, or Firehose and on to S3):
 *
 *	{"messageType":"DATA_MESSAGE","owner":"123456789012",
 *	 "logGroup":"/ssm/session-logs","logStream":"alice-0a1b2c3d4e5f67890",
 *	 "subscriptionFilters":["to-firehose"],
 *	 "logEvents":[{"id":"3822...","timestamp":1714564805312,
 *	   "message":"{\"eventVersion\":\"1.0\",...}"}]}
 *
 * gzip'd, and in transit base64'd ("H4sIAAAA..."); a Firehose object is
 * records gzip'd one by one and concatenated with no delimiter, so after
 * the input layer's gunzip the payloads simply follow each other.  A
 * corrupt gzip member is skipped there and the data breaks: the payload
 * it cut is rejected, the ones after it are read.  A whole input in
 * base64 (or a Lambda event {"awslogs":{"data":...}}) is decoded here,
 * in memory, at most SL_EVENT_MAX bytes.  CONTROL_MESSAGE payloads are
 * skipped.  Each payload is read whole (a Kinesis record is at most 1
 * MiB), so its keys may come in any order.  The events are streamed
 * events, upload text or CloudTrail events (cwlog.c); src is "path#N",
 * N counting events across payloads.
 */
#include <stdlib.h>
#include <string.h>

#include "base/b64.h"
#include "base/gunzip.h"
#include "readers/cwlog.h"

#define B64_SNIFF	4096	/* base64 bytes decoded by the probe */
#define MAX_BRKS	64

struct sub {
	struct sl_reader *rd;
	struct cwl *c;
	long long nev;
	int nested;		/* inside an awslogs wrapper */
	int whole;
	struct sl_buf doc;
	/* the fast path's scanners and decoded strings */
	struct sl_jscan *mem, *ev;
	struct sl_buf type, stream, msg, evstream;
};

static int
is_b64(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
	    c == '-' || c == '_';
}

/* Text of base64 only (white space aside), at least a few quanta. */
static int
all_b64(const unsigned char *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			continue;
		if (!is_b64(p[i]))
			return 0;
		k++;
	}
	return k >= 16;
}

/* Does a payload (gzip'd or not) start in these bytes? */
static int
payload_start(const unsigned char *p, size_t n)
{
	struct sl_gunzip g = { .max = 65536, .flags = SL_GUNZIP_PREFIX };
	struct sl_buf out;
	int yes;

	sl_buf_init(&out);
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		(void)sl_gunzip(p, n, &out, &g);
		p = (const unsigned char *)out.buf;
		n = out.len;
	}
	yes = memmem(p, n, "\"logEvents\"", 11) != NULL ||
	    memmem(p, n, "\"messageType\"", 13) != NULL;
	sl_buf_free(&out);
	return yes;
}

static int
sub_probe(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_jkeys *k = sl_probe_keys(p, n);
	struct sl_buf b;
	int bid = 0;

	SL_UNUSED(name);
	if (k->object && sl_jkeys_has(k, "logEvents") &&
	    (sl_jkeys_has(k, "messageType") || sl_jkeys_has(k, "logStream") ||
	    sl_jkeys_has(k, "logGroup") ||
	    sl_jkeys_has(k, "logEvents[].message")))
		return 95;
	if (k->object && sl_jkeys_has(k, "awslogs.data"))
		return 90;
	if (!all_b64(p, n))
		return 0;
	sl_buf_init(&b);
	if (sl_b64_decode((const char *)p, SL_MIN(n, (size_t)B64_SNIFF) / 4 * 4,
	    &b, 0) == 0 && payload_start((const unsigned char *)b.buf, b.len))
		bid = 85;
	sl_buf_free(&b);
	return bid;
}

static int docs(struct sub *, struct sl_jscan *);

static int
event(struct sub *s, json_t *v, const char *stream, long long pos)
{
	json_t *msg;
	long long ms = -1;

	if (!json_is_object(v))
		return cwl_reject(s->c, pos, "not a JSON object");
	msg = json_object_get(v, "message");
	if (msg == NULL)
		return cwl_reject(s->c, pos, "no \"message\"");
	if (!json_is_string(msg))
		return cwl_reject(s->c, pos, "\"message\" is not a string");
	if (cw_num(v, "timestamp", &ms) < 0)
		return cwl_reject(s->c, pos, "\"timestamp\" is not a number");
	return cwl_message(s->c, stream, json_string_value(msg),
	    json_string_length(msg), ms, pos);
}

/* Reject a whole payload at where: one unit lost. */
static int
reject_doc(struct sub *s, const char *where, const char *why)
{
	sl_count_units(s->rd, 1);
	return sl_reject(s->rd, NULL, where, "rejected payload: %s", why);
}

/* base64 (then maybe gzip) bytes holding payloads; in memory. */
static int
decoded(struct sub *s, const char *p, size_t n, const char *where)
{
	struct sl_buf raw, out;
	struct cw_memsrc m;
	struct sl_jscan *js;
	long long brks[MAX_BRKS];
	struct sl_gunzip gz = { .max = SL_EVENT_MAX, .flags = SL_GUNZIP_SKIP,
	    .brks = brks, .nbrk_max = MAX_BRKS };
	int rc = SL_OK, g;

	sl_buf_init(&raw);
	sl_buf_init(&out);
	if (sl_b64_decode(p, n, &raw, 0) != 0) {
		rc = reject_doc(s, where, "invalid base64");
		goto out;
	}
	memset(&m, 0, sizeof(m));
	if (raw.len >= 2 && (unsigned char)raw.buf[0] == 0x1f &&
	    (unsigned char)raw.buf[1] == 0x8b) {
		g = sl_gunzip(raw.buf, raw.len, &out, &gz);
		if (g != 0) {
			/* Reported; what was decoded is still read. */
			sl_warn(s->rd, where, "%s", gz.err);
			if (g < 0)
				s->whole = 0;
		}
		m.p = out.buf;
		m.n = out.len;
		m.brk = brks;
		m.nbrk = gz.nbrk;
	} else {
		m.p = raw.buf;
		m.n = raw.len;
	}
	js = sl_jscan_new(cw_memsrc_read, &m);
	s->nested++;
	rc = docs(s, js);
	s->nested--;
	sl_jscan_free(js);
out:
	sl_buf_free(&raw);
	sl_buf_free(&out);
	return rc;
}

static int
payload(struct sub *s, json_t *doc, const char *where)
{
	const char *why = NULL, *type, *stream;
	json_t *evs, *v, *aw;
	size_t i;
	int rc = SL_OK;

	if (!json_is_object(doc))
		return reject_doc(s, where, "not a JSON object");
	if ((aw = json_object_get(doc, "awslogs")) != NULL) {
		/* A Lambda event: {"awslogs":{"data":"H4sI..."}}. */
		v = json_object_get(aw, "data");
		if (!json_is_string(v))
			return reject_doc(s, where, "\"awslogs\" without "
			    "\"data\"");
		if (s->nested > 0)
			return reject_doc(s, where, "\"awslogs\" inside an "
			    "awslogs payload");
		return decoded(s, json_string_value(v),
		    json_string_length(v), where);
	}
	type = cw_str(doc, "messageType", &why);
	stream = cw_str(doc, "logStream", &why);
	evs = json_object_get(doc, "logEvents");
	if (why != NULL) {
		char msg[96];

		snprintf(msg, sizeof(msg), CW_WHY, why);
		return reject_doc(s, where, msg);
	}
	if (evs != NULL && !json_is_array(evs))
		return reject_doc(s, where, "\"logEvents\" is not an array");
	if (type != NULL && strcmp(type, "CONTROL_MESSAGE") == 0) {
		/* A health check of the destination: nothing of a session. */
		i = SL_MAX(json_array_size(evs), (size_t)1);
		s->nev += (long long)json_array_size(evs);
		sl_count_units(s->rd, (long long)i);
		while (i-- > 0)
			cwl_skip(s->c, CW_SKIP_CONTROL);
		return SL_OK;
	}
	if (evs == NULL)
		return reject_doc(s, where, "no \"logEvents\"");
	json_array_foreach(evs, i, v) {
		sl_count_units(s->rd, 1);
		if ((rc = event(s, v, stream, ++s->nev)) == SL_STOP)
			break;
	}
	return rc;
}

/*
 * The fast path for a plain DATA_MESSAGE payload: read with the scanner,
 * each event as cw-events reads its own (cw_event_fast), no tree for the
 * whole payload.  Returns 1 when done, 0 to let jansson read it (another
 * shape, a wrapper, a control message, anything odd in its keys).  An
 * event that is odd itself is read by jansson alone.
 */
static int
payload_fast(struct sub *s)
{
	struct sl_jscan *js = s->mem;
	const char *key, *p;
	size_t n;
	long long ms;
	int r, events = 0, has_stream = 0, hs, rc = SL_OK;
	json_t *v;
	json_error_t err;

	if (s->mem == NULL) {
		s->mem = js = sl_jscan_mem(NULL, 0);
		s->ev = sl_jscan_mem(NULL, 0);
	}
	/* First its keys: the stream may come after the events. */
	sl_jscan_mem_reset(js, s->doc.buf, s->doc.len);
	sl_buf_reset(&s->type);
	sl_buf_reset(&s->stream);
	if (sl_jscan_next(js) != SL_JS_VALUE || sl_jscan_type(js) != '{' ||
	    sl_jscan_enter(js) != SL_JS_OK)
		return 0;
	while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
		key = sl_jscan_key(js);
		if (strcmp(key, "messageType") == 0) {
			if (sl_jscan_type(js) != '"' ||
			    sl_jscan_unquote(js, &s->type) != SL_JS_OK)
				return 0;
		} else if (strcmp(key, "logStream") == 0) {
			if (sl_jscan_type(js) != '"' ||
			    sl_jscan_unquote(js, &s->stream) != SL_JS_OK ||
			    memchr(s->stream.buf, '\0', s->stream.len) != NULL)
				return 0;
			has_stream = 1;
		} else if (strcmp(key, "logEvents") == 0) {
			if (events++ || sl_jscan_type(js) != '[')
				return 0;
		} else if (strcmp(key, "awslogs") == 0)
			return 0;
	}
	if (r != SL_JS_END || sl_jscan_next(js) != SL_JS_END || !events ||
	    (s->type.len > 0 && strcmp(s->type.buf, "DATA_MESSAGE") != 0))
		return 0;
	/* Then its events. */
	sl_jscan_mem_reset(js, s->doc.buf, s->doc.len);
	sl_jscan_next(js);
	sl_jscan_enter(js);
	while (sl_jscan_next(js) == SL_JS_VALUE) {
		if (strcmp(sl_jscan_key(js), "logEvents") != 0)
			continue;
		sl_jscan_enter(js);
		while (sl_jscan_next(js) == SL_JS_VALUE && rc != SL_STOP) {
			sl_count_units(s->rd, 1);
			s->nev++;
			if (sl_jscan_raw(js, &p, &n) != SL_JS_OK)
				return 1;	/* cannot be: it was scanned */
			if (cw_event_fast(s->ev, p, n, &s->msg, &s->evstream,
			    &hs, &ms)) {
				rc = cwl_message(s->c, has_stream ?
				    s->stream.buf : NULL, s->msg.buf,
				    s->msg.len, ms, s->nev);
				continue;
			}
			if ((v = json_loadb(p, n, JSON_ALLOW_NUL |
			    JSON_DECODE_ANY, &err)) == NULL) {
				rc = cwl_reject(s->c, s->nev, "invalid JSON: %s",
				    err.text);
				continue;
			}
			rc = event(s, v, has_stream ? s->stream.buf : NULL,
			    s->nev);
			json_decref(v);
		}
		break;
	}
	return rc == SL_STOP ? -1 : 1;
}

/* Every payload the scanner finds. */
static int
docs(struct sub *s, struct sl_jscan *js)
{
	struct sl_buf where;
	json_error_t err;
	json_t *doc;
	char msg[128];
	int r, rc = SL_OK;

	sl_buf_init(&where);
	while ((r = sl_jscan_next(js)) != SL_JS_END && rc != SL_STOP) {
		if (r == SL_JS_VALUE) {
			sl_buf_reset(&where);
			sl_buf_printf(&where, "%s#%lld", s->rd->name,
			    s->nev + 1);
			r = sl_jscan_copy(js, &s->doc, SL_EVENT_MAX);
			if (r == SL_JS_BIG) {
				rc = reject_doc(s, where.buf, "larger than 64 "
				    "MiB, skipped");
				continue;
			}
			if (r == SL_JS_DEEP) {
				rc = reject_doc(s, where.buf, "nested too "
				    "deep");
				continue;
			}
		}
		if (r == SL_JS_ERR) {
			if (sl_jscan_errkind(js) == SL_JSE_TRUNCATED)
				s->whole = 0;
			rc = cw_scan_error(s->rd, js);
			continue;
		}
		if ((r = payload_fast(s)) != 0) {
			if (r < 0)
				rc = SL_STOP;
			continue;
		}
		doc = json_loadb(s->doc.buf, s->doc.len, JSON_ALLOW_NUL |
		    JSON_DECODE_ANY, &err);
		if (doc == NULL) {
			snprintf(msg, sizeof(msg), "invalid JSON: %.80s",
			    err.text);
			rc = reject_doc(s, where.buf, msg);
			continue;
		}
		rc = payload(s, doc, where.buf);
		json_decref(doc);
	}
	sl_buf_free(&where);
	return rc;
}

static int
sub_read(struct sl_reader *rd)
{
	const unsigned char *peek;
	struct sl_jscan *js;
	struct cw_src src;
	struct sub s;
	struct sl_buf all;
	char chunk[65536];
	ssize_t k;
	size_t n;
	int rc;

	memset(&s, 0, sizeof(s));
	s.rd = rd;
	s.c = cwl_new(rd, '#');
	s.whole = 1;
	sl_buf_init(&s.doc);
	sl_buf_init(&s.type);
	sl_buf_init(&s.stream);
	sl_buf_init(&s.msg);
	sl_buf_init(&s.evstream);
	n = sl_in_peek(rd->in, &peek, SL_PEEK);
	if (all_b64(peek, n)) {
		/* The whole input, base64: decoded in memory, capped. */
		sl_buf_init(&all);
		while ((k = sl_in_read(rd->in, chunk, sizeof(chunk))) > 0) {
			if (all.len + (size_t)k > (size_t)SL_EVENT_MAX / 3 * 4 +
			    4096)
				break;
			sl_buf_add(&all, chunk, (size_t)k);
		}
		if (k > 0)
			rc = reject_doc(&s, rd->name, "base64 input larger "
			    "than 64 MiB decoded");
		else
			rc = decoded(&s, all.buf, all.len, rd->name);
		sl_buf_free(&all);
	} else {
		cw_src_init(&src, rd->in);
		js = sl_jscan_new(cw_src_read, &src);
		rc = docs(&s, js);
		sl_jscan_free(js);
	}
	/* A corrupt gzip member was skipped: say so in the stream. */
	if (rc != SL_STOP && sl_in_next_break(rd->in, 0) >= 0)
		rc = sl_emit_note(rd, NULL, rd->name, SL_NOTE_REJECTED, -1,
		    "corrupt compressed data was skipped: payloads in it are "
		    "lost");
	rc = cwl_end(s.c, rc, s.whole);
	sl_buf_free(&s.doc);
	sl_buf_free(&s.type);
	sl_buf_free(&s.stream);
	sl_buf_free(&s.msg);
	sl_buf_free(&s.evstream);
	sl_jscan_free(s.mem);
	sl_jscan_free(s.ev);
	cwl_free(s.c);
	return rc;
}

const struct sl_format sl_format_cw_subscription = {
	"cw-subscription",
	"subscription filter / Firehose payloads (logEvents; base64, gzip)",
	sub_probe,
	sub_read,
	SL_SHAPE_JSON,
};
