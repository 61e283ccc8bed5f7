# One session of 300,000 commands through sl-report in every format
# (issue 15): the views read a session's commands back one spill block at
# a time, never all at once, so peak RSS stays under 32 MiB (it was 48
# MiB as JSON and HTML, 63 MiB as CSV when each session's commands were
# read back whole), and every command is listed.  With --commands the
# timeline too: it merges the sessions' command streams (it was 86 MiB
# when it held every command to sort them).
. "$(dirname "$0")/lib.sh"
# Under a sanitizer or valgrind: 60,000 commands (still several spill
# blocks), every check but RSS.
n=$(sized 60000 300000)

awk -v n="$n" 'BEGIN {
	print "Script started on 2024-06-01 10:00:00+00:00"
	for (i = 0; i < n; i++)
		printf "$ echo command %d, of \"a\" long session\r\r\ncommand %d\r\r\n", i, i
	printf "$ exit\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n"
}' | gzip >long.log.gz

tool=sl-report
# report ARGS...: sl-report ARGS on the log, which must succeed in 32 MiB.
report() {
	/usr/bin/time -f %M -o rss sl-report "$@" long.log.gz >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	rss_under 32768 rss
}
for t in json text html md csv; do
	report -t "$t"
	case $t in
	json)	[ "$(jq '.sessions[0].cmd_list | length' out)" = $((n + 1)) ] ||
		    fail "json: not every command in cmd_list" ;;
	html)	[ "$(grep -o '<li>echo command' out | wc -l)" = "$n" ] ||
		    fail "html: not every command listed" ;;
	csv)	grep -aqF "echo command $((n - 1)), of \"\"a\"\" long session" out ||
		    fail "csv: the last command is missing" ;;
	esac
done
for t in json text html md csv; do
	report --commands -t "$t"
	case $t in
	json)	[ "$(jq '.commands | length' out)" = $((n + 1)) ] ||
		    fail "json --commands: not every command in the timeline" ;;
	text|md|html|csv)
		[ "$(grep -ac 'echo command' out)" -ge "$n" ] ||
		    fail "$t --commands: not every command in the timeline" ;;
	esac
	grep -aqF "command $((n - 1)), of" out ||
	    fail "$t --commands: the last command is missing"
done
finish
