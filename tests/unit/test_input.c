/*
 * test_input.c: the input layer (lib/input/input.c).  Fixtures are built in a
 * temporary folder with zlib and libarchive's writer, never read from
 * outside the test.
 */
#define ZLIB_CONST

#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check_main.h"
#include "internal.h"
#include "mapped.h"
#include "walk_seen.h"

/* ------------------------------------------------------------ fixtures */

static char tmp[PATH_MAX];

static void
setup(void)
{
	const char *t = getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s/sl-input-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static int
rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
teardown(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* "tmp/rel"; a ring of buffers so a test can hold several at once. */
static const char *
pth(const char *rel)
{
	static char ring[16][PATH_MAX];
	static int next;
	char *p = ring[next++ % 16];
	int n = snprintf(p, PATH_MAX, "%s/%s", tmp, rel);

	ck_assert(n > 0 && n < PATH_MAX);
	return p;
}

static void
put_file(const char *rel, const void *p, size_t n)
{
	FILE *f = fopen(pth(rel), "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static void
put_str(const char *rel, const char *s)
{
	put_file(rel, s, strlen(s));
}

static void *
get_file(const char *rel, size_t *n)
{
	struct sl_buf b;
	char chunk[65536];
	size_t k;
	FILE *f = fopen(pth(rel), "rb");

	ck_assert_ptr_nonnull(f);
	sl_buf_init(&b);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		sl_buf_add(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return b.buf;
}

/* One gzip member of p (level 6) appended to out. */
static void
gz_add(struct sl_buf *out, const void *p, size_t n)
{
	unsigned char chunk[65536];
	z_stream z;
	int ret;

	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		ret = deflate(&z, Z_FINISH);
		ck_assert(ret == Z_OK || ret == Z_STREAM_END);
		sl_buf_add(out, chunk, sizeof chunk - z.avail_out);
	} while (ret != Z_STREAM_END);
	deflateEnd(&z);
}

static void
put_gz(const char *rel, const void *p, size_t n)
{
	struct sl_buf b;

	sl_buf_init(&b);
	gz_add(&b, p, n);
	put_file(rel, b.buf, b.len);
	sl_buf_free(&b);
}

struct ent {
	const char *name;
	const void *data;
	size_t len;
	int dir;
};

/* An archive at rel: fmt 't' pax tar, 'z' zip, 'r' raw (one stream). */
static void
put_archive(const char *rel, int fmt, int filter, const struct ent *e,
    size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae;
	size_t i;

	ck_assert_ptr_nonnull(a);
	if (fmt == 't')
		ck_assert_int_eq(archive_write_set_format_pax_restricted(a),
		    ARCHIVE_OK);
	else if (fmt == 'z')
		ck_assert_int_eq(archive_write_set_format_zip(a), ARCHIVE_OK);
	else
		ck_assert_int_eq(archive_write_set_format_raw(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_add_filter(a, filter), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, pth(rel)),
	    ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, e[i].dir ? AE_IFDIR : AE_IFREG);
		archive_entry_set_perm(ae, e[i].dir ? 0755 : 0644);
		archive_entry_set_size(ae, (la_int64_t)e[i].len);
		ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
		if (e[i].len > 0)
			ck_assert_int_eq(archive_write_data(a, e[i].data,
			    e[i].len), (la_ssize_t)e[i].len);
		archive_entry_free(ae);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

/* ----------------------------------------------------------- collector */

#define MAXLEAF 32

struct leafrec {
	char *name;
	struct sl_buf data;	/* every byte delivered */
	struct sl_buf trace;	/* "lineno:more:len " per piece */
	int end;		/* last sl_in_line result: 0 or -1 */
	int failed;
	long long off;
	long long lines;
};

struct coll {
	struct leafrec leaf[MAXLEAF];
	int n;
	int stop_at;		/* return SL_STOP at this leaf (1-based) */
	int reject;		/* return SL_REJECT for every leaf */
	struct sl_buf errs;	/* "where: msg\n" */
	int nerr;
};

static void
coll_init(struct coll *c)
{
	memset(c, 0, sizeof *c);
	sl_buf_init(&c->errs);
}

static void
coll_free(struct coll *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free(c->leaf[i].name);
		sl_buf_free(&c->leaf[i].data);
		sl_buf_free(&c->leaf[i].trace);
	}
	sl_buf_free(&c->errs);
}

static void
on_err(void *arg, const char *where, const char *msg)
{
	struct coll *c = arg;

	sl_buf_printf(&c->errs, "%s: %s\n", where, msg);
	c->nerr++;
}

/* Read a leaf line by line, recording every piece. */
static int
by_lines(void *arg, struct sl_in *in)
{
	struct coll *c = arg;
	struct leafrec *l;
	const char *p;
	size_t n;
	int more, r;

	ck_assert_int_lt(c->n, MAXLEAF);
	l = &c->leaf[c->n++];
	l->name = sl_xstrdup(sl_in_name(in));
	sl_buf_init(&l->data);
	sl_buf_init(&l->trace);
	ck_assert_int_eq(sl_in_lineno(in), 0);
	ck_assert_int_eq(sl_in_offset(in), 0);
	while ((r = sl_in_line(in, &p, &n, &more)) == 1) {
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_le(n, SL_LINE_PIECE);
		sl_buf_add(&l->data, p, n);
		sl_buf_printf(&l->trace, "%lld:%d:%zu ", sl_in_lineno(in),
		    more, n);
		ck_assert_int_eq(sl_in_offset(in), (long long)l->data.len);
	}
	l->end = r;
	l->failed = sl_in_failed(in);
	l->off = sl_in_offset(in);
	l->lines = sl_in_lineno(in);
	/* After the end (or the one -1), the input stays at its end. */
	ck_assert_int_eq(sl_in_line(in, &p, &n, &more), 0);
	if (c->stop_at == c->n)
		return SL_STOP;
	return c->reject ? SL_REJECT : SL_OK;
}

static int
walk(struct coll *c, const char *path, struct sl_stats *st)
{
	return sl_input_walk(path, by_lines, c, on_err, c, st);
}

/* Assert leaf i: name (relative to tmp unless it starts with '-'), data. */
static void
leaf_is(struct coll *c, int i, const char *rel, const char *data)
{
	ck_assert_int_lt(i, c->n);
	ck_assert_str_eq(c->leaf[i].name, rel[0] == '-' ? rel : pth(rel));
	ck_assert_uint_eq(c->leaf[i].data.len, strlen(data));
	if (*data != '\0')
		ck_assert_mem_eq(c->leaf[i].data.buf, data, strlen(data));
	ck_assert_int_eq(c->leaf[i].end, 0);
	ck_assert_int_eq(c->leaf[i].failed, 0);
}

static const char two_lines[] = "first line\nsecond line\n";

/* Some kilobytes that deflate cannot squeeze much: a varied log. */
static char *
varied_text(size_t lines, size_t *len)
{
	struct sl_buf b;
	unsigned long x = 12345;
	size_t i;

	sl_buf_init(&b);
	for (i = 0; i < lines; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		sl_buf_printf(&b, "%06zu %016lx %lu\n", i, x, x >> 17);
	}
	*len = b.len;
	return b.buf;
}

/* -------------------------------------------------------- plain files */

START_TEST(test_plain_lines)
{
	struct coll c;
	struct sl_stats st;

	memset(&st, 0, sizeof st);
	put_str("a.log", "one\ntwo\r\n\r\nthree");
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("a.log"), &st), SL_OK);
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "a.log", "one\ntwo\r\n\r\nthree");
	/* CRLF untouched: lines are raw bytes; the last has no newline. */
	ck_assert_str_eq(c.leaf[0].trace.buf, "1:0:4 2:0:5 3:0:2 4:0:5 ");
	ck_assert_int_eq(c.leaf[0].lines, 4);
	ck_assert_int_eq(c.leaf[0].off, 16);
	ck_assert_int_eq(c.nerr, 0);
	ck_assert_int_eq(st.inputs, 1);
	ck_assert_int_eq(st.bytes, 16);
	coll_free(&c);
}
END_TEST

/* A large plain file is read in place: every byte, views that stay put. */
struct stable_coll {
	int stable;
	int mapped;
	int all_visible;
	struct coll c;
};

static int
lines_and_stable(void *arg, struct sl_in *in)
{
	struct stable_coll *t = arg;
	const char *p;
	size_t n;

	t->stable = sl_in_stable(in, &p, &n);
	t->mapped = mapped_now(sl_in_name(in));
	t->all_visible = sl_in_all_visible(in);
	return by_lines(&t->c, in);
}

START_TEST(test_mapped_file)
{
	struct stable_coll t;
	struct sl_stats st;
	size_t len;
	char *text = varied_text(60000, &len);	/* about 2.3 MiB */

	ck_assert_uint_gt(len, 2 * 1024 * 1024);
	put_file("big.log", text, len);
	memset(&st, 0, sizeof st);
	coll_init(&t.c);
	ck_assert_int_eq(sl_input_walk(pth("big.log"), lines_and_stable, &t,
	    on_err, &t.c, &st), SL_OK);
	ck_assert_int_eq(t.mapped, 1);
	ck_assert_int_eq(t.stable, 0);	/* mapped: its pages follow the file */
	/* Every byte in view, but no input that ended within a buffer (-j
	 * offers only those whole, whatever their format). */
	ck_assert_int_eq(t.all_visible, 0);
	ck_assert_uint_eq(t.c.leaf[0].data.len, len);
	ck_assert_mem_eq(t.c.leaf[0].data.buf, text, len);
	ck_assert_int_eq(t.c.leaf[0].lines, 60000);
	ck_assert_int_eq(st.bytes, (long long)len);
	ck_assert_int_eq(t.c.nerr, 0);
	coll_free(&t.c);
	/* A small file, or the same bytes through a pipe: buffered. */
	coll_init(&t.c);
	put_str("small.log", two_lines);
	ck_assert_int_eq(sl_input_walk(pth("small.log"), lines_and_stable,
	    &t, on_err, &t.c, NULL), SL_OK);
	ck_assert_int_eq(t.mapped, 0);
	ck_assert_int_eq(t.stable, 0);
	ck_assert_int_eq(t.all_visible, 1);
	coll_free(&t.c);
	free(text);
}
END_TEST

/*
 * The file is cut to cut_at_bytes after its reader has taken its first
 * line (or 64 KiB read): what was mapped past the cut is gone.  Whole
 * pages past the new end raise SIGBUS; the page holding it stays mapped
 * and reads as zeros past the end, with no signal.
 */
static long cut_at_bytes;

static struct leafrec *
cut_leaf(struct coll *c)
{
	struct leafrec *l = &c->leaf[c->n++];

	sl_buf_init(&l->data);
	sl_buf_init(&l->trace);
	return l;
}

static int
lines_while_cut(void *arg, struct sl_in *in)
{
	struct leafrec *l = cut_leaf(arg);
	const char *p;
	size_t n;
	int more;

	ck_assert_int_eq(sl_in_line(in, &p, &n, &more), 1);
	ck_assert_int_eq(truncate(pth("cut.log"), cut_at_bytes), 0);
	while ((l->end = sl_in_line(in, &p, &n, &more)) == 1)
		sl_buf_add(&l->data, p, n);
	l->failed = sl_in_failed(in);
	return SL_OK;
}

static int
reads_while_cut(void *arg, struct sl_in *in)
{
	struct leafrec *l = cut_leaf(arg);
	static char chunk[65536];
	ssize_t k;

	ck_assert_int_eq(sl_in_read(in, chunk, sizeof chunk), sizeof chunk);
	sl_buf_add(&l->data, chunk, sizeof chunk);
	ck_assert_int_eq(truncate(pth("cut.log"), cut_at_bytes), 0);
	while ((k = sl_in_read(in, chunk, sizeof chunk)) > 0)
		sl_buf_add(&l->data, chunk, (size_t)k);
	l->end = (int)k;
	l->failed = sl_in_failed(in);
	return SL_OK;
}

/* text[0, len) in cut.log, cut at cut: fn is handed text[from, cut)
 * (none of the zeros past the cut), then the error. */
static void
expect_cut(sl_leaf_fn fn, const char *text, size_t len, size_t from,
    size_t cut)
{
	struct coll c;
	char msg[96];

	put_file("cut.log", text, len);
	cut_at_bytes = (long)cut;
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk(pth("cut.log"), fn, &c, on_err, &c,
	    NULL), SL_REJECT);
	ck_assert_uint_eq(c.leaf[0].data.len, cut - from);
	ck_assert_mem_eq(c.leaf[0].data.buf, text + from, cut - from);
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	ck_assert_int_eq(c.nerr, 1);
	ck_assert_ptr_nonnull(strstr(c.errs.buf, "cut.log:"));
	snprintf(msg, sizeof msg, ": file shrank while being read (to %zu "
	    "bytes of %zu)\n", cut, len);
	ck_assert_msg(strstr(c.errs.buf, msg) != NULL, "%s", c.errs.buf);
	coll_free(&c);
}

