/*
 * test_workers.c: -j N (lib/core/workers.c): a run with worker processes
 * giving the sink and the message functions exactly the sequence a run
 * with one job gives (the records' codec: test_reccodec.c).
 */
#include <sys/uio.h>

#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "check_main.h"
#include "core/workers.h"

/* ------------------------------------------------------ runs compared */

/* What a run gives its sink and message functions, in order, as text. */
static int
log_record(void *arg, const struct sl_record *r)
{
	sl_record_to_json(arg, r);
	return SL_OK;
}

static void
log_msg(void *arg, const char *where, const char *msg)
{
	sl_buf_printf(arg, "MSG %s: %s\n", where != NULL ? where : "-", msg);
}

static void
log_info(void *arg, const char *where, const char *msg)
{
	sl_buf_printf(arg, "INFO %s: %s\n", where != NULL ? where : "-", msg);
}

static void
run_dir(const char *dir, int jobs, struct sl_buf *log)
{
	struct sl_sink sink = { log_record, NULL, 0 };
	struct sl_stats st;
	struct sl_run *run;

	sink.arg = log;
	run = sl_run_new(NULL, &sink, log_msg, log);
	sl_run_set_info(run, log_info, log);
	sl_run_set_jobs(run, jobs);
	sl_run_path(run, dir);
	sl_run_finish(run);
	sl_run_stats(run, &st);
	sl_buf_printf(log, "STATS %lld %lld %lld %lld %lld %lld %lld\n",
	    st.inputs, st.bytes, st.units, st.written, st.skipped,
	    st.rejected, st.records);
	sl_run_free(run);
}

/* The same text; else where they part, not both whole (too long). */
static void
same_log(const struct sl_buf *got, const struct sl_buf *want, int jobs)
{
	size_t i = 0;

	while (i < got->len && i < want->len && got->buf[i] == want->buf[i])
		i++;
	ck_assert_msg(i == got->len && i == want->len, "-j %d parts from "
	    "-j 1 at byte %zu: \"%.60s\" instead of \"%.60s\"", jobs, i,
	    got->buf + i, want->buf + i);
}

/* A run of path with jobs workers gives what one (-j 1's log) holds. */
static void
same_with_jobs(const char *path, int jobs, const struct sl_buf *one)
{
	struct sl_buf log;

	sl_buf_init(&log);
	run_dir(path, jobs, &log);
	same_log(&log, one, jobs);
	sl_buf_free(&log);
}

/*
 * path read with -j 1 gives a log holding has and also (so that the
 * case is what it claims), and with 2 and with many workers the same.
 * Then the test's folder, dir, goes.
 */
static void
same_for_all(const char *dir, const char *path, const char *has,
    const char *also, int many)
{
	struct sl_buf one;
	char cmd[600];

	sl_buf_init(&one);
	run_dir(path, 1, &one);
	ck_assert_ptr_nonnull(strstr(one.buf, has));
	ck_assert_ptr_nonnull(strstr(one.buf, also));
	same_with_jobs(path, 2, &one);
	same_with_jobs(path, many, &one);
	sl_buf_free(&one);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
put_file(const char *dir, const char *name, const char *text, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, n, f), n);
	fclose(f);
}

#define PUT(dir, name, s)	put_file((dir), (name), (s), sizeof(s) - 1)

START_TEST(order_as_one_job)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX";
	char name[64], body[4096];
	int i, n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Logs a worker reads, one in the middle a worker gives back
	 * (binary, unrecognized: a message and exit 1), an empty one the
	 * run reads itself, text that is no log, a log with no prompt (a
	 * message from a worker). */
	for (i = 0; i < 40; i++) {
		n = snprintf(body, sizeof(body), "Script started on "
		    "2024-06-01 10:00:00+00:00\nsh-5.2$ echo %d\r\r\n%d\r\r\n"
		    "sh-5.2$ exit\r\r\n", i, i);
		snprintf(name, sizeof(name), "u%02d-0a0a0a0a0a0a0a0%02d.log",
		    i, i);
		put_file(dir, name, body, (size_t)n);
	}
	PUT(dir, "u20-broken.bin", "\001\002\003\000garbage\377");
	put_file(dir, "u05x-0c0c0c0c0c0c0c0c0.log", "", 0);	/* read here */
	PUT(dir, "u21-notes.txt", "a note\nnothing of a terminal\n");
	n = snprintf(body, sizeof(body), "Script started on 2024-06-01\n");
	for (i = 0; i < 30; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n,
		    "output %d\r\r\n", i);
	put_file(dir, "u22-0b0b0b0b0b0b0b0b0.log", body, (size_t)n);
	same_for_all(dir, dir, "MSG", "INFO", 7);
}
END_TEST

