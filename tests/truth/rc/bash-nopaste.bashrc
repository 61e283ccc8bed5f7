# Amazon Linux 2's bash 4.2 has no bracketed paste: the prompt carries no
# ESC[?2004h.  The same with bash 5.2 (with the AL2023 prompt and title,
# which AL2's /etc/bashrc sets alike):
bind 'set enable-bracketed-paste off'
