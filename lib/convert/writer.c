/*
 * writer.c: what the output writers of sl-convert share: checked writes,
 * text made safe for terminals and viewers, terminal widths, and the
 * HTML escaping (JSON strings: lib/base/json_esc.c).
 */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <utf8proc.h>

#include "convert/writer.h"

#define UNKNOWN_NAME	"unknown-session"

int
sl_w_buf(struct sl_wfile *f, const struct sl_buf *b)
{
	if (f->mem != NULL) {
		sl_buf_add(f->mem, b->buf, b->len);
		return SL_OK;
	}
	return sl_out_write(f->out, b->buf, b->len) == SL_OK ? SL_OK : SL_STOP;
}

int
sl_w_str(struct sl_wfile *f, const char *s)
{
	if (f->mem != NULL) {
		sl_buf_adds(f->mem, s);
		return SL_OK;
	}
	return sl_out_write(f->out, s, strlen(s)) == SL_OK ? SL_OK : SL_STOP;
}

/* Printable ASCII: carried as it is by every escaping below but its own. */
static int
plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7f;
}

/*
 * How many bytes from p on (at most n, in steps of 16) are printable
 * ASCII or, with tab set, tabs: the common run the byte loops would
 * take one at a time.
 */
static size_t
ascii_run(const unsigned char *p, size_t n, int tab)
{
	size_t i = 0;
#ifdef __SSE2__
	const __m128i space = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
	const __m128i tabs = _mm_set1_epi8(tab ? '\t' : ' ');

	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(p + i));
		/* Signed: bytes >= 0x80 are negative, so not above 0x1f. */
		__m128i ok = _mm_andnot_si128(_mm_cmpeq_epi8(x, del),
		    _mm_cmpgt_epi8(x, space));

		ok = _mm_or_si128(ok, _mm_cmpeq_epi8(x, tabs));
		if (_mm_movemask_epi8(ok) != 0xffff)
			break;
	}
#else
	(void)p;
	(void)n;
	(void)tab;
#endif
	return i;
}

/* Next code point; invalid or cut-short UTF-8 gives U+FFFD, *bad set. */
static size_t
next_cp(const unsigned char *p, size_t n, uint32_t *cp, int *bad)
{
	size_t k = sl_utf8_decode(p, n, cp);

	*bad = 0;
	if (k == 0) {			/* cut short at the end */
		*cp = 0xfffd;
		*bad = 1;
		return n;
	}
	if (*cp == 0xfffd && !(k == 3 && p[0] == 0xef))
		*bad = 1;
	return k;
}

static int
unsafe_cp(uint32_t cp)
{
	return (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp < 0xa0);
}

/* HTML's entity for c, or NULL when c is no markup. */
static const char *
entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	default: return NULL;
	}
}

/* s made safe (controls and invalid UTF-8 as U+FFFD); html: markup too. */
static void
clean(struct sl_buf *b, const char *s, size_t n, int html)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	const char *ent;
	uint32_t cp;
	int bad;
	size_t k;

	while (p < end) {
		const unsigned char *q = p;

		if (!html)
			q += ascii_run(q, (size_t)(end - q), 1);
		while (q < end && ((plain_ascii(*q) && !(html &&
		    entity(*q) != NULL)) || *q == '\t'))
			q++;
		if (q > p) {
			sl_buf_add(b, p, (size_t)(q - p));
			p = q;
			continue;
		}
		if (html && (ent = entity(*p)) != NULL) {
			sl_buf_adds(b, ent);
			p++;
			continue;
		}
		k = next_cp(p, (size_t)(end - p), &cp, &bad);
		if (bad || unsafe_cp(cp))
			sl_buf_add(b, "\xef\xbf\xbd", 3);
		else
			sl_buf_add(b, p, k);
		p += k;
	}
}

void
sl_w_clean(struct sl_buf *b, const char *s, size_t n)
{
	clean(b, s, n, 0);
}

size_t
sl_w_width(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t w = 0, k;
	uint32_t cp;
	int bad, cw;

	while (p < end) {
		k = ascii_run(p, (size_t)(end - p), 0);
		w += k;
		p += k;
		if (p == end)
			break;
		if (*p < 0x80) {
			w += *p >= 0x20 && *p != 0x7f;
			p++;
			continue;
		}
		k = next_cp(p, (size_t)(end - p), &cp, &bad);
		cw = utf8proc_charwidth((utf8proc_int32_t)cp);
		w += cw > 0 ? (size_t)cw : 0;
		p += k;
	}
	return w;
}

void
sl_w_html(struct sl_buf *b, const char *s, size_t n)
{
	clean(b, s, n, 1);
}

long long
sl_w_ms(const char *t)
{
	long long ms;

	if (t == NULL || sl_time_rfc3339(t, strlen(t), &ms) != 0)
		return -1;
	return ms;
}

const char *
sl_w_session_time(const struct sl_wfile *f, const struct sl_wsess *s)
{
	if (s->info != NULL && sl_w_ms(s->info->f[SL_F_START]) >= 0)
		return s->info->f[SL_F_START];
	if (s->info != NULL && sl_w_ms(s->info->f[SL_F_END]) >= 0)
		return s->info->f[SL_F_END];
	return f->now;
}

/*
 * A file name for session id with extension ext, safe in any folder:
 * characters other than letters, digits and . _ - @ + = , become _, a
 * leading dot or dash too, and the name is cut at SL_W_NAME_MAX bytes.
 * A changed id gets the first 8 hex digits of its SHA-256, so two ids
 * never share a name because of the changes.
 */
char *
sl_w_safe_name(const char *id, const char *ext)
{
	struct sl_buf b;
	const char *p;
	unsigned char d[32];
	char hex[65];
	int changed = 0;

	sl_buf_init(&b);
	if (id == NULL) {
		sl_buf_adds(&b, UNKNOWN_NAME);
		sl_buf_adds(&b, ext);
		return b.buf;
	}
	for (p = id; *p != '\0' && b.len < SL_W_NAME_MAX; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '@' ||
		    ch == '+' || ch == '=' || ch == ',' ||
		    ((ch == '.' || ch == '-') && p != id))
			sl_buf_addc(&b, ch);
		else {
			sl_buf_addc(&b, '_');
			changed = 1;
		}
	}
	if (*p != '\0' || b.len == 0)
		changed = 1;
	if (changed) {
		sl_sha256(id, strlen(id), d);
		sl_sha256_hex(d, hex);
		sl_buf_addc(&b, '-');
		sl_buf_add(&b, hex, 8);
	}
	sl_buf_adds(&b, ext);
	return b.buf;
}
