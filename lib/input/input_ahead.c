/*
 * input_ahead.c: a gzip file inflated ahead of its reader on a thread of
 * its own (with -j, over a regular file): a bounded ring of slots, each
 * with the messages and breaks met while filling it, read in place.
 */
#define ZLIB_CONST

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#include "base/archive_dl.h"
#include "internal.h"
#include "input_in.h"

/*
 * With -j N, the parent's own work on a tar.gz is two thirds inflate,
 * and the workers wait for it.  There the gzip layer runs on a thread of
 * its own, up to AHEAD_SLOTS slots of AHEAD_SLOT bytes ahead of its
 * reader (512 KiB), which takes the slots in order (in_ahead_fill()).  Only
 * over a regular file: what lies below is then the thread's alone, and a
 * read never waits on a writer, so a reader that stops early is never
 * kept waiting.  Only with workers, forked before the thread (take(arg,
 * NULL)): -j 1 stays one thread.  What the gzip layer reports on its way
 * (a corrupt member skipped) travels with the
 * slot it came before, its last error with its last slot, so the reader
 * meets both where it would have without the thread; what the thread
 * made past a reader that stopped early is dropped unreported, as it
 * would not have been read.  The ratio check does not depend on the
 * steps (gz_step_in()): a bomb is refused after the same bytes.
 */
#define AHEAD_SLOT	(128 * 1024)
#define AHEAD_SLOTS	4

struct slot {
	unsigned char *buf;
	size_t len;
	struct sl_buf notes;	/* messages before its bytes, each + '\0' */
	int last;		/* the stream ends with this slot */
	int more;		/* a larger fill would have gone on */
	int refused;		/* ...refused as a bomb */
	char err[512];		/* ...with this error, or "" */
};

struct ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sl_in *gz;	/* the gzip layer: the thread's */
	struct slot slot[AHEAD_SLOTS];
	unsigned long filled;	/* slots made, by the thread */
	unsigned long done;	/* slots read out, by the reader */
	int quit;		/* the reader is gone */
	struct slot *cur;	/* the reader's slot (slot[done % N]) */
	size_t pos;		/* ...and where in it */
	struct slot *making;	/* the thread's slot, for ahead_note() */
	sl_take_fn take;	/* told when the thread is gone */
	void *take_arg;
};
/* -------------------------------------------------- inflating ahead */

/* The gzip layer's messages on its way (gz_resync()), kept in order. */
static void
ahead_note(void *arg, const char *where, const char *msg)
{
	struct ahead *a = arg;

	(void)where;		/* the reader's name is the same */
	sl_buf_add(&a->making->notes, msg, strlen(msg) + 1);
}

/* Fill s as one fill of the gzip layer would a reader's buffer. */
static void
ahead_make(struct ahead *a, struct slot *s)
{
	struct sl_in *gz = a->gz;
	ssize_t got;

	s->len = 0;
	s->notes.len = 0;
	s->err[0] = '\0';
	a->making = s;
	got = gz->fill(gz, s->buf, AHEAD_SLOT);
	if (got > 0) {
		s->len = (size_t)got;
		gz->produced += got;
	}
	s->last = got <= 0 || gz->errstate != ERR_NONE;
	s->more = !s->last && in_gz_goes_on(gz);
	s->refused = gz->refused;
	if (gz->errstate == ERR_PENDING) {
		snprintf(s->err, sizeof s->err, "%s", gz->errmsg);
		gz->errstate = ERR_TAKEN;
	}
}

