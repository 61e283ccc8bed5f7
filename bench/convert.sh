#!/bin/sh
# bench/convert.sh BUILD_DIR: time and peak memory of every sl-convert
# target on one generated transcript (bench/gen-transcript escape), and on
# a record stream interleaving many sessions (the spool's worst case), and
# on records as sl-report's bench makes them (bench/gen-sessions: record
# pass-through, issue 17's 200 MiB/s).
# A report, not a test: it exits 0 whatever the numbers.
#   BENCH_MIB=100  size of the transcript, MiB
set -u
B=$(cd "${1:?usage: bench/convert.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
MIB=${BENCH_MIB:-100}
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
export TMPDIR=$t SOURCE_DATE_EPOCH=1714641247

python3 "$HERE/gen-transcript" escape "$MIB" "$t/in.log" || exit 0
python3 - "$t/inter.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(100):
        for s in range(1000):
            t = "$ echo %d of session %d" % (i, s)
            f.write(json.dumps({"type": "line", "session": "u%d-0123456789abcdef0" % s,
                "n": i + 1, "text": t, "prompt": "$ ", "cmd": t[2:], "src": "x:%d" % i}) + "\n")
PY
# About BENCH_MIB MiB of records: 106 lines of each session, 50 sessions
# a MiB.
python3 "$HERE/gen-sessions" $((MIB * 50)) 106 "$t/sessions.jsonl" 5 || exit 0
row() {	# row LABEL INPUT ARGS...
	label=$1 in=$2
	shift 2
	rm -rf "$t/out"
	/usr/bin/time -f "%e %M" -o "$t/time" "$B/sl-convert" "$@" "$in" \
	    2>/dev/null || { echo "$label: failed"; return; }
	set -- $(cat "$t/time")
	mib=$(($(wc -c < "$in") / 1048576))
	printf '%-28s %6s s %8s KiB peak  %6s MiB/s\n' "$label" "$1" "$2" \
	    "$(echo "$mib $1" | awk '{ printf "%.1f", ($2 > 0 ? $1 / $2 : 0) }')"
}
echo "sl-convert on a $MIB MiB escape-dense transcript (one session):"
for target in text records csv cw-stream typescript asciicast html; do
	row "  -t $target" "$t/in.log" -t $target -o "$t/out"
done
echo "on $(($(wc -c < "$t/inter.jsonl") / 1048576)) MiB of records, 1000 sessions interleaved line by line:"
row "  -t text" "$t/inter.jsonl" -t text -o "$t/out"
row "  -t html --split" "$t/inter.jsonl" -t html --split -o "$t/out"
row "  -t cw-stream -o x.tar.gz" "$t/inter.jsonl" -t cw-stream -o "$t/out.tar.gz"
echo "on $(($(wc -c < "$t/sessions.jsonl") / 1048576)) MiB of records, $((MIB * 50)) sessions one after another (target: 200 MiB/s):"
row "  -t text" "$t/sessions.jsonl" -t text -o "$t/out"
exit 0
