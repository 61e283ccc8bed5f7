# A record stream that breaks the contract of sl-records(5): each bad
# record is rejected with its line (exit 1), the good ones around it pass,
# and nothing that comes out breaks the contract.  A record without src
# gets its place in the stream; an empty session id is null; a TAB in
# text is let through (harmless, and hand-written streams have them).
. "$(dirname "$0")/lib.sh"
cat > s.jsonl <<'EOF'
{"type":"line","session":"a-1","n":1,"text":"good","src":"a:1"}
{"type":"line","session":"a-1","n":2,"text":"no src"}
{"type":"line","session":"","n":3,"text":"empty session","src":"a:3"}
{"type":"line","session":"a\u0000b","n":4,"text":"x","src":"a:4"}
{"type":"line","session":"a-1","n":5,"text":"x","src":"a:5\u0000b"}
{"type":"line","session":"a-1","n":6,"text":"a\u001b[2Jb","src":"a:6"}
{"type":"line","session":"a-1","n":7,"text":"a\tb","src":"a:7"}
{"type":"note","session":"a-1","code":"","text":"t","src":"a:8"}
{"type":"note","session":"a-1","code":"Bad Code","text":"t","src":"a:9"}
{"type":"note","session":"a-1","code":"skipped","text":"t","count":-5,"src":"a:10"}
{"type":"note","session":"a-1","code":"skipped","text":"\u0007","src":"a:11"}
{"type":"session","session":"a-1","owner":"","target":"i-1","origin":"cloudtrail","src":"a:12"}
{"type":"line","session":"a-1","n":13,"text":"last","src":"a:13"}
EOF
run sl-parse s.jsonl
no_crash
want_rc 1
for l in 4 5 6 8 9 10 11; do
	want_err "sl-parse: s.jsonl:$l: rejected record"
done
[ "$(wc -l < err)" = 7 ] || fail "want 7 messages, got $(wc -l < err)"
want_out_jq '[.[] | select(.type == "line")] | map(.text) == ["good", "no src", "empty session", "a\tb", "last"]'
want_out_jq '.[1].src == "s.jsonl:2"'
want_out_jq '.[2].session == null'
want_out_jq '[.[] | select(.type == "session")] | .[0] | has("owner") | not'
want_out_jq '[.[] | select(.code == "rejected")] | length == 7'
finish
