/*
 * report_html.c: -t html, one self-contained page: no network, no
 * external scripts or fonts.  Charts are inline SVG drawn here; the
 * session table sorts and filters with a small script that reads the
 * DOM.  All data is in the DOM, never inside the script, and everything
 * from the logs is escaped for text and attributes (SVG included).  A
 * Content-Security-Policy allows only this page's own script and style,
 * by hash, so even a missed escape could not run a script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/b64.h"
#include "report/report.h"
#include "convert/writer.h"

/* The CSP source for text: "'sha256-<base64>'" into out (64 bytes). */
static void
csp_hash(const char *text, char out[64])
{
	unsigned char dig[32];
	struct sl_buf b;

	sl_sha256(text, strlen(text), dig);
	sl_buf_init(&b);
	sl_b64_encode(dig, sizeof(dig), &b);
	snprintf(out, 64, "'sha256-%s'", b.buf);
	sl_buf_free(&b);
}

/* ------------------------------------------------------ page furniture */

static const char css[] =
":root{--fg:#1f2328;--muted:#636c76;--line:#d8dee4;--bg:#f6f8fa;"
"--card:#fff;--accent:#2563eb;--accent2:#93b4f5;--warn:#d97706;"
"--warnbg:#fff7e6}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 "
"system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,"
"sans-serif}\n"
"main{max-width:1280px;margin:0 auto;padding:28px 28px 48px}\n"
"h1{font-size:22px;margin:0 0 4px;font-weight:650;letter-spacing:-.01em}\n"
"h2{font-size:16px;margin:32px 0 12px;font-weight:650}\n"
".sub{color:var(--muted);margin:0}\n"
".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,"
"1fr));gap:12px;margin:20px 0 8px}\n"
".card{background:var(--card);border:1px solid var(--line);"
"border-radius:10px;padding:12px 16px}\n"
".card b{display:block;font-size:24px;font-weight:650;"
"font-variant-numeric:tabular-nums}\n"
".card span{color:var(--muted);font-size:13px}\n"
".card.warn{border-color:#f3c77b;background:var(--warnbg)}\n"
".card.warn b{color:var(--warn)}\n"
".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,"
"1fr));gap:12px;margin-top:12px}\n"
"figure{margin:0;background:var(--card);border:1px solid var(--line);"
"border-radius:10px;padding:12px 14px 8px}\n"
"figcaption{font-weight:600;font-size:13px;margin-bottom:6px}\n"
"svg{display:block;width:100%;height:auto}\n"
"svg text{font:11px system-ui,-apple-system,'Segoe UI',Roboto,Arial,"
"sans-serif;fill:var(--muted)}\n"
"svg text.v{fill:var(--fg);font-weight:600}\n"
"svg .bar{fill:var(--accent)}svg .bar2{fill:var(--warn)}\n"
"svg .axis{stroke:var(--line)}\n"
"svg .empty{fill:var(--muted);font-size:12px}\n"
".legend{font-size:12px;color:var(--muted);margin:4px 0 0}\n"
".legend i{display:inline-block;width:9px;height:9px;border-radius:2px;"
"margin:0 4px 0 10px;vertical-align:0}\n"
".legend .l1{background:var(--accent)}.legend .l2{background:var(--warn)}\n"
".tools{display:flex;gap:12px;align-items:center;margin-bottom:10px}\n"
"#filter{flex:0 1 360px;font:inherit;padding:7px 10px;border:1px solid "
"var(--line);border-radius:8px;background:#fff}\n"
"#filter:focus{outline:2px solid var(--accent2);border-color:"
"var(--accent)}\n"
"#shown{color:var(--muted);font-size:13px}\n"
"#pager{display:flex;gap:8px;align-items:center;justify-content:flex-end;"
"margin-top:8px;color:var(--muted);font-size:13px}\n"
"#pager[hidden]{display:none}\n"
"#pager button{font:inherit;padding:3px 10px;border:1px solid var(--line);"
"border-radius:6px;background:#fff;color:var(--fg);cursor:pointer}\n"
".wrap{background:var(--card);border:1px solid var(--line);"
"border-radius:10px;overflow-x:auto}\n"
"table{border-collapse:collapse;width:100%}\n"
"th,td{padding:7px 10px;text-align:left;vertical-align:top;"
"white-space:nowrap}\n"
"th{font-size:12px;font-weight:600;color:var(--muted);background:#fbfcfd;"
"border-bottom:1px solid var(--line);position:sticky;top:0}\n"
"#sessions th{cursor:pointer;user-select:none}\n"
"#sessions th:hover{color:var(--fg)}\n"
"th[aria-sort=ascending]::after{content:' \\25B2';font-size:9px}\n"
"th[aria-sort=descending]::after{content:' \\25BC';font-size:9px}\n"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
"tbody.s{border-top:1px solid #eef1f4}\n"
"tbody.s:first-of-type{border-top:0}\n"
"tbody.s:hover{background:#f8fafc}\n"
"td.id{font:11.5px/1.9 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
"color:var(--muted)}\n"
".pill{display:inline-block;padding:0 7px;border-radius:9px;"
"font-size:12px;background:#eef2f7;color:#3b4452}\n"
".pill.no{background:var(--warnbg);color:var(--warn)}\n"
".pill.note{background:#f1f3f5;color:var(--muted);margin-right:3px}\n"
"tr.more td{padding:0 10px 8px;white-space:normal}\n"
"details summary{cursor:pointer;color:var(--accent);font-size:12px;"
"width:max-content}\n"
"ol.cmds{margin:6px 0 2px;padding:0 0 0 44px;font:12px/1.6 "
"ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
"ol.cmds li{white-space:pre-wrap;word-break:break-all}\n"
"ol.cmds time{color:var(--muted);margin-right:10px}\n"
"ul.notes{margin:6px 0 2px;padding-left:20px;font-size:12px;"
"color:var(--muted)}\n"
".groups{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,"
"1fr));gap:12px}\n"
"table.g th,table.g td{padding:6px 9px}\n"
"td.log{white-space:normal;min-width:120px}\n"
"td.log .pill{margin:0 3px 2px 0}\n"
".groups h2{margin:24px 0 10px}\n"
"td.k{max-width:240px;overflow:hidden;text-overflow:ellipsis}\n"
"td.k .dst{color:var(--muted)}\n"
"td.id{max-width:250px;overflow:hidden;text-overflow:ellipsis}\n"
"details.timeline>summary{margin-bottom:8px}\n"
"td.cmd{font:12px/1.6 ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace;white-space:pre-wrap;word-break:break-all;min-width:300px}\n"
"td.id a{color:var(--accent);text-decoration:none}\n"
"td.id a:hover{text-decoration:underline}\n"
"footer{color:var(--muted);font-size:12px;margin-top:28px}\n"
"footer code{font-size:11px}\n";

