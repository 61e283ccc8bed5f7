/*
 * redact_hmac.c: HMAC-SHA256 (RFC 2104) for keyed redaction markers, so
 * that one secret maps to one token across files without revealing it.
 * SHA-256 itself is lib/base/sha256.c; the RFC 4231 vectors are in
 * tests/unit/test_redact_hmac.c.
 */
#include <string.h>

#include "redact/redact.h"

#define BLOCK	64

void
rx_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
    unsigned char out[32])
{
	struct sl_sha256_ctx c;
	unsigned char k[BLOCK], pad[BLOCK], inner[32];
	size_t i;

	memset(k, 0, sizeof(k));
	if (keylen > BLOCK)
		sl_sha256(key, keylen, k);	/* long keys are hashed first */
	else if (keylen > 0)
		memcpy(k, key, keylen);

	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	sl_sha256_init(&c);
	sl_sha256_update(&c, pad, BLOCK);
	sl_sha256_update(&c, msg, len);
	sl_sha256_final(&c, inner);

	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	sl_sha256_init(&c);
	sl_sha256_update(&c, pad, BLOCK);
	sl_sha256_update(&c, inner, sizeof(inner));
	sl_sha256_final(&c, out);

	/* The key must not linger on the stack (a memset may be elided). */
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	explicit_bzero(inner, sizeof(inner));
}
