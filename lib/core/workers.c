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
 * (packed, see sl_record_pack), its messages, then the job's end with
 * its status and counters.  The parent collects jobs strictly in the
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
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/workers.h"

#define FRAME_FLUSH	(64 * 1024)	/* records gathered before a write */
#define PIPE_SIZE	(1 << 20)	/* ask for deep pipes (Linux) */

/* Frames from a worker: type byte, u32 length, payload. */
enum { FR_RECORDS = 'R', FR_ERROR = 'E', FR_INFO = 'I', FR_END = 'Z' };

struct worker {
	pid_t pid;
	int job_fd;		/* parent -> worker: jobs */
	int res_fd;		/* worker -> parent: frames */
	int busy;		/* a job handed out, not yet collected */
};

struct sl_workers {
	struct sl_run *run;
	struct sl_run_parts parts;
	struct sl_sink sink;		/* the run's sink, for replay */
	sl_errfn err, info;
	void *errarg, *infoarg;
	struct worker *w;
	int n;
	int started;
	int *order;			/* workers of outstanding jobs, oldest
					   first (a ring of n) */
	int head, count;
	int stopped;			/* the sink stopped, or a worker died */
	struct sl_buf frame;		/* a worker's pending frame */
	int out_fd;			/* in a worker: its res_fd */
};

/* ------------------------------------------------------- record codec */

static void
put_u32(struct sl_buf *b, uint32_t v)
{
	sl_buf_add(b, &v, sizeof(v));
}

static void
put_i64(struct sl_buf *b, long long v)
{
	int64_t x = v;

	sl_buf_add(b, &x, sizeof(x));
}

/* Length, bytes, NUL; NULL as length UINT32_MAX. */
static void
put_strn(struct sl_buf *b, const char *s, size_t n)
{
	if (s == NULL) {
		put_u32(b, UINT32_MAX);
		return;
	}
	put_u32(b, (uint32_t)n);
	sl_buf_add(b, s, n);
	sl_buf_addc(b, '\0');
}

static void
put_str(struct sl_buf *b, const char *s)
{
	put_strn(b, s, s != NULL ? strlen(s) : 0);
}

void
sl_record_pack(struct sl_buf *b, const struct sl_record *r)
{
	size_t i;

	put_u32(b, (uint32_t)r->type | (uint32_t)(r->has_prompt != 0) << 8 |
	    (uint32_t)(r->cont != 0) << 9 | (uint32_t)(r->cancelled != 0) << 10 |
	    (uint32_t)(r->redrawn != 0) << 11);
	put_i64(b, r->src_line);
	put_i64(b, r->n);
	put_i64(b, (long long)r->prompt_len);
	put_i64(b, r->count);
	put_str(b, r->session);
	put_str(b, r->src);
	put_strn(b, r->text, r->len);
	put_str(b, r->time);
	put_str(b, r->expanded);
	put_str(b, r->code);
	put_u32(b, (uint32_t)(r->spans != NULL ? r->nspans : 0));
	put_u32(b, (uint32_t)r->nextra);
	put_u32(b, (uint32_t)r->nredacted);
	if (r->spans != NULL)
		sl_buf_add(b, r->spans, r->nspans * sizeof(*r->spans));
	for (i = 0; i < r->nextra; i++) {
		put_str(b, r->extra[i].key);
		put_str(b, r->extra[i].val);
	}
	for (i = 0; i < r->nredacted; i++)
		put_str(b, r->redacted[i]);
	/* f is left uncleared in other records (sl.h) */
	for (i = 0; r->type == SL_SESSION && i < SL_F_COUNT; i++)
		put_str(b, r->f[i]);
}

struct cursor {
	char *p;
	size_t n;
	int bad;
};

static void
get(struct cursor *c, void *dst, size_t n)
{
	if (c->bad || c->n < n) {
		c->bad = 1;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, c->p, n);
	c->p += n;
	c->n -= n;
}

static uint32_t
get_u32(struct cursor *c)
{
	uint32_t v;

	get(c, &v, sizeof(v));
	return v;
}

