/*
 * redact_ac.c: the keyword prefilter.  Most lines of a session log hold
 * none of the rules' keywords (`akia`, `secret`, `-----begin`, `eyj`,
 * `token`, ...), and for those one pass over the bytes is all the work
 * there is: no rendering, no regex.
 *
 * The keywords go into an Aho-Corasick automaton, turned into a DFA over
 * byte classes (each byte that occurs in a keyword is a class, upper and
 * lower case share one, everything else is class 0), so the table stays
 * small enough for L1 and the inner loop is one load and two compares a
 * byte.  States with output are numbered last: "s >= tout" is the only
 * test on the hot path.
 *
 * The raw scan reads terminal bytes as the renderer would see them where
 * that is cheap: SGR, titles and mode switches are skipped without
 * touching the automaton, so `AK ESC[0m IA` still finds `akia`.  Anything
 * that moves text (CR over text, BS, cursor moves, erases) makes the line
 * "complex": its rendered form is scanned as well.
 */
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"

#define MAX_STATES	65000
#define SPECIAL		0xff	/* class of bytes the raw scan looks at */
#define CSI_LIMIT	512	/* as lib/render/term.c: longer CSIs are abandoned */
/*
 * Keywords are cut to this many bytes: a prefix is as good a test as
 * the whole word, and short words keep the table small and the overlap
 * of the parallel walks (scan_run) short.
 */
#define KW_MAX		8

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
	unsigned nstates;
	unsigned tout;			/* offset of the first state with output */
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

int
rx_ac_build(struct rx_ac *ac)
{
	struct node *nd = NULL;
	size_t nn = 0, capn = 0, i, k;
	unsigned c, perm_next, first_out;
	int *queue, *perm, *inv, s, t, qh = 0, qt = 0, rc = 0;
	const unsigned char *p;
	uint32_t off;

	/* Byte classes: 0 is "no keyword has it". */
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
	if (ac->ncls > 250)
		return -1;

#define NEWNODE() do {							\
	if (nn == capn) {						\
		capn = capn ? capn * 2 : 256;				\
		nd = sl_xrealloc(nd, capn * sizeof(*nd));		\
	}								\
	nd[nn].go = sl_xmalloc(ac->ncls * sizeof(int));		\
	memset(nd[nn].go, 0xff, ac->ncls * sizeof(int));		\
	nd[nn].fail = 0;						\
	nd[nn].out = NULL;						\
	nd[nn].nout = 0;						\
	nn++;								\
} while (0)

	NEWNODE();
	for (i = 0; i < ac->nkws && rc == 0; i++) {
		s = 0;
		for (p = (const unsigned char *)ac->kws[i].kw; *p; p++) {
			c = ac->cls[lower(*p)];
			if (nd[s].go[c] < 0) {
				if (nn >= MAX_STATES) {
					rc = -1;
					break;
				}
				NEWNODE();
				nd[s].go[c] = (int)nn - 1;
			}
			s = nd[s].go[c];
		}
		if (rc == 0)
			add_out(&nd[s], ac->kws[i].rule);
	}
