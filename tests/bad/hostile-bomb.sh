# Decompression bombs between two good logs, through every tool: output
# past SL_EXPAND_FREE (64 MiB) at more than SL_EXPAND_RATIO (1000:1) is
# refused with a message naming the file (gzip at 1030:1, bzip2 at
# 28000:1, a bomb inside a tar.gz, a zip of one); compression nested past
# SL_NEST_MAX (4) is refused.  Exit 1, memory bounded, and the good logs
# still come out.  At the limits: 100 MiB at 120:1, 60 MiB at 1030:1 and
# 4 levels of gzip are read whole, exit 0.  (Ratios as gzip -9 and bzip2
# -9 give them for a run of one byte.)
. "$(dirname "$0")/lib.sh"
MIB=1048576
good_log good-0000000000000000a
good_log good-0000000000000000z
# One long line of "a": gzip's best ratio (1030:1), and few records.
a_run() {	# a_run MIB
	head -c $(($1 * MIB)) /dev/zero | tr '\0' a
}
a_run 200 | gzip -9 > bomb-0000000000000000b.log.gz
a_run 100 | bzip2 -9 > bomb-0000000000000000c.log.bz2
mkdir t
a_run 200 > t/inner.log
bsdtar -czf bomb.tar.gz -C t inner.log
bsdtar -a -cf bomb.zip -C t inner.log
rm -r t
# gzip around gzip: n_gzip N IN OUT
n_gzip() {
	cp "$2" "$3.0"
	i=0
	while [ $i -lt "$1" ]; do
		gzip -nc "$3.$i" > "$3.$((i + 1))"
		rm "$3.$i"
		i=$((i + 1))
	done
	mv "$3.$1" "$3"
}
# Five levels of gzip around a good log: one too many.
n_gzip 5 good-0000000000000000a.log deep-0000000000000000d.log.gz.gz.gz.gz.gz
bombs="bomb-0000000000000000b.log.gz bomb-0000000000000000c.log.bz2 bomb.tar.gz bomb.zip"

check() {
	want_tool_rc 1
	for f in bomb-0000000000000000b.log.gz bomb-0000000000000000c.log.bz2 \
	    bomb.tar.gz//inner.log bomb.zip//inner.log; do
		want_msg "$f"
		grep -aq "$f.*decompression ratio over 1000:1, refusing (possible decompression bomb)" err ||
		    fail "$tool: no bomb message for $f: $(grep -a "$f" err)"
	done
	want_msg "deep-0000000000000000d.log.gz.gz.gz.gz.gz"
	grep -aq "nested too deep (over 4 levels" err ||
	    fail "$tool: no nesting message"
	want_out_has good-0000000000000000a
	want_out_has good-0000000000000000z
}
# shellcheck disable=SC2086
each_tool check good-0000000000000000a.log $bombs \
    deep-0000000000000000d.log.gz.gz.gz.gz.gz good-0000000000000000z.log

# Peak memory stays small while refusing.
for tool in sl-parse sl-redact sl-report sl-convert; do
	[ -x "$B/$tool" ] || continue
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args $tool) \
	    bomb-0000000000000000c.log.bz2 >/dev/null 2>&1
	rss_under 131072 rss
done

# At the limits: read whole.
seq -w 1 4000000 | sed 's/$/ a line of text in a log of some size/' |
    head -c $((100 * MIB)) | gzip > ok-0000000000000000e.log.gz
a_run 60 | gzip -9 > ok-0000000000000000f.log.gz
n_gzip 4 good-0000000000000000a.log ok-0000000000000000g.log.gz.gz.gz.gz
tool=sl-parse
run sl-parse --stats ok-0000000000000000e.log.gz ok-0000000000000000f.log.gz \
    ok-0000000000000000g.log.gz.gz.gz.gz
no_crash
want_rc 0
want_err "bytes $((160 * MIB + $(wc -c < good-0000000000000000a.log))),"
want_out_has good-0000000000000000a
finish
