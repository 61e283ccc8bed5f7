/*
 * redact_ac.c: the keyword prefilter.  Most lines of a session log hold
 * none of the rules' keywords (`akia`, `secret`, `-----begin`, `eyj`,
 * `token`, ...), and for those one pass over the bytes is all the work
 * there is: no rendering, no regex.
 *
 * The keywords go into an Aho-Corasick automaton, turned into a DFA over
 * byte classes (each byte that occurs in a keyword is a class, upper and
 * lower case share one, everything else is class 0), so the table stays
 * small enough for L1; a step of the walk is one load off the state (the
 * byte picks its class's row first, off the chain), and a word of text
 * is read for 8 bytes.  States with output are numbered last, from a
 * power of two on: one bit of the state ("s & outbit") is the only test
 * on the hot path.
 *
 * No SIMD literal filter (Teddy) stands in front of the automaton: the
 * default rules have about 210 keywords, many short and common in shell
 * text (`pin`, `net`, `zip`, `conn`, `data`, `host`, `curl`), and on
 * the bench transcript a Teddy filter on their first three bytes passes
 * 85% of 16-byte blocks with 8 buckets, 66% of 32-byte blocks with 16.
 * Even an exact test of the first three bytes passes 17% of 16-byte
 * blocks: the filter and the walks from its candidates would cost more
 * than the walk they spare.  Byte-exact tables (AVX-512 VBMI looks a
 * byte up in 128 entries where Teddy has nibbles) do not change that:
 * with the keywords' second and third bytes exact per bucket, 8 or 16
 * buckets let 11% or 9% of positions through, one bucket per first
 * byte (39) 3.5%, the exact test 1.2%; a candidate costs a branch and a
 * walk of a few bytes, some 30 cycles, and the walk about 2.3 a byte
 * (1.3 since).
 *
 * The raw scan reads terminal bytes as the renderer would see them where
 * that is cheap: SGR, titles and mode switches are skipped without
 * touching the automaton, so `AK ESC[0m IA` still finds `akia`.  Anything
 * that moves text (CR over text, BS, cursor moves, erases) makes the line
 * "complex": its rendered form is scanned as well.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "redact/redact.h"

#define MAX_STATES	65000
#define SPECIAL		0xff	/* class of bytes the raw scan looks at */
/* The raw scan's own flags, beside RX_RAW_*: */
#define RAW_CR		0x100	/* a CR after text */
#define RAW_ODD		0x200	/* a byte or escape rx_ac_scan_overlay
				   does not model */
#define RAW_ROWOP	0x400	/* a move rx_ac_scan_rows models */
#define RAW_CR_BLANK	0x800	/* a CR after a blank: RAW_ODD, but
				   rx_ac_scan_rows models it */
#define RAW_HIDDEN	0x1000	/* a byte the renderer shows nothing for */
/* Rows rx_ac_scan_rows keeps (far fewer than SL_TERM_ROWS: the renderer
 * never scrolls them out of reach). */
#define ROWS_MAX	16
#define ROWS_LINE_MAX	(SL_TERM_CELLS / ROWS_MAX / 4)	/* bytes */
_Static_assert(ROWS_LINE_MAX < SL_ROW_MAX, "rows past the row limit");
#define CSI_LIMIT	512	/* as lib/render/term.c: longer CSIs are abandoned */
/*
 * Keywords are cut to this many bytes: a prefix is as good a test as
 * the whole word, and short words keep the table small and the overlap
 * of the parallel walks (scan_run) short.
 */
#define KW_MAX		8
/*
 * Text at least this long is walked in two lanes at once (walk): each
 * step of the automaton waits on the load of the one before, so one
 * lane leaves the CPU idle most of the time.
 */
#define LANE_MIN	24
#define LANE3_MIN	64	/* and in three lanes from this long */
#define LANE4_MIN	128	/* and in four from this long */
#define LANES_MAX	4

struct kwent {
	char *kw;
	int rule;
};

struct rx_ac {
	struct kwent *kws;
	size_t nkws, capkws;
	unsigned ncls;
	unsigned char cls[256];		/* rendered text */
	unsigned char rawcls[256];	/* raw bytes: controls are SPECIAL */
	uint16_t *delta;		/* [state offset + class]: next offset */
	/* [byte]: delta + the byte's class (cls), so a step of the walk is
	 * one load off the state, with no add before it (fill_steps) */
	const uint16_t *step[256];
	unsigned nstates;
	unsigned tout;			/* offset of the first state with output */
	unsigned outbit;		/* set in the offsets of those alone */
	uint32_t *outoff;		/* per output state: [off, off+1) */
	size_t maxkw;			/* longest keyword */
	int *outv;
	int built;
};

struct rx_ac *
rx_ac_new(void)
{
	return sl_xcalloc(1, sizeof(struct rx_ac));
}

