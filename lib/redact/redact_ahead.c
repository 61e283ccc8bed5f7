/*
 * redact_ahead.c: with -j 2 or more, the raw scan of a large text input
 * runs on a second thread, ahead of the engine.  Most lines of a log hold
 * no keyword and nothing that moves text, or only CRs and cursor moves
 * over rows that hold none: for them the engine's whole work is
 * rx_ac_scan_raw (escapes, the shown text, the keyword walk) and
 * rx_cr_row_clean, half of sl-redact's time.  The thread walks the
 * input's lines as the reader will hand them out and puts what it finds
 * in each (struct rx_raw: hits, flags, the rules marked, the rows'
 * verdict) in a bounded ring, by where the line starts and how long it
 * is; the engine, on the main thread, asks the ring about each line
 * before it scans it (rx_ahead_take, from rx_analyze), and takes the
 * thread's findings when the ring has that very line.
 *
 * The ring is a hint, never a source of bytes or of decisions:
 *
 *  - The scan is a function of the line's bytes alone, and the bytes
 *    are the same memory both threads read (the mapping of a file read
 *    in place, input_map.c, or bytes in memory): what the thread found
 *    at [off, off + n) is what the engine finds when the reader hands
 *    out [off, off + n).  Any other line (a piece of a long one, a line
 *    cut by a file that shrank, a line the thread has not reached, a
 *    JSON string, a line that marks more rules than a hint holds) is
 *    not in the ring, and the engine scans it itself, as with -j 1.
 *  - The main thread never waits for the thread: when it gets ahead it
 *    scans lines itself and says where it is, and the thread jumps a
 *    little past it.  So the output, the messages, their order and the
 *    exit status are those of -j 1 by construction, whatever the timing;
 *    and when the thread is the slower half, the engine takes its share.
 *  - The thread waits (naps) when it is rx->ahead_max bytes ahead or the
 *    ring is full: memory stays bounded, and the pages it touched are
 *    the next ones the reader lets go (in_map_behind).
 *  - The thread only reads the mapping and the automaton (const) and
 *    calls nothing that reports: messages, PCRE2 and the error callbacks
 *    stay on the main thread.  A page past a cut faults on whichever
 *    thread touches it first; input_map.c's handler puts zeros there for
 *    both, and the reader alone decides (and says) where the file ends.
 *    The mapping outlives the thread: it is joined before the input is
 *    freed.  Only asynchronous signals are blocked in it: a fault is
 *    delivered to the thread that faults, whatever its mask.
 *
 * Where -j 1 and this differ: a file rewritten in place while it is
 * redacted (same size, other bytes).  -j 1 scans a line and copies it
 * out moments later; here a line the thread scanned may be copied out
 * up to rx->ahead_max bytes of reading later, so a secret written over
 * a clean line in that window passes.  A log being rewritten under
 * its redactor is no input either way: what comes out is a mix.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "redact/redact.h"

#define JUMP		(64 * 1024)	/* an engine that got ahead keeps
					   this much for itself */

struct rx_hint {
	size_t off;		/* a line's content at lo + off */
	size_t n;		/* ... and its length, without the ending */
	struct rx_raw raw;	/* what the scan found there */
};

struct rx_ahead {
	/* Set before the thread starts, read-only after. */
	const struct rx_ac *ac;
	const char *lo;		/* the mapping */
	size_t len;
	size_t nrules;
	int cr_render;		/* rx->cr_render: no row is clean */
	size_t ring_size;	/* a power of two */
	size_t ahead_max;	/* bytes ahead of the engine, at most */
	struct rx_hint *ring;
	pthread_t thread;
	int started;		/* thread is there to join */
	/* Written by the thread. */
	_Alignas(64) _Atomic size_t head;	/* hints put in the ring */
	uint32_t *cand;		/* rx_ac_scan_raw's room */
	uint32_t stamp;
	struct sl_buf text, room;
	/* Written by the engine. */
	_Alignas(64) _Atomic size_t tail;	/* hints taken */
	_Atomic size_t at;	/* the offset of the engine's line */
	_Atomic int stop;
	/* The engine's own. */
	_Alignas(64) size_t taken;	/* tail, not yet said */
	size_t seen;		/* head, as last read */
	unsigned asked;		/* lines asked about */
};

/* ---------------------------------------------------------- the thread */

int
rx_rows_clean(const struct rx_ac *ac, int complex, const char *p, size_t n,
    const struct sl_buf *text, struct sl_buf *room, uint32_t *cand,
    uint32_t stamp)
{
	if (complex == (RX_RAW_MOVES | RX_RAW_ROWS))
		return rx_ac_scan_rows(ac, p, n, room, cand, stamp) == 0;
	return complex == (RX_RAW_MOVES | RX_RAW_CR_ONLY) &&
	    rx_ac_scan_overlay(ac, text, room, cand, stamp) == 0;
}

