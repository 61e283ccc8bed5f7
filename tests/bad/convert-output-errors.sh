#!/bin/sh
# convert-output-errors.sh BUILD: sl-convert's outputs fail cleanly: a
# folder that cannot hold the file, a file that exists (no --force), a
# full disk (/dev/full, standard output on /dev/full, a file-size limit
# hit while writing) all end with a clear message and status 2, and
# leave no partial file under the final name, no temporary file, and no
# spool files.
set -u
B=$(cd "${1:?usage: convert-output-errors.sh BUILD}" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
export TMPDIR="$t/tmp" LC_ALL=C
mkdir "$t/tmp" "$t/out"
fail=0
bad() { echo "convert-output-errors: $*"; fail=1; }

# A session of 3,000 lines (about 250 KiB of records).
log=$t/alice-0a1b2c3d4e5f67890.log
{
	printf 'Script started on 2024-05-01 12:30:00+00:00\n'
	i=0
	while [ $i -lt 1000 ]; do
		printf '\033[?2004hsh-5.2$ echo line %d\r\r\n' $i
		printf 'line %d \033[31mred\033[0m and some more text to fill it\r\r\n' $i
		printf 'and a third line for good measure %d\r\r\n' $i
		i=$((i + 1))
	done
	printf '\nScript done on 2024-05-01 12:30:00+00:00\n'
} > "$log"

# expect RC MESSAGE-PART CMD...: status and a message on stderr.
expect() {
	want=$1 msg=$2
	shift 2
	"$@" > "$t/stdout" 2> "$t/stderr"
	rc=$?
	[ "$rc" = "$want" ] || bad "$*: status $rc, want $want"
	grep -q -- "$msg" "$t/stderr" ||
	    bad "$*: stderr lacks '$msg': $(cat "$t/stderr")"
}

# Nothing but the listed names in $t/out, and nothing in TMPDIR.
clean() {
	got=$(cd "$t/out" && ls -A | tr '\n' ' ')
	[ "$got" = "$*" ] || bad "left in the output folder: '$got', want '$*'"
	[ -z "$(ls -A "$t/tmp")" ] || bad "left in TMPDIR: $(ls -A "$t/tmp")"
}

# A folder that cannot hold files: a path through a regular file.
expect 2 "cannot create a file there: Not a directory" \
    "$B/sl-convert" -t text -o "$log/x.txt" "$log"
expect 2 "exists and is not a folder" \
    "$B/sl-convert" -t html --split -o "$log" "$log"
clean ""

# An existing file is kept unless --force.
for target in text html typescript; do
	echo keep > "$t/out/kept"
	expect 2 "exists (use --force to replace it)" \
	    "$B/sl-convert" -t $target -o "$t/out/kept" "$log"
	[ "$(cat "$t/out/kept")" = keep ] || bad "$target replaced the file"
	clean "kept "
	"$B/sl-convert" -t $target --force -o "$t/out/kept" "$log" ||
	    bad "$target --force failed"
	[ "$(head -c 3 "$t/out/kept")" != keep ] || bad "$target --force kept"
	rm -f "$t/out/kept"
done

# Full disks: /dev/full as -o and as standard output.
for target in text records csv html cw-stream asciicast typescript; do
	expect 2 "/dev/full: write error: No space left on device" \
	    "$B/sl-convert" -t $target -o /dev/full "$log"
	"$B/sl-convert" -t $target "$log" > /dev/full 2> "$t/stderr"
	rc=$?
	[ $rc = 2 ] || bad "$target > /dev/full: status $rc"
	grep -q "write error on standard output: No space left" "$t/stderr" ||
	    bad "$target > /dev/full: $(cat "$t/stderr")"
	clean ""
done

# A file-size limit hit half way (EFBIG, the same path as ENOSPC): the
# output of a streamed target fails, the spool of the others does; both
# must end cleanly.  SIGXFSZ is ignored so that the write fails instead
# of killing the process.
limited() {
	(ulimit -f 200; trap '' XFSZ; exec "$@") > "$t/stdout" 2> "$t/stderr"
}
for args in "-t records -o $t/out/r.jsonl" "-t text -o $t/out/t.txt" \
    "-t html -o $t/out/p.html" "-t typescript --split -o $t/out/split" \
    "-t html -o $t/out/a.tar.gz"; do
	# shellcheck disable=SC2086
	limited "$B/sl-convert" $args "$log" "$log" "$log" "$log"
	rc=$?
	[ $rc = 2 ] || bad "$args past the size limit: status $rc"
	grep -q "File too large" "$t/stderr" ||
	    bad "$args past the size limit: $(cat "$t/stderr")"
	if [ -d "$t/out/split" ]; then
		[ -z "$(ls -A "$t/out/split")" ] ||
		    bad "left in the split folder: $(ls -A "$t/out/split")"
		rmdir "$t/out/split"
	fi
	clean ""
done

exit $fail
