/*
 * strmap.c: string keys to pointers.  The table is kept at most half
 * full so that probes stay short; it doubles when it would pass that.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/strmap.h"

#define FIRST_CAP	64

struct slot {
	const char *key;		/* NULL: empty */
	void *val;
};

struct sl_strmap {
	struct slot *s;
	size_t cap, n;			/* cap a power of two */
	unsigned flags;
};

static unsigned long
hash(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211UL;
	return h;
}

struct sl_strmap *
sl_strmap_new(unsigned flags)
{
	struct sl_strmap *m = sl_xcalloc(1, sizeof(*m));

	m->cap = FIRST_CAP;
	m->s = sl_xcalloc(m->cap, sizeof(*m->s));
	m->flags = flags;
	return m;
}

void
sl_strmap_free(struct sl_strmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	if (m->flags & SL_STRMAP_OWN)
		for (i = 0; i < m->cap; i++)
			free((char *)m->s[i].key);
	free(m->s);
	free(m);
}

size_t
sl_strmap_count(const struct sl_strmap *m)
{
	return m->n;
}

/* The slot of key, or the empty slot where it would go. */
static struct slot *
find(const struct sl_strmap *m, const char *key)
{
	size_t k;

	for (k = hash(key) & (m->cap - 1); m->s[k].key != NULL;
	    k = (k + 1) & (m->cap - 1))
		if (strcmp(m->s[k].key, key) == 0)
			break;
	return &m->s[k];
}

static void
grow(struct sl_strmap *m)
{
	struct slot *old = m->s;
	size_t oldcap = m->cap, i;

	m->cap *= 2;
	m->s = sl_xcalloc(m->cap, sizeof(*m->s));
	for (i = 0; i < oldcap; i++)
		if (old[i].key != NULL)
			*find(m, old[i].key) = old[i];
	free(old);
}

void *
sl_strmap_get(const struct sl_strmap *m, const char *key)
{
	return find(m, key)->val;
}

const char *
sl_strmap_key(const struct sl_strmap *m, const char *key)
{
	return find(m, key)->key;
}

void **
sl_strmap_slot(struct sl_strmap *m, const char *key)
{
	struct slot *s = find(m, key);

	if (s->key != NULL)
		return &s->val;
	if ((m->n + 1) * 2 > m->cap) {
		grow(m);
		s = find(m, key);
	}
	s->key = m->flags & SL_STRMAP_OWN ? sl_xstrdup(key) : key;
	s->val = NULL;
	m->n++;
	return &s->val;
}
