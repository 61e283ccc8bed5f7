# A powerlevel10k-like zsh written out (nothing fetched): a two-line
# prompt (folder and host on the first line, the arrow on the second), a
# right prompt (RPROMPT: exit status and history number) that zsh draws
# past the line and takes away when the line reaches it, and
# autosuggestions as zsh-autosuggestions draws them: the rest of the
# newest matching history line after the cursor, in grey (POSTDISPLAY),
# cleared when the line is accepted (accept-line wrapped, as the plugin
# does; Debian's zle-line-init/finish keypad hooks stay).
HISTFILE=$HOME/.zsh_history
HISTSIZE=1000
SAVEHIST=1000
setopt prompt_subst interactivecomments
autoload -U compinit colors
compinit -u -d $HOME/.zcompdump
colors
bindkey -e
PROMPT=$'%F{blue}╭─%f %F{cyan}%n@%m%f %B%F{yellow}%~%f%b\n%F{blue}╰─%(?.%F{green}.%F{red})❯%f '
RPROMPT='%(?..%F{red}✘ %?%f )%F{244}#%h%f'
function _sl_suggest {
  emulate -L zsh
  POSTDISPLAY=
  region_highlight=()
  (( CURSOR == $#BUFFER )) && [[ -n $BUFFER ]] || return 0
  local match=${history[(r)${(b)BUFFER}*]}
  [[ -n $match && $match != $BUFFER && $match != *$'\n'* ]] || return 0
  POSTDISPLAY=${match#$BUFFER}
  region_highlight=("P$#BUFFER $(( $#BUFFER + $#POSTDISPLAY )) fg=8")
}
function _sl_accept_line {
  POSTDISPLAY=
  region_highlight=()
  zle .accept-line
}
zle -N zle-line-pre-redraw _sl_suggest
zle -N accept-line _sl_accept_line
