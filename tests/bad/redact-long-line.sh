# A 100 MiB line, made on the fly: it goes through in pieces with bounded
# memory; secrets in it go, also one where a piece ends (the cut is made
# at a blank before it), and every other byte stays.
. "$(dirname "$0")/lib.sh"
MIB=1048576
key=AKIAUJZDEGXDNCF32EPF
{
	printf 'sh-5.2$ cat blob\r\r\n'
	# x's up to 3 bytes before the 50th MiB boundary of the line...
	head -c $((50 * MIB - 3)) /dev/zero | tr '\0' 'x'
	printf ' %s ' "$key"
	head -c $((25 * MIB)) /dev/zero | tr '\0' 'y'
	printf ' token=%s ' s3cr3tvalue
	head -c $((25 * MIB)) /dev/zero | tr '\0' 'z'
	printf '\r\r\nsh-5.2$ exit\r\r\n'
} > big.log
/usr/bin/time -f '%M' -o rss sl-redact -q big.log > out 2>err
rc=$?
no_crash
want_rc 0
grep -q "$key\|s3cr3tvalue" out && fail "a secret left"
[ "$(grep -o 'REDACTED:[a-z-]*' out | tr '\n' ' ')" = 'REDACTED:aws-access-key-id REDACTED:cli-password ' ] ||
    fail "markers: $(grep -o 'REDACTED:[a-z-]*' out | tr '\n' ' ')"
in=$(wc -c < big.log) o=$(wc -c < out)
d=$((${#key} + 11 - 28 - 23))
[ $((in - o)) = $d ] || fail "size $o, want $((in - d))"
rss_under 65536 rss
finish
