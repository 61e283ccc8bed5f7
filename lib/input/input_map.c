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

#define MAP_MIN		(1024 * 1024)	/* smaller files: read(2) is as
					   cheap as the mapping's set-up */
#define MAP_SLOTS	64		/* mappings live at once (threads) */
#define MAP_KEEP	(1024 * 1024)	/* pages read let go this many at
					   a time: memory stays bounded */
#define BEHIND		(MAP_KEEP + MAP_KEEP / 2) /* and kept behind the
					   reader, at least */

/*
 * A live mapping as the handler sees it: lock-free, async-signal-safe.
 * A slot changes (taken, freed) between two steps of seq, so a handler
 * reading lo and hi while another thread changes the slot sees seq odd
 * or moved, and passes the slot by: it cannot be the faulting thread's
 * own mapping, which stays until that very thread unmaps it.  Without
 * seq, a lo of one mapping and a hi of the next could enclose a third
 * mapping's page, and the handler would map zeros over it.
 */
struct slot {
	_Atomic int taken;
	_Atomic unsigned seq;		/* odd while lo and hi change */
	_Atomic uintptr_t lo, hi;	/* [lo, hi), or 0 when free */
	_Atomic uintptr_t fault;	/* first page zeroed, or 0 */
};

static struct slot slots[MAP_SLOTS];
static struct sigaction before;		/* the SIGBUS action we replaced */
static uintptr_t pagemask;		/* sysconf() is no call for a handler */
static size_t pagesize;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static _Atomic int usable;		/* the handler is in place */

/* The slot whose mapping holds a, its bounds in *hi; or NULL. */
static struct slot *
slot_of(uintptr_t a, uintptr_t *hi)
{
	unsigned seq;
	uintptr_t lo;
	size_t i;

	for (i = 0; i < MAP_SLOTS; i++) {
		seq = atomic_load(&slots[i].seq);
		lo = atomic_load(&slots[i].lo);
		*hi = atomic_load(&slots[i].hi);
		if (seq % 2 == 0 && atomic_load(&slots[i].seq) == seq &&
		    a >= lo && a < *hi)
			return &slots[i];
	}
	return NULL;
}

/*
 * A SIGBUS that is not ours goes where it would have gone without us.
 * The handler that was there is called from here, under its own mask,
 * and ours stays in place (putting the old action back and faulting
 * again would lose ours for good: a file cut under a later mapping
 * would kill, or loop in the old handler).  This is the signal chaining
 * of libsigsegv and the JVM.  The default action, or a fault the kernel
 * raised while SIGBUS is ignored, kills as it would have: the default
 * put back, then the signal raised again, pending until we return (not
 * left to the load done again: a machine-check SIGBUS, BUS_MCEERR_AO,
 * does not fault again).  A SIGBUS sent by kill(2) while ignored stays
 * ignored.
 */
