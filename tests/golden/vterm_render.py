#!/usr/bin/python3
"""Render a byte file with libvterm (the engine of libvterm-bin's unterm),
driven through ctypes, and print the final screen as text lines.

unterm itself cannot be used for comparison: its plain dump prints nothing
for a blank cell, so gaps made by TAB, CUF, ECH or EL vanish ("a\\e[5Cb"
prints "ab").  vterm_screen_get_text pads blank cells with spaces.  Like a
terminal (and unlike unterm), the alternate screen is enabled.

usage: vterm_render.py FILE [ROWS [COLS]]
Rows: up to the cursor row or the last non-blank row, whichever is lower
on screen; the cursor row is dropped when it is the last and is blank.
Trailing spaces are trimmed.
"""
import ctypes
import sys


class Rect(ctypes.Structure):
    _fields_ = [("start_row", ctypes.c_int), ("end_row", ctypes.c_int),
                ("start_col", ctypes.c_int), ("end_col", ctypes.c_int)]


class Pos(ctypes.Structure):
    _fields_ = [("row", ctypes.c_int), ("col", ctypes.c_int)]


def main():
    path = sys.argv[1]
    data = open(path, "rb").read()
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else \
        max(500, data.count(b"\n") + data.count(b"\x0b") + 64)
    cols = int(sys.argv[3]) if len(sys.argv) > 3 else 1000

    lib = ctypes.CDLL("libvterm.so.0")
    lib.vterm_new.restype = ctypes.c_void_p
    lib.vterm_new.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.vterm_set_utf8.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.vterm_obtain_screen.restype = ctypes.c_void_p
    lib.vterm_obtain_screen.argtypes = [ctypes.c_void_p]
    lib.vterm_obtain_state.restype = ctypes.c_void_p
    lib.vterm_obtain_state.argtypes = [ctypes.c_void_p]
    lib.vterm_screen_enable_altscreen.argtypes = [ctypes.c_void_p,
                                                  ctypes.c_int]
    lib.vterm_screen_reset.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.vterm_input_write.restype = ctypes.c_size_t
    lib.vterm_input_write.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                      ctypes.c_size_t]
    lib.vterm_screen_get_text.restype = ctypes.c_size_t
    lib.vterm_screen_get_text.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                          ctypes.c_size_t, Rect]
    lib.vterm_state_get_cursorpos.argtypes = [ctypes.c_void_p,
                                              ctypes.POINTER(Pos)]
    lib.vterm_free.argtypes = [ctypes.c_void_p]

    vt = lib.vterm_new(rows, cols)
    lib.vterm_set_utf8(vt, 1)
    vts = lib.vterm_obtain_screen(vt)
    lib.vterm_screen_enable_altscreen(vts, 1)
    lib.vterm_screen_reset(vts, 1)
    lib.vterm_input_write(vt, data, len(data))

    pos = Pos()
    lib.vterm_state_get_cursorpos(lib.vterm_obtain_state(vt),
                                  ctypes.byref(pos))
    size = cols * 4 * 6 + 16
    buf = ctypes.create_string_buffer(size)
    lines = []
    for r in range(rows):
        n = lib.vterm_screen_get_text(vts, buf, size, Rect(r, r + 1, 0, cols))
        lines.append(buf.raw[:n].decode("utf-8", "replace").rstrip(" "))
    lib.vterm_free(vt)

    n = max([pos.row + 1] + [i + 1 for i, l in enumerate(lines) if l])
    if n - 1 == pos.row and lines[n - 1] == "":
        n -= 1
    out = sys.stdout.buffer
    for l in lines[:n]:
        out.write(l.encode("utf-8") + b"\n")


main()
