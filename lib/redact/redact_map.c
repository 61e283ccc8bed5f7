/*
 * redact_map.c: from what was found to what is written.  Secrets are
 * found in the rendered line, but a raw log must come out byte for byte
 * the same except the secrets.  So each secret is replaced where its
 * bytes stand in the raw line (every occurrence).  Where it is not there
 * as such (typed with a backspace: `hunter3 BS 2`; cut by an escape
 * sequence), or where the raw line with the replacements would still
 * render a secret, the line's whole content becomes its redacted
 * rendered text instead; the line ending stays.  Fail closed.
 */
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

static void
add_edit(struct rx_queue *q, size_t off, size_t len, int rule)
{
	if (q->ned == q->caped) {
		q->caped = q->caped ? q->caped * 2 : 16;
		q->ed = sl_xrealloc(q->ed, q->caped * sizeof(*q->ed));
	}
	q->ed[q->ned].off = off;
	q->ed[q->ned].len = len;
	q->ed[q->ned].rule = rule;
	q->ed[q->ned].rep = NULL;
	q->ed[q->ned].replen = 0;
	q->ned++;
}

static int
edit_cmp(const void *a, const void *b)
{
	const struct rx_edit *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->rule - y->rule;
}

static void
merge_edits(struct rx_queue *q)
{
	struct rx_edit *m;
	size_t i, n = 0, end;

	if (q->ned == 0)
		return;
	qsort(q->ed, q->ned, sizeof(*q->ed), edit_cmp);
	for (i = 0; i < q->ned; i++) {
		if (n > 0) {
			m = &q->ed[n - 1];
			if (q->ed[i].off < m->off + m->len) {
				end = q->ed[i].off + q->ed[i].len;
				if (end > m->off + m->len)
					m->len = end - m->off;
				if (q->ed[i].rule < m->rule)
					m->rule = q->ed[i].rule;
				continue;
			}
		}
		q->ed[n++] = q->ed[i];
	}
	q->ned = n;
}

/* The replacement texts go to the arena; pointers are set at the end. */
static void
set_markers(struct rx_queue *q, const char *text)
{
	size_t i;

	for (i = 0; i < q->ned; i++) {
		q->ed[i].rep = (const char *)q->arena.len;	/* offset for now */
		rx_marker(q->rx, q->ed[i].rule, text + q->ed[i].off,
		    q->ed[i].len, &q->arena);
		q->ed[i].replen = q->arena.len - (size_t)q->ed[i].rep;
	}
}

static void
fix_pointers(struct rx_queue *q)
{
	size_t i;

	for (i = 0; i < q->ned; i++)
		if (q->ed[i].replen > 0 || q->ed[i].rep != NULL)
			q->ed[i].rep = q->arena.buf + (size_t)q->ed[i].rep;
}

static void
add_kid(struct rx_queue *q, int rule)
{
	int kid = q->rx->rules.v[rule].kid;
	size_t i;

	for (i = 0; i < q->nkids; i++)
		if (q->kids[i] == kid)
			return;
	if (q->nkids == q->capkids) {
		q->capkids = q->capkids ? q->capkids * 2 : 8;
		q->kids = sl_xrealloc(q->kids, q->capkids * sizeof(int));
	}
	q->kids[q->nkids++] = kid;
}

/* A secret: its bytes, where they came from, how to look for them. */
struct secret {
	const char *s;
	size_t n;
	int rule;
	int token;
	int from_r;
};

static size_t
collect(const struct rx_hits *h, const char *text, int from_r,
    struct secret *v, size_t nv)
{
	size_t i, k;

	for (i = 0; i < h->n; i++) {
		const char *s = text + h->v[i].a;
		size_t n = h->v[i].b - h->v[i].a;

		for (k = 0; k < nv; k++)
			if (v[k].n == n && memcmp(v[k].s, s, n) == 0)
				break;
		if (k < nv)
			continue;
		v[nv].s = s;
		v[nv].n = n;
		v[nv].rule = h->v[i].rule;
		v[nv].token = h->v[i].token;
		v[nv].from_r = from_r;
		nv++;
	}
	return nv;
}

long	rx_find_token(const char *, size_t, const char *, size_t, size_t);

static long
find_at(const char *t, size_t n, const struct secret *s, size_t from)
{
	const char *p;

	if (s->token)
		return rx_find_token(t, n, s->s, s->n, from);
	if (from + s->n > n)
		return -1;
	p = memmem(t + from, n - from, s->s, s->n);
	return p == NULL ? -1 : (long)(p - t);
}

/*
 * Does s match raw bytes t[at...], where each U+FFFD of s may stand for
 * bytes that render as U+FFFD (invalid UTF-8)?  The length in t, or 0.
 */
