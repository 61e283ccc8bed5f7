# Memory of one export stream split over three objects (issue 13): the
# objects interleave in time, so the events are sorted through a spool in
# $TMPDIR past CW_SORT_MEM (8 MiB), not in memory.  300,000 events
# (70 MiB of JSON; a command every hundred, output between) through every
# tool: one session, n 1..N in time order, peak RSS under 64 MiB (with
# the sorter's cap lifted, every event held: 78 MiB).
. "$(dirname "$0")/lib.sh"
# What it checks is peak RSS, which sanitizers and valgrind change; and
# 300,000 events through them take minutes.
[ "${SL_ASAN:-0}" = 1 ] || [ "${SL_VALGRIND:-0}" = 1 ] && finish

d=exportedlogs/task/hal-0a1b2c3d4e5f60718
mkdir -p $d
# obj K: every third event from K: the three objects interleave in time.
obj() {
	awk -v k="$1" 'BEGIN {
		for (i = k; i < 300000; i += 3) {
			# one event every 100 ms from 09:00:00
			t = int(i / 10); h = 9 + int(t / 3600); m = int(t / 60) % 60
			ts = sprintf("2024-05-05T%02d:%02d:%02d", h, m, t % 60)
			line = sprintf("event %06d of the split stream, output", i)
			if (i % 100 == 0)
				line = "sh-5.2$ echo " line
			printf "%s.%03dZ {\"eventVersion\":\"1.0\",\"eventTime\":\"%sZ\",\"target\":{\"id\":\"i-0e0e0e0e0e0e0e0e0\"},\"sessionId\":\"hal-0a1b2c3d4e5f60718\",\"sessionData\":[\"%s\"]}\n",
			    ts, (i % 10) * 100, ts, line
		}
	}' | gzip -c > $d/00000$1.gz
}
obj 0; obj 1; obj 2
for tool in $TOOLS; do
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args "$tool") exportedlogs \
	    >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	rss_under 65536 rss
done
sl-parse exportedlogs > out 2>err
jq -r 'select(.type == "line") | .n' out |
    awk '$1 != NR { bad = 1 } END { exit bad || NR != 300000 }' ||
    fail "sl-parse: n is not 1..300000"
jq -r 'select(.type == "line") | .text' out |
    sed 's/.*event \([0-9]*\) .*/\1/' |
    awk '$1 + 0 != NR - 1 { bad = 1 } END { exit bad }' ||
    fail "sl-parse: lines not in time order"
[ "$(jq -r 'select(.type == "session") | .session' out | sort -u | wc -l)" = 1 ] ||
    fail "sl-parse: not one session"
[ "$(jq -r 'select(.cmd != null) | .cmd' out | wc -l)" = 3000 ] ||
    fail "sl-parse: not 3,000 commands"
finish
