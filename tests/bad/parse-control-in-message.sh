# Messages quote input (jansson's "near '...'") and name files and archive
# members, which may hold escape sequences: on stderr every control
# character is '?', so one message is one line that cannot drive the
# terminal.  (Fuzz finding: parse/records-error-escape.)
. "$(dirname "$0")/lib.sh"
printf '\033[2J\033]0;pwned\007not json\n' > bad.jsonl
evil=$(printf 'evil\033[31m\nname.log')
printf '{"type":"what"}\n' > "$evil"
run sl-parse -f records bad.jsonl "$evil"
no_crash
want_rc 1
if LC_ALL=C grep -q "$(printf '[\001-\011\013-\037\177]')" err; then
	fail "control characters on stderr: $(od -c err | head -5)"
fi
[ "$(wc -l < err)" = 2 ] || fail "want 2 lines on stderr, got $(wc -l < err)"
want_err "sl-parse: bad.jsonl:1: invalid JSON at column 1"
want_err "sl-parse: evil?[31m?name.log:1: rejected record: unknown record type"
finish