static size_t
match_loose(const char *t, size_t n, size_t at, const char *s, size_t sn)
{
	size_t i = 0, j = at, k;
	uint32_t cp;

	while (i < sn) {
		if (sn - i >= 3 && memcmp(s + i, "\xef\xbf\xbd", 3) == 0 &&
		    j < n && (unsigned char)t[j] >= 0x80 &&
		    !(n - j >= 3 && memcmp(t + j, "\xef\xbf\xbd", 3) == 0)) {
			k = sl_utf8_decode((const unsigned char *)t + j, n - j,
			    &cp);
			if (k == 0 || cp != 0xfffd)
				return 0;
			j += k;
			i += 3;
			continue;
		}
		if (j >= n || t[j] != s[i])
			return 0;
		i++;
		j++;
	}
	return j - at;
}

/* The next place of s in t, bytes that render as U+FFFD allowed. */
static long
find_loose(const char *t, size_t n, const struct secret *s, size_t from,
    size_t *len)
{
	size_t at, k;

	if (memmem(s->s, s->n, "\xef\xbf\xbd", 3) == NULL)
		return -1;
	for (at = from; at < n; at++)
		if ((k = match_loose(t, n, at, s->s, s->n)) > 0) {
			*len = k;
			return (long)at;
		}
	return -1;
}

/*
 * Where raw secret s shows in screen text t at or after from, each of
 * its bad bytes as U+FFFD (*len: its length there), or -1.  Only for a
 * secret with bad bytes: the others are found as they are.
 */
static long
find_shown(const char *t, size_t n, const struct secret *s, size_t from,
    size_t *len)
{
	const unsigned char *p = (const unsigned char *)s->s;
	size_t at, i, j, ok;

	if (sl_utf8_valid_prefix(p, s->n) == s->n)
		return -1;
	for (at = from; at < n; at++) {
		for (i = 0, j = at; i < s->n; ) {
			ok = sl_utf8_valid_prefix(p + i, s->n - i);
			if (ok == 0) {		/* a bad byte: U+FFFD */
				if (n - j < 3 || memcmp(t + j, "\357\277\275",
				    3) != 0)
					break;
				i++;
				j += 3;
			} else if (n - j >= ok &&
			    memcmp(t + j, p + i, ok) == 0) {
				i += ok;
				j += ok;
			} else
				break;
		}
		if (i == s->n) {
			*len = j - at;
			return (long)at;
		}
	}
	return -1;
}

/* find_at(), else find_shown(); *len: the length found. */
static long
find_on_screen(const char *t, size_t n, const struct secret *s, size_t from,
    size_t *len)
{
	long pos = find_at(t, n, s, from);

	*len = s->n;
	return pos >= 0 ? pos : find_shown(t, n, s, from, len);
}

/* What the screen showed, with the secrets found there marked, into out. */
static void
screen_marked(struct rx_queue *q, const struct rx_entry *e,
    const struct rx_hits *mr, struct sl_buf *out)
{
	const char *t = e->text.buf;
	size_t i, at = 0;

	sl_buf_reset(out);
	for (i = 0; i < mr->n; i++) {
		sl_buf_add(out, t + at, mr->v[i].a - at);
		rx_marker(q->rx, mr->v[i].rule, t + mr->v[i].a,
		    mr->v[i].b - mr->v[i].a, out);
		at = mr->v[i].b;
	}
	sl_buf_add(out, t + at, e->text.len - at);
}

#define RX_REMAIN_MIN	8	/* bytes of a raw-only secret's remains marked */

/*
 * A raw-only secret that the screen shows in part, the rest drawn over (a
 * key whose last letter zsh wrote over after a BS): the longest part of
 * it from either end, of two thirds of it and RX_REMAIN_MIN bytes at
 * least, is marked on the screen text out too.
 */
static void
mark_remains(struct rx_queue *q, struct sl_buf *out, const struct secret *s)
{
	struct sl_buf *tmp = &q->work;
	size_t len, least = SL_MAX(RX_REMAIN_MIN, s->n * 2 / 3), at;
	const char *p = NULL;

	for (len = s->n - 1; len >= least && p == NULL; len--)
		if ((p = memmem(out->buf, out->len, s->s, len)) == NULL)
			p = memmem(out->buf, out->len, s->s + s->n - len, len);
	if (p == NULL)
		return;
	len++;		/* the loop stepped past the length found */
	at = (size_t)(p - out->buf);
	sl_buf_reset(tmp);
	sl_buf_add(tmp, out->buf, at);
	rx_marker(q->rx, s->rule, s->s, s->n, tmp);
	sl_buf_add(tmp, out->buf + at + len, out->len - at - len);
	sl_buf_reset(out);
	sl_buf_add(out, tmp->buf, tmp->len);
}

