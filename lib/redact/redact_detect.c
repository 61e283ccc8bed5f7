/*
 * redact_detect.c: find the secrets of one line.  The prefilter decides
 * whether there is anything to look at; then the line is rendered (what
 * the user saw), the candidate rules run on the rendered text (with a
 * JSON key in front when there is one), and, where rendering moved text
 * around, on the raw bytes too, so that a secret typed and then erased
 * still goes.  Context rules keep state across the lines of a session:
 * a private key block, and a password typed at the shell after a no-echo
 * prompt (which needs later lines: such lines are held, see
 * redact_queue.c).
 */
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

static void
add_hit(struct rx_hits *h, size_t a, size_t b, int rule, int token)
{
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 8;
		h->v = sl_xrealloc(h->v, h->cap * sizeof(*h->v));
	}
	h->v[h->n].a = a;
	h->v[h->n].b = b;
	h->v[h->n].rule = rule;
	h->v[h->n].token = token;
	h->v[h->n].cut = 0;
	h->n++;
}

static int
ctx_busy(const struct rx_ctx *ctx)
{
	uint64_t near[RX_NEAR_MAX / 8];
	size_t i;

	_Static_assert(RX_NEAR_MAX % 8 == 0, "near[] in whole words");
	memcpy(near, ctx->near, sizeof(near));	/* 8 windows a test */
	for (i = 0; i < RX_NEAR_MAX / 8; i++)
		if (near[i] != 0)
			return 1;	/* an "after" rule looks at every line */
	return ctx->inkey || ctx->putty > 0 || ctx->armed > 0 ||
	    ctx->cmd_left > 0;	/* a command's output: no keyword in it */
}

static uint32_t
next_stamp(struct sl_redact *rx)
{
	if (++rx->stamp == 0) {
		memset(rx->candr, 0, (rx->rules.n + 1) * sizeof(uint32_t));
		memset(rx->candl, 0, (rx->rules.n + 1) * sizeof(uint32_t));
		memset(rx->nearby, 0, (rx->rules.n + 1) * sizeof(uint32_t));
		rx->stamp = 1;
	}
	return rx->stamp;
}

static int
search(pcre2_code *re, const char *s, size_t n, pcre2_match_data *md,
    pcre2_match_context *mctx)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mctx);
}

static int
allowed(struct sl_redact *rx, const struct rx_rule *r, const char *s,
    size_t n)
{
	size_t i;

	/* Our own markers: redacting twice changes nothing. */
	if (memmem(s, n, "[REDACTED:", 10) != NULL)
		return 1;
	for (i = 0; i < r->nallow; i++)
		if (search(r->allow[i], s, n, rx->md, rx->mctx) >= 0)
			return 1;
	for (i = 0; i < rx->rules.nallow; i++)
		if (search(rx->rules.allow[i], s, n, rx->md, rx->mctx) >= 0)
			return 1;
	return 0;
}

/*
 * Run rule `ri` over subj[0, sn); hits before `skip` (the key context)
 * are dropped, the rest shifted to the text.  0, or -1 when the rule
 * could not run (the line then fails closed).
 */
static int
run_rule(struct sl_redact *rx, int ri, const char *subj, size_t sn,
    size_t skip, long long line, struct rx_hits *h)
{
	const struct rx_rule *r = &rx->rules.v[ri];
	PCRE2_SIZE *ov, start = 0, a, b, end;
	PCRE2_UCHAR msg[200];
	uint32_t g;
	int rc;

	while (start <= sn) {
		rc = pcre2_match(r->re, (PCRE2_SPTR)subj, sn, start, 0, rx->md,
		    rx->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			pcre2_get_error_message(rc, msg, sizeof(msg));
			rx_warn(rx, line, "rule \"%s\" failed on a line (%s): the "
			    "line is redacted whole", r->id, (char *)msg);
			return -1;
		}
		ov = pcre2_get_ovector_pointer(rx->md);
		g = r->group;
		if ((uint32_t)rc <= g || ov[2 * g] == PCRE2_UNSET)
			g = 0;
		a = ov[2 * g];
		b = ov[2 * g + 1];
		end = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		if (b > skip && b > a) {
			if (a < skip)
				a = skip;
			if (!allowed(rx, r, subj + a, b - a) &&
			    rx_check(r->check, subj + a, b - a))
				add_hit(h, a - skip, b - skip, ri, 0);
		}
		start = end;
	}
	return 0;
}

/* Does the gate (enum rx_gate) of rule i let it run on this line? */
static inline int
gate_open(const struct sl_redact *rx, unsigned char gate, size_t i,
    const uint32_t *cand, uint32_t stamp)
{
	switch (gate) {
	case RX_GATE_KEYWORD:
		return cand[i] == stamp;
	case RX_GATE_NEAR:
		return rx->nearby[i] == rx->stamp;
	}
	return 1;
}

