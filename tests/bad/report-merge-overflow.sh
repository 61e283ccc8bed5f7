# Counters near LLONG_MAX (issue 15, item 8): sl-report --merge added them
# with signed overflow (UBSan in lib/report/report.c, lib/report/report_state.c).  A
# state counter must be an integer from 0 to 2^53-1 (exact in every JSON
# reader); a larger one, or two states whose sum passes it, make the
# state file corrupt: exit 2, naming the file and line.  Sums of notes
# and views stop at the bound.
. "$(dirname "$0")/lib.sh"
tool=sl-report
good_log g-0000000000000000a
run sl-report --save-state st -o /dev/null g-0000000000000000a.log
want_rc 0
for f in bytes units records rejected; do
	sed "s/\"$f\":[0-9]*/\"$f\":9223372036854775807/" st >"huge-$f"
	run sl-report --merge -t json "huge-$f"
	no_crash
	want_rc 2
	want_err "huge-$f:1: corrupt state file: \"stats\" must hold the counters"
done
sed 's/"bytes":[0-9]*/"bytes":9007199254740991/' st >edge
run sl-report --merge -t json edge
want_rc 0
run sl-report --merge -t json edge edge
no_crash
want_rc 2
want_err "edge:1: corrupt state file: \"stats\" out of range once merged"
sed 's/"lines":[0-9]*/"lines":9223372036854775807/' st >lines
run sl-report --merge -t json lines
want_rc 2
want_err "lines:2: corrupt state file"
sed 's/"lines":[0-9]*/"lines":-1/' st >neg
run sl-report --merge -t json neg
want_rc 2
# Notes from a record stream with huge counts: summed without overflow.
printf '{"type":"note","session":null,"code":"skipped","text":"x","count":9223372036854775807,"src":"a:1"}\n{"type":"note","session":null,"code":"skipped","text":"x","count":9223372036854775807,"src":"a:2"}\n' >notes.jsonl
run sl-report -t json notes.jsonl
no_crash
finish
