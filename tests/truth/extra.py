"""The `extra` set-ups: common real configurations made with Debian's
own packages where they exist (the real zsh plugins, bash-completion),
and the vi modes of zsh, fish and readline's ~/.inputrc.

They live apart from shells.py and keys.py so that adding them keeps
the cached sessions of the other set-ups: a set-up's cache version
hashes the harness files, its rc parts and, for these, this file
(run's harness_version reads VERSION_FILES).
"""

import os

import keys
import shells
from keys import END, ENTER, RIGHT, TAB, typed

VERSION_FILES = (os.path.abspath(__file__),)


class Generator(keys.Generator):
    """keys.Generator with the features only these set-ups have."""

    def _suggestible(self):
        """(command, prefix): the newest echo whose first two words no
        newer line of the history starts with, so that a history
        autosuggestion for the prefix is that command."""
        newer = []
        for c in reversed(self.history):
            if c is None:
                return None, None   # a multi-line entry may match any echo
            words = c.split(" ")
            if c.startswith("echo ") and len(words) > 2:
                prefix = " ".join(words[:2]) + " "
                if not any(n.startswith(prefix) for n in newer):
                    return c, prefix
            newer.append(c)
        return None, None

    def f_suggest_accept(self):
        """Type the start of an earlier command, take the rest from the
        autosuggestion with Right or End, and run it (or add to it)."""
        c, prefix = self._suggestible()
        if c is None:
            return None
        how = self.rng.choice(["right", "end", "edit"])
        keys_ = typed(prefix) + [RIGHT if how == "right" else END]
        if how == "edit":
            keys_ += typed(" x")
            c += " x"
        return self.run(["suggest_accept"], keys_ + [ENTER], c)

    def f_tab_complete(self):
        if not self.setup.menu_complete:
            return super().f_tab_complete()
        # One candidate: menu-complete inserts it and a space.
        keys_ = typed("wc -l bet") + [TAB, ENTER]
        return self.run(["tab_complete"], keys_, "wc -l beta.log")

    def f_tab_list(self):
        if not self.setup.menu_complete:
            return super().f_tab_list()
        # The first Tab lists both candidates (show-all-if-ambiguous) and
        # inserts the first, alpha_notes.txt; the second cycles to the next.
        keys_ = typed("cat alpha_") + [TAB, TAB, ENTER]
        return self.run(["tab_list"], keys_, "cat alpha_report.txt")


def _setup(name, shell, features, argv, rc, **kw):
    menu_complete = kw.pop("menu_complete", False)
    s = shells.Setup(name, shell, features, True, argv, rc, group="extra", **kw)
    s.menu_complete = menu_complete
    s.generator = Generator
    s.version_files = VERSION_FILES
    return s


ZSH_RC = ".zshrc"
FISH_RC = ".config/fish/conf.d/sl_truth.fish"
SETUPS = [
    # zsh-autosuggestions and zsh-syntax-highlighting, Debian's packages.
    _setup("zsh-plugins", "zsh", shells.BASH_EDITING | {"suggest_accept"}, ["zsh", "-i"],
           (ZSH_RC, ["zsh-plugins.zshrc", "zsh-hook.zsh"]),
           tab_list_keys=1, silent_cancel=True),
    # bindkey -v, with ^R bound to the incremental search.
    _setup("zsh-vi", "zsh", shells.BASH_EDITING - {"ctrl_r_cancel"} | {"vi_edit"},
           ["zsh", "-i"], (ZSH_RC, ["zsh-plain.zshrc", "zsh-vi.zshrc", "zsh-hook.zsh"]),
           tab_list_keys=1, silent_cancel=True),
    # Debian's ~/.bashrc with bash-completion and ~/.inputrc's
    # menu-complete, show-all-if-ambiguous and colours.
    _setup("bash-completion", "bash", shells.BASH_EDITING, ["bash", "-i"],
           (".bashrc", ["bash-debian.bashrc", "bash-completion.bashrc", "bash-hook.sh"]),
           menu_complete=True),
    # Debian's ~/.bashrc with ~/.inputrc's vi mode and its mode string.
    _setup("bash-vimode", "bash", shells.BASH_EDITING | {"vi_edit"}, ["bash", "-i"],
           (".bashrc", ["bash-debian.bashrc", "bash-vimode.bashrc", "bash-hook.sh"])),
    # fish_vi_key_bindings: insert mode with the mode prompt; fish's own
    # autosuggestions.  (No vi_edit: fish binds Alt-letters in insert
    # mode and waits only 30 ms after Esc, so Esc and the next key, sent
    # as soon as fish is idle, would be read as one Alt-key.  No Ctrl-R:
    # fish 3.6's vi bindings leave it out of insert mode; its history
    # pager is "/" in normal mode.)
    _setup("fish-vi", "fish",
           shells.COMMON | shells.EDITING - {"ctrl_r_accept", "ctrl_r_cancel"}
           | {"suggest_accept"},
           ["fish", "-i"], (FISH_RC, ["fish-vi.fish", "fish-hook.fish"]),
           tab_list_keys=1, search_cancel=b"\x03"),
]


def register():
    """Add the extra set-ups to shells' tables (once)."""
    for s in SETUPS:
        if s.name not in shells.BY_NAME:
            shells.SETUPS.append(s)
            shells.BY_NAME[s.name] = s
