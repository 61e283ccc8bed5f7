/*
 * out.c: checked, buffered output.  Every write is checked and errors are
 * sticky, so `tool > /dev/full` fails loudly at the end instead of
 * pretending (sbase's fshut()).  EPIPE goes to the caller's broken_pipe
 * hook (the tools end quietly there, even when SIGPIPE was ignored by
 * their parent); without one it is a write error like any other.
 */
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "output/output.h"

struct sl_out {
	int fd;
	/* A write this large goes out from where it lies (sl_out_write):
	 * SL_OUT_BUF, or 4 KiB to fn, which copies what it is given anyway
	 * (in fd's padding: the struct is no larger). */
	unsigned in_place;
	sl_writefn fn;		/* set: bytes go to fn, not fd (sl_out_fn) */
	void *fnarg;
	char *name;
	unsigned flags;
	int err;		/* errno of the first failure */
	z_stream z;
	int zinit;
	/* The bytes not yet written: under SL_OUT_BUF between calls, more
	 * only while a writer appends in place (sl_out_buf). */
	struct sl_buf b;
	char zbuf[SL_OUT_BUF];
};

/* A write(2) or writev(2) returned -1: 0 to try again (a signal came
 * first), else 1 with the error kept (a closed pipe told to the hook). */
static int
failed(struct sl_out *o)
{
	if (errno == EINTR)
		return 0;
	o->err = errno;
	if (o->err == EPIPE)
		sl_hook_broken_pipe();
	return 1;
}

