# Logs Insights results of 10,000 interleaved streams of 20 rows each
# (issue 15): the sorter keeps at most an eighth of CW_SORT_MEM of its
# index in memory and writes the rest out as sorted runs that are merged
# when read back, so peak RSS stays under 64 MiB in every tool (the index
# of 200,000 events in memory took 60 MiB in sl-parse, 73 in sl-report,
# 70 in sl-convert), and every session has all its commands.
. "$(dirname "$0")/lib.sh"
# Under a sanitizer or valgrind: 2,000 streams (40,000 rows: still two
# runs of the index), every check but RSS.
ns=$(sized 2000 10000)

cw_streams insights "$ns" 20 \
    'sh-5.2$ echo a line of a session\r\na line of a session\r\n' |
    gzip > rows.json.gz

streams_rss rows.json.gz "$ns"
tool=sl-parse
run sl-parse rows.json.gz
sessions_with_cmds 20 "$ns"
finish
