/*
 * redact_run.c: one path through the engine.  Every leaf input under it
 * (gzip, archive members, directory entries, as lib/input/input.c walks them)
 * is redacted on its own, by what it holds:
 *
 *	the record stream (the records format bids)	-> record stream
 *	a JSON document (an export, JSON Lines)		-> the same JSON
 *	text that a format reads, or plain text		-> the same text
 *	anything else (binary)				-> nothing, exit 1
 *
 * The caller says where each input's output goes (struct sl_redact_io).
 */
#include <string.h>

#include "redact/redact.h"

enum mode { M_NONE, M_TEXT, M_JSON, M_RECORDS, M_B64 };

struct walkarg {
	struct sl_redact *rx;
	const struct sl_redact_io *io;
	enum mode forced;
};

/* The -f names of records.md, sorted by what they are. */
static enum mode
mode_of(const char *name)
{
	static const char *const json[] = { "cw-stream", "cw-events",
	    "cw-subscription", "insights", "describe-sessions", "cloudtrail",
	    "json", NULL };
	static const char *const text[] = { "typescript", "raw",
	    "pwsh-transcript", "cw-text", "cw-export", "text", NULL };
	int i;

	if (strcmp(name, "records") == 0)
		return M_RECORDS;
	for (i = 0; json[i] != NULL; i++)
		if (strcmp(name, json[i]) == 0)
			return M_JSON;
	for (i = 0; text[i] != NULL; i++)
		if (strcmp(name, text[i]) == 0)
			return M_TEXT;
	return sl_format_lookup(name) != NULL ? M_TEXT : M_NONE;
}

int
sl_redact_format_ok(const char *name)
{
	return mode_of(name) != M_NONE;
}

static enum mode
detect(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_format *f;

	if (n == 0)
		return M_TEXT;		/* empty in, empty out */
	f = sl_detect(p, n, name);
	if (f != NULL && strcmp(sl_format_name(f), "records") == 0)
		return M_RECORDS;
	if (rx_json_probe(p, n))
		return M_JSON;
	/* A subscription payload in transit: base64 of gzip. */
	if ((f != NULL && strcmp(sl_format_name(f), "cw-subscription") == 0) ||
	    rx_b64_looks((const char *)p, SL_MIN(n, (size_t)4096) / 4 * 4))
		return M_B64;
	/* Text that is no session log may still hold a secret. */
	return f != NULL || sl_looks_text(p, n) ? M_TEXT : M_NONE;
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
	rx_ctx_free(&in->ctx);
	rx_ctx_free(&in->mctx);
	rx_sessions_free(&in->sessions);
}

static int
leaf(void *arg, struct sl_in *sin)
{
	struct walkarg *wa = arg;
	struct sl_redact *rx = wa->rx;
	const char *name = sl_in_name(sin);
	const unsigned char *p;
	struct rx_input in;
	struct rx_fstat *fs;
	struct sl_out *out;
	enum mode m;
	size_t n;
	int rc, status;

	rx->where = name;
	rx->status = SL_OK;
	n = sl_in_peek(sin, &p, SL_PEEK);
	if (n == 0 && sl_in_failed(sin))
		return SL_REJECT;
	m = wa->forced != M_NONE ? wa->forced : detect(p, n, name);
	if (m == M_NONE) {
		/* Fail closed: bytes we cannot read are not passed on. */
		rx_warn(rx, 0, "unrecognized log format");
		return SL_REJECT;
	}
	if ((out = wa->io->open(wa->io->arg, name)) == NULL)
		return SL_REJECT;
	fs = rx_fstat_new(rx, name);
	input_init(&in, rx, sin, out, fs);
	switch (m) {
	case M_RECORDS:
		rc = rx_records_run(&in);
		break;
	case M_JSON:
		rc = rx_json_run(&in);
		break;
	case M_B64:
		rc = rx_b64_run(&in);
		break;
	default:
		rc = rx_text_run(&in);
		break;
	}
	input_fini(&in);
	status = rx->status;
	if (wa->io->done(wa->io->arg, out, name) != SL_OK || rc == SL_STOP)
		return SL_STOP;
	if (sl_in_failed(sin))
		status = SL_REJECT;
	return status;
}

int
sl_redact_path(struct sl_redact *rx, const char *path, const char *format,
    const struct sl_redact_io *io, sl_errfn err, void *errarg)
{
	struct walkarg wa;
	int rc;

	wa.rx = rx;
	wa.io = io;
	wa.forced = format != NULL ? mode_of(format) : M_NONE;
	rx->err = err;
	rx->errarg = errarg;
	rc = sl_input_walk(path, leaf, &wa, err, errarg, NULL);
	rx->where = NULL;
	return rc;
}

int
sl_redact_mem(struct sl_redact *rx, const char *name, const void *p,
    size_t n, const char *format, const struct sl_redact_io *io,
    sl_errfn err, void *errarg)
{
	struct walkarg wa;
	struct sl_in *in = sl_in_mem(name, p, n);
	int rc;

	wa.rx = rx;
	wa.io = io;
	wa.forced = format != NULL ? mode_of(format) : M_NONE;
	rx->err = err;
	rx->errarg = errarg;
	rc = leaf(&wa, in);
	sl_in_free(in);
	rx->where = NULL;
	return rc;
}