/* One member of a tar.gz being written. */
static void
put_member(struct archive *a, const char *name, const char *text, size_t n)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	ck_assert_int_eq(archive_write_header(a, e), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_data(a, text, n), (la_ssize_t)n);
	archive_entry_free(e);
}

/* A session log of about size bytes: many commands, so many records. */
static size_t
make_log(struct sl_buf *b, int id, size_t size)
{
	int i;

	sl_buf_reset(b);
	sl_buf_printf(b, "Script started on 2024-06-01 10:00:00+00:00\n");
	for (i = 0; b->len < size; i++)
		sl_buf_printf(b, "sh-5.2$ echo %d.%d\r\r\n%d.%d\r\r\n", id, i,
		    id, i);
	sl_buf_printf(b, "sh-5.2$ exit\r\r\n");
	return b->len;
}

/*
 * A tar.gz at path of count session logs, one of every big_every of
 * big bytes, the others growing by step; after the broken_at-th, a
 * binary member a worker gives back (unrecognized: a message).
 */
static void
make_archive(const char *path, int count, int big_every, size_t big,
    size_t step, int broken_at)
{
	struct sl_buf log;
	struct archive *a;
	char name[64];
	int i;

	a = archive_write_new();
	archive_write_add_filter_gzip(a);
	archive_write_set_format_pax_restricted(a);
	ck_assert_int_eq(archive_write_open_filename(a, path), ARCHIVE_OK);
	sl_buf_init(&log);
	for (i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "s/u%03d-0a0a0a0a0a0a0a%03d.log",
		    i, i);
		make_log(&log, i, i % big_every == 3 ? big :
		    1000 + step * (size_t)i);
		put_member(a, name, log.buf, log.len);
		if (i == broken_at)
			put_member(a, "s/broken.bin", "\001\002\000\377", 4);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	sl_buf_free(&log);
}

/*
 * Many members of a tar.gz: more batches than the workers' queues hold,
 * members too big to batch, and one given back in the middle; the
 * parent sends and collects without waiting, and the order must hold.
 */
START_TEST(deep_queue_keeps_order)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX", path[600];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs.tar.gz", dir);
	/* Every 97th: past a batch, sent on its own. */
	make_archive(path, 400, 97, 300000, 37, 211);
	same_for_all(dir, path, "MSG", "echo 399.0", 3);
}
END_TEST

/*
 * A ring too small for the run: the parent waits for the oldest batch
 * whenever it is full, and members larger than it (the 150,000-byte
 * ones) are read by the run itself, in their place.
 */
START_TEST(small_ring_keeps_order)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX", path[600];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs.tar.gz", dir);
	make_archive(path, 120, 29, 150000, 211, 60);
	sl_workers_set_ring(96 * 1024);
	same_for_all(dir, path, "MSG", "echo 119.0", 3);
	sl_workers_set_ring(0);
}
END_TEST

/* A run's JSON output (sl_run_set_json_out), and how it came. */
struct json_log {
	struct sl_buf text;		/* records and messages, in order */
	int writev_calls, writev_blocks;
};

static int
json_write(void *arg, const void *p, size_t n)
{
	struct json_log *j = arg;

	sl_buf_add(&j->text, p, n);
	return SL_OK;
}

static int
json_writev(void *arg, const struct iovec *v, int n)
{
	struct json_log *j = arg;
	int i;

	j->writev_calls++;
	j->writev_blocks += n;
	for (i = 0; i < n; i++)
		sl_buf_add(&j->text, v[i].iov_base, v[i].iov_len);
	return SL_OK;
}

/* path read with jobs workers by a run whose sink only writes JSON, and
 * hands the workers' JSON to writev when it is given. */
static void
run_json(const char *path, int jobs, sl_writevfn writev, struct json_log *j)
{
	struct sl_sink sink = { log_record, NULL, 0 };
	struct sl_run *run;

	sink.arg = &j->text;
	run = sl_run_new(NULL, &sink, log_msg, &j->text);
	sl_run_set_info(run, log_info, &j->text);
	sl_run_set_jobs(run, jobs);
	sl_run_set_json_out(run, json_write, writev, j);
	sl_run_path(run, path);
	sl_run_finish(run);
	sl_run_free(run);
}

/*
 * JSON the workers made goes out with writev, several frames at once,
 * straight from their rings (or from what the parent read ahead): the
 * same text as -j 1, messages and a job given back in their places.
 * With small rings the frames rings wrap and the parent reads ahead
 * while frames are held: a held frame whose room is given back, or
 * whose copy on w->in is moved, before it is written, shows here.
 */
