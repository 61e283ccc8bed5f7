/*
 * ts-core.c: the typescript parser, pushed one line piece at a time (see
 * ts-core.h).  The `typescript` reader (typescript.c) feeds it a file,
 * the CloudWatch readers the rejoined events of a non-streamed upload.
 *
 *	Script started on 2024-05-01 12:30:00+00:00 [COMMAND="cat /var/lib/
 *	  amazon/ssm/i-0abc.../session/orchestration/alice-0a1b.../Standard_
 *	  Stream/ipcTempFile.log" <not executed on terminal>]
 *	ESC[?2004hsh-5.2$ \rESC[Ksh-5.2$ id\r\r\n
 *	...
 *	\nScript done on 2024-05-01 12:30:00+00:00 [COMMAND_EXIT_CODE="0"]\n
 *
 * Header variants: util-linux >= 2.35 (ISO, brackets), Amazon Linux 2
 * (ISO "+0000", no brackets), older util-linux and BSD (%c / ctime, BSD
 * with a "Command:" line).  Header and trailer times are when the log was
 * generated, at session end: they become `end`, never `start`.
 *
 * Pre-2020 agents ran a hidden shell under screen: the log starts with
 * its prompt, the typed `ssm-session-logger ... false` command and the
 * logger's seelog messages, and ends with the hidden shell's `exit`s.
 * Those are not the user's session and are dropped (counted as skipped).
 *
 * What a line is cannot be decided when it arrives: a "Script done" line
 * is the trailer only if nothing follows, and the screen-era `exit`s only
 * at the very end.  So the last candidate and (screen era) the last few
 * lines are held back; everything else goes to the renderer at once.
 * Memory: those few lines, never the transcript.
 */
#include <stdlib.h>
#include <string.h>

#include "readers/ts-core.h"

#define HEADER		"Script started on "
#define TRAILER		"Script done on "
#define TRAILER_MAX	4096	/* longer lines are not a trailer */
#define HOLD_LINES	3	/* screen-era: lines held back at the end */

struct stamp {
	char *when;		/* the time text as written */
	char *command;		/* COMMAND="..." */
	char *exit_code;	/* COMMAND_EXIT_CODE="..." */
	char *message;		/* [<...>] */
	char *columns, *lines;	/* TERM/COLUMNS/LINES (interactive) */
};

enum {
	S_HEAD,			/* the header line is next */
	S_HEAD_REST,		/* pieces of a very long header */
	S_CMD,			/* a BSD "Command:" line may be next */
	S_CMD_REST,
	S_BODY
};

/* Screen era: the last lines, held back (most logs never need them). */
struct held {
	struct sl_buf line[HOLD_LINES];
	long long pos[HOLD_LINES];
};

struct ts_core {
	struct sl_reader *rd;
	struct sl_tty *tty;
	char *origin;
	char *fallback;		/* sid when the header names none */
	int sid_from_name;	/* then the input's name's (ts_opts) */
	char sep;
	long long lines;	/* numbered before the renderer began */
	int state;
	char *sid, *target, *logger_target, *principal;
	struct stamp head, tail;
	long long first_pos;	/* position of the header line */
	long long body_line;	/* first body line when counting */
	int screen_era;
	int preamble;		/* 0 done, 1 before the logger, 2 seelog */
	int preamble_rows;	/* rows dropped while waiting for the end */
	struct sl_buf pre;	/* the rows of the part at hand, squeezed */
	struct held *held;	/* made at the first line held: screen era */
	int nheld;
	struct sl_buf cand;	/* a "Script done" line, maybe the trailer */
	long long cand_pos;
	int in_piece;
	int pending_lf;
	size_t last_len;	/* bytes of the last line fed, LF excluded */
	long long raw_line;	/* input line of the next byte fed (SL_RAW) */
	struct sl_buf src;
};

static void
stamp_free(struct stamp *s)
{
	free(s->when);
	free(s->command);
	free(s->exit_code);
	free(s->message);
	free(s->columns);
	free(s->lines);
	memset(s, 0, sizeof(*s));
}

