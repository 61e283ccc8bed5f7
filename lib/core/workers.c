/*
 * workers.c: -j N.  Leaf inputs of a format whose inputs stand alone (one
 * S3 session log: typescript, raw, pwsh; nothing carried from one input
 * to the next) are read by worker processes; everything else is read by
 * the run itself, in order.
 *
 * Why processes: the readers, the renderer, jansson and libarchive were
 * written for one thread; fork() gives each worker its own copy of all
 * of it, and a worker writes nowhere but into its pipe to the parent.
 *
 * The parent walks the inputs as always.  A leaf it may hand over is
 * peeked whole (at most SL_JOB_MAX) and sent to an idle worker, which
 * reads it with the run's own reader and sends back frames: its records
 * (sl_record_encode), its messages, then the job's end with its status
 * and counters.  The parent collects jobs strictly in the
 * order it handed them out and passes records to the run's real sink
 * and messages to the run's real message functions, so that the sink
 * (and the selection in front of it, a report, a writer) sees exactly
 * the sequence a run with -j 1 makes.  Before the run emits anything
 * itself (a leaf it reads, a walk error, the end) it drains all jobs.
 *
 * Jobs travel through shared memory, not through the kernel: one ring,
 * mapped before the fork, that the parent fills batch after batch and
 * the workers read in place; the socket carries only where a batch is
 * (a copy into the socket and one out of it cost the kernel as much as
 * the parent's inflate on a tar.gz).  A batch's bytes are free again
 * once its last frame is passed on, in the order the batches were
 * handed out: the ring's live part runs from the oldest batch to the one
 * being built, wrapping at most once, and a full ring makes the parent
 * wait for the oldest batch (back-pressure: memory stays bounded).
 *
 * Frames come back the same way: each worker has a ring of its own that
 * it writes and the parent passes on from, in place, once their batch
 * is the oldest (a worker running ahead is copied out of only when its
 * ring is half full); its pipe carries only a byte to wake the parent
 * when it sleeps, and its end when the worker ends.
 *
 * A worker takes new batches by those it has not read yet, not by those
 * not collected yet: one whose batches are done goes on while the
 * oldest batch, another worker's, is still being read.
 *
 * Neither side blocks on a full channel while the other waits for it:
 * the parent sends and reads without blocking and only waits for the
 * oldest batch, whose worker is free to make progress.
 */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/futex.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/workers.h"

#define FRAME_FLUSH	(256 * 1024)	/* records gathered before a write */
#define SEND_IN_PLACE	4096		/* sl_workers_send() bytes not copied */
#define QUEUE		4		/* batches a worker may have unfinished */
/* ...and handed out, not yet collected: a worker whose batches are done
 * takes more while an older one of another worker is still being read,
 * rather than wait for it (the order holds them). */
#define HELD		(2 * QUEUE)
#define IN_CAP		(8 << 20)	/* frames read ahead of the oldest */
#define BATCH_BYTES	(256 * 1024)	/* inputs gathered before a send */
#define BATCH_JOBS	64
#define JOB_HEAD	12		/* u32 name length, u64 size */
/* The shared ring: a job of SL_JOB_MAX and batches beside it. */
#define RING_BYTES	(SL_JOB_MAX + 4 * BATCH_BYTES)
/* A worker's frames ring: room for the frames of the batches it runs
 * ahead of the oldest (QUEUE of them, a JSON Lines output about as
 * large as the input), so that they wait there for their turn rather
 * than be copied out to make room (take_ring()). */
#define RES_BYTES	((size_t)4 << 20)
/* JSON frames passed on together with one writev (sl_run_set_json_out). */
#define HOLD_IOV	64

static size_t ring_bytes = RING_BYTES;	/* sl_workers_set_ring() */

/* Frames from a worker: type byte, u32 length, payload.  FR_JSON: the
 * records as JSON Lines, when the sink only writes that; FR_PACK: what
 * the sink's packer made of them (sl_run_set_packer). */
enum { FR_RECORDS = 'R', FR_JSON = 'J', FR_PACK = 'K', FR_ERROR = 'E',
    FR_INFO = 'I', FR_END = 'Z', FR_DECLINE = 'D', FR_DECLINE_PATH = 'P' };

/* The size of a job given by path: the worker opens the file. */
#define PATH_JOB	UINT64_MAX

/*
 * A worker's frames ring, shared: the worker writes at wpos, the parent
 * takes from rpos (byte counts, never wrapped; the ring holds
 * cap).  A side that finds it cannot go on says so in its flag
 * before sleeping, and the other wakes it: the worker on the futex
 * taken, the parent with a byte on the pipe.
 *
 * A worker that finds its ring all given back goes on from the ring's
 * start (ring_rewind()): wpos jumps from skip_at to skip_to, the next
 * multiple of cap, and the parent jumps there too when it reaches
 * skip_at (ring_has()).  Frames the parent keeps up with then stay on
 * the ring's first pages, made once and in cache, rather than walk all
 * of it on both sides.
 */
struct res_ring {
	_Atomic uint64_t wpos, rpos;
	_Atomic uint64_t skip_at, skip_to;	/* the last rewind */
	_Atomic uint32_t taken;		/* bumped as the parent takes */
	_Atomic uint32_t worker_waits;	/* the ring is full */
	_Atomic uint32_t parent_waits;	/* the parent sleeps in poll() */
	_Atomic uint32_t stop;		/* the parent takes no more */
	_Atomic uint32_t done;		/* batches read, bumped before their
					   last frames are written */
	_Atomic uint32_t published;	/* wpos stores (ring_publish): what
					   sl_workers_published() counts */
	size_t cap;			/* of data used: RES_BYTES, or less
					   (sl_workers_set_ring) */
	char data[RES_BYTES];
};
/* Shared between processes: an atomic with a lock (libatomic's, local
 * to each process) would order nothing across them. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2 && ATOMIC_LONG_LOCK_FREE == 2 &&
    ATOMIC_INT_LOCK_FREE == 2, "the rings need lock-free atomics");

struct worker {
	pid_t pid;
	struct res_ring *res;	/* its frames */
	uint64_t rd;		/* read up to here; from res->rpos on, the
				   room is given back once held frames
				   are written (flush_held()) */
	int job_fd;		/* parent -> worker: jobs */
	int res_fd;		/* worker -> parent: wake-ups, its end */
	int busy;		/* batches handed out, not yet collected */
	uint32_t sent;		/* batches handed out (res->done: read) */
	int gone;		/* its pipe ended or broke */
	struct sl_buf in;	/* frames read, from in_r on */
	size_t in_r;
	struct sl_buf out;	/* jobs the socket did not take yet */
	size_t out_r;
};

struct batch_slot {
	int worker;
	size_t off, len;	/* its bytes in the ring */
	size_t jobs;
	size_t done;		/* jobs passed on */
	int open;		/* the next job's first frame is passed */
};

