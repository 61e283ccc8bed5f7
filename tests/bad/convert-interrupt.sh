#!/bin/sh
# convert-interrupt.sh BUILD: sl-convert killed by SIGTERM or SIGINT in
# the middle of its input leaves nothing behind: no output file, no
# temporary file beside it, no spool files.
set -u
B=$(cd "${1:?usage: convert-interrupt.sh BUILD}" && pwd)
t=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; rm -rf "$t"' EXIT INT TERM
export TMPDIR="$t/tmp" LC_ALL=C
mkdir "$t/tmp" "$t/out"
fail=0
bad() { echo "convert-interrupt: $*"; fail=1; }

line='{"type":"line","session":"a-0123456789abcdef0","n":1,"text":"$ id","prompt":"$ ","cmd":"id","src":"x:1"}'

# run SIGNAL ARGS...: start a conversion reading a FIFO, feed it some
# records, wait until it has made its files, then signal it.
run() {
	sig=$1
	shift
	rm -f "$t/fifo"
	mkfifo "$t/fifo"
	"$B/sl-convert" "$@" < "$t/fifo" 2> "$t/stderr" &
	pid=$!
	exec 3> "$t/fifo"
	i=0
	while [ $i -lt 2000 ]; do
		echo "$line" >&3
		i=$((i + 1))
	done
	# Wait (up to 10 s) for the temporary output or the spool to appear.
	i=0
	while [ $i -lt 100 ] && [ -z "$(ls -A "$t/out" "$t/tmp")" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$(ls -A "$t/out" "$t/tmp")" ] || bad "$*: no file appeared"
	kill -s "$sig" $pid
	{ wait $pid; } 2>/dev/null
	rc=$?
	exec 3>&-
	[ $rc -gt 128 ] || bad "$*: status $rc after SIG$sig"
	[ -z "$(ls -A "$t/out")" ] || bad "$* SIG$sig: left $(ls -A "$t/out")"
	[ -z "$(ls -A "$t/tmp")" ] || bad "$* SIG$sig: spool left $(ls -A "$t/tmp")"
}

run TERM -t records -o "$t/out/r.jsonl"
run INT -t html -o "$t/out/p.html"
run TERM -t typescript --split -o "$t/out/split"
run TERM -t csv -o "$t/out/c.zip"
exit $fail
