/*
 * cwtrail.c: Session Manager's CloudTrail events, wherever they come
 * from (a trail's S3 files, a trail delivered to CloudWatch Logs), and
 * what kind of session an SSM document starts.
 *
 *	{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole",
 *	 "arn":"arn:aws:sts::123456789012:assumed-role/Admin/alice",...},
 *	 "eventTime":"2024-05-01T12:00:01Z","eventSource":"ssm.amazonaws.com",
 *	 "eventName":"StartSession","awsRegion":"us-east-1",
 *	 "sourceIPAddress":"203.0.113.10","userAgent":"aws-cli/2.15.40 ...",
 *	 "requestParameters":{"target":"i-0abc123def4567890",
 *	   "documentName":"AWS-StartPortForwardingSession",
 *	   "parameters":{"portNumber":["5432"],"localPortNumber":["15432"]}},
 *	 "responseElements":{"sessionId":"alice-0a1b2c3d4e5f67890",...},
 *	 "recipientAccountId":"123456789012",...}
 *
 * StartSession gives a session record (who, where, how, when it began);
 * TerminateSession its end; ResumeSession nothing new (a reconnect).
 * Events of other APIs are counted and skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "readers/cwlog.h"

const char *
cw_kind(const char *doc)
{
	const char *slash;

	if (doc == NULL || *doc == '\0')
		return "shell";	/* the default, SSM-SessionManagerRunShell */
	/* A shared document by ARN: "arn:aws:ssm:...:document/NAME". */
	if ((slash = strstr(doc, ":document/")) != NULL)
		doc = slash + strlen(":document/");
	if (strncmp(doc, "AWS-StartPortForwardingSession", 30) == 0)
		return "port-forwarding";
	if (strcmp(doc, "AWS-StartSSHSession") == 0)
		return "ssh";
	if (strcmp(doc, "AWS-StartNonInteractiveCommand") == 0)
		return "command";
	if (strcmp(doc, "AWS-StartInteractiveCommand") == 0 ||
	    strcmp(doc, "SSM-SessionManagerRunShell") == 0)
		return "shell";
	if (strncmp(doc, "AWS-", 4) == 0)
		return "unknown";
	/*
	 * The account's own document: most are shell profiles (SSM-sudo,
	 * a Session Manager preferences copy); trust a name that says port
	 * forwarding or SSH.
	 */
	if (strcasestr(doc, "portforward") != NULL ||
	    strcasestr(doc, "port-forward") != NULL)
		return "port-forwarding";
	if (strcasestr(doc, "ssh") != NULL)
		return "ssh";
	return "shell";
}

int
cw_no_transcript(const char *kind)
{
	return kind != NULL && (strcmp(kind, "port-forwarding") == 0 ||
	    strcmp(kind, "ssh") == 0);
}

int
cw_note_no_transcript(struct sl_reader *rd, const char *sid,
    const char *src, const char *kind)
{
	return sl_emit_note(rd, sid, src, SL_NOTE_NO_TRANSCRIPT, -1, "%s "
	    "session: Session Manager never logs its data", kind);
}

int
cw_is_trail(json_t *ev)
{
	return json_is_object(ev) && json_object_get(ev, "eventSource") !=
	    NULL && json_object_get(ev, "eventName") != NULL;
}