struct sl_workers {
	struct sl_run *run;
	struct sl_run_parts parts;
	struct sl_sink sink;		/* the run's sink, for replay */
	sl_errfn err, info;
	void *errarg, *infoarg;
	sl_writefn json_write;		/* NULL: records are replayed */
	sl_writevfn json_writev;	/* NULL: JSON frames one at a time */
	void *json_arg;
	/* JSON frames passed on, not yet written: in their worker's ring
	 * (whose room waits for them) or on its w->in (left alone until
	 * then). */
	struct iovec *held;		/* HOLD_IOV, made at the first */
	int nheld;
	struct sl_packer pack;		/* pack NULL: records are replayed */
	struct worker *w;
	int n;
	int started;
	struct batch_slot *order;	/* batches handed out, oldest first
					   (a ring of n * HELD) */
	char *ring;			/* shared with the workers */
	size_t ring_cap;
	size_t bat_off, bat_len;	/* the batch being built, in the ring */
	size_t batch_jobs;
	int head, count;
	int stopped;			/* the sink stopped, or a worker died */
	int reading;			/* the run reads a declined job */
	struct sl_buf arrays;		/* of the record being replayed */
	struct pollfd *pf;		/* two per worker: jobs, frames */
	struct sl_buf frame;		/* a worker's frames */
	int out_fd;			/* in a worker: its res_fd */
	struct res_ring *out;		/* in a worker: its frames ring */
	pid_t parent;			/* in a worker */
	struct res_ring *res;		/* the frames rings, one a worker */
	int nres;
	int any_format;			/* sl_workers_take_any() */
	int placing;			/* batch_send() waits for a worker */
	int feeders;			/* sl_workers_feeder(): threads alive */
	int cpu;			/* the inflate's CPU while they live, or
					   -1: no split (set_cpus()) */
	int cpus_now;			/* CPUS_*: how they are set now */
	cpu_set_t cpus;			/* ...and the run's own, to go back to */
};

/* ---------------------------------------------------------- plumbing */

/*
 * All of p to fd.  The parent sends jobs on a socket with MSG_NOSIGNAL
 * (a dead worker is an error to report, not SIGPIPE); a worker writes
 * its pipe plainly, where SIGPIPE (the parent is gone) should end it.
 */
static int
write_all(int fd, const void *p, size_t n, int sock)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		w = sock ? send(fd, s, n, MSG_NOSIGNAL) : write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Exactly n bytes: 1, or 0 at a clean end before any, -1 otherwise. */
static int
read_all(int fd, void *p, size_t n)
{
	char *d = p;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, d + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 && got == 0 ? 0 : -1;
		got += (size_t)r;
	}
	return 1;
}

/*
 * Frames are built in place, back to back in one buffer, and written
 * with one write: open leaves room for the header, close fills it in.
 */
static size_t
frame_open(struct sl_buf *b)
{
	size_t at = b->len;

	sl_buf_add(b, "\0\0\0\0\0", 5);
	return at;
}

/* The header of the frame opened at at: its type, its payload's length
 * (bytes that may lie elsewhere: sl_workers_send()). */
static void
frame_head(struct sl_buf *b, size_t at, int type, size_t payload)
{
	uint32_t len = (uint32_t)payload;

	b->buf[at] = (char)type;
	memcpy(b->buf + at + 1, &len, sizeof(len));
}

/* The frame opened at at ends with b's last byte. */
static void
frame_close(struct sl_buf *b, size_t at, int type)
{
	frame_head(b, at, type, b->len - at - 5);
}

/* ------------------------------------------------------------ worker */

/*
 * Formats whose inputs stand alone: one S3 session log, read start to
 * end; their readers keep nothing for the next input (no carry), touch
 * no table of the run and count no once-per-run facts.
 */
static int
stands_alone(const struct sl_format *f)
{
	static const char *const names[] = { "typescript", "raw", "pwsh" };
	size_t i;

	for (i = 0; f != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(f->name, names[i]) == 0)
			return 1;
	return 0;
}

/* Whether a worker reads a job of format f itself (sl_workers_take_any:
 * every plain leaf, f not looked for). */
static int
takes(const struct sl_workers *ws, const struct sl_format *f)
{
	return ws->any_format || stands_alone(f);
}

static struct sl_workers *self;		/* in a worker process */
static size_t records_at = SIZE_MAX;	/* the open records frame */

static void
close_records(void)
{
	if (records_at == SIZE_MAX)
		return;
	if (self->pack.pack != NULL) {
		/* What the packer holds back belongs to this frame. */
		self->pack.end(self->pack.arg, &self->frame);
		frame_close(&self->frame, records_at, FR_PACK);
	} else
		frame_close(&self->frame, records_at,
		    self->json_write != NULL ? FR_JSON : FR_RECORDS);
	records_at = SIZE_MAX;
}

/* The ring is full: sleep until the parent takes some (or is gone). */
static void
wait_room(struct res_ring *r, uint64_t wpos)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	uint32_t seen = atomic_load(&r->taken);

	atomic_store(&r->worker_waits, 1);
	if (wpos - atomic_load(&r->rpos) == r->cap)
		(void)syscall(SYS_futex, &r->taken, FUTEX_WAIT, seen, &tick,
		    NULL, 0);
	atomic_store(&r->worker_waits, 0);
	if (atomic_load(&r->stop) || getppid() != self->parent)
		_exit(EXIT_FAILURE);	/* the parent is gone */
}

/* p to the ring at wpos (room checked), not yet shown to the parent. */
static void
ring_copy(struct res_ring *r, uint64_t wpos, const char *p, size_t k)
{
	size_t at = (size_t)(wpos % r->cap);

	if (k == 0)
		return;		/* p may be NULL */
	if (k > r->cap - at) {
		memcpy(r->data + at, p, r->cap - at);
		memcpy(r->data, p + r->cap - at, k - (r->cap - at));
	} else
		memcpy(r->data + at, p, k);
}

/*
 * The worker's end of its ring: copied up to ring_at, shown to the
 * parent up to r->wpos.  A payload sent in place (sl_workers_send) is
 * held back until FRAME_FLUSH bytes wait, the ring is full or the batch
 * ends: shown one input at a time, it woke a waiting parent once per
 * input (sl-redact on a folder of 10,000 logs: 5,500 wake-ups of the
 * parent, and as many of the worker it preempted, where sl-parse's
 * frames, gathered, take 500).
 */
static uint64_t ring_at;
/* Of ring_at - r->wpos, the bytes a rewind skipped (ring_rewind): no
 * frames, so not what FRAME_FLUSH counts. */
static uint64_t ring_skipped;

/* What was copied up to wpos, shown; the parent woken if it sleeps. */
static void
ring_publish(struct res_ring *r, uint64_t wpos)
{
	ring_at = wpos;
	ring_skipped = 0;
	atomic_store(&r->wpos, wpos);
	atomic_fetch_add_explicit(&r->published, 1, memory_order_relaxed);
	if (atomic_load(&r->parent_waits) &&
	    atomic_exchange(&r->parent_waits, 0) &&
	    write_all(self->out_fd, "w", 1, 0) != 0)
		_exit(EXIT_FAILURE);	/* the parent is gone */
}

/* p to the ring, as room comes. */
static void
ring_write(struct res_ring *r, const char *p, size_t n)
{
	uint64_t wpos = ring_at;
	size_t k;

	while (n > 0) {
		k = r->cap - (size_t)(wpos - atomic_load(&r->rpos));
		if (k == 0) {
			ring_publish(r, wpos);	/* what was held back */
			wait_room(r, wpos);
			continue;
		}
		k = SL_MIN(k, n);
		ring_copy(r, wpos, p, k);
		wpos += k;
		p += k;
		n -= k;
		ring_publish(r, wpos);
	}
}

/*
 * Where need bytes written at wpos go: from the ring's start when the
 * parent has given all of it back and they fit before wpos's place
 * (what it skips counts as used until the parent passes it: they never
 * wait for that room), else at wpos.  The skip is stored before the
 * wpos that shows it (ring_publish), skip_to first: a parent that sees
 * wpos past skip_at finds both.
 */
static uint64_t
ring_rewind(struct res_ring *r, uint64_t wpos, size_t need)
{
	size_t at = (size_t)(wpos % r->cap);

	if (at == 0 || need == 0 || at < need ||
	    atomic_load(&r->rpos) != wpos)
		return wpos;
	atomic_store(&r->skip_to, wpos + (r->cap - at));
	atomic_store(&r->skip_at, wpos);
	return wpos + (r->cap - at);
}