static int
match_rules(struct sl_redact *rx, const uint32_t *cand, uint32_t stamp,
    const char *subj, size_t sn, size_t skip, struct rx_entry *e,
    struct rx_hits *h)
{
	size_t k, i;

	for (k = 0; k < rx->plain.n; k++) {
		i = (size_t)rx->plain.v[k];
		if (!gate_open(rx, rx->plain.gate[k], i, cand, stamp))
			continue;
		if (run_rule(rx, (int)i, subj, sn, skip, e->lineno, h) != 0) {
			e->failed = 1;
			e->failrule = (int)i;
			return -1;
		}
	}
	return 0;
}

/*
 * Redacting twice changes nothing, and no text in the input switches a
 * rule off.  A rule with a bounded gap ("mysql" then "-p" within 300
 * bytes) reaches further on the line as written, where a long secret
 * became a short marker, than on the line as it was.  So the rules run
 * again over the line as written (the view), until a pass finds nothing
 * new: a hit there is mapped back onto the text, and one that touches a
 * marker takes the whole secret under it.  Hits only ever grow.
 */
#define RX_AGAIN_MAX 4

struct rx_view {
	struct sl_buf text;
	size_t *lo, *hi;	/* view byte -> the text span it stands for */
	size_t cap;
};

static void
view_put(struct rx_view *v, const char *p, size_t n, size_t lo, size_t hi,
    int one)
{
	size_t i;

	if (v->cap < v->text.len + n) {
		v->cap = (v->text.len + n) * 2;
		v->lo = sl_xrealloc(v->lo, v->cap * sizeof(*v->lo));
		v->hi = sl_xrealloc(v->hi, v->cap * sizeof(*v->hi));
	}
	for (i = 0; i < n; i++) {
		v->lo[v->text.len + i] = one ? lo + i : lo;
		v->hi[v->text.len + i] = one ? lo + i + 1 : hi;
	}
	sl_buf_add(&v->text, p, n);
}

/* subj[0, sn) with the merged hits m (after `skip`) replaced by markers. */
static void
view_build(struct sl_redact *rx, struct rx_view *v, const char *subj,
    size_t sn, size_t skip, const struct rx_hits *m, struct sl_buf *mark)
{
	size_t i, at = 0, a, b;

	sl_buf_reset(&v->text);
	for (i = 0; i < m->n; i++) {
		a = m->v[i].a + skip;
		b = m->v[i].b + skip;
		view_put(v, subj + at, a - at, at, 0, 1);
		sl_buf_reset(mark);
		rx_marker(rx, m->v[i].rule, subj + a, b - a, mark);
		/* Like the plain bytes: subject positions (again_pass
		 * takes skip off them all). */
		view_put(v, mark->buf, mark->len, a, b, 0);
		at = b;
	}
	view_put(v, subj + at, sn - at, at, 0, 1);
}

static int
covered(const struct rx_hits *m, size_t a, size_t b)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i].a <= a && b <= m->v[i].b)
			return 1;
	return 0;
}

/*
 * One pass over the view: the hits it finds that the text's hits do not
 * cover go onto e->rh.  The number of them, or -1 (the line failed).
 */
static int
again_pass(struct sl_redact *rx, uint32_t sr, struct rx_view *v,
    size_t skip, struct rx_entry *e, struct rx_hits *m, struct rx_hits *h)
{
	size_t i, a, b;
	int fresh = 0;

	/* A marker names a kind ("password"): a keyword on a second run. */
	rx_ac_scan(rx->ac, v->text.buf, v->text.len, rx->candr, sr);
	h->n = 0;
	if (match_rules(rx, rx->candr, sr, v->text.buf, v->text.len, skip, e,
	    h) != 0)
		return -1;
	for (i = 0; i < h->n; i++) {
		a = v->lo[h->v[i].a + skip] - skip;
		b = v->hi[h->v[i].b + skip - 1] - skip;
		if (covered(m, a, b))
			continue;
		add_hit(&e->rh, a, b, h->v[i].rule, h->v[i].token);
		fresh++;
	}
	return fresh;
}

static void
match_again(struct sl_redact *rx, uint32_t sr, const char *subj, size_t sn,
    size_t skip, struct rx_entry *e)
{
	struct rx_view v = { { 0 }, NULL, NULL, 0 };
	struct rx_hits m = { NULL, 0, 0 }, h = { NULL, 0, 0 };
	struct sl_buf mark;
	int pass, fresh = 1;

	sl_buf_init(&v.text);
	sl_buf_init(&mark);
	for (pass = 0; pass < RX_AGAIN_MAX && fresh > 0; pass++) {
		rx_hits_merge(&e->rh, &m);
		view_build(rx, &v, subj, sn, skip, &m, &mark);
		fresh = again_pass(rx, sr, &v, skip, e, &m, &h);
	}
	sl_buf_free(&v.text);
	sl_buf_free(&mark);
	free(v.lo);
	free(v.hi);
	free(m.v);
	free(h.v);
}

