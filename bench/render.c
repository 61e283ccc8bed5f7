/*
 * render: the renderer alone, for benchmarks and golden tests.
 *
 *	render [-a] [-e] [FILE]
 *
 * Prints each final row and a newline.  -e also prints renderer events
 * on lines of their own ("@@ title TEXT", "@@ alt-on", "@@ alt-off N",
 * "@@ long-line", "@@ bad-seq"); -a fills attribute spans (to measure
 * their cost) without printing them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sl.h"

/*
 * Rows are gathered here, each with its newline, and go to stdout in
 * big writes: a row is usually short, and stdio's per-call work for it
 * (two calls a row) was a tenth of this program's instructions, which
 * is the renderer's measure.
 */
static char rows_out[1 << 16];
static size_t rows_n;

static void
flush_rows(void)
{
	fwrite_unlocked(rows_out, 1, rows_n, stdout);
	rows_n = 0;
}

static void
on_row(void *arg, const struct sl_row *row)
{
	(void)arg;
	if (row->len >= sizeof(rows_out) - rows_n) {
		flush_rows();
		if (row->len >= sizeof(rows_out)) {	/* a long row, as is */
			fwrite_unlocked(row->text, 1, row->len, stdout);
			putchar_unlocked('\n');
			return;
		}
	}
	memcpy(rows_out + rows_n, row->text, row->len);
	rows_n += row->len;
	rows_out[rows_n++] = '\n';
}

static void
on_event(void *arg, enum sl_term_event ev, const char *text, long long num,
    long long line)
{
	(void)arg;
	(void)line;
	flush_rows();	/* the rows before it first */
	switch (ev) {
	case SL_TEV_TITLE: printf("@@ title %s\n", text); break;
	case SL_TEV_ALT_ON: printf("@@ alt-on\n"); break;
	case SL_TEV_ALT_OFF: printf("@@ alt-off %lld\n", num); break;
	case SL_TEV_LONG_LINE: printf("@@ long-line\n"); break;
	case SL_TEV_BAD_SEQ: printf("@@ bad-seq\n"); break;
	case SL_TEV_SPILLED: printf("@@ spilled\n"); break;
	case SL_TEV_REDRAWN_LINE: break;	/* sl-parse's prompt rules */
	}
}

int
main(int argc, char **argv)
{
	struct sl_term_cb cb = { on_row, NULL, NULL, 0 };
	static char buf[1 << 20];
	struct sl_term *t;
	ssize_t n;
	int fd = 0, c;

	while ((c = getopt(argc, argv, "ae")) != -1) {
		switch (c) {
		case 'a': cb.attrs = 1; break;
		case 'e': cb.event = on_event; break;
		default:
			fprintf(stderr, "usage: render [-a] [-e] [FILE]\n");
			return 2;
		}
	}
	if (optind < argc && (fd = open(argv[optind], O_RDONLY)) < 0) {
		perror(argv[optind]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	t = sl_term_new(&cb);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sl_term_feed(t, buf, (size_t)n);
	if (n < 0) {
		perror("read");
		return 2;
	}
	sl_term_finish(t);
	sl_term_free(t);
	flush_rows();
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("write");
		return 2;
	}
	return 0;
}