void
rx_ac_add(struct rx_ac *ac, const char *kw, int rule)
{
	if (*kw == '\0')
		return;
	if (ac->nkws == ac->capkws) {
		ac->capkws = ac->capkws ? ac->capkws * 2 : 64;
		ac->kws = sl_xrealloc(ac->kws, ac->capkws * sizeof(*ac->kws));
	}
	ac->kws[ac->nkws].kw = sl_xstrndup(kw, strnlen(kw, KW_MAX));
	ac->kws[ac->nkws].rule = rule;
	if (strlen(ac->kws[ac->nkws].kw) > ac->maxkw)
		ac->maxkw = strlen(ac->kws[ac->nkws].kw);
	ac->nkws++;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* The trie while it is built: sparse goto per node. */
struct node {
	int *go;		/* ncls entries, -1 none */
	int fail;
	int *out;
	size_t nout;
	unsigned depth;		/* length of the keyword prefix it stands for */
};

static void
add_out(struct node *nd, int rule)
{
	size_t i;

	for (i = 0; i < nd->nout; i++)
		if (nd->out[i] == rule)
			return;
	nd->out = sl_xrealloc(nd->out, (nd->nout + 1) * sizeof(int));
	nd->out[nd->nout++] = rule;
}

/* The trie while it is built: a full goto row per node. */
struct trie {
	struct node *nd;
	size_t nn, cap;
	unsigned ncls;
};

/* A new node with no edges, or -1 past MAX_STATES. */
static int
new_node(struct trie *tr)
{
	struct node *x;

	if (tr->nn >= MAX_STATES)
		return -1;
	if (tr->nn == tr->cap) {
		tr->cap = tr->cap ? tr->cap * 2 : 256;
		tr->nd = sl_xrealloc(tr->nd, tr->cap * sizeof(*tr->nd));
	}
	x = &tr->nd[tr->nn];
	x->go = sl_xmalloc(tr->ncls * sizeof(int));
	memset(x->go, 0xff, tr->ncls * sizeof(int));
	x->fail = 0;
	x->out = NULL;
	x->nout = 0;
	x->depth = 0;
	return (int)tr->nn++;
}

static void
trie_free(struct trie *tr)
{
	size_t i;

	for (i = 0; i < tr->nn; i++) {
		free(tr->nd[i].go);
		free(tr->nd[i].out);
	}
	free(tr->nd);
}

/*
 * Byte classes: 0 is "no keyword has it", upper and lower case share a
 * class.  -1 when there are too many for the table.
 */
static int
assign_classes(struct rx_ac *ac)
{
	const unsigned char *p;
	unsigned c;
	size_t i;

	memset(ac->cls, 0, sizeof(ac->cls));
	ac->ncls = 1;
	for (i = 0; i < ac->nkws; i++)
		for (p = (const unsigned char *)ac->kws[i].kw; *p; p++) {
			c = (unsigned)lower(*p);
			if (ac->cls[c] == 0) {
				ac->cls[c] = (unsigned char)ac->ncls++;
				if (c >= 'a' && c <= 'z')
					ac->cls[c - 32] = ac->cls[c];
			}
		}
	return ac->ncls > 250 ? -1 : 0;
}

/* Every keyword as a path from the root (node 0). */
static int
add_keywords(const struct rx_ac *ac, struct trie *tr)
{
	const unsigned char *p;
	size_t i;
	int s, t;
	unsigned c;

	if (new_node(tr) < 0)
		return -1;
	for (i = 0; i < ac->nkws; i++) {
		s = 0;
		for (p = (const unsigned char *)ac->kws[i].kw; *p; p++) {
			c = ac->cls[lower(*p)];
			if (tr->nd[s].go[c] < 0) {
				if ((t = new_node(tr)) < 0)
					return -1;
				tr->nd[s].go[c] = t;
				tr->nd[t].depth = tr->nd[s].depth + 1;
			}
			s = tr->nd[s].go[c];
		}
		add_out(&tr->nd[s], ac->kws[i].rule);
	}
	return 0;
}

/*
 * Breadth first: fail links, outputs inherited along them, and the
 * missing edges filled in, which makes the trie a DFA.
 */
static void
link_fails(struct trie *tr)
{
	struct node *nd = tr->nd;
	int *queue = sl_xmalloc(tr->nn * sizeof(int)), s, t;
	size_t qh = 0, qt = 0, k;
	unsigned c;

	for (c = 0; c < tr->ncls; c++) {
		t = nd[0].go[c];
		if (t < 0)
			t = 0;
		else
			queue[qt++] = t;
		nd[0].go[c] = t;
	}
	while (qh < qt) {
		s = queue[qh++];
		for (k = 0; k < nd[nd[s].fail].nout; k++)
			add_out(&nd[s], nd[nd[s].fail].out[k]);
		for (c = 0; c < tr->ncls; c++) {
			t = nd[s].go[c];
			if (t < 0) {
				nd[s].go[c] = nd[nd[s].fail].go[c];
				continue;
			}
			nd[t].fail = nd[nd[s].fail].go[c];
			queue[qt++] = t;
		}
	}
	free(queue);
}

/*
 * The outputs of the output states, in their new order (perm): numbers
 * first_out on, one for each of the nn - m states with output.
 */
static void
fill_outputs(struct rx_ac *ac, const struct trie *tr, const int *perm,
    unsigned first_out, unsigned m)
{
	size_t i, nn = tr->nn, no = nn - m;
	int *inv = sl_xmalloc(nn * sizeof(int));
	uint32_t off = 0;

	ac->outoff = sl_xcalloc(no + 1, sizeof(uint32_t));
	for (i = 0; i < nn; i++)
		if (tr->nd[i].nout > 0)
			inv[perm[i] - (int)first_out] = (int)i;
	for (i = 0; i < no; i++) {
		ac->outoff[i] = off;
		off += (uint32_t)tr->nd[inv[i]].nout;
	}
	ac->outoff[no] = off;
	free(inv);
	ac->outv = sl_xmalloc((off + 1) * sizeof(int));
	for (i = 0; i < nn; i++)
		if (tr->nd[i].nout > 0)
			memcpy(ac->outv + ac->outoff[perm[i] - (int)first_out],
			    tr->nd[i].out, tr->nd[i].nout * sizeof(int));
}

/*
 * The new number of every state (perm): those of `want` output (0 or
 * 1), shallow ones first, from *next on.
 */
static void
number_states(const struct trie *tr, int *perm, unsigned *next, int want)
{
	unsigned depth;
	size_t i;

	for (depth = 0; depth <= KW_MAX; depth++)
		for (i = 0; i < tr->nn; i++)
			if ((tr->nd[i].nout > 0) == want &&
			    tr->nd[i].depth == depth)
				perm[i] = (int)(*next)++;
}

/*
 * Where the states with output start: a power of two, outbit, at or
 * after the offsets of the m states without, so that one bit of an
 * offset says "output" and the lanes of walk test theirs with one OR
 * and one branch.  The o states with output must end before 2 outbit,
 * and offsets must fit the table's 16 bits.  Returns the first output
 * state's number, or 0 when the automaton is too large.
 */
static unsigned
output_start(struct rx_ac *ac, unsigned m, unsigned o)
{
	unsigned bit, first;

	for (bit = 1; bit < m * ac->ncls; bit *= 2)
		;
	for (; bit <= 32768; bit *= 2) {
		first = (bit + ac->ncls - 1) / ac->ncls;
		if ((first + o) * ac->ncls <= 2 * bit) {
			ac->outbit = bit;
			return first;
		}
	}
	return 0;
}

/*
 * The table: states without output first, then, from outbit on, those
 * with (output_start).  States are kept as offsets into the table
 * (state * ncls): with the row of the byte's class (struct rx_ac's
 * step), the step is one load, the chain every byte waits on.  Shallow
 * states come first: the root and its children, where the walk spends
 * most of its time, share few cache lines.  The gap between the two
 * kinds is never read.
 */
static int
fill_table(struct rx_ac *ac, const struct trie *tr)
{
	size_t i, nn = tr->nn;
	int *perm = sl_xmalloc(nn * sizeof(int));
	unsigned next = 0, m, first_out, c;

	number_states(tr, perm, &next, 0);
	m = next;
	if ((first_out = output_start(ac, m, (unsigned)nn - m)) == 0) {
		free(perm);
		return -1;
	}
	next = first_out;
	number_states(tr, perm, &next, 1);
	ac->tout = first_out * ac->ncls;
	ac->nstates = (unsigned)nn;
	ac->delta = sl_xcalloc((size_t)next * ac->ncls, sizeof(*ac->delta));
	for (i = 0; i < nn; i++)
		for (c = 0; c < ac->ncls; c++)
			ac->delta[(size_t)perm[i] * ac->ncls + c] = (uint16_t)
			    ((unsigned)perm[tr->nd[i].go[c]] * ac->ncls);
	fill_outputs(ac, tr, perm, first_out, m);
	free(perm);
	return 0;
}

/*
 * The 7-bit introducer ESC x of the 8-bit control string (DCS, SOS, OSC,
 * PM, APC) byte c, or 0.
 */
static unsigned char
c1_intro(unsigned char c)
{
	switch (c) {
	case 0x90: return 'P';
	case 0x98: return 'X';
	case 0x9d: return ']';
	case 0x9e: return '^';
	case 0x9f: return '_';
	}
	return 0;
}

/* The classes of the raw scan: controls, C1 and the BOM are looked at. */
static void
finish_classes(struct rx_ac *ac)
{
	unsigned c;

	memcpy(ac->rawcls, ac->cls, sizeof(ac->rawcls));
	for (c = 0; c < 0x20; c++)
		ac->rawcls[c] = SPECIAL;
	ac->rawcls[0x7f] = SPECIAL;
	/*
	 * Where an 8-bit C1 control would hide text or a key: its control
	 * strings and CSI.  The other C1 bytes show as U+FFFD to the
	 * renderer and to the scan alike, and are mostly UTF-8 anyway.
	 */
	for (c = 0x90; c < 0xa0; c++)
		if (c == 0x9b || c1_intro((unsigned char)c) != 0)
			ac->rawcls[c] = SPECIAL;
	ac->rawcls[0xc2] = SPECIAL;
	ac->rawcls[0xef] = SPECIAL;
}

/* The walk's table of rows, one a byte: see struct rx_ac's step. */
static void
fill_steps(struct rx_ac *ac)
{
	unsigned c;

	for (c = 0; c < 256; c++)
		ac->step[c] = ac->delta + ac->cls[c];
}

int
rx_ac_build(struct rx_ac *ac)
{
	struct trie tr = { NULL, 0, 0, 0 };
	int rc = -1;

	if (assign_classes(ac) != 0)
		return -1;
	tr.ncls = ac->ncls;
	if (add_keywords(ac, &tr) != 0)
		goto out;
	link_fails(&tr);
	if (fill_table(ac, &tr) != 0)
		goto out;	/* offsets would not fit the table's type */
	finish_classes(ac);
	fill_steps(ac);
	ac->built = 1;
	rc = 0;
out:
	trie_free(&tr);
	return rc;
}

static size_t
mark(const struct rx_ac *ac, unsigned s, uint32_t *cand, uint32_t stamp)
{
	unsigned x = (s - ac->tout) / ac->ncls;
	uint32_t k, a = ac->outoff[x], b = ac->outoff[x + 1];

	for (k = a; k < b; k++)
		cand[ac->outv[k]] = stamp;
	return 1;
}

/*
 * The automaton over s[0, n) from state st: marks the rules of the
 * keywords that end there, adds their number to *hits, returns the
 * state after the last byte.  Always inlined into the lanes of walk,
 * like run_end and maybe_special into the raw scan.
 */
static inline __attribute__((always_inline)) unsigned
walk1(const struct rx_ac *ac, const unsigned char *s, size_t n, unsigned st,
    uint32_t *cand, uint32_t stamp, size_t *hits)
{
	const uint16_t *const *step = ac->step;
	unsigned outbit = ac->outbit;
	size_t j, h = 0;

	for (j = 0; j < n; j++) {
		st = step[s[j]][st];
		if (st & outbit)
			h += mark(ac, st, cand, stamp);
	}
	*hits += h;
	return st;
}

/*
 * mark for the lanes of walk_lanes, any of whose states may have output
 * (the root, 0, has none).  Kept out of the loop: its registers are the
 * walk's.
 */
static __attribute__((noinline)) size_t
mark_lanes(const struct rx_ac *ac, unsigned sa, unsigned sb, unsigned sc,
    unsigned sd, uint32_t *cand, uint32_t stamp)
{
	size_t h = 0;

	if (sa & ac->outbit)
		h += mark(ac, sa, cand, stamp);
	if (sb & ac->outbit)
		h += mark(ac, sb, cand, stamp);
	if (sc & ac->outbit)
		h += mark(ac, sc, cand, stamp);
	if (sd & ac->outbit)
		h += mark(ac, sd, cand, stamp);
	return h;
}

/*
 * Byte b of the 8 that w was loaded from (memcpy): the walk loads a
 * word a lane for 8 steps, a load where there were 8.
 */
static inline __attribute__((always_inline)) unsigned
word_byte(uint64_t w, unsigned b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (unsigned)(w >> (56 - 8 * b)) & 0xff;
#else
	return (unsigned)(w >> (8 * b)) & 0xff;
#endif
}

/*
 * The lanes of walk_lanes from at[k][j] on, states in q: where the
 * first state with output is (its lane's byte was the last step), or
 * len.  No call in the loops: every lane keeps its register.
 */
static inline __attribute__((always_inline)) size_t
lanes_to_output(const struct rx_ac *ac, const unsigned char *const *at,
    size_t *q, size_t j, size_t len, const unsigned lanes)
{
	const uint16_t *const *step = ac->step;
	size_t outbit = ac->outbit, any;
	uint64_t w[LANES_MAX];
	unsigned b, k;

	for (; len - j >= 8; j += 8) {
#pragma GCC unroll 4
		for (k = 0; k < lanes; k++)
			memcpy(&w[k], at[k] + j, 8);
#pragma GCC unroll 8
		for (b = 0; b < 8; b++) {
#pragma GCC unroll 4
			for (any = 0, k = 0; k < lanes; k++) {
				q[k] = step[word_byte(w[k], b)][q[k]];
				any |= q[k];
			}
			if (any & outbit)
				return j + b;
		}
	}
	for (; j < len; j++) {
#pragma GCC unroll 4
		for (any = 0, k = 0; k < lanes; k++) {
			q[k] = step[at[k][j]][q[k]];
			any |= q[k];
		}
		if (any & outbit)
			return j;
	}
	return len;
}

/*
 * walk1 in `lanes` lanes (2 to LANES_MAX) over s[0, n): each lane after
 * the first starts from the root ov = maxkw - 1 bytes or more before the
 * end of the lane before it.  No keyword is longer than maxkw, so from
 * there on each is in the state one lane would be in; before it, it
 * finds only keywords that are there, which the lane before finds too.
 * The marks are the same; *hits may count a keyword twice (callers only
 * ask whether it is zero).  One index walks the lanes, and one test of
 * outbit over their states says whether any has output (output_start).
 * Every step waits on the load of the one before: more lanes keep more
 * loads in flight.  Inlined with `lanes` a constant, the lanes' loops are
 * unrolled and their states and words live in registers (five or six
 * lanes do not fit them: 10-15% slower than four on long text).
 *
 * The lanes are all one length, a multiple of 8, and the last ends at
 * n (it starts earlier than it must): the loop runs whole words and no
 * lane has a tail.  The lengths of lines vary, and the exit of every
 * loop whose count varies with them is a branch mispredicted about once
 * a call: the few bytes walked twice cost less than the two loops over
 * the rest that were there.
 */
static inline __attribute__((always_inline)) unsigned
walk_lanes(const struct rx_ac *ac, const unsigned char *s, size_t n,
    unsigned st, uint32_t *cand, uint32_t stamp, size_t *hits,
    const unsigned lanes)
{
	const unsigned char *at[LANES_MAX];
	unsigned k;
	size_t q[LANES_MAX] = { st, 0, 0, 0 }, ov = ac->maxkw - 1, len, j;

	len = ((n + (lanes - 1) * ov + lanes - 1) / lanes + 7) & ~(size_t)7;
	/* lane k: s[k (len - ov), k (len - ov) + len); the last ends at n */
#pragma GCC unroll 4
	for (k = 0; k + 1 < lanes; k++)
		at[k] = s + k * (len - ov);
	at[lanes - 1] = s + n - len;
	for (j = 0; (j = lanes_to_output(ac, at, q, j, len, lanes)) < len;
	    j++)
		*hits += mark_lanes(ac, (unsigned)q[0], (unsigned)q[1],
		    (unsigned)q[2], (unsigned)q[3], cand, stamp);
	return (unsigned)q[lanes - 1];
}

/*
 * walk_lanes in two, three and four lanes, each a function of its own:
 * all three inlined into walk share its registers, and the short walks
 * ran 2% slower.
 */
static __attribute__((noinline)) unsigned
walk2(const struct rx_ac *ac, const unsigned char *s, size_t n, unsigned st,
    uint32_t *cand, uint32_t stamp, size_t *hits)
{
	return walk_lanes(ac, s, n, st, cand, stamp, hits, 2);
}

static __attribute__((noinline)) unsigned
walk3(const struct rx_ac *ac, const unsigned char *s, size_t n, unsigned st,
    uint32_t *cand, uint32_t stamp, size_t *hits)
{
	return walk_lanes(ac, s, n, st, cand, stamp, hits, 3);
}

static __attribute__((noinline)) unsigned
walk4(const struct rx_ac *ac, const unsigned char *s, size_t n, unsigned st,
    uint32_t *cand, uint32_t stamp, size_t *hits)
{
	return walk_lanes(ac, s, n, st, cand, stamp, hits, 4);
}

/*
 * The automaton over s[0, n) as walk1 does it, in as many lanes as the
 * length pays for: each lane costs the overlap, and the setup, again.
 */
static unsigned
walk(const struct rx_ac *ac, const unsigned char *s, size_t n, unsigned st,
    uint32_t *cand, uint32_t stamp, size_t *hits)
{
	/*
	 * Keywords are cut at KW_MAX, so a lane's overlap always fits, and
	 * walk_lanes' lanes, rounded up to 8 bytes, never start before s.
	 */
	_Static_assert((LANE_MIN + KW_MAX) / 2 + 8 <= LANE_MIN,
	    "lanes past the text");
	if (n < LANE_MIN)
		return walk1(ac, s, n, st, cand, stamp, hits);
	if (n < LANE3_MIN)
		return walk2(ac, s, n, st, cand, stamp, hits);
	if (n < LANE4_MIN)
		return walk3(ac, s, n, st, cand, stamp, hits);
	return walk4(ac, s, n, st, cand, stamp, hits);
}

size_t
rx_ac_scan(const struct rx_ac *ac, const char *p, size_t n, uint32_t *cand,
    uint32_t stamp)
{
	size_t hits = 0;

	if (!ac->built || ac->nstates == 0)
		return 0;
	walk(ac, (const unsigned char *)p, n, 0, cand, stamp, &hits);
	return hits;
}

/* Does ESC b start a control string (OSC, DCS, SOS, PM, APC)? */
static int
ctl_intro(unsigned char b)
{
	return b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_';
}

int
rx_c1_at(const char *p, size_t i)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t j, back;
	unsigned char lead;

	if (s[i] < 0x80 || s[i] > 0x9f)
		return 0;
	/* A continuation byte of a UTF-8 character is text. */
	for (back = 1; back <= 3 && back <= i; back++) {
		j = i - back;
		if ((s[j] & 0xc0) == 0x80)
			continue;
		lead = s[j];
		if (lead >= 0xc2 && lead <= 0xdf)
			return back >= 2;
		if (lead >= 0xe0 && lead <= 0xef)
			return back >= 3;
		if (lead >= 0xf0 && lead <= 0xf4)
			return back >= 4;
		return 1;
	}
	return 1;
}

