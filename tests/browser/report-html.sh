#!/bin/sh
# report-html.sh BUILD CHROMIUM OUTDIR: sl-report -t html in headless
# Chromium.  The page is rendered as written (with its CSP) for a
# screenshot and a DOM check; then a copy without the CSP, with a small
# harness script appended, types in the filter, clicks headers and writes
# what it saw into the DOM.  Without the CSP, only escaping stands
# between the XSS payloads in the logs and the page: the globals they
# would set must stay undefined.
set -u
B=$1 CHROMIUM=$2 OUT=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {	# check NAME COND-RESULT(0/1)
	if [ "$2" = 0 ]; then echo "  ok   $1"; else echo "  FAIL $1"; fail=1; fi
}

# ------------------------------------------------------------- the data
# 40 sessions over two weeks, five users, four targets, a few
# port-forwarding sessions, and one session full of XSS payloads.
awk 'BEGIN {
	split("alice bob carol dave erin", u, " ")
	split("i-0a1b2c3d4e5f60001 i-0a1b2c3d4e5f60002 i-0a1b2c3d4e5f60003 mi-0123456789abcdef0", t, " ")
	split("uptime|df -h /|sudo systemctl status nginx|tail -n 50 /var/log/nginx/error.log|ls -la /srv/app|git -C /srv/app log --oneline -5|sudo journalctl -u app --since \"1 hour ago\"|free -m|top -b -n 1 | head -20|exit", c, "|")
	for (i = 1; i <= 40; i++) {
		k = (i * 7) % 5 + 1; tg = t[(i * 3) % 4 + 1]
		day = 1 + int((i * 13) % 14); h = 6 + (i * 5) % 14; m = (i * 17) % 60
		id = sprintf("%s-0%016x", u[k], i * 2654435761 % 4294967296)
		st = sprintf("2024-05-%02dT%02d:%02d:00.000Z", day, h, m)
		dur = (i * 37) % 120 + 1
		eh = h + int((m + dur) / 60); em = (m + dur) % 60
		en = sprintf("2024-05-%02dT%02d:%02d:00.000Z", day, eh, em)
		pf = (i % 9 == 0)
		printf "{\"type\":\"session\",\"session\":\"%s\",\"principal\":\"%s\",\"owner\":\"arn:aws:iam::111122223333:user/%s\",\"target\":\"%s\",\"kind\":\"%s\",\"start\":\"%s\",\"start_src\":\"cloudtrail\",\"end\":\"%s\",\"end_src\":\"describe-sessions\",\"origin\":\"describe-sessions\",\"src\":\"ds.json#%d\"}\n", id, u[k], u[k], tg, pf ? "port-forwarding" : "shell", st, en, i
		if (pf) continue
		n = 0
		for (j = 1; j <= 1 + (i * 3) % 9; j++) {
			cmd = c[(i + j) % 10 + 1]
			gsub(/"/, "\\\"", cmd)
			printf "{\"type\":\"line\",\"session\":\"%s\",\"n\":%d,\"text\":\"$ %s\",\"prompt\":\"$ \",\"cmd\":\"%s\",\"time\":\"2024-05-%02dT%02d:%02d:%02d.000Z\",\"src\":\"export/%s/000000.gz:%d\"}\n", id, ++n, cmd, cmd, day, h, m, j, id, n
			printf "{\"type\":\"line\",\"session\":\"%s\",\"n\":%d,\"text\":\"output of %d\",\"time\":\"2024-05-%02dT%02d:%02d:%02d.500Z\",\"src\":\"export/%s/000000.gz:%d\"}\n", id, ++n, j, day, h, m, j, id, n
		}
		if (i % 11 == 0)
			printf "{\"type\":\"note\",\"session\":\"%s\",\"code\":\"truncated\",\"text\":\"no \\\"Script done\\\" trailer: the log stops early\",\"src\":\"export/%s/000000.gz:%d\"}\n", id, id, n
	}
}' > "$tmp/records.jsonl"
cat >> "$tmp/records.jsonl" <<'EOF'
{"type":"session","session":"mallory-0deadbeefdeadbeef0","principal":"mallory","owner":"arn:aws:iam::111122223333:user/\"><script>window.__xss5=1</script>","target":"</svg><img src=x onerror=window.__xss4=1>","kind":"shell","start":"2024-05-09T13:13:00.000Z","start_src":"cloudtrail","origin":"cloudtrail","src":"ct.json#1"}
{"type":"line","session":"mallory-0deadbeefdeadbeef0","n":1,"text":"$ echo <script>window.__xss1=1</script>","prompt":"$ ","cmd":"echo <script>window.__xss1=1</script>","src":"x.log:2"}
{"type":"line","session":"mallory-0deadbeefdeadbeef0","n":2,"text":"$ \"><img src=x onerror=\"window.__xss2=1\">","prompt":"$ ","cmd":"\"><img src=x onerror=\"window.__xss2=1\">","src":"x.log:3"}
{"type":"line","session":"mallory-0deadbeefdeadbeef0","n":3,"text":"$ </svg><script>window.__xss3=1</script><!--","prompt":"$ ","cmd":"</svg><script>window.__xss3=1</script><!--","src":"x.log:4"}
{"type":"note","session":"mallory-0deadbeefdeadbeef0","code":"rejected","text":"</title><img src=x onerror=window.__xss6=1>","src":"x.log:5"}
EOF
nsess=41

"$B/sl-report" -t html -o "$tmp/report.html" "$tmp/records.jsonl" ||
	{ echo "  FAIL sl-report -t html exited $?"; exit 1; }
echo "report-html: $(wc -c < "$tmp/report.html") bytes"

