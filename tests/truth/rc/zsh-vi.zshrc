# zsh in vi mode (`bindkey -v`, a common ~/.zshrc line) with the
# incremental search most vi-mode users bind back to Ctrl-R (viins has
# none); prompt and the keypad bindings are Debian's (/etc/zsh/zshrc).
HISTFILE=$HOME/.zsh_history
HISTSIZE=1000
SAVEHIST=1000
bindkey -v
bindkey -M viins '^R' history-incremental-search-backward
