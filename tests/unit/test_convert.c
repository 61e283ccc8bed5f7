/*
 * test_convert.c: what sl-convert's writers stand on: SHA-256
 * (lib/base/sha256.c), the spool (lib/core/spool.c), the string escapings and
 * cleaning of lib/convert/writer.c, safe file names and archive kinds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "convert/body.h"
#include "convert/writer.h"

/* ------------------------------------------------------------ sha256 */

static void
expect_sha(const void *p, size_t n, const char *want)
{
	unsigned char d[32];
	char hex[65];

	sl_sha256(p, n, d);
	sl_sha256_hex(d, hex);
	ck_assert_str_eq(hex, want);
}

/* FIPS 180-4 examples (and the empty message). */
START_TEST(sha256_vectors)
{
	expect_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	expect_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	expect_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

/* A million 'a' fed in uneven pieces; every padding boundary. */
START_TEST(sha256_incremental)
{
	struct sl_sha256_ctx c;
	unsigned char d[32], e[32];
	char hex[65], buf[1000], *big;
	size_t i, n, k;

	memset(buf, 'a', sizeof(buf));
	sl_sha256_init(&c);
	for (i = 0, k = 1; i < 1000000; i += n, k = k * 7 % 997 + 1) {
		n = SL_MIN(k, 1000000 - i);
		sl_sha256_update(&c, buf, n);
	}
	sl_sha256_final(&c, d);
	sl_sha256_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
	/* Lengths around the 55/56/64-byte padding edges: one-shot and
	 * byte-at-a-time agree. */
	big = sl_xmalloc(200);
	for (n = 0; n < 200; n++)
		big[n] = (char)(n * 31 + 7);
	for (n = 50; n < 140; n++) {
		sl_sha256(big, n, d);
		sl_sha256_init(&c);
		for (i = 0; i < n; i++)
			sl_sha256_update(&c, big + i, 1);
		sl_sha256_final(&c, e);
		ck_assert_msg(memcmp(d, e, 32) == 0, "length %zu", n);
	}
	free(big);
}
END_TEST

/* ------------------------------------------------------------- spool */

static FILE *
spool_file(void)
{
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(fp);
	return fp;
}

START_TEST(spool_round_trip)
{
	static const struct sl_span spans[] = { { 0, 3, 0x1234 },
	    { 3, 5, SL_ATTR_DEFAULT } };
	static const struct sl_kv kv[] = { { "command", "cat x" },
	    { "exit_code", "0" } };
	static const char *const red[] = { "aws-key" };
	struct sl_record in[4], *r;
	const struct sl_record *got;
	struct sl_buf scratch;
	struct sl_spool *sp;
	struct sl_spool_cur *cur, *cur2;
	FILE *fp = spool_file();
	int i;

	sl_buf_init(&scratch);
	r = &in[0];
	sl_record_init(r, SL_SESSION, "alice-0a1b2c3d4e5f67890", "a.log:1");
	r->src_line = 1;
	r->f[SL_F_PRINCIPAL] = "alice";
	r->f[SL_F_END] = "2024-05-01T12:30:00.000Z";
	r->f[SL_F_ORIGIN] = "typescript";
	r->extra = kv;
	r->nextra = 2;
	r = &in[1];
	sl_record_init(r, SL_LINE, "alice-0a1b2c3d4e5f67890", "a.log:2");
	r->src_line = 2;
	r->n = 7;
	r->text = "sh-5.2$ id\0tail";	/* text has its length */
	r->len = 10;
	r->has_prompt = 1;
	r->prompt_len = 8;
	r->cont = 1;
	r->time = "2024-05-01T12:00:05.000Z";
	r->spans = spans;
	r->nspans = 2;
	r->redacted = red;
	r->nredacted = 1;
	r = &in[2];
	sl_record_init(r, SL_NOTE, NULL, "a.log:9");
	r->code = "full-screen";
	r->text = "vim";
	r->len = 3;
	r->count = 41;
	r->extra = kv;
	r->nextra = 1;
	r = &in[3];
	sl_record_init(r, SL_RAW, "alice-0a1b2c3d4e5f67890", "a.log:3");
	r->src_line = 3;
	r->text = "a\0b\r\n";
	r->len = 5;
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(sl_spool_write(fp, &scratch, &in[i]), 0);
	ck_assert_int_eq(fflush(fp), 0);
	sp = sl_spool_new(fileno(fp), 0, ftell(fp));
	cur = sl_spool_cursor(sp);
	cur2 = sl_spool_cursor(sp);

	ck_assert_int_eq(sl_spool_next(cur, &got), 1);
	ck_assert_int_eq(got->type, SL_SESSION);
	ck_assert_str_eq(got->session, "alice-0a1b2c3d4e5f67890");
	ck_assert_str_eq(got->src, "a.log:1");
	ck_assert_int_eq(got->src_line, 1);
	ck_assert_str_eq(got->f[SL_F_PRINCIPAL], "alice");
	ck_assert_str_eq(got->f[SL_F_END], "2024-05-01T12:30:00.000Z");
	ck_assert_str_eq(got->f[SL_F_ORIGIN], "typescript");
	ck_assert_ptr_null(got->f[SL_F_TARGET]);
	ck_assert_uint_eq(got->nextra, 2);
	ck_assert_str_eq(got->extra[1].key, "exit_code");
	ck_assert_str_eq(got->extra[1].val, "0");
	ck_assert_int_eq(got->count, -1);

	ck_assert_int_eq(sl_spool_next(cur, &got), 1);
	ck_assert_int_eq(got->type, SL_LINE);
	ck_assert_int_eq(got->n, 7);
	ck_assert_uint_eq(got->len, 10);
	ck_assert(memcmp(got->text, "sh-5.2$ id", 10) == 0);
	ck_assert_int_eq(got->has_prompt, 1);
	ck_assert_uint_eq(got->prompt_len, 8);
	ck_assert_int_eq(got->cont, 1);
	ck_assert_str_eq(got->time, "2024-05-01T12:00:05.000Z");
	ck_assert_uint_eq(got->nspans, 2);
	ck_assert_uint_eq(got->spans[0].len, 3);
	ck_assert_uint_eq(got->spans[0].attr, 0x1234);
	ck_assert_uint_eq(got->spans[1].off, 3);
	ck_assert_uint_eq(got->nredacted, 1);
	ck_assert_str_eq(got->redacted[0], "aws-key");
	ck_assert_uint_eq(got->nextra, 0);

	/* A second cursor reads on its own. */
	ck_assert_int_eq(sl_spool_next(cur2, &got), 1);
	ck_assert_int_eq(got->type, SL_SESSION);

	ck_assert_int_eq(sl_spool_next(cur, &got), 1);
	ck_assert_int_eq(got->type, SL_NOTE);
	ck_assert_ptr_null(got->session);
	ck_assert_str_eq(got->code, "full-screen");
	ck_assert_str_eq(got->text, "vim");
	ck_assert_int_eq(got->count, 41);
	ck_assert_uint_eq(got->nextra, 1);

	ck_assert_int_eq(sl_spool_next(cur, &got), 1);
	ck_assert_int_eq(got->type, SL_RAW);
	ck_assert_uint_eq(got->len, 5);
	ck_assert(memcmp(got->text, "a\0b\r\n", 5) == 0);
	ck_assert_int_eq(sl_spool_next(cur, &got), 0);
	ck_assert_int_eq(sl_spool_next(cur, &got), 0);

	sl_spool_cursor_free(cur);
	sl_spool_cursor_free(cur2);
	sl_spool_free(sp);
	sl_buf_free(&scratch);
	fclose(fp);
}
END_TEST

/* A spool cut short, or a range inside a bigger file, reads right. */
START_TEST(spool_damaged_and_ranges)
{
	struct sl_record r;
	const struct sl_record *got;
	struct sl_buf scratch;
	struct sl_spool *sp;
	struct sl_spool_cur *cur;
	FILE *fp = spool_file();
	long one, two;

	sl_buf_init(&scratch);
	sl_record_init(&r, SL_LINE, "a-1", "x:1");
	r.text = "first";
	r.len = 5;
	ck_assert_int_eq(sl_spool_write(fp, &scratch, &r), 0);
	one = ftell(fp);
	r.text = "second";
	r.len = 6;
	ck_assert_int_eq(sl_spool_write(fp, &scratch, &r), 0);
	two = ftell(fp);
	fflush(fp);

	/* Only the second record. */
	sp = sl_spool_new(fileno(fp), one, two - one);
	cur = sl_spool_cursor(sp);
	ck_assert_int_eq(sl_spool_next(cur, &got), 1);
	ck_assert_str_eq(got->text, "second");
	ck_assert_int_eq(sl_spool_next(cur, &got), 0);
	sl_spool_cursor_free(cur);
	sl_spool_free(sp);

	/* Cut in the middle of the second: the first, then an error. */
	sp = sl_spool_new(fileno(fp), 0, two - 3);
	cur = sl_spool_cursor(sp);
	ck_assert_int_eq(sl_spool_next(cur, &got), 1);
	ck_assert_str_eq(got->text, "first");
	ck_assert_int_eq(sl_spool_next(cur, &got), -1);
	sl_spool_cursor_free(cur);
	sl_spool_free(sp);

	/* A length that makes no sense. */
	rewind(fp);
	fwrite("\xff\xff\xff\x7f", 1, 4, fp);
	fflush(fp);
	sp = sl_spool_new(fileno(fp), 0, two);
	cur = sl_spool_cursor(sp);
	ck_assert_int_eq(sl_spool_next(cur, &got), -1);
	sl_spool_cursor_free(cur);
	sl_spool_free(sp);
	sl_buf_free(&scratch);
	fclose(fp);
}
END_TEST

/* Many records bigger than the read chunk, in one spool. */
START_TEST(spool_big_records)
{
	struct sl_record r;
	const struct sl_record *got;
	struct sl_buf scratch;
	struct sl_spool *sp;
	struct sl_spool_cur *cur;
	FILE *fp = spool_file();
	char *text = sl_xmalloc(200000);
	int i;

	sl_buf_init(&scratch);
	for (i = 0; i < 5; i++) {
		memset(text, 'a' + i, 200000);
		sl_record_init(&r, SL_RAW, "a-1", "x:1");
		r.text = text;
		r.len = 100000 + (size_t)i * 20000;
		ck_assert_int_eq(sl_spool_write(fp, &scratch, &r), 0);
	}
	fflush(fp);
	sp = sl_spool_new(fileno(fp), 0, ftell(fp));
	cur = sl_spool_cursor(sp);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(sl_spool_next(cur, &got), 1);
		ck_assert_uint_eq(got->len, 100000 + (size_t)i * 20000);
		ck_assert_int_eq(got->text[0], 'a' + i);
		ck_assert_int_eq(got->text[got->len - 1], 'a' + i);
	}
	ck_assert_int_eq(sl_spool_next(cur, &got), 0);
	sl_spool_cursor_free(cur);
	sl_spool_free(sp);
	sl_buf_free(&scratch);
	free(text);
	fclose(fp);
}
END_TEST