/* Mid-line, not on a page: the reader faults past the cut. */
START_TEST(test_mapped_file_shrinks)
{
	size_t len, first;
	char *text = varied_text(60000, &len);

	first = (size_t)(strchr(text, '\n') - text) + 1;
	expect_cut(lines_while_cut, text, len, first, 1024 * 1024 + 12345);
	free(text);
}
END_TEST

/*
 * Cut where no SIGBUS says so: in the mapping's last page (lines and
 * reads reach the mapping's end through it), and in a page whose end a
 * read stops at.
 */
START_TEST(test_mapped_cut_without_fault)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len, first, last;
	char *text = varied_text(60000, &len);

	first = (size_t)(strchr(text, '\n') - text) + 1;
	last = (len - 1) / pg * pg;
	ck_assert_uint_gt(len - last, 100);
	expect_cut(lines_while_cut, text, len, first, last + 50);
	expect_cut(reads_while_cut, text, len, 0, last + 50);
	expect_cut(reads_while_cut, text, len, 0, 2 * 1024 * 1024 - 100);
	free(text);
}
END_TEST

/* A line longer than a piece, cut in the page where a piece ends: the
 * piece stops at the cut. */
START_TEST(test_mapped_cut_in_long_line)
{
	size_t len = 3 * 1024 * 1024, piece_end = 6 + SL_LINE_PIECE;
	char *text = malloc(len);

	memset(text, 'x', len);
	memcpy(text, "short\n", 6);
	text[len - 1] = '\n';
	expect_cut(lines_while_cut, text, len, 6, piece_end - 3);
	free(text);
}
END_TEST

/*
 * A SIGBUS not from sl's mappings goes to the handler that was there
 * before sl's, every time, and sl's stays for its own.
 */
static volatile sig_atomic_t foreign_calls, foreign_jump;
static sigjmp_buf foreign_out;

static void
foreign_bus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	foreign_calls++;
	if (foreign_jump)
		siglongjmp(foreign_out, 1);
}

/* Walk a large file, so that sl's SIGBUS handler is in place. */
static void
map_once(void)
{
	struct coll c;
	size_t len;
	char *text = varied_text(60000, &len);

	put_file("big.log", text, len);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("big.log"), NULL), SL_OK);
	coll_free(&c);
	free(text);
}

/* A page of a file of ours that was cut: reading it faults. */
static void
fault_outside_sl(void)
{
	int fd = open(pth("own.bin"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	volatile const char *p;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 3 * 4096), 0);
	p = mmap(NULL, 3 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert_ptr_ne((const void *)p, MAP_FAILED);
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	if (sigsetjmp(foreign_out, 1) == 0) {
		foreign_jump = 1;
		(void)p[4096];
		ck_abort_msg("no SIGBUS");
	}
	foreign_jump = 0;
	munmap((void *)(uintptr_t)p, 3 * 4096);
	close(fd);
}

START_TEST(test_sigbus_passed_on)
{
	struct sigaction sa, now;
	size_t len, first;
	char *text = varied_text(60000, &len);

	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = foreign_bus;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGBUS, &sa, NULL), 0);
	map_once();
	/* Sent, then raised by a fault: each time to the program's own. */
	raise(SIGBUS);
	raise(SIGBUS);
	ck_assert_int_eq(foreign_calls, 2);
	fault_outside_sl();
	ck_assert_int_eq(foreign_calls, 3);
	ck_assert_int_eq(sigaction(SIGBUS, NULL, &now), 0);
	ck_assert(now.sa_sigaction != foreign_bus);
	/* And sl's mappings are still sl's to mend. */
	first = (size_t)(strchr(text, '\n') - text) + 1;
	expect_cut(lines_while_cut, text, len, first, 1024 * 1024 + 12345);
	ck_assert_int_eq(foreign_calls, 3);
	free(text);
}
END_TEST

static void
raise_sigbus(void)
{
	raise(SIGBUS);
}

/* A load past the end of a file cut under its own mapping (not sl's). */
static void
fault_sigbus(void)
{
	int fd = open(pth("own.bin"), O_RDWR | O_CREAT | O_TRUNC, 0600);
	volatile const char *p;

	if (fd < 0 || ftruncate(fd, 2 * 4096) != 0)
		_exit(1);
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || ftruncate(fd, 0) != 0)
		_exit(1);
	(void)p[4096];
}

/* In a child with sl's handler over the default action: killed by it? */
static int
killed_by_sigbus(void (*fault)(void))
{
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGBUS, SIG_DFL);
		map_once();
		fault();
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS;
}

/* With no handler before sl's, a SIGBUS that is not sl's kills: one
 * sent (kill, raise) and one the kernel raised for a load. */
START_TEST(test_sigbus_default_kills)
{
	ck_assert(killed_by_sigbus(raise_sigbus));
	ck_assert(killed_by_sigbus(fault_sigbus));
}
END_TEST

/* take: files named *.take are taken (by path, counted here), others
 * left to the walk. */
static char taken[4][PATH_MAX];
static int ntaken;

static int
take_some(void *arg, const char *path)
{
	size_t n = strlen(path);

	(void)arg;
	if (n < 5 || strcmp(path + n - 5, ".take") != 0)
		return SL_IN_NOT_TAKEN;
	ck_assert_int_lt(ntaken, 4);
	snprintf(taken[ntaken++], PATH_MAX, "%s", path);
	return SL_OK;
}

START_TEST(test_walk_take)
{
	struct coll c;
	struct sl_stats st;

	memset(&st, 0, sizeof st);
	ck_assert_int_eq(mkdir(pth("d"), 0700), 0);
	ck_assert_int_eq(mkdir(pth("d/sub"), 0700), 0);
	put_str("d/a.take", "taken\n");
	put_str("d/b.log", "walked\n");
	put_str("d/sub/c.take", "taken too\n");
	ntaken = 0;
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk_take(pth("d"), by_lines, take_some, &c,
	    on_err, &c, &st), SL_OK);
	/* In sorted order; the walk counts only what it read itself. */
	ck_assert_int_eq(ntaken, 2);
	ck_assert_str_eq(taken[0], pth("d/a.take"));
	ck_assert_str_eq(taken[1], pth("d/sub/c.take"));
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "d/b.log", "walked\n");
	ck_assert_int_eq(st.inputs, 1);
	ck_assert_int_eq(st.bytes, 7);
	/* A file named on its own is never offered: the walk opens it. */
	ck_assert_int_eq(sl_input_walk_take(pth("d/a.take"), by_lines,
	    take_some, &c, on_err, &c, &st), SL_OK);
	ck_assert_int_eq(ntaken, 2);
	ck_assert_int_eq(c.n, 2);
	coll_free(&c);
	ck_assert_int_eq(sl_input_plain((const unsigned char *)"plain", 5), 1);
	ck_assert_int_eq(sl_input_plain((const unsigned char *)"\037\213\010",
	    3), 0);
	ck_assert_int_eq(sl_input_plain((const unsigned char *)
	    "BZh91AY&SY", 10), 0);
}
END_TEST

