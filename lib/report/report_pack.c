/*
 * report_pack.c: the report's part of -j N (sl_run_set_packer).  A worker
 * builds the report state of what it reads, as far as that state can be
 * built apart from the rest: a run of line records of one session and one
 * input becomes one entry (its line count, times and commands, the
 * timestamps parsed), which the parent merges into its store as the
 * lines one at a time would have been; other records (sessions, notes)
 * are few and go as they are.  The parent so handles a file's lines
 * once, not each line, and receives its commands, not its text.
 *
 * The stream of entries, host order (both ends are the same program):
 *
 *	'R' record (sl_record_encode)
 *	'L' str session, str src of the first line (sl_codec_put_str),
 *	    i64 first_n, lines, timed, first_ms, last_ms, u32 ncmds,
 *	    then per command: u32 len, bytes, i64 ms, u8 cont, u8 flags
 *
 * A run ends at a line of another session or input, at a line 1 (the
 * same input read again starts a fresh source), at any other record,
 * and when its commands pass PACK_CMDS bytes, which bounds a worker's
 * memory: two entries of one run merge as one does.
 *
 * A transcript gives two session records, its header's and its
 * trailer's, with its lines between, and the parent's merge of each
 * (decoding, looking the session up, copying fields) was a fifth of
 * applying a file.  So a session record is held back for the next
 * record: when that is a session record of the same session and source
 * rank, and the two do not both give a start or both an end, the two go
 * as one 'R' record, which merges (and --save-state keeps) as the two
 * one after the other do: each field the first one's, else the
 * second's; start and end, each with its source, from the one that
 * gives it; the extras of both, in order.  Lines of the held session
 * may go before it: they only make the session, as the record would
 * have.  Anything else sends it first.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "report/report.h"

#define PACK_CMDS	(64 * 1024)	/* command bytes held in a run */

/* A held string: a buffer never added to has no bytes at all. */
static const char *
held(const struct sl_buf *b)
{
	return b->buf != NULL ? b->buf : "";
}

/* The held run to b, as one 'L' entry. */
static void
run_end(struct rpack *pk, struct sl_buf *b)
{
	if (!pk->open)
		return;
	sl_buf_addc(b, 'L');
	sl_codec_put_str(b, pk->null_sid ? NULL : held(&pk->sid));
	sl_codec_put_str(b, held(&pk->src));
	sl_codec_put_i64(b, pk->first_n);
	sl_codec_put_i64(b, pk->lines);
	sl_codec_put_i64(b, pk->timed);
	sl_codec_put_i64(b, pk->first_ms);
	sl_codec_put_i64(b, pk->last_ms);
	sl_codec_put_u32(b, (uint32_t)pk->ncmds);
	sl_buf_add(b, pk->cmds.buf, pk->cmds.len);
	pk->open = 0;
}

/*
 * Is the input part of src (sl_src_input_len) the held run's?  Read
 * from the held part on, its line number after it, not the whole of src
 * measured from its end: once a line, the most of packing it.
 */
static int
same_input(const struct rpack *pk, const char *src)
{
	const char *p = src + pk->plen;

	if (strncmp(src, held(&pk->src), pk->plen) != 0)
		return 0;
	if (*p == '\0')	/* no line number: measured, then */
		return sl_src_input_len(src) == pk->plen;
	if ((*p != ':' && *p != '#') || !isdigit((unsigned char)p[1]))
		return 0;
	for (p += 2; isdigit((unsigned char)*p); p++)
		;
	return *p == '\0';
}

/* Does line r belong to the held run? */
static int
run_takes(const struct rpack *pk, const struct sl_record *r)
{
	if (!pk->open || r->n == 1)
		return 0;
	if (r->session == NULL ? !pk->null_sid : (pk->null_sid ||
	    strcmp(r->session, held(&pk->sid)) != 0))
		return 0;
	return same_input(pk, r->src != NULL ? r->src : "");
}

static void
run_start(struct rpack *pk, const struct sl_record *r)
{
	const char *src = r->src != NULL ? r->src : "";

	pk->open = 1;
	pk->null_sid = r->session == NULL;
	sl_buf_reset(&pk->sid);
	if (r->session != NULL)
		sl_buf_adds(&pk->sid, r->session);
	sl_buf_reset(&pk->src);
	sl_buf_adds(&pk->src, src);
	pk->plen = sl_src_input_len(src);
	pk->first_n = r->n;
	pk->lines = pk->timed = 0;
	pk->first_ms = pk->last_ms = RV_NONE;
	pk->ncmds = 0;
	sl_buf_reset(&pk->cmds);
}