static void
json_same_for(const char *path, size_t ring)
{
	struct json_log one = { 0 }, two = { 0 }, plain = { 0 };

	sl_buf_init(&one.text);
	sl_buf_init(&two.text);
	sl_buf_init(&plain.text);
	run_json(path, 1, json_writev, &one);
	ck_assert_ptr_nonnull(strstr(one.text.buf, "MSG"));
	sl_workers_set_ring(ring);
	run_json(path, 2, json_writev, &two);
	/* Without writev, write takes the workers' JSON a frame at a time. */
	run_json(path, 2, NULL, &plain);
	sl_workers_set_ring(0);
	same_log(&two.text, &one.text, 2);
	same_log(&plain.text, &one.text, 2);
	ck_assert_int_eq(one.writev_calls, 0);
	ck_assert_int_gt(two.writev_calls, 0);
	ck_assert_int_gt(two.writev_blocks, two.writev_calls);
	ck_assert_int_eq(plain.writev_calls, 0);
	sl_buf_free(&one.text);
	sl_buf_free(&two.text);
	sl_buf_free(&plain.text);
}

START_TEST(json_frames_written_in_place)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX", path[600];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs.tar.gz", dir);
	make_archive(path, 400, 97, 300000, 37, 211);
	json_same_for(path, 0);
	json_same_for(path, 96 * 1024);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* The parent slow between reading where a worker's frames end and
 * acting on it. */
static void
look_slowly(void)
{
	usleep(200);
}

/*
 * A worker whose ring the parent has given all back starts it over
 * from its start: with the parent slowed down just after it read where
 * the frames end, the worker writes and starts over meanwhile, and the
 * parent must act on what it read, not count stale ring bytes as
 * frames (par18's rewind read wpos again there: 8 of 12 runs failed).
 */
START_TEST(rewind_while_the_parent_looks)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX", path[600];
	int i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs.tar.gz", dir);
	make_archive(path, 200, 29, 150000, 37, 60);
	sl_workers_set_look_hook(look_slowly);
	for (i = 0; i < 3; i++)		/* a race: more than one chance */
		json_same_for(path, 96 * 1024);
	json_same_for(path, 0);
	sl_workers_set_look_hook(NULL);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* At the first record, the run's workers (this process's children:
 * Check forks each test) are killed. */
static int
kill_workers(void *arg, const struct sl_record *r)
{
	char path[64], pids[256], *p, *end;
	long pid;
	FILE *f;

	(void)r;
	if (*(int *)arg != 0)
		return SL_OK;
	*(int *)arg = 1;
	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
	    (int)getpid());
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(pids, sizeof(pids), f));
	fclose(f);
	for (p = pids; (pid = strtol(p, &end, 10)) > 0; p = end)
		ck_assert_int_eq(kill((pid_t)pid, SIGKILL), 0);
	return SL_OK;
}

/*
 * Workers that die while they owe frames: the run says so and stops,
 * nothing waits for them for ever.
 */
START_TEST(dead_workers_stop_the_run)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX", path[600];
	struct sl_sink sink = { kill_workers, NULL, 0 };
	struct sl_buf log;
	struct sl_run *run;
	int killed = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs.tar.gz", dir);
	make_archive(path, 400, 97, 300000, 37, 211);
	sink.arg = &killed;
	sl_buf_init(&log);
	run = sl_run_new(NULL, &sink, log_msg, &log);
	sl_run_set_jobs(run, 2);
	sl_run_path(run, path);
	sl_run_finish(run);
	sl_run_free(run);
	ck_assert_int_eq(killed, 1);
	ck_assert_ptr_nonnull(strstr(log.buf, "a worker process failed"));
	sl_buf_free(&log);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

/* This process's children (its workers: Check forks each test), up to
 * max; returns how many. */
static int
children(pid_t *pid, int max)
{
	char path[64], pids[256], *p, *end;
	long v;
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children",
	    (int)getpid());
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	if (fgets(pids, sizeof(pids), f) == NULL)
		pids[0] = '\0';
	fclose(f);
	for (p = pids; n < max && (v = strtol(p, &end, 10)) > 0; p = end)
		pid[n++] = (pid_t)v;
	return n;
}

/* The CPUs of the parent's thread and of its workers, as a record of one
 * member comes. */
struct cpu_seen {
	const char *member;	/* in the record's src */
	int seen;
	int parent_cpus;	/* CPUs the parent's thread may use */
	int cpu;		/* ...the first of them */
	int workers;
	int workers_on_it;	/* workers that may use the parent's first */
	int workers_cpus;	/* CPUs the first worker may use */
};

