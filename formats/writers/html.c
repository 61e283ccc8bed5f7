/*
 * w_html: a self-contained page (no scripts, no outside resources), one
 * per session with --split, else one for all:
 *
 *	<section class="session" id="s1"><h1>Session <code>jdoe-...</code>
 *	<dl class="facts">...</dl>
 *	<nav class="toc"><h2>Commands (15)</h2><ol>
 *	  <li><a href="#s1-2"><span class="tp">ssm-user@...$ </span>cd /srv/app
 *	...
 *	<div class="log">
 *	<div class="l cmd" id="s1-2" data-n="2"><span class="p">...</span>
 *	  <span class="c">cd /srv/app</span></div>
 *
 * Colours and attributes come from the renderer's SGR spans (classes for
 * the 16 basic colours, inline colours for the rest of the xterm-256
 * palette).  Every byte of log text is escaped, and the page forbids
 * scripts (Content-Security-Policy) in case anything ever slipped by.
 * The table of contents is written from a first pass over the spooled
 * session, so memory holds one line at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "convert/writer.h"

#define PAGE_LINES	200	/* lines of a .pg block: 270em high */

struct html {
	struct sl_buf b;
};

static const char *const basic[16] = {
	"#2e3436", "#cc0000", "#4e9a06", "#c4a000", "#3465a4", "#75507b",
	"#06989a", "#d3d7cf", "#555753", "#ef2929", "#8ae234", "#fce94f",
	"#729fcf", "#ad7fa8", "#34e2e2", "#eeeeec"
};

static const char style[] =
":root{color-scheme:dark}\n"
"body{margin:0;background:#181a1b;color:#d0d0d0;"
"font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif}\n"
"header.page,section.session{max-width:1200px;margin:0 auto;"
"padding:1em 1.5em}\n"
"section.session+section.session{border-top:2px solid #333}\n"
"h1{font-size:1.4em;margin:.3em 0}h2{font-size:1.1em;margin:.8em 0 .3em}\n"
"code,.log{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace}\n"
"dl.facts{display:grid;grid-template-columns:max-content 1fr;"
"gap:.1em 1em;margin:.5em 0}\n"
"dl.facts dt{color:#8a8a8a}dl.facts dd{margin:0;word-break:break-all}\n"
"nav ol{margin:.2em 0;padding-left:2.5em}nav li{margin:.1em 0}\n"
"p.back{margin:.2em 0;font-size:.9em}p.back a{color:#7cb7ff;"
"text-decoration:none}\n"
"nav a{color:#7cb7ff;text-decoration:none}nav a:hover{text-decoration:"
"underline}\n"
".toc a{font-family:ui-monospace,Menlo,Consolas,monospace;"
"white-space:pre-wrap}\n"
".tp{color:#8a8a8a}.when{color:#8a8a8a;font-size:.9em;margin-left:.5em}\n"
".log{background:#101112;color:#d0d0d0;font-size:13px;line-height:1.35;"
"overflow-x:auto;padding:.5em 0;border-radius:4px}\n"
/* A block of PAGE_LINES lines: off screen, the browser neither lays it
 * out nor paints it (its height is estimated, then remembered), so a
 * session of a million lines opens as fast as one of a hundred. */
".pg{content-visibility:auto;contain-intrinsic-size:auto 0px auto 270em;"
"width:max-content;min-width:100%}\n"
".l{white-space:pre;min-height:1.35em;padding:0 1em 0 5em;"
"position:relative;width:max-content;min-width:calc(100% - 6em)}\n"
".l::before{content:attr(data-n);position:absolute;left:0;width:4em;"
"text-align:right;color:#555}\n"
".l.cmd{background:#17283a;box-shadow:inset 3px 0 #4aa3ff}\n"
".l.cmd .c,.l.cont .c{font-weight:bold;color:#fff}\n"
".l.cancelled .c,.l.redrawn .c{text-decoration:line-through;color:#8a8a8a}\n"
".l.cancelled::after{content:\"  cancelled\";color:#e0b44c}\n"
".l.redrawn::after{content:\"  redrawn\";color:#8a8a8a}\n"
".l:target{outline:1px solid #ffd54a}\n"
".note{white-space:pre-wrap;color:#e0b44c;font-style:italic;"
"padding:0 1em 0 5em}\n"
".b{font-weight:bold}.d{opacity:.6}.i{font-style:italic}"
".u{text-decoration:underline}.s{text-decoration:line-through}"
".u.s{text-decoration:underline line-through}.h{opacity:.3}"
".k{text-decoration:underline dotted}\n"
".rf{color:#101112}.rb{background:#d0d0d0}\n";

