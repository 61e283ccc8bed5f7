# Output that cannot be written, through every tool: standard output on
# /dev/full (exit 2, "write error on standard output: No space left on
# device"), standard output closed (exit 2, a message), and a pipe closed
# by its reader (`| head -1`: a quiet end, as a filter killed by SIGPIPE:
# status 141 or 0, nothing on stderr).
. "$(dirname "$0")/lib.sh"
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	i=0
	while [ $i -lt 20000 ]; do
		printf 'sh-5.2$ echo line %d\r\r\n' $i
		i=$((i + 1))
	done
	printf '\nScript done on 2024-06-01 10:30:00+00:00\n'
} > big-0000000000000000a.log

for tool in $TOOLS; do
	# shellcheck disable=SC2046
	"$tool" $(tool_args "$tool") big-0000000000000000a.log >/dev/full 2>err
	rc=$?
	no_crash
	want_tool_rc 2
	want_msg "write error on standard output: No space left on device"

	# shellcheck disable=SC2046
	"$tool" $(tool_args "$tool") big-0000000000000000a.log >&- 2>err
	rc=$?
	no_crash
	want_tool_rc 2
	want_msg "write error on standard output"

	# shellcheck disable=SC2046
	{ "$tool" $(tool_args "$tool") big-0000000000000000a.log 2>err
	  echo $? >rc; } | head -1 >/dev/null
	rc=$(cat rc)
	[ "$rc" = 141 ] || [ "$rc" = 0 ] ||
	    fail "$tool: | head -1: exit status $rc, want 141 or 0"
	# valgrind notes the signal on stderr: only the tool's words count
	grep -v '^==[0-9]*==' err | grep -q . &&
	    fail "$tool: | head -1: stderr not empty: $(head -c 300 err)"
done
finish
