"""Turn pty bytes into the logs Session Manager makes of them.

S3: the agent writes the pty output to ipcTempFile.log and, at the end,
runs util-linux script(1) on `cat` of that file, with stdin not a
terminal; the typescript is the S3 object (formats.md 1.2).  Here the same
script(1) runs the same command, so header, CR CR LF and trailer are
script's own.

CloudWatch streaming (formats.md 1.6): once a second the agent takes the
new complete lines of ipcTempFile.log, strips ANSI sequences per line as
github.com/pborman/ansi does (keeping a line whole when the decoder
fails), joins lines up to 33,000 bytes per event, turns TAB into a space,
drops CR, splits on LF and writes a compact JSON event.  The clock here is
virtual (one tick per few keys) so the events are the same on every run.
"""

import json
import os
import subprocess

INSTANCE = "i-0f1e2d3c4b5a69788"
REGION = "eu-west-1"
OWNER = "arn:aws:sts::123456789012:assumed-role/Operator/truth"
STREAM_THRESHOLD = 33000
KEYS_PER_TICK = 6


def session_id(setup_name, seed):
    return "%s-%017x" % (setup_name.replace("-", ""), seed)


def write_s3_log(workdir, sid, data):
    """Write the S3 object for pty bytes data; return its path."""
    std = os.path.join(workdir, "var/lib/amazon/ssm", INSTANCE,
                       "session/orchestration", sid, "Standard_Stream")
    os.makedirs(std, exist_ok=True)
    ipc = os.path.join(std, "ipcTempFile.log")
    with open(ipc, "wb") as f:
        f.write(data)
    log = os.path.join(os.path.dirname(std), sid + ".log")
    subprocess.run(["script", log, "-c", "cat " + ipc],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True, cwd=workdir)
    return log


# -- pborman/ansi Strip --------------------------------------------------

class _DecodeError(Exception):
    pass


def _skip_escape(b, i):
    """Index after the escape sequence starting at b[i] (ESC or 8-bit C1)."""
    n = len(b)
    if b[i] == 0x9B:
        return _skip_csi(b, i + 1)
    if b[i] != 0x1B:
        return i + 1            # another C1 control: one byte
    if i + 1 >= n:
        raise _DecodeError("lone ESC")
    c = b[i + 1]
    if c == 0x5B:               # CSI
        return _skip_csi(b, i + 2)
    if c in (0x5D, 0x50, 0x58, 0x5E, 0x5F):   # OSC DCS SOS PM APC
        end = b.find(b"\x1b\\", i + 2)
        if end < 0:
            raise _DecodeError("control string without ST")
        return end + 2
    j = i + 1
    while j < n and 0x20 <= b[j] <= 0x2F:       # intermediates
        j += 1
    if j < n and 0x30 <= b[j] <= 0x7E:
        return j + 1
    raise _DecodeError("bad escape")


def _skip_csi(b, j):
    n = len(b)
    while j < n and 0x30 <= b[j] <= 0x3F:
        j += 1
    while j < n and 0x20 <= b[j] <= 0x2F:
        j += 1
    if j < n and 0x40 <= b[j] <= 0x7E:
        return j + 1
    raise _DecodeError("unterminated CSI")


def ansi_strip(line):
    """Strip one line's escapes; the whole line unchanged on a decode error."""
    out = bytearray()
    i = 0
    try:
        while i < len(line):
            c = line[i]
            if c == 0x1B or (c & 0xE0) == 0x80:
                i = _skip_escape(line, i)
            else:
                out.append(c)
                i += 1
    except _DecodeError:
        return bytes(line)
    return bytes(out)


def go_string(b):
    """Decode as Go's json.Marshal does: each invalid byte is one U+FFFD."""
    out = []
    i = 0
    while i < len(b):
        for width in (1, 2, 3, 4):
            try:
                out.append(b[i:i + width].decode("utf-8"))
                i += width
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append("\ufffd")
            i += 1
    return "".join(out)


def _event(sid, tick, lines):
    text = b"".join(lines).replace(b"\t", b" ").replace(b"\r", b"")
    data = text.split(b"\n")
    if data and data[-1] == b"":
        data.pop()
    sec = tick % 60
    minute = 10 + tick // 60
    return {"eventVersion": "1.0",
            "eventTime": "2026-12-06T03:%02d:%02dZ" % (minute, sec),
            "awsRegion": REGION, "target": {"id": INSTANCE},
            "userIdentity": {"arn": OWNER}, "runAsUser": "ssm-user",
            "sessionId": sid, "sessionData": [go_string(d) for d in data]}


def stream_events(sid, chunks):
    """The streamed events for chunks [(step, bytes)] of pty output."""
    events = []
    pending = bytearray()        # bytes not yet sent: a partial last line
    ticks = {}
    for step, data in chunks:
        ticks.setdefault(step // KEYS_PER_TICK, bytearray()).extend(data)
    last = max(ticks) if ticks else 0
    for tick in sorted(ticks):
        pending += ticks[tick]
        cut = pending.rfind(b"\n") + 1
        if tick == last:
            cut = len(pending)   # session end: the partial line goes too
        # Lines end at LF only, as the agent's reader splits them: a CR
        # inside a line (a redraw, readline's wrap) does not end it, so a
        # decode error keeps the escapes of the whole line.
        lines = bytes(pending[:cut]).split(b"\n")
        lines = [l + b"\n" for l in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
        del pending[:cut]
        batch, size = [], 0
        for line in lines:
            line = ansi_strip(line)
            if batch and size + len(line) > STREAM_THRESHOLD:
                events.append(_event(sid, tick, batch))
                batch, size = [], 0
            batch.append(line)
            size += len(line)
        if batch:
            events.append(_event(sid, tick, batch))
    return events


def go_json(value):
    """Compact JSON escaped as Go's encoding/json escapes it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def write_stream(path, sid, chunks):
    with open(path, "w", encoding="utf-8") as f:
        for ev in stream_events(sid, chunks):
            f.write(go_json(ev) + "\n")
    return path
