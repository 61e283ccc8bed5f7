# Decoder memory (issue 15, item 2): an xz stream whose dictionary is
# 768 MiB (xz --lzma2=dict=768MiB) would take that much memory before
# its first byte.  Past SL_DICT_MAX (64 MiB, xz -9's) it is refused with
# a message naming the file and counted as a rejected unit, in a tar
# too; xz -9 itself is read.  Memory stays small; good logs come out.
. "$(dirname "$0")/lib.sh"
good_log good-0000000000000000a
good_log good-0000000000000000z
good_log dict-0000000000000000b
good_log ok-0000000000000000c
xz -T1 --lzma2=dict=768MiB -c dict-0000000000000000b.log > dict-0000000000000000b.log.xz
xz -9 -c ok-0000000000000000c.log > ok-0000000000000000c.log.xz
mkdir t
cp dict-0000000000000000b.log.xz t/inner-0000000000000000d.log.xz
tar -cf dict.tar -C t inner-0000000000000000d.log.xz
rm -r t

check() {
	want_tool_rc 1
	want_msg "dict-0000000000000000b.log.xz: xz dictionary of 768 MiB, over the limit of 64 MiB, refusing"
	want_msg "dict.tar//inner-0000000000000000d.log.xz: xz dictionary of 768 MiB"
	want_out_has good-0000000000000000a
	want_out_has good-0000000000000000z
	want_out_has ok-0000000000000000c
}
each_tool check good-0000000000000000a.log dict-0000000000000000b.log.xz \
    dict.tar ok-0000000000000000c.log.xz good-0000000000000000z.log

tool=sl-parse
run sl-parse --stats dict-0000000000000000b.log.xz
want_err "rejected 1, records 0"
for tool in $TOOLS; do
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args $tool) \
	    dict-0000000000000000b.log.xz >/dev/null 2>&1
	rss_under 65536 rss
done
finish
