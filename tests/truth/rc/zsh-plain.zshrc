# A .zshrc that only keeps history: zsh's default prompt "%m%# " and
# Debian's /etc/zsh/zshrc key bindings.
HISTFILE=$HOME/.zsh_history
HISTSIZE=1000
SAVEHIST=1000