/* Line r into the held run, as put_line would take it. */
static void
run_add(struct rpack *pk, const struct sl_record *r)
{
	long long ms = report_line_ms(r);
	struct rline_cmd c;

	pk->lines++;
	if (ms != RV_NONE) {
		pk->timed++;
		if (pk->first_ms == RV_NONE || ms < pk->first_ms)
			pk->first_ms = ms;
		if (pk->last_ms == RV_NONE || ms > pk->last_ms)
			pk->last_ms = ms;
	}
	if (!report_line_cmd(r, &c))
		return;
	sl_codec_put_u32(&pk->cmds, (uint32_t)c.n);
	sl_buf_add(&pk->cmds, c.p, c.n);
	sl_codec_put_i64(&pk->cmds, ms);
	sl_buf_addc(&pk->cmds, (char)(c.cont != 0));
	sl_buf_addc(&pk->cmds, (char)c.flags);
	pk->ncmds++;
}

/* The held session record to b. */
static void
hold_end(struct rpack *pk, struct sl_buf *b)
{
	if (!pk->held)
		return;
	sl_buf_addc(b, 'R');
	sl_buf_add(b, pk->hold.buf, pk->hold.len);
	pk->held = 0;
}

/* Is r of the held record's session? */
static int
hold_same_session(const struct rpack *pk, const struct sl_record *r)
{
	if (r->session == NULL || pk->hold_null_sid)
		return r->session == NULL && pk->hold_null_sid;
	return strcmp(r->session, held(&pk->hold_sid)) == 0;
}

/* Does session record r go with the held one, as one record? */
static int
hold_takes(const struct rpack *pk, const struct sl_record *r)
{
	return pk->held && hold_same_session(pk, r) &&
	    sl_source_rank(r->f[SL_F_ORIGIN]) == pk->hold_rank &&
	    !(pk->hold_start && r->f[SL_F_START] != NULL) &&
	    !(pk->hold_end && r->f[SL_F_END] != NULL);
}

static void
hold_start(struct rpack *pk, const struct sl_record *r)
{
	pk->held = 1;
	pk->hold_rank = sl_source_rank(r->f[SL_F_ORIGIN]);
	pk->hold_start = r->f[SL_F_START] != NULL;
	pk->hold_end = r->f[SL_F_END] != NULL;
	pk->hold_null_sid = r->session == NULL;
	sl_buf_reset(&pk->hold_sid);
	if (r->session != NULL)
		sl_buf_adds(&pk->hold_sid, r->session);
	sl_buf_reset(&pk->hold);
	sl_record_encode(&pk->hold, r);
}

/* The field pair (value, its source) of the one of a and b that has it. */
static void
take_pair(struct sl_record *c, const struct sl_record *r, int f, int fsrc)
{
	if (c->f[f] == NULL && r->f[f] != NULL) {
		c->f[f] = r->f[f];
		c->f[fsrc] = r->f[fsrc];
	}
}

/* The held record and r (hold_takes) as one record, to b. */
static int
hold_combine(struct rpack *pk, struct sl_buf *b, const struct sl_record *r)
{
	struct sl_record c;
	int f;

	if (sl_record_decode(pk->hold.buf, pk->hold.len, &c,
	    &pk->hold_arrays) == 0)
		return 0;	/* cannot be: it was encoded here */
	for (f = 0; f < SL_F_COUNT; f++)
		if (c.f[f] == NULL && f != SL_F_START && f != SL_F_START_SRC &&
		    f != SL_F_END && f != SL_F_END_SRC)
			c.f[f] = r->f[f];
	take_pair(&c, r, SL_F_START, SL_F_START_SRC);
	take_pair(&c, r, SL_F_END, SL_F_END_SRC);
	if (c.nextra + r->nextra > pk->capkv) {
		pk->capkv = c.nextra + r->nextra;
		pk->kv = sl_xrealloc(pk->kv, pk->capkv * sizeof(*pk->kv));
	}
	if (c.nextra > 0)
		memcpy(pk->kv, c.extra, c.nextra * sizeof(*pk->kv));
	if (r->nextra > 0)
		memcpy(pk->kv + c.nextra, r->extra, r->nextra * sizeof(*pk->kv));
	c.extra = pk->kv;
	c.nextra += r->nextra;
	sl_buf_addc(b, 'R');
	sl_record_encode(b, &c);
	pk->held = 0;
	return 1;
}

