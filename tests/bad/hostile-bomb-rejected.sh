# A refused decompression bomb is a rejection (issue 15, item 10), not a
# log that stops early: the refused rest counts one rejected unit (so
# that units = written + merged + skipped + rejected still holds), and no
# "truncated" note says the log merely ends there.  A typescript whose
# body passes SL_EXPAND_FREE at 1030:1, through every tool: exit 1, the
# bomb message naming the file; then sl-parse's counts and notes.
. "$(dirname "$0")/lib.sh"
good_log good-0000000000000000a
{ echo 'Script started on 2024-06-01 10:00:00+00:00'
  head -c $((70 * 1048576)) /dev/zero | tr '\0' a; } | gzip -9 >bomb-0000000000000000b.log.gz
check() {
	want_tool_rc 1
	grep -aq "bomb-0000000000000000b.log.gz:[0-9]*: decompression ratio over 1000:1, refusing" err ||
	    fail "$tool: no bomb message: $(head -c 300 err)"
	want_out_has good-0000000000000000a
}
each_tool check good-0000000000000000a.log bomb-0000000000000000b.log.gz
tool=sl-parse
run sl-parse --stats bomb-0000000000000000b.log.gz
want_rc 1
grep -q 'rejected 1,' err || fail "sl-parse: no rejected unit: $(tail -1 err)"
jq -e 'select(.code == "truncated")' out >/dev/null &&
    fail "sl-parse: a truncated note for a refused bomb"
tool=sl-report
run sl-report -t json bomb-0000000000000000b.log.gz
want_rc 1
jq -e '.general.rejected == 1' out >/dev/null ||
    fail "sl-report: the rejection is not counted"
jq -e '[.. | .code? | select(. == "truncated")] | length == 0' out >/dev/null ||
    fail "sl-report: a truncated note for a refused bomb"
finish