/*
 * Sessions interleaved in one shared spool: each reads back its own
 * records in order across its extents, and a record written right after
 * the last one of the same session extends that extent.
 */
START_TEST(spool_extents)
{
	static const char who[] = "abaaba";
	static const size_t len[] = { 10, 20, 100000, 30, 40, 70000 };
	struct sl_record r;
	const struct sl_record *got;
	struct sl_buf scratch;
	struct sl_spool *sp[2];
	struct sl_spool_cur *cur;
	FILE *fp = spool_file();
	char *text = sl_xmalloc(100000);
	struct sl_spool_file f;
	long long off;
	int i, k, seen;

	sl_buf_init(&scratch);
	f.fp = fp;
	f.fd = fileno(fp);
	f.end = 0;
	sl_buf_init(&f.scratch);
	sp[0] = sl_spool_new(fileno(fp), 0, 0);
	sp[1] = sl_spool_new(fileno(fp), 0, 0);
	for (i = 0; i < 6; i++) {
		memset(text, '0' + i, len[i]);
		sl_record_init(&r, SL_RAW, who[i] == 'a' ? "a-1" : "b-1", "x:1");
		r.text = text;
		r.len = len[i];
		ck_assert_int_eq(sl_spool_append(&f, sp[who[i] - 'a'], &r), 0);
	}
	fflush(fp);
	off = f.end;
	sl_buf_free(&f.scratch);
	ck_assert_int_eq(sl_spool_len(sp[0]) + sl_spool_len(sp[1]), off);
	for (k = 0; k < 2; k++) {
		cur = sl_spool_cursor(sp[k]);
		for (i = 0, seen = 0; i < 6; i++) {
			if (who[i] != 'a' + k)
				continue;
			ck_assert_int_eq(sl_spool_next(cur, &got), 1);
			ck_assert_uint_eq(got->len, len[i]);
			ck_assert_int_eq(got->text[0], '0' + i);
			ck_assert_int_eq(got->text[got->len - 1], '0' + i);
			seen++;
		}
		ck_assert_int_eq(seen, k == 0 ? 4 : 2);
		ck_assert_int_eq(sl_spool_next(cur, &got), 0);
		sl_spool_cursor_free(cur);
		sl_spool_free(sp[k]);
	}
	sl_buf_free(&scratch);
	free(text);
	fclose(fp);
}
END_TEST