START_TEST(test_mem_input)
{
	static const char text[] = "a\nbb\n";
	const unsigned char *p;
	const char *l;
	char buf[8];
	struct sl_in *in = sl_in_mem("mem", text, 5);
	size_t n;
	int more;

	ck_assert_str_eq(sl_in_name(in), "mem");
	ck_assert_uint_eq(sl_in_peek(in, &p, 100), 5);
	ck_assert_ptr_eq(p, (const unsigned char *)text);	/* no copy */
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_mem_eq(l, "a\n", 2);
	ck_assert_int_eq(more, 0);
	ck_assert_int_eq(sl_in_lineno(in), 1);
	ck_assert_int_eq(sl_in_read(in, buf, sizeof buf), 3);
	ck_assert_mem_eq(buf, "bb\n", 3);
	ck_assert_int_eq(sl_in_offset(in), 5);
	ck_assert_int_eq(sl_in_read(in, buf, sizeof buf), 0);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 0);
	ck_assert_int_eq(sl_in_failed(in), 0);
	sl_in_free(in);

	in = sl_in_mem("empty", NULL, 0);
	ck_assert_uint_eq(sl_in_peek(in, &p, 10), 0);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 0);
	ck_assert_int_eq(sl_in_read(in, buf, 1), 0);
	sl_in_free(in);
}
END_TEST

/*
 * sl_in_line() looks for a newline itself over a line's first 128
 * bytes, 32 at a time, and with memchr() after them: lines of every
 * length up to 200 put one at every offset of those blocks and past
 * them, and the last line ends without one at the buffer's end (the
 * buffer is malloc'd to its size, so an ASan build sees a read past it).
 */
START_TEST(test_line_ends_at_every_offset)
{
	size_t total = 0, k, n, i;
	char *text, *o;
	const char *l;
	struct sl_in *in;
	int more;

	for (k = 0; k <= 200; k++)
		total += k + 1;
	total += 37;	/* the last line: no newline */
	text = malloc(total);
	ck_assert_ptr_nonnull(text);
	for (o = text, k = 0; k <= 200; k++) {
		memset(o, 'a' + (int)(k % 26), k);
		o[k] = '\n';
		o += k + 1;
	}
	memset(o, 'z', 37);
	in = sl_in_mem("mem", text, total);
	for (k = 0; k <= 200; k++) {
		ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
		ck_assert_uint_eq(n, k + 1);
		ck_assert_int_eq(more, 0);
		ck_assert_int_eq(l[k], '\n');
		for (i = 0; i < k; i++)
			ck_assert_int_eq(l[i], 'a' + (int)(k % 26));
	}
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
	ck_assert_uint_eq(n, 37);
	ck_assert_int_eq(l[36], 'z');
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 0);
	ck_assert_int_eq(sl_in_lineno(in), 202);
	sl_in_free(in);
	free(text);
}
END_TEST

/* Bytes read count lines too: an error then names its line. */
START_TEST(test_read_counts_lines)
{
	static const char text[] = "a\nbb\n\nccc";
	const char *l;
	char buf[4];
	struct sl_in *in = sl_in_mem("mem", text, sizeof text - 1);
	size_t n;
	int more;

	ck_assert_int_eq(sl_in_read(in, buf, 1), 1);		/* "a" */
	ck_assert_int_eq(sl_in_lineno(in), 1);
	ck_assert_int_eq(sl_in_read(in, buf, 1), 1);		/* "\n" */
	ck_assert_int_eq(sl_in_lineno(in), 1);
	ck_assert_int_eq(sl_in_read(in, buf, 4), 4);		/* "bb\n\n" */
	ck_assert_int_eq(sl_in_lineno(in), 3);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);	/* "ccc" */
	ck_assert_int_eq(sl_in_lineno(in), 4);
	sl_in_free(in);

	in = sl_in_mem("mem", text, sizeof text - 1);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);	/* "a\n" */
	ck_assert_int_eq(sl_in_read(in, buf, 2), 2);		/* "bb" */
	ck_assert_int_eq(sl_in_lineno(in), 2);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);	/* its "\n" */
	ck_assert_int_eq(sl_in_lineno(in), 2);
	sl_in_free(in);
}
END_TEST

/* Lines at, just past and far past SL_LINE_PIECE, from a real file. */
START_TEST(test_long_line)
{
	size_t big = SL_LINE_PIECE * 2 + SL_LINE_PIECE / 2, len = 0;
	char *text = sl_xmalloc(big + SL_LINE_PIECE * 3 + 64), expect[256];
	struct coll c;

	memset(text, 'x', big);
	len = big;
	text[len++] = '\n';
	memcpy(text + len, "short\n", 6);
	len += 6;
	/* exactly one piece, newline included */
	memset(text + len, 'y', SL_LINE_PIECE - 1);
	len += SL_LINE_PIECE - 1;
	text[len++] = '\n';
	/* one byte too long: the newline comes as a piece of its own */
	memset(text + len, 'z', SL_LINE_PIECE);
	len += SL_LINE_PIECE;
	text[len++] = '\n';
	/* exactly one piece at the end, no newline: more is 0 */
	memset(text + len, 'w', SL_LINE_PIECE);
	len += SL_LINE_PIECE;
	put_file("long.log", text, len);

	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("long.log"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 1);
	ck_assert_uint_eq(c.leaf[0].data.len, len);
	ck_assert_mem_eq(c.leaf[0].data.buf, text, len);
	snprintf(expect, sizeof expect,
	    "1:1:%d 1:1:%d 1:0:%d 2:0:6 3:0:%d 4:1:%d 4:0:1 5:0:%d ",
	    SL_LINE_PIECE, SL_LINE_PIECE, SL_LINE_PIECE / 2 + 1,
	    SL_LINE_PIECE, SL_LINE_PIECE, SL_LINE_PIECE);
	ck_assert_str_eq(c.leaf[0].trace.buf, expect);
	ck_assert_int_eq(c.leaf[0].lines, 5);
	coll_free(&c);
	free(text);
}
END_TEST

static int
peek_then_line(void *arg, struct sl_in *in)
{
	const unsigned char *p;
	const char *l;
	char buf[4];
	size_t n;
	int more;

	(void)arg;
	ck_assert_uint_eq(sl_in_peek(in, &p, 5), 5);
	ck_assert_mem_eq(p, "hello", 5);
	ck_assert_uint_eq(sl_in_peek(in, &p, 1000), 22);
	ck_assert_mem_eq(p, "hello world\nabcdef\nxyz", 22);
	ck_assert_int_eq(sl_in_offset(in), 0);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
	ck_assert_uint_eq(n, 12);
	ck_assert_mem_eq(l, "hello world\n", 12);
	ck_assert_int_eq(sl_in_lineno(in), 1);
	ck_assert_int_eq(sl_in_read(in, buf, 3), 3);
	ck_assert_mem_eq(buf, "abc", 3);
	ck_assert_uint_eq(sl_in_peek(in, &p, 2), 2);
	ck_assert_mem_eq(p, "de", 2);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(l, "def\n", 4);
	ck_assert_int_eq(sl_in_lineno(in), 2);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
	ck_assert_mem_eq(l, "xyz", 3);
	ck_assert_int_eq(sl_in_lineno(in), 3);
	ck_assert_int_eq(sl_in_offset(in), 22);
	ck_assert_uint_eq(sl_in_peek(in, &p, 10), 0);
	ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 0);
	return SL_OK;
}

START_TEST(test_peek_then_line)
{
	put_str("p.log", "hello world\nabcdef\nxyz");
	ck_assert_int_eq(sl_input_walk(pth("p.log"), peek_then_line, NULL,
	    NULL, NULL, NULL), SL_OK);
	/* the same through gzip */
	put_gz("p.log.gz", "hello world\nabcdef\nxyz", 22);
	ck_assert_int_eq(sl_input_walk(pth("p.log.gz"), peek_then_line, NULL,
	    NULL, NULL, NULL), SL_OK);
}
END_TEST

struct bigpeek {
	const char *text;
	size_t len;
};

/* Peeks that straddle the buffer's end, and reads that skip it. */
static int
peek_far(void *arg, struct sl_in *in)
{
	struct bigpeek *b = arg;
	const unsigned char *p;
	const char *l;
	char *buf = sl_xmalloc(b->len);
	size_t n, want, got, start;
	ssize_t k;
	int more;

	ck_assert_uint_eq(sl_in_peek(in, &p, SL_PEEK * 4), SL_PEEK);
	ck_assert_mem_eq(p, b->text, SL_PEEK);
	while (sl_in_offset(in) < 250000) {
		ck_assert_int_eq(sl_in_line(in, &l, &n, &more), 1);
		ck_assert_mem_eq(l, b->text + sl_in_offset(in) - (long long)n,
		    n);
	}
	want = SL_MIN((size_t)SL_PEEK, b->len - (size_t)sl_in_offset(in));
	ck_assert_uint_eq(sl_in_peek(in, &p, SL_PEEK), want);
	ck_assert_mem_eq(p, b->text + sl_in_offset(in), want);
	/* a large read: partly from the buffer, then straight to us */
	got = start = (size_t)sl_in_offset(in);
	while ((k = sl_in_read(in, buf + got, b->len - got)) > 0)
		got += (size_t)k;
	ck_assert_int_eq(k, 0);
	ck_assert_uint_eq(got, b->len);
	ck_assert_mem_eq(buf + start, b->text + start, b->len - start);
	free(buf);
	return SL_OK;
}

