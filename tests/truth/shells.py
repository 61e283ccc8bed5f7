"""The shell set-ups: how each is started, its rc files, and its hook.

Everything lives in a fresh temporary HOME: no file and no variable of
the user running the harness reaches the shell.
"""

import os
import subprocess

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
    def __init__(self, name, shell, features, hook, argv, rc=None, **kw):
        self.name = name
        self.program = kw.get("program", argv[0])
        self.argv = argv
        # rc: (file under HOME, rc/ parts joined into it), or None
        self.rc_file, self.rc_parts = rc or (None, ())
        self.shell = shell          # family: bash, dash, zsh, fish, busybox
        self.features = features
        self.hook = hook            # True: truth from the shell's hook
        self.hist_verify = kw.get("hist_verify", False)
        self.tab_list_keys = kw.get("tab_list_keys", 2)
        self.silent_cancel = kw.get("silent_cancel", False)
        # busybox (built without wide-character support) echoes each
        # CJK character as "?": the command typed cannot be read back.
        self.wide_echo = kw.get("wide_echo", True)
        # The key that leaves a Ctrl-R search with the line as it was:
        # readline's and zle's abort (^G); fish 3.6's history pager closes
        # on ^C.
        self.search_cancel = kw.get("search_cancel", b"\x07")
        # Whether `stty -echo` hides what is typed at the prompt: readline
        # and busybox honour it, and dash reads in the tty's canonical
        # mode; zsh's and fish's editors echo whatever the tty says.
        self.honours_echo = shell in ("bash", "dash", "busybox")
        # The eight set-ups of make truth-check's baseline are "standard";
        # the set-ups added later ("more") run with --shell more and have
        # their own baseline (tests/truth/baseline-more).
        self.group = kw.get("group", "standard")
        # The working folder is a git repository (the prompt shows git's
        # branch and state).
        self.git_work = kw.get("git_work", False)
        # Editing keys drawn after the seeded items (keys.Generator.extras).
        self.extra_features = kw.get("extra_features", set())


