# The vi mode of ~/.inputrc (here as `bind` lines, the same readline
# variables): `set editing-mode vi` with `show-mode-in-prompt on`, which
# puts readline's mode string, "(ins)" or "(cmd)", before the prompt and
# redraws the prompt at each change of mode.
bind 'set editing-mode vi'
bind 'set show-mode-in-prompt on'
