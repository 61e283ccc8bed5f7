# Memory per open session (issue 15, item 1): 10,000 interleaved
# CloudWatch streams of ordinary shell lines in one filter-log-events
# document, every one still open when the next speaks, through every
# tool: peak RSS under 64 MiB (the limit of bench/hostile.sh; each open
# session took about 7 KiB, 71 MiB for sl-parse and 86 MiB for sl-report),
# every session has all its lines, and none gets a "memory" note.
. "$(dirname "$0")/lib.sh"
# What it checks is peak RSS, which sanitizers and valgrind change.
[ "${SL_ASAN:-0}" = 1 ] || [ "${SL_VALGRIND:-0}" = 1 ] && finish

cw_streams events 10000 3 \
    'sh-5.2$ echo a line of a session\r\na line of a session\r\n' |
    gzip > many.json.gz

for tool in sl-parse sl-report sl-convert; do
	[ -x "$B/$tool" ] || continue
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args $tool) many.json.gz \
	    >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	want_out_has w00000-0123456789abcdef0
	want_out_has w09999-0123456789abcdef0
	rss_under 65536 rss
done
tool=sl-parse
run sl-parse many.json.gz
jq -e 'select(.code == "memory")' out >/dev/null &&
    fail "sl-parse: a memory note on ordinary sessions"
[ "$(jq -r 'select(.type == "line" and .cmd != null) | .session' out |
    sort | uniq -c | awk '$1 == 3' | wc -l)" = 10000 ] ||
    fail "sl-parse: not every one of 10000 sessions has its 3 commands"
finish
