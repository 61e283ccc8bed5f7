/*
 * test_sessions.c: session records merged by source rank
 * (lib/core/sessions.c), and a session merged elsewhere sent as one
 * record with its fields' ranks (sl_session_as_record,
 * sl_sessions_merge_ranked: how a -j worker of sl-convert hands its
 * merged session to the parent) making the same as every record merged.
 */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "internal.h"

/* A small deterministic generator: the runs are the same everywhere. */
static unsigned long long rnd_state;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rnd_state >> 33) % n;
}

static const char *const origins[] = { NULL, "describe-sessions",
    "cloudtrail", "cw-stream", "typescript", "s3" };
static const char *const time_srcs[] = { NULL, "describe-sessions",
    "cloudtrail", "stream-first-event", "typescript-trailer",
    "pwsh-footer", "guess" };
static const char *const vals[] = { NULL, NULL, "a", "b", "c" };
/* More than a new entry's first room for extras (EXTRA_ROOM). */
static const char *const keys[] = { "exit_code", "shell", "cols", "rows",
    "term", "lang", "tz", "agent", "os" };
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* A random session record of session id; its strings static. */
static void
random_record(struct sl_record *r, struct sl_kv *kv, const char *id)
{
	size_t i, n;

	memset(r, 0, sizeof(*r));
	r->type = SL_SESSION;
	r->session = id;
	for (i = 0; i < SL_F_COUNT; i++)
		r->f[i] = vals[rnd(5)];
	r->f[SL_F_ORIGIN] = origins[rnd(6)];
	r->f[SL_F_START_SRC] = time_srcs[rnd(7)];
	r->f[SL_F_END_SRC] = time_srcs[rnd(7)];
	n = rnd(NKEYS + 1);
	for (i = 0; i < n; i++) {
		kv[i].key = keys[rnd(NKEYS)];
		kv[i].val = vals[rnd(5)];
	}
	r->extra = kv;
	r->nextra = n;
}

static int
same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* a and b hold the same facts, extras in the same order. */
static void
check_same(const struct sl_session *a, const struct sl_session *b, int run)
{
	size_t i;

	for (i = 0; i < SL_F_COUNT; i++)
		ck_assert_msg(same_str(a->f[i], b->f[i]),
		    "run %d: field %zu: \"%s\" one by one, \"%s\" ranked",
		    run, i, a->f[i] ? a->f[i] : "(null)",
		    b->f[i] ? b->f[i] : "(null)");
	ck_assert_msg(a->nextra == b->nextra, "run %d: %zu extras, %zu",
	    run, a->nextra, b->nextra);
	for (i = 0; i < a->nextra; i++) {
		ck_assert_str_eq(a->extra[i].key, b->extra[i].key);
		ck_assert_str_eq(a->extra[i].val, b->extra[i].val);
	}
}

/* n random records merged into both tables one by one. */
static void
merge_both(struct sl_sessions *a, struct sl_sessions *b, int n)
{
	struct sl_record r;
	struct sl_kv kv[NKEYS];

	while (n-- > 0) {
		random_record(&r, kv, "s-1");
		sl_sessions_merge(a, &r);
		sl_sessions_merge(b, &r);
	}
}

/* What a worker merged (w's session), merged into b at its ranks. */
static void
merge_ranked(struct sl_sessions *b, struct sl_sessions *w)
{
	const struct sl_session *s = sl_sessions_get(w, "s-1", 0);
	unsigned char rank[SL_F_COUNT], xrank[NKEYS];
	struct sl_record r;
	size_t k;

	ck_assert_ptr_nonnull(s);
	ck_assert_uint_le(s->nextra, sizeof(xrank));
	sl_session_as_record(s, &r, rank);
	for (k = 0; k < s->nextra; k++)
		xrank[k] = sl_session_extra_rank(s, k);
	sl_sessions_merge_ranked(b, &r, rank, xrank);
}

/*
 * Records before, a worker's records, records after: merged one by one
 * into a, and into b with the worker's merged as one record.  Both the
 * facts and the ranks must agree: the records after test the ranks.
 */
START_TEST(ranked_merge_is_merge)
{
	int run;

	for (run = 0; run < 3000; run++) {
		struct sl_sessions *a = sl_sessions_new();
		struct sl_sessions *b = sl_sessions_new();
		struct sl_sessions *w = sl_sessions_new();
		struct sl_record r;
		struct sl_kv kv[NKEYS];
		int i, n = 1 + (int)rnd(4);

		merge_both(a, b, (int)rnd(3));
		for (i = 0; i < n; i++) {
			random_record(&r, kv, "s-1");
			sl_sessions_merge(a, &r);
			sl_sessions_merge(w, &r);
		}
		merge_ranked(b, w);
		check_same(sl_sessions_get(a, "s-1", 0),
		    sl_sessions_get(b, "s-1", 0), run);
		merge_both(a, b, 1 + (int)rnd(3));
		check_same(sl_sessions_get(a, "s-1", 0),
		    sl_sessions_get(b, "s-1", 0), run);
		sl_sessions_free(a);
		sl_sessions_free(b);
		sl_sessions_free(w);
	}
}
END_TEST

/* The ranked record survives the record codec, as -j sends it. */
START_TEST(ranked_record_codec)
{
	struct sl_sessions *w = sl_sessions_new(), *b = sl_sessions_new();
	const struct sl_session *s;
	unsigned char rank[SL_F_COUNT];
	struct sl_kv kv[1] = { { "exit_code", "0" } };
	struct sl_record r, back;
	struct sl_buf enc, arrays;

	memset(&r, 0, sizeof(r));
	r.type = SL_SESSION;
	r.session = "s-2";
	r.f[SL_F_ORIGIN] = "typescript";
	r.f[SL_F_HOST] = "ip-10-0-0-1";
	r.f[SL_F_END] = "2024-06-03T11:20:45.000Z";
	r.f[SL_F_END_SRC] = "typescript-trailer";
	r.extra = kv;
	r.nextra = 1;
	sl_sessions_merge(w, &r);
	s = sl_sessions_get(w, "s-2", 0);
	sl_session_as_record(s, &r, rank);
	ck_assert_uint_eq(rank[SL_F_HOST], 3);
	ck_assert_uint_eq(rank[SL_F_END], 4);	/* typescript-trailer */
	ck_assert_uint_eq(rank[SL_F_PRINCIPAL], 255);
	ck_assert_uint_eq(sl_session_extra_rank(s, 0), 3);
	sl_buf_init(&enc);
	sl_buf_init(&arrays);
	sl_record_encode(&enc, &r);
	ck_assert_uint_eq(sl_record_decode(enc.buf, enc.len, &back, &arrays),
	    enc.len);
	sl_sessions_merge_ranked(b, &back, rank, (const unsigned char[]){ 3 });
	s = sl_sessions_get(b, "s-2", 0);
	ck_assert_str_eq(s->f[SL_F_HOST], "ip-10-0-0-1");
	ck_assert_str_eq(s->f[SL_F_END_SRC], "typescript-trailer");
	ck_assert_str_eq(sl_session_extra(s, "exit_code"), "0");
	sl_buf_free(&enc);
	sl_buf_free(&arrays);
	sl_sessions_free(w);
	sl_sessions_free(b);
}
END_TEST

static Suite *
sessions_suite(void)
{
	Suite *s = suite_create("sessions");
	TCase *tc = tcase_create("sessions");

	tcase_add_test(tc, ranked_merge_is_merge);
	tcase_add_test(tc, ranked_record_codec);
	suite_add_tcase(s, tc);
	return s;
}

SL_TEST_MAIN(sessions_suite)
