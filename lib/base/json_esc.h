/*
 * json_esc.h: text as a JSON string, the one escaper of lib/ and
 * formats/ (lib/base/buf.c).  Internal (sl_buf_json_str() in sl.h is
 * its plain form).
 */
#ifndef SL_BASE_JSON_ESC_H
#define SL_BASE_JSON_ESC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "base/base.h"

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

/*
 * The pieces of the plain form, inline because two escapers use them:
 * sl_json_escape() above (every form) and the record writer's fast
 * path (lib/core/record.c), where a call per escape would show.
 */

#ifdef __SSE2__
/* sl_json_bad16() of 16 bytes loaded already. */
static inline unsigned
sl_json_bad16_v(__m128i v)
{
	/* Signed compare: bytes >= 0x80 are negative, so < 0x20 too. */
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(
	    _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
}
#endif

/* Which of the 16 bytes at q need an escape in the plain form (bit i:
 * byte i): C0, " \ and bytes >= 0x80. */
static inline unsigned
sl_json_bad16(const unsigned char *q)
{
#ifdef __SSE2__
	return sl_json_bad16_v(_mm_loadu_si128((const __m128i *)q));
#else
	unsigned m = 0, i;

	for (i = 0; i < 16; i++)
		if (q[i] < 0x20 || q[i] >= 0x80 || q[i] == '"' || q[i] == '\\')
			m |= 1u << i;
	return m;
#endif
}

/* \u00XX for c < 0x100 at o (6 bytes); returns the end. */
static inline char *
sl_json_u00(char *o, unsigned c)
{
	static const char hex[] = "0123456789abcdef";

	memcpy(o, "\\u00", 4);
	o[4] = hex[c >> 4];
	o[5] = hex[c & 15];
	return o + 6;
}

/* An ASCII byte that needs an escape (C0, " \, or < > & for Go) at o
 * (room for 6); returns the end. */
static inline char *
sl_json_ascii(char *o, unsigned char c)
{
	char e;

	switch (c) {
	case '"': e = '"'; break;
	case '\\': e = '\\'; break;
	case '\n': e = 'n'; break;
	case '\r': e = 'r'; break;
	case '\t': e = 't'; break;
	case '\b': e = 'b'; break;
	case '\f': e = 'f'; break;
	default: return sl_json_u00(o, c);
	}
	*o++ = '\\';
	*o++ = e;
	return o;
}

/*
 * Decode the non-ASCII character at p (n bytes left): *k its length
 * (all n when cut short at the end).  Returns 1 when it is not valid
 * UTF-8 (a U+FFFD that was written as EF BF BD is valid).
 */
static inline int
sl_json_decode(const unsigned char *p, size_t n, size_t *k, uint32_t *cp)
{
	*k = sl_utf8_decode(p, n, cp);
	if (*k == 0) {
		*k = n;
		return 1;
	}
	return *cp == 0xfffd && !(*k == 3 && p[0] == 0xef);
}

/* The non-ASCII character at p (n bytes left) in the plain form at o
 * (room for 6): invalid as U+FFFD, C1 (an 8-bit CSI) as \u0080..,
 * the rest as it is.  *k: the bytes consumed. */
static inline char *
sl_json_other_plain(char *o, const unsigned char *p, size_t n, size_t *k)
{
	uint32_t cp;

	if (sl_json_decode(p, n, k, &cp))
		return o + sl_utf8_encode(0xfffd, o);
	if (cp >= 0x80 && cp <= 0x9f)
		return sl_json_u00(o, cp);
	memcpy(o, p, *k);
	return o + *k;
}

/*
 * The decimal digits of v at o (room for 20, and a '-'); returns the
 * end.  Counted first, then written from the back two at a time: record
 * numbers and src line numbers are in every record.
 */
static inline char *
sl_json_int(char *o, long long v)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v, x;
	unsigned digits;
	uint32_t x32;
	char *e;

	if (v < 0)
		*o++ = '-';
	/* Compares for the common sizes, then divisions. */
	if (u < 100000)
		digits = u < 10 ? 1 : u < 100 ? 2 : u < 1000 ? 3 :
		    u < 10000 ? 4 : 5;
	else {
		for (digits = 5, x = u / 100000; x > 0; x /= 10)
			digits++;
	}
	e = o + digits;
	for (o = e; u > 0xffffffffu; u /= 100) {
		o -= 2;
		memcpy(o, pairs + 2 * (u % 100), 2);
	}
	/* The rest in 32 bits: cheaper divisions by 100. */
	for (x32 = (uint32_t)u; x32 >= 100; x32 /= 100) {
		o -= 2;
		memcpy(o, pairs + 2 * (x32 % 100), 2);
	}
	if (x32 >= 10)
		memcpy(o - 2, pairs + 2 * x32, 2);
	else
		o[-1] = (char)('0' + x32);
	return e;
}

/*
 * Add one to the decimal number that is all of s[from, end), in place:
 * numbers that count up by one (record numbers, src lines) are not
 * written anew each time.  Returns 0, leaving s as it was, when a digit
 * more is needed (999 + 1), the number is negative, or there is no
 * number.
 */
static inline int
sl_decimal_count_up(char *s, size_t from, size_t end)
{
	size_t i = end;

	/* "-1" counted up is "0", not "-2": a sign is left to the caller.
	 * The number starts at from, so its sign can only be there (no
	 * walk back over its digits: this runs twice per record). */
	if (from < end && s[from] == '-')
		return 0;
	while (i > from && s[i - 1] == '9')
		i--;
	if (i == from || s[i - 1] < '0' || s[i - 1] > '8')
		return 0;
	s[i - 1]++;
	while (i < end)		/* mostly none: no memset call */
		s[i++] = '0';
	return 1;
}

#endif /* SL_BASE_JSON_ESC_H */
