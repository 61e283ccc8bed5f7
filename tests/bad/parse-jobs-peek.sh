# -j folder jobs (issue 17): a worker opens a file found in a folder and
# decides on its first SL_PEEK (64 KiB) bytes whether it is a plain log
# it may read; only then does it read the rest.  A transcript larger
# than the peek (and than a pipe's buffer) must come out whole, a gzip
# and a record stream larger than the peek go back to the run, and the
# output is the same bytes as -j 1, in order.
. "$(dirname "$0")/lib.sh"

tool=sl-parse
mkdir d
ts() {	# ts FILE LINES: a transcript of LINES commands
	{
		echo 'Script started on 2024-06-01 10:00:00+00:00 [COMMAND="bash"]'
		awk -v n="$2" -v f="$1" 'BEGIN { for (i = 0; i < n; i++)
			printf "[ec2-user@ip-10-0-0-1 ~]$ echo line %d of %s\r\r\nline %d\r\r\n", i, f, i }'
		echo 'Script done on 2024-06-01 10:05:00+00:00 [COMMAND_EXIT_CODE="0"]'
	} > "d/$1"
}
ts a-0000000000000000a.log 3000		# ~200 KiB: past the peek
ts b-0000000000000000b.log 10		# small
ts c-0000000000000000c.log 1500
gzip -c d/c-0000000000000000c.log > d/c-0000000000000000c.log.gz
rm d/c-0000000000000000c.log
sl-parse d/a-0000000000000000a.log > d/r-records.jsonl 2>/dev/null
[ "$(wc -c < d/a-0000000000000000a.log)" -gt 65536 ] || fail "a.log is no larger than the peek"
[ "$(wc -c < d/r-records.jsonl)" -gt 65536 ] || fail "the record stream is no larger than the peek"
run sl-parse -j 1 d
no_crash
want_rc 0
cp out out.1
cp err err.1
run sl-parse -j 2 d
no_crash
want_rc 0
cmp -s out.1 out || fail "-j 2 differs from -j 1: $(diff out.1 out | head -3)"
cmp -s err.1 err || fail "-j 2 messages differ from -j 1"
[ "$(grep -c '"cmd":"echo line [0-9]* of a-' out)" = 6000 ] ||
    fail "the large transcript did not come out whole (twice: itself and its records)"
[ "$(grep -c '"cmd":"echo line [0-9]* of c-' out)" = 1500 ] ||
    fail "the gzip did not come out whole"
finish
