/*
 * sessions.c: session records merged field by field by source rank
 * (records.md), in one place for every tool that needs merged sessions.
 * Memory grows with sessions, not with lines.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "base/strmap.h"

#define RANK_NONE	255	/* ranks are small: a byte each */
#define EXTRA_ROOM	4	/* a power of two: extras room at first */

/*
 * One session.  Its fields are pub.f, owned here (freed as char *): no
 * second array of the same pointers, as one is kept per open session.
 */
struct entry {
	struct sl_session pub;
	unsigned char rank[SL_F_COUNT];
	struct sl_kv *extra;
	int *xrank;
	size_t nextra, capextra;
};

/*
 * The entries' strings (ids, fields, extras) are cut from blocks of the
 * table's, not each one malloc'd: sl-report merges two session records
 * a file, and a strdup for each of their fields was two fifths of that
 * merge, in -j N's serial parent.  A value replaced by one of a better
 * rank leaves its bytes behind, but a field is replaced only by a
 * strictly better rank, a few times at most: the blocks still grow with
 * sessions, not with records.
 */
#define STR_BLOCK	(64 * 1024)

struct strblock {
	struct strblock *next;
	size_t used, cap;
	char s[];
};

struct sl_sessions {
	struct sl_strmap *byid;		/* keys borrowed: pub.id */
	struct entry **order;		/* first appearance */
	const struct sl_session **list;
	size_t n, cap;
	struct entry *unknown;		/* the null session */
	struct strblock *strs;		/* the first has room, if any */
};

int
sl_source_rank(const char *origin)
{
	if (origin == NULL)
		return 4;
	if (strcmp(origin, "describe-sessions") == 0)
		return 0;
	if (strcmp(origin, "cloudtrail") == 0)
		return 1;
	if (strcmp(origin, "cw-stream") == 0)
		return 2;
	return 3;			/* transcripts and the rest */
}

int
sl_time_src_rank(const char *src)
{
	static const char *const order[] = { "describe-sessions",
	    "cloudtrail", "stream-first-event", "stream-last-event",
	    "typescript-trailer", "typescript-header", "pwsh-header",
	    "pwsh-footer" };
	size_t i;

	for (i = 0; src != NULL && i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(src, order[i]) == 0)
			return (int)i;
	return (int)(sizeof(order) / sizeof(order[0]));
}

struct sl_sessions *
sl_sessions_new(void)
{
	struct sl_sessions *t = sl_xcalloc(1, sizeof(*t));

	t->byid = sl_strmap_new(0);
	return t;
}

/* A block of cap bytes at least, after the first (a big string's own
 * block) or first (a fresh block for the small ones). */
static struct strblock *
new_block(struct sl_sessions *t, size_t cap, int first)
{
	struct strblock *b = sl_xmalloc(sizeof(*b) + cap);

	b->used = 0;
	b->cap = cap;
	if (first || t->strs == NULL) {
		b->next = t->strs;
		t->strs = b;
	} else {
		b->next = t->strs->next;
		t->strs->next = b;
	}
	return b;
}

/* A copy of s, kept as long as the table. */
static const char *
keep_str(struct sl_sessions *t, const char *s)
{
	size_t n = strlen(s) + 1;
	struct strblock *b = t->strs;
	char *p;

	if (b == NULL || b->cap - b->used < n)
		b = n > STR_BLOCK / 4 ? new_block(t, n, 0) :
		    new_block(t, STR_BLOCK, 1);
	p = b->s + b->used;
	memcpy(p, s, n);
	b->used += n;
	return p;
}

static struct entry *
new_entry(struct sl_sessions *t, const char *id)
{
	struct entry *e = sl_xcalloc(1, sizeof(*e));
	int i;

	e->pub.id = id != NULL ? keep_str(t, id) : NULL;
	for (i = 0; i < SL_F_COUNT; i++)
		e->rank[i] = RANK_NONE;
	e->pub.seq = (long long)t->n;
	if (t->n == t->cap) {
		/* Doubling: one realloc per session moved the whole array
		 * each time and left the heap in pieces. */
		t->cap = t->cap ? t->cap * 2 : 16;
		t->order = sl_xrealloc(t->order, t->cap * sizeof(*t->order));
	}
	t->order[t->n++] = e;
	return e;
}

