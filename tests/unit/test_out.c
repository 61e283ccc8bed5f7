/*
 * test_out.c: the output layer leaves a broken pipe to the caller (the
 * broken_pipe hook of struct sl_hooks), and without a hook it is a
 * write error like any other; the library raises no signal itself.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
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

static Suite *
out_suite(void)
{
	Suite *s = suite_create("out");
	TCase *tc = tcase_create("hooks");

	tcase_add_test(tc, broken_pipe_without_hook_is_an_error);
	tcase_add_test(tc, broken_pipe_calls_the_hook);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(out_suite)
