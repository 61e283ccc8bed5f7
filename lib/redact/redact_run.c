/*
 * redact_run.c: one path through the engine.  Every leaf input under it
 * (gzip, archive members, directory entries, as lib/input/input.c walks
 * them) is redacted on its own, by the shape of the format that reads it
 * (struct sl_format, formats/readers/registry.c):
 *
 *	SL_SHAPE_RECORDS	-> record stream (redact_records.c)
 *	SL_SHAPE_JSON		-> the same JSON (redact_json.c), or the
 *				   base64 of gzip of it (redact_b64.c)
 *	SL_SHAPE_TEXT		-> the same text (redact_text.c)
 *	no format: by content	-> JSON, base64, text; binary: nothing, exit 1
 *
 * A format that declares no shape is refused, never taken for text.
 * Payloads inside an input (a base64 "data" field, a whole base64 file)
 * come back here through rx->nested: the one loop between the files of
 * the engine, like the registry's plug-in loop, and bounded by B64_NEST.
 *
 * The caller says where each input's output goes (struct sl_redact_io).
 */
#include <string.h>

#include "redact/redact.h"

enum mode { M_NONE, M_TEXT, M_JSON, M_RECORDS, M_B64 };

static enum mode
mode_of_shape(int shape)
{
	switch (shape) {
	case SL_SHAPE_TEXT:
		return M_TEXT;
	case SL_SHAPE_JSON:
		return M_JSON;
	case SL_SHAPE_RECORDS:
		return M_RECORDS;
	default:
		return M_NONE;
	}
}

/* An -f name: a format's, or "json" / "text" for any of that shape. */
static enum mode
mode_of(const char *name)
{
	const struct sl_format *f = sl_format_lookup(name);

	if (f != NULL)
		return mode_of_shape(sl_format_shape(f));
	if (strcmp(name, "json") == 0)
		return M_JSON;
	if (strcmp(name, "text") == 0)
		return M_TEXT;
	return M_NONE;
}

int
sl_redact_format_ok(const char *name)
{
	return mode_of(name) != M_NONE;
}

/* Bytes no format claims: what they look like. */
static enum mode
by_content(const unsigned char *p, size_t n)
{
	if (rx_json_probe(p, n))
		return M_JSON;
	/* A subscription payload in transit: base64 of gzip. */
	if (rx_b64_looks((const char *)p, SL_MIN(n, (size_t)4096) / 4 * 4))
		return M_B64;
	/* Text that is no session log may still hold a secret. */
	return sl_looks_text(p, n) ? M_TEXT : M_NONE;
}

static enum mode
detect(struct sl_redact *rx, const unsigned char *p, size_t n,
    const char *name)
{
	const struct sl_format *f;
	enum mode m;

	if (n == 0)
		return M_TEXT;		/* empty in, empty out */
	if ((f = sl_detect(p, n, name)) == NULL)
		return by_content(p, n);
	if ((m = mode_of_shape(sl_format_shape(f))) == M_NONE) {
		rx_warn(rx, 0, "format %s declares no shape: not redacted",
		    sl_format_name(f));
		return M_NONE;
	}
	/* A JSON format in transit (cw-subscription): base64 of gzip. */
	if (m == M_JSON && !rx_json_probe(p, n) &&
	    rx_b64_looks((const char *)p, SL_MIN(n, (size_t)4096) / 4 * 4))
		return M_B64;
	return m;
}

static void
input_init(struct rx_input *in, struct sl_redact *rx, struct sl_in *sin,
    struct sl_out *out, struct rx_fstat *fs)
{
	memset(in, 0, sizeof(*in));
	in->rx = rx;
	in->in = sin;
	in->fs = fs;
	in->w.out = out;
	rx_queue_init(&in->q, rx, rx_input_release, in, fs);
	rx_queue_init(&in->mq, rx, rx_input_release, in, fs);
}

static void
input_fini(struct rx_input *in)
{
	rx_queue_fini(&in->q);
	rx_queue_fini(&in->mq);
	rx_write_free(&in->w);
	rx_ctx_free(&in->ctx);
	rx_ctx_free(&in->mctx);
	rx_sessions_free(&in->sessions);
}

/*
 * Text and JSON: one line reader for the whole input, so that JSON that
 * stops being JSON goes on as text from where it stopped.
 */
static int
run_stream(struct rx_input *in, enum mode m)
{
	struct sl_redact *rx = in->rx;
	struct rx_ahead *outer = rx->ahead, *ahead = NULL;
	struct rx_lines l;
	int rc = RX_AS_TEXT;

	/* A large text file with -j: its raw scan on a second thread. */
	if (m == M_TEXT && (ahead = rx_ahead_start(rx, in->in)) != NULL)
		rx->ahead = ahead;
	rx_lines_init(&l, in->in, &in->w);
	if (m == M_JSON)
		rc = rx_json_read(in, &l);
	if (rc == RX_AS_TEXT)
		rc = rx_text_loop(in, &l);
	if (rc != SL_STOP)
		rc = rx_queue_flush(&in->q);
	if (rx_write_flush(&in->w) != SL_OK)
		rc = SL_STOP;
	rx_lines_free(&l);
	rx_ahead_stop(ahead);
	rx->ahead = outer;
	return rc;
}

