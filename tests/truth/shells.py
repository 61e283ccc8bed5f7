"""The shell set-ups: how each is started, its rc files, and its hook.

Everything lives in a fresh temporary HOME: no file and no variable of
the user running the harness reaches the shell.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))
RC = os.path.join(HERE, "rc")

# Features a set-up's line editor supports; the key generator draws only
# from these.  dash (Debian builds it without libedit) edits in the tty's
# canonical mode: BS, ^W, ^U and ^C, nothing else.
EDITING = {"typo_bs", "ctrl_w", "ctrl_u", "mid_insert", "home_end",
           "up_recall", "ctrl_r_accept", "ctrl_r_cancel", "tab_complete",
           "tab_list", "wrap_edit"}
COMMON = {"plain", "ctrl_c", "multiline_loop", "multiline_quote",
          "colour", "progress", "clear", "less", "utf8", "cjk", "wrap"}
POSIX = COMMON | {"heredoc"}


class Setup:
    def __init__(self, name, shell, features, hook, **kw):
        self.name = name
        self.shell = shell          # family: bash, dash, zsh, fish, busybox
        self.features = features
        self.hook = hook            # True: truth from the shell's hook
        self.hist_verify = kw.get("hist_verify", False)
        self.tab_list_keys = kw.get("tab_list_keys", 2)
        self.silent_cancel = kw.get("silent_cancel", False)
        self.nonascii_echo = kw.get("nonascii_echo", True)


SETUPS = [
    Setup("bash-debian", "bash", POSIX | EDITING | {"bang_bang", "bang_dollar"}, True),
    Setup("bash-al2023", "bash", POSIX | EDITING | {"bang_bang", "bang_dollar"}, True),
    Setup("bash-sh", "bash", POSIX | EDITING | {"bang_bang", "bang_dollar"}, True),
    Setup("dash", "dash", POSIX | {"typo_bs", "ctrl_w", "ctrl_u"}, False),
    Setup("zsh-plain", "zsh", POSIX | EDITING | {"bang_bang", "bang_dollar"},
          True, tab_list_keys=1, silent_cancel=True),
    Setup("zsh-omz", "zsh", POSIX | EDITING | {"bang_bang", "bang_dollar"},
          True, tab_list_keys=1, silent_cancel=True, hist_verify=True),
    Setup("fish", "fish", COMMON | EDITING - {"ctrl_r_cancel"}, True,
          tab_list_keys=1),
    Setup("busybox", "busybox", POSIX | EDITING - {"ctrl_r_accept", "ctrl_r_cancel"},
          False),
]
BY_NAME = {s.name: s for s in SETUPS}


# Session Manager sessions run as ssm-user, not root; when the harness
# runs as root the shells run as this unprivileged uid (nobody), so the
# prompts end in "$" and "%" as they do in the field.
UNPRIVILEGED = 65534


def session_uid():
    return UNPRIVILEGED if os.getuid() == 0 else None


def _rc(name, truth):
    with open(os.path.join(RC, name), encoding="utf-8") as f:
        return f.read().replace("@TRUTH@", "'%s'" % truth)


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def prepare(setup, home, truth):
    """Write the set-up's rc files under home; return (program, argv, env)."""
    env = {"HOME": home, "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "PATH": "/usr/local/bin:/usr/bin:/bin",
           "HISTFILE": os.path.join(home, ".history")}
    name = setup.name
    if name == "bash-debian":
        _write(home + "/.bashrc", _rc("bash-debian.bashrc", truth)
               + _rc("bash-hook.sh", truth))
        argv = ["bash", "-i"]
    elif name == "bash-al2023":
        _write(home + "/.bashrc", _rc("bash-al2023.bashrc", truth)
               + _rc("bash-hook.sh", truth))
        argv = ["bash", "-i"]
    elif name == "bash-sh":
        # What SSM starts on Amazon Linux: sh, that is bash in POSIX
        # mode with its default prompt "sh-5.2$ "; POSIX mode reads $ENV.
        _write(home + "/.shrc", _rc("bash-hook.sh", truth))
        env["ENV"] = home + "/.shrc"
        argv = ["sh", "-i"]
        return "bash", argv, env
    elif name == "dash":
        argv = ["dash", "-i"]
    elif name == "zsh-plain":
        _write(home + "/.zshrc", _rc("zsh-plain.zshrc", truth)
               + _rc("zsh-hook.zsh", truth))
        argv = ["zsh", "-i"]
    elif name == "zsh-omz":
        _write(home + "/.zshrc", _rc("zsh-omz.zshrc", truth)
               + _rc("zsh-hook.zsh", truth))
        argv = ["zsh", "-i"]
    elif name == "fish":
        # Without this folder fish 3.6 starts fish_update_completions in
        # the background on its first run, a minute of man-page parsing.
        os.makedirs(home + "/.local/share/fish/generated_completions")
        _write(home + "/.config/fish/conf.d/sl_truth.fish",
               _rc("fish-hook.fish", truth))
        argv = ["fish", "-i"]
    elif name == "busybox":
        argv = ["busybox", "ash", "-i"]
    else:
        raise ValueError(name)
    return argv[0], argv, env


def make_workdir(home):
    """The files the scripted commands use (completion, less, grep)."""
    work = os.path.join(home, "work")
    os.makedirs(work)
    files = {
        "alpha_report.txt": "quarterly report\nall green\n",
        "alpha_notes.txt": "notes about alpha\nbanana\n",
        "beta.log": "".join("line %d of the beta log\n" % i for i in range(1, 80)),
        "notes.txt": "apple\nbanana\ncherry\nbandana\n",
    }
    for name, text in files.items():
        _write(os.path.join(work, name), text)
    return work
