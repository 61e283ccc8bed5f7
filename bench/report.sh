#!/usr/bin/env bash
# bench/report.sh BUILD_DIR OUT: sl-report beside sl-parse on the same record
# stream: 10,000 sessions, about 1,000,000 lines (bench/gen-sessions).  A
# report, not a test: it prints its rows and targets and exits 0.
#
#   BENCH_RUNS=3   runs per measurement; the best wall time and the largest
#                  peak RSS count
#   BENCH_BASE=DIR another build (say of the commit before) run beside this
#                  one on the same input: speed ratio, and its report must
#                  be byte-identical
#
# Targets (issue 17): sl-report -t json at least 5x jq selecting the
# session records of the same file, and 4x the build before the records
# reader lost its jansson tree (BENCH_BASE).
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

# run LABEL INPUT CMD...: best wall seconds, peak RSS KiB and best CPU
# seconds (user + system: steadier than wall time on a shared machine) of
# CMD over RUNS.
run() {
	local label=$1 in=$2 best= rss=0 cpu= t0 t1 dt r c i
	shift 2
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$TIME" -f '%U %S %M' -o "$TMP/rss" "$@" > /dev/null 2> "$TMP/err"
		local st=$?
		t1=$(date +%s%N)
		if [ $st -gt 1 ]; then
			echo "bench: $label exited $st: $(head -c 200 "$TMP/err")"
			return
		fi
		dt=$((t1 - t0))
		[ -z "$best" ] || [ "$dt" -lt "$best" ] && best=$dt
		read -r c r < <(tail -n 1 "$TMP/rss" | awk '{ print $1 + $2, $3 }')
		[ "$r" -gt "$rss" ] 2>/dev/null && rss=$r
		if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then
			cpu=$c
		fi
	done
	local bytes lines
	bytes=$(wc -c < "$in")
	lines=$(grep -c '"type":"line"' "$in")
	printf '%s|%s|%s|%s|%s|%s\n' "$label" "$best" "$rss" "$bytes" "$lines" "$cpu" >> "$TMP/rows"
}

echo "report: $(nproc) CPUs; best of $RUNS runs"
run "sl-parse (records to /dev/null)" "$IN" "$BUILD/sl-parse" "$IN"
run "sl-report -t json" "$IN" "$BUILD/sl-report" -t json -o /dev/null "$IN"
if command -v jq >/dev/null 2>&1; then
	run "jq select(.type==\"session\")" "$IN" jq -c 'select(.type=="session")' "$IN"
fi
BASE=${BENCH_BASE:-}
if [ -n "$BASE" ] && [ -x "$BASE/sl-report" ]; then
	run "base sl-report -t json" "$IN" "$BASE/sl-report" -t json -o /dev/null "$IN"
	"$BASE/sl-report" -t json "$IN" 2>/dev/null | cksum > "$TMP/base.sum"
	"$BUILD/sl-report" -t json "$IN" 2>/dev/null | cksum > "$TMP/this.sum"
	if cmp -s "$TMP/base.sum" "$TMP/this.sum"; then
		echo "PASS sl-report -t json: the same bytes as $BASE"
	else
		echo "MISS sl-report -t json: output differs from $BASE"
	fi
fi
run "sl-report -t text" "$IN" "$BUILD/sl-report" -o /dev/null "$IN"
run "sl-report -t html" "$IN" "$BUILD/sl-report" -t html --force -o "$TMP/r.html" "$IN"
run "sl-report -t json, no commands" "$NOCMD" "$BUILD/sl-report" -t json -o /dev/null "$NOCMD"
run "sl-report -t json, 1k sessions" "$FEW" "$BUILD/sl-report" -t json -o /dev/null "$FEW"
[ -s "$TMP/rows" ] || { echo "report: nothing measured"; exit 0; }

echo
printf '%-34s %8s %9s %10s %12s %8s %11s\n' "command" "seconds" "MiB/s" "Mlines/s" "peak RSS MiB" "CPU s" "MiB/CPU s"
awk -F'|' '{
	s = $2 / 1e9
	c = $6 > 0 ? $6 : 0.01
	printf "%-34s %8.2f %9.1f %10.2f %12.1f %8.2f %11.1f\n", $1, s, $4 / 1048576 / s, $5 / 1e6 / s, $3 / 1024, $6, $4 / 1048576 / c
}' "$TMP/rows"
sessions=$(grep -c '"type":"session"' "$IN")
lines=$(grep -c '"type":"line"' "$IN")
cmds=$(grep -c '"cmd":' "$IN")
echo "input: $sessions sessions, $lines lines, $cmds commands, $(( $(wc -c < "$IN") / 1048576 )) MiB"
echo
get() { awk -F'|' -v l="$1" -v f="$2" '$1 == l { print $f }' "$TMP/rows"; }
p=$(get "sl-parse (records to /dev/null)" 6)
r=$(get "sl-report -t json" 6)
if [ -n "$p" ] && [ -n "$r" ]; then
	awk -v p="$p" -v r="$r" 'BEGIN {
		o = (r / (p > 0 ? p : 0.01) - 1) * 100
		printf "%s sl-report -t json adds at most 30%% to sl-parse (CPU time): %+.1f%% (%.2f s vs %.2f s)\n",
		    o <= 30 ? "PASS" : "MISS", o, r, p }'
fi
# Speed ratios in CPU time.
rc=$(get "sl-report -t json" 6)
j=$(get "jq select(.type==\"session\")" 6)
if [ -n "$rc" ] && [ -n "$j" ]; then
	awk -v r="$rc" -v j="$j" 'BEGIN { x = j / (r > 0 ? r : 0.01)
		printf "%s sl-report -t json at least 5x jq (CPU time): %.1fx (%.2f s vs %.2f s)\n",
		    (x >= 5 ? "PASS" : "MISS"), x, r, j }'
fi
o=$(get "base sl-report -t json" 6)
if [ -n "$rc" ] && [ -n "$o" ]; then
	awk -v r="$rc" -v o="$o" 'BEGIN { x = o / (r > 0 ? r : 0.01)
		printf "%s sl-report -t json at least 4x the base build (CPU time): %.1fx (%.2f s vs %.2f s)\n",
		    (x >= 4 ? "PASS" : "MISS"), x, r, o }'
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
