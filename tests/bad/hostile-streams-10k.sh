# Memory per open session (issue 15, item 1): 10,000 interleaved
# CloudWatch streams of ordinary shell lines in one filter-log-events
# document, every one still open when the next speaks, through every
# tool: peak RSS under 64 MiB (the limit of bench/hostile.sh; each open
# session took about 7 KiB, 71 MiB for sl-parse and 86 MiB for sl-report),
# every session has all its lines, and none gets a "memory" note.
. "$(dirname "$0")/lib.sh"
# Under a sanitizer or valgrind: 1,000 streams, every check but RSS.
ns=$(sized 1000 10000)

cw_streams events "$ns" 3 \
    'sh-5.2$ echo a line of a session\r\na line of a session\r\n' |
    gzip > many.json.gz

streams_rss many.json.gz "$ns"
tool=sl-parse
run sl-parse many.json.gz
jq -e 'select(.code == "memory")' out >/dev/null &&
    fail "sl-parse: a memory note on ordinary sessions"
sessions_with_cmds 3 "$ns"
finish
