/*
 * report_cmds.c: the commands of the store.  A report lists every command
 * of every session, so they cannot stay in memory: 10,000 sessions of a
 * few hundred commands each would take hundreds of MiB.  Once the
 * commands in memory pass a budget, those of every source but its last
 * (a continuation line may still join it) are written to an unlinked
 * temporary file, one block per source, and read back one source at a
 * time when the report is written.  A block is, per command:
 *
 *	i64 ms, u32 flags, u32 cont_head, u32 length, the text
 *
 * in host order: the file is private to one run.  When the file cannot
 * be made or written, the commands stay in memory (nothing is lost).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

#define CMD_BUDGET	(2u << 20)	/* bytes of commands kept in memory */
#define CMD_HEAD	20		/* bytes before a command's text */

void
report_set_cmd_budget(struct sl_report *rep, size_t bytes)
{
	rep->cmd_budget = bytes;
	rep->cmd_limit = bytes;
}

static size_t
budget(const struct sl_report *rep)
{
	return rep->cmd_budget > 0 ? rep->cmd_budget : CMD_BUDGET;
}

static size_t
cmd_cost(size_t textlen)
{
	return textlen + sizeof(struct rcmd);
}

size_t
report_src_ncmds(const struct rsrc *src)
{
	return src->nspilled + src->ncmds;
}

void
report_free_cmds(struct rsrc *src)
{
	sl_buf_free(&src->text);
	free(src->cmds);
	free(src->spills);
}

/* An unlinked file in $TMPDIR, else /tmp: nothing is left behind. */
static int
spill_open(void)
{
	return sl_tmpfile(NULL, "sl-report");
}

/* Room made once, head and text copied in: three sl_buf_add calls a
 * command were a third of adding commands in -j N's serial parent. */
static void
put_cmd(struct sl_buf *b, const struct rcmd *c, const char *text)
{
	int64_t ms = c->ms;
	uint32_t u[3];
	char *p;

	u[0] = c->flags;
	u[1] = (uint32_t)c->cont_head;
	u[2] = (uint32_t)c->len;
	sl_buf_reserve(b, CMD_HEAD + c->len);
	p = b->buf + b->len;
	memcpy(p, &ms, sizeof(ms));
	memcpy(p + sizeof(ms), u, sizeof(u));
	memcpy(p + CMD_HEAD, text + c->off, c->len);
	b->len += CMD_HEAD + c->len;
	b->buf[b->len] = '\0';
}

/* Keep only the last command of src in memory, in fresh small arrays. */
static void
keep_last(struct rsrc *src)
{
	struct rcmd last = src->cmds[src->ncmds - 1];
	struct sl_buf text;

	sl_buf_init(&text);
	sl_buf_add(&text, src->text.buf + last.off, last.len);
	sl_buf_free(&src->text);
	src->text = text;
	last.off = 0;
	free(src->cmds);
	src->capcmds = 4;
	src->cmds = sl_xmalloc(src->capcmds * sizeof(*src->cmds));
	src->cmds[0] = last;
	src->ncmds = 1;
}

/* Write out all commands of src but its last.  -1 when writing fails. */
static int
spill_src(struct sl_report *rep, struct rsrc *src, struct sl_buf *b)
{
	struct rspill *sp;
	long long ran = 0;
	size_t k;

	if (src->ncmds < 2)
		return 0;
	sl_buf_reset(b);
	for (k = 0; k + 1 < src->ncmds; k++) {
		put_cmd(b, &src->cmds[k], src->text.buf);
		ran += src->cmds[k].flags == 0;
	}
	if (sl_pwrite_all(rep->spill_fd, b->buf, b->len, rep->spill_end) < 0)
		return -1;
	src->ran_spilled += ran;
	src->spills = sl_xrealloc(src->spills,
	    (src->nspills + 1) * sizeof(*src->spills));
	sp = &src->spills[src->nspills++];
	sp->off = rep->spill_end;
	sp->len = b->len;
	rep->spill_end += (long long)b->len;
	src->nspilled += src->ncmds - 1;
	keep_last(src);
	return 0;
}

/* Past the budget: write out what can be, and count what is left. */
static void
spill(struct sl_report *rep)
{
	struct sl_buf b;
	size_t i, k;

	if (rep->spill_fd < 0 && (rep->spill_fd = spill_open()) < 0) {
		rep->spill_off = 1;	/* memory, then: nothing is lost */
		return;
	}
	sl_buf_init(&b);
	rep->cmd_bytes = 0;
	for (i = 0; i < rep->naux; i++) {
		struct rsess *s = rep->aux[i];

		for (k = 0; s != NULL && k < s->nsrc; k++) {
			struct rsrc *src = s->src[k];

			if (!rep->spill_off && spill_src(rep, src, &b) < 0)
				rep->spill_off = 1;
			rep->cmd_bytes += src->text.len +
			    src->ncmds * sizeof(struct rcmd);
		}
	}
	sl_buf_free(&b);
	/* Many sources, each with its last command: spill less often. */
	rep->cmd_limit = rep->cmd_bytes * 2 > budget(rep) ?
	    rep->cmd_bytes * 2 : budget(rep);
}

