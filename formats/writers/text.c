/*
 * w_text: the clean transcript, what the user saw:
 *
 *	=== session jdoe-0f3a9c2e71b4d8a65
 *	    target: i-07d2c4e9a1b3f5068
 *	    host:   ip-10-20-3-14
 *	    end:    2024-05-02T09:14:07.000Z (typescript-trailer)
 *	sh-5.2$ bash
 *	...
 *	--- full-screen: full-screen program (vim): 41 input lines not shown
 *	...
 *	=== end of session jdoe-0f3a9c2e71b4d8a65: 85 lines, 15 commands
 *
 * Each session is one block, even when its records come interleaved with
 * others' (CloudWatch exports, several inputs of one session): the
 * driver spools sessions (bounded memory) and hands them over whole, so
 * the header already knows what the log tells only at its end.  The
 * footer still names any fact that differs from the header.  Sessions
 * without a line (metadata alone) are left out unless --all-sessions.
 * --bare writes the lines alone.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/writer.h"

/* The facts shown, in order. */
static const struct {
	const char *label;
	enum sl_field f, src, local;
} facts[] = {
	{ "owner", SL_F_OWNER, SL_F_COUNT, SL_F_COUNT },
	{ "target", SL_F_TARGET, SL_F_COUNT, SL_F_COUNT },
	{ "host", SL_F_HOST, SL_F_COUNT, SL_F_COUNT },
	{ "run as", SL_F_RUN_AS, SL_F_COUNT, SL_F_COUNT },
	{ "start", SL_F_START, SL_F_START_SRC, SL_F_START_LOCAL },
	{ "end", SL_F_END, SL_F_END_SRC, SL_F_END_LOCAL },
};
#define NFACTS	(sizeof(facts) / sizeof(facts[0]))

struct text {
	struct sl_buf b, v;
	char *shown[NFACTS];	/* values in this session's header */
};

/* A fact as shown: "value (src)", or a local time said to be one. */
static const char *
fact(struct sl_buf *v, const struct sl_session *info, size_t i)
{
	const char *val = info->f[facts[i].f];

	sl_buf_reset(v);
	if (val != NULL) {
		sl_w_clean(v, val, strlen(val));
		if (facts[i].src != SL_F_COUNT &&
		    info->f[facts[i].src] != NULL) {
			sl_buf_adds(v, " (");
			sl_w_clean(v, info->f[facts[i].src],
			    strlen(info->f[facts[i].src]));
			sl_buf_addc(v, ')');
		}
		return v->buf;
	}
	if (facts[i].local != SL_F_COUNT &&
	    (val = info->f[facts[i].local]) != NULL) {
		sl_w_clean(v, val, strlen(val));
		sl_buf_adds(v, " (local time, zone unknown)");
		return v->buf;
	}
	return NULL;
}

static void
fact_line(struct sl_buf *b, size_t i, const char *val)
{
	size_t pad = 7 - strlen(facts[i].label);

	sl_buf_adds(b, "    ");
	sl_buf_adds(b, facts[i].label);
	sl_buf_addc(b, ':');
	while (pad-- > 0)
		sl_buf_addc(b, ' ');
	sl_buf_adds(b, val);
	sl_buf_addc(b, '\n');
}

static void
session_name(struct sl_buf *b, const struct sl_wsess *s)
{
	if (s->id != NULL)
		sl_w_clean(b, s->id, strlen(s->id));
	else
		sl_buf_adds(b, "(unknown)");
}

static int
text_begin(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct text *st = f->state;
	const char *val;
	size_t i;

	if (f->opt->bare)
		return SL_OK;
	sl_buf_reset(&st->b);
	sl_buf_adds(&st->b, "=== session ");
	session_name(&st->b, s);
	sl_buf_addc(&st->b, '\n');
	for (i = 0; i < NFACTS; i++) {
		free(st->shown[i]);
		st->shown[i] = NULL;
		if ((val = fact(&st->v, s->info, i)) != NULL) {
			fact_line(&st->b, i, val);
			st->shown[i] = sl_xstrdup(val);
		}
	}
	return sl_w_buf(f, &st->b);
}

static int
text_put(struct sl_wfile *f, const struct sl_wsess *s,
    const struct sl_record *r)
{
	struct text *st = f->state;

	SL_UNUSED(s);
	sl_buf_reset(&st->b);
	switch (r->type) {
	case SL_LINE:
		sl_w_clean(&st->b, r->text, r->len);
		sl_buf_addc(&st->b, '\n');
		break;
	case SL_NOTE:
		if (f->opt->bare)
			return SL_OK;
		sl_buf_adds(&st->b, "--- ");
		if (r->code != NULL) {
			sl_w_clean(&st->b, r->code, strlen(r->code));
			sl_buf_adds(&st->b, ": ");
		}
		if (r->text != NULL)
			sl_w_clean(&st->b, r->text, r->len);
		sl_buf_addc(&st->b, '\n');
		break;
	default:
		return SL_OK;
	}
	return sl_w_buf(f, &st->b);
}

static int
text_end(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct text *st = f->state;
	long long lines = s->sum->lines, cmds = s->sum->commands;
	const char *val;
	size_t i;

	if (f->opt->bare)
		return SL_OK;
	sl_buf_reset(&st->b);
	sl_buf_adds(&st->b, "=== end of session ");
	session_name(&st->b, s);
	/* The counts are the driver's: the records may have gone to put()
	 * as they came, in another file (SL_W_BODY). */
	sl_buf_printf(&st->b, ": %lld line%s, %lld command%s\n", lines,
	    lines == 1 ? "" : "s", cmds, cmds == 1 ? "" : "s");
	/* What became known, or changed, since the header. */
	for (i = 0; i < NFACTS; i++) {
		val = fact(&st->v, s->info, i);
		if (val != NULL && (st->shown[i] == NULL ||
		    strcmp(st->shown[i], val) != 0))
			fact_line(&st->b, i, val);
		free(st->shown[i]);
		st->shown[i] = NULL;
	}
	return sl_w_buf(f, &st->b);
}

/* A blank line between two sessions' blocks; --bare runs the lines on. */
static int
text_gap(struct sl_wfile *f)
{
	return f->opt->bare ? SL_OK : sl_w_str(f, "\n");
}

static int
text_close(struct sl_wfile *f)
{
	struct text *st = f->state;
	size_t i;

	for (i = 0; i < NFACTS; i++)
		free(st->shown[i]);
	sl_buf_free(&st->b);
	sl_buf_free(&st->v);
	return SL_OK;
}

const struct sl_writer sl_writer_text = {
	"text",
	"the clean transcript, with a short header per session",
	".txt",
	0,
	SL_W_WHOLE | SL_W_LINES | SL_W_PIECE | SL_W_BODY,
	sizeof(struct text),
	NULL,
	text_begin,
	text_put,
	text_end,
	NULL,
	text_close,
	text_gap,
};
