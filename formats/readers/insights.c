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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/strmap.h"
#include "readers/cwlog.h"

static int
in_probe(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_jkeys *k = sl_probe_keys(p, n);

	SL_UNUSED(name);
	if (!k->object || !sl_jkeys_has(k, "results"))
		return 0;
	if (sl_jkeys_has(k, "results[][].field"))
		return 90;
	if (sl_jkeys_has(k, "statistics") || sl_jkeys_has(k, "status"))
		return 70;
	return 0;
}

/*
 * Stream names, numbered in order of first appearance.  The map holds
 * number + 1 (never NULL) under keys borrowed from v.
 */
struct names {
	char **v;
	size_t n, cap;
	struct sl_strmap *ids;
};

static size_t
name_id(struct names *t, const char *s)
{
	uintptr_t id;

	if (t->ids == NULL)
		t->ids = sl_strmap_new(0);
	if ((id = (uintptr_t)sl_strmap_get(t->ids, s)) != 0)
		return (size_t)id - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = sl_xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n] = sl_xstrdup(s);
	*sl_strmap_slot(t->ids, t->v[t->n]) = (void *)(uintptr_t)(t->n + 1);
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
		if (!json_is_string(vv) || (strcmp(f, "@message") != 0 &&
		    strlen(json_string_value(vv)) != json_string_length(vv)))
			return cwl_reject(c, pos, "%s is not a string (or holds "
			    "a NUL)", f);
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

struct in_ctx {
	struct sl_reader *rd;
	struct cwl *c;
	struct cw_sort *srt;
	struct names t;
};

static int
result(void *arg, json_t *v, const char *where, long long n)
{
	struct in_ctx *x = arg;

	SL_UNUSED(where);
	if (v == NULL) {
		sl_count_units(x->rd, 1);
		cwl_reject(x->c, n, "not a query results document");
		return SL_OK;
	}
	return row(x->c, x->srt, &x->t, v, n);
}

static int
in_read(struct sl_reader *rd)
{
	struct in_ctx x;
	long long g, ms, pos;
	const char *p;
	size_t n, i;
	int rc, r, whole = 1;

	memset(&x, 0, sizeof(x));
	x.rd = rd;
	x.srt = cw_sort_new(CW_SORT_MEM);
	x.c = cwl_new(rd, '#');
	rc = cw_each(rd, "results", result, &x, &whole);
	if (rc == SL_STOP)
		goto out;
	cw_sort_done(x.srt);
	while ((r = cw_sort_next(x.srt, &g, &ms, &pos, &p, &n)) == 1)
		if ((rc = cwl_message(x.c, *x.t.v[g] != '\0' ? x.t.v[g] : NULL,
		    p, n, ms, pos)) == SL_STOP)
			goto out;
	if (r < 0)
		sl_warn(rd, NULL, "cannot read back sorted rows: %s",
		    strerror(errno));
out:
	rc = cwl_end(x.c, rc, whole);
	for (i = 0; i < x.t.n; i++)
		free(x.t.v[i]);
	free(x.t.v);
	sl_strmap_free(x.t.ids);
	cw_sort_free(x.srt);
	cwl_free(x.c);
	return rc;
}

const struct sl_format sl_format_insights = {
	"insights",
	"CloudWatch Logs Insights results (aws logs get-query-results JSON)",
	in_probe,
	in_read,
	SL_SHAPE_JSON,
};