static void
hex_color(struct sl_buf *b, unsigned c)
{
	static const unsigned lv[6] = { 0, 95, 135, 175, 215, 255 };
	unsigned r, g, bl;

	if (c < 16) {
		sl_buf_adds(b, basic[c]);
		return;
	}
	if (c < 232) {
		c -= 16;
		r = lv[c / 36];
		g = lv[(c / 6) % 6];
		bl = lv[c % 6];
	} else
		r = g = bl = 8 + 10 * (c - 232);
	sl_buf_printf(b, "#%02x%02x%02x", r, g, bl);
}

/* Open a span for attribute a; returns 0 when a needs none. */
static int
open_attr(struct sl_buf *b, uint32_t a)
{
	unsigned fg = SL_ATTR_FG(a), bg = SL_ATTR_BG(a), t;
	int rev = (a & SL_ATTR_REVERSE) != 0, cls = 0, sty = 0;
	static const struct { uint32_t bit; const char *name; } flags[] = {
		{ SL_ATTR_BOLD, "b" }, { SL_ATTR_DIM, "d" },
		{ SL_ATTR_ITALIC, "i" }, { SL_ATTR_UNDERLINE, "u" },
		{ SL_ATTR_STRIKE, "s" }, { SL_ATTR_HIDDEN, "h" },
		{ SL_ATTR_BLINK, "k" }
	};
	size_t i;

	if ((a & ~SL_ATTR_REVERSE) == SL_ATTR_DEFAULT && !rev)
		return 0;
	if (rev) {
		t = fg;
		fg = bg;
		bg = t;
	}
	sl_buf_adds(b, "<span class=\"");
#define CLS(...) do { if (cls++) sl_buf_addc(b, ' '); \
	sl_buf_printf(b, __VA_ARGS__); } while (0)
	if (fg < 16)
		CLS("f%u", fg);
	else if (fg == SL_COLOR_DEFAULT && rev)
		CLS("rf");
	if (bg < 16)
		CLS("g%u", bg);
	else if (bg == SL_COLOR_DEFAULT && rev)
		CLS("rb");
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (a & flags[i].bit)
			CLS("%s", flags[i].name);
#undef CLS
	sl_buf_addc(b, '"');
	if (fg >= 16 && fg < 256) {
		sl_buf_adds(b, " style=\"color:");
		hex_color(b, fg);
		sty = 1;
	}
	if (bg >= 16 && bg < 256) {
		sl_buf_adds(b, sty ? ";background:" : " style=\"background:");
		hex_color(b, bg);
		sty = 1;
	}
	if (sty)
		sl_buf_addc(b, '"');
	sl_buf_addc(b, '>');
	return 1;
}

/* Text bytes [from, to) of r, coloured by its spans. */
static void
styled(struct sl_buf *b, const struct sl_record *r, size_t from, size_t to)
{
	size_t i, lo, hi, at = from;

	for (i = 0; i < r->nspans && at < to; i++) {
		const struct sl_span *sp = &r->spans[i];

		lo = SL_MAX((size_t)sp->off, at);
		hi = SL_MIN((size_t)sp->off + sp->len, to);
		if (hi <= lo || sp->off + sp->len > r->len)
			continue;
		if (lo > at)
			sl_w_html(b, r->text + at, lo - at);
		if (open_attr(b, sp->attr)) {
			sl_w_html(b, r->text + lo, hi - lo);
			sl_buf_adds(b, "</span>");
		} else
			sl_w_html(b, r->text + lo, hi - lo);
		at = hi;
	}
	if (at < to)
		sl_w_html(b, r->text + at, to - at);
}

static void
esc(struct sl_buf *b, const char *s)
{
	sl_w_html(b, s, strlen(s));
}

