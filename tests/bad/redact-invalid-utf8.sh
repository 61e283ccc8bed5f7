# Invalid UTF-8 right around secrets: the secrets still go, every other
# byte (the invalid ones too) stays as it was.  A keyword split by a C1
# control or a BOM, which the terminal does not show, is still found.
. "$(dirname "$0")/lib.sh"
printf 'a \377AKIAUJZDEGXDNCF32EPF\376 b\r\n\300\257mysql -pS3cr\351t db\r\n\355\240\200token=abc\200\201\n' > in.log
printf 'x AK\302\200IAUJZDEGXDNCF32EPF y\nz \357\273\277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\n' >> in.log
printf 'a \377[REDACTED:aws-access-key-id]\376 b\r\n\300\257mysql -p[REDACTED:cli-password] db\r\n\355\240\200token=[REDACTED:cli-password]\n' > want
printf 'x [REDACTED:aws-access-key-id] y\nz \357\273\277[REDACTED:github-token]\n' >> want
run sl-redact -q in.log
no_crash
want_rc 0
cmp -s out want || fail "output differs: $(od -c out | head -20)"
# The same through a record stream: sl-parse makes it valid UTF-8 first.
sl-parse in.log | sl-redact -q > rec 2>err
rc=$?
no_crash
want_rc 0
grep -q 'AKIAUJZDEGXDNCF32EPF\|S3cr\|abc\\\|ghp_' rec && fail "a secret left the record stream"
[ "$(grep -c REDACTED rec)" = 5 ] || fail "$(grep -c REDACTED rec) records redacted, want 5"
finish