/*
 * a then b to the ring: shown together when they fit at once, so that
 * the parent never finds the frame they make half written (it would
 * copy out what it found); else one after the other, as room comes.
 * hold: not shown yet unless FRAME_FLUSH bytes wait (ring_at).
 */
static void
ring_write2(struct res_ring *r, const char *a, size_t an, const char *b,
    size_t bn, int hold)
{
	uint64_t wpos = ring_at, from;

	/* A rewind leaves room for them at once: they go there, and the
	 * skip is shown with them, held as they are (shown at once, it
	 * woke a parent that keeps up once an input: the rewind is made
	 * when the parent has passed on all the ring holds). */
	from = wpos;
	wpos = ring_rewind(r, wpos, an + bn);
	ring_skipped += wpos - from;
	if (r->cap - (size_t)(wpos - atomic_load(&r->rpos)) < an + bn) {
		ring_write(r, a, an);
		ring_write(r, b, bn);
		if (an + bn == 0)	/* shown what was held before */
			ring_publish(r, ring_at);
		return;
	}
	ring_copy(r, wpos, a, an);
	ring_copy(r, wpos + an, b, bn);
	wpos += an + bn;
	if (hold && wpos - ring_skipped - atomic_load_explicit(&r->wpos,
	    memory_order_relaxed) < FRAME_FLUSH)
		ring_at = wpos;
	else
		ring_publish(r, wpos);
}

/* Everything built so far to the parent, then p[0, n) (the rest of the
 * last frame, from where it lies), after what its packed bytes point
 * at (a worker that cannot write that fails: the parent says so and
 * stops, rather than read what is not there). */
static void
flush_frames(const void *p, size_t n)
{
	close_records();
	if (self->pack.flush != NULL && self->pack.flush(self->pack.arg) != 0)
		_exit(EXIT_FAILURE);
	/* Only a payload in place is held: every other flush is one of
	 * FRAME_FLUSH bytes or the batch's end (which shows what was held). */
	ring_write2(self->out, self->frame.buf, self->frame.len, p, n, n > 0);
	sl_buf_reset(&self->frame);
}

static int
worker_put(void *arg, const struct sl_record *r)
{
	(void)arg;
	if (records_at == SIZE_MAX)
		records_at = frame_open(&self->frame);
	/* The JSON the parent would make of it: no record codec, and the
	 * parent only copies. */
	if (self->pack.pack != NULL)
		self->pack.pack(self->pack.arg, &self->frame, r);
	else if (self->json_write != NULL)
		sl_record_to_json(&self->frame, r);
	else
		sl_record_encode(&self->frame, r);
	if (self->frame.len >= FRAME_FLUSH)
		flush_frames(NULL, 0);
	return SL_OK;
}

/*
 * A large payload (the redactor's output, all of it) goes to the ring
 * from where it lies, behind its frame's header and head and the frames
 * before it: copied into the frames' buffer first, it was copied twice
 * (a fifth of -j 2's workers' instructions on a folder of 10,000 logs).
 */
void
sl_workers_send(const void *head, size_t hn, const void *p, size_t n)
{
	size_t at;

	close_records();
	at = frame_open(&self->frame);
	sl_buf_add(&self->frame, head, hn);
	if (n >= SEND_IN_PLACE) {
		frame_head(&self->frame, at, FR_PACK, hn + n);
		flush_frames(p, n);
		return;
	}
	sl_buf_add(&self->frame, p, n);
	frame_close(&self->frame, at, FR_PACK);
	if (self->frame.len >= FRAME_FLUSH)
		flush_frames(NULL, 0);
}

/* After the records before it, in the same stream of frames. */
static void
worker_msg(int type, const char *where, const char *msg)
{
	size_t at;

	close_records();
	at = frame_open(&self->frame);
	sl_codec_put_str(&self->frame, where);
	sl_codec_put_str(&self->frame, msg);
	frame_close(&self->frame, at, type);
}

static void
worker_err(void *arg, const char *where, const char *msg)
{
	(void)arg;
	worker_msg(FR_ERROR, where, msg);
}

static void
worker_info(void *arg, const char *where, const char *msg)
{
	(void)arg;
	worker_msg(FR_INFO, where, msg);
}

/*
 * The format of a job, as the run would pick it (-f, else the highest
 * bid).  A job of any other kind goes back whole, name and bytes, for
 * the parent to read in order (FR_DECLINE).
 */
static const struct sl_format *
job_format(const struct sl_workers *ws, const char *name,
    const unsigned char *p, size_t n)
{
	if (ws->parts.opts->format != NULL)
		return sl_format_lookup(ws->parts.opts->format);
	return sl_detect(p, SL_MIN(n, (size_t)SL_PEEK), name);
}

/*
 * Read the job here: its records, messages, then its end.  opened: the
 * worker opened the file itself, and counts it as the walk would have.
 */
static void
job_read(struct sl_workers *ws, const char *name,
    const struct sl_format *f, const unsigned char *p, size_t n, int opened)
{
	struct sl_in *in = sl_in_mem(name, p, n);
	int64_t status;
	size_t at;
	int rc;

	memset(ws->parts.st, 0, sizeof(*ws->parts.st));
	if (opened) {
		ws->parts.st->inputs = 1;
		ws->parts.st->bytes = (long long)n;
	}
	rc = ws->parts.read_leaf(ws->run, in, f);
	sl_in_free(in);
	close_records();
	at = frame_open(&ws->frame);
	status = rc;
	sl_buf_add(&ws->frame, &status, sizeof(status));
	sl_buf_add(&ws->frame, ws->parts.st, sizeof(*ws->parts.st));
	frame_close(&ws->frame, at, FR_END);
}

/*
 * Read fd onto the end of b until b holds want bytes or the file ends
 * (it may have grown since fstat: b grows too).  1 at the end of the
 * file, 0 with want bytes, -1 on an error or past SL_JOB_MAX.
 */
static int
read_until(int fd, struct sl_buf *b, size_t want)
{
	ssize_t got;

	while (b->len < want) {
		if (b->len + 1 == b->cap)
			sl_buf_reserve(b, b->cap);
		got = read(fd, b->buf + b->len,
		    SL_MIN(want, b->cap - 1) - b->len);
		if (got == 0)
			return 1;
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || b->len + (size_t)got > SL_JOB_MAX)
			return -1;
		b->len += (size_t)got;
	}
	return 0;
}

/*
 * The format of the regular file at path, with the whole file in b, when
 * the walk would read it as one plain leaf of at most SL_JOB_MAX bytes,
 * not empty, of a format that stands alone.  Its first SL_PEEK bytes
 * decide, before the rest is read: anything else (gone, unreadable, big,
 * compressed, an archive, a format that does not stand alone) is NULL,
 * for the parent's walk, which reports and reads it as with -j 1.
 */
static int
load_file(const struct sl_workers *ws, const char *path, struct sl_buf *b,
    const struct sl_format **fp)
{
	const struct sl_format *f = NULL;
	struct stat sb;
	int fd, end, ok = 0;

	*fp = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	sl_buf_reset(b);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size <= (off_t)SL_JOB_MAX) {
		sl_buf_reserve(b, (size_t)sb.st_size + 1);
		end = read_until(fd, b, SL_PEEK);
		if (end >= 0 && b->len > 0 && sl_input_plain((const unsigned
		    char *)b->buf, b->len)) {
			if (!ws->any_format)
				f = job_format(ws, path,
				    (const unsigned char *)b->buf, b->len);
			ok = takes(ws, f);
		}
		if (ok && end == 0 && read_until(fd, b, SIZE_MAX) < 0)
			ok = 0;
	}
	close(fd);
	*fp = f;
	return ok;
}

