/*
 * test_session.c: session ids, principals and targets from names and
 * agent paths (lib/core/session.c).  Inputs are exact-size heap copies so
 * that ASan sees any read past the end of a name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

typedef char *(*name_fn)(const char *);

/* fn(in) must be want (NULL: no result). */
static void
check(name_fn fn, const char *fname, const char *in, const char *want)
{
	char *copy = in != NULL ? sl_xstrdup(in) : NULL;
	char *got = fn(copy);

	if (want == NULL)
		ck_assert_msg(got == NULL, "%s(\"%s\") = \"%s\", want NULL",
		    fname, in, got);
	else {
		ck_assert_msg(got != NULL, "%s(\"%s\") = NULL, want \"%s\"",
		    fname, in, want);
		ck_assert_msg(strcmp(got, want) == 0,
		    "%s(\"%s\") = \"%s\", want \"%s\"", fname, in, got, want);
	}
	free(got);
	free(copy);
}

#define SID(in, want)	check(sl_session_from_name, "session_from_name", \
			    (in), (want))
#define PRIN(in, want)	check(sl_session_principal, "session_principal", \
			    (in), (want))
#define TGT(in, want)	check(sl_target_from_path, "target_from_path", \
			    (in), (want))
#define SPATH(in, want)	check(sl_session_from_path, "session_from_path", \
			    (in), (want))

/* ------------------------------------------------------ session_from_name */

START_TEST(name_suffixes)
{
	SID("logs/alice-0a1b2c3d4e5f67890.log", "alice-0a1b2c3d4e5f67890");
	SID("alice-0a1b2c3d4e5f67890.log", "alice-0a1b2c3d4e5f67890");
	SID("/abs/path/alice-0a1b2c3d4e5f67890.log.gz",
	    "alice-0a1b2c3d4e5f67890");
	SID("logs/alice-0a1b2c3d4e5f67890.txt", "alice-0a1b2c3d4e5f67890");
	SID("logs/alice-0a1b2c3d4e5f67890.gz", "alice-0a1b2c3d4e5f67890");
	SID("logs/alice-0a1b2c3d4e5f67890.json", "alice-0a1b2c3d4e5f67890");
	SID("alice-0a1b2c3d4e5f67890", "alice-0a1b2c3d4e5f67890");
	/* Only the suffixes come off, not other dots. */
	SID("logs/bob.smith@example.com-0123456789abcdef0.log",
	    "bob.smith@example.com-0123456789abcdef0");
	SID("logs/alice-0a1b2c3d4e5f67890.tar", "alice-0a1b2c3d4e5f67890.tar");
}
END_TEST

START_TEST(name_archive_member)
{
	SID("a.tar.gz//x/bob.smith@example.com-0123456789abcdef0.log",
	    "bob.smith@example.com-0123456789abcdef0");
	SID("logs.zip//carol-abcdefghijklmnopqrstuvwxyz.log.gz",
	    "carol-abcdefghijklmnopqrstuvwxyz");
	SID("outer.tar//inner.tar.gz//deep/dir/dave-0123456789abcdef0.txt",
	    "dave-0123456789abcdef0");
}
END_TEST

START_TEST(name_none)
{
	SID("-", NULL);
	SID(NULL, NULL);
	SID("", NULL);
	SID("logs/", NULL);
	SID("ipcTempFile.log", NULL);
	SID("/tmp/x/ipcTempFile.log", NULL);
}
END_TEST

START_TEST(name_agent_path)
{
	SID("/var/lib/amazon/ssm/i-0abc123def4567890/session/orchestration/"
	    "alice-0a1b2c3d4e5f67890/Standard_Stream/ipcTempFile.log",
	    "alice-0a1b2c3d4e5f67890");
	SID("C:\\ProgramData\\Amazon\\SSM\\InstanceData\\i-0abc123def4567890"
	    "\\session\\orchestration\\bob-0123456789abcdef0"
	    "\\Standard_Stream\\ipcTempFile.log", "bob-0123456789abcdef0");
	SID("dump.tar.gz//var/lib/amazon/ssm/i-0abc123def4567890/session/"
	    "orchestration/carol-0123456789abcdef0/Standard_Stream/"
	    "ipcTempFile.log", "carol-0123456789abcdef0");
}
END_TEST