/*
 * The payloads of the line's control strings (titles, OSC 8 links, DCS):
 * never on the screen, still in the log.  Their hits are raw-only hits,
 * at their place in the raw line.
 */
static int
match_strings(struct sl_redact *rx, const uint32_t *cand, uint32_t stamp,
    struct rx_entry *e)
{
	struct rx_hits h = { NULL, 0, 0 };
	size_t a, b = 0, i;
	int rc = 0;

	while (rc == 0 && rx_ctl_string(e->p, e->n, b, &a, &b)) {
		h.n = 0;
		rc = match_rules(rx, cand, stamp, e->p + a, b - a, 0, e, &h);
		for (i = 0; i < h.n; i++)
			add_hit(&e->lh, a + h.v[i].a, a + h.v[i].b,
			    h.v[i].rule, 0);
	}
	free(h.v);
	return rc;
}

/*
 * Rules with "after" (a SecureString's Value, a sensitive terraform
 * output, the data of a Kubernetes Secret): the value says nothing, the
 * line before it does.  A line where `after` matches (its keywords found)
 * opens the rule's window over it and the next `within` lines; the rule
 * runs on the lines in a window, stamped in rx->nearby.
 */
static void
after_windows(struct sl_redact *rx, struct rx_ctx *ctx, const uint32_t *cand,
    uint32_t stamp, const char *subj, size_t sn)
{
	const struct rx_rule *r;
	unsigned char *near;
	size_t k, i;
	int here;

	for (k = 0; k < rx->after.n; k++) {
		i = (size_t)rx->after.v[k];
		r = &rx->rules.v[i];
		near = &ctx->near[r->aidx];
		here = (cand[i] == stamp || rx->allrules || r->nkw == 0) &&
		    search(r->after, subj, sn, rx->md, rx->mctx) >= 0;
		if (!here && *near > 0 && r->until != NULL &&
		    search(r->until, subj, sn, rx->md, rx->mctx) >= 0)
			*near = 0;	/* the block ended */
		if (here || *near > 0)
			rx->nearby[i] = stamp;
		if (here)
			*near = (unsigned char)r->within;
		else if (*near > 0)
			(*near)--;
	}
}

/*
 * Past an 8-bit C1 control at p[i] as a careless reader reads it: a
 * control string goes with its payload (matched on its own) and its
 * end, a CSI with its parameters, and its final byte when it is an SGR
 * (what a terminal in 8-bit mode shows); another final byte may be a
 * letter it swallowed, and stays.
 */
static size_t
careless_c1(const char *p, size_t n, size_t i)
{
	size_t a, b;

	if ((unsigned char)p[i] == 0x9b) {
		for (i++; i < n && (unsigned char)p[i] >= 0x20 &&
		    (unsigned char)p[i] <= 0x3f; i++)
			;
		return i + (i < n && p[i] == 'm');
	}
	if (rx_ctl_string(p, n, i, &a, &b) && a == i + 1)
		return b + (b < n && (p[b] == 0x07 ||
		    (unsigned char)p[b] == 0x9c));
	return i + 1;
}

/*
 * Rules with "command" (`aws secretsmanager get-secret-value --query
 * SecretString --output text`, `vault kv get -field=...`): the output
 * says nothing, it is the secret whole.  The line that runs the command
 * opens a window on what follows; the text before the command there is
 * its prompt, and the next line that shows that prompt ends the window
 * (at the prompt: a value printed without a newline runs into it).  A
 * command with no prompt in front (a script listed by `cat`) opens
 * nothing.  The prompt keeps its blank ("$ "): a lone "$" is not one.
 */
static void
command_open(struct sl_redact *rx, struct rx_ctx *ctx, const uint32_t *cand,
    uint32_t stamp, const char *t, size_t n, size_t from)
{
	const struct rx_rule *r;
	PCRE2_SIZE *ov;
	size_t k, i, at;

	for (k = 0; k < rx->command.n; k++) {
		i = (size_t)rx->command.v[k];
		r = &rx->rules.v[i];
		if (r->nkw > 0 && cand[i] != stamp && !rx->allrules)
			continue;
		if (pcre2_match(r->command, (PCRE2_SPTR)t, n, from, 0, rx->md,
		    rx->mctx) < 0)
			continue;
		ov = pcre2_get_ovector_pointer(rx->md);
		at = ov[0];
		if (at < from + 2)
			continue;
		ctx->cmd_rule = (int)i;
		ctx->cmd_left = r->within;
		ctx->cmd_plen = SL_MIN(at - from, (size_t)RX_PROMPT_MAX);
		memcpy(ctx->cmd_prompt, t + from, ctx->cmd_plen);
		return;
	}
}