/*
 * The fallback: the rendered text with every secret replaced, rows
 * joined by a space so that the line stays one line.
 */
static void
whole_line(struct rx_queue *q, struct rx_entry *e, const struct rx_hits *mr,
    const struct secret *sv, size_t ns)
{
	struct sl_buf *out = &q->work2, *tmp = &q->work;
	size_t i, at, k, len;
	long pos;

	screen_marked(q, e, mr, out);
	/* Raw-only secrets that the screen also shows elsewhere. */
	for (k = 0; k < ns; k++) {
		sl_buf_reset(tmp);
		at = 0;
		while ((pos = find_on_screen(out->buf, out->len, &sv[k], at,
		    &len)) >= 0) {
			sl_buf_add(tmp, out->buf + at, (size_t)pos - at);
			rx_marker(q->rx, sv[k].rule, sv[k].s, sv[k].n, tmp);
			at = (size_t)pos + len;
		}
		if (at == 0 && sl_utf8_valid_prefix((const unsigned char *)
		    sv[k].s, sv[k].n) < sv[k].n) {
			/* Bad bytes shown some other way: keep nothing. */
			sl_buf_reset(out);
			rx_marker(q->rx, sv[k].rule, sv[k].s, sv[k].n, out);
			break;
		}
		if (at == 0) {
			if (!sv[k].from_r && !sv[k].token)
				mark_remains(q, out, &sv[k]);
			continue;
		}
		sl_buf_add(tmp, out->buf + at, out->len - at);
		sl_buf_reset(out);
		sl_buf_add(out, tmp->buf, tmp->len);
	}
	for (i = 0; i < out->len; i++)
		if (out->buf[i] == '\n')
			out->buf[i] = ' ';
	q->ned = 0;
	add_edit(q, 0, e->n, mr->n > 0 ? mr->v[0].rule : sv[0].rule);
	q->ed[0].rep = (const char *)q->arena.len;
	sl_buf_add(&q->arena, out->buf, out->len);
	q->ed[0].replen = out->len;
}

/* Raw line: replace in place, check by rendering, else the fallback. */
/*
 * Each secret's raw bytes become an edit.  0 when one exists only after
 * rendering (the raw bytes do not hold it as it was shown).  asis: a
 * key block piece was placed where it was found already.
 */
static int
place_secrets(struct rx_queue *q, struct rx_entry *e, struct secret *sv,
    size_t ns, int asis)
{
	struct sl_redact *rx = q->rx;
	size_t k, at, len = 0;
	long pos;
	int found, loose;

	for (k = 0; k < ns; k++) {
		if (asis && sv[k].from_r && sv[k].rule == rx->privkey_rule)
			continue;
		found = loose = 0;
		at = 0;
		while ((pos = find_at(e->p, e->n, &sv[k], at)) >= 0) {
			add_edit(q, (size_t)pos, sv[k].n, sv[k].rule);
			at = (size_t)pos + sv[k].n;
			found = 1;
		}
		/* Invalid UTF-8 inside the secret: rendered as U+FFFD. */
		at = 0;
		while (!found && sv[k].from_r && (pos = find_loose(e->p, e->n,
		    &sv[k], at, &len)) >= 0) {
			add_edit(q, (size_t)pos, len, sv[k].rule);
			at = (size_t)pos + len;
			loose = 1;
		}
		if (!found && !loose && sv[k].from_r)
			return 0;	/* exists only after rendering */
	}
	return 1;
}

/*
 * A line that rendering changes, with its edits made: is every secret
 * gone from the screen, and nothing else changed?  A marker of another
 * length than its secret can bare or hide what was drawn over it (CR),
 * and redacting again would find that.  cut: a secret found only in the
 * raw bytes (cut by a sequence that swallowed a letter) was never whole
 * on the screen: its marker changes the screen by design, and the raw
 * edit, which takes the sequences with it, is the way out.
 */
static int
screen_clean(struct rx_queue *q, struct rx_entry *e, const struct rx_hits *mr,
    const struct secret *sv, size_t ns, int cut)
{
	struct sl_redact *rx = q->rx;
	struct sl_buf *nl = &q->work;
	size_t i, k, at = 0;

	sl_buf_reset(nl);
	for (i = 0; i < q->ned; i++) {
		sl_buf_add(nl, e->p + at, q->ed[i].off - at);
		rx_marker(rx, q->ed[i].rule, e->p + q->ed[i].off,
		    q->ed[i].len, nl);
		at = q->ed[i].off + q->ed[i].len;
	}
	sl_buf_add(nl, e->p + at, e->n - at);
	rx_render(rx, e->width, nl->buf, nl->len, e->e, e->en); /* as analysed */
	for (k = 0; k < ns; k++)
		if (find_at(rx->rend.buf, rx->rend.len, &sv[k], 0) >= 0)
			return 0;	/* still on the screen */
	screen_marked(q, e, mr, &q->work2);
	return cut || (q->work2.len == rx->rend.len &&
	    (rx->rend.len == 0 ||
	    memcmp(q->work2.buf, rx->rend.buf, rx->rend.len) == 0));
}

