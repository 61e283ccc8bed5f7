/*
 * describe-sessions: `aws ssm describe-sessions` output, pages maybe
 * concatenated:
 *
 *	{"Sessions": [{"SessionId": "bob-0f1e2d3c4b5a69788",
 *	   "Target": "i-0abc123def4567890", "Status": "Terminated",
 *	   "StartDate": "2024-05-01T11:02:44.108000+00:00",
 *	   "EndDate": "2024-05-01T11:40:02+00:00",
 *	   "DocumentName": "AWS-StartPortForwardingSession",
 *	   "Owner": "arn:aws:iam::123456789012:user/bob",
 *	   "Reason": "db maintenance"}], "NextToken": "..."}
 *
 * Dates: CLI v1 prints epoch seconds as a number (1714561364.108), CLI
 * v2 ISO 8601 in the local zone of the machine that ran it, without the
 * fraction when it is zero; both become UTC.  Each session is a session
 * record of the highest rank (origin describe-sessions); its `kind`
 * comes from the document (cw_kind), and a port-forwarding or SSH
 * session gets a no-transcript note.  src is "path#N".
 */
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "readers/cwlog.h"

static int
ds_probe(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_jkeys *k = sl_probe_keys(p, n);

	SL_UNUSED(name);
	if (!k->object || !sl_jkeys_has(k, "Sessions"))
		return 0;
	if (sl_jkeys_has(k, "Sessions[].SessionId"))
		return 95;
	return sl_jkeys_has(k, "Sessions[]") ? 30 : 50;
}

/* Epoch seconds of the four-digit years, the ones a date can say. */
#define EPOCH_FIRST	(SL_TIME_FIRST / 1000)
#define EPOCH_LAST	(SL_TIME_LAST / 1000)

/*
 * CLI v1 epoch seconds, or CLI v2 ISO 8601 with an offset.  Returns 0,
 * -1 (not a date) or -2 (past the years 0000 to 9999).
 */
static int
date(json_t *v, long long *ms)
{
	double d;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < EPOCH_FIRST ||
		    json_integer_value(v) > EPOCH_LAST)
			return -2;
		*ms = (long long)json_integer_value(v) * 1000;
		return 0;
	}
	if (json_is_real(v)) {
		d = json_real_value(v);
		if (!(d >= EPOCH_FIRST && d <= EPOCH_LAST))
			return -2;
		*ms = llround(d * 1000.0);
		return 0;
	}
	if (json_is_string(v))
		return sl_time_rfc3339(json_string_value(v),
		    json_string_length(v), ms);
	return -1;
}

static int
reject(struct sl_reader *rd, const char *where, const char *why,
    const char *key)
{
	return sl_reject(rd, NULL, where, "rejected session: %s%s%s%s", key ?
	    "\"" : "", key ? key : "", key ? "\" " : "", why);
}

static int
one(struct sl_reader *rd, json_t *s, const char *where)
{
	static const char *const dates[2] = { "StartDate", "EndDate" };
	struct sl_record r;
	struct sl_kv kv[2];
	const char *why = NULL, *sid, *kind;
	char *principal, at[2][25];
	long long ms;
	json_t *v;
	int i, rc;

	if (!json_is_object(s))
		return reject(rd, where, "not a JSON object", NULL);
	sid = cw_str(s, "SessionId", &why);
	sl_record_init(&r, SL_SESSION, sid, where);
	r.f[SL_F_TARGET] = cw_str(s, "Target", &why);
	r.f[SL_F_STATUS] = cw_str(s, "Status", &why);
	r.f[SL_F_DOCUMENT] = cw_str(s, "DocumentName", &why);
	r.f[SL_F_OWNER] = cw_str(s, "Owner", &why);
	r.f[SL_F_REASON] = cw_str(s, "Reason", &why);
	kv[0].key = "max_session_duration";
	kv[0].val = cw_str(s, "MaxSessionDuration", &why);
	kv[1].key = "access_type";
	kv[1].val = cw_str(s, "AccessType", &why);
	if (why != NULL)
		return reject(rd, where, "is not a string (or holds a NUL)", why);
	if (sid == NULL || *sid == '\0')
		return reject(rd, where, "no \"SessionId\"", NULL);
	for (i = 0; i < 2; i++) {
		v = json_object_get(s, dates[i]);
		if (v == NULL || json_is_null(v))
			continue;
		if ((rc = date(v, &ms)) != 0)
			return reject(rd, where, rc == -2 ? "is out of range "
			    "(years 0000 to 9999)" : "is not a date", dates[i]);
		sl_time_format(ms, at[i]);
		r.f[i == 0 ? SL_F_START : SL_F_END] = at[i];
		r.f[i == 0 ? SL_F_START_SRC : SL_F_END_SRC] =
		    "describe-sessions";
	}
	/* No DocumentName: the default shell document (see cw_kind). */
	r.f[SL_F_KIND] = kind = cw_kind(r.f[SL_F_DOCUMENT]);
	principal = sl_session_principal(sid);
	r.f[SL_F_PRINCIPAL] = principal;
	r.f[SL_F_ORIGIN] = "describe-sessions";
	r.extra = kv;
	r.nextra = 2;
	sl_count_written(rd, 1);
	rc = sl_emit(rd, &r);
	if (rc == SL_OK && cw_no_transcript(kind))
		rc = cw_note_no_transcript(rd, sid, where, kind);
	free(principal);
	return rc;
}

static int
session(void *arg, json_t *v, const char *where, long long n)
{
	struct sl_reader *rd = arg;

	SL_UNUSED(n);
	if (v == NULL) {
		sl_count_units(rd, 1);
		return reject(rd, where, "not a describe-sessions document",
		    NULL);
	}
	return one(rd, v, where);
}

static int
ds_read(struct sl_reader *rd)
{
	int whole = 1;

	return cw_each(rd, "Sessions", session, rd, &whole);
}

const struct sl_format sl_format_describe_sessions = {
	"describe-sessions",
	"aws ssm describe-sessions JSON (CLI v1 or v2 dates)",
	ds_probe,
	ds_read,
	SL_SHAPE_JSON,
};