/*
 * KEY="value" inside the bracket part; the value may not hold '"'.  The
 * first KEY=" at the start or after '[' or ' ' counts, even inside
 * another value.  Found from each '=' rather than by searching for the
 * key: every file's two stamps are read for four keys each, and a '='
 * is rare there.  The keys have no border (no proper prefix that is
 * also a suffix), so each occurrence ends at its own '=' and the first
 * match is the one a search for the key finds.
 */
static char *
bracket_value(const char *s, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *end = s + n, *eq = s, *p, *q;

	while ((eq = memchr(eq, '=', (size_t)(end - eq))) != NULL) {
		if ((size_t)(eq - s) >= kl && eq + 1 < end && eq[1] == '"') {
			p = eq - kl;
			if (memcmp(p, key, kl) == 0 &&
			    (p == s || p[-1] == '[' || p[-1] == ' ')) {
				p = eq + 2;
				q = memchr(p, '"', (size_t)(end - p));
				if (q == NULL)
					return NULL;
				return sl_xstrndup(p, (size_t)(q - p));
			}
		}
		eq++;
	}
	return NULL;
}

/*
 * The first of needle's len bytes in s, found from each of its byte at
 * (a rare one) with the vectorised memchr: glibc's memmem costs about a
 * cycle a byte, and every file is searched for the logger this way.
 */
static const char *
find_by(const char *s, size_t n, const char *needle, size_t len, size_t at)
{
	const char *end = s + n, *c = s + at;

	if (n < len)
		return NULL;
	while ((c = memchr(c, needle[at], (size_t)(end - c))) != NULL) {
		if ((size_t)(end - c) < len - at)
			return NULL;
		if (memcmp(c - at, needle, len) == 0)
			return c - at;
		c++;
	}
	return NULL;
}

/* Parse the rest of a "Script started/done on " line. */
static void
parse_stamp(const char *s, size_t n, struct stamp *st)
{
	const char *br;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	br = find_by(s, n, " [", 2, 1);
	st->when = sl_xstrndup(s, br != NULL ? (size_t)(br - s) : n);
	if (br == NULL)
		return;
	br += 1;
	n -= (size_t)(br - s);
	if (n >= 3 && br[1] == '<') {
		const char *e = memchr(br, '>', n);

		if (e != NULL)
			st->message = sl_xstrndup(br + 2, (size_t)(e - br - 2));
	}
	st->command = bracket_value(br, n, "COMMAND");
	st->exit_code = bracket_value(br, n, "COMMAND_EXIT_CODE");
	st->columns = bracket_value(br, n, "COLUMNS");
	st->lines = bracket_value(br, n, "LINES");
}

static const char *
src_of(struct ts_core *ts, long long pos)
{
	sl_buf_reset(&ts->src);
	sl_buf_adds(&ts->src, ts->rd->name);
	sl_buf_addc(&ts->src, ts->sep);
	sl_buf_add_int(&ts->src, pos);
	return ts->src.buf;
}

/* ------------------------------------------------------- session record */

struct sessrec {
	struct sl_record r;
	struct sl_kv kv[6];
	char end[25];
};

static void
sess_init(struct sessrec *s, struct ts_core *ts, long long pos)
{
	sl_record_init(&s->r, SL_SESSION, ts->sid, src_of(ts, pos));
	s->r.src_line = ts->sep == ':' ? pos : 0;
	s->r.extra = s->kv;
	s->r.f[SL_F_ORIGIN] = ts->origin;
}

static void
sess_kv(struct sessrec *s, const char *k, const char *v)
{
	if (v != NULL && s->r.nextra < sizeof(s->kv) / sizeof(s->kv[0])) {
		s->kv[s->r.nextra].key = k;
		s->kv[s->r.nextra].val = v;
		s->r.nextra++;
	}
}

/* A locale date that says its zone is UTC ("... 08:01:40 AM UTC"). */
static int
names_utc(const char *when)
{
	size_t n = strlen(when);

	return n > 4 && (strcmp(when + n - 4, " UTC") == 0 ||
	    strcmp(when + n - 4, " GMT") == 0);
}

