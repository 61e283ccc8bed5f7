/*
 * insights: `aws logs get-query-results` output (CloudWatch Logs
 * Insights), the rows of a query over a session log group:
 *
 *	{"results": [[{"field": "@timestamp", "value": "2024-05-01 12:00:14.321"},
 *	              {"field": "@message", "value": "{\"eventVersion\":...}"},
 *	              {"field": "@logStream", "value": "alice-0a1b2c3d4e5f67890"},
 *	              {"field": "@ptr", "value": "CmIKKQol..."}], ...],
 *	 "statistics": {...}, "status": "Complete"}
 *
 * Each row with an @message is a log event of stream @logStream at
 * @timestamp (UTC, no zone: sl_time_utc).  Queries sort newest first, so
 * rows are sorted per stream by time, then position (cwsort.c), and a
 * session is rebuilt in order (cwlog.c).  Rows without @message (a
 * `stats` query) are skipped.  src is "path#N", the N-th row.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cwlog.h"

static int
in_probe(const unsigned char *p, size_t n, const char *name)
{
	struct sl_jkeys k;

	SL_UNUSED(name);
	sl_jkeys_probe(p, n, &k);
	if (!k.object || !sl_jkeys_has(&k, "results"))
		return 0;
	if (sl_jkeys_has(&k, "results[][].field"))
		return 90;
	if (sl_jkeys_has(&k, "statistics") || sl_jkeys_has(&k, "status"))
		return 70;
	return 0;
}

/* Stream names, numbered in order of first appearance. */
struct names {
	char **v;
	size_t n, cap;
	size_t *slot;		/* index + 1; 0 empty */
	size_t nslot;
};

static unsigned long
hash(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211UL;
	return h;
}

static size_t
name_id(struct names *t, const char *s)
{
	size_t k, i;

	if (t->n * 2 >= t->nslot) {
		free(t->slot);
		t->nslot = t->nslot ? t->nslot * 2 : 64;
		t->slot = sl_xcalloc(t->nslot, sizeof(*t->slot));
		for (i = 0; i < t->n; i++) {
			for (k = hash(t->v[i]) & (t->nslot - 1); t->slot[k];
			    k = (k + 1) & (t->nslot - 1))
				;
			t->slot[k] = i + 1;
		}
	}
	for (k = hash(s) & (t->nslot - 1); t->slot[k];
	    k = (k + 1) & (t->nslot - 1))
		if (strcmp(t->v[t->slot[k] - 1], s) == 0)
			return t->slot[k] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = sl_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n] = sl_xstrdup(s);
	t->slot[k] = t->n + 1;
	return t->n++;
}

/* One row: fields to the sorter.  "" stands for no stream. */
static int
row(struct cwl *c, struct cw_sort *srt, struct names *t, json_t *r,
    long long pos)
{
	const char *f, *ts = NULL, *msg = NULL, *stream = "";
	size_t i, mlen = 0;
	json_t *e, *fv, *vv;
	long long ms = -1;

	if (!json_is_array(r))
		return cwl_reject(c, pos, "a result row is not an array");
	json_array_foreach(r, i, e) {
		fv = json_object_get(e, "field");
		vv = json_object_get(e, "value");
		if (!json_is_string(fv))
			return cwl_reject(c, pos, "a field without a "
			    "\"field\" name");
		f = json_string_value(fv);
		if (strcmp(f, "@timestamp") != 0 && strcmp(f, "@message") != 0 &&
		    strcmp(f, "@logStream") != 0)
			continue;
		if (!json_is_string(vv))
			return cwl_reject(c, pos, "%s is not a string", f);
		if (strcmp(f, "@timestamp") == 0)
			ts = json_string_value(vv);
		else if (strcmp(f, "@logStream") == 0)
			stream = json_string_value(vv);
		else {
			msg = json_string_value(vv);
			mlen = json_string_length(vv);
		}
	}
	if (msg == NULL) {
		cwl_skip(c, CW_SKIP_NOT_EVENT);
		return SL_OK;
	}
	if (ts != NULL && sl_time_utc(ts, strlen(ts), &ms) != 0)
		return cwl_reject(c, pos, "@timestamp is not a time: \"%.40s\"",
		    ts);
	if (cw_sort_add(srt, (long long)name_id(t, stream), ms, pos, msg,
	    mlen) < 0)
		return cwl_reject(c, pos, "cannot hold it for sorting: %s",
		    strerror(errno));
	return SL_OK;
}

static int
in_read(struct sl_reader *rd)
{
	struct sl_jscan *js;
	struct sl_buf b, where;
	struct cw_src src;
	struct cw_sort *srt = cw_sort_new(CW_SORT_MEM);
	struct names t;
	struct cwl *c = cwl_new(rd, '#');
	long long nev = 0, g, ms, pos;
	const char *p;
	size_t n, i;
	int rc = SL_OK, r, scan, whole = 1;
	json_t *v;

	memset(&t, 0, sizeof(t));
	cw_src_init(&src, rd->in);
	js = sl_jscan_new(cw_src_read, &src);
	sl_buf_init(&b);
	sl_buf_init(&where);
	while ((r = sl_jscan_next(js)) != SL_JS_END) {
		if (r == SL_JS_VALUE && sl_jscan_type(js) == '{' &&
		    sl_jscan_enter(js) == SL_JS_OK) {
			while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
				if (strcmp(sl_jscan_key(js), "results") != 0 ||
				    sl_jscan_type(js) != '[')
					continue;
				sl_jscan_enter(js);
				while ((r = sl_jscan_next(js)) == SL_JS_VALUE) {
					sl_buf_reset(&where);
					sl_buf_printf(&where, "%s#%lld",
					    rd->name, ++nev);
					v = cw_take(rd, js, &b, where.buf,
					    &scan);
					if (scan)
						break;
					if (v == NULL)
						continue;
					rc = row(c, srt, &t, v, nev);
					json_decref(v);
				}
				if (sl_jscan_errkind(js) != SL_JSE_NONE)
					break;
			}
		} else if (r == SL_JS_VALUE) {
			rd->st->units++;
			cwl_reject(c, ++nev, "not a query results document");
			continue;
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
	cw_sort_done(srt);
	while ((r = cw_sort_next(srt, &g, &ms, &pos, &p, &n)) == 1)
		if ((rc = cwl_message(c, *t.v[g] != '\0' ? t.v[g] : NULL, p, n,
		    ms, pos)) == SL_STOP)
			goto out;
	if (r < 0)
		sl_warn(rd, NULL, "cannot read back sorted rows: %s",
		    strerror(errno));
	rc = cwl_finish(c, whole && !sl_in_failed(rd->in));
out:
	if (rc != SL_STOP)
		rc = cwl_status(c);
	for (i = 0; i < t.n; i++)
		free(t.v[i]);
	free(t.v);
	free(t.slot);
	sl_jscan_free(js);
	sl_buf_free(&b);
	sl_buf_free(&where);
	cw_sort_free(srt);
	cwl_free(c);
	return rc;
}

const struct sl_format sl_format_insights = {
	"insights",
	"CloudWatch Logs Insights results (aws logs get-query-results JSON)",
	in_probe,
	in_read,
};