/*
 * Reads the DOM only; no data lives in the script.  The sessions are
 * shown a page of PAGE rows at a time: the browser lays out a table of
 * 100 rows, not of 10,000, so filtering and sorting stay well under 200
 * ms (tests/browser/report-scale.sh times them).  Each row's search
 * text and sort keys are read from the DOM once; the rows not on the
 * page are kept out of the table, in the order they sort in, and one
 * replaceChildren() puts a page in (removing rows one by one costs ten
 * times as much).
 */
static const char js[] =
"(function(){\n"
"var t=document.getElementById('sessions'),f=document.getElementById("
"'filter'),shown=document.getElementById('shown'),pg=document."
"getElementById('pager');\n"
"if(!t)return;\n"
"var PAGE=100,page=0,ths=[].slice.call(t.tHead.rows[0].cells),q=[''],"
"all=[].map.call(t.tBodies,function(b){var s=b.textContent;[].forEach."
"call(b.querySelectorAll('[title]'),function(e){s+=' '+e.getAttribute("
"'title');});return {b:b,q:s.toLowerCase(),k:[]};}),rows=all;\n"
"function match(r){return q.every(function(w){return r.q.indexOf(w)>=0;});}\n"
"function show(){var n=Math.max(1,Math.ceil(rows.length/PAGE));if(page>=n)"
"page=n-1;t.replaceChildren.apply(t,[t.tHead].concat(rows.slice(page*PAGE,"
"page*PAGE+PAGE).map(function(r){return r.b;})));shown.textContent=rows.length+' of '+all.length"
"+' sessions';pg.hidden=rows.length<=PAGE;pg.querySelector('span')."
"textContent='page '+(page+1)+' of '+n;}\n"
"pg.querySelector('.prev').addEventListener('click',function(){if(page>0)"
"{page--;show();}});\n"
"pg.querySelector('.next').addEventListener('click',function(){if((page+1)"
"*PAGE<rows.length){page++;show();}});\n"
"f.addEventListener('input',function(){q=f.value.trim().toLowerCase()."
"split(/\\s+/);rows=all.filter(match);page=0;show();});\n"
"function key(r,i,num){if(r.k[i]===undefined){var c=r.b.rows[0].cells[i],"
"v=c.getAttribute('data-v');if(v===null)v=c.textContent;r.k[i]=num?"
"parseFloat(v):v.toLowerCase();}return r.k[i];}\n"
"ths.forEach(function(th,i){th.setAttribute('tabindex','0');"
"function go(){var num=th.classList.contains('n'),d=th.getAttribute("
"'aria-sort')==='ascending'?-1:1;ths.forEach(function(h){h.removeAttribute("
"'aria-sort');});th.setAttribute('aria-sort',d>0?'ascending':"
"'descending');all.forEach(function(r){key(r,i,num);});all.sort("
"function(a,b){var x=a.k[i],y=b.k[i];return x<y?-d:x>y?d:0;});rows=all."
"filter(match);show();}\n"
"th.addEventListener('click',go);th.addEventListener('keydown',function(e)"
"{if(e.key==='Enter')go();});});\n"
"show();\n"
"})();\n";

/* ----------------------------------------------------------- escaping */

/* Text or attribute value: & < > " ' escaped; controls (C0, DEL, C1)
 * become U+FFFD. */
