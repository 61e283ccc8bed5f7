/*
 * session.c: session ids and targets from names.  Session ids look like
 * "<principal>-<17 hex>" or "<principal>-<26 alnum>"; the principal may
 * hold '.', '@' and '-', so it is split on the last '-' only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* The last path component, inside an archive member name too; Windows
 * paths use backslashes. */
static const char *
base_of(const char *path)
{
	const char *b = strrchr(path, '/'), *w = strrchr(path, '\\');

	if (w != NULL && (b == NULL || w > b))
		b = w;
	return b != NULL ? b + 1 : path;
}

/* The component after "/orchestration/" in an agent path, or NULL. */
static char *
orchestration_id(const char *path)
{
	const char *p = strstr(path, "orchestration/"), *e;

	if (p == NULL)
		return NULL;
	p += strlen("orchestration/");
	for (e = p; *e != '\0' && *e != '/' && *e != '\\' && *e != '"'; e++)
		;
	return e > p && *e != '\0' ? sl_xstrndup(p, (size_t)(e - p)) : NULL;
}

char *
sl_session_from_path(const char *path)
{
	char *sid = orchestration_id(path);

	if (sid == NULL) {
		/* Windows paths use backslashes. */
		const char *p = strstr(path, "orchestration\\");

		if (p != NULL) {
			char *copy = sl_xstrdup(path), *q;

			for (q = copy; *q != '\0'; q++)
				if (*q == '\\')
					*q = '/';
			sid = orchestration_id(copy);
			free(copy);
		}
	}
	return sid;
}

char *
sl_session_from_name(const char *path)
{
	static const char *const suffixes[] = { ".gz", ".log", ".txt",
	    ".json", ".jsonl" };
	const char *b;
	size_t n, k;
	int again;
	char *sid;

	if (path == NULL || strcmp(path, "-") == 0)
		return NULL;
	if ((sid = sl_session_from_path(path)) != NULL)
		return sid;
	b = base_of(path);
	n = strlen(b);
	do {
		again = 0;
		for (k = 0; k < sizeof(suffixes) / sizeof(suffixes[0]); k++) {
			size_t l = strlen(suffixes[k]);

			if (n > l && strncmp(b + n - l, suffixes[k], l) == 0) {
				n -= l;
				again = 1;
			}
		}
	} while (again);
	if (n == 0 || (n == 11 && strncmp(b, "ipcTempFile", 11) == 0))
		return NULL;
	return sl_xstrndup(b, n);
}

char *
sl_session_principal(const char *sid)
{
	const char *dash;

	if (sid == NULL || (dash = strrchr(sid, '-')) == NULL || dash == sid)
		return NULL;
	return sl_xstrndup(sid, (size_t)(dash - sid));
}

char *
sl_target_from_path(const char *path)
{
	const char *p = path, *e;

	/* .../amazon/ssm/<instance-id>/session/... (also with '\') */
	while ((p = strcasestr(p, "ssm")) != NULL) {
		p += 3;
		if (*p != '/' && *p != '\\')
			continue;
		p++;
		if (strncmp(p, "InstanceData", 12) == 0 &&
		    (p[12] == '/' || p[12] == '\\'))
			p += 13;
		if (strncmp(p, "i-", 2) != 0 && strncmp(p, "mi-", 3) != 0)
			continue;
		for (e = p; *e != '\0' && *e != '/' && *e != '\\'; e++)
			;
		if (*e != '\0' && strncmp(e + 1, "session", 7) == 0 && e > p)
			return sl_xstrndup(p, (size_t)(e - p));
	}
	return NULL;
}
