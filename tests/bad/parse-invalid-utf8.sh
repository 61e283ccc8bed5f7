# Invalid UTF-8 becomes U+FFFD; the output is valid UTF-8 JSON; exit 0.
. "$(dirname "$0")/lib.sh"
printf 'Script started on 2024-06-01 10:00:00+00:00\n$ cat latin1.txt\r\r\ncaf\351 na\357ve \300\200 \355\240\200 \364\220\200\200 end\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' > u-0000000000000000a.log
run sl-parse u-0000000000000000a.log
no_crash
want_rc 0
iconv -f UTF-8 -t UTF-8 out >/dev/null 2>&1 || fail "output is not valid UTF-8"
want_out_jq '.[2].text == "caf\ufffd na\ufffdve \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd end"'
finish
