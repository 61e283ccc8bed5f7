#!/bin/sh
# report-hostile-audit.sh BUILD: what the auditor's report shows from
# CloudTrail parameters, names and commands, made hostile: markup, a
# spreadsheet formula, terminal escapes and a huge value in remote_host,
# port_number and the owner ARN; a session id that is a path.  The
# timeline, the destinations and the page links must be escaped in every
# format, a bundle must keep every file inside it, and a CloudTrail file
# cut short is named with its position while the rest is still read.
. "$(dirname "$0")/lib.sh"

long=$(head -c 100000 /dev/zero | tr '\0' 'h')
cat > trail.json <<EOF
{"Records":[
{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/AWSReservedSSO_X_0123456789abcdef/<img src=x onerror=alert(1)>\u001b[2J"},"eventTime":"2024-06-03T09:00:00Z","eventSource":"ssm.amazonaws.com","eventName":"StartSession","awsRegion":"eu-west-1","requestParameters":{"target":"i-0abc","documentName":"AWS-StartPortForwardingSessionToRemoteHost","parameters":{"host":["=HYPERLINK(\"http://x\")<script>alert(2)</script>\u001b]0;pwn\u0007"],"portNumber":["@SUM(1)"],"localPortNumber":["$long"]}},"responseElements":{"sessionId":"../../etc/passwd-0a1b2c3d4e5f60001"},"recipientAccountId":"1"},
{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/Ops/ok"},"eventTime":"2024-06-04T09:00:00Z","eventSource":"ssm.amazonaws.com","eventName":"StartSession","awsRegion":"eu-west-1","requestParameters":{"target":"i-0def","documentName":"AWS-StartSSHSession","parameters":{"portNumber":["22"]}},"responseElements":{"sessionId":"ok-0a1b2c3d4e5f60002"},"recipientAccountId":"1"}
]}
EOF
printf '%s\n' '{"type":"line","session":"../../etc/passwd-0a1b2c3d4e5f60001","n":1,"time":"2024-06-03T09:00:01.000Z","text":"$ <script>alert(3)</script>","prompt":"$ ","cmd":"<script>alert(3)</script>","src":"l:1"}' \
    '{"type":"line","session":"../../etc/passwd-0a1b2c3d4e5f60001","n":2,"time":"2024-06-03T09:00:02.000Z","text":"$ =1+1","prompt":"$ ","cmd":"=1+1","src":"l:2"}' > lines.jsonl

for t in text md csv json; do
	run sl-report -t "$t" --commands trail.json lines.jsonl
	want_rc 0
	cp out "report.$t"
done
run sl-report -t html --commands --pages 'p/"><x ' trail.json lines.jsonl
want_rc 0
cp out report.html
# HTML: no markup from the log or the option, anywhere.
grep -q '<script>alert\|<img\|<x \|"><x' report.html && fail "html: markup from the log"
grep -q '&lt;img src=x onerror=alert(1)&gt;' report.html || fail "html: owner not shown as text"
grep -Eq 'href="p/&quot;&gt;&lt;x [_.]*etc_passwd-0a1b2c3d4e5f60001-[0-9a-f]{8}\.html"' report.html ||
	fail "html: the page link is not the safe name, escaped"
# CSV: formulas defused in the timeline and the destinations.
grep -q "\"'=1+1\"" report.csv || fail "csv: command formula not defused"
run sl-report -t csv trail.json lines.jsonl
want_rc 0
grep -q "\"'=HYPERLINK" out || fail "csv: remote_host formula not defused"
grep -q "\"'@SUM(1)\"" out || fail "csv: port_number formula not defused"
# Text: no escape character reaches the terminal.
grep -q "$(printf '\033')" report.text && fail "text: an escape sequence got through"
# JSON: valid, with the whole values.
jq -e '.sessions[0].local_port_number | length == 100000' report.json >/dev/null ||
	fail "json: local_port_number not whole"
jq -e '[.commands[].cmd] == ["<script>alert(3)</script>", "=1+1"]' report.json >/dev/null ||
	fail "json: the timeline is not the two commands"

# A bundle keeps every file inside it, whatever the ids.
run sl-convert -t html --with-report -o b.tar.gz trail.json lines.jsonl
want_rc 0
tar tzf b.tar.gz > members || fail "bundle: not a tar.gz"
grep -q '/' members && fail "bundle: a member outside the top folder: $(grep / members)"
grep -qx report.html members || fail "bundle: no report.html"

# CloudTrail cut short: the error names the file; the good file still counts.
head -c 700 trail.json > cut.json
run sl-report -t json --commands cut.json lines.jsonl
want_rc 1
want_err cut.json
jq -e '.general.sessions >= 1 and (.commands | length) == 2' out >/dev/null ||
	fail "cut input: the rest was not read ($(head -c 200 out))"
# A state file keeps a cancelled command (flags 1); other flags are
# corruption: the merge stops with the file and line, status 2.
printf '%s\n' '{"type":"line","session":"c-1","n":1,"text":"$ rm -r /","prompt":"$ ","cmd":"rm -r /","cancelled":true,"src":"c:1"}' > c.jsonl
run sl-report --save-state c.state -o /dev/null c.jsonl
want_rc 0
grep -q '"rm -r /",false,1\]' c.state || fail "state: the cancelled flag is not kept"
run sl-report --merge -t json --commands c.state
want_rc 0
jq -e '.commands[0].flags == ["cancelled"] and .sessions[0].commands == 0' out >/dev/null ||
	fail "state: the merged timeline lost the flag"
sed 's/"rm -r \/",false,1\]/"rm -r \/",false,7]/' c.state > bad.state
run sl-report --merge -t json bad.state
want_rc 2
want_err "bad.state:"
exit $failed
