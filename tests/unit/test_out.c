/*
 * test_out.c: the output layer leaves a broken pipe to the caller (the
 * broken_pipe hook of struct sl_hooks), and without a hook it is a
 * write error like any other; the library raises no signal itself.
 * Text appended in place comes out as written, and so do writes as
 * large as the buffer, which bypass it (to fn, from 4 KiB: fn copies
 * them anyway).  Errors of writev are sticky as
 * those of write, and both go on after a signal (EINTR, a part written).
 */
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "output/output.h"
#include "sl.h"

static int hook_calls;

static void
count_hook(void)
{
	hook_calls++;
}

/* An sl_out on a pipe whose reader is gone. */
static struct sl_out *
out_to_closed_pipe(void)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	close(fds[0]);
	return sl_out_fd(fds[1], "pipe", 0);
}

/* The file at path, which must hold want bytes, read and removed. */
static char *
read_back(const char *path, size_t want)
{
	char *got = malloc(want + 1);
	FILE *f;

	ck_assert_ptr_nonnull(got);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(got, 1, want + 1, f), want);
	fclose(f);
	unlink(path);
	return got;
}

START_TEST(broken_pipe_without_hook_is_an_error)
{
	struct sl_error err;
	struct sl_out *o;

	signal(SIGPIPE, SIG_IGN);	/* else the kernel ends the test */
	sl_set_hooks(NULL);
	o = out_to_closed_pipe();
	ck_assert_int_eq(sl_out_write(o, "x\n", 2), SL_OK);	/* buffered */
	ck_assert_int_eq(sl_out_flush(o), SL_FATAL);
	ck_assert_int_eq(sl_out_close(o, &err), SL_FATAL);
	ck_assert_int_eq(err.code, SL_FATAL);
	ck_assert_int_eq(err.sys, EPIPE);
	ck_assert_str_eq(err.msg, "write error on pipe: Broken pipe");
}
END_TEST

START_TEST(broken_pipe_calls_the_hook)
{
	struct sl_hooks h = { NULL, count_hook };
	struct sl_out *o;

	signal(SIGPIPE, SIG_IGN);
	hook_calls = 0;
	sl_set_hooks(&h);
	o = out_to_closed_pipe();
	sl_out_write(o, "x\n", 2);
	ck_assert_int_eq(sl_out_flush(o), SL_FATAL);	/* the hook returned */
	ck_assert_int_eq(hook_calls, 1);
	sl_out_close(o, NULL);
	ck_assert_int_eq(hook_calls, 1);	/* errors are sticky */
	sl_set_hooks(NULL);
}
END_TEST

/*
 * Text appended in place (sl_out_buf, sl_out_appended) comes out in
 * order with what sl_out_write copies in, across many buffer fills and
 * through a piece larger than the buffer.
 */
START_TEST(appended_in_place)
{
	char path[] = "/tmp/sl-test-out-XXXXXX", *want, *got;
	size_t wlen = 0, big = 300000, i;
	struct sl_error err;
	struct sl_out *o;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	want = malloc(40000 * 12 + big + 1);
	ck_assert_ptr_nonnull(want);
	o = sl_out_fd(fd, path, 0);
	for (i = 0; i < 40000; i++) {
		char line[16];
		int n = snprintf(line, sizeof(line), "%zu\n", i);

		if (i == 20000) {	/* one piece of 300,000 bytes */
			struct sl_buf *b = sl_out_buf(o);

			sl_buf_reserve(b, big);
			memset(b->buf + b->len, 'x', big);
			b->len += big;
			ck_assert_int_eq(sl_out_appended(o), SL_OK);
			memset(want + wlen, 'x', big);
			wlen += big;
		}
		if (i % 3 == 0)
			ck_assert_int_eq(sl_out_write(o, line, (size_t)n), SL_OK);
		else {
			sl_buf_add(sl_out_buf(o), line, (size_t)n);
			ck_assert_int_eq(sl_out_appended(o), SL_OK);
		}
		memcpy(want + wlen, line, (size_t)n);
		wlen += (size_t)n;
	}
	ck_assert_int_eq(sl_out_close(o, &err), SL_OK);
	got = read_back(path, wlen);
	ck_assert(memcmp(got, want, wlen) == 0);
	free(got);
	free(want);
}
END_TEST

