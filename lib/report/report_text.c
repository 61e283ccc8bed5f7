/*
 * report_text.c: -t text, aligned tables for a terminal.  Widths are
 * display columns (utf8proc), so CJK names and emoji line up; cells are
 * capped and cut with an ellipsis.  Control characters from the logs
 * never reach the terminal: they are shown as '?'.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "report/report.h"

#define CELL_MAX	44	/* display columns of one cell */
#define NCOL_MAX	10
#define TARGET_MAX	96	/* a target with where it forwarded to */
#define CMD_MAX		2000	/* columns of a command: all of it, nearly */

struct table {
	const char *title[NCOL_MAX];
	int right[NCOL_MAX];
	int max[NCOL_MAX];	/* columns a cell is cut at */
	int ncol;
	char **cells;		/* rows * ncol, sanitised and cut */
	size_t rows, cap;
	int width[NCOL_MAX];
	char **heads;		/* a group heading before row i, or NULL */
};

/* s made safe for a terminal and cut to max columns; *w its width. */
static char *
cell_max(const char *s, size_t n, int *w, int max)
{
	struct sl_buf b;
	size_t i = 0, k, cut = (size_t)-1;
	int width = 0, cutw = 0, cw;
	uint32_t cp;

	sl_buf_init(&b);
	while (i < n) {
		k = sl_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			k = n - i, cp = 0xfffd;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			cp = '?';
		cw = utf8proc_charwidth((utf8proc_int32_t)cp);
		if (cw < 0)
			cw = 1;
		if (width + cw > max - 1 && cut == (size_t)-1) {
			cut = b.len;	/* where an ellipsis would go */
			cutw = width;
		}
		if (width + cw > max) {
			b.len = cut;
			b.buf[b.len] = '\0';
			sl_buf_adds(&b, "\xe2\x80\xa6");
			width = cutw + 1;
			break;
		}
		{
			char out[4];

			sl_buf_add(&b, out, sl_utf8_encode(cp, out));
		}
		width += cw;
		i += k;
	}
	*w = width;
	return b.buf != NULL ? b.buf : sl_xstrdup("");
}

static char *
cell(const char *s, size_t n, int *w)
{
	return cell_max(s, n, w, CELL_MAX);
}

static void
t_init(struct table *t, const char *const *titles, const int *right, int n)
{
	int i;

	memset(t, 0, sizeof(*t));
	t->ncol = n;
	for (i = 0; i < n; i++) {
		t->title[i] = titles[i];
		t->right[i] = right[i];
		t->max[i] = CELL_MAX;
		t->width[i] = (int)strlen(titles[i]);
	}
}

/* Row v of t sanitised and cut, into cells; measure: widen the columns. */
static void
t_cells(struct table *t, const char *const *v, char **cells, int measure)
{
	int i, w;

	for (i = 0; i < t->ncol; i++) {
		const char *s = v[i] != NULL ? v[i] : "-";

		cells[i] = cell_max(s, strlen(s), &w, t->max[i]);
		if (measure && w > t->width[i])
			t->width[i] = w;
	}
}

static void
t_row(struct table *t, const char *const *v, const char *head)
{
	int w;

	if (t->rows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cells = sl_xrealloc(t->cells, t->cap * (size_t)t->ncol *
		    sizeof(*t->cells));
		t->heads = sl_xrealloc(t->heads, t->cap * sizeof(*t->heads));
	}
	t_cells(t, v, t->cells + t->rows * (size_t)t->ncol, 1);
	t->heads[t->rows] = head != NULL ? cell(head, strlen(head), &w) : NULL;
	t->rows++;
}

/* Width of a cell already cut. */
static int
width_of(const char *s)
{
	int w;
	char *c = cell_max(s, strlen(s), &w, INT_MAX);

	free(c);
	return w;
}

static void
pad(struct rw *w, int n)
{
	while (n-- > 0)
		rw_c(w, ' ');
}

static void
t_line(struct rw *w, const struct table *t, const char *const *v)
{
	int i, cw, last = t->ncol - 1;

	/* Trailing blank columns are not padded. */
	while (last > 0 && !t->right[last] && *v[last] == '\0')
		last--;
	for (i = 0; i <= last; i++) {
		cw = width_of(v[i]);
		if (i > 0)
			rw_s(w, "  ");
		if (t->right[i])
			pad(w, t->width[i] - cw);
		rw_s(w, v[i]);
		if (!t->right[i] && i < last)
			pad(w, t->width[i] - cw);
	}
	rw_c(w, '\n');
}

static void
t_print(struct rw *w, struct table *t)
{
	size_t r;
	int i;

	t_line(w, t, t->title);
	for (r = 0; r < t->rows; r++) {
		if (t->heads[r] != NULL) {
			rw_s(w, t->heads[r]);
			rw_s(w, ":\n");
		}
		t_line(w, t, (const char *const *)t->cells + r * (size_t)t->ncol);
	}
	for (r = 0; r < t->rows; r++) {
		for (i = 0; i < t->ncol; i++)
			free(t->cells[r * (size_t)t->ncol + (size_t)i]);
		free(t->heads[r]);
	}
	free(t->cells);
	free(t->heads);
}