/* A job given by path: read here, or its name back (FR_DECLINE_PATH). */
static void
path_job(struct sl_workers *ws, const char *path)
{
	static struct sl_buf file;
	const struct sl_format *f;
	size_t at;

	if (load_file(ws, path, &file, &f))
		job_read(ws, path, f, (const unsigned char *)file.buf,
		    file.len, 1);
	else {
		at = frame_open(&ws->frame);
		sl_codec_put_str(&ws->frame, path);
		frame_close(&ws->frame, at, FR_DECLINE_PATH);
	}
	/* A big file is not kept for the next job. */
	if (file.cap > FRAME_FLUSH * 4)
		sl_buf_free(&file);
}

/*
 * One job of a batch at *p: u32 name length, u64 size, name, bytes (or
 * none: size PATH_JOB).  Returns the bytes it took, 0 when it is broken.
 */
static size_t
worker_job(struct sl_workers *ws, const char *p, size_t left)
{
	const struct sl_format *f;
	const unsigned char *data;
	uint32_t namelen;
	uint64_t size;
	char *name;
	size_t at;

	if (left < JOB_HEAD)
		return 0;
	memcpy(&namelen, p, sizeof(namelen));
	memcpy(&size, p + 4, sizeof(size));
	if (namelen > left - JOB_HEAD ||
	    (size != PATH_JOB && size > left - JOB_HEAD - namelen))
		return 0;
	name = sl_xstrndup(p + JOB_HEAD, namelen);
	if (size == PATH_JOB) {
		path_job(ws, name);
		free(name);
		if (ws->frame.len >= FRAME_FLUSH)
			flush_frames(NULL, 0);
		return JOB_HEAD + namelen;
	}
	data = (const unsigned char *)p + JOB_HEAD + namelen;
	f = ws->any_format ? NULL : job_format(ws, name, data, size);
	if (takes(ws, f))
		job_read(ws, name, f, data, size, 0);
	else {
		at = frame_open(&ws->frame);
		sl_codec_put_str(&ws->frame, name);
		sl_buf_add(&ws->frame, data, size);
		frame_close(&ws->frame, at, FR_DECLINE);
	}
	free(name);
	if (ws->frame.len >= FRAME_FLUSH)
		flush_frames(NULL, 0);
	return JOB_HEAD + namelen + size;
}

/*
 * One batch, from the socket where it is: u32 count, u64 offset and u64
 * size in the ring, read there in place (the parent leaves it alone
 * until the batch's frames are all back).  The frames of all its jobs go
 * back in as few writes as they fit.  Returns 1 done, 0 no more batches,
 * -1 a broken stream.
 */
static int
worker_batch(struct sl_workers *ws, int fd)
{
	char head[20];
	uint32_t count, i;
	uint64_t off, size;
	size_t at = 0, used;
	int got;

	if ((got = read_all(fd, head, sizeof(head))) <= 0)
		return got;
	memcpy(&count, head, sizeof(count));
	memcpy(&off, head + 4, sizeof(off));
	memcpy(&size, head + 12, sizeof(size));
	if (off > ws->ring_cap || size > ws->ring_cap - off)
		return -1;
	for (i = 0; i < count; i++) {
		used = worker_job(ws, ws->ring + off + at, (size_t)size - at);
		if (used == 0)
			return -1;
		at += used;
	}
	/* Before its last frames, whose wake-up then finds it done. */
	atomic_fetch_add(&ws->out->done, 1);
	flush_frames(NULL, 0);
	return 1;
}