/*
 * sl_out_write called while text appended in place is past the buffer's
 * size, before sl_out_appended: that text is written out first, then
 * the write's, in order (the room left must not wrap around).
 */
START_TEST(write_after_large_append)
{
	char path[] = "/tmp/sl-test-out-XXXXXX", *got, *big;
	size_t in_place = 100000, copied = 4 << 20, i;
	struct sl_error err;
	struct sl_buf *b;
	struct sl_out *o;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	o = sl_out_fd(fd, path, 0);
	b = sl_out_buf(o);
	sl_buf_reserve(b, in_place);
	memset(b->buf + b->len, 'a', in_place);
	b->len += in_place;
	big = malloc(copied);
	ck_assert_ptr_nonnull(big);
	memset(big, 'b', copied);
	ck_assert_int_eq(sl_out_write(o, big, copied), SL_OK);
	ck_assert_int_eq(sl_out_close(o, &err), SL_OK);
	got = read_back(path, in_place + copied);
	for (i = 0; i < in_place && got[i] == 'a'; i++)
		;
	while (i < in_place + copied && got[i] == 'b')
		i++;
	ck_assert_uint_eq(i, in_place + copied);
	free(got);
	free(big);
}
END_TEST

/* n bytes of the first `period` lower-case letters over and over. */
static char *
letters(size_t n, unsigned period)
{
	char *p = malloc(n);
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < n; i++)
		p[i] = (char)('a' + i % period);
	return p;
}

/* The file at path holds "<<<", mid[0, n), ">>>" and nothing else. */
static void
expect_framed(const char *path, const char *mid, size_t n)
{
	char *got = read_back(path, 3 + n + 3);

	ck_assert_int_eq(memcmp(got, "<<<", 3), 0);
	ck_assert_int_eq(memcmp(got + 3, mid, n), 0);
	ck_assert_int_eq(memcmp(got + 3 + n, ">>>", 3), 0);
	free(got);
}

/*
 * A write as large as the buffer goes out from the caller's memory
 * (-j's blocks of JSON): after what is buffered, before what follows,
 * and a small one after it is buffered again.
 */
START_TEST(large_write_in_order)
{
	char path[] = "/tmp/sl-test-out-XXXXXX", *big;
	size_t large = 200000;
	struct sl_error err;
	struct sl_out *o;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	o = sl_out_fd(fd, path, 0);
	big = letters(large, 26);
	ck_assert_int_eq(sl_out_write(o, "<<<", 3), SL_OK);
	ck_assert_int_eq(sl_out_write(o, big, large), SL_OK);
	ck_assert_int_eq(sl_out_write(o, ">>>", 3), SL_OK);
	ck_assert_int_eq(sl_out_close(o, &err), SL_OK);
	expect_framed(path, big, large);
	free(big);
}
END_TEST

/*
 * Pieces by writev (a redactor's spans), after bytes buffered and before
 * more: in order, more pieces than one call takes, none copied through
 * the buffer (a piece 0 bytes long too).
 */
START_TEST(writev_in_order)
{
	char path[] = "/tmp/sl-test-out-XXXXXX", *big;
	struct iovec v[150];
	size_t large = 300000, at = 0, i;
	struct sl_out *o;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	o = sl_out_fd(fd, path, 0);
	big = letters(large, 23);
	for (i = 0; i < 150; i++) {
		v[i].iov_base = big + at;
		v[i].iov_len = i % 10 == 3 ? 0 : (i * 37) % 4000 + 1;
		at += v[i].iov_len;
	}
	ck_assert_uint_lt(at, large);
	ck_assert_int_eq(sl_out_write(o, "<<<", 3), SL_OK);
	ck_assert_int_eq(sl_out_writev(o, v, 150), SL_OK);
	ck_assert_uint_eq(sl_out_buf(o)->len, 0);	/* none copied through */
	ck_assert_int_eq(sl_out_write(o, ">>>", 3), SL_OK);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_OK);
	expect_framed(path, big, at);
	free(big);
}
END_TEST

/* What an sl_out_fn() output's fn was given: its calls, their bytes,
 * and whether the last came from the caller's memory. */
struct fn_seen {
	struct sl_buf bytes;
	int calls;
	const void *last;
};

