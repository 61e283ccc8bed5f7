# Memory per open session (issue 15, item 1): a CloudWatch document of
# many interleaved streams, each still open when the next one speaks.
# 400 streams whose every event moves the cursor 65,000 columns right
# (each would fill a renderer to its cap: 3.1 GB before the budget across
# renderers), and 2,000 streams of ordinary shell lines, as
# filter-log-events, Logs Insights rows and subscription payloads,
# through every tool: peak RSS under 96 MiB, and under a 1 GiB address
# space limit (ulimit -v: the fast version of bench/hostile.sh), every
# session comes out, the wide ones with a "memory" note.
. "$(dirname "$0")/lib.sh"

WIDE='\u001b[65000C x\r\n'
PLAIN='sh-5.2$ echo a line of a session\r\na line of a session\r\n'
cw_streams events 400 3 "$WIDE" | gzip > wide-events.json.gz
cw_streams insights 400 2 "$WIDE" | gzip > wide-insights.json.gz
cw_streams sub 400 2 "$WIDE" | gzip > wide-sub.json.gz
cw_streams events 2000 4 "$PLAIN" | gzip > many-events.json.gz

check() {
	want_tool_rc 0
	want_out_has w00000-0123456789abcdef0
	want_out_has w00399-0123456789abcdef0
}
for f in wide-events.json.gz wide-insights.json.gz wide-sub.json.gz \
    many-events.json.gz; do
	for tool in sl-parse sl-report sl-convert; do
		[ -x "$B/$tool" ] || continue
		# shellcheck disable=SC2046
		/usr/bin/time -f %M -o rss "$tool" $(tool_args $tool) "$f" \
		    >out 2>err
		rc=$?
		no_crash
		check
		rss_under 98304 rss
		if [ "${SL_ASAN:-0}" != 1 ] && [ "${SL_VALGRIND:-0}" != 1 ]; then
			# shellcheck disable=SC2046
			(ulimit -v 1048576; "$tool" $(tool_args $tool) "$f" \
			    >/dev/null 2>err)
			rc=$?
			want_tool_rc 0
		fi
	done
done
# The wide sessions were made final early, and say so.
tool=sl-parse
run sl-parse wide-events.json.gz
[ "$(jq -r 'select(.code == "memory") | .session' out | sort -u | wc -l)" -ge 300 ] ||
    fail "sl-parse: fewer than 300 sessions with a memory note"
run sl-parse many-events.json.gz
jq -e 'select(.code == "memory")' out >/dev/null &&
    fail "sl-parse: a memory note on ordinary sessions"
[ "$(jq -r 'select(.type == "line") | .session' out | sort -u | wc -l)" = 2000 ] ||
    fail "sl-parse: not every one of 2000 sessions has its lines"
finish
