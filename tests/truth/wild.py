"""The `wild` set-ups: what Session Manager users really meet and the
other groups do not: the agent's own `sh` with a bash started from it
and left again, Liquid Prompt, mksh and ksh93.

They live apart from shells.py and keys.py (as extra.py's do) so that
adding them keeps the cached sessions of the other set-ups: a set-up's
cache version hashes the harness files, its rc parts and this file.

Truth:
- sh-bash, sh-bash-al: the outer sh (dash; bash as sh) has no hook: its
  lines, `bash` and the inner shell's `exit` are the keystroke script's;
  the lines run by the inner bash are its hook's.  merge_truth() puts
  them in order in truth.json ("hook+script").
- bash-liquid: the bash hook (PROMPT_COMMAND + history 1).
- mksh, ksh93: the keystroke script (mksh has no hook; ksh93's DEBUG
  trap sees simple commands, not the lines typed).
"""

import json
import os

import keys
import shells
from keys import ENTER, typed

VERSION_FILES = (os.path.abspath(__file__),)

# What dash edits (the tty's canonical mode) and what a session there does.
DASH = shells.POSIX | {"typo_bs", "ctrl_w", "ctrl_u"}
# The ksh emacs modes: no `!` history expansion, and ^R and Tab
# listings differ from readline's (^R searches on Enter, a second Tab
# prints a numbered menu): left out.  mksh's ^W kills a word back as
# readline's does; ksh93's kills the region to the mark (with no mark
# set, the whole line), so ^W and ^Y are mksh's only.
KSH_EDITING = (shells.POSIX | shells.EDITING
               - {"ctrl_r_accept", "ctrl_r_cancel", "tab_list"})
MKSH_EXTRA = shells.EXTRA_KILL_RING
KSH93_EXTRA = shells.EXTRA_EDITOR | {"transpose"}


class ScriptItem(keys.Item):
    """An item whose truth is the keystroke script even in a set-up with
    a hook: run by the outer sh, or the inner shell's exit."""

    def to_json(self):
        d = super().to_json()
        d["script_truth"] = True
        return d


def _script_item(item):
    s = ScriptItem(item.features, item.keys, item.lines, item.cancelled,
                   item.undeterminable, item.shown)
    return s


class Generator(keys.Generator):
    """keys.Generator with the shell switches of the sh set-ups and the
    history of shells that keep a cancelled line."""

    def f_ctrl_c(self):
        """keys.Generator's, and where the shell puts the cancelled line
        in its history (mksh), that line: Up after it recalls it, not the
        last command that ran (mksh 38 recalled `echo hotel163 k`)."""
        item = super().f_ctrl_c()
        if getattr(self.setup, "cancel_in_history", False):
            self.history.append(item.shown[0])
            self.entries.append(item.shown[0])
        return item

    def outer_items(self, n):
        """n items typed at the outer sh (from dash's features)."""
        features = sorted(DASH)
        items = []
        for _ in range(n):
            item = self.pick(features)
            if item is not None:
                items.append(_script_item(item))
        return items

    def switched(self):
        """sh, then a bash (a login one as `sudo -i` starts, or not),
        the seeded items there, its exit, and sh again."""
        how = self.rng.choice(["bash", "bash -l"])
        items = self.outer_items(self.rng.randrange(1, 4))
        items.append(_script_item(self.run(["shell_switch"], typed(how) + [ENTER], how)))
        self.history = []   # the inner bash's history starts empty
        features = sorted(self.setup.features)
        items.append(self.f_plain())
        for _ in range(self.rng.randrange(5, 12)):
            item = self.pick(features)
            if item is not None:
                items.append(item)
        items += self.extras()
        items += self.no_echo()
        items.append(ScriptItem(["shell_switch"], typed("exit") + [ENTER], ["exit"]))
        self.history = []
        self.rng.seed("outer-after/%s/%d" % (self.setup.name, self.seed))
        items += self.outer_items(self.rng.randrange(0, 3))
        items.append(ScriptItem(["exit"], typed("exit") + [ENTER], ["exit"]))
        return items

    def session(self):
        if self.setup.switch:
            return self.switched()
        return super().session()


def merge_truth(setup, folder):
    """Rewrite folder's truth.json for a set-up whose outer sh has no
    hook: the script's lines outside the inner bash, its hook's inside."""
    path = os.path.join(folder, "truth.json")
    with open(path, encoding="utf-8") as f:
        summary = json.load(f)
    if not getattr(setup, "switch", False) or summary["error"] or summary["truth_source"] != "hook":
        return summary
    # session.hook_commands added the final exit (bash runs no
    # PROMPT_COMMAND after exit); that exit is the outer sh's.
    inner = summary["hook"][:-1]
    merged, placed = [], False
    for item in summary["items"]:
        if item.get("script_truth"):
            if item["lines"] and not item["cancelled"]:
                merged.append(item["lines"])
        elif not placed:
            merged += inner
            placed = True
    summary["hook"] = merged
    summary["truth_source"] = "hook+script"
    with open(path, "w", encoding="utf-8") as f:
        json.dump(summary, f, ensure_ascii=False, indent=1)
    return summary


