/*
 * convert_dup.c: one transcript per session: a session logged twice
 * (S3 and CloudWatch) keeps the fuller source, the other is counted as
 * duplicate.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/body.h"
#include "convert/writer.h"
#include "report/report.h"
#include "convert.h"

/* The transcript to show: sl-report's (report_better_transcript). */
static size_t
best_source(const struct csess *s)
{
	size_t i, w = 0;

	for (i = 1; i < s->nsrc; i++) {
		const struct csrc *a = &s->src[i], *b = &s->src[w];

		if (report_better_transcript(a->lines, a->timed, a->key,
		    b->lines, b->timed, b->key))
			w = i;
	}
	return w;
}

/* Does r belong to a source of s other than the kept one? */
static int
other_source(const struct csess *s, size_t keep, const struct sl_record *r)
{
	char *key;
	int other;

	if (r->type == SL_SESSION || r->src == NULL)
		return 0;
	key = sl_transcript_key(r->src);
	other = strcmp(key, s->src[keep].key) != 0;
	free(key);
	return other;
}

/* A "duplicate" note for a source not shown. */
static int
write_duplicate(struct sl_convert *c, struct csess *s, struct csess *to,
    const struct csrc *e)
{
	struct sl_record r;
	char text[1024];

	snprintf(text, sizeof(text), "another transcript of this session was "
	    "not used: %s (%lld lines)", e->key, e->lines);
	sl_record_init(&r, SL_NOTE, s->info->id, e->key);
	r.code = SL_NOTE_DUPLICATE;
	r.text = text;
	r.len = strlen(text);
	r.count = -1;
	conv_count_record(c, s, &r, -1);
	if (s->body)
		return conv_spool_ready(c, to) != 0 ||
		    conv_body_put(c, to->sp, SL_BODY_ALL, s, &r) != 0 ? -1 : 0;
	return conv_spool_append(c, to, &r, NULL, 0);
}

/* Body mode: the counts of s, all its tags' (body_sums), or the kept
 * one's (keep_one_body), with those of its records of no source. */
void
conv_body_sum(struct csess *s, const size_t *keep)
{
	size_t i;

	s->sum = s->sum_all;
	for (i = 0; i < s->ntag; i++)
		if (keep == NULL || i == *keep)
			conv_sum_add(&s->sum, &s->tag[i].sum);
}

/* The tag of source i of s: its lines have one. */
static size_t
tag_of(const struct csess *s, size_t i)
{
	size_t t;

	for (t = 0; t < s->ntag && strcmp(s->tag[t].key, s->src[i].key) != 0;
	    t++)
		;
	return t;
}

static void
body_sums(struct sl_convert *c)
{
	size_t i;

	for (i = 0; i < c->nss; i++)
		if (c->ss[i] != NULL && c->ss[i]->body)
			conv_body_sum(c->ss[i], NULL);
}

/* keep_one_transcript in body mode: the kept source's chunks and those
 * of no source, copied; its counts, with the others' left out. */
static int
keep_one_body(struct sl_convert *c, struct csess *s)
{
	struct csess kept;
	size_t keep = tag_of(s, best_source(s)), i;
	int rc, bad = 0;

	if (conv_body_flush(c) != 0 || conv_spool_flush(c) != 0)
		return -1;
	memset(&kept, 0, sizeof(kept));
	if (conv_spool_ready(c, &kept) != 0)
		return -1;
	if ((rc = sl_body_keep(s->sp, (uint32_t)keep, &c->spool,
	    kept.sp)) != 0) {
		if (rc == -1)
			conv_fail(c, "spool file: write error: %s",
			    strerror(errno));
		else
			conv_fail(c, "spool file: read error");
		bad = 1;
	}
	conv_body_sum(s, &keep);
	for (i = 0; i < s->nsrc && !bad; i++)
		if (strcmp(s->src[i].key, s->tag[keep].key) != 0 &&
		    s->src[i].lines > 0)
			bad = write_duplicate(c, s, &kept, &s->src[i]) != 0;
	sl_spool_free(s->sp);
	s->sp = kept.sp;
	s->pieces = 0;
	return bad ? -1 : 0;
}

/*
 * One transcript per session: a session logged twice (S3 and CloudWatch,
 * a .log and its .log.gz) keeps the lines, raw bytes and notes of its
 * best source only, and a "duplicate" note for each other; its counts
 * are made again from what is kept.  What is kept is appended to the
 * spool again and becomes the session's spool.
 */
static int
keep_one_transcript(struct sl_convert *c, struct csess *s)
{
	const struct sl_record *r;
	struct sl_spool_cur *cur;
	struct csess kept;
	size_t keep = best_source(s), i;
	int got, bad = 0;

	if (s->body)
		return keep_one_body(c, s);
	if (conv_take_block(c, s) != 0 || conv_spool_flush(c) != 0)
		return -1;
	memset(&kept, 0, sizeof(kept));
	memset(&s->sum, 0, sizeof(s->sum));
	cur = sl_spool_cursor(s->sp);
	while (!bad && (got = sl_spool_next(cur, &r)) > 0) {
		if (other_source(s, keep, r))
			continue;
		conv_count_record(c, s, r, -1);
		bad = conv_spool_append(c, &kept, r, NULL, 0) != 0;
	}
	sl_spool_cursor_free(cur);
	if (!bad && got < 0) {
		conv_fail(c, "spool file: read error");
		bad = 1;
	}
	for (i = 0; i < s->nsrc && !bad; i++)
		if (i != keep && s->src[i].lines > 0)
			bad = write_duplicate(c, s, &kept, &s->src[i]) != 0;
	sl_spool_free(s->sp);
	s->sp = kept.sp;
	s->pieces = 0;		/* no piece shows what is kept */
	return bad ? -1 : 0;
}

/* Sessions with lines from more than one source keep one. */
static int
one_transcript_each(struct sl_convert *c)
{
	size_t i, k, with_lines;

	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL || s->nsrc < 2)
			continue;
		for (k = 0, with_lines = 0; k < s->nsrc; k++)
			with_lines += s->src[k].lines > 0;
		if (with_lines > 1 && keep_one_transcript(c, s) != 0)
			return -1;
	}
	return 0;
}

/* Sessions that are a worker's body piece alone (apply_body_piece):
 * their spools are the chunks where the worker wrote them. */
static void
spool_lone_bodies(struct sl_convert *c)
{
	size_t i;

	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		/* Nothing else came for it: it has no spool of its own. */
		if (s == NULL || !s->body || s->block_len <= 0)
			continue;
		s->sp = sl_spool_new(c->pf->fd[PF_BLOCKS], s->block_off,
		    s->block_len);
		s->block_len = 0;
	}
}

/* The spool, complete and on disk, ready to be read back. */
int
conv_spool_gather(struct sl_convert *c)
{
	if (conv_body_flush(c) != 0 || conv_spool_flush(c) != 0)
		return -1;
	if (c->body)
		spool_lone_bodies(c);
	if (c->body)
		body_sums(c);
	if (one_transcript_each(c) != 0 || conv_body_flush(c) != 0)
		return -1;
	return conv_spool_flush(c);
}