START_TEST(test_peek_far)
{
	struct bigpeek b;
	struct sl_buf t;
	size_t i;

	sl_buf_init(&t);
	for (i = 0; t.len < 1500000; i++)
		sl_buf_printf(&t, "line %06zu\n", i);
	b.text = t.buf;
	b.len = t.len;
	put_file("big.log", t.buf, t.len);
	ck_assert_int_eq(sl_input_walk(pth("big.log"), peek_far, &b, NULL,
	    NULL, NULL), SL_OK);
	put_gz("big.log.gz", t.buf, t.len);
	ck_assert_int_eq(sl_input_walk(pth("big.log.gz"), peek_far, &b, NULL,
	    NULL, NULL), SL_OK);
	sl_buf_free(&t);
}
END_TEST

START_TEST(test_empty)
{
	struct coll c;

	put_str("empty.log", "");
	put_gz("empty.log.gz", "", 0);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("empty.log"), NULL), SL_OK);
	ck_assert_int_eq(walk(&c, pth("empty.log.gz"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "empty.log", "");
	leaf_is(&c, 1, "empty.log.gz", "");
	ck_assert_uint_eq(c.leaf[0].trace.len, 0);
	ck_assert_int_eq(c.leaf[0].lines, 0);
	ck_assert_uint_eq(c.leaf[1].trace.len, 0);
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
}
END_TEST

/* Text that starts like a magic number but carries no header is text. */
START_TEST(test_magic_lookalike)
{
	struct coll c;

	put_str("bz.log", "BZh9 is how a bzip2 file starts\n");
	put_str("cpio.log", "070701 was printed by the job\n");
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("bz.log"), NULL), SL_OK);
	ck_assert_int_eq(walk(&c, pth("cpio.log"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "bz.log", "BZh9 is how a bzip2 file starts\n");
	leaf_is(&c, 1, "cpio.log", "070701 was printed by the job\n");
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
}
END_TEST

/* --------------------------------------------------------------- stdin */

/* Run walk("-") with data fed to standard input by a child process. */
static int
walk_stdin(struct coll *c, const void *data, size_t len)
{
	int fds[2], status, rc, saved;
	pid_t pid;

	saved = dup(STDIN_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *p = data;

		close(fds[0]);
		while (len > 0) {
			/* Small writes: the reader must assemble its peek. */
			ssize_t k = write(fds[1], p, SL_MIN(len, (size_t)700));

			if (k <= 0)
				_exit(1);
			p += k;
			len -= (size_t)k;
		}
		_exit(0);
	}
	close(fds[1]);
	ck_assert_int_eq(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	rc = sl_input_walk("-", by_lines, c, on_err, c, NULL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	return rc;
}

START_TEST(test_stdin_replay)
{
	struct ent e[] = {
		{ "m1.log", "member one\n", 11, 0 },
		{ "d/m2.log", two_lines, sizeof two_lines - 1, 0 },
	};
	struct sl_buf gz;
	struct coll c;
	void *p;
	size_t n;

	coll_init(&c);
	ck_assert_int_eq(walk_stdin(&c, two_lines, sizeof two_lines - 1),
	    SL_OK);
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "-", two_lines);
	coll_free(&c);

	/* gzip: the peeked compressed bytes are decoded, not lost */
	sl_buf_init(&gz);
	gz_add(&gz, two_lines, sizeof two_lines - 1);
	coll_init(&c);
	ck_assert_int_eq(walk_stdin(&c, gz.buf, gz.len), SL_OK);
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "-", two_lines);
	coll_free(&c);
	sl_buf_free(&gz);

	/* tar.gz: the peeked bytes are replayed to libarchive */
	put_archive("s.tar.gz", 't', ARCHIVE_FILTER_GZIP, e, 2);
	p = get_file("s.tar.gz", &n);
	coll_init(&c);
	ck_assert_int_eq(walk_stdin(&c, p, n), SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "-//m1.log", "member one\n");
	leaf_is(&c, 1, "-//d/m2.log", two_lines);
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
	free(p);

	/* zip read as a stream, without seeking */
	put_archive("s.zip", 'z', ARCHIVE_FILTER_NONE, e, 2);
	p = get_file("s.zip", &n);
	coll_init(&c);
	ck_assert_int_eq(walk_stdin(&c, p, n), SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "-//m1.log", "member one\n");
	leaf_is(&c, 1, "-//d/m2.log", two_lines);
	coll_free(&c);
	free(p);
}
END_TEST

/* ---------------------------------------------------------------- gzip */

START_TEST(test_gzip_single)
{
	struct coll c;
	struct sl_stats st;

	memset(&st, 0, sizeof st);
	put_gz("a.log.gz", two_lines, sizeof two_lines - 1);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("a.log.gz"), &st), SL_OK);
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "a.log.gz", two_lines);
	ck_assert_str_eq(c.leaf[0].trace.buf, "1:0:11 2:0:12 ");
	ck_assert_int_eq(st.inputs, 1);
	ck_assert_int_eq(st.bytes, (long long)sizeof two_lines - 1);
	coll_free(&c);
}
END_TEST

START_TEST(test_gzip_multi)
{
	struct sl_buf b;
	struct coll c;
	char *big;
	size_t blen;
	static const char zeros[700];

	/* members split mid-line, a big one, an empty one, zero padding */
	big = varied_text(20000, &blen);
	sl_buf_init(&b);
	gz_add(&b, "part one, ", 10);
	gz_add(&b, "still line one\n", 15);
	gz_add(&b, big, blen);
	gz_add(&b, "", 0);
	gz_add(&b, "last\n", 5);
	sl_buf_add(&b, zeros, sizeof zeros);
	put_file("m.log.gz", b.buf, b.len);

	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("m.log.gz"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.leaf[0].name, pth("m.log.gz"));
	ck_assert_uint_eq(c.leaf[0].data.len, 25 + blen + 5);
	ck_assert_mem_eq(c.leaf[0].data.buf, "part one, still line one\n", 25);
	ck_assert_mem_eq(c.leaf[0].data.buf + 25, big, blen);
	ck_assert_mem_eq(c.leaf[0].data.buf + 25 + blen, "last\n", 5);
	ck_assert_int_eq(c.leaf[0].lines, 20002);
	ck_assert_int_eq(c.leaf[0].end, 0);
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
	sl_buf_free(&b);
	free(big);
}
END_TEST

START_TEST(test_gzip_truncated)
{
	struct sl_buf b;
	struct coll c;
	char *text, where[PATH_MAX + 64];
	size_t len;
	long long lines;

	text = varied_text(5000, &len);
	sl_buf_init(&b);
	gz_add(&b, text, len);
	put_file("t.log.gz", b.buf, b.len / 2);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("t.log.gz"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.leaf[0].name, pth("t.log.gz"));
	/* what was decoded was delivered, then -1 once */
	ck_assert_uint_gt(c.leaf[0].data.len, len / 4);
	ck_assert_uint_gt(c.leaf[0].data.len, 0);
	ck_assert_uint_lt(c.leaf[0].data.len, len);
	ck_assert_mem_eq(c.leaf[0].data.buf, text, c.leaf[0].data.len);
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	lines = c.leaf[0].lines;
	ck_assert_int_gt(lines, 1000);
	ck_assert_int_eq(c.nerr, 1);
	snprintf(where, sizeof where, "%s:%lld: unexpected end of gzip data "
	    "(truncated file)\n", pth("t.log.gz"), lines);
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
	sl_buf_free(&b);
	free(text);
}
END_TEST

START_TEST(test_gzip_garbage)
{
	struct sl_buf b;
	struct coll c;
	char where[PATH_MAX + 64];

	sl_buf_init(&b);
	gz_add(&b, two_lines, sizeof two_lines - 1);
	sl_buf_add(&b, "\0\0garbage", 9);
	put_file("g.log.gz", b.buf, b.len);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("g.log.gz"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.leaf[0].name, pth("g.log.gz"));
	ck_assert_str_eq(c.leaf[0].data.buf, two_lines);
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	snprintf(where, sizeof where, "%s:2: trailing garbage after gzip "
	    "data\n", pth("g.log.gz"));
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
	sl_buf_free(&b);
}
END_TEST

START_TEST(test_gzip_corrupt)
{
	/* a gzip header, then a final block of the reserved type 3 */
	static const unsigned char bad[] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07, 0, 0, 0
	};
	struct coll c;
	char where[PATH_MAX + 64];

	put_file("c.gz", bad, sizeof bad);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("c.gz"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.leaf[0].name, pth("c.gz"));
	ck_assert_uint_eq(c.leaf[0].data.len, 0);
	ck_assert_int_eq(c.leaf[0].end, -1);
	snprintf(where, sizeof where, "%s: corrupt gzip data: invalid block "
	    "type\n", pth("c.gz"));
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
}
END_TEST

/* Read everything; note where the input says the data breaks. */
struct brkrec {
	struct sl_buf data;
	long long brk[4];
	int nbrk;
	int failed;
};

static int
by_reads(void *arg, struct sl_in *in)
{
	struct brkrec *b = arg;
	char chunk[7];
	ssize_t k;
	long long at = 0, x;

	while ((k = sl_in_read(in, chunk, sizeof chunk)) > 0)
		sl_buf_add(&b->data, chunk, (size_t)k);
	while (b->nbrk < 4 && (x = sl_in_next_break(in, at)) >= 0) {
		b->brk[b->nbrk++] = x;
		at = x + 1;
	}
	b->failed = sl_in_failed(in);
	return SL_OK;
}

/*
 * A corrupt member in the middle of a multi-member stream (a Firehose
 * object): reported with its position, skipped; the members after it are
 * read, and the input says where the data breaks.
 */