/*
 * Where the control string (OSC, DCS, SOS, PM, APC: `intro`) whose
 * payload starts at p[i] ends: its BEL (OSC only) or ESC, or, for the
 * 8-bit form, its ST (0x9c); n when it runs to the end of the line or
 * past SL_SEQ_MAX from `start`.
 */
static size_t
ctl_string_end(const unsigned char *p, size_t i, size_t n, unsigned char intro,
    size_t start, int c1)
{
	size_t j;

	for (j = i; j < n; j++) {
		if (j - start > SL_SEQ_MAX)
			return n;
		if ((intro == ']' && p[j] == 0x07) || p[j] == 0x1b)
			return j;
		if (c1 && p[j] == 0x9c && rx_c1_at((const char *)p, j))
			return j;
	}
	return n;
}

int
rx_ctl_string(const char *p, size_t n, size_t from, size_t *a, size_t *b)
{
	const unsigned char *s = (const unsigned char *)p;
	unsigned char in;
	size_t i;

	for (i = from; i < n; i++) {
		if (s[i] == 0x1b && i + 1 < n && ctl_intro(s[i + 1])) {
			*a = i + 2;
			*b = ctl_string_end(s, i + 2, n, s[i + 1], i, 0);
			return 1;
		}
		if ((in = c1_intro(s[i])) != 0 && rx_c1_at(p, i)) {
			*a = i + 1;
			*b = ctl_string_end(s, i + 1, n, in, i, 1);
			return 1;
		}
	}
	return 0;
}