#undef NEWNODE
	if (rc != 0)
		goto out;

	if (nn * ac->ncls > 65535) {
		rc = -1;	/* offsets would not fit the table's type */
		goto out;
	}
	/* Breadth first: fail links, inherited outputs, full transitions. */
	queue = sl_xmalloc(nn * sizeof(int));
	ac->delta = sl_xmalloc(nn * ac->ncls * sizeof(*ac->delta));
	for (c = 0; c < ac->ncls; c++) {
		t = nd[0].go[c];
		if (t < 0)
			t = 0;
		else {
			nd[t].fail = 0;
			queue[qt++] = t;
		}
		nd[0].go[c] = t;
	}
	while (qh < qt) {
		s = queue[qh++];
		for (k = 0; k < nd[nd[s].fail].nout; k++)
			add_out(&nd[s], nd[nd[s].fail].out[k]);
		for (c = 0; c < ac->ncls; c++) {
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

	/* Renumber: states without output first. */
	perm = sl_xmalloc(nn * sizeof(int));
	perm_next = 0;
	for (i = 0; i < nn; i++)
		if (nd[i].nout == 0)
			perm[i] = (int)perm_next++;
	first_out = perm_next;
	ac->tout = perm_next * ac->ncls;
	for (i = 0; i < nn; i++)
		if (nd[i].nout > 0)
			perm[i] = (int)perm_next++;
	ac->nstates = (unsigned)nn;
	/*
	 * States are kept as offsets into the table (state * ncls): the
	 * step is then one add and one load, the chain every byte waits on.
	 */
	for (i = 0; i < nn; i++)
		for (c = 0; c < ac->ncls; c++)
			ac->delta[(size_t)perm[i] * ac->ncls + c] =
			    (uint16_t)((unsigned)perm[nd[i].go[c]] * ac->ncls);
	ac->outoff = sl_xcalloc(nn - first_out + 1, sizeof(uint32_t));
	inv = sl_xmalloc(nn * sizeof(int));
	for (i = 0; i < nn; i++)
		inv[perm[i]] = (int)i;
	off = 0;
	for (k = first_out; k < nn; k++) {
		ac->outoff[k - first_out] = off;
		off += (uint32_t)nd[inv[k]].nout;
	}
	ac->outoff[nn - first_out] = off;
	free(inv);
	ac->outv = sl_xmalloc((off + 1) * sizeof(int));
	for (i = 0; i < nn; i++)
		if (nd[i].nout > 0)
			memcpy(ac->outv + ac->outoff[perm[i] - (int)first_out],
			    nd[i].out, nd[i].nout * sizeof(int));
	free(perm);

	/* Raw scan: controls and the lead bytes of C1 and the BOM. */
	memcpy(ac->rawcls, ac->cls, sizeof(ac->rawcls));
	for (c = 0; c < 0x20; c++)
		ac->rawcls[c] = SPECIAL;
	ac->rawcls[0x7f] = SPECIAL;
	ac->rawcls[0xc2] = SPECIAL;
	ac->rawcls[0xef] = SPECIAL;
	ac->built = 1;
out:
	for (i = 0; i < nn; i++) {
		free(nd[i].go);
		free(nd[i].out);
	}
	free(nd);
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

size_t
rx_ac_scan(const struct rx_ac *ac, const char *p, size_t n, uint32_t *cand,
    uint32_t stamp)
{
	const unsigned char *s = (const unsigned char *)p, *e = s + n;
	const uint16_t *delta = ac->delta;
	unsigned st = 0, tout = ac->tout;
	size_t hits = 0;

	if (!ac->built || ac->nstates == 0)
		return 0;
	for (; s < e; s++) {
		st = delta[st + ac->cls[*s]];
		if (st >= tout)
			hits += mark(ac, st, cand, stamp);
	}
	return hits;
}

/* Does ESC b start a control string (OSC, DCS, SOS, PM, APC)? */
static int
ctl_intro(unsigned char b)
{
	return b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_';
}

/*
 * Where the control string (OSC, DCS, SOS, PM, APC: `intro`) whose
 * payload starts at p[i] ends: its BEL (OSC only) or ESC, or n when it
 * runs to the end of the line or past SL_SEQ_MAX from `start`.
 */
static size_t
ctl_string_end(const unsigned char *p, size_t i, size_t n, unsigned char intro,
    size_t start)
{
	size_t j;

	for (j = i; j < n; j++) {
		if (j - start > SL_SEQ_MAX)
			return n;
		if ((intro == ']' && p[j] == 0x07) || p[j] == 0x1b)
			return j;
	}
	return n;
}

int
rx_ctl_string(const char *p, size_t n, size_t from, size_t *a, size_t *b)
{
	const unsigned char *s = (const unsigned char *)p;
	const unsigned char *q;
	size_t i = from;

	while (i + 1 < n && (q = memchr(s + i, 0x1b, n - i - 1)) != NULL) {
		i = (size_t)(q - s);
		if (ctl_intro(s[i + 1])) {
			*a = i + 2;
			*b = ctl_string_end(s, i + 2, n, s[i + 1], i);
			return 1;
		}
		i++;
	}
	return 0;
}

/* Skip an escape sequence at p[i] == ESC; say whether it moves text. */
static size_t
skip_esc(const unsigned char *p, size_t i, size_t n, int *complex)
{
	size_t start = i, j;
	unsigned char b, priv = 0, f;
	unsigned v = 0, alt = 0;
	int have = 0, first = 1, bad = 0;

	if (++i >= n) {
		*complex |= RX_RAW_MOVES;
		return n;
	}
	b = p[i];
	if (b == '[') {
		for (j = i + 1; j < n; j++) {
			b = p[j];
			if (j - start > CSI_LIMIT || b < 0x20 || b == 0x7f) {
				*complex |= RX_RAW_MOVES;	/* executed or abandoned */
				return j;
			}
			if (first && b >= '<' && b <= '?') {
				priv = b;
				first = 0;
				continue;
			}
			first = 0;
			if (b >= '0' && b <= '9') {
				v = v * 10 + (b - '0');
				if (v > 100000)
					v = 100000;
				have = 1;
			} else if (b == ';' || b == ':') {
				if (v == 47 || v == 1047 || v == 1049)
					alt = 1;
				if (v != 0)
					bad = 1;
				v = 0;
			} else if (b >= 0x40 && b <= 0x7e)
				break;
		}
		if (j >= n) {
			*complex |= RX_RAW_MOVES;
			return n;
		}
		f = p[j];
		if (v == 47 || v == 1047 || v == 1049)
			alt = 1;
		if (have && v != 0)
			bad = 1;
		switch (f) {
		case 'm': case 'c': case 'n': case 'r': case 't': case 'q':
			break;		/* colours and queries: no text moves */
		case 'h': case 'l':
			if (priv != '?' || alt)
				*complex |= RX_RAW_MOVES;	/* insert mode, alt screen */
			break;
		case 'K': case 'J':
			if (priv != 0 || bad)
				*complex |= RX_RAW_MOVES;	/* erases what was written */
			break;
		case 'p':
			if (priv == 0 && j > i + 1 && p[j - 1] == '!')
				break;		/* soft reset: attributes only */
			*complex |= RX_RAW_MOVES;
			break;
		default:
			*complex |= RX_RAW_MOVES;
		}
		return j + 1;
	}
	if (ctl_intro(b)) {
		j = ctl_string_end(p, i + 1, n, b, start);
		if (j >= n || (p[j] == 0x1b && (j + 1 >= n || p[j + 1] != '\\')))
			*complex |= RX_RAW_MOVES;	/* cut short */
		if (j >= n)
			return n;
		if (p[j] == 0x07)
			return j + 1;
		return p[j + 1] == '\\' ? j + 2 : j;
	}
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
 * The run of printable bytes at the start of s[0, n), entered in state
 * *stp: its length (it ends at the first byte the raw scan looks at).
 */
static size_t
scan_run(const struct rx_ac *ac, const unsigned char *s, size_t n,
    unsigned *stp, uint32_t *cand, uint32_t stamp, size_t *hits)
{
	const uint16_t *delta = ac->delta;
	const unsigned char *cls = ac->rawcls;
	unsigned st = *stp, tout = ac->tout, c;
	size_t i;

	for (i = 0; i < n && (c = cls[s[i]]) != SPECIAL; i++) {
		st = delta[st + c];
		if (st >= tout)
			*hits += mark(ac, st, cand, stamp);
	}
	*stp = st;
	return i;
}

/*
 * The payload of a control string at p[i] == ESC (a window title, an
 * OSC 8 link, DCS...): nothing shows it, but the log keeps it, so its
 * keywords count too (RX_RAW_STRINGS says there were some).
 */
static size_t
scan_ctl_string(const struct rx_ac *ac, const unsigned char *p, size_t i,
    size_t n, uint32_t *cand, uint32_t stamp, int *complex)
{
	size_t end, hits;

	if (i + 1 >= n || !ctl_intro(p[i + 1]))
		return 0;
	end = ctl_string_end(p, i + 2, n, p[i + 1], i);
	hits = rx_ac_scan(ac, (const char *)p + i + 2, end - (i + 2), cand,
	    stamp);
	if (hits > 0)
		*complex |= RX_RAW_STRINGS;
	return hits;
}

size_t
rx_ac_scan_raw(const struct rx_ac *ac, const char *p, size_t n,
    uint32_t *cand, uint32_t stamp, int *complex)
{
	const unsigned char *s = (const unsigned char *)p;
	const uint16_t *delta = ac->delta;
	unsigned st = 0;
	size_t i = 0, j, hits = 0;
	int wrote = 0;

	*complex = 0;
	if (!ac->built || ac->nstates == 0)
		return 0;
	while (i < n) {
		if (ac->rawcls[s[i]] != SPECIAL) {
			/* The hot path: a run of printable bytes, one pass. */
			j = scan_run(ac, s + i, n - i, &st, cand, stamp, &hits);
			i += j;
			wrote = 1;
			continue;
		}
		switch (s[i]) {
		case 0x1b:
			hits += scan_ctl_string(ac, s, i, n, cand, stamp,
			    complex);
			i = skip_esc(s, i, n, complex);
			continue;
		case '\t':
			st = delta[st + ac->cls[' ']];
			if (st >= ac->tout)
				hits += mark(ac, st, cand, stamp);
			wrote = 1;
			break;
		case '\r':
			if (wrote)
				*complex |= RX_RAW_MOVES;	/* what follows overwrites */
			st = 0;
			break;
		case 0x00: case 0x07: case 0x18: case 0x1a: case 0x7f:
			break;		/* the renderer shows nothing */
		case 0xc2:
			/* A C1 control shows nothing either. */
			if (i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f) {
				i += 2;
				continue;
			}
			st = delta[st + ac->cls[0xc2]];
			wrote = 1;
			break;
		case 0xef:
			if (i + 2 < n && s[i + 1] == 0xbb && s[i + 2] == 0xbf) {
				i += 3;	/* the BOM */
				continue;
			}
			st = delta[st + ac->cls[0xef]];
			wrote = 1;
			break;
		default:		/* BS, VT, FF, SO, SI, LF, ... */
			*complex |= RX_RAW_MOVES;
			st = 0;
		}
		i++;
	}
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
