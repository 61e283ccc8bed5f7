"""Keystroke scripts generated from a seed.

A session is a list of items; each item is one thing the user does at a
prompt (type and run a command, cancel a line, page through less) with
the keys pressed, the features it exercises, and what the script expects
to run: the final edited line(s), or nothing for a cancelled line.  For
shells with a hook the hook is the truth and this expectation only checks
the script; for dash and busybox it is the truth ("script truth").
"""

import random

# Keys whose bytes depend on the terminal mode (DECCKM), resolved when sent.
LEFT, RIGHT, UP, DOWN, HOME, END = "LEFT", "RIGHT", "UP", "DOWN", "HOME", "END"
ENTER, BS, TAB = b"\r", b"\x7f", b"\t"
CTRL_C, CTRL_R, CTRL_U, CTRL_W = b"\x03", b"\x12", b"\x15", b"\x17"
ESC = b"\x1b"   # vi editing: leave insert mode
# Emacs-style editing keys of readline, zle, fish and busybox: Alt is ESC
# then the letter, as xterm sends it with metaSendsEscape.
ALT_B, ALT_F, ALT_D = b"\x1bb", b"\x1bf", b"\x1bd"
CTRL_A, CTRL_E, CTRL_K = b"\x01", b"\x05", b"\x0b"
CTRL_L, CTRL_T, CTRL_Y = b"\x0c", b"\x14", b"\x19"
DELETE = b"\x1b[3~"
# Not a key: it ends an item whose command takes a while; the next
# item's keys are typed while that command still runs (typeahead).
AHEAD = "AHEAD"

CURSOR = {LEFT: "D", RIGHT: "C", UP: "A", DOWN: "B", HOME: "H", END: "F"}


def key_bytes(key, app_mode):
    """The bytes an xterm sends for key: SS3 forms in application mode."""
    if isinstance(key, bytes):
        return key
    return (b"\x1bO" if app_mode else b"\x1b[") + CURSOR[key].encode()


def typed(text):
    """One key per character, as a person types."""
    return [ch.encode("utf-8") for ch in text]


class Item:
    def __init__(self, features, keys, lines, cancelled=False,
                 undeterminable=None, shown=None):
        self.features = list(features)
        self.keys = keys
        self.lines = lines              # expected command lines, or None
        self.cancelled = cancelled
        self.undeterminable = undeterminable  # class name, or None
        self.shown = shown              # how the terminal shows it, if not lines

    def to_json(self):
        return {"features": self.features, "lines": self.lines,
                "cancelled": self.cancelled,
                "undeterminable": self.undeterminable, "shown": self.shown}


SIMPLE = ["pwd", "ls", "id -u", "uname -s", "wc -l notes.txt", "cat notes.txt",
          "printf '%s\\n' one two", "head -3 beta.log", "grep an notes.txt",
          "true", "ls -l", "tail -2 beta.log", "cut -c1-3 notes.txt"]
WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
         "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]
JUNK = ["xq", "zzk", "qwv", "jjx", "vvq", "kqz"]