/* What CSI final byte f (private marker priv) does to text. */
static int
csi_moves(const unsigned char *p, size_t i, size_t j, unsigned char priv,
    int alt, int bad)
{
	switch (p[j]) {
	case 'm': case 'c': case 'n': case 'r': case 't': case 'q':
		return 0;	/* colours and queries: no text moves */
	case 'h': case 'l':
		return priv != '?' || alt;	/* insert mode, alt screen */
	case 'K': case 'J':
		return priv != 0 || bad;	/* erases what was written */
	case 'p':
		/* !p is the soft reset: attributes only */
		return !(priv == 0 && j > i + 1 && p[j - 1] == '!');
	}
	return 1;
}

static int
alt_mode(unsigned v)
{
	return v == 47 || v == 1047 || v == 1049;
}

/*
 * Colours, the common case: a CSI whose parameters start at p[i] (ESC [
 * at start) and are digits and separators up to an `m` moves nothing,
 * whatever the values.  Where it ends, or 0 when it is no such colour.
 * Inlined into the raw scan's loop: one escape in 27 bytes of a colour
 * log is one.
 */
static inline __attribute__((always_inline)) size_t
sgr_end(const unsigned char *p, size_t i, size_t n, size_t start)
{
	size_t j;

	for (j = i; j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ';');
	    j++)
		;
	return j < n && p[j] == 'm' && j - start <= CSI_LIMIT ? j + 1 : 0;
}