static void
esc_n(struct rw *w, const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *e = NULL;

		switch (c) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		case '\n': case '\t': break;
		default:
			if (c < 0x20 || c == 0x7f)
				e = "\xef\xbf\xbd";
		}
		/* C1 (U+0080..U+009F, as UTF-8): U+FFFD too. */
		if (c == 0xc2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			rw_n(w, s + i - run, run);
			run = 0;
			rw_s(w, "\xef\xbf\xbd");
			i++;
			continue;
		}
		if (e == NULL) {
			run++;
			continue;
		}
		rw_n(w, s + i - run, run);
		run = 0;
		rw_s(w, e);
	}
	rw_n(w, s + n - run, run);
}

static void
esc(struct rw *w, const char *s)
{
	if (s != NULL)
		esc_n(w, s, strlen(s));
}

/* Up to max code points of s, with an ellipsis when cut. */
static void
esc_cut(struct rw *w, const char *s, size_t max)
{
	size_t i = 0, cps = 0;

	while (s[i] != '\0' && cps < max) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cps++;
	}
	esc_n(w, s, i);
	if (s[i] != '\0')
		rw_s(w, "\xe2\x80\xa6");
}

/* ------------------------------------------------------------- charts */

#define CW	560	/* chart viewBox width: about its width on a laptop */
#define CH	200	/* and height */
#define BAR_LABEL	26	/* code points of a bar's label */
#define TIMELINE_OPEN	1000	/* commands of a timeline shown unfolded */

struct bar {
	const char *label;
	const char *full;	/* the tooltip's, when label is cut */
	long long v, v2;	/* v2: the part drawn in the second colour */
};

/* ": 3 sessions", ": 1 session" (unit is a plural in s). */
static void
bar_count(struct rw *w, long long v, const char *unit)
{
	rw_printf(w, ": %lld %.*s", v, (int)strlen(unit) - (v == 1), unit);
}

static int
digits(long long v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Vertical bars with labels under the first, middle and last. */
static void
vbars(struct rw *w, const char *id, const struct bar *b, size_t n,
    int every_label, const char *unit)
{
	const int left = 30, right = 8, top = 14, bottom = 24;
	double pw = CW - left - right, ph = CH - top - bottom, bw, x;
	long long max = 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i].v > max)
			max = b[i].v;
	rw_printf(w, "<svg id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\">", id,
	    CW, CH);
	rw_printf(w, "<line class=\"axis\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
	    "y2=\"%.1f\"/>", left, top + ph, CW - right, top + ph);
	rw_printf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>"
	    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">0</text>",
	    left - 4, top + 4, max, left - 4, top + ph + 4);
	if (n == 0)
		rw_printf(w, "<text class=\"empty\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\">no sessions</text>", CW / 2, CH / 2);
	bw = n > 0 ? pw / (double)n : pw;
	for (i = 0; i < n; i++) {
		double gap = bw > 6 ? bw * 0.18 : 0.5;
		double h = ph * (double)b[i].v / (double)max;
		double h2 = ph * (double)b[i].v2 / (double)max;

		x = left + bw * (double)i;
		rw_printf(w, "<g><title>");
		esc(w, b[i].label);
		bar_count(w, b[i].v, unit);
		if (b[i].v2 > 0)
			rw_printf(w, " (%lld without transcript)", b[i].v2);
		rw_printf(w, "</title><rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\" rx=\"2\"/>", x + gap / 2,
		    top + ph - h, bw - gap, h - h2);
		if (b[i].v2 > 0)
			rw_printf(w, "<rect class=\"bar2\" x=\"%.2f\" y=\"%.2f\" "
			    "width=\"%.2f\" height=\"%.2f\"/>", x + gap / 2,
			    top + ph - h2, bw - gap, h2);
		/* A value over its bar only where it fits (7 px a digit). */
		if (b[i].v > 0 && bw >= 7.0 * digits(b[i].v) + 4)
			rw_printf(w, "<text class=\"v\" x=\"%.2f\" y=\"%.2f\" "
			    "text-anchor=\"middle\">%lld</text>", x + bw / 2,
			    top + ph - h - 3, b[i].v);
		rw_s(w, "</g>");
		if (every_label || i == 0 || i == n - 1 ||
		    (n > 4 && i == n / 2)) {
			rw_printf(w, "<text x=\"%.2f\" y=\"%d\" text-anchor=\""
			    "%s\">", x + bw / 2, CH - 8, every_label ? "middle" :
			    i == 0 && n > 1 ? "start" : i == n - 1 && n > 1 ?
			    "end" : "middle");
			esc(w, b[i].label);
			rw_s(w, "</text>");
		}
	}
	rw_s(w, "</svg>");
}

