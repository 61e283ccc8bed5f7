# NUL bytes: inside a typescript they show nothing (as on a terminal);
# a file of mostly NULs is not a log: "unrecognized log format", exit 1.
. "$(dirname "$0")/lib.sh"
printf 'Script started on 2024-06-01 10:00:00+00:00\n$ printf "a\\0b"\r\r\na\000b\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' > n-0000000000000000a.log
run sl-parse n-0000000000000000a.log
no_crash
want_rc 0
want_out_jq '.[2].text == "ab"'
head -c 4096 /dev/zero > zeros.bin
run sl-parse zeros.bin
no_crash
want_rc 1
want_err "sl-parse: zeros.bin: unrecognized log format"
finish
