#!/usr/bin/env bash
# bench/parallel.sh BUILD_DIR OUT: -j 2 beside -j 1 on a folder of 10,000
# small S3 session logs (bench/gen-s3dir) and on a tar.gz of them, for
# sl-parse, sl-report, sl-convert (-t text; csv on the folder) and
# sl-redact.  Checks that the output is
# byte for byte the same, and prints wall and CPU seconds.  A report, not
# a test: it prints its rows and the 1.8x target and exits 0.
#
#   BENCH_RUNS=3       runs per measurement; the best wall time counts
#   BENCH_FILES=10000  session logs in the folder
set -u
[ $# -eq 2 ] || { echo "usage: bench/parallel.sh BUILD_DIR OUT" >&2; exit 2; }
BUILD=$1 OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
RUNS=${BENCH_RUNS:-3}
FILES=${BENCH_FILES:-10000}
TIME=/usr/bin/time
mkdir -p "$OUT" || exit 0
[ -f "$OUT/.gitignore" ] || echo '*' > "$OUT/.gitignore"
TMP=$(mktemp -d) || exit 0
trap 'rm -rf "$TMP"' EXIT

DIR=$OUT/s3-$FILES TGZ=$OUT/s3-$FILES.tar.gz
if [ ! -d "$DIR" ] || [ "$HERE/gen-s3dir" -nt "$DIR" ]; then
	echo "parallel: generating $FILES session logs in $DIR ..."
	rm -rf "$DIR" "$TGZ"
	python3 "$HERE/gen-s3dir" escape "$FILES" "$DIR" ||
	    { echo "bench: gen-s3dir failed"; exit 0; }
fi
if [ ! -s "$TGZ" ]; then
	tar -C "$OUT" -czf "$TGZ" "$(basename "$DIR")" ||
	    { echo "bench: tar failed"; exit 0; }
fi
for f in sl-parse sl-report sl-convert sl-redact; do
	[ -x "$BUILD/$f" ] || { echo "SKIP parallel: $BUILD/$f not built"; exit 0; }
done

# run LABEL JOBS CMD...: best wall ns, its CPU (user+sys) and its system
# seconds (the kernel's share: what -j adds in copies and wake-ups); the
# output of the last run kept as $TMP/out.JOBS for the comparison.  With
# workers, also the parent's own CPU seconds (perf stat --no-inherit,
# when perf is there): the serial part, for a speed-up that does not
# depend on the machine's load.
run() {
	local label=$1 jobs=$2 best= cpu= sys= parent= t0 t1 dt i st
	shift 2
	for i in $(seq "$RUNS"); do
		t0=$(date +%s%N)
		"$TIME" -f '%U %S' -o "$TMP/cpu" "$@" -j "$jobs" \
		    > "$TMP/out.$jobs" 2> "$TMP/err.$jobs"
		st=$?
		t1=$(date +%s%N)
		if [ $st -gt 1 ]; then
			echo "bench: $label exited $st: $(head -c 200 "$TMP/err.$jobs")"
			return 1
		fi
		dt=$((t1 - t0))
		if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then
			best=$dt
			cpu=$(awk '{ print $1 + $2 }' "$TMP/cpu")
			sys=$(awk '{ print $2 }' "$TMP/cpu")
		fi
	done
	if [ "$jobs" -gt 1 ] && command -v perf >/dev/null 2>&1 &&
	    perf stat --no-inherit -x, -e task-clock -o "$TMP/perf" "$@" \
	    -j "$jobs" > /dev/null 2>&1; then
		parent=$(awk -F, '/task-clock/ { printf "%.3f", $1 / 1000 }' \
		    "$TMP/perf")
	fi
	printf '%s|%s|%s|%s|%s|%s\n' "$label" "$jobs" "$best" "$cpu" "$parent" "$sys" \
	    >> "$TMP/rows"
}

# pair LABEL CMD...: -j 1 and -j 2, outputs compared.
pair() {
	local label=$1
	shift
	run "$label" 1 "$@" || return
	run "$label" 2 "$@" || return
	if cmp -s "$TMP/out.1" "$TMP/out.2" && cmp -s "$TMP/err.1" "$TMP/err.2"
	then
		echo "$label|same" >> "$TMP/same"
	else
		echo "$label|DIFFERENT" >> "$TMP/same"
	fi
}

# The load beside the wall times: other work on the machine takes cores
# from -j 2 first, so a wall ratio means little without it.
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"; }
echo "parallel: $(nproc) CPUs; best of $RUNS runs; $FILES files," \
    "$(du -sm "$DIR" | cut -f1) MiB; tar.gz $(( $(wc -c < "$TGZ") / 1048576 )) MiB"
LOAD0=$(load)
pair "sl-parse DIR" "$BUILD/sl-parse" "$DIR"
pair "sl-parse TAR.GZ" "$BUILD/sl-parse" "$TGZ"
pair "sl-report DIR" "$BUILD/sl-report" -t json "$DIR"
pair "sl-report TAR.GZ" "$BUILD/sl-report" -t json "$TGZ"
pair "sl-convert -t text DIR" "$BUILD/sl-convert" -t text "$DIR"
pair "sl-convert -t text TAR.GZ" "$BUILD/sl-convert" -t text "$TGZ"
pair "sl-convert -t csv DIR" "$BUILD/sl-convert" -t csv "$DIR"
pair "sl-redact DIR" "$BUILD/sl-redact" "$DIR"
pair "sl-redact TAR.GZ" "$BUILD/sl-redact" "$TGZ"
LOAD1=$(load)
[ -s "$TMP/rows" ] || { echo "parallel: nothing measured"; exit 0; }

echo
printf '%-24s %8s %8s %8s %8s %6s %6s %8s %7s %6s %7s %6s %s\n' "command" \
    "j1 wall" "j2 wall" "j1 CPU" "j2 CPU" "j1 sys" "j2 sys" "parent" \
    "speedup" "model" "overlap" "target" "output"
awk -F'|' '
	FILENAME ~ /same$/ { same[$1] = $2; next }
	{ wall[$1, $2] = $3 / 1e9; cpu[$1, $2] = $4; par[$1, $2] = $5; sys[$1, $2] = $6; if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1 } }
	END {
		for (i = 0; i < n; i++) {
			l = order[i]
			if (wall[l, 2] == 0) continue
			s = wall[l, 1] / wall[l, 2]
			p = par[l, 2]
			m = p == "" ? "-" : sprintf("%.2fx", cpu[l, 1] / (p + (cpu[l, 2] - p) / 2))
			h = cpu[l, 2] / 2
			o = p == "" ? "-" : sprintf("%.2fx", cpu[l, 1] / (p > h ? p : h))
			printf "%-24s %8.2f %8.2f %8.2f %8.2f %6.2f %6.2f %8s %6.2fx %6s %7s %6s %s\n", l,
			    wall[l, 1], wall[l, 2], cpu[l, 1], cpu[l, 2],
			    sys[l, 1], sys[l, 2], p == "" ? "-" : p, s, m, o,
			    (s >= 1.8 ? "PASS" : "MISS"), same[l]
		}
	}' "$TMP/same" "$TMP/rows"
echo "(speedup: wall time of -j 1 over -j 2, target 1.8x on 2 idle cores;"
echo " model: j1 CPU / (parent + (j2 CPU - parent) / 2), the speed-up two"
echo " idle cores allow whatever the load: parent is the -j 2 parent's own CPU,"
echo " serial with its workers; overlap: j1 CPU / max(parent, j2 CPU / 2), the"
echo " bound when the parent never waits while a core is idle, as -j's"
echo " non-blocking transport allows)"
echo "load average (1, 5, 15 min): $LOAD0 before, $LOAD1 after"
exit 0