/*
 * Three sessions interleaved record by record, thousands of runs each:
 * their extents go to the file in chained blocks (the file grows past
 * the records), every session reads back all of its records in order,
 * twice over, and a block damaged on disk is an error, not a wrong read.
 */
START_TEST(spool_extent_blocks)
{
	enum { N = 9000, S = 3 };
	struct sl_spool_file f;
	struct sl_spool *sp[S];
	struct sl_spool_cur *cur;
	const struct sl_record *got;
	struct sl_record r;
	long long records = 0, first_block = -1, before;
	char text[64];
	int i, k, pass, n;
	unsigned char bad = 0xff;

	f.fp = spool_file();
	f.fd = fileno(f.fp);
	f.end = 0;
	sl_buf_init(&f.scratch);
	for (k = 0; k < S; k++)
		sp[k] = sl_spool_new(f.fd, 0, 0);
	for (i = 0; i < N; i++) {
		n = snprintf(text, sizeof(text), "record %d", i);
		sl_record_init(&r, SL_RAW, "a-1", "x:1");
		r.text = text;
		r.len = (size_t)n + (size_t)(i % 7);	/* lengths vary */
		memset(text + n, '.', (size_t)(i % 7));
		before = f.end;
		ck_assert_int_eq(sl_spool_append(&f, sp[i % S], &r), 0);
		records += (long long)f.scratch.len;
		/* a block went to the file after the record */
		if (first_block < 0 && f.end > before + (long long)f.scratch.len)
			first_block = before + (long long)f.scratch.len;
	}
	ck_assert_int_eq(fflush(f.fp), 0);
	ck_assert_int_gt(f.end, records);	/* blocks went to the file */
	ck_assert_int_eq(sl_spool_len(sp[0]) + sl_spool_len(sp[1]) +
	    sl_spool_len(sp[2]), records);
	for (k = 0; k < S; k++)
		for (pass = 0; pass < 2; pass++) {
			cur = sl_spool_cursor(sp[k]);
			for (i = k; i < N; i += S) {
				n = snprintf(text, sizeof(text), "record %d", i);
				ck_assert_int_eq(sl_spool_next(cur, &got), 1);
				ck_assert_uint_eq(got->len,
				    (size_t)n + (size_t)(i % 7));
				ck_assert(memcmp(got->text, text, (size_t)n) == 0);
			}
			ck_assert_int_eq(sl_spool_next(cur, &got), 0);
			sl_spool_cursor_free(cur);
		}

	/* Make the first block's length impossible (its u16 at 8). */
	ck_assert_int_ge(first_block, 0);
	ck_assert_int_eq(pwrite(f.fd, &bad, 1, first_block + 9), 1);
	for (k = 0, n = 0; k < S; k++) {
		cur = sl_spool_cursor(sp[k]);
		while ((i = sl_spool_next(cur, &got)) > 0)
			;
		n += i < 0;
		sl_spool_cursor_free(cur);
		sl_spool_free(sp[k]);
	}
	ck_assert_int_eq(n, 1);		/* one session's chain is broken */
	sl_buf_free(&f.scratch);
	fclose(f.fp);
}
END_TEST