static struct entry *
lookup(struct sl_sessions *t, const char *id, int create)
{
	struct entry *e;

	if (id == NULL) {
		if (t->unknown == NULL && create)
			t->unknown = new_entry(t, NULL);
		return t->unknown;
	}
	e = sl_strmap_get(t->byid, id);
	if (e == NULL && create) {
		e = new_entry(t, id);
		*sl_strmap_slot(t->byid, e->pub.id) = e;
	}
	return e;
}

const struct sl_session *
sl_sessions_get(struct sl_sessions *t, const char *id, int create)
{
	struct entry *e = lookup(t, id, create);

	return e != NULL ? &e->pub : NULL;
}

/* Take v for field i when its rank is better than what we have. */
static void
take(struct sl_sessions *t, struct entry *e, int i, const char *v, int rank)
{
	if (v == NULL || rank >= e->rank[i])
		return;
	e->pub.f[i] = keep_str(t, v);
	e->rank[i] = (unsigned char)rank;
}

static void
take_extra(struct sl_sessions *t, struct entry *e, const char *key,
    const char *v, int rank)
{
	size_t i;

	for (i = 0; i < e->nextra; i++) {
		if (strcmp(e->extra[i].key, key) != 0)
			continue;
		if (rank < e->xrank[i]) {
			e->extra[i].val = keep_str(t, v);
			e->xrank[i] = rank;
		}
		return;
	}
	/* Room for EXTRA_ROOM at first, then doubled: two reallocs for
	 * each extra were a fifth of merging a session into a new entry. */
	if (e->nextra == e->capextra) {
		e->capextra = e->capextra ? e->capextra * 2 : EXTRA_ROOM;
		e->extra = sl_xrealloc(e->extra,
		    e->capextra * sizeof(*e->extra));
		e->xrank = sl_xrealloc(e->xrank,
		    e->capextra * sizeof(*e->xrank));
	}
	e->extra[e->nextra].key = keep_str(t, key);
	e->extra[e->nextra].val = keep_str(t, v);
	e->xrank[e->nextra] = rank;
	e->nextra++;
	e->pub.extra = e->extra;
	e->pub.nextra = e->nextra;
}

static int
is_time_field(int i)
{
	return i == SL_F_START || i == SL_F_START_SRC || i == SL_F_END ||
	    i == SL_F_END_SRC;
}

/* Times rank by what they rest on (tr); the pair, time i (not NULL)
 * and its source isrc, moves together. */
static void
take_time(struct sl_sessions *t, struct entry *e, const struct sl_record *r,
    int i, int isrc, int tr)
{
	if (tr >= e->rank[i])
		return;
	take(t, e, i, r->f[i], tr);
	e->rank[isrc] = RANK_NONE;
	take(t, e, isrc, r->f[isrc], tr);
}

const struct sl_session *
sl_sessions_merge(struct sl_sessions *t, const struct sl_record *r)
{
	struct entry *e;
	int rank, i;
	size_t k;

	if (r->type != SL_SESSION)
		return NULL;
	e = lookup(t, r->session, 1);
	rank = sl_source_rank(r->f[SL_F_ORIGIN]);
	for (i = 0; i < SL_F_COUNT; i++)
		if (!is_time_field(i))
			take(t, e, i, r->f[i], rank);
	if (r->f[SL_F_START] != NULL)
		take_time(t, e, r, SL_F_START, SL_F_START_SRC,
		    sl_time_src_rank(r->f[SL_F_START_SRC]));
	if (r->f[SL_F_END] != NULL)
		take_time(t, e, r, SL_F_END, SL_F_END_SRC,
		    sl_time_src_rank(r->f[SL_F_END_SRC]));
	for (k = 0; k < r->nextra; k++)
		if (r->extra[k].val != NULL)
			take_extra(t, e, r->extra[k].key, r->extra[k].val,
			    rank);
	return &e->pub;
}

/*
 * A -j worker's merged session goes to the parent once, with the rank
 * each field was taken at, rather than as every session record merged
 * into it: the parent decoding and merging each record again was a
 * third of its serial work on a folder of 10,000 logs.  A field is taken
 * when its rank is better than the one held, the first of equal ranks
 * kept, so merging the merged fields at their ranks makes what merging
 * the records one by one makes.
 */
/* s is the first member of its entry. */
static const struct entry *
entry_of(const struct sl_session *s)
{
	return (const struct entry *)(const void *)s;
}

void
sl_session_as_record(const struct sl_session *s, struct sl_record *r,
    unsigned char rank[SL_F_COUNT])
{
	memset(r, 0, sizeof(*r));
	r->type = SL_SESSION;
	r->session = s->id;
	memcpy(r->f, s->f, sizeof(r->f));
	r->extra = s->extra;
	r->nextra = s->nextra;
	memcpy(rank, entry_of(s)->rank, SL_F_COUNT);
}