# ------------------------------------------------- the page as written
chrome_shot "$tmp/report.html" "$OUT/report-html.png" 1280,2000
check "screenshot saved ($OUT/report-html.png)" "$([ -s "$OUT/report-html.png" ]; echo $?)"
chrome_dom "$tmp/report.html" > "$tmp/dom.html"
check "page renders" "$(grep -q '<table id="sessions"' "$tmp/dom.html"; echo $?)"
check "only the page's own script element" \
	"$([ "$(grep -o '<script' "$tmp/dom.html" | wc -l)" -eq 1 ]; echo $?)"
check "no injected img element" "$(! grep -q '<img' "$tmp/dom.html"; echo $?)"
check "payloads shown as text" \
	"$(grep -q '&lt;script&gt;window.__xss1=1&lt;/script&gt;' "$tmp/dom.html"; echo $?)"
check "the page's script ran under its CSP (count filled in)" \
	"$(grep -q "<span id=\"shown\">$nsess of $nsess sessions</span>" "$tmp/dom.html"; echo $?)"
check "no network references" \
	"$(! grep -Eqi '(src|href)="?(https?:)?//' "$tmp/report.html"; echo $?)"

# -------------------------------------------- a copy with a harness script
sed -e '/Content-Security-Policy/d' -e 's#</body>#<script>\
(function(){\
var o=[],t=document.getElementById("sessions"),f=document.getElementById("filter");\
function vis(){return [].filter.call(t.tBodies,function(b){return !b.hidden;}).length;}\
function col(i){return [].map.call(t.tBodies,function(b){return b.rows[0].cells[i];});}\
o.push("rows="+t.tBodies.length);\
o.push("bars-days="+document.querySelectorAll("\#chart-days rect").length);\
o.push("bars-users="+document.querySelectorAll("\#chart-users rect").length);\
o.push("bars-targets="+document.querySelectorAll("\#chart-targets rect").length);\
o.push("bars-durations="+document.querySelectorAll("\#chart-durations rect").length);\
f.value="carol";f.dispatchEvent(new Event("input"));\
o.push("filter-carol="+vis());o.push("shown="+document.getElementById("shown").textContent);\
f.value="journalctl 111122223333:user/bob";f.dispatchEvent(new Event("input"));\
o.push("filter-two-words="+vis());\
f.value="no-such-thing";f.dispatchEvent(new Event("input"));o.push("filter-none="+vis());\
f.value="";f.dispatchEvent(new Event("input"));o.push("filter-cleared="+vis());\
var th=t.tHead.rows[0].cells[6];th.click();th.click();\
var c=col(6).map(function(x){return +x.textContent;}),ok=1;\
for(var i=1;i<c.length;i++)if(c[i]>c[i-1])ok=0;\
o.push("sort-cmds-desc="+ok+" "+th.getAttribute("aria-sort"));\
var d=t.tHead.rows[0].cells[2];d.click();\
c=col(2).map(function(x){return +x.getAttribute("data-v");});ok=1;\
for(i=1;i<c.length;i++)if(c[i]<c[i-1])ok=0;o.push("sort-duration-asc="+ok);\
var s=t.tHead.rows[0].cells[0];s.click();\
c=col(0).map(function(x){return x.getAttribute("data-v");});ok=1;\
for(i=1;i<c.length;i++)if(c[i]<c[i-1])ok=0;o.push("sort-start-asc="+ok);\
for(i=1;i<=6;i++)o.push("xss"+i+"="+typeof window["__xss"+i]);\
var p=document.createElement("pre");p.id="harness";p.textContent=o.join("\\n");document.body.appendChild(p);\
})();\
</script></body>#' "$tmp/report.html" > "$tmp/harness.html"
chrome_dom "$tmp/harness.html" > "$tmp/hdom.html"
sed -n '/<pre id="harness">/,/<\/pre>/p' "$tmp/hdom.html" |
	sed -e 's/.*<pre id="harness">//' -e 's#</pre>.*##' > "$tmp/h.txt"
sed 's/^/  harness: /' "$tmp/h.txt"
has() { grep -qx "$1" "$tmp/h.txt"; echo $?; }
check "all session rows" "$(has "rows=$nsess")"
check "sessions-per-day chart has bars" "$(grep -Eq '^bars-days=[1-9][0-9]*$' "$tmp/h.txt"; echo $?)"
check "top-users chart has bars" "$(grep -Eq '^bars-users=[1-9][0-9]*$' "$tmp/h.txt"; echo $?)"
check "top-targets chart has bars" "$(grep -Eq '^bars-targets=[1-9][0-9]*$' "$tmp/h.txt"; echo $?)"
check "durations chart has bars" "$(grep -Eq '^bars-durations=[1-9][0-9]*$' "$tmp/h.txt"; echo $?)"
want=$(grep -c '"type":"session","session":"carol-' "$tmp/records.jsonl")
check "filter 'carol' shows carol's $want sessions" "$(has "filter-carol=$want")"
check "filter count text" "$(has "shown=$want of $nsess sessions")"
check "filter with two words (command and owner) narrows" \
	"$(grep -Eq '^filter-two-words=[1-9][0-9]*$' "$tmp/h.txt"; echo $?)"
check "filter with no match hides all" "$(has "filter-none=0")"
check "clearing the filter shows all" "$(has "filter-cleared=$nsess")"
check "click Cmds twice: descending" "$(has "sort-cmds-desc=1 descending")"
check "click Duration: ascending by value" "$(has "sort-duration-asc=1")"
check "click Start: ascending" "$(has "sort-start-asc=1")"
for i in 1 2 3 4 5 6; do
	check "XSS payload $i did not run" "$(has "xss$i=undefined")"
done
exit $fail
