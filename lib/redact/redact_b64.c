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

#include "redact/redact.h"

#define B64_MAX		(64 << 20)	/* decoded bytes of one payload */
#define B64_NEST	2		/* payloads inside payloads */

static int
b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int
rx_b64_decode(const char *p, size_t n, struct sl_buf *out)
{
	unsigned v = 0;
	int bits = 0, pad = 0, d;
	size_t i;

	sl_buf_reset(out);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (d = b64val(c)) < 0)
			return -1;
		v = (v << 6) | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sl_buf_addc(out, (int)((v >> bits) & 0xff));
		}
		if (out->len > B64_MAX)
			return -1;
	}
	return pad > 2 ? -1 : 0;
}

static void
b64_encode(const unsigned char *p, size_t n, struct sl_buf *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		sl_buf_addc(out, tab[p[i] >> 2]);
		sl_buf_addc(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sl_buf_addc(out, tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)]);
		sl_buf_addc(out, tab[p[i + 2] & 63]);
	}
	if (n - i == 1) {
		sl_buf_addc(out, tab[p[i] >> 2]);
		sl_buf_addc(out, tab[(p[i] & 3) << 4]);
		sl_buf_adds(out, "==");
	} else if (n - i == 2) {
		sl_buf_addc(out, tab[p[i] >> 2]);
		sl_buf_addc(out, tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)]);
		sl_buf_addc(out, tab[(p[i + 1] & 15) << 2]);
		sl_buf_addc(out, '=');
	}
}

/* gunzip every member of p[0, n).  0, or -1 (corrupt, too large). */
static int
gunzip(const unsigned char *p, size_t n, struct sl_buf *out)
{
	unsigned char chunk[65536];
	z_stream z;
	int zr = Z_OK;

	sl_buf_reset(out);
	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -1;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	while (z.avail_in > 0) {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			break;
		sl_buf_add(out, chunk, sizeof(chunk) - z.avail_out);
		if (out->len > B64_MAX) {
			zr = Z_MEM_ERROR;
			break;
		}
		if (zr == Z_STREAM_END && z.avail_in > 0)
			inflateReset(&z);	/* the next member */
	}
	inflateEnd(&z);
	return zr == Z_STREAM_END ? 0 : -1;
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
	if (sl_out_close(o) != SL_OK)
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
		if (b64val((unsigned char)p[i]) < 0 && p[i] != '=' &&
		    p[i] != '\n' && p[i] != '\r')
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
		b64_encode((unsigned char *)z.buf, z.len, out);
	} else
		b64_encode((unsigned char *)red.buf, red.len, out);
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