/* The first string of requestParameters.parameters.NAME (["5432"]). */
static const char *
param(json_t *req, const char *name)
{
	json_t *v = json_object_get(json_object_get(req, "parameters"), name);

	if (json_is_array(v))
		v = json_array_get(v, 0);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * What StartSession tells of a session, into r and its extra fields kv
 * (3).  A member of another type is left out (NULL), as jansson's path
 * does: the event was checked for the members that matter.
 */
static void
start_fields(struct sl_record *r, struct sl_kv *kv, json_t *ev, json_t *req,
    json_t *who, const char *at)
{
	const char *why = NULL;

	r->f[SL_F_OWNER] = cw_str(who, "arn", &why);
	r->f[SL_F_TARGET] = cw_str(req, "target", &why);
	r->f[SL_F_DOCUMENT] = cw_str(req, "documentName", &why);
	r->f[SL_F_KIND] = cw_kind(r->f[SL_F_DOCUMENT]);
	r->f[SL_F_REGION] = cw_str(ev, "awsRegion", &why);
	r->f[SL_F_ACCOUNT] = cw_str(ev, "recipientAccountId", &why);
	r->f[SL_F_SOURCE_IP] = cw_str(ev, "sourceIPAddress", &why);
	r->f[SL_F_USER_AGENT] = cw_str(ev, "userAgent", &why);
	r->f[SL_F_START] = at;
	r->f[SL_F_START_SRC] = "cloudtrail";
	/* Where a port-forwarding session went. */
	kv[0].key = "port_number";
	kv[0].val = param(req, "portNumber");
	kv[1].key = "local_port_number";
	kv[1].val = param(req, "localPortNumber");
	kv[2].key = "remote_host";
	kv[2].val = param(req, "host");
	r->nextra = 3;
}

/* What TerminateSession tells, into r and kv (1). */
static void
end_fields(struct sl_record *r, struct sl_kv *kv, json_t *who,
    const char *at)
{
	const char *why = NULL;

	r->f[SL_F_END] = at;
	r->f[SL_F_END_SRC] = "cloudtrail";
	/* Not necessarily the owner: an admin may end it. */
	kv[0].key = "terminated_by";
	kv[0].val = cw_str(who, "arn", &why);
	r->nextra = 1;
}

int
cw_trail(struct cwl *c, json_t *ev, long long pos)
{
	struct sl_reader *rd = cwl_reader(c);
	struct sl_record r;
	struct sl_kv kv[4];
	const char *why = NULL, *source, *name, *when, *sid = NULL, *kind;
	const char *src;
	json_t *req, *resp, *who;
	char *principal, at[25];
	long long ms;
	int rc;

	source = cw_str(ev, "eventSource", &why);
	name = cw_str(ev, "eventName", &why);
	if (why != NULL)
		return cwl_reject(c, pos, CW_WHY, why);
	if (source == NULL || name == NULL ||
	    strcmp(source, "ssm.amazonaws.com") != 0 ||
	    (strcmp(name, "StartSession") != 0 &&
	    strcmp(name, "ResumeSession") != 0 &&
	    strcmp(name, "TerminateSession") != 0)) {
		cwl_skip(c, CW_SKIP_TRAIL);
		return SL_OK;
	}
	if (json_object_get(ev, "errorCode") != NULL) {
		cwl_skip(c, CW_SKIP_TRAIL_FAILED);	/* no session came of it */
		return SL_OK;
	}
	when = cw_str(ev, "eventTime", &why);
	req = cw_obj(ev, "requestParameters", &why);
	resp = cw_obj(ev, "responseElements", &why);
	who = cw_obj(ev, "userIdentity", &why);
	if (resp != NULL)
		sid = cw_str(resp, "sessionId", &why);
	if (sid == NULL && req != NULL)
		sid = cw_str(req, "sessionId", &why);
	if (why != NULL)
		return cwl_reject(c, pos, CW_WHY, why);
	if (sid == NULL || *sid == '\0')
		return cwl_reject(c, pos, "%s event without a session id",
		    name);
	if (when == NULL || sl_time_rfc3339(when, strlen(when), &ms) != 0)
		return cwl_reject(c, pos, "%s event without a valid "
		    "\"eventTime\"", name);
	if (strcmp(name, "ResumeSession") == 0) {
		sl_count_merged(rd, 1);	/* a reconnect: nothing new */
		return SL_OK;
	}

	src = cwl_where(c, pos);
	principal = sl_session_principal(sid);
	sl_time_format(ms, at);
	sl_record_init(&r, SL_SESSION, sid, src);
	r.f[SL_F_PRINCIPAL] = principal;
	r.f[SL_F_ORIGIN] = "cloudtrail";
	r.extra = kv;
	if (strcmp(name, "StartSession") == 0)
		start_fields(&r, kv, ev, req, who, at);
	else
		end_fields(&r, kv, who, at);
	kind = r.f[SL_F_KIND];
	sl_count_written(rd, 1);
	rc = sl_emit(rd, &r);
	if (rc == SL_OK && cw_no_transcript(kind))
		rc = cw_note_no_transcript(rd, sid, src, kind);
	free(principal);
	return rc;
}
