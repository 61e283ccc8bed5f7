/*
 * detect.c: the formats by name and by their bytes.  Every format of the
 * registry (formats/readers/registry.c) bids on the peeked bytes; the
 * highest bid wins.  Apart from the driver, so that the -j workers
 * (workers.c), which detect in their own process, need nothing of it.
 */
#include <string.h>

#include "core/core.h"

const struct sl_format *
sl_detect(const unsigned char *p, size_t n, const char *name)
{
	const struct sl_format *best = NULL;
	int bid, top = 0, i;

	sl_probe_keys_open();
	/* A sure bid ends the auction: the registry puts the formats that
	 * could outbid one before it (registry.c). */
	for (i = 0; sl_formats[i] != NULL && top < SL_BID_SURE; i++) {
		if (sl_formats[i]->probe == NULL)
			continue;
		bid = sl_formats[i]->probe(p, n, name);
		if (bid > top) {
			top = bid;
			best = sl_formats[i];
		}
	}
	sl_probe_keys_close();
	return best;
}

const struct sl_format *
sl_format_lookup(const char *name)
{
	int i;

	for (i = 0; sl_formats[i] != NULL; i++)
		if (strcmp(sl_formats[i]->name, name) == 0)
			return sl_formats[i];
	return NULL;
}

const char *
sl_format_name(const struct sl_format *f)
{
	return f->name;
}

const char *
sl_format_desc(const struct sl_format *f)
{
	return f->desc;
}

int
sl_format_shape(const struct sl_format *f)
{
	return f->shape;
}
