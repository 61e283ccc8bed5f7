# With -o DIR, outputs are named after the inputs, tar-style: archive
# members called "../../x" or "/etc/x" still land inside DIR; an output
# that would overwrite its input is refused.
. "$(dirname "$0")/lib.sh"
python3 - <<'PY'
import io, tarfile
with tarfile.open("evil.tar", "w") as t:
    for name in ("../../escape.log", "/tmp/abs.log", "./a/../../b.log", "ok.log"):
        data = b"k AKIAUJZDEGXDNCF32EPF\n"
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
PY
mkdir -p d/in
run sl-redact -q -o d/in/red/ evil.tar
no_crash
want_rc 0
n=$(find d/in/red -type f | wc -l)
[ "$n" = 4 ] || fail "$n outputs, want 4: $(find d -type f)"
[ -e escape.log ] || [ -e d/escape.log ] || [ -e d/in/escape.log ] || [ -e /tmp/abs.log.x ] &&
    fail "an output escaped"
grep -rq AKIAUJZDEGXDNCF32EPF d && fail "a secret left"
printf 'k AKIAUJZDEGXDNCF32EPF\n' > self.log
run sl-redact -q -o . self.log
want_rc 1
want_err 'self.log: the output would overwrite the input'
grep -q AKIAUJZDEGXDNCF32EPF self.log || fail "the input was overwritten"
finish
