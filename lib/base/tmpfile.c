/*
 * tmpfile.c: scratch files for spools and sorters.  Unlinked as soon as
 * they are made, so that nothing is left behind whatever happens to the
 * run (a crash, a signal, a closed pipe).
 */
#include <errno.h>
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
