#!/usr/bin/env bash
# bench/hostile.sh BUILD_DIR OUT: the 1 GiB versions of the hostile
# inputs of tests/bad (which use 64 MiB), through every tool, made on the
# fly and fed on standard input (nothing big is written to disk): a
# 1 GiB line, a JSON event with a 1 GiB string (past SL_EVENT_MAX: it
# must be skipped in bounded memory), a record of 1 GiB, an OSC that
# never ends, and a 1 GiB gzip bomb (refused at SL_EXPAND_FREE).  Prints
# time, peak RSS and exit status per tool and case, and the memory
# targets; a report, not a test: exits 0.  HOSTILE_MIB=1024 sets the size.
set -u
[ $# -eq 2 ] || { echo "usage: bench/hostile.sh BUILD_DIR OUT" >&2; exit 2; }
B=$1
OUT=$2
MIB=${HOSTILE_MIB:-1024}
TIME=/usr/bin/time
TMP=$(mktemp -d) || exit 2
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

run_x() {	# run_x BYTES CHAR: BYTES of CHAR
	head -c "$1" /dev/zero | tr '\0' "$2"
}
BYTES=$((MIB * 1048576))

# Each case writes its input to standard output.
case_line() {
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	printf '$ cat blob\r\r\n'
	run_x "$BYTES" x
	printf '\r\r\n$ exit\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n'
}
case_json() {
	printf '{"events":[{"logStreamName":"a-1","timestamp":1,"message":"sh-5.2$ echo one\\r\\n"},'
	printf '{"logStreamName":"big-1","timestamp":2,"message":"'
	run_x "$BYTES" x
	printf '"},{"logStreamName":"a-1","timestamp":3,"message":"sh-5.2$ echo two\\r\\n"}]}\n'
}
case_record() {
	printf '{"type":"line","session":"a-1","n":1,"text":"one","src":"a:1"}\n'
	printf '{"type":"line","session":"a-1","n":2,"text":"'
	run_x "$BYTES" x
	printf '","src":"a:2"}\n{"type":"line","session":"a-1","n":3,"text":"two","src":"a:3"}\n'
}
case_osc() {
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	printf '$ echo before\r\r\n\033]0;'
	run_x "$BYTES" x
	printf '\r\r\n$ exit\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n'
}
BOMB=$OUT/hostile-bomb-$MIB.gz
if [ ! -s "$BOMB" ]; then
	run_x "$BYTES" a | gzip -9 > "$BOMB.tmp" && mv "$BOMB.tmp" "$BOMB"
fi
case_bomb() {
	cat "$BOMB"
}
# Many sessions open at once (issue 15): STREAMS interleaved CloudWatch
# streams in one filter-log-events document, each event either a cursor
# move 65,000 columns right (wide: a renderer filled to its cap each) or
# an ordinary shell line (many).
streams() {	# streams STREAMS ROUNDS MESSAGE
	MSG=$3 awk -v ns="$1" -v nr="$2" 'BEGIN {
		msg = ENVIRON["MSG"]
		printf "{\"events\":["
		for (r = 0; r < nr; r++) for (s = 0; s < ns; s++)
			printf "%s{\"logStreamName\":\"w%05d-0123456789abcdef0\",\"timestamp\":%d,\"message\":\"%s\"}",
			    (r || s) ? "," : "", s, 1717236000000 + r * ns + s, msg
		printf "]}\n"
	}'
}
case_wide400() {
	streams 400 20 '\u001b[65000C x\r\n'
}
case_wide10k() {
	streams 10000 2 '\u001b[65000C x\r\n'
}
# The same 10,000 streams of 20 lines as Logs Insights results, which
# are sorted: the sorter's index goes to sorted runs on disk.
case_insights10k() {
	awk 'BEGIN {
		printf "{\"results\":["
		for (r = 0; r < 20; r++) for (s = 0; s < 10000; s++)
			printf "%s[{\"field\":\"@timestamp\",\"value\":\"2024-06-01 10:00:%02d.000\"},{\"field\":\"@logStream\",\"value\":\"w%05d-0123456789abcdef0\"},{\"field\":\"@message\",\"value\":\"sh-5.2$ echo a line of a session\\r\\na line of a session\\r\\n\"}]",
			    (r || s) ? "," : "", r, s
		printf "]}\n"
	}'
}
case_many10k() {
	streams 10000 20 'sh-5.2$ echo a line of a session\r\na line of a session\r\n'
}
# One session of 300,000 commands (issue 15): sl-report's views read its
# commands back a spill block at a time.
case_cmds300k() {
	awk 'BEGIN {
		print "Script started on 2024-06-01 10:00:00+00:00"
		for (i = 0; i < 300000; i++)
			printf "$ echo command %d of a long session\r\r\ncommand %d\r\r\n", i, i
		printf "$ exit\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n"
	}'
}

args_of() {
	case $1 in
	sl-report) echo "-t json" ;;
	sl-convert) echo "-t text" ;;
	esac
}

echo "hostile inputs of ${MIB} MiB on standard input (time, peak RSS, exit status):"
printf '%-11s %-8s %9s %12s %5s\n' tool case seconds "peak RSS" exit
for tool in sl-parse sl-redact sl-report sl-convert; do
	[ -x "$B/$tool" ] || { echo "skip: $tool (not built)"; continue; }
	for c in line json record osc bomb wide400 wide10k many10k insights10k cmds300k; do
		# shellcheck disable=SC2046
		"case_$c" | $TIME -f '%e %M %x' -o "$TMP/t" \
		    "$B/$tool" $(args_of "$tool") >/dev/null 2>"$TMP/err"
		read -r secs rss rc < <(tail -1 "$TMP/t")
		printf '%-11s %-8s %9s %9.1f MiB %5s\n' "$tool" "$c" "$secs" \
		    "$(echo "$rss / 1024" | bc -l)" "$rc"
		echo "$tool $c $secs $rss $rc" >>"$TMP/rows"
	done
done

# Memory: the renderer and the readers hold one row or one event, never
# the input: a 1 GiB line, a skipped 1 GiB event or record, an endless OSC
# and a refused bomb all stay within SL_EVENT_MAX (64 MiB) and change.
# Open sessions share one budget (SL_TERM_BUDGET) and each keeps little
# besides: 64 MiB for 400 wide streams and for 10,000 streams, in every
# tool (sl-report's commands past a budget go to a temporary file, and
# are read back a block at a time: 64 MiB for 300,000 in one session).  The
# json and record cases hold one event of SL_EVENT_MAX: 160 MiB.
echo "targets:"
awk '{
	limit = ($2 == "json" || $2 == "record") ? 160 : 64
	printf "%s %s %s: peak RSS %.1f MiB (< %d MiB)\n",
	    ($4 < limit * 1024 ? "PASS" : "MISS"), $1, $2, $4 / 1024, limit
}' "$TMP/rows"
exit 0
