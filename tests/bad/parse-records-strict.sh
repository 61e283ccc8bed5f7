# The records reader reads each line with the streaming scanner, as
# strictly as a JSON parser (jansson read records before, and its
# messages stay): numbers out of range, a byte order mark, bytes after
# the object, a NUL or invalid UTF-8 in a key make a line invalid JSON;
# a key written with escapes is the same key; of a key given twice the
# last value counts, in the place of the first; nesting past
# SL_JSON_DEPTH (64) is refused as in every other reader.
. "$(dirname "$0")/lib.sh"
deep() {	# deep N: N nested arrays
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++) printf "["; for (i = 0; i < n; i++) printf "]" }'
}
L='"type":"line","session":"a-1"'
{
	printf '{%s,"n":1,"text":"first","text":"second","src":"a:1"}\n' "$L"
	printf '{"t\\u0079pe":"line","session":"a-1","n":2,"text":"escaped key","src":"a:2"}\n'
	printf '{"type":"session","session":"a-1","target":"i-1","zz":"one","target":"i-2","zz":2,"yy":"kept","src":"a:3"}\n'
	printf '{%s,"n":99999999999999999999,"text":"x","src":"a:4"}\n' "$L"
	printf '{%s,"n":5,"text":"x","src":"a:5","r":1e999}\n' "$L"
	printf '\357\273\277{%s,"n":6,"text":"x","src":"a:6"}\n' "$L"
	printf '{%s,"n":7,"text":"x","src":"a:7"} x\n' "$L"
	printf '{%s,"n":8,"text":"deep","src":"a:8","d":%s}\n' "$L" "$(deep 63)"
	printf '{%s,"n":9,"text":"x","src":"a:9","d":%s}\n' "$L" "$(deep 64)"
	printf '{%s,"n":10,"text":"x","src":"a:10","k\\u0000":1}\n' "$L"
	printf '{%s,"n":11,"text":"x","src":"a:11","\377":1}\n' "$L"
	printf '[1,2]\n'
	printf '{%s,"n":1.0,"text":"x","src":"a:13"}\n' "$L"
	printf '{%s,"n":14,"text":"last","src":"a:14","x":{"y":[true,false,null,-0.5e-3,"\\ud83d\\ude00"]}}\n' "$L"
} > s.jsonl
tool=sl-parse
run sl-parse s.jsonl
no_crash
want_rc 1
want_err "sl-parse: s.jsonl:4: invalid JSON at column 55: too big integer near '99999999999999999999'"
want_err "sl-parse: s.jsonl:5: invalid JSON at column 69: real number overflow near '1e999'"
want_err "sl-parse: s.jsonl:6: invalid JSON at column 1: '[' or '{' expected near"
want_err "sl-parse: s.jsonl:7: invalid JSON at column 62: end of file expected near 'x'"
want_err "sl-parse: s.jsonl:9: invalid JSON at column 128: nested deeper than 64 levels"
want_err "sl-parse: s.jsonl:10: invalid JSON at column 71: NUL byte in object key not supported"
want_err "sl-parse: s.jsonl:11: invalid JSON at column 63: unable to decode byte 0xff"
want_err "sl-parse: s.jsonl:12: rejected record: not a JSON object"
want_err "sl-parse: s.jsonl:13: rejected record: \"n\" must be a positive integer"
[ "$(wc -l < err)" = 9 ] || fail "want 9 messages, got $(wc -l < err)"
want_out_jq '[.[] | select(.type == "line") | .text] == ["second", "escaped key", "deep", "last"]'
want_out_jq '[.[] | select(.type == "session")][0] | .target == "i-2" and .yy == "kept" and (has("zz") | not)'
want_out_jq '[.[] | select(.code == "rejected")] | length == 9'
finish