/*
 * Skip the CSI whose parameters start at p[i] (ESC [ at i - 2); say
 * whether it moves text.
 */
static size_t
skip_csi(const unsigned char *p, size_t i, size_t n, size_t start,
    int *complex)
{
	size_t j;
	unsigned char b, priv = 0;
	unsigned v = 0;
	int have = 0, alt = 0, bad = 0;

	if ((j = sgr_end(p, i, n, start)) != 0)
		return j;
	if (i < n && p[i] >= '<' && p[i] <= '?')
		priv = p[i++];
	for (j = i; j < n; j++) {
		b = p[j];
		if (j - start > CSI_LIMIT || b < 0x20 || b == 0x7f) {
			*complex |= RX_RAW_MOVES;	/* executed or abandoned */
			return j;
		}
		if (b >= '0' && b <= '9') {
			v = v * 10 + (b - '0');
			if (v > 100000)
				v = 100000;
			have = 1;
		} else if (b == ';' || b == ':') {
			alt |= alt_mode(v);
			bad |= v != 0;
			v = 0;
		} else if (b >= 0x40 && b <= 0x7e)
			break;
	}
	if (j >= n) {
		*complex |= RX_RAW_MOVES;
		return n;
	}
	alt |= alt_mode(v);
	bad |= have && v != 0;
	if (csi_moves(p, i, j, priv, alt, bad))
		*complex |= RX_RAW_MOVES;
	return j + 1;
}

/*
 * The moves of a docker-style redraw that rx_ac_scan_rows models, for
 * the CSI with parameters p[i, j) and final p[j]: CUU or CUD by an
 * explicit count from 1 to 99 or none ('A', 'B'), or EL 2 (the whole
 * row, 'K').  The count, or 0 when it is no such move (-1 for EL 2).
 */
static int
rows_op(const unsigned char *p, size_t i, size_t j)
{
	int v = 0;
	size_t k;

	if (p[j] == 'K')
		return j == i + 1 && p[i] == '2' ? -1 : 0;
	if ((p[j] != 'A' && p[j] != 'B') || j - i > 2)
		return 0;
	if (j == i)
		return 1;
	for (k = i; k < j; k++) {
		if (p[k] < '0' || p[k] > '9')
			return 0;
		v = v * 10 + (p[k] - '0');
	}
	return v;
}

/*
 * Bracketed paste off, which starts every command's output in bash: on
 * the fresh screen of a line (no paste on, no erased or kept lines, no
 * width) it changes no text, so the overlays take it as a colour.
 */
#define PASTE_OFF	"\033[?2004l"

static int
paste_off(const unsigned char *p, size_t i, size_t n)
{
	return n - i >= sizeof(PASTE_OFF) - 1 &&
	    memcmp(p + i, PASTE_OFF, sizeof(PASTE_OFF) - 1) == 0;
}

/*
 * The common CSIs in one pass: ESC [ at start, then digits and `;`
 * from p[i], then a final byte.  A colour moves nothing; any other
 * such CSI is RAW_ODD, and moves text as skip_csi says it does: with
 * no private marker and no intermediate, only the erases (K, J) look
 * at the parameters ("bad": one is not zero), and the alternate
 * screen needs a `?`.
 * Returns where it ends, or 0 when skip_csi must read it.
 */
static inline __attribute__((always_inline)) size_t
csi_fast(const unsigned char *p, size_t i, size_t n, size_t start,
    int *complex)
{
	size_t j, k;
	int bad = 0;

	for (j = i; j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ';');
	    j++)
		;
	if (j >= n || p[j] < 0x40 || p[j] > 0x7e || j - start > CSI_LIMIT)
		return 0;
	if (p[j] == 'm')
		return j + 1;
	if (rows_op(p, i, j) != 0) {
		*complex |= RAW_ROWOP;	/* RAW_ODD, moves: see the end */
		return j + 1;
	}
	*complex |= RAW_ODD;
	if (p[j] == 'K' || p[j] == 'J')
		for (k = i; k < j; k++)
			bad |= p[k] >= '1' && p[k] <= '9';
	if (csi_moves(p, i, j, 0, 0, bad))
		*complex |= RX_RAW_MOVES;
	return j + 1;
}

/*
 * Past the control string whose payload ends at p[j] (ctl_string_end):
 * its BEL or ST is skipped; one cut short moves text.
 */
static size_t
ctl_string_past(const unsigned char *p, size_t j, size_t n, int *complex)
{
	if (j >= n || (p[j] == 0x1b && (j + 1 >= n || p[j + 1] != '\\')))
		*complex |= RX_RAW_MOVES;	/* cut short */
	if (j >= n)
		return n;
	if (p[j] == 0x07)
		return j + 1;
	/* an ESC at the very end is not read past */
	return j + 1 < n && p[j + 1] == '\\' ? j + 2 : j;
}

/*
 * Skip an escape sequence at p[i] == ESC; say whether it moves text.
 * Control strings are scan_ctl_string's.
 */
