/*
 * base.h: the helpers of lib/base/, which know nothing of logs:
 * allocation, hooks and errors, times, UTF-8, SHA-256.
 */
#ifndef SL_BASE_H
#define SL_BASE_H

#include <string.h>
#include <sys/types.h>

#include "sl.h"

#define SL_UNUSED(x)	((void)(x))
#define SL_MIN(a, b)	((a) < (b) ? (a) : (b))
#define SL_MAX(a, b)	((a) > (b) ? (a) : (b))

/* Does p[0, n) start with the string prefix? */
static inline int
sl_starts(const char *p, size_t n, const char *prefix)
{
	size_t l = strlen(prefix);

	return n >= l && memcmp(p, prefix, l) == 0;
}

/* The first lit[0, k) in s[0, n) (k > 0), or NULL: a memchr() for its
 * first byte, far cheaper than memmem() on the short rows of a
 * terminal. */
static inline const char *
sl_find(const char *s, size_t n, const char *lit, size_t k)
{
	const char *p = s, *end = s + n;

	while ((size_t)(end - p) >= k &&
	    (p = memchr(p, lit[0], (size_t)(end - p) - k + 1)) != NULL) {
		if (memcmp(p, lit, k) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Allocation that cannot fail: out of memory calls the oom hook, then
 * abort(3) (lib/base/util.c). */
void *sl_xmalloc(size_t n);
void *sl_xcalloc(size_t n, size_t sz);
void *sl_xrealloc(void *p, size_t n);
char *sl_xstrdup(const char *s);
char *sl_xstrndup(const char *s, size_t n);
/* Call the broken_pipe hook of struct sl_hooks, if one is set. */
void sl_hook_broken_pipe(void);

/* Fill e (may be NULL) with code, errno sys and a message; returns code. */
int sl_error_set(struct sl_error *e, int code, int sys, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/*
 * For a public function over an internal one of the (char *err, size_t
 * errlen) kind: clear e and give its msg as the buffer (sizeof e->msg
 * bytes), then record the status the call returned.
 */
char *sl_error_clear(struct sl_error *e);
int sl_error_status(struct sl_error *e, int rc);

/* ---------------------------------------------------------------- times */

/* ISO time without a zone taken as UTC (Logs Insights), or with one. */
int sl_time_utc(const char *s, size_t n, long long *ms);

/* ---------------------------------------------------------------- utf8 */

/*
 * Decode one UTF-8 sequence at p (n bytes available).  Returns its length
 * and stores the code point; invalid input gives U+FFFD and the length of
 * the maximal invalid subpart (at least 1).  Returns 0 when more bytes are
 * needed to decide (only when n < 4).
 */
size_t sl_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);
/* Text, not binary: no NUL, few invalid UTF-8 bytes. */
int sl_looks_text(const unsigned char *p, size_t n);

/* The folder for scratch files: dir, else $TMPDIR, else /tmp. */
const char *sl_tmpdir(const char *dir);
/* A scratch file "TAG.XXXXXX" in sl_tmpdir(dir), already unlinked and
 * close-on-exec: its descriptor, or -1 with errno set. */
int sl_tmpfile(const char *dir, const char *tag);
/* Write or read all n bytes at offset off of fd, retrying short counts
 * and EINTR: 0, or -1 with errno set (EIO: the file ended first). */
int sl_pwrite_all(int fd, const void *p, size_t n, long long off);
int sl_pread_all(int fd, void *p, size_t n, long long off);
/* Encode cp; returns length (1..4). */
size_t sl_utf8_encode(uint32_t cp, char out[4]);
/* Length of the longest valid UTF-8 prefix of p. */
size_t sl_utf8_valid_prefix(const unsigned char *p, size_t n);
/* Is s NULL or valid UTF-8 (ASCII checked a word at a time)? */
int sl_utf8_str_valid(const char *s);

/* ---------------------------------------------------------------- heap */

/*
 * A min-heap of the caller's slots (indices of its runs, cursors) by
 * less(ctx, a, b), for k-way merges (lib/base/heap.c).  The caller adds
 * slots as v[n++] (at most cap) and then calls sl_heap_build; the least
 * is v[0] while n > 0.  Ties keep no order: less must be total.
 */
struct sl_heap {
	size_t *v;		/* owned: sl_heap_free */
	size_t n;
	int (*less)(const void *ctx, size_t a, size_t b);
	const void *ctx;
};
void sl_heap_init(struct sl_heap *h, size_t cap,
    int (*less)(const void *ctx, size_t a, size_t b), const void *ctx);
void sl_heap_build(struct sl_heap *h);
/* v[0]'s key grew (its run moved on): put it back in its place. */
void sl_heap_top_moved(struct sl_heap *h);
/* Remove v[0] (its run is done); n > 0. */
void sl_heap_pop(struct sl_heap *h);
void sl_heap_free(struct sl_heap *h);

/* ------------------------------------------------------------- SHA-256 */

/* SHA-256 (lib/base/sha256.c): incremental, or one-shot with sl_sha256. */
struct sl_sha256_ctx {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t n;
};

void sl_sha256_init(struct sl_sha256_ctx *c);
void sl_sha256_update(struct sl_sha256_ctx *c, const void *p, size_t n);
/* Store the digest and wipe c. */
void sl_sha256_final(struct sl_sha256_ctx *c, unsigned char out[32]);
void sl_sha256(const void *p, size_t n, unsigned char out[32]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sl_sha256_hex(const unsigned char d[32], char out[65]);

#endif /* SL_BASE_H */
