# After the harness's hook: its DEBUG trap replaced liquidprompt's, which
# times commands and sets the title to the running command; run both.
trap '__lp_before_command "$_"; [[ $BASH_COMMAND == __sl_* || $BASH_COMMAND == __lp_* ]] || __sl_ran=1' DEBUG
