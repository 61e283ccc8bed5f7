/*
 * test_base.c: the shared helpers of lib/base/: base64, in-memory gunzip,
 * the string map, JSON string escaping and libarchive loaded at run time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "check_main.h"
#include "gz_util.h"
#include "internal.h"
/* The table itself, not the call redirections: the test reads members. */
#define SL_ARCHIVE_DL_IMPL
#include "base/archive_dl.h"
#include "base/b64.h"
#include "base/gunzip.h"
#include "base/json_esc.h"
#include "base/strmap.h"

/* ------------------------------------------------------------- base64 */

static void
expect_b64(const char *in, size_t n, const char *want)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_b64_encode(in, n, &b);
	ck_assert_str_eq(b.buf, want);
	ck_assert_uint_eq(b.len, strlen(want));
	sl_buf_free(&b);
}

START_TEST(b64_encode)
{
	expect_b64("", 0, "");
	expect_b64("f", 1, "Zg==");
	expect_b64("fo", 2, "Zm8=");
	expect_b64("foo", 3, "Zm9v");
	expect_b64("foob", 4, "Zm9vYg==");
	expect_b64("fooba", 5, "Zm9vYmE=");
	expect_b64("foobar", 6, "Zm9vYmFy");
	expect_b64("\xfb\xff", 2, "+/8=");
}
END_TEST

START_TEST(b64_round_trip)
{
	unsigned char in[256];
	struct sl_buf e, d;
	size_t n, i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + 3);
	sl_buf_init(&e);
	sl_buf_init(&d);
	for (n = 0; n <= sizeof(in); n += 37) {
		sl_buf_reset(&e);
		sl_buf_reset(&d);
		sl_b64_encode(in, n, &e);
		ck_assert_int_eq(sl_b64_decode(e.buf, e.len, &d, SL_B64_STRICT),
		    0);
		ck_assert_uint_eq(d.len, n);
		ck_assert_mem_eq(d.buf, in, n);
	}
	sl_buf_free(&e);
	sl_buf_free(&d);
}
END_TEST

START_TEST(b64_decode_lenient)
{
	struct sl_buf b;

	sl_buf_init(&b);
	ck_assert_int_eq(sl_b64_decode("aGVs\nbG8=", 9, &b, 0), 0);
	ck_assert_str_eq(b.buf, "hello");
	sl_buf_reset(&b);
	/* Two padded blobs one after the other; the URL alphabet. */
	ck_assert_int_eq(sl_b64_decode("YQ==Yg==-_8", 11, &b, 0), 0);
	ck_assert_uint_eq(b.len, 4);
	ck_assert_mem_eq(b.buf, "ab\xfb\xff", 4);
	/* Appends; a byte outside the alphabets fails after what came. */
	ck_assert_int_eq(sl_b64_decode("YWJj$", 5, &b, 0), -1);
	ck_assert_uint_eq(b.len, 7);
	ck_assert_mem_eq(b.buf + 4, "abc", 3);
	sl_buf_free(&b);
}
END_TEST

