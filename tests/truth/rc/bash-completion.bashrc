# Debian's programmable completion (the bash-completion package, sourced
# as Debian's ~/.bashrc does) and the completion settings people put in
# ~/.inputrc, here as `bind` lines (the same readline variables): Tab
# cycles through the candidates (menu-complete), an ambiguous Tab lists
# them at once, coloured by type and with the common prefix coloured.
if ! shopt -oq posix && [ -f /usr/share/bash-completion/bash_completion ]; then
    . /usr/share/bash-completion/bash_completion
fi
bind 'TAB: menu-complete'
bind 'set show-all-if-ambiguous on'
bind 'set colored-stats on'
bind 'set colored-completion-prefix on'
