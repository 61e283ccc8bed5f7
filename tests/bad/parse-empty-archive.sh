# An archive that holds no files (only a folder, or a zip whose central
# directory lists nothing) is not silently nothing: as an empty file not
# named after a session, it gets a "skipped" note of no session naming
# it (not a session log); exit 0.  (Fuzz finding input/zip-no-members.)
. "$(dirname "$0")/lib.sh"
mkdir d
bsdtar -cf dirs.tar d
printf 'PK\005\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > none.zip
run sl-parse dirs.tar none.zip
no_crash
want_rc 0
want_out_jq 'length == 2 and all(.[]; .type == "note" and .code == "skipped" and .session == null)'
want_out_jq '[.[].src] == ["dirs.tar", "none.zip"]'
want_err "2 inputs skipped: not a session log (dirs.tar, ...)"
finish
