#!/bin/sh
# convert-html.sh BUILD CHROMIUM OUTDIR: the page of sl-convert -t html in
# headless Chromium.  A log with colours, commands and hostile lines
# (<script>, "><img onerror>, </style>, <svg onload>) is converted; the
# DOM must hold the table of contents linked to the command lines, the
# command lines marked, the colours, and the hostile lines as text, and
# no injected script may have run.  The escaping is tested without the
# page's Content-Security-Policy (a copy has it removed) so that only
# the escaping stands between the log and the browser.
set -u
B=${1:?usage: convert-html.sh BUILD CHROMIUM OUTDIR}
CHROMIUM=${2:?}
OUT=${3:?}
. "$(dirname "$0")/lib.sh"
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT INT TERM
fail=0
bad() { echo "convert-html: $*"; fail=1; }

# A Linux session log: bash prompts with colour, ls colours, and output
# that tries to become markup.
log=$t/eve-0a1b2c3d4e5f67890.log
{
	printf 'Script started on 2024-05-01 12:30:00+00:00 [COMMAND="cat /var/lib/amazon/ssm/i-0abc123def4567890/session/orchestration/eve-0a1b2c3d4e5f67890/Standard_Stream/ipcTempFile.log" <not executed on terminal>]\n'
	p='\033]0;eve@web-1:~\007\033[?2004h\033[01;32meve@web-1\033[00m:\033[01;34m~\033[00m$ '
	printf "$p"'ls --color\r\r\n\033[?2004l\r'
	printf '\033[01;34mdir\033[0m  \033[38;5;208morange.txt\033[0m  \033[7mreversed\033[0m  \033[1;31mred\033[0m\r\r\n'
	printf "$p"'cat notes.html\r\r\n\033[?2004l\r'
	printf '<script>window.__pwned=1;document.title="PWNED"</script>\r\r\n'
	printf '"><img src=x onerror="window.__pwned=2">\r\r\n'
	printf '</style><style>body{display:none}</style>\r\r\n'
	printf '<svg onload="window.__pwned=3"></svg> & &amp; &lt;\r\r\n'
	printf "$p"'echo "<b>bold?</b>"\r\r\n\033[?2004l\r<b>bold?</b>\r\r\n'
	printf "$p"'exit\r\r\n\033[?2004l\rexit\r\r\n'
	printf '\nScript done on 2024-05-01 12:30:00+00:00 [COMMAND_EXIT_CODE="0"]\n'
} > "$log"

"$B/sl-convert" -t html -o "$t/page.html" "$log" || bad "sl-convert: status $?"

# 1. The page as written, CSP and all.
chrome_dom "$t/page.html" > "$t/dom1" || bad "chromium failed on the page"
ncmd=$(grep -o '<div class="l cmd"' "$t/dom1" | wc -l)
[ "$ncmd" = 4 ] || bad "marked command lines: $ncmd, want 4"
for n in $(grep -o 'href="#s1-[0-9]*"' "$t/dom1" | sed 's/.*#\(s1-[0-9]*\)"/\1/'); do
	grep -q "<div class=\"l cmd\" id=\"$n\"" "$t/dom1" ||
	    bad "table of contents links #$n, not a command line"
done
[ "$(grep -c 'href="#s1-' "$t/dom1")" = 4 ] || bad "want 4 contents links"
grep -q '<span class="f4 b">dir</span>' "$t/dom1" || bad "no blue bold dir"
grep -q 'style="color:#ff8700"' "$t/dom1" || bad "no 256-colour orange"
grep -q '&lt;script&gt;window.__pwned=1' "$t/dom1" ||
    bad "the <script> line is not shown as text"
grep -qi '<img\|<svg\|<script\|<b>bold' "$t/dom1" && bad "markup from the log in the DOM"
grep -q '<title>Session eve-0a1b2c3d4e5f67890</title>' "$t/dom1" ||
    bad "title changed: $(grep -o '<title>[^<]*' "$t/dom1")"

# 2. Without the CSP, with a harness that reports what the browser sees.
sed '/Content-Security-Policy/d' "$t/page.html" > "$t/bare.html"
grep -q 'Content-Security-Policy' "$t/bare.html" && bad "CSP still there"
cat > "$t/harness.js" <<'JS'
<script>
(function () {
	var r = {}, links = document.querySelectorAll("nav.toc a"), i, ok = 0;
	r.scripts = document.getElementsByTagName("script").length;
	r.imgs = document.getElementsByTagName("img").length;
	r.svgs = document.getElementsByTagName("svg").length;
	r.bolds = document.querySelectorAll(".log b").length;
	r.title = document.title;
	r.pwned = window.__pwned === undefined ? 0 : window.__pwned;
	r.links = links.length;
	for (i = 0; i < links.length; i++) {
		var el = document.getElementById(links[i].hash.slice(1));
		if (el && el.classList.contains("cmd") &&
		    el.querySelector(".c").textContent ===
		    links[i].lastChild.textContent)
			ok++;
	}
	r.links_ok = ok;
	r.cmds = document.querySelectorAll(".l.cmd").length;
	r.red = getComputedStyle(document.querySelector(".log .f1")).color;
	r.hostile = Array.prototype.filter.call(document.querySelectorAll(".l"),
	    function (e) { return e.textContent.indexOf("<script>window") === 0 ||
	    e.textContent.indexOf("\"><img") === 0 ||
	    e.textContent.indexOf("</style><style>") === 0 ||
	    e.textContent.indexOf("<svg onload") === 0; }).length;
	r.shown = getComputedStyle(document.body).display;
	var pre = document.createElement("pre");
	pre.id = "harness";
	pre.textContent = JSON.stringify(r);
	document.body.appendChild(pre);
})();
</script>
JS
sed -e "/<\/body>/{r $t/harness.js" -e 'N}' "$t/bare.html" > "$t/probe.html"
chrome_dom "$t/probe.html" > "$t/dom2" || bad "chromium failed on the probe"
sed -n 's/.*<pre id="harness">\(.*\)<\/pre>.*/\1/p' "$t/dom2" |
    sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g' > "$t/result.json"
[ -s "$t/result.json" ] || bad "the harness did not run"
jq -e '.scripts == 1 and .imgs == 0 and .svgs == 0 and .bolds == 0 and
    .pwned == 0 and .title == "Session eve-0a1b2c3d4e5f67890" and
    .links == 4 and .links_ok == 4 and .cmds == 4 and
    .red == "rgb(204, 0, 0)" and .hostile == 4 and .shown == "block"' \
    "$t/result.json" > /dev/null || bad "the browser saw: $(cat "$t/result.json")"

# 3. A picture for people.
mkdir -p "$OUT"
chrome_shot "$t/page.html" "$OUT/convert-html.png" 1280,900 ||
    bad "no screenshot"
[ -s "$OUT/convert-html.png" ] || bad "empty screenshot"
exit $fail