static int
write_all(struct sl_out *o, const char *p, size_t n)
{
	ssize_t w;

	if (o->fn != NULL) {		/* sl_out_fn */
		if (n > 0 && o->err == 0 && o->fn(o->fnarg, p, n) != SL_OK)
			o->err = EIO;
		return o->err == 0 ? SL_OK : SL_FATAL;
	}
	while (n > 0 && o->err == 0) {
		w = write(o->fd, p, n);
		if (w < 0) {
			if (failed(o))
				break;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return o->err == 0 ? SL_OK : SL_FATAL;
}

/* Push the buffer through gzip when asked, else straight out. */
static int
drain(struct sl_out *o, int finish)
{
	int zr;

	if (!(o->flags & SL_OUT_GZIP)) {
		write_all(o, o->b.buf, o->b.len);
		o->b.len = 0;
		return o->err == 0 ? SL_OK : SL_FATAL;
	}
	o->z.next_in = (Bytef *)o->b.buf;
	o->z.avail_in = (uInt)o->b.len;
	do {
		o->z.next_out = (Bytef *)o->zbuf;
		o->z.avail_out = sizeof(o->zbuf);
		zr = deflate(&o->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr == Z_STREAM_ERROR) {
			o->err = EIO;
			break;
		}
		write_all(o, o->zbuf, sizeof(o->zbuf) - o->z.avail_out);
	} while (o->err == 0 && (o->z.avail_out == 0 ||
	    (finish && zr != Z_STREAM_END)));
	o->b.len = 0;
	return o->err == 0 ? SL_OK : SL_FATAL;
}

struct sl_out *
sl_out_fd(int fd, const char *name, unsigned flags)
{
	struct sl_out *o = sl_xcalloc(1, sizeof(*o));

	o->fd = fd;
	o->name = sl_xstrdup(name);
	o->flags = flags;
	o->in_place = SL_OUT_BUF;
	sl_buf_init(&o->b);
	sl_buf_reserve(&o->b, SL_OUT_BUF);
	if (flags & SL_OUT_GZIP) {
		if (deflateInit2(&o->z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
		    Z_DEFAULT_STRATEGY) != Z_OK) {
			sl_buf_free(&o->b);
			free(o->name);
			free(o);
			return NULL;
		}
		o->zinit = 1;
	}
	return o;
}

struct sl_out *
sl_out_fn(sl_writefn fn, void *arg, const char *name)
{
	struct sl_out *o = sl_out_fd(-1, name, 0);

	if (o != NULL) {
		o->fn = fn;
		o->in_place = 4096;
		o->fnarg = arg;
	}
	return o;
}

int
sl_out_write(struct sl_out *o, const void *p, size_t n)
{
	const char *s = p;

	if (o->err != 0)
		return SL_FATAL;
	/* A block as large as the buffer (what a -j worker made) goes out
	 * from where it lies, after what is buffered: the same bytes in the
	 * same order, without copying them through the buffer first.  So
	 * does a smaller one to fn, which copies what it is given anyway (a
	 * -j worker, into its frames: a redacted input was copied twice). */
	if (n >= o->in_place && !(o->flags & SL_OUT_GZIP)) {
		if (o->b.len > 0 && drain(o, 0) != SL_OK)
			return SL_FATAL;
		return write_all(o, s, n);
	}
	while (n > 0) {
		size_t k;

		/* Text appended in place (sl_out_buf) may be past SL_OUT_BUF. */
		if (o->b.len >= SL_OUT_BUF) {
			if (drain(o, 0) != SL_OK)
				return SL_FATAL;
			continue;
		}
		k = SL_MIN(n, SL_OUT_BUF - o->b.len);
		memcpy(o->b.buf + o->b.len, s, k);
		o->b.len += k;
		s += k;
		n -= k;
	}
	return SL_OK;
}

/* writev(2) of v[0, n) (at most IOV_MAX) to the end, retried as
 * write_all() is: a short write goes on from where it stopped. */
static int
writev_all(struct sl_out *o, struct iovec *v, int n)
{
	ssize_t w;

	while (n > 0 && o->err == 0) {
		if ((w = writev(o->fd, v, n)) < 0) {
			if (failed(o))
				break;
			continue;
		}
		for (; n > 0 && (size_t)w >= v->iov_len; v++, n--)
			w -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
	return o->err == 0 ? SL_OK : SL_FATAL;
}

int
sl_out_writev(struct sl_out *o, const struct iovec *iov, int n)
{
	struct iovec v[64];
	int i = 0, k;

	if (o->err != 0)
		return SL_FATAL;
	if (o->fn != NULL || (o->flags & SL_OUT_GZIP)) {
		for (; i < n; i++)
			if (sl_out_write(o, iov[i].iov_base, iov[i].iov_len) !=
			    SL_OK)
				return SL_FATAL;
		return SL_OK;
	}
	do {
		k = 0;
		/* The bytes buffered lead the first call: no write of their
		 * own. */
		if (o->b.len > 0) {
			v[k].iov_base = o->b.buf;
			v[k++].iov_len = o->b.len;
			o->b.len = 0;
		}
		while (i < n && k < (int)(sizeof v / sizeof v[0]))
			v[k++] = iov[i++];
		if (writev_all(o, v, k) != SL_OK)
			return SL_FATAL;
	} while (i < n);
	return SL_OK;
}

struct sl_buf *
sl_out_buf(struct sl_out *o)
{
	return &o->b;
}

int
sl_out_appended(struct sl_out *o)
{
	if (o->err != 0) {
		o->b.len = 0;
		return SL_FATAL;
	}
	if (o->b.len < SL_OUT_BUF)
		return SL_OK;
	if (drain(o, 0) != SL_OK)
		return SL_FATAL;
	/* A record far larger than the buffer grew it: give that back. */
	if (o->b.cap > 4 * SL_OUT_BUF) {
		sl_buf_free(&o->b);
		sl_buf_reserve(&o->b, SL_OUT_BUF);
	}
	return SL_OK;
}

int
sl_out_flush(struct sl_out *o)
{
	if (o->err != 0)
		return SL_FATAL;
	if (o->flags & SL_OUT_GZIP)
		return SL_OK;	/* gzip output is flushed at close */
	return drain(o, 0);
}

int
sl_out_close(struct sl_out *o, struct sl_error *err)
{
	int rc = SL_OK;

	if (err != NULL)
		sl_error_clear(err);
	if (o == NULL)
		return SL_OK;
	if (o->err == 0)
		drain(o, 1);
	if (o->zinit)
		deflateEnd(&o->z);
	sl_buf_free(&o->b);
	if (o->fd > 2 && close(o->fd) != 0 && o->err == 0)
		o->err = errno;
	if (o->err != 0)
		rc = sl_error_set(err, SL_FATAL, o->err,
		    "write error on %s: %s", o->name, strerror(o->err));
	free(o->name);
	free(o);
	return rc;
}

const char *
sl_out_name(const struct sl_out *o)
{
	return o->name;
}
