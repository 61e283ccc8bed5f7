# sl: Session Manager session-log toolkit.  Plain make; pkg-config for
# every dependency.  `make demo` and `make check` install what is missing
# (scripts/install-deps) and then build in a sub-make, so pkg-config runs
# only once the libraries are there.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
LIBDIR	?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR	?= $(PREFIX)/share/man
DESTDIR	?=

CC	?= cc
CFLAGS	?= -O2 -g
PKG_CONFIG ?= pkg-config
LD	?= ld
OBJCOPY	?= objcopy
PKGS	= zlib libdeflate jansson libarchive libpcre2-8 libutf8proc

# Warnings are appended to the user's CFLAGS so they cannot be dropped.
# Hidden visibility: only what sl.h marks SL_API leaves the installed
# library (see $(B)/pub/libsl.a below).
SL_CFLAGS = $(CFLAGS) -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -D_GNU_SOURCE -fvisibility=hidden -Ilib -Iformats \
	$(shell $(PKG_CONFIG) --cflags $(PKGS))
# libarchive is not linked: lib/base/archive_dl.c opens it with dlopen()
# when the first archive is met, so a plain log does not pay for loading
# and relocating the fifteen libraries it pulls in (libxml2, ICU, ...).
# Its headers are still needed (SL_CFLAGS); unit tests that build
# archives link it themselves (ARCHIVE_LIBS).
LINK_PKGS = $(filter-out libarchive,$(PKGS))
SL_LIBS	= $(shell $(PKG_CONFIG) --libs $(LINK_PKGS)) -ldl -lm
ARCHIVE_LIBS = $(shell $(PKG_CONFIG) --libs libarchive)

# SANITIZE=1: ASan+UBSan, stop at the first report.  Objects go to their
# own folder so both builds can sit side by side.
ifeq ($(SANITIZE),1)
B	= build/asan
SL_CFLAGS += -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
SL_LDFLAGS = -fsanitize=address,undefined
else
B	= build
SL_LDFLAGS =
endif