static size_t
skip_esc(const unsigned char *p, size_t i, size_t n, int *complex)
{
	size_t start = i, j;

	if (++i >= n) {
		*complex |= RX_RAW_MOVES;
		return n;
	}
	if (p[i] == '[')
		return skip_csi(p, i + 1, n, start, complex);
	/* ESC, intermediates, final: charsets and the like. */
	for (j = i; j < n && p[j] >= 0x20 && p[j] <= 0x2f; j++)
		;
	if (j >= n || p[j] < 0x30 || p[j] > 0x7e) {
		*complex |= RX_RAW_MOVES;
		return j;
	}
	if (j > i) {
		if (p[j] == '0')
			*complex |= RX_RAW_MOVES;	/* DEC graphics: letters change */
	} else if (strchr("78DEMc", p[j]) != NULL)
		*complex |= RX_RAW_MOVES;		/* cursor and reset */
	return j + 1;
}

/*
 * The control string at p[i] == ESC, p[i + 1] its introducer (a window
 * title, an OSC 8 link, DCS...): nothing shows its payload, but the log
 * keeps it, so its keywords count too (RX_RAW_STRINGS says there were
 * some).  Where the scan goes on, past the string.
 */
static size_t
scan_ctl_string(const struct rx_ac *ac, const unsigned char *p, size_t i,
    size_t n, uint32_t *cand, uint32_t stamp, int *complex, size_t *hits)
{
	size_t end = ctl_string_end(p, i + 2, n, p[i + 1], i, 0), h;

	h = rx_ac_scan(ac, (const char *)p + i + 2, end - (i + 2), cand,
	    stamp);
	if (h > 0)
		*complex |= RX_RAW_STRINGS;
	*hits += h;
	return ctl_string_past(p, end, n, complex);
}

/*
 * Where the raw scan of one line is.  The text as the renderer shows it
 * is gathered in t (the runs of text, without the escapes that move
 * nothing) and scanned at the end as one string: a keyword that an SGR
 * cuts in two is whole there, and the scan is rx_ac_scan's.  Where the
 * automaton would go back to its root (CR, BS, ...), t has a NUL: no
 * keyword holds one, so no keyword runs across it.
 */
struct raw {
	const struct rx_ac *ac;
	const unsigned char *s;
	size_t n;
	uint32_t *cand;
	uint32_t stamp;
	size_t hits;
	unsigned char *t;	/* room for n bytes */
	size_t tn;
	int wrote;		/* text was written: CR goes back over it */
	int complex;
};

/* Byte c as the renderer shows it. */
static void
raw_step(struct raw *r, unsigned char c)
{
	r->t[r->tn++] = c;
	r->wrote = 1;
}

/* Nothing before this point joins a keyword with what follows. */
static void
raw_cut(struct raw *r)
{
	if (r->tn > 0 && r->t[r->tn - 1] != '\0')
		r->t[r->tn++] = '\0';
}

#ifdef __SSE2__
/*
 * A superset of the bytes of p[0, 16) the raw scan looks at (rawcls
 * SPECIAL: controls, DEL, 0x90-0x9f, 0xc2, 0xef, see finish_classes), a
 * bit each.
 */
static inline __attribute__((always_inline)) unsigned
maybe_special(const unsigned char *p)
{
	const __m128i ctl = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f),
	    hi = _mm_set1_epi8((char)0xf0), c1 = _mm_set1_epi8((char)0x90),
	    c2 = _mm_set1_epi8((char)0xc2), ef = _mm_set1_epi8((char)0xef);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p), m;

	m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v),
	    _mm_cmpeq_epi8(v, del));
	m = _mm_or_si128(m, _mm_cmpeq_epi8(_mm_and_si128(v, hi), c1));
	m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, c2),
	    _mm_cmpeq_epi8(v, ef)));
	return (unsigned)_mm_movemask_epi8(m);
}

/* The first of the bytes s[i + bit] that is SPECIAL, or SIZE_MAX. */
static size_t
first_special(const unsigned char *cls, const unsigned char *s, size_t i,
    unsigned bits)
{
	for (; bits != 0; bits &= bits - 1)
		if (cls[s[i + (unsigned)__builtin_ctz(bits)]] == SPECIAL)
			return i + (unsigned)__builtin_ctz(bits);
	return SIZE_MAX;
}
#endif

/*
 * Where the run of text at s[i, n) ends: the first byte the raw scan
 * looks at (rawcls SPECIAL).  SSE2 finds a superset of those bytes 16 at
 * a time, the last 16 of the line overlapping; the table decides.
 */
static inline __attribute__((always_inline)) size_t
run_end(const struct rx_ac *ac, const unsigned char *s, size_t i, size_t n)
{
	const unsigned char *cls = ac->rawcls;
#ifdef __SSE2__
	size_t at;

	for (; n - i >= 16; i += 16)
		if ((at = first_special(cls, s, i, maybe_special(s + i))) !=
		    SIZE_MAX)
			return at;
	if (i < n && n >= 16) {
		/* bit k of the last 16 is s[n - 16 + k]: those before i go */
		at = first_special(cls, s, i,
		    maybe_special(s + n - 16) >> (16 - (n - i)));
		return at != SIZE_MAX ? at : n;
	}
#endif
	for (; i < n && cls[s[i]] != SPECIAL; i++)
		;
	return i;
}

/*
 * The run of text r->s[i, end), into the text: where it ends.  Most
 * runs, between two escapes, are shorter than 16 bytes: those are
 * copied as the 16 bytes run_end looked at, without a call or a branch
 * on their length.  The bytes past the run land in room the text has:
 * it never holds more bytes than the line has had (r->tn <= i), and
 * room for n was made.  Inlined into the scan's loop: a call a run
 * costs more than the copy.
 */
static inline __attribute__((always_inline)) size_t
raw_take(struct raw *r, size_t i, size_t end)
{
#ifdef __SSE2__
	if (end - i <= 16 && r->n - i >= 16)
		_mm_storeu_si128((__m128i *)(void *)(r->t + r->tn),
		    _mm_loadu_si128((const __m128i *)(const void *)
		    (r->s + i)));
	else
#endif
		memcpy(r->t + r->tn, r->s + i, end - i);
	r->tn += end - i;
	r->wrote |= end > i;
	return end;
}

/*
 * The run of text at the start of r->s[i, n), into the text: where it
 * ends (at the first byte the raw scan looks at).
 */
static size_t
raw_run(struct raw *r, size_t i)
{
	/* Most escapes follow another (ESC[0m ESC[1m, CR ESC[2K). */
	if (i < r->n && r->ac->rawcls[r->s[i]] == SPECIAL)
		return i;
	return raw_take(r, i, run_end(r->ac, r->s, i, r->n));
}

