# lib.sh: helpers for browser tests (sourced).
#
# chrome_dom FILE: print the DOM of FILE after its scripts ran.
# chrome_dom_real FILE: the same in real time (no virtual time budget),
#   for pages whose scripts time things; waits for the load event.
# harness_text DOMFILE: the text of the <pre id="harness"> a test's
#   harness script wrote into the page, one result a line.
# check NAME RESULT: print ok or FAIL for a test result (0: passed); a
#   failure sets fail=1.
# chrome_shot FILE PNG [WIDTHxHEIGHT]: save a screenshot.
# The flags keep Chromium off the network (the machine has none) and
# away from the user's profile.
chrome_flags() {
	printf '%s\n' --headless --no-sandbox --disable-gpu --disable-quic \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --disable-default-apps --mute-audio \
	    "--user-data-dir=$(mktemp -d)" --virtual-time-budget=5000
}
chrome_dom() {
	# shellcheck disable=SC2046
	timeout 60 "$CHROMIUM" $(chrome_flags) --dump-dom "file://$1" 2>/dev/null
}
chrome_dom_real() {
	# shellcheck disable=SC2046
	timeout 600 "$CHROMIUM" $(chrome_flags | grep -v virtual-time) \
	    --dump-dom "file://$1" 2>/dev/null
}
harness_text() {
	sed -n '/<pre id="harness">/,/<\/pre>/p' "$1" |
	    sed -e 's/.*<pre id="harness">//' -e 's#</pre>.*##'
}
check() {
	if [ "$2" = 0 ]; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi
}
chrome_shot() {
	# shellcheck disable=SC2046
	timeout 60 "$CHROMIUM" $(chrome_flags) --hide-scrollbars \
	    --window-size="${3:-1280,1600}" --screenshot="$2" "file://$1" \
	    >/dev/null 2>&1
}