/* The last place of s[0, sn) in t[0, n), or NULL. */
static const char *
last_of(const char *t, size_t n, const char *s, size_t sn)
{
	const char *p, *last = NULL;
	size_t at = 0;

	while (at < n && (p = memmem(t + at, n - at, s, sn)) != NULL) {
		last = p;
		at = (size_t)(p - t) + 1;
	}
	return last;
}

/*
 * A line in a command's window: up to the prompt (the whole line when
 * there is none) is output, its rule runs there.  The last time the
 * prompt shows counts: a secret that holds the prompt's text goes
 * whole, and only the command after the prompt could go with it.
 */
static int
command_output(struct sl_redact *rx, struct rx_entry *e, const char *t,
    size_t n, size_t *endp)
{
	struct rx_ctx *ctx = e->ctx;
	const char *pr = last_of(t, n, ctx->cmd_prompt, ctx->cmd_plen);
	size_t end = pr != NULL ? (size_t)(pr - t) : n, plen = ctx->cmd_plen;
	int ri = ctx->cmd_rule;

	/* A prompt at the end: the screen keeps no blank there. */
	while (plen > 0 && ctx->cmd_prompt[plen - 1] == ' ')
		plen--;
	if (pr == NULL && n >= plen &&
	    memcmp(t + n - plen, ctx->cmd_prompt, plen) == 0) {
		pr = t + n - plen;
		end = n - plen;
	}

	*endp = end;
	if (pr != NULL || --ctx->cmd_left == 0)
		ctx->cmd_left = 0;
	if (end == 0)
		return 0;
	if (run_rule(rx, ri, t, end, 0, e->lineno, &e->rh) != 0) {
		e->failed = 1;
		e->failrule = ri;
		return -1;
	}
	return 0;
}

/*
 * The raw line as a careless reader sees it: escape sequences and
 * controls dropped but the letter that ends a sequence kept, so that
 * `AKIA...D ESC[1 EGX...` (a CSI that swallowed a letter of the key)
 * reads as the key again.  Into out, with where each byte came from.
 */
static size_t
strip_careless(const char *p, size_t n, struct sl_buf *out, size_t **from,
    size_t *cap)
{
	size_t i = 0, j;
	unsigned char c;

	sl_buf_reset(out);
	if (*cap < n + 1) {
		*cap = n + 1;
		*from = sl_xrealloc(*from, *cap * sizeof(**from));
	}
	while (i < n) {
		c = (unsigned char)p[i];
		if (c == 0x1b && i + 1 < n && strchr("]PX^_", p[i + 1]) != NULL &&
		    p[i + 1] != '\0') {
			i += 2;		/* a control string: its payload is
					   matched on its own */
			while (i < n && p[i] != 0x07 && p[i] != 0x1b)
				i++;
			i += i < n && p[i] == 0x07;
			continue;
		}
		if (c == 0x1b) {
			j = i + 1;
			if (j < n && p[j] == '[')
				j++;
			while (j < n && (unsigned char)p[j] >= 0x20 &&
			    (unsigned char)p[j] <= 0x3f)
				j++;
			i = j;		/* the final byte stays, as text */
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			i++;
			continue;
		}
		if (rx_c1_at(p, i)) {
			i = careless_c1(p, n, i);
			continue;
		}
		(*from)[out->len] = i;
		sl_buf_addc(out, (int)c);
		i++;
	}
	(*from)[out->len] = n;
	return out->len;
}

static int
overlaps(const struct rx_hits *h, size_t a, size_t b)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		if (h->v[i].a < b && a < h->v[i].b)
			return 1;
	return 0;
}

static int
match_careless(struct sl_redact *rx, const uint32_t *cand, uint32_t stamp,
    struct rx_entry *e)
{
	struct rx_hits h = { NULL, 0, 0 };
	struct sl_buf t;
	size_t *from = NULL, cap = 0, i, tn;
	int rc;

	sl_buf_init(&t);
	tn = strip_careless(e->p, e->n, &t, &from, &cap);
	rc = match_rules(rx, cand, stamp, t.buf, tn, 0, e, &h);
	/*
	 * The raw span from the first byte to the last: what lies between
	 * (the sequences that cut the secret) goes too.  Only where the
	 * raw bytes as they are showed nothing there.
	 */
	for (i = 0; i < h.n; i++) {
		size_t a = from[h.v[i].a], b = from[h.v[i].b - 1] + 1;

		if (overlaps(&e->lh, a, b))
			continue;
		add_hit(&e->lh, a, b, h.v[i].rule, 0);
		e->lh.v[e->lh.n - 1].cut = 1;
	}
	free(h.v);
	free(from);
	sl_buf_free(&t);
	return rc;
}

