"""Small fixed sessions, one per failure class, kept as real captured logs.

Each case is a set-up, a terminal size and a short keystroke script; the
harness runs it like any session and `run --make-cases` stores its S3 log,
streamed events and expected commands under tests/truth/cases/<name>/,
for the fixers to use as fixtures.  Unlike the seeded sessions they are
not remade on every run: the files are the bytes one real shell made.
"""

from keys import (BS, CTRL_C, CTRL_R, ENTER, LEFT, TAB, Item, typed)

LONG = ("echo alpha bravo charlie delta echo foxtrot golf hotel india juliet "
        "kilo lima mike november")


def cmd(text, *more, features=("plain",)):
    """Type text (and any further lines), Enter after each; it runs."""
    lines = [text] + list(more)
    keys = []
    for line in lines:
        keys += typed(line) + [ENTER]
    return Item(features, keys, lines)


def keys_then(keys, lines, features):
    return Item(features, keys, lines)


def cancel(text, undeterminable=None):
    return Item(["ctrl_c"], typed(text) + [CTRL_C], None, cancelled=True,
                undeterminable=undeterminable, shown=[text])


EXIT = Item(["exit"], typed("exit") + [ENTER], ["exit"])


def no_echo():
    """A password read with echo off, then commands typed blind."""
    read = "stty -echo; read pw; stty echo"
    return [Item(["no_echo"], typed(read) + [ENTER] + typed("s3cret") + [ENTER], [read],
                 shown=["s3cret"]),
            cmd("echo two"), cmd("stty -echo", features=("no_echo",))] + [
        Item(["no_echo"], typed(c) + [ENTER], [c], undeterminable="no-echo")
        for c in ("pwd", "true", "stty echo")]

