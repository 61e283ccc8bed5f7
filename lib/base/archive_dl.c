/*
 * archive_dl.c: libarchive opened with dlopen() on first use (why: see
 * archive_dl.h).
 */
#define SL_ARCHIVE_DL_IMPL

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/archive_dl.h"

/*
 * The library's run-time name: libarchive 3 has been .so.13 since 2011;
 * the unversioned name (installed with the headers) is the fallback.
 */
static const char *const sonames[] = { "libarchive.so.13", "libarchive.so" };

struct sl_archive_dl sl_archive_dl;

static int load_state;		/* 0 not tried, 1 loaded, -1 failed */
static char load_msg[256];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

int
sl_archive_dl_open(const char *soname, struct sl_archive_dl *t, char *msg,
    size_t len)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	const char *missing = NULL;

	if (h == NULL) {
		snprintf(msg, len, "cannot load libarchive: %s", dlerror());
		return -1;
	}
	/* dlsym gives void *; POSIX guarantees it converts to a function. */
#define SL_ARCHIVE_DL_SYM(f) \
	if ((t->f = (__typeof__(t->f))dlsym(h, #f)) == NULL && \
	    missing == NULL) \
		missing = #f;
	SL_ARCHIVE_DL_FUNCS(SL_ARCHIVE_DL_SYM)
#undef SL_ARCHIVE_DL_SYM
	if (missing != NULL) {
		snprintf(msg, len, "cannot load libarchive: %s has no %s",
		    soname, missing);
		dlclose(h);
		return -1;
	}
	return 0;
}

static void
load(void)
{
	size_t i;

	for (i = 0; i < sizeof sonames / sizeof sonames[0]; i++) {
		/* The first name's reason is the one worth showing. */
		char msg[sizeof load_msg];

		if (sl_archive_dl_open(sonames[i], &sl_archive_dl, msg,
		    sizeof msg) == 0) {
			load_state = 1;
			return;
		}
		if (i == 0)
			memcpy(load_msg, msg, sizeof load_msg);
	}
	memset(&sl_archive_dl, 0, sizeof sl_archive_dl);
	load_state = -1;
}

/*
 * Once per process: runs on their own threads (record.c) may meet their
 * first archive together; pthread_once makes the others wait, and its
 * return orders the table's writes before their calls through it.
 */
int
sl_archive_dl_load(void)
{
	pthread_once(&load_once, load);
	return load_state > 0 ? 0 : -1;
}

const char *
sl_archive_dl_failure(const char *otherwise)
{
	return load_state < 0 ? load_msg : otherwise;
}

struct archive *
sl_archive_dl_read_new(void)
{
	return sl_archive_dl_load() == 0 ? sl_archive_dl.archive_read_new() :
	    NULL;
}

struct archive *
sl_archive_dl_write_new(void)
{
	return sl_archive_dl_load() == 0 ? sl_archive_dl.archive_write_new() :
	    NULL;
}

struct archive_entry *
sl_archive_dl_entry_new(void)
{
	return sl_archive_dl_load() == 0 ? sl_archive_dl.archive_entry_new() :
	    NULL;
}