static void
notes_cell(const struct rv_session *s, struct sl_buf *b)
{
	size_t i;

	sl_buf_reset(b);
	for (i = 0; i < s->nnotes; i++) {
		if (i > 0)
			sl_buf_adds(b, ", ");
		sl_buf_adds(b, s->notes[i].code);
		if (s->notes[i].n > 1)
			sl_buf_printf(b, "\xc3\x97%lld", s->notes[i].n);
	}
}

/* The heading of a --group-by group; users told apart by their end. */
static const char *
group_heading(const struct rv_report *v, const char *key, struct sl_buf *b)
{
	if (key == NULL)
		return "(unknown)";
	if (strcmp(v->group_by, "user") != 0)
		return key;
	report_user_label(key, CELL_MAX, b);
	return b->buf;
}

static void
sessions_table(struct rw *w, const struct rv_report *v)
{
	static const char *const titles[] = { "START (UTC)", "END (UTC)",
	    "DURATION", "USER", "TARGET", "KIND", "CMDS", "LOG", "SESSION",
	    "NOTES" };
	static const int right[] = { 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 };
	struct table t;
	struct sl_buf notes, user, group;
	size_t i;

	sl_buf_init(&notes);
	sl_buf_init(&user);
	sl_buf_init(&group);
	t_init(&t, titles, right, 10);
	t.max[4] = TARGET_MAX;
	for (i = 0; i < v->ns; i++) {
		const struct rv_session *s = &v->s[i];
		char st[25], en[25], dur[32], cmds[24];
		const char *row[10], *head = NULL;

		if (v->group_by != NULL && (i == 0 ||
		    (s->group == NULL) != (v->s[i - 1].group == NULL) ||
		    (s->group != NULL && strcmp(s->group,
		    v->s[i - 1].group) != 0)))
			head = group_heading(v, s->group, &group);
		report_human_duration(s->duration_ms == RV_NONE ? -1 :
		    s->duration_ms, dur, sizeof(dur));
		snprintf(cmds, sizeof(cmds), "%lld", s->commands);
		notes_cell(s, &notes);
		row[0] = report_short_time(s->start, st);
		row[1] = report_short_time(s->end, en);
		row[2] = dur;
		report_user_label(s->user, CELL_MAX, &user);
		row[3] = s->user != NULL ? user.buf : NULL;
		row[4] = s->target_label;
		row[5] = s->kind;
		row[6] = cmds;
		row[7] = s->transcript ? "yes" : "no";
		row[8] = s->id != NULL ? s->id : "(unknown)";
		row[9] = notes.buf != NULL ? notes.buf : "";
		t_row(&t, row, head);
	}
	t_print(w, &t);
	sl_buf_free(&notes);
	sl_buf_free(&user);
	sl_buf_free(&group);
}

/* Row r of the timeline table (cells in row, scratch in user, cmd). */
static void
timeline_row(const struct rv_session *s, const struct rv_cmd *c,
    const char **row, char *at, struct sl_buf *user, struct sl_buf *cmd)
{
	report_user_label(s->user, CELL_MAX, user);
	report_cmd_oneline(c->text, c->len, cmd);
	row[0] = report_short_time(c->time, at);
	row[1] = s->user != NULL ? user->buf : NULL;
	row[2] = s->target_label;
	row[3] = s->host;
	row[4] = s->id != NULL ? s->id : "(unknown)";
	row[5] = report_cmd_flags(c->flags);
	row[6] = cmd->buf != NULL ? cmd->buf : "";
}

/*
 * One pass of the timeline: measure the columns, else print the rows.
 * The table is not held (it would hold every command): it is read twice.
 */
static void
timeline_pass(struct rw *w, const struct rv_report *v, struct table *t,
    int measure)
{
	struct rv_timeline tl;
	const struct rv_session *s;
	const struct rv_cmd *c;
	struct sl_buf user, cmd;
	const char *row[7];
	char *cells[7], at[25];
	int i;

	sl_buf_init(&user);
	sl_buf_init(&cmd);
	report_timeline_begin(v, &tl);
	while ((c = report_timeline_next(&tl, &s)) != NULL) {
		timeline_row(s, c, row, at, &user, &cmd);
		t_cells(t, row, cells, measure);
		if (!measure)
			t_line(w, t, (const char *const *)cells);
		for (i = 0; i < t->ncol; i++)
			free(cells[i]);
	}
	report_timeline_end(&tl);
	sl_buf_free(&user);
	sl_buf_free(&cmd);
}

/* The command timeline (--commands): every command, in time order. */
static void
commands_table(struct rw *w, const struct rv_report *v)
{
	static const char *const titles[] = { "TIME (UTC)", "USER", "TARGET",
	    "HOST", "SESSION", "FLAGS", "COMMAND" };
	static const int right[] = { 0, 0, 0, 0, 0, 0, 0 };
	struct table t;

	t_init(&t, titles, right, 7);
	t.max[6] = CMD_MAX;
	timeline_pass(w, v, &t, 1);
	t_line(w, &t, t.title);
	timeline_pass(w, v, &t, 0);
}

