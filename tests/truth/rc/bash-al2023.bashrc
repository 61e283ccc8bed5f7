# What Amazon Linux 2023's /etc/bashrc and /etc/profile.d do for an
# xterm-256color session: the title from PROMPT_COMMAND (USER is empty in
# SSM sessions, hence "@host"), PS1 "[\u@\h \W]\$ ", colour ls.
if [ -z "$PROMPT_COMMAND" ]; then
    case $TERM in
    xterm*|vte*)
        PROMPT_COMMAND='printf "\033]0;%s@%s:%s\007" "${USER}" "${HOSTNAME%%.*}" "${PWD/#$HOME/\~}"'
        ;;
    esac
fi
[ "$PS1" = "\\s-\\v\\\$ " ] && PS1="[\u@\h \W]\\$ "
shopt -s checkwinsize
HISTSIZE=1000
alias ls='ls --color=auto'
alias grep='grep --color=auto'
alias ll='ls -l --color=auto'