/*
 * Two sessions interleaved with records of some 200 bytes: every extent
 * but the first packs as two 2-byte varints.  A block whose length is cut by one byte
 * ends inside its last extent's length: reading stops with an error
 * there, after only whole records, instead of using a partial length.
 */
START_TEST(spool_block_cut_varint)
{
	enum { N = 400 };
	struct sl_spool_file f;
	struct sl_spool *sp[2];
	struct sl_spool_cur *cur;
	const struct sl_record *got;
	struct sl_record r;
	long long first_block = -1, before;
	unsigned char len[2];
	char text[200];
	int i, k, rc, seen;

	f.fp = spool_file();
	f.fd = fileno(f.fp);
	f.end = 0;
	sl_buf_init(&f.scratch);
	sp[0] = sl_spool_new(f.fd, 0, 0);
	sp[1] = sl_spool_new(f.fd, 0, 0);
	for (i = 0; i < N; i++) {
		memset(text, 'a' + i % 26, sizeof(text));
		sl_record_init(&r, SL_RAW, "a-1", "x:1");
		r.text = text;
		r.len = sizeof(text);
		before = f.end;
		ck_assert_int_eq(sl_spool_append(&f, sp[i % 2], &r), 0);
		if (first_block < 0 && f.end > before + (long long)f.scratch.len)
			first_block = before + (long long)f.scratch.len;
	}
	ck_assert_int_eq(fflush(f.fp), 0);
	ck_assert_int_ge(first_block, 0);
	/* Shorten the block's length (u16 at 8) by one byte. */
	ck_assert_int_eq(pread(f.fd, len, 2, first_block + 8), 2);
	/* The spool's first extent starts at 0: a 1-byte varint. */
	ck_assert_int_eq(len[1], 0);
	ck_assert_int_eq(len[0] % 4, 3);
	len[0]--;
	ck_assert_int_eq(pwrite(f.fd, len, 2, first_block + 8), 2);
	for (k = 0; k < 2; k++) {
		cur = sl_spool_cursor(sp[k]);
		seen = 0;
		while ((rc = sl_spool_next(cur, &got)) > 0) {
			ck_assert_uint_eq(got->len, sizeof(text));
			ck_assert_int_eq(got->text[0], 'a' + (2 * seen + k) % 26);
			ck_assert_int_eq(got->text[got->len - 1],
			    'a' + (2 * seen + k) % 26);
			seen++;
		}
		/* The first spool owns the block: its whole extents only. */
		ck_assert_int_eq(rc, k == 0 ? -1 : 0);
		if (k == 0)
			ck_assert_int_eq(seen, len[0] / 4);
		sl_spool_cursor_free(cur);
		sl_spool_free(sp[k]);
	}
	sl_buf_free(&f.scratch);
	fclose(f.fp);
}
END_TEST