START_TEST(b64_decode_strict)
{
	struct sl_buf b;

	sl_buf_init(&b);
	ck_assert_int_eq(sl_b64_decode(" Zm9v\r\nYg== ", 12, &b,
	    SL_B64_STRICT), 0);
	ck_assert_str_eq(b.buf, "foob");
	sl_buf_reset(&b);
	ck_assert_int_eq(sl_b64_decode("YQ==Yg==", 8, &b, SL_B64_STRICT), -1);
	sl_buf_reset(&b);
	ck_assert_int_eq(sl_b64_decode("YQ===", 5, &b, SL_B64_STRICT), -1);
	sl_buf_reset(&b);
	ck_assert_int_eq(sl_b64_decode("ab$c", 4, &b, SL_B64_STRICT), -1);
	sl_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------- gunzip */

/* Two members and zero padding: both, the padding ignored. */
START_TEST(gunzip_members)
{
	struct sl_gunzip g = { .max = 1000 };
	struct sl_buf in, out;

	sl_buf_init(&in);
	sl_buf_init(&out);
	gz_member(&in, "one\n", 4);
	gz_member(&in, "two\n", 4);
	sl_buf_add(&in, "\0\0\0\0\0\0", 6);
	ck_assert_int_eq(sl_gunzip(in.buf, in.len, &out, &g), 0);
	ck_assert_str_eq(out.buf, "one\ntwo\n");
	ck_assert_str_eq(g.err, "");
	sl_buf_free(&in);
	sl_buf_free(&out);
}
END_TEST

START_TEST(gunzip_skip_corrupt)
{
	long long brk[4];
	struct sl_gunzip g = { .max = 1000, .flags = SL_GUNZIP_SKIP,
	    .brks = brk, .nbrk_max = 4 };
	struct sl_buf in, out;

	sl_buf_init(&in);
	sl_buf_init(&out);
	gz_member(&in, "one\n", 4);
	gz_cut_member(&in, "two two\n", 3);
	gz_member(&in, "three\n", 6);
	ck_assert_int_eq(sl_gunzip(in.buf, in.len, &out, &g), 1);
	ck_assert_uint_eq(out.len, 13);
	ck_assert_mem_eq(out.buf, "one\ntwothree\n", 13);
	ck_assert_int_eq(g.nbrk, 1);
	ck_assert_int_eq(brk[0], 7);
	ck_assert_ptr_nonnull(strstr(g.err, "invalid stored block lengths"));
	ck_assert_ptr_nonnull(strstr(g.err, "skipped to the next member"));
	/* Without SL_GUNZIP_SKIP the corruption ends the work. */
	sl_buf_reset(&out);
	g.flags = 0;
	ck_assert_int_eq(sl_gunzip(in.buf, in.len, &out, &g), -1);
	ck_assert_str_eq(out.buf, "one\ntwo");
	ck_assert_ptr_nonnull(strstr(g.err, "corrupt gzip data"));
	/* Past the cap: refused. */
	sl_buf_reset(&out);
	g.max = 2;
	g.flags = SL_GUNZIP_SKIP;
	ck_assert_int_eq(sl_gunzip(in.buf, in.len, &out, &g), -1);
	ck_assert_uint_le(out.len, 2);
	ck_assert_ptr_nonnull(strstr(g.err, "decodes to more than"));
	sl_buf_free(&in);
	sl_buf_free(&out);
}
END_TEST

START_TEST(gunzip_truncated_and_prefix)
{
	struct sl_gunzip g = { .max = 1000 };
	struct sl_buf in, out;
	char text[600];
	size_t i;

	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + (i * i) % 26);
	sl_buf_init(&in);
	sl_buf_init(&out);
	gz_member(&in, text, sizeof(text));
	/* Cut short: an error, what came before kept. */
	ck_assert_int_eq(sl_gunzip(in.buf, in.len - 8, &out, &g), -1);
	ck_assert_str_eq(g.err, "unexpected end of gzip data (truncated)");
	/* As a prefix (a peek): no error, and output beyond max dropped. */
	sl_buf_reset(&out);
	g.flags = SL_GUNZIP_PREFIX;
	g.max = 100;
	ck_assert_int_eq(sl_gunzip(in.buf, in.len / 2, &out, &g), 0);
	ck_assert_uint_le(out.len, 100);
	ck_assert_mem_eq(out.buf, text, out.len);
	sl_buf_reset(&out);
	ck_assert_int_eq(sl_gunzip(in.buf, in.len, &out, &g), 0);
	ck_assert_uint_eq(out.len, 100);
	ck_assert_mem_eq(out.buf, text, 100);
	/* Not gzip at all. */
	sl_buf_reset(&out);
	g.flags = 0;
	ck_assert_int_eq(sl_gunzip("hello", 5, &out, &g), -1);
	ck_assert_ptr_nonnull(strstr(g.err, "not a gzip member"));
	ck_assert_uint_eq(out.len, 0);
	sl_buf_free(&in);
	sl_buf_free(&out);
}
END_TEST

/* ---------------------------------------------------------- string map */

