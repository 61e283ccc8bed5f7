/*
 * cw-stream: streamed session events (cloudWatchStreamingEnabled) as
 * saved from a log stream: compact JSON, one event per line, or a single
 * event (pretty-printed by the console), or an array of them:
 *
 *	{"eventVersion":"1.0","eventTime":"2023-07-18T10:24:19Z","awsRegion":
 *	 "us-east-1","target":{"id":"i-0db2e26bb837c93b1"},"userIdentity":
 *	 {"arn":"arn:aws:sts::..."},"runAsUser":"ec2-user","sessionId":
 *	 "ops-05ba181f37a0fb8d2","sessionData":["\u001b[?2004l\u001b]0;@ip-
 *	 10-0-1-11:~\u0007\u001b[?2004h[ec2-user@ip-10-0-1-11 ~]$ sudo dnf
 *	 install httpd"]}
 *
 * The events themselves are handled in cwlog.c.  src is "path:line" for
 * JSON Lines and "path#N" (the N-th event) otherwise.
 */
#include <string.h>

#include "readers/cwlog.h"

static int
stream_keys(const struct sl_jkeys *k, const char *pre)
{
	char a[64], b[64], c[64];

	snprintf(a, sizeof(a), "%ssessionData", pre);
	snprintf(b, sizeof(b), "%ssessionId", pre);
	snprintf(c, sizeof(c), "%seventTime", pre);
	return sl_jkeys_has(k, a) && (sl_jkeys_has(k, b) || sl_jkeys_has(k,
	    c));
}

static int
cs_probe(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_jkeys *k = sl_probe_keys(p, n);

	SL_UNUSED(name);
	if (k->object && stream_keys(k, ""))
		return 95;
	if (!k->object && stream_keys(k, "[]."))
		return 90;
	return 0;
}

static int
line_event(void *arg, json_t *v, long long line)
{
	return cwl_json(arg, v, NULL, -1, line);
}

static int
cs_read(struct sl_reader *rd)
{
	struct sl_jscan *js;
	struct sl_buf b, where;
	struct cw_src src;
	struct cwl *c;
	long long nev = 0;
	int rc = SL_OK, scan, whole = 1;
	json_t *v;

	if (cw_is_jsonl(rd)) {
		return cwl_jsonl(rd, line_event);
	}
	c = cwl_new(rd, '#');
	cw_src_init(&src, rd->in);
	js = sl_jscan_new(cw_src_read, &src);
	sl_buf_init(&b);
	sl_buf_init(&where);
	for (;;) {
		int r = sl_jscan_next(js), in_array = 0;

		if (r == SL_JS_END)
			break;
		if (r == SL_JS_VALUE && sl_jscan_type(js) == '[') {
			sl_jscan_enter(js);
			in_array = 1;
			r = sl_jscan_next(js);
		}
		while (r == SL_JS_VALUE) {
			sl_buf_reset(&where);
			sl_buf_printf(&where, "%s#%lld", rd->name, ++nev);
			v = cw_take(rd, js, &b, where.buf, &scan);
			if (scan)
				break;
			if (v != NULL) {
				rc = cwl_json(c, v, NULL, -1, nev);
				json_decref(v);
				if (rc == SL_STOP)
					goto out;
			}
			r = in_array ? sl_jscan_next(js) : SL_JS_END;
		}
		if (cw_scan_failed(rd, js, &whole) == SL_STOP) {
			rc = SL_STOP;
			goto out;
		}
	}
out:
	rc = cwl_end(c, rc, whole);
	sl_jscan_free(js);
	sl_buf_free(&b);
	sl_buf_free(&where);
	cwl_free(c);
	return rc;
}

const struct sl_format sl_format_cw_stream = {
	"cw-stream",
	"streamed session events (JSON, one per line, sessionData arrays)",
	cs_probe,
	cs_read,
	SL_SHAPE_JSON,
};
