/*
 * streams: many sessions open at once, so that memory growth per open
 * session is found by fuzzing (issue 15: 400 interleaved streams took
 * 3.1 GB).  The fuzz input is cut into pieces at each '\n' (kept); a
 * CloudWatch document then holds ROUNDS x STREAMS events, event i of it
 * piece i (mod the count) of stream i % STREAMS, so every stream stays
 * open until the end.
 *
 * Input: byte 0: STREAMS = (b % 32 + 1) * 8 (8..256); byte 1: bits 0-2
 * ROUNDS - 1, bits 3-4 the container (filter-log-events with text
 * messages, the same with streamed session events as messages, Logs
 * Insights rows, subscription payloads one per event); the rest: pieces.
 * Checked: the renderers' cells together stay within the budget (plus
 * what one feed may add before it is enforced), every record passes the
 * checks of common.c, and the counts add up.  Run it with
 * -rss_limit_mb=256: growth past the budget elsewhere is a finding too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PIECES_MAX	256
#define DOC_MAX		(8 << 20)	/* bytes of the document made */
#define EVENTS_MAX	64	/* events in it (fast enough for -timeout) */

/* One feed may take a renderer to its own cap before the budget acts. */
#define CELLS_BOUND	(SL_TERM_BUDGET + 4 * (size_t)SL_TERM_CELLS)

enum { C_EVENTS, C_STREAMED, C_INSIGHTS, C_SUB };

struct piece {
	const char *p;
	size_t n;
};

static size_t
cut(const uint8_t *data, size_t size, struct piece *pc)
{
	size_t n = 0, i, start = 0;

	for (i = 0; i < size && n < PIECES_MAX; i++)
		if (data[i] == '\n' || i + 1 == size) {
			pc[n].p = (const char *)data + start;
			pc[n++].n = i + 1 - start;
			start = i + 1;
		}
	return n;
}

static void
sid_of(char *sid, size_t len, unsigned s)
{
	snprintf(sid, len, "s%04u-0123456789abcdef0", s);
}

/* The message of one event: the piece, or a session event holding it. */
static void
message(struct sl_buf *m, int kind, const char *sid, const struct piece *p,
    unsigned i)
{
	sl_buf_reset(m);
	if (kind != C_STREAMED && kind != C_SUB) {
		sl_buf_add(m, p->p, p->n);
		return;
	}
	sl_buf_printf(m, "{\"eventVersion\":\"1.0\",\"eventTime\":"
	    "\"2024-06-01T10:%02u:%02u.000Z\",\"sessionId\":\"%s\","
	    "\"target\":{\"id\":\"i-0123456789abcdef0\"},\"sessionData\":[",
	    (i / 60) % 60, i % 60, sid);
	sl_buf_json_str(m, p->p, p->n);
	sl_buf_adds(m, "]}");
}

static void
event(struct sl_buf *doc, struct sl_buf *m, int kind, const char *sid,
    unsigned i)
{
	long long ms = 1717236000000LL + i;

	switch (kind) {
	case C_INSIGHTS:
		sl_buf_printf(doc, "%s[{\"field\":\"@timestamp\",\"value\":"
		    "\"2024-06-01 10:%02u:%02u.000\"},{\"field\":\"@logStream\","
		    "\"value\":\"%s\"},{\"field\":\"@message\",\"value\":",
		    i ? "," : "", (i / 60) % 60, i % 60, sid);
		sl_buf_json_str(doc, m->buf, m->len);
		sl_buf_adds(doc, "}]");
		break;
	case C_SUB:
		sl_buf_printf(doc, "{\"messageType\":\"DATA_MESSAGE\","
		    "\"owner\":\"123456789012\",\"logGroup\":\"g\","
		    "\"logStream\":\"%s\",\"subscriptionFilters\":[\"a\"],"
		    "\"logEvents\":[{\"id\":\"%u\",\"timestamp\":%lld,"
		    "\"message\":", sid, i, ms);
		sl_buf_json_str(doc, m->buf, m->len);
		sl_buf_adds(doc, "}]}\n");
		break;
	default:
		sl_buf_printf(doc, "%s{\"logStreamName\":\"%s\",\"timestamp\":"
		    "%lld,\"message\":", i ? "," : "", sid, ms);
		sl_buf_json_str(doc, m->buf, m->len);
		sl_buf_printf(doc, ",\"ingestionTime\":1,\"eventId\":\"%u\"}",
		    i);
		break;
	}
}

static void
make_doc(struct sl_buf *doc, int kind, unsigned streams, unsigned rounds,
    const struct piece *pc, size_t npc)
{
	struct sl_buf m;
	char sid[32];
	unsigned i, total = streams * rounds;

	sl_buf_init(&m);
	if (kind == C_INSIGHTS)
		sl_buf_adds(doc, "{\"results\":[");
	else if (kind != C_SUB)
		sl_buf_adds(doc, "{\"events\":[");
	for (i = 0; i < total && i < EVENTS_MAX && doc->len < DOC_MAX; i++) {
		sid_of(sid, sizeof(sid), i % streams);
		message(&m, kind, sid, &pc[i % npc], i);
		event(doc, &m, kind, sid, i);
	}
	if (kind == C_INSIGHTS)
		sl_buf_adds(doc, "],\"status\":\"Complete\"}\n");
	else if (kind != C_SUB)
		sl_buf_adds(doc, "]}\n");
	sl_buf_free(&m);
}

/* The sink: every record checked, and the cells counted meanwhile. */
static int
put(void *arg, const struct sl_record *r)
{
	if (sl_term_all_cells() > CELLS_BOUND)
		fz_fail("renderers hold %zu cells, over the budget's %zu",
		    sl_term_all_cells(), (size_t)CELLS_BOUND);
	return fz_sink_put(arg, r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct piece pc[PIECES_MAX];
	struct sl_opts opts = { 0 };
	struct sl_sink sink;
	struct sl_stats st;
	struct fz_check *c;
	struct sl_run *run;
	struct sl_buf doc;
	long long nerr = 0;
	unsigned streams, rounds;
	size_t npc;
	int kind;

	if (size < 3)
		return 0;
	streams = ((unsigned)(data[0] & 31) + 1) * 8;
	rounds = (data[1] & 7) + 1;
	kind = (data[1] >> 3) & 3;
	npc = cut(data + 2, size - 2, pc);
	sl_buf_init(&doc);
	make_doc(&doc, kind, streams, rounds, pc, npc);
	c = fz_check_new(1, 0);
	sink.put = put;
	sink.arg = c;
	sink.want = 0;
	run = sl_run_new(&opts, &sink, fz_errfn, &nerr);
	sl_run_set_info(run, fz_infofn, NULL);
	(void)fz_run_finish(run, sl_run_mem(run, "streams.json", doc.buf,
	    doc.len));
	sl_run_stats(run, &st);
	fz_check_stats(&st, "accounting-cw");
	if (st.records != fz_check_count(c))
		fz_fail("stats: %lld records, sink saw %lld", st.records,
		    fz_check_count(c));
	sl_run_free(run);
	fz_check_free(c);
	sl_buf_free(&doc);
	if (sl_term_all_cells() != 0)
		fz_fail("%zu cells still held after the run",
		    sl_term_all_cells());
	return 0;
}
