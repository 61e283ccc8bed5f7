/*
 * redact_jobs.c: sl-redact -j N.  The walk of a path hands its plain
 * leaf inputs (a file of a folder, by name; an archive member or a
 * decompressed stream, by its bytes) to the -j worker processes of
 * lib/core/workers.c, each of which redacts them with its own copy of
 * the engine, made ready before the fork.  Every input stands alone for
 * the redactor (nothing of one input matters to the next), so a worker
 * takes any format.
 *
 * A worker sends back, per input and in this order, as frames of the
 * job (sl_workers_send) between its messages:
 *
 *	'O' name	the input has an output (the walk's io->open)
 *	'D' bytes	its redacted bytes, in pieces of up to 64 KiB or
 *			one large write whole (sl_out_fn)
 *	'Z' status	its end: the leaf's status and its counts
 *			(rx_stats_pack: struct rx_fstat of the input and
 *			of the payloads nested in it)
 *
 * and the parent, which gets the frames of all jobs strictly in input
 * order, opens the real output at 'O', writes the bytes, merges the
 * counts and closes it at 'Z': the outputs, the messages, --stats and
 * the summary are those of one process.  When the parent cannot open an
 * output ('O' refused: a name taken twice), the input's messages and
 * counts go, as one process would not have redacted it at all.
 *
 * Inputs the pool gives back (compressed files of a folder, large ones)
 * and the walk's own errors are handled here, in the parent, after
 * everything before them is passed on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"
#include "core/workers.h"
#include "output/output.h"

enum { JOB_OPEN = 'O', JOB_DATA = 'D', JOB_END = 'Z' };

struct rx_jobs {
	struct sl_redact *rx;
	struct rx_walk walk;		/* the walk the pool was made for */
	struct sl_workers *ws;
	/* What the pool uses of a run (struct sl_run_parts). */
	struct sl_sink sink;		/* no records: never called */
	sl_errfn replay_err;		/* parent: replay_err; worker: frames */
	void *replay_errarg;
	sl_errfn info;
	void *infoarg;
	struct sl_stats st;
	struct sl_opts opts;
	sl_writefn json_write;
	void *json_arg;
	struct sl_packer pack;
	/* The parent: the input being passed on. */
	struct sl_out *out;
	char *name;
	int opened;			/* 'O' came */
	int skip;			/* ... and its output was refused */
	int wfail;			/* a write to out failed */
	int worst;			/* SL_OK or SL_REJECT, every input */
	int stopped;			/* an output failed: no more */
	/* A worker. */
	struct sl_out *wout;		/* to the parent, as 'D' frames */
	struct sl_redact_io wio;
	struct sl_buf frame;
};

/* The pool calls back with its run: ours is the pool's owner. */
static struct rx_jobs *
of_run(struct sl_run *run)
{
	return (struct rx_jobs *)(void *)run;
}

/* ------------------------------------------------------------ stats */

void
rx_stats_pack(const struct sl_redact *rx, size_t first, struct sl_buf *b)
{
	const struct rx_fstat *fs;
	size_t i, k;
	uint32_t kinds;

	sl_codec_put_i64(b, rx->rewritten);
	sl_codec_put_i64(b, rx->inword);
	sl_codec_put_u32(b, (uint32_t)(rx->nfiles - first));
	for (i = first; i < rx->nfiles; i++) {
		fs = rx->files[i];
		sl_codec_put_str(b, fs->name);
		sl_codec_put_i64(b, fs->count);
		/* Kinds found only: most inputs have none. */
		for (k = 0, kinds = 0; k <= rx->rules.nkinds; k++)
			kinds += fs->kinds[k] != 0;
		sl_codec_put_u32(b, kinds);
		for (k = 0; k <= rx->rules.nkinds; k++)
			if (fs->kinds[k] != 0) {
				sl_codec_put_u32(b, (uint32_t)k);
				sl_codec_put_i64(b, fs->kinds[k]);
			}
		sl_codec_put_u32(b, (uint32_t)fs->nhits);
		for (k = 0; k < fs->nhits; k++) {
			sl_codec_put_i64(b, fs->hits[k].line);
			sl_codec_put_u32(b, (uint32_t)fs->hits[k].kid);
		}
	}
}

/* The kinds of one input at c, added to fs and the totals (fs NULL: only
 * read).  0, or -1 when malformed. */
