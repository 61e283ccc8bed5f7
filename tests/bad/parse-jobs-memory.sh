# Memory with worker processes (-j, issue 17): an input too big to hand to
# a worker is read here, and what was peeked of it to decide that is no
# more than a worker's job (4 MiB).  A 24 MiB transcript, read with the
# default -j and with -j 2, peaks under 16 MiB as with -j 1.  (A 16 MiB
# job size took 22 MiB.)
. "$(dirname "$0")/lib.sh"

tool=sl-parse
{
	echo 'Script started on 2024-06-01 10:00:00+00:00 [COMMAND="bash"]'
	awk 'BEGIN { for (i = 0; i < 400000; i++)
		printf "[ec2-user@ip-10-0-0-1 ~]$ echo line %d of a long session\r\r\nline %d\r\r\n", i, i }'
	echo 'Script done on 2024-06-01 10:05:00+00:00 [COMMAND_EXIT_CODE="0"]'
} > big.log
for j in "" "-j 2"; do
	# shellcheck disable=SC2086
	/usr/bin/time -f %M -o rss sl-parse $j big.log >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	rss_under 16384 rss
	[ "$(grep -c '"cmd":"echo line' out)" = 400000 ] ||
	    fail "sl-parse $j: not every command came out"
done
finish