START_TEST(test_gzip_resync)
{
	struct sl_buf b, one;
	struct brkrec r;
	struct coll c;
	size_t bad_at, len1;
	char *big;
	size_t blen;
	const char *e;

	big = varied_text(3000, &blen);
	sl_buf_init(&b);
	sl_buf_init(&one);
	gz_add(&b, "one\n", 4);
	len1 = b.len;
	gz_add(&b, "two two two two\n", 16);
	bad_at = len1 + 10;		/* the first deflate byte */
	b.buf[bad_at] = 0x07;		/* BFINAL, reserved block type */
	gz_add(&b, big, blen);
	len1 = b.len;
	gz_add(&b, "x", 1);
	b.buf[len1 + 10] = 0x07;	/* corrupt again: a second break */
	gz_add(&b, "four\n", 5);
	put_file("fh.gz", b.buf, b.len);

	memset(&r, 0, sizeof r);
	sl_buf_init(&r.data);
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk(pth("fh.gz"), by_reads, &r, on_err, &c,
	    NULL), SL_REJECT);
	ck_assert_uint_eq(r.data.len, 4 + blen + 5);
	ck_assert_mem_eq(r.data.buf, "one\n", 4);
	ck_assert_mem_eq(r.data.buf + 4, big, blen);
	ck_assert_mem_eq(r.data.buf + 4 + blen, "four\n", 5);
	ck_assert_int_eq(r.nbrk, 2);
	ck_assert_int_eq(r.brk[0], 4);
	ck_assert_int_eq(r.brk[1], 4 + (long long)blen);
	ck_assert(r.failed);
	ck_assert_int_eq(c.nerr, 2);
	/* "path: corrupt gzip data: invalid block type at compressed byte N;
	 * skipped M bytes to the next gzip member" */
	sl_buf_printf(&one, "%s: corrupt gzip data: invalid block type at "
	    "compressed byte ", pth("fh.gz"));
	ck_assert_mem_eq(c.errs.buf, one.buf, one.len);
	e = strchr(c.errs.buf, '\n');
	ck_assert_ptr_nonnull(e);
	ck_assert_mem_eq(e - strlen(" bytes to the next gzip member"),
	    " bytes to the next gzip member",
	    strlen(" bytes to the next gzip member"));
	/* The byte inflate stopped after: the bad one. */
	sl_buf_reset(&one);
	sl_buf_printf(&one, "compressed byte %zu;", bad_at + 1);
	ck_assert_ptr_nonnull(strstr(c.errs.buf, one.buf));
	coll_free(&c);

	/* Line by line, the same bytes. */
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("fh.gz"), NULL), SL_REJECT);
	ck_assert_uint_eq(c.leaf[0].data.len, 4 + blen + 5);
	ck_assert_int_eq(c.leaf[0].end, 0);
	ck_assert(c.leaf[0].failed);
	coll_free(&c);

	sl_buf_free(&r.data);
	sl_buf_free(&b);
	sl_buf_free(&one);
	free(big);
}
END_TEST

static int
take_none(void *arg, const char *path)
{
	(void)arg;
	/* NULL: start what -j N forks, before the thread (here nothing) */
	return path == NULL ? SL_OK : SL_IN_NOT_TAKEN;
}

/* The threads of this process now (/proc/self/status). */
static int
nthreads(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/self/status", "r");

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

static int starts, threads_at_start = -1, threads_in_leaf = -1;

/* The taker that -j N is: asked to start (fork) its workers first. */
static int
take_start(void *arg, const char *path)
{
	(void)arg;
	if (path != NULL)
		return SL_IN_NOT_TAKEN;
	starts++;
	threads_at_start = nthreads();
	return SL_OK;
}

static int
threads_leaf(void *arg, struct sl_in *in)
{
	char chunk[4096];

	(void)arg;
	threads_in_leaf = nthreads();
	while (sl_in_read(in, chunk, sizeof chunk) > 0)
		continue;
	return SL_OK;
}

/*
 * The inflate-ahead thread is made only after the taker started its
 * workers: fork() with a thread alive is unsafe (workers were forked at
 * the first offer, with the thread already running).
 */
START_TEST(test_gzip_ahead_forks_first)
{
	size_t n;
	/* 1.6 MB, past the slots: the thread waits, alive, for the leaf */
	char *text = varied_text(40000, &n);

	put_gz("f.gz", text, n);
	ck_assert_int_eq(sl_input_walk_take(pth("f.gz"), threads_leaf,
	    take_start, NULL, on_err, NULL, NULL), SL_OK);
	ck_assert_int_eq(starts, 1);
	ck_assert_int_eq(threads_at_start, 1);
	ck_assert_int_eq(threads_in_leaf, 2);	/* the thread was made */
	free(text);
}
END_TEST

/*
 * With -j N a gzip file is inflated ahead on a thread: its reader sees
 * the same bytes in the same reads, the same messages between the same
 * bytes, the same breaks and the same end as without, and nothing the
 * thread found past a reader that stopped early.
 */
START_TEST(test_gzip_ahead)
{
	static const char *const files[] = { "fh.gz", "cut.gz", "t.tar.gz" };
	struct sl_buf b;
	char *big, *one, *two;
	size_t blen, len1, i, k;
	int stop;

	big = varied_text(40000, &blen);	/* 1.6 MB: many slots */
	sl_buf_init(&b);
	gz_add(&b, "one\n", 4);
	len1 = b.len;
	gz_add(&b, "two two two two\n", 16);
	b.buf[len1 + 10] = 0x07;	/* a corrupt member: a break */
	gz_add(&b, big, blen);
	len1 = b.len;
	gz_add(&b, big, blen);
	b.buf[len1 + 10] = 0x07;	/* and another, after many slots */
	gz_add(&b, "four\n", 5);
	put_file("fh.gz", b.buf, b.len);
	sl_buf_reset(&b);
	gz_add(&b, big, blen);
	put_file("cut.gz", b.buf, b.len - 1000);	/* truncated */
	sl_buf_free(&b);
	{
		const struct ent e[] = {
			{ "a.log", big, blen, 0 },
			{ "b.log", "small\n", 6, 0 },
			{ "c.log", big, 5000, 0 },
		};

		put_archive("t.tar.gz", 't', ARCHIVE_FILTER_GZIP, e, 3);
	}
	for (i = 0; i < sizeof files / sizeof files[0]; i++)
		for (stop = 0; stop <= 1; stop++) {
			one = seen_walk(pth(files[i]), NULL, stop);
			two = seen_walk(pth(files[i]), take_none, stop);
			for (k = 0; one[k] != '\0' && one[k] == two[k]; k++)
				;
			ck_assert_msg(one[k] == two[k], "%s (stop %d): at "
			    "%zu: \"%.60s\" for \"%.60s\"", files[i], stop, k,
			    two + k, one + k);
			free(one);
			free(two);
		}
	free(big);
}
END_TEST

/* The last member corrupt: nothing to resync to; the end, as before. */
START_TEST(test_gzip_resync_last)
{
	struct sl_buf b;
	struct coll c;
	char where[PATH_MAX + 64];

	sl_buf_init(&b);
	gz_add(&b, "one\n", 4);
	gz_add(&b, "two\n", 4);
	b.buf[b.len - 14] = 0x07;
	put_file("l.gz", b.buf, b.len);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("l.gz"), NULL), SL_REJECT);
	ck_assert_uint_eq(c.leaf[0].data.len, 4);
	ck_assert_int_eq(c.leaf[0].end, -1);
	snprintf(where, sizeof where, "%s:1: corrupt gzip data: invalid "
	    "block type\n", pth("l.gz"));
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
	sl_buf_free(&b);
}
END_TEST

/* A reader that stops early: the walker still reports the error. */
static int
peek_only(void *arg, struct sl_in *in)
{
	const unsigned char *p;

	(void)arg;
	ck_assert_uint_eq(sl_in_peek(in, &p, 100), 23);
	ck_assert_int_eq(sl_in_failed(in), 0);
	return SL_OK;
}

START_TEST(test_error_reported_on_free)
{
	struct sl_buf b;
	struct coll c;
	char where[PATH_MAX + 64];

	sl_buf_init(&b);
	gz_add(&b, two_lines, sizeof two_lines - 1);
	sl_buf_add(&b, "junk", 4);
	put_file("j.gz", b.buf, b.len);
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk(pth("j.gz"), peek_only, NULL, on_err,
	    &c, NULL), SL_REJECT);
	snprintf(where, sizeof where, "%s: trailing garbage after gzip "
	    "data\n", pth("j.gz"));
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
	sl_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------ archives */

static const struct ent three[] = {
	{ "dir", NULL, 0, 1 },
	{ "dir/a.log", "alpha\n", 6, 0 },
	{ "./b.log", two_lines, sizeof two_lines - 1, 0 },
	{ "dir/empty.log", "", 0, 0 },
};

static void
check_three(const char *arch)
{
	struct coll c;
	struct sl_stats st;
	char name[PATH_MAX + 64];

	memset(&st, 0, sizeof st);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth(arch), &st), SL_OK);
	ck_assert_int_eq(c.n, 3);
	snprintf(name, sizeof name, "%s//dir/a.log", arch);
	leaf_is(&c, 0, name, "alpha\n");
	snprintf(name, sizeof name, "%s//b.log", arch);
	leaf_is(&c, 1, name, two_lines);
	snprintf(name, sizeof name, "%s//dir/empty.log", arch);
	leaf_is(&c, 2, name, "");
	ck_assert_int_eq(c.nerr, 0);
	ck_assert_int_eq(st.inputs, 3);
	ck_assert_int_eq(st.bytes, 6 + (long long)sizeof two_lines - 1);
	coll_free(&c);
}

START_TEST(test_tar)
{
	put_archive("x.tar", 't', ARCHIVE_FILTER_NONE, three, 4);
	check_three("x.tar");
}
END_TEST

START_TEST(test_tar_gz)
{
	/* named by content only: no ".gz" in the name */
	put_archive("x.tgz.data", 't', ARCHIVE_FILTER_GZIP, three, 4);
	check_three("x.tgz.data");
	put_archive("x.tar.bz2", 't', ARCHIVE_FILTER_BZIP2, three, 4);
	check_three("x.tar.bz2");
	put_archive("x.tar.xz", 't', ARCHIVE_FILTER_XZ, three, 4);
	check_three("x.tar.xz");
}
END_TEST