static int
fn_keep(void *arg, const void *p, size_t n)
{
	struct fn_seen *seen = arg;

	sl_buf_add(&seen->bytes, p, n);
	seen->calls++;
	seen->last = p;
	return SL_OK;
}

/*
 * To fn, a write of 4 KiB or more (a -j worker's redacted input, or a
 * writev piece of it) goes from the caller's memory, after what is
 * buffered: fn copies it anyway, and through the buffer it was copied
 * twice.  Smaller writes are gathered; the bytes stay in order.
 */
START_TEST(fn_takes_a_block_in_place)
{
	struct fn_seen seen = { .calls = 0 };
	struct iovec v[2];
	struct sl_out *o;
	char *big = letters(5000, 19);

	sl_buf_init(&seen.bytes);
	o = sl_out_fn(fn_keep, &seen, "fn");
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(sl_out_write(o, "<<<", 3), SL_OK);
	ck_assert_int_eq(seen.calls, 0);
	ck_assert_int_eq(sl_out_write(o, big, 5000), SL_OK);
	ck_assert_int_eq(seen.calls, 2);	/* "<<<", then the block */
	ck_assert_ptr_eq(seen.last, big);
	v[0].iov_base = big;
	v[0].iov_len = 10;
	v[1].iov_base = big + 10;
	v[1].iov_len = 4096;
	ck_assert_int_eq(sl_out_writev(o, v, 2), SL_OK);
	ck_assert_int_eq(seen.calls, 4);
	ck_assert_ptr_eq(seen.last, big + 10);
	ck_assert_int_eq(sl_out_write(o, ">>>", 3), SL_OK);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_OK);
	ck_assert_int_eq(seen.calls, 5);
	ck_assert_uint_eq(seen.bytes.len, 3 + 5000 + 4106 + 3);
	ck_assert_mem_eq(seen.bytes.buf, "<<<", 3);
	ck_assert_mem_eq(seen.bytes.buf + 3, big, 5000);
	ck_assert_mem_eq(seen.bytes.buf + 5003, big, 4106);
	ck_assert_mem_eq(seen.bytes.buf + 9109, ">>>", 3);
	sl_buf_free(&seen.bytes);
	free(big);
}
END_TEST

/* A large write to a broken pipe fails as a small one does, and the
 * error stays. */
START_TEST(large_write_error)
{
	static char big[1 << 17];
	struct sl_out *o;

	signal(SIGPIPE, SIG_IGN);
	sl_set_hooks(NULL);
	o = out_to_closed_pipe();
	ck_assert_int_eq(sl_out_write(o, "x", 1), SL_OK);	/* buffered */
	ck_assert_int_eq(sl_out_write(o, big, sizeof(big)), SL_FATAL);
	ck_assert_int_eq(sl_out_write(o, "y", 1), SL_FATAL);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_FATAL);
}
END_TEST

/* After a write error what is appended is dropped, and the error
 * stays. */
START_TEST(appended_after_error)
{
	struct sl_out *o;

	signal(SIGPIPE, SIG_IGN);
	sl_set_hooks(NULL);
	o = out_to_closed_pipe();
	sl_buf_add(sl_out_buf(o), "x\n", 2);
	ck_assert_int_eq(sl_out_appended(o), SL_OK);	/* buffered */
	ck_assert_int_eq(sl_out_flush(o), SL_FATAL);
	sl_buf_add(sl_out_buf(o), "y\n", 2);
	ck_assert_int_eq(sl_out_appended(o), SL_FATAL);
	ck_assert_uint_eq(sl_out_buf(o)->len, 0);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_FATAL);
}
END_TEST

/*
 * writev to a broken pipe: the hook once, the error sticky for writev,
 * write and close alike; to a full disk, the error named at close.
 */