static void
pass_on(int sig, siginfo_t *si, void *uc)
{
	struct sigaction act = before;
	sigset_t old;

	if (act.sa_handler == SIG_DFL || act.sa_handler == SIG_IGN) {
		if (act.sa_handler == SIG_IGN && si->si_code <= 0)
			return;
		act.sa_handler = SIG_DFL;
		act.sa_flags = 0;
		sigaction(sig, &act, NULL);
		raise(sig);
		return;
	}
	/* A handler that asked to be reset runs once, then the default. */
	if (act.sa_flags & SA_RESETHAND) {
		before.sa_handler = SIG_DFL;
		before.sa_flags = 0;
	}
	pthread_sigmask(SIG_BLOCK, &act.sa_mask, &old);
	if (act.sa_flags & SA_SIGINFO)
		act.sa_sigaction(sig, si, uc);
	else
		act.sa_handler(sig);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * The page at fault and the rest of its mapping become zeros, so the
 * load that faulted is done again and reads one; mmap(2) is a plain
 * system call, safe here.
 */
static void
on_sigbus(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr, page = a & pagemask, hi = 0;
	uintptr_t none = 0;
	struct slot *s = slot_of(a, &hi);
	int saved = errno;

	if (s == NULL || si->si_code != BUS_ADRERR ||
	    mmap((void *)page, hi - page, PROT_READ, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		pass_on(sig, si, uc);
	else
		atomic_compare_exchange_strong(&s->fault, &none, page);
	errno = saved;
}

static void
install(void)
{
	struct sigaction sa;

	pagesize = (size_t)sysconf(_SC_PAGESIZE);
	pagemask = ~((uintptr_t)pagesize - 1);
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
	struct slot *s;
	size_t i;
	int no;

	for (i = 0; i < MAP_SLOTS; i++) {
		s = &slots[i];
		no = 0;
		if (!atomic_compare_exchange_strong(&s->taken, &no, 1))
			continue;
		atomic_fetch_add(&s->seq, 1);
		atomic_store(&s->fault, 0);
		atomic_store(&s->lo, (uintptr_t)p);
		atomic_store(&s->hi, (uintptr_t)p + n);
		atomic_fetch_add(&s->seq, 1);
		return (int)i;
	}
	return -1;
}

static void
slot_free(struct slot *s)
{
	atomic_fetch_add(&s->seq, 1);
	atomic_store(&s->lo, 0);
	atomic_store(&s->hi, 0);
	atomic_fetch_add(&s->seq, 1);
	atomic_store(&s->taken, 0);
}

/* Would in be read in place: a regular file, at its start, large? */
static size_t
map_size(const struct sl_in *in)
{
	struct stat sb;

	/* Only the fd source has a seekfd.  A first read that did not fill
	 * the buffer: a small file. */
	if (in->seekfd < 0 || in->eof || in->r != 0 || in->off != 0 ||
	    in->w != in->cap)
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

/*
 * in->produced stays what read(2) gave before the mapping: --stats
 * counts the bytes handed out past it (input.c's leaf()), as read(2)
 * would have read them, not the whole file for a reader that stopped
 * early.
 */
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
	in->behind_at = MAP_KEEP + BEHIND;
	in->data = p;
	in->w = n;
	in->eof = 1;
	return 1;
}

/* The file's size now, if under cap; else cap. */
static size_t
file_size_under(const struct sl_in *in, size_t cap)
{
	struct stat sb;

	if (fstat(in->seekfd, &sb) == 0 && sb.st_size >= 0 &&
	    (unsigned long long)sb.st_size < cap)
		return (size_t)sb.st_size;
	return cap;
}

/*
 * How many mapped bytes are still the file's, checked up to upto (the
 * end of what the reader is about to hand out; 0: only what a SIGBUS
 * already found): maplen, or the size it shrank to.
 *
 * A cut leaves the page holding the new end mapped, zeros after the
 * end and no SIGBUS: only whole pages past it fault.  So the page after
 * upto's is touched (a cut before it faults there, and the handler
 * notes it); when upto's page is the mapping's last, there is no such
 * page to touch, and fstat(2) tells.
 */
size_t
in_map_size(const struct sl_in *in, size_t upto)
{
	const struct slot *s = &slots[in->mapslot];
	size_t next;
	uintptr_t fault;

	if (upto > 0 && atomic_load(&s->fault) == 0) {
		next = ((upto - 1) & pagemask) + pagesize;
		if (next >= in->maplen)
			return file_size_under(in, in->maplen);
		(void)*(volatile const char *)((uintptr_t)in->map + next);
	}
	fault = atomic_load(&s->fault);
	if (fault == 0)
		return in->maplen;
	return file_size_under(in, (size_t)(fault - (uintptr_t)in->map));
}

/*
 * The pages before the reader's window go, as a read buffer's bytes
 * would: resident memory stays bounded however large the file.  They
 * stay mapped, so a view still held (a writer's run) reads the same
 * bytes again from the page cache.
 */
void
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
	slot_free(&slots[in->mapslot]);
	munmap((void *)(uintptr_t)in->map, in->maplen);
	in->map = NULL;
	in->behind_at = SIZE_MAX;
	in->data = (const unsigned char *)"";
	in->r = in->w = 0;
}