static long long
get_i64(struct cursor *c)
{
	int64_t v;

	get(c, &v, sizeof(v));
	return v;
}

static const char *
get_strn(struct cursor *c, size_t *len)
{
	uint32_t n = get_u32(c);
	const char *s = c->p;

	*len = 0;
	if (c->bad || n == UINT32_MAX)
		return NULL;
	if (c->n < (size_t)n + 1 || c->p[n] != '\0') {
		c->bad = 1;
		return NULL;
	}
	c->p += (size_t)n + 1;
	c->n -= (size_t)n + 1;
	*len = n;
	return s;
}

static const char *
get_str(struct cursor *c)
{
	size_t len;

	return get_strn(c, &len);
}

/*
 * The variable parts: spans, extra fields, redacted kinds, into one
 * allocation, pointers first (the strictest alignment).  Every count is
 * checked against the bytes left, each element taking at least 4.
 */
static void
unpack_arrays(struct cursor *c, struct sl_record *r, void **arrays)
{
	size_t i, nsp = get_u32(c), spb;
	const char **red;
	struct sl_kv *kv;
	char *mem;

	r->nextra = get_u32(c);
	r->nredacted = get_u32(c);
	spb = nsp * sizeof(struct sl_span);
	if (c->bad || nsp > c->n || r->nextra > c->n || r->nredacted > c->n ||
	    spb > c->n) {
		c->bad = 1;
		return;
	}
	mem = sl_xmalloc(r->nextra * sizeof(*kv) + r->nredacted *
	    sizeof(*red) + spb + 1);
	*arrays = mem;
	kv = (struct sl_kv *)(void *)mem;
	red = (const char **)(void *)(kv + r->nextra);
	if (nsp > 0) {
		get(c, red + r->nredacted, spb);
		r->spans = (const struct sl_span *)(void *)(red + r->nredacted);
		r->nspans = nsp;
	}
	for (i = 0; i < r->nextra; i++) {
		kv[i].key = get_str(c);
		kv[i].val = get_str(c);
	}
	for (i = 0; i < r->nredacted; i++)
		red[i] = get_str(c);
	r->extra = r->nextra > 0 ? kv : NULL;
	r->redacted = r->nredacted > 0 ? red : NULL;
}

size_t
sl_record_unpack(char *p, size_t n, struct sl_record *r, void **arrays)
{
	struct cursor c = { p, n, 0 };
	uint32_t head;
	size_t i;

	memset(r, 0, sizeof(*r));
	*arrays = NULL;
	head = get_u32(&c);
	r->type = (enum sl_type)(head & 0xff);
	r->has_prompt = (head >> 8) & 1;
	r->cont = (head >> 9) & 1;
	r->cancelled = (head >> 10) & 1;
	r->redrawn = (head >> 11) & 1;
	r->src_line = get_i64(&c);
	r->n = get_i64(&c);
	r->prompt_len = (size_t)get_i64(&c);
	r->count = get_i64(&c);
	r->session = get_str(&c);
	r->src = get_str(&c);
	r->text = get_strn(&c, &r->len);
	r->time = get_str(&c);
	r->expanded = get_str(&c);
	r->code = get_str(&c);
	unpack_arrays(&c, r, arrays);
	for (i = 0; r->type == SL_SESSION && i < SL_F_COUNT; i++)
		r->f[i] = get_str(&c);
	if (c.bad || r->type > SL_RAW) {
		free(*arrays);
		*arrays = NULL;
		return 0;
	}
	return n - c.n;
}

/* ---------------------------------------------------------- plumbing */

static int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		/* send() on the job socket: a dead worker is EPIPE, not a
		 * signal; write() on the result pipe, where SIGPIPE (the
		 * parent is gone) is what should end a worker. */
		w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, s, n);
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

/* A frame in b: 5 header bytes left free by frame_begin. */
static void
frame_begin(struct sl_buf *b)
{
	sl_buf_reset(b);
	sl_buf_add(b, "\0\0\0\0\0", 5);
}