/* A worker process: jobs until the parent closes the socket. */
static void __attribute__((noreturn))
worker_main(struct sl_workers *ws, int job_fd)
{
	int rc;

	/* Temporary files and the terminal belong to the parent. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	self = ws;
	ws->parts.sink->put = worker_put;
	ws->parts.sink->arg = NULL;
	*ws->parts.err = worker_err;
	if (*ws->parts.info != NULL)
		*ws->parts.info = worker_info;
	sl_buf_init(&ws->frame);
	while ((rc = worker_batch(ws, job_fd)) == 1)
		;
	_exit(rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* ------------------------------------------------------------ parent */

struct sl_workers *
sl_workers_new(struct sl_run *run, const struct sl_run_parts *parts,
    int jobs)
{
	struct sl_workers *ws = sl_xcalloc(1, sizeof(*ws));

	ws->run = run;
	ws->parts = *parts;
	ws->n = jobs;
	ws->w = sl_xcalloc((size_t)jobs, sizeof(*ws->w));
	ws->order = sl_xcalloc((size_t)jobs * HELD, sizeof(*ws->order));
	ws->pf = sl_xcalloc((size_t)jobs * 2, sizeof(*ws->pf));
	ws->cpu = -1;
	sl_buf_init(&ws->frame);
	return ws;
}

/* A worker after the first k: its ends of the channels, a process. */
static int
spawn(struct sl_workers *ws, int k)
{
	struct worker *w = &ws->w[k];
	int sv[2], pv[2], i;

	w->res = &ws->res[k];
	/* A test's small ring makes small frames rings too: they fill,
	 * wrap and are read ahead of their turn. */
	w->res->cap = SL_MIN(RES_BYTES, ws->ring_cap);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if (pipe2(pv, O_CLOEXEC) != 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if ((w->pid = fork()) == 0) {
		for (i = 0; i < k; i++) {
			close(ws->w[i].job_fd);
			close(ws->w[i].res_fd);
		}
		close(sv[0]);
		close(pv[0]);
		ws->out_fd = pv[1];
		ws->out = w->res;
		ws->parent = getppid();
		worker_main(ws, sv[1]);
	}
	close(sv[1]);
	close(pv[1]);
	w->job_fd = sv[0];
	w->res_fd = pv[0];
	/* The parent never waits on one channel: poll says which is ready. */
	(void)fcntl(pv[0], F_SETFL, O_NONBLOCK);
	if (w->pid < 0) {
		close(sv[0]);
		close(pv[0]);
		return -1;
	}
	return 0;
}

/* Start the workers; with none at all, the run reads in order. */
static int
start(struct sl_workers *ws)
{
	int k;

	ws->started = 1;
	/* What the run replays through; a worker replaces its own copy. */
	ws->sink = *ws->parts.sink;
	ws->err = *ws->parts.err;
	ws->errarg = *ws->parts.errarg;
	ws->info = *ws->parts.info;
	ws->infoarg = *ws->parts.infoarg;
	ws->json_write = *ws->parts.json_write;
	/* Parts made before json_writev was (the redactor's) leave it out. */
	ws->json_writev = ws->parts.json_writev != NULL ?
	    *ws->parts.json_writev : NULL;
	ws->json_arg = *ws->parts.json_arg;
	if (ws->parts.pack != NULL)
		ws->pack = *ws->parts.pack;
	/* Pages are made as the ring is first filled: a run of small
	 * inputs touches only the ring's start (see pop_oldest). */
	ws->ring = mmap(NULL, ring_bytes, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ws->ring == MAP_FAILED) {
		ws->ring = NULL;
		ws->n = 0;
		return -1;
	}
	ws->ring_cap = ring_bytes;
	ws->nres = ws->n;
	ws->res = mmap(NULL, (size_t)ws->n * sizeof(*ws->res),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ws->res == MAP_FAILED) {
		ws->res = NULL;
		ws->n = 0;
		return -1;
	}
	for (k = 0; k < ws->n; k++)
		if (spawn(ws, k) != 0)
			break;
	ws->n = k;
	return k > 0 ? 0 : -1;
}

static void
add_stats(struct sl_stats *to, const struct sl_stats *d)
{
	to->inputs += d->inputs;
	to->bytes += d->bytes;
	to->units += d->units;
	to->written += d->written;
	to->merged += d->merged;
	to->skipped += d->skipped;
	to->rejected += d->rejected;
	to->records += d->records;
	to->sessions += d->sessions;
	to->other_apis += d->other_apis;
}

/* Records of a frame to the run's sink, in order. */
static void
replay_records(struct sl_workers *ws, char *p, size_t n)
{
	struct sl_record r;
	size_t used;

	while (n > 0) {
		used = sl_record_decode(p, n, &r, &ws->arrays);
		if (used == 0) {
			ws->stopped = 1;	/* cannot be: the same program */
			return;
		}
		if (!ws->stopped && ws->sink.put(ws->sink.arg, &r) != SL_OK)
			ws->stopped = 1;
		p += used;
		n -= used;
	}
}

static void
replay_msg(struct sl_workers *ws, int type, char *p, size_t n)
{
	struct sl_codec_cur c = { p, n, 0 };
	const char *where = sl_codec_get_str(&c), *msg = sl_codec_get_str(&c);

	if (c.bad)
		return;
	if (type == FR_ERROR && ws->err != NULL)
		ws->err(ws->errarg, where, msg);
	else if (type == FR_INFO && ws->info != NULL)
		ws->info(ws->infoarg, where, msg);
}

/*
 * A job the worker gave back: read here, now, which is its place in
 * the order: from its bytes, or (by_path) the file walked as -j 1
 * would.  Draining is off meanwhile: the jobs after it wait.
 */
static int
read_declined(struct sl_workers *ws, char *p, size_t n, int by_path)
{
	struct sl_codec_cur c = { p, n, 0 };
	const char *name = sl_codec_get_str(&c);
	int rc;

	if (c.bad)
		return -1;
	ws->reading = 1;
	rc = by_path ? ws->parts.read_path(ws->run, name) :
	    ws->parts.read_mem_leaf(ws->run, name, c.p, c.n);
	if (rc == SL_STOP)
		ws->stopped = 1;
	ws->reading = 0;
	return 1;
}

static void ring_release(struct worker *w);

/* sl_workers_set_look_hook() */
static void (*look_hook)(void);
/* sl_workers_published(): the frames rings' publications, added up as
 * each run's workers end. */
static unsigned long published;

/*
 * The frames w has written that the parent has not read.  wpos is read
 * once: a rewind at rd (nothing else can be at rd, which only grows)
 * is whole once wpos is past it, and rd jumps to its end, the room
 * given back at once unless frames are held (flush_held() does).
 */
static size_t
ring_has(const struct sl_workers *ws, struct worker *w)
{
	struct res_ring *r = w->res;
	uint64_t wpos = atomic_load(&r->wpos);

	if (look_hook != NULL)
		look_hook();
	if (wpos != w->rd && atomic_load(&r->skip_at) == w->rd &&
	    atomic_load(&r->skip_to) > w->rd) {
		w->rd = atomic_load(&r->skip_to);
		if (ws->nheld == 0)
			ring_release(w);
	}
	return (size_t)(wpos - w->rd);
}

/* The room of what the parent read of w's ring is free again, and w is
 * woken if it waits for room. */
static void
ring_release(struct worker *w)
{
	struct res_ring *r = w->res;

	if (atomic_load_explicit(&r->rpos, memory_order_relaxed) == w->rd)
		return;
	atomic_store(&r->rpos, w->rd);
	atomic_fetch_add(&r->taken, 1);
	if (atomic_load(&r->worker_waits))
		(void)syscall(SYS_futex, &r->taken, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/*
 * The JSON frames held, written with one writev from where they lie;
 * then the rings' room they took is free again.  Nothing is held
 * outside advance(): a worker never waits for room the parent sleeps
 * on, and what the run writes itself (a declined job, a carry finished
 * by settle, which only a declined job or the run's own read opens)
 * comes after them.
 */
static void
flush_held(struct sl_workers *ws)
{
	int k;

	if (ws->nheld == 0)
		return;
	if (!ws->stopped &&
	    ws->json_writev(ws->json_arg, ws->held, ws->nheld) != SL_OK)
		ws->stopped = 1;
	ws->nheld = 0;
	for (k = 0; k < ws->n; k++)
		ring_release(&ws->w[k]);
}

/* A JSON frame's payload to the output: held, to go with the next ones
 * in one writev, when the output takes several at once. */
static void
pass_json(struct sl_workers *ws, char *p, size_t n)
{
	if (ws->json_writev == NULL) {
		if (ws->json_write(ws->json_arg, p, n) != SL_OK)
			ws->stopped = 1;
		return;
	}
	if (ws->held == NULL)
		ws->held = sl_xcalloc(HOLD_IOV, sizeof(*ws->held));
	if (ws->nheld == HOLD_IOV)
		flush_held(ws);
	ws->held[ws->nheld].iov_base = p;
	ws->held[ws->nheld++].iov_len = n;
}

/* What w wrote so far, from its ring onto w->in (the ring is free again
 * at once; held frames, which may lie on w->in, are written first). */
static void
take_ring(struct sl_workers *ws, struct worker *w)
{
	struct res_ring *r = w->res;
	size_t n = ring_has(ws, w), at, k;

	at = (size_t)(w->rd % r->cap);	/* past a rewind: after ring_has */

	if (n > 0) {
		flush_held(ws);
		if (w->in_r == w->in.len) {
			w->in.len = 0;
			w->in_r = 0;
		} else if (w->in_r > w->in.cap / 2) {
			memmove(w->in.buf, w->in.buf + w->in_r,
			    w->in.len - w->in_r);
			w->in.len -= w->in_r;
			w->in_r = 0;
		}
		sl_buf_reserve(&w->in, n);
		k = SL_MIN(n, r->cap - at);
		memcpy(w->in.buf + w->in.len, r->data + at, k);
		memcpy(w->in.buf + w->in.len + k, r->data, n - k);
		w->in.len += n;
		w->rd += n;
		ring_release(w);
	}
}

/*
 * Worker w's pipe or ring is ready: take (copy) what its ring holds
 * onto w->in when take is set; else its frames stay in the ring, to be
 * passed on where they lie (next_frame()).  Then, when its pipe is
 * ready (rd): the wake-up bytes, or its end: w is gone once its last
 * frames are taken.
 */
static void
read_ready(struct sl_workers *ws, struct worker *w, int rd, int take)
{
	char drop[64];
	ssize_t got = 1;
	int ended;

	while (rd && (got = read(w->res_fd, drop, sizeof(drop))) > 0)
		;
	/* An ended worker's last frames are all taken: its pipe is not
	 * watched again. */
	ended = got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR);
	if (take || ended)
		take_ring(ws, w);
	if (ended)
		w->gone = ring_has(ws, w) == 0;
}

/* Of w's queued jobs, what its socket takes now, never waiting.  A dead
 * worker's jobs are dropped: its pipe's end reports it. */
static void
write_ready(struct worker *w)
{
	ssize_t sent;

	while (w->out_r < w->out.len) {
		sent = send(w->job_fd, w->out.buf + w->out_r,
		    w->out.len - w->out_r, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent < 0 && errno == EAGAIN)
			return;
		if (sent <= 0)
			break;
		w->out_r += (size_t)sent;
	}
	sl_buf_reset(&w->out);
	w->out_r = 0;
}

/* p to w: sent now as far as the socket takes it, the rest queued (the
 * bytes are copied only when the socket is full). */
static void
queue_out(struct worker *w, const void *p, size_t n)
{
	ssize_t sent = 0;

	if (w->out_r == w->out.len) {
		do
			sent = send(w->job_fd, p, n,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		while (sent < 0 && errno == EINTR);
		if (sent < 0 && errno != EAGAIN)
			return;		/* dead: its pipe's end says so */
		sent = SL_MAX(sent, 0);
	}
	sl_buf_add(&w->out, (const char *)p + sent, n - (size_t)sent);
}

/* The length of the whole frame at p (have bytes there), or 0 while it
 * is not all here yet. */
static size_t
whole_frame(const char *p, size_t have)
{
	uint32_t len;

	if (have < 5)
		return 0;
	memcpy(&len, p + 1, sizeof(len));
	return have >= 5 + (size_t)len ? 5 + (size_t)len : 0;
}

/*
 * The next whole frame of w, or NULL while it is not all here; *n is
 * its length.  Frames the parent read ahead wait on w->in (in_ring 0:
 * taken off it at once).  Else the frame is passed on where it lies in
 * w's ring, with no copy (in_ring 1: frame_done() frees its room once
 * it is passed on); one that the ring's end cuts, or that is not all
 * written, is first taken onto w->in with all the ring holds.
 */
static char *
next_frame(struct sl_workers *ws, struct worker *w, size_t *n, int *in_ring)
{
	struct res_ring *r = w->res;
	char *p;
	size_t at, has;

	*in_ring = 0;
	if (w->in_r == w->in.len) {
		has = ring_has(ws, w);		/* rd past a rewind first */
		at = (size_t)(w->rd % r->cap);
		*n = whole_frame(r->data + at, SL_MIN(has, r->cap - at));
		if (*n > 0) {
			*in_ring = 1;
			return r->data + at;
		}
		take_ring(ws, w);
	}
	p = w->in.buf + w->in_r;
	*n = whole_frame(p, w->in.len - w->in_r);
	if (*n == 0)
		return NULL;
	w->in_r += *n;
	return p;
}

/* A frame next_frame() gave is passed on: its room in the ring is free
 * again, or once the frames held are written. */
static void
frame_done(struct sl_workers *ws, struct worker *w, size_t n, int in_ring)
{
	if (!in_ring)
		return;
	w->rd += n;
	if (ws->nheld == 0)
		ring_release(w);
}

/* One whole frame f of a job, acted on.  1: the job's end; 0: more;
 * -1: bad. */
static int
collect_frame(struct sl_workers *ws, char *f, int first)
{
	struct sl_stats st;
	uint32_t len;
	char *p;
	int type;

	type = (unsigned char)f[0];
	memcpy(&len, f + 1, sizeof(len));
	p = f + 5;
	if (type != FR_JSON && type != FR_END)
		flush_held(ws);
	/* A job read by a worker is of a format that stands alone: what
	 * the run holds open for the next input ends before it, as when
	 * the run reads such an input itself. */
	if (first && type != FR_DECLINE && type != FR_DECLINE_PATH &&
	    ws->parts.settle(ws->run) == SL_STOP)
		ws->stopped = 1;
	switch (type) {
	case FR_RECORDS:
		replay_records(ws, p, len);
		return 0;
	case FR_JSON:
		if (!ws->stopped && ws->json_write != NULL)
			pass_json(ws, p, len);
		return 0;
	case FR_PACK:
		if (!ws->stopped && ws->pack.apply != NULL &&
		    ws->pack.apply(ws->pack.arg, p, len) != SL_OK)
			ws->stopped = 1;
		return 0;
	case FR_ERROR:
	case FR_INFO:
		replay_msg(ws, type, p, len);
		return 0;
	case FR_DECLINE:
	case FR_DECLINE_PATH:
		return read_declined(ws, p, len, type == FR_DECLINE_PATH);
	case FR_END:
		if (len != 8 + sizeof(struct sl_stats))
			return -1;
		memcpy(&st, p + 8, sizeof(st));	/* frames are unaligned */
		add_stats(ws->parts.st, &st);
		return 1;
	}
	return -1;
}

/* The oldest batch is done (or broken: its worker failed). */
static void
pop_oldest(struct sl_workers *ws, int broken)
{
	struct worker *w = &ws->w[ws->order[ws->head].worker];

	w->busy--;
	ws->head = (ws->head + 1) % (ws->n * HELD);
	ws->count--;
	/* Nothing in the ring: the next batch starts at its start again,
	 * on pages already made and in cache. */
	if (ws->count == 0 && ws->batch_jobs == 0)
		ws->bat_off = 0;
	if (broken) {
		w->gone = 1;	/* what it sends next is out of step */
		if (!ws->stopped && ws->err != NULL)
			ws->err(ws->errarg, NULL, "a worker process failed; "
			    "stopped");
		ws->stopped = 1;
	}
}

/*
 * Pass on, in the order handed out, every frame already here of the
 * oldest batches; stop at the first that is not all here.  Frames of
 * younger batches wait in their worker's buffer.
 */
static void
advance(struct sl_workers *ws)
{
	struct batch_slot *b;
	struct worker *w;
	size_t n;
	char *f;
	int rc, in_ring;

	while (ws->count > 0) {
		b = &ws->order[ws->head];
		w = &ws->w[b->worker];
		rc = 0;
		while (b->done < b->jobs) {
			if ((f = next_frame(ws, w, &n, &in_ring)) == NULL) {
				if (!w->gone) {
					flush_held(ws);
					return;
				}
				rc = -1;
				break;
			}
			rc = collect_frame(ws, f, !b->open);
			frame_done(ws, w, n, in_ring);
			if (rc < 0)
				break;
			b->open = rc == 0;
			b->done += (size_t)rc;
		}
		pop_oldest(ws, rc < 0);
	}
	flush_held(ws);
}

/*
 * Whether the parent acts on k's ring now: the oldest batch's worker's
 * frames are passed on; a younger worker's are copied out onto its
 * buffer only behind frames already there (their order) or once its
 * ring is half full (it must not wait for room), and else wait where
 * they are until their batch is the oldest.
 */
static int
ring_due(const struct sl_workers *ws, int k)
{
	struct worker *w = &ws->w[k];
	size_t has = ring_has(ws, w);

	return has > 0 && (k == ws->order[ws->head].worker ||
	    w->in_r < w->in.len || has > w->res->cap / 2);
}

/* Whether to read w now: it owes frames and has not run far ahead of
 * the oldest batch (whose worker is always read). */
static int
wants_read(const struct sl_workers *ws, int k)
{
	const struct worker *w = &ws->w[k];

	return !w->gone && w->busy > 0 &&
	    (k == ws->order[ws->head].worker || w->in.len - w->in_r < IN_CAP);
}

static int pick(const struct sl_workers *ws);

/*
 * Move bytes both ways on every channel that is ready, then pass on
 * what is next in order.  wait: sleep until something is ready (the
 * caller needs a batch collected); else only what is ready now.
 */
static void
pump(struct sl_workers *ws, int wait)
{
	struct pollfd *pf = ws->pf;
	struct worker *w;
	int k;

	for (k = 0; k < ws->n; k++) {
		w = &ws->w[k];
		pf[2 * k].fd = w->out_r < w->out.len ? w->job_fd : -1;
		pf[2 * k].events = POLLOUT;
		pf[2 * k + 1].fd = wants_read(ws, k) ? w->res_fd : -1;
		pf[2 * k + 1].events = POLLIN;
		pf[2 * k].revents = pf[2 * k + 1].revents = 0;
	}
	/* Sleep only with nothing to take: the flag first, then the look
	 * (a worker writing after the look sees the flag and wakes us). */
	for (k = 0; wait && k < ws->n; k++)
		if (pf[2 * k + 1].fd >= 0) {
			atomic_store(&ws->w[k].res->parent_waits, 1);
			if (ring_due(ws, k))
				wait = 0;
		}
	/* A worker that finished a batch since the caller looked. */
	if (wait && ws->placing && pick(ws) >= 0)
		wait = 0;
	(void)poll(ws->pf, (nfds_t)ws->n * 2, wait ? -1 : 0);
	for (k = 0; k < ws->n; k++) {
		if (pf[2 * k + 1].fd >= 0)
			atomic_store(&ws->w[k].res->parent_waits, 0);
		if (pf[2 * k].fd >= 0 && pf[2 * k].revents != 0)
			write_ready(&ws->w[k]);
		/* The oldest batch's worker, nothing read ahead: its
		 * frames are passed on from its ring, in place. */
		if (pf[2 * k + 1].fd >= 0)
			read_ready(ws, &ws->w[k], pf[2 * k + 1].revents != 0,
			    ring_due(ws, k) && (ws->w[k].in_r <
			    ws->w[k].in.len || k != ws->order[ws->head].worker));
	}
	advance(ws);
}

/* Batches handed to w that it has not read yet. */
static uint32_t
unfinished(const struct worker *w)
{
	return w->sent - atomic_load(&w->res->done);
}

/* The worker with the fewest batches unfinished, if one may take
 * another (fewer than QUEUE unfinished, HELD uncollected); -1 while
 * none may. */
static int
pick(const struct sl_workers *ws)
{
	uint32_t best_left = 0, left;
	int k, best = -1;

	for (k = 0; k < ws->n; k++) {
		left = unfinished(&ws->w[k]);
		if (left >= QUEUE || ws->w[k].busy >= HELD)
			continue;
		if (best < 0 || left < best_left || (left == best_left &&
		    ws->w[k].busy < ws->w[best].busy)) {
			best = k;
			best_left = left;
		}
	}
	return best;
}

/*
 * Whether the batch being built, at off in the ring, may grow to need
 * bytes: up to the ring's end while the live part does not wrap, else
 * up to (never onto) the oldest batch's first byte.
 */
static int
ring_fits(const struct sl_workers *ws, size_t off, size_t need)
{
	size_t oldest;

	if (ws->count == 0)
		return need <= ws->ring_cap - off;
	oldest = ws->order[ws->head].off;
	if (oldest <= off)
		return need <= ws->ring_cap - off;
	return need < oldest - off;
}

/*
 * The whole batch, or its last job when it is alone, to the worker with
 * the fewest, waiting for an older batch to be collected only while all
 * have QUEUE.  Only where it is goes through the socket.  Then whatever
 * is ready moves, and what is next in order is passed on: the parent
 * goes back to its input without waiting.
 */
static int
batch_send(struct sl_workers *ws)
{
	struct batch_slot *slot;
	uint32_t count = (uint32_t)ws->batch_jobs;
	uint64_t off = ws->bat_off, size = ws->bat_len;
	char head[20];
	int k;

	if (ws->batch_jobs == 0)
		return SL_OK;
	ws->placing = 1;
	while ((k = pick(ws)) < 0 && !ws->stopped)
		pump(ws, 1);
	ws->placing = 0;
	if (ws->stopped)
		return SL_STOP;
	memcpy(head, &count, sizeof(count));
	memcpy(head + 4, &off, sizeof(off));
	memcpy(head + 12, &size, sizeof(size));
	queue_out(&ws->w[k], head, sizeof(head));
	ws->w[k].busy++;
	ws->w[k].sent++;
	slot = &ws->order[(ws->head + ws->count) % (ws->n * HELD)];
	memset(slot, 0, sizeof(*slot));
	slot->worker = k;
	slot->off = ws->bat_off;
	slot->len = ws->bat_len;
	slot->jobs = ws->batch_jobs;
	ws->count++;
	ws->bat_off += ws->bat_len;
	ws->bat_len = 0;
	ws->batch_jobs = 0;
	pump(ws, 0);
	return ws->stopped ? SL_STOP : SL_OK;
}

/*
 * Room in the ring for more bytes of the batch being built: a batch
 * that cannot grow is sent, an empty one moves to the ring's start when
 * the end has no room, and while the ring is full the parent waits for
 * the oldest batch to be passed on.  SL_OK or SL_STOP.
 */
static int
ring_reserve(struct sl_workers *ws, size_t more)
{
	size_t oldest;

	for (;;) {
		if (ring_fits(ws, ws->bat_off, ws->bat_len + more))
			return SL_OK;
		if (ws->batch_jobs > 0) {
			if (batch_send(ws) != SL_OK)
				return SL_STOP;
			continue;
		}
		/* To the start: room up to the oldest batch (when the live
		 * part does not wrap yet), or the whole ring. */
		oldest = ws->count > 0 ? ws->order[ws->head].off : SIZE_MAX;
		if (ws->count == 0 ? more <= ws->ring_cap :
		    oldest <= ws->bat_off && more < oldest) {
			ws->bat_off = 0;
			return SL_OK;
		}
		if (ws->stopped)
			return SL_STOP;
		pump(ws, 1);
	}
}

/*
 * -j N over a tar.gz: the parent inflates on a thread of its own
 * (input_ahead.c), the head of the pipeline, and with N workers that is
 * N + 1 busy threads.  Where there are no more CPUs than workers, the
 * scheduler pairs them as it finds them and keeps the pairs: half of
 * the runs had the inflate share a CPU with a worker while the other
 * worker had one alone, and every worker waited on the inflate (sl-parse
 * -j 2 on 10,000 logs: j2 wall 305 to 460 ms, workers asleep for jobs
 * 100 to 500 ms of it).  So while the thread lives, the parent's threads
 * keep the CPU the parent is on and the workers the others: the inflate
 * is never behind a worker, its caches stay its own (220 ms of CPU,
 * against 280 for both workers on sl-parse), and the j2 wall held at
 * 290 to 330 ms.  While the run reads an input itself (one over
 * SL_JOB_MAX: the workers are drained and idle), its thread goes to the
 * other CPUs, beside the inflate rather than behind it on its CPU.  Only
 * affinity: the run's own CPU set comes back when the thread is gone,
 * and nothing changes with a CPU per thread or fewer than two CPUs.
 */
static int
parent_cpu(struct sl_workers *ws)
{
	int cpu = sched_getcpu();

	if (sched_getaffinity(0, sizeof(ws->cpus), &ws->cpus) != 0 ||
	    cpu < 0 || !CPU_ISSET(cpu, &ws->cpus) ||
	    CPU_COUNT(&ws->cpus) < 2 || CPU_COUNT(&ws->cpus) > ws->n)
		return -1;
	return cpu;
}

/*
 * How the CPUs are set: as the run found them; split (the parent's
 * thread on ws->cpu, where a thread it makes next inherits it, the
 * workers on the others); or, while the run reads an input itself (the
 * workers drained), its thread beside the inflate, on the others.
 */
enum { CPUS_ALL, CPUS_SPLIT, CPUS_READ };

static void
set_cpus(struct sl_workers *ws, int how)
{
	cpu_set_t one, rest;
	const cpu_set_t *mine, *theirs;
	int k;

	if (how == ws->cpus_now)
		return;
	CPU_ZERO(&one);
	CPU_SET(ws->cpu, &one);
	rest = ws->cpus;
	CPU_CLR(ws->cpu, &rest);
	mine = how == CPUS_SPLIT ? &one : how == CPUS_READ ? &rest :
	    &ws->cpus;
	theirs = how == CPUS_SPLIT ? &rest : &ws->cpus;
	if (sched_setaffinity(0, sizeof(*mine), mine) != 0)
		return;
	ws->cpus_now = how;
	for (k = 0; k < ws->n; k++)
		(void)sched_setaffinity(ws->w[k].pid, sizeof(*theirs), theirs);
}

/*
 * A job to the batch in the ring: name and bytes, or the name alone
 * (given by path: n PATH_JOB).  SL_OK or SL_STOP.
 */
static int
batch_add(struct sl_workers *ws, const char *name, const unsigned char *p,
    uint64_t n)
{
	uint32_t namelen = (uint32_t)strlen(name);
	size_t bytes = n == PATH_JOB ? 0 : (size_t)n;
	char *at;

	if (ring_reserve(ws, JOB_HEAD + namelen + bytes) != SL_OK)
		return SL_STOP;
	if (ws->cpu >= 0)	/* after a drain: split again */
		set_cpus(ws, CPUS_SPLIT);
	at = ws->ring + ws->bat_off + ws->bat_len;
	memcpy(at, &namelen, sizeof(namelen));
	memcpy(at + 4, &n, sizeof(n));
	memcpy(at + JOB_HEAD, name, namelen);
	if (bytes > 0)
		memcpy(at + JOB_HEAD + namelen, p, bytes);
	ws->bat_len += JOB_HEAD + namelen + bytes;
	ws->batch_jobs++;
	return SL_OK;
}

void
sl_workers_take_any(struct sl_workers *ws)
{
	ws->any_format = 1;
}

/*
 * sl_workers_set_ring(): the ring's size for the workers started from
 * now on, and at most that of each worker's frames ring (tests: a small
 * ring fills, and gives back what does not fit).
 */
void
sl_workers_set_ring(size_t bytes)
{
	ring_bytes = bytes > 0 ? bytes : RING_BYTES;
}

void
sl_workers_set_look_hook(void (*hook)(void))
{
	look_hook = hook;
}

int
sl_workers_offer(struct sl_workers *ws, struct sl_in *in)
{
	const unsigned char *p;
	size_t n;

	if (ws == NULL || ws->reading)
		return SL_DECLINED;
	/* Stopped is final: not "declined" for an input too large or empty
	 * to send, which the caller would then read itself. */
	if (ws->started && ws->stopped)
		return SL_STOP;
	/* One the workers would give back, and longer than a reader's
	 * first look: read here now, as with -j 1, not read whole (and
	 * counted whole in --stats) when its reader stops early. */
	n = sl_in_peek(in, &p, SL_PEEK);
	if (!sl_in_all_visible(in) &&
	    !takes(ws, job_format(ws, sl_in_name(in), p, n)))
		return SL_DECLINED;
	/* Looked at before the workers start: one large file alone (the
	 * parent reads it) starts none. */
	n = sl_in_peek_whole(in, &p, SL_JOB_MAX);
	if (n == SIZE_MAX || n == 0 || (!ws->started && start(ws) != 0) ||
	    ws->n == 0)
		return SL_DECLINED;
	/* Over the ring (a test's small ring): the run reads it. */
	if (JOB_HEAD + strlen(sl_in_name(in)) + n > ws->ring_cap)
		return SL_DECLINED;
	/* Small inputs travel in batches: one write, one wake-up each way
	 * for several. */
	if (ws->bat_len + n > BATCH_BYTES && batch_send(ws) != SL_OK)
		return SL_STOP;
	if (batch_add(ws, sl_in_name(in), p, n) != SL_OK)
		return SL_STOP;
	if (n > BATCH_BYTES || ws->batch_jobs == BATCH_JOBS)
		return batch_send(ws);
	return SL_OK;
}

int
sl_workers_start(struct sl_workers *ws)
{
	if (ws == NULL || (!ws->started && start(ws) != 0) || ws->n == 0)
		return -1;
	return 0;
}

void
sl_workers_feeder(struct sl_workers *ws, int alive)
{
	if (ws == NULL || ws->n == 0)
		return;
	if (alive && ws->feeders++ == 0) {
		ws->cpu = parent_cpu(ws);
		if (ws->cpu >= 0)
			set_cpus(ws, CPUS_SPLIT);
	} else if (!alive && ws->feeders > 0 && --ws->feeders == 0 &&
	    ws->cpu >= 0) {
		set_cpus(ws, CPUS_ALL);
		ws->cpu = -1;
	}
}

int
sl_workers_take_signal(struct sl_workers *ws, const char *path)
{
	if (path == NULL) {
		if (sl_workers_start(ws) != 0)
			return SL_IN_NOT_TAKEN;
		sl_workers_feeder(ws, 1);
		return SL_OK;
	}
	if (strcmp(path, SL_IN_THREAD_GONE) == 0) {
		sl_workers_feeder(ws, 0);
		return SL_OK;
	}
	return -1;
}

int
sl_workers_offer_path(struct sl_workers *ws, const char *path)
{
	if (ws == NULL || ws->reading || (!ws->started && start(ws) != 0) ||
	    ws->n == 0)
		return SL_DECLINED;
	if (ws->stopped)
		return SL_STOP;
	if (JOB_HEAD + strlen(path) > ws->ring_cap)
		return SL_DECLINED;
	if (batch_add(ws, path, NULL, PATH_JOB) != SL_OK)
		return SL_STOP;
	if (ws->batch_jobs == BATCH_JOBS)
		return batch_send(ws);
	return SL_OK;
}

int
sl_workers_drain(struct sl_workers *ws)
{
	if (ws == NULL || ws->reading)
		return SL_OK;
	if (batch_send(ws) != SL_OK)
		return SL_STOP;
	while (ws->count > 0)
		pump(ws, 1);
	/* The run reads next: beside the inflate, not behind it. */
	if (ws->cpu >= 0)
		set_cpus(ws, CPUS_READ);
	return ws->stopped ? SL_STOP : SL_OK;
}

/* The publications of ws's workers, ended, to sl_workers_published()'s
 * sum. */
static void
count_published(const struct sl_workers *ws)
{
	int k;

	for (k = 0; ws->res != NULL && k < ws->nres; k++)
		published += atomic_load(&ws->res[k].published);
}

unsigned long
sl_workers_published(void)
{
	return published;
}

void
sl_workers_free(struct sl_workers *ws)
{
	int k, status;

	if (ws == NULL)
		return;
	sl_workers_drain(ws);
	if (ws->cpu >= 0)
		set_cpus(ws, CPUS_ALL);
	for (k = 0; k < ws->n && ws->started; k++) {
		/* A stopped run takes no more frames: a worker waiting for
		 * room ends.  All told before any is waited for. */
		atomic_store(&ws->w[k].res->stop, 1);
		(void)syscall(SYS_futex, &ws->w[k].res->taken, FUTEX_WAKE, 1,
		    NULL, NULL, 0);
		close(ws->w[k].job_fd);
		close(ws->w[k].res_fd);
		sl_buf_free(&ws->w[k].in);
		sl_buf_free(&ws->w[k].out);
	}
	for (k = 0; k < ws->n && ws->started; k++)
		while (waitpid(ws->w[k].pid, &status, 0) < 0 && errno == EINTR)
			;
	count_published(ws);
	sl_buf_free(&ws->frame);
	sl_buf_free(&ws->arrays);
	if (ws->ring != NULL)
		munmap(ws->ring, ws->ring_cap);
	if (ws->res != NULL)
		munmap(ws->res, (size_t)ws->nres * sizeof(*ws->res));
	free(ws->held);
	free(ws->w);
	free(ws->order);
	free(ws->pf);
	free(ws);
}
