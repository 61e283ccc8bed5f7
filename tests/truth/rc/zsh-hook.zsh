# Harness hook: preexec gets the line as it will run (history expanded);
# append it, NUL-ended, to the truth file outside the pty.
autoload -U add-zsh-hook
function __sl_truth { print -rn -- "$1"$'\0' >>@TRUTH@ }
add-zsh-hook preexec __sl_truth
