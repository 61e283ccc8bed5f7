/*
 * output.h: output files put in place when complete (outfile.c) and
 * archives for retention (archive_out.c), of lib/output/; the checked
 * buffered output itself (out.c) is public (sl.h).
 */
#ifndef SL_OUTPUT_H
#define SL_OUTPUT_H

#include "base/base.h"

/* What an sl_out buffers before it writes: sl_out_appended() writes out
 * once this much was appended in place. */
#define SL_OUT_BUF	(1 << 16)

/*
 * An output whose bytes go to fn(arg, ...) as they would to a file: in
 * pieces of up to SL_OUT_BUF, or whole for one write (or one piece of
 * sl_out_writev()) of 4 KiB or more: fn copies what it is given (a -j
 * worker's redacted input, sent to the parent); fn failing is a write
 * error.  Never gzip.  NULL: no memory.
 */
struct sl_out *sl_out_fn(sl_writefn fn, void *arg, const char *name);

/*
 * Write what is buffered, then the n pieces iov[] in order, in as few
 * system calls as writev(2) takes, copying none of them (a redactor's
 * unchanged stretches of a file read in place, with the markers between
 * them).  Through gzip or fn, piece by piece as sl_out_write().  SL_OK,
 * or SL_FATAL (the error is sticky, as for every write).
 */
struct iovec;
int sl_out_writev(struct sl_out *o, const struct iovec *iov, int n);

/* An output file in the making (lib/output/outfile.c). */
struct sl_ofile {
	char *final;		/* where it goes (for messages) */
	char *tmp;		/* its temporary path; NULL: written in place */
	int fd;
	int force;
	int dirfd;		/* the folder it goes in */
	char *base;		/* its name there */
	char *tmpbase;		/* its temporary name there */
};

/* Does anything (a dangling link too) exist at path? */
int sl_ofile_exists(const char *path);
/*
 * Start writing path, a name the user gave: a regular file goes to a
 * temporary name in its folder; an existing one is refused unless force;
 * a symbolic link is refused (never followed, never replaced) unless it
 * names a device or FIFO, which, named directly too, is opened in place.
 * SL_OK, or SL_FATAL with a message in err.
 */
int sl_ofile_open(struct sl_ofile *o, const char *path, int force,
    char *err, size_t errlen);
/*
 * The same for root/rel, rel a name made from input ("a/b/c.log", no ".",
 * ".." or empty parts): its folders are made under root as needed and
 * entered without following a link; anything at rel but a regular file
 * (replaced with force) is refused.
 */
int sl_ofile_open_in(struct sl_ofile *o, const char *root, const char *rel,
    int force, char *err, size_t errlen);
/* An unnamed read-write file in o's folder (for archive members), or -1. */
int sl_ofile_scratch(const struct sl_ofile *o);
/* Sync, close and put in place (never over a file, unless force). */
int sl_ofile_commit(struct sl_ofile *o, char *err, size_t errlen);
/* Give up: close and remove the temporary file. */
void sl_ofile_abort(struct sl_ofile *o);

/* Archives for retention (lib/output/archive_out.c). */
enum sl_archive_kind { SL_AR_NONE, SL_AR_TAR, SL_AR_TGZ, SL_AR_ZIP };
struct sl_archive_out;

/* The kind a file name asks for (.tar, .tar.gz, .tgz, .zip). */
enum sl_archive_kind sl_archive_kind(const char *name);
/* An archive written to fd (not closed); members dated mtime (s). */
struct sl_archive_out *sl_archive_open(int fd, enum sl_archive_kind kind,
    long long mtime, const char *name, char *err, size_t errlen);
/*
 * Add the size bytes of fd (read from its start) as member name, and
 * store their SHA-256 in hex.  SL_OK, or SL_FATAL with a message.
 */
int sl_archive_add_fd(struct sl_archive_out *a, const char *name, int fd,
    long long size, char hex[65], char *err, size_t errlen);
int sl_archive_add_mem(struct sl_archive_out *a, const char *name,
    const void *p, size_t n, char *err, size_t errlen);
/* Finish the archive (and free a).  SL_OK or SL_FATAL. */
int sl_archive_close(struct sl_archive_out *a, char *err, size_t errlen);
/* Free a after a failure. */
void sl_archive_abort(struct sl_archive_out *a);

#endif /* SL_OUTPUT_H */
