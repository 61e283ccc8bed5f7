# A 64 MiB single line: emitted in pieces of 65536 columns with one
# long-line note, memory bounded, exit 0.
. "$(dirname "$0")/lib.sh"
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	printf '$ cat blob\r\r\n'
	head -c 67108864 /dev/zero | tr '\0' 'x'
	printf '\r\r\n$ exit\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n'
} > big-0000000000000000a.log
/usr/bin/time -f '%M' -o rss sl-parse big-0000000000000000a.log >out 2>err
rc=$?
no_crash
want_rc 0
want_out_jq '[.[] | select(.type == "line" and (.text | length) == 65536)] | length == 1024'
want_out_jq '[.[] | select(.code == "long-line")] | length == 1'
want_out_jq '[.[] | select(.cmd == "exit")] | length == 1'
rss_under 65536 rss
finish