static void
see_cpus(struct cpu_seen *c)
{
	cpu_set_t set;
	pid_t pid[8];
	int i, n, cpu = -1;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	c->parent_cpus = CPU_COUNT(&set);
	for (i = 0; i < CPU_SETSIZE && cpu < 0; i++)
		if (CPU_ISSET(i, &set))
			cpu = i;
	c->cpu = cpu;
	n = children(pid, 8);
	c->workers = n;
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sched_getaffinity(pid[i], sizeof(set), &set),
		    0);
		c->workers_on_it += CPU_ISSET(cpu, &set) != 0;
		if (i == 0)
			c->workers_cpus = CPU_COUNT(&set);
	}
	c->seen = 1;
}

/* At the first record of each member in arg (a NULL-ended array). */
static int
look_at_cpus(void *arg, const struct sl_record *r)
{
	struct cpu_seen *c;

	for (c = arg; c->member != NULL; c++)
		if (!c->seen && r->src != NULL && strstr(r->src, c->member))
			see_cpus(c);
	return SL_OK;
}

/*
 * -j 2 over a tar.gz on two CPUs: while the inflate thread lives, the
 * parent keeps one CPU and the workers the other, but while the run
 * reads a member itself (one over SL_JOB_MAX: the workers are idle) its
 * thread takes the other CPU, beside the inflate; once the archive is
 * read, all of them have both again (a folder read next must not run
 * its workers on one CPU).  With fewer than two CPUs, nothing changes.
 */
START_TEST(inflate_thread_keeps_a_cpu)
{
	char dir[] = "/tmp/sl-test-workers-XXXXXX", path[600];
	struct cpu_seen seen[] = {
		{ "/u000-", 0, 0, 0, 0, 0, 0 },	/* a worker's */
		{ "/u003-", 0, 0, 0, 0, 0, 0 },	/* the run's own */
		{ "/u010-", 0, 0, 0, 0, 0, 0 },	/* a worker's again */
		{ NULL, 0, 0, 0, 0, 0, 0 },
	};
	struct sl_sink sink = { look_at_cpus, NULL, 0 };
	cpu_set_t mine, two, set;
	struct sl_buf log;
	struct sl_run *run;
	pid_t pid[8];
	int i, k, n;

	ck_assert_int_eq(sched_getaffinity(0, sizeof(mine), &mine), 0);
	CPU_ZERO(&two);
	for (i = k = 0; i < CPU_SETSIZE && k < 2; i++)
		if (CPU_ISSET(i, &mine)) {
			CPU_SET(i, &two);
			k++;
		}
	ck_assert_int_eq(sched_setaffinity(0, sizeof(two), &two), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/logs.tar.gz", dir);
	/* Every 29th from the 3rd: over SL_JOB_MAX. */
	make_archive(path, 40, 29, SL_JOB_MAX + 4096, 37, 20);
	sink.arg = seen;
	sl_buf_init(&log);
	run = sl_run_new(NULL, &sink, log_msg, &log);
	sl_run_set_jobs(run, 2);
	sl_run_path(run, path);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(seen[i].seen, "no record of %s", seen[i].member);
		ck_assert_int_eq(seen[i].workers, 2);
	}
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(seen[i].parent_cpus, 1);
	if (k == 2) {
		ck_assert_int_eq(seen[0].workers_on_it, 0);
		ck_assert_int_eq(seen[0].workers_cpus, 1);
		/* the inflate's CPU left to it; the workers may have both */
		ck_assert_int_ne(seen[1].cpu, seen[0].cpu);
		ck_assert_int_eq(seen[1].workers_cpus, 2);
		ck_assert_int_eq(seen[2].cpu, seen[0].cpu);
		ck_assert_int_eq(seen[2].workers_on_it, 0);
	}
	/* The archive is read, its thread gone: the CPUs come back. */
	ck_assert_int_eq(sched_getaffinity(0, sizeof(set), &set), 0);
	ck_assert(CPU_EQUAL(&set, &two));
	n = children(pid, 8);
	ck_assert_int_eq(n, 2);
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(sched_getaffinity(pid[i], sizeof(set), &set),
		    0);
		ck_assert(CPU_EQUAL(&set, &two));
	}
	sl_run_finish(run);
	sl_run_free(run);
	sl_buf_free(&log);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

static Suite *
workers_suite(void)
{
	Suite *s = suite_create("workers");
	TCase *tc = tcase_create("workers");

	/* Forks and a 400-member archive three times: slow under ASan. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, order_as_one_job);
	tcase_add_test(tc, deep_queue_keeps_order);
	tcase_add_test(tc, small_ring_keeps_order);
	tcase_add_test(tc, dead_workers_stop_the_run);
	tcase_add_test(tc, json_frames_written_in_place);
	tcase_add_test(tc, rewind_while_the_parent_looks);
	tcase_add_test(tc, inflate_thread_keeps_a_cpu);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(workers_suite)
