/*
 * test_outfile.c: the one output layer (lib/output/outfile.c).  A file appears
 * whole at commit or not at all; an existing file stays unless force,
 * and force replaces regular files only; a symbolic link is never
 * followed, at the name or on the way under an output folder.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "convert/writer.h"

static char dir[64];
static char err[512];

static void
setup(void)
{
	strcpy(dir, "/tmp/sl-outfile-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
}

static void
teardown(void)
{
	char cmd[128];

	ck_assert_int_eq(chdir("/"), 0);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static int
holds(const char *path, const char *text)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strcmp(buf, text) == 0;
}

/* Nothing in the folder but the names given (no temporary file). */
static int
only(const char *folder, int n)
{
	char cmd[128];
	FILE *p;
	int count = 0;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", folder);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%d", &count), 1);
	pclose(p);
	return count == n;
}

static int
write_all(struct sl_ofile *o, const char *text)
{
	return write(o->fd, text, strlen(text)) == (ssize_t)strlen(text);
}

START_TEST(appears_at_commit)
{
	struct sl_ofile o;

	ck_assert_int_eq(sl_ofile_open(&o, "a.txt", 0, err, sizeof(err)),
	    SL_OK);
	ck_assert(write_all(&o, "new"));
	ck_assert(access("a.txt", F_OK) != 0);	/* not yet */
	ck_assert_int_eq(sl_ofile_commit(&o, err, sizeof(err)), SL_OK);
	ck_assert(holds("a.txt", "new"));
	ck_assert(only(".", 1));
}
END_TEST

START_TEST(abort_leaves_nothing)
{
	struct sl_ofile o;

	put("a.txt", "old");
	ck_assert_int_eq(sl_ofile_open(&o, "a.txt", 1, err, sizeof(err)),
	    SL_OK);
	ck_assert(write_all(&o, "half"));
	sl_ofile_abort(&o);
	ck_assert(holds("a.txt", "old"));
	ck_assert(only(".", 1));
}
END_TEST

START_TEST(exists_needs_force)
{
	struct sl_ofile o;

	put("a.txt", "old");
	ck_assert_int_eq(sl_ofile_open(&o, "a.txt", 0, err, sizeof(err)),
	    SL_FATAL);
	ck_assert_ptr_nonnull(strstr(err, "exists (use --force"));
	ck_assert_int_eq(sl_ofile_open(&o, "a.txt", 1, err, sizeof(err)),
	    SL_OK);
	ck_assert(write_all(&o, "new"));
	ck_assert_int_eq(sl_ofile_commit(&o, err, sizeof(err)), SL_OK);
	ck_assert(holds("a.txt", "new"));
}
END_TEST

/* A file that appears meanwhile is not replaced without force. */
START_TEST(no_replace_race)
{
	struct sl_ofile o;

	ck_assert_int_eq(sl_ofile_open(&o, "a.txt", 0, err, sizeof(err)),
	    SL_OK);
	put("a.txt", "theirs");
	ck_assert_int_eq(sl_ofile_commit(&o, err, sizeof(err)), SL_FATAL);
	ck_assert(holds("a.txt", "theirs"));
	ck_assert(only(".", 1));
}
END_TEST

START_TEST(link_never_followed)
{
	struct sl_ofile o;

	put("target", "keep");
	ck_assert_int_eq(symlink("target", "link"), 0);
	ck_assert_int_eq(sl_ofile_open(&o, "link", 1, err, sizeof(err)),
	    SL_FATAL);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	ck_assert(holds("target", "keep"));
	ck_assert_int_eq(mkfifo("fifo", 0600), 0);
	ck_assert_int_eq(symlink("fifo", "dest"), 0);
	ck_assert_int_eq(mkdir("out", 0777), 0);
	ck_assert_int_eq(symlink("../fifo", "out/x"), 0);
	/* A name from input: neither a link nor a FIFO is written. */
	ck_assert_int_eq(sl_ofile_open_in(&o, "out", "x", 1, err,
	    sizeof(err)), SL_FATAL);
	ck_assert_int_eq(unlink("out/x"), 0);
	ck_assert_int_eq(mkfifo("out/x", 0600), 0);
	ck_assert_int_eq(sl_ofile_open_in(&o, "out", "x", 1, err,
	    sizeof(err)), SL_FATAL);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

START_TEST(linked_folder_not_followed)
{
	struct sl_ofile o;

	ck_assert_int_eq(mkdir("out", 0777), 0);
	ck_assert_int_eq(mkdir("elsewhere", 0777), 0);
	ck_assert_int_eq(symlink("../elsewhere", "out/sub"), 0);
	ck_assert_int_eq(sl_ofile_open_in(&o, "out", "sub/x.log", 0, err,
	    sizeof(err)), SL_FATAL);
	ck_assert_ptr_nonnull(strstr(err, "not followed"));
	ck_assert(only("elsewhere", 0));
	/* Folders are made as needed, and the file lands in them. */
	ck_assert_int_eq(sl_ofile_open_in(&o, "out/", "a/b/x.log", 0, err,
	    sizeof(err)), SL_OK);
	ck_assert_str_eq(o.final, "out/a/b/x.log");
	ck_assert(write_all(&o, "x"));
	ck_assert_int_eq(sl_ofile_commit(&o, err, sizeof(err)), SL_OK);
	ck_assert(holds("out/a/b/x.log", "x"));
	/* No way up or out. */
	ck_assert_int_eq(sl_ofile_open_in(&o, "out", "../x.log", 0, err,
	    sizeof(err)), SL_FATAL);
	ck_assert_int_eq(sl_ofile_open_in(&o, "out", "a//x.log", 0, err,
	    sizeof(err)), SL_FATAL);
}
END_TEST

/* A device the user names is written in place: -o /dev/null. */
START_TEST(named_device)
{
	struct sl_ofile o;

	ck_assert_int_eq(sl_ofile_open(&o, "/dev/null", 0, err, sizeof(err)),
	    SL_OK);
	ck_assert_ptr_null(o.tmp);
	ck_assert(write_all(&o, "x"));
	ck_assert_int_eq(sl_ofile_commit(&o, err, sizeof(err)), SL_OK);
	ck_assert_int_eq(sl_ofile_open(&o, ".", 0, err, sizeof(err)),
	    SL_FATAL);
}
END_TEST

START_TEST(scratch_is_unnamed)
{
	struct sl_ofile o;
	int fd;

	ck_assert_int_eq(sl_ofile_open(&o, "a.tar", 0, err, sizeof(err)),
	    SL_OK);
	fd = sl_ofile_scratch(&o);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "abc", 3), 3);
	close(fd);
	sl_ofile_abort(&o);
	ck_assert(only(".", 0));
}
END_TEST

static Suite *
outfile_suite(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outfile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, appears_at_commit);
	tcase_add_test(tc, abort_leaves_nothing);
	tcase_add_test(tc, exists_needs_force);
	tcase_add_test(tc, no_replace_race);
	tcase_add_test(tc, link_never_followed);
	tcase_add_test(tc, linked_folder_not_followed);
	tcase_add_test(tc, named_device);
	tcase_add_test(tc, scratch_is_unnamed);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(outfile_suite)
