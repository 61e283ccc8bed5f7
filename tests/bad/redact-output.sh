# sl-redact's outputs (issue 15, item 3; issue 14, structure in, structure
# out), through the one output layer: an archive in gives an archive out
# with the same members, redacted (tar, tar.gz, zip); a folder in gives a
# folder out; an output that cannot keep the structure (-o FILE for an
# archive of several logs, a folder, several inputs) is a usage error,
# never a concatenation.  A link in the output folder (file or parent) is
# never followed; an existing file stays unless --force, and --force
# replaces regular files only; two inputs mapping to one output name is
# an error for the second; -o FILE FILE never empties its input; a failed
# write leaves nothing behind.
. "$(dirname "$0")/lib.sh"
KEY='AKIAIOSFODNN7EXAMPLF'
SECRET='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ'
secret_log() {	# secret_log PATH
	printf 'Script started on 2024-06-01 10:00:00+00:00\n$ export AWS_SECRET_ACCESS_KEY=%s\r\r\n\nScript done on 2024-06-01 10:00:05+00:00\n' \
	    "$SECRET" >"$1"
}
mkdir -p in/sub
secret_log in/a-0000000000000000a.log
secret_log in/b-0000000000000000b.log
secret_log in/sub/c-0000000000000000c.log
tar -czf exported.tar.gz -C in a-0000000000000000a.log b-0000000000000000b.log sub/c-0000000000000000c.log
(cd in && zip -q ../exported.zip a-0000000000000000a.log b-0000000000000000b.log sub/c-0000000000000000c.log)
tool=sl-redact
members="a-0000000000000000a.log b-0000000000000000b.log sub/c-0000000000000000c.log"

# Archive in, archive out: same members, each redacted.
for o in shared.tar.gz shared.tar shared.tgz shared.zip; do
	for i in exported.tar.gz exported.zip; do
		rm -f "$o"
		run sl-redact -q -o "$o" "$i"
		no_crash
		want_rc 0
		got=$(bsdtar -tf "$o" | sort | tr '\n' ' ')
		[ "$got" = "$members " ] || fail "$i -> $o: members '$got'"
		for m in $members; do
			bsdtar -xOf "$o" "$m" >m.out
			grep -q '\[REDACTED:aws-secret-key\]' m.out ||
			    fail "$i -> $o: $m not redacted"
			grep -qF "$SECRET" m.out && fail "$i -> $o: $m leaks"
		done
	done
done
# Folder in, folder out.
run sl-redact -q -o outdir/ in
want_rc 0
for m in $members; do
	[ -f "outdir/in/$m" ] || fail "folder out lacks in/$m"
done
grep -rqF "$SECRET" outdir && fail "folder out leaks"

# No concatenation: -o FILE keeps one log.
run sl-redact -q -o one.log exported.tar.gz
want_rc 2
want_err "-o FILE keeps one log"
[ -e one.log ] && fail "-o FILE of an archive left one.log"
ls -a | grep -q '^\.one\.log\.' && fail "a temporary file stayed"
run sl-redact -q -o one.log in
want_rc 2
want_err "is a folder"
run sl-redact -q -o one.log in/a-0000000000000000a.log in/b-0000000000000000b.log
want_rc 2
want_err "2 inputs are given"
[ -e one.log ] && fail "one.log written for a refused run"

# Links in the output folder are not followed.
mkdir -p dest/in elsewhere
ln -s ../../elsewhere/stolen dest/in/a-0000000000000000a.log
run sl-redact -q --force -o dest/ in/a-0000000000000000a.log
want_rc 2
want_err "dest/in/a-0000000000000000a.log: is a symbolic link: not followed"
[ -e elsewhere/stolen ] && fail "wrote through a link in the output folder"
rm -r dest
mkdir dest
ln -s ../elsewhere dest/in
run sl-redact -q -o dest/ in/a-0000000000000000a.log
want_rc 2
want_err "a folder on the way is a symbolic link or a file: not followed"
[ -z "$(ls elsewhere)" ] || fail "wrote through a linked parent"
mkfifo fifo
rm -r dest
mkdir -p dest/in
ln -s ../../fifo dest/in/a-0000000000000000a.log
run timeout 10 sl-redact -q --force -o dest/ in/a-0000000000000000a.log
want_rc 2

# Existing files: kept unless --force.
rm -r dest
run sl-redact -q -o dest/ in/a-0000000000000000a.log
want_rc 0
echo keep >dest/in/a-0000000000000000a.log
run sl-redact -q -o dest/ in/a-0000000000000000a.log
want_rc 2
want_err "exists (use --force to replace it)"
[ "$(cat dest/in/a-0000000000000000a.log)" = keep ] || fail "replaced without --force"
run sl-redact -q --force -o dest/ in/a-0000000000000000a.log
want_rc 0
grep -q REDACTED dest/in/a-0000000000000000a.log || fail "--force did not replace"

# Two inputs, one output name: the second is an error, not a loss.
# (/tmp/t1/x.log and tmp/t1/x.log run from /, as the issue found it)
mkdir t1
secret_log t1/x.log
(cd / && sl-redact -q -o "$T/dup/" "$T/t1/x.log" "${T#/}/t1/x.log" \
    >"$T/out" 2>"$T/err"); rc=$?
want_rc 1
want_err "would be written to"

# -o FILE FILE never empties its input.
secret_log self.log
cp self.log self.orig
run sl-redact -q -o self.log self.log
want_rc 2
want_err "the output is also an input"
cmp -s self.log self.orig || fail "-o FILE FILE changed its input"
run sl-redact -q --force -o self.log self.log
want_rc 2
cmp -s self.log self.orig || fail "-o FILE FILE --force changed its input"

# A failed write (file size limit, as a full disk) leaves nothing.
big=big-0000000000000000d.log
{ echo 'Script started on 2024-06-01 10:00:00+00:00'
  i=0; while [ $i -lt 3000 ]; do printf '$ echo %s %d\r\r\n' "$SECRET" $i; i=$((i + 1)); done
  printf '\nScript done on 2024-06-01 10:00:05+00:00\n'; } >$big
(trap '' XFSZ; ulimit -f 64; sl-redact -q -o full.log $big >out 2>err); rc=$?
no_crash
want_rc 2
want_err "full.log: write error"
[ -e full.log ] && fail "a partial full.log stayed"
ls -a | grep -q '^\.full\.log\.' && fail "the temporary file of full.log stayed"
(trap '' XFSZ; ulimit -f 64; sl-redact -q -o full.tar.gz $big >out 2>err); rc=$?
no_crash
want_rc 2
want_err "full.tar.gz"
[ -e full.tar.gz ] && fail "a partial full.tar.gz stayed"
(trap '' XFSZ; ulimit -f 64; sl-redact -q --stats st.txt -o /dev/null $big >out 2>err); rc=$?
no_crash
finish
