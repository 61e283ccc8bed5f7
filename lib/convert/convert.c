/*
 * convert.c: the driver of sl-convert.  Records come in through a sink;
 * a writer (formats/w_*.c) turns them into files.  Every record is
 * appended to one shared spool file, each session keeping the list of
 * its extents there -- or, for a writer flagged SL_W_BODY (text), what
 * its put() makes of the record (convert/body.c: nothing to decode at
 * the end) -- and once the input is read each session is written
 * whole, with its merged facts and counts, into one output, one file
 * per session (--split), or an archive with a MANIFEST.  Even writers
 * that could stream (csv, records) wait for the end: only then is it
 * known whether a session was logged twice (S3 and CloudWatch, a .log
 * and its .log.gz), and one transcript per session is shown.
 *
 * Memory holds only per-session facts, counts and the latest extents
 * (older ones go to the spool file in blocks: core/spool.c), never
 * lines.  One file, not one per session: opening files cost more than
 * the rest of the run.
 * The spool is unlinked from the start, so that a run killed while
 * writing (a closed pipe) leaves no temporary files behind; output
 * files appear under their final names
 * only when complete (lib/output/outfile.c).
 *
 * This file keeps the writers' table, the options checked and the
 * driver made, the sink, and the end of a run: the outputs written, the
 * report, cleanup.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert/body.h"
#include "convert/writer.h"
#include "report/report.h"
#include "convert.h"

/* ------------------------------------------------------------ writers */

const struct sl_writer *
sl_writer_at(size_t i)
{
	size_t k;

	for (k = 0; k < i && sl_writer_table[k] != NULL; k++)
		;
	return sl_writer_table[k];
}

const struct sl_writer *
sl_writer_lookup(const char *name)
{
	size_t i;

	for (i = 0; sl_writer_table[i] != NULL; i++)
		if (strcmp(sl_writer_table[i]->name, name) == 0)
			return sl_writer_table[i];
	return NULL;
}

const char *
sl_writer_name(const struct sl_writer *w)
{
	return w->name;
}

const char *
sl_writer_desc(const struct sl_writer *w)
{
	return w->desc;
}
/* ------------------------------------------------------------ setup */

/* The options that cannot go together, before anything is made. */
static int
check_opts(const struct sl_convert_opts *o, const struct sl_writer *w,
    const char *out, char *err, size_t errlen)
{
	if (w == NULL) {
		snprintf(err, errlen, "unknown target '%s'", o->target);
		return -1;
	}
	if (out == NULL && o->split) {
		snprintf(err, errlen, "--split needs -o FOLDER or -o an "
		    "archive (.tar.gz, .tgz, .tar, .zip)");
		return -1;
	}
	if (out != NULL && *out == '\0') {
		snprintf(err, errlen, "empty output name");
		return -1;
	}
	if (o->with_report && (strcmp(w->name, "html") != 0 || out == NULL ||
	    !(o->split || sl_archive_kind(out) != SL_AR_NONE || conv_ends_with(out, "/") ||
	    conv_is_dir(out)))) {
		snprintf(err, errlen, "--with-report needs -t html and --split "
		    "-o FOLDER or -o an archive");
		return -1;
	}
	return 0;
}

/* The folder of --split or -o DIR/: made when missing, and writable. */
static int
open_dir(struct sl_convert *c, const char *out, char *err, size_t errlen)
{
	if (!conv_is_dir(out)) {
		if (sl_ofile_exists(out) && !conv_ends_with(out, "/")) {
			snprintf(err, errlen, "%s: exists and is not a "
			    "folder", out);
			return -1;
		}
		if (mkdir(out, 0777) != 0) {
			snprintf(err, errlen, "%s: cannot create the "
			    "folder: %s", out, strerror(errno));
			return -1;
		}
		/* Ours: removed again if nothing comes of it. */
		if (strlen(out) < sizeof(c->sig_dir)) {
			strcpy(c->sig_dir, out);
			c->sig_dir_set = 1;
		}
	}
	if (access(out, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s: cannot create files there: "
		    "%s", out, strerror(errno));
		return -1;
	}
	return 0;
}