static void
group_table(struct rw *w, const char *name, const char *dname,
    const struct rv_group *g, size_t n, int users)
{
	const char *titles[] = { name, "SESSIONS", "NO LOG", "CMDS", "TIME",
	    dname, "LAST START (UTC)" };
	static const int right[] = { 0, 1, 1, 1, 1, 1, 0 };
	struct table t;
	struct sl_buf user;
	size_t i;

	sl_buf_init(&user);
	t_init(&t, titles, right, 7);
	for (i = 0; i < n; i++) {
		char a[24], b[24], c[24], d[32], e[24], f[25];
		const char *row[7];

		snprintf(a, sizeof(a), "%lld", g[i].sessions);
		snprintf(b, sizeof(b), "%lld", g[i].sessions -
		    g[i].with_transcript);
		snprintf(c, sizeof(c), "%lld", g[i].commands);
		report_human_duration(g[i].timed > 0 ? g[i].duration_ms : -1, d,
		    sizeof(d));
		snprintf(e, sizeof(e), "%lld", g[i].distinct);
		if (users && g[i].key != NULL)
			report_user_label(g[i].key, CELL_MAX, &user);
		row[0] = g[i].key == NULL ? "(unknown)" : users ? user.buf :
		    g[i].key;
		row[1] = a;
		row[2] = b;
		row[3] = c;
		row[4] = d;
		row[5] = e;
		row[6] = report_short_time(g[i].last_start, f);
		t_row(&t, row, NULL);
	}
	t_print(w, &t);
	sl_buf_free(&user);
}

static void
say_line(struct rw *w, const char *sentence)
{
	rw_printf(w, "%s\n", sentence);
}

void
report_text(struct rw *w, const struct rv_report *v)
{
	char a[25], b[25], bytes[32];
	size_t i;
	int wd;
	char *c;

	rw_printf(w, "%lld session%s (%lld with a transcript, %lld without), "
	    "%lld user%s, %lld target%s, %lld command%s\n", v->sessions,
	    v->sessions == 1 ? "" : "s", v->with_transcript,
	    v->sessions - v->with_transcript, v->nusers,
	    v->nusers == 1 ? "" : "s", v->ntargets,
	    v->ntargets == 1 ? "" : "s", v->commands,
	    v->commands == 1 ? "" : "s");
	if (v->first_start != NULL)
		rw_printf(w, "started %s .. %s UTC\n",
		    report_short_time(v->first_start, a), report_short_time(v->last_start, b));
	report_human_bytes(v->st.bytes, bytes, sizeof(bytes));
	rw_printf(w, "read %zu input%s: %lld file%s, %s", v->ninputs,
	    v->ninputs == 1 ? "" : "s", v->st.inputs,
	    v->st.inputs == 1 ? "" : "s", bytes);
	if (v->rejected > 0)
		rw_printf(w, ", %lld unit%s rejected", v->rejected,
		    v->rejected == 1 ? "" : "s");
	if (v->duplicates > 0)
		rw_printf(w, ", %lld duplicate transcript%s", v->duplicates,
		    v->duplicates == 1 ? "" : "s");
	rw_c(w, '\n');
	if (v->since != NULL || v->until != NULL || v->user_glob != NULL ||
	    v->target_glob != NULL) {
		rw_s(w, "only");
		if (v->since != NULL)
			rw_printf(w, " since %s", report_short_time(v->since, a));
		if (v->until != NULL)
			rw_printf(w, " until %s", report_short_time(v->until, a));
		if (v->user_glob != NULL) {
			c = cell(v->user_glob, strlen(v->user_glob), &wd);
			rw_printf(w, " user %s", c);
			free(c);
		}
		if (v->target_glob != NULL) {
			c = cell(v->target_glob, strlen(v->target_glob), &wd);
			rw_printf(w, " target %s", c);
			free(c);
		}
		rw_c(w, '\n');
	}
	report_placement(w, v, say_line);
	for (i = 0; i < v->ngnotes; i++) {
		c = cell_max(v->gnotes[i].text, strlen(v->gnotes[i].text), &wd,
		    200);
		rw_printf(w, "note: %s", v->gnotes[i].code);
		if (v->gnotes[i].n > 1)
			rw_printf(w, " (%lld)", v->gnotes[i].n);
		rw_printf(w, ": %s\n", c);
		free(c);
	}
	rw_s(w, "\nSESSIONS\n");
	sessions_table(w, v);
	if (v->want_timeline) {
		rw_s(w, "\nCOMMANDS\n");
		commands_table(w, v);
	}
	rw_s(w, "\nUSERS\n");
	group_table(w, "USER", "TARGETS", v->users, v->nusers_g, 1);
	rw_s(w, "\nTARGETS\n");
	group_table(w, "TARGET", "USERS", v->targets, v->ntargets_g, 0);
	rw_s(w, "\nDAYS (UTC)\n");
	group_table(w, "DAY", "USERS", v->days, v->ndays, 0);
}