/* Every member of a many-member tar, each checked whole against what
 * went in (more members than a struct coll holds). */
struct many {
	const struct ent *e;
	size_t n, seen;
	struct sl_buf got;
};

static int
check_member(void *arg, struct sl_in *in)
{
	struct many *m = arg;
	char chunk[4096];
	ssize_t k;

	ck_assert_uint_lt(m->seen, m->n);
	sl_buf_reset(&m->got);
	while ((k = sl_in_read(in, chunk, sizeof chunk)) > 0)
		sl_buf_add(&m->got, chunk, (size_t)k);
	ck_assert_int_eq(k, 0);
	ck_assert_int_eq(sl_in_failed(in), 0);
	ck_assert_uint_eq(m->got.len, m->e[m->seen].len);
	ck_assert_mem_eq(m->got.buf, m->e[m->seen].data, m->got.len);
	m->seen++;
	return SL_OK;
}

/*
 * Small tar members are read where libarchive's block lies (no copy),
 * also when the end of one lies in the next chunk handed to libarchive:
 * members of every size up to past the sniff, in a tar.gz (chunks cut
 * where inflate stops) and a plain tar, each read whole and intact.
 */
START_TEST(test_tar_many_small)
{
	enum { N = 3000 };
	static struct ent e[N];
	static char names[N][32];
	struct many m;
	struct coll c;
	struct sl_stats st;
	size_t len, i, total = 0;
	char *text = varied_text(60000, &len);
	const char *rel[] = { "many.tar.gz", "many.tar" };
	int filter[] = { ARCHIVE_FILTER_GZIP, ARCHIVE_FILTER_NONE }, k;
	unsigned long x = 99;

	for (i = 0; i < N; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		snprintf(names[i], sizeof names[i], "s/%04zu.log", i);
		/* Mostly under a tar block, so that chunks often end in the
		 * padding after one; some up to 40 KiB; from anywhere in the
		 * text. */
		e[i].name = names[i];
		e[i].len = 1 + (size_t)(x >> 33) % (i % 8 == 0 ? 40960 : 600);
		e[i].data = text + (size_t)(x >> 7) % (len - e[i].len);
		total += e[i].len;
	}
	for (k = 0; k < 2; k++) {
		put_archive(rel[k], 't', filter[k], e, N);
		memset(&m, 0, sizeof m);
		m.e = e;
		m.n = N;
		sl_buf_init(&m.got);
		coll_init(&c);
		memset(&st, 0, sizeof st);
		ck_assert_int_eq(sl_input_walk(pth(rel[k]), check_member, &m,
		    on_err, &c, &st), SL_OK);
		ck_assert_uint_eq(m.seen, N);
		ck_assert_int_eq(c.nerr, 0);
		ck_assert_int_eq(st.bytes, (long long)total);
		sl_buf_free(&m.got);
		coll_free(&c);
	}
	free(text);
}
END_TEST

START_TEST(test_zip)
{
	put_archive("x.zip", 'z', ARCHIVE_FILTER_NONE, three, 4);
	check_three("x.zip");
}
END_TEST

START_TEST(test_gzip_in_tar)
{
	struct sl_buf gz;
	struct coll c;
	struct ent e[4];
	char where[PATH_MAX + 128];

	sl_buf_init(&gz);
	gz_add(&gz, two_lines, sizeof two_lines - 1);
	e[0] = (struct ent){ "exportedlogs/t1/alice-0a1b/000000.gz", gz.buf,
	    gz.len, 0 };
	e[1] = (struct ent){ "exportedlogs/t1/aws-logs-write-test", "Permission "
	    "Check Successful", 27, 0 };
	/* a member cut short: reported, and the next member is read */
	e[2] = (struct ent){ "cut.gz", gz.buf, gz.len - 9, 0 };
	e[3] = (struct ent){ "after.log", "after\n", 6, 0 };
	put_archive("logs.tar.gz", 't', ARCHIVE_FILTER_GZIP, e, 2);
	put_archive("cut.tar", 't', ARCHIVE_FILTER_NONE, e + 2, 2);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("logs.tar.gz"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "logs.tar.gz//exportedlogs/t1/alice-0a1b/000000.gz",
	    two_lines);
	leaf_is(&c, 1, "logs.tar.gz//exportedlogs/t1/aws-logs-write-test",
	    "Permission Check Successful");
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);

	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("cut.tar"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 2);
	ck_assert_str_eq(c.leaf[0].name, pth("cut.tar//cut.gz"));
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	ck_assert_uint_le(c.leaf[0].data.len, sizeof two_lines - 1);
	if (c.leaf[0].data.len > 0)
		ck_assert_mem_eq(c.leaf[0].data.buf, two_lines,
		    c.leaf[0].data.len);
	leaf_is(&c, 1, "cut.tar//after.log", "after\n");
	ck_assert_int_eq(c.nerr, 1);
	if (c.leaf[0].lines > 0)
		snprintf(where, sizeof where, "%s:%lld: unexpected end of gzip "
		    "data (truncated file)\n", pth("cut.tar//cut.gz"),
		    c.leaf[0].lines);
	else
		snprintf(where, sizeof where, "%s: unexpected end of gzip "
		    "data (truncated file)\n", pth("cut.tar//cut.gz"));
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
	sl_buf_free(&gz);
}
END_TEST

/* Formats found only by libarchive, seeking where they need it. */
START_TEST(test_other_formats)
{
	static const struct {
		const char *file;
		int (*set)(struct archive *);
	} fmts[] = {
		{ "x.7z", archive_write_set_format_7zip },
		{ "x.cpio", archive_write_set_format_cpio_newc },
		{ "x.iso", archive_write_set_format_iso9660 },
		{ "x.xar", archive_write_set_format_xar },
	};
	struct archive *a;
	struct archive_entry *ae;
	struct coll c;
	char name[PATH_MAX];
	size_t i, n;
	void *p;
	int fd, saved;

	for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		a = archive_write_new();
		ck_assert_int_eq(fmts[i].set(a), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_open_filename(a,
		    pth(fmts[i].file)), ARCHIVE_OK);
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, "m.log");
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, sizeof two_lines - 1);
		ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
		ck_assert_int_eq(archive_write_data(a, two_lines,
		    sizeof two_lines - 1), (la_ssize_t)sizeof two_lines - 1);
		archive_entry_free(ae);
		ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
		archive_write_free(a);

		coll_init(&c);
		ck_assert_int_eq(walk(&c, pth(fmts[i].file), NULL), SL_OK);
		ck_assert_msg(c.n == 1, "%s: %d leaves, errors: %s",
		    fmts[i].file, c.n, c.errs.buf);
		snprintf(name, sizeof name, "%s//m.log", fmts[i].file);
		leaf_is(&c, 0, name, two_lines);
		ck_assert_int_eq(c.nerr, 0);
		coll_free(&c);
	}

	/* 7-Zip keeps its directory at the end: a pipe will not do */
	p = get_file("x.7z", &n);
	coll_init(&c);
	ck_assert_int_eq(walk_stdin(&c, p, n), SL_REJECT);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.leaf[0].name, "-//m.log");
	ck_assert_uint_eq(c.leaf[0].data.len, 0);
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	ck_assert_str_eq(c.errs.buf, "-//m.log: this archive cannot be read "
	    "without seeking (from a pipe or inside another archive)\n");
	coll_free(&c);
	free(p);

	/* but standard input redirected from the file can seek */
	saved = dup(STDIN_FILENO);
	fd = open(pth("x.7z"), O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, "-", NULL), SL_OK);
	ck_assert_int_eq(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "-//m.log", two_lines);
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
}
END_TEST

START_TEST(test_nested_archive)
{
	struct ent inner[] = { { "m.log", "deep\n", 5, 0 } };
	struct ent mid[2], outer[2];
	struct coll c;
	void *p1, *p2;
	size_t n1, n2;

	put_archive("inner.tar.gz", 't', ARCHIVE_FILTER_GZIP, inner, 1);
	p1 = get_file("inner.tar.gz", &n1);
	put_archive("inner.zip", 'z', ARCHIVE_FILTER_NONE, inner, 1);
	p2 = get_file("inner.zip", &n2);
	mid[0] = (struct ent){ "in/inner.tar.gz", p1, n1, 0 };
	mid[1] = (struct ent){ "inner.zip", p2, n2, 0 };
	outer[0] = (struct ent){ "top.log", "top\n", 4, 0 };
	outer[1] = (struct ent){ "x/mid.tar", NULL, 0, 0 };
	put_archive("mid.tar", 't', ARCHIVE_FILTER_NONE, mid, 2);
	free(p1);
	free(p2);
	p1 = get_file("mid.tar", &n1);
	outer[1].data = p1;
	outer[1].len = n1;
	put_archive("outer.zip", 'z', ARCHIVE_FILTER_NONE, outer, 2);
	free(p1);

	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("outer.zip"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 3);
	leaf_is(&c, 0, "outer.zip//top.log", "top\n");
	leaf_is(&c, 1, "outer.zip//x/mid.tar//in/inner.tar.gz//m.log",
	    "deep\n");
	leaf_is(&c, 2, "outer.zip//x/mid.tar//inner.zip//m.log", "deep\n");
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
}
END_TEST