/* The time of a stamp as `end`, or as `end_local` when it has no zone. */
static void
sess_end(struct sessrec *s, struct ts_core *ts, const struct stamp *st,
    const char *how)
{
	long long ms;

	if (st->when == NULL)
		return;
	if (sl_time_rfc3339(st->when, strlen(st->when), &ms) == 0 ||
	    (names_utc(st->when) && sl_time_local(st->when, "UTC", &ms) == 0) ||
	    (ts->rd->opts->tz != NULL &&
	    sl_time_local(st->when, ts->rd->opts->tz, &ms) == 0)) {
		sl_time_format(ms, s->end);
		s->r.f[SL_F_END] = s->end;
		s->r.f[SL_F_END_SRC] = how;
	}
	if (s->r.f[SL_F_END] == NULL ||
	    sl_time_rfc3339(st->when, strlen(st->when), &ms) != 0)
		s->r.f[SL_F_END_LOCAL] = st->when;
}

/* ------------------------------------------------- screen-era preamble */

/*
 * The typed logger command wraps at the hidden terminal's width, at
 * points that depend on the lengths of the instance and session ids:
 * readline's " \r" (one row when the width is plain, CR-overwritten
 * rows when an invisible prompt made readline count wrong) or, in logs
 * that lost their CRs, separate rows.  Its rows are matched joined and
 * without spaces, so that no wrap point can hide its end.  The seelog
 * messages that follow may wrap too: a row that goes on with one of
 * them goes with it.
 */
#define LOGGER_END	"ipcTempFile.logfalse"
#define LOGGER_ROWS_MAX	8	/* a 96-character id still fits in 4 */
#define PRE_MAX		512

static const char *const seelog_messages[] = {
	("Erroroccurredfetchingtheseelogconfigfilepath:open/etc/amazon/ssm/"
	    "seelog.xml:nosuchfileordirectory"),	/* one message */
	"Initializingnewseeloglogger",
	"NewSeelogLoggerCreationComplete",
};

/* Add row text to b without spaces, keeping b within PRE_MAX. */
static void
add_squeezed(struct sl_buf *b, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && b->len < PRE_MAX; i++)
		if (p[i] != ' ')
			sl_buf_addc(b, p[i]);
}

/* "2018-08-20 14:02:21 INFO ": the length of a seelog stamp and level. */
static size_t
seelog_stamp(const char *p, size_t n)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd ";
	size_t i;

	if (n < sizeof(shape) - 1)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? p[i] < '0' || p[i] > '9' : p[i] != shape[i])
			return 0;
	while (i < n && p[i] >= 'A' && p[i] <= 'Z')
		i++;
	return i < n && p[i] == ' ' && i > sizeof(shape) - 1 ? i + 1 : 0;
}

/* Is b (squeezed) the start of a known seelog message? */
static int
seelog_prefix(const struct sl_buf *b)
{
	size_t i;

	for (i = 0; i < sizeof(seelog_messages) / sizeof(*seelog_messages);
	    i++)
		if (b->len <= strlen(seelog_messages[i]) &&
		    memcmp(seelog_messages[i], b->buf, b->len) == 0)
			return 1;
	return 0;
}

/* One row of the seelog part: a message, or the rest of a wrapped one. */
static int
seelog_row(struct ts_core *ts, const struct sl_row *row)
{
	size_t k = seelog_stamp(row->text, row->len);

	if (k > 0) {
		sl_buf_reset(&ts->pre);
		add_squeezed(&ts->pre, row->text + k, row->len - k);
		return 1;
	}
	if (row->len >= 5 && memmem(row->text, row->len, "eelog", 5) != NULL)
		return 1;
	if (ts->pre.len == 0)
		return 0;
	add_squeezed(&ts->pre, row->text, row->len);
	return seelog_prefix(&ts->pre);
}

