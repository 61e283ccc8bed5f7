# A bomb refused while libarchive skips a member the reader left early
# (a tar.gz whose 100 MiB of zeros is no log): the message is the gzip
# layer's ratio refusal, the same at every -j, not libarchive's
# "Truncated input file (needed N bytes...)" with N depending on -j.
. "$(dirname "$0")/lib.sh"
mkdir t
good_log t/good-0000000000000000a
head -c $((100 * 1048576)) /dev/zero >t/zero.log
bsdtar -czf skip.tar.gz -C t good-0000000000000000a.log zero.log
rm -r t
tool=sl-parse
for j in 1 2; do
	run sl-parse -j $j skip.tar.gz
	no_crash
	want_rc 1
	want_err "sl-parse: skip.tar.gz: decompression ratio over 1000:1, refusing (possible decompression bomb)"
	grep -aq "Truncated input" err && fail "-j $j: libarchive's message: $(tail -1 err)"
	want_out_has good-0000000000000000a
	cp err "err.$j"
done
cmp -s err.1 err.2 || fail "messages differ at -j 1 and -j 2: $(diff err.1 err.2 | head -5)"
finish
