/*
 * report_write.c: sl_report_write(), which builds the view model once
 * and hands it to the renderer of the chosen type.  The one place that
 * knows every renderer.
 */
#include <string.h>

#include "report/report.h"

/* Every renderer, by type: a new one is one more line here. */
static void (*const renderers[])(struct rw *, const struct rv_report *) = {
	[SL_REPORT_TEXT] = report_text,
	[SL_REPORT_CSV] = report_csv,
	[SL_REPORT_JSON] = report_json,
	[SL_REPORT_MD] = report_md,
	[SL_REPORT_HTML] = report_html,
};

int
sl_report_write(struct sl_report *rep, enum sl_report_type type,
    struct sl_out *o)
{
	struct rv_report *v = report_view(rep);
	struct rw w;

	memset(&w, 0, sizeof(w));
	w.o = o;
	w.ob = sl_out_buf(o);
	sl_buf_init(&w.b);
	if ((size_t)type < sizeof(renderers) / sizeof(renderers[0]) &&
	    renderers[type] != NULL)
		renderers[type](&w, v);
	/* The renderers append in place (report_rw.c): o's own again. */
	if (sl_out_appended(o) != SL_OK)
		w.err = 1;
	sl_buf_free(&w.b);
	sl_buf_reset(&rep->left_out);
	report_left_out(v, &rep->left_out);
	w.err |= report_view_failed(v);	/* commands lost on the way */
	report_view_free(v);
	return w.err ? SL_FATAL : SL_OK;
}
