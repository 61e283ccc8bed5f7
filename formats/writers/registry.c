/*
 * writers.c: every output target of sl-convert, in --list-targets order.
 */
#include "convert/writer.h"

extern const struct sl_writer sl_writer_text;
extern const struct sl_writer sl_writer_records;
extern const struct sl_writer sl_writer_cw_stream;
extern const struct sl_writer sl_writer_typescript;
extern const struct sl_writer sl_writer_csv;
extern const struct sl_writer sl_writer_asciicast;
extern const struct sl_writer sl_writer_html;

const struct sl_writer *const sl_writer_table[] = {
	&sl_writer_text,
	&sl_writer_records,
	&sl_writer_cw_stream,
	&sl_writer_typescript,
	&sl_writer_csv,
	&sl_writer_asciicast,
	&sl_writer_html,
	NULL
};