static enum out_kind
kind_of_output(struct sl_convert *c, const char *out)
{
	if (out == NULL)
		return OUT_STDOUT;
	if ((c->ar = sl_archive_kind(out)) != SL_AR_NONE)
		return OUT_ARCHIVE;
	if (c->o.split || conv_ends_with(out, "/") || conv_is_dir(out))
		return OUT_DIR;
	return OUT_FILE;
}

static struct sl_convert *
convert_new(const struct sl_convert_opts *o, char *err, size_t errlen)
{
	struct sl_convert *c;
	const struct sl_writer *w = sl_writer_lookup(o->target);
	const char *out = o->output;

	if (out != NULL && strcmp(out, "-") == 0)
		out = NULL;
	if (check_opts(o, w, out, err, errlen) < 0)
		return NULL;
	c = sl_xcalloc(1, sizeof(*c));
	c->o = *o;
	if (o->with_report) {
		struct sl_report_opts ro;

		/* The report an auditor files: commands too, and each session
		 * linked to its page in the same folder. */
		memset(&ro, 0, sizeof(ro));
		ro.commands = 1;
		ro.pages = "";
		c->rep = sl_report_new(&ro);
		c->o.report_href = SL_CONVERT_REPORT;
	}
	c->w = w;
	c->of.fd = -1;
	c->spool.fd = -1;
	sl_buf_init(&c->spool.scratch);
	c->body = (w->flags & SL_W_BODY) != 0;
	sl_body_init(&c->bd);
	sl_body_mem_init(&c->held_body);
	sl_time_format(o->now_ms, c->now);
	c->tab = sl_sessions_new();
	c->kind = kind_of_output(c, out);
	c->gzip = c->kind == OUT_FILE && conv_ends_with(out, ".gz");
	if (c->kind == OUT_FILE || c->kind == OUT_ARCHIVE) {
		if (sl_ofile_open(&c->of, out, o->force, err, errlen) != SL_OK)
			goto fail;
		conv_track_tmp(c, c->of.tmp);
	} else if (c->kind == OUT_DIR && open_dir(c, out, err, errlen) < 0)
		goto fail;
	return c;
fail:
	sl_convert_free(c);
	return NULL;
}

struct sl_convert *
sl_convert_new(const struct sl_convert_opts *o, struct sl_error *err)
{
	struct sl_convert *c = convert_new(o, sl_error_clear(err),
	    sizeof(err->msg));

	sl_error_status(err, c != NULL ? SL_OK : SL_FATAL);
	return c;
}

long long
sl_convert_left_out(const struct sl_convert *c)
{
	return c->no_lines_left_out;
}

void
sl_convert_sink(struct sl_convert *c, struct sl_sink *sink)
{
	sink->put = convert_put;
	sink->arg = c;
	sink->want = c->w->want;
}

struct sl_report *
sl_convert_report(struct sl_convert *c)
{
	return c->rep;
}

static int
write_spooled(struct sl_convert *c)
{
	struct sl_wsess *ss;
	size_t i, n = 0;
	int rc = SL_OK, fd;
	struct sl_out *o;
	const char *name;

	if (conv_spool_gather(c) != 0)
		return SL_FATAL;
	ss = sl_xcalloc(c->nss + 1, sizeof(*ss));
	for (i = 0; i < c->nss; i++) {
		struct csess *s = c->ss[i];

		if (s == NULL)
			continue;
		/* A typescript or recording of no lines is no file. */
		if ((c->w->flags & SL_W_ONE) && !conv_has_content(s))
			continue;
		/* A transcript of metadata alone is noise in a folder of
		 * trails and histories; counted, and kept when asked. */
		if ((c->w->flags & SL_W_LINES) && !c->o.all_sessions &&
		    !conv_has_story(s)) {
			/* Notes of no session (skipped files) are no session. */
			if (s->info->id != NULL)
				c->no_lines_left_out++;
			continue;
		}
		ss[n].id = s->info->id;
		ss[n].info = s->info;
		ss[n].sum = &s->sum;
		if (s->sp == NULL)	/* no record: an empty spool */
			s->sp = sl_spool_new(c->spool.fd, 0, 0);
		ss[n].spool = s->sp;
		ss[n].body = s->body;
		/* A worker's piece is the output when it shows every record. */
		ss[n].piece_off = s->piece_off;
		ss[n].piece_len = s->pieces == 1 && s->loose == 0 ?
		    s->piece_len : -1;
		ss[n].piece_head = s->piece_head;
		ss[n].mid_off = s->mid_off;
		ss[n].mid_len = s->mid_len;
		n++;
	}
	if ((c->w->flags & SL_W_ONE) && n > 1 &&
	    (c->kind == OUT_STDOUT || c->kind == OUT_FILE)) {
		conv_fail(c, "%zu sessions in the input, and -t %s writes one: "
		    "use --split -o FOLDER, or -o an archive", n, c->w->name);
		rc = SL_FATAL;
	} else if (c->kind == OUT_DIR)
		rc = conv_write_dir(c, ss, n);
	else if (c->kind == OUT_ARCHIVE)
		rc = conv_write_archive(c, ss, n);
	else {
		if (c->kind == OUT_STDOUT) {
			o = sl_out_fd(1, "standard output", 0);
			name = "standard output";
		} else {
			fd = dup(c->of.fd);
			o = fd >= 0 ? sl_out_fd(fd, c->of.final, c->gzip ?
			    SL_OUT_GZIP : 0) : NULL;
			name = c->of.final;
		}
		if (o == NULL) {
			conv_fail(c, "%s: %s", name, strerror(errno));
			rc = SL_FATAL;
		} else {
			rc = conv_write_file(c, o, ss, n);
			if (conv_close_out(c, o, name) != SL_OK)
				rc = SL_FATAL;
		}
	}
	free(ss);
	if (rc != SL_OK)
		conv_fail(c, "write error");
	return rc;
}

