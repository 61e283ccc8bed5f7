# Two CloudWatch streams interleaved event by event, 600,000 events each,
# through sl-convert (issue 15): every record of a session is an extent
# of the spool file of its own.  The spool keeps them packed, and moves
# each full block of them to the spool file, so memory does not grow with
# the number of runs: peak RSS stays under 12 MiB (about 10; 15 when the
# blocks stayed in memory, 26 with 2,000,000 events each, 30 when
# extents took 16 bytes), and both sessions have all their commands.
. "$(dirname "$0")/lib.sh"
# What it checks is peak RSS, which sanitizers and valgrind change.
[ "${SL_ASAN:-0}" = 1 ] || [ "${SL_VALGRIND:-0}" = 1 ] && finish

cw_streams events 2 600000 'sh-5.2$ echo x\r\n' | gzip > two.json.gz
tool=sl-convert
/usr/bin/time -f %M -o rss sl-convert -t text two.json.gz >out 2>err
rc=$?
no_crash
want_tool_rc 0
rss_under 12288 rss
[ "$(grep -c 'echo x' out)" = 1200000 ] ||
    fail "sl-convert: not every command of the two sessions"
finish