static void
frame_send(int fd, struct sl_buf *b, int type)
{
	uint32_t len = (uint32_t)(b->len - 5);

	b->buf[0] = (char)type;
	memcpy(b->buf + 1, &len, sizeof(len));
	if (write_all(fd, b->buf, b->len) != 0)
		_exit(EXIT_FAILURE);	/* the parent is gone */
	frame_begin(b);
}

/* ------------------------------------------------------------ worker */

static struct sl_workers *self;		/* in a worker process */

static void
flush_records(void)
{
	if (self->frame.len > 5)
		frame_send(self->out_fd, &self->frame, FR_RECORDS);
}

static int
worker_put(void *arg, const struct sl_record *r)
{
	(void)arg;
	sl_record_pack(&self->frame, r);
	if (self->frame.len >= FRAME_FLUSH)
		flush_records();
	return SL_OK;
}

static void
worker_msg(int type, const char *where, const char *msg)
{
	struct sl_buf b;

	flush_records();	/* the records before it come first */
	sl_buf_init(&b);
	frame_begin(&b);
	put_str(&b, where);
	put_str(&b, msg);
	frame_send(self->out_fd, &b, type);
	sl_buf_free(&b);
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
 * One job: u32 name length, u32 format index, u64 size, name, bytes.
 * Returns 1 done, 0 no more jobs, -1 a broken job stream.
 */
static int
worker_job(struct sl_workers *ws, int fd, struct sl_buf *job)
{
	uint32_t head[2];
	uint64_t size;
	struct sl_in *in;
	char *name;
	int rc, got;

	if ((got = read_all(fd, head, sizeof(head))) <= 0)
		return got;
	if (read_all(fd, &size, sizeof(size)) != 1 || size > SL_JOB_MAX ||
	    sl_formats[head[1]] == NULL)
		return -1;
	sl_buf_reset(job);
	sl_buf_reserve(job, head[0] + size);
	if (read_all(fd, job->buf, head[0] + size) != 1)
		return -1;
	name = sl_xstrndup(job->buf, head[0]);
	memset(ws->parts.st, 0, sizeof(*ws->parts.st));
	in = sl_in_mem(name, job->buf + head[0], (size_t)size);
	rc = sl_run_read_leaf(ws->run, in, sl_formats[head[1]]);
	sl_in_free(in);
	free(name);
	flush_records();
	frame_begin(job);
	put_i64(job, rc);
	sl_buf_add(job, ws->parts.st, sizeof(*ws->parts.st));
	frame_send(ws->out_fd, job, FR_END);
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
	frame_begin(&ws->frame);
	sl_buf_init(&job);
	while ((rc = worker_job(ws, job_fd, &job)) == 1)
		;
	_exit(rc == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}

/* ------------------------------------------------------------ parent */

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

static int
format_index(const struct sl_format *f)
{
	int i;

	for (i = 0; sl_formats[i] != NULL; i++)
		if (sl_formats[i] == f)
			return i;
	return -1;
}

struct sl_workers *
sl_workers_new(struct sl_run *run, int jobs)
{
	struct sl_workers *ws = sl_xcalloc(1, sizeof(*ws));

	ws->run = run;
	sl_run_parts(run, &ws->parts);
	ws->n = jobs;
	ws->w = sl_xcalloc((size_t)jobs, sizeof(*ws->w));
	ws->order = sl_xcalloc((size_t)jobs, sizeof(*ws->order));
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
	void *arrays;
	size_t used;

	while (n > 0) {
		used = sl_record_unpack(p, n, &r, &arrays);
		if (used == 0) {
			ws->stopped = 1;	/* cannot be: the same program */
			return;
		}
		if (!ws->stopped && ws->sink.put(ws->sink.arg, &r) != SL_OK)
			ws->stopped = 1;
		free(arrays);
		p += used;
		n -= used;
	}
}

static void
replay_msg(struct sl_workers *ws, int type, char *p, size_t n)
{
	struct cursor c = { p, n, 0 };
	const char *where = get_str(&c), *msg = get_str(&c);

	if (c.bad)
		return;
	if (type == FR_ERROR && ws->err != NULL)
		ws->err(ws->errarg, where, msg);
	else if (type == FR_INFO && ws->info != NULL)
		ws->info(ws->infoarg, where, msg);
}

/* One frame of w, acted on.  1: the job's end; 0: more; -1: gone. */
static int
collect_frame(struct sl_workers *ws, struct worker *w)
{
	unsigned char head[5];
	uint32_t len;

	if (read_all(w->res_fd, head, sizeof(head)) != 1)
		return -1;
	memcpy(&len, head + 1, sizeof(len));
	sl_buf_reset(&ws->frame);
	sl_buf_reserve(&ws->frame, len);
	if (read_all(w->res_fd, ws->frame.buf, len) != 1)
		return -1;
	ws->frame.len = len;
	switch (head[0]) {
	case FR_RECORDS:
		replay_records(ws, ws->frame.buf, len);
		return 0;
	case FR_ERROR:
	case FR_INFO:
		replay_msg(ws, head[0], ws->frame.buf, len);
		return 0;
	case FR_END:
		if (len != 8 + sizeof(struct sl_stats))
			return -1;
		add_stats(ws->parts.st,
		    (const struct sl_stats *)(void *)(ws->frame.buf + 8));
		return 1;
	}
	return -1;
}

/* Pass on the oldest job handed out; its worker is idle after. */
static int
collect_oldest(struct sl_workers *ws)
{
	struct worker *w = &ws->w[ws->order[ws->head]];
	int rc;

	while ((rc = collect_frame(ws, w)) == 0)
		;
	w->busy = 0;
	ws->head = (ws->head + 1) % ws->n;
	ws->count--;
	if (rc < 0 && !ws->stopped) {
		if (ws->err != NULL)
			ws->err(ws->errarg, NULL, "a worker process failed; "
			    "stopped");
		ws->stopped = 1;
	}
	return ws->stopped ? SL_STOP : SL_OK;
}

static int
send_job(struct sl_workers *ws, struct worker *w, const char *name,
    int fmt, const unsigned char *p, size_t n)
{
	uint32_t head[2] = { (uint32_t)strlen(name), (uint32_t)fmt };
	uint64_t size = n;

	if (write_all(w->job_fd, head, sizeof(head)) != 0 ||
	    write_all(w->job_fd, &size, sizeof(size)) != 0 ||
	    write_all(w->job_fd, name, head[0]) != 0 ||
	    write_all(w->job_fd, p, n) != 0)
		return -1;
	w->busy = 1;
	ws->order[(ws->head + ws->count) % ws->n] = (int)(w - ws->w);
	ws->count++;
	return 0;
}

int
sl_workers_offer(struct sl_workers *ws, struct sl_in *in,
    const struct sl_format *f)
{
	const unsigned char *p;
	size_t n;
	int k, fmt = format_index(f);

	if (ws == NULL || !stands_alone(f) || fmt < 0 ||
	    (!ws->started && start(ws) != 0) || ws->n == 0)
		return SL_DECLINED;
	if (ws->stopped)
		return SL_STOP;
	n = sl_in_peek_whole(in, &p, SL_JOB_MAX);
	if (n == SIZE_MAX)
		return SL_DECLINED;
	if (ws->count == ws->n && collect_oldest(ws) != SL_OK)
		return SL_STOP;
	for (k = 0; ws->w[k].busy; k++)
		;
	if (send_job(ws, &ws->w[k], sl_in_name(in), fmt, p, n) != 0) {
		if (ws->err != NULL)
			ws->err(ws->errarg, NULL, "a worker process failed; "
			    "stopped");
		ws->stopped = 1;
		return SL_STOP;
	}
	return SL_OK;
}

int
sl_workers_drain(struct sl_workers *ws)
{
	if (ws == NULL)
		return SL_OK;
	while (ws->count > 0)
		collect_oldest(ws);
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
		while (waitpid(ws->w[k].pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	sl_buf_free(&ws->frame);
	free(ws->w);
	free(ws->order);
	free(ws);
}
