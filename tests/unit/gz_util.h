/*
 * gz_util.h: gzip members built in memory for the unit tests that feed
 * gzip'd data (test_base.c, test_cwformats.c): a good member, and one
 * that delivers some bytes and then is corrupt.
 */
#ifndef SL_TEST_GZ_UTIL_H
#define SL_TEST_GZ_UTIL_H

#include <string.h>

#include <check.h>
#include <zlib.h>

#include "internal.h"

static void
gz_member(struct sl_buf *out, const char *p, size_t n)
{
	unsigned char chunk[65536];
	z_stream z;
	int ret;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		ret = deflate(&z, Z_FINISH);
		sl_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (ret != Z_STREAM_END);
	deflateEnd(&z);
}

/* A member that delivers its first `keep` bytes and then is corrupt. */
static void
gz_cut_member(struct sl_buf *out, const char *p, size_t keep)
{
	static const char head[] = "\037\213\010\0\0\0\0\0\0\003";

	sl_buf_add(out, head, 10);
	sl_buf_addc(out, 0);			/* stored, not last */
	sl_buf_addc(out, (int)(keep & 0xff));
	sl_buf_addc(out, (int)(keep >> 8));
	sl_buf_addc(out, (int)(~keep & 0xff));
	sl_buf_addc(out, (int)((~keep >> 8) & 0xff));
	sl_buf_add(out, p, keep);
	sl_buf_add(out, "\001\0\0\0\0", 5);	/* bad stored lengths */
}

#endif /* SL_TEST_GZ_UTIL_H */
