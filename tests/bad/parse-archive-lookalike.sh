# Text that has an archive's magic where an archive has it ("ustar" at
# offset 257, "CD001" at 32769) is text, not a damaged archive: those
# magics count only with the bytes around them that no text has (NUL
# after "ustar", a descriptor type before "CD001").  A report state file
# (JSON) holding such words loads.  (Fuzz finding report/state-with-ustar.)
. "$(dirname "$0")/lib.sh"
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	# 44 bytes of header; the command line puts "ustar" at 257
	printf '$ echo %0205d ustar\r\r\n' 0
	i=0
	while [ $i -lt 1000 ]; do
		printf '$ echo line %04d and more text to fill it\r\r\n' $i
		i=$((i + 1))
	done
	printf '\nScript done on 2024-06-01 10:00:05+00:00\n'
} > u-0000000000000000a.log
[ "$(dd if=u-0000000000000000a.log bs=1 skip=257 count=5 2>/dev/null)" = ustar ] ||
    fail "the test file has no ustar at 257"
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	i=0
	while [ $i -lt 1000 ]; do
		printf '$ echo line %04d and more text to fill it\r\r\n' $i
		i=$((i + 1))
	done
} | head -c 32769 > c-0000000000000000b.log
printf 'CD001 is not an ISO\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' \
    >> c-0000000000000000b.log
tool=sl-parse
run sl-parse u-0000000000000000a.log c-0000000000000000b.log
no_crash
want_rc 0
want_out_jq '[.[] | select(.session == "u-0000000000000000a" and .type == "line")] | length == 1001'
want_out_jq '[.[] | select(.session == "c-0000000000000000b" and .type == "line")] | last | .text | endswith("CD001 is not an ISO")'
if [ -x "$B/sl-report" ]; then
	tool=sl-report
	run sl-report --save-state s.state -o /dev/null u-0000000000000000a.log
	run sl-report --merge -t json s.state
	no_crash
	want_rc 0
fi
finish