START_TEST(writev_error_sticky)
{
	struct sl_hooks h = { NULL, count_hook };
	struct iovec v[2] = { { "ab", 2 }, { "cd", 2 } };
	struct sl_error err;
	struct sl_out *o;

	signal(SIGPIPE, SIG_IGN);
	hook_calls = 0;
	sl_set_hooks(&h);
	o = out_to_closed_pipe();
	ck_assert_int_eq(sl_out_write(o, "x", 1), SL_OK);	/* buffered */
	ck_assert_int_eq(sl_out_writev(o, v, 2), SL_FATAL);
	ck_assert_int_eq(hook_calls, 1);
	ck_assert_int_eq(sl_out_writev(o, v, 2), SL_FATAL);
	ck_assert_int_eq(sl_out_write(o, "y", 1), SL_FATAL);
	ck_assert_int_eq(sl_out_close(o, &err), SL_FATAL);
	ck_assert_int_eq(err.sys, EPIPE);
	ck_assert_int_eq(hook_calls, 1);
	sl_set_hooks(NULL);
	o = sl_out_fd(open("/dev/full", O_WRONLY), "/dev/full", 0);
	ck_assert_int_eq(sl_out_writev(o, v, 2), SL_FATAL);
	ck_assert_int_eq(sl_out_close(o, &err), SL_FATAL);
	ck_assert_str_eq(err.msg, "write error on /dev/full: No space left on "
	    "device");
}
END_TEST

static volatile sig_atomic_t ticks;

static void
tick(int sig)
{
	(void)sig;
	ticks++;
}

/* A reader that starts late and reads slowly (the pipe full, the writer
 * blocked and interrupted), keeping what it reads in path. */
static pid_t
late_reader(int rfd, int wfd, const char *path)
{
	char buf[4096];
	ssize_t k;
	pid_t pid = fork();
	int out;

	ck_assert_int_ge(pid, 0);
	if (pid != 0)
		return pid;
	close(wfd);
	usleep(100000);
	out = open(path, O_WRONLY | O_TRUNC);
	while ((k = read(rfd, buf, sizeof buf)) > 0) {
		if (write(out, buf, (size_t)k) != k)
			_exit(1);
		usleep(50);
	}
	_exit(k == 0 && close(out) == 0 ? 0 : 1);
}

/*
 * Writes and writevs larger than a pipe holds, interrupted again and
 * again by a signal without SA_RESTART (EINTR, or a part written): each
 * goes on from where it stopped, and every byte arrives once, in order.
 */
START_TEST(interrupted_writes_go_on)
{
	char path[] = "/tmp/sl-test-out-XXXXXX", *big;
	struct itimerval every = { { 0, 2000 }, { 0, 2000 } }, off;
	struct sigaction sa;
	struct iovec v[100];
	size_t large = 1 << 20, at = 0, i;
	struct sl_out *o;
	int fds[2], status, fd = mkstemp(path);
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(pipe(fds), 0);
	pid = late_reader(fds[0], fds[1], path);
	close(fds[0]);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tick;
	sigemptyset(&sa.sa_mask);
	ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &every, NULL), 0);
	big = letters(2 * large, 29);
	for (i = 0; i < 100; i++) {
		v[i].iov_base = big + large + at;
		v[i].iov_len = (i * 7919) % 20000 + 1;
		at += v[i].iov_len;
	}
	o = sl_out_fd(fds[1], "pipe", 0);
	ck_assert_int_eq(sl_out_write(o, "<<<", 3), SL_OK);
	ck_assert_int_eq(sl_out_write(o, big, large), SL_OK);
	ck_assert_int_eq(sl_out_writev(o, v, 100), SL_OK);
	ck_assert_int_eq(sl_out_write(o, ">>>", 3), SL_OK);
	ck_assert_int_eq(sl_out_close(o, NULL), SL_OK);
	memset(&off, 0, sizeof off);
	setitimer(ITIMER_REAL, &off, NULL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_gt(ticks, 0);
	expect_framed(path, big, large + at);
	free(big);
}
END_TEST

static Suite *
out_suite(void)
{
	Suite *s = suite_create("out");
	TCase *tc = tcase_create("hooks");

	tcase_add_test(tc, broken_pipe_without_hook_is_an_error);
	tcase_add_test(tc, broken_pipe_calls_the_hook);
	tcase_add_test(tc, appended_in_place);
	tcase_add_test(tc, appended_after_error);
	tcase_add_test(tc, write_after_large_append);
	tcase_add_test(tc, large_write_in_order);
	tcase_add_test(tc, writev_in_order);
	tcase_add_test(tc, fn_takes_a_block_in_place);
	tcase_add_test(tc, large_write_error);
	tcase_add_test(tc, writev_error_sticky);
	tcase_add_test(tc, interrupted_writes_go_on);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(out_suite)
