#!/usr/bin/python3
"""Render a byte file with pyte and print the final screen as text lines.

usage: pyte_render.py FILE [ROWS [COLS]]
Same row rule as vterm_render.py: rows up to the cursor row or the last
non-blank row, whichever is lower; the cursor row is dropped when it is
the last and is blank.  Trailing spaces are trimmed.
"""
import sys

import pyte
from wcwidth import wcwidth


def render(line, cols):
    """pyte's Screen.display without its crash: a wide character's stub
    cell left alone by an overwrite of the first half is a blank."""
    out = []
    skip = False
    for x in range(cols):
        if skip:
            skip = False
            continue
        ch = line[x].data
        if ch == "":
            out.append(" ")
            continue
        skip = wcwidth(ch[0]) == 2
        out.append(ch)
    return "".join(out)


def main():
    data = open(sys.argv[1], "rb").read()
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else \
        max(500, data.count(b"\n") + data.count(b"\x0b") + 64)
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    stream.feed(data)
    lines = [render(screen.buffer[y], cols).rstrip(" ")
             for y in range(rows)]
    cy = screen.cursor.y
    n = max([cy + 1] + [i + 1 for i, l in enumerate(lines) if l])
    if n - 1 == cy and lines[n - 1] == "":
        n -= 1
    out = sys.stdout.buffer
    for l in lines[:n]:
        out.write(l.encode("utf-8", "surrogateescape") + b"\n")


main()
