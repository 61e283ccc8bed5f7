# An archive that holds no files (only a folder, or a zip whose central
# directory lists nothing) is not silently nothing: it gets an "empty"
# note, as an empty file does; exit 0.  (Fuzz finding input/zip-no-members.)
. "$(dirname "$0")/lib.sh"
mkdir d
bsdtar -cf dirs.tar d
printf 'PK\005\006\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000' > none.zip
run sl-parse dirs.tar none.zip
no_crash
want_rc 0
want_out_jq 'length == 2 and all(.[]; .type == "note" and .code == "empty")'
want_out_jq '[.[].src] == ["dirs.tar", "none.zip"]'
finish
