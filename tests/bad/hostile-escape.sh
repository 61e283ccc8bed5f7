# Escape sequences that never end, through every tool: an OSC (64 MiB
# with no BEL or ST), a DCS, a CSI of endless parameters, an ESC followed
# by endless intermediates, and the same inside a PowerShell transcript.
# Each is abandoned at its limit (SL_SEQ_MAX for strings, 512 bytes for a
# CSI or an ESC's intermediates) with a "bad-escape" note and what follows is shown as text: exit
# 0, memory bounded, and the command after it still comes out.
. "$(dirname "$0")/lib.sh"
MIB=1048576
x_run() {	# x_run BYTES CHAR
	head -c "$1" /dev/zero | tr '\0' "$2"
}
seq_log() {	# seq_log ID INTRO CHAR: a session with an endless INTRO...
	{
		echo 'Script started on 2024-06-01 10:00:00+00:00'
		printf '$ echo before\r\r\nbefore\r\r\n'
		printf "$2"
		x_run $((16 * MIB)) "$3"
		printf '\r\r\n$ echo %s\r\r\n%s\r\r\n' "$1" "$1"
		printf '\nScript done on 2024-06-01 10:00:05+00:00\n'
	} > "$1.log"
}
seq_log osc-0000000000000000b '\033]0;' x
seq_log dcs-0000000000000000c '\033P' y
seq_log csi-0000000000000000d '\033[' ';'
seq_log esc-0000000000000000e '\033' ' '
{
	printf '\357\273\277**********************\r\nWindows PowerShell transcript start\r\n'
	printf 'Start time: 20240612101502\r\n**********************\r\n'
	printf 'PS C:\\> \033]0;'
	x_run $((16 * MIB)) z
	printf '\r\nPS C:\\> echo pwsh-0000000000000000f\r\npwsh-0000000000000000f\r\n'
} > pwsh-0000000000000000f.log

for tool in $TOOLS; do
	# shellcheck disable=SC2046
	/usr/bin/time -f %M -o rss "$tool" $(tool_args "$tool") \
	    osc-0000000000000000b.log dcs-0000000000000000c.log \
	    csi-0000000000000000d.log esc-0000000000000000e.log \
	    pwsh-0000000000000000f.log >out 2>err
	rc=$?
	no_crash
	want_tool_rc 0
	for f in osc-0000000000000000b dcs-0000000000000000c \
	    csi-0000000000000000d esc-0000000000000000e pwsh-0000000000000000f; do
		want_out_has "$f"
	done
	rss_under 65536 rss
done
tool=sl-parse
run sl-parse osc-0000000000000000b.log dcs-0000000000000000c.log \
    csi-0000000000000000d.log esc-0000000000000000e.log
want_out_jq '[.[] | select(.code == "bad-escape")] | length == 4'
want_out_jq '[.[] | select(.cmd == "echo osc-0000000000000000b" or .cmd == "echo dcs-0000000000000000c" or .cmd == "echo csi-0000000000000000d")] | length == 3'
finish
