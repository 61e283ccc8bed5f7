/*
 * util.c: allocation that cannot fail.  Running out of memory in a
 * streaming filter is not a condition worth unwinding from: every caller
 * would have to do the same thing (stop), so we stop here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void
oom(size_t n)
{
	fprintf(stderr, "sl: out of memory (%zu bytes)\n", n);
	abort();
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
