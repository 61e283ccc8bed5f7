#!/bin/sh
# jobs/redact.sh BUILD_DIR: sl-redact gives the same bytes (output,
# messages, --stats, summary, exit status, files) with -j 1, -j 2 and
# -j 4 on inputs where its workers' work shows: a folder of logs full of
# secrets (the redaction corpus of tests/redact, cut into pieces), a
# stream of events and a record stream where a password and its prompt
# are in different records, a payload in transit, a compressed file and
# an empty one among them, binary and missing inputs, a tar.gz of it
# all, and two inputs that want the same output name; to standard
# output, an output folder, an archive, /dev/full.
set -u
B=$(cd "${1:?usage: redact.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
fail=0
d=$scratch/in
mkdir -p "$d/logs/sub"

# The corpus as a raw log and as one session's streamed events, one
# line per event: a prompt and the password typed after it are apart.
PYTHONPATH=$top/tests/redact python3 - "$d" <<'EOF' || exit 1
import json, sys, corpus
d = sys.argv[1]
lines = corpus.render(corpus.build(corpus.SEED))
with open(d + "/corpus.log", "wb") as f:
    f.write(b"".join(raw + b"\n" for raw, _, _ in lines))
with open(d + "/logs/sub/events-0123456789abcdef0.jsonl", "w") as f:
    for raw, _, _ in lines[:1500]:
        ev = {"eventVersion": "1.0", "sessionId": "jobs-0123456789abcdef0",
              "sessionData": [raw.decode("utf-8", "surrogateescape")]}
        f.write(json.dumps(ev).replace("\\udc", "\\u00") + "\n")
EOF
# Small pieces, so that a worker has many inputs, with secrets in most.
(cd "$d/logs" && split -l 150 -a 2 --additional-suffix=.log \
    "$d/corpus.log" part-) || exit 1
"$B/sl-parse" "$d/logs/sub/events-0123456789abcdef0.jsonl" \
    >"$d/logs/sub/records.jsonl" 2>/dev/null
cp "$top/tests/e2e/sl-redact/records-interleaved-sessions/filter-log-events.json" \
    "$d/logs/sub/"
printf '{"messageType":"DATA_MESSAGE","logStream":"alice-0a1b2c3d4e5f67890","logEvents":[{"id":"1","timestamp":1714564805312,"message":"{\\"sessionData\\":[\\"sh-5.2$ curl -u admin:Adm1nPass https://api.example.com\\"]}"}]}' |
    gzip -n | base64 -w0 >"$d/logs/sub/payload.b64"
gzip -nc "$d/logs/part-ab.log" >"$d/logs/packed.log.gz"
: >"$d/logs/empty.log"
printf '\000\001\002\003binary\000\377\376' >"$d/logs/zz-binary.dat"
tar -C "$d" -czf "$d/logs.tar.gz" logs

HASHKEY=a-key-for-the-tests
export HASHKEY

JOBS="1 2 4"
. "$top/tests/jobs/same.sh"

R=$B/sl-redact
L=$d/logs
same "redact: folder, stats" "$R" --stats=- "$L"
same "redact: tar.gz, hashed" "$R" --hash-key-env HASHKEY --stats=- \
    "$d/logs.tar.gz"
same "redact: names, missing between" "$R" "$L/part-aa.log" "$d/missing.log" \
    "$L/sub/payload.b64" "$L/zz-binary.dat" "$L/part-ac.log"
same "redact: folder to a folder, a name twice" "$R" --stats=out-stats \
    -o out/ "$L" "$L/part-ad.log" "$d/./logs/part-ad.log"
same "redact: tar.gz to an archive" "$R" -o out.tar "$d/logs.tar.gz" \
    "$L/part-ae.log"
same "redact: records, selected" "$R" --since 2000-01-01 "$L/sub"
same "redact: one file, many logs" "$R" -o out.log "$d/logs.tar.gz"
# Standard output full: the same message and status 2.
for j in 1 2 4; do
	(cd "$d" && "$R" -j $j logs >/dev/full 2>"$scratch/full$j"
	    echo "status $?" >>"$scratch/full$j")
done
if ! grep -q "status 2" "$scratch/full1" ||
    ! cmp -s "$scratch/full1" "$scratch/full2" ||
    ! cmp -s "$scratch/full1" "$scratch/full4"; then
	echo "FAIL jobs: redact to /dev/full:"
	cat "$scratch/full1" "$scratch/full2" | head -6
	fail=1
fi
# The counts say the secrets were there to find.
if ! "$R" -j 2 --stats=- -q "$d/logs" 2>&1 >/dev/null |
    awk '$1 == "total" && $2 > 1000 { ok = 1 } END { exit !ok }'; then
	echo "FAIL jobs: redact: the folder gave too few secrets"
	fail=1
fi
[ $fail -eq 0 ] && echo "jobs: sl-redact the same with -j 1, 2 and 4"
exit $fail