/* A stamp of the thread's own, as next_stamp() makes the engine's. */
static uint32_t
stamp(struct rx_ahead *a)
{
	if (++a->stamp == 0) {
		memset(a->cand, 0, (a->nrules + 1) * sizeof(*a->cand));
		a->stamp = 1;
	}
	return a->stamp;
}

/*
 * The rules the scan under stamp st marked, into r; 0 when there are
 * more than it holds (the engine scans that line itself).  Every mark
 * counts a hit: no hit, no mark, and no need to look.
 */
static int
marks(const struct rx_ahead *a, uint32_t st, struct rx_raw *r)
{
	size_t i;

	r->ncand = 0;
	for (i = 0; r->hits > 0 && i <= a->nrules; i++)
		if (a->cand[i] == st) {
			if (r->ncand == RX_RAW_CANDS)
				return 0;
			r->cand[r->ncand++] = (uint32_t)i;
		}
	return 1;
}

/*
 * What rx_analyze() finds of p[0, n) before it renders: the raw scan's
 * hits, flags and marks, and for a line with no keyword whose moves are
 * CRs or rows, whether the rows are clean (rx_cr_row_clean).  0 when r
 * cannot hold it.
 */
static int
scan_raw(struct rx_ahead *a, const char *p, size_t n, struct rx_raw *r)
{
	uint32_t st = stamp(a);

	r->hits = rx_ac_scan_raw(a->ac, p, n, a->cand, st, &r->complex,
	    &a->text);
	if (!marks(a, st, r))
		return 0;
	r->rows = -1;
	if (r->hits == 0 && r->complex != 0)
		r->rows = !a->cr_render && rx_rows_clean(a->ac, r->complex,
		    p, n, &a->text, &a->room, a->cand, stamp(a));
	return 1;
}

/*
 * The line at off as the reader hands it out (sl_in_line, split into
 * content and ending as the engine does: rx_trim_cr), what the scan
 * found put in the ring; where the next one starts.  A line longer than a piece is
 * passed by a piece at a time, unhinted: the engine scans its pieces.
 */
static size_t
scan_line(struct rx_ahead *a, size_t off, size_t *head)
{
	const char *s = a->lo + off, *nl;
	size_t left = a->len - off, end, n;
	struct rx_hint *h = &a->ring[*head & (a->ring_size - 1)];

	nl = memchr(s, '\n', SL_MIN(left, (size_t)SL_LINE_PIECE));
	if (nl == NULL && left > SL_LINE_PIECE)
		return off + SL_LINE_PIECE;
	end = nl != NULL ? (size_t)(nl - s) + 1 : left;
	n = rx_trim_cr(s, nl != NULL ? end - 1 : left);
	if (scan_raw(a, s, n, &h->raw)) {
		h->off = off;
		h->n = n;
		atomic_store_explicit(&a->head, ++*head, memory_order_release);
	}
	return off + end;
}

/*
 * Where the thread goes on when the engine got ahead to at: the line
 * after JUMP bytes more, which the engine scans itself meanwhile (both
 * at the same line would do it twice).  The newline is looked for over
 * a piece at most: in a line of 100 MiB, a search to its end would read
 * (and keep in memory) all its pages, again at every jump.
 */
static size_t
jump(const struct rx_ahead *a, size_t at)
{
	size_t by = SL_MIN((size_t)JUMP, a->ahead_max / 2), look;
	const char *nl;

	if (a->len - at <= by)
		return a->len;
	look = SL_MIN(a->len - at - by, (size_t)SL_LINE_PIECE);
	nl = memchr(a->lo + at + by, '\n', look);
	return nl != NULL ? (size_t)(nl - a->lo) + 1 : at + by + look;
}

/* May the thread scan at *off: not too far ahead, room in the ring? */
static int
room(struct rx_ahead *a, size_t *off, size_t head)
{
	size_t at = atomic_load_explicit(&a->at, memory_order_relaxed);
	size_t tail = atomic_load_explicit(&a->tail, memory_order_acquire);

	if (*off < at)
		*off = jump(a, at);
	return *off - at <= a->ahead_max && head - tail < a->ring_size;
}

/*
 * A sleep while the engine catches up: 50 us, the time it takes over a
 * few lines, then longer and longer up to 5 ms while it does not (its
 * output blocked: a pager), so that a waiting thread costs no CPU.  The
 * engine never waits for it meanwhile: it scans the lines itself.
 */
