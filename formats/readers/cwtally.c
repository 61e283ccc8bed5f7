/*
 * cwtally.c: where the events of one input are ("name#N") and how they
 * ended (rejected, skipped, the worst status): what every handler of
 * an event shares, the CloudTrail one (cwtrail.c) as much as the
 * session-log one (cwlog.c).  It calls neither, so neither loops back.
 */
#include <stdarg.h>
#include <stdio.h>

#include "readers/cwlog.h"
#include "readers/cwlog_private.h"

void
cwl_worse(struct cwl *c, int rc)
{
	if (rc == SL_STOP || (rc == SL_REJECT && c->status == SL_OK))
		c->status = rc;
}

struct sl_reader *
cwl_reader(const struct cwl *c)
{
	return c->rd;
}

int
cwl_status(const struct cwl *c)
{
	return c->status;
}

const char *
cwl_where(struct cwl *c, long long pos)
{
	sl_buf_reset(&c->where);
	sl_buf_adds(&c->where, c->rd->name);
	sl_buf_addc(&c->where, c->sep);
	sl_buf_add_int(&c->where, pos);
	return c->where.buf;
}

int
cwl_reject(struct cwl *c, long long pos, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rc = sl_reject(c->rd, NULL, cwl_where(c, pos), "rejected event: %s",
	    msg);
	cwl_worse(c, rc);
	return rc;
}

void
cwl_skip(struct cwl *c, enum cw_skip why)
{
	sl_count_skipped(c->rd, 1);
	c->skip[why]++;
}
