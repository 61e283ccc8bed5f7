/*
 * registry.c: every input format, in probe order (cheap decisive probes
 * first), and the key scan of the peek that the JSON probes share.
 * The highest bid wins, so order breaks ties; raw bids 1 and is the
 * fallback for text.  A bid of SL_BID_SURE or more ends detection (no
 * later probe runs), so a format that outbids another's SL_BID_SURE
 * (cw-text's 101 over typescript's 100) must come before it.
 * --list-formats prints them in this order.
 */
#include "readers/cwlog.h"

extern const struct sl_format sl_format_typescript;
extern const struct sl_format sl_format_raw;
extern const struct sl_format sl_format_pwsh;
extern const struct sl_format sl_format_cw_stream;
extern const struct sl_format sl_format_cw_text;
extern const struct sl_format sl_format_cw_events;
extern const struct sl_format sl_format_cw_export;
extern const struct sl_format sl_format_cw_subscription;
extern const struct sl_format sl_format_insights;
extern const struct sl_format sl_format_describe_sessions;
extern const struct sl_format sl_format_cloudtrail;
extern const struct sl_format sl_format_records;
extern const struct sl_format sl_format_manifest;

const struct sl_format *const sl_formats[] = {
	&sl_format_cw_text,
	&sl_format_typescript,
	&sl_format_manifest,
	&sl_format_raw,
	&sl_format_pwsh,
	&sl_format_cw_stream,
	&sl_format_cw_events,
	&sl_format_cw_export,
	&sl_format_cw_subscription,
	&sl_format_insights,
	&sl_format_describe_sessions,
	&sl_format_cloudtrail,
	&sl_format_records,
	NULL
};

/*
 * Six JSON probes look at the same peek's keys: sl_detect opens a window
 * in which the first of them scans it and the others reuse that scan.
 * Outside the window (a probe called on its own) every call scans.  Per
 * thread, since workers detect in parallel.
 */
static _Thread_local struct {
	int open, valid;
	const unsigned char *p;
	size_t n;
	struct sl_jkeys k;
} probe_keys;

void
sl_probe_keys_open(void)
{
	probe_keys.open = 1;
	probe_keys.valid = 0;
}

void
sl_probe_keys_close(void)
{
	probe_keys.open = 0;
	probe_keys.valid = 0;
}

const struct sl_jkeys *
sl_probe_keys(const unsigned char *p, size_t n)
{
	if (!probe_keys.open || !probe_keys.valid || probe_keys.p != p ||
	    probe_keys.n != n) {
		sl_jkeys_probe(p, n, &probe_keys.k);
		probe_keys.p = p;
		probe_keys.n = n;
		probe_keys.valid = probe_keys.open;
	}
	return &probe_keys.k;
}
