# ~/.kshrc (ksh93 reads it as $ENV's default): ksh93 has no editing mode
# until one is set; emacs mode, and the user@host:dir prompt users give it.
set -o emacs
HOSTNAME=$(hostname)
PS1='${USER:-$(id -un)}@${HOSTNAME%%.*}:${PWD/#$HOME/\~}$ '
