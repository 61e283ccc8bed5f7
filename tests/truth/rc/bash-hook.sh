# Harness hook (not part of the realistic set-up).  A DEBUG trap notes
# that a command of the user's ran; before the next prompt, if one did,
# the newest history entry is appended, NUL-ended, to the truth file
# outside the pty.  A line cancelled with Ctrl-C runs nothing (even one
# whose first lines entered the history at a continuation prompt).
# Every executed line must enter the history whole: HISTCONTROL and
# HISTIGNORE off, lithist on.
HISTCONTROL=
HISTIGNORE=
shopt -s cmdhist lithist
__sl_ran=
trap '[[ $BASH_COMMAND == __sl_* ]] || __sl_ran=1' DEBUG
__sl_truth() {
	[[ -n $__sl_ran ]] &&
		builtin printf '%s\0' "$(HISTTIMEFORMAT= builtin history 1)" >>@TRUTH@
}
__sl_arm() {
	__sl_ran=
}
PROMPT_COMMAND="__sl_truth${PROMPT_COMMAND:+;$PROMPT_COMMAND};__sl_arm"
