/*
 * util.c: allocation that cannot fail, the process-wide hooks, and the
 * error struct every public function that fails fills.
 * Running out of memory in a streaming filter is not a condition worth
 * unwinding from: every caller would have to do the same thing (stop),
 * so the caller's hook stops here; the library itself prints nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static struct sl_hooks hooks;

void
sl_set_hooks(const struct sl_hooks *h)
{
	if (h != NULL)
		hooks = *h;
	else
		memset(&hooks, 0, sizeof(hooks));
}

void
sl_hook_broken_pipe(void)
{
	if (hooks.broken_pipe != NULL)
		hooks.broken_pipe();
}

static void
oom(size_t n)
{
	if (hooks.oom != NULL)
		hooks.oom(n);
	abort();	/* no hook, or it returned: nothing else is safe */
}

void *
sl_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
sl_xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom(n * sz);
	return p;
}

void *
sl_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

char *
sl_xstrndup(const char *s, size_t n)
{
	char *p = sl_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
sl_xstrdup(const char *s)
{
	return sl_xstrndup(s, strlen(s));
}

int
sl_error_set(struct sl_error *e, int code, int sys, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return code;
	e->code = code;
	e->sys = sys;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

char *
sl_error_clear(struct sl_error *e)
{
	e->code = SL_OK;
	e->sys = 0;
	e->msg[0] = '\0';
	return e->msg;
}

int
sl_error_status(struct sl_error *e, int rc)
{
	e->code = rc;
	return rc;
}
