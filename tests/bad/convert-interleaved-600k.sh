# Two CloudWatch streams interleaved event by event, 600,000 events each,
# through sl-convert (issue 15): every record of a session is an extent
# of the spool file of its own.  The spool keeps them packed, and moves
# each full block of them to the spool file, so memory does not grow with
# the number of runs: peak RSS stays under 12 MiB (about 10; 15 when the
# blocks stayed in memory, 26 with 2,000,000 events each, 30 when
# extents took 16 bytes), and both sessions have all their commands.
. "$(dirname "$0")/lib.sh"
# Under a sanitizer or valgrind: 20,000 events each (still hundreds of
# blocks of extents a session), every check but RSS.
n=$(sized 20000 600000)

cw_streams events 2 "$n" 'sh-5.2$ echo x\r\n' | gzip > two.json.gz
tool=sl-convert
/usr/bin/time -f %M -o rss sl-convert -t text two.json.gz >out 2>err
rc=$?
no_crash
want_tool_rc 0
rss_under 12288 rss
[ "$(grep -c 'echo x' out)" = $((2 * n)) ] ||
    fail "sl-convert: not every command of the two sessions"
finish
