# Harness hook: fish_preexec gets the command line as it will run; append
# it, NUL-ended, to the truth file outside the pty.  Fish itself runs on
# its defaults (no config of its own).
function __sl_truth --on-event fish_preexec
    printf '%s\0' $argv[1] >>@TRUTH@
end