/* ------------------------------------------------------- private keys */

static int
find(pcre2_code *re, struct sl_redact *rx, const char *s, size_t n,
    size_t from, size_t *a, size_t *b)
{
	PCRE2_SIZE *ov;

	if (from > n || pcre2_match(re, (PCRE2_SPTR)s, n, from, 0, rx->md,
	    rx->mctx) < 0)
		return 0;
	ov = pcre2_get_ovector_pointer(rx->md);
	*a = ov[0];
	*b = ov[1];
	return 1;
}

/*
 * Nothing left to hide in a key body: blanks, or our markers alone (the
 * block was redacted before), so that redacting twice changes nothing.
 */
static int
no_key(const char *s, size_t n)
{
	const char *end = s + n, *close;

	for (;;) {
		while (s < end && strchr(" \t\r\n", *s) != NULL && *s != '\0')
			s++;
		if (s == end)
			return 1;
		if (end - s < 11 || memcmp(s, "[REDACTED:", 10) != 0 ||
		    (close = memchr(s, ']', (size_t)(end - s))) == NULL)
			return 0;
		s = close + 1;
	}
}

/*
 * Could this be a line inside a PEM or PGP block: base64, an armour
 * header ("Proc-Type: 4,ENCRYPTED"), empty, or our own marker?  (Not a
 * prompt, nor the "-----END" line, which is looked for first.)
 */