static int
convert_finish(struct sl_convert *c, char *err, size_t errlen)
{
	int rc = SL_OK;

	if (c->failed)
		rc = SL_FATAL;
	else
		rc = write_spooled(c);
	if (rc == SL_OK && (c->kind == OUT_FILE || c->kind == OUT_ARCHIVE)) {
		if (sl_ofile_commit(&c->of, c->err, sizeof(c->err)) != SL_OK) {
			c->failed = 1;
			rc = SL_FATAL;
		}
		c->sig_tmp_set = 0;
	}
	if (rc != SL_OK) {
		sl_ofile_abort(&c->of);
		c->sig_tmp_set = 0;
		snprintf(err, errlen, "%s", c->err);
	} else
		c->sig_dir_set = 0;	/* the folder is the result */
	return rc;
}

int
sl_convert_finish(struct sl_convert *c, struct sl_error *err)
{
	return sl_error_status(err, convert_finish(c, sl_error_clear(err),
	    sizeof(err->msg)));
}

/* Only unlink and rmdir: safe in a signal handler.  The spool is
 * unlinked from the start. */
void
sl_convert_cleanup(struct sl_convert *c)
{
	if (c == NULL)
		return;
	if (c->sig_tmp_set)
		unlink(c->sig_tmp);
	if (c->sig_dir_set)
		rmdir(c->sig_dir);	/* only when empty */
}

/* What the writer holds for body mode's renders, freed. */
static void
body_file_free(struct sl_convert *c)
{
	struct sl_buf junk;

	sl_body_free(&c->bd);
	if (c->bf.state == NULL)
		return;
	sl_buf_init(&junk);
	c->bf.mem = &junk;
	if (c->w->close != NULL)
		(void)c->w->close(&c->bf);
	sl_buf_free(&junk);
	free(c->bf.state);
}

void
sl_convert_free(struct sl_convert *c)
{
	size_t i;

	if (c == NULL)
		return;
	sl_convert_cleanup(c);
	sl_ofile_abort(&c->of);
	if (c->spool.fp != NULL)
		fclose(c->spool.fp);
	free(c->spool_vbuf);
	body_file_free(c);
	for (i = 0; i < c->nss; i++) {
		if (c->ss[i] != NULL) {
			conv_free_sources(c->ss[i]);
			sl_spool_free(c->ss[i]->sp);
		}
		free(c->ss[i]);
	}
	free(c->ss);
	sl_buf_free(&c->spool.scratch);
	sl_buf_free(&c->arrays);
	conv_drop_held(c);
	sl_buf_free(&c->held);
	sl_buf_free(&c->held_ent);
	sl_body_mem_free(&c->held_body);
	free(c->held_sid);
	sl_buf_free(&c->piece);
	conv_piece_files_free(c->pf);
	sl_sessions_free(c->tab);
	sl_report_free(c->rep);
	free(c);
}
