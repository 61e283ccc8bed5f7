# Broken containers between two good logs, through every tool: a gzip cut
# short, a gzip with a bad CRC, garbage after a gzip member, a zip cut in
# half, a tar with a corrupt header, a tar cut inside a member, bzip2 and
# xz cut short.  Each tool: no crash, a message naming each bad file,
# exit 1, and both good logs (and what could be read of the bad ones)
# still come out.
. "$(dirname "$0")/lib.sh"
good_log good-0000000000000000a
good_log good-0000000000000000z
# A session long enough that half a compressed copy still holds lines.
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	i=0
	while [ $i -lt 2000 ]; do
		printf 'sh-5.2$ echo line %d of a session in a broken box\r\r\n' $i
		i=$((i + 1))
	done
	printf '\nScript done on 2024-06-01 10:30:00+00:00\n'
} > s-0000000000000000b.log
cut_half() {	# cut_half FILE: keep the first half of FILE
	head -c $(($(wc -c < "$1") / 2)) "$1" > "$1.cut" && mv "$1.cut" "$1"
}
gzip -nc s-0000000000000000b.log > cut-0000000000000000b.log.gz
cut_half cut-0000000000000000b.log.gz
gzip -nc good-0000000000000000a.log > crc-0000000000000000c.log.gz
# The CRC-32 is the trailer's first four bytes: flip one.
size=$(wc -c < crc-0000000000000000c.log.gz)
printf '\377' | dd of=crc-0000000000000000c.log.gz bs=1 seek=$((size - 8)) \
    conv=notrunc 2>/dev/null
{ gzip -nc good-0000000000000000a.log; printf 'not gzip at all\n'; } \
    > trail-0000000000000000d.log.gz
bsdtar -a -cf half.zip s-0000000000000000b.log good-0000000000000000a.log
cut_half half.zip
bsdtar -cf badhdr.tar s-0000000000000000b.log
printf 'XXXXXXXX' | dd of=badhdr.tar bs=1 seek=148 conv=notrunc 2>/dev/null
bsdtar -cf cut.tar s-0000000000000000b.log good-0000000000000000a.log
head -c 2048 cut.tar > cut.tar.part && mv cut.tar.part cut.tar
bzip2 -c s-0000000000000000b.log > cut-0000000000000000e.log.bz2
cut_half cut-0000000000000000e.log.bz2
xz -c s-0000000000000000b.log > cut-0000000000000000f.log.xz
cut_half cut-0000000000000000f.log.xz

check() {
	want_tool_rc 1
	for f in cut-0000000000000000b.log.gz crc-0000000000000000c.log.gz \
	    trail-0000000000000000d.log.gz half.zip badhdr.tar cut.tar \
	    cut-0000000000000000e.log.bz2 cut-0000000000000000f.log.xz; do
		want_msg "$f"
	done
	want_out_has good-0000000000000000a
	want_out_has good-0000000000000000z
	msg_at cut-0000000000000000b.log.gz ||
	    fail "$tool: no line in: $(head -c 300 err)"
	want_msg "cut-0000000000000000e.log.bz2: unexpected end of bzip2 data"
	want_msg "cut-0000000000000000f.log.xz: unexpected end of xz data"
	# A damaged tar header is a corrupt archive, not a nest of them.
	want_msg "badhdr.tar: corrupt archive"
	grep -q "nested too deep" err && fail "$tool: damaged tar taken as nested"
}
each_tool check good-0000000000000000a.log cut-0000000000000000b.log.gz \
    crc-0000000000000000c.log.gz trail-0000000000000000d.log.gz half.zip \
    badhdr.tar cut.tar cut-0000000000000000e.log.bz2 \
    cut-0000000000000000f.log.xz good-0000000000000000z.log
# What came before the cut is read (sl-parse shows it best).
run sl-parse cut-0000000000000000b.log.gz
want_out_jq '[.[] | select(.type == "line")] | length > 100'
want_err "sl-parse: cut-0000000000000000b.log.gz:"
finish
