# Memory of sl-report (issue 15): 10,000 sessions of 60 commands each,
# interleaved as streamed sessions are, 600,000 commands in all.  A
# report lists every command, but they are not all kept in memory: past
# a budget they are written to a temporary file and read back one
# session at a time.  Peak RSS under 64 MiB for the JSON report and for
# the text report (whose table is the largest), and every command is in
# the report.  (Every command in memory took about 150 MiB.)
. "$(dirname "$0")/lib.sh"

# sessions SESSIONS COMMANDS: the record stream on standard output.
sessions() {
	awk -v ns="$1" -v nc="$2" 'BEGIN {
		for (s = 0; s < ns; s++)
			printf "{\"type\":\"session\",\"session\":\"u%05d-0123456789abcdef0\",\"owner\":\"arn:aws:iam::111122223333:user/u%05d\",\"target\":\"i-0123456789abcdef%d\",\"src\":\"ct.json#%d\"}\n", s, s, s % 10, s + 1
		for (k = 1; k <= nc; k++) for (s = 0; s < ns; s++)
			printf "{\"type\":\"line\",\"session\":\"u%05d-0123456789abcdef0\",\"n\":%d,\"text\":\"$ sudo systemctl status app-%d --no-pager\",\"prompt\":\"$ \",\"cmd\":\"sudo systemctl status app-%d --no-pager\",\"time\":\"2024-06-01T10:%02d:%02d.000Z\",\"src\":\"u%05d.log:%d\"}\n", s, k, k, k, k % 60, s % 60, s, k
	}'
}

tool=sl-report
for type in json text; do
	rm -f out
	sessions 10000 60 | /usr/bin/time -f %M -o rss sl-report -t "$type" \
	    -o out - 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	rss_under 65536 rss
	case $type in
	json)
		[ "$(jq '[.sessions[].cmd_list | length] | add' out)" = 600000 ] ||
		    fail "sl-report: not every command is in the report"
		jq -e '.sessions[] | select(.session == "u09999-0123456789abcdef0") |
		    .cmd_list[59].cmd == "sudo systemctl status app-60 --no-pager"' \
		    out >/dev/null ||
		    fail "sl-report: the last command of the last session is not last"
		;;
	text)
		grep -q 'u09999' out || fail "sl-report: a session is missing"
		;;
	esac
done
finish
