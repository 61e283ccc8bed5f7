/*
 * record.c: records and their JSON Lines form (records.md).  Key order is
 * fixed so that output is stable and diffable: type, session, then the
 * fields of the type, then src.
 */
#include <string.h>

#include "internal.h"

static const char *const field_names[SL_F_COUNT] = {
	[SL_F_PRINCIPAL] = "principal",
	[SL_F_OWNER] = "owner",
	[SL_F_TARGET] = "target",
	[SL_F_HOST] = "host",
	[SL_F_RUN_AS] = "run_as",
	[SL_F_REGION] = "region",
	[SL_F_ACCOUNT] = "account",
	[SL_F_DOCUMENT] = "document",
	[SL_F_KIND] = "kind",
	[SL_F_START] = "start",
	[SL_F_START_SRC] = "start_src",
	[SL_F_END] = "end",
	[SL_F_END_SRC] = "end_src",
	[SL_F_START_LOCAL] = "start_local",
	[SL_F_END_LOCAL] = "end_local",
	[SL_F_STATUS] = "status",
	[SL_F_REASON] = "reason",
	[SL_F_SOURCE_IP] = "source_ip",
	[SL_F_USER_AGENT] = "user_agent",
	[SL_F_ORIGIN] = "origin",
};

const char *
sl_field_name(enum sl_field f)
{
	return (unsigned)f < SL_F_COUNT ? field_names[f] : NULL;
}

int
sl_field_lookup(const char *key)
{
	int i;

	for (i = 0; i < SL_F_COUNT; i++)
		if (strcmp(field_names[i], key) == 0)
			return i;
	return -1;
}

void
sl_record_init(struct sl_record *r, enum sl_type t, const char *sid,
    const char *src)
{
	memset(r, 0, sizeof(*r));
	r->type = t;
	r->session = sid;
	r->src = src;
	r->count = -1;
}

static void
key(struct sl_buf *b, const char *k)
{
	sl_buf_addc(b, ',');
	sl_buf_addc(b, '"');
	sl_buf_adds(b, k);
	sl_buf_add(b, "\":", 2);
}

static void
str_field(struct sl_buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	key(b, k);
	sl_buf_json_str(b, v, strlen(v));
}

/* Extra keys come from input (a record stream): escape them like values. */
static void
extra_fields(struct sl_buf *b, const struct sl_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (kv[i].val == NULL)
			continue;
		sl_buf_addc(b, ',');
		sl_buf_json_str(b, kv[i].key, strlen(kv[i].key));
		sl_buf_addc(b, ':');
		sl_buf_json_str(b, kv[i].val, strlen(kv[i].val));
	}
}

int
sl_record_is_command(const struct sl_record *r)
{
	return r->type == SL_LINE && r->has_prompt && !r->cont &&
	    r->len > r->prompt_len && !sl_record_not_run(r);
}

int
sl_record_not_run(const struct sl_record *r)
{
	return r->cancelled || r->redrawn;
}

void
sl_record_to_json(struct sl_buf *b, const struct sl_record *r)
{
	static const char *const types[] = { "session", "line", "note", "raw" };
	size_t i;

	sl_buf_add(b, "{\"type\":\"", 9);
	sl_buf_adds(b, types[r->type]);
	sl_buf_add(b, "\",\"session\":", 12);
	if (r->session != NULL)
		sl_buf_json_str(b, r->session, strlen(r->session));
	else
		sl_buf_add(b, "null", 4);
	switch (r->type) {
	case SL_LINE:
		sl_buf_add(b, ",\"n\":", 5);
		sl_buf_add_int(b, r->n);
		key(b, "text");
		sl_buf_json_str(b, r->text, r->len);
		if (r->has_prompt) {
			key(b, "prompt");
			sl_buf_json_str(b, r->text, r->prompt_len);
			key(b, "cmd");
			sl_buf_json_str(b, r->text + r->prompt_len,
			    r->len - r->prompt_len);
		}
		if (r->cont)
			sl_buf_adds(b, ",\"cont\":true");
		if (r->cancelled)
			sl_buf_adds(b, ",\"cancelled\":true");
		if (r->redrawn)
			sl_buf_adds(b, ",\"redrawn\":true");
		if (r->uncertain)
			sl_buf_adds(b, ",\"uncertain\":true");
		str_field(b, "expanded", r->expanded);
		str_field(b, "time", r->time);
		break;
	case SL_SESSION:
		for (i = 0; i < SL_F_ORIGIN; i++)
			str_field(b, field_names[i], r->f[i]);
		extra_fields(b, r->extra, r->nextra);
		str_field(b, "origin", r->f[SL_F_ORIGIN]);
		break;
	case SL_NOTE:
		str_field(b, "code", r->code);
		key(b, "text");
		sl_buf_json_str(b, r->text != NULL ? r->text : "",
		    r->text != NULL ? r->len : 0);
		if (r->count >= 0) {
			sl_buf_add(b, ",\"count\":", 9);
			sl_buf_add_int(b, r->count);
		}
		extra_fields(b, r->extra, r->nextra);
		break;
	case SL_RAW:
		key(b, "text");
		sl_buf_json_str(b, r->text, r->len);
		break;
	}
	if (r->nredacted > 0) {
		key(b, "redacted");
		sl_buf_addc(b, '[');
		for (i = 0; i < r->nredacted; i++) {
			if (i > 0)
				sl_buf_addc(b, ',');
			sl_buf_json_str(b, r->redacted[i],
			    strlen(r->redacted[i]));
		}
		sl_buf_addc(b, ']');
	}
	str_field(b, "src", r->src);
	sl_buf_add(b, "}\n", 2);
}