/*
 * An 8-bit C1 control at s[i] (not part of a UTF-8 character).  The
 * renderer shows it as U+FFFD and what follows as text, a terminal in
 * 8-bit mode hides a control string or CSI: both readings must be
 * matched, so the line is complex, and a string's payload is scanned as
 * a 7-bit one's is.  Returns where the scan goes on, in the same state:
 * keywords the control cuts in two are still found.
 */
static size_t
raw_c1(struct raw *r, size_t i)
{
	const unsigned char *p = r->s;
	unsigned char in = c1_intro(p[i]);
	size_t end, h;

	r->complex |= RX_RAW_MOVES;
	if (p[i] == 0x9b)
		return skip_csi(p, i + 1, r->n, i, &r->complex);
	if (in == 0)
		return i + 1;
	end = ctl_string_end(p, i + 1, r->n, in, i, 1);
	h = rx_ac_scan(r->ac, (const char *)p + i + 1, end - (i + 1), r->cand,
	    r->stamp);
	if (h > 0)
		r->complex |= RX_RAW_STRINGS;
	r->hits += h;
	if (end < r->n && (p[end] == 0x07 || p[end] == 0x9c))
		end++;
	return end;
}

/* One byte of rawcls SPECIAL but ESC and a C1 control. */
static size_t
raw_control(struct raw *r, size_t i)
{
	const unsigned char *s = r->s;

	switch (s[i]) {
	case '\t':
		r->complex |= RAW_ODD;
		raw_step(r, ' ');
		return i + 1;
	case '\r':
		/* What follows overwrites: see rx_ac_scan_raw for the flags. */
		if (r->wrote)
			r->complex |= RAW_CR;
		/* The renderer's idioms of a CR after a blank (term.c). */
		if (r->tn > 0 && r->t[r->tn - 1] == ' ')
			r->complex |= RAW_CR_BLANK;
		raw_cut(r);
		return i + 1;
	case 0x00: case 0x07: case 0x18: case 0x1a: case 0x7f:
		r->complex |= RAW_ODD | RAW_HIDDEN;
		return i + 1;	/* the renderer shows nothing */
	case 0xc2:
		/* An encoded C1 control shows nothing either. */
		if (i + 1 < r->n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
			return i + 2;
		break;
	case 0xef:
		if (i + 2 < r->n && s[i + 1] == 0xbb && s[i + 2] == 0xbf)
			return i + 3;	/* the BOM */
		break;
	default:
		if (s[i] >= 0x80)
			break;		/* a UTF-8 continuation byte */
		r->complex |= RX_RAW_MOVES;	/* BS, VT, FF, SO, SI, LF, ... */
		raw_cut(r);
		return i + 1;
	}
	raw_step(r, s[i]);
	return i + 1;
}

/*
 * Where the first run of text of s[0, n) ends: most lines of a busy
 * terminal start with an escape or a CR, where no search is needed.
 */
static inline __attribute__((always_inline)) size_t
raw_first_run_end(const struct rx_ac *ac, const unsigned char *s, size_t n)
{
	if (n > 0 && ac->rawcls[s[0]] == SPECIAL)
		return 0;
	return run_end(ac, s, 0, n);
}

size_t
rx_ac_scan_raw(const struct rx_ac *ac, const char *p, size_t n,
    uint32_t *cand, uint32_t stamp, int *complex, struct sl_buf *text)
{
	struct raw r = { ac, (const unsigned char *)p, n, cand, stamp, 0, NULL,
	    0, 0, 0 };
	size_t i, sgr, hits;
	int rows = 0;

	*complex = 0;
	if (!ac->built || ac->nstates == 0)
		return 0;
	/* A line of plain text, the common case, is its own text. */
	if ((i = raw_first_run_end(ac, r.s, n)) == n)
		return rx_ac_scan(ac, p, n, cand, stamp);
	sl_buf_reset(text);
	sl_buf_reserve(text, n);
	r.t = (unsigned char *)text->buf;
	for (raw_take(&r, 0, i); i < n; i = raw_run(&r, i)) {
		/* s[i] is a byte the scan looks at: what it does to text */
		if (r.s[i] == 0x1b && i + 1 < n && r.s[i + 1] == '[' &&
		    (sgr = csi_fast(r.s, i + 2, n, i, &r.complex)) != 0)
			i = sgr;	/* a colour, the most common escape */
		else if (r.s[i] == 0x1b && paste_off(r.s, i, n))
			i += sizeof(PASTE_OFF) - 1;	/* as a colour */
		else if (r.s[i] == 0x1b) {
			/* The state is kept: ESC[0m in a keyword hides nothing. */
			r.complex |= RAW_ODD;
			if (i + 1 < n && ctl_intro(r.s[i + 1]))
				i = scan_ctl_string(ac, r.s, i, n, cand, stamp,
				    &r.complex, &r.hits);
			else
				i = skip_esc(r.s, i, n, &r.complex);
		} else if (r.s[i] >= 0x80 && rx_c1_at(p, i))
			i = raw_c1(&r, i);
		else
			i = raw_control(&r, i);
	}
	/*
	 * Cursor moves up and down and whole-row erases move text: the
	 * line is rendered unless rx_ac_scan_rows shows that the rows they
	 * leave hold no keyword, which it can when nothing else moves text.
	 */
	if (r.complex & RAW_ROWOP) {
		if (!(r.complex & (RX_RAW_MOVES | RAW_ODD)))
			rows = RX_RAW_ROWS;
		r.complex |= RAW_ODD | RX_RAW_MOVES;
	}
	if (r.complex & RAW_CR_BLANK)
		r.complex |= RAW_ODD;
	/*
	 * A CR over text moves it.  When nothing else does (no other
	 * control, no escape but colours), the line is its pieces written
	 * from column 0 over each other: rx_ac_scan_overlay.
	 */
	if (r.complex & RAW_CR) {
		if (!(r.complex & (RX_RAW_MOVES | RAW_ODD)))
			r.complex |= RX_RAW_CR_ONLY;
		r.complex |= RX_RAW_MOVES;
	}
	hits = r.hits + rx_ac_scan(ac, (const char *)r.t, r.tn, cand, stamp);
	/*
	 * A byte that shows nothing joins what it split ("-phu NUL NUL
	 * nter2"): the secret is whole only on screen, so a line with a
	 * keyword is written as screen text.
	 */
	if ((r.complex & RAW_HIDDEN) && hits > 0)
		r.complex |= RX_RAW_MOVES;
	*complex = (r.complex & (RX_RAW_MOVES | RX_RAW_STRINGS |
	    RX_RAW_CR_ONLY)) | rows;
	text->len = r.tn;	/* for rx_ac_scan_overlay */
	return hits;
}

/* Is every byte of p[0, n) below 0x80?  A word at a time. */
static int
all_ascii(const unsigned char *p, size_t n)
{
	uint64_t w, any = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		any |= w;
	}
	for (; i < n; i++)
		any |= p[i];
	return (any & 0x8080808080808080ull) == 0;
}