START_TEST(strmap_owned)
{
	struct sl_strmap *m = sl_strmap_new(SL_STRMAP_OWN);
	char key[32];
	void **slot;
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		slot = sl_strmap_slot(m, key);
		ck_assert_ptr_null(*slot);
		*slot = (void *)(uintptr_t)(i + 1);
	}
	ck_assert_uint_eq(sl_strmap_count(m), 1000);
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "key-%d", i);
		ck_assert_uint_eq((uintptr_t)sl_strmap_get(m, key),
		    (uintptr_t)(i + 1));
		/* The map's own copy, not the caller's buffer. */
		ck_assert_ptr_ne(sl_strmap_key(m, key), key);
		ck_assert_str_eq(sl_strmap_key(m, key), key);
	}
	ck_assert_ptr_null(sl_strmap_get(m, "key-1000"));
	ck_assert_ptr_null(sl_strmap_key(m, "absent"));
	/* An existing key: same slot, count unchanged. */
	ck_assert_uint_eq((uintptr_t)*sl_strmap_slot(m, "key-7"), 8);
	ck_assert_uint_eq(sl_strmap_count(m), 1000);
	sl_strmap_free(m);
}
END_TEST

START_TEST(strmap_borrowed)
{
	static const char *const keys[] = { "a", "b", "", "a longer key" };
	struct sl_strmap *m = sl_strmap_new(0);
	size_t i;

	for (i = 0; i < 4; i++)
		*sl_strmap_slot(m, keys[i]) = (void *)keys[i];
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_eq(sl_strmap_key(m, keys[i]), keys[i]);
		ck_assert_ptr_eq(sl_strmap_get(m, keys[i]), keys[i]);
	}
	ck_assert_uint_eq(sl_strmap_count(m), 4);
	sl_strmap_free(m);
	sl_strmap_free(NULL);
}
END_TEST

/* ------------------------------------------------------ JSON escaping */

static void
expect_json(unsigned flags, const char *in, size_t n, const char *want)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_adds(&b, "<");		/* appends */
	sl_json_escape(&b, in, n, flags);
	ck_assert_msg(b.len == strlen(want) + 1 && memcmp(b.buf + 1, want,
	    b.len - 1) == 0, "got %s want %s", b.buf + 1, want);
	ck_assert_int_eq(b.buf[b.len], '\0');
	sl_buf_free(&b);
}

#define GO(in, want)	expect_json(SL_JSON_GO, (in), sizeof(in) - 1, (want))
#define PLAIN(in, want)	expect_json(0, (in), sizeof(in) - 1, (want))
#define BYTES(in, want)	expect_json(SL_JSON_BYTES | SL_JSON_BARE, (in), \
    sizeof(in) - 1, (want))

/* Go's encoding/json as the agent (Go >= 1.22) writes its events. */
START_TEST(json_go)
{
	GO("plain text", "\"plain text\"");
	GO("a<b>c&d", "\"a\\u003cb\\u003ec\\u0026d\"");
	GO("q\"b\\s", "\"q\\\"b\\\\s\"");
	GO("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	GO("\x1b]0;t\x07", "\"\\u001b]0;t\\u0007\"");
	GO("\x7f", "\"\x7f\"");
	GO("\xc2\x9b", "\"\xc2\x9b\"");
	GO("caf\xc3\xa9 \xe2\x94\x80", "\"caf\xc3\xa9 \xe2\x94\x80\"");
	GO("\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"");
	/* Invalid UTF-8: one \ufffd per maximal invalid part. */
	GO("a\xe9z", "\"a\\ufffdz\"");
	GO("\xc3", "\"\\ufffd\"");
	/* A valid U+FFFD stays as it is. */
	GO("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");
	GO("nul\0x", "\"nul\\u0000x\"");
	GO("", "\"\"");
}
END_TEST

START_TEST(json_plain)
{
	PLAIN("a<b>c&d", "\"a<b>c&d\"");
	PLAIN("0123456789abcdef\"0123456789abcdef\\",
	    "\"0123456789abcdef\\\"0123456789abcdef\\\\\"");
	PLAIN("\n\x1b\x7f", "\"\\n\\u001b\x7f\"");
	/* C1 escaped as C0 is; invalid UTF-8 as U+FFFD itself. */
	PLAIN("\xc2\x9b[", "\"\\u009b[\"");
	PLAIN("a\xe9z", "\"a\xef\xbf\xbdz\"");
	PLAIN("\xe2\x80\xa8", "\"\xe2\x80\xa8\"");
	PLAIN("", "\"\"");
}
END_TEST

START_TEST(json_bytes_bare)
{
	BYTES("a\"b\n", "a\\\"b\\n");
	BYTES("\xe9\xc2\x9b<", "\xe9\xc2\x9b<");
	BYTES("\x01", "\\u0001");
	BYTES("", "");
}
END_TEST

