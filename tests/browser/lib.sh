# lib.sh: helpers for browser tests (sourced).
#
# chrome_dom FILE: print the DOM of FILE after its scripts ran.
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
chrome_shot() {
	# shellcheck disable=SC2046
	timeout 60 "$CHROMIUM" $(chrome_flags) --hide-scrollbars \
	    --window-size="${3:-1280,1600}" --screenshot="$2" "file://$1" \
	    >/dev/null 2>&1
}