LIB_SRC	= $(sort $(wildcard lib/*/*.c) $(wildcard formats/*/*.c))
LIB_OBJ	= $(LIB_SRC:%.c=$(B)/%.o)
TOOLS	= $(patsubst tools/%.c,%,$(filter tools/sl-%.c,$(wildcard tools/*.c)))
TOOL_COMMON = $(B)/tools/common.o
BINS	= $(TOOLS:%=$(B)/%)
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNITS	= $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
BENCH_SRC = $(wildcard bench/*.c)
BENCH_BINS = $(BENCH_SRC:bench/%.c=$(B)/bench/%)
MANS	= $(wildcard man/*.1 man/*.3 man/*.5 man/*.7)
VERSION	= $(shell sed -n 's/^\#define SL_VERSION "\(.*\)"/\1/p' lib/sl.h)
HDRS	= $(wildcard lib/*.h lib/*/*.h formats/*/*.h tools/*.h)

.PHONY: all deps demo check check-build unit e2e cli docs golden golden-verify bad jobs \
	truth truth-check browser bench fuzz fuzz-build fuzz-check install uninstall clean \
	arch example

all: $(B)/libsl.a $(BINS)

$(B)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SL_CFLAGS) -c -o $@ $<

$(B)/libsl.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $(LIB_OBJ)

# The installed library: every library object pre-linked into one, its
# hidden symbols then made local, so that only the SL_API functions of
# sl.h are global and a program linking it cannot clash with our helpers.
# Tools and tests link the internal $(B)/libsl.a and may use the helpers.
$(B)/pub/libsl.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(LD) -r -o $(B)/pub/libsl.o $(LIB_OBJ)
	$(OBJCOPY) --localize-hidden $(B)/pub/libsl.o
	@rm -f $@
	ar rcs $@ $(B)/pub/libsl.o

# pkg-config file.  Only a static library is installed, so the libraries
# it needs are Requires, not Requires.private: `pkg-config --libs sl`
# then links without --static (libarchive is opened at run time, hence
# LINK_PKGS and -ldl).  Directories under PREFIX are written
# relative to ${prefix}, so `pkg-config --define-prefix` can move them.
# Made at every install: PREFIX may differ from the last one.
PC_SED	= sed -e 's|@PREFIX@|$(PREFIX)|' \
		-e 's|@LIBDIR@|$(patsubst $(PREFIX)%,$${prefix}%,$(LIBDIR))|' \
		-e 's|@INCLUDEDIR@|$(patsubst $(PREFIX)%,$${prefix}%,$(INCLUDEDIR))|' \
		-e 's|@VERSION@|$(VERSION)|' -e 's|@PKGS@|$(LINK_PKGS)|' sl.pc.in

$(B)/sl-%: $(B)/tools/sl-%.o $(TOOL_COMMON) $(B)/libsl.a
	$(CC) $(SL_LDFLAGS) -o $@ $^ $(SL_LIBS)

$(B)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(B)/libsl.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SL_CFLAGS) -Itests/unit $(shell $(PKG_CONFIG) --cflags check) \
		$(SL_LDFLAGS) -o $@ $< $(B)/libsl.a $(SL_LIBS) $(ARCHIVE_LIBS) \
		$(shell $(PKG_CONFIG) --libs check)

$(B)/bench/%: bench/%.c $(B)/libsl.a $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(SL_CFLAGS) $(SL_LDFLAGS) -o $@ $< $(B)/libsl.a $(SL_LIBS)

deps:
	@scripts/install-deps

# The main job on the bundled samples; outputs under demo-out/.
demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo $(B)

# Every test, then every test again under ASan+UBSan.
check: deps
	@$(MAKE) --no-print-directory check-build
	@$(MAKE) --no-print-directory SANITIZE=1 check-build
	@$(MAKE) --no-print-directory fuzz-check
	@echo "check: all tests passed (plain and ASan+UBSan)"

check-build: all $(UNITS) $(BENCH_BINS)
	@$(MAKE) --no-print-directory unit e2e cli docs golden bad jobs \
	    truth-check
	@if [ "$(SANITIZE)" != 1 ]; then \
		$(MAKE) --no-print-directory browser example arch; fi
	@$(MAKE) --no-print-directory redact-score

unit: $(UNITS)
	@set -e; for t in $(UNITS); do $$t; done

e2e: all
	@tests/e2e/run $(B)

# -j N changes nothing but speed: every e2e case with -j 1 and -j 2, the
# bad-input tests under both.
jobs: all
	@tests/jobs/run $(B)

# The option convention of sl(7) across the four tools, one table.
cli: all
	@tests/cli/run $(B)

# Every example of README.md and of the manual pages, on samples/.
docs: all
	@tests/docs/run $(B)

golden: all $(B)/bench/render
	@tests/golden/run $(B)

# Re-check every golden expectation against libvterm's unterm and pyte.
golden-verify: all
	@tests/golden/verify $(B)

bad: all
	@tests/bad/run $(B)
# sl-redact against the generated corpus of tests/redact/corpus.py: recall
# and precision per kind, raw and CloudWatch; fails below 0.99.
.PHONY: redact-score
redact-score: all
	@tests/redact/score $(B)

# Real shells in a pty, their sessions made into S3 logs and streamed
# events, sl-parse's commands against what each shell ran (tests/truth).
# `make truth N=20` runs N sessions per shell set-up (SHELLS="zsh fish":
# only those) and prints the rates.  `make check` runs a fixed seeded set
# against tests/truth/baseline; the sessions are kept in build/truth-cache
# and made again only when the harness changes, so the ASan pass reuses them.
N	?= 10
SHELLS	?=
TRUTH_CHECK_N ?= 25
# The set-ups added later (shells.py's group "more": git prompt, two-line
# and right prompts, vi keys, no bracketed paste) have a baseline of their
# own, over fewer seeds.
TRUTH_MORE_N ?= 10
# Common configurations made with Debian's real packages (group "extra":
# zsh's autosuggestion and highlighting plugins, bash-completion, the vi
# modes of zsh, fish and readline), fewer seeds still.
TRUTH_EXTRA_N ?= 5
# What SSM users meet beyond those (group "wild": SSM's sh with a bash
# started and left, Liquid Prompt, mksh, ksh93): a few seeds.
TRUTH_WILD_N ?= 2
truth: all
	@tests/truth/run --sl $(B) -n $(N) $(foreach s,$(SHELLS),--shell $(s))

truth-check: all
	@tests/truth/selftest
	@tests/truth/run --sl $(B) -n $(TRUTH_CHECK_N) --cache build/truth-cache \
		--baseline tests/truth/baseline --summary
	@tests/truth/run --sl $(B) -n $(TRUTH_MORE_N) --shell more \
		--cache build/truth-cache --baseline tests/truth/baseline-more --summary
	@tests/truth/run --sl $(B) -n $(TRUTH_EXTRA_N) --shell extra \
		--cache build/truth-cache --baseline tests/truth/baseline-extra --summary
	@tests/truth/run --sl $(B) -n $(TRUTH_WILD_N) --shell wild \
		--cache build/truth-cache --baseline tests/truth/baseline-wild --summary

# Headless Chromium on the HTML outputs; skipped when it is not installed.
browser: all
	@tests/browser/run $(B)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS)
	@bench/run $(B)

# libFuzzer harnesses (tests/fuzz/README): clang, ASan+UBSan, objects in
# build/fuzz.  `make fuzz FUZZ_SECONDS=N` replays every saved finding and
# seed, then fuzzes each harness for N seconds (FUZZ=NAME: just that one).
# `make check` replays them too, then fuzzes CHECK_FUZZ_RUNS inputs per
# harness from a fixed random seed (the same inputs every time: a check
# that passes once passes again), or says why it cannot.
FUZZ_CC	?= clang
FUZZ_SECONDS ?= 60
CHECK_FUZZ_RUNS ?= 2000
FZ	= build/fuzz
# UBSan recoverable so that fuzz/run can suppress an open finding while
# fuzzing past it; common.c makes it halt on the first report otherwise.
FUZZ_CFLAGS = $(SL_CFLAGS) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fsanitize-recover=undefined
# A harness of a library part not written yet is left out.
FUZZ_SRC = $(filter-out tests/fuzz/common.c \
	$(if $(wildcard lib/redact/redact.c),,tests/fuzz/redact.c \
	    tests/fuzz/crskip.c) \
	$(if $(wildcard lib/report/report.c),,tests/fuzz/report.c), \
	$(wildcard tests/fuzz/*.c))
FUZZ_BINS = $(FUZZ_SRC:tests/fuzz/%.c=$(FZ)/%)
FUZZ_OBJ = $(LIB_SRC:%.c=$(FZ)/%.o) $(FZ)/tests/fuzz/common.o

$(FZ)/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/tests/fuzz/common.o: tests/fuzz/fuzz.h

$(FUZZ_BINS): $(FZ)/%: tests/fuzz/%.c tests/fuzz/fuzz.h tests/unit/walk_seen.h \
		$(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz -o $@ $< \
		$(FUZZ_OBJ) $(SL_LIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run $(FZ) $(FUZZ_SECONDS) $(FUZZ)

fuzz-check:
	@if tests/fuzz/run -probe $(FUZZ_CC); then \
		$(MAKE) --no-print-directory fuzz-build && \
		tests/fuzz/run $(FZ) runs:$(CHECK_FUZZ_RUNS); \
	else echo "fuzz: skipped: $(FUZZ_CC) cannot build libFuzzer programs"; fi

# ARCHITECTURE.md kept true: function length, include and call cycles,
# folder dependencies, the symbols of the installed library, the names
# that cross a split subsystem's files (and the script that renames them).
arch: all $(B)/pub/libsl.a
	@tests/arch/run $(B)
	@tests/arch/names-test

# examples/ built against the installed tree, as another program would.
STAGE	= $(B)/stage
example: all
	@rm -rf $(STAGE)
	@$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(STAGE) \
		PREFIX=/usr/local >/dev/null
	@examples/check $(CURDIR)/$(STAGE) /usr/local $(B)

install: all $(B)/pub/libsl.a
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	for m in $(MANS); do \
		install -d $(DESTDIR)$(MANDIR)/man$${m##*.}; \
	done
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(B)/pub/libsl.a $(DESTDIR)$(LIBDIR)/libsl.a
	install -m 644 lib/sl.h $(DESTDIR)$(INCLUDEDIR)/sl.h
	$(PC_SED) > $(DESTDIR)$(PKGCONFIGDIR)/sl.pc
	for m in $(MANS); do \
		s=$${m##*.}; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s; \
	done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	rm -f $(DESTDIR)$(LIBDIR)/libsl.a $(DESTDIR)$(INCLUDEDIR)/sl.h \
		$(DESTDIR)$(PKGCONFIGDIR)/sl.pc
	for m in $(MANS); do \
		s=$${m##*.}; rm -f $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; \
	done

clean:
	rm -rf build demo-out
