# A binary file is not a log: "unrecognized log format", exit 1, and
# nothing of it is written, whether it comes plain, gzip'd, as an archive
# member or next to a good input; with -o DIR no file is made for it.
. "$(dirname "$0")/lib.sh"
{
	printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
	head -c 4096 /dev/urandom
	printf 'AKIAUJZDEGXDNCF32EPF\000\001\002'
	head -c 4096 /dev/urandom
} > prog.bin
gzip -c prog.bin > prog.bin.gz
printf 'ok AKIAUJZDEGXDNCF32EPF\n' > good.log
tar -cf mixed.tar prog.bin good.log

run sl-redact -q prog.bin
no_crash
want_rc 1
want_err 'sl-redact: prog.bin: unrecognized log format'
[ -s out ] && fail "output for a binary input"

run sl-redact -q prog.bin.gz good.log
no_crash
want_rc 1
want_err 'sl-redact: prog.bin.gz: unrecognized log format'
[ "$(cat out)" = 'ok [REDACTED:aws-access-key-id]' ] || fail "good input: $(head -c 200 out)"

run sl-redact -q -o red/ mixed.tar
no_crash
want_rc 1
want_err 'mixed.tar//prog.bin: unrecognized log format'
[ -e red/mixed.tar/prog.bin ] && fail "a file was made for the binary member"
[ "$(cat red/mixed.tar/good.log)" = 'ok [REDACTED:aws-access-key-id]' ] ||
    fail "good member not redacted"
grep -rq AKIAUJZDEGXDNCF32EPF red out && fail "the secret left"
finish
