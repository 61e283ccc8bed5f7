#!/bin/sh
# convert-big.sh BUILD CHROMIUM OUTDIR: the page of a 40 MB session (a
# `cat` of a big file, recorded by util-linux script(1)) must paint
# within 2 s in headless Chromium, every line still in the page: the
# lines come in blocks the browser lays out only when they come into
# view.  SL_BROWSER_SLACK=N allows N times as long (a slow or busy
# machine).
set -u
B=$1 CHROMIUM=$2 OUT=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
limit=$((2000 * ${SL_BROWSER_SLACK:-1}))
if ! command -v script >/dev/null 2>&1; then
	echo "convert-big: skipped: no script(1) (util-linux)"
	exit 0
fi

# 40 MB of text, then a shell session that cats it, as a terminal saw it.
awk 'BEGIN { for (i = 0; i < 610000; i++)
	printf "%08d %s the quick brown fox jumps over the lazy dog %06x\n",
	    i, i % 7 ? "INFO" : "WARN", i * 2654435761 % 16777216 }' > "$tmp/big.txt"
log=$tmp/big-0b1c2d3e4f5a6b7c8.log
(cd "$tmp" && script -q -c "printf 'sh-5.2\$ cat big.txt\r\n'; cat big.txt; printf 'sh-5.2\$ exit\r\n'" "$log" >/dev/null)
"$B/sl-convert" -t html -o "$tmp/page.html" "$log" ||
	{ echo "  FAIL sl-convert -t html exited $?"; exit 1; }
echo "convert-big: log $(wc -c < "$log") bytes, page $(wc -c < "$tmp/page.html") bytes"
lines=$(grep -c '^<div class="l[ "]' "$tmp/page.html")

# A copy without the CSP: a script at the top notes the first paint; at
# load it counts the lines and blocks the browser holds, then empties the
# page so that the DOM dump stays small.
sed -e '/Content-Security-Policy/d' -e '0,/<head>/s##<head><script>\
var fcp=-1;new PerformanceObserver(function(l){l.getEntries().forEach(function(e){if(e.name==="first-contentful-paint")fcp=Math.round(e.startTime);});}).observe({type:"paint",buffered:true});\
addEventListener("load",function(){var o=["fcp="+fcp,"load="+Math.round(performance.now()),"lines="+document.querySelectorAll(".l").length,"blocks="+document.querySelectorAll(".pg").length,"last="+document.querySelector(".pg:last-child .l:last-child").getAttribute("data-n")];document.body.innerHTML="<pre id=harness></pre>";document.getElementById("harness").textContent=o.join("\\n");});\
</script>#' "$tmp/page.html" > "$tmp/probe.html"
chrome_dom_real "$tmp/probe.html" > "$tmp/dom"
harness_text "$tmp/dom" > "$tmp/h.txt"
sed 's/^/  harness: /' "$tmp/h.txt"
val() { sed -n "s/^$1=//p" "$tmp/h.txt"; }
fcp=$(val fcp)
check "first paint within $limit ms" \
	"$([ -n "$fcp" ] && [ "$fcp" -ge 0 ] && [ "$fcp" -le "$limit" ]; echo $?)"
check "every line in the page ($lines)" "$([ "$(val lines)" = "$lines" ]; echo $?)"
check "lines in blocks of 200" \
	"$([ "$(val blocks)" = $(( (lines + 199) / 200 )) ]; echo $?)"
check "the last line is in the last block" "$([ "$(val last)" = "$lines" ]; echo $?)"
mkdir -p "$OUT"
echo "fcp=$fcp ms load=$(val load) ms page=$(wc -c < "$tmp/page.html") bytes" \
    > "$OUT/convert-big.timing"
exit $fail
