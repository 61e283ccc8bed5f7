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
 * A worker gets a job only when idle, so neither side can block on a
 * full pipe while the other waits for it: the parent only waits for the
 * oldest job, whose worker is free to make progress.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/workers.h"

#define FRAME_FLUSH	(64 * 1024)	/* records gathered before a write */
#define PIPE_SIZE	(1 << 20)	/* ask for deep pipes (Linux) */
#define QUEUE		4		/* batches a worker may have at once */
#define IN_CAP		(8 << 20)	/* frames read ahead of the oldest */
#define BATCH_BYTES	(64 * 1024)	/* inputs gathered before a send */
#define BATCH_JOBS	64

/* Frames from a worker: type byte, u32 length, payload.  FR_JSON: the
 * records as JSON Lines, when the sink only writes that; FR_PACK: what
 * the sink's packer made of them (sl_run_set_packer). */
enum { FR_RECORDS = 'R', FR_JSON = 'J', FR_PACK = 'K', FR_ERROR = 'E',
    FR_INFO = 'I', FR_END = 'Z', FR_DECLINE = 'D', FR_DECLINE_PATH = 'P' };

/* The size of a job given by path: the worker opens the file. */
#define PATH_JOB	UINT64_MAX

struct worker {
	pid_t pid;
	int job_fd;		/* parent -> worker: jobs */
	int res_fd;		/* worker -> parent: frames */
	int busy;		/* batches handed out, not yet collected */
	int gone;		/* its pipe ended or broke */
	struct sl_buf in;	/* frames read, from in_r on */
	size_t in_r;
	struct sl_buf out;	/* jobs the socket did not take yet */
	size_t out_r;
};

