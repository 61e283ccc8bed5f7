/*
 * test_redact_hmac.c: SHA-256 against the FIPS 180-4 examples and
 * HMAC-SHA256 (lib/redact/redact_hmac.c) against RFC 4231, and the keyed
 * markers built on it.
 */
#include <string.h>

#include "check_main.h"
#include "redact/redact.h"

static void
hex(const unsigned char *d, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = h[d[i] >> 4];
		out[2 * i + 1] = h[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
expect_sha(const void *p, size_t n, const char *want)
{
	unsigned char d[32];
	char got[65];

	sl_sha256(p, n, d);
	hex(d, 32, got);
	ck_assert_str_eq(got, want);
}

START_TEST(sha256_fips)
{
	static const char two[] =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	char *million = malloc(1000000);

	expect_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	expect_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	expect_sha(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', 1000000);
	expect_sha(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	free(million);
}
END_TEST

static void
expect_hmac(const void *key, size_t kn, const void *msg, size_t mn,
    const char *want)
{
	unsigned char d[32];
	char got[65];

	rx_hmac_sha256(key, kn, msg, mn, d);
	hex(d, 32, got);
	/* Test case 5 compares a truncated output. */
	ck_assert_int_eq(strncmp(got, want, strlen(want)), 0);
}

START_TEST(hmac_rfc4231)
{
	unsigned char k[131], m[50];
	static const char big[] =
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";

	/* 1 */
	memset(k, 0x0b, 20);
	expect_hmac(k, 20, "Hi There", 8, "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7");
	/* 2 */
	expect_hmac("Jefe", 4, "what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* 3 */
	memset(k, 0xaa, 20);
	memset(m, 0xdd, 50);
	expect_hmac(k, 20, m, 50, "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe");
	/* 4 */
	for (int i = 0; i < 25; i++)
		k[i] = (unsigned char)(i + 1);
	memset(m, 0xcd, 50);
	expect_hmac(k, 25, m, 50, "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b");
	/* 5: truncated to 128 bits */
	memset(k, 0x0c, 20);
	expect_hmac(k, 20, "Test With Truncation", 20,
	    "a3b6167473100ee06e0c796c2955552b");
	/* 6 */
	memset(k, 0xaa, 131);
	expect_hmac(k, 131, "Test Using Larger Than Block-Size Key - Hash Key "
	    "First", 54, "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54");
	/* 7 */
	expect_hmac(k, 131, big, strlen(big), "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2");
}
END_TEST

/* The same secret gives the same token; another key another one. */
START_TEST(keyed_marker)
{
	struct sl_redact *a = sl_redact_new(0), *b = sl_redact_new(0);
	struct sl_buf m1, m2, m3;
	unsigned char d[32];
	char h[65], want[160];
	struct sl_error err;

	sl_redact_set_key(a, "k1", 2);
	sl_redact_set_key(b, "k2", 2);
	ck_assert_int_eq(sl_redact_ready(a, &err), SL_OK);
	ck_assert_int_eq(sl_redact_ready(b, &err), SL_OK);
	sl_buf_init(&m1);
	sl_buf_init(&m2);
	sl_buf_init(&m3);
	rx_marker(a, 0, "AKIAZ7Q2MXS4RTVW3K5P", 20, &m1);
	rx_marker(a, 0, "AKIAZ7Q2MXS4RTVW3K5P", 20, &m2);
	rx_marker(b, 0, "AKIAZ7Q2MXS4RTVW3K5P", 20, &m3);
	ck_assert_str_eq(m1.buf, m2.buf);
	ck_assert_str_ne(m1.buf, m3.buf);
	rx_hmac_sha256("k1", 2, "AKIAZ7Q2MXS4RTVW3K5P", 20, d);
	hex(d, 6, h);
	snprintf(want, sizeof(want), "[REDACTED:%s:%s]", a->rules.v[0].kind,
	    h);
	ck_assert_str_eq(m1.buf, want);
	sl_buf_free(&m1);
	sl_buf_free(&m2);
	sl_buf_free(&m3);
	sl_redact_free(a);
	sl_redact_free(b);
}
END_TEST

static Suite *
hmac_suite(void)
{
	Suite *s = suite_create("redact_hmac");
	TCase *tc = tcase_create("hmac");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, sha256_fips);
	tcase_add_test(tc, hmac_rfc4231);
	tcase_add_test(tc, keyed_marker);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(hmac_suite)
