/*
 * json_esc.h: text as a JSON string, the one escaper of lib/ and
 * formats/ (lib/base/buf.c).  Internal (sl_buf_json_str() in sl.h is
 * its plain form).
 */
#ifndef SL_BASE_JSON_ESC_H
#define SL_BASE_JSON_ESC_H

#include <stddef.h>

#include "sl.h"

/*
 * Go's encoding/json form, as the SSM agent writes: < > & as \u003c
 * \u003e \u0026, U+2028 and U+2029 escaped, invalid UTF-8 as \ufffd, C1
 * and DEL kept.  Without it (the plain form of our records): C1
 * escaped as \u0080..\u009f, invalid UTF-8 as U+FFFD itself.
 */
#define SL_JSON_GO	0x1
/*
 * Bytes >= 0x80 kept as they are, unchecked (an edit inside a document
 * whose bytes are written back as read).  Only what JSON requires is
 * escaped: " \ and C0.
 */
#define SL_JSON_BYTES	0x2
/* No quotes around: the inside of a string literal. */
#define SL_JSON_BARE	0x4

/*
 * Append s[0, n) to b as a JSON string literal: quoted (unless
 * SL_JSON_BARE), \" \\ \n \r \t \b \f, other C0 as \u00XX, and the rest
 * as the flags say.
 */
void sl_json_escape(struct sl_buf *b, const char *s, size_t n,
    unsigned flags);

#endif /* SL_BASE_JSON_ESC_H */
