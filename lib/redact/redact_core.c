/*
 * redact_core.c: what every part of the engine uses for one line and
 * knows nothing of inputs: rendering raw bytes, the marker that replaces
 * a secret, counting it, and reporting a problem with the input at hand.
 * It calls no other redact file but the HMAC, so detection and mapping
 * (below the queue) never reach back up into the drivers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

/* One rendering of the line into rx->rend; the width it knows after. */
static uint32_t
render_at(struct sl_redact *rx, uint32_t width, const char *p, size_t n,
    const char *e, size_t en)
{
	uint32_t learnt;

	sl_buf_reset(&rx->rend);
	rx->rend_rows = 0;
	if (width != 0)
		sl_term_set_width(rx->term, width);
	if (en > 0 && e == p + n)
		n += en;	/* one feed: the ending is where it was read */
	else if (en > 0) {
		sl_term_feed(rx->term, p, n);
		p = e;
		n = en;
	}
	sl_term_feed(rx->term, p, n);
	if (en > 0 && e[en - 1] == '\n')
		sl_term_cut_below(rx->term);
	sl_term_finish(rx->term);
	learnt = sl_term_width(rx->term);
	sl_term_reset(rx->term);
	return learnt;
}

/*
 * A line that shows a width of its own other than the one carried (the
 * terminal resized) is rendered at its own; any other at the carried
 * one, from its first byte (a line that learns the same width halfway
 * has drawn its start without it: zsh's redraws after a climb).
 */
uint32_t
rx_render(struct sl_redact *rx, uint32_t width, const char *p, size_t n,
    const char *e, size_t en)
{
	uint32_t own = render_at(rx, 0, p, n, e, en);

	if (width == 0 || (own != 0 && own != width))
		return own;
	render_at(rx, width, p, n, e, en);
	return width;
}

void
rx_marker(const struct sl_redact *rx, int rule, const char *secret,
    size_t n, struct sl_buf *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char mac[32];
	int i;

	sl_buf_add(out, "[REDACTED:", 10);
	sl_buf_adds(out, rx->rules.v[rule].kind);
	if (rx->key != NULL) {
		rx_hmac_sha256(rx->key, rx->keylen, secret, n, mac);
		sl_buf_addc(out, ':');
		for (i = 0; i < 6; i++) {
			sl_buf_addc(out, hex[mac[i] >> 4]);
			sl_buf_addc(out, hex[mac[i] & 15]);
		}
	}
	sl_buf_addc(out, ']');
}

static int
hit_cmp(const void *a, const void *b)
{
	const struct rx_hit *x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->rule - y->rule;
}

/*
 * Sorted, overlaps joined: the union of the spans, named by the rule
 * written first in the rules (the more specific kind).
 */
void
rx_hits_merge(const struct rx_hits *in, struct rx_hits *out)
{
	struct rx_hit *m;
	size_t i;

	out->n = 0;
	if (in->n == 0)
		return;
	if (out->cap < in->n) {
		out->cap = in->n;
		out->v = sl_xrealloc(out->v, out->cap * sizeof(*out->v));
	}
	memcpy(out->v, in->v, in->n * sizeof(*in->v));
	qsort(out->v, in->n, sizeof(*out->v), hit_cmp);
	out->n = 1;
	for (i = 1; i < in->n; i++) {
		m = &out->v[out->n - 1];
		if (out->v[i].a < m->b) {
			if (out->v[i].b > m->b)
				m->b = out->v[i].b;
			m->cut |= out->v[i].cut;
			if (out->v[i].rule < m->rule) {
				m->rule = out->v[i].rule;
				m->token = out->v[i].token;
			}
			continue;
		}
		out->v[out->n++] = out->v[i];
	}
}

void
rx_warn(struct sl_redact *rx, long long line, const char *fmt, ...)
{
	char msg[1024], where[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(where, sizeof(where), "%s:%lld",
		    rx->where != NULL ? rx->where : "-", line);
	else
		snprintf(where, sizeof(where), "%s",
		    rx->where != NULL ? rx->where : "-");
	rx->status = SL_REJECT;
	if (rx->err != NULL)
		rx->err(rx->errarg, where, msg);
}

struct rx_fstat *
rx_fstat_new(struct sl_redact *rx, const char *name)
{
	struct rx_fstat *fs = sl_xcalloc(1, sizeof(*fs));

	fs->name = sl_xstrdup(name);
	fs->kinds = sl_xcalloc(rx->rules.nkinds + 1, sizeof(long long));
	if (rx->nfiles == rx->capfiles) {
		rx->capfiles = rx->capfiles ? rx->capfiles * 2 : 16;
		rx->files = sl_xrealloc(rx->files,
		    rx->capfiles * sizeof(*rx->files));
	}
	rx->files[rx->nfiles++] = fs;
	return fs;
}

void
rx_count(struct sl_redact *rx, struct rx_fstat *fs, long long line, int rule)
{
	int kid = rx->rules.v[rule].kid;

	rx->scratch_count++;
	if (fs == NULL)
		return;
	fs->count++;
	fs->kinds[kid]++;
	rx->kind_total[kid]++;
	rx->total++;
	if (!(rx->flags & SL_REDACT_HITS))
		return;
	if (fs->nhits == fs->caphits) {
		fs->caphits = fs->caphits ? fs->caphits * 2 : 16;
		fs->hits = sl_xrealloc(fs->hits,
		    fs->caphits * sizeof(*fs->hits));
	}
	fs->hits[fs->nhits].line = line;
	fs->hits[fs->nhits].kid = kid;
	fs->nhits++;
}
