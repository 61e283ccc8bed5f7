/*
 * registry.c: every input format, in probe order (cheap probes first).
 * The highest bid wins, so order only breaks ties; raw bids 1 and is the
 * fallback for text.  --list-formats prints them in this order.
 */
#include "internal.h"

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
	&sl_format_typescript,
	&sl_format_raw,
	&sl_format_pwsh,
	&sl_format_cw_stream,
	&sl_format_cw_text,
	&sl_format_cw_events,
	&sl_format_cw_export,
	&sl_format_cw_subscription,
	&sl_format_insights,
	&sl_format_describe_sessions,
	&sl_format_cloudtrail,
	&sl_format_records,
	&sl_format_manifest,
	NULL
};