static int
merge_kinds(struct sl_redact *rx, struct rx_fstat *fs,
    struct sl_codec_cur *c)
{
	uint32_t n = sl_codec_get_u32(c), i, kid;
	long long v;

	for (i = 0; i < n && !c->bad; i++) {
		kid = sl_codec_get_u32(c);
		v = sl_codec_get_i64(c);
		if (kid > rx->rules.nkinds)
			return -1;
		if (fs != NULL) {
			fs->kinds[kid] = v;
			rx->kind_total[kid] += v;
		}
	}
	return c->bad ? -1 : 0;
}

/* The secrets' lines of one input at c, to fs (NULL: only read). */
static int
merge_hits(struct sl_redact *rx, struct rx_fstat *fs,
    struct sl_codec_cur *c)
{
	uint32_t n = sl_codec_get_u32(c), i, kid;
	long long line;

	/* Twelve bytes a hit: more than c holds is malformed. */
	if (c->bad || n > c->n / 12)
		return -1;
	if (fs != NULL && n > 0) {
		fs->hits = sl_xcalloc(n, sizeof(*fs->hits));
		fs->caphits = n;
	}
	for (i = 0; i < n && !c->bad; i++) {
		line = sl_codec_get_i64(c);
		kid = sl_codec_get_u32(c);
		if (kid > rx->rules.nkinds)
			return -1;
		if (fs != NULL) {
			fs->hits[i].line = line;
			fs->hits[i].kid = (int)kid;
			fs->nhits++;
		}
	}
	return c->bad ? -1 : 0;
}

/* One pass over packed counts: checked only, or (apply) added. */
static int
merge_pass(struct sl_redact *rx, const char *p, size_t n, int apply)
{
	struct sl_codec_cur c = { p, n, 0 };
	struct rx_fstat *fs = NULL;
	long long rewritten = sl_codec_get_i64(&c), count;
	long long inword = sl_codec_get_i64(&c);
	uint32_t files = sl_codec_get_u32(&c), i;
	const char *name;

	for (i = 0; i < files && !c.bad; i++) {
		name = sl_codec_get_str(&c);
		count = sl_codec_get_i64(&c);
		if (c.bad || name == NULL)
			return -1;
		if (apply) {
			fs = rx_fstat_new(rx, name);
			fs->count = count;
			rx->total += count;
		}
		if (merge_kinds(rx, fs, &c) != 0 ||
		    merge_hits(rx, fs, &c) != 0)
			return -1;
	}
	if (c.bad || c.n != 0)
		return -1;
	if (apply) {
		rx->rewritten += rewritten;
		rx->inword += inword;
	}
	return 0;
}

int
rx_stats_merge(struct sl_redact *rx, const char *p, size_t n)
{
	if (merge_pass(rx, p, n, 0) != 0)
		return -1;
	return merge_pass(rx, p, n, 1);
}

void
rx_stats_drop(struct sl_redact *rx, size_t first)
{
	struct rx_fstat *fs;

	while (rx->nfiles > first) {
		fs = rx->files[--rx->nfiles];
		free(fs->name);
		free(fs->kinds);
		free(fs->hits);
		free(fs);
	}
}

/* ------------------------------------------------------------ worker */

static void
worker_frame(char tag, const void *p, size_t n)
{
	sl_workers_send(&tag, 1, p, n);
}

/* The worker's output (sl_out_fn): to the parent. */
static int
worker_write(void *arg, const void *p, size_t n)
{
	(void)arg;
	worker_frame(JOB_DATA, p, n);
	return SL_OK;
}

static struct sl_out *
worker_open(void *arg, const char *name)
{
	struct rx_jobs *j = arg;

	worker_frame(JOB_OPEN, name, strlen(name));
	return j->wout;
}

/* The input's last bytes go before its end. */
static int
worker_done(void *arg, struct sl_out *out, const char *name)
{
	(void)arg;
	(void)name;
	return sl_out_flush(out) == SL_OK ? SL_OK : SL_STOP;
}