/* Horizontal bars, label left, value right. */
static void
hbars(struct rw *w, const char *id, const struct bar *b, size_t n,
    const char *unit)
{
	const int label = 190, right = 40, row = 24, top = 6;
	double pw = CW - label - right;
	long long max = 1;
	size_t i;
	int h = n > 0 ? top + row * (int)n + 4 : CH;

	for (i = 0; i < n; i++)
		if (b[i].v > max)
			max = b[i].v;
	rw_printf(w, "<svg id=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\">", id,
	    CW, h < CH ? CH : h);
	if (n == 0)
		rw_printf(w, "<text class=\"empty\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\">no sessions</text>", CW / 2, CH / 2);
	for (i = 0; i < n; i++) {
		double y = top + row * (double)i, bw = pw * (double)b[i].v /
		    (double)max, bw2 = pw * (double)b[i].v2 / (double)max;

		rw_s(w, "<g><title>");
		esc(w, b[i].full != NULL ? b[i].full : b[i].label);
		bar_count(w, b[i].v, unit);
		if (b[i].v2 > 0)
			rw_printf(w, " (%lld without transcript)", b[i].v2);
		rw_printf(w, "</title><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\">", label - 8, y + 15);
		esc_cut(w, b[i].label, BAR_LABEL);
		rw_printf(w, "</text><rect class=\"bar\" x=\"%d\" y=\"%.1f\" "
		    "width=\"%.2f\" height=\"16\" rx=\"2\"/>", label, y + 3,
		    bw - bw2 > 0 ? bw - bw2 : 0);
		if (b[i].v2 > 0)
			rw_printf(w, "<rect class=\"bar2\" x=\"%.2f\" "
			    "y=\"%.1f\" width=\"%.2f\" height=\"16\"/>",
			    label + bw - bw2, y + 3, bw2);
		rw_printf(w, "<text class=\"v\" x=\"%.2f\" y=\"%.1f\">%lld"
		    "</text></g>", label + bw + 6, y + 15, b[i].v);
	}
	rw_s(w, "</svg>");
}

static void
legend(struct rw *w)
{
	rw_s(w, "<p class=\"legend\"><i class=\"l1\"></i>with transcript"
	    "<i class=\"l2\"></i>without</p>");
}

/*
 * The time chart has a bar for every day of the range, none left out, so
 * that bar spacing is time; a long range has a bar a week or a month.
 */
#define DAY_MS		86400000LL
#define MAX_DAY_BARS	92	/* about three months of days */
#define MAX_WEEK_BARS	157	/* about three years of weeks */

enum period { PER_DAY, PER_WEEK, PER_MONTH };

/* Days since 1970-01-01 of "YYYY-MM-DD". */
static long long
day_number(const char *day)
{
	char buf[32];
	long long ms = 0;

	snprintf(buf, sizeof(buf), "%.10sT00:00:00Z", day);
	sl_time_rfc3339(buf, strlen(buf), &ms);
	return ms / DAY_MS;
}

/* The bucket of a day: the day, its week's Monday, or year*12+month. */
static long long
bucket_of(long long d, enum period p)
{
	char t[25];

	switch (p) {
	case PER_DAY:
		return d;
	case PER_WEEK:
		return d - ((d % 7 + 7 + 3) % 7);	/* 1970-01-01: Thursday */
	case PER_MONTH:
		sl_time_format(d * DAY_MS, t);
		return atoll(t) * 12 + atoll(t + 5) - 1;
	}
	return d;
}

static void
bucket_label(long long b, enum period p, char out[48])
{
	char t[25];

	if (p == PER_MONTH) {
		snprintf(out, 48, "%04lld-%02lld", b / 12, b % 12 + 1);
		return;
	}
	sl_time_format(b * DAY_MS, t);
	snprintf(out, 48, "%.10s", t);
}

static void
chart_days(struct rw *w, const struct rv_report *v)
{
	static const char *const caption[] = { "Sessions per day (UTC)",
	    "Sessions per week (UTC, weeks from Monday)",
	    "Sessions per month (UTC)" };
	enum period p = PER_DAY;
	long long first = 0, last = 0, step, k;
	struct bar *b = NULL;
	char (*labels)[48] = NULL;
	size_t i, n = 0;

	if (v->ndays > 0) {
		/* v->days is in day order. */
		first = day_number(v->days[0].key);
		last = day_number(v->days[v->ndays - 1].key);
		if (last - first >= MAX_WEEK_BARS * 7)
			p = PER_MONTH;
		else if (last - first >= MAX_DAY_BARS)
			p = PER_WEEK;
		step = p == PER_WEEK ? 7 : 1;
		first = bucket_of(first, p);
		last = bucket_of(last, p);
		n = (size_t)((last - first) / step + 1);
	}
	b = sl_xcalloc(n + 1, sizeof(*b));
	labels = sl_xcalloc(n + 1, sizeof(*labels));
	for (i = 0; i < n; i++) {
		bucket_label(first + (long long)i * (p == PER_WEEK ? 7 : 1), p,
		    labels[i]);
		b[i].label = labels[i];
	}
	for (i = 0; i < v->ndays; i++) {
		k = bucket_of(day_number(v->days[i].key), p) - first;
		k /= p == PER_WEEK ? 7 : 1;
		b[k].v += v->days[i].sessions;
		b[k].v2 += v->days[i].sessions - v->days[i].with_transcript;
	}
	rw_printf(w, "<figure><figcaption>%s</figcaption>", caption[p]);
	vbars(w, "chart-days", b, n, n <= 10, "sessions");
	legend(w);
	rw_s(w, "</figure>\n");
	free(labels);
	free(b);
}

