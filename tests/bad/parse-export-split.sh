# One export stream over three objects, the middle one with a line before
# its first record and the last one cut short: the bad line is rejected
# naming its object and line, the cut is reported, and every good record
# of all three is still one session, n in time order; exit 1.
. "$(dirname "$0")/lib.sh"
ev() {
	printf '%s {"eventVersion":"1.0","eventTime":"%s","target":{"id":"i-0e0e0e0e0e0e0e0e0"},"sessionId":"hal-0a1b2c3d4e5f60718","sessionData":["sh-5.2$ %s"]}\n' \
	    "$1" "${1%.000Z}Z" "$2"
}
d=exportedlogs/task/hal-0a1b2c3d4e5f60718
mkdir -p $d
{ ev 2024-05-05T09:00:05.000Z two; ev 2024-05-05T09:00:30.000Z six; } | gzip -c > $d/000000.gz
{ echo 'garbage before any record'; ev 2024-05-05T09:00:01.000Z one; ev 2024-05-05T09:00:10.000Z three; } | gzip -c > $d/000001.gz
i=0
while [ $i -lt 2000 ]; do
	ev 2024-05-05T09:00:2$((i % 10)).000Z "cmd$i"
	i=$((i + 1))
done | gzip -c > full.gz
size=$(wc -c < full.gz)
head -c $((size / 2)) full.gz > $d/000002.gz
run sl-parse --stats exportedlogs
no_crash
want_rc 1
want_err "$d/000001.gz:1"
want_err "$d/000002.gz"
want_out_jq '[.[] | select(.type == "line")] | (map(.n) == [range(1; length + 1)])'
want_out_jq '[.[] | select(.type == "line") | .time] | . == sort'
want_out_jq '[.[] | select(.type == "line") | .text] | .[0:3] == ["sh-5.2$ one", "sh-5.2$ two", "sh-5.2$ three"]'
want_out_jq '[.[] | select(.type == "line")] | last | .text == "sh-5.2$ six"'
want_out_jq '[.[] | select(.type == "session") | .session] | unique == ["hal-0a1b2c3d4e5f60718"]'
want_out_jq '[.[] | select(.code == "rejected" and .src == "'$d/000001.gz:1'")] | length == 1'
finish
