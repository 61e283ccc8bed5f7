# Harness hook (not part of the realistic set-up): after each command,
# before the next prompt, append the newest history entry, NUL-ended, to
# the truth file outside the pty.  Every executed line must enter the
# history (HISTCONTROL/HISTIGNORE off) and keep its newlines (lithist), so
# the entry number tells a new command from a cancelled line.
HISTCONTROL=
HISTIGNORE=
shopt -s cmdhist lithist
__sl_truth() {
	builtin printf '%s\0' "$(HISTTIMEFORMAT= builtin history 1)" >>@TRUTH@
}
PROMPT_COMMAND="__sl_truth${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