static void
map_raw(struct rx_queue *q, struct rx_entry *e, const struct rx_hits *mr,
    const struct rx_hits *ml, struct secret *sv, size_t ns)
{
	struct sl_redact *rx = q->rx;
	size_t i;
	int ok = 1, cut = 0;
	/*
	 * Shown as it is (no escape, CR or BS): a piece of a key block
	 * stands where it was found.  Looked for elsewhere, "-----E"
	 * before an END line would be found in the END line too.
	 */
	int asis = e->text.len == e->n &&
	    (e->n == 0 || memcmp(e->text.buf, e->p, e->n) == 0);

	for (i = 0; asis && i < mr->n; i++)
		if (mr->v[i].rule == rx->privkey_rule)
			add_edit(q, mr->v[i].a, mr->v[i].b - mr->v[i].a,
			    mr->v[i].rule);
	/*
	 * A whole screen line is secret (in a key block): a shorter marker
	 * in place of its last drawing would bare what that drawing hid.
	 */
	for (i = 0; e->complex && i < mr->n; i++)
		if (mr->v[i].a == 0 && mr->v[i].b == e->text.len)
			ok = 0;
	ok = ok && place_secrets(q, e, sv, ns, asis);
	/* Raw-only hits stand where they were found, whatever else. */
	for (i = 0; ok && i < ml->n; i++) {
		add_edit(q, ml->v[i].a, ml->v[i].b - ml->v[i].a,
		    ml->v[i].rule);
		cut |= ml->v[i].cut;
	}
	merge_edits(q);
	if (ok && e->complex)
		ok = screen_clean(q, e, mr, sv, ns, cut);
	if (!ok) {
		whole_line(q, e, mr, sv, ns);
		if (q->fs != NULL)
			rx->rewritten++;	/* the summary says so */
		return;
	}
	set_markers(q, e->p);
}

/* The record stream's text is rendered already: hits are edits. */
static void
map_rendered(struct rx_queue *q, struct rx_entry *e, const struct rx_hits *mr)
{
	size_t i;

	for (i = 0; i < mr->n; i++)
		add_edit(q, mr->v[i].a, mr->v[i].b - mr->v[i].a,
		    mr->v[i].rule);
	set_markers(q, e->p);
}

int
rx_release_entry(struct rx_queue *q, struct rx_entry *e)
{
	struct rx_done d;
	struct secret *sv = NULL;
	size_t ns = 0, i;

	q->ned = 0;
	q->nkids = 0;
	sl_buf_reset(&q->arena);
	memset(&d, 0, sizeof(d));
	d.line = e->line;
	d.tag = e->tag;
	d.p = e->p;
	d.n = e->n;
	d.e = e->e;
	d.en = e->en;
	if (e->line && e->failed) {
		/* A rule could not run: nothing of the line may leave. */
		add_edit(q, 0, e->n, e->failrule);
		set_markers(q, e->p);
		add_kid(q, e->failrule);
		rx_count(q->rx, q->fs, e->lineno, e->failrule);
	} else if (e->line && (e->rh.n > 0 || e->lh.n > 0)) {
		rx_hits_merge(&e->rh, &q->tmp);
		rx_hits_merge(&e->lh, &q->tmp2);
		sv = sl_xmalloc((q->tmp.n + q->tmp2.n) * sizeof(*sv));
		ns = collect(&q->tmp, e->rendered ? e->p : e->text.buf, 1, sv,
		    0);
		ns = collect(&q->tmp2, e->p, 0, sv, ns);
		if (e->rendered)
			map_rendered(q, e, &q->tmp);
		else
			map_raw(q, e, &q->tmp, &q->tmp2, sv, ns);
		/*
		 * What the raw bytes hold besides the screen (`hunter3 BS 2`
		 * next to `hunter2`) is the same secret: counted once.
		 */
		for (i = 0; i < ns; i++) {
			add_kid(q, sv[i].rule);
			if (sv[i].from_r || q->tmp.n == 0)
				rx_count(q->rx, q->fs, e->lineno, sv[i].rule);
		}
	}
	fix_pointers(q);
	d.edits = q->ed;
	d.nedits = q->ned;
	d.kids = q->kids;
	d.nkids = q->nkids;
	free(sv);
	return q->fn(q->arg, &d);
}
