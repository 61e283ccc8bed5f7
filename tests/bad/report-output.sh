# sl-report's outputs (issue 15, items 3 and 5) through the one output
# layer: -o and --save-state appear whole or not at all (a file-size
# limit, as a full disk, leaves neither a truncated file nor a temporary
# one: exit 2), an existing file stays unless --force, a symbolic link is
# never followed (nor replaced), and a refused output is refused before
# any input is read.
. "$(dirname "$0")/lib.sh"
tool=sl-report
{ echo 'Script started on 2024-06-01 10:00:00+00:00'
  i=0; while [ $i -lt 4000 ]; do printf '$ echo a somewhat long command number %d\r\r\n' $i; i=$((i + 1)); done
  printf '\nScript done on 2024-06-01 10:00:05+00:00\n'; } >big-0000000000000000a.log
for opt in "-o r.out" "--save-state r.out -o /dev/null"; do
	# shellcheck disable=SC2086
	(trap '' XFSZ; ulimit -f 16; sl-report -t html $opt \
	    big-0000000000000000a.log >out 2>err); rc=$?
	no_crash
	want_rc 2
	want_err "r.out"
	[ -e r.out ] && fail "$opt: a partial r.out stayed"
	ls -a | grep -q '^\.r\.out\.' && fail "$opt: its temporary file stayed"
done
good_log g-0000000000000000b
echo keep >r.html
run sl-report -t html -o r.html g-0000000000000000b.log
want_rc 2
want_err "r.html: exists (use --force to replace it)"
[ "$(cat r.html)" = keep ] || fail "r.html replaced without --force"
run sl-report -t html --force -o r.html g-0000000000000000b.log
want_rc 0
grep -q g-0000000000000000b r.html || fail "--force did not replace r.html"
echo keep >target
ln -s target link.html
run sl-report --force -o link.html g-0000000000000000b.log
want_rc 2
want_err "link.html: is a symbolic link: not followed, not replaced"
[ "$(cat target)" = keep ] || fail "wrote through a link"
echo keep >st
run sl-report --save-state st -o /dev/null g-0000000000000000b.log
want_rc 2
want_err "st: exists"
# Refused before reading: a missing input is not even reported.
run sl-report -o r.html missing.log
want_rc 2
grep -q missing.log err && fail "read the input before refusing the output"
finish
