/*
 * outfile.c: the one output layer of every tool (sl-redact -o, sl-report
 * -o and --save-state, sl-convert): output files that appear whole or
 * not at all, and never anywhere but where they were asked for.
 *
 * A regular file is written under a temporary name in its own folder (so
 * that rename is atomic) and put in place when complete; on failure the
 * temporary file goes and nothing else changes.  An existing file is
 * replaced only with --force, and only when it is a regular file: a
 * symbolic link is never followed, nor replaced.  The path a user names
 * may be a device or FIFO (/dev/null, /dev/stdout, a named pipe): it is
 * written in place, as there is nothing to rename.  Names made from input
 * (one file per session or per input under an output folder) are opened
 * component by component from that folder, never following a link, so a
 * link planted in the folder cannot send them elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/output.h"

#define TMP_TRIES	64
#define TMP_BASE_MAX	200	/* of the name kept in a temporary name */

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

static void
ofile_init(struct sl_ofile *o, int force)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->dirfd = -1;
	o->force = force;
}

/*
 * A fresh temporary file next to o->base in o->dirfd, created with
 * O_EXCL | O_NOFOLLOW: never an existing file, never through a link.
 */
static int
make_temp(struct sl_ofile *o, const char *dir, char *err, size_t errlen)
{
	unsigned char rnd[6];
	size_t blen = SL_MIN(strlen(o->base), (size_t)TMP_BASE_MAX), i;
	int tries;

	o->tmpbase = sl_xmalloc(blen + 16);
	o->tmp = sl_xmalloc(strlen(dir) + blen + 18);
	for (tries = 0; tries < TMP_TRIES; tries++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			for (i = 0; i < sizeof(rnd); i++)
				rnd[i] = (unsigned char)(rand() ^ getpid());
		snprintf(o->tmpbase, blen + 16, ".%.*s.%02x%02x%02x%02x%02x%02x",
		    (int)blen, o->base, rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
		    rnd[5]);
		o->fd = openat(o->dirfd, o->tmpbase, O_WRONLY | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (o->fd >= 0) {
			sprintf(o->tmp, "%s/%s", dir, o->tmpbase);
			return SL_OK;
		}
		if (errno != EEXIST)
			break;
	}
	fail(err, errlen, dir, "cannot create a file there", errno);
	free(o->tmpbase);
	free(o->tmp);
	o->tmpbase = o->tmp = NULL;
	return SL_FATAL;
}

/*
 * What is at base in dirfd now decides: nothing, or a regular file with
 * force, gets a temporary file; a device or FIFO the user named is
 * written in place; anything else is refused.
 */
static int
open_target(struct sl_ofile *o, const char *dir, int named, char *err,
    size_t errlen)
{
	struct stat st, to;

	if (fstatat(o->dirfd, o->base, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT) {
			fail(err, errlen, o->final, "cannot look at it", errno);
			return SL_FATAL;
		}
		return make_temp(o, dir, err, errlen);
	}
	if (S_ISREG(st.st_mode)) {
		if (!o->force) {
			fail(err, errlen, o->final,
			    "exists (use --force to replace it)", 0);
			return SL_FATAL;
		}
		return make_temp(o, dir, err, errlen);
	}
	if (S_ISDIR(st.st_mode)) {
		fail(err, errlen, o->final, "is a folder", 0);
		return SL_FATAL;
	}
	/* /dev/null, /dev/stdout (a link to one), a named pipe. */
	if (named && fstatat(o->dirfd, o->base, &to, 0) == 0 &&
	    (S_ISCHR(to.st_mode) || S_ISFIFO(to.st_mode))) {
		o->fd = openat(o->dirfd, o->base, O_WRONLY | O_NOCTTY |
		    O_CLOEXEC);
		if (o->fd < 0) {
			fail(err, errlen, o->final, "cannot open", errno);
			return SL_FATAL;
		}
		return SL_OK;
	}
	fail(err, errlen, o->final, S_ISLNK(st.st_mode) ?
	    "is a symbolic link: not followed, not replaced" :
	    "is not a regular file: not replaced", 0);
	return SL_FATAL;
}

int
sl_ofile_open(struct sl_ofile *o, const char *path, int force, char *err,
    size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir = dir_of(path);
	int rc;

	ofile_init(o, force);
	o->final = sl_xstrdup(path);
	o->base = sl_xstrdup(slash != NULL ? slash + 1 : path);
	if (o->base[0] == '\0') {
		fail(err, errlen, path, "is a folder", 0);
		rc = SL_FATAL;
	} else if ((o->dirfd = open(dir, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		fail(err, errlen, dir, "cannot create a file there", errno);
		rc = SL_FATAL;
	} else
		rc = open_target(o, dir, 1, err, errlen);
	free(dir);
	if (rc != SL_OK)
		sl_ofile_abort(o);
	return rc;
}

/* Is part a name a relative path may hold (not "", ".", "..")? */
static int
plain_part(const char *part, size_t n)
{
	return n > 0 && !(n == 1 && part[0] == '.') &&
	    !(n == 2 && part[0] == '.' && part[1] == '.');
}

/*
 * Open (making it when missing) the folder part of rel under o->dirfd,
 * one component at a time and never through a link: o->dirfd ends as
 * that folder, *base points at the last component.
 */
static int
walk_folders(struct sl_ofile *o, const char *rel, const char **base,
    char *err, size_t errlen)
{
	const char *p = rel, *slash;
	char *part;
	int fd;

	while ((slash = strchr(p, '/')) != NULL) {
		if (!plain_part(p, (size_t)(slash - p))) {
			fail(err, errlen, o->final, "not a plain relative name",
			    0);
			return SL_FATAL;
		}
		part = sl_xstrndup(p, (size_t)(slash - p));
		if (mkdirat(o->dirfd, part, 0777) != 0 && errno != EEXIST) {
			fail(err, errlen, o->final, "cannot create its folder",
			    errno);
			free(part);
			return SL_FATAL;
		}
		fd = openat(o->dirfd, part, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		free(part);
		if (fd < 0) {
			fail(err, errlen, o->final, errno == ELOOP ||
			    errno == ENOTDIR ? "a folder on the way is a "
			    "symbolic link or a file: not followed" :
			    "cannot open its folder", errno == ELOOP ||
			    errno == ENOTDIR ? 0 : errno);
			return SL_FATAL;
		}
		close(o->dirfd);
		o->dirfd = fd;
		p = slash + 1;
	}
	if (!plain_part(p, strlen(p))) {
		fail(err, errlen, o->final, "not a plain relative name", 0);
		return SL_FATAL;
	}
	*base = p;
	return SL_OK;
}

int
sl_ofile_open_in(struct sl_ofile *o, const char *root, const char *rel,
    int force, char *err, size_t errlen)
{
	const char *base = NULL;
	char *dir;
	int rc;

	size_t rlen = strlen(root);

	ofile_init(o, force);
	while (rlen > 1 && root[rlen - 1] == '/')
		rlen--;
	o->final = sl_xmalloc(rlen + strlen(rel) + 2);
	sprintf(o->final, "%.*s/%s", (int)rlen, root, rel);
	o->dirfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		fail(err, errlen, root, "cannot create a file there", errno);
		sl_ofile_abort(o);
		return SL_FATAL;
	}
	rc = walk_folders(o, rel, &base, err, errlen);
	if (rc == SL_OK) {
		o->base = sl_xstrdup(base);
		dir = dir_of(o->final);
		rc = open_target(o, dir, 0, err, errlen);
		free(dir);
	}
	if (rc != SL_OK)
		sl_ofile_abort(o);
	return rc;
}

int
sl_ofile_scratch(const struct sl_ofile *o)
{
	int fd;

	fd = openat(o->dirfd, ".", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR &&
	    errno != EINVAL))
		return fd;
	/* A file system without O_TMPFILE: a name, gone at once. */
	{
		char name[32];
		unsigned r = (unsigned)getpid();
		int tries;

		for (tries = 0; tries < TMP_TRIES; tries++) {
			snprintf(name, sizeof(name), ".sl-scratch.%08x",
			    r ^ (unsigned)rand());
			fd = openat(o->dirfd, name, O_RDWR | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
			if (fd >= 0) {
				unlinkat(o->dirfd, name, 0);
				return fd;
			}
			if (errno != EEXIST)
				break;
		}
	}
	return -1;
}

/* Put the finished temporary file at its name (never over one: !force). */
static int
put_in_place(struct sl_ofile *o, char *err, size_t errlen)
{
	if (o->force) {
		if (renameat(o->dirfd, o->tmpbase, o->dirfd, o->base) == 0)
			return SL_OK;
		fail(err, errlen, o->final, "cannot rename into place", errno);
		return SL_FATAL;
	}
	/* linkat() refuses to replace: nothing appears meanwhile. */
	if (linkat(o->dirfd, o->tmpbase, o->dirfd, o->base, 0) == 0)
		return SL_OK;
	if (errno == EEXIST || fstatat(o->dirfd, o->base, &(struct stat){ 0 },
	    AT_SYMLINK_NOFOLLOW) == 0) {
		fail(err, errlen, o->final, "exists (use --force to replace it)",
		    0);
		return SL_FATAL;
	}
	/* A file system without hard links: the check above must do. */
	if (renameat(o->dirfd, o->tmpbase, o->dirfd, o->base) == 0)
		return SL_OK;
	fail(err, errlen, o->final, "cannot rename into place", errno);
	return SL_FATAL;
}

int
sl_ofile_commit(struct sl_ofile *o, char *err, size_t errlen)
{
	int rc = SL_OK;

	if (o->final == NULL)
		return SL_OK;
	if (o->tmp == NULL) {
		/* In place: a device or FIFO. */
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
		rc = SL_FATAL;
	} else if (close(o->fd) != 0) {
		fail(err, errlen, o->final, "write error", errno);
		rc = SL_FATAL;
	}
	o->fd = -1;
	if (rc == SL_OK)
		rc = put_in_place(o, err, errlen);
	sl_ofile_abort(o);	/* the temporary name goes either way */
	return rc;
}

void
sl_ofile_abort(struct sl_ofile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmpbase != NULL && o->dirfd >= 0)
		unlinkat(o->dirfd, o->tmpbase, 0);
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = -1;
	free(o->tmp);
	free(o->tmpbase);
	free(o->base);
	free(o->final);
	o->tmp = o->tmpbase = o->base = o->final = NULL;
}
