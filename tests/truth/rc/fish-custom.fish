# fish with a prompt of the user's own (~/.config/fish/functions, as
# `fish_config` or a theme writes them): a two-line left prompt with the
# folder and a status-coloured arrow, and a right prompt (fish_right_prompt)
# with the last status and the host.
function fish_prompt
    set -l st $status
    set_color brblue
    echo -n (prompt_pwd)
    set_color normal
    echo
    if test $st -eq 0
        set_color green
    else
        set_color red
    end
    echo -n '❯ '
    set_color normal
end
function fish_right_prompt
    set -l st $status
    set_color brblack
    test $st -ne 0; and echo -n "[$st] "
    echo -n (prompt_hostname)
    set_color normal
end