/* Whatever the input, the plain form parses back to valid text. */
START_TEST(json_plain_parses)
{
	char in[64];
	struct sl_buf b;
	json_error_t e;
	json_t *j;
	int i, k;

	sl_buf_init(&b);
	srand(16);
	for (i = 0; i < 500; i++) {
		for (k = 0; k < (int)sizeof(in); k++)
			in[k] = (char)(rand() & 0xff);
		sl_buf_reset(&b);
		sl_json_escape(&b, in, sizeof(in), i % 2 ? SL_JSON_GO : 0);
		j = json_loadb(b.buf, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		ck_assert_msg(j != NULL && json_is_string(j), "%s", e.text);
		json_decref(j);
	}
	sl_buf_free(&b);
}
END_TEST

/* ---------------------------------------------------------------- heap */

/* Slots by key, ties by slot: a total order, as the heap needs. */
static int
key_less(const void *ctx, size_t a, size_t b)
{
	const int *key = ctx;

	return key[a] != key[b] ? key[a] < key[b] : a < b;
}

/*
 * A k-way merge as the sorter and the timeline make it: each slot is a
 * run of keys (run i holds i, i + 7, i + 14, ...); the least run gives
 * its head, moves on (top_moved) or is done (pop).  Out come all keys
 * in order, each once.
 */
START_TEST(heap_merges_runs)
{
	enum { RUNS = 7, LEN = 50 };
	struct sl_heap h;
	int key[RUNS] = { 0 }, left[RUNS], want = 0;
	size_t i, top;

	sl_heap_init(&h, RUNS, key_less, key);
	for (i = RUNS; i-- > 0;) {	/* added in reverse: build orders */
		key[i] = (int)i;
		left[i] = LEN;
		h.v[h.n++] = i;
	}
	sl_heap_build(&h);
	while (h.n > 0) {
		top = h.v[0];
		ck_assert_int_eq(key[top], want++);
		if (--left[top] == 0)
			sl_heap_pop(&h);
		else {
			key[top] += RUNS;
			sl_heap_top_moved(&h);
		}
	}
	ck_assert_int_eq(want, RUNS * LEN);
	sl_heap_free(&h);
	ck_assert_ptr_null(h.v);
}
END_TEST

/* Equal keys come out by the compare's tie-break, one heap of one. */
START_TEST(heap_ties_and_one)
{
	struct sl_heap h;
	int key[4] = { 5, 5, 5, 1 };

	sl_heap_init(&h, 4, key_less, key);
	h.v[h.n++] = 2;
	h.v[h.n++] = 0;
	h.v[h.n++] = 1;
	sl_heap_build(&h);
	ck_assert_uint_eq(h.v[0], 0);
	sl_heap_pop(&h);
	ck_assert_uint_eq(h.v[0], 1);
	sl_heap_pop(&h);
	ck_assert_uint_eq(h.v[0], 2);
	sl_heap_pop(&h);
	ck_assert_uint_eq(h.n, 0);
	h.v[h.n++] = 3;
	sl_heap_build(&h);
	sl_heap_top_moved(&h);
	ck_assert_uint_eq(h.v[0], 3);
	/* Two: a top whose key grew past the other's goes down. */
	h.v[h.n++] = 2;
	sl_heap_build(&h);
	ck_assert_uint_eq(h.v[0], 3);
	key[3] = 9;
	sl_heap_top_moved(&h);
	ck_assert_uint_eq(h.v[0], 2);
	sl_heap_free(&h);
}
END_TEST

/* Whole reads and writes at offsets; a read past the end is EIO. */
START_TEST(pread_pwrite_all)
{
	int fd = sl_tmpfile(NULL, "sl-test");
	char big[70000], back[70000];
	size_t i;

	ck_assert_int_ge(fd, 0);
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	ck_assert_int_eq(sl_pwrite_all(fd, big, sizeof(big), 100), 0);
	ck_assert_int_eq(sl_pread_all(fd, back, sizeof(back), 100), 0);
	ck_assert(memcmp(big, back, sizeof(big)) == 0);
	ck_assert_int_eq(sl_pread_all(fd, back, 10, 0), 0);	/* the hole */
	ck_assert_int_eq(back[0], 0);
	errno = 0;
	ck_assert_int_eq(sl_pread_all(fd, back, 10, 100 + 69995), -1);
	ck_assert_int_eq(errno, EIO);
	ck_assert_int_eq(sl_pread_all(fd, back, 0, 1 << 30), 0);
	close(fd);
	ck_assert_int_eq(sl_pwrite_all(fd, big, 1, 0), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(sl_pread_all(fd, back, 1, 0), -1);
}
END_TEST

/* Scratch files: made in the folder asked for, already unlinked. */
START_TEST(tmpfile_unlinked)
{
	char dir[] = "/tmp/sl-test-tmpfile-XXXXXX";
	struct dirent *e;
	DIR *d;
	int fd, n = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_str_eq(sl_tmpdir(dir), dir);
	fd = sl_tmpfile(dir, "sl-test");
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "abc", 3), 3);
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(n, 0);		/* nothing left behind */
	close(fd);
	ck_assert_int_eq(rmdir(dir), 0);
	/* A folder that is not there: -1, errno says why. */
	errno = 0;
	ck_assert_int_eq(sl_tmpfile(dir, "sl-test"), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* Every function of the table, or the first one missing. */
static const char *
archive_dl_missing(const struct sl_archive_dl *t)
{
#define SL_ARCHIVE_DL_CHECK(f) if (t->f == NULL) return #f;
	SL_ARCHIVE_DL_FUNCS(SL_ARCHIVE_DL_CHECK)
#undef SL_ARCHIVE_DL_CHECK
	return NULL;
}

START_TEST(archive_dl_on_first_use)
{
	struct archive *a;

	/* Nothing is loaded before the first archive. */
	ck_assert_ptr_eq(sl_archive_dl.archive_read_next_header, NULL);
	ck_assert_str_eq(sl_archive_dl_failure("out of memory"),
	    "out of memory");
	a = sl_archive_dl_read_new();
	ck_assert_ptr_ne(a, NULL);
	ck_assert_ptr_eq(archive_dl_missing(&sl_archive_dl), NULL);
	ck_assert_int_eq(sl_archive_dl.archive_read_support_format_tar(a),
	    ARCHIVE_OK);
	ck_assert_int_eq(sl_archive_dl.archive_read_free(a), ARCHIVE_OK);
	ck_assert_int_eq(sl_archive_dl_load(), 0);
	ck_assert_str_eq(sl_archive_dl_failure("out of memory"),
	    "out of memory");
}
END_TEST

START_TEST(archive_dl_cannot_load)
{
	struct sl_archive_dl t;
	char msg[256];

	memset(&t, 0, sizeof t);
	ck_assert_int_eq(sl_archive_dl_open("libarchive-missing.so.0", &t,
	    msg, sizeof msg), -1);
	ck_assert_msg(strncmp(msg, "cannot load libarchive: "
	    "libarchive-missing.so.0: ", 49) == 0, "%s", msg);
	/* A library that is there but is not libarchive. */
	ck_assert_int_eq(sl_archive_dl_open("libz.so.1", &t, msg, sizeof msg),
	    -1);
	ck_assert_str_eq(msg, "cannot load libarchive: libz.so.1 has no "
	    "archive_entry_filetype");
	/* The process's table is untouched by either. */
	ck_assert_ptr_eq(sl_archive_dl.archive_entry_filetype, NULL);
}
END_TEST

static Suite *
base_suite(void)
{
	Suite *s = suite_create("base");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, b64_encode);
	tcase_add_test(tc, b64_round_trip);
	tcase_add_test(tc, b64_decode_lenient);
	tcase_add_test(tc, b64_decode_strict);
	tcase_add_test(tc, gunzip_members);
	tcase_add_test(tc, gunzip_skip_corrupt);
	tcase_add_test(tc, gunzip_truncated_and_prefix);
	tcase_add_test(tc, strmap_owned);
	tcase_add_test(tc, heap_merges_runs);
	tcase_add_test(tc, heap_ties_and_one);
	tcase_add_test(tc, pread_pwrite_all);
	tcase_add_test(tc, strmap_borrowed);
	tcase_add_test(tc, json_go);
	tcase_add_test(tc, json_plain);
	tcase_add_test(tc, json_bytes_bare);
	tcase_add_test(tc, json_plain_parses);
	tcase_add_test(tc, tmpfile_unlinked);
	tcase_add_test(tc, archive_dl_on_first_use);
	tcase_add_test(tc, archive_dl_cannot_load);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(base_suite)