size_t
rx_ac_scan_overlay(const struct rx_ac *ac, const struct sl_buf *text,
    struct sl_buf *row, uint32_t *cand, uint32_t stamp)
{
	const unsigned char *p = (const unsigned char *)text->buf,
	    *end = p + text->len, *z;
	size_t len = 0;

	/*
	 * On an RX_RAW_CR_ONLY line every other byte under 0x20, and DEL,
	 * made the line RAW_ODD: the text's are the NULs of the CRs.
	 */
	if (!all_ascii(p, text->len))
		return SIZE_MAX;	/* not one cell a byte */
	/* The renderer cuts a row at SL_ROW_MAX columns and a CR goes to
	 * the start of the piece after the cut, not of the line. */
	if (text->len >= SL_ROW_MAX)
		return SIZE_MAX;
	sl_buf_reset(row);
	sl_buf_reserve(row, text->len);
	for (;; p = z + 1) {
		if ((z = memchr(p, '\0', (size_t)(end - p))) == NULL)
			z = end;
		memcpy(row->buf, p, (size_t)(z - p));
		if ((size_t)(z - p) > len)
			len = (size_t)(z - p);
		if (z == end)
			break;
	}
	return rx_ac_scan(ac, row->buf, len, cand, stamp);
}

/*
 * The screen of rx_ac_scan_rows: ROWS_MAX rows of w cells, one byte a
 * cell, with the cursor.
 */
struct rows {
	unsigned char *cell;
	size_t w;
	size_t len[ROWS_MAX];
	size_t x, y;
	size_t ymax;		/* the lowest row the cursor reached */
};

/*
 * A CR.  The renderer's idioms of a CR all need a row that ends in a
 * blank at the cursor, 11 columns in or more (term.c carriage_return):
 * zsh's mark, `%` or `#` then blanks, teaches it the width, and a blank
 * after text 40 columns in may be readline's wrap.  Such a row is not
 * modelled: -1.
 */
static int
rows_cr(struct rows *g)
{
	const unsigned char *row = g->cell + g->y * g->w;
	size_t x = g->x;

	if (x >= 11 && x == g->len[g->y] && row[x - 1] == ' ' &&
	    (x - 1 >= 40 || row[0] == '%' || row[0] == '#'))
		return -1;
	g->x = 0;
	return 0;
}

/* Text p[0, n) at the cursor; -1 past the row's cells. */
static int
rows_text(struct rows *g, const unsigned char *p, size_t n)
{
	unsigned char *row = g->cell + g->y * g->w;

	if (g->x + n >= g->w)
		return -1;
	if (g->x > g->len[g->y])	/* cells between are blanks */
		memset(row + g->len[g->y], ' ', g->x - g->len[g->y]);
	memcpy(row + g->x, p, n);
	g->x += n;
	if (g->x > g->len[g->y])
		g->len[g->y] = g->x;
	return 0;
}

/* The CSI at p[i] == ESC: a colour, or a move of rows_op. */
static size_t
rows_csi(struct rows *g, const unsigned char *p, size_t i, size_t n,
    int *bad)
{
	size_t j;
	int v = 0;

	for (j = i + 2; j < n && ((p[j] >= '0' && p[j] <= '9') || p[j] == ';');
	    j++)
		;
	if (j >= n || j - i > CSI_LIMIT ||
	    (p[j] != 'm' && (v = rows_op(p, i + 2, j)) == 0)) {
		*bad = 1;
		return n;
	}
	if (p[j] == 'K')
		g->len[g->y] = 0;
	else if (p[j] == 'A')	/* no higher than the top */
		g->y = g->y > (size_t)v ? g->y - (size_t)v : 0;
	else if (p[j] == 'B') {
		g->y += (size_t)v;
		if (g->y >= ROWS_MAX)
			*bad = 1;
		else if (g->y > g->ymax)
			g->ymax = g->y;
	}
	return j + 1;
}

/*
 * Play the line p[0, n), all ASCII, on g; -1 when it does what g does
 * not model.  Text runs to the next byte the raw scan looks at (run_end):
 * only CR, the CSIs of rows_csi and paste off are modelled.
 */
static int
rows_play(const struct rx_ac *ac, struct rows *g, const unsigned char *p,
    size_t n)
{
	size_t i = 0, j;
	int bad = 0;

	while (i < n && !bad) {
		if (p[i] == 0x1b && paste_off(p, i, n))
			i += sizeof(PASTE_OFF) - 1;
		else if (p[i] == 0x1b && i + 1 < n && p[i + 1] == '[')
			i = rows_csi(g, p, i, n, &bad);
		else if (p[i] == '\r') {
			bad = rows_cr(g) != 0;
			i++;
		} else if ((j = run_end(ac, p, i, n)) == i)
			bad = 1;	/* no other control is modelled */
		else {
			bad = rows_text(g, p + i, j - i) != 0;
			i = j;
		}
	}
	return bad ? -1 : 0;
}

size_t
rx_ac_scan_rows(const struct rx_ac *ac, const char *p, size_t n,
    struct sl_buf *room, uint32_t *cand, uint32_t stamp)
{
	struct rows g;
	size_t y, hits = 0;

	/*
	 * A cell a byte; and far from the renderer's limits, where it
	 * cuts a row (SL_ROW_MAX) or gives rows up (SL_TERM_CELLS, which
	 * ROWS_MAX rows of this line, their room doubled, stay under).
	 */
	if (n > ROWS_LINE_MAX || !all_ascii((const unsigned char *)p, n))
		return SIZE_MAX;
	memset(&g, 0, sizeof(g));
	g.w = n + 1;
	sl_buf_reset(room);
	sl_buf_reserve(room, ROWS_MAX * g.w);
	g.cell = (unsigned char *)room->buf;
	if (rows_play(ac, &g, (const unsigned char *)p, n) != 0)
		return SIZE_MAX;
	for (y = 0; y <= g.ymax; y++)
		hits += rx_ac_scan(ac, (const char *)g.cell + y * g.w,
		    g.len[y], cand, stamp);
	return hits;
}

void
rx_ac_free(struct rx_ac *ac)
{
	size_t i;

	if (ac == NULL)
		return;
	for (i = 0; i < ac->nkws; i++)
		free(ac->kws[i].kw);
	free(ac->kws);
	free(ac->delta);
	free(ac->outoff);
	free(ac->outv);
	free(ac);
}
