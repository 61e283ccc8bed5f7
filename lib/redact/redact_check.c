/*
 * redact_check.c: what a rule's match must also be to count, where a
 * shape alone says too little.  GitHub and npm tokens end in a base62
 * CRC32 of their random part (github.blog, 2021-04-05, "Behind GitHub's
 * new authentication token formats"): a wrong one is a made-up example.
 * Base64 that only its decoded bytes show to be secret: a private key
 * (kubeconfig client-key-data, tls.key), "user:password" (docker auth).
 */
#include <string.h>
#include <zlib.h>

#include "redact/redact.h"

static const char *const names[] = {
	[RX_CHECK_NONE] = "none",
	[RX_CHECK_CRC32] = "crc32-base62",
	[RX_CHECK_BASE64] = "base64",
	[RX_CHECK_B64_KEY] = "base64-private-key",
	[RX_CHECK_B64_AUTH] = "base64-user-password",
};

#define TOKEN_RANDOM	30	/* random part of a checksummed token */
#define TOKEN_SUM	6	/* base62 digits of its CRC32 */

int
rx_check_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

static int
b62val(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 36;
	return -1;
}

/* prefix_ + 30 random + 6 base62 digits of CRC32(random). */
static int
crc32_ok(const char *s, size_t n)
{
	const char *us = memchr(s, '_', n);
	const char *rnd, *sum;
	unsigned long want = 0;
	size_t i;
	int d;

	if (us == NULL || (size_t)(s + n - us - 1) != TOKEN_RANDOM + TOKEN_SUM)
		return 1;	/* another generation: the shape decides */
	rnd = us + 1;
	sum = rnd + TOKEN_RANDOM;
	for (i = 0; i < TOKEN_SUM; i++) {
		if ((d = b62val((unsigned char)sum[i])) < 0)
			return 0;
		want = want * 62 + (unsigned long)d;
	}
	return want == crc32(0L, (const unsigned char *)rnd, TOKEN_RANDOM);
}

static int
printable(const struct sl_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20 ||
		    (unsigned char)b->buf[i] == 0x7f)
			return 0;
	return 1;
}

/* Decode s[0, n) and look at what it holds. */
static int
b64_ok(int c, const char *s, size_t n)
{
	struct sl_buf d;
	int ok;

	sl_buf_init(&d);
	/* Padded base64 only: a word of eight letters is not. */
	ok = n >= 8 && n % 4 == 0 && rx_b64_decode(s, n, &d) == 0 &&
	    d.len > 0;
	if (ok && c == RX_CHECK_B64_KEY)
		ok = memmem(d.buf, d.len, "PRIVATE KEY", 11) != NULL;
	else if (ok && c == RX_CHECK_B64_AUTH)
		ok = printable(&d) && memchr(d.buf, ':', d.len) != NULL &&
		    d.buf[0] != ':';
	sl_buf_free(&d);
	return ok;
}

int
rx_check(int c, const char *s, size_t n)
{
	switch (c) {
	case RX_CHECK_CRC32:
		return crc32_ok(s, n);
	case RX_CHECK_BASE64:
	case RX_CHECK_B64_KEY:
	case RX_CHECK_B64_AUTH:
		return b64_ok(c, s, n);
	default:
		return 1;
	}
}
