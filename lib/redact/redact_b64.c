/*
 * redact_b64.c: payloads that hide their text.  A CloudWatch Logs
 * subscription delivers its events gzip'd, and base64'd in transit: a
 * Lambda event {"awslogs":{"data":"H4sIAAAA..."}}, or a file holding only
 * the base64.  Passed on as they are, they would carry every secret out
 * unseen.  So the payload is decoded (and gunzipped), redacted like any
 * input (JSON, records or text, by content), and, when something was
 * redacted, gzip'd and base64'd again; untouched, it keeps its bytes.
 * What cannot be decoded is not passed on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "base/b64.h"
#include "base/gunzip.h"
#include "redact/redact.h"

#define B64_MAX		(64 << 20)	/* decoded bytes of one payload */
#define B64_NEST	2		/* payloads inside payloads */
/* What a payload in transit is made of: either alphabet, lines. */
#define B64_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789+/-_=\r\n"

/*
 * Base64 (either alphabet, white space ignored) strictly: one blob,
 * padding only at its end.  The engine's checks and payloads share it.
 */
int
rx_b64_decode(const char *p, size_t n, struct sl_buf *out)
{
	sl_buf_reset(out);
	if (n / 4 * 3 > (size_t)B64_MAX + 3)
		return -1;
	return sl_b64_decode(p, n, out, SL_B64_STRICT) == 0 &&
	    out->len <= B64_MAX ? 0 : -1;
}

/* gunzip every member of p[0, n).  0, or -1 (corrupt, too large). */
static int
gunzip(const unsigned char *p, size_t n, struct sl_buf *out)
{
	struct sl_gunzip g;

	memset(&g, 0, sizeof(g));
	g.max = B64_MAX;
	sl_buf_reset(out);
	return sl_gunzip(p, n, out, &g) == 0 ? 0 : -1;
}

static int
gzip(const char *p, size_t n, struct sl_buf *out)
{
	unsigned char chunk[65536];
	z_stream z;
	int zr;

	sl_buf_reset(out);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = deflate(&z, Z_FINISH);
		sl_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
	} while (zr == Z_OK);
	deflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -1;
}

/*
 * Redact p[0, n) as an input of its own called name; the result in out.
 * Returns the number of secrets, or -1 when it could not be redacted.
 */
static long long
redact_mem(struct sl_redact *rx, const char *name, const char *p, size_t n,
    struct sl_buf *out)
{
	struct sl_out *o;
	long long before = rx->total;
	FILE *f = tmpfile();
	char chunk[65536];
	size_t k;
	int fd, rc;

	if (f == NULL || (fd = dup(fileno(f))) < 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	o = sl_out_fd(fd, "payload", 0);
	rx->b64_nest++;
	rc = rx->nested(rx, name, p, n, o);
	rx->b64_nest--;
	if (sl_out_close(o, NULL) != SL_OK)
		rc = SL_FATAL;
	sl_buf_reset(out);
	rewind(f);
	while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0)
		sl_buf_add(out, chunk, k);
	fclose(f);
	return rc == SL_OK || rc == SL_REJECT ? rx->total - before : -1;
}

int
rx_b64_looks(const char *p, size_t n)
{
	size_t i;

	/* gzip is 1f 8b 08: "H4sI" in base64. */
	if (n < 24 || memcmp(p, "H4sI", 4) != 0)
		return 0;
	for (i = 0; i < n; i++)
		if (strchr(B64_CHARS, p[i]) == NULL || p[i] == '\0')
			return 0;
	return 1;
}

int
rx_b64_redact(struct sl_redact *rx, const char *name, const char *p,
    size_t n, struct sl_buf *out)
{
	struct sl_buf raw, plain, red, z;
	long long found;
	int rc = -1, zipped;

	if (rx->b64_nest >= B64_NEST)
		return -1;
	sl_buf_init(&raw);
	sl_buf_init(&plain);
	sl_buf_init(&red);
	sl_buf_init(&z);
	if (rx_b64_decode(p, n, &raw) != 0)
		goto out;
	zipped = raw.len >= 2 && (unsigned char)raw.buf[0] == 0x1f &&
	    (unsigned char)raw.buf[1] == 0x8b;
	if (zipped && gunzip((unsigned char *)raw.buf, raw.len, &plain) != 0)
		goto out;
	if (!zipped)
		sl_buf_add(&plain, raw.buf, raw.len);
	found = redact_mem(rx, name, plain.buf != NULL ? plain.buf : "",
	    plain.len, &red);
	if (found < 0)
		goto out;
	sl_buf_reset(out);
	if (found == 0) {
		sl_buf_add(out, p, n);	/* nothing in it: the same bytes */
		rc = 0;
		goto out;
	}
	if (zipped) {
		if (gzip(red.buf, red.len, &z) != 0)
			goto out;
		sl_b64_encode(z.buf, z.len, out);
	} else
		sl_b64_encode(red.buf, red.len, out);
	rc = 0;
out:
	sl_buf_free(&raw);
	sl_buf_free(&plain);
	sl_buf_free(&red);
	sl_buf_free(&z);
	return rc;
}

/* An input that is a base64 payload and nothing else. */
int
rx_b64_run(struct rx_input *in)
{
	struct sl_buf all, out, name;
	char chunk[65536];
	ssize_t k;
	size_t end;
	int rc = SL_OK;

	sl_buf_init(&all);
	sl_buf_init(&out);
	sl_buf_init(&name);
	while ((k = sl_in_read(in->in, chunk, sizeof(chunk))) > 0) {
		sl_buf_add(&all, chunk, (size_t)k);
		if (all.len > (size_t)B64_MAX / 3 * 4 + 4096) {
			rx_warn(in->rx, 0, "base64 payload larger than %d MiB: "
			    "left out", B64_MAX >> 20);
			goto out;
		}
	}
	sl_buf_printf(&name, "%s//base64", sl_in_name(in->in));
	if (rx_b64_redact(in->rx, name.buf, all.buf != NULL ? all.buf : "",
	    all.len, &out) != 0) {
		rx_warn(in->rx, 0, "base64 payload that cannot be decoded: "
		    "left out");
		goto out;
	}
	if (out.len != all.len || memcmp(out.buf, all.buf, all.len) != 0) {
		/* Re-encoded: one line, with the input's final line end. */
		for (end = all.len; end > 0 && (all.buf[end - 1] == '\n' ||
		    all.buf[end - 1] == '\r'); end--)
			;
		sl_buf_add(&out, all.buf + end, all.len - end);
	}
	rc = rx_write(&in->w, out.buf != NULL ? out.buf : "", out.len);
	if (rx_write_flush(&in->w) != SL_OK)
		rc = SL_STOP;
out:
	sl_buf_free(&all);
	sl_buf_free(&out);
	sl_buf_free(&name);
	return rc;
}
