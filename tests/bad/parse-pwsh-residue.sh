# A cleaned PowerShell log (ESC bytes deleted, "[1A"-style residue left)
# with a line longer than a reader's piece (1 MiB) of nothing but residue
# then text, and a last line of residue only: the residue goes from every
# piece, and the counts add up (the last line shows nothing: merged).
# (Fuzz finding parse/pwsh-residue-only-last-line.)
. "$(dirname "$0")/lib.sh"
python3 -c 'import sys; sys.stdout.write("PS C:\\> echo x\r\n" + "[1A" * 400000 + "shown\r\n" + "[2A" * 10)' \
    > r-0000000000000000a.log
tool=sl-parse
run sl-parse --stats -f pwsh-transcript r-0000000000000000a.log
no_crash
want_rc 0
want_out_jq '[.[] | select(.type == "line") | .text] == ["PS C:\\> echo x", "[1Ashown"] or [.[] | select(.type == "line") | .text] == ["PS C:\\> echo x", "shown"]'
want_err "units 3, written 2, merged 1, skipped 0, rejected 0"
finish