START_TEST(test_nest_limit)
{
	struct sl_buf a, b;
	struct coll c;
	char where[PATH_MAX + 128];
	int i;

	/* gzip in gzip: SL_NEST_MAX layers are read, one more is not */
	sl_buf_init(&a);
	sl_buf_init(&b);
	sl_buf_add(&a, two_lines, sizeof two_lines - 1);
	for (i = 0; i < SL_NEST_MAX; i++) {
		sl_buf_reset(&b);
		gz_add(&b, a.buf, a.len);
		sl_buf_reset(&a);
		sl_buf_add(&a, b.buf, b.len);
	}
	put_file("ok.gz", a.buf, a.len);
	sl_buf_reset(&b);
	gz_add(&b, a.buf, a.len);
	put_file("deep.gz", b.buf, b.len);

	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("ok.gz"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 1);
	leaf_is(&c, 0, "ok.gz", two_lines);
	ck_assert_int_eq(walk(&c, pth("deep.gz"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 1);
	snprintf(where, sizeof where, "%s: nested too deep (over %d levels "
	    "of compression and archives), skipped\n", pth("deep.gz"),
	    SL_NEST_MAX);
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
	sl_buf_free(&a);
	sl_buf_free(&b);
}
END_TEST

START_TEST(test_single_stream)
{
	struct ent e[] = { { "data", two_lines, sizeof two_lines - 1, 0 } };
	struct ent none[] = { { "data", "", 0, 0 } };
	struct coll c;

	put_archive("a.log.bz2", 'r', ARCHIVE_FILTER_BZIP2, e, 1);
	put_archive("a.log.xz", 'r', ARCHIVE_FILTER_XZ, e, 1);
	put_archive("a.log.zst", 'r', ARCHIVE_FILTER_ZSTD, e, 1);
	put_archive("empty.xz", 'r', ARCHIVE_FILTER_XZ, none, 1);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("a.log.bz2"), NULL), SL_OK);
	ck_assert_int_eq(walk(&c, pth("a.log.xz"), NULL), SL_OK);
	ck_assert_int_eq(walk(&c, pth("a.log.zst"), NULL), SL_OK);
	ck_assert_int_eq(walk(&c, pth("empty.xz"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 4);
	leaf_is(&c, 0, "a.log.bz2", two_lines);
	leaf_is(&c, 1, "a.log.xz", two_lines);
	leaf_is(&c, 2, "a.log.zst", two_lines);
	leaf_is(&c, 3, "empty.xz", "");
	ck_assert_str_eq(c.leaf[1].trace.buf, "1:0:11 2:0:12 ");
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);
}
END_TEST

START_TEST(test_corrupt_archive)
{
	struct coll c;
	void *p;
	size_t n;
	char *text, where[PATH_MAX + 128];
	size_t len;
	struct ent e[2];

	text = varied_text(3000, &len);
	e[0] = (struct ent){ "a.log", text, len, 0 };
	e[1] = (struct ent){ "b.log", "bee\n", 4, 0 };
	put_archive("full.tar.gz", 't', ARCHIVE_FILTER_GZIP, e, 2);
	p = get_file("full.tar.gz", &n);
	put_file("cut.tar.gz", p, n / 2);
	free(p);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("cut.tar.gz"), NULL), SL_REJECT);
	ck_assert_msg(c.n == 1, "%d leaves, errors: %s", c.n, c.errs.buf);
	ck_assert_str_eq(c.leaf[0].name, pth("cut.tar.gz//a.log"));
	ck_assert_uint_gt(c.leaf[0].data.len, 0);
	ck_assert_uint_lt(c.leaf[0].data.len, len);
	ck_assert_mem_eq(c.leaf[0].data.buf, text, c.leaf[0].data.len);
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	ck_assert_int_eq(c.nerr, 1);
	snprintf(where, sizeof where, "%s:%lld: unexpected end of gzip data "
	    "(truncated file)\n", pth("cut.tar.gz//a.log"), c.leaf[0].lines);
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);

	/*
	 * Through libarchive's own filters, which lose what they decoded
	 * into their last block (so a bigger member here).
	 */
	free(text);
	text = varied_text(30000, &len);
	e[0] = (struct ent){ "a.log", text, len, 0 };
	put_archive("full.tar.xz", 't', ARCHIVE_FILTER_XZ, e, 2);
	p = get_file("full.tar.xz", &n);
	put_file("cut.tar.xz", p, n / 2);
	free(p);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("cut.tar.xz"), NULL), SL_REJECT);
	ck_assert_msg(c.n == 1, "%d leaves, errors: %s", c.n, c.errs.buf);
	ck_assert_str_eq(c.leaf[0].name, pth("cut.tar.xz//a.log"));
	ck_assert_uint_gt(c.leaf[0].data.len, 0);
	ck_assert_uint_lt(c.leaf[0].data.len, len);
	ck_assert_mem_eq(c.leaf[0].data.buf, text, c.leaf[0].data.len);
	ck_assert_int_eq(c.leaf[0].end, -1);
	ck_assert_int_eq(c.leaf[0].failed, 1);
	ck_assert_int_eq(c.nerr, 1);
	snprintf(where, sizeof where, "%s:%lld: corrupt archive: ",
	    pth("cut.tar.xz//a.log"), c.leaf[0].lines);
	ck_assert_msg(strncmp(c.errs.buf, where, strlen(where)) == 0, "%s",
	    c.errs.buf);
	coll_free(&c);

	/* a zip magic on junk */
	put_str("junk.zip", "PK\003\004 this is not a zip at all, though");
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("junk.zip"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 0);
	ck_assert_int_eq(c.nerr, 1);
	ck_assert_int_eq(strncmp(c.errs.buf, pth("junk.zip: corrupt "
	    "archive: "), strlen(pth("junk.zip: corrupt archive: "))), 0);
	coll_free(&c);
	free(text);
}
END_TEST

/* ---------------------------------------------------------- directories */

START_TEST(test_dir_sorted)
{
	struct coll c;

	ck_assert_int_eq(mkdir(pth("d"), 0755), 0);
	ck_assert_int_eq(mkdir(pth("d/sub"), 0755), 0);
	ck_assert_int_eq(mkdir(pth("d/sub/deeper"), 0755), 0);
	put_str("d/b.log", "b\n");
	put_str("d/a.log", "a\n");
	put_str("d/A.log", "A\n");
	put_str("d/\303\251.log", "e-acute\n");	/* after z by strcmp */
	put_str("d/z.log", "z\n");
	put_str("d/sub/c.log", "c\n");
	put_str("d/sub/deeper/d.log", "d\n");
	put_gz("d/a.log.gz", "agz\n", 4);
	ck_assert_int_eq(symlink("a.log", pth("d/link.log")), 0);
	ck_assert_int_eq(symlink("sub", pth("d/sublink")), 0);
	ck_assert_int_eq(symlink("nowhere", pth("d/zz-dangling")), 0);

	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("d"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 9);
	leaf_is(&c, 0, "d/A.log", "A\n");
	leaf_is(&c, 1, "d/a.log", "a\n");
	leaf_is(&c, 2, "d/a.log.gz", "agz\n");
	leaf_is(&c, 3, "d/b.log", "b\n");
	leaf_is(&c, 4, "d/link.log", "a\n");
	leaf_is(&c, 5, "d/sub/c.log", "c\n");
	leaf_is(&c, 6, "d/sub/deeper/d.log", "d\n");
	leaf_is(&c, 7, "d/z.log", "z\n");
	leaf_is(&c, 8, "d/\303\251.log", "e-acute\n");
	/* the symlinked directory: nothing; the dangling link: reported */
	ck_assert_int_eq(c.nerr, 1);
	ck_assert_str_eq(c.errs.buf, pth("d/zz-dangling: cannot open: No "
	    "such file or directory\n"));
	coll_free(&c);

	/* a trailing slash does not double */
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("d/sub/"), NULL), SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "d/sub/c.log", "c\n");
	leaf_is(&c, 1, "d/sub/deeper/d.log", "d\n");
	coll_free(&c);
}
END_TEST

START_TEST(test_missing_between)
{
	struct coll c;
	int rc[3];

	put_str("good1.log", "one\n");
	put_str("good2.log", "two\n");
	coll_init(&c);
	rc[0] = walk(&c, pth("good1.log"), NULL);
	rc[1] = walk(&c, pth("missing.log"), NULL);
	rc[2] = walk(&c, pth("good2.log"), NULL);
	ck_assert_int_eq(rc[0], SL_OK);
	ck_assert_int_eq(rc[1], SL_REJECT);
	ck_assert_int_eq(rc[2], SL_OK);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "good1.log", "one\n");
	leaf_is(&c, 1, "good2.log", "two\n");
	ck_assert_int_eq(c.nerr, 1);
	ck_assert_str_eq(c.errs.buf, pth("missing.log: cannot open: No such "
	    "file or directory\n"));
	coll_free(&c);
}
END_TEST

