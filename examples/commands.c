/*
 * commands.c: print the commands run in Session Manager logs, one a line
 * as "session<TAB>command": a program of its own using the installed
 * libsl, the way any other program would.
 *
 *   cc -o commands commands.c $(pkg-config --cflags --libs sl)
 *   ./commands logs/ session.log.gz ...
 *
 * Problems with the input are reported on stderr and the rest is read;
 * the exit status is 1 when there were any, 2 when output failed.
 */
#include <stdio.h>
#include <string.h>

#include <sl.h>

static int
put(void *arg, const struct sl_record *r)
{
	FILE *out = arg;

	if (!sl_record_is_command(r))
		return SL_OK;
	fprintf(out, "%s\t", r->session != NULL ? r->session : "-");
	fwrite(r->text + r->prompt_len, 1, r->len - r->prompt_len, out);
	putc('\n', out);
	return ferror(out) ? SL_STOP : SL_OK;
}

/* Bad input is no failure of a call: it streams here, one per place. */
static void
problem(void *arg, const char *where, const char *msg)
{
	fprintf(stderr, "%s: %s: %s\n", (const char *)arg,
	    where != NULL ? where : "-", msg);
}

int
main(int argc, char **argv)
{
	struct sl_sink sink = { put, stdout, 0 };
	struct sl_run *run;
	int i, rc, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: commands file ...\n");
		return 2;
	}
	run = sl_run_new(NULL, &sink, problem, "commands");
	for (i = 1; i < argc; i++) {
		rc = sl_run_path(run, argv[i]);
		if (rc == SL_STOP)
			break;
		if (rc != SL_OK)
			status = 1;
	}
	rc = sl_run_finish(run);
	if (rc == SL_REJECT)
		status = 1;
	sl_run_free(run);
	if (rc == SL_STOP || fclose(stdout) != 0) {
		fprintf(stderr, "commands: write error\n");
		return 2;
	}
	return status;
}
