#!/bin/sh
# convert-hostile-ids.sh BUILD: session ids are data, not paths.  Ids with
# "../", absolute paths, leading dots and dashes, control characters and
# very long ones become safe names inside the output folder, for every
# target, in folders and in archives; nothing lands outside.
set -u
B=$(cd "${1:?usage: convert-hostile-ids.sh BUILD}" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
export TMPDIR="$t/tmp" LC_ALL=C SOURCE_DATE_EPOCH=0
mkdir -p "$t/tmp" "$t/a/b/c"
fail=0
bad() { echo "convert-hostile-ids: $*"; fail=1; }

long=$(printf '%0300d' 0)
{
	for id in '../../../escape' '../b/sibling' '/tmp/absolute' '..' '.' \
	    '.bashrc' '-rf' 'new\nline' 'tab\there' 'esc\u001b[31m' \
	    'back\\slash' 'C:\\Windows' "$long" 'ok-0123456789abcdef0'; do
		printf '{"type":"line","session":"%s","n":1,"text":"$ id","prompt":"$ ","cmd":"id","src":"x:1"}\n' "$id"
	done
} > "$t/in.jsonl"

for target in text records cw-stream typescript csv asciicast html; do
	"$B/sl-convert" -t $target --split -o "$t/a/b/c/$target" "$t/in.jsonl" ||
	    bad "$target: status $?"
	n=$(ls -A "$t/a/b/c/$target" | wc -l)
	[ "$n" = 14 ] || bad "$target: $n files, want 14"
	for f in "$t/a/b/c/$target"/*; do
		name=${f##*/}
		case $name in
		.*|-*|*[!A-Za-z0-9._@+=,-]*) bad "$target: unsafe name '$name'" ;;
		esac
		[ ${#name} -le 180 ] || bad "$target: name of ${#name} bytes"
	done
done
# Nothing outside a/b/c.
[ "$(ls -A "$t/a/b")" = c ] || bad "written beside the folder: $(ls -A "$t/a/b")"
[ "$(ls -A "$t/a")" = b ] || bad "written above the folder: $(ls -A "$t/a")"
[ "$(ls -A "$t" | tr '\n' ' ')" = "a in.jsonl tmp " ] ||
    bad "written in the top folder: $(ls -A "$t")"
[ ! -e /tmp/absolute.txt ] || bad "wrote /tmp/absolute.txt"
[ -z "$(ls -A "$t/tmp")" ] || bad "spool left: $(ls -A "$t/tmp")"

# Archives: member names are flat and safe too.
"$B/sl-convert" -t text -o "$t/a/s.tar.gz" "$t/in.jsonl" || bad "tar: $?"
tar tzf "$t/a/s.tar.gz" | while read -r m; do
	case $m in
	*/*|.*|-*) echo "unsafe member '$m'" ;;
	esac
done > "$t/members"
[ -s "$t/members" ] && bad "$(cat "$t/members")"
[ "$(tar tzf "$t/a/s.tar.gz" | wc -l)" = 15 ] || bad "tar: want 14 files and MANIFEST"

exit $fail
