# The records reader reads the common shape (one flat object of plain
# keys and scalar values) straight from the bytes, and every other line
# through the scanner's walk.  The two must agree on every line: each
# line below is read as it is (flat), and again with a nested member
# put first, which sends it the general way.  Records, messages (after
# the column shift of the member put first) and status must match.
. "$(dirname "$0")/lib.sh"
L='"type":"line","session":"a-1"'
{
	printf '{%s,"n":1,"text":"plain","src":"a:1"}\n' "$L"
	printf '{ %s , "n" : 2 ,\t"text" : "spaced" , "src":"a:2" }  \n' "$L"
	printf '{%s,"n":3,"text":"q\\"b\\\\s\\/\\t\\u00e9\\ud83d\\ude00","src":"a:3"}\n' "$L"
	printf '{%s,"n":4,"text":"caf\303\251","src":"a:4"}\n' "$L"
	printf '{%s,"n":5,"text":"$ id","prompt":"$ ","cmd":"id","cont":true,"cancelled":false,"redrawn":null,"uncertain":true,"src":"a:5"}\n' "$L"
	printf '{%s,"n":6,"text":"a","text":"last wins","src":"a:6"}\n' "$L"
	printf '{%s,"n":7,"text":"x","src":"a:7","r":-1.5e+3,"s":0,"t":-0,"u":1E2}\n' "$L"
	printf '{%s,"n":8,"text":"nul \\u0000","src":"a:8"}\n' "$L"
	printf '{%s,"n":9,"text":"ctl \\u001b[m","src":"a:9"}\n' "$L"
	printf '{%s,"n":01,"text":"x","src":"a:10"}\n' "$L"
	printf '{%s,"n":11,"text":"x","src":"a:11",}\n' "$L"
	printf '{%s,"n":12,"text":"x" "src":"a:12"}\n' "$L"
	printf '{%s,"n":13,"text":"unterminated}\n' "$L"
	printf '{%s,"n":14,"text":"x","src":"a:14","v":tru}\n' "$L"
	printf '{%s,"n":15,"text":"x","src":"a:15","v":truex}\n' "$L"
	printf '{%s,"n":16,"text":"bad \\q","src":"a:16"}\n' "$L"
	printf '{%s,"n":17,"text":"raw \001 control","src":"a:17"}\n' "$L"
	printf '{%s,"n":18,"text":"bad utf8 \377","src":"a:18"}\n' "$L"
	printf '{%s,"n":19,"text":"x","src":"a:19"}{}\n' "$L"
	printf '{%s,"n":20,"text":"x","src":"a:20","\303\251":"key"}\n' "$L"
	printf '{%s,"n":21,"text":"x","src":"a:21","n\\u0000":1}\n' "$L"
	printf '{"type":"session","session":"a-1","target":"i-1","zz":"one","target":"i-2","zz":2,"yy":"kept","src":"a:22"}\n'
	printf '{"type":"note","session":"a-1","code":"gap","text":"t","count":3,"extra":"e","src":"a:23"}\n'
	printf '{%s,"n":24,"text":"x","src":"a:24","lone":"\\udc00"}\n' "$L"
	printf '{%s,"n":25,"text":"x","src":"a:25","big":99999999999999999999}\n' "$L"
	printf '{%s,"n":-26,"text":"x","src":"a:26"}\n' "$L"
	printf '{%s,"n":27,"text":"x","src":"a:27"\n' "$L"
	printf '{%s,"n":28,"text":"x","time":"2024\\u0000","src":"a:28"}\n' "$L"
	printf '{"type":"line","session":"a-\\u00001","n":29,"text":"x","src":"a:29"}\n'
} > flat.jsonl
# Escaped NULs are JSON text (\u0000), not bytes that printf made.
[ "$(grep -c '\\u0000' flat.jsonl)" = 4 ] && tr -d '\000' < flat.jsonl |
    cmp -s - flat.jsonl || fail "flat.jsonl: \\u0000 not as text"
# The same lines with "_":{} first: the flat reader declines each one.
sed 's/^\([ ]*\){/\1{"_":{},/' flat.jsonl > general.jsonl
grep -c '^{"_":{},' general.jsonl | grep -qx 29 || fail "general.jsonl: not every line changed"
tool=sl-parse
run sl-parse flat.jsonl
no_crash
cp out flat.out
cp err flat.err
flat_rc=$rc
run sl-parse general.jsonl
no_crash
[ "$rc" = "$flat_rc" ] || fail "status $flat_rc flat, $rc general"
# A column after the member put first moves by its 7 bytes; the file's
# name is in messages and in the notes of rejected lines.
shift_cols() {
	awk '{ if (match($0, /column [0-9]+/)) { c = substr($0, RSTART + 7, RLENGTH - 7); $0 = substr($0, 1, RSTART + 6) (c > 1 ? c + 7 : c) substr($0, RSTART + RLENGTH) } gsub(/flat[.]jsonl/, "general.jsonl"); print }' "$1"
}
shift_cols flat.out > flat.out.shifted
shift_cols flat.err > flat.err.shifted
cmp -s flat.out.shifted out || fail "records differ: $(diff flat.out.shifted out | head -5)"
cmp -s flat.err.shifted err || fail "messages differ: $(diff flat.err.shifted err | head -6)"
# Some of each: records out, and lines refused.
[ "$(grep -c '"type":"line"' out)" -ge 8 ] || fail "too few records: $(grep -c . out)"
[ "$(wc -l < err)" -ge 12 ] || fail "too few messages: $(wc -l < err)"
finish
