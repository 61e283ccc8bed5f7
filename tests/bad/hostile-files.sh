# Files that vanish or cannot be read, through every tool, between good
# ones: a dangling symlink and a symlink loop in a folder, a socket and
# a character device (/dev/zero: endless), a FIFO that no writer ever
# opens (given up after a few seconds), /proc/self/mem (a read error at
# once), a file deleted after the folder was listed and before it was
# opened.  (chmod 000 does not stop root, so it is not used.)  Each: a
# message naming the path, exit 1, the good files still read; a tool
# that hangs is stopped by timeout(1) (status 124).
. "$(dirname "$0")/lib.sh"
mkdir d
good_log good-0000000000000000a
good_log good-0000000000000000z
mv good-0000000000000000a.log d/a-0000000000000000a.log
ln -s nowhere d/b-dangling.log
ln -s c-loop.log d/c-loop.log
python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("d/e-socket")'
ln -s /dev/zero d/f-zero
mkfifo d/g-fifo
printf '$ echo good-0000000000000000y\r\n' > d/y-0000000000000000y.log

check() {
	want_tool_rc 1
	want_msg "d/b-dangling.log: cannot open: No such file or directory"
	want_msg "d/c-loop.log: cannot open: Too many levels of symbolic links"
	want_msg "d/e-socket: not a regular file, skipped"
	want_msg "/dev/zero: not a regular file, skipped"
	want_msg "d/g-fifo: no writer on this FIFO after 3 s, skipped"
	want_msg "/proc/self/mem: read error: Input/output error"
	want_out_has good-0000000000000000a
	want_out_has good-0000000000000000y
	want_out_has good-0000000000000000z
}
# The tools in parallel: each waits for the FIFO's writer in vain.
for tool in $TOOLS; do
	(
		# shellcheck disable=SC2046
		timeout 300 "$tool" $(tool_args "$tool") d /dev/zero /proc/self/mem \
		    good-0000000000000000z.log >"out.$tool" 2>"err.$tool"
		echo $? >"rc.$tool"
	) &
done
wait
for tool in $TOOLS; do
	[ -x "$B/$tool" ] || continue
	mv "out.$tool" out
	mv "err.$tool" err
	rc=$(cat "rc.$tool")
	no_crash
	check
done

# A file deleted between the walk (the folder is listed first) and its
# open: the tool is held at a FIFO sorted before it until the file is
# gone, then the FIFO is written and closed.
mkdir e
mkfifo e/a-fifo
good_log good-0000000000000000b
mv good-0000000000000000b.log e/b-0000000000000000b.log
good_log good-0000000000000000c
mv good-0000000000000000c.log e/c-0000000000000000c.log
for tool in $TOOLS; do
	[ -x "$B/$tool" ] || continue
	good_log good-0000000000000000b
	mv good-0000000000000000b.log e/b-0000000000000000b.log
	# shellcheck disable=SC2046
	timeout 300 "$tool" $(tool_args "$tool") e >out 2>err &
	pid=$!
	# The tool has the FIFO open (and so has listed e/) once a writer
	# can open it without blocking.
	python3 - <<'PY'
import errno, os, time
for _ in range(600):
    try:
        fd = os.open("e/a-fifo", os.O_WRONLY | os.O_NONBLOCK)
        break
    except OSError as e:
        if e.errno != errno.ENXIO:
            raise
        time.sleep(0.05)
else:
    raise SystemExit("no reader on e/a-fifo")
os.unlink("e/b-0000000000000000b.log")
os.write(fd, b"$ echo fifo-0000000000000000a\r\n")
os.close(fd)
PY
	wait $pid
	rc=$?
	no_crash
	want_tool_rc 1
	want_msg "e/b-0000000000000000b.log: cannot open: No such file or directory"
	want_out_has fifo-0000000000000000a
	want_out_has good-0000000000000000c
done
finish
