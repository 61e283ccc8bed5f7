#!/usr/bin/env bash
# bench/redact.sh BUILD_DIR OUT: sl-redact's throughput on a 100 MiB
# session log with secrets in it, with the default rules, side by side in
# the same run with `sed -E` applying as many patterns (bench/gen-sed).
# A report, not a test: it always exits 0.  Called by bench/run.
#
# Environment (as bench/run): BENCH_MIB=100, BENCH_RUNS=3, and
#   BENCH_SED_MIB=8   sed is slow: it reads a prefix this big, and its
#                     MiB/s is that prefix over its time (scaled)
#   BENCH_REDACT_BEFORE=PATH  another sl-redact (a build of the commit
#                     before a change): measured in the same rounds on the
#                     log and on the record stream, and its output on all
#                     three inputs must be byte-identical (sha256 below)
#
# ansi2txt (colorized-logs), where installed, runs on the same log: a
# stripper that redacts nothing, to compare with.  The "floor" row is
# sl-redact itself with one rule that never matches: what reading,
# scanning and writing cost before any rule runs.
set -u
[ $# -eq 2 ] || { echo "usage: bench/redact.sh BUILD_DIR OUT" >&2; exit 0; }
BUILD=$1 OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
MIB=${BENCH_MIB:-100}
RUNS=${BENCH_RUNS:-3}
SED_MIB=${BENCH_SED_MIB:-8}
RX=$BUILD/sl-redact
BEFORE=${BENCH_REDACT_BEFORE:-}
note() { printf '%s\n' "$*"; }

if [ ! -x "$RX" ]; then
	note "SKIP sl-redact: $RX not built"
	exit 0
fi
mkdir -p "$OUT" || exit 0
[ -f "$OUT/.gitignore" ] || echo '*' > "$OUT/.gitignore"
TMP=$(mktemp -d) || exit 0
trap 'rm -rf "$TMP"' EXIT

# ------------------------------------------------------------------ inputs
# The escape-dense transcript of bench/gen-transcript, with a secret block
# every 32 KiB (bench/gen-secrets); made again only when a generator
# changes.
BASE=$OUT/escape-$MIB.log
SEC=$OUT/secrets-$MIB.log
REC=$OUT/secrets-$MIB.jsonl
PRE=$OUT/secrets-$MIB.prefix$SED_MIB.log
SED=$OUT/redact.sed
if [ ! -s "$BASE" ] || [ "$HERE/gen-transcript" -nt "$BASE" ]; then
	python3 "$HERE/gen-transcript" escape "$MIB" "$BASE.tmp" && mv "$BASE.tmp" "$BASE" ||
		{ note "bench: gen-transcript failed"; exit 0; }
fi
if [ ! -s "$SEC" ] || [ "$HERE/gen-secrets" -nt "$SEC" ] || [ "$BASE" -nt "$SEC" ]; then
	python3 "$HERE/gen-secrets" "$BASE" "$SEC.tmp" 2>/dev/null && mv "$SEC.tmp" "$SEC" ||
		{ note "bench: gen-secrets failed"; exit 0; }
fi
[ -s "$PRE" ] && [ "$PRE" -nt "$SEC" ] || head -c $((SED_MIB * 1048576)) "$SEC" > "$PRE"
if [ -x "$BUILD/sl-parse" ] && { [ ! -s "$REC" ] || [ "$SEC" -nt "$REC" ]; }; then
	"$BUILD/sl-parse" "$SEC" > "$REC" 2>/dev/null || rm -f "$REC"
fi
"$RX" --default-rules | python3 "$HERE/gen-sed" > "$SED" 2>"$TMP/gen" ||
	{ note "bench: gen-sed failed: $(cat "$TMP/gen")"; exit 0; }
NPAT=$(grep -c '' "$SED")
NRULES=$("$RX" --default-rules | grep -c '^	pattern')
size_of() { wc -c < "$1" | tr -d ' '; }

# --------------------------------------------------------------- measuring
# Registered rows run once per round, RUNS rounds interleaved; each keeps
# its best wall time.
NJ=0
job() {	# job NAME LABEL BYTES CMD...
	J_NAME[NJ]=$1 J_LABEL[NJ]=$2 J_BYTES[NJ]=$3 J_CMD[NJ]=$(printf '%q ' "${@:4}")
	J_BEST[NJ]= J_ERR[NJ]=
	NJ=$((NJ + 1))
}
job sl-redact "log with secrets, $(($(size_of "$SEC") / 1048576)) MiB" \
	"$(size_of "$SEC")" "$RX" -q "$SEC"
job sl-redact "same log, no secrets" "$(size_of "$BASE")" "$RX" -q "$BASE"
# The floor: the log with secrets, one rule whose keyword never occurs.  Every
# line is still read, scanned (the automaton's walk costs the same for one
# keyword as for 250), checked for moves and written; no rule runs and no
# line is rendered for a keyword.  What the default rules add is the rest.
printf 'rule never\n\tpattern\tqx7never9zq\n\tkeywords\tqx7never9zq\n' > "$TMP/never.rules"
FLOORROW=$NJ
job floor "same log, a rule that never matches" "$(size_of "$SEC")" \
	"$RX" -q --no-default -r "$TMP/never.rules" "$SEC"
if [ -n "$BEFORE" ] && [ -x "$BEFORE" ]; then
	job before "log with secrets (BENCH_REDACT_BEFORE)" "$(size_of "$SEC")" \
		"$BEFORE" -q "$SEC"
fi
if command -v ansi2txt > /dev/null 2>&1; then
	job ansi2txt "log with secrets (strips, redacts nothing)" \
		"$(size_of "$SEC")" sh -c 'ansi2txt < "$1"' sh "$SEC"
else
	note "skip: ansi2txt not installed"
fi
RECROW=
if [ -s "$REC" ]; then
	RECROW=$NJ
	job sl-redact "its record stream (sl-parse)" "$(size_of "$REC")" \
		"$RX" -q "$REC"
fi
if [ -s "$REC" ] && [ -n "$BEFORE" ] && [ -x "$BEFORE" ]; then
	job before "record stream (BENCH_REDACT_BEFORE)" "$(size_of "$REC")" \
		"$BEFORE" -q "$REC"
fi
job sl-redact "${SED_MIB} MiB prefix" "$(size_of "$PRE")" "$RX" -q "$PRE"
job "sed -E" "${SED_MIB} MiB prefix, $NPAT expressions *" "$(size_of "$PRE")" \
	sed -E -f "$SED" "$PRE"

note "bench: redact: $(uname -m), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null); best of $RUNS rounds"
for round in $(seq "$RUNS"); do
	for ((j = 0; j < NJ; j++)); do
		[ -n "${J_ERR[j]}" ] && continue
		t0=$(date +%s%N)
		eval "${J_CMD[j]}" > /dev/null 2> "$TMP/err"
		st=$?
		t1=$(date +%s%N)
		if [ $st -ne 0 ] && [ $st -ne 1 ]; then
			J_ERR[j]="exit $st"
			continue
		fi
		dt=$((t1 - t0))
		if [ -z "${J_BEST[j]}" ] || [ $dt -lt "${J_BEST[j]}" ]; then J_BEST[j]=$dt; fi
	done
done

# ------------------------------------------------------------------ report
mibs() { awk -v b="$1" -v ns="$2" 'BEGIN { printf "%.1f", (b / 1048576) / (ns / 1e9) }'; }
printf '%-9s  %-40s %9s\n' tool input MiB/s
for ((j = 0; j < NJ; j++)); do
	if [ -n "${J_ERR[j]}" ] || [ -z "${J_BEST[j]}" ]; then
		R[j]=-
		printf '%-9s  %-40s %9s\n' "${J_NAME[j]}" "${J_LABEL[j]}" "${J_ERR[j]:-no run}"
		continue
	fi
	R[j]=$(mibs "${J_BYTES[j]}" "${J_BEST[j]}")
	printf '%-9s  %-40s %9s\n' "${J_NAME[j]}" "${J_LABEL[j]}" "${R[j]}"
done
# The output is the proof that a faster sl-redact changed nothing.
sum_of() { "$@" 2> /dev/null | sha256sum | cut -c1-16; }
SUM=$(sum_of "$RX" -q "$SEC")
note "output sha256 $SUM (log with secrets)"
same_as_before() {	# same_as_before FILE LABEL
	local a b
	a=$(sum_of "$RX" -q "$1") b=$(sum_of "$BEFORE" -q "$1")
	if [ "$a" = "$b" ]; then
		note "PASS output byte-identical to BENCH_REDACT_BEFORE ($2)"
	else
		note "FAIL output differs from BENCH_REDACT_BEFORE ($2: $a, $b)"
	fi
}
if [ -n "$BEFORE" ] && [ -x "$BEFORE" ]; then
	same_as_before "$SEC" "log with secrets"
	same_as_before "$BASE" "same log, no secrets"
	[ -s "$REC" ] && same_as_before "$REC" "record stream"
fi
note "* sed runs the $NPAT substitutions that bench/gen-sed makes of the $NRULES"
note "  pattern rules (PCRE turned into ERE), on every line: it has no prefilter."
note "  It reads only the first ${SED_MIB} MiB; its MiB/s is that prefix over its time."
note

# ----------------------------------------------------------------- targets
# Row 0: the 100 MiB log; the ratio compares sl-redact and sed on the same
# prefix (the last two rows).
last=$((NJ - 1)) pre=$((NJ - 2))
note "targets (issues 4, 17):"
if [ "${R[0]}" = - ]; then
	note "SKIP sl-redact >= 100 MiB/s: not measured"
else
	awk -v a="${R[0]}" 'BEGIN { printf "%s sl-redact >= 100 MiB/s on the 100 MiB log with secrets: %s MiB/s\n", (a >= 100 ? "PASS" : "MISS"), a }'
	awk -v a="${R[0]}" 'BEGIN { printf "%s sl-redact >= 400 MiB/s on the same log (issue 17): %s MiB/s\n", (a >= 400 ? "PASS" : "MISS"), a }'
fi
if [ "${R[0]}" != - ] && [ "${R[FLOORROW]}" != - ]; then
	awk -v a="${R[0]}" -v f="${R[FLOORROW]}" 'BEGIN { printf "floor: %s MiB/s with a rule that never matches; the default rules take %.0f%% of the time on the log with secrets\n", f, 100 * (1 - a / f) }'
fi
if [ -z "$RECROW" ] || [ "${R[RECROW]}" = - ]; then
	note "SKIP sl-redact records >= 200 MiB/s: not measured"
else
	awk -v a="${R[RECROW]}" 'BEGIN { printf "%s sl-redact >= 200 MiB/s on its record stream (issue 17): %s MiB/s\n", (a >= 200 ? "PASS" : "MISS"), a }'
fi
if [ "${R[pre]}" = - ] || [ "${R[last]}" = - ]; then
	note "SKIP sl-redact >= 5x sed -E: not measured"
else
	awk -v a="${R[pre]}" -v b="${R[last]}" 'BEGIN { printf "%s sl-redact >= 5x sed -E with as many patterns: %.1fx (%s vs %s MiB/s)\n", (a / b >= 5 ? "PASS" : "MISS"), a / b, a, b }'
fi
exit 0
