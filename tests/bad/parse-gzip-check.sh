# The gzip layer checks each member's trailer itself (zlib is told not
# to): a bad CRC or size gives zlib's words at the offsets zlib gave, in a
# multi-member stream the next member is still read, a member with a
# header CRC (FHCRC) is checked whole, a tar.gz cut short keeps the
# members before the cut; a tar.gz's trailer is checked too (libarchive
# stops before it), and garbage after it found; -j 2 says the same as
# -j 1.
. "$(dirname "$0")/lib.sh"
session() {
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	i=0
	while [ $i -lt 300 ]; do
		printf 'sh-5.2$ echo line %d of %s with some padding text\r\r\n' $i "$1"
		i=$((i + 1))
	done
	printf '\nScript done on 2024-06-01 10:30:00+00:00\n'
}
# flip FILE OFFSET_FROM_END: change one byte of a trailer to its
# complement (writing a constant left it as it was when the byte already
# had that value: 1 time in 256 for the tar.gz, whose bytes hold mtimes).
flip() {
	size=$(wc -c < "$1")
	byte=$(od -An -tu1 -j $((size - $2)) -N1 "$1")
	printf "\\$(printf %03o $((255 - byte)))" |
	    dd of="$1" bs=1 seek=$((size - $2)) conv=notrunc 2>/dev/null
}
session a > a.log
session b > b.log
gzip -nc a.log > len-0000000000000000a.log.gz
flip len-0000000000000000a.log.gz 2
gzip -nc a.log > first.gz
flip first.gz 7
{ cat first.gz; gzip -nc b.log; } > multi-0000000000000000b.log.gz
csize=$(wc -c < first.gz)
gzip -nc a.log > lenm.gz
flip lenm.gz 3
{ cat lenm.gz; gzip -nc b.log; } > multilen-000000000000000c.log.gz
python3 - <<'EOF' || fail "python3 failed"
import struct, zlib
d = open("a.log", "rb").read()
hdr = bytes([0x1f, 0x8b, 8, 2, 0, 0, 0, 0, 0, 3])	# FLG.FHCRC
co = zlib.compressobj(6, zlib.DEFLATED, -15)
body = co.compress(d) + co.flush()
def member(hcrc, crc):
	return hdr + struct.pack("<H", hcrc) + body + struct.pack("<II", crc, len(d))
h = zlib.crc32(hdr) & 0xffff
open("hcrc-000000000000000d.log.gz", "wb").write(member(h, zlib.crc32(d)))
open("hbad-000000000000000e.log.gz", "wb").write(member(h ^ 1, zlib.crc32(d)))
open("hdata-000000000000000f.log.gz", "wb").write(member(h, zlib.crc32(d) ^ 1))
EOF
mkdir d
k=0
while [ $k -lt 40 ]; do
	session "t$k" > "d/s-00000000000000$((100 + k)).log"
	k=$((k + 1))
done
tar -cf - d | gzip -n > t.tar.gz
size=$(wc -c < t.tar.gz)
head -c $((size / 2)) t.tar.gz > cut.tar.gz
cp t.tar.gz crc.tar.gz
flip crc.tar.gz 6
{ cat t.tar.gz; printf 'not gzip\n'; } > trail.tar.gz

for j in 1 2; do
	run sl-parse -j $j len-0000000000000000a.log.gz
	no_crash
	want_rc 1
	want_err "sl-parse: len-0000000000000000a.log.gz:303: corrupt gzip data: incorrect length check"
	want_out_jq '[.[] | select(.type == "line")] | length == 300'

	run sl-parse -j $j multi-0000000000000000b.log.gz
	no_crash
	want_rc 1
	want_err "sl-parse: multi-0000000000000000b.log.gz: corrupt gzip data: incorrect data check at compressed byte $((csize - 4)); skipped 4 bytes to the next gzip member"
	want_out_jq '[.[] | select(.type == "line" and (.text | test("of b with")))] | length == 300'

	run sl-parse -j $j multilen-000000000000000c.log.gz
	no_crash
	want_rc 1
	want_err "incorrect length check at compressed byte $csize; skipped 0 bytes"
	want_out_jq '[.[] | select(.type == "line" and (.text | test("of b with")))] | length == 300'

	run sl-parse -j $j hcrc-000000000000000d.log.gz hbad-000000000000000e.log.gz hdata-000000000000000f.log.gz
	no_crash
	want_rc 1
	want_err "sl-parse: hbad-000000000000000e.log.gz: corrupt gzip data: header crc mismatch"
	want_err "sl-parse: hdata-000000000000000f.log.gz:303: corrupt gzip data: incorrect data check"
	want_out_jq '[.[] | select(.session == "hcrc-000000000000000d" and .type == "line")] | length == 300'

	run sl-parse -j $j cut.tar.gz b.log
	no_crash
	want_rc 1
	want_err "unexpected end of gzip data (truncated file)"
	want_out_jq '[.[] | select(.session == "s-00000000000000100" and .type == "line")] | length == 300'
	want_out_jq '[.[] | select(.session == "b" and .type == "line")] | length == 300'
	cp out "out.$j"
	cp err "err.$j"

	run sl-parse -j $j crc.tar.gz trail.tar.gz t.tar.gz
	no_crash
	want_rc 1
	want_err "sl-parse: crc.tar.gz: corrupt gzip data: incorrect data check"
	want_err "sl-parse: trail.tar.gz: trailing garbage after gzip data"
	[ "$(wc -l < err)" = 2 ] || fail "tar.gz trailers: $(cat err)"
	want_out_jq '[.[] | select(.session == "s-00000000000000139" and .type == "line")] | length == 900'
done
cmp -s out.1 out.2 && cmp -s err.1 err.2 || fail "cut tar.gz: -j 2 differs from -j 1"
finish
