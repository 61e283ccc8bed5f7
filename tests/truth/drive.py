"""Drive a real shell in a pty, one key at a time, without sleeps.

After each key the driver waits until the terminal is settled: the key
has left the pty's input queue, the shell (or whatever runs in the
foreground) has woken up and is blocked reading the terminal again, and
its output has been read.  Nothing here depends on how long a step
takes, so a loaded machine gives the same bytes, only later.
"""

import errno
import re
import unicodedata
import fcntl
import os
import select
import signal
import struct
import termios
import time

# Syscalls a process sits in while it waits for a key (x86_64 numbers).
WAITING_SYSCALLS = {0, 7, 23, 232, 270, 271, 281}

SETTLE_SECONDS = 0.008
STEP_TIMEOUT = 60.0


class DriveError(Exception):
    """The shell did not settle or behaved in a way the script cannot follow."""


def _read_text(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode("utf-8", "replace")
    except OSError:
        return None


def _waiting_for_tty(pid):
    """True when pid is blocked in a read-like syscall on a terminal."""
    stat = _read_text("/proc/%d/stat" % pid)
    if stat is None:
        return True  # gone: it waits for nothing
    state = stat[stat.rindex(")") + 2]
    if state not in "St":
        return False
    sc = _read_text("/proc/%d/syscall" % pid)
    if sc is None:
        return True
    fields = sc.split()
    if not fields or fields[0] == "running":
        return False
    try:
        nr = int(fields[0])
    except ValueError:
        return False
    if nr not in WAITING_SYSCALLS:
        return False
    if nr == 0:  # read: only a read of a terminal counts
        fd = int(fields[1], 16)
        try:
            target = os.readlink("/proc/%d/fd/%d" % (pid, fd))
        except OSError:
            return False
        return target.startswith("/dev/pts/") or target == "/dev/tty"
    return True


def _threads_asleep(pid):
    """True when no thread of pid runs: fish computes autosuggestions and
    highlighting in threads and redraws when they finish."""
    try:
        tasks = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return True
    for t in tasks:
        stat = _read_text("/proc/%d/task/%s/stat" % (pid, t))
        if stat and stat[stat.rindex(")") + 2] not in "StZX":
            return False
    return True


def _switches(pid):
    status = _read_text("/proc/%d/status" % pid) or ""
    total = 0
    for line in status.splitlines():
        if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
            total += int(line.split()[1])
    return total


def _descendants(pid):
    """pid and every process below it (cheaper than walking /proc)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            tasks = os.listdir("/proc/%d/task" % p)
        except OSError:
            continue
        for t in tasks:
            kids = _read_text("/proc/%d/task/%s/children" % (p, t)) or ""
            todo.extend(int(k) for k in kids.split())
    return found


def _pgrp(pid):
    stat = _read_text("/proc/%d/stat" % pid)
    if not stat:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[2])


class Pty:
    """A shell on a pty of a given size; every byte it writes is kept."""

    def __init__(self, prog, argv, env, cwd, cols, rows, uid=None):
        self.cols, self.rows = cols, rows
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", rows, cols, 0, 0))
        self.slave_name = os.ttyname(slave)
        pid = os.fork()
        if pid == 0:
            try:
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                os.closerange(3, 1024)
                if uid is not None:
                    os.setgroups([])
                    os.setgid(uid)
                    os.setuid(uid)
                os.chdir(cwd)
                # A shell started from a background job inherits SIGINT
                # and SIGQUIT ignored, and then dash and busybox never
                # see Ctrl-C: start it as the agent does, with defaults.
                for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP,
                            signal.SIGTTIN, signal.SIGTTOU, signal.SIGPIPE):
                    signal.signal(sig, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_SETMASK, [])
                os.execvpe(prog, argv, env)
            finally:
                os._exit(127)
        self.pid = pid
        # Kept open to measure the input queue; the child's exit is seen
        # with waitpid, not with EIO on the master.
        self.slave = slave
        os.set_blocking(self.master, False)
        self.out = bytearray()
        self.chunks = []  # (step number, bytes) for the streamed events
        self.step = 0
        self.status = None
        self.dsr_seen = 0

    # -- output ---------------------------------------------------------
    def _drain(self, wait):
        got = False
        while True:
            r, _, _ = select.select([self.master], [], [], wait)
            if not r:
                return got
            try:
                data = os.read(self.master, 65536)
            except OSError as e:
                if e.errno == errno.EIO:
                    return got
                raise
            if not data:
                return got
            self.out += data
            self.chunks.append((self.step, data))
            got = True
            wait = 0

    def exited(self):
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is not None

    def _queued_input(self):
        buf = fcntl.ioctl(self.slave, termios.FIONREAD, b"\0\0\0\0")
        return struct.unpack("i", buf)[0]

    def _foreground(self):
        try:
            pgrp = os.tcgetpgrp(self.master)
        except OSError:
            return [self.pid]
        members = [p for p in _descendants(self.pid) if _pgrp(p) == pgrp]
        return members or [self.pid]

    def _settled(self):
        if self._queued_input():
            return False
        return all(_waiting_for_tty(p) and _threads_asleep(p)
                   for p in self._foreground())

    def _activity(self):
        return sum(_switches(p) for p in self._foreground()) + _switches(self.pid)

    def _blind_key(self, data):
        """Whether data is a key the tty keeps without a sign: typed with
        echo off (stty -echo, read -s) in canonical mode, nobody wakes up
        before the line ends and nothing is shown."""
        if data is None or any(b < 0x20 or b == 0x7f for b in data):
            return False
        lflag = termios.tcgetattr(self.slave)[3]
        return bool(lflag & termios.ICANON) and not lflag & termios.ECHO

    def wait_settled(self, before_out, before_act, timeout=STEP_TIMEOUT, data=None):
        """Wait until a key sent after (before_out, before_act) is handled.

        Handled means the terminal shows a reaction (output) or the
        foreground process woke up, and then everything is quiet again;
        a key typed blind into a canonical line shows neither.
        """
        blind = self._blind_key(data)
        deadline = time.monotonic() + timeout
        wait = 0.002
        while True:
            # Most keys settle within milliseconds; a running command may
            # take longer, and polling it fast would only load the machine.
            self._drain(wait)
            wait = min(wait * 1.5, 0.05)
            if self.exited():
                self._drain(0.05)
                return "exit"
            self._answer_queries()
            reacted = (blind or len(self.out) > before_out
                       or self._activity() != before_act)
            if reacted and self._settled():
                # Output of the last write may still be in the pty's
                # buffer work queue: quiet means quiet for a moment, with
                # nobody woken up in between.
                act = self._activity()
                if (not self._drain(SETTLE_SECONDS) and self._settled()
                        and self._activity() == act):
                    return "idle"
            if time.monotonic() > deadline:
                raise DriveError("no settled terminal after %.0f s "
                                 "(step %d)" % (timeout, self.step))

    def _answer_queries(self):
        """Answer cursor-position requests (ESC[6n) as a terminal would.

        busybox ash asks after every prompt; an unanswered request would
        leave it waiting where a real client answers at once.
        """
        count = self.out.count(b"\x1b[6n")
        while self.dsr_seen < count:
            self.dsr_seen += 1
            row, col = self.cursor()
            os.write(self.master, b"\x1b[%d;%dR" % (row, col))

    def cursor(self):
        """Row and column (1-based) of the cursor, good enough for a prompt.

        Tracks printable characters since the last CR or LF and the number
        of lines so far; escape sequences take no room.
        """
        text = self.out.decode("utf-8", "replace")
        text = re.sub(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)?"
                      r"|\x1b[()][0-9A-Za-z]|\x1b[^\[\]()]", "", text)
        row = min(self.rows, text.count("\n") + 1)
        tail = re.split(r"[\r\n]", text)[-1]
        col = 0
        for ch in tail:
            if ch == "\b":
                col = max(0, col - 1)
            elif ch >= " ":
                col += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return row, col % self.cols + 1

    def send(self, data):
        """Type data (one key or key sequence) and wait for the shell."""
        self.step += 1
        before_out, before_act = len(self.out), self._activity()
        os.write(self.master, data)
        return self.wait_settled(before_out, before_act, data=data)

    def _command_sleeps(self):
        """Whether a command has the terminal and sleeps (nanosleep,
        clock_nanosleep): keys typed now are typeahead.  The command may
        be the shell itself: ksh93's `sleep` is a builtin, so its shell
        sleeps in the foreground group; a shell at its prompt reads
        instead."""
        try:
            pgrp = os.tcgetpgrp(self.master)
        except OSError:
            return False
        members = [p for p in _descendants(self.pid) if _pgrp(p) == pgrp]
        return bool(members) and all(
            (_read_text("/proc/%d/syscall" % p) or "").split()[:1] in (["35"], ["230"])
            for p in members)

    def send_until_running(self, data, timeout=STEP_TIMEOUT):
        """Type data (the Enter of a command that sleeps) and wait only
        until the command runs, asleep, with the terminal."""
        self.step += 1
        os.write(self.master, data)
        deadline = time.monotonic() + timeout
        while not self._command_sleeps():
            self._drain(0.002)
            self._answer_queries()
            if self.exited() or time.monotonic() > deadline:
                raise DriveError("no command running after step %d" % self.step)
        self._drain(SETTLE_SECONDS)
        return "running"

    def type_ahead(self, data):
        """Type data while the command runs: the tty echoes it among the
        command's output and the shell reads it at its next prompt.  The
        command must still sleep once the echo is out, or the bytes would
        depend on the timing."""
        self.step += 1
        before_out, before_act = len(self.out), self._activity()
        os.write(self.master, data)
        deadline = time.monotonic() + STEP_TIMEOUT
        while len(self.out) - before_out < len(data):
            self._drain(0.01)
            if time.monotonic() > deadline:
                raise DriveError("typeahead not echoed (step %d)" % self.step)
        if not self._command_sleeps():
            raise DriveError("the command ended before its typeahead was echoed "
                             "(step %d)" % self.step)
        return self.wait_settled(before_out, before_act)

    def start(self):
        """Wait for the first prompt."""
        return self.wait_settled(0, -1)

    def close(self):
        if not self.exited():
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                pass
            os.waitpid(self.pid, 0)
        os.close(self.slave)
        os.close(self.master)

    def app_cursor_keys(self):
        """Whether the shell switched the cursor keys to application mode."""
        on, off = self.out.rfind(b"\x1b[?1h"), self.out.rfind(b"\x1b[?1l")
        return on > off
