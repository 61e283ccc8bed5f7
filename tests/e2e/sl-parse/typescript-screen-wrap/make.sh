#!/bin/bash
# make.sh: writes the screen-era logs of this case with real programs
# (util-linux script, bash readline in an 80-column pty), as the pre-2020
# agent made them: a hidden shell with a root prompt is typed the logger
# command, which readline wraps with " \r" at column 80 -- at points that
# depend on the lengths of the instance and session ids.  The logger is a
# shell function here (bash allows "/" in function names): it prints the
# seelog messages and the user's transcript, as ssm-session-logger did.
# Not run by the tests (timing-dependent); rerun by hand to remake.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'sh-4.2$ whoami\r\nssm-user\r\nsh-4.2$ uptime -p\r\nup 3 days, 2 hours\r\nsh-4.2$ exit\r\nexit\r\n' >"$tmp/ipc"
cat >"$tmp/rc" <<'RC'
PS1=$HIDDEN_PS1
function /usr/bin/ssm-session-logger {
	printf '2018-08-20 14:02:21 ERROR Error occurred fetching the seelog config file path:  open /etc/amazon/ssm/seelog.xml: no such file or directory\n'
	printf '2018-08-20 14:02:21 INFO Initializing new seelog logger\n'
	printf '2018-08-20 14:02:21 INFO New Seelog Logger Creation Complete\n'
	cat "$IPC"
}
RC
# type_log SID [PS1]: one log, the logger command typed a key at a time.
type_log() {
	local sid=$1 ps1=${2:-'sh-4.2# '} cmd i
	cmd="/usr/bin/ssm-session-logger /var/lib/amazon/ssm/i-0e1f2a3b4c5d6e7f8/session/orchestration/$sid/Standard_Stream/ipcTempFile.log false"
	(
		sleep 0.5
		for ((i = 0; i < ${#cmd}; i++)); do
			printf '%s' "${cmd:i:1}"
			sleep 0.005
		done
		printf '\n'
		sleep 0.5
		printf 'exit\n'
	) | HIDDEN_PS1=$ps1 IPC=$tmp/ipc TERM=screen TZ=UTC script -q -c \
	    "stty cols 80 rows 24; bash --noprofile --rcfile $tmp/rc -i" \
	    "$here/$sid.log" >/dev/null 2>&1
}
type_log pppp-00000000000000000000000000	# .../ipcTempFile.lo | g false
type_log pppppppp-00000000000000000	# ...log fal | se
type_log pppppppppppp-00000000000000000000000000	# ...ipcTem | pFile.log false
type_log ppppppppppppppp-00000000000000000	# ...m/ipcTempFile. | log false
type_log pppppppppppppppp-00000000000000000	# .../ipcTempFile | .log false
# A prompt that sets the window title without \[ \]: readline counts
# the invisible bytes, wraps early, and the " \r" no longer matches the
# width -- each CR draws over the start of the row.
title=$'\033]0;root@ip-10-0-0-9\007sh-4.2# '
type_log ttt-0a1b2c3d4e5f60718 "$title"
type_log tttttttttttt-00000000000000000000000000 "$title"
# As pages that lost the CRs publish them: each " \r" a line break; the
# second one also breaks the long seelog message (at "...amazon/ssm/see"),
# where the rest no longer says "seelog".
sed 's/ \r/\n/g' "$here/pppppppp-00000000000000000.log" \
    >"$here/lf-ppppppp-00000000000000000.log"
sed -e 's/ \r/\n/g' -e 's#/ssm/see\(log.xml\)#/ssm/see\n\1#' \
    "$here/pppppppppppppppp-00000000000000000.log" \
    >"$here/lf-ppppppppppppppp-00000000000000000.log"
