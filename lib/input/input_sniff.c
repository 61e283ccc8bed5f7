/*
 * input_sniff.c: what the first bytes of an input are: a compression or
 * archive format known by its magic, or plain text.
 */
#define ZLIB_CONST

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <unistd.h>
#include <libdeflate.h>
#include <zlib.h>

#include "base/archive_dl.h"
#include "internal.h"
#include "input_in.h"

static const struct magic {
	unsigned int off;
	unsigned char len;
	const char *bytes;
} magics[] = {
	{ 0, 4, "PK\003\004" },			/* zip */
	{ 0, 4, "PK\005\006" },			/* zip, no members */
	{ 0, 4, "PK\007\010" },			/* zip, spanned */
	{ 0, 6, "\3757zXZ\0" },			/* xz */
	{ 0, 4, "\050\265\057\375" },		/* zstd */
	{ 0, 4, "\004\042\115\030" },		/* lz4 */
	{ 0, 5, "LZIP\001" },			/* lzip, version 1 */
	{ 0, 2, "\037\235" },			/* compress (.Z) */
	{ 0, 6, "7z\274\257\047\034" },		/* 7-Zip */
	{ 0, 6, "Rar!\032\007" },		/* RAR 4 and 5 */
	{ 0, 8, "!<arch>\n" },			/* ar */
	{ 0, 6, "xar!\0\034" },			/* xar, 28-byte header */
	{ 0, 8, "MSCF\0\0\0\0" },		/* cab */
	/*
	 * With the bytes around them that text never has, so that a log
	 * with the word at that offset (or a report state naming it) is
	 * not taken for an archive; a damaged header still is one.
	 */
	{ 257, 6, "ustar\0" },			/* POSIX tar */
	{ 257, 8, "ustar  \0" },			/* GNU tar */
};
/* -------------------------------------------------------- detection */

static int
is_hex(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		    (p[i] >= 'a' && p[i] <= 'f') ||
		    (p[i] >= 'A' && p[i] <= 'F')))
			return 0;
	return 1;
}

static int
has_magic(const unsigned char *p, size_t n, size_t off, const void *m,
    size_t len)
{
	return n >= off + len && memcmp(p + off, m, len) == 0;
}

/*
 * What the first bytes are.  Magic numbers only: text that merely
 * starts like one ("BZh", "070701") must carry the rest of the header.
 */
int
in_sniff_magic(const unsigned char *p, size_t n)
{
	size_t i;

	if (has_magic(p, n, 0, "\037\213", 2))
		return K_GZIP;
	for (i = 0; i < sizeof magics / sizeof magics[0]; i++)
		if (has_magic(p, n, magics[i].off, magics[i].bytes,
		    magics[i].len))
			return K_ARCHIVE;
	/* ISO 9660: a volume descriptor: type (0-3, 255), "CD001", 1. */
	if (n >= 32775 && memcmp(p + 32769, "CD001", 5) == 0 &&
	    (p[32768] <= 3 || p[32768] == 255) && p[32774] == 1)
		return K_ARCHIVE;
	/* bzip2: "BZh", level, then a block or end-of-stream magic. */
	if (n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' &&
	    p[3] <= '9' && (memcmp(p + 4, "1AY&SY", 6) == 0 ||
	    memcmp(p + 4, "\027\162\105\070\120\220", 6) == 0))
		return K_ARCHIVE;
	/* ASCII cpio: odc 070707, newc 070701, crc 070702; hex fields. */
	if (n >= 14 && memcmp(p, "07070", 5) == 0 &&
	    (p[5] == '1' || p[5] == '2' || p[5] == '7') && is_hex(p + 6, 8))
		return K_ARCHIVE;
	return K_PLAIN;
}
