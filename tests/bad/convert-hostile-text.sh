#!/bin/sh
# convert-hostile-text.sh BUILD: text in a log is data.  A hostile record
# stream (escape sequences, NULs, invalid UTF-8 in lines, ids and facts)
# and a hostile log never put control characters into text or typescript
# output, never put markup into HTML, never leave a formula in CSV, and
# never break the JSON of records, cw-stream and asciicast output.
set -u
B=$(cd "${1:?usage: convert-hostile-text.sh BUILD}" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
export TMPDIR="$t" LC_ALL=C SOURCE_DATE_EPOCH=0
fail=0
bad() { echo "convert-hostile-text: $*"; fail=1; }
# The hostile record stream breaks the record contract in places (text
# with control characters): those records are rejected (exit 1) and the
# rest converted; the raw log is fine (exit 0).  Any other status fails.
conv() {	# conv INPUT TARGET OUT
	"$B/sl-convert" -t "$2" "$t/$1" > "$3" 2>>"$t/err"
	rc=$?
	case $1:$rc in
	in.jsonl:1|raw.log:0) return 0 ;;
	*) bad "$1 $2: exit $rc"; return 1 ;;
	esac
}

cat > "$t/in.jsonl" <<'JSON'
{"type":"session","session":"x-1</title><script>alert(1)</script>","owner":"\"><img src=x onerror=alert(1)>","target":"i-1\u001b]0;pwned\u0007","host":"h\u001b[2J","src":"x:1"}
{"type":"line","session":"x-1</title><script>alert(1)</script>","n":1,"text":"$ echo \u001b]0;title\u0007\u001b[2J\u001b[31mred","prompt":"$ ","cmd":"echo \u001b]0;title\u0007\u001b[2J\u001b[31mred","src":"x:2"}
{"type":"line","session":"x-1</title><script>alert(1)</script>","n":2,"text":"</style><script>alert(2)</script><!--","src":"x:3"}
{"type":"line","session":"x-1</title><script>alert(1)</script>","n":3,"text":"=cmd|' /C calc'!A0 \u0000nul \u009b31m c1 \u2028 ls","src":"x:4"}
{"type":"note","session":"x-1</title><script>alert(1)</script>","code":"<b>","text":"\u001b[5mblink</b>","src":"x:5"}
JSON
# The same shapes in a raw log: the renderer consumes the escapes.
printf '$ echo \033]0;<script>x</script>\007<img src=x onerror=alert(1)>\r\n=1+1\r\n\377\376 bad bytes\r\n' > "$t/raw.log"

for in in in.jsonl raw.log; do
	for target in text typescript; do
		conv "$in" $target "$t/out"
		# Only our own bracketed-paste switch and title may be there.
		sed 's/\x1b\[?2004h//g; s/\x1b\]0;[^\x07]*\x07//' "$t/out" |
		    tr -d '\r\n\t' | LC_ALL=C grep -q '[[:cntrl:]]' &&
		    bad "$in $target: control characters in the output"
	done
	conv "$in" html "$t/out.html"
	grep -qi '<script\|<img\|<!--\|</title><\|<b>' "$t/out.html" &&
	    bad "$in html: markup from the log: $(grep -i -m1 -o '<script.\{0,20\}\|<img.\{0,20\}' "$t/out.html")"
	[ "$(grep -c '<style>' "$t/out.html")" = 1 ] || bad "$in html: styles"
	tr -d '\n\t' < "$t/out.html" | LC_ALL=C grep -q '[[:cntrl:]]' &&
	    bad "$in html: control characters"
	conv "$in" csv "$t/out.csv"
	# No cell may start with = + - @ (cells are split on commas outside
	# quotes; our input has no quoted commas).
	tr -d '"' < "$t/out.csv" | tr ',' '\n' | grep -q '^[=+@-]' &&
	    bad "$in csv: a formula cell"
	for target in records cw-stream asciicast; do
		conv "$in" $target "$t/out.json"
		jq -e . "$t/out.json" > /dev/null || bad "$in $target: bad JSON"
	done
done
exit $fail
