/*
 * archive_out.c: tar, tar.gz and zip output through libarchive, for
 * keeping converted sessions together: one member per session file, each
 * hashed (SHA-256) as it is copied in, for the MANIFEST.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/archive_dl.h"
#include "output/output.h"

#define COPY_BUF	(1 << 16)

struct sl_archive_out {
	struct archive *a;
	long long mtime;
	char *name;		/* the archive's, for messages */
};

static int
ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && strcmp(s + n - k, suffix) == 0;
}

enum sl_archive_kind
sl_archive_kind(const char *name)
{
	if (ends(name, ".tar.gz") || ends(name, ".tgz"))
		return SL_AR_TGZ;
	if (ends(name, ".tar"))
		return SL_AR_TAR;
	if (ends(name, ".zip"))
		return SL_AR_ZIP;
	return SL_AR_NONE;
}

/* "ARCHIVE: MEMBER: libarchive's words": the file that failed first. */
static int
ar_fail(struct sl_archive_out *a, const char *member, char *err,
    size_t errlen)
{
	const char *msg = archive_error_string(a->a);
	int e = archive_errno(a->a);

	/* libarchive says "Write error"; the reason is in its errno. */
	if (msg == NULL || strcmp(msg, "Write error") == 0)
		msg = "write error";
	snprintf(err, errlen, "%s: %s%s%s%s%s", a->name, member != NULL ?
	    member : "", member != NULL ? ": " : "", msg, e > 0 ? ": " : "",
	    e > 0 ? strerror(e) : "");
	return SL_FATAL;
}

struct sl_archive_out *
sl_archive_open(int fd, enum sl_archive_kind kind, long long mtime,
    const char *name, char *err, size_t errlen)
{
	struct sl_archive_out *a = sl_xcalloc(1, sizeof(*a));
	int r;

	a->a = archive_write_new();
	a->mtime = mtime;
	a->name = sl_xstrdup(name);
	if (a->a == NULL) {
		snprintf(err, errlen, "%s",
		    sl_archive_dl_failure("out of memory"));
		free(a->name);
		free(a);
		return NULL;
	}
	if (kind == SL_AR_ZIP)
		r = archive_write_set_format_zip(a->a);
	else
		r = archive_write_set_format_pax_restricted(a->a);
	if (r == ARCHIVE_OK && kind == SL_AR_TGZ)
		r = archive_write_add_filter_gzip(a->a);
	if (r == ARCHIVE_OK)
		r = archive_write_set_bytes_in_last_block(a->a, 1);
	if (r == ARCHIVE_OK)
		r = archive_write_open_fd(a->a, fd);
	if (r != ARCHIVE_OK) {
		ar_fail(a, NULL, err, errlen);
		archive_write_free(a->a);
		free(a->name);
		free(a);
		return NULL;
	}
	return a;
}

static struct archive_entry *
entry(struct sl_archive_out *a, const char *name, long long size)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, (time_t)a->mtime, 0);
	return e;
}

int
sl_archive_add_fd(struct sl_archive_out *a, const char *name, int fd,
    long long size, char hex[65], char *err, size_t errlen)
{
	struct archive_entry *e = entry(a, name, size);
	struct sl_sha256_ctx h;
	unsigned char d[32];
	char *buf;
	long long off = 0;
	ssize_t got;
	int rc = SL_OK;

	if (archive_write_header(a->a, e) != ARCHIVE_OK) {
		archive_entry_free(e);
		return ar_fail(a, name, err, errlen);
	}
	archive_entry_free(e);
	sl_sha256_init(&h);
	buf = sl_xmalloc(COPY_BUF);
	while (off < size) {
		got = pread(fd, buf, (size_t)SL_MIN((long long)COPY_BUF,
		    size - off), (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			snprintf(err, errlen, "%s: cannot read back: %s", name,
			    got < 0 ? strerror(errno) : "file shrank");
			rc = SL_FATAL;
			break;
		}
		sl_sha256_update(&h, buf, (size_t)got);
		if (archive_write_data(a->a, buf, (size_t)got) != got) {
			rc = ar_fail(a, name, err, errlen);
			break;
		}
		off += got;
	}
	free(buf);
	sl_sha256_final(&h, d);
	sl_sha256_hex(d, hex);
	return rc;
}

int
sl_archive_add_mem(struct sl_archive_out *a, const char *name,
    const void *p, size_t n, char *err, size_t errlen)
{
	struct archive_entry *e = entry(a, name, (long long)n);

	if (archive_write_header(a->a, e) != ARCHIVE_OK) {
		archive_entry_free(e);
		return ar_fail(a, name, err, errlen);
	}
	archive_entry_free(e);
	if (n > 0 && archive_write_data(a->a, p, n) != (ssize_t)n)
		return ar_fail(a, name, err, errlen);
	return SL_OK;
}

int
sl_archive_close(struct sl_archive_out *a, char *err, size_t errlen)
{
	int rc = SL_OK;

	if (archive_write_close(a->a) != ARCHIVE_OK) {
		rc = ar_fail(a, NULL, err, errlen);
		archive_write_fail(a->a);
	}
	archive_write_free(a->a);
	free(a->name);
	free(a);
	return rc;
}

void
sl_archive_abort(struct sl_archive_out *a)
{
	if (a == NULL)
		return;
	archive_write_fail(a->a);
	archive_write_free(a->a);
	free(a->name);
	free(a);
}
