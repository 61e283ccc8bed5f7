/*
 * cwlog_private.h: the state of one input's session-log events, shared
 * by cwlog.c (sessions, dispatch) and cwtally.c (positions, outcomes).
 * Nothing else sees it: the readers use the functions of cwlog.h.
 */
#ifndef SL_CWLOG_PRIVATE_H
#define SL_CWLOG_PRIVATE_H

#include "readers/cwlog.h"

struct cws;

struct cwl {
	struct sl_reader *rd;
	char sep;
	struct sl_strmap *byid;	/* keys borrowed: sid */
	struct cws **order;	/* first appearance */
	size_t n, ordcap;
	struct cws *none;	/* the session nobody can name */
	struct sl_tty *tty;	/* the renderer of streamed events */
	char *name_sid;		/* from the input's name */
	long long skip[CW_SKIP_COUNT];
	struct sl_buf where;
	int status;
	/* the fast path's scanner, decoded strings, element arrays */
	struct sl_jscan *fjs;
	struct sl_buf arena;
	const char **edata;
	size_t *elen, ecap;
};

/* Keep the worse of the status so far and rc (SL_REJECT, SL_STOP). */
void cwl_worse(struct cwl *c, int rc);

#endif /* SL_CWLOG_PRIVATE_H */
