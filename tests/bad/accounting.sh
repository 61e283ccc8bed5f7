# Accounting (records.md): every unit of input (line, event) ends up
# written, merged, skipped or rejected.  For every sample in samples/ and
# every input of the sl-parse end-to-end cases (alone, detected, and as
# the case runs it), sl-parse --stats must show
# units = written + merged + skipped + rejected.
. "$(dirname "$0")/lib.sh"
top=$(cd "$here/../.." && pwd)

# acct WHAT ARGS...: run sl-parse --stats ARGS and check the sum.
acct() {
	what=$1
	shift
	sl-parse --stats "$@" >/dev/null 2>err
	line=$(grep -a 'stats: ' err | tail -1)
	if [ -z "$line" ]; then
		fail "$what: no stats line"
		return
	fi
	echo "$line" | awk -v what="$what" -F', ' '{
		for (i = 1; i <= NF; i++) {
			n = split($i, kv, " ")
			v[kv[n - 1]] = kv[n]
		}
		sum = v["written"] + v["merged"] + v["skipped"] + v["rejected"]
		if (v["units"] != sum) {
			printf "%s: units %d != %d (%s)\n", what, v["units"], sum, $0
			exit 1
		}
	}' || fail "$(echo "$line" | sed 's/^sl-parse: stats: //') [$what]"
	echo "$what" >>"$T/checked"
}

: >"$T/checked"
for f in $(find "$top/samples" -type f ! -name README.md ! -name make-samples |
    sort); do
	acct "${f#$top/}" "$f" </dev/null
done
for dir in "$top"/tests/e2e/sl-parse/*/; do
	case=$(basename "$dir")
	rm -rf work
	cp -R "$dir" work
	for f in work/*; do
		case ${f##*/} in args|cmd|err|out|rc) continue ;; esac
		(cd work && acct "e2e/sl-parse/$case/${f##*/}" "${f##*/}" \
		    </dev/null)
	done
	# As the case runs it (its options: -f, --tz, --session...).
	if [ -f work/args ] && ! grep -q -- '--help\|--version\|--list-formats\|--frobnicate\|nosuch\|Mars/\|(unclosed' work/args; then
		# shellcheck disable=SC2046
		(cd work && eval "set -- $(cat args)" &&
		    if [ -f in ]; then acct "e2e/sl-parse/$case (args)" "$@" <in
		    else acct "e2e/sl-parse/$case (args)" "$@" </dev/null; fi)
	fi
done
checked=$(wc -l <"$T/checked")
[ "${BAD_VERBOSE:-0}" = 1 ] && echo "  $name: $checked inputs add up"
[ "$checked" -ge 60 ] || fail "only $checked inputs checked"
finish
