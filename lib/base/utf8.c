/*
 * utf8.c: strict UTF-8 decoding.  Invalid input becomes U+FFFD one
 * maximal invalid subpart at a time (Unicode 15, section 3.9, "U+FFFD
 * substitution of maximal subparts"), which is what terminals and
 * browsers do, so our output matches what the user saw.  Also the test
 * every text probe starts with: is this text at all?
 */
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "internal.h"

size_t
sl_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	unsigned c = p[0];
	size_t need, i;
	uint32_t v;
	unsigned lo = 0x80, hi = 0xbf;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc2 || c > 0xf4) {
		*cp = 0xfffd;
		return 1;
	}
	if (c < 0xe0) {
		need = 1;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	}
	for (i = 1; i <= need; i++) {
		if (i >= n)
			return 0;	/* cannot tell yet */
		if (p[i] < lo || p[i] > hi) {
			*cp = 0xfffd;
			return i;
		}
		lo = 0x80;
		hi = 0xbf;
		v = (v << 6) | (p[i] & 0x3f);
	}
	*cp = v;
	return need + 1;
}

size_t
sl_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp > 0x10ffff)
		return sl_utf8_encode(0xfffd, out);
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

size_t
sl_utf8_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		k = sl_utf8_decode(p + i, n - i, &cp);
		if (k == 0 || (cp == 0xfffd && !(k == 3 && p[i] == 0xef &&
		    p[i + 1] == 0xbf && p[i + 2] == 0xbd)))
			break;
		i += k;
	}
	return i;
}

size_t
sl_char_len(const char *s, size_t n, int *control)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t k;

	*control = 0;
	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*control = p[0] < 0x20 || p[0] == 0x7f;
		return 1;
	}
	k = sl_utf8_decode(p, n, &cp);
	if (k == 0)
		k = n;		/* cut short at the end */
	/* C1 as UTF-8 (an 8-bit CSI is "\xc2\x9b"), or a lone raw byte. */
	*control = (cp >= 0x80 && cp <= 0x9f) ||
	    (k == 1 && p[0] >= 0x80 && p[0] <= 0x9f);
	return k;
}

void
sl_clean_controls(char *s)
{
	char *q = s;
	size_t n = strlen(s), k;
	int control;

	while (n > 0) {
		k = sl_char_len(s, n, &control);
		if (control)
			*q++ = '?';
		else
			memmove(q, s, k), q += k;
		s += k;
		n -= k;
	}
	*q = '\0';
}

/* Bytes of ASCII at p, 16 at a time where we can: most of any text. */
static size_t
ascii_run(const unsigned char *p, size_t n)
{
	size_t i = 0;
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_loadu_si128((const __m128i *)(p + i)));

		if (m != 0)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	while (i < n && p[i] < 0x80)
		i++;
	return i;
}

int
sl_looks_text(const unsigned char *p, size_t n)
{
	size_t i = 0, bad = 0, k;
	uint32_t cp;

	if (memchr(p, '\0', n) != NULL)
		return 0;
	while (i < n) {
		i += ascii_run(p + i, n - i);
		if (i == n)
			break;
		k = sl_utf8_decode(p + i, n - i, &cp);
		if (k == 0)
			break;		/* cut at the end of the peek */
		if (cp == 0xfffd && !(k == 3 && p[i] == 0xef))
			bad += k;
		i += k;
	}
	/* A few stray bytes are normal in terminal logs; many are binary. */
	return bad * 10 <= n;
}

/*
 * Is s NULL or valid UTF-8?  This runs on the session id and src of
 * every record: ASCII, the common case, is checked a word at a time.
 */
int
sl_utf8_str_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i = 0;
	uint64_t w, high = 0;

	if (p == NULL)
		return 1;
	n = strlen(s);
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		high |= w;
	}
	if (i < n && n >= 8) {
		/* The last few bytes: the 8 that end the string. */
		memcpy(&w, p + n - 8, 8);
		high |= w;
		i = n;
	}
	for (; i < n; i++)
		high |= p[i];
	if ((high & 0x8080808080808080ULL) == 0)
		return 1;
	return sl_utf8_valid_prefix(p, n) == n;
}
