# Zip member names in UTF-8 (issue 15, item 7): a zip written in a UTF-8
# locale marks its names UTF-8, and in the C locale libarchive's default
# accessor turned every non-ASCII character into '?': jösé-… and müller-…
# became one session "?".  Through every tool, each member keeps its name
# and its session; the same names in a tar were always fine.
. "$(dirname "$0")/lib.sh"
mkdir z
(cd z && good_log "jösé-0000000000000000a" && good_log "müller-0000000000000000b" &&
    good_log "日本-0000000000000000c")
(cd z && LC_ALL=C.UTF-8 bsdtar -a -cf ../names.zip ./*.log)
(cd z && tar -cf ../names.tar ./*.log)

check() {
	want_tool_rc 0
	for id in "jösé-0000000000000000a" "müller-0000000000000000b" \
	    "日本-0000000000000000c"; do
		want_out_has "$id"
	done
	grep -aq '"?"\|?-0000' out && fail "$tool: a name lost to '?'"
	return 0
}
each_tool check names.zip
each_tool check names.tar
tool=sl-parse
run sl-parse names.zip
[ "$(jq -r 'select(.type == "session") | .session' out | sort -u | wc -l)" = 3 ] ||
    fail "sl-parse: not three sessions from three members"
finish