START_TEST(name_windows_backslash)
{
	SID("C:\\Users\\me\\logs\\alice-0a1b2c3d4e5f67890.log",
	    "alice-0a1b2c3d4e5f67890");
	SID("logs\\bob.smith@example.com-0123456789abcdef0.log.gz",
	    "bob.smith@example.com-0123456789abcdef0");
	SID("C:\\Temp\\ipcTempFile.log", NULL);
}
END_TEST

START_TEST(path_orchestration)
{
	SPATH("/var/lib/amazon/ssm/i-0abc123def4567890/session/orchestration/"
	    "alice-0a1b2c3d4e5f67890/Standard_Stream/ipcTempFile.log",
	    "alice-0a1b2c3d4e5f67890");
	SPATH("C:\\ProgramData\\Amazon\\SSM\\InstanceData\\i-0abc123def4567890"
	    "\\session\\orchestration\\bob-0123456789abcdef0"
	    "\\Standard_Stream\\ipcTempFile.log", "bob-0123456789abcdef0");
	/* A logger command line quotes the path. */
	SPATH("ssm-session-logger \"/var/lib/amazon/ssm/i-0abc/session/"
	    "orchestration/eve-0123456789abcdef0/Standard_Stream\" true",
	    "eve-0123456789abcdef0");
	SPATH("logs/alice-0a1b2c3d4e5f67890.log", NULL);
	SPATH("/x/orchestration/", NULL);
}
END_TEST

/* ---------------------------------------------------------- principal */

START_TEST(principal_last_dash)
{
	PRIN("alice-0a1b2c3d4e5f67890", "alice");
	PRIN("bob.smith@example.com-0123456789abcdef0",
	    "bob.smith@example.com");
	PRIN("my-role-name-abcdefghijklmnopqrstuvwxyz", "my-role-name");
	PRIN("AROAEXAMPLE:jane.doe@corp.example-0a1b2c3d4e5f67890",
	    "AROAEXAMPLE:jane.doe@corp.example");
	PRIN("a-b", "a");
}
END_TEST

START_TEST(principal_none)
{
	PRIN("nodash", NULL);
	PRIN("", NULL);
	PRIN(NULL, NULL);
	PRIN("-0a1b2c3d4e5f67890", NULL);
}
END_TEST

/* ------------------------------------------------------------- target */

START_TEST(target_linux)
{
	TGT("/var/lib/amazon/ssm/i-0abc123def4567890/session/orchestration/"
	    "alice-0a1b2c3d4e5f67890/Standard_Stream/ipcTempFile.log",
	    "i-0abc123def4567890");
	TGT("/var/lib/amazon/ssm/mi-0123456789abcdef0/session/orchestration/"
	    "x-0123456789abcdef0/Standard_Stream/ipcTempFile.log",
	    "mi-0123456789abcdef0");
	/* A logger command names the folder after "ssm-session-logger". */
	TGT("ssm-session-logger /var/lib/amazon/ssm/i-0abc123def4567890/"
	    "session/orchestration/x-1/Standard_Stream false",
	    "i-0abc123def4567890");
}
END_TEST

START_TEST(target_windows)
{
	TGT("C:\\ProgramData\\Amazon\\SSM\\InstanceData\\i-0abc123def4567890"
	    "\\session\\orchestration\\bob-0123456789abcdef0"
	    "\\Standard_Stream\\ipcTempFile.log", "i-0abc123def4567890");
	TGT("C:\\ProgramData\\Amazon\\SSM\\InstanceData\\mi-0123456789abcdef0"
	    "\\session\\x", "mi-0123456789abcdef0");
}
END_TEST

START_TEST(target_none)
{
	TGT("logs/alice-0a1b2c3d4e5f67890.log", NULL);
	TGT("", NULL);
	TGT("/var/lib/amazon/ssm/ipc/termination", NULL);
	TGT("/var/lib/amazon/ssm/i-0abc123def4567890/document/x", NULL);
	TGT("/var/lib/amazon/ssm/", NULL);
	/* The id at the very end: no "session" after it, nothing past NUL. */
	TGT("/var/lib/amazon/ssm/i-0abc123def4567890", NULL);
	TGT("/var/lib/amazon/ssm/i-", NULL);
	TGT("ssm/mi-", NULL);
}
END_TEST

