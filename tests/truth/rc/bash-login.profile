# ~/.profile as Debian's /etc/skel has it: a login bash (`bash -l`, what
# `sudo -i` and `su - user` start) reads it and it reads ~/.bashrc.
if [ -n "$BASH_VERSION" ]; then
    if [ -f "$HOME/.bashrc" ]; then
	. "$HOME/.bashrc"
    fi
fi