struct batch_slot {
	int worker;
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
	void *json_arg;
	struct sl_packer pack;		/* pack NULL: records are replayed */
	struct worker *w;
	int n;
	int started;
	struct batch_slot *order;	/* batches handed out, oldest first
					   (a ring of n * QUEUE) */
	struct sl_buf batch;		/* jobs not sent yet */
	size_t batch_jobs;
	int head, count;
	int stopped;			/* the sink stopped, or a worker died */
	int reading;			/* the run reads a declined job */
	struct sl_buf arrays;		/* of the record being replayed */
	struct pollfd *pf;		/* two per worker: jobs, frames */
	struct sl_buf frame;		/* a worker's frames */
	int out_fd;			/* in a worker: its res_fd */
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

static void
frame_close(struct sl_buf *b, size_t at, int type)
{
	uint32_t len = (uint32_t)(b->len - at - 5);

	b->buf[at] = (char)type;
	memcpy(b->buf + at + 1, &len, sizeof(len));
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

/* Everything built so far to the parent. */
static void
flush_frames(void)
{
	close_records();
	if (write_all(self->out_fd, self->frame.buf, self->frame.len, 0) != 0)
		_exit(EXIT_FAILURE);	/* the parent is gone */
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
		flush_frames();
	return SL_OK;
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
static const struct sl_format *
load_file(const struct sl_workers *ws, const char *path, struct sl_buf *b)
{
	const struct sl_format *f = NULL;
	struct stat sb;
	int fd, end;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	sl_buf_reset(b);
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size <= (off_t)SL_JOB_MAX) {
		sl_buf_reserve(b, (size_t)sb.st_size + 1);
		end = read_until(fd, b, SL_PEEK);
		if (end >= 0 && b->len > 0 && sl_input_plain((const unsigned
		    char *)b->buf, b->len))
			f = job_format(ws, path, (const unsigned char *)b->buf,
			    b->len);
		if (!stands_alone(f) ||
		    (end == 0 && read_until(fd, b, SIZE_MAX) < 0))
			f = NULL;
	}
	close(fd);
	return f;
}

/* A job given by path: read here, or its name back (FR_DECLINE_PATH). */
static void
path_job(struct sl_workers *ws, const char *path)
{
	static struct sl_buf file;
	const struct sl_format *f;
	size_t at;

	if ((f = load_file(ws, path, &file)) != NULL)
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

	if (left < 12)
		return 0;
	memcpy(&namelen, p, sizeof(namelen));
	memcpy(&size, p + 4, sizeof(size));
	if (namelen > left - 12 ||
	    (size != PATH_JOB && size > left - 12 - namelen))
		return 0;
	name = sl_xstrndup(p + 12, namelen);
	if (size == PATH_JOB) {
		path_job(ws, name);
		free(name);
		if (ws->frame.len >= FRAME_FLUSH)
			flush_frames();
		return 12 + namelen;
	}
	data = (const unsigned char *)p + 12 + namelen;
	f = job_format(ws, name, data, size);
	if (stands_alone(f))
		job_read(ws, name, f, data, size, 0);
	else {
		at = frame_open(&ws->frame);
		sl_codec_put_str(&ws->frame, name);
		sl_buf_add(&ws->frame, data, size);
		frame_close(&ws->frame, at, FR_DECLINE);
	}
	free(name);
	if (ws->frame.len >= FRAME_FLUSH)
		flush_frames();
	return 12 + namelen + size;
}

/*
 * One batch: u32 count, u64 size, then count jobs in size bytes; the
 * frames of all go back in as few writes as they fit.  Returns 1 done,
 * 0 no more batches, -1 a broken stream.
 */
static int
worker_batch(struct sl_workers *ws, int fd, struct sl_buf *batch)
{
	char head[12];
	uint32_t count, i;
	uint64_t size;
	size_t at = 0, used;
	int got;

	if ((got = read_all(fd, head, sizeof(head))) <= 0)
		return got;
	memcpy(&count, head, sizeof(count));
	memcpy(&size, head + 4, sizeof(size));
	if (size > SL_JOB_MAX + BATCH_BYTES)
		return -1;
	sl_buf_reset(batch);
	sl_buf_reserve(batch, size);
	if (read_all(fd, batch->buf, size) != 1)
		return -1;
	for (i = 0; i < count; i++) {
		if ((used = worker_job(ws, batch->buf + at, size - at)) == 0)
			return -1;
		at += used;
	}
	flush_frames();
	return 1;
}

/* A worker process: jobs until the parent closes the socket. */
static void __attribute__((noreturn))
worker_main(struct sl_workers *ws, int job_fd)
{
	struct sl_buf job;
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
	sl_buf_init(&job);
	while ((rc = worker_batch(ws, job_fd, &job)) == 1)
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
	ws->order = sl_xcalloc((size_t)jobs * QUEUE, sizeof(*ws->order));
	ws->pf = sl_xcalloc((size_t)jobs * 2, sizeof(*ws->pf));
	sl_buf_init(&ws->frame);
	return ws;
}

/* A worker after the first k: its ends of the channels, a process. */
static int
spawn(struct sl_workers *ws, int k)
{
	struct worker *w = &ws->w[k];
	int sv[2], pv[2], i, size = PIPE_SIZE;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	if (pipe2(pv, O_CLOEXEC) != 0) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	(void)fcntl(pv[1], F_SETPIPE_SZ, size);
	(void)setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	if ((w->pid = fork()) == 0) {
		for (i = 0; i < k; i++) {
			close(ws->w[i].job_fd);
			close(ws->w[i].res_fd);
		}
		close(sv[0]);
		close(pv[0]);
		ws->out_fd = pv[1];
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
	ws->json_arg = *ws->parts.json_arg;
	if (ws->parts.pack != NULL)
		ws->pack = *ws->parts.pack;
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

/*
 * What w sent so far, onto w->in: one read, as much as the buffer holds
 * (a worker writes a batch's frames in few writes).  The pipe is
 * non-blocking in the parent.  End of file or an error: w is gone.
 */
static void
read_ready(struct worker *w)
{
	ssize_t got;

	if (w->in_r == w->in.len) {
		w->in.len = 0;
		w->in_r = 0;
	} else if (w->in_r > w->in.cap / 2) {
		memmove(w->in.buf, w->in.buf + w->in_r, w->in.len - w->in_r);
		w->in.len -= w->in_r;
		w->in_r = 0;
	}
	if (w->in.cap - w->in.len < FRAME_FLUSH)
		sl_buf_reserve(&w->in, (size_t)FRAME_FLUSH * 2);
	got = read(w->res_fd, w->in.buf + w->in.len,
	    w->in.cap - w->in.len - 1);
	if (got > 0)
		w->in.len += (size_t)got;
	else if (got == 0 || (errno != EAGAIN && errno != EINTR))
		w->gone = 1;
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

/* The length of the whole frame at w->in_r, or 0 while it is not all
 * here yet. */
static size_t
frame_ready(const struct worker *w)
{
	size_t have = w->in.len - w->in_r;
	uint32_t len;

	if (have < 5)
		return 0;
	memcpy(&len, w->in.buf + w->in_r + 1, sizeof(len));
	return have >= 5 + (size_t)len ? 5 + (size_t)len : 0;
}

/* One whole frame of w, acted on.  1: the job's end; 0: more; -1: bad. */
static int
collect_frame(struct sl_workers *ws, struct worker *w, int first)
{
	struct sl_stats st;
	uint32_t len;
	char *p;
	int type;

	type = (unsigned char)w->in.buf[w->in_r];
	memcpy(&len, w->in.buf + w->in_r + 1, sizeof(len));
	p = w->in.buf + w->in_r + 5;
	w->in_r += 5 + (size_t)len;
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
		if (!ws->stopped && ws->json_write != NULL &&
		    ws->json_write(ws->json_arg, p, len) != SL_OK)
			ws->stopped = 1;
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
	ws->head = (ws->head + 1) % (ws->n * QUEUE);
	ws->count--;
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
	int rc;

	while (ws->count > 0) {
		b = &ws->order[ws->head];
		w = &ws->w[b->worker];
		rc = 0;
		while (b->done < b->jobs) {
			if (frame_ready(w) == 0) {
				if (!w->gone)
					return;
				rc = -1;
				break;
			}
			if ((rc = collect_frame(ws, w, !b->open)) < 0)
				break;
			b->open = rc == 0;
			b->done += (size_t)rc;
		}
		pop_oldest(ws, rc < 0);
	}
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
	}
	if (poll(ws->pf, (nfds_t)ws->n * 2, wait ? -1 : 0) <= 0)
		return;
	for (k = 0; k < ws->n; k++) {
		if (pf[2 * k].fd >= 0 && pf[2 * k].revents != 0)
			write_ready(&ws->w[k]);
		if (pf[2 * k + 1].fd >= 0 && pf[2 * k + 1].revents != 0)
			read_ready(&ws->w[k]);
	}
	advance(ws);
}

/* The worker with the fewest batches, if one may take another; -1
 * while all have QUEUE. */
static int
pick(const struct sl_workers *ws)
{
	int k, best = -1;

	for (k = 0; k < ws->n; k++)
		if (ws->w[k].busy < QUEUE &&
		    (best < 0 || ws->w[k].busy < ws->w[best].busy))
			best = k;
	return best;
}

/* A job to the batch: name and bytes, unless too big (big != NULL) or
 * given by path (n PATH_JOB). */
static void
batch_add(struct sl_workers *ws, const char *name, const unsigned char *p,
    uint64_t n, int big)
{
	uint32_t namelen = (uint32_t)strlen(name);
	uint64_t size = n;

	if (ws->batch.len == 0)
		sl_buf_add(&ws->batch, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	sl_buf_add(&ws->batch, &namelen, sizeof(namelen));
	sl_buf_add(&ws->batch, &size, sizeof(size));
	sl_buf_add(&ws->batch, name, namelen);
	if (!big && n != PATH_JOB)
		sl_buf_add(&ws->batch, p, (size_t)n);
	ws->batch_jobs++;
}

/*
 * Queue the batch (and big, the bytes of its last job) to the worker
 * with the fewest, waiting for an older batch to be collected only while
 * all have QUEUE.  Then whatever is ready moves, and what is next in
 * order is passed on: the parent goes back to its input without waiting.
 */
static int
batch_send(struct sl_workers *ws, const unsigned char *big, size_t nbig)
{
	uint32_t count = (uint32_t)ws->batch_jobs;
	uint64_t size = ws->batch.len - 12 + nbig;
	struct batch_slot *slot;
	int k;

	if (ws->batch_jobs == 0)
		return SL_OK;
	while ((k = pick(ws)) < 0 && !ws->stopped)
		pump(ws, 1);
	if (ws->stopped)
		return SL_STOP;
	memcpy(ws->batch.buf, &count, sizeof(count));
	memcpy(ws->batch.buf + 4, &size, sizeof(size));
	queue_out(&ws->w[k], ws->batch.buf, ws->batch.len);
	if (nbig > 0)
		queue_out(&ws->w[k], big, nbig);
	ws->w[k].busy++;
	slot = &ws->order[(ws->head + ws->count) % (ws->n * QUEUE)];
	memset(slot, 0, sizeof(*slot));
	slot->worker = k;
	slot->jobs = ws->batch_jobs;
	ws->count++;
	sl_buf_reset(&ws->batch);
	ws->batch_jobs = 0;
	pump(ws, 0);
	return ws->stopped ? SL_STOP : SL_OK;
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
	/* Looked at before the workers start: one large file alone (the
	 * parent reads it) starts none. */
	n = sl_in_peek_whole(in, &p, SL_JOB_MAX);
	if (n == SIZE_MAX || n == 0 || (!ws->started && start(ws) != 0) ||
	    ws->n == 0)
		return SL_DECLINED;
	/* Small inputs travel in batches: one write, one wake-up each way
	 * for several. */
	if (ws->batch.len + n > BATCH_BYTES && batch_send(ws, NULL, 0) != SL_OK)
		return SL_STOP;
	batch_add(ws, sl_in_name(in), p, n, n > BATCH_BYTES);
	if (n > BATCH_BYTES)
		return batch_send(ws, p, n);
	if (ws->batch_jobs == BATCH_JOBS)
		return batch_send(ws, NULL, 0);
	return SL_OK;
}

int
sl_workers_offer_path(struct sl_workers *ws, const char *path)
{
	if (ws == NULL || ws->reading || (!ws->started && start(ws) != 0) ||
	    ws->n == 0)
		return SL_DECLINED;
	if (ws->stopped)
		return SL_STOP;
	batch_add(ws, path, NULL, PATH_JOB, 0);
	if (ws->batch_jobs == BATCH_JOBS)
		return batch_send(ws, NULL, 0);
	return SL_OK;
}

int
sl_workers_drain(struct sl_workers *ws)
{
	if (ws == NULL || ws->reading)
		return SL_OK;
	if (batch_send(ws, NULL, 0) != SL_OK)
		return SL_STOP;
	while (ws->count > 0)
		pump(ws, 1);
	return ws->stopped ? SL_STOP : SL_OK;
}

void
sl_workers_free(struct sl_workers *ws)
{
	int k, status;

	if (ws == NULL)
		return;
	sl_workers_drain(ws);
	for (k = 0; k < ws->n && ws->started; k++) {
		close(ws->w[k].job_fd);
		close(ws->w[k].res_fd);
		sl_buf_free(&ws->w[k].in);
		sl_buf_free(&ws->w[k].out);
		while (waitpid(ws->w[k].pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sl_buf_free(&ws->frame);
	sl_buf_free(&ws->arrays);
	sl_buf_free(&ws->batch);
	free(ws->w);
	free(ws->order);
	free(ws->pf);
	free(ws);
}
