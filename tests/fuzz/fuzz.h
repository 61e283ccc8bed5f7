/*
 * fuzz.h: what the libFuzzer harnesses share (tests/fuzz/common.c).
 *
 * A broken invariant is a finding: fz_fail() prints what broke and
 * aborts, which libFuzzer reports as a crash and saves the input.  Save
 * it under tests/fuzz/regress/<harness>/ before fixing the bug.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

#define FZ_NAME	"fuzz-0123456789abcdef0.log"	/* session from the name */

/* Print "fuzz: invariant: ..." and abort. */
void fz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Is the check named tag turned off ($FUZZ_ALLOW holds it)?  Only for
 * fuzzing past a finding that is open (tests/fuzz/regress/OPEN); the
 * replay of saved inputs runs every check.
 */
int fz_allowed(const char *tag);

/* Is p[0, n) valid UTF-8 (strict: no surrogates, no overlongs)? */
int fz_utf8_ok(const void *p, size_t n);
/* Does p[0, n) hold a C0 or C1 control character or DEL? */
int fz_has_control(const void *p, size_t n);
/* Width in columns of valid UTF-8 p[0, n) (utf8proc widths). */
size_t fz_width(const void *p, size_t n);

/*
 * Checks every record of one run: the record's own invariants, its JSON
 * form (one line that jansson reads back to the same values), and n
 * counting up by one per session.  strict: the record was produced by a
 * reader from raw input (not passed through from a record stream), so
 * the rendering contract holds (valid UTF-8 text without controls or
 * trailing blanks, prompt + cmd == text at a character boundary).
 */
struct fz_check;
struct fz_check *fz_check_new(int strict, unsigned want);
void fz_check_record(struct fz_check *c, const struct sl_record *r);
/* Records seen, and the JSON of the last one (valid until the next). */
long long fz_check_count(const struct fz_check *c);
void fz_check_free(struct fz_check *c);

/* A sink over fz_check_record (arg: the struct fz_check). */
int fz_sink_put(void *arg, const struct sl_record *r);

/*
 * An error callback that checks messages: "where" non-empty, the message
 * one line of printable text; counts them in *(long long *)arg.
 */
void fz_errfn(void *arg, const char *where, const char *msg);

/* read = written + merged + skipped + rejected (records.md); tag: "[tag]". */
void fz_check_stats(const struct sl_stats *st, const char *tag);
/* End the run's inputs (sl_run_finish: readers may carry a session to
 * the next input); the worse of rc and what finishing said. */
int fz_run_finish(struct sl_run *run, int rc);
void fz_infofn(void *arg, const char *where, const char *msg);

/* A file descriptor on an anonymous file holding p[0, n), at offset 0. */
int fz_memfd(const char *name, const void *p, size_t n);
/* The whole content of fd (from offset 0) in b. */
void fz_slurp(int fd, struct sl_buf *b);

#endif /* FUZZ_H */
