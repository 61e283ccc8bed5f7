# Logs Insights results of 10,000 interleaved streams of 20 rows each
# (issue 15): the sorter keeps at most an eighth of CW_SORT_MEM of its
# index in memory and writes the rest out as sorted runs that are merged
# when read back, so peak RSS stays under 64 MiB in every tool (the index
# of 200,000 events in memory took 60 MiB in sl-parse, 73 in sl-report,
# 70 in sl-convert), and every session has all its commands.
. "$(dirname "$0")/lib.sh"
# What it checks is peak RSS, which sanitizers and valgrind change.
[ "${SL_ASAN:-0}" = 1 ] || [ "${SL_VALGRIND:-0}" = 1 ] && finish

cw_streams insights 10000 20 \
    'sh-5.2$ echo a line of a session\r\na line of a session\r\n' |
    gzip > rows.json.gz

for tool in sl-parse sl-report sl-convert; do
	[ -x "$B/$tool" ] || continue
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args $tool) rows.json.gz \
	    >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	want_out_has w00000-0123456789abcdef0
	want_out_has w09999-0123456789abcdef0
	rss_under 65536 rss
	[ $tool = sl-parse ] || continue
	[ "$(jq -r 'select(.type == "line" and .cmd != null) | .session' out |
	    sort | uniq -c | awk '$1 == 20' | wc -l)" = 10000 ] ||
	    fail "sl-parse: not every one of 10000 sessions has its 20 commands"
done
finish