static void
chart_top(struct rw *w, const char *id, const char *title,
    const struct rv_group *g, size_t n, int users)
{
	struct bar b[8] = { { 0 } };
	struct sl_buf label[8];
	size_t i, k = n < 8 ? n : 8;

	for (i = 0; i < k; i++) {
		sl_buf_init(&label[i]);
		if (users && g[i].key != NULL)
			report_user_label(g[i].key, BAR_LABEL, &label[i]);
		b[i].label = g[i].key == NULL ? "(unknown)" : users ?
		    label[i].buf : g[i].key;
		b[i].full = g[i].key;
		b[i].v = g[i].sessions;
		b[i].v2 = g[i].sessions - g[i].with_transcript;
	}
	rw_printf(w, "<figure><figcaption>%s</figcaption>", title);
	hbars(w, id, b, k, "sessions");
	legend(w);
	rw_s(w, "</figure>\n");
	for (i = 0; i < k; i++)
		sl_buf_free(&label[i]);
}

static void
chart_durations(struct rw *w, const struct rv_report *v)
{
	static const char *const label[] = { "<1m", "1-5m", "5-15m",
	    "15-60m", "1-4h", "4h+", "unknown" };
	static const long long upto[] = { 60000, 300000, 900000, 3600000,
	    14400000 };
	struct bar b[7];
	size_t i;
	int k;

	memset(b, 0, sizeof(b));
	for (k = 0; k < 7; k++)
		b[k].label = label[k];
	for (i = 0; i < v->ns; i++) {
		long long d = v->s[i].duration_ms;

		for (k = 0; k < 5 && d != RV_NONE && d >= upto[k]; k++)
			;
		k = d == RV_NONE ? 6 : k;
		b[k].v++;
		b[k].v2 += !v->s[i].transcript;
	}
	rw_s(w, "<figure><figcaption>Session durations</figcaption>");
	vbars(w, "chart-durations", b, 7, 1, "sessions");
	legend(w);
	rw_s(w, "</figure>\n");
}

/* ------------------------------------------------------------- tables */

static void
td(struct rw *w, const char *cls, const char *s)
{
	rw_printf(w, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
	    cls ? "\"" : "");
	if (s != NULL)
		esc(w, s);
	else
		rw_s(w, "\xe2\x80\x93");
	rw_s(w, "</td>");
}

/* A cell that may be cut with an ellipsis: the whole value in title. */
static void
td_cut(struct rw *w, const char *cls, const char *s)
{
	if (s == NULL) {
		td(w, NULL, NULL);
		return;
	}
	rw_printf(w, "<td class=\"%s\" title=\"", cls);
	esc(w, s);
	rw_s(w, "\">");
	esc(w, s);
	rw_s(w, "</td>");
}

#define USER_COLS	30	/* a user cell: within td.k's 240 px */

/* A user told apart by the end of the name; the whole ARN in title. */
static void
td_user(struct rw *w, const char *u)
{
	struct sl_buf label;

	if (u == NULL) {
		td(w, NULL, NULL);
		return;
	}
	sl_buf_init(&label);
	report_user_label(u, USER_COLS, &label);
	rw_s(w, "<td class=\"k\" title=\"");
	esc(w, u);
	rw_s(w, "\" data-v=\"");
	esc(w, u);
	rw_s(w, "\">");
	esc(w, label.buf);
	rw_s(w, "</td>");
	sl_buf_free(&label);
}

/* The target, and under it where a port-forwarding session went. */
static void
td_target(struct rw *w, const struct rv_session *s)
{
	if (s->target_label == s->target) {
		td_cut(w, "k", s->target);
		return;
	}
	rw_s(w, "<td class=\"k\" title=\"");
	esc(w, s->target_label);
	rw_s(w, "\">");
	if (s->target != NULL)
		esc(w, s->target);
	else
		rw_s(w, "\xe2\x80\x93");
	rw_s(w, "<br><small class=\"dst\">");
	if (s->remote_host != NULL) {
		rw_s(w, "\xe2\x86\x92 ");
		esc(w, s->remote_host);
	} else
		rw_s(w, "port");
	if (s->port_number != NULL) {
		rw_s(w, s->remote_host != NULL ? ":" : " ");
		esc(w, s->port_number);
	}
	rw_s(w, "</small></td>");
}

/*
 * The session id, linked to its transcript page when the pages are made
 * too (--pages): sl-convert -t html --split names a page after the id
 * made safe (sl_w_safe_name), so the link is known without the pages.
 */
static void
td_session(struct rw *w, const struct rv_report *v, const char *id)
{
	char *name;

	if (v->pages == NULL) {
		td_cut(w, "id", id != NULL ? id : "(unknown)");
		return;
	}
	name = sl_w_safe_name(id, ".html");
	rw_s(w, "<td class=\"id\" title=\"");
	esc(w, id != NULL ? id : "(unknown)");
	rw_s(w, "\"><a href=\"");
	esc(w, v->pages);
	esc(w, name);
	rw_s(w, "\">");
	esc(w, id != NULL ? id : "(unknown)");
	rw_s(w, "</a></td>");
	free(name);
}

