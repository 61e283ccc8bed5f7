/*
 * input_fd.c: the plain source: a file, a pipe or a FIFO read with
 * read(2), waiting on a FIFO's writer.
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

#define FIFO_WAIT_MS	3000		/* for a writer to open a named FIFO */

_Static_assert(IN_BUFSZ >= SL_PEEK, "a peek must fit the first buffer");
_Static_assert(SL_PEEK >= IN_SNIFF, "sniffing is a peek");

struct fdsrc {
	int fd;
	int own;
	int fifo;	/* a named FIFO opened non-blocking, no writer seen */
};
/* --------------------------------------------------- file descriptors */

/* Wait for input on fd; ms < 0: for ever.  Returns poll()'s count. */
static int
wait_in(int fd, int ms)
{
	struct pollfd pfd;
	int r;

	pfd.fd = fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	while ((r = poll(&pfd, 1, ms)) < 0 && errno == EINTR)
		;
	return r;
}

ssize_t
in_fd_fill(struct sl_in *in, unsigned char *dst, size_t n)
{
	struct fdsrc *f = in->ctx;
	ssize_t got;

	for (;;) {
		got = read(f->fd, dst, n);
		if (got > 0 || (got == 0 && !f->fifo)) {
			f->fifo = 0;
			return got;
		}
		if (got == 0) {
			/*
			 * A named FIFO that no writer has opened yet reads as
			 * empty.  Wait for one, but not for ever: nobody may
			 * be coming (a leftover FIFO in a log folder).  Then
			 * data, or EAGAIN (a writer, silent so far), or the
			 * end (a writer came and went) tell what happened.
			 */
			int woke = wait_in(f->fd, FIFO_WAIT_MS);

			got = read(f->fd, dst, n);
			if (got >= 0)
				f->fifo = 0;
			if (got == 0 && woke == 0) {
				in_seterr(in, "no writer on this FIFO after "
				    "%d s, skipped", FIFO_WAIT_MS / 1000);
				return -1;
			}
			if (got >= 0)
				return got;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			/* No data yet (standard input left non-blocking by
			 * someone, or a FIFO whose writer is slow). */
			f->fifo = 0;
			(void)wait_in(f->fd, -1);
			continue;
		}
		in_seterr(in, "read error: %s", strerror(errno));
		return -1;
	}
}

static void
fd_close(struct sl_in *in)
{
	struct fdsrc *f = in->ctx;

	if (f->own)
		(void)close(f->fd);
	free(f);
}

struct sl_in *
in_fd_new(const struct walk *w, int fd, const char *name, int own, int seekable,
    int fifo)
{
	struct sl_in *in = in_new(name, w);
	struct fdsrc *f = sl_xmalloc(sizeof *f);

	f->fd = fd;
	f->own = own;
	f->fifo = fifo;
	in->ctx = f;
	in->fill = in_fd_fill;
	in->close = fd_close;
	if (seekable)
		in->seekfd = fd;
	return in;
}
