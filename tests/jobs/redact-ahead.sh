#!/bin/sh
# jobs/redact-ahead.sh BUILD_DIR: one large text input, whose raw scan
# -j 2 runs ahead on a second thread (lib/redact/redact_ahead.c), gives
# the same bytes as -j 1 (output, messages, --stats, exit status): the
# session logs of the end-to-end cases (real captured bytes) and the
# redaction corpus, each repeated past the thread's 4 MiB; hostile text
# (NULs, broken and cut escapes, CR-only progress bars, cursor moves over
# rows, a 3 MiB line with a secret in its middle, no last newline); two
# of them with a missing file between; the same through a pipe (read,
# not mapped: no thread).
set -u
B=$(cd "${1:?usage: redact-ahead.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
fail=0
d=$scratch/in
mkdir -p "$d"

# big OUT FILE...: FILE... concatenated, again and again, past 5 MiB.
big() {
	_out=$1
	shift
	cat "$@" >"$_out.one" || exit 1
	[ -s "$_out.one" ] || { echo "FAIL jobs: ahead: no input"; exit 1; }
	: >"$_out"
	while [ "$(wc -c <"$_out")" -lt 5500000 ]; do
		cat "$_out.one" >>"$_out"
	done
	rm -f "$_out.one"
}

# The raw session logs of the end-to-end cases: a typescript first, so
# that the whole is detected as text.
logs=$(grep -L '^[{[]' "$top"/tests/e2e/sl-*/*/*.log | grep -v -e cli-binary \
    -e cli-empty | sort)
big "$d/e2e.log" "$top/tests/e2e/sl-redact/raw-typescript/"*.log $logs

PYTHONPATH=$top/tests/redact python3 - "$d" <<'EOF' || exit 1
import sys, corpus
d = sys.argv[1]
lines = corpus.render(corpus.build(corpus.SEED))
with open(d + "/corpus.one", "wb") as f:
    f.write(b"".join(raw + b"\r\n" for raw, _, _ in lines))
# Hostile text: what the raw scan and the line splitting find hard.
with open(d + "/hostile.one", "wb") as f:
    f.write(b"sh-5.2$ ls\r\n" * 6000)  # past the 64 KiB peek: text
    for i in range(3000):
        f.write(b"pass\0word=Hunter%d\0\r\n" % i)
        f.write(b"broken \x1b[12;\n\x1b]0;title %d\n\x1b" % i)
        f.write(b" %d%%\r %d%%\r export TOKEN=ghp_Zq8xV3mT7kP2wR9yL4nB6cJ1"
                b"hF5dG03uw6mU\r done\r\n" % (i, i))
        f.write(b"\x1b[1A\x1b[2Kline %d\x1b[1B\r\n\r\r\n" % i)
        f.write(b"password: sw0rdf1sh%d\r                  \r\n" % i)
    f.write(b"x" * 1500000 + b" mysql -u root -pHunter2xyz " +
            b"y" * 1500000 + b"\r\n")
    f.write(b"the last line, no newline\r\r")
EOF
big "$d/corpus.log" "$d/corpus.one"
big "$d/hostile.log" "$d/hostile.one"
rm -f "$d/corpus.one" "$d/hostile.one"

HASHKEY=a-key-for-the-tests
export HASHKEY
JOBS="1 2"
. "$top/tests/jobs/same.sh"

R=$B/sl-redact
same "ahead: e2e logs" "$R" --stats=- "$d/e2e.log"
same "ahead: corpus, hashed" "$R" --hash-key-env HASHKEY --stats=- \
    "$d/corpus.log"
same "ahead: hostile" "$R" --stats=- "$d/hostile.log"
same "ahead: missing between" "$R" "$d/corpus.log" "$d/missing.log" \
    "$d/hostile.log"
same "ahead: to a folder" "$R" -o out/ "$d/e2e.log" "$d/hostile.log"
for f in e2e corpus hostile; do
	same "ahead: $f through a pipe" sh -c \
	    'cat "$2" | "$1" "$3" "$4" --stats=- -' sh "$R" "$d/$f.log"
done
# The secrets were there to find.
if ! "$R" -j 2 "$d/hostile.log" | grep -aq 'REDACTED:cli-password'; then
	echo "FAIL jobs: ahead: hostile.log came out with no secret found"
	fail=1
fi
[ $fail -eq 0 ] &&
    echo "jobs: sl-redact the same with -j 1 and -j 2 over one large input (its scan ahead on a thread)"