static int
html_open(struct sl_wfile *f)
{
	struct html *st = f->state;
	size_t i;
	unsigned c;

	sl_buf_reset(&st->b);
	sl_buf_adds(&st->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"sl-convert " SL_VERSION
	    "\">\n<title>");
	if (f->nsessions == 1) {
		sl_buf_adds(&st->b, "Session ");
		esc(&st->b, f->sessions[0].id != NULL ? f->sessions[0].id :
		    "(unknown)");
	} else
		sl_buf_printf(&st->b, "%zu sessions", f->nsessions);
	sl_buf_adds(&st->b, "</title>\n<style>\n");
	sl_buf_adds(&st->b, style);
	for (c = 0; c < 16; c++)
		sl_buf_printf(&st->b, ".f%u{color:%s}.g%u{background:%s}\n", c,
		    basic[c], c, basic[c]);
	sl_buf_adds(&st->b, "</style>\n</head>\n<body>\n");
	if (f->nsessions > 1) {
		sl_buf_printf(&st->b, "<header class=\"page\">\n<h1>%zu "
		    "sessions</h1>\n<nav class=\"sessions\" aria-label="
		    "\"Sessions\"><ol>\n", f->nsessions);
		for (i = 0; i < f->nsessions; i++) {
			const struct sl_wsess *s = &f->sessions[i];

			sl_buf_printf(&st->b, "<li><a href=\"#s%zu\"><code>",
			    i + 1);
			esc(&st->b, s->id != NULL ? s->id : "(unknown)");
			sl_buf_adds(&st->b, "</code></a>");
			if (s->info->f[SL_F_TARGET] != NULL) {
				sl_buf_adds(&st->b, " on ");
				esc(&st->b, s->info->f[SL_F_TARGET]);
			}
			sl_buf_printf(&st->b, " <span class=\"when\">%lld "
			    "command%s</span></li>\n", s->sum->commands,
			    s->sum->commands == 1 ? "" : "s");
		}
		sl_buf_adds(&st->b, "</ol></nav>\n</header>\n");
	}
	return sl_w_buf(f, &st->b);
}

static void
fact(struct sl_buf *b, const char *k, const char *v)
{
	if (v == NULL)
		return;
	sl_buf_adds(b, "<dt>");
	esc(b, k);
	sl_buf_adds(b, "</dt><dd>");
	esc(b, v);
	sl_buf_adds(b, "</dd>\n");
}

static void
facts(struct sl_buf *b, const struct sl_wsess *s)
{
	const struct sl_session *in = s->info;
	size_t i;
	int k;

	sl_buf_adds(b, "<dl class=\"facts\">\n");
	for (k = 0; k < SL_F_COUNT; k++)
		if (k != SL_F_PRINCIPAL)
			fact(b, sl_field_name((enum sl_field)k), in->f[k]);
	for (i = 0; i < in->nextra; i++)
		fact(b, in->extra[i].key, in->extra[i].val);
	sl_buf_printf(b, "<dt>lines</dt><dd>%lld</dd>\n<dt>commands</dt>"
	    "<dd>%lld</dd>\n", s->sum->lines, s->sum->commands);
	if (s->sum->notes > 0)
		sl_buf_printf(b, "<dt>notes</dt><dd>%lld</dd>\n",
		    s->sum->notes);
	sl_buf_adds(b, "</dl>\n");
}

/* The commands, linked to their lines. */
static int
toc(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct html *st = f->state;
	struct sl_spool_cur *cur = sl_spool_cursor(s->spool);
	const struct sl_record *r;
	long long ln = 0;
	int rc, got = 0;

	sl_buf_printf(&st->b, "<nav class=\"toc\" id=\"s%lld-toc\" aria-label="
	    "\"Commands\"><h2>Commands (%lld)</h2>\n<ol>\n", s->index,
	    s->sum->commands);
	rc = sl_w_buf(f, &st->b);
	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0) {
		if (r->type != SL_LINE)
			continue;
		ln++;
		if (!sl_record_is_command(r))
			continue;
		sl_buf_reset(&st->b);
		sl_buf_printf(&st->b, "<li><a href=\"#s%lld-%lld\"><span "
		    "class=\"tp\">", s->index, ln);
		sl_w_html(&st->b, r->text, r->prompt_len);
		sl_buf_adds(&st->b, "</span>");
		sl_w_html(&st->b, r->text + r->prompt_len,
		    r->len - r->prompt_len);
		sl_buf_adds(&st->b, "</a>");
		if (r->time != NULL) {
			sl_buf_adds(&st->b, "<span class=\"when\">");
			esc(&st->b, r->time);
			sl_buf_adds(&st->b, "</span>");
		}
		sl_buf_adds(&st->b, "</li>\n");
		rc = sl_w_buf(f, &st->b);
	}
	if (got < 0)
		rc = SL_FATAL;
	sl_spool_cursor_free(cur);
	sl_buf_reset(&st->b);
	sl_buf_adds(&st->b, "</ol></nav>\n");
	return rc;
}