/* Session record r: with the held one, else held in its place. */
static void
hold_session(struct rpack *pk, struct sl_buf *b, const struct sl_record *r)
{
	if (hold_takes(pk, r) && hold_combine(pk, b, r))
		return;
	hold_end(pk, b);
	hold_start(pk, r);
}

static int
pack(void *arg, struct sl_buf *b, const struct sl_record *r)
{
	struct rpack *pk = &((struct sl_report *)arg)->pack;

	if (r->type != SL_LINE) {
		run_end(pk, b);
		if (r->type == SL_SESSION) {
			hold_session(pk, b, r);
			return SL_OK;
		}
		hold_end(pk, b);
		sl_buf_addc(b, 'R');
		sl_record_encode(b, r);
		return SL_OK;
	}
	if (!run_takes(pk, r)) {
		run_end(pk, b);
		if (pk->held && !hold_same_session(pk, r))
			hold_end(pk, b);
		run_start(pk, r);
	}
	run_add(pk, r);
	if (pk->cmds.len >= PACK_CMDS)
		run_end(pk, b);
	return SL_OK;
}

static void
pack_end(void *arg, struct sl_buf *b)
{
	struct rpack *pk = &((struct sl_report *)arg)->pack;

	run_end(pk, b);
	hold_end(pk, b);
}

/* ------------------------------------------------------------ parent */

/* Bytes of the n commands at c (their texts, and a break each). */
static size_t
cmds_bytes(struct sl_codec_cur c, uint32_t n)
{
	size_t bytes = 0;
	uint32_t i, len;

	for (i = 0; i < n && !c.bad; i++) {
		len = sl_codec_get_u32(&c);
		if (c.bad || len > c.n || c.n - len < 10)
			break;
		bytes += (size_t)len + 1;
		c.p += len + 10;
		c.n -= len + 10;
	}
	return bytes;
}

/* The commands of an 'L' entry to src, in order. */
static void
apply_cmds(struct sl_report *rep, struct rsrc *src, struct sl_codec_cur *c,
    uint32_t n)
{
	const char *text;
	uint32_t i, len;
	long long ms;
	int cont;

	report_src_reserve(src, n, cmds_bytes(*c, n));
	for (i = 0; i < n && !c->bad; i++) {
		len = sl_codec_get_u32(c);
		if (c->bad || len > c->n || c->n - len < 10) {
			c->bad = 1;
			return;
		}
		text = c->p;
		c->p += len;
		c->n -= len;
		ms = sl_codec_get_i64(c);
		cont = c->p[0];
		report_cmd_add(rep, src, text, len, ms, cont,
		    (unsigned char)c->p[1]);
		c->p += 2;
		c->n -= 2;
	}
}

/* An 'L' entry: what its lines one at a time would have done. */
static void
apply_run(struct sl_report *rep, struct sl_codec_cur *c)
{
	const char *sid = sl_codec_get_str(c), *srcs = sl_codec_get_str(c);
	long long first_n = sl_codec_get_i64(c), lines = sl_codec_get_i64(c);
	long long timed = sl_codec_get_i64(c), first_ms = sl_codec_get_i64(c);
	long long last_ms = sl_codec_get_i64(c);
	uint32_t ncmds = sl_codec_get_u32(c);
	struct rsrc *src;

	if (c->bad || srcs == NULL) {
		c->bad = 1;
		return;
	}
	src = report_line_src(rep, sid, srcs, first_n);
	report_src_lines(src, first_n, lines, timed, first_ms, last_ms);
	apply_cmds(rep, src, c, ncmds);
}

static int
apply(void *arg, const void *p, size_t n)
{
	struct sl_report *rep = arg;
	struct sl_codec_cur c = { (const char *)p, n, 0 };
	struct sl_record r;
	size_t used;
	char type;

	while (c.n > 0 && !c.bad) {
		type = *c.p++;
		c.n--;
		if (type == 'L') {
			apply_run(rep, &c);
			continue;
		}
		if (type != 'R' || (used = sl_record_decode(c.p, c.n, &r,
		    &rep->pack.arrays)) == 0) {
			c.bad = 1;
			break;
		}
		sl_report_put(rep, &r);
		c.p += used;
		c.n -= used;
	}
	/* Cannot be: both ends are the same program.  Stop rather than
	 * report on part of the input. */
	return c.bad ? SL_STOP : SL_OK;
}

void
sl_report_packer(struct sl_report *rep, struct sl_packer *pk)
{
	pk->pack = pack;
	pk->end = pack_end;
	pk->apply = apply;
	pk->arg = rep;
	pk->flush = NULL;	/* its bytes point nowhere else */
}
