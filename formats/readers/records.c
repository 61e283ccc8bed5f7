/*
 * records: the record stream itself (records.md), one JSON object per
 * line, so every tool reads the output of every other:
 *
 *	{"type":"line","session":"alice-0a1b2c3d4e5f67890","n":1,
 *	 "text":"sh-5.2$ id","prompt":"sh-5.2$ ","cmd":"id","src":"a.log:2"}
 *
 * Records pass through unchanged (n and src included), so reading a
 * stream and writing it again gives the same bytes.  A line that is not
 * a valid record is rejected with its position; the stream goes on.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

#define EXTRA_MAX	32

static int
rec_probe(const unsigned char *p, size_t n, const char *name)
{
	const char *s = (const char *)p, *nl;
	json_t *j, *t;
	int bid = 0;

	SL_UNUSED(name);
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	if (n == 0 || *s != '{')
		return 0;
	nl = memchr(s, '\n', n);
	if (nl == NULL)
		return 0;
	j = json_loadb(s, (size_t)(nl - s), 0, NULL);
	if (json_is_object(j) && json_object_get(j, "session") != NULL &&
	    (t = json_object_get(j, "type")) != NULL && json_is_string(t) &&
	    (strcmp(json_string_value(t), "session") == 0 ||
	    strcmp(json_string_value(t), "line") == 0 ||
	    strcmp(json_string_value(t), "note") == 0))
		bid = 90;
	json_decref(j);
	return bid;
}

struct conv {
	struct sl_record r;
	struct sl_kv extra[EXTRA_MAX];
	const char *redacted[EXTRA_MAX];
};

/* A string field; a NUL inside ("\u0000") would cut it short: bad. */
static const char *
get_str(json_t *o, const char *k, int *bad)
{
	json_t *v = json_object_get(o, k);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/*
 * Text is what a terminal showed: no control characters (C0, DEL, C1),
 * so that no tool down the stream writes escape sequences to a terminal.
 * A TAB, harmless, is let through: streams written by hand have them.
 */
static int
has_control(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\t') || p[i] == 0x7f ||
		    (p[i] == 0xc2 &&
		    i + 1 < n && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f))
			return 1;
	return 0;
}

/* A note code: a lowercase identifier (records.md). */
static int
code_ok(const char *s)
{
	const char *p;

	if (*s < 'a' || *s > 'z')
		return 0;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return 0;
	return 1;
}

/*
 * Turn a parsed object into a record; NULL and a reason when it is not.
 * where is the record's place in this stream: its src when it has none.
 */