/* A time cell: sortable as text (RFC 3339); unknown sorts last. */
static void
td_time(struct rw *w, const char *t)
{
	rw_printf(w, "<td data-v=\"%s\">", t != NULL ? t : "~");
	if (t != NULL) {
		rw_n(w, t, 10);
		rw_c(w, ' ');
		rw_n(w, t + 11, 8);
	} else
		rw_s(w, "\xe2\x80\x93");
	rw_s(w, "</td>");
}

static void
li_fact(struct rw *w, const char *what, const char *s)
{
	if (s == NULL)
		return;
	rw_s(w, "<li>");
	rw_s(w, what);
	rw_c(w, ' ');
	esc(w, s);
	rw_s(w, "</li>");
}

/* The log cell: was there a transcript, and what the notes say. */
static void
td_log(struct rw *w, const struct rv_session *s)
{
	size_t i;

	rw_printf(w, "<td class=\"log\"><span class=\"pill%s\">%s</span>",
	    s->transcript ? "" : " no", s->transcript ? "transcript" :
	    "no transcript");
	for (i = 0; i < s->nnotes; i++) {
		if (strcmp(s->notes[i].code, SL_NOTE_NO_TRANSCRIPT) == 0)
			continue;	/* the pill says it */
		rw_s(w, "<span class=\"pill note\" title=\"");
		esc(w, s->notes[i].text);
		rw_s(w, "\">");
		esc(w, s->notes[i].code);
		if (s->notes[i].n > 1)
			rw_printf(w, " \xc3\x97%lld", s->notes[i].n);
		rw_s(w, "</span>");
	}
	rw_s(w, "</td>");
}

/* The facts of a session beyond its row, when it has any. */
static void
ul_facts(struct rw *w, const struct rv_session *s)
{
	if (s->host == NULL && s->run_as == NULL && s->owner == NULL &&
	    s->target_label == s->target)
		return;
	rw_s(w, "<ul class=\"notes\">");
	li_fact(w, "owner", s->owner);
	li_fact(w, "host", s->host);
	li_fact(w, "run as", s->run_as);
	li_fact(w, "remote host", s->remote_host);
	li_fact(w, "port", s->port_number);
	li_fact(w, "local port", s->local_port_number);
	rw_s(w, "</ul>");
}

/* The commands that ran, with their times. */
static void
ol_cmds(struct rw *w, const struct rv_session *s)
{
	struct rv_cmditer it;
	const struct rv_cmd *c;

	rw_s(w, "<ol class=\"cmds\">");
	for (report_cmds_begin(s, &it); (c = report_cmds_next(&it)) != NULL;) {
		if (c->flags != 0)
			continue;	/* never ran */
		rw_s(w, "<li>");
		if (c->time != NULL)
			rw_printf(w, "<time>%.8s</time>", c->time + 11);
		esc_n(w, c->text, c->len);
		rw_s(w, "</li>");
	}
	rw_s(w, "</ol>");
}

/* Notes, each with how many more of its kind there were. */
static void
ul_notes(struct rw *w, const struct rv_note *notes, size_t n)
{
	size_t i;

	rw_s(w, "<ul class=\"notes\">");
	for (i = 0; i < n; i++) {
		rw_s(w, "<li><b>");
		esc(w, notes[i].code);
		rw_s(w, "</b>: ");
		esc(w, notes[i].text);
		if (notes[i].n > 1)
			rw_printf(w, " (and %lld more)", notes[i].n - 1);
		rw_s(w, "</li>");
	}
	rw_s(w, "</ul>");
}

/* The row that opens: facts, commands, notes. */
static void
tr_more(struct rw *w, const struct rv_session *s)
{
	if (s->commands == 0 && s->nnotes == 0 && s->host == NULL &&
	    s->run_as == NULL && s->target_label == s->target)
		return;
	rw_s(w, "<tr class=\"more\"><td colspan=\"9\"><details><summary>");
	if (s->commands > 0)
		rw_printf(w, "%lld command%s", s->commands,
		    s->commands == 1 ? "" : "s");
	else
		rw_s(w, "details");
	rw_s(w, "</summary>");
	ul_facts(w, s);
	if (s->commands > 0)
		ol_cmds(w, s);
	if (s->nnotes > 0)
		ul_notes(w, s->notes, s->nnotes);
	rw_s(w, "</details></td></tr>");
}