/* Does this row end the typed logger command? */
static int
logger_end(struct ts_core *ts, const struct sl_row *row)
{
	struct sl_buf one;
	int end;

	add_squeezed(&ts->pre, row->text, row->len);
	if (ts->pre.len > 0 && memmem(ts->pre.buf, ts->pre.len, LOGGER_END,
	    strlen(LOGGER_END)) != NULL)
		return 1;
	/* CR-overwritten: the end drawn over the start of the row. */
	sl_buf_init(&one);
	add_squeezed(&one, row->text, row->len);
	end = one.len > 0 && memmem(one.buf, one.len, ".logfalse", 9) != NULL;
	sl_buf_free(&one);
	return end || (row->len >= 6 &&
	    memcmp(row->text + row->len - 6, " false", 6) == 0);
}

static int
screen_filter(void *arg, const struct sl_row *row)
{
	struct ts_core *ts = arg;

	switch (ts->preamble) {
	case 1:		/* up to the end of the typed logger command */
		if (seelog_stamp(row->text, row->len) > 0) {
			ts->preamble = 2;	/* its end was lost */
			return !seelog_row(ts, row);
		}
		if (logger_end(ts, row) ||
		    ++ts->preamble_rows >= LOGGER_ROWS_MAX) {
			ts->preamble = 2;
			sl_buf_reset(&ts->pre);
		}
		return 0;
	case 2:		/* the logger's own seelog messages */
		if (seelog_row(ts, row))
			return 0;
		ts->preamble = 0;
		return 1;
	default:
		return 1;
	}
}

/* A raw line without CRs and escape sequences, for matching. */
static size_t
plain(const char *p, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	for (i = 0; i < n && o < cap; i++) {
		if (p[i] == '\x1b') {
			/* Skip CSI and two-byte escapes. */
			if (i + 1 < n && p[i + 1] == '[') {
				for (i += 2; i < n && !(p[i] >= 0x40 &&
				    p[i] <= 0x7e); i++)
					;
			} else
				i++;
			continue;
		}
		if (p[i] == '\r' || p[i] == '\n')
			continue;
		out[o++] = p[i];
	}
	return o;
}

/*
 * At the end of a screen-era body: drop the hidden shell's own "# exit"
 * and the "exit" it echoes (blank lines around them too), all held back
 * for this moment.
 */
static void
drop_hidden_exit(struct ts_core *ts)
{
	char a[TRAILER_MAX];
	size_t la;
	int k = ts->nheld, want = 0;

	while (k > 0) {
		la = plain(ts->held->line[k - 1].buf, ts->held->line[k - 1].len, a,
		    sizeof(a));
		if (la == 0 && want == 0) {
			k--;
			continue;
		}
		if (want == 0 && la == 4 && memcmp(a, "exit", 4) == 0)
			want = 1;
		else if (want == 1 && la >= 6 &&
		    memcmp(a + la - 6, "# exit", 6) == 0)
			want = 2;
		else
			return;
		k--;
		if (want == 2)
			break;
	}
	if (want == 2) {
		sl_count_skipped(ts->rd, ts->nheld - k);
		ts->nheld = k;
	}
}

/* ------------------------------------------------------------- the body */

/*
 * Feed one body line; its LF waits until we know a trailer is not next.
 * pos > 0: the line's position for src, set after that LF.  Inlined:
 * it runs once per line.
 */
static inline __attribute__((always_inline)) void
feed_line(struct ts_core *ts, const char *p, size_t n, long long pos)
{
	size_t len = n > 0 && p[n - 1] == '\n' ? n - 1 : n;
	/* Asked here (sl_reader_wants), once: raw records are seldom
	 * wanted, and this saves two calls a line. */
	int raw = (ts->rd->want & SL_WANT_RAW) != 0;

	if (ts->pending_lf) {
		if (raw)
			sl_emit_raw(ts->rd, ts->sid, ts->raw_line, "\n", 1);
		ts->raw_line++;
		sl_tty_feed(ts->tty, "\n", 1);
		ts->pending_lf = 0;
	}
	if (pos > 0) {
		ts->raw_line = pos;
		sl_tty_set_line(ts->tty, pos);
	}
	if (raw)
		sl_emit_raw(ts->rd, ts->sid, ts->raw_line, p, len);
	sl_tty_feed(ts->tty, p, len);
	ts->pending_lf = len < n;
	ts->last_len = len;
}