START_TEST(test_not_regular)
{
	struct coll c;

	coll_init(&c);
	ck_assert_int_eq(walk(&c, "/dev/null", NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 0);
	ck_assert_str_eq(c.errs.buf, "/dev/null: not a regular file, "
	    "skipped\n");
	coll_free(&c);
}
END_TEST

START_TEST(test_unreadable)
{
	struct coll c;

	/* root reads anything; the test means nothing then */
	if (geteuid() == 0)
		return;
	put_str("secret.log", "x\n");
	ck_assert_int_eq(chmod(pth("secret.log"), 0), 0);
	coll_init(&c);
	ck_assert_int_eq(walk(&c, pth("secret.log"), NULL), SL_REJECT);
	ck_assert_int_eq(c.n, 0);
	ck_assert_str_eq(c.errs.buf, pth("secret.log: cannot open: "
	    "Permission denied\n"));
	coll_free(&c);
}
END_TEST

START_TEST(test_stop_and_reject)
{
	struct coll c;
	struct sl_stats st;

	ck_assert_int_eq(mkdir(pth("d"), 0755), 0);
	put_str("d/1.log", "1\n");
	put_str("d/2.log", "2\n");
	put_str("d/3.log", "3\n");

	coll_init(&c);
	c.stop_at = 2;
	ck_assert_int_eq(walk(&c, pth("d"), NULL), SL_STOP);
	ck_assert_int_eq(c.n, 2);
	leaf_is(&c, 0, "d/1.log", "1\n");
	leaf_is(&c, 1, "d/2.log", "2\n");
	coll_free(&c);

	/* SL_STOP inside an archive stops the archive too */
	put_archive("s.tar", 't', ARCHIVE_FILTER_NONE, three, 4);
	coll_init(&c);
	c.stop_at = 1;
	ck_assert_int_eq(walk(&c, pth("s.tar"), NULL), SL_STOP);
	ck_assert_int_eq(c.n, 1);
	coll_free(&c);

	/* SL_REJECT is remembered, the walk goes on */
	memset(&st, 0, sizeof st);
	coll_init(&c);
	c.reject = 1;
	ck_assert_int_eq(walk(&c, pth("d"), &st), SL_REJECT);
	ck_assert_int_eq(c.n, 3);
	ck_assert_int_eq(c.nerr, 0);
	ck_assert_int_eq(st.inputs, 3);
	ck_assert_int_eq(st.bytes, 6);
	coll_free(&c);
}
END_TEST

/* ------------------------------------------------------------- limits */

struct count {
	int byte;		/* what every byte must be */
	long long bytes;
	ssize_t last;
	int failed;
	size_t step;		/* count_steps(): bytes a read asks for */
};

static int
count_bytes(void *arg, struct sl_in *in)
{
	struct count *k = arg;
	static char buf[1 << 20];
	ssize_t n;

	while ((n = sl_in_read(in, buf, sizeof buf)) > 0) {
		ck_assert_int_eq(buf[0], k->byte);
		ck_assert_int_eq(buf[n - 1], k->byte);
		k->bytes += n;
	}
	k->last = n;
	k->failed = sl_in_failed(in);
	return SL_OK;
}

/* A gzip of n zero bytes, deflated as a stream: ~1030:1. */
static void
put_gz_zeros(const char *rel, long long n)
{
	static const unsigned char zeros[1 << 20];
	unsigned char out[1 << 16];
	struct sl_buf b;
	z_stream z;
	int ret, flush;

	sl_buf_init(&b);
	memset(&z, 0, sizeof z);
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	do {
		z.next_in = zeros;
		z.avail_in = (uInt)SL_MIN(n, (long long)sizeof zeros);
		n -= z.avail_in;
		flush = n == 0 ? Z_FINISH : Z_NO_FLUSH;
		do {
			z.next_out = out;
			z.avail_out = sizeof out;
			ret = deflate(&z, flush);
			ck_assert_int_ne(ret, Z_STREAM_ERROR);
			sl_buf_add(&b, out, sizeof out - z.avail_out);
		} while (z.avail_out == 0);
	} while (flush != Z_FINISH);
	ck_assert_int_eq(ret, Z_STREAM_END);
	deflateEnd(&z);
	put_file(rel, b.buf, b.len);
	sl_buf_free(&b);
}

START_TEST(test_bomb_gzip)
{
	struct count k;
	struct coll c;
	char where[PATH_MAX + 128];

	/* at the ratio, under the free allowance: read in full */
	put_gz_zeros("fine.gz", 1 << 20);
	memset(&k, 0, sizeof k);
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk(pth("fine.gz"), count_bytes, &k,
	    on_err, &c, NULL), SL_OK);
	ck_assert_int_eq(k.bytes, 1 << 20);
	ck_assert_int_eq(k.last, 0);
	ck_assert_int_eq(c.nerr, 0);
	coll_free(&c);

	/* past both: refused just after the allowance */
	put_gz_zeros("bomb.gz", SL_EXPAND_FREE + (16 << 20));
	memset(&k, 0, sizeof k);
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk(pth("bomb.gz"), count_bytes, &k,
	    on_err, &c, NULL), SL_REJECT);
	ck_assert_int_gt(k.bytes, SL_EXPAND_FREE);
	ck_assert_int_lt(k.bytes, SL_EXPAND_FREE + (1 << 20));
	ck_assert_int_eq(k.last, -1);
	ck_assert_int_eq(k.failed, 1);
	/* all one line (no LF in the data): it struck on line 1 */
	snprintf(where, sizeof where, "%s:1: decompression ratio over %d:1, "
	    "refusing (possible decompression bomb)\n", pth("bomb.gz"),
	    SL_EXPAND_RATIO);
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
}
END_TEST

/* count_bytes() with reads of k->step bytes. */
static int
count_steps(void *arg, struct sl_in *in)
{
	struct count *k = arg;
	static char buf[1 << 20];
	ssize_t n;

	while ((n = sl_in_read(in, buf, k->step)) > 0)
		k->bytes += n;
	k->last = n;
	k->failed = sl_in_failed(in);
	return SL_OK;
}

/*
 * The ratio is checked at points of the compressed stream, not after
 * every inflate() step: a bomb is refused after the same bytes, with the
 * same message, whatever the steps (a reader's room, a pipe's reads, a
 * -j thread's slots).
 */
START_TEST(test_bomb_gzip_steps)
{
	static const size_t steps[] = { 1 << 20, 4093, 300000, 65536 };
	struct count k;
	struct coll c;
	long long first = -1;
	char *first_err = NULL;
	size_t i;

	put_gz_zeros("bomb.gz", SL_EXPAND_FREE + (16 << 20));
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		memset(&k, 0, sizeof k);
		k.step = steps[i];
		coll_init(&c);
		ck_assert_int_eq(sl_input_walk(pth("bomb.gz"), count_steps, &k,
		    on_err, &c, NULL), SL_REJECT);
		ck_assert_int_eq(k.failed, 1);
		if (first < 0) {
			first = k.bytes;
			first_err = sl_xstrdup(c.errs.buf);
		}
		ck_assert_int_eq(k.bytes, first);
		ck_assert_str_eq(c.errs.buf, first_err);
		coll_free(&c);
	}
	free(first_err);
}
END_TEST

START_TEST(test_bomb_archive)
{
	static unsigned char xs[1 << 20];
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	struct count k;
	struct coll c;
	char where[PATH_MAX + 128];
	int i;

	/*
	 * zstd of one letter through libarchive's filters (not zeros: those
	 * read as an empty tar archive).
	 */
	memset(xs, 'x', sizeof xs);
	ck_assert_int_eq(archive_write_set_format_raw(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_filename(a, pth("z.zst")),
	    ARCHIVE_OK);
	archive_entry_set_pathname(ae, "data");
	archive_entry_set_filetype(ae, AE_IFREG);
	ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
	for (i = 0; i < 80; i++)
		ck_assert_int_eq(archive_write_data(a, xs, sizeof xs),
		    (la_ssize_t)sizeof xs);
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	archive_entry_free(ae);

	memset(&k, 0, sizeof k);
	k.byte = 'x';
	coll_init(&c);
	ck_assert_int_eq(sl_input_walk(pth("z.zst"), count_bytes, &k, on_err,
	    &c, NULL), SL_REJECT);
	ck_assert_int_gt(k.bytes, SL_EXPAND_FREE);
	ck_assert_int_lt(k.bytes, SL_EXPAND_FREE + (1 << 20));
	ck_assert_int_eq(k.last, -1);
	/* all one line (no LF in the data): it struck on line 1 */
	snprintf(where, sizeof where, "%s:1: decompression ratio over %d:1, "
	    "refusing (possible decompression bomb)\n", pth("z.zst"),
	    SL_EXPAND_RATIO);
	ck_assert_str_eq(c.errs.buf, where);
	coll_free(&c);
}
END_TEST

static Suite *
input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("input");
	TCase *slow = tcase_create("limits");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_plain_lines);
	tcase_add_test(tc, test_walk_take);
	tcase_add_test(tc, test_mapped_file);
	tcase_add_test(tc, test_mapped_file_shrinks);
	tcase_add_test(tc, test_mapped_cut_without_fault);
	tcase_add_test(tc, test_mapped_cut_in_long_line);
	tcase_add_test(tc, test_sigbus_passed_on);
	tcase_add_test(tc, test_sigbus_default_kills);
	tcase_add_test(tc, test_mem_input);
	tcase_add_test(tc, test_line_ends_at_every_offset);
	tcase_add_test(tc, test_read_counts_lines);
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_peek_then_line);
	tcase_add_test(tc, test_peek_far);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_magic_lookalike);
	tcase_add_test(tc, test_stdin_replay);
	tcase_add_test(tc, test_gzip_single);
	tcase_add_test(tc, test_gzip_multi);
	tcase_add_test(tc, test_gzip_truncated);
	tcase_add_test(tc, test_gzip_garbage);
	tcase_add_test(tc, test_gzip_corrupt);
	tcase_add_test(tc, test_gzip_resync);
	tcase_add_test(tc, test_gzip_resync_last);
	tcase_add_test(tc, test_gzip_ahead);
	tcase_add_test(tc, test_gzip_ahead_forks_first);
	tcase_add_test(tc, test_error_reported_on_free);
	tcase_add_test(tc, test_tar);
	tcase_add_test(tc, test_tar_gz);
	tcase_add_test(tc, test_tar_many_small);
	tcase_add_test(tc, test_zip);
	tcase_add_test(tc, test_gzip_in_tar);
	tcase_add_test(tc, test_other_formats);
	tcase_add_test(tc, test_nested_archive);
	tcase_add_test(tc, test_nest_limit);
	tcase_add_test(tc, test_single_stream);
	tcase_add_test(tc, test_corrupt_archive);
	tcase_add_test(tc, test_dir_sorted);
	tcase_add_test(tc, test_missing_between);
	tcase_add_test(tc, test_not_regular);
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_stop_and_reject);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(slow, setup, teardown);
	tcase_set_timeout(slow, 120);
	tcase_add_test(slow, test_bomb_gzip);
	tcase_add_test(slow, test_bomb_gzip_steps);
	tcase_add_test(slow, test_bomb_archive);
	suite_add_tcase(s, slow);
	return s;
}

SL_TEST_MAIN(input_suite)
