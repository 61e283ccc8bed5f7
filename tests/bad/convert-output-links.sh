# sl-convert --split --force (issue 15, item 4) wrote through a symbolic
# link in the output folder to a FIFO (and hung there) or a device.
# --force replaces regular files only, and never follows a link: a link
# (to a FIFO, to /dev/null, to a file elsewhere), a FIFO, or a folder at
# a session's name is refused with a message naming it (exit 2), and
# what it points to is untouched.  A regular file is replaced.
. "$(dirname "$0")/lib.sh"
tool=sl-convert
good_log a-0000000000000000a
mkdir dest elsewhere
mkfifo fifo
echo keep >elsewhere/file
for target in ../fifo /dev/null ../elsewhere/file; do
	rm -f dest/a-0000000000000000a.txt
	ln -s "$target" dest/a-0000000000000000a.txt
	run timeout 10 sl-convert --split --force -t text -o dest a-0000000000000000a.log
	no_crash
	want_rc 2
	want_err "dest/a-0000000000000000a.txt: is a symbolic link: not followed, not replaced"
done
[ "$(cat elsewhere/file)" = keep ] || fail "wrote through a link"
rm dest/a-0000000000000000a.txt
mkfifo dest/a-0000000000000000a.txt
run timeout 10 sl-convert --split --force -t text -o dest a-0000000000000000a.log
want_rc 2
want_err "dest/a-0000000000000000a.txt: is not a regular file: not replaced"
rm dest/a-0000000000000000a.txt
echo old >dest/a-0000000000000000a.txt
run sl-convert --split --force -t text -o dest a-0000000000000000a.log
want_rc 0
grep -q a-0000000000000000a dest/a-0000000000000000a.txt || fail "--force did not replace a regular file"
[ -z "$(ls -A dest | grep -v '^a-0000000000000000a.txt$')" ] || fail "left in dest: $(ls -A dest)"
# The user may still name a device: -o /dev/null.
run sl-convert -t text -o /dev/null a-0000000000000000a.log
want_rc 0
finish