def _setup(name, shell, features, hook, argv, rc, **kw):
    switch = kw.pop("switch", False)
    files = kw.pop("files", {})
    honours_echo = kw.pop("honours_echo", None)
    cancel_in_history = kw.pop("cancel_in_history", False)
    s = shells.Setup(name, shell, features, hook, argv, rc, group="wild", **kw)
    if honours_echo is not None:
        s.honours_echo = honours_echo
    s.switch = switch
    s.cancel_in_history = cancel_in_history
    s.files = files             # more files under HOME: {path: rc parts}
    s.generator = Generator
    s.version_files = VERSION_FILES + tuple(
        os.path.join(shells.RC, p) for parts in files.values() for p in parts)
    return s


BASH_EXTRA = shells.EXTRA_KILL_RING | {"tab_query"}
SETUPS = [
    # What the agent starts on Debian/Ubuntu: sh is dash; the user types
    # bash (or bash -l, as sudo -i starts) and later exits back to sh.
    _setup("sh-bash", "bash", shells.BASH_EDITING, True, ["dash", "-i"],
           (".bashrc", ["bash-debian.bashrc", "bash-hook.sh"]),
           files={".bash_profile": ["bash-login.profile"]},
           switch=True, extra_features=BASH_EXTRA),
    # Amazon Linux: sh is bash in POSIX mode ("sh-5.2$ ", bracketed
    # paste on, no title), then bash with the AL2023 prompt and title.
    _setup("sh-bash-al", "bash", shells.BASH_EDITING, True, ["sh", "-i"],
           (".bashrc", ["bash-al2023.bashrc", "bash-hook.sh"]),
           files={".bash_profile": ["bash-login.profile"]},
           program="bash", switch=True, extra_features=BASH_EXTRA),
    # Liquid Prompt on Debian's ~/.bashrc, in a git folder: colours, load,
    # git state, the title with the running command, runtime.
    _setup("bash-liquid", "bash", shells.BASH_EDITING, True, ["bash", "-i"],
           (".bashrc", ["bash-debian.bashrc", "bash-liquid.bashrc", "bash-hook.sh",
                        "bash-liquid-trap.sh"]),
           files={".config/liquidpromptrc": ["liquidpromptrc"]},
           git_work=True, extra_features=BASH_EXTRA),
    # Debian's mksh with its skeleton ~/.mkshrc: emacs mode; a line longer
    # than the width scrolls sideways instead of wrapping.  Its Ctrl-C
    # keeps the cancelled line in the history (tried in a pty: Up after
    # it recalls that line; ksh93, bash, zsh and busybox ash recall the
    # last line that ran).
    _setup("mksh", "mksh", KSH_EDITING, False, ["mksh", "-i"],
           (".mkshrc", ["mksh.mkshrc"]), extra_features=MKSH_EXTRA,
           cancel_in_history=True),
    # ksh93 (ksh93u+m) in emacs mode with a user@host:dir prompt.  Its
    # editor steps aside when the tty's echo is off (mksh's echoes).  Its
    # Ctrl-C writes no ^C, only the new line and the next prompt, which
    # is what Enter on a line with no output writes: a silent cancel.
    _setup("ksh93", "ksh", KSH_EDITING - {"ctrl_w"}, False, ["ksh93", "-i"],
           (".kshrc", ["ksh93.kshrc"]), extra_features=KSH93_EXTRA, honours_echo=True,
           silent_cancel=True),
]


def _prepare_files(prepare):
    """shells.prepare, then the set-up's further files (a wild set-up's
    ~/.bash_profile, ~/.config/liquidpromptrc)."""
    def wrapped(setup, home, truth):
        got = prepare(setup, home, truth)
        for name, parts in getattr(setup, "files", {}).items():
            shells._write(os.path.join(home, name),
                          "".join(shells._rc(p, truth) for p in parts))
        return got
    return wrapped


def register():
    """Add the wild set-ups to shells' tables (once)."""
    if not getattr(shells.prepare, "wild", False):
        shells.prepare = _prepare_files(shells.prepare)
        shells.prepare.wild = True
    for s in SETUPS:
        if s.name not in shells.BY_NAME:
            shells.SETUPS.append(s)
            shells.BY_NAME[s.name] = s
