# Liquid Prompt (Debian's liquidprompt package) as liquidprompt_activate
# appends it to ~/.bashrc.
echo $- | grep -q i 2>/dev/null && . /usr/share/liquidprompt/liquidprompt