/* In a worker: redact one leaf as the walk would, then send its end. */
static int
worker_leaf(struct sl_run *run, struct sl_in *in, const struct sl_format *f)
{
	struct rx_jobs *j = of_run(run);
	struct sl_redact *rx = j->rx;
	size_t first = rx->nfiles;
	int rc;

	(void)f;		/* any_format: the walk's leaf detects */
	if (j->wout == NULL) {
		if ((j->wout = sl_out_fn(worker_write, j, "-j")) == NULL)
			return SL_STOP;
		j->wio.open = worker_open;
		j->wio.done = worker_done;
		j->wio.arg = j;
		j->walk.io = &j->wio;
	}
	/* Messages go into the frames, in their place. */
	rx->err = j->replay_err;
	rx->errarg = j->replay_errarg;
	rx->rewritten = 0;
	rx->inword = 0;
	rc = j->walk.leaf(&j->walk, in);
	rx->where = NULL;
	sl_buf_reset(&j->frame);
	sl_codec_put_i64(&j->frame, rc);
	rx_stats_pack(rx, first, &j->frame);
	worker_frame(JOB_END, j->frame.buf, j->frame.len);
	/* The parent keeps the counts: a worker's memory stays flat. */
	rx_stats_drop(rx, first);
	return rc;
}

/* ------------------------------------------------------------ parent */

/* An input's status, counted in every input's. */
static int
note(struct rx_jobs *j, int rc)
{
	if (rc == SL_REJECT)
		j->worst = SL_REJECT;
	if (rc == SL_STOP)
		j->stopped = 1;
	return j->stopped ? SL_STOP : rc;
}

/* A worker's message: dropped for an input whose output was refused,
 * and after an output failed (one process would have stopped). */
static void
replay_err(void *arg, const char *where, const char *msg)
{
	struct rx_jobs *j = arg;

	if (!j->skip && !j->stopped && j->walk.err != NULL)
		j->walk.err(j->walk.errarg, where, msg);
}

static int
job_open(struct rx_jobs *j, const char *p, size_t n)
{
	const struct sl_redact_io *io = j->walk.io;

	free(j->name);
	j->name = sl_xstrndup(p, n);
	j->opened = 1;
	j->out = io->open(io->arg, j->name);
	j->skip = j->out == NULL;
	return SL_OK;
}

/* The input's end: its counts merged, its output closed, as the walk's
 * leaf does. */
static int
job_end(struct rx_jobs *j, const char *p, size_t n)
{
	const struct sl_redact_io *io = j->walk.io;
	struct sl_codec_cur c = { p, n, 0 };
	long long status = sl_codec_get_i64(&c);
	int rc = SL_OK;

	if (c.bad)
		return SL_FATAL;	/* cannot be: the same program */
	if (j->opened && j->skip)
		status = SL_REJECT;	/* not redacted: nothing counted */
	else if (rx_stats_merge(j->rx, c.p, c.n) != 0)
		return SL_FATAL;
	if (j->opened && !j->skip &&
	    (io->done(io->arg, j->out, j->name) != SL_OK || j->wfail))
		status = SL_STOP;
	rc = note(j, (int)status);
	free(j->name);
	j->name = NULL;
	j->out = NULL;
	j->opened = j->skip = j->wfail = 0;
	return rc == SL_STOP ? SL_FATAL : SL_OK;
}

/* The packer's apply: one frame of a worker's job, in input order. */
static int
apply(void *arg, const void *p, size_t n)
{
	struct rx_jobs *j = arg;
	const char *c = p;

	if (n == 0)
		return SL_FATAL;
	switch (c[0]) {
	case JOB_OPEN:
		return job_open(j, c + 1, n - 1);
	case JOB_DATA:
		if (j->out != NULL && !j->wfail &&
		    sl_out_write(j->out, c + 1, n - 1) != SL_OK)
			j->wfail = 1;	/* reported by done, or at exit */
		return SL_OK;
	case JOB_END:
		return job_end(j, c + 1, n - 1);
	}
	return SL_FATAL;
}

/* Everything before what the parent does itself passed on first. */
static int
drain(struct rx_jobs *j)
{
	if (sl_workers_drain(j->ws) == SL_STOP)
		j->stopped = 1;
	return j->stopped ? SL_STOP : SL_OK;
}

static int
jobs_leaf(void *arg, struct sl_in *in)
{
	struct rx_jobs *j = arg;
	int rc;

	if (j->stopped)
		return SL_STOP;
	rc = sl_workers_offer(j->ws, in);
	if (rc == SL_DECLINED)
		rc = drain(j) == SL_STOP ? SL_STOP :
		    j->walk.leaf(&j->walk, in);
	return note(j, rc);
}