static void
session_row(struct rw *w, const struct rv_report *v,
    const struct rv_session *s)
{
	char dur[32];

	rw_s(w, "<tbody class=\"s\"");
	if (v->pages != NULL) {
		/* The anchor a page links back to (formats/writers/html.c). */
		char *name = sl_w_safe_name(s->id, "");

		rw_s(w, " id=\"s-");
		esc(w, name);
		rw_c(w, '"');
		free(name);
	}
	rw_s(w, "><tr>");
	td_time(w, s->start);
	td_time(w, s->end);
	report_human_duration(s->duration_ms == RV_NONE ? -1 :
	    s->duration_ms, dur, sizeof(dur));
	rw_printf(w, "<td class=\"n\" data-v=\"%lld\">%s</td>",
	    s->duration_ms == RV_NONE ? -1 : s->duration_ms,
	    s->duration_ms == RV_NONE ? "\xe2\x80\x93" : dur);
	td_user(w, s->user);
	td_target(w, s);
	td_cut(w, "k", s->kind);
	rw_printf(w, "<td class=\"n\">%lld</td>", s->commands);
	td_session(w, v, s->id);
	td_log(w, s);
	rw_s(w, "</tr>");
	tr_more(w, s);
	rw_s(w, "</tbody>\n");
}

/* The command timeline (--commands): every command, in time order. */
static void
commands_table(struct rw *w, const struct rv_report *v)
{
	struct rv_timeline tl;
	const struct rv_session *s;
	const struct rv_cmd *c;
	size_t i;

	/* Folded when long: a closed <details> is not laid out, so a
	 * timeline of 30,000 commands does not slow the page down. */
	rw_printf(w, "<h2>Commands</h2>\n<details class=\"timeline\"%s>"
	    "<summary>%zu command%s in time order</summary>\n",
	    v->ntimeline <= TIMELINE_OPEN ? " open" : "", v->ntimeline,
	    v->ntimeline == 1 ? "" : "s");
	rw_s(w, "<div class=\"wrap\"><table class=\"g\" "
	    "id=\"commands\"><thead><tr><th>Time (UTC)</th><th>User</th>"
	    "<th>Target</th><th>Host</th><th>Session</th><th>Flags</th>"
	    "<th>Command</th>"
	    "</tr></thead><tbody>\n");
	report_timeline_begin(v, &tl);
	for (i = 0; (c = report_timeline_next(&tl, &s)) != NULL; i++) {

		rw_s(w, "<tr><td>");
		if (c->time != NULL)
			rw_printf(w, "%.10s %.8s", c->time, c->time + 11);
		else
			rw_s(w, "\xe2\x80\x93");
		rw_s(w, "</td>");
		td_user(w, s->user);
		td_target(w, s);
		td_cut(w, "k", s->host);
		td_session(w, v, s->id);
		rw_s(w, "<td>");
		if (c->flags != 0)
			rw_printf(w, "<span class=\"pill no\">%s</span>",
			    report_cmd_flags(c->flags));
		rw_s(w, "</td><td class=\"cmd\">");
		esc_n(w, c->text, c->len);
		rw_s(w, "</td></tr>\n");
	}
	report_timeline_end(&tl);
	rw_s(w, "</tbody></table></div></details>\n");
}

static void
group_table(struct rw *w, const char *title, const char *name,
    const char *dname, const struct rv_group *g, size_t n, int users)
{
	char d[32];
	size_t i;

	rw_printf(w, "<section><h2>%s</h2><div class=\"wrap\"><table "
	    "class=\"g\"><thead><tr><th>%s</th><th class=\"n\">Sessions</th>"
	    "<th class=\"n\">No log</th><th class=\"n\">Cmds</th>"
	    "<th class=\"n\">Time</th><th class=\"n\">%s</th></tr></thead>"
	    "<tbody>", title, name, dname);
	for (i = 0; i < n; i++) {
		rw_s(w, "<tr>");
		if (users)
			td_user(w, g[i].key);
		else
			td_cut(w, "k", g[i].key != NULL ? g[i].key :
			    "(unknown)");
		report_human_duration(g[i].timed > 0 ? g[i].duration_ms : -1, d,
		    sizeof(d));
		if (g[i].timed == 0)
			strcpy(d, "\xe2\x80\x93");
		rw_printf(w, "<td class=\"n\">%lld</td><td class=\"n\">%lld"
		    "</td><td class=\"n\">%lld</td><td class=\"n\">%s</td>"
		    "<td class=\"n\">%lld</td></tr>", g[i].sessions,
		    g[i].sessions - g[i].with_transcript, g[i].commands, d,
		    g[i].distinct);
	}
	rw_s(w, "</tbody></table></div></section>\n");
}

static void
card(struct rw *w, long long v, const char *label, int warn)
{
	rw_printf(w, "<div class=\"card%s\"><b>%lld</b><span>%s</span></div>",
	    warn ? " warn" : "", v, label);
}

static void
say_part(struct rw *w, const char *sentence)
{
	rw_s(w, " \xc2\xb7 ");
	esc(w, sentence);
}

/* Everything up to <body>: the policy allows this page's own script
 * and style, by hash, and nothing else. */