static void *
ahead_main(void *arg)
{
	struct ahead *a = arg;
	int last = 0;

	while (!last) {
		pthread_mutex_lock(&a->mu);
		while (!a->quit && a->filled - a->done >= AHEAD_SLOTS)
			pthread_cond_wait(&a->cv, &a->mu);
		last = a->quit;
		pthread_mutex_unlock(&a->mu);
		if (last)
			break;
		ahead_make(a, &a->slot[a->filled % AHEAD_SLOTS]);
		last = a->slot[a->filled % AHEAD_SLOTS].last;
		pthread_mutex_lock(&a->mu);
		a->filled++;
		pthread_cond_signal(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
	return NULL;
}

/* The reader is done with its slot: the next one, once made. */
static struct slot *
ahead_next(struct ahead *a)
{
	pthread_mutex_lock(&a->mu);
	if (a->cur != NULL) {
		a->done++;
		pthread_cond_signal(&a->cv);
	}
	while (a->filled == a->done)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
	a->cur = &a->slot[a->done % AHEAD_SLOTS];
	a->pos = 0;
	return a->cur;
}

/* The slot's messages, reported as gz_resync() would have, with a break
 * where its bytes start. */
static void
ahead_notes(struct sl_in *in, const struct slot *s)
{
	size_t k;

	for (k = 0; k < s->notes.len; k += strlen(s->notes.buf + k) + 1) {
		in->resynced = 1;
		in->brk = sl_xrealloc(in->brk, (in->nbrk + 1) *
		    sizeof(*in->brk));
		in->brk[in->nbrk++] = in->produced;
		if (in->err != NULL)
			in->err(in->errarg, in->name, s->notes.buf + k);
	}
}

/*
 * Up to n bytes of in where they lie, in a slot (*p), valid until the
 * next call: a fill without the copy.  Returns as a fill does.
 */
ssize_t
in_ahead_view(struct sl_in *in, const unsigned char **p, size_t n)
{
	struct ahead *a = in->ctx;
	struct slot *s = a->cur;
	size_t k;

	if (s == NULL || a->pos == s->len) {
		if (s != NULL && s->last)
			return 0;
		s = ahead_next(a);
		ahead_notes(in, s);
	}
	k = SL_MIN(n, s->len - a->pos);
	*p = s->buf + a->pos;
	a->pos += k;
	if (a->pos == s->len && s->last && s->err[0] != '\0') {
		in_seterr(in, "%s", s->err);
		in->refused |= s->refused;
		return k > 0 ? (ssize_t)k : -1;
	}
	return (ssize_t)k;
}

/*
 * Up to n bytes, copied: from slot to slot while the gzip layer's own
 * fill of n would have gone on (slot.more), so that each fill makes the
 * bytes it would make without the thread.
 */
ssize_t
in_ahead_fill(struct sl_in *in, unsigned char *dst, size_t n)
{
	struct ahead *a = in->ctx;
	const unsigned char *p;
	size_t total = 0;
	ssize_t got;

	for (;;) {
		got = in_ahead_view(in, &p, n - total);
		if (got <= 0)
			return total > 0 ? (ssize_t)total : got;
		memcpy(dst + total, p, (size_t)got);
		total += (size_t)got;
		if (total == n || in->errstate != ERR_NONE ||
		    a->pos < a->cur->len || !a->cur->more)
			return (ssize_t)total;
	}
}

/* The slots and a itself; not the gzip layer. */
static void
ahead_free(struct ahead *a)
{
	int i;

	for (i = 0; i < AHEAD_SLOTS; i++) {
		free(a->slot[i].buf);
		sl_buf_free(&a->slot[i].notes);
	}
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

static void
ahead_close(struct sl_in *in)
{
	struct ahead *a = in->ctx;

	pthread_mutex_lock(&a->mu);
	a->quit = 1;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	(void)a->take(a->take_arg, SL_IN_THREAD_GONE);
	a->gz->errstate = ERR_NONE;	/* past the reader: not reported */
	sl_in_free(a->gz);
	ahead_free(a);
}

/*
 * The gzip layer gz over lo, read ahead on a thread when that is worth
 * it and safe (see above); else gz itself.
 */
struct sl_in *
in_ahead_new(const struct walk *w, struct sl_in *gz, const struct sl_in *lo)
{
	struct sl_in *in;
	struct ahead *a;
	int i;

	/* The workers are forked first: never with the thread alive. */
	if (w->take == NULL || lo->fill != in_fd_fill || lo->seekfd < 0 ||
	    gz->errstate != ERR_NONE || w->take(w->arg, NULL) != SL_OK)
		return gz;
	a = sl_xcalloc(1, sizeof *a);
	a->gz = gz;
	a->take = w->take;
	a->take_arg = w->arg;
	gz->err = ahead_note;
	gz->errarg = a;
	for (i = 0; i < AHEAD_SLOTS; i++) {
		a->slot[i].buf = sl_xmalloc(AHEAD_SLOT);
		sl_buf_init(&a->slot[i].notes);
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	in = in_new(gz->name, w);
	in->ctx = a;
	in->fill = in_ahead_fill;
	in->close = ahead_close;
	if (pthread_create(&a->thread, NULL, ahead_main, a) != 0) {
		/* No thread: gz is read here, as without workers. */
		(void)w->take(w->arg, SL_IN_THREAD_GONE);
		gz->err = w->err;
		gz->errarg = w->errarg;
		in->close = NULL;
		sl_in_free(in);
		ahead_free(a);
		return gz;
	}
	return in;
}
