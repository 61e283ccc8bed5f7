# A two-line prompt as starship- and powerline-style set-ups draw it in
# bash: a coloured first line with user, host and folder, a right-aligned
# part (the last exit status) written from the first column across the
# whole width between a cursor save and restore (ESC 7 ... ESC 8, from
# `tput sc`/`tput rc`), and a second line holding only the arrow.
shopt -s checkwinsize
__sl_rprompt() {
    local st=$? right
    right="exit $st"
    printf '\033[2m%*s\033[0m' "$COLUMNS" "$right"
}
PS1='\[$(tput sc; __sl_rprompt; tput rc)\]\[\e[1;34m\]╭─ \u@\h \[\e[0;33m\]\w\[\e[0m\]\n\[\e[1;34m\]╰─❯\[\e[0m\] '
PS1="\[\e]0;\u@\h: \w\a\]$PS1"
alias ls='ls --color=auto'