static void
html_head(struct rw *w)
{
	char hs[64], hc[64];

	csp_hash(js, hs);
	csp_hash(css, hc);
	rw_s(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n");
	rw_printf(w, "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; script-src %s; style-src %s; img-src data:; "
	    "base-uri 'none'; form-action 'none'\">\n", hs, hc);
	rw_s(w, "<meta name=\"generator\" content=\"sl-report " SL_VERSION
	    "\">\n<title>Session Manager sessions</title>\n<style>");
	rw_s(w, css);
	rw_s(w, "</style>\n</head>\n");
}

/* The line under the title: when, what was read, the filters. */
static void
sub_line(struct rw *w, const struct rv_report *v)
{
	char bytes[32];

	if (v->first_start != NULL) {
		rw_printf(w, "Started %.10s %.5s \xe2\x80\x93 %.10s %.5s UTC",
		    v->first_start, v->first_start + 11, v->last_start,
		    v->last_start + 11);
		rw_s(w, " \xc2\xb7 ");
	}
	report_human_bytes(v->st.bytes, bytes, sizeof(bytes));
	rw_printf(w, "%zu input%s, %lld file%s, %s read", v->ninputs,
	    v->ninputs == 1 ? "" : "s", v->st.inputs,
	    v->st.inputs == 1 ? "" : "s", bytes);
	if (v->since == NULL && v->until == NULL && v->user_glob == NULL &&
	    v->target_glob == NULL)
		return;
	rw_s(w, " \xc2\xb7 filtered:");
	if (v->since != NULL)
		rw_printf(w, " since %s", v->since);
	if (v->until != NULL)
		rw_printf(w, " until %s", v->until);
	if (v->user_glob != NULL) {
		rw_s(w, " user ");
		esc(w, v->user_glob);
	}
	if (v->target_glob != NULL) {
		rw_s(w, " target ");
		esc(w, v->target_glob);
	}
}

static void
cards_and_charts(struct rw *w, const struct rv_report *v)
{
	rw_s(w, "<section class=\"cards\">");
	card(w, v->sessions, "sessions", 0);
	card(w, v->nusers, "users", 0);
	card(w, v->ntargets, "targets", 0);
	card(w, v->commands, "commands", 0);
	card(w, v->sessions - v->with_transcript, "without transcript",
	    v->sessions > v->with_transcript);
	if (v->rejected > 0)
		card(w, v->rejected, "input units rejected", 1);
	rw_s(w, "</section>\n<section class=\"charts\">\n");
	chart_days(w, v);
	chart_top(w, "chart-users", "Top users", v->users, v->nusers_g, 1);
	chart_top(w, "chart-targets", "Top targets", v->targets,
	    v->ntargets_g, 0);
	chart_durations(w, v);
	rw_s(w, "</section>\n");
}

static void
sessions_table(struct rw *w, const struct rv_report *v)
{
	size_t i;

	rw_s(w, "<h2>Sessions</h2>\n<div class=\"tools\">"
	    "<input id=\"filter\" type=\"search\" placeholder=\"Filter: user, "
	    "target, command, note\xe2\x80\xa6\" aria-label=\"Filter sessions\">"
	    "<span id=\"shown\"></span></div>\n<div class=\"wrap\">"
	    "<table id=\"sessions\"><thead><tr><th>Start (UTC)</th>"
	    "<th>End (UTC)</th><th class=\"n\">Duration</th><th>User</th><th>Target</th>"
	    "<th>Kind</th><th class=\"n\">Cmds</th><th>Session</th>"
	    "<th>Log</th></tr></thead>\n");
	for (i = 0; i < v->ns; i++)
		session_row(w, v, &v->s[i]);
	/* Filled in by the script; hidden when all rows fit on a page. */
	rw_s(w, "</table></div>\n<div id=\"pager\" hidden><button "
	    "type=\"button\" class=\"prev\">\xe2\x80\xb9 Previous</button>"
	    "<span></span><button type=\"button\" class=\"next\">Next "
	    "\xe2\x80\xba</button></div>\n");
}

static void
footer(struct rw *w, const struct rv_report *v)
{
	size_t i;

	rw_s(w, "<footer>");
	if (v->ngnotes > 0)
		ul_notes(w, v->gnotes, v->ngnotes);
	rw_s(w, "Inputs: ");
	for (i = 0; i < v->ninputs; i++) {
		rw_s(w, i > 0 ? ", <code>" : "<code>");
		esc(w, v->inputs[i]);
		rw_s(w, "</code>");
	}
	rw_s(w, ". Generated by sl-report " SL_VERSION ".</footer>\n");
}

void
report_html(struct rw *w, const struct rv_report *v)
{
	html_head(w);
	rw_s(w, "<body>\n<main>\n<h1>Session Manager sessions</h1>\n"
	    "<p class=\"sub\">");
	sub_line(w, v);
	report_placement(w, v, say_part);
	rw_s(w, "</p>\n");
	cards_and_charts(w, v);
	sessions_table(w, v);
	if (v->want_timeline)
		commands_table(w, v);
	rw_s(w, "<div class=\"groups\">\n");
	group_table(w, "Users", "User", "Targets", v->users, v->nusers_g, 1);
	group_table(w, "Targets", "Target", "Users", v->targets,
	    v->ntargets_g, 0);
	group_table(w, "Days (UTC)", "Day", "Users", v->days, v->ndays, 0);
	rw_s(w, "</div>\n");
	footer(w, v);
	rw_s(w, "</main>\n<script>");
	rw_s(w, js);
	rw_s(w, "</script>\n</body>\n</html>\n");
}