static void
line(struct sl_buf *b, const struct sl_wsess *s, const struct sl_record *r,
    long long ln)
{
	sl_buf_printf(b, "<div class=\"l%s%s\" id=\"s%lld-%lld\" data-n=\"%lld\"",
	    !r->has_prompt ? "" : r->cont ? " cont" : " cmd",
	    r->cancelled ? " cancelled" : r->redrawn ? " redrawn" : "",
	    s->index, ln, r->n);
	if (r->time != NULL) {
		sl_buf_adds(b, " title=\"");
		esc(b, r->time);
		sl_buf_addc(b, '"');
	}
	sl_buf_addc(b, '>');
	if (r->has_prompt) {
		sl_buf_adds(b, "<span class=\"p\">");
		styled(b, r, 0, r->prompt_len);
		sl_buf_adds(b, "</span><span class=\"c\">");
		styled(b, r, r->prompt_len, r->len);
		sl_buf_adds(b, "</span>");
	} else
		styled(b, r, 0, r->len);
	sl_buf_adds(b, "</div>\n");
}

static void
note(struct sl_buf *b, const struct sl_record *r)
{
	sl_buf_adds(b, "<div class=\"note\" data-code=\"");
	esc(b, r->code != NULL ? r->code : "");
	sl_buf_adds(b, "\">");
	if (r->code != NULL) {
		esc(b, r->code);
		sl_buf_adds(b, ": ");
	}
	if (r->text != NULL)
		sl_w_html(b, r->text, r->len);
	sl_buf_adds(b, "</div>\n");
}

/*
 * A link back to the report (--report-link, --with-report), to this
 * session's row there: sl-report --pages gives each row the id "s-" and
 * the page's name without ".html".
 */
static void
back_link(struct sl_buf *b, const char *href, const struct sl_wsess *s)
{
	char *name;

	if (href == NULL)
		return;
	name = sl_w_safe_name(s->id, "");
	sl_buf_adds(b, "<p class=\"back\"><a href=\"");
	esc(b, href);
	sl_buf_adds(b, "#s-");
	esc(b, name);
	sl_buf_adds(b, "\">\xe2\x86\x90 Report</a></p>\n");
	free(name);
}

static int
html_whole(struct sl_wfile *f, const struct sl_wsess *s)
{
	struct html *st = f->state;
	struct sl_spool_cur *cur;
	const struct sl_record *r;
	const char *h = f->nsessions > 1 ? "h2" : "h1";
	long long ln = 0, nblock = 0;
	int rc, got = 0;

	sl_buf_reset(&st->b);
	sl_buf_printf(&st->b, "<section class=\"session\" id=\"s%lld\">\n",
	    s->index);
	back_link(&st->b, f->opt->report_href, s);
	sl_buf_printf(&st->b, "<%s>Session <code>", h);
	esc(&st->b, s->id != NULL ? s->id : "(unknown)");
	sl_buf_printf(&st->b, "</code></%s>\n", h);
	facts(&st->b, s);
	if ((rc = sl_w_buf(f, &st->b)) != SL_OK)
		return rc;
	sl_buf_reset(&st->b);
	if ((rc = toc(f, s)) != SL_OK)
		return rc;
	sl_buf_adds(&st->b, "<div class=\"log\">\n<div class=\"pg\">\n");
	cur = sl_spool_cursor(s->spool);
	while (rc == SL_OK && (got = sl_spool_next(cur, &r)) > 0) {
		if (r->type != SL_LINE && r->type != SL_NOTE)
			continue;
		if (++nblock > PAGE_LINES) {
			sl_buf_adds(&st->b, "</div>\n<div class=\"pg\">\n");
			nblock = 1;
		}
		if (r->type == SL_LINE)
			line(&st->b, s, r, ++ln);
		else
			note(&st->b, r);
		if (st->b.len >= (1 << 16)) {
			rc = sl_w_buf(f, &st->b);
			sl_buf_reset(&st->b);
		}
	}
	if (got < 0)
		rc = SL_FATAL;
	sl_spool_cursor_free(cur);
	sl_buf_adds(&st->b, "</div>\n</div>\n</section>\n");
	if (rc == SL_OK)
		rc = sl_w_buf(f, &st->b);
	sl_buf_reset(&st->b);
	return rc;
}

static int
html_close(struct sl_wfile *f)
{
	struct html *st = f->state;
	int rc;

	rc = sl_w_str(f, "</body>\n</html>\n");
	sl_buf_free(&st->b);
	return rc;
}

const struct sl_writer sl_writer_html = {
	"html",
	"a self-contained page, colours kept, commands in a table of contents",
	".html",
	SL_WANT_ATTRS,
	SL_W_WHOLE,
	sizeof(struct html),
	html_open,
	NULL,
	NULL,
	NULL,
	html_whole,
	html_close,
	NULL,
};
