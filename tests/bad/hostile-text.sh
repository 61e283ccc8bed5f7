# Bytes that are not text, through every tool: NUL bytes inside a log
# (shown as nothing, as on a terminal), a file of NULs ("unrecognized log
# format", exit 1), invalid and overlong UTF-8 (each maximal bad part is
# U+FFFD; the outputs that are text are valid UTF-8; sl-redact keeps the
# bytes as they were), and a file name of invalid UTF-8 and escape
# sequences (named on stderr with '?' for each control character).
. "$(dirname "$0")/lib.sh"
printf 'Script started on 2024-06-01 10:00:00+00:00\n$ printf "nul-\\0b"\r\r\nnul-\000\000b\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' \
    > nul-0000000000000000b.log
head -c 4096 /dev/zero > zeros.bin
printf 'Script started on 2024-06-01 10:00:00+00:00\n$ cat bad\r\r\nutf8-0000000000000000c \300\200 \340\200\200 \355\240\200 \364\220\200\200 \377 \200 \301\277 caf\303\251\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' \
    > utf8-0000000000000000c.log
evil=$(printf 'bad\377name\033[31m\001-0000000000000000d.log')
printf 'Script started on 2024-06-01 10:00:00+00:00\n$ echo name-0000000000000000d\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' \
    > "$evil"

check() {
	want_tool_rc 1
	want_msg "zeros.bin: unrecognized log format"
	want_out_has nul-
	want_out_has utf8-0000000000000000c
	want_out_has name-0000000000000000d
	if LC_ALL=C grep -aq "$(printf '[\001-\011\013-\037\177]')" err; then
		fail "$tool: control characters on stderr: $(od -c err | head -3)"
	fi
	if [ "$tool" != sl-redact ]; then
		iconv -f UTF-8 -t UTF-8 out >/dev/null 2>&1 ||
		    fail "$tool: output is not valid UTF-8"
	else
		# byte for byte, but the secrets: the bad bytes stay
		grep -aq "$(printf '\300\200 \340\200\200')" out ||
		    fail "$tool: the invalid bytes did not stay as they were"
	fi
}
each_tool check nul-0000000000000000b.log zeros.bin utf8-0000000000000000c.log \
    "$evil"
tool=sl-parse
run sl-parse nul-0000000000000000b.log utf8-0000000000000000c.log
want_out_jq '[.[] | select(.type == "line")] | .[1].text == "nul-b"'
want_out_jq '[.[] | select(.type == "line")] | .[3].text == "utf8-0000000000000000c \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd \ufffd \ufffd \ufffd\ufffd café"'
finish