static void
release_held(struct ts_core *ts)
{
	int i;

	for (i = 0; i < ts->nheld; i++)
		feed_line(ts, ts->held->line[i].buf, ts->held->line[i].len,
		    ts->held->pos[i]);
	ts->nheld = 0;
}

/* Screen era: keep the last lines back; older ones go to the renderer. */
static void
hold_line(struct ts_core *ts, const char *p, size_t n, long long pos)
{
	struct held *h;

	if (ts->held == NULL)
		ts->held = sl_xcalloc(1, sizeof(*ts->held));	/* bufs empty */
	h = ts->held;
	if (ts->nheld == HOLD_LINES) {
		struct sl_buf tmp = h->line[0];

		feed_line(ts, h->line[0].buf, h->line[0].len, h->pos[0]);
		memmove(&h->line[0], &h->line[1],
		    (HOLD_LINES - 1) * sizeof(h->line[0]));
		memmove(&h->pos[0], &h->pos[1],
		    (HOLD_LINES - 1) * sizeof(h->pos[0]));
		h->line[HOLD_LINES - 1] = tmp;
		ts->nheld--;
	}
	sl_buf_reset(&h->line[ts->nheld]);
	sl_buf_add(&h->line[ts->nheld], p, n);
	h->pos[ts->nheld] = pos;
	ts->nheld++;
}

/* ---------------------------------------------------------- the parser */

struct ts_core *
ts_core_new(struct sl_reader *rd, const struct ts_opts *o)
{
	struct ts_core *ts = sl_xcalloc(1, sizeof(*ts));
	const unsigned char *lg;

	ts->rd = rd;
	ts->origin = sl_xstrdup(o->origin);
	ts->fallback = o->sid != NULL ? sl_xstrdup(o->sid) : NULL;
	ts->sid_from_name = o->sid_from_name;
	ts->sep = o->sep != '\0' ? o->sep : ':';
	ts->body_line = 2;
	sl_buf_init(&ts->cand);
	sl_buf_init(&ts->src);
	if (o->peek != NULL && (lg = (const unsigned char *)find_by(
	    (const char *)o->peek, o->npeek, "ssm-session-logger", 18,
	    14)) != NULL) {
		/* The typed logger command names the node's folder. */
		char *cmd = sl_xstrndup((const char *)lg, SL_MIN(512,
		    o->npeek - (size_t)(lg - o->peek)));

		ts->logger_target = sl_target_from_path(cmd);
		free(cmd);
		ts->screen_era = 1;
		ts->preamble = 1;
	}
	return ts;
}

/* Header read: the session is known; say so and start rendering. */
static void
setup(struct ts_core *ts)
{
	struct sessrec s;

	/* The session: data first (the agent path), then the fallback. */
	if (ts->head.command != NULL)
		ts->sid = sl_session_from_path(ts->head.command);
	if (ts->sid == NULL && ts->fallback != NULL)
		ts->sid = sl_xstrdup(ts->fallback);
	if (ts->sid == NULL && ts->fallback == NULL && ts->sid_from_name)
		ts->sid = sl_session_from_name(ts->rd->name);
	if (ts->head.command != NULL)
		ts->target = sl_target_from_path(ts->head.command);
	if (ts->target == NULL && ts->logger_target != NULL) {
		ts->target = ts->logger_target;
		ts->logger_target = NULL;
	}
	ts->principal = sl_session_principal(ts->sid);

	sess_init(&s, ts, ts->first_pos);
	s.r.f[SL_F_PRINCIPAL] = ts->principal;
	s.r.f[SL_F_TARGET] = ts->target;
	sess_kv(&s, "command", ts->head.command);
	sess_kv(&s, "columns", ts->head.columns);
	sess_kv(&s, "lines", ts->head.lines);
	sl_emit(ts->rd, &s.r);

	ts->tty = sl_tty_new(ts->rd, ts->sid, SL_TTY_LINUX);
	if (ts->sep != ':')
		sl_tty_set_sep(ts->tty, ts->sep);
	sl_tty_set_lines(ts->tty, ts->lines);
	if (ts->screen_era)
		sl_tty_set_filter(ts->tty, screen_filter, ts);
	sl_tty_set_line(ts->tty, ts->body_line);
	ts->raw_line = ts->body_line;
	ts->state = S_BODY;
}