static int
body_line(const char *s, size_t n)
{
	size_t i = 0;

	/*
	 * A body line of a key block comes out as its marker alone; a line
	 * with a marker and more had a secret of another kind, and ended
	 * the block then: so it does again.
	 */
	if (memmem(s, n, "[REDACTED:", 10) != NULL)
		return no_key(s, n);
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/*
		 * base64, base64url, and the '.' of a token: a token alone
		 * on a line inside the block is in it, as its marker will
		 * be when the output is redacted again.
		 */
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') ||
		    (c != '\0' && strchr("+/=-_. \t", c) != NULL)))
			break;
	}
	if (i == n)
		return 1;
	/* "Name: value" armour headers. */
	for (i = 0; i < n && ((s[i] >= 'A' && s[i] <= 'Z') ||
	    (s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'); i++)
		;
	return i > 0 && i + 1 < n && s[i] == ':' && s[i + 1] == ' ';
}

/*
 * The continuation prompt in front of a line typed into a here-document
 * (`cat > k.pem <<EOF`, then each key line behind "> "): bash's PS2,
 * zsh's "heredoc> ".  Its length, or 0.
 */
static size_t
ps2_len(const char *t, size_t n)
{
	static const char *const ps2[] = { "heredoc> ", "> ", NULL };
	size_t i, k;

	for (i = 0; ps2[i] != NULL; i++) {
		k = strlen(ps2[i]);
		if (n >= k && memcmp(t, ps2[i], k) == 0)
			return k;
	}
	return 0;
}

static void
privkey(struct sl_redact *rx, struct rx_entry *e, const char *t, size_t n,
    int cand)
{
	struct rx_ctx *ctx = e->ctx;
	int rule = rx->privkey_rule;
	size_t pos = 0, a, b, c, d;
	PCRE2_SIZE *ov;
	long v;

	if (ctx->putty > 0) {
		ctx->putty--;
		if (!no_key(t, n))
			add_hit(&e->rh, 0, n, rule, 0);
		return;
	}
	if (ctx->inkey) {
		size_t k = ps2_len(t, n);

		if (find(rx->re_end, rx, t, n, k, &a, &b)) {
			if (!no_key(t + k, a - k))
				add_hit(&e->rh, k, a, rule, 0);
			ctx->inkey = 0;
			pos = b;
		} else if (body_line(t + k, n - k)) {
			if (!no_key(t + k, n - k))
				add_hit(&e->rh, k, n, rule, 0);
			return;
		} else
			ctx->inkey = 0;	/* cut short: `head key.pem` */
	}
	if (!cand)
		return;
	while (find(rx->re_begin, rx, t, n, pos, &a, &b)) {
		if (find(rx->re_end, rx, t, n, b, &c, &d)) {
			if (!no_key(t + b, c - b))
				add_hit(&e->rh, b, c, rule, 0);
			pos = d;
			continue;
		}
		/* The body follows, on this line ("\n" escapes) or below. */
		if (!no_key(t + b, n - b))
			add_hit(&e->rh, b, n, rule, 0);
		ctx->inkey = 1;
		return;
	}
	if (search(rx->re_putty, t, n, rx->md, rx->mctx) >= 0) {
		ov = pcre2_get_ovector_pointer(rx->md);
		v = strtol(t + ov[2], NULL, 10);
		ctx->putty = (int)(v > 10000 ? 10000 : v);
	}
}

/* ---------------------------------------------------- typed passwords */

static int
word_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

/*
 * Next occurrence of s in t at or after from that stands as a word of
 * its own (where s begins or ends with a word byte).  -1 if none.
 */
long
rx_find_token(const char *t, size_t n, const char *s, size_t sn, size_t from)
{
	const char *p;

	if (sn == 0)
		return -1;
	while (from + sn <= n) {
		p = memmem(t + from, n - from, s, sn);
		if (p == NULL)
			return -1;
		from = (size_t)(p - t);
		if ((from == 0 || !word_byte((unsigned char)s[0]) ||
		    !word_byte((unsigned char)t[from - 1])) &&
		    (from + sn == n || !word_byte((unsigned char)s[sn - 1]) ||
		    !word_byte((unsigned char)t[from + sn])))
			return (long)from;
		from++;
	}
	return -1;
}

/*
 * Hits for s as a word in t.  whole: to the end of the blank-delimited
 * run it starts, since the shell reports only the first command of what
 * was typed (`Tr0ub4dor&3` runs `Tr0ub4dor`).
 */
static void
token_hits(struct rx_hits *h, const char *t, size_t n, const char *s,
    size_t sn, int rule, int whole)
{
	long at = 0;
	size_t b;

	while ((at = rx_find_token(t, n, s, sn, (size_t)at)) >= 0) {
		b = (size_t)at + sn;
		while (whole && b < n && t[b] != ' ' && t[b] != '\t')
			b++;
		add_hit(h, (size_t)at, b, rule, 1);
		at = (long)b;
	}
}

static const char *
entry_text(const struct rx_entry *e, size_t *n)
{
	if (e->rendered) {
		*n = e->n;
		return e->p;
	}
	*n = e->text.len;
	return e->text.buf;
}

/* The typed password is known: take it out of the held lines too. */
static void
backfill(struct rx_queue *q, struct rx_ctx *ctx, const char *s, size_t sn,
    int rule)
{
	struct rx_entry *h;
	const char *t;
	size_t i, n;

	for (i = 0; i < q->n; i++) {
		h = &q->v[(q->head + i) % q->cap];
		if (!h->line || h->ctx != ctx || h->final)
			continue;
		t = entry_text(h, &n);
		token_hits(&h->rh, t, n, s, sn, rule, 1);
	}
}

void
rx_close_window(struct rx_queue *q, struct rx_ctx *ctx)
{
	struct rx_entry *h;
	size_t i;

	ctx->armed = 0;
	for (i = 0; i < q->n; i++) {
		h = &q->v[(q->head + i) % q->cap];
		if (h->ctx == ctx)
			h->final = 1;
	}
}

/*
 * Did the word the shell could not run come from the password prompt?
 * Only when the prompt failed (timed out, wrong password) or the shell
 * took the very next line: never after a prompt that worked, which
 * says nothing, so that the next typo stays a typo.
 */
static int
typed_at_shell(const struct rx_ctx *ctx)
{
	return ctx->failed || ctx->since == 1;
}

/*
 * Is t[at...] where a command line is shown again: typed at a shell
 * prompt ("$ ", "# ", "> ", "% " before it) or listed by `history`
 * ("  512  " before it)?  Only there does a password typed at the shell
 * show up again as what it was; anywhere else the same word is just a
 * word (`Installed: kubectl-1.31`).
 */
static int
reshown(const char *t, size_t at)
{
	size_t i = 0;

	if (at >= 2 && t[at - 1] == ' ' && strchr("$#>%", t[at - 2]) != NULL)
		return 1;
	while (i < at && t[i] == ' ')
		i++;
	if (i == at || t[i] < '0' || t[i] > '9')
		return 0;
	while (i < at && t[i] >= '0' && t[i] <= '9')
		i++;
	if (i < at && t[i] == '*')
		i++;		/* an edited history entry */
	if (i == at || t[i] != ' ')
		return 0;
	while (i < at && t[i] == ' ')
		i++;
	return i == at;
}

/*
 * Where the typed password is shown again as a command line, and the
 * shell's complaint right after one that ran it again (the same
 * `command not found` that gave it away the first time).
 */
static void
reshown_hits(struct sl_redact *rx, struct rx_hits *h, struct rx_ctx *ctx,
    const char *t, size_t n, int rule)
{
	size_t sn = strlen(ctx->typed), b;
	long at = 0;
	int again = 0;

	if (ctx->again && search(rx->re_notfound, t, n, rx->md,
	    rx->mctx) >= 0)
		token_hits(h, t, n, ctx->typed, sn, rule, 0);
	while ((at = rx_find_token(t, n, ctx->typed, sn, (size_t)at)) >= 0) {
		b = (size_t)at + sn;
		if (reshown(t, (size_t)at)) {
			while (b < n && t[b] != ' ' && t[b] != '\t')
				b++;
			add_hit(h, (size_t)at, b, rule, 1);
			again |= at >= 2 && t[at - 2] != ' ';	/* a prompt */
		}
		at = (long)b;
	}
	ctx->again = again;
}

static void
typed(struct rx_queue *q, struct rx_entry *e, const char *t, size_t n,
    int cand)
{
	struct sl_redact *rx = q->rx;
	struct rx_ctx *ctx = e->ctx;
	int rule = rx->typed_rule, held = 0;
	PCRE2_SIZE *ov;
	char *s;
	size_t sn;

	if (ctx->typed[0] != '\0')
		reshown_hits(rx, &e->rh, ctx, t, n, rule);
	if (ctx->armed > 0) {
		ctx->since++;
		if (search(rx->re_notfound, t, n, rx->md, rx->mctx) >= 0) {
			ov = pcre2_get_ovector_pointer(rx->md);
			sn = ov[3] - ov[2];
			s = sl_xstrndup(t + ov[2], sn);
			if (sn > 0 && typed_at_shell(ctx) &&
			    !allowed(rx, &rx->rules.v[rule], s, sn)) {
				token_hits(&e->rh, t, n, s, sn, rule, 0);
				backfill(q, ctx, s, sn, rule);
				if (sn < RX_WORD_MAX) {
					memcpy(ctx->typed, s, sn + 1);
					ctx->typed_rare =
					    rx_rare_byte(ctx->typed);
				}
			}
			free(s);
			rx_close_window(q, ctx);
		} else if (search(rx->re_fail, t, n, rx->md, rx->mctx) >= 0) {
			/* The window starts again after the failure. */
			ctx->failed = 1;
			ctx->armed = RX_WINDOW;
			held = 1;
		} else if (--ctx->armed == 0)
			rx_close_window(q, ctx);
		else
			held = 1;
	}
	if (cand && search(rx->re_arm, t, n, rx->md, rx->mctx) >= 0) {
		ctx->armed = RX_WINDOW;
		ctx->since = 0;
		ctx->failed = 0;
	}
	e->final = !held;
}

/*
 * How common byte c is in shell text, roughly, 0 the rarest: upper-case
 * letters, most punctuation and bytes past ASCII; then lower-case
 * letters and digits, in the order of their counts in session logs
 * (digits are as common as a middle letter: times, sizes, addresses);
 * blanks and the punctuation of paths, options and assignments the most.
 */
static int
commonness(unsigned char c)
{
	static const char order[] = "zqjxkv9876b54ygpwf32mu1cd0lhrsnioate";

	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return 1 + (int)(strchr(order, c) - order);
	if (c == ' ' || c == '/' || c == '.' || c == '-' || c == '_' ||
	    c == ':' || c == '=')
		return 1 + (int)sizeof(order);
	return 0;
}

size_t
rx_rare_byte(const char *w)
{
	size_t i, rare = 0;

	if (w[0] == '\0')
		return 0;
	for (i = 1; w[i] != '\0'; i++)
		if (commonness((unsigned char)w[i]) <
		    commonness((unsigned char)w[rare]))
			rare = i;
	return rare;
}

int
rx_holds(const char *p, size_t n, const char *w, size_t rare)
{
	size_t wn = strlen(w);
	const char *q, *s, *e;

	if (wn > n)
		return 0;
	/* w[rare] of the first start, p, and after that of the last */
	s = p + rare;
	e = p + n - (wn - 1 - rare);
	while (s < e &&
	    (q = memchr(s, (unsigned char)w[rare], (size_t)(e - s))) != NULL) {
		if (memcmp(q - rare, w, wn) == 0)
			return 1;
		s = q + 1;
	}
	return 0;
}

/* ---------------------------------------------------------- one line */

int
rx_cr_row_clean(struct sl_redact *rx, int complex, const char *p, size_t n)
{
	if (rx->cr_render || (complex != (RX_RAW_MOVES | RX_RAW_ROWS) &&
	    complex != (RX_RAW_MOVES | RX_RAW_CR_ONLY)))
		return 0;
	return rx_rows_clean(rx->ac, complex, p, n, &rx->rawtext, &rx->crrow,
	    rx->candl, next_stamp(rx));
}

/*
 * The raw scan of e under stamp sl: the thread's (-j, redact_ahead.c)
 * when it scanned these very bytes ahead, else here.  *rows: what
 * rx_cr_row_clean said of them there, or -1.
 */
static size_t
scan_raw(struct sl_redact *rx, const struct rx_entry *e, uint32_t sl,
    int *complex, int *rows)
{
	struct rx_raw r;
	unsigned i;

	*rows = -1;
	if (rx->ahead == NULL || !rx_ahead_take(rx->ahead, e->p, e->n, &r))
		return rx_ac_scan_raw(rx->ac, e->p, e->n, rx->candl, sl,
		    complex, &rx->rawtext);
	for (i = 0; i < r.ncand; i++)
		rx->candl[r.cand[i]] = sl;
	*complex = r.complex;
	*rows = r.rows;
	return r.hits;
}

/*
 * The raw line e onto the screen (rx->rend).  A log's line starts at the
 * width its earlier lines showed and hands on what it learnt.
 */
static void
render_raw(struct sl_redact *rx, struct rx_entry *e)
{
	uint32_t w;

	e->width = e->log ? e->ctx->width : 0;
	/* Only a CR over text makes the ending tell anything. */
	w = rx_render(rx, e->width, e->p, e->n, e->e,
	    e->complex ? e->en : 0);
	if (e->log)
		e->ctx->width = w;
}

void
rx_analyze(struct rx_queue *q, struct rx_entry *e, const char *kc, size_t kn)
{
	struct sl_redact *rx = q->rx;
	const char *t, *subj;
	uint32_t sl = 0, sr;
	size_t hl = 0, hr, tn, sn, out = 0;
	int pk, ty, complex = 0, rows, busy = ctx_busy(e->ctx) || (e->ctx->typed[0] != '\0' &&
	    rx_holds(e->p, e->n, e->ctx->typed, e->ctx->typed_rare));

	if (e->rendered) {
		t = e->p;
		tn = e->n;
	} else {
		sl = next_stamp(rx);
		hl = scan_raw(rx, e, sl, &complex, &rows);
		if (kn > 0)
			hl += rx_ac_scan(rx->ac, kc, kn, rx->candl, sl);
		e->complex = complex & RX_RAW_MOVES;
		e->strings = complex & RX_RAW_STRINGS;
		if (rx->prefilter && hl == 0 && !busy &&
		    (!complex || (rows >= 0 ? rows :
		    rx_cr_row_clean(rx, complex, e->p, e->n))))
			return;		/* the common case: nothing here */
		render_raw(rx, e);
		sl_buf_reset(&e->text);
		sl_buf_add(&e->text, rx->rend.buf, rx->rend.len);
		t = e->text.buf;
		tn = e->text.len;
	}
	sr = next_stamp(rx);
	hr = rx_ac_scan(rx->ac, t, tn, rx->candr, sr);
	if (kn > 0)
		hr += rx_ac_scan(rx->ac, kc, kn, rx->candr, sr);
	if (rx->prefilter && hr == 0 && hl == 0 && !busy)
		return;
	subj = t;
	sn = tn;
	if (kn > 0) {
		sl_buf_reset(&rx->subj);
		sl_buf_add(&rx->subj, kc, kn);
		sl_buf_add(&rx->subj, t, tn);
		subj = rx->subj.buf;
		sn = rx->subj.len;
	}
	if (rx->rules.nafter > 0)
		after_windows(rx, e->ctx, rx->candr, sr, subj, sn);
	if (e->ctx->cmd_left > 0 && command_output(rx, e, t, tn, &out) != 0)
		return;
	command_open(rx, e->ctx, rx->candr, sr, t, tn, out);
	if (match_rules(rx, rx->candr, sr, subj, sn, kn, e, &e->rh) != 0)
		return;
	/* Before the second look, whose scan of the markers' names adds
	 * candidates under the same stamp: a marker turns no rule on. */
	pk = rx->privkey_rule >= 0 &&
	    (rx->allrules || rx->candr[rx->privkey_rule] == sr);
	ty = rx->typed_rule >= 0 &&
	    (rx->allrules || rx->candr[rx->typed_rule] == sr);
	if (e->rh.n > 0)
		match_again(rx, sr, subj, sn, kn, e);
	if (e->failed)
		return;
	/* A secret the raw bytes hold but the screen did not show. */
	if (e->complex && (hl > 0 || !rx->prefilter) &&
	    (match_rules(rx, rx->candl, sl, e->p, e->n, 0, e, &e->lh) != 0 ||
	    match_careless(rx, rx->candl, sl, e) != 0))
		return;
	if ((e->strings || (!rx->prefilter && !e->rendered)) &&
	    match_strings(rx, rx->candl, sl, e) != 0)
		return;
	if (rx->privkey_rule >= 0)
		privkey(rx, e, t, tn, pk);
	if (rx->typed_rule >= 0)
		typed(q, e, t, tn, ty);
}