/* ---------------------------------------------------------- escaping */

static void
expect_html(const char *in, const char *want)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_reserve(&b, 0);
	sl_w_html(&b, in, strlen(in));
	ck_assert_str_eq(b.buf, want);
	sl_buf_free(&b);
}

/* ---------------------------------------------------------- body mode */

/* The bytes sl_body_write gives of sp, into out (NUL-terminated). */
static int
body_bytes(struct sl_spool *sp, struct sl_buf *out)
{
	FILE *fp = spool_file();
	struct sl_out *o = sl_out_fd(dup(fileno(fp)), "body", 0);
	struct sl_error err;
	long n;
	int rc;

	ck_assert_ptr_nonnull(o);
	rc = sl_body_write(sp, o);
	ck_assert_int_eq(sl_out_close(o, &err), SL_OK);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	sl_buf_reset(out);
	sl_buf_reserve(out, (size_t)n + 1);
	ck_assert_uint_eq(fread(out->buf, 1, (size_t)n, fp), (size_t)n);
	out->len = (size_t)n;
	out->buf[n] = '\0';
	fclose(fp);
	return rc;
}

/*
 * Two sessions' bytes interleaved, in chunks tagged by source: each reads
 * back its own in order (a chunk past CHUNK_MAX and an empty one too),
 * keeping one tag keeps its chunks and the untagged ones, and a chunk's
 * length damaged on disk is an error, not a wrong read.
 */
