# Long things made on the fly, through every tool, between good ones:
# a 64 MiB line (rendered in pieces of SL_ROW_MAX columns, memory
# bounded), a JSON event with a 64 MiB string (SL_EVENT_MAX: at the limit
# read, past it rejected and skipped with a message naming the event),
# and a record past SL_EVENT_MAX in a record stream (rejected, line
# named).  The 1 GiB versions are in bench/hostile.sh.
. "$(dirname "$0")/lib.sh"
MIB=1048576
x_run() {	# x_run BYTES
	head -c "$1" /dev/zero | tr '\0' x
}
good_log good-0000000000000000a
good_log good-0000000000000000z
{
	echo 'Script started on 2024-06-01 10:00:00+00:00'
	printf '$ cat blob\r\r\n'
	x_run $((64 * MIB))
	printf '\r\r\n$ echo line-0000000000000000b\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n'
} > line-0000000000000000b.log
events() {	# events BYTES FILE: a message of BYTES between two good events
	{
		printf '{"events":[{"logStreamName":"good-0000000000000000c","timestamp":1,"message":"sh-5.2$ echo good-0000000000000000c\\r\\n"},'
		printf '{"logStreamName":"big-0000000000000000d","timestamp":2,"message":"'
		x_run "$1"
		printf '"},{"logStreamName":"good-0000000000000000e","timestamp":3,"message":"sh-5.2$ echo good-0000000000000000e\\r\\n"}]}\n'
	} > "$2"
}
events $((64 * MIB + 10)) past.json
{
	printf '{"type":"line","session":"good-0000000000000000f","n":1,"text":"good-0000000000000000f","src":"a:1"}\n'
	printf '{"type":"line","session":"big-0000000000000000g","n":1,"text":"'
	x_run $((64 * MIB))
	printf '","src":"a:2"}\n'
	printf '{"type":"line","session":"good-0000000000000000h","n":1,"text":"good-0000000000000000h","src":"a:3"}\n'
} > past.jsonl

check() {
	want_tool_rc 1
	case $tool in
	sl-redact)
		# It scrubs JSON as it is: a string too long to scrub is left out.
		want_msg "past.json:1: JSON string longer than 67108864 bytes" ;;
	*)
		want_msg "past.json#2: rejected event: larger than 64 MiB" ;;
	esac
	want_msg "past.jsonl:2:"
	for c in a c e f h z; do
		want_out_has good-0000000000000000$c
	done
	want_out_has line-0000000000000000b
	rss_under 262144 rss
}
# each_tool with peak RSS: time(1) around the tool.
for tool in $TOOLS; do
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args "$tool") \
	    good-0000000000000000a.log line-0000000000000000b.log past.json \
	    past.jsonl good-0000000000000000z.log >out 2>err
	rc=$?
	no_crash
	check
done

# At the limit: an event of 64 MiB less its 40-odd bytes of JSON is read,
# its memory bounded (about three times its size).  sl-parse only, under
# valgrind (slow): the path is the same.
events $((64 * MIB - 200)) at.json
for tool in $TOOLS; do
	[ -x "$B/$tool" ] || continue
	[ "${SL_VALGRIND:-0}" = 1 ] && [ "$tool" != sl-parse ] && continue
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args "$tool") at.json \
	    >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	want_out_has good-0000000000000000c
	want_out_has good-0000000000000000e
	rss_under 327680 rss
done
finish
