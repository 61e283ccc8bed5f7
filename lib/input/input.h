/*
 * input.h: the input layer (lib/input/): leaf inputs and the walk
 * over files, compressed streams, archives and directories.
 */
#ifndef SL_INPUT_H
#define SL_INPUT_H

#include "base/base.h"

/* ----------------------------------------------------------- input layer */

/*
 * One leaf input: a plain file, a decompressed stream or an archive
 * member, read through a buffer.  Readers pull bytes or lines from it and
 * never hold more than one buffer of it.
 */
struct sl_in;

/* Name used in src: "path", "-", "a.tar.gz//member". */
const char *sl_in_name(const struct sl_in *in);
/*
 * Make up to want bytes (at most SL_PEEK) visible at *p without consuming
 * them.  Returns how many are visible: fewer only at end of input.
 */
size_t sl_in_peek(struct sl_in *in, const unsigned char **p, size_t want);
/*
 * The whole rest of the input, not consumed, when it is at most max bytes
 * and came without error: its length, with *p set.  Else SIZE_MAX (the
 * bytes seen stay visible; the input is read on as usual).
 */
size_t sl_in_peek_whole(struct sl_in *in, const unsigned char **p,
    size_t max);
/* 1 when the input's end has been read into its buffer (or it is
 * bytes in memory): every byte left is visible.  0 for a file read in
 * place, however small the rest. */
int sl_in_all_visible(const struct sl_in *in);
/*
 * 1 when the input's bytes stay where they are, unchanged, until it is
 * freed (bytes in memory, a file read in place), with *p and *n set to
 * all of them, handed out or to come: a line's view then outlives the
 * next call, and a writer may pass many lines on in one write from
 * where they lie.  0 for a buffered input.
 */
int sl_in_stable(const struct sl_in *in, const char **p, size_t *n);
/*
 * 1 when the input is a file read in place (input_map.c), with *p and
 * *n set to its whole mapping: it stays mapped until the input is freed,
 * its pages follow the file (a cut reads zeros past the new end, never
 * faults), and only the input's own reader says where its bytes end.
 * For a thread that scans ahead of the reader; 0 for any other input.
 */
int sl_in_mapped(const struct sl_in *in, const char **p, size_t *n);
/* Read up to n bytes.  Returns the count, 0 at end, -1 on error. */
ssize_t sl_in_read(struct sl_in *in, void *buf, size_t n);
/*
 * Next line, '\n' included when present, as a view into the buffer valid
 * until the next call.  A line longer than SL_LINE_PIECE (the '\n'
 * included) comes in pieces, *more set on all but the last.  Returns 1,
 * 0 at end, -1 on error.
 */
int sl_in_line(struct sl_in *in, const char **p, size_t *n, int *more);
/* Read the rest of the input; the lines it held (pieces of one count once). */
long long sl_in_skip_lines(struct sl_in *in);
/* Number of the line last returned by sl_in_line (1-based). */
long long sl_in_lineno(const struct sl_in *in);
/* Bytes consumed so far. */
long long sl_in_offset(const struct sl_in *in);
/* Nonzero once a read error (already reported) has happened. */
int sl_in_failed(const struct sl_in *in);
/*
 * Nonzero when the rest of the input was refused (a decompression bomb):
 * not a log that stops early but a rejected unit.
 */
int sl_in_refused(const struct sl_in *in);
/*
 * The first offset >= from (in sl_in_offset() terms) where the input
 * skipped corrupt data and the bytes after it start afresh (the next
 * member of a multi-member gzip stream), or -1.  Only bytes already
 * peeked or read are known; readers of formats that span members (JSON
 * documents) stop there and start again.
 */
long long sl_in_next_break(const struct sl_in *in, long long from);

/* An input over bytes in memory (not copied: p must outlive it). */
struct sl_in *sl_in_mem(const char *name, const void *p, size_t n);
void sl_in_free(struct sl_in *in);

/*
 * Open path ("-": stdin) and call fn for every leaf input under it:
 * gzip streams are decompressed, archives are opened member by member,
 * directories walked in sorted order.  Problems go to err as
 * "where: message"; an error a reader did not reach (it stopped early) is
 * reported by the walker after fn returns.  Returns SL_OK, SL_REJECT
 * (something was unreadable), or SL_STOP/SL_FATAL when fn returned one
 * (the walk stops there).
 */
typedef int (*sl_leaf_fn)(void *arg, struct sl_in *in);
int sl_input_walk(const char *path, sl_leaf_fn fn, void *arg,
    sl_errfn err, void *errarg, struct sl_stats *st);
/*
 * The same, but every regular file met in a directory is first offered,
 * by path, to take(arg, path), which may read it elsewhere (a worker
 * process of -j N opens it there, and the walk's only cost is the
 * name): it returns SL_IN_NOT_TAKEN to have the walk open and read it
 * as usual, else SL_OK or what fn may return.  The walk counts nothing
 * of a file taken (inputs, bytes): the taker does.  take(arg, NULL):
 * the walk is about to make a thread that feeds what the taker reads,
 * and the taker starts any processes it will need first; SL_OK when it
 * has them (the thread is worth it then), else SL_IN_NOT_TAKEN.  After
 * an SL_OK, take(arg, SL_IN_THREAD_GONE) once that thread is gone (a
 * path no walk offers: the taker undoes what it did for the thread).
 */
#define SL_IN_NOT_TAKEN	1000
#define SL_IN_THREAD_GONE	""
typedef int (*sl_take_fn)(void *arg, const char *path);
int sl_input_walk_take(const char *path, sl_leaf_fn fn, sl_take_fn take,
    void *arg, sl_errfn err, void *errarg, struct sl_stats *st);
/*
 * Would the walk read a file that starts with p[0, n) as one plain
 * leaf, the bytes as they are (not gzip, not an archive or another
 * compression)?  n: the whole file or at least its first 32 KiB.
 */
int sl_input_plain(const unsigned char *p, size_t n);

#endif /* SL_INPUT_H */