START_TEST(body_chunks)
{
	static const struct { int who; uint32_t tag; const char *text; } in[] = {
		{ 0, SL_BODY_ALL, "" }, { 0, 0, "a1\n" }, { 1, 0, "b1\n" },
		{ 0, 1, "A2\n" }, { 0, 0, "a3\n" }, { 0, SL_BODY_ALL, "n4\n" },
		{ 1, 0, "b2\n" }, { 0, 0, "a5\n" },
	};
	struct sl_spool *sp[2], *kept;
	struct sl_spool_file f;
	struct sl_body b;
	struct sl_buf out, *at, want;
	FILE *fp = spool_file();
	char *big = sl_xmalloc(100000);
	size_t i;

	f.fp = fp;
	f.fd = fileno(fp);
	f.end = 0;
	sl_buf_init(&f.scratch);
	sl_buf_init(&out);
	sl_buf_init(&want);
	sl_body_init(&b);
	sp[0] = sl_spool_new(f.fd, 0, 0);
	sp[1] = sl_spool_new(f.fd, 0, 0);
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		at = sl_body_at(&b, &f, sp[in[i].who], in[i].tag);
		ck_assert_ptr_nonnull(at);
		sl_buf_adds(at, in[i].text);
	}
	/* Past a chunk's size: the next bytes open another. */
	memset(big, 'x', 100000);
	sl_buf_add(sl_body_at(&b, &f, sp[0], 0), big, 100000);
	sl_buf_adds(sl_body_at(&b, &f, sp[0], 0), "a6\n");
	ck_assert_int_eq(sl_body_flush(&b, &f), 0);
	ck_assert_int_eq(fflush(fp), 0);

	ck_assert_int_eq(body_bytes(sp[1], &out), SL_OK);
	ck_assert_str_eq(out.buf, "b1\nb2\n");
	ck_assert_int_eq(body_bytes(sp[0], &out), SL_OK);
	sl_buf_adds(&want, "a1\nA2\na3\nn4\na5\n");
	sl_buf_add(&want, big, 100000);
	sl_buf_adds(&want, "a6\n");
	ck_assert_uint_eq(out.len, want.len);
	ck_assert_int_eq(memcmp(out.buf, want.buf, want.len), 0);

	/* Tag 0 kept: A2 (tag 1) goes, n4 (every tag's) stays. */
	kept = sl_spool_new(f.fd, 0, 0);
	ck_assert_int_eq(sl_body_keep(sp[0], 0, &f, kept), 0);
	ck_assert_int_eq(fflush(fp), 0);
	ck_assert_int_eq(body_bytes(kept, &out), SL_OK);
	ck_assert_uint_eq(out.len, want.len - 3);
	ck_assert_int_eq(memcmp(out.buf, "a1\na3\nn4\na5\n", 12), 0);

	/* The first chunk of sp[0] (a1, at 0) claims more than there is. */
	ck_assert_int_eq(pwrite(f.fd, "\xff\xff\xff\x0f", 4, 4), 4);
	ck_assert_int_eq(body_bytes(sp[0], &out), SL_FATAL);
	ck_assert_int_eq(sl_body_keep(sp[0], 0, &f, kept), -2);

	sl_spool_free(kept);
	sl_spool_free(sp[0]);
	sl_spool_free(sp[1]);
	sl_body_free(&b);
	sl_buf_free(&f.scratch);
	sl_buf_free(&out);
	sl_buf_free(&want);
	free(big);
	fclose(fp);
}
END_TEST

/*
 * Chunks made in memory (a -j worker's body piece) read back as a
 * spool's: bytes of one tag in a row are one chunk, a chunk with no
 * byte is left out, and keeping one tag keeps the untagged ones too.
 */