class Generator:
    def __init__(self, setup, seed, cols):
        self.setup = setup
        self.rng = random.Random("%s/%d" % (setup.name, seed))
        self.seed = seed
        self.cols = cols
        self.history = []   # executed single-line commands, newest last
        # Every executed entry's text, a multi-line one's lines joined:
        # what the shells' history searches look in (bash under lithist,
        # zsh and fish keep a loop or a quoted line as one entry).
        self.entries = []
        self.tags = 0

    # -- commands -------------------------------------------------------
    def tagged(self):
        """An echo with a word found nowhere else: Ctrl-R can find it."""
        self.tags += 1
        return "echo %s%d %s" % (self.rng.choice(WORDS), self.rng.randrange(100, 999),
                                 self.rng.choice(WORDS))

    def simple(self):
        if self.rng.random() < 0.5:
            return self.tagged()
        return self.rng.choice(SIMPLE)

    def recallable(self, pred=lambda c: True):
        ok = [c for c in self.history if pred(c)]
        return ok[-1] if ok and pred(self.history[-1]) else None

    # -- items ----------------------------------------------------------
    def run(self, features, keys, cmd, **kw):
        lines = cmd if isinstance(cmd, list) else [cmd]
        self.entries.append("\n".join(lines))
        if len(lines) == 1:
            self.history.append(lines[0])
        else:
            self.history.append(None)   # multi-line: not recalled
        return Item(features, keys, lines, **kw)

    def f_plain(self):
        c = self.simple()
        return self.run(["plain"], typed(c) + [ENTER], c)

    def f_typo_bs(self):
        c = self.simple()
        i = self.rng.randrange(1, len(c) + 1)
        junk = self.rng.choice(JUNK)
        keys = typed(c[:i] + junk) + [BS] * len(junk) + typed(c[i:]) + [ENTER]
        return self.run(["typo_bs"], keys, c)

    def f_ctrl_w(self):
        c = self.tagged()
        cut = [i + 1 for i, ch in enumerate(c) if ch == " "]
        i = self.rng.choice(cut)
        keys = typed(c[:i] + self.rng.choice(JUNK)) + [CTRL_W] + typed(c[i:]) + [ENTER]
        return self.run(["ctrl_w"], keys, c)

    def f_ctrl_u(self):
        c = self.simple()
        keys = typed("rm -rf " + self.rng.choice(JUNK)) + [CTRL_U] + typed(c) + [ENTER]
        return self.run(["ctrl_u"], keys, c)

    def f_mid_insert(self):
        c = self.tagged()
        i = self.rng.randrange(2, len(c) - 2)
        j = self.rng.randrange(i + 1, len(c))
        keys = typed(c[:i] + c[j:]) + [LEFT] * (len(c) - j) + typed(c[i:j]) + [ENTER]
        return self.run(["mid_insert"], keys, c)

    def f_home_end(self):
        c = self.tagged()
        keys = typed(c[1:]) + [HOME] + typed(c[0]) + [END] + typed(" x") + [ENTER]
        return self.run(["home_end"], keys, c + " x")

    def f_up_recall(self):
        p = self.recallable(lambda c: c is not None and c.startswith("echo "))
        if p is None:
            return None
        k = self.rng.randrange(1, 4)
        new = p[:-k] + "zz"
        keys = [UP] + [BS] * k + typed("zz") + [ENTER]
        return self.run(["up_recall"], keys, new)

    def _searchable(self):
        """A recent echo whose first argument occurs in no other command,
        a multi-line one's lines too: a search for it recalls that echo,
        never a loop that holds the word (bash-sh 403: `echo` found a
        for loop)."""
        for c in reversed(self.history[-6:]):
            if c and c.startswith("echo "):
                word = c.split()[1]
                if sum(1 for h in self.entries if word in h) == 1:
                    return c, word
        return None, None

    def f_ctrl_r_accept(self):
        c, word = self._searchable()
        if c is None:
            return None
        keys = [CTRL_R] + typed(word) + [ENTER]
        if self.setup.shell == "fish":
            keys.append(ENTER)   # the history pager fills the line; Enter runs it
        return self.run(["ctrl_r_accept"], keys, c)

    def f_ctrl_r_cancel(self):
        c, word = self._searchable()
        if c is None:
            return None
        new = self.tagged()
        keys = [CTRL_R] + typed(word) + [self.setup.search_cancel] + typed(new) + [ENTER]
        return self.run(["ctrl_r_cancel"], keys, new)

    def f_tab_complete(self):
        keys = typed("wc -l bet") + [TAB, ENTER]
        return self.run(["tab_complete"], keys, "wc -l beta.log")

    def f_tab_list(self):
        keys = (typed("cat alpha_") + [TAB] * self.setup.tab_list_keys
                + typed("r") + [TAB, ENTER])
        return self.run(["tab_list"], keys, "cat alpha_report.txt")

    def f_ctrl_c(self):
        c = self.tagged()
        part = c[:self.rng.randrange(3, len(c))]
        undet = "silent-cancel" if self.setup.silent_cancel else None
        return Item(["ctrl_c"], typed(part) + [CTRL_C], None, cancelled=True,
                    undeterminable=undet, shown=[part])

    def long_echo(self, length):
        words = []
        while len("echo " + " ".join(words)) < length:
            words.append(self.rng.choice(WORDS))
        return "echo " + " ".join(words)

    def f_wrap(self):
        c = self.long_echo(self.rng.randrange(self.cols + 5, self.cols * 2))
        return self.run(["wrap"], typed(c) + [ENTER], c)

    def f_wrap_edit(self):
        # Start about a prompt's width short of the margin, so the junk and
        # its erasure cross the wrap; then go back across it and insert.
        c = self.long_echo(self.cols - self.rng.randrange(0, 25))
        junk = "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"
        back = self.rng.randrange(5, min(40, len(c) - 6))
        ins = " wrapped"
        pos = len(c) - back
        keys = (typed(c + junk) + [BS] * len(junk) + [LEFT] * back
                + typed(ins) + [END, ENTER])
        return self.run(["wrap_edit"], keys, c[:pos] + ins + c[pos:])

    def f_multiline_loop(self):
        if self.setup.shell == "fish":
            lines = ["for i in 1 2 3", "echo item $i", "end"]
        else:
            lines = ["for i in 1 2 3", "do", "echo item $i", "done"]
        keys = []
        for line in lines:
            keys += typed(line) + [ENTER]
        return self.run(["multiline_loop"], keys, lines)

    def f_multiline_quote(self):
        lines = ['echo "first %s' % self.rng.choice(WORDS), 'second line"']
        keys = typed(lines[0]) + [ENTER] + typed(lines[1]) + [ENTER]
        return self.run(["multiline_quote"], keys, lines)

    def f_heredoc(self):
        lines = ["cat <<EOF", "%s %s" % (self.rng.choice(WORDS), self.rng.choice(WORDS)),
                 "the end", "EOF"]
        keys = []
        for line in lines:
            keys += typed(line) + [ENTER]
        return self.run(["heredoc"], keys, lines)

    def _bang(self, feature, typed_text, expand):
        p = self.recallable(lambda c: c is not None and c.startswith("echo "))
        if p is None:
            return None
        keys = typed(typed_text) + [ENTER]
        if self.setup.hist_verify:
            keys.append(ENTER)   # hist_verify: the first Enter only expands
        return self.run([feature], keys, expand(p))

    def f_bang_bang(self):
        return self._bang("bang_bang", "!!", lambda p: p)

    def f_bang_dollar(self):
        return self._bang("bang_dollar", "echo !$", lambda p: "echo " + p.split()[-1])

    def f_colour(self):
        c = self.rng.choice(["ls --color=always", "ls -l --color=always",
                             "grep --color=always an notes.txt"])
        return self.run(["colour"], typed(c) + [ENTER], c)

    def f_progress(self):
        if self.setup.shell == "fish":
            c = "for i in 1 2 3 4 5; printf '\\rprogress %d%%' (math $i '*' 20); end; echo"
        else:
            c = "for i in 1 2 3 4 5; do printf '\\rprogress %d%%' $((i*20)); done; echo"
        return self.run(["progress"], typed(c) + [ENTER], c)

    def f_clear(self):
        return self.run(["clear"], typed("clear") + [ENTER], "clear")

    def f_less(self):
        c = "less beta.log"
        return self.run(["less"], typed(c) + [ENTER, b" ", b"q"], c)

    def f_utf8(self):
        c = "echo héllo wörld café"
        return self.run(["utf8"], typed(c) + [ENTER], c)

    def f_cjk(self):
        c = "echo 日本語のテスト 中文"
        undet = None if self.setup.wide_echo else "wide-echo"
        return self.run(["cjk"], typed(c) + [ENTER], c, undeterminable=undet)

    def f_vi_edit(self):
        """vi editing keys (bash `set -o vi`): Esc to command mode, then
        one of: back two words and delete the junk word (b b dw), append
        (A); delete the stray last character (x), append; delete the whole
        line (dd), insert (i) and type the command again; go to the start
        (0), forward a word (w), insert there (i)."""
        c = self.tagged()
        words = c.split(" ")
        how = self.rng.choice(["dw", "x", "dd", "w"])
        if how == "dw":
            typo = " ".join(words[:-1] + [self.rng.choice(JUNK), words[-1]])
            keys = typed(typo) + [ESC] + typed("bbdwA") + typed(" x") + [ENTER]
            return self.run(["vi_edit"], keys, c + " x")
        if how == "x":
            keys = typed(c + "q") + [ESC] + typed("xA") + typed(" x") + [ENTER]
            return self.run(["vi_edit"], keys, c + " x")
        if how == "dd":
            keys = (typed("rm -rf " + self.rng.choice(JUNK)) + [ESC] + typed("ddi")
                    + typed(c) + [ENTER])
            return self.run(["vi_edit"], keys, c)
        # "w": the echo's first word is inserted last
        rest = " ".join(words[2:])
        keys = typed("echo " + rest) + [ESC] + typed("0wi") + typed(words[1] + " ") + [ENTER]
        return self.run(["vi_edit"], keys, c)

    # -- more editing keys ---------------------------------------------
    # Drawn after the items above from a generator of their own (see
    # extras()), so that a seed's earlier items keep their keys.
    def f_alt_word(self):
        """Alt-b back over a word and insert before it, then Alt-f on to
        the end; or Alt-b onto a stray last word and Alt-d kill it.  Both
        end where every editor's word motion agrees (zle's and busybox's
        forward-word stop at the next word's start, readline's and fish's
        at the word's end)."""
        c = self.tagged()
        words = c.split(" ")
        if self.rng.random() < 0.5:
            keys = (typed("echo " + words[2]) + [ALT_B] + typed(words[1] + " ")
                    + [ALT_F] + typed(" x") + [ENTER])
            return self.run(["alt_word"], keys, c + " x")
        keys = typed(c + " " + self.rng.choice(JUNK)) + [ALT_B, ALT_D, ENTER]
        return self.run(["alt_word"], keys, c)

    def f_ctrl_a_e(self):
        c = self.tagged()
        keys = typed(c[1:]) + [CTRL_A] + typed(c[0]) + [CTRL_E] + typed(" x") + [ENTER]
        return self.run(["ctrl_a_e"], keys, c + " x")

    def f_ctrl_k(self):
        c = self.simple()
        junk = " " + self.rng.choice(JUNK)
        keys = typed(c + junk) + [LEFT] * len(junk) + [CTRL_K, ENTER]
        return self.run(["ctrl_k"], keys, c)

    def f_ctrl_y(self):
        """Ctrl-W kills the last word, a word is typed, Ctrl-Y yanks the
        killed one back after it."""
        c = self.tagged()
        words = c.split(" ")
        keys = (typed("echo " + words[2]) + [CTRL_W] + typed(words[1] + " ")
                + [CTRL_Y, ENTER])
        return self.run(["ctrl_y"], keys, c)

    def f_delete_key(self):
        c = self.tagged()
        i = self.rng.randrange(5, len(c))
        junk = self.rng.choice(JUNK)
        keys = (typed(c[:i] + junk + c[i:]) + [LEFT] * (len(c) - i + len(junk))
                + [DELETE] * len(junk) + [ENTER])
        return self.run(["delete_key"], keys, c)

    def f_ctrl_l(self):
        """Ctrl-L mid-line: the screen is cleared and the prompt and the
        line so far drawn again at the top."""
        c = self.simple()
        i = self.rng.randrange(1, len(c))
        keys = typed(c[:i]) + [CTRL_L] + typed(c[i:]) + [ENTER]
        return self.run(["ctrl_l"], keys, c)

    def f_transpose(self):
        c = self.tagged()
        keys = typed(c[:-2] + c[-1] + c[-2]) + [CTRL_T, ENTER]
        return self.run(["transpose"], keys, c)

    def f_tab_query(self):
        """A Tab listing of more candidates than the editor shows unasked:
        readline's "Display all 150 possibilities? (y or n)", zsh's "do
        you wish to see all 150 possibilities", answered n."""
        n = "%03d" % self.rng.randrange(1, 151)
        keys = (typed("wc -l ../many/file") + [TAB] * self.setup.tab_list_keys + typed("n")
                + typed(n + ".txt") + [ENTER])
        return self.run(["tab_query"], keys, "wc -l ../many/file%s.txt" % n)

    def f_history_tail(self):
        """Output that lists earlier commands."""
        c = "history | tail -%d" % self.rng.randrange(2, 6)
        return self.run(["history_tail"], typed(c) + [ENTER], c)

    def f_scroll(self):
        """Output longer than the screen: every row scrolls."""
        c = self.rng.choice(["cat beta.log", "seq 1 %d" % self.rng.randrange(60, 200)])
        return self.run(["scroll"], typed(c) + [ENTER], c)

    def f_typeahead(self):
        """The next command typed, Enter too, while the one before still
        prints: the tty echoes it among the output, and the shell reads
        it at its next prompt."""
        first = "echo start; sleep 1; echo %s" % self.rng.choice(WORDS)
        then = self.simple()
        return [self.run(["typeahead"], typed(first) + [ENTER, AHEAD], first),
                self.run(["typeahead"], typed(then) + [ENTER], then)]

    def extras(self):
        """Items of the editing keys above, after the seeded items: from a
        generator of their own, so that adding them changed no earlier
        item."""
        features = sorted(self.setup.extra_features)
        if not features:
            return []
        self.rng = random.Random("extra/%s/%d" % (self.setup.name, self.seed))
        items = []
        for _ in range(self.rng.randrange(1, 4)):
            got = getattr(self, "f_" + self.rng.choice(features))()
            items += got if isinstance(got, list) else [got]
        return items

    # -- echo off -------------------------------------------------------
    # Drawn from a generator of its own and put last, before exit, so that
    # the items before it (and their bytes) are those of the same seed
    # without it.
    BLIND = ["pwd", "id -u", "true", "wc -l notes.txt", "uname -s"]

    def no_echo(self):
        """Items typed with the terminal's echo off, or None (most seeds).

        Either a password read with echo off (`read pw` after `stty
        -echo`: the typed secret is input, not a command), or `stty -echo`
        and then commands typed blind and `stty echo`.  Where the line
        editor honours the tty's echo flag (readline, busybox, the tty's
        own canonical mode in dash) the blind lines are not in the bytes
        at all: an undeterminable class.  zsh's and fish's editors echo
        anyway.
        """
        rng = random.Random("no-echo/%s/%d" % (self.setup.name, self.seed))
        if rng.random() >= 0.4:
            return []
        undet = "no-echo" if self.setup.honours_echo else None
        if rng.random() < 0.5:
            c = "stty -echo; read pw; stty echo"
            secret = "pw%d" % rng.randrange(1000, 9999)
            return [Item(["no_echo"], typed(c) + [ENTER] + typed(secret) + [ENTER], [c],
                         shown=[secret])]
        items = [Item(["no_echo"], typed("stty -echo") + [ENTER], ["stty -echo"])]
        for c in rng.sample(self.BLIND, rng.randrange(1, 3)) + ["stty echo"]:
            items.append(Item(["no_echo"], typed(c) + [ENTER], [c], undeterminable=undet))
        return items

    # -- the session ----------------------------------------------------
    def pick(self, features):
        """One seeded item of one of features: five tries, as a feature
        may not fit the session so far (None when none did)."""
        for _attempt in range(5):
            item = getattr(self, "f_" + self.rng.choice(features))()
            if item is not None:
                return item
        return None

    def session(self):
        features = sorted(self.setup.features)
        items = [self.f_plain()]
        for _ in range(self.rng.randrange(6, 14)):
            item = self.pick(features)
            if item is not None:
                items.append(item)
        items += self.extras()
        items += self.no_echo()
        items.append(Item(["exit"], typed("exit") + [ENTER], ["exit"]))
        self.history.append("exit")
        self.entries.append("exit")
        return items