/* A folder's file, by name: a worker opens it. */
static int
jobs_take(void *arg, const char *path)
{
	struct rx_jobs *j = arg;
	int rc;

	if ((rc = sl_workers_take_signal(j->ws, path)) >= 0)
		return rc;
	if (j->stopped)
		return SL_STOP;
	rc = sl_workers_offer_path(j->ws, path);
	if (rc == SL_DECLINED)
		return drain(j) == SL_STOP ? SL_STOP : SL_IN_NOT_TAKEN;
	return note(j, rc);
}

static void
jobs_walk_err(void *arg, const char *where, const char *msg)
{
	struct rx_jobs *j = arg;

	if (drain(j) != SL_STOP && j->walk.err != NULL)
		j->walk.err(j->walk.errarg, where, msg);
}

/* A job given back, by its bytes: here, in its place. */
static int
mem_leaf(struct sl_run *run, const char *name, const void *p, size_t n)
{
	struct sl_in *in = sl_in_mem(name, p, n);
	int rc = jobs_leaf(of_run(run), in);

	sl_in_free(in);
	return rc;
}

/* A folder's file given back (compressed, an archive, large): walked
 * here, in its place, as the folder's walk would have. */
static int
read_path(struct sl_run *run, const char *path)
{
	struct rx_jobs *j = of_run(run);

	return note(j, sl_input_walk(path, jobs_leaf, j, jobs_walk_err, j,
	    NULL));
}

static int
settle(struct sl_run *run)
{
	return of_run(run)->stopped ? SL_STOP : SL_OK;
}

static int
no_records(void *arg, const struct sl_record *r)
{
	(void)arg;
	(void)r;
	return SL_OK;
}

static struct rx_jobs *
jobs_new(struct sl_redact *rx, const struct rx_walk *wa, int n)
{
	struct rx_jobs *j = sl_xcalloc(1, sizeof(*j));
	struct sl_run_parts parts;

	j->rx = rx;
	j->walk = *wa;
	j->sink.put = no_records;
	j->replay_err = replay_err;
	j->replay_errarg = j;
	j->pack.apply = apply;
	j->pack.arg = j;
	sl_buf_init(&j->frame);
	memset(&parts, 0, sizeof(parts));
	parts.sink = &j->sink;
	parts.err = &j->replay_err;
	parts.errarg = &j->replay_errarg;
	parts.info = &j->info;
	parts.infoarg = &j->infoarg;
	parts.st = &j->st;
	parts.opts = &j->opts;
	parts.read_leaf = worker_leaf;
	parts.read_mem_leaf = mem_leaf;
	parts.settle = settle;
	parts.read_path = read_path;
	parts.json_write = &j->json_write;
	parts.json_arg = &j->json_arg;
	parts.pack = &j->pack;
	j->ws = sl_workers_new((struct sl_run *)(void *)j, &parts, n);
	sl_workers_take_any(j->ws);
	return j;
}

/* Would the pool's workers, forked with walk a, redact as b asks? */
static int
same_walk(const struct rx_walk *a, const struct rx_walk *b)
{
	return a->io == b->io && a->forced == b->forced && a->err == b->err &&
	    a->errarg == b->errarg;
}

int
rx_jobs_path(struct sl_redact *rx, const struct rx_walk *wa,
    const char *path)
{
	struct rx_jobs *j;
	int worst = SL_OK;

	if (rx->jobs != NULL && !same_walk(&rx->jobs->walk, wa) &&
	    (worst = rx_jobs_end(rx)) == SL_STOP)
		return SL_STOP;
	if (rx->jobs == NULL)
		rx->jobs = jobs_new(rx, wa, rx->njobs);
	j = rx->jobs;
	note(j, worst);
	note(j, sl_input_walk_take(path, jobs_leaf, jobs_take, j,
	    jobs_walk_err, j, NULL));
	return j->stopped ? SL_STOP : j->worst;
}

int
rx_jobs_end(struct sl_redact *rx)
{
	struct rx_jobs *j = rx->jobs;
	int rc;

	if (j == NULL)
		return SL_OK;
	drain(j);
	sl_workers_free(j->ws);
	rc = j->stopped ? SL_STOP : j->worst;
	if (j->wout != NULL)
		sl_out_close(j->wout, NULL);
	sl_buf_free(&j->frame);
	free(j->name);
	free(j);
	rx->jobs = NULL;
	return rc;
}
