# lib.sh: helpers for the hostile-input tests (sourced by tests/bad/*.sh).
# Each test runs in its own scratch folder $T, removed at exit.
set -u
B=$1
here=$(cd "$(dirname "$0")" && pwd)	# tests/bad, before the cd below
T=$(mktemp -d)
# BAD_KEEP=1 keeps the scratch folder (with each tool's out and err).
if [ "${BAD_KEEP:-0}" = 1 ]; then
	trap 'echo "  $name: kept $T"' EXIT
else
	trap 'rm -rf "$T"' EXIT INT TERM
fi
cd "$T" || exit 1
PATH=$B:$PATH
export LC_ALL=C TZ=UTC
name=$(basename "$0" .sh)
failed=0

fail() {
	echo "  $name: $*"
	failed=1
}

# run CMD...: run, keeping stdout in out, stderr in err, status in $rc.
run() {
	"$@" >out 2>err
	rc=$?
}

want_rc() {
	[ "$rc" = "$1" ] || fail "exit status $rc, want $1 ($(head -c 300 err))"
}

# want_err TEXT: stderr holds TEXT (a fixed string).
want_err() {
	grep -qF -- "$1" err || fail "stderr lacks '$1': $(head -c 300 err)"
}

# want_out_jq FILTER: jq -e FILTER over the record stream holds.
want_out_jq() {
	jq -se "$1" out >/dev/null 2>&1 || fail "output fails jq '$1'"
}

no_crash() {
	[ "$rc" -lt 128 ] || fail "${tool:-}: killed by signal $((rc - 128))"
	grep -aq "AddressSanitizer\|runtime error\|LeakSanitizer" err &&
	    fail "${tool:-}: sanitizer report: $(grep -a -m1 -A3 'Sanitizer\|runtime error' err)"
	# valgrind (bad/run VALGRIND=1) exits 99 after an error or a leak
	[ "$rc" != 99 ] || fail "${tool:-}: valgrind report: $(grep -a -m1 -A12 '^==[0-9]*==' err)"
	return 0
}

finish() {
	exit $failed
}

# ------------------------------------------------- every tool at once
#
# Hostile input goes through every tool, each with options that make its
# output name every session it read (sl-report as JSON, sl-convert as
# text), so that a test can check that the good inputs around a bad one
# got through.
TOOLS="sl-parse sl-redact sl-report sl-convert"

tool_args() {
	case $1 in
	sl-report) echo "-t json" ;;
	sl-convert) echo "-t text" ;;
	esac
}

# good_log ID: ID.log, a small good typescript of session ID that names
# ID in its text too (sl-redact's output is the text).
good_log() {
	printf 'Script started on 2024-06-01 10:00:00+00:00\n$ echo %s\r\r\n%s\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' \
	    "$1" "$1" >"$1.log"
}

# each_tool CHECK ARGS...: for every tool, run it on ARGS ($tool,
# out, err and $rc are set), check it did not crash, then run CHECK.
each_tool() {
	check=$1
	shift
	for tool in $TOOLS; do
		# shellcheck disable=SC2046
		run "$tool" $(tool_args "$tool") "$@"
		[ "${BAD_KEEP:-0}" = 1 ] && cp out "out.$tool" && cp err "err.$tool"
		no_crash
		$check
	done
}

# want_out_has TEXT: standard output holds TEXT (a fixed string).
want_out_has() {
	grep -aqF -- "$1" out || fail "$tool: stdout lacks '$1'"
}

# want_msg TEXT: stderr holds "TOOL: TEXT" (TEXT: the file, position...).
want_msg() {
	grep -aqF -- "$tool: $1" err ||
	    fail "$tool: stderr lacks '$tool: $1': $(head -c 300 err)"
}

want_tool_rc() {
	[ "$rc" = "$1" ] ||
	    fail "$tool: exit status $rc, want $1 ($(head -c 300 err))"
}

