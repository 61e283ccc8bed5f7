# zsh with the real plugins from Debian's packages, sourced from
# ~/.zshrc as their READMEs say (syntax highlighting last): the
# zsh-autosuggestions package draws the rest of the newest matching
# history line after the cursor in grey (POSTDISPLAY) and clears it when
# the line is accepted; Right or End takes it into the line.  The
# zsh-syntax-highlighting package recolours the typed text on every key.
# Prompt and key bindings are Debian's defaults (/etc/zsh/zshrc).
HISTFILE=$HOME/.zsh_history
HISTSIZE=1000
SAVEHIST=1000
autoload -U compinit
compinit -u -d $HOME/.zcompdump
source /usr/share/zsh-autosuggestions/zsh-autosuggestions.zsh
source /usr/share/zsh-syntax-highlighting/zsh-syntax-highlighting.zsh
