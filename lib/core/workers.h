/*
 * workers.h: parallel workers for the run driver (-j N).  Internal:
 * lib/core/run.c and lib/core/workers.c only.
 */
#ifndef SL_CORE_WORKERS_H
#define SL_CORE_WORKERS_H

#include "internal.h"

/* offer() did not take the input: read it here, in order. */
#define SL_DECLINED	1

/* Largest input handed to a worker (held in memory there and here). */
#define SL_JOB_MAX	((size_t)4 << 20)

/*
 * What the workers use of a run, handed over by the run itself (so
 * that workers.c does not call back into run.c: no call cycle): pointers
 * into the run, since a worker process replaces the sink and the message
 * functions with its own and the parent replays through the originals
 * and adds the counters; and the run's own ways of reading.
 */
struct sl_run_parts {
	struct sl_sink *sink;
	sl_errfn *err;
	void **errarg;
	sl_errfn *info;
	void **infoarg;
	struct sl_stats *st;
	const struct sl_opts *opts;
	/* Read one leaf with format f right here (a worker's job). */
	int (*read_leaf)(struct sl_run *run, struct sl_in *in,
	    const struct sl_format *f);
	/* Read a leaf the walk counted already, from memory (a job a worker
	 * gave back), as the walk would have. */
	int (*read_mem_leaf)(struct sl_run *run, const char *name,
	    const void *p, size_t n);
	/* Finish what the run holds open for the next input, as reading an
	 * input of another format does.  SL_OK or SL_STOP. */
	int (*settle)(struct sl_run *run);
	/* Walk a regular file a worker gave back, as the walk of a folder
	 * would have (its errors reported, counted).  SL_STOP: stop. */
	int (*read_path)(struct sl_run *run, const char *path);
	/* Set (sl_run_set_json_out): workers send JSON, the run writes it,
	 * one block at a time or (json_writev, which may be NULL) several
	 * at once. */
	sl_writefn *json_write;
	sl_writevfn *json_writev;
	void **json_arg;
	/* Set (sl_run_set_packer): workers send what it packs. */
	const struct sl_packer *pack;
};

struct sl_workers;
/* Up to jobs worker processes, started at the first offer. */
struct sl_workers *sl_workers_new(struct sl_run *run,
    const struct sl_run_parts *parts, int jobs);
/*
 * A leaf input of the walk, nothing of it consumed: when it fits
 * SL_JOB_MAX whole, hand it to a worker and return SL_OK (or SL_STOP
 * once the sink has stopped).  A worker reads it when its format stands
 * alone (typescript, raw, pwsh) and else gives it back to be read by
 * the run, in order; either way its records, messages and counters
 * reach the run later, in input order.  Else SL_DECLINED.
 */
int sl_workers_offer(struct sl_workers *ws, struct sl_in *in);
/*
 * A regular file met in a folder, not opened yet: a worker opens it and
 * reads it when it is one plain input (at most SL_JOB_MAX) of a format
 * that stands alone, else the run walks it later, in its place
 * (read_path).  SL_OK, SL_STOP, or SL_DECLINED (no workers: walk it
 * now).
 */
int sl_workers_offer_path(struct sl_workers *ws, const char *path);
/*
 * Start the workers now, if not yet: before the run makes a thread
 * (fork() in a process with threads is unsafe).  0 when there are
 * workers, else -1.  ws may be NULL.
 */
int sl_workers_start(struct sl_workers *ws);
/*
 * The thread the run made after sl_workers_start() feeds the workers (the
 * inflate ahead of a tar.gz) and is alive (1) or gone (0).  While one is
 * alive on a machine the workers would fill, the parent keeps one CPU and
 * the workers the others: see workers.c.  ws may be NULL.
 */
void sl_workers_feeder(struct sl_workers *ws, int alive);
/*
 * A taker's answer to what a walk's take() passes that is not a path:
 * NULL (the walk starts; the workers are started) and SL_IN_THREAD_GONE
 * (sl_workers_feeder()): SL_OK or SL_IN_NOT_TAKEN; -1 for a path.
 */
int sl_workers_take_signal(struct sl_workers *ws, const char *path);
/*
 * Workers read every plain leaf, whatever its format, and read_leaf
 * gets the format NULL (the redactor, whose inputs all stand alone);
 * without, only formats that stand alone.  Before the first offer.
 */
void sl_workers_take_any(struct sl_workers *ws);
/*
 * In a worker, within read_leaf: head[0, hn) then p[0, n) to the parent
 * as one frame of the job, passed whole to the packer's apply there in
 * its place among the job's messages (a job that makes no records: the
 * redactor's output, behind a tag that says what it is).
 */
void sl_workers_send(const void *head, size_t hn, const void *p,
    size_t n);
/* Pass on everything the workers still owe, in order, before the run
 * emits anything itself.  SL_OK, or SL_STOP.  ws may be NULL. */
int sl_workers_drain(struct sl_workers *ws);
/* Drain, end the worker processes, free.  ws may be NULL. */
void sl_workers_free(struct sl_workers *ws);
/*
 * The size of the memory shared with the workers that carries their
 * jobs, for the workers started from now on (0: the default, room for a
 * job of SL_JOB_MAX), and at most that of the memory that carries each
 * worker's frames back.  An input larger than it is read by the run.
 * For tests: a small ring fills up, and gives inputs back.
 */
void sl_workers_set_ring(size_t bytes);
/*
 * For tests: hook() is called in the parent each time it has read where
 * a worker's frames end, before it acts on that (a delay there lets the
 * worker go on meanwhile: write more, or start its ring over).
 */
void sl_workers_set_look_hook(void (*hook)(void));
/*
 * For tests: how many times the workers of the runs ended so far in
 * this process showed the parent new frames (each may wake it, with a
 * byte on its pipe, when it sleeps).  What the workers decide, unlike
 * the parent's sleeps, which the machine's load moves.
 */
unsigned long sl_workers_published(void);

#endif
