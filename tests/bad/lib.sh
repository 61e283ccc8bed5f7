# lib.sh: helpers for the hostile-input tests (sourced by tests/bad/*.sh).
# Each test runs in its own scratch folder $T, removed at exit.
set -u
B=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
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
	[ "$rc" -lt 128 ] || fail "killed by signal $((rc - 128))"
	grep -q "AddressSanitizer\|runtime error" err && fail "sanitizer report"
	return 0
}

finish() {
	exit $failed
}