static const char *
convert(json_t *o, struct conv *c, const char *where)
{
	const char *type, *key, *prompt, *cmd, *text;
	json_t *v;
	int bad = 0, f;

	if (!json_is_object(o))
		return "not a JSON object";
	type = get_str(o, "type", &bad);
	if (type == NULL)
		return "no \"type\"";
	memset(&c->r, 0, sizeof(c->r));
	c->r.count = -1;
	if (strcmp(type, "session") == 0)
		c->r.type = SL_SESSION;
	else if (strcmp(type, "line") == 0)
		c->r.type = SL_LINE;
	else if (strcmp(type, "note") == 0)
		c->r.type = SL_NOTE;
	else
		return "unknown record type";
	c->r.session = get_str(o, "session", &bad);
	c->r.src = get_str(o, "src", &bad);
	if (bad)
		return "\"session\" and \"src\" must be strings without NUL";
	if (c->r.session != NULL && *c->r.session == '\0')
		c->r.session = NULL;	/* unknown: null, never "" */
	if (c->r.src == NULL || *c->r.src == '\0')
		c->r.src = where;
	if ((v = json_object_get(o, "redacted")) != NULL) {
		size_t i;
		json_t *e;

		if (!json_is_array(v))
			return "\"redacted\" must be an array";
		json_array_foreach(v, i, e) {
			if (!json_is_string(e))
				return "\"redacted\" must hold strings";
			if (c->r.nredacted < EXTRA_MAX)
				c->redacted[c->r.nredacted++] =
				    json_string_value(e);
		}
		c->r.redacted = c->redacted;
	}
	switch (c->r.type) {
	case SL_LINE:
		v = json_object_get(o, "n");
		if (!json_is_integer(v) || json_integer_value(v) < 1)
			return "\"n\" must be a positive integer";
		c->r.n = json_integer_value(v);
		v = json_object_get(o, "text");
		if (!json_is_string(v))
			return "\"text\" must be a string";
		c->r.text = json_string_value(v);
		c->r.len = json_string_length(v);
		if (has_control(c->r.text, c->r.len))
			return "\"text\" holds control characters";
		c->r.time = get_str(o, "time", &bad);
		prompt = get_str(o, "prompt", &bad);
		cmd = get_str(o, "cmd", &bad);
		c->r.expanded = get_str(o, "expanded", &bad);
		if (bad)
			return "\"time\", \"prompt\", \"cmd\" and \"expanded\" "
			    "must be strings";
		if (c->r.expanded != NULL && has_control(c->r.expanded,
		    strlen(c->r.expanded)))
			return "\"expanded\" holds control characters";
		if ((prompt == NULL) != (cmd == NULL))
			return "\"prompt\" and \"cmd\" come together";
		if (prompt != NULL) {
			size_t pl = strlen(prompt);

			/* prompt + cmd == text, by contract. */
			if (pl > c->r.len || memcmp(c->r.text, prompt, pl) != 0 ||
			    strcmp(c->r.text + pl, cmd) != 0)
				return "\"prompt\" + \"cmd\" differ from \"text\"";
			c->r.has_prompt = 1;
			c->r.prompt_len = pl;
		}
		v = json_object_get(o, "cont");
		c->r.cont = json_is_true(v);
		/* Only a prompt line has a command that did not run. */
		c->r.cancelled = c->r.has_prompt &&
		    json_is_true(json_object_get(o, "cancelled"));
		c->r.redrawn = c->r.has_prompt &&
		    json_is_true(json_object_get(o, "redrawn"));
		c->r.uncertain = c->r.has_prompt &&
		    json_is_true(json_object_get(o, "uncertain"));
		if (!c->r.has_prompt)
			c->r.expanded = NULL;
		break;
	case SL_SESSION:
		json_object_foreach(o, key, v) {
			if (strcmp(key, "type") == 0 ||
			    strcmp(key, "session") == 0 ||
			    strcmp(key, "src") == 0 ||
			    strcmp(key, "redacted") == 0)
				continue;
			if (!json_is_string(v))
				continue;	/* numbers from other writers */
			if ((f = sl_field_lookup(key)) >= 0)
				c->r.f[f] = json_string_value(v);
			else if (c->r.nextra < EXTRA_MAX) {
				c->extra[c->r.nextra].key = key;
				c->extra[c->r.nextra].val = json_string_value(v);
				c->r.nextra++;
			}
		}
		c->r.extra = c->extra;
		break;
	case SL_NOTE:
		c->r.code = get_str(o, "code", &bad);
		text = get_str(o, "text", &bad);
		if (bad || c->r.code == NULL)
			return "a note needs string \"code\" and \"text\"";
		if (!code_ok(c->r.code))
			return "\"code\" must be a lowercase identifier";
		c->r.text = text != NULL ? text : "";
		c->r.len = strlen(c->r.text);
		if (has_control(c->r.text, c->r.len))
			return "\"text\" holds control characters";
		if ((v = json_object_get(o, "count")) != NULL) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				return "\"count\" must be a whole number";
			c->r.count = json_integer_value(v);
		}
		json_object_foreach(o, key, v) {
			if (strcmp(key, "type") == 0 ||
			    strcmp(key, "session") == 0 ||
			    strcmp(key, "src") == 0 || strcmp(key, "code") == 0 ||
			    strcmp(key, "text") == 0 ||
			    strcmp(key, "redacted") == 0 || !json_is_string(v))
				continue;
			if (c->r.nextra < EXTRA_MAX) {
				c->extra[c->r.nextra].key = key;
				c->extra[c->r.nextra].val = json_string_value(v);
				c->r.nextra++;
			}
		}
		c->r.extra = c->extra;
		break;
	case SL_RAW:
		break;
	}
	return NULL;
}

static int
rec_read(struct sl_reader *rd)
{
	struct sl_buf line, where;
	struct conv c;
	json_error_t err;
	const char *p, *why;
	size_t n;
	int more, rc, status = SL_OK, toolong = 0;
	json_t *o;

	sl_buf_init(&line);
	sl_buf_init(&where);
	while ((rc = sl_in_line(rd->in, &p, &n, &more)) > 0) {
		/* Gather one record; pieces only for very long ones. */
		if (!toolong) {
			if (line.len + n > SL_EVENT_MAX)
				toolong = 1;
			else
				sl_buf_add(&line, p, n);
		}
		if (more)
			continue;
		sl_count_units(rd, 1);
		sl_buf_reset(&where);
		sl_buf_printf(&where, "%s:%lld", rd->name, sl_in_lineno(rd->in));
		n = line.len;
		while (n > 0 && (line.buf[n - 1] == '\n' ||
		    line.buf[n - 1] == '\r' || line.buf[n - 1] == ' '))
			n--;
		if (toolong) {
			status = sl_reject(rd, NULL, where.buf, "record longer "
			    "than %d bytes", SL_EVENT_MAX);
		} else if (n == 0) {
			/* Blank lines are no records. */
			sl_count_skipped(rd, 1);
		} else if ((o = json_loadb(line.buf, n, JSON_ALLOW_NUL,
		    &err)) == NULL) {
			status = sl_reject(rd, NULL, where.buf,
			    "invalid JSON at column %d: %s", err.column,
			    err.text);
		} else {
			if ((why = convert(o, &c, where.buf)) != NULL) {
				status = sl_reject(rd, NULL, where.buf,
				    "rejected record: %s", why);
			} else {
				sl_count_written(rd, 1);
				if (sl_emit(rd, &c.r) == SL_STOP)
					status = SL_STOP;
			}
			json_decref(o);
		}
		sl_buf_reset(&line);
		toolong = 0;
		if (status == SL_STOP)
			break;
	}
	sl_buf_free(&line);
	sl_buf_free(&where);
	if (status == SL_STOP)
		return SL_STOP;
	return rc < 0 ? SL_REJECT : status;
}

const struct sl_format sl_format_records = {
	"records",
	"the record stream of sl-parse (JSON Lines)",
	rec_probe,
	rec_read,
	SL_SHAPE_RECORDS,
};
