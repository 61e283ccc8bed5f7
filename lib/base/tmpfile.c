/*
 * tmpfile.c: scratch files for spools and sorters.  Unlinked as soon as
 * they are made, so that nothing is left behind whatever happens to the
 * run (a crash, a signal, a closed pipe).
 */
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"

const char *
sl_tmpdir(const char *dir)
{
	if (dir == NULL || *dir == '\0')
		dir = getenv("TMPDIR");
	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

int
sl_tmpfile(const char *dir, const char *tag)
{
	struct sl_buf path;
	int fd, e;

	sl_buf_init(&path);
	sl_buf_printf(&path, "%s/%s.XXXXXX", sl_tmpdir(dir), tag);
	fd = mkostemp(path.buf, O_CLOEXEC);
	e = errno;
	if (fd >= 0)
		(void)unlink(path.buf);
	sl_buf_free(&path);
	errno = e;
	return fd;
}

/* ------------------------------------------------ reading and writing */

/*
 * Scratch files are read and written at offsets (several readers share
 * one descriptor), in full: a short count is retried, EINTR too.  No
 * progress is an error with errno EIO (a write that took nothing, a file
 * shorter than it should be): errno would be stale otherwise.
 */
static int
at_offset_all(int fd, char *c, size_t n, long long off, int writing)
{
	ssize_t k;

	while (n > 0) {
		k = writing ? pwrite(fd, c, n, (off_t)off) :
		    pread(fd, c, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0)
			errno = EIO;
		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
		off += k;
	}
	return 0;
}

int
sl_pwrite_all(int fd, const void *p, size_t n, long long off)
{
	/* Written from, never to: the cast only shares the loop. */
	return at_offset_all(fd, (char *)(uintptr_t)p, n, off, 1);
}

int
sl_pread_all(int fd, void *p, size_t n, long long off)
{
	return at_offset_all(fd, p, n, off, 0);
}
