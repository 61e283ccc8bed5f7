/*
 * input_in.h: an open input's state (struct sl_in, its sources: fd, gzip,
 * archive member) shared by the files of lib/input/input*.c, and the few
 * functions that cross them.  Internal: only those files include it.
 * (made by the split tool)
 */
#ifndef SL_INPUT_IN_H
#define SL_INPUT_IN_H
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

#define IN_BUFSZ	(256 * 1024)	/* one buffer per layer */
#define IN_SNIFF	(32768 + 7)	/* bytes looked at: ISO 9660 is deepest */
#define ARC_SEEN	16		/* ranges remembered for the ratio */

enum {
	ERR_NONE,
	ERR_PENDING,		/* set by a fill, not yet reported */
	ERR_REPORTED,		/* reported by this layer */
	ERR_TAKEN		/* handed to the layer above */
};

struct sl_in {
	char *name;
	const unsigned char *data;	/* visible bytes are data[r, w) */
	unsigned char *buf;		/* our buffer; NULL over memory */
	size_t cap;
	size_t r;
	size_t w;
	int eof;			/* fill will not be called again */
	int cont;			/* the last line piece had *more set */
	long long lineno;
	long long off;			/* bytes consumed */
	long long produced;		/* bytes the fill made (for stats) */
	int seekfd;			/* fd of a regular file at offset 0, or -1 */
	int errstate;
	char errmsg[512];
	int resynced;			/* an error was reported, data skipped */
	int refused;			/* the rest was refused as a bomb */
	long long *brk;			/* offsets where data was skipped */
	size_t nbrk;

	/*
	 * Append up to n bytes at dst.  Returns the count, 0 at the end, or
	 * -1 after in_seterr().  A fill may also return bytes and set an
	 * error: those bytes are delivered first.
	 */
	ssize_t (*fill)(struct sl_in *in, unsigned char *dst, size_t n);
	void (*close)(struct sl_in *in);
	/*
	 * A file read in place (input_map.c): its mapping, NULL for every
	 * other input.  Once r passes behind_at, in_map_behind() lets the
	 * pages read go (SIZE_MAX: never, and for every other input).
	 */
	const void *map;
	size_t maplen;
	int mapslot;
	size_t behind_at;
	void *ctx;
	sl_errfn err;
	void *errarg;
};

struct walk {
	sl_leaf_fn fn;
	sl_take_fn take;	/* NULL: the walk opens every file itself */
	void *arg;
	sl_errfn err;
	void *errarg;
	struct sl_stats *st;
	int rejected;
	/*
	 * One input buffer kept between inputs: a folder of many small
	 * files would otherwise allocate and free IN_BUFSZ for each.
	 */
	unsigned char *spare;
};

enum { K_PLAIN, K_GZIP, K_ARCHIVE };

struct arc {
	struct archive *a;
	struct sl_in *lower;
	struct {
		long long a, b;
	} seen[ARC_SEEN];	/* bytes handed to libarchive: disjoint [a, b) */
	int nseen;
	long long unseen;	/* handed when seen[] was full */
	long long out_total;	/* member bytes produced */
	int lower_failed;	/* the error is the lower layer's own */
	int fatal;		/* the archive cannot go on */
	int stop;		/* refused (ratio): read no more members */
	const char *comp;	/* compression seen in the first bytes, or NULL */

	/* the current member */
	const unsigned char *blk;
	size_t blen;
	long long pos;		/* offset just past blk */
	long long hole;		/* zeros owed before blk (sparse files) */
	int entry_end;
	/* A member showing a block where it lies (in_member_view()), while
	 * libarchive is asked whether the entry ends there. */
	struct sl_in *view;
	/* A block libarchive gave that in_member_fill() has yet to take. */
	struct {
		int r;
		const void *blk;
		size_t len;
		la_int64_t off;
	} next;
	int has_next;
};

/* Defined in one file of input, used by another. */
void	in_walk_report(struct walk *w, const char *where, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	in_seterr(struct sl_in *in, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	in_take(struct sl_in *in, struct sl_in *lo);
void	in_report(struct sl_in *in);
void	in_tidy_msg(char *s);
void	in_bomb_err(struct sl_in *in);
int	in_over_ratio(long long out, long long in);
struct sl_in	*in_new(const char *name, const struct walk *w);
size_t	in_round_buf(size_t need);
void	in_fill_to(struct sl_in *in, size_t need);
ssize_t	in_fd_fill(struct sl_in *in, unsigned char *dst, size_t n);
struct sl_in	*in_fd_new(const struct walk *w, int fd, const char *name, int own, int seekable,
    int fifo);
int	in_map(struct sl_in *in);
size_t	in_map_size(const struct sl_in *in, size_t upto);
void	in_map_behind(struct sl_in *in);
void	in_unmap(struct sl_in *in);
void	in_map_check(struct sl_in *in, size_t upto);
struct sl_in	*in_gz_new(const struct walk *w, struct sl_in *lo);
int	in_gz_goes_on(const struct sl_in *in);
ssize_t	in_ahead_view(struct sl_in *in, const unsigned char **p, size_t n);
ssize_t	in_ahead_fill(struct sl_in *in, unsigned char *dst, size_t n);
struct sl_in	*in_ahead_new(const struct walk *w, struct sl_in *gz, const struct sl_in *lo);
int	in_sniff_magic(const unsigned char *p, size_t n);
const char	*in_comp_name(const unsigned char *p, size_t n);
void	in_arc_report(struct walk *w, struct arc *ar, const char *where);
ssize_t	in_member_fill(struct sl_in *in, unsigned char *dst, size_t n);
char	*in_member_name(const char *outer, struct archive_entry *e);
struct archive	*in_arc_open(struct arc *ar);
int	in_dict_refused(struct walk *w, struct sl_in *lo, const char *comp);
void	in_member_view(struct arc *ar, struct sl_in *m, long long size);

static inline uint32_t
in_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

#endif /* SL_INPUT_IN_H */
