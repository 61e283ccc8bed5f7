# What oh-my-zsh (robbyrussell theme, default plugins) sets up, written out
# because oh-my-zsh itself is not fetched: its options, completion menu,
# title hooks (lib/termsupport.zsh), keypad mode in zle (lib/key-bindings.zsh)
# and the theme's prompt.
setopt prompt_subst auto_cd auto_pushd pushd_ignore_dups pushdminus
setopt extended_history hist_expire_dups_first hist_ignore_dups
setopt hist_ignore_space hist_verify share_history interactivecomments
setopt long_list_jobs multios
HISTFILE=$HOME/.zsh_history
HISTSIZE=50000
SAVEHIST=10000
autoload -U compinit colors add-zsh-hook
compinit -u -d $HOME/.zcompdump
colors
zstyle ':completion:*' menu select
zstyle ':completion:*' list-colors ''
unsetopt menu_complete flowcontrol
setopt auto_menu complete_in_word always_to_end
bindkey -e
if (( ${+terminfo[smkx]} )) && (( ${+terminfo[rmkx]} )); then
  function zle-line-init() { echoti smkx }
  function zle-line-finish() { echoti rmkx }
  zle -N zle-line-init
  zle -N zle-line-finish
fi
[[ -n "${terminfo[khome]}" ]] && bindkey -M emacs "${terminfo[khome]}" beginning-of-line
[[ -n "${terminfo[kend]}" ]] && bindkey -M emacs "${terminfo[kend]}" end-of-line
bindkey -M emacs '^[[H' beginning-of-line
bindkey -M emacs '^[[F' end-of-line
bindkey -M emacs '^r' history-incremental-search-backward
bindkey ' ' magic-space
function title {
  emulate -L zsh
  setopt prompt_subst
  print -Pn "\e]2;${2:q}\a"
  print -Pn "\e]1;${1:q}\a"
}
ZSH_THEME_TERM_TAB_TITLE_IDLE="%15<..<%~%<<"
ZSH_THEME_TERM_TITLE_IDLE="%n@%m:%~"
function omz_termsupport_precmd { title "$ZSH_THEME_TERM_TAB_TITLE_IDLE" "$ZSH_THEME_TERM_TITLE_IDLE" }
function omz_termsupport_preexec {
  emulate -L zsh
  setopt extended_glob
  local CMD=${1[(wr)^(*=*|sudo|ssh|mosh|rake|-*)]:gs/%/%%}
  local LINE="${2:gs/%/%%}"
  title '$CMD' '%100>...>$LINE%<<'
}
add-zsh-hook precmd omz_termsupport_precmd
add-zsh-hook preexec omz_termsupport_preexec
alias ls='ls --color=tty'
alias grep='grep --color=auto --exclude-dir={.bzr,CVS,.git,.hg,.svn,.idea,.tox}'
alias l='ls -lah'
PROMPT="%(?:%{$fg_bold[green]%}%1{➜%} :%{$fg_bold[red]%}%1{➜%} ) %{$fg[cyan]%}%c%{$reset_color%}"
PROMPT+=' $(git_prompt_info)'
function git_prompt_info { }