START_TEST(body_mem_chunks)
{
	struct sl_body_mem m;
	struct sl_spool *sp, *kept;
	struct sl_spool_file f;
	struct sl_buf out;
	FILE *fp = spool_file();

	sl_buf_init(&out);
	sl_body_mem_init(&m);
	(void)sl_body_mem_at(&m, SL_BODY_ALL);	/* a session record */
	sl_buf_adds(sl_body_mem_at(&m, 0), "a1\n");
	sl_buf_adds(sl_body_mem_at(&m, 0), "a2\n");
	sl_buf_adds(sl_body_mem_at(&m, 1), "b1\n");
	(void)sl_body_mem_at(&m, 0);
	sl_buf_adds(sl_body_mem_at(&m, SL_BODY_ALL), "n1\n");
	sl_body_mem_close(&m);
	sl_body_mem_close(&m);			/* closed already */
	ck_assert_uint_eq(m.b.len, 3 * 8 + 12);
	ck_assert_uint_eq(fwrite(m.b.buf, 1, m.b.len, fp), m.b.len);
	ck_assert_int_eq(fflush(fp), 0);
	sp = sl_spool_new(fileno(fp), 0, (long long)m.b.len);
	ck_assert_int_eq(body_bytes(sp, &out), SL_OK);
	ck_assert_str_eq(out.buf, "a1\na2\nb1\nn1\n");

	f.fp = fp;
	f.fd = fileno(fp);
	f.end = (long long)m.b.len;
	sl_buf_init(&f.scratch);
	kept = sl_spool_new(f.fd, 0, 0);
	ck_assert_int_eq(sl_body_keep(sp, 1, &f, kept), 0);
	ck_assert_int_eq(fflush(fp), 0);
	ck_assert_int_eq(body_bytes(kept, &out), SL_OK);
	ck_assert_str_eq(out.buf, "b1\nn1\n");

	/* Empty again, its room kept. */
	sl_body_mem_reset(&m);
	ck_assert_uint_eq(m.b.len, 0);
	sl_buf_adds(sl_body_mem_at(&m, 7), "x");
	sl_body_mem_close(&m);
	ck_assert_uint_eq(m.b.len, 9);

	sl_spool_free(kept);
	sl_spool_free(sp);
	sl_body_mem_free(&m);
	sl_buf_free(&f.scratch);
	sl_buf_free(&out);
	fclose(fp);
}
END_TEST