/* ------------------------------------------------------ sessions_merge */

/* Session k's record of origin, its principal and extra "x" made of c
 * (len bytes: some past the table's string blocks). */
static void
merge_one(struct sl_sessions *t, int k, const char *origin, char c,
    size_t len, char *buf)
{
	struct sl_kv extra[2];
	struct sl_record r;
	char sid[32];

	snprintf(sid, sizeof(sid), "u-%05d", k);
	memset(buf, c, len);
	buf[len] = '\0';
	sl_record_init(&r, SL_SESSION, k % 1000 == 7 ? NULL : sid, "a.log:1");
	r.f[SL_F_ORIGIN] = origin;
	r.f[SL_F_PRINCIPAL] = buf;
	extra[0].key = "x";
	extra[0].val = buf;
	extra[1].key = k % 2 ? "odd" : "even";
	extra[1].val = origin;
	r.extra = extra;
	r.nextra = 2;
	ck_assert_ptr_nonnull(sl_sessions_merge(t, &r));
}

/* Length of session k's values, some longer than a string block. */
static size_t
value_len(int k)
{
	return k % 500 == 3 ? 40000 + (size_t)k : (size_t)(k % 97) + 1;
}

/*
 * Field by field by rank, whatever the order: a better rank replaces a
 * value, an equal or worse one never does; extras the same; every value
 * intact after thousands of sessions (the table keeps their strings).
 */
START_TEST(sessions_merge_by_rank)
{
	struct sl_sessions *t = sl_sessions_new();
	const struct sl_session *const *list;
	char *buf = sl_xmalloc(50000);
	int k, n = 3000;

	for (k = 0; k < n; k++)
		merge_one(t, k, "typescript", 'a', value_len(k), buf);
	for (k = 0; k < n; k += 2)
		merge_one(t, k, "describe-sessions", 'b', value_len(k), buf);
	for (k = 0; k < n; k++)
		merge_one(t, k, "cloudtrail", 'c', 5, buf);
	/* The same rank again: the first stays. */
	for (k = 1; k < n; k += 2)
		merge_one(t, k, "cloudtrail", 'e', 5, buf);
	list = sl_sessions_list(t);
	for (k = 0; list[k] != NULL; k++) {
		const struct sl_session *e = list[k];
		int i = e->id != NULL ? atoi(e->id + 2) : 7;
		char want = i % 2 == 0 ? 'b' : 'c';
		size_t len = want == 'b' ? value_len(i) : 5;
		const char *p = e->f[SL_F_PRINCIPAL], *x;

		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(strlen(p), len);
		ck_assert_msg(p[0] == want && p[len - 1] == want,
		    "session %d: principal of %c", i, p[0]);
		x = sl_session_extra(e, "x");
		ck_assert_ptr_nonnull(x);
		ck_assert_str_eq(x, p);
		ck_assert_str_eq(sl_session_extra(e, i % 2 ? "odd" : "even"),
		    i % 2 ? "cloudtrail" : "describe-sessions");
		ck_assert_str_eq(e->f[SL_F_ORIGIN], i % 2 ? "cloudtrail" :
		    "describe-sessions");
	}
	/* 3 null-session records fall into one entry. */
	ck_assert_int_eq(k, n - 2);
	ck_assert_uint_eq(sl_sessions_count(t), (size_t)(n - 2));
	free(buf);
	sl_sessions_free(t);
}
END_TEST

static Suite *
session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("session");

	tcase_add_test(tc, name_suffixes);
	tcase_add_test(tc, name_archive_member);
	tcase_add_test(tc, name_none);
	tcase_add_test(tc, name_agent_path);
	tcase_add_test(tc, name_windows_backslash);
	tcase_add_test(tc, path_orchestration);
	tcase_add_test(tc, principal_last_dash);
	tcase_add_test(tc, principal_none);
	tcase_add_test(tc, target_linux);
	tcase_add_test(tc, target_windows);
	tcase_add_test(tc, target_none);
	tcase_add_test(tc, sessions_merge_by_rank);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(session_suite)