BASH_EDITING = POSIX | EDITING | {"bang_bang", "bang_dollar"}
# What users do besides the features above; each shell's editor has the
# keys (busybox's lineedit lacks Ctrl-Y and Ctrl-T, dash has no editor).
# tab_query answers readline's and zle's "see all N possibilities?".
EXTRA_ANY = {"history_tail", "scroll", "typeahead"}
EXTRA_EDITOR = EXTRA_ANY | {"alt_word", "ctrl_a_e", "ctrl_k", "delete_key", "ctrl_l"}
EXTRA_KILL_RING = EXTRA_EDITOR | {"ctrl_y", "transpose"}
SETUPS = [
    Setup("bash-debian", "bash", BASH_EDITING, True, ["bash", "-i"],
          (".bashrc", ["bash-debian.bashrc", "bash-hook.sh"]),
          extra_features=EXTRA_KILL_RING | {"tab_query"}),
    Setup("bash-al2023", "bash", BASH_EDITING, True, ["bash", "-i"],
          (".bashrc", ["bash-al2023.bashrc", "bash-hook.sh"]),
          extra_features=EXTRA_KILL_RING | {"tab_query"}),
    # What SSM starts on Amazon Linux: sh, that is bash in POSIX mode with
    # its default prompt "sh-5.2$ ".
    Setup("bash-sh", "bash", BASH_EDITING, True, ["sh", "-i"],
          (".shrc", ["bash-hook.sh"]), program="bash",
          extra_features=EXTRA_KILL_RING | {"tab_query"}),
    # dash reads a line typed ahead without showing it again: the prompt
    # is followed by the command's output, as after a line typed blind
    # (the bytes cannot tell the command), so dash types nothing ahead.
    Setup("dash", "dash", POSIX | {"typo_bs", "ctrl_w", "ctrl_u"}, False, ["dash", "-i"],
          extra_features=EXTRA_ANY - {"typeahead"}),
    Setup("zsh-plain", "zsh", BASH_EDITING, True, ["zsh", "-i"],
          (".zshrc", ["zsh-plain.zshrc", "zsh-hook.zsh"]),
          tab_list_keys=1, silent_cancel=True,
          extra_features=EXTRA_KILL_RING | {"tab_query"}),
    Setup("zsh-omz", "zsh", BASH_EDITING, True, ["zsh", "-i"],
          (".zshrc", ["zsh-omz.zshrc", "zsh-hook.zsh"]),
          tab_list_keys=1, silent_cancel=True, hist_verify=True,
          extra_features=EXTRA_KILL_RING),
    Setup("fish", "fish", COMMON | EDITING, True, ["fish", "-i"],
          (".config/fish/conf.d/sl_truth.fish", ["fish-hook.fish"]),
          tab_list_keys=1, search_cancel=b"\x03", extra_features=EXTRA_KILL_RING),
    # Debian's busybox has no reverse search: ^R does nothing.
    Setup("busybox", "busybox", POSIX | EDITING - {"ctrl_r_accept", "ctrl_r_cancel"},
          False, ["busybox", "ash", "-i"], wide_echo=False, extra_features=EXTRA_EDITOR),
]
# Common real configurations the eight above do not exercise.
SETUPS += [
    # Ubuntu's ~/.bashrc in a chroot-named system, git's __git_ps1 in a
    # git folder.
    Setup("bash-git", "bash", BASH_EDITING, True, ["bash", "-i"],
          (".bashrc", ["bash-git.bashrc", "bash-hook.sh"]), group="more", git_work=True),
    # A two-line PS1 (\n) with a right-aligned part drawn between a cursor
    # save and restore, as starship/powerline-style prompts do.
    Setup("bash-twoline", "bash", BASH_EDITING, True, ["bash", "-i"],
          (".bashrc", ["bash-twoline.bashrc", "bash-hook.sh"]), group="more"),
    # `set -o vi`: vi editing keys besides the insert-mode ones.
    Setup("bash-vi", "bash", BASH_EDITING | {"vi_edit"}, True, ["bash", "-i"],
          (".bashrc", ["bash-al2023.bashrc", "bash-vi.bashrc", "bash-hook.sh"]),
          group="more"),
    # Amazon Linux 2 (bash 4.2): no bracketed paste.
    Setup("bash-nopaste", "bash", BASH_EDITING, True, ["bash", "-i"],
          (".bashrc", ["bash-al2023.bashrc", "bash-nopaste.bashrc", "bash-hook.sh"]),
          group="more"),
    # powerlevel10k-like: two-line prompt, RPROMPT, autosuggestions.
    Setup("zsh-p10k", "zsh", BASH_EDITING, True, ["zsh", "-i"],
          (".zshrc", ["zsh-p10k.zshrc", "zsh-hook.zsh"]),
          tab_list_keys=1, silent_cancel=True, group="more"),
    # fish with its own fish_prompt (two lines) and fish_right_prompt.
    Setup("fish-custom", "fish", COMMON | EDITING, True, ["fish", "-i"],
          (".config/fish/conf.d/sl_truth.fish", ["fish-custom.fish", "fish-hook.fish"]),
          tab_list_keys=1, search_cancel=b"\x03", group="more"),
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
    """Write the set-up's rc file under home; return (program, argv, env)."""
    env = {"HOME": home, "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "PATH": "/usr/local/bin:/usr/bin:/bin",
           "HISTFILE": os.path.join(home, ".history")}
    if setup.rc_file:
        _write(os.path.join(home, setup.rc_file),
               "".join(_rc(part, truth) for part in setup.rc_parts))
    if setup.name == "bash-sh":
        env["ENV"] = os.path.join(home, setup.rc_file)   # POSIX mode reads $ENV
    if setup.shell == "fish":
        # Without this folder fish 3.6 starts fish_update_completions in
        # the background on its first run, a minute of man-page parsing.
        os.makedirs(home + "/.local/share/fish/generated_completions")
    return setup.program, setup.argv, env


def make_workdir(home, setup=None):
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
    # More completions than an editor lists unasked (keys.f_tab_query);
    # beside the working folder, so that ls there shows what it did.
    for i in range(1, 151):
        _write(os.path.join(home, "many", "file%03d.txt" % i), "%d\n" % i)
    if setup is not None and setup.git_work:
        _git_repository(work, home)
    return work


def _git_repository(work, home):
    """Make work a git repository with one commit of notes.txt and the
    other files untracked, the same on every run (fixed names and dates)."""
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "sl", "GIT_AUTHOR_EMAIL": "sl@example.com",
           "GIT_COMMITTER_NAME": "sl", "GIT_COMMITTER_EMAIL": "sl@example.com",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    for argv in (["git", "init", "-q", "-b", "main"], ["git", "add", "notes.txt"],
                 ["git", "commit", "-q", "-m", "notes"]):
        subprocess.run(argv, cwd=work, env=env, check=True)
