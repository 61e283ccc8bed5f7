/*
 * crskip: the redactor's skip of the renderer on lines whose only moves
 * are CRs (rx_cr_row_clean in lib/redact/redact_detect.c, the row its
 * pieces leave by rx_ac_scan_overlay), or CRs, cursor up and down and
 * whole-row erases (docker's redraws: the rows of rx_ac_scan_rows).  A
 * skipped line is one the redactor never looks at again, so a wrong
 * skip leaks what the screen showed.
 *
 * Input: raw terminal bytes, cut into lines at LF, e.g.
 *	user_billing.md  3% [>   ]  0.4 MB  25.5 MB/s\ruser_billing.md ...
 *
 * Check: every line that the raw scan finds no keyword in and that the
 * skip would not render holds no keyword once rendered either.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "redact/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One engine for the run: building the rules costs more than an input. */
static struct sl_redact *rx;
static uint32_t *cand;

static void
engine(void)
{
	struct sl_error err;

	rx = sl_redact_new(0);
	if (sl_redact_ready(rx, &err) != SL_OK)
		fz_fail("default rules: %s", err.msg);
	cand = sl_xcalloc(rx->rules.n + 1, sizeof(uint32_t));
}

/* The line p[0, n): skipped only if its rendering is clean. */
static void
check_line(const char *p, size_t n, uint32_t *stamp)
{
	int cx;

	if (rx_ac_scan_raw(rx->ac, p, n, cand, ++*stamp, &cx,
	    &rx->rawtext) != 0 || !rx_cr_row_clean(rx, cx, p, n))
		return;
	rx_render(rx, 0, p, n, "\n", 1);	/* its LF, as the engine feeds it */
	if (rx_ac_scan(rx->ac, rx->rend.buf, rx->rend.len, cand, ++*stamp) != 0)
		fz_fail("a line of CRs or rows was not rendered, but its "
		    "rendering holds a keyword: %.*s", (int)rx->rend.len,
		    rx->rend.buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	uint32_t stamp = 0;

	if (rx == NULL)
		engine();
	for (;; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		check_line(p, (size_t)(nl - p), &stamp);
		if (nl == end)
			break;
	}
	return 0;
}