# name: (set-up, columns, rows, what it shows, items)
CASES = {
    "bash-ctrl-r-bracketed": (
        "bash-al2023", 80, 24,
        "Ctrl-R with bracketed paste on (bash 5.2 default): accepted search",
        [cmd("echo first"), cmd("echo second"),
         keys_then([CTRL_R] + typed("first") + [ENTER], ["echo first"], ["ctrl_r_accept"]),
         EXIT]),
    "bash-ctrl-c": (
        "bash-sh", 80, 24,
        "^C-cancelled lines, at the prompt and at a continuation prompt",
        [cmd("echo one"), cancel("echo never"),
         Item(["ctrl_c"], typed("for i in 1 2") + [ENTER] + typed("do echo x") + [CTRL_C],
              None, cancelled=True, shown=["for i in 1 2"]),
         cmd("echo two"), EXIT]),
    "bash-tab-listing": (
        "bash-debian", 80, 24,
        "a Tab listing redraws the prompt without re-sending ESC[?2004h",
        [cmd("echo start"),
         keys_then(typed("cat alpha_") + [TAB, TAB] + typed("r") + [TAB, ENTER],
                   ["cat alpha_report.txt"], ["tab_list"]),
         EXIT]),
    "bash-wrap-exact": (
        "bash-sh", 40, 24,
        "a command ending exactly at the right margin (readline's ' \\r'), then output",
        [cmd("echo " + "x" * (40 - len("sh-5.2$ ") - len("echo "))), cmd("echo after"), EXIT]),
    "bash-wrap-backspace": (
        "bash-sh", 40, 24,
        "backspacing across a real wrap",
        [keys_then(typed("echo alpha bravo charlie delta echo foxtrot") + [BS] * 20
                   + typed("golf") + [ENTER], ["echo alpha bravo charligolf"], ["wrap_edit"]),
         EXIT]),
    "bash-history-expansion": (
        "bash-debian", 80, 24,
        "!! and !$ are echoed expanded on the next row; the expansion ran",
        [cmd("echo alpha bravo"), keys_then(typed("!!") + [ENTER], ["echo alpha bravo"], ["bang_bang"]),
         keys_then(typed("echo !$") + [ENTER], ["echo bravo"], ["bang_dollar"]), EXIT]),
    "bash-prompt-after-output": (
        "bash-sh", 80, 24,
        "a prompt drawn after output without a final newline",
        [cmd("printf done"), cmd("echo next"), EXIT]),
    "dash-ctrl-c": (
        "dash", 80, 24,
        "dash echoes ^C and draws a fresh prompt: not a command",
        [cmd("echo one"), cancel("echo never"), cmd("echo two"), EXIT]),
    "busybox-clear": (
        "busybox", 80, 24,
        "busybox clears with ESC[H ESC[J; lines before it stay (clear keeps lines)",
        [cmd("echo before"), cmd("clear", features=("clear",)), cmd("echo after"), EXIT]),
    "busybox-prompt": (
        "busybox", 80, 24,
        "busybox ash's default prompt '\\w $ ' after a cursor-position query",
        [cmd("echo one"), cmd("echo two"), EXIT]),
    "zsh-default-prompt": (
        "zsh-plain", 80, 24,
        "zsh's default 'host% ' prompt and its end-of-line mark for output without newline",
        [cmd("echo one"), cmd("printf nonl"), cmd("echo two"), EXIT]),
    "zsh-continuation": (
        "zsh-plain", 80, 24,
        "zsh continuation prompts for>, dquote>, heredoc>",
        [cmd("for i in 1 2", "do", "echo item $i", "done", features=("multiline_loop",)),
         cmd('echo "open', 'close"', features=("multiline_quote",)),
         cmd("cat <<EOF", "body", "EOF", features=("heredoc",)), EXIT]),
    "zsh-silent-cancel": (
        "zsh-plain", 80, 24,
        "zsh leaves a Ctrl-C'd line without ^C: undeterminable, to be flagged",
        [cmd("echo one"), cancel("echo never", "silent-cancel"), cmd("echo two"), EXIT]),
    "omz-prompt": (
        "zsh-omz", 80, 24,
        "oh-my-zsh robbyrussell '➜  dir ' prompt, OSC titles, keypad mode",
        [cmd("echo one"), cmd("ls"), EXIT]),
    "omz-hist-verify": (
        "zsh-omz", 80, 24,
        "hist_verify: the first Enter only expands !! into the line",
        [cmd("echo alpha"),
         keys_then(typed("!!") + [ENTER, ENTER], ["echo alpha"], ["bang_bang"]), EXIT]),
    "omz-prompt-lookalike": (
        "zsh-omz", 80, 24,
        "output that looks like a prompt in a session whose real prompt is not recognised",
        [cmd("echo '$ make install'"), cmd("printf '# Notes\\n'"), EXIT]),
    "busybox-wrap": (
        "busybox", 60, 24,
        "a command longer than the width: busybox wraps with CR LF",
        [cmd(LONG, features=("wrap",)), cmd("echo after"), EXIT]),
    "busybox-tab-listing": (
        "busybox", 80, 24,
        "a Tab listing, then the prompt and the line drawn again",
        [keys_then(typed("cat alpha_") + [TAB, TAB] + typed("r") + [TAB, ENTER],
                   ["cat alpha_report.txt"], ["tab_list"]), EXIT]),
    "busybox-tab-listing-wrap": (
        "busybox", 46, 24,
        "the line drawn again after a Tab listing reaches the width: busybox's "
        "CR LF wrap on a row where it did not ask for the cursor",
        [cmd("echo hotel260 mike"),
         keys_then(typed("cat alpha_") + [TAB, TAB] + typed("r") + [TAB, ENTER],
                   ["cat alpha_report.txt"], ["tab_list"]), EXIT]),
    "zsh-ctrl-r-cancel": (
        "zsh-plain", 80, 24,
        "Ctrl-R, then ^G: the search is dropped and another line typed",
        [cmd("echo first"),
         keys_then([CTRL_R] + typed("first") + [b"\x07"] + typed("echo other") + [ENTER],
                   ["echo other"], ["ctrl_r_cancel"]), EXIT]),
    "busybox-wide-echo": (
        "busybox", 80, 24,
        "busybox echoes each CJK character as '?': undeterminable, to be flagged",
        [cmd("echo one"),
         Item(["cjk"], typed("echo 日本語 中文") + [ENTER], ["echo 日本語 中文"],
              undeterminable="wide-echo"),
         cmd("echo two"), EXIT]),
    "fish-multiline": (
        "fish", 80, 24,
        "fish continues an open block or quote in the editor, without a prompt",
        [cmd("for i in 1 2", "echo item $i", "end", features=("multiline_loop",)),
         cmd('echo "open', 'close"', features=("multiline_quote",)), EXIT]),
    "fish-ctrl-r-cancel": (
        "fish", 80, 24,
        "fish 3.6's history pager on Ctrl-R, closed with ^C, then another line",
        [cmd("echo first"),
         keys_then([CTRL_R] + typed("first") + [CTRL_C] + typed("echo other") + [ENTER],
                   ["echo other"], ["ctrl_r_cancel"]), EXIT]),
    "dash-no-echo": (
        "dash", 80, 24,
        "stty -echo: the tty shows nothing typed, output follows the prompt",
        [cmd("echo one")] + no_echo() + [EXIT]),
    "busybox-no-echo": (
        "busybox", 80, 24,
        "stty -echo: busybox reads without its editor (no cursor query)",
        [cmd("echo one")] + no_echo() + [EXIT]),
    "bash-no-echo": (
        "bash-debian", 80, 24,
        "stty -echo: readline shows the prompt only, then the output",
        [cmd("echo one")] + no_echo() + [EXIT]),
    "fish-defaults": (
        "fish", 80, 24,
        "fish 3.6 redraws each key with CR and cursor-forward",
        [cmd("echo one"), cmd("echo two"), EXIT]),
    "fish-edit": (
        "fish", 80, 24,
        "fish with an edit mid-line",
        [keys_then(typed("echo helo") + [LEFT] + typed("l") + [ENTER], ["echo hello"], ["mid_insert"]),
         EXIT]),
}