static void
body(struct ts_core *ts, const char *p, size_t n, int more, long long pos)
{
	if (!ts->in_piece)
		sl_count_units(ts->rd, 1);
	if (ts->cand.len > 0) {
		/* The candidate was not last: it was session text. */
		if (ts->screen_era)
			hold_line(ts, ts->cand.buf, ts->cand.len, ts->cand_pos);
		else
			feed_line(ts, ts->cand.buf, ts->cand.len, ts->cand_pos);
		sl_buf_reset(&ts->cand);
	}
	if (!ts->in_piece && !more && n < TRAILER_MAX && sl_starts(p, n,
	    TRAILER)) {
		sl_buf_add(&ts->cand, p, n);
		ts->cand_pos = pos;
		return;
	}
	if (ts->screen_era && !more && !ts->in_piece && n < TRAILER_MAX)
		hold_line(ts, p, n, pos);
	else {
		if (ts->nheld > 0)	/* a call saved per line */
			release_held(ts);
		/* Only a line's first piece moves the position. */
		feed_line(ts, p, n, ts->in_piece ? 0 : pos);
	}
	ts->in_piece = more;
}

void
ts_core_line(struct ts_core *ts, const char *p, size_t n, int more,
    long long pos)
{
	switch (ts->state) {
	case S_HEAD:
		ts->first_pos = pos > 0 ? pos : 1;
		if (!sl_starts(p, n, HEADER)) {
			/*
			 * No header (forced, or an upload whose first event
			 * is missing): the first line is session text.
			 */
			ts->body_line = ts->first_pos;
			setup(ts);
			break;
		}
		sl_count_units(ts->rd, 1);
		sl_count_merged(ts->rd, 1);
		if (sl_starts(p, n, HEADER) && !more)
			parse_stamp(p + strlen(HEADER), n - strlen(HEADER),
			    &ts->head);
		ts->state = more ? S_HEAD_REST : S_CMD;
		return;
	case S_HEAD_REST:
		if (!more)
			ts->state = S_CMD;
		return;
	case S_CMD:
		/* A BSD header names the command on the next line. */
		if (sl_starts(p, n, "Command: ")) {
			sl_count_units(ts->rd, 1);
			sl_count_merged(ts->rd, 1);
			if (ts->head.command == NULL && !more)
				ts->head.command = sl_xstrndup(p + 9, n - 9 -
				    (p[n - 1] == '\n'));
			ts->body_line = 3;
			if (more)
				ts->state = S_CMD_REST;
			else
				setup(ts);
			return;
		}
		setup(ts);
		break;
	case S_CMD_REST:
		if (!more)
			setup(ts);
		return;
	}
	body(ts, p, n, more, pos);
}

