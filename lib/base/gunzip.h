/*
 * gunzip.h: gzip data in memory decompressed into a buffer, bounded.
 * The one in-memory gunzip of lib/ and formats/ (streams go through
 * lib/input/).  Internal.
 */
#ifndef SL_BASE_GUNZIP_H
#define SL_BASE_GUNZIP_H

#include <stddef.h>

#include "sl.h"

/* How to decompress, and what happened (errors as values). */
struct sl_gunzip {
	/* Set by the caller. */
	size_t max;		/* bytes out at most (0: no limit) */
	unsigned flags;		/* SL_GUNZIP_* */
	long long *brks;	/* NULL, or room for nbrk_max offsets */
	int nbrk_max;
	/* Set by sl_gunzip(). */
	int nbrk;		/* offsets in out where the data breaks */
	char err[160];		/* the first problem, "" when none */
};

/*
 * SL_GUNZIP_SKIP: a corrupt member is skipped to the next member and the
 * offset where the data breaks kept in brks.  Without it corruption ends
 * the work (-1).
 */
#define SL_GUNZIP_SKIP		0x1
/*
 * SL_GUNZIP_PREFIX: p holds only the first bytes of the data (a peek):
 * an early end is no error, and output beyond max is dropped, not
 * refused.
 */
#define SL_GUNZIP_PREFIX	0x2

/*
 * Decompress the gzip members (several, concatenated; zero padding after
 * the last one is ignored) in p[0, n), appending to out.  Returns 0,
 * 1 (corrupt data skipped: SL_GUNZIP_SKIP), or -1 (the rest is lost:
 * corrupt, truncated, over max).  g->err says why when not 0.
 */
int sl_gunzip(const void *p, size_t n, struct sl_buf *out,
    struct sl_gunzip *g);

#endif /* SL_BASE_GUNZIP_H */
