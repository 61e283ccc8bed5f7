# Broken rules stop sl-redact before it reads anything: exit 2 and the
# place.  A rule that blows up on a line (backtracking past the match
# limit) fails closed: the whole line goes, exit 1.
. "$(dirname "$0")/lib.sh"
printf 'x AKIAUJZDEGXDNCF32EPF\n' > in.log
printf '# site rules\n\nrule acme\n\tpattern acme_[a-z]{8}\n\tkeywords acme_\n\nrule x\n\tpattern a(b\n' > bad.txt
run sl-redact -r bad.txt in.log
no_crash
want_rc 2
want_err 'sl-redact: bad.txt:8: rule "x": bad pattern at offset 3: missing closing parenthesis'
[ -s out ] && fail "output written"

printf 'rule y\n\tpattern y\n\tkeywords y\n\tallow (?<bad\n' > bad2.txt
run sl-redact -r bad2.txt in.log
want_rc 2
want_err 'sl-redact: bad2.txt:4: rule "y": allow: bad pattern at offset'

run sl-redact -r no-such-rules.txt in.log
want_rc 2
want_err 'sl-redact: no-such-rules.txt: cannot open: No such file or directory'

printf 'rule z\n\tpattern (a+)+$\n\tkeywords aaaa\n' > slow.txt
{
	printf 'before AKIAUJZDEGXDNCF32EPF\n'
	printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab secret-tail\n'
	printf 'after ok\n'
} > slow.log
run sl-redact -q -r slow.txt slow.log
no_crash
want_rc 1
want_err 'sl-redact: slow.log:2: rule "z" failed on a line'
[ "$(sed -n 2p out)" = '[REDACTED:z]' ] || fail "line 2: $(sed -n 2p out)"
grep -q secret-tail out && fail "the failed line leaked"
[ "$(sed -n 3p out)" = 'after ok' ] || fail "line 3: $(sed -n 3p out)"
finish