# rss_under KIB FILE: FILE (from /usr/bin/time -f %M) is below KIB.
# Under valgrind the figure is valgrind's own, and ASan's shadow memory
# and quarantine add their own: checked in the plain build only.
grep -aq __asan_init "$B/sl-parse" 2>/dev/null && SL_ASAN=1
rss_under() {
	[ "${SL_VALGRIND:-0}" = 1 ] || [ "${SL_ASAN:-0}" = 1 ] && return 0
	# GNU time adds "Command exited with non-zero status N" first
	[ "$(tail -1 "$2")" -lt "$1" ] ||
	    fail "${tool:-}: peak RSS $(tail -1 "$2") KiB, want < $1"
}

# sized SMALL BIG: BIG, or SMALL under a sanitizer or valgrind, where
# peak RSS means nothing (rss_under skips) and tools are slower, but
# what a memory test checks of every session still holds on less.
sized() {
	if [ "${SL_VALGRIND:-0}" = 1 ] || [ "${SL_ASAN:-0}" = 1 ]; then
		echo "$1"
	else
		echo "$2"
	fi
}

# streams_rss FILE [N [LIMIT]]: FILE (N streams, 10,000 unless given,
# w00000..) through sl-parse, sl-report and sl-convert: each exits 0,
# names the first and the last stream, and stays under LIMIT KiB of peak
# RSS (64 MiB unless given: the limit of bench/hostile.sh).
streams_rss() {
	for tool in sl-parse sl-report sl-convert; do
		[ -x "$B/$tool" ] || continue
		# shellcheck disable=SC2046
		/usr/bin/time -f %M -o rss "$tool" $(tool_args $tool) "$1" \
		    >out 2>err
		rc=$?
		no_crash
		want_tool_rc 0
		want_out_has w00000-0123456789abcdef0
		want_out_has "$(printf 'w%05d' $((${2:-10000} - 1)))-0123456789abcdef0"
		rss_under "${3:-65536}" rss
	done
}

# sessions_with_cmds N [S]: sl-parse's records in out give each of S
# sessions (10,000 unless given) N commands.
sessions_with_cmds() {
	[ "$(jq -r 'select(.type == "line" and .cmd != null) | .session' out |
	    sort | uniq -c | awk -v n="$1" '$1 == n' | wc -l)" = "${2:-10000}" ] ||
	    fail "sl-parse: not every one of ${2:-10000} sessions has its $1 commands"
}

# msg_at FILE: stderr has "TOOL: FILE:LINE: " (the position of a problem).
msg_at() {
	grep -aq -- "$tool: $1:[0-9][0-9]*: " err
}

# cw_streams KIND STREAMS ROUNDS MESSAGE: STREAMS interleaved CloudWatch
# streams (KIND: events, insights or sub, subscription payloads), ROUNDS
# events each, as one document on standard output.
cw_streams() {
	MSG=$4 awk -v kind="$1" -v ns="$2" -v nr="$3" 'BEGIN {
		msg = ENVIRON["MSG"]
		if (kind == "insights") printf "{\"results\":["
		else if (kind == "events") printf "{\"events\":["
		n = 0
		for (r = 0; r < nr; r++) for (s = 0; s < ns; s++) {
			sid = sprintf("w%05d-0123456789abcdef0", s)
			t = 1717236000000 + n
			if (kind == "events")
				printf "%s{\"logStreamName\":\"%s\",\"timestamp\":%d,\"message\":\"%s\",\"ingestionTime\":1,\"eventId\":\"%d\"}", n ? "," : "", sid, t, msg, n
			else if (kind == "insights")
				printf "%s[{\"field\":\"@timestamp\",\"value\":\"2024-06-01 10:00:%02d.000\"},{\"field\":\"@logStream\",\"value\":\"%s\"},{\"field\":\"@message\",\"value\":\"%s\"}]", n ? "," : "", r, sid, msg
			else
				printf "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1\",\"logGroup\":\"g\",\"logStream\":\"%s\",\"subscriptionFilters\":[\"a\"],\"logEvents\":[{\"id\":\"%d\",\"timestamp\":%d,\"message\":\"%s\"}]}\n", sid, n, t, msg
			n++
		}
		if (kind == "insights") printf "],\"status\":\"Complete\"}\n"
		else if (kind == "events") printf "]}\n"
	}'
}
