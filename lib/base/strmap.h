/*
 * strmap.h: a map from NUL-terminated strings to pointers (open
 * addressing, linear probing, FNV-1a).  The one string hash table of
 * lib/ and formats/.  Order of insertion is not kept: callers that need
 * an order keep their own list.  Internal.
 */
#ifndef SL_BASE_STRMAP_H
#define SL_BASE_STRMAP_H

#include <stddef.h>

/*
 * SL_STRMAP_OWN: the map copies each key it adds and frees the copies.
 * Without it keys are borrowed: a key must live as long as its entry
 * (callers store it in the value itself).
 */
#define SL_STRMAP_OWN	0x1

struct sl_strmap;

struct sl_strmap *sl_strmap_new(unsigned flags);
/* Frees the map and owned keys, never the values. */
void sl_strmap_free(struct sl_strmap *m);
size_t sl_strmap_count(const struct sl_strmap *m);
/* The value of key, or NULL when absent. */
void *sl_strmap_get(const struct sl_strmap *m, const char *key);
/*
 * The value slot of key, added (value NULL) when absent: a caller that
 * finds *slot == NULL fills it.  Valid until the next change to m.
 * With borrowed keys, key is the pointer kept.
 */
void **sl_strmap_slot(struct sl_strmap *m, const char *key);
/*
 * The key stored for key (the map's copy when it owns keys), or NULL
 * when absent: lets values borrow the map's copy.
 */
const char *sl_strmap_key(const struct sl_strmap *m, const char *key);

#endif /* SL_BASE_STRMAP_H */
