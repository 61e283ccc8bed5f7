/*
 * input_map.c: a large plain file read in place.  Once its first bytes
 * say it is plain text, a regular file is mapped whole and its readers
 * scan the page cache itself: no read(2) copy, and the bytes stay where
 * they are until the input is freed, so a writer can pass unchanged
 * stretches on from where they lie (sl_in_stable()).
 *
 * A mapped file that shrinks under us (truncated by its writer, a log
 * rotated with truncate) would kill the process with SIGBUS at the
 * first byte past its new end.  GNU grep dropped mmap for that reason;
 * ripgrep maps single files and accepts the crash.  Here a SIGBUS
 * handler puts zero pages over the rest of the mapping and notes where
 * it struck; the line reader then ends the input at the file's new size
 * (the zeros are never handed out as lines) and the input reports
 * "file shrank while being read" as a read error, where read(2) would
 * have ended short without a word.  A fault outside every mapping of
 * ours goes on to the handler that was there before (or kills, as it
 * would have).
 *
 * The mapping is the size the file had when it was looked at: bytes
 * appended after that are not read, as ripgrep does.  Small files and
 * anything not a regular file at its start (pipes, FIFOs, standard
 * input at an offset, compressed streams, archives) keep read(2).
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include "input_in.h"

static void	in_map_behind(struct sl_in *in);

#define MAP_MIN		(1024 * 1024)	/* smaller files: read(2) is as
					   cheap as the mapping's set-up */
#define MAP_SLOTS	64		/* mappings live at once (threads) */
#define MAP_KEEP	(1024 * 1024)	/* pages read let go this many at
					   a time: memory stays bounded */
#define BEHIND		(MAP_KEEP + MAP_KEEP / 2) /* and kept behind the
					   reader, at least */

/* A live mapping as the handler sees it: lock-free, async-signal-safe. */
struct slot {
	_Atomic uintptr_t lo, hi;	/* [lo, hi), or 0 when free */
	_Atomic uintptr_t fault;	/* first page zeroed, or 0 */
};

static struct slot slots[MAP_SLOTS];
static struct sigaction before;		/* the SIGBUS action we replaced */
static uintptr_t pagemask;		/* sysconf() is no call for a handler */
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static _Atomic int usable;		/* the handler is in place */

static struct slot *
slot_of(uintptr_t a)
{
	size_t i;

	for (i = 0; i < MAP_SLOTS; i++)
		if (a >= atomic_load(&slots[i].lo) &&
		    a < atomic_load(&slots[i].hi))
			return &slots[i];
	return NULL;
}

/*
 * The page at fault and the rest of its mapping become zeros, so the
 * load that faulted is done again and reads one; mmap(2) is a plain
 * system call, safe here.  Not ours: the old action, by faulting again.
 */
static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, page, hi, none = 0;
	struct slot *s = slot_of(a);
	int saved = errno;

	(void)uc;
	page = a & pagemask;
	hi = s != NULL ? atomic_load(&s->hi) : 0;
	if (s == NULL || si->si_code != BUS_ADRERR ||
	    mmap((void *)page, hi - page, PROT_READ, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		sigaction(sig, &before, NULL);
	else
		atomic_compare_exchange_strong(&s->fault, &none, page);
	errno = saved;
}

static void
install(void)
{
	struct sigaction sa;

	pagemask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, &before) == 0)
		atomic_store(&usable, 1);
}

/* A free slot taken for [p, p + n), or -1. */
static int
slot_take(const void *p, size_t n)
{
	uintptr_t none = 0;
	size_t i;

	for (i = 0; i < MAP_SLOTS; i++)
		if (atomic_compare_exchange_strong(&slots[i].lo, &none,
		    (uintptr_t)p)) {
			atomic_store(&slots[i].fault, 0);
			atomic_store(&slots[i].hi, (uintptr_t)p + n);
			return (int)i;
		} else
			none = 0;
	return -1;
}

/* Would in be read in place: a regular file, at its start, large? */
static size_t
map_size(const struct sl_in *in)
{
	struct stat sb;

	/* A first read that did not fill the buffer: a small file. */
	if (in->fill != in_fd_fill || in->seekfd < 0 || in->eof ||
	    in->r != 0 || in->off != 0 || in->w != in->cap)
		return 0;
	if (fstat(in->seekfd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size < MAP_MIN || (unsigned long long)sb.st_size > SIZE_MAX)
		return 0;
	/* What was read must be the start of what is mapped. */
	if ((size_t)sb.st_size < in->w ||
	    lseek(in->seekfd, 0, SEEK_CUR) != (off_t)in->w)
		return 0;
	return (size_t)sb.st_size;
}

int
in_map(struct sl_in *in)
{
	size_t n = map_size(in);
	void *p;

	if (n == 0 || (pthread_once(&installed, install), !usable))
		return 0;
	p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, in->seekfd, 0);
	if (p == MAP_FAILED)
		return 0;
	if ((in->mapslot = slot_take(p, n)) < 0) {
		munmap(p, n);
		return 0;
	}
	/* The pages are read once, front to back: read ahead, drop behind. */
	(void)madvise(p, n, MADV_SEQUENTIAL);
	in->map = p;
	in->maplen = n;
	in->end = in_map_end;
	in->behind = in_map_behind;
	in->behind_at = MAP_KEEP + BEHIND;
	in->data = p;
	in->w = n;
	in->produced = (long long)n;
	in->eof = 1;
	return 1;
}

/*
 * After a SIGBUS: the bytes of the file now, as far as the zeros start
 * (never fewer than were handed out), and a read error.  Else w.
 */
size_t
in_map_end(struct sl_in *in)
{
	struct slot *s = &slots[in->mapslot];
	uintptr_t fault = atomic_load(&s->fault);
	size_t end;
	struct stat sb;

	if (fault == 0)
		return in->w;
	end = (size_t)(fault - (uintptr_t)in->map);
	if (fstat(in->seekfd, &sb) == 0 && sb.st_size >= 0 &&
	    (unsigned long long)sb.st_size < end)
		end = (size_t)sb.st_size;
	in_seterr(in, "file shrank while being read (to %zu bytes of %zu)",
	    end, in->maplen);
	return SL_MAX(end, in->r);
}

/*
 * The pages before the reader's window go, as a read buffer's bytes
 * would: resident memory stays bounded however large the file.  They
 * stay mapped, so a view still held (a writer's run) reads the same
 * bytes again from the page cache.
 */
static void
in_map_behind(struct sl_in *in)
{
	size_t from = in->behind_at - MAP_KEEP - BEHIND;
	size_t done = in->r - BEHIND;

	/* Whole windows, from the end of the last one let go. */
	done -= done % MAP_KEEP;
	if (done > from)
		(void)madvise((char *)(uintptr_t)in->map + from, done - from,
		    MADV_DONTNEED);
	in->behind_at = done + MAP_KEEP + BEHIND;
}

void
in_unmap(struct sl_in *in)
{
	struct slot *s = &slots[in->mapslot];

	atomic_store(&s->hi, 0);
	atomic_store(&s->lo, 0);
	munmap((void *)(uintptr_t)in->map, in->maplen);
	in->map = NULL;
	in->end = NULL;
	in->behind_at = SIZE_MAX;
	in->data = (const unsigned char *)"";
	in->r = in->w = 0;
}