int
ts_core_end(struct ts_core *ts, int whole, long long last)
{
	struct sl_reader *rd = ts->rd;
	struct sessrec s;
	int have_trailer = 0, rc;

	if (ts->state == S_HEAD)	/* not a line: where it would be */
		ts->first_pos = last > 0 ? last : 1;
	if (ts->state != S_BODY)
		setup(ts);
	if (ts->cand.len > 0) {
		have_trailer = 1;
		parse_stamp(ts->cand.buf + strlen(TRAILER), ts->cand.len -
		    strlen(TRAILER), &ts->tail);
		sl_count_merged(rd, 1);
		/* The LF before "Script done" is the trailer's own. */
		if (ts->nheld > 0) {
			struct sl_buf *h = &ts->held->line[ts->nheld - 1];

			if (h->len > 0 && h->buf[h->len - 1] == '\n')
				h->len--;
			if (h->len == 0) {	/* nothing left of that line */
				ts->nheld--;
				sl_count_merged(rd, 1);
			}
		} else if (ts->pending_lf) {
			ts->pending_lf = 0;
			if (ts->last_len == 0)
				sl_count_merged(rd, 1);
		}
		if (ts->screen_era)
			drop_hidden_exit(ts);
	}
	release_held(ts);
	/*
	 * Still pending: the last LF without a trailer, or (held lines all
	 * dropped) the one ending the line before them.
	 */
	if (ts->pending_lf) {
		sl_emit_raw(rd, ts->sid, ts->raw_line, "\n", 1);
		sl_tty_feed(ts->tty, "\n", 1);
		ts->pending_lf = 0;
	}
	sl_tty_finish(ts->tty);

	/* What is known at the end: when, where, and whether it is whole. */
	if (last <= 0)
		last = ts->first_pos;
	sess_init(&s, ts, last);
	s.r.f[SL_F_PRINCIPAL] = ts->principal;
	s.r.f[SL_F_TARGET] = ts->target;
	s.r.f[SL_F_HOST] = sl_tty_host(ts->tty);
	if (have_trailer) {
		sess_end(&s, ts, &ts->tail, "typescript-trailer");
		sess_kv(&s, "exit_code", ts->tail.exit_code);
		sess_kv(&s, "script_message", ts->tail.message);
	} else
		sess_end(&s, ts, &ts->head, "typescript-header");
	if (sl_tty_status(ts->tty) != SL_STOP)
		sl_emit(rd, &s.r);
	if (!have_trailer && whole && sl_tty_status(ts->tty) != SL_STOP)
		sl_emit_note(rd, ts->sid, src_of(ts, last), SL_NOTE_TRUNCATED,
		    -1, "no \"Script done\" trailer: the log stops early");
	rc = sl_tty_status(ts->tty) == SL_STOP ? SL_STOP : SL_OK;
	return rc;
}

int
ts_core_read(struct sl_reader *rd, const char *origin, int cut_whole)
{
	struct ts_opts o;
	struct ts_core *ts;
	const char *p;
	size_t n;
	int more, rc;

	memset(&o, 0, sizeof(o));
	o.origin = origin;
	o.npeek = sl_in_peek(rd->in, &o.peek, SL_PEEK);
	o.sep = ':';
	/* The header's agent path comes first, then --session, the name. */
	o.sid = rd->opts->session;
	o.sid_from_name = 1;
	ts = ts_core_new(rd, &o);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0)
		ts_core_line(ts, p, n, more, 0);
	/* A refused bomb is a rejection (run.c), not a log cut short. */
	if (sl_in_refused(rd->in))
		cut_whole = 0;
	if (ts_core_end(ts, cut_whole || rc == 0, sl_in_lineno(rd->in)) ==
	    SL_STOP)
		rc = SL_STOP;
	else
		rc = rc < 0 ? SL_REJECT : SL_OK;
	/* The next input's transcript renders with this one's storage. */
	sl_tty_park(ts->tty);
	ts->tty = NULL;
	ts_core_free(ts);
	return rc;
}

long long
ts_core_lines(const struct ts_core *ts)
{
	return ts->tty != NULL ? sl_tty_lines(ts->tty) : ts->lines;
}

void
ts_core_set_lines(struct ts_core *ts, long long n)
{
	ts->lines = n;
	if (ts->tty != NULL)
		sl_tty_set_lines(ts->tty, n);
}

void
ts_core_free(struct ts_core *ts)
{
	int i;

	if (ts == NULL)
		return;
	sl_tty_free(ts->tty);
	stamp_free(&ts->head);
	stamp_free(&ts->tail);
	for (i = 0; ts->held != NULL && i < HOLD_LINES; i++)
		sl_buf_free(&ts->held->line[i]);
	free(ts->held);
	sl_buf_free(&ts->cand);
	sl_buf_free(&ts->src);
	sl_buf_free(&ts->pre);
	free(ts->origin);
	free(ts->fallback);
	free(ts->sid);
	free(ts->target);
	free(ts->logger_target);
	free(ts->principal);
	free(ts);
}
