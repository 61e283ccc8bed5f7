/*
 * b64.c: base64.  One decoder serves CloudWatch payloads (lenient: the
 * agent concatenates blobs) and the redactor (strict: it writes back what
 * it read, so it must not accept what it could not reproduce).
 */
#include "base/b64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
sl_b64_encode(const void *src, size_t n, struct sl_buf *out)
{
	const unsigned char *p = src;
	size_t i;

	sl_buf_reserve(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		sl_buf_addc(out, alphabet[p[i] >> 2]);
		sl_buf_addc(out, alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sl_buf_addc(out, alphabet[((p[i + 1] & 15) << 2) |
		    (p[i + 2] >> 6)]);
		sl_buf_addc(out, alphabet[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		sl_buf_addc(out, alphabet[p[i] >> 2]);
		sl_buf_addc(out, alphabet[(p[i] & 3) << 4]);
		sl_buf_adds(out, "==");
	} else if (n - i == 2) {
		sl_buf_addc(out, alphabet[p[i] >> 2]);
		sl_buf_addc(out, alphabet[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sl_buf_addc(out, alphabet[(p[i + 1] & 15) << 2]);
		sl_buf_addc(out, '=');
	}
}

/* The value of a base64 digit of either alphabet, or -1. */
static int
digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int
sl_b64_decode(const char *p, size_t n, struct sl_buf *out, unsigned flags)
{
	int strict = (flags & SL_B64_STRICT) != 0;
	unsigned acc = 0;
	int bits = 0, pad = 0, d;
	size_t i;

	sl_buf_reserve(out, n / 4 * 3 + 3);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			/* Padding ends a blob; leniently, another may follow. */
			pad++;
			acc = 0;
			bits = 0;
			continue;
		}
		if ((strict && pad > 0) || (d = digit(c)) < 0)
			return -1;
		pad = 0;
		acc = (acc << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sl_buf_addc(out, (int)((acc >> bits) & 0xff));
		}
	}
	return strict && pad > 2 ? -1 : 0;
}
