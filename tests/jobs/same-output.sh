#!/bin/sh
# jobs/same-output.sh BUILD_DIR: sl-report and sl-convert give the same
# bytes (output, messages, exit status, files) with -j 1, -j 2 and -j 3
# on a folder where the workers' own work shows: hundreds of session
# logs (bench/gen-s3dir), one session in two files, one file twice, a
# session with more commands than a worker holds at once, metadata of
# the sessions in other files, bad and skipped inputs.  Every report
# type with the options that change what a worker sends, every convert
# target.
set -u
B=$(cd "${1:?usage: same-output.sh BUILD_DIR}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM
fail=0
# Sessions without times are dated now: make now the same in every run.
SOURCE_DATE_EPOCH=1714550400
export SOURCE_DATE_EPOCH
d=$scratch/in
mkdir -p "$d/s3" "$d/copy" "$d/meta"

python3 "$top/bench/gen-s3dir" escape 300 "$d/s3" || exit 1
mixed=$top/tests/e2e/sl-report/jobs-mixed/logs
cp "$mixed"/* "$d/meta/"
# One session in two files: a second folder holds one of its logs again
# (another source of the same session, a duplicate transcript).
first=$(ls "$d/s3" | head -1)
cp "$d/s3/$first" "$d/copy/$first"
# numbered FILE N TEXT: a session log of N commands, each echoing
# "TEXT I" (I from 0 on).
numbered() {
	{
		printf 'Script started on 2024-05-01 09:00:00+00:00 [TERM="xterm"]\r\n'
		i=0
		while [ $i -lt "$2" ]; do
			printf 'sh-5.2$ echo %s %d\r\n%s %d\r\n' "$3" $i "$3" $i
			i=$((i + 1))
		done
		printf 'sh-5.2$ exit\r\nexit\r\n'
		printf '\r\nScript done on 2024-05-01 10:00:00+00:00 [COMMAND_EXIT_CODE="0"]\r\n'
	} >"$1"
}
# A session whose commands fill several of a worker's runs: 3,000
# numbered commands, a few KiB each side of 64 KiB.
big=$d/s3/zz-big-0123456789abcdef0.log
numbered "$big" 3000 "command number, with some words after it"
# A session whose records are more than a worker holds to make its
# output itself (1 MiB): it sends them as they are.
mkdir -p "$d/huge"
numbered "$d/huge/zz-huge-0123456789abcdef1.log" 12000 \
    "a line of a session too long to be held"
# A session log truncated inside an escape, and a file that is no log.
head -c 700 "$d/s3/$first" >"$d/s3/zz-cut-0fedcba987654321f.log"
printf 'not a session log\n' >"$d/s3/notes.txt"

JOBS="1 2 3"
. "$top/tests/jobs/same.sh"

R="$B/sl-report $d/s3 $d/copy $d/meta $d/s3/$first"
for t in text csv json md html; do
	same "sl-report -t $t" $R -t $t
	same "sl-report -t $t --commands" $R -t $t --commands
done
same "sl-report --group-by user" $R --group-by user --commands
same "sl-report --since --user" $R --since 2024-05-01 --user 'u01*' -t json
same "sl-report --session" $B/sl-report --session given-0000000000000000a \
    "$d/s3/$first" "$big" "$d/meta" -t json --commands
same "sl-report --save-state" $R --save-state state -o out -t json
same "sl-report --merge" $B/sl-report --merge "$d/s3" "$d/meta" -t json

C="$B/sl-convert $d/s3 $d/copy $d/meta $d/s3/$first"
for t in $("$B/sl-convert" --list-targets | cut -d' ' -f1); do
	same "sl-convert -t $t" $C -t $t
	same "sl-convert -t $t --split" $C -t $t --split -o out
done
same "sl-convert -t text --all-sessions" $C -t text --all-sessions
same "sl-convert -t text --bare" $C -t text --bare
same "sl-convert -t text, a session too long to hold" $B/sl-convert -t text \
    "$d/s3/$first" "$d/huge" "$d/s3/$first"
same "sl-convert -t csv, a session too long to hold" $B/sl-convert -t csv \
    "$d/huge" "$d/copy"
same "sl-convert -t csv --commands" $C -t csv --commands
same "sl-convert -t html --with-report" $C -t html --split -o out \
    --with-report
same "sl-convert -t text --user" $C -t text --user 'u02*'

[ $fail -eq 0 ] && echo "jobs: sl-report and sl-convert the same with -j 1, 2 and 3"
[ $fail -eq 0 ]
