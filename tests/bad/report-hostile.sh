#!/bin/sh
# report-hostile.sh BUILD: hostile input through sl-report, every output
# type.  Pass: no crash (no signal, no sanitizer report), an exit status of
# 0, 1 or 2, and for state files exactly 2 with a message naming the file.
set -u
B=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() {	# run NAME WANT(0|1|2|any) ARGS...
	name=$1 want=$2
	shift 2
	for t in text csv json md html; do
		"$B/sl-report" -t "$t" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
		rc=$?
		if [ $rc -gt 2 ] || grep -q 'Sanitizer\|runtime error' "$tmp/err"; then
			echo "  FAIL $name (-t $t): exit $rc"; head -5 "$tmp/err"; fail=1
		elif [ "$want" != any ] && [ $rc -ne "$want" ]; then
			echo "  FAIL $name (-t $t): exit $rc, want $want"; head -3 "$tmp/err"; fail=1
		fi
	done
}

# Binary noise and an empty file.
head -c 65536 /dev/urandom > "$tmp/noise.bin"
run "random bytes" 1 "$tmp/noise.bin"
: > "$tmp/empty-0000000000000000e.log"
run "empty input" 0 "$tmp/empty-0000000000000000e.log"

# Record streams: wrong types, invalid UTF-8, huge and odd values.
{
	echo '{"type":"line","session":7,"n":1,"text":"x","src":"a:1"}'
	echo '{"type":"line","session":"a-1","n":0,"text":"x","src":"a:1"}'
	printf '{"type":"line","session":"a-1","n":1,"text":"\377\376","src":"a:1"}\n'
	echo '{"type":"session","session":"a-1","start":"not a time","start_src":"cloudtrail","end":"2024-13-45T99:99:99Z","origin":"cloudtrail","src":"x"}'
	echo '{"type":"session","session":"a-1","start":"9999-12-31T23:59:59.999Z","start_src":"describe-sessions","end":"0001-01-01T00:00:00Z","end_src":"describe-sessions","origin":"describe-sessions","src":"x"}'
	echo '{"type":"line","session":"a-1","n":2,"text":"$ x","prompt":"$ ","cmd":"x","time":"garbage","src":"a:2"}'
	echo '{"type":"line","session":"a-1","n":3,"text":">> y","prompt":">> ","cmd":"y","cont":true,"src":"b:1"}'
	echo '{"type":"note","session":"a-1","code":"","text":"","count":-5,"src":""}'
	echo '{"type":"line","session":null,"n":1,"text":"$ orphan","prompt":"$ ","cmd":"orphan","src":"-:1"}'
	echo '{"type":"session","session":"","origin":"","src":""}'
	python3 -c 'import json; print(json.dumps({"type":"line","session":"big-1","n":1,"text":"$ "+"A"*3000000,"prompt":"$ ","cmd":"A"*3000000,"src":"big:1"}))'
	python3 -c 'import json; print(json.dumps({"type":"session","session":"w-1","owner":"\u202e\u0000\u001b]0;pwn\u0007"+"\U0001F600"*100,"target":"<"*1000,"origin":"cloudtrail","src":"x"}))'
	echo '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['
} > "$tmp/odd.jsonl"
run "odd records" 1 "$tmp/odd.jsonl"
run "odd records, windowed and filtered" 1 --since 2024-01-01 --until 9999-01-01 \
	--user '*[' --target '[!' --group-by day "$tmp/odd.jsonl"

# Many sessions with no lines, and one session with many tiny commands.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "{\"type\":\"session\",\"session\":\"s-%d\",\"origin\":\"cloudtrail\",\"src\":\"x\"}\n", i
	for (i = 1; i <= 20000; i++) printf "{\"type\":\"line\",\"session\":\"one-1\",\"n\":%d,\"text\":\"$ c%d\",\"prompt\":\"$ \",\"cmd\":\"c%d\",\"src\":\"y:%d\"}\n", i, i, i, i }' > "$tmp/many.jsonl"
run "many sessions and commands" 0 "$tmp/many.jsonl"

# State files: truncated, wrong shapes, deep nesting, noise.  Always 2.
"$B/sl-report" --save-state "$tmp/good.state" -o /dev/null "$tmp/odd.jsonl" 2>/dev/null
n=0
for body in \
	'{"sl_report_state":1}' \
	'{"sl_report_state":1,"inputs":{},"stats":[]}' \
	'{"sl_report_state":"1"}' \
	'{"sl_report_state":-1,"inputs":[],"stats":{}}' \
	"$(head -1 "$tmp/good.state")
{\"session\":[],\"fields\":[],\"times\":[],\"sources\":[]}" \
	"$(head -1 "$tmp/good.state")
{\"session\":\"x\",\"fields\":[{\"rank\":9}],\"times\":[],\"sources\":[]}" \
	"$(head -1 "$tmp/good.state")
{\"session\":\"x\",\"fields\":[],\"times\":[{\"end\":1,\"value\":\"x\"}],\"sources\":[]}" \
	"$(head -1 "$tmp/good.state")
{\"session\":\"x\",\"fields\":[],\"times\":[],\"sources\":[{\"key\":\"k\",\"first_path\":\"k\",\"last_path\":\"k\",\"first_n\":1,\"lines\":-3,\"timed\":0,\"first\":null,\"last\":null,\"cmds\":[],\"notes\":[]}]}" \
	"$(head -1 "$tmp/good.state")
{\"session\":\"x\",\"fields\":[],\"times\":[],\"sources\":[{\"key\":\"k\",\"first_path\":\"k\",\"last_path\":\"k\",\"first_n\":1,\"lines\":1,\"timed\":0,\"first\":null,\"last\":null,\"cmds\":[[null,7,false]],\"notes\":[]}]}" \
	"$(head -1 "$tmp/good.state")
$(printf '[%.0s' $(seq 3000))"; do
	n=$((n + 1))
	printf '%s\n' "$body" > "$tmp/bad$n.state"
	"$B/sl-report" --merge -t json "$tmp/bad$n.state" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "bad$n.state" "$tmp/err" || [ -s "$tmp/out" ]; then
		echo "  FAIL bad state $n: exit $rc, want 2 with a message and no report"
		head -3 "$tmp/err"; fail=1
	fi
done
head -c 70000 /dev/urandom | { printf '{"sl_report_state":'; cat; } > "$tmp/noise.state"
"$B/sl-report" --merge "$tmp/noise.state" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 2 ] || { echo "  FAIL noise state: exit $rc, want 2"; fail=1; }
# The good state merges back to the report of the run that wrote it.
"$B/sl-report" --merge -t json "$tmp/good.state" > "$tmp/merged" 2> "$tmp/err" ||
	{ echo "  FAIL good state did not merge"; cat "$tmp/err"; fail=1; }
"$B/sl-report" -t json "$tmp/odd.jsonl" > "$tmp/direct" 2> /dev/null
cmp -s "$tmp/merged" "$tmp/direct" ||
	{ echo "  FAIL odd records: merged state differs from one run"; fail=1; }
exit $fail
