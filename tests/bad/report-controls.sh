# Control characters never reach a terminal or a spreadsheet (issue 15,
# item 6): ESC and BEL in a session id, target or owner (a window-title
# rewrite, a screen clear, an OSC 52 clipboard write) and C1 controls
# (U+009B, an 8-bit CSI) come out as '?' in sl-report -t csv, -t text and
# messages, as a space in -t md, escaped (\u001b, \u009b) in -t json and
# in records; in messages from archive member names too.
. "$(dirname "$0")/lib.sh"
ESC=$(printf '\033')
CSI8=$(printf '\302\233')
printf '{"type":"session","session":"e-0000000000000000a\\u001b]0;pwned\\u0007","target":"i-0\\u001b[2J","owner":"arn:aws:iam::1:user/\\u001b]52;c;ZXZpbA==\\u0007x","principal":"e","src":"s:1"}\n{"type":"session","session":"c1-000000000000000b\\u009b2J","target":"i-1\\u009b31m","principal":"c","src":"s:2"}\n' >s.jsonl
no_raw_controls() {	# no_raw_controls FILE WHAT
	if grep -aq "$ESC\|$(printf '\a')\|$CSI8" "$1"; then
		fail "$2: raw control characters: $(grep -a "$ESC\|$CSI8" "$1" | head -c 200 | od -c | head -3)"
	fi
}
tool=sl-report
for t in csv md json text html; do
	run sl-report -t "$t" s.jsonl
	no_crash
	want_rc 0
	no_raw_controls out "sl-report -t $t"
done
run sl-report -t json s.jsonl
jq -e '[.. | strings | select(test("\u001b") or test("\u009b"))] | length > 0' out \
    >/dev/null || fail "sl-report -t json: the controls are gone, not escaped"
grep -aqF '\u009b' out || fail "sl-report -t json: C1 not escaped as \\u009b"
run sl-report -t csv s.jsonl
grep -aqF 'e-0000000000000000a?]0;pwned?' out || fail "csv: ESC and BEL not '?'"
grep -aqF 'c1-000000000000000b?2J' out || fail "csv: U+009B not '?'"

# Records: sl-parse passes the fields on, escaped.
tool=sl-parse
run sl-parse s.jsonl
no_raw_controls out "sl-parse records"
grep -aqF '\u009b' out || fail "records: U+009B not escaped"

# Messages: a member name with ESC and U+009B, through every tool.
mkdir m
# a gzip cut short: every tool reports it, naming the member
printf 'a log cut short\n' | gzip | head -c 20 >"m/x${ESC}]0;t$(printf '\a')${CSI8}2J.gz"
tar -cf m.tar -C m .
check() {
	no_raw_controls err "$tool: stderr"
	grep -aq 'm.tar//x?]0;t??2J.gz' err || fail "$tool: the member's name is not in the message with '?': $(head -c 300 err)"
}
each_tool check m.tar
finish
