#!/usr/bin/env bash
# bench/report.sh BUILD_DIR OUT: sl-report beside sl-parse on the same record
# stream: 10,000 sessions, about 1,000,000 lines (bench/gen-sessions).  A
# report, not a test: it prints its rows and targets and exits 0.
#
#   BENCH_RUNS=3   runs per measurement; the best wall time and the largest
#                  peak RSS count
set -u
[ $# -eq 2 ] || { echo "usage: bench/report.sh BUILD_DIR OUT" >&2; exit 2; }
BUILD=$1 OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${BENCH_RUNS:-3}
TIME=/usr/bin/time
mkdir -p "$OUT" || exit 0
[ -f "$OUT/.gitignore" ] || echo '*' > "$OUT/.gitignore"
TMP=$(mktemp -d) || exit 0
trap 'rm -rf "$TMP"' EXIT

gen() {	# gen NAME SESSIONS LINES CMD_EVERY: sets GEN
	GEN=$OUT/$1.jsonl
	if [ ! -s "$GEN" ] || [ "$HERE/gen-sessions" -nt "$GEN" ]; then
		python3 "$HERE/gen-sessions" "$2" "$3" "$GEN.tmp" "$4" &&
		    mv "$GEN.tmp" "$GEN" ||
			{ echo "bench: gen-sessions failed"; exit 0; }
	fi
}
echo "report: generating inputs in $OUT/ ..."
gen sessions-10k 10000 106 5; IN=$GEN
gen sessions-10k-nocmd 10000 106 0; NOCMD=$GEN
gen sessions-1k 1000 1060 5; FEW=$GEN
for f in "$BUILD/sl-parse" "$BUILD/sl-report"; do
	[ -x "$f" ] || { echo "SKIP report: $f not built"; exit 0; }
done

# run LABEL INPUT CMD...: best wall seconds and peak RSS KiB of CMD over RUNS.
run() {
	local label=$1 in=$2 best= rss=0 t0 t1 dt r i
	shift 2
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$TIME" -f %M -o "$TMP/rss" "$@" > /dev/null 2> "$TMP/err"
		local st=$?
		t1=$(date +%s%N)
		if [ $st -gt 1 ]; then
			echo "bench: $label exited $st: $(head -c 200 "$TMP/err")"
			return
		fi
		dt=$((t1 - t0))
		[ -z "$best" ] || [ "$dt" -lt "$best" ] && best=$dt
		r=$(tail -n 1 "$TMP/rss")
		[ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
	done
	local bytes lines
	bytes=$(wc -c < "$in")
	lines=$(grep -c '"type":"line"' "$in")
	printf '%s|%s|%s|%s|%s\n' "$label" "$best" "$rss" "$bytes" "$lines" >> "$TMP/rows"
}

echo "report: $(nproc) CPUs; best of $RUNS runs"
run "sl-parse (records to /dev/null)" "$IN" "$BUILD/sl-parse" "$IN"
run "sl-report -t json" "$IN" "$BUILD/sl-report" -t json -o /dev/null "$IN"
run "sl-report -t text" "$IN" "$BUILD/sl-report" -o /dev/null "$IN"
run "sl-report -t html" "$IN" "$BUILD/sl-report" -t html -o "$TMP/r.html" "$IN"
run "sl-report -t json, no commands" "$NOCMD" "$BUILD/sl-report" -t json -o /dev/null "$NOCMD"
run "sl-report -t json, 1k sessions" "$FEW" "$BUILD/sl-report" -t json -o /dev/null "$FEW"
[ -s "$TMP/rows" ] || { echo "report: nothing measured"; exit 0; }

echo
printf '%-34s %8s %9s %10s %12s\n' "command" "seconds" "MiB/s" "Mlines/s" "peak RSS MiB"
awk -F'|' '{
	s = $2 / 1e9
	printf "%-34s %8.2f %9.1f %10.2f %12.1f\n", $1, s, $4 / 1048576 / s, $5 / 1e6 / s, $3 / 1024
}' "$TMP/rows"
sessions=$(grep -c '"type":"session"' "$IN")
lines=$(grep -c '"type":"line"' "$IN")
cmds=$(grep -c '"cmd":' "$IN")
echo "input: $sessions sessions, $lines lines, $cmds commands, $(( $(wc -c < "$IN") / 1048576 )) MiB"
echo
get() { awk -F'|' -v l="$1" -v f="$2" '$1 == l { print $f }' "$TMP/rows"; }
p=$(get "sl-parse (records to /dev/null)" 2)
r=$(get "sl-report -t json" 2)
if [ -n "$p" ] && [ -n "$r" ]; then
	awk -v p="$p" -v r="$r" 'BEGIN {
		o = (r / p - 1) * 100
		printf "%s sl-report -t json adds at most 30%% to sl-parse: %+.1f%% (%.2f s vs %.2f s)\n",
		    o <= 30 ? "PASS" : "MISS", o, r / 1e9, p / 1e9 }'
fi
a=$(get "sl-report -t json" 3)
b=$(get "sl-report -t json, no commands" 3)
c=$(get "sl-report -t json, 1k sessions" 3)
if [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ]; then
	mib() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1024 }'; }
	echo "memory (peak RSS of sl-report -t json): $(mib "$a") MiB for 10k sessions and $cmds commands;"
	echo "  $(mib "$b") MiB for the same 10k sessions and lines without commands;"
	echo "  $(mib "$c") MiB for the same lines and commands in 1k sessions"
fi
exit 0