START_TEST(html_escapes)
{
	expect_html("<script>alert(1)</script>",
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_html("\"><img src=x onerror=alert(1)>",
	    "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
	expect_html("a'b&c", "a&#39;b&amp;c");
	expect_html("</style><style>", "&lt;/style&gt;&lt;style&gt;");
	expect_html("tab\there", "tab\there");
	expect_html("esc\x1b[31m", "esc\xef\xbf\xbd[31m");
	expect_html("c1\xc2\x9b", "c1\xef\xbf\xbd");
	expect_html("bad\xff", "bad\xef\xbf\xbd");
	expect_html("\xe9\x80\xa3\xe7\xb5\xa1", "\xe9\x80\xa3\xe7\xb5\xa1");
}
END_TEST

static void
expect_clean(const char *in, size_t n, const char *want)
{
	struct sl_buf b;

	sl_buf_init(&b);
	sl_buf_reserve(&b, 0);
	sl_w_clean(&b, in, n);
	ck_assert_str_eq(b.buf, want);
	sl_buf_free(&b);
}

START_TEST(clean_controls)
{
	expect_clean("plain", 5, "plain");
	expect_clean("a\tb", 3, "a\tb");
	expect_clean("\x1b[2Jx", 5, "\xef\xbf\xbd[2Jx");
	expect_clean("cr\rlf\n", 6, "cr\xef\xbf\xbdlf\xef\xbf\xbd");
	expect_clean("del\x7f", 4, "del\xef\xbf\xbd");
	expect_clean("\xc2\x85", 2, "\xef\xbf\xbd");		/* NEL, C1 */
	expect_clean("\xc2\xa0", 2, "\xc2\xa0");		/* NBSP stays */
	expect_clean("n\0l", 3, "n\xef\xbf\xbdl");
	expect_clean("cut\xe2\x94", 5, "cut\xef\xbf\xbd");
}
END_TEST

START_TEST(widths)
{
	ck_assert_uint_eq(sl_w_width("abc", 3), 3);
	ck_assert_uint_eq(sl_w_width("", 0), 0);
	/* 連絡先: three wide characters and a colon. */
	ck_assert_uint_eq(sl_w_width("\xe9\x80\xa3\xe7\xb5\xa1\xe5\x85\x88:",
	    10), 7);
	/* naïve with a combining diaeresis. */
	ck_assert_uint_eq(sl_w_width("nai\xcc\x88ve", 7), 5);
	ck_assert_uint_eq(sl_w_width("caf\xc3\xa9", 5), 4);
}
END_TEST

/* --------------------------------------------------------- file names */

static void
expect_name(const char *id, const char *ext, const char *want)
{
	char *got = sl_w_safe_name(id, ext);

	ck_assert_msg(strcmp(got, want) == 0, "name of [%s]: %s, want %s",
	    id != NULL ? id : "(null)", got, want);
	ck_assert_ptr_null(strchr(got, '/'));
	ck_assert_int_ne(got[0], '.');
	free(got);
}

/* The hash suffix is the first 8 hex digits of SHA-256 of the id. */
static char *
with_hash(const char *id, const char *safe, const char *ext)
{
	unsigned char d[32];
	char hex[65], *out = sl_xmalloc(strlen(safe) + 16 + strlen(ext));

	sl_sha256(id, strlen(id), d);
	sl_sha256_hex(d, hex);
	sprintf(out, "%s-%.8s%s", safe, hex, ext);
	return out;
}

START_TEST(safe_names)
{
	char *w;

	expect_name("alice-0a1b2c3d4e5f67890", ".txt",
	    "alice-0a1b2c3d4e5f67890.txt");
	expect_name("maria.garcia@example.com-0b7e41d29c58f3a06", ".log",
	    "maria.garcia@example.com-0b7e41d29c58f3a06.log");
	expect_name(NULL, ".html", "unknown-session.html");
	w = with_hash("../../etc/passwd", "_._.._etc_passwd", ".txt");
	expect_name("../../etc/passwd", ".txt", w);
	free(w);
	w = with_hash(".hidden", "_hidden", "");
	expect_name(".hidden", "", w);
	free(w);
	w = with_hash("-rf", "_rf", ".log");
	expect_name("-rf", ".log", w);
	free(w);
	w = with_hash("a b\x1b\n", "a_b__", ".csv");
	expect_name("a b\x1b\n", ".csv", w);
	free(w);
	w = with_hash("", "", ".txt");
	expect_name("", ".txt", w);
	free(w);
	w = with_hash("C:\\x", "C__x", ".txt");
	expect_name("C:\\x", ".txt", w);
	free(w);
}
END_TEST

START_TEST(long_names_cut)
{
	char id[400], *got;

	memset(id, 'x', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	got = sl_w_safe_name(id, ".html");
	ck_assert_uint_lt(strlen(got), 200);
	ck_assert_str_eq(got + strlen(got) - 5, ".html");
	free(got);
}
END_TEST

START_TEST(archive_kinds)
{
	ck_assert_int_eq(sl_archive_kind("a.tar.gz"), SL_AR_TGZ);
	ck_assert_int_eq(sl_archive_kind("dir/a.tgz"), SL_AR_TGZ);
	ck_assert_int_eq(sl_archive_kind("a.tar"), SL_AR_TAR);
	ck_assert_int_eq(sl_archive_kind("a.zip"), SL_AR_ZIP);
	ck_assert_int_eq(sl_archive_kind("a.gz"), SL_AR_NONE);
	ck_assert_int_eq(sl_archive_kind("a.html"), SL_AR_NONE);
	ck_assert_int_eq(sl_archive_kind(".zip"), SL_AR_NONE);
}
END_TEST

START_TEST(writer_table)
{
	static const char *const names[] = { "text", "records", "cw-stream",
	    "typescript", "csv", "asciicast", "html" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct sl_writer *w = sl_writer_at(i);

		ck_assert_ptr_nonnull(w);
		ck_assert_str_eq(sl_writer_name(w), names[i]);
		ck_assert_ptr_eq(sl_writer_lookup(names[i]), w);
		ck_assert_uint_gt(strlen(sl_writer_desc(w)), 10);
		ck_assert_int_eq(w->ext[0], '.');
	}
	ck_assert_ptr_null(sl_writer_at(i));
	ck_assert_ptr_null(sl_writer_at(1000));
	ck_assert_ptr_null(sl_writer_lookup("pdf"));
}
END_TEST

static Suite *
convert_suite(void)
{
	Suite *s = suite_create("convert");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, sha256_vectors);
	tcase_add_test(tc, sha256_incremental);
	tcase_add_test(tc, spool_round_trip);
	tcase_add_test(tc, spool_damaged_and_ranges);
	tcase_add_test(tc, spool_big_records);
	tcase_add_test(tc, spool_extents);
	tcase_add_test(tc, spool_extent_blocks);
	tcase_add_test(tc, spool_block_cut_varint);
	tcase_add_test(tc, body_chunks);
	tcase_add_test(tc, body_mem_chunks);
	tcase_add_test(tc, html_escapes);
	tcase_add_test(tc, clean_controls);
	tcase_add_test(tc, widths);
	tcase_add_test(tc, safe_names);
	tcase_add_test(tc, long_names_cut);
	tcase_add_test(tc, archive_kinds);
	tcase_add_test(tc, writer_table);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(convert_suite)
