# --stats "bytes" of an input rejected at its first look (3 MiB of random
# bytes: no format) is what its reader read, not the whole input that -j
# N read ahead to hand it to a worker: the same at -j 1 and -j 2 for a
# plain file; gzipped, within the first 256 KiB at either (the
# inflate-ahead thread's steps are 128 KiB, the reader's 256 KiB).
. "$(dirname "$0")/lib.sh"
head -c $((3 * 1048576)) /dev/urandom >notlog.bin
gzip -1 <notlog.bin >notlog.gz
tool=sl-parse
bytes() {	# bytes FILE J: the --stats bytes
	run sl-parse --stats -j "$2" "$1"
	no_crash
	want_rc 1
	sed -n 's/.*stats: .*bytes \([0-9]*\),.*/\1/p' err
}
b1=$(bytes notlog.bin 1) b2=$(bytes notlog.bin 2)
[ "$b1" = "$b2" ] || fail "notlog.bin: bytes $b1 at -j 1, $b2 at -j 2"
for j in 1 2; do
	b=$(bytes notlog.gz $j)
	[ -n "$b" ] && [ "$b" -le 262144 ] ||
	    fail "notlog.gz -j $j: bytes '$b', over the first 256 KiB"
done
finish