static int
dispatch(struct rx_input *in, enum mode m)
{
	switch (m) {
	case M_RECORDS:
		return rx_records_run(in);
	case M_B64:
		return rx_b64_run(in);
	default:
		return run_stream(in, m);
	}
}

/* Redact sin into out, by mode m (M_NONE: detect).  rx->status is set. */
static int
redact_leaf(struct sl_redact *rx, struct sl_in *sin, enum mode m,
    struct sl_out *out)
{
	struct rx_input in;
	int rc;

	input_init(&in, rx, sin, out, rx_fstat_new(rx, sl_in_name(sin)));
	rc = dispatch(&in, m);
	input_fini(&in);
	return rc;
}

/* The mode of sin, or M_NONE (reported) when it cannot be redacted. */
static enum mode
leaf_mode(struct sl_redact *rx, struct sl_in *sin, enum mode forced)
{
	const unsigned char *p;
	size_t n = sl_in_peek(sin, &p, SL_PEEK);
	enum mode m;

	if (n == 0 && sl_in_failed(sin))
		return M_NONE;
	m = forced != M_NONE ? forced : detect(rx, p, n, sl_in_name(sin));
	/* Fail closed: bytes we cannot read are not passed on. */
	if (m == M_NONE && rx->status == SL_OK)
		rx_warn(rx, 0, "unrecognized log format");
	return m;
}

static int
leaf(struct rx_walk *wa, struct sl_in *sin)
{
	struct sl_redact *rx = wa->rx;
	const char *name = sl_in_name(sin);
	struct sl_out *out;
	enum mode m;
	int rc, status;

	rx->where = name;
	rx->status = SL_OK;
	if ((m = leaf_mode(rx, sin, (enum mode)wa->forced)) == M_NONE)
		return SL_REJECT;
	if ((out = wa->io->open(wa->io->arg, name)) == NULL)
		return SL_REJECT;
	rc = redact_leaf(rx, sin, m, out);
	status = rx->status;
	if (wa->io->done(wa->io->arg, out, name) != SL_OK || rc == SL_STOP)
		return SL_STOP;
	if (sl_in_failed(sin))
		status = SL_REJECT;
	return status;
}

/*
 * A payload inside the input at hand (rx->nested): p[0, n) as an input
 * called name, by its content, into out.  The input at hand keeps its
 * name for messages and its status (made worse only).
 */
static int
nested(struct sl_redact *rx, const char *name, const void *p, size_t n,
    struct sl_out *out)
{
	const char *where = rx->where;
	int status = rx->status, rc = SL_REJECT;
	struct sl_in *sin = sl_in_mem(name, p, n);
	enum mode m;

	rx->where = name;
	rx->status = SL_OK;
	if ((m = leaf_mode(rx, sin, M_NONE)) != M_NONE)
		rc = redact_leaf(rx, sin, m, out);
	if (rc != SL_STOP && (rx->status != SL_OK || sl_in_failed(sin)))
		rc = SL_REJECT;
	sl_in_free(sin);
	rx->where = where;
	rx->status = rc == SL_OK ? status : SL_REJECT;
	return rc;
}

/* The walk's leaf as sl_input_walk calls it. */
static int
walk_leaf(void *arg, struct sl_in *sin)
{
	return leaf(arg, sin);
}

static void
walk_init(struct rx_walk *wa, struct sl_redact *rx, const char *format,
    const struct sl_redact_io *io, sl_errfn err, void *errarg)
{
	memset(wa, 0, sizeof(*wa));
	wa->rx = rx;
	wa->io = io;
	wa->forced = format != NULL ? mode_of(format) : M_NONE;
	wa->err = err;
	wa->errarg = errarg;
	wa->leaf = leaf;
	rx->err = err;
	rx->errarg = errarg;
	rx->nested = nested;
}

int
sl_redact_path(struct sl_redact *rx, const char *path, const char *format,
    const struct sl_redact_io *io, sl_errfn err, void *errarg)
{
	struct rx_walk wa;
	int rc;

	walk_init(&wa, rx, format, io, err, errarg);
	if (rx->njobs > 1)
		rc = rx_jobs_path(rx, &wa, path);
	else
		rc = sl_input_walk(path, walk_leaf, &wa, err, errarg, NULL);
	rx->where = NULL;
	return rc;
}

void
sl_redact_set_jobs(struct sl_redact *rx, int jobs)
{
	rx->njobs = jobs;
}

int
sl_redact_end(struct sl_redact *rx)
{
	return rx_jobs_end(rx);
}

int
sl_redact_mem(struct sl_redact *rx, const char *name, const void *p,
    size_t n, const char *format, const struct sl_redact_io *io,
    sl_errfn err, void *errarg)
{
	struct rx_walk wa;
	struct sl_in *in = sl_in_mem(name, p, n);
	int rc;

	walk_init(&wa, rx, format, io, err, errarg);
	rc = leaf(&wa, in);
	sl_in_free(in);
	rx->where = NULL;
	return rc;
}