static void
nap(unsigned naps)
{
	long us = naps < 7 ? 50L << naps : 5000;
	struct timespec ts = { 0, us * 1000 };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void *
ahead_main(void *arg)
{
	struct rx_ahead *a = arg;
	size_t off = 0, head = 0;
	unsigned naps = 0;

	while (!atomic_load_explicit(&a->stop, memory_order_relaxed) &&
	    off < a->len) {
		if (room(a, &off, head)) {
			off = scan_line(a, off, &head);
			naps = 0;
		} else
			nap(naps++);
	}
	return NULL;
}

/* ---------------------------------------------------------- the engine */

/* Say where the engine is and what it took: the thread goes on. */
static void
tell(struct rx_ahead *a, size_t off)
{
	atomic_store_explicit(&a->at, off, memory_order_relaxed);
	atomic_store_explicit(&a->tail, a->taken, memory_order_release);
}

/* Is the next hint in the ring there to take?  Reads head when needed. */
static int
hint_ready(struct rx_ahead *a)
{
	if (a->taken != a->seen)
		return 1;
	a->seen = atomic_load_explicit(&a->head, memory_order_acquire);
	return a->taken != a->seen;
}

int
rx_ahead_take(struct rx_ahead *a, const char *p, size_t n, struct rx_raw *r)
{
	const struct rx_hint *h;
	size_t off;

	/* Not the mapping's bytes (a joined piece, a nested payload). */
	if ((uintptr_t)p < (uintptr_t)a->lo ||
	    (uintptr_t)p - (uintptr_t)a->lo >= a->len)
		return 0;
	off = (size_t)(p - a->lo);
	if (++a->asked % 32 == 0)
		tell(a, off);
	for (;;) {
		if (!hint_ready(a)) {
			tell(a, off);	/* the thread is behind */
			return 0;
		}
		h = &a->ring[a->taken & (a->ring_size - 1)];
		if (h->off > off)
			return 0;	/* this line was not handed over */
		a->taken++;		/* lines passed, or this one */
		if (h->off == off && h->n == n) {
			*r = h->raw;
			return 1;
		}
		if (h->off == off)
			return 0;
	}
}

/*
 * The thread, with every asynchronous signal blocked: they go to the
 * main thread, as without it.  Faults cannot be blocked: they go to the
 * thread that faults (input_map.c's SIGBUS handler), whatever its mask.
 */
static int
start_thread(struct rx_ahead *a)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, ahead_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

struct rx_ahead *
rx_ahead_mem(const struct sl_redact *rx, const char *lo, size_t len)
{
	struct rx_ahead *a;

	if (rx->ahead_ring == 0 || (rx->ahead_ring & (rx->ahead_ring - 1)))
		return NULL;	/* the ring's index is a mask */
	/* Aligned as its type says: head, tail and taken each on a cache
	 * line of their own (calloc gives 16 bytes). */
	a = aligned_alloc(_Alignof(struct rx_ahead), sizeof(*a));
	if (a == NULL)
		return NULL;	/* no thread: the engine scans every line */
	memset(a, 0, sizeof(*a));
	a->ac = rx->ac;
	a->lo = lo;
	a->len = len;
	a->nrules = rx->rules.n;
	a->cr_render = rx->cr_render;
	a->ring_size = rx->ahead_ring;
	a->ahead_max = rx->ahead_max;
	a->ring = sl_xcalloc(a->ring_size, sizeof(*a->ring));
	a->cand = sl_xcalloc(rx->rules.n + 1, sizeof(*a->cand));
	sl_buf_init(&a->text);
	sl_buf_init(&a->room);
	if (start_thread(a) != 0) {
		rx_ahead_stop(a);
		return NULL;
	}
	a->started = 1;
	return a;
}

struct rx_ahead *
rx_ahead_start(const struct sl_redact *rx, const struct sl_in *in)
{
	const char *lo;
	size_t len;

	/* Only where most lines are the engine's early way out (rules
	 * with keywords), over bytes that stay where they are while the
	 * thread reads them. */
	if (rx->njobs < 2 || !rx->prefilter ||
	    (!sl_in_mapped(in, &lo, &len) && !sl_in_stable(in, &lo, &len)) ||
	    len < rx->ahead_min)
		return NULL;
	return rx_ahead_mem(rx, lo, len);
}

void
rx_ahead_wait(struct rx_ahead *a)
{
	if (a->started)
		pthread_join(a->thread, NULL);
	a->started = 0;
}

void
rx_ahead_stop(struct rx_ahead *a)
{
	if (a == NULL)
		return;
	atomic_store(&a->stop, 1);
	if (a->started)
		pthread_join(a->thread, NULL);
	sl_buf_free(&a->text);
	sl_buf_free(&a->room);
	free(a->cand);
	free(a->ring);
	free(a);
}