void
report_cmd_add(struct sl_report *rep, struct rsrc *src, const char *p,
    size_t n, long long ms, int cont, unsigned flags)
{
	struct rcmd *c;

	rep->cmd_bytes += cmd_cost(n);
	if (cont && src->ncmds > 0) {
		/* The arena ends with the previous command: extend it. */
		c = &src->cmds[src->ncmds - 1];
		c->flags |= flags;
		sl_buf_addc(&src->text, '\n');
		sl_buf_add(&src->text, p, n);
		c->len = src->text.len - c->off;
		return;
	}
	if (src->ncmds == src->capcmds) {
		src->capcmds = src->capcmds ? src->capcmds * 2 : 8;
		src->cmds = sl_xrealloc(src->cmds,
		    src->capcmds * sizeof(*src->cmds));
	}
	c = &src->cmds[src->ncmds++];
	c->off = src->text.len;
	c->len = n;
	c->ms = ms;
	c->flags = flags;
	c->cont_head = cont;
	sl_buf_add(&src->text, p, n);
	if (!rep->spill_off && rep->cmd_bytes > (rep->cmd_limit > 0 ?
	    rep->cmd_limit : budget(rep)))
		spill(rep);
}

void
report_src_reserve(struct rsrc *src, size_t n, size_t bytes)
{
	if (n > src->capcmds - src->ncmds) {
		/* At least doubling: many entries of one source stay linear. */
		src->capcmds = SL_MAX(src->ncmds + n, src->capcmds * 2);
		src->cmds = sl_xrealloc(src->cmds,
		    src->capcmds * sizeof(*src->cmds));
	}
	sl_buf_reserve(&src->text, bytes);
}

void
report_spill_close(struct sl_report *rep)
{
	if (rep->spill_fd >= 0)
		close(rep->spill_fd);
	rep->spill_fd = -1;
}

void
report_cmdset_init(struct rcmdset *set)
{
	memset(set, 0, sizeof(*set));
	sl_buf_init(&set->text);
}

void
report_cmdset_free(struct rcmdset *set)
{
	free(set->cmds);
	sl_buf_free(&set->text);
}

static void
set_add(struct rcmdset *set, const struct rcmd *c, const char *text)
{
	struct rcmd *d;

	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->cmds = sl_xrealloc(set->cmds, set->cap * sizeof(*d));
	}
	d = &set->cmds[set->n++];
	*d = *c;
	d->off = set->text.len;
	sl_buf_add(&set->text, text, c->len);
}

/* The commands of one block read back, into set.  -1 when damaged. */
static int
read_block(struct rcmdset *set, const char *p, size_t n)
{
	struct rcmd c;
	int64_t ms;
	uint32_t u[3];

	while (n > 0) {
		if (n < CMD_HEAD)
			return -1;
		memcpy(&ms, p, sizeof(ms));
		memcpy(u, p + sizeof(ms), sizeof(u));
		p += CMD_HEAD;
		n -= CMD_HEAD;
		if (u[2] > n)
			return -1;
		memset(&c, 0, sizeof(c));
		c.ms = ms;
		c.flags = u[0];
		c.cont_head = (int)u[1];
		c.len = u[2];
		set_add(set, &c, p);
		p += u[2];
		n -= u[2];
	}
	return 0;
}

/* Spill block i of src, appended to set.  -1 when it cannot be read. */
static int
read_spill(const struct sl_report *rep, const struct rsrc *src, size_t i,
    struct rcmdset *set, struct sl_buf *b)
{
	sl_buf_reset(b);
	sl_buf_reserve(b, src->spills[i].len);
	if (sl_pread_all(rep->spill_fd, b->buf, src->spills[i].len,
	    src->spills[i].off) != 0 ||
	    read_block(set, b->buf, src->spills[i].len) < 0)
		return -1;
	return 0;
}

/*
 * Part `part` of src's commands into set (emptied first): parts
 * 0..nspills-1 are its spill blocks, part nspills the commands still in
 * memory.  A block holds what passed the budget at most, so a reader
 * going part by part holds a budget's worth, whatever the source holds.
 */
int
report_src_cmds_part(const struct sl_report *rep, const struct rsrc *src,
    size_t part, struct rcmdset *set)
{
	struct sl_buf b;
	size_t i;
	int rc;

	set->n = 0;
	sl_buf_reset(&set->text);
	if (part > src->nspills)
		return 0;
	if (part == src->nspills) {
		for (i = 0; i < src->ncmds; i++)
			set_add(set, &src->cmds[i],
			    src->text.buf + src->cmds[i].off);
		return 1;
	}
	sl_buf_init(&b);
	rc = read_spill(rep, src, part, set, &b);
	sl_buf_free(&b);
	return rc < 0 ? -1 : 1;
}

int
report_src_cmds(const struct sl_report *rep, const struct rsrc *src,
    struct rcmdset *set)
{
	struct sl_buf b;
	size_t i;
	int rc = 0;

	set->n = 0;
	sl_buf_reset(&set->text);
	sl_buf_init(&b);
	for (i = 0; i < src->nspills && rc == 0; i++)
		rc = read_spill(rep, src, i, set, &b);
	sl_buf_free(&b);
	for (i = 0; i < src->ncmds; i++)
		set_add(set, &src->cmds[i], src->text.buf + src->cmds[i].off);
	return rc;
}