unsigned char
sl_session_extra_rank(const struct sl_session *s, size_t k)
{
	return (unsigned char)entry_of(s)->xrank[k];
}

const struct sl_session *
sl_sessions_merge_ranked(struct sl_sessions *t, const struct sl_record *r,
    const unsigned char rank[SL_F_COUNT], const unsigned char *xrank)
{
	struct entry *e;
	size_t k;
	int i;

	if (r->type != SL_SESSION)
		return NULL;
	e = lookup(t, r->session, 1);
	for (i = 0; i < SL_F_COUNT; i++)
		if (!is_time_field(i))
			take(t, e, i, r->f[i], rank[i]);
	if (r->f[SL_F_START] != NULL)
		take_time(t, e, r, SL_F_START, SL_F_START_SRC,
		    rank[SL_F_START]);
	if (r->f[SL_F_END] != NULL)
		take_time(t, e, r, SL_F_END, SL_F_END_SRC, rank[SL_F_END]);
	for (k = 0; k < r->nextra; k++)
		if (r->extra[k].val != NULL)
			take_extra(t, e, r->extra[k].key, r->extra[k].val,
			    xrank[k]);
	return &e->pub;
}

size_t
sl_sessions_count(const struct sl_sessions *t)
{
	return t->n;
}

const struct sl_session *const *
sl_sessions_list(struct sl_sessions *t)
{
	size_t i;

	t->list = sl_xrealloc(t->list, (t->n + 1) * sizeof(*t->list));
	for (i = 0; i < t->n; i++)
		t->list[i] = &t->order[i]->pub;
	t->list[t->n] = NULL;
	return t->list;
}

const char *
sl_session_extra(const struct sl_session *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nextra; i++)
		if (strcmp(s->extra[i].key, key) == 0)
			return s->extra[i].val;
	return NULL;
}

void
sl_sessions_free(struct sl_sessions *t)
{
	struct strblock *b, *next;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		struct entry *e = t->order[i];

		free(e->extra);
		free(e->xrank);
		free(e);
	}
	for (b = t->strs; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(t->order);
	free(t->list);
	sl_strmap_free(t->byid);
	free(t);
}

enum sl_when
sl_when_times(long long start, long long end, int has_local, long long *ms)
{
	if (start != SL_TIME_UNKNOWN) {
		*ms = start;
		return SL_WHEN_START;
	}
	if (end != SL_TIME_UNKNOWN) {
		*ms = end;
		return SL_WHEN_END;
	}
	*ms = SL_TIME_UNKNOWN;
	return has_local ? SL_WHEN_LOCAL : SL_WHEN_NONE;
}

/* An RFC 3339 field as ms; SL_TIME_UNKNOWN when absent or unreadable. */
static long long
field_ms(const char *v)
{
	long long ms;

	if (v == NULL || sl_time_rfc3339(v, strlen(v), &ms) != 0)
		return SL_TIME_UNKNOWN;
	return ms;
}

enum sl_when
sl_session_when(const char *const f[SL_F_COUNT], long long *ms)
{
	return sl_when_times(field_ms(f[SL_F_START]), field_ms(f[SL_F_END]),
	    f[SL_F_START_LOCAL] != NULL || f[SL_F_END_LOCAL] != NULL, ms);
}

enum sl_window_place
sl_window_place(const struct sl_window *w, enum sl_when when, long long ms)
{
	if (!w->has_since && !w->has_until)
		return SL_WIN_IN;
	if (when == SL_WHEN_LOCAL)
		return SL_WIN_LOCAL_ONLY;
	if (when == SL_WHEN_NONE || ms == SL_TIME_UNKNOWN)
		return SL_WIN_UNDATED;
	if ((w->has_since && ms < w->since) || (w->has_until &&
	    ms >= w->until))
		return SL_WIN_OUTSIDE;
	return SL_WIN_IN;
}

const char *
sl_window_reason(enum sl_window_place p)
{
	switch (p) {
	case SL_WIN_IN:
		break;
	case SL_WIN_OUTSIDE:
		return "outside the window";
	case SL_WIN_UNDATED:
		return "without a start or end time";
	case SL_WIN_LOCAL_ONLY:
		return "with only zone-less local times (give --tz)";
	}
	return NULL;
}
