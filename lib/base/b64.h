/*
 * b64.h: base64 (RFC 4648), the one codec of lib/ and formats/.
 * Internal.
 */
#ifndef SL_BASE_B64_H
#define SL_BASE_B64_H

#include <stddef.h>

#include "sl.h"

/* Decoding that refuses data after padding and more than two '='. */
#define SL_B64_STRICT	0x1

/*
 * Append the base64 of p[0, n) (standard alphabet, padded) to out.
 */
void sl_b64_encode(const void *p, size_t n, struct sl_buf *out);
/*
 * Append the bytes p[0, n) decode to to out.  Both alphabets (standard
 * and URL) are read, and white space anywhere is ignored.  Lenient (flags
 * 0): a '=' ends one blob and another may follow (concatenated
 * payloads).  SL_B64_STRICT: one blob, at most two '=' and only at its
 * end.  Returns 0, or -1 on a byte outside the alphabets (or, strict,
 * bad padding); out then holds what was decoded before it.
 */
int sl_b64_decode(const char *p, size_t n, struct sl_buf *out,
    unsigned flags);

#endif /* SL_BASE_B64_H */
