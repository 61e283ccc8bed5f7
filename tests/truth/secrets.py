#!/usr/bin/env python3
"""truth/secrets.py: secrets typed at real shells, then looked for after
sl-redact in every form a log takes.

  tests/truth/secrets.py [--sl BUILD] [--shell NAME]... [--cols N]
                         [--keep DIR]

Each set-up's shell (shells.py) runs in a pty, as truth/run does, and a
user types the default rules' secrets the ways people do: with a typo
mended by Backspace, one inserted after Left, found again by Ctrl-R,
pasted (bracketed paste), and across the terminal's right edge.  The
pty bytes become the S3 log and the streamed CloudWatch events
(agent.py); then each secret must be gone from

  raw     sl-redact of the S3 log, as bytes and as sl-parse shows it
  records sl-redact of sl-parse's records of the S3 log
  cw      sl-redact of the streamed events, as bytes and as sl-parse
          shows them

A secret counts as there when its last 10 characters are (a part left
beside a marker is a leak too).  Prints one line per leak; exit 1 if any.
"""

import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True

import extra  # noqa: E402
import keys  # noqa: E402
import session  # noqa: E402
import shells  # noqa: E402
import wild  # noqa: E402
from keys import BS, CTRL_R, ENTER, LEFT, END, Item, typed  # noqa: E402

extra.register()
wild.register()

AWS_KEY = "AKIAZ4QW7RNEXT2PLM5Q"
GITHUB = "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"
MYSQL_PW = "Hunter2Secret99"
OPTION_PW = "Tr0ub4dorXyzzy77"
BEARER = "c2VjcmV0LWJlYXJlci10b2tlbi0xMjM0"

PASTE_ON, PASTE_OFF = b"\x1b[200~", b"\x1b[201~"


def items(cols):
    """What the user types: (item, secrets it shows)."""
    out = []

    def run(feature, ks, line, secret):
        out.append((Item([feature], ks + [ENTER], [line]), secret))

    # A typo inside the key, mended with Backspace.
    run("typo_bs", typed(": export AWS_ACCESS_KEY_ID=AKIAZ4QW7RNX") + [BS] +
        typed("EXT2PLM5Q"), ": export AWS_ACCESS_KEY_ID=" + AWS_KEY, AWS_KEY)
    # A character left out, inserted after Left.
    miss = AWS_KEY[:12] + AWS_KEY[13:]
    run("mid_insert", typed(": aws_access_key_id " + miss) + [LEFT] * 7 +
        typed(AWS_KEY[12]) + [END], ": aws_access_key_id " + AWS_KEY, AWS_KEY)
    # A password on a command line, then found again by Ctrl-R.
    line = ": mysql -u root -p%s orders" % MYSQL_PW
    run("plain", typed(line), line, MYSQL_PW)
    run("ctrl_r", [CTRL_R] + typed("Hunter2"), line, MYSQL_PW)
    # A token pasted (bracketed paste: the shell shows it highlighted).
    line = ": export GITHUB_TOKEN=" + GITHUB
    run("paste", typed(": export GITHUB_TOKEN=") + [PASTE_ON + GITHUB.encode() +
                                                    PASTE_OFF], line, GITHUB)
    # A password across the right edge of the terminal.
    pad = "x" * max(1, cols - len(": echo  --password=") - len(OPTION_PW) // 2)
    line = ": echo %s --password=%s" % (pad, OPTION_PW)
    run("wrap", typed(line), line, OPTION_PW)
    line = ": curl -H 'Authorization: Bearer %s' x" % BEARER
    run("bearer_bs", typed(line[:30]) + [b"Q", BS] + typed(line[30:]), line,
        BEARER)
    out.append((Item(["exit"], typed("exit") + [ENTER], ["exit"]), None))
    return out


def sh(args, data=None):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout


def forms(sl, d, sid):
    """(form, bytes) of every output to search."""
    log = os.path.join(d, sid + ".log")
    cw = os.path.join(d, sid + ".jsonl")
    raw = sh([sl + "/sl-redact", "-q", log])
    red_cw = sh([sl + "/sl-redact", "-q", cw])
    records = sh([sl + "/sl-parse", log])
    yield "raw", raw
    yield "raw shown", sh([sl + "/sl-parse", "-"], raw)
    yield "records", sh([sl + "/sl-redact", "-q", "-"], records)
    yield "cw", red_cw
    yield "cw shown", sh([sl + "/sl-parse", "-f", "cw-events", "-"], red_cw)


def check(sl, setup, cols, keep):
    its = items(cols)
    d = os.path.join(keep, setup.name) if keep else tempfile.mkdtemp()
    summary = session.run(setup, 1, d, [i for i, _ in its], (cols, 24))
    if summary["error"]:
        print("%s: %s" % (setup.name, summary["error"]))
        return 1
    leaks = 0
    for form, out in forms(sl, d, summary["session"]):
        for item, secret in its:
            if secret and secret[-10:].encode() in out:
                print("%s: %s: %s (%s) left" % (setup.name, form, secret,
                                               item.features[0]))
                leaks += 1
    return leaks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sl", default=os.path.join(HERE, "../../build"))
    ap.add_argument("--shell", action="append")
    ap.add_argument("--cols", type=int, default=60)
    ap.add_argument("--keep")
    a = ap.parse_args()
    names = a.shell or ["bash-debian", "bash-sh", "zsh-plain", "fish"]
    leaks = sum(check(os.path.abspath(a.sl), shells.BY_NAME[n], a.cols,
                      a.keep) for n in names)
    print("secrets: %d left" % leaks)
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main())
