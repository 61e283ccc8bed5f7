/*
 * outfile.c: output files that appear whole or not at all.  A regular
 * file is written under a temporary name in its own folder (so rename is
 * atomic) and put in place when complete; an existing file is replaced
 * only when asked.  A device or FIFO (/dev/null, /dev/full, a pipe) is
 * written directly: there is nothing to rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "writer.h"

static void
fail(char *err, size_t errlen, const char *path, const char *what, int e)
{
	if (e != 0)
		snprintf(err, errlen, "%s: %s: %s", path, what, strerror(e));
	else
		snprintf(err, errlen, "%s: %s", path, what);
}

/* The folder part of path ("." when it has none), malloc'd. */
static char *
dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return sl_xstrdup(".");
	if (slash == path)
		return sl_xstrdup("/");
	return sl_xstrndup(path, (size_t)(slash - path));
}

int
sl_ofile_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int
sl_ofile_open(struct sl_ofile *o, const char *path, int force, char *err,
    size_t errlen)
{
	struct stat st;
	const char *base;
	char *dir;
	mode_t mask;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->force = force;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode)) {
			fail(err, errlen, path, "is a folder", 0);
			return SL_FATAL;
		}
		/* A device, FIFO or socket: written in place. */
		o->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (o->fd < 0) {
			fail(err, errlen, path, "cannot open", errno);
			return SL_FATAL;
		}
		o->final = sl_xstrdup(path);
		return SL_OK;
	}
	if (!force && sl_ofile_exists(path)) {
		fail(err, errlen, path, "exists (use --force to replace it)", 0);
		return SL_FATAL;
	}
	dir = dir_of(path);
	base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
	o->tmp = sl_xmalloc(strlen(dir) + strlen(base) + 16);
	sprintf(o->tmp, "%s/.%s.XXXXXX", dir, base);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		fail(err, errlen, dir, "cannot create a file there", errno);
		free(dir);
		free(o->tmp);
		o->tmp = NULL;
		return SL_FATAL;
	}
	free(dir);
	/* mkstemp makes 0600; output files get the usual mode. */
	mask = umask(0);
	umask(mask);
	(void)fchmod(o->fd, 0666 & ~mask);
	o->final = sl_xstrdup(path);
	return SL_OK;
}

int
sl_ofile_commit(struct sl_ofile *o, char *err, size_t errlen)
{
	int rc = SL_OK;

	if (o->final == NULL)
		return SL_OK;
	if (o->tmp == NULL) {
		if (o->fd >= 0 && close(o->fd) != 0) {
			fail(err, errlen, o->final, "write error", errno);
			rc = SL_FATAL;
		}
		o->fd = -1;
		sl_ofile_abort(o);
		return rc;
	}
	if (fsync(o->fd) != 0 && errno != EINVAL && errno != EROFS) {
		fail(err, errlen, o->final, "write error", errno);
		sl_ofile_abort(o);
		return SL_FATAL;
	}
	if (close(o->fd) != 0) {
		o->fd = -1;
		fail(err, errlen, o->final, "write error", errno);
		sl_ofile_abort(o);
		return SL_FATAL;
	}
	o->fd = -1;
	if (o->force) {
		if (rename(o->tmp, o->final) != 0) {
			fail(err, errlen, o->final, "cannot rename into place",
			    errno);
			rc = SL_FATAL;
		}
	} else if (link(o->tmp, o->final) != 0) {
		/* link() refuses to replace: nothing appears meanwhile. */
		if (errno == EEXIST) {
			fail(err, errlen, o->final,
			    "exists (use --force to replace it)", 0);
			rc = SL_FATAL;
		} else if (sl_ofile_exists(o->final)) {
			fail(err, errlen, o->final,
			    "exists (use --force to replace it)", 0);
			rc = SL_FATAL;
		} else if (rename(o->tmp, o->final) != 0) {
			/* A file system without hard links. */
			fail(err, errlen, o->final, "cannot rename into place",
			    errno);
			rc = SL_FATAL;
		}
	}
	sl_ofile_abort(o);	/* the temporary name goes either way */
	return rc;
}

void
sl_ofile_abort(struct sl_ofile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->final);
	o->tmp = NULL;
	o->final = NULL;
}
