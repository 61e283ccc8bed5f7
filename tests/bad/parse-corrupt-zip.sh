# A zip whose member data is overwritten with garbage: a clear error
# naming the archive, exit 1, no crash; other members and files still read.
. "$(dirname "$0")/lib.sh"
printf 'Script started on 2024-06-01 10:00:00+00:00\n$ ls\r\r\na b\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' > one-0000000000000000a.log
cp one-0000000000000000a.log two-0000000000000000b.log
bsdtar -a -cf logs.zip one-0000000000000000a.log two-0000000000000000b.log
# Corrupt the middle third of the archive.
size=$(wc -c < logs.zip)
dd if=/dev/urandom of=logs.zip bs=1 seek=$((size / 3)) count=$((size / 3)) conv=notrunc 2>/dev/null
cp one-0000000000000000a.log after-0000000000000000c.log
run sl-parse logs.zip after-0000000000000000c.log
no_crash
want_rc 1
want_err "sl-parse: logs.zip"
want_out_jq '[.[] | select(.session == "after-0000000000000000c" and .type == "line")] | length == 2'
finish
